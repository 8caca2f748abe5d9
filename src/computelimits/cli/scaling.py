"""``computelimits fit``, ``extrapolate``, ``trends`` and ``backtest``: performance against
compute."""

import math
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


def _num(v, spec: str = ".2f") -> str:
    """A table cell of a plain statistic (orders of magnitude, skill): "" for None or NaN."""
    return "" if v is None or v != v else format(v, spec).replace("-", "−")


def _pct(v) -> str:
    """A share (coverage) as a percentage: "" for None or NaN."""
    from computelimits import formatting as fm

    return "" if v is None or v != v else fm.percent(v)


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
    verbose: ui.VerboseOpt = False,
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
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.inputs import results_input
    from computelimits.scaling import ScalingFit
    from computelimits.scaling.comparison import DEFAULT_FORMS, compare_forms

    forms = form or list(DEFAULT_FORMS)
    for f_ in forms:  # fail fast, before any data are read
        ScalingFit(f_, cov=cov)
    catalog = resolve_catalog(strict=strict or None)
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
    _print_fits(c, benchmark, verbose, cluster=cluster, cov=cov)


def _plain_text(text: str) -> str:
    """``text`` with its e-notation numbers in the package's format (``1.87e+03×`` →
    ``1,870×``; a summary written elsewhere keeps one number format on screen)."""
    import re

    from computelimits import formatting as fm

    def one(m: re.Match) -> str:
        v = float(m.group(1))
        return fm.multiple(v) if m.group(2) else fm.plain(v)

    return re.sub(r"(?<![\w.])(-?\d+(?:\.\d+)?e[+-]\d+)(×)?", one, text)


def _print_fits(c, benchmark: str, verbose: bool, cluster: str = "publication",
                cov: str = "cluster") -> None:
    """The forms side by side (slope with its 95% interval, R², the compute multiple that
    halves the error), what they rest on and the most influential publication; standard
    errors, bootstrap intervals, AIC/BIC, the first form's summary, the per-source fits, the
    selection and the three most influential publications under --verbose."""
    from computelimits import formatting as fm

    say = ui.console.print
    sel, fits = c.selection, c.fits
    first = fits[0].to_dict()
    say(ui.bold(f"{benchmark}: error against {sel.kind} compute"), highlight=False)
    n_clusters = first["clusters"]
    say(f"rests on {_rests_on(sel.lines())}, {n_clusters} cluster"
        f"{'s' if n_clusters != 1 else ''} ({cluster}{'s' if n_clusters != 1 else ''})",
        highlight=False, markup=False)
    table = _compact_table("form", "slope", "95% CI", "R²", "N", "halving ×")
    more = _compact_table("form", "se", "bootstrap 95% CI", "clusters", "AIC", "BIC")
    for f_ in fits:
        d = f_.to_dict()
        half = (fm.multiple(d["halving_multiple"]) if d["halving_multiple"] is not None
                else "not identified")
        table.add_row(f_.form, fm.slope(d["slope"]),
                      f"[{fm.slope(d['slope_ci_low'])}, {fm.slope(d['slope_ci_high'])}]",
                      fm.plain(d["r2"], 2), str(d["n"]), half)
        se = fm.as_number(d["slope_se"])
        more.add_row(f_.form, fm.MISSING if se is None else f"{se:.4f}",
                     f"[{fm.slope(d.get('slope_boot_ci_low'))}, "
                     f"{fm.slope(d.get('slope_boot_ci_high'))}]", str(d["clusters"]),
                     _num(d["aic"], ".1f"), _num(d["bic"], ".1f"))
    say(table)
    if cov == "cluster" and n_clusters < 2:
        say(f"no standard error or 95% interval: all {first['n']} results come from one "
            f"{cluster}, and a cluster-robust interval needs at least two (--cov hc3 treats "
            "the results as independent), so the slope is not identified",
            highlight=False, markup=False)
    if verbose:
        say(more)
    influence = fits[0].influence().head(3)
    for k, r in enumerate(influence.itertuples()):
        if k and not verbose:
            break
        results = f"{r.results} result{'s' if r.results != 1 else ''}"
        say(f"{'trust' if k == 0 else 'influence'}: without {r.paper!r} ({results}) the "
            f"{fits[0].form} slope is {fm.slope(r.slope_without)}"
            + (" [flagged]" if r.flag else ""), highlight=False, markup=False)
    if verbose:
        say(_plain_text(str(fits[0].summary())), highlight=False, markup=False)
        if c.sources is not None:
            say(f"sources: {c.sources.statement}", highlight=False, markup=False)
            for r in c.sources.table.itertuples():
                if r.fit != "pooled":
                    say(f"  {r.fit} {r.source}: slope {fm.slope(r.slope)} "
                        f"[{fm.slope(r.slope_ci_low)}, {fm.slope(r.slope_ci_high)}], N {r.n}",
                        highlight=False, markup=False)
    else:
        ui.print_more(*(["the fits of each source alone"] if c.sources is not None else []),
                      "standard errors, bootstrap intervals, AIC and BIC",
                      selection_lines=len(sel.lines()) - 1)
    ui.print_sources(c.attribution, verbose)


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
             "(chosen on earlier cutoffs, scored on later ones, as answers run it); 'time': "
             "error on compute and date with the benchmark's own rate of algorithmic "
             "progress; 'time-logit': the same in the logit form (flattens towards chance); "
             "'time-local': intervals scaled by the benchmark's own out-of-sample error; "
             "'time-shrunk': its own rate shrunk towards the mean of all benchmarks' rates "
             "(partial pooling); 'time-recent': the time model on the results of a recent "
             "window chosen by rolling validation on earlier results; "
             "'hybrid': its own rate where identified, else the shared "
             "one; 'pooled': the shared rate; 'compute-only': the paper's fit on compute "
             "alone, with modern and paper-convention costs. A model whose own rate is not "
             "identified answers with 'hybrid' and says so. Intervals of the time-aware "
             "models are calibrated out of sample per horizon.")] = "auto",
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
        help="Cluster-bootstrap resamples (the time-aware models use at most 4,000).",
        **ui.BOOT_RANGE)] = 10_000,
    seed: ui.SeedOpt = 0,
    as_json: JsonOpt = False,
    verbose: ui.VerboseOpt = False,
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
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.inputs import results_input

    select = {"kind": kind, "precision": precision, "setting": setting, "scale": scale,
              "cluster": cluster}
    catalog = resolve_catalog(strict=strict or None)
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
        _print_outlook(o, as_json, verbose, zone_choice=_zone_choice(zone, catalog))
        return
    from computelimits.scaling import extrapolate as run

    x = run(benchmark, target_error, form=form, budget_usd=budget, zone=zone, n_boot=n_boot,
            seed=seed, joined=joined, select=select, catalog=catalog)
    if as_json:
        ui.echo_json(x.to_dict())
        return
    _print_extrapolation(x, verbose, zone_choice=_zone_choice(zone, catalog))


