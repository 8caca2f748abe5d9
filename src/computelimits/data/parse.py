"""Strict, explicit parsing of text tables.

Every cell is read as text and converted by a named converter. A value that cannot be
converted raises :class:`~computelimits.errors.InputError` naming the file, the data row
(1-based, header excluded; the physical line follows in the message) and the column. A value
that can be converted unambiguously but is not in canonical form ("77.0%" → 0.770, "$1,234"
→ 1234, "2019-11" → 2019-11-01) is repaired and the repair counted in a :class:`Repairs`
tally that travels with the table (``DataFrame.attrs["repairs"]``). Blank cells become NaN
only where the caller says blanks are allowed.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits._io import output_problem
from computelimits.data import csvfile
from computelimits.errors import InputError

__all__ = [
    "BLANKS",
    "Repairs",
    "dates",
    "drop_duplicates",
    "fractions",
    "numbers",
    "read_csv",
    "require_columns",
    "text",
]

#: Cell texts that mean "no value" in the upstream files.
#: ("NA" is not among them: it is Namibia's country code.)
BLANKS = frozenset({"", "nan", "NaN", "NAN", "unk", "??", "-", "N/A", "n/a", "None"})


class Repairs(Counter):
    """Counts of documented repairs, keyed by a description of the repair."""

    def note(self, what: str, count: int = 1) -> None:
        if count:
            self[what] += count

    def lines(self) -> list[str]:
        return [f"{n} × {what}" for what, n in sorted(self.items())]


def _line(df: pd.DataFrame, idx) -> str:
    lines = df.attrs.get("lines")
    if lines is None:
        return ""
    try:
        return f" (line {lines[idx]})"
    except (KeyError, IndexError, TypeError):
        return ""


def _fail(df: pd.DataFrame, idx, column: str, message: str) -> InputError:
    row = int(idx) + 1 if isinstance(idx, (int, np.integer)) else None
    return InputError(message + _line(df, idx), path=df.attrs.get("path"), row=row,
                      column=column)


def read_csv(path: str | Path, *, skip_lines: int = 0, encoding: str = "utf-8-sig",
             required: Sequence[str] = (), text_data: str | None = None,
             label: str | None = None,
             repair_row: Callable[[int, list[str]], tuple[list[str], str] | None] | None = None,
             ) -> pd.DataFrame:
    """Read a CSV file as text cells, checking that every record has the header's width.

    The reading rules (decoding, quoting, blank lines, records of the wrong width) are those
    of :mod:`computelimits.data.csvfile`, the one reader shared with users' files.

    Args:
        path: the file (also used in error messages).
        skip_lines: physical lines before the header (Green Algorithms files have one).
        encoding: text encoding; the default (UTF-8, a byte-order mark dropped) is read a
            chunk at a time, another is decoded whole.
        required: columns that must be present (a missing one is an error that lists the
            closest names found, e.g. a renamed column), checked before the rows are read.
        text_data: parse this text instead of reading ``path``.
        label: name to use in messages instead of ``path``.
        repair_row: for a record whose width differs from the header's, called with
            (1-based data row, cells); it may return (fixed cells, description of the repair)
            for a known upstream defect, which is then counted; None keeps it an error.

    Returns a DataFrame of ``str`` cells with a RangeIndex; ``attrs["path"]`` and
    ``attrs["lines"]`` (physical line of each record) are set for error messages.
    """
    name = label or str(path)
    stray = [0, 0]

    def check(header: list[str]) -> None:
        if required:
            frame = pd.DataFrame(columns=pd.Index(header, dtype=object))
            frame.attrs["path"] = name
            require_columns(frame, required)

    def read(source) -> tuple[list[str], list[list[str]], list[int], dict[str, int]]:
        table = csvfile.records(csvfile.text_lines(source, name, stray), name,
                                skip_lines=skip_lines, repair_row=repair_row, required=check)
        rows: list[list[str]] = []
        lines: list[int] = []
        for line, rec in table.rows:
            rows.append(rec)
            lines.append(line)
        return table.header, rows, lines, table.repairs

    if text_data is not None:
        header, rows, lines, fixed = read(text_data)
    elif encoding.replace("_", "-").casefold() in ("utf-8-sig", "utf8-sig"):
        fh = csvfile.open_binary(path, name)
        try:
            with fh:
                header, rows, lines, fixed = read(fh)
        except OSError as exc:
            raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None
    else:
        header, rows, lines, fixed = read(csvfile.read_text(path, name, encoding=encoding,
                                                            newline=""))
    repairs = Repairs()
    for what, n in csvfile.reading_notes(stray):
        repairs.note(what, n)
    for what, n in fixed.items():
        repairs.note(what, n)
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df.attrs["path"] = name
    df.attrs["lines"] = np.asarray(lines)  # an array: pandas deep-copies attrs often
    df.attrs["repairs"] = repairs
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise if a column is missing, suggesting the closest present names."""
    for col in columns:
        if col not in df.columns:
            close = difflib.get_close_matches(col, [str(c) for c in df.columns], n=2, cutoff=0.5)
            hint = f"; closest found: {close}" if close else ""
            raise InputError(f"missing column{hint}", path=df.attrs.get("path"), column=col)


