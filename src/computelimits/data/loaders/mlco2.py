"""ML CO2 Impact calculator data (source ``mlco2-impact``; Lacoste et al. 2019): device power and
peak throughput, cloud-region carbon intensity, cloud instance types.

Files (``data/`` of github.com/mlco2/impact): gpus.csv (48 devices), impact.csv (82 cloud
regions), instances.csv (14 instance types). Licence: MIT (the repository's licence); the
attribution line is ``SOURCES["mlco2-impact"].attribution`` and travels with every table in
``attrs["attribution"]``.

Units: ``tdp_w`` W; ``fp32_flops`` / ``fp16_flops`` FLOP/s (the file's TFLOPS32 and
`` TFLOPS16`` columns times 1e12); ``gco2e_per_kwh`` gCO2e/kWh; ``pue`` dimensionless (>= 1).

Decisions and repairs:
    * gpus.csv upstream has a record one field short (A10G, data row 5: 8 fields for 9
      columns). A short record is re-aligned only when the omitted field must lie among the
      TFLOPS16 / GFLOPS32/W / GFLOPS16/W columns and the fields there are blank: name through
      TFLOPS32 are read from the left, memory and source from the right, the three columns
      between become blank (counted in ``attrs["repairs"]``, listed in ``attrs["notes"]``).
      Any other record of the wrong width is an error.
    * gpus.csv: the FP16 header is `` TFLOPS16`` with a LEADING SPACE; it is required exactly
      (a file without the space fails as a renamed column). Missing values are written ``NaN``,
      ``unk`` or blank and become empty. ``type`` is upper-cased (GPU | CPU | TPU); another
      type is an error. TDP must be positive, throughputs >= 0.
    * ``tdp_w`` of the TPU rows (TPUv2 Chip 221 W, TPUv3 Chip 283 W) is the *measured average
      consumption* reported by Patterson et al. 2021, not a TDP. Every row whose ``source``
      says "not TDP" is listed in ``attrs["notes"]`` of :func:`load_hardware`.
    * Throughputs are kept as published, though several are not what the column names say:
      H100 SXM/NVL TFLOPS32 989/835 and TFLOPS16 1979/1671 are the datasheet's tensor-core
      figures *with sparsity* (TF32, FP16), and L40S TFLOPS32 183 is TF32 tensor; GTX 750
      TFLOPS32 1111 is a GFLOP/s figure in a TFLOP/s column; Quadro P6000 TFLOPS16 197.4 is not
      plausible for Pascal FP16. Use another hardware source for peak throughput.
    * impact.csv: ``zone`` = the provider's region id (``us-east-1``, ``europe-west4``,
      ``eastus``); region ids do not repeat across providers in this file. The provider goes in
      ``name``: "<provider> <region> (<regionName or city>)", e.g.
      "aws us-east-1 (US East (N. Virginia))" and, where regionName is blank (all GCP rows),
      "gcp asia-east1 (Changhua County)". One row (Scaleway) has no region id: its regionName
      ("Paris") is used as zone (counted). ``kind`` "cloud-region"; ``country`` as written
      (e.g. "USA"); ``year`` empty (the intensities are snapshots from 2016-2022 whose year is
      not a column). ``gco2e_per_kwh`` = impact (>= 0; Seeweb's "100% carbon-free" row is 0);
      ``pue`` where given.
    * ``offsetRatio`` (0 or 100) is the provider's marketing claim of offsets or renewable
      purchases. It is NOT applied: intensities are physical grid intensities.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.csvfile import read_text
from computelimits.data.fetch import locate
from computelimits.data.parse import BLANKS, Repairs, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = ["SOURCE", "load_grid", "load_hardware", "load_instances"]

SOURCE = "mlco2-impact"
GPU_FILE = "gpus.csv"
IMPACT_FILE = "impact.csv"
INSTANCE_FILE = "instances.csv"

COL_FP16 = " TFLOPS16"  # sic: leading space in the upstream header
GPU_COLUMNS = ("name", "type", "tdp_watts", "TFLOPS32", COL_FP16, "source")
IMPACT_COLUMNS = ("provider", "region", "regionName", "country", "city", "impact", "PUE")
INSTANCE_COLUMNS = ("provider", "id", "gpu", "source")

TERA = 1e12
_TYPES = {"gpu": "GPU", "cpu": "CPU", "tpu": "TPU"}
NOT_TDP = "not tdp"


def _rows(df: pd.DataFrame) -> pd.array:
    return pd.array(np.asarray(df.index) + 1, dtype="Int64")


def _unique(df: pd.DataFrame, s: pd.Series, col: str) -> None:
    dup = s.duplicated(keep="first") & s.notna()
    if dup.any():
        i = int(np.argmax(dup.to_numpy()))
        first = int(np.argmax((s == s.iloc[i]).to_numpy()))
        raise InputError(f"{s.iloc[i]!r} repeats row {first + 1}", path=df.attrs.get("path"),
                         row=i + 1, column=col)


def _attrs(out: pd.DataFrame, df: pd.DataFrame) -> None:
    out.attrs["path"] = df.attrs["path"]
    out.attrs["attribution"] = [SOURCES[SOURCE].attribution]
    out.attrs["repairs"] = df.attrs["repairs"]


class Realigner:
    """A ``read_csv`` row repair for gpus.csv records that are exactly one field short.

    Such a record is re-aligned only if the omitted field must lie among the FP16 and
    efficiency columns (`` TFLOPS16``, ``GFLOPS32/W``, ``GFLOPS16/W``): the fields up to
    ``TFLOPS32`` are read from the left, ``memory`` and ``source`` from the right, and the
    fields left between them must all be blank, so those three columns are blank whichever of
    them was omitted. Any other record of the wrong width stays an error. ``rows`` lists the
    data rows repaired.
    """

    def __init__(self, header: list[str]) -> None:
        self.width = len(header)
        ok = COL_FP16 in header and "memory" in header
        self.left = header.index(COL_FP16) if ok else 0
        self.right = header.index("memory") if ok else 0
        self.ok = ok and self.right > self.left
        self.rows: list[int] = []

    def __call__(self, row: int, cells: list[str]) -> tuple[list[str], str] | None:
        left, right = self.left, self.right
        if not self.ok or len(cells) != self.width - 1:
            return None
        if not all(c.strip() in BLANKS for c in cells[left:right - 1]):
            return None
        self.rows.append(row)
        return (cells[:left] + [""] * (right - left) + cells[right - 1:],
                f"{GPU_FILE}: record one field short re-aligned (FP16/efficiency columns blank)")


def _parse_gpus(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """gpus.csv as a hardware table (``attrs["notes"]`` lists rows whose power is not a TDP
    and re-aligned records)."""
    name = label or str(path)
    raw = read_text(path, name, newline="")
    fix = Realigner(next(csv.reader(io.StringIO(raw.lstrip("\ufeff"))), []))
    df = read_csv(path, required=GPU_COLUMNS, text_data=raw, label=name, repair_row=fix)
    chip = text(df, "name", required=True)
    _unique(df, chip, "name")
    kind = text(df, "type", required=True).str.lower()
    bad = ~kind.isin(_TYPES)
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise InputError(f"type {df['type'].iloc[i]!r} is not gpu, cpu or tpu",
                         path=df.attrs["path"], row=i + 1, column="type")
    out = pd.DataFrame({
        "chip": chip,
        "type": kind.map(_TYPES),
        "tdp_w": numbers(df, "tdp_watts", blank_ok=False, positive=True),
        "fp32_flops": numbers(df, "TFLOPS32", nonnegative=True) * TERA,
        "fp16_flops": numbers(df, COL_FP16, nonnegative=True) * TERA,
        "source": SOURCE,
        "source_file": GPU_FILE,
        "source_row": _rows(df),
    })
    cited = text(df, "source").fillna("")
    _attrs(out, df)
    out.attrs["notes"] = [
        f"{GPU_FILE} row {i + 1} ({c}): tdp_w is not a TDP; the row's source says: {s}"
        for i, (c, s) in enumerate(zip(chip, cited, strict=True)) if NOT_TDP in s.lower()]
    out.attrs["notes"] += [
        f"{GPU_FILE} row {r} ({chip.iloc[r - 1]}, line {df.attrs['lines'][r - 1]}) has one "
        "field fewer than the header; re-aligned with TFLOPS16 read as blank"
        for r in fix.rows]
    return out


def _parse_impact(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """impact.csv as grid rows of kind "cloud-region"."""
    df = read_csv(path, required=IMPACT_COLUMNS, label=label)
    rep: Repairs = df.attrs["repairs"]
    provider = text(df, "provider", required=True)
    region = text(df, "region")
    region_name = text(df, "regionName")
    city = text(df, "city")
    no_id = region.isna()
    if (no_id & region_name.isna()).any():
        i = int(np.argmax((no_id & region_name.isna()).to_numpy()))
        raise InputError("neither region nor regionName is given", path=df.attrs["path"],
                         row=i + 1, column="region")
    rep.note(f"{IMPACT_FILE}: blank region id, regionName used as zone", int(no_id.sum()))
    zone = region.fillna(region_name)
    _unique(df, zone, "region")
    where = region_name.fillna(city)
    names = [f"{p} {z} ({w})" if isinstance(w, str) else f"{p} {z}"
             for p, z, w in zip(provider, zone, where, strict=True)]
    pue = numbers(df, "PUE", positive=True)
    low = np.flatnonzero(pue < 1)
    if low.size:
        i = int(low[0])
        raise InputError(f"PUE {df['PUE'].iloc[i]!r} is below 1", path=df.attrs["path"],
                         row=i + 1, column="PUE")
    out = pd.DataFrame({
        "zone": zone,
        "name": names,
        "country": text(df, "country"),
        "kind": "cloud-region",
        "gco2e_per_kwh": numbers(df, "impact", blank_ok=False, nonnegative=True),
        "pue": pue,
        "source": SOURCE,
        "source_file": IMPACT_FILE,
        "source_row": _rows(df),
    })
    _attrs(out, df)
    return out


def _parse_instances(path: str | Path, gpu_names: pd.Series | None = None, *,
                     label: str | None = None) -> pd.DataFrame:
    """instances.csv: provider, instance, gpu (as written, spaces stripped), chip (the
    gpus.csv name when ``gpu`` equals one exactly, else empty), url, source_row."""
    df = read_csv(path, required=INSTANCE_COLUMNS, label=label)
    provider = text(df, "provider", required=True)
    instance = text(df, "id", required=True)
    key = provider + "/" + instance
    _unique(df, key, "id")
    gpu = text(df, "gpu", required=True)
    known = set(gpu_names.dropna()) if gpu_names is not None else set()
    out = pd.DataFrame({
        "provider": provider,
        "instance": instance,
        "gpu": gpu,
        "chip": gpu.where(gpu.isin(known), None),
        "url": text(df, "source"),
        "source": SOURCE,
        "source_file": INSTANCE_FILE,
        "source_row": _rows(df),
    })
    _attrs(out, df)
    return out


def load_hardware(*, strict: bool | None = None) -> pd.DataFrame:
    """gpus.csv as a hardware table: chip, type (GPU | CPU | TPU), tdp_w (W; measured average
    power for TPU rows, see ``attrs["notes"]``), fp32_flops and fp16_flops (FLOP/s)."""
    return conform(_parse_gpus(locate(SOURCE, GPU_FILE, strict=strict).path), "hardware")


def load_grid(*, strict: bool | None = None) -> pd.DataFrame:
    """impact.csv as a grid table of cloud regions (gCO2e/kWh, PUE where given; offsetRatio
    is not applied)."""
    return conform(_parse_impact(locate(SOURCE, IMPACT_FILE, strict=strict).path), "grid")


def load_instances(*, strict: bool | None = None) -> pd.DataFrame:
    """instances.csv: one row per cloud instance type with its GPU model.

    Columns: provider, instance (e.g. ``p3.2xlarge``), gpu (as written), chip (the gpus.csv
    device name when ``gpu`` matches one exactly; empty otherwise, e.g. "Tesla V100", which
    gpus.csv splits into PCIe/SXM2 variants), url, source, source_file, source_row.
    """
    gpus = _parse_gpus(locate(SOURCE, GPU_FILE, strict=strict).path)
    return _parse_instances(locate(SOURCE, INSTANCE_FILE, strict=strict).path, gpus["chip"])
