"""Processor names of users' Computer-Progress-layout files matched to peak rates.

Papers and leaderboards write one processor many ways ("Tesla V100", "V100-SXM2-16GB",
"NVIDIA V100"; "TPUv3", "TPU v3", "Cloud TPU v3"); the Computer Progress hardware tables spell
each one way ("Tesla V100 SXM2 16 GB", "Cloud TPU v3"). A name is matched, in this order:

1. **exactly** as written, in the hardware mapping (the Computer Progress tables);
2. by its **key** (:func:`processor_key`: case, blanks, hyphens, underscores, slashes and
   brackets ignored; the vendor and family words in :data:`VENDOR_WORDS` dropped, e.g.
   NVIDIA, Tesla, GeForce, Google, Cloud; memory sizes such as "16 GB" dropped), in the
   mapping: "Tesla K80" = "K80" = "NVIDIA Tesla K80";
3. by its **family** (:func:`family_key`: the key without form-factor words such as SXM2,
   PCIe, DGXS, FHHL), in the mapping: "Tesla V100" is the family of five V100 variants;
4. by an explicit **alias** (:data:`ALIASES`) for names the keys cannot tell apart (the
   Maxwell "GTX Titan X" of 2015 and the Pascal "Titan X" of 2016);
5. steps 2–4 in **Epoch AI's chip table** (``chip_dataset.csv``), for processors the
   Computer Progress tables do not have (A100 40 GB, H100, TPU v4 …), at the chip's FP32
   peak where Epoch gives one, else its 16-bit peak (bf16 for TPUs, fp16 otherwise).

Where a name matches several variants with different peaks, the row's own ``hw_gflops``
chooses the variant whose count × rate it equals (within :data:`RATE_TOLERANCE`); else the
variant :data:`DEFAULT_VARIANTS` names (the most common in papers: the SXM2 cards of the
DGX-1 for V100 and P100, the 2015 Maxwell card for "Titan X"); else the name is ambiguous.
Variants with one peak are interchangeable (the first is named). Every match other than an
exact one is printed with the variant chosen, its rate and precision (a counted notice),
never silently. A name that matches nothing leaves the row to its own ``hw_gflops`` (the
loader's fallback).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from computelimits.data.loaders.computer_progress import Peak

__all__ = ["ALIASES", "DEFAULT_VARIANTS", "FORM_FACTOR_WORDS", "NOT_FOUND", "RATE_TOLERANCE",
           "UNRATED", "VENDOR_WORDS", "Match", "Processors", "family_key", "processor_key"]

#: Words dropped from a processor name before it is compared: vendors and product lines that
#: papers add or leave out ("NVIDIA Tesla V100" = "V100"; "Google Cloud TPU v3" = "TPU v3").
VENDOR_WORDS = frozenset({"nvidia", "tesla", "geforce", "google", "cloud", "amd", "intel"})
#: Words that name a form factor of one chip (same die, different board or power): dropped
#: for the family key.
FORM_FACTOR_WORDS = frozenset({"sxm", "sxm2", "sxm3", "sxm4", "sxm5", "pcie", "pcle", "pci",
                               "dgxs", "fhhl", "nvlink", "mezzanine", "hgx"})
#: Relative difference within which a row's hw_gflops / count equals a variant's rate.
RATE_TOLERANCE = 0.03

#: Family key → the variant used where a name names only the family and the row's hw_gflops
#: does not decide (names as in the Computer Progress tables).
DEFAULT_VARIANTS: dict[str, str] = {
    "v100": "Tesla V100 SXM2 16 GB",   # the DGX-1 card most papers of 2017-2019 used
    "p100": "Tesla P100 SXM2",         # the DGX-1 card (e.g. NASNet's "500 P100s")
    "titanx": "GeForce GTX Titan X",   # "Titan X" without "Pascal"/"Xp": the 2015 Maxwell card
    "a100": "A100 SXM4",               # all A100 variants share the FP32 peak
}

#: Key → names it may mean, where the keys alone would pick one of them or none. Each alias is
#: documented here and tested.
ALIASES: dict[str, tuple[str, ...]] = {
    # "Titan X" is both the 2015 Maxwell card (GeForce GTX Titan X) and the 2016 Pascal one
    # (GeForce Titan X); the key of the latter alone would hide the choice
    "titanx": ("GeForce GTX Titan X", "GeForce Titan X"),
    "titanxmaxwell": ("GeForce GTX Titan X",),
    "gtxtitanxmaxwell": ("GeForce GTX Titan X",),
    "titanxpascal": ("GeForce Titan X",),
    "titanxpascalp": ("GeForce Titan X",),
    "1080ti": ("GeForce GTX 1080 Ti",),
    "1080": ("GeForce GTX 1080",),
    "titanv": ("GeForce Titan V",),
}

#: Why :meth:`Processors.match` found no rate: the name is in no table, or it is in the
#: mapping without a rate.
NOT_FOUND = "not found"
UNRATED = "in the hardware mapping without a rate"

_SPLIT = re.compile(r"[\s\-_/(),.+]+")
_MEMORY = re.compile(r"(?<![a-z0-9])\d+(\.\d+)?\s*(gb|gib)(?![a-z0-9])")
_TPU_VERSION = re.compile(r"tpu(?=v\d)")


def _tokens(name: str) -> list[str]:
    low = _MEMORY.sub(" ", str(name).casefold())
    low = _TPU_VERSION.sub("tpu ", low)
    return [t for t in _SPLIT.split(low) if t and t not in VENDOR_WORDS]


def processor_key(name: str) -> str:
    """The key of a processor name: case, blanks, hyphens, underscores, slashes and brackets
    ignored, the words of :data:`VENDOR_WORDS` and memory sizes dropped.

    >>> processor_key("NVIDIA Tesla V100-SXM2-16GB"), processor_key("Cloud TPU v3")
    ('v100sxm2', 'tpuv3')
    """
    return "".join(_tokens(name))


def family_key(name: str) -> str:
    """:func:`processor_key` without the form-factor words (:data:`FORM_FACTOR_WORDS`).

    >>> family_key("Tesla V100 PCIe 32 GB")
    'v100'
    """
    return "".join(t for t in _tokens(name) if t not in FORM_FACTOR_WORDS)


@dataclass(frozen=True)
class Match:
    """A processor name matched to a rate: ``name`` as the table writes it, its ``peak``,
    the ``table`` it comes from, ``how`` it was found ("exact", "key", "family", "alias")
    and, for anything but an exact match, the ``notice`` to print."""

    name: str
    peak: Peak
    table: str
    how: str
    notice: str | None = None


def _fmt(x: float) -> str:
    return f"{x:,.6g}"


class _Index:
    """Names of one table by key and family key (in table order)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_key: dict[str, list[str]] = {}
        self.by_family: dict[str, list[str]] = {}
        self.names: set[str] = set()
        for nm in names:
            self.names.add(nm)
            self.by_key.setdefault(processor_key(nm), []).append(nm)
            self.by_family.setdefault(family_key(nm), []).append(nm)

    def candidates(self, name: str) -> tuple[list[str], str, str]:
        """(names, how, family) for ``name`` by key, alias, then family."""
        key, fam = processor_key(name), family_key(name)
        if key in ALIASES:
            found = [n for n in ALIASES[key] if n in self.names]
            if found:
                return found, "alias", key
        if key in self.by_key:
            return self.by_key[key], "key", fam
        if fam in ALIASES:
            found = [n for n in ALIASES[fam] if n in self.names]
            if found:
                return found, "alias", fam
        if fam and fam in self.by_family:
            return self.by_family[fam], "family", fam
        return [], "", fam


