"""The dollars and CO2 of an answer carry every uncertainty its compute interval carries
(:func:`computelimits.scaling.outlooks._costs`): the draws of a fixed rate of algorithmic
progress, and the widening for a level shift of the newest results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from computelimits.scaling import outlooks
from computelimits.scaling.dataset import Selection
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.forms import FORMS

#: The fixed rate of the forecasts below (orders of magnitude per year) and its draws.
RATE = 0.4
SD = 0.15  # wide, yet the rate stays identified (its 95% interval above zero)
WIDE = np.random.default_rng(5).normal(RATE, SD, 2000)
POINT = np.full(2000, RATE)


@pytest.fixture
def fixed_prices(monkeypatch):
    """Every cost input fixed but a spread of observed prices (no data read): log10 dollars
    are log10 compute plus an independent price draw."""
    from computelimits.scaling import costs, extrapolation

    real = costs.cost_over_time
    prices = np.random.default_rng(1).lognormal(math.log(1e-18), 0.5, 50)

    def priced(*args, **kw):
        kw.update(usd_per_peak_flop=prices, growth=0.1, utilization=0.35, pue=1.2,
                  grid_gco2e_per_kwh=400.0, chip_tdp_w=700.0, chip_peak_flop_per_s=1e15)
        return real(*args, **kw)

    monkeypatch.setattr(costs, "cost_over_time", priced)
    monkeypatch.setattr(extrapolation, "latest_price_year", lambda **kw: 2025)


def _rows(seed: int = 0, n: int = 80) -> pd.DataFrame:
    """Regression rows, one paper each: log10 error = −0.6 − 0.1·(log10 C − 22 + 0.4·(year
    − 2015)) + noise (sd 0.03), compute unrelated to the date (so the rate is not
    confounded with the compute slope)."""
    rng = np.random.default_rng(seed)
    year = np.sort(rng.uniform(2016.0, 2023.0, n))
    x = rng.uniform(18.0, 26.0, n)
    y = -0.6 - 0.1 * (x - 22 + RATE * (year - YEAR0)) + rng.normal(0, 0.03, n)
    d = pd.DataFrame({"benchmark": "b0", "error": 10 ** y, "log10_compute": x, "year": year,
                      "cluster": [f"p{i}" for i in range(n)], "chance_error": 0.75})
    d.attrs = {"selection": Selection(benchmark="b0", kind="training", precision=None,
                                      setting=None, scale="error", chance_error=0.75,
                                      chance_basis="test", n=n), "attribution": []}
    return d


def _mean_error(d: pd.DataFrame) -> float:
    """The error at the rows' mean log10 error: there the refitted lines all pass, so a
    draw r' of the rate moves the compute by exactly −(r' − r)·(date − mean date)."""
    return float(10 ** np.log10(d["error"].to_numpy(float)).mean())


def _pooled(d: pd.DataFrame, draws: np.ndarray, **kw) -> outlooks.Outlook:
    return outlooks.outlook(data=d, target_error=_mean_error(d), date="2025-01-01",
                            n_boot=300, n_draws=2000, trust=False, model="pooled",
                            shared_rate=(RATE, draws), seed=0, max_interval_oom=40, **kw)


def _oom(r: dict, q: str) -> float:
    """Width of a cost row's interval of ``q`` in orders of magnitude."""
    if q == "log10_compute":
        return r["log10_compute_ci_high"] - r["log10_compute_ci_low"]
    return math.log10(r[f"{q}_ci_high"] / r[f"{q}_ci_low"])


def test_the_refit_rule_is_a_refit_and_pinned_at_the_data():
    d = _rows()
    fc = Forecast(rate=RATE, n_boot=0).fit(d)
    e, year = 0.05, 2026.0
    y = float(FORMS["polynomial"].transform(np.array([e]))[0])
    rates = np.array([0.1, RATE, 0.7])
    x, b = outlooks._refit_compute(fc, y, year, rates)
    for r, xi, bi in zip(rates, x, b, strict=True):
        g = Forecast(rate=float(r), n_boot=0).fit(d)
        assert xi == pytest.approx(g.inverse(e, year)["log10_compute"], abs=1e-9)
        assert bi == pytest.approx(g.abc_[1], rel=1e-9)
    # at the rows' mean transformed error the level is pinned: the first-order rule holds
    y_bar = float(np.log10(d["error"].to_numpy(float)).mean())
    t_bar = float(d["year"].mean())
    x, _ = outlooks._refit_compute(fc, y_bar, year, rates)
    assert x - x[1] == pytest.approx(-(rates - RATE) * (year - t_bar), abs=1e-9)


