"""Epoch AI, "How far behind are open models?" (2024): LLM scores paired with training compute.

Source ``epoch-open-model-trends``: github.com/epoch-research/open-model-trends, ``data/``. The
repository has no LICENSE file; these are Epoch AI data under Epoch's blanket CC BY 4.0
statement. The benchmark numbers were compiled by Epoch from third parties (Open LLM
Leaderboard, HELM, papers) and keep their sources' terms. Attribution:
``SOURCES[SOURCE].attribution``, also set as ``attrs["attribution"]`` of every table returned.

Files: ``benchmarks_with_model_accessibility.csv`` (the "main" table) and
``gsm1k_with_model_accessibility.csv`` (the GSM1k table).

Tables and units
----------------
* :func:`load_results` — *results*: ``value`` a fraction in [0, 1] (metric ``accuracy``).
  Main table: ``MMLU`` → ``mmlu``, ``BBH`` → ``bbh``, ``GPQA`` → ``gpqa-diamond`` (origin
  "Epoch AI evaluation", as the README says), ``HELM MMLU`` → ``mmlu`` with setting "HELM"
  (origin "Stanford HELM"); ``setting`` is the matching ``… Notes`` cell. GSM1k table: ``GSM8k``
  → ``gsm8k`` and ``GSM1k`` → ``gsm1k`` (origin: the GSM1k paper, Zhang et al. 2024, whose
  model ids the ``System`` column uses). ``model`` = ``System``, ``date`` = ``Date`` (the
  model's release date). The LMSys Elo and SEAL columns are not shares and are not read. Other
  main-table rows' ``origin`` is None: the table does not say which leaderboard or paper each
  number came from (see the Notes columns, kept in ``setting``).
* ``setting_kind``: the files have no shot or CoT columns, so the text rule
  :func:`.epoch_benchmarks.setting_kind` reads ``setting`` (the Notes cell): "Actually CoT,
  so probably an overestimate …" → chain-of-thought; every other row (no note, "HELM", a URL,
  "davinci"; the README's "5-shot where known" / "mostly 3-shot" is not per row) → unknown.
* ``publication``: the publication of the evaluated model (``System``), resolved as in
  :mod:`.epoch_benchmarks` (:meth:`.epoch_benchmarks.PublicationIndex.resolve`; the files
  carry no model-version id): the Epoch models table's ``Reference`` title for the model's
  ``model_key``, else for the model-version id with that key ("text-davinci-003",
  "Llama-2-7b-hf"), else the title shared by the model's family ("LLaMa-1 13B" → family
  "LLaMA" → "LLaMA: Open and Efficient Foundation Language Models"), else the family name
  ("ChatGLM2-6B-base" → "ChatGLM2"). ``attrs["publication_rules"]`` counts rows per rule.
* :func:`load_compute` — *compute*: one row per file row with training compute (FLOP, > 0).
  Main table: ``Training compute (FLOP)``; ``parameters`` = ``Model size (parameters)``;
  ``dataset_size`` = ``Dataset size`` (training tokens / datapoints); ``notes`` = ``Training
  compute notes``. GSM1k table: ``Training compute (FLOP)``, else ``Speculative Compute`` with
  ``confidence`` "speculative" and a note saying so; it has no total-parameter or dataset
  column. ``method`` and (for non-speculative figures) ``confidence`` are None: the tables do not
  say. ``Active Parameters`` (parameters active per token; thousands separators removed, a
  counted repair) goes into ``notes`` as ``active_parameters=<n>``; it is not used as
  ``parameters`` (for mixture-of-experts models it is not the total).

Repairs and assumptions (counted in ``attrs["repairs"]``, keyed ``<file>: <repair>``)
-----------------------------------------------------------------------------------
* Blank score cells give no row; a score must be a fraction ≤ 1 (a percent string "77%" is
  converted and counted; a bare number over 1 is an error).
* Exact duplicate rows are dropped (counted); two rows with the same ``System`` that differ
  elsewhere are an error.
* Models present in both files (in the mirror "Claude 2.1"/"claude-2.1" and
  "GPT-NeoX 20B"/"gpt-neox-20b") keep one row per file; ``source_file`` tells them apart.
* A blank ``Date`` is allowed (``date`` NaT); the pre-2024 mirror has none.
* Derivative models dated with their base model's release date (Flan-T5 with T5's 2019-10-23,
  Flan-PaLM and U-PaLM with PaLM's, the text-*-001 InstructGPT models with GPT-3's, the GSM1k
  table's claude-2.1 with Claude 2's) get their own date from the hand-checked table
  ``date_checks.csv`` (:mod:`computelimits.data.date_checks`), in both tables, only where the
  file still gives the date listed there; each correction is a counted repair naming the models
  and the evidence, and a compute row's ``notes`` say so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data import date_checks
from computelimits.data.benchmarks import METRICS, error_of
from computelimits.data.fetch import locate
from computelimits.data.loaders.epoch_benchmarks import (
    PublicationIndex,
    publication_index,
    publications,
    setting_kind,
)
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

__all__ = ["GSM1K_FILE", "MAIN_FILE", "SOURCE", "load_compute", "load_results"]

SOURCE = "epoch-open-model-trends"
MAIN_FILE = "benchmarks_with_model_accessibility.csv"
GSM1K_FILE = "gsm1k_with_model_accessibility.csv"

# score column -> (benchmark id, metric id, notes column or None, fixed setting, origin)
_SCORES: dict[str, dict[str, tuple[str, str, str | None, str | None, str | None]]] = {
    MAIN_FILE: {
        "MMLU": ("mmlu", "accuracy", "MMLU Notes", None, None),
        "BBH": ("bbh", "accuracy", "BBH Notes", None, None),
        "GPQA": ("gpqa-diamond", "accuracy", "GPQA Notes", None, "Epoch AI evaluation"),
        "HELM MMLU": ("mmlu", "accuracy", "HELM MMLU Notes", "HELM", "Stanford HELM"),
    },
    GSM1K_FILE: {
        "GSM8k": ("gsm8k", "accuracy", None, None, "Zhang et al. 2024 (GSM1k paper)"),
        "GSM1k": ("gsm1k", "accuracy", None, None, "Zhang et al. 2024 (GSM1k paper)"),
    },
}

_COMPUTE_COLUMNS = {
    MAIN_FILE: ["Training compute (FLOP)", "Model size (parameters)", "Dataset size",
                "Training compute notes", "Active Parameters"],
    GSM1K_FILE: ["Training compute (FLOP)", "Speculative Compute", "Active Parameters"],
}

_SPECULATIVE_NOTE = "speculative compute estimate (column 'Speculative Compute')"


def _text(df: pd.DataFrame, col: str, *, required: bool = False) -> pd.Series:
    """:func:`parse.text` as an object column whose blanks are ``None`` (not NaN)."""
    s = text(df, col, required=required)
    return pd.Series([None if pd.isna(x) else " ".join(str(x).split()) for x in s],
                     index=df.index, dtype=object)


def _read(path: str | Path, file: str, *, label: str | None = None,
          columns: list[str] | None = None) -> pd.DataFrame:
    """Read one file; check ``System``, ``Date`` and ``columns``; drop exact duplicates."""
    df = read_csv(path, label=label, required=["System", "Date", *(columns or [])])
    df.attrs["kept"] = drop_duplicates(df, ["System"], what="rows").index
    return df


def _merge(into: Repairs, df: pd.DataFrame, file: str) -> None:
    for what, n in df.attrs.get("repairs", {}).items():
        into.note(f"{file}: {what}", n)


def _results_of(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Results rows (no derived columns yet) from a file read by :func:`_read`."""
    specs = _SCORES[file]
    system = _text(df, "System", required=True)
    date = dates(df, "Date")
    parts = []
    for col, (benchmark, metric, notes_col, fixed, origin) in specs.items():
        values = fractions(df, col, scale="fraction")
        notes = (_text(df, notes_col) if notes_col and notes_col in df.columns
                 else pd.Series([None] * len(df), index=df.index, dtype=object))
        setting = ["; ".join(p for p in (fixed, n) if p) or None for n in notes]
        part = pd.DataFrame({
            "model": system,
            "date": date,
            "benchmark": benchmark,
            "metric": metric,
            "value": values,
            "setting": setting,
            "setting_kind": [setting_kind(x) for x in setting],
            "origin": origin,
            "source_file": file,
            "source_row": df.index + 1,
        }, index=df.index)
        keep = ~np.isnan(values) & df.index.isin(df.attrs["kept"])
        parts.append(part[keep])
    return pd.concat(parts)


