"""A small, strict parser of GitHub-flavoured markdown pipe tables, and unit-suffixed numbers.

Used by the loaders of sources whose data are markdown tables in a README (convnet-burden,
NLP-progress). What it accepts:

* A table is a row line (a line with a ``|``) directly followed by a delimiter line such as
  ``|---|:---:|---|``; the header and the delimiter must have the same number of cells.
* Data rows follow until a blank line or a line without ``|``. A leading and a trailing ``|``
  are optional; ``\\|`` is a literal pipe inside a cell. Cells are stripped of surrounding
  blanks and otherwise kept as written (links stay ``[text](url)``: see :func:`link_text`
  and :func:`link_url`).
* **Strict:** a data row with a different number of cells than the header is an
  :class:`~computelimits.errors.InputError` naming the file, the row of the table and the
  line of the file (GitHub would silently pad or cut such a row).
* Each table records the text of the nearest preceding ATX heading (``# ...`` to
  ``###### ...``; up to three leading spaces allowed, closing ``#`` removed). Setext and
  HTML headings are not headings here. Lines inside fenced code blocks (```` ``` ```` or
  ``~~~``) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.csvfile import read_text
from computelimits.data.parse import BLANKS, Repairs, numbers
from computelimits.errors import InputError

__all__ = [
    "MarkdownTable",
    "link_text",
    "link_url",
    "read_tables",
    "table_under",
    "tables",
    "unit_numbers",
]

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DELIM_CELL = re.compile(r"^:?-+:?$")
# [text](url) or [text](url "title"); the URL may hold one level of balanced parentheses.
_LINK = re.compile(r"\[([^\[\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class MarkdownTable:
    """One pipe table of a markdown file.

    Attributes:
        path: the file (for messages).
        heading: text of the nearest preceding ``#`` heading (None before the first one).
        header: header cell texts.
        rows: data rows, each a tuple of cell texts (as many as ``header``).
        lines: 1-based line in the file of each data row.
        header_line: 1-based line of the header row.
    """

    path: str
    heading: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    header_line: int

    def __len__(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame of text cells, laid out like :func:`parse.read_csv`'s
        frames (``attrs`` path, lines, repairs) so that the converters of
        :mod:`computelimits.data.parse` name the table row and file line in their errors.

        Header cells must be unique (an InputError otherwise)."""
        seen: set[str] = set()
        for name in self.header:
            if name in seen:
                raise InputError(f"table under {self.heading!r} (line {self.header_line}) "
                                 "has two columns of this name", path=self.path, column=name)
            seen.add(name)
        df = pd.DataFrame(list(self.rows), columns=list(self.header), dtype=object)
        df.attrs["path"] = f"{self.path} [table under {self.heading!r}]"
        df.attrs["lines"] = list(self.lines)
        df.attrs["repairs"] = Repairs()
        return df


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s) and s[i + 1] == "|":
            cur.append("|")
            i += 2
            continue
        if ch == "|":
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    cells.append("".join(cur).strip())
    return cells


def _is_delimiter(line: str) -> bool:
    if "-" not in line:
        return False
    cells = _split_row(line)
    return all(_DELIM_CELL.match(c) for c in cells)


def tables(text: str, path: str | Path) -> list[MarkdownTable]:
    """All pipe tables of a markdown text, in order.

    Args:
        text: the markdown.
        path: the file name used in error messages and stored in each table.

    Raises:
        InputError: a header and its delimiter line, or a data row and the header, have
            different numbers of cells (the message names the file, the table's heading,
            the data row and the line).
    """
    name = str(path)
    lines = text.splitlines()
    out: list[MarkdownTable] = []
    heading: str | None = None
    fence: str | None = None
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            i += 1
            continue
        if m:
            fence = m.group(1)
            i += 1
            continue
        h = _HEADING.match(line)
        if h:
            heading = (h.group(2) or "").strip()
            i += 1
            continue
        if "|" in line and i + 1 < n and _is_delimiter(lines[i + 1]):
            header = tuple(_split_row(line))
            delim = _split_row(lines[i + 1])
            if len(delim) != len(header):
                raise InputError(
                    f"table under {heading!r}: the header has {len(header)} cells but the "
                    f"delimiter line {i + 2} has {len(delim)}", path=name)
            rows: list[tuple[str, ...]] = []
            where: list[int] = []
            j = i + 2
            while j < n and lines[j].strip() and "|" in lines[j]:
                cells = tuple(_split_row(lines[j]))
                if len(cells) != len(header):
                    raise InputError(
                        f"table under {heading!r} has {len(cells)} cells but its header has "
                        f"{len(header)} (line {j + 1}); misaligned or truncated row?",
                        path=name, row=len(rows) + 1)
                rows.append(cells)
                where.append(j + 1)
                j += 1
            out.append(MarkdownTable(name, heading, header, tuple(rows), tuple(where), i + 1))
            i = j
            continue
        i += 1
    return out


