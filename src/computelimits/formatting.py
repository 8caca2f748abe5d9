"""How the package writes numbers — the report, the command line and the results'
summaries alike: one format per quantity, always with its unit.

* compute: ``10^27.1 FLOP`` (log10 to one decimal; :func:`flop` takes the log10);
* dollars: ``$4.4 billion`` (thousand, million, billion, trillion; beyond that ``$5.4×10^15``);
* CO2: ``0.94 Mt CO2e`` (kg, t, kt, Mt, Gt of CO2-equivalent; :func:`co2` takes kilograms);
* multiples: ``34×`` (beyond 10,000: ``10^5.2×``); shares: ``72%``; errors: ``13.6%``;
* slopes: ``−0.196`` (a real minus sign); orders of magnitude: ``0.28 orders of magnitude``;
* raw FLOP and rates: ``10^23.9 FLOP`` (:func:`flop_count` takes the count), ``989 TFLOP/s``;
* energy ``1.5 GWh``, water ``4.6 million L``, counts ``737,280`` or ``1.2 million``;
* a named quantity by its unit word: :func:`amount` (``amount(6.87e16, "FLOP per US
  dollar")``), and a plain parameter with up to four digits, never in e-notation:
  :func:`plain`.

Mantissas have two significant digits (three or more for 100–999, written whole), so a figure
is never more precise than the fits behind it. Missing numbers (None, NaN) are written
:data:`MISSING`, unbounded ones ``unbounded``. :func:`parse` reads any of these strings back
(dollars and compute in their base unit, CO2 in kg, shares as fractions), so tests can check
that a sentence says what the tables hold.

This module imports only the standard library (the command line formats with it and must
start fast); ``computelimits.report.formatting`` re-exports it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "MISSING",
    "amount",
    "as_number",
    "co2",
    "count",
    "energy",
    "error",
    "flop",
    "flop_count",
    "flop_rate",
    "for_column",
    "interval",
    "multiple",
    "number",
    "oom",
    "parse",
    "percent",
    "plain",
    "slope",
    "span",
    "usd",
    "water",
]

#: How a missing number is written.
MISSING = "—"
UNBOUNDED = "unbounded"
MINUS = "\u2212"

_USD_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_CO2_UNITS = ((1e12, "Gt"), (1e9, "Mt"), (1e6, "kt"), (1e3, "t"), (1.0, "kg"))


def as_number(x: Any) -> float | None:
    """``x`` as a float, None when missing (None, NaN, pd.NA or not a number): the rule every
    format here applies, for callers that read table cells the same way."""
    return _value(x)


def _value(x: Any) -> float | None:
    """``x`` as a float, None when missing."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _unbounded(v: float) -> str:
    """An infinite value in words: ``unbounded`` (``−unbounded`` below zero)."""
    return UNBOUNDED if v > 0 else MINUS + UNBOUNDED


def _mantissa(m: float) -> str:
    """A positive mantissa: 2 significant digits below 100 (``4.4``, ``0.94``, ``34``),
    whole above (``264``, ``1,200``)."""
    if m >= 99.5:
        return f"{m:,.0f}"
    if m >= 9.95:
        return f"{m:.0f}"
    if m >= 0.995:
        return f"{m:.1f}"
    return f"{m:.2g}"


def _rounded(m: float) -> float:
    return float(_mantissa(m).replace(",", ""))


def _scientific(a: float) -> str:
    """``5.4×10^33`` (two significant digits; ``a`` > 0)."""
    mantissa, exponent = f"{a:.1e}".split("e")
    return f"{mantissa}×10^{int(exponent)}"