def _zone_choice(zone: str | None, catalog) -> str:
    """Which table a place name given as --zone was read from, where another table has the
    same place under another id ("" otherwise)."""
    if zone is None:
        return ""
    from computelimits.compute.energy import grid_intensity

    return grid_intensity(zone, catalog=catalog).choice


def _rests_on(selection_lines: list[str]) -> str:
    """What a fit rests on, from its selection's first line ("88 results fitted: compute
    kind training, setting few-shot; usable results per kind: ...") as "88 results
    (training compute, few-shot)"; the per-kind counts are left to --verbose."""
    import re

    if not selection_lines:
        return ""
    first = selection_lines[0].split("; usable results")[0]
    m = re.fullmatch(r"(\d+) results fitted: compute kind (.+?)(?:, peak precision (\S+))?"
                     r"(?:, setting (.+))?", first)
    if m is None:
        return first
    n, kind, precision, setting = m.groups()
    what = [f"{kind} compute" + (f" at {precision}" if precision else "")]
    if setting:
        what.append(setting)
    # a benchmark of the user's own: where its chance level comes from (or that it has none)
    # is part of what the answer rests on, not a detail for --verbose
    own = next((ln for ln in selection_lines[1:] if "your own benchmark" in ln
                or "no chance level given" in ln), None)
    return f"{n} results ({', '.join(what)})" + (f"; {own}" if own else "")


def _skill_cell(r: dict) -> str:
    """The skill against the compute-only fit, with its bootstrap interval where there is
    one."""
    lo, hi = r.get("skill_vs_compute_only_ci_low"), r.get("skill_vs_compute_only_ci_high")
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return _num(r["skill_vs_compute_only"])
    return f"{_num(r['skill_vs_compute_only'])} [{_num(lo)}, {_num(hi)}]"


