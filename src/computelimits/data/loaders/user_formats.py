"""Users' own data files: the Computer-Progress per-benchmark layout and a generic CSV.

These files are not registered sources: the user names the file. Every cell is converted by
the strict converters of :mod:`computelimits.data.parse`; a cell that cannot be read is an
:class:`~computelimits.errors.InputError` naming the file, the data row (1-based, header
excluded; the line follows in the message) and the column. Exact duplicate rows are dropped
and counted; rows that repeat a key with different values are errors. Counted repairs and
skipped rows travel in ``attrs["repairs"]`` of both returned tables.

Computer-Progress layout (:func:`load_computer_progress`)
---------------------------------------------------------

One CSV per benchmark, in the layout of the per-benchmark tables of the Computer Progress
project (Thompson et al.; columns as documented for the mirror's ``computer-progress``
folder; those tables themselves are not distributed and not used here). Column names are
matched ignoring case and surrounding blanks:

* ``year`` (required): publication year → ``date`` = 15 June of that year, as the Computer
  Progress site did (a counted repair).
* ``method`` or ``model`` (one of them, required): the model.
* ``title``, ``paper``, ``url``: where the result comes from. In the ImageNet file ``paper``
  is the title and ``url`` the link; in the CoNLL/WMT files ``paper`` is a link and
  ``title`` the title; COCO and SQuAD have ``title`` and ``url``. A cell is a link when it
  has no blanks and starts with ``http``/``www.``/``doi:``/``arxiv:`` or contains ``/`` and
  ``.``.
* ``gpu``, ``tpu``, ``cpu``: processor names; ``#gpu``, ``#tpu``, ``#cpu``: how many
  (positive whole numbers).
* ``hw_gflops``: total peak throughput of the hardware, GFLOP/s (count × per-unit rate, the
  data collectors' own product).
* ``time_sec`` (required): training wall-clock time, seconds.
* ``#epochs``; ``#params`` / ``#param`` / ``params``: parameter count.
* Metric columns, all in **percent**, stored as fractions under these metric ids, and how
  each becomes an ``error`` (:func:`computelimits.data.benchmarks.error_of`):

  ============================== =========================== ============================
  column                         metric                      error
  ============================== =========================== ============================
  ``top1_error``, ``top5_error`` top1_error, top5_error      the error rate as given
  ``BOX_AP`` (box mAP@[.5:.95])  box_ap                      1 − AP
  ``AP50``, ``AP75``             ap50, ap75                  1 − AP
  ``APS``, ``APM``, ``APL``      ap_small, ap_medium,        1 − AP
                                 ap_large
  ``F1``                         f1                          1 − F1
  ``EM`` (exact match)           exact_match                 1 − EM
  ``BLEU`` (BLEU points, 0–100)  bleu (kept in points)       1 − BLEU/100
  ============================== =========================== ============================

  The metrics must belong to the benchmark: imagenet (top1_error, top5_error), coco (the
  six AP metrics), squad1.1 (f1, exact_match), conll2003 (f1), wmt2014-en-de and
  wmt2014-en-fr (bleu). ``SACREBLEU`` (not comparable with tokenised BLEU) is recognised but
  not read; the column is counted in the repairs. At least one readable metric column is
  required. Other columns (COCO's leaderboard rank ``id`` and ``dataset``, free-text times
  such as SQuAD's ``time``, comments) are not read. No row is filtered for its score: a
  score at or below chance level loads like any other (filtering is done later).

Every result row carries its provenance: ``publication`` = the paper title (``title``, else
``paper`` when that cell is a title and not a link), else the link (``url``, else a link
in ``paper``/``title``), else the model name; the two fallbacks are counted repairs.
``origin`` is the title or link (blank when neither is given). ``setting_kind`` is
"supervised" (each model was trained on the benchmark's own training set). ``source_row``
is the file's data row (1-based, header excluded), in results and compute alike, so that a
result is linked to the hardware burden of **its own row** by (source, source_file,
source_row), never by model name: two papers reporting one model name with different
hardware keep one figure each.

**Hardware burden** (the paper's "number of processors × computation rate × time"), in
**FLOP**: the 2021 Computer Progress seeders computed it in GFLOP (GFLOP/s × s); here it is
multiplied by 10⁹. ``compute_kind`` is "hardware_burden" and ``method`` "hardware". Two
ways, named in ``compute.notes`` of every row:

* ``hardware`` given: a mapping processor name → ``Peak`` (peak GFLOP/s per unit as
  written, its precision, chips per unit; :mod:`computelimits.data.loaders.computer_progress`,
  e.g. its ``peak_table()``), names matched exactly. A bare number means FP32 GFLOP/s of a
  single-chip unit (backward compatible).
  ``convention`` says what the counts are:

  - ``"per-chip"`` (default): ``#gpu``/``#tpu``/``#cpu`` count **chips**, as the papers do
    (BERT "64 TPU chips", XLNet "512 TPU v3 chips"); burden = Σ count × (unit rate / chips
    per unit) × 10⁹ × time_sec. A Cloud TPU v3 device's 420,000 GFLOP/s is 105,000 per
    chip. ``chip_count`` is the sum of the GPU and TPU counts.
  - ``"paper"``: exactly the rate convention of the Computer Progress seeder: Σ count ×
    unit rate as written × 10⁹ × time_sec, so a TPU count is read as whole 4-chip devices
    (or pods); 4× the per-chip figure when the count is really chips. ``chip_count`` is
    then count × chips per unit.

  ``peak_precision`` is the precision of the peak(s) used: "fp32" (GPU/CPU tables), "bf16"
  (Cloud TPU), or "mixed" when one row sums peaks of different precisions. ``notes`` name the
  convention and each processor's per-chip rate and precision.
* ``hardware=None``: ``hw_gflops`` × 10⁹ × time_sec, the file's own throughput. Its
  precision and its chip-or-device convention are the data collectors' and are not
  checked (the README lists TPU rows that mix both): ``peak_precision`` is "as given",
  ``notes`` say so, and ``chip_count`` is the sum of the GPU and TPU counts as written.
  ``convention`` does not apply (it is still validated).

``time_sec`` is not truncated to whole seconds (the seeders did). A row without
``time_sec``, without a rate (no ``hw_gflops``; or, with a mapping, a processor name that
is not in it or has no rate, a name without a count or a count without a name) or without
any processor gets no compute row; each such row is counted in the repairs under its reason
("row without compute: …"), never silently. That includes the CoNLL CPU rows that put the
CPU count in ``#gpu`` with a blank ``gpu`` name and a ``cpu`` name but no ``#cpu``: the count
is not moved to ``#cpu`` (reason "CPU count in #gpu?"). Unlike the 2021 seeders, an
unparseable number is an error, not NULL.

Generic CSV (:func:`load_generic`)
----------------------------------

A UTF-8 CSV with a header row, one result per row. Column names are exact (lower case).

================ ======== ============================================================
column           required meaning
================ ======== ============================================================
model            yes      model name
benchmark        yes      benchmark id or alias (``computelimits.data.benchmarks``:
                          imagenet, coco, squad1.1, wmt2014-en-de, wmt2014-en-fr,
                          conll2003, mmlu, ...)
metric           yes      metric id: accuracy, top1_accuracy, top5_accuracy, top1_error,
                          top5_error, exact_match, f1, bleu, eci, box_ap, ap50, ap75,
                          ap_small, ap_medium, ap_large
value            yes      the score; see ``unit``
date             no       model/paper date: YYYY-MM-DD (YYYY-MM → day 1 and YYYY → 1 July,
                          counted repairs)
unit             no       ``fraction`` (0–1), ``percent`` (0–100), ``bleu`` (BLEU points,
                          0–100; only for metric bleu); ``index`` for metric eci. Blank: a
                          share may be a fraction or a string with ``%`` ("77.5%", counted
                          repair); a bare number above 1 is then an error (percent without
                          a ``%`` sign?). BLEU is always in points.
higher_is_better no       true/false (yes/no, 1/0); must agree with the metric
training_flop    no       training compute behind this row's model, FLOP (> 0); every row
                          with it gives its own ``compute`` row (``source_row`` = that
                          row)
compute_kind     no       what ``training_flop`` measures: training (default),
                          hardware_burden, imputed_operations, includes_search,
                          other_dataset, other_purpose. ``method`` follows: reported
                          (training, includes_search, other_dataset, other_purpose),
                          hardware (hardware_burden), imputed (imputed_operations)
setting          no       evaluation notes (shots, harness, crops)
setting_kind     no       supervised, zero-shot, few-shot, chain-of-thought, fine-tuned or
                          unknown (default unknown)
origin           no       paper or leaderboard the score comes from
publication      no       the publication the model comes from (the cluster unit);
                          default: ``origin``, else blank
================ ======== ============================================================

Checks: an unknown benchmark, metric, compute_kind or setting_kind is an error naming the
row and column and listing the allowed values; shares must lie in [0, 1] after conversion
(so an accuracy over 100 % is an error); a ``%`` sign with unit ``fraction`` is an error;
dates must parse and lie in 1900–2100. One model name with one ``origin`` (blank counts as
one origin) given two different ``training_flop`` values or dates is an error (a typo);
rows of different origins may differ (different papers report different figures for one
model name), and each keeps its own compute row. A ``compute_kind`` on a row without
``training_flop`` is ignored and counted. Exact duplicate rows (after the conversions) are
dropped and counted; two rows for the same model, benchmark, metric, setting and origin
with different values are an error naming both rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of, find_benchmark
from computelimits.data.loaders.computer_progress import Peak
from computelimits.data.names import model_key
from computelimits.data.parse import (
    BLANKS,
    Repairs,
    dates,
    drop_duplicates,
    fractions,
    numbers,
    read_csv,
    require_columns,
    text,
)
from computelimits.data.schema import conform
from computelimits.errors import ConfigError, InputError
from computelimits.formulas import hardware_burden_flop

__all__ = [
    "COMPUTE_KINDS",
    "CONVENTIONS",
    "GENERIC_COLUMNS",
    "SETTING_KINDS",
    "SOURCE_COMPUTER_PROGRESS",
    "SOURCE_GENERIC",
    "load_computer_progress",
    "load_generic",
]

#: ``source`` value of rows read from users' files.
SOURCE_COMPUTER_PROGRESS = "user-computer-progress"
SOURCE_GENERIC = "user-generic"

GENERIC_REQUIRED = ("model", "benchmark", "metric", "value")
GENERIC_OPTIONAL = ("date", "unit", "higher_is_better", "training_flop", "compute_kind",
                    "setting", "setting_kind", "origin", "publication")
GENERIC_COLUMNS = GENERIC_REQUIRED + GENERIC_OPTIONAL

#: compute_kind values of the generic CSV → the compute row's ``method``.
COMPUTE_KINDS = {
    "training": "reported",
    "hardware_burden": "hardware",
    "imputed_operations": "imputed",
    "includes_search": "reported",
    "other_dataset": "reported",
    "other_purpose": "reported",
}
#: setting_kind values of the generic CSV (default "unknown").
SETTING_KINDS = ("supervised", "zero-shot", "few-shot", "chain-of-thought", "fine-tuned",
                 "unknown")
#: How the #gpu/#tpu/#cpu counts of a Computer-Progress file are read with a hardware mapping.
CONVENTIONS = ("per-chip", "paper")

GFLOP = 1e9

#: Computer-Progress metric columns (lower-cased) → metric id.
_CP_METRICS = {
    "top1_error": "top1_error", "top5_error": "top5_error",
    "box_ap": "box_ap", "ap50": "ap50", "ap75": "ap75",
    "aps": "ap_small", "apm": "ap_medium", "apl": "ap_large",
    "f1": "f1", "em": "exact_match", "bleu": "bleu",
}
#: Recognised metric columns that are not read, with the reason.
_CP_UNREAD = {"sacrebleu": "SacreBLEU is not comparable with tokenised BLEU"}
#: Metrics that the Computer-Progress tables held for the benchmarks known here.
_CP_BENCHMARK_METRICS = {
    "imagenet": {"top1_error", "top5_error"},
    "coco": {"box_ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large"},
    "squad1.1": {"f1", "exact_match"},
    "conll2003": {"f1"},
    "wmt2014-en-de": {"bleu"},
    "wmt2014-en-fr": {"bleu"},
}
_CP_METRIC_HEADERS = ("top1_error, top5_error, BOX_AP, AP50, AP75, APS, APM, APL, F1, EM, "
                      "BLEU")
_KINDS = ("gpu", "tpu", "cpu")
_LINK = re.compile(r"^(https?://|www\.|doi:|arxiv:)", re.IGNORECASE)

_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n"}


# --------------------------------------------------------------------------- helpers


def _fail(df: pd.DataFrame, i: int, column: str, message: str) -> InputError:
    lines = df.attrs.get("lines")
    line = f" (line {lines[i]})" if lines is not None and i < len(lines) else ""
    return InputError(message + line, path=df.attrs.get("path"), row=i + 1, column=column)


def _view(df: pd.DataFrame, col: str, cells: list[str]) -> pd.DataFrame:
    """A one-column frame with the same rows, path, lines and repair tally as ``df``, so that
    the parse converters can be run on a transformed or partial copy of a column."""
    tmp = pd.DataFrame({col: cells}, dtype=object)
    tmp.attrs = df.attrs
    return tmp


def _cells(df: pd.DataFrame, col: str) -> list[str]:
    return df[col].fillna("").astype(str).str.strip().tolist()


def _whole(df: pd.DataFrame, col: str, values: np.ndarray) -> None:
    for i, v in enumerate(values):
        if not np.isnan(v) and v != math.floor(v):
            raise _fail(df, i, col, f"{df[col].iloc[i]!r} is not a whole number")


def _frames_attrs(results: pd.DataFrame, compute: pd.DataFrame, path: str,
                  repairs: Repairs) -> tuple[pd.DataFrame, pd.DataFrame]:
    for out in (results, compute):
        out.attrs["repairs"] = repairs
        out.attrs["attribution"] = [f"user file {path}"]
    return conform(results, "results"), conform(compute, "compute")


def _is_link(cell: str) -> bool:
    """A URL-like cell (no blanks; a scheme, or a path with a dot), not a paper title."""
    if not cell or any(ch.isspace() for ch in cell):
        return False
    return bool(_LINK.match(cell)) or ("/" in cell and "." in cell)


# --------------------------------------------------------------- Computer-Progress layout


def _resolve(df: pd.DataFrame) -> dict[str, str]:
    """lower-cased stripped name → actual header; two headers with one name are an error."""
    out: dict[str, str] = {}
    for col in df.columns:
        key = str(col).strip().casefold()
        if not key:
            continue  # the WMT tables' unnamed framework column
        if key in out:
            raise InputError(f"two columns are named {key!r} (ignoring case)",
                             path=df.attrs.get("path"), column=str(col))
        out[key] = str(col)
    return out


def _validate_hardware(hardware: Mapping[str, Peak | float]) -> dict[str, Peak]:
    """Name → Peak; a bare number is FP32 GFLOP/s of a single-chip unit."""
    rates: dict[str, Peak] = {}
    for name, rate in hardware.items():
        if isinstance(rate, Peak):
            rates[str(name)] = rate
            continue
        try:
            value = float(rate)
        except (TypeError, ValueError):
            raise ConfigError(f"hardware[{name!r}] = {rate!r} is not a number "
                              "(peak GFLOP/s) or a Peak") from None
        if isinstance(rate, bool) or not math.isfinite(value) or value <= 0:
            raise ConfigError(f"hardware[{name!r}] = {rate!r} must be a positive peak "
                              "rate in GFLOP/s")
        rates[str(name)] = Peak(value, "fp32", 1)
    return rates


def _provenance(df: pd.DataFrame, cols: dict[str, str], model: pd.Series,
                keep: np.ndarray, repairs: Repairs) -> tuple[list[str | None], list[str]]:
    """Per row: origin (paper title, else link, else None) and publication (origin, else the
    model name). Fallbacks are counted over the kept rows."""
    n = len(df)

    def cells(key: str) -> list[str]:
        if key not in cols:
            return [""] * n
        return ["" if c in BLANKS else c for c in _cells(df, cols[key])]

    title, paper, url = cells("title"), cells("paper"), cells("url")
    origin: list[str | None] = []
    publication: list[str] = []
    for i in range(n):
        t = next((c for c in (title[i], paper[i]) if c and not _is_link(c)), None)
        link = next((c for c in (url[i], paper[i], title[i]) if c and _is_link(c)), None)
        if t is None and keep[i]:
            repairs.note("publication: no paper title, link used" if link else
                         "publication: no paper title or link, model name used")
        origin.append(t or link)
        publication.append(t or link or str(model.iloc[i]))
    return origin, publication


def load_computer_progress(path: str | Path, *, benchmark: str,
                           hardware: Mapping[str, Peak | float] | None = None,
                           convention: str = "per-chip",
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV in the Computer-Progress per-benchmark layout (see the module docstring).

    Args:
        path: the file.
        benchmark: benchmark id or alias of the file's results (e.g. "imagenet", "coco",
            "squad1.1", "conll2003", "wmt2014-en-de"); an unknown one is a ConfigError.
        hardware: processor name → ``Peak`` (peak GFLOP/s per unit as written, precision,
            chips per unit), looked up by exact name for the gpu/tpu/cpu columns; a bare
            number is FP32 GFLOP/s of a single-chip unit. A Peak whose rate is NaN is a
            known processor without a rate. None uses the file's ``hw_gflops`` column.
        convention: with ``hardware``, how the ``#gpu``/``#tpu``/``#cpu`` counts are read:
            "per-chip" (default; counts are chips, each at the unit rate / chips per unit)
            or "paper" (count × unit rate as written, as the Computer Progress seeder did).

    Returns:
        ``(results, compute)`` tidy tables. results: one row per metric cell (shares as
        fractions, BLEU in points), with ``publication``, ``setting_kind`` "supervised" and
        ``source_row`` = the file's data row. compute: one row per file row with a hardware
        burden, ``training_flop`` in FLOP, method "hardware", compute_kind
        "hardware_burden", ``peak_precision``, ``hours`` = time_sec / 3600 and
        ``source_row`` = the same data row as its results.

    Raises:
        ConfigError: an unknown benchmark or convention, or a bad hardware rate.
        InputError: a missing column or a cell that cannot be read (file, row, column).
    """
    bench = find_benchmark(benchmark).id
    if convention not in CONVENTIONS:
        raise ConfigError(f"convention must be one of {', '.join(map(repr, CONVENTIONS))}; "
                          f"got {convention!r}")
    rates = None if hardware is None else _validate_hardware(hardware)
    name = str(path)
    df = read_csv(path)
    cols = _resolve(df)
    if df.empty:
        raise InputError("no data rows", path=name)
    repairs: Repairs = df.attrs["repairs"]

    def need(*names: str) -> str:
        for n in names:
            if n in cols:
                return cols[n]
        require_columns(df, [names[0]])  # raises, with the closest names found
        raise AssertionError  # pragma: no cover

    year_col = need("year")
    model_cols = [cols[n] for n in ("method", "model") if n in cols]
    if len(model_cols) > 1:
        raise InputError("has both 'method' and 'model' columns; keep the one that names "
                         "the model", path=name, column=model_cols[1])
    model_col = model_cols[0] if model_cols else need("method", "model")
    time_col = need("time_sec")
    params_col = cols.get("#params") or cols.get("#param") or cols.get("params")
    epochs_col = cols.get("#epochs")
    metric_cols = {cols[c]: m for c, m in _CP_METRICS.items() if c in cols}
    for c, why in _CP_UNREAD.items():
        if c in cols:
            repairs.note(f"column {cols[c]} not read ({why})")
    if not metric_cols:
        raise InputError(f"no metric column; expected one of {_CP_METRIC_HEADERS}", path=name)
    allowed = _CP_BENCHMARK_METRICS.get(bench)
    for col, metric in metric_cols.items():
        if allowed is not None and metric not in allowed:
            raise InputError(f"metric {metric} does not belong to benchmark {bench} "
                             f"(expected {', '.join(sorted(allowed))})", path=name, column=col)
    if rates is None:
        gflops_col = need("hw_gflops")
    elif not any(k in cols or f"#{k}" in cols for k in _KINDS):
        need("gpu")

    # exact duplicate records
    exact = df.duplicated(keep="first")
    if exact.any():
        repairs.note("exact duplicate rows dropped", int(exact.sum()))
    keep = ~exact.to_numpy()

    model = text(df, model_col, required=True)
    origin, publication = _provenance(df, cols, model, keep, repairs)
    year = numbers(df, year_col, positive=True)
    _whole(df, year_col, year)
    for i, y in enumerate(year):
        if not np.isnan(y) and not 1900 <= y <= 2100:
            raise _fail(df, i, year_col, f"year {y:.0f} is outside 1900..2100")
    date = [pd.Timestamp(int(y), 6, 15) if not np.isnan(y) else pd.NaT for y in year]
    repairs.note("date: year set to 15 June (as the Computer Progress site did)",
                 int(np.sum(~np.isnan(year) & keep)))
    time = numbers(df, time_col, positive=True)
    params = numbers(df, params_col, positive=True) if params_col else np.full(len(df), np.nan)
    epochs = numbers(df, epochs_col, positive=True) if epochs_col else np.full(len(df), np.nan)

    values: dict[str, np.ndarray] = {}
    for col, metric in metric_cols.items():
        if METRICS[metric].unit == "bleu":
            v = numbers(df, col, nonnegative=True)
            over = np.flatnonzero(v > 100)
            if len(over):
                raise _fail(df, int(over[0]), col, f"BLEU {df[col].iloc[over[0]]!r} is over 100")
            values[col] = v
        else:
            values[col] = fractions(df, col, scale="percent")

    # conflicting duplicates: same set-up, different scores
    setup = [c for c in df.columns if c not in metric_cols]
    kept = df[~exact]
    clash = kept.duplicated(subset=setup, keep=False)
    if clash.any():
        rows = [int(i) for i in kept.index[clash]]
        first = rows[0]
        same = [r for r in rows
                if (kept.loc[r, setup] == kept.loc[first, setup]).all()]
        raise _fail(df, same[1], next(iter(metric_cols)),
                    f"same model and set-up as row {first + 1} but different scores")

    # hardware burden
    counts: dict[str, np.ndarray] = {}
    names: dict[str, list[str]] = {}
    for kind in _KINDS:
        ncol = cols.get(kind)
        ccol = cols.get(f"#{kind}")
        names[kind] = _cells(df, ncol) if ncol else [""] * len(df)
        if ccol:
            counts[kind] = numbers(df, ccol, positive=True)
            _whole(df, ccol, counts[kind])
        else:
            counts[kind] = np.full(len(df), np.nan)
    if rates is None:
        gflops = numbers(df, gflops_col, positive=True)

    compute_rows = []
    for i in range(len(df)):
        if exact.iloc[i]:
            continue
        used = []
        for kind in _KINDS:
            nm = names[kind][i] if names[kind][i] not in BLANKS else ""
            ct = counts[kind][i]
            if nm or not np.isnan(ct):
                used.append((kind, nm, ct))
        if rates is None:
            burden, reason, note, precision, chip_count = _burden_as_given(
                gflops[i], used, time[i])
        else:
            burden, reason, note, precision, chip_count = _burden_from_mapping(
                rates, convention, used, time[i])
        if reason is not None:
            repairs.note(f"row without compute: {reason}")
            continue
        if not np.isnan(epochs[i]):
            note += f"; #epochs {epochs[i]:g}"
        compute_rows.append({
            "model": model.iloc[i], "model_key": model_key(model.iloc[i]),
            "date": date[i], "training_flop": burden, "method": "hardware",
            "compute_kind": "hardware_burden", "peak_precision": precision,
            "parameters": params[i],
            "hardware": "; ".join(f"{ct:g} × {nm}" if not np.isnan(ct) else nm
                                  for _k, nm, ct in used if nm) or None,
            "chip_count": chip_count,
            "hours": time[i] / 3600.0, "notes": note,
            "source": SOURCE_COMPUTER_PROGRESS, "source_file": name,
            "source_row": i + 1,
        })

    results_parts = []
    for col, metric in metric_cols.items():
        v = values[col]
        sel = keep & ~np.isnan(v)
        m = METRICS[metric]
        idx = np.flatnonzero(sel)
        results_parts.append(pd.DataFrame({
            "model": model[sel].tolist(),
            "model_key": [model_key(x) for x in model[sel]],
            "date": [date[j] for j in idx],
            "benchmark": bench, "metric": metric, "value": v[sel],
            "higher_is_better": m.higher_is_better, "unit": m.unit,
            "error": error_of(v[sel], metric),
            "setting": f"Computer-Progress layout, column {col}",
            "origin": [origin[j] for j in idx],
            "publication": [publication[j] for j in idx],
            "setting_kind": "supervised",
            "source": SOURCE_COMPUTER_PROGRESS, "source_file": name,
            "source_row": idx + 1,
        }))
    results = pd.concat(results_parts, ignore_index=True)
    compute = pd.DataFrame(compute_rows, columns=list(_COMPUTE_COLUMNS))
    return _frames_attrs(results, compute, name, repairs)


