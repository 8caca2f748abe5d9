"""Electricity Maps, 2024 yearly grid carbon intensity by zone (source ``electricity-maps-2024``).

File: ``CI-electricitymap-yearly_2024.csv`` (352 rows, one per zone), as republished by the
Cambridge Sustainable Computing Lab's Green-Algorithms-data repository. Licence: ODbL 1.0,
share-alike for derived *databases* (charts and statistics need attribution only); the
attribution line is ``SOURCES["electricity-maps-2024"].attribution`` and travels with every
table in ``attrs["attribution"]``.

Units:
    ``gco2e_per_kwh``: direct (combustion) emissions per kWh consumed, gCO2e/kWh.
    ``gco2e_per_kwh_lifecycle``: life-cycle emissions per kWh consumed, gCO2e/kWh.
    ``cfe_fraction`` / ``re_fraction`` (``load_zones`` only): carbon-free and renewable shares
    of consumption, fractions in [0, 1] (the file gives percent, 0-100).

Decisions and repairs:
    * Columns are matched by their exact upstream names, which contain non-ASCII characters
      (subscript two in "gCO₂eq", percent signs); a renamed column is an error listing the
      closest names found.
    * ``year`` is the year of ``Datetime (UTC)``, which must be 1 January 00:00 (a yearly mean).
      351 rows are 2024; one row (``GLOBAL``) is dated 2023-01-01 and is kept with year 2023:
      its value is not an Electricity Maps zone mean but Ember's 2023 global figure (its
      "Data source" is an ember-energy.org URL; direct and life-cycle are both 480).
    * ``kind``: "world" for ``GLOBAL``; "country" when the zone id is a bare two-letter code
      (e.g. ``FR``, ``US``; 205 rows); "zone" for sub-national grid zones (``US-CAL-CISO``,
      ``CA-QC``, ``DK-DK1`` …). Country rows are country-wide means that *overlap* their
      sub-zones where both exist (AU, BR, CA, DK, ES, FO, FR, GB, IN, IT, JP, MY, NO, PH, SE,
      US): never sum or average country and zone rows together.
    * Intensities must be numbers >= 0 (zero occurs: fully hydro/nuclear zones); a negative or
      blank intensity is an error. Shares above 100% are an error. Blank shares (only the
      ``GLOBAL`` row) stay missing.
    * Five zones (RU-1, PR, JP-SK, BO, GB-ORK) have a life-cycle intensity *below* the direct
      one; this is kept as published, not repaired.
    * Zone ids are read verbatim (Namibia's id is ``NA``, which generic parsing would take for
      a missing value); a blank id or a repeated id is an error.
    * ``estimated`` (``load_zones``) is True when "Electricity Maps Estimation" is among the
      row's data sources (modelled rather than measured).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.fetch import locate
from computelimits.data.parse import dates, fractions, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = ["FILE", "SOURCE", "load_grid", "load_zones"]

SOURCE = "electricity-maps-2024"
FILE = "CI-electricitymap-yearly_2024.csv"

# Upstream column names, exactly (U+2082 is the subscript two of "CO₂").
COL_TIME = "Datetime (UTC)"
COL_COUNTRY = "Country"
COL_NAME = "Zone name"
COL_ID = "Zone id"
COL_DIRECT = "Carbon intensity gCO\u2082eq/kWh (direct)"
COL_LIFECYCLE = "Carbon intensity gCO\u2082eq/kWh (Life cycle)"
COL_CFE = "Carbon-free energy percentage (CFE%)"
COL_RE = "Renewable energy percentage (RE%)"
COL_DATA_SOURCE = "Data source"
COLUMNS = (COL_TIME, COL_COUNTRY, COL_NAME, COL_ID, COL_DIRECT, COL_LIFECYCLE, COL_CFE,
           COL_RE, COL_DATA_SOURCE)

WORLD_ID = "GLOBAL"
_COUNTRY_ID = re.compile(r"^[A-Z]{2}$")
ESTIMATION = "Electricity Maps Estimation"


def zone_kind(zone_id: str) -> str:
    """"world" for GLOBAL, "country" for a bare two-letter code, else "zone"."""
    if zone_id == WORLD_ID:
        return "world"
    return "country" if _COUNTRY_ID.match(zone_id) else "zone"


def _parse(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """Parse the yearly file at ``path`` into the zones table (see :func:`load_zones`)."""
    df = read_csv(path, required=COLUMNS, label=label)
    name = df.attrs["path"]
    if df.empty:
        raise InputError("no data rows", path=name)
    # Zone ids are codes, read verbatim: Namibia's id "NA" must not be taken for a blank.
    zone = df[COL_ID].fillna("").astype(str).str.strip()
    if (zone == "").any():
        i = int(np.argmax((zone == "").to_numpy()))
        raise InputError("blank zone id", path=name, row=i + 1, column=COL_ID)
    dup = zone.duplicated(keep="first")
    if dup.any():
        i = int(np.argmax(dup.to_numpy()))
        first = int(np.argmax((zone == zone.iloc[i]).to_numpy()))
        raise InputError(f"zone id {zone.iloc[i]!r} repeats row {first + 1}", path=name,
                         row=i + 1, column=COL_ID)
    when = dates(df, COL_TIME, blank_ok=False)
    start_of_year = (when.dt.month == 1) & (when.dt.day == 1) & (when.dt.hour == 0) \
        & (when.dt.minute == 0)
    if not start_of_year.all():
        i = int(np.argmax((~start_of_year).to_numpy()))
        raise InputError(f"{df[COL_TIME].iloc[i]!r} is not the start of a year (yearly means "
                         "are dated YYYY-01-01 00:00:00)", path=name, row=i + 1,
                         column=COL_TIME)
    out = pd.DataFrame({
        "zone": zone,
        "name": text(df, COL_NAME),
        "country": text(df, COL_COUNTRY),
        "kind": [zone_kind(z) for z in zone],
        "year": when.dt.year.astype("Int64"),
        "gco2e_per_kwh": numbers(df, COL_DIRECT, blank_ok=False, nonnegative=True),
        "gco2e_per_kwh_lifecycle": numbers(df, COL_LIFECYCLE, blank_ok=False,
                                           nonnegative=True),
        "cfe_fraction": fractions(df, COL_CFE, scale="percent"),
        "re_fraction": fractions(df, COL_RE, scale="percent"),
        "data_source": text(df, COL_DATA_SOURCE),
    })
    out["estimated"] = out["data_source"].fillna("").str.contains(ESTIMATION, regex=False)
    out["source"] = SOURCE
    out["source_file"] = FILE
    out["source_row"] = pd.array(np.arange(1, len(df) + 1), dtype="Int64")
    out.attrs["path"] = name
    out.attrs["attribution"] = [SOURCES[SOURCE].attribution]
    out.attrs["repairs"] = df.attrs["repairs"]
    return out


def load_zones(*, strict: bool | None = None) -> pd.DataFrame:
    """Every zone of the 2024 yearly file with its shares.

    Columns: zone, name, country, kind (world | country | zone), year, gco2e_per_kwh (direct,
    gCO2e/kWh), gco2e_per_kwh_lifecycle (gCO2e/kWh), cfe_fraction and re_fraction (fractions in
    [0, 1]), data_source (upstream text), estimated (bool), source, source_file, source_row.
    """
    return _parse(locate(SOURCE, FILE, strict=strict).path)


def load_grid(*, strict: bool | None = None) -> pd.DataFrame:
    """The zones as a ``grid`` table: direct intensity in ``gco2e_per_kwh`` and life-cycle
    intensity in ``gco2e_per_kwh_lifecycle`` (both gCO2e/kWh); no PUE."""
    return conform(load_zones(strict=strict), "grid")
