"""Render the report's context into one self-contained HTML page (jinja2)."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["fmt", "render", "table_html"]


def fmt(v: Any) -> str:
    """Display form of a table cell: numbers to 3 significant digits (integers whole)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}" if abs(int(v)) >= 10_000 else str(int(v))
    if isinstance(v, (float, np.floating)):
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
            return f"{v:.3g}"
        if 1000 <= abs(v) < 10_000:  # years and the like: no separator
            return f"{v:.0f}" if abs(v - round(v)) < 0.05 else f"{v:.1f}"
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    return str(v)


def table_html(df: pd.DataFrame, name: str, *, columns: list[str] | None = None) -> str:
    """An HTML table whose cells carry the raw value in ``data-value`` (tests compare them
    with the CSV outputs)."""
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = []
    for _, row in df[cols].iterrows():
        cells = []
        for c in cols:
            v = row[c]
            raw = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
                v, (bool, np.bool_))
            cls = ' class="num"' if num else ""
            cells.append(f'<td{cls} data-value="{html.escape(raw)}">{html.escape(fmt(v))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table data-table="{html.escape(name)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def render(ctx: dict[str, Any]) -> str:
    env = Environment(loader=PackageLoader("computelimits.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.filters["fmt"] = fmt
    env.globals["table"] = table_html
    return env.get_template("report.html.j2").render(**ctx)
