"""``computelimits simulate``: the theory experiment."""

import json
from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui

__all__ = ["simulate"]


def simulate(
    out: Annotated[Path, ui.out_folder_option(
        help="Folder for runs.csv, summary.csv, config.json, figure.png/.svg, replaced whole "
             "when every file in it is one this tool wrote (unchanged); a folder with other "
             "files is refused, naming them.")] = Path("results/theory"),
    p: Annotated[int | None, ui.num_option(
        "--p", kind=int, low=2, help="Candidate features. \\[default: 1000]")] = None,
    k: Annotated[int | None, ui.num_option(
        "--k", kind=int, low=1, help="Non-zero coefficients. \\[default: 10]")] = None,
    snr: Annotated[float | None, ui.num_option(
        low=0, low_open=True, help="Signal-to-noise ratio ‖β‖²/σ². \\[default: 1]")] = None,
    n: Annotated[str | None, typer.Option(
        "--n", help="Sample sizes, comma-separated (overrides --n-min/--n-max/--per-decade).")
    ] = None,
    n_min: Annotated[int | None, ui.num_option(
        kind=int, low=1, help="Smallest sample size of the log grid. \\[default: 10]")] = None,
    n_max: Annotated[int | None, ui.num_option(
        kind=int, low=1,
        help="Largest sample size of the log grid. \\[default: 100000; --quick: 10000]")
    ] = None,
    per_decade: Annotated[int | None, ui.num_option(
        kind=int, low=1, high=1000,
        help="Grid points per factor of ten. \\[default: 3; --quick: 2]")] = None,
    reps: Annotated[int | None, ui.num_option(
        kind=int, low=1, high=10_000_000,
        help="Replications (new β and data each). \\[default: 100]")] = None,
    seed: Annotated[int, ui.num_option(help="Root seed (numpy SeedSequence).",
                                       **ui.SEED_RANGE)] = 0,
    workers: Annotated[int | None, ui.num_option(
        help="Local worker processes (capped at the cores). \\[default: all cores]",
        **ui.WORKERS_RANGE)] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run on a dask.distributed cluster at this address, e.g. tcp://127.0.0.1:8786.")
    ] = None,
    penalty: Annotated[str, typer.Option(
        help="Lasso penalty: 'cv' (K-fold cross-validation) or 'universal' "
             "(σ·sqrt(2 ln p / n), true σ).")] = "cv",
    folds: Annotated[int, ui.num_option(kind=int, low=2, high=1000,
                                        help="Cross-validation folds.")] = 5,
    patience: Annotated[int, ui.num_option(kind=int, low=0,
        help="Stop the CV path after this many penalties without improvement (0: full path)."
    )] = 10,
    materialize: Annotated[bool, typer.Option(
        "--materialize", help="Draw X and fit from it as a practitioner would (slow; real "
        "wall times). Default: draw the sufficient statistics directly.")] = False,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Small run in seconds: p=100, k=5, n=10..10,000, 8 replications "
        "(explicit options still apply).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Run even if the estimated memory exceeds what is free, and write into "
        "an --out folder that holds other files (removing nothing).")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Run even if an identical earlier run (same settings, version "
        "and theory code) is in the cache, and do not cache this one.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the theory experiment: Oracle, Expert, Flexible and Regularized models learning a
    sparse linear model, and the compute each needs, as the data grow.

    Writes OUT/runs.csv (one row per model × n × replication), OUT/summary.csv (mean
    performance with 95% CI, mean FLOP and seconds per model × n), OUT/config.json and
    OUT/figure.png/.svg.

    Examples:

        computelimits simulate --out results/theory            # the full default sweep

        computelimits simulate --quick --out results/quick     # seconds

        computelimits simulate --p 500 --k 5 --n 50,100,1000 --reps 20 --materialize
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from computelimits.theory import TheoryConfig
    from computelimits.theory import simulate as run
    from computelimits.theory.grids import resolve_grid

    base = TheoryConfig.quick() if quick else TheoryConfig()
    changes: dict[str, object] = {"seed": seed, "penalty": penalty, "folds": folds,
                                  "patience": patience, "materialize": materialize}
    for name, value in (("p", p), ("k", k), ("snr", snr), ("reps", reps)):
        if value is not None:
            changes[name] = value
    grid = resolve_grid(base.n_grid, n=n, n_min=n_min, n_max=n_max, per_decade=per_decade)
    if grid is not None:
        changes["n_grid"] = grid
    cfg = base.replace(**changes)
    from computelimits.outfolder import OutputFolder
    from computelimits.theory.experiment import preflight

    n_workers = preflight(cfg, workers=workers, scheduler=scheduler, force=force)
    folder = OutputFolder(out, force=force).check()  # refuse a bad --out before the work
    if not scheduler:
        ui.notice_long_run(cfg, n_workers)
    with Progress(
        TextColumn("[bold]replications"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=ui.err_console, disable=as_json or not ui.err_console.is_terminal,
    ) as bar:
        task = bar.add_task("reps", total=cfg.reps)
        try:
            result = run(cfg, workers=workers, scheduler=scheduler, cache=not no_cache,
                         force=force,
                         progress=lambda done, total: bar.update(task, completed=done))
            staged = result.save(folder.staging)
            folder.commit()
        finally:
            folder.discard()
    paths = {k_: out / v.relative_to(staged["runs"].parent) for k_, v in staged.items()}
    if as_json:
        payload = {
            "config": cfg.to_dict(),
            "elapsed_s": result.elapsed_s,
            "from_cache": result.from_cache,
            "files": {k_: str(v) for k_, v in paths.items()},
            "summary": json.loads(result.to_frame().to_json(orient="records")),
        }
        ui.echo_json(payload)
        return
    _print_summary(result)
    ui.console.print(f"wrote {', '.join(str(v) for v in paths.values())}")
    if result.from_cache:
        ui.console.print(f"{cfg.reps} replications from the cache (an identical run took "
                         f"{result.elapsed_s:.1f} s; --no-cache to run again)")
    else:
        ui.console.print(f"{cfg.reps} replications in {result.elapsed_s:.1f} s")


def _print_summary(result) -> None:
    from rich.table import Table

    from computelimits import formatting as fm
    from computelimits.theory import MODELS

    s = result.to_frame()
    perf = Table(title="performance −log10(nMSE): mean (95% CI)", title_justify="left")
    flop = Table(title="FLOP per fit (mean, from raw data)", title_justify="left")
    for t in (perf, flop):
        t.add_column("n", justify="right")
        for m in MODELS:
            t.add_column(m, justify="right")
    for n_, g in s.groupby("n"):
        rows = {r.model: r for r in g.itertuples()}
        perf.add_row(str(n_), *(
            f"{rows[m].performance_mean:.2f} ({rows[m].performance_ci_low:.2f}, "
            f"{rows[m].performance_ci_high:.2f})" if m in rows else "" for m in MODELS))
        flop.add_row(str(n_), *(fm.flop_count(rows[m].flop_mean) if m in rows else ""
                                for m in MODELS))
    ui.console.print(perf)
    ui.console.print(flop)
    ui.console.print("Flexible is the minimum-norm least-squares fit where n ≤ p; "
                     "means are of −log10(nMSE) (geometric mean of nMSE).", style="dim")
