"""Find a registered data file: in the local mirror, in the user cache, or by a pinned download.

Order of search for a file of source S at path P:

1. ``$COMPUTELIMITS_DATA/S/P`` (a mirror laid out like ``shared/data``). A mirror file whose
   sha256 differs from the pin is used with a notice; strict mode (``strict=True`` or
   ``COMPUTELIMITS_STRICT=1``) refuses it. One whose sha256 is not the shared mirror's
   documented copy either must be shown to hold the table its name says — its header and its
   rows (:mod:`computelimits.data.identity`) — or it is refused.

   A difference may be *declared*: the file is the shared mirror's documented copy (its
   ``mirror_sha256`` in the registry), or the mirror's own manifest (:data:`MANIFEST`, a CSV
   file in its root with the columns ``path`` — ``SOURCE/FILE`` —, ``sha256`` and ``why``)
   lists it with its checksum. Declared differences give one short line per process at most
   (how many files, and where to see them: ``computelimits data list``); a source with an
   undeclared difference gets the full notice naming its files. A manifest declares, it does
   not vouch: a listed file that is not the registry's documented copy is still checked to
   be the table its name says.
2. The user cache (``$COMPUTELIMITS_CACHE`` or pooch's OS cache folder), verified against the pin.
3. A download of the pinned URL with pooch into the cache; a checksum mismatch is an error and
   the downloaded file is not kept.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from computelimits.data.registry import MIRROR_CHANGE, SOURCES, DataFile, Source, get_source
from computelimits.errors import ConfigError, InputError

__all__ = ["MANIFEST", "DataSettings", "Located", "cache_dir", "declared", "fetch", "file_status",
           "locate", "manifest", "mirror_dir", "sha256", "using"]

ENV_MIRROR = "COMPUTELIMITS_DATA"
ENV_CACHE = "COMPUTELIMITS_CACHE"
ENV_STRICT = "COMPUTELIMITS_STRICT"

#: Sources whose mirror notice was given in this process; :data:`_DECLARED` in it: the one
#: line for the mirror's declared differences was given.
_notified: set[str] = set()
_DECLARED = "<declared differences>"
#: The file in a mirror's root that declares the mirror's own differences from the pins.
MANIFEST = "MANIFEST.csv"
_manifests: dict[tuple[str, float, int], dict[str, tuple[str, str]]] = {}
_digests: dict[tuple[str, float, int], str] = {}
_verified: dict[tuple[str, str, str], str | None] = {}


def _default_notice(message: str) -> None:
    # a stderr that cannot be written (a full disk) loses the notice, not the run
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"computelimits: notice: {message}", file=sys.stderr)


#: Called with each one-line notice (replace it to route notices elsewhere).
notice: Callable[[str], None] = _default_notice


@dataclass(frozen=True)
class Located:
    """Where a file was found: ``where`` is "mirror", "cache" or "download"; ``pinned`` tells
    whether its checksum equals the pin."""

    source: str
    file: DataFile
    path: Path
    where: str
    pinned: bool


@dataclass(frozen=True)
class DataSettings:
    """Where data files are looked for and how strictly: the mirror folder (or None), the
    download cache folder, strict mode (refuse mirror files that differ from their pins) and
    whether a missing file may be downloaded.

    :meth:`from_env` reads the environment once (``COMPUTELIMITS_DATA``,
    ``COMPUTELIMITS_CACHE``, ``COMPUTELIMITS_STRICT``); arguments given win over it, like
    scikit-learn's ``data_home`` argument before its environment variable.
    """

    mirror: Path | None
    cache: Path
    strict: bool
    download: bool = True

    @classmethod
    def from_env(cls, mirror: str | Path | None = None, cache: str | Path | None = None,
                 strict: bool | None = None, download: bool = True) -> DataSettings:
        origin = "the mirror argument"
        if mirror is None:
            value = os.environ.get(ENV_MIRROR, "").strip()
            mirror = value or None
            origin = f"{ENV_MIRROR}={value}"
        if cache is None:
            value = os.environ.get(ENV_CACHE, "").strip()
            if value:
                cache = value
            else:
                import pooch

                cache = pooch.os_cache("computelimits")
        if strict is None:
            strict = os.environ.get(ENV_STRICT, "").strip().lower() in {"1", "true", "yes",
                                                                         "on"}
        folder = _checked_mirror(Path(mirror).expanduser(), origin) if mirror is not None else None
        return cls(folder, Path(cache).expanduser(), bool(strict), download)


def _checked_mirror(path: Path, origin: str) -> Path:
    """``path`` if it is a folder; else a ConfigError saying what it is instead (a mirror
    that silently does not exist would make every file look missing)."""
    if path.is_dir():
        return path.absolute()  # a relative setting means the folder it named when read
    what = ("is a file, not a folder" if path.is_file() else
            "does not exist" if not path.exists() else "is not a folder")
    raise ConfigError(f"the data mirror {path} ({origin}) {what}: point it at a folder "
                      "laid out like shared/data, or unset it to download the files")


#: The settings in force inside :func:`using` (a :class:`~computelimits.data.catalog.Catalog`
#: sets them while it loads); outside, the environment is read.
_ACTIVE: ContextVar[DataSettings | None] = ContextVar("computelimits_data_settings",
                                                      default=None)


#: Files located inside :func:`recording` (source name, file path), in order.
_RECORD: ContextVar[list[tuple[str, str]] | None] = ContextVar("computelimits_located",
                                                               default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[str, str]]]:
    """Collect (source, path) of every file :func:`locate` finds within the block."""
    seen: list[tuple[str, str]] = []
    outer = _RECORD.get()
    token = _RECORD.set(seen)
    try:
        yield seen
    finally:
        _RECORD.reset(token)
        if outer is not None:  # an enclosing block sees what this one found
            outer.extend(x for x in seen if x not in outer)


@contextlib.contextmanager
def using(settings: DataSettings) -> Iterator[DataSettings]:
    """Make ``settings`` the ones :func:`locate` and the loaders use within the block."""
    token = _ACTIVE.set(settings)
    try:
        yield settings
    finally:
        _ACTIVE.reset(token)


def mirror_dir() -> Path | None:
    """The local mirror: the active settings', else ``COMPUTELIMITS_DATA`` if set."""
    active = _ACTIVE.get()
    if active is not None:
        return active.mirror
    value = os.environ.get(ENV_MIRROR, "").strip()
    return _checked_mirror(Path(value).expanduser(), f"{ENV_MIRROR}={value}") if value else None


def cache_dir() -> Path:
    """The download cache: the active settings', else ``COMPUTELIMITS_CACHE`` or the OS user
    cache of pooch."""
    active = _ACTIVE.get()
    if active is not None:
        return active.cache
    value = os.environ.get(ENV_CACHE, "").strip()
    if value:
        return Path(value).expanduser()
    import pooch

    return Path(pooch.os_cache("computelimits"))


def strict_default() -> bool:
    """Strict mode: the active settings', else ``COMPUTELIMITS_STRICT``."""
    active = _ACTIVE.get()
    if active is not None:
        return active.strict
    return os.environ.get(ENV_STRICT, "").strip().lower() in {"1", "true", "yes", "on"}


def download_allowed() -> bool:
    active = _ACTIVE.get()
    return True if active is None else active.download


def sha256(path: Path) -> str:
    """sha256 of a file, remembered per (path, mtime, size) within the process."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime, st.st_size)
    digest = _digests.get(key)
    if digest is None:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        digest = _digests[key] = h.hexdigest()
    return digest


def _pins(f: DataFile) -> set[str]:
    return {h for h in (f.sha256,) if h} or ({f.mirror_sha256} if f.mirror_sha256 else set())


def locate(source: str | Source, path: str, *, strict: bool | None = None,
           download: bool = True) -> Located:
    """Find (and if needed download) one file; raise :class:`InputError` if impossible."""
    src = get_source(source) if isinstance(source, str) else source
    f = src.file(path)
    strict = strict_default() if strict is None else strict
    label = f"{src.name}/{f.path}"
    record = _RECORD.get()
    if record is not None and (src.name, f.path) not in record:
        record.append((src.name, f.path))

    mirror = mirror_dir()
    if mirror is not None:
        candidate = mirror / src.name / f.path
        if _usable(candidate):
            digest = _readable_sha256(candidate)
            if digest in _pins(f):
                return Located(src.name, f, candidate, "mirror", True)
            if strict:
                raise InputError(
                    f"sha256 {digest[:12]}… differs from the pinned {(f.sha256 or '')[:12]}… "
                    "(strict mode refuses modified mirror files; replace it with the pinned "
                    f"file, e.g. remove it and run `computelimits data fetch {src.name}`, or "
                    "run without --strict to use it with a notice)", path=str(candidate))
            if digest != f.mirror_sha256:
                _check_identity(src, f, candidate, digest)
            _notify(src, mirror)
            return Located(src.name, f, candidate, "mirror", False)

    cached = cache_dir() / src.name / f.path
    if _usable(cached) and _readable_sha256(cached) in _pins(f):
        return Located(src.name, f, cached, "cache", True)

    if f.url is None:
        raise InputError(f"{label} has no pinnable upstream file: {f.note}",
                         path=str(mirror / src.name / f.path) if mirror else None)
    if not (download and download_allowed()):
        where = (f"the mirror {mirror}" if mirror is not None
                 else f"a mirror (none set: {ENV_MIRROR})")
        raise InputError(f"{label} is neither in {where} nor in the cache {cache_dir()}; "
                         f"run `computelimits data fetch {src.name}` where downloads work, "
                         "or copy the file into the mirror")
    return Located(src.name, f, _download(src, f), "download", True)


def _usable(path: Path) -> bool:
    """Whether ``path`` is a regular file to read. A folder, a symlink loop or another
    non-file standing where a data file should be is an InputError naming it, not a file
    that seems to be missing (which would lead to a download or a misleading "offline?")."""
    try:
        if path.is_file():
            return True
        if not path.exists() and not path.is_symlink():
            return False
        path.resolve(strict=True)
    except RuntimeError as exc:  # Python < 3.13: symlink loop
        raise InputError(f"is a symlink loop ({exc})", path=str(path)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError("is a symlink loop", path=str(path)) from None
        if exc.errno == errno.ENOENT and path.is_symlink():
            return False  # a dangling link: the file is missing
        raise InputError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None
    what = "a folder" if path.is_dir() else "not a regular file"
    raise InputError(f"is {what}, where a data file is expected", path=str(path))


def _check_identity(src: Source, f: DataFile, path: Path, digest: str) -> None:
    """Refuse a modified mirror file that cannot be shown to be the table its name says
    (:func:`computelimits.data.identity.verify`; remembered per checksum)."""
    from computelimits.data.identity import verify

    key = (src.name, f.path, digest)
    if key not in _verified:
        try:
            _verified[key] = verify(src.name, f.path, path)
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None
    why = _verified[key]
    if why is not None:
        raise InputError(
            f"differs from its pinned sha256 and is not shown to be {src.name}/{f.path}: "
            f"{why}; refused (put the pinned file back, e.g. remove it and run "
            f"`computelimits data fetch {src.name}`)", path=str(path))


def _readable_sha256(path: Path) -> str:
    try:
        return sha256(path)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None


def manifest(mirror: Path) -> dict[str, tuple[str, str]]:
    """The mirror's declared differences: ``SOURCE/FILE`` → (sha256, why), from
    :data:`MANIFEST` in its root (empty when there is none). A manifest that cannot be read,
    lacks the ``path`` or ``sha256`` column, or names a checksum that is not 64 hex digits is
    an InputError naming it: a declaration that does not say what it declares is refused."""
    import csv
    import re

    path = mirror / MANIFEST
    try:
        st = path.stat()
    except OSError:
        return {}
    key = (str(path), st.st_mtime, st.st_size)
    if key in _manifests:
        return _manifests[key]
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"the mirror's manifest cannot be read ({exc})", path=str(path)) from None
    out: dict[str, tuple[str, str]] = {}
    for i, row in enumerate(rows, start=2):
        name = (row.get("path") or "").strip().replace("\\", "/")
        digest = (row.get("sha256") or "").strip().lower()
        if not name or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise InputError("each row of the mirror's manifest needs a path (SOURCE/FILE) and "
                             "its sha256 (64 hex digits), and may say why",
                             path=str(path), row=i)
        out[name] = (digest, (row.get("why") or "").strip())
    _manifests[key] = out
    return out


def declared(src: Source, f: DataFile, path: Path, mirror: Path | None = None) -> str | None:
    """Why the mirror file ``path`` of ``f`` may differ from its pin — "documented" (the
    shared mirror's copy, ``mirror_sha256``) or the manifest's reason ("declared" when it
    gives none) — or None: an undeclared difference (or no difference at all)."""
    digest = sha256(path)
    if digest in _pins(f):
        return None
    if f.mirror_sha256 and digest == f.mirror_sha256:
        return "documented"
    mirror = mirror_dir() if mirror is None else mirror
    entry = manifest(mirror).get(f"{src.name}/{f.path}") if mirror is not None else None
    if entry is not None and entry[0] == digest:
        return entry[1] or "declared"
    return None


def _notify(src: Source, mirror: Path) -> None:
    """The notice for a source of the mirror with a file that differs from its pin: the one
    short line (once per process) when every such file of the source is declared, else the
    full notice naming the undeclared ones (once per source)."""
    if src.name in _notified:
        return
    _notified.add(src.name)
    undeclared = [g for g in src.files
                  if (mirror / src.name / g.path).is_file()
                  and sha256(mirror / src.name / g.path) not in _pins(g)
                  and declared(src, g, mirror / src.name / g.path, mirror) is None]
    if undeclared:
        notice(_mirror_notice(src, mirror, undeclared))
    elif _DECLARED not in _notified:
        _notified.add(_DECLARED)
        notice(_declared_notice(mirror))


def _declared_notice(mirror: Path) -> str:
    """One short line: how many files of the mirror differ from their pins as declared."""
    documented = own = 0
    listed = manifest(mirror)
    for src in SOURCES.values():
        for g in src.files:
            path = mirror / src.name / g.path
            # only a documented copy or a listed file can be declared (no other is hashed)
            if not (g.sha256 and (g.mirror_sha256 or f"{src.name}/{g.path}" in listed)
                    and path.is_file()):
                continue
            why = declared(src, g, path, mirror)
            if why == "documented":
                documented += 1
            elif why is not None:
                own += 1
    parts = []
    if own:
        parts.append(f"the mirror's declared changes to {own} file(s) ({MANIFEST})")
    if documented:
        parts.append(f"the shared mirror's documented {MIRROR_CHANGE} of {documented} files")
    return f"using {' and '.join(parts)} (computelimits data list)"


def _mirror_notice(src: Source, mirror: Path, differing: list[DataFile] | None = None) -> str:
    """One line naming the mirror files of ``src`` that differ from their pins undeclared
    (every differing file when ``differing`` is not given)."""
    if differing is None:
        differing = [g for g in src.files if (mirror / src.name / g.path).is_file()
                     and sha256(mirror / src.name / g.path) not in _pins(g)]
    names = ", ".join(g.path for g in differing)
    documented = all(sha256(mirror / src.name / g.path) == g.mirror_sha256 for g in differing)
    why = f" ({differing[0].note})" if documented and differing and differing[0].note else ""
    return (f"using {len(differing)} file(s) of {src.name} from the mirror {mirror} that differ "
            f"from their pinned upstream checksums{why}: {names} (--strict or "
            f"{ENV_STRICT}=1 refuses them)")


#: Largest download accepted, bytes. The largest registered upstream file is a few MB; a
#: response past this cap is cut off and refused (a wrong URL or a hostile server must not
#: fill the disk). A setting, not a sourced constant.
MAX_DOWNLOAD_BYTES = 256 * 2**20


class _DownloadTooLargeError(Exception):
    pass


class _SizeCap:
    """Stands in for pooch's progress bar to count the bytes of a download and stop it
    past ``cap`` (pooch sets ``total`` from Content-Length, then calls ``update`` per
    chunk, then ``reset``/``update(total)``/``close``)."""

    def __init__(self, cap: int) -> None:
        self.cap, self.count, self._total = cap, 0, 0

    @property
    def total(self) -> int:
        return self._total

    @total.setter
    def total(self, value: int) -> None:
        self._total = int(value or 0)
        if self._total > self.cap:
            raise _DownloadTooLargeError(f"the server announces {self._total:,} bytes")

    def update(self, n: int) -> None:
        self.count += int(n)
        if self.count > self.cap:
            raise _DownloadTooLargeError(f"more than {self.cap:,} bytes arrived")

    def reset(self) -> None:
        self.count = 0

    def close(self) -> None:
        pass


def _download(src: Source, f: DataFile) -> Path:
    import pooch

    target = cache_dir() / src.name / f.path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the download cache folder: {exc.strerror or exc}",
                         path=str(target.parent)) from None
    try:
        out = pooch.retrieve(f.url, known_hash=f"sha256:{f.sha256}", fname=target.name,
                             path=target.parent,
                             downloader=pooch.HTTPDownloader(
                                 progressbar=_SizeCap(MAX_DOWNLOAD_BYTES)))
    except _DownloadTooLargeError as exc:
        raise InputError(f"download refused: {exc}, over the cap of "
                         f"{MAX_DOWNLOAD_BYTES:,} bytes (computelimits.data.fetch."
                         "MAX_DOWNLOAD_BYTES)", path=f.url) from None
    except ValueError as exc:  # pooch: hash mismatch (the bad file is removed)
        raise InputError(f"download does not match its pinned sha256 ({exc})",
                         path=f.url) from None
    except Exception as exc:  # network or HTTP errors
        hint = (f"the file is not in the mirror {mirror_dir()} either" if mirror_dir() else
                f"offline? point {ENV_MIRROR} to a mirror laid out like shared/data")
        raise InputError(
            f"could not download {src.name}/{f.path} ({type(exc).__name__}: {exc}); {hint}",
            path=f.url) from None
    return Path(out)


def file_status(src: Source, f: DataFile) -> tuple[str, Path | None, bool | None]:
    """("mirror" | "cache" | "missing", path, matches pin) without downloading."""
    mirror = mirror_dir()
    if mirror is not None:
        candidate = mirror / src.name / f.path
        if candidate.is_file():
            return "mirror", candidate, sha256(candidate) in _pins(f)
    cached = cache_dir() / src.name / f.path
    if cached.is_file():
        return "cache", cached, sha256(cached) in _pins(f)
    return "missing", None, None


def fetch(names: list[str] | None = None, *, strict: bool | None = None) -> list[Located]:
    """Make every file of the named sources (default: all) available locally."""
    out = []
    for name in names or list(SOURCES):
        src = get_source(name)
        for f in src.files:
            out.append(locate(src, f.path, strict=strict))
    return out
