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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.compute.cost import chip_hour_price, to_year_dollars
from computelimits.compute.hardware import find_chip
from computelimits.errors import ConfigError

__all__ = ["CrossCheck", "crosscheck", "ratio_summary"]

_FORMAT = {"FP32": "fp32", "TF32": "tf32", "FP16": "fp16", "BF16": "fp16", "FP8": "fp8"}


@dataclass
class CrossCheck:
    compute: pd.DataFrame
    cost: pd.DataFrame
    power: pd.DataFrame
    skipped: dict[str, int]

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"check": k, **ratio_summary(df["ratio"])}
                             for k, df in (("compute", self.compute), ("cost", self.cost),
                                           ("power", self.power))])


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
               price_kind: str = "on-demand") -> CrossCheck:
    """Compare estimates with Epoch's reported compute, cost and power (see module docstring)."""
    if models is None:
        from computelimits.data.loaders.epoch_models import load_models

        models = load_models()
    u = assumptions.get("utilization").value if utilization is None else utilization
    overhead = assumptions.get("server_overhead").value
    skipped = {"several chip types": 0, "chip not in chip dataset": 0, "no peak rate": 0,
               "no price": 0, "no TDP": 0}
    comp_rows, cost_rows, power_rows = [], [], []
    have = models[models["hardware"].notna() & models["chip_count"].notna()]
    for _, m in have.iterrows():
        hw = str(m["hardware"])
        if "," in hw:
            skipped["several chip types"] += 1
            continue
        try:
            chip = find_chip(hw)
        except ConfigError:
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
            try:
                price = chip_hour_price(chip.name, price_kind)
            except ConfigError:
                skipped["no price"] += 1
            else:
                usd = chips * float(m["hours"]) * price.median
                usd2023 = to_year_dollars(usd, int(price.last.year), 2023)
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
                      pd.DataFrame(power_rows), skipped)
