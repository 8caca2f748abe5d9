"""The generic layout of users' files: one result per row (columns:
:data:`~computelimits.data.userfiles.columns.GENERIC_SPECS`; rules: README, "Your own
results files")."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of, find_benchmark, near_miss
from computelimits.data.parse import BLANKS
from computelimits.data.userfiles import cells as cl
from computelimits.data.userfiles.columns import (
    DUPLICATES,
    GENERIC_COLUMNS,
    GENERIC_REQUIRED,
    SYNONYMS,
    suggest,
)
from computelimits.data.userfiles.reader import Sheet, read_sheet
from computelimits.errors import ConfigError, InputError

__all__ = ["COMPUTE_KINDS", "SETTING_KINDS", "SOURCE_GENERIC", "load_generic"]

#: ``source`` value of rows read from generic files.
SOURCE_GENERIC = "user-generic"

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

#: An id of the user's own benchmark or metric: letters and digits (any script), then also
#: '.', '-', '_', '+' and blanks (read as '-'); at least one letter (a number is more likely a
#: cell in the wrong column); at most 64 characters.
_OWN_ID = re.compile(r"[^\W_][\w.+\-]*", re.UNICODE)
_OWN_MAX = 64

_DUP_KEY = ["model", "benchmark", "metric", "setting", "origin"]
_GENERIC_NOTES = {k: f"training_flop from the user's file (compute_kind {k})"
                  for k in COMPUTE_KINDS}


def _own_id(cell: str) -> str | None:
    """The id of a benchmark or metric of the user's own written ``cell`` (casefolded, inner
    blanks as '-'), or None when it cannot be one."""
    cid = re.sub(r"\s+", "-", cell.strip().casefold())
    ok = len(cid) <= _OWN_MAX and _OWN_ID.fullmatch(cid) and any(ch.isalpha() for ch in cid)
    return cid if ok else None


def _unique_header(sheet: Sheet) -> None:
    seen: set[str] = set()
    for col in sheet.header:
        if col in seen:
            raise InputError(f"two columns are named {cl.q(col)}", path=sheet.path, column=col)
        seen.add(col)


def _unknown_columns(sheet: Sheet) -> None:
    unknown = [c for c in sheet.header if c not in GENERIC_COLUMNS]
    if not unknown:
        return
    hints = [f"{c!r} → {s!r}" for c in unknown if (s := suggest(str(c), GENERIC_COLUMNS))]
    hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
    raise InputError(f"unknown columns {unknown}{hint}; the columns are "
                     f"{', '.join(GENERIC_COLUMNS)} (computelimits data check --help says "
                     "what each means)", path=sheet.path, column=str(unknown[0]))


def _benchmarks(sheet: Sheet, problems: cl.Problems, declared: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, list[tuple[str, np.ndarray]]]:
    """Per row: the benchmark id (None where wrong) and whether it is the user's own; and the
    notices (what, rows) about own ids close to known ones. ``declared``: rows that declare
    their benchmark new (a chance level given), which admits an id close to a known one."""
    from computelimits.data.benchmarks import own_benchmarks

    codes, cells = sheet.column("benchmark").stripped()
    ids: list[str | None] = [None] * len(cells)
    own = np.zeros(len(cells), dtype=bool)
    messages: list[str | None] = [None] * len(cells)
    close: list[str | None] = [None] * len(cells)
    # one id per normalized spelling: those read before in this process, then the first here
    canon = {"".join(ch for ch in b.id if ch.isalnum()): b.id for b in own_benchmarks()}
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            messages[j] = "blank benchmark"
            continue
        if len(cell) <= cl.SHOWN_CHARS:  # no id or alias is longer
            try:
                b = find_benchmark(cell)
            except ConfigError:
                b = None
            if b is not None and not b.own:
                ids[j] = b.id
                continue
        cid = _own_id(cell)
        if cid is None:
            messages[j] = (f"unknown benchmark {cl.q(cell)}: not one of the package's, and not "
                           "an id of your own (a letter, then letters, digits, '.', '-', '_', "
                           f"'+'; at most {_OWN_MAX} characters)")
            continue
        ids[j] = canon.setdefault("".join(ch for ch in cid if ch.isalnum()), cid)
        own[j], close[j] = True, near_miss(cid)
    cl.report(problems, codes, messages, "benchmark")
    # an own id close to a known one: refused unless its rows declare it new
    notices: list[tuple[str, np.ndarray]] = []
    for j, known in enumerate(close):
        if known is None:
            continue
        rows = codes == j
        if declared[rows].any():
            notices.append((f"benchmark {cl.q(cells[j])} is close to the package's {known} "
                            "but is read as a benchmark of your own (its chance level is "
                            "given)", np.flatnonzero(rows)))
            continue
        msg = (f"unknown benchmark {cl.q(cells[j])} — did you mean {known}? (if it is a "
               "benchmark of your own, give its chance level: a chance_error column or "
               "--chance-error, 1 where it has none)")
        problems.add(np.flatnonzero(rows), "benchmark", lambda i, m=msg: m)
        ids[j] = None
    return np.asarray(ids, dtype=object)[codes], own[codes], notices


def _metrics(sheet: Sheet, problems: cl.Problems, own_bench: np.ndarray) -> np.ndarray:
    """Per row: the metric id (None where wrong). A benchmark of the user's own may have a
    metric of its own (an id as for benchmarks)."""
    codes, cells = sheet.column("metric").stripped()
    keys = [c.casefold() for c in cells]
    known = np.asarray([k in METRICS for k in keys], dtype=bool)
    own_ok = np.asarray([_own_id(c) is not None for c in cells], dtype=bool)
    row_known = known[codes]
    row_own = ~row_known & own_bench & own_ok[codes]
    bad = ~row_known & ~row_own
    problems.add(np.flatnonzero(bad), "metric", lambda i: (
        f"unknown metric {cl.q(cells[codes[i]])}; known: {', '.join(METRICS)}"
        + (" (a benchmark of your own may have a metric of its own: letters, digits, '.', "
           "'-', '_', '+')" if own_bench[i] else "")))
    ids = np.asarray([k if k in METRICS else (_own_id(c) or None)
                      for k, c in zip(keys, cells, strict=True)], dtype=object)[codes]
    return np.where(bad, None, ids)


def _route(metric: str, unit: str) -> tuple[str, str | None, str | None]:
    """How a value of ``metric`` with ``unit`` (stripped cell) is read: (converter, None, None)
    with converter "auto", "fraction", "percent" or "number", or ("", column, problem). A
    metric of the user's own is a share."""
    m = METRICS.get(metric)
    m_unit = m.unit if m is not None else "fraction"
    low = unit.casefold()
    if low not in {"", "fraction", "percent", "bleu", "index"}:
        return "", "unit", f"unknown unit {cl.q(unit)}; use fraction, percent or bleu"
    if m_unit == "fraction":
        if low in {"bleu", "index"}:
            return "", "unit", f"unit {cl.q(low)} does not fit metric {metric}"
        return low or "auto", None, None
    if low not in {"", m_unit}:
        return "", "unit", (f"unit {cl.q(low)} does not fit metric {metric} (use {m_unit!r} or "
                            "leave blank)")
    return "number", None, None


