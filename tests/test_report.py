"""`computelimits reproduce --quick` end to end, and the report in a real headless browser."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

_SCRIPT = Path(sys.executable).with_name("computelimits")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits"]
ARTIFACTS = Path(os.environ.get("COMPUTELIMITS_ARTIFACTS",
                                Path(__file__).resolve().parent.parent / "test-artifacts"))

SECTIONS = ["findings", "theory", "data", "trends", "extrapolation", "backtests", "sources"]
TABLES = ["theory_crossovers", "fits_polynomial", "form_comparison", "trends", "trend_shares",
          "extrapolations", "forecasts", "backtests", "match_rates", "sources", "assumptions"]


class _Tables(HTMLParser):
    """Collect the cells (their attributes) of every <table data-table=...>, the section
    ids, images, links and the findings' list items."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[dict[str, str]]]] = {}
        self.ids: list[str] = []
        self.images: list[str] = []
        self.links: list[str] = []
        self.findings: dict[str, list[str]] = {}
        self._cur: str | None = None
        self._group: str | None = None
        self._li: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self._cur = a["data-table"]
            self.tables[self._cur] = []
        elif tag == "tr" and self._cur is not None:
            self.tables[self._cur].append([])
        elif tag == "td" and self._cur is not None:
            self.tables[self._cur][-1].append(a)
        elif tag == "h2" and "id" in a:
            self.ids.append(a["id"])
        elif tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "ul" and "data-group" in a:
            self._group = a["data-group"]
            self.findings[self._group] = []
        elif tag == "li" and self._group is not None:
            self._li = []

    def handle_data(self, data):
        if self._li is not None:
            self._li.append(data)

    def handle_endtag(self, tag):
        if tag == "table":
            self._cur = None
        elif tag == "li" and self._li is not None:
            self.findings[self._group].append("".join(self._li))
            self._li = None
        elif tag == "ul":
            self._group = None


