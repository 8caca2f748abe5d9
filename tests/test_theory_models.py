from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso

from computelimits.theory import TheoryConfig, flops
from computelimits.theory._lasso import lasso_path_fit
from computelimits.theory.models import (
    alpha_path,
    lasso_cv,
    ls_min_norm,
    ls_normal_equations,
)
from computelimits.theory.sampling import fold_sizes, syrk_upper


def _problem(n=120, p=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:4] = [1.5, -1.0, 0.7, -0.5]
    y = X @ beta + rng.standard_normal(n)
    return X, y, beta


def test_lasso_kernel_matches_scikit_learn():
    X, y, _ = _problem()
    n, p = X.shape
    W = syrk_upper(np.column_stack([X, y]))
    q, yty = W[:p, p].copy(), float(W[p, p])
    alphas = alpha_path(np.abs(q).max() / n, TheoryConfig(p=p, k=1))[:40]
    CT, GA = np.empty((p, p)), np.empty((p, p))
    coef, flop, sweeps, bad = lasso_path_fit(W, q, yty, float(n), alphas, 1e-13, 100_000, CT, GA)
    ref = Lasso(alpha=alphas[-1], fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(coef, ref.coef_, atol=1e-6)
    assert bad == 0 and sweeps > 0 and flop > 0


def test_lasso_cv_agrees_with_a_direct_cross_validation():
    # Build the folds' statistics from rows, run lasso_cv, and recompute the CV curve with
    # scikit-learn on the same folds: the chosen penalty must be the same.
    X, y, _ = _problem(n=150, p=30, seed=1)
    n, p = X.shape
    cfg = TheoryConfig(p=p, k=1, patience=0, tol=1e-12)
    K = cfg.folds
    Wf = np.array([syrk_upper(np.column_stack([X[f::K], y[f::K]])) for f in range(K)])
    Wt = Wf.sum(axis=0)
    res = lasso_cv(Wt, Wf, Wt[:p, p].copy(), np.ascontiguousarray(Wf[:, :p, p]),
                   float(Wt[p, p]), Wf[:, p, p].copy(), fold_sizes(n, K), n, cfg)
    alphas = alpha_path(np.abs(X.T @ y).max() / n, cfg)
    idx = np.arange(n)
    curve = np.zeros(alphas.size)
    for f in range(K):
        test = idx % K == f
        for i, a in enumerate(alphas):
            m = Lasso(alpha=a, fit_intercept=False, tol=1e-10, max_iter=100_000)
            m.fit(X[~test], y[~test])
            curve[i] += np.mean((y[test] - X[test] @ m.coef_) ** 2) / K
    assert res.alpha == pytest.approx(alphas[np.argmin(curve)])
    ref = Lasso(alpha=res.alpha, fit_intercept=False, tol=1e-12, max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(res.coef, ref.coef_, atol=1e-5)


def test_min_norm_least_squares_is_the_pseudo_inverse_solution():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((7, 25))
    y = rng.standard_normal(7)
    b, flop, method = ls_min_norm(X, y)
    np.testing.assert_allclose(b, np.linalg.pinv(X) @ y, atol=1e-10)
    np.testing.assert_allclose(X @ b, y, atol=1e-10)  # interpolates
    assert "minimum-norm" in method
    assert flop == flops.least_squares_min_norm(7, 25)


def test_normal_equations_solve_and_fallback():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((50, 6))
    y = rng.standard_normal(50)
    b, _, method = ls_normal_equations(np.triu(X.T @ X), X.T @ y)
    np.testing.assert_allclose(b, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)
    assert "Cholesky" in method
    G = np.ones((3, 3))  # singular: Cholesky fails, pseudo-inverse answers
    b, flop, method = ls_normal_equations(G, np.array([3.0, 3.0, 3.0]))
    np.testing.assert_allclose(b, [1.0, 1.0, 1.0], atol=1e-10)
    assert "pseudo-inverse" in method and flop == flops.symmetric_eigen(3) + 4 * 9 + 3


def test_flop_formulas_by_hand():
    # XᵀX of a 4×3 matrix, one triangle: 6 entries × 4 multiply-adds = 48 FLOP
    assert flops.gram(4, 3) == 48
    assert flops.matvec_transpose(4, 3) == 24
    # Cholesky of 3×3: 9 + 4.5 + 0.5 = 14 FLOP (LAWN 41)
    assert flops.cholesky(3) == pytest.approx(14.0)
    assert flops.triangular_solve(3) == 9
    assert flops.least_squares_normal_equations(4, 3) == pytest.approx(48 + 24 + 14 + 18)
    # LQ of a 2×5: 2·5·4 − 16/3, solve 4, apply Qᵀ 40 − 8
    assert flops.least_squares_min_norm(2, 5) == pytest.approx(40 - 16 / 3 + 4 + 40 - 8)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10_000), st.integers(1, 500))
