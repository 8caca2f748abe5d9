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
from computelimits._json import dumps
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


def _attribution(*names: str) -> list[str]:
    from computelimits.data.registry import SOURCES

    return [SOURCES[n].attribution for n in names]


def _print_sources(lines: list[str]) -> None:
    """Attribution lines travel with every output made from the data."""
    for line in lines:
        console.print(f"source: {line}", style="dim", highlight=False)


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


data_app = typer.Typer(
    help=("Open data: sources with pinned downloads and provenance, and the tidy tables built "
          "from them.\n\nExample: computelimits data results --benchmark mmlu --with-compute "
          "--out mmlu.csv"),
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")

StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Refuse mirror files whose checksum differs from the pinned upstream.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _strict(flag: bool) -> bool | None:
    return True if flag else None


def _date_range(df) -> str:
    import pandas as pd

    if {"start_date", "end_date"} <= set(df.columns):
        start, end = pd.to_datetime(df["start_date"]), pd.to_datetime(df["end_date"])
        return f"{start.min():%Y-%m-%d}–{end.max():%Y-%m-%d}"
    for col in ("date", "release_date", "year"):
        if col in df.columns:
            values = df[col].dropna()
            if values.empty:
                continue
            if col == "year":
                return f"{values.min():g}–{values.max():g}"
            values = pd.to_datetime(values)
            return f"{values.min():%Y-%m-%d}–{values.max():%Y-%m-%d}"
    return ""


@data_app.command("list")
def data_list(as_json: JsonOpt = False, strict: StrictOpt = False) -> None:
    """List every data source: licence, rows, date range, and where its files were found
    (mirror, cache or missing).

    Example: computelimits data list
    """
    from computelimits.data.fetch import file_status
    from computelimits.data.registry import SOURCES
    from computelimits.data.tables import source_table

    records = []
    try:
        for src in SOURCES.values():
            status = [file_status(src, f) for f in src.files]
            wheres = {w for w, _, _ in status}
            modified = sum(1 for w, _, ok in status if w != "missing" and not ok)
            where = "missing" if "missing" in wheres else "/".join(sorted(wheres))
            if modified:
                where += f" ({modified} modified)"
            rows, span = None, ""
            if "missing" not in wheres:
                df = source_table(src.name, strict=_strict(strict))
                rows, span = len(df), _date_range(df)
            records.append({"source": src.name, "licence": src.licence_short,
                            "files": len(src.files),
                            "rows": rows, "dates": span, "where": where})
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps(records, indent=2))
        return
    table = Table(title="data sources (computelimits data info SOURCE for provenance)")
    for col in ("source", "licence", "files", "rows", "dates", "where"):
        table.add_column(col, overflow="fold", no_wrap=col in ("source", "dates"))
    for r in records:
        table.add_row(r["source"], r["licence"], str(r["files"]),
                      "" if r["rows"] is None else str(r["rows"]), r["dates"], r["where"])
    console.print(table)


@data_app.command("info")
def data_info(
    source: Annotated[str, typer.Argument(help="Source name, as in `computelimits data list`.")],
    as_json: JsonOpt = False,
) -> None:
    """Provenance, licence, attribution line, files (pinned URL and sha256) and the columns of
    the tables a source feeds.

    Example: computelimits data info epoch-ai-models
    """
    from computelimits.data.fetch import file_status
    from computelimits.data.registry import get_source
    from computelimits.data.schema import SCHEMAS

    try:
        src = get_source(source)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    files = []
    for f in src.files:
        where, path, ok = file_status(src, f)
        files.append({"path": f.path, "url": f.url, "sha256": f.sha256,
                      "mirror_sha256": f.mirror_sha256, "note": f.note, "where": where,
                      "local_path": str(path) if path else None, "matches_pin": ok})
    tables = {t: {c: f"{d[0]}: {d[1]}" for c, d in SCHEMAS[t].items()}
              for t in src.feeds if t in SCHEMAS}
    info = {"source": src.name, "title": src.title, "licence": src.licence,
            "attribution": src.attribution, "provenance": src.provenance,
            "share_alike": src.share_alike, "notes": src.notes, "files": files,
            "feeds": list(src.feeds), "columns": tables}
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    console.print(f"[bold]{src.name}[/]: {src.title}", highlight=False)
    console.print(f"licence: {src.licence}", highlight=False)
    console.print(f"attribution: {src.attribution}", highlight=False)
    console.print(f"provenance: {src.provenance}", highlight=False)
    if src.share_alike:
        console.print("share-alike: keep tables derived from it separate, under the same "
                      "licence", highlight=False)
    if src.notes:
        console.print(f"notes: {src.notes}", highlight=False)
    for f in files:
        pin = f["sha256"] or f["mirror_sha256"]
        state = f["where"] + ("" if f["matches_pin"] in (None, True) else ", differs from pin")
        console.print(f"  {f['path']}  [{state}]\n    url: {f['url'] or '(none)'}\n"
                      f"    sha256: {pin}" + (f"\n    note: {f['note']}" if f["note"] else ""),
                      highlight=False)
    for t, cols in tables.items():
        console.print(f"feeds table [bold]{t}[/]:", highlight=False)
        for c, d in cols.items():
            console.print(f"  {c}  ({d})", highlight=False)