def _values(sheet: Sheet, problems: cl.Problems, metric: np.ndarray) -> np.ndarray:
    """The ``value`` column read by each row's metric and unit: shares as fractions, BLEU in
    points, ECI as an index; rows whose metric is unknown are skipped (already a problem)."""
    n = sheet.n
    vcodes, vcells = sheet.column("value").stripped()
    if "unit" in sheet.header:
        ucodes, ucells = sheet.column("unit").stripped()
    else:
        ucodes, ucells = np.zeros(n, dtype=np.int64), [""]
    known = np.asarray([m is not None for m in metric], dtype=bool)
    vblank = np.asarray([c in BLANKS for c in vcells], dtype=bool)[vcodes]
    problems.add(np.flatnonzero(known & vblank), "value",
                 lambda i: "blank value where a score is required")
    todo = known & ~vblank
    # one routing per distinct (metric, unit)
    mcodes, metrics = pd.factorize(np.where(todo, metric, ""))
    pair = mcodes.astype(np.int64) * len(ucells) + ucodes
    pcodes, pairs = pd.factorize(pair)
    routes, pcols, pmsgs = [], [], []
    for p in pairs:
        mc, uc = divmod(int(p), len(ucells))
        if not metrics[mc]:
            routes.append("")
            pcols.append(None)
            pmsgs.append(None)
            continue
        r, c, msg = _route(metrics[mc], ucells[uc])
        routes.append(r)
        pcols.append(c)
        pmsgs.append(msg)
    route = np.asarray(routes, dtype=object)[pcodes]
    unit_bad = np.asarray([c is not None for c in pcols], dtype=bool)[pcodes] & todo
    problems.add(np.flatnonzero(unit_bad), "unit", lambda i: pmsgs[pcodes[i]] or "")
    todo &= ~unit_bad
    pct = np.asarray([c.endswith("%") for c in vcells], dtype=bool)[vcodes]
    sign = todo & (route == "fraction") & pct
    problems.add(np.flatnonzero(sign), "value",
                 lambda i: f"{cl.q(vcells[vcodes[i]])} has a % sign but unit says fraction")
    todo &= ~sign

    value = np.full(n, np.nan)
    for scale in ("auto", "fraction", "percent"):
        rows = todo & (route == scale)
        if not rows.any():
            continue
        got = np.full(len(vcells), np.nan)
        messages: list[str | None] = [None] * len(vcells)
        for j in cl.distinct(vcodes, rows):
            x, _ = cl.fraction_of(vcells[j], scale)
            if isinstance(x, str):
                messages[j] = x
            else:
                got[j] = x
        cl.report(problems, vcodes, messages, "value", rows)
        value = np.where(rows, got[vcodes], value)
        if scale == "auto":
            sheet.repairs.note("value: percent strings converted to fractions",
                               int(np.sum(rows & pct)))
    rows = todo & (route == "number")
    if rows.any():
        got = np.full(len(vcells), np.nan)
        messages = [None] * len(vcells)
        for j in cl.distinct(vcodes, rows):
            x = cl.number_of(vcells[j])
            if isinstance(x, str):
                messages[j] = x
            else:
                got[j] = x
        bad = cl.report(problems, vcodes, messages, "value", rows)
        v = np.where(rows & ~bad, got[vcodes], np.nan)
        out = (metric == "bleu") & ~np.isnan(v) & ~((v >= 0) & (v <= 100))
        problems.add(np.flatnonzero(out), "value",
                     lambda i: f"BLEU {cl.q(vcells[vcodes[i]])} is outside 0..100")
        value = np.where(np.isnan(v), value, v)
    return value


