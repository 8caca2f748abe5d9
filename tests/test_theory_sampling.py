from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelimits.theory import TheoryConfig
from computelimits.theory.sampling import (
    FoldData,
    bartlett_wishart,
    draw_problem,
    fold_sizes,
    syrk_upper,
)


def test_syrk_upper_is_the_upper_triangle_of_ztz():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((37, 9))
    U = syrk_upper(Z)
    np.testing.assert_allclose(U, np.triu(Z.T @ Z), rtol=1e-12, atol=1e-12)
    acc = np.zeros((9, 9))
    syrk_upper(Z[:20], out=acc)
    syrk_upper(Z[20:], out=acc)
    np.testing.assert_allclose(acc, U, rtol=1e-12, atol=1e-12)


def test_bartlett_draw_has_wishart_mean_and_variance():
    # Wishart(I_d, m): E W = m I, Var W_ii = 2m, Var W_ij = m (i != j).
    rng = np.random.default_rng(1)
    d, m, reps = 5, 9, 20_000
    work = np.zeros((d, d), order="F")
    draws = np.array([bartlett_wishart(m, d, rng, work=work if i % 2 else None).copy()
                      for i in range(reps)])
    assert np.all(np.tril(draws, -1) == 0)
    mean = draws.mean(axis=0)
    var = draws.var(axis=0)
    iu = np.triu_indices(d, 1)
    se_mean = np.sqrt(2 * m / reps)
    assert np.all(np.abs(np.diag(mean) - m) < 5 * se_mean)
    assert np.all(np.abs(mean[iu]) < 5 * np.sqrt(m / reps))
    np.testing.assert_allclose(np.diag(var), 2 * m, rtol=0.06)
    np.testing.assert_allclose(var[iu], m, rtol=0.06)


def test_bartlett_rejects_too_few_degrees_of_freedom():
    with pytest.raises(ValueError):
        bartlett_wishart(3, 5, np.random.default_rng(0))


@given(st.integers(0, 10_000), st.integers(2, 10))
def test_fold_sizes_deal_rows_round_robin(n, k):
    sizes = fold_sizes(n, k)
    assert sizes.sum() == n
    assert sizes.max() - sizes.min() <= (1 if n else 0)
    # growing the sample never shrinks a fold (the design is nested)
    assert np.all(fold_sizes(n + 1, k) >= sizes)


def test_problem_respects_the_documented_distribution():
    cfg = TheoryConfig(p=50, k=7, snr=2.0)
    prob = draw_problem(cfg, np.random.default_rng(3))
    nz = np.flatnonzero(prob.beta)
    assert nz.tolist() == prob.support.tolist() and len(nz) == 7
    assert np.all((np.abs(prob.beta[nz]) >= 0.5) & (np.abs(prob.beta[nz]) <= 1.5))
    assert prob.omitted in prob.support and prob.wrong not in prob.support
    assert prob.omitted not in prob.expert and prob.wrong in prob.expert
    assert len(prob.expert) == cfg.k
    assert prob.sigma == pytest.approx(np.sqrt(prob.signal / 2.0))


def test_fold_statistics_equal_the_gram_of_the_kept_rows():
    cfg = TheoryConfig(p=20, k=3, n_grid=(10, 15, 20), folds=3)
    data = FoldData(cfg, np.random.default_rng(4))
    for n in cfg.n_grid:
        data.grow_to(n)
        rows = data.rows
        assert rows.shape == (n, cfg.p + 1)
        np.testing.assert_allclose(data.W_total, np.triu(rows.T @ rows), atol=1e-10)
        for f in range(cfg.folds):
            Zf = data.fold_rows(f)
            assert Zf.shape[0] == fold_sizes(n, cfg.folds)[f]
            np.testing.assert_allclose(data.W[f], np.triu(Zf.T @ Zf), atol=1e-10)


def test_statistics_keep_growing_by_wishart_increments_after_rows_are_dropped():
    cfg = TheoryConfig(p=6, k=2, n_grid=(10, 20_000), folds=2)
    data = FoldData(cfg, np.random.default_rng(5))
    data.grow_to(10)
    data.grow_to(20_000)
    assert data.rows is None
    # W_total/n -> I for a large sample
    np.testing.assert_allclose(data.W_total[np.triu_indices(7)] / 20_000,
                               np.eye(7)[np.triu_indices(7)], atol=0.05)
    np.testing.assert_allclose(data.W.sum(axis=0), data.W_total)


def test_the_total_is_the_sum_of_the_folds_bit_for_bit():
    # Row batches (syrk into each fold), small fold batches and Bartlett increments; the total
    # is formed only when read, from the folds, in numpy's order of additions.
    cfg = TheoryConfig(p=6, k=2, n_grid=(5, 6, 9, 40, 41, 400, 5000), folds=3)
    data = FoldData(cfg, np.random.default_rng(6))
    for n in cfg.n_grid:
        data.grow_to(n)
        total = data.W_total
        np.testing.assert_array_equal(total, data.W.sum(axis=0))
        assert np.all(np.tril(total, -1) == 0)
        assert data.W_total is total  # formed once per sample size
    assert data.rows is None


def test_the_total_is_not_formed_while_nothing_reads_it():
    cfg = TheoryConfig(p=6, k=2, n_grid=(10, 20, 3000), folds=2)
    data = FoldData(cfg, np.random.default_rng(7))
    for n in cfg.n_grid:
        data.grow_to(n)
        assert data._total_stale
    np.testing.assert_array_equal(data.W_total, data.W.sum(axis=0))
    assert not data._total_stale
