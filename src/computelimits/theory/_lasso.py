"""Lasso by cyclic coordinate descent on sufficient statistics, with exact FLOP counts.

The solver works on the Gram matrix ``G = XᵀX`` and ``q = Xᵀy`` only ("covariance updates",
Friedman, Hastie & Tibshirani 2010, *Regularization Paths for Generalized Linear Models via
Coordinate Descent*, J. Stat. Softw. 33(1), §2.2), with an active set, warm starts along a
decreasing penalty path, and glmnet's convergence rule: a pass over the active set stops when
the largest objective decrease of any single coordinate update, ``G_jj·δ_j²/2``, is below
``tol · yᵀy/2`` (glmnet's ``thresh``, default 1e-7).

The objective at penalty ``α`` and ``n`` training rows is sklearn's Lasso objective
``(1/2n)‖y − Xb‖² + α‖b‖₁`` (no intercept: the generative model has none), which is minimised
here in the equivalent unscaled form ``½bᵀGb − qᵀb + λ‖b‖₁`` with ``λ = nα``.

Matrices arrive as upper triangles (``W[i, j]`` valid for ``i ≤ j``) of an augmented
(p+1)×(p+1) Gram ``[X, e]ᵀ[X, e]``; only the leading p×p block is read. A training Gram is
"total minus one fold", formed column by column on demand (one subtraction per entry), so
the K training matrices of K-fold cross-validation are never materialised.

Workspaces are sized to the active set, not to p: per fold the training Gram's active columns
(``cap × p``) and the active blocks of the training and held-out Grams (``cap × cap``), where
``cap`` grows (doubling, at most p) only when more coefficients become active than it holds.
The columns of the total Gram that any fold (or the final refit) needs are read from its
upper-triangular storage once per call and shared by all folds: reading a column is a
strided walk through an 8 MB matrix (p = 1000), about 5 µs with a cache miss per element,
the most expensive memory access here. A kernel that needs more room returns before
changing anything, saying how much; the caller grows the arrays and calls again (a solver
step is never split), so the arithmetic, and the result, do not depend on the starting
sizes.

FLOP convention: additions, subtractions, multiplications and divisions each count one;
comparisons and absolute values count none; one multiply-add counts 2. Every arithmetic
operation the kernel performs on floating-point data is counted where it is performed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["LassoWork", "cv_lasso_path", "lasso_path_fit"]

#: Rows of a fresh workspace (coefficients it can hold before growing).
INITIAL_CAPACITY = 32


@njit(cache=True, nogil=True)
def _grow_rows(A, used, cap):
    """A (K, cap, m) copy of ``A`` (K, c, m) keeping the first ``used[f]`` rows of fold f."""
    K = A.shape[0]
    out = np.empty((K, cap, A.shape[2]))
    for f in range(K):
        for s in range(used[f]):
            out[f, s, :] = A[f, s, :]
    return out


@njit(cache=True, nogil=True)
def _grow_square(A, used, cap):
    """A (K, cap, cap) copy of ``A`` keeping each fold's leading ``used[f]``² block."""
    K = A.shape[0]
    out = np.empty((K, cap, cap))
    for f in range(K):
        u = used[f]
        for s in range(u):
            out[f, s, :u] = A[f, s, :u]
    return out


@njit(cache=True, nogil=True)
def _grow_cols(cols, ncols, cap):
    out = np.empty((cap, cols.shape[1]))
    out[:ncols] = cols[:ncols]
    return out


