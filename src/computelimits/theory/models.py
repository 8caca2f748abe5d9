"""The four estimators of the theory experiment, each returning its coefficients and the FLOP
of the algorithm it ran (counted as if fitting from raw data; see :mod:`.flops`).

* least squares with ``n > d`` rows: normal equations and Cholesky (LAPACK ``potrf``/``potrs``);
  if the Gram matrix is numerically singular, a symmetric eigendecomposition pseudo-inverse;
* least squares with ``n ≤ d``: the **minimum-norm** solution by Householder LQ (LAPACK
  ``gels``), the solution of smallest ‖b‖ among the exact interpolants;
* lasso: coordinate descent on the Gram matrix (:mod:`._lasso`), penalty by K-fold
  cross-validation or the universal threshold.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

from computelimits.theory import flops
from computelimits.theory._lasso import LassoWork, cv_lasso_path, lasso_path_fit
from computelimits.theory.config import TheoryConfig

__all__ = [
    "LassoResult",
    "alpha_path",
    "lasso_cv",
    "lasso_universal",
    "ls_min_norm",
    "ls_normal_equations",
    "symmetric_block",
]


def symmetric_block(W: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The full symmetric block ``W[idx, idx]`` of an upper-triangle-stored matrix (idx sorted)."""
    sub = W[np.ix_(idx, idx)]
    upper = np.triu(sub)
    return upper + np.triu(sub, 1).T


def ls_normal_equations(G: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, float, str]:
    """Solve ``G b = q`` for SPD ``G`` (full or upper-stored; only the upper triangle is read).

    Returns (b, FLOP of the solve after forming G and q, method). Falls back to the
    pseudo-inverse by eigendecomposition if Cholesky fails (numerically singular G).
    """
    d = G.shape[0]
    # A C-ordered matrix is its transpose to LAPACK: pass Gᵀ (Fortran order) and ask for the
    # lower triangle, which is our upper one. No copy is made of a C-contiguous G.
    c, info = lapack.dpotrf(np.asarray(G).T, lower=1, overwrite_a=0, clean=0)
    if info == 0:
        b, info2 = lapack.dpotrs(c, q, lower=1)
        if info2 == 0 and np.all(np.isfinite(b)):
            return b, flops.cholesky(d) + 2 * flops.triangular_solve(d), "least squares (Cholesky)"
    full = np.triu(G) + np.triu(G, 1).T
    vals, vecs = np.linalg.eigh(full)
    cut = vals.max() * d * np.finfo(float).eps
    inv = np.where(vals > cut, 1.0 / np.where(vals > cut, vals, 1.0), 0.0)
    b = vecs @ (inv * (vecs.T @ q))
    return b, flops.symmetric_eigen(d) + 4.0 * d * d + d, "least squares (eigen pseudo-inverse)"


def ls_min_norm(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, str]:
    """Minimum-norm least squares for ``X`` of shape n×d with n ≤ d (LAPACK ``gels``, LQ).

    Returns (b, FLOP from raw data, method).
    """
    n, d = X.shape
    rhs = np.zeros(max(n, d))
    rhs[:n] = y
    lwork, _ = lapack.dgels_lwork(n, d, 1)  # optimal workspace: blocked Householder (level 3)
    _, x, info = lapack.dgels(np.asfortranarray(X), rhs, lwork=int(lwork))
    if info != 0:
        # Rank deficient (probability zero for Gaussian rows): SVD-based minimum norm.
        x = np.linalg.lstsq(X, y, rcond=None)[0]
        return x, flops.least_squares_min_norm(n, d), "least squares (minimum-norm, SVD)"
    return np.asarray(x[:d]), flops.least_squares_min_norm(n, d), "least squares (minimum-norm)"


_local = threading.local()


def _lasso_work(K: int, p: int) -> LassoWork:
    """This thread's lasso workspaces for K folds and p features (kept between fits; they
    grow with the largest active set seen, see :class:`._lasso.LassoWork`)."""
    work = getattr(_local, "lasso", None)
    if work is None or work.K != K or work.p != p:
        work = _local.lasso = LassoWork(K, p)
    return work


