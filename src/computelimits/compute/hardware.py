"""Chip specifications for compute and energy estimates, from Epoch AI's chip dataset.

A chip is found by its exact name or by its normalized key (case, spaces and hyphens
ignored), with or without the vendor prefix ("H100 SXM5 80GB" = "NVIDIA H100 SXM5 80GB"). An
unknown name is an error that lists the closest known names; nothing is guessed.

Lookups are dictionary lookups: the index of names and keys is built once per
:class:`~computelimits.data.catalog.Catalog` (``catalog.memo``), and the close-name hint of an
unknown chip is built only when the error's message is read.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits.compute._common import RecordResult, UnknownNameError
from computelimits.data.catalog import resolve_catalog
from computelimits.data.names import model_key
from computelimits.errors import ConfigError

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["PRECISIONS", "Chip", "ChipIndex", "chip_index", "chip_table", "find_chip"]

#: precision name → column of the hardware table (FLOP/s; OP/s for int8)
PRECISIONS = {"fp64": "fp64_flops", "fp32": "fp32_flops", "tf32": "tf32_flops",
              "fp16": "fp16_flops", "bf16": "fp16_flops", "fp8": "fp8_flops",
              "int8": "int8_ops"}

#: default order when no precision is asked for: the 16-bit tensor rate modern training uses,
#: then TF32, then FP32
DEFAULT_ORDER = ("fp16", "tf32", "fp32")

#: key of the chip index in ``Catalog.memo``
_MEMO_KEY = ("computelimits.compute.hardware", "chip_index")


@dataclass(frozen=True, repr=False)
class Chip(RecordResult):
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

    def line(self) -> str:
        tdp = f", TDP {self.tdp_w:g} W" if self.tdp_w is not None else ""
        row = f", row {self.source_row}" if self.source_row is not None else ""
        return f"{self.name} (Epoch AI chip_dataset.csv{row}{tdp})"

    def _flat(self) -> dict[str, Any]:
        """One row: name, vendor, release date, TDP, source row, then ``peak_<precision>_flops``
        (FLOP/s; OP/s for int8) for every precision."""
        d = {"chip": self.name, "vendor": self.vendor, "release_date": self.release_date,
             "tdp_w": self.tdp_w, "source_row": self.source_row}
        d.update({f"peak_{p}_flops": v for p, v in self.peaks.items()})
        return d


def _keys(df: pd.DataFrame) -> pd.DataFrame:
    """Add the name's key and the key of the name without its vendor prefix."""
    def strip_vendor(chip: str, vendor: object) -> str:
        v = str(vendor) if isinstance(vendor, str) else ""
        return chip[len(v):] if v and chip.casefold().startswith(v.casefold()) else chip

    bare = [strip_vendor(c, v) for c, v in zip(df["chip"], df["vendor"], strict=True)]
    return df.assign(_key=df["chip"].map(model_key), _vkey=[model_key(b) for b in bare])


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


class ChipIndex:
    """Chips of one table by exact name, by key and by vendor-stripped key (first row wins,
    as a scan of the table in order would find), with their :class:`Chip` records."""

    def __init__(self, table: pd.DataFrame) -> None:
        if "_key" not in table.columns:
            table = _keys(table)
        self.table = table
        self._exact: dict[Any, int] = {}
        self._by_key: dict[str, int] = {}
        for pos, (name, k, vk) in enumerate(zip(table["chip"], table["_key"], table["_vkey"],
                                                strict=True)):
            self._exact.setdefault(name, pos)
            self._by_key.setdefault(k, pos)
            self._by_key.setdefault(vk, pos)
        self._chips: dict[int, Chip] = {}
        self._names: list[str] | None = None

    def __len__(self) -> int:
        return len(self.table)

    def position(self, name: str) -> int | None:
        """Row position of ``name`` (exact name first, then its key), or None."""
        pos = self._exact.get(name)
        if pos is None:
            pos = self._by_key.get(model_key(name))
        return pos

    def get(self, name: str) -> Chip | None:
        """The chip called ``name``, or None (no error, no hint)."""
        pos = self.position(name)
        if pos is None:
            return None
        chip = self._chips.get(pos)
        if chip is None:
            chip = self._chips[pos] = _row_to_chip(self.table.iloc[pos])
        # a fresh peaks dict: a caller that changes it changes nothing here
        return dataclasses.replace(chip, peaks=dict(chip.peaks))

    def names(self) -> list[str]:
        if self._names is None:
            self._names = self.table["chip"].dropna().unique().tolist()
        return self._names

    def vendors(self) -> dict[str, str]:
        """Each chip name's vendor ("" where the table gives none)."""
        return {str(c): (str(v) if isinstance(v, str) else "")
                for c, v in zip(self.table["chip"], self.table["vendor"], strict=True)
                if isinstance(c, str)}

    def unknown(self, name: str) -> UnknownNameError:
        """The error for an unknown chip; its closest-names hint is built when read."""
        return UnknownNameError(lambda: _unknown_message(name, self.names(), self.vendors()))

    def find(self, name: str) -> Chip:
        chip = self.get(name)
        if chip is None:
            raise self.unknown(name)
        return chip