@pytest.fixture(scope="module")
def report(mirror, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "quick"
    res = subprocess.run([*EXE, "reproduce", "--quick", "--out", str(out), "--workers", "2"],
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    return out, res


def _parsed(out: Path) -> _Tables:
    p = _Tables()
    p.feed((out / "index.html").read_text(encoding="utf-8"))
    return p


def test_reproduce_writes_every_section_table_and_figure(report):
    out, res = report
    p = _parsed(out)
    assert p.ids[0] == "findings"  # the findings come first
    for section in SECTIONS:
        assert section in p.ids, section
    for name in [*TABLES, "findings"]:
        assert (out / "tables" / f"{name}.csv").is_file()
        assert (out / "tables" / f"{name}.json").is_file()
    for name in TABLES:
        assert name in p.tables, name
    # one file: images inline, downloads (static figures, tables) linked beside it
    assert p.images and all(src.startswith("data:image/png;base64,") for src in p.images)
    fits = pd.read_csv(out / "tables" / "fits_polynomial.csv")
    for bench in fits["benchmark"]:
        for ext in ("png", "svg"):
            f = out / "figures" / f"fit_{bench}.{ext}"
            assert f.is_file() and f.stat().st_size > 1000, f
            assert f"figures/fit_{bench}.{ext}" in p.links
    for link in p.links:
        if not link.startswith(("http", "#", "data:")):
            assert (out / link).is_file(), link
    assert "report:" in res.stdout and "fit:" in res.stdout


def test_the_page_inlines_plotly_once_and_stays_small(report):
    """plotly.js once for every figure (its banner occurs once), the figure's data as
    strict JSON, and a page of a reasonable size."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    from computelimits.report.interactive import basic_bundle, plotly_js

    out, _ = report
    html = (out / "index.html").read_text(encoding="utf-8")
    full_banner = get_plotlyjs()[:200].split("\n")[1]  # "* plotly.js vX.Y.Z"
    banner = plotly_js()[:200].split("\n")[1]
    assert html.count(banner) == 1 and banner.endswith(get_plotlyjs_version())
    basic = basic_bundle() is not None  # downloaded and verified on first use
    if basic:  # the basic partial bundle of that version, not the full bundle
        assert banner.startswith("* plotly.js (basic") and full_banner not in html
    else:  # offline on first use: the installed package's full bundle, said in the docs
        assert banner == full_banner
    assert html.count("Plotly.newPlot(") == 1
    data = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>',
                     html, re.S).group(1)
    spec = _strict_json(data)
    assert spec["benchmarks"] == pd.read_csv(out / "tables" / "fits_polynomial.csv")[
        "benchmark"].tolist()
    assert (out / "index.html").stat().st_size < (2_500_000 if basic else 8_000_000)


def test_findings_on_the_page_are_the_computed_ones(report):
    """Each finding on the page is the sentence of findings.csv, which quotes that table's
    numbers; no cost figure for a benchmark that compute does not explain."""
    from computelimits.report import formatting as fm

    out, _ = report
    p = _parsed(out)
    table = pd.read_csv(out / "tables" / "findings.csv")
    for group in ("explained", "not_identified", "too_few"):
        want = table.loc[table["group"] == group, "sentence"].tolist()
        assert want and p.findings[group] == want, group
    poly = pd.read_csv(out / "tables" / "fits_polynomial.csv").set_index("benchmark")
    ext = pd.read_csv(out / "tables" / "extrapolations.csv").set_index("benchmark")
    for r in table.to_dict(orient="records"):
        b = r["benchmark"]
        if r["group"] == "too_few":
            assert b not in poly.index
            continue
        assert bool(poly.loc[b, "identified"]) == (r["group"] == "explained")
        assert fm.slope(poly.loc[b, "slope"]) in r["sentence"]
        assert f"N = {poly.loc[b, 'n']}" in r["sentence"]
        if r["group"] == "not_identified":
            assert "$" not in r["sentence"] and "FLOP" not in r["sentence"]
            assert "CO2e" not in r["sentence"]
        elif r["sized"] is True or r["sized"] == "True":
            assert fm.flop(ext.loc[b, "log10_compute"]) in r["sentence"]
            assert fm.usd(ext.loc[b, "usd"]) in r["sentence"]
            assert fm.co2(ext.loc[b, "co2_kg"]) in r["sentence"]
        else:
            assert "$" not in r["sentence"] and "cannot size" in r["sentence"]


def _strict_json(text: str):
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("name", TABLES)
def test_numbers_in_the_report_equal_the_csv_outputs(report, name):
    """Every cell's raw value (and its interval's ends) equals the CSV's."""
    out, _ = report
    p = _parsed(out)
    html_rows = [r for r in p.tables[name] if r]
    csv = pd.read_csv(out / "tables" / f"{name}.csv", keep_default_na=False)
    assert len(html_rows) == len(csv)
    checked = 0
    for row, (_, want) in zip(html_rows, csv.iterrows(), strict=True):
        for cell in row:
            pairs = [(cell.get("data-col"), cell.get("data-value", "")),
                     (cell.get("data-low-col"), cell.get("data-low", "")),
                     (cell.get("data-high-col"), cell.get("data-high", ""))]
            for col, got in pairs:
                if col is None:
                    continue
                _same(got, want[col], col)
                checked += 1
    assert checked >= len(csv)


def _same(got: str, expected, col: str) -> None:
    if isinstance(expected, float) or (isinstance(expected, str) and got
                                       and _is_number(got) and _is_number(expected)):
        if got == "" and (expected == "" or pd.isna(expected)):
            return
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
    assert summary["findings"]["headline"] and summary["findings"]["benchmarks"]
    for table in (out / "tables").glob("*.json"):  # every table parses strictly too
        json.loads(table.read_text(encoding="utf-8"), parse_constant=refuse)
    fits = pd.read_csv(out / "tables" / "fits.csv")
    assert (fits.groupby("benchmark")["n"].min() >= 8).all()


def test_missing_data_is_exit_2_or_a_partial_report(tmp_path):
    (tmp_path / "none").mkdir()  # a mirror without the files (a missing folder is its own error)
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


class _Chrome:
    """Debian's headless chromium, driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``: commands on fd 3, replies and events on fd 4, each a JSON
    message ended by a NUL byte) — no driver package, no network port."""

    def __init__(self, exe: str, profile: Path, timeout: float = 60.0) -> None:
        self.timeout = timeout
        cmd_r, cmd_w = os.pipe()
        out_r, out_w = os.pipe()
        # the child's ends at fds >= 10, so that placing them at 3 and 4 clobbers nothing
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(out_w, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (cmd_r, out_w):
            os.close(fd)

        def place() -> None:  # in the child, before exec: dup2 leaves 3 and 4 inheritable
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--disable-extensions",
                 "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"]
        self.proc = subprocess.Popen([exe, *flags], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=place, close_fds=False)
        for fd in (child_r, child_w):
            os.close(fd)
        self.w, self.r = cmd_w, out_r
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def __enter__(self) -> _Chrome:
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):  # the browser may be gone already
            self.send("Browser.close", session=False)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.w, self.r):
            os.close(fd)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, *,
             session: bool = True) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, seconds: float = 30.0) -> dict:
        for e in self.events:
            if e.get("method") == method:
                return e
        deadline = time.monotonic() + seconds
        while True:
            e = self._read(deadline)
            self.events.append(e)
            if e.get("method") == method:
                return e

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.send("Target.attachToTarget", {
            "targetId": target["targetId"], "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str):
        out = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": True})
        if "exceptionDetails" in out:
            raise AssertionError(f"{expression[:80]}: {out['exceptionDetails']}")
        return out["result"].get("value")

    def poll(self, expression: str, seconds: float = 10.0):
        deadline = time.monotonic() + seconds
        while True:
            value = self.js(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.05)


# what the page must show at 1280 px: returns the measurements the test asserts on
_OVERFLOW = """(() => {
  const w = document.documentElement.clientWidth, bad = [];
  const page = document.documentElement.scrollWidth;
  if (page > w) bad.push("page " + page);
  document.querySelectorAll("table, figure, .explorer, img, p, ul").forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 || el.scrollWidth > el.clientWidth + 1)
      bad.push((el.getAttribute("data-table") || el.tagName) + " " + Math.round(r.right));
  });
  return {width: w, bad: bad};
})()"""

_COLUMNS_VISIBLE = """(() => {
  const w = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll(
      'table[data-table="extrapolations"] th[data-col="usd"], '
      + 'table[data-table="extrapolations"] th[data-col="co2_kg"], '
      + 'table[data-table="forecasts"] th[data-col="usd_now"], '
      + 'table[data-table="forecasts"] th[data-col="co2_kg_now"]')).map(th => {
    const r = th.getBoundingClientRect();
    return [th.getAttribute("data-col"), r.width > 20 && r.left >= 0 && r.right <= w];
  });
})()"""

_FINDINGS = """(() => {
  const group = g => Array.from(document.querySelectorAll(
      'ul.findings[data-group="' + g + '"] li')).map(li => li.textContent);
  return {present: !!document.getElementById("findings"),
          first: document.querySelector("h2").id,
          explained: group("explained"), not_identified: group("not_identified"),
          too_few: group("too_few")};
})()"""

_FIGURE = """(() => {
  const gd = document.getElementById("explorer");
  if (!gd || !gd.data) return null;
  const spec = JSON.parse(document.getElementById("explorer-data").textContent);
  const vis = gd.data.map((t, i) => [spec.traces[i][0], spec.traces[i][1], t.visible === true]);
  return {traces: gd.data.length, plotly: document.querySelectorAll(".js-plotly-plot").length,
          scripts: Array.from(document.scripts).filter(s => s.text.includes("Plotly")).length,
          benchmark: gd.getAttribute("data-benchmark"), form: gd.getAttribute("data-form"),
          visible: vis, xrange: gd.layout.xaxis.range, xtype: gd.layout.xaxis.type,
          ytype: gd.layout.yaxis.type, spec_range: spec.ranges[gd.getAttribute("data-benchmark")],
          title: gd.layout.title.text, benchmarks: spec.benchmarks};
})()"""

_POINT = """(() => {
  const gd = document.getElementById("explorer");
  gd.scrollIntoView();
  const pts = gd.querySelectorAll(".scatterlayer .trace .points path.point");
  if (!pts.length) return null;
  const r = pts[Math.floor(pts.length / 2)].getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
})()"""

_HOVER = """(() => { const h = document.querySelector("#explorer .hoverlayer .hovertext");
  return h ? h.textContent : ""; })()"""


def _select(chrome: _Chrome, element: str, value: str) -> None:
    chrome.js(f"(() => {{ const s = document.getElementById({json.dumps(element)}); "
              f"s.value = {json.dumps(value)}; "
              "s.dispatchEvent(new Event('change')); })()")


def _page_checks(chrome: _Chrome, url: str, shot: Path | None = None) -> dict:
    """Open the page at 1280 px and measure what the browser test asserts."""
    chrome.open(url)
    out: dict = {"url": url}
    out["loaded"] = chrome.poll("document.body.getAttribute('data-images')")
    out["errors_attr"] = chrome.js("document.body.getAttribute('data-errors')")
    out["figure"] = chrome.poll(_FIGURE)
    out["overflow"] = chrome.js(_OVERFLOW)
    out["columns"] = chrome.js(_COLUMNS_VISIBLE)
    out["findings"] = chrome.js(_FINDINGS)
    # hover a point: plotly shows the result's details
    xy = chrome.poll(_POINT)
    out["hover"] = ""
    if xy:
        for dx in (0, 1, -1, 2):
            chrome.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": xy[0] + dx,
                                                     "y": xy[1]})
            out["hover"] = chrome.poll(_HOVER, 2.0)
            if out["hover"]:
                break
    # the selectors: another benchmark, one form
    bench = out["figure"]["benchmarks"][-1] if out["figure"] else None
    if bench:
        _select(chrome, "explorer-benchmark", bench)
        _select(chrome, "explorer-form", "polynomial")
        out["selected"] = chrome.js(_FIGURE)
    # sorting: the fits table by slope, twice
    out["sorted"] = chrome.js("""(() => {
      const th = document.querySelector('table[data-table="fits_polynomial"] th[data-col="slope"]');
      const col = Array.prototype.indexOf.call(th.parentNode.children, th);
      const values = () => Array.from(th.closest("table").tBodies[0].rows).map(
          r => Number(r.cells[col].getAttribute("data-value")));
      th.click(); const up = values(); th.click(); const down = values();
      return {up: up, down: down, aria: th.getAttribute("aria-sort")};
    })()""")
    if shot is not None:
        png = chrome.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": 2400, "scale": 1}})
        shot.write_bytes(base64.b64decode(png["data"]))
    ev = chrome.events
    out["requests"] = [e["params"]["request"]["url"] for e in ev
                       if e.get("method") == "Network.requestWillBeSent"]
    out["failed"] = [e["params"] for e in ev if e.get("method") == "Network.loadingFailed"]
    out["console"] = [
        " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
        for e in ev if e.get("method") == "Runtime.consoleAPICalled"
        and e["params"]["type"] in ("error", "warning", "assert")]
    out["exceptions"] = [e["params"]["exceptionDetails"].get("text") for e in ev
                         if e.get("method") == "Runtime.exceptionThrown"]
    out["log_errors"] = [e["params"]["entry"].get("text") for e in ev
                         if e.get("method") == "Log.entryAdded"
                         and e["params"]["entry"].get("level") == "error"]
    return out


