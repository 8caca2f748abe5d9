"""``computelimits estimate`` and ``computelimits crosscheck``: what training costs."""

import json
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
    chips: Annotated[float | None, typer.Option(help="Number of chips.")] = None,
    hours: Annotated[float | None, typer.Option(help="Wall-clock training hours.")] = None,
    flop: Annotated[float | None, typer.Option(help="Total training FLOP, e.g. 1e24.")] = None,
    params: Annotated[float | None, typer.Option(
        "--params", help="Parameters of a dense transformer (FLOP ≈ 6 × params × tokens).")
    ] = None,
    tokens: Annotated[float | None, typer.Option(help="Training tokens.")] = None,
    precision: Annotated[str | None, typer.Option(
        help="Peak rate to use: fp64, fp32, tf32, fp16/bf16, fp8, int8. [default: fp16, else "
             "tf32, else fp32]")] = None,
    utilization: Annotated[float | None, typer.Option(
        help="Fraction of peak achieved. [default: 0.35, range 0.30–0.40 (Epoch AI)]")] = None,
    zone: Annotated[str | None, typer.Option(
        help="Grid zone, country or cloud region for CO2, e.g. US-CAL-CISO, France, "
             "us-east-1. [default: world average]")] = None,
    gco2_per_kwh: Annotated[float | None, typer.Option(
        "--gco2-per-kwh", help="Grid intensity to use instead of a zone, gCO2e/kWh.")] = None,
    direct: Annotated[bool, typer.Option(
        "--direct", help="Direct (combustion) instead of life-cycle intensity.")] = False,
    pue: Annotated[float | None, typer.Option(
        help="Data-centre PUE. [default: Green Algorithms' 1.56 for an unknown provider]")
    ] = None,
    overhead: Annotated[float | None, typer.Option(
        help="Server power overhead × chip TDP. [default: 1.82 (Epoch AI)]")] = None,
    price_kind: Annotated[str, typer.Option(
        help="Cloud price: on-demand, 1y or 3y (committed use).")] = "on-demand",
    usd_per_chip_hour: Annotated[float | None, typer.Option(
        help="Price per chip-hour to use instead of the observed prices.")] = None,
    dollars_year: Annotated[int | None, typer.Option(
        help="Express dollars in this year's money (PPI); without a chip, price FLOP at that "
             "year's cloud prices.")] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """What will a training run cost? FLOP, chip-hours, energy, CO2 and dollars, with every
    assumption and its source, and ranges where inputs are uncertain.

    Examples:

        computelimits estimate --chip "H100 SXM5 80GB" --chips 1024 --hours 720 --zone US-CAL-CISO

        computelimits estimate --params 7e9 --tokens 2e12 --chip "A100 SXM4 80 GB" --chips 256

        computelimits estimate --flop 1e24 --dollars-year 2024 --json
    """
    from rich.table import Table

    from computelimits.compute import estimate as run

    est = run(chip=chip, chips=chips, hours=hours, flop=flop, parameters=params,
              tokens=tokens, precision=precision, utilization=utilization, zone=zone,
              gco2e_per_kwh=gco2_per_kwh, lifecycle=not direct, pue=pue, overhead=overhead,
              price_kind=price_kind, usd_per_chip_hour=usd_per_chip_hour,
              dollars_year=dollars_year, catalog=ui.catalog_for(strict))
    if as_json:
        ui.echo_json(est.to_dict())
        return
    table = Table(title="training-run estimate")
    for col in ("quantity", "central", "range"):
        table.add_column(col, justify="right" if col != "quantity" else "left")
    for row in est.rows():
        table.add_row(*row)
    ui.console.print(table)
    ui.console.print("assumptions:", style="bold")
    for a in est.assumptions:
        rng = f" ({a['low']:g}–{a['high']:g})" if a.get("low") is not None else ""
        ui.console.print(f"  {a['name']} = {a['value']:g} {a['unit']}{rng} — {a['source']}",
                         highlight=False)
    for n_ in est.notes:
        ui.console.print(f"note: {n_}", style="yellow", highlight=False)
    ui.print_sources(est.sources)


def crosscheck(
    utilization: Annotated[float | None, typer.Option(
        help="Utilization for the compute check. [default: 0.35]")] = None,
    price_kind: Annotated[str, typer.Option(
        help="Cloud price for the cost check: on-demand, 1y or 3y.")] = "on-demand",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the per-model comparisons to this CSV (a 'check' column "
                            "says compute, cost or power).")] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Check the estimator against Epoch AI's models table: effective compute from chips ×
    peak × hours × utilization vs reported compute; chip-hours × observed cloud price vs
    Epoch's 2023-dollar cost; chips × TDP × server overhead vs Epoch's power draw.

    Example: computelimits crosscheck --out crosscheck.csv
    """
    from rich.table import Table

    from computelimits._io import write_csv
    from computelimits.compute import crosscheck as run

    cc = run(utilization=utilization, price_kind=price_kind, catalog=ui.catalog_for(strict))
    if out is not None:
        write_csv(cc.to_frame(), out)
    ratios = cc.ratios()
    if as_json:
        typer.echo(json.dumps({"summary": json.loads(ratios.to_json(orient="records")),
                               "skipped": cc.skipped}, indent=2))
        return
    table = Table(title="estimate / reported (Epoch AI models table)")
    for col in ("check", "n", "median", "q25", "q75", "within_2x", "within_3x"):
        table.add_column(col, justify="right")
    for r in ratios.itertuples():
        table.add_row(r.check, str(r.n), f"{r.median:.3g}", f"{r.q25:.3g}", f"{r.q75:.3g}",
                      f"{r.within_2x:.0%}", f"{r.within_3x:.0%}")
    ui.console.print(table)
    ui.console.print(f"skipped: {cc.skipped}", style="dim", highlight=False)
