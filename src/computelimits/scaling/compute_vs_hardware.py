"""Growth of training compute against hardware progress: the trend report.

Thompson et al. (2020, arXiv 2007.05558) compare how fast the compute used to train deep
networks grows with how fast hardware improves. :func:`trend_report` fits, on the same data
and with the same method (:mod:`computelimits.scaling.loglinear`):

* training compute by era (:func:`computelimits.scaling.compute_growth.era_fits`);
* training compute of ``compute_subset`` models and hardware progress
  (:func:`computelimits.scaling.hardware_series.hardware_fits`) over one common period
  (default 2012-2023, inclusive);
* Moore's-law series over all their years;

and the share of compute growth that hardware accounts for: share = hardware slope / compute
slope, both fitted over the common period, i.e. the fraction of the growth of training
compute (in log terms) that better chips alone would have delivered at a constant number of
chips (per chip) or at constant real spending (per dollar). Its interval (``share_ci_low``,
``share_ci_high``) is the percentile interval of the ratio of independent bootstrap draws of
the two slopes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits._json import json_safe
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.compute_growth import (
    LARGE_SCALE_START,
    Subset,
    compute_trend,
    era_fits,
)
from computelimits.scaling.dates import Bound
from computelimits.scaling.hardware_series import hardware_fits
from computelimits.scaling.loglinear import QUANTITIES, TrendFit, fits_table
from computelimits.scaling.stats import percentile_ci

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["DEFAULT_PERIOD", "SHARE_SERIES", "TrendReport", "compare", "trend_report"]

#: Default common period of :func:`trend_report` (calendar years, inclusive).
DEFAULT_PERIOD = (2012, 2023)

#: Hardware series whose share of compute growth :func:`trend_report` reports by default.
SHARE_SERIES = ("ml_fp32_flops", "ml_max16_flops", "ml_tensor16_flops",
                "ml_fp32_flops_per_usd_{base}", "ml_max16_flops_per_usd_{base}",
                "cpu_transistors")

#: What the shares leave to other causes (the summary's last line; ``notes`` of :meth:`to_dict`).
SHARE_NOTE = ("The rest is growth in the number of chips x training time (per-chip shares) or in "
              "real spending (per-dollar shares), and utilisation.")

#: Columns of :meth:`TrendReport.summary`'s table.
SUMMARY_COLUMNS = ["group", "key", "n", "start", "end", "slope", "doubling_months",
                   "doubling_months_ci_low", "doubling_months_ci_high", "r2", "share",
                   "share_ci_low", "share_ci_high"]


@dataclass(eq=False, repr=False)
class TrendReport(ResultMixin):
    """Compute trends, hardware trends and the shares of compute growth hardware explains.

    ``eras``: :func:`~computelimits.scaling.compute_growth.era_fits` (all data). ``compute``:
    the compute trend of ``compute_subset`` over ``period``. ``hardware``:
    :func:`~computelimits.scaling.hardware_series.hardware_fits` over ``period``. ``moore``:
    the microprocessor series over all their years (Moore's-law reference). ``shares``: one
    row per hardware series (see :meth:`share_table`).
    """

    period: tuple[Bound, Bound]
    compute_subset: str
    base_year: int
    eras: dict[str, TrendFit]
    compute: TrendFit
    hardware: dict[str, TrendFit]
    moore: dict[str, TrendFit]
    shares: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def fits(self) -> dict[str, TrendFit]:
        """Every fit by a unique key: its ``name`` (eras ``era_<era>``, the compute trend of
        the period, the hardware series of the period), and ``<name>_all_years`` for the
        Moore's-law series over all their years."""
        out = {f.name: f for f in self.eras.values()}
        out[self.compute.name] = self.compute
        out.update(self.hardware)
        out.update({f"{k}_all_years": v for k, v in self.moore.items()})
        return out

    def table(self) -> pd.DataFrame:
        """One row per series (:func:`~computelimits.scaling.loglinear.fits_table`) with a
        ``key`` and a ``group`` column (era / compute / hardware / moore)."""
        return self._series_table()

    def _series_table(self) -> pd.DataFrame:
        groups = ([("era", k, f) for k, f in self.eras.items()]
                  + [("compute", self.compute.name, self.compute)]
                  + [("hardware", k, f) for k, f in self.hardware.items()]
                  + [("moore", f"{k}_all_years", f) for k, f in self.moore.items()])
        table = fits_table([g[2] for g in groups])
        table.insert(0, "key", [g[1] for g in groups])
        table.insert(0, "group", [g[0] for g in groups])
        return table

    def share_table(self) -> pd.DataFrame:
        """share = hardware slope / compute slope over the period, with the percentile
        interval of the ratio of bootstrap draws (``share_ci_low``, ``share_ci_high``)."""
        return self.shares.copy()

    def to_frame(self) -> pd.DataFrame:
        """Everything estimated, as one table: :meth:`table` (one row per series), then one
        row per share (``group`` "share", ``key`` the hardware series, ``name``
        ``share_<series>``; the share and its interval in ``share``, ``share_ci_low``,
        ``share_ci_high``)."""
        table = self._series_table()
        shares = self.shares.rename(columns={"hardware": "key"})
        shares.insert(0, "group", "share")
        shares["name"] = "share_" + shares["key"]
        return pd.concat([table, shares[["group", "key", "name", "share", "share_ci_low",
                                         "share_ci_high"]]], ignore_index=True)

    def conf_int(self, alpha: float = 0.05, method: str = "ols") -> pd.DataFrame:
        """Intervals at level 1 − ``alpha``: indexed by (``series``, ``quantity``) with the
        columns ``ci_low`` and ``ci_high``. ``series``: the keys of :attr:`fits` (quantities
        ``slope``, ``growth_per_year``, ``doubling_months``, see :meth:`TrendFit.conf_int`
        for ``method``) and ``share_<hardware series>`` (quantity ``share``: always the
        bootstrap percentile interval of the ratio of slopes)."""
        frames = {key: f.conf_int(alpha, method) for key, f in self.fits.items()}
        rows = [(key, q, ci.loc[q, "ci_low"], ci.loc[q, "ci_high"])
                for key, ci in frames.items() for q in QUANTITIES]
        pairs = {f.name: f for f in (self.compute, *self.hardware.values())}
        for r in self.shares.itertuples():
            lo, hi = _share_interval(pairs[r.hardware], pairs[r.compute], 1.0 - alpha)
            rows.append((f"share_{r.hardware}", "share", lo, hi))
        out = pd.DataFrame(rows, columns=["series", "quantity", "ci_low", "ci_high"])
        return out.set_index(["series", "quantity"])

    def summary(self) -> Summary:
        """Text report (``str()``): eras, common-period trends and shares; ``to_frame()``
        gives the table behind it."""
        lines = ["  " + _line(f) for f in self.eras.values()]
        lo, hi = self.period
        lines += ["", f"Common period {lo}-{hi}:", "  " + _line(self.compute)]
        lines += ["  " + _line(f) for f in self.hardware.values()]
        lines += ["", "Moore's law reference (all years):"]
        lines += ["  " + _line(f) for f in self.moore.values()]
        lines += ["", f"Share of the growth of training compute ({self.compute.label}) that "
                      "hardware progress accounts for (ratio of growth rates):"]
        for r in self.shares.itertuples():
            lines.append(f"  {r.hardware:32s} {r.share:6.1%} [{r.share_ci_low:.1%}, "
                         f"{r.share_ci_high:.1%}]  (hardware doubling "
                         f"{r.hardware_doubling:.1f} mo vs compute {r.compute_doubling:.1f} mo)")
        lines.append("  " + SHARE_NOTE)
        return Summary(title="Training compute by era (Sevilla et al. 2022 eras):", lines=lines,
                       table=self.to_frame()[SUMMARY_COLUMNS])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        lo, hi = self.period
        c = self.compute
        parts = [f"{lo}–{hi}: training compute doubles every "
                 f"{fm.plain(c.doubling_months, 3)} months"]
        if len(self.shares):
            s = self.shares["share"]
            parts.append(f"hardware explains {fm.percent(s.min())}–{fm.percent(s.max())} of "
                         f"its growth ({len(s)} series)")
        return parts

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of every fit, the shares and the settings."""
        return {
            "period": [json_safe(v) for v in self.period],
            "compute_subset": self.compute_subset,
            "base_year": self.base_year,
            "settings": {k: (str(v) if not isinstance(v, int | float | str | None) else v)
                         for k, v in self.settings.items()},
            "eras": {k: f.to_dict() for k, f in self.eras.items()},
            "compute": self.compute.to_dict(),
            "hardware": {k: f.to_dict() for k, f in self.hardware.items()},
            "moore": {k: f.to_dict() for k, f in self.moore.items()},
            "shares": [json_safe(row) for row in self.shares.to_dict(orient="records")],
            "notes": [SHARE_NOTE],
        }


def _line(f: TrendFit) -> str:
    lo, hi = f.doubling_months_ci_low, f.doubling_months_ci_high
    return (f"{f.name:34s} n={f.n:4d} {f.start:7.1f}-{f.end:6.1f}  {f.slope:6.3f} OOM/yr  "
            f"doubling {f.doubling_months:6.1f} mo [{lo:.1f}, {hi:.1f}]  R2 {f.r2:.2f}")


def _share_interval(hw: TrendFit, comp: TrendFit, conf: float) -> tuple[float, float]:
    """Percentile interval of the ratio of the two fits' bootstrap slopes."""
    k = min(hw.boot.size, comp.boot.size)
    if not k:
        return (math.nan, math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = hw.boot[:k] / comp.boot[:k]
    return percentile_ci(draws, conf)


def _share_row(hw: TrendFit, comp: TrendFit, conf: float) -> dict[str, Any]:
    lo, hi = _share_interval(hw, comp, conf)
    return {"hardware": hw.name, "compute": comp.name, "share": hw.slope / comp.slope,
            "share_ci_low": lo, "share_ci_high": hi, "hardware_slope": hw.slope,
            "compute_slope": comp.slope, "hardware_doubling": hw.doubling_months,
            "compute_doubling": comp.doubling_months, "hardware_start": hw.start,
            "hardware_end": hw.end, "hardware_n": hw.n}


def trend_report(models: pd.DataFrame | None = None, *, chips: pd.DataFrame | None = None,
                 trends: pd.DataFrame | None = None, ppi: pd.DataFrame | None = None,
                 period: tuple[Bound, Bound] = DEFAULT_PERIOD,
                 compute_subset: Subset = "notable", base_year: int = 2023,
                 share_series: Sequence[str] | None = None, large_scale_z: float = 1.0,
                 window: float = 1.0, n_boot: int = 2000, seed: int = 0, conf: float = 0.95,
                 strict: bool | None = None, catalog: Catalog | None = None) -> TrendReport:
    """Everything at once: compute eras, the compute trend of ``compute_subset`` and the
    hardware trends over ``period`` (default 2012-2023, inclusive), Moore's-law series over
    all years, and the shares of compute growth explained by hardware (``share_series``,
    default ``SHARE_SERIES``; ``{base}`` stands for ``base_year``).

    ``models``, ``chips``, ``trends`` and ``ppi`` default to the catalog's tables (``catalog``
    None: the default catalog; ``strict`` True/False: a catalog with that strictness)."""
    if n_boot < 2:
        raise ConfigError("trend_report needs n_boot >= 2 to give intervals for the shares")
    cat = resolve_catalog(catalog, strict=strict)
    if models is None:
        models = cat.models()
    if chips is None:
        chips = cat.chips()
    if trends is None:
        trends = cat.microprocessor_trends()
    common = {"n_boot": n_boot, "seed": seed, "conf": conf}
    era = era_fits(models, large_scale_z=large_scale_z, window=window, **common)
    start, end = period
    comp = compute_trend(models, subset=compute_subset, start=start, end=end,
                         large_scale_z=large_scale_z, window=window,
                         name=f"compute_{compute_subset}_period", **common)
    data = {"chips": chips, "trends": trends, "ppi": ppi, "catalog": cat}
    hw = hardware_fits(start=start, end=end, base_year=base_year, **data, **common)
    moore = hardware_fits(base_year=base_year, **data, **common)
    moore = {k: v for k, v in moore.items() if k.startswith("cpu_")}
    wanted = [s.format(base=base_year) for s in (share_series or SHARE_SERIES)]
    unknown = [s for s in wanted if s not in hw]
    if unknown:
        raise ConfigError(f"unknown hardware series {unknown}; known: {', '.join(hw)}")
    shares = pd.DataFrame([_share_row(hw[s], comp, conf) for s in wanted])
    return TrendReport(period=(start, end), compute_subset=compute_subset, base_year=base_year,
                       eras=era, compute=comp, hardware=hw, moore=moore, shares=shares,
                       settings={"large_scale_z": large_scale_z, "window": window,
                                 "large_scale_start": LARGE_SCALE_START, "n_boot": n_boot,
                                 "seed": seed, "conf": conf})


def compare(models: pd.DataFrame | None = None, **kwargs: Any) -> pd.DataFrame:
    """:func:`trend_report` as one table (:meth:`TrendReport.to_frame`): every series'
    doubling time with its intervals, then one row per share (``group`` "share", the share
    and its bootstrap interval in ``share``/``share_ci_low``/``share_ci_high``)."""
    return trend_report(models, **kwargs).to_frame()
