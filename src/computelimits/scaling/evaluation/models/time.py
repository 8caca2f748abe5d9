"""``time``: error on compute and date with the benchmark's own rate of algorithmic progress,
conformal intervals per horizon calibrated out of sample (:class:`~..forecast.Forecast`)."""

from __future__ import annotations

import pandas as pd

from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.forecast import Forecast


class Model(ForecastModel):
    name = "time"
    description = ("error on compute and date, the benchmark's own rate of algorithmic "
                   "progress, conformal intervals per horizon")
    calibrated_together = True
    candidate = True

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return Forecast(context.form, alpha=context.alpha, n_boot=context.n_boot,
                        seed=context.seed).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(Forecast(context.form, alpha=context.alpha, n_boot=0,
                                       seed=context.seed).fit(train))
