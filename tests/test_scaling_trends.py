"""Compute growth against hardware progress (computelimits.scaling.trends)."""

from __future__ import annotations

import json
import math
import time

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")

from computelimits.errors import ConfigError, InputError
from computelimits.scaling import trends as tr

LOG2 = math.log10(2.0)


def _synthetic(rng, n=300, doubling=6.0, sigma=0.5, lo=2010.0, hi=2020.0):
    t = rng.uniform(lo, hi, n)
    slope = 12.0 * LOG2 / doubling
    y = 15.0 + slope * (t - 2010.0) + rng.normal(0.0, sigma, n)
    return t, 10.0 ** y, slope


# --------------------------------------------------------------------------------------------
# Regression machinery on synthetic data


def test_known_doubling_time_is_recovered_within_ci():
    rng = np.random.default_rng(1)
    t, v, slope = _synthetic(rng)
    fit = tr.fit_trend(t, v, name="synthetic", n_boot=2000, seed=3)
    assert fit.slope_ci[0] < slope < fit.slope_ci[1]
    assert fit.slope_boot_ci[0] < slope < fit.slope_boot_ci[1]
    assert fit.doubling_ci[0] < 6.0 < fit.doubling_ci[1]
    assert fit.doubling_boot_ci[0] < 6.0 < fit.doubling_boot_ci[1]
    assert fit.doubling_months == pytest.approx(12 * LOG2 / fit.slope)
    assert fit.n == 300 and fit.start == t.min() and fit.end == t.max()
    assert 0.0 < fit.r2 < 1.0
    # OLS and bootstrap intervals agree for well-behaved data
    ols_w = fit.slope_ci[1] - fit.slope_ci[0]
    boot_w = fit.slope_boot_ci[1] - fit.slope_boot_ci[0]
    assert 0.7 < boot_w / ols_w < 1.4
    d = fit.to_dict()
    assert d["n"] == 300 and len(d["doubling_ci"]) == 2
    json.dumps(d, allow_nan=False)
    assert "doubling" in fit.summary() and "synthetic" in fit.summary()
    # the fitted line passes through the data
    assert np.mean(np.log10(v) - fit.predict(t)) == pytest.approx(0.0, abs=1e-9)


def test_same_seed_same_draws_and_series_get_independent_draws():
    rng = np.random.default_rng(2)
    t, v, _ = _synthetic(rng, n=50)
    a = tr.fit_trend(t, v, name="a", n_boot=100, seed=7)
    a2 = tr.fit_trend(t, v, name="a", n_boot=100, seed=7)
    b = tr.fit_trend(t, v, name="b", n_boot=100, seed=7)
    np.testing.assert_array_equal(a.boot, a2.boot)
    assert not np.array_equal(a.boot, b.boot)


def test_bootstrap_matches_loop_reference():
    rng = np.random.default_rng(4)
    t, v, _ = _synthetic(rng, n=30)
    y = np.log10(v)
    fast = tr.bootstrap_slopes(t, y, 6, np.random.default_rng(11))
    idx = np.random.default_rng(11).integers(0, 30, size=(6, 30))
    slow = [np.polyfit(t[i], y[i], 1)[0] for i in idx]
    np.testing.assert_allclose(fast, slow, rtol=1e-9)


def test_bootstrap_of_2000_resamples_is_vectorized_and_fast():
    rng = np.random.default_rng(5)
    t, v, _ = _synthetic(rng, n=500)
    y = np.log10(v)
    tr.bootstrap_slopes(t, y, 10, rng)  # warm-up
    t0 = time.perf_counter()
    boot = tr.bootstrap_slopes(t, y, 2000, rng)
    elapsed = time.perf_counter() - t0
    assert boot.shape == (2000,) and np.isfinite(boot).all()
    assert elapsed < 1.0


