"""Growth of training compute against growth of hardware.

Thompson et al. (2020, arXiv 2007.05558) compare how fast the compute used to train deep
networks grows with how fast hardware improves; Sevilla et al. (2022, "Compute Trends Across
Three Eras of Machine Learning", arXiv 2202.05924) split the history of training compute into
eras. This module measures both on the open data of the package:

* training compute of models: Epoch AI's models database
  (:func:`computelimits.data.loaders.epoch_models.load_models`);
* peak FLOP/s per chip and FLOP/s per dollar of Epoch's ML-hardware subset
  (:func:`computelimits.data.loaders.epoch_hardware.load_chips`), deflated with the U.S.
  producer price index for data processing and hosting (``deflator``);
* Moore's-law series from Karl Rupp's microprocessor data
  (:func:`computelimits.data.loaders.microprocessor.load_trends`).

Method (every series the same way). Each point is (t, log10 v) with t the decimal year of its
date (``decimal_year``: year + elapsed fraction of that calendar year). Ordinary least squares
of log10 v on t (statsmodels) gives the growth rate ``slope`` in orders of magnitude (OOM) per
year, its standard error and a t-based confidence interval (95 % by default). The doubling
time is 12·log10(2)/slope months; its interval is the image of the slope interval (an upper
end of ``inf`` means the slope interval reaches zero). A pairs bootstrap (rows resampled with
replacement, ``n_boot`` resamples, all solved at once with numpy: no Python loop per resample)
gives percentile intervals for the same quantities and the draws used to propagate
uncertainty into ratios of growth rates. The bootstrap generator of a series is seeded with
``(seed, crc32(series name))``, so results are reproducible and different series get
independent draws.

Definitions (read them before quoting a number):

* ``notable``: models that meet at least one of Epoch's notability criteria (column
  ``Notability criteria`` non-blank: SOTA improvement, highly cited, historical significance,
  training cost, significant use); the loader's ``notable`` column.
* ``frontier``: ``compute_rank`` ≤ 10 (Epoch's "Compute rank when published": the rank of the
  model's training compute at its release, 1 = largest). In this snapshot the column is filled
  only for notable models published from December 2015 on, and only for ranks up to 20; it
  agrees closely with the rank among notable models published up to the same date. So the
  frontier series starts in December 2015 and is a "running top 10 of notable models".
* ``all``: every row with training compute and a date (Epoch's "full view", which includes
  many non-notable models added for specific studies; coverage is uneven).
* ``large_scale``: Sevilla et al. describe large-scale models as ones that break off the
  Deep-Learning trend from late 2015 with 10-100x more compute than other models of the same
  time, selected by a statistical threshold on compute relative to contemporaries (their
  results were robust to the threshold). The paper's exact cut is not reproduced here; we use
  a rule of the same form: a notable model published on or after ``LARGE_SCALE_START``
  (2015-09-01, "late 2015": AlphaGo Fan is dated 2015-10-01) is large-scale when its log10
  compute is at least ``large_scale_z`` (default 1.0) standard deviations above the mean of
  the other notable models published within ±``window`` years (default 1), with at least
  ``MIN_NEIGHBOURS`` such models.
* Eras (:func:`eras`): pre-Deep-Learning (notable models dated before 2010), Deep Learning
  (notable models from 2010-01-01, large-scale ones included), Deep Learning regular-scale
  (the same without the large-scale models) and Large-Scale (the large-scale models).
* Hardware (:func:`hardware_fits`): chips flagged ``ml_hardware`` by Epoch with a release date
  (datacenter accelerators, but also consumer GPUs and inference chips), by release date.
  Per chip: ``ml_fp32_flops``, peak FP32 FLOP/s (non-tensor); ``ml_tensor16_flops``, the
  tensor-core FP16/BF16 rate (chips that have one: 2017 on); ``ml_max16_flops``, the fastest
  floating-point rate at 16 bits or more (max of FP32, TF32 and FP16/BF16, tensor or not), so
  it includes the move to tensor units; ``ml_fp16_flops``, the loader's ``fp16_flops`` (tensor
  FP16/BF16 where the chip has it, else non-tensor FP16: noisy, since several consumer GPUs
  run non-tensor FP16 at 1/64 of their FP32 rate). Per dollar: the FP32 or >=16-bit rate
  divided by the release price, in nominal US dollars (``ml_fp32_flops_per_usd``) or in
  constant dollars of ``base_year`` (``..._per_usd_<base_year>``: price / deflator[release
  year], the deflator being the annual mean of the PPI PCU518210518210 relative to
  ``base_year``; chips whose release year the PPI does not cover are left out and counted in
  ``notes``). ``cpu_transistors``: transistors per microprocessor; ``cpu_specint``:
  single-thread SPECint (Rupp); all years unless ``start``/``end`` are given.
* Share (:func:`trend_report`): share = hardware slope / compute slope, both fitted over the
  same period (default 2012-2023), i.e. the fraction of the growth of training compute (in
  log terms) that better chips alone would have delivered at a constant number of chips
  (per chip) or at constant real spending (per dollar). Its interval is the percentile
  interval of the ratio of independent bootstrap draws of the two slopes.

Period bounds (``start``, ``end``): an ``int`` is a calendar year, inclusive at both ends
(``end=2023`` keeps everything dated up to 2023-12-31); a ``float`` is a decimal year and a
``str``/date/``Timestamp`` a day, both inclusive.
"""

