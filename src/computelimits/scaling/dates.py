"""Dates as decimal years, and the periods that trends are fitted over.

A date becomes a decimal year (:func:`decimal_year`): the calendar year plus the elapsed
fraction of that year (2020-07-02 → 2020.5).

Period bounds (``start``, ``end``, type :data:`Bound`): an ``int`` is a calendar year,
inclusive at both ends (``end=2023`` keeps everything dated up to 2023-12-31); a ``float`` is a
decimal year and a ``str``/date/``Timestamp`` a day, both inclusive; ``None`` leaves that side
open.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError

__all__ = ["Bound", "decimal_year", "describe_period", "in_period", "period_bounds"]

#: A period bound: calendar year (int), decimal year (float), day (str, date, Timestamp) or
#: None (open).
Bound = int | float | str | _dt.date | pd.Timestamp | None


def decimal_year(dates: Any) -> np.ndarray:
    """Decimal years of ``dates`` (anything ``pd.to_datetime`` reads): the calendar year plus
    the elapsed fraction of that year (2020-07-02 → 2020.5). Missing dates give NaN."""
    d = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates, dtype=object))
                                 if not isinstance(dates, pd.Series) else dates))
    year = d.dt.year
    first, nxt = _new_year(year, 0), _new_year(year, 1)
    frac = (d - first) / (nxt - first)
    return (year + frac).to_numpy(dtype=float, na_value=np.nan)


def _new_year(year: pd.Series, offset: int) -> pd.Series:
    """1 January of ``year + offset`` (NaT where the year is missing), in the resolution
    ``pd.to_datetime`` gives a written date ("2020-01-01"), so that the arithmetic above is
    that of parsed dates — built from the numbers rather than by writing and parsing one
    string per row (which took most of the time)."""
    unit = _parsed_unit()
    y = year.to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(y)
    out = np.full(len(y), np.datetime64("NaT"), dtype=f"datetime64[{unit}]")
    out[ok] = ((y[ok].astype(np.int64) + offset - 1970).astype("datetime64[Y]")
               .astype(f"datetime64[{unit}]"))
    return pd.Series(out, index=year.index)


_UNIT: list[str] = []


def _parsed_unit() -> str:
    if not _UNIT:
        _UNIT.append(np.datetime_data(pd.to_datetime(pd.Series(["2000-01-01"])).dtype)[0])
    return _UNIT[0]


def period_bounds(start: Bound, end: Bound) -> tuple[float, float, bool]:
    """(lo, hi, hi_inclusive) in decimal years of the period [start, end] (see the module
    docstring). Raises :class:`ConfigError` for a bound that is not a year or a date and for
    an empty period."""
    def one(v: Bound, upper: bool) -> tuple[float, bool]:
        if v is None:
            return (math.inf if upper else -math.inf), True
        if isinstance(v, bool):
            raise ConfigError(f"period bound {v!r} is not a year or a date")
        if isinstance(v, int | np.integer):
            return (float(v) + 1.0, False) if upper else (float(v), True)
        if isinstance(v, float | np.floating):
            if not math.isfinite(v):
                raise ConfigError(f"period bound {v!r} is not finite")
            return float(v), True
        try:
            return float(decimal_year([pd.Timestamp(v)])[0]), True
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"period bound {v!r} is not a year or a date") from exc

    lo, _ = one(start, False)
    hi, inclusive = one(end, True)
    if lo >= hi:
        raise ConfigError(f"empty period: start {start!r} is not before end {end!r}")
    return lo, hi, inclusive


def in_period(t: np.ndarray, start: Bound, end: Bound) -> np.ndarray:
    """Boolean mask of the decimal years ``t`` that lie in the period [start, end]."""
    lo, hi, inclusive = period_bounds(start, end)
    return (t >= lo) & ((t <= hi) if inclusive else (t < hi))


def describe_period(start: Bound, end: Bound) -> str:
    """The period in words for notes: "all dates", "2012-2023", "2016-..."."""
    if start is None and end is None:
        return "all dates"
    return f"{start if start is not None else '...'}-{end if end is not None else '...'}"