def number(x: Any) -> str:
    """A plain number with two significant digits (``4.4``, ``0.031``, ``1,200``), a minus
    sign for negatives."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED if v > 0 else MINUS + UNBOUNDED
    a = abs(v)
    if a == 0:
        return "0"
    # 1.2×10^-7 rather than 0.00000012
    s = _scientific(a).replace("-", MINUS) if a < 1e-3 else _mantissa(a)
    return (MINUS + s) if v < 0 and s != "0" else s


def _scaled(v: float, units: tuple[tuple[float, str], ...]) -> tuple[str, str]:
    """(mantissa, unit) with the largest unit that leaves a mantissa of at least 1 after
    rounding (the smallest unit below that)."""
    for size, word in units:
        if v >= size or size == units[-1][0]:
            m = v / size
            text = _mantissa(m)
            if _rounded(m) >= 1000 and size != units[0][0]:
                # rounded up into the next unit: 999,600 thousand -> 1.0 million
                bigger = units[units.index((size, word)) - 1]
                return _mantissa(max(v / bigger[0], 1.0)), bigger[1]
            return text, word
    raise AssertionError("unreachable")


def usd(x: Any) -> str:
    """US dollars: ``$590``, ``$590 thousand``, ``$4.4 billion``, ``$5.4×10^15``."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    sign = MINUS if v < 0 else ""
    v = abs(v)
    if v >= 1e15:
        return f"{sign}${_scientific(v)}"
    if v < 1e3:
        return f"{sign}${_mantissa(v)}" if v else "$0"
    text, word = _scaled(v, _USD_WORDS)
    return f"{sign}${text} {word}"


def co2(kg: Any) -> str:
    """CO2-equivalent from kilograms: ``12 kg CO2e``, ``3.1 t CO2e``, ``0.94 Mt CO2e``,
    ``2.1×10^9 Gt CO2e`` beyond a thousand gigatonnes."""
    v = _value(kg)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v <= 0:
        return f"{number(v)} kg CO2e"
    if v >= 1e15:  # a thousand Gt and more: no digit-grouped mantissa of ten digits
        return f"{_scientific(v / 1e12)} Gt CO2e"
    text, unit = _scaled(v, _CO2_UNITS)
    return f"{text} {unit} CO2e"


def flop(log10: Any) -> str:
    """Compute from its log10: ``10^27.1 FLOP``."""
    v = _value(log10)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    s = f"{v:.1f}"
    return f"10^{s.replace('-', MINUS)} FLOP"


def multiple(x: Any) -> str:
    """A multiple: ``34×``; at or beyond 10,000 by its log10, ``10^5.2×``."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v >= 1e4 and _rounded(v) >= 1e4:
        return f"10^{math.log10(v):.1f}×"
    return f"{number(v)}×"


def percent(share: Any) -> str:
    """A share in [0, 1] as a whole percentage: ``72%``."""
    v = _value(share)
    if v is None:
        return MISSING
    if math.isinf(v):
        return _unbounded(v)
    return f"{v * 100:.0f}%".replace("-", MINUS)


def error(e: Any) -> str:
    """An error rate in [0, 1] as a percentage with three significant digits: ``13.6%``."""
    v = _value(e)
    if v is None:
        return MISSING
    if math.isinf(v):
        return _unbounded(v)
    if 0 < abs(v) < 1e-5:
        # 7.7×10^−8% rather than Python's e-notation (7.72e-08%)
        return (MINUS if v < 0 else "") + _scientific(abs(v) * 100).replace("-", MINUS) + "%"
    return f"{v * 100:.3g}%".replace("-", MINUS)


def slope(b: Any) -> str:
    """A regression slope to three decimals: ``−0.196``."""
    v = _value(b)
    if v is None:
        return MISSING
    if math.isinf(v):
        return _unbounded(v)
    return f"{v:.3f}".replace("-", MINUS)


def oom(x: Any) -> str:
    """Orders of magnitude: ``0.28 orders of magnitude``."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return f"{_unbounded(v)} orders of magnitude"
    return f"{v:.2f} orders of magnitude".replace("-", MINUS)


