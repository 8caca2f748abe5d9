"""Epoch AI benchmark scores per model version and the Epoch Capabilities Index (ECI).

Source ``epoch-benchmarks``: github.com/epoch-research/benchmark-stitching (data of
*A Rosetta Stone for AI Benchmarks*, 2025). Licence: MIT for the repository, CC BY 4.0 for Epoch
AI's own data (ECI table, ``benchmarks_runs.csv``); the scores in ``external_benchmark_*.csv``
were compiled by Epoch from papers and leaderboards and keep their sources' terms (the
``origin`` column names each row's source). Attribution: ``SOURCES[SOURCE].attribution``,
also set as ``attrs["attribution"]`` of every table returned here.

Tables and units
----------------
* :func:`load_results` — the tidy *results* table. ``value`` is a fraction in [0, 1] for every
  benchmark (metric ``accuracy`` or ``exact_match``) except ``eci`` (metric ``eci``, unit
  ``index``: Epoch's index points, about 75–150, ``error`` NaN). One row per score cell:
  ``external_benchmark_arc_ai2.csv`` gives two rows per record where both its ``Challenge score``
  (``arc-challenge``) and ``Easy score`` (``arc-easy``) are filled. :func:`benchmark_files`
  lists the file → (benchmark id, score column, metric) mapping; ``_SECONDARY`` the extra
  columns.
* :func:`load_eci` — the ECI scores alone, as results rows (also part of :func:`load_results`).
* :func:`load_compute` — the tidy *compute* table: one row per ECI-table model version with
  training compute (FLOP, > 0). ``notes`` is exactly ``model_version=<id>`` so a join can use
  the Epoch model-version id; ``confidence`` is the ECI table's label verbatim ("Confident",
  "Likely", "Speculative", "Unknown"); ``method`` is None (the table does not say how the
  figure was estimated).
* :func:`model_versions` — the model-version table (id, Epoch model name, release date,
  display name), not a tidy table.

Repairs and assumptions (each counted in ``attrs["repairs"]``, keyed ``<file>: <repair>``)
-----------------------------------------------------------------------------------------
* Scores written as percent strings ("77.0%") become fractions. A bare number in those files must
  be a fraction ≤ 1; anything over 100 % is an error. ``external_benchmark_os_world.csv`` writes
  its ``Score`` as a bare percentage ("7.690" = 7.69 %), so that file is read as percent.
* Rows with a blank score cell give no row (counted as "blank score dropped"; for
  ``benchmarks_runs.csv`` this is the rule for a blank ``Best score (across scorers)``).
  ``Easy score`` blanks in arc_ai2 are simply absent rows (not counted: the column is optional).
* Exact duplicate records are dropped (counted); two records sharing an ``id`` but differing
  elsewhere are an error.
* Cell texts are stripped of surrounding white space (model-version ids such as
  "Llama-2-70b-hf " carry a trailing blank upstream).
* ``model`` is the row's ``Name`` as the source wrote it; where the file has no ``Name`` column
  (weirdml, os_world, benchmarks_runs) or the cell is blank, the Epoch model name of the row's
  model version (``model_versions.Model``) is used, else the model-version id itself. For ECI
  rows, ``Model name``, else ``Display name``, else the model-version id.
* ``setting``: ``Shots`` as "<n>-shot" ("5" → "5-shot", "few" → "few-shot", "25-shot" kept),
  followed by the row's ``Notes`` (white space collapsed), joined with "; ". videomme adds
  "<n> frames"; os_world adds "agent: <Agent>" and its ``Notes (details)``; benchmarks_runs gives
  "task version <v>".
* ``date`` is the *model's* release date, resolved as the folder README's "Cut-off" section
  does: ``Version release date`` in ``model_versions.csv`` for the row's ``Model version``, else
  the ECI table's ``Release date`` for that version. The README's third fallback — the models
  table's ``Publication date`` of ``model_versions.Model`` — needs the Epoch models table, which
  this source does not ship; pass ``model_dates`` (Epoch model name → date, e.g. from the
  ``epoch-ai-models`` loader) to apply it. Rows left without a date keep ``date`` NaT.
  ``attrs["date_resolution"]`` counts rows by where their date came from.
* ``benchmarks_runs.csv`` tasks map to ids by :data:`RUN_TASKS`; another task would become a
  slug of its name (counted as a repair so it shows).

Setting kind and publication (also used by the other results loaders)
---------------------------------------------------------------------
* ``setting_kind`` (:data:`SETTING_KINDS`) of a score record, from its own cells
  (:func:`epoch_setting_kind`): "CoT" / "chain-of-thought" in ``Shots`` or ``Notes`` →
  chain-of-thought; fine-tuning named there → fine-tuned; else ``Shots`` "0" → zero-shot,
  "<n>" / "<n>-shot" (n ≥ 1) or "few" → few-shot; a blank ``Shots`` leaves it to the text rule
  :func:`setting_kind` on the notes ("3-shot; CoT" → chain-of-thought, "Couldn't find shot
  count" → unknown). ``benchmarks_runs.csv`` (no prompting recorded) and ECI rows (an index,
  not a run) are "unknown". The ``Shots`` column says nothing about CoT: e.g. GSM8K "8-shot"
  rows without a CoT note are few-shot here, although a source paper may have prompted with
  worked (step-by-step) solutions.
* ``publication``: the publication the *evaluated model* comes from (never the ``Source``
  that reported the score, which stays in ``origin``). :meth:`PublicationIndex.resolve`
  tries, in order: (1) the row's ``Model version`` → Epoch model name (``model_versions.csv``)
  → that model's ``Reference`` title in the Epoch models table (``epoch-ai-models``, by exact
  name, else by :func:`computelimits.data.names.model_key`); (2) the ``model_key`` of the
  row's model name → a models-table title; (3) the name's key equal to that of a model-version
  id → its Epoch model's title; (4) the model family (:func:`model_family`, which strips
  size and variant suffixes: "LLaMA 13B", "LLaMA-65B" → "LLaMA"; "Llama 2 70B chat" → "Llama
  2"; "Falcon 7B" → "Falcon") → the one title that the plain-named models of that family
  share in the models table ("LLaMA 7B" → "LLaMA: Open and Efficient Foundation Language
  Models", like "LLaMA-65B"); (5) else the family name itself (spelled as in the models table
  where the family is there, else as most rows spell it). Titles: ``Reference`` with white
  space collapsed and surrounding quotes and a trailing period dropped (:func:`clean_title`),
  else "arXiv:<id>" from an arXiv ``Link``.
  A key whose records disagree on the title is never used. ``attrs["publication_rules"]``
  counts rows per rule. The models table is read once per process (``Model``, ``Reference``,
  ``Link`` only; :func:`publication_index`); pass ``index`` to reuse one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of
from computelimits.data.fetch import locate
from computelimits.data.names import model_key
from computelimits.data.parse import (
    Repairs,
    dates,
    drop_duplicates,
    fractions,
    numbers,
    read_csv,
    text,
)
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = [
    "ECI_FILE",
    "FAMILY_ALIASES",
    "RUNS_FILE",
    "RUN_TASKS",
    "SETTING_KINDS",
    "SOURCE",
    "VERSIONS_FILE",
    "PublicationIndex",
    "benchmark_files",
    "clean_title",
    "epoch_setting_kind",
    "load_compute",
    "load_eci",
    "load_results",
    "model_family",
    "model_versions",
    "publication_index",
    "publications",
    "setting_kind",
]

SOURCE = "epoch-benchmarks"

VERSIONS_FILE = "model_versions.csv"
ECI_FILE = "epoch_capabilities_index_2025-11.csv"
RUNS_FILE = "benchmarks_runs.csv"

# file -> (benchmark id, headline score column, metric id); the README's headline columns.
_EXTERNAL: dict[str, tuple[str, str, str]] = {
    "external_benchmark_anli.csv": ("anli", "Score", "accuracy"),
    "external_benchmark_arc_ai2.csv": ("arc-challenge", "Challenge score", "accuracy"),
    "external_benchmark_bbh.csv": ("bbh", "Average", "accuracy"),
    "external_benchmark_boolq.csv": ("boolq", "Score", "accuracy"),
    "external_benchmark_csqa2.csv": ("csqa2", "Score", "accuracy"),
    "external_benchmark_gsm8k.csv": ("gsm8k", "EM", "exact_match"),
    "external_benchmark_hellaswag.csv": ("hellaswag", "Overall accuracy", "accuracy"),
    "external_benchmark_lambada.csv": ("lambada", "Score", "accuracy"),
    "external_benchmark_mmlu.csv": ("mmlu", "EM", "exact_match"),
    "external_benchmark_openbookqa.csv": ("openbookqa", "Accuracy", "accuracy"),
    "external_benchmark_os_world.csv": ("os-world", "Score", "accuracy"),
    "external_benchmark_piqa.csv": ("piqa", "Score", "accuracy"),
    "external_benchmark_scienceqa.csv": ("scienceqa", "Score", "accuracy"),
    "external_benchmark_superglue.csv": ("superglue", "Score", "accuracy"),
    "external_benchmark_triviaqa.csv": ("triviaqa", "EM", "exact_match"),
    "external_benchmark_videomme.csv": ("videomme", "Overall (no subtitles)", "accuracy"),
    "external_benchmark_weirdml.csv": ("weirdml", "Accuracy", "accuracy"),
    "external_benchmark_winogrande.csv": ("winogrande", "Accuracy", "accuracy"),
}

#: Further score columns read as separate benchmarks (optional cells: blanks give no row).
_SECONDARY: dict[str, tuple[tuple[str, str, str], ...]] = {
    "external_benchmark_arc_ai2.csv": (("arc-easy", "Easy score", "accuracy"),),
}

#: Files whose bare numbers are percentages (0–100) rather than fractions.
_PERCENT_FILES = frozenset({"external_benchmark_os_world.csv"})

#: ``benchmarks_runs.csv`` task -> benchmark id.
RUN_TASKS: dict[str, str] = {
    "GPQA diamond": "gpqa-diamond",
    "MATH level 5": "math-level-5",
    "OTIS Mock AIME 2024-2025": "otis-mock-aime",
}

_ECI_ORIGIN = "Epoch AI, Epoch Capabilities Index (November 2025)"
_RUNS_ORIGIN = "Epoch AI evaluation"


def benchmark_files() -> dict[str, tuple[str, str, str]]:
    """Each ``external_benchmark_*.csv`` file → (benchmark id, headline score column, metric id).

    Scores are fractions after parsing. ``external_benchmark_arc_ai2.csv`` also gives
    ``arc-easy`` rows from its ``Easy score`` column (see ``_SECONDARY``).
    """
    return dict(_EXTERNAL)


def _path(name: str, strict: bool | None) -> Path:
    return locate(SOURCE, name, strict=strict).path


def _merge(into: Repairs, df: pd.DataFrame, file: str) -> None:
    for what, n in df.attrs.get("repairs", {}).items():
        into.note(f"{file}: {what}", n)


def _clean(cell: str | None) -> str | None:
    if cell is None or pd.isna(cell):
        return None
    s = " ".join(str(cell).split())
    return s or None


def _shots(cell: str | None) -> str | None:
    s = _clean(cell)
    if s is None:
        return None
    if re.fullmatch(r"\d+", s) or s.lower() == "few":
        return f"{s.lower()}-shot"
    return s


def _join(*parts: str | None) -> str | None:
    kept = [p for p in (_clean(p) for p in parts) if p]
    return "; ".join(kept) if kept else None


def _text(df: pd.DataFrame, col: str, *, required: bool = False) -> pd.Series:
    """:func:`parse.text` as an object column whose blanks are ``None`` (not NaN)."""
    s = text(df, col, required=required)
    return pd.Series([None if pd.isna(x) else x for x in s], index=df.index, dtype=object)


def _coalesce(*columns: pd.Series) -> pd.Series:
    """Row-wise first non-blank value of several aligned object columns (None if none)."""
    first = columns[0]
    values = [next((v for v in row if v is not None and not pd.isna(v)), None)
              for row in zip(*columns, strict=True)]
    return pd.Series(values, index=first.index, dtype=object)


def _optional(df: pd.DataFrame, col: str) -> pd.Series:
    """Text column, or all-None when the file has no such column."""
    if col in df.columns:
        return _text(df, col)
    return pd.Series([None] * len(df), index=df.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# model versions and the ECI table


def _read_versions(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    df = read_csv(path, label=label,
                  required=["id", "Model", "Version release date", "Display name"])
    out = pd.DataFrame({
        "model_version": _text(df, "id", required=True),
        "epoch_model": _text(df, "Model"),
        "release_date": dates(df, "Version release date"),
        "display_name": _text(df, "Display name"),
    }, index=df.index)
    out["display_name"] = _coalesce(out["display_name"], _optional(df, "Unique display name"))
    kept = drop_duplicates(df, ["id"], what="model versions").index
    key = out.loc[kept, "model_version"]
    if key.duplicated().any():
        idx = key.index[key.duplicated()][0]
        raise InputError(f"model version {key[idx]!r} repeats an earlier row",
                         path=df.attrs["path"], row=int(idx) + 1, column="id")
    out = out.loc[kept].reset_index(drop=True)
    out.attrs = {"path": df.attrs["path"], "repairs": df.attrs["repairs"]}
    return out


def model_versions(strict: bool | None = None) -> pd.DataFrame:
    """Epoch model versions: ``model_version`` (id), ``epoch_model`` (Epoch models-table name,
    None if blank), ``release_date`` (datetime64, NaT if blank), ``display_name`` (``Display
    name``, else ``Unique display name``, else None)."""
    df = _read_versions(_path(VERSIONS_FILE, strict))
    repairs = Repairs()
    _merge(repairs, df, VERSIONS_FILE)
    df.attrs = {"attribution": [SOURCES[SOURCE].attribution], "repairs": repairs}
    return df


def _read_eci(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """The ECI table, parsed: model_version, model, eci, date, training_flop, confidence,
    source_row (of the kept rows)."""
    df = read_csv(path, label=label, required=[
        "Model version", "ECI Score", "Release date", "Training compute (FLOP)", "Confidence",
        "Model name"])
    version = _text(df, "Model version", required=True)
    model = _coalesce(_text(df, "Model name"), _optional(df, "Display name"), version)
    out = pd.DataFrame({
        "model_version": version,
        "model": model,
        "eci": numbers(df, "ECI Score"),
        "date": dates(df, "Release date"),
        "training_flop": numbers(df, "Training compute (FLOP)", positive=True),
        "confidence": _text(df, "Confidence"),
        "source_row": df.index + 1,
    }, index=df.index)
    kept = drop_duplicates(df, ["Model version"], what="ECI rows").index
    out = out.loc[kept]
    out.attrs = {"path": df.attrs["path"], "repairs": df.attrs["repairs"]}
    return out


def _attrs(out: pd.DataFrame, repairs: Repairs) -> None:
    out.attrs["attribution"] = [SOURCES[SOURCE].attribution]
    out.attrs["repairs"] = repairs


def _eci_results(eci: pd.DataFrame) -> pd.DataFrame:
    rows = eci[eci["eci"].notna()]
    return pd.DataFrame({
        "model": rows["model"],
        "model_version": rows["model_version"],
        "date": rows["date"],
        "benchmark": "eci",
        "metric": "eci",
        "value": rows["eci"],
        "setting_kind": "unknown",
        "origin": _ECI_ORIGIN,
        "source_file": ECI_FILE,
        "source_row": rows["source_row"],
    })


def _finish_results(out: pd.DataFrame, index: PublicationIndex) -> pd.DataFrame:
    out = out.copy()
    out["model_key"] = [model_key(m) for m in out["model"]]
    out["publication"], rules = publications(index, list(out["model"]),
                                             list(out["model_version"]))
    out.attrs["publication_rules"] = dict(rules)
    out["higher_is_better"] = [METRICS[m].higher_is_better for m in out["metric"]]
    out["unit"] = [METRICS[m].unit for m in out["metric"]]
    err = np.full(len(out), np.nan)
    for metric in out["metric"].unique():
        mask = (out["metric"] == metric).to_numpy()
        err[mask] = error_of(out.loc[mask, "value"].to_numpy(dtype=float), metric)
    out["error"] = err
    out["source"] = SOURCE
    return out


def load_eci(strict: bool | None = None, *,
             index: PublicationIndex | None = None) -> pd.DataFrame:
    """ECI scores as a *results* table: benchmark ``eci``, metric ``eci``, unit ``index``
    (Epoch's index points), ``error`` NaN; date = the ECI table's ``Release date``. Rows
    with a blank ECI score give no row (most of the pre-2024 table). ``publication`` as in
    :func:`load_results`; ``setting_kind`` "unknown" (an index, not a prompted run)."""
    eci = _read_eci(_path(ECI_FILE, strict))
    repairs = Repairs()
    _merge(repairs, eci, ECI_FILE)
    out = _finish_results(_eci_results(eci), index or publication_index(strict))
    _attrs(out, repairs)
    return conform(out, "results")


def load_compute(strict: bool | None = None) -> pd.DataFrame:
    """Training compute from the ECI table as a *compute* table: one row per model version
    with ``Training compute (FLOP)`` filled (FLOP, > 0 else InputError). ``model`` = ``Model
    name`` (else ``Display name``, else the version id); ``date`` = ``Release date``;
    ``confidence`` = the table's label verbatim; ``method`` None; ``notes`` =
    ``model_version=<id>``."""
    eci = _read_eci(_path(ECI_FILE, strict))
    repairs = Repairs()
    _merge(repairs, eci, ECI_FILE)
    rows = eci[eci["training_flop"].notna()]
    out = pd.DataFrame({
        "model": rows["model"],
        "model_key": [model_key(m) for m in rows["model"]],
        "date": rows["date"],
        "training_flop": rows["training_flop"],
        "method": None,
        "confidence": rows["confidence"],
        "notes": [f"model_version={v}" for v in rows["model_version"]],
        "source": SOURCE,
        "source_file": ECI_FILE,
        "source_row": rows["source_row"],
    })
    _attrs(out, repairs)
    return conform(out, "compute")


# ---------------------------------------------------------------------------------------------
# setting kind and publication (rules shared with the other results loaders)

#: Values of the results column ``setting_kind``.
SETTING_KINDS = ("supervised", "zero-shot", "few-shot", "chain-of-thought", "fine-tuned",
                 "unknown")

_COT = re.compile(r"\bcot\b|chain[- ]of[- ]thought", re.IGNORECASE)
_FINE_TUNED = re.compile(r"\bfine[- ]?tun(?:ed|ing|e)\b", re.IGNORECASE)
_ZERO_SHOT = re.compile(r"\b(?:0|zero)[- ]shot\b", re.IGNORECASE)
_FEW_SHOT = re.compile(r"\b(?:[1-9]\d*|one|few)[- ]shot\b", re.IGNORECASE)
_SHOTS = re.compile(r"(\d+)(?:[- ]shots?)?", re.IGNORECASE)


def setting_kind(text: str | None) -> str:
    """Kind of evaluation setting that free text names; the first rule that applies wins:

    1. "CoT" or "chain-of-thought" → ``chain-of-thought`` (any CoT prompting, few-shot or not);
    2. "fine-tuned" / "fine-tuning" / "finetuned" → ``fine-tuned``;
    3. "<n>-shot" with n ≥ 1, "one-shot" or "few-shot" → ``few-shot``; "0-shot" or
       "zero-shot" → ``zero-shot``; text naming both → ``unknown``;
    4. anything else, or blank → ``unknown``.

    >>> setting_kind("5-shot CoT"), setting_kind("0-shot"), setting_kind("HELM")
    ('chain-of-thought', 'zero-shot', 'unknown')
    """
    s = _clean(text)
    if s is None:
        return "unknown"
    if _COT.search(s):
        return "chain-of-thought"
    if _FINE_TUNED.search(s):
        return "fine-tuned"
    zero, few = bool(_ZERO_SHOT.search(s)), bool(_FEW_SHOT.search(s))
    if zero != few:
        return "zero-shot" if zero else "few-shot"
    return "unknown"


def epoch_setting_kind(shots: str | None, notes: str | None) -> str:
    """Kind of setting of one Epoch score record from its ``Shots`` and ``Notes`` cells.

    CoT named in either cell → ``chain-of-thought``; fine-tuning named in either →
    ``fine-tuned``; else ``Shots`` decides: "0" → ``zero-shot``, "<n>" or "<n>-shot" with
    n ≥ 1, or "few" → ``few-shot``; a blank or other ``Shots`` cell leaves it to
    :func:`setting_kind` of both cells (``Notes`` such as "3-shot; CoT"; "Couldn't find shot
    count" → ``unknown``).
    """
    shots_s, notes_s = _clean(shots), _clean(notes)
    both = "; ".join(p for p in (shots_s, notes_s) if p)
    if _COT.search(both):
        return "chain-of-thought"
    if _FINE_TUNED.search(both):
        return "fine-tuned"
    if shots_s is not None:
        m = _SHOTS.fullmatch(shots_s)
        if m:
            return "zero-shot" if int(m.group(1)) == 0 else "few-shot"
        if shots_s.casefold() in ("few", "few-shot"):
            return "few-shot"
    return setting_kind(both)


_SEPARATORS = re.compile(r"[\s\-_:/]+")
_SIZE_TOKEN = re.compile(r"\d+(?:\.\d+)?[bmkt]|\d+x\d+(?:\.\d+)?[bm]", re.IGNORECASE)
_VARIANT_TOKEN = re.compile(
    r"chat|instruct|base|hf|python|it|sft|rlhf|tuned|alpha|preview|pro|ultra|nano"
    r"|xs|s|m|l|xl|xxl|small|medium|large|tiny|mini|v\d+(?:\.\d+)*|\d{4}", re.IGNORECASE)

#: Family keys (``model_key`` of a :func:`model_family`) that name the same family:
#: "LLaMA 1" / "LLaMA1" is the retronym of LLaMA.
FAMILY_ALIASES = {"llama1": "llama"}


def model_family(name: str | None) -> str:
    """Model family of a model name: the name up to its first size or variant token.

    Parenthesised parts and "*" markers are dropped and "1_8B" is read as "1.8B"; the rest is
    split into tokens at blanks, "-", "_", ":" and "/". The family is the text before the
    first token (never the first token itself) that is a size ("7B", "1.3B", "16k", "8x7B")
    or a variant: "chat", "instruct", "base", "hf", "python", "it", "sft", "rlhf", "tuned",
    "alpha", "preview", "pro", "ultra", "nano", the sizes "xs", "s", "m", "l", "xl", "xxl",
    "small", "medium", "large", "tiny", "mini", versions "v0.1", and 4-digit snapshot dates
    ("gpt-4-0613"). A name without such a token is its own family. Deterministic; no
    similarity matching.

    >>> model_family("LLaMA 13B"), model_family("LLaMA-65B"), model_family("Falcon 7B")
    ('LLaMA', 'LLaMA', 'Falcon')
    >>> model_family("Llama 2 70B chat"), model_family("Qwen-1_8B"), model_family("T5-XXL")
    ('Llama 2', 'Qwen', 'T5')
    """
    full = " ".join(unicodedata.normalize("NFKC", str(name or "")).split())
    s = re.sub(r"\([^()]*\)", " ", full).replace("*", " ")
    s = re.sub(r"(?<=\d)_(?=\d)", ".", s).strip(" -_:/")
    if not s:
        return full
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SEPARATORS.finditer(s):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(s):
        spans.append((start, len(s)))
    for a, b in spans[1:]:
        token = s[a:b]
        if _SIZE_TOKEN.fullmatch(token) or _VARIANT_TOKEN.fullmatch(token):
            return s[:a].strip(" -_:/")
    return s


def _family_key(name: str | None) -> str:
    key = model_key(model_family(name))
    return FAMILY_ALIASES.get(key, key)


_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.IGNORECASE)


def clean_title(text: str | None) -> str | None:
    """A reference title as a publication label: white space collapsed (line breaks inside
    cells), surrounding double quotes and one trailing period dropped; None for blanks.

    >>> clean_title(' "Rethinking the inception architecture for computer vision." ')
    'Rethinking the inception architecture for computer vision'
    """
    s = _clean(text)
    if s is None:
        return None
    if len(s) > 1 and s[0] == s[-1] == '"':
        s = s[1:-1].strip()
    s = s[:-1].rstrip() if s.endswith(".") else s
    return s or None


def _title(reference: str | None, link: str | None) -> str | None:
    """The Epoch record's ``Reference`` title, else "arXiv:<id>" where ``Link`` is arXiv."""
    title = clean_title(reference)
    if title is None and link:
        m = _ARXIV_LINK.search(str(link))
        if m:
            title = f"arXiv:{m.group(1)}"
    return title


def _unique(pairs: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """key → title where every non-blank title of the key agrees (blanks say nothing)."""
    seen: dict[str, set[str]] = {}
    for key, title in pairs:
        if key and title:
            seen.setdefault(key, set()).add(title)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


_SIZE_ONLY = re.compile(r"\(\s*(?:" + _SIZE_TOKEN.pattern + r")\s*\)", re.IGNORECASE)


def _plain(name: str | None) -> bool:
    """A model name without a derivative qualifier: no "+" (composites such as "Flan T5-XXL +
    BLIP-2") and no parenthesised part other than a size ("PaLM (540B)" is plain,
    "LLaMA-7B (protein-oriented instruction-tuned)" is not)."""
    if not name or "+" in name:
        return False
    return "(" not in _SIZE_ONLY.sub("", name)


def _most_common(counts: Counter) -> str:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


@dataclass(frozen=True)
class PublicationIndex:
    """Epoch models-table titles and model-version names for :meth:`resolve`.

    ``by_name`` / ``by_key``: Epoch model name / its ``model_key`` → title; ``by_family``:
    family key → title, from Epoch models with plain names only (no "+" and no parenthesised
    part other than a size: "LLaMA-7B (protein-oriented instruction-tuned)" or "Flan T5-XXL +
    BLIP-2" are derivatives and left out, "PaLM (540B)" is kept); ``spelling``: family key →
    the family's most common spelling among the plain names of the models table (all names
    where none is plain); ``version_model`` / ``version_by_key``: Epoch model-version id /
    its ``model_key`` → Epoch model name. A title is the record's ``Reference``
    (:func:`clean_title`), else "arXiv:<id>" where ``Link`` is an arXiv URL; keys whose
    records disagree on the title are left out (blank titles say nothing).
    """

    by_name: Mapping[str, str]
    by_key: Mapping[str, str]
    by_family: Mapping[str, str]
    spelling: Mapping[str, str]
    version_model: Mapping[str, str]
    version_by_key: Mapping[str, str]

    @classmethod
    def build(cls, models: pd.DataFrame, versions: pd.DataFrame | None = None,
              ) -> PublicationIndex:
        """From a models frame (columns ``model``, ``reference``, optional ``link``) and a
        model-versions frame (``model_version``, ``epoch_model``, as :func:`model_versions`)."""
        names = [_clean(m) for m in models["model"].tolist()]
        links = (models["link"].tolist() if "link" in models.columns
                 else [None] * len(models))
        titles = [_title(r, lk) for r, lk in zip(models["reference"].tolist(), links,
                                                 strict=True)]
        keys = [model_key(n) for n in names]
        families = [model_family(n) if n else "" for n in names]
        fkeys = [FAMILY_ALIASES.get(k, k) for k in (model_key(f) for f in families)]
        plain = [_plain(n) for n in names]
        spellings: dict[str, Counter] = {}
        for k, f, p in zip(fkeys, families, plain, strict=True):
            if k:
                # plain names count first; a family with none is spelled from all its names
                spellings.setdefault(k, Counter())[f] += 1_000_000 if p else 1
        spelling = {k: _most_common(c) for k, c in spellings.items()}
        version_model: dict[str, str] = {}
        by_vkey: dict[str, set[str]] = {}
        if versions is not None:
            for v, m in zip(versions["model_version"].tolist(),
                            versions["epoch_model"].tolist(), strict=True):
                if isinstance(v, str) and isinstance(m, str) and v and m:
                    version_model[v] = m
                    by_vkey.setdefault(model_key(v), set()).add(m)
        return cls(
            by_name=_unique(zip([n or "" for n in names], titles, strict=True)),
            by_key=_unique(zip(keys, titles, strict=True)),
            by_family=_unique((k, t) for k, t, p in zip(fkeys, titles, plain, strict=True)
                              if p),
            spelling=spelling,
            version_model=version_model,
            version_by_key={k: next(iter(v)) for k, v in by_vkey.items() if len(v) == 1},
        )

    def _title_of(self, epoch_model: str) -> str | None:
        return self.by_name.get(epoch_model) or self.by_key.get(model_key(epoch_model))

    def resolve(self, model: str | None, version: str | None = None) -> tuple[str, str, str]:
        """(publication, rule, family key) of one result; the first rule that applies wins:

        1. ``version``: the Epoch model-version id names an Epoch model (``model_versions.csv``)
           whose record has a title (by exact name, else by ``model_key``);
        2. ``key``: ``model_key(model)`` equals the key of Epoch models with one title;
        3. ``version-key``: ``model_key(model)`` equals the key of a model-version id (names
           written as ids, e.g. "text-davinci-003", "Llama-2-7b-hf") whose Epoch model has
           a title;
        4. ``family-reference``: the family (:func:`model_family` of the Epoch model name
           found in 1 or 3, else of ``model``) is that of Epoch models with one title;
        5. ``family``: the family name itself (spelled as in the models table where the
           family is there).
        """
        name = _clean(model) or ""
        epoch_model = self.version_model.get(version) if isinstance(version, str) else None
        if epoch_model and (t := self._title_of(epoch_model)):
            return t, "version", _family_key(epoch_model)
        if (t := self.by_key.get(model_key(name))) is not None:
            return t, "key", _family_key(name)
        if epoch_model is None:
            epoch_model = self.version_by_key.get(model_key(name))
            if epoch_model and (t := self._title_of(epoch_model)):
                return t, "version-key", _family_key(epoch_model)
        base = epoch_model or name
        fkey = _family_key(base)
        if (t := self.by_family.get(fkey)) is not None:
            return t, "family-reference", fkey
        return self.spelling.get(fkey) or model_family(base) or name, "family", fkey


def _columns(path: str, columns: dict[str, str]) -> pd.DataFrame:
    """Only ``columns`` (file name → our name) of a CSV file, as text ("" for blanks); a
    fast read for lookups (the full checks are the tables' own loaders')."""
    try:
        raw = pd.read_csv(path, usecols=list(columns), dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
    except ValueError as exc:
        raise InputError(f"cannot read the columns {', '.join(columns)} ({exc})",
                         path=path) from None
    return raw.rename(columns=columns)


def _version_names(path: str) -> pd.DataFrame:
    out = _columns(path, {"id": "model_version", "Model": "epoch_model"})
    return out.map(_clean)


@lru_cache(maxsize=4)
def _cached_index(models_path: str, models_stamp: tuple[int, int], versions_path: str,
                  versions_stamp: tuple[int, int]) -> PublicationIndex:
    models = _columns(models_path, {"Model": "model", "Reference": "reference", "Link": "link"})
    return PublicationIndex.build(models, _version_names(versions_path))


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def publication_index(strict: bool | None = None, *,
                      models: pd.DataFrame | None = None) -> PublicationIndex:
    """The :class:`PublicationIndex` of the Epoch models table (``epoch-ai-models``:
    ``Model``, ``Reference``, ``Link`` of ``all_ml_systems_full_view.csv``) and this source's
    ``model_versions.csv``. Read once per process and file version (cached); pass ``models``
    (columns ``model``, ``reference``, optional ``link``) to use another models table."""
    from computelimits.data.loaders import epoch_models

    vpath = _path(VERSIONS_FILE, strict)
    if models is not None:
        return PublicationIndex.build(models, _version_names(str(vpath)))
    mpath = locate(epoch_models.SOURCE, epoch_models.FILE, strict=strict).path
    return _cached_index(str(mpath), _stamp(Path(mpath)), str(vpath), _stamp(Path(vpath)))


def publications(index: PublicationIndex, models: Sequence[str | None],
                 versions: Sequence[str | None] | None = None) -> tuple[list[str], Counter]:
    """The publication of each result (:meth:`PublicationIndex.resolve`) and the number of
    rows per rule. Family fallbacks of one family that the models table does not know are
    spelled alike (the most common spelling among the rows, ties broken alphabetically), so
    "ChatGLM2" and "ChatGLM 2" give one publication."""
    vs = list(versions) if versions is not None else [None] * len(models)
    memo: dict[tuple[str | None, str | None], tuple[str, str, str]] = {}
    resolved = []
    for m, v in zip(models, vs, strict=True):
        key = (m, v if isinstance(v, str) else None)
        if key not in memo:
            memo[key] = index.resolve(*key)
        resolved.append(memo[key])
    counts: dict[str, Counter] = {}
    for pub, rule, fkey in resolved:
        if rule == "family" and fkey not in index.spelling:
            counts.setdefault(fkey, Counter())[pub] += 1
    chosen = {k: _most_common(c) for k, c in counts.items()}
    out = [chosen.get(fkey, pub) if rule == "family" else pub for pub, rule, fkey in resolved]
    return out, Counter(rule for _, rule, _ in resolved)


# ---------------------------------------------------------------------------------------------
# score files


def _score_rows(df: pd.DataFrame, file: str, benchmark: str, column: str, metric: str,
                base: pd.DataFrame, *, counted: bool) -> pd.DataFrame:
    scale = "percent" if file in _PERCENT_FILES else "auto"
    values = fractions(df, column, scale=scale)
    keep = ~np.isnan(values)
    if counted:
        df.attrs["repairs"].note(f"{column}: blank score dropped", int((~keep).sum()))
    part = base.loc[keep].copy()
    part["benchmark"] = benchmark
    part["metric"] = metric
    part["value"] = values[keep]
    return part


def _read_external(path: str | Path, file: str, *, label: str | None = None) -> pd.DataFrame:
    """Parse one ``external_benchmark_*.csv`` file (``file`` is its registry name) into
    results rows without dates: model (None where blank), model_version, benchmark, metric,
    value (fraction), setting, origin, source_file, source_row. ``attrs["repairs"]`` holds the
    file's repairs."""
    if file not in _EXTERNAL:
        raise InputError("no headline score column is known for this file (add it to "
                         "epoch_benchmarks._EXTERNAL)", path=str(label or path))
    benchmark, column, metric = _EXTERNAL[file]
    secondary = _SECONDARY.get(file, ())
    df = read_csv(path, label=label,
                  required=["Model version", column, *(c for _, c, _ in secondary)])
    shots = _optional(df, "Shots")
    setting_parts: list[pd.Series] = [shots.map(_shots)]
    if "Frames" in df.columns:
        setting_parts.append(_text(df, "Frames").map(lambda s: f"{s} frames" if s else None))
    if "Agent" in df.columns:
        setting_parts.append(_text(df, "Agent").map(lambda s: f"agent: {s}" if s else None))
    notes = [_join(*cells) for cells in zip(_optional(df, "Notes"),
                                             _optional(df, "Notes (details)"), strict=True)]
    setting_parts.append(pd.Series(notes, index=df.index, dtype=object))
    setting = [_join(*cells) for cells in zip(*setting_parts, strict=True)]
    kinds = [epoch_setting_kind(n_shots, note)
             for n_shots, note in zip(shots, notes, strict=True)]
    base = pd.DataFrame({
        "model": _optional(df, "Name"),
        "model_version": _text(df, "Model version"),
        "setting": setting,
        "setting_kind": kinds,
        "origin": _optional(df, "Source"),
        "source_file": file,
        "source_row": df.index + 1,
    }, index=df.index)
    parts = [_score_rows(df, file, benchmark, column, metric, base, counted=True)]
    parts += [_score_rows(df, file, b, c, m, base, counted=False) for b, c, m in secondary]
    key = ["id"] if "id" in df.columns else list(df.columns)
    kept = drop_duplicates(df, key, what="records").index
    out = pd.concat(parts)
    out = out[out.index.isin(kept)].reset_index(drop=True)
    out.attrs = {"path": df.attrs["path"], "repairs": df.attrs["repairs"]}
    return out


def _slug(task: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", task.casefold()).strip("-")


def _read_runs(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """Parse ``benchmarks_runs.csv`` (Epoch's own evaluations) into results rows without
    dates; ``value`` = ``Best score (across scorers)`` (a fraction 0–1)."""
    col = "Best score (across scorers)"
    df = read_csv(path, label=label, required=["id", "task", "model", col])
    rep: Repairs = df.attrs["repairs"]
    tasks = _text(df, "task", required=True)
    ids = []
    for task in tasks:
        if task in RUN_TASKS:
            ids.append(RUN_TASKS[task])
        else:
            ids.append(_slug(task))
            rep.note(f"task {task!r} has no canonical id: slug {_slug(task)!r} used")
    version = _text(df, "model", required=True)
    values = fractions(df, col, scale="fraction")
    tv = _optional(df, "task version")
    out = pd.DataFrame({
        "model": None,
        "model_version": version,
        "benchmark": ids,
        "metric": "accuracy",
        "value": values,
        "setting": [f"task version {v}" if v else None for v in tv],
        "setting_kind": "unknown",
        "origin": _RUNS_ORIGIN,
        "source_file": RUNS_FILE,
        "source_row": df.index + 1,
    }, index=df.index)
    blank = np.isnan(values)
    rep.note(f"{col}: blank score dropped", int(blank.sum()))
    kept = drop_duplicates(df, ["id"], what="runs").index
    out = out[~blank & out.index.isin(kept)].reset_index(drop=True)
    out.attrs = {"path": df.attrs["path"], "repairs": rep}
    return out


def _resolve_dates(versions: pd.Series, mv_dates: Mapping[str, pd.Timestamp],
                   eci_dates: Mapping[str, pd.Timestamp], epoch_model: Mapping[str, str | None],
                   model_dates: Mapping[str, object] | None) -> tuple[pd.Series, Counter]:
    how: Counter = Counter()
    out = []
    for v in versions:
        d, where = None, "unresolved"
        if v is not None:
            if pd.notna(mv_dates.get(v, pd.NaT)):
                d, where = mv_dates[v], "model_versions"
            elif pd.notna(eci_dates.get(v, pd.NaT)):
                d, where = eci_dates[v], "eci"
            elif model_dates is not None and epoch_model.get(v) in model_dates:
                d = pd.Timestamp(model_dates[epoch_model[v]])  # type: ignore[arg-type]
                if pd.notna(d):
                    where = "models table"
                else:
                    d = None
        how[where] += 1
        out.append(d)
    return pd.to_datetime(pd.Series(out, index=versions.index, dtype=object)), how


def load_results(strict: bool | None = None, *,
                 model_dates: Mapping[str, object] | None = None,
                 index: PublicationIndex | None = None) -> pd.DataFrame:
    """All scores of this source as a *results* table.

    Rows come from every registered ``external_benchmark_*.csv`` (headline column of
    :func:`benchmark_files`, plus arc-easy), ``benchmarks_runs.csv`` (Epoch's own runs,
    origin "Epoch AI evaluation"), and the ECI scores (:func:`load_eci`). ``value`` is a
    fraction in [0, 1] except for ``eci`` (index points). ``date`` is the model's release
    date (see the module docstring); ``model_dates`` optionally maps Epoch model names to
    publication dates for the README's third fallback.
    ``attrs["date_resolution"]`` counts rows by date origin (ECI rows excluded: they carry
    their own ``Release date``). ``publication`` and ``setting_kind`` follow the rules of the
    module docstring; ``index`` (:func:`publication_index`) is built from the Epoch models
    table when None (read once per process); ``attrs["publication_rules"]`` counts rows per
    publication rule.
    """
    repairs = Repairs()
    versions = _read_versions(_path(VERSIONS_FILE, strict))
    _merge(repairs, versions, VERSIONS_FILE)
    eci = _read_eci(_path(ECI_FILE, strict))
    _merge(repairs, eci, ECI_FILE)

    parts = []
    for f in SOURCES[SOURCE].files:
        if not f.name.startswith("external_benchmark_"):
            continue
        part = _read_external(_path(f.path, strict), f.path)
        _merge(repairs, part, f.path)
        parts.append(part)
    runs = _read_runs(_path(RUNS_FILE, strict))
    _merge(repairs, runs, RUNS_FILE)
    parts.append(runs)
    scores = pd.concat(parts, ignore_index=True)

    mv_dates = dict(zip(versions["model_version"], versions["release_date"], strict=True))
    epoch_model = dict(zip(versions["model_version"], versions["epoch_model"], strict=True))
    eci_dates = dict(zip(eci["model_version"], eci["date"], strict=True))
    scores["date"], how = _resolve_dates(scores["model_version"], mv_dates, eci_dates,
                                         epoch_model, model_dates)
    fallback = pd.Series([epoch_model.get(v) for v in scores["model_version"]],
                         index=scores.index, dtype=object)
    scores["model"] = _coalesce(scores["model"], fallback, scores["model_version"])

    out = _finish_results(pd.concat([scores, _eci_results(eci)], ignore_index=True),
                          index or publication_index(strict))
    _attrs(out, repairs)
    out.attrs["date_resolution"] = dict(how)
    return conform(out, "results")
