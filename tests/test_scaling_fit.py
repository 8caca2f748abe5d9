"""ScalingFit on synthetic data with known truth.

The reference model: log10 e = 1 − 0.1·x + N(0, 0.05²), x = log10 compute uniform over 15..25.
Clustered data: every cluster (one model) has one compute figure shared by its m results and
a random effect u_g ~ N(0, σ_u²) on top of the result noise — the structure that makes plain
OLS standard errors too small. Coverage rates are counted over many simulated datasets with
fixed seeds; the bounds allow about three Monte Carlo standard errors around the nominal 95%.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelimits.errors import ConfigError
from computelimits.scaling.fit import YEAR0, ScalingFit, fit_forms
from computelimits.scaling.forms import FORMS

SLOPE = -0.1
#: (intercept, slope, noise sd) per form, on that form's transformed scale; every form's
#: errors stay well inside (0, 1) for x in 15..25.
TRUTH = {"polynomial": (1.0, -0.1, 0.05), "exponential": (1.6, -0.06, 0.01),
         "logit": (3.0, -0.2, 0.1)}


def _frame(x, y, form="polynomial", groups=None, papers=None, year=None) -> pd.DataFrame:
    groups = np.arange(len(x)) if groups is None else groups
    d = pd.DataFrame({"error": FORMS[form].inverse(y), "log10_compute": x,
                      "cluster": [f"c{g}" for g in groups],
                      "paper": [f"p{g}" for g in (groups if papers is None else papers)]})
    if year is not None:
        d["year"] = year
    return d


def simulate(rng, n=40, form="polynomial") -> pd.DataFrame:
    a, b, sd = TRUTH[form]
    x = rng.uniform(15, 25, n)
    return _frame(x, a + b * x + rng.normal(0, sd, n), form)


def clustered(rng, clusters=40, per=5, sd_u=0.1, sd_e=0.02) -> pd.DataFrame:
    xg = rng.uniform(15, 25, clusters)
    ug = rng.normal(0, sd_u, clusters)
    g = np.repeat(np.arange(clusters), per)
    y = 1 + SLOPE * xg[g] + ug[g] + rng.normal(0, sd_e, g.size)
    return _frame(xg[g], y, groups=g)


def _covers(fit: ScalingFit, method: str, truth: float = SLOPE) -> bool:
    ci = fit.conf_int(method=method).loc["log10_compute"]
    return bool(ci["ci_low"] <= truth <= ci["ci_high"])


# -- recovery and coverage ------------------------------------------------------------------
def test_recovers_the_slope_and_intercept():
    f = ScalingFit(n_boot=0).fit(simulate(np.random.default_rng(0), n=400))
    assert f.slope_ == pytest.approx(SLOPE, abs=4 * f.bse_ols_[1])
    assert f.params_[0] == pytest.approx(1.0, abs=4 * f.bse_ols_[0])
    assert f.polynomial_degree_ == pytest.approx(10, rel=0.05)  # compute ∝ e^-10
    assert f.halving_multiple() == pytest.approx(2.0 ** 10, rel=0.3)


def test_ols_and_hc3_intervals_cover_at_the_nominal_rate():
    """300 independent datasets of 40 results: both t intervals cover −0.1 about 95% of the
    time (Monte Carlo sd 1.3 points)."""
    rng = np.random.default_rng(2)
    hits = {"ols": 0, "hc3": 0}
    sims = 300
    for _ in range(sims):
        f = ScalingFit(cov="ols", n_boot=0).fit(simulate(rng))
        for m in hits:
            hits[m] += _covers(f, m)
    for m, h in hits.items():
        assert 0.91 <= h / sims <= 0.99, (m, h / sims)


def test_cluster_intervals_cover_and_plain_ols_under_covers_with_cluster_effects():
    """40 models × 5 results, σ_u = 0.1 ≫ σ_e = 0.02: the results of one model are nearly
    copies, so OLS counts 200 results where there are 40 pieces of information."""
    rng = np.random.default_rng(3)
    sims = 100
    hits = {"ols": 0, "hc3": 0, "cluster": 0, "bootstrap": 0}
    for s in range(sims):
        f = ScalingFit(n_boot=500, seed=s).fit(clustered(rng))
        for m in hits:
            hits[m] += _covers(f, m)
    rate = {m: h / sims for m, h in hits.items()}
    assert rate["cluster"] >= 0.88, rate
    assert rate["bootstrap"] >= 0.86, rate
    assert rate["ols"] <= 0.80, rate
    assert rate["hc3"] <= 0.80, rate  # heteroskedasticity-robust is not cluster-robust
    assert rate["cluster"] - rate["ols"] >= 0.15, rate


def test_prediction_interval_of_the_inverse_covers_new_results():
    """A new result from the same line: its log10 compute lies inside the prediction interval
    that log10_compute_for gives for its error (benchmark-sized training set, 80 results)."""
    rng = np.random.default_rng(4)
    sims, hits = 200, 0
    for s in range(sims):
        f = ScalingFit(n_boot=400, seed=s).fit(simulate(rng, n=80))
        x0 = rng.uniform(15, 25)
        e0 = 10 ** (1 + SLOPE * x0 + rng.normal(0, 0.05))
        p = f.log10_compute_for(e0)
        hits += p["log10_compute_pred_ci_low"] <= x0 <= p["log10_compute_pred_ci_high"]
    assert 0.90 <= hits / sims <= 0.99, hits / sims


def test_prediction_interval_covers_for_a_small_training_set():
    rng = np.random.default_rng(4)
    sims, hits = 200, 0
    for s in range(sims):
        f = ScalingFit(n_boot=400, seed=s).fit(simulate(rng, n=12))
        x0 = rng.uniform(15, 25)
        p = f.log10_compute_for(10 ** (1 + SLOPE * x0 + rng.normal(0, 0.05)))
        hits += p["log10_compute_pred_ci_low"] <= x0 <= p["log10_compute_pred_ci_high"]
    # measured 0.915 with leverage-adjusted, df-corrected residuals (0.875 with raw ones);
    # Monte Carlo SE of a 95% rate over 200 simulations is 0.015
    assert hits / sims >= 0.90, hits / sims


def test_ten_thousand_bootstrap_fits_take_under_a_second():
    """~150 results in ~100 clusters (a benchmark's size): 10,000 cluster resamples."""
    rng = np.random.default_rng(5)
    g = np.r_[np.arange(100), rng.integers(0, 100, 50)]  # 100 clusters, 150 results
    xg = rng.uniform(15, 25, 100)
    data = _frame(xg[g], 1 + SLOPE * xg[g] + rng.normal(0, 0.05, 150), groups=g)
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        f = ScalingFit(n_boot=10_000).fit(data)
        best = min(best, time.perf_counter() - t0)
    assert best < 1.0, f"10,000 bootstrap fits took {best:.3f} s"
    assert f.n_clusters_ == 100
    assert f.boot_params_.shape == (10_000, 2)
    ok = np.isfinite(f.boot_params_).all(axis=1)
    assert ok.mean() > 0.999
    assert f.boot_params_[ok, 1].std() == pytest.approx(f.bse_cluster_[1], rel=0.25)


# -- the forms ------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(form=st.sampled_from(sorted(FORMS)), seed=st.integers(0, 2**31),
       x0=st.floats(14, 26), u=st.floats(0.05, 0.95))
