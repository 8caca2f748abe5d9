"""One door to the data: :class:`Catalog`.

A catalog knows where data files are (a local mirror laid out like ``shared/data``, the
download cache) and how strictly to treat them; it reads the environment once, when it is
made, and every table the upper layers need comes from it::

    from computelimits.data import Catalog

    cat = Catalog()                       # COMPUTELIMITS_DATA / _CACHE / _STRICT, read now
    cat = Catalog(mirror="../shared/data", strict=True)
    results = cat.results("mmlu")         # tidy results table of one benchmark
    joined = cat.joined()                 # results joined with training compute
    cat.status()                          # every registered file: where it is, pinned or not

Tables are parsed once per catalog. Parsed tables also persist between processes in the
user cache folder (``<cache>/parsed/``), keyed by the sha256 of every registered data file
present, strictness, the package version and a hash of the data layer's own source files —
so a changed file, another mirror, ``--strict`` or a code change parses afresh
(``persist=False`` turns this off). An entry carries the sha256 of its content and its key;
one that fails either, does not unpickle to the kind of table asked for, or is not a regular
file (a FIFO, a device) is parsed afresh and replaced, never an error. Callers get copies:
changing a returned frame never changes what the catalog holds.

The compute, scaling and report layers take a catalog as an argument and never import a
loader; :func:`resolve_catalog` is the one way they (and the command line) turn their
``catalog=`` and ``strict=`` arguments into a catalog (``catalog=None``: the environment's).

Layers: this module parses through :mod:`computelimits.data.tables`, which never imports it.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import pickle
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from computelimits import __version__
from computelimits.data import tables
from computelimits.data.fetch import (
    ENV_MIRROR,
    DataSettings,
    Located,
    file_status,
    locate,
    recording,
    sha256,
    using,
)
from computelimits.data.registry import SOURCES, get_source

if TYPE_CHECKING:
    from computelimits.data.join import JoinResult

__all__ = ["Catalog", "resolve_catalog"]

T = TypeVar("T")

#: The four tidy tables (columns: :mod:`computelimits.data.schema`).
TABLES = ("results", "compute", "hardware", "grid")


class Catalog:
    """Every data table the package uses, from one mirror/cache with one strictness.

    Args:
        mirror: a folder laid out like ``shared/data`` (default: ``$COMPUTELIMITS_DATA``).
        cache: the download cache folder (default: ``$COMPUTELIMITS_CACHE`` or pooch's OS
            cache folder); parsed tables persist under ``<cache>/parsed``.
        strict: refuse mirror files whose sha256 differs from the pin (default:
            ``$COMPUTELIMITS_STRICT``).
        download: allow downloads of missing files (pinned URL, verified by sha256).
        persist: keep parsed tables between processes in the cache folder.
    """

    def __init__(self, mirror: str | Path | None = None, cache: str | Path | None = None,
                 strict: bool | None = None, *, download: bool = True,
                 persist: bool = True) -> None:
        self.settings = DataSettings.from_env(mirror, cache, strict, download)
        self.persist = persist
        self._memo: dict[Any, Any] = {}

    # ------------------------------------------------------------------ settings
    @property
    def mirror(self) -> Path | None:
        return self.settings.mirror

    @property
    def cache(self) -> Path:
        return self.settings.cache

    @property
    def strict(self) -> bool:
        return self.settings.strict

    def __repr__(self) -> str:
        return (f"Catalog(mirror={str(self.mirror) if self.mirror else None!r}, "
                f"cache={str(self.cache)!r}, strict={self.strict})")

    def active(self) -> contextlib.AbstractContextManager[DataSettings]:
        """A block in which the loaders use this catalog's settings."""
        return using(self.settings)

    # ------------------------------------------------------------------ memo
    def memo(self, key: Any, build: Callable[[], T]) -> T:
        """``build()`` once per catalog for ``key`` (for tables derived from the data, such
        as a chip lookup table or a fitted price trend). ``build`` runs with this catalog's
        settings active."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self.active():
            value = self._memo[key] = build()
        return value

    def _frame(self, key: Any, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A parsed frame, from memory, the persistent cache or ``build()``; a copy."""
        hit = self._memo.get(key)
        if hit is None:
            with self.active():
                hit = self._load_persisted(key, build, pd.DataFrame)
            self._memo[key] = hit
        out = hit.copy()
        out.attrs = copy.deepcopy(hit.attrs)
        return out

    # ------------------------------------------------------------------ persistence
    def _fingerprint(self) -> str:
        """sha256 over every registered file present (mirror or cache), strictness, version
        and the data layer's source code."""
        fp = self._memo.get("__fingerprint__")
        if fp is not None:
            return fp
        h = hashlib.sha256()
        h.update(f"{__version__}|strict={self.strict}|mirror={self.mirror}".encode())
        with self.active():
            for src in SOURCES.values():
                for f in src.files:
                    where, path, _ = file_status(src, f)
                    digest = sha256(path) if path is not None else "missing"
                    h.update(f"|{src.name}/{f.path}:{where}:{digest}".encode())
        h.update(_code_hash().encode())
        fp = self._memo["__fingerprint__"] = h.hexdigest()
        return fp

    def _load_persisted(self, key: Any, build: Callable[[], T], kind: type) -> T:
        if not self.persist:
            return build()
        name = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
        path = self.cache / "parsed" / f"{name}-{self._fingerprint()[:24]}.pkl"
        entry = _read_entry(path, repr(key), kind)
        if entry is not None:
            frame, files = entry
            # the files it was parsed from are located again (cheap: checksums are
            # remembered) so that strict mode and the modified-mirror notice still apply
            for source, file in files:
                locate(source, file)
            return frame
        with recording() as files:
            frame = build()
        self._save(path, (repr(key), frame, list(files)))
        return frame

    @staticmethod
    def _save(path: Path, entry: tuple[str, Any, list[tuple[str, str]]]) -> None:
        from computelimits._io import atomic_write_bytes

        with contextlib.suppress(OSError, pickle.PicklingError):
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink() or (path.exists() and not path.is_file()):
                path.unlink()  # a link or a FIFO in its place: replaced, not followed
            payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
            atomic_write_bytes(path, _MAGIC + hashlib.sha256(payload).digest() + payload)
            # entries of the same table for older data or code are stale: remove them
            stem = path.name.split("-")[0]
            for old in path.parent.glob(f"{stem}-*.pkl"):
                if old != path:
                    old.unlink(missing_ok=True)

    # ------------------------------------------------------------------ files
    def locate(self, source: str, path: str) -> Located:
        """Find (downloading if allowed) one registered file."""
        with self.active():
            return locate(source, path)

    def status(self) -> pd.DataFrame:
        """One row per registered file: ``source``, ``file``, ``where`` (mirror, cache or
        missing), ``path``, ``pinned`` (sha256 equals the pin), ``licence``."""
        rows = []
        with self.active():
            for src in SOURCES.values():
                for f in src.files:
                    where, path, pinned = file_status(src, f)
                    rows.append({"source": src.name, "file": f.path, "where": where,
                                 "path": str(path) if path else None, "pinned": pinned,
                                 "licence": src.licence})
        return pd.DataFrame(rows)

    def missing(self) -> list[str]:
        """One line per source with files neither in the mirror nor in the cache, saying how
        to supply them (empty when everything is present)."""
        st = self.status()
        lines = []
        for name, g in st[st["where"] == "missing"].groupby("source", sort=False):
            src = SOURCES[name]
            how = (f"`computelimits data fetch {name}` (needs network), or a mirror in "
                   f"${ENV_MIRROR}")
            if any(f.url is None for f in src.files if f.path in set(g["file"])):
                how = f"copy the shared mirror's {name}/ folder into ${ENV_MIRROR}"
            lines.append(f"{name}: {len(g)} file(s) missing; supply with {how}")
        return lines

    # ------------------------------------------------------------------ tidy tables
    def table(self, name: str) -> pd.DataFrame:
        """One of the four tidy tables ("results", "compute", "hardware", "grid")."""
        if name not in TABLES:
            from computelimits.errors import ConfigError

            raise ConfigError(f"table must be one of {', '.join(TABLES)}, got {name!r}")
        return self._frame(("table", name), lambda: tables.parse_table(name))

    def results(self, benchmark: str | None = None) -> pd.DataFrame:
        """Benchmark results from every source (optionally one benchmark, by id or alias)."""
        df = self.table("results")
        if benchmark is None:
            return df
        from computelimits.data.benchmarks import find_benchmark

        b = find_benchmark(benchmark)
        attrs = df.attrs
        df = df[df["benchmark"] == b.id].reset_index(drop=True)
        df.attrs = attrs
        df.attrs["attribution"] = self.attribution(df)
        return df

    def compute(self) -> pd.DataFrame:
        """Training compute per model (Epoch models, ECI and open-model-trends tables)."""
        return self.table("compute")

    def hardware(self) -> pd.DataFrame:
        """Chip specifications (Epoch, Computer Progress, ML CO2 Impact, Green Algorithms)."""
        return self.table("hardware")

    def grid(self) -> pd.DataFrame:
        """Grid carbon intensity and PUE (Electricity Maps 2024, Green Algorithms, ML CO2)."""
        return self.table("grid")

    def joined(self, *, impute: bool | None = None) -> JoinResult:
        """The bundled results joined with training compute
        (:func:`computelimits.data.join.join_compute`), once per catalog."""
        from computelimits.data.join import JoinResult, join_compute

        def build() -> JoinResult:
            models = self.models()
            return join_compute(self.results(), self.compute(), impute=impute,
                                burdens=self.hardware_burdens(),
                                arxiv=_arxiv_models(models))

        key = ("joined", impute)
        res = self._memo.get(key)
        if res is None:
            with self.active():
                res = self._memo[key] = self._load_persisted(key, build, JoinResult)

        table = res.table.copy()
        table.attrs = copy.deepcopy(res.table.attrs)
        return JoinResult(table, res.report.copy())

    def source_table(self, name: str) -> pd.DataFrame:
        """The main table of one source (for listing rows and date ranges)."""
        get_source(name)
        return self._frame(("source", name), lambda: tables.parse_source_table(name))

    # ------------------------------------------------------------------ source tables
    def chips(self) -> pd.DataFrame:
        """Epoch AI's chip dataset (``epoch-hardware``: names, peak rates by precision, TDP,
        release date)."""
        from computelimits.data.loaders import epoch_hardware

        return self._frame(("chips",), epoch_hardware.load_chips)

    def prices(self) -> pd.DataFrame:
        """Epoch AI's cloud price observations per chip-hour (``epoch-hardware``)."""
        from computelimits.data.loaders import epoch_hardware

        return self._frame(("prices",), epoch_hardware.load_prices)

    def ppi(self) -> pd.DataFrame:
        """Monthly US producer price index PCU518210518210 (``epoch-hardware``)."""
        from computelimits.data.loaders import epoch_hardware

        return self._frame(("ppi",), epoch_hardware.load_ppi)

    def deflator(self, to_year: int) -> pd.Series:
        """Price-level ratio by year relative to ``to_year`` (annual mean PPI)."""
        from computelimits.data.loaders.epoch_hardware import deflator_from

        return deflator_from(self.ppi(), to_year)

    def models(self) -> pd.DataFrame:
        """Epoch AI's notable-models table (``epoch-ai-models``)."""
        from computelimits.data.loaders import epoch_models

        return self._frame(("models",), epoch_models.load_models)

    def hardware_burdens(self) -> pd.DataFrame:
        """The paper's hardware burden of every Epoch model that gives training hardware,
        quantity and time (:func:`computelimits.data.burden.burden_table`)."""
        from computelimits.data.burden import burden_table

        return self._frame(("hardware_burdens",),
                           lambda: burden_table(self.models(), self.chips()))

    def microprocessor_trends(self) -> pd.DataFrame:
        """Rupp's microprocessor trend data (``microprocessor-trends``)."""
        from computelimits.data.loaders import microprocessor

        return self._frame(("microprocessor",), microprocessor.load_trends)

    def pue_defaults(self) -> dict[str, tuple[float, str]]:
        """Green Algorithms' default PUE per provider: {provider: (PUE, source text)}."""
        from computelimits.data.loaders import green_algorithms

        return self.memo(("pue_defaults",), green_algorithms.pue_defaults)

    def peak_table(self) -> dict:
        """Computer Progress's hardware table: {name: Peak}."""
        from computelimits.data.loaders import computer_progress

        return self.memo(("peak_table",), computer_progress.peak_table)

    # ------------------------------------------------------------------ attribution
    @staticmethod
    def attribution(data: pd.DataFrame | Iterable[str]) -> list[str]:
        """Attribution lines (see :func:`computelimits.data.credits.attribution`)."""
        from computelimits.data.credits import attribution

        return attribution(data)


