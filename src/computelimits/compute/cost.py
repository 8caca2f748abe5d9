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

Every function that reads data takes ``catalog`` (a
:class:`~computelimits.data.catalog.Catalog`; None: the environment's). Tables derived from the
data are kept once per catalog.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.compute._common import RecordResult, UnknownNameError
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.formulas import usd_per_flop_performed

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["PRICE_KINDS", "ChipPrice", "chip_hour_price", "paper_co2_kg", "paper_usd",
           "price_observations", "to_year_dollars", "usd_per_flop"]

PRICE_KINDS = {"on-demand": "on_demand_usd_per_chip_hour",
               "1y": "cud_1y_usd_per_chip_hour", "3y": "cud_3y_usd_per_chip_hour"}

_MEMO = "computelimits.compute.cost"


@dataclass(frozen=True, repr=False)
class ChipPrice(RecordResult):
    """Observed cloud price per chip-hour of one chip (nominal USD at the observation dates):
    ``usd_per_chip_hour`` is the median of ``n`` observations; ``usd_per_chip_hour_ci_low`` /
    ``_ci_high`` their range (lowest and highest observed price, not a confidence interval)."""

    chip: str
    kind: str
    usd_per_chip_hour: float
    usd_per_chip_hour_ci_low: float
    usd_per_chip_hour_ci_high: float
    n: int
    first: pd.Timestamp
    last: pd.Timestamp
    source: str

    def line(self) -> str:
        return (f"${self.usd_per_chip_hour:.2f}/chip-hour {self.kind} for {self.chip} (median "
                f"of {self.n} prices, ${self.usd_per_chip_hour_ci_low:.2f}–"
                f"${self.usd_per_chip_hour_ci_high:.2f}, observed {self.first:%Y-%m}–"
                f"{self.last:%Y-%m}; {self.source})")


def price_observations(*, catalog: Catalog | None = None) -> pd.DataFrame:
    """Epoch AI's price observations without exact repeats (shared, once per catalog: do not
    modify it)."""
    cat = resolve_catalog(catalog)

    def build() -> pd.DataFrame:
        p = cat.prices()
        return p[~p["repeat"].fillna(False).astype(bool)]

    return cat.memo((_MEMO, "prices"), build)


def _price_groups(kind: str, cat: Catalog) -> dict[Any, pd.DataFrame]:
    """{chip: its observations with a ``kind`` price}, once per catalog."""
    def build() -> dict[Any, pd.DataFrame]:
        p = price_observations(catalog=cat)
        rows = p[p[PRICE_KINDS[kind]].notna()]
        return {chip: g for chip, g in rows.groupby("chip", sort=False)}

    return cat.memo((_MEMO, "price_groups", kind), build)


def _no_price_message(chip: str, kind: str, priced: list[str]) -> str:
    close = difflib.get_close_matches(chip, priced, n=5, cutoff=0.4)
    hint = f" Chips with {kind} prices that are close: {'; '.join(close)}." if close else ""
    return (f"no {kind} price for {chip!r} in Epoch's hardware price table.{hint}"
            " Give --usd-per-chip-hour instead.")


def chip_hour_price(chip: str, kind: str = "on-demand", *,
                    catalog: Catalog | None = None) -> ChipPrice:
    """Observed cloud price per chip-hour of ``chip`` (nominal USD)."""
    if kind not in PRICE_KINDS:
        raise ConfigError(f"price kind must be one of {', '.join(PRICE_KINDS)}, got {kind!r}")
    cat = resolve_catalog(catalog)
    groups = _price_groups(kind, cat)
    rows = groups.get(chip)
    if rows is None:
        raise UnknownNameError(lambda: _no_price_message(chip, kind, sorted(groups)))
    col = PRICE_KINDS[kind]
    v = rows[col].to_numpy(float)
    return ChipPrice(chip, kind, float(np.median(v)), float(v.min()), float(v.max()), len(v),
                     rows["date"].min(), rows["date"].max(),
                     "Epoch AI hardware_prices.csv (rows "
                     + ", ".join(str(int(x)) for x in rows["source_row"].head(6))
                     + (", …" if len(rows) > 6 else "") + ")")


def _deflator(to_year: int, cat: Catalog) -> pd.Series:
    return cat.memo((_MEMO, "deflator", int(to_year)), lambda: cat.deflator(to_year))


def to_year_dollars(usd: float, from_year: int, to_year: int, *,
                    catalog: Catalog | None = None) -> float:
    """Convert nominal dollars of ``from_year`` to dollars of ``to_year`` with the PPI."""
    d = _deflator(to_year, resolve_catalog(catalog))
    if from_year not in d.index:
        raise ConfigError(f"no producer price index for {from_year} (have {d.index.min()}–"
                          f"{d.index.max()})")
    return float(usd) / float(d.loc[from_year])


def usd_per_flop(year: int, *, precision: str | None = None, utilization: float | None = None,
                 kind: str = "on-demand",
                 catalog: Catalog | None = None) -> tuple[float, float, float, int]:
    """(median, 25th, 75th percentile, n) dollars per FLOP actually performed, from the cloud
    prices observed in ``year`` and the priced chips' peak rates."""
    from computelimits.compute.hardware import chip_index

    cat = resolve_catalog(catalog)
    u = assumptions.get("utilization").value if utilization is None else utilization
    p = price_observations(catalog=cat)
    col = PRICE_KINDS[kind]
    rows = p[(p["date"].dt.year == year) & p[col].notna()]
    index = chip_index(catalog=cat)
    peaks: dict[Any, float | None] = {}  # each distinct chip is resolved once
    values = []
    for chip, price in zip(rows["chip"], rows[col], strict=True):
        if chip not in peaks:
            spec = index.get(chip)
            try:
                peaks[chip] = None if spec is None else spec.peak(precision)[0]
            except ConfigError:
                peaks[chip] = None
        peak = peaks[chip]
        if peak is None:
            continue
        values.append(usd_per_flop_performed(price, peak, u))
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
