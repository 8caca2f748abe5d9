"""Epoch AI estimates of the cumulative stock of AI accelerators, 2022 - Q1 2026.

Source ``epoch-ai-chip-counts`` (github.com/epoch-research/ai-chip-counts, ``csv_export/``):
eight files, ``{amd,nvidia,tpu,trainium}_cumulative_{by_chip,totals}.csv``. Licence: MIT
(repository), Epoch data CC BY 4.0. Attribution: ``SOURCES[SOURCE].attribution`` (carried in
``attrs["attribution"]``).

Each row is a cumulative estimate from ``start_date`` to ``end_date`` (the files write
M/D/YYYY; read as dates and counted as a repair) with 5th / 50th / 95th percentiles of a
Monte Carlo revenue model:

* ``units_p5/p50/p95``: chips shipped (count);
* ``h100e_p5/p50/p95``: compute capacity in H100-equivalents (count of H100s with the same
  peak throughput);
* ``power_mw_p5/p50/p95``: chip power of the stock, MW (totals files and the Trainium
  by-chip file only; missing elsewhere).

Columns are read by name, never by position: the Trainium files order and name them
differently ("Compute estimate in H100e (median)", "H100e (5th percentile)", "Number of
Units" for the median, ...). Every accepted spelling is listed in ``_COLUMNS``.
``chip`` is the ``Chip type`` of by-chip files and "total" in totals files. ``incomplete``
is True where Epoch flags the last quarter as only partly covered ("checked"); it is missing
for the Trainium files, which have no such column.

Counts are model estimates, not shipments counted; cumulative figures start at different
dates per vendor (Nvidia 2022, TPU 2023, AMD and Trainium 2024), so totals are not
comparable across vendors before 2024.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.fetch import locate
from computelimits.data.parse import Repairs, dates, numbers, read_csv, require_columns, text
from computelimits.data.registry import SOURCES
from computelimits.errors import InputError

__all__ = ["COLUMNS", "FILES", "SOURCE", "load_stock", "parse_stock_file"]

SOURCE = "epoch-ai-chip-counts"

#: (vendor label used in file names, kind) -> file
FILES = {(v, k): f"{v}_cumulative_{k}.csv"
         for v in ("nvidia", "tpu", "amd", "trainium") for k in ("by_chip", "totals")}

#: output column -> accepted header names (first present wins)
_COLUMNS: dict[str, tuple[str, ...]] = {
    "units_p5": ("Number of units (5th percentile)", "Number of Units (5th percentile)"),
    "units_p50": ("Number of units (median)", "Number of Units (median)", "Number of Units"),
    "units_p95": ("Number of units (95th percentile)", "Number of Units (95th percentile)"),
    "h100e_p5": ("Compute estimate in H100e (5th percentile)", "H100e (5th percentile)"),
    "h100e_p50": ("Compute estimate in H100e (median)", "H100e (median)"),
    "h100e_p95": ("Compute estimate in H100e (95th percentile)", "H100e (95th percentile)"),
    "power_mw_p5": ("Power in MW (5th percentile)",),
    "power_mw_p50": ("Power in MW (median)",),
    "power_mw_p95": ("Power in MW (95th percentile)",),
}
COLUMNS = (
    "vendor", "chip", "kind", "start_date", "end_date", *_COLUMNS, "incomplete", "name",
    "notes", "source", "source_file", "source_row",
)
_OPTIONAL = ("power_mw_p5", "power_mw_p50", "power_mw_p95")


def _column(df: pd.DataFrame, out_col: str) -> str | None:
    for name in _COLUMNS[out_col]:
        if name in df.columns:
            return name
    if out_col in _OPTIONAL:
        return None
    require_columns(df, [_COLUMNS[out_col][0]])  # raises, naming the closest header
    return None


def parse_stock_file(path: str | Path, *, kind: str, source_file: str,
                     label: str | None = None) -> pd.DataFrame:
    """Parse one cumulative-stock file (``kind`` "by_chip" or "totals") into the long
    format of :func:`load_stock`."""
    if kind not in ("by_chip", "totals"):
        raise ValueError(f"kind must be 'by_chip' or 'totals', not {kind!r}")
    required = ["Chip manufacturer", "Start date", "End date"]
    if kind == "by_chip":
        required.append("Chip type")
    df = read_csv(path, label=label, required=required)
    out = pd.DataFrame({
        "vendor": text(df, "Chip manufacturer", required=True),
        "chip": text(df, "Chip type", required=True) if kind == "by_chip" else "total",
        "kind": kind,
        "start_date": dates(df, "Start date", blank_ok=False),
        "end_date": dates(df, "End date", blank_ok=False),
    }, index=df.index)
    for col in _COLUMNS:
        name = _column(df, col)
        out[col] = (np.full(len(df), np.nan) if name is None
                    else numbers(df, name, nonnegative=True, thousands=True))
    if "Incomplete" in df.columns:
        inc = text(df, "Incomplete")
        bad = inc.notna() & inc.ne("checked")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"'Incomplete' is {inc.iloc[i]!r}, expected 'checked' or blank",
                             path=df.attrs["path"], row=i + 1, column="Incomplete")
        out["incomplete"] = inc.eq("checked").astype("boolean")
    else:
        out["incomplete"] = pd.array([pd.NA] * len(df), dtype="boolean")
    out["name"] = text(df, "Name") if "Name" in df.columns else None
    out["notes"] = text(df, "Notes") if "Notes" in df.columns else None
    late = out["end_date"] < out["start_date"]
    if late.any():
        i = int(np.flatnonzero(late.to_numpy())[0])
        raise InputError("End date is before Start date", path=df.attrs["path"], row=i + 1,
                         column="End date")
    for stem in ("units", "h100e", "power_mw"):
        lo, mid, hi = (out[f"{stem}_p{p}"].to_numpy() for p in (5, 50, 95))
        wrong = (lo > mid) | (mid > hi)  # NaN compares False
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise InputError(f"{stem} percentiles are not ordered (5th <= median <= 95th)",
                             path=df.attrs["path"], row=i + 1, column=_COLUMNS[f"{stem}_p50"][0])
    out["source"] = SOURCE
    out["source_file"] = source_file
    out["source_row"] = pd.array(df.index + 1, dtype="Int64")
    for col in ("vendor", "chip", "kind", "name", "notes", "source", "source_file"):
        out[col] = out[col].astype("string")
    out = out[list(COLUMNS)]
    out.attrs = {"repairs": df.attrs["repairs"]}
    return out


def load_stock(*, strict: bool | None = None) -> pd.DataFrame:
    """Cumulative AI-accelerator stock estimates of all eight files in long format.

    Columns: ``vendor`` (as written: Nvidia, Google, AMD, Amazon), ``chip`` ("total" for
    the totals files), ``kind`` ("by_chip" / "totals"), ``start_date``, ``end_date``,
    ``units_p5/p50/p95`` (chips), ``h100e_p5/p50/p95`` (H100-equivalents),
    ``power_mw_p5/p50/p95`` (MW, where given), ``incomplete``, ``name``, ``notes``,
    ``source``, ``source_file``, ``source_row``.
    """
    frames = []
    repairs = Repairs()
    for (_vendor, kind), file in FILES.items():
        loc = locate(SOURCE, file, strict=strict)
        part = parse_stock_file(loc.path, kind=kind, source_file=file, label=str(loc.path))
        repairs.update(part.attrs["repairs"])
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out.attrs = {"repairs": repairs, "attribution": [SOURCES[SOURCE].attribution]}
    return out