#: First bytes of a parsed-table entry (then the sha256 of the pickle, then the pickle).
_MAGIC = b"computelimits-parsed-2\n"


def _read_entry(path: Path, key: str, kind: type) -> tuple[Any, list[tuple[str, str]]] | None:
    """(table, files it was parsed from) of the entry at ``path``, or None when it is
    missing, not a regular file, changed since it was written (checksum), another key's or
    not a ``kind`` (then it is parsed afresh and replaced)."""
    from computelimits._io import open_regular

    try:
        with open_regular(path) as fh:
            data = fh.read()
    except OSError:
        return None
    head, digest, payload = data[:len(_MAGIC)], data[len(_MAGIC):len(_MAGIC) + 32], \
        data[len(_MAGIC) + 32:]
    if head != _MAGIC or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        entry = pickle.loads(payload)
    except Exception:  # written by this code and checked, but never an error
        return None
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == key
            and isinstance(entry[1], kind) and isinstance(entry[2], list)):
        return None
    return entry[1], entry[2]


_DEFAULT: dict[tuple, Catalog] = {}


def _stamps(settings: DataSettings) -> tuple:
    """(path, mtime, size) of every registered file in the mirror and the cache."""
    out = []
    for base in (settings.mirror, settings.cache):
        if base is None:
            continue
        for src in SOURCES.values():
            for f in src.files:
                try:
                    st = (base / src.name / f.path).stat()
                    out.append((st.st_mtime_ns, st.st_size))
                except OSError:
                    out.append(None)
    return tuple(out)


