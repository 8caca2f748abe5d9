"""The report's interactive figure (plotly, imported only when a report is built).

One figure of error against compute with a benchmark and a form selector: the results as
points coloured by year (hover: model, date, error, compute and its kind, the source file and
row of the result and of its compute figure, the rule that matched them), the fitted forms as
lines with their 95% bootstrap bands, never drawn above the chance error, on log axes limited
to the data and the chance error (zoom and pan work on the log scales).

:func:`benchmark_explorer` returns the figure as plain JSON-able data (checked against
plotly's schema); :func:`explorer_json` writes it as strict JSON for a ``<script
type="application/json">`` element; :func:`plotly_js` is plotly.js itself, which the page
inlines once for all figures — its basic partial bundle (scatter traces are all the
figure needs), 1.2 MB instead of the full bundle's 4.8 MB.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from computelimits.report import formatting as fm

__all__ = ["FORM_STYLE", "benchmark_explorer", "explorer_json", "plotly_js"]

#: form -> (colour, dash) of its line; its band is the same colour, translucent.
FORM_STYLE = {"polynomial": ("#d95f02", "solid"), "exponential": ("#7570b3", "dash"),
              "logit": ("#1b9e77", "dot")}

_HOVER = ("<b>%{customdata[0]}</b><br>date %{customdata[1]}<br>error %{customdata[2]}"
          "<br>compute %{customdata[3]}<br>compute kind %{customdata[4]}"
          "<br>result: %{customdata[5]}<br>compute figure: %{customdata[6]}"
          "<br>match: %{customdata[7]}<extra></extra>")

_FONT = '"DejaVu Sans", Arial, sans-serif'

_KIND_AXIS = {"hardware_burden": "hardware burden (FLOP at peak)",
              "imputed_operations": "imputed network operations (FLOP)"}


#: plotly.js's "basic" partial bundle (scatter, bar and pie traces with every layout
#: component: log axes, colour bars, hover labels): the npm package
#: ``plotly.js-basic-dist-min`` (MIT licence; © Plotly, Inc.) at the version of the
#: plotly.js that the pinned plotly package ships, downloaded on first use from its pinned
#: tarball and checked against its sha256 (like every data file: nothing copied into this
#: repository), then kept in the cache. The report draws scatter traces only, so the
#: 1.2 MB basic bundle does what the 4.8 MB full one does; where it cannot be had (no
#: network on first use, another plotly version), the full bundle of the installed plotly
#: package is used and the page is larger.
BASIC_BUNDLE_VERSION = "4.1.1"
BASIC_BUNDLE_URL = ("https://registry.npmjs.org/plotly.js-basic-dist-min/-/"
                    f"plotly.js-basic-dist-min-{BASIC_BUNDLE_VERSION}.tgz")
BASIC_BUNDLE_TGZ_SHA256 = "ea907f854b6cec4f6a2fa71540ec019a21ed2c61e6a109ddd5c072103a96eed0"
BASIC_BUNDLE_SHA256 = "99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba"

#: The trace types the basic bundle draws (the figure is checked against them).
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})


def basic_bundle() -> str | None:
    """The basic bundle's text from the cache, downloaded and verified on first use; None
    where it cannot be had or does not match its pin."""
    import hashlib

    import pooch

    from computelimits.data.fetch import cache_dir

    try:
        files = pooch.retrieve(BASIC_BUNDLE_URL, known_hash=f"sha256:{BASIC_BUNDLE_TGZ_SHA256}",
                               path=cache_dir() / "plotly", progressbar=False,
                               processor=pooch.Untar(members=["package/plotly-basic.min.js"]))
        text = Path(files[0]).read_text(encoding="utf-8")
    except Exception:  # no network, a refused download, a changed file: the full bundle
        return None
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != BASIC_BUNDLE_SHA256:
        return None
    return text


def plotly_js() -> str:
    """plotly.js for the page (one copy for every figure): the basic partial bundle when it
    is the version of the plotly.js that the installed plotly package ships (and it could be
    had, :func:`basic_bundle`), else that full bundle — a figure made for one version is drawn
    by it."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if get_plotlyjs_version() != BASIC_BUNDLE_VERSION:
        return get_plotlyjs()
    text = basic_bundle()
    return text if text is not None else get_plotlyjs()


