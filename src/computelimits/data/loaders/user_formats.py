"""Users' own data files: the Computer-Progress per-benchmark layout and a generic CSV.

These files are not registered sources: the user names the file. Every cell is converted by
the rules of the strict converters of :mod:`computelimits.data.parse`; a cell that cannot be
read is an :class:`~computelimits.errors.InputError` naming the file, the data row (1-based,
header excluded; the line follows in the message) and the column. Exact duplicate rows are
dropped and counted; rows that repeat a key with different values are errors. Counted
repairs and skipped rows travel in ``attrs["repairs"]`` of both returned tables.

Reading and checking
--------------------

A file is read a chunk at a time into factorized text columns (each distinct cell text kept
once) with the rules of :func:`computelimits.data.parse.read_csv`: UTF-8 (a byte-order mark
dropped), strict CSV quoting, blank lines skipped, empty cells beyond the header dropped, a
stray carriage return inside a field replaced by a space (counted). Every check then runs
once per distinct cell and column, so time and memory grow linearly with the rows (a
million-row generic file is checked in seconds: ``benchmarks/bench_user_files.py``).

A file that cannot be used at all is one error naming it: not found, a folder or otherwise
unreadable ("cannot be read: …"), not UTF-8 (the byte offset given), empty, header only ("no
data rows"), a record of the wrong width or broken quoting (row and line given), a field
over the csv module's limit, a required column missing (the closest names suggested), an
unknown column, or two columns with one name. Bad cells are collected: one bad cell gives
its own message (file, row, column, message, line); several give ``N errors:`` and the first
:data:`MAX_ERRORS` by row, then "… and K more". Checks that depend on a cell (the value on
its metric and unit, the duplicates on all converted values) are skipped for rows already
wrong. Messages quote cells with ``repr`` (control characters and right-to-left marks are
escaped, so a message stays one line) and shorten a cell over 200 characters. Names are
kept as written: ``<script>``, quotes and control characters are data, escaped by whatever
displays them; a CSV written for spreadsheets (``data check --out``) quotes text cells that
start with a formula character (:func:`computelimits._io.spreadsheet_safe`).

Computer-Progress layout (:func:`load_computer_progress`)
---------------------------------------------------------

One CSV per benchmark, in the layout of the per-benchmark tables of the Computer Progress
project (Thompson et al.; columns as documented for the mirror's ``computer-progress``
folder; those tables themselves are not distributed and not used here). Column names are
matched ignoring case and surrounding blanks:

* ``year`` (required): publication year → ``date`` = 15 June of that year, as the Computer
  Progress site did (a counted repair).
* ``method`` or ``model`` (one of them, required): the model.
* ``title``, ``paper``, ``url``: where the result comes from. In the ImageNet file ``paper``
  is the title and ``url`` the link; in the CoNLL/WMT files ``paper`` is a link and
  ``title`` the title; COCO and SQuAD have ``title`` and ``url``. A cell is a link when it
  has no blanks and starts with ``http``/``www.``/``doi:``/``arxiv:`` or contains ``/`` and
  ``.``.
* ``gpu``, ``tpu``, ``cpu``: processor names; ``#gpu``, ``#tpu``, ``#cpu``: how many
  (positive whole numbers).
* ``hw_gflops``: total peak throughput of the hardware, GFLOP/s (count × per-unit rate, the
  data collectors' own product).
* ``time_sec`` (required): training wall-clock time, seconds.
* ``#epochs``; ``#params`` / ``#param`` / ``params``: parameter count.
* Metric columns, all in **percent**, stored as fractions under these metric ids, and how
  each becomes an ``error`` (:func:`computelimits.data.benchmarks.error_of`):

  ============================== =========================== ============================
  column                         metric                      error
  ============================== =========================== ============================
  ``top1_error``, ``top5_error`` top1_error, top5_error      the error rate as given
  ``BOX_AP`` (box mAP@[.5:.95])  box_ap                      1 − AP
  ``AP50``, ``AP75``             ap50, ap75                  1 − AP
  ``APS``, ``APM``, ``APL``      ap_small, ap_medium,        1 − AP
                                 ap_large
  ``F1``                         f1                          1 − F1
  ``EM`` (exact match)           exact_match                 1 − EM
  ``BLEU`` (BLEU points, 0–100)  bleu (kept in points)       1 − BLEU/100
  ============================== =========================== ============================

  The metrics must belong to the benchmark: imagenet (top1_error, top5_error), coco (the
  six AP metrics), squad1.1 (f1, exact_match), conll2003 (f1), wmt2014-en-de and
  wmt2014-en-fr (bleu). ``SACREBLEU`` (not comparable with tokenised BLEU) is recognised but
  not read; the column is counted in the repairs. At least one readable metric column is
  required. Other columns (COCO's leaderboard rank ``id`` and ``dataset``, free-text times
  such as SQuAD's ``time``, comments) are not read. No row is filtered for its score: a
  score at or below chance level loads like any other (filtering is done later).

Every result row carries its provenance: ``publication`` = the paper title (``title``, else
``paper`` when that cell is a title and not a link), else the link (``url``, else a link
in ``paper``/``title``), else the model name; the two fallbacks are counted repairs.
``origin`` is the title or link (blank when neither is given). ``setting_kind`` is
"supervised" (each model was trained on the benchmark's own training set). ``source_row``
is the file's data row (1-based, header excluded), in results and compute alike, so that a
result is linked to the hardware burden of **its own row** by (source, source_file,
source_row), never by model name: two papers reporting one model name with different
hardware keep one figure each.

**Hardware burden** (the paper's "number of processors × computation rate × time"), in
**FLOP**: the 2021 Computer Progress seeders computed it in GFLOP (GFLOP/s × s); here it is
multiplied by 10⁹. ``compute_kind`` is "hardware_burden" and ``method`` "hardware". Two
ways, named in ``compute.notes`` of every row:

* ``hardware`` given: a mapping processor name → ``Peak`` (peak GFLOP/s per unit as
  written, its precision, chips per unit; :mod:`computelimits.data.loaders.computer_progress`,
  e.g. its ``peak_table()``), names matched exactly. A bare number means FP32 GFLOP/s of a
  single-chip unit (backward compatible).
  ``convention`` says what the counts are:

  - ``"per-chip"`` (default): ``#gpu``/``#tpu``/``#cpu`` count **chips**, as the papers do
    (BERT "64 TPU chips", XLNet "512 TPU v3 chips"); burden = Σ count × (unit rate / chips
    per unit) × 10⁹ × time_sec. A Cloud TPU v3 device's 420,000 GFLOP/s is 105,000 per
    chip. ``chip_count`` is the sum of the GPU and TPU counts.
  - ``"paper"``: exactly the rate convention of the Computer Progress seeder: Σ count ×
    unit rate as written × 10⁹ × time_sec, so a TPU count is read as whole 4-chip devices
    (or pods); 4× the per-chip figure when the count is really chips. ``chip_count`` is
    then count × chips per unit.

  ``peak_precision`` is the precision of the peak(s) used: "fp32" (GPU/CPU tables), "bf16"
  (Cloud TPU), or "mixed" when one row sums peaks of different precisions. ``notes`` name the
  convention and each processor's per-chip rate and precision.
* ``hardware=None``: ``hw_gflops`` × 10⁹ × time_sec, the file's own throughput. Its
  precision and its chip-or-device convention are the data collectors' and are not
  checked (the README lists TPU rows that mix both): ``peak_precision`` is "as given",
  ``notes`` say so, and ``chip_count`` is the sum of the GPU and TPU counts as written.
  ``convention`` does not apply (it is still validated).

``time_sec`` is not truncated to whole seconds (the seeders did). A row without
``time_sec``, without a rate (no ``hw_gflops``; or, with a mapping, a processor name that
is not in it or has no rate, a name without a count or a count without a name) or without
any processor gets no compute row; each such row is counted in the repairs under its reason
("row without compute: …"), never silently. That includes the CoNLL CPU rows that put the
CPU count in ``#gpu`` with a blank ``gpu`` name and a ``cpu`` name but no ``#cpu``: the count
is not moved to ``#cpu`` (reason "CPU count in #gpu?"). Unlike the 2021 seeders, an
unparseable number is an error, not NULL.

Generic CSV (:func:`load_generic`)
----------------------------------

A UTF-8 CSV with a header row, one result per row. Column names are exact (lower case).

================ ======== ============================================================
column           required meaning
================ ======== ============================================================
model            yes      model name
benchmark        yes      benchmark id or alias (``computelimits.data.benchmarks``:
                          imagenet, coco, squad1.1, wmt2014-en-de, wmt2014-en-fr,
                          conll2003, mmlu, ...)
metric           yes      metric id: accuracy, top1_accuracy, top5_accuracy, top1_error,
                          top5_error, exact_match, f1, bleu, eci, box_ap, ap50, ap75,
                          ap_small, ap_medium, ap_large
value            yes      the score; see ``unit``
date             no       model/paper date: YYYY-MM-DD (YYYY-MM → day 1 and YYYY → 1 July,
                          counted repairs)
unit             no       ``fraction`` (0–1), ``percent`` (0–100), ``bleu`` (BLEU points,
                          0–100; only for metric bleu); ``index`` for metric eci. Blank: a
                          share may be a fraction or a string with ``%`` ("77.5%", counted
                          repair); a bare number above 1 is then an error (percent without
                          a ``%`` sign?). BLEU is always in points.
higher_is_better no       true/false (yes/no, 1/0); must agree with the metric
training_flop    no       training compute behind this row's model, FLOP (> 0); every row
                          with it gives its own ``compute`` row (``source_row`` = that
                          row)
compute_kind     no       what ``training_flop`` measures: training (default),
                          hardware_burden, imputed_operations, includes_search,
                          other_dataset, other_purpose. ``method`` follows: reported
                          (training, includes_search, other_dataset, other_purpose),
                          hardware (hardware_burden), imputed (imputed_operations)
setting          no       evaluation notes (shots, harness, crops)
setting_kind     no       supervised, zero-shot, few-shot, chain-of-thought, fine-tuned or
                          unknown (default unknown)
origin           no       paper or leaderboard the score comes from
publication      no       the publication the model comes from (the cluster unit);
                          blank or no column: ``origin``, else blank
================ ======== ============================================================

Checks: two columns with one name are an error; an unknown benchmark, metric,
compute_kind or setting_kind is an error naming the row and column and listing the allowed
values; shares must lie in [0, 1] after conversion
(so an accuracy over 100 % is an error); a ``%`` sign with unit ``fraction`` is an error;
dates must parse and lie in 1900–2100. One model name with one ``origin`` (blank counts as
one origin) given two different ``training_flop`` values or dates is an error (a typo);
rows of different origins may differ (different papers report different figures for one
model name), and each keeps its own compute row. A ``compute_kind`` on a row without
``training_flop`` is ignored and counted. Exact duplicate rows (after the conversions) are
dropped and counted; two rows for the same model, benchmark, metric, setting and origin
with different values are an error naming both rows.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from computelimits._io import output_problem
from computelimits.data.benchmarks import BENCHMARKS, METRICS, error_of, find_benchmark
from computelimits.data.loaders.computer_progress import Peak
from computelimits.data.names import model_key
from computelimits.data.parse import _NUM, BLANKS, Repairs, _parse_date, require_columns
from computelimits.data.schema import conform
from computelimits.errors import ConfigError, InputError
from computelimits.formulas import hardware_burden_flop

__all__ = [
    "COMPUTE_KINDS",
    "CONVENTIONS",
    "GENERIC_COLUMNS",
    "MAX_ERRORS",
    "SETTING_KINDS",
    "SOURCE_COMPUTER_PROGRESS",
    "SOURCE_GENERIC",
    "load_computer_progress",
    "load_generic",
]

#: ``source`` value of rows read from users' files.
SOURCE_COMPUTER_PROGRESS = "user-computer-progress"
SOURCE_GENERIC = "user-generic"

GENERIC_REQUIRED = ("model", "benchmark", "metric", "value")
GENERIC_OPTIONAL = ("date", "unit", "higher_is_better", "training_flop", "compute_kind",
                    "setting", "setting_kind", "origin", "publication")
GENERIC_COLUMNS = GENERIC_REQUIRED + GENERIC_OPTIONAL

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

_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n"}


# ----------------------------------------------------------------- reading, by columns

#: At most this many problems of one file are listed in one error; the rest are counted
#: ("… and K more").
MAX_ERRORS = 20
#: A cell longer than this many characters is shortened when an error message quotes it.
_SHOWN_CHARS = 200
_CHUNK_BYTES = 1 << 20  # bytes decoded at a time
_CHUNK_ROWS = 1 << 16  # records factorized at a time
_STRAY_CR = re.compile(r"\r(?!\n)")
_ENCODING = "utf-8-sig"  # as parse.read_csv: UTF-8, a byte-order mark dropped


def _q(cell: object) -> str:
    """``repr`` of a cell for a message; a very long one shortened (its length given)."""
    if isinstance(cell, str) and len(cell) > _SHOWN_CHARS:
        return f"{cell[:_SHOWN_CHARS]!r}… ({len(cell):,} characters)"
    return repr(cell)


class _Column:
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
class _Sheet:
    """A users' CSV file read as factorized text columns (the rules of
    :func:`computelimits.data.parse.read_csv`, without a frame of Python strings)."""

    path: str
    header: list[str]
    columns: list[_Column]
    lines: np.ndarray  # physical line of each data row
    repairs: Repairs

    @property
    def n(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> _Column:
        return self.columns[self.header.index(name)]

    def require(self, names: Sequence[str]) -> None:
        """A missing column is an error listing the closest names found (as parse does)."""
        frame = pd.DataFrame(columns=pd.Index(self.header, dtype=object))
        frame.attrs["path"] = self.path
        require_columns(frame, names)


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


def _text_lines(fh: BinaryIO, name: str, stray: list[int]) -> Iterator[str]:
    """The file's physical lines (ends kept), decoded a chunk at a time; a carriage return
    that does not end a line is replaced by a space and counted in ``stray[0]`` (as
    :func:`computelimits.data.parse.read_csv` does on the whole text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0  # bytes given to the decoder (after the byte-order mark)
    first, started, held, partial = True, False, "", ""
    while True:
        data = fh.read(max(_CHUNK_BYTES, len(codecs.BOM_UTF8)) if first else _CHUNK_BYTES)
        final = not data
        if first and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        first = False
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise InputError(f"not {_ENCODING} text ({exc.reason} at byte "
                             f"{fed - pending + exc.start})", path=name) from None
        fed += len(data)
        if not started and text:  # a second mark is dropped too, as parse.read_csv does
            started = True
            text = text.removeprefix("\ufeff")
        text = held + text
        held = ""
        if not final and text.endswith("\r"):  # may be the first half of "\r\n"
            held, text = "\r", text[:-1]
        count = len(_STRAY_CR.findall(text))
        if count:
            stray[0] += count
            text = _STRAY_CR.sub(" ", text)
        pieces = (partial + text).split("\n")
        partial = pieces.pop()
        for piece in pieces:
            yield piece + "\n"
        if final:
            if partial:
                yield partial
            return


def _read(path: str | Path, *, required: Sequence[str] = ()) -> _Sheet:
    """Read a users' CSV file as factorized text columns.

    The rules and messages are those of :func:`computelimits.data.parse.read_csv`: UTF-8 (a
    byte-order mark dropped), strict CSV quoting, blank lines skipped, empty cells beyond the
    header's width dropped, any other record of the wrong width an error naming its row and
    line. The file is read a chunk at a time, so memory follows the distinct cells, not the
    file's size. A file that cannot be opened or read (a folder, no permission, a device
    error) is an :class:`~computelimits.errors.InputError` naming it.
    """
    name = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputError("file not found", path=name) from None
    except OSError as exc:  # a folder, no permission, a device error
        raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None
    stray = [0]
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

    try:
        with fh, gc_paused():
            reader = csv.reader(_text_lines(fh, name, stray), strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise InputError("file is empty", path=name) from None
            except csv.Error as exc:
                raise InputError(f"unreadable header ({exc})", path=name) from None
            if required:  # before the rows: a wrong header fails at once
                _Sheet(name, header, [], np.zeros(0, dtype=np.int64), Repairs()).require(
                    required)
            width = len(header)
            maps = [{} for _ in header]
            parts = [[] for _ in header]
            start = reader.line_num + 1
            rows = 0
            while True:
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise InputError(f"malformed CSV near line {reader.line_num} ({exc}); is "
                                     "the file truncated?", path=name, row=rows + 1) from None
                line, start = start, reader.line_num + 1
                if not rec or (not rec[0].strip() and not "".join(rec).strip()):
                    continue  # a blank line
                if len(rec) != width:
                    if len(rec) > width and not "".join(rec[width:]).strip():
                        rec = rec[:width]  # empty cells beyond the header: spreadsheet residue
                    else:
                        raise InputError(
                            f"has {len(rec)} fields but the header has {width} (line {line}); "
                            "truncated or misaligned file?", path=name, row=rows + 1)
                block.append(rec)
                lines.append(line)
                rows += 1
                if len(block) == _CHUNK_ROWS:
                    flush()
            if block:
                flush()
    except OSError as exc:
        raise InputError(f"cannot be read: {output_problem(exc)}", path=name) from None
    repairs = Repairs()
    repairs.note("stray carriage returns inside fields replaced by spaces", stray[0])
    columns = [_Column(np.concatenate(p) if p else np.zeros(0, dtype=np.int32), list(m))
               for p, m in zip(parts, maps, strict=True)]
    return _Sheet(name, header, columns, np.asarray(lines, dtype=np.int64), repairs)


class _Problems:
    """The problems found in a file's cells: all counted, the first :data:`MAX_ERRORS` by row
    kept. :meth:`check` raises one :class:`~computelimits.errors.InputError`: the problem
    itself when there is one (file, row, column, message, line), else the first ones by row
    and the count of the rest."""

    def __init__(self, sheet: _Sheet) -> None:
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
            self._found.append((rows[:MAX_ERRORS], len(self._found), column, message))

    def check(self) -> None:
        if not self.total:
            return
        first = sorted((int(r), seq, col, msg) for rows, seq, col, msg in self._found
                       for r in rows)[:MAX_ERRORS]
        lines = self.sheet.lines
        if self.total == 1:
            r, _, col, msg = first[0]
            raise InputError(f"{msg(r)} (line {lines[r]})", path=self.sheet.path, row=r + 1,
                             column=col)
        items = "; ".join(f"row {r + 1}, column {col!r}: {msg(r)} (line {lines[r]})"
                          for r, _, col, msg in first)
        more = self.total - len(first)
        raise InputError(f"{self.total} errors: {items}" + (f"; … and {more} more" if more
                                                             else ""), path=self.sheet.path)


def _distinct(codes: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The distinct codes used by ``rows`` (a boolean mask; all rows when None)."""
    return np.unique(codes if rows is None else codes[rows])


def _report(problems: _Problems, codes: np.ndarray, messages: list[str | None],
            column: str, rows: np.ndarray | None = None) -> np.ndarray:
    """Report the rows (within the mask ``rows``) whose distinct cell has a message; returns
    the mask of those rows."""
    bad_u = np.fromiter((m is not None for m in messages), dtype=bool, count=len(messages))
    bad = bad_u[codes] if len(messages) else np.zeros(len(codes), dtype=bool)
    if rows is not None:
        bad &= rows
    problems.add(np.flatnonzero(bad), column, lambda i: messages[codes[i]] or "")
    return bad


def _number_of(cell: str, *, positive: bool = False, nonnegative: bool = False) -> float | str:
    """One non-blank stripped cell by the rules of :func:`computelimits.data.parse.numbers`:
    the number, or what is wrong with it."""
    if not _NUM.match(cell):
        return f"cannot parse {_q(cell)} as a number"
    x = float(cell)
    if not math.isfinite(x):
        return f"{_q(cell)} is not a finite number"
    if positive and x <= 0:
        return f"{_q(cell)} must be positive"
    if nonnegative and x < 0:
        return f"{_q(cell)} must not be negative"
    return x


def _fraction_of(cell: str, scale: str) -> tuple[float | str, bool]:
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
        return f"cannot parse {_q(cell)} as a score", repaired
    x = float(v) / (100.0 if percent else 1.0)
    if x < 0:
        return f"{_q(cell)} is negative", repaired
    if x > 1.0 + 1e-12:
        what = "over 100%" if percent else "over 1 (percent without a % sign?)"
        return f"{_q(cell)} is {what}", repaired
    return min(x, 1.0), repaired


def _numbers(sheet: _Sheet, problems: _Problems, col: str, *, positive: bool = False,
             nonnegative: bool = False) -> np.ndarray:
    """A numeric column (blank → NaN); unreadable or out-of-range cells are problems."""
    codes, cells = sheet.column(col).stripped()
    values = np.full(len(cells), np.nan)
    messages: list[str | None] = [None] * len(cells)
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            continue
        x = _number_of(cell, positive=positive, nonnegative=nonnegative)
        if isinstance(x, str):
            messages[j] = x
        else:
            values[j] = x
    _report(problems, codes, messages, col)
    return values[codes]


def _whole(sheet: _Sheet, problems: _Problems, col: str, values: np.ndarray) -> np.ndarray:
    """Counts and years must be whole numbers (the cell is quoted as written); returns the
    mask of rows that are not."""
    bad = ~np.isnan(values) & (values != np.floor(np.where(np.isnan(values), 0, values)))
    column = sheet.column(col)
    problems.add(np.flatnonzero(bad), col,
                 lambda i: f"{_q(column.cells[column.codes[i]])} is not a whole number")
    return bad


def _text(sheet: _Sheet, problems: _Problems | None, col: str) -> np.ndarray:
    """A text column (stripped; blanks → None). With ``problems``, a blank is a problem."""
    codes, cells = sheet.column(col).stripped()
    values = np.asarray([None if c in BLANKS else c for c in cells], dtype=object)
    if problems is not None:
        _report(problems, codes, ["blank value where one is required" if v is None else None
                                  for v in values], col)
    return values[codes]


def _choices(sheet: _Sheet, problems: _Problems, col: str, allowed: Sequence[str],
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
                        f"unknown {col} {_q(cell)}; allowed: {', '.join(allowed)}")
    _report(problems, codes, messages, col)
    return np.asarray(keys, dtype=object)[codes], np.asarray(given, dtype=bool)[codes]


def _dates(sheet: _Sheet, problems: _Problems, col: str) -> np.ndarray:
    """A date column by the rules of :func:`computelimits.data.parse.dates` (1900–2100; the
    repairs counted per row, in the order they first occur)."""
    codes, cells = sheet.column(col).stripped()
    values = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[us]")
    messages: list[str | None] = [None] * len(cells)
    repair_of: list[str | None] = [None] * len(cells)
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            continue
        d, repair = _parse_date(cell)
        if d is None:
            messages[j] = f"cannot parse {_q(cell)} as a date (expected YYYY-MM-DD)"
        elif not 1900 <= d.year <= 2100:
            messages[j] = f"date {_q(cell)} is outside 1900..2100"
        else:
            values[j] = np.datetime64(d, "us")
            repair_of[j] = repair
    _report(problems, codes, messages, col)
    repaired = {r: j for j, r in enumerate(repair_of) if r}
    if repaired:
        kinds = np.asarray([-1 if r is None else list(repaired).index(r) for r in repair_of])
        per_row = kinds[codes]
        found = [(int(np.argmax(per_row == k)), r, int(np.sum(per_row == k)))
                 for k, r in enumerate(repaired)]
        for _first, r, count in sorted(found):
            sheet.repairs.note(f"{col}: {r}", count)
    return values[codes]


def _frames_attrs(results: pd.DataFrame, compute: pd.DataFrame, path: str,
                  repairs: Repairs) -> tuple[pd.DataFrame, pd.DataFrame]:
    for out in (results, compute):
        out.attrs["repairs"] = repairs
        out.attrs["attribution"] = [f"user file {path}"]
    return conform(results, "results"), conform(compute, "compute")


def _keys(values: np.ndarray) -> np.ndarray:
    """Integer codes of a column for equality tests (None, NaN and NaT are one value)."""
    if values.dtype.kind == "M":
        values = values.view(np.int64)
    return pd.factorize(values, use_na_sentinel=True)[0]


def _is_link(cell: str) -> bool:
    """A URL-like cell (no blanks; a scheme, or a path with a dot), not a paper title."""
    if not cell or any(ch.isspace() for ch in cell):
        return False
    return bool(_LINK.match(cell)) or ("/" in cell and "." in cell)


# --------------------------------------------------------------- Computer-Progress layout


def _resolve(sheet: _Sheet) -> dict[str, str]:
    """lower-cased stripped name → actual header; two headers with one name are an error."""
    out: dict[str, str] = {}
    for col in sheet.header:
        key = str(col).strip().casefold()
        if not key:
            continue  # the WMT tables' unnamed framework column
        if key in out:
            raise InputError(f"two columns are named {_q(key)} (ignoring case)",
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


def _fractions(sheet: _Sheet, problems: _Problems, col: str, scale: str) -> np.ndarray:
    """A share column as fractions (rules of :func:`computelimits.data.parse.fractions`)."""
    codes, cells = sheet.column(col).stripped()
    values = np.full(len(cells), np.nan)
    messages: list[str | None] = [None] * len(cells)
    repaired = np.zeros(len(cells), dtype=bool)
    for j, cell in enumerate(cells):
        if cell in BLANKS:
            continue
        x, repaired[j] = _fraction_of(cell, scale)
        if isinstance(x, str):
            messages[j] = x
        else:
            values[j] = x
    _report(problems, codes, messages, col)
    sheet.repairs.note(f"{col}: percent strings converted to fractions",
                       int(np.sum(repaired[codes])))
    return values[codes]


def _provenance(sheet: _Sheet, cols: dict[str, str], model: np.ndarray, keep: np.ndarray,
                repairs: Repairs) -> tuple[np.ndarray, np.ndarray]:
    """Per row: origin (paper title, else link, else None) and publication (origin, else the
    model name). Fallbacks are counted over the kept rows, in the order they first occur."""
    n = sheet.n

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
    no_title = keep & np.equal(t, None)
    with_link = no_title & ~np.equal(link, None)
    found = []
    for mask, what in ((with_link, "publication: no paper title, link used"),
                       (no_title & ~with_link,
                        "publication: no paper title or link, model name used")):
        if mask.any():
            found.append((int(np.argmax(mask)), what, int(mask.sum())))
    for _first, what, count in sorted(found):
        repairs.note(what, count)
    origin = np.where(np.equal(t, None), link, t)
    publication = np.where(np.equal(origin, None),
                           np.asarray([str(m) for m in model], dtype=object), origin)
    return origin, publication


def _june15(year: np.ndarray) -> list:
    """15 June of each year (NaT where the year is missing), as the Computer Progress site
    dated its rows."""
    codes, years = pd.factorize(year)
    stamps = [pd.Timestamp(int(y), 6, 15) for y in years]
    return [stamps[c] if c >= 0 else pd.NaT for c in codes]


def load_computer_progress(path: str | Path, *, benchmark: str,
                           hardware: Mapping[str, Peak | float] | None = None,
                           convention: str = "per-chip",
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CSV in the Computer-Progress per-benchmark layout (see the module docstring).

    Args:
        path: the file.
        benchmark: benchmark id or alias of the file's results (e.g. "imagenet", "coco",
            "squad1.1", "conll2003", "wmt2014-en-de"); an unknown one is a ConfigError.
        hardware: processor name → ``Peak`` (peak GFLOP/s per unit as written, precision,
            chips per unit), looked up by exact name for the gpu/tpu/cpu columns; a bare
            number is FP32 GFLOP/s of a single-chip unit. A Peak whose rate is NaN is a
            known processor without a rate. None uses the file's ``hw_gflops`` column.
        convention: with ``hardware``, how the ``#gpu``/``#tpu``/``#cpu`` counts are read:
            "per-chip" (default; counts are chips, each at the unit rate / chips per unit)
            or "paper" (count × unit rate as written, as the Computer Progress seeder did).

    Returns:
        ``(results, compute)`` tidy tables. results: one row per metric cell (shares as
        fractions, BLEU in points), with ``publication``, ``setting_kind`` "supervised" and
        ``source_row`` = the file's data row. compute: one row per file row with a hardware
        burden, ``training_flop`` in FLOP, method "hardware", compute_kind
        "hardware_burden", ``peak_precision``, ``hours`` = time_sec / 3600 and
        ``source_row`` = the same data row as its results.

    Raises:
        ConfigError: an unknown benchmark or convention, or a bad hardware rate.
        InputError: a missing column or a cell that cannot be read (file, row, column; when
            several cannot, the first :data:`MAX_ERRORS` by row and the count of the others).
    """
    bench = find_benchmark(benchmark).id
    if convention not in CONVENTIONS:
        raise ConfigError(f"convention must be one of {', '.join(map(repr, CONVENTIONS))}; "
                          f"got {convention!r}")
    rates = None if hardware is None else _validate_hardware(hardware)
    name = str(path)
    sheet = _read(path)
    cols = _resolve(sheet)
    if not sheet.n:
        raise InputError("no data rows", path=name)
    repairs = sheet.repairs
    problems = _Problems(sheet)
    n = sheet.n

    def need(*names: str) -> str:
        for nm in names:
            if nm in cols:
                return cols[nm]
        sheet.require([names[0]])  # raises, with the closest names found
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
        raise InputError(f"no metric column; expected one of {_CP_METRIC_HEADERS}", path=name)
    allowed = _CP_BENCHMARK_METRICS.get(bench)
    for col, metric in metric_cols.items():
        if allowed is not None and metric not in allowed:
            raise InputError(f"metric {metric} does not belong to benchmark {bench} "
                             f"(expected {', '.join(sorted(allowed))})", path=name, column=col)
    if rates is None:
        gflops_col = need("hw_gflops")
    elif not any(k in cols or f"#{k}" in cols for k in _KINDS):
        need("gpu")

    # exact duplicate records (every cell as written)
    exact = pd.DataFrame(dict(enumerate(c.codes for c in sheet.columns))).duplicated(
        keep="first").to_numpy()
    repairs.note("exact duplicate rows dropped", int(exact.sum()))
    keep = ~exact

    model = _text(sheet, problems, model_col)
    origin, publication = _provenance(sheet, cols, model, keep, repairs)
    year = _numbers(sheet, problems, year_col, positive=True)
    odd = ~np.isnan(year) & ~_whole(sheet, problems, year_col, year)
    odd &= (year < 1900) | (year > 2100)
    problems.add(np.flatnonzero(odd), year_col,
                 lambda i: f"year {year[i]:.0f} is outside 1900..2100")
    repairs.note("date: year set to 15 June (as the Computer Progress site did)",
                 int(np.sum(~np.isnan(year) & keep)))
    time = _numbers(sheet, problems, time_col, positive=True)
    params = (_numbers(sheet, problems, params_col, positive=True) if params_col
              else np.full(n, np.nan))
    epochs = (_numbers(sheet, problems, epochs_col, positive=True) if epochs_col
              else np.full(n, np.nan))

    values: dict[str, np.ndarray] = {}
    for col, metric in metric_cols.items():
        if METRICS[metric].unit == "bleu":
            v = _numbers(sheet, problems, col, nonnegative=True)
            column = sheet.column(col)
            problems.add(np.flatnonzero(v > 100), col, lambda i, c=column: (
                f"BLEU {_q(c.cells[c.codes[i]])} is over 100"))
            values[col] = v
        else:
            values[col] = _fractions(sheet, problems, col, "percent")
    problems.check()
    date = _june15(year)

    # conflicting duplicates: same set-up (every other cell as written), different scores
    setup = [sheet.columns[j].codes for j, c in enumerate(sheet.header)
             if c not in metric_cols]
    rows = np.flatnonzero(keep)
    group = pd.DataFrame(dict(enumerate(s[rows] for s in setup))).groupby(
        list(range(len(setup))), sort=False).ngroup().to_numpy()
    first_metric = next(iter(metric_cols))
    told = _clashes(rows, group, second=True)
    problems.add(np.asarray(sorted(told), dtype=np.int64), first_metric, lambda i: (
        f"same model and set-up as row {told[i] + 1} but different scores"))
    problems.check()

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
            counts[kind] = _numbers(sheet, problems, ccol, positive=True)
            _whole(sheet, problems, ccol, counts[kind])
        else:
            counts[kind] = np.full(n, np.nan)
    if rates is None:
        gflops = _numbers(sheet, problems, gflops_col, positive=True)
    problems.check()

    compute_rows = []
    for i in rows:
        used = []
        for kind in _KINDS:
            nm = names[kind][i]
            ct = counts[kind][i]
            if nm or not np.isnan(ct):
                used.append((kind, nm, ct))
        if rates is None:
            burden, reason, note, precision, chip_count = _burden_as_given(
                gflops[i], used, time[i])
        else:
            burden, reason, note, precision, chip_count = _burden_from_mapping(
                rates, convention, used, time[i])
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

    keys_of = _model_keys(model)
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
    return _frames_attrs(results, compute, name, repairs)


_COMPUTE_COLUMNS = ("model", "model_key", "date", "training_flop", "method", "compute_kind",
                    "peak_precision", "parameters", "hardware", "chip_count", "hours",
                    "notes", "source", "source_file", "source_row")

_Burden = tuple[float | None, str | None, str, str | None, float]


def _gpu_tpu_count(used: list[tuple[str, str, float]]) -> float:
    chips = [ct for kind, _nm, ct in used if kind != "cpu" and not np.isnan(ct)]
    return float(sum(chips)) if chips else np.nan


def _burden_as_given(rate_gflops: float, used: list[tuple[str, str, float]],
                     time_sec: float) -> _Burden:
    """Burden from the file's own hw_gflops column (precision and convention unchecked)."""
    note = (f"hardware burden = hw_gflops column ({rate_gflops:g} GFLOP/s, the file's own "
            "count × rate; its precision and chip-or-device convention are unchecked) × "
            "time_sec × 1e9 FLOP/GFLOP")
    if np.isnan(rate_gflops):
        return None, "no hw_gflops", note, None, np.nan
    if np.isnan(time_sec):
        return None, "no time_sec", note, None, np.nan
    return (hardware_burden_flop(1.0, rate_gflops * GFLOP, time_sec), None, note, "as given",
            _gpu_tpu_count(used))


def _burden_from_mapping(rates: dict[str, Peak], convention: str,
                         used: list[tuple[str, str, float]], time_sec: float) -> _Burden:
    """Σ count × rate × time from the hardware mapping, under ``convention``."""
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
    for kind, nm, ct in used:
        if not nm:
            reason = reason or f"#{kind} without a {kind} name"
        elif np.isnan(ct):
            reason = reason or f"{kind} {nm!r} without #{kind}"
        elif nm not in rates:
            reason = reason or f"no peak rate for {nm!r} in the hardware mapping"
        elif math.isnan(rates[nm].gflops):
            reason = reason or f"no peak rate for {nm!r} (in the hardware mapping without one)"
        else:
            peak = rates[nm]
            per_chip = peak.per_chip_gflops
            if peak.precision not in precisions:
                precisions.append(peak.precision)
            if convention == "paper":
                rate_gflops += ct * peak.gflops
                chips = ct * peak.chips
                unit = (f" ({peak.precision}; a {peak.chips}-chip unit, {per_chip:g} GFLOP/s "
                        "per chip)" if peak.chips > 1 else f" ({peak.precision})")
                parts.append(f"{ct:g} × {nm} at {peak.gflops:g} GFLOP/s per unit{unit}")
            else:
                rate_gflops += ct * per_chip
                chips = ct
                unit = (f"; {peak.gflops:g} GFLOP/s per {peak.chips}-chip unit"
                        if peak.chips > 1 else "")
                parts.append(f"{ct:g} × {nm} at {per_chip:g} GFLOP/s per chip "
                             f"({peak.precision}{unit})")
            if kind != "cpu":
                chip_count += chips
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
    precision = precisions[0] if len(precisions) == 1 else "mixed"
    has_chip = any(kind != "cpu" for kind, _nm, _ct in used)
    return (hardware_burden_flop(1.0, rate_gflops * GFLOP, time_sec), None, note, precision,
            chip_count if has_chip else np.nan)


# ---------------------------------------------------------------------------- generic CSV


def _unique_header(sheet: _Sheet) -> None:
    seen: set[str] = set()
    for col in sheet.header:
        if col in seen:
            raise InputError(f"two columns are named {_q(col)}", path=sheet.path, column=col)
        seen.add(col)


def _benchmark_of(cell: str) -> tuple[str | None, str | None]:
    """(benchmark id, None) or (None, what is wrong) for one stripped cell."""
    if cell in BLANKS:
        return None, "blank benchmark"
    if len(cell) > _SHOWN_CHARS:  # no id or alias is this long; skip the close-match search
        return None, f"unknown benchmark {_q(cell)}. Known: {', '.join(BENCHMARKS)}"
    try:
        return find_benchmark(cell).id, None
    except ConfigError as exc:
        return None, str(exc)


def _route(metric: str, unit: str) -> tuple[str, str | None, str | None]:
    """How a value of ``metric`` with ``unit`` (stripped cell) is read: (converter, None, None)
    with converter "auto", "fraction", "percent" or "number", or ("", column, problem)."""
    m = METRICS[metric]
    low = unit.casefold()
    if low not in {"", "fraction", "percent", "bleu", "index"}:
        return "", "unit", f"unknown unit {_q(unit)}; use fraction, percent or bleu"
    if m.unit == "fraction":
        if low in {"bleu", "index"}:
            return "", "unit", f"unit {_q(low)} does not fit metric {m.id}"
        return low or "auto", None, None
    if low not in {"", m.unit}:
        return "", "unit", (f"unit {_q(low)} does not fit metric {m.id} (use {m.unit!r} or "
                            "leave blank)")
    return "number", None, None


def _generic_values(sheet: _Sheet, problems: _Problems,
                    metric: np.ndarray) -> np.ndarray:
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
                 lambda i: f"{_q(vcells[vcodes[i]])} has a % sign but unit says fraction")
    todo &= ~sign

    value = np.full(n, np.nan)
    for scale in ("auto", "fraction", "percent"):
        rows = todo & (route == scale)
        if not rows.any():
            continue
        got = np.full(len(vcells), np.nan)
        messages: list[str | None] = [None] * len(vcells)
        for j in _distinct(vcodes, rows):
            x, _ = _fraction_of(vcells[j], scale)
            if isinstance(x, str):
                messages[j] = x
            else:
                got[j] = x
        _report(problems, vcodes, messages, "value", rows)
        value = np.where(rows, got[vcodes], value)
        if scale == "auto":
            sheet.repairs.note("value: percent strings converted to fractions",
                               int(np.sum(rows & pct)))
    rows = todo & (route == "number")
    if rows.any():
        got = np.full(len(vcells), np.nan)
        messages = [None] * len(vcells)
        for j in _distinct(vcodes, rows):
            x = _number_of(vcells[j])
            if isinstance(x, str):
                messages[j] = x
            else:
                got[j] = x
        bad = _report(problems, vcodes, messages, "value", rows)
        v = np.where(rows & ~bad, got[vcodes], np.nan)
        out = (metric == "bleu") & ~np.isnan(v) & ~((v >= 0) & (v <= 100))
        problems.add(np.flatnonzero(out), "value",
                     lambda i: f"BLEU {_q(vcells[vcodes[i]])} is outside 0..100")
        value = np.where(np.isnan(v), value, v)
    return value


def _higher_is_better(sheet: _Sheet, problems: _Problems, metric: np.ndarray) -> None:
    """``higher_is_better`` cells must read as true/false and agree with the metric."""
    codes, cells = sheet.column("higher_is_better").stripped()
    flags: list[bool | None] = []
    messages: list[str | None] = []
    for cell in cells:
        low = cell.casefold()
        flags.append(None if cell in BLANKS else True if low in _TRUE else
                     False if low in _FALSE else None)
        messages.append(None if cell in BLANKS or low in _TRUE or low in _FALSE else
                        f"expected true or false, found {_q(cell)}")
    _report(problems, codes, messages, "higher_is_better")
    expected = {m: METRICS[m].higher_is_better for m in METRICS}
    given = np.asarray(flags, dtype=object)[codes]
    wrong = np.fromiter((g is not None and m is not None and g != expected[m]
                         for g, m in zip(given, metric, strict=True)), dtype=bool,
                        count=sheet.n)
    problems.add(np.flatnonzero(wrong), "higher_is_better",
                 lambda i: f"metric {metric[i]} has higher_is_better = {expected[metric[i]]}")


def load_generic(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a generic results CSV (format in the module docstring).

    Returns ``(results, compute)`` tidy tables: results one row per (non-duplicate) file row,
    with ``publication`` and ``setting_kind``; compute one row per (non-duplicate) file row
    that has ``training_flop`` (FLOP; ``source_row`` = that row; ``compute_kind`` from the
    file, default "training", method "reported" for it).

    The file is read and checked column by column (memory and time linear in its rows).

    Raises:
        InputError: naming file, row and column for a cell that cannot be used; when several
            cannot, the first :data:`MAX_ERRORS` by row and the count of the others.
    """
    name = str(path)
    sheet = _read(path, required=GENERIC_REQUIRED)
    if not sheet.n:
        raise InputError("no data rows", path=name)
    unknown = [c for c in sheet.header if c not in GENERIC_COLUMNS]
    if unknown:
        raise InputError(f"unknown columns {unknown}; the columns are "
                         f"{', '.join(GENERIC_COLUMNS)}", path=name, column=str(unknown[0]))
    _unique_header(sheet)
    repairs = sheet.repairs
    problems = _Problems(sheet)
    n = sheet.n
    have = set(sheet.header)

    model = _text(sheet, problems, "model")
    codes, cells = sheet.column("benchmark").stripped()
    found = [_benchmark_of(c) for c in cells]
    _report(problems, codes, [msg for _, msg in found], "benchmark")
    benchmark = np.asarray([b for b, _ in found], dtype=object)[codes]
    codes, cells = sheet.column("metric").stripped()
    keys = [c.casefold() for c in cells]
    _report(problems, codes, [None if k in METRICS else
                              f"unknown metric {_q(c)}; known: {', '.join(METRICS)}"
                              for k, c in zip(keys, cells, strict=True)], "metric")
    metric = np.asarray([k if k in METRICS else None for k in keys],
                        dtype=object)[codes]
    value = _generic_values(sheet, problems, metric)
    if "higher_is_better" in have:
        _higher_is_better(sheet, problems, metric)
    date = (_dates(sheet, problems, "date") if "date" in have
            else np.full(n, np.datetime64("NaT"), dtype="datetime64[us]"))
    flop = (_numbers(sheet, problems, "training_flop", positive=True)
            if "training_flop" in have else np.full(n, np.nan))
    compute_kind, kind_given = _choices(sheet, problems, "compute_kind", list(COMPUTE_KINDS),
                                        "training")
    setting_kind, _ = _choices(sheet, problems, "setting_kind", SETTING_KINDS, "unknown")
    none = np.full(n, None, dtype=object)
    setting = _text(sheet, None, "setting") if "setting" in have else none
    origin = _text(sheet, None, "origin") if "origin" in have else none
    publication = _text(sheet, None, "publication") if "publication" in have else none
    publication = np.where(np.equal(publication, None), origin, publication)
    problems.check()

    # duplicates are judged on converted values rounded to 12 decimals, so that "43.9%" and
    # "0.439" are the same score
    mk = _keys(model)
    key = [mk, _keys(benchmark), _keys(metric), _keys(setting), _keys(origin)]
    everything = pd.DataFrame(dict(enumerate(
        [*key, _keys(np.round(value, 12)), _keys(date), _keys(flop), _keys(compute_kind),
         kind_given, _keys(setting_kind), _keys(publication)])))
    exact = everything.duplicated().to_numpy()
    repairs.note("exact duplicate result rows dropped", int(exact.sum()))
    rows = np.flatnonzero(~exact)
    keyed = pd.DataFrame(dict(enumerate(k[rows] for k in key)))
    group = keyed.groupby(list(keyed.columns), sort=False).ngroup().to_numpy()
    told = _clashes(rows, group)
    problems.add(np.asarray(sorted(told), dtype=np.int64), "model", lambda i: (
        f"duplicate of row {told[i] + 1} on {_DUP_KEY} with different values"))
    problems.check()

    # one compute row per file row with training_flop; within one model name and origin the
    # figure and the date must agree (a typo otherwise), across origins they may differ
    with_flop = rows[~np.isnan(flop[rows])]
    repairs.note("compute_kind without training_flop: ignored",
                 int(np.sum(np.isnan(flop[rows]) & kind_given[rows])))
    _agree(problems, model, origin, flop, date, with_flop)
    problems.check()
    del sheet, problems  # the cells as written are no longer needed

    keys_of = _model_keys(model)
    v = value[rows]
    m_rows = metric[rows]
    err = np.full(len(rows), np.nan)
    for m in dict.fromkeys(m_rows):
        sel = m_rows == m
        err[sel] = error_of(v[sel], m)
    results = pd.DataFrame({
        "model": model[rows], "model_key": keys_of[rows], "date": date[rows],
        "benchmark": benchmark[rows], "metric": m_rows, "value": v,
        "higher_is_better": [METRICS[m].higher_is_better for m in m_rows],
        "unit": [METRICS[m].unit for m in m_rows], "error": err,
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
    return _frames_attrs(results, compute, name, repairs)


_DUP_KEY = ["model", "benchmark", "metric", "setting", "origin"]
_GENERIC_NOTES = {k: f"training_flop from the user's file (compute_kind {k})"
                  for k in COMPUTE_KINDS}


def _clashes(rows: np.ndarray, group: np.ndarray, *, second: bool = False) -> dict[int, int]:
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


def _agree(problems: _Problems, model: np.ndarray, origin: np.ndarray, flop: np.ndarray,
           date: np.ndarray, rows: np.ndarray) -> None:
    """Rows of one model name and origin must give the same training_flop and date as the
    first of them."""
    if not len(rows):
        return
    group = pd.DataFrame({"m": _keys(model)[rows], "o": _keys(origin)[rows]}).groupby(
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
        return f"on row {p + 1} (same model and origin {_q(origin[p])})"

    problems.add(rows[bad_flop], "training_flop", lambda i: (
        f"model {_q(model[i])} has training_flop {flop[prev_of[i]]:g} {where(i)}"))
    problems.add(rows[bad_date], "date", lambda i: (
        f"model {_q(model[i])} has date {pd.Timestamp(date[prev_of[i]]):%Y-%m-%d} {where(i)}"))


def _model_keys(model: np.ndarray) -> np.ndarray:
    """:func:`~computelimits.data.names.model_key` of each name, computed once per name."""
    codes, names = pd.factorize(model)
    keys = np.asarray([*(model_key(x) for x in names), ""], dtype=object)
    return keys[codes]  # a missing name (code -1) has the key of None, ""
