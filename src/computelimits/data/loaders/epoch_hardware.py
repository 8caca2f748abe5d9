"""Epoch AI machine-learning hardware data and the FRED producer price index.

Source ``epoch-hardware`` (github.com/epoch-research/training-cost-trends, snapshot of
2025-06-20): ``chip_dataset.csv`` (chip specifications), ``hardware_prices.csv`` (purchase and
cloud-rental prices) and ``fred_ppi_PCU518210518210.csv`` (U.S. BLS producer price index for
data processing and hosting, via FRED). Licence: CC BY 4.0 (Epoch); the PPI is public domain.
Attribution: ``SOURCES[SOURCE].attribution`` (carried in ``attrs["attribution"]``).

Units: throughput in FLOP/s (``*_flops``) or OP/s (``int8_ops``), peak vendor figures; TDP in
W; prices in nominal US dollars (``price_usd``, ``purchase_price_usd``) or US dollars per
chip-hour (``*_usd_per_chip_hour``); the PPI is an index (December 2000 = 100).

Repairs and assumptions (counted in ``attrs["repairs"]`` where they change data):

* ``chip_dataset.csv`` holds one stray carriage return (not a line end) at the end of the name
  "NVIDIA GeForce RTX 2080 Ti Founders Edition". Read as a line break it splits that record
  in two; that is why the README (counting with a line-based reader) says 5,775 rows. The
  character is removed (counted) and the file has 5,774 chips.
* Six chip names repeat (README); five of the second copies are empty stubs. For each
  repeated name the row with most non-blank cells is kept (the first one on a tie) and the
  others dropped (counted).
* ``fp16_flops`` is the tensor-core ``Tensor-FP16/BF16 performance (FLOP/s)`` where the chip
  has one, else the non-tensor ``FP16 (half precision) performance (FLOP/s)``;
  :func:`load_chips` says which in ``fp16_kind`` ("tensor" / "non-tensor").
* Prices: a "$" and thousands separators are removed (counted). ``hardware_prices.csv`` rows
  with no price at all are skipped (counted; the file has one, a bare "NVIDIA H100 SXM5 80GB"
  row). Rows that repeat an earlier row exactly (11) are kept, since nothing says they are
  the same observation (the Cudo Compute rows have no location), and flagged in ``repeat``.
  ``Price (hardware purchase)`` is kept as written: in the rows checked it is already per
  chip (e.g. the 2017 DGX-1 row: $149,000 / 8 = 18,625; see ``notes``).
* The PPI file ends with a blank line, which is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.csvfile import read_text
from computelimits.data.fetch import locate
from computelimits.data.parse import BLANKS, Repairs, dates, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = [
    "CHIPS",
    "PPI",
    "PRICES",
    "SOURCE",
    "annual_index",
    "deflator",
    "deflator_from",
    "load_chips",
    "load_hardware",
    "load_ppi",
    "load_prices",
    "parse_chips",
    "parse_ppi",
    "parse_prices",
]

SOURCE = "epoch-hardware"
CHIPS = "chip_dataset.csv"
PRICES = "hardware_prices.csv"
PPI = "fred_ppi_PCU518210518210.csv"

_FP16_TENSOR = "Tensor-FP16/BF16 performance (FLOP/s)"
_FP16 = "FP16 (half precision) performance (FLOP/s)"

#: output column -> chip_dataset.csv column (all peak throughputs, FLOP/s or OP/s)
_RATES = {
    "fp64_flops": "FP64 (double precision) performance (FLOP/s)",
    "fp32_flops": "FP32 (single precision) performance (FLOP/s)",
    "tf32_flops": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "fp8_flops": "FP8 performance (FLOP/s)",
    "int8_ops": "INT8 performance (OP/s)",
}

_CHIP_COLUMNS = ("Hardware name", "Manufacturer", "Type", "Release date",
                 "Release price (USD)", _FP16, _FP16_TENSOR, "TDP (W)", "ML hardware",
                 *_RATES.values())

_PRICE_COLUMNS = {
    "on_demand_usd_per_chip_hour": "Price per chip-hour (on-demand)",
    "cud_1y_usd_per_chip_hour": "Price per chip-hour (1-year CUD)",
    "cud_3y_usd_per_chip_hour": "Price per chip-hour (3-year CUD)",
    "purchase_price_usd": "Price (hardware purchase)",
}


def _attrs(out: pd.DataFrame, repairs: Repairs) -> pd.DataFrame:
    out.attrs = {"repairs": repairs, "attribution": [SOURCES[SOURCE].attribution]}
    return out


def _read_chip_file(path: str | Path, label: str | None) -> pd.DataFrame:
    name = label or str(path)
    data = read_text(path, name, newline="")
    # A carriage return that does not end a line is a stray character inside a cell.
    stray = len(re.findall(r"\r(?!\n)", data))
    data = re.sub(r"\r(?!\n)", "", data)
    df = read_csv(path, text_data=data, label=name, required=_CHIP_COLUMNS)
    # pandas deep-copies attrs on every operation: an array copies far faster than a list
    df.attrs["lines"] = np.asarray(df.attrs["lines"], dtype=np.int64)
    df.attrs["repairs"].note("stray carriage return inside a cell removed", stray)
    return df


def _keep_richest(df: pd.DataFrame, names: pd.Series) -> np.ndarray:
    """Keep mask: for a repeated chip name, the row with most non-blank cells."""
    keep = np.ones(len(df), dtype=bool)
    dup = (names.duplicated(keep=False) & names.notna()).to_numpy()
    cells = df.to_numpy(dtype=object)
    for name in pd.unique(names.to_numpy()[dup]):
        idx = np.flatnonzero(dup & (names.to_numpy() == name))
        filled = [sum(str(c).strip() not in BLANKS for c in cells[i] if c is not None)
                  for i in idx]
        best = idx[int(np.argmax(filled))]  # argmax takes the first on a tie
        keep[idx[idx != best]] = False
    df.attrs["repairs"].note("repeated chip name: sparser row dropped", int((~keep).sum()))
    return keep


def parse_chips(path: str | Path, *, source_file: str = CHIPS,
                label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``chip_dataset.csv`` into the wide chip frame of
    :func:`load_chips`."""
    df = _read_chip_file(path, label)
    chip = text(df, "Hardware name", required=True)
    tensor = numbers(df, _FP16_TENSOR, positive=True)
    plain = numbers(df, _FP16, positive=True)
    has_tensor = ~np.isnan(tensor)
    out = pd.DataFrame({
        "chip": chip,
        "vendor": text(df, "Manufacturer"),
        "type": text(df, "Type"),
        "release_date": dates(df, "Release date"),
        **{k: numbers(df, v, positive=True) for k, v in _RATES.items()},
        "fp16_flops": np.where(has_tensor, tensor, plain),
        "fp16_kind": np.where(has_tensor, "tensor", np.where(np.isnan(plain), None,
                                                              "non-tensor")),
        "fp16_nontensor_flops": plain,
        "tdp_w": numbers(df, "TDP (W)", positive=True),
        "price_usd": numbers(df, "Release price (USD)", positive=True, currency=True,
                             thousands=True),
        "ml_hardware": text(df, "ML hardware").eq("checked").astype("boolean"),
        "foundry": text(df, "Foundry") if "Foundry" in df.columns else None,
        "process_nm": (numbers(df, "Process size (nm)", positive=True)
                       if "Process size (nm)" in df.columns else np.nan),
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    out["fp16_kind"] = out["fp16_kind"].astype("string")
    keep = _keep_richest(df, chip)
    out = out[keep].reset_index(drop=True)
    return _attrs(out, df.attrs["repairs"])


def load_chips(*, strict: bool | None = None) -> pd.DataFrame:
    """Every chip of Epoch's chip dataset (repeated names resolved, see the module docstring):
    the hardware-table columns plus ``fp16_kind`` (which FP16 column gave ``fp16_flops``),
    ``fp16_nontensor_flops`` (FLOP/s), ``ml_hardware`` (Epoch's curated ML-accelerator
    subset, 161 chips), ``foundry`` and ``process_nm``."""
    loc = locate(SOURCE, CHIPS, strict=strict)
    return parse_chips(loc.path, label=str(loc.path))


def load_hardware(*, strict: bool | None = None, ml_only: bool = False) -> pd.DataFrame:
    """The hardware table from Epoch's chip dataset: peak throughputs in FLOP/s (``int8_ops``
    in OP/s), TDP in W, release price in nominal US dollars.

    ``fp16_flops`` is the tensor-core FP16/BF16 figure where one is given, else the
    non-tensor FP16 figure. ``ml_only`` keeps only the chips Epoch marks as ML hardware.
    """
    chips = load_chips(strict=strict)
    if ml_only:
        attrs = chips.attrs
        chips = chips[chips["ml_hardware"].fillna(False).to_numpy(dtype=bool)]
        chips.attrs = attrs
    return conform(chips, "hardware")


def parse_prices(path: str | Path, *, source_file: str = PRICES,
                 label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``hardware_prices.csv`` (see :func:`load_prices`)."""
    df = read_csv(path, label=label, required=("Price date", "Hardware model",
                                               *_PRICE_COLUMNS.values()))
    df.attrs["lines"] = np.asarray(df.attrs["lines"], dtype=np.int64)
    prices = {k: numbers(df, v, nonnegative=True, currency=True, thousands=True)
              for k, v in _PRICE_COLUMNS.items()}

    def opt(col: str) -> pd.Series | None:
        return text(df, col) if col in df.columns else None

    out = pd.DataFrame({
        "date": dates(df, "Price date"),
        "chip": text(df, "Hardware model", required=True),
        "manufacturer": opt("Manufacturer"),
        "seller": opt("Vendor"),
        "location": opt("Location"),
        **prices,
        "number_of_gpus": (numbers(df, "Number of GPUs", positive=True)
                           if "Number of GPUs" in df.columns else np.nan),
        "description": opt("Cloud GPU description"),
        "notes": opt("Notes"),
        "price_source": opt("Price source"),
        "repeat": df.duplicated(keep="first").to_numpy(),
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    has_price = np.any([~np.isnan(v) for v in prices.values()], axis=0)
    df.attrs["repairs"].note("price rows without any price skipped", int((~has_price).sum()))
    out = out[has_price].reset_index(drop=True)
    return _attrs(out, df.attrs["repairs"])


def load_prices(*, strict: bool | None = None) -> pd.DataFrame:
    """Hardware price observations: ``date``, ``chip``, ``manufacturer``, ``seller`` (cloud or
    retailer), ``location``, ``on_demand_usd_per_chip_hour``, ``cud_1y_usd_per_chip_hour``,
    ``cud_3y_usd_per_chip_hour`` (US dollars per chip-hour, nominal, at ``date``),
    ``purchase_price_usd`` (nominal US dollars per unit as written), ``number_of_gpus``,
    ``description``, ``notes``, ``price_source``, ``repeat`` (an exact repeat of an earlier
    row), ``source``, ``source_file``, ``source_row``."""
    loc = locate(SOURCE, PRICES, strict=strict)
    return parse_prices(loc.path, label=str(loc.path))


def parse_ppi(path: str | Path, *, source_file: str = PPI,
              label: str | None = None) -> pd.DataFrame:
    """Parse a FRED series file (``observation_date``, ``PCU518210518210``): ``date``,
    ``ppi`` (index), ``source``, ``source_file``, ``source_row``."""
    df = read_csv(path, label=label, required=("observation_date", "PCU518210518210"))
    out = pd.DataFrame({
        "date": dates(df, "observation_date", blank_ok=False),
        "ppi": numbers(df, "PCU518210518210", blank_ok=False, positive=True),
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    if out["date"].duplicated().any():
        i = int(np.flatnonzero(out["date"].duplicated().to_numpy())[0])
        raise InputError("repeats an earlier month", path=df.attrs.get("path"), row=i + 1,
                         column="observation_date")
    return _attrs(out, df.attrs["repairs"])


def load_ppi(*, strict: bool | None = None) -> pd.DataFrame:
    """Monthly U.S. producer price index PCU518210518210 (December 2000 = 100): ``date``
    (first day of the month) and ``ppi``."""
    loc = locate(SOURCE, PPI, strict=strict)
    return parse_ppi(loc.path, label=str(loc.path))


def annual_index(ppi: pd.DataFrame) -> pd.Series:
    """Calendar-year mean of the monthly index, indexed by year; ``attrs["partial_years"]``
    lists the years with fewer than 12 months (2000 has only December, the last year stops
    at the latest month)."""
    year = ppi["date"].dt.year
    grouped = ppi.groupby(year)["ppi"]
    out = grouped.mean()
    out.index.name = "year"
    counts = grouped.size()
    out.attrs["partial_years"] = [int(y) for y, n in counts.items() if n < 12]
    return out


def deflator_from(ppi: pd.DataFrame, to_year: int) -> pd.Series:
    """:func:`deflator` computed from a PPI frame (``date``, ``ppi``) such as
    :func:`load_ppi` returns."""
    index = annual_index(ppi)
    if to_year not in index.index:
        raise InputError(f"no PPI data for {to_year} (years {int(index.index.min())}-"
                         f"{int(index.index.max())})", path=f"{SOURCE}/{PPI}")
    out = index / index[to_year]
    out.name = f"deflator_to_{to_year}"
    out.attrs = {"partial_years": index.attrs["partial_years"],
                 "attribution": [SOURCES[SOURCE].attribution]}
    return out


def deflator(to_year: int, *, strict: bool | None = None) -> pd.Series:
    """Price-level ratio by year, relative to ``to_year``: annual mean PPI of each year
    divided by the annual mean of ``to_year`` (so it is 1 at ``to_year``).

    Convert a nominal amount of year ``y`` into ``to_year`` dollars with
    ``amount / deflator(to_year)[y]``. Annual means use the months available: 2000 has only
    December 2000 and the last year stops at the latest month (listed in
    ``attrs["partial_years"]``).
    """
    return deflator_from(load_ppi(strict=strict), to_year)