def _compute_of(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Compute rows (no derived columns yet) from a file read by :func:`_read`."""
    flop = numbers(df, "Training compute (FLOP)", positive=True)
    confidence = [None] * len(df)
    notes: list[list[str]] = [[] for _ in range(len(df))]
    if "Training compute notes" in df.columns:
        for i, n in enumerate(_text(df, "Training compute notes")):
            if n:
                notes[i].append(n)
    if "Speculative Compute" in df.columns:
        spec = numbers(df, "Speculative Compute", positive=True)
        use = np.isnan(flop) & ~np.isnan(spec)
        flop = np.where(use, spec, flop)
        for i in np.flatnonzero(use):
            confidence[i] = "speculative"
            notes[i].append(_SPECULATIVE_NOTE)
    if "Active Parameters" in df.columns:
        active = numbers(df, "Active Parameters", positive=True, thousands=True)
        for i, a in enumerate(active):
            if not np.isnan(a):
                notes[i].append(f"active_parameters={a:.0f}" if a.is_integer()
                                else f"active_parameters={a!r}")

    def optional_numbers(col: str) -> np.ndarray:
        if col in df.columns:
            return numbers(df, col, positive=True)
        return np.full(len(df), np.nan)

    out = pd.DataFrame({
        "model": _text(df, "System", required=True),
        "date": dates(df, "Date"),
        "training_flop": flop,
        "method": None,
        "confidence": pd.Series(confidence, index=df.index, dtype=object),
        "parameters": optional_numbers("Model size (parameters)"),
        "dataset_size": optional_numbers("Dataset size"),
        "notes": ["; ".join(n) or None for n in notes],
        "source_file": file,
        "source_row": df.index + 1,
    }, index=df.index)
    keep = ~np.isnan(flop) & df.index.isin(df.attrs["kept"])
    return out[keep]


def _finish(out: pd.DataFrame, repairs: Repairs, table: str) -> pd.DataFrame:
    out = out.reset_index(drop=True)
    out["model_key"] = [model_key(m) for m in out["model"]]
    out["source"] = SOURCE
    out.attrs["attribution"] = [SOURCES[SOURCE].attribution]
    out.attrs["repairs"] = repairs
    return conform(out, table)


def load_results(strict: bool | None = None, *,
                 index: PublicationIndex | None = None) -> pd.DataFrame:
    """Benchmark scores of both files as a *results* table (``value`` a fraction in [0, 1];
    see the module docstring for the column → benchmark mapping, ``publication`` and
    ``setting_kind``). ``index`` (:func:`.epoch_benchmarks.publication_index`) is built from
    the Epoch models table when None (read once per process); ``attrs["publication_rules"]``
    counts rows per publication rule."""
    repairs = Repairs()
    parts = []
    for file, specs in _SCORES.items():
        notes = [n for _, _, n, _, _ in specs.values() if n]
        df = _read(locate(SOURCE, file, strict=strict).path, file,
                   columns=[*specs, *notes])
        parts.append(date_checks.correct(_results_of(df, file), SOURCE, repairs))
        _merge(repairs, df, file)
    out = pd.concat(parts, ignore_index=True)
    out["higher_is_better"] = [METRICS[m].higher_is_better for m in out["metric"]]
    out["unit"] = [METRICS[m].unit for m in out["metric"]]
    err = np.full(len(out), np.nan)
    for metric in out["metric"].unique():
        mask = (out["metric"] == metric).to_numpy()
        err[mask] = error_of(out.loc[mask, "value"].to_numpy(dtype=float), metric)
    out["error"] = err
    out["publication"], rules = publications(index or publication_index(strict),
                                             list(out["model"]))
    out = _finish(out, repairs, "results")
    out.attrs["publication_rules"] = dict(rules)
    return out


def load_compute(strict: bool | None = None) -> pd.DataFrame:
    """Training compute (FLOP, > 0) of both files as a *compute* table, one row per file row
    with a figure; GSM1k-table rows with only ``Speculative Compute`` have ``confidence``
    "speculative"."""
    repairs = Repairs()
    parts = []
    for file, columns in _COMPUTE_COLUMNS.items():
        df = _read(locate(SOURCE, file, strict=strict).path, file, columns=columns)
        parts.append(date_checks.correct(_compute_of(df, file), SOURCE, repairs,
                                         note_column="notes"))
        _merge(repairs, df, file)
    return _finish(pd.concat(parts, ignore_index=True), repairs, "compute")
