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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
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
    "RUNS_FILE",
    "RUN_TASKS",
    "SOURCE",
    "VERSIONS_FILE",
    "benchmark_files",
    "load_compute",
    "load_eci",
    "load_results",
    "model_versions",
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
        "origin": _ECI_ORIGIN,
        "source_file": ECI_FILE,
        "source_row": rows["source_row"],
    })


def _finish_results(out: pd.DataFrame) -> pd.DataFrame:
    out = out.copy()
    out["model_key"] = [model_key(m) for m in out["model"]]
    out["higher_is_better"] = [METRICS[m].higher_is_better for m in out["metric"]]
    out["unit"] = [METRICS[m].unit for m in out["metric"]]
    err = np.full(len(out), np.nan)
    for metric in out["metric"].unique():
        mask = (out["metric"] == metric).to_numpy()
        err[mask] = error_of(out.loc[mask, "value"].to_numpy(dtype=float), metric)
    out["error"] = err
    out["source"] = SOURCE
    return out


def load_eci(strict: bool | None = None) -> pd.DataFrame:
    """ECI scores as a *results* table: benchmark ``eci``, metric ``eci``, unit ``index``
    (Epoch's index points), ``error`` NaN; date = the ECI table's ``Release date``. Rows
    with a blank ECI score give no row (most of the pre-2024 table)."""
    eci = _read_eci(_path(ECI_FILE, strict))
    repairs = Repairs()
    _merge(repairs, eci, ECI_FILE)
    out = _finish_results(_eci_results(eci))
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
    setting_parts: list[pd.Series] = [_optional(df, "Shots").map(_shots)]
    if "Frames" in df.columns:
        setting_parts.append(_text(df, "Frames").map(lambda s: f"{s} frames" if s else None))
    if "Agent" in df.columns:
        setting_parts.append(_text(df, "Agent").map(lambda s: f"agent: {s}" if s else None))
    setting_parts += [_optional(df, "Notes"), _optional(df, "Notes (details)")]
    setting = [_join(*cells) for cells in zip(*setting_parts, strict=True)]
    base = pd.DataFrame({
        "model": _optional(df, "Name"),
        "model_version": _text(df, "Model version"),
        "setting": setting,
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
                 model_dates: Mapping[str, object] | None = None) -> pd.DataFrame:
    """All scores of this source as a *results* table.

    Rows come from every registered ``external_benchmark_*.csv`` (headline column of
    :func:`benchmark_files`, plus arc-easy), ``benchmarks_runs.csv`` (Epoch's own runs,
    origin "Epoch AI evaluation"), and the ECI scores (:func:`load_eci`). ``value`` is a
    fraction in [0, 1] except for ``eci`` (index points). ``date`` is the model's release
    date (see the module docstring); ``model_dates`` optionally maps Epoch model names to
    publication dates for the README's third fallback.
    ``attrs["date_resolution"]`` counts rows by date origin (ECI rows excluded: they carry
    their own ``Release date``).
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

    out = _finish_results(pd.concat([scores, _eci_results(eci)], ignore_index=True))
    _attrs(out, repairs)
    out.attrs["date_resolution"] = dict(how)
    return conform(out, "results")
