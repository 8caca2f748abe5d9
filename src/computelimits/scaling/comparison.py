"""One benchmark fitted in several forms side by side (``computelimits fit``): the rows of one
compute kind (:func:`~computelimits.scaling.dataset.benchmark_data`), optionally only the
frontier or with a year control, each form's :class:`~computelimits.scaling.fit.ScalingFit`,
and the per-source check where the rows come from several sources."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from computelimits.scaling.dataset import Selection, benchmark_data, frontier
from computelimits.scaling.fit import ScalingFit
from computelimits.scaling.sources import SourceCheck, source_check

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["DEFAULT_FORMS", "FormComparison", "compare_forms"]

#: The forms fitted when none are named, in the order they are shown.
DEFAULT_FORMS = ("polynomial", "exponential", "logit")


@dataclass
class FormComparison:
    """Result of :func:`compare_forms`: the regression rows (``data``, with the
    :class:`~computelimits.scaling.dataset.Selection` in ``data.attrs``), one fit per form
    (``fits``), and the per-source check (``sources``, None with a single source)."""

    benchmark: str
    data: pd.DataFrame
    fits: list[ScalingFit]
    sources: SourceCheck | None

    @property
    def selection(self) -> Selection:
        return self.data.attrs["selection"]

    @property
    def attribution(self) -> list[str]:
        return list(self.data.attrs.get("attribution", []))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: benchmark, n, selection, every fit, the five most influential
        publications of the first form, the source check and the attribution lines."""
        s = self.sources
        return {"benchmark": self.benchmark, "n": len(self.data),
                "selection": self.selection.to_dict(),
                "fits": [f.to_dict() for f in self.fits],
                "influence": json.loads(self.fits[0].influence().head(5)
                                        .to_json(orient="records")),
                "sources": (None if s is None else
                            {"statement": s.statement, "disagree": s.disagree,
                             "table": json.loads(s.table.to_json(orient="records"))}),
                "attribution": self.attribution}


def _drop_undated(data: pd.DataFrame) -> pd.DataFrame:
    """Rows with a year (the year control needs one); the rows left out are counted in the
    selection."""
    undated = int(data["year"].isna().sum())
    if not undated:
        return data
    attrs = data.attrs
    data = data[data["year"].notna()].reset_index(drop=True)
    data.attrs = attrs
    data.attrs["selection"].left_out["undated (the year control needs a date)"] = undated
    data.attrs["selection"].n = len(data)
    return data


def compare_forms(benchmark: str, *, forms: Sequence[str] | None = None,
                  joined: pd.DataFrame | None = None, cov: str = "cluster",
                  cluster: str = "publication", kind: str | None = None,
                  precision: str | None = None, setting: str | None = None,
                  scale: str = "error", imputed: bool = True, frontier_only: bool = False,
                  control_year: bool = False, n_boot: int = 10_000, seed: int = 0,
                  catalog: Catalog | None = None) -> FormComparison:
    """Fit error against compute for ``benchmark`` in each of ``forms`` (default
    :data:`DEFAULT_FORMS`). The forms are checked before any data are read. ``joined``:
    results joined with compute (default: the bundled data); ``kind``, ``precision``,
    ``setting``, ``scale``, ``cluster``, ``imputed``: the selection of
    :func:`~computelimits.scaling.dataset.benchmark_data`; ``frontier_only``: fit the
    compute–error frontier only; ``control_year``: add the publication year as a regressor
    (undated results are left out and counted)."""
    forms = list(forms or DEFAULT_FORMS)
    for f in forms:  # fail fast, before any data are read
        ScalingFit(f, cov=cov)
    data = benchmark_data(benchmark, cluster=cluster, imputed=imputed, kind=kind,
                          precision=precision, setting=setting, scale=scale, joined=joined,
                          catalog=catalog)
    if frontier_only:
        data = frontier(data)
    if control_year:
        data = _drop_undated(data)
    fits = [ScalingFit(f, cov=cov, control_year=control_year, n_boot=n_boot,
                       seed=seed).fit(data) for f in forms]
    sources = source_check(data, forms[0]) if data["source"].nunique() > 1 else None
    return FormComparison(benchmark, data, fits, sources)
