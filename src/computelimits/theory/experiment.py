"""Run the theory experiment: the public entry point for notebooks and the CLI.

    >>> from computelimits.theory import TheoryConfig, simulate
    >>> result = simulate(TheoryConfig.quick(), workers=1)
    >>> result.summary.columns[:4].tolist()
    ['model', 'n', 'reps', 'performance_mean']
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from computelimits import __version__
from computelimits._io import atomic_path, atomic_write_text
from computelimits.errors import InputError
from computelimits.parallel import available_cores, run_tasks
from computelimits.theory.config import MODELS, TheoryConfig
from computelimits.theory.replication import RUN_COLUMNS, run_replication
from computelimits.theory.summary import summarize

__all__ = ["TheoryResult", "simulate"]

NOTES = (
    "performance = -log10(nMSE), nMSE = ||b - beta||^2 / ||beta||^2 (exact for x ~ N(0, I)); "
    "flop = floating-point operations of the algorithm run, counted as if fitting from raw "
    "rows (multiply-add = 2); seconds = wall time of the fit: from raw rows with --materialize, "
    "otherwise of the solve from sufficient statistics only (Gram formation not timed); "
    "flexible uses the minimum-norm least-squares solution when n <= p; summary means are of "
    "performance (geometric mean of nMSE) with Student-t 95% intervals."
)


@dataclass
class TheoryResult:
    """Runs and summary of one experiment.

    Attributes:
        config: the settings.
        runs: one row per model × n × replication (columns ``RUN_COLUMNS``).
        elapsed_s: wall time of the whole run, seconds.
        workers: worker processes used (0 when a Dask scheduler ran it).
    """

    config: TheoryConfig
    runs: pd.DataFrame
    elapsed_s: float = float("nan")
    workers: int = 1
    scheduler: str | None = None
    _summary: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Per model × n: mean performance with 95% CI, mean FLOP, mean seconds, ..."""
        if self._summary is None:
            self._summary = summarize(self.runs)
        return self._summary

    def plot(self) -> Figure:
        """The three-panel figure (performance vs n, FLOP vs n, performance vs FLOP)."""
        from computelimits.theory.plot import plot_summary

        return plot_summary(self.summary, self.config)

    def table(self, value: str = "performance_mean") -> pd.DataFrame:
        """A wide n × model table of one summary column."""
        wide = self.summary.pivot(index="n", columns="model", values=value)
        return wide[[m for m in MODELS if m in wide.columns]]

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write runs.csv, summary.csv, config.json, figure.png and figure.svg atomically."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {}
        with atomic_path(out / "runs.csv") as tmp:
            self.runs.to_csv(tmp, index=False)
        paths["runs"] = out / "runs.csv"
        with atomic_path(out / "summary.csv") as tmp:
            self.summary.to_csv(tmp, index=False)
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


def simulate(config: TheoryConfig | None = None, *, workers: int | None = None,
             scheduler: str | None = None,
             progress: Callable[[int, int], None] | None = None) -> TheoryResult:
    """Run every replication of ``config`` and collect the results.

    Replication r draws from child r of ``SeedSequence(config.seed)``, so the results do not
    depend on ``workers`` or on the cluster.

    Args:
        config: settings (default: :class:`TheoryConfig` defaults, the paper-sized run).
        workers: local worker processes (default: available cores; 1 = in this process).
        scheduler: address of a dask.distributed scheduler to run the replications on.
        progress: called as ``progress(done, total)`` after each replication.
    """
    cfg = config or TheoryConfig()
    seeds = np.random.SeedSequence(cfg.seed).spawn(cfg.reps)
    tasks = [(cfg, r, seeds[r]) for r in range(cfg.reps)]
    n_workers = 0 if scheduler else (available_cores() if workers is None else workers)
    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, cfg.reps)

    t0 = time.perf_counter()
    parts = run_tasks(run_replication, tasks, workers=None if scheduler else n_workers,
                      scheduler=scheduler, on_done=tick)
    elapsed = time.perf_counter() - t0
    runs = pd.DataFrame([row for part in parts for row in part], columns=list(RUN_COLUMNS))
    return TheoryResult(cfg, runs, elapsed, n_workers, scheduler)
