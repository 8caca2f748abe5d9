"""``computelimits data list/info/fetch/results/check``: the open data."""

from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import JsonOpt, StrictOpt, VerboseOpt

__all__ = ["app"]

app = ui.App(
    help=("Open data: sources with pinned downloads and provenance, and the tidy tables built "
          "from them.\n\nExample: computelimits data results --benchmark mmlu --with-compute "
          "--out results/mmlu.csv"),
    no_args_is_help=True,
)


@app.command("list")
def data_list(as_json: JsonOpt = False, strict: StrictOpt = False) -> None:
    """List every data source: licence, rows, date range, and where its files were found
    (mirror, cache or missing).

    Example: computelimits data list
    """
    from rich.table import Table

    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.inventory import list_sources

    records = list_sources(resolve_catalog(strict=strict or None))
    if as_json:
        ui.echo_json(records)
        return
    table = Table(title="data sources (computelimits data info SOURCE for provenance)")
    for col in ("source", "licence", "files", "rows", "dates", "where"):
        table.add_column(col, overflow="fold", no_wrap=col in ("source", "dates"))
    for r in records:
        table.add_row(r["source"], r["licence"], str(r["files"]),
                      "" if r["rows"] is None else str(r["rows"]), r["dates"], r["where"])
    ui.console.print(table)


