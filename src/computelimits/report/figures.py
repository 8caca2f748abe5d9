"""Figures of the report (matplotlib, Agg), saved as PNG and SVG.

The benchmark figures have a fixed layout; the others are laid out once, by their layout
engine (constrained layout), before the PNG is drawn (without the extra draw ``savefig``
makes for a figure with a layout engine), and the SVG reuses those positions and the ticks
located and labelled for the PNG (:func:`freeze_ticks`). No ``bbox_inches="tight"`` (it draws
every figure twice more). Log axes get only the ticks they show (:func:`visible_log_ticks`:
their locators also place ticks a decade beyond the view, which every draw would make and
leave out), and their tick labels are plain text with Unicode superscripts (10²³) rather than
mathtext, whose parser dominated the cost of drawing a figure. A benchmark figure is drawn from
a :class:`BenchmarkSpec` (everything it shows); :func:`save_benchmark_figure` takes the PNG
and SVG of an identical spec from the cache instead of drawing them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    LogFormatter,
    LogFormatterMathtext,
    NullFormatter,
    NullLocator,
)

from computelimits._io import atomic_path, guard_output

__all__ = ["PNG_DPI", "BenchmarkSpec", "benchmark_figure", "benchmark_spec", "draw_benchmark",
           "freeze_ticks", "plain_log_labels", "save", "save_benchmark_figure",
           "visible_log_ticks", "year_ticks"]

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


def visible_log_ticks(fig: Figure) -> Figure:
    """Fix the ticks of every log axis of ``fig`` to those its locators place inside the
    view (by the test a draw uses to leave the others out): the same ticks are drawn, but
    none is made, placed and labelled only to be left out. Only where the labels do not
    depend on the locations given (log and empty formatters) and the view is final (axes
    of automatic aspect; the limits are computed now, as a draw would)."""
    from matplotlib import transforms as mtransforms

    for ax in fig.axes:
        if ax.get_aspect() != "auto":
            continue
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            groups = [(t, locs) for t, locs in ((axis.major, axis.get_majorticklocs()),
                                                 (axis.minor, axis.get_minorticklocs()))
                      if not isinstance(t.locator, (FixedLocator, NullLocator))
                      and isinstance(t.formatter, (LogFormatter, NullFormatter))]
            if not groups:
                continue
            low, high = sorted(axis.get_view_interval())
            transform = axis.get_transform()
            interval = transform.transform([low, high])
            for t, locs in groups:
                shown = [loc for loc in locs if mtransforms._interval_contains_close(
                    interval, transform.transform(loc))]
                t.locator = FixedLocator(shown)
    return fig


def _lay_out(fig: Figure) -> None:
    """Run ``fig``'s layout engine once, at the PNG's resolution, and fix the positions it
    gives (no engine afterwards: ``savefig`` then makes no extra draw to lay it out)."""
    engine = fig.get_layout_engine()
    if engine is None:
        return
    if fig.axes:
        dpi = fig.dpi
        fig.set_dpi(PNG_DPI)
        try:
            engine.execute(fig)
        except ValueError:  # as Figure.draw: a layout that cannot be made is left as it is
            pass
        finally:
            fig.set_dpi(dpi)
    fig.set_layout_engine(None)
    if fig.get_layout_engine() is not None:  # the rc settings ask for one: a placeholder
        fig.set_layout_engine("none")


def save(fig: Figure, folder: Path, stem: str) -> dict[str, str]:
    """Write ``stem``.png and ``stem``.svg into ``folder``; return their relative names.

    A figure with a layout engine (constrained layout) is laid out once, before the PNG is
    drawn, and the SVG is drawn with the same positions."""
    folder.mkdir(parents=True, exist_ok=True)
    for ext in ("png", "svg"):  # by the output rule, both before either is written
        guard_output(folder / f"{stem}.{ext}")
    plain_log_labels(fig)
    visible_log_ticks(fig)
    _lay_out(fig)
    out = {}
    with atomic_path(folder / f"{stem}.png") as tmp:
        fig.savefig(tmp, format="png", dpi=PNG_DPI)
    out["png"] = f"{folder.name}/{stem}.png"
    freeze_ticks(fig)  # the SVG draw does not locate or label the ticks again
    with atomic_path(folder / f"{stem}.svg") as tmp:
        fig.savefig(tmp, format="svg")
    out["svg"] = f"{folder.name}/{stem}.svg"
    plt.close(fig)
    return out


#: Line colour and style of each fitted form a benchmark figure draws.
_STYLES = {"polynomial": ("#d95f02", "-"), "exponential": ("#7570b3", "--")}


@dataclass(frozen=True)
class BenchmarkSpec:
    """Everything a benchmark figure draws (:func:`benchmark_spec`), and nothing else: the
    dated results (compute in FLOP, error, year), the undated ones, each fitted form's curve
    and band (name, compute, error, band low and high, legend label), the axis labels, the
    title and the axis limits."""

    x: np.ndarray
    y: np.ndarray
    year: np.ndarray
    x_undated: np.ndarray
    y_undated: np.ndarray
    curves: tuple[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, str], ...]
    xlabel: str
    ylabel: str
    title: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def digest(self) -> str:
        """sha256 of every value (arrays as float64 bytes with their lengths)."""
        import hashlib
        import json

        h = hashlib.sha256()

        def arr(a: np.ndarray) -> None:
            a = np.ascontiguousarray(a, dtype=np.float64)
            h.update(str(a.shape).encode() + b"\0" + a.tobytes())

        for a in (self.x, self.y, self.year, self.x_undated, self.y_undated):
            arr(a)
        for name, *arrays, label in self.curves:
            h.update(json.dumps([name, label]).encode())
            for a in arrays:
                arr(a)
        h.update(json.dumps([self.xlabel, self.ylabel, self.title, list(self.xlim),
                             list(self.ylim)]).encode())
        return h.hexdigest()


def benchmark_spec(data: pd.DataFrame, fits: dict, title: str) -> BenchmarkSpec:
    """What :func:`benchmark_figure` draws for ``data`` (a benchmark's regression rows) and
    ``fits`` (form → fit)."""
    from computelimits.report.curves import axis_limits, fit_curve

    year = data["year"].to_numpy(float)
    has_year = np.isfinite(year)
    x = 10 ** data["log10_compute"].to_numpy(float)
    error = data["error"].to_numpy(float)
    curves = []
    for name, fit in fits.items():
        if name not in _STYLES:
            continue
        c = fit_curve(data, fit)
        curves.append((name, 10 ** c.log10_compute, c.error, c.band_low, c.band_high,
                       f"{name}: slope {fit.slope_:.3f}"))
    sel = data.attrs.get("selection")
    kind = getattr(sel, "kind", "training")
    label = {"hardware_burden": "hardware burden (FLOP at peak)",
             "imputed_operations": "imputed network operations (FLOP)"}.get(
        kind, f"{kind} compute (FLOP)")
    scale = getattr(sel, "scale", "error")
    xlim, ylim = axis_limits(data)
    return BenchmarkSpec(
        x=x[has_year], y=error[has_year], year=year[has_year], x_undated=x[~has_year],
        y_undated=error[~has_year], curves=tuple(curves), xlabel=label,
        ylabel="error / chance error" if scale == "above-chance" else "error", title=title,
        xlim=(float(xlim[0]), float(xlim[1])), ylim=(float(ylim[0]), float(ylim[1])))


def benchmark_figure(data: pd.DataFrame, fits: dict, title: str) -> Figure:
    """Error against compute for one benchmark: points coloured by year, the polynomial and
    exponential fits with their 95% cluster-bootstrap bands (:func:`~computelimits.report.
    curves.fit_curve`: never drawn above the chance error), axes limited to the data and the
    chance error (:func:`~computelimits.report.curves.axis_limits`)."""
    return draw_benchmark(benchmark_spec(data, fits, title))


def draw_benchmark(spec: BenchmarkSpec) -> Figure:
    """The figure of :func:`benchmark_figure`, drawn from its :class:`BenchmarkSpec`."""
    # a fixed layout (no layout engine): the axes and the colour bar have their places, with
    # room for the tick labels, so drawing needs no layout pass
    fig = plt.figure(figsize=(7.2, 4.6))
    ax = fig.add_axes((0.125, 0.11, 0.7, 0.82))
    sc = ax.scatter(spec.x, spec.y, c=spec.year, cmap="viridis", s=22, edgecolor="none",
                    label="results")
    if len(spec.x_undated):
        ax.scatter(spec.x_undated, spec.y_undated, facecolor="none", edgecolor="0.4", s=22,
                   label="results (no date)")
    if len(spec.year):
        cbar = fig.colorbar(sc, cax=fig.add_axes((0.845, 0.11, 0.025, 0.82)), label="year")
        year_ticks(cbar.ax.yaxis, spec.year)
    else:  # no colour bar: the axes take its place
        ax.set_position((0.125, 0.11, 0.845, 0.82))
    for name, x, y, low, high, label in spec.curves:
        color, ls = _STYLES[name]
        ax.plot(x, y, color=color, ls=ls, lw=1.8, label=label)
        if len(low):
            ax.fill_between(x, low, high, color=color, alpha=0.15, lw=0)
    ax.set(xscale="log", yscale="log", xlabel=spec.xlabel, ylabel=spec.ylabel)
    # the title at the top of the axes, where the automatic placement puts it (nothing is
    # drawn above the axes), without that placement's measuring at every draw
    ax.set_title(spec.title, y=1.0)
    ax.set_xlim(*spec.xlim)
    ax.set_ylim(*spec.ylim)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def save_benchmark_figure(data: pd.DataFrame, fits: dict, title: str, folder: Path,
                          stem: str, *, cache: bool = True) -> dict[str, str]:
    """:func:`benchmark_figure` saved as :func:`save` does; with ``cache``, the PNG and SVG
    of an identical earlier figure (the same :class:`BenchmarkSpec`, drawing code,
    matplotlib and settings) are taken from the cache instead of being drawn again, and
    those drawn are cached (``<cache>/figures/``, :mod:`computelimits._cache`)."""
    spec = benchmark_spec(data, fits, title)
    if not cache:
        return save(draw_benchmark(spec), folder, stem)
    from computelimits import _cache

    key = _cache.digest({"spec": spec.digest(), "code": _cache.source_digest(
        "report/figures.py"), "matplotlib": matplotlib.__version__, "dpi": PNG_DPI,
        "rc": _rc_digest()})
    path = _cache.cache_folder("figures") / f"{_cache.digest(stem)[:16]}-{key[:32]}.pkl"
    hit = _cache.load_pickle(path, key)
    if (isinstance(hit, tuple) and len(hit) == 2
            and all(isinstance(b, bytes) for b in hit)):
        return _write_saved(folder, stem, {"png": hit[0], "svg": hit[1]})
    out = save(draw_benchmark(spec), folder, stem)
    try:
        saved = ((folder / f"{stem}.png").read_bytes(), (folder / f"{stem}.svg").read_bytes())
    except OSError:
        return out
    _cache.store_latest(path, key, saved)  # the same figure for other data or code: stale
    return out


def _rc_digest() -> str:
    """sha256 of the matplotlib settings in force (the backend aside)."""
    from computelimits import _cache

    return _cache.digest({k: repr(v) for k, v in matplotlib.rcParams.items()
                          if k != "backend"})


def _write_saved(folder: Path, stem: str, files: dict[str, bytes]) -> dict[str, str]:
    """Write the PNG and SVG bytes of a figure as :func:`save` writes a drawn one."""
    folder.mkdir(parents=True, exist_ok=True)
    for ext in files:  # by the output rule, both before either is written
        guard_output(folder / f"{stem}.{ext}")
    out = {}
    for ext, blob in files.items():
        with atomic_path(folder / f"{stem}.{ext}") as tmp:
            tmp.write_bytes(blob)
        out[ext] = f"{folder.name}/{stem}.{ext}"
    return out


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