def flop_count(x: Any) -> str:
    """Compute from the FLOP count itself: ``flop_count(9.2e23)`` is ``10^24.0 FLOP``."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v <= 0:
        return f"{number(v)} FLOP"
    return flop(math.log10(v))


_SI = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""))


def flop_rate(x: Any) -> str:
    """FLOP per second with an SI prefix: ``989 TFLOP/s``, ``14 TFLOP/s``, ``1.2 EFLOP/s``."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v <= 0:
        return f"{number(v)} FLOP/s"
    if v >= 1e21:
        return f"{_scientific(v)} FLOP/s"
    text, prefix = _scaled(v, _SI)
    return f"{text} {prefix}FLOP/s"


_ENERGY = ((1e9, "TWh"), (1e6, "GWh"), (1e3, "MWh"), (1.0, "kWh"))


def energy(kwh: Any) -> str:
    """Energy from kilowatt-hours: ``520 kWh``, ``1.5 GWh``."""
    v = _value(kwh)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v <= 0:
        return f"{number(v)} kWh"
    if v >= 1e15:
        return f"{_scientific(v)} kWh"
    text, unit = _scaled(v, _ENERGY)
    return f"{text} {unit}"


def count(x: Any) -> str:
    """A count (chips, hours, chip-hours, results): whole below a million (``737,280``),
    in words above (``1.2 million``, ``3.4 billion``), ``5.4×10^15`` beyond."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    a = abs(v)
    sign = MINUS if v < 0 else ""
    if a < 1e6:
        return sign + (f"{a:,.0f}" if a >= 10 or float(a).is_integer() else _mantissa(a))
    if a >= 1e15:
        return sign + _scientific(a)
    text, word = _scaled(a, _USD_WORDS)
    return f"{sign}{text} {word}"


def water(litres: Any) -> str:
    """Water from litres: ``520 L``, ``517 thousand L``, ``4.6 million L``."""
    v = _value(litres)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v < 1e3:
        return f"{number(v)} L"
    if v >= 1e15:
        return f"{_scientific(v)} L"
    text, word = _scaled(v, _USD_WORDS)
    return f"{text} {word} L"


def plain(x: Any, digits: int = 4) -> str:
    """A parameter as written by a person: up to ``digits`` significant digits, no
    e-notation (``0.35``, ``1.82``, ``3.142``, ``8,766``); a million and more in words
    (``2.5 million``), beyond 10^15 as ``6.9×10^16``; below 0.001 as ``1.7×10^−19``."""
    v = _value(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED if v > 0 else MINUS + UNBOUNDED
    a = abs(v)
    sign = MINUS if v < 0 else ""
    if a == 0:
        return "0"
    if a < 1e-3:
        return sign + _scientific(a).replace("-", MINUS)
    if a >= 1e6:
        return sign + count(a)
    decimals = max(0, digits - 1 - math.floor(math.log10(a)))
    text = f"{a:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return sign + text


def amount(value: Any, unit: str = "") -> str:
    """``value`` with its unit word, in the format of that unit: FLOP (``10^16.8 FLOP per US
    dollar``), FLOP/s (``989 TFLOP/s``), US dollars (``$4.4``), kg of CO2 (``462 kg CO2e``),
    kWh, litres; any other unit after :func:`plain` (``0.35 fraction of peak FLOP/s``)."""
    u = (unit or "").strip()
    v = _value(value)
    if v is None:
        return f"{MISSING} {u}".rstrip()
    if u == "FLOP/s" or u.startswith("FLOP/s "):
        return flop_rate(v) + u[len("FLOP/s"):]
    if (u == "FLOP" or u.startswith("FLOP ")) and abs(v) >= 1e4:
        return flop_count(v) + u[len("FLOP"):]
    if u in ("USD", "US dollars", "$"):
        return usd(v)
    if u.startswith("USD ") and abs(v) >= 1e-3:
        return f"{usd(v)} {u[4:]}"
    if u in ("kg CO2e", "kg CO2", "kg"):
        return co2(v) if u != "kg" else f"{plain(v)} kg"
    if u == "kWh":
        return energy(v)
    if u == "L":
        return water(v)
    return f"{plain(v)} {u}".rstrip()


def span(low: Any, high: Any, fmt: Callable[[Any], str]) -> str:
    """``low–high`` in ``fmt``'s format with the unit words both ends share written once
    (``$1.5–$9.1 million``, ``4.5–11 t CO2e``, ``10^23.9–10^24.0 FLOP``, ``$37 thousand–$196
    million``); :data:`MISSING` if either end is."""
    if _value(low) is None or _value(high) is None:
        return MISSING
    a, b = fmt(low).split(" "), fmt(high).split(" ")
    shared = 0
    while shared < min(len(a), len(b)) - 1 and a[-1 - shared] == b[-1 - shared]:
        shared += 1
    return f"{' '.join(a[:len(a) - shared])}–{' '.join(b)}"


def interval(low: Any, high: Any, fmt: Callable[[Any], str]) -> str:
    """``[low, high]`` with both ends in ``fmt``'s format; :data:`MISSING` if either is."""
    if _value(low) is None or _value(high) is None:
        return MISSING
    return f"[{fmt(low)}, {fmt(high)}]"