def test_predict_and_log10_compute_for_invert_each_other(form, seed, x0, u):
    f = ScalingFit(form, n_boot=0).fit(simulate(np.random.default_rng(seed), n=30, form=form))
    e0 = float(f.predict(10.0 ** x0))
    assert 0 < e0 < 1
    assert f.log10_compute_for(e0)["log10_compute"] == pytest.approx(x0, abs=1e-8)
    # and the other way: an error between the data's extremes
    lo, hi = f.data_["error"].min(), f.data_["error"].max()
    e1 = lo + u * (hi - lo)
    x1 = f.log10_compute_for(e1)["log10_compute"]
    assert float(f.predict(10.0 ** x1)) == pytest.approx(e1, rel=1e-9)


def test_site_form_is_refused_as_the_polynomial_form_with_y_flipped():
    """The companion site's −log10 error is the polynomial form with the sign of y flipped:
    the same fit (identical R², AIC, halving multiple), so it is not offered as a form."""
    assert set(FORMS) == {"polynomial", "exponential", "logit"}
    with pytest.raises(ConfigError, match="polynomial form with the sign flipped"):
        ScalingFit("site")
    # and flipping y really is the same regression: slope and R² mirror exactly
    data = simulate(np.random.default_rng(6), n=60)
    poly = ScalingFit("polynomial", n_boot=0).fit(data)
    import statsmodels.api as sm

    X = sm.add_constant(data["log10_compute"].to_numpy(float))
    flipped = sm.OLS(-np.log10(data["error"].to_numpy(float)), X).fit()
    assert flipped.params[1] == pytest.approx(-poly.slope_, rel=1e-12)
    assert flipped.rsquared == pytest.approx(poly.r2_, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(centre=st.floats(-3, 3), slope=st.floats(-0.6, 0.6), sd=st.floats(0.01, 0.5),
       n=st.integers(8, 40), seed=st.integers(0, 2**31))
def test_logit_predictions_stay_inside_the_unit_interval(centre, slope, sd, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(15, 25, n)
    data = _frame(x, centre + slope * (x - 20) + rng.normal(0, sd, n), "logit")
    f = ScalingFit("logit", n_boot=0).fit(data)
    p = f.predict(10.0 ** np.linspace(5, 35, 61))  # ten decades beyond the data either way
    assert np.all((p > 0) & (p < 1))


def test_predictions_never_rise_above_the_chance_error():
    data = simulate(np.random.default_rng(7), n=60)
    low = 10.0 ** 2  # far below the data: the power law's line runs above error 1
    poly = ScalingFit("polynomial", n_boot=0).fit(data)
    x = np.log10(low)
    assert 10 ** (poly.params_[0] + poly.params_[1] * x) > 1  # the raw line ...
    assert float(poly.predict(low)) == 1.0  # ... is capped at chance (1 without a level)
    assert ScalingFit("logit", n_boot=0).fit(data).predict(low) < 1
    # with a chance level in the data (4-way multiple choice): capped there
    capped = data.assign(chance_error=0.75)
    f = ScalingFit("polynomial", n_boot=0).fit(capped)
    assert f.chance_ == 0.75 and float(f.predict(low)) == 0.75
    with pytest.raises(ConfigError, match="not below the chance error"):
        f.log10_compute_for(0.8)


@pytest.mark.parametrize(("truth", "rival"), [("exponential", "polynomial"),
                                              ("polynomial", "exponential")])
def test_aic_on_the_error_scale_prefers_the_true_form(truth, rival):
    data = simulate(np.random.default_rng(8), n=150, form=truth)
    table = fit_forms(data, forms=(truth, rival), n_boot=0).set_index("form")
    assert table.loc[truth, "aic"] < table.loc[rival, "aic"] - 10
    assert table.loc[truth, "bic"] < table.loc[rival, "bic"] - 10


# -- year control ---------------------------------------------------------------------------
def test_year_control_recovers_a_simulated_year_effect():
    """y = 1 − 0.1·x − 0.03·(year − 2015): a year of other progress is worth
    10^(−0.03/−0.1) = 10^0.3 ≈ 2× compute. Compute grows with the year, so leaving the year
    out makes compute take the credit (a steeper slope)."""
    rng = np.random.default_rng(9)
    n = 300
    year = rng.uniform(2015, 2024, n)
    x = 15 + (year - 2015) + rng.normal(0, 1.5, n)
    c = -0.03
    y = 1 + SLOPE * x + c * (year - YEAR0) + rng.normal(0, 0.03, n)
    data = _frame(x, y, year=year)
    f = ScalingFit(control_year=True, n_boot=0).fit(data)
    ci = f.conf_int(method="ols")
    assert ci.loc["year", "ci_low"] <= c <= ci.loc["year", "ci_high"]
    assert ci.loc["log10_compute", "ci_low"] <= SLOPE <= ci.loc["log10_compute", "ci_high"]
    assert f.year_gain_ == pytest.approx(10 ** (f.params_[2] / f.params_[1]), rel=1e-12)
    assert f.year_gain_ == pytest.approx(10 ** (c / SLOPE), rel=0.15)
    # the definition: compute × gain this year ≡ the same compute one year later
    assert f.predict(1e20 * f.year_gain_, year=2020.0) == pytest.approx(
        f.predict(1e20, year=2021.0), rel=1e-12)
    assert f.to_dict()["year_gain_per_year"] == pytest.approx(f.year_gain_)
    plain = ScalingFit(n_boot=0).fit(data)
    assert plain.slope_ < SLOPE - 0.01
    assert np.isnan(plain.year_gain_)


# -- diagnostics and intervals --------------------------------------------------------------
def test_influence_flags_a_planted_outlier_paper():
    rng = np.random.default_rng(10)
    papers = np.repeat(np.arange(30), 3)
    x = rng.uniform(15, 25, papers.size)
    y = 1 + SLOPE * x + rng.normal(0, 0.05, papers.size)
    # paper 99: four large models whose errors sit half a decade above the line
    xo = np.array([24.0, 24.3, 24.6, 25.0])
    yo = 1 + SLOPE * xo + 0.5
    data = _frame(np.r_[x, xo], np.r_[y, yo], papers=np.r_[papers, [99] * 4],
                  groups=np.arange(papers.size + 4))
    table = ScalingFit(n_boot=0).fit(data).influence("paper")
    assert table.iloc[0]["paper"] == "p99"
    assert bool(table.iloc[0]["flag"])
    assert table.iloc[0]["results"] == 4
    assert table.iloc[0]["change"] < 0  # without it the slope is steeper
    assert table["flag"].sum() == 1
    assert len(table) == 31


@pytest.mark.parametrize("method", ["cluster", "hc3", "ols", "bootstrap"])
def test_conf_int_methods_return_ordered_intervals(method):
    f = ScalingFit(n_boot=500).fit(clustered(np.random.default_rng(11), clusters=25, per=3))
    ci = f.conf_int(method=method)
    assert list(ci.index) == ["intercept", "log10_compute"]
    assert (ci["ci_low"] < ci["ci_high"]).all()
    assert ((ci["ci_low"] <= f.params_) & (f.params_ <= ci["ci_high"])).all()
    wider = f.conf_int(alpha=0.01, method=method)
    assert (wider["ci_low"] <= ci["ci_low"]).all() and (wider["ci_high"] >= ci["ci_high"]).all()


def test_log10_compute_for_intervals_are_nested():
    f = ScalingFit(n_boot=1000).fit(simulate(np.random.default_rng(12), n=60))
    p = f.log10_compute_for(0.03)
    assert (p["log10_compute_pred_ci_low"] < p["log10_compute_ci_low"] < p["log10_compute"]
            < p["log10_compute_ci_high"] < p["log10_compute_pred_ci_high"])
    assert p["share_wrong_sign"] == 0


def test_summary_and_to_dict():
    f = ScalingFit(n_boot=200).fit(clustered(np.random.default_rng(13)))
    d = f.to_dict()
    assert d["n"] == 200 and d["clusters"] == 40 and d["papers"] == 40
    assert d["slope_ci_low"] < d["slope"] < d["slope_ci_high"]
    assert d["slope_boot_ci_low"] < d["slope_boot_ci_high"]
    assert "log10_compute" in f.summary() and "bootstrap" in f.summary()


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.5])
def test_errors_outside_the_open_unit_interval_are_refused(bad):
    data = simulate(np.random.default_rng(14), n=20)
    data.loc[5, "error"] = bad
    with pytest.raises(ConfigError, match="between 0 and 1"):
        ScalingFit(n_boot=0).fit(data)