@app.command("info")
def data_info(
    source: Annotated[str, typer.Argument(help="Source name, as in `computelimits data list`.")],
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v",
        help="Also print each file's pinned URL, sha256 and note, the source's notes, what "
             "each column of the tables it feeds holds, its results per evaluation setting, "
             "(for Epoch's models) the hardware burden and the repairs made while parsing "
             "(e.g. dates corrected by hand; --json always holds them).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Provenance, licence, attribution line, files and the columns of the tables a source
    feeds; each file's pinned URL and sha256, the notes and what each column holds under
    --verbose.

    Example: computelimits data info epoch-ai-models
    """
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.inventory import describe_source

    info = describe_source(source, resolve_catalog())
    burden = _burden_lines(info) if info["source"] == "epoch-ai-models" else []
    if as_json:
        ui.echo_json(info)
        return
    say = ui.console.print
    say(ui.bold(info["source"], f": {info['title']}"), highlight=False)
    say(f"licence: {info['licence']}", highlight=False)
    say(f"attribution: {info['attribution']}", highlight=False)
    say(f"provenance: {info['provenance']}", highlight=False)
    if info["share_alike"]:
        say("share-alike: keep tables derived from it separate, under the same licence",
            highlight=False)
    if info["notes"] and verbose:
        say(f"notes: {info['notes']}", highlight=False)
    for f in info["files"]:
        pin = f["sha256"] or f["mirror_sha256"]
        state = f["where"] + ("" if f["matches_pin"] in (None, True) else ", differs from pin")
        if not verbose:
            say(f"  {f['path']}  [{state}]", highlight=False, markup=False)
            continue
        say(f"  {f['path']}  [{state}]\n    url: {f['url'] or '(none)'}\n"
            f"    sha256: {pin}" + (f"\n    note: {f['note']}" if f["note"] else ""),
            highlight=False)
    for t, cols in info["columns"].items():
        if not verbose:
            say(f"feeds table {t} ({len(cols)} columns): {', '.join(cols)}", highlight=False,
                markup=False)
            continue
        say(ui.bold("feeds table ", t, ":", at=1), highlight=False)
        for c, d in cols.items():
            say(f"  {c}  ({d})", highlight=False)
    settings = info.get("settings")
    if not verbose:
        more = ["each file's pinned URL and sha256"]
        if info["notes"] or any(f["note"] for f in info["files"]):
            more.append("the notes")
        if info["columns"]:
            more.append("what each column holds")
        if settings and settings["counts"]:
            more.append("the results per evaluation setting")
        if burden:
            more.append("the hardware burden of its models")
        if info.get("repairs"):
            more.append("the repairs made while parsing it")
        ui.print_more(*more, attribution=False)
        return
    if settings and settings["counts"]:
        from rich.table import Table

        kinds = sorted({k for row in settings["counts"].values() for k in row})
        t = Table(title="results per evaluation setting")
        t.add_column("benchmark")
        for k in kinds:
            t.add_column(k, justify="right")
        for b, row in settings["counts"].items():
            t.add_row(b, *(str(row.get(k, "")) for k in kinds))
        say(t)
        say(f"rule: {settings['rule']}", highlight=False, markup=False)
    for line in burden:
        say(line, highlight=False, markup=False)
    for what, n in (info.get("repairs") or {}).items():
        say(f"repaired: {n} × {what}", highlight=False, markup=False)


def _burden_lines(info: dict) -> list[str]:
    """The paper's hardware burden of Epoch's models and the utilization their training
    compute implies (:func:`computelimits.compute.utilization.implied_utilization`), added
    to ``info`` as ``hardware_burden``; no lines when the hardware data are missing."""
    from computelimits.compute.utilization import implied_utilization
    from computelimits.data.catalog import resolve_catalog
    from computelimits.errors import ComputeLimitsError

    try:
        u = implied_utilization(catalog=resolve_catalog())
    except ComputeLimitsError as exc:
        info["hardware_burden"] = {"error": str(exc)}
        return [f"hardware burden: not computed ({exc})"]
    info["hardware_burden"] = u.to_dict()
    return [*u.lines(), f"rule: {u.rule}"]


@app.command("fetch")
def data_fetch(
    sources: Annotated[list[str] | None, typer.Argument(
        help="Sources to fetch (default: all).")] = None,
    strict: StrictOpt = False,
) -> None:
    """Make data files available locally: use the mirror in $COMPUTELIMITS_DATA, else download
    each pinned file into the user cache and verify its sha256.

    Example: computelimits data fetch epoch-ai-models nlp-progress
    """
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.registry import SOURCES, get_source

    cat = resolve_catalog(strict=strict or None)
    located = [cat.locate(src.name, f.path)
               for src in map(get_source, sources or list(SOURCES)) for f in src.files]
    for loc in located:
        flag = "" if loc.pinned else "  (differs from pin)"
        ui.console.print(f"{loc.where:8} {loc.source}/{loc.file.path}  {loc.path}{flag}",
                         highlight=False)


@app.command("results")
def data_results(
    benchmark: Annotated[str, typer.Option(help="Benchmark id, e.g. imagenet, mmlu, "
                                                "wmt2014-en-de, conll2003.")],
    out: Annotated[Path, ui.out_file_option(
        help="CSV file to write; its attribution lines go to OUT.attribution.txt beside it "
             "(an existing file is replaced only with --force).",
        sidecars=("attribution.txt",))],
    with_compute: Annotated[bool, typer.Option(
        "--with-compute", help="Join each result with the training compute of its model.")
    ] = False,
    verbose: VerboseOpt = False,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Write one benchmark's results (optionally joined with training compute) to a CSV file,
    with its attribution lines beside it in FILE.attribution.txt (results/mmlu.csv →
    results/mmlu.csv.attribution.txt); how each result was matched with compute and the full
    attribution under --verbose.

    Example: computelimits data results --benchmark mmlu --with-compute --out results/mmlu.csv
    """
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.export import export_results

    x = export_results(benchmark, out, with_compute=with_compute,
                       catalog=resolve_catalog(strict=strict or None))
    if as_json:
        ui.echo_json(x.to_dict())
        return
    ui.console.print(f"wrote {len(x.table)} results to {x.out} (attribution: "
                     f"{x.attribution_file})", highlight=False)
    if x.report is not None:
        from computelimits.data.join import RULES

        r = x.report.sum(numeric_only=True)
        kinds = ", ".join(f"{c.removeprefix('kind_')} {int(r[c])}" for c in x.report.columns
                          if c.startswith("kind_") and r[c])
        rules = (" (" + ", ".join(f"{k} {int(r[k])}" for k in RULES)
                 + f"; unmatched {int(r['unmatched'])})") if verbose else ""
        ui.console.print(f"with compute: {int(r['with_compute'])} of {int(r['results'])}"
                         f"{rules}; compute kinds: {kinds}", highlight=False, markup=False)
    if not verbose:
        ui.print_more(*(["how each result was matched"] if x.report is not None else []))
    ui.print_sources(x.attribution, verbose)


_CHECK_HELP = """Validate your own results file with the same checks as the bundled sources;
hardware burden (processors × peak rate × time) is computed for computer-progress files from
the Computer Progress hardware tables (and Epoch AI's chip table), each row with its own
compute.

Example: computelimits data check my_results.csv --out results/checked.csv

Example: computelimits data check my_coco.csv --format computer-progress --benchmark coco

Rules: a benchmark id the package does not know is a benchmark of your own (its chance level
from a chance_error column or --chance-error; without one, fits use the error scale); an id
one or two letters from a known one (mmul) is refused as a typo unless a chance level says it
is new. A blank model name takes the paper title (or link). Rows of one model and paper with
different scores stay separate results (--duplicates). Repairs and notices name their rows.
See the README's section on your own results files.

"""


def _check_help() -> str:
    from computelimits.data.userfiles.columns import columns_help

    return _CHECK_HELP + columns_help()


@app.command("check", help=_check_help())
def data_check(
    file: Annotated[Path, ui.input_argument(help="Your CSV file.")],
    fmt: Annotated[str, typer.Option(
        "--format", parser=ui.choice_parser(ui.FORMAT_CHOICES),
        help="'generic' (one result per row) or 'computer-progress' (the Computer Progress "
             "per-benchmark layout); the columns of each are listed above.")] = "generic",
    benchmark: Annotated[str | None, typer.Option(
        help="Benchmark id of a computer-progress file (e.g. imagenet, coco, squad1.1).")
    ] = None,
    convention: ui.ConventionOpt = "per-chip",
    chance_error: ui.ChanceErrorOpt = None,
    duplicates: ui.DuplicatesOpt = "all",
    date_format: ui.DateFormatOpt = None,
    percent: ui.PercentOpt = None,
    out: Annotated[Path | None, ui.out_file_option(
        help="Write the validated results (with compute) as CSV; a text cell that starts "
             "with = + - @ is prefixed with ' so spreadsheets show it as text. Never the "
             "checked file itself; an existing file only with --force.")] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.check import check_file

    checked = check_file(file, fmt=fmt, benchmark=benchmark, convention=convention,
                         chance_error=chance_error, duplicates=duplicates, out=out,
                         date_format=date_format, score_scale=ui.score_scale(percent),
                         catalog=resolve_catalog(strict=strict or None))
    summary = checked.to_dict()
    if as_json:
        ui.echo_json(summary)
        return
    kinds = summary["compute_kinds"]
    ui.console.print(f"{file}: {summary['results']} valid results "
                     f"({', '.join(summary['benchmarks'])}), {summary['with_compute']} with "
                     "compute of their own"
                     + (" (" + ", ".join(f"{k} {n}" for k, n in kinds.items()) + ")"
                        if kinds else ""), highlight=False, markup=False)
    for what, n in sorted(summary["repairs"].items()):
        ui.console.print(f"  repaired: {n} × {what}", highlight=False, markup=False)
    if out is not None:
        ui.console.print(f"wrote {out}", highlight=False)
