"""Computer Progress (Thompson et al.) hardware seed tables: GPUs, Intel CPUs, Cloud TPUs.

Source ``computer-progress``: ``gpu.csv``, ``cpu.csv`` and ``tpu.csv`` from
github.com/Computer-Progress/api (``app/database/seeders/``, commit 8c0a06d, 2021-08-18), the
processor tables the Computer Progress site used to compute the paper's "hardware burden"
(processors x peak rate x training time). Licence: GPL-3.0 (the repository's licence; the
figures themselves are vendor specifications). Attribution: ``SOURCES[SOURCE].attribution``
(carried in ``attrs["attribution"]``). The project's per-benchmark tables, withdrawn by their
owners, are not read here.

The files use CRLF line ends and UTF-8; the gpu/cpu headers contain ``Die size mmˆ2`` with
U+02C6 (MODIFIER LETTER CIRCUMFLEX ACCENT), matched as written.

Units and mapping to the hardware table:

* ``gpu.csv``: ``GFLOPS`` is peak FP32 GFLOP/s, so ``fp32_flops = GFLOPS * 1e9`` (FLOP/s);
  ``TDP`` in W; ``Manufacturer`` ("Nvidia", "AMD Radeon") is ``vendor`` as written; ``type``
  "GPU". ``Class`` (Desktop / Workstation / Datacenter) is not a hardware-table column.
* ``cpu.csv`` (Intel only): the full name ``CPU`` is the key; ``GFLOPS(FP32)`` (cores x GHz x
  FP32 operations per cycle) gives ``fp32_flops``; ``CPU Designer`` is ``vendor``; ``type``
  "CPU". ``Year`` is blank in 295 rows and ``GFLOPS(FP32)`` in 413.
* ``tpu.csv``: ``GFLOPS (FP32)`` is mislabelled. Its values (180,000 for v2, 420,000 for v3,
  1.15e7 / 1e8 for the v2 / v3 pods) are the **bfloat16** peaks of a 4-chip Cloud TPU device
  or of a whole pod (README section 5), not FP32 and not per chip. They go to ``fp16_flops``
  (the hardware table's FP16/BF16 column) times 1e9, and ``fp32_flops`` stays empty. The
  ``chip`` is the device or pod name as written ("Cloud TPU v3", "Cloud TPU v3 Pod"). v1 and
  v4 have no rate.
* ``Year`` / ``Release Year`` are years only: ``release_date`` is 1 July of that year
  (counted repair "year-only dates set to 1 July").

Repeated names (three in gpu.csv with different specifications, four in cpu.csv): the
Computer Progress seeder looked a name up by exact match and took the first row, so the first
row is kept and later ones dropped (counted as "repeated <kind> name: later row dropped").
For example the second "Tesla V100 SXM2 16 GB" row (16,350 GFLOPS, 250 GB/s) is dropped and
the first (15,670 GFLOPS) kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.fetch import locate
from computelimits.data.parse import Repairs, dates, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = [
    "FILES",
    "SOURCE",
    "load_hardware",
    "parse_cpu",
    "parse_gpu",
    "parse_tpu",
    "peak_gflops_lookup",
]

SOURCE = "computer-progress"
FILES = {"gpu": "gpu.csv", "cpu": "cpu.csv", "tpu": "tpu.csv"}

GIGA = 1e9
_DIE = "Die size mm\u02c62"


def _read(path: str | Path, label: str | None, required: tuple[str, ...]) -> pd.DataFrame:
    df = read_csv(path, label=label, required=required)
    # pandas deep-copies attrs on every operation: an array copies far faster than a list
    df.attrs["lines"] = np.asarray(df.attrs["lines"], dtype=np.int64)
    return df


def _first_of_each(df: pd.DataFrame, out: pd.DataFrame, names: pd.Series,
                   kind: str) -> pd.DataFrame:
    later = names.duplicated(keep="first").to_numpy()
    rep: Repairs = df.attrs["repairs"]
    rep.note(f"repeated {kind} name: later row dropped", int(later.sum()))
    out = out[~later].reset_index(drop=True)
    out.attrs = {"path": df.attrs.get("path"), "repairs": rep,
                 "attribution": [SOURCES[SOURCE].attribution]}
    return out


def parse_gpu(path: str | Path, *, source_file: str = "gpu.csv",
              label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``gpu.csv`` into hardware-table columns plus
    ``peak_gflops`` (GFLOP/s as written) and ``gpu_class``; first row per name."""
    df = _read(path, label, ("Manufacturer", "GPU", "Year", "GFLOPS", "TDP"))
    name = text(df, "GPU", required=True)
    gflops = numbers(df, "GFLOPS", positive=True)
    out = pd.DataFrame({
        "chip": name,
        "vendor": text(df, "Manufacturer"),
        "type": "GPU",
        "release_date": dates(df, "Year"),
        "fp32_flops": gflops * GIGA,
        "tdp_w": numbers(df, "TDP", positive=True),
        "peak_gflops": gflops,
        "gpu_class": text(df, "Class") if "Class" in df.columns else None,
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    return _first_of_each(df, out, name, "gpu")


def parse_cpu(path: str | Path, *, source_file: str = "cpu.csv",
              label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``cpu.csv`` (key ``CPU``) into hardware-table columns
    plus ``peak_gflops`` (GFLOP/s as written); first row per name."""
    df = _read(path, label, ("Year", "CPU Designer", "CPU", "TDP", "GFLOPS(FP32)"))
    name = text(df, "CPU", required=True)
    gflops = numbers(df, "GFLOPS(FP32)", positive=True)
    out = pd.DataFrame({
        "chip": name,
        "vendor": text(df, "CPU Designer"),
        "type": "CPU",
        "release_date": dates(df, "Year"),
        "fp32_flops": gflops * GIGA,
        "tdp_w": numbers(df, "TDP", positive=True),
        "peak_gflops": gflops,
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    return _first_of_each(df, out, name, "cpu")


def parse_tpu(path: str | Path, *, source_file: str = "tpu.csv",
              label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``tpu.csv``: the mislabelled ``GFLOPS (FP32)`` column
    (bfloat16 peak of a 4-chip device or a pod) goes to ``fp16_flops`` (FLOP/s), and
    ``peak_gflops`` keeps it in GFLOP/s as written."""
    df = _read(path, label, ("Release Year", "TPU", "GFLOPS (FP32)"))
    name = text(df, "TPU", required=True)
    gflops = numbers(df, "GFLOPS (FP32)", positive=True)
    out = pd.DataFrame({
        "chip": name,
        "vendor": "Google",
        "type": "TPU",
        "release_date": dates(df, "Release Year"),
        "fp16_flops": gflops * GIGA,
        "peak_gflops": gflops,
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    return _first_of_each(df, out, name, "tpu")


_PARSERS = {"gpu": parse_gpu, "cpu": parse_cpu, "tpu": parse_tpu}


def _tables(kinds: tuple[str, ...], strict: bool | None) -> list[pd.DataFrame]:
    out = []
    for kind in kinds:
        loc = locate(SOURCE, FILES[kind], strict=strict)
        out.append(_PARSERS[kind](loc.path, label=str(loc.path)))
    return out


def load_hardware(*, strict: bool | None = None) -> pd.DataFrame:
    """GPUs (500), Intel CPUs (1,219) and Cloud TPU devices/pods (6) as the hardware table,
    repeated names dropped (first kept). GPU and CPU peaks are FP32 in ``fp32_flops``
    (FLOP/s); TPU peaks are bfloat16 in ``fp16_flops`` (FLOP/s, per 4-chip device or pod).
    ``release_date`` is 1 July of the year given."""
    parts = _tables(("gpu", "cpu", "tpu"), strict)
    repairs = Repairs()
    for p in parts:
        repairs.update(p.attrs["repairs"])
    out = pd.concat([conform(p, "hardware") for p in parts], ignore_index=True)
    out.attrs = {"repairs": repairs, "attribution": [SOURCES[SOURCE].attribution]}
    return out


def peak_gflops_lookup(*, strict: bool | None = None) -> dict[str, float]:
    """Processor name -> peak GFLOP/s, as the Computer Progress seeder used it to compute
    hardware burden (GFLOP/s x count x seconds = GFLOP).

    Names are the ``GPU``, ``CPU`` and ``TPU`` cells exactly as written (no normalisation:
    the seeder matched exact names); for a repeated name the first row's value is used. A
    known name without a rate maps to NaN (the seeder counted it as 0). GPU and CPU values are
    FP32 peaks; TPU values are bfloat16 peaks of a 4-chip device or a pod (see the module
    docstring). The three tables share no name; a name in two tables would be an error.
    """
    out: dict[str, float] = {}
    for part in _tables(("gpu", "cpu", "tpu"), strict):
        for name, gflops, row, file in zip(part["chip"], part["peak_gflops"],
                                           part["source_row"], part["source_file"],
                                           strict=True):
            if name in out:
                raise InputError(f"processor name {name!r} is also in another table",
                                 path=f"{SOURCE}/{file}", row=int(row), column="name")
            out[str(name)] = float(gflops) if np.isfinite(gflops) else float("nan")
    return out