@data_app.command("fetch")
def data_fetch(
    sources: Annotated[list[str] | None, typer.Argument(
        help="Sources to fetch (default: all).")] = None,
    strict: StrictOpt = False,
) -> None:
    """Make data files available locally: use the mirror in $COMPUTELIMITS_DATA, else download
    each pinned file into the user cache and verify its sha256.

    Example: computelimits data fetch epoch-ai-models nlp-progress
    """
    from computelimits.data.fetch import fetch

    try:
        located = fetch(sources or None, strict=_strict(strict))
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    for loc in located:
        flag = "" if loc.pinned else "  (differs from pin)"
        console.print(f"{loc.where:8} {loc.source}/{loc.file.path}  {loc.path}{flag}",
                      highlight=False)


@data_app.command("results")
def data_results(
    benchmark: Annotated[str, typer.Option(help="Benchmark id, e.g. imagenet, mmlu, "
                                                "wmt2014-en-de, conll2003.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    with_compute: Annotated[bool, typer.Option(
        "--with-compute", help="Join each result with the training compute of its model.")
    ] = False,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Write one benchmark's results (optionally joined with training compute) to a CSV file,
    with its attribution lines beside it in FILE.attribution.txt.

    Example: computelimits data results --benchmark imagenet --with-compute --out imagenet.csv
    """
    from computelimits._io import atomic_path, atomic_write_text
    from computelimits.data import tables
    from computelimits.data.join import join_compute

    try:
        from computelimits.data.benchmarks import find_benchmark

        benchmark = find_benchmark(benchmark).id  # fail fast on an unknown name
        res = tables.results(benchmark, strict=_strict(strict))
        report = None
        if with_compute:
            joined = join_compute(res, tables.compute(strict=_strict(strict)))
            res, report = joined.table, joined.report
        with atomic_path(out) as tmp:
            res.to_csv(tmp, index=False, date_format="%Y-%m-%d")
        attribution = res.attrs.get("attribution", [])
        side = out.with_name(out.stem + ".attribution.txt")
        atomic_write_text(side, "\n".join(attribution) + "\n")
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    summary = {"benchmark": benchmark, "rows": len(res), "out": str(out),
               "attribution_file": str(side), "attribution": attribution}
    if report is not None:
        summary["join"] = json.loads(report.to_json(orient="records"))
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console.print(f"wrote {len(res)} results to {out} (attribution: {side})", highlight=False)
    if report is not None:
        from computelimits.data.join import RULES

        r = report.sum(numeric_only=True)
        kinds = ", ".join(f"{c.removeprefix('kind_')} {int(r[c])}" for c in report.columns
                          if c.startswith("kind_") and r[c])
        console.print(f"with compute: {int(r['with_compute'])} of {int(r['results'])} "
                      f"(" + ", ".join(f"{k} {int(r[k])}" for k in RULES)
                      + f"; unmatched {int(r['unmatched'])}); compute kinds: {kinds}",
                      highlight=False, markup=False)
    for line in attribution:
        console.print(f"source: {line}", style="dim", highlight=False)


@data_app.command("check")
def data_check(
    file: Annotated[Path, typer.Argument(help="Your CSV file.")],
    fmt: Annotated[str, typer.Option(
        "--format", help="'generic' (documented in computelimits.data.loaders.user_formats) "
                         "or 'computer-progress' (the Computer Progress per-benchmark layout).")
    ] = "generic",
    benchmark: Annotated[str | None, typer.Option(
        help="Benchmark id of a computer-progress file (e.g. imagenet, coco, squad1.1).")
    ] = None,
    convention: Annotated[str, typer.Option(
        "--burden-convention", help="Hardware burden of computer-progress files: 'per-chip' "
                                    "(counts are chips; a TPU device's rate / its chips) or "
                                    "'paper' (the Computer Progress seeder's count × table "
                                    "rate).")] = "per-chip",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the validated results (with compute) as CSV.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate your own results file with the same checks as the bundled sources; hardware
    burden (processors × peak rate × time) is computed for computer-progress files from the
    Computer Progress hardware tables.

    Example: computelimits data check my_results.csv --out checked.csv
    """
    from computelimits._io import atomic_path
    from computelimits.data.user_data import load_user_file

    try:
        # each row keeps its own compute (never another row's figure with the same name)
        jr = load_user_file(file, fmt=fmt, benchmark=benchmark, fill=False, impute=False,
                            convention=convention)
        res = table = jr.table
        if out is not None:
            with atomic_path(out) as tmp:
                table.to_csv(tmp, index=False, date_format="%Y-%m-%d")
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    repairs = dict(res.attrs.get("repairs", {}))
    kinds = table["compute_kind"].dropna().value_counts()
    summary = {"file": str(file), "format": fmt, "results": len(res),
               "with_compute": int(table["training_flop"].notna().sum()),
               "compute_kinds": {str(k): int(n) for k, n in kinds.items()},
               "peak_precision": {str(k): int(n) for k, n in
                                  table["peak_precision"].dropna().value_counts().items()},
               "benchmarks": sorted(res["benchmark"].dropna().unique().tolist()),
               "repairs": repairs, "out": str(out) if out else None}
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console.print(f"{file}: {summary['results']} valid results "
                  f"({', '.join(summary['benchmarks'])}), {summary['with_compute']} with "
                  "compute of their own"
                  + (" (" + ", ".join(f"{k} {n}" for k, n in summary["compute_kinds"].items())
                     + ")" if summary["compute_kinds"] else ""), highlight=False, markup=False)
    for what, n in sorted(repairs.items()):
        console.print(f"  repaired: {n} × {what}", highlight=False)
    if out is not None:
        console.print(f"wrote {out}", highlight=False)


@app.command()
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
) -> None:
    """What will a training run cost? FLOP, chip-hours, energy, CO2 and dollars, with every
    assumption and its source, and ranges where inputs are uncertain.

    Examples:

        computelimits estimate --chip "H100 SXM5 80GB" --chips 1024 --hours 720 --zone US-CAL-CISO

        computelimits estimate --params 7e9 --tokens 2e12 --chip "A100 SXM4 80 GB" --chips 256

        computelimits estimate --flop 1e24 --dollars-year 2024 --json
    """
    from computelimits.compute.estimate import estimate as run

    try:
        est = run(chip=chip, chips=chips, hours=hours, flop=flop, parameters=params,
                  tokens=tokens, precision=precision, utilization=utilization, zone=zone,
                  gco2e_per_kwh=gco2_per_kwh, lifecycle=not direct, pue=pue, overhead=overhead,
                  price_kind=price_kind, usd_per_chip_hour=usd_per_chip_hour,
                  dollars_year=dollars_year)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(dumps(est.to_dict()))
        return
    table = Table(title="training-run estimate")
    for col in ("quantity", "central", "range"):
        table.add_column(col, justify="right" if col != "quantity" else "left")
    for row in est.rows():
        table.add_row(*row)
    console.print(table)
    console.print("assumptions:", style="bold")
    for a in est.assumptions:
        rng = f" ({a['low']:g}–{a['high']:g})" if a.get("low") is not None else ""
        console.print(f"  {a['name']} = {a['value']:g} {a['unit']}{rng} — {a['source']}",
                      highlight=False)
    for n_ in est.notes:
        console.print(f"note: {n_}", style="yellow", highlight=False)
    for line in est.sources:
        console.print(f"source: {line}", style="dim", highlight=False)