@njit(cache=True, nogil=True)
def _advance(Wt, Wf, use_fold, q, lam, thr, max_sweeps, b, act, slot, CT, GA, GV, r, rA,
             fcol, cols, colslot, ncols, state, sweeps):
    """Solve the lasso at penalty ``lam`` from a warm start; update the state in place.

    ``state`` holds [number active, FLOP so far, sweeps so far, non-converged count].
    ``r`` must hold the exact gradient q − Gb on entry; it is exact again on return.
    ``CT`` (cap × p) and ``GA`` (cap × cap) cache the training Gram's active columns and active
    block; with use_fold, ``GV`` (cap × cap) the held-out fold's active block (for the
    validation error) and ``fcol`` (p) is scratch. ``cols``/``colslot``/``ncols[0]``: the
    cache of total-Gram columns (slot of column j, or −1) shared by the folds.

    Returns (0, 0, sweeps) when solved. Before admitting coefficients that do not fit, it
    returns (capacity needed, 0, sweeps) or (0, column slots needed, sweeps) with nothing but
    the FLOP count (already added to ``state``) changed; call again with ``sweeps`` and
    larger arrays to carry on exactly where it stopped.
    """
    p = q.shape[0]
    na = int(state[0])
    flops = 0.0
    while True:
        # KKT check on the inactive coordinates: |r_j| > λ means j must enter.
        count = 0
        fresh = 0
        for j in range(p):
            if slot[j] < 0 and abs(r[j]) > lam:
                count += 1
                if colslot[j] < 0:
                    fresh += 1
        if na + count > CT.shape[0]:
            state[1] += flops
            return na + count, 0, sweeps
        if ncols[0] + fresh > cols.shape[0]:
            state[1] += flops
            return 0, ncols[0] + fresh, sweeps
        added = 0
        if count > 0:
            for j in range(p):
                if slot[j] < 0 and abs(r[j]) > lam:
                    s = na
                    act[s] = j
                    slot[j] = s
                    c = colslot[j]
                    if c < 0:  # column j of the total Gram, from upper storage
                        c = ncols[0]
                        ncols[0] = c + 1
                        colslot[j] = c
                        wc = cols[c]
                        for i in range(j):
                            wc[i] = Wt[i, j]
                        for i in range(j, p):
                            wc[i] = Wt[j, i]
                    wcol = cols[c]
                    ct = CT[s]
                    if use_fold:  # training column = total − fold
                        for i in range(j):
                            a = Wf[i, j]
                            fcol[i] = a
                            ct[i] = wcol[i] - a
                        for i in range(j, p):
                            a = Wf[j, i]
                            fcol[i] = a
                            ct[i] = wcol[i] - a
                        flops += float(p)
                        for t in range(na + 1):
                            g = fcol[act[t]]
                            GV[s, t] = g
                            GV[t, s] = g
                    else:
                        for i in range(p):
                            ct[i] = wcol[i]
                    for t in range(na + 1):
                        g = ct[act[t]]
                        GA[s, t] = g
                        GA[t, s] = g
                    rA[s] = r[j]
                    na += 1
                    added += 1
            state[0] = na
        if added == 0 and sweeps > 0:
            break
        # Cyclic coordinate descent over the active set.
        converged = False
        for _ in range(max_sweeps):
            sweeps += 1
            maxd = 0.0
            for s in range(na):
                j = act[s]
                gjj = GA[s, s]
                z = rA[s] + gjj * b[j]
                if z > lam:
                    bn = (z - lam) / gjj
                elif z < -lam:
                    bn = (z + lam) / gjj
                else:
                    bn = 0.0
                flops += 4.0
                d = bn - b[j]
                if d != 0.0:
                    b[j] = bn
                    row = GA[s]
                    for t in range(na):
                        rA[t] -= d * row[t]
                    dd = gjj * d * d
                    flops += 2.0 * na + 3.0
                    if dd > maxd:
                        maxd = dd
            if maxd < thr:
                converged = True
                break
        if not converged:
            state[3] += 1.0
        # Exact full gradient r = q − G_{:,A} b_A (zero coefficients skipped), then rA.
        for i in range(p):
            r[i] = q[i]
        for s in range(na):
            bj = b[act[s]]
            if bj != 0.0:
                row = CT[s]
                for i in range(p):
                    r[i] -= bj * row[i]
                flops += 2.0 * p
        for s in range(na):
            rA[s] = r[act[s]]
        if not converged:
            break
    state[0] = na
    state[1] += flops
    state[2] += sweeps
    return 0, 0, sweeps


@njit(cache=True, nogil=True)
def _validation_error(GV, qf, ytyf, nf, b, act, na):
    """Mean squared validation error (yᵀy − 2bᵀq + bᵀGb)/n on a fold; returns (error, FLOP).
    ``GV`` is the fold Gram's block on the active set."""
    quad = 0.0
    lin = 0.0
    flops = 0.0
    for s in range(na):
        bi = b[act[s]]
        if bi == 0.0:
            continue
        lin += bi * qf[act[s]]
        row = GV[s]
        acc = 0.0
        for t in range(na):
            bj = b[act[t]]
            if bj != 0.0:
                acc += row[t] * bj
                flops += 2.0
        quad += bi * acc
        flops += 4.0
    err = (ytyf - 2.0 * lin + quad) / nf
    return err, flops + 4.0


