"""Render the report's context into one self-contained HTML page (jinja2).

Tables: every cell keeps its raw value in ``data-value`` (tests compare them with the CSV
outputs, and the page sorts on them) and shows it in the format of its unit
(:func:`computelimits.report.formatting.for_column`). A column ``x`` with ``x_ci_low`` and
``x_ci_high`` beside it becomes one column whose cells show the interval under the value
(``data-low`` / ``data-high``, named by ``data-low-col`` / ``data-high-col``); an interval
without its value (``x_pred_ci_*``) becomes a column of its own.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from computelimits.report import formatting as fm

__all__ = ["LABELS", "fmt", "render", "table_html"]

#: Column headers in words (any other column: its name with spaces; the name itself is the
#: header's tooltip and its ``data-col``).
LABELS = {
    "log10_compute": "compute", "log10_compute_pred": "compute, 95% prediction interval",
    "usd": "cost", "co2_kg": "CO2e", "paper_usd": "cost, paper's conventions",
    "paper_co2_kg": "CO2e, paper's conventions", "usd_now": "cost bought now",
    "usd_in_1y": "cost bought in 1 year", "usd_in_2y": "cost bought in 2 years",
    "co2_kg_now": "CO2e now", "r2": "R²", "n": "N",
    "backtest_forward_coverage": "backtest coverage of 95% intervals",
    "backtest_inverse_medae_oom": "backtest median miss (orders of magnitude)",
    "orders_beyond_data": "orders of magnitude beyond the data",
    "rate_oom_per_year": "progress (orders of magnitude per year)",
    "median_abs_error_oom": "median abs error (orders of magnitude)",
    "bias_oom": "bias (orders of magnitude)",
    "inverse_medae_oom": "inverse median abs error (orders of magnitude)",
    "inverse_bias_oom": "inverse bias (orders of magnitude)",
    "halving_multiple": "compute multiple that halves the error",
    "flop_multiple_vs_expert": "FLOP multiple of the Expert's",
}


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


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
        v, (bool, np.bool_))


def cell_text(col: str, v: Any) -> str:
    """What a cell of column ``col`` shows (units from the column's name; one quantity never
    breaks across lines)."""
    if _missing(v):
        return ""
    if col.startswith("skill") and _is_number(v):
        return _skill(col, v)
    fn = fm.for_column(col)
    if fn is not None and _is_number(v):
        return fn(v).replace(" ", "\u00a0")
    return fmt(v)


def _skill(col: str, v: Any) -> str:
    """A skill score (1 − median |error| ÷ the baseline's; unitless) to two decimals, as
    precise as the rolling-origin evaluation behind it: the value with its sign
    (``+0.02``), the ends of its interval (``skill_*_ci_low`` / ``_ci_high``) without a
    plus (``[−0.05, 0.09]``), a real minus sign either way; ±∞ as :func:`fmt` writes it."""
    x = float(v)
    if math.isinf(x):
        return fmt(x)
    plus = "" if col.endswith(("_ci_low", "_ci_high")) else "+"
    text = f"{x:{plus}.2f}"
    if text in ("+0.00", "-0.00"):  # no sign on a skill that rounds to zero
        text = "0.00"
    return text.replace("-", fm.MINUS)


def _raw(v: Any) -> str:
    return "" if _missing(v) else str(v)


def _layout(cols: list[str]) -> list[tuple[str | None, str | None, str | None, str]]:
    """(value column, low column, high column, label key) per displayed column."""
    out: list[tuple[str | None, str | None, str | None, str]] = []
    used: set[str] = set()
    for c in cols:
        if c in used:
            continue
        lo, hi = f"{c}_ci_low", f"{c}_ci_high"
        if lo in cols and hi in cols:
            out.append((c, lo, hi, c))
            used |= {c, lo, hi}
            continue
        if c.endswith("_ci_low"):
            base = c[: -len("_ci_low")]
            if base + "_ci_high" in cols and base not in cols:
                out.append((None, c, base + "_ci_high", base))
                used |= {c, base + "_ci_high"}
                continue
        out.append((c, None, None, c))
        used.add(c)
    return out


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def table_html(df: pd.DataFrame, name: str, *, columns: list[str] | None = None) -> str:
    """A sortable HTML table (see the module docstring for the cells' attributes)."""
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    layout = _layout(cols)
    head = []
    for main, lo, hi, key in layout:
        attrs = f' data-col="{html.escape(main)}"' if main else ""
        tip = main or f"{lo}, {hi}"
        ci = ""
        if lo:
            attrs += f' data-low-col="{html.escape(lo)}" data-high-col="{html.escape(hi)}"'
            ci = '<span class="ci">95% interval</span>' if main else ""
        head.append(f'<th{attrs} title="{html.escape(tip)}" tabindex="0">'
                    f"{html.escape(_label(key))}{ci}</th>")
    body = []
    for row in df[cols].to_dict(orient="records"):
        cells = []
        for main, lo, hi, _ in layout:
            v = row[main] if main else row[lo]
            attrs = f' data-col="{html.escape(main)}"' if main else ""
            attrs += f' data-value="{html.escape(_raw(v))}"'
            num = _is_number(v)
            text = html.escape(cell_text(main, v)) if main else ""
            if lo:
                vlo, vhi = row[lo], row[hi]
                attrs += (f' data-low-col="{html.escape(lo)}" data-low="{html.escape(_raw(vlo))}"'
                          f' data-high-col="{html.escape(hi)}"'
                          f' data-high="{html.escape(_raw(vhi))}"')
                if not (_missing(vlo) and _missing(vhi)):
                    span = (f"[{html.escape(cell_text(lo, vlo)) or fm.MISSING}, "
                            f"{html.escape(cell_text(hi, vhi)) or fm.MISSING}]")
                    text = f'{text}<span class="ci">{span}</span>' if main else span
                num = num or _is_number(vlo)
            cls = ' class="num"' if num else ""
            cells.append(f"<td{cls}{attrs}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table data-table="{html.escape(name)}" class="sortable"><thead><tr>'
            f'{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def render(ctx: dict[str, Any]) -> str:
    env = Environment(loader=PackageLoader("computelimits.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.filters["fmt"] = fmt
    env.globals["table"] = table_html
    return env.get_template("report.html.j2").render(**ctx)
