"""``time_shrunk``: each benchmark's own rate of algorithmic progress shrunk towards the mean
of all benchmarks' rates by how much the benchmarks disagree — partial pooling, between the
``time`` model (each its own rate) and the ``pooled`` one (one rate for all).

At a cutoff every benchmark's rate c/b of y = a + b·log10 C + c·(year − 2015) is estimated
with its cluster-robust standard error (delta method); the between-benchmark variance τ² and
the mean μ follow DerSimonian & Laird (1986, Controlled Clinical Trials 7:177); the
benchmark's rate is then the posterior mean (r_k/s_k² + μ/τ²)/(1/s_k² + 1/τ²) — its own rate
where it is precise and the benchmarks disagree, the mean where it is noisy or they agree
(the empirical-Bayes estimate of a normal random-effects model; Efron & Morris 1975). The
line is then fitted with that rate held fixed, conformal intervals per horizon as for
``time``. The rate's uncertainty is the posterior variance 1/(1/s_k² + 1/τ²) plus the
shrinkage factor squared times the variance of the estimated mean, B_k²·Var(μ̂) with
B_k = s_k²/(s_k² + τ²) (Morris 1983, "Parametric empirical Bayes inference", JASA 78:47,
the first-order correction for estimating μ); normal draws of it are the forecast's rate
draws (its ``rate_ci_*`` and the costs' Monte Carlo), and its standard deviation widens the
forecast's intervals with the distance in time from the data (``Forecast(rate_se=…)``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError
from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import MIN_FIT, Forecast
from computelimits.scaling.forms import FORMS

#: Key of the shrunk rates in ``CutoffContext.extra``.
KEY = "time_shrunk"


def rate_and_se(rows: pd.DataFrame, form: str = "polynomial") -> tuple[float, float]:
    """(c/b, its standard error) of the OLS line y = a + b·log10 C + c·(year − 2015) with
    a cluster-robust (CR1, by ``cluster``) covariance and the delta method; NaNs where the
    line cannot be fitted, the compute slope is not negative, or there are no more clusters
    than coefficients (then the CR1 covariance is singular: its rank is at most g − 1)."""
    d = rows[np.isfinite(rows["year"].to_numpy(float))]
    if len(d) < MIN_FIT:
        return math.nan, math.nan
    X = np.column_stack([np.ones(len(d)), d["log10_compute"].to_numpy(float),
                         d["year"].to_numpy(float) - YEAR0])
    y = FORMS[form].transform(d["error"].to_numpy(float))
    if np.linalg.matrix_rank(X) < 3:
        return math.nan, math.nan
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    resid = y - X @ beta
    groups = pd.factorize(d["cluster"].astype(str))[0] if "cluster" in d else np.arange(len(d))
    g = int(groups.max()) + 1
    n, p = X.shape
    if g <= p:  # the g score sums add to zero: with g ≤ p clusters the robust covariance
        return math.nan, math.nan  # is singular and the rate's error spuriously near zero
    sums = np.array([np.bincount(groups, weights=X[:, j] * resid, minlength=g)
                     for j in range(p)]).T
    cov = xtx_inv @ (sums.T @ sums) @ xtx_inv * (g / (g - 1)) * ((n - 1) / (n - p))
    b, c = float(beta[1]), float(beta[2])
    if not b < 0:
        return math.nan, math.nan
    grad = np.array([0.0, -c / b ** 2, 1.0 / b])
    var = float(grad @ cov @ grad)
    return c / b, math.sqrt(var) if var > 0 else math.nan


def dl_tau2(rates: dict[str, tuple[float, float]]) -> float:
    """DerSimonian–Laird between-benchmark variance of (rate, standard error) pairs whose
    standard errors are positive and finite as weights (0 with fewer than two)."""
    r = np.array([v[0] for v in rates.values()])
    w = 1 / np.array([v[1] ** 2 for v in rates.values()])
    if len(r) < 2:
        return 0.0
    mu_fe = float(np.sum(w * r) / np.sum(w))
    q = float(np.sum(w * (r - mu_fe) ** 2))
    denom = float(np.sum(w) - np.sum(w ** 2) / np.sum(w))
    return max(0.0, (q - (len(r) - 1)) / denom) if denom > 0 else 0.0


def shrink_with_se(rates: dict[str, tuple[float, float]]
                   ) -> dict[str, tuple[float, float]]:
    """(posterior mean, its standard error with Morris's correction) of every benchmark's
    rate under the DerSimonian–Laird random-effects model (module docstring); benchmarks
    whose own rate is not estimable take the mean and its standard error."""
    # a rate whose squared error underflows carries no usable weight (it would take it all)
    ok = {k: v for k, v in rates.items() if math.isfinite(v[0]) and math.isfinite(v[1])
          and v[1] ** 2 > 0 and math.isfinite(1 / v[1] ** 2)}
    if len(ok) < 2:
        return {}
    r = np.array([v[0] for v in ok.values()])
    s2 = np.array([v[1] ** 2 for v in ok.values()])
    tau2 = dl_tau2(ok)
    ws = 1 / (s2 + tau2)
    mu = float(np.sum(ws * r) / np.sum(ws))
    var_mu = float(1 / np.sum(ws))
    out = {}
    for k in rates:
        if k in ok and tau2 > 0:
            rk, sk2 = ok[k][0], ok[k][1] ** 2
            b = sk2 / (sk2 + tau2)  # the shrinkage towards the mean
            out[k] = (float((rk / sk2 + mu / tau2) / (1 / sk2 + 1 / tau2)),
                      math.sqrt(1 / (1 / sk2 + 1 / tau2) + b ** 2 * var_mu))
        else:
            out[k] = (mu, math.sqrt(var_mu))
    return out


class Model(ForecastModel):
    name = "time_shrunk"
    description = ("the benchmark's own rate shrunk towards the mean of all benchmarks' "
                   "rates by how much they disagree (partial pooling)")
    calibrated_together = True
    candidate = True

    def prepare(self, trains: dict[str, pd.DataFrame], context: CutoffContext) -> None:
        context.extra[KEY] = shrink_with_se({b: rate_and_se(t, context.form)
                                             for b, t in trains.items()})

    def _make(self, data: pd.DataFrame, context: CutoffContext, n_boot: int) -> Forecast:
        rates = context.extra.get(KEY) or {}
        bench = str(data["benchmark"].iloc[0]) if "benchmark" in data and len(data) else ""
        rate, se = rates.get(bench, (math.nan, math.nan))
        if not math.isfinite(rate):
            # in a backtest: before the cutoff; in an outlook: in the data given
            raise ConfigError("the time_shrunk model shrinks this benchmark's rate of "
                              "algorithmic progress towards other benchmarks' rates, and no "
                              "estimable rate is available for it here (it needs at least two "
                              "benchmarks with enough dated results from four or more "
                              "publications): choose another --model")
        draws = None
        if n_boot and math.isfinite(se):  # the rate's uncertainty, for intervals and costs
            draws = np.random.default_rng(context.seed).normal(rate, se, n_boot)
        return Forecast(context.form, alpha=context.alpha, n_boot=n_boot, seed=context.seed,
                        rate=rate, rate_draws=draws,
                        rate_se=se if math.isfinite(se) else None)

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return self._make(data, context, context.n_boot).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(self._make(train, context, 0).fit(train))
