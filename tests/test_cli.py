"""The command line, run as a user would: a separate process, files on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from computelimits.theory import TheoryResult

# the console script installed beside this interpreter, as a user would type it
_SCRIPT = Path(sys.executable).with_name("computelimits")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="120")
    return subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600)


def test_help_teaches_with_an_example():
    top = run("--help")
    assert top.returncode == 0 and "simulate" in top.stdout
    sim = run("simulate", "--help")
    assert sim.returncode == 0
    for word in ("--quick", "--materialize", "--scheduler", "--workers", "--json", "Example"):
        assert word in sim.stdout


def test_simulate_quick_writes_every_output(tmp_path):
    out = tmp_path / "quick"
    res = run("simulate", "--quick", "--workers", "2", "--out", str(out))
    assert res.returncode == 0, res.stderr
    for name in ("runs.csv", "summary.csv", "config.json", "figure.png", "figure.svg"):
        assert (out / name).stat().st_size > 0, name
    runs = pd.read_csv(out / "runs.csv")
    assert list(runs.columns[:7]) == ["model", "n", "rep", "nmse", "performance", "flop",
                                      "seconds"]
    summary = pd.read_csv(out / "summary.csv")
    assert {"performance_ci_low", "performance_ci_high", "flop_mean", "seconds_mean"} <= set(
        summary.columns)
    assert (out / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (out / "figure.svg").read_text()[:500]
    meta = json.loads((out / "config.json").read_text())
    assert meta["config"]["p"] == 100 and meta["mode"] == "sufficient-statistics"
    assert "minimum-norm" in res.stdout
    loaded = TheoryResult.load(out)
    assert len(loaded.runs) == len(runs)


def test_simulate_json_and_options(tmp_path):
    res = run("simulate", "--p", "30", "--k", "3", "--n", "10,40,100", "--reps", "3",
              "--workers", "1", "--penalty", "universal", "--json", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["config"]["n_grid"] == [10, 40, 100]
    assert payload["config"]["penalty"] == "universal"
    assert len(payload["summary"]) == 4 * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "20", "--p", "10"], "k must be smaller than p"),
        (["--snr", "0"], "snr must be a positive"),
        (["--snr", "-2"], "snr must be a positive"),
        (["--n", ""], "grid is empty"),
        (["--n", "10,abc"], "comma-separated integers"),
        (["--n-min", "100", "--n-max", "10"], "n_min <= n_max"),
        (["--reps", "0"], "reps must be at least 1"),
        (["--workers", "0", "--quick"], "workers must be at least 1"),
    ],
)
def test_bad_options_give_one_line_and_exit_code_2(tmp_path, args, message):
    res = run("simulate", "--out", str(tmp_path / "x"), *args)
    assert res.returncode == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert message in lines[0]
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "x" / "runs.csv").exists()


def test_existing_results_survive_a_failed_run(tmp_path):
    out = tmp_path / "keep"
    out.mkdir()
    (out / "runs.csv").write_text("precious\n")
    res = run("simulate", "--out", str(out), "--snr", "-1")
    assert res.returncode == 2
    assert (out / "runs.csv").read_text() == "precious\n"
