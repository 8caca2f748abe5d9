"""Which files a git checkout tracks, read from its index (no git program needed).

Outputs never replace a file tracked by the project's checkout (``--out README.md`` in a
clone): :func:`tracked` finds the checkout by walking up from a path to a ``.git`` (a folder,
or a file ``gitdir: …`` as in worktrees and submodules) and reads the paths of its index
(``DIRC`` versions 2 to 4; git's ``Documentation/gitformat-index.txt``). Where the index
cannot be read this way (an extension this reader does not know, such as a split index), it
asks ``git ls-files --error-unmatch`` if git is installed; without git, or outside a
checkout, nothing is tracked. Index reads are remembered per (index file, mtime, size).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["checkout_of", "tracked", "tracked_under"]

_INDEXES: dict[tuple[str, int, int], frozenset[str] | None] = {}


def checkout_of(path: str | os.PathLike[str]) -> tuple[Path, Path] | None:
    """(working tree root, git folder) of the checkout that holds ``path`` (which need not
    exist), or None outside any checkout."""
    p = Path(os.path.abspath(path))
    for folder in (p, *p.parents):
        dot = folder / ".git"
        try:
            if dot.is_dir():
                return folder, dot
            if dot.is_file():
                text = dot.read_text(encoding="utf-8", errors="replace").strip()
                if text.startswith("gitdir:"):
                    gitdir = Path(text.removeprefix("gitdir:").strip())
                    return folder, gitdir if gitdir.is_absolute() else (folder / gitdir)
        except OSError:
            return None
    return None


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """git's offset encoding of index version 4 (``varint.c``)."""
    c = data[pos]
    pos += 1
    value = c & 127
    while c & 128:
        c = data[pos]
        pos += 1
        value = ((value + 1) << 7) | (c & 127)
    return value, pos


def _parse_index(data: bytes) -> frozenset[str] | None:
    """The paths of a git index, or None for a layout this reader does not know."""
    if len(data) < 12 or data[:4] != b"DIRC":
        return None
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3, 4):
        return None
    pos, paths, previous = 12, [], b""
    for _ in range(count):
        start = pos
        flags = int.from_bytes(data[pos + 60:pos + 62], "big")
        pos += 62
        if version >= 3 and flags & 0x4000:
            pos += 2
        if version == 4:
            strip, pos = _varint(data, pos)
            end = data.index(b"\0", pos)
            name = previous[:len(previous) - strip] + data[pos:end]
            pos = end + 1
        else:
            end = data.index(b"\0", pos)
            name = data[pos:end]
            pos = start + ((pos - start + len(name) + 8) & ~7)
        previous = name
        paths.append(name.decode("utf-8", "surrogateescape"))
    rest = data[pos:-20]
    while len(rest) >= 8:  # extensions: a split index ("link") holds entries elsewhere
        sig, size = rest[:4], int.from_bytes(rest[4:8], "big")
        if sig in (b"link", b"sdir"):
            return None
        rest = rest[8 + size:]
    return frozenset(paths)


def _index_paths(gitdir: Path) -> frozenset[str] | None:
    index = gitdir / "index"
    try:
        st = index.stat()
    except OSError:
        return frozenset()  # a checkout without an index tracks nothing yet
    key = (str(index), st.st_mtime_ns, st.st_size)
    if key not in _INDEXES:
        try:
            _INDEXES[key] = _parse_index(index.read_bytes())
        except (OSError, ValueError, IndexError):
            _INDEXES[key] = None
    return _INDEXES[key]


def _ask_git(root: Path, rel: str) -> bool:
    git = shutil.which("git")
    if git is None:
        return False
    try:
        res = subprocess.run([git, "-C", str(root), "ls-files", "--error-unmatch", "--", rel],
                             capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return res.returncode == 0


def _relative(path: str | os.PathLike[str]) -> tuple[Path, str, frozenset[str] | None] | None:
    p = Path(os.path.realpath(path))
    found = checkout_of(p)
    if found is None:
        return None
    root, gitdir = found
    try:
        rel = p.relative_to(Path(os.path.realpath(root))).as_posix()
    except ValueError:
        return None
    return root, rel, _index_paths(gitdir)


def tracked(path: str | os.PathLike[str]) -> Path | None:
    """The root of the checkout that tracks the file ``path``, or None."""
    found = _relative(path)
    if found is None:
        return None
    root, rel, paths = found
    hit = _ask_git(root, rel) if paths is None else rel in paths
    return root if hit else None


def tracked_under(folder: str | os.PathLike[str], limit: int = 5) -> list[str]:
    """Up to ``limit`` tracked files inside ``folder`` (paths relative to the checkout)."""
    found = _relative(folder)
    if found is None:
        return []
    root, rel, paths = found
    if paths is None:
        return [rel] if _ask_git(root, rel) else []
    if rel == ".":
        return sorted(paths)[:limit]
    prefix = rel.rstrip("/") + "/"
    return sorted(p for p in paths if p.startswith(prefix))[:limit]
