"""Check the estimator against Epoch AI's models table.

For every model that reports its training hardware (one chip type), the estimator is compared
with what Epoch reports; ratios are estimate / reported:

* **compute**: chips × peak × hours × utilization vs the reported training compute (models
  with a chip count and training hours);
* **cost** (cloud prices): chip-hours × the chip's observed cloud price (median of Epoch's
  price observations of the chosen kind, converted to 2023 dollars) vs Epoch's 2023-dollar
  training cost;
* **cost_amortized**: Epoch's own method, amortized hardware + energy
  (:mod:`computelimits.compute.amortized`), vs the same reported cost;
* **power**: chips × TDP × server overhead vs Epoch's power draw.

Both cost checks use one chip-hours figure per model, taken as Epoch's cost estimates take it:
the reported chip-hours, else chips × hours, else training FLOP / (peak × utilization) (the
reported utilization where there is one). Fine-tuned models (those with a base model) are
left out of the cost checks: Epoch's cost of some of them includes the base model's.

The peak rate follows the model's ``Numerical format`` where Epoch gives one (FP32, TF32,
FP16/BF16, FP8), else the estimator's default (FP16 tensor, else TF32, else FP32).

Agreement per check (:func:`ratio_summary`): n, the median ratio with a distribution-free 95%
confidence interval (order statistics), quartiles, the spread in orders of magnitude (standard
deviation of log10 ratio) and the share of models within 2× and 3×.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.compute.amortized import acquisition_price, amortized_cost
from computelimits.compute.cost import PRICE_KINDS, ChipPrice, chip_hour_price, to_year_dollars
from computelimits.compute.hardware import chip_index
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["CHECKS", "COST_METHODS", "MEASURES", "WHY_CLOUD_COSTS_MORE", "CrossCheck",
           "crosscheck", "ratio_summary"]

_FORMAT = {"FP32": "fp32", "TF32": "tf32", "FP16": "fp16", "BF16": "fp16", "FP8": "fp8"}

#: the comparisons, in order (``cost`` prices chip-hours at cloud prices, ``cost_amortized``
#: with Epoch's amortized hardware + energy method)
CHECKS = ("compute", "cost", "cost_amortized", "power")

#: which cost comparisons :func:`crosscheck` makes
COST_METHODS = ("both", "cloud", "amortized")

#: why cloud prices run above Epoch's costs, in one sentence
WHY_CLOUD_COSTS_MORE = (
    "Cloud prices run above Epoch's costs because Epoch charges a training run only the part "
    "of its hardware's purchase value that the run uses up as newer chips make it obsolete, "
    "plus electricity, while a cloud price per chip-hour must also pay for the hours the "
    "chips sit idle, the data centre and the provider's margin.")

#: what the agreement figures measure, in one line
MEASURES = ("ratio = estimate / reported; 95% CI: of the median ratio (order statistics); "
            "spread: standard deviation of log10 ratio, in orders of magnitude")

#: the data the checks read
_SOURCES = ("epoch-ai-models", "epoch-hardware")

def _describe(check: str, price_kind: str = "on-demand") -> str:
    return {"compute": "chips × peak × hours × utilization vs reported training compute",
            "cost": f"chip-hours × {price_kind} cloud price vs Epoch's 2023-USD cost",
            "cost_amortized": "amortized hardware + energy (Epoch's method) vs Epoch's "
                              "2023-USD cost",
            "power": "chips × TDP × server overhead vs Epoch's power draw"}[check]


@dataclass(repr=False)
class CrossCheck(ResultMixin):
    """Result of :func:`crosscheck`: one table of per-model comparisons per check
    (``compute``, ``cost`` (cloud prices), ``cost_amortized``, ``power``; ``ratio`` =
    estimate / reported; a cost check that was not asked for is None), the models left out
    and why (``skipped``), the attribution of the data (``sources``) and the cloud price kind
    of the ``cost`` check."""

    compute: pd.DataFrame
    cost: pd.DataFrame | None
    power: pd.DataFrame
    skipped: dict[str, int]
    sources: list[str] = field(default_factory=list)
    cost_amortized: pd.DataFrame | None = None
    price_kind: str = "on-demand"

    def _frames(self) -> list[tuple[str, pd.DataFrame]]:
        frames = {"compute": self.compute, "cost": self.cost,
                  "cost_amortized": self.cost_amortized, "power": self.power}
        return [(k, frames[k]) for k in CHECKS if frames[k] is not None]

    def ratios(self) -> pd.DataFrame:
        """One row per check made: ``check``, ``compares``, then :func:`ratio_summary` of
        its ratios (``n``, ``median``, ``median_ci_low``, ``median_ci_high``, ``q25``,
        ``q75``, ``spread_oom``, ``within_2x``, ``within_3x``)."""
        rows = []
        for k, df in self._frames():
            ratio = df["ratio"] if "ratio" in df else pd.Series(dtype=float)
            rows.append({"check": k, "compares": _describe(k, self.price_kind),
                         **ratio_summary(ratio)})
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """Every per-model comparison in one table, with a ``check`` column."""
        return pd.concat([df.assign(check=k) for k, df in self._frames()], ignore_index=True)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """The distribution-free 1 − ``alpha`` interval of each check's median ratio
        (estimate / reported; order statistics, the only method), indexed by ``check``;
        columns ``ci_low`` and ``ci_high`` (NaN where there are too few models). At the
        default they are :meth:`ratios`' ``median_ci_low`` / ``median_ci_high``."""
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must lie between 0 and 1, got {alpha}")
        rows = {}
        for k, df in self._frames():
            ratio = df["ratio"] if "ratio" in df else pd.Series(dtype=float)
            r = np.sort(np.asarray(pd.Series(ratio, dtype=float).dropna(), float))
            rows[k] = _median_ci(r, alpha) if r.size else (math.nan, math.nan)
        out = pd.DataFrame.from_dict(rows, orient="index", columns=["ci_low", "ci_high"])
        out.index.name = "check"
        return out

    def to_dict(self) -> dict[str, Any]:
        """``{"summary": [one dict per check], "skipped": {reason: count}, "sources": [...],
        "price_kind": ..., "measures": what the figures measure, "note": why cloud costs run
        higher}`` (JSON-ready: NaN becomes None)."""
        import json

        d: dict[str, Any] = {"summary": json.loads(self.ratios().to_json(orient="records")),
                             "skipped": dict(self.skipped), "sources": list(self.sources),
                             "price_kind": self.price_kind, "measures": MEASURES}
        if self.cost is not None:
            d["note"] = WHY_CLOUD_COSTS_MORE
        return d

    def summary(self) -> Summary:
        """The agreement of each check as text; ``to_frame()`` of it is :meth:`ratios`."""
        table = self.ratios()
        lines = []
        for r in table.to_dict(orient="records"):
            label = {"cost": f"cost, cloud {self.price_kind} prices",
                     "cost_amortized": "cost, amortized hardware + energy"}.get(r["check"],
                                                                              r["check"])
            if not r.get("n"):
                lines.append(f"  {label}: no models")
                continue
            lines.append(f"  {label}: {_agreement(r)}")
        notes = [MEASURES] + ([WHY_CLOUD_COSTS_MORE] if self.cost is not None else [])
        skipped = ", ".join(f"{k} {v}" for k, v in self.skipped.items() if v)
        notes.append(f"skipped: {skipped or 'none'}")
        return Summary(title="estimate / reported (Epoch AI models table)", lines=lines,
                       table=table, notes=notes + [f"source: {s}" for s in self.sources])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        parts = []
        for k, df in self._frames():
            r = ratio_summary(df["ratio"] if "ratio" in df else pd.Series(dtype=float))
            parts.append(f"{k} {fm.multiple(r['median'])} (N {r['n']})" if r["n"]
                         else f"{k}: no models")
        return ["median estimate / reported: " + parts[0], *parts[1:]] if parts else parts


