"""The evaluation package: every registered model runs through the rolling origin, intervals
widen with the horizon where errors grow with it, the nested choice never sees what it is
scored on, and the data-driven choices are made before each cutoff."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import panel
from computelimits.scaling.evaluation import (
    MODELS,
    get_model,
    nested_choice,
    rolling_origin,
    summarize,
)
from computelimits.scaling.evaluation.nested import choose
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.horizon import HORIZON_LABELS, HorizonQuantiles, horizon_bin
from computelimits.scaling.outlooks import outlook
from computelimits.scaling.shift import level_shift


def test_every_registered_model_runs_through_the_rolling_origin():
    rng = np.random.default_rng(0)
    data = {f"b{k}": panel(rng, n=50, benchmark=f"b{k}") for k in range(3)}
    pred = rolling_origin(data, n_boot=50, step_months=12, models=MODELS)
    assert set(pred["model"]) == set(MODELS)
    for m in MODELS:
        spec = get_model(m)
        assert spec.name == m and spec.description
        rows = pred[pred["model"] == m]
        assert len(rows) and rows["result_id"].notna().all()
        assert rows["horizon_bin"].isin(HORIZON_LABELS).all()
    # the horizon is years from the last training result
    r = pred.iloc[0]
    assert r["horizon_years"] >= 0
    with pytest.raises(Exception, match="unknown forecast model"):
        get_model("nosuch")


def test_intervals_widen_with_the_horizon_and_hold_where_errors_grow():
    """A planted drift makes later results harder to predict: per-horizon calibration keeps
    the coverage in every bin and gives wider intervals further ahead."""
    rng = np.random.default_rng(7)
    data = {f"b{k}": panel(rng, n=110, benchmark=f"b{k}", drift=0.04, sd=0.02, years=8.0)
            for k in range(5)}
    pred = rolling_origin(data, n_boot=0, step_months=6, models=("time",))
    s = summarize(pred)
    s = s[(s["benchmark"] == "pooled") & (s["target"] == "all")].set_index("horizon")
    for lab in ("0-1y", "1-2y", "2-3y"):
        assert 0.85 <= s.loc[lab, "forward_coverage"] <= 1.0, lab
    assert s.loc["2-3y", "width_median_oom"] > s.loc["0-1y", "width_median_oom"]
    # without the horizon the single quantile of the nearest bin would have been too narrow
    near = pred[(pred["horizon_bin"] == "2-3y")]
    half = (near["transformed_error_pred_ci_high"] - near["transformed_error_pred_ci_low"]) / 2
    first = pred[pred["horizon_bin"] == "0-1y"]
    ratio = half.median() / ((first["transformed_error_pred_ci_high"]
                              - first["transformed_error_pred_ci_low"]) / 2).median()
    assert ratio > 1.2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 6), st.floats(-5, 5)), min_size=0, max_size=200))
def test_horizon_multiples_never_fall_with_the_horizon(pairs):
    h = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    q = HorizonQuantiles.from_scores(s, h, 0.05)
    grid = np.linspace(0, 12, 49)
    v = q.at(grid)
    with np.errstate(invalid="ignore"):
        assert np.all(np.diff(v) >= -1e-12) or np.all(np.isinf(v))
    if math.isfinite(q.base):
        # beyond the evidence the rule is linear in the horizon
        far = q.at(np.array([2 * max(q.reach, 1.0), 4 * max(q.reach, 1.0)]))
        assert far[1] == pytest.approx(2 * far[0])
    assert list(horizon_bin(np.array([0.0, 0.99, 1.0, 2.5, 9.0]))) == [0, 0, 1, 2, 3]


def test_horizon_basis_says_when_there_is_no_evidence():
    rng = np.random.default_rng(1)
    q = HorizonQuantiles.from_scores(rng.normal(size=100), rng.uniform(0, 0.9, 100), 0.05)
    assert q.calibrated == [True, False, False, False]
    assert "calibrated on 100" in q.basis(0.5)
    assert "no out-of-sample evidence" in q.basis(3.0)
    assert q.at(np.array([3.0]))[0] == pytest.approx(3 * q.q[0])
    assert math.isinf(HorizonQuantiles.from_scores(np.array([1.0]), np.array([0.1]),
                                                   0.05).at(0.5)[0])


def _fake_predictions(rng):
    """Two models over quarterly cutoffs: 'good' has narrow, covering intervals; 'bad' is
    wide."""
    rows = []
    cutoffs = pd.date_range("2020-01-01", "2023-10-01", freq="QS")
    for c in cutoffs:
        cy = c.year + (c.day_of_year - 1) / 365
        for i in range(30):
            year = cy + rng.uniform(0, 2)
            actual = rng.normal()
            for m, half in (("good", 2.0), ("bad", 6.0)):
                rows.append({"benchmark": "b", "cutoff": c.date().isoformat(), "model": m,
                             "result_id": f"r{c.date()}-{i}", "year": year,
                             "log10_compute_pred_ci_low": -half,
                             "log10_compute_pred_ci_high": half,
                             "actual_log10_compute": actual,
                             "transformed_error_pred_ci_low": -half,
                             "transformed_error_pred_ci_high": half,
                             "actual_transformed_error": actual})
    return pd.DataFrame(rows)


def test_the_nested_choice_never_sees_the_cutoffs_it_is_scored_on():
    rng = np.random.default_rng(3)
    pred = _fake_predictions(rng)
    _, choices = nested_choice(pred, ("good", "bad"))
    assert choices["chosen_model"].iloc[0] == "good"  # prior default absent: first candidate
    later = choices[choices["scored"] != "none"]
    assert len(later) and (later["chosen_model"] == "good").all()
    # rewrite everything at and after a cutoff k so that 'good' becomes terrible: the choices
    # up to k are unchanged (they read only outcomes observed before them)
    k = "2022-01-01"
    ky = 2022.0
    spoiled = pred.copy()
    late = (spoiled["cutoff"] >= k) | (spoiled["year"] >= ky)
    spoiled.loc[late & (spoiled["model"] == "good"), "actual_log10_compute"] = 100.0
    _, after = nested_choice(spoiled, ("good", "bad"))
    upto = choices["cutoff"] <= k
    assert after[upto]["chosen_model"].tolist() == choices[upto]["chosen_model"].tolist()
    assert (after["chosen_model"].iloc[-1]) == "bad"  # and later ones react
    assert choose(pred.iloc[0:0], ("good", "bad"))["scored"] == "none"


def test_choices_of_setting_are_made_before_each_cutoff():
    """Early results are mostly 'few-shot', later ones mostly 'zero-shot': at an early
    cutoff the evaluation must fit and score few-shot results, which the whole table's
    majority would not choose."""
    from computelimits.scaling.evaluation.rolling import _Chooser

    rng = np.random.default_rng(5)
    d = panel(rng, n=80)
    d["setting_kind"] = np.where(np.arange(80) < 30, "few-shot", "zero-shot")
    d.loc[d.index[:30:3], "setting_kind"] = "zero-shot"  # a minority early
    joined = d.assign(metric="accuracy", training_flop=10 ** d["log10_compute"],
                      compute_kind="training", source="user-test", benchmark="mmlu")
    ch = _Chooser("mmlu", joined, {})
    early = ch.at(pd.Timestamp(d["date"].iloc[25]))
    late = ch.at(pd.Timestamp(d["date"].iloc[79]))
    assert early.attrs["selection"].setting == "few-shot"
    assert late.attrs["selection"].setting == "zero-shot"


@pytest.mark.parametrize("select", [{}, {"kind": "all"}, {"precision": "any"},
                                    {"imputed": False}, {"setting": "few-shot"},
                                    {"kind": "hardware_burden"}])
def test_the_prepared_choices_are_those_benchmark_data_makes(select):
    """The choices counted on rows prepared once (what the rolling evaluation makes at every
    cutoff) are those benchmark_data makes on the same rows, or none where it raises: kinds,
    burden twins, precisions, settings, chance levels of the user's own, any subset."""
    from computelimits.errors import ConfigError
    from computelimits.scaling.dataset import Choice, SelectionChoices, benchmark_data

    rng = np.random.default_rng(7)
    d = panel(rng, n=120)
    n = len(d)
    joined = d.assign(
        metric="accuracy", training_flop=10 ** d["log10_compute"], benchmark="mine",
        source=np.where(rng.random(n) < 0.9, "user-test", "other"),
        compute_kind=rng.choice(["training", "imputed_operations", "hardware_burden", None], n,
                                p=[0.55, 0.15, 0.2, 0.1]),
        compute_origin=np.where(rng.random(n) < 0.2, "own", None),
        peak_precision=rng.choice(["fp32", "bf16", None], n),
        setting_kind=np.where(np.arange(n) < 50, "few-shot",
                              rng.choice(["zero-shot", "few-shot", None], n)),
        hardware_burden_flop=np.where(rng.random(n) < 0.4, 10 ** (d["log10_compute"] + 0.3),
                                      np.nan),
        hardware_burden_precision=rng.choice(["fp32", "bf16"], n),
        chance_error=np.where(rng.random(n) < 0.5, 0.75, np.nan))
    joined.loc[joined.index[::17], "error"] = 0.9  # at chance
    dates = pd.to_datetime(joined["date"])
    choices = SelectionChoices("mine", joined, **select)
    masks = [(dates < c).to_numpy() for c in pd.date_range("2016-01-01", "2023-07-01",
                                                           freq="QS")]
    masks += [rng.random(n) < p for p in (0.1, 0.3, 0.6, 0.9)]
    seen = set()
    for m in masks:
        try:
            s = benchmark_data("mine", joined=joined[m], **select).attrs["selection"]
            want = Choice(s.kind, s.precision, s.setting, s.mixed)
        except ConfigError:
            want = None
        assert choices.choice(m) == want
        seen.add(want is None)
    assert False in seen  # some subsets have a choice


