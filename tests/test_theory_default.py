"""What the default experiment must show (p = 1000, k = 10, SNR 1, n = 10..100,000).

These run the real code at full size with 24 replications (the shipped default is 100).
"""

from __future__ import annotations

import numpy as np
import pytest

from computelimits.theory import MODELS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def perf(default_result):
    return default_result.table("performance_mean")


@pytest.fixture(scope="module")
def summary(default_result):
    return default_result.to_frame().set_index(["model", "n"])


def test_every_model_and_sample_size_is_there(default_result):
    runs = default_result.runs
    cfg = default_result.config
    assert len(runs) == len(MODELS) * len(cfg.n_grid) * cfg.reps
    assert np.isfinite(runs[["nmse", "performance", "flop", "seconds"]].to_numpy()).all()
    assert (runs["flop"] > 0).all() and (runs["nmse"] > 0).all()


@pytest.mark.parametrize("n", [46, 100])
def test_oracle_and_expert_beat_flexible_and_regularized_on_small_samples(summary, n):
    hand = min(summary.loc[("oracle", n), "performance_ci_low"],
               summary.loc[("expert", n), "performance_ci_low"])
    flex = max(summary.loc[("flexible", n), "performance_ci_high"],
               summary.loc[("regularized", n), "performance_ci_high"])
    assert hand > flex


def test_least_squares_on_k_features_is_too_noisy_below_2k(perf):
    # n = 10 = k: the Oracle's square system interpolates noise; shrinking models do better
    assert perf.loc[10, "oracle"] < 0
    assert perf.loc[10, "oracle"] < perf.loc[10, "regularized"]
    assert perf.loc[10, "oracle"] < perf.loc[10, "flexible"]


def test_expert_plateaus_while_regularized_keeps_rising(perf):
    assert perf.loc[100_000, "expert"] - perf.loc[10_000, "expert"] < 0.05
    assert perf.loc[100_000, "regularized"] - perf.loc[10_000, "regularized"] > 0.5
    assert perf.loc[100_000, "oracle"] - perf.loc[10_000, "oracle"] > 0.8


def test_regularized_then_flexible_overtake_the_expert(perf):
    def first_overtake(model):
        ahead = perf[model] > perf["expert"]
        later = [n for n in perf.index if n >= 100 and ahead[n]]
        # once ahead, stays ahead for the rest of the grid
        assert later and all(ahead[n] for n in perf.index if n >= later[0])
        return later[0]

    n_reg = first_overtake("regularized")
    n_flex = first_overtake("flexible")
    assert n_reg < n_flex <= 100_000


def test_flexible_and_regularized_use_100x_the_flop_of_oracle_and_expert(default_result):
    flop = default_result.table("flop_mean")
    hand = flop[["oracle", "expert"]].max(axis=1)
    assert (flop["flexible"] >= 100 * hand).all()
    assert (flop["regularized"] >= 100 * hand).all()


def test_the_interpolation_peak_is_visible_and_its_averages_stay_finite(summary, perf):
    p = 1000
    assert perf.loc[p, "flexible"] < perf.loc[464, "flexible"] - 1.0
    assert perf.loc[p, "flexible"] < perf.loc[2154, "flexible"] - 1.0
    row = summary.loc[("flexible", p)]
    assert np.isfinite([row.performance_ci_low, row.performance_ci_high]).all()
    assert row.performance_ci_high - row.performance_ci_low < 1.0
    assert "minimum-norm" in row.method
    assert "Cholesky" in summary.loc[("flexible", 2154), "method"]
