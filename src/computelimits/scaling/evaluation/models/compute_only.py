"""``compute_only``: the paper's model, error on compute alone
(:class:`~computelimits.scaling.fit.ScalingFit`), with its cluster-bootstrap intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel, Predicted
from computelimits.scaling.fit import BLOCK_CELLS, YEAR0, ScalingFit, percentiles_by_row
from computelimits.scaling.forms import FORMS


def bootstrap_forward(fit: ScalingFit, x: np.ndarray, t: np.ndarray, alpha: float,
                      seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the transformed error at log10 compute ``x`` (years since
    2015 ``t``): bootstrap lines plus a resampled scaled residual."""
    boot = fit.boot_params_[~np.isnan(fit.boot_params_).any(axis=1)]
    rng = np.random.default_rng(seed)
    noise = rng.choice(fit.resid_scaled_, size=len(boot))
    x, t = np.broadcast_arrays(np.atleast_1d(x), np.atleast_1d(t))
    lo, hi = np.empty(x.shape), np.empty(x.shape)
    # blocks of results: bounded memory (bootstrap lines × results) however many there are
    step = max(1, BLOCK_CELLS // max(len(boot), 1))
    for s in range(0, len(x), step):
        sl = slice(s, s + step)
        # one row per result, its bootstrap lines along the row (percentiles_by_row):
        # a + b·x + noise (+ c·t), added in that order in place
        lines = boot[None, :, 1] * x[sl, None]
        np.add(boot[None, :, 0], lines, out=lines)
        lines += noise[None, :]
        if fit.control_year:
            lines += boot[None, :, 2] * t[sl, None]
        lo[sl], hi[sl] = percentiles_by_row(lines, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return lo, hi


@dataclass
class _Fitted:
    fit: ScalingFit
    alpha: float
    seed: int
    interval: str = "bootstrap"

    @property
    def identified(self) -> bool:
        return bool(self.fit.identified_)

    def predict(self, after: pd.DataFrame) -> Predicted:
        co = self.fit
        x = after["log10_compute"].to_numpy(float)
        t = after["year"].to_numpy(float) - YEAR0
        e = after["error"].to_numpy(float)
        y = FORMS[co.form].transform(e)
        a, b = co.params_[:2]
        ly, hy = bootstrap_forward(co, x, t, self.alpha, self.seed + 2)
        lx, hx = np.full(len(after), np.nan), np.full(len(after), np.nan)
        ok = (e > 0) & (e < co.chance_)
        if ok.any():
            with np.errstate(invalid="ignore"):
                r = co.log10_compute_for_many(e[ok], alpha=self.alpha, confidence=False)
            if "log10_compute_pred_ci_low" in r:
                lx[ok] = r["log10_compute_pred_ci_low"]
                hx[ok] = r["log10_compute_pred_ci_high"]
                if r["share_wrong_sign"][0] >= self.alpha / 2:
                    hx[ok] = np.where(np.isnan(hx[ok]), math.inf, hx[ok])
        return Predicted(a + b * x, ly, hy, (y - a) / b, lx, hx)


class Model(ForecastModel):
    name = "compute_only"
    description = "the paper's fit on compute alone, cluster-bootstrap intervals"

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> _Fitted:
        return _Fitted(ScalingFit(context.form, n_boot=context.n_boot,
                                  seed=context.seed).fit(train), context.alpha, context.seed)
