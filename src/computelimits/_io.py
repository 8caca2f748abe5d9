"""Atomic file output: write to a temporary file beside the target, then rename over it, so
that an interrupted run never leaves a half-written file or destroys an earlier one; and the
one rule of where an output may go (:func:`guard_output`).

The output rule, the same for every ``--out`` of every verb and for the package's writers:

* ``~`` is expanded (a path whose ``~`` cannot be expanded is refused); a symlink is
  followed (its target is written, under the same rules) and a dangling one is refused;
* an existing file is replaced only with ``force`` (``--force``); something that is not a
  regular file (a FIFO, a device) is never written;
* never, even with ``force``: the command's own input file, a path inside the data mirror
  (``COMPUTELIMITS_DATA``) or the cache, or a file tracked by the git checkout that holds it
  (:mod:`computelimits._tracked`); a folder output is refused when it holds such a file or
  the mirror, the cache or an input.

The command line sets the rules of an invocation (``force``, its input files) with
:func:`output_rules` around the verb; outside it (the Python API) an existing file is
replaced, the never-rules still hold.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
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
    "current_umask",
    "ensure_folder",
    "expand_out",
    "folder_mode",
    "follow_link",
    "guard_folder",
    "guard_output",
    "open_regular",
    "output_problem",
    "output_rules",
    "protected_reason",
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


# ---------------------------------------------------------------------- permissions
_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask (read from /proc where it can be, else set and restored)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def folder_mode() -> int:
    """The mode ``mkdir`` gives a new folder (``0o777`` less the umask): staging folders made
    by :func:`tempfile.mkdtemp` (0700) get it before they are renamed into place."""
    return 0o777 & ~current_umask()


def _file_mode(target: Path) -> int:
    """The mode of the file that ``target`` replaces, else ``0o666`` less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


# ---------------------------------------------------------------------- where outputs go
@dataclass(frozen=True)
class OutputRules:
    """The rules of one invocation: replace existing files (``force``) and the input files
    never to be written."""

    force: bool = False
    inputs: tuple[Path, ...] = ()


_RULES: ContextVar[OutputRules | None] = ContextVar("computelimits_output_rules", default=None)


@contextlib.contextmanager
def output_rules(*, force: bool = False,
                 inputs: Iterable[str | os.PathLike[str]] = ()) -> Iterator[OutputRules]:
    """Within the block, the package's writers (:func:`write_csv` …) refuse an existing
    file unless ``force`` and never write over one of ``inputs`` (the command line sets
    this around every verb)."""
    rules = OutputRules(bool(force), tuple(Path(p) for p in inputs))
    token = _RULES.set(rules)
    try:
        yield rules
    finally:
        _RULES.reset(token)


def expand_out(target: str | os.PathLike[str]) -> Path:
    """``target`` with a leading ``~`` expanded; an OutputError when it cannot be (never a
    folder named ``~``)."""
    raw = os.fspath(target)
    if not raw.strip():
        raise OutputError("an empty path is not an output", path=repr(raw))
    if raw.startswith("~"):
        expanded = os.path.expanduser(raw)
        if expanded.startswith("~"):
            raise OutputError("'~' cannot be expanded here (no home folder known); give the "
                              "path in full", path=raw)
        return Path(expanded)
    return Path(raw)


