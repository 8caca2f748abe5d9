"""Strict JSON for every machine-readable output: no NaN or Infinity tokens (which standard
parsers reject) — a missing or unbounded number is written as null."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["dumps", "json_safe"]


def json_safe(x: Any) -> Any:
    """``x`` with non-finite numbers as None, numpy scalars as Python numbers, timestamps as
    ISO strings and anything else unknown as its string."""
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_safe(v) for v in x]
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if x is None or isinstance(x, str):
        return x
    if x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, pd.Timestamp):
        return x.isoformat()
    return str(x)


def dumps(x: Any, *, indent: int | None = 2) -> str:
    """Strict JSON text of ``x`` (see :func:`json_safe`)."""
    return json.dumps(json_safe(x), indent=indent, allow_nan=False)
