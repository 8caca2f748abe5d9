"""``pooled``: the rate of algorithmic progress shared by all benchmarks
(:class:`~computelimits.scaling.pooled.PooledProgress`, fitted on every benchmark's results
before the cutoff), each benchmark's own intercept and slope, conformal intervals per
horizon widened by the shared rate's standard error (:mod:`..borrowed`)."""

from __future__ import annotations

import math

import pandas as pd

from computelimits.errors import ConfigError
from computelimits.scaling.evaluation import borrowed
from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.forecast import Forecast


class Model(ForecastModel):
    name = "pooled"
    description = "the rate of algorithmic progress shared by all benchmarks"
    needs_shared_rate = True
    calibrated_together = True
    candidate = True

    def _make(self, context: CutoffContext, n_boot: int) -> Forecast:
        rate = context.shared_rate
        if rate is None or not math.isfinite(rate):
            # in a backtest: before the cutoff; in an outlook: in the data given
            raise ConfigError("the pooled model needs a rate of algorithmic progress shared by "
                              "other benchmarks, and none is identified from the results "
                              "available (it needs other benchmarks with enough dated "
                              "results): choose another --model")
        return Forecast(context.form, alpha=context.alpha, n_boot=n_boot, seed=context.seed,
                        rate=rate, rate_draws=context.shared_draws,
                        rate_se=borrowed.borrowed_se(context))

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return self._make(context, context.n_boot).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(self._make(context, 0).fit(train))
