"""Cell checks of users' files, once per distinct cell of a column, and how their problems
and repairs are reported.

Every converter follows the rules of the strict converters of
:mod:`computelimits.data.parse` (numbers, shares, dates). Problems are collected per column
(:class:`Problems`) and raised together as one :class:`~computelimits.errors.InputError`:
one problem gives its own message (file, row, column, message, line); several give
``N errors:`` and the first :data:`MAX_ERRORS` groups by row, where rows with the same
message in the same column are one group ("rows 1–12, column 'benchmark': unknown benchmark
'mmul' — did you mean mmlu? …"), then "… and K more". Messages quote cells with ``repr``
(control characters and right-to-left marks escaped, so a message stays one line) and
shorten a cell over :data:`SHOWN_CHARS` characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from computelimits.data.names import model_key
from computelimits.data.parse import _NUM, BLANKS, Repairs, _parse_date
from computelimits.data.schema import conform
from computelimits.data.userfiles.reader import Sheet
from computelimits.errors import ConfigError, InputError

__all__ = ["MAX_ERRORS", "SHOWN_CHARS", "Problems", "q", "rows_text"]

#: At most this many problems (groups of rows with one message) of one file are listed in
#: one error; the rest are counted ("… and K more").
MAX_ERRORS = 20
#: A cell longer than this many characters is shortened when a message quotes it.
SHOWN_CHARS = 200
#: Messages of at most this many problem rows are worked out to group them; the others are
#: counted.
_GROUPED_ROWS = 10_000
#: Row ranges listed in one group before "and N more rows".
_RANGES = 8

TRUE = {"true", "yes", "1", "t", "y"}
FALSE = {"false", "no", "0", "f", "n"}


def q(cell: object) -> str:
    """``repr`` of a cell for a message; a very long one shortened (its length given)."""
    if isinstance(cell, str) and len(cell) > SHOWN_CHARS:
        return f"{cell[:SHOWN_CHARS]!r}… ({len(cell):,} characters)"
    return repr(cell)


def rows_text(rows: Sequence[int] | np.ndarray, *, base: int = 1) -> str:
    """"row 4", "rows 1–3, 7", "rows 1–3, 7, … and 40 more" for 0-based ``rows`` (ascending,
    numbered from ``base``)."""
    rows = [int(r) + base for r in rows]
    if len(rows) == 1:
        return f"row {rows[0]}"
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    shown = runs[:_RANGES]
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" if b > a + 1 else f"{a}, {b}"
                     for a, b in shown)
    rest = sum(b - a + 1 for a, b in runs[_RANGES:])
    return f"rows {text}" + (f", … and {rest} more" if rest else "")


class Problems:
    """The problems found in a file's cells: all counted; :meth:`check` raises one
    :class:`~computelimits.errors.InputError`: the problem itself when there is one (file,
    row, column, message, line), else the first groups by row (rows with one message in one
    column form a group) and the count of the rest."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.failed = np.zeros(sheet.n, dtype=bool)
        self.total = 0
        self._found: list[tuple[np.ndarray, int, str, Callable[[int], str]]] = []

    def add(self, rows: np.ndarray, column: str, message: Callable[[int], str]) -> None:
        """``rows``: 0-based data rows (ascending) with the problem ``message(row)``."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows):
            self.total += len(rows)
            self.failed[rows] = True
            self._found.append((rows[:_GROUPED_ROWS], len(self._found), column, message))

    def check(self) -> None:
        if not self.total:
            return
        lines = self.sheet.lines
        path = self.sheet.path
        if self.total == 1:
            rows, _, col, msg = self._found[0]
            r = int(rows[0])
            raise InputError(f"{msg(r)} (line {lines[r]})", path=path, row=r + 1, column=col)
        every = sorted((int(r), seq) for rows, seq, _c, _m in self._found for r in rows)
        groups: dict[tuple[str, str], list[int]] = {}
        for r, seq in every[:_GROUPED_ROWS]:
            _rows, _seq, col, msg = self._found[seq]
            groups.setdefault((col, msg(r)), []).append(r)
        listed = list(groups.items())[:MAX_ERRORS]  # dicts keep the order of first rows
        items = []
        for (col, text), rows in listed:
            if len(rows) == 1:
                items.append(f"row {rows[0] + 1}, column {col!r}: {text} (line "
                             f"{lines[rows[0]]})")
            else:
                items.append(f"{rows_text(rows)}, column {col!r}: {text} (from line "
                             f"{lines[rows[0]]})")
        more = self.total - sum(len(rows) for _k, rows in listed)
        raise InputError(f"{self.total} errors: " + "; ".join(items)
                         + (f"; … and {more} more" if more else ""), path=path)


def note_rows(repairs: Repairs, what: str, rows: Sequence[int] | np.ndarray) -> None:
    """Count a repair or notice that applies to some rows, naming them (0-based) in it:
    ``what (rows 1–3, 7)``."""
    if len(rows):
        repairs.note(f"{what} ({rows_text(sorted(int(r) for r in rows))})", len(rows))


def distinct(codes: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The distinct codes used by ``rows`` (a boolean mask; all rows when None)."""
    return np.unique(codes if rows is None else codes[rows])


