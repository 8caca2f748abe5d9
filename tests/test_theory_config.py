from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelimits.errors import ConfigError
from computelimits.theory import TheoryConfig, log_grid


def test_default_grid_spans_10_to_100000_on_a_log_grid():
    cfg = TheoryConfig()
    assert cfg.n_grid[0] == 10 and cfg.n_grid[-1] == 100_000
    assert cfg.p in cfg.n_grid  # the interpolation peak is on the grid
    ratios = [b / a for a, b in zip(cfg.n_grid, cfg.n_grid[1:], strict=False)]
    assert all(2.0 < r < 2.4 for r in ratios)


@given(st.integers(1, 10_000), st.integers(0, 4), st.integers(1, 6))
def test_log_grid_is_increasing_and_includes_both_ends(n_min, decades, per_decade):
    n_max = n_min * 10**decades
    grid = log_grid(n_min, n_max, per_decade)
    assert grid[0] == n_min and grid[-1] == n_max
    assert all(b > a for a, b in itertools.pairwise(grid))
    assert len(grid) <= decades * per_decade + 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"k": 20, "p": 10}, "k must be smaller than p"),
        ({"k": 10, "p": 10}, "k must be smaller than p"),
        ({"snr": 0.0}, "snr must be a positive"),
        ({"snr": -1.0}, "snr must be a positive"),
        ({"snr": math.nan}, "snr must be a positive"),
        ({"n_grid": ()}, "grid is empty"),
        ({"n_grid": (100, 50)}, "strictly increasing"),
        ({"n_grid": (3, 50)}, "at least the number of cross-validation folds"),
        ({"reps": 0}, "reps must be at least 1"),
        ({"penalty": "ridge"}, "penalty must be"),
        ({"magnitude_low": 0.0}, "magnitudes"),
    ],
)
def test_bad_settings_raise_config_error(changes, message):
    with pytest.raises(ConfigError, match=message):
        TheoryConfig(**changes)


def test_universal_penalty_allows_samples_smaller_than_folds():
    cfg = TheoryConfig(penalty="universal", n_grid=(2, 10))
    assert cfg.n_grid == (2, 10)


def test_quick_setting_puts_n_equal_p_on_the_grid():
    cfg = TheoryConfig.quick()
    assert cfg.p in cfg.n_grid
    assert cfg.to_dict()["n_grid"] == list(cfg.n_grid)
