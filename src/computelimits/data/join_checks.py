"""Joins checked by hand: the verdict on each name or arXiv match of a result to a compute
record, for the sources whose every join is checked (:data:`CHECKED_SOURCES`).

``join_checks.csv`` (shipped with the package) has one row per (source, model as the source
writes it, publication) that a join rule (:mod:`computelimits.data.join`: exact key, alias,
arXiv id) matched to a record of Epoch AI's models table, with the verdict of a reading of
both sides. ``publication`` (the results' column) tells apart rows of one name from different
publications ("BERT (single model)" of Google, arXiv:1810.04805, and of another team); blank,
the verdict holds for every publication.

* ``right``: the record measures the evaluated model; ``compute_kind`` says what its figure is
  for this result — ``training``, the record's own kind where ``compute_kinds.csv`` gives one
  (e.g. ``other_dataset``), or ``ensemble`` for a leaderboard ensemble joined to the record
  of one member (its compute is several training runs: never fitted by default);
* ``wrong``: the record is another model (e.g. BERT-Base compute on a BERT-Large entry): the
  join is refused and the result carries no compute.

The join applies a verdict only where the record it found is the ``epoch_model`` the row
names; tests (``tests/test_squad_leaderboard.py``) check that every join of a checked source
is listed here and holds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from computelimits.data import bundled
from computelimits.data.compute_kinds import KINDS
from computelimits.data.registry import SOURCES

__all__ = ["CHECKED_SOURCES", "FILE", "VERDICTS", "checks", "index", "parse_checks",
           "verdict"]

#: The table shipped with the package.
FILE = "join_checks.csv"

#: Sources whose every join to a compute record is listed in the table (and tested).
CHECKED_SOURCES: tuple[str, ...] = ("squad-leaderboard",)

VERDICTS = ("right", "wrong")

_COLUMNS = ("source", "model", "publication", "epoch_model", "verdict", "compute_kind",
            "reason")


def parse_checks(path: str | Path, *, text_data: str | None = None,
                 label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``join_checks.csv`` (leading ``#`` lines are comments).

    Raises:
        InputError: naming the file, row and column, for a missing column, an unknown source,
            verdict or kind, a blank model, record or reason, a ``right`` row without a kind,
            or a (source, model, publication) listed twice.
    """
    name, rows = bundled.read_rows(path, _COLUMNS, text_data=text_data, label=label)
    out = []
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        cells, fail = row.cells, row.fail
        if cells["source"] not in SOURCES:
            raise fail("source", f"unknown source {cells['source']!r}")
        for col in ("model", "epoch_model", "reason"):
            if not cells[col]:
                raise fail(col, f"blank {col}")
        if cells["verdict"] not in VERDICTS:
            raise fail("verdict", f"verdict must be one of {', '.join(VERDICTS)}, got "
                       f"{cells['verdict']!r}")
        kind = cells["compute_kind"]
        if cells["verdict"] == "right" and kind not in KINDS:
            raise fail("compute_kind", f"unknown compute kind {kind!r}; expected one of "
                       f"{', '.join(KINDS)}")
        if cells["verdict"] == "wrong" and kind:
            raise fail("compute_kind", "a wrong join carries no compute kind")
        row.unique(seen, (cells["source"], cells["model"], cells["publication"]))
        out.append(cells)
    return bundled.frame(out, _COLUMNS, name)


@lru_cache(maxsize=1)
def _checks() -> pd.DataFrame:
    return bundled.shipped(FILE, parse_checks)


def checks() -> pd.DataFrame:
    """The shipped table (a copy; parsed once): ``source``, ``model``, ``publication`` (blank:
    any), ``epoch_model``, ``verdict``, ``compute_kind`` (blank for ``wrong``) and
    ``reason``."""
    return bundled.fresh(_checks())


def index(table: pd.DataFrame | None = None
          ) -> dict[tuple[str, str, str], tuple[str, str, str, str]]:
    """{(source, model, publication or ""): (epoch_model, verdict, compute_kind, reason)} of
    ``table`` (default: the shipped one); :func:`verdict` looks a row up in it."""
    t = _checks() if table is None else table
    return {(s, m, p or ""): (e, v, k or "", r) for s, m, p, e, v, k, r in zip(
        t["source"], t["model"], t["publication"].fillna(""), t["epoch_model"], t["verdict"],
        t["compute_kind"].fillna(""), t["reason"], strict=True)}


def verdict(checks: dict, source: object, model: object,
            publication: object) -> tuple[str, str, str, str] | None:
    """The verdict for a row: the one naming its publication, else the one for any."""
    s, m = str(source), str(model)
    pub = publication if isinstance(publication, str) else ""
    hit = checks.get((s, m, pub))
    return hit if hit is not None else checks.get((s, m, ""))
