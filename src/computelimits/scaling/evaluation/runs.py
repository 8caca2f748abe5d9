"""How well forecasts held on later results (``computelimits backtest``), on the bundled data
or on a user's joined table: the rolling-origin evaluation of every registered model
(:mod:`.rolling`), the nested choice of the default (:mod:`.nested`) and the scores per
horizon and per distinct result (:mod:`.scores`) — or compute-only backtests at given cutoffs
(:func:`~computelimits.scaling.backtests.calibration`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from computelimits.data.benchmarks import find_benchmark
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import Summary
from computelimits.scaling.backtests import LANGUAGE_BENCHMARKS, calibration
from computelimits.scaling.evaluation.nested import choose_now, nested_choice
from computelimits.scaling.evaluation.registry import MODELS, candidates
from computelimits.scaling.evaluation.rolling import MAX_SCORED, rolling_origin, sampling_note
from computelimits.scaling.evaluation.scores import summarize

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["LANGUAGE_SOURCES", "MIN_RESULTS_BUNDLED", "MIN_RESULTS_USER", "RollingEvaluation",
           "cutoff_backtests", "datasets_with_history", "evaluate", "rolling_evaluation"]

#: Dated results a benchmark needs to be evaluated: in the bundled data, and in a user's
#: file (which is usually smaller and about one benchmark).
MIN_RESULTS_BUNDLED = 20
MIN_RESULTS_USER = 12

#: Sources of language-model results: the benchmarks they feed form the pool of the goals.
LANGUAGE_SOURCES = ("epoch-benchmarks", "epoch-open-model-trends")


def datasets_with_history(joined: pd.DataFrame, *, benchmarks: list[str] | None = None,
                          select: dict | None = None, min_results: int = 20,
                          exclude: str | None = None) -> dict[str, pd.DataFrame]:
    """Regression rows (:func:`.dataset.benchmark_data`) of every benchmark in ``joined``
    (or ``benchmarks``, but ``exclude``) with at least ``min_results`` dated results."""
    from computelimits.scaling.dataset import benchmark_data

    out = {}
    for b in benchmarks or sorted(set(joined["benchmark"].dropna())):
        if b == exclude:
            continue
        try:
            d = benchmark_data(b, joined=joined, **(select or {}))
        except ConfigError:
            continue
        if d["year"].notna().sum() >= min_results:
            out[b] = d
    return out


def evaluate(joined: pd.DataFrame | None = None, *, benchmarks: list[str] | None = None,
             select: dict | None = None, min_results: int = 20, n_boot: int = 300,
             seed: int = 0, form: str = "polynomial",
             models: tuple[str, ...] = MODELS,
             datasets: dict[str, pd.DataFrame] | None = None,
             catalog: Catalog | None = None,
             max_scored: int | None = MAX_SCORED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin evaluation of every benchmark in ``joined`` (or ``benchmarks``) with at
    least ``min_results`` dated results: (per-prediction rows, :func:`.scores.summarize`
    table with ``pooled`` = the language-model benchmarks where there are any, else all).

    The prediction rows include the ``nested`` model (the default chosen at each cutoff from
    earlier outcomes only, :mod:`.nested`); ``attrs["choices"]`` holds the choice per cutoff
    and ``attrs["default_now"]`` the choice on every outcome observed so far.

    ``joined``: results joined with compute (default: ``catalog``'s joined table); its rows
    let every data-driven choice be made before each cutoff. ``datasets``: regression rows
    already built (benchmark → :func:`.dataset.benchmark_data` rows), used for the grid and,
    without ``joined``, as they are (choices made on the whole table).

    ``max_scored``: later results scored per benchmark and cutoff, at most — beyond it a
    random sample drawn from ``seed``, the same for every model, every new best kept besides
    (0 or None: all; :func:`.rolling.rolling_origin`). ``attrs["sampling"]`` of the
    prediction rows and of the scores table says what was done, ``attrs["sampling_note"]``
    in a sentence (None where every later result was scored)."""
    if datasets is not None:
        datasets = {b: d for b, d in datasets.items()
                    if (benchmarks is None or b in benchmarks)
                    and d["year"].notna().sum() >= min_results}
    else:
        if joined is None:
            joined = resolve_catalog(catalog).joined().table
        datasets = datasets_with_history(joined, benchmarks=benchmarks, select=select,
                                         min_results=min_results)
    if not datasets:
        raise ConfigError(f"no benchmark has {min_results} dated results to evaluate "
                          "forecasts on")
    sel = {k: v for k, v in (select or {}).items() if v is not None}
    pred = rolling_origin(datasets, n_boot=n_boot, seed=seed, form=form, models=models,
                          joined=joined, select=sel, max_scored=max_scored)
    sampling = pred.attrs.get("sampling")
    lang = tuple(b for b, d in datasets.items()
                 if d["source"].astype(str).isin(LANGUAGE_SOURCES).any())
    pool = lang or None
    cands = tuple(c for c in candidates() if c in models)
    nested, choices = nested_choice(pred, cands, pool=pool) if cands else (None, None)
    default_now = choose_now(pred, cands, pool=pool) if cands else None
    lookahead_free = pred.attrs.get("lookahead_free", False)
    if nested is not None and len(nested):
        model = pred["model"]
        if isinstance(model.dtype, pd.CategoricalDtype) and "nested" not in model.cat.categories:
            # the nested rows' model is a category of the same column: the table stays
            # categorical (a byte per row) when the two are put together
            pred["model"] = model.cat.add_categories(["nested"])
        full = pd.concat([pred, nested], ignore_index=True)
    else:
        full = pred
    del pred, nested  # the table of a large file: one copy at a time
    # scored before the choices are attached: pandas deep-copies ``attrs`` (a table of
    # choices among them) into the result of every operation the scores make
    full.attrs = {"lookahead_free": lookahead_free}
    summary = summarize(full, pool=pool,
                        pooled_name="pooled (language models)" if lang else "pooled")
    full.attrs = {"lookahead_free": lookahead_free,
                  "choices": choices if choices is not None else pd.DataFrame(),
                  "default_now": default_now,
                  "sampling": sampling, "sampling_note": sampling_note(sampling)}
    summary.attrs = {"sampling": sampling, "sampling_note": sampling_note(sampling)}
    return full, summary


@dataclass
class RollingEvaluation:
    """Result of :func:`rolling_evaluation`: one row per prediction (``predictions``), the
    :func:`.scores.summarize` table (``scores``) and the attribution lines of the data
    (``sources``). ``summary()`` returns a :class:`~computelimits.results.Summary` like every
    results object; ``to_frame()`` is the scores table."""

    predictions: pd.DataFrame
    scores: pd.DataFrame
    sources: list[str] = field(default_factory=list)

    @property
    def choices(self) -> pd.DataFrame:
        """The nested choice of the default model per cutoff (:mod:`.nested`)."""
        return self.predictions.attrs.get("choices", pd.DataFrame())

    @property
    def sampling_note(self) -> str | None:
        """The sentence saying that a random sample of the later results was scored per
        benchmark and cutoff (``max_scored``), None where every later result was."""
        return sampling_note(self.predictions.attrs.get("sampling"))

    @property
    def default_model(self) -> dict[str, Any] | None:
        """The default chosen on every outcome observed so far."""
        return self.predictions.attrs.get("default_now")

    def by_horizon(self, model: str = "nested", benchmark: str | None = None
                   ) -> pd.DataFrame:
        """The scores of ``model`` per horizon bin (every later result), pooled unless
        ``benchmark`` is given."""
        s = self.scores
        if s.empty:
            return s
        pool = benchmark or next((b for b in s["benchmark"] if str(b).startswith("pooled")),
                                 None)
        return s[(s["benchmark"] == pool) & (s["model"] == model)
                 & (s["target"] == "all")].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The scores table: coverage, error, sharpness and skill per benchmark, model,
        target and horizon (a copy)."""
        return self.scores.copy()

    def summary(self) -> Summary:
        """The evaluation in a few lines (``str()`` prints them; the table behind them is
        :meth:`to_frame`)."""
        n = len(self.predictions)
        benches = self.scores["benchmark"].nunique() if len(self.scores) else 0
        lines = [f"{n} predictions of later results, {benches} benchmarks"]
        d = self.default_model or {}
        if d:
            lines.append(f"default model: {d.get('model')} ({d.get('reason', '')})")
        if self.sampling_note:
            lines.append(self.sampling_note)
        return Summary("Rolling-origin evaluation", lines, self.to_frame(),
                       notes=list(self.sources))

    def __repr__(self) -> str:
        return (f"RollingEvaluation({len(self.predictions)} predictions, "
                f"{self.scores['benchmark'].nunique() if len(self.scores) else 0} benchmarks)")

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def rolling_evaluation(joined: pd.DataFrame | None = None, *,
                       benchmarks: Sequence[str] | None = None,
                       select: dict[str, Any] | None = None, n_boot: int = 1000,
                       seed: int = 0, form: str = "polynomial",
                       catalog: Catalog | None = None,
                       max_scored: int | None = MAX_SCORED) -> RollingEvaluation:
    """The rolling-origin evaluation of every registered model on every benchmark (or
    ``benchmarks``) with enough dated results (:data:`MIN_RESULTS_BUNDLED`, or
    :data:`MIN_RESULTS_USER` for a user's ``joined`` table). ``joined`` None: the bundled
    results joined with compute, from ``catalog``. ``max_scored``: later results scored per
    benchmark and cutoff, at most (a seeded random sample beyond it, the same for every
    model, every new best kept; 0 or None: all — :func:`.rolling.rolling_origin`);
    :attr:`RollingEvaluation.sampling_note` says when a sample was scored."""
    for b in benchmarks or ():  # a name that is no benchmark: the close names, at once
        find_benchmark(b)
    if joined is None:
        joined = resolve_catalog(catalog).joined().table
        min_results = MIN_RESULTS_BUNDLED
    else:
        min_results = MIN_RESULTS_USER
    pred, summary = evaluate(joined, benchmarks=list(benchmarks) if benchmarks else None,
                             select=select, n_boot=n_boot, seed=seed, form=form,
                             min_results=min_results, max_scored=max_scored)
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