#: Terminal width (characters) from which the cost table shows the compute per buy year.
WIDE_TABLE = 96


def _compact_table(*columns: str):
    """A borderless rich table: a bold header, then one line per row."""
    from rich.table import Table

    t = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 1))
    for i, col in enumerate(columns):
        t.add_column(col, justify="left" if i == 0 else "right")
    return t


def _print_extrapolation(x, verbose: bool = False, zone_choice: str = "") -> None:
    """The compute-only answer: compute, dollars and CO2 with 95% intervals, what the fit
    rests on and how far it reaches; the selection, assumptions and notes under --verbose."""
    from computelimits import formatting as fm

    say = ui.console.print
    rests = _rests_on(x.selection_lines)
    hidden = {"notes": len(x.notes), "assumptions": len(x.assumptions),
              "selection_lines": max(0, len(x.selection_lines) - 1)}

    def details() -> None:
        if zone_choice:
            say(zone_choice, highlight=False, markup=False)
        if verbose:
            ui.print_notes(x.selection_lines, prefix="data: ", style="")
            for a in x.assumptions:
                say(f"  {a['name']} = {fm.amount(a['value'], a.get('unit', ''))} — "
                    f"{a['source']}", highlight=False, markup=False)
            ui.print_notes(x.notes)
        else:
            ui.print_more(**hidden)
        ui.print_sources(x.sources, verbose)

    if not x.identified:
        say(ui.bold(x.benchmark, ": compute does not explain this benchmark — no compute, "
                    f"dollar or CO2 figure for error {fm.error(x.target_error)}"),
            highlight=False)
        if rests:
            say(f"rests on {rests}", highlight=False, markup=False)
        details()
        return
    from computelimits.scaling.outlooks import MAX_INTERVAL_OOM

    width = x.log10_compute_ci_high - x.log10_compute_ci_low
    if not width <= MAX_INTERVAL_OOM:
        say(ui.bold(x.benchmark, f": error {fm.error(x.target_error)} needs "
                    f"{_flop_range(x.log10_compute_ci_low, x.log10_compute_ci_high)} of "
                    f"{x.compute_kind} compute (95% confidence): {fm.oom(width)} wide, more "
                    f"than {MAX_INTERVAL_OOM:g}, so the data cannot size this run — no "
                    "central figure, dollar or CO2 figure"), highlight=False)
        if rests:
            say(f"rests on {rests}", highlight=False, markup=False)
        details()
        return
    where = (f"{fm.oom(x.orders_beyond_data)} beyond the largest observed compute"
             if x.is_extrapolation else "within the observed compute range")
    say(ui.bold(x.benchmark, f": error {fm.error(x.target_error)} (best observed "
                f"{fm.error(x.best_observed_error)}) needs {fm.flop(x.log10_compute)} of "
                f"{x.compute_kind} compute — {where}"), highlight=False)
    say(f"rests on {rests}; {x.form} fit on compute alone", highlight=False, markup=False)
    table = _compact_table("", "central", "95% confidence", "95% prediction")
    table.add_row(f"{x.compute_kind} compute", fm.flop(x.log10_compute),
                  _flop_range(x.log10_compute_ci_low, x.log10_compute_ci_high, unit=False),
                  _flop_range(x.log10_compute_pred_ci_low, x.log10_compute_pred_ci_high,
                              unit=False))
    table.add_row(f"dollars ({x.price_year} prices)", _usd(x.usd),
                  _range(x.usd_ci_low, x.usd_ci_high, _usd),
                  _range(x.usd_pred_ci_low, x.usd_pred_ci_high, _usd))
    table.add_row("CO2e", fm.co2(x.co2_kg), _range(x.co2_kg_ci_low, x.co2_kg_ci_high, _t), "")
    say(table)
    extra = [f"paper convention: {_usd(x.paper_usd)}, {fm.co2(x.paper_co2_kg)}"]
    if x.marginal_usd_per_point is not None:
        extra.append(f"per point of error: {_usd(x.marginal_usd_per_point)}, "
                     f"{fm.co2(x.marginal_co2_kg_per_point)}")
    say("; ".join(extra), highlight=False, markup=False)
    if x.affordable_year is not None:
        say(f"affordable at {fm.usd(x.budget_usd)} in {x.affordable_year:.0f} on the measured "
            "price-performance trend", highlight=False, markup=False)
    fit = x.fit or {}
    if fit.get("slope") is not None:
        lo, hi = fit.get("slope_ci_low"), fit.get("slope_ci_high")
        say(f"trust: slope {fm.slope(fit['slope'])} [{fm.slope(lo)}, {fm.slope(hi)}], R² "
            f"{fm.plain(fit.get('r2'), 2)}; intervals not calibrated out of sample",
            highlight=False, markup=False)
    details()


