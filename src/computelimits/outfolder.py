"""Output folders written as a whole (``reproduce --out``, ``simulate --out``): built aside,
then swapped in, and never at the cost of a user's files.

Rules (checked before any work starts, and again under a lock when the result is swapped in):

* a folder every file of which this tool wrote (the marker file :data:`MARKER` lists each
  with its size and sha256, and each is unchanged), an empty folder or a path that does not
  exist yet is **replaced whole**: the new result is built in a hidden sibling folder and
  renamed into place, so an interrupted run leaves the earlier result intact;
* a folder that holds anything else — a user's file added to an earlier result, a result
  file changed since, a folder whose marker lists no files (an older version's) — is
  **refused**, naming those files; ``force`` writes the result's files into it and removes
  nothing;
* the output rule of :func:`computelimits._io.guard_folder` holds too: never a folder inside
  the data mirror or the cache, nor one that holds them, an input or a file tracked by git;
  ``~`` is expanded;
* a symlink is followed: its target is the folder, under the same rules, and the link stays
  as it was (it is never renamed); a dangling link is refused;
* a path that is a file is refused; the current folder or one of its parents (``--out .``)
  cannot be renamed and is written in place under the same rules;
* the folder gets the mode a new folder gets under the umask (not the 0700 of a temporary
  folder);
* two runs to one folder take turns at the swap (an advisory lock on the parent folder), so
  the last one wins whole; hidden staging folders of runs that were killed are removed by
  the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from computelimits._io import (
    ensure_folder,
    expand_out,
    folder_mode,
    follow_link,
    guard_folder,
    output_problem,
)
from computelimits.errors import OutputError

__all__ = ["MARKER", "OutputFolder"]

#: Name of the file inside every folder this tool writes as a whole.
MARKER = ".computelimits-output"

_STAGING = "staging"
_OLD = "old"
_LISTED = re.compile(r"^([0-9a-f]{64}) (\d+) (.+)$")
#: Foreign files named in a refusal before "and N more".
_SHOWN = 5


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(folder: Path, skip: set[str]) -> list[tuple[str, Path]]:
    """(relative posix path, path) of every entry of ``folder`` that is not a folder (files,
    links, FIFOs …), top-level names in ``skip`` left out."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in skip or (path.is_dir() and not path.is_symlink()):
            continue
        out.append((rel.as_posix(), path))
    return out


def read_marker(folder: Path) -> dict[str, tuple[int, str]] | None:
    """{relative path: (size, sha256)} of the files the marker of ``folder`` lists; None
    without a marker."""
    marker = folder / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    listed: dict[str, tuple[int, str]] = {}
    try:
        text = marker.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        m = _LISTED.match(line)
        if m:
            listed[m.group(3)] = (int(m.group(2)), m.group(1))
    return listed


def foreign_files(folder: Path, skip: set[str] = frozenset()) -> list[str]:
    """The files of ``folder`` this tool did not write, or changed since: every file not
    listed in its marker with that size and checksum (all of them without a marker, or
    with a marker of an older version that lists none); the marker itself and top-level
    names in ``skip`` are left out."""
    listed = read_marker(folder) or {}
    out = []
    for rel, path in _files(folder, {MARKER, *skip}):
        want = listed.get(rel)
        try:
            ok = (want is not None and path.is_file() and not path.is_symlink()
                  and path.stat().st_size == want[0] and _sha256(path) == want[1])
        except OSError:
            ok = False
        if not ok:
            out.append(rel)
    return out


def write_marker(folder: Path, tool: str, rels: list[str] | None = None) -> None:
    """The marker of ``folder``: every file in it (or ``rels``) with size and sha256."""
    lines = [f"Written by {tool}; the next run to this folder replaces it whole if it holds "
             "only the files listed here, unchanged (size, sha256, path)."]
    for rel, path in _files(folder, {MARKER}):
        if rels is not None and rel not in rels:
            continue
        if path.is_file() and not path.is_symlink():
            lines.append(f"{_sha256(path)} {path.stat().st_size} {rel}")
    (folder / MARKER).write_text("\n".join(lines) + "\n", encoding="utf-8")