def _directions(sheet: Sheet, problems: cl.Problems, metric: np.ndarray,
                benchmark: np.ndarray) -> np.ndarray:
    """Per row: higher_is_better. A known metric's direction is fixed (a cell that
    disagrees is a problem); a metric of the user's own takes the cells of its rows, which
    must be given and agree per benchmark and metric."""
    n = sheet.n
    given = np.full(n, None, dtype=object)
    if "higher_is_better" in sheet.header:
        codes, cells = sheet.column("higher_is_better").stripped()
        flags: list[bool | None] = []
        messages: list[str | None] = []
        for cell in cells:
            low = cell.casefold()
            flags.append(None if cell in BLANKS else True if low in cl.TRUE else
                         False if low in cl.FALSE else None)
            messages.append(None if cell in BLANKS or low in cl.TRUE or low in cl.FALSE else
                            f"expected true or false, found {cl.q(cell)}")
        cl.report(problems, codes, messages, "higher_is_better")
        given = np.asarray(flags, dtype=object)[codes]
    expected = {m: METRICS[m].higher_is_better for m in METRICS}
    known = np.fromiter((m in expected for m in metric), dtype=bool, count=n)
    wrong = np.fromiter((k and g is not None and g != expected[m]
                         for k, g, m in zip(known, given, metric, strict=True)), dtype=bool,
                        count=n)
    problems.add(np.flatnonzero(wrong), "higher_is_better",
                 lambda i: f"metric {metric[i]} has higher_is_better = {expected[metric[i]]}")
    out = np.asarray([expected[m] if k else None for k, m in zip(known, metric, strict=True)],
                     dtype=object)
    own = np.flatnonzero(~known & np.not_equal(metric, None))
    if len(own):
        frame = pd.DataFrame({"b": benchmark[own], "m": metric[own], "g": given[own],
                              "row": own})
        for (_b, m), g in frame.groupby(["b", "m"], sort=False):
            flags = set(g["g"].dropna())
            if len(flags) == 1:
                out[g["row"].to_numpy()] = flags.pop()
                continue
            what = (f"metric {cl.q(m)} is one of your own: give higher_is_better (true or "
                    "false) on its rows" if not flags else
                    f"metric {cl.q(m)} has both higher_is_better true and false")
            problems.add(g["row"].to_numpy(), "higher_is_better", lambda i, w=what: w)
    return out