def test_a_planted_level_shift_of_the_newest_results_is_found_and_widens_the_answer():

    rng = np.random.default_rng(11)
    d = panel(rng, n=80, sd=0.02)
    newest = d["year"] > d["year"].max() - 0.5
    shifted = d.copy()
    shifted.loc[newest, "error"] = shifted.loc[newest, "error"] * 10 ** 0.15
    r = level_shift(shifted, window_years=0.5)
    assert r["tested"] and r["detected"] and r["shift"] == pytest.approx(0.15, abs=0.05)
    # without a shift the test rarely fires (independent noise: about alpha of the time)
    fired = sum(level_shift(panel(np.random.default_rng(s), n=80, sd=0.02),
                            window_years=0.5)["detected"] for s in range(20))
    assert fired <= 3
    assert not level_shift(d.head(5))["tested"]


def test_outlook_says_so_and_widens_when_the_newest_results_moved():
    from computelimits.scaling.dataset import Selection

    rng = np.random.default_rng(12)
    d = panel(rng, n=80, sd=0.02)
    d["chance_error"] = 0.75
    sel = Selection(benchmark="b0", kind="training", precision=None, setting=None,
                    scale="error", chance_error=0.75, chance_basis="test", n=len(d))
    d.attrs = {"selection": sel, "attribution": []}
    base = outlook(data=d, target_error=0.2, date="2023-06-01", n_boot=200, n_draws=200,
                   trust=False, model="time", costs=False)
    moved = d.copy()
    newest = moved["year"] > moved["year"].max() - 0.25
    moved.loc[newest, "error"] = moved.loc[newest, "error"] * 10 ** 0.2
    moved.attrs = d.attrs
    o = outlook(data=moved, target_error=0.2, date="2023-06-01", n_boot=200, n_draws=200,
                trust=False, model="time", costs=False)
    assert o.forecast["level_shift"]["detected"]
    assert any("sit off the curve" in n for n in o.notes)
    note = next(n for n in o.notes if "sit off the curve" in n)
    assert not re.search(r"\d\.\d{5,}", note), note  # effective df rounded, no raw floats
    assert o.inverse["widened_for_shift_oom"] > 0
    assert not base.forecast["level_shift"]["detected"]


