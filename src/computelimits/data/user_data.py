"""A user's own results file, read and joined with compute in one step.

:func:`load_user_file` reads a file in one of the layouts of
:mod:`computelimits.data.userfiles` and joins it
(:func:`computelimits.data.join.join_compute`) so that:

* a row's own figure (a hardware burden computed from its processors, count and time, or the
  ``training_flop`` it gives) is always the one used for that row;
* rows without a figure of their own are filled from Epoch AI's tables by the explicit name
  rules only when ``fill`` is True (the default), each such row marked ``compute_origin`` =
  "joined" with the rule in ``match_rule``;
* ImageNet network operations are imputed only when ``impute`` is True.

Reading, checking and joining work on columns (time and memory linear in the rows; a
million-row generic file in seconds, see ``benchmarks/bench_user_files.py``). A file that
cannot be used is one :class:`~computelimits.errors.InputError` naming it: unreadable, a
folder, not UTF-8, empty, header only, malformed, or bad cells (row and column named; when
many cells are bad, the first :data:`~computelimits.data.userfiles.MAX_ERRORS` are listed
(rows with one message together) and the rest counted).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from computelimits.data.credits import attribution
from computelimits.data.join import JoinResult, join_compute
from computelimits.errors import ConfigError

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["FORMATS", "load_user_file"]

#: Layouts of users' files (see :mod:`computelimits.data.userfiles`).
FORMATS = ("generic", "computer-progress")


#: Peak memory per byte of a user's CSV while it is read, checked and joined: 1.33 GiB
#: peak RSS for a 1,000,000-row generic file of 73 MB (benchmarks/bench_user_files.py),
#: about 19 bytes per byte, rounded up for the written copy of ``data check --out``.
MEMORY_PER_FILE_BYTE = 25


def _check_memory(path: str | Path) -> None:
    from computelimits.resources import check_memory

    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # the reader names what is wrong with the path
    check_memory(MEMORY_PER_FILE_BYTE * size, f"reading {path} ({size / 2**20:,.0f} MiB)",
                 how_to_shrink="split the file", force_hint=False)


def _chips(catalog: Catalog) -> tuple[pd.DataFrame | None, str | None]:
    """Epoch AI's chip table for processor names the Computer Progress tables lack, or
    (None, why) where it cannot be read: the names are then matched to those tables only,
    and the file's repairs say so."""
    from computelimits.errors import InputError

    try:
        return catalog.chips(), None
    except InputError as exc:
        return None, str(exc)


def load_user_file(path: str | Path, *, fmt: str = "generic", benchmark: str | None = None,
                   fill: bool = True, impute: bool = False, convention: str = "per-chip",
                   chance_error: float | None = None, duplicates: str = "all",
                   date_format: str | None = None, score_scale: str | None = None,
                   strict: bool | None = None, catalog: Catalog | None = None) -> JoinResult:
    """Read ``path`` and join it with compute (see the module docstring).

    Args:
        path: the file.
        fmt: "generic" or "computer-progress".
        benchmark: the benchmark of a computer-progress file (required there).
        fill: fill rows without their own compute from Epoch's tables by name.
        impute: impute ImageNet network operations for rows still without compute.
        convention: hardware-burden convention of computer-progress files, "per-chip"
            (counts are chips; a TPU device's rate divided by its chips) or "paper" (the
            Computer Progress seeder: count × the table's rate as written).
        chance_error: the chance error of a generic file's benchmarks of the user's own where
            their rows give none (``--chance-error``).
        duplicates: rows of one model and paper (generic: model, benchmark, metric, setting
            and origin) with different values: "all" (default), "first", "best" or "error".
        date_format: how a generic file's slash dates are written, "DD/MM/YYYY" or
            "MM/DD/YYYY" (``--date-format``); None: a column that could be read either way
            is refused (:func:`computelimits.data.userfiles.cells.dates`).
        score_scale: a computer-progress file's score columns, "percent" or "fraction"
            (``--percent/--fraction``); None: percent, and a column whose values are all
            ≤ 1 is refused.
        strict: refuse modified mirror files (see :mod:`computelimits.data.fetch`); used
            only when no ``catalog`` is given.
        catalog: where the bundled compute and hardware tables come from (default: the
            environment's, or ``Catalog(strict=strict)``).
    """
    from computelimits.data import userfiles
    from computelimits.data.catalog import resolve_catalog

    if catalog is None:  # ``strict`` applies only then
        catalog = resolve_catalog(strict=strict)
    _check_memory(path)

    if fmt == "generic":
        if score_scale is not None:
            raise ConfigError("--percent/--fraction apply to computer-progress files; a "
                              "generic file gives each row's unit (unit column, or a % sign)")
        results, compute = userfiles.load_generic(path, chance_error=chance_error,
                                                  duplicates=duplicates,
                                                  date_format=date_format)
    elif fmt == "computer-progress":
        if not benchmark:
            raise ConfigError("a computer-progress file needs its benchmark (--benchmark)")
        if chance_error is not None:
            raise ConfigError("--chance-error applies to generic files (a benchmark of your "
                              "own); a computer-progress file is about a package benchmark")
        if date_format is not None:
            raise ConfigError("--date-format applies to generic files; a computer-progress "
                              "file gives years")
        rates = {k: v for k, v in catalog.peak_table().items() if v.gflops == v.gflops}
        chips, why = _chips(catalog)
        results, compute = userfiles.load_computer_progress(
            path, benchmark=benchmark, hardware=rates, convention=convention,
            chips=chips, duplicates=duplicates, score_scale=score_scale)
        if why is not None:
            results.attrs["repairs"].note("Epoch AI's chip table not read (processor names "
                                          f"matched to the Computer Progress tables only): {why}")
    else:
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if benchmark is not None and fmt == "generic":
        from computelimits.data.benchmarks import find_benchmark

        b = find_benchmark(benchmark).id
        if b not in set(results["benchmark"]):
            raise ConfigError(f"{path}: no {b} results (the file has "
                              f"{', '.join(sorted(set(results['benchmark'])))})")
    model_versions = networks = None
    if fill or impute:
        compute = pd.concat([compute, catalog.compute()], ignore_index=True)
    if not fill:
        model_versions = pd.DataFrame({"model_version": [], "epoch_model": []})
    if not impute:
        networks = pd.DataFrame({"model_key": [], "flop_per_image": []})
    with catalog.active(), userfiles.gc_paused():
        joined = join_compute(results, compute, model_versions=model_versions,
                              networks=networks, impute=impute, fill=fill)
    joined.table.attrs["attribution"] = attribution(joined.table)  # for display only
    return joined