def test_report_in_a_real_headless_browser(report, tmp_path):
    """The page alone (no sibling file) in Debian's chromium at 1280 px: no request but the
    page itself, no console error, no horizontal overflow, the findings first, and the
    interactive figure with hover details, selectors, log axes; tables sort."""
    exe = _chromium()
    out, _ = report
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(out / "index.html", alone / "index.html")  # no tables/, no figures/
    url = (alone / "index.html").resolve().as_uri()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with _Chrome(exe, tmp_path / "profile") as chrome:
        got = _page_checks(chrome, url, ARTIFACTS / "report.png")
    # self-contained: nothing fetched but the page (and data: URIs), nothing failed
    assert [u for u in got["requests"] if u != url and not u.startswith("data:")] == []
    assert got["failed"] == []
    assert got["console"] == [] and got["exceptions"] == [] and got["log_errors"] == []
    ok, total = map(int, got["loaded"].split("/"))
    assert total >= 2 and ok == total, f"{ok} of {total} images rendered"
    assert got["errors_attr"] == "0"
    # readable at 1280 px: nothing wider than the window; dollar and CO2 columns in view
    assert got["overflow"]["width"] >= 1200 and got["overflow"]["bad"] == []
    assert len(got["columns"]) == 4 and all(v for _, v in got["columns"]), got["columns"]
    # findings first, every group listed, no cost where compute explains nothing
    f = got["findings"]
    assert f["present"] and f["first"] == "findings"
    assert f["explained"] and f["not_identified"] and f["too_few"]
    for line in f["not_identified"] + f["too_few"]:
        assert "$" not in line and "FLOP" not in line and "CO2e" not in line, line
    assert any("$" in line and "CO2e" in line for line in f["explained"])
    # one interactive figure on log axes, plotly inlined once; hover shows the details
    fig = got["figure"]
    assert fig and fig["plotly"] == 1 and fig["xtype"] == "log" and fig["ytype"] == "log"
    assert fig["traces"] > len(fig["benchmarks"]) * 3
    assert all(v == (b == fig["benchmark"]) for b, _, v in fig["visible"])
    hover = got["hover"]
    for part in ("date", "error", "FLOP", "compute kind", "row", "match"):
        assert part in hover, (part, hover)
    sel = got["selected"]
    assert sel["benchmark"] == fig["benchmarks"][-1] and sel["form"] == "polynomial"
    assert sel["title"].startswith(sel["benchmark"])
    assert sel["xrange"] == pytest.approx(sel["spec_range"]["x"])
    shown = [(b, form) for b, form, v in sel["visible"] if v]
    assert shown and all(b == sel["benchmark"] and form in (None, "polynomial")
                         for b, form in shown)
    assert any(form == "polynomial" for _, form in shown)
    # tables sort by their raw values, both ways
    up = [v for v in got["sorted"]["up"] if v == v]
    assert up == sorted(up) and got["sorted"]["aria"] == "descending"
    down = [v for v in got["sorted"]["down"] if v == v]
    assert down == sorted(down, reverse=True)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
