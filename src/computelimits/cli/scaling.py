"""``computelimits fit``, ``extrapolate``, ``trends`` and ``backtest``: performance against
compute."""

from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import (
    BenchOpt,
    ChanceErrorOpt,
    ClusterOpt,
    ConventionOpt,
    DataOpt,
    DuplicatesOpt,
    FormatOpt,
    ImputeOpt,
    JsonOpt,
    KindOpt,
    NoFillOpt,
    PrecisionOpt,
    ScaleOpt,
    SettingOpt,
    StrictOpt,
)
from computelimits.errors import ConfigError


def model_choices() -> tuple[str, ...]:
    """``extrapolate --model``: the nested choice, the registered models that answer the
    outlook's questions, or the paper's compute-only fit (imported when parsed)."""
    from computelimits.scaling.evaluation.registry import candidates

    return ("auto", *(c.replace("_", "-") for c in candidates()), "compute-only")


__all__ = ["backtest", "extrapolate", "fit", "trends"]


def _amount(v: float) -> str:
    """A dollar or kg figure; one past the largest float (10^308) is said so, not "inf"."""
    import math

    if v is None or v != v:
        return "n/a"
    return f"{v:.3g}" if math.isfinite(v) else "beyond 10^308 (not priced)"


def _usd(v: float) -> str:
    text = _amount(v)
    return f"${text}" if text[0].isdigit() else text


def _num(v, spec: str = ".2f") -> str:
    """A table cell: "" for None or NaN."""
    return "" if v is None or v != v else format(v, spec)


