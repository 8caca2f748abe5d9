"""``time_bootstrap``: the ``time`` line with in-sample cluster-bootstrap intervals (no
out-of-sample calibration; the comparison that shows why the default calibrates)."""

from __future__ import annotations

import pandas as pd

from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.forecast import Forecast


class Model(ForecastModel):
    name = "time_bootstrap"
    description = "the time model's line with in-sample cluster-bootstrap intervals"

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(Forecast(context.form, interval="bootstrap", alpha=context.alpha,
                                       n_boot=context.n_boot, seed=context.seed).fit(train))