@njit(cache=True, nogil=True)
def _used(state):
    used = np.empty(state.shape[0], dtype=np.int64)
    for f in range(state.shape[0]):
        used[f] = int(state[f, 0])
    return used


@njit(cache=True, nogil=True)
def cv_lasso_path(Wt, Wfs, q_folds_train, q_folds, yty_folds, yty_train, n_folds, n_train,
                  alphas, patience, tol, max_sweeps, CT, GA, GV, cols):
    """K-fold cross-validated lasso path, folds advanced in lockstep along ``alphas``.

    Parameters are per fold ``f``: ``Wfs[f]`` the fold's augmented Gram (upper), the training
    statistics are ``Wt − Wfs[f]``, ``q_folds_train[f]``, ``yty_train[f]``, ``n_train[f]``;
    the validation statistics ``q_folds[f]``, ``yty_folds[f]``, ``n_folds[f]``.

    The path stops early once the mean validation error has not improved for ``patience``
    consecutive penalties (``patience <= 0``: the whole path, as scikit-learn's LassoCV).

    Workspaces (contents on entry do not matter; any capacity ``cap`` ≥ 1): ``CT``
    (K, cap, p), ``GA`` and ``GV`` (K, cap, cap), ``cols`` (ccap, p). They are returned,
    grown if the active sets needed more room, for reuse by the next call.

    Returns (errors[n_alphas, K] with NaN past the stop, number of penalties run, FLOP,
    sweeps, non-converged count, CT, GA, GV, cols, colslot, ncols); ``colslot``/``ncols``
    index the total-Gram columns now in ``cols`` (pass them to :func:`lasso_path_fit` on the
    same ``Wt``).
    """
    K = Wfs.shape[0]
    p = q_folds.shape[1]
    n_alphas = alphas.shape[0]
    errors = np.full((n_alphas, K), np.nan)
    b = np.zeros((K, p))
    act = np.zeros((K, p), dtype=np.int64)
    slot = np.full((K, p), -1, dtype=np.int64)
    r = np.empty((K, p))
    rA = np.empty((K, p))
    fcol = np.empty(p)
    colslot = np.full(p, -1, dtype=np.int64)
    ncols = np.zeros(1, dtype=np.int64)
    state = np.zeros((K, 4))
    for f in range(K):
        for i in range(p):
            r[f, i] = q_folds_train[f, i]
    best = np.inf
    since_best = 0
    done = 0
    for k in range(n_alphas):
        total = 0.0
        for f in range(K):
            lam = alphas[k] * n_train[f]
            thr = tol * yty_train[f]
            sw = 0
            while True:
                need, need_cols, sw = _advance(
                    Wt, Wfs[f], True, q_folds_train[f], lam, thr, max_sweeps, b[f], act[f],
                    slot[f], CT[f], GA[f], GV[f], r[f], rA[f], fcol, cols, colslot, ncols,
                    state[f], sw)
                if need > 0:
                    cap = min(p, max(need, 2 * CT.shape[1]))
                    used = _used(state)
                    CT = _grow_rows(CT, used, cap)
                    GA = _grow_square(GA, used, cap)
                    GV = _grow_square(GV, used, cap)
                elif need_cols > 0:
                    cols = _grow_cols(cols, ncols[0], min(p, max(need_cols, 2 * cols.shape[0])))
                else:
                    break
            err, fl = _validation_error(GV[f], q_folds[f], yty_folds[f], n_folds[f], b[f],
                                        act[f], int(state[f, 0]))
            state[f, 1] += fl + 1.0  # + λ = α·n
            errors[k, f] = err
            total += err
        done = k + 1
        mean = total / K
        if mean < best:
            best = mean
            since_best = 0
        else:
            since_best += 1
            if patience > 0 and since_best >= patience:
                break
    flops = 0.0
    sweeps = 0.0
    bad = 0.0
    for f in range(K):
        flops += state[f, 1]
        sweeps += state[f, 2]
        bad += state[f, 3]
    return errors, done, flops, sweeps, bad, CT, GA, GV, cols, colslot, ncols


