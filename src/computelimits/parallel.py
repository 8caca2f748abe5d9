"""Run a list of independent tasks on local processes or on a dask.distributed cluster.

Results come back in task order whatever the order of completion, so a computation whose
tasks carry their own seeds gives the same answer on 1 worker, 8 workers or a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any, TypeVar

from computelimits.errors import ConfigError

__all__ = ["available_cores", "run_tasks"]

T = TypeVar("T")


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_tasks(fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]], *,
              workers: int | None = None, scheduler: str | None = None,
              on_done: Callable[[int], None] | None = None) -> list[T]:
    """Call ``fn(*task)`` for every task and return the results in task order.

    Args:
        fn: a module-level function (it is pickled to the workers).
        tasks: argument tuples.
        workers: local worker processes (default: the available cores); 1 runs in this
            process. Ignored when ``scheduler`` is given.
        scheduler: address of a running dask.distributed scheduler, e.g.
            ``tcp://127.0.0.1:8786``; the tasks run on its workers.
        on_done: called with the task index as each task finishes (for progress bars).
    """
    if scheduler:
        return _run_dask(fn, tasks, scheduler, on_done)
    n_workers = available_cores() if workers is None else workers
    if n_workers < 1:
        raise ConfigError(f"workers must be at least 1, got {n_workers}")
    results: list[Any] = [None] * len(tasks)
    if n_workers == 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            results[i] = fn(*task)
            if on_done:
                on_done(i)
        return results
    # "spawn": a fresh interpreter per worker, safe with BLAS thread pools and numba.
    with ProcessPoolExecutor(max_workers=min(n_workers, len(tasks)),
                             mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if on_done:
                on_done(i)
    return results


def _run_dask(fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]], scheduler: str,
              on_done: Callable[[int], None] | None) -> list[T]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ConfigError("--scheduler needs the 'distributed' package") from exc
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        futures = [client.submit(fn, *task, pure=False) for task in tasks]
        index = {fut.key: i for i, fut in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        for fut in dask_completed(futures):
            i = index[fut.key]
            results[i] = fut.result()
            if on_done:
                on_done(i)
        return results
    finally:
        client.close()