_COMPUTE_COLUMNS = ("model", "model_key", "date", "training_flop", "method", "compute_kind",
                    "peak_precision", "parameters", "hardware", "chip_count", "hours",
                    "notes", "source", "source_file", "source_row")

_Burden = tuple[float | None, str | None, str, str | None, float]


def _gpu_tpu_count(used: list[tuple[str, str, float]]) -> float:
    chips = [ct for kind, _nm, ct in used if kind != "cpu" and not np.isnan(ct)]
    return float(sum(chips)) if chips else np.nan


def _burden_as_given(rate_gflops: float, used: list[tuple[str, str, float]],
                     time_sec: float) -> _Burden:
    """Burden from the file's own hw_gflops column (precision and convention unchecked)."""
    note = (f"hardware burden = hw_gflops column ({rate_gflops:g} GFLOP/s, the file's own "
            "count × rate; its precision and chip-or-device convention are unchecked) × "
            "time_sec × 1e9 FLOP/GFLOP")
    if np.isnan(rate_gflops):
        return None, "no hw_gflops", note, None, np.nan
    if np.isnan(time_sec):
        return None, "no time_sec", note, None, np.nan
    return (hardware_burden_flop(1.0, rate_gflops * GFLOP, time_sec), None, note, "as given",
            _gpu_tpu_count(used))