class Processors:
    """Peak rates by processor name: the hardware mapping (name → :class:`Peak`, the
    Computer Progress tables) and, optionally, Epoch AI's chip table (a frame with ``chip``,
    ``type``, ``vendor``, ``fp32_flops`` and ``fp16_flops``), matched as the module
    docstring says."""

    def __init__(self, mapping: Mapping[str, Peak],
                 chips: pd.DataFrame | None = None) -> None:
        self.mapping = {k: v for k, v in mapping.items() if not math.isnan(v.gflops)}
        #: names the mapping knows without a rate (Cloud TPU v1 and v4)
        self.unrated = {k for k, v in mapping.items() if math.isnan(v.gflops)}
        self._mapping_index = _Index(self.mapping)
        self.epoch: dict[str, Peak] = {}
        if chips is not None and len(chips):
            for chip, kind, vendor, fp32, fp16 in zip(
                    chips["chip"], chips.get("type", pd.Series(index=chips.index)),
                    chips.get("vendor", pd.Series(index=chips.index)),
                    chips.get("fp32_flops", pd.Series(index=chips.index)),
                    chips.get("fp16_flops", pd.Series(index=chips.index)), strict=True):
                if not isinstance(chip, str) or chip in self.epoch:
                    continue
                if pd.notna(fp32) and fp32 > 0:
                    self.epoch[chip] = Peak(float(fp32) / 1e9, "fp32", 1)
                elif pd.notna(fp16) and fp16 > 0:
                    tpu = (str(kind) == "TPU" or str(vendor) == "Google"
                           or "tpu" in chip.casefold())
                    self.epoch[chip] = Peak(float(fp16) / 1e9, "bf16" if tpu else "fp16", 1)
        self._epoch_index = _Index(self.epoch)
        self._cache: dict[tuple[str, float | None], Match | str] = {}

    def match(self, name: str, per_unit_gflops: float | None = None) -> Match | str:
        """The rate of ``name``: a :class:`Match`, or a string saying why there is none
        ("not found" or the ambiguity). ``per_unit_gflops``: the row's hw_gflops / count,
        which chooses among variants of different peaks."""
        if per_unit_gflops is not None and not math.isfinite(per_unit_gflops):
            per_unit_gflops = None
        key = (name, per_unit_gflops)
        if key not in self._cache:
            self._cache[key] = self._match(name, per_unit_gflops)
        return self._cache[key]

    def _match(self, name: str, per_unit: float | None) -> Match | str:
        if name in self.mapping:
            return Match(name, self.mapping[name], "mapping", "exact")
        why = None
        tables = [("epoch", self.epoch, self._epoch_index, "Epoch AI's chip table")]
        if name in self.unrated:  # known without a rate: only Epoch's table may have one
            why = UNRATED
        else:
            tables.insert(0, ("mapping", self.mapping, self._mapping_index,
                              "the Computer Progress tables"))
        for table, peaks, index, label in tables:
            names, how, fam = index.candidates(name)
            if not names:
                continue
            chosen, reason = _choose(names, peaks, fam, per_unit)
            if chosen is None:
                why = why or reason
                continue
            peak = peaks[chosen]
            rate = (f"{_fmt(peak.gflops)} GFLOP/s per {peak.chips}-chip unit, {peak.precision}"
                    if peak.chips > 1 else f"{_fmt(peak.gflops)} GFLOP/s, {peak.precision}")
            notice = (f"processor {name!r} read as {chosen!r} ({label}, {rate}"
                      + (f"; {reason}" if reason else "") + ")")
            return Match(chosen, peak, table, how, notice)
        return why or NOT_FOUND


def _choose(names: list[str], peaks: Mapping[str, Peak], fam: str,
            per_unit: float | None) -> tuple[str | None, str | None]:
    """(the variant, why it was chosen) among ``names``; (None, why not) when ambiguous."""
    if len(names) == 1:
        return names[0], None
    rates = {nm: peaks[nm].gflops for nm in names}
    lo, hi = min(rates.values()), max(rates.values())
    if hi <= lo * (1 + 1e-9):
        return names[0], f"{len(names)} variants share this peak"
    span = f"{len(names)} variants at {_fmt(lo)}–{_fmt(hi)} GFLOP/s"
    if per_unit is not None:
        fits = [nm for nm, r in rates.items() if abs(per_unit - r) <= RATE_TOLERANCE * r]
        if fits:
            return fits[0], f"{span}; the one the row's hw_gflops gives"
    default = DEFAULT_VARIANTS.get(fam)
    if default in rates:
        return default, f"{span}; the default variant"
    return None, (f"processor name matches {span} ({', '.join(map(repr, names[:5]))}"
                  + (", …" if len(names) > 5 else "") + "); name the variant")