from __future__ import annotations

import datetime as _dt
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError, InputError

__all__ = [
    "DEFAULT_PERIOD",
    "LARGE_SCALE_START",
    "LOG2",
    "TrendFit",
    "TrendReport",
    "bootstrap_slopes",
    "compare",
    "compute_trend",
    "decimal_year",
    "doubling_months",
    "era_fits",
    "eras",
    "fit_trend",
    "fits_table",
    "hardware_fits",
    "hardware_trends",
    "large_scale_mask",
    "percentile_ci",
    "plot_trends",
    "select_models",
    "trend_report",
]

#: log10(2): a slope of LOG2 OOM/year doubles every year.
LOG2 = math.log10(2.0)

#: Default common period of :func:`trend_report` (calendar years, inclusive).
DEFAULT_PERIOD = (2012, 2023)

#: First day on which a model can count as large-scale ("late 2015", Sevilla et al. 2022).
LARGE_SCALE_START = "2015-09-01"

#: Fewest other notable models in the ±window that a large-scale z-score needs.
MIN_NEIGHBOURS = 5

#: First year of the Deep Learning era (Sevilla et al. 2022).
DEEP_LEARNING_START = 2010

Subset = Literal["notable", "frontier", "all", "large_scale"]
SUBSETS = ("notable", "frontier", "all", "large_scale")
Bound = int | float | str | _dt.date | pd.Timestamp | None


# --------------------------------------------------------------------------------------------
# Regression machinery


def doubling_months(slope: float | np.ndarray) -> float | np.ndarray:
    """Doubling time in months of a growth rate ``slope`` in log10 units per year
    (12·log10(2)/slope; negative for a decline, ``inf`` for a zero slope)."""
    with np.errstate(divide="ignore"):
        out = 12.0 * LOG2 / np.asarray(slope, dtype=float)
    return float(out) if np.ndim(out) == 0 else out


def _doubling_interval(lo: float, hi: float) -> tuple[float, float]:
    """Doubling-time interval (months) that a slope interval [lo, hi] maps to."""
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
    """Percentile interval of bootstrap ``draws`` (NaN draws ignored; NaNs if none)."""
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return (math.nan, math.nan)
    a = (1.0 - conf) / 2.0
    lo, hi = np.quantile(draws, [a, 1.0 - a])
    return (float(lo), float(hi))


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])


def _finite(x: Any) -> Any:
    """JSON-friendly copy: non-finite floats become None (tuples become lists)."""
    if isinstance(x, tuple | list):
        return [_finite(v) for v in x]
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


