"""One CSV reader for every table the package reads: the mirror's files
(:func:`computelimits.data.parse.read_csv`) and users' own files
(:func:`computelimits.data.userfiles.reader.read_sheet`).

The rules, in one place:

* only a regular file is read (a FIFO or a device, such as a link to ``/dev/zero``, is
  refused before a byte is read, never waited on);
* the file is read as bytes a chunk at a time and decoded as UTF-8 (a byte-order mark dropped,
  a second one at the start of the text too); a byte that is not UTF-8 is an error giving its
  offset from the start of the file; UTF-16 text (with a byte-order mark, or without one:
  every other byte NUL) is an error saying so;
* a line longer than :data:`MAX_LINE_CHARS` characters or a header of more than
  :data:`MAX_COLUMNS` columns is an error before it is parsed (a file that is not a table
  costs no memory or time);
* a file whose lines end with a bare carriage return (classic Mac OS; no line feed in its
  first :data:`_SNIFF_BYTES` bytes) is read with those as line ends (counted);
* a carriage return that does not end a line (a stray ``\\r`` inside a field) is replaced by a
  space and counted ("stray carriage returns inside fields replaced by spaces");
* strict CSV quoting (:mod:`csv` with ``strict=True``); a record the csv module cannot read is
  "malformed CSV near line N (…); is the file truncated?", naming the data row;
* Excel's ``sep=,`` first line is skipped (counted); a file whose fields are separated by
  ``;``, tabs or ``|`` (a one-cell header holding them, as European spreadsheets and TSV
  files write) is an error naming the separator;
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
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from computelimits._io import output_problem
from computelimits.errors import InputError

__all__ = ["ENCODING", "MAX_COLUMNS", "MAX_LINE_CHARS", "RowRepair", "Table", "open_binary",
           "read_text", "reading_notes", "records", "text_lines"]

#: The encoding of every file read here: UTF-8, a byte-order mark dropped.
ENCODING = "utf-8-sig"
_CHUNK_BYTES = 1 << 20  # bytes decoded at a time
_STRAY_CR = re.compile(r"\r(?!\n)")
STRAY_CR_REPAIR = "stray carriage returns inside fields replaced by spaces"
CR_ONLY_REPAIR = "carriage returns (classic Mac OS line ends) read as line breaks"
SEP_LINE_REPAIR = "Excel's 'sep=,' first line skipped"
#: Longest physical line read, in characters (the longest line of the mirror's files is
#: 6,360; a setting, not a measured limit).
MAX_LINE_CHARS = 1_000_000
#: Most columns a header may have (the widest table of the mirror has 57).
MAX_COLUMNS = 1_000
#: Bytes looked at before the lines are split: line ends, UTF-16.
_SNIFF_BYTES = 1 << 16
_SEPARATORS = {";": "';' (a spreadsheet saved with a European list separator?)",
               "\t": "tabs (a TSV file?)", "|": "'|'"}

#: A caller's fix for a record of the wrong width: (1-based data row, cells) → (fixed cells,
#: description of the repair), or None to keep it an error.
RowRepair = Callable[[int, list[str]], "tuple[list[str], str] | None"]


def open_binary(path: str | Path, name: str) -> BinaryIO:
    """``path`` opened for reading bytes; a missing file, a folder, something that is not a
    regular file (a FIFO, a device: refused without waiting on it) or a file that cannot be
    opened is an :class:`~computelimits.errors.InputError` naming ``name``."""
    from computelimits._io import open_regular

    try:
        return open_regular(path)  # the caller closes it
    except FileNotFoundError:
        raise InputError("file not found", path=name) from None
    except OSError as exc:  # a folder, no permission, a device error
        raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None


def read_text(path: str | Path, name: str, *, encoding: str = "utf-8-sig",
              newline: str | None = None) -> str:
    """The text of the file at ``path``, refused as :func:`open_binary` refuses (missing, a
    folder, not a regular file, unreadable) and where it is not ``encoding`` text (naming the
    byte), each as an :class:`~computelimits.errors.InputError` naming ``name``.
    ``newline``: as :func:`open`'s (None translates line ends; "" keeps them)."""
    with open_binary(path, name) as fh:
        try:
            raw = fh.read()
        except OSError as exc:
            raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        label = encoding.replace("-sig", "")
        raise InputError(f"not {label} text ({exc.reason} at byte {exc.start})",
                         path=name) from None
    except LookupError:
        raise InputError(f"unknown text encoding {encoding!r}", path=name) from None
    if newline is None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _strays(text: str, stray: list[int]) -> str:
    count = len(_STRAY_CR.findall(text))
    if count:
        stray[0] += count
        text = _STRAY_CR.sub(" ", text)
    return text