def _usd(v) -> str:
    """Dollars in the report's format; a sum past the largest float is said so."""
    import math

    from computelimits import formatting as fm

    if v is not None and v == v and math.isinf(v):
        return "beyond 10^308 (not priced)"
    return fm.usd(v)


def _t(kg) -> str:
    """CO2e without its unit word (a column named CO2e): ``344 t``, ``2.7 kt``."""
    from computelimits import formatting as fm

    return fm.co2(kg).removesuffix(" CO2e")


def _range(lo, hi, fmt) -> str:
    """``lo–hi`` in ``fmt``; "" where either end is missing."""
    if lo is None or hi is None or lo != lo or hi != hi:
        return ""
    return f"{fmt(lo)}–{fmt(hi)}"


def _flop_range(lo, hi, unit: bool = True) -> str:
    """``10^22.0–10^25.4 FLOP`` from two log10 values (without ``unit``, no "FLOP")."""
    import math

    def e10(v):
        return f"10^{v:.1f}".replace("-", "−") if math.isfinite(v) else "∞"

    if lo is None or hi is None:
        return ""
    return f"{e10(lo)}–{e10(hi)}" + (" FLOP" if unit else "")


def _trust_line(trust: dict) -> str:
    """One line from the outlook's trust figures: how many backtests, how far ahead, the
    intervals' coverage and the median error of the compute (as a factor)."""
    import re

    from computelimits import formatting as fm
    from computelimits.scaling.outlooks import TRUST_COVERAGE

    own = trust.get("benchmark")
    sentence = trust.get("sentence") or ""
    if not own:
        return sentence
    h = trust.get("horizon")
    ahead = (f", {h.replace('y', ' years').replace('-', '–')} ahead" if h and h != "all"
             else "")
    bits = []
    cov, med = own.get("forward_coverage"), own.get("inverse_medae_oom")
    if cov is not None and cov == cov:
        bits.append(f"95% intervals covered {fm.percent(cov)}"
                    + (" (too narrow: read them as a lower bound)" if cov < TRUST_COVERAGE[0]
                       else ""))
    if med is not None and med == med:
        bits.append(f"compute off by {fm.multiple(10 ** med)} (median)")
    n = int(own["predictions"])
    line = f"{n} backtest{'' if n == 1 else 's'} here{ahead}: " + ", ".join(bits)
    short = re.search(r"No backtest of this benchmark reached (\S+) ahead", sentence)
    if short:
        line += f"; none reached {short.group(1).replace('y', ' years').replace('-', '–')} ahead"
    return line


