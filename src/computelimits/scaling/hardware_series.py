"""Hardware progress as series of (release date, value), and their log-linear trends.

Data, all through a :class:`~computelimits.data.catalog.Catalog`:

* peak FLOP/s per chip and FLOP/s per dollar of Epoch's ML-hardware subset
  (:meth:`~computelimits.data.catalog.Catalog.chips`), deflated with the U.S. producer price
  index for data processing and hosting (:meth:`~computelimits.data.catalog.Catalog.deflator`);
* Moore's-law series from Karl Rupp's microprocessor data
  (:meth:`~computelimits.data.catalog.Catalog.microprocessor_trends`).

Series (:func:`hardware_fits`): chips flagged ``ml_hardware`` by Epoch with a release date
(datacenter accelerators, but also consumer GPUs and inference chips), by release date.
Per chip: ``ml_fp32_flops``, peak FP32 FLOP/s (non-tensor); ``ml_tensor16_flops``, the
tensor-core FP16/BF16 rate (chips that have one: 2017 on); ``ml_max16_flops``, the fastest
floating-point rate at 16 bits or more (max of FP32, TF32 and FP16/BF16, tensor or not), so
it includes the move to tensor units; ``ml_fp16_flops``, the loader's ``fp16_flops`` (tensor
FP16/BF16 where the chip has it, else non-tensor FP16: noisy, since several consumer GPUs run
non-tensor FP16 at 1/64 of their FP32 rate). Per dollar: the FP32 or >=16-bit rate divided by
the release price, in nominal US dollars (``ml_fp32_flops_per_usd``) or in constant dollars
of ``base_year`` (``..._per_usd_<base_year>``: price / deflator[release year], the deflator
being the annual mean of the PPI PCU518210518210 relative to ``base_year``; chips whose
release year the PPI does not cover are left out and counted in ``notes``).
``cpu_transistors``: transistors per microprocessor; ``cpu_specint``: single-thread SPECint
(Rupp); all years unless ``start``/``end`` are given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits.data.catalog import resolve_catalog
from computelimits.errors import InputError
from computelimits.scaling.dates import Bound, decimal_year, describe_period, in_period
from computelimits.scaling.loglinear import TrendFit, fit_trend, fits_table

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["hardware_fits", "hardware_trends"]

#: name -> (t, values, label, unit, notes)
Series = dict[str, tuple[np.ndarray, np.ndarray, str, str, str]]


def _ml_flag(chips: pd.DataFrame) -> np.ndarray:
    if "ml_hardware" not in chips.columns:
        raise InputError("the chips table has no 'ml_hardware' column")
    return chips["ml_hardware"].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _deflators_from_ppi(ppi: pd.DataFrame, base_year: int) -> pd.Series:
    """Annual mean of a monthly PPI frame (``date``, ``ppi``) relative to ``base_year`` (as
    :meth:`Catalog.deflator` computes it from the catalog's own PPI)."""
    index = ppi.groupby(ppi["date"].dt.year)["ppi"].mean()
    if base_year not in index.index:
        raise InputError(f"no PPI data for {base_year} (years {int(index.index.min())}-"
                         f"{int(index.index.max())})")
    return index / index[base_year]


def _progress_points(chips: pd.DataFrame, trends: pd.DataFrame | None,
                     deflators: pd.Series | None, base_year: int) -> Series:
    """Every hardware series before any period cut (see the module docstring)."""
    ml = chips[_ml_flag(chips)]
    t = decimal_year(ml["release_date"])
    dated = np.isfinite(t)
    series: Series = {}

    def col(name: str) -> np.ndarray:
        return pd.to_numeric(ml[name]).to_numpy(dtype=float, na_value=np.nan)

    fp32, fp16 = col("fp32_flops"), col("fp16_flops")
    tf32 = col("tf32_flops") if "tf32_flops" in ml.columns else np.full(len(ml), np.nan)
    tensor = (ml["fp16_kind"].astype("string") == "tensor").fillna(False).to_numpy(dtype=bool)
    # fastest floating-point rate at 16 bits or more (NaNs ignored; NaN if none is known)
    stacked = np.vstack([fp32, tf32, fp16])
    known = np.isfinite(stacked).any(axis=0)
    max16 = np.where(known, np.nanmax(np.where(np.isfinite(stacked), stacked, -np.inf),
                                      axis=0), np.nan)
    price = col("price_usd")
    ml_note = f"Epoch ML hardware ({len(ml)} chips, {int(dated.sum())} with a release date)"
    per_chip = {
        "ml_fp32_flops": (fp32, "peak FP32 FLOP/s per chip (ML hardware)",
                          "FP32 non-tensor rate"),
        "ml_tensor16_flops": (np.where(tensor, fp16, np.nan),
                              "peak tensor FP16/BF16 FLOP/s per chip (ML hardware)",
                              "tensor-core FP16/BF16 rate; chips without one left out"),
        "ml_fp16_flops": (fp16, "peak FP16 FLOP/s per chip, tensor or not (ML hardware)",
                          "tensor FP16/BF16 where the chip has it, else non-tensor FP16 "
                          "(some consumer GPUs run non-tensor FP16 at 1/64 of FP32)"),
        "ml_max16_flops": (max16, "peak FLOP/s at >=16-bit precision per chip (ML hardware)",
                           "fastest of FP32, TF32 and FP16/BF16 (tensor or not)"),
    }
    for name, (v, label, how) in per_chip.items():
        ok = dated & np.isfinite(v) & (v > 0)
        series[name] = (t[ok], v[ok], label, "FLOP/s", f"{ml_note}; {how}")
    for prec, v, what in (("fp32", fp32, "FP32"), ("max16", max16, ">=16-bit")):
        ok = dated & np.isfinite(v) & (v > 0) & np.isfinite(price) & (price > 0)
        if prec == "fp32":
            series["ml_fp32_flops_per_usd"] = (
                t[ok], v[ok] / price[ok],
                "peak FP32 FLOP/s per release-price dollar (nominal)", "FLOP/s per USD",
                f"{ml_note}; release price in nominal US dollars")
        if deflators is not None:
            years = np.floor(t[ok]).astype(int)
            d = deflators.reindex(years).to_numpy(dtype=float)
            cov = np.isfinite(d) & (d > 0)
            notes = (f"{ml_note}; {per_chip[f'ml_{prec}_flops'][2]}; release price in "
                     f"{base_year} US dollars (PPI PCU518210518210 annual means)")
            if (~cov).any():
                notes += f"; {int((~cov).sum())} chips outside the PPI's years left out"
            series[f"ml_{prec}_flops_per_usd_{base_year}"] = (
                t[ok][cov], v[ok][cov] / (price[ok][cov] / d[cov]),
                f"peak {what} FLOP/s per release-price dollar ({base_year} USD)",
                f"FLOP/s per {base_year} USD", notes)
    if trends is not None:
        for name, key, label, unit in (
            ("cpu_transistors", "transistors", "transistors per microprocessor (Rupp)",
             "thousand transistors"),
            ("cpu_specint", "specint", "single-thread SPECint of microprocessors (Rupp)",
             "SPECint x 1000"),
        ):
            g = trends[trends["series"].astype("string") == key]
            series[name] = (g["year"].to_numpy(dtype=float), g["value"].to_numpy(dtype=float),
                            label, unit, "Karl Rupp, microprocessor trend data")
    return series


def hardware_fits(*, chips: pd.DataFrame | None = None, trends: pd.DataFrame | None = None,
                  ppi: pd.DataFrame | None = None, start: Bound = None, end: Bound = None,
                  base_year: int = 2023, moore: bool = True, n_boot: int = 2000,
                  seed: int = 0, conf: float = 0.95, strict: bool | None = None,
                  catalog: Catalog | None = None) -> dict[str, TrendFit]:
    """Trends of hardware progress (see the module docstring for each series), fitted
    between ``start`` and ``end`` (all dates by default); ``moore=False`` leaves out the
    microprocessor series.

    ``chips``, ``trends`` (Rupp's series) and ``ppi`` (monthly PPI, columns ``date`` and
    ``ppi``) default to the catalog's tables (``catalog`` None: the default catalog;
    ``strict`` True/False: a catalog with that strictness)."""
    cat = None
    if chips is None or ppi is None or (trends is None and moore):
        cat = resolve_catalog(catalog, strict=strict)
    if chips is None:
        chips = cat.chips()
    if trends is None and moore:
        trends = cat.microprocessor_trends()
    deflators = cat.deflator(base_year) if ppi is None else _deflators_from_ppi(ppi, base_year)
    out = {}
    period = describe_period(start, end)
    for name, (t, v, label, unit, notes) in _progress_points(
            chips, trends if moore else None, deflators, base_year).items():
        keep = in_period(t, start, end)
        out[name] = fit_trend(t[keep], v[keep], name=name, label=label, unit=unit,
                              n_boot=n_boot, seed=seed, conf=conf,
                              notes=f"{notes}; {period}")
    return out


def hardware_trends(**kwargs: Any) -> pd.DataFrame:
    """:func:`hardware_fits` as a table (:func:`~computelimits.scaling.loglinear.fits_table`)."""
    return fits_table(hardware_fits(**kwargs))
