"""The empirical study of the report, as computations: every benchmark's fits, what the next
halving of its error costs, backtests and forecasts checked out of sample.

:func:`run_study` runs it all on the data of one :class:`~computelimits.data.catalog.Catalog`
and returns a :class:`Study` of DataFrames; the stages are also functions of their own
(:func:`data_overview`, :func:`fit_benchmarks`, :func:`extrapolations`,
:func:`backtest_table`, :func:`forecasts`), so that ``computelimits reproduce``
(:mod:`computelimits.report.build`) can report progress between them and only writes tables,
figures and the page.

Each benchmark's regression rows (:func:`~computelimits.scaling.dataset.benchmark_data`, the
default selection) are built once (:func:`benchmark_datasets`) and shared by the fits, the
extrapolations and the forecasts; the polynomial fit of a benchmark is fitted once and priced
by :func:`~computelimits.scaling.extrapolation.extrapolate`.

Intervals are ``<quantity>_ci_low`` / ``<quantity>_ci_high`` in every table (a prediction
interval for a single new result: ``<quantity>_pred_ci_low`` / ``_pred_ci_high``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ComputeLimitsError
from computelimits.results import ResultMixin, Summary, short_repr
from computelimits.scaling.dataset import benchmark_data
from computelimits.scaling.evaluation.registry import MODELS
from computelimits.scaling.fit import ScalingFit

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog
    from computelimits.scaling.forecast import Forecast

__all__ = ["FIT_COLUMNS", "FORMS_FITTED", "MIN_RESULTS", "BenchmarkFits", "DataOverview",
           "ForecastStudy", "Study", "backtest_table", "benchmark_datasets", "data_overview",
           "extrapolations", "fit_benchmarks", "forecasts", "run_study"]

#: Benchmarks need at least this many results with compute (and 3 distinct computes) to be
#: fitted (issue 5).
MIN_RESULTS = 8

#: The forms fitted per benchmark.
FORMS_FITTED = ("polynomial", "exponential", "logit")

#: Columns of the fits table (one row per benchmark and form).
FIT_COLUMNS = ["benchmark", "form", "compute_kind", "setting", "n", "n_by_kind", "left_out",
               "clusters", "papers", "slope", "slope_se", "slope_ci_low", "slope_ci_high",
               "slope_boot_ci_low", "slope_boot_ci_high", "r2", "aic", "bic", "identified",
               "chance_error", "polynomial_degree", "halving_multiple",
               "halving_multiple_ci_low", "halving_multiple_ci_high"]

#: Models whose rolling-origin evaluation the report shows (``nested``: the default chosen
#: at each cutoff from earlier outcomes only, :mod:`.evaluation.nested`).
REPORT_MODELS = ("nested", *(m for m in MODELS if m != "time_bootstrap"))


Progress = Callable[[str, str], None]


# -- data --------------------------------------------------------------------------------------
@dataclass(repr=False)
class DataOverview:
    """``joined``: results joined with compute; ``match``: per benchmark, how many results
    matched by each rule; ``sources``: every registered source with its licence, attribution
    and row counts; ``repairs``: (what, count) of the documented repairs made while
    parsing."""

    joined: pd.DataFrame
    match: pd.DataFrame
    sources: pd.DataFrame
    repairs: list[tuple[str, int]]

    def __repr__(self) -> str:
        n = len(self.joined)
        bench = self.joined["benchmark"].nunique() if "benchmark" in self.joined else 0
        return short_repr(type(self).__name__, f"{n:,} results on {bench} benchmarks",
                          f"{len(self.sources)} sources", f"{len(self.repairs)} kinds of repair")


def data_overview(*, catalog: Catalog | None = None) -> DataOverview:
    """The joined table and the tables that describe the data (see :class:`DataOverview`)."""
    from computelimits.data.registry import SOURCES

    cat = resolve_catalog(catalog)
    results = cat.results()
    compute = cat.compute()
    joined = cat.joined()
    res_counts = results["source"].value_counts()
    comp_counts = compute["source"].value_counts()
    rows = [{"source": name, "licence": src.licence, "attribution": src.attribution,
             "provenance": src.provenance, "results": int(res_counts.get(name, 0)),
             "compute_records": int(comp_counts.get(name, 0))}
            for name, src in SOURCES.items()]
    repairs = sorted(dict(results.attrs.get("repairs", {})).items())
    return DataOverview(joined=joined.table, match=joined.report, sources=pd.DataFrame(rows),
                        repairs=repairs)


def benchmark_datasets(joined: pd.DataFrame | None = None, *,
                       catalog: Catalog | None = None) -> dict[str, pd.DataFrame]:
    """The default regression rows (:func:`~computelimits.scaling.dataset.benchmark_data`) of
    every benchmark in ``joined`` that has any (benchmark order), built once."""
    if joined is None:
        joined = resolve_catalog(catalog).joined().table
    out = {}
    for bench in sorted(set(joined["benchmark"].dropna())):
        try:
            out[bench] = benchmark_data(bench, joined=joined)
        except ComputeLimitsError:
            continue
    return out


def _fittable(data: pd.DataFrame) -> bool:
    return len(data) >= MIN_RESULTS and data["log10_compute"].nunique() >= 3


# -- fits --------------------------------------------------------------------------------------
@dataclass(repr=False)
class BenchmarkFits(ResultMixin):
    """Fits of error against compute for every benchmark with enough results.

    ``fits``: one row per benchmark and form (:data:`FIT_COLUMNS`); ``polynomial``: the
    polynomial rows (with the interval of the halving multiple, ``halving_multiple_ci_low`` /
    ``_ci_high``, from the slope's interval); ``forms``: AIC per form and the lowest;
    ``other_kinds``: other fittable compute kinds of a benchmark as separate polynomial
    regressions; ``by_source``: per-source and leave-one-source-out fits
    (:func:`~computelimits.scaling.sources.source_check`); ``statements``: one sentence per
    benchmark on whether the sources agree; ``left_out``: what was not fitted and why;
    ``datasets`` and ``fitted``: the regression rows and the fits (form →
    :class:`ScalingFit`) of each fitted benchmark."""

    fits: pd.DataFrame
    polynomial: pd.DataFrame
    forms: pd.DataFrame
    other_kinds: pd.DataFrame
    by_source: pd.DataFrame
    statements: pd.DataFrame
    left_out: pd.DataFrame
    datasets: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    fitted: dict[str, dict[str, ScalingFit]] = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The polynomial fits, one row per benchmark (a copy)."""
        return self.polynomial.copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """The polynomial slope of every benchmark with its interval (the fit's cluster-robust
        t interval at level 1 − ``alpha``), indexed by benchmark; columns ``ci_low`` and
        ``ci_high``."""
        rows = {b: f["polynomial"].conf_int(alpha).iloc[1] for b, f in self.fitted.items()}
        out = pd.DataFrame(rows).T
        out.index.name = "benchmark"
        return out[["ci_low", "ci_high"]]

    def summary(self) -> Summary:
        """One line per benchmark: the polynomial slope, its interval, R², N per kind."""
        lines = []
        for f in self.polynomial.to_dict(orient="records"):
            verdict = "" if f.get("identified", True) else " — compute does not explain it"
            lines.append(f"{f['benchmark']} ({f['compute_kind']} compute): slope "
                         f"{f['slope']:.3f} [{f['slope_ci_low']:.3f}, {f['slope_ci_high']:.3f}],"
                         f" R² {f['r2']:.2f}, N {f['n']} ({f['n_by_kind']}; {f['left_out']} "
                         f"left out){verdict}")
        return Summary("Polynomial fits of error against compute", lines, self.to_frame())

    def _repr_parts(self) -> list[str]:
        p = self.polynomial
        explained = int(p["identified"].astype(bool).sum()) if "identified" in p else len(p)
        return [f"{len(p)} benchmarks fitted, compute explains {explained}",
                f"{len(self.left_out)} left out"]


def fit_benchmarks(joined: pd.DataFrame | None = None, *, n_boot: int = 10_000, seed: int = 0,
                   datasets: dict[str, pd.DataFrame] | None = None,
                   catalog: Catalog | None = None) -> BenchmarkFits:
    """Fit every benchmark with at least :data:`MIN_RESULTS` results with compute, in the
    three forms, on one compute kind each (N per kind, what was left out and why); other
    fittable kinds as separate regressions; the data sources side by side.

    ``joined``: results joined with compute (default: ``catalog``'s); ``datasets``: the
    default regression rows already built (:func:`benchmark_datasets`)."""
    from computelimits.data.compute_kinds import FIT_KINDS
    from computelimits.scaling.sources import source_check

    if joined is None:
        joined = resolve_catalog(catalog).joined().table
    if datasets is None:
        datasets = benchmark_datasets(joined)
    fit_rows, kind_rows, source_rows, left_rows = [], [], [], []
    fitted: dict[str, dict[str, ScalingFit]] = {}
    kept: dict[str, pd.DataFrame] = {}
    with_compute = set(joined.loc[joined["training_flop"].notna(), "benchmark"].dropna())
    for bench, data in datasets.items():
        if bench not in with_compute:
            continue
        sel = data.attrs["selection"]
        for why, n in sel.left_out.items():
            left_rows.append({"benchmark": bench, "left_out": n, "reason": why})
        for other, n_other in sel.n_by_kind.items():
            if other == sel.kind or other not in FIT_KINDS or n_other < MIN_RESULTS:
                continue
            try:
                alt = benchmark_data(bench, joined=joined, kind=other)
                if not _fittable(alt):
                    continue
                af = ScalingFit("polynomial", n_boot=n_boot, seed=seed).fit(alt).to_dict()
            except ComputeLimitsError:
                continue
            kind_rows.append({"benchmark": bench, "compute_kind": other, "n": af["n"],
                              "clusters": af["clusters"], "slope": af["slope"],
                              "slope_ci_low": af["slope_ci_low"],
                              "slope_ci_high": af["slope_ci_high"], "r2": af["r2"],
                              "identified": af["identified"],
                              "halving_multiple": af["halving_multiple"]})
        if not _fittable(data):
            continue
        fits = {f: ScalingFit(f, n_boot=n_boot, seed=seed).fit(data) for f in FORMS_FITTED}
        per_kind = "; ".join(f"{k} {n}" for k, n in sel.n_by_kind.items())
        for fit in fits.values():
            d = fit.to_dict()
            d.update(benchmark=bench, compute_kind=sel.kind, setting=sel.setting,
                     n_by_kind=per_kind, left_out=int(sum(sel.left_out.values())),
                     chance_error=sel.chance_error)
            if fit.form == "polynomial" and d["identified"]:
                d["halving_multiple_ci_low"] = _halving_multiple(d["slope_ci_low"])
                d["halving_multiple_ci_high"] = _halving_multiple(d["slope_ci_high"])
            fit_rows.append(d)
        if data["source"].nunique() > 1:
            chk = source_check(data, "polynomial")
            for r in chk.table.to_dict(orient="records"):
                source_rows.append({"benchmark": bench, **r, "statement": chk.statement})
        kept[bench] = data
        fitted[bench] = fits
    fit_table = pd.DataFrame(fit_rows)
    fit_table = fit_table[[c for c in FIT_COLUMNS if c in fit_table]]
    poly = fit_table[fit_table["form"] == "polynomial"].drop(columns="form")
    poly = poly.reset_index(drop=True)
    aic = fit_table.pivot(index="benchmark", columns="form", values="aic")
    best = aic.idxmin(axis=1)
    forms = pd.DataFrame({"benchmark": aic.index,
                          **{f"aic_{c}": aic[c].to_numpy() for c in aic.columns},
                          "lowest_aic": best.to_numpy()})
    by_kind = pd.DataFrame(kind_rows, columns=[
        "benchmark", "compute_kind", "n", "clusters", "slope", "slope_ci_low", "slope_ci_high",
        "r2", "identified", "halving_multiple"])
    by_source = pd.DataFrame(source_rows, columns=[
        "benchmark", "fit", "source", "n", "clusters", "slope", "slope_ci_low",
        "slope_ci_high", "cov", "identified", "statement"])
    left = pd.DataFrame(left_rows, columns=["benchmark", "left_out", "reason"])
    statements = (by_source.drop_duplicates("benchmark")[["benchmark", "statement"]]
                  .reset_index(drop=True) if len(by_source)
                  else pd.DataFrame(columns=["benchmark", "statement"]))
    return BenchmarkFits(fits=fit_table, polynomial=poly, forms=forms, other_kinds=by_kind,
                         by_source=by_source, statements=statements, left_out=left,
                         datasets=kept, fitted=fitted)


def _halving_multiple(slope: float) -> float:
    """The compute multiple that halves the error under a polynomial slope ``slope`` < 0:
    2^(−1/slope) (:meth:`ScalingFit.halving_multiple`); applied to the ends of the slope's
    interval it gives the multiple's interval (inf where it overflows a float)."""
    if not slope < 0:
        return float("inf")
    exponent = -1.0 / slope
    return float("inf") if exponent > 1000 else float(2.0 ** exponent)


def _best_error(data: pd.DataFrame) -> float:
    raw = data["error_raw"] if "error_raw" in data else data["error"]
    return float(raw.min())


# -- extrapolation ------------------------------------------------------------------------------
def extrapolations(fits: BenchmarkFits, *, n_boot: int = 10_000, seed: int = 0,
                   catalog: Catalog | None = None) -> pd.DataFrame:
    """Per fitted benchmark: the compute, dollars and CO2 of halving today's best error under
    its polynomial fit (:func:`~computelimits.scaling.extrapolation.extrapolate`), with
    confidence (``log10_compute_ci_*``, ``usd_ci_*``) and prediction (``log10_compute_pred_ci_*``)
    intervals; no figure where compute does not explain the benchmark, and only the interval
    where it spans more than :data:`~computelimits.scaling.outlooks.MAX_INTERVAL_OOM` orders
    of magnitude (such an interval sizes nothing)."""
    from computelimits.scaling.extrapolation import extrapolate
    from computelimits.scaling.outlooks import MAX_INTERVAL_OOM

    cat = resolve_catalog(catalog)
    rows = []
    for bench, data in fits.datasets.items():
        target = _best_error(data) / 2
        try:
            x = extrapolate(bench, target, data=data, n_boot=n_boot, seed=seed,
                            fit=fits.fitted[bench].get("polynomial"), catalog=cat)
        except ComputeLimitsError as exc:
            rows.append({"benchmark": bench, "target_error": target, "note": str(exc)})
            continue
        row = {"benchmark": bench, "compute_kind": x.compute_kind,
               "identified": x.identified, "best_error": x.best_observed_error,
               "target_error": target}
        width = x.log10_compute_ci_high - x.log10_compute_ci_low if x.identified else 0.0
        if x.identified and not width <= MAX_INTERVAL_OOM:
            # an interval this wide sizes nothing: the interval, no central figure or cost
            row.update({"log10_compute_ci_low": x.log10_compute_ci_low,
                        "log10_compute_ci_high": x.log10_compute_ci_high,
                        "orders_beyond_data": x.orders_beyond_data,
                        "note": f"the 95% interval of the compute spans {width:.1f} orders of "
                                f"magnitude (more than {MAX_INTERVAL_OOM:g}): the data cannot "
                                "size this run, so no central figure, dollar or CO2 figure"})
            rows.append(row)
            continue
        if x.identified:
            row.update({
                "log10_compute": x.log10_compute, "log10_compute_ci_low": x.log10_compute_ci_low,
                "log10_compute_ci_high": x.log10_compute_ci_high,
                "log10_compute_pred_ci_low": x.log10_compute_pred_ci_low,
                "log10_compute_pred_ci_high": x.log10_compute_pred_ci_high,
                "orders_beyond_data": x.orders_beyond_data, "usd": x.usd,
                "usd_ci_low": x.usd_ci_low, "usd_ci_high": x.usd_ci_high,
                "co2_kg": x.co2_kg, "paper_usd": x.paper_usd, "paper_co2_kg": x.paper_co2_kg,
                "price_year": x.price_year})
        row["note"] = ("compute does not explain this benchmark: no cost figure"
                       if not x.identified else "; ".join(x.notes))
        rows.append(row)
    return pd.DataFrame(rows)


# -- backtests ----------------------------------------------------------------------------------
def backtest_table(joined: pd.DataFrame | None = None, *, n_boot: int = 2000, seed: int = 0,
                   catalog: Catalog | None = None) -> pd.DataFrame:
    """Fit before each default cutoff, predict the compute of the new bests after it
    (:func:`~computelimits.scaling.backtests.calibration` of the language-model
    benchmarks)."""
    from computelimits.scaling import backtests

    if joined is None:
        joined = resolve_catalog(catalog).joined().table
    return backtests.calibration(backtests.LANGUAGE_BENCHMARKS, backtests.DEFAULT_CUTOFFS,
                                 joined=joined, n_boot=n_boot, seed=seed)


# -- forecasts ----------------------------------------------------------------------------------
@dataclass(repr=False)
class ForecastStudy:
    """Forecasts with time, checked out of sample.

    ``evaluation``: rolling-origin statistics per benchmark, target, model and horizon bin
    (the report's models); ``table``: the full :func:`~computelimits.scaling.evaluation.summarize`
    table (``summary()`` gives the study in a few lines, as every results object does);
    ``pooled``: the pooled row per model (target "all", every horizon); ``by_horizon``:
    the pooled rows per horizon bin of the nested default and the baselines; ``choices``:
    the model the nested evaluation chose at each cutoff; ``default_model``: its choice on
    every outcome observed so far (the default of ``extrapolate``); ``pool_name``: the
    pool's benchmark label;
    ``published``: the shared rate of algorithmic progress beside published estimates;
    ``rates``: the pooled fit per benchmark (:meth:`PooledProgress.to_frame`); ``outlooks``:
    per benchmark the compute, dollars and CO2 of halving today's best error, now and one and
    two years later, with how far the backtests say to trust it; ``extrapolations``: the
    compute-only extrapolations with their backtest figures beside them."""

    evaluation: pd.DataFrame
    table: pd.DataFrame
    pooled: pd.DataFrame
    pool_name: str
    published: pd.DataFrame
    rates: pd.DataFrame
    outlooks: pd.DataFrame
    extrapolations: pd.DataFrame
    by_horizon: pd.DataFrame = field(default_factory=pd.DataFrame)
    choices: pd.DataFrame = field(default_factory=pd.DataFrame)
    default_model: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The outlooks, one row per benchmark (a copy)."""
        return self.outlooks.copy()

    def summary(self) -> Summary:
        """The study in a few lines: the default model and why, how the pooled
        rolling-origin evaluation scored the models (coverage of the 95% intervals,
        median miss of the inverse predictions in orders of magnitude of compute), the
        outlooks (``str()`` prints them; the table behind them is :meth:`to_frame`)."""
        from computelimits import formatting as fm

        model = self.default_model.get("model")
        lines = [f"{len(self.outlooks)} benchmark outlooks, {len(self.evaluation)} "
                 f"evaluation rows"]
        if model:
            lines.append(f"default model: {model} ({self.default_model.get('reason', '')})")
        if len(self.pooled) and "model" in self.pooled:
            for r in self.pooled.to_dict(orient="records"):
                lines.append(f"  {r['model']} ({self.pool_name}): 95% intervals covered "
                             f"{fm.percent(r.get('forward_coverage'))} of later results; "
                             f"inverse median miss "
                             f"{fm.plain(r.get('inverse_medae_oom'), 2)} orders of magnitude")
        return Summary("Forecasts with algorithmic progress, checked out of sample", lines,
                       self.to_frame())

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        model = self.default_model.get("model")
        return short_repr(type(self).__name__, f"{len(self.outlooks)} benchmark outlooks",
                          f"{len(self.evaluation)} evaluation rows",
                          f"default model {model}" if model else None)


def forecasts(joined: pd.DataFrame | None = None, extrapolated: pd.DataFrame | None = None, *,
              n_boot: int = 10_000, seed: int = 0,
              datasets: dict[str, pd.DataFrame] | None = None,
              catalog: Catalog | None = None, cache: bool = False) -> ForecastStudy:
    """Rolling-origin evaluation (every benchmark with at least 20 dated results), the shared
    rate of algorithmic progress against published estimates, and per benchmark the compute,
    dollars and CO2 of halving today's best error, today and one and two years later.

    ``extrapolated``: the table of :func:`extrapolations`, returned with the compute-only
    model's backtest figures beside it. ``datasets``: the default regression rows already
    built (:func:`benchmark_datasets`). ``cache``: reuse the rolling evaluation of an
    identical earlier run (same rows, settings, version and code) from the user cache folder,
    and cache this one (:mod:`computelimits.scaling.evaluation.cache`)."""
    from computelimits.scaling.evaluation.cache import cached_evaluate
    from computelimits.scaling.evaluation.registry import CutoffContext, candidates, get_model
    from computelimits.scaling.evaluation.runs import LANGUAGE_SOURCES
    from computelimits.scaling.heterogeneity import ProgressHeterogeneity
    from computelimits.scaling.outlooks import (
        REFERENCE_MIN_RESULTS,
        outlook,
        trust_from,
    )
    from computelimits.scaling.pooled import PooledProgress, compare_published

    cat = resolve_catalog(catalog)
    if joined is None:
        joined = cat.joined().table
    if datasets is None:
        datasets = benchmark_datasets(joined, catalog=cat)
    refs = {b: d for b, d in datasets.items()
            if d["year"].notna().sum() >= REFERENCE_MIN_RESULTS}
    # every registered model but the bootstrap-interval variant (compared in `computelimits
    # backtest`); the choices of kind and setting are made before each cutoff from `joined`
    pred, summary, _ = cached_evaluate(joined, cache=cache, datasets=refs,
                                       n_boot=min(n_boot, 300), seed=seed,
                                       models=tuple(m for m in REPORT_MODELS if m != "nested"))
    default_now = pred.attrs.get("default_now")
    choices = pred.attrs.get("choices", pd.DataFrame())
    keep = summary[summary["model"].isin(list(REPORT_MODELS))]
    cols = ["benchmark", "target", "model", "horizon", "predictions", "distinct_results",
            "cutoffs", "not_identified", "forward_coverage", "forward_coverage_distinct",
            "inverse_predictions", "inverse_coverage", "inverse_coverage_distinct",
            "forward_medae", "inverse_medae_oom", "inverse_medae_oom_distinct",
            "inverse_bias_oom", "width_median_oom", "skill_vs_compute_only",
            "skill_vs_compute_only_ci_low", "skill_vs_compute_only_ci_high", "skill_vs_naive",
            "skill_vs_naive_ci_low", "skill_vs_naive_ci_high"]
    evaluation = keep[cols].reset_index(drop=True)
    pool_name = next((b for b in summary["benchmark"] if str(b).startswith("pooled")),
                     "pooled")
    pooled_rows = evaluation[(evaluation["benchmark"] == pool_name)
                             & (evaluation["target"] == "all")]
    pooled_all = pooled_rows[pooled_rows["horizon"] == "all"].set_index("model")
    by_horizon = pooled_rows[pooled_rows["model"].isin(["nested", "time", "compute_only",
                                                          "naive"])]
    lang = [b for b, d in refs.items() if d["source"].astype(str).isin(LANGUAGE_SOURCES).any()]
    rates, published, shared = pd.DataFrame(), pd.DataFrame(), None
    if lang:
        rows = pd.concat([refs[b] for b in lang], ignore_index=True)
        pp = PooledProgress(n_boot=min(n_boot, 2000), seed=seed).fit(rows)
        try:  # the benchmarks disagree: the published rates beside the prediction interval
            het = ProgressHeterogeneity(n_boot=max(min(n_boot, 2000), 100), seed=seed).fit(
                rows)
        except ComputeLimitsError:
            het = None
        published = compare_published(pp, heterogeneity=het)
        rates = pp.to_frame()
        # borrowed only where identified: the rule of answers and backtests
        # (evaluation.rolling.shared_rate_before)
        if not pp.at_bound_ and len(pp.boot_gamma_) and float(
                pp.conf_int().loc["gamma", "ci_low"]) > 0:
            shared = (float(pp.gamma_), np.asarray(pp.boot_gamma_, float))
    usable = {b: d for b, d in refs.items() if d["year"].notna().sum() >= 8}
    ctx = CutoffContext(n_boot=0, seed=seed, shared_rate=shared[0] if shared else None,
                        shared_draws=shared[1] if shared else None)
    ref_fc: dict[str, dict[str, Forecast]] = {}
    for m in candidates():
        spec = get_model(m)
        if spec.needs_shared_rate and shared is None:
            continue
        ref_fc[m] = {}
        spec.prepare(usable, ctx)
        for b, d in usable.items():
            try:
                ref_fc[m][b] = spec.fit(d, ctx).forecast
            except ComputeLimitsError:
                continue
    out_rows = []
    for bench, data in refs.items():
        best = _best_error(data)
        target = best / 2
        try:
            o = outlook(data=data, target_error=target, references=refs,
                        evaluation=summary, n_boot=min(n_boot, 2000), seed=seed,
                        n_draws=2000, shared_rate=shared, reference_forecasts=ref_fc,
                        default_model=default_now, catalog=cat)
        except ComputeLimitsError as exc:
            out_rows.append({"benchmark": bench, "target_error": target, "note": str(exc)})
            continue
        fc = o.forecast
        row: dict[str, Any] = {
            "benchmark": bench, "compute_kind": o.compute_kind, "date": o.date,
            "identified": o.identified, "model": fc.get("model"),
            "rate_source": fc.get("rate_source"), "rate_oom_per_year": fc["rate_oom_per_year"],
            "rate_ci_low": fc["rate_ci_low"], "rate_ci_high": fc["rate_ci_high"],
            "halving_months": fc["halving_months"], "best_error": best,
            "target_error": target}
        if o.inverse:
            row.update(determined=o.inverse.get("determined"),
                       log10_compute=o.inverse["log10_compute"],
                       log10_compute_ci_low=o.inverse["log10_compute_ci_low"],
                       log10_compute_ci_high=o.inverse["log10_compute_ci_high"])
        if o.costs:
            for r, label in zip(o.costs["table"], ("now", "in_1y", "in_2y"), strict=False):
                row[f"usd_{label}"] = r["usd_median"]
                row[f"usd_{label}_ci_low"] = r["usd_ci_low"]
                row[f"usd_{label}_ci_high"] = r["usd_ci_high"]
                row[f"co2_kg_{label}"] = r["co2_kg_median"]
        t = o.trust or trust_from(summary, bench, str(fc.get("model")))
        own = t["benchmark"] or {}
        row.update(backtest_forward_coverage=own.get("forward_coverage"),
                   backtest_inverse_medae_oom=own.get("inverse_medae_oom"),
                   trust=t["sentence"], note="; ".join(o.notes))
        out_rows.append(row)
    outlooks = pd.DataFrame(out_rows)
    # one schema whatever was determined: an answer too wide to size a run leaves its
    # compute, dollar and CO2 cells empty, never its columns missing
    for label in ("now", "in_1y", "in_2y"):
        for col in (f"usd_{label}", f"usd_{label}_ci_low", f"usd_{label}_ci_high",
                    f"co2_kg_{label}"):
            if col not in outlooks:
                outlooks[col] = np.nan
    for col in ("determined", "log10_compute", "log10_compute_ci_low", "log10_compute_ci_high"):
        if col not in outlooks:
            outlooks[col] = np.nan
    # the compute-only extrapolations get the same check, from the same evaluation
    ext = pd.DataFrame() if extrapolated is None else extrapolated.copy()
    co = summary[(summary["target"] == "all") & (summary["model"] == "compute_only")
                 & (summary["horizon"] == "all")]
    co = co.set_index("benchmark")
    if len(ext) and "benchmark" in ext:
        ext["backtest_forward_coverage"] = [co["forward_coverage"].get(b)
                                            for b in ext["benchmark"]]
        ext["backtest_inverse_medae_oom"] = [co["inverse_medae_oom"].get(b)
                                             for b in ext["benchmark"]]
    return ForecastStudy(evaluation=evaluation, table=summary,
                         pooled=pooled_all.reset_index(), pool_name=pool_name,
                         published=published, rates=rates, outlooks=outlooks,
                         extrapolations=ext, by_horizon=by_horizon.reset_index(drop=True),
                         choices=choices, default_model=default_now or {})


# -- all of it ----------------------------------------------------------------------------------
@dataclass(repr=False)
class Study(ResultMixin):
    """Everything :func:`run_study` computed (each part documented on its class)."""

    data: DataOverview
    fits: BenchmarkFits
    extrapolations: pd.DataFrame
    backtests: pd.DataFrame
    forecasts: ForecastStudy

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables by name (as ``computelimits reproduce`` writes them)."""
        f, fx = self.fits, self.forecasts
        out = {"match_rates": self.data.match, "sources": self.data.sources,
               "fits": f.fits, "fits_polynomial": f.polynomial, "form_comparison": f.forms,
               "fits_other_kinds": f.other_kinds, "fits_by_source": f.by_source,
               "left_out": f.left_out, "source_statements": f.statements,
               "extrapolations": fx.extrapolations, "backtests": self.backtests,
               "forecast_evaluation": fx.evaluation, "forecasts": fx.outlooks,
               "forecast_evaluation_pooled": fx.pooled,
               "forecast_evaluation_by_horizon": fx.by_horizon,
               "forecast_model_choices": fx.choices}
        if len(fx.published):
            out["algorithmic_progress"] = fx.published
        return out

    def summary(self) -> Summary:
        return self.fits.summary()

    def _repr_parts(self) -> list[str]:
        return [f"{len(self.data.joined):,} results", *self.fits._repr_parts(),
                f"{len(self.backtests)} backtests"]


def run_study(*, n_boot: int = 10_000, seed: int = 0, catalog: Catalog | None = None,
              progress: Progress | None = None) -> Study:
    """The whole empirical study on ``catalog``'s data (None: the environment's);
    ``progress(stage, message)`` is called before each stage ("data", "fits",
    "extrapolation", "backtests", "forecasts")."""
    say = progress or (lambda stage, msg: None)
    cat = resolve_catalog(catalog)
    say("data", "loading and joining the open data")
    data = data_overview(catalog=cat)
    datasets = benchmark_datasets(data.joined)
    say("fits", "fitting error against compute per benchmark")
    fits = fit_benchmarks(data.joined, n_boot=n_boot, seed=seed, datasets=datasets)
    say("extrapolation", "pricing the next halving of the error")
    ext = extrapolations(fits, n_boot=n_boot, seed=seed, catalog=cat)
    say("backtests", "backtesting past extrapolations")
    bt = backtest_table(data.joined, n_boot=min(n_boot, 2000), seed=seed)
    say("forecasts", "forecasting with algorithmic progress, checked out of sample")
    fx = forecasts(data.joined, ext, n_boot=n_boot, seed=seed, datasets=datasets, catalog=cat)
    return Study(data=data, fits=fits, extrapolations=fx.extrapolations, backtests=bt,
                 forecasts=fx)
