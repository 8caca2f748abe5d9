"""The fitted curves the report draws, shared by the static and the interactive figures.

A fitted form is drawn over the compute range of the data it was fitted on, with its 95%
cluster-bootstrap band (the 2.5th and 97.5th percentiles of the bootstrap lines). Above the
chance error a curve means nothing (a guess gets there without compute), so the line is not
drawn there and the band is cut off at it; the axes are limited to the data and the chance
error (:func:`axis_limits`), never stretched by a band.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Curve", "axis_limits", "fit_curve"]


@dataclass(frozen=True)
class Curve:
    """``log10_compute``: the x grid; ``error``: the fitted error (NaN where it would lie above
    the chance error); ``band_low`` / ``band_high``: the 95% bootstrap band cut off at the
    chance error (empty arrays without bootstrap draws); ``cap``: that chance error on the
    plotted scale."""

    log10_compute: np.ndarray
    error: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    cap: float


def fit_curve(data: pd.DataFrame, fit: Any, points: int = 100) -> Curve:
    """The curve of a fitted :class:`~computelimits.scaling.fit.ScalingFit` over the compute
    range of ``data`` (its regression rows), ``points`` long."""
    from computelimits.scaling.forms import FORMS

    x = np.linspace(data["log10_compute"].min(), data["log10_compute"].max(), points)
    form = FORMS[fit.form]
    cap = float(getattr(fit, "chance_", 1.0))
    y = form.inverse(fit.params_[0] + fit.params_[1] * x)
    y = np.where(y <= cap, y, np.nan)
    lo = hi = np.zeros(0)
    boot = fit.boot_params_[~np.isnan(fit.boot_params_).any(axis=1)]
    if len(boot):
        lines = boot[:, :1] + boot[:, 1:2] * x[None, :]
        q_lo, q_hi = np.percentile(lines, [2.5, 97.5], axis=0)
        a, b = form.inverse(q_lo), form.inverse(q_hi)
        lo, hi = np.minimum(np.minimum(a, b), cap), np.minimum(np.maximum(a, b), cap)
    return Curve(log10_compute=x, error=y, band_low=lo, band_high=hi, cap=cap)


def axis_limits(data: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """((compute low, high) in FLOP, (error low, high)) of a benchmark figure: the data with
    a margin, the error axis never above the chance error (on the plotted scale)."""
    sel = data.attrs.get("selection")
    scale = getattr(sel, "scale", "error")
    chance = float(getattr(sel, "chance_error", 1.0)) if scale == "error" else 1.0
    x = data["log10_compute"].to_numpy(float)
    err = data["error"].to_numpy(float)
    pad = max(0.1, 0.04 * float(x.max() - x.min()))
    top = min(chance, float(err.max()) * 1.25)
    return ((10 ** (x.min() - pad), 10 ** (x.max() + pad)),
            (float(err.min()) / 1.25, max(top, float(err.max()))))
