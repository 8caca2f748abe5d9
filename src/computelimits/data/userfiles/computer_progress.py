"""The Computer-Progress layout of users' files: one CSV per benchmark, in the layout of the
per-benchmark tables of the Computer Progress project (columns:
:data:`~computelimits.data.userfiles.columns.CP_SPECS`; rules: README, "Your own results
files"), with the hardware burden of each row computed from its own processors, counts and
training time."""

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
from computelimits.data.parse import BLANKS, Repairs
from computelimits.data.userfiles import cells as cl
from computelimits.data.userfiles.columns import DUPLICATES, SYNONYMS
from computelimits.data.userfiles.processors import UNRATED, Match, Processors
from computelimits.data.userfiles.reader import Sheet, read_sheet
from computelimits.errors import ConfigError, InputError
from computelimits.formulas import hardware_burden_flop

__all__ = ["CONVENTIONS", "SOURCE_COMPUTER_PROGRESS", "load_computer_progress"]

#: ``source`` value of rows read from Computer-Progress-layout files.
SOURCE_COMPUTER_PROGRESS = "user-computer-progress"
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

_COMPUTE_COLUMNS = ("model", "model_key", "date", "training_flop", "method", "compute_kind",
                    "peak_precision", "parameters", "hardware", "chip_count", "hours",
                    "notes", "source", "source_file", "source_row")

_Burden = tuple[float | None, str | None, str, str | None, float]


def _is_link(cell: str) -> bool:
    """A URL-like cell (no blanks; a scheme, or a path with a dot), not a paper title."""
    if not cell or any(ch.isspace() for ch in cell):
        return False
    return bool(_LINK.match(cell)) or ("/" in cell and "." in cell)


def _resolve(sheet: Sheet) -> dict[str, str]:
    """lower-cased stripped name → actual header; two headers with one name are an error."""
    out: dict[str, str] = {}
    for col in sheet.header:
        key = str(col).strip().casefold()
        if not key:
            continue  # the WMT tables' unnamed framework column
        if key in out:
            raise InputError(f"two columns are named {cl.q(key)} (ignoring case)",
                             path=sheet.path, column=str(col))
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