def test_a_fixed_rate_s_draws_widen_the_costs(fixed_prices):
    d = _rows()
    wide, point = _pooled(d, WIDE), _pooled(d, POINT)
    assert wide.forecast["rate_ci_high"] - wide.forecast["rate_ci_low"] > 0.5
    assert point.forecast["rate_ci_low"] == point.forecast["rate_ci_high"] == RATE
    # the printed compute answer is the same at its centre; its interval carries the rate's
    # standard error too (Forecast(rate_se=…): wider the farther the date from the data)
    assert wide.inverse["log10_compute"] == pytest.approx(point.inverse["log10_compute"])
    assert wide.inverse["log10_compute_ci_low"] < point.inverse["log10_compute_ci_low"]
    assert wide.costs["rate_draws"] == len(WIDE) and point.costs["rate_draws"] == 0
    years_after = [2025.0 - float(d["year"].mean()) + h for h in (0, 1, 2)]
    for rw, rp, after in zip(wide.costs["table"], point.costs["table"], years_after,
                             strict=True):
        # at least the rate's own spread, ±1.96·SD per year over the years since the
        # data's mean date (the other spreads add to it)
        assert _oom(rw, "usd") >= 0.9 * 2 * 1.96 * SD * after
        assert rw["usd_ci_high"] / rw["usd_ci_low"] > 10 * rp["usd_ci_high"] / rp["usd_ci_low"]
        # symmetric draws of the rate about the point: the medians agree (Monte Carlo noise)
        assert math.log10(rw["usd_median"] / rp["usd_median"]) == pytest.approx(0, abs=0.15)
        assert rw["log10_compute_median"] == pytest.approx(rp["log10_compute_median"],
                                                           abs=0.15)
    assert "draws of the fixed rate" in wide.costs["note"]
    assert "no draws of it" in point.costs["note"]
    rate = next(a for a in wide.costs["assumptions"] if a["name"] == "progress_rate")
    assert rate["low"] < RATE - 0.2 and rate["high"] > RATE + 0.2
    assert "2,000 draws of the fixed rate" in rate["source"]


def test_the_costs_are_seeded():
    d = _rows()
    fc = Forecast(rate=RATE, rate_draws=WIDE, n_boot=200).fit(d)
    boot = fc._boot_abc()
    x_t = np.zeros(len(boot))
    y = float(np.log10(_mean_error(d)))
    a = outlooks._fixed_rate_draws(fc, x_t, y, 2025.0, 3)
    b = outlooks._fixed_rate_draws(fc, x_t, y, 2025.0, 3)
    c = outlooks._fixed_rate_draws(fc, x_t, y, 2025.0, 4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    assert len(a[1]) == len(boot) and set(a[1]) <= set(WIDE)


@pytest.mark.parametrize("draws", [POINT, WIDE], ids=["point rate", "rate draws"])
def test_a_level_shift_widens_the_costs_as_much_as_the_compute(fixed_prices, monkeypatch,
                                                                draws):
    d = _rows(seed=1)
    base = _pooled(d, draws)
    test = {"tested": True, "detected": True, "m": 4, "window": 2022.75, "shift": 0.2,
            "f": 30.0, "df": (4.0, 72), "pvalue": 1e-6}
    monkeypatch.setattr(outlooks, "shift_widening", lambda data, form: (test, 0.2))
    o = _pooled(d, draws)
    dx = 0.2 / abs(o.forecast["slope"])
    assert o.inverse["widened_for_shift_oom"] == pytest.approx(dx) and dx > 1.5
    printed = o.inverse["log10_compute_ci_high"] - o.inverse["log10_compute_ci_low"]
    first = o.costs["table"][0]  # bought at the date of the question
    # at least the printed interval (without the shift's widening: about 2·dx narrower);
    # the dollars add the price's spread
    assert _oom(first, "log10_compute") >= printed - 1e-9
    assert _oom(first, "usd") >= printed - 1e-9
    assert o.costs["widened_for_shift_oom"] == pytest.approx(dx)
    assert "level shift" in o.costs["note"]
    assert base.costs["widened_for_shift_oom"] == 0
    if draws is POINT:  # at each buy date: the calibrated interval there, plus 2·dx
        assert min(base.costs["widening_by_buy_date"]) > 1
        for r, r0 in zip(o.costs["table"], base.costs["table"], strict=True):
            assert _oom(r, "log10_compute") >= _oom(r0, "log10_compute") + 2 * dx - 1e-9
            assert _oom(r, "log10_compute") == pytest.approx(
                _oom(r0, "log10_compute") + 2 * dx, rel=0.01)
            assert _oom(r, "usd") > _oom(r0, "usd") + 1.5 * dx
    assert "level shift" not in base.costs["note"]


def test_the_benchmark_s_own_rate_stays_paired_with_its_lines(fixed_prices):
    d = _rows(seed=2)
    o = outlooks.outlook(data=d, target_error=_mean_error(d), date="2025-01-01", n_boot=300,
                         n_draws=2000, trust=False, model="time", seed=0)
    assert o.forecast["rate_source"] == "benchmark"
    assert o.costs["rate_draws"] > 250
    assert "own rate" in o.costs["note"]
    printed = o.inverse["log10_compute_ci_high"] - o.inverse["log10_compute_ci_low"]
    assert _oom(o.costs["table"][0], "log10_compute") >= printed - 1e-9
