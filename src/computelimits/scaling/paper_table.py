"""The paper's table, reproduced on open data: per benchmark of Thompson et al.'s practice
section, the polynomial fit of error on training FLOP and on the paper's hardware burden side
by side, beside what the paper published (``computelimits paper``).

Benchmarks (:data:`BENCHMARKS`): ImageNet, MS COCO, SQuAD 1.1, CoNLL 2003, WMT 2014 En-Fr and
En-De. The bundled open data give results for all but COCO; a user's file (``data``, a
results table joined with compute, e.g. a COCO file in the Computer Progress layout) adds
rows for the benchmarks it holds, fitted apart from the bundled ones.

For each benchmark and each kind of compute (:data:`KINDS`: ``training`` — the FLOP Epoch AI
estimates a model's training performed — and ``hardware_burden`` — processors × peak rate ×
time, the paper's measure, :mod:`computelimits.data.burden`) the rows are chosen by
:func:`~computelimits.scaling.dataset.benchmark_data` (one kind, one peak precision — the most
common —, one evaluation setting, results below chance) and fitted in the polynomial form
log10 error = a − b·log10 compute (:class:`~computelimits.scaling.fit.ScalingFit`, cluster-
robust 95% interval, clusters are publications). A fit is attempted only with at least
:data:`~computelimits.scaling.dataset.MIN_RESULTS` results at three or more compute values,
as in the report; otherwise the row gives N and why. The compute multiple that halves the
error (2^(−1/b), :meth:`ScalingFit.halving_multiple`) is given only where the slope's
interval lies below zero.

**Published figures** (:data:`PUBLISHED`, one per benchmark with its citation): the paper's
per-benchmark slopes, R² and halving multiples could not be read from the sources available
when this table was written, so none is quoted; what is quoted is the paper's own summary of
its fits, the range of R² over its benchmarks, as a third-party reading note reproduces it —
and "not published" where nothing was found. Never a figure without its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from computelimits.errors import ComputeLimitsError, ConfigError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.dataset import MIN_RESULTS, benchmark_data
from computelimits.scaling.fit import ScalingFit

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["BENCHMARKS", "COLUMNS", "KINDS", "PUBLISHED", "PaperTable", "Published",
           "paper_table"]

#: The paper's benchmarks, in the order of its practice section.
BENCHMARKS = ("imagenet", "coco", "squad1.1", "conll2003", "wmt2014-en-fr", "wmt2014-en-de")

#: Compute kinds fitted side by side.
KINDS = ("training", "hardware_burden")

LABELS = {"imagenet": "ImageNet", "coco": "MS COCO", "squad1.1": "SQuAD 1.1",
          "conll2003": "CoNLL 2003", "wmt2014-en-fr": "WMT14 En-Fr",
          "wmt2014-en-de": "WMT14 En-De"}

COLUMNS = ["benchmark", "label", "data", "compute_kind", "peak_precision", "setting", "n",
           "slope", "slope_ci_low", "slope_ci_high", "r2", "identified", "halving_multiple",
           "status", "published", "published_source"]


@dataclass(frozen=True)
class Published:
    """A figure the paper (or a secondary source) published for a benchmark, with where."""

    text: str
    source: str


#: Thompson et al. 2020 (arXiv 2007.05558v1), its summary of the per-benchmark fits, as a
#: third-party reading note of that version quotes it (found with the search of public pages;
#: the paper's own figures and tables could not be read there).
_SUMMARY = ("Thompson, Greenewald, Lee & Manso, 'The Computational Limits of Deep Learning', "
            "arXiv:2007.05558v1 (July 2020), results on hardware burden, as quoted in S. "
            "Mukherjee's reading notes (subhadityamukherjee.me/paper/2020/06/19/"
            "ComputationalLimits.html): 'highly-statistically significant slopes and strong "
            "explanatory power (R2 between 29% and 68%) for all benchmarks except machine "
            "translation, English to German, where we have very little variation in the "
            "computing power used'. The paper's per-benchmark slopes and halving multiples "
            "were not verified here: none is quoted")

_RANGE = Published("slope significant; R² 0.29–0.68 over its benchmarks", _SUMMARY)

#: What the paper or a secondary source published per benchmark (its hardware-burden fits).
PUBLISHED: dict[str, Published] = {
    "imagenet": _RANGE, "coco": _RANGE, "squad1.1": _RANGE, "conll2003": _RANGE,
    "wmt2014-en-fr": _RANGE,
    "wmt2014-en-de": Published("slope not significant (little variation in compute)",
                               _SUMMARY),
}

NOT_PUBLISHED = Published("not published", "")


@dataclass(repr=False)
class PaperTable(ResultMixin):
    """:func:`paper_table`'s result: ``table`` (one row per benchmark, data and kind;
    :data:`COLUMNS`), the fits behind it (``fits``: (benchmark, data, kind) → ScalingFit), the
    selection lines of each row and the attribution lines of the data used."""

    table: pd.DataFrame
    fits: dict[tuple[str, str, str], ScalingFit] = field(default_factory=dict)
    selection_lines: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    attribution: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def citations(self) -> list[str]:
        """The sources of the published figures, each once, in order."""
        return list(dict.fromkeys(s for s in self.table["published_source"] if s))

    def to_dict(self) -> dict[str, Any]:
        from computelimits._json import json_safe

        t = self.table.astype(object).where(self.table.notna(), None)
        rows = t.to_dict(orient="records")
        for r in rows:
            key = (r["benchmark"], r["data"], r["compute_kind"])
            r["selection"] = self.selection_lines.get(key, [])
        return json_safe({"rows": rows, "citations": self.citations(),
                          "attribution": self.attribution})

    def lines(self) -> list[str]:
        out = []
        for r in self.table.itertuples(index=False):
            head = f"{r.label} [{r.data}] {r.compute_kind}: N {r.n}"
            if isinstance(r.slope, float) and math.isfinite(r.slope):
                half = (f"{r.halving_multiple:.3g}×" if isinstance(r.halving_multiple, float)
                        and math.isfinite(r.halving_multiple) else "not identified")
                head += (f", slope {r.slope:.3f} [{r.slope_ci_low:.3f}, "
                         f"{r.slope_ci_high:.3f}], R² {r.r2:.2f}, halving {half}")
            else:
                head += f" — {r.status}"
            out.append(head + f"; published: {r.published}")
        return out

    def summary(self) -> Summary:
        return Summary("The paper's benchmarks on open data: error against training FLOP and "
                       "hardware burden", self.lines(), self.table.copy(),
                       notes=[f"[{i}] {c}" for i, c in enumerate(self.citations(), 1)])

    def _repr_parts(self) -> list[str]:
        t = self.table
        fitted = int(pd.to_numeric(t["slope"], errors="coerce").notna().sum()) \
            if "slope" in t else 0
        bench = t["benchmark"].nunique() if "benchmark" in t else 0
        return [f"{len(t)} rows on {bench} benchmarks", f"{fitted} fitted"]


def _row(bench: str, data_label: str, kind: str, joined: pd.DataFrame | None,
         catalog: Catalog | None
         ) -> tuple[dict[str, Any], ScalingFit | None, list[str], pd.DataFrame | None]:
    """One row of the table, its fit (None when not fitted), its selection lines and the
    regression rows (None when there are none)."""
    pub = PUBLISHED.get(bench, NOT_PUBLISHED)
    row: dict[str, Any] = {"benchmark": bench, "label": LABELS.get(bench, bench),
                           "data": data_label, "compute_kind": kind, "peak_precision": None,
                           "setting": None, "n": 0, "slope": float("nan"),
                           "slope_ci_low": float("nan"), "slope_ci_high": float("nan"),
                           "r2": float("nan"), "identified": None,
                           "halving_multiple": float("nan"), "status": "",
                           "published": pub.text, "published_source": pub.source}
    try:
        data = benchmark_data(bench, kind=kind, joined=joined, catalog=catalog)
    except ConfigError as exc:
        text = str(exc)
        if text.startswith(f"no {bench} results in the data"):
            text = ("no open data (give your results with --data FILE)" if joined is None
                    else "no results in your file")
        row["status"] = text
        return row, None, [], None
    sel = data.attrs["selection"]
    row.update(n=len(data), peak_precision=sel.precision, setting=sel.setting)
    lines = sel.lines()
    if len(data) < MIN_RESULTS or data["log10_compute"].nunique() < 3:
        row["status"] = (f"too few to fit ({MIN_RESULTS} needed)" if len(data) < MIN_RESULTS
                         else "fewer than 3 distinct compute values: no slope")
        return row, None, lines, data
    try:
        fit = ScalingFit("polynomial", n_boot=0).fit(data)
    except ComputeLimitsError as exc:
        row["status"] = f"not fitted: {exc}"
        return row, None, lines, data
    d = fit.to_dict()
    row.update(slope=d["slope"], slope_ci_low=d["slope_ci_low"],
               slope_ci_high=d["slope_ci_high"], r2=d["r2"], identified=d["identified"],
               halving_multiple=(d["halving_multiple"] if d["halving_multiple"] is not None
                                 else float("nan")),
               status="fitted" if d["identified"] else
               "fitted; compute does not explain it (the slope's interval includes zero)")
    return row, fit, lines, data


def paper_table(data: pd.DataFrame | None = None, *,
                catalog: Catalog | None = None) -> PaperTable:
    """The paper's table (module docstring).

    Args:
        data: a user's results joined with compute
            (:func:`computelimits.data.user_data.load_user_file`), e.g. COCO; its rows of the
            paper's benchmarks are fitted apart from the bundled data (rows labelled "your
            file"). It must hold at least one of :data:`BENCHMARKS`.
        catalog: where the bundled data come from (None: the environment's).

    Raises:
        ConfigError: ``data`` holds none of the paper's benchmarks.
    """
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.credits import attribution

    own: list[str] = []
    if data is not None:
        present = set(data["benchmark"].dropna().astype(str))
        own = [b for b in BENCHMARKS if b in present]
        if not own:
            raise ConfigError("your file holds none of the paper's benchmarks ("
                              f"{', '.join(BENCHMARKS)}); it has: "
                              f"{', '.join(sorted(present)) or 'no rows'}")
    cat = resolve_catalog(catalog)
    rows, fits, lines = [], {}, {}
    used = []
    for bench in BENCHMARKS:
        sources: list[tuple[str, pd.DataFrame | None]] = [("bundled", None)]
        if bench in own:
            sources = ([("your file", data)] if bench == "coco" else
                       [("bundled", None), ("your file", data)])
        for label, joined in sources:
            for kind in KINDS:
                row, fit, sel, rows_used = _row(bench, label, kind, joined, cat)
                rows.append(row)
                lines[(bench, label, kind)] = sel
                if fit is not None:
                    fits[(bench, label, kind)] = fit
                if rows_used is not None:
                    used.append(rows_used[[c for c in ("source", "source_file",
                                                       "compute_source",
                                                       "compute_source_file")
                                           if c in rows_used.columns]])
    table = pd.DataFrame(rows, columns=COLUMNS)
    lines_out = attribution(pd.concat(used, ignore_index=True)) if used else []
    return PaperTable(table, fits, lines, lines_out)
