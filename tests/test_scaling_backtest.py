"""Backtests: synthetic histories with a stable trend, the split and new-best rules, and the
calibration on the real language-model benchmarks (sanity only: the coverage found there is
a result to report, not a property to test)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from computelimits.errors import ConfigError
from computelimits.scaling.backtests import (
    DEFAULT_CUTOFFS,
    LANGUAGE_BENCHMARKS,
    MIN_TRAIN,
    backtest,
    calibration,
    new_bests,
    split,
)
from computelimits.scaling.dataset import decimal_year

START = pd.Timestamp("2016-01-01")


def history(rng, n=40, sd=0.01, spread=0.0, growth=1.0, slope=-0.1) -> pd.DataFrame:
    """A benchmark's regression rows over 2016..2024 on a stable trend: log10 compute grows
    by ``growth`` decades a year (± ``spread``), log10 e = 1 + slope·x + N(0, sd²)."""
    years = rng.uniform(0, 8, n)
    dates = (START + pd.to_timedelta(np.round(years * 365.25), unit="D")).normalize()
    x = 18 + growth * years + rng.normal(0, spread, n)
    e = 10 ** (1 + slope * x + rng.normal(0, sd, n))
    names = [f"m{i}" for i in range(n)]
    return pd.DataFrame({"model": names, "date": dates, "year": decimal_year(pd.Series(dates)),
                         "error": e, "log10_compute": x, "cluster": names, "paper": names})


def pooled(sims: int, cutoff="2021-01-01", targets="new_bests", seed=0, **kw) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tables = [backtest("synthetic", cutoff, data=history(rng, **kw), n_boot=300, seed=s,
                       targets=targets).table for s in range(sims)]
    return pd.concat(tables, ignore_index=True)


# -- synthetic coverage -----------------------------------------------------------------------
def test_prediction_intervals_cover_new_bests_on_a_stable_trend():
    """Compute grows a decade a year and the scatter is small next to the progress between
    successive models, so new bests are set by compute, not by luck: the past fit's prediction
    intervals hold their later compute at close to the nominal 95%."""
    t = pooled(60)
    assert len(t) > 300
    assert 0.88 <= t["in_pi"].mean() <= 0.99, t["in_pi"].mean()
    assert t["in_ci"].mean() < t["in_pi"].mean()  # the line alone is not the spread
    assert abs(t["error_oom"].mean()) < 0.1
    assert (t["beyond_train_oom"] > 0).mean() > 0.9  # they are extrapolations


NOISY = dict(sd=0.05, spread=1.0, growth=0.7, n=120)


@pytest.fixture(scope="module")
def noisy_all() -> pd.DataFrame:
    return pooled(40, targets="all", **NOISY)


def test_intervals_are_calibrated_for_unselected_later_results(noisy_all):
    """Noisy scatter (σ = 0.05, compute ± 1 decade at a date): every later result, with no
    selection on its error, falls in the interval at about the nominal rate, unbiased."""
    t = noisy_all
    assert 0.88 <= t["in_pi"].mean() <= 0.98, t["in_pi"].mean()
    assert abs(t["error_oom"].mean()) < 0.15


def test_new_bests_are_selected_for_luck_and_the_backtest_shows_it(noisy_all):
    """Same noisy histories: new bests are the results with the luckiest (lowest) error for
    their compute, so the fit asks more compute than they used (positive bias)."""
    best = pooled(40, **NOISY)
    assert best["error_oom"].mean() > noisy_all["error_oom"].mean() + 0.2
    assert best["in_pi"].mean() < noisy_all["in_pi"].mean()


# -- the rules ------------------------------------------------------------------------------
def _rows(spec) -> pd.DataFrame:
    d = pd.DataFrame(spec, columns=["model", "date", "log10_compute", "error"])
    d["date"] = pd.to_datetime(d["date"])
    d["year"] = decimal_year(d["date"])
    d["cluster"] = d["paper"] = d["model"]
    return d


def test_split_puts_the_cutoff_day_in_the_future_and_leaves_undated_rows_out():
    d = _rows([("a", "2020-12-31", 20, 0.5), ("b", "2021-01-01", 21, 0.4),
               ("c", None, 22, 0.3), ("d", "2021-06-01", 22, 0.2)])
    train, after, undated = split(d, "2021-01-01")
    assert list(train["model"]) == ["a"]
    assert list(after["model"]) == ["b", "d"]
    assert undated == 1
    with pytest.raises(ConfigError, match="cutoff"):
        split(d, "not a date")


def test_new_bests_follow_the_documented_order_and_ties():
    after = _rows([
        ("worse", "2021-02-01", 21, 0.35),      # above the pre-cutoff best 0.30
        ("big", "2021-03-01", 23, 0.20),        # same day, more compute: after 'small'
        ("small", "2021-03-01", 22, 0.25),      # beats 0.30
        ("twin", "2021-03-01", 22, 0.27),       # same day and compute as 'small', worse
        ("tie", "2021-04-01", 22, 0.20),        # equals the best so far: not strictly below
        ("later", "2021-05-01", 24, 0.10),
    ])
    got = new_bests(after, best_before=0.30)
    assert list(got["model"]) == ["small", "big", "later"]
    assert new_bests(after, best_before=0.05).empty


def test_backtest_through_a_joined_table(tmp_path):
    """The benchmark_data route: a joined results table for 'mmlu' with one undated row."""
    rng = np.random.default_rng(1)
    h = history(rng, n=30)
    joined = pd.DataFrame({
        "benchmark": "mmlu", "metric": "accuracy", "model": h["model"],
        "model_key": h["model"], "compute_model": h["model"], "origin": h["paper"],
        "date": h["date"], "error": h["error"], "training_flop": 10 ** h["log10_compute"],
        "match_rule": "exact-key"})
    joined.loc[0, "date"] = pd.NaT
    res = backtest("mmlu", "2020-07-01", joined=joined, n_boot=200)
    train, after, _ = split(h.drop(index=0), "2020-07-01")
    assert (res.n_undated, res.n_train, res.n_after) == (1, len(train), len(after))
    s = res.to_dict()
    assert s["n_test"] == len(res.table) == len(new_bests(after, train["error"].min()))
    assert s["n_test"] > 0
    assert set(s) >= {"n_train", "n_test", "pi_coverage", "ci_coverage", "median_abs_error_oom",
                      "mean_abs_error_oom", "bias_oom"}
    t = res.table
    assert np.allclose(t["error_oom"], t["predicted_log10_compute"] - t["actual_log10_compute"])
    assert s["bias_oom"] == pytest.approx(t["error_oom"].mean())
    assert s["median_abs_error_oom"] == pytest.approx(t["error_oom"].abs().median())
    assert s["pi_coverage"] == pytest.approx(t["in_pi"].mean())
    assert (t["log10_compute_pred_ci_low"] <= t["log10_compute_ci_low"]).all()
    assert (t["log10_compute_ci_high"] <= t["log10_compute_pred_ci_high"]).all()
    out = tmp_path / "backtest.json"
    out.write_text(json.dumps(res.to_dict()))
    back = json.loads(out.read_text())
    assert back["n_test"] == s["n_test"]
    assert len(back["table"]) == s["n_test"]
    assert back["fit"]["n"] == res.n_train


def test_year_controlled_backtest_predicts_at_each_results_year():
    # compute must vary at a given date, or year and compute are collinear
    res = backtest("synthetic", "2021-01-01", data=history(np.random.default_rng(2), spread=0.5),
                   n_boot=200, control_year=True)
    r = res.table.iloc[0]
    direct = res.fit.log10_compute_for(r["error"], year=r["year"])
    assert r["predicted_log10_compute"] == pytest.approx(direct["log10_compute"])
    assert res.to_dict()["control_year"] is True
    assert "controlling for year" in str(res.summary())


def test_backtest_settings_are_checked():
    d = history(np.random.default_rng(3))
    for kw in ({"alpha": 0.0}, {"alpha": 1.0}, {"n_boot": 0}, {"targets": "some"}):
        with pytest.raises(ConfigError):
            backtest("synthetic", "2021-01-01", data=d, **kw)
    with pytest.raises(ConfigError, match="no dated results"):
        backtest("synthetic", "2010-01-01", data=d)
    with pytest.raises(ConfigError, match="too few"):
        backtest("synthetic", "2016-02-01", data=d.assign(date=START).iloc[:3].assign(
            date=[START, START, pd.Timestamp("2020-01-01")]))


def test_a_backtest_without_new_bests_has_empty_table_and_nan_coverage():
    d = history(np.random.default_rng(4))
    res = backtest("synthetic", "2030-01-01", data=d, n_boot=100)
    assert res.table.empty and res.n_after == 0
    s = res.to_dict()
    assert s["n_test"] == 0 and math.isnan(s["pi_coverage"]) and math.isnan(s["bias_oom"])


def test_calibration_skips_pairs_with_a_reason():
    rng = np.random.default_rng(5)
    h = history(rng, n=40)
    joined = pd.DataFrame({
        "benchmark": "gsm8k", "metric": "exact_match", "model": h["model"],
        "model_key": h["model"], "compute_model": h["model"], "origin": h["paper"],
        "date": h["date"], "error": h["error"], "training_flop": 10 ** h["log10_compute"],
        "match_rule": "exact-key"})
    cal = calibration(["gsm8k", "mmlu"], ["2016-03-01", "2021-01-01", "2030-01-01"],
                      joined=joined, n_boot=100)
    assert len(cal) == 6
    cal = cal.set_index(["benchmark", "cutoff"])
    assert "training results" in cal.loc[("gsm8k", "2016-03-01"), "reason"]
    assert cal.loc[("gsm8k", "2021-01-01"), "reason"] is None
    assert cal.loc[("gsm8k", "2021-01-01"), "n_test"] >= 1
    assert "new bests" in cal.loc[("gsm8k", "2030-01-01"), "reason"]
    assert cal.loc["mmlu"]["reason"].str.contains("no mmlu results").all()


# -- the real data --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def joined(mirror):
    from computelimits.data.catalog import resolve_catalog

    return resolve_catalog().joined().table


@pytest.fixture(scope="module")
def real_calibration(joined):
    return calibration(LANGUAGE_BENCHMARKS, DEFAULT_CUTOFFS, joined=joined)


def test_default_cutoffs_fall_inside_the_language_model_data(joined):
    dates = joined[joined["benchmark"].isin(LANGUAGE_BENCHMARKS)]["date"].dropna()
    for c in DEFAULT_CUTOFFS:
        assert dates.min() < pd.Timestamp(c) < dates.max()


def test_real_calibration_is_finite_and_sane(real_calibration):
    cal = real_calibration
    assert len(cal) == len(LANGUAGE_BENCHMARKS) * len(DEFAULT_CUTOFFS)
    assert set(cal["benchmark"]) == set(LANGUAGE_BENCHMARKS)
    assert cal["reason"].map(lambda r: r is None or isinstance(r, str)).all()
    ran = cal[cal["reason"].isna()]
    skipped = cal[cal["reason"].notna()]
    assert len(ran) >= 5  # several benchmarks have enough history before 2023
    assert (ran["n_train"] >= MIN_TRAIN).all() and (ran["n_test"] >= 1).all()
    assert (ran["n_test"] <= ran["n_after"]).all()
    for col in ("pi_coverage", "ci_coverage"):
        assert ran[col].between(0, 1).all()
    for col in ("median_abs_error_oom", "mean_abs_error_oom", "bias_oom", "slope"):
        assert np.isfinite(ran[col].astype(float)).all(), col
    assert (ran["bias_oom"].abs() <= ran["mean_abs_error_oom"] + 1e-12).all()
    assert (ran["slope"] < 0).all()  # more compute, lower error, on every benchmark
    assert (ran["ci_coverage"] <= ran["pi_coverage"]).all()
    too_few = skipped["n_train"] < MIN_TRAIN
    assert (too_few | (skipped["n_test"] == 0)).all()


def test_real_backtest_rows_are_sane(joined):
    res = backtest("hellaswag", "2022-01-01", joined=joined)
    t = res.table
    assert len(t) >= 1
    assert (pd.to_datetime(t["date"]) >= pd.Timestamp("2022-01-01")).all()
    assert (t["error"] < res.best_before).all()
    assert t["error"].is_monotonic_decreasing
    cols = ["actual_log10_compute", "predicted_log10_compute", "log10_compute_ci_low",
            "log10_compute_pred_ci_low"]
    assert np.isfinite(t[cols]).all().all()
    assert t["actual_log10_compute"].between(15, 30).all()  # 10^15..10^30 FLOP
    assert (t["log10_compute_pred_ci_low"] <= t["predicted_log10_compute"]).all()
    assert (t["predicted_log10_compute"] <= t["log10_compute_pred_ci_high"]).all()
