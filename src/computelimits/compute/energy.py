"""Energy and CO2 of a training run.

energy (kWh) = chip-hours × chip TDP (W) × server overhead × PUE / 1000
CO2 (kg)     = energy (kWh) × grid intensity (gCO2e/kWh) / 1000

TDP is an upper bound on the board's draw; the server overhead (CPUs, networking, storage)
and the data-centre PUE are named assumptions (:mod:`computelimits.assumptions`; the default
PUE is Green Algorithms' value for an unknown provider). Grid intensity comes from the
``grid`` table: Electricity Maps 2024 zones and countries (life-cycle by default, direct on
request), then Green Algorithms locations, then ML CO2 Impact cloud regions. With no zone,
the world average: 475 gCO2e/kWh in Green Algorithms' table, IEA's figure for 2019 (there is no
world row in the 2024 Electricity Maps file).

Every function that reads data takes ``catalog`` (a
:class:`~computelimits.data.catalog.Catalog`; None: the environment's).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.compute._common import RecordResult, UnknownNameError
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["GridIntensity", "co2_kg", "default_pue", "energy_kwh", "grid_intensity"]


_MEMO = "computelimits.compute.energy"


def energy_kwh(chip_hours: float, tdp_w: float, *, pue: float | None = None,
               overhead: float | None = None, catalog: Catalog | None = None):
    """Energy in kWh: chip-hours × TDP × server overhead × PUE / 1000 (PUE: given, else
    :func:`default_pue` of ``catalog``)."""
    pue = default_pue(catalog=catalog)[0] if pue is None else pue
    overhead = assumptions.get("server_overhead").value if overhead is None else overhead
    for name, v in (("chip-hours", chip_hours), ("TDP", tdp_w)):
        if np.any(~np.isfinite(np.asarray(v, float)) | (np.asarray(v, float) <= 0)):
            raise ConfigError(f"{name} must be a positive number, got {v}")
    if pue < 1:
        raise ConfigError(f"PUE must be at least 1, got {pue}")
    if overhead < 1:
        raise ConfigError(f"server overhead must be at least 1, got {overhead}")
    return np.asarray(chip_hours, float) * np.asarray(tdp_w, float) * overhead * pue / 1000.0


def co2_kg(energy: float, gco2e_per_kwh: float):
    """CO2-equivalent in kg: kWh × gCO2e/kWh / 1000."""
    if np.any(np.asarray(gco2e_per_kwh, float) < 0):
        raise ConfigError(f"grid intensity must not be negative, got {gco2e_per_kwh}")
    return np.asarray(energy, float) * np.asarray(gco2e_per_kwh, float) / 1000.0


def default_pue(*, catalog: Catalog | None = None) -> tuple[float, str]:
    """(PUE, source) for an unknown provider, from Green Algorithms' defaults table."""
    cat = resolve_catalog(catalog)

    def build() -> tuple[float, str]:
        value, source = cat.pue_defaults()["Unknown"]
        return float(value), f"Green Algorithms defaults_PUE.csv, provider 'Unknown': {source}"

    return cat.memo((_MEMO, "default_pue"), build)


@dataclass(frozen=True, repr=False)
class GridIntensity(RecordResult):
    gco2e_per_kwh: float
    zone: str
    name: str
    kind: str
    year: int | None
    basis: str  # "life-cycle", "direct" or "as given"
    source: str
    #: when a place name matched in one table while another table holds the same place
    #: under another zone id: which was chosen, and the id that selects the other
    choice: str = ""

    def line(self) -> str:
        yr = f", {self.year}" if self.year else ""
        return (f"{self.gco2e_per_kwh:g} gCO2e/kWh ({self.basis}) for {self.zone} "
                f"({self.name}{yr}; {self.source})")


def _grid(cat: Catalog) -> pd.DataFrame:
    """The grid table, once per catalog (shared: do not modify it)."""
    return cat.memo((_MEMO, "grid"), cat.grid)


