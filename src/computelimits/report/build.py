"""`computelimits reproduce`: rerun the whole study and write an HTML report.

Stages: the theory experiment; the data (sources, match rates); fits per benchmark; compute
growth against hardware progress; extrapolations; backtests; data and assumptions. Every table
is also written as CSV and JSON, every figure as PNG and SVG. The report is built in a
temporary folder beside ``out`` and swapped in at the end, so a rerun replaces it atomically
and an interrupted run leaves the previous report intact.

The data come from one :class:`~computelimits.data.catalog.Catalog` (``catalog``; None: the
environment's), checked before anything runs; the computations of the empirical part live in
:mod:`computelimits.scaling.study` — this module writes their tables, figures and the page.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from computelimits import __version__, assumptions
from computelimits.errors import ComputeLimitsError

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["STAGES", "ReportResult", "reproduce"]

STAGES = ("theory", "data", "fits", "trends", "extrapolation", "backtests", "forecasts",
          "render")


@dataclass
class ReportResult:
    out: Path
    partial: bool
    missing: list[str]
    summary: dict[str, Any]
    seconds: float
    tables: dict[str, Path] = field(default_factory=dict)


class _Tables:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: dict[str, Path] = {}

    def write(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        self.folder.mkdir(parents=True, exist_ok=True)
        csv = self.folder / f"{name}.csv"
        df.to_csv(csv, index=False)
        (self.folder / f"{name}.json").write_text(table_json(df), encoding="utf-8")
        self.paths[name] = csv
        return df


def table_json(df: pd.DataFrame) -> str:
    """A table as strict JSON records (:mod:`computelimits._json`): a missing number is
    null; an unbounded one is null with ``"<column>_unbounded": "+inf"`` (or ``"-inf"``)
    beside it, so the JSON says what the CSV's ``inf`` said."""
    from computelimits._json import dumps

    return dumps(flag_unbounded(df.to_dict(orient="records")), indent=1)


def flag_unbounded(x: Any) -> Any:
    """``x`` with ``"<key>_unbounded": "+inf"`` / ``"-inf"`` beside every infinite number
    of a dict (recursively), for strict JSON, which writes the number itself as null."""
    if isinstance(x, dict):
        out = {}
        for key, v in x.items():
            out[key] = flag_unbounded(v)
            if isinstance(v, float) and math.isinf(v):
                out[f"{key}_unbounded"] = "+inf" if v > 0 else "-inf"
        return out
    if isinstance(x, list | tuple):
        return [flag_unbounded(v) for v in x]
    return x


def _crossovers(summary: pd.DataFrame) -> pd.DataFrame:
    """Where Flexible and Regularized overtake Expert (mean performance), and the FLOP ratio."""
    perf = summary.pivot(index="n", columns="model", values="performance_mean")
    flop = summary.pivot(index="n", columns="model", values="flop_mean")
    rows = []
    for model in ("regularized", "flexible"):
        ahead = perf[model] > perf["expert"]
        ns = [n for n in perf.index if ahead[n] and all(ahead[m] for m in perf.index if m >= n)]
        if ns:
            n = ns[0]
            rows.append({"model": model, "overtakes_expert_at_n": int(n),
                         "performance": round(float(perf.loc[n, model]), 3),
                         "expert_performance": round(float(perf.loc[n, "expert"]), 3),
                         "flop_multiple_vs_expert": float(flop.loc[n, model]
                                                          / flop.loc[n, "expert"])})
        else:
            rows.append({"model": model, "overtakes_expert_at_n": None, "performance": None,
                         "expert_performance": None, "flop_multiple_vs_expert": None})
    return pd.DataFrame(rows)