def test_flop_counts_grow_with_data_and_features(n, d):
    assert flops.least_squares_normal_equations(2 * n, d) > flops.least_squares_normal_equations(
        n, d)
    assert flops.least_squares_normal_equations(n, d + 1) > flops.least_squares_normal_equations(
        n, d)
    m = min(n, d)
    assert flops.least_squares_min_norm(m, d + 1) > flops.least_squares_min_norm(m, d)
    assert flops.gram(2 * n, d) == 2 * flops.gram(n, d)


def _cv_inputs(n=300, p=60, seed=5):
    X, y, _ = _problem(n=n, p=p, seed=seed)
    cfg = TheoryConfig(p=p, k=1, patience=0)
    K = cfg.folds
    Wf = np.array([syrk_upper(np.column_stack([X[f::K], y[f::K]])) for f in range(K)])
    Wt = Wf.sum(axis=0)
    return (Wt, Wf, Wt[:p, p].copy(), np.ascontiguousarray(Wf[:, :p, p]), float(Wt[p, p]),
            Wf[:, p, p].copy(), fold_sizes(n, K), n, cfg)


def test_lasso_workspaces_grow_with_the_active_set_and_do_not_change_the_result(monkeypatch):
    from computelimits.theory import models
    from computelimits.theory._lasso import LassoWork

    args = _cv_inputs()
    p = args[2].shape[0]
    results = {}
    for cap in (1, 7, p):
        work = LassoWork(5, p, cap=cap)
        monkeypatch.setattr(models, "_lasso_work", lambda K, p_, w=work: w)
        res = lasso_cv(*args)
        results[cap] = res
        assert cap <= work.capacity <= p
        assert work.CT.shape == (5, work.capacity, p) and work.GA.shape[1:] == (work.capacity,) * 2
    for cap in (1, 7):
        np.testing.assert_array_equal(results[cap].coef, results[p].coef)
        assert (results[cap].alpha, results[cap].flop, results[cap].sweeps) == (
            results[p].alpha, results[p].flop, results[p].sweeps)


def test_lasso_workspaces_are_sized_to_the_active_set_not_to_p(monkeypatch):
    from computelimits.theory import models
    from computelimits.theory._lasso import LassoWork

    X, y, _ = _problem(n=400, p=200, seed=8)  # 4 true features among 200
    n, p = X.shape
    cfg = TheoryConfig(p=p, k=1)
    K = cfg.folds
    Wf = np.array([syrk_upper(np.column_stack([X[f::K], y[f::K]])) for f in range(K)])
    Wt = Wf.sum(axis=0)
    work = LassoWork(K, p, cap=4)
    monkeypatch.setattr(models, "_lasso_work", lambda K_, p_: work)
    lasso_cv(Wt, Wf, Wt[:p, p].copy(), np.ascontiguousarray(Wf[:, :p, p]), float(Wt[p, p]),
             Wf[:, p, p].copy(), fold_sizes(n, K), n, cfg)
    assert work.capacity < p
    assert work.CT.nbytes < K * p * p * 8


def test_path_fit_with_tiny_workspaces_matches_roomy_ones():
    X, y, _ = _problem()
    n, p = X.shape
    W = syrk_upper(np.column_stack([X, y]))
    q, yty = W[:p, p].copy(), float(W[p, p])
    alphas = alpha_path(np.abs(q).max() / n, TheoryConfig(p=p, k=1))
    big = lasso_path_fit(W, q, yty, float(n), alphas, 1e-7, 10_000, np.empty((p, p)),
                         np.empty((p, p)))
    small = lasso_path_fit(W, q, yty, float(n), alphas, 1e-7, 10_000, np.empty((1, p)),
                           np.empty((1, 1)))
    np.testing.assert_array_equal(big[0], small[0])
    assert big[1:] == small[1:]
