"""Figures of the report (matplotlib, Agg), saved as PNG and SVG.

The benchmark figures have a fixed layout; the others are laid out once, by their layout
engine (constrained layout), when the PNG is drawn, and the SVG reuses those positions and
the ticks located and labelled for the PNG (:func:`freeze_ticks`). No
``bbox_inches="tight"`` (it draws every figure twice more). Tick labels of log axes are plain
text with Unicode superscripts (10²³) rather than mathtext, whose parser dominated the cost
of drawing a figure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FixedFormatter,
    FixedLocator,
    LogFormatterMathtext,
    NullFormatter,
)

from computelimits._io import atomic_path, guard_output

__all__ = ["PNG_DPI", "benchmark_figure", "freeze_ticks", "plain_log_labels", "save",
           "year_ticks"]

#: Resolution of the PNG figures (the benchmark figures are 720 px wide, shown at about
#: 470 px in the report's grid; the wide figures 1,100–1,500 px).
PNG_DPI = 100

_MATH = re.compile(r"\$\\mathdefault\{(.*)\}\$")
_EXPONENT = re.compile(r"\^\{(-?\d+)\}")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _plain(label: str) -> str:
    """``$\\mathdefault{2\\times10^{-1}}$`` → ``2×10⁻¹`` (other mathtext unchanged)."""
    m = _MATH.fullmatch(label)
    if m is None:
        return label
    body = _EXPONENT.sub(lambda e: e.group(1).translate(_SUPERSCRIPT),
                         m.group(1).replace(r"\times", "×"))
    if "\\" in body or "{" in body or "$" in body:
        return label
    return body.replace("-", "\u2212")


_PLAIN_CLASSES: dict[type, type] = {}


def _plain_class(cls: type) -> type:
    if cls not in _PLAIN_CLASSES:
        def __call__(self: Any, x: float, pos: int | None = None) -> str:  # noqa: N807
            return _plain(cls.__call__(self, x, pos))

        _PLAIN_CLASSES[cls] = type(f"Plain{cls.__name__}", (cls,), {"__call__": __call__})
    return _PLAIN_CLASSES[cls]


def plain_log_labels(fig: Figure) -> Figure:
    """Make the log-axis tick labels of every axes of ``fig`` plain text (Unicode
    superscripts) instead of mathtext; the ticks themselves are unchanged."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for fmt in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(fmt, LogFormatterMathtext) and type(fmt) not in (
                        _PLAIN_CLASSES.values()):
                    fmt.__class__ = _plain_class(type(fmt))
    return fig


