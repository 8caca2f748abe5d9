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
* ``title``, else ``paper``: the paper title → ``origin`` (in the ImageNet file ``paper`` is
  the title; in the CoNLL/WMT files ``paper`` is a link and ``title`` the title).
* ``gpu``, ``tpu``, ``cpu``: processor names; ``#gpu``, ``#tpu``, ``#cpu``: how many
  (positive whole numbers).
* ``hw_gflops``: total peak throughput of the hardware, GFLOP/s (count × per-unit rate).
* ``time_sec`` (required): training wall-clock time, seconds.
* ``#epochs``; ``#params`` / ``#param`` / ``params``: parameter count.
* Metric columns, all in **percent**: ``top1_error``, ``top5_error`` (ImageNet error rates,
  stored as fractions under metrics top1_error / top5_error), ``F1`` (→ f1), ``EM`` (→
  exact_match), ``BLEU`` (→ bleu, BLEU points). ``SACREBLEU`` (not comparable with
  tokenised BLEU) and the COCO columns ``BOX_AP``, ``AP50``, ``AP75``, ``APS``, ``APM``,
  ``APL`` (no metric id in :mod:`computelimits.data.benchmarks`) are recognised but not
  read; each such column is counted in the repairs. At least one readable metric column
  is required. Other columns (free-text times, URLs, comments) are ignored.