def report(problems: Problems, codes: np.ndarray, messages: list[str | None],
           column: str, rows: np.ndarray | None = None) -> np.ndarray:
    """Report the rows (within the mask ``rows``) whose distinct cell has a message; returns
    the mask of those rows."""
    bad_u = np.fromiter((m is not None for m in messages), dtype=bool, count=len(messages))
    bad = bad_u[codes] if len(messages) else np.zeros(len(codes), dtype=bool)
    if rows is not None:
        bad &= rows
    problems.add(np.flatnonzero(bad), column, lambda i: messages[codes[i]] or "")
    return bad


def number_of(cell: str, *, positive: bool = False, nonnegative: bool = False) -> float | str:
    """One non-blank stripped cell by the rules of :func:`computelimits.data.parse.numbers`:
    the number, or what is wrong with it."""
    if not _NUM.match(cell):
        return f"cannot parse {q(cell)} as a number"
    x = float(cell)
    if not math.isfinite(x):
        return f"{q(cell)} is not a finite number"
    if positive and x <= 0:
        return f"{q(cell)} must be positive"
    if nonnegative and x < 0:
        return f"{q(cell)} must not be negative"
    return x


def fraction_of(cell: str, scale: str) -> tuple[float | str, bool]:
    """One non-blank stripped cell by the rules of :func:`computelimits.data.parse.fractions`:
    (the fraction or what is wrong, whether a ``%`` string was converted)."""
    v = cell
    percent = scale == "percent"
    repaired = False
    if v.endswith("%"):
        v = v[:-1].strip()
        percent = True
        repaired = scale != "percent"
    if not _NUM.match(v):
        return f"cannot parse {q(cell)} as a score", repaired
    x = float(v) / (100.0 if percent else 1.0)
    if x < 0:
        return f"{q(cell)} is negative", repaired
    if x > 1.0 + 1e-12:
        what = "over 100%" if percent else "over 1 (percent without a % sign?)"
        return f"{q(cell)} is {what}", repaired
    return min(x, 1.0), repaired


def fractions_in_percent(sheet: Sheet, col: str) -> str | None:
    """A cell of a percent column whose numbers (no ``%`` sign) are all ≤ 1 — fractions
    written where percent is expected, 100× too small if read as percent — or None."""
    _codes, cells = sheet.column(col).stripped()
    seen = None
    for cell in cells:
        if cell in BLANKS or cell.endswith("%"):
            if cell.endswith("%"):
                return None  # a % sign says percent
            continue
        x = number_of(cell)
        if isinstance(x, str):
            continue  # reported by the converter
        if x > 1:
            return None
        seen = seen or cell
    return seen


def numbers(sheet: Sheet, problems: Problems, col: str, *, positive: bool = False,
            nonnegative: bool = False) -> np.ndarray:
    """A numeric column (blank → NaN); unreadable or out-of-range cells are problems."""
    codes, cells = sheet.column(col).stripped()
    values = np.full(len(cells), np.nan)
    messages: list[str | None] = [None] * len(cells)
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            continue
        x = number_of(cell, positive=positive, nonnegative=nonnegative)
        if isinstance(x, str):
            messages[j] = x
        else:
            values[j] = x
    report(problems, codes, messages, col)
    return values[codes]


def fractions(sheet: Sheet, problems: Problems, col: str, scale: str) -> np.ndarray:
    """A share column as fractions (rules of :func:`computelimits.data.parse.fractions`)."""
    codes, cells = sheet.column(col).stripped()
    values = np.full(len(cells), np.nan)
    messages: list[str | None] = [None] * len(cells)
    repaired = np.zeros(len(cells), dtype=bool)
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            continue
        x, repaired[j] = fraction_of(cell, scale)
        if isinstance(x, str):
            messages[j] = x
        else:
            values[j] = x
    report(problems, codes, messages, col)
    sheet.repairs.note(f"{col}: percent strings converted to fractions",
                       int(np.sum(repaired[codes])))
    return values[codes]


