"""PooledProgress: benchmark-specific scaling lines with one shared rate of algorithmic
progress γ (orders of magnitude of compute per year), on planted synthetic data and on the
mirror."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelimits.errors import ConfigError
from computelimits.scaling.fit import ScalingFit
from computelimits.scaling.pooled import (
    PUBLISHED_RATES,
    GammaAtBoundWarning,
    PooledProgress,
    _golden,
    _profile,
    _row_stats,
    compare_published,
    halving_months,
    per_benchmark_rates,
)

SLOPES = (-0.1, -0.2, -0.05)


def intercept(b: float, gamma: float) -> float:
    """The a_k that puts the largest planted log10 error (10^20 FLOP in 2018; γ ≥ 0) at
    −0.2, so every error stays inside (0, 1)."""
    return -0.2 - b * (20.0 + 3.0 * gamma)


def planted(seed: int, gamma: float = 0.5, *, n: int = 40, per_paper: int = 2,
            sd: float = 0.03, slopes=SLOPES) -> pd.DataFrame:
    """log10 e = a_k + b_k·(log10 C + γ·(year − 2015)) + N(0, sd²), compute 1e20–1e25 FLOP,
    years 2018–2023, ``per_paper`` results per publication."""
    rng = np.random.default_rng(seed)
    parts = []
    for k, b in enumerate(slopes):
        a = intercept(b, gamma)
        x = rng.uniform(20.0, 25.0, n)
        year = rng.uniform(2018.0, 2023.0, n)
        y = a + b * (x + gamma * (year - 2015.0)) + rng.normal(0.0, sd, n)
        parts.append(pd.DataFrame({
            "benchmark": f"bench{k}", "error": 10.0 ** y, "log10_compute": x, "year": year,
            "cluster": [f"bench{k}-paper{i // per_paper}" for i in range(n)]}))
    return pd.concat(parts, ignore_index=True)


def covers(ci: pd.DataFrame, value: float, row: str = "gamma") -> bool:
    return bool(ci.loc[row, "ci_low"] <= value <= ci.loc[row, "ci_high"])


# -- planted rate recovered -------------------------------------------------------------
@pytest.fixture(scope="module")
def fit05():
    # one fixed draw: across seeds the 95% intervals of γ and the three slopes all cover
    # together in about 80% of draws (test_bootstrap_covers_... checks γ alone over seeds)
    return PooledProgress(n_boot=1000, seed=2).fit(planted(2))


def test_planted_gamma_and_slopes_recovered(fit05):
    f = fit05
    assert abs(f.gamma_ - 0.5) < 0.06
    assert covers(f.conf_int(), 0.5)
    assert covers(f.conf_int(method="profile"), 0.5)
    assert f.gain_per_year_ == pytest.approx(10.0 ** f.gamma_)
    assert f.halving_months_ == pytest.approx(12 * math.log10(2) / f.gamma_)
    p = f.params_
    assert list(p.index) == ["bench0", "bench1", "bench2"]
    for k, b in enumerate(SLOPES):
        row = p.loc[f"bench{k}"]
        assert row["b_ci_low"] <= b <= row["b_ci_high"]
        assert row["b_ci_low"] <= row["b"] <= row["b_ci_high"]
        assert row["resid_sd"] == pytest.approx(0.03, rel=0.35)
        assert row["a"] == pytest.approx(intercept(b, 0.5), abs=0.4)
    assert f.n_ == 120 and f.n_clusters_ == 60 and f.n_undated_ == 0 and not f.skipped_
    assert f.at_bound_ is None and f.boot_at_bound_ == 0.0
    assert len(f.boot_gamma_) == 1000 and f.boot_slopes_.shape == (1000, 3)


def test_point_estimate_is_the_minimum_of_the_profile(fit05):
    f = fit05
    g = np.linspace(f.gamma_ - 0.05, f.gamma_ + 0.05, 101)
    assert np.all(f.ssr_at(g) >= f.ssr_ - 1e-12)
    assert f.ssr_at(f.gamma_) == pytest.approx(f.ssr_)
    # the profile interval's ends are where the F-test just rejects
    lo, hi = f.conf_int(method="profile").loc["gamma"]
    assert f.ssr_at(lo) == pytest.approx(f.ssr_at(hi), rel=1e-8)
    assert f.ssr_at(lo) > f.ssr_


def test_intervals_map_to_gain_and_halving(fit05):
    ci = fit05.conf_int(alpha=0.1)
    lo, hi = ci.loc["gamma"]
    assert ci.loc["gain_per_year"].tolist() == pytest.approx([10 ** lo, 10 ** hi])
    assert ci.loc["halving_months"].tolist() == pytest.approx(
        [12 * math.log10(2) / hi, 12 * math.log10(2) / lo])
    wide = fit05.conf_int(alpha=0.01)
    assert wide.loc["gamma", "ci_low"] < lo and wide.loc["gamma", "ci_high"] > hi


def test_zero_rate_planted_interval_covers_zero():
    f = PooledProgress(n_boot=500, seed=2).fit(planted(2, gamma=0.0))
    assert covers(f.conf_int(), 0.0)
    assert covers(f.conf_int(method="profile"), 0.0)
    # a halving interval that reaches γ ≤ 0 is open above: compute never halves there
    assert f.conf_int().loc["halving_months", "ci_high"] == math.inf


def test_bootstrap_covers_planted_rate_in_most_seeds():
    hits = 0
    for seed in range(20):
        f = PooledProgress(n_boot=300, seed=seed).fit(planted(100 + seed))
        hits += covers(f.conf_int(), 0.5)
    assert hits >= 16


# -- one benchmark is the year-controlled polynomial fit ------------------------------------
def test_one_benchmark_equals_scaling_fit_with_year_control():
    d = planted(3)
    rates = per_benchmark_rates(d, n_boot=200, seed=0)
    for name, part in d.groupby("benchmark"):
        sf = ScalingFit("polynomial", control_year=True, n_boot=0).fit(part)
        c_over_b = sf.params_[2] / sf.params_[1]
        assert rates.loc[name, "gamma"] == pytest.approx(c_over_b, abs=1e-7)
        assert rates.loc[name, "gamma_ols"] == pytest.approx(c_over_b, rel=1e-9)
        assert rates.loc[name, "b"] == pytest.approx(sf.params_[1], abs=1e-6)
        assert rates.loc[name, "gamma_ci_low"] < rates.loc[name, "gamma"] \
            < rates.loc[name, "gamma_ci_high"]
    assert rates["skipped"].isna().all()


# -- what is left out -----------------------------------------------------------------------
def test_undated_rows_and_unusable_benchmarks_are_left_out_and_counted():
    d = planted(4)
    undated = d[d["benchmark"] == "bench0"].head(7).assign(year=np.nan)
    tiny = planted(5, n=4).query("benchmark == 'bench1'").assign(benchmark="tiny")
    flat = planted(6, n=8).query("benchmark == 'bench2'").assign(benchmark="flat",
                                                                    log10_compute=22.0)
    half = planted(7, n=6).query("benchmark == 'bench0'").assign(benchmark="half")
    half.loc[half.index[:2], "year"] = np.nan  # 4 dated left: too few
    full = pd.concat([d, undated, tiny, flat, half], ignore_index=True)
    f = PooledProgress(n_boot=100).fit(full)
    assert f.n_undated_ == 9
    assert set(f.skipped_) == {"tiny", "flat", "half"}
    assert "fewer than 5" in f.skipped_["tiny"]
    assert "2 undated" in f.skipped_["half"]
    assert "no spread in compute" in f.skipped_["flat"]
    assert f.n_ == 120 and list(f.params_.index) == ["bench0", "bench1", "bench2"]
    assert f.params_.loc["bench0", "undated"] == 7
    # the undated rows change nothing
    ref = PooledProgress(n_boot=100).fit(d)
    assert f.gamma_ == pytest.approx(ref.gamma_, abs=1e-9)
    assert "skipped tiny" in f.summary()
    rates = per_benchmark_rates(full, n_boot=50)
    assert "fewer than 5" in rates.loc["tiny", "skipped"]
    assert np.isnan(rates.loc["flat", "gamma"])


def test_bad_input_is_refused():
    d = planted(8)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        PooledProgress(n_boot=0).fit(d.assign(error=d["error"] * 0 + 1.5))
    with pytest.raises(ConfigError, match="'year'"):
        PooledProgress(n_boot=0).fit(d.drop(columns="year"))
    with pytest.raises(ConfigError, match="not identified"):
        PooledProgress(n_boot=0).fit(d.assign(year=2020.0))
    with pytest.raises(ConfigError, match="no benchmark"):
        PooledProgress(n_boot=0).fit(d.head(4))
    with pytest.raises(ConfigError, match="gamma_bounds"):
        PooledProgress(gamma_bounds=(1.0, 0.0))
    with pytest.raises(ConfigError, match="fit"):
        PooledProgress().conf_int()
    with pytest.raises(ConfigError, match="n_boot=0"):
        PooledProgress(n_boot=0).fit(d).conf_int(method="bootstrap")


# -- bounds -----------------------------------------------------------------------------------
def test_gamma_at_a_bound_is_reported_not_accepted():
    d = planted(9, gamma=2.5)
    with pytest.warns(GammaAtBoundWarning, match="upper bound"):
        f = PooledProgress(n_boot=200, gamma_bounds=(-1.0, 1.0)).fit(d)
    assert f.at_bound_ == "upper" and f.gamma_ == 1.0
    assert f.conf_int().loc["gamma", "ci_high"] == math.inf
    assert f.conf_int(method="profile").loc["gamma", "ci_high"] == math.inf
    assert f.conf_int().loc["halving_months", "ci_low"] == 0.0
    assert f.boot_at_bound_ > 0.5
    assert "upper bound" in f.summary() and "not an estimate" in f.summary()
    assert f.to_dict()["at_bound"] == "upper"
    assert "upper bound" in compare_published(f).loc[0, "interval_note"]
    # with room, the same data give the planted rate and no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", GammaAtBoundWarning)
        g = PooledProgress(n_boot=0, gamma_bounds=(-1.0, 4.0)).fit(d)
    assert g.at_bound_ is None and abs(g.gamma_ - 2.5) < 0.3


def test_halving_months_for_non_positive_rates():
    assert halving_months(0.5) == pytest.approx(12 * math.log10(2) / 0.5)
    assert halving_months(0.0) == math.inf and halving_months(-0.3) == math.inf
    assert halving_months(math.inf) == 0.0 and math.isnan(halving_months(math.nan))
    assert halving_months(np.array([1.0, -1.0])).tolist() == [12 * math.log10(2), math.inf]


# -- the closed forms -------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), gamma=st.floats(-2.0, 3.0), n=st.integers(4, 30))
def test_closed_form_profile_equals_least_squares(seed, gamma, n):
    rng = np.random.default_rng(seed)
    x, t, y = rng.normal(0, 2, n), rng.uniform(-3, 3, n), rng.normal(0, 1, n)
    ssr, b, a = _profile(_row_stats(x, t, y).sum(axis=0), gamma)
    u = x + gamma * t
    X = np.column_stack([np.ones(n), u])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert b == pytest.approx(coef[1], rel=1e-8, abs=1e-10)
    assert a == pytest.approx(coef[0], rel=1e-8, abs=1e-10)
    assert ssr == pytest.approx(float(np.sum((y - X @ coef) ** 2)), rel=1e-8, abs=1e-10)


def test_vectorized_golden_section_finds_minima_and_edges():
    centres = np.array([0.3, -0.7, 1.25, 5.0])
    lo, hi = np.full(4, -1.0), np.full(4, 2.0)
    got = _golden(lambda g: (g - centres) ** 2, lo, hi)
    assert got == pytest.approx([0.3, -0.7, 1.25, 2.0], abs=1e-8)


# -- outputs --------------------------------------------------------------------------------
def test_summary_frame_dict_and_published(fit05):
    s = fit05.summary()
    for word in ("gamma (OOM/yr)", "gain per year", "halving (months)", "bootstrap 95%",
                 "profile 95%", "bench1"):
        assert word in s
    fr = fit05.to_frame()
    assert list(fr.index) == ["bench0", "bench1", "bench2"]
    assert (fr["gamma"] == fit05.gamma_).all()
    assert fr["gamma_ci_low"].iloc[0] < fit05.gamma_ < fr["gamma_ci_high"].iloc[0]
    d = fit05.to_dict()
    assert d["gamma"] == fit05.gamma_ and d["n"] == 120 and len(d["benchmarks"]) == 3
    assert d["gamma_bootstrap_ci_low"] < d["gamma"] < d["gamma_bootstrap_ci_high"]
    assert d["gamma_profile_ci_low"] < d["gamma"] < d["gamma_profile_ci_high"]
    cmp = compare_published(fit05)
    assert list(cmp["name"]) == ["this fit (pooled γ)", "Ho et al. 2024",
                                 "Erdil & Besiroglu 2022"]
    ho, eb = PUBLISHED_RATES
    assert (ho.halving_months, ho.low, ho.high) == (8.0, 5.0, 14.0)
    assert "90%" in ho.interval_note and "2403.05812" in ho.citation
    assert (eb.halving_months, eb.low, eb.high) == (9.0, 4.0, 25.0)
    assert "2212.05153" in eb.citation
    assert cmp.loc[1, "gamma"] == pytest.approx(12 * math.log10(2) / 8)
    assert (cmp.loc[0, "halving_months_ci_low"] < cmp.loc[0, "halving_months"]
            < cmp.loc[0, "halving_months_ci_high"])


def test_bootstrap_is_reproducible_and_seeded():
    d = planted(10)
    a = PooledProgress(n_boot=200, seed=5).fit(d).boot_gamma_
    b = PooledProgress(n_boot=200, seed=5).fit(d).boot_gamma_
    c = PooledProgress(n_boot=200, seed=6).fit(d).boot_gamma_
    assert np.array_equal(a, b) and not np.array_equal(a, c)


# -- the mirror -------------------------------------------------------------------------------
LANGUAGE = ("mmlu", "gsm8k", "hellaswag", "arc-challenge", "winogrande")


def test_pooled_rate_on_the_mirror(mirror):
    from computelimits.data.catalog import resolve_catalog
    from computelimits.scaling.dataset import benchmark_data

    joined = resolve_catalog().joined().table
    data = pd.concat([benchmark_data(b, joined=joined) for b in LANGUAGE], ignore_index=True)
    f = PooledProgress(n_boot=500, seed=0).fit(data)
    assert math.isfinite(f.gamma_)
    assert set(f.params_.index) | set(f.skipped_) == set(LANGUAGE)
    for method in ("bootstrap", "profile"):
        lo, hi = f.conf_int(method=method).loc["gamma"]
        assert lo <= f.gamma_ <= hi
    assert (f.params_["b"] < 0).all()
    rates = per_benchmark_rates(data, n_boot=200, seed=0)
    assert set(rates.index) == set(LANGUAGE)
    assert len(compare_published(f)) == 1 + len(PUBLISHED_RATES)
