"""Log-linear trends: log10(value) = level + slope·(t − t0), t in decimal years.

Method (every series the same way). Each point is (t, log10 v) with t the decimal year of its
date (:func:`computelimits.scaling.dates.decimal_year`). Ordinary least squares of log10 v on
t (statsmodels) gives the growth rate ``slope`` in orders of magnitude (OOM) per year, its
standard error and a t-based confidence interval (95 % by default: ``slope_ci_low``,
``slope_ci_high``). The doubling time is 12·log10(2)/slope months; its interval
(``doubling_months_ci_low``, ``doubling_months_ci_high``) is the image of the slope interval
(an upper end of ``inf`` means the slope interval reaches zero). A pairs bootstrap
(:func:`computelimits.scaling.stats.bootstrap_slopes`, ``n_boot`` resamples, seeded per
series) gives percentile intervals for the same quantities (``slope_boot_ci_low`` …,
``doubling_months_boot_ci_low`` …) and the draws used to propagate uncertainty into ratios of
growth rates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from computelimits._json import json_safe
from computelimits.errors import ConfigError, InputError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.stats import (
    bootstrap_slopes,
    doubling_interval,
    doubling_months,
    percentile_ci,
    series_rng,
)

__all__ = ["QUANTITIES", "TrendFit", "fit_trend", "fits_table"]

#: Quantities of a trend with intervals (index of :meth:`TrendFit.conf_int`).
QUANTITIES = ("slope", "growth_per_year", "doubling_months")


@dataclass(frozen=True, eq=False, repr=False)
class TrendFit(ResultMixin):
    """A log-linear trend: log10(value) = level + slope·(t − t0), t in decimal years.

    ``slope`` is in orders of magnitude (log10 units) per year; ``slope_ci_low`` /
    ``slope_ci_high`` is the OLS t-interval at level ``ci_level``, ``slope_boot_ci_low`` /
    ``slope_boot_ci_high`` the pairs-bootstrap percentile interval. ``start``/``end`` are the
    first and last decimal years of the data used. ``boot`` holds the bootstrap slopes (for
    propagating uncertainty), ``t`` and ``y`` the points (decimal year, log10 value); none of
    the three is in :meth:`to_dict`. :meth:`conf_int` gives the intervals at any level.
    """

    name: str
    label: str
    unit: str
    n: int
    start: float
    end: float
    slope: float
    slope_se: float
    slope_ci_low: float
    slope_ci_high: float
    slope_boot_ci_low: float
    slope_boot_ci_high: float
    t0: float
    level: float
    r2: float
    ci_level: float
    n_boot: int
    notes: str = ""
    boot: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    y: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    # ------------------------------------------------------------------ derived quantities
    @property
    def doubling_months(self) -> float:
        """Doubling time in months (12·log10(2)/slope)."""
        return float(doubling_months(self.slope))

    @property
    def doubling_months_ci_low(self) -> float:
        """Lower end of the doubling-time interval (months) from the OLS slope interval."""
        return doubling_interval(self.slope_ci_low, self.slope_ci_high)[0]

    @property
    def doubling_months_ci_high(self) -> float:
        """Upper end of the doubling-time interval (months) from the OLS slope interval."""
        return doubling_interval(self.slope_ci_low, self.slope_ci_high)[1]

    @property
    def doubling_months_boot_ci_low(self) -> float:
        """Lower end of the doubling-time interval (months) from the bootstrap interval."""
        return doubling_interval(self.slope_boot_ci_low, self.slope_boot_ci_high)[0]

    @property
    def doubling_months_boot_ci_high(self) -> float:
        """Upper end of the doubling-time interval (months) from the bootstrap interval."""
        return doubling_interval(self.slope_boot_ci_low, self.slope_boot_ci_high)[1]

    @property
    def growth_per_year(self) -> float:
        """Multiplicative growth per year, 10**slope."""
        return float(10.0 ** self.slope)

    # ------------------------------------------------------------------ use
    def predict(self, t: float | np.ndarray) -> np.ndarray:
        """Fitted log10 value at decimal year(s) ``t``."""
        return self.level + self.slope * (np.asarray(t, dtype=float) - self.t0)

    def conf_int(self, alpha: float = 0.05, method: str = "ols") -> pd.DataFrame:
        """Intervals at level 1 − ``alpha`` for ``slope`` (OOM/yr), ``growth_per_year``
        (10**slope) and ``doubling_months``: a DataFrame indexed by quantity with the columns
        ``ci_low`` and ``ci_high``.

        ``method``: "ols" (t-interval of the OLS slope, n − 2 degrees of freedom) or
        "bootstrap" (percentiles of the bootstrap slopes; needs ``n_boot`` > 0). At the
        fit's own level (``alpha = 1 − ci_level``) these are the stored intervals."""
        if not 0.0 < alpha < 1.0:
            raise ConfigError(f"alpha must lie in (0, 1), not {alpha!r}")
        own = math.isclose(1.0 - alpha, self.ci_level, rel_tol=0.0, abs_tol=1e-12)
        if method == "ols":
            if own:
                lo, hi = self.slope_ci_low, self.slope_ci_high
            else:
                from scipy import stats

                q = float(stats.t.ppf(1.0 - alpha / 2.0, max(self.n - 2, 1)))
                lo, hi = self.slope - q * self.slope_se, self.slope + q * self.slope_se
        elif method == "bootstrap":
            if self.boot.size == 0:
                raise ConfigError(f"{self.name}: no bootstrap resamples (n_boot=0)")
            lo, hi = ((self.slope_boot_ci_low, self.slope_boot_ci_high) if own
                      else percentile_ci(self.boot, 1.0 - alpha))
        else:
            raise ConfigError(f"method must be 'ols' or 'bootstrap', not {method!r}")
        d_lo, d_hi = doubling_interval(lo, hi)
        return pd.DataFrame({"ci_low": [lo, 10.0 ** lo, d_lo],
                             "ci_high": [hi, 10.0 ** hi, d_hi]},
                            index=pd.Index(QUANTITIES, name="quantity"))

    # ------------------------------------------------------------------ output
    def row(self) -> dict[str, Any]:
        """The fit as one row of :func:`fits_table`."""
        return {
            "name": self.name, "label": self.label, "unit": self.unit, "n": self.n,
            "start": self.start, "end": self.end, "slope": self.slope,
            "slope_se": self.slope_se,
            "slope_ci_low": self.slope_ci_low, "slope_ci_high": self.slope_ci_high,
            "slope_boot_ci_low": self.slope_boot_ci_low,
            "slope_boot_ci_high": self.slope_boot_ci_high,
            "growth_per_year": self.growth_per_year,
            "doubling_months": self.doubling_months,
            "doubling_months_ci_low": self.doubling_months_ci_low,
            "doubling_months_ci_high": self.doubling_months_ci_high,
            "doubling_months_boot_ci_low": self.doubling_months_boot_ci_low,
            "doubling_months_boot_ci_high": self.doubling_months_boot_ci_high,
            "r2": self.r2, "ci_level": self.ci_level, "notes": self.notes,
        }

    def to_frame(self) -> pd.DataFrame:
        """The fit as a one-row DataFrame (the columns of :func:`fits_table`)."""
        return fits_table([self])

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready: non-finite numbers become ``None``)."""
        out = self.row()
        del out["notes"]
        out.update({"n_boot": int(self.n_boot), "t0": self.t0, "level": self.level,
                    "notes": self.notes})
        out["n"] = int(self.n)
        return json_safe(out)

    def summary(self) -> Summary:
        """The fit in a few lines of text (``str()``) with the table of estimates and
        intervals behind them (``to_frame()``)."""
        pct = f"{self.ci_level:.0%}"
        lo, hi = self.slope_ci_low, self.slope_ci_high
        dlo, dhi = self.doubling_months_ci_low, self.doubling_months_ci_high
        doubling = (f"  doubling {self.doubling_months:.1f} months, {pct} CI "
                    f"[{dlo:.1f}, {dhi:.1f}]")
        if self.n_boot:
            blo, bhi = self.doubling_months_boot_ci_low, self.doubling_months_boot_ci_high
            doubling += f", bootstrap [{blo:.1f}, {bhi:.1f}] ({self.n_boot} resamples)"
        lines = [f"  growth {self.slope:.3f} OOM/yr ({self.growth_per_year:.2f}x/yr), "
                 f"{pct} CI [{lo:.3f}, {hi:.3f}]",
                 doubling,
                 f"  R2 {self.r2:.2f}; unit of the series: {self.unit}"]
        table = self.conf_int(1.0 - self.ci_level).reset_index()
        table.insert(1, "estimate", [self.slope, self.growth_per_year, self.doubling_months])
        if self.boot.size:
            boot = self.conf_int(1.0 - self.ci_level, method="bootstrap")
            table["boot_ci_low"] = boot["ci_low"].to_numpy()
            table["boot_ci_high"] = boot["ci_high"].to_numpy()
        return Summary(
            title=f"{self.name} ({self.label}): n={self.n}, {self.start:.1f}-{self.end:.1f}",
            lines=lines, table=table, notes=[f"  {self.notes}"] if self.notes else [])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        def months(v: float) -> str:
            return fm.plain(v, 3)

        ci = fm.interval(self.doubling_months_ci_low, self.doubling_months_ci_high, months)
        return [f"{self.name}, n = {self.n}, {self.start:.0f}–{self.end:.0f}",
                f"{fm.slope(self.slope)} orders of magnitude per year",
                f"doubling {months(self.doubling_months)} months {ci}"]


def fit_trend(t: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray, *,
              name: str = "series", label: str = "", unit: str = "", n_boot: int = 2000,
              seed: int = 0, conf: float = 0.95, notes: str = "") -> TrendFit:
    """Fit log10(values) = a + slope·t by OLS (statsmodels) with a vectorized bootstrap.

    ``t`` are decimal years, ``values`` positive numbers in ``unit``; ``conf`` is the level of
    the stored intervals. Needs at least three points at two or more distinct times. See the
    module docstring for the intervals.
    """
    if not 0.0 < conf < 1.0:
        raise ConfigError(f"conf must lie in (0, 1), not {conf!r}")
    if n_boot < 0:
        raise ConfigError(f"n_boot must be >= 0, not {n_boot!r}")
    t = np.asarray(t, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.shape != v.shape or t.ndim != 1:
        raise ConfigError(f"{name}: t and values must be 1-d arrays of equal length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise InputError(f"{name}: times and values must be finite")
    if np.any(v <= 0):
        raise InputError(f"{name}: values must be positive to take logarithms")
    if t.size < 3 or np.unique(t).size < 2:
        raise InputError(f"{name}: a trend needs at least 3 points at 2+ distinct times "
                         f"(have {t.size})")
    y = np.log10(v)
    t0 = float(t.mean())
    # statsmodels takes seconds to import: only fits need it
    from statsmodels.regression.linear_model import OLS

    res = OLS(y, np.column_stack([np.ones_like(t), t - t0])).fit()
    lo, hi = (float(c) for c in res.conf_int(alpha=1.0 - conf)[1])
    boot = bootstrap_slopes(t, y, n_boot, series_rng(seed, name))
    blo, bhi = percentile_ci(boot, conf) if n_boot else (math.nan, math.nan)
    return TrendFit(
        name=name, label=label or name, unit=unit, n=int(t.size),
        start=float(t.min()), end=float(t.max()),
        slope=float(res.params[1]), slope_se=float(res.bse[1]),
        slope_ci_low=lo, slope_ci_high=hi, slope_boot_ci_low=blo, slope_boot_ci_high=bhi,
        t0=t0, level=float(res.params[0]), r2=float(res.rsquared), ci_level=conf,
        n_boot=int(n_boot), notes=notes, boot=boot, t=t, y=y,
    )


def fits_table(fits: Iterable[TrendFit] | Mapping[str, TrendFit]) -> pd.DataFrame:
    """One row per fit (:meth:`TrendFit.row`): name, label, unit, n, start, end, slope
    (OOM/yr) with its OLS and bootstrap intervals, growth per year, doubling months with both
    intervals, r2, the level of the intervals (``ci_level``) and notes."""
    if isinstance(fits, Mapping):
        fits = fits.values()
    return pd.DataFrame([f.row() for f in fits])
