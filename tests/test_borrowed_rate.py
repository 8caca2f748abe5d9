"""A borrowed (fixed) rate of algorithmic progress carries its uncertainty: the predictive
scale grows with the distance in time from the data by b·se·(t − t̄), in the calibration and
in every interval; and a shared rate is borrowed only where it is identified, by one rule in
answers and backtests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _helpers import panel
from computelimits.scaling.evaluation.borrowed import borrowed_se
from computelimits.scaling.evaluation.registry import CutoffContext
from computelimits.scaling.evaluation.rolling import shared_rate_before
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import Forecast


def _panel(rng: np.random.Generator, **kw) -> pd.DataFrame:
    d = panel(rng, **kw)
    return d[d["error"] < 1].reset_index(drop=True)  # the earliest, weakest may pass chance


def test_the_scale_grows_with_the_distance_in_time_by_the_rate_error():
    d = _panel(np.random.default_rng(0), n=90)
    plain = Forecast(n_boot=0, rate=0.4, interval="bootstrap").fit(d)
    wide = Forecast(n_boot=0, rate=0.4, interval="bootstrap", rate_se=0.2).fit(d)
    x = np.full(3, 23.0)
    years = np.array([2019.5, 2024.0, 2030.0])
    s0, s1 = plain.scale_at(x, years), wide.scale_at(x, years)
    b = wide.abc_[1]
    tbar = float(np.mean(d["year"] - YEAR0))
    want = np.sqrt(s0 ** 2 + (b * 0.2 * (years - YEAR0 - tbar)) ** 2)
    np.testing.assert_allclose(s1, want, rtol=1e-12)
    assert s1[2] > s1[1] > s0[1]  # farther from the data, wider
    # the central answers do not move; the intervals widen, more at a later date
    near, far = plain.inverse(0.3, 2024.0), wide.inverse(0.3, 2024.0)
    assert near["log10_compute"] == pytest.approx(far["log10_compute"])
    width = [f.inverse(0.3, y)["log10_compute_ci_high"] - f.inverse(0.3, y)["log10_compute_ci_low"]
             for f in (plain, wide) for y in (2024.0, 2030.0)]
    assert width[2] > width[0] and width[3] / width[1] > width[2] / width[0]


def test_no_rate_error_or_an_own_rate_leaves_the_forecast_as_it_was():
    d = _panel(np.random.default_rng(1), n=90)
    a = Forecast(n_boot=0, rate=0.4).fit(d)
    b = Forecast(n_boot=0, rate=0.4, rate_se=0.0).fit(d)
    own = Forecast(n_boot=0, rate_se=0.3).fit(d)  # ignored: the rate is the benchmark's own
    assert own.rate_se is None
    for f in (b,):
        assert f.inverse(0.3, 2026.0) == a.inverse(0.3, 2026.0)


def test_borrowed_se_is_the_spread_of_the_shared_rate_draws():
    draws = np.random.default_rng(2).normal(0.4, 0.1, 5000)
    assert borrowed_se(CutoffContext(shared_rate=0.4, shared_draws=draws)) == pytest.approx(
        0.1, rel=0.05)
    assert borrowed_se(CutoffContext(shared_rate=0.4)) is None
    assert borrowed_se(CutoffContext(shared_rate=0.4, shared_draws=np.array([0.3]))) is None


def _benchmarks(rate: float, sd: float, seed: int = 3) -> list[pd.DataFrame]:
    rng = np.random.default_rng(seed)
    return [_panel(rng, n=60, rate=rate, sd=sd, benchmark=f"b{i}").assign(
        cluster=lambda t, i=i: [f"b{i}p{j // 3}" for j in range(len(t))]) for i in range(3)]


def test_a_shared_rate_is_borrowed_only_where_it_is_identified():
    got = shared_rate_before(_benchmarks(0.5, 0.02), n_boot=200, seed=0)
    assert got is not None and got[0] == pytest.approx(0.5, abs=0.15) and len(got[1]) == 200
    # no progress at all and noisy results: the interval includes zero, nothing is borrowed
    assert shared_rate_before(_benchmarks(0.0, 0.15), n_boot=200, seed=0) is None
    # without draws the point rate is returned as it was (no identification asked)
    point = shared_rate_before(_benchmarks(0.0, 0.15), n_boot=0)
    assert point is not None and point[1] is None


def test_answers_borrow_by_the_backtests_rule(monkeypatch):
    """outlook's shared rate is shared_rate_before's: the one function decides."""
    from computelimits.scaling import outlooks

    calls = []

    def fake(trains, *, n_boot=0, seed=0):
        calls.append((len(trains), n_boot))
        return None

    monkeypatch.setattr("computelimits.scaling.evaluation.rolling.shared_rate_before", fake)
    refs = {f"b{i}": t for i, t in enumerate(_benchmarks(0.5, 0.02))}
    assert outlooks._shared(refs, refs.pop("b0"), n_boot=300, seed=0) is None
    assert calls == [(3, 300)]


def test_the_evaluation_does_not_depend_on_the_order_of_the_benchmarks():
    """What is pooled across benchmarks (the shared rate's bootstrap, the calibration) is
    computed in one order, so the question asked (whose benchmark an answer's evaluation
    lists last) never changes the evaluation or the default it chooses."""
    from computelimits.scaling.evaluation.rolling import rolling_origin

    sets = {f"b{i}": t for i, t in enumerate(_benchmarks(0.5, 0.03, seed=8))}
    order = ["b2", "b0", "b1"]
    a = rolling_origin(sets, n_boot=0, step_months=6, models=("hybrid", "time"))
    b = rolling_origin({k: sets[k] for k in order}, n_boot=0, step_months=6,
                       models=("hybrid", "time"))
    key = ["model", "benchmark", "cutoff", "result_id"]
    cols = ["predicted_log10_compute", "log10_compute_pred_ci_low", "in_inverse"]
    a = a.sort_values(key).reset_index(drop=True)[key + cols]
    b = b.sort_values(key).reset_index(drop=True)[key + cols]
    pd.testing.assert_frame_equal(a, b)
    assert len(a) and a["predicted_log10_compute"].notna().any()
