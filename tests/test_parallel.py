"""Results do not depend on how many workers ran them, nor on where."""

from __future__ import annotations

import pandas as pd
import pytest

from computelimits.errors import ConfigError
from computelimits.parallel import run_tasks
from computelimits.theory import TheoryConfig, simulate

CFG = TheoryConfig(p=40, k=4, n_grid=(10, 40, 200), reps=6, seed=9)
COMPARE = ["model", "n", "rep", "nmse", "performance", "flop", "method", "alpha", "nonzero"]


def _square(x: int) -> int:
    return x * x


def test_run_tasks_keeps_task_order():
    seen = []
    out = run_tasks(_square, [(i,) for i in range(7)], workers=2, on_done=seen.append)
    assert out == [i * i for i in range(7)]
    assert sorted(seen) == list(range(7))


def test_run_tasks_rejects_zero_workers():
    with pytest.raises(ConfigError):
        run_tasks(_square, [(1,)], workers=0)


@pytest.fixture(scope="module")
def local_runs():
    return simulate(CFG, workers=1).runs


def test_same_seed_same_results_whatever_the_number_of_workers(local_runs):
    two = simulate(CFG, workers=2).runs
    three = simulate(CFG, workers=3).runs
    pd.testing.assert_frame_equal(local_runs[COMPARE], two[COMPARE])
    pd.testing.assert_frame_equal(local_runs[COMPARE], three[COMPARE])


def test_a_different_seed_gives_different_results(local_runs):
    other = simulate(CFG.replace(seed=10), workers=1).runs
    assert not local_runs["nmse"].equals(other["nmse"])


def test_a_real_dask_cluster_on_loopback_gives_the_local_results(local_runs):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = simulate(CFG, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local_runs[COMPARE], result.runs[COMPARE])
    assert result.scheduler == cluster.scheduler_address


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        simulate(CFG.replace(reps=1), scheduler="tcp://127.0.0.1:9")
