"""The report's figure of compute growth against hardware progress (matplotlib, imported when
a figure is drawn)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from computelimits.errors import ConfigError
from computelimits.scaling.compute_growth import SUBSET_LABEL
from computelimits.scaling.dates import period_bounds

if TYPE_CHECKING:
    from computelimits.scaling.compute_vs_hardware import TrendReport

__all__ = ["PLOT_SERIES", "plot_trends"]

#: Hardware series drawn by :func:`plot_trends` by default (``{base}``: the report's base year).
PLOT_SERIES = ("ml_fp32_flops", "ml_max16_flops", "ml_fp32_flops_per_usd_{base}",
               "cpu_transistors", "cpu_specint")

#: era -> (colour, marker size, alpha) of the training-compute points
ERA_STYLE = {
    "pre_deep_learning": ("#7f7f7f", 14, 0.5),
    "deep_learning": ("#1f77b4", 10, 0.25),
    "large_scale": ("#d62728", 16, 0.5),
}


def plot_trends(report: TrendReport, *, hardware: Sequence[str] | None = None,
                ax: Any = None) -> Any:
    """One log-scale figure: training compute of the models (points, by era) with the fitted
    line of each era and the common-period compute fit (dotted), and the hardware series
    (``hardware``, default ``PLOT_SERIES``; Moore's-law series over all their years) rescaled
    so that each fitted line meets the common-period compute fit at the start of the period.
    Returns the matplotlib Figure (drawn into ``ax`` when given)."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 6.5), layout="constrained")
    else:
        fig = ax.figure
    era = report.eras
    big = np.zeros(0)
    if "large_scale" in era:
        big = era["large_scale"].t
    for key, (color, size, alpha) in ERA_STYLE.items():
        if key not in era:
            continue
        f = era[key]
        pts = ~np.isin(f.t, big) if key == "deep_learning" else np.ones(f.n, dtype=bool)
        ax.scatter(f.t[pts], 10.0 ** f.y[pts], s=size, color=color, alpha=alpha,
                   marker="D" if key == "large_scale" else "o", edgecolors="none", zorder=2)
        tt = np.linspace(f.start, f.end, 50)
        ax.plot(tt, 10.0 ** f.predict(tt), color=color, lw=2.4, zorder=4,
                label=f"{f.label}: doubling {f.doubling_months:.1f} mo")
    comp = report.compute
    lo_t = period_bounds(*report.period)[0]
    t_a = lo_t if math.isfinite(lo_t) else comp.start
    tt = np.linspace(t_a, comp.end, 50)
    ax.plot(tt, 10.0 ** comp.predict(tt), color="black", lw=1.6, ls=":", zorder=5,
            label=f"{comp.label}, {report.period[0]}-{report.period[1]}: doubling "
                  f"{comp.doubling_months:.1f} mo")
    anchor = float(comp.predict(t_a))
    pool = {**report.hardware, **report.moore}
    names = [s.format(base=report.base_year) for s in (hardware or PLOT_SERIES)]
    colors = plt.get_cmap("tab10").colors
    palette = [colors[i] for i in (2, 1, 4, 8, 5, 6, 9, 3)]
    for i, name in enumerate(names):
        if name not in pool:
            raise ConfigError(f"no hardware series {name!r}; known: {', '.join(pool)}")
        f = pool[name]
        shift = anchor - float(f.predict(t_a))
        color = palette[i % len(palette)]
        ax.scatter(f.t, 10.0 ** (f.y + shift), s=8, marker="s", facecolors="none",
                   edgecolors=color, alpha=0.5, lw=0.6, zorder=1)
        tt = np.linspace(f.start, f.end, 50)
        ax.plot(tt, 10.0 ** (f.predict(tt) + shift), color=color, lw=2.0, zorder=6,
                label=f"{f.label}: doubling {f.doubling_months:.1f} mo")
    ax.set_yscale("log")
    ax.set_xlabel("publication / release date (decimal year)")
    ax.set_ylabel("training compute (FLOP)\n"
                  f"hardware series: rescaled to meet the compute fit at {t_a:.0f}")
    ax.set_title(f"Training compute ({SUBSET_LABEL.get(report.compute_subset, '')}) "
                 "against hardware progress")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", fontsize=7.5, framealpha=0.92)
    return fig
