"""One results vocabulary across scaling: ``summary()`` is a Summary, ``conf_int()`` has
``ci_low``/``ci_high``, ``to_frame()`` and ``_repr_html_`` exist, intervals in dictionaries and
tables end in ``_ci_low``/``_ci_high``; lazy package exports; the shared computations stay
equal to the one-at-a-time ones."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from computelimits.errors import ConfigError
from computelimits.results import Summary
from computelimits.scaling.backtests import backtest
from computelimits.scaling.costs import cost_over_time
from computelimits.scaling.fit import YEAR0, ScalingFit
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.pooled import PooledProgress, compare_published

FIXED = {"price_year": 2025, "usd_per_peak_flop": 1e-18, "utilization": 0.35, "pue": 1.2,
         "grid_gco2e_per_kwh": 400.0, "chip_tdp_w": 700.0, "chip_peak_flop_per_s": 1e15,
         "growth": 0.0, "n_draws": 400}


def dated(seed: int = 0, n: int = 80, benchmark: str = "mmlu", clusters: int = 20
          ) -> pd.DataFrame:
    """log10 error = −0.3 − 0.1·(log10 C − 22 + 0.4·(year − 2015)) + noise, dated results."""
    rng = np.random.default_rng(seed)
    year = np.sort(rng.uniform(2018.0, 2023.0, n))
    x = 20 + 0.5 * (year - 2018.0) + rng.uniform(-1.5, 1.5, n)
    y = -0.3 - 0.1 * (x - 22 + 0.4 * (year - YEAR0)) + rng.normal(0, 0.03, n)
    dates = pd.to_datetime([f"{int(v)}-01-01" for v in year]) + pd.to_timedelta(
        (year % 1) * 365, "D")
    g = np.arange(n) % clusters
    return pd.DataFrame({"benchmark": benchmark, "error": 10 ** y, "log10_compute": x,
                         "year": year, "date": dates, "cluster": [f"p{i}" for i in g],
                         "paper": [f"p{i}" for i in g], "model": [f"m{i}" for i in range(n)]})


def _is_ci_frame(ci: pd.DataFrame) -> None:
    assert list(ci.columns) == ["ci_low", "ci_high"]
    ok = ci.dropna()
    assert (ok["ci_low"] <= ok["ci_high"]).all()


def _is_summary(s: Summary, *texts: str) -> None:
    assert isinstance(s, Summary)
    text = str(s)
    assert text == s.as_text() and text.startswith(s.title)
    for t in texts:
        assert t in s
    assert isinstance(s.to_frame(), pd.DataFrame)
    assert s._repr_html_().startswith("<p><strong>")


def test_scaling_fit_vocabulary():
    f = ScalingFit(n_boot=300).fit(dated())
    ci = f.conf_int()
    _is_ci_frame(ci)
    assert list(ci.index) == ["intercept", "log10_compute"]
    assert list(f.conf_int(method="bootstrap").columns) == ["ci_low", "ci_high"]
    frame = f.to_frame()
    assert list(frame.index) == ["intercept", "log10_compute"]
    assert {"coef", "se", "ci_low", "ci_high", "boot_ci_low", "boot_ci_high"} <= set(frame)
    assert frame.loc["log10_compute", "coef"] == f.slope_
    d = f.to_dict()
    assert {"slope_ci_low", "slope_ci_high", "slope_boot_ci_low", "slope_boot_ci_high"} <= set(d)
    assert not any(k.endswith(("_low", "_high")) and "_ci_" not in k for k in d)
    _is_summary(f.summary(), "ScalingFit", "log10_compute", "bootstrap")
    assert "<table" in f._repr_html_()
    p = f.log10_compute_for(0.05)
    assert set(p) >= {"log10_compute", "log10_compute_ci_low", "log10_compute_ci_high",
                      "log10_compute_pred_ci_low", "log10_compute_pred_ci_high"}
    assert "not fitted" in ScalingFit()._repr_html_()


def test_log10_compute_for_many_equals_one_at_a_time():
    data = dated(3)
    for cy in (False, True):
        f = ScalingFit(n_boot=400, seed=2, control_year=cy).fit(data)
        errors = np.array([0.02, 0.05, 0.1, 0.2])
        years = np.array([2019.5, 2020.0, 2021.3, 2023.9])
        many = f.log10_compute_for_many(errors, years=years if cy else None)
        for i, e in enumerate(errors):
            one = f.log10_compute_for(float(e), year=float(years[i]) if cy else None)
            for k, v in one.items():
                assert many[k][i] == v, (cy, k)
    with pytest.raises(ConfigError):
        f.log10_compute_for_many(np.array([0.5, 1.5]))


def test_closed_form_least_squares_equals_statsmodels():
    import statsmodels.api as sm

    from computelimits.scaling.fit import _ols

    data = dated(5, n=60, clusters=12)
    f = ScalingFit(n_boot=0, control_year=True).fit(data)
    d = f._design_cache
    ref = sm.OLS(d.y, d.X).fit()
    mine = _ols(d.X, d.y, d.groups)
    np.testing.assert_allclose(mine.params, ref.params, rtol=1e-12)
    np.testing.assert_allclose(mine.bse, ref.bse, rtol=1e-12)
    np.testing.assert_allclose(mine.bse_hc3, ref.get_robustcov_results(cov_type="HC3").bse,
                               rtol=1e-12)
    np.testing.assert_allclose(
        mine.bse_cluster, ref.get_robustcov_results(cov_type="cluster", groups=d.groups).bse,
        rtol=1e-12)
    np.testing.assert_allclose(mine.hat_diag, ref.get_influence().hat_matrix_diag, rtol=1e-12)
    assert mine.llf == pytest.approx(ref.llf, rel=1e-12)
    assert mine.rsquared == pytest.approx(ref.rsquared, rel=1e-12)
    assert mine.df_resid == ref.df_resid


def test_forecast_vocabulary():
    fc = Forecast(n_boot=300).fit(dated(1))
    ci = fc.conf_int()
    _is_ci_frame(ci)
    assert list(ci.index) == ["intercept", "log10_compute", "year", "rate"]
    assert tuple(ci.loc["rate"]) == pytest.approx(fc.rate_conf_int())
    assert fc.conf_int(0.5).loc["rate", "ci_low"] >= ci.loc["rate", "ci_low"]
    frame = fc.to_frame()
    assert list(frame.columns) == ["estimate", "ci_low", "ci_high"]
    assert frame.loc["rate", "estimate"] == fc.rate_
    d = fc.to_dict()
    assert d["rate_ci_low"] <= d["rate_oom_per_year"] <= d["rate_ci_high"]
    _is_summary(fc.summary(), "Forecast", "orders of magnitude per year")
    fwd = fc.forward(1e22, 2021.0)
    assert list(fwd.columns) == ["compute", "year", "error", "error_ci_low", "error_ci_high"]
    inv = fc.inverse(0.1, 2022.0)
    assert inv["log10_compute_ci_low"] < inv["log10_compute"] < inv["log10_compute_ci_high"]
    fr = fc.frontier(2024.0, 0.5)
    assert fr["error_ci_low"] <= fr["error"] <= fr["error_ci_high"]
    shared = Forecast(n_boot=200, rate=0.4, rate_draws=np.array([0.3, 0.4, 0.5])).fit(dated(1))
    assert list(shared.conf_int().index) == ["intercept", "log10_compute", "rate"]


def test_pooled_progress_vocabulary():
    data = pd.concat([dated(s, benchmark=f"b{s}") for s in range(3)], ignore_index=True)
    pp = PooledProgress(n_boot=200, seed=0).fit(data)
    ci = pp.conf_int()
    _is_ci_frame(ci)
    assert list(ci.index) == ["gamma", "gain_per_year", "halving_months"]
    frame = pp.to_frame()
    assert {"gamma_ci_low", "gamma_ci_high", "halving_months_ci_low", "halving_months_ci_high",
            "b_ci_low", "b_ci_high"} <= set(frame)
    d = pp.to_dict()
    assert {"gamma_bootstrap_ci_low", "gamma_profile_ci_high"} <= set(d)
    _is_summary(pp.summary(), "PooledProgress", "gamma")
    cmp = compare_published(pp)
    assert {"halving_months_ci_low", "halving_months_ci_high"} <= set(cmp)
    assert "low" not in cmp and "high" not in cmp


def test_backtest_vocabulary():
    res = backtest("synthetic", "2021-06-01", data=dated(2), n_boot=200)
    s = res.summary()
    _is_summary(s, "Backtest", "new bests tested")
    assert s.to_frame().iloc[0]["n_test"] == len(res.table)
    d = res.to_dict()
    assert d["n_test"] == len(res.table) and {"fit", "table"} <= set(d)
    assert {"predicted_log10_compute", "log10_compute_ci_low", "log10_compute_ci_high",
            "log10_compute_pred_ci_low", "log10_compute_pred_ci_high",
            "actual_log10_compute"} <= set(res.to_frame())
    _is_ci_frame(res.conf_int())
    assert res.to_frame() is not res.table


def test_cost_over_time_vocabulary():
    draws = np.random.default_rng(3).normal(25.0, 0.3, 400)
    r = cost_over_time(draws, progress_rate=0.3, **FIXED)
    for q in ("log10_compute", "usd", "co2_kg", "usd_ratio"):
        assert {f"{q}_median", f"{q}_ci_low", f"{q}_ci_high"} <= set(r.table)
    ci = r.conf_int()
    _is_ci_frame(ci)
    assert {"usd_0y", "usd_1y", "log10_compute_2y", "co2_kg_0y", "usd_ratio_1y"} <= set(ci.index)
    assert ci.loc["usd_0y", "ci_low"] == r.table["usd_ci_low"].iloc[0]
    wide, narrow = r.conf_int(0.01), r.conf_int(0.5)
    assert wide.loc["usd_1y", "ci_low"] <= narrow.loc["usd_1y", "ci_low"]
    assert wide.loc["usd_1y", "ci_high"] >= narrow.loc["usd_1y", "ci_high"]
    _is_summary(r.summary(), "Cost of the target result", "2026 (+1 y)")
    kept = cost_over_time(draws, progress_rate=0.3, keep_draws=False, **FIXED)
    with pytest.raises(ConfigError, match="draws were not kept"):
        kept.conf_int(0.1)


def test_extrapolation_and_outlook_vocabulary(mirror):
    from computelimits.data.catalog import resolve_catalog
    from computelimits.scaling import extrapolate, outlook
    from computelimits.scaling.dataset import benchmark_data

    cat = resolve_catalog()
    data = benchmark_data("mmlu", catalog=cat)
    x = extrapolate("mmlu", 0.1, data=data, n_boot=300, catalog=cat)
    assert x.identified
    ci = x.conf_int()
    _is_ci_frame(ci)
    assert list(ci.index) == ["log10_compute", "log10_compute_pred", "usd", "usd_pred",
                              "co2_kg"]
    assert ci.loc["usd", "ci_low"] == x.usd_ci_low
    with pytest.raises(ConfigError, match="alpha"):
        x.conf_int(0.1)
    frame = x.to_frame()
    assert len(frame) == 1 and frame.loc[0, "log10_compute"] == x.log10_compute
    assert "selection" not in frame and "notes" not in frame
    _is_summary(x.summary(), "Extrapolation", "compute: 10^")
    d = x.to_dict()
    assert not any(k.endswith(("_conf", "_pred")) for k in d)
    o = outlook(data=data, target_error=0.1, date="2024-01-01", compute=1e24, n_boot=200,
                n_draws=200, trust=False, catalog=cat)
    ci = o.conf_int()
    _is_ci_frame(ci)
    assert {"rate", "error"} <= set(ci.index)
    frame = o.to_frame()
    assert len(frame) == 1 and {"rate_ci_low", "forward_error_ci_low"} <= set(frame)
    _is_summary(o.summary(), "Outlook", "algorithmic progress")
    assert o.forward["error_ci_low"] <= o.forward["error"] <= o.forward["error_ci_high"]


def test_scaling_and_report_import_nothing_heavy():
    code = ("import sys, computelimits.scaling, computelimits.report; "
            "heavy = [m for m in ('pandas', 'matplotlib', 'statsmodels', 'numba', 'scipy') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_exports_and_module_names():
    import computelimits.scaling as scaling
    from computelimits.scaling import Forecast as LazyForecast
    from computelimits.scaling import PooledProgress as LazyPooled
    from computelimits.scaling import ScalingFit as LazyFit
    from computelimits.scaling import backtest as lazy_backtest
    from computelimits.scaling import benchmark_data, extrapolate, outlook
    from computelimits.scaling.extrapolation import extrapolate as extrapolate_function
    from computelimits.scaling.outlooks import outlook as outlook_function

    assert LazyForecast is Forecast and LazyPooled is PooledProgress and LazyFit is ScalingFit
    assert extrapolate is extrapolate_function and outlook is outlook_function
    assert lazy_backtest is backtest and callable(benchmark_data)
    for name in scaling.__all__:
        assert getattr(scaling, name) is not None, name
    with pytest.raises(AttributeError):
        scaling.no_such_name  # noqa: B018
    # no module shares its name with a function the package exports
    import importlib.util

    for name in ("extrapolate", "outlook", "backtest"):
        assert importlib.util.find_spec(f"computelimits.scaling.{name}") is None
    import computelimits.report as report

    assert callable(report.reproduce) and "reproduce" in dir(report)


def test_plain_log_tick_labels():
    from computelimits.report.figures import _plain

    assert _plain(r"$\mathdefault{10^{23}}$") == "10²³"
    assert _plain(r"$\mathdefault{2\times10^{-1}}$") == "2×10⁻¹"
    assert _plain(r"$\mathdefault{-10^{2}}$") == "\u221210²"
    assert _plain(r"$\mathdefault{0.5}$") == "0.5"
    assert _plain(r"$\alpha$") == r"$\alpha$"
    assert _plain("2020") == "2020"


def test_study_tables_on_the_mirror(mirror):
    from computelimits.data.catalog import resolve_catalog
    from computelimits.scaling import study

    cat = resolve_catalog()
    joined = cat.joined().table
    datasets = study.benchmark_datasets(joined)
    fits = study.fit_benchmarks(joined, n_boot=100, seed=0, datasets=datasets)
    assert set(fits.fitted) == set(fits.polynomial["benchmark"])
    assert (fits.polynomial.groupby("benchmark")["n"].min() >= study.MIN_RESULTS).all()
    assert {"slope_ci_low", "slope_boot_ci_low"} <= set(fits.fits)
    _is_ci_frame(fits.conf_int())
    _is_summary(fits.summary(), "Polynomial fits", "slope")
    ext = study.extrapolations(fits, n_boot=100, seed=0, catalog=cat)
    assert list(ext["benchmark"]) == list(fits.datasets)
    ok = ext[ext["identified"].astype(bool) & ext["log10_compute"].notna()]
    assert (ok["log10_compute_pred_ci_low"] <= ok["log10_compute_ci_low"]).all()
    # an interval wider than the outlooks' limit sizes nothing: no central figure or cost
    from computelimits.scaling.outlooks import MAX_INTERVAL_OOM

    wide = ext[(ext["log10_compute_ci_high"] - ext["log10_compute_ci_low"]) > MAX_INTERVAL_OOM]
    assert wide["log10_compute"].isna().all() and wide["usd"].isna().all()
    assert wide["note"].str.contains("cannot size").all()
    assert not [c for c in ext.columns if c.endswith(("_conf_low", "_pred_low"))]
    # the shared fit is the one extrapolate would have fitted itself
    bench = ok["benchmark"].iloc[0]
    from computelimits.scaling.extrapolation import extrapolate

    own = extrapolate(bench, float(ok["target_error"].iloc[0]),
                      data=fits.datasets[bench], n_boot=100, seed=0, catalog=cat)
    assert own.log10_compute == ok["log10_compute"].iloc[0]
    assert own.usd_ci_high == ok["usd_ci_high"].iloc[0]
    assert math.isfinite(own.usd)
