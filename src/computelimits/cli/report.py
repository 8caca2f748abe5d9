"""``computelimits reproduce``: the whole study as one HTML report."""

from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import StrictOpt

__all__ = ["reproduce"]


def reproduce(
    out: Annotated[Path, ui.out_folder_option(
        help="Folder for the report, replaced whole when every file in it is one this tool "
             "wrote (unchanged); a folder with other files is refused, naming them.")] = Path(
        "results/report"),
    quick: Annotated[bool, typer.Option(
        "--quick", help="Small theory grid and 1,000 bootstrap draws (under 20 s on 2 cores).")
    ] = False,
    seed: Annotated[int, ui.num_option(help="Seed of the simulation and the bootstraps.",
                                       **ui.SEED_RANGE)] = 0,
    workers: Annotated[int | None, ui.num_option(
        help="Local worker processes for the theory experiment (capped at the cores). "
             "\\[default: all cores]", **ui.WORKERS_RANGE)] = None,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial", help="Write a theory-only report (exit 0) when the data are missing.")
    ] = False,
    open_report: Annotated[bool, typer.Option(
        "--open", help="Open the report in the browser when done.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into an --out folder that holds other files (removing "
        "nothing), and run a theory experiment whose estimated memory exceeds what is free."
    )] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Rerun the theory experiment and the rolling evaluation, and draw "
        "every figure, even if an identical earlier run is in the cache.")] = False,
    strict: StrictOpt = False,
) -> None:
    """Rerun the whole study — theory experiment, data, fits, trends, extrapolations,
    backtests — and write OUT/index.html with every figure and table (CSV, JSON, PNG, SVG
    beside it).

    Examples:

        computelimits reproduce --out results/report

        computelimits reproduce --quick --out results/quick-report --open
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from computelimits.data.catalog import resolve_catalog
    from computelimits.report.build import STAGES
    from computelimits.report.build import reproduce as run
    from computelimits.theory import TheoryConfig
    from computelimits.theory.cache import cache_file

    cfg = TheoryConfig.quick(seed=seed) if quick else TheoryConfig(seed=seed)
    if no_cache or not cache_file(cfg).is_file():
        from computelimits.parallel import worker_count

        ui.notice_long_run(cfg, worker_count(workers), "the theory experiment")
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(), console=ui.err_console,
                        disable=not ui.err_console.is_terminal)
    with progress:
        task = progress.add_task("starting", total=len(STAGES))

        def say(stage: str, message: str) -> None:
            progress.update(task, description=message, completed=STAGES.index(stage))

        result = run(out, quick=quick, seed=seed, allow_partial=allow_partial,
                     workers=workers, progress=say,
                     catalog=resolve_catalog(strict=strict or None), cache=not no_cache,
                     force=force)
        progress.update(task, completed=len(STAGES), description="done")
    from computelimits import formatting as fm

    s = result.summary
    print_ = ui.console.print
    print_(f"report: {result.out / 'index.html'}  ({result.seconds:.0f} s)", highlight=False)
    for line in s.get("findings", {}).get("headline", []):
        print_(f"found: {line}", highlight=False)
    for c in s.get("theory_crossovers", []):
        if c.get("overtakes_expert_at_n"):
            print_(f"theory: {c['model']} overtakes Expert at n = "
                   f"{c['overtakes_expert_at_n']:,} using "
                   f"{fm.multiple(c['flop_multiple_vs_expert'])} its FLOP", highlight=False)
    for f_ in s.get("polynomial_fits", []):
        verdict = "" if f_.get("identified", True) else " — compute does not explain it"
        print_(f"fit: {f_['benchmark']} ({f_['compute_kind']} compute): slope "
               f"{f_['slope']:.3f} [{f_['slope_ci_low']:.3f}, {f_['slope_ci_high']:.3f}]"
               f", R² {f_['r2']:.2f}, N {f_['n']} ({f_['n_by_kind']}; "
               f"{f_['left_out']} left out){verdict}", highlight=False, markup=False)
    if result.partial:
        for m in result.missing:
            print_(f"missing: {m}", style="yellow", highlight=False)
    if open_report:
        import webbrowser

        webbrowser.open((result.out / "index.html").resolve().as_uri())
