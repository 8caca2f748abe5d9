"""Release dates checked by hand: derivative models that a source dates with their base model's
release date.

``date_checks.csv`` (shipped with the package) has one row per (source, file, model as the file
writes it) whose date is its base model's although the model came later: Epoch AI's
open-model-trends table gives the Flan-T5 checkpoints T5's 2019-10-23, Flan-PaLM and U-PaLM
PaLM's 2022-04-04 and OpenAI's text-*-001 InstructGPT models GPT-3's 2020-05-28. Such a date
plants a result years before its model existed (Flan-T5-XXL's BBH score at 2019) and biases any
rate of progress fitted over time. Each row gives the date as given, the corrected date (later),
the Epoch AI models-table record that dates the model's publication (``epoch_model``, blank when
there is none) and the evidence (the paper with its arXiv id, or the announcement). Only this
error is listed: a difference between an arXiv date and a conference date is not one.

:func:`correct` applies the table to a loader's frame: a row is corrected only where its source,
file, model **and** date as given all match a row of the table, so a later upstream fix, or a row
of the same name with another date, is left as it is. Each correction is counted in the loader's
:class:`~computelimits.data.parse.Repairs` (keyed ``<file>: …``, naming the models and the
evidence) and, where the frame has a notes column (the *compute* table's ``notes``), written on
the row. Tests (``tests/test_date_checks.py``) check every ``epoch_model``'s date against the
Epoch models table.

Dates: Epoch AI, 'Data on AI Models', epoch.ai/data/ai-models, CC BY 4.0.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data import bundled
from computelimits.data.parse import Repairs
from computelimits.data.registry import SOURCES

__all__ = ["FILE", "checked", "checks", "correct", "fitted_line", "parse_checks"]

#: The table shipped with the package.
FILE = "date_checks.csv"

_COLUMNS = ("source", "file", "model", "date_given", "date_corrected", "epoch_model",
            "evidence")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ARXIV = re.compile(r"arXiv:\d{4}\.\d{4,5}")


def _day(row: bundled.Row, column: str) -> date:
    """The ``YYYY-MM-DD`` date in ``column`` of ``row`` (else its error)."""
    text = row.cells[column]
    if not _DAY.fullmatch(text):
        raise row.fail(column, f"{column} must be a date YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise row.fail(column, f"{column} {text!r} is not a calendar date") from None


def parse_checks(path: str | Path, *, text_data: str | None = None,
                 label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``date_checks.csv`` (leading ``#`` lines are comments).

    Returns the text columns ``source``, ``file``, ``model``, ``date_given``,
    ``date_corrected`` (both ``YYYY-MM-DD``), ``epoch_model`` (blank → ``""``) and
    ``evidence``, one row per model.

    Raises:
        InputError: naming the file, the 1-based data row and the column, for a missing
            column, an unknown source or a file that is not one of its files, a blank model or
            evidence, a date that is not ``YYYY-MM-DD`` or not a calendar date, a corrected date
            not later than the one given, evidence that names neither an Epoch record nor an
            arXiv id, or a (source, file, model) listed twice.
    """
    name, rows = bundled.read_rows(path, _COLUMNS, text_data=text_data, label=label)
    out = []
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        cells, fail = row.cells, row.fail
        src = SOURCES.get(cells["source"])
        if src is None:
            raise fail("source", f"unknown source {cells['source']!r}")
        files = [f.path for f in src.files]
        if cells["file"] not in files:
            raise fail("file", f"{cells['file']!r} is not a file of {src.name}; expected one "
                       f"of {', '.join(files)}")
        for col in ("model", "evidence"):
            if not cells[col]:
                raise fail(col, f"blank {col}")
        given, corrected = _day(row, "date_given"), _day(row, "date_corrected")
        if corrected <= given:
            raise fail("date_corrected", f"the corrected date {corrected} is not later than "
                       f"the date given, {given}")
        if not cells["epoch_model"] and not _ARXIV.search(cells["evidence"]):
            raise fail("evidence", "the evidence names neither an Epoch record (epoch_model) "
                       "nor a paper's arXiv id")
        row.unique(seen, (cells["source"], cells["file"], cells["model"]))
        out.append(cells)
    return bundled.frame(out, _COLUMNS, name)


@lru_cache(maxsize=1)
def _checks() -> pd.DataFrame:
    return bundled.shipped(FILE, parse_checks)


def checks() -> pd.DataFrame:
    """The shipped table (a copy; parsed once); columns as :func:`parse_checks` returns."""
    return bundled.fresh(_checks())


def _evidence(epoch_model: str, corrected: str, evidence: str) -> str:
    """The evidence of a row in one phrase: the Epoch record with its date, then the rest."""
    record = f"Epoch record {epoch_model!r} ({corrected}); " if epoch_model else ""
    return record + evidence


