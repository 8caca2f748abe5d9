"""Figures of the report (matplotlib, Agg), saved as PNG and SVG."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from computelimits._io import atomic_path

__all__ = ["benchmark_figure", "save"]


def save(fig: Figure, folder: Path, stem: str) -> dict[str, str]:
    """Write ``stem``.png and ``stem``.svg into ``folder``; return their relative names."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for ext in ("png", "svg"):
        with atomic_path(folder / f"{stem}.{ext}") as tmp:
            fig.savefig(tmp, format=ext, dpi=130, bbox_inches="tight")
        out[ext] = f"{folder.name}/{stem}.{ext}"
    plt.close(fig)
    return out


def benchmark_figure(data: pd.DataFrame, fits: dict, title: str) -> Figure:
    """Error against compute for one benchmark: points coloured by year, the polynomial and
    exponential fits with their 95% cluster-bootstrap bands."""
    from computelimits.scaling.forms import FORMS

    fig, ax = plt.subplots(figsize=(7.2, 4.6), constrained_layout=True)
    year = data["year"].to_numpy(float)
    has_year = np.isfinite(year)
    sc = ax.scatter(10 ** data.loc[has_year, "log10_flop"], data.loc[has_year, "error"],
                    c=year[has_year], cmap="viridis", s=22, edgecolor="none", label="results")
    if (~has_year).any():
        ax.scatter(10 ** data.loc[~has_year, "log10_flop"], data.loc[~has_year, "error"],
                   facecolor="none", edgecolor="0.4", s=22, label="results (no date)")
    if has_year.any():
        fig.colorbar(sc, ax=ax, label="year")
    x = np.linspace(data["log10_flop"].min(), data["log10_flop"].max(), 100)
    styles = {"polynomial": ("#d95f02", "-"), "exponential": ("#7570b3", "--")}
    for name, fit in fits.items():
        if name not in styles:
            continue
        color, ls = styles[name]
        f = FORMS[name]
        y = fit.params_[0] + fit.params_[1] * x
        # never drawn above the chance error: the curve means nothing there
        cap = getattr(fit, "chance_", 1.0)
        ax.plot(10 ** x, np.minimum(f.inverse(y), cap), color=color, ls=ls, lw=1.8,
                label=f"{name}: slope {fit.slope_:.3f}")
        boot = fit.boot_params_[~np.isnan(fit.boot_params_).any(axis=1)]
        if len(boot):
            lines = boot[:, :1] + boot[:, 1:2] * x[None, :]
            lo, hi = np.percentile(lines, [2.5, 97.5], axis=0)
            ax.fill_between(10 ** x, np.minimum(f.inverse(lo), cap),
                            np.minimum(f.inverse(hi), cap), color=color, alpha=0.15, lw=0)
    sel = data.attrs.get("selection")
    kind = getattr(sel, "kind", "training")
    label = {"hardware_burden": "hardware burden (FLOP at peak)",
             "imputed_operations": "imputed network operations (FLOP)"}.get(
        kind, f"{kind} compute (FLOP)")
    scale = getattr(sel, "scale", "error")
    ax.set(xscale="log", yscale="log", xlabel=label,
           ylabel="error / chance error" if scale == "above-chance" else "error", title=title)
    err = data["error"].to_numpy(float)
    chance = getattr(sel, "chance_error", 1.0) if scale == "error" else 1.0
    ax.set_ylim(err.min() / 1.25, min(chance, err.max() * 1.25))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig
