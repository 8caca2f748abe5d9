"""How well forecasts held on later results (``computelimits backtest``), on the bundled data
or on a user's joined table: the rolling-origin evaluation of the time model against the
compute-only fit and a naive baseline (:func:`~computelimits.scaling.calibrate.evaluate`), or
compute-only backtests at given cutoffs (:func:`~computelimits.scaling.backtests.calibration`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from computelimits.data.benchmarks import find_benchmark
from computelimits.results import Summary
from computelimits.scaling._catalog import resolve_catalog
from computelimits.scaling.backtests import LANGUAGE_BENCHMARKS, calibration
from computelimits.scaling.calibrate import evaluate

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["MIN_RESULTS_BUNDLED", "MIN_RESULTS_USER", "RollingEvaluation", "cutoff_backtests",
           "rolling_evaluation"]

#: Dated results a benchmark needs to be evaluated: in the bundled data, and in a user's
#: file (which is usually smaller and about one benchmark).
MIN_RESULTS_BUNDLED = 20
MIN_RESULTS_USER = 12


@dataclass
class RollingEvaluation:
    """Result of :func:`rolling_evaluation`: one row per prediction (``predictions``), the
    :func:`~computelimits.scaling.calibrate.summarize` table (``summary``) and the
    attribution lines of the data (``sources``)."""

    predictions: pd.DataFrame
    summary: pd.DataFrame
    sources: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The summary table: coverage, error and skill per benchmark, model and target."""
        return self.summary.copy()

    def describe(self) -> Summary:
        """The summary as a :class:`~computelimits.results.Summary` (text, frame, HTML)."""
        n = len(self.predictions)
        return Summary("Rolling-origin evaluation",
                       [f"{n} predictions of later results, "
                        f"{self.summary['benchmark'].nunique()} benchmarks"],
                       self.to_frame(), notes=list(self.sources))

    def _repr_html_(self) -> str:
        return self.describe().as_html()


def rolling_evaluation(joined: pd.DataFrame | None = None, *,
                       benchmarks: Sequence[str] | None = None,
                       select: dict[str, Any] | None = None, n_boot: int = 1000,
                       seed: int = 0, form: str = "polynomial",
                       catalog: Catalog | None = None) -> RollingEvaluation:
    """The rolling-origin evaluation of every benchmark (or ``benchmarks``) with enough dated
    results (:data:`MIN_RESULTS_BUNDLED`, or :data:`MIN_RESULTS_USER` for a user's ``joined``
    table). ``joined`` None: the bundled results joined with compute, from ``catalog``."""
    for b in benchmarks or ():  # a name that is no benchmark: the close names, at once
        find_benchmark(b)
    if joined is None:
        joined = resolve_catalog(catalog).joined().table
        min_results = MIN_RESULTS_BUNDLED
    else:
        min_results = MIN_RESULTS_USER
    pred, summary = evaluate(joined, benchmarks=list(benchmarks) if benchmarks else None,
                             select=select, n_boot=n_boot, seed=seed, form=form,
                             min_results=min_results)
    return RollingEvaluation(pred, summary, list(joined.attrs.get("attribution", [])))


def cutoff_backtests(cutoffs: Sequence[str | date], benchmarks: Sequence[str] | None = None,
                     *, joined: pd.DataFrame | None = None, form: str = "polynomial",
                     cluster: str = "publication", select: dict[str, Any] | None = None,
                     n_boot: int = 2000, seed: int = 0,
                     catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per (benchmark, cutoff): the compute-only fit before the cutoff scored on the
    new bests after it (:func:`~computelimits.scaling.backtests.calibration`). Benchmarks
    default to those of a user's ``joined`` table, else the language-model benchmarks."""
    if benchmarks:
        benches = list(benchmarks)
    elif joined is not None:
        benches = sorted(set(joined["benchmark"]))
    else:
        benches = list(LANGUAGE_BENCHMARKS)
    return calibration(benches, list(cutoffs), form=form, n_boot=n_boot, seed=seed,
                       joined=joined, cluster=cluster, select=select, catalog=catalog)
