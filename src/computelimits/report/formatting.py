"""How the report writes numbers: one format per quantity, always with its unit.

* compute: ``10^27.1 FLOP`` (log10 to one decimal; :func:`flop` takes the log10);
* dollars: ``$4.4 billion`` (thousand, million, billion, trillion; beyond that ``$5.4×10^15``);
* CO2: ``0.94 Mt CO2e`` (kg, t, kt, Mt, Gt of CO2-equivalent; :func:`co2` takes kilograms);
* multiples: ``34×`` (beyond 10,000: ``10^5.2×``); shares: ``72%``; errors: ``13.6%``;
* slopes: ``−0.196`` (a real minus sign); orders of magnitude: ``0.28 orders of magnitude``.

Mantissas have two significant digits (three or more for 100–999, written whole), so a figure
is never more precise than the fits behind it. Missing numbers (None, NaN) are written
:data:`MISSING`, unbounded ones ``unbounded``. :func:`parse` reads any of these strings back
(dollars and compute in their base unit, CO2 in kg, shares as fractions), so tests can check
that a sentence says what the tables hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

__all__ = ["MISSING", "co2", "error", "flop", "for_column", "interval", "multiple", "number",
           "oom", "parse", "percent", "slope", "usd"]

#: How a missing number is written.
MISSING = "—"
UNBOUNDED = "unbounded"
MINUS = "\u2212"

_USD_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_CO2_UNITS = ((1e12, "Gt"), (1e9, "Mt"), (1e6, "kt"), (1e3, "t"), (1.0, "kg"))


def _value(x: Any) -> float | None:
    """``x`` as a float, None when missing."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


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
    """CO2-equivalent from kilograms: ``12 kg CO2e``, ``3.1 t CO2e``, ``0.94 Mt CO2e``."""
    v = _value(kg)
    if v is None:
        return MISSING
    if math.isinf(v):
        return UNBOUNDED
    if v <= 0:
        return f"{number(v)} kg CO2e"
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
    return f"{v * 100:.0f}%".replace("-", MINUS)


def error(e: Any) -> str:
    """An error rate in [0, 1] as a percentage with three significant digits: ``13.6%``."""
    v = _value(e)
    if v is None:
        return MISSING
    return f"{v * 100:.3g}%".replace("-", MINUS)


def slope(b: Any) -> str:
    """A regression slope to three decimals: ``−0.196``."""
    v = _value(b)
    if v is None:
        return MISSING
    return f"{v:.3f}".replace("-", MINUS)


def oom(x: Any) -> str:
    """Orders of magnitude: ``0.28 orders of magnitude``."""
    v = _value(x)
    if v is None:
        return MISSING
    return f"{v:.2f} orders of magnitude".replace("-", MINUS)


def interval(low: Any, high: Any, fmt: Callable[[Any], str]) -> str:
    """``[low, high]`` with both ends in ``fmt``'s format; :data:`MISSING` if either is."""
    if _value(low) is None or _value(high) is None:
        return MISSING
    return f"[{fmt(low)}, {fmt(high)}]"


def _decimals2(x: Any) -> str:
    v = _value(x)
    return MISSING if v is None else f"{v:.2f}".replace("-", MINUS)


def for_column(name: str) -> Callable[[Any], str] | None:
    """The format of a table column, from the unit its name carries (``log10_flop*``:
    compute, ``*usd*``: dollars, ``*co2_kg*``: CO2, ``*coverage*`` and ``share*``: percent,
    ``*_error``: error, ``*_multiple*``: multiple, ``slope*``: slope, ``*_oom``: two
    decimals); None for columns without one."""
    words = name.split("_")
    if name.startswith(("log10_flop", "log10_compute")):
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
