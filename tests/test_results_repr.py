"""Every results object has a short ``repr()``: one line of at most 120 characters,
``<ClassName: a few key figures>``, its numbers written by :mod:`computelimits.formatting`
(never a raw float such as ``0.1359999999999999`` nor e-notation); ``summary()`` returns a
:class:`~computelimits.results.Summary` (the theory result's too), whose own ``repr()`` is its
text; and ``_repr_html_`` is the summary's HTML table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from _helpers import dated_results
from computelimits.results import REPR_WIDTH, ResultMixin, Summary, short_repr

#: A decimal number with more than six significant digits (0.1359999999999999, 25.12345678).
_LONG = re.compile(r"\d+\.\d+")
#: e-notation (1.5e+24, 3e-05).
_E_NOTATION = re.compile(r"\d[eE][+-]?\d")


def _raw_floats(text: str) -> list[str]:
    return [m for m in _LONG.findall(text) if len(m.replace(".", "").lstrip("0")) > 6]


def _is_short(obj: object, *words: str) -> str:
    """``repr(obj)`` is one short line naming the class, with key figures after a colon
    (a repr that swallowed an error shows the bare ``<ClassName>``), no raw floats."""
    name = type(obj).__name__
    r = repr(obj)
    assert "\n" not in r and len(r) <= REPR_WIDTH, r
    assert r.startswith(f"<{name}: ") and r.endswith(">"), r
    assert not _raw_floats(r) and not _E_NOTATION.search(r), r
    for w in words:
        assert w in r, (w, r)
    return r


# ---------------------------------------------------------------------- the helper itself
def test_short_repr_is_one_line_and_cut_to_the_width():
    assert short_repr("X", "a\nb", "", None, "c") == "<X: a b; c>"
    assert short_repr("X") == "<X>"
    long = short_repr("Fit", "first part", "x" * 300, "last part")
    assert long == "<Fit: first part; last part …>"
    cut = short_repr("Fit", "word " * 100)
    assert len(cut) <= REPR_WIDTH and cut.endswith(" …>") and "\n" not in cut


def test_a_repr_never_raises():
    class Broken(ResultMixin):
        def summary(self) -> Summary:
            raise RuntimeError("half built")

    assert repr(Broken()) == "<Broken>"


def test_a_summary_reads_as_its_text_at_a_prompt():
    s = Summary("Title", ["line 1", "line 2"], notes=["note"])
    assert repr(s) == str(s) == "Title\nline 1\nline 2\nnote"


# ---------------------------------------------------------------------- results, no data
def test_theory_result_summary_is_a_summary_and_its_repr_is_short():
    from computelimits.theory import TheoryConfig, simulate

    r = simulate(TheoryConfig.quick(reps=3, seed=1), workers=1)
    s = r.summary()
    assert isinstance(s, Summary) and "p = 100, k = 5" in s.title
    assert s._repr_html_() == r._repr_html_()
    # FLOP per fit in the package's format, not e-notation
    assert not _E_NOTATION.search(str(s)) and "FLOP" in s.to_frame().iloc[0, -1]
    frame = r.to_frame()
    assert list(frame.columns[:4]) == ["model", "n", "reps", "performance_mean"]
    assert not hasattr(r, "describe")
    _is_short(r, "p = 100", "3 replications", "4 models")


def test_scaling_fit_repr_fitted_and_not():
    from computelimits.scaling import ScalingFit

    assert repr(ScalingFit("exponential")) == "<ScalingFit: exponential, not fitted>"
    f = ScalingFit(n_boot=200).fit(dated_results())
    _is_short(f, "polynomial", "N = 80", "slope −0.")


def test_scaling_fit_summary_has_no_e_notation():
    """Large halving multiples and tiny coefficients are written by the package's formatter
    (``10^5.2×``, ``1.2×10^−4``), never as ``1.6e+05``."""
    from computelimits.scaling import ScalingFit

    d = dated_results(4)
    d["error"] = 10 ** (-0.3 - 0.004 * (d["log10_compute"] - 22)
                        + np.random.default_rng(0).normal(0, 0.002, len(d)))
    f = ScalingFit(n_boot=200).fit(d)
    text = str(f.summary())
    assert f.identified_ and f.halving_multiple() > 1e4
    assert not _E_NOTATION.search(text), text
    assert "10^" in text and "× compute" in text
    _is_short(f)


def test_forecast_pooled_backtest_costs_and_trend_reprs():
    from computelimits.scaling import Forecast, PooledProgress, backtest, fit_trend
    from computelimits.scaling.costs import cost_over_time

    assert "not fitted" in repr(Forecast())
    _is_short(Forecast(n_boot=200).fit(dated_results(1)), "OOM/yr", "halving", "intervals")
    assert "not fitted" in repr(PooledProgress(n_boot=0))
    pooled = pd.concat([dated_results(s, benchmark=f"b{s}") for s in range(3)], ignore_index=True)
    _is_short(PooledProgress(n_boot=100, seed=0).fit(pooled), "γ = ", "3 benchmarks")
    _is_short(backtest("synthetic", "2021-06-01", data=dated_results(2), n_boot=200),
              "synthetic", "before 2021-06-01")
    fixed = {"price_year": 2025, "usd_per_peak_flop": 1e-18, "utilization": 0.35, "pue": 1.2,
             "grid_gco2e_per_kwh": 400.0, "chip_tdp_w": 700.0, "chip_peak_flop_per_s": 1e15,
             "growth": 0.0, "n_draws": 400}
    draws = np.random.default_rng(3).normal(25.0, 0.3, 400)
    _is_short(cost_over_time(draws, progress_rate=0.3, **fixed), "FLOP", "$")
    t = np.linspace(2010.0, 2020.0, 30)
    v = 10.0 ** (0.3 * (t - 2010.0) + np.random.default_rng(3).normal(0, 0.1, t.size))
    _is_short(fit_trend(t, v, name="synthetic", n_boot=100, seed=0), "doubling")


def test_extrapolation_repr_writes_the_target_as_an_error_rate():
    """The issue's example: a target of 0.1359999999999999 is shown as 13.6%."""
    from computelimits.scaling.extrapolation import Extrapolation

    common = dict(benchmark="mmlu", form="polynomial", target_error=0.1359999999999999,
                  best_observed_error=0.2123456789, compute_kind="training",
                  max_observed_log10_compute=25.123456789, paper_usd=None, paper_co2_kg=None,
                  price_year=2025)
    none = Extrapolation(identified=False, log10_compute=None, orders_beyond_data=None,
                         is_extrapolation=None, usd=None, co2_kg=None, **common)
    assert "does not explain" in _is_short(none, "13.6%")
    x = Extrapolation(identified=True, log10_compute=26.3456789, orders_beyond_data=1.2222222,
                      is_extrapolation=True, usd=123_456_789.123, co2_kg=3_333_333.3333,
                      **common)
    _is_short(x, "mmlu", "13.6%", "10^26.3 FLOP", "$123 million", "kt CO2e")