def follow_link(path: Path) -> Path:
    """``path``, or the target of the symlink it is (followed to the end); a dangling or
    looping symlink is an OutputError."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        try:
            where = os.readlink(path)
        except OSError:
            where = "?"
        raise OutputError(f"is a symlink to {where}, which does not exist (a dangling link is "
                          "never written; remove it or give another path)",
                          path=str(path)) from None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(path))


def _protected_folders() -> list[tuple[Path, str]]:
    """(resolved folder, what it is) of the data mirror and the cache."""
    from computelimits.data import fetch

    out = []
    try:
        mirror = fetch.mirror_dir()
    except Exception:  # an invalid COMPUTELIMITS_DATA is reported where the data are read
        mirror = None
    if mirror is not None:
        out.append((_real(mirror), f"the data mirror ({fetch.ENV_MIRROR})"))
    with contextlib.suppress(Exception):
        out.append((_real(fetch.cache_dir()), f"the cache folder ({fetch.ENV_CACHE})"))
    return out


def protected_reason(target: str | os.PathLike[str], *, folder: bool = False,
                     inputs: Iterable[str | os.PathLike[str]] = ()) -> str | None:
    """Why ``target`` must never be written, even with ``--force`` (None: it may be): it is
    an input of the command, inside the data mirror or the cache, or tracked by a git
    checkout; for a ``folder``, also when it holds one of these."""
    from computelimits import _tracked

    real = _real(target)
    for inp in inputs:
        rin = _real(inp)
        same = real == rin
        if not same and real.exists() and rin.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(real, rin)
        if same:
            return f"is this command's input file ({inp})"
        if folder and _within(rin, real):
            return f"holds this command's input file ({inp})"
    for place, what in _protected_folders():
        if _within(real, place):
            return f"is inside {what}: {place}"
        if folder and _within(place, real):
            return f"holds {what}: {place}"
    if folder:
        if real.is_dir():
            files = _tracked.tracked_under(real, limit=3)
            if files:
                return (f"holds files tracked by the git checkout at "
                        f"{_tracked.checkout_of(real)[0]} ({', '.join(files)})")
    elif real.exists():
        root = _tracked.tracked(real)
        if root is not None:
            return f"is tracked by the git checkout at {root}"
    return None


def guard_output(target: str | os.PathLike[str], *, force: bool | None = None,
                 inputs: Iterable[str | os.PathLike[str]] | None = None,
                 sidecars: Iterable[str] = ()) -> Path:
    """Check that the file ``target`` may be written by the output rule (module docstring)
    and return the path to write (``~`` expanded, a symlink followed); raise
    :class:`OutputError` naming it and why not. ``force`` and ``inputs`` default to those of
    the active :func:`output_rules` (outside them: replace existing files). ``sidecars``:
    kinds of the files that travel with it (``"attribution.txt"`` →
    ``FILE.attribution.txt``), checked by the same rules."""
    rules = _RULES.get()
    if force is None:
        force = rules.force if rules is not None else True
    if inputs is None:
        inputs = rules.inputs if rules is not None else ()
    inputs = tuple(inputs)
    asked = expand_out(target)
    path = follow_link(asked)
    if path.is_dir():
        raise OutputError("is a folder, where a file is to be written", path=str(asked))
    exists = path.exists()
    if exists and not path.is_file():
        raise OutputError("is not a regular file (a FIFO, a device or a socket); never written",
                          path=str(asked))
    why = protected_reason(path, inputs=inputs)
    if why is not None:
        raise OutputError(f"{why}; never written, even with --force (choose another path)",
                          path=str(asked))
    if exists and not force:
        raise OutputError("exists; --force replaces it (or choose another path)",
                          path=str(asked))
    check_writable(path)
    for kind in sidecars:
        stem, _, suffix = kind.rpartition(".")
        guard_output(sidecar_path(path, stem, f".{suffix}"), force=force, inputs=inputs)
    return path


def guard_folder(target: str | os.PathLike[str], *,
                 inputs: Iterable[str | os.PathLike[str]] | None = None,
                 files: Iterable[str] = (), force: bool | None = None) -> Path:
    """Check the folder ``target`` by the output rule (a file in its place, a dangling link,
    the mirror, the cache, an input or a tracked file in it) and each of ``files`` in it as
    :func:`guard_output` would; return the folder to write into (``~`` expanded, a symlink
    followed)."""
    rules = _RULES.get()
    if inputs is None:
        inputs = rules.inputs if rules is not None else ()
    inputs = tuple(inputs)
    asked = expand_out(target)
    path = follow_link(asked)
    if path.exists() and not path.is_dir():
        raise OutputError("is a file, not a folder", path=str(asked))
    why = protected_reason(path, folder=True, inputs=inputs)
    if why is not None:
        raise OutputError(f"{why}; never written, even with --force (choose another folder)",
                          path=str(asked))
    check_writable(path, folder=True)
    for name in files:
        guard_output(path / name, force=force, inputs=inputs)
    return path


def open_regular(path: str | os.PathLike[str]) -> Any:
    """``path`` opened for reading bytes, only if it is a regular file: a FIFO, a device
    (a symlink to ``/dev/zero``) or a socket is refused without blocking (it is opened
    non-blocking and looked at before any byte is read). Raises OSError (IsADirectoryError
    for a folder; errno ``EINVAL`` with "not a regular file" otherwise)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", os.fspath(path))
        if not stat.S_ISREG(mode):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                    "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                    "a socket" if stat.S_ISSOCK(mode) else "not a file")
            raise OSError(errno.EINVAL, f"is {kind}, not a regular file", os.fspath(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it to ``target``.

    A target that cannot be written (a folder in its place, a parent that is a file, no
    permission, a read-only file system) raises :class:`OutputError` before any work is
    written, naming the path; the temporary file never outlives the block."""
    target = follow_link(Path(target))
    if target.is_dir():
        raise OutputError("is a folder, where a file is to be written", path=str(target))
    ensure_folder(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=target.suffix[:20],
                                   dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write here: {output_problem(exc)}",
                          path=str(target)) from None
    with contextlib.suppress(OSError):  # mkstemp makes 0600 files: give the mode the umask
        os.fchmod(fd, _file_mode(target))  # (or the file replaced) gives
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
    path = guard_output(target)
    if for_spreadsheets:
        df = spreadsheet_safe(df)
    with atomic_path(path) as tmp:
        df.to_csv(tmp, **to_csv)
    return expand_out(target)


def sidecar_path(path: str | os.PathLike[str], kind: str, suffix: str | None = None) -> Path:
    """A file that travels with the file ``path``, one rule for all: the whole name, then
    ``.KIND.SUFFIX`` (``keep.csv`` → ``keep.csv.attribution.txt``,
    ``bt.csv.predictions.csv``; suffix default: ``path``'s own)."""
    path = Path(path)
    return path.with_name(f"{path.name}.{kind}{path.suffix if suffix is None else suffix}")


def attribution_path(csv: str | os.PathLike[str]) -> Path:
    """The attribution file that travels with a CSV file: ``NAME.csv.attribution.txt``
    beside ``NAME.csv``."""
    return sidecar_path(csv, "attribution", ".txt")


def write_csv_with_attribution(df: pd.DataFrame, target: str | os.PathLike[str],
                               lines: list[str], **to_csv: Any) -> tuple[Path, Path]:
    """Write ``df`` to ``target`` (:func:`write_csv`) and its attribution ``lines``, one a
    line, to :func:`attribution_path` of it; returns both paths. Both are checked by the
    output rule before either is written."""
    guard_output(target, sidecars=("attribution.txt",))
    out = write_csv(df, target, **to_csv)
    side = attribution_path(out)
    guard_output(side)
    atomic_write_text(side, "\n".join(lines) + "\n")
    return out, side