@app.command()
def crosscheck(
    utilization: Annotated[float | None, typer.Option(
        help="Utilization for the compute check. [default: 0.35]")] = None,
    price_kind: Annotated[str, typer.Option(
        help="Cloud price for the cost check: on-demand, 1y or 3y.")] = "on-demand",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the per-model comparisons to this CSV (a 'check' column "
                            "says compute, cost or power).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the estimator against Epoch AI's models table: effective compute from chips ×
    peak × hours × utilization vs reported compute; chip-hours × observed cloud price vs
    Epoch's 2023-dollar cost; chips × TDP × server overhead vs Epoch's power draw.

    Example: computelimits crosscheck --out crosscheck.csv
    """
    import pandas as pd

    from computelimits._io import atomic_path
    from computelimits.compute.crosscheck import crosscheck as run

    try:
        cc = run(utilization=utilization, price_kind=price_kind)
        if out is not None:
            both = pd.concat([cc.compute.assign(check="compute"), cc.cost.assign(check="cost"),
                              cc.power.assign(check="power")], ignore_index=True)
            with atomic_path(out) as tmp:
                both.to_csv(tmp, index=False)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    summary = cc.summary()
    if as_json:
        typer.echo(json.dumps({"summary": json.loads(summary.to_json(orient="records")),
                               "skipped": cc.skipped}, indent=2))
        return
    table = Table(title="estimate / reported (Epoch AI models table)")
    for col in ("check", "n", "median", "q25", "q75", "within_2x", "within_3x"):
        table.add_column(col, justify="right")
    for r in summary.itertuples():
        table.add_row(r.check, str(r.n), f"{r.median:.3g}", f"{r.q25:.3g}", f"{r.q75:.3g}",
                      f"{r.within_2x:.0%}", f"{r.within_3x:.0%}")
    console.print(table)
    console.print(f"skipped: {cc.skipped}", style="dim", highlight=False)


# options shared by the verbs that fit: which data, which compute, which results
BenchOpt = Annotated[str | None, typer.Option(
    help="Benchmark id, e.g. imagenet, mmlu, gsm8k, coco, squad1.1 (with --data: the file's "
         "benchmark; required for --format computer-progress).")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="Your own results file instead of the bundled data (see `computelimits "
                   "data check`); rows keep their own compute.")]
FormatOpt = Annotated[str, typer.Option(
    "--format", help="Layout of --data: 'generic' or 'computer-progress'.")]
KindOpt = Annotated[str | None, typer.Option(
    "--kind", help="Compute kind to fit: training, hardware_burden, imputed_operations (or "
                   "includes_search, other_dataset, other_purpose), or 'all' to mix the "
                   "fittable kinds. \\[default: the rows' own kind, else training, else the "
                   "most numerous]")]
PrecisionOpt = Annotated[str | None, typer.Option(
    "--precision", help="Peak precision of hardware burdens to keep (fp32, bf16, ...) or "
                        "'any' to mix. \\[default: the most common]")]
SettingOpt = Annotated[str | None, typer.Option(
    "--setting", help="Evaluation setting to keep: supervised, zero-shot, few-shot, "
                      "chain-of-thought, fine-tuned, unknown, or 'all'. \\[default: the most "
                      "common]")]
ScaleOpt = Annotated[str, typer.Option(
    "--scale", help="'error', or 'above-chance' to fit error / chance error.")]
ClusterOpt = Annotated[str, typer.Option(
    help="Cluster unit for intervals: publication (paper, arXiv id or model family), model "
         "or source.")]
ImputeOpt = Annotated[bool, typer.Option(
    "--impute", help="With --data: impute ImageNet network operations (90 epochs assumed) "
                     "for rows without compute.")]
NoFillOpt = Annotated[bool, typer.Option(
    "--no-fill", help="With --data: use only the rows' own compute (no name matches with "
                      "Epoch AI's tables).")]
ConventionOpt = Annotated[str, typer.Option(
    "--burden-convention", help="Hardware burden of computer-progress files: 'per-chip' "
                                "(counts are chips; a TPU device's rate / its chips) or "
                                "'paper' (the Computer Progress seeder's count × table rate).")]


def _joined(data_file: Path | None, fmt: str, benchmark: str | None, *, impute: bool,
            no_fill: bool, convention: str, strict: bool = False, one: bool = True):
    """(joined table or None for the bundled data, benchmark id)."""
    from computelimits.errors import ConfigError

    if data_file is None:
        if not benchmark:
            raise ConfigError("give --benchmark (or --data FILE)")
        if impute or no_fill or fmt != "generic" or convention != "per-chip":
            raise ConfigError("--format, --impute, --no-fill and --burden-convention apply "
                              "to --data files only")
        return None, benchmark
    from computelimits.data.user_data import load_user_file

    jr = load_user_file(data_file, fmt=fmt, benchmark=benchmark, fill=not no_fill,
                        impute=impute, convention=convention, strict=_strict(strict))
    if benchmark is None and one:
        present = sorted(set(jr.table["benchmark"].dropna()))
        if len(present) != 1:
            raise ConfigError(f"{data_file} holds several benchmarks ({', '.join(present)}): "
                              "choose one with --benchmark")
        benchmark = present[0]
    return jr.table, benchmark


@app.command()
def fit(
    benchmark: BenchOpt = None,
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    form: Annotated[list[str] | None, typer.Option(
        help="Form(s): polynomial, exponential, logit. [default: all]")] = None,
    cov: Annotated[str, typer.Option(help="Standard errors: cluster, hc3 or ols.")] = "cluster",
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
    n_boot: Annotated[int, typer.Option(help="Cluster-bootstrap resamples.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    as_json: JsonOpt = False,
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
    from computelimits.scaling.dataset import benchmark_data, frontier
    from computelimits.scaling.fit import ScalingFit
    from computelimits.scaling.sources import source_check

    forms = form or ["polynomial", "exponential", "logit"]
    try:
        for f_ in forms:  # fail fast, before any data are read
            ScalingFit(f_, cov=cov)
        joined, benchmark = _joined(data_file, fmt, benchmark, impute=impute,
                                    no_fill=no_fill, convention=convention)
        data = benchmark_data(benchmark, cluster=cluster, imputed=not no_imputed, kind=kind,
                              precision=precision, setting=setting, scale=scale,
                              joined=joined)
        if frontier_only:
            data = frontier(data)
        undated = 0
        if control_year:  # the year control needs a date: leave undated results out, say so
            undated = int(data["year"].isna().sum())
            if undated:
                attrs = data.attrs
                data = data[data["year"].notna()].reset_index(drop=True)
                data.attrs = attrs
                data.attrs["selection"].left_out["undated (the year control needs a date)"] = \
                    undated
                data.attrs["selection"].n = len(data)
        fits = [ScalingFit(f, cov=cov, control_year=control_year, n_boot=n_boot,
                           seed=seed).fit(data) for f in forms]
        sources = source_check(data, forms[0]) if data["source"].nunique() > 1 else None
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    sel = data.attrs["selection"]
    if as_json:
        payload = {"benchmark": benchmark, "n": len(data), "selection": sel.to_dict(),
                   "fits": [f.to_dict() for f in fits],
                   "influence": json.loads(fits[0].influence().head(5).to_json(orient="records")),
                   "sources": (None if sources is None else
                               {"statement": sources.statement, "disagree": sources.disagree,
                                "table": json.loads(sources.table.to_json(orient="records"))}),
                   "attribution": data.attrs.get("attribution", [])}
        typer.echo(dumps(payload))
        return
    table = Table(title=f"{benchmark}: error against {sel.kind} compute ({len(data)} results)")
    for col in ("form", "slope", "se", "95% CI", "boot CI", "R²", "N", "clusters", "AIC",
                "BIC", "halving ×"):
        table.add_column(col, justify="right")
    for f_ in fits:
        d = f_.to_dict()
        half = (f"{d['halving_multiple']:.3g}" if d["halving_multiple"] is not None
                else "not identified")
        table.add_row(f_.form, f"{d['slope']:.4f}", f"{d['slope_se']:.4f}",
                      f"[{d['slope_ci_low']:.4f}, {d['slope_ci_high']:.4f}]",
                      f"[{d.get('slope_boot_low', float('nan')):.4f}, "
                      f"{d.get('slope_boot_high', float('nan')):.4f}]",
                      f"{d['r2']:.3f}", str(d["n"]), str(d["clusters"]), f"{d['aic']:.1f}",
                      f"{d['bic']:.1f}", half)
    console.print(table)
    console.print(fits[0].summary(), highlight=False, markup=False)
    if sources is not None:
        console.print(f"sources: {sources.statement}", highlight=False, markup=False)
        for r in sources.table.itertuples():
            if r.fit != "pooled":
                console.print(f"  {r.fit} {r.source}: slope {r.slope:.4f} "
                              f"[{r.slope_ci_low:.4f}, {r.slope_ci_high:.4f}], N {r.n}",
                              highlight=False, markup=False)
    _print_sources(data.attrs.get("attribution", []))
    infl = fits[0].influence().head(3)
    for r in infl.itertuples():
        console.print(f"influence: without {r.paper!r} ({r.results} results) the slope is "
                      f"{r.slope_without:.4f}" + (" [flagged]" if r.flag else ""),
                      highlight=False, markup=False)


@app.command()
def extrapolate(
    target_error: Annotated[float | None, typer.Option(
        help="Target error as a fraction, e.g. 0.05 for 5% error (the inverse question: "
             "what compute, dollars and CO2 reach it).")] = None,
    benchmark: BenchOpt = None,
    date: Annotated[str | None, typer.Option(
        help="Date of the questions, YYYY-MM-DD (time model). \\[default: today]")] = None,
    compute: Annotated[float | None, typer.Option(
        help="Forward question: the error a model of this training compute (FLOP) released "
             "at --date reaches (time model).")] = None,
    frontier: Annotated[bool, typer.Option(
        "--frontier", help="Frontier question: the best error expected at --date if "
                           "frontier compute keeps growing at its measured rate.")] = False,
    model: Annotated[str, typer.Option(
        help="'time': error on compute and date, intervals calibrated out of sample (the "
             "default, chosen by backtests); 'compute-only': the paper's fit on compute "
             "alone, with modern and paper-convention costs.")] = "time",
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    form: Annotated[str, typer.Option(help="Fitted form.")] = "polynomial",
    kind: KindOpt = None,
    precision: PrecisionOpt = None,
    setting: SettingOpt = None,
    scale: ScaleOpt = "error",
    cluster: ClusterOpt = "publication",
    impute: ImputeOpt = False,
    no_fill: NoFillOpt = False,
    convention: ConventionOpt = "per-chip",
    budget: Annotated[float | None, typer.Option(
        help="Budget in US dollars: the year the run becomes affordable on the measured "
             "price-performance trend.")] = None,
    zone: Annotated[str | None, typer.Option(
        help="Grid zone for CO2. [default: world average]")] = None,
    n_boot: Annotated[int, typer.Option(help="Cluster-bootstrap resamples.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """The compute, dollars and CO2 needed to reach a target error, with bootstrap confidence
    and prediction intervals, under modern defaults and the paper's conventions. Where the
    slope's interval includes zero, compute does not explain the benchmark and no figure is
    printed.

    Example: computelimits extrapolate --benchmark mmlu --target-error 0.15 --frontier

    Example: computelimits extrapolate --benchmark imagenet --target-error 0.05 --model
    compute-only --budget 1e9
    """
    from computelimits.scaling.extrapolate import extrapolate as run

    select = {"kind": kind, "precision": precision, "setting": setting, "scale": scale,
              "cluster": cluster}
    if model not in ("time", "compute-only"):
        raise _fail(ComputeLimitsError(f"--model must be 'time' or 'compute-only', got "
                                       f"{model!r}"))
    if model == "time":
        if budget is not None:
            raise _fail(ComputeLimitsError("--budget applies to --model compute-only; the "
                                           "time model prices the target by buy date"))
        try:
            joined, benchmark = _joined(data_file, fmt, benchmark, impute=impute,
                                        no_fill=no_fill, convention=convention)
            from computelimits.scaling.outlook import outlook

            o = outlook(benchmark, target_error=target_error, date=date, compute=compute,
                        frontier=frontier, joined=joined, select=select,
                        n_boot=min(n_boot, 4000), seed=seed, zone=zone)
        except ComputeLimitsError as exc:
            raise _fail(exc) from None
        _print_outlook(o, as_json)
        return
    if target_error is None or date or compute is not None or frontier:
        raise _fail(ComputeLimitsError("--model compute-only answers --target-error only "
                                       "(no --date, --compute or --frontier)"))
    try:
        joined, benchmark = _joined(data_file, fmt, benchmark, impute=impute,
                                    no_fill=no_fill, convention=convention)
        x = run(benchmark, target_error, form=form, budget_usd=budget, zone=zone,
                n_boot=n_boot, seed=seed, joined=joined, select=select)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(dumps(x.to_dict()))
        return

    import numpy as np

    def e10(v):
        return f"10^{v:.1f}" if np.isfinite(v) else "∞"

    if not x.identified:
        console.print(f"[bold]{x.benchmark}[/]: compute does not explain this benchmark — "
                      f"no compute, dollar or CO2 figure for error {x.target_error:g}",
                      highlight=False)
        for n_ in [*x.selection_lines, *x.notes]:
            console.print(f"note: {n_}", style="yellow", highlight=False, markup=False)
        _print_sources(x.sources)
        return
    where = (f"extrapolation {x.orders_beyond_data:.1f} orders of magnitude beyond the largest "
             "observed compute" if x.is_extrapolation else "within the observed compute range")
    console.print(f"[bold]{x.benchmark}[/]: error {x.target_error:g} (best observed "
                  f"{x.best_observed_error:.3g}), {x.form} fit on {x.compute_kind} compute — "
                  f"{where}", highlight=False)
    table = Table()
    for col in ("quantity", "central", "95% confidence", "95% prediction"):
        table.add_column(col, justify="right")
    table.add_row(f"{x.compute_kind} compute (FLOP)", e10(x.log10_compute),
                  f"{e10(x.log10_compute_conf[0])}–{e10(x.log10_compute_conf[1])}",
                  f"{e10(x.log10_compute_pred[0])}–{e10(x.log10_compute_pred[1])}")
    table.add_row(f"cost ({x.price_year} cloud prices)", f"${x.usd:.3g}",
                  f"${x.usd_conf[0]:.3g}–${x.usd_conf[1]:.3g}",
                  f"${x.usd_pred[0]:.3g}–${x.usd_pred[1]:.3g}")
    table.add_row("CO2e (kg)", f"{x.co2_kg:.3g}",
                  f"{x.co2_kg_conf[0]:.3g}–{x.co2_kg_conf[1]:.3g}", "")
    table.add_row("cost, paper convention", f"${x.paper_usd:.3g}", "", "")
    table.add_row("CO2, paper convention (kg)", f"{x.paper_co2_kg:.3g}", "", "")
    if x.marginal_usd_per_point is not None:
        table.add_row("marginal cost per point of error at the frontier",
                      f"${x.marginal_usd_per_point:.3g}", "", "")
        table.add_row("marginal CO2e per point of error at the frontier (kg)",
                      f"{x.marginal_co2_kg_per_point:.3g}", "", "")
    if x.affordable_year is not None:
        table.add_row(f"affordable at ${x.budget_usd:.3g}", f"{x.affordable_year:.0f}", "", "")
    console.print(table)
    for line in x.selection_lines:
        console.print(f"data: {line}", highlight=False, markup=False)
    for a in x.assumptions:
        console.print(f"  {a['name']} = {a['value']:g} {a.get('unit', '')} — {a['source']}",
                      highlight=False, markup=False)
    for n_ in x.notes:
        console.print(f"note: {n_}", style="yellow", highlight=False, markup=False)
    _print_sources(x.sources)


def _rolling_backtest(benchmark, data_file, fmt, *, impute, no_fill, convention, n_boot,
                      seed, out, as_json, form, select) -> None:
    from computelimits.scaling.calibrate import evaluate

    try:
        if data_file is not None:
            one = benchmark[0] if benchmark and len(benchmark) == 1 else None
            joined, _ = _joined(data_file, fmt, one, impute=impute, no_fill=no_fill,
                                convention=convention, one=False)
            min_results = 12
        else:
            from computelimits.data import tables
            from computelimits.data.join import join_compute

            joined = join_compute(tables.results(), tables.compute()).table
            min_results = 20
        pred, summary = evaluate(joined, benchmarks=list(benchmark) if benchmark else None,
                                 select=select, n_boot=min(n_boot, 1000), seed=seed,
                                 form=form, min_results=min_results)
        if out is not None:
            from computelimits._io import atomic_path

            with atomic_path(out) as tmp:
                summary.to_csv(tmp, index=False)
            side = out.with_name(out.stem + ".predictions.csv")
            with atomic_path(side) as tmp:
                pred.to_csv(tmp, index=False)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        clean = summary.astype(object).where(summary.notna(), None)
        typer.echo(dumps(clean.to_dict(orient="records")))
        return
    t = Table(title="rolling-origin backtest: every later result (95% intervals; errors in "
                    "orders of magnitude of compute)")
    for col in ("benchmark", "model", "predictions", "cutoffs", "forward coverage",
                "inverse coverage", "inverse median |error|", "skill vs compute-only",
                "skill vs naive", "not identified"):
        t.add_column(col, justify="left" if col in ("benchmark", "model") else "right")

    def f(v, spec=".2f"):
        return "" if v is None or v != v else format(v, spec)

    rows = summary[(summary["target"] == "all")
                   & summary["model"].isin(["time", "compute_only", "naive"])]
    for r in rows.to_dict(orient="records"):
        t.add_row(str(r["benchmark"]), str(r["model"]), str(r["predictions"]),
                  str(r["cutoffs"]), f(r["forward_coverage"]), f(r["inverse_coverage"]),
                  f(r["inverse_medae_oom"]), f(r["skill_vs_compute_only"]),
                  f(r["skill_vs_naive"]), f(r["not_identified"], ".0%"))
    console.print(t)
    best = summary[(summary["target"] == "new_best")
                   & summary["benchmark"].str.startswith("pooled")]
    for r in best.to_dict(orient="records"):
        console.print(f"new bests only ({r['benchmark']}), {r['model']}: "
                      f"{r['predictions']} predictions, inverse median |error| "
                      f"{f(r['inverse_medae_oom'])}, bias {f(r['inverse_bias_oom'])} orders "
                      "(new bests are selected to be lucky for their compute)",
                      highlight=False, markup=False)
    console.print("time: error on compute and date, conformal intervals calibrated on the "
                  "pooled out-of-sample residuals; compute_only: the paper's fit; naive: the "
                  "last record's compute grown at the results' compute growth rate. Skill = "
                  "1 − median |error| / the baseline's.", highlight=False, markup=False)
    _print_sources(joined.attrs.get("attribution", []))


def _print_outlook(o, as_json: bool) -> None:
    """The three answers, the costs by buy year and how far to trust them."""
    if as_json:
        typer.echo(dumps(o.to_dict()))
        return
    fc = o.forecast
    console.print(f"[bold]{o.benchmark}[/] at {o.date}: error on {o.compute_kind} compute and "
                  "date", highlight=False)
    for line in o.selection_lines:
        console.print(f"data: {line}", highlight=False, markup=False)
    if not o.identified:
        console.print("compute does not explain this benchmark — no compute, dollar or CO2 "
                      "figure", highlight=False)
    else:
        console.print(
            f"algorithmic progress: {fc['rate_oom_per_year']:.2f} orders of magnitude per year "
            f"[{fc['rate_low']:.2f}, {fc['rate_high']:.2f}] — the compute needed for a fixed "
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
                  f"10^{i['low']:.1f}–10^{i['high']:.1f}")
    if o.forward:
        f = o.forward
        t.add_row(f"error of a {f['compute']:.3g}-FLOP model", f"{f['error']:.3g}",
                  f"{f['low']:.3g}–{f['high']:.3g}")
    if o.frontier:
        f = o.frontier
        t.add_row(f"frontier error (10^{f['log10_compute']:.1f} FLOP)", f"{f['error']:.3g}",
                  f"{f['low']:.3g}–{f['high']:.3g}")
    if t.row_count:
        console.print(t)
    if o.costs:
        c = Table(title="cost of the target by buy date (medians, 95% intervals)")
        for col in ("buy", "compute (FLOP)", "dollars", "t CO2e"):
            c.add_column(col, justify="right")
        for r in o.costs["table"]:
            c.add_row(f"{r['buy_year']:.1f}", f"10^{r['log10_flop_median']:.1f}",
                      f"${r['usd_median']:.3g} ({r['usd_low']:.3g}–{r['usd_high']:.3g})",
                      f"{r['co2_kg_median'] / 1e3:.3g} ({r['co2_kg_low'] / 1e3:.3g}–"
                      f"{r['co2_kg_high'] / 1e3:.3g})")
        console.print(c)
        for a in o.costs["assumptions"]:
            rng = (f"{a['low']:g}–{a['high']:g}" if a.get("low") is not None
                   and a.get("high") is not None else f"{a.get('value')}")
            console.print(f"  {a['name']} = {rng} {a.get('unit') or ''} — {a.get('source')}",
                          highlight=False, markup=False)
        console.print(f"  {o.costs['note']}", highlight=False, markup=False)
    if o.trust:
        console.print(f"trust: {o.trust['sentence']}", highlight=False, markup=False)
    for n_ in o.notes:
        console.print(f"note: {n_}", style="yellow", highlight=False, markup=False)
    if o.costs:
        for n_ in o.costs["notes"]:
            console.print(f"note: {n_}", style="yellow", highlight=False, markup=False)
    _print_sources(o.sources)


@app.command()
def reproduce(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path(
        "results/report"),
    quick: Annotated[bool, typer.Option(
        "--quick", help="Small theory grid and 1,000 bootstrap draws (about a minute).")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the simulation and the bootstraps.")] = 0,
    workers: Annotated[int | None, typer.Option(
        help="Local worker processes for the theory experiment. \\[default: all cores]")
    ] = None,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial", help="Write a theory-only report (exit 0) when the data are missing.")
    ] = False,
    open_report: Annotated[bool, typer.Option(
        "--open", help="Open the report in the browser when done.")] = False,
) -> None:
    """Rerun the whole study — theory experiment, data, fits, trends, extrapolations,
    backtests — and write OUT/index.html with every figure and table (CSV, JSON, PNG, SVG
    beside it).

    Examples:

        computelimits reproduce --out results/report

        computelimits reproduce --quick --out results/quick-report --open
    """
    from computelimits.report.build import STAGES
    from computelimits.report.build import reproduce as run

    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(), console=err_console,
                        disable=not err_console.is_terminal)
    try:
        with progress:
            task = progress.add_task("starting", total=len(STAGES))

            def say(stage: str, message: str) -> None:
                progress.update(task, description=message, completed=STAGES.index(stage))

            result = run(out, quick=quick, seed=seed, allow_partial=allow_partial,
                         workers=workers, progress=say)
            progress.update(task, completed=len(STAGES), description="done")
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    s = result.summary
    console.print(f"report: {result.out / 'index.html'}  ({result.seconds:.0f} s)",
                  highlight=False)
    for c in s.get("theory_crossovers", []):
        if c.get("overtakes_expert_at_n"):
            console.print(f"theory: {c['model']} overtakes Expert at n = "
                          f"{c['overtakes_expert_at_n']:,} using "
                          f"{c['flop_multiple_vs_expert']:.3g}× its FLOP", highlight=False)
    for f_ in s.get("polynomial_fits", []):
        verdict = "" if f_.get("identified", True) else " — compute does not explain it"
        console.print(f"fit: {f_['benchmark']} ({f_['compute_kind']} compute): slope "
                      f"{f_['slope']:.3f} [{f_['slope_ci_low']:.3f}, {f_['slope_ci_high']:.3f}]"
                      f", R² {f_['r2']:.2f}, N {f_['n']} ({f_['n_by_kind']}; "
                      f"{f_['left_out']} left out){verdict}", highlight=False, markup=False)
    if result.partial:
        for m in result.missing:
            console.print(f"missing: {m}", style="yellow", highlight=False)
    if open_report:
        import webbrowser

        webbrowser.open((result.out / "index.html").resolve().as_uri())


@app.command()
def trends(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for trends.csv, shares.csv and figure.png/.svg.")] = None,
    start: Annotated[int, typer.Option(help="First year of the common period.")] = 2012,
    end: Annotated[int, typer.Option(help="Last year of the common period.")] = 2023,
    subset: Annotated[str, typer.Option(
        help="Models: notable, frontier or all.")] = "notable",
    n_boot: Annotated[int, typer.Option(help="Bootstrap resamples.")] = 2000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Growth of training compute (doubling time, by era) against hardware progress measured
    from the data — peak FLOP/s per chip, FLOP/s per dollar, Moore's law — and how much of the
    compute growth hardware explains.

    Example: computelimits trends --out results/trends
    """
    from computelimits.scaling import trends as T  # noqa: N812

    try:
        report = T.trend_report(period=(start, end), compute_subset=subset, n_boot=n_boot,
                                seed=seed)
        table, share = report.table(), report.share_table()
        if out is not None:
            from computelimits._io import atomic_path
            from computelimits.report.figures import save

            out.mkdir(parents=True, exist_ok=True)
            for name, df in (("trends", table), ("shares", share)):
                with atomic_path(out / f"{name}.csv") as tmp:
                    df.to_csv(tmp, index=False)
            save(T.plot_trends(report), out, "figure")
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    t = Table(title=f"doubling times (months), 95% intervals; common period {start}–{end}")
    for col in ("series", "n", "years", "doubling", "interval"):
        t.add_column(col, justify="right" if col != "series" else "left")
    for r in table.itertuples():
        t.add_row(str(r.label), str(r.n), f"{int(r.start)}–{int(r.end)}",
                  f"{r.doubling_months:.1f}", f"{r.doubling_lo:.1f}–{r.doubling_hi:.1f}")
    console.print(t)
    for r in share.itertuples():
        console.print(f"{r.hardware}: explains {r.share:.0%} ({r.share_lo:.0%}–{r.share_hi:.0%}) "
                      f"of the growth in training compute", highlight=False)
    _print_sources(_attribution("epoch-ai-models", "epoch-hardware", "microprocessor-trends"))


@app.command()
def backtest(
    benchmark: Annotated[list[str] | None, typer.Option(
        help="Benchmark id(s). \\[default: the language-model benchmarks, or the --data "
             "file's benchmarks]")] = None,
    cutoff: Annotated[list[str] | None, typer.Option(
        help="Cutoff date(s), YYYY-MM-DD: the compute-only fit before each, scored on the new "
             "bests after it. \\[default: a rolling-origin evaluation over quarterly cutoffs "
             "of the time model against the compute-only fit and a naive baseline]")] = None,
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    form: Annotated[str, typer.Option(help="Fitted form.")] = "polynomial",
    kind: KindOpt = None,
    precision: PrecisionOpt = None,
    setting: SettingOpt = None,
    scale: ScaleOpt = "error",
    cluster: ClusterOpt = "publication",
    impute: ImputeOpt = False,
    no_fill: NoFillOpt = False,
    convention: ConventionOpt = "per-chip",
    n_boot: Annotated[int, typer.Option(help="Cluster-bootstrap resamples.")] = 2000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the calibration table (and per-result rows) as CSV.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit on results published before a cutoff, predict the compute of the best results
    after it, and report how often the truth falls inside the 95% intervals and the error in
    orders of magnitude.

    Example: computelimits backtest --benchmark mmlu --cutoff 2022-01-01

    Example: computelimits backtest --data my_results.csv --cutoff 2023-01-01
    """
    from computelimits.scaling import backtest as bt

    if not cutoff:
        _rolling_backtest(benchmark, data_file, fmt, impute=impute, no_fill=no_fill,
                          convention=convention, n_boot=n_boot, seed=seed, out=out,
                          as_json=as_json, form=form,
                          select={"kind": kind, "precision": precision, "setting": setting,
                                  "scale": scale, "cluster": cluster})
        return
    cutoffs = cutoff
    try:
        joined = None
        if data_file is not None:
            one = benchmark[0] if benchmark and len(benchmark) == 1 else None
            joined, _ = _joined(data_file, fmt, one, impute=impute, no_fill=no_fill,
                                convention=convention, one=False)
            benches = list(benchmark) if benchmark else sorted(set(joined["benchmark"]))
        else:
            _joined(None, fmt, "-", impute=impute, no_fill=no_fill, convention=convention)
            benches = benchmark or list(bt.LANGUAGE_BENCHMARKS)
        cal = bt.calibration(benches, cutoffs, form=form, n_boot=n_boot, seed=seed,
                             joined=joined, cluster=cluster,
                             select={"kind": kind, "precision": precision,
                                     "setting": setting, "scale": scale})
        if out is not None:
            from computelimits._io import atomic_path

            with atomic_path(out) as tmp:
                cal.to_csv(tmp, index=False)
    except ComputeLimitsError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(cal.to_json(orient="records", indent=2))
        return
    t = Table(title="backtests: 95% prediction-interval coverage and error (orders of magnitude)")
    for col in ("benchmark", "cutoff", "compute", "train", "test", "PI coverage",
                "CI coverage", "median |error|", "bias", "note"):
        t.add_column(col, justify="right" if col not in ("benchmark", "note") else "left")
    for r in cal.to_dict(orient="records"):
        def f(v, spec=".2f"):
            return "" if v is None or v != v else format(v, spec)

        t.add_row(str(r["benchmark"]), str(r["cutoff"]), str(r.get("compute_kind") or ""),
                  f(r.get("n_train"), ".0f"),
                  f(r.get("n_test"), ".0f"), f(r.get("pi_coverage")), f(r.get("ci_coverage")),
                  f(r.get("median_abs_error_oom")), f(r.get("bias_oom")),
                  str(r.get("reason") or ""))
    console.print(t)
    if joined is not None:
        _print_sources(joined.attrs.get("attribution", []))
    else:
        _print_sources(_attribution("epoch-benchmarks", "epoch-open-model-trends",
                                    "epoch-ai-models"))


if __name__ == "__main__":  # pragma: no cover
    app()
