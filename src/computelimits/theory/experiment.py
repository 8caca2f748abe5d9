"""Run the theory experiment: the public entry point for notebooks and the CLI.

    >>> from computelimits.theory import TheoryConfig, simulate
    >>> result = simulate(TheoryConfig.quick(), workers=1)
    >>> result.to_frame().columns[:4].tolist()
    ['model', 'n', 'reps', 'performance_mean']

In a notebook the result shows itself as a table (``_repr_html_``): mean performance with its
95% interval and mean FLOP per fit, per model and sample size (:meth:`TheoryResult.summary`).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from computelimits import __version__
from computelimits import formatting as fm
from computelimits._io import atomic_path, atomic_write_text, ensure_folder
from computelimits.errors import ConfigError, InputError
from computelimits.parallel import check_scheduler_address, in_process, run_tasks, worker_count
from computelimits.resources import check_memory
from computelimits.results import ResultMixin, Summary
from computelimits.theory import cache as result_cache
from computelimits.theory import flops
from computelimits.theory.config import MODELS, TheoryConfig
from computelimits.theory.memory import run_bytes
from computelimits.theory.replication import RUN_COLUMNS, run_replication
from computelimits.theory.sampling import fold_sizes
from computelimits.theory.summary import summarize

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["TheoryResult", "estimated_seconds", "preflight", "simulate"]

NOTES = (
    "performance = -log10(nMSE), nMSE = ||b - beta||^2 / ||beta||^2 (exact for x ~ N(0, I)); "
    "flop = floating-point operations of the algorithm run, counted as if fitting from raw "
    "rows (multiply-add = 2); seconds = wall time of the fit: from raw rows with --materialize, "
    "otherwise of the solve from sufficient statistics only (Gram formation not timed); "
    "flexible uses the minimum-norm least-squares solution when n <= p; summary means are of "
    "performance (geometric mean of nMSE) with Student-t 95% intervals."
)


@dataclass(repr=False)
class TheoryResult(ResultMixin):
    """Runs and summary of one experiment.

    Attributes:
        config: the settings.
        runs: one row per model × n × replication (columns ``RUN_COLUMNS``).
        elapsed_s: wall time of the whole run, seconds (of the run that computed it, for a
            result from the cache).
        workers: worker processes used (0 when a Dask scheduler ran it; 1 when it ran in
            this process).
        scheduler: the Dask scheduler's address, if one ran it.
        from_cache: True when :func:`simulate` took the result from the cache.
    """

    config: TheoryConfig
    runs: pd.DataFrame
    elapsed_s: float = float("nan")
    workers: int = 1
    scheduler: str | None = None
    _summary: pd.DataFrame | None = field(default=None, repr=False)
    from_cache: bool = False

    def _per_n(self) -> pd.DataFrame:
        """The per model × n table behind :meth:`to_frame` (computed once, not a copy)."""
        if self._summary is None:
            self._summary = summarize(self.runs)
        return self._summary

    def to_frame(self) -> pd.DataFrame:
        """One row per model × n (a copy) with ``reps``, ``performance_mean`` and its 95%
        interval ``performance_ci_low`` / ``performance_ci_high`` (performance = −log10
        nMSE), ``flop_mean`` (FLOP per fit, as if fitting from raw rows), ``seconds_mean`` and
        the rest of :data:`.SUMMARY_COLUMNS` (what ``save`` writes to summary.csv)."""
        return self._per_n().copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Student-t ``1 − alpha`` intervals of the mean performance (−log10 nMSE) over the
        replications: indexed by ``model`` and ``n``, columns ``ci_low`` and ``ci_high``."""
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must be between 0 and 1, got {alpha}")
        s = summarize(self.runs, level=1 - alpha)
        return (s.set_index(["model", "n"])[["performance_ci_low", "performance_ci_high"]]
                .rename(columns={"performance_ci_low": "ci_low",
                                 "performance_ci_high": "ci_high"}))

    def summary(self) -> Summary:
        """What the experiment found, as the results vocabulary's :class:`Summary` (the
        terminal text, the table and the notebook's HTML table): per sample size n, each
        model's mean performance −log10(nMSE) with its 95% interval and its mean FLOP per
        fit. (:meth:`to_frame` is the full per model × n DataFrame.)"""
        s = self._per_n()
        models = [m for m in MODELS if m in set(s["model"])]
        rows = []
        for n_, g in s.groupby("n", sort=True):
            by = {r.model: r for r in g.itertuples()}
            row: dict[str, object] = {"n": int(n_)}
            for m in models:
                r = by.get(m)
                row[f"{m} performance (95% CI)"] = (
                    f"{r.performance_mean:.2f} ({r.performance_ci_low:.2f}, "
                    f"{r.performance_ci_high:.2f})" if r is not None else "")
            for m in models:
                r = by.get(m)
                row[f"{m} FLOP"] = fm.flop_count(r.flop_mean) if r is not None else ""
            rows.append(row)
        table = pd.DataFrame(rows)
        where = "from the cache" if self.from_cache else f"in {self.elapsed_s:.1f} s"
        title = f"Theory experiment: {self._setting()} ({where})"
        lines = table.to_string(index=False).splitlines() if not table.empty else []
        notes = ["performance = −log10(nMSE), mean over replications with a Student-t 95% "
                 "interval; FLOP = mean floating-point operations per fit, counted as if "
                 "fitting from raw rows; Flexible is the minimum-norm least-squares fit "
                 "where n ≤ p."]
        return Summary(title, lines, table, notes)

    def _setting(self) -> str:
        cfg = self.config
        return (f"p = {cfg.p}, k = {cfg.k}, SNR = {fm.plain(cfg.snr)}, {cfg.reps} "
                f"replications, n = {cfg.n_grid[0]:,}..{cfg.n_grid[-1]:,}")

    def _repr_parts(self) -> list[str]:
        s = self._per_n()
        return [self._setting(),
                f"{s['model'].nunique()} models × {s['n'].nunique()} sample sizes"]

    def plot(self) -> Figure:
        """The three-panel figure (performance vs n, FLOP vs n, performance vs FLOP)."""
        from computelimits.theory.plot import plot_summary

        return plot_summary(self._per_n(), self.config)

    def table(self, value: str = "performance_mean") -> pd.DataFrame:
        """A wide n × model table of one summary column."""
        wide = self._per_n().pivot(index="n", columns="model", values=value)
        return wide[[m for m in MODELS if m in wide.columns]]

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write runs.csv, summary.csv, config.json, figure.png and figure.svg atomically,
        each checked first by the output rule (:func:`computelimits._io.guard_output`: never
        into the data mirror, the cache or over a file tracked by git)."""
        from computelimits._io import guard_folder, guard_output

        out = guard_folder(out_dir)
        for name in ("runs.csv", "summary.csv", "config.json", "figure.png", "figure.svg"):
            guard_output(out / name)
        ensure_folder(out)
        paths = {}
        with atomic_path(out / "runs.csv") as tmp:
            self.runs.to_csv(tmp, index=False)
        paths["runs"] = out / "runs.csv"
        with atomic_path(out / "summary.csv") as tmp:
            self._per_n().to_csv(tmp, index=False)
        paths["summary"] = out / "summary.csv"
        meta = {
            "computelimits_version": __version__,
            "config": self.config.to_dict(),
            "mode": "materialize" if self.config.materialize else "sufficient-statistics",
            "sampling": "nested within a replication (a learning curve); rows dealt to "
                        "cross-validation folds round-robin",
            "workers": self.workers,
            "scheduler": self.scheduler,
            "elapsed_s": self.elapsed_s,
            "notes": NOTES,
        }
        paths["config"] = atomic_write_text(out / "config.json", json.dumps(meta, indent=2) + "\n")
        fig = self.plot()
        try:
            for ext in ("png", "svg"):
                with atomic_path(out / f"figure.{ext}") as tmp:
                    fig.savefig(tmp, format=ext, dpi=150)
                paths[f"figure_{ext}"] = out / f"figure.{ext}"
        finally:
            import matplotlib.pyplot as plt

            plt.close(fig)
        return paths

    @classmethod
    def load(cls, out_dir: str | Path) -> TheoryResult:
        """Read a result written by :meth:`save`."""
        out = Path(out_dir)
        try:
            meta = json.loads((out / "config.json").read_text(encoding="utf-8"))
            cfg_dict = dict(meta["config"])
            cfg_dict["n_grid"] = tuple(cfg_dict["n_grid"])
            cfg = TheoryConfig(**cfg_dict)
        except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
            raise InputError(f"not a theory result folder ({exc})", path=str(out)) from exc
        runs = pd.read_csv(out / "runs.csv")
        missing = [c for c in RUN_COLUMNS if c not in runs.columns]
        if missing:
            raise InputError(f"missing columns {missing}", path=str(out / "runs.csv"))
        return cls(cfg, runs, meta.get("elapsed_s", float("nan")), meta.get("workers", 1),
                   meta.get("scheduler"))


#: Effective speed of the dense steps (Gram matrices, factorisations), FLOP per second of one
#: core: OpenBLAS's dsyrk and dlauum run at 40-85 GFLOP/s on the 2-core AMD EPYC (Zen 4) the
#: benchmark ran on, Cholesky at about 25; 30 is a round, slightly pessimistic middle.
DENSE_FLOP_PER_S = 30e9
#: Seconds per standard normal drawn (numpy's SFC64 ziggurat: about 7.5 ns).
NORMAL_S = 7.5e-9
#: Seconds of cross-validated lasso per fold and grid point, per p² (column reads from the Gram
#: matrices and gradient updates: about 3 ms per fold at p = 1000 on that machine).
LASSO_S_PER_P2 = 3e-9
#: Fixed seconds per grid point of a replication (Python, four fits, the summary rows).
POINT_S = 5e-3


def estimated_seconds(cfg: TheoryConfig) -> float:
    """Estimated seconds of one core for the whole of ``cfg`` (all replications).

    A work model, not a measurement: per replication and grid point, the standard normals
    drawn, the FLOP of the Gram increments (``syrk`` for row batches, the Bartlett ``lauum``
    for large fold increments) and of the least-squares solves, a lasso term proportional to
    folds × p², and a fixed cost per point. Used to decide whether starting worker processes
    pays off (:func:`computelimits.parallel.in_process`); within a factor of 2 of measured
    times on the default and quick settings.
    """
    p, d, K = cfg.p, cfg.p + 1, cfg.folds
    keep = cfg.n_grid[-1] if cfg.materialize else min(cfg.n_grid[-1], p)
    dense = normals = 0.0
    old = 0
    for n in cfg.n_grid:
        if cfg.materialize or n <= keep:
            normals += (n - old) * d
            dense += flops.gram(n - old, d)
        else:
            for m in fold_sizes(n, K) - fold_sizes(old, K):
                if m >= d:
                    normals += d * (d + 1) / 2
                    dense += d**3 / 3.0
                elif m > 0:
                    normals += float(m) * d
                    dense += flops.gram(int(m), d)
        if cfg.materialize:
            dense += 2 * flops.gram(n, d)  # the fits form their Gram matrices from the rows
        dense += flops.least_squares_min_norm(n, p) if n <= p else flops.cholesky(p)
        old = n
    lasso = len(cfg.n_grid) * (K if cfg.penalty == "cv" else 1) * p * p * LASSO_S_PER_P2
    per_rep = (dense / DENSE_FLOP_PER_S + normals * NORMAL_S + lasso
               + len(cfg.n_grid) * POINT_S)
    return cfg.reps * per_rep


def preflight(cfg: TheoryConfig, *, workers: int | None = None,
              scheduler: str | None = None, force: bool = False) -> int:
    """The checks a run passes before anything is allocated or started: the workers (at
    least 1, capped at the cores), the scheduler address, and the estimated memory
    (:func:`computelimits.theory.memory.run_bytes`) against what is free (unless
    ``force``). Returns the worker processes the run will use (0 on a scheduler, 1 when it
    runs in this process)."""
    if scheduler:
        check_scheduler_address(scheduler)
        n_workers = 0
    else:
        n_workers = worker_count(workers)
        if in_process(cfg.reps, n_workers, estimated_seconds(cfg)):
            n_workers = 1
    check_memory(run_bytes(cfg, max(n_workers, 1)), "this theory run", force=force,
                 how_to_shrink="use fewer features (--p), smaller samples (--n-max), fewer "
                               "replications (--reps) or fewer workers")
    return n_workers


def simulate(config: TheoryConfig | None = None, *, workers: int | None = None,
             scheduler: str | None = None,
             progress: Callable[[int, int], None] | None = None,
             cache: bool = True, force: bool = False) -> TheoryResult:
    """Run every replication of ``config`` and collect the results.

    Replication r draws from child r of ``SeedSequence(config.seed)``, so the results do not
    depend on ``workers`` or on the cluster.

    Small settings run in this process whatever ``workers`` says: when the estimated work
    (:func:`estimated_seconds`) is below what starting the workers would cost
    (:func:`computelimits.parallel.in_process`: about 2 s of work for 2 workers).

    Args:
        config: settings (default: :class:`TheoryConfig` defaults, the paper-sized run).
        workers: local worker processes (default: available cores; 1 = in this process).
        scheduler: address of a dask.distributed scheduler to run the replications on.
        progress: called as ``progress(done, total)`` after each replication.
        cache: reuse the result of an identical earlier run (same settings, package version
            and theory source code) from the user cache folder, and cache this one
            (``computelimits.theory.cache``). False: neither read nor write the cache.
        force: run even when the estimated memory (:func:`computelimits.theory.memory.
            run_bytes`) exceeds what the machine has free; otherwise that raises
            :class:`~computelimits.errors.ResourceError` before anything is allocated.
    """
    if config is not None and not isinstance(config, TheoryConfig):
        from computelimits.errors import ArgumentTypeError

        raise ArgumentTypeError(f"config must be a TheoryConfig, e.g. TheoryConfig() or "
                                f"TheoryConfig.quick(), got {config!r}")
    if workers is not None:
        from computelimits.validate import whole

        workers = whole(workers, "workers", low=1, high=1024)
    cfg = config or TheoryConfig()
    n_workers = preflight(cfg, workers=workers, scheduler=scheduler, force=force)
    if cache:
        hit = result_cache.load(cfg)
        if hit is not None:
            runs, meta = hit
            if progress:
                progress(cfg.reps, cfg.reps)
            return TheoryResult(cfg, runs, meta["elapsed_s"], meta["workers"],
                                meta["scheduler"], from_cache=True)
    cost = estimated_seconds(cfg)
    seeds = np.random.SeedSequence(cfg.seed).spawn(cfg.reps)
    tasks = [(cfg, r, seeds[r]) for r in range(cfg.reps)]
    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, cfg.reps)

    t0 = time.perf_counter()
    parts = run_tasks(run_replication, tasks, workers=None if scheduler else n_workers,
                      scheduler=scheduler, on_done=tick, cost_s=cost)
    elapsed = time.perf_counter() - t0
    runs = pd.DataFrame([row for part in parts for row in part], columns=list(RUN_COLUMNS))
    if cache and math.isfinite(elapsed):
        result_cache.store(cfg, runs, elapsed_s=elapsed, workers=n_workers, scheduler=scheduler)
    return TheoryResult(cfg, runs, elapsed, n_workers, scheduler)