@njit(cache=True, nogil=True)
def _path_fit(Wt, q, yty, n, alphas, tol, max_sweeps, CT, GA, cols, colslot, ncols):
    """Lasso on the full data along ``alphas`` (warm starts); coefficients at the last one.

    Workspaces as in :func:`cv_lasso_path` (fold 0 of ``CT``/``GA`` is used); ``cols``,
    ``colslot`` (p, −1 = not cached), ``ncols`` (1,) may come from a :func:`cv_lasso_path`
    call on the same ``Wt``. Returns (b, FLOP, sweeps, non-converged count, CT, GA, cols).
    """
    p = q.shape[0]
    b = np.zeros(p)
    act = np.zeros(p, dtype=np.int64)
    slot = np.full(p, -1, dtype=np.int64)
    dummy = np.empty((1, 1))
    r = q.copy()
    rA = np.empty(p)
    fcol = np.empty(1)
    state = np.zeros((CT.shape[0], 4))
    thr = tol * yty
    for k in range(alphas.shape[0]):
        lam = alphas[k] * n
        state[0, 1] += 1.0
        sw = 0
        while True:
            need, need_cols, sw = _advance(Wt, Wt, False, q, lam, thr, max_sweeps, b, act, slot,
                                           CT[0], GA[0], dummy, r, rA, fcol, cols, colslot,
                                           ncols, state[0], sw)
            if need > 0:
                cap = min(p, max(need, 2 * CT.shape[1]))
                used = _used(state)
                CT = _grow_rows(CT, used, cap)
                GA = _grow_square(GA, used, cap)
            elif need_cols > 0:
                cols = _grow_cols(cols, ncols[0], min(p, max(need_cols, 2 * cols.shape[0])))
            else:
                break
    return b, state[0, 1], state[0, 2], state[0, 3], CT, GA, cols


class LassoWork:
    """Reusable workspaces of the lasso kernels for K folds and p features (one per thread).

    Re-allocating the solver's scratch arrays for every fit made the kernel fault in fresh
    pages each time; these are kept and grow with the largest active set seen. Sizes in
    float64 elements: ``CT`` K·cap·p, ``GA`` and ``GV`` K·cap², ``cols`` ccap·p, with
    ``cap``, ``ccap`` ≤ p (the kernel used to hold four K·p·p arrays: 160 MB at p = 1000).
    """

    def __init__(self, K: int, p: int, cap: int = INITIAL_CAPACITY) -> None:
        cap = max(1, min(cap, p))
        self.K, self.p = K, p
        self.CT = np.empty((K, cap, p))
        self.GA = np.empty((K, cap, cap))
        self.GV = np.empty((K, cap, cap))
        self.cols = np.empty((cap, p))

    @property
    def capacity(self) -> int:
        """Active coefficients the per-fold workspaces hold."""
        return int(self.CT.shape[1])


def lasso_path_fit(Wt: np.ndarray, q: np.ndarray, yty: float, n: float, alphas: np.ndarray,
                   tol: float, max_sweeps: int, CT: np.ndarray | None = None,
                   GA: np.ndarray | None = None, *, work: LassoWork | None = None,
                   cols: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                   ) -> tuple[np.ndarray, float, float, float]:
    """Lasso on the full data along ``alphas`` (warm starts); coefficients at the last one.

    ``Wt`` upper-stored augmented Gram, ``q = Xᵀy``, ``yty = yᵀy``, ``n`` rows (λ = α·n).
    ``CT``/``GA`` (2-D, ``cap × p`` and ``cap × cap``) or ``work`` give the workspaces;
    ``cols`` the total-Gram column cache (cols, colslot, ncols) of a :func:`cv_lasso_path`
    call on the same ``Wt``. Returns (b, FLOP, sweeps, non-converged count).
    """
    p = q.shape[0]
    if work is not None and work.p != p:
        work = None
    if work is not None:
        CT3, GA3 = work.CT, work.GA
    elif CT is not None and GA is not None:
        CT3, GA3 = CT[None], GA[None]
    else:
        CT3, GA3 = np.empty((1, INITIAL_CAPACITY, p)), np.empty((1, INITIAL_CAPACITY,
                                                                 INITIAL_CAPACITY))
    if cols is None:
        c = (work.cols if work is not None else np.empty((INITIAL_CAPACITY, p)),
             np.full(p, -1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    else:
        c = cols
    b, fl, sweeps, bad, CT3, GA3, ccache = _path_fit(
        Wt, q, float(yty), float(n), alphas, float(tol), int(max_sweeps), CT3, GA3, c[0], c[1],
        c[2])
    if work is not None:
        work.CT, work.GA, work.cols = CT3, GA3, ccache
    return b, float(fl), float(sweeps), float(bad)