@dataclass(frozen=True, eq=False)
class TrendFit:
    """A log-linear trend: log10(value) = level + slope·(t − t0), t in decimal years.

    ``slope`` is in orders of magnitude (log10 units) per year; ``slope_ci`` is the OLS
    t-interval at level ``conf``, ``slope_boot_ci`` the pairs-bootstrap percentile interval.
    ``start``/``end`` are the first and last decimal years of the data used. ``boot`` holds
    the bootstrap slopes (for propagating uncertainty), ``t`` and ``y`` the points
    (decimal year, log10 value); none of the three is in :meth:`to_dict`.
    """

    name: str
    label: str
    unit: str
    n: int
    start: float
    end: float
    slope: float
    slope_se: float
    slope_ci: tuple[float, float]
    slope_boot_ci: tuple[float, float]
    t0: float
    level: float
    r2: float
    conf: float
    n_boot: int
    notes: str = ""
    boot: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    y: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    @property
    def doubling_months(self) -> float:
        """Doubling time in months (12·log10(2)/slope)."""
        return float(doubling_months(self.slope))

    @property
    def doubling_ci(self) -> tuple[float, float]:
        """Doubling-time interval (months) from the OLS slope interval."""
        return _doubling_interval(*self.slope_ci)

    @property
    def doubling_boot_ci(self) -> tuple[float, float]:
        """Doubling-time interval (months) from the bootstrap slope interval."""
        return _doubling_interval(*self.slope_boot_ci)

    @property
    def growth_per_year(self) -> float:
        """Multiplicative growth per year, 10**slope."""
        return float(10.0 ** self.slope)

    def predict(self, t: float | np.ndarray) -> np.ndarray:
        """Fitted log10 value at decimal year(s) ``t``."""
        return self.level + self.slope * (np.asarray(t, dtype=float) - self.t0)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready: non-finite numbers become ``None``)."""
        out = {
            "name": self.name, "label": self.label, "unit": self.unit, "n": int(self.n),
            "start": self.start, "end": self.end,
            "slope": self.slope, "slope_se": self.slope_se,
            "slope_ci": self.slope_ci, "slope_boot_ci": self.slope_boot_ci,
            "growth_per_year": self.growth_per_year,
            "doubling_months": self.doubling_months, "doubling_ci": self.doubling_ci,
            "doubling_boot_ci": self.doubling_boot_ci,
            "r2": self.r2, "conf": self.conf, "n_boot": int(self.n_boot),
            "t0": self.t0, "level": self.level, "notes": self.notes,
        }
        return {k: _finite(v) for k, v in out.items()}

    def summary(self) -> str:
        """One paragraph of text."""
        pct = f"{self.conf:.0%}"
        lo, hi = self.slope_ci
        dlo, dhi = self.doubling_ci
        text = (f"{self.name} ({self.label}): n={self.n}, {self.start:.1f}-{self.end:.1f}\n"
                f"  growth {self.slope:.3f} OOM/yr ({self.growth_per_year:.2f}x/yr), "
                f"{pct} CI [{lo:.3f}, {hi:.3f}]\n"
                f"  doubling {self.doubling_months:.1f} months, {pct} CI "
                f"[{dlo:.1f}, {dhi:.1f}]")
        if self.n_boot:
            blo, bhi = self.doubling_boot_ci
            text += f", bootstrap [{blo:.1f}, {bhi:.1f}] ({self.n_boot} resamples)"
        text += f"\n  R2 {self.r2:.2f}; unit of the series: {self.unit}"
        if self.notes:
            text += f"\n  {self.notes}"
        return text


def fit_trend(t: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray, *,
              name: str = "series", label: str = "", unit: str = "", n_boot: int = 2000,
              seed: int = 0, conf: float = 0.95, notes: str = "") -> TrendFit:
    """Fit log10(values) = a + slope·t by OLS (statsmodels) with a vectorized bootstrap.

    ``t`` are decimal years, ``values`` positive numbers in ``unit``. Needs at least three
    points at two or more distinct times. See the module docstring for the intervals.
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
    boot = bootstrap_slopes(t, y, n_boot, _rng(seed, name))
    return TrendFit(
        name=name, label=label or name, unit=unit, n=int(t.size),
        start=float(t.min()), end=float(t.max()),
        slope=float(res.params[1]), slope_se=float(res.bse[1]), slope_ci=(lo, hi),
        slope_boot_ci=percentile_ci(boot, conf) if n_boot else (math.nan, math.nan),
        t0=t0, level=float(res.params[0]), r2=float(res.rsquared), conf=conf,
        n_boot=int(n_boot), notes=notes, boot=boot, t=t, y=y,
    )


def fits_table(fits: Iterable[TrendFit] | Mapping[str, TrendFit]) -> pd.DataFrame:
    """One row per fit: name, label, unit, n, start, end, slope (OOM/yr) with OLS and
    bootstrap intervals, growth per year, doubling months with both intervals, r2, notes."""
    if isinstance(fits, Mapping):
        fits = fits.values()
    rows = []
    for f in fits:
        rows.append({
            "name": f.name, "label": f.label, "unit": f.unit, "n": f.n,
            "start": f.start, "end": f.end, "slope": f.slope, "slope_se": f.slope_se,
            "slope_lo": f.slope_ci[0], "slope_hi": f.slope_ci[1],
            "slope_boot_lo": f.slope_boot_ci[0], "slope_boot_hi": f.slope_boot_ci[1],
            "growth_per_year": f.growth_per_year,
            "doubling_months": f.doubling_months,
            "doubling_lo": f.doubling_ci[0], "doubling_hi": f.doubling_ci[1],
            "doubling_boot_lo": f.doubling_boot_ci[0], "doubling_boot_hi": f.doubling_boot_ci[1],
            "r2": f.r2, "notes": f.notes,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Dates and periods


def decimal_year(dates: Any) -> np.ndarray:
    """Decimal years of ``dates`` (anything ``pd.to_datetime`` reads): the calendar year plus
    the elapsed fraction of that year (2020-07-02 → 2020.5). Missing dates give NaN."""
    d = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates, dtype=object))
                                 if not isinstance(dates, pd.Series) else dates))
    year = d.dt.year
    first = pd.to_datetime(year.astype("Int64").astype("string") + "-01-01", errors="coerce")
    nxt = pd.to_datetime((year + 1).astype("Int64").astype("string") + "-01-01",
                         errors="coerce")
    frac = (d - first) / (nxt - first)
    return (year + frac).to_numpy(dtype=float, na_value=np.nan)