def reading_notes(stray: list[int]) -> list[tuple[str, int]]:
    """The repairs :func:`text_lines` counted in ``stray`` (made ``[0, 0]`` by the caller):
    (what, count)."""
    out = [(STRAY_CR_REPAIR, stray[0])]
    if len(stray) > 1 and stray[1]:
        out.append((CR_ONLY_REPAIR, stray[1]))
    return out


def _cr_only(head: str) -> bool:
    return "\n" not in head and "\r" in head.rstrip("\r")


def _too_long(name: str, line: int) -> InputError:
    return InputError(f"line {line} is longer than {MAX_LINE_CHARS:,} characters: not a table "
                      "this package reads (is it the right file?)", path=name)


def _utf16(head: bytes) -> str | None:
    """Why ``head`` (the first bytes of a file) looks like UTF-16 text, or None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "is UTF-16 text (it starts with a UTF-16 byte-order mark)"
    if len(head) >= 4 and head.count(0) >= len(head) // 4:
        return "looks like UTF-16 text without a byte-order mark (every other byte is NUL)"
    return None


def text_lines(source: BinaryIO | str, name: str, stray: list[int]) -> Iterator[str]:
    """The physical lines (ends kept) of ``source``: a binary file decoded a chunk at a time,
    or a text already decoded. A carriage return that does not end a line is replaced by a
    space and counted in ``stray[0]``; a file whose lines all end with one (no line feed in
    its first bytes) has them read as line ends, counted in ``stray[1]`` (when the caller
    made room for it). A line over :data:`MAX_LINE_CHARS` is an error."""
    if isinstance(source, str):
        text = source.removeprefix("\ufeff")
        if _cr_only(text[:_SNIFF_BYTES]):
            text = text.replace("\r", "\n")
            if len(stray) > 1:
                stray[1] += 1
        for n, line in enumerate(_split(_strays(text, stray)), start=1):
            if len(line) > MAX_LINE_CHARS:
                raise _too_long(name, n)
            yield line
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0  # bytes given to the decoder (after the byte-order mark)
    first, started, held, partial = True, False, "", ""
    cr_only: bool | None = None  # decided on the first bytes
    sniffed = b""
    count = 0  # lines yielded
    while True:
        if cr_only is None:  # the first bytes, up to _SNIFF_BYTES, whatever the chunk size
            data = b""
            while len(data) < _SNIFF_BYTES:
                more = source.read(min(_CHUNK_BYTES, _SNIFF_BYTES - len(data)))
                if not more:
                    break
                data += more
            why = _utf16(data)
            if why is not None:
                raise InputError(f"{why}; save it as UTF-8 (\"CSV UTF-8\" in a spreadsheet)",
                                 path=name)
            sniffed = data
        else:
            data = source.read(max(_CHUNK_BYTES, len(codecs.BOM_UTF8)) if first
                               else _CHUNK_BYTES)
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
        if cr_only is None:
            cr_only = b"\n" not in sniffed and b"\r" in sniffed.rstrip(b"\r")
            if cr_only and len(stray) > 1:
                stray[1] += 1
        if not started and text:  # a second mark is dropped too
            started = True
            text = text.removeprefix("\ufeff")
        if cr_only:
            text = text.replace("\r", "\n")
        text = held + text
        held = ""
        if not final and text.endswith("\r"):  # may be the first half of "\r\n"
            held, text = "\r", text[:-1]
        pieces = (partial + _strays(text, stray)).split("\n")
        partial = pieces.pop()
        for piece in pieces:
            count += 1
            if len(piece) > MAX_LINE_CHARS:
                raise _too_long(name, count)
            yield piece + "\n"
        if len(partial) > MAX_LINE_CHARS:
            raise _too_long(name, count + 1)
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
    repairs: dict[str, int] = {}
    first = next(it, None)
    sep = re.fullmatch(r"\s*sep=(.)\s*", first or "", flags=re.IGNORECASE)
    if sep is not None:  # Excel's hint line: "sep=," names the separator
        if sep.group(1) != ",":
            raise InputError(f"its first line says the fields are separated by "
                             f"{_SEPARATORS.get(sep.group(1), repr(sep.group(1)))}, not "
                             "commas: save it as CSV with commas", path=name)
        repairs[SEP_LINE_REPAIR] = 1
        skip_lines += 1
    elif first is not None:
        it = itertools.chain([first], it)
    reader = csv.reader(it, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("file is empty", path=name) from None
    except csv.Error as exc:
        raise InputError(f"unreadable header ({exc})", path=name) from None
    if len(header) > MAX_COLUMNS:
        raise InputError(f"its header has {len(header):,} columns; a table of more than "
                         f"{MAX_COLUMNS:,} is not read (is it the right file?)", path=name)
    if len(header) == 1:
        found = [s for s in _SEPARATORS if s in header[0]]
        if found:
            raise InputError(f"its fields are separated by {_SEPARATORS[found[0]]}, not "
                             "commas: save it as CSV with commas (and decimal points)",
                             path=name)
    if required is not None:
        required(header)
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
