"""The report's tables: raw values kept for sorting and checking, units shown, intervals under
their value, headers in words with the column's name beside them."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import pandas as pd

from computelimits.report.render import table_html


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.head: list[dict] = []
        self.rows: list[list[tuple[dict, str]]] = []
        self._td: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.head.append(dict(attrs))
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._td, self._text = dict(attrs), []
        elif tag == "span" and self._td is not None:
            self._text.append(" | ")

    def handle_data(self, data):
        if self._td is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1].append((self._td, "".join(self._text)))
            self._td = None


def _table(df, **kw) -> _Cells:
    p = _Cells()
    p.feed(table_html(df, "t", **kw))
    p.rows = [r for r in p.rows if r]
    return p


DF = pd.DataFrame({
    "benchmark": ["mmlu", "boolq"], "identified": [True, False],
    "log10_compute": [27.46, math.nan], "log10_compute_ci_low": [26.72, math.nan],
    "log10_compute_ci_high": [28.88, math.nan], "log10_compute_pred_ci_low": [26.2, math.nan],
    "log10_compute_pred_ci_high": [29.1, math.nan], "usd": [1.02e10, math.nan],
    "usd_ci_low": [1.85e9, math.nan], "usd_ci_high": [2.64e11, math.inf],
    "co2_kg": [2.2e9, math.nan], "backtest_forward_coverage": [0.723, 0.9], "n": [88, 40]})


def test_values_carry_units_and_intervals_sit_under_them():
    p = _table(DF)
    cols = [h.get("data-col") for h in p.head]
    assert cols == ["benchmark", "identified", "log10_compute", None, "usd", "co2_kg",
                    "backtest_forward_coverage", "n"]
    pred = p.head[3]
    assert pred["data-low-col"] == "log10_compute_pred_ci_low"
    mmlu = dict(zip(cols, p.rows[0], strict=True))
    attrs, text = mmlu["log10_compute"]
    assert attrs["data-value"] == "27.46" and attrs["data-low"] == "26.72"
    assert attrs["data-high-col"] == "log10_compute_ci_high"
    assert text == "10^27.5\u00a0FLOP | [10^26.7\u00a0FLOP, 10^28.9\u00a0FLOP]"
    assert mmlu["usd"][1] == "$10\u00a0billion | [$1.9\u00a0billion, $264\u00a0billion]"
    assert mmlu["co2_kg"][1] == "2.2\u00a0Mt\u00a0CO2e"
    assert mmlu["backtest_forward_coverage"][1] == "72%"
    assert mmlu["identified"][1] == "yes" and mmlu["n"][1] == "88"
    assert p.rows[0][3][1] == "[10^26.2\u00a0FLOP, 10^29.1\u00a0FLOP]"
    # missing values are blank, an unbounded end says so
    boolq = dict(zip(cols, p.rows[1], strict=True))
    assert boolq["log10_compute"] == ({**boolq["log10_compute"][0]}, "")
    assert boolq["usd"][1] == " | [—, unbounded]" and boolq["usd"][0]["data-high"] == "inf"


def test_headers_are_words_with_the_column_name_as_tooltip():
    html = table_html(DF, "t", columns=["benchmark", "usd", "usd_ci_low", "usd_ci_high", "n"])
    heads = re.findall(r"<th( [^>]*)>(.*?)</th>", html)
    assert [h[1] for h in heads][:2] == ["benchmark", 'cost<span class="ci">95% interval</span>']
    assert 'title="usd"' in heads[1][0] and 'tabindex="0"' in heads[1][0]
    assert 'class="sortable"' in html


def test_cells_are_escaped():
    df = pd.DataFrame({"model": ["<script>alert(1)</script>"], "n": [1]})
    html = table_html(df, "t")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_skills_have_two_decimals_and_a_sign():
    """The by-horizon table: a skill as precise as the evaluation behind it (+0.02
    [−0.05, 0.09]), not to four significant digits."""
    df = pd.DataFrame({"horizon": ["0-1y"], "model": ["nested"],
                       "skill_vs_compute_only": [0.0244],
                       "skill_vs_compute_only_ci_low": [-0.0529],
                       "skill_vs_compute_only_ci_high": [0.0945], "skill_vs_naive": [-0.3126]})
    p = _table(df)
    cells = {h.get("data-col"): c for h, c in zip(p.head, p.rows[0], strict=True)}
    attrs, text = cells["skill_vs_compute_only"]
    assert text == "+0.02 | [\u22120.05, 0.09]"
    assert attrs["data-value"] == "0.0244" and attrs["data-low"] == "-0.0529"
    assert cells["skill_vs_naive"][1] == "\u22120.31"