def _bounds(start: Bound, end: Bound) -> tuple[float, float, bool]:
    """(lo, hi, hi_inclusive) in decimal years; see the module docstring."""
    def one(v: Bound, upper: bool) -> tuple[float, bool]:
        if v is None:
            return (math.inf if upper else -math.inf), True
        if isinstance(v, bool):
            raise ConfigError(f"period bound {v!r} is not a year or a date")
        if isinstance(v, int | np.integer):
            return (float(v) + 1.0, False) if upper else (float(v), True)
        if isinstance(v, float | np.floating):
            if not math.isfinite(v):
                raise ConfigError(f"period bound {v!r} is not finite")
            return float(v), True
        try:
            return float(decimal_year([pd.Timestamp(v)])[0]), True
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"period bound {v!r} is not a year or a date") from exc

    lo, _ = one(start, False)
    hi, inclusive = one(end, True)
    if lo >= hi:
        raise ConfigError(f"empty period: start {start!r} is not before end {end!r}")
    return lo, hi, inclusive


def _in_period(t: np.ndarray, start: Bound, end: Bound) -> np.ndarray:
    lo, hi, inclusive = _bounds(start, end)
    return (t >= lo) & ((t <= hi) if inclusive else (t < hi))


def _describe_period(start: Bound, end: Bound) -> str:
    if start is None and end is None:
        return "all dates"
    return f"{start if start is not None else '...'}-{end if end is not None else '...'}"


# --------------------------------------------------------------------------------------------
# Training compute of models


def _load_models(models: pd.DataFrame | None, strict: bool | None) -> pd.DataFrame:
    if models is not None:
        return models
    from computelimits.data.loaders.epoch_models import load_models

    return load_models(strict=strict)


