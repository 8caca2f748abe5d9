"""One CSV reader for every table the package reads: the mirror's files
(:func:`computelimits.data.parse.read_csv`) and users' own files
(:func:`computelimits.data.userfiles.reader.read_sheet`).

The rules, in one place:

* the file is read as bytes a chunk at a time and decoded as UTF-8 (a byte-order mark dropped,
  a second one at the start of the text too); a byte that is not UTF-8 is an error giving its
  offset from the start of the file;
* a carriage return that does not end a line (a stray ``\\r`` inside a field) is replaced by a
  space and counted ("stray carriage returns inside fields replaced by spaces");
* strict CSV quoting (:mod:`csv` with ``strict=True``); a record the csv module cannot read is
  "malformed CSV near line N (…); is the file truncated?", naming the data row;
* blank lines (and records whose cells are all blank) are skipped;
* a record wider than the header whose extra cells are all blank is cut to the header's width
  (spreadsheet residue); a caller's ``repair_row`` may fix a known upstream defect (counted);
  any other record of the wrong width is an error naming its row and line;
* a file that is missing, a folder or otherwise unreadable is one
  :class:`~computelimits.errors.InputError` naming it.

:func:`records` yields ``(physical line, cells)`` per data record; the callers build what they
need from them (a frame of text cells, or factorized columns).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from computelimits._io import output_problem
from computelimits.errors import InputError

__all__ = ["ENCODING", "RowRepair", "Table", "open_binary", "records", "text_lines"]

#: The encoding of every file read here: UTF-8, a byte-order mark dropped.
ENCODING = "utf-8-sig"
_CHUNK_BYTES = 1 << 20  # bytes decoded at a time
_STRAY_CR = re.compile(r"\r(?!\n)")
STRAY_CR_REPAIR = "stray carriage returns inside fields replaced by spaces"

#: A caller's fix for a record of the wrong width: (1-based data row, cells) → (fixed cells,
#: description of the repair), or None to keep it an error.
RowRepair = Callable[[int, list[str]], "tuple[list[str], str] | None"]


def open_binary(path: str | Path, name: str) -> BinaryIO:
    """``path`` opened for reading bytes; a missing file, a folder or a file that cannot be
    opened is an :class:`~computelimits.errors.InputError` naming ``name``."""
    try:
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise InputError("file not found", path=name) from None
    except OSError as exc:  # a folder, no permission, a device error
        raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None


def _strays(text: str, stray: list[int]) -> str:
    count = len(_STRAY_CR.findall(text))
    if count:
        stray[0] += count
        text = _STRAY_CR.sub(" ", text)
    return text


def text_lines(source: BinaryIO | str, name: str, stray: list[int]) -> Iterator[str]:
    """The physical lines (ends kept) of ``source``: a binary file decoded a chunk at a time,
    or a text already decoded. A carriage return that does not end a line is replaced by a
    space and counted in ``stray[0]``."""
    if isinstance(source, str):
        # after the stray carriage returns are gone, "\n" ends every line ("\r\n" too)
        yield from _split(_strays(source.removeprefix("\ufeff"), stray))
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0  # bytes given to the decoder (after the byte-order mark)
    first, started, held, partial = True, False, "", ""
    while True:
        data = source.read(max(_CHUNK_BYTES, len(codecs.BOM_UTF8)) if first else _CHUNK_BYTES)
        final = not data
        if first and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        first = False
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise InputError(f"not {ENCODING} text ({exc.reason} at byte "
                             f"{fed - pending + exc.start})", path=name) from None
        fed += len(data)
        if not started and text:  # a second mark is dropped too
            started = True
            text = text.removeprefix("\ufeff")
        text = held + text
        held = ""
        if not final and text.endswith("\r"):  # may be the first half of "\r\n"
            held, text = "\r", text[:-1]
        pieces = (partial + _strays(text, stray)).split("\n")
        partial = pieces.pop()
        for piece in pieces:
            yield piece + "\n"
        if final:
            if partial:
                yield partial
            return


def _split(text: str) -> Iterator[str]:
    pieces = text.split("\n")
    last = pieces.pop()
    for piece in pieces:
        yield piece + "\n"
    if last:
        yield last


class Table:
    """The header of a CSV file and an iterator over its data records (:func:`records`)."""

    def __init__(self, header: list[str], rows: Iterator[tuple[int, list[str]]],
                 repairs: dict[str, int]) -> None:
        self.header = header
        self.rows = rows
        #: repairs counted while reading (filled as the rows are read)
        self.repairs = repairs


def records(lines: Iterable[str], name: str, *, skip_lines: int = 0,
            repair_row: RowRepair | None = None,
            required: Callable[[list[str]], None] | None = None) -> Table:
    """Read the header of ``lines`` (after ``skip_lines`` physical lines), check it with
    ``required`` (a callable that raises for a header without a needed column), and return a
    :class:`Table` whose ``rows`` yield ``(physical line, cells)`` for every data record by
    the rules of the module docstring. Errors name ``name``."""
    it = iter(lines)
    for _ in range(skip_lines):
        next(it, None)
    reader = csv.reader(it, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("file is empty", path=name) from None
    except csv.Error as exc:
        raise InputError(f"unreadable header ({exc})", path=name) from None
    if required is not None:
        required(header)
    repairs: dict[str, int] = {}
    return Table(header, _rows(reader, header, name, skip_lines, repair_row, repairs), repairs)


def _rows(reader, header: Sequence[str], name: str, skip: int, repair_row: RowRepair | None,
          repairs: dict[str, int]) -> Iterator[tuple[int, list[str]]]:
    width = len(header)
    start = reader.line_num + 1 + skip
    rows = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"malformed CSV near line {reader.line_num + skip} ({exc}); is "
                             "the file truncated?", path=name, row=rows + 1) from None
        line, start = start, reader.line_num + 1 + skip
        if not rec or (not rec[0].strip() and not "".join(rec).strip()):
            continue  # a blank line (several upstream files end with one)
        if len(rec) != width:
            if len(rec) > width and not "".join(rec[width:]).strip():
                rec = rec[:width]  # empty cells beyond the header: spreadsheet residue
            else:
                fixed = repair_row(rows + 1, rec) if repair_row else None
                if fixed is None or len(fixed[0]) != width:
                    raise InputError(
                        f"has {len(rec)} fields but the header has {width} (line {line}); "
                        "truncated or misaligned file?", path=name, row=rows + 1)
                rec = fixed[0]
                repairs[fixed[1]] = repairs.get(fixed[1], 0) + 1
        rows += 1
        yield line, rec