def freeze_ticks(fig: Figure) -> Figure:
    """Fix the ticks of every axis of ``fig`` where the last draw put them (their locations
    and labels, major and minor): a later draw — the SVG after the PNG — shows the same
    ticks without locating and formatting them again (the log locators' work)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            # the locations a draw uses (minor ones on a major one left out), then the
            # labels the formatter gives them, in that order (FixedFormatter labels by index)
            for t, locs in ((axis.major, axis.get_majorticklocs()),
                            (axis.minor, axis.get_minorticklocs())):
                if isinstance(t.locator, FixedLocator) and isinstance(
                        t.formatter, (FixedFormatter, NullFormatter)):
                    continue
                labels = t.formatter.format_ticks(locs)
                t.locator = FixedLocator(locs)
                t.formatter = FixedFormatter(labels)
    return fig


def save(fig: Figure, folder: Path, stem: str) -> dict[str, str]:
    """Write ``stem``.png and ``stem``.svg into ``folder``; return their relative names.

    A figure with a layout engine (constrained layout) is laid out once, while the PNG is
    drawn, and the SVG is drawn with the same positions."""
    folder.mkdir(parents=True, exist_ok=True)
    for ext in ("png", "svg"):  # by the output rule, both before either is written
        guard_output(folder / f"{stem}.{ext}")
    plain_log_labels(fig)
    out = {}
    with atomic_path(folder / f"{stem}.png") as tmp:
        fig.savefig(tmp, format="png", dpi=PNG_DPI)
    out["png"] = f"{folder.name}/{stem}.png"
    fig.set_layout_engine("none")  # keep the positions just computed
    freeze_ticks(fig)  # and the ticks: the SVG draw does not locate or label them again
    with atomic_path(folder / f"{stem}.svg") as tmp:
        fig.savefig(tmp, format="svg")
    out["svg"] = f"{folder.name}/{stem}.svg"
    plt.close(fig)
    return out


def benchmark_figure(data: pd.DataFrame, fits: dict, title: str) -> Figure:
    """Error against compute for one benchmark: points coloured by year, the polynomial and
    exponential fits with their 95% cluster-bootstrap bands (:func:`~computelimits.report.
    curves.fit_curve`: never drawn above the chance error), axes limited to the data and the
    chance error (:func:`~computelimits.report.curves.axis_limits`)."""
    from computelimits.report.curves import axis_limits, fit_curve

    # a fixed layout (no layout engine): the axes and the colour bar have their places, with
    # room for the tick labels, so drawing needs no layout pass
    fig = plt.figure(figsize=(7.2, 4.6))
    ax = fig.add_axes((0.125, 0.11, 0.7, 0.82))
    year = data["year"].to_numpy(float)
    has_year = np.isfinite(year)
    sc = ax.scatter(10 ** data.loc[has_year, "log10_flop"], data.loc[has_year, "error"],
                    c=year[has_year], cmap="viridis", s=22, edgecolor="none", label="results")
    if (~has_year).any():
        ax.scatter(10 ** data.loc[~has_year, "log10_flop"], data.loc[~has_year, "error"],
                   facecolor="none", edgecolor="0.4", s=22, label="results (no date)")
    if has_year.any():
        cbar = fig.colorbar(sc, cax=fig.add_axes((0.845, 0.11, 0.025, 0.82)), label="year")
        year_ticks(cbar.ax.yaxis, year[has_year])
    else:  # no colour bar: the axes take its place
        ax.set_position((0.125, 0.11, 0.845, 0.82))
    styles = {"polynomial": ("#d95f02", "-"), "exponential": ("#7570b3", "--")}
    for name, fit in fits.items():
        if name not in styles:
            continue
        color, ls = styles[name]
        c = fit_curve(data, fit)
        ax.plot(10 ** c.log10_flop, c.error, color=color, ls=ls, lw=1.8,
                label=f"{name}: slope {fit.slope_:.3f}")
        if len(c.band_low):
            ax.fill_between(10 ** c.log10_flop, c.band_low, c.band_high, color=color,
                            alpha=0.15, lw=0)
    sel = data.attrs.get("selection")
    kind = getattr(sel, "kind", "training")
    label = {"hardware_burden": "hardware burden (FLOP at peak)",
             "imputed_operations": "imputed network operations (FLOP)"}.get(
        kind, f"{kind} compute (FLOP)")
    scale = getattr(sel, "scale", "error")
    ax.set(xscale="log", yscale="log", xlabel=label,
           ylabel="error / chance error" if scale == "above-chance" else "error")
    # the title at the top of the axes, where the automatic placement puts it (nothing is
    # drawn above the axes), without that placement's measuring at every draw
    ax.set_title(title, y=1.0)
    xlim, ylim = axis_limits(data)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def year_ticks(axis: Any, years: np.ndarray) -> None:
    """Plain year labels on a colour bar's axis: whole years (2021, 2022) when the data span
    two years or more, else one decimal (2023.5); never an offset or scientific notation."""
    from matplotlib.ticker import FormatStrFormatter, MaxNLocator

    span = float(np.nanmax(years) - np.nanmin(years)) if len(years) else 0.0
    if span >= 2:
        axis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        axis.set_major_formatter(FormatStrFormatter("%d"))
    else:
        axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        axis.set_major_formatter(FormatStrFormatter("%.1f" if span >= 0.2 else "%.2f"))