def _print_outlook(o, as_json: bool, verbose: bool = False, zone_choice: str = "") -> None:
    """The answers, the costs by buy year, what they rest on, why a question asked has no
    answer, and one trust line; the selection, the cost assumptions and the notes under
    --verbose."""
    from computelimits import formatting as fm
    from computelimits.scaling.outlooks import _not_identified_line

    if as_json:
        ui.echo_json(o.to_dict())
        return
    say = ui.console.print
    fc = o.forecast
    model = fc.get("model") or "time"
    rests = _rests_on(o.selection_lines)
    if fc.get("window_years") is not None and fc.get("n_before_window"):
        rests += (f" (fitted on the {fc['n_window']} results of the last "
                  f"{fc['window_years']:g} years)")
    say(ui.bold(o.benchmark, f" at {o.date}: error on {o.compute_kind} compute and date "
                f"(model {model})"), highlight=False)
    if not o.identified:
        co = o.compute_only or {}
        say(_not_identified_line(co).replace(": no compute", " — no compute"), highlight=False,
            markup=False)
        if co.get("log10_compute") is not None:
            say(f"compute-only answer: {fm.flop(co['log10_compute'])} (95%: "
                f"{_flop_range(co['log10_compute_ci_low'], co['log10_compute_ci_high'])}) — "
                "the paper's fit on compute alone, which credits compute with the same years' "
                "algorithmic progress", highlight=False, markup=False)
    else:
        rate = (f"{fm.plain(fc['rate_oom_per_year'], 2)} "
                f"{fm.bounds(fc['rate_ci_low'], fc['rate_ci_high'])} orders of magnitude a year")
        months = fm.as_number(fc.get("halving_months"))
        if months is not None and math.isfinite(months):
            progress = (f"algorithmic progress halves the compute for a fixed error every "
                        f"{months:.1f} months ({rate})")
        else:
            # a rate at or below zero: the compute for a fixed error never halves
            progress = (f"the compute for a fixed error does not halve with time here: the "
                        f"estimated rate of algorithmic progress is {rate}")
        say(f"rests on {rests}; {progress}", highlight=False, markup=False)
    if o.inverse:
        i = o.inverse
        lo, hi = i["log10_compute_ci_low"], i["log10_compute_ci_high"]
        if i.get("determined", True) and i.get("log10_compute") is not None:
            say(f"compute for error {fm.error(i['target_error'])}: "
                f"{fm.flop(i['log10_compute'])} (95%: {_flop_range(lo, hi)})",
                highlight=False, markup=False)
        else:
            from computelimits.scaling.outlooks import MAX_INTERVAL_OOM

            wide = (f": {fm.oom(hi - lo)} wide, more than {MAX_INTERVAL_OOM:g}, so the data "
                    "cannot size this run — no central figure, dollars or CO2"
                    if lo is not None and hi is not None and hi - lo > MAX_INTERVAL_OOM
                    else "")
            if wide and not math.isfinite(hi - lo):
                wide = (": open-ended (some resamples never reach the target), so the data "
                        "cannot size this run — no central figure, dollars or CO2")
            say(f"compute for error {fm.error(i['target_error'])}: not determined (95%: "
                f"{_flop_range(lo, hi)}){wide}", highlight=False, markup=False)
    if o.forward:
        f = o.forward
        say(f"error of a {fm.flop_count(f['compute'])} model: {fm.error(f['error'])} (95%: "
            f"{fm.error(f['error_ci_low'])}–{fm.error(f['error_ci_high'])})",
            highlight=False, markup=False)
    if o.frontier:
        f = o.frontier
        say(f"frontier error ({fm.flop(f['log10_compute'])}): {fm.error(f['error'])} (95%: "
            f"{fm.error(f['error_ci_low'])}–{fm.error(f['error_ci_high'])})",
            highlight=False, markup=False)
    if o.costs:
        # one line per buy year: the compute column where the terminal has room for it or
        # --verbose asks for everything (it is in --json either way)
        wide = verbose or ui.console.width >= WIDE_TABLE
        cols = ("bought", "compute", "dollars", "95%", "CO2e", "95%")
        c = _compact_table(*(cols if wide else cols[:1] + cols[2:]))
        for r in o.costs["table"]:
            cells = [f"{r['buy_year']:.1f}", fm.flop(r["log10_compute_median"]),
                     _usd(r["usd_median"]), _range(r["usd_ci_low"], r["usd_ci_high"], _usd),
                     _t(r["co2_kg_median"]),
                     _range(r["co2_kg_ci_low"], r["co2_kg_ci_high"], _t)]
            c.add_row(*(cells if wide else cells[:1] + cells[2:]))
        say(c)
    for why in o.unanswered if o.identified else []:  # a question asked, left unanswered
        say(f"no answer: {why}", highlight=False, markup=False)
    if o.trust:
        say(f"trust: {o.trust['sentence'] if verbose else _trust_line(o.trust)}",
            highlight=False, markup=False)
    if zone_choice and o.costs:
        say(zone_choice, highlight=False, markup=False)
    cost_notes = list(o.costs["notes"]) if o.costs else []
    assumptions = list(o.costs["assumptions"]) if o.costs else []
    if verbose:
        ui.print_notes(o.selection_lines, prefix="data: ", style="")
        for a in assumptions:
            say(f"  {a['name']} = {_assumption_value(a)} — {_assumption_source(a)}",
                highlight=False, markup=False)
        if o.costs:
            say(f"  {o.costs['note']}", highlight=False, markup=False)
        ui.print_notes([*o.notes, *cost_notes])
    else:
        ui.print_more(notes=len(o.notes) + len(cost_notes), assumptions=len(assumptions),
                      selection_lines=max(0, len(o.selection_lines) - 1))
    ui.print_sources(o.sources, verbose)


