"""Compute-optimal allocation (Chinchilla approach 3): the closed form against the law it
solves, the published constants' own claims, the interval machinery, the refit procedure on
data with a known answer, and the command line."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import assert_one_line_error
from computelimits import assumptions, formulas
from computelimits.compute.chinchilla import compute_optimal, optimal_allocation
from computelimits.errors import ConfigError

budget = st.floats(1e15, 1e30, allow_nan=False, allow_infinity=False)
const = st.tuples(st.floats(10, 5000), st.floats(10, 5000), st.floats(0.1, 0.8),
                  st.floats(0.1, 0.8))


@settings(max_examples=80, deadline=None)
@given(budget, st.floats(1.01, 1e3), const)
def test_allocation_spends_the_budget_and_grows_with_it(c, factor, k):
    A, B, alpha, beta = k
    n, d = optimal_allocation(c, A, B, alpha, beta)
    # C = 6·N·D, through the package's own FLOP rule
    assert formulas.transformer_training_flop(6, n, d) == pytest.approx(c, rel=1e-9)
    n2, d2 = optimal_allocation(c * factor, A, B, alpha, beta)
    assert n2 > n and d2 > d
    # N_opt ∝ C^(β/(α+β)): the growth factor is exact
    assert n2 / n == pytest.approx(factor ** (beta / (alpha + beta)), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(budget, const, st.floats(0.5, 2.0).filter(lambda s: abs(s - 1) > 1e-3))
def test_allocation_is_the_minimum_on_its_iso_flop_curve(c, k, shift):
    A, B, alpha, beta = k
    n, _ = optimal_allocation(c, A, B, alpha, beta)

    def reducible(nn):  # E does not move the optimum
        return A / nn ** alpha + B / (c / (6 * nn)) ** beta

    assert reducible(n) < reducible(n * shift)


def test_besiroglu_constants_give_chinchillas_own_ratio_and_hoffmanns_do_not():
    """Besiroglu et al. (arXiv 2404.10102): their refit is consistent with the ~20 tokens per
    parameter Chinchilla was trained with (70B on 1.4T tokens at Gopher's 5.76e23 FLOP);
    Hoffmann et al.'s printed constants put the optimum at far more tokens per parameter."""
    r = compute_optimal(5.76e23)
    assert 15 < r.tokens_per_param < 25
    assert r.tokens_per_param_ci_low < 1.4e12 / 70e9 < r.tokens_per_param_ci_high
    assert r.n_params_ci_low < 70e9 < r.n_params_ci_high
    assert r.hoffmann_tokens_per_param > r.tokens_per_param_ci_high
    # a = β/(α+β): 0.5126 for the refit (equal scaling), 0.28/0.62 for Hoffmann et al.
    assert r.exponent_a == pytest.approx(0.3658 / (0.3478 + 0.3658))
    assert r.hoffmann_exponent_a == pytest.approx(0.28 / 0.62)


def test_compute_optimal_by_hand_and_its_interval_machinery():
    c = 1e24
    g = (0.3478 * 482.01 / (0.3658 * 2085.43)) ** (1 / (0.3478 + 0.3658))
    n = g * (c / 6) ** (0.3658 / (0.3478 + 0.3658))
    r = compute_optimal(c)
    assert r.n_params == pytest.approx(n) and r.tokens == pytest.approx(c / (6 * n))
    assert r.n_params * r.tokens * 6 == pytest.approx(c)
    for q in ("n_params", "tokens", "tokens_per_param", "exponent_a"):
        assert getattr(r, f"{q}_ci_low") < getattr(r, q) < getattr(r, f"{q}_ci_high"), q
    ci = r.conf_int()
    assert list(ci.columns) == ["ci_low", "ci_high"]
    assert ci.loc["n_params", "ci_low"] == pytest.approx(r.n_params_ci_low)
    wide, narrow = r.conf_int(0.01), r.conf_int(0.5)
    assert (wide["ci_low"] < narrow["ci_low"]).all() and (wide["ci_high"] > narrow["ci_high"]).all()
    # the parameter uncertainty is real but bounded: well under one order of magnitude
    assert 1.5 < r.n_params_ci_high / r.n_params_ci_low < 5
    again = compute_optimal(c)
    assert again.to_dict() == r.to_dict()  # one seed, one answer
    f = r.to_frame()
    assert list(f.columns) == ["fit", "quantity", "value", "ci_low", "ci_high", "unit"]
    assert set(f["fit"]) == {"besiroglu", "hoffmann"}
    assert f[f["fit"] == "hoffmann"]["ci_low"].isna().all()
    s = r.summary()
    assert "Hoffmann et al. 2022" in s and "95% interval" in s and "assumptions:" in s
    assert "<table" in r._repr_html_()
    d = json.loads(json.dumps(r.to_dict()))
    assert "_samples" not in d and d["measures"]["n_params"]


def test_the_sampled_constants_match_the_published_standard_errors():
    """The stored bootstrap moments reproduce what Besiroglu et al. publish: SE(A) 124.58,
    and a = β/(α+β) about 0.02."""
    from computelimits.compute.chinchilla import _covariance

    rng = np.random.default_rng(0)
    mean = [math.log(482.01), math.log(2085.43), 0.3478, 0.3658]
    x = rng.multivariate_normal(mean, _covariance(), size=200_000)
    assert np.std(np.exp(x[:, 0])) == pytest.approx(124.58, rel=0.1)
    a = x[:, 3] / (x[:, 2] + x[:, 3])
    assert 0.015 < np.std(a) < 0.025
    assert np.corrcoef(x[:, 0], x[:, 2])[0, 1] > 0.99  # log A and α move together


@pytest.mark.parametrize("bad", [0.0, -1e24, math.nan, math.inf])
def test_compute_optimal_refuses_bad_budgets(bad):
    with pytest.raises(ConfigError, match="--flop must be a positive number"):
        compute_optimal(bad)
    with pytest.raises(ConfigError, match="alpha"):
        compute_optimal(1e24, alpha=1.5)


def test_a_broken_correlation_override_is_refused(monkeypatch):
    monkeypatch.setitem(assumptions.ASSUMPTIONS, "chinchilla_besiroglu_corr_log_A_log_B",
                        assumptions.get("chinchilla_besiroglu_corr_log_A_log_B"))
    assumptions.override("chinchilla_besiroglu_corr_log_A_log_B", 0.99)
    with pytest.raises(ConfigError, match="correlation matrix"):
        compute_optimal(1e24)


def test_the_refit_recovers_a_known_law():
    """Runs simulated from Besiroglu et al.'s constants with 1% noise: the refit procedure
    (summed Huber loss, BFGS from a grid) gets the exponents back, and the bootstrap gives
    one draw per resample with the strong log A ~ α correlation of the real data."""
    from computelimits.compute.chinchilla_refit import bootstrap_refit, fit_parametric_loss

    rng = np.random.default_rng(7)
    n = np.repeat(np.geomspace(7e7, 1.6e10, 12), 10)
    d = np.tile(np.geomspace(5e9, 5e11, 10), 12)
    loss = (1.8172 + 482.01 / n ** 0.3478 + 2085.43 / d ** 0.3658) * np.exp(
        rng.normal(0, 0.01, n.size))
    grid = ([5.0, 10.0], [5.0, 10.0], [0.0, 0.5], [0.3, 0.5], [0.3, 0.5])
    fit = fit_parametric_loss(n, d, loss, drop_highest=0, grid=grid)
    assert fit.alpha == pytest.approx(0.3478, abs=0.03)
    assert fit.beta == pytest.approx(0.3658, abs=0.03)
    assert abs(fit.E - 1.8172) < 0.05
    boot = bootstrap_refit(n, d, loss, n_boot=30, seed=1, drop_highest=0, grid=grid)
    assert boot.draws.shape == (30, 5)
    _, corr = boot.moments()
    assert corr.loc["log_A", "alpha"] > 0.9
    assert set(boot.standard_errors()) == {"A", "B", "E", "alpha", "beta", "a"}
    with pytest.raises(ConfigError, match="same length"):
        fit_parametric_loss(n, d[:-1], loss, grid=grid)
    with pytest.raises(ConfigError, match="positive finite"):
        fit_parametric_loss(-n, d, loss, grid=grid)


# ---- the command line ---------------------------------------------------------------------


def test_cli_compute_optimal_then_the_run_on_a_chip(mirror, invoke):
    res = invoke("estimate", "--flop", "1e24", "--compute-optimal", "--chip", "H100 SXM5 80GB",
                 "--chips", "1024", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    co = d["compute_optimal"]
    assert co["n_params"] * co["tokens"] * 6 == pytest.approx(1e24)
    assert co["n_params_ci_low"] < co["n_params"] < co["n_params_ci_high"]
    assert co["hoffmann_n_params"] < co["n_params"]
    assert d["training_flop"] == 1e24 and d["chips"] == 1024 and d["hours"] > 0
    text = invoke("estimate", "--flop", "1e24", "--compute-optimal", "--chip", "H100 SXM5 80GB",
                  "--hours", "720", "--verbose")
    assert text.returncode == 0, text.stderr
    assert "compute-optimal allocation" in text.stdout and "Hoffmann et al. 2022" in text.stdout
    assert "chinchilla_besiroglu_alpha" in text.stdout  # its assumptions are listed


def test_cli_compute_optimal_needs_a_budget(invoke):
    assert_one_line_error(invoke("estimate", "--params", "7e9", "--tokens", "2e12",
                                 "--compute-optimal"), "--compute-optimal needs the budget")
    assert_one_line_error(invoke("estimate", "--flop", "nan", "--compute-optimal"),
                          "'--flop': nan is not a finite number")
