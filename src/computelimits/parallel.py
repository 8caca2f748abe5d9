"""Run a list of independent tasks on local processes or on a dask.distributed cluster.

Results come back in task order whatever the order of completion, so a computation whose
tasks carry their own seeds gives the same answer on 1 worker, 8 workers or a cluster.

Worker processes are started with "spawn" (a fresh interpreter: safe with BLAS thread pools
and numba). A spawned worker imports only what unpickling its tasks needs: the module of the
function and of the arguments. Python's spawn would also re-run the parent's main script
(``__main__``), which for the ``computelimits`` command means importing the whole command
line (typer, rich, and every subcommand's imports) in every worker; it is skipped whenever
neither the function nor the pickled tasks refer to ``__main__``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any, TypeVar

from computelimits.errors import ConfigError

__all__ = ["SCHEDULER_TIMEOUT_S", "WORKER_START_S", "available_cores",
           "check_scheduler_address", "in_process", "run_tasks", "worker_count"]

T = TypeVar("T")

#: Seconds of one core that starting a spawned worker costs before it runs its first task:
#: a fresh interpreter, the imports of the task's module (numpy, scipy.linalg, numba for the
#: theory experiment: about 0.45 s) and loading its compiled kernels from numba's cache
#: (about 0.2 s), measured on a 2-core AMD EPYC (Zen 4) with ``python -X importtime``
#: and the benchmark; rounded up, since a busy machine starts workers more slowly.
WORKER_START_S = 1.0


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def in_process(n_tasks: int, workers: int, cost_s: float | None) -> bool:
    """Whether ``n_tasks`` tasks with an estimated total ``cost_s`` (seconds of one core,
    None: unknown) should run in this process rather than on ``workers`` spawned workers.

    With w workers the pool finishes after about ``WORKER_START_S + cost_s / w`` (workers
    start in parallel), this process after ``cost_s``: the pool pays off only when
    ``cost_s > WORKER_START_S · w / (w − 1)``, i.e. above 2 s of work on 2 workers,
    1.33 s on 4 (and never when there is a single task or a single worker).
    """
    w = min(workers, n_tasks)
    if w <= 1:
        return True
    if cost_s is None:
        return False
    return cost_s <= WORKER_START_S * w / (w - 1)


#: Seconds to wait for a Dask scheduler to answer before giving up with an error.
SCHEDULER_TIMEOUT_S = 10

_SCHEDULER_ADDRESS = re.compile(r"(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+:\d{1,5}/?")


def check_scheduler_address(scheduler: str) -> str:
    """``scheduler`` if it reads as a Dask scheduler address (PROTOCOL://HOST:PORT); else a
    ConfigError before anything connects or starts."""
    if not _SCHEDULER_ADDRESS.fullmatch(scheduler):
        raise ConfigError(f"--scheduler {scheduler!r} is not a scheduler address: expected "
                          "PROTOCOL://HOST:PORT, e.g. tcp://127.0.0.1:8786")
    return scheduler


def worker_count(workers: int | None) -> int:
    """Local worker processes to start: ``workers`` (default: the available cores), capped
    at the available cores (more processes than cores only add start-up time and memory).
    Raises ConfigError below 1."""
    n = available_cores() if workers is None else workers
    if n < 1:
        raise ConfigError(f"workers must be at least 1, got {n}")
    return min(n, available_cores())


def run_tasks(fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]], *,
              workers: int | None = None, scheduler: str | None = None,
              on_done: Callable[[int], None] | None = None,
              cost_s: float | None = None) -> list[T]:
    """Call ``fn(*task)`` for every task and return the results in task order.

    Args:
        fn: a module-level function (it is pickled to the workers). Define it in a module
            that imports little: each worker imports that module.
        tasks: argument tuples.
        workers: local worker processes (default: the available cores, and never more);
            1 runs in this process. Ignored when ``scheduler`` is given.
        scheduler: address of a running dask.distributed scheduler, e.g.
            ``tcp://127.0.0.1:8786``; the tasks run on its workers.
        on_done: called with the task index as each task finishes (for progress bars).
        cost_s: estimated seconds of one core for all the tasks together; small batches run
            in this process (see :func:`in_process`). None: unknown (use the workers).
    """
    if scheduler:
        return _run_dask(fn, tasks, scheduler, on_done)
    n_workers = worker_count(workers)
    results: list[Any] = [None] * len(tasks)
    if in_process(len(tasks), n_workers, cost_s):
        for i, task in enumerate(tasks):
            results[i] = fn(*task)
            if on_done:
                on_done(i)
        return results
    with ProcessPoolExecutor(max_workers=min(n_workers, len(tasks)),
                             mp_context=get_context("spawn"), initializer=_watch_parent,
                             initargs=(os.getpid(),)) as pool:
        with _without_main(not _needs_main(fn, tasks)):
            futures = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if on_done:
                on_done(i)
    return results


#: Seconds between a worker's checks that the process that started it is still alive.
PARENT_CHECK_S = 0.5


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit as soon as ``parent`` is gone. A parent killed with SIGKILL
    cannot stop its pool, and orphaned workers would otherwise finish (or hang on) their
    tasks and keep their memory."""
    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="computelimits-parent-watch", daemon=True).start()


def _needs_main(fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]]) -> bool:
    """Whether unpickling ``fn`` or the tasks in a worker could need the parent's ``__main__``."""
    if getattr(fn, "__module__", "__main__") == "__main__":
        return True
    try:
        return any(b"__main__" in pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
                   for task in tasks)
    except Exception:  # unpicklable: let the pool report it the usual way
        return True


@contextlib.contextmanager
def _without_main(active: bool) -> Iterator[None]:
    """While workers are being spawned, show multiprocessing a bare ``__main__`` (no file, no
    spec), so that the children do not re-run the parent's main script."""
    main = sys.modules.get("__main__")
    if not active or main is None:
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _run_dask(fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]], scheduler: str,
              on_done: Callable[[int], None] | None) -> list[T]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ConfigError("--scheduler needs the 'distributed' package") from exc
    check_scheduler_address(scheduler)
    try:
        client = Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT_S}s")
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} within "
                          f"{SCHEDULER_TIMEOUT_S} s: {exc}") from exc
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