def _flag(models: pd.DataFrame, col: str) -> np.ndarray:
    if col not in models.columns:
        raise InputError(f"the models table has no {col!r} column")
    return models[col].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _compute_points(models: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, flop, usable) for every row: usable = has a date and positive compute."""
    for col in ("date", "training_flop"):
        if col not in models.columns:
            raise InputError(f"the models table has no {col!r} column")
    t = decimal_year(models["date"])
    flop = pd.to_numeric(models["training_flop"]).to_numpy(dtype=float, na_value=np.nan)
    usable = np.isfinite(t) & np.isfinite(flop) & (flop > 0)
    return t, flop, usable


def large_scale_mask(models: pd.DataFrame, *, z: float = 1.0, window: float = 1.0,
                     start: Bound = LARGE_SCALE_START) -> np.ndarray:
    """Boolean mask (one entry per row of ``models``) of large-scale models.

    A row is large-scale when it is notable, has a date on or after ``start`` and positive
    compute, and its log10 compute is at least ``z`` standard deviations above the mean log10
    compute of the *other* notable models published within ±``window`` years (at least
    ``MIN_NEIGHBOURS`` of them). A reconstruction of Sevilla et al.'s (2022) selection, see the
    module docstring.
    """
    if window <= 0:
        raise ConfigError(f"window must be positive, not {window!r}")
    t, flop, usable = _compute_points(models)
    pool = usable & _flag(models, "notable")
    idx = np.flatnonzero(pool)
    out = np.zeros(len(models), dtype=bool)
    if idx.size == 0:
        return out
    tp, yp = t[idx], np.log10(flop[idx])
    near = np.abs(tp[:, None] - tp[None, :]) <= window
    np.fill_diagonal(near, False)
    k = near.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (near * yp[None, :]).sum(axis=1) / k
        var = (near * (yp[None, :] - mean[:, None]) ** 2).sum(axis=1) / (k - 1)
        score = (yp - mean) / np.sqrt(var)
    ok = (k >= MIN_NEIGHBOURS) & (var > 0) & _in_period(tp, start, None)
    out[idx] = ok & (score >= z)
    return out


def select_models(models: pd.DataFrame | None = None, *, subset: Subset = "notable",
                  start: Bound = None, end: Bound = None, strict: bool | None = None,
                  large_scale_z: float = 1.0, window: float = 1.0) -> pd.DataFrame:
    """The rows a compute trend uses: ``subset`` (see the module docstring), dated within
    [start, end], with a date and positive ``training_flop``. Adds the column ``t``
    (decimal year); ``attrs["excluded"]`` counts the rows of the subset dropped for lack of
    compute or date."""
    if subset not in SUBSETS:
        raise ConfigError(f"unknown subset {subset!r}; choose one of {', '.join(SUBSETS)}")
    models = _load_models(models, strict)
    t, _flop, usable = _compute_points(models)
    if subset == "notable":
        keep = _flag(models, "notable")
    elif subset == "frontier":
        if "compute_rank" not in models.columns:
            raise InputError("the models table has no 'compute_rank' column")
        rank = pd.to_numeric(models["compute_rank"]).to_numpy(dtype=float, na_value=np.nan)
        keep = rank <= 10
    elif subset == "large_scale":
        keep = large_scale_mask(models, z=large_scale_z, window=window)
    else:
        keep = np.ones(len(models), dtype=bool)
    period = _in_period(t, start, end) | ~np.isfinite(t)
    excluded = int((keep & period & ~usable).sum())
    rows = keep & usable & _in_period(t, start, end)
    out = models.loc[rows].copy()
    out["t"] = t[rows]
    out.attrs = {"excluded": excluded, "subset": subset}
    return out


_SUBSET_LABEL = {
    "notable": "notable models",
    "frontier": "frontier models (compute rank <= 10 at publication)",
    "all": "all models",
    "large_scale": "large-scale models",
}


def compute_trend(models: pd.DataFrame | None = None, *, subset: Subset = "notable",
                  start: Bound = None, end: Bound = None, n_boot: int = 2000, seed: int = 0,
                  conf: float = 0.95, name: str | None = None, label: str | None = None,
                  large_scale_z: float = 1.0, window: float = 1.0,
                  strict: bool | None = None) -> TrendFit:
    """Growth of training compute (FLOP) of ``subset`` models between ``start`` and ``end``.

    ``models`` is a frame like :func:`~computelimits.data.loaders.epoch_models.load_models`
    returns (columns ``date``, ``training_flop``, ``notable``, ``compute_rank``); by default
    the Epoch database is loaded. Rows without compute or date are left out (counted in
    ``notes``). Returns the :class:`TrendFit` (slope in OOM/year, doubling time in months).
    """
    rows = select_models(models, subset=subset, start=start, end=end, strict=strict,
                         large_scale_z=large_scale_z, window=window)
    name = name or f"compute_{subset}"
    notes = f"{_SUBSET_LABEL[subset]}, {_describe_period(start, end)}"
    if rows.attrs["excluded"]:
        notes += f"; {rows.attrs['excluded']} rows without compute or date left out"
    return fit_trend(rows["t"].to_numpy(), rows["training_flop"].to_numpy(dtype=float),
                     name=name, label=label or f"training compute, {_SUBSET_LABEL[subset]}",
                     unit="FLOP", n_boot=n_boot, seed=seed, conf=conf, notes=notes)


#: era -> label (``{split}``: the first year of the Deep-Learning era)
ERAS = {
    "pre_deep_learning": "Pre-Deep-Learning era (notable models before {split})",
    "deep_learning": "Deep-Learning era (notable models from {split})",
    "deep_learning_regular": "Deep-Learning era, regular-scale (large-scale models removed)",
    "large_scale": "Large-Scale era (large-scale models from late 2015)",
}


def era_fits(models: pd.DataFrame | None = None, *, end: Bound = None,
             split: int = DEEP_LEARNING_START, large_scale_z: float = 1.0,
             window: float = 1.0, large_scale_start: Bound = LARGE_SCALE_START,
             n_boot: int = 2000, seed: int = 0, conf: float = 0.95,
             strict: bool | None = None) -> dict[str, TrendFit]:
    """Piecewise compute trends after Sevilla et al. (2022): one :class:`TrendFit` per era
    (keys of ``ERAS``). Eras are split at 1 January of ``split``; ``end`` cuts all eras; the
    large-scale selection is :func:`large_scale_mask` with ``large_scale_z``, ``window`` and
    ``large_scale_start``."""
    models = _load_models(models, strict)
    t, flop, usable = _compute_points(models)
    notable = _flag(models, "notable")
    big = large_scale_mask(models, z=large_scale_z, window=window, start=large_scale_start)
    t_end = _in_period(t, None, end)
    after = _in_period(t, split, end)
    masks = {
        "pre_deep_learning": notable & (t < split) & t_end,
        "deep_learning": notable & after,
        "deep_learning_regular": notable & after & ~big,
        "large_scale": big & t_end,
    }
    rule = (f"large-scale: notable, from {large_scale_start}, log10 compute >= "
            f"{large_scale_z:g} SD above other notable models within +/-{window:g} yr")
    out = {}
    for era, mask in masks.items():
        sel = mask & usable
        label = ERAS[era].format(split=split)
        notes = f"{label}; end {end if end is not None else 'of data'}"
        if era in ("deep_learning_regular", "large_scale"):
            notes += f"; {rule}"
        out[era] = fit_trend(t[sel], flop[sel], name=f"era_{era}", label=label, unit="FLOP",
                             n_boot=n_boot, seed=seed, conf=conf, notes=notes)
    return out


def eras(models: pd.DataFrame | None = None, **kwargs: Any) -> pd.DataFrame:
    """:func:`era_fits` as a table (:func:`fits_table`), with an ``era`` column first."""
    fits = era_fits(models, **kwargs)
    table = fits_table(fits)
    table.insert(0, "era", list(fits))
    return table


# --------------------------------------------------------------------------------------------
# Hardware


def _hardware_series(chips: pd.DataFrame, trends: pd.DataFrame | None,
                     deflators: pd.Series | None, base_year: int,
                     ) -> dict[str, tuple[np.ndarray, np.ndarray, str, str, str]]:
    """name -> (t, values, label, unit, notes) before any period cut."""
    ml = chips[_flag(chips, "ml_hardware")]
    t = decimal_year(ml["release_date"])
    dated = np.isfinite(t)
    series: dict[str, tuple[np.ndarray, np.ndarray, str, str, str]] = {}

    def col(name: str) -> np.ndarray:
        return pd.to_numeric(ml[name]).to_numpy(dtype=float, na_value=np.nan)

    fp32, fp16 = col("fp32_flops"), col("fp16_flops")
    tf32 = col("tf32_flops") if "tf32_flops" in ml.columns else np.full(len(ml), np.nan)
    tensor = (ml["fp16_kind"].astype("string") == "tensor").fillna(False).to_numpy(dtype=bool)
    # fastest floating-point rate at 16 bits or more (NaNs ignored; NaN if none is known)
    stacked = np.vstack([fp32, tf32, fp16])
    known = np.isfinite(stacked).any(axis=0)
    max16 = np.where(known, np.nanmax(np.where(np.isfinite(stacked), stacked, -np.inf),
                                      axis=0), np.nan)
    price = col("price_usd")
    ml_note = f"Epoch ML hardware ({len(ml)} chips, {int(dated.sum())} with a release date)"
    per_chip = {
        "ml_fp32_flops": (fp32, "peak FP32 FLOP/s per chip (ML hardware)",
                          "FP32 non-tensor rate"),
        "ml_tensor16_flops": (np.where(tensor, fp16, np.nan),
                              "peak tensor FP16/BF16 FLOP/s per chip (ML hardware)",
                              "tensor-core FP16/BF16 rate; chips without one left out"),
        "ml_fp16_flops": (fp16, "peak FP16 FLOP/s per chip, tensor or not (ML hardware)",
                          "tensor FP16/BF16 where the chip has it, else non-tensor FP16 "
                          "(some consumer GPUs run non-tensor FP16 at 1/64 of FP32)"),
        "ml_max16_flops": (max16, "peak FLOP/s at >=16-bit precision per chip (ML hardware)",
                           "fastest of FP32, TF32 and FP16/BF16 (tensor or not)"),
    }
    for name, (v, label, how) in per_chip.items():
        ok = dated & np.isfinite(v) & (v > 0)
        series[name] = (t[ok], v[ok], label, "FLOP/s", f"{ml_note}; {how}")
    for prec, v, what in (("fp32", fp32, "FP32"), ("max16", max16, ">=16-bit")):
        ok = dated & np.isfinite(v) & (v > 0) & np.isfinite(price) & (price > 0)
        if prec == "fp32":
            series["ml_fp32_flops_per_usd"] = (
                t[ok], v[ok] / price[ok],
                "peak FP32 FLOP/s per release-price dollar (nominal)", "FLOP/s per USD",
                f"{ml_note}; release price in nominal US dollars")
        if deflators is not None:
            years = np.floor(t[ok]).astype(int)
            d = deflators.reindex(years).to_numpy(dtype=float)
            cov = np.isfinite(d) & (d > 0)
            notes = (f"{ml_note}; {per_chip[f'ml_{prec}_flops'][2]}; release price in "
                     f"{base_year} US dollars (PPI PCU518210518210 annual means)")
            if (~cov).any():
                notes += f"; {int((~cov).sum())} chips outside the PPI's years left out"
            series[f"ml_{prec}_flops_per_usd_{base_year}"] = (
                t[ok][cov], v[ok][cov] / (price[ok][cov] / d[cov]),
                f"peak {what} FLOP/s per release-price dollar ({base_year} USD)",
                f"FLOP/s per {base_year} USD", notes)
    if trends is not None:
        for name, key, label, unit in (
            ("cpu_transistors", "transistors", "transistors per microprocessor (Rupp)",
             "thousand transistors"),
            ("cpu_specint", "specint", "single-thread SPECint of microprocessors (Rupp)",
             "SPECint x 1000"),
        ):
            g = trends[trends["series"].astype("string") == key]
            series[name] = (g["year"].to_numpy(dtype=float), g["value"].to_numpy(dtype=float),
                            label, unit, "Karl Rupp, microprocessor trend data")
    return series


def _load_hardware(chips: pd.DataFrame | None, trends: pd.DataFrame | None,
                   ppi: pd.DataFrame | None, strict: bool | None, moore: bool,
                   ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    from computelimits.data.loaders.epoch_hardware import load_chips, load_ppi

    if chips is None:
        chips = load_chips(strict=strict)
    if ppi is None:
        ppi = load_ppi(strict=strict)
    if trends is None and moore:
        from computelimits.data.loaders.microprocessor import load_trends

        trends = load_trends(strict=strict)
    return chips, trends, ppi


def hardware_fits(*, chips: pd.DataFrame | None = None, trends: pd.DataFrame | None = None,
                  ppi: pd.DataFrame | None = None, start: Bound = None, end: Bound = None,
                  base_year: int = 2023, moore: bool = True, n_boot: int = 2000,
                  seed: int = 0, conf: float = 0.95,
                  strict: bool | None = None) -> dict[str, TrendFit]:
    """Trends of hardware progress (see the module docstring for each series), fitted
    between ``start`` and ``end`` (all dates by default). ``chips``, ``trends`` and ``ppi``
    default to the loaders' tables; ``moore=False`` leaves out the microprocessor series."""
    from computelimits.data.loaders.epoch_hardware import deflator_from

    chips, trends, ppi = _load_hardware(chips, trends, ppi, strict, moore)
    defl = deflator_from(ppi, base_year)
    out = {}
    for name, (t, v, label, unit, notes) in _hardware_series(
            chips, trends if moore else None, defl, base_year).items():
        keep = _in_period(t, start, end)
        period = _describe_period(start, end)
        out[name] = fit_trend(t[keep], v[keep], name=name, label=label, unit=unit,
                              n_boot=n_boot, seed=seed, conf=conf,
                              notes=f"{notes}; {period}")
    return out