def _burden_from_mapping(rates: dict[str, Peak], convention: str,
                         used: list[tuple[str, str, float]], time_sec: float) -> _Burden:
    """Σ count × rate × time from the hardware mapping, under ``convention``."""
    reason = None
    if not used:
        reason = "no processor named"
    # CoNLL trap: the CPU count sits in #gpu, the gpu name is blank, #cpu is blank
    kinds = {kind: (nm, ct) for kind, nm, ct in used}
    gpu_nm, gpu_ct = kinds.get("gpu", ("", np.nan))
    cpu_nm, cpu_ct = kinds.get("cpu", ("", np.nan))
    if not gpu_nm and not np.isnan(gpu_ct) and cpu_nm and np.isnan(cpu_ct):
        reason = (f"CPU count in #gpu? (#gpu without a gpu name and cpu {cpu_nm!r} without "
                  "#cpu; not guessed)")
    rate_gflops = 0.0
    chip_count = 0.0
    precisions: list[str] = []
    parts = []
    for kind, nm, ct in used:
        if not nm:
            reason = reason or f"#{kind} without a {kind} name"
        elif np.isnan(ct):
            reason = reason or f"{kind} {nm!r} without #{kind}"
        elif nm not in rates:
            reason = reason or f"no peak rate for {nm!r} in the hardware mapping"
        elif math.isnan(rates[nm].gflops):
            reason = reason or f"no peak rate for {nm!r} (in the hardware mapping without one)"
        else:
            peak = rates[nm]
            per_chip = peak.per_chip_gflops
            if peak.precision not in precisions:
                precisions.append(peak.precision)
            if convention == "paper":
                rate_gflops += ct * peak.gflops
                chips = ct * peak.chips
                unit = (f" ({peak.precision}; a {peak.chips}-chip unit, {per_chip:g} GFLOP/s "
                        "per chip)" if peak.chips > 1 else f" ({peak.precision})")
                parts.append(f"{ct:g} × {nm} at {peak.gflops:g} GFLOP/s per unit{unit}")
            else:
                rate_gflops += ct * per_chip
                chips = ct
                unit = (f"; {peak.gflops:g} GFLOP/s per {peak.chips}-chip unit"
                        if peak.chips > 1 else "")
                parts.append(f"{ct:g} × {nm} at {per_chip:g} GFLOP/s per chip "
                             f"({peak.precision}{unit})")
            if kind != "cpu":
                chip_count += chips
    if convention == "paper":
        head = ("hardware burden, convention paper (count × peak rate per unit as written in "
                "the hardware mapping, as the Computer Progress seeder did; a TPU count is "
                "read as devices or pods)")
    else:
        head = ("hardware burden, convention per-chip (#gpu/#tpu/#cpu are chips; count × "
                "per-chip peak rate from the hardware mapping)")
    note = f"{head} × time_sec × 1e9 FLOP/GFLOP: " + "; ".join(parts)
    if reason is None and np.isnan(time_sec):
        reason = "no time_sec"
    if reason is not None:
        return None, reason, note, None, np.nan
    precision = precisions[0] if len(precisions) == 1 else "mixed"
    has_chip = any(kind != "cpu" for kind, _nm, _ct in used)
    return (hardware_burden_flop(1.0, rate_gflops * GFLOP, time_sec), None, note, precision,
            chip_count if has_chip else np.nan)