def test_bootstrap_ci_coverage_near_nominal():
    """200 synthetic data sets, 500 resamples each, all in one batched call."""
    rng = np.random.default_rng(2020)
    k, n, slope = 200, 40, 0.3
    t = rng.uniform(2000.0, 2020.0, (k, n))
    y = 3.0 + slope * (t - 2000.0) + rng.normal(0.0, 0.8, (k, n))
    boot = tr.bootstrap_slopes(t, y, 500, rng)
    assert boot.shape == (k, 500)
    lo, hi = np.nanquantile(boot, [0.025, 0.975], axis=1)
    coverage = np.mean((lo < slope) & (slope < hi))
    assert 0.89 <= coverage <= 0.99
    # the OLS t-interval of fit_trend covers at the nominal rate too
    ols = [tr.fit_trend(t[i], 10.0 ** y[i], n_boot=0).slope_ci for i in range(k)]
    ols_cov = np.mean([a < slope < b for a, b in ols])
    assert 0.90 <= ols_cov <= 0.99


def test_flat_series_gives_open_doubling_interval():
    rng = np.random.default_rng(6)
    t = np.linspace(2000, 2010, 40)
    v = 10.0 ** rng.normal(0.0, 1.0, 40)
    fit = tr.fit_trend(t, v, n_boot=200)
    lo, hi = fit.slope_ci
    assert lo < 0 < hi
    dlo, dhi = fit.doubling_ci
    assert math.isinf(dhi) or math.isinf(dlo)
    json.dumps(fit.to_dict(), allow_nan=False)  # infinities become None
    assert fit.summary()


def test_doubling_months_signs():
    assert tr.doubling_months(LOG2) == pytest.approx(12.0)
    assert tr.doubling_months(-LOG2) == pytest.approx(-12.0)
    assert math.isinf(tr.doubling_months(0.0))


