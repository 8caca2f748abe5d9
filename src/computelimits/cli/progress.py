"""``computelimits progress``: the rate of algorithmic progress shared by benchmarks, and how
much they disagree about it (:mod:`computelimits.scaling.heterogeneity`)."""

from pathlib import Path
from typing import Annotated, Any

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import JsonOpt, StrictOpt, VerboseOpt

__all__ = ["progress"]


def _r(v: Any, spec: str = ".3f") -> str:
    """A rate or share for a table cell: "" for None or NaN, ∞ for an unbounded end, a real
    minus sign."""
    import math

    if v is None or v != v:
        return ""
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return format(v, spec).replace("-", "−")


def _months(v: float) -> str:
    import math

    from computelimits import formatting as fm

    if v is None or v != v:
        return ""
    return fm.plain(v, 3) if math.isfinite(v) else ("never" if v > 0 else "0")


def _yes(v: Any) -> str:
    return "" if v is None or v != v else ("yes" if v else "no")


def progress(
    benchmark: Annotated[list[str] | None, typer.Option(
        help="Benchmark id (repeat for several). \\[default: the language-model benchmarks "
             "with at least 20 dated results]")] = None,
    n_boot: Annotated[int, ui.num_option(
        help="Cluster-bootstrap resamples, for the pooled rate and each benchmark's own.",
        **ui.BOOT_RANGE)] = 2000,
    seed: ui.SeedOpt = 0,
    out: Annotated[Path | None, ui.out_file_option(
        help="Write the per-benchmark table as CSV.")] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """The rate of algorithmic progress (orders of magnitude of compute per year, and the
    months in which the compute for a fixed error halves) pooled across benchmarks: one rate
    for all (fixed effect), the mean of the benchmarks' own rates (random effects, with τ,
    I² and Cochran's Q), the range a new benchmark's own rate may take (prediction interval),
    each benchmark's rate with the pooled rates without it, a held-out check of the
    prediction interval, and the published rates of Ho et al. 2024 and Erdil & Besiroglu
    2022 beside them.

    Example: computelimits progress

    Example: computelimits progress --benchmark mmlu --benchmark gsm8k --benchmark hellaswag
    --json
    """
    from computelimits.data.catalog import resolve_catalog
    from computelimits.scaling.heterogeneity import progress_heterogeneity

    h = progress_heterogeneity(benchmark, n_boot=n_boot, seed=seed,
                               catalog=resolve_catalog(strict=strict or None))
    if out is not None:
        from computelimits._io import write_csv

        write_csv(h.to_frame().reset_index(), out)
    if as_json:
        ui.echo_json({**h.to_dict(), "sources": list(h.sources_)})
        return
    _print(h, verbose)


def _print(h: Any, verbose: bool) -> None:
    """The answer on one screen: the three pooled answers, the table, the checks."""
    from computelimits import formatting as fm
    from computelimits.cli.scaling import _compact_table
    from computelimits.scaling.heterogeneity import TAU2_METHOD
    from computelimits.scaling.pooled import halving_months

    say = ui.console.print
    d = h.to_dict()
    lev = f"{100 * (1 - h.alpha):g}%"
    fe, re, pi = d["fixed_effect"], d["random_effects"], d["prediction"]

    def rate(x: dict[str, Any]) -> str:
        return (f"{_r(x['gamma'])} [{_r(x['gamma_ci_low'])}, {_r(x['gamma_ci_high'])}] OOM/yr "
                f"— halving every {_months(_inf(x['halving_months']))} months "
                f"[{_months(_inf(x['halving_months_ci_low']))}, "
                f"{_months(_inf(x['halving_months_ci_high']))}]")

    say(ui.bold(f"Rate of algorithmic progress across {len(h.rates_)} benchmarks",
                f" (orders of magnitude of compute per year, {lev} intervals)"),
        highlight=False)
    say(f"one rate for all (fixed effect, {fe['benchmarks']} benchmarks): {rate(fe)}",
        highlight=False, markup=False)
    say(f"mean of their own rates (random effects, {re['benchmarks']} benchmarks): {rate(re)}",
        highlight=False, markup=False)
    f = d["homogeneity_f"]
    say(f"disagreement: τ = {_r(re['tau'])} [{_r(re['tau_ci_low'])}, {_r(re['tau_ci_high'])}] "
        f"OOM/yr, I² = {100 * re['i2']:.0f}%, Cochran's Q = {re['q']:.1f} on {re['q_df']} df "
        f"({_pval(re['q_pvalue'])}); F test of one rate = {_r(f['f'], '.2f')} on {f['df_num']} "
        f"and {f['df_den']} df ({_pval(f['pvalue'])})", highlight=False, markup=False)
    if pi["gamma_ci_low"] is None:
        say("a new benchmark's own rate: no prediction interval (it needs at least 3 "
            "benchmarks with an estimable rate)", highlight=False, markup=False)
    else:
        say(f"a new benchmark's own rate ({lev} prediction interval): [{_r(pi['gamma_ci_low'])}, "
            f"{_r(pi['gamma_ci_high'])}] OOM/yr — halving every "
            f"{_months(_inf(pi['halving_months_ci_low']))} months to "
            f"{_months(_inf(pi['halving_months_ci_high']))}", highlight=False, markup=False)
    say(f"each benchmark's own rate (OOM/yr), {lev} cluster-bootstrap intervals",
        highlight=False, markup=False)
    cols = ["benchmark", "N", "rate", "interval", "halving (months)", "held-out covered"]
    if verbose:
        cols += ["weight FE/RE", "pooled without it RE / FE", "influential"]
    t = _compact_table(*cols)
    for b, r in h.to_frame().iterrows():
        row = [str(b), str(int(r["n"])), _r(r["gamma"]),
               f"[{_r(r['gamma_ci_low'])}, {_r(r['gamma_ci_high'])}]"
               if r["gamma"] == r["gamma"] else "",
               _months(r["halving_months"]), _yes(r["heldout_covered"])]
        if verbose:
            row += [f"{_r(r['weight_fe'], '.0%')}/{_r(r['weight_re'], '.0%') or '–'}",
                    f"{_r(r['loo_gamma_re']) or '–'} / {_r(r['loo_gamma_fe']) or '–'}",
                    "yes" if r["influential"] else ""]
        t.add_row(*row)
    say(t)
    ho = d["heldout"]
    say(f"trust: held out: the prediction interval from the other benchmarks covers a "
        f"benchmark's estimated rate for {ho['covered']} of {ho['checked']}; influential "
        "(without it a pooled rate leaves its interval): "
        + (", ".join(h.influential_) or "none"), highlight=False, markup=False)
    inside = {True: "inside", False: "outside"}
    published = []
    for p in d["published"]:
        where = [f"{inside[p['in_prediction_interval']]} the prediction interval"
                 if p["in_prediction_interval"] is not None else "",
                 f"{inside[p['in_random_effects_ci']]} the random-effects interval"]
        published.append(
            f"{p['name']}: halving every {fm.plain(p['halving_months'])} months "
            f"({fm.plain(p['halving_months_ci_low'])}–{fm.plain(p['halving_months_ci_high'])}"
            f"; {_r(p['gamma'], '.2f')} OOM/yr) — " + ", ".join(w for w in where if w))
    for line in published:
        say(line, highlight=False, markup=False)
    if verbose:
        say(f"held out, the interval for a true rate (without the benchmark's own sampling "
            f"error) covers {ho['covered_true_rate_interval']} of {ho['checked']}",
            highlight=False, markup=False)
        for b, why in h.left_out_.items():
            say(f"left out of the random effects: {b}: {why}", style="yellow",
                highlight=False, markup=False)
        for k, v in d["methods"].items():
            say(f"method: {k}: {v}", highlight=False, markup=False)
        say(f"  τ² by {TAU2_METHOD}: {fm.plain(h.tau2_)} (DerSimonian–Laird: "
            f"{fm.plain(h.tau2_dl_)}); Hartung–Knapp scale q = {fm.plain(h.hk_scale_, 3)}; a "
            f"rate of 0.1 OOM/yr halves compute every {halving_months(0.1):.0f} months",
            highlight=False, markup=False)
        for n in h.notes_:
            say(f"note: {n}", style="yellow", highlight=False, markup=False)
    else:
        ui.print_more(*(["what was left out of the random effects and why"]
                        if h.left_out_ else []),
                      "the weights and leave-one-out rates", "the methods",
                      notes=len(h.notes_))
    ui.print_sources(h.sources_, verbose)


def _inf(v: Any) -> float:
    """A halving-time end from JSON-safe values: None (an unbounded end) is +inf."""
    return float("inf") if v is None else float(v)


def _pval(p: float | None) -> str:
    if p is None:
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