def _assumption_value(a: dict) -> str:
    """An assumption's value or range with its unit, in the package's number format."""
    from computelimits import formatting as fm

    unit = a.get("unit") or ""
    low, high = a.get("low"), a.get("high")
    if unit.startswith("log10 FLOP") and low is not None and high is not None:
        return f"{_flop_range(low, high)} {unit[len('log10 FLOP'):].strip()}".rstrip()
    if low is not None and high is not None and low != high:
        return (f"{fm.amount(low, unit).removesuffix(unit).strip()}–"
                f"{fm.amount(high, unit)}")
    value = a.get("value") if a.get("value") is not None else low
    return fm.amount(value, unit)


def _assumption_source(a: dict) -> str:
    """Where an assumption comes from; the fit's own bootstrap draws are named as such."""
    import re

    source = str(a.get("source") or "")
    m = re.fullmatch(r"caller's (\d+) draw\(s\)", source)
    return f"the fit's {int(m.group(1)):,} bootstrap draws" if m else source


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
    verbose: ui.VerboseOpt = False,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Growth of training compute (doubling time, by era) against hardware progress measured
    from the data — peak FLOP/s per chip, FLOP/s per dollar, Moore's law — and how much of the
    compute growth hardware explains (what each series measures and leaves out, the settings
    and the full attribution under --verbose).

    Example: computelimits trends --out results/trends
    """
    from rich.table import Table

    from computelimits._io import ensure_folder, write_csv
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.credits import attribution
    from computelimits.errors import ConfigError
    from computelimits.scaling.compute_vs_hardware import SHARE_NOTE, trend_report

    if start >= end:
        raise ConfigError(f"--start ({start}) must be before --end ({end})")
    report = trend_report(period=(start, end), compute_subset=subset, n_boot=n_boot,
                            seed=seed, catalog=resolve_catalog(strict=strict or None))
    table, share = report.table(), report.share_table()
    if out is not None:
        from computelimits.report.figures import save
        from computelimits.report.trend_figures import plot_trends

        ensure_folder(out)
        write_csv(table, out / "trends.csv")
        write_csv(share, out / "shares.csv")
        save(plot_trends(report), out, "figure")
    sources = attribution(["epoch-ai-models", "epoch-hardware", "microprocessor-trends"])
    if as_json:
        ui.echo_json({**report.to_dict(), "attribution": sources})
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
    series = [f"{key}: {f.notes}" for key, f in report.fits.items() if f.notes]
    settings = ", ".join(f"{k} = {v}" for k, v in report.settings.items())
    if verbose:
        ui.print_notes(series, prefix="data: ", style="")
        ui.print_notes([settings], prefix="settings: ", style="")
        ui.print_notes([SHARE_NOTE])
    else:
        ui.print_more("what each series measures and leaves out", "the settings", notes=1)
    ui.print_sources(sources, verbose)


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
    max_scored: Annotated[int, ui.num_option(
        help="Later results scored per benchmark and cutoff in the rolling-origin "
             "evaluation, at most: beyond it a random sample (drawn from --seed, the same for "
             "every model; every new best kept besides), and the output says so. 0: every "
             "later result.", kind=int, low=0)] = 2000,
    out: Annotated[Path | None, ui.out_file_option(
        help="Write the calibration table as CSV (and, without --cutoff, the per-result rows "
             "to OUT.predictions.csv beside it).", sidecars=("predictions.csv",))] = None,
    as_json: JsonOpt = False,
    verbose: ui.VerboseOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Fit on results published before a cutoff, predict the compute of the best results
    after it, and report how often the truth falls inside the 95% intervals and the error in
    orders of magnitude.

    Example: computelimits backtest --benchmark hellaswag --cutoff 2022-01-01

    Example: computelimits backtest --data my_results.csv --cutoff 2023-01-01
    """
    from computelimits._io import sidecar_path, write_csv
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.inputs import results_input
    from computelimits.scaling.evaluation.rolling import write_predictions_csv

    catalog = resolve_catalog(strict=strict or None)
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
                                n_boot=n_boot, seed=seed, form=form, catalog=catalog,
                                max_scored=max_scored)
        if ev.scores.empty:
            from computelimits.scaling.evaluation.rolling import MIN_TRAIN

            raise ConfigError(f"no forecast could be scored: no benchmark has a cutoff with "
                              f"at least {MIN_TRAIN} dated results before it and a result "
                              "after it; give --cutoff YYYY-MM-DD for the compute-only "
                              "backtest at a date of your choice")
        if out is not None:
            write_csv(ev.scores, out)
            write_predictions_csv(ev.predictions, sidecar_path(out, "predictions", ".csv"))
        _print_rolling(ev, as_json, verbose)
        return
    from computelimits.scaling.evaluation import cutoff_backtests

    cal = cutoff_backtests(cutoff, benchmark, joined=joined, form=form, cluster=cluster,
                           select=select, n_boot=n_boot, seed=seed, catalog=catalog)
    if out is not None:
        write_csv(cal, out)
    if as_json:
        typer.echo(cal.to_json(orient="records", indent=2))
        return
    ui.console.print(ui.bold("backtests: 95% prediction-interval coverage and error (orders "
                             "of magnitude of compute)"), highlight=False)
    t = _compact_table("benchmark", "cutoff", "compute", "train", "test", "PI cover",
                       "CI cover", "median |error|", "bias", "note")
    for r in cal.to_dict(orient="records"):
        t.add_row(str(r["benchmark"]), str(r["cutoff"]), str(r.get("compute_kind") or ""),
                  _num(r.get("n_train"), ".0f"), _num(r.get("n_test"), ".0f"),
                  _pct(r.get("pi_coverage")), _pct(r.get("ci_coverage")),
                  _num(r.get("median_abs_error_oom")), _num(r.get("bias_oom")),
                  str(r.get("reason") or ""))
    ui.console.print(t)
    if not verbose:
        ui.print_more()
    if joined is not None:
        ui.print_sources(joined.attrs.get("attribution", []), verbose)
    else:
        from computelimits.data.credits import attribution

        ui.print_sources(attribution(["epoch-benchmarks", "epoch-open-model-trends",
                                      "epoch-ai-models"]), verbose)