def whole(sheet: Sheet, problems: Problems, col: str, values: np.ndarray) -> np.ndarray:
    """Counts and years must be whole numbers (the cell is quoted as written); returns the
    mask of rows that are not."""
    bad = ~np.isnan(values) & (values != np.floor(np.where(np.isnan(values), 0, values)))
    column = sheet.column(col)
    problems.add(np.flatnonzero(bad), col,
                 lambda i: f"{q(column.cells[column.codes[i]])} is not a whole number")
    return bad


def text(sheet: Sheet, problems: Problems | None, col: str) -> np.ndarray:
    """A text column (stripped; blanks → None). With ``problems``, a blank is a problem."""
    codes, cells = sheet.column(col).stripped()
    values = np.asarray([None if c in BLANKS else c for c in cells], dtype=object)
    if problems is not None:
        report(problems, codes, ["blank value where one is required" if v is None else None
                                 for v in values], col)
    return values[codes]


def choices(sheet: Sheet, problems: Problems, col: str, allowed: Sequence[str],
            default: str) -> tuple[np.ndarray, np.ndarray]:
    """An enumerated column (case ignored; blank → ``default``) and which cells were given."""
    if col not in sheet.header:
        return np.full(sheet.n, default, dtype=object), np.zeros(sheet.n, dtype=bool)
    codes, cells = sheet.column(col).stripped()
    keys: list[str] = []
    given: list[bool] = []
    messages: list[str | None] = []
    for cell in cells:
        key = cell.casefold()
        blank = cell in BLANKS
        keys.append(default if blank else key)
        given.append(not blank)
        messages.append(None if blank or key in allowed else
                        f"unknown {col} {q(cell)}; allowed: {', '.join(allowed)}")
    report(problems, codes, messages, col)
    return np.asarray(keys, dtype=object)[codes], np.asarray(given, dtype=bool)[codes]


#: ``--date-format`` values: how a users' file writes its slash dates.
DATE_FORMATS = {"DD/MM/YYYY": "%d/%m/%Y", "MM/DD/YYYY": "%m/%d/%Y"}
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _slash_order(col: str, slash: list[tuple[int, int] | None], cells: list[str],
                 date_format: str | None) -> tuple[str | None, str | None]:
    """How the column's slash dates are read: (strptime format or None, repair note). A cell
    whose first number is over 12 decides day first, one whose second is, month first;
    without ``date_format``, a column that no cell decides (every day ≤ 12) is read neither
    way (None)."""
    if date_format is not None:
        if date_format not in DATE_FORMATS:
            raise ConfigError(f"date format must be one of {', '.join(DATE_FORMATS)}, got "
                              f"{date_format!r}")
        return DATE_FORMATS[date_format], f"{date_format} dates read as YYYY-MM-DD"
    day = next((j for j, ab in enumerate(slash) if ab and ab[0] > 12 >= ab[1]), None)
    month = next((j for j, ab in enumerate(slash) if ab and ab[1] > 12 >= ab[0]), None)
    if day is not None and month is None:
        return "%d/%m/%Y", (f"DD/MM/YYYY dates read as YYYY-MM-DD (day first, as "
                            f"{q(cells[day])} shows; --date-format to say so)")
    if month is not None and day is None:
        return "%m/%d/%Y", (f"MM/DD/YYYY dates read as YYYY-MM-DD (month first, as "
                            f"{q(cells[month])} shows; --date-format to say so)")
    return None, None