def reproduce(out: str | Path, *, quick: bool = False, seed: int = 0,
              allow_partial: bool = False, workers: int | None = None,
              progress: Callable[[str, str], None] | None = None,
              catalog: Catalog | None = None, cache: bool = True,
              force: bool = False) -> ReportResult:
    """Rerun the study into ``out`` (see the module docstring).

    ``quick``: the small theory grid and 1,000 bootstrap draws (instead of the paper-sized
    theory run and 10,000 draws). ``catalog``: where every data table comes from (None: the
    environment's :func:`~computelimits.data.catalog.resolve_catalog`). ``cache``: reuse the
    theory result, the rolling evaluation and the benchmark figures of an identical earlier
    run (``computelimits.theory.cache``, ``computelimits.scaling.evaluation.cache``,
    :func:`computelimits.report.figures.save_benchmark_figure`); False computes and draws
    them.

    The data are checked first (:meth:`~computelimits.data.catalog.Catalog.missing`): when
    files are missing, it raises :class:`ComputeLimitsError` listing them before the theory
    experiment starts and after writing nothing — unless ``allow_partial``, which writes a
    report of the theory part only.

    ``out`` is replaced whole only if this tool wrote it (or it is new or empty; see
    :mod:`computelimits.outfolder`): a folder holding other files is refused before any
    work, unless ``force``, which writes the report's files into it and removes nothing
    (``force`` also runs a theory experiment whose estimated memory exceeds what is free).
    """
    from computelimits.data.catalog import resolve_catalog
    from computelimits.outfolder import OutputFolder
    from computelimits.theory import TheoryConfig
    from computelimits.theory.experiment import preflight

    t0 = time.perf_counter()
    cat = resolve_catalog(catalog)
    missing = cat.missing()
    if missing and not allow_partial:
        raise ComputeLimitsError(
            "the empirical part needs the data, and files are missing: " + "; ".join(missing)
            + " (use --allow-partial for a report of the theory part only)")
    out = Path(out)
    preflight(TheoryConfig.quick(seed=seed) if quick else TheoryConfig(seed=seed),
              workers=workers, force=force)
    folder = OutputFolder(out, force=force).check()
    work = folder.staging
    assert work is not None
    say = progress or (lambda stage, msg: None)
    try:
        result = _build(work, quick=quick, seed=seed, allow_partial=allow_partial,
                        workers=workers, say=say, catalog=cat, missing=missing,
                        cache=cache, force=force)
        folder.commit()
    finally:
        folder.discard()
    result.out = out
    result.tables = {k: out / v.relative_to(work) for k, v in result.tables.items()}
    result.seconds = time.perf_counter() - t0
    return result


def _build(work: Path, *, quick: bool, seed: int, allow_partial: bool,
           workers: int | None, say: Callable[[str, str], None], catalog: Catalog,
           missing: list[str], cache: bool = True, force: bool = False) -> ReportResult:
    from computelimits.report import figures
    from computelimits.theory import TheoryConfig, simulate

    figs = work / "figures"
    tables = _Tables(work / "tables")
    ctx: dict[str, Any] = {"version": __version__, "quick": quick, "seed": seed,
                           "missing": [], "figures": {}, "sections": {}}
    n_boot = 1000 if quick else 10_000

    # 1. theory ---------------------------------------------------------------------------
    say("theory", "simulating the sparse linear model")
    cfg = (TheoryConfig.quick(seed=seed) if quick else TheoryConfig(seed=seed))
    theory = simulate(cfg, workers=workers, cache=cache, force=force)
    if theory.from_cache:
        say("theory", "reused the cached result of an identical run (--no-cache to rerun)")
    per_n = theory.to_frame()
    tables.write("theory_summary", per_n)
    cross = tables.write("theory_crossovers", _crossovers(per_n))
    ctx["figures"]["theory"] = _inline(figures.save(theory.plot(), figs, "theory"), work)
    ctx["sections"]["theory"] = {"config": cfg.to_dict(), "reps": cfg.reps,
                                 "elapsed": theory.elapsed_s,
                                 "summary": theory.table().round(3).reset_index(),
                                 "crossovers": cross}

    # 2–6: the empirical part, which needs the data ---------------------------------------
    empirical = None
    if missing:  # reproduce() has stopped already unless a partial report was asked for
        ctx["missing"].extend(missing)
    else:
        try:
            say("data", "loading and joining the open data")
            empirical = _empirical(tables, figs, n_boot=n_boot, seed=seed, say=say, ctx=ctx,
                                   catalog=catalog, cache=cache)
        except ComputeLimitsError as exc:
            # a report of the theory part: the sections of the stages done before the error
            # go too (the page draws the empirical part whole or not at all)
            ctx["sections"] = {"theory": ctx["sections"]["theory"]}
            ctx["figures"] = {"theory": ctx["figures"]["theory"]}
            ctx.pop("findings", None)
            ctx["missing"].append(str(exc))
            ctx["missing"].extend(catalog.missing())
            if not allow_partial:
                raise ComputeLimitsError(
                    f"the empirical part needs the data: {exc} (use --allow-partial for a "
                    "report of the theory part only)") from None

    # 7. assumptions ------------------------------------------------------------------------
    ctx["assumptions"] = pd.DataFrame([a.to_dict() for a in assumptions.ASSUMPTIONS.values()])
    tables.write("assumptions", ctx["assumptions"])

    say("render", "writing the HTML report")
    if empirical is not None:
        from computelimits.report.interactive import plotly_js

        ctx["plotly_js"] = plotly_js()  # inlined once, for every interactive figure
    summary = _summary(ctx, empirical)
    ctx["summary"] = summary
    # strict JSON: no NaN or Infinity tokens (a missing or unbounded number is null)
    from computelimits._json import dumps, json_safe

    summary = json_safe(flag_unbounded(summary))
    (work / "summary.json").write_text(dumps(summary), encoding="utf-8")
    from computelimits.report.render import render

    (work / "index.html").write_text(render(ctx), encoding="utf-8")
    return ReportResult(out=work, partial=empirical is None, missing=ctx["missing"],
                        summary=summary, seconds=0.0, tables=dict(tables.paths))


def _empirical(tables: _Tables, figs: Path, *, n_boot: int, seed: int,
               say: Callable[[str, str], None], ctx: dict[str, Any],
               catalog: Catalog, cache: bool = True) -> dict[str, Any]:
    """The empirical part: computed by :mod:`computelimits.scaling.study`, written here."""
    from computelimits.report import figures
    from computelimits.scaling import study

    data = study.data_overview(catalog=catalog)
    match = tables.write("match_rates", data.match)
    sources = tables.write("sources", data.sources)
    ctx["sections"]["data"] = {"match": match, "sources": sources, "repairs": data.repairs}
    datasets = study.benchmark_datasets(data.joined)

    # fits per benchmark with enough results: one compute kind each (N per kind, what was
    # left out and why); other fittable kinds as separate regressions; sources side by side
    say("fits", "fitting error against compute per benchmark")
    fits = study.fit_benchmarks(data.joined, n_boot=n_boot, seed=seed, datasets=datasets)
    fit_table = tables.write("fits", fits.fits)
    poly = tables.write("fits_polynomial", fits.polynomial)
    forms = tables.write("form_comparison", fits.forms)
    by_kind = tables.write("fits_other_kinds", fits.other_kinds)
    by_source = tables.write("fits_by_source", fits.by_source)
    left = tables.write("left_out", fits.left_out)
    statements = tables.write("source_statements", fits.statements)
    bench_figs = {}
    for bench, bdata in fits.datasets.items():
        sel = bdata.attrs["selection"]
        bench_figs[bench] = figures.save_benchmark_figure(
            bdata, fits.fitted[bench], f"{bench}: {len(bdata)} results, {sel.kind} compute",
            figs, f"fit_{bench}", cache=cache)
    from computelimits.report.interactive import benchmark_explorer, explorer_json

    explorer = benchmark_explorer(fits.datasets, fits.fitted)
    ctx["sections"]["fits"] = {"table": poly, "forms": forms, "figures": bench_figs,
                               "by_kind": by_kind, "by_source": by_source,
                               "statements": statements, "left": left,
                               "explorer": {"benchmarks": explorer["benchmarks"],
                                            "forms": explorer["forms"]},
                               "explorer_json": explorer_json(explorer)}

    # trends
    say("trends", "compute growth against hardware progress")
    ctx["sections"]["trends"] = _trends(tables, figs, seed=seed, n_boot=min(n_boot, 2000),
                                        catalog=catalog)

    # extrapolation: halve today's best error
    say("extrapolation", "pricing the next halving of the error")
    ext = tables.write("extrapolations",
                       study.extrapolations(fits, n_boot=n_boot, seed=seed, catalog=catalog))

    # backtests
    say("backtests", "backtesting past extrapolations")
    ctx["sections"]["backtests"] = {"table": tables.write(
        "backtests", study.backtest_table(data.joined, n_boot=min(n_boot, 2000), seed=seed))}

    # forecasts with time: rolling-origin evaluation, shared rate, costs by buy date
    say("forecasts", "forecasting with algorithmic progress, checked out of sample")
    fx = study.forecasts(data.joined, ext, n_boot=n_boot, seed=seed, datasets=datasets,
                         catalog=catalog, cache=cache)
    evaluation = tables.write("forecast_evaluation", fx.evaluation)
    published = (tables.write("algorithmic_progress", fx.published) if len(fx.published)
                 else fx.published)
    outlooks = tables.write("forecasts", fx.outlooks)
    # the compute-only extrapolations with their backtest figures beside them
    ext = tables.write("extrapolations", fx.extrapolations) if len(ext) else ext
    ctx["sections"]["extrapolation"] = {"table": ext}
    pooled = tables.write("forecast_evaluation_pooled", fx.pooled)
    by_horizon = tables.write("forecast_evaluation_by_horizon", fx.by_horizon)
    tables.write("forecast_model_choices", fx.choices)
    ctx["sections"]["forecasts"] = {"evaluation": evaluation, "pooled": pooled,
                                    "published": published, "rates": fx.rates,
                                    "outlooks": outlooks, "pool_name": fx.pool_name,
                                    "by_horizon": by_horizon,
                                    "default_model": fx.default_model}

    # what the study found, written from the tables above
    from computelimits.report.findings import GROUPS, findings

    found = findings(poly, ext, outlooks, match, {b: len(d) for b, d in datasets.items()})
    table = tables.write("findings", found.table)
    ctx["findings"] = {"headline": found.headline,
                       "rows": {g: table[table["group"] == g].to_dict(orient="records")
                                for g in GROUPS}}
    return {"fits": fit_table, "extrapolations": ext, "polys": {
        b: f["polynomial"] for b, f in fits.fitted.items()},
        "forecasts": ctx["sections"]["forecasts"], "findings": found}