def resolve_catalog(catalog: Catalog | None = None, *, strict: bool | None = None) -> Catalog:
    """The catalog to read from, given a function's ``catalog`` and ``strict`` arguments: the
    one way to get the default catalog.

    * ``catalog`` None, ``strict`` None: the catalog of the current environment
      (``COMPUTELIMITS_DATA``, ``COMPUTELIMITS_CACHE``, ``COMPUTELIMITS_STRICT``), the same
      object while the environment and the files it names are unchanged;
    * ``catalog`` None, ``strict`` True/False: a new ``Catalog(strict=strict)`` (the
      environment's mirror and cache, that strictness);
    * ``catalog`` given, ``strict`` None or equal to its strictness: ``catalog`` itself;
    * ``catalog`` given, ``strict`` the other value: a new catalog with ``catalog``'s mirror,
      cache, download and persist settings and that strictness.

    The command line passes ``strict=True`` for ``--strict`` and None without it (then
    ``COMPUTELIMITS_STRICT`` decides).
    """
    if catalog is not None:
        if strict is None or bool(strict) == catalog.strict:
            return catalog
        return Catalog(catalog.mirror, catalog.cache, strict=bool(strict),
                       download=catalog.settings.download, persist=catalog.persist)
    if strict is not None:
        return Catalog(strict=strict)
    settings = DataSettings.from_env()
    key = (settings, _stamps(settings))
    cat = _DEFAULT.get(key)
    if cat is None:
        _DEFAULT.clear()
        cat = _DEFAULT[key] = Catalog(settings.mirror, settings.cache, settings.strict,
                                      download=settings.download)
    return cat


def _arxiv_models(models: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """{arXiv id: Epoch model names whose Link holds it} of Epoch's wide models frame."""
    out: dict[str, list[str]] = {}
    for name, ids in zip(models["model"], models["arxiv_ids"], strict=True):
        if isinstance(ids, str):
            for i in ids.split(";"):
                out.setdefault(i, []).append(str(name))
    return {k: tuple(v) for k, v in out.items()}


def _code_hash() -> str:
    """sha256 of the data layer's Python and CSV files (a code change invalidates parsed
    tables kept on disk)."""
    h = hashlib.sha256()
    pkg = resources.files("computelimits")
    entries = [pkg / "formulas.py", pkg / "assumptions.py"]
    for sub in (pkg / "data", pkg / "data" / "loaders"):
        entries += sorted(sub.iterdir(), key=lambda e: e.name)
    for entry in entries:
        if entry.name.endswith((".py", ".csv")) and entry.is_file():
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()