def hardware_trends(**kwargs: Any) -> pd.DataFrame:
    """:func:`hardware_fits` as a table (:func:`fits_table`)."""
    return fits_table(hardware_fits(**kwargs))


# --------------------------------------------------------------------------------------------
# Comparison


#: Hardware series whose share of compute growth :func:`trend_report` reports by default.
SHARE_SERIES = ("ml_fp32_flops", "ml_max16_flops", "ml_tensor16_flops",
                "ml_fp32_flops_per_usd_{base}", "ml_max16_flops_per_usd_{base}",
                "cpu_transistors")


@dataclass(eq=False)
class TrendReport:
    """Compute trends, hardware trends and the shares of compute growth hardware explains.

    ``eras``: :func:`era_fits` (all data). ``compute``: the compute trend of
    ``compute_subset`` over ``period``. ``hardware``: :func:`hardware_fits` over ``period``.
    ``moore``: the microprocessor series over all their years (Moore's-law reference).
    ``shares``: one row per hardware series (see :meth:`share_table`).
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
        """One row per series (:func:`fits_table`) with a ``key`` and a ``group`` column
        (era / compute / hardware / moore)."""
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
        interval of the ratio of bootstrap draws (``share_lo``, ``share_hi``)."""
        return self.shares.copy()

    def summary(self) -> str:
        """Text report: eras, common-period trends and shares."""
        lines = ["Training compute by era (Sevilla et al. 2022 eras):"]
        lines += ["  " + _line(f) for f in self.eras.values()]
        lo, hi = self.period
        lines += ["", f"Common period {lo}-{hi}:", "  " + _line(self.compute)]
        lines += ["  " + _line(f) for f in self.hardware.values()]
        lines += ["", "Moore's law reference (all years):"]
        lines += ["  " + _line(f) for f in self.moore.values()]
        lines += ["", f"Share of the growth of training compute ({self.compute.label}) that "
                      "hardware progress accounts for (ratio of growth rates):"]
        for r in self.shares.itertuples():
            lines.append(f"  {r.hardware:32s} {r.share:6.1%} [{r.share_lo:.1%}, "
                         f"{r.share_hi:.1%}]  (hardware doubling {r.hardware_doubling:.1f} "
                         f"mo vs compute {r.compute_doubling:.1f} mo)")
        lines.append("  The rest is growth in the number of chips x training time (per-chip "
                     "shares) or in real spending (per-dollar shares), and utilisation.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of every fit, the shares and the settings."""
        return {
            "period": [_finite(v) if not isinstance(v, str) else v for v in self.period],
            "compute_subset": self.compute_subset,
            "base_year": self.base_year,
            "settings": {k: (str(v) if not isinstance(v, int | float | str | None) else v)
                         for k, v in self.settings.items()},
            "eras": {k: f.to_dict() for k, f in self.eras.items()},
            "compute": self.compute.to_dict(),
            "hardware": {k: f.to_dict() for k, f in self.hardware.items()},
            "moore": {k: f.to_dict() for k, f in self.moore.items()},
            "shares": [{k: _finite(v) for k, v in row.items()}
                       for row in self.shares.to_dict(orient="records")],
        }


def _line(f: TrendFit) -> str:
    lo, hi = f.doubling_ci
    return (f"{f.name:34s} n={f.n:4d} {f.start:7.1f}-{f.end:6.1f}  {f.slope:6.3f} OOM/yr  "
            f"doubling {f.doubling_months:6.1f} mo [{lo:.1f}, {hi:.1f}]  R2 {f.r2:.2f}")


def _share_row(hw: TrendFit, comp: TrendFit, conf: float) -> dict[str, Any]:
    share = hw.slope / comp.slope
    k = min(hw.boot.size, comp.boot.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = hw.boot[:k] / comp.boot[:k]
    lo, hi = percentile_ci(draws, conf) if k else (math.nan, math.nan)
    return {"hardware": hw.name, "compute": comp.name, "share": share, "share_lo": lo,
            "share_hi": hi, "hardware_slope": hw.slope, "compute_slope": comp.slope,
            "hardware_doubling": hw.doubling_months, "compute_doubling": comp.doubling_months,
            "hardware_start": hw.start, "hardware_end": hw.end, "hardware_n": hw.n}


def trend_report(models: pd.DataFrame | None = None, *, chips: pd.DataFrame | None = None,
                 trends: pd.DataFrame | None = None, ppi: pd.DataFrame | None = None,
                 period: tuple[Bound, Bound] = DEFAULT_PERIOD,
                 compute_subset: Subset = "notable", base_year: int = 2023,
                 share_series: Sequence[str] | None = None, large_scale_z: float = 1.0,
                 window: float = 1.0, n_boot: int = 2000, seed: int = 0, conf: float = 0.95,
                 strict: bool | None = None) -> TrendReport:
    """Everything at once: compute eras, the compute trend of ``compute_subset`` and the
    hardware trends over ``period`` (default 2012-2023, inclusive), Moore's-law series over
    all years, and the shares of compute growth explained by hardware (``share_series``,
    default ``SHARE_SERIES``; ``{base}`` stands for ``base_year``)."""
    if n_boot < 2:
        raise ConfigError("trend_report needs n_boot >= 2 to give intervals for the shares")
    models = _load_models(models, strict)
    chips, trends, ppi = _load_hardware(chips, trends, ppi, strict, True)
    common = {"n_boot": n_boot, "seed": seed, "conf": conf}
    era = era_fits(models, large_scale_z=large_scale_z, window=window, **common)
    start, end = period
    comp = compute_trend(models, subset=compute_subset, start=start, end=end,
                         large_scale_z=large_scale_z, window=window,
                         name=f"compute_{compute_subset}_period", **common)
    hw = hardware_fits(chips=chips, trends=trends, ppi=ppi, start=start, end=end,
                       base_year=base_year, **common)
    moore = hardware_fits(chips=chips, trends=trends, ppi=ppi, base_year=base_year, **common)
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
    """:func:`trend_report` as one table: every series' doubling time with its intervals
    (:meth:`TrendReport.table`), then one row per share (``group`` = "share", the share
    and its bootstrap interval in ``share``/``share_lo``/``share_hi``)."""
    report = trend_report(models, **kwargs)
    table = report.table()
    shares = report.shares.rename(columns={"hardware": "key"})
    shares.insert(0, "group", "share")
    shares["name"] = "share_" + shares["key"]
    return pd.concat([table, shares[["group", "key", "name", "share", "share_lo",
                                     "share_hi"]]], ignore_index=True)


# --------------------------------------------------------------------------------------------
# Figure


#: Hardware series drawn by :func:`plot_trends` by default.
PLOT_SERIES = ("ml_fp32_flops", "ml_max16_flops", "ml_fp32_flops_per_usd_{base}",
               "cpu_transistors", "cpu_specint")


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
    era_style = {  # colour, marker size, alpha
        "pre_deep_learning": ("#7f7f7f", 14, 0.5),
        "deep_learning": ("#1f77b4", 10, 0.25),
        "large_scale": ("#d62728", 16, 0.5),
    }
    era = report.eras
    big = np.zeros(0)
    if "large_scale" in era:
        big = era["large_scale"].t
    for key, (color, size, alpha) in era_style.items():
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
    lo_t = _bounds(*report.period)[0]
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
    ax.set_title(f"Training compute ({_SUBSET_LABEL.get(report.compute_subset, '')}) "
                 "against hardware progress")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", fontsize=7.5, framealpha=0.92)
    return fig
