"""Argument checks of the Python API, with the ranges the command line states.

One error class per kind of mistake (:mod:`computelimits.errors`): an argument of the wrong
kind is an :class:`~computelimits.errors.ArgumentTypeError` (a ``TypeError``), a value of the
right kind outside its range a :class:`~computelimits.errors.ConfigError` (a ``ValueError``)
whose message gives the valid range, and a table without rows or without a column it needs
an :class:`~computelimits.errors.InputError` naming the column.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from computelimits.errors import ArgumentTypeError, ConfigError, InputError

__all__ = ["MAX_BOOT", "boot_count", "finite", "frame", "positive_array", "share",
           "whole"]

#: Most bootstrap resamples (the command line's ``--n-boot`` range ends there too).
MAX_BOOT = 10_000_000


def _number(value: Any, name: str) -> float:
    """``value`` as a float: a real number (not a bool, a string or an array)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{name} must be a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:  # an int beyond the largest float, 10**400
        raise ConfigError(f"{name} = {value:.3e} is beyond the largest number a float "
                          "holds (about 1.8e308)") from None


def finite(value: Any, name: str, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """A finite number within the range, else the error naming the range."""
    x = _number(value, name)
    lo = "" if low is None else f"{low:g} {'<' if low_open else '≤'} "
    hi = "" if high is None else f" {'<' if high_open else '≤'} {high:g}"
    rng = f"{lo}{name}{hi}" if lo or hi else "a finite number"
    if not math.isfinite(x):
        raise ConfigError(f"{name} must be a finite number ({rng}), got {value!r}")
    if ((low is not None and (x < low or (low_open and x == low)))
            or (high is not None and (x > high or (high_open and x == high)))):
        raise ConfigError(f"{name} must lie in {rng}, got {value!r}")
    return x


def share(value: Any, name: str) -> float:
    """A level, a share or an error rate strictly between 0 and 1."""
    return finite(value, name, low=0, high=1, low_open=True, high_open=True)


def whole(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number (an int, or a float without a fraction) within the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        n = int(value)
    else:
        x = float(value)
        if not math.isfinite(x) or not x.is_integer():
            raise ArgumentTypeError(f"{name} must be a whole number, got {value!r}")
        n = int(x)
    if (low is not None and n < low) or (high is not None and n > high):
        lo = "" if low is None else f"{low:,} ≤ "
        hi = "" if high is None else f" ≤ {high:,}"
        raise ConfigError(f"{name} must lie in {lo}{name}{hi}, got {value!r}")
    return n


def boot_count(n_boot: Any) -> int:
    """Bootstrap resamples: 0 (none) to :data:`MAX_BOOT`."""
    return whole(n_boot, "n_boot", low=0, high=MAX_BOOT)


def positive_array(values: Any, name: str, unit: str = "") -> np.ndarray:
    """One or many positive finite numbers (e.g. FLOP) as a float array."""
    if isinstance(values, (str, bytes, bool)) or values is None:
        raise ArgumentTypeError(f"{name} must be a number or an array of numbers, got "
                                f"{values!r}")
    try:
        arr = np.asarray(values, dtype=float)
    except OverflowError:
        raise ConfigError(f"{name} is beyond the largest number a float holds (about "
                          "1.8e308)") from None
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{name} must be a number or an array of numbers, got "
                                f"{values!r}") from None
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        first = arr.flat[int(np.flatnonzero(bad.ravel())[0])]
        raise ConfigError(f"{name} must be a positive finite number{' of ' + unit if unit else ''}"
                          f" (0 < {name} < 1.8e308), got {first!r}")
    return arr


def frame(data: Any, name: str, columns: Iterable[str] = (), *,
          rows: bool = True) -> pd.DataFrame:
    """``data`` if it is a DataFrame with ``columns`` (and, with ``rows``, at least one
    row); else the error saying what is missing."""
    if not isinstance(data, pd.DataFrame):
        raise ArgumentTypeError(f"{name} must be a pandas DataFrame, got "
                                f"{type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(f"missing column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(map(repr, missing))} (it needs "
                         f"{', '.join(columns)})", path=name)
    if rows and data.empty:
        raise InputError("has no rows", path=name)
    return data
