"""The cost of the next point bought today, in one year or in two: dollars and CO2 with
Monte Carlo intervals.

A target error needs ``C₀`` FLOP if the model is trained in the price year ("today", the
latest year with enough cloud prices). Waiting ``h`` years changes two things:

* **algorithmic progress** ``r`` (orders of magnitude per year, given by the caller): a model
  trained ``h`` years later needs 10^(r·h) times less compute, log10 C_h = log10 C₀ − r·h;
* **price-performance** ``g`` (orders of magnitude of FLOP per dollar per year, measured): each
  FLOP costs 10^(−g·h) times today's dollars.

Per Monte Carlo draw and buy-year offset ``h``::

    FLOP performed  = C_h                 (kind "training" or "imputed_operations")
                    = C_h × u             (kind "hardware_burden": peak × time, no utilization)
    USD_h           = FLOP performed × (p / u) × 10^(−g·h)
    kWh per FLOP    = TDP × server overhead × PUE / (peak × u × 3600 s) / 1000
    CO2_h (kg)      = FLOP performed × kWh per FLOP × grid intensity (gCO2e/kWh) / 1000

with ``p`` the dollars per FLOP of peak capacity of one cloud offering (price per chip-hour /
(peak FLOP/s × 3600)), so ``p / u`` is dollars per FLOP actually performed, as in
:func:`computelimits.compute.cost.usd_per_flop`.

What each uncertain input is drawn from (every draw independent of the others, except the
pairing of ``log10_compute`` and ``progress_rate`` below):

* ``log10_compute`` and ``progress_rate``: the caller's draws, resampled with replacement to
  ``n_draws``. When both are arrays of the same length (e.g. both from the same bootstrap
  fits) they are resampled **jointly** (the same rows), keeping their correlation; otherwise
  **independently**. ``paired`` overrides the rule. A single number is a constant.
* ``g``: the pairs-bootstrap slopes of the measured price-performance trend
  (:data:`computelimits.scaling.extrapolation.GROWTH_SERIES`, the series
  :func:`~computelimits.scaling.extrapolation.price_performance_growth` uses, fitted by
  :func:`computelimits.scaling.hardware_series.hardware_fits` over all dates), resampled; the point
  estimate (with a note) if the bootstrap gives no finite slope. ``growth`` (number or draws)
  overrides it.
* ``p``: one cloud price observed in the price year, drawn uniformly among the observations of
  Epoch AI's hardware price table (``price_draw="price"``: the spread of prices a buyer meets,
  every chip and seller in the table, consumer GPUs included), or the median of a bootstrap
  resample of them (``price_draw="median"``: the uncertainty of the typical price). Prices of
  chips without a peak rate in Epoch's chip dataset are left out (counted).
* ``u``: uniform on the utilization assumption's range (:mod:`computelimits.assumptions`,
  0.30–0.40, Epoch AI). It enters the dollars of training compute (÷u) and the energy per FLOP
  (÷u); for a hardware burden it cancels (a burden prices chip-time).
* PUE: uniform between the lowest and the highest provider default of Green Algorithms'
  ``defaults_PUE.csv`` (hyperscale providers, nutanix.dev 2023, up to the "Unknown"
  industry average of the Uptime Institute 2024 survey).
* grid intensity: uniform between the zone's direct and life-cycle intensity when Electricity
  Maps gives both; otherwise the single value of the grid table (with a note).
* TDP, peak FLOP/s (Epoch AI chip dataset) and the server overhead (an assumption with no range)
  are point values.

Not modelled, and stated in every result: hardware energy efficiency is held at today's chip
(the package has no measured trend of FLOP per joule), so CO2 falls with algorithmic progress
only; the price-performance trend is measured on chips' release prices in constant dollars and
is applied to cloud rental prices, dollars staying dollars of the price year; the delay of the
result itself is not priced.

Intervals are percentile intervals of the draws (level 1 − ``alpha``), computed on log10 values
(dollars and CO2 span orders of magnitude), then raised back to dollars and kg; they are named
``<quantity>_ci_low`` / ``<quantity>_ci_high`` (:mod:`computelimits.results`).

Prices, chips, PUE and grid come from a :class:`~computelimits.data.catalog.Catalog`
(``catalog``; None: the environment's); the price-performance trend and the price
observations are computed once per catalog (:meth:`~computelimits.data.catalog.Catalog.memo`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.formulas import kwh_per_flop
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.extrapolation import DEFAULT_CHIP, GROWTH_SERIES

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["GROWTH_N_BOOT", "KINDS", "PRICE_DRAWS", "CostOverTime", "cost_over_time"]

#: Compute kinds understood: FLOP performed ("training", "imputed_operations") or hardware
#: burden (peak × time, priced as burden × utilization FLOP performed), as in
#: :func:`computelimits.scaling.extrapolation.extrapolate`.
KINDS = ("training", "imputed_operations", "hardware_burden")

#: How the price per FLOP is drawn (see the module docstring).
PRICE_DRAWS = ("price", "median")

#: Bootstrap resamples of the price-performance trend (the default of
#: :func:`computelimits.scaling.hardware_series.hardware_fits`); a setting, not a sourced constant.
GROWTH_N_BOOT = 2000

Draws = np.ndarray | Sequence[float] | float
Range = float | tuple[float, float]


# --------------------------------------------------------------------------------------------
# Result


@dataclass(repr=False)
class CostOverTime(ResultMixin):
    """Compute, dollars and CO2 of one result bought ``years_ahead`` years after the price
    year, with percentile intervals.

    ``table``: one row per buy year: ``years_ahead``, ``buy_year``, ``log10_compute_median``/
    ``_ci_low``/``_ci_high`` (compute needed, of the input's kind), ``usd_median``/``_ci_low``/
    ``_ci_high`` (dollars of the price year), ``co2_kg_median``/``_ci_low``/``_ci_high``,
    ``usd_ratio_median``/``_ci_low``/``_ci_high`` (dollars relative to buying today, same
    draw), ``share_cheaper`` (share of draws whose dollars are below buying today) and
    ``share_less_co2``. ``draws``: every draw (inputs, then ``log10_compute_<h>y``, ``usd_<h>y``,
    ``co2_kg_<h>y``) unless not kept. ``assumptions``: every input with its value or range
    (``low``/``high``: the range an input is drawn from, not an interval of this result),
    unit, distribution and source.
    """

    table: pd.DataFrame
    assumptions: list[dict[str, Any]]
    notes: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    draws: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (non-finite numbers become None; draws left out)."""
        return _json_safe({"table": self.table.to_dict(orient="records"),
                           "assumptions": self.assumptions, "notes": self.notes,
                           "settings": self.settings})

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Intervals indexed by quantity and buy year (``log10_compute_<h>y``, ``usd_<h>y``,
        ``co2_kg_<h>y``, ``usd_ratio_<h>y``; h = years ahead), columns ``ci_low`` and
        ``ci_high``. At the level the result was computed at they are the table's; at another
        level they are percentiles of the kept draws (``usd_ratio`` only at the computed
        level)."""
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must lie between 0 and 1, got {alpha}")
        same = math.isclose(alpha, float(self.settings.get("alpha", 0.05)))
        if not same and self.draws is None:
            raise ConfigError(f"the intervals were computed at alpha="
                              f"{self.settings.get('alpha', 0.05):g} and the draws were not "
                              "kept: rerun cost_over_time with this alpha or keep_draws=True")
        rows: dict[str, tuple[float, float]] = {}
        for r in self.table.to_dict(orient="records"):
            tag = f"{r['years_ahead']:g}y"
            for q in ("log10_compute", "usd", "co2_kg", "usd_ratio"):
                if same:
                    rows[f"{q}_{tag}"] = (r[f"{q}_ci_low"], r[f"{q}_ci_high"])
                    continue
                col = f"{q}_{tag}"
                if self.draws is None or col not in self.draws:
                    continue
                v = self.draws[col].to_numpy(float)
                if q == "log10_compute":
                    _, lo, hi = _quantiles(v, alpha)
                else:
                    with np.errstate(divide="ignore"):
                        _, lo, hi = _quantiles(np.log10(v), alpha)
                    lo, hi = _pow10(lo), _pow10(hi)
                rows[col] = (lo, hi)
        return pd.DataFrame({"ci_low": [v[0] for v in rows.values()],
                             "ci_high": [v[1] for v in rows.values()]},
                            index=pd.Index(list(rows), name="quantity"))

    def summary(self) -> Summary:
        """Text report: one line per buy year, then the assumptions and the notes (``str()``
        prints it; the table behind it is :meth:`to_frame`)."""
        s = self.settings
        pct = f"{1 - s.get('alpha', 0.05):.0%}"
        title = (f"Cost of the target result by buy year ({s.get('kind')} compute; medians with "
                 f"{pct} intervals over {s.get('n_draws')} draws; dollars of "
                 f"{s.get('price_year')}):")
        from computelimits import formatting as fm

        lines = []
        for r in self.table.itertuples():
            lines.append(
                f"  {r.buy_year:g} (+{r.years_ahead:g} y): 10^{r.log10_compute_median:.2f} FLOP "
                f"[{r.log10_compute_ci_low:.2f}, {r.log10_compute_ci_high:.2f}], "
                f"{fm.usd(r.usd_median)} {fm.interval(r.usd_ci_low, r.usd_ci_high, fm.usd)}, "
                f"{fm.co2(r.co2_kg_median)} "
                f"{fm.interval(r.co2_kg_ci_low, r.co2_kg_ci_high, fm.co2)}; "
                f"×{fm.plain(r.usd_ratio_median, ASSUMPTION_DIGITS)} of today's dollars, "
                f"cheaper in {r.share_cheaper:.0%} of draws")
        lines.append("Assumptions:")
        for a in self.assumptions:
            lines.append(f"  {a['name']} = {_assumption_value(a)} {a['unit']} "
                         f"[{a['distribution']}]: {a['source']}")
        lines.append("Notes:")
        lines += [f"  - {n}" for n in self.notes]
        return Summary(title, lines, self.to_frame())

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        s = self.settings
        parts = [f"{s.get('kind')} compute, dollars of {s.get('price_year')}, "
                 f"{len(self.table)} buy years"]
        for r in self.table.head(2).to_dict(orient="records"):
            parts.append(f"{float(r['buy_year']):g}: {fm.flop(r['log10_compute_median'])}, "
                         f"{fm.usd(r['usd_median'])}, {fm.co2(r['co2_kg_median'])}")
        return parts


#: Significant figures of an assumption's value (and of the dollars' ratio to today's) in
#: :meth:`CostOverTime.summary`.
ASSUMPTION_DIGITS = 3


def _assumption_value(a: dict[str, Any]) -> str:
    """An assumption's value, and the range it is drawn from where it has one, as a person
    writes them (:func:`computelimits.formatting.plain`: at most :data:`ASSUMPTION_DIGITS`
    significant figures, no e-notation; ``1.7×10^−19`` below 0.001), in the assumption's
    own unit (given beside it)."""
    from computelimits import formatting as fm

    val = fm.plain(a["value"], ASSUMPTION_DIGITS)
    if a.get("low") is not None and a.get("high") is not None:
        val += (f" ({fm.plain(a['low'], ASSUMPTION_DIGITS)}–"
                f"{fm.plain(a['high'], ASSUMPTION_DIGITS)})")
    return val


def _json_safe(x: Any) -> Any:
    from computelimits._json import json_safe

    return json_safe(x)


# --------------------------------------------------------------------------------------------
# Inputs


def _rng(seed: int, stream: int) -> np.random.Generator:
    """One generator per input, so that fixing one input leaves the others' draws unchanged."""
    return np.random.default_rng([int(seed), stream])


def _as_draws(x: Draws, name: str, *, drop_nan: bool = False
              ) -> tuple[np.ndarray, int]:
    """1-d float array of draws and how many NaNs were dropped."""
    a = np.atleast_1d(np.asarray(x, dtype=float)).ravel()
    if a.size == 0:
        raise ConfigError(f"{name} needs at least one value")
    nan = np.isnan(a)
    if nan.any():
        if not drop_nan:
            raise ConfigError(f"{name} has {int(nan.sum())} NaN value(s)")
        a = a[~nan]
        if a.size == 0:
            raise ConfigError(f"{name} has no value that is not NaN")
    return a, int(nan.sum())


def _resample(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``a`` at the resampled rows ``idx`` (a constant when ``a`` holds one number)."""
    return np.full(idx.size, a[0]) if a.size == 1 else a[idx]


def _uniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    if lo == hi:
        return np.full(n, float(lo))
    return rng.uniform(lo, hi, n)


def _range(x: Range, name: str, *, minimum: float) -> tuple[float, float]:
    lo, hi = (x, x) if np.ndim(x) == 0 else tuple(x)  # type: ignore[misc]
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi or lo < minimum:
        raise ConfigError(f"{name} must be a number or a (low, high) range with "
                          f"{minimum:g} <= low <= high, got {x!r}")
    return lo, hi


def _pow10(x: Any) -> Any:
    """10**x, infinite (not an error) beyond the float range."""
    with np.errstate(over="ignore"):
        out = np.power(10.0, np.asarray(x, dtype=float))
    return float(out) if out.ndim == 0 else out


def _quantiles(v: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """(median, low, high) percentiles; without interpolation when a draw is infinite."""
    q = [0.5, alpha / 2.0, 1.0 - alpha / 2.0]
    method = "linear" if np.all(np.isfinite(v)) else "inverted_cdf"
    m, lo, hi = np.quantile(v, q, method=method)
    return float(m), float(lo), float(hi)


def _summary(a: np.ndarray, alpha: float) -> dict[str, float | None]:
    """Median and percentile interval of given draws (no range for a single number)."""
    if a.size == 1:
        return {"value": float(a[0]), "low": None, "high": None}
    m, lo, hi = _quantiles(a, alpha)
    return {"value": m, "low": lo, "high": hi}


def _growth_fit(n_boot: int, seed: int, catalog: Catalog
                ) -> tuple[np.ndarray, float, tuple[float, float], str]:
    """(bootstrap slopes, slope, bootstrap interval, source) of the price-performance trend,
    computed once per catalog and setting (reports price many targets)."""
    boot, slope, ci, src = catalog.memo(("scaling.costs.growth_fit", n_boot, seed),
                                        lambda: _growth_fit_uncached(n_boot, seed, catalog))
    return boot.copy(), slope, ci, src


def _growth_fit_uncached(n_boot: int, seed: int, catalog: Catalog
                         ) -> tuple[np.ndarray, float, tuple[float, float], str]:
    """(bootstrap slopes, slope, bootstrap interval, source) of the price-performance trend."""
    from computelimits.scaling.hardware_series import hardware_fits

    f = hardware_fits(n_boot=n_boot, seed=seed, moore=False, catalog=catalog)[GROWTH_SERIES]
    src = (f"{f.label}: OLS of log10 on release date, n={f.n} chips, {f.start:.0f}–"
           f"{f.end:.0f}, {f.doubling_months:.1f}-month doubling; {f.notes} "
           f"(computelimits.scaling.hardware_series, series {GROWTH_SERIES})")
    return (np.asarray(f.boot, float), float(f.slope),
            (float(f.slope_boot_ci_low), float(f.slope_boot_ci_high)), src)


def _price_observations(year: int, kind: str, precision: str | None, catalog: Catalog
                        ) -> tuple[np.ndarray, list[str], int]:
    """:func:`_price_observations_uncached`, once per catalog and setting."""
    values, chips, skipped = catalog.memo(
        ("scaling.costs.price_observations", year, kind, precision),
        lambda: _price_observations_uncached(year, kind, precision, catalog))
    return values.copy(), list(chips), skipped


def _price_observations_uncached(year: int, kind: str, precision: str | None,
                                 catalog: Catalog) -> tuple[np.ndarray, list[str], int]:
    """Dollars per FLOP of peak capacity of every cloud price observed in ``year``: the
    chip-hour price / (peak FLOP/s × 3600). Returns (values, chips, number left out)."""
    from computelimits.compute.cost import PRICE_KINDS, price_observations
    from computelimits.compute.hardware import find_chip

    if kind not in PRICE_KINDS:
        raise ConfigError(f"price kind must be one of {', '.join(PRICE_KINDS)}, got {kind!r}")
    p = price_observations(catalog=catalog)
    col = PRICE_KINDS[kind]
    rows = p[(p["date"].dt.year == year) & p[col].notna()]
    values, chips, skipped = [], [], 0
    for chip, price in zip(rows["chip"], rows[col], strict=True):
        try:
            peak, _ = find_chip(chip, catalog=catalog).peak(precision)
        except ConfigError:
            skipped += 1
            continue
        values.append(float(price) / (peak * 3600.0))
        chips.append(str(chip))
    if not values:
        raise ConfigError(f"no {kind} cloud prices with known peak rates in {year}")
    return np.asarray(values), chips, skipped


def _grid_range(zone: str | None, catalog: Catalog) -> tuple[float, float, str, str | None]:
    """(low, high, source, note) of the grid intensity of ``zone`` (gCO2e/kWh)."""
    from computelimits.compute.energy import grid_intensity

    life = grid_intensity(zone, catalog=catalog)
    direct = grid_intensity(zone, lifecycle=False, catalog=catalog)
    if life.basis == "life-cycle" and direct.basis == "direct":
        lo, hi = sorted((direct.gco2e_per_kwh, life.gco2e_per_kwh))
        return (lo, hi, f"direct {direct.line()} to {life.line()}", None)
    note = (f"grid intensity of {life.zone} has one value only ({life.basis}, "
            f"{life.gco2e_per_kwh:g} gCO2e/kWh): no direct/life-cycle range, no spread drawn")
    return life.gco2e_per_kwh, life.gco2e_per_kwh, life.line(), note


def _pue_range(catalog: Catalog) -> tuple[float, float, str]:
    table = catalog.pue_defaults()
    lo_name = min(table, key=lambda k: table[k][0])
    hi_name = max(table, key=lambda k: table[k][0])
    lo, hi = table[lo_name][0], table[hi_name][0]
    return lo, hi, (f"Green Algorithms defaults_PUE.csv: lowest provider default "
                    f"{lo_name!r} {lo:g} ({table[lo_name][1]}) to highest {hi_name!r} {hi:g} "
                    f"({table[hi_name][1]})")


# --------------------------------------------------------------------------------------------
# Main entry


def cost_over_time(log10_compute: Draws, *, progress_rate: Draws, kind: str = "training",
                   years_ahead: Sequence[float] = (0, 1, 2), price_year: int | None = None,
                   chip: str = DEFAULT_CHIP, zone: str | None = None, n_draws: int = 4000,
                   seed: int = 0, alpha: float = 0.05, paired: bool | None = None,
                   growth: Draws | None = None, growth_n_boot: int = GROWTH_N_BOOT,
                   price_draw: str = "price", price_kind: str = "on-demand",
                   precision: str | None = None, usd_per_peak_flop: Draws | None = None,
                   utilization: Range | None = None, pue: Range | None = None,
                   grid_gco2e_per_kwh: Range | None = None, chip_tdp_w: float | None = None,
                   chip_peak_flop_per_s: float | None = None,
                   keep_draws: bool = True, catalog: Catalog | None = None) -> CostOverTime:
    """Dollars and CO2 of reaching a target bought ``years_ahead`` years after the price year.

    ``log10_compute``: draws (or one number) of log10 of the compute the target needs if trained
    in the price year, of kind ``kind`` (:data:`KINDS`). ``progress_rate``: draws (or one
    number) of algorithmic progress in orders of magnitude per year. Both are resampled with
    replacement to ``n_draws``: jointly when they are arrays of equal length, independently
    otherwise (``paired`` forces one or the other). NaN draws of ``log10_compute`` are dropped
    (with a note); an infinite one stays (an open-ended interval).

    ``price_year``: "today" (default: the latest year with at least 10 cloud prices).
    ``chip``: the accelerator whose TDP and peak turn FLOP into energy. ``zone``: grid zone,
    country or cloud region (default: the world average). ``alpha``: 1 − interval level.

    Overrides (each replaces a drawn input; for sensitivity analyses and tests):
    ``growth`` (orders of magnitude of FLOP per dollar per year, number or draws),
    ``usd_per_peak_flop`` (USD per FLOP of peak capacity, number or draws),
    ``utilization``, ``pue``, ``grid_gco2e_per_kwh`` (number, or (low, high) drawn uniformly),
    ``chip_tdp_w`` (W) and ``chip_peak_flop_per_s`` (FLOP/s). ``price_draw``: "price" (one
    observed price per draw) or "median" (bootstrap median of the year's prices);
    ``price_kind``: "on-demand", "1y" or "3y" committed-use prices; ``precision``: the peak
    rate used for prices and energy (default FP16/BF16, else TF32, else FP32).

    ``catalog``: where prices, chips, PUE and grid intensities come from (None: the
    environment's :func:`~computelimits.data.catalog.resolve_catalog`).
    """
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if price_draw not in PRICE_DRAWS:
        raise ConfigError(f"price_draw must be one of {', '.join(PRICE_DRAWS)}, "
                          f"got {price_draw!r}")
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must lie between 0 and 1, got {alpha}")
    if int(n_draws) < 1:
        raise ConfigError(f"n_draws must be at least 1, got {n_draws}")
    n = int(n_draws)
    hs = np.atleast_1d(np.asarray(years_ahead, dtype=float))
    if hs.size == 0 or not np.all(np.isfinite(hs)) or np.any(hs < 0):
        raise ConfigError(f"years_ahead must be non-negative numbers, got {years_ahead!r}")
    notes: list[str] = []
    used: list[dict[str, Any]] = []
    cat = resolve_catalog(catalog)

    # ---- compute today and algorithmic progress (the caller's draws)
    lf, n_nan = _as_draws(log10_compute, "log10_compute", drop_nan=True)
    if n_nan:
        notes.append(f"{n_nan} NaN draw(s) of log10_compute dropped ({lf.size} kept)")
    if np.any(lf == -np.inf):
        raise ConfigError("log10_compute has a draw of -inf (zero compute)")
    rate, _ = _as_draws(progress_rate, "progress_rate")
    if not np.all(np.isfinite(rate)):
        raise ConfigError("progress_rate must be finite")
    both = lf.size > 1 and rate.size > 1
    if paired is None:
        paired = both and lf.size == rate.size
    elif paired and not (both and lf.size == rate.size):
        raise ConfigError(f"paired resampling needs log10_compute and progress_rate arrays of the "
                          f"same length (have {lf.size} and {rate.size})")
    rng = _rng(seed, 0)
    i_lf = rng.integers(0, lf.size, n)
    i_rate = i_lf if paired else _rng(seed, 1).integers(0, rate.size, n)
    lf_d, rate_d = _resample(lf, i_lf), _resample(rate, i_rate)
    if both:
        notes.append(f"log10_compute ({lf.size} draws) and progress_rate ({rate.size} draws) "
                     f"resampled {'jointly (same rows)' if paired else 'independently'}")
    used.append({"name": "log10_compute_today", **_summary(lf, alpha),
                 "unit": f"log10 FLOP ({kind}) if trained in the price year",
                 "distribution": "given, resampled with replacement" if lf.size > 1 else "given",
                 "source": f"caller's {lf.size} draw(s)"})
    used.append({"name": "progress_rate", **_summary(rate, alpha),
                 "unit": "orders of magnitude less compute per year",
                 "distribution": ("given, resampled with replacement" if rate.size > 1
                                  else "given"),
                 "source": f"caller's {rate.size} draw(s)"})

    # ---- growth of FLOP per dollar
    if growth is None:
        boot, slope, (blo, bhi), gsrc = _growth_fit(int(growth_n_boot), int(seed), cat)
        boot = boot[np.isfinite(boot)]
        if boot.size:
            g_d = boot[_rng(seed, 2).integers(0, boot.size, n)]
            used.append({"name": "flop_per_usd_growth", "value": slope, "low": blo, "high": bhi,
                         "unit": "orders of magnitude per year",
                         "distribution": f"pairs-bootstrap slopes ({boot.size}), resampled",
                         "source": gsrc})
        else:
            g_d = np.full(n, slope)
            notes.append("the price-performance trend has no bootstrap interval: its point "
                          "estimate is used, with no spread")
            used.append({"name": "flop_per_usd_growth", "value": slope, "low": None,
                         "high": None, "unit": "orders of magnitude per year",
                         "distribution": "point estimate", "source": gsrc})
    else:
        g, _ = _as_draws(growth, "growth")
        if not np.all(np.isfinite(g)):
            raise ConfigError("growth must be finite")
        g_d = _resample(g, _rng(seed, 2).integers(0, g.size, n))
        used.append({"name": "flop_per_usd_growth", **_summary(g, alpha),
                     "unit": "orders of magnitude per year",
                     "distribution": "given" + (", resampled" if g.size > 1 else ""),
                     "source": "given"})

    # ---- price year and dollars per FLOP of peak capacity
    if price_year is None:
        from computelimits.scaling.extrapolation import latest_price_year

        price_year = latest_price_year(catalog=cat)
    if usd_per_peak_flop is None:
        obs, chips, skipped = _price_observations(int(price_year), price_kind, precision, cat)
        prng = _rng(seed, 3)
        if price_draw == "price" or obs.size == 1:
            p_d = obs[prng.integers(0, obs.size, n)]
            how = "one observed price per draw, uniformly"
        else:
            p_d = np.median(obs[prng.integers(0, obs.size, (n, obs.size))], axis=1)
            how = "median of a bootstrap resample of the observed prices"
        used.append({"name": "usd_per_peak_flop", "value": float(np.median(obs)),
                     "low": float(obs.min()), "high": float(obs.max()),
                     "unit": "USD per FLOP of peak capacity (chip-hour price / (peak FLOP/s × "
                             "3600))", "distribution": how,
                     "source": f"{obs.size} {price_kind} cloud prices observed in {price_year} "
                               f"for {len(set(chips))} chips (Epoch AI hardware prices; peak "
                               f"rates from Epoch AI's chip dataset, precision "
                               f"{precision or 'FP16/BF16, else TF32, else FP32'})"})
        if skipped:
            notes.append(f"{skipped} {price_kind} price(s) of {price_year} left out: their chip "
                         "has no peak rate in Epoch's chip dataset")
    else:
        pv, _ = _as_draws(usd_per_peak_flop, "usd_per_peak_flop")
        if not np.all(np.isfinite(pv) & (pv > 0)):
            raise ConfigError("usd_per_peak_flop must be positive and finite")
        p_d = _resample(pv, _rng(seed, 3).integers(0, pv.size, n))
        used.append({"name": "usd_per_peak_flop", **_summary(pv, alpha),
                     "unit": "USD per FLOP of peak capacity",
                     "distribution": "given" + (", resampled" if pv.size > 1 else ""),
                     "source": "given"})

    # ---- utilization
    ua = assumptions.get("utilization")
    if utilization is None:
        if ua.low is not None and ua.high is not None:
            ulo, uhi, usrc = float(ua.low), float(ua.high), ua.source
        else:
            ulo = uhi = float(ua.value)
            usrc = ua.source
            notes.append("the utilization assumption has no range: its value is used")
    else:
        ulo, uhi = _range(utilization, "utilization", minimum=0.0)
        usrc = "given"
    if ulo <= 0 or uhi > 1:
        raise ConfigError(f"utilization must lie in (0, 1], got {ulo:g}–{uhi:g}")
    u_d = _uniform(_rng(seed, 4), ulo, uhi, n)
    used.append({"name": "utilization", "value": float(ua.value) if utilization is None
                 else (ulo + uhi) / 2, "low": ulo, "high": uhi, "unit": ua.unit,
                 "distribution": "uniform on the range" if ulo < uhi else "fixed",
                 "source": usrc})

    # ---- energy per FLOP: chip, server overhead, PUE
    spec_name = chip
    if chip_tdp_w is None or chip_peak_flop_per_s is None:
        from computelimits.compute.hardware import find_chip

        spec = find_chip(chip, catalog=cat)
        spec_name = spec.name
        if chip_tdp_w is None:
            if spec.tdp_w is None:
                raise ConfigError(f"{spec.name} has no TDP in Epoch's chip dataset")
            tdp, tdp_src = float(spec.tdp_w), f"{spec.name} (Epoch AI chip dataset)"
        if chip_peak_flop_per_s is None:
            peak, prec = spec.peak(precision)
            peak_src = f"{spec.name}, {prec} (Epoch AI chip dataset)"
    if chip_tdp_w is not None:
        tdp, tdp_src = float(chip_tdp_w), "given"
    if chip_peak_flop_per_s is not None:
        peak, peak_src = float(chip_peak_flop_per_s), "given"
    if not (tdp > 0 and peak > 0 and math.isfinite(tdp) and math.isfinite(peak)):
        raise ConfigError(f"chip TDP and peak must be positive, got {tdp} W, {peak} FLOP/s")
    ov = assumptions.get("server_overhead")
    used.append({"name": "chip_tdp", "value": tdp, "low": None, "high": None, "unit": "W",
                 "distribution": "point value (TDP: an upper bound on the board's draw)",
                 "source": tdp_src})
    used.append({"name": "chip_peak", "value": peak, "low": None, "high": None,
                 "unit": "FLOP/s", "distribution": "point value", "source": peak_src})
    used.append({**ov.to_dict(), "distribution": "point value (no range in the source)"})
    if pue is None:
        plo, phi, psrc = _pue_range(cat)
    else:
        plo, phi = _range(pue, "pue", minimum=1.0)
        psrc = "given"
    pue_d = _uniform(_rng(seed, 5), plo, phi, n)
    used.append({"name": "pue", "value": (plo + phi) / 2, "low": plo, "high": phi, "unit": "",
                 "distribution": "uniform on the range" if plo < phi else "fixed",
                 "source": psrc})

    # ---- grid intensity
    if grid_gco2e_per_kwh is None:
        glo, ghi, gsrc2, gnote = _grid_range(zone, cat)
        if gnote:
            notes.append(gnote)
    else:
        glo, ghi = _range(grid_gco2e_per_kwh, "grid_gco2e_per_kwh", minimum=0.0)
        gsrc2 = "given"
    grid_d = _uniform(_rng(seed, 6), glo, ghi, n)
    used.append({"name": "grid_intensity", "value": (glo + ghi) / 2, "low": glo, "high": ghi,
                 "unit": "gCO2e/kWh",
                 "distribution": ("uniform between direct and life-cycle" if glo < ghi
                                  else "fixed"), "source": gsrc2})
    used.append({"name": "energy_efficiency_growth", "value": 0.0, "low": None, "high": None,
                 "unit": "orders of magnitude of FLOP per joule per year",
                 "distribution": "held fixed",
                 "source": f"not modelled: energy per FLOP held at today's chip ({spec_name}); "
                           "the package has no measured trend of FLOP per joule"})

    # ---- the model, in log10 space (no overflow; quantiles of logs)
    log_u = np.log10(u_d)
    log_perf_adj = log_u if kind == "hardware_burden" else 0.0
    log_usd_flop = np.log10(p_d) - log_u
    kwh_flop = kwh_per_flop(tdp, float(ov.value), pue_d, peak, u_d)
    with np.errstate(divide="ignore"):
        log_kg_flop = np.log10(kwh_flop) + np.log10(grid_d) - 3.0
    rows = []
    cols: dict[str, np.ndarray] = {
        "log10_compute_today": lf_d, "progress_rate": rate_d, "growth": g_d,
        "usd_per_peak_flop": p_d, "utilization": u_d, "pue": pue_d,
        "grid_gco2e_per_kwh": grid_d}
    with np.errstate(invalid="ignore"):
        for h in hs:
            lf_h = lf_d - rate_d * h
            log_perf = lf_h + log_perf_adj
            log_usd = log_perf + log_usd_flop - g_d * h
            log_co2 = log_perf + log_kg_flop
            log_ratio = -(rate_d + g_d) * h
            log_co2_ratio = -rate_d * h
            fm, flo, fhi = _quantiles(lf_h, alpha)
            um, ulo_, uhi_ = _quantiles(log_usd, alpha)
            cm, clo, chi = _quantiles(log_co2, alpha)
            rm, rlo, rhi = _quantiles(log_ratio, alpha)
            rows.append({
                "years_ahead": float(h), "buy_year": float(price_year) + float(h),
                "log10_compute_median": fm, "log10_compute_ci_low": flo,
                "log10_compute_ci_high": fhi,
                "usd_median": _pow10(um), "usd_ci_low": _pow10(ulo_),
                "usd_ci_high": _pow10(uhi_),
                "co2_kg_median": _pow10(cm), "co2_kg_ci_low": _pow10(clo),
                "co2_kg_ci_high": _pow10(chi),
                "usd_ratio_median": _pow10(rm), "usd_ratio_ci_low": _pow10(rlo),
                "usd_ratio_ci_high": _pow10(rhi),
                "share_cheaper": float(np.mean(log_ratio < 0)),
                "share_less_co2": float(np.mean(log_co2_ratio < 0)),
            })
            if keep_draws:
                tag = f"{h:g}y"
                cols[f"log10_compute_{tag}"] = lf_h
                cols[f"usd_{tag}"] = _pow10(log_usd)
                cols[f"co2_kg_{tag}"] = _pow10(log_co2)
    table = pd.DataFrame(rows)

    # ---- what the numbers mean
    if kind == "hardware_burden":
        notes.append("compute is hardware burden (peak × time): priced as burden × utilization "
                     "FLOP performed, so dollars are burden × price per peak FLOP and do not "
                     "depend on the utilization")
    else:
        notes.append(f"compute is FLOP performed ({kind}): dollars per FLOP performed = price "
                     "per peak FLOP / utilization")
    notes.append(f"hardware energy efficiency is held at today's chip ({spec_name}): CO2 "
                 "falls only with algorithmic progress; the package has no measured trend of "
                 "FLOP per joule to project")
    notes.append("price-performance growth is measured on chips' release prices in constant "
                 "dollars and applied to cloud rental prices; dollars are dollars of the "
                 f"price year {price_year} (no inflation)")
    if usd_per_peak_flop is None and price_draw == "price":
        notes.append("each draw prices one observed cloud offering of the price year (every "
                     "chip and seller in the table, consumer GPUs included), so the dollar "
                     "interval includes the spread of prices between offerings; "
                     "price_draw='median' draws the typical price instead")
    notes.append("energy uses one chip for every draw, while prices come from the offerings "
                 "of all chips")
    notes.append("waiting delays the result: the delay itself is not priced; buy-year "
                 "dollars and CO2 use the same draw as today's, so share_cheaper is the share "
                 "of draws with progress_rate + growth > 0")
    notes.append("intervals are percentile intervals of the draws, computed on log10 values")
    settings = {"kind": kind, "price_year": int(price_year), "chip": spec_name, "zone": zone,
                "n_draws": n, "seed": int(seed), "alpha": float(alpha), "paired": bool(paired),
                "years_ahead": [float(h) for h in hs], "price_draw": price_draw,
                "price_kind": price_kind, "precision": precision}
    return CostOverTime(table=table, assumptions=used, notes=notes, settings=settings,
                        draws=pd.DataFrame(cols) if keep_draws else None)
