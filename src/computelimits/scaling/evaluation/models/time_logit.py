"""``time_logit``: the ``time`` model in the logit form, logit(error) = a + b·log10 C +
c·(year − 2015): near-polynomial at low error and flattening towards an error of 1, so
forecasts near chance stay inside (0, 1) (:mod:`computelimits.scaling.forms`)."""

from __future__ import annotations

import pandas as pd

from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.forecast import Forecast


class Model(ForecastModel):
    name = "time_logit"
    description = "the time model in the logit form (flattens towards chance)"
    calibrated_together = True
    candidate = True

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return Forecast("logit", alpha=context.alpha, n_boot=context.n_boot,
                        seed=context.seed).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(Forecast("logit", alpha=context.alpha, n_boot=0,
                                       seed=context.seed).fit(train))