**Hardware burden** (the paper's "number of processors × computation rate × time"), in
**FLOP**: the 2021 Computer Progress seeders computed it in GFLOP (GFLOP/s × s); here it is
multiplied by 10⁹. Two ways, named in ``compute.notes`` of every row:

* ``hardware`` given (a mapping processor name → peak GFLOP/s, e.g. from the
  computer-progress hardware tables): Σ over the processor kinds gpu/tpu/cpu of count ×
  ``hardware[name]`` × 10⁹ × time_sec, with names matched exactly.
* ``hardware=None``: ``hw_gflops`` × 10⁹ × time_sec.

``time_sec`` is not truncated to whole seconds (the seeders did). A row without
``time_sec``, without a rate (no ``hw_gflops``; or, with a mapping, a processor name that
is not in it, a name without a count or a count without a name) or without any processor
gets no compute row; each such row is counted in the repairs under its reason ("row
without compute: …"), never silently. Unlike the 2021 seeders, an unparseable number is an
error, not NULL. ``method`` is "hardware".

Generic CSV (:func:`load_generic`)
----------------------------------

A UTF-8 CSV with a header row, one result per row. Column names are exact (lower case).

================ ======== ============================================================
column           required meaning
================ ======== ============================================================
model            yes      model name
benchmark        yes      benchmark id or alias (``computelimits.data.benchmarks``:
                          imagenet, wmt2014-en-de, wmt2014-en-fr, conll2003, mmlu, ...)
metric           yes      metric id: accuracy, top1_accuracy, top5_accuracy, top1_error,
                          top5_error, exact_match, f1, bleu, eci
value            yes      the score; see ``unit``
date             no       model/paper date: YYYY-MM-DD (YYYY-MM → day 1 and YYYY → 1 July,
                          counted repairs)
unit             no       ``fraction`` (0–1), ``percent`` (0–100), ``bleu`` (BLEU points,
                          0–100; only for metric bleu); ``index`` for metric eci. Blank: a
                          share may be a fraction or a string with ``%`` ("77.5%", counted
                          repair); a bare number above 1 is then an error (percent without
                          a ``%`` sign?). BLEU is always in points.
higher_is_better no       true/false (yes/no, 1/0); must agree with the metric
training_flop    no       total training compute of the model, FLOP (> 0); rows with it
                          give a ``compute`` row (method "reported"), one per model
setting          no       evaluation notes (shots, harness, crops)
origin           no       paper or leaderboard the score comes from
================ ======== ============================================================

Checks: an unknown benchmark or metric is an error naming the row and column and listing
the known ids; shares must lie in [0, 1] after conversion (so an accuracy over 100 % is an
error); a ``%`` sign with unit ``fraction`` is an error; dates must parse and lie in
1900–2100; a model given two different ``training_flop`` values or dates is an error. Exact
duplicate rows (after the conversions) are dropped and counted; two rows for the same model,
benchmark, metric and setting with different values are an error naming both rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of, find_benchmark
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

__all__ = [
    "GENERIC_COLUMNS",
    "SOURCE_COMPUTER_PROGRESS",
    "SOURCE_GENERIC",
    "load_computer_progress",
    "load_generic",
]

#: ``source`` value of rows read from users' files.
SOURCE_COMPUTER_PROGRESS = "user-computer-progress"
SOURCE_GENERIC = "user-generic"

GENERIC_REQUIRED = ("model", "benchmark", "metric", "value")
GENERIC_OPTIONAL = ("date", "unit", "higher_is_better", "training_flop", "setting", "origin")
GENERIC_COLUMNS = GENERIC_REQUIRED + GENERIC_OPTIONAL

GFLOP = 1e9

#: Computer-Progress metric columns (lower-cased) → metric id.
_CP_METRICS = {"top1_error": "top1_error", "top5_error": "top5_error", "f1": "f1",
               "em": "exact_match", "bleu": "bleu"}
#: Recognised metric columns that are not read, with the reason.
_CP_UNREAD = {
    "sacrebleu": "SacreBLEU is not comparable with tokenised BLEU",
    **{c: "no COCO metric id in computelimits.data.benchmarks"
       for c in ("box_ap", "ap50", "ap75", "aps", "apm", "apl")},
}
#: Metrics that the Computer-Progress tables held for the benchmarks known here.
_CP_BENCHMARK_METRICS = {
    "imagenet": {"top1_error", "top5_error"},
    "conll2003": {"f1"},
    "wmt2014-en-de": {"bleu"},
    "wmt2014-en-fr": {"bleu"},
}
_KINDS = ("gpu", "tpu", "cpu")

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


def _validate_hardware(hardware: Mapping[str, float]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for name, rate in hardware.items():
        try:
            value = float(rate)
        except (TypeError, ValueError):
            raise ConfigError(f"hardware[{name!r}] = {rate!r} is not a number "
                              "(peak GFLOP/s)") from None
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(f"hardware[{name!r}] = {rate!r} must be a positive peak "
                              "rate in GFLOP/s")
        rates[str(name)] = value
    return rates


def load_computer_progress(path: str | Path, *, benchmark: str,
                           hardware: Mapping[str, float] | None = None
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV in the Computer-Progress per-benchmark layout (see the module docstring).

    Args:
        path: the file.
        benchmark: benchmark id or alias of the file's results (e.g. "imagenet",
            "conll2003", "wmt2014-en-de"); an unknown one is a ConfigError.
        hardware: processor name → peak rate in GFLOP/s, looked up by exact name for the
            gpu/tpu/cpu columns; None uses the file's ``hw_gflops`` column instead.

    Returns:
        ``(results, compute)`` tidy tables. results: one row per metric cell (shares as
        fractions, BLEU in points). compute: one row per result row with a hardware burden,
        ``training_flop`` in FLOP, method "hardware", ``hours`` = time_sec / 3600.

    Raises:
        InputError: a missing column or a cell that cannot be read (file, row, column).
    """
    bench = find_benchmark(benchmark).id
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
    title_col = cols.get("title") or cols.get("paper")
    params_col = cols.get("#params") or cols.get("#param") or cols.get("params")
    epochs_col = cols.get("#epochs")
    metric_cols = {cols[c]: m for c, m in _CP_METRICS.items() if c in cols}
    for c, why in _CP_UNREAD.items():
        if c in cols:
            repairs.note(f"column {cols[c]} not read ({why})")
    if not metric_cols:
        raise InputError("no metric column; expected one of "
                         f"{', '.join(['top1_error', 'top5_error', 'F1', 'EM', 'BLEU'])}",
                         path=name)
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

    model = text(df, model_col, required=True)
    origin = text(df, title_col) if title_col else pd.Series([None] * len(df), dtype=object)
    year = numbers(df, year_col, positive=True)
    _whole(df, year_col, year)
    for i, y in enumerate(year):
        if not np.isnan(y) and not 1900 <= y <= 2100:
            raise _fail(df, i, year_col, f"year {y:.0f} is outside 1900..2100")
    date = [pd.Timestamp(int(y), 6, 15) if not np.isnan(y) else pd.NaT for y in year]
    repairs.note("date: year set to 15 June (as the Computer Progress site did)",
                 int(np.sum(~np.isnan(year) & ~exact.to_numpy())))
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

    results_parts = []
    compute_rows = []
    for i in range(len(df)):
        if exact.iloc[i]:
            continue
        burden = None
        reason = None
        used = []
        for kind in _KINDS:
            nm = names[kind][i] if names[kind][i] not in BLANKS else ""
            ct = counts[kind][i]
            if nm or not np.isnan(ct):
                used.append((kind, nm, ct))
        if rates is None:
            rate_gflops = gflops[i]
            if np.isnan(rate_gflops):
                reason = "no hw_gflops"
            note = (f"hardware burden = hw_gflops column ({rate_gflops:g} GFLOP/s) × "
                    "time_sec × 1e9 FLOP/GFLOP")
        else:
            rate_gflops = 0.0
            parts = []
            if not used:
                reason = "no processor named"
            for kind, nm, ct in used:
                if not nm:
                    reason = reason or f"#{kind} without a {kind} name"
                elif np.isnan(ct):
                    reason = reason or f"{kind} {nm!r} without #{kind}"
                elif nm not in rates:
                    reason = reason or f"no peak rate for {nm!r} in the hardware mapping"
                else:
                    rate_gflops += ct * rates[nm]
                    parts.append(f"{ct:g} × {nm} at {rates[nm]:g} GFLOP/s")
            note = ("hardware burden = Σ count × peak rate (hardware mapping) × time_sec × "
                    "1e9 FLOP/GFLOP: " + "; ".join(parts))
        if reason is None and np.isnan(time[i]):
            reason = "no time_sec"
        if reason is None:
            burden = rate_gflops * GFLOP * time[i]
        else:
            repairs.note(f"row without compute: {reason}")
        if burden is not None:
            if not np.isnan(epochs[i]):
                note += f"; #epochs {epochs[i]:g}"
            chips = [ct for kind, _nm, ct in used if kind != "cpu" and not np.isnan(ct)]
            compute_rows.append({
                "model": model.iloc[i], "model_key": model_key(model.iloc[i]),
                "date": date[i], "training_flop": burden, "method": "hardware",
                "parameters": params[i],
                "hardware": "; ".join(f"{ct:g} × {nm}" if not np.isnan(ct) else nm
                                      for _k, nm, ct in used if nm) or None,
                "chip_count": sum(chips) if chips else np.nan,
                "hours": time[i] / 3600.0, "notes": note,
                "source": SOURCE_COMPUTER_PROGRESS, "source_file": name,
                "source_row": i + 1,
            })
    keep = ~exact.to_numpy()
    for col, metric in metric_cols.items():
        v = values[col]
        sel = keep & ~np.isnan(v)
        m = METRICS[metric]
        results_parts.append(pd.DataFrame({
            "model": model[sel].tolist(),
            "model_key": [model_key(x) for x in model[sel]],
            "date": [d for d, s in zip(date, sel, strict=True) if s],
            "benchmark": bench, "metric": metric, "value": v[sel],
            "higher_is_better": m.higher_is_better, "unit": m.unit,
            "error": error_of(v[sel], metric),
            "setting": f"Computer-Progress layout, column {col}",
            "origin": origin[sel].tolist(),
            "source": SOURCE_COMPUTER_PROGRESS, "source_file": name,
            "source_row": np.flatnonzero(sel) + 1,
        }))
    results = pd.concat(results_parts, ignore_index=True)
    compute = pd.DataFrame(compute_rows, columns=list(_COMPUTE_COLUMNS))
    return _frames_attrs(results, compute, name, repairs)


_COMPUTE_COLUMNS = ("model", "model_key", "date", "training_flop", "method", "parameters",
                    "hardware", "chip_count", "hours", "notes", "source", "source_file",
                    "source_row")


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


def load_generic(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a generic results CSV (format in the module docstring).

    Returns ``(results, compute)`` tidy tables: results one row per (non-duplicate) file row;
    compute one row per model that has ``training_flop`` (FLOP, method "reported").

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
    setting = text(df, "setting") if "setting" in df.columns else [None] * n
    origin = text(df, "origin") if "origin" in df.columns else [None] * n

    # duplicates are judged on converted values rounded to 12 decimals, so that "43.9%" and
    # "0.439" are the same score
    canon = pd.DataFrame({
        "model": model.tolist(), "benchmark": benchmark, "metric": metric,
        "value_key": np.round(value, 12),
        "setting": list(setting), "date": list(date), "training_flop": flop,
        "origin": list(origin),
    })
    canon.attrs = df.attrs
    canon = drop_duplicates(canon, ["model", "benchmark", "metric", "setting"],
                            what="result rows")
    rows = canon.index.to_numpy()

    # one compute row per model with training_flop
    compute_rows: dict[str, dict] = {}
    for i in rows:
        f = canon.at[i, "training_flop"]
        if np.isnan(f):
            continue
        m = canon.at[i, "model"]
        d = canon.at[i, "date"]
        prev = compute_rows.get(m)
        if prev is None:
            compute_rows[m] = {
                "model": m, "model_key": model_key(m), "date": d, "training_flop": f,
                "method": "reported", "notes": "training_flop from the user's file",
                "source": SOURCE_GENERIC, "source_file": name, "source_row": int(i) + 1,
            }
            continue
        if prev["training_flop"] != f:
            raise _fail(df, int(i), "training_flop",
                        f"model {m!r} has training_flop {prev['training_flop']:g} on row "
                        f"{prev['source_row']}")
        if pd.notna(d) and pd.notna(prev["date"]) and d != prev["date"]:
            raise _fail(df, int(i), "date", f"model {m!r} has date "
                        f"{prev['date']:%Y-%m-%d} on row {prev['source_row']}")
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
        "source": SOURCE_GENERIC, "source_file": name,
        "source_row": rows + 1,
    })
    compute = pd.DataFrame(list(compute_rows.values()),
                           columns=["model", "model_key", "date", "training_flop", "method",
                                    "notes", "source", "source_file", "source_row"])
    return _frames_attrs(results, compute, name, repairs)
