"""Attribution lines, built one way: from the sources a table's rows name.

Every row of the package's tables names its source (``source``; joined tables also
``compute_source``); the lines are the registry's attribution of each source, in order of
first appearance, and one line per user's file (``user-*`` sources, named by
``source_file``). Nothing depends on pandas ``attrs`` surviving an operation.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from computelimits.data.registry import SOURCES

__all__ = ["attribution", "source_names"]

_COLUMNS = ("source", "compute_source")


def source_names(data: pd.DataFrame) -> list[str]:
    """The sources a table's rows name (``source`` then ``compute_source``), in order of first
    appearance, user files as ``user file PATH``."""
    names: dict[str, None] = {}
    for col in _COLUMNS:
        if col not in data.columns:
            continue
        fcol = "source_file" if col == "source" else "compute_source_file"
        files = data[fcol].tolist() if fcol in data.columns else [None] * len(data)
        for s, f in dict.fromkeys(zip(data[col].tolist(), files, strict=True)):
            if not isinstance(s, str) or not s:
                continue
            if s in SOURCES:
                names.setdefault(s)
            elif s.startswith("user"):
                names.setdefault(f"user file {f}" if isinstance(f, str) and f else s)
    return list(names)


def attribution(data: pd.DataFrame | Iterable[str]) -> list[str]:
    """Attribution lines of a table's sources, or of source names given directly."""
    names = source_names(data) if isinstance(data, pd.DataFrame) else list(dict.fromkeys(data))
    return [SOURCES[n].attribution if n in SOURCES else n for n in names]