def _chance_cells(sheet: Sheet, problems: cl.Problems) -> np.ndarray:
    """The ``chance_error`` cells (NaN: blank or no column); a cell outside (0, 1] is a
    problem."""
    if "chance_error" not in sheet.header:
        return np.full(sheet.n, np.nan)
    cell = cl.numbers(sheet, problems, "chance_error")
    bad = ~np.isnan(cell) & ((cell <= 0) | (cell > 1))
    if bad.any():
        codes, cells = sheet.column("chance_error").stripped()
        problems.add(np.flatnonzero(bad), "chance_error", lambda i: (
            f"chance_error {cl.q(cells[codes[i]])} is outside (0, 1] (1: no chance level)"))
    return np.where(bad, np.nan, cell)


def _chance_levels(problems: cl.Problems, benchmark: np.ndarray, own: np.ndarray,
                   metric: np.ndarray, cell: np.ndarray, option: float | None) -> np.ndarray:
    """Chance error per row of the user's own benchmarks (one per benchmark and metric: the
    cells of its rows, else ``option``, else NaN); a cell on a package benchmark must equal
    its recorded level."""
    from computelimits.data.chance import chance_error

    n = len(benchmark)
    out = np.full(n, np.nan)
    ok = np.not_equal(benchmark, None) & np.not_equal(metric, None)
    known_given = np.flatnonzero(ok & ~own & ~np.isnan(cell))
    levels: dict[tuple[str, str], float] = {}
    for i in known_given:
        key = (str(benchmark[i]), str(metric[i]))
        if key not in levels:
            levels[key] = chance_error(*key).error
    bad = [i for i in known_given if abs(cell[i] - levels[(benchmark[i], metric[i])]) > 1e-6]
    problems.add(np.asarray(bad, dtype=np.int64), "chance_error", lambda i: (
        f"{benchmark[i]} {metric[i]} has the chance error "
        f"{levels[(benchmark[i], metric[i])]:g} recorded in the package (computelimits/data/"
        f"chance.csv), not {cell[i]:g}; the chance_error column is for benchmarks of your "
        "own"))
    rows = np.flatnonzero(ok & own)
    if not len(rows):
        return out
    frame = pd.DataFrame({"b": benchmark[rows], "m": metric[rows], "c": cell[rows],
                          "row": rows})
    for (_b, _m), g in frame.groupby(["b", "m"], sort=False):
        vals = g["c"].dropna()
        if vals.nunique() > 1:
            first = float(vals.iloc[0])
            at = int(g.loc[vals.index[0], "row"])
            differ = g.loc[vals.index[vals != first], "row"].to_numpy()
            problems.add(differ, "chance_error", lambda i, f=first, a=at: (
                f"chance_error {cell[i]:g} differs from {f:g} on row {a + 1} (one chance "
                "level per benchmark and metric)"))
            continue
        level = float(vals.iloc[0]) if len(vals) else (option if option is not None
                                                       else np.nan)
        out[g["row"].to_numpy()] = level
    return out


def _blank_models(model: np.ndarray, publication: np.ndarray, origin: np.ndarray,
                  repairs) -> np.ndarray:
    """A blank model name takes the publication, else the origin (counted, rows named)."""
    blank = np.equal(model, None)
    if not blank.any():
        return model
    pub = blank & ~np.equal(publication, None)
    org = blank & ~pub & ~np.equal(origin, None)
    cl.note_rows(repairs, "model: blank, the publication used as its name", np.flatnonzero(pub))
    cl.note_rows(repairs, "model: blank, the origin used as its name", np.flatnonzero(org))
    return np.where(pub, publication, np.where(org, origin, model))