def alpha_path(alpha_max: float, cfg: TheoryConfig) -> np.ndarray:
    """``cfg.n_alphas`` penalties log-spaced from ``alpha_max`` to ``alpha_ratio·alpha_max``."""
    return alpha_max * np.logspace(0.0, math.log10(cfg.alpha_ratio), cfg.n_alphas)


@dataclass(frozen=True)
class LassoResult:
    coef: np.ndarray
    alpha: float
    flop: float  # solver FLOP only (path, validation, refit); the caller adds data reduction
    sweeps: float
    unconverged: float


def lasso_cv(Wt: np.ndarray, Wf: np.ndarray, q: np.ndarray, q_folds: np.ndarray,
             yty: float, yty_folds: np.ndarray, m_folds: np.ndarray, n: int,
             cfg: TheoryConfig) -> LassoResult:
    """K-fold cross-validated lasso on per-fold sufficient statistics.

    ``Wt`` (d×d) and ``Wf`` (K×d×d) are the total's and the folds' augmented Grams (upper
    triangles), ``Wt = Wf.sum(axis=0)``.

    As scikit-learn's LassoCV: one penalty path from the full data's α_max, every fold fitted
    along it with warm starts, the penalty with the lowest mean validation MSE chosen, then a
    refit on all rows. Differences: the path may stop early (``cfg.patience``) and the refit
    follows the path down to the chosen penalty with warm starts.
    """
    K = Wf.shape[0]
    alpha_max = float(np.max(np.abs(q))) / n
    if alpha_max == 0.0:
        return LassoResult(np.zeros_like(q), 0.0, 1.0, 0.0, 0.0)
    alphas = alpha_path(alpha_max, cfg)
    q_train = q[None, :] - q_folds
    yty_train = yty - yty_folds
    n_train = (n - m_folds).astype(float)
    work = _lasso_work(K, q.shape[0])
    errors, done, fl, sweeps, bad, work.CT, work.GA, work.GV, work.cols, colslot, ncols = (
        cv_lasso_path(Wt, Wf, q_train, q_folds, yty_folds, yty_train, m_folds.astype(float),
                      n_train, alphas, cfg.patience, cfg.tol, cfg.max_sweeps, work.CT, work.GA,
                      work.GV, work.cols))
    mean = errors[:done].mean(axis=1)
    best = int(np.argmin(mean))
    coef, fl2, sweeps2, bad2 = lasso_path_fit(Wt, q, yty, float(n), alphas[: best + 1], cfg.tol,
                                              cfg.max_sweeps, work=work,
                                              cols=(work.cols, colslot, ncols))
    # Data reduction inside the solver: K training q vectors and yᵀy by subtraction, the mean
    # validation error per penalty (K − 1 additions and one division), α_max (one division).
    reduction = K * (q.shape[0] + 1.0) + done * K + 1.0
    return LassoResult(coef, float(alphas[best]), fl + fl2 + reduction, sweeps + sweeps2,
                       bad + bad2)


def lasso_universal(Wt: np.ndarray, q: np.ndarray, yty: float, n: int, sigma: float,
                    cfg: TheoryConfig) -> LassoResult:
    """Lasso at the universal penalty α = σ·sqrt(2·ln p / n), reached along the penalty path.

    ``Wt``: the augmented Gram (d×d, upper triangle)."""
    p = q.shape[0]
    alpha_u = sigma * math.sqrt(2.0 * math.log(p) / n)
    alpha_max = float(np.max(np.abs(q))) / n
    grid = alpha_path(alpha_max, cfg) if alpha_max > 0 else np.empty(0)
    alphas = np.append(grid[grid > alpha_u], alpha_u)
    coef, fl, sweeps, bad = lasso_path_fit(Wt, q, yty, float(n), alphas, cfg.tol, cfg.max_sweeps,
                                           work=_lasso_work(1, p))
    return LassoResult(coef, alpha_u, fl + 6.0, sweeps, bad)