def _cells(df: pd.DataFrame, col: str) -> pd.Series:
    require_columns(df, [col])
    return df[col].fillna("").astype(str).str.strip()


def text(df: pd.DataFrame, col: str, *, required: bool = False) -> pd.Series:
    """A text column with blanks as ``None``; ``required`` makes a blank cell an error."""
    s = _cells(df, col)
    blank = s.isin(BLANKS)
    if required and blank.any():
        idx = blank.idxmax()
        raise _fail(df, idx, col, "blank value where one is required")
    return s.where(~blank, None)


_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def numbers(df: pd.DataFrame, col: str, *, blank_ok: bool = True, positive: bool = False,
            nonnegative: bool = False, currency: bool = False,
            thousands: bool = False) -> np.ndarray:
    """Parse a numeric column to float.

    ``currency`` strips a leading ``$``; ``thousands`` removes ``,`` separators (both counted
    as repairs). ``positive`` / ``nonnegative`` reject out-of-range values (e.g. negative or
    zero compute).
    """
    s = _cells(df, col)
    rep: Repairs = df.attrs.setdefault("repairs", Repairs())
    out = np.full(len(s), np.nan)
    for i, cell in enumerate(s):
        if cell in BLANKS:
            if not blank_ok:
                raise _fail(df, i, col, "blank value where a number is required")
            continue
        v = cell
        if currency and v.startswith("$"):
            v = v[1:]
            rep.note(f"{col}: '$' removed")
        if thousands and "," in v:
            v = v.replace(",", "")
            rep.note(f"{col}: thousands separators removed")
        if not _NUM.match(v):
            raise _fail(df, i, col, f"cannot parse {cell!r} as a number")
        x = float(v)
        if not np.isfinite(x):
            raise _fail(df, i, col, f"{cell!r} is not a finite number")
        if positive and x <= 0:
            raise _fail(df, i, col, f"{cell!r} must be positive")
        if nonnegative and x < 0:
            raise _fail(df, i, col, f"{cell!r} must not be negative")
        out[i] = x
    return out


def fractions(df: pd.DataFrame, col: str, *, scale: str = "auto",
              blank_ok: bool = True) -> np.ndarray:
    """Parse a share (accuracy, F1, error rate) to a fraction in [0, 1].

    ``scale``: "fraction" (numbers are already 0–1), "percent" (numbers are 0–100), or "auto"
    (a trailing ``%`` means percent, a bare number must be a fraction). "77.0%" → 0.770 is a
    counted repair; a value above 100% or below 0 is an error.
    """
    s = _cells(df, col)
    rep: Repairs = df.attrs.setdefault("repairs", Repairs())
    out = np.full(len(s), np.nan)
    for i, cell in enumerate(s):
        if cell in BLANKS:
            if not blank_ok:
                raise _fail(df, i, col, "blank value where a score is required")
            continue
        v = cell
        percent = scale == "percent"
        if v.endswith("%"):
            v = v[:-1].strip()
            percent = True
            if scale != "percent":
                rep.note(f"{col}: percent strings converted to fractions")
        if not _NUM.match(v):
            raise _fail(df, i, col, f"cannot parse {cell!r} as a score")
        x = float(v) / (100.0 if percent else 1.0)
        if x < 0:
            raise _fail(df, i, col, f"{cell!r} is negative")
        if x > 1.0 + 1e-12:
            what = "over 100%" if percent else "over 1 (percent without a % sign?)"
            raise _fail(df, i, col, f"{cell!r} is {what}")
        out[i] = min(x, 1.0)
    return out


