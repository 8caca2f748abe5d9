"""Speed of the theory experiment against a naive baseline measured in the same run.

Baseline: what a practitioner would write first. For every model, n and replication, draw the
design matrix X, then fit a fresh scikit-learn estimator: ``LinearRegression`` for Oracle,
Expert and Flexible (its least-squares solver returns the minimum-norm solution for n < p) and
``LassoCV(cv=5)`` for Regularized, all without intercept, as in the experiment.

Compared on a grid subset both can finish, one core each (BLAS limited to one thread):
  * computelimits, default mode (Wishart sufficient statistics);
  * computelimits --materialize (draws X, fits from it);
  * the baseline.
Then the full default sweep (p = 1000, n = 10..100,000, 100 replications) on all cores.

Run:  python benchmarks/bench_theory.py [--reps 3] [--subset 100,1000,10000] [--no-full]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from computelimits.parallel import available_cores
from computelimits.theory import TheoryConfig, simulate
from computelimits.theory.replication import replication_rng
from computelimits.theory.sampling import draw_problem


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--subset", default="100,1000,10000")
    ap.add_argument("--no-full", action="store_true", help="skip the full default sweep")
    args = ap.parse_args()

    grid = tuple(int(v) for v in args.subset.split(","))
    cfg = TheoryConfig(n_grid=grid, reps=args.reps, seed=1)
    print(f"subset: p={cfg.p}, k={cfg.k}, n={list(grid)}, {cfg.reps} replications, one core")

    simulate(cfg.replace(reps=1), workers=1)  # load the compiled kernels once
    t = time.perf_counter()
    simulate(cfg, workers=1)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    simulate(cfg.replace(materialize=True), workers=1)
    raw = time.perf_counter() - t
    with threadpool_limits(limits=1):
        base = baseline(cfg)
    print(f"  baseline (scikit-learn per fit)   {base:8.2f} s")
    print(f"  computelimits --materialize       {raw:8.2f} s   {base / raw:6.1f}x faster")
    print(f"  computelimits (default)           {ours:8.2f} s   {base / ours:6.1f}x faster")

    if not args.no_full:
        cores = available_cores()
        full = TheoryConfig()
        t = time.perf_counter()
        res = simulate(full, workers=cores)
        total = time.perf_counter() - t
        print(f"full default sweep: n={full.n_grid[0]}..{full.n_grid[-1]} "
              f"({len(full.n_grid)} sizes), {full.reps} replications on {cores} cores: "
              f"{total:.1f} s (goal < 60 s); {len(res.runs)} fits")


if __name__ == "__main__":
    main()