def fit(
    benchmark: BenchOpt = None,
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    form: Annotated[list[str] | None, typer.Option(
        parser=ui.choice_parser(ui.FORM_CHOICES, ui.FORM_HINTS),
        help="Form(s): polynomial, exponential, logit. \\[default: all]")] = None,
    cov: Annotated[str, typer.Option(parser=ui.choice_parser(("cluster", "hc3", "ols")),
                                     help="Standard errors: cluster, hc3 or ols.")] = "cluster",
    cluster: ClusterOpt = "publication",
    kind: KindOpt = None,
    precision: PrecisionOpt = None,
    setting: SettingOpt = None,
    scale: ScaleOpt = "error",
    frontier_only: Annotated[bool, typer.Option(
        "--frontier", help="Fit only the compute–error frontier.")] = False,
    control_year: Annotated[bool, typer.Option(
        "--control-year", help="Add publication year as a regressor.")] = False,
    no_imputed: Annotated[bool, typer.Option(
        "--no-imputed", help="Leave out results with imputed compute.")] = False,
    impute: ImputeOpt = False,
    no_fill: NoFillOpt = False,
    convention: ConventionOpt = "per-chip",
    chance_error: ChanceErrorOpt = None,
    duplicates: DuplicatesOpt = "all",
    date_format: ui.DateFormatOpt = None,
    percent: ui.PercentOpt = None,
    n_boot: Annotated[int, ui.num_option(
        help="Cluster-bootstrap resamples.", **ui.BOOT_RANGE)] = 10_000,
    seed: ui.SeedOpt = 0,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Fit error against compute for one benchmark, in the paper's forms side by side:
    slope, standard error, interval, R², N, clusters, AIC/BIC, implied polynomial degree and
    the compute multiple that halves the error. One kind of compute at a time (N per kind and
    what was left out are printed); results at or worse than chance are left out; clusters
    are publications; per-source fits are shown beside the pooled one.

    Example: computelimits fit --benchmark mmlu --form polynomial --control-year

    Example: computelimits fit --data my_imagenet.csv --format computer-progress --benchmark
    imagenet
    """
    from rich.table import Table

    from computelimits.data.inputs import results_input
    from computelimits.scaling import ScalingFit
    from computelimits.scaling.comparison import DEFAULT_FORMS, compare_forms

    forms = form or list(DEFAULT_FORMS)
    for f_ in forms:  # fail fast, before any data are read
        ScalingFit(f_, cov=cov)
    catalog = ui.catalog_for(strict)
    joined, benchmark = results_input(data_file, benchmark, fmt=fmt, impute=impute,
                                      fill=not no_fill, convention=convention,
                                      chance_error=chance_error, duplicates=duplicates,
                                      date_format=date_format,
                                      score_scale=ui.score_scale(percent), catalog=catalog)
    c = compare_forms(benchmark, forms=forms, joined=joined, cov=cov, cluster=cluster,
                      kind=kind, precision=precision, setting=setting, scale=scale,
                      imputed=not no_imputed, frontier_only=frontier_only,
                      control_year=control_year, n_boot=n_boot, seed=seed, catalog=catalog)
    if as_json:
        ui.echo_json(c.to_dict())
        return
    sel, fits = c.selection, c.fits
    table = Table(title=f"{benchmark}: error against {sel.kind} compute ({len(c.data)} results)")
    for col in ("form", "slope", "se", "95% CI", "boot CI", "R²", "N", "clusters", "AIC",
                "BIC", "halving ×"):
        table.add_column(col, justify="right")
    for f_ in fits:
        d = f_.to_dict()
        half = (f"{d['halving_multiple']:.3g}" if d["halving_multiple"] is not None
                else "not identified")
        table.add_row(f_.form, f"{d['slope']:.4f}", f"{d['slope_se']:.4f}",
                      f"[{d['slope_ci_low']:.4f}, {d['slope_ci_high']:.4f}]",
                      f"[{d.get('slope_boot_ci_low', float('nan')):.4f}, "
                      f"{d.get('slope_boot_ci_high', float('nan')):.4f}]",
                      f"{d['r2']:.3f}", str(d["n"]), str(d["clusters"]), f"{d['aic']:.1f}",
                      f"{d['bic']:.1f}", half)
    ui.console.print(table)
    ui.console.print(str(fits[0].summary()), highlight=False, markup=False)
    if c.sources is not None:
        ui.console.print(f"sources: {c.sources.statement}", highlight=False, markup=False)
        for r in c.sources.table.itertuples():
            if r.fit != "pooled":
                ui.console.print(f"  {r.fit} {r.source}: slope {r.slope:.4f} "
                                 f"[{r.slope_ci_low:.4f}, {r.slope_ci_high:.4f}], N {r.n}",
                                 highlight=False, markup=False)
    ui.print_sources(c.attribution)
    for r in fits[0].influence().head(3).itertuples():
        ui.console.print(f"influence: without {r.paper!r} ({r.results} results) the slope is "
                         f"{r.slope_without:.4f}" + (" [flagged]" if r.flag else ""),
                         highlight=False, markup=False)


def extrapolate(
    target_error: Annotated[float | None, ui.num_option(
        low=0, high=1, low_open=True, high_open=True,
        help="Target error as a fraction, e.g. 0.05 for 5% error (the inverse question: "
             "what compute, dollars and CO2 reach it).")] = None,
    benchmark: BenchOpt = None,
    date: Annotated[str | None, typer.Option(
        parser=ui.date_parser,
        help="Date of the questions, YYYY-MM-DD (time model). \\[default: today]")] = None,
    compute: Annotated[float | None, ui.num_option(
        low=0, low_open=True,
        help="Forward question: the error a model of this training compute (FLOP) released "
             "at --date reaches (time model).")] = None,
    frontier: Annotated[bool, typer.Option(
        "--frontier", help="Frontier question: the best error expected at --date if "
                           "frontier compute keeps growing at its measured rate.")] = False,
    model: Annotated[str, typer.Option(
        parser=ui.choice_parser(model_choices),
        help="'auto': the time-aware model the nested rolling-origin evaluation chooses "
             "(chosen on earlier cutoffs, scored on later ones); 'time': error on compute and "
             "date with the benchmark's own rate of algorithmic progress; 'hybrid': its own "
             "rate where identified, else the shared one; 'pooled': the shared rate; "
             "'compute-only': the paper's fit on compute alone, with modern and "
             "paper-convention costs. Intervals of the time-aware models are calibrated out "
             "of sample per horizon.")] = "auto",
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    form: Annotated[str, typer.Option(parser=ui.choice_parser(ui.FORM_CHOICES, ui.FORM_HINTS),
                                      help="Fitted form.")] = "polynomial",
    kind: KindOpt = None,
    precision: PrecisionOpt = None,
    setting: SettingOpt = None,
    scale: ScaleOpt = "error",
    cluster: ClusterOpt = "publication",
    impute: ImputeOpt = False,
    no_fill: NoFillOpt = False,
    convention: ConventionOpt = "per-chip",
    chance_error: ChanceErrorOpt = None,
    duplicates: DuplicatesOpt = "all",
    date_format: ui.DateFormatOpt = None,
    percent: ui.PercentOpt = None,
    budget: Annotated[float | None, ui.num_option(
        low=0, low_open=True,
        help="Budget in US dollars: the year the run becomes affordable on the measured "
             "price-performance trend.")] = None,
    zone: Annotated[str | None, typer.Option(
        help="Grid zone for CO2. \\[default: world average]")] = None,
    n_boot: Annotated[int, ui.num_option(
        help="Cluster-bootstrap resamples.", **ui.BOOT_RANGE)] = 10_000,
    seed: ui.SeedOpt = 0,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """The compute, dollars and CO2 needed to reach a target error, with bootstrap confidence
    and prediction intervals, under modern defaults and the paper's conventions. Where the
    slope's interval includes zero, compute does not explain the benchmark and no figure is
    printed.

    Example: computelimits extrapolate --benchmark mmlu --target-error 0.15 --frontier

    Example: computelimits extrapolate --benchmark imagenet --target-error 0.05 --model
    compute-only --budget 1e9
    """
    # the options that need no data are checked before anything is imported or read
    if model not in model_choices():
        raise ConfigError(f"--model must be one of {', '.join(model_choices())}, got "
                          f"{model!r}")
    if model != "compute-only" and budget is not None:
        raise ConfigError("--budget applies to --model compute-only; the time model prices "
                          "the target by buy date")
    if model == "compute-only" and (target_error is None or date or compute is not None
                                    or frontier):
        raise ConfigError("--model compute-only answers --target-error only (no --date, "
                          "--compute or --frontier)")
    from computelimits.data.inputs import results_input

    select = {"kind": kind, "precision": precision, "setting": setting, "scale": scale,
              "cluster": cluster}
    catalog = ui.catalog_for(strict)
    joined, benchmark = results_input(data_file, benchmark, fmt=fmt, impute=impute,
                                      fill=not no_fill, convention=convention,
                                      chance_error=chance_error, duplicates=duplicates,
                                      date_format=date_format,
                                      score_scale=ui.score_scale(percent), catalog=catalog)
    if model != "compute-only":
        from computelimits.scaling import outlook

        o = outlook(benchmark, target_error=target_error, date=date, compute=compute,
                    frontier=frontier, joined=joined, select=select,
                    n_boot=ui.capped_boot(n_boot, 4000, "the time-aware models"), seed=seed,
                    zone=zone, catalog=catalog,
                    model=model)
        _print_outlook(o, as_json)
        return
    from computelimits.scaling import extrapolate as run

    x = run(benchmark, target_error, form=form, budget_usd=budget, zone=zone, n_boot=n_boot,
            seed=seed, joined=joined, select=select, catalog=catalog)
    if as_json:
        ui.echo_json(x.to_dict())
        return
    _print_extrapolation(x)


def _print_extrapolation(x) -> None:
    """The compute-only answer: compute, dollars and CO2 with 95% intervals."""
    import math

    from rich.table import Table

    def e10(v):
        return f"10^{v:.1f}" if math.isfinite(v) else "∞"

    say = ui.console.print
    if not x.identified:
        say(ui.bold(x.benchmark, ": compute does not explain this benchmark — no compute, "
                    f"dollar or CO2 figure for error {x.target_error:g}"), highlight=False)
        for n_ in [*x.selection_lines, *x.notes]:
            say(f"note: {n_}", style="yellow", highlight=False, markup=False)
        ui.print_sources(x.sources)
        return
    from computelimits.scaling.outlooks import MAX_INTERVAL_OOM

    width = x.log10_compute_ci_high - x.log10_compute_ci_low
    if not width <= MAX_INTERVAL_OOM:
        say(ui.bold(x.benchmark, f": error {x.target_error:g} needs {e10(x.log10_compute_ci_low)}"
                    f"–{e10(x.log10_compute_ci_high)} FLOP of {x.compute_kind} compute (95% "
                    f"confidence): {width:.1f} orders of magnitude wide, more than "
                    f"{MAX_INTERVAL_OOM:g}, so the data cannot size this run — no central "
                    "figure, dollar or CO2 figure"), highlight=False)
        for n_ in [*x.selection_lines, *x.notes]:
            say(f"note: {n_}", style="yellow", highlight=False, markup=False)
        ui.print_sources(x.sources)
        return
    where = (f"extrapolation {x.orders_beyond_data:.1f} orders of magnitude beyond the largest "
             "observed compute" if x.is_extrapolation else "within the observed compute range")
    say(ui.bold(x.benchmark, f": error {x.target_error:g} (best observed "
                f"{x.best_observed_error:.3g}), {x.form} fit on {x.compute_kind} compute — "
                f"{where}"), highlight=False)
    table = Table()
    for col in ("quantity", "central", "95% confidence", "95% prediction"):
        table.add_column(col, justify="right")
    table.add_row(f"{x.compute_kind} compute (FLOP)", e10(x.log10_compute),
                  f"{e10(x.log10_compute_ci_low)}–{e10(x.log10_compute_ci_high)}",
                  f"{e10(x.log10_compute_pred_ci_low)}–{e10(x.log10_compute_pred_ci_high)}")
    table.add_row(f"cost ({x.price_year} cloud prices)", _usd(x.usd),
                  f"{_usd(x.usd_ci_low)}–{_usd(x.usd_ci_high)}",
                  f"{_usd(x.usd_pred_ci_low)}–{_usd(x.usd_pred_ci_high)}")
    table.add_row("CO2e (kg)", _amount(x.co2_kg),
                  f"{_amount(x.co2_kg_ci_low)}–{_amount(x.co2_kg_ci_high)}", "")
    table.add_row("cost, paper convention", _usd(x.paper_usd), "", "")
    table.add_row("CO2, paper convention (kg)", _amount(x.paper_co2_kg), "", "")
    if x.marginal_usd_per_point is not None:
        table.add_row("marginal cost per point of error at the frontier",
                      _usd(x.marginal_usd_per_point), "", "")
        table.add_row("marginal CO2e per point of error at the frontier (kg)",
                      _amount(x.marginal_co2_kg_per_point), "", "")
    if x.affordable_year is not None:
        table.add_row(f"affordable at ${x.budget_usd:.3g}", f"{x.affordable_year:.0f}", "", "")
    say(table)
    for line in x.selection_lines:
        say(f"data: {line}", highlight=False, markup=False)
    for a in x.assumptions:
        say(f"  {a['name']} = {a['value']:g} {a.get('unit', '')} — {a['source']}",
            highlight=False, markup=False)
    for n_ in x.notes:
        say(f"note: {n_}", style="yellow", highlight=False, markup=False)
    ui.print_sources(x.sources)


def _print_outlook(o, as_json: bool) -> None:
    """The three answers, the costs by buy year and how far to trust them."""
    from rich.table import Table

    if as_json:
        ui.echo_json(o.to_dict())
        return
    say = ui.console.print
    fc = o.forecast
    say(ui.bold(o.benchmark, f" at {o.date}: error on {o.compute_kind} compute and date"),
        highlight=False)
    for line in o.selection_lines:
        say(f"data: {line}", highlight=False, markup=False)
    if not o.identified:
        say("compute does not explain this benchmark — no compute, dollar or CO2 figure",
            highlight=False)
    else:
        say(f"algorithmic progress: {fc['rate_oom_per_year']:.2f} orders of magnitude per year "
            f"[{fc['rate_ci_low']:.2f}, {fc['rate_ci_high']:.2f}] — the compute needed for a fixed "
            f"error halves every {fc['halving_months']:.1f} months (Ho et al. 2024 find ~8 for "
            "language models, Erdil & Besiroglu 2022 ~9 for ImageNet)", highlight=False,
            markup=False)
    t = Table(title="answers with 95% intervals (calibrated out of sample)")
    for col in ("question", "answer", "95% interval"):
        t.add_column(col, justify="right" if col != "question" else "left")
    if o.inverse:
        i = o.inverse
        central = (f"10^{i['log10_compute']:.1f} FLOP" if i.get("determined", True)
                   else "not determined")
        t.add_row(f"compute for error {i['target_error']:g}", central,
                  f"10^{i['log10_compute_ci_low']:.1f}–10^{i['log10_compute_ci_high']:.1f}")
    if o.forward:
        f = o.forward
        t.add_row(f"error of a {f['compute']:.3g}-FLOP model", f"{f['error']:.3g}",
                  f"{f['error_ci_low']:.3g}–{f['error_ci_high']:.3g}")
    if o.frontier:
        f = o.frontier
        t.add_row(f"frontier error (10^{f['log10_compute']:.1f} FLOP)", f"{f['error']:.3g}",
                  f"{f['error_ci_low']:.3g}–{f['error_ci_high']:.3g}")
    if t.row_count:
        say(t)
    if o.costs:
        c = Table(title="cost of the target by buy date (medians, 95% intervals)")
        for col in ("buy", "compute (FLOP)", "dollars", "t CO2e"):
            c.add_column(col, justify="right")
        for r in o.costs["table"]:
            c.add_row(f"{r['buy_year']:.1f}", f"10^{r['log10_flop_median']:.1f}",
                      f"${r['usd_median']:.3g} ({r['usd_ci_low']:.3g}–{r['usd_ci_high']:.3g})",
                      f"{r['co2_kg_median'] / 1e3:.3g} ({r['co2_kg_ci_low'] / 1e3:.3g}–"
                      f"{r['co2_kg_ci_high'] / 1e3:.3g})")
        say(c)
        for a in o.costs["assumptions"]:
            rng = (f"{a['low']:g}–{a['high']:g}" if a.get("low") is not None
                   and a.get("high") is not None else f"{a.get('value')}")
            say(f"  {a['name']} = {rng} {a.get('unit') or ''} — {a.get('source')}",
                highlight=False, markup=False)
        say(f"  {o.costs['note']}", highlight=False, markup=False)
    if o.trust:
        say(f"trust: {o.trust['sentence']}", highlight=False, markup=False)
    for n_ in o.notes:
        say(f"note: {n_}", style="yellow", highlight=False, markup=False)
    if o.costs:
        for n_ in o.costs["notes"]:
            say(f"note: {n_}", style="yellow", highlight=False, markup=False)
    ui.print_sources(o.sources)


def trends(
    out: Annotated[Path | None, ui.out_folder_option(
        help="Folder for trends.csv, shares.csv and figure.png/.svg (one of these that "
             "exists is replaced only with --force).",
        files=("trends.csv", "shares.csv", "figure.png", "figure.svg"))] = None,
    start: Annotated[int, ui.num_option(kind=int, low=1950, high=2100,
                                        help="First year of the common period.")] = 2012,
    end: Annotated[int, ui.num_option(kind=int, low=1950, high=2100,
                                      help="Last year of the common period.")] = 2023,
    subset: Annotated[str, typer.Option(
        parser=ui.choice_parser(("notable", "frontier", "all", "large_scale")),
        help="Models: notable, frontier, all or large_scale.")] = "notable",
    n_boot: Annotated[int, ui.num_option(help="Bootstrap resamples.", **ui.BOOT_RANGE)] = 2000,
    seed: ui.SeedOpt = 0,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Growth of training compute (doubling time, by era) against hardware progress measured
    from the data — peak FLOP/s per chip, FLOP/s per dollar, Moore's law — and how much of the
    compute growth hardware explains.

    Example: computelimits trends --out results/trends
    """
    from rich.table import Table

    from computelimits._io import ensure_folder, write_csv
    from computelimits.data.credits import attribution
    from computelimits.errors import ConfigError
    from computelimits.scaling.compute_vs_hardware import trend_report

    if start >= end:
        raise ConfigError(f"--start ({start}) must be before --end ({end})")
    report = trend_report(period=(start, end), compute_subset=subset, n_boot=n_boot,
                            seed=seed, catalog=ui.catalog_for(strict))
    table, share = report.table(), report.share_table()
    if out is not None:
        from computelimits.report.figures import save
        from computelimits.report.trend_figures import plot_trends

        ensure_folder(out)
        write_csv(table, out / "trends.csv")
        write_csv(share, out / "shares.csv")
        save(plot_trends(report), out, "figure")
    if as_json:
        ui.echo_json(report.to_dict())
        return
    t = Table(title=f"doubling times (months), 95% intervals; common period {start}–{end}")
    for col in ("series", "n", "years", "doubling", "interval"):
        t.add_column(col, justify="right" if col != "series" else "left")
    for r in table.itertuples():
        t.add_row(str(r.label), str(r.n), f"{int(r.start)}–{int(r.end)}",
                  f"{r.doubling_months:.1f}",
                  f"{r.doubling_months_ci_low:.1f}–{r.doubling_months_ci_high:.1f}")
    ui.console.print(t)
    for r in share.itertuples():
        ui.console.print(f"{r.hardware}: explains {r.share:.0%} ({r.share_ci_low:.0%}–"
                         f"{r.share_ci_high:.0%}) of the growth in training compute",
                         highlight=False)
    ui.print_sources(attribution(["epoch-ai-models", "epoch-hardware", "microprocessor-trends"]))


def backtest(
    benchmark: Annotated[list[str] | None, typer.Option(
        help="Benchmark id(s). \\[default: the language-model benchmarks, or the --data "
             "file's benchmarks]")] = None,
    cutoff: Annotated[list[str] | None, typer.Option(
        parser=ui.date_parser,
        help="Cutoff date(s), YYYY-MM-DD: the compute-only fit before each, scored on the new "
             "bests after it. \\[default: a rolling-origin evaluation over quarterly cutoffs "
             "of the time model against the compute-only fit and a naive baseline]")] = None,
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    form: Annotated[str, typer.Option(parser=ui.choice_parser(ui.FORM_CHOICES, ui.FORM_HINTS),
                                      help="Fitted form.")] = "polynomial",
    kind: KindOpt = None,
    precision: PrecisionOpt = None,
    setting: SettingOpt = None,
    scale: ScaleOpt = "error",
    cluster: ClusterOpt = "publication",
    impute: ImputeOpt = False,
    no_fill: NoFillOpt = False,
    convention: ConventionOpt = "per-chip",
    chance_error: ChanceErrorOpt = None,
    duplicates: DuplicatesOpt = "all",
    date_format: ui.DateFormatOpt = None,
    percent: ui.PercentOpt = None,
    n_boot: Annotated[int, ui.num_option(
        help="Cluster-bootstrap resamples.", **ui.BOOT_RANGE)] = 2000,
    seed: ui.SeedOpt = 0,
    out: Annotated[Path | None, ui.out_file_option(
        help="Write the calibration table as CSV (and, without --cutoff, the per-result rows "
             "to OUT.predictions.csv beside it).", sidecars=("predictions.csv",))] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Fit on results published before a cutoff, predict the compute of the best results
    after it, and report how often the truth falls inside the 95% intervals and the error in
    orders of magnitude.

    Example: computelimits backtest --benchmark hellaswag --cutoff 2022-01-01

    Example: computelimits backtest --data my_results.csv --cutoff 2023-01-01
    """
    from computelimits._io import sidecar_path, write_csv
    from computelimits.data.inputs import results_input

    catalog = ui.catalog_for(strict)
    one = benchmark[0] if benchmark and len(benchmark) == 1 else None
    joined, _ = results_input(data_file, one, fmt=fmt, impute=impute, fill=not no_fill,
                              convention=convention, chance_error=chance_error,
                              duplicates=duplicates, date_format=date_format,
                              score_scale=ui.score_scale(percent), need_benchmark=False,
                              one=False, catalog=catalog)
    select = {"kind": kind, "precision": precision, "setting": setting, "scale": scale}
    if not cutoff:
        from computelimits.scaling.evaluation import rolling_evaluation

        ev = rolling_evaluation(joined, benchmarks=benchmark,
                                select={**select, "cluster": cluster},
                                n_boot=n_boot, seed=seed, form=form, catalog=catalog)
        if out is not None:
            write_csv(ev.summary, out)
            write_csv(ev.predictions, sidecar_path(out, "predictions", ".csv"))
        _print_rolling(ev, as_json)
        return
    from computelimits.scaling.evaluation import cutoff_backtests

    cal = cutoff_backtests(cutoff, benchmark, joined=joined, form=form, cluster=cluster,
                           select=select, n_boot=n_boot, seed=seed, catalog=catalog)
    if out is not None:
        write_csv(cal, out)
    if as_json:
        typer.echo(cal.to_json(orient="records", indent=2))
        return
    from rich.table import Table

    t = Table(title="backtests: 95% prediction-interval coverage and error (orders of magnitude)")
    for col in ("benchmark", "cutoff", "compute", "train", "test", "PI coverage",
                "CI coverage", "median |error|", "bias", "note"):
        t.add_column(col, justify="right" if col not in ("benchmark", "note") else "left")
    for r in cal.to_dict(orient="records"):
        t.add_row(str(r["benchmark"]), str(r["cutoff"]), str(r.get("compute_kind") or ""),
                  _num(r.get("n_train"), ".0f"), _num(r.get("n_test"), ".0f"),
                  _num(r.get("pi_coverage")), _num(r.get("ci_coverage")),
                  _num(r.get("median_abs_error_oom")), _num(r.get("bias_oom")),
                  str(r.get("reason") or ""))
    ui.console.print(t)
    if joined is not None:
        ui.print_sources(joined.attrs.get("attribution", []))
    else:
        from computelimits.data.credits import attribution

        ui.print_sources(attribution(["epoch-benchmarks", "epoch-open-model-trends",
                                      "epoch-ai-models"]))


def _print_rolling(ev, as_json: bool) -> None:
    """The rolling-origin evaluation: coverage, error and skill per benchmark and model, the
    pooled figures per horizon bin (per prediction and per distinct result, with the
    intervals' width) and the nested choice of the default model."""
    from rich.table import Table

    from computelimits._json import json_safe

    summary = ev.summary
    if as_json:
        choices = ev.choices
        ui.echo_json(json_safe({
            "summary": summary.astype(object).where(summary.notna(), None).to_dict(
                orient="records"),
            "choices": choices.astype(object).where(choices.notna(), None).to_dict(
                orient="records") if len(choices) else [],
            "default_model": ev.default_model,
            "lookahead_free": ev.predictions.attrs.get("lookahead_free", False)}))
        return
    shown = ["nested", "time", "compute_only", "naive"]
    t = Table(title="rolling-origin backtest: every later result, all horizons (95% intervals; "
                    "errors in orders of magnitude of compute)")
    for col in ("benchmark", "model", "predictions", "results", "forward coverage",
                "inverse coverage", "inverse median |error|", "skill vs compute-only",
                "skill vs naive", "not identified"):
        t.add_column(col, justify="left" if col in ("benchmark", "model") else "right")
    rows = summary[(summary["target"] == "all") & (summary["horizon"] == "all")
                   & summary["model"].isin(shown)]
    for r in rows.to_dict(orient="records"):
        t.add_row(str(r["benchmark"]), str(r["model"]), str(r["predictions"]),
                  str(r["distinct_results"]), _num(r["forward_coverage"]),
                  _num(r["inverse_coverage"]), _num(r["inverse_medae_oom"]),
                  _num(r["skill_vs_compute_only"]), _num(r["skill_vs_naive"]),
                  _num(r["not_identified"], ".0%"))
    ui.console.print(t)
    pool = next((b for b in summary["benchmark"] if str(b).startswith("pooled")), None)
    h = summary[(summary["benchmark"] == pool) & (summary["target"] == "all")
                & (summary["horizon"] != "all") & summary["model"].isin(shown)]
    if len(h):
        t = Table(title=f"{pool}, by horizon (years from the last training result): "
                        "coverage per prediction/per distinct result; inverse median |error| "
                        "and median 95% interval width (orders of magnitude); skill vs "
                        "compute-only")
        for col in ("horizon", "model", "n/results", "fwd cov", "inv cov", "|err|",
                    "width", "skill"):
            t.add_column(col, justify="left" if col in ("horizon", "model") else "right")
        for r in h.sort_values(["horizon", "model"]).to_dict(orient="records"):
            t.add_row(str(r["horizon"]), str(r["model"]).replace("compute_only", "c-only"),
                      f"{r['predictions']}/{r['distinct_results']}",
                      f"{_num(r['forward_coverage'])}/{_num(r['forward_coverage_distinct'])}",
                      f"{_num(r['inverse_coverage'])}/{_num(r['inverse_coverage_distinct'])}",
                      _num(r["inverse_medae_oom"]), _num(r["width_median_oom"]),
                      _num(r["skill_vs_compute_only"]))
        ui.console.print(t)
    best = summary[(summary["target"] == "new_best") & (summary["horizon"] == "all")
                   & (summary["benchmark"] == pool) & summary["model"].isin(shown)]
    for r in best.to_dict(orient="records"):
        ui.console.print(f"new bests only ({r['benchmark']}), {r['model']}: "
                         f"{r['predictions']} predictions, inverse median |error| "
                         f"{_num(r['inverse_medae_oom'])}, bias {_num(r['inverse_bias_oom'])} "
                         "orders (new bests are selected to be lucky for their compute)",
                         highlight=False, markup=False)
    d = ev.default_model or {}
    if d:
        ui.console.print(f"default model (what extrapolate uses): {d.get('model')} — "
                         f"{d.get('reason', '')}; nested: at each cutoff the model chosen from "
                         "outcomes observed before it", highlight=False, markup=False)
    if not ev.predictions.attrs.get("lookahead_free", False):
        ui.console.print("note: the compute kind and setting were chosen on the whole table "
                         "(regression rows given), not before each cutoff", style="yellow",
                         highlight=False, markup=False)
    ui.console.print("time: error on compute and date, conformal intervals calibrated per "
                     "horizon on the pooled out-of-sample errors; compute_only: the paper's "
                     "fit; naive: the last record's compute grown at the results' compute "
                     "growth rate. Skill = 1 − median |error| / the baseline's.",
                     highlight=False, markup=False)
    ui.print_sources(ev.sources)
