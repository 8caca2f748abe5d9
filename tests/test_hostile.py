"""Hostile input, verb by verb: every case ends as the package promises — one line naming the
option, file, row or column and exit code 2, never a traceback, never exit 0 with a wrong or
meaningless number. One parametrized table per verb; in-process (typer's runner)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _helpers import assert_one_line_error

H100 = ["--chip", "H100 SXM5 80GB", "--chips", "8", "--hours", "10"]

SIMULATE = [
    (["--p", "1e400"], "'--p': '1e400' is not an integer"),
    (["--p", "100000"], "needs about"),
    (["--p", "30000"], "needs about"),
    (["--n", "10,100000000", "--p", "100", "--k", "5", "--materialize"], "needs about"),
    (["--reps", "1000000000"], "'--reps'"),
    (["--folds", "0"], "'--folds': 0 is out of range"),
    (["--seed", "-1"], "'--seed': -1 is out of range"),
    (["--n", "10.7,20.9"], "'10.7' is not a whole number"),
    (["--n", "1e400"], "is not a whole number"),
    (["--snr", "nan"], "'--snr': nan is not a finite number"),
    (["--snr", "inf"], "'--snr': inf is not a finite number"),
    (["--workers", "-3"], "'--workers': -3 is out of range"),
    (["--per-decade", "0"], "'--per-decade': 0 is out of range"),
    (["--patience", "-1"], "'--patience': -1 is out of range"),
    (["--penalty", "bogus"], "penalty"),
    (["--scheduler", "garbage"], "is not a scheduler address"),
    (["--quick", "--bogus"], "No such option: --bogus"),
]

ESTIMATE = [
    (["--flop", "-1"], "'--flop': -1 is out of range: allowed 0 < x"),
    (["--flop", "nan"], "'--flop': nan is not a finite number"),
    (["--flop", "inf"], "'--flop': inf is not a finite number"),
    (["--flop", "0"], "'--flop': 0 is out of range"),
    (["--flop", "1e400"], "'--flop': inf is not a finite number"),
    (["--flop", "1e24", "--zone", "FR"], "--zone has no effect without --chip"),
    (["--flop", "1e24", "--pue", "1.2"], "--pue has no effect without --chip"),
    (["--flop", "1e24", "--usd-per-chip-hour", "2"], "has no effect"),
    ([*H100, "--utilization", "1.5"], "'--utilization': 1.5 is out of range: allowed 0 < x ≤ 1"),
    ([*H100, "--utilization", "-0.3"], "'--utilization': -0.3 is out of range"),
    ([*H100, "--usd-per-chip-hour", "-1"], "'--usd-per-chip-hour': -1 is out of range"),
    ([*H100, "--pue", "nan"], "'--pue': nan is not a finite number"),
    ([*H100, "--pue", "0.5"], "'--pue': 0.5 is out of range: allowed 1 ≤ x"),
    ([*H100, "--dollars-year", "1e400"], "'--dollars-year': '1e400' is not an integer"),
    (["--chip", "H100 SXM5 80GB", "--chips", "-8", "--hours", "10"],
     "'--chips': -8 is out of range"),
    (["--chip", "[/x]", "--chips", "8", "--hours", "10"], "unknown chip '[/x]'"),
    (["--chip", "[bold red]HIDDEN[/]", "--chips", "8", "--hours", "1"],
     "unknown chip '[bold red]HIDDEN[/]'"),
    ([*H100, "--zone", "NOWHERE"], "NOWHERE"),
    (["--params", "7e9"], "--tokens"),
]

CROSSCHECK = [
    (["--utilization", "0"], "'--utilization': 0 is out of range: allowed 0 < x ≤ 1"),
    (["--utilization", "-1"], "'--utilization': -1 is out of range"),
    (["--utilization", "nan"], "'--utilization': nan is not a finite number"),
    (["--utilization", "2"], "'--utilization': 2 is out of range"),
    (["--price-kind", "bogus"], "must be one of on-demand, 1y, 3y"),
    (["--method", "bogus"], "bogus"),
]

FIT = [
    (["--benchmark", "nosuch"], "unknown benchmark 'nosuch'"),
    (["--benchmark", "mmlu", "--form", "bogus"], "'bogus' is not one of"),
    (["--benchmark", "mmlu", "--n-boot", "0"], "'--n-boot': 0 is out of range"),
    (["--benchmark", "mmlu", "--n-boot", "-5"], "'--n-boot': -5 is out of range"),
    (["--benchmark", "mmlu", "--n-boot", "1000000000"], "'--n-boot'"),
    (["--benchmark", "mmlu", "--seed", "-1"], "'--seed': -1 is out of range"),
    (["--benchmark", "mmlu", "--cov", "bogus"], "'bogus' is not one of"),
    (["--benchmark", "mmlu", "--cluster", "bogus"], "'bogus' is not one of"),
    (["--benchmark", "mmlu", "--scale", "bogus"], "'bogus' is not one of"),
    (["--data", "/nonexistent/file.csv"], "/nonexistent/file.csv"),
]

EXTRAPOLATE = [
    (["--benchmark", "hellaswag", "--target-error", "0.1", "--n-boot", "0"], "'--n-boot'"),
    (["--benchmark", "hellaswag", "--target-error", "0.1", "--budget", "nan"],
     "'--budget': nan is not a finite number"),
    (["--benchmark", "hellaswag", "--target-error", "0.1", "--budget", "-5"],
     "'--budget': -5 is out of range"),
    (["--benchmark", "hellaswag", "--target-error", "0"], "'--target-error': 0 is out"),
    (["--benchmark", "hellaswag", "--target-error", "1.5"], "'--target-error': 1.5 is out"),
    (["--benchmark", "hellaswag", "--date", "02-01-2022"], "is not a date written YYYY-MM-DD"),
    (["--benchmark", "hellaswag", "--date", "13-01-2022"], "is not a date written YYYY-MM-DD"),
    (["--benchmark", "hellaswag", "--date", "2022-02-30"], "is not a calendar date"),
    (["--benchmark", "hellaswag", "--compute", "-1e24"], "'--compute': -1e+24 is out"),
    (["--benchmark", "hellaswag", "--target-error", "0.1", "--model", "bogus"],
     "'bogus' is not one of: auto, hybrid, pooled, time"),
]

TRENDS = [
    (["--start", "-5"], "'--start': -5 is out of range"),
    (["--start", "2020", "--end", "2010"], "--start (2020) must be before --end (2010)"),
    (["--n-boot", "0"], "'--n-boot': 0 is out of range"),
    (["--subset", "bogus"], "'bogus' is not one of"),
]

BACKTEST = [
    (["--benchmark", "nosuch", "--cutoff", "2022-01-01"], "unknown benchmark 'nosuch'"),
    (["--benchmark", "nosuch"], "unknown benchmark 'nosuch'"),
    (["--benchmark", "mmlu", "--form", "bogus", "--cutoff", "2022-01-01"],
     "'bogus' is not one of"),
    (["--benchmark", "mmlu", "--n-boot", "0", "--cutoff", "2022-01-01"], "'--n-boot'"),
    (["--benchmark", "mmlu", "--cutoff", "02-01-2022"], "is not a date written YYYY-MM-DD"),
    (["--benchmark", "mmlu", "--cutoff", "13-01-2022"], "is not a date written YYYY-MM-DD"),
]

DATA = [
    (["info", "[bold]x"], "unknown data source '[bold]x'"),
    (["info", "nosuch"], "unknown data source 'nosuch'"),
    (["results", "--benchmark", "nosuch", "--out", "x.csv"], "unknown benchmark 'nosuch'"),
    (["check", "/nonexistent.csv"], "/nonexistent.csv"),
    (["check", "/"], "/"),
]

REPRODUCE = [
    (["--seed", "-1"], "'--seed': -1 is out of range"),
    (["--workers", "0"], "'--workers': 0 is out of range"),
]

TABLES = {"simulate": SIMULATE, "estimate": ESTIMATE, "crosscheck": CROSSCHECK, "fit": FIT,
          "extrapolate": EXTRAPOLATE, "trends": TRENDS, "backtest": BACKTEST, "data": DATA,
          "reproduce": REPRODUCE}
CASES = [pytest.param(verb, args, message, id=f"{verb}:{' '.join(args)}"[:80])
         for verb, table in TABLES.items() for args, message in table]


@pytest.mark.parametrize(("verb", "args", "message"), CASES)
def test_hostile_input_is_one_line_and_exit_2(mirror, invoke, tmp_path, monkeypatch, verb,
                                              args, message):
    monkeypatch.chdir(tmp_path)
    res = invoke(verb, *args)
    line = assert_one_line_error(res, message)
    assert line.startswith("error: ")
    assert res.stdout.strip() == ""  # no table with the error in a cell
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_an_unexpected_error_is_one_line_with_the_traceback_file(mirror, invoke, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug [bold]here[/]")

    monkeypatch.setattr("computelimits.data.catalog.resolve_catalog", boom)
    monkeypatch.delenv("COMPUTELIMITS_DEBUG", raising=False)
    res = invoke("fit", "--benchmark", "mmlu")
    assert res.returncode == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert "unexpected RuntimeError: a bug [bold]here[/]" in lines[0]
    path = lines[0].split("traceback is in ")[1].split(" ")[0]
    text = Path(path).read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError" in text


def test_an_os_error_is_one_line(mirror, invoke, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/some/file.csv")

    monkeypatch.setattr("computelimits.data.catalog.resolve_catalog", denied)
    assert_one_line_error(invoke("fit", "--benchmark", "mmlu"),
                          "/some/file.csv: permission denied")


def test_markup_in_values_is_printed_as_written(mirror, invoke):
    """Text in square brackets is data, not terminal markup: data info keeps each file's
    state, and the consoles print a markup-like name as written."""
    out = invoke("data", "info", "epoch-benchmarks")
    assert out.returncode == 0
    assert "[mirror, differs from pin]" in out.stdout and "[mirror]" in out.stdout
    from rich.console import Console

    from computelimits.cli import _shared

    for console in (_shared.console, _shared.err_console):
        probe = Console(file=__import__("io").StringIO(), markup=console._markup, width=200)
        probe.print("[bold red]HIDDEN[/] w[red]x.csv")
        assert probe.file.getvalue().strip() == "[bold red]HIDDEN[/] w[red]x.csv"


OUTPUTS = [
    (["trends", "--out", "afile"], "afile: is a file, not a folder"),
    (["trends", "--out", "afile/sub"], "afile: is a file, not a folder"),
    (["crosscheck", "--out", "afile/x.csv"], "afile: is a file, not a folder"),
    (["crosscheck", "--out", "adir"], "adir: is a folder, where a file is to be written"),
    (["data", "results", "--benchmark", "mmlu", "--out", "adir"], "is a folder"),
    (["data", "results", "--benchmark", "mmlu", "--out", "afile/x.csv"], "is a file"),
    (["data", "check", "data.csv", "--out", "adir"], "is a folder"),
    (["backtest", "--benchmark", "hellaswag", "--cutoff", "2022-01-01", "--out", "adir"],
     "is a folder"),
    (["simulate", "--quick", "--out", "afile"], "afile: is a file, not a folder"),
    (["simulate", "--quick", "--out", "afile/sub"], "afile: is a file, not a folder"),
    (["simulate", "--quick", "--out", "userdir"], "holds files computelimits did not write"),
]


@pytest.mark.parametrize(("args", "message"), OUTPUTS,
                         ids=[" ".join(a)[:60] for a, _ in OUTPUTS])
def test_bad_output_paths_fail_before_any_work_and_touch_nothing(mirror, invoke, tmp_path,
                                                                 monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("a user's file")
    (tmp_path / "adir").mkdir()
    (tmp_path / "userdir").mkdir()
    (tmp_path / "userdir" / "thesis.tex").write_text("years of work")
    (tmp_path / "data.csv").write_text("model,benchmark,metric,value\nm,mmlu,accuracy,0.5\n")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    res = invoke(*args)
    assert_one_line_error(res, message)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "afile").read_text() == "a user's file"
    assert (tmp_path / "userdir" / "thesis.tex").read_text() == "years of work"


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_output_folder_fails_before_any_work(mirror, invoke, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert_one_line_error(invoke("crosscheck", "--out", str(ro / "x.csv")),
                              "permission denied")
    finally:
        ro.chmod(0o700)


def test_a_cache_folder_that_is_a_file_does_not_stop_a_verb(mirror, invoke, tmp_path,
                                                           monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(blocker))
    res = invoke("fit", "--benchmark", "hellaswag", "--n-boot", "200")
    assert res.returncode == 0, res.stderr
    assert blocker.read_text() == "not a folder"
