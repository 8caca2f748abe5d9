"""One reader for the hand-checked tables shipped with the package, ``compute_kinds.csv``
(:mod:`computelimits.data.compute_kinds`), ``join_checks.csv``
(:mod:`computelimits.data.join_checks`) and ``date_checks.csv``
(:mod:`computelimits.data.date_checks`), and for files in their layout.

The layout: UTF-8 CSV (:func:`computelimits.data.parse.read_csv`'s rules) whose leading lines
that start with ``#`` are comments, one row per (source, model, …) with every cell text. The
callers check the cells of each :class:`Row` and raise its :meth:`Row.fail` error, which names
the file, the 1-based data row, the column and the file's line
(:class:`~computelimits.errors.InputError`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from computelimits.data.csvfile import read_text
from computelimits.data.parse import read_csv
from computelimits.errors import InputError

__all__ = ["Row", "frame", "read_rows", "shipped"]


@dataclass(frozen=True)
class Row:
    """One data row: ``number`` (1-based), ``cells`` ({column: text stripped, "" when
    blank}), and where it stands in the file (for errors)."""

    number: int
    cells: dict[str, str]
    path: str
    line: int | None

    def fail(self, column: str, message: str) -> InputError:
        """The error for ``column`` of this row, naming the file, the row and the line."""
        at = f" (line {self.line})" if self.line is not None else ""
        return InputError(message + at, path=self.path, row=self.number, column=column)

    def unique(self, seen: dict[tuple[str, ...], int], key: tuple[str, ...]) -> None:
        """Refuse a (source, model, …) ``key`` that an earlier row of ``seen`` holds (the error
        names the model and the first row); else remember this row under it."""
        if key in seen:
            raise self.fail("model", f"{self.cells['model']!r} of {self.cells['source']} is "
                            f"listed twice (first in row {seen[key]})")
        seen[key] = self.number


def read_rows(path: str | Path, columns: Sequence[str], *, text_data: str | None = None,
              label: str | None = None) -> tuple[str, Iterator[Row]]:
    """(the file's name in messages, its rows) of a file in the layout of the module
    docstring, read from ``path`` or given as ``text_data``; ``label`` names it in messages.

    Raises:
        InputError: for a missing file or one of the ``columns`` missing (the rows' own
            checks are the caller's, through :meth:`Row.fail`).
    """
    name = label or str(path)
    if text_data is None:
        text_data = read_text(path, name)
    lines = text_data.splitlines()
    skip = 0
    while skip < len(lines) and lines[skip].lstrip().startswith("#"):
        skip += 1
    df = read_csv(path, skip_lines=skip, text_data=text_data, label=name, required=columns)
    line_of = df.attrs["lines"]

    def rows() -> Iterator[Row]:
        for i in range(len(df)):
            cells = {c: str(df[c].iat[i] or "").strip() for c in columns}
            yield Row(i + 1, cells, name, line_of[i] if i < len(line_of) else None)

    return name, rows()


def frame(rows: Iterable[dict[str, str]], columns: Sequence[str], name: str) -> pd.DataFrame:
    """The checked rows as a frame of text columns (``attrs["path"]``: ``name``)."""
    out = pd.DataFrame(list(rows), columns=list(columns)).astype("string")
    out.attrs = {"path": name}
    return out


def shipped(file: str, parse: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """``parse`` (a ``parse_*(path, *, text_data, label)`` function) of the package's own
    ``computelimits/data/FILE``, named ``FILE`` in messages."""
    res = resources.files("computelimits.data").joinpath(file)
    return parse(str(res), text_data=res.read_text("utf-8"), label=file)


def fresh(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table parsed once and cached, with its own ``attrs``: what a caller does
    to it never reaches the cache."""
    out = table.copy()
    out.attrs = dict(table.attrs)
    return out