def _badness(value: np.ndarray, err: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Lower is better: the error where there is one, else the value signed by direction."""
    signed = np.where(up.astype(bool), -value, value)
    return np.where(np.isnan(err), signed, err)


#: The least ``training_flop`` a row may give: one floating-point operation (1e-300 would
#: fit, and put the fitted line's compute multiples beyond the largest float).
MIN_FLOP = 1.0


def load_generic(path: str | Path, *, chance_error: float | None = None,
                 duplicates: str = "all", date_format: str | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a generic results CSV (columns: ``computelimits data check --help``; rules: the
    README's section on your own results files).

    Args:
        path: the file.
        chance_error: the chance error of the file's benchmarks of the user's own where
            their rows give none (``--chance-error``); in (0, 1]; refused when the file has
            no benchmark of its own.
        duplicates: rows of one model, benchmark, metric, setting and origin with different
            values: "all" (default: separate results, named in a notice), "first", "best"
            (the best score) or "error" (refuse the file, naming the rows).
        date_format: how slash dates are written, "DD/MM/YYYY" or "MM/DD/YYYY"
            (``--date-format``); None: read the way a cell shows (a number over 12), and a
            column that could be read either way is refused
            (:func:`~computelimits.data.userfiles.cells.dates`).

    Returns ``(results, compute)`` tidy tables: results one row per (non-duplicate) file row,
    with ``publication``, ``setting_kind`` and, for a benchmark of the user's own,
    ``chance_error``; compute one row per kept file row that has ``training_flop`` (FLOP;
    ``source_row`` = that row; ``compute_kind`` from the file, default "training").

    Raises:
        InputError: naming file, row and column for a cell that cannot be used; when several
            cannot, the first :data:`~computelimits.data.userfiles.cells.MAX_ERRORS` groups by
            row and the count of the others.
        ConfigError: a bad ``chance_error``, ``duplicates`` or ``date_format``.
    """
    if date_format is not None and date_format not in cl.DATE_FORMATS:
        raise ConfigError(f"date format must be one of {', '.join(cl.DATE_FORMATS)}, got "
                          f"{date_format!r}")
    if duplicates not in DUPLICATES:
        raise ConfigError(f"duplicates must be one of {', '.join(DUPLICATES)}, got "
                          f"{duplicates!r}")
    if chance_error is not None and not 0 < chance_error <= 1:
        raise ConfigError(f"chance error must lie in (0, 1] (1: no chance level), got "
                          f"{chance_error!r}")
    name = str(path)
    sheet = read_sheet(path, required=GENERIC_REQUIRED, synonyms=SYNONYMS)
    if not sheet.n:
        raise InputError("no data rows", path=name)
    _unknown_columns(sheet)
    _unique_header(sheet)
    repairs = sheet.repairs
    problems = cl.Problems(sheet)
    n = sheet.n
    have = set(sheet.header)
    none = np.full(n, None, dtype=object)

    setting = cl.text(sheet, None, "setting") if "setting" in have else none
    origin = cl.text(sheet, None, "origin") if "origin" in have else none
    publication = cl.text(sheet, None, "publication") if "publication" in have else none
    publication = np.where(np.equal(publication, None), origin, publication)
    model = _blank_models(cl.text(sheet, None, "model"), publication, origin, repairs)
    problems.add(np.flatnonzero(np.equal(model, None)), "model",
                 lambda i: "blank value where one is required (and no publication or origin "
                           "to name it by)")
    cell_chance = _chance_cells(sheet, problems)
    declared = ~np.isnan(cell_chance) | (chance_error is not None)
    benchmark, own, notices = _benchmarks(sheet, problems, declared)
    metric = _metrics(sheet, problems, own & np.not_equal(benchmark, None))
    value = _values(sheet, problems, metric)
    up = _directions(sheet, problems, metric, benchmark)
    date = (cl.dates(sheet, problems, "date", date_format) if "date" in have
            else np.full(n, np.datetime64("NaT"), dtype="datetime64[us]"))
    flop = (cl.numbers(sheet, problems, "training_flop", positive=True)
            if "training_flop" in have else np.full(n, np.nan))
    if "training_flop" in have:  # a positive number of FLOP below one is no training run
        column = sheet.column("training_flop")
        problems.add(np.flatnonzero(flop < MIN_FLOP), "training_flop", lambda i: (
            f"{cl.q(column.cells[column.codes[i]])} is below {MIN_FLOP:g} FLOP: not the "
            "compute of a training run (FLOP, not another unit?)"))
    compute_kind, kind_given = cl.choices(sheet, problems, "compute_kind", list(COMPUTE_KINDS),
                                         "training")
    setting_kind, _ = cl.choices(sheet, problems, "setting_kind", SETTING_KINDS, "unknown")
    chance = _chance_levels(problems, benchmark, own, metric, cell_chance, chance_error)
    problems.check()
    if chance_error is not None and not own.any():
        raise ConfigError(f"--chance-error applies to benchmarks of your own; {name} has none "
                          f"(its benchmarks: {', '.join(sorted(set(benchmark)))})")

    # duplicates are judged on converted values rounded to 12 decimals, so that "43.9%" and
    # "0.439" are the same score
    mk = cl.keys(model)
    key = [mk, cl.keys(benchmark), cl.keys(metric), cl.keys(setting), cl.keys(origin)]
    everything = pd.DataFrame(dict(enumerate(
        [*key, cl.keys(np.round(value, 12)), cl.keys(date), cl.keys(flop), cl.keys(compute_kind),
         kind_given, cl.keys(setting_kind), cl.keys(publication), cl.keys(chance)])))
    exact = everything.duplicated().to_numpy()
    repairs.note("exact duplicate result rows dropped", int(exact.sum()))
    rows = np.flatnonzero(~exact)
    keyed = pd.DataFrame(dict(enumerate(k[rows] for k in key)))
    group = keyed.groupby(list(keyed.columns), sort=False).ngroup().to_numpy()
    if duplicates == "error":
        told = cl.clashes(rows, group)
        problems.add(np.asarray(sorted(told), dtype=np.int64), "model", lambda i: (
            f"duplicate of row {told[i] + 1} on {_DUP_KEY} with different values"))
        problems.check()
    else:
        groups = cl.groups_of(rows, group)
        if groups:
            if duplicates != "all":
                err = np.full(n, np.nan)
                known_m = np.fromiter((m in METRICS for m in metric), dtype=bool, count=n)
                for m in dict.fromkeys(metric[known_m]):
                    sel = metric == m
                    err[sel] = error_of(value[sel], m)
                own_m = ~known_m
                err[own_m] = np.where(up[own_m].astype(bool), 1 - value[own_m], value[own_m])
                bad = _badness(value, err, up)
                drop = []
                for g in groups:
                    keep = g[0] if duplicates == "first" else g[int(np.argmin(bad[g]))]
                    drop += [int(r) for r in g if r != keep]
                rows = np.setdiff1d(rows, np.asarray(drop, dtype=np.int64))
            labels = [cl.q(model[g[0]]) + f", {benchmark[g[0]]} {metric[g[0]]}" for g in groups]
            repairs.note(cl.duplicates_notice(duplicates, "model, benchmark, metric, setting and "
                                           "origin", groups, labels),
                         int(sum(len(g) for g in groups)))

    # one compute row per file row with training_flop; within one model name and origin the
    # figure and the date must agree (a typo otherwise), across origins they may differ
    with_flop = rows[~np.isnan(flop[rows])]
    repairs.note("compute_kind without training_flop: ignored",
                 int(np.sum(np.isnan(flop[rows]) & kind_given[rows])))
    _agree(problems, model, origin, flop, date, with_flop)
    problems.check()
    _own_notices(repairs, benchmark, own, metric, chance, rows, notices, cell_chance)
    _register(benchmark[rows][own[rows]])
    del sheet, problems  # the cells as written are no longer needed

    keys_of = cl.model_keys(model)
    v = value[rows]
    m_rows = metric[rows]
    err = np.full(len(rows), np.nan)
    known_m = np.fromiter((m in METRICS for m in m_rows), dtype=bool, count=len(rows))
    for m in dict.fromkeys(m_rows[known_m]):
        sel = m_rows == m
        err[sel] = error_of(v[sel], m)
    ups = up[rows].astype(bool)
    err[~known_m] = np.where(ups[~known_m], 1.0 - v[~known_m], v[~known_m])
    results = pd.DataFrame({
        "model": model[rows], "model_key": keys_of[rows], "date": date[rows],
        "benchmark": benchmark[rows], "metric": m_rows, "value": v,
        "higher_is_better": ups,
        "unit": [METRICS[m].unit if m in METRICS else "fraction" for m in m_rows],
        "error": err, "chance_error": chance[rows],
        "setting": setting[rows], "origin": origin[rows], "publication": publication[rows],
        "setting_kind": setting_kind[rows],
        "source": SOURCE_GENERIC, "source_file": name, "source_row": rows + 1,
    })
    kinds = compute_kind[with_flop]
    compute = pd.DataFrame({
        "model": model[with_flop], "model_key": keys_of[with_flop], "date": date[with_flop],
        "training_flop": flop[with_flop],
        "method": [COMPUTE_KINDS[k] for k in kinds], "compute_kind": kinds,
        "notes": [_GENERIC_NOTES[k] for k in kinds],
        "source": SOURCE_GENERIC, "source_file": name, "source_row": with_flop + 1,
    }, columns=["model", "model_key", "date", "training_flop", "method", "compute_kind",
                "notes", "source", "source_file", "source_row"])
    return cl.frames_attrs(results, compute, name, repairs)


def _own_notices(repairs, benchmark: np.ndarray, own: np.ndarray, metric: np.ndarray,
                 chance: np.ndarray, rows: np.ndarray, notices, cell: np.ndarray) -> None:
    """Notices naming the rows of the user's own benchmarks and metrics, and their chance
    level (or that there is none)."""
    kept = np.zeros(len(benchmark), dtype=bool)
    kept[rows] = True
    for what, at in notices:
        cl.note_rows(repairs, what, at[kept[at]])
    sel = np.flatnonzero(kept & own)
    if not len(sel):
        return
    frame = pd.DataFrame({"b": benchmark[sel], "m": metric[sel], "c": chance[sel],
                          "given": ~np.isnan(cell[sel]), "row": sel})
    for (b, m), g in frame.groupby(["b", "m"], sort=False):
        c = float(g["c"].iloc[0])
        if np.isnan(c):
            level = ("no chance level (give chance_error or --chance-error): fits use the "
                     "error scale")
        else:
            level = (f"chance error {c:g} from the chance_error column" if g["given"].any()
                     else f"chance error {c:g} from --chance-error")
        own_metric = "" if m in METRICS else f"; metric {m!r} of your own, a share"
        cl.note_rows(repairs, f"benchmark {b!r} {m} read as a benchmark of your own "
                    f"({level}{own_metric})", g["row"].to_numpy())


def _register(ids: np.ndarray) -> None:
    from computelimits.data.benchmarks import own_benchmark

    for b in dict.fromkeys(ids):
        own_benchmark(str(b))


def _agree(problems: cl.Problems, model: np.ndarray, origin: np.ndarray, flop: np.ndarray,
           date: np.ndarray, rows: np.ndarray) -> None:
    """Rows of one model name and origin must give the same training_flop and date as the
    first of them."""
    if not len(rows):
        return
    group = pd.DataFrame({"m": cl.keys(model)[rows], "o": cl.keys(origin)[rows]}).groupby(
        ["m", "o"], sort=False).ngroup().to_numpy()
    _, first_at = np.unique(group, return_index=True)
    prev = rows[first_at[group]]
    f, pf = flop[rows], flop[prev]
    d, pd_ = date[rows], date[prev]
    bad_flop = f != pf
    bad_date = ~bad_flop & ~np.isnat(d) & ~np.isnat(pd_) & (d != pd_)
    prev_of = dict(zip(rows.tolist(), prev.tolist(), strict=True))

    def where(i: int) -> str:
        p = prev_of[i]
        return f"on row {p + 1} (same model and origin {cl.q(origin[p])})"

    problems.add(rows[bad_flop], "training_flop", lambda i: (
        f"model {cl.q(model[i])} has training_flop {flop[prev_of[i]]:g} {where(i)}"))
    problems.add(rows[bad_date], "date", lambda i: (
        f"model {cl.q(model[i])} has date {pd.Timestamp(date[prev_of[i]]):%Y-%m-%d} {where(i)}"))
