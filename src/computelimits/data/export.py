"""One benchmark's results (optionally joined with training compute) as a CSV file with its
attribution lines beside it (``computelimits data results``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from computelimits._io import write_csv_with_attribution
from computelimits.data.benchmarks import find_benchmark
from computelimits.data.catalog import Catalog, resolve_catalog
from computelimits.data.credits import attribution
from computelimits.data.join import join_compute

__all__ = ["ResultsExport", "export_results"]


@dataclass
class ResultsExport:
    """What :func:`export_results` wrote: the ``table``, the CSV file ``out``, the attribution
    file beside it and its lines, and with compute the join ``report`` (per benchmark, results
    matched by each rule)."""

    benchmark: str
    table: pd.DataFrame
    out: Path
    attribution_file: Path
    attribution: list[str]
    report: pd.DataFrame | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"benchmark": self.benchmark, "rows": len(self.table),
                             "out": str(self.out),
                             "attribution_file": str(self.attribution_file),
                             "attribution": list(self.attribution)}
        if self.report is not None:
            d["join"] = json.loads(self.report.to_json(orient="records"))
        return d


def export_results(benchmark: str, out: str | Path, *, with_compute: bool = False,
                   catalog: Catalog | None = None) -> ResultsExport:
    """Write ``benchmark``'s results (with ``with_compute``: joined with the training compute
    of their models and, beside it, their hardware burden where Epoch gives the hardware,
    :func:`~computelimits.data.join.join_compute`) to ``out`` and their
    attribution lines to ``OUT.attribution.txt`` beside it (``mmlu.csv.attribution.txt``)."""
    cat = resolve_catalog(catalog)
    b = find_benchmark(benchmark).id  # fail fast on an unknown name
    table = cat.results(b)
    report = None
    if with_compute:
        with cat.active():
            joined = join_compute(table, cat.compute(), burdens=cat.hardware_burdens())
        table, report = joined.table, joined.report
    lines = attribution(table)
    out, side = write_csv_with_attribution(table, out, lines, date_format="%Y-%m-%d")
    return ResultsExport(b, table, out, side, lines, report)
