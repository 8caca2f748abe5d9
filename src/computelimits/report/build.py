"""`computelimits reproduce`: rerun the whole study and write an HTML report.

Stages: the theory experiment; the data (sources, match rates); fits per benchmark; compute
growth against hardware progress; extrapolations; backtests; data and assumptions. Every table
is also written as CSV and JSON, every figure as PNG and SVG. The report is built in a
temporary folder beside ``out`` and swapped in at the end, so a rerun replaces it atomically
and an interrupted run leaves the previous report intact.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from computelimits import __version__, assumptions
from computelimits.errors import ComputeLimitsError

__all__ = ["STAGES", "ReportResult", "reproduce"]

STAGES = ("theory", "data", "fits", "trends", "extrapolation", "backtests", "forecasts",
          "render")

#: benchmarks need at least this many results with compute to be fitted (issue 5)
MIN_RESULTS = 8


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
        (self.folder / f"{name}.json").write_text(
            df.to_json(orient="records", indent=1, date_format="iso"), encoding="utf-8")
        self.paths[name] = csv
        return df


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
              progress: Callable[[str, str], None] | None = None) -> ReportResult:
    """Rerun the study into ``out`` (see the module docstring).

    ``quick``: the small theory grid and 1,000 bootstrap draws (instead of the paper-sized
    theory run and 10,000 draws). Raises :class:`ComputeLimitsError` if data are missing and
    ``allow_partial`` is False (after writing nothing).
    """
    t0 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    say = progress or (lambda stage, msg: None)
    try:
        result = _build(work, quick=quick, seed=seed, allow_partial=allow_partial,
                        workers=workers, say=say)
        _swap(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result.out = out
    result.tables = {k: out / v.relative_to(work) for k, v in result.tables.items()}
    result.seconds = time.perf_counter() - t0
    return result


def _swap(work: Path, out: Path) -> None:
    """Replace ``out`` by ``work`` with two renames (the old report survives a failure)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(work, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _build(work: Path, *, quick: bool, seed: int, allow_partial: bool,
           workers: int | None, say: Callable[[str, str], None]) -> ReportResult:
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
    theory = simulate(cfg, workers=workers)
    tables.write("theory_summary", theory.summary)
    cross = tables.write("theory_crossovers", _crossovers(theory.summary))
    ctx["figures"]["theory"] = figures.save(theory.plot(), figs, "theory")
    ctx["sections"]["theory"] = {"config": cfg.to_dict(), "reps": cfg.reps,
                                 "elapsed": theory.elapsed_s,
                                 "summary": theory.table().round(3).reset_index(),
                                 "crossovers": cross}

    # 2–6: the empirical part, which needs the data ---------------------------------------
    try:
        say("data", "loading and joining the open data")
        empirical = _empirical(work, tables, figs, n_boot=n_boot, seed=seed, say=say, ctx=ctx)
    except ComputeLimitsError as exc:
        ctx["missing"].append(str(exc))
        ctx["missing"].extend(_missing_sources())
        empirical = None
        if not allow_partial:
            raise ComputeLimitsError(
                f"the empirical part needs the data: {exc} (use --allow-partial for a report "
                "of the theory part only)") from None

    # 7. assumptions ------------------------------------------------------------------------
    ctx["assumptions"] = pd.DataFrame([a.to_dict() for a in assumptions.ASSUMPTIONS.values()])
    tables.write("assumptions", ctx["assumptions"])

    say("render", "writing the HTML report")
    summary = _summary(ctx, empirical)
    ctx["summary"] = summary
    # strict JSON: no NaN or Infinity tokens (a missing or unbounded number is null)
    from computelimits._json import dumps, json_safe

    summary = json_safe(summary)
    (work / "summary.json").write_text(dumps(summary), encoding="utf-8")
    from computelimits.report.render import render

    (work / "index.html").write_text(render(ctx), encoding="utf-8")
    return ReportResult(out=work, partial=empirical is None, missing=ctx["missing"],
                        summary=summary, seconds=0.0, tables=dict(tables.paths))


def _missing_sources() -> list[str]:
    """One line per source with files neither in the mirror nor in the cache."""
    from computelimits.data.fetch import ENV_MIRROR, file_status
    from computelimits.data.registry import SOURCES

    lines = []
    for src in SOURCES.values():
        missing = [f.path for f in src.files if file_status(src, f)[0] == "missing"]
        if missing:
            how = ("`computelimits data fetch " + src.name + "` (needs network), or a mirror in "
                   f"${ENV_MIRROR}")
            if any(f.url is None for f in src.files if f.path in missing):
                how = f"copy the shared mirror's {src.name}/ folder into ${ENV_MIRROR}"
            lines.append(f"{src.name}: {len(missing)} file(s) missing; supply with {how}")
    return lines


def _empirical(work: Path, tables: _Tables, figs: Path, *, n_boot: int, seed: int,
               say: Callable[[str, str], None], ctx: dict[str, Any]) -> dict[str, Any]:
    from computelimits.data import tables as data_tables
    from computelimits.data.join import join_compute
    from computelimits.data.registry import SOURCES
    from computelimits.report import figures
    from computelimits.scaling.dataset import benchmark_data
    from computelimits.scaling.extrapolate import extrapolate
    from computelimits.scaling.fit import ScalingFit

    results = data_tables.results()
    compute = data_tables.compute()
    joined = join_compute(results, compute)
    match = tables.write("match_rates", joined.report)
    src_rows = []
    for name, src in SOURCES.items():
        src_rows.append({"source": name, "licence": src.licence, "attribution": src.attribution,
                         "provenance": src.provenance,
                         "results": int((results["source"] == name).sum()),
                         "compute_records": int((compute["source"] == name).sum())})
    sources = tables.write("sources", pd.DataFrame(src_rows))
    ctx["sections"]["data"] = {"match": match, "sources": sources,
                               "repairs": sorted(dict(results.attrs.get("repairs", {})).items())}

    # fits per benchmark with enough results: one compute kind each (N per kind, what was
    # left out and why); other fittable kinds as separate regressions; sources side by side
    say("fits", "fitting error against compute per benchmark")
    from computelimits.data.compute_kinds import FIT_KINDS
    from computelimits.scaling.sources import source_check

    fit_rows, bench_figs, datasets, polys = [], {}, {}, {}
    kind_rows, source_rows, left_rows = [], [], []
    counts = joined.table[joined.table["training_flop"].notna()].groupby("benchmark").size()
    for bench in sorted(counts.index):
        try:
            data = benchmark_data(bench, joined=joined.table)
        except ComputeLimitsError:
            continue
        sel = data.attrs["selection"]
        for why, n in sel.left_out.items():
            left_rows.append({"benchmark": bench, "left_out": n, "reason": why})
        for other, n_other in sel.n_by_kind.items():
            if other == sel.kind or other not in FIT_KINDS or n_other < MIN_RESULTS:
                continue
            try:
                alt = benchmark_data(bench, joined=joined.table, kind=other)
                if len(alt) < MIN_RESULTS or alt["log10_flop"].nunique() < 3:
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
        if len(data) < MIN_RESULTS or data["log10_flop"].nunique() < 3:
            continue
        fits = {f: ScalingFit(f, n_boot=n_boot, seed=seed).fit(data)
                for f in ("polynomial", "exponential", "logit")}
        per_kind = "; ".join(f"{k} {n}" for k, n in sel.n_by_kind.items())
        for fit in fits.values():
            d = fit.to_dict()
            d.update(benchmark=bench, compute_kind=sel.kind, setting=sel.setting,
                     n_by_kind=per_kind, left_out=int(sum(sel.left_out.values())),
                     chance_error=sel.chance_error)
            fit_rows.append(d)
        if data["source"].nunique() > 1:
            chk = source_check(data, "polynomial")
            for r in chk.table.to_dict(orient="records"):
                source_rows.append({"benchmark": bench, **r, "statement": chk.statement})
        datasets[bench] = data
        polys[bench] = fits["polynomial"]
        bench_figs[bench] = figures.save(
            figures.benchmark_figure(data, fits, f"{bench}: {len(data)} results, "
                                                 f"{sel.kind} compute"), figs, f"fit_{bench}")
    fit_table = pd.DataFrame(fit_rows)
    cols = ["benchmark", "form", "compute_kind", "setting", "n", "n_by_kind", "left_out",
            "clusters", "papers", "slope", "slope_se", "slope_ci_low", "slope_ci_high",
            "slope_boot_low", "slope_boot_high", "r2", "aic", "bic", "identified",
            "chance_error", "polynomial_degree", "halving_multiple"]
    fit_table = tables.write("fits", fit_table[[c for c in cols if c in fit_table]])
    poly = fit_table[fit_table["form"] == "polynomial"].drop(columns="form")
    poly = tables.write("fits_polynomial", poly.reset_index(drop=True))
    aic = fit_table.pivot(index="benchmark", columns="form", values="aic")
    best = aic.idxmin(axis=1)
    forms = tables.write("form_comparison", pd.DataFrame({
        "benchmark": aic.index, **{f"aic_{c}": aic[c].to_numpy() for c in aic.columns},
        "lowest_aic": best.to_numpy()}))
    by_kind = tables.write("fits_other_kinds", pd.DataFrame(kind_rows, columns=[
        "benchmark", "compute_kind", "n", "clusters", "slope", "slope_ci_low", "slope_ci_high",
        "r2", "identified", "halving_multiple"]))
    by_source = tables.write("fits_by_source", pd.DataFrame(source_rows, columns=[
        "benchmark", "fit", "source", "n", "clusters", "slope", "slope_ci_low",
        "slope_ci_high", "cov", "identified", "statement"]))
    left = tables.write("left_out", pd.DataFrame(left_rows,
                                                 columns=["benchmark", "left_out", "reason"]))
    statements = tables.write("source_statements", (
        by_source.drop_duplicates("benchmark")[["benchmark", "statement"]].reset_index(drop=True)
        if len(by_source) else pd.DataFrame(columns=["benchmark", "statement"])))
    ctx["sections"]["fits"] = {"table": poly, "forms": forms, "figures": bench_figs,
                               "by_kind": by_kind, "by_source": by_source,
                               "statements": statements, "left": left}

    # trends
    say("trends", "compute growth against hardware progress")
    ctx["sections"]["trends"] = _trends(tables, figs, seed=seed, n_boot=min(n_boot, 2000))

    # extrapolation: halve today's best error
    say("extrapolation", "pricing the next halving of the error")
    ext_rows = []
    for bench, data in datasets.items():
        raw = data["error_raw"] if "error_raw" in data else data["error"]
        target = float(raw.min()) / 2
        try:
            x = extrapolate(bench, target, data=data, n_boot=n_boot, seed=seed)
        except ComputeLimitsError as exc:
            ext_rows.append({"benchmark": bench, "target_error": target, "note": str(exc)})
            continue
        row = {"benchmark": bench, "compute_kind": x.compute_kind,
               "identified": x.identified, "best_error": x.best_observed_error,
               "target_error": target}
        if x.identified:
            row.update({
                "log10_flop": x.log10_compute, "log10_flop_conf_low": x.log10_compute_conf[0],
                "log10_flop_conf_high": x.log10_compute_conf[1],
                "log10_flop_pred_low": x.log10_compute_pred[0],
                "log10_flop_pred_high": x.log10_compute_pred[1],
                "orders_beyond_data": x.orders_beyond_data, "usd": x.usd,
                "usd_conf_low": x.usd_conf[0], "usd_conf_high": x.usd_conf[1],
                "co2_kg": x.co2_kg, "paper_usd": x.paper_usd, "paper_co2_kg": x.paper_co2_kg,
                "price_year": x.price_year})
        row["note"] = ("compute does not explain this benchmark: no cost figure"
                       if not x.identified else "; ".join(x.notes))
        ext_rows.append(row)
    ext = tables.write("extrapolations", pd.DataFrame(ext_rows))
    ctx["sections"]["extrapolation"] = {"table": ext}

    # backtests
    say("backtests", "backtesting past extrapolations")
    ctx["sections"]["backtests"] = _backtests(tables, joined.table, n_boot=min(n_boot, 2000),
                                              seed=seed)

    # forecasts with time: rolling-origin evaluation, shared rate, costs by buy date
    say("forecasts", "forecasting with algorithmic progress, checked out of sample")
    ctx["sections"]["forecasts"] = _forecasts(tables, joined.table, ext, n_boot=n_boot,
                                              seed=seed)
    return {"fits": fit_table, "extrapolations": ext, "polys": polys,
            "forecasts": ctx["sections"]["forecasts"]}


def _forecasts(tables: _Tables, joined: pd.DataFrame, ext: pd.DataFrame, *, n_boot: int,
               seed: int) -> dict[str, Any]:
    """Rolling-origin evaluation (every benchmark with enough dated results), the shared
    rate of algorithmic progress against published estimates, and per benchmark the compute,
    dollars and CO2 of halving today's best error, today and one and two years later."""
    from computelimits.scaling.calibrate import evaluate
    from computelimits.scaling.outlook import outlook, reference_datasets, trust_from
    from computelimits.scaling.pooled import PooledProgress, compare_published

    refs = reference_datasets(joined)
    # the models the report shows (the shared-rate-only and bootstrap-interval variants are
    # compared in `computelimits backtest`)
    _, summary = evaluate(joined, n_boot=min(n_boot, 300), seed=seed,
                          models=("time", "hybrid", "compute_only", "naive"))
    keep = summary[summary["model"].isin(["time", "hybrid", "compute_only", "naive"])]
    cols = ["benchmark", "target", "model", "predictions", "cutoffs", "not_identified",
            "forward_coverage", "inverse_coverage", "forward_medae", "inverse_medae_oom",
            "inverse_bias_oom", "skill_vs_compute_only", "skill_vs_naive"]
    evaluation = tables.write("forecast_evaluation", keep[cols].reset_index(drop=True))
    pool_name = next((b for b in summary["benchmark"] if str(b).startswith("pooled")),
                     "pooled")
    pooled_all = evaluation[(evaluation["benchmark"] == pool_name)
                            & (evaluation["target"] == "all")].set_index("model")
    lang = [b for b, d in refs.items()
            if d["source"].astype(str).isin(("epoch-benchmarks",
                                             "epoch-open-model-trends")).any()]
    rate_rows, published, shared = [], pd.DataFrame(), None
    if lang:
        rows = pd.concat([refs[b] for b in lang], ignore_index=True)
        pp = PooledProgress(n_boot=min(n_boot, 2000), seed=seed).fit(rows)
        published = tables.write("algorithmic_progress", compare_published(pp))
        rate_rows = pp.to_frame()
        if not pp.at_bound_:
            shared = (float(pp.gamma_), np.asarray(pp.boot_gamma_, float))
    from computelimits.scaling.forecast import Forecast

    usable = {b: d for b, d in refs.items() if d["year"].notna().sum() >= 8}
    ref_fc: dict[str, dict] = {"own": {b: Forecast(n_boot=0, seed=seed).fit(d)
                                       for b, d in usable.items()}}
    if shared is not None:
        ref_fc["shared"] = {b: Forecast(n_boot=0, seed=seed, rate=shared[0]).fit(d)
                            for b, d in usable.items()}
    out_rows = []
    for bench, data in refs.items():
        raw = data["error_raw"] if "error_raw" in data else data["error"]
        target = float(raw.min()) / 2
        try:
            o = outlook(data=data, target_error=target, references=refs,
                        evaluation=summary, n_boot=min(n_boot, 2000), seed=seed,
                        n_draws=2000, shared_rate=shared, reference_forecasts=ref_fc)
        except ComputeLimitsError as exc:
            out_rows.append({"benchmark": bench, "target_error": target, "note": str(exc)})
            continue
        fc = o.forecast
        row = {"benchmark": bench, "compute_kind": o.compute_kind, "date": o.date,
               "identified": o.identified, "model": fc.get("model"),
               "rate_source": fc.get("rate_source"), "rate_oom_per_year": fc["rate_oom_per_year"],
               "rate_low": fc["rate_low"], "rate_high": fc["rate_high"],
               "halving_months": fc["halving_months"], "best_error": float(raw.min()),
               "target_error": target}
        if o.inverse:
            row.update(determined=o.inverse.get("determined"),
                       log10_flop=o.inverse["log10_compute"],
                       log10_flop_low=o.inverse["low"], log10_flop_high=o.inverse["high"])
        if o.costs:
            for r, label in zip(o.costs["table"], ("now", "in_1y", "in_2y"), strict=False):
                row[f"usd_{label}"] = r["usd_median"]
                row[f"usd_{label}_low"] = r["usd_low"]
                row[f"usd_{label}_high"] = r["usd_high"]
                row[f"co2_kg_{label}"] = r["co2_kg_median"]
        t = o.trust or trust_from(summary, bench)
        own = t["benchmark"] or {}
        row.update(backtest_forward_coverage=own.get("forward_coverage"),
                   backtest_inverse_medae_oom=own.get("inverse_medae_oom"),
                   trust=t["sentence"],
                   note="; ".join(o.notes))
        out_rows.append(row)
    outlooks = tables.write("forecasts", pd.DataFrame(out_rows))
    # the compute-only extrapolations get the same check, from the same evaluation
    co = summary[(summary["target"] == "all") & (summary["model"] == "compute_only")]
    co = co.set_index("benchmark")
    if len(ext) and "benchmark" in ext:
        ext["backtest_forward_coverage"] = [co["forward_coverage"].get(b) for b in
                                            ext["benchmark"]]
        ext["backtest_inverse_medae_oom"] = [co["inverse_medae_oom"].get(b) for b in
                                             ext["benchmark"]]
        tables.write("extrapolations", ext)
    pooled_table = tables.write("forecast_evaluation_pooled", pooled_all.reset_index())
    return {"evaluation": evaluation, "pooled": pooled_table,
            "published": published, "rates": rate_rows, "outlooks": outlooks,
            "pool_name": pool_name}


def _trends(tables: _Tables, figs: Path, *, seed: int, n_boot: int) -> dict[str, Any]:
    from computelimits.report import figures
    from computelimits.scaling import trends

    report = trends.trend_report(n_boot=n_boot, seed=seed)
    cols = ["group", "label", "n", "start", "end", "slope", "slope_lo", "slope_hi",
            "doubling_months", "doubling_lo", "doubling_hi", "r2"]
    table = report.table()
    table = tables.write("trends", table[[c for c in cols if c in table.columns]])
    share = report.share_table()
    share = tables.write("trend_shares", share[[c for c in (
        "hardware", "share", "share_lo", "share_hi", "hardware_doubling", "compute_doubling",
        "hardware_start", "hardware_end", "hardware_n") if c in share.columns]])
    fig = trends.plot_trends(report)
    return {"table": table, "share": share, "figure": figures.save(fig, figs, "trends")}


def _backtests(tables: _Tables, joined: pd.DataFrame, *, n_boot: int,
               seed: int) -> dict[str, Any]:
    from computelimits.scaling import backtest

    cal = backtest.calibration(backtest.LANGUAGE_BENCHMARKS, backtest.DEFAULT_CUTOFFS,
                               joined=joined, n_boot=n_boot, seed=seed)
    return {"table": tables.write("backtests", cal)}


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
    return out
