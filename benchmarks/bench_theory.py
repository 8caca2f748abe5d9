"""Speed of the theory experiment against a naive baseline measured in the same run.

Baseline: what a practitioner would write first. For every model, n and replication, draw the
design matrix X, then fit a fresh scikit-learn estimator: ``LinearRegression`` for Oracle,
Expert and Flexible (its least-squares solver returns the minimum-norm solution for n < p) and
``LassoCV(cv=5)`` for Regularized, all without intercept, as in the experiment.

Compared on a grid subset both can finish, one core each (BLAS limited to one thread):
  * computelimits, default mode (Wishart sufficient statistics);
  * computelimits --materialize (draws X, fits from it);
  * the baseline.
Then the full default sweep (p = 1000, n = 10..100,000, 100 replications), the result cache
off:
  * on all cores and on 1 worker (the two timings and their ratio);
  * against the machine's floor, measured in the same run: the time of just the sampling
    (the same normals, χ² and ``syrk``/``lauum`` Gram increments) plus the least-squares
    solves (``gels``/``potrf``+``potrs``) of every replication, at BLAS speed, timed
    around those calls only (``benchmarks/_floor.py``), run on the same workers; the floor
    of the sweep is the sum of those times divided by the number of workers (perfect
    parallelism, no start-up). The ratio floor/actual is printed; the goal is ≥ 0.7.
Finally the import time of a worker (``python -X importtime``) and the quick setting's time.

Run:  python benchmarks/bench_theory.py [--reps 3] [--subset 100,1000,10000] [--no-subset]
                                        [--no-full] [--full-reps 100]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from computelimits.parallel import available_cores, run_tasks
from computelimits.theory import TheoryConfig, simulate
from computelimits.theory.replication import replication_rng
from computelimits.theory.sampling import draw_problem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _floor import floor_replication


def baseline(cfg: TheoryConfig) -> float:
    """Seconds for the naive scikit-learn loop over replications and sample sizes."""
    from sklearn.linear_model import LassoCV, LinearRegression

    seeds = np.random.SeedSequence(cfg.seed).spawn(cfg.reps)
    t0 = time.perf_counter()
    for seed in seeds:
        rng = replication_rng(seed)
        prob = draw_problem(cfg, rng)
        for n in cfg.n_grid:
            X = rng.standard_normal((n, cfg.p))
            y = X @ prob.beta + prob.sigma * rng.standard_normal(n)
            for idx in (prob.support, prob.expert):
                LinearRegression(fit_intercept=False).fit(X[:, idx], y)
            LinearRegression(fit_intercept=False).fit(X, y)
            LassoCV(cv=cfg.folds, fit_intercept=False).fit(X, y)
    return time.perf_counter() - t0


def worker_import_seconds(repeat: int = 5) -> float:
    """Best of ``repeat`` cumulative import times (s) of the module a worker imports."""
    best = float("inf")
    for _ in range(repeat):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c",
                              "import computelimits.theory.replication"],
                             capture_output=True, text=True, check=True).stderr
        us = [int(m.group(1)) for m in re.finditer(
            r"\|\s*(\d+)\s*\|\s*computelimits\.theory\.replication$", err, re.M)]
        best = min(best, max(us) / 1e6)
    return best


def floor_seconds(cfg: TheoryConfig, workers: int) -> tuple[float, float]:
    """(floor of the sweep on ``workers`` workers, single-core sum), seconds."""
    seeds = np.random.SeedSequence(cfg.seed).spawn(cfg.reps)
    times = run_tasks(floor_replication, [(cfg, s) for s in seeds], workers=workers)
    total = float(sum(times))
    return total / workers, total


def full_sweep(reps: int) -> None:
    cores = available_cores()
    full = TheoryConfig(reps=reps)
    simulate(full.replace(reps=1), workers=1, cache=False)  # compile / load the kernels here
    timings = {}
    for w in sorted({cores, 1}, reverse=True):
        t = time.perf_counter()
        res = simulate(full, workers=w, cache=False)
        timings[w] = time.perf_counter() - t
        print(f"full default sweep: n={full.n_grid[0]}..{full.n_grid[-1]} "
              f"({len(full.n_grid)} sizes), {full.reps} replications, {w} worker(s): "
              f"{timings[w]:.1f} s ({res.workers} used); {len(res.runs)} fits")
    if cores > 1:
        print(f"  {cores} workers vs 1: {timings[1] / timings[cores]:.2f}x faster "
              f"({timings[cores]:.1f} s vs {timings[1]:.1f} s)")
    floor, single = floor_seconds(full, cores)
    actual = timings[cores]
    print(f"  floor (sampling + least-squares solves at BLAS speed): {single:.1f} s of one "
          f"core, {floor:.1f} s on {cores} cores")
    print(f"  floor / actual = {floor:.1f} / {actual:.1f} = {floor / actual:.2f} (goal >= 0.70)")
    t = time.perf_counter()
    simulate(full, workers=cores)  # fills the cache (if it was empty) ...
    t = time.perf_counter()
    hit = simulate(full, workers=cores)  # ... so that this is an unchanged rerun
    print(f"  unchanged rerun from the result cache: {time.perf_counter() - t:.3f} s "
          f"(from_cache={hit.from_cache})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--subset", default="100,1000,10000")
    ap.add_argument("--no-subset", action="store_true", help="skip the scikit-learn comparison")
    ap.add_argument("--no-full", action="store_true", help="skip the full default sweep")
    ap.add_argument("--full-reps", type=int, default=100,
                    help="replications of the full sweep (default: 100, the default setting)")
    args = ap.parse_args()

    if not args.no_subset:
        subset(args.reps, tuple(int(v) for v in args.subset.split(",")))
    if not args.no_full:
        full_sweep(args.full_reps)
    quick = TheoryConfig.quick()
    t = time.perf_counter()
    res = simulate(quick, cache=False)
    print(f"quick setting ({quick.reps} replications, p={quick.p}): "
          f"{time.perf_counter() - t:.2f} s on {res.workers} worker(s) (in process: "
          f"{res.workers == 1})")
    print(f"worker import time (python -X importtime, computelimits.theory.replication): "
          f"{worker_import_seconds():.2f} s")


def subset(reps: int, grid: tuple[int, ...]) -> None:
    cfg = TheoryConfig(n_grid=grid, reps=reps, seed=1)
    print(f"subset: p={cfg.p}, k={cfg.k}, n={list(grid)}, {cfg.reps} replications, one core")

    simulate(cfg.replace(reps=1), workers=1, cache=False)  # load the compiled kernels once
    t = time.perf_counter()
    simulate(cfg, workers=1, cache=False)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    simulate(cfg.replace(materialize=True), workers=1, cache=False)
    raw = time.perf_counter() - t
    with threadpool_limits(limits=1):
        base = baseline(cfg)
    print(f"  baseline (scikit-learn per fit)   {base:8.2f} s")
    print(f"  computelimits --materialize       {raw:8.2f} s   {base / raw:6.1f}x faster")
    print(f"  computelimits (default)           {ours:8.2f} s   {base / ours:6.1f}x faster")


if __name__ == "__main__":
    main()
