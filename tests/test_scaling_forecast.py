"""Forecasts with time: a planted rate of algorithmic progress and slope are recovered, the
three questions agree with each other, and the calibrated intervals cover as promised on a
synthetic series they have not seen."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from computelimits.errors import ConfigError
from computelimits.scaling.evaluation import cutoff_grid, rolling_origin, summarize
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import Forecast, conformal_quantile

SLOPE, RATE = -0.1, 0.4  # log10 error per decade of compute; orders of magnitude per year


def history(rng, n=80, slope=SLOPE, rate=RATE, sd=0.03, start=2018.0, years=5.0,
            clusters=None, benchmark="mmlu"):
    """Results whose log10 error = −0.3 + slope·(log10 C − 22 + rate·(year − 2015)) + noise,
    compute spread around a rising frontier (so compute and date are not collinear)."""
    year = np.sort(rng.uniform(start, start + years, n))
    x = 20 + 0.5 * (year - start) + rng.uniform(-1.5, 1.5, n)
    y = -0.3 + slope * (x - 22 + rate * (year - YEAR0)) + rng.normal(0, sd, n)
    dates = pd.to_datetime([f"{int(v)}-01-01" for v in year]) + pd.to_timedelta(
        (year % 1) * 365, "D")
    g = np.arange(n) if clusters is None else np.arange(n) % clusters
    return pd.DataFrame({"benchmark": benchmark, "error": 10 ** y, "log10_compute": x,
                         "year": year, "date": dates, "cluster": [f"p{i}" for i in g],
                         "model": [f"m{i}" for i in range(n)]})


def test_planted_rate_and_slope_are_recovered_within_their_intervals():
    data = history(np.random.default_rng(1))
    fc = Forecast(n_boot=2000).fit(data)
    lo, hi = fc.rate_conf_int()
    assert lo <= RATE <= hi and hi - lo < 0.5
    ci = fc.fit_.conf_int().loc["log10_compute"]
    assert ci["ci_low"] <= SLOPE <= ci["ci_high"]
    assert fc.halving_months_ == pytest.approx(12 * math.log10(2) / fc.rate_)
    assert fc.identified_ and "orders of magnitude per year" in fc.summary()


def test_a_fixed_shared_rate_is_used_as_given():
    data = history(np.random.default_rng(2))
    fc = Forecast(rate=RATE, n_boot=500, rate_draws=np.array([0.3, 0.4, 0.5])).fit(data)
    assert fc.rate_ == RATE and fc.abc_[2] == pytest.approx(fc.abc_[1] * RATE)
    assert fc.abc_[1] == pytest.approx(SLOPE, abs=0.01)
    assert fc.rate_conf_int()[0] >= 0.3


def test_forward_inverse_and_frontier_agree():
    data = history(np.random.default_rng(3))
    fc = Forecast(n_boot=500).fit(data)
    inv = fc.inverse(0.2, 2024.0)
    fwd = fc.forward(10 ** inv["log10_compute"], 2024.0).iloc[0]
    assert fwd["error"] == pytest.approx(0.2, rel=1e-9)
    assert fwd["error_ci_low"] < 0.2 < fwd["error_ci_high"]
    assert inv["log10_compute_ci_low"] < inv["log10_compute"] < inv["log10_compute_ci_high"]
    # a year later the same error needs 10^rate × less compute
    later = fc.inverse(0.2, 2025.0)["log10_compute"]
    assert inv["log10_compute"] - later == pytest.approx(fc.rate_, rel=1e-9)
    f1, f2 = fc.frontier(2024.0, growth=0.5), fc.frontier(2026.0, growth=0.5)
    assert f2["error"] < f1["error"] and f2["log10_compute"] > f1["log10_compute"]
    with pytest.raises(ConfigError, match="chance"):
        fc.inverse(1.5, 2024.0)


def test_conformal_quantile_rank_and_small_sample_fallback():
    r = np.arange(1, 20, dtype=float)  # 19 errors: the 19th smallest is the 95% rank
    assert conformal_quantile(r, 0.05) == 19.0
    small = np.array([0.1, -0.1, 0.2, -0.2, 0.1])
    q = conformal_quantile(small, 0.05)
    assert math.isfinite(q) and q > 0.2  # t-based with the RMS, wider than the largest error
    assert conformal_quantile(np.array([0.3]), 0.05) == math.inf


def test_calibrated_intervals_cover_as_promised_out_of_sample():
    """A stationary synthetic series with known noise: forward 95% intervals of the time
    model cover ~95% of every later result over many cutoffs."""
    rng = np.random.default_rng(4)
    datasets = {f"b{k}": history(rng, n=120, benchmark=f"b{k}", sd=0.05) for k in range(3)}
    pred = rolling_origin(datasets, n_boot=200, step_months=6)
    s = summarize(pred)
    s = s[s["horizon"] == "all"].set_index(["benchmark", "target", "model"])
    pooled = s.loc[("pooled", "all", "time")]
    assert 0.88 <= pooled["forward_coverage"] <= 0.99
    assert pooled["cutoffs"] >= 5 and pooled["predictions"] > 500
    # with time in the model, inverse predictions beat the compute-only fit and the naive
    # baseline, which ignore algorithmic progress
    assert pooled["skill_vs_compute_only"] > 0 and pooled["skill_vs_naive"] > 0
    assert abs(pooled["inverse_bias_oom"]) < abs(
        s.loc[("pooled", "all", "compute_only"), "inverse_bias_oom"])


def test_cutoff_grid_needs_enough_history():
    data = history(np.random.default_rng(5), n=30)
    grid = cutoff_grid(data, min_train=12)
    assert grid and all(g.day == 1 and g.month in (1, 4, 7, 10) for g in grid)
    assert (data["date"] < grid[0]).sum() >= 12
    assert cutoff_grid(data.head(5), min_train=12) == []


@pytest.mark.parametrize(("coverage", "medae", "says"), [
    (0.93, 0.3, "read at face value"),
    (0.70, 0.3, "too narrow"),
    (1.00, 0.3, "wider than they needed"),
    (0.93, 0.8, "off by more than 3.2×"),
])
def test_trust_sentence_follows_the_goals(coverage, medae, says):
    from computelimits.scaling.outlooks import trust_sentence

    s = trust_sentence({"predictions": 10, "cutoffs": 2, "forward_coverage": coverage,
                        "inverse_medae_oom": medae}, None)
    assert says in s and f"{coverage:.0%}" in s
    if says != "read at face value":
        assert "face value" not in s
