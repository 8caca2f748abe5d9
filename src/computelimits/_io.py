"""Atomic file output: write to a temporary file beside the target, then rename over it, so
that an interrupted run never leaves a half-written file or destroys an earlier one."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computelimits.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "atomic_path",
    "atomic_save",
    "atomic_write_bytes",
    "atomic_write_text",
    "attribution_path",
    "check_writable",
    "ensure_folder",
    "output_problem",
    "sidecar_path",
    "spreadsheet_safe",
    "write_csv",
    "write_csv_with_attribution",
]


def output_problem(exc: OSError) -> str:
    """A short reason for an OS error met while writing (no traceback words)."""
    reasons = {errno.EACCES: "permission denied", errno.EPERM: "not permitted",
               errno.EROFS: "read-only file system", errno.ENOSPC: "no space left on device",
               errno.ENOTDIR: "a parent is a file, not a folder",
               errno.EISDIR: "is a folder, not a file", errno.EEXIST: "already exists",
               errno.ENAMETOOLONG: "name too long", errno.EDQUOT: "disk quota exceeded"}
    return reasons.get(exc.errno or -1, exc.strerror or str(exc))


def ensure_folder(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` (and its parents) or raise :class:`OutputError` saying why not."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError("is a file, not a folder", path=str(folder)) from None
    except OSError as exc:
        raise OutputError(f"cannot create this folder: {output_problem(exc)}",
                          path=str(folder)) from None
    return folder


def check_writable(target: str | os.PathLike[str], *, folder: bool = False) -> Path:
    """Raise :class:`OutputError` now if ``target`` (a file, or with ``folder`` a folder)
    could not be written later: a folder (or a file) in its place, an ancestor that is a
    file, or a first existing ancestor this process may not write into. Verbs call it
    before their work so that a bad ``--out`` costs no computation. Creates nothing."""
    path = Path(target)
    if folder and path.exists() and not path.is_dir():
        raise OutputError("is a file, not a folder", path=str(path))
    if not folder and path.is_dir():
        raise OutputError("is a folder, where a file is to be written", path=str(path))
    ancestor = path if folder and path.is_dir() else path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError("is a file, not a folder", path=str(ancestor))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError("cannot write here: permission denied or a read-only file system",
                          path=str(ancestor))
    return path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it to ``target``.

    A target that cannot be written (a folder in its place, a parent that is a file, no
    permission, a read-only file system) raises :class:`OutputError` before any work is
    written, naming the path; the temporary file never outlives the block."""
    target = Path(target)
    if target.is_dir():
        raise OutputError("is a folder, where a file is to be written", path=str(target))
    ensure_folder(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=target.suffix[:20],
                                   dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write here: {output_problem(exc)}",
                          path=str(target)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, target)
        except OSError as exc:
            raise OutputError(f"cannot replace this file: {output_problem(exc)}",
                              path=str(target)) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def atomic_write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_save(target: str | os.PathLike[str], save: Callable[[Path], object]) -> Path:
    """Call ``save(tmp_path)`` and move the result to ``target`` atomically."""
    with atomic_path(target) as tmp:
        save(tmp)
    return Path(target)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection",
#: https://owasp.org/www-community/attacks/CSV_Injection; ASVS 5.0 requirement 1.2.10 adds
#: the NUL character).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_PLAIN_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that starts with a formula trigger (``=``, ``+``, ``-``,
    ``@``, tab, carriage return, NUL) prefixed by a single quote, which spreadsheets show as
    text instead of evaluating (the OWASP recommendation against CSV injection, see
    :data:`FORMULA_TRIGGERS`). Numeric columns are untouched, and so is a text cell that is a
    plain number ("-5", "+1e3"): a spreadsheet reads it as that number, not a formula. The
    first characters are compared as one array per column; only the few candidates are
    looked at one by one."""
    import re

    import numpy as np
    import pandas as pd

    plain = re.compile(_PLAIN_NUMBER)
    out = df
    for col in df.columns:
        s = df[col]
        if s.dtype.kind != "O":  # numbers, booleans, dates: not text
            continue
        values = s.to_numpy(dtype=object)
        first = values.astype("U1")  # "" for an empty string or a leading NUL
        maybe = np.flatnonzero(np.isin(first, [*FORMULA_TRIGGERS, ""]))
        risky = [i for i in maybe if isinstance(values[i], str)
                 and values[i].startswith(FORMULA_TRIGGERS) and not plain.fullmatch(values[i])]
        if risky:
            if out is df:
                out = df.copy()
            fixed = values.copy()
            fixed[risky] = ["'" + values[i] for i in risky]
            out[col] = pd.Series(fixed, index=df.index, dtype=object)
    return out


def write_csv(df: pd.DataFrame, target: str | os.PathLike[str], *, for_spreadsheets: bool = False,
              **to_csv: Any) -> Path:
    """Write ``df`` as CSV to ``target`` atomically (without the index unless ``index=True``;
    other keywords go to :meth:`pandas.DataFrame.to_csv`). ``for_spreadsheets``: text cells
    that a spreadsheet would evaluate as formulas are quoted first (:func:`spreadsheet_safe`)."""
    to_csv.setdefault("index", False)
    if for_spreadsheets:
        df = spreadsheet_safe(df)
    with atomic_path(target) as tmp:
        df.to_csv(tmp, **to_csv)
    return Path(target)


def sidecar_path(path: str | os.PathLike[str], kind: str, suffix: str | None = None) -> Path:
    """A file that travels with ``path``: ``NAME.KIND.SUFFIX`` beside ``NAME.EXT`` (suffix
    default: ``path``'s own)."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{kind}{path.suffix if suffix is None else suffix}")


def attribution_path(csv: str | os.PathLike[str]) -> Path:
    """The attribution file that travels with a CSV file: ``NAME.attribution.txt`` beside
    ``NAME.csv``."""
    return sidecar_path(csv, "attribution", ".txt")


def write_csv_with_attribution(df: pd.DataFrame, target: str | os.PathLike[str],
                               lines: list[str], **to_csv: Any) -> tuple[Path, Path]:
    """Write ``df`` to ``target`` (:func:`write_csv`) and its attribution ``lines``, one a
    line, to :func:`attribution_path` of it; returns both paths."""
    out = write_csv(df, target, **to_csv)
    side = atomic_write_text(attribution_path(out), "\n".join(lines) + "\n")
    return out, side