def read_tables(path: str | Path, *, label: str | None = None) -> list[MarkdownTable]:
    """:func:`tables` of a UTF-8 file (``label`` replaces the path in messages)."""
    name = label or str(path)
    return tables(read_text(path, name), name)


def table_under(found: Iterable[MarkdownTable], heading: str, path: str | Path,
                columns: Iterable[str] = ()) -> MarkdownTable:
    """The one table under the heading whose text is ``heading`` (surrounding blanks
    ignored), checking that it has ``columns``; an InputError if there is none, several, or a
    column is missing."""
    hits = [t for t in found if (t.heading or "").strip() == heading.strip()]
    if len(hits) != 1:
        what = "no table" if not hits else f"{len(hits)} tables"
        raise InputError(f"{what} under the heading {heading!r} (expected one)", path=str(path))
    table = hits[0]
    for col in columns:
        if col not in table.header:
            raise InputError(f"table under {heading!r} (line {table.header_line}) has no such "
                             f"column; its header is {list(table.header)}", path=str(path),
                             column=col)
    return table


def link_text(cell: str) -> str:
    """The cell with every ``[text](url)`` replaced by ``text``, stripped.

    >>> link_text("[alexnet](reports/alexnet.md)")
    'alexnet'
    """
    return _LINK.sub(lambda m: m.group(1), cell).strip()


def link_url(cell: str) -> str | None:
    """The URL of the first ``[text](url)`` link in the cell, or None if it has none.

    >>> link_url("[Attention Is All You Need](https://arxiv.org/abs/1706.03762)")
    'https://arxiv.org/abs/1706.03762'
    """
    m = _LINK.search(cell)
    return m.group(2) if m else None


_QUANTITY = re.compile(
    r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>[^\d\s.+-]\S*)?$")


def unit_numbers(df: pd.DataFrame, col: str, units: Mapping[str, float], *,
                 blank_ok: bool = True, positive: bool = True) -> np.ndarray:
    """Parse cells such as ``"233 MB"``, ``"4 GFLOPs"`` or ``"25.6M"``: a number, optional
    blanks, and a unit that must be a key of ``units`` (matched exactly; the key ``""``
    allows a bare number). Returns number × ``units[unit]`` as floats (NaN for blank cells
    where ``blank_ok``).

    The number goes through :func:`computelimits.data.parse.numbers`, so a bad number, an
    unknown or missing unit, or a non-positive value (with ``positive``) is an InputError
    naming the file, row and column.
    """
    if col not in df.columns:
        raise InputError("missing column", path=df.attrs.get("path"), column=col)
    lines = df.attrs.get("lines")
    cells = df[col].fillna("").astype(str).str.strip().tolist()
    num_part: list[str] = []
    factor = np.ones(len(cells))
    for i, cell in enumerate(cells):
        if cell in BLANKS:
            num_part.append(cell)
            continue
        m = _QUANTITY.match(cell)
        unit = (m.group("unit") or "") if m else None
        if unit is None or unit not in units:
            line = f" (line {lines[i]})" if lines is not None and i < len(lines) else ""
            known = ", ".join(repr(u) for u in units)
            raise InputError(f"cannot parse {cell!r} as a number with a unit (known units: "
                             f"{known}){line}", path=df.attrs.get("path"), row=i + 1,
                             column=col)
        num_part.append(m.group("num"))
        factor[i] = units[unit]
    tmp = pd.DataFrame({col: num_part}, dtype=object)
    tmp.attrs = df.attrs  # same path, lines and repair tally
    return numbers(tmp, col, blank_ok=blank_ok, positive=positive) * factor