def test_configuration_errors():
    data = simulate(np.random.default_rng(15), n=20)
    with pytest.raises(ConfigError, match="too few"):
        ScalingFit(n_boot=0).fit(data.head(3))
    with pytest.raises(ConfigError, match="same compute"):
        ScalingFit(n_boot=0).fit(data.assign(log10_compute=20.0))
    with pytest.raises(ConfigError):
        ScalingFit("cubic")
    with pytest.raises(ConfigError):
        ScalingFit(cov="hc1")
    with pytest.raises(ConfigError, match="fit"):
        ScalingFit().predict(1e20)
    f = ScalingFit(n_boot=0).fit(data)
    with pytest.raises(ConfigError, match="n_boot"):
        f.conf_int(method="bootstrap")
    for target in (0.0, 1.0, 1.2):
        with pytest.raises(ConfigError):
            f.log10_compute_for(target)
    with pytest.raises(ConfigError, match="date"):
        ScalingFit(control_year=True, n_boot=0).fit(data.assign(year=np.nan))
    yf = ScalingFit(control_year=True, n_boot=0).fit(data.assign(year=2020.0 + data.index))
    with pytest.raises(ConfigError, match="year"):
        yf.predict(1e20)
    with pytest.raises(ConfigError, match="year"):
        yf.log10_compute_for(0.05)


def test_a_missing_error_is_refused():
    data = simulate(np.random.default_rng(16), n=20)
    data.loc[3, "error"] = np.nan
    try:
        f = ScalingFit(n_boot=0).fit(data)
    except ConfigError:
        return
    raise AssertionError(f"NaN error accepted; params {f.params_}")


def test_a_missing_compute_is_refused_with_config_error():
    data = simulate(np.random.default_rng(17), n=20)
    data.loc[3, "log10_compute"] = np.nan
    with pytest.raises(ConfigError):
        ScalingFit(n_boot=0).fit(data)


def test_upper_bounds_are_infinite_not_nan_when_the_slope_is_uncertain():
    rng = np.random.default_rng(1)
    x = rng.uniform(15, 25, 12)
    data = _frame(x, -1 - 0.01 * x + rng.normal(0, 0.1, 12))  # a slope lost in the noise
    f = ScalingFit(n_boot=2000).fit(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = f.log10_compute_for(0.01)
    assert p["share_wrong_sign"] > 0.025
    assert p["log10_compute_ci_high"] == np.inf and p["log10_compute_pred_ci_high"] == np.inf
