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

FLOP convention: additions, subtractions, multiplications and divisions each count one;
comparisons and absolute values count none; one multiply-add counts 2. Every arithmetic
operation the kernel performs on floating-point data is counted where it is performed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["cv_lasso_path", "lasso_path_fit"]


@njit(cache=True, nogil=True)
def _load_column(Wt, Wf, use_fold, j, p, out, fold_out):
    """Column j of the training Gram (Wt − Wf if use_fold) from upper-triangular storage into
    ``out``; with use_fold, column j of Wf into ``fold_out`` as well. Returns its FLOP."""
    if use_fold:
        for i in range(j):
            a = Wf[i, j]
            fold_out[i] = a
            out[i] = Wt[i, j] - a
        for i in range(j, p):
            a = Wf[j, i]
            fold_out[i] = a
            out[i] = Wt[j, i] - a
        return float(p)
    for i in range(j):
        out[i] = Wt[i, j]
    for i in range(j, p):
        out[i] = Wt[j, i]
    return 0.0


@njit(cache=True, nogil=True)
def _advance(Wt, Wf, use_fold, q, lam, thr, max_sweeps, b, act, slot, CT, GA, CF, GV, r, rA,
             bA, state):
    """Solve the lasso at penalty ``lam`` from a warm start; update the state in place.

    ``state`` holds [number active, FLOP so far, sweeps so far, non-converged count].
    ``r`` must hold the exact gradient q − Gb on entry; it is exact again on return.
    ``CT``/``GA`` cache the training Gram's active columns and active block; with use_fold,
    ``CF``/``GV`` cache the held-out fold's (for the validation error).
    """
    p = q.shape[0]
    na = int(state[0])
    flops = 0.0
    sweeps = 0
    while True:
        # KKT check on the inactive coordinates: |r_j| > λ means j must enter.
        added = 0
        for j in range(p):
            if slot[j] < 0 and abs(r[j]) > lam:
                s = na
                act[s] = j
                slot[j] = s
                flops += _load_column(Wt, Wf, use_fold, j, p, CT[s], CF[s])
                for t in range(na + 1):
                    g = CT[s, act[t]]
                    GA[s, t] = g
                    GA[t, s] = g
                if use_fold:
                    for t in range(na + 1):
                        g = CF[s, act[t]]
                        GV[s, t] = g
                        GV[t, s] = g
                rA[s] = r[j]
                na += 1
                added += 1
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
def cv_lasso_path(Wt, Wfs, q_folds_train, q_folds, yty_folds, yty_train, n_folds, n_train,
                  alphas, patience, tol, max_sweeps, CT, GA, CF, GV):
    """K-fold cross-validated lasso path, folds advanced in lockstep along ``alphas``.

    Parameters are per fold ``f``: ``Wfs[f]`` the fold's augmented Gram (upper), the training
    statistics are ``Wt − Wfs[f]``, ``q_folds_train[f]``, ``yty_train[f]``, ``n_train[f]``;
    the validation statistics ``q_folds[f]``, ``yty_folds[f]``, ``n_folds[f]``.

    The path stops early once the mean validation error has not improved for ``patience``
    consecutive penalties (``patience <= 0``: the whole path, as scikit-learn's LassoCV).

    ``CT``, ``GA``, ``CF``, ``GV`` are (K, p, p) workspaces, reused between calls so that
    their pages are not faulted in afresh each time; their contents on entry do not matter.

    Returns (errors[n_alphas, K] with NaN past the stop, number of penalties run, FLOP,
    sweeps, non-converged count).
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
    bA = np.empty(p)
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
            _advance(Wt, Wfs[f], True, q_folds_train[f], lam, thr, max_sweeps, b[f], act[f],
                     slot[f], CT[f], GA[f], CF[f], GV[f], r[f], rA[f], bA, state[f])
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
    return errors, done, flops, sweeps, bad


@njit(cache=True, nogil=True)
def lasso_path_fit(Wt, q, yty, n, alphas, tol, max_sweeps, CT, GA):
    """Lasso on the full data along ``alphas`` (warm starts); coefficients at the last one.

    ``CT`` and ``GA`` are (p, p) workspaces (contents on entry do not matter).
    Returns (b, FLOP, sweeps, non-converged count).
    """
    p = q.shape[0]
    b = np.zeros(p)
    act = np.zeros(p, dtype=np.int64)
    slot = np.full(p, -1, dtype=np.int64)
    dummy = np.empty((1, p))
    r = q.copy()
    rA = np.empty(p)
    bA = np.empty(p)
    state = np.zeros(4)
    thr = tol * yty
    for k in range(alphas.shape[0]):
        lam = alphas[k] * n
        state[1] += 1.0
        _advance(Wt, Wt, False, q, lam, thr, max_sweeps, b, act, slot, CT, GA, dummy, dummy, r,
                 rA, bA, state)
    return b, state[1], state[2], state[3]
