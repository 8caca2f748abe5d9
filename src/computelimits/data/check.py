"""Validate a user's results file with the checks of the bundled sources (``computelimits
data check``): every row keeps its own compute (never another row's figure with the same
name); a computer-progress file gets its hardware burden from the Computer Progress
hardware tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from computelimits._io import guard_output, write_csv
from computelimits.data.user_data import load_user_file

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["FileCheck", "check_file"]


@dataclass
class FileCheck:
    """Result of :func:`check_file`: the validated ``table`` (results with their own
    compute) and what was found."""

    file: Path
    fmt: str
    table: pd.DataFrame
    out: Path | None = None

    @property
    def repairs(self) -> dict[str, int]:
        """{what was repaired: how many rows} (e.g. percentages written as fractions)."""
        return dict(self.table.attrs.get("repairs", {}))

    def to_dict(self) -> dict[str, Any]:
        """``file``, ``format``, ``results``, ``with_compute`` (rows with a figure of their
        own), ``compute_kinds`` and ``peak_precision`` (counts), ``benchmarks``, ``repairs``,
        ``out``."""
        t = self.table
        kinds = t["compute_kind"].dropna().value_counts()
        return {"file": str(self.file), "format": self.fmt, "results": len(t),
                "with_compute": int(t["training_flop"].notna().sum()),
                "compute_kinds": {str(k): int(n) for k, n in kinds.items()},
                "peak_precision": {str(k): int(n) for k, n in
                                   t["peak_precision"].dropna().value_counts().items()},
                "benchmarks": sorted(t["benchmark"].dropna().unique().tolist()),
                "repairs": self.repairs, "out": str(self.out) if self.out else None}


def check_file(path: str | Path, *, fmt: str = "generic", benchmark: str | None = None,
               convention: str = "per-chip", chance_error: float | None = None,
               duplicates: str = "all", out: str | Path | None = None,
               date_format: str | None = None, score_scale: str | None = None,
               catalog: Catalog | None = None) -> FileCheck:
    """Read and validate ``path`` (layouts: :mod:`computelimits.data.userfiles`; ``chance_error``
    ``duplicates``, ``date_format`` and ``score_scale`` as
    :func:`~computelimits.data.user_data.load_user_file` reads them); with ``out`` (never
    ``path`` itself, nor a file of the mirror, the cache or a git checkout:
    :func:`computelimits._io.guard_output`), write the validated rows (with compute) there
    as CSV, for spreadsheets: a text cell that would be read as a formula (``=``, ``+``,
    ``-``, ``@`` …) is prefixed with a single quote
    (:func:`computelimits._io.spreadsheet_safe`), numbers stay numbers.
    Bad input raises :class:`~computelimits.errors.InputError` naming the file, row and
    column; a file with many bad cells lists the first
    :data:`~computelimits.data.userfiles.MAX_ERRORS` (rows with one message together) and
    counts the rest."""
    if out is not None:  # before the work: a refused output costs no reading
        guard_output(out, inputs=(path,))
    joined = load_user_file(path, fmt=fmt, benchmark=benchmark, fill=False, impute=False,
                            convention=convention, chance_error=chance_error,
                            duplicates=duplicates, date_format=date_format,
                            score_scale=score_scale, catalog=catalog)
    if out is not None:
        guard_output(out, inputs=(path,))
        out = write_csv(joined.table, out, date_format="%Y-%m-%d", for_spreadsheets=True)
    return FileCheck(Path(path), fmt, joined.table, out)
