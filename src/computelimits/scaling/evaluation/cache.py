"""A cache of the rolling evaluation (:func:`.runs.evaluate`), so that an unchanged rerun of
``computelimits reproduce`` does not evaluate every model at every cutoff again.

Key: a sha256 of the input rows the evaluation reads — the joined table and every
benchmark's regression rows (each column's values, names and dtypes, the index, and the
rows' ``attrs``: their selection) —, its parameters (``n_boot``, ``seed``, ``form``,
``models``, ``select``, ``min_results``, ``benchmarks``), the package version and a sha256 of
the sources that compute it (the ``scaling`` and ``data`` packages and the package's
top-level modules) and the versions of numpy, pandas and scipy: changed data, settings, code
or libraries recompute it. Files live in
``<cache>/evaluation/<parameters>-<key>.pkl`` (:mod:`computelimits._cache`: written
atomically, with their key and a checksum; a file that cannot be read, was changed or is
another key's is recomputed and replaced). Storing an entry removes those of the same
parameters for other data or code, so the folder holds one evaluation per setting.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from computelimits import __version__, _cache

__all__ = ["SOURCES", "cache_key", "cached_evaluate", "frame_digest"]

FORMAT = 1

#: The package's sources whose code computes the evaluation (:func:`_cache.source_digest`).
SOURCES = ("scaling", "data", "*.py")


def source_digest() -> str:
    """sha256 of :data:`SOURCES` (the data layer's packaged tables included)."""
    return _cache.source_digest(*SOURCES, recursive=True, suffixes=(".py", ".csv"))


def _row_hashes(df: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row (its index and every cell)."""
    bare = df.copy(deep=False)
    bare.attrs = {}  # pandas deep-copies attrs into every column taken: hashed apart
    try:
        return pd.util.hash_pandas_object(bare, index=True).to_numpy()
    except (TypeError, ValueError):  # cells pandas cannot hash (lists, dicts): their text
        return pd.util.hash_pandas_object(bare.astype(str), index=True).to_numpy()


def frame_digest(df: pd.DataFrame) -> str:
    """sha256 of a table: its column names and dtypes, its rows (index and every value) and
    its ``attrs`` (objects with ``to_dict`` as their dictionaries)."""
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in df.dtypes.items()]).encode())
    h.update(_row_hashes(df).tobytes())
    attrs = {str(k): v.to_dict() if hasattr(v, "to_dict") else v for k, v in df.attrs.items()}
    h.update(_cache.digest(attrs).encode())
    return h.hexdigest()


def _parameters(params: dict[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, **{k: params[k] for k in sorted(params)}}


def cache_key(joined: pd.DataFrame | None, datasets: dict[str, pd.DataFrame] | None,
              params: dict[str, Any]) -> str:
    """Hex sha256 of the inputs, the parameters, the package version and the sources."""
    inputs = {"joined": None if joined is None else frame_digest(joined),
              "datasets": None if datasets is None else {
                  str(b): frame_digest(d) for b, d in datasets.items()}}
    return _cache.digest({"inputs": inputs, "parameters": _parameters(params),
                          "version": __version__, "source": source_digest(),
                          "libraries": _libraries()})


def _libraries() -> dict[str, str]:
    """Versions of the numerical libraries the evaluation runs on (a new one may move the
    last digits of a fit: recomputed)."""
    import scipy

    return {"numpy": np.__version__, "pandas": pd.__version__, "scipy": scipy.__version__}


def cache_file(key: str, params: dict[str, Any]) -> Path:
    """Where the evaluation of ``key`` is cached (its name starts with the parameters')."""
    stem = _cache.digest(_parameters(params))[:16]
    return _cache.cache_folder("evaluation") / f"{stem}-{key[:32]}.pkl"


def cached_evaluate(joined: pd.DataFrame | None = None, *, cache: bool = True,
                    **kwargs: Any) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """:func:`.runs.evaluate` (``joined`` and the keywords as it takes them), from the cache
    when an identical evaluation is there: (prediction rows, scores, whether they came from
    the cache). ``cache`` False: neither read nor write the cache."""
    from computelimits.scaling.evaluation.runs import evaluate

    if not cache:
        pred, scores = evaluate(joined, **kwargs)
        return pred, scores, False
    datasets = kwargs.pop("datasets", None)
    catalog = kwargs.pop("catalog", None)
    if joined is None and datasets is None:  # what evaluate would read
        from computelimits.data.catalog import resolve_catalog

        joined = resolve_catalog(catalog).joined().table
    params = dict(kwargs)
    try:
        key = cache_key(joined, datasets, params)
        path = cache_file(key, params)
    except Exception:  # no key (inputs it cannot read): evaluated, and its errors raised
        key = path = None
    if key is not None and path is not None:
        hit = _cache.load_pickle(path, key)
        if (isinstance(hit, tuple) and len(hit) == 2
                and all(isinstance(t, pd.DataFrame) for t in hit)):
            return hit[0], hit[1], True
    pred, scores = evaluate(joined, datasets=datasets, **kwargs)
    if key is not None and path is not None:
        # the same settings for other data or code: stale, replaced
        _cache.store_latest(path, key, (pred, scores))
    return pred, scores, False