def dates(sheet: Sheet, problems: Problems, col: str,
          date_format: str | None = None) -> np.ndarray:
    """A date column by the rules of :func:`computelimits.data.parse.dates` (1900–2100; the
    repairs counted per row, in the order they first occur), except slash dates: a users'
    file may write them day first or month first, so they are read the way ``date_format``
    ("DD/MM/YYYY" or "MM/DD/YYYY", ``--date-format``) says, else the way a cell of the column
    shows (a number over 12); a cell that could be read either way (03/04/2018) in a column
    no cell decides is a problem asking for ``--date-format``, and so is a column whose
    cells show both ways."""
    codes, cells = sheet.column(col).stripped()
    values = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[us]")
    messages: list[str | None] = [None] * len(cells)
    repair_of: list[str | None] = [None] * len(cells)
    slash: list[tuple[int, int] | None] = []
    for cell in cells:
        m = _SLASH.match(cell)
        slash.append((int(m.group(1)), int(m.group(2))) if m else None)
    fmt, slash_note = _slash_order(col, slash, cells, date_format) if any(slash) else (None,
                                                                                       None)
    example = None
    both = (date_format is None and fmt is None
            and any(ab and ab[0] > 12 >= ab[1] for ab in slash)
            and any(ab and ab[1] > 12 >= ab[0] for ab in slash))
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            continue
        if slash[j] is not None:
            a, b = slash[j]
            if both:
                messages[j] = (f"slash dates written both day first and month first in this "
                               f"column ({q(cell)}): write them YYYY-MM-DD")
                continue
            use = fmt or ("%d/%m/%Y" if a == b or a > 12 else "%m/%d/%Y" if b > 12 else None)
            if use is None:  # one message for the column, so that its rows are one group
                example = example or cell
                messages[j] = (f"slash dates that could be day/month or month/day (e.g. "
                               f"{q(example)}): give --date-format DD/MM/YYYY or MM/DD/YYYY "
                               "(or write YYYY-MM-DD)")
                continue
            try:
                d, repair = datetime.strptime(cell, use), slash_note or (
                    "slash dates read as YYYY-MM-DD")
            except ValueError:
                order = "DD/MM/YYYY" if use == "%d/%m/%Y" else "MM/DD/YYYY"
                messages[j] = f"{q(cell)} is not a calendar date read as {order}"
                continue
        else:
            d, repair = _parse_date(cell)
        if d is None:
            messages[j] = f"cannot parse {q(cell)} as a date (expected YYYY-MM-DD)"
        elif not 1900 <= d.year <= 2100:
            messages[j] = f"date {q(cell)} is outside 1900..2100"
        else:
            values[j] = np.datetime64(d, "us")
            repair_of[j] = repair
    report(problems, codes, messages, col)
    repaired = {r: j for j, r in enumerate(repair_of) if r}
    if repaired:
        kinds = np.asarray([-1 if r is None else list(repaired).index(r) for r in repair_of])
        per_row = kinds[codes]
        found = [(int(np.argmax(per_row == k)), r, int(np.sum(per_row == k)))
                 for k, r in enumerate(repaired)]
        for _first, r, count in sorted(found):
            sheet.repairs.note(f"{col}: {r}", count)
    return values[codes]


def frames_attrs(results: pd.DataFrame, compute: pd.DataFrame, path: str,
                 repairs: Repairs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables conformed to their schema, with the repairs and the attribution line."""
    for out in (results, compute):
        out.attrs["repairs"] = repairs
        out.attrs["attribution"] = [f"user file {path}"]
    return conform(results, "results"), conform(compute, "compute")


def keys(values: np.ndarray) -> np.ndarray:
    """Integer codes of a column for equality tests (None, NaN and NaT are one value)."""
    if values.dtype.kind == "M":
        values = values.view(np.int64)
    return pd.factorize(values, use_na_sentinel=True)[0]


def clashes(rows: np.ndarray, group: np.ndarray, *, second: bool = False) -> dict[int, int]:
    """Rows (0-based, ascending) that share a ``group``: {the group's last row (its second
    with ``second``): the group's first row} for every group of more than one row."""
    clash = np.bincount(group)[group] > 1 if len(group) else np.zeros(0, dtype=bool)
    if not clash.any():
        return {}
    g = group[clash]
    r = rows[clash]
    order = np.argsort(g, kind="stable")
    g, r = g[order], r[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    at = r[starts + 1] if second else r[ends - 1]
    return dict(zip(at.tolist(), r[starts].tolist(), strict=True))


def groups_of(rows: np.ndarray, group: np.ndarray) -> list[np.ndarray]:
    """The rows (0-based, ascending within each) of every ``group`` with more than one row,
    in the order of their first rows."""
    if not len(group):
        return []
    counts = np.bincount(group)
    clash = counts[group] > 1
    if not clash.any():
        return []
    g, r = group[clash], rows[clash]
    order = np.lexsort((r, g))
    g, r = g[order], r[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out = np.split(r, starts[1:])
    return sorted(out, key=lambda a: int(a[0]))


def duplicates_notice(policy: str, what: str, groups: list[np.ndarray],
                      label: list[str]) -> str:
    """One line naming the groups of duplicate rows (0-based) and what was done."""
    shown = "; ".join(f"{rows_text(g)} ({lab})" for g, lab in zip(groups[:5], label[:5],
                                                                      strict=False))
    more = f"; … and {len(groups) - 5} more groups" if len(groups) > 5 else ""
    done = {"all": "kept as separate results", "first": "the first row of each kept",
            "best": "the row with the best score of each kept"}[policy]
    return f"rows of one {what} with different values: {done} (--duplicates {policy}): " \
           f"{shown}{more}"


def model_keys(model: np.ndarray) -> np.ndarray:
    """:func:`~computelimits.data.names.model_key` of each name, computed once per name."""
    codes, names = pd.factorize(model)
    keys = np.asarray([*(model_key(x) for x in names), ""], dtype=object)
    return keys[codes]  # a missing name (code -1) has the key of None, ""