def test_compute_optimal_findings_and_study_tables():
    from computelimits.compute.chinchilla import compute_optimal
    from computelimits.report.findings import Findings
    from computelimits.scaling.study import BenchmarkFits

    _is_short(compute_optimal(1e24, draws=200), "10^24.0 FLOP", "parameters", "tokens")
    f = Findings(pd.DataFrame({"group": ["a"], "sentence": ["mmlu: 10^25 FLOP for 10%"]}),
                 ["Compute explains 3 of 4 benchmarks."])
    _is_short(f, "1 benchmarks", "Compute explains")
    empty = pd.DataFrame()
    fits = BenchmarkFits(fits=empty, polynomial=pd.DataFrame({"identified": [True, False]}),
                         forms=empty, other_kinds=empty, by_source=empty, statements=empty,
                         left_out=pd.DataFrame({"benchmark": ["x"]}))
    _is_short(fits, "2 benchmarks fitted, compute explains 1", "1 left out")


def test_crosscheck_conf_int_is_the_median_ratio_interval():
    from computelimits.compute import CrossCheck

    ratios = np.geomspace(0.3, 3.0, 40)
    cc = CrossCheck(pd.DataFrame({"model": [f"m{i}" for i in range(40)], "ratio": ratios}),
                    None, pd.DataFrame({"ratio": []}), {})
    ci = cc.conf_int()
    assert list(ci.columns) == ["ci_low", "ci_high"] and list(ci.index) == ["compute", "power"]
    r = cc.ratios().set_index("check")
    assert ci.loc["compute", "ci_low"] == r.loc["compute", "median_ci_low"]
    assert ci.loc["compute", "ci_high"] == r.loc["compute", "median_ci_high"]
    wide = cc.conf_int(0.01)
    assert wide.loc["compute", "ci_low"] <= ci.loc["compute", "ci_low"]
    assert np.isnan(ci.loc["power", "ci_low"])
    _is_short(cc, "compute 0.95× (N 40)", "power: no models")


# ---------------------------------------------------------------------- results from the data
@pytest.mark.usefixtures("mirror")
def test_estimate_zone_and_record_reprs():
    from computelimits.compute import compare_zones, estimate, find_chip

    _is_short(estimate(chip="H100 SXM5 80GB", chips=64, hours=100), "FLOP", "chip-hours")
    _is_short(find_chip("H100 SXM5 80GB"), "H100")
    z = compare_zones("FR,DE", chip="H100 SXM5 80GB", chips=8, hours=10)
    _is_short(z, "2 grid zones", "CO2e")


@pytest.mark.usefixtures("mirror")
def test_extrapolation_and_outlook_reprs_from_the_data():
    from computelimits.scaling import extrapolate, outlook

    _is_short(extrapolate("mmlu", 0.15, n_boot=200), "mmlu", "15%")
    _is_short(outlook("mmlu", target_error=0.15, date="2025-01-01", n_boot=200, n_draws=200,
                      trust=False), "mmlu at 2025-01-01")
