"""Results do not depend on how many workers ran them, nor on where."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from computelimits import parallel
from computelimits.errors import ConfigError
from computelimits.parallel import WORKER_START_S, in_process, run_tasks
from computelimits.theory import TheoryConfig, simulate
from computelimits.theory.experiment import estimated_seconds

CFG = TheoryConfig(p=40, k=4, n_grid=(10, 40, 200), reps=6, seed=9)
COMPARE = ["model", "n", "rep", "nmse", "performance", "flop", "method", "alpha", "nonzero"]


def _square(x: int) -> int:
    return x * x


def _pid(_: int) -> int:
    return os.getpid()


@pytest.fixture
def always_spawn(monkeypatch):
    """Make starting workers look free, so that small test runs do use the process pool."""
    monkeypatch.setattr(parallel, "WORKER_START_S", 0.0)


def test_run_tasks_keeps_task_order():
    seen = []
    out = run_tasks(_square, [(i,) for i in range(7)], workers=2, on_done=seen.append)
    assert out == [i * i for i in range(7)]
    assert sorted(seen) == list(range(7))


def test_run_tasks_rejects_zero_workers():
    with pytest.raises(ConfigError):
        run_tasks(_square, [(1,)], workers=0)


def test_small_work_runs_in_this_process_and_large_work_on_workers():
    # w workers finish after about WORKER_START_S + cost/w: worth it above cost = S·w/(w−1)
    assert in_process(10, 2, 0.5) and in_process(10, 2, 2 * WORKER_START_S)
    assert not in_process(10, 2, 2 * WORKER_START_S + 0.01)
    assert in_process(10, 4, 1.3 * WORKER_START_S)
    assert not in_process(10, 4, 1.4 * WORKER_START_S)
    assert in_process(1, 8, 1e6) and in_process(10, 1, 1e6)  # one task or one worker
    assert not in_process(10, 2, None)  # unknown cost: use the workers
    pids = run_tasks(_pid, [(i,) for i in range(4)], workers=2, cost_s=0.01)
    assert set(pids) == {os.getpid()}
    pids = run_tasks(_pid, [(i,) for i in range(4)], workers=2, cost_s=100.0)
    assert os.getpid() not in pids


def test_the_decision_follows_the_estimated_work_not_the_task_count():
    quick, default = TheoryConfig.quick(), TheoryConfig()
    assert estimated_seconds(quick) < 2 * WORKER_START_S  # quick: in process on 2 workers
    assert estimated_seconds(default) > 20  # default: on workers
    # same task count, very different work
    assert estimated_seconds(default.replace(reps=quick.reps)) > 10 * estimated_seconds(quick)
    wide = quick.replace(p=1000, k=10)  # same tasks, 10x the features: goes to the workers
    assert estimated_seconds(wide) > 10 * estimated_seconds(quick)
    assert not in_process(wide.reps, 2, estimated_seconds(wide))
    res = simulate(quick, workers=2, cache=False)
    assert res.workers == 1  # ran in this process


def test_workers_do_not_re_run_the_parents_main_script(tmp_path):
    # The worker would print MAIN-IMPORTED if spawn re-ran this script as __mp_main__.
    script = tmp_path / "main.py"
    script.write_text(textwrap.dedent("""
        print("MAIN-IMPORTED", flush=True)
        from computelimits.parallel import run_tasks
        from computelimits.theory.sampling import fold_sizes
        if __name__ == "__main__":
            out = run_tasks(fold_sizes, [(10, 3), (11, 3)], workers=2, cost_s=None)
            assert [list(o) for o in out] == [[4, 3, 3], [4, 4, 3]]
    """))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.count("MAIN-IMPORTED") == 1


def test_a_worker_imports_neither_the_plotting_nor_the_command_line_stack():
    code = ("import sys, computelimits.theory.replication\n"
            "heavy = ['matplotlib', 'pandas', 'statsmodels', 'rich', 'typer', 'scipy.stats',\n"
            "         'computelimits.cli', 'computelimits.theory.experiment']\n"
            "print([m for m in heavy if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def local_runs():
    return simulate(CFG, workers=1, cache=False).runs


def test_same_seed_same_results_whatever_the_number_of_workers(local_runs, always_spawn):
    two = simulate(CFG, workers=2, cache=False)
    three = simulate(CFG, workers=3, cache=False)
    from computelimits.parallel import available_cores

    # really on worker processes; more than the cores are capped at the cores
    assert (two.workers, three.workers) == (min(2, available_cores()), min(3, available_cores()))
    pd.testing.assert_frame_equal(local_runs[COMPARE], two.runs[COMPARE])
    pd.testing.assert_frame_equal(local_runs[COMPARE], three.runs[COMPARE])


def test_a_different_seed_gives_different_results(local_runs):
    other = simulate(CFG.replace(seed=10), workers=1, cache=False).runs
    assert not local_runs["nmse"].equals(other["nmse"])


def test_a_real_dask_cluster_on_loopback_gives_the_local_results(local_runs):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = simulate(CFG, scheduler=cluster.scheduler_address, cache=False)
    pd.testing.assert_frame_equal(local_runs[COMPARE], result.runs[COMPARE])
    assert result.scheduler == cluster.scheduler_address


def test_an_unreachable_scheduler_is_a_clear_error_within_the_timeout(monkeypatch):
    import time

    from computelimits import parallel

    monkeypatch.setattr(parallel, "SCHEDULER_TIMEOUT_S", 2)
    t0 = time.perf_counter()
    with pytest.raises(ConfigError, match=r"cannot reach the Dask scheduler at "
                                          r"tcp://127\.0\.0\.1:9 within 2 s"):
        simulate(CFG.replace(reps=1), scheduler="tcp://127.0.0.1:9", cache=False)
    assert time.perf_counter() - t0 < 15


@pytest.mark.parametrize("address", ["garbage", "127.0.0.1:8786", "tcp://host", "tcp://:x",
                                     "http://a b:1"])
def test_a_malformed_scheduler_address_is_refused_before_connecting(address):
    with pytest.raises(ConfigError, match="is not a scheduler address"):
        simulate(CFG.replace(reps=1), scheduler=address, cache=False)


def test_workers_are_capped_at_the_cores():
    from computelimits.parallel import available_cores, worker_count

    assert worker_count(10_000) == available_cores()
    assert worker_count(1) == 1 and worker_count(None) == available_cores()
    with pytest.raises(ConfigError, match="at least 1"):
        worker_count(0)


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    code = ("import time\n"
            "from computelimits.parallel import run_tasks\n"
            "run_tasks(time.sleep, [(60,), (60,)], workers=2, cost_s=120)\n")
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        workers: list[str] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            out = subprocess.run(["pgrep", "-P", str(parent.pid), "-f", "multiprocessing"],
                                 capture_output=True, text=True).stdout.split()
            workers = [w for w in out
                       if b"spawn_main" in Path(f"/proc/{w}/cmdline").read_bytes()]
        assert len(workers) == 2, "the workers did not start"
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{w}") for w in workers):
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{w}") for w in workers)