def test_the_default_is_trusted_as_the_nested_evaluation_scored_it(mirror):
    """`auto` answers with today's choice but quotes the figures of the nested default (the
    model chosen at each cutoff from earlier outcomes); an explicit model quotes its own."""

    auto = outlook("mmlu", target_error=0.3, date="2024-06-01", n_boot=200,
                   n_draws=200, costs=False)
    assert auto.choice and auto.forecast["model"] == auto.choice["model"]
    assert auto.trust["model"] == "nested" and "the default" in auto.trust["sentence"]
    assert auto.trust["horizon"] in ("0-1y", "all")
    own = outlook("mmlu", target_error=0.3, date="2024-06-01", n_boot=200,
                  n_draws=200, costs=False, model="time")
    assert own.trust["model"] in ("time", "hybrid") and own.choice is None
    # where an explicit model's own rate is noise, the evaluated hybrid model answers
    # instead, and the answer is trusted as the hybrid model's backtests scored it
    fell = outlook("hellaswag", target_error=0.1, date="2024-06-01", n_boot=200,
                   n_draws=200, costs=False, model="time_logit")
    assert fell.choice is None  # HellaSwag's own rate is not identified (Fieller)
    assert fell.forecast["model"] == "hybrid" and fell.trust["model"] == "hybrid"
    assert any("instead of the time_logit model" in n for n in fell.notes)
    # under "auto" a fallback is part of the default as the nested evaluation scored it
    auto_fell = outlook("hellaswag", target_error=0.1, date="2024-06-01", n_boot=200,
                        n_draws=200, costs=False,
                        default_model={"model": "time_logit", "reason": "given"})
    assert auto_fell.forecast["model"] == "hybrid" and auto_fell.trust["model"] == "nested"


@pytest.mark.parametrize(("call", "message"), [
    (lambda d: outlook(
        data=d, target_error=1.5), "target_error must lie in"),
    (lambda d: outlook(
        data=d, target_error=0.2, n_boot=-5), "n_boot must lie in"),
    (lambda d: outlook(
        data=d, compute=float("nan")), "compute must be a positive finite number"),
    (lambda d: outlook(
        data=d.drop(columns="year"), target_error=0.2), "year"),
    (lambda d: rolling_origin({"b": d}, alpha=1.5), "alpha must lie in"),
    (lambda d: rolling_origin([d]), "datasets must map"),
    (lambda d: level_shift(
        d, window_years=0), "window_years must lie in"),
    (lambda d: Forecast(
        n_origins=0), "n_origins must lie in"),
    (lambda d: Forecast(
        seed=2.5), "seed must be a whole number"),
])
def test_the_forecasting_api_checks_its_arguments_as_the_cli_does(call, message):
    """One error class per kind of mistake, with the valid range in the message — never a
    traceback from deep inside or a silent NaN."""
    from computelimits.errors import ComputeLimitsError

    d = panel(np.random.default_rng(13), n=40)
    with pytest.raises((ComputeLimitsError, TypeError, ValueError), match=message):
        call(d)
