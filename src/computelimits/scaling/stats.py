"""Statistics of growth rates: doubling times, vectorized pairs bootstrap of OLS slopes,
percentile intervals and the seeding of bootstrap draws per series.

A growth rate ``slope`` is in orders of magnitude (log10 units) per year; its doubling time
is 12·log10(2)/slope months (:func:`doubling_months`), and the doubling-time interval is the
image of the slope interval (:func:`doubling_interval`: an end of ``inf`` means the slope
interval reaches zero). The pairs bootstrap (:func:`bootstrap_slopes`) resamples rows with
replacement and solves every resample at once with numpy (no Python loop per resample). The
generator of a series is seeded with ``(seed, crc32(series name))`` (:func:`series_rng`), so
results are reproducible and different series get independent draws.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

__all__ = ["LOG2", "bootstrap_slopes", "doubling_interval", "doubling_months",
           "percentile_ci", "series_rng"]

#: log10(2): a slope of LOG2 OOM/year doubles every year.
LOG2 = math.log10(2.0)


def doubling_months(slope: float | np.ndarray) -> float | np.ndarray:
    """Doubling time in months of a growth rate ``slope`` in log10 units per year
    (12·log10(2)/slope; negative for a decline, ``inf`` for a zero slope)."""
    with np.errstate(divide="ignore"):
        out = 12.0 * LOG2 / np.asarray(slope, dtype=float)
    return float(out) if np.ndim(out) == 0 else out


def doubling_interval(lo: float, hi: float) -> tuple[float, float]:
    """Doubling-time interval (months) that a slope interval [lo, hi] maps to: (NaN, NaN)
    when an end is not finite; an end of ±inf when the slope interval reaches zero."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return (math.nan, math.nan)
    if lo > 0 or hi < 0:  # monotone (decreasing) map on one side of zero
        return (12.0 * LOG2 / hi, 12.0 * LOG2 / lo)
    if hi > 0:  # the interval reaches zero: arbitrarily slow growth is not excluded
        return (12.0 * LOG2 / hi, math.inf)
    return (-math.inf, 12.0 * LOG2 / lo)


def bootstrap_slopes(t: np.ndarray, y: np.ndarray, n_boot: int,
                     rng: np.random.Generator) -> np.ndarray:
    """OLS slopes of ``n_boot`` pairs-bootstrap resamples, computed all at once.

    ``t`` and ``y`` have shape ``(..., n)`` (leading axes: independent data sets, broadcast
    against each other); the result has shape ``(..., n_boot)``. Each resample draws n rows
    with replacement; its slope is cov(t, y)/var(t). A resample whose times are all equal has
    no slope (NaN).
    """
    t, y = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(y, dtype=float))
    n = t.shape[-1]
    if n_boot <= 0:
        return np.empty((*t.shape[:-1], 0))
    from computelimits.resources import check_memory

    # the index array and the two resampled arrays, 8 bytes a cell
    check_memory(24.0 * n_boot * t.size, f"{n_boot:,} bootstrap resamples of {n} points",
                 how_to_shrink="use fewer bootstrap resamples (--n-boot)", force_hint=False)
    # centring first keeps the sums well conditioned (t is around 2000)
    t = t - t.mean(axis=-1, keepdims=True)
    y = y - y.mean(axis=-1, keepdims=True)
    idx = rng.integers(0, n, size=(*t.shape[:-1], n_boot, n))
    tb = np.take_along_axis(t[..., None, :], idx, axis=-1)
    yb = np.take_along_axis(y[..., None, :], idx, axis=-1)
    tb -= tb.mean(axis=-1, keepdims=True)
    yb -= yb.mean(axis=-1, keepdims=True)
    sxx = np.einsum("...i,...i->...", tb, tb)
    sxy = np.einsum("...i,...i->...", tb, yb)
    # a resample with (nearly) one distinct time has no slope
    tiny = sxx <= 1e-12 * np.maximum(np.einsum("...i,...i->...", t, t)[..., None], 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = sxy / sxx
    out[tiny] = np.nan
    return out


def percentile_ci(draws: np.ndarray, conf: float = 0.95) -> tuple[float, float]:
    """Percentile interval at level ``conf`` of bootstrap ``draws`` (NaN draws ignored; NaNs
    if none is left)."""
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return (math.nan, math.nan)
    a = (1.0 - conf) / 2.0
    lo, hi = np.quantile(draws, [a, 1.0 - a])
    return (float(lo), float(hi))


def series_rng(seed: int, name: str) -> np.random.Generator:
    """The bootstrap generator of the series ``name``: seeded with (seed, crc32(name))."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])
