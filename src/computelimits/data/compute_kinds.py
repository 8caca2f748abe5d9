"""What a compute figure measures, and the hand-checked table of figures that are not the
evaluated model's own training run.

Every compute figure is in FLOP (one multiply-add = 2 FLOP, Epoch AI's convention), but not
every figure measures the same thing. :data:`KINDS` names each kind; only the kinds in
:data:`FIT_KINDS` are regressed on by default. Thompson et al. (arXiv 2007.05558) regress on the
*hardware burden* (processors × peak FLOP/s × training time), Epoch AI estimates the *training
compute* actually performed, and an imputation counts *network operations* under assumed
epochs. Some records of Epoch AI's models table measure something else again: a total that
includes neural architecture search (MnasNet-A3, AmoebaNet-A, PNASNet-5), a run on another
dataset (Xception: the JFT run, while the ImageNet result is the ImageNet-trained network), or an
estimate made for another purpose. Those records are listed, one per row, in
``compute_kinds.csv`` (shipped with the package), each checked by hand against the record's
Epoch notes, with a verbatim excerpt of the note in ``epoch_note``. The kind ``ensemble``
belongs to a result, not to a record (a leaderboard's ensemble joined to the record of one of
its members): the hand-checked joins of ``join_checks.csv``
(:mod:`computelimits.data.join_checks`) give it.

Compute data: Epoch AI, 'Data on AI Models', epoch.ai/data/ai-models, CC BY 4.0 (the excerpts
in ``compute_kinds.csv`` are quoted from it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from computelimits.data import bundled
from computelimits.data.names import model_key
from computelimits.data.registry import SOURCES

__all__ = [
    "EPOCH_NOTE_COLUMNS",
    "FILE",
    "FIT_KINDS",
    "KINDS",
    "NOTE_SEPARATOR",
    "kind_of",
    "note_excerpts",
    "note_occurs",
    "overrides",
    "parse_overrides",
]

#: The table shipped with the package.
FILE = "compute_kinds.csv"

#: Every compute kind and what the figure (always FLOP) measures.
KINDS: dict[str, str] = {
    "training": ("the evaluated model's own training run: floating-point operations actually "
                 "performed, FLOP (e.g. Epoch AI's estimate; pre-training and pretrained "
                 "components included, as Epoch counts them)"),
    "hardware_burden": ("processors × peak FLOP/s × training time, FLOP, with no utilization "
                        "factor: the measure of Thompson et al."),
    "imputed_operations": ("network operations computed with assumed epochs or passes, FLOP "
                           "(e.g. convnet-burden inference FLOP per image × 3 passes × training "
                           "images × epochs)"),
    "includes_search": ("a total that is or includes an architecture or hyperparameter search, "
                        "FLOP: not the evaluated network's training run"),
    "other_dataset": ("a run on another dataset than the one the benchmark result comes from, or "
                      "pre-training + fine-tuning of a different variant, FLOP"),
    "other_purpose": ("an estimate made for something else than the model's training run, FLOP: "
                      "e.g. a whole project, a fine-tuning run only, an inference budget"),
    "ensemble": ("the training compute of one member, FLOP, for a result of an ensemble that "
                 "combines several models' predictions: the ensemble's own compute is several "
                 "training runs (how many is rarely stated), so the figure understates it"),
}

#: Kinds that can be regressed on; the others are never fitted by default.
FIT_KINDS: tuple[str, ...] = ("training", "hardware_burden", "imputed_operations")

#: Epoch's free-text columns (all_ml_systems_full_view.csv) that an ``epoch_note`` excerpt may
#: come from; the first is the one the compute figure is derived in.
EPOCH_NOTE_COLUMNS: tuple[str, ...] = (
    "Training compute notes", "Training time notes", "Training dataset notes",
    "Finetune compute notes", "Dataset size notes", "Parameters notes",
)

#: Joins several excerpts in one ``epoch_note`` cell.
NOTE_SEPARATOR = " … "

_COLUMNS = ("source", "model", "compute_kind", "reason", "epoch_note")
_SPACE = re.compile(r"\s+")


def note_excerpts(note: str | None) -> list[str]:
    """The excerpts of an ``epoch_note`` cell (split at :data:`NOTE_SEPARATOR`), whitespace
    collapsed; ``[]`` for a blank cell."""
    if note is None or not str(note).strip():
        return []
    parts = str(note).split(NOTE_SEPARATOR.strip())
    return [_SPACE.sub(" ", p).strip() for p in parts if p.strip()]


def note_occurs(note: str | None, text: str | None) -> bool:
    """True when every excerpt of ``note`` occurs verbatim in ``text`` after whitespace
    normalisation (runs of spaces, tabs and newlines count as one space)."""
    hay = _SPACE.sub(" ", str(text or ""))
    return all(part in hay for part in note_excerpts(note))


def parse_overrides(path: str | Path, *, text_data: str | None = None,
                    label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``compute_kinds.csv``.

    Leading lines that start with ``#`` are comments. Returns the columns ``source``,
    ``model``, ``model_key`` (:func:`computelimits.data.names.model_key` of ``model``),
    ``compute_kind``, ``reason`` and ``epoch_note`` (blank → ``""``), one row per record.

    Raises:
        InputError: naming the file, the 1-based data row and the column, for a missing
            column, an unknown source or kind, a blank model or reason, or a (source, model)
            listed twice.
    """
    name, rows = bundled.read_rows(path, _COLUMNS, text_data=text_data, label=label)
    out = []
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        cells, fail = row.cells, row.fail
        if not cells["source"]:
            raise fail("source", "blank source")
        if cells["source"] not in SOURCES:
            raise fail("source", f"unknown source {cells['source']!r}")
        if not cells["model"]:
            raise fail("model", "blank model")
        if cells["compute_kind"] not in KINDS:
            raise fail("compute_kind", f"unknown compute kind {cells['compute_kind']!r}; "
                       f"expected one of {', '.join(KINDS)}")
        if not cells["reason"]:
            raise fail("reason", "blank reason")
        row.unique(seen, (cells["source"], cells["model"]))
        cells["model_key"] = model_key(cells["model"])
        out.append(cells)
    cols = ["source", "model", "model_key", "compute_kind", "reason", "epoch_note"]
    return bundled.frame(out, cols, name)


@lru_cache(maxsize=1)
def _overrides() -> pd.DataFrame:
    return bundled.shipped(FILE, parse_overrides)


def overrides() -> pd.DataFrame:
    """The shipped table ``compute_kinds.csv`` (a copy; parsed once).

    Columns: ``source`` (compute source name), ``model`` (the model as in that source's
    compute table), ``model_key``, ``compute_kind`` (a key of :data:`KINDS`, never in
    :data:`FIT_KINDS` here), ``reason`` (one sentence) and ``epoch_note`` (verbatim excerpt(s)
    of Epoch AI's notes for the record, CC BY 4.0; may be empty).
    """
    return bundled.fresh(_overrides())


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], tuple[str, str]]:
    t = _overrides()
    return {(s, m): (k, r) for s, m, k, r in
            zip(t["source"], t["model"], t["compute_kind"], t["reason"], strict=True)}


def kind_of(source: str, model: str) -> tuple[str, str] | None:
    """``(compute_kind, reason)`` for a record listed in ``compute_kinds.csv``, else None
    (the record is then taken as the model's own training compute, ``"training"``).

    ``model`` is the name exactly as in the compute table of ``source``.
    """
    return _index().get((str(source).strip(), str(model).strip()))
