"""Machine-readable output is strict JSON: missing or unbounded numbers become null."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from computelimits._json import dumps


def _strict(text: str):
    def refuse(token):
        raise ValueError(token)

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_become_null_and_the_rest_survives():
    obj = {"a": math.nan, "b": [math.inf, np.float64(-np.inf), np.float32(1.5)],
           "c": pd.Timestamp("2024-01-02"), "d": np.int64(3), "e": np.bool_(True),
           "f": pd.NA, 7: None}
    out = _strict(dumps(obj))
    assert out == {"a": None, "b": [None, None, 1.5], "c": "2024-01-02T00:00:00", "d": 3,
                   "e": True, "f": None, "7": None}


@given(st.recursive(st.none() | st.floats() | st.integers() | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text(max_size=3), kids, max_size=4), max_leaves=20))
def test_anything_dumps_to_strict_json(obj):
    _strict(dumps(obj))
