"""``naive``: the last record (best error before the cutoff) with its compute grown at the
training results' own compute growth (orders of magnitude per year: OLS of log10 compute on
date, floored at 0) to the later result's date; forward, the record's error (persistence).
No interval."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel, Predicted
from computelimits.scaling.forms import FORMS


def compute_growth(train: pd.DataFrame) -> float:
    """OLS slope of log10 compute on decimal year (orders of magnitude per year, ≥ 0)."""
    year = train["year"].to_numpy(float)
    x = train["log10_compute"].to_numpy(float)
    ok = np.isfinite(year)
    if ok.sum() < 3 or np.ptp(year[ok]) == 0:
        return 0.0
    return float(max(np.polyfit(year[ok], x[ok], 1)[0], 0.0))


def _record(train: pd.DataFrame) -> int:
    """Position of the record: the lowest error, the latest of those, the first of those —
    the first row of ``train.sort_values(["error", "year"], ascending=[True, False])``,
    found without sorting the table."""
    e = train["error"].to_numpy(float)
    year = train["year"].to_numpy(float)
    if np.isnan(e).any():
        order = train.reset_index(drop=True).sort_values(["error", "year"],
                                                         ascending=[True, False])
        return int(order.index[0])
    best = np.flatnonzero(e == e.min())
    dated = best[~np.isnan(year[best])]
    if len(dated):
        best = dated[year[dated] == year[dated].max()]
    return int(best[0])


@dataclass
class _Fitted:
    record_x: float
    record_year: float
    record_y: float
    growth: float
    identified: bool = True
    interval: str | None = None

    def predict(self, after: pd.DataFrame) -> Predicted:
        year = after["year"].to_numpy(float)
        nan = np.full(len(after), np.nan)
        px = self.record_x + self.growth * np.maximum(0.0, year - self.record_year)
        return Predicted(np.full(len(after), self.record_y), nan, nan.copy(), px, nan.copy(),
                         nan.copy())


class Model(ForecastModel):
    name = "naive"
    description = ("the last record's compute grown at the results' compute growth; "
                   "persistence of its error")

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> _Fitted:
        rec = train.iloc[_record(train)]
        y = float(FORMS[context.form].transform(np.array([rec["error"]]))[0])
        return _Fitted(float(rec["log10_compute"]), float(rec["year"]), y, compute_growth(train))