_MONTHS = "january february march april may june july august september october november december"
_DATE_FORMATS = (
    ("%Y-%m-%d", None), ("%Y/%m/%d", "YYYY/MM/DD dates read as YYYY-MM-DD"),
    ("%Y-%m-%d %H:%M:%S", None), ("%Y-%m-%d %H:%M", None),
    ("%m/%d/%Y", "M/D/YYYY dates read as YYYY-MM-DD"),
    ("%d %B %Y %I:%M%p", None), ("%d %B %Y", None),
)


def _parse_date(cell: str) -> tuple[datetime | None, str | None]:
    for fmt, repair in _DATE_FORMATS:
        try:
            return datetime.strptime(cell, fmt), repair
        except ValueError:
            continue
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", cell)
    if m and 1 <= int(m.group(2)) <= 12:
        return datetime(int(m.group(1)), int(m.group(2)), 1), "year-month dates set to day 1"
    m = re.fullmatch(r"(\d{4})(\.0)?", cell)
    if m:
        return datetime(int(m.group(1)), 7, 1), "year-only dates set to 1 July"
    return None, None


def dates(df: pd.DataFrame, col: str, *, blank_ok: bool = True,
          earliest: int = 1900, latest: int = 2100) -> pd.Series:
    """Parse dates (YYYY-MM-DD and the other layouts upstream files use) to datetime64.

    Year-month and year-only dates are repaired to the first of the month / 1 July and
    counted; anything else unparseable, or outside ``earliest``..``latest``, is an error.
    """
    s = _cells(df, col)
    rep: Repairs = df.attrs.setdefault("repairs", Repairs())
    out: list[datetime | None] = []
    for i, cell in enumerate(s):
        if cell in BLANKS:
            if not blank_ok:
                raise _fail(df, i, col, "blank value where a date is required")
            out.append(None)
            continue
        d, repair = _parse_date(cell)
        if d is None:
            raise _fail(df, i, col, f"cannot parse {cell!r} as a date (expected YYYY-MM-DD)")
        if not earliest <= d.year <= latest:
            raise _fail(df, i, col, f"date {cell!r} is outside {earliest}..{latest}")
        if repair:
            rep.note(f"{col}: {repair}")
        out.append(d)
    return pd.to_datetime(pd.Series(out, index=df.index, dtype=object))


def drop_duplicates(df: pd.DataFrame, key: Sequence[str], *, what: str = "rows") -> pd.DataFrame:
    """Drop rows that repeat an earlier row exactly (counted); raise if rows share ``key`` but
    differ elsewhere, naming both rows."""
    rep: Repairs = df.attrs.setdefault("repairs", Repairs())
    exact = df.duplicated(keep="first")
    if exact.any():
        rep.note(f"exact duplicate {what} dropped", int(exact.sum()))
    kept = df[~exact]
    clash = kept.duplicated(subset=list(key), keep=False)
    if clash.any():
        rows = kept.index[clash]
        first = rows[0]
        same = rows[(kept.loc[rows, list(key)] == kept.loc[first, list(key)]).all(axis=1)]
        raise _fail(df, same[-1], key[0],
                    f"duplicate of row {int(first) + 1} on {list(key)} with different values")
    out = kept.copy()
    out.attrs = df.attrs
    return out
