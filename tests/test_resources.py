"""Memory checks before work (computelimits.resources, computelimits.theory.memory)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelimits import resources
from computelimits.errors import ComputeLimitsError, ResourceError
from computelimits.resources import check_memory, format_bytes
from computelimits.theory import TheoryConfig
from computelimits.theory.memory import replication_bytes, run_bytes
from computelimits.theory.replication import run_replication


def test_the_free_memory_is_read_and_plausible():
    free = resources.available_memory()
    assert free is None or 1 << 20 < free < 1 << 50


def test_a_run_that_does_not_fit_is_refused_with_both_numbers(monkeypatch):
    monkeypatch.setattr(resources, "available_memory", lambda: 24 * 2**30)
    with pytest.raises(ResourceError, match=r"needs about 373 GiB of memory and 24\.0 GiB is "
                                            r"free; use fewer.*--force") as info:
        check_memory(373 * 2**30, "this run", how_to_shrink="use fewer features")
    assert isinstance(info.value, ComputeLimitsError)
    check_memory(373 * 2**30, "this run", force=True)  # --force: tried anyway
    check_memory(10 * 2**30, "this run")  # fits


@pytest.mark.parametrize("n, text", [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"),
                                     (373 * 2**30, "373 GiB"), (2.5 * 2**40, "2.5 TiB")])
def test_format_bytes(n, text):
    assert format_bytes(n) == text


@settings(max_examples=60, deadline=None)
@given(st.integers(11, 5000), st.integers(2, 10), st.integers(20, 10**7), st.booleans(),
       st.integers(1, 10**6), st.integers(1, 64))
def test_the_estimate_grows_with_every_size(p, folds, n_max, materialize, reps, workers):
    cfg = TheoryConfig(p=p, k=min(10, p), folds=folds, n_grid=(10, n_max), reps=reps,
                       materialize=materialize)
    base = run_bytes(cfg, workers)
    assert base > 0
    assert run_bytes(cfg.replace(p=p + 1), workers) > base
    assert run_bytes(cfg.replace(reps=reps + 1), workers) > base
    assert run_bytes(cfg.replace(n_grid=(10, n_max + 1000)), workers) >= base
    assert run_bytes(cfg, workers + 1) >= base


@pytest.mark.parametrize("p, n_max, materialize, folds", [(600, 2000, False, 5),
                                                          (200, 20000, True, 5),
                                                          (500, 1000, False, 10)])
def test_the_estimate_is_not_below_the_measured_peak(p, n_max, materialize, folds):
    cfg = TheoryConfig(p=p, k=10, n_grid=(100, n_max), reps=1, materialize=materialize,
                       folds=folds)
    tracemalloc.start()
    try:
        run_replication(cfg, 0, np.random.SeedSequence(3).spawn(1)[0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 0.95 * peak <= replication_bytes(cfg) <= 2.0 * peak
