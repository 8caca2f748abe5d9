"""``computelimits paper``: the paper's table of benchmarks on open data."""

from pathlib import Path
from typing import Annotated

import typer

from computelimits.cli import _shared as ui
from computelimits.cli._shared import DataOpt, FormatOpt, JsonOpt, StrictOpt

__all__ = ["paper"]


def _num(v, spec: str) -> str:
    """A table cell: "" for None or NaN."""
    return "" if v is None or v != v else format(v, spec)


def paper(
    data_file: DataOpt = None,
    fmt: FormatOpt = "generic",
    benchmark: Annotated[str | None, typer.Option(
        help="With --data --format computer-progress: the file's benchmark, e.g. coco.")
    ] = None,
    convention: ui.ConventionOpt = "per-chip",
    chance_error: ui.ChanceErrorOpt = None,
    duplicates: ui.DuplicatesOpt = "all",
    date_format: ui.DateFormatOpt = None,
    percent: ui.PercentOpt = None,
    out: Annotated[Path | None, ui.out_file_option(
        help="Write the table as CSV (its attribution lines beside it in "
             "OUT.attribution.txt).", sidecars=("attribution.txt",))] = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """The paper's table on open data: for ImageNet, MS COCO (from your --data file), SQuAD
    1.1, CoNLL 2003 and WMT14 En-Fr and En-De, the polynomial fit of error on training FLOP and
    on the paper's hardware burden side by side — N, compute kind, slope with its 95%
    interval, R², the compute multiple that halves the error — beside what the paper (or a
    secondary source) published, with its citation. A fit needs 8 results with compute;
    fewer are counted and said so.

    Example: computelimits paper --out results/paper.csv

    Example: computelimits paper --data my_coco.csv --format computer-progress --benchmark
    coco --json
    """
    from rich.table import Table

    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.inputs import results_input
    from computelimits.errors import ConfigError
    from computelimits.scaling.paper_table import paper_table

    if data_file is None and (fmt != "generic" or benchmark is not None):
        raise ConfigError("--format and --benchmark describe a --data file: give --data FILE")
    catalog = resolve_catalog(strict=strict or None)
    # the reading options of every verb that takes --data: a file that needs one (slash
    # dates, fractions, duplicates) is read here as it is there
    joined, _ = results_input(data_file, benchmark, fmt=fmt, need_benchmark=False, one=False,
                              convention=convention, chance_error=chance_error,
                              duplicates=duplicates, date_format=date_format,
                              score_scale=ui.score_scale(percent), catalog=catalog)
    result = paper_table(joined, catalog=catalog)
    if out is not None:
        from computelimits._io import write_csv_with_attribution

        write_csv_with_attribution(result.to_frame(), out, result.attribution)
    if as_json:
        ui.echo_json(result.to_dict())
        return
    from computelimits import formatting as fm

    cites = result.citations()
    t = Table(title="The paper's benchmarks on open data: polynomial fits of error on compute "
                    "(95% cluster-robust intervals; halving: compute multiple that halves the "
                    "error)")
    for col in ("benchmark", "data", "compute", "N", "slope", "95% interval", "R²", "halving ×",
                "note", "published"):
        t.add_column(col, justify="right" if col in ("N", "slope", "95% interval", "R²",
                                                       "halving ×") else "left",
                     overflow="fold")
    shown: set[str] = set()
    for r in result.table.itertuples(index=False):
        kind = r.compute_kind + (f" ({r.peak_precision})" if isinstance(r.peak_precision, str)
                                 else "")
        fitted = r.slope == r.slope
        interval = (f"[{fm.slope(r.slope_ci_low)}, {fm.slope(r.slope_ci_high)}]" if fitted
                    else "")
        half = (fm.multiple(r.halving_multiple) if r.halving_multiple == r.halving_multiple
                else ("not identified" if fitted else ""))
        pub = ""
        if r.benchmark not in shown:
            shown.add(r.benchmark)
            mark = f" [{cites.index(r.published_source) + 1}]" if r.published_source else ""
            pub = r.published + mark
        t.add_row(r.label, r.data, kind, str(r.n), fm.slope(r.slope) if fitted else "",
                  interval,
                  _num(r.r2, ".2f"), half, "" if r.status == "fitted" else r.status, pub)
    ui.console.print(t)
    for i, c in enumerate(cites, 1):
        ui.console.print(f"[{i}] {c}", highlight=False, markup=False)
    if out is not None:
        ui.console.print(f"wrote {out}", highlight=False, markup=False)
    ui.print_sources(result.attribution)
