"""A users' CSV file read as factorized text columns.

The records come from the package's one CSV reader (:mod:`computelimits.data.csvfile`, the
reader of the mirror's files too): UTF-8 read a chunk at a time, strict quoting, blank lines
skipped, records of the wrong width refused. Each column keeps every distinct cell text once
(``cells``) and a code per row (``codes``), so memory follows the distinct cells, not the
file's size, and every check can run once per distinct cell.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data import csvfile
from computelimits.data.parse import Repairs, require_columns
from computelimits.errors import InputError

__all__ = ["Column", "Sheet", "gc_paused", "read_sheet"]

_CHUNK_ROWS = 1 << 16  # records factorized at a time


class Column:
    """One column of a users' file, factorized: row ``i`` holds ``cells[codes[i]]`` (the
    distinct cell texts as written)."""

    __slots__ = ("_stripped", "cells", "codes")

    def __init__(self, codes: np.ndarray, cells: list[str]) -> None:
        self.codes = codes
        self.cells = cells
        self._stripped: tuple[np.ndarray, list[str]] | None = None

    def stripped(self) -> tuple[np.ndarray, list[str]]:
        """(codes, distinct texts) of the cells without surrounding blanks."""
        if self._stripped is None:
            codes, uniq = pd.factorize(np.asarray([c.strip() for c in self.cells],
                                                  dtype=object))
            self._stripped = (codes[self.codes], list(uniq))
        return self._stripped


@dataclass
class Sheet:
    """A users' CSV file read as factorized text columns."""

    path: str
    header: list[str]
    columns: list[Column]
    lines: np.ndarray  # physical line of each data row
    repairs: Repairs

    @property
    def n(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> Column:
        return self.columns[self.header.index(name)]

    def require(self, names: Sequence[str],
                synonyms: Mapping[str, Sequence[str]] | None = None) -> None:
        """A missing column is an error listing the closest names found (and a column of
        the header that is a known synonym of the missing one, e.g. ``score`` for
        ``value``)."""
        require_header(self.header, self.path, names, synonyms)


def require_header(header: Sequence[str], path: str, names: Sequence[str],
                   synonyms: Mapping[str, Sequence[str]] | None = None) -> None:
    """Raise :class:`~computelimits.errors.InputError` for the first of ``names`` missing
    from ``header``: the closest names found are suggested, and a header cell that is one of
    ``synonyms[name]`` (case and blanks ignored) is named first ("rename it")."""
    frame = pd.DataFrame(columns=pd.Index(list(header), dtype=object))
    frame.attrs["path"] = path
    for name in names:
        if name in frame.columns:
            continue
        alts = {a.casefold() for a in (synonyms or {}).get(name, ())}
        alts.add(name.casefold())
        found = [h for h in header if str(h).strip().casefold() in alts]
        if found:
            raise InputError(f"missing column; closest found: {found[:2]} (rename it "
                             f"{name!r})", path=path, column=name)
        require_columns(frame, [name])


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file's millions of cells are built:
    those cells hold no cycles, and each collection would walk all of them again (the
    collector's passes made reading grow faster than linearly with the rows)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_sheet(path: str | Path, *, required: Sequence[str] = (),
               synonyms: Mapping[str, Sequence[str]] | None = None) -> Sheet:
    """Read a users' CSV file as factorized text columns (rules: :mod:`computelimits.data.
    csvfile`). ``required`` columns are checked on the header, before any row is read
    (a missing one names the closest found, and a known synonym first)."""
    name = str(path)
    fh = csvfile.open_binary(path, name)
    stray = [0, 0]
    maps: list[dict[str, int]] = []
    parts: list[list[np.ndarray]] = []
    lines: list[int] = []
    block: list[list[str]] = []

    def flush() -> None:
        for j, cells in enumerate(zip(*block, strict=True)):
            seen = maps[j]
            add = seen.setdefault
            parts[j].append(np.asarray([add(c, len(seen)) for c in cells], dtype=np.int32))
        block.clear()

    def check(header: list[str]) -> None:
        if required:
            require_header(header, name, required, synonyms)

    try:
        with fh, gc_paused():
            table = csvfile.records(csvfile.text_lines(fh, name, stray), name, required=check)
            maps = [{} for _ in table.header]
            parts = [[] for _ in table.header]
            for line, rec in table.rows:
                block.append(rec)
                lines.append(line)
                if len(block) == _CHUNK_ROWS:
                    flush()
            if block:
                flush()
    except OSError as exc:
        from computelimits._io import output_problem

        raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None
    repairs = Repairs()
    for what, n in csvfile.reading_notes(stray):
        repairs.note(what, n)
    for what, n in table.repairs.items():
        repairs.note(what, n)
    columns = [Column(np.concatenate(p) if p else np.zeros(0, dtype=np.int32), list(m))
               for p, m in zip(parts, maps, strict=True)]
    return Sheet(name, table.header, columns, np.asarray(lines, dtype=np.int64), repairs)