# ---------------------------------------------------------------------------- generic CSV


def _bool_cells(df: pd.DataFrame, col: str) -> list[bool | None]:
    out: list[bool | None] = []
    for i, cell in enumerate(_cells(df, col)):
        low = cell.casefold()
        if cell in BLANKS:
            out.append(None)
        elif low in _TRUE:
            out.append(True)
        elif low in _FALSE:
            out.append(False)
        else:
            raise _fail(df, i, col, f"expected true or false, found {cell!r}")
    return out


def _choice_cells(df: pd.DataFrame, col: str, allowed: tuple[str, ...] | list[str],
                  default: str) -> tuple[list[str], list[bool]]:
    """Cells of an enumerated column (case ignored); blank → default. Also returns which
    cells were given."""
    if col not in df.columns:
        return [default] * len(df), [False] * len(df)
    out, given = [], []
    for i, cell in enumerate(_cells(df, col)):
        if cell in BLANKS:
            out.append(default)
            given.append(False)
            continue
        key = cell.casefold()
        if key not in allowed:
            raise _fail(df, i, col, f"unknown {col} {cell!r}; allowed: {', '.join(allowed)}")
        out.append(key)
        given.append(True)
    return out, given


def load_generic(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a generic results CSV (format in the module docstring).

    Returns ``(results, compute)`` tidy tables: results one row per (non-duplicate) file row,
    with ``publication`` and ``setting_kind``; compute one row per (non-duplicate) file row
    that has ``training_flop`` (FLOP; ``source_row`` = that row; ``compute_kind`` from the
    file, default "training", method "reported" for it).

    Raises:
        InputError: naming file, row and column for any cell that cannot be used.
    """
    name = str(path)
    df = read_csv(path, required=GENERIC_REQUIRED)
    if df.empty:
        raise InputError("no data rows", path=name)
    unknown = [c for c in df.columns if c not in GENERIC_COLUMNS]
    if unknown:
        raise InputError(f"unknown columns {unknown}; the columns are "
                         f"{', '.join(GENERIC_COLUMNS)}", path=name, column=str(unknown[0]))
    repairs: Repairs = df.attrs["repairs"]
    n = len(df)

    model = text(df, "model", required=True)
    benchmark: list[str] = []
    for i, cell in enumerate(_cells(df, "benchmark")):
        if cell in BLANKS:
            raise _fail(df, i, "benchmark", "blank benchmark")
        try:
            benchmark.append(find_benchmark(cell).id)
        except ConfigError as exc:
            raise _fail(df, i, "benchmark", str(exc)) from None
    metric: list[str] = []
    for i, cell in enumerate(_cells(df, "metric")):
        key = cell.casefold()
        if key not in METRICS:
            raise _fail(df, i, "metric", f"unknown metric {cell!r}; known: "
                        f"{', '.join(METRICS)}")
        metric.append(key)
    units = _cells(df, "unit") if "unit" in df.columns else [""] * n
    raw = _cells(df, "value")

    # route each value to the converter its metric and unit call for
    groups: dict[str, list[str]] = {"auto": [""] * n, "fraction": [""] * n,
                                    "percent": [""] * n, "number": [""] * n}
    for i in range(n):
        cell, unit, m = raw[i], units[i].casefold(), METRICS[metric[i]]
        if cell in BLANKS:
            raise _fail(df, i, "value", "blank value where a score is required")
        if unit not in {"", "fraction", "percent", "bleu", "index"}:
            raise _fail(df, i, "unit", f"unknown unit {units[i]!r}; use fraction, percent "
                        "or bleu")
        if m.unit == "fraction":
            if unit in {"bleu", "index"}:
                raise _fail(df, i, "unit", f"unit {unit!r} does not fit metric {m.id}")
            if unit == "fraction" and cell.endswith("%"):
                raise _fail(df, i, "value", f"{cell!r} has a % sign but unit says fraction")
            groups[unit or "auto"][i] = cell
        else:
            want = m.unit  # "bleu" or "index"
            if unit not in {"", want}:
                raise _fail(df, i, "unit", f"unit {unit!r} does not fit metric {m.id} "
                            f"(use {want!r} or leave blank)")
            groups["number"][i] = cell
    value = np.full(n, np.nan)
    for scale in ("auto", "fraction", "percent"):
        v = fractions(_view(df, "value", groups[scale]), "value", scale=scale)
        value = np.where(np.isnan(v), value, v)
    v = numbers(_view(df, "value", groups["number"]), "value")
    for i in np.flatnonzero(~np.isnan(v)):
        if metric[i] == "bleu" and not 0 <= v[i] <= 100:
            raise _fail(df, int(i), "value", f"BLEU {raw[i]!r} is outside 0..100")
    value = np.where(np.isnan(v), value, v)

    if "higher_is_better" in df.columns:
        for i, hib in enumerate(_bool_cells(df, "higher_is_better")):
            if hib is not None and hib != METRICS[metric[i]].higher_is_better:
                raise _fail(df, i, "higher_is_better",
                            f"metric {metric[i]} has higher_is_better = "
                            f"{METRICS[metric[i]].higher_is_better}")
    date = dates(df, "date") if "date" in df.columns else pd.Series([pd.NaT] * n)
    flop = (numbers(df, "training_flop", positive=True) if "training_flop" in df.columns
            else np.full(n, np.nan))
    compute_kind, kind_given = _choice_cells(df, "compute_kind", list(COMPUTE_KINDS),
                                             "training")
    setting_kind, _ = _choice_cells(df, "setting_kind", SETTING_KINDS, "unknown")
    setting = text(df, "setting") if "setting" in df.columns else [None] * n
    origin = list(text(df, "origin")) if "origin" in df.columns else [None] * n
    publication = list(text(df, "publication")) if "publication" in df.columns else [None] * n
    publication = [p if p is not None else o for p, o in zip(publication, origin, strict=True)]

    # duplicates are judged on converted values rounded to 12 decimals, so that "43.9%" and
    # "0.439" are the same score
    canon = pd.DataFrame({
        "model": model.tolist(), "benchmark": benchmark, "metric": metric,
        "value_key": np.round(value, 12),
        "setting": list(setting), "origin": origin, "date": list(date),
        "training_flop": flop, "compute_kind": compute_kind, "kind_given": kind_given,
        "setting_kind": setting_kind, "publication": publication,
    })
    canon.attrs = df.attrs
    canon = drop_duplicates(canon, ["model", "benchmark", "metric", "setting", "origin"],
                            what="result rows")
    rows = canon.index.to_numpy()

    # one compute row per file row with training_flop; within one model name and origin the
    # figure and the date must agree (a typo otherwise), across origins they may differ
    compute_rows: list[dict] = []
    first: dict[tuple[str, str | None], dict] = {}
    for i in rows:
        f = canon.at[i, "training_flop"]
        if np.isnan(f):
            if canon.at[i, "kind_given"]:
                repairs.note("compute_kind without training_flop: ignored")
            continue
        m = canon.at[i, "model"]
        o = canon.at[i, "origin"]
        d = canon.at[i, "date"]
        kind = canon.at[i, "compute_kind"]
        row = {
            "model": m, "model_key": model_key(m), "date": d, "training_flop": f,
            "method": COMPUTE_KINDS[kind], "compute_kind": kind,
            "notes": f"training_flop from the user's file (compute_kind {kind})",
            "source": SOURCE_GENERIC, "source_file": name, "source_row": int(i) + 1,
        }
        compute_rows.append(row)
        prev = first.setdefault((m, o), row)
        if prev is row:
            continue
        where = f"on row {prev['source_row']} (same model and origin {o!r})"
        if prev["training_flop"] != f:
            raise _fail(df, int(i), "training_flop",
                        f"model {m!r} has training_flop {prev['training_flop']:g} {where}")
        if pd.notna(d) and pd.notna(prev["date"]) and d != prev["date"]:
            raise _fail(df, int(i), "date",
                        f"model {m!r} has date {prev['date']:%Y-%m-%d} {where}")
    v = value[rows]
    err = np.full(len(canon), np.nan)
    for m in set(canon["metric"]):
        sel = (canon["metric"] == m).to_numpy()
        err[sel] = error_of(v[sel], m)
    results = pd.DataFrame({
        "model": canon["model"].to_numpy(),
        "model_key": [model_key(x) for x in canon["model"]],
        "date": canon["date"].to_numpy(),
        "benchmark": canon["benchmark"].to_numpy(),
        "metric": canon["metric"].to_numpy(),
        "value": v,
        "higher_is_better": [METRICS[m].higher_is_better for m in canon["metric"]],
        "unit": [METRICS[m].unit for m in canon["metric"]],
        "error": err,
        "setting": canon["setting"].to_numpy(),
        "origin": canon["origin"].to_numpy(),
        "publication": canon["publication"].to_numpy(),
        "setting_kind": canon["setting_kind"].to_numpy(),
        "source": SOURCE_GENERIC, "source_file": name,
        "source_row": rows + 1,
    })
    compute = pd.DataFrame(compute_rows,
                           columns=["model", "model_key", "date", "training_flop", "method",
                                    "compute_kind", "notes", "source", "source_file",
                                    "source_row"])
    return _frames_attrs(results, compute, name, repairs)