class OutputFolder:
    """One ``--out`` folder: :meth:`check` first, build into :attr:`staging`, then
    :meth:`commit` (or :meth:`discard`). Usable as a context manager that discards on error.
    """

    def __init__(self, out: str | os.PathLike[str], *, force: bool = False,
                 tool: str = "computelimits") -> None:
        self.asked = expand_out(out)
        self.out = self.asked
        self.force = force
        self.tool = tool
        self.staging: Path | None = None
        self.in_place = False
        self.mixed = False

    # ------------------------------------------------------------------ before the work
    def check(self) -> OutputFolder:
        """Raise :class:`OutputError` if the result could not or must not go to ``out``;
        otherwise create the staging folder and return self."""
        asked = self.asked
        if asked.exists() and not asked.is_dir():
            raise OutputError("is a file; --out names a folder (choose another path)",
                              path=str(asked))
        self.out = out = follow_link(asked)  # a symlink: its target, the link left as it is
        guard_folder(out)
        if out.parent.is_dir():  # under the swap's lock: never a folder half swapped by a
            with _locked(out.parent):  # concurrent run (its marker and files out of step)
                foreign = self._foreign(out)
        else:
            foreign = self._foreign(out)
        self._refuse_foreign(foreign)
        try:
            resolved = out.resolve()
            cwd = Path.cwd().resolve()
        except OSError as exc:
            raise OutputError(f"cannot be used: {output_problem(exc)}", path=str(out)) from None
        self.mixed = bool(foreign)
        self.in_place = (resolved == cwd or resolved in cwd.parents
                         or resolved == resolved.parent or (self.force and self.mixed))
        parent = out if self.in_place else out.parent
        ensure_folder(parent)
        _remove_stale(parent, out.name if not self.in_place else "")
        try:
            prefix = f".{out.name}." if not self.in_place else ".computelimits."
            self.staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{_STAGING}-{os.getpid()}-",
                                                 dir=parent))
            os.chmod(self.staging, folder_mode())  # mkdtemp makes it 0700
        except OSError as exc:
            raise OutputError(f"cannot write here: {output_problem(exc)}",
                              path=str(parent)) from None
        return self

    def _foreign(self, out: Path) -> list[str]:
        if not out.is_dir():
            return []
        skip = {self.staging.name} if self.staging is not None else set()
        skip |= {p.name for p in _hidden_runs(out)}
        try:
            return foreign_files(out, skip)
        except OSError as exc:
            raise OutputError(f"cannot be read: {output_problem(exc)}", path=str(out)) from None

    def _refuse_foreign(self, entries: list[str]) -> None:
        if self.force or not entries:
            return
        shown = ", ".join(entries[:_SHOWN]) + (f" and {len(entries) - _SHOWN} more"
                                                if len(entries) > _SHOWN else "")
        listed = read_marker(self.out)
        why = (" (its marker, from an earlier version, lists no files)" if listed == {}
               else "")
        what = ("did not write or that changed since" if listed and any(
            e in listed for e in entries) else "did not write")
        raise OutputError(f"holds files {self.tool} {what} ({shown}){why}; nothing was "
                          "removed: choose a new or empty folder, move them out, or --force "
                          "to write into it without removing anything", path=str(self.asked))

    # ------------------------------------------------------------------ after the work
    def commit(self) -> Path:
        """Move the staged result to ``out`` (see the module docstring); returns ``out``."""
        if self.staging is None:
            raise RuntimeError("check() first")
        staging, out = self.staging, self.out
        if not self.in_place:
            write_marker(staging, self.tool)
        with _locked(out if self.in_place else out.parent):
            foreign = self._foreign(out)
            self._refuse_foreign(foreign)
            if self.in_place:
                ours = [rel for rel, _ in _files(staging, set())]
                earlier = [rel for rel in (read_marker(out) or {})
                           if (out / rel).is_file() and rel not in foreign]
                _merge(staging, out)
                shutil.rmtree(staging, ignore_errors=True)
                if not set(foreign) - set(ours):  # every file ours (a foreign one replaced
                    # with --force is ours now): listed, the next run may replace them
                    write_marker(out, self.tool, sorted({*ours, *earlier}))
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


def _hidden_runs(folder: Path) -> list[Path]:
    """Hidden staging folders of runs written in place (``.computelimits.staging-…``)."""
    try:
        return [p for p in folder.iterdir() if p.name.startswith(f".computelimits.{_STAGING}-")
                and p.is_dir()]
    except OSError:
        return []


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
