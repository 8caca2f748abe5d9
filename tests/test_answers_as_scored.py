"""The evaluation scores the default as an answer runs it (issue 18): the fallback to the
shared rate where a model's own rate is not identified (one rule, Fieller's, for both),
the widening after a level shift, and a level-shift test that counts a paper's results as
the correlated results they are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computelimits.scaling.evaluation.nested import FALLBACK, as_answered, nested_choice
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.shift import level_shift, shift_widening


def _rows(model, bench, cutoff, n, *, rate_identified=True, low=-1.0, high=1.0):
    return pd.DataFrame({"benchmark": bench, "cutoff": cutoff, "model": model,
                         "result_id": [f"{bench}-{i}" for i in range(n)],
                         "year": 2022.5, "rate_identified": rate_identified,
                         "log10_compute_pred_ci_low": low,
                         "log10_compute_pred_ci_high": high,
                         "actual_log10_compute": 0.0,
                         "transformed_error_pred_ci_low": low,
                         "transformed_error_pred_ci_high": high,
                         "actual_transformed_error": 0.0})


def test_the_fallback_answers_where_the_own_rate_is_noise():
    pred = pd.concat([
        _rows("time", "a", "2022-01-01", 3, rate_identified=False),
        _rows("time", "b", "2022-01-01", 2),
        _rows(FALLBACK, "a", "2022-01-01", 3, low=-5.0, high=5.0),
        _rows(FALLBACK, "b", "2022-01-01", 2, low=-5.0, high=5.0),
        # no fallback fitted for c: its own predictions stand
        _rows("time", "c", "2022-01-01", 2, rate_identified=False),
        _rows("compute_only", "a", "2022-01-01", 3, rate_identified=False),
    ], ignore_index=True)
    out = as_answered(pred, ("time", FALLBACK))
    t = out[out["model"] == "time"]
    assert len(t) == 7
    a = t[t["benchmark"] == "a"]
    assert (a["answered_by"] == FALLBACK).all() and (a["log10_compute_pred_ci_low"] == -5).all()
    assert (t[t["benchmark"] != "a"]["answered_by"] == "time").all()
    # the fallback's own rows and models that are no candidates are left as they were
    assert len(out[out["model"] == FALLBACK]) == 5
    assert (out[out["model"] == "compute_only"]["answered_by"] == "compute_only").all()
    # with every own rate identified nothing moves
    same = as_answered(pred[pred["rate_identified"]], ("time", FALLBACK))
    assert (same["answered_by"] == same["model"]).all()


def test_the_nested_default_is_scored_with_its_fallback():
    rows = []
    for k, cut in enumerate(pd.date_range("2020-01-01", "2023-10-01", freq="QS")):
        c = cut.date().isoformat()
        for b in ("a", "b"):
            # 'time' is narrow but its own rate is noise on 'a': the answers there are the
            # fallback's, wide
            rows.append(_rows("time", b, c, 20, rate_identified=b != "a", low=-0.5,
                              high=0.5).assign(year=cut.year + 0.9 + k * 0.01))
            rows.append(_rows(FALLBACK, b, c, 20, low=-3.0, high=3.0)
                        .assign(year=cut.year + 0.9 + k * 0.01))
    pred = pd.concat(rows, ignore_index=True)
    pred["result_id"] = pred["cutoff"] + pred["result_id"]
    nested, choices = nested_choice(pred, ("time", FALLBACK))
    assert (choices["chosen_model"] == "time").all()
    a = nested[nested["benchmark"] == "a"]
    assert (a["answered_by"] == FALLBACK).all()
    assert (nested[nested["benchmark"] == "b"]["answered_by"] == "time").all()
    assert (choices["fallback_benchmarks"] == 1).all()


def _series(rng, *, rate, n=80, sd=0.02):
    year = np.sort(rng.uniform(2016, 2023, n))
    x = 20 + 0.5 * (year - 2016) + rng.uniform(-1.5, 1.5, n)
    y = -1.5 - 0.1 * (x - 22 + rate * (year - YEAR0)) + rng.normal(0, sd, n)
    return pd.DataFrame({"error": 10 ** y, "log10_compute": x, "year": year,
                         "cluster": [f"p{i // 2}" for i in range(n)]})


@pytest.mark.parametrize(("rate", "identified"), [(0.5, True), (-0.5, False)])
def test_the_own_rate_is_identified_by_fiellers_rule(rate, identified):
    fc = Forecast(n_boot=0).fit(_series(np.random.default_rng(1), rate=rate))
    assert fc.rate_identified_ is identified
    ci = fc.fit_.conf_int(fc.alpha)
    (b_lo, b_hi), (c_lo, c_hi) = ci.iloc[1], ci.iloc[2]
    # Fieller's interval of c/b is bounded and above zero exactly when both coefficients'
    # intervals exclude zero on the same side
    assert identified == ((b_hi < 0 and c_hi < 0) or (b_lo > 0 and c_lo > 0))
    assert fc.rate_identified_ == Forecast(n_boot=200).fit(
        _series(np.random.default_rng(1), rate=rate)).rate_identified_  # no bootstrap needed


def test_a_fixed_rate_is_always_identified():
    d = _series(np.random.default_rng(2), rate=0.0, sd=0.3)
    assert Forecast(n_boot=0, rate=0.3).fit(d).rate_identified_


def _one_paper_window(rng, shift=0.0, sb=0.1, sw=0.03, papers=30, per=4, late=8):
    """Early results from 30 papers with a paper offset each (sd ``sb``), then one paper of
    ``late`` results in the newest quarter, off by ``shift`` besides its own offset."""
    rows = []
    for p in range(papers):
        yr = 2016 + 6 * p / papers + rng.uniform(0, 0.1)
        u = rng.normal(0, sb)
        for _ in range(per):
            x = 20 + 0.5 * (yr - 2016) + rng.uniform(-1, 1)
            rows.append((f"p{p}", yr, x, -0.3 - 0.1 * (x - 22 + 0.4 * (yr - YEAR0)) + u
                         + rng.normal(0, sw)))
    u = rng.normal(0, sb) + shift
    for _ in range(late):
        x = 23 + rng.uniform(-1, 1)
        yr = 2022.9 + rng.uniform(0, 0.05)
        rows.append(("late", yr, x, -0.3 - 0.1 * (x - 22 + 0.4 * (yr - YEAR0)) + u
                     + rng.normal(0, sw)))
    d = pd.DataFrame(rows, columns=["cluster", "year", "log10_compute", "y"])
    return d.assign(error=10 ** d["y"])


def test_the_level_shift_test_counts_a_papers_results_as_correlated():
    rng = np.random.default_rng(0)
    runs = 200
    with_c = without = 0
    for _ in range(runs):
        d = _one_paper_window(rng)
        with_c += level_shift(d, alpha=0.05)["detected"]
        without += level_shift(d.drop(columns="cluster"), alpha=0.05)["detected"]
    # no shift: about alpha with the correction, well above it without
    assert with_c / runs <= 0.09 < 0.10 <= without / runs
    t = level_shift(_one_paper_window(np.random.default_rng(1)))
    assert t["icc"] > 0.5 and t["design_effect"] > 4 and t["df"][0] < 2
    # a shift of four paper offsets is still found
    found = sum(level_shift(_one_paper_window(rng, shift=0.4), alpha=0.05)["detected"]
                for _ in range(100))
    assert found >= 85


def test_one_widening_rule_for_answers_and_backtests():
    d = _one_paper_window(np.random.default_rng(3), shift=1.0)
    test, widen = shift_widening(d, "polynomial")
    assert test["detected"] and widen == pytest.approx(abs(test["shift"]))
    test, widen = shift_widening(_one_paper_window(np.random.default_rng(3)), "polynomial")
    assert not test["detected"] and widen == 0.0


def _scored(rng, n_results=60, better=0.0):
    """Predictions of two models on the same results from three cutoffs each: 'm' is off by
    (1 − better) times the baseline's error on every result."""
    rows = []
    for r in range(n_results):
        base = abs(rng.normal(0, 1)) + 0.05
        for k, cut in enumerate(("2021-01-01", "2021-07-01", "2022-01-01")):
            for model, err in (("compute_only", base), ("m", base * (1 - better))):
                rows.append({"benchmark": "b", "cutoff": cut, "model": model,
                             "result_id": f"r{r}", "identified": True, "new_best": False,
                             "horizon_bin": "0-1y", "inverse_error_oom": err + 0.01 * k,
                             "forward_error": 0.0, "width_oom": 1.0, "in_forward": True,
                             "in_inverse": True})
    return pd.DataFrame(rows)