def _tokens(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", str(text).casefold())


def _families(tokens: list[str]) -> set[str]:
    """The model families a name's tokens name: the letters before a model number ("h100"
    → "h", "rtx" no family, "a100" → "a")."""
    return {m.group(1) for t in tokens if (m := re.fullmatch(r"([a-z]+)(\d+)[a-z]*", t))}


def close_chips(name: str, names: list[str], vendors: dict[str, str] | None = None,
                n: int = 5) -> list[str]:
    """The known chip names closest to ``name``, vendor and family aware: names holding
    every word of it first ("H100" → NVIDIA H100 PCIe, NVIDIA H100 SXM5 80GB), then names
    containing it, then close spellings — of the same vendor as those (or as the vendor the
    name gives) and of the same model family (an H100 is not an A100, Intel's or NVIDIA's)."""
    vendors = vendors or {}
    lowered = str(name).casefold()
    known_vendors = {v.casefold() for v in vendors.values() if v}
    words = [t for t in _tokens(name) if t not in known_vendors]
    named_vendor = {t for t in _tokens(name) if t in known_vendors}
    family = _families(words)

    def vendor_of(c: str) -> str:
        return vendors.get(c, "").casefold()

    def fits(c: str, allowed: set[str]) -> bool:
        if allowed and vendor_of(c) not in allowed:
            return False
        return not family or bool(family & _families(_tokens(c)))

    pool = [c for c in names if not named_vendor or vendor_of(c) in named_vendor]
    whole = [c for c in pool if words and set(words) <= set(_tokens(c))]
    inside = [c for c in pool if lowered in c.casefold() and c not in whole]
    close = [*whole, *inside][:n]
    allowed = {vendor_of(c) for c in close if vendor_of(c)} or named_vendor
    for c in difflib.get_close_matches(name, pool, n=4 * n, cutoff=0.4):
        if len(close) >= n:
            break
        if c not in close and fits(c, allowed):
            close.append(c)
    return close


def _unknown_message(name: str, names: list[str], vendors: dict[str, str] | None = None) -> str:
    close = close_chips(name, names, vendors)
    hint = f" Closest known: {'; '.join(close)}." if close else ""
    return (f"unknown chip {name!r}.{hint} (names as in Epoch's chip dataset; "
            "`computelimits data info epoch-hardware`)")


def chip_index(*, catalog: Catalog | None = None) -> ChipIndex:
    """The :class:`ChipIndex` of the catalog's chip dataset, built once per catalog."""
    cat = resolve_catalog(catalog)
    return cat.memo(_MEMO_KEY, lambda: ChipIndex(_keys(cat.chips())))


def chip_table(*, catalog: Catalog | None = None) -> pd.DataFrame:
    """Epoch's chip dataset as :func:`find_chip` searches it (with the ``_key`` and ``_vkey``
    columns); a copy."""
    return chip_index(catalog=catalog).table.copy()


def find_chip(name: str, table: pd.DataFrame | None = None, *,
              catalog: Catalog | None = None) -> Chip:
    """The chip called ``name`` in Epoch's chip dataset (see the module docstring), or in
    ``table`` (a frame with the chip dataset's columns) when given."""
    index = chip_index(catalog=catalog) if table is None else ChipIndex(table)
    return index.find(name)
