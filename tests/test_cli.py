"""The command line: the real entry point in a few separate processes (start-up, exit codes,
files on disk), everything else in-process (``invoke``, see conftest)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from _helpers import assert_one_line_error
from computelimits.theory import TheoryResult

#: Modules that make the start too slow; the command line imports them inside verbs only.
HEAVY = ("pandas", "numpy", "matplotlib", "statsmodels", "numba", "scipy", "dask",
         "distributed")


def test_help_teaches_with_an_example(run, invoke):
    top = run("--help")  # the installed entry point
    assert top.returncode == 0 and "simulate" in top.stdout
    sim = invoke("simulate", "--help")
    assert sim.returncode == 0
    for word in ("--quick", "--materialize", "--scheduler", "--workers", "--json", "Example"):
        assert word in sim.stdout


@pytest.mark.parametrize("args", [["--help"], ["fit", "--help"], ["data", "list", "--help"],
                                  ["extrapolate", "--bogus-option"], ["estimate", "--chips",
                                                                      "many"]])
def test_help_and_option_errors_import_nothing_heavy(args, run):
    """``--help`` and option errors answer without the numerical stack (fast start)."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['computelimits', *{args!r}]\n"
            "try:\n"
            "    runpy.run_module('computelimits', run_name='__main__')\n"
            "except SystemExit as exc:\n"
            "    code = exc.code\n"
            f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
            "print('HEAVY', heavy, 'CODE', code, file=sys.stderr)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("HEAVY [] CODE"), res.stderr
    assert last.endswith("CODE 0" if args[-1] == "--help" else "CODE 2"), res.stderr


def test_simulate_quick_writes_every_output(run, tmp_path):
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


def test_simulate_json_and_options(invoke, tmp_path):
    res = invoke("simulate", "--p", "30", "--k", "3", "--n", "10,40,100", "--reps", "3",
                 "--workers", "1", "--penalty", "universal", "--json", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["config"]["n_grid"] == [10, 40, 100]
    assert payload["config"]["penalty"] == "universal"
    assert len(payload["summary"]) == 4 * 3


def test_simulate_grid_options_keep_the_rest_of_the_configs_grid():
    """--n-min/--n-max/--per-decade change what they name; the rest is the base config's
    grid (TheoryConfig's default, or TheoryConfig.quick()'s)."""
    from computelimits.theory import TheoryConfig
    from computelimits.theory.grids import grid_bounds, resolve_grid

    default, quick = TheoryConfig().n_grid, TheoryConfig.quick().n_grid
    assert grid_bounds(default) == (10, 100_000, 3) and grid_bounds(quick) == (10, 10_000, 2)
    assert resolve_grid(default) is None and resolve_grid(quick) is None
    assert resolve_grid(quick, n_max=1000) == (10, 32, 100, 316, 1000)
    assert resolve_grid(default, n_min=100, per_decade=1) == (100, 1000, 10_000, 100_000)
    assert resolve_grid(default, n="5, 50,5e2", n_min=7) == (5, 50, 500)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "20", "--p", "10"], "k must be smaller than p"),
        (["--snr", "0"], "'--snr': 0 is out of range: allowed 0 < x"),
        (["--snr", "-2"], "'--snr': -2 is out of range"),
        (["--n", ""], "grid is empty"),
        (["--n", "10,abc"], "comma-separated integers"),
        (["--n-min", "100", "--n-max", "10"], "n_min <= n_max"),
        (["--reps", "0"], "'--reps': 0 is out of range: allowed 1 ≤ x"),
        (["--workers", "0", "--quick"], "'--workers': 0 is out of range: allowed 1 ≤ x"),
    ],
)
def test_bad_options_give_one_line_and_exit_code_2(invoke, tmp_path, args, message):
    res = invoke("simulate", "--out", str(tmp_path / "x"), *args)
    assert_one_line_error(res, message)
    assert not (tmp_path / "x" / "runs.csv").exists()


