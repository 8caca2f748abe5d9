"""`fit`, `extrapolate`, `trends` and `backtest` run as a user would, against the mirror."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

_SCRIPT = Path(sys.executable).with_name("computelimits")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits"]


def run(*args: str) -> subprocess.CompletedProcess:
    """The command in a new process, as a user runs it."""
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, COLUMNS="160"))


@dataclass
class _Result:
    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str) -> _Result:
    """The command in this process (typer's runner): the same code path without the start-up
    and the parsing of the data files again, which the data layer keeps per process."""
    from rich.console import Console
    from typer.testing import CliRunner

    from computelimits import cli

    runner = CliRunner()
    saved = cli.console, cli.err_console
    try:
        with runner.isolation(env={"COLUMNS": "160"}) as streams:
            out, err = streams[0], streams[1]
            cli.console = Console(width=160)
            cli.err_console = Console(stderr=True, width=160)
            try:
                rv = cli.app(list(args), standalone_mode=False)
                code = rv if isinstance(rv, int) else 0
            except SystemExit as exc:
                code = int(exc.code or 0)
            except Exception as exc:  # typer's exit and click's usage errors
                code = getattr(exc, "exit_code", 1)
                if hasattr(exc, "show"):
                    exc.show()
            sys.stdout.flush()
            sys.stderr.flush()
            text_out, text_err = out.getvalue().decode(), err.getvalue().decode()
        return _Result(code, text_out, text_err)
    finally:
        cli.console, cli.err_console = saved


def test_fit_prints_every_form_influence_and_sources(mirror):
    res = run("fit", "--benchmark", "hellaswag", "--n-boot", "500")
    assert res.returncode == 0, res.stderr
    for word in ("polynomial", "exponential", "logit", "influence:", "source: Epoch AI",
                 "compute kind training", "usable results per kind", "chance error"):
        assert word in res.stdout, word
    js = invoke("fit", "--benchmark", "mmlu", "--form", "polynomial", "--control-year",
             "--n-boot", "500", "--json")
    assert js.returncode == 0, js.stderr
    d = json.loads(js.stdout)
    f = d["fits"][0]
    assert f["n"] == d["n"] > 60 and f["slope"] < 0 and f["control_year"]
    sel = d["selection"]  # one kind, one setting, what was left out and why
    assert sel["kind"] == "training" and sel["setting"] == "few-shot"
    assert sum(sel["left_out"].values()) > 0 and f["identified"]
    assert f["slope_ci_low"] < f["slope"] < f["slope_ci_high"]
    assert "year_gain_per_year" in f and d["attribution"]


def test_extrapolate_json_marks_extrapolations_and_prices_them(mirror):
    res = invoke("extrapolate", "--benchmark", "hellaswag", "--target-error", "0.02",
              "--budget", "1e8", "--n-boot", "500", "--json", "--model", "compute-only")
    assert res.returncode == 0, res.stderr
    x = json.loads(res.stdout)
    assert x["is_extrapolation"] and x["orders_beyond_data"] > 0
    lo, hi = x["log10_compute_conf"]
    assert lo < x["log10_compute"] < hi
    assert x["usd"] > 0 and x["co2_kg"] > 0 and x["paper_usd"] > 0
    assert x["affordable_year"] >= x["price_year"]
    assert x["sources"] and any(a["name"] == "usd_per_flop" for a in x["assumptions"])
    bad = invoke("extrapolate", "--benchmark", "hellaswag", "--target-error", "1.5")
    assert bad.returncode == 2 and "target error" in bad.stderr


def test_extrapolate_time_model_answers_three_questions(mirror):
    res = invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.15", "--compute",
              "1e25", "--frontier", "--date", "2025-01-01", "--n-boot", "500", "--json")
    assert res.returncode == 0, res.stderr
    o = json.loads(res.stdout)
    assert o["date"] == "2025-01-01" and o["identified"]
    fc = o["forecast"]
    assert fc["rate_low"] < fc["rate_oom_per_year"] < fc["rate_high"]
    inv, fwd, fr = o["inverse"], o["forward"], o["frontier"]
    assert inv["low"] < inv["log10_compute"] < inv["high"]
    assert fwd["low"] < fwd["error"] < fwd["high"] <= 0.75  # never above MMLU's chance
    assert fr["error"] < fwd["error"] and fr["log10_compute"] > 25
    years = [r["buy_year"] for r in o["costs"]["table"]]
    assert years == sorted(years) and len(years) == 3
    usd = [r["usd_median"] for r in o["costs"]["table"]]
    assert usd[0] > usd[1] > usd[2] > 0  # algorithmic progress and cheaper hardware
    t = o["trust"]
    assert 0 <= t["pooled"]["forward_coverage"] <= 1 and "backtests" in t["sentence"]
    bad = invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.1", "--budget", "1e9")
    assert bad.returncode == 2 and "compute-only" in bad.stderr


def test_trends_json_and_backtest_table(mirror, tmp_path):
    res = invoke("trends", "--n-boot", "200", "--out", str(tmp_path / "t"))
    assert res.returncode == 0, res.stderr
    assert "explains" in res.stdout and (tmp_path / "t" / "figure.png").is_file()
    bt = invoke("backtest", "--benchmark", "hellaswag", "--cutoff", "2022-01-01", "--n-boot",
             "500", "--json")
    assert bt.returncode == 0, bt.stderr
    rows = json.loads(bt.stdout)
    assert len(rows) == 1 and rows[0]["benchmark"] == "hellaswag"
    assert rows[0]["n_test"] >= 1 and np.isfinite(rows[0]["median_abs_error_oom"])


@pytest.mark.parametrize("args", [["fit", "--benchmark", "imagenett"],
                                  ["fit", "--benchmark", "mmlu", "--form", "cubic"]])
def test_bad_scaling_options_are_one_line(args):
    res = run(*args)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
