"""Shared fixtures. Results of expensive runs are computed once per session."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from computelimits.theory import TheoryConfig, simulate

#: Replications of the default-size run that the "what it must show" tests share.
DEFAULT_REPS = 24


@pytest.fixture(scope="session")
def default_result():
    """The default experiment (p = 1000, k = 10, SNR 1, n = 10..100,000) with fewer
    replications, on two local processes."""
    return simulate(TheoryConfig(reps=DEFAULT_REPS, seed=2020), workers=2)


@pytest.fixture(scope="session")
def quick_result():
    return simulate(TheoryConfig.quick(seed=5), workers=1)


@pytest.fixture(scope="session")
def mirror():
    """The shared data mirror named by COMPUTELIMITS_DATA (the README's test command sets it)."""
    import os
    from pathlib import Path

    value = os.environ.get("COMPUTELIMITS_DATA")
    if not value or not Path(value).is_dir():
        pytest.skip("COMPUTELIMITS_DATA does not name the shared data mirror")
    return Path(value)
