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

Peak rates for hardware burden (:func:`peak_table`): processor name → :class:`Peak`, the rate
per unit *as written* with its precision and the number of chips in one unit. GPU and CPU
rows are one chip at an FP32 peak; a tpu.csv row is a bfloat16 peak of a whole Cloud TPU
device (4 chips) or pod (256 chips for v2, 1024 for v3), see :data:`TPU_CHIPS_PER_UNIT` and
the sources cited there. ``Peak.per_chip_gflops`` divides the unit's rate by its chips, which
is what a chip count (the papers count chips: BERT "64 TPU chips") must be multiplied by.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.fetch import locate
from computelimits.data.parse import Repairs, dates, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import ConfigError, InputError

__all__ = [
    "FILES",
    "SOURCE",
    "TPU_CHIPS_PER_UNIT",
    "Peak",
    "load_hardware",
    "parse_cpu",
    "parse_gpu",
    "parse_tpu",
    "peak_gflops_lookup",
    "peak_table",
]

SOURCE = "computer-progress"
FILES = {"gpu": "gpu.csv", "cpu": "cpu.csv", "tpu": "tpu.csv"}

GIGA = 1e9
_DIE = "Die size mm\u02c62"

#: Chips in one unit of the tpu.csv rows that carry a rate (the rate is the whole unit's
#: bfloat16 peak). Sources:
#:
#: * Google Cloud TPU documentation, "TPU v2" and "TPU v3" system-architecture pages
#:   (cloud.google.com/tpu/docs/v2, /v3): "A TPU v2 Pod is composed of up to 256 chips (512
#:   TensorCores)"; "Each v3 TPU chip contains two TensorCores", "TPU Pod size: 1024 chips";
#:   a single Cloud TPU device is accelerator type v2-8 / v3-8, i.e. 8 TensorCores = 4 chips
#:   of 2 TensorCores each.
#: * Jouppi et al. 2020, "A domain-specific supercomputer for training deep neural networks",
#:   Commun. ACM 63(7):67-78, doi:10.1145/3360307 (the paper those pages cite): TPUv2
#:   supercomputer of 256 chips, TPUv3 of 1024 chips.
#: * Kumar et al. 2019, "Scale MLPerf-0.6 models on Google TPU-v3 Pods", arXiv:1909.09756:
#:   training "scale[d] to 1024 TPU chips" on a TPU-v3 Pod.
#:
#: Cross-check with the rates in tpu.csv: 180,000 / 4 = 45,000 GFLOP/s per v2 chip and
#: 1.15e7 / 256 = 44,900 per v2-pod chip (a TPUv2 chip is quoted at about 45 TFLOPS);
#: 420,000 / 4 = 105,000 per v3 chip and 1e8 / 1024 = 97,700 per v3-pod chip (Google's v3
#: page now states 123 TFLOPS bf16 per chip; the table's 2018 marketing figures are kept as
#: written). v1 and v4 have no rate in tpu.csv, so their chip count is never used and is
#: not listed.
TPU_CHIPS_PER_UNIT: dict[str, int] = {
    "Cloud TPU v2": 4,
    "Cloud TPU v2 Pod": 256,
    "Cloud TPU v3": 4,
    "Cloud TPU v3 Pod": 1024,
}


@dataclass(frozen=True)
class Peak:
    """Peak rate of one processor unit, for hardware burden.

    Attributes:
        gflops: peak GFLOP/s of one unit as the table writes it (NaN: a known processor
            without a rate).
        precision: the precision of that peak: "fp32" (GPU/CPU tables), "bf16" (Cloud TPU),
            "tf32", "fp16", ...
        chips: chips in one unit: 1 for a GPU or CPU; 4 for a Cloud TPU v2/v3 device; 256 /
            1024 for a TPU v2 / v3 Pod (:data:`TPU_CHIPS_PER_UNIT`).
    """

    gflops: float
    precision: str = "fp32"
    chips: int = 1

    def __post_init__(self) -> None:
        g = self.gflops
        if isinstance(g, bool) or not isinstance(g, (int, float, np.floating, np.integer)):
            raise ConfigError(f"Peak.gflops = {g!r} is not a number (peak GFLOP/s per unit)")
        if not (math.isnan(g) or (math.isfinite(g) and g > 0)):
            raise ConfigError(f"Peak.gflops = {g!r} must be a positive peak rate in GFLOP/s "
                              "(or NaN for a processor without a rate)")
        if not isinstance(self.precision, str) or not self.precision.strip():
            raise ConfigError(f"Peak.precision = {self.precision!r} must name a precision "
                              "(fp32, bf16, ...)")
        c = self.chips
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 1:
            raise ConfigError(f"Peak.chips = {c!r} must be a whole number of chips >= 1")

    @property
    def per_chip_gflops(self) -> float:
        """Peak GFLOP/s of one chip: ``gflops / chips``."""
        return float(self.gflops) / int(self.chips)


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


def peak_table(*, strict: bool | None = None) -> dict[str, Peak]:
    """Processor name -> :class:`Peak` (rate per unit as written, its precision, chips per
    unit) from gpu.csv, cpu.csv and tpu.csv.

    Names are the ``GPU``, ``CPU`` and ``TPU`` cells exactly as written; for a repeated name
    the first row is used. GPU and CPU rows are ``Peak(GFLOPS, "fp32", 1)``; a TPU row is
    ``Peak(rate, "bf16", TPU_CHIPS_PER_UNIT[name])`` (the mislabelled ``GFLOPS (FP32)``
    column holds the bfloat16 peak of a whole device or pod). A known name without a rate
    has ``gflops`` NaN. A rated TPU name missing from :data:`TPU_CHIPS_PER_UNIT`, or a name in
    two tables, is an :class:`~computelimits.errors.InputError`.
    """
    out: dict[str, Peak] = {}
    for part in _tables(("gpu", "cpu", "tpu"), strict):
        for name, gflops, row, file, kind in zip(part["chip"], part["peak_gflops"],
                                                 part["source_row"], part["source_file"],
                                                 part["type"], strict=True):
            name = str(name)
            if name in out:
                raise InputError(f"processor name {name!r} is also in another table",
                                 path=f"{SOURCE}/{file}", row=int(row), column="name")
            rate = float(gflops) if np.isfinite(gflops) else float("nan")
            if kind == "TPU":
                chips = TPU_CHIPS_PER_UNIT.get(name)
                if chips is None:
                    if not math.isnan(rate):
                        raise InputError(f"TPU {name!r} has a rate but its number of chips "
                                         "per unit is not known (TPU_CHIPS_PER_UNIT)",
                                         path=f"{SOURCE}/{file}", row=int(row), column="TPU")
                    chips = 1  # no rate: never used
                out[name] = Peak(rate, "bf16", chips)
            else:
                out[name] = Peak(rate, "fp32", 1)
    return out


def peak_gflops_lookup(*, strict: bool | None = None) -> dict[str, float]:
    """Processor name -> peak GFLOP/s, as the Computer Progress seeder used it to compute
    hardware burden (GFLOP/s x count x seconds = GFLOP).

    Names are the ``GPU``, ``CPU`` and ``TPU`` cells exactly as written (no normalisation:
    the seeder matched exact names); for a repeated name the first row's value is used. A
    known name without a rate maps to NaN (the seeder counted it as 0). GPU and CPU values are
    FP32 peaks; TPU values are bfloat16 peaks of a 4-chip device or a pod (see the module
    docstring). The three tables share no name; a name in two tables would be an error.
    :func:`peak_table` gives the same rates with their precision and chips per unit.
    """
    return {name: peak.gflops for name, peak in peak_table(strict=strict).items()}