def _trends(tables: _Tables, figs: Path, *, seed: int, n_boot: int,
            catalog: Catalog) -> dict[str, Any]:
    from computelimits.report import figures
    from computelimits.report.trend_figures import plot_trends
    from computelimits.scaling.compute_vs_hardware import trend_report

    report = trend_report(n_boot=n_boot, seed=seed, catalog=catalog)
    cols = ["group", "label", "n", "start", "end", "slope", "slope_ci_low", "slope_ci_high",
            "doubling_months", "doubling_months_ci_low", "doubling_months_ci_high", "r2"]
    table = report.table()
    table = tables.write("trends", table[[c for c in cols if c in table.columns]])
    share = report.share_table()
    share = tables.write("trend_shares", share[[c for c in (
        "hardware", "share", "share_ci_low", "share_ci_high", "hardware_doubling",
        "compute_doubling", "hardware_start", "hardware_end", "hardware_n")
        if c in share.columns]])
    fig = plot_trends(report)
    return {"table": table, "share": share,
            "figure": _inline(figures.save(fig, figs, "trends"), figs.parent)}


def _inline(saved: dict[str, str], root: Path) -> dict[str, Any]:
    """``saved`` (the relative PNG and SVG names) with the PNG as a data URI and its pixel
    size, so the page shows it with no file beside it."""
    png = (root / saved["png"]).read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return {**saved, "uri": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
            "width": width, "height": height}


def _summary(ctx: dict[str, Any], empirical: dict[str, Any] | None) -> dict[str, Any]:
    th = ctx["sections"]["theory"]
    out: dict[str, Any] = {"version": ctx["version"], "quick": ctx["quick"], "seed": ctx["seed"],
                           "partial": empirical is None, "missing": ctx["missing"],
                           "theory_crossovers": th["crossovers"].to_dict(orient="records")}
    if empirical is not None:
        poly = empirical["fits"]
        poly = poly[poly["form"] == "polynomial"]
        out["polynomial_fits"] = poly[["benchmark", "compute_kind", "n", "n_by_kind",
                                       "left_out", "slope", "slope_ci_low", "slope_ci_high",
                                       "r2", "identified"]].to_dict(orient="records")
        out["extrapolations"] = empirical["extrapolations"].to_dict(orient="records")
        found = empirical["findings"]
        out["findings"] = {"headline": found.headline,
                           "benchmarks": found.table.to_dict(orient="records")}
    return out
