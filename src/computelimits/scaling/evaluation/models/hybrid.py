"""``hybrid``: the benchmark's own rate of algorithmic progress where it is identified
(Fieller's rule, :attr:`~computelimits.scaling.forecast.Forecast.rate_identified_`: the one
rule answers and backtests use), else the rate shared by all benchmarks, its intervals
widened by that rate's standard error (:mod:`..borrowed`; conformal
intervals per horizon either way)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from computelimits.scaling.evaluation import borrowed
from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.forecast import Forecast


def hybrid_forecast(train: pd.DataFrame, shared_rate: float | None, *,
                    shared_draws: np.ndarray | None = None, form: str = "polynomial",
                    alpha: float = 0.05, n_boot: int = 300, seed: int = 0,
                    shared_se: float | None = None) -> Forecast:
    """The benchmark's own rate where it is identified (module docstring), else the shared
    rate, whose intervals then carry ``shared_se`` (:func:`..borrowed.borrowed_se`).
    ``rate_choice_`` says which."""
    own = Forecast(form, alpha=alpha, n_boot=n_boot, seed=seed).fit(train)
    ok = own.identified_ and own.rate_identified_
    if ok or shared_rate is None or not math.isfinite(shared_rate):
        own.rate_choice_ = "own (identified)" if ok else "own (no shared rate)"
        return own
    fc = Forecast(form, alpha=alpha, n_boot=n_boot, seed=seed, rate=shared_rate,
                  rate_draws=shared_draws, rate_se=shared_se).fit(train)
    fc.rate_choice_ = "shared (the benchmark's own rate is not identified)"
    return fc


class Model(ForecastModel):
    name = "hybrid"
    description = ("the benchmark's own rate where it is identified, else the shared "
                   "rate")
    needs_shared_rate = True
    calibrated_together = True
    candidate = True

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return hybrid_forecast(data, context.shared_rate, shared_draws=context.shared_draws,
                               form=context.form, alpha=context.alpha,
                               n_boot=context.n_boot, seed=context.seed,
                               shared_se=borrowed.borrowed_se(context))

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(self.forecast(train, context))