def _provenance(sheet: Sheet, cols: dict[str, str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the paper title (title, else paper when it is not a link) and the link (url,
    else a link in paper/title), None where there is none."""
    def cells(key: str) -> tuple[np.ndarray, np.ndarray]:
        if key not in cols:
            return np.full(n, "", dtype=object), np.zeros(n, dtype=bool)
        codes, uniq = sheet.column(cols[key]).stripped()
        vals = ["" if c in BLANKS else c for c in uniq]
        return (np.asarray(vals, dtype=object)[codes],
                np.asarray([_is_link(c) for c in vals], dtype=bool)[codes])

    (title, title_link), (paper, paper_link), (url, url_link) = (
        cells("title"), cells("paper"), cells("url"))
    none = np.full(n, None, dtype=object)
    t = np.where((title != "") & ~title_link, title,
                 np.where((paper != "") & ~paper_link, paper, none))
    link = np.where(url_link, url, np.where(paper_link, paper, np.where(title_link, title, none)))
    return t, link


def _publication(title: np.ndarray, link: np.ndarray, model: np.ndarray, keep: np.ndarray,
                 repairs: Repairs) -> tuple[np.ndarray, np.ndarray]:
    """origin (title, else link) and publication (origin, else the model name); fallbacks
    counted over the kept rows, in the order they first occur."""
    no_title = keep & np.equal(title, None)
    with_link = no_title & ~np.equal(link, None)
    found = []
    for mask, what in ((with_link, "publication: no paper title, link used"),
                       (no_title & ~with_link,
                        "publication: no paper title or link, model name used")):
        if mask.any():
            found.append((int(np.argmax(mask)), what, int(mask.sum())))
    for _first, what, count in sorted(found):
        repairs.note(what, count)
    origin = np.where(np.equal(title, None), link, title)
    publication = np.where(np.equal(origin, None),
                           np.asarray([None if m is None else str(m) for m in model],
                                      dtype=object), origin)
    return origin, publication


def _june15(year: np.ndarray) -> list:
    """15 June of each year (NaT where the year is missing), as the Computer Progress site
    dated its rows."""
    codes, years = pd.factorize(year)
    stamps = [pd.Timestamp(int(y), 6, 15) for y in years]
    return [stamps[c] if c >= 0 else pd.NaT for c in codes]


def load_computer_progress(path: str | Path, *, benchmark: str,
                           hardware: Mapping[str, Peak | float] | None = None,
                           convention: str = "per-chip", chips: pd.DataFrame | None = None,
                           duplicates: str = "all", score_scale: str | None = None,
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV in the Computer-Progress per-benchmark layout.

    Args:
        path: the file.
        benchmark: benchmark id or alias of the file's results (e.g. "imagenet", "coco",
            "squad1.1", "conll2003", "wmt2014-en-de"); an unknown one is a ConfigError.
        hardware: processor name → ``Peak`` (peak GFLOP/s per unit as written, precision,
            chips per unit); a bare number is FP32 GFLOP/s of a single-chip unit. A Peak
            whose rate is NaN is a known processor without a rate. Names are matched exactly,
            then by the documented spellings of
            :mod:`~computelimits.data.userfiles.processors` (the variant chosen is printed);
            a row whose processor is in no table uses its own ``hw_gflops`` (precision "as
            given", a notice naming the row). None: every row uses its ``hw_gflops``.
        convention: with ``hardware``, how the ``#gpu``/``#tpu``/``#cpu`` counts are read:
            "per-chip" (default; counts are chips, each at the unit rate / chips per unit)
            or "paper" (count × unit rate as written, as the Computer Progress seeder did).
        chips: Epoch AI's chip table (``Catalog.chips()``), searched after ``hardware`` for
            processors the mapping lacks (FP32 peak, else 16-bit); None: not searched.
        duplicates: rows of one model and paper with different scores: "all" (default:
            separate results, named in a notice), "first", "best" (the best headline score)
            or "error" (refuse the file, naming the rows).
        score_scale: the score columns (errors, AP, F1, EM) are "percent" (43.9) or
            "fraction" (0.439); a cell with a % sign is percent either way. None: percent,
            and a column whose numbers are all ≤ 1 is refused (fractions would be read 100×
            too small) asking for one of them (``--percent`` / ``--fraction``).

    Returns:
        ``(results, compute)`` tidy tables. results: one row per metric cell (shares as
        fractions, BLEU in points), with ``publication``, ``setting_kind`` "supervised" and
        ``source_row`` = the file's data row. compute: one row per file row with a hardware
        burden, ``training_flop`` in FLOP, method "hardware", compute_kind
        "hardware_burden", ``peak_precision``, ``hours`` = time_sec / 3600 and
        ``source_row`` = the same data row as its results.

    Raises:
        ConfigError: an unknown benchmark, convention, duplicates policy or score scale, or
            a bad rate.
        InputError: a missing column or a cell that cannot be read (file, row, column; when
            several cannot, the first groups by row and the count of the others).
    """
    bench = find_benchmark(benchmark).id
    if convention not in CONVENTIONS:
        raise ConfigError(f"convention must be one of {', '.join(map(repr, CONVENTIONS))}; "
                          f"got {convention!r}")
    if duplicates not in DUPLICATES:
        raise ConfigError(f"duplicates must be one of {', '.join(DUPLICATES)}, got "
                          f"{duplicates!r}")
    if score_scale not in (None, "percent", "fraction"):
        raise ConfigError(f"score scale must be 'percent' or 'fraction', got {score_scale!r}")
    rates = None if hardware is None else _validate_hardware(hardware)
    processors = None if rates is None else Processors(rates, chips)
    name = str(path)
    sheet = read_sheet(path)
    cols = _resolve(sheet)
    if not sheet.n:
        raise InputError("no data rows", path=name)
    repairs = sheet.repairs
    problems = cl.Problems(sheet)
    n = sheet.n

    def need(*names: str) -> str:
        for nm in names:
            if nm in cols:
                return cols[nm]
        sheet.require([names[0]], SYNONYMS)  # raises, with the closest names found
        raise AssertionError  # pragma: no cover

    year_col = need("year")
    model_cols = [cols[c] for c in ("method", "model") if c in cols]
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
        import difflib

        close = [h for h in sheet.header if difflib.get_close_matches(
            str(h).strip().casefold(), list(_CP_METRICS), n=1, cutoff=0.6)]
        hint = f" (closest found: {close[:3]})" if close else ""
        raise InputError(f"no metric column; expected one of {_CP_METRIC_HEADERS}{hint}",
                         path=name)
    allowed = _CP_BENCHMARK_METRICS.get(bench)
    for col, metric in metric_cols.items():
        if allowed is not None and metric not in allowed:
            raise InputError(f"metric {metric} does not belong to benchmark {bench} "
                             f"(expected {', '.join(sorted(allowed))})", path=name, column=col)
    gflops_col = cols.get("hw_gflops")
    if rates is None:
        gflops_col = need("hw_gflops")
    elif not any(k in cols or f"#{k}" in cols for k in _KINDS):
        need("gpu")

    # exact duplicate records (every cell as written)
    exact = pd.DataFrame(dict(enumerate(c.codes for c in sheet.columns))).duplicated(
        keep="first").to_numpy()
    repairs.note("exact duplicate rows dropped", int(exact.sum()))
    keep = ~exact

    title, link = _provenance(sheet, cols, n)
    model = cl.text(sheet, None, model_col)
    blank = np.equal(model, None)
    by_title = blank & ~np.equal(title, None)
    by_link = blank & ~by_title & ~np.equal(link, None)
    model = np.where(by_title, title, np.where(by_link, link, model))
    cl.note_rows(repairs, f"{model_col}: blank, the paper title used as the model name",
                np.flatnonzero(by_title & keep))
    cl.note_rows(repairs, f"{model_col}: blank, the link used as the model name",
                np.flatnonzero(by_link & keep))
    problems.add(np.flatnonzero(np.equal(model, None)), model_col,
                 lambda i: "blank value where one is required (and no paper title or link "
                           "to name it by)")
    origin, publication = _publication(title, link, model, keep, repairs)
    year = cl.numbers(sheet, problems, year_col, positive=True)
    odd = ~np.isnan(year) & ~cl.whole(sheet, problems, year_col, year)
    odd &= (year < 1900) | (year > 2100)
    problems.add(np.flatnonzero(odd), year_col,
                 lambda i: f"year {year[i]:.0f} is outside 1900..2100")
    repairs.note("date: year set to 15 June (as the Computer Progress site did)",
                 int(np.sum(~np.isnan(year) & keep)))
    time = cl.numbers(sheet, problems, time_col, positive=True)
    params = (cl.numbers(sheet, problems, params_col, positive=True) if params_col
              else np.full(n, np.nan))
    epochs = (cl.numbers(sheet, problems, epochs_col, positive=True) if epochs_col
              else np.full(n, np.nan))

    values: dict[str, np.ndarray] = {}
    for col, metric in metric_cols.items():
        if METRICS[metric].unit == "bleu":
            v = cl.numbers(sheet, problems, col, nonnegative=True)
            column = sheet.column(col)
            problems.add(np.flatnonzero(v > 100), col, lambda i, c=column: (
                f"BLEU {cl.q(c.cells[c.codes[i]])} is over 100"))
            values[col] = v
        else:
            small = cl.fractions_in_percent(sheet, col) if score_scale is None else None
            if small is not None:
                raise InputError(
                    f"every score of this column is ≤ 1 ({cl.q(small)}, …): fractions where "
                    "the layout expects percent? Say which: --fraction (0.439 is 43.9%) or "
                    "--percent (0.439 is 0.439%)", path=name, column=col)
            values[col] = cl.fractions(sheet, problems, col, score_scale or "percent")
    problems.check()
    date = _june15(year)

    rows = np.flatnonzero(keep)
    rows = _duplicates(problems, repairs, duplicates, rows, model, publication, values,
                       metric_cols)
    keep = np.zeros(n, dtype=bool)
    keep[rows] = True

    # hardware burden
    counts: dict[str, np.ndarray] = {}
    names: dict[str, np.ndarray] = {}
    for kind in _KINDS:
        ncol = cols.get(kind)
        ccol = cols.get(f"#{kind}")
        if ncol:
            codes, uniq = sheet.column(ncol).stripped()
            names[kind] = np.asarray(["" if c in BLANKS else c for c in uniq],
                                     dtype=object)[codes]
        else:
            names[kind] = np.full(n, "", dtype=object)
        if ccol:
            counts[kind] = cl.numbers(sheet, problems, ccol, positive=True)
            cl.whole(sheet, problems, ccol, counts[kind])
        else:
            counts[kind] = np.full(n, np.nan)
    gflops = (cl.numbers(sheet, problems, gflops_col, positive=True) if gflops_col
              else np.full(n, np.nan))
    problems.check()

    notices: dict[str, list[int]] = {}
    compute_rows = []
    for i in rows:
        used = []
        for kind in _KINDS:
            nm = names[kind][i]
            ct = counts[kind][i]
            if nm or not np.isnan(ct):
                used.append((kind, nm, ct))
        if processors is None:
            burden, reason, note, precision, chip_count = _burden_as_given(
                gflops[i], used, time[i])
        else:
            burden, reason, note, precision, chip_count = _burden_from_tables(
                processors, convention, used, time[i], gflops[i], notices, int(i))
        if reason is not None:
            repairs.note(f"row without compute: {reason}")
            continue
        if not np.isnan(epochs[i]):
            note += f"; #epochs {epochs[i]:g}"
        compute_rows.append({
            "model": model[i], "model_key": model_key(model[i]),
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
    for what, at in notices.items():
        cl.note_rows(repairs, what, at)

    keys_of = cl.model_keys(model)
    results_parts = []
    for col, metric in metric_cols.items():
        v = values[col]
        sel = keep & ~np.isnan(v)
        m = METRICS[metric]
        idx = np.flatnonzero(sel)
        results_parts.append(pd.DataFrame({
            "model": model[sel].tolist(),
            "model_key": keys_of[sel].tolist(),
            "date": [date[j] for j in idx],
            "benchmark": bench, "metric": metric, "value": v[sel],
            "higher_is_better": m.higher_is_better, "unit": m.unit,
            "error": error_of(v[sel], metric),
            "setting": f"Computer-Progress layout, column {col}",
            "origin": origin[sel].tolist(),
            "publication": publication[sel].tolist(),
            "setting_kind": "supervised",
            "source": SOURCE_COMPUTER_PROGRESS, "source_file": name,
            "source_row": idx + 1,
        }))
    results = pd.concat(results_parts, ignore_index=True)
    compute = pd.DataFrame(compute_rows, columns=list(_COMPUTE_COLUMNS))
    return cl.frames_attrs(results, compute, name, repairs)


def _duplicates(problems: cl.Problems, repairs: Repairs, policy: str, rows: np.ndarray,
                model: np.ndarray, publication: np.ndarray, values: dict[str, np.ndarray],
                metric_cols: dict[str, str]) -> np.ndarray:
    """Rows of one model and paper whose scores differ, by ``policy``: the rows kept."""
    if not len(rows):
        return rows
    first_col = next(iter(metric_cols))
    scores = pd.DataFrame({c: np.round(v[rows], 12) for c, v in values.items()})
    score = scores.groupby(list(scores.columns), dropna=False, sort=False).ngroup().to_numpy()
    frame = pd.DataFrame({"m": cl.keys(model)[rows], "p": cl.keys(publication)[rows],
                          "s": score})
    group = frame.groupby(["m", "p"], sort=False).ngroup().to_numpy()
    differ = pd.Series(score).groupby(group).transform("nunique").to_numpy() > 1
    groups = cl.groups_of(rows[differ], group[differ])
    if not groups:
        return rows
    if policy == "error":
        told = {int(r): int(g[0]) for g in groups for r in g[1:]}
        problems.add(np.asarray(sorted(told), dtype=np.int64), first_col, lambda i: (
            f"same model and paper as row {told[i] + 1} but different scores (--duplicates "
            "all keeps them all; first or best keeps one)"))
        problems.check()
    if policy in ("first", "best"):
        metric = metric_cols[first_col]
        err = error_of(values[first_col], metric)
        bad = np.where(np.isnan(err), np.inf, err)
        drop = []
        for g in groups:
            keep = g[0] if policy == "first" else g[int(np.argmin(bad[g]))]
            drop += [int(r) for r in g if r != keep]
        rows = np.setdiff1d(rows, np.asarray(drop, dtype=np.int64))
    labels = [f"{cl.q(model[g[0]])}, {cl.q(publication[g[0]])}" for g in groups]
    repairs.note(cl.duplicates_notice(policy, "model and paper", groups, labels),
                 int(sum(len(g) for g in groups)))
    return rows


def _gpu_tpu_count(used: list[tuple[str, str, float]]) -> float:
    chips = [ct for kind, _nm, ct in used if kind != "cpu" and not np.isnan(ct)]
    return float(sum(chips)) if chips else np.nan


def _as_given_note(rate_gflops: float) -> str:
    return (f"hardware burden = hw_gflops column ({rate_gflops:g} GFLOP/s, the file's own "
            "count × rate; its precision and chip-or-device convention are unchecked) × "
            "time_sec × 1e9 FLOP/GFLOP")


def _burden_as_given(rate_gflops: float, used: list[tuple[str, str, float]],
                     time_sec: float) -> _Burden:
    """Burden from the file's own hw_gflops column (precision and convention unchecked)."""
    note = _as_given_note(rate_gflops)
    if np.isnan(rate_gflops):
        return None, "no hw_gflops", note, None, np.nan
    if np.isnan(time_sec):
        return None, "no time_sec", note, None, np.nan
    return (hardware_burden_flop(1.0, rate_gflops * GFLOP, time_sec), None, note, "as given",
            _gpu_tpu_count(used))


def _burden_from_tables(processors: Processors, convention: str,
                        used: list[tuple[str, str, float]], time_sec: float,
                        hw_gflops: float, notices: dict[str, list[int]], row: int) -> _Burden:
    """Σ count × rate × time from the hardware tables, under ``convention``; a processor in
    no table leaves the row to its own hw_gflops (precision "as given")."""
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
    missing: list[tuple[str, str, str]] = []  # (kind, name, why) of processors in no table
    read_as: list[str] = []
    one = len(used) == 1
    for kind, nm, ct in used:
        if not nm:
            reason = reason or f"#{kind} without a {kind} name"
            continue
        if np.isnan(ct):
            reason = reason or f"{kind} {nm!r} without #{kind}"
            continue
        per_unit = hw_gflops / ct if one and not np.isnan(hw_gflops) else None
        found = processors.match(nm, per_unit)
        if not isinstance(found, Match):
            missing.append((kind, nm, found))
            continue
        peak = found.peak
        label = nm if found.how == "exact" else f"{nm} (read as {found.name!r})"
        if found.notice:
            read_as.append(found.notice)
        per_chip = peak.per_chip_gflops
        if peak.precision not in precisions:
            precisions.append(peak.precision)
        if convention == "paper":
            rate_gflops += ct * peak.gflops
            chips = ct * peak.chips
            unit = (f" ({peak.precision}; a {peak.chips}-chip unit, {per_chip:g} GFLOP/s "
                    "per chip)" if peak.chips > 1 else f" ({peak.precision})")
            parts.append(f"{ct:g} × {label} at {peak.gflops:g} GFLOP/s per unit{unit}")
        else:
            rate_gflops += ct * per_chip
            chips = ct
            unit = (f"; {peak.gflops:g} GFLOP/s per {peak.chips}-chip unit"
                    if peak.chips > 1 else "")
            parts.append(f"{ct:g} × {label} at {per_chip:g} GFLOP/s per chip "
                         f"({peak.precision}{unit})")
        if kind != "cpu":
            chip_count += chips
    if reason is None and missing:
        kind, nm, why = missing[0]
        if not np.isnan(hw_gflops) and not np.isnan(time_sec):
            what = ("is in no hardware table" if why in ("not found", UNRATED)
                    else why.replace("processor name ", ""))
            notice = (f"{kind} {nm!r} {what}: the row's own hw_gflops used (precision as "
                      "given)")
            notices.setdefault(notice, []).append(row)
            burden, _r, note, precision, count = _burden_as_given(hw_gflops, used, time_sec)
            return burden, None, f"{note}; {kind} {nm!r} {what}", precision, count
        if why == "not found":
            reason = f"no peak rate for {nm!r} in the hardware mapping"
        elif why == UNRATED:
            reason = f"no peak rate for {nm!r} (in the hardware mapping without one)"
        else:
            reason = f"{kind} {nm!r}: {why}"
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
    for text in read_as:
        notices.setdefault(text, []).append(row)
    precision = precisions[0] if len(precisions) == 1 else "mixed"
    has_chip = any(kind != "cpu" for kind, _nm, _ct in used)
    return (hardware_burden_flop(1.0, rate_gflops * GFLOP, time_sec), None, note, precision,
            chip_count if has_chip else np.nan)
