"""``time_local``: the ``time`` model with its conformal intervals scaled by the benchmark's own
out-of-sample error (shrunk towards the pool's by empirical Bayes) instead of the pool's:
sharper where a benchmark has been stable, wider where it has drifted
(:func:`~computelimits.scaling.forecast.pool_calibration`)."""

from __future__ import annotations

import pandas as pd

from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.forecast import Forecast


class Model(ForecastModel):
    name = "time_local"
    description = ("the time model, intervals scaled by the benchmark's own out-of-sample "
                   "error")
    calibrated_together = True
    candidate = True

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return Forecast(context.form, alpha=context.alpha, n_boot=context.n_boot,
                        seed=context.seed, local_scale=True).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(Forecast(context.form, alpha=context.alpha, n_boot=0,
                                       seed=context.seed, local_scale=True).fit(train))
