"""`computelimits reproduce --quick` end to end, and the report in a real headless browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

_SCRIPT = Path(sys.executable).with_name("computelimits")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits"]
ARTIFACTS = Path(os.environ.get("COMPUTELIMITS_ARTIFACTS",
                                Path(__file__).resolve().parent.parent / "test-artifacts"))

SECTIONS = ["theory", "data", "trends", "extrapolation", "backtests", "sources"]
TABLES = ["theory_crossovers", "fits_polynomial", "form_comparison", "trends", "trend_shares",
          "extrapolations", "backtests", "match_rates",
          "sources", "assumptions"]


class _Tables(HTMLParser):
    """Collect data-value cells of every <table data-table=...>."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.ids: list[str] = []
        self.images: list[str] = []
        self._cur: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self._cur = a["data-table"]
            self.tables[self._cur] = []
        elif tag == "tr" and self._cur is not None:
            self.tables[self._cur].append([])
        elif tag == "td" and self._cur is not None:
            self.tables[self._cur][-1].append(a.get("data-value", ""))
        elif tag == "h2" and "id" in a:
            self.ids.append(a["id"])
        elif tag == "img":
            self.images.append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "table":
            self._cur = None


@pytest.fixture(scope="module")
def report(mirror, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "quick"
    res = subprocess.run([*EXE, "reproduce", "--quick", "--out", str(out), "--workers", "2"],
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    return out, res


def test_reproduce_writes_every_section_table_and_figure(report):
    out, res = report
    html = (out / "index.html").read_text(encoding="utf-8")
    p = _Tables()
    p.feed(html)
    for section in SECTIONS:
        assert section in p.ids, section
    for name in TABLES:
        assert name in p.tables, name
        assert (out / "tables" / f"{name}.csv").is_file()
        assert (out / "tables" / f"{name}.json").is_file()
    for src in p.images:
        assert (out / src).is_file() and (out / src).stat().st_size > 1000, src
        assert (out / src).with_suffix(".svg").is_file()
    assert "report:" in res.stdout and "fit:" in res.stdout


@pytest.mark.parametrize("name", TABLES)
def test_numbers_in_the_report_equal_the_csv_outputs(report, name):
    out, _ = report
    p = _Tables()
    p.feed((out / "index.html").read_text(encoding="utf-8"))
    html_rows = [r for r in p.tables[name] if r]
    csv = pd.read_csv(out / "tables" / f"{name}.csv", keep_default_na=False)
    assert len(html_rows) == len(csv)
    header = re.search(rf'<table data-table="{name}"><thead><tr>(.*?)</tr>',
                       (out / "index.html").read_text(encoding="utf-8")).group(1)
    cols = re.findall(r"<th>(.*?)</th>", header)
    for row, (_, want) in zip(html_rows, csv.iterrows(), strict=True):
        for col, got in zip(cols, row, strict=True):
            expected = want[col]
            if isinstance(expected, float) or (isinstance(expected, str) and got
                                               and _is_number(got) and _is_number(expected)):
                if got == "" and (expected == "" or pd.isna(expected)):
                    continue
                assert float(got) == pytest.approx(float(expected), rel=1e-9, abs=1e-12), col
            else:
                assert str(got) == str(expected), col


def _is_number(s) -> bool:
    try:
        float(s)
        return True
    except (TypeError, ValueError):
        return False


def test_summary_and_rerun_is_deterministic_and_atomic(report, tmp_path):
    out, _ = report
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    summary = json.loads((out / "summary.json").read_text(), parse_constant=refuse)
    assert summary["partial"] is False and summary["polynomial_fits"]
    for table in (out / "tables").glob("*.json"):  # every table parses strictly too
        json.loads(table.read_text(encoding="utf-8"), parse_constant=refuse)
    fits = pd.read_csv(out / "tables" / "fits.csv")
    assert (fits.groupby("benchmark")["n"].min() >= 8).all()


def test_missing_data_is_exit_2_or_a_partial_report(tmp_path):
    env = dict(os.environ, COMPUTELIMITS_DATA=str(tmp_path / "none"),
               COMPUTELIMITS_CACHE=str(tmp_path / "cache"))
    out = tmp_path / "r"
    res = subprocess.run([*EXE, "reproduce", "--quick", "--out", str(out), "--workers", "2"],
                         capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 2 and "--allow-partial" in res.stderr
    assert not out.exists()
    res = subprocess.run([*EXE, "reproduce", "--quick", "--out", str(out), "--workers", "2",
                          "--allow-partial"], capture_output=True, text=True, timeout=600,
                         env=env)
    assert res.returncode == 0, res.stderr
    html = (out / "index.html").read_text()
    assert "Partial report" in html and "theory_crossovers" in html
    assert "missing:" in res.stdout


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    return exe


def _browser(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=15000"]
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=180)


def test_report_in_a_real_headless_browser(report, tmp_path):
    exe = _chromium()
    out, _ = report
    uri = (out / "index.html").resolve().as_uri()
    dom = _browser(exe, tmp_path / "profile1", "--dump-dom", uri)
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = re.search(r'<body[^>]*data-images="(\d+)/(\d+)"', dom.stdout)
    assert m, "the page's load handler did not run"
    ok, total = int(m.group(1)), int(m.group(2))
    assert total > 3 and ok == total, f"{ok} of {total} images rendered"
    assert re.search(r'<body[^>]*data-errors="0"', dom.stdout), "errors on the page"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    res = _browser(exe, tmp_path / "profile2", f"--screenshot={shot}",
                   "--window-size=1280,2400", "--hide-scrollbars", uri)
    assert res.returncode == 0 and shot.stat().st_size > 10_000