def bounds(low: Any, high: Any, digits: int = 2) -> str:
    """``[low, high]`` in :func:`plain` with ``digits``; "not bounded" where an end is
    infinite (e.g. Fieller's interval of a ratio whose denominator is not bounded away from
    zero); :data:`MISSING` if either end is missing."""
    lo, hi = _value(low), _value(high)
    if lo is None or hi is None:
        return MISSING
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "not bounded"
    return f"[{plain(lo, digits)}, {plain(hi, digits)}]"


def _decimals2(x: Any) -> str:
    v = _value(x)
    return MISSING if v is None else f"{v:.2f}".replace("-", MINUS)


def for_column(name: str) -> Callable[[Any], str] | None:
    """The format of a table column, from the unit its name carries (``log10_compute*``:
    compute, ``*usd*``: dollars, ``*co2_kg*``: CO2, ``*coverage*`` and ``share*``: percent,
    ``*_error``: error, ``*_multiple*``: multiple, ``slope*``: slope, ``*_oom``: two
    decimals); None for columns without one."""
    words = name.split("_")
    if name.startswith("log10_compute"):
        return flop
    if "usd" in words:
        return usd
    if "co2_kg" in name:
        return co2
    if "coverage" in words or words[0] == "share":
        return percent
    if name == "error" or name.endswith("_error"):
        return error
    if "multiple" in words:
        return multiple
    if words[0] == "slope":
        return slope
    if words[-1] == "oom" or name.endswith(("_oom_ci_low", "_oom_ci_high")):
        return _decimals2
    return None


_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "kg": 1.0, "t": 1e3, "kt": 1e6, "Mt": 1e9, "Gt": 1e12}
_PARSE = re.compile(
    r"^(?P<sign>-)?(?P<dollar>\$)?(?P<m>\d[\d,]*(?:\.\d+)?)?"
    r"(?:(?P<times>×)?10\^(?P<exp>-?\d+(?:\.\d+)?))?"
    r"(?P<mult>×)?(?P<pct>%)?(?:\s+(?P<unit>thousand|million|billion|trillion|kg|t|kt|Mt|Gt)"
    r"(?:\s+CO2e)?)?(?:\s+(?:FLOP|orders of magnitude))?$")


def parse(text: str) -> float:
    """The number a string of this module stands for (dollars, FLOP, kg of CO2, fractions
    for percentages, the multiple for ``34×``). Raises ValueError for anything else."""
    s = text.strip().replace(MINUS, "-")
    m = _PARSE.match(s)
    if m is None or (m["m"] is None and m["exp"] is None):
        raise ValueError(f"not a number of computelimits.report.formatting: {text!r}")
    v = float(m["m"].replace(",", "")) if m["m"] else 1.0
    if m["exp"] is not None:
        if m["m"] and not m["times"]:
            raise ValueError(f"not a number of computelimits.report.formatting: {text!r}")
        v *= 10 ** float(m["exp"])
    if m["unit"]:
        v *= _SCALE[m["unit"]]
    if m["pct"]:
        v /= 100
    return -v if m["sign"] else v
