"""The machine's floor for one replication of the theory experiment: the same random draws
and the same dense linear algebra as a replication, and nothing else (no lasso, no
bookkeeping), timed around the generator and BLAS/LAPACK calls only.

Kept in its own small module so that benchmark workers import only numpy and scipy.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.linalg import blas, lapack
from threadpoolctl import threadpool_limits


def _fold_sizes(n: int, folds: int) -> np.ndarray:
    sizes = np.full(folds, n // folds, dtype=np.int64)
    sizes[: n % folds] += 1
    return sizes


def floor_replication(cfg, seed: np.random.SeedSequence) -> float:
    """Seconds of sampling (normals, χ², ``syrk``/``lauum`` of every fold increment) plus the
    least-squares solves (``gels`` for n ≤ d, ``potrf`` + ``potrs`` for n > d) of the three
    least-squares models, for one replication of ``cfg`` (sufficient-statistics mode)."""
    with threadpool_limits(limits=1):
        return _floor(cfg, seed)


def _floor(cfg, seed) -> float:
    rng = np.random.Generator(np.random.SFC64(seed))
    p, d, K = cfg.p, cfg.p + 1, cfg.folds
    keep = min(cfg.n_grid[-1], p)
    rows = np.empty((keep, d))
    W = np.zeros((K, d, d))
    L = np.zeros((d, d), order="F")
    block = np.empty((d, d))
    idx = np.arange(d)
    spd = {dd: np.eye(dd) * 2.0 + 0.01 for dd in {cfg.k, p}}  # any SPD matrix of the size
    spent = 0.0
    old = 0
    for n in cfg.n_grid:
        if n <= keep:
            part = rows[old:n]
            t = time.perf_counter()
            rng.standard_normal(out=part)
            for f in range(K):
                z = part[(f - old) % K :: K]
                if z.shape[0]:
                    blas.dsyrk(1.0, np.ascontiguousarray(z).T, beta=1.0, c=W[f].T, trans=0,
                               lower=1, overwrite_c=1)
            spent += time.perf_counter() - t
        else:
            for f, m in enumerate(_fold_sizes(n, K) - _fold_sizes(old, K)):
                m = int(m)
                t = time.perf_counter()
                if m >= d:
                    rng.standard_normal(d * (d + 1) // 2)  # the Bartlett normals
                    L[idx, idx] = np.sqrt(rng.chisquare(m - d + 1 + idx))
                    lapack.dlauum(L, lower=1, overwrite_c=1)
                elif m:
                    b = block[:m]
                    rng.standard_normal(out=b)
                    blas.dsyrk(1.0, b.T, beta=1.0, c=W[f].T, trans=0, lower=1, overwrite_c=1)
                spent += time.perf_counter() - t
        old = n
        for dd in (cfg.k, cfg.k, p):
            if n <= dd:
                X = np.asfortranarray(rows[:n, :dd])
                rhs = np.zeros(max(n, dd))
                rhs[:n] = rows[:n, p]
                lwork = int(lapack.dgels_lwork(n, dd, 1)[0])
                t = time.perf_counter()
                lapack.dgels(X, rhs, lwork=lwork, overwrite_a=1, overwrite_b=1)
                spent += time.perf_counter() - t
            else:
                G = spd[dd]
                rhs = np.ones(dd)
                t = time.perf_counter()
                c, _ = lapack.dpotrf(G, lower=1, overwrite_a=0, clean=0)
                lapack.dpotrs(c, rhs, lower=1)
                spent += time.perf_counter() - t
    return spent
