"""Green Algorithms calculator data (source ``green-algorithms``): grid carbon intensity, PUE,
cloud data centres, CPU/GPU TDP and reference constants.

Files (``data/latest/`` of github.com/GreenAlgorithms/green-algorithms-tool): CI_aggregated.csv,
defaults_PUE.csv, cloudProviders_datacenters.csv, TDP_gpu.csv, TDP_cpu.csv, referenceValues.csv.
Licence: CC BY 4.0; the attribution line is ``SOURCES["green-algorithms"].attribution`` and
travels with every table in ``attrs["attribution"]``.

Format: every file has TWO header lines, units/annotations first ("in gCO2e/kWh", "in Watt"),
column names second. A file whose first line already holds the column names (the units line
missing) is an error that says so; a file with the units line but no names line fails on the
missing columns.

Units: ``gco2e_per_kwh`` gCO2e/kWh; ``pue`` dimensionless (>= 1); ``tdp_w`` W; reference values
in the unit their ``source`` text states (e.g. ``memoryPower`` W per GB of RAM, car and flight
figures gCO2 per km or per trip).

Decisions and repairs (counted in ``attrs["repairs"]`` where a cell is changed):
    * ``load_grid`` stacks three kinds of rows:
        - CI_aggregated.csv (131): ``kind`` = Type lower-cased (world | country | region);
          ``zone`` = location; ``name`` = regionName, else countryName, else continentName
          ("Any" means "not applicable" and is treated as blank); ``country`` = countryName
          (None for the world row). ``year`` is the YYYY of "data from [Month] YYYY" in the
          ``comments`` column, else in the ``source`` column (most rows state it there, e.g.
          "(data from 2020)"), else None; each fallback and each missing year is counted.
          Intensities are taken as given: years (2018-2022) and methods (generation only,
          with T&D losses, production mix) differ between rows.
        - defaults_PUE.csv (6): ``kind`` "pue-default", ``zone`` = provider, ``pue`` = PUE.
        - cloudProviders_datacenters.csv (78): ``kind`` "cloud-region", ``zone`` = Name (the
          provider's region id, e.g. ``us-west1``, ``South Africa North``), ``name`` =
          "<provider> <Name> (<location_freeForm>)", ``pue`` where the file gives one.
          ``gco2e_per_kwh``, ``year`` and ``country`` are LOOKED UP in CI_aggregated.csv by the
          row's ``location`` code (the file's own rule: "must match CI-aggregated$location").
          A location missing from CI_aggregated is an error; a blank location (Azure "Qatar
          Central") leaves the intensity and country empty (counted).
    * Intensities must be >= 0 and PUE >= 1; anything else is an error.
    * ``load_tdp``: ``type`` is "GPU" for TDP_gpu.csv and "CPU" for TDP_cpu.csv, except rows of
      the GPU file whose model starts with "TPU" (TPU v2/v3/v4), typed "TPU". The generic "Any"
      rows are kept. The GPU file's "Any" row has no TDP but TDP_per_core = 200; since the
      calculator counts one GPU as one core, a blank GPU TDP is filled from TDP_per_core
      (counted). The CPU "Any" row (12 W per core, no core count) keeps an empty ``tdp_w``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.csvfile import read_text
from computelimits.data.fetch import locate
from computelimits.data.parse import Repairs, drop_duplicates, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = [
    "SOURCE",
    "default_pue",
    "load_grid",
    "load_tdp",
    "pue_defaults",
    "reference_values",
]

SOURCE = "green-algorithms"
CI_FILE = "CI_aggregated.csv"
PUE_FILE = "defaults_PUE.csv"
CLOUD_FILE = "cloudProviders_datacenters.csv"
GPU_FILE = "TDP_gpu.csv"
CPU_FILE = "TDP_cpu.csv"
REF_FILE = "referenceValues.csv"

CI_COLUMNS = ("location", "continentName", "countryName", "regionName", "carbonIntensity",
              "Type", "source", "comments")
PUE_COLUMNS = ("provider", "PUE", "source")
CLOUD_COLUMNS = ("provider", "Name", "location", "location_freeForm", "PUE")
TDP_COLUMNS = ("model", "TDP", "TDP_per_core")
REF_COLUMNS = ("variable", "value", "source")

UNKNOWN_PROVIDER = "Unknown"
_KINDS = {"world", "country", "region"}
_YEAR = re.compile(r"\bdata from (?:[A-Za-z]+ )?((?:19|20)\d\d)\b", re.IGNORECASE)
_NA = "Any"


# ----------------------------------------------------------------------------- reading


def _read(path: str | Path, required: Sequence[str], *, label: str | None = None
          ) -> pd.DataFrame:
    """Read a two-header-line Green Algorithms file (units line, then names line)."""
    name = label or str(path)
    raw = read_text(path, name)
    first = next(csv.reader(io.StringIO(raw.lstrip("\ufeff"))), [])
    if set(required) <= {c.strip() for c in first}:
        raise InputError("line 1 holds the column names; expected two header lines (units "
                         "or annotations first, then the column names)", path=name)
    return read_csv(path, skip_lines=1, required=required, text_data=raw, label=name)


def _rows(df: pd.DataFrame) -> pd.array:
    return pd.array(np.asarray(df.index) + 1, dtype="Int64")


def _unique(df: pd.DataFrame, col: str) -> pd.Series:
    s = text(df, col, required=True)
    dup = s.duplicated(keep="first")
    if dup.any():
        i = int(np.argmax(dup.to_numpy()))
        first = int(np.argmax((s == s.iloc[i]).to_numpy()))
        raise InputError(f"{s.iloc[i]!r} repeats row {first + 1}", path=df.attrs.get("path"),
                         row=i + 1, column=col)
    return s


def _pue(df: pd.DataFrame, col: str, *, blank_ok: bool) -> np.ndarray:
    v = numbers(df, col, blank_ok=blank_ok, positive=True)
    bad = np.flatnonzero(v < 1)
    if bad.size:
        i = int(bad[0])
        raise InputError(f"PUE {df[col].iloc[i]!r} is below 1 (total facility power cannot be "
                         "less than IT power)", path=df.attrs.get("path"), row=i + 1,
                         column=col)
    return v


def year_of(*texts: str | None) -> int | None:
    """The YYYY of the first "data from [Month] YYYY" in the given texts, else None."""
    for t in texts:
        if isinstance(t, str) and t:
            m = _YEAR.search(t)
            if m:
                return int(m.group(1))
    return None


def _merge(*frames: pd.DataFrame) -> Repairs:
    rep = Repairs()
    for f in frames:
        rep.update(f.attrs.get("repairs", {}))
    return rep


def _blank_any(s: pd.Series) -> pd.Series:
    return s.where(s != _NA, None)


# ----------------------------------------------------------------------------- parsers


def _parse_ci(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """CI_aggregated.csv as grid rows (kinds world, country, region)."""
    df = _read(path, CI_COLUMNS, label=label)
    rep: Repairs = df.attrs["repairs"]
    zone = _unique(df, "location")
    kind = text(df, "Type", required=True).str.lower()
    bad = ~kind.isin(_KINDS)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise InputError(f"Type {df['Type'].iloc[i]!r} is not World, Country or Region",
                         path=df.attrs["path"], row=i + 1, column="Type")
    continent = _blank_any(text(df, "continentName"))
    country = _blank_any(text(df, "countryName"))
    region = _blank_any(text(df, "regionName"))
    comments, src = text(df, "comments"), text(df, "source")
    years: list[int | None] = []
    for c, s in zip(comments, src, strict=True):
        y = year_of(c)
        if y is None:
            y = year_of(s)
            if y is not None:
                rep.note(f"{CI_FILE}: year read from the source column")
            else:
                rep.note(f"{CI_FILE}: no data year stated (year left empty)")
        years.append(y)
    out = pd.DataFrame({
        "zone": zone,
        "name": region.fillna(country).fillna(continent),
        "country": country,
        "kind": kind,
        "year": pd.array(years, dtype="Int64"),
        "gco2e_per_kwh": numbers(df, "carbonIntensity", blank_ok=False, nonnegative=True),
        "source": SOURCE,
        "source_file": CI_FILE,
        "source_row": _rows(df),
    })
    out.attrs = {"path": df.attrs["path"], "repairs": rep}
    return out


def _parse_pue(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """defaults_PUE.csv as grid rows of kind "pue-default" (plus a ``pue_source`` column)."""
    df = _read(path, PUE_COLUMNS, label=label)
    out = pd.DataFrame({
        "zone": _unique(df, "provider"),
        "name": text(df, "provider"),
        "kind": "pue-default",
        "pue": _pue(df, "PUE", blank_ok=False),
        "pue_source": text(df, "source"),
        "source": SOURCE,
        "source_file": PUE_FILE,
        "source_row": _rows(df),
    })
    out.attrs = {"path": df.attrs["path"], "repairs": df.attrs["repairs"]}
    return out


def _parse_cloud(path: str | Path, ci: pd.DataFrame, *, label: str | None = None
                 ) -> pd.DataFrame:
    """cloudProviders_datacenters.csv as grid rows of kind "cloud-region", with intensity,
    year and country looked up in the parsed CI table ``ci`` by location."""
    df = _read(path, CLOUD_COLUMNS, label=label)
    rep: Repairs = df.attrs["repairs"]
    provider = text(df, "provider", required=True)
    region = text(df, "Name", required=True)
    location = text(df, "location")
    free = text(df, "location_freeForm")
    pue = _pue(df, "PUE", blank_ok=True)
    by_loc = ci.set_index("zone")
    missing = location.notna() & ~location.isin(by_loc.index)
    if missing.any():
        i = int(np.argmax(missing.to_numpy()))
        raise InputError(f"location {location.iloc[i]!r} is not a location of {CI_FILE}",
                         path=df.attrs["path"], row=i + 1, column="location")
    rep.note(f"{CLOUD_FILE}: blank location (no carbon intensity or country)",
             int(location.isna().sum()))
    found = location.dropna()

    def look(col: str) -> pd.Series:
        return pd.Series(by_loc.loc[found, col].to_numpy(), index=found.index).reindex(
            location.index)

    names = [f"{p} {r} ({f})" if isinstance(f, str) else f"{p} {r}"
             for p, r, f in zip(provider, region, free, strict=True)]
    out = pd.DataFrame({
        "zone": region,
        "name": names,
        "country": look("country"),
        "kind": "cloud-region",
        "year": look("year").astype("Int64"),
        "gco2e_per_kwh": look("gco2e_per_kwh").astype("float64"),
        "pue": pue,
        "location": location,
        "source": SOURCE,
        "source_file": CLOUD_FILE,
        "source_row": _rows(df),
    })
    # Exact repeats are dropped (counted); the same provider and Name with other values is
    # an error naming both rows. Cells are converted first so that row numbers stay physical.
    kept = drop_duplicates(df, ["provider", "Name"], what=f"{CLOUD_FILE} rows").index
    out = out.loc[kept]
    out.attrs = {"path": df.attrs["path"], "repairs": rep}
    return out


def _parse_tdp(path: str | Path, kind: str, file: str, *, label: str | None = None
               ) -> pd.DataFrame:
    """TDP_gpu.csv (``kind`` "GPU") or TDP_cpu.csv ("CPU") as hardware rows."""
    df = _read(path, TDP_COLUMNS, label=label)
    rep: Repairs = df.attrs["repairs"]
    chip = _unique(df, "model")
    tdp = numbers(df, "TDP", positive=True)
    if kind == "GPU":
        per_gpu = numbers(df, "TDP_per_core", positive=True)
        fill = np.isnan(tdp) & ~np.isnan(per_gpu)
        rep.note(f"{file}: blank TDP taken from TDP_per_core (one GPU = one core)",
                 int(fill.sum()))
        tdp = np.where(fill, per_gpu, tdp)
    types = [("TPU" if kind == "GPU" and c.upper().startswith("TPU") else kind) for c in chip]
    out = pd.DataFrame({
        "chip": chip,
        "type": types,
        "tdp_w": tdp,
        "source": SOURCE,
        "source_file": file,
        "source_row": _rows(df),
    })
    out.attrs = {"path": df.attrs["path"], "repairs": rep}
    return out


def _parse_reference(path: str | Path, *, label: str | None = None
                     ) -> dict[str, tuple[float, str]]:
    df = _read(path, REF_COLUMNS, label=label)
    names = _unique(df, "variable")
    values = numbers(df, "value", blank_ok=False)
    sources = text(df, "source").fillna("")
    return {n: (float(v), s) for n, v, s in zip(names, values, sources, strict=True)}


def _finish(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    out.attrs = {"attribution": [SOURCES[SOURCE].attribution], "repairs": _merge(*frames)}
    return conform(out, table)


def _path(file: str, strict: bool | None) -> Path:
    return locate(SOURCE, file, strict=strict).path


# ----------------------------------------------------------------------------- public


def load_grid(*, strict: bool | None = None) -> pd.DataFrame:
    """Grid table: carbon intensity by world/country/region (CI_aggregated.csv, gCO2e/kWh),
    default PUE by provider (kind "pue-default") and cloud data centres (kind "cloud-region",
    intensity looked up by location; PUE where published)."""
    ci = _parse_ci(_path(CI_FILE, strict))
    pue = _parse_pue(_path(PUE_FILE, strict))
    cloud = _parse_cloud(_path(CLOUD_FILE, strict), ci)
    return _finish([ci, pue, cloud], "grid")


def load_tdp(*, strict: bool | None = None) -> pd.DataFrame:
    """Hardware table of TDP_gpu.csv then TDP_cpu.csv: chip, type (GPU | TPU | CPU), tdp_w (W,
    whole chip)."""
    gpu = _parse_tdp(_path(GPU_FILE, strict), "GPU", GPU_FILE)
    cpu = _parse_tdp(_path(CPU_FILE, strict), "CPU", CPU_FILE)
    return _finish([gpu, cpu], "hardware")


def reference_values(*, strict: bool | None = None) -> dict[str, tuple[float, str]]:
    """referenceValues.csv as {variable: (value, source text)}; the unit is stated in the
    source text (e.g. ``memoryPower``: W per GB of memory)."""
    return _parse_reference(_path(REF_FILE, strict))


def pue_defaults(*, strict: bool | None = None) -> dict[str, tuple[float, str]]:
    """defaults_PUE.csv as {provider: (PUE, source text)}."""
    df = _parse_pue(_path(PUE_FILE, strict))
    return {z: (float(p), s) for z, p, s in zip(df["zone"], df["pue"],
                                                df["pue_source"].fillna(""), strict=True)}


def default_pue(*, strict: bool | None = None) -> float:
    """PUE of the "Unknown" provider in defaults_PUE.csv, the calculator's default for an
    unspecified data centre (its source, per the file, is the Uptime Institute 2024 Global
    Data Center Survey; ``pue_defaults()`` gives the source text)."""
    table = pue_defaults(strict=strict)
    if UNKNOWN_PROVIDER not in table:
        raise InputError(f"no {UNKNOWN_PROVIDER!r} provider row",
                         path=str(_path(PUE_FILE, strict)), column="provider")
    return table[UNKNOWN_PROVIDER][0]
