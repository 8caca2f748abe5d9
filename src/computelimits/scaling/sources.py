"""Do the data sources agree? Per-source and leave-one-source-out fits beside the pooled one.

One benchmark's results often come from several collections (ImageNet: the Papers with Code
leaderboard and convnet-burden; language models: Epoch's benchmark hub and its open-model
table). Pooling them is only safe if each tells the same story. :func:`source_check` fits the
same form on every source alone (where it has at least :data:`MIN_SOURCE_RESULTS` results with
some spread in compute) and on the data without each source, and says in one plain sentence
whether the per-source slopes disagree beyond their intervals (two 95% intervals that do not
overlap).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from computelimits.errors import ConfigError
from computelimits.scaling.fit import ScalingFit

__all__ = ["MIN_SOURCE_RESULTS", "SourceCheck", "source_check"]

#: A source is fitted alone only with at least this many results.
MIN_SOURCE_RESULTS = 5

COLUMNS = ["fit", "source", "n", "clusters", "slope", "slope_ci_low", "slope_ci_high", "cov",
           "identified"]


@dataclass
class SourceCheck:
    """``table``: one row for the pooled fit, one per source fitted alone ("only"), one per
    source left out ("without"); ``disagree``: True when two per-source intervals do not
    overlap; ``statement``: the plain sentence."""

    table: pd.DataFrame
    disagree: bool
    statement: str

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _row(fit: ScalingFit, label: str, source: str) -> dict:
    # cluster-robust intervals need clusters; with fewer than 5 use HC3
    cov = "cluster" if fit.n_clusters_ >= 5 else "hc3"
    ci = fit.conf_int(method=cov)
    return {"fit": label, "source": source, "n": fit.n_, "clusters": fit.n_clusters_,
            "slope": fit.slope_, "slope_ci_low": float(ci.iloc[1, 0]),
            "slope_ci_high": float(ci.iloc[1, 1]), "cov": cov,
            "identified": bool(ci.iloc[1, 1] < 0)}


def _fit(form: str, data: pd.DataFrame) -> ScalingFit | None:
    if len(data) < MIN_SOURCE_RESULTS or data["log10_compute"].nunique() < 2:
        return None
    try:
        return ScalingFit(form, n_boot=0).fit(data)
    except ConfigError:
        return None


def source_check(data: pd.DataFrame, form: str = "polynomial") -> SourceCheck:
    """Pooled, per-source and leave-one-source-out slopes of ``form`` on ``data`` (rows from
    :func:`~computelimits.scaling.dataset.benchmark_data`, with a ``source`` column)."""
    pooled = ScalingFit(form, n_boot=0).fit(data)
    rows = [_row(pooled, "pooled", "all")]
    sources = sorted(data["source"].astype(str).unique())
    alone = []
    for src in sources:
        mine = data[data["source"].astype(str) == src]
        f = _fit(form, mine.reset_index(drop=True))
        if f is not None:
            r = _row(f, "only", src)
            rows.append(r)
            alone.append(r)
        if len(sources) > 1:
            g = _fit(form, data[data["source"].astype(str) != src].reset_index(drop=True))
            if g is not None:
                rows.append(_row(g, "without", src))
    table = pd.DataFrame(rows, columns=COLUMNS)
    clash = []
    for i, a in enumerate(alone):
        for b in alone[i + 1:]:
            if a["slope_ci_high"] < b["slope_ci_low"] or b["slope_ci_high"] < a["slope_ci_low"]:
                clash.append((a, b))
    if len(alone) < 2:
        fitted = ", ".join(r["source"] for r in alone) or "none"
        statement = (f"{len(sources)} source(s); too few results to fit more than one alone "
                     f"(fitted alone: {fitted})")
    elif clash:
        a, b = clash[0]
        statement = (f"the sources disagree: {a['source']} alone gives a slope of "
                     f"{a['slope']:.3g} [{a['slope_ci_low']:.3g}, {a['slope_ci_high']:.3g}], "
                     f"{b['source']} alone {b['slope']:.3g} [{b['slope_ci_low']:.3g}, "
                     f"{b['slope_ci_high']:.3g}]: the intervals do not overlap, so the pooled "
                     "slope averages different relations")
    else:
        statement = (f"the {len(alone)} sources fitted alone agree within their 95% intervals")
    return SourceCheck(table=table, disagree=bool(clash), statement=statement)

