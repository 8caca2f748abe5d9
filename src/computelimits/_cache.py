"""What the result caches share (the theory experiment's, :mod:`computelimits.theory.cache`,
the rolling evaluation's, :mod:`computelimits.scaling.evaluation.cache`, and the report's
benchmark figures', :func:`computelimits.report.figures.save_benchmark_figure`): where they
live, keys, digests of the code that computed a result, and files written atomically and
read back only when they are what was written.

Every cache lives in ``<cache>/<name>/``, where ``<cache>`` is ``$COMPUTELIMITS_CACHE`` if
set, else the user cache folder of pooch (:func:`computelimits.data.fetch.cache_dir`). A
cache is an optimisation: a file that cannot be written is not an error, and one that cannot
be read, is not a regular file (a FIFO, a device), was changed since it was written or is
another key's is a miss, recomputed and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["cache_folder", "digest", "load_pickle", "read_regular", "source_digest",
           "store_latest", "store_pickle", "write_atomic"]

#: The package's folder: :func:`source_digest` names folders and files relative to it.
_PACKAGE = Path(__file__).resolve().parent


def cache_folder(name: str) -> Path:
    """``<cache>/<name>`` (not created)."""
    from computelimits.data.fetch import cache_dir

    return cache_dir() / name


def digest(blob: Any) -> str:
    """Hex sha256 of ``blob`` as canonical JSON (sorted keys; anything JSON cannot say is
    written as its ``str``)."""
    text = json.dumps(blob, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=16)
def source_digest(*parts: str, recursive: bool = False, suffixes: tuple[str, ...] = (".py",)
                  ) -> str:
    """sha256 of the package's source files in ``parts`` (folders or files relative to the
    package, e.g. ``"theory"``, ``"validate.py"``; ``"*.py"``: the top-level modules): their
    names and bytes, in name order. ``recursive``: the folders' subfolders too."""
    files: set[Path] = set()
    for part in parts:
        if "*" in part:
            files.update(_PACKAGE.glob(part))
            continue
        path = _PACKAGE / part
        if path.is_file():
            files.add(path)
        elif path.is_dir():
            found = path.rglob("*") if recursive else path.glob("*")
            files.update(f for f in found if f.suffix in suffixes and f.is_file()
                         and "__pycache__" not in f.parts)
    h = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(_PACKAGE).as_posix()):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes()
                 + b"\0")
    return h.hexdigest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of ``path``, or None when it is missing, unreadable or not a regular
    file."""
    from computelimits._io import open_regular

    try:
        if not path.is_file():
            return None
        with open_regular(path) as fh:
            return fh.read()
    except OSError:
        return None


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path | None:
    """Write ``path`` atomically with ``write(temporary path)`` (the folder is made; a link
    or a FIFO in its place is replaced, not followed). Returns ``path``, or None if it could
    not be written."""
    from computelimits._io import atomic_path

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            path.unlink()
        with atomic_path(path) as tmp:
            write(tmp)
        return path
    except OSError:
        return None


#: First bytes of a pickled entry (then the sha256 of the pickle, then the pickle).
_MAGIC = b"computelimits-result-1\n"


def store_pickle(path: Path, key: str, value: Any) -> Path | None:
    """Cache ``value`` under ``key`` at ``path`` (a pickle with its key and checksum).
    Returns the file, or None if it could not be written."""
    try:
        payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    blob = _MAGIC + hashlib.sha256(payload).digest() + payload
    return write_atomic(path, lambda tmp: tmp.write_bytes(blob))


def store_latest(path: Path, key: str, value: Any) -> Path | None:
    """:func:`store_pickle`, then remove the other entries of the same slot: the files
    beside ``path`` whose names start as its name does up to its first ``-`` (one result
    per slot, e.g. per setting or per figure, the latest)."""
    stored = store_pickle(path, key, value)
    if stored is not None:
        slot = path.name.split("-", 1)[0]
        for old in path.parent.glob(f"{slot}-*{path.suffix}"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink(missing_ok=True)
    return stored


def load_pickle(path: Path, key: str) -> Any | None:
    """The value cached under ``key`` at ``path``, or None (missing, not a regular file,
    changed since it was written, another key's, or not unpickled)."""
    data = read_regular(path)
    if data is None:
        return None
    n = len(_MAGIC)
    head, check, payload = data[:n], data[n:n + 32], data[n + 32:]
    if head != _MAGIC or hashlib.sha256(payload).digest() != check:
        return None
    try:
        entry = pickle.loads(payload)
    except Exception:  # written by this code and checked, but never an error
        return None
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key):
        return None
    return entry[1]
