"""Check the estimator against Epoch AI's models table.

For every model that reports its training hardware (one chip type), chip count and training
hours, the estimator's effective compute (chips × peak × hours × utilization) is compared with
the reported training compute; where Epoch gives a 2023-dollar cost or a power draw, the
estimator's chip-hours × observed price (converted to 2023 dollars) and chips × TDP × server
overhead are compared with those. Ratios are estimate / reported.

The peak rate follows the model's ``Numerical format`` where Epoch gives one (FP32, TF32,
FP16/BF16, FP8), else the estimator's default (FP16 tensor, else TF32, else FP32).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.compute._common import get_catalog
from computelimits.compute.cost import ChipPrice, chip_hour_price, to_year_dollars
from computelimits.compute.hardware import chip_index
from computelimits.errors import ConfigError
from computelimits.results import Summary

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["CHECKS", "CrossCheck", "crosscheck", "ratio_summary"]

_FORMAT = {"FP32": "fp32", "TF32": "tf32", "FP16": "fp16", "BF16": "fp16", "FP8": "fp8"}

#: the three comparisons, in order
CHECKS = ("compute", "cost", "power")

#: the data the checks read
_SOURCES = ("epoch-ai-models", "epoch-hardware")


@dataclass
class CrossCheck:
    """Result of :func:`crosscheck`: one table of per-model comparisons per check
    (``compute``, ``cost``, ``power``; ``ratio`` = estimate / reported), the models left out
    and why (``skipped``), and the attribution of the data (``sources``)."""

    compute: pd.DataFrame
    cost: pd.DataFrame
    power: pd.DataFrame
    skipped: dict[str, int]
    sources: list[str] = field(default_factory=list)

    def ratios(self) -> pd.DataFrame:
        """One row per check: ``check``, ``n``, ``median``, ``q25``, ``q75``, ``within_2x``,
        ``within_3x`` (:func:`ratio_summary` of its ratios)."""
        return pd.DataFrame([{"check": k, **ratio_summary(df["ratio"])}
                             for k, df in zip(CHECKS, (self.compute, self.cost, self.power),
                                              strict=True)])

    def to_frame(self) -> pd.DataFrame:
        """Every per-model comparison in one table, with a ``check`` column (compute, cost or
        power)."""
        return pd.concat([self.compute.assign(check="compute"), self.cost.assign(check="cost"),
                          self.power.assign(check="power")], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """``{"summary": [one dict per check], "skipped": {reason: count}, "sources": [...]}``
        (JSON-ready: NaN becomes None)."""
        import json

        return {"summary": json.loads(self.ratios().to_json(orient="records")),
                "skipped": dict(self.skipped), "sources": list(self.sources)}

    def summary(self) -> Summary:
        """The ratios per check as text; ``to_frame()`` of it is :meth:`ratios`."""
        table = self.ratios()
        lines = []
        for r in table.to_dict(orient="records"):
            if not r.get("n"):
                lines.append(f"  {r['check']}: no models")
                continue
            lines.append(f"  {r['check']}: n={r['n']}, median {r['median']:.3g} (quartiles "
                         f"{r['q25']:.3g}–{r['q75']:.3g}), within 2x {r['within_2x']:.0%}, "
                         f"within 3x {r['within_3x']:.0%}")
        skipped = ", ".join(f"{k} {v}" for k, v in self.skipped.items())
        return Summary(title="estimate / reported (Epoch AI models table)", lines=lines,
                       table=table, notes=[f"skipped: {skipped}"]
                       + [f"source: {s}" for s in self.sources])

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()


def ratio_summary(ratio: pd.Series) -> dict[str, float]:
    """n, median, quartiles, and the share of ratios within 2× and 3× of 1."""
    r = np.asarray(ratio.dropna(), float)
    if r.size == 0:
        return {"n": 0}
    lr = np.abs(np.log10(r))
    return {"n": int(r.size), "median": float(np.median(r)),
            "q25": float(np.percentile(r, 25)), "q75": float(np.percentile(r, 75)),
            "within_2x": float(np.mean(lr <= np.log10(2))),
            "within_3x": float(np.mean(lr <= np.log10(3)))}


def crosscheck(models: pd.DataFrame | None = None, *, utilization: float | None = None,
               price_kind: str = "on-demand", catalog: Catalog | None = None) -> CrossCheck:
    """Compare estimates with Epoch's reported compute, cost and power (see module docstring).

    ``models``: a frame like ``catalog.models()`` (default: that table); ``catalog``: where
    the models, chips and prices come from (None: the environment's)."""
    cat = get_catalog(catalog)
    if models is None:
        models = cat.models()
    index = chip_index(catalog=cat)
    u = assumptions.get("utilization").value if utilization is None else utilization
    overhead = assumptions.get("server_overhead").value
    skipped = {"several chip types": 0, "chip not in chip dataset": 0, "no peak rate": 0,
               "no price": 0, "no TDP": 0}
    prices: dict[str, ChipPrice | None] = {}  # each chip's price is looked up once
    comp_rows, cost_rows, power_rows = [], [], []
    have = models[models["hardware"].notna() & models["chip_count"].notna()]
    for _, m in have.iterrows():
        hw = str(m["hardware"])
        if "," in hw:
            skipped["several chip types"] += 1
            continue
        chip = index.get(hw)
        if chip is None:
            skipped["chip not in chip dataset"] += 1
            continue
        fmt = _FORMAT.get(str(m.get("numerical_format") or "").upper())
        try:
            peak, prec = chip.peak(fmt)
        except ConfigError:
            try:
                peak, prec = chip.peak()
            except ConfigError:
                skipped["no peak rate"] += 1
                continue
        chips = float(m["chip_count"])
        if pd.notna(m["hours"]) and pd.notna(m["training_flop"]):
            est = chips * peak * float(m["hours"]) * 3600.0 * u
            comp_rows.append({"model": m["model"], "chip": chip.name, "precision": prec,
                              "chips": chips, "hours": m["hours"],
                              "reported_flop": m["training_flop"], "estimated_flop": est,
                              "ratio": est / m["training_flop"],
                              "reported_utilization": m.get("utilization")})
        if pd.notna(m["hours"]) and pd.notna(m["cost_usd"]):
            if chip.name not in prices:
                try:
                    prices[chip.name] = chip_hour_price(chip.name, price_kind, catalog=cat)
                except ConfigError:
                    prices[chip.name] = None
            price = prices[chip.name]
            if price is None:
                skipped["no price"] += 1
            else:
                usd = chips * float(m["hours"]) * price.usd_per_chip_hour
                usd2023 = to_year_dollars(usd, int(price.last.year), 2023, catalog=cat)
                cost_rows.append({"model": m["model"], "chip": chip.name,
                                  "reported_usd_2023": m["cost_usd"],
                                  "estimated_usd_2023": usd2023,
                                  "ratio": usd2023 / m["cost_usd"]})
        if pd.notna(m["power_w"]):
            if chip.tdp_w is None:
                skipped["no TDP"] += 1
            else:
                est_w = chips * chip.tdp_w * overhead
                power_rows.append({"model": m["model"], "chip": chip.name,
                                   "reported_w": m["power_w"], "estimated_w": est_w,
                                   "ratio": est_w / m["power_w"]})
    return CrossCheck(pd.DataFrame(comp_rows), pd.DataFrame(cost_rows),
                      pd.DataFrame(power_rows), skipped, cat.attribution(_SOURCES))