def test_the_pooled_skill_carries_a_bootstrap_interval_over_results():
    from computelimits.scaling.evaluation.scores import summarize

    def pooled(df):
        s = summarize(df, pool=("b",))
        return s[(s["benchmark"] == "pooled") & (s["model"] == "m") & (s["horizon"] == "all")
                 & (s["target"] == "all")].iloc[0]

    rng = np.random.default_rng(0)
    clear = pooled(_scored(rng, better=0.3))
    assert clear["skill_vs_compute_only"] == pytest.approx(0.3, abs=0.02)
    assert 0 < clear["skill_vs_compute_only_ci_low"] < 0.3 < clear["skill_vs_compute_only_ci_high"]
    same = pooled(_scored(rng, better=0.0))
    assert same["skill_vs_compute_only_ci_low"] <= 0 <= same["skill_vs_compute_only_ci_high"]
    # per benchmark rows carry no interval (the pooled figures are the ones quoted)
    s = summarize(_scored(rng, better=0.3), pool=("b",))
    assert s[s["benchmark"] == "b"]["skill_vs_compute_only_ci_low"].isna().all()


def test_shrunk_rates_carry_the_uncertainty_of_the_mean():
    from computelimits.scaling.evaluation.models.time_shrunk import shrink_with_se

    rates = {"a": (0.1, 0.05), "b": (0.5, 0.05), "c": (0.9, 0.05), "d": (0.3, 0.4)}
    out = shrink_with_se(rates)
    # disagreeing precise benchmarks keep about their own rate; the noisy one is pulled in,
    # and its standard error lies between the naive posterior's and its own
    assert out["a"][0] == pytest.approx(0.1, abs=0.02)
    assert 0.3 < out["d"][0] < 0.7 and out["d"][1] < 0.4
    # the same rates: no disagreement, every benchmark takes the mean and its error
    same = shrink_with_se({k: (0.4, 0.1) for k in "abc"})
    assert all(v == pytest.approx((0.4, 0.1 / np.sqrt(3))) for v in same.values())
    assert shrink_with_se({"a": (0.4, 0.1)}) == {}


def test_a_rate_from_no_more_clusters_than_coefficients_is_not_estimated():
    """Three papers and three coefficients: the cluster-robust covariance is singular (its
    score sums add to zero), so the rate's error would be spuriously near zero and take all
    the weight of the shrinkage; it is not estimated, and no warning reaches the user."""
    import warnings

    from _helpers import panel
    from computelimits.scaling.evaluation.models.time_shrunk import rate_and_se, shrink_with_se

    rng = np.random.default_rng(3)
    rows = panel(rng, n=30)
    three = rows.assign(cluster=[f"p{i % 3}" for i in range(len(rows))])
    four = rows.assign(cluster=[f"p{i % 4}" for i in range(len(rows))])
    assert all(map(np.isnan, rate_and_se(three)))
    r, se = rate_and_se(four)
    assert np.isfinite(r) and se > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = shrink_with_se({"a": (5.7, 2e-200), "b": (0.2, 0.1), "c": (0.5, 0.2)})
    assert set(out) == {"a", "b", "c"} and all(np.isfinite(v).all() for v in out.values())
