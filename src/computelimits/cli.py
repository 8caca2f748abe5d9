"""The ``computelimits`` command line: parse options, call the Python API, render with rich.

Every error the package raises on purpose becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from computelimits import __version__
from computelimits.errors import ComputeLimitsError

app = typer.Typer(
    name="computelimits",
    help=(
        "How much deep-learning progress depends on computing power, and what further progress "
        "would cost (after Thompson, Greenewald, Lee & Manso, arXiv 2007.05558).\n\n"
        "Example: computelimits simulate --quick --out results/quick"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

console = Console()
err_console = Console(stderr=True)


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _version(value: bool) -> None:
    if value:
        console.print(f"computelimits {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """computelimits command line."""


def _parse_grid(text: str) -> tuple[int, ...]:
    from computelimits.errors import ConfigError

    try:
        values = [int(float(v)) for v in text.replace(" ", "").split(",") if v]
    except ValueError as exc:
        raise ConfigError(f"--n must be comma-separated integers, got {text!r}") from exc
    if not values:
        raise ConfigError("the sample-size grid is empty")
    return tuple(values)


@app.command()
def simulate(
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for runs.csv, summary.csv, config.json, figure.png/.svg."
    )] = Path("results/theory"),
    p: Annotated[int | None, typer.Option(help="Candidate features. \\[default: 1000]")] = None,
    k: Annotated[int | None, typer.Option(help="Non-zero coefficients. \\[default: 10]")] = None,
    snr: Annotated[float | None, typer.Option(
        help="Signal-to-noise ratio ‖β‖²/σ². \\[default: 1]")] = None,
    n: Annotated[str | None, typer.Option(
        "--n", help="Sample sizes, comma-separated (overrides --n-min/--n-max/--per-decade).")
    ] = None,
    n_min: Annotated[int, typer.Option(help="Smallest sample size of the log grid.")] = 10,
    n_max: Annotated[int, typer.Option(help="Largest sample size of the log grid.")] = 100_000,
    per_decade: Annotated[int, typer.Option(help="Grid points per factor of ten.")] = 3,
    reps: Annotated[int | None, typer.Option(
        help="Replications (new β and data each). \\[default: 100]")] = None,
    seed: Annotated[int, typer.Option(help="Root seed (numpy SeedSequence).")] = 0,
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes. \\[default: all cores]")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run on a dask.distributed cluster at this address, e.g. tcp://127.0.0.1:8786.")
    ] = None,
    penalty: Annotated[str, typer.Option(
        help="Lasso penalty: 'cv' (K-fold cross-validation) or 'universal' "
             "(σ·sqrt(2 ln p / n), true σ).")] = "cv",
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
    patience: Annotated[int, typer.Option(
        help="Stop the CV path after this many penalties without improvement (0: full path)."
    )] = 10,
    materialize: Annotated[bool, typer.Option(
        "--materialize", help="Draw X and fit from it as a practitioner would (slow; real "
        "wall times). Default: draw the sufficient statistics directly.")] = False,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Small run in seconds: p=100, k=5, n=10..10,000, 8 replications "
        "(explicit options still apply).")] = False,
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
    from computelimits.theory import TheoryConfig, log_grid
    from computelimits.theory import simulate as run

    try:
        base = TheoryConfig.quick() if quick else TheoryConfig()
        changes: dict[str, object] = {"seed": seed, "penalty": penalty, "folds": folds,
                                      "patience": patience, "materialize": materialize}
        for name, value in (("p", p), ("k", k), ("snr", snr), ("reps", reps)):
            if value is not None:
                changes[name] = value
        if n is not None:
            changes["n_grid"] = _parse_grid(n)
        elif not quick or (n_min, n_max, per_decade) != (10, 100_000, 3):
            changes["n_grid"] = log_grid(n_min, n_max, per_decade)
        cfg = base.replace(**changes)
        with Progress(
            TextColumn("[bold]replications"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            console=err_console, disable=as_json or not err_console.is_terminal,
        ) as bar:
            task = bar.add_task("reps", total=cfg.reps)
            result = run(cfg, workers=workers, scheduler=scheduler,
                         progress=lambda done, total: bar.update(task, completed=done))
        paths = result.save(out)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        payload = {
            "config": cfg.to_dict(),
            "elapsed_s": result.elapsed_s,
            "files": {k_: str(v) for k_, v in paths.items()},
            "summary": json.loads(result.summary.to_json(orient="records")),
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    _print_summary(result)
    console.print(f"wrote {', '.join(str(v) for v in paths.values())}")
    console.print(f"{cfg.reps} replications in {result.elapsed_s:.1f} s")


def _print_summary(result) -> None:
    from computelimits.theory import MODELS

    s = result.summary
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
        flop.add_row(str(n_), *(f"{rows[m].flop_mean:.2e}" if m in rows else ""
                                for m in MODELS))
    console.print(perf)
    console.print(flop)
    console.print("Flexible is the minimum-norm least-squares fit where n ≤ p; "
                  "means are of −log10(nMSE) (geometric mean of nMSE).", style="dim")


if __name__ == "__main__":  # pragma: no cover
    app()
