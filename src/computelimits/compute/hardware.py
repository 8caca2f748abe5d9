"""Chip specifications for compute and energy estimates, from Epoch AI's chip dataset.

A chip is found by its exact name or by its normalized key (case, spaces and hyphens
ignored), with or without the vendor prefix ("H100 SXM5 80GB" = "NVIDIA H100 SXM5 80GB"). An
unknown name is an error that lists the closest known names; nothing is guessed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from computelimits.data.names import model_key
from computelimits.errors import ConfigError

__all__ = ["PRECISIONS", "Chip", "find_chip"]

#: precision name → column of the hardware table (FLOP/s; OP/s for int8)
PRECISIONS = {"fp64": "fp64_flops", "fp32": "fp32_flops", "tf32": "tf32_flops",
              "fp16": "fp16_flops", "bf16": "fp16_flops", "fp8": "fp8_flops",
              "int8": "int8_ops"}

#: default order when no precision is asked for: the 16-bit tensor rate modern training uses,
#: then TF32, then FP32
DEFAULT_ORDER = ("fp16", "tf32", "fp32")


@dataclass(frozen=True)
class Chip:
    name: str
    vendor: str | None
    release_date: pd.Timestamp | None
    peaks: dict[str, float]
    tdp_w: float | None
    source_row: int | None

    def peak(self, precision: str | None = None) -> tuple[float, str]:
        """(peak FLOP/s, precision used). Without ``precision``: FP16/BF16, else TF32, else
        FP32, whichever the dataset has first."""
        if precision is not None:
            p = precision.lower()
            if p not in PRECISIONS:
                raise ConfigError(f"unknown precision {precision!r}; use one of "
                                  f"{', '.join(PRECISIONS)}")
            v = self.peaks.get(p)
            if v is None or not np.isfinite(v) or v <= 0:
                have = [k for k, x in self.peaks.items() if x and np.isfinite(x)]
                raise ConfigError(f"{self.name} has no {p} peak in Epoch's chip dataset "
                                  f"(it has: {', '.join(have) or 'none'})")
            return float(v), p
        for p in DEFAULT_ORDER:
            v = self.peaks.get(p)
            if v is not None and np.isfinite(v) and v > 0:
                return float(v), p
        raise ConfigError(f"{self.name} has no FP16, TF32 or FP32 peak in Epoch's chip dataset")


def _keys(df: pd.DataFrame) -> pd.DataFrame:
    """Add the name's key and the key of the name without its vendor prefix."""
    def strip_vendor(chip: str, vendor: object) -> str:
        v = str(vendor) if isinstance(vendor, str) else ""
        return chip[len(v):] if v and chip.casefold().startswith(v.casefold()) else chip

    bare = [strip_vendor(c, v) for c, v in zip(df["chip"], df["vendor"], strict=True)]
    return df.assign(_key=df["chip"].map(model_key), _vkey=[model_key(b) for b in bare])


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    from computelimits.data.loaders.epoch_hardware import load_chips

    return _keys(load_chips())


def _row_to_chip(r: pd.Series) -> Chip:
    peaks = {}
    for p, col in PRECISIONS.items():
        v = r.get(col)
        peaks[p] = float(v) if v is not None and pd.notna(v) else float("nan")
    tdp = r.get("tdp_w")
    date = r.get("release_date")
    return Chip(str(r["chip"]), r.get("vendor") if pd.notna(r.get("vendor")) else None,
                date if pd.notna(date) else None, peaks,
                float(tdp) if tdp is not None and pd.notna(tdp) and tdp > 0 else None,
                int(r["source_row"]) if pd.notna(r.get("source_row")) else None)


def find_chip(name: str, table: pd.DataFrame | None = None) -> Chip:
    """The chip called ``name`` in Epoch's chip dataset (see the module docstring)."""
    df = _table() if table is None else table
    if "_key" not in df.columns:
        df = _keys(df)
    exact = df[df["chip"] == name]
    if exact.empty:
        k = model_key(name)
        exact = df[(df["_key"] == k) | (df["_vkey"] == k)]
    if len(exact) >= 1:
        return _row_to_chip(exact.iloc[0])
    names = df["chip"].dropna().unique().tolist()
    lowered = name.casefold()
    close = [n for n in names if lowered in n.casefold()][:5]
    close += [n for n in difflib.get_close_matches(name, names, n=5, cutoff=0.4)
              if n not in close][: 5 - len(close)]
    hint = f" Closest known: {'; '.join(close)}." if close else ""
    raise ConfigError(f"unknown chip {name!r}.{hint} (names as in Epoch's chip dataset; "
                      "`computelimits data info epoch-hardware`)")