def _print_rolling(ev, as_json: bool, verbose: bool = False) -> None:
    """The rolling-origin evaluation: per model, pooled over the benchmarks, coverage, error
    and skill; the nested choice of the default model; one trust line. Per benchmark, per
    horizon bin (per prediction and per distinct result, with the intervals' width) and the
    new bests alone under --verbose."""
    from computelimits import formatting as fm
    from computelimits._json import json_safe

    summary = ev.scores
    if as_json:
        choices = ev.choices
        ui.echo_json(json_safe({
            "summary": summary.astype(object).where(summary.notna(), None).to_dict(
                orient="records"),
            "choices": choices.astype(object).where(choices.notna(), None).to_dict(
                orient="records") if len(choices) else [],
            "default_model": ev.default_model,
            "lookahead_free": ev.predictions.attrs.get("lookahead_free", False),
            "sampling": {**(ev.predictions.attrs.get("sampling") or {}),
                         "note": ev.sampling_note}}))
        return
    say = ui.console.print
    shown = ["nested", "time", "compute_only", "naive"]
    overall = summary[(summary["target"] == "all") & (summary["horizon"] == "all")
                      & summary["model"].isin(shown)]
    pool = next((b for b in summary["benchmark"] if str(b).startswith("pooled")), None)
    benchmarks = [b for b in dict.fromkeys(overall["benchmark"]) if b != pool]
    cols = ("model", "n", "results", "fwd cover", "inv cover", "|err| OOM", "skill c-only",
            "skill naive", "not ident.")

    def row(r) -> list[str]:
        return [str(r["model"]).replace("compute_only", "compute-only"), str(r["predictions"]),
                str(r["distinct_results"]), _pct(r["forward_coverage"]),
                _pct(r["inverse_coverage"]), _num(r["inverse_medae_oom"]),
                _num(r["skill_vs_compute_only"]), _num(r["skill_vs_naive"]),
                _pct(r["not_identified"])]

    pooled = overall[overall["benchmark"] == pool] if pool is not None else overall.iloc[0:0]
    scored = "a random sample of the later results" if ev.sampling_note else "every later result"
    say(ui.bold(f"rolling-origin backtest, {pool or 'no pool'}: {len(benchmarks)} benchmarks, "
                f"{scored}, all horizons"), highlight=False)
    say("95% intervals; errors in orders of magnitude (OOM) of compute; skill = 1 − median "
        "|error| / the baseline's", highlight=False, markup=False)
    if ev.sampling_note:
        say(f"{ev.sampling_note} (--max-scored 0 scores every one)", highlight=False,
            markup=False)
    if len(pooled):
        t = _compact_table(*cols)
        for r in pooled.to_dict(orient="records"):
            t.add_row(*row(r))
        say(t)
    d = ev.default_model or {}
    if d:
        say(f"default model (what extrapolate uses): {d.get('model')} — {d.get('reason', '')}",
            highlight=False, markup=False)
    nested = pooled[pooled["model"] == "nested"].to_dict(orient="records")
    if nested:
        from computelimits.scaling.outlooks import TRUST_COVERAGE, TRUST_MEDAE_OOM

        n = nested[0]
        lo, hi = TRUST_COVERAGE
        say(f"trust: the default's 95% intervals covered {_pct(n['forward_coverage'])} of "
            f"later results (goal {fm.percent(lo)}–{fm.percent(hi)}); its compute was off by "
            f"{fm.multiple(10 ** n['inverse_medae_oom'])} (median; goal ≤ "
            f"{fm.multiple(10 ** TRUST_MEDAE_OOM)})" if n["inverse_medae_oom"] == n[
                "inverse_medae_oom"] and n["inverse_medae_oom"] is not None else
            f"trust: the default's 95% intervals covered {_pct(n['forward_coverage'])} of "
            "later results", highlight=False, markup=False)
    lookahead = not ev.predictions.attrs.get("lookahead_free", False)
    if not verbose:
        by_h = summary[(summary["benchmark"] == pool) & (summary["horizon"] != "all")]
        ui.print_more(*([f"the {len(benchmarks)} benchmarks one by one"] if benchmarks else []),
                      *(["the figures per horizon"] if len(by_h) else []),
                      "the new bests alone", "how each model forecasts",
                      notes=int(lookahead))
        ui.print_sources(ev.sources, verbose)
        return
    t = _compact_table("benchmark", *cols)
    for r in overall[overall["benchmark"] != pool].to_dict(orient="records"):
        t.add_row(str(r["benchmark"]), *row(r))
    say(t)
    h = summary[(summary["benchmark"] == pool) & (summary["target"] == "all")
                & (summary["horizon"] != "all") & summary["model"].isin(shown)]
    if len(h):
        say(f"{pool}, by horizon (years from the last training result): coverage per "
            "prediction/per distinct result; inverse median |error| and median 95% interval "
            "width (OOM); skill vs compute-only [95% bootstrap interval over distinct "
            "results]", highlight=False, markup=False)
        t = _compact_table("horizon", "model", "n/results", "fwd cover", "inv cover", "|err|",
                           "width", "skill")
        for r in h.sort_values(["horizon", "model"]).to_dict(orient="records"):
            t.add_row(str(r["horizon"]), str(r["model"]).replace("compute_only", "c-only"),
                      f"{r['predictions']}/{r['distinct_results']}",
                      f"{_pct(r['forward_coverage'])}/{_pct(r['forward_coverage_distinct'])}",
                      f"{_pct(r['inverse_coverage'])}/{_pct(r['inverse_coverage_distinct'])}",
                      _num(r["inverse_medae_oom"]), _num(r["width_median_oom"]),
                      _skill_cell(r))
        say(t)
    best = summary[(summary["target"] == "new_best") & (summary["horizon"] == "all")
                   & (summary["benchmark"] == pool) & summary["model"].isin(shown)]
    for r in best.to_dict(orient="records"):
        say(f"new bests only ({r['benchmark']}), {r['model']}: {r['predictions']} predictions, "
            f"inverse median |error| {_num(r['inverse_medae_oom'])}, bias "
            f"{_num(r['inverse_bias_oom'])} orders (new bests are selected to be lucky for "
            "their compute)", highlight=False, markup=False)
    if d:
        say("nested: at each cutoff the model chosen from outcomes observed before it",
            highlight=False, markup=False)
    if lookahead:
        ui.print_notes(["the compute kind and setting were chosen on the whole table "
                        "(regression rows given), not before each cutoff"])
    say("time: error on compute and date, conformal intervals calibrated per horizon on the "
        "pooled out-of-sample errors; compute-only: the paper's fit; naive: the last record's "
        "compute grown at the results' compute growth rate.", highlight=False, markup=False)
    ui.print_sources(ev.sources, verbose)
