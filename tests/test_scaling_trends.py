"""Compute growth against hardware progress: computelimits.scaling.{stats, loglinear, dates,
compute_growth, hardware_series, compute_vs_hardware}, the figure in
computelimits.report.trend_figures, and their names exported by computelimits.scaling."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")

from computelimits.errors import ConfigError, InputError
from computelimits.report.trend_figures import plot_trends
from computelimits.results import Summary
from computelimits.scaling import compute_growth as cg
from computelimits.scaling import compute_vs_hardware as cvh
from computelimits.scaling import dates, stats
from computelimits.scaling import hardware_series as hs
from computelimits.scaling import loglinear as ll

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
    fit = ll.fit_trend(t, v, name="synthetic", n_boot=2000, seed=3)
    assert fit.slope_ci_low < slope < fit.slope_ci_high
    assert fit.slope_boot_ci_low < slope < fit.slope_boot_ci_high
    assert fit.doubling_months_ci_low < 6.0 < fit.doubling_months_ci_high
    assert fit.doubling_months_boot_ci_low < 6.0 < fit.doubling_months_boot_ci_high
    assert fit.doubling_months == pytest.approx(12 * LOG2 / fit.slope)
    assert fit.n == 300 and fit.start == t.min() and fit.end == t.max()
    assert 0.0 < fit.r2 < 1.0
    # OLS and bootstrap intervals agree for well-behaved data
    ols_w = fit.slope_ci_high - fit.slope_ci_low
    boot_w = fit.slope_boot_ci_high - fit.slope_boot_ci_low
    assert 0.7 < boot_w / ols_w < 1.4
    d = fit.to_dict()
    assert d["n"] == 300 and d["doubling_months_ci_low"] < d["doubling_months_ci_high"]
    assert not {"slope_ci", "doubling_ci", "slope_boot_ci", "doubling_boot_ci", "conf"} & set(d)
    json.dumps(d, allow_nan=False)
    assert "doubling" in fit.summary() and "synthetic" in fit.summary()
    # the fitted line passes through the data
    assert np.mean(np.log10(v) - fit.predict(t)) == pytest.approx(0.0, abs=1e-9)


def test_same_seed_same_draws_and_series_get_independent_draws():
    rng = np.random.default_rng(2)
    t, v, _ = _synthetic(rng, n=50)
    a = ll.fit_trend(t, v, name="a", n_boot=100, seed=7)
    a2 = ll.fit_trend(t, v, name="a", n_boot=100, seed=7)
    b = ll.fit_trend(t, v, name="b", n_boot=100, seed=7)
    np.testing.assert_array_equal(a.boot, a2.boot)
    assert not np.array_equal(a.boot, b.boot)


def test_bootstrap_matches_loop_reference():
    rng = np.random.default_rng(4)
    t, v, _ = _synthetic(rng, n=30)
    y = np.log10(v)
    fast = stats.bootstrap_slopes(t, y, 6, np.random.default_rng(11))
    idx = np.random.default_rng(11).integers(0, 30, size=(6, 30))
    slow = [np.polyfit(t[i], y[i], 1)[0] for i in idx]
    np.testing.assert_allclose(fast, slow, rtol=1e-9)


def test_bootstrap_of_2000_resamples_is_vectorized_and_fast():
    rng = np.random.default_rng(5)
    t, v, _ = _synthetic(rng, n=500)
    y = np.log10(v)
    stats.bootstrap_slopes(t, y, 10, rng)  # warm-up
    t0 = time.perf_counter()
    boot = stats.bootstrap_slopes(t, y, 2000, rng)
    elapsed = time.perf_counter() - t0
    assert boot.shape == (2000,) and np.isfinite(boot).all()
    assert elapsed < 1.0


def test_bootstrap_ci_coverage_near_nominal():
    """200 synthetic data sets, 500 resamples each, all in one batched call."""
    rng = np.random.default_rng(2020)
    k, n, slope = 200, 40, 0.3
    t = rng.uniform(2000.0, 2020.0, (k, n))
    y = 3.0 + slope * (t - 2000.0) + rng.normal(0.0, 0.8, (k, n))
    boot = stats.bootstrap_slopes(t, y, 500, rng)
    assert boot.shape == (k, 500)
    lo, hi = np.nanquantile(boot, [0.025, 0.975], axis=1)
    coverage = np.mean((lo < slope) & (slope < hi))
    assert 0.89 <= coverage <= 0.99
    # the OLS t-interval of fit_trend covers at the nominal rate too
    ols = [ll.fit_trend(t[i], 10.0 ** y[i], n_boot=0).conf_int().loc["slope"] for i in range(k)]
    ols_cov = np.mean([a < slope < b for a, b in ols])
    assert 0.90 <= ols_cov <= 0.99


def test_flat_series_gives_open_doubling_interval():
    rng = np.random.default_rng(6)
    t = np.linspace(2000, 2010, 40)
    v = 10.0 ** rng.normal(0.0, 1.0, 40)
    fit = ll.fit_trend(t, v, n_boot=200)
    lo, hi = fit.slope_ci_low, fit.slope_ci_high
    assert lo < 0 < hi
    dlo, dhi = fit.doubling_months_ci_low, fit.doubling_months_ci_high
    assert math.isinf(dhi) or math.isinf(dlo)
    json.dumps(fit.to_dict(), allow_nan=False)  # infinities become None
    assert fit.summary()


def test_doubling_months_signs():
    assert stats.doubling_months(LOG2) == pytest.approx(12.0)
    assert stats.doubling_months(-LOG2) == pytest.approx(-12.0)
    assert math.isinf(stats.doubling_months(0.0))


def test_fit_rejects_bad_input():
    with pytest.raises(InputError, match="at least 3"):
        ll.fit_trend([2000.0, 2001.0], [1.0, 2.0])
    with pytest.raises(InputError, match="2\\+ distinct"):
        ll.fit_trend([2000.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(InputError, match="positive"):
        ll.fit_trend([2000.0, 2001.0, 2002.0], [1.0, 0.0, 3.0])
    with pytest.raises(InputError, match="finite"):
        ll.fit_trend([2000.0, np.nan, 2002.0], [1.0, 2.0, 3.0])
    with pytest.raises(ConfigError):
        ll.fit_trend([2000.0, 2001.0, 2002.0], [1.0, 2.0, 3.0], conf=1.5)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(1e-20, 1e20), shift=st.floats(-50.0, 50.0))
def test_fit_is_invariant_to_units_and_time_origin(scale, shift):
    rng = np.random.default_rng(8)
    t, v, _ = _synthetic(rng, n=25)
    base = ll.fit_trend(t, v, n_boot=0)
    moved = ll.fit_trend(t + shift, v * scale, n_boot=0)
    assert moved.slope == pytest.approx(base.slope, rel=1e-6, abs=1e-9)
    assert moved.r2 == pytest.approx(base.r2, rel=1e-6, abs=1e-9)
    assert moved.level == pytest.approx(base.level + math.log10(scale), abs=1e-6)


# --------------------------------------------------------------------------------------------
# Dates, periods and model selection


def test_decimal_year():
    got = dates.decimal_year(pd.Series(pd.to_datetime(["2020-01-01", "2021-07-02", None])))
    assert got[0] == 2020.0
    assert got[1] == pytest.approx(2021 + 182 / 365)
    assert np.isnan(got[2])


def test_period_bounds():
    t = dates.decimal_year(pd.Series(pd.to_datetime(["2011-12-31", "2012-01-01", "2023-12-31",
                                                  "2024-01-01"])))
    np.testing.assert_array_equal(dates.in_period(t, 2012, 2023), [False, True, True, False])
    np.testing.assert_array_equal(dates.in_period(t, "2012-01-01", "2023-12-31"),
                                  [False, True, True, False])
    np.testing.assert_array_equal(dates.in_period(t, None, 2012.0), [True, True, False, False])
    with pytest.raises(ConfigError):
        dates.in_period(t, 2020, 2019)
    with pytest.raises(ConfigError):
        dates.in_period(t, "not a date", None)
    with pytest.raises(ConfigError):
        dates.in_period(t, True, None)


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
    notable = cg.select_models(df, subset="notable")
    has = df["training_flop"].notna()
    assert len(notable) == int((df["notable"].fillna(False) & has).sum())
    assert notable.attrs["excluded"] == int((df["notable"].fillna(False) & ~has).sum()) > 0
    frontier = cg.select_models(df, subset="frontier", start=2000, end=2019)
    assert (frontier["compute_rank"] <= 10).all()
    assert frontier["t"].between(2000, 2020).all()
    assert len(cg.select_models(df, subset="all")) == int(has.sum())
    with pytest.raises(ConfigError, match="unknown subset"):
        cg.select_models(df, subset="famous")
    with pytest.raises(InputError, match="training_flop"):
        cg.select_models(df.drop(columns="training_flop"))


def test_large_scale_mask_finds_the_band():
    df, big, _, _ = _models(np.random.default_rng(10))
    mask = cg.large_scale_mask(df, z=1.0)
    usable = df["training_flop"].notna().to_numpy() & df["notable"].fillna(False).to_numpy()
    t = dates.decimal_year(df["date"])
    assert not mask[t < 2015.66].any()
    # most of the planted band is found, and few others
    assert mask[big & usable].mean() > 0.7
    assert mask[~big].mean() < 0.05


def test_eras_recover_piecewise_slopes():
    df, _, pre, post = _models(np.random.default_rng(12))
    table = cg.eras(df, n_boot=300)
    assert list(table["era"]) == list(cg.ERAS)
    rows = table.set_index("era")
    assert rows.loc["pre_deep_learning", "slope_ci_low"] < pre < rows.loc[
        "pre_deep_learning", "slope_ci_high"]
    assert rows.loc["deep_learning_regular", "slope_ci_low"] < post < rows.loc[
        "deep_learning_regular", "slope_ci_high"]
    assert rows.loc["large_scale", "start"] >= 2015.66
    assert np.isfinite(table.select_dtypes("number").to_numpy()).all()


def test_compute_trend_on_synthetic_table():
    df, _, _, post = _models(np.random.default_rng(13))
    fit = cg.compute_trend(df, subset="notable", start=2010, end=2023, n_boot=300)
    assert fit.slope_ci_low < post < fit.slope_ci_high or abs(fit.slope - post) < 0.1
    assert fit.unit == "FLOP" and "left out" in fit.notes


# --------------------------------------------------------------------------------------------
# Real data (shared mirror)


@pytest.fixture(scope="module")
def catalog(mirror):
    from computelimits.data.catalog import Catalog

    return Catalog(mirror=mirror)


@pytest.fixture(scope="module")
def report(catalog):
    return cvh.trend_report(n_boot=500, catalog=catalog)


def test_deep_learning_doubling_matches_sevilla(report):
    dl = report.eras["deep_learning"]
    # Sevilla et al. (2022): about 6 months for 2010-2022
    assert 3.0 < dl.doubling_months < 12.0
    assert dl.doubling_months_ci_low > 2.0 and dl.doubling_months_ci_high < 15.0
    assert dl.doubling_months_boot_ci_low > 2.0 and dl.doubling_months_boot_ci_high < 15.0
    assert dl.n > 200 and dl.start >= 2010.0
    pre = report.eras["pre_deep_learning"]
    # Sevilla et al.: about 20 months before 2010, much slower than after
    assert 10.0 < pre.doubling_months < 40.0
    assert pre.doubling_months_ci_low > dl.doubling_months_ci_high
    assert pre.end < 2010.0


def test_frontier_subset_uses_compute_rank(catalog):
    models = catalog.models()
    fit = cg.compute_trend(subset="frontier", n_boot=200, catalog=catalog)
    assert fit.slope == cg.compute_trend(models, subset="frontier", n_boot=0).slope
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
        assert hw.doubling_months_ci_low > comp.doubling_months_ci_high, name
    for name in ("cpu_transistors", "cpu_specint"):
        assert report.moore[name].doubling_months > 12.0
    # Moore's law: transistors double in about two years
    assert 18.0 < report.moore["cpu_transistors"].doubling_months < 30.0


def test_shares_are_fractions_with_intervals(report):
    shares = report.shares.set_index("hardware")
    assert {"ml_fp32_flops", "ml_fp32_flops_per_usd_2023"} <= set(shares.index)
    for name, row in shares.iterrows():
        assert 0.0 < row.share_ci_low < row.share < row.share_ci_high < 1.0, name
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


def test_compare_and_hardware_tables(report, catalog):
    table = cvh.compare(n_boot=50, catalog=catalog)
    assert {"era", "compute", "hardware", "moore", "share"} <= set(table["group"])
    hw = hs.hardware_trends(n_boot=50, start=2012, end=2023, moore=False, catalog=catalog)
    assert not hw["name"].str.startswith("cpu_").any()
    assert (hw["doubling_months"] > 0).all()


def test_plot(report):
    import matplotlib.pyplot as plt

    fig = plot_trends(report)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = [h.get_label() for h in ax.get_legend().legend_handles]
    assert any("Deep-Learning" in s for s in labels)
    assert any("FP32" in s for s in labels)
    with pytest.raises(ConfigError):
        plot_trends(report, hardware=["no_such_series"])
    plt.close("all")


# --------------------------------------------------------------------------------------------
# Results vocabulary: conf_int, to_frame, Summary


OLD_NAMES = {"slope_lo", "slope_hi", "slope_boot_lo", "slope_boot_hi", "doubling_lo",
             "doubling_hi", "doubling_boot_lo", "doubling_boot_hi", "share_lo", "share_hi"}


def test_fit_conf_int_levels_and_methods():
    rng = np.random.default_rng(21)
    t, v, _ = _synthetic(rng, n=80)
    fit = ll.fit_trend(t, v, name="s", n_boot=1000, seed=1)
    ci = fit.conf_int()
    assert list(ci.columns) == ["ci_low", "ci_high"]
    assert list(ci.index) == ["slope", "growth_per_year", "doubling_months"]
    assert ci.loc["slope"].tolist() == [fit.slope_ci_low, fit.slope_ci_high]
    assert ci.loc["doubling_months"].tolist() == [fit.doubling_months_ci_low,
                                                  fit.doubling_months_ci_high]
    assert ci.loc["growth_per_year", "ci_low"] == pytest.approx(10.0 ** fit.slope_ci_low)
    boot = fit.conf_int(method="bootstrap")
    assert boot.loc["slope"].tolist() == [fit.slope_boot_ci_low, fit.slope_boot_ci_high]
    # another level: the t-interval recomputed from the standard error (statsmodels agrees)
    from statsmodels.regression.linear_model import OLS

    res = OLS(np.log10(v), np.column_stack([np.ones_like(t), t - t.mean()])).fit()
    np.testing.assert_allclose(fit.conf_int(0.2).loc["slope"], res.conf_int(alpha=0.2)[1])
    narrow, wide = fit.conf_int(0.5), fit.conf_int(0.01)
    assert wide.loc["slope", "ci_low"] < ci.loc["slope", "ci_low"] < narrow.loc["slope", "ci_low"]
    b50 = fit.conf_int(0.5, method="bootstrap").loc["slope"]
    assert b50.ci_low == pytest.approx(np.quantile(fit.boot, 0.25))
    with pytest.raises(ConfigError):
        fit.conf_int(1.5)
    with pytest.raises(ConfigError):
        fit.conf_int(method="jackknife")
    with pytest.raises(ConfigError, match="n_boot=0"):
        ll.fit_trend(t, v, n_boot=0).conf_int(method="bootstrap")


def test_fit_to_frame_summary_and_html():
    rng = np.random.default_rng(22)
    t, v, _ = _synthetic(rng, n=60)
    fit = ll.fit_trend(t, v, name="syn", label="synthetic", unit="FLOP", n_boot=200,
                       notes="made up")
    frame = fit.to_frame()
    assert len(frame) == 1 and frame.loc[0, "name"] == "syn"
    assert {"slope_ci_low", "slope_ci_high", "slope_boot_ci_low", "slope_boot_ci_high",
            "doubling_months_ci_low", "doubling_months_ci_high", "doubling_months_boot_ci_low",
            "doubling_months_boot_ci_high", "ci_level"} <= set(frame.columns)
    assert not OLD_NAMES & set(frame.columns)
    pd.testing.assert_frame_equal(frame, ll.fits_table({"syn": fit}))
    s = fit.summary()
    assert isinstance(s, Summary)
    text = str(s)
    lines = text.splitlines()
    assert lines[0] == f"syn (synthetic): n=60, {fit.start:.1f}-{fit.end:.1f}"
    assert lines[1].startswith(f"  growth {fit.slope:.3f} OOM/yr") and "95% CI" in lines[1]
    assert f"bootstrap [{fit.doubling_months_boot_ci_low:.1f}," in lines[2]
    assert lines[3] == f"  R2 {fit.r2:.2f}; unit of the series: FLOP"
    assert lines[4] == "  made up" and "doubling" in s
    table = s.to_frame()
    assert list(table["quantity"]) == ["slope", "growth_per_year", "doubling_months"]
    assert table.loc[0, "estimate"] == fit.slope
    assert {"ci_low", "ci_high", "boot_ci_low", "boot_ci_high"} <= set(table.columns)
    html = fit._repr_html_()
    assert "<table" in html and "syn (synthetic)" in html
    # one vocabulary: no tuple-valued interval attributes beside the _ci_low/_ci_high pairs
    assert not hasattr(fit, "slope_boot_ci") and not hasattr(fit, "doubling_ci")


def test_report_conf_int_to_frame_and_summary(report):
    ci = report.conf_int()
    assert list(ci.columns) == ["ci_low", "ci_high"]
    assert ci.index.names == ["series", "quantity"]
    dl = report.eras["deep_learning"]
    assert ci.loc[("era_deep_learning", "doubling_months")].tolist() == [
        dl.doubling_months_ci_low, dl.doubling_months_ci_high]
    shares = report.share_table().set_index("hardware")
    got = ci.loc[("share_ml_fp32_flops", "share")]
    assert got.tolist() == shares.loc["ml_fp32_flops", ["share_ci_low", "share_ci_high"]].tolist()
    wider = report.conf_int(0.01)
    assert (wider["ci_low"] <= ci["ci_low"]).all()
    frame = report.to_frame()
    assert not OLD_NAMES & set(frame.columns)
    assert len(frame) == len(report.table()) + len(report.shares)
    assert set(frame.loc[frame["group"] == "share", "name"]) == {
        f"share_{k}" for k in shares.index}
    s = report.summary()
    assert isinstance(s, Summary)
    assert str(s).splitlines()[0] == "Training compute by era (Sevilla et al. 2022 eras):"
    assert "Share of the growth" in s and "ml_fp32_flops" in str(s)
    assert {"group", "key", "doubling_months_ci_low", "share_ci_high"} <= set(s.to_frame())
    assert "<table" in report._repr_html_()
    d = report.to_dict()
    assert "slope_ci_low" in d["compute"] and "share_ci_low" in d["shares"][0]
    assert not OLD_NAMES & set(d["shares"][0])


# --------------------------------------------------------------------------------------------
# Data through the catalog; the compatibility module


def test_catalog_and_strict_arguments(catalog):
    from computelimits.data.catalog import Catalog, resolve_catalog

    assert resolve_catalog(catalog) is catalog
    assert resolve_catalog(catalog, strict=catalog.strict) is catalog
    other = resolve_catalog(catalog, strict=not catalog.strict)
    assert isinstance(other, Catalog) and other.strict is (not catalog.strict)
    assert other.mirror == catalog.mirror and other.cache == catalog.cache
    assert resolve_catalog(None) is resolve_catalog()
    assert resolve_catalog(None, strict=False).strict is False
    rows = cg.select_models(subset="notable", start=2020, catalog=catalog)
    assert len(rows) == len(cg.select_models(catalog.models(), subset="notable", start=2020))
    assert len(cg.select_models(subset="notable", start=2020, strict=False)) == len(rows)
    fits = hs.hardware_fits(n_boot=0, start=2012, end=2023, catalog=catalog)
    with_ppi = hs.hardware_fits(n_boot=0, start=2012, end=2023, ppi=catalog.ppi(),
                                chips=catalog.chips(), catalog=catalog)
    for name, f in fits.items():
        assert with_ppi[name].slope == f.slope and with_ppi[name].n == f.n, name


def test_trend_names_are_exported_by_the_subpackage():
    import computelimits.scaling as scaling
    from computelimits.scaling import TrendReport, hardware_fits, trend_report

    assert trend_report is cvh.trend_report and TrendReport is cvh.TrendReport
    assert hardware_fits is hs.hardware_fits and scaling.decimal_year is dates.decimal_year
    assert not (Path(scaling.__file__).parent / "trends.py").exists()


def test_nothing_heavy_is_imported_with_the_modules():
    code = ("import sys\n"
            "import computelimits.scaling, computelimits.scaling.compute_vs_hardware\n"
            "import computelimits.report.trend_figures\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'matplotlib', 'statsmodels', 'scipy'})\n"
            "loaders = [m for m in sys.modules if m.startswith('computelimits.data.loaders')]\n"
            "print(heavy, loaders)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[] []"


def test_no_module_is_named_after_a_function_it_holds():
    import inspect

    from computelimits.report import trend_figures

    for mod in (stats, ll, dates, cg, hs, cvh, trend_figures):
        short = mod.__name__.rsplit(".", 1)[1]
        functions = {n for n, v in vars(mod).items() if inspect.isfunction(v)}
        assert short not in functions, mod.__name__
