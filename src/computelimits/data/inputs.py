"""The results a scaling command works on: the bundled data, or a user's file (``--data``)
read and joined with compute (:func:`~computelimits.data.user_data.load_user_file`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from computelimits.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from computelimits.data.catalog import Catalog

__all__ = ["results_input"]


def results_input(data_file: str | Path | None, benchmark: str | None = None, *,
                  fmt: str = "generic", impute: bool = False, fill: bool = True,
                  convention: str = "per-chip", chance_error: float | None = None,
                  duplicates: str = "all", need_benchmark: bool = True,
                  one: bool = True, date_format: str | None = None,
                  score_scale: str | None = None, catalog: Catalog | None = None
                  ) -> tuple[pd.DataFrame | None, str | None]:
    """(joined table, benchmark id): (None, ``benchmark``) for the bundled data, which needs a
    benchmark when ``need_benchmark``; for a user's file its joined rows, and with ``one`` its
    only benchmark when none is given. ``fmt``, ``impute``, ``fill``, ``convention``,
    ``chance_error`` (the chance error of the file's benchmarks of its own) and
    ``duplicates`` (rows of one model and paper with different values: all, first, best or
    error), ``date_format`` (``--date-format``: how slash dates are written) and
    ``score_scale`` (``--percent/--fraction``) apply to a user's file only
    (:func:`~computelimits.data.user_data.load_user_file`).
    """
    if data_file is None:
        if need_benchmark and not benchmark:
            raise ConfigError("give --benchmark (or --data FILE)")
        if (impute or not fill or fmt != "generic" or convention != "per-chip"
                or chance_error is not None or duplicates != "all" or date_format is not None
                or score_scale is not None):
            raise ConfigError("--format, --impute, --no-fill, --burden-convention, "
                              "--chance-error, --duplicates, --date-format and "
                              "--percent/--fraction apply to --data files only")
        return None, benchmark
    from computelimits.data.user_data import load_user_file

    jr = load_user_file(data_file, fmt=fmt, benchmark=benchmark, fill=fill, impute=impute,
                        convention=convention, chance_error=chance_error,
                        duplicates=duplicates, date_format=date_format,
                        score_scale=score_scale, catalog=catalog)
    if benchmark is None and one:
        present = sorted(set(jr.table["benchmark"].dropna()))
        if len(present) != 1:
            raise ConfigError(f"{data_file} holds several benchmarks ({', '.join(present)}): "
                              "choose one with --benchmark")
        benchmark = present[0]
    return jr.table, benchmark