def test_fit_rejects_bad_input():
    with pytest.raises(InputError, match="at least 3"):
        tr.fit_trend([2000.0, 2001.0], [1.0, 2.0])
    with pytest.raises(InputError, match="2\\+ distinct"):
        tr.fit_trend([2000.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(InputError, match="positive"):
        tr.fit_trend([2000.0, 2001.0, 2002.0], [1.0, 0.0, 3.0])
    with pytest.raises(InputError, match="finite"):
        tr.fit_trend([2000.0, np.nan, 2002.0], [1.0, 2.0, 3.0])
    with pytest.raises(ConfigError):
        tr.fit_trend([2000.0, 2001.0, 2002.0], [1.0, 2.0, 3.0], conf=1.5)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(1e-20, 1e20), shift=st.floats(-50.0, 50.0))
def test_fit_is_invariant_to_units_and_time_origin(scale, shift):
    rng = np.random.default_rng(8)
    t, v, _ = _synthetic(rng, n=25)
    base = tr.fit_trend(t, v, n_boot=0)
    moved = tr.fit_trend(t + shift, v * scale, n_boot=0)
    assert moved.slope == pytest.approx(base.slope, rel=1e-6, abs=1e-9)
    assert moved.r2 == pytest.approx(base.r2, rel=1e-6, abs=1e-9)
    assert moved.level == pytest.approx(base.level + math.log10(scale), abs=1e-6)


# --------------------------------------------------------------------------------------------
# Dates, periods and model selection


def test_decimal_year():
    got = tr.decimal_year(pd.Series(pd.to_datetime(["2020-01-01", "2021-07-02", None])))
    assert got[0] == 2020.0
    assert got[1] == pytest.approx(2021 + 182 / 365)
    assert np.isnan(got[2])


def test_period_bounds():
    t = tr.decimal_year(pd.Series(pd.to_datetime(["2011-12-31", "2012-01-01", "2023-12-31",
                                                  "2024-01-01"])))
    np.testing.assert_array_equal(tr._in_period(t, 2012, 2023), [False, True, True, False])
    np.testing.assert_array_equal(tr._in_period(t, "2012-01-01", "2023-12-31"),
                                  [False, True, True, False])
    np.testing.assert_array_equal(tr._in_period(t, None, 2012.0), [True, True, False, False])
    with pytest.raises(ConfigError):
        tr._in_period(t, 2020, 2019)
    with pytest.raises(ConfigError):
        tr._in_period(t, "not a date", None)
    with pytest.raises(ConfigError):
        tr._in_period(t, True, None)


def _models(rng, n=400):
    """A synthetic models table: notable models doubling every 20 months before 2010 and
    every 6 months after, with a band of large models 2 OOM above from 2016."""
    t = np.sort(rng.uniform(1990.0, 2024.0, n))
    pre, post = 12 * LOG2 / 20.0, 12 * LOG2 / 6.0
    y = np.where(t < 2010, 10.0 + pre * (t - 1990), 10.0 + pre * 20 + post * (t - 2010))
    y = y + rng.normal(0.0, 0.3, n)
    big = (t >= 2016) & (rng.uniform(size=n) < 0.15)
    y[big] += 2.0
    dates = pd.to_datetime("1990-01-01") + pd.to_timedelta((t - 1990.0) * 365.2425, unit="D")
    flop = 10.0 ** y
    flop[::37] = np.nan  # rows without compute
    df = pd.DataFrame({
        "model": [f"m{i}" for i in range(n)],
        "date": dates,
        "training_flop": flop,
        "notable": pd.array(rng.uniform(size=n) < 0.9, dtype="boolean"),
        "compute_rank": np.where(rng.uniform(size=n) < 0.2, 5.0, np.nan),
    })
    return df, big, pre, post


def test_select_models_subsets_and_exclusions():
    df, _, _, _ = _models(np.random.default_rng(9))
    notable = tr.select_models(df, subset="notable")
    has = df["training_flop"].notna()
    assert len(notable) == int((df["notable"].fillna(False) & has).sum())
    assert notable.attrs["excluded"] == int((df["notable"].fillna(False) & ~has).sum()) > 0
    frontier = tr.select_models(df, subset="frontier", start=2000, end=2019)
    assert (frontier["compute_rank"] <= 10).all()
    assert frontier["t"].between(2000, 2020).all()
    assert len(tr.select_models(df, subset="all")) == int(has.sum())
    with pytest.raises(ConfigError, match="unknown subset"):
        tr.select_models(df, subset="famous")
    with pytest.raises(InputError, match="training_flop"):
        tr.select_models(df.drop(columns="training_flop"))


def test_large_scale_mask_finds_the_band():
    df, big, _, _ = _models(np.random.default_rng(10))
    mask = tr.large_scale_mask(df, z=1.0)
    usable = df["training_flop"].notna().to_numpy() & df["notable"].fillna(False).to_numpy()
    t = tr.decimal_year(df["date"])
    assert not mask[t < 2015.66].any()
    # most of the planted band is found, and few others
    assert mask[big & usable].mean() > 0.7
    assert mask[~big].mean() < 0.05


def test_eras_recover_piecewise_slopes():
    df, _, pre, post = _models(np.random.default_rng(12))
    table = tr.eras(df, n_boot=300)
    assert list(table["era"]) == list(tr.ERAS)
    rows = table.set_index("era")
    assert rows.loc["pre_deep_learning", "slope_lo"] < pre < rows.loc["pre_deep_learning",
                                                                       "slope_hi"]
    assert rows.loc["deep_learning_regular", "slope_lo"] < post < rows.loc[
        "deep_learning_regular", "slope_hi"]
    assert rows.loc["large_scale", "start"] >= 2015.66
    assert np.isfinite(table.select_dtypes("number").to_numpy()).all()


def test_compute_trend_on_synthetic_table():
    df, _, _, post = _models(np.random.default_rng(13))
    fit = tr.compute_trend(df, subset="notable", start=2010, end=2023, n_boot=300)
    assert fit.slope_ci[0] < post < fit.slope_ci[1] or abs(fit.slope - post) < 0.1
    assert fit.unit == "FLOP" and "left out" in fit.notes


# --------------------------------------------------------------------------------------------
# Real data (shared mirror)


@pytest.fixture(scope="module")
def report(mirror):
    return tr.trend_report(n_boot=500)


def test_deep_learning_doubling_matches_sevilla(report):
    dl = report.eras["deep_learning"]
    # Sevilla et al. (2022): about 6 months for 2010-2022
    assert 3.0 < dl.doubling_months < 12.0
    assert dl.doubling_ci[0] > 2.0 and dl.doubling_ci[1] < 15.0
    assert dl.doubling_boot_ci[0] > 2.0 and dl.doubling_boot_ci[1] < 15.0
    assert dl.n > 200 and dl.start >= 2010.0
    pre = report.eras["pre_deep_learning"]
    # Sevilla et al.: about 20 months before 2010, much slower than after
    assert 10.0 < pre.doubling_months < 40.0
    assert pre.doubling_ci[0] > dl.doubling_ci[1]
    assert pre.end < 2010.0


def test_frontier_subset_uses_compute_rank(report, mirror):
    from computelimits.data.loaders.epoch_models import load_models

    models = load_models()
    fit = tr.compute_trend(models, subset="frontier", n_boot=200)
    expected = int(((models["compute_rank"] <= 10) & models["training_flop"].notna()).sum())
    assert fit.n == expected
    assert 3.0 < fit.doubling_months < 12.0


def test_hardware_grows_slower_than_compute(report):
    comp = report.compute
    assert 3.0 < comp.doubling_months < 12.0
    for name in ("ml_fp32_flops", "ml_max16_flops", "ml_tensor16_flops",
                 "ml_fp32_flops_per_usd_2023", "ml_max16_flops_per_usd_2023"):
        hw = report.hardware[name]
        assert hw.doubling_months > comp.doubling_months, name
        assert hw.doubling_ci[0] > comp.doubling_ci[1], name
    for name in ("cpu_transistors", "cpu_specint"):
        assert report.moore[name].doubling_months > 12.0
    # Moore's law: transistors double in about two years
    assert 18.0 < report.moore["cpu_transistors"].doubling_months < 30.0


def test_shares_are_fractions_with_intervals(report):
    shares = report.shares.set_index("hardware")
    assert {"ml_fp32_flops", "ml_fp32_flops_per_usd_2023"} <= set(shares.index)
    for name, row in shares.iterrows():
        assert 0.0 < row.share_lo < row.share < row.share_hi < 1.0, name
        assert row.share == pytest.approx(row.hardware_slope / row.compute_slope)


def test_all_outputs_finite(report):
    table = report.table()
    assert np.isfinite(table.select_dtypes("number").to_numpy()).all()
    assert np.isfinite(report.shares.select_dtypes("number").to_numpy()).all()
    json.dumps(report.to_dict(), allow_nan=False)
    text = report.summary()
    assert "Share" in text and "ml_fp32_flops" in text
    assert set(report.fits) >= {"era_deep_learning", "ml_fp32_flops", report.compute.name,
                                "cpu_transistors", "cpu_transistors_all_years"}


def test_compare_and_hardware_tables(report, mirror):
    table = tr.compare(n_boot=50)
    assert {"era", "compute", "hardware", "moore", "share"} <= set(table["group"])
    hw = tr.hardware_trends(n_boot=50, start=2012, end=2023, moore=False)
    assert not hw["name"].str.startswith("cpu_").any()
    assert (hw["doubling_months"] > 0).all()


def test_plot(report):
    import matplotlib.pyplot as plt

    fig = tr.plot_trends(report)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = [h.get_label() for h in ax.get_legend().legend_handles]
    assert any("Deep-Learning" in s for s in labels)
    assert any("FP32" in s for s in labels)
    with pytest.raises(ConfigError):
        tr.plot_trends(report, hardware=["no_such_series"])
    plt.close("all")
