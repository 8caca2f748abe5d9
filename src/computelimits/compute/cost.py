"""Dollar cost of a training run.

* **chip-hours × price per chip-hour**: prices observed in Epoch AI's hardware price table
  (cloud on-demand, 1-year or 3-year committed use), for the named chip: the median of the
  observations, with their range;
* **compute × dollars per FLOP for a year**: for each cloud price observed in that year, the
  chip's peak FLOP/s at the chosen precision × utilization per dollar-hour; the median of those
  (range: interquartile);
* **paper conventions**: Thompson et al.'s companion site converts hardware burden at one dollar
  per 6.8741×10¹⁶ FLOP and one pound of CO2 per 3.4976×10¹⁷ FLOP
  (:mod:`computelimits.assumptions`).

Dollars are nominal at the observation date unless deflated with :func:`to_year_dollars`,
which uses the US producer price index for data processing and hosting (PCU518210518210, the
index Epoch AI used), annual means.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.errors import ConfigError

__all__ = ["PRICE_KINDS", "ChipPrice", "chip_hour_price", "paper_co2_kg", "paper_usd",
           "to_year_dollars", "usd_per_flop"]

PRICE_KINDS = {"on-demand": "on_demand_usd_per_chip_hour",
               "1y": "cud_1y_usd_per_chip_hour", "3y": "cud_3y_usd_per_chip_hour"}


@dataclass(frozen=True)
class ChipPrice:
    chip: str
    kind: str
    median: float
    low: float
    high: float
    n: int
    first: pd.Timestamp
    last: pd.Timestamp
    source: str

    def line(self) -> str:
        return (f"${self.median:.2f}/chip-hour {self.kind} for {self.chip} (median of {self.n} "
                f"prices, ${self.low:.2f}–${self.high:.2f}, observed {self.first:%Y-%m}–"
                f"{self.last:%Y-%m}; {self.source})")


@lru_cache(maxsize=1)
def _prices() -> pd.DataFrame:
    from computelimits.data.loaders.epoch_hardware import load_prices

    p = load_prices()
    return p[~p["repeat"].fillna(False).astype(bool)]


def chip_hour_price(chip: str, kind: str = "on-demand") -> ChipPrice:
    """Observed cloud price per chip-hour of ``chip`` (nominal USD)."""
    if kind not in PRICE_KINDS:
        raise ConfigError(f"price kind must be one of {', '.join(PRICE_KINDS)}, got {kind!r}")
    p = _prices()
    col = PRICE_KINDS[kind]
    rows = p[(p["chip"] == chip) & p[col].notna()]
    if rows.empty:
        priced = sorted(p.loc[p[col].notna(), "chip"].unique())
        close = difflib.get_close_matches(chip, priced, n=5, cutoff=0.4)
        hint = f" Chips with {kind} prices that are close: {'; '.join(close)}." if close else ""
        raise ConfigError(f"no {kind} price for {chip!r} in Epoch's hardware price table.{hint}"
                          " Give --usd-per-chip-hour instead.")
    v = rows[col].to_numpy(float)
    return ChipPrice(chip, kind, float(np.median(v)), float(v.min()), float(v.max()), len(v),
                     rows["date"].min(), rows["date"].max(),
                     "Epoch AI hardware_prices.csv (rows "
                     + ", ".join(str(int(x)) for x in rows["source_row"].head(6))
                     + (", …" if len(rows) > 6 else "") + ")")


def to_year_dollars(usd: float, from_year: int, to_year: int) -> float:
    """Convert nominal dollars of ``from_year`` to dollars of ``to_year`` with the PPI."""
    from computelimits.data.loaders.epoch_hardware import deflator

    d = deflator(to_year)
    if from_year not in d.index:
        raise ConfigError(f"no producer price index for {from_year} (have {d.index.min()}–"
                          f"{d.index.max()})")
    return float(usd) / float(d.loc[from_year])


def usd_per_flop(year: int, *, precision: str | None = None, utilization: float | None = None,
                 kind: str = "on-demand") -> tuple[float, float, float, int]:
    """(median, 25th, 75th percentile, n) dollars per FLOP actually performed, from the cloud
    prices observed in ``year`` and the priced chips' peak rates."""
    from computelimits.compute.hardware import find_chip

    u = assumptions.get("utilization").value if utilization is None else utilization
    p = _prices()
    col = PRICE_KINDS[kind]
    rows = p[(p["date"].dt.year == year) & p[col].notna()]
    values = []
    for chip, price in zip(rows["chip"], rows[col], strict=True):
        try:
            peak, _ = find_chip(chip).peak(precision)
        except ConfigError:
            continue
        values.append(price / (peak * u * 3600.0))
    if not values:
        raise ConfigError(f"no {kind} cloud prices with known peak rates in {year}")
    v = np.array(values)
    return float(np.median(v)), float(np.percentile(v, 25)), float(np.percentile(v, 75)), len(v)


def paper_usd(burden_flop: float) -> float:
    """Dollars by the paper's companion-site convention (hardware burden / 6.8741e16)."""
    return float(burden_flop) / assumptions.get("paper_flop_per_usd").value


def paper_co2_kg(burden_flop: float) -> float:
    """kg CO2 by the paper's companion-site convention (burden / 3.4976e17 lb, in kg)."""
    lbs = float(burden_flop) / assumptions.get("paper_flop_per_lb_co2").value
    return lbs * assumptions.get("kg_per_lb").value
