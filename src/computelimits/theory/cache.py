"""A cache of theory results, so that an unchanged rerun (same settings, same code) is free.

Key: every field of the :class:`~.config.TheoryConfig` (the seed included), the package
version and a sha256 of the theory package's source files, so that editing the experiment's
code invalidates every cached result. Files live in ``<cache>/theory/<key>.json.gz``, where
``<cache>`` is ``$COMPUTELIMITS_CACHE`` if set, else the user cache folder of pooch
(:func:`computelimits.data.fetch.cache_dir`). A file is written atomically (temporary file,
then rename) and holds the runs exactly (JSON floats round-trip), the configuration and the
key, with the sha256 of the runs as written (``checksum``); a file that cannot be read, is
not a regular file (a FIFO, a device), does not parse, does not match its key or whose runs
do not match their checksum (a changed number) is ignored and overwritten by the next run.
Where caches live, source digests and the atomic writes are :mod:`computelimits._cache`'s,
shared with the rolling evaluation's cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from computelimits import __version__, _cache
from computelimits.theory.config import MODELS, TheoryConfig
from computelimits.theory.replication import RUN_COLUMNS

__all__ = ["cache_file", "cache_key", "load", "source_digest", "store"]

FORMAT = 2  # 2: the runs carry their sha256

#: dtypes of the runs table, as :func:`~.experiment.simulate` builds it.
_DTYPES = {"model": object, "n": np.int64, "rep": np.int64, "nmse": np.float64,
           "performance": np.float64, "flop": np.float64, "seconds": np.float64,
           "method": object, "alpha": np.float64, "nonzero": np.int64}


def source_digest() -> str:
    """sha256 of the theory package's source files (names and bytes, in name order)."""
    return _cache.source_digest("theory")


def cache_key(cfg: TheoryConfig) -> str:
    """Hex sha256 of the configuration (all fields), the package version and the sources."""
    blob = json.dumps({"format": FORMAT, "config": cfg.to_dict(), "version": __version__,
                       "source": source_digest()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def cache_file(cfg: TheoryConfig) -> Path:
    """Where the result of ``cfg`` is cached."""
    return _cache.cache_folder("theory") / f"{cache_key(cfg)[:32]}.json.gz"


def load(cfg: TheoryConfig) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The cached runs of ``cfg`` and their metadata, or None (missing, unreadable, corrupt or
    not this configuration's)."""
    try:
        data = _cache.read_regular(cache_file(cfg))
        if data is None:
            return None
        blob = json.loads(gzip.decompress(data).decode("utf-8"))
        if blob.get("key") != cache_key(cfg) or blob.get("config") != cfg.to_dict():
            return None
        cols = blob["runs"]
        if blob.get("checksum") != _checksum(cols):
            return None  # changed since it was written
        if list(cols) != list(RUN_COLUMNS):
            return None
        size = len(cfg.n_grid) * cfg.reps * len(MODELS)
        if any(len(v) != size for v in cols.values()):
            return None
        runs = pd.DataFrame({c: np.asarray(cols[c], dtype=_DTYPES[c]) for c in RUN_COLUMNS})
        meta = {"elapsed_s": float(blob["elapsed_s"]), "workers": int(blob["workers"]),
                "scheduler": blob.get("scheduler")}
        return runs, meta
    except Exception:  # any unreadable or malformed file is a miss, never an error
        return None


def _checksum(runs: Any) -> str:
    """sha256 of the runs as JSON text (floats round-trip exactly, so a file read back gives
    the checksum it was written with)."""
    text = json.dumps(runs, allow_nan=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None  # JSON has no NaN; None comes back as NaN in a float column
    return value


def store(cfg: TheoryConfig, runs: pd.DataFrame, *, elapsed_s: float, workers: int,
          scheduler: str | None) -> Path | None:
    """Cache the runs of ``cfg`` (atomically). Returns the file, or None if it could not be
    written (the cache is an optimisation: a read-only or full disk is not an error)."""
    try:
        path = cache_file(cfg)
        cols = {c: [_plain(v) for v in runs[c].tolist()] for c in RUN_COLUMNS}
        blob = {"format": FORMAT, "key": cache_key(cfg), "config": cfg.to_dict(),
                "version": __version__, "elapsed_s": elapsed_s, "workers": workers,
                "scheduler": scheduler, "checksum": _checksum(cols), "runs": cols}
        text = json.dumps(blob, allow_nan=True, separators=(",", ":"))
    except OSError:
        return None
    data = gzip.compress(text.encode("utf-8"), compresslevel=6)
    # a link or a FIFO in its place is replaced, not followed
    return _cache.write_atomic(path, lambda tmp: tmp.write_bytes(data))