def correct(df: pd.DataFrame, source: str, repairs: Repairs, *,
            note_column: str | None = None, table: pd.DataFrame | None = None
            ) -> pd.DataFrame:
    """``df`` (a loader's frame of ``source`` with the columns ``model``, ``date`` and
    ``source_file``) with the dates of ``table`` (default: the shipped one) corrected.

    A row is corrected only where ``source``, its ``source_file``, its ``model`` and its
    ``date`` all match a row's ``source``, ``file``, ``model`` and ``date_given``. The
    corrections are counted in ``repairs``, one entry per file, dates and evidence (the count:
    file rows, distinct ``source_row`` where the frame has one), keyed ``<file>: …`` with the
    models named; ``note_column`` (e.g. the compute table's ``notes``), where given, gets a
    note on each corrected row. Returns a copy (``df`` itself when nothing matches).
    """
    t = _checks() if table is None else table
    mine = t[t["source"].astype(str) == source]
    if mine.empty or df.empty:
        return df
    files = df["source_file"].astype(str).to_numpy()
    models = df["model"].astype(str).to_numpy()
    when = pd.to_datetime(df["date"]).to_numpy()
    fixed = when.copy()
    hit_any = np.zeros(len(df), dtype=bool)
    notes: list[str | None] = [None] * len(df)
    groups: dict[tuple[str, str, str, str], tuple[list[str], set[object]]] = defaultdict(
        lambda: ([], set()))
    rows = df["source_row"].to_numpy() if "source_row" in df.columns else np.arange(len(df))
    for r in mine.itertuples(index=False):
        given = np.datetime64(pd.Timestamp(str(r.date_given)), "ns")
        hit = (files == r.file) & (models == r.model) & (when == given)
        if not hit.any():
            continue
        fixed[hit] = np.datetime64(pd.Timestamp(str(r.date_corrected)), "ns")
        hit_any |= hit
        evidence = _evidence(str(r.epoch_model or ""), str(r.date_corrected), str(r.evidence))
        names, seen_rows = groups[(str(r.file), str(r.date_given), str(r.date_corrected),
                                   evidence)]
        names.append(str(r.model))
        seen_rows.update(rows[hit].tolist())
        for i in np.flatnonzero(hit):
            notes[i] = (f"date {r.date_given} (its base model's) corrected to "
                        f"{r.date_corrected} ({FILE})")
    if not hit_any.any():
        return df
    out = df.copy()
    out["date"] = pd.Series(fixed, index=df.index)
    if note_column is not None:
        old = out[note_column] if note_column in out.columns else [None] * len(out)
        out[note_column] = ["; ".join(p for p in (o if isinstance(o, str) else None, n) if p)
                            or None for o, n in zip(old, notes, strict=True)]
    for (file, given, corrected, evidence), (names, seen_rows) in groups.items():
        repairs.note(f"{file}: Date {given} is the base model's, corrected to {corrected} "
                     f"({FILE}) for {', '.join(names)}; evidence: {evidence}", len(seen_rows))
    return out


def checked(df: pd.DataFrame, table: pd.DataFrame | None = None) -> pd.Series:
    """Which rows of ``df`` (columns ``source``, ``source_file``, ``model``, ``date``) carry the
    date of ``table`` (default: the shipped one): their source, file and model are listed and
    their date is the corrected one (whether :func:`correct` set it or the source already
    gives it)."""
    t = _checks() if table is None else table
    out = pd.Series(False, index=df.index)
    if df.empty or t.empty or not {"source", "source_file", "model", "date"} <= set(df):
        return out
    if not df["source"].astype(str).isin(set(t["source"].astype(str))).any():
        return out
    key = pd.MultiIndex.from_arrays([df["source"].astype(str), df["source_file"].astype(str),
                                     df["model"].astype(str)])
    wanted = dict(zip(zip(t["source"].astype(str), t["file"].astype(str),
                          t["model"].astype(str), strict=True),
                      pd.to_datetime(t["date_corrected"].astype(str)), strict=True))
    when = pd.to_datetime(df["date"])
    hits = [wanted.get(k) for k in key]
    return pd.Series([h is not None and w == h for h, w in zip(hits, when, strict=True)],
                     index=df.index)


def fitted_line(df: pd.DataFrame, table: pd.DataFrame | None = None) -> str | None:
    """One line naming the rows of ``df`` dated by ``table`` (:func:`checked`), with their
    count; None when there are none."""
    hit = checked(df, table)
    if not hit.any():
        return None
    names = list(dict.fromkeys(df.loc[hit, "model"].astype(str)))
    n = int(hit.sum())
    return (f"dates checked by hand: {n} result{'s' if n != 1 else ''} of derivative models "
            f"dated as {FILE} says, not as their base model ({', '.join(names)})")