def _fmt(x: Any, spec: str) -> str:
    return "–" if x is None or (isinstance(x, float) and not math.isfinite(x)) \
        else format(x, spec)


def _agreement(r: dict[str, Any]) -> str:
    """One line of agreement figures from a :func:`ratio_summary` row."""
    ci = ("" if not np.isfinite(r.get("median_ci_low", np.nan)) else
          f", 95% CI {r['median_ci_low']:.3g}–{r['median_ci_high']:.3g}")
    return (f"n={r['n']}, median ratio {r['median']:.3g}{ci} (quartiles {r['q25']:.3g}–"
            f"{r['q75']:.3g}), spread {_fmt(r.get('spread_oom'), '.2f')} orders of magnitude, "
            f"within 2x {r['within_2x']:.0%}, within 3x {r['within_3x']:.0%}")


def _median_ci(sorted_r: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """Distribution-free confidence interval of the median from order statistics: the
    k-th smallest and k-th largest values, k the largest with P(Binomial(n, ½) < k) ≤ α/2
    (NaN when n is too small for any such k)."""
    n = sorted_r.size
    total = 2 ** n
    cum, k = 0, 0
    for j in range(n + 1):
        cum += math.comb(n, j)  # P(X ≤ j) · 2^n
        if cum / total > alpha / 2:
            k = j  # P(X < j + 1) > α/2, so k = j is the largest with P(X < k) ≤ α/2
            break
    if k < 1:
        return float("nan"), float("nan")
    return float(sorted_r[k - 1]), float(sorted_r[n - k])


def ratio_summary(ratio: pd.Series) -> dict[str, float]:
    """n; median ratio with its distribution-free 95% confidence interval
    (``median_ci_low`` / ``median_ci_high``); quartiles; ``spread_oom``, the standard
    deviation of log10 ratio (orders of magnitude; NaN below 2 models); and the share of
    ratios within 2× and 3× of 1."""
    r = np.sort(np.asarray(pd.Series(ratio, dtype=float).dropna(), float))
    if r.size == 0:
        return {"n": 0}
    lr = np.log10(r)
    lo, hi = _median_ci(r)
    return {"n": int(r.size), "median": float(np.median(r)),
            "median_ci_low": lo, "median_ci_high": hi,
            "q25": float(np.percentile(r, 25)), "q75": float(np.percentile(r, 75)),
            "spread_oom": float(np.std(lr, ddof=1)) if r.size > 1 else float("nan"),
            "within_2x": float(np.mean(np.abs(lr) <= np.log10(2))),
            "within_3x": float(np.mean(np.abs(lr) <= np.log10(3)))}


def _chip_hours(m: pd.Series, peak: float | None, u: float) -> tuple[float | None, str]:
    """(chip-hours, where they come from) as Epoch's cost estimates take them."""
    if pd.notna(m.get("chip_hours")) and m["chip_hours"] > 0:
        return float(m["chip_hours"]), "reported chip-hours"
    if pd.notna(m.get("chip_count")) and pd.notna(m.get("hours")):
        return float(m["chip_count"]) * float(m["hours"]), "chips × hours"
    if peak is not None and pd.notna(m.get("training_flop")):
        mu = m.get("utilization")
        used = float(mu) if mu is not None and pd.notna(mu) and 0 < mu <= 1 else u
        return float(m["training_flop"]) / (peak * used) / 3600.0, \
            "training FLOP ÷ (peak × utilization)"
    return None, ""


def _training_start(m: pd.Series) -> pd.Timestamp | None:
    """Publication date − ``publication_lag_days`` − training time (reported, else
    ``median_training_days``)."""
    if pd.isna(m.get("date")):
        return None
    hours = m.get("hours")
    days = (float(hours) / 24.0 if hours is not None and pd.notna(hours)
            else assumptions.get("median_training_days").value)
    lag = assumptions.get("publication_lag_days").value
    return pd.Timestamp(m["date"]) - pd.Timedelta(days=lag + days)


def crosscheck(models: pd.DataFrame | None = None, *, utilization: float | None = None,
               price_kind: str = "on-demand", cost_method: str = "both",
               catalog: Catalog | None = None) -> CrossCheck:
    """Compare estimates with Epoch's reported compute, cost and power (module docstring).

    ``models``: a frame like ``catalog.models()`` (default: that table); ``price_kind``: the
    cloud price of the ``cost`` check (on-demand, 1y, 3y); ``cost_method``: which cost checks
    to make (both, cloud, amortized); ``catalog``: where the models, chips and prices come
    from (None: the environment's)."""
    if price_kind not in PRICE_KINDS:
        raise ConfigError(f"price kind (--price-kind) must be one of "
                          f"{', '.join(PRICE_KINDS)}, got {price_kind!r}")
    if cost_method not in COST_METHODS:
        raise ConfigError(f"cost method (--method) must be one of "
                          f"{', '.join(COST_METHODS)}, got {cost_method!r}")
    if utilization is not None and not (np.isfinite(utilization) and 0 < utilization <= 1):
        raise ConfigError(f"utilization (--utilization) must be in (0, 1], got "
                          f"{utilization}")
    cloud = cost_method in ("both", "cloud")
    amortized = cost_method in ("both", "amortized")
    cat = resolve_catalog(catalog)
    if models is None:
        models = cat.models()
    index = chip_index(catalog=cat)
    u = assumptions.get("utilization").value if utilization is None else utilization
    overhead = assumptions.get("server_overhead").value
    skipped = {"several chip types": 0, "chip not in chip dataset": 0,
               "compute: no peak rate": 0, "cost: fine-tune of a base model": 0,
               "cost: no chip-hours": 0, "cloud cost: no price": 0,
               "amortized cost: no purchase price": 0, "amortized cost: no TDP": 0,
               "power: no TDP": 0}
    prices: dict[str, ChipPrice | None] = {}  # each chip's cloud price is looked up once
    bought: dict[str, bool] = {}  # whether each chip has a purchase price
    comp_rows: list[dict[str, Any]] = []
    cloud_rows: list[dict[str, Any]] = []
    amort_rows: list[dict[str, Any]] = []
    power_rows: list[dict[str, Any]] = []
    has_chips = models["chip_count"].notna()
    wanted = models["hardware"].notna() & (
        (has_chips & models["hours"].notna() & models["training_flop"].notna())
        | models["cost_usd"].notna() | (has_chips & models["power_w"].notna()))
    for _, m in models[wanted].iterrows():
        hw = str(m["hardware"])
        if "," in hw:
            skipped["several chip types"] += 1
            continue
        chip = index.get(hw)
        if chip is None:
            skipped["chip not in chip dataset"] += 1
            continue
        fmt = _FORMAT.get(str(m.get("numerical_format") or "").upper())
        peak: float | None = None
        prec = None
        for want in (fmt, None):
            try:
                peak, prec = chip.peak(want)
                break
            except ConfigError:
                continue
        chips = float(m["chip_count"]) if pd.notna(m["chip_count"]) else None
        if chips is not None and pd.notna(m["hours"]) and pd.notna(m["training_flop"]):
            if peak is None:
                skipped["compute: no peak rate"] += 1
            else:
                est = chips * peak * float(m["hours"]) * 3600.0 * u
                comp_rows.append({"model": m["model"], "chip": chip.name, "precision": prec,
                                  "chips": chips, "hours": m["hours"],
                                  "reported_flop": m["training_flop"],
                                  "estimated_flop": est, "ratio": est / m["training_flop"],
                                  "reported_utilization": m.get("utilization")})
        if pd.notna(m["cost_usd"]) and (cloud or amortized):
            if pd.notna(m.get("base_model")):
                skipped["cost: fine-tune of a base model"] += 1
            else:
                ch, basis = _chip_hours(m, peak, u)
                if ch is None or ch <= 0:
                    skipped["cost: no chip-hours"] += 1
                else:
                    base = {"model": m["model"], "chip": chip.name, "date": m["date"],
                            "chip_hours": ch, "chip_hours_from": basis,
                            "reported_usd_2023": m["cost_usd"]}
                    if cloud:
                        row = _cloud_row(chip.name, ch, price_kind, prices, cat)
                        if row is None:
                            skipped["cloud cost: no price"] += 1
                        else:
                            cloud_rows.append({**base, **row,
                                               "ratio": row["estimated_usd_2023"]
                                               / m["cost_usd"]})
                    if amortized:
                        reason = _amortized_row(m, chip, ch, bought, cat)
                        if isinstance(reason, str):
                            skipped[reason] += 1
                        else:
                            amort_rows.append({**base, **reason,
                                               "ratio": reason["estimated_usd_2023"]
                                               / m["cost_usd"]})
        if chips is not None and pd.notna(m["power_w"]):
            if chip.tdp_w is None:
                skipped["power: no TDP"] += 1
            else:
                est_w = chips * chip.tdp_w * overhead
                power_rows.append({"model": m["model"], "chip": chip.name,
                                   "reported_w": m["power_w"], "estimated_w": est_w,
                                   "ratio": est_w / m["power_w"]})
    return CrossCheck(pd.DataFrame(comp_rows), pd.DataFrame(cloud_rows) if cloud else None,
                      pd.DataFrame(power_rows), skipped, cat.attribution(_SOURCES),
                      pd.DataFrame(amort_rows) if amortized else None, price_kind)


def _cloud_row(chip: str, chip_hours: float, kind: str, prices: dict[str, ChipPrice | None],
               cat: Catalog) -> dict[str, Any] | None:
    """Chip-hours × the chip's median observed cloud price, in 2023 dollars (None: no
    price)."""
    if chip not in prices:
        try:
            prices[chip] = chip_hour_price(chip, kind, catalog=cat)
        except ConfigError:
            prices[chip] = None
    price = prices[chip]
    if price is None:
        return None
    usd = chip_hours * price.usd_per_chip_hour
    return {"usd_per_chip_hour": price.usd_per_chip_hour,
            "estimated_usd_2023": to_year_dollars(usd, int(price.last.year), 2023,
                                                  catalog=cat)}


def _amortized_row(m: pd.Series, chip: Any, chip_hours: float, bought: dict[str, bool],
                   cat: Catalog) -> dict[str, Any] | str:
    """The amortized cost's figures for one model, or the reason it has none."""
    if chip.tdp_w is None:
        return "amortized cost: no TDP"
    if chip.name not in bought:
        try:
            acquisition_price(chip.name, catalog=cat)
            bought[chip.name] = True
        except ConfigError:
            bought[chip.name] = False
    if not bought[chip.name]:
        return "amortized cost: no purchase price"
    a = amortized_cost(chip.name, chip_hours=chip_hours, start=_training_start(m),
                       organization=m.get("organization"), catalog=cat)
    return {"acquisition_usd_per_chip": a.acquisition_usd_per_chip, "acquired": a.acquired,
            "training_start": a.training_start, "value_usd_per_chip": a.value_usd_per_chip,
            "hardware_usd_2023": a.hardware_usd, "interconnect_usd_2023": a.interconnect_usd,
            "energy_kwh": a.energy_kwh, "energy_usd_2023": a.energy_usd,
            "estimated_usd_2023": a.usd, "estimated_usd_2023_ci_low": a.usd_ci_low,
            "estimated_usd_2023_ci_high": a.usd_ci_high}
