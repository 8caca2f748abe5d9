"""How the command line speaks (issue 21): one number format, an answer that fits a screen
(notes, assumptions and selection details behind --verbose), one short line for a mirror's
declared differences, the zone read from a place name, chip suggestions of the right
family."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest

from _helpers import CliResult, cli_invoke
from computelimits.data import fetch as F  # noqa: N812

#: The width the line counts are measured at (issue 21: "measure with COLUMNS=100").
WIDTH = 100
#: e-notation, as ``3.74e+07`` or ``9.9e14``
E_NOTATION = re.compile(r"\d(?:\.\d+)?e[+-]?\d", re.IGNORECASE)


def speak(*args: str) -> CliResult:
    """The command in this process at a 100-column terminal, without rich markup."""
    return cli_invoke(*args, columns=WIDTH, markup=False)


def _lines(res: CliResult) -> list[str]:
    return [ln for ln in (res.stdout + res.stderr).splitlines() if ln.strip()]


# ---------------------------------------------------------------------- one screen
@pytest.fixture(scope="module")
def outlook_answers(mirror):
    """The time-aware answer with the three questions and the costs by buy date, without and
    with --verbose."""
    args = ("extrapolate", "--benchmark", "mmlu", "--target-error", "0.3", "--date",
            "2024-06-01", "--compute", "1e25", "--frontier", "--n-boot", "200")
    return speak(*args), speak(*args, "--verbose")


def test_an_answer_with_costs_fits_an_80_column_terminal(mirror):
    """The default terminal: every line counted as printed, wrapped lines included; the
    cost table drops its compute column there rather than wrap each row."""
    res = cli_invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.15",
                     "--date", "2025-01-01", "--n-boot", "200", columns=80, markup=False)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 15 and max(len(ln) for ln in lines) <= 80, res.stdout
    assert "bought" in res.stdout and "dollars" in res.stdout
    wide = cli_invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.15",
                      "--date", "2025-01-01", "--n-boot", "200", columns=120, markup=False)
    assert "compute " in wide.stdout.split("bought", 1)[1].splitlines()[0]


def test_the_time_aware_answer_fits_a_screen(outlook_answers):
    short, _ = outlook_answers
    assert short.returncode == 0, short.stderr
    lines = _lines(short)
    assert len(lines) <= 15, "\n".join(lines)
    text = short.stdout
    for words in ("compute for error 30%: 10^", "error of a 10^25.0 FLOP model",
                  "frontier error", "rests on 88 results (training compute, few-shot)",
                  "trust: ", "bought", "--verbose adds", "sources: Epoch AI ("):
        assert words in text, words
    # what goes behind --verbose: notes, assumptions, selection, raw internals
    for hidden in ("note:", "data: left out", "chip_peak", "caller's", "475–475",
                   "989400000000000", "source: Epoch AI"):
        assert hidden not in text, hidden
    assert not E_NOTATION.search(text), E_NOTATION.search(text)


def test_verbose_shows_the_notes_assumptions_and_selection(outlook_answers):
    short, full = outlook_answers
    assert full.returncode == 0, full.stderr
    text = full.stdout
    assert len(_lines(full)) > len(_lines(short)) + 20
    for words in ("note: ", "data: left out", "chip_peak = 989 TFLOP/s",
                  "the fit's 4,000 bootstrap draws" if "4,000" in text else "bootstrap draws",
                  "source: Epoch AI", "In backtests"):
        assert words in text, words
    for raw in ("caller's", "989400000000000", "475–475"):
        assert raw not in text, raw
    assert not E_NOTATION.search(text), E_NOTATION.search(text)


def test_the_compute_only_answer_fits_a_screen_without_e_notation(mirror):
    res = speak("extrapolate", "--benchmark", "imagenet", "--target-error", "0.05",
                "--model", "compute-only", "--n-boot", "200", "--budget", "1e9")
    assert res.returncode == 0, res.stderr
    lines = _lines(res)
    assert len(lines) <= 15, "\n".join(lines)
    for words in ("training compute", "dollars (", "CO2e", "paper convention: $",
                  "affordable at $1.0 billion", "trust: slope", "rests on 18 results"):
        assert words in res.stdout, words
    assert re.search(r"\$\d[\d.,]* (thousand|million|billion|trillion)", res.stdout)
    assert re.search(r"\d (kg|t|kt|Mt|Gt) CO2e", res.stdout)
    assert not E_NOTATION.search(res.stdout), E_NOTATION.search(res.stdout)
    verbose = speak("extrapolate", "--benchmark", "imagenet", "--target-error", "0.05",
                    "--model", "compute-only", "--n-boot", "200", "--verbose")
    assert "note: " in verbose.stdout and "usd_per_flop = " in verbose.stdout
    assert not E_NOTATION.search(verbose.stdout), E_NOTATION.search(verbose.stdout)


def test_costs_and_co2_of_estimate_carry_unit_words(mirror):
    res = speak("estimate", "--chip", "H100 SXM5 80GB", "--chips", "1024", "--hours", "720")
    assert res.returncode == 0, res.stderr
    for words in ("10^24.0 FLOP", "989 TFLOP/s", "737,280", "GWh", "t CO2e", "million L",
                  "$3.2 million", "$38 million", "assumes utilization 35%"):
        assert words in res.stdout, words
    assert not E_NOTATION.search(res.stdout), E_NOTATION.search(res.stdout)
    assert "assumptions:" not in res.stdout and "--verbose adds" in res.stdout
    verbose = speak("estimate", "--chip", "H100 SXM5 80GB", "--chips", "1024", "--hours",
                    "720", "--verbose")
    assert "assumptions:" in verbose.stdout and "paper_flop_per_usd = 10^16.8 FLOP" in \
        verbose.stdout
    assert not E_NOTATION.search(verbose.stdout), E_NOTATION.search(verbose.stdout)


def test_fit_and_crosscheck_answers_are_short(mirror):
    fit = speak("fit", "--benchmark", "mmlu", "--n-boot", "200")
    assert fit.returncode == 0, fit.stderr
    assert len(_lines(fit)) <= 12, fit.stdout
    assert "35×" in fit.stdout and "−0.196" in fit.stdout and "left out" not in fit.stdout
    cc = speak("crosscheck")
    assert cc.returncode == 0, cc.stderr
    assert len(_lines(cc)) <= 12 and "why:" not in cc.stdout, cc.stdout
    assert "why:" in speak("crosscheck", "--verbose").stdout


def test_a_default_bootstrap_size_is_capped_without_a_notice():
    """The notice names a capped --n-boot the user gave; the verb's own default, capped for
    a model, is no news."""
    import typer
    from typer.testing import CliRunner

    from computelimits.cli import _shared as ui

    app = typer.Typer()

    @app.command()
    def run(n_boot: int = 10_000) -> None:
        typer.echo(ui.capped_boot(n_boot, 4000, "the time-aware models"))

    said: list[str] = []
    saved = ui.err_console
    ui.err_console = type("Say", (), {"print": lambda self, text, **kw: said.append(text)})()
    try:
        assert CliRunner().invoke(app, []).stdout.strip() == "4000" and not said
        assert CliRunner().invoke(app, ["--n-boot", "5000"]).stdout.strip() == "4000"
    finally:
        ui.err_console = saved
    assert said and "--n-boot 5,000 capped at 4,000" in said[0]


# ---------------------------------------------------------------------- one number format
def test_the_formatter_is_one_module_that_imports_only_the_standard_library():
    from computelimits import formatting
    from computelimits.report import formatting as report_formatting

    assert report_formatting.usd is formatting.usd and report_formatting.flop is formatting.flop
    assert formatting.usd(3.74e7) == "$37 million" and formatting.co2(1.1e7) == "11 kt CO2e"
    assert formatting.flop_rate(9.894e14) == "989 TFLOP/s"
    assert formatting.flop_count(1.6e25) == "10^25.2 FLOP"
    assert formatting.span(1.5e6, 9.1e6, formatting.usd) == "$1.5–$9.1 million"
    assert formatting.span(3.7e4, 1.96e8, formatting.usd) == "$37 thousand–$196 million"
    assert formatting.amount(6.8741e16, "FLOP per US dollar") == "10^16.8 FLOP per US dollar"
    assert formatting.plain(989400000000000.0) == "989 trillion"
    code = ("import sys, computelimits.formatting, computelimits.report.formatting\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'plotly') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


# ---------------------------------------------------------------------- the mirror notice
def test_the_shared_mirrors_documented_cut_is_one_short_line(mirror, monkeypatch):
    notices: list[str] = []
    monkeypatch.setattr(F, "notice", notices.append)
    monkeypatch.setattr(F, "_notified", set())
    for source, name in (("epoch-benchmarks", "external_benchmark_mmlu.csv"),
                         ("epoch-benchmarks", "external_benchmark_gsm8k.csv"),
                         ("epoch-open-model-trends", "benchmarks_with_model_accessibility.csv")):
        assert not F.locate(source, name, strict=False).pinned
    assert notices == ["using the shared mirror's documented pre-2024 cut of 22 files "
                       "(computelimits data list)"]


def test_an_undeclared_difference_keeps_the_full_notice(modified_mirror, monkeypatch):
    notices: list[str] = []
    monkeypatch.setattr(F, "notice", notices.append)
    F.locate("epoch-benchmarks", "external_benchmark_mmlu.csv", strict=False)
    F.locate("epoch-hardware", "chip_dataset.csv", strict=False, download=False)
    assert len(notices) == 2
    assert "documented pre-2024 cut" in notices[0]
    full = notices[1]
    assert "1 file(s) of epoch-hardware" in full and "chip_dataset.csv" in full
    assert "--strict or COMPUTELIMITS_STRICT=1 refuses them" in full


def test_a_mirror_declares_its_own_changes_in_a_manifest(modified_mirror, monkeypatch):
    root = modified_mirror.parents[1]
    digest = hashlib.sha256(modified_mirror.read_bytes()).hexdigest()
    (root / F.MANIFEST).write_text(
        "path,sha256,why\n"
        f"epoch-hardware/chip_dataset.csv,{digest},final line break removed\n",
        encoding="utf-8")
    notices: list[str] = []
    monkeypatch.setattr(F, "notice", notices.append)
    loc = F.locate("epoch-hardware", "chip_dataset.csv", strict=False, download=False)
    assert not loc.pinned
    F.locate("epoch-benchmarks", "external_benchmark_mmlu.csv", strict=False)
    assert len(notices) == 1, notices
    assert notices[0] == ("using the mirror's declared changes to 1 file(s) (MANIFEST.csv) and "
                          "the shared mirror's documented pre-2024 cut of 22 files "
                          "(computelimits data list)")
    src = F.get_source("epoch-hardware")
    assert F.declared(src, src.file("chip_dataset.csv"), modified_mirror) == \
        "final line break removed"
    # a declaration that does not say what it declares is refused, naming the manifest
    (root / F.MANIFEST).write_text("path,sha256\nepoch-hardware/chip_dataset.csv,abc\n",
                                   encoding="utf-8")
    with pytest.raises(F.InputError, match=r"MANIFEST\.csv, row 2"):
        F.manifest(root)


def test_data_list_says_the_differences_are_declared(mirror, monkeypatch):
    monkeypatch.setattr(F, "notice", lambda m: None)
    res = speak("data", "list", "--json")
    import json

    rows = {r["source"]: r for r in json.loads(res.stdout)}
    assert rows["epoch-benchmarks"]["where"] == "mirror (20 modified, declared)"


# ---------------------------------------------------------------------- zones and chips
def test_a_place_name_says_which_table_it_was_read_from(mirror):
    from computelimits.compute.energy import grid_intensity

    ca = grid_intensity("california")
    assert ca.zone == "US-CA" and "Green Algorithms" in ca.choice
    assert "US-CAL-CISO" in ca.choice and "--zone US-CAL-CISO" in ca.choice
    assert grid_intensity("US-CAL-CISO").choice == "" and grid_intensity("France").choice == ""
    res = speak("estimate", "--chip", "H100 SXM5 80GB", "--chips", "8", "--hours", "24",
                "--zone", "california")
    assert res.returncode == 0, res.stderr
    flat = " ".join(res.stdout.split())
    assert "zone 'california' read as US-CA (California, 2020, Green Algorithms" in flat
    assert "use --zone US-CAL-CISO" in flat


def test_chip_suggestions_keep_to_the_vendor_and_family(mirror):
    from computelimits.compute.hardware import chip_index, close_chips

    ix = chip_index()
    h100 = close_chips("H100", ix.names(), ix.vendors())
    assert h100 and all(name.startswith("NVIDIA") for name in h100), h100
    assert "Intel A100" not in h100 and "NVIDIA H100 SXM5 80GB" in h100
    res = speak("estimate", "--chip", "H100", "--chips", "8", "--hours", "1")
    assert res.returncode == 2 and "Intel A100" not in res.stderr
    assert "NVIDIA H100 PCIe" in res.stderr
