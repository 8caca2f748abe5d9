"""The predictions of a :class:`~computelimits.scaling.forecast.Forecast` on later results:
the code the time models share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits.scaling.evaluation.registry import Predicted
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.forms import FORMS
from computelimits.scaling.shift import shift_widening


@dataclass
class FittedForecast:
    """A fitted :class:`Forecast` as a fitted evaluation model."""

    forecast: Forecast

    @property
    def identified(self) -> bool:
        return bool(self.forecast.identified_)

    @property
    def interval(self) -> str:
        return self.forecast.interval_used_

    @property
    def rate_identified(self) -> bool:
        return bool(self.forecast.rate_identified_)

    def predict(self, after: pd.DataFrame) -> Predicted:
        fc = self.forecast
        x = after["log10_compute"].to_numpy(float)
        year = after["year"].to_numpy(float)
        e = after["error"].to_numpy(float)
        y = FORMS[fc.form].transform(e)
        a, b, c = fc.abc_
        py, ly, hy = fc.forward_transformed(x, year)
        px = (y - a - c * (year - YEAR0)) / b
        lx, hx = np.full(len(after), np.nan), np.full(len(after), np.nan)
        ok = (e > 0) & (e < fc.chance_)
        if ok.any():  # every later result at once (Forecast.inverse's numbers)
            r = fc.inverse_many(e[ok], year[ok])
            lx[ok], hx[ok] = r["log10_compute_ci_low"], r["log10_compute_ci_high"]
        # a level shift of the newest training results widens the intervals as it widens
        # an answer's (one rule: shift.shift_widening)
        _, widen_y = shift_widening(fc.data_, fc.form)
        if widen_y:
            ly, hy = ly - widen_y, hy + widen_y
            lx, hx = lx - widen_y / abs(b), hx + widen_y / abs(b)
        units = {"polynomial": "log10 error", "exponential": "error",
                 "logit": "logit error"}.get(fc.form, fc.form)
        return Predicted(py, ly, hy, px, lx, hx, y=y, units=units)