def _text(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _where(file: Any, row: Any, source: Any = None) -> str:
    """``source: file row N`` (whatever of it is known)."""
    f, r, s = _text(file), _text(row), _text(source)
    out = f"{f} row {r}" if f and r else f or (f"row {r}" if r else "")
    return f"{s}: {out}" if s and out else s or out or "not recorded"


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _hover_rows(d: pd.DataFrame) -> list[list[str]]:
    col = d.get
    err = col("error_raw", col("error"))
    n = len(d)
    none = pd.Series([None] * n, index=d.index)
    out = []
    for i, (model, date, e, lf, kind, src, sfile, srow, cfile, crow, csrc, rule,
            note) in enumerate(zip(
            col("model", none), col("date", none), err, d["log10_compute"],
            col("compute_kind", none), col("source", none), col("source_file", none),
            col("source_row", none), col("compute_source_file", none),
            col("compute_source_row", none), col("compute_source", none),
            col("match_rule", none), col("match_note", none), strict=True)):
        rule_text = _text(rule) or "not recorded"
        if _text(note):
            rule_text += f" ({_short(_text(note))})"
        row = [_text(model) or f"result {i + 1}", _text(date) or "unknown",
               fm.error(e), fm.flop(lf), _text(kind) or "not recorded",
               _where(sfile, srow, src), _where(cfile, crow, csrc), rule_text]
        # plotly renders hover text as (a subset of) HTML: names from users' files are text
        out.append([html.escape(v, quote=False) for v in row])
    return out


def _nums(a: np.ndarray, digits: int = 5) -> list[float | None]:
    """Floats rounded to ``digits`` significant digits, None for NaN (a gap in the line)."""
    out: list[float | None] = []
    for v in np.asarray(a, float):
        out.append(None if not math.isfinite(v) else float(f"{v:.{digits}g}"))
    return out


def benchmark_explorer(datasets: dict[str, pd.DataFrame], fitted: dict[str, dict[str, Any]],
                       *, points: int = 60) -> dict[str, Any]:
    """The figure of every fitted benchmark: ``{"figure": {"data", "layout"}, "traces":
    [[benchmark, form or None], ...], "ranges": {benchmark: {"x", "y", "title"}},
    "benchmarks": [...], "forms": [...]}`` — one trace list for all benchmarks, shown one
    benchmark (and one form, or all) at a time by the page's selectors. Axis ranges are log10
    of the data's limits (:func:`~computelimits.report.curves.axis_limits`)."""
    from computelimits.report.curves import axis_limits, fit_curve

    data_traces: list[dict[str, Any]] = []
    traces: list[list[str | None]] = []
    ranges: dict[str, dict[str, Any]] = {}
    forms_seen: list[str] = []
    first = next(iter(fitted), None)
    for bench, fits in fitted.items():
        d = datasets[bench]
        visible = bench == first
        sel = d.attrs.get("selection")
        kind = getattr(sel, "kind", None) or "training"
        (x0, x1), (y0, y1) = axis_limits(d)
        year = d["year"].to_numpy(float) if "year" in d else np.full(len(d), np.nan)
        dated = np.isfinite(year)
        hover = _hover_rows(d)
        x = 10.0 ** d["log10_compute"].to_numpy(float)
        y = d["error"].to_numpy(float)
        if dated.any():
            lo_y, hi_y = float(np.nanmin(year)), float(np.nanmax(year))
            data_traces.append({
                "type": "scatter", "mode": "markers", "name": "results",
                "legendgroup": "results", "visible": visible,
                "x": _nums(x[dated]), "y": _nums(y[dated]),
                "customdata": [h for h, k in zip(hover, dated, strict=True) if k],
                "hovertemplate": _HOVER,
                "marker": {"size": 8, "color": _nums(year[dated]), "colorscale": "Viridis",
                           "cmin": lo_y, "cmax": max(hi_y, lo_y + 0.1), "showscale": True,
                           "colorbar": _year_bar(lo_y, hi_y)}})
            traces.append([bench, None])
        if (~dated).any():
            data_traces.append({
                "type": "scatter", "mode": "markers", "name": "results (no date)",
                "visible": visible, "x": _nums(x[~dated]), "y": _nums(y[~dated]),
                "customdata": [h for h, k in zip(hover, dated, strict=True) if not k],
                "hovertemplate": _HOVER,
                "marker": {"size": 8, "color": "rgba(0,0,0,0)",
                           "line": {"color": "#666", "width": 1.2}}})
            traces.append([bench, None])
        floor = y0 / 10  # the band's lower edge on a log axis: below the view, never <= 0
        for form, fit in fits.items():
            if form not in FORM_STYLE:
                continue
            if form not in forms_seen:
                forms_seen.append(form)
            color, dash = FORM_STYLE[form]
            c = fit_curve(d, fit, points)
            cx = 10.0 ** c.log10_compute
            if len(c.band_low):
                lo = np.maximum(c.band_low, floor)
                hi = np.maximum(c.band_high, floor)
                data_traces.append({
                    "type": "scatter", "mode": "lines", "name": f"{form}: 95% band",
                    "visible": visible, "x": _nums(np.r_[cx, cx[::-1]]),
                    "y": _nums(np.r_[hi, lo[::-1]]), "fill": "toself",
                    "fillcolor": _rgba(color, 0.15), "line": {"width": 0},
                    "hoverinfo": "skip", "showlegend": False})
                traces.append([bench, form])
            data_traces.append({
                "type": "scatter", "mode": "lines", "visible": visible,
                "name": f"{form}: slope {fm.slope(fit.slope_)}",
                "x": _nums(cx), "y": _nums(c.error),
                "customdata": [fm.flop(v) for v in c.log10_compute],
                "hovertemplate": f"{form} fit<br>compute %{{customdata}}<br>"
                                 "fitted error %{y:.3p}<extra></extra>",
                "line": {"color": color, "dash": dash, "width": 2.2}})
            traces.append([bench, form])
        chance = getattr(sel, "chance_error", None)
        title = (f"{bench}: {len(d)} results, {kind} compute"
                 + (f"; chance error {fm.error(chance)}" if chance and chance < 1 else ""))
        ranges[bench] = {"x": [math.log10(x0), math.log10(x1)],
                         "y": [math.log10(y0), math.log10(y1)], "title": title,
                         "xtitle": _KIND_AXIS.get(kind, f"{kind} compute (FLOP)"),
                         "ytitle": ("error / chance error"
                                    if getattr(sel, "scale", "error") == "above-chance"
                                    else "error")}
    r0 = ranges.get(first, {"x": [20, 26], "y": [-2, 0], "title": "", "xtitle": "compute",
                            "ytitle": "error"})
    layout = {
        "height": 560, "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"family": _FONT},
        "title": {"text": r0["title"], "x": 0.02, "font": {"size": 15}},
        "xaxis": {"type": "log", "range": r0["x"], "title": {"text": r0["xtitle"]},
                  "exponentformat": "power", "showline": True, "linecolor": "#888",
                  "gridcolor": "#eee"},
        "yaxis": {"type": "log", "range": r0["y"], "title": {"text": r0["ytitle"]},
                  "showline": True, "linecolor": "#888", "gridcolor": "#eee"},
        "legend": {"orientation": "h", "y": -0.15, "x": 0, "font": {"size": 11}},
        "hovermode": "closest", "hoverlabel": {"align": "left", "font": {"size": 12}},
    }
    spec = {"figure": {"data": data_traces, "layout": layout}, "traces": traces,
            "ranges": ranges, "benchmarks": list(fitted), "forms": forms_seen}
    _validate(spec["figure"])
    return spec


def _year_bar(lo: float, hi: float) -> dict[str, Any]:
    """A colour bar of years with plain labels (2021, 2022 or 2023.5), never an SI suffix
    or an offset: whole-year ticks when the data span two years or more."""
    bar: dict[str, Any] = {"title": {"text": "year"}, "thickness": 14}
    if hi - lo >= 2:
        step = 1 if hi - lo <= 8 else (2 if hi - lo <= 16 else 5)
        bar.update(tickmode="linear", tick0=math.ceil(lo), dtick=step, tickformat="d")
    else:
        bar.update(tickformat=".1f" if hi - lo >= 0.2 else ".2f")
    return bar


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _validate(figure: dict[str, Any]) -> None:
    """Raise if the figure has an attribute plotly does not know (plotly's own schema), or a
    trace the page's partial bundle does not draw (:data:`BASIC_TRACES`)."""
    import plotly.graph_objects as go

    go.Figure(figure)
    other = {t.get("type", "scatter") for t in figure.get("data", [])} - BASIC_TRACES
    if other:
        raise ValueError(f"trace type(s) {', '.join(sorted(other))} are not in plotly.js's "
                         "basic bundle that the report inlines: inline a bundle that has them")


def explorer_json(spec: dict[str, Any]) -> str:
    """Strict JSON (:mod:`computelimits._json`) safe inside a ``<script>`` element."""
    from computelimits._json import dumps

    return dumps(spec, indent=None).replace("</", "<\\/")
