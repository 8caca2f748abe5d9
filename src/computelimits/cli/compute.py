"""``computelimits estimate`` and ``computelimits crosscheck``: what training costs."""

from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import JsonOpt, StrictOpt, VerboseOpt

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
        help="Peak rate to use: fp64, fp32, tf32, fp16, bf16, fp8, int8. [default: fp16, else "
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
    verbose: VerboseOpt = False,
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

    from computelimits.compute import estimate as run
    from computelimits.data.catalog import resolve_catalog
    from computelimits.errors import ConfigError

    if compute_optimal and flop is None:
        raise ConfigError("--compute-optimal needs the budget as --flop (with --params and "
                          "--tokens the allocation is already chosen)")
    inputs = dict(chip=chip, chips=chips, hours=hours, flop=flop, parameters=params,
                  tokens=tokens, precision=precision, utilization=utilization,
                  gco2e_per_kwh=gco2_per_kwh, pue=pue, overhead=overhead,
                  price_kind=price_kind, usd_per_chip_hour=usd_per_chip_hour,
                  dollars_year=dollars_year, catalog=resolve_catalog(strict=strict or None))
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
    _print_estimate(est, optimal, zones, verbose, zone=zone, compare=compare_zones,
                    catalog=inputs["catalog"])


def _zone_choices(zone: str | None, compare: str | None, catalog) -> list[str]:
    """The sentences saying which table a place name was read from, where another table has
    the same place under another id (``--zone california``)."""
    from computelimits.compute.energy import grid_intensity
    from computelimits.compute.zones import parse_zones

    names = ([zone] if zone else []) + (parse_zones(compare) if compare else [])
    return [c for c in dict.fromkeys(grid_intensity(z, catalog=catalog).choice
                                     for z in names) if c]


def _print_estimate(est, optimal, zones, verbose: bool, *, zone, compare, catalog) -> None:
    """The figures with their ranges, the key assumptions in one line, the zone read from a
    place name; every assumption with its source and the notes under --verbose."""
    from computelimits import formatting as fm
    from computelimits.cli.scaling import _compact_table
    from computelimits.compute._common import assumption_line

    say = ui.console.print
    if optimal is not None:
        say(ui.bold(f"compute-optimal allocation for {fm.flop_count(optimal.flop)} "
                    "(C = 6·N·D)"), highlight=False)
        opt = _compact_table("", "Besiroglu et al. 2024", f"{optimal.ci_level:.0%} interval",
                             "Hoffmann et al. 2022")
        for row in optimal.rows():
            opt.add_row(*row)
        say(opt)
    rows = est.rows()
    chip = next((c for label, c, _ in rows if label == "chip"), None)
    say(ui.bold("training-run estimate" + (f" on {chip}" if chip else "")
                + (f" (grid: {zones.table['zone'].iloc[0]})" if zones is not None else "")),
        highlight=False)
    table = _compact_table("", "central", "range")
    for row in rows:
        if row[0] != "chip":
            table.add_row(*row)
    say(table)
    notes = list(est.notes) + (list(optimal.notes) if optimal is not None else [])
    if zones is not None:
        say(ui.bold("the same run in several grid zones (only the operational CO2e "
                    "changes)"), highlight=False)
        side = _compact_table("zone", "gCO2e/kWh (basis, year)", "CO2e operational", "range",
                              "with embodied")
        for row in zones.rows():
            side.add_row(*row)
        say(side)
        notes += zones.notes
    choices = _zone_choices(zone, compare, catalog)
    for c in choices:
        say(c, highlight=False, markup=False)
    notes = [n_ for n_ in dict.fromkeys(notes) if n_ not in choices]
    assumptions = est.assumptions + (optimal.assumptions if optimal is not None else [])
    if verbose:
        say("assumptions:", style="bold")
        for a in assumptions:
            say(f"  {assumption_line(a)}", highlight=False, markup=False)
        ui.print_notes(notes)
    else:
        key = _key_assumptions(est)
        if key:
            say(f"assumes {key}", highlight=False, markup=False)
        ui.print_more(notes=len(notes), assumptions_with_sources=len(assumptions))
    ui.print_sources(zones.sources if zones is not None else est.sources, verbose)


def _key_assumptions(est) -> str:
    """The assumptions a reader most needs, in one line: utilization, PUE, grid intensity,
    price per chip-hour."""
    from computelimits import formatting as fm

    by = {a["name"]: a for a in est.assumptions}
    parts = []
    u = by.get("utilization")
    if u is not None:
        rng = (f" ({fm.span(u['low'], u['high'], fm.percent)})"
               if u.get("low") is not None and u.get("high") is not None else "")
        parts.append(f"utilization {fm.percent(u['value'])}{rng}")
    if by.get("pue") is not None:
        parts.append(f"PUE {fm.plain(by['pue']['value'])}")
    if est.grid:
        parts.append(f"grid {est.grid.split(';')[0].replace(' (as given)', '')}"
                     + (")" if "(" in est.grid.split(";")[0] and ";" in est.grid else ""))
    price = by.get("price_per_chip_hour")
    if price is not None:
        parts.append(f"{fm.usd(price['value'])} per chip-hour")
    return ", ".join(parts)


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
    verbose: VerboseOpt = False,
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

    from computelimits._io import write_csv
    from computelimits.compute import crosscheck as run
    from computelimits.compute.crosschecks import MEASURES, WHY_CLOUD_COSTS_MORE
    from computelimits.data.catalog import resolve_catalog

    cc = run(utilization=utilization, price_kind=price_kind, cost_method=method,
             catalog=resolve_catalog(strict=strict or None))
    if out is not None:
        write_csv(cc.to_frame(), out)
    if as_json:
        ui.echo_json(cc.to_dict())
        return
    from computelimits import formatting as fm
    from computelimits.cli.scaling import _compact_table

    def ratio(v) -> str:
        return "–" if v is None or v != v else fm.plain(v, 3)

    labels = {"cost": f"cost, cloud {cc.price_kind}", "cost_amortized": "cost, amortized"}
    ui.console.print(ui.bold("estimate / reported, against Epoch AI's models table"),
                     highlight=False)
    table = _compact_table("check", "n", "median", "95% CI", "quartiles", "spread (OOM)",
                           "within 2x", "within 3x")
    for r in cc.ratios().to_dict(orient="records"):
        label = labels.get(r["check"], r["check"])
        if not r.get("n"):
            table.add_row(label, "0", *["–"] * 6)
            continue
        ci = ("–" if r["median_ci_low"] != r["median_ci_low"]
              else f"{ratio(r['median_ci_low'])}–{ratio(r['median_ci_high'])}")
        spread = "–" if r["spread_oom"] != r["spread_oom"] else f"{r['spread_oom']:.2f}"
        table.add_row(label, fm.count(r["n"]), ratio(r["median"]), ci,
                      f"{ratio(r['q25'])}–{ratio(r['q75'])}", spread,
                      fm.percent(r["within_2x"]), fm.percent(r["within_3x"]))
    ui.console.print(table)
    skipped = ", ".join(f"{k} {v}" for k, v in cc.skipped.items() if v) or "none"
    if verbose:
        ui.console.print(MEASURES, style="dim", highlight=False)
        if cc.cost is not None:
            ui.console.print(f"why: {WHY_CLOUD_COSTS_MORE}", highlight=False)
        ui.console.print(f"skipped: {skipped}", style="dim", highlight=False)
    else:
        ui.print_more("what each ratio measures", *(["why cloud costs more"]
                                                      if cc.cost is not None else []),
                      "what was skipped")
    ui.print_sources(cc.sources, verbose)