def grid_intensity(zone: str | None = None, *, lifecycle: bool = True,
                   catalog: Catalog | None = None) -> GridIntensity:
    """Carbon intensity for a zone id, country or cloud region (default: the world average in
    Green Algorithms' table, IEA's figure for 2019: ``year`` says which year a figure is for).
    Unknown names get the closest known ones in the error."""
    g = _grid(resolve_catalog(catalog))
    if zone is None:
        zone = "WORLD"
    if not str(zone).strip():
        raise ConfigError("the grid zone is empty: give a zone id, country or cloud region")
    want = zone.strip().casefold()
    order = ["electricity-maps-2024", "green-algorithms", "mlco2-impact"]
    for src in order:
        rows = g[(g["source"] == src) & g["gco2e_per_kwh"].notna()]
        hit = rows[rows["zone"].str.casefold() == want]
        if hit.empty:
            hit = rows[(rows["name"].str.casefold() == want)
                       | ((rows["kind"] == "country") & (rows["country"].str.casefold() == want))]
        if hit.empty:
            continue
        r = hit.iloc[0]
        value, basis = float(r["gco2e_per_kwh"]), "as given"
        if src == "electricity-maps-2024":
            if lifecycle and pd.notna(r["gco2e_per_kwh_lifecycle"]):
                value, basis = float(r["gco2e_per_kwh_lifecycle"]), "life-cycle"
            else:
                basis = "direct"
        year = int(r["year"]) if pd.notna(r["year"]) else None
        by_id = str(r["zone"]).casefold() == want
        choice = "" if by_id else _choice(zone, r, g, order, lifecycle)
        return GridIntensity(value, str(r["zone"]), str(r["name"]), str(r["kind"]), year,
                             basis, f"{src}, row {r['source_row']}", choice)
    raise UnknownNameError(lambda: _unknown_zone_message(zone, g))


#: The zone of another table that stands for a region most closely, where its id does not
#: say so (Green Algorithms' US-CA is the state; Electricity Maps splits California into
#: balancing authorities, of which CAISO, the California Independent System Operator, runs
#: the grid of most of the state).
MAIN_ZONE = {"US-CA": "US-CAL-CISO"}

_TABLES = {"electricity-maps-2024": "Electricity Maps 2024", "green-algorithms":
           "Green Algorithms", "mlco2-impact": "ML CO2 Impact"}


def _choice(query: str, hit: pd.Series, g: pd.DataFrame, order: list[str],
            lifecycle: bool) -> str:
    """The sentence saying which table's row a place name chose, and the zone id that
    selects the other tables' row for the same place ("" when no other table has it)."""
    want = query.strip().casefold()
    zone = str(hit["zone"])
    others = g[(g["source"] != hit["source"]) & g["source"].isin(order)
               & g["gco2e_per_kwh"].notna()]
    same = others[(others["name"].str.casefold() == want)
                  | ((others["kind"] == "country") & (others["country"].str.casefold() == want))
                  | others["zone"].isin([MAIN_ZONE[zone]] if zone in MAIN_ZONE else [])]
    alternatives = []
    for _, r in same.iterrows():
        alt = str(r["zone"])
        if alt.casefold() == zone.casefold() or alt in alternatives:
            continue  # the same id would choose this row again
        # offered only where the id selects that very row
        first = g[(g["zone"].str.casefold() == alt.casefold()) & g["gco2e_per_kwh"].notna()]
        first = first.sort_values("source", key=lambda c: c.map(order.index))
        if len(first) and first.index[0] == r.name:
            alternatives.append((alt, r))
    if not alternatives:
        return ""

    def label(r: pd.Series) -> str:
        yr = f", {int(r['year'])}" if pd.notna(r["year"]) else ""
        value = r["gco2e_per_kwh"]
        if lifecycle and pd.notna(r.get("gco2e_per_kwh_lifecycle")):
            value = r["gco2e_per_kwh_lifecycle"]
        return (f"{r['zone']} ({r['name']}{yr}, {_TABLES.get(r['source'], r['source'])}: "
                f"{float(value):.0f} gCO2e/kWh)")

    offers = "; ".join(f"for {label(r)} use --zone {alt}" for alt, r in alternatives[:3])
    return f"zone {query.strip()!r} read as {label(hit)}; {offers}"


def _unknown_zone_message(zone: str, g: pd.DataFrame) -> str:
    names = pd.concat([g["zone"], g["name"], g["country"]]).dropna().unique().tolist()
    by_folded: dict[str, str] = {}
    for name in names:  # compare without case; show the names as the data spell them
        by_folded.setdefault(str(name).casefold(), str(name))
    close = [by_folded[c] for c in
             difflib.get_close_matches(zone.strip().casefold(), list(by_folded), n=5,
                                       cutoff=0.5)]
    hint = f" Closest known: {'; '.join(close)}." if close else ""
    return (f"unknown grid zone {zone!r}.{hint} (Electricity Maps zone ids such as "
            "US-CAL-CISO or FR, country names, Green Algorithms locations, cloud "
            "regions such as us-east-1)")
