"""The benchmark's own rate's interval is Fieller's: it lies above zero exactly when the rate
is identified (one rule for what is printed and what is answered), and it is the set of
rates the t test does not reject."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _helpers import panel
from computelimits.scaling.forecast import Forecast


def _fit(seed: int, rate: float, sd: float, n: int) -> Forecast:
    d = panel(np.random.default_rng(seed), n=n, rate=rate, sd=sd)
    d = d[d["error"] < 1].assign(cluster=lambda t: [f"p{i // 3}" for i in range(len(t))])
    return Forecast(n_boot=0, interval="bootstrap").fit(d.reset_index(drop=True))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), rate=st.floats(-0.5, 1.0), sd=st.floats(0.01, 0.3),
       n=st.integers(20, 80))
def test_the_interval_lies_above_zero_exactly_when_the_rate_is_identified(seed, rate, sd, n):
    fc = _fit(seed, rate, sd, n)
    lo, hi = fc.rate_conf_int()
    assert (lo > 0 and math.isfinite(hi)) == fc.rate_identified_
    if math.isfinite(lo):
        assert lo <= fc.rate_ <= hi


def test_the_interval_is_the_set_the_t_test_does_not_reject():
    fc = _fit(7, 0.4, 0.05, 60)
    lo, hi = fc.rate_conf_int()
    assert math.isfinite(lo) and math.isfinite(hi)
    _, b, c = fc.abc_
    cov = fc.fit_.cov_cluster_
    t = stats.t.ppf(0.975, fc.fit_.n_clusters_ - 1)
    grid = np.linspace(lo - 1, hi + 1, 4001)
    var = cov[2, 2] - 2 * grid * cov[1, 2] + grid ** 2 * cov[1, 1]
    inside = (c - grid * b) ** 2 <= t ** 2 * var
    step = grid[1] - grid[0]
    assert abs(grid[inside].min() - lo) <= step and abs(grid[inside].max() - hi) <= step


def test_a_fixed_rate_keeps_its_draws_percentiles():
    d = panel(np.random.default_rng(1), n=60)
    d = d[d["error"] < 1]
    draws = np.random.default_rng(2).normal(0.4, 0.1, 4000)
    fc = Forecast(n_boot=0, rate=0.4, rate_draws=draws).fit(d)
    assert fc.rate_conf_int() == tuple(np.percentile(draws, [2.5, 97.5]))
    assert pd.notna(fc.to_dict()["rate_ci_low"])


def test_a_fixed_rate_is_identified_only_where_its_interval_lies_above_zero():
    """The same rule for a borrowed or shrunk rate as for the benchmark's own: a fixed rate
    whose normal interval reaches zero answers nothing away from the data (an answer falls
    back to the hybrid model, as its backtests do)."""
    d = panel(np.random.default_rng(3), n=60)
    d = d[d["error"] < 1]
    assert not Forecast(n_boot=0, rate=0.1, rate_se=0.1).fit(d).rate_identified_
    assert Forecast(n_boot=0, rate=0.1, rate_se=0.02).fit(d).rate_identified_
    assert Forecast(n_boot=0, rate=0.1).fit(d).rate_identified_  # no error given
    assert not Forecast(n_boot=0, rate=-0.1, rate_se=0.01).fit(d).rate_identified_
