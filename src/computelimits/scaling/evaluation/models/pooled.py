"""``pooled``: the rate of algorithmic progress shared by all benchmarks
(:class:`~computelimits.scaling.pooled.PooledProgress`, fitted on every benchmark's results
before the cutoff), each benchmark's own intercept and slope, conformal intervals per
horizon."""

from __future__ import annotations

import math

import pandas as pd

from computelimits.errors import ConfigError
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
            raise ConfigError("no shared rate of algorithmic progress before this cutoff")
        return Forecast(context.form, alpha=context.alpha, n_boot=n_boot, seed=context.seed,
                        rate=rate, rate_draws=context.shared_draws)

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return self._make(context, context.n_boot).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(self._make(context, 0).fit(train))
