"""Output folders written as a whole (``reproduce --out``, ``simulate --out``): built aside,
then swapped in, and never at the cost of a user's files.

Rules (checked before any work starts, and again under a lock when the result is swapped in):

* a folder this tool wrote (it holds the marker file :data:`MARKER`), an empty folder or a
  path that does not exist yet is **replaced whole**: the new result is built in a hidden
  sibling folder and renamed into place, so an interrupted run leaves the earlier result
  intact;
* a folder that holds anything else (a user's files) is **refused** with the names of a few
  of its files — unless ``force``, which writes the result's files into it and removes
  nothing;
* a path that is a file is refused; the current folder or one of its parents (``--out .``)
  cannot be renamed and is written in place under the same rules;
* two runs to one folder take turns at the swap (an advisory lock on the parent folder), so
  the last one wins whole; hidden staging folders of runs that were killed are removed by
  the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from computelimits._io import ensure_folder, output_problem
from computelimits.errors import OutputError

__all__ = ["MARKER", "OutputFolder"]

#: Name of the file inside every folder this tool writes as a whole.
MARKER = ".computelimits-output"

_STAGING = "staging"
_OLD = "old"


class OutputFolder:
    """One ``--out`` folder: :meth:`check` first, build into :attr:`staging`, then
    :meth:`commit` (or :meth:`discard`). Usable as a context manager that discards on error.
    """

    def __init__(self, out: str | os.PathLike[str], *, force: bool = False,
                 tool: str = "computelimits") -> None:
        self.out = Path(out)
        self.force = force
        self.tool = tool
        self.staging: Path | None = None
        self.in_place = False

    # ------------------------------------------------------------------ before the work
    def check(self) -> OutputFolder:
        """Raise :class:`OutputError` if the result could not or must not go to ``out``;
        otherwise create the staging folder and return self."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise OutputError("is a file; --out names a folder (choose another path)",
                              path=str(out))
        self._refuse_foreign(out)
        try:
            resolved = out.resolve()
            cwd = Path.cwd().resolve()
        except OSError as exc:
            raise OutputError(f"cannot be used: {output_problem(exc)}", path=str(out)) from None
        self.in_place = (resolved == cwd or resolved in cwd.parents
                         or resolved == resolved.parent or (out.is_dir() and self.force
                                                             and not self._ours(out)))
        parent = out if self.in_place else out.parent
        ensure_folder(parent)
        _remove_stale(parent, out.name if not self.in_place else "")
        try:
            prefix = f".{out.name}." if not self.in_place else ".computelimits."
            self.staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{_STAGING}-{os.getpid()}-",
                                                 dir=parent))
        except OSError as exc:
            raise OutputError(f"cannot write here: {output_problem(exc)}",
                              path=str(parent)) from None
        return self

    def _ours(self, folder: Path) -> bool:
        return (folder / MARKER).is_file()

    def _refuse_foreign(self, out: Path) -> None:
        if not out.is_dir() or self.force or self._ours(out):
            return
        mine = self.staging.name if self.staging is not None else None
        try:
            entries = sorted(p.name for p in out.iterdir() if p.name != mine)
        except OSError as exc:
            raise OutputError(f"cannot be read: {output_problem(exc)}", path=str(out)) from None
        if not entries:
            return
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more"
                                           if len(entries) > 3 else "")
        raise OutputError(f"holds files {self.tool} did not write ({shown}); choose a new or "
                          "empty folder, or --force to write into it without removing "
                          "anything", path=str(out))

    # ------------------------------------------------------------------ after the work
    def commit(self) -> Path:
        """Move the staged result to ``out`` (see the module docstring); returns ``out``."""
        if self.staging is None:
            raise RuntimeError("check() first")
        staging, out = self.staging, self.out
        if not self.in_place or self._ours(out) or not any(
                p for p in out.iterdir() if p.name != staging.name):
            (staging / MARKER).write_text(
                f"Written by {self.tool}; the next run to this folder replaces it whole.\n",
                encoding="utf-8")
        with _locked(out if self.in_place else out.parent):
            self._refuse_foreign(out)
            if self.in_place:
                _merge(staging, out)
                shutil.rmtree(staging, ignore_errors=True)
            else:
                old = None
                if out.exists():
                    old = out.with_name(f".{out.name}.{_OLD}-{os.getpid()}")
                    shutil.rmtree(old, ignore_errors=True)
                    os.replace(out, old)
                os.replace(staging, out)
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
        self.staging = None
        return out

    def discard(self) -> None:
        """Remove the staging folder (the earlier result, if any, is untouched)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def __enter__(self) -> OutputFolder:
        return self.check()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()


def _merge(src: Path, dst: Path) -> None:
    """Move every file of ``src`` into ``dst`` (same relative paths), replacing files of the
    same name and nothing else."""
    for path in sorted(src.rglob("*")):
        if path.is_dir():
            continue
        target = dst / path.relative_to(src)
        ensure_folder(target.parent)
        if target.is_dir():
            raise OutputError("is a folder, where a file is to be written", path=str(target))
        os.replace(path, target)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``folder`` (flock on the folder itself: no lock file is
    left behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(parent: Path, name: str) -> None:
    """Remove hidden staging/old folders of ``name`` left by runs whose process is gone."""
    prefix = f".{name}." if name else ".computelimits."
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir()]
    except OSError:
        return
    for path in candidates:
        rest = path.name[len(prefix):]
        for kind in (_STAGING, _OLD):
            if rest.startswith(f"{kind}-"):
                pid_text = rest[len(kind) + 1:].split("-", 1)[0]
                if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(
                        int(pid_text)):
                    shutil.rmtree(path, ignore_errors=True)
