"""Each benchmark's chance (trivial-baseline) error, with its source.

A result whose error is at or above its benchmark's chance error carries no information about
compute: a model that guesses uniformly among the answer options (or always answers the
majority class) gets there without any training. Such results are left out of fits, and fits can
also run on the *above-chance* error ``e / chance`` (:func:`above_chance`).

The values live in the packaged table ``chance.csv`` (read with :mod:`importlib.resources`, as
:mod:`computelimits.data.names` reads ``aliases.csv``). Its ``#`` header explains the columns;
in short, one row per benchmark id of :data:`~computelimits.data.benchmarks.BENCHMARKS` with

* ``metric`` blank for "every metric of the benchmark", or a metric id for a row that applies to
  that metric only (ImageNet: ``top1_*`` 0.999 and ``top5_*`` 0.995);
* ``chance_error`` in (0, 1]: ``1 - 1/k`` for k answer options, ``1 -`` the accuracy of the
  trivial baseline the benchmark's paper reports, or 1.0 where there is no guessing baseline
  (free-form answers, BLEU, F1 of span labelling, detection AP, agentic success rates) or none
  could be sourced;
* ``basis``: the definition in words; ``source``: the citation where the option count or the
  baseline figure is stated.

``eci`` (the Epoch Capabilities Index) has no row: its metric is an index in points, not a share,
so it has neither an error nor a chance level (:data:`EXCLUDED`).

Lookup (:func:`chance_error`): a metric-specific row first, else the benchmark's blank-metric row,
else a :class:`ChanceLevel` with error 1.0 and basis ``"no chance level recorded"`` (which keeps
every result and leaves ``e / chance == e``).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, find_benchmark
from computelimits.errors import ConfigError, InputError

__all__ = [
    "CHANCE_FILE",
    "COLUMNS",
    "EXCLUDED",
    "NO_ROW_BASIS",
    "ChanceLevel",
    "above_chance",
    "chance_error",
    "chance_errors",
    "chance_levels",
    "read_chance",
]

#: The chance-level table shipped with the package.
CHANCE_FILE = "chance.csv"

#: Its columns, in order.
COLUMNS: tuple[str, ...] = ("benchmark", "metric", "chance_error", "basis", "source")

#: Basis of the fallback returned for a benchmark (or metric) without a row.
NO_ROW_BASIS = "no chance level recorded"

#: Benchmark ids deliberately without a row, and why. A row for one of them is an error.
EXCLUDED: dict[str, str] = {
    "eci": "the Epoch Capabilities Index is an index in points, not a share: it has no error "
           "and no chance level",
}


@dataclass(frozen=True)
class ChanceLevel:
    """The chance error of one benchmark (``metric`` None: every metric of it)."""

    benchmark: str
    metric: str | None
    error: float
    basis: str
    source: str

    def line(self) -> str:
        """One human sentence, e.g. ``chance error 0.75 (4 answer options ...; Hendrycks ...)``."""
        inner = f"{self.basis}; {self.source}" if self.source else self.basis
        return f"chance error {self.error:.4g} ({inner})"


def _fail(message: str, path: str, row: int, column: str | None = None) -> InputError:
    return InputError(message, path=path, row=row, column=column)


def _parse(text: str, path: str) -> pd.DataFrame:
    """Rows of a chance table, validated. ``row`` in errors is the 1-based line in the file."""
    header: list[str] | None = None
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str | None], int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = next(csv.reader([raw]))
        if header is None:
            header = [f.strip() for f in fields]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise _fail(f"header lacks column(s) {', '.join(missing)}; expected "
                            f"{','.join(COLUMNS)}", path, lineno, missing[0])
            extra = [c for c in header if c not in COLUMNS]
            if extra:
                raise _fail(f"unexpected column {extra[0]!r}; expected {','.join(COLUMNS)}",
                            path, lineno, extra[0])
            continue
        if len(fields) != len(header):
            raise _fail(f"expected {len(header)} fields, found {len(fields)} (a record must fit "
                        "on one line; quote fields that contain commas)", path, lineno)
        cell = {name: value.strip() for name, value in zip(header, fields, strict=True)}
        records.append(_record(cell, path, lineno, seen))
    if header is None:
        raise _fail("no header line", path, 1)
    out = pd.DataFrame(records, columns=list(COLUMNS))
    out["chance_error"] = out["chance_error"].astype(float)
    out.attrs["source_file"] = path
    return out


def _record(cell: dict[str, str], path: str, lineno: int,
            seen: dict[tuple[str, str | None], int]) -> dict[str, object]:
    name = cell["benchmark"]
    if not name:
        raise _fail("benchmark is empty", path, lineno, "benchmark")
    try:
        bench = find_benchmark(name).id
    except ConfigError as exc:
        raise _fail(str(exc), path, lineno, "benchmark") from None
    if bench != name:
        raise _fail(f"write the canonical benchmark id {bench!r}, not {name!r}",
                    path, lineno, "benchmark")
    if bench in EXCLUDED:
        raise _fail(f"{bench} has no chance level: {EXCLUDED[bench]}", path, lineno, "benchmark")

    metric: str | None = cell["metric"] or None
    if metric is not None:
        if metric not in METRICS:
            raise _fail(f"unknown metric {metric!r}; known: {', '.join(METRICS)}",
                        path, lineno, "metric")
        if METRICS[metric].unit not in ("fraction", "bleu"):
            raise _fail(f"metric {metric!r} is not a share and has no error", path, lineno,
                        "metric")

    text = cell["chance_error"]
    try:
        value = float(text)
    except ValueError:
        raise _fail(f"chance_error {text!r} is not a number", path, lineno,
                    "chance_error") from None
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise _fail(f"chance_error {text!r} is outside (0, 1]", path, lineno, "chance_error")

    for column in ("basis", "source"):
        if not cell[column]:
            raise _fail(f"{column} is empty", path, lineno, column)

    key = (bench, metric)
    if key in seen:
        what = f"{bench} / {metric}" if metric else f"{bench} (all metrics)"
        raise _fail(f"duplicate row for {what}; first at row {seen[key]}", path, lineno,
                    "metric" if metric else "benchmark")
    seen[key] = lineno
    return {"benchmark": bench, "metric": metric, "chance_error": value,
            "basis": cell["basis"], "source": cell["source"]}


def read_chance(path: str | Path) -> pd.DataFrame:
    """Parse and validate a chance table at ``path`` (same format as the packaged one).

    Returns columns :data:`COLUMNS`; ``metric`` is None on rows that apply to every metric.
    Any violation raises :class:`~computelimits.errors.InputError` naming the file, the row
    (1-based line in the file) and the column: unknown benchmark or metric id, a benchmark
    alias instead of its id, a row for an excluded benchmark (:data:`EXCLUDED`), a
    ``chance_error`` that is not a number in (0, 1], an empty ``basis`` or ``source``, or a
    duplicate (benchmark, metric).
    """
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", path=str(p)) from None
    return _parse(text, str(p))


@lru_cache(maxsize=1)
def _packaged() -> pd.DataFrame:
    text = resources.files("computelimits.data").joinpath(CHANCE_FILE).read_text("utf-8")
    return _parse(text, CHANCE_FILE)


def chance_levels() -> pd.DataFrame:
    """The packaged chance table (a copy; parsing and validation run once per process)."""
    out = _packaged().copy()
    out.attrs = dict(_packaged().attrs)
    return out


@lru_cache(maxsize=1)
def _packaged_index() -> dict[tuple[str, str | None], ChanceLevel]:
    return _index(_packaged())


def _index(table: pd.DataFrame) -> dict[tuple[str, str | None], ChanceLevel]:
    out: dict[tuple[str, str | None], ChanceLevel] = {}
    for row in table.itertuples(index=False):
        metric = None if row.metric is None or pd.isna(row.metric) else str(row.metric)
        out[(str(row.benchmark), metric)] = ChanceLevel(
            str(row.benchmark), metric, float(row.chance_error), str(row.basis), str(row.source))
    return out


def chance_error(benchmark: str, metric: str | None = None, *,
                 table: pd.DataFrame | None = None) -> ChanceLevel:
    """The chance level of ``benchmark`` (id or alias) for ``metric``.

    A row for exactly ``metric`` wins over the benchmark's blank-metric row. Without either,
    the result has error 1.0 and basis :data:`NO_ROW_BASIS` (plus the reason for an excluded
    benchmark such as ``eci``) and an empty source. ``table`` (from :func:`read_chance`)
    replaces the packaged table. An unknown benchmark or metric raises
    :class:`~computelimits.errors.ConfigError`.
    """
    bench = find_benchmark(benchmark).id
    if metric is not None and metric not in METRICS:
        raise ConfigError(f"unknown metric {metric!r}. Known: {', '.join(METRICS)}")
    index = _packaged_index() if table is None else _index(table)
    if metric is not None and (bench, metric) in index:
        return index[(bench, metric)]
    if (bench, None) in index:
        return index[(bench, None)]
    basis = NO_ROW_BASIS if bench not in EXCLUDED else f"{NO_ROW_BASIS}: {EXCLUDED[bench]}"
    return ChanceLevel(bench, metric, 1.0, basis, "")


def chance_errors(benchmarks: Iterable[str], metrics: Iterable[str | None] | None = None, *,
                  table: pd.DataFrame | None = None) -> np.ndarray:
    """:func:`chance_error` ``.error`` for each (benchmark, metric) pair, as a float array.

    ``metrics`` None means no metric for every benchmark; otherwise it must be as long as
    ``benchmarks`` (e.g. the ``benchmark`` and ``metric`` columns of a results table).
    """
    names: Sequence[str] = list(benchmarks)
    mets: Sequence[str | None] = [None] * len(names) if metrics is None else list(metrics)
    if len(mets) != len(names):
        raise ConfigError(f"{len(names)} benchmarks but {len(mets)} metrics")
    cache: dict[tuple[str, str | None], float] = {}
    out = np.empty(len(names), dtype=float)
    for i, (name, met) in enumerate(zip(names, mets, strict=True)):
        m = None if met is None or (isinstance(met, float) and math.isnan(met)) else met
        key = (name, m)
        if key not in cache:
            cache[key] = chance_error(name, m, table=table).error
        out[i] = cache[key]
    return out


def above_chance(error: np.ndarray | float, chance: np.ndarray | float) -> np.ndarray:
    """Above-chance error ``e / chance``: the share of the distance from chance to perfect
    that is still to go.

    A model at chance (``e == chance``) gives 1, a perfect one 0; results better than chance
    (``0 <= e < chance``) map into [0, 1), monotonically in ``e``, and results at or below
    chance give values >= 1 (they carry no information about compute and are left out of
    fits). ``chance`` must lie in (0, 1] (NaN passes through as NaN); the arrays broadcast.
    """
    e = np.asarray(error, dtype=float)
    c = np.asarray(chance, dtype=float)
    bad = ~np.isnan(c) & ((c <= 0.0) | (c > 1.0))
    if np.any(bad):
        raise ConfigError(f"chance error must lie in (0, 1]; got {c[bad].ravel()[:3].tolist()}")
    return np.asarray(e / c, dtype=float)
