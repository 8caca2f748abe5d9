"""``computelimits estimate`` and ``computelimits crosscheck``: what training costs."""

from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import JsonOpt, StrictOpt

__all__ = ["crosscheck", "estimate"]


def estimate(
    chip: Annotated[str | None, typer.Option(
        help="Accelerator, as named in Epoch's chip dataset, e.g. 'NVIDIA H100 SXM5 80GB' "
             "(the vendor prefix may be left out).")] = None,
    chips: Annotated[float | None, ui.num_option(
        low=0, low_open=True, help="Number of chips.")] = None,
    hours: Annotated[float | None, ui.num_option(
        low=0, low_open=True, help="Wall-clock training hours.")] = None,
    flop: Annotated[float | None, ui.num_option(
        low=0, low_open=True, help="Total training FLOP, e.g. 1e24.")] = None,
    params: Annotated[float | None, ui.num_option(
        "--params", low=0, low_open=True,
        help="Parameters of a dense transformer (FLOP ≈ 6 × params × tokens).")] = None,
    tokens: Annotated[float | None, ui.num_option(
        low=0, low_open=True, help="Training tokens.")] = None,
    precision: Annotated[str | None, typer.Option(
        help="Peak rate to use: fp64, fp32, tf32, fp16/bf16, fp8, int8. [default: fp16, else "
             "tf32, else fp32]")] = None,
    utilization: Annotated[float | None, ui.num_option(
        low=0, high=1, low_open=True,
        help="Fraction of peak achieved. [default: 0.35, range 0.30–0.40 (Epoch AI)]")] = None,
    zone: Annotated[str | None, typer.Option(
        help="Grid zone, country or cloud region for CO2 (needs --chip), e.g. US-CAL-CISO, "
             "France, us-east-1. [default: world average, 475 gCO2e/kWh, IEA's 2019 figure in "
             "Green Algorithms' table; zones: Electricity Maps 2024]")] = None,
    gco2_per_kwh: Annotated[float | None, ui.num_option(
        "--gco2-per-kwh", low=0,
        help="Grid intensity to use instead of a zone, gCO2e/kWh.")] = None,
    direct: Annotated[bool, typer.Option(
        "--direct", help="Direct (combustion) instead of life-cycle intensity.")] = False,
    pue: Annotated[float | None, ui.num_option(
        low=1, help="Data-centre PUE. [default: Green Algorithms' 1.56 for an unknown provider]")
    ] = None,
    overhead: Annotated[float | None, ui.num_option(
        low=1, help="Server power overhead × chip TDP. [default: 1.82 (Epoch AI)]")] = None,
    price_kind: Annotated[str | None, typer.Option(
        help="Cloud price: on-demand, 1y or 3y (committed use). [default: on-demand]")] = None,
    usd_per_chip_hour: Annotated[float | None, ui.num_option(
        low=0, help="Price per chip-hour to use instead of the observed prices.")] = None,
    dollars_year: Annotated[int | None, ui.num_option(
        kind=int, low=1900, high=2100,
        help="Express dollars in this year's money (PPI); without a chip, price FLOP at that "
             "year's cloud prices.")] = None,
    compute_optimal: Annotated[bool, typer.Option(
        "--compute-optimal", help="For the --flop budget: the compute-optimal parameters and "
                                  "tokens (Chinchilla approach 3, Besiroglu et al. 2024 refit, "
                                  "95% intervals; Hoffmann et al. 2022 beside it).")] = False,
    compare_zones: Annotated[str | None, typer.Option(
        "--compare-zones", help="The same run in several grid zones side by side, "
                                "comma-separated, e.g. FR,DE,US-CAL-CISO (needs --chip).")
    ] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """What will a training run cost? FLOP, chip-hours, energy, CO2 (operational and embodied),
    water and dollars, with every assumption and its source, and ranges where inputs are
    uncertain. An option that would have no effect with the others given is refused.

    Examples:

        computelimits estimate --chip "H100 SXM5 80GB" --chips 1024 --hours 720 --zone US-CAL-CISO

        computelimits estimate --params 7e9 --tokens 2e12 --chip "A100 SXM4 80 GB" --chips 256

        computelimits estimate --flop 1e24 --compute-optimal --chip "H100 SXM5 80GB" --chips 1024

        computelimits estimate --chip "H100 SXM5 80GB" --chips 64 --hours 240 --compare-zones FR,PL

        computelimits estimate --flop 1e24 --dollars-year 2024 --json
    """
    from rich.table import Table

    from computelimits.compute import estimate as run
    from computelimits.errors import ConfigError

    if compute_optimal and flop is None:
        raise ConfigError("--compute-optimal needs the budget as --flop (with --params and "
                          "--tokens the allocation is already chosen)")
    inputs = dict(chip=chip, chips=chips, hours=hours, flop=flop, parameters=params,
                  tokens=tokens, precision=precision, utilization=utilization,
                  gco2e_per_kwh=gco2_per_kwh, pue=pue, overhead=overhead,
                  price_kind=price_kind, usd_per_chip_hour=usd_per_chip_hour,
                  dollars_year=dollars_year, catalog=ui.catalog_for(strict))
    optimal = zones = None
    if compute_optimal:
        from computelimits.compute import compute_optimal as allocate

        optimal = allocate(flop)
    if compare_zones is not None:
        from computelimits.compute import compare_zones as side_by_side

        zones = side_by_side(compare_zones, lifecycle=not direct, zone=zone, **inputs)
        est = zones.estimate
    else:
        est = run(zone=zone, lifecycle=not direct, **inputs)
    if as_json:
        payload = est.to_dict()
        if optimal is not None:
            payload["compute_optimal"] = optimal.to_dict()
        if zones is not None:
            payload["zones"] = zones.to_dict()["zones"]
        ui.echo_json(payload)
        return
    if optimal is not None:
        opt = Table(title=f"compute-optimal allocation for {optimal.flop:.3g} FLOP (C = 6·N·D)")
        for col in ("quantity", "Besiroglu et al. 2024", f"{optimal.ci_level:.0%} interval",
                    "Hoffmann et al. 2022"):
            opt.add_column(col, justify="right" if col != "quantity" else "left")
        for row in optimal.rows():
            opt.add_row(*row)
        ui.console.print(opt)
        for n_ in optimal.notes:
            ui.console.print(f"note: {n_}", style="yellow", highlight=False)
    table = Table(title="training-run estimate"
                  + (f" (grid: {zones.table['zone'].iloc[0]})" if zones is not None else ""))
    for col in ("quantity", "central", "range"):
        table.add_column(col, justify="right" if col != "quantity" else "left")
    for row in est.rows():
        table.add_row(*row)
    ui.console.print(table)
    notes = list(est.notes)
    if zones is not None:
        side = Table(title="the same run in several grid zones (only the operational CO2e "
                           "changes)")
        for col in ("zone", "gCO2e/kWh (basis, year)", "CO2e operational, kg", "range",
                    "CO2e with embodied, kg"):
            side.add_column(col, justify="right" if col != "zone" else "left")
        for row in zones.rows():
            side.add_row(*row)
        ui.console.print(side)
        notes += zones.notes
    ui.console.print("assumptions:", style="bold")
    for a in est.assumptions + (optimal.assumptions if optimal is not None else []):
        rng = f" ({a['low']:g}–{a['high']:g})" if a.get("low") is not None else ""
        ui.console.print(f"  {a['name']} = {a['value']:g} {a['unit']}{rng} — {a['source']}",
                         highlight=False)
    for n_ in notes:
        ui.console.print(f"note: {n_}", style="yellow", highlight=False)
    ui.print_sources(zones.sources if zones is not None else est.sources)


def crosscheck(
    utilization: Annotated[float | None, ui.num_option(
        low=0, high=1, low_open=True,
        help="Utilization for the compute check (and for chip-hours imputed from FLOP). "
             "[default: 0.35]")] = None,
    price_kind: Annotated[str, typer.Option(
        help="Cloud price for the cloud cost check: on-demand, 1y or 3y (committed use).")
    ] = "on-demand",
    method: Annotated[str, typer.Option(
        "--method", help="Cost method(s) to compare with Epoch's reported cost: both, cloud "
                         "(chip-hours × cloud price) or amortized (Epoch's amortized hardware "
                         "+ energy).")] = "both",
    out: Annotated[Path | None, ui.out_file_option(
        help="Write the per-model comparisons to this CSV (a 'check' column "
                            "says compute, cost, cost_amortized or power).")] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Check the estimator against Epoch AI's models table: effective compute from chips ×
    peak × hours × utilization vs reported compute; Epoch's 2023-dollar training cost vs
    chip-hours × observed cloud price and vs Epoch's own amortized hardware + energy method,
    side by side; chips × TDP × server overhead vs Epoch's power draw. Each check gives N, the
    median ratio (estimate / reported) with its 95% CI, the spread in orders of magnitude and
    the share within 2× and 3×.

    Examples:

        computelimits crosscheck --out results/crosscheck.csv

        computelimits crosscheck --method amortized --json
    """
    from rich.table import Table

    from computelimits._io import write_csv
    from computelimits.compute import crosscheck as run
    from computelimits.compute.crosschecks import MEASURES, WHY_CLOUD_COSTS_MORE

    cc = run(utilization=utilization, price_kind=price_kind, cost_method=method,
             catalog=ui.catalog_for(strict))
    if out is not None:
        write_csv(cc.to_frame(), out)
    if as_json:
        ui.echo_json(cc.to_dict())
        return
    labels = {"cost": f"cost, cloud {cc.price_kind}", "cost_amortized": "cost, amortized"}
    table = Table(title="estimate / reported (Epoch AI models table)")
    for col in ("check", "n", "median", "95% CI", "quartiles", "spread (OOM)", "within 2x",
                "within 3x"):
        table.add_column(col, justify="left" if col == "check" else "right")
    for r in cc.ratios().to_dict(orient="records"):
        label = labels.get(r["check"], r["check"])
        if not r.get("n"):
            table.add_row(label, "0", *["–"] * 6)
            continue
        ci = ("–" if r["median_ci_low"] != r["median_ci_low"]
              else f"{r['median_ci_low']:.3g}–{r['median_ci_high']:.3g}")
        spread = "–" if r["spread_oom"] != r["spread_oom"] else f"{r['spread_oom']:.2f}"
        table.add_row(label, str(r["n"]), f"{r['median']:.3g}", ci,
                      f"{r['q25']:.3g}–{r['q75']:.3g}", spread, f"{r['within_2x']:.0%}",
                      f"{r['within_3x']:.0%}")
    ui.console.print(table)
    ui.console.print(MEASURES, style="dim", highlight=False)
    if cc.cost is not None:
        ui.console.print(f"why: {WHY_CLOUD_COSTS_MORE}", highlight=False)
    skipped = ", ".join(f"{k} {v}" for k, v in cc.skipped.items() if v) or "none"
    ui.console.print(f"skipped: {skipped}", style="dim", highlight=False)
    ui.print_sources(cc.sources)