def test_existing_results_survive_a_failed_run(run, tmp_path):
    """The real entry point: exit code 2, one line, the earlier results untouched."""
    out = tmp_path / "keep"
    out.mkdir()
    (out / "runs.csv").write_text("precious\n")
    res = run("simulate", "--out", str(out), "--snr", "-1")
    assert_one_line_error(res, "'--snr': -1 is out of range")
    assert (out / "runs.csv").read_text() == "precious\n"


def test_usage_errors_exit_2_and_the_version_prints(invoke):
    bad = invoke("fit", "--bogus-option")
    assert bad.returncode == 2 and "No such option" in bad.stderr
    assert invoke("estimate", "--chips", "many").returncode == 2
    from computelimits import __version__

    v = invoke("--version")
    assert v.returncode == 0 and v.stdout.strip() == f"computelimits {__version__}"


def _commands() -> list[tuple[tuple[str, ...], object]]:
    """Every command and group of the command line, as (words after ``computelimits``,
    the click command), wherever its module defines it."""
    import typer.main

    from computelimits import cli

    found: list[tuple[tuple[str, ...], object]] = []

    def walk(cmd, path: tuple[str, ...]) -> None:
        found.append((path, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(typer.main.get_command(cli.app), ())
    return found


COMMANDS = _commands()


def _flat(text: str) -> str:
    """Help text with the panels' borders removed and whitespace collapsed, so that an
    option's help reads as one line however rich wrapped it."""
    for ch in "│╭╮╰╯─":
        text = text.replace(ch, " ")
    return " ".join(text.split())


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "top")
def test_every_help_shows_flags_as_flags_types_and_each_options_whole_help(path, invoke):
    """``--json``, ``--quick``, ``--help`` take no value, so no ``<bool>`` beside them; every
    option that takes a value shows its type; every option's help is printed whole (a
    ``[default: ...]`` in it is not swallowed as rich markup)."""
    import re

    from typer.core import TyperOption

    cmd = dict(COMMANDS)[path]
    res = invoke(*path, "--help")
    assert res.returncode == 0, res.stderr
    assert "<bool>" not in res.stdout
    lines = res.stdout.splitlines()
    flat = _flat(res.stdout)
    options = [p for p in cmd.params if isinstance(p, TyperOption) and not p.hidden]
    assert options or path == ("data",)
    for p in options:
        name = max(p.opts, key=len)
        start = rf"│ \*?\s*{re.escape(name)}\s"  # "*" marks a required option
        row = next((ln for ln in lines if re.search(start, ln)), None)
        assert row is not None, (path, name)
        typed = re.search(rf"{start}\s*(-\w\s+)?<", row)
        assert (typed is None) == p.is_flag, (path, name, row)
        if p.help:
            assert " ".join(p.help.replace("\\[", "[").split()) in flat, (path, name)


def test_verbs_with_a_default_output_write_under_results():
    """Outputs land in the git-ignored results/ folder unless the user says otherwise."""
    from pathlib import Path

    defaults = {" ".join(path): p.default for path, cmd in COMMANDS for p in cmd.params
                if p.name == "out" and p.default is not None}
    assert {"simulate", "reproduce"} <= set(defaults)
    for verb, default in defaults.items():
        assert Path(default).parts[0] == "results", (verb, default)


def test_simulate_writes_to_results_by_default(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke("simulate", "--quick", "--reps", "2", "--workers", "1", "--no-cache")
    assert res.returncode == 0, res.stderr
    written = sorted(str(f.relative_to(tmp_path)) for f in tmp_path.rglob("*") if f.is_file())
    assert written == [f"results/theory/{name}" for name in
                       (".computelimits-output", "config.json", "figure.png", "figure.svg",
                        "runs.csv", "summary.csv")]


def test_crosscheck_out_creates_its_folders(mirror, invoke, tmp_path):
    out = tmp_path / "results" / "checks" / "crosscheck.csv"
    res = invoke("crosscheck", "--out", str(out))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    assert {"compute", "cost", "power"} <= set(df["check"])


def test_help_starts_fast(run):
    """``computelimits --help`` stays under 0.5 s of CPU (the interpreter's start included)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = run("--help")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert res.returncode == 0
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 0.5, cpu
