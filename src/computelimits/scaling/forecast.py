"""Forecasts with time in them: error on compute *and* date, with intervals calibrated out of
sample.

A fit of error on compute alone, extrapolated forward, overstates what the next point costs:
at a fixed compute, later models reach lower error (better algorithms, data and recipes). The
:class:`Forecast` model is, per benchmark,

    y = a + b·log10 C + c·(year − 2015) + ε,    y = the form's transform of the error,

so that ``rate_ = c / b`` is the **compute-equivalent algorithmic progress** in orders of
magnitude per year: a model released one year later needs 10^rate × less compute for the same
error ("effective compute"; Ho et al. 2024, arXiv 2403.05812; Erdil & Besiroglu 2022, arXiv
2212.05153). It answers three questions:

1. **forward** — the error a model of compute C released at date T will reach;
2. **inverse** — the compute needed for error e at date T;
3. **frontier** — the best error expected at date T if the frontier's compute keeps growing at
   its measured rate (orders of magnitude per year, given).

**Intervals.** ``interval="conformal"`` (default) is split-conformal prediction on
time-ordered residuals, calibrated per horizon: the model is refitted before
``n_origins`` inner cutoffs of its own history (:meth:`Forecast._origins`: from the share
1 − ``calibration_share`` of the rows to 80% of them) and its *out-of-sample* errors on every
later row, each with its horizon (years from the inner fit's last result), give the
half-widths — of the forward prediction in the transformed error, and of the inverse
prediction in log10 compute, each divided by the predictive scale of a single new result
√(σ̂²(1 + xᵀ(XᵀX)⁻¹x)), which grows with the distance from the data in compute and in time
(normalised conformal, Lei et al. 2018) — one quantile per horizon bin
(:class:`~computelimits.scaling.horizon.HorizonQuantiles`: the finite-sample conformal rank
where a bin holds enough errors, never narrower further ahead, widened in proportion to the
horizon beyond the evidence; Vovk et al. 2005; Angelopoulos & Bates 2021, arXiv
2107.07511; :func:`conformal_quantile`). Unlike the in-sample bootstrap interval
(``interval="bootstrap"``: cluster bootstrap of the line plus resampled residuals), it
includes the error that comes from the relation drifting over time. Forecasts of several
benchmarks share one calibration (:func:`pool_calibration`). Which model is the default is
chosen by the nested rolling-origin evaluation (:mod:`computelimits.scaling.evaluation`);
where too few rows are left for any inner cutoff and no pooled calibration is given, the
bootstrap interval is used, widened in proportion to the horizon beyond one year
(:data:`UNCALIBRATED_REACH`), and ``interval_used_`` says so.

Results vocabulary (:mod:`computelimits.results`): intervals are ``<quantity>_ci_low`` /
``<quantity>_ci_high`` (``error_ci_low`` of :meth:`Forecast.forward`, ``log10_compute_ci_low``
of :meth:`Forecast.inverse`, ``rate_ci_low`` of :meth:`Forecast.to_dict`); ``summary()`` returns
a :class:`~computelimits.results.Summary`; ``conf_int()`` and ``to_frame()`` give the line's
coefficients and the rate of algorithmic progress with their intervals.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.fit import BLOCK_CELLS, YEAR0, ScalingFit, percentiles_by_row
from computelimits.scaling.forms import FORMS
from computelimits.scaling.horizon import HorizonQuantiles

__all__ = ["INTERVALS", "MIN_CALIBRATION", "MIN_FIT", "UNCALIBRATED_REACH", "Forecast",
           "conformal_quantile",
           "pool_calibration"]

#: Interval methods.
INTERVALS = ("conformal", "bootstrap")

#: Years after the last result up to which an interval without out-of-sample calibration
#: is left as it is; beyond, it is widened in proportion to the horizon (:mod:`.horizon`).
UNCALIBRATED_REACH = 1.0

#: Fewest rows in a conformal calibration set, and in the fit that precedes it.
MIN_CALIBRATION = 5
MIN_FIT = 8


def conformal_quantile(errors: np.ndarray, alpha: float) -> float:
    """Half-width of a (1 − α) interval from m out-of-sample errors: the split-conformal
    ⌈(m + 1)(1 − α)⌉-th smallest absolute error when m is large enough for that rank to
    exist (m ≥ 19 at α = 0.05); otherwise the normal-theory predictive half-width
    t_{m−1}(1 − α/2) · RMS(errors) · √(1 + 1/m), with the root mean square (so a systematic
    bias of the past widens the interval). Infinite with fewer than 2 errors."""
    from scipy import stats

    r = np.asarray(errors, float)
    r = r[np.isfinite(r)]
    m = len(r)
    if m < 2:
        return math.inf
    k = math.ceil((m + 1) * (1 - alpha))
    if k <= m:
        return float(np.sort(np.abs(r))[k - 1])
    rms = float(np.sqrt(np.mean(r ** 2)))
    return float(stats.t.ppf(1 - alpha / 2, m - 1) * rms * math.sqrt(1 + 1 / m))


@dataclass
class _Residuals:
    """Normalised out-of-sample errors of the inner refits, with their horizons (years)."""

    forward: np.ndarray
    inverse: np.ndarray
    horizon: np.ndarray
    n_fit: int
    rows: np.ndarray | None = None  # position of the scored row (a row scored from several
    # inner cutoffs appears several times)


class Forecast(ResultMixin):
    """Error on log10 compute and date for one benchmark (see the module docstring).

    Args:
        form: functional form (:mod:`.forms`).
        interval: "conformal" (time-ordered split conformal) or "bootstrap" (in-sample).
        alpha: 1 − nominal coverage.
        calibration_share: share of the (dated) rows scored after the earliest inner cutoff
            of the calibration (the later cutoffs score fewer).
        n_boot: cluster-bootstrap resamples (rate interval; bootstrap intervals).
        seed: bootstrap seed.
        rate: a fixed rate of algorithmic progress (orders of magnitude per year), e.g. the
            shared rate of :class:`~.pooled.PooledProgress`: the benchmark then only fits
            y = a + b·(log10 C + rate·(year − 2015)). None: the benchmark's own rate.
        rate_draws: draws of that fixed rate (its uncertainty), for ``rate_conf_int``.
        rate_se: the standard error of that fixed rate (orders of magnitude per year): the
            predictive scale then grows with the distance in time from the data
            (:meth:`_scale_xt`), in the calibration and in every interval alike.
        n_origins: inner cutoffs of the out-of-sample calibration (:meth:`_origins`).
        local_scale: in a pooled calibration, scale the intervals by the benchmark's own
            out-of-sample error rather than the pool's (:func:`pool_calibration`).
    """

    def __init__(self, form: str = "polynomial", *, interval: str = "conformal",
                 alpha: float = 0.05, calibration_share: float = 0.6, n_boot: int = 2000,
                 seed: int = 0, rate: float | None = None,
                 rate_draws: np.ndarray | None = None, n_origins: int = 5,
                 local_scale: bool = False, rate_se: float | None = None) -> None:
        if interval not in INTERVALS:
            raise ConfigError(f"interval must be one of {', '.join(INTERVALS)}, got "
                              f"{interval!r}")
        from computelimits import validate as v

        alpha = v.share(alpha, "alpha")
        calibration_share = v.share(calibration_share, "calibration_share")
        ScalingFit(form)  # validates the form
        self.form = form
        self.interval = interval
        self.alpha = alpha
        self.calibration_share = calibration_share
        self.n_boot = v.boot_count(n_boot)
        self.seed = v.whole(seed, "seed", low=0)
        self.rate = None if rate is None else v.finite(rate, "rate")
        self.rate_draws_in = rate_draws
        self.rate_se = (None if rate_se is None or self.rate is None
                        else v.finite(rate_se, "rate_se", low=0))
        self.n_origins = v.whole(n_origins, "n_origins", low=1, high=100)
        self.local_scale = bool(local_scale)

    # -- fitting --------------------------------------------------------------------------
    def _fit_line(self, data: pd.DataFrame, n_boot: int) -> ScalingFit:
        if self.rate is None:
            return ScalingFit(self.form, control_year=True, n_boot=n_boot,
                              seed=self.seed).fit(data)
        shifted = data.assign(log10_compute=data["log10_compute"].to_numpy(float)
                              + self.rate * (data["year"].to_numpy(float) - YEAR0))
        shifted.attrs = data.attrs
        return ScalingFit(self.form, n_boot=n_boot, seed=self.seed).fit(shifted)

    def _rows_design(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Design rows of the fitted line at (log10 compute, years since 2015)."""
        if self.rate is None:
            return np.column_stack([np.ones_like(x), x, t])
        return np.column_stack([np.ones_like(x), x + self.rate * t])

    def _scale_state(self, line: ScalingFit, rows: pd.DataFrame) -> tuple:
        """((XᵀX)⁻¹, σ̂², rate term) of a fitted line, for the predictive scale s(x, t)."""
        return self._state(line.resid_, rows["log10_compute"].to_numpy(float),
                           rows["year"].to_numpy(float) - YEAR0,
                           b=self._abc(line.params_)[1])

    def _state(self, resid: np.ndarray, x: np.ndarray, t: np.ndarray,
               b: float | None = None) -> tuple:
        """((XᵀX)⁻¹, σ̂², rate term) from a line's residuals, its rows' compute and years
        since 2015 and its compute slope ``b``. The rate term is (b²·se², t̄) where the rate
        is fixed with a standard error ``rate_se`` (:meth:`_scale_xt`), else None."""
        X = self._rows_design(x, t)
        n, p = X.shape
        sigma2 = float(np.sum(resid ** 2) / max(n - p, 1))
        term = None
        if self.rate is not None and self.rate_se and b is not None and len(t):
            term = (float(b) ** 2 * self.rate_se ** 2, float(np.mean(t)))
        return np.linalg.pinv(X.T @ X), sigma2, term

    def _scale_xt(self, state: tuple, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The predictive scale at (log10 compute, years since 2015): :meth:`_scale`, and
        for a fixed rate r with standard error se, √(s² + b²·se²·(t − t̄)²) — a rate off by
        δ moves the line's prediction by about b·δ·(t − t̄) where its level is pinned at the
        fitted rows' mean date t̄, so the uncertainty of a borrowed rate grows with the
        distance in time from the data (first-order, as the delta method)."""
        x, t = np.asarray(x, float), np.asarray(t, float)
        s = self._scale(state, self._rows_design(x, t))
        if len(state) < 3 or state[2] is None:
            return s
        coef, tbar = state[2]
        return np.sqrt(s ** 2 + coef * (t - tbar) ** 2)

    @staticmethod
    def _scale(state: tuple[np.ndarray, float], X: np.ndarray) -> np.ndarray:
        """Predictive standard deviation of a single new result: √(σ̂²·(1 + xᵀ(XᵀX)⁻¹x)),
        which grows as the prediction moves away from the data (in compute or in time)."""
        inv, sigma2 = state[0], state[1]
        # xᵀ(XᵀX)⁻¹x term by term in a fixed order, so that a row's scale is the same number
        # whether it is computed alone or among many (einsum's summation order depends on
        # the number of rows; this order is the one it takes for many)
        lev = np.zeros(len(X))
        for j in range(X.shape[1]):
            for k in range(X.shape[1]):
                lev = lev + X[:, j] * inv[j, k] * X[:, k]
        return np.sqrt(sigma2 * (1.0 + lev))

    def scale_at(self, log10_compute: np.ndarray, year: np.ndarray) -> np.ndarray:
        """The predictive scale s(x, t) of the full fit (transformed error units)."""
        self._check()
        return self._scale_xt(self.scale_state_, np.asarray(log10_compute, float),
                              np.asarray(year, float) - YEAR0)

    def _t_quantile(self) -> float:
        from scipy import stats

        return float(stats.t.ppf(1 - self.alpha / 2, max(self.fit_.df_resid_, 1)))

    def _abc(self, params: np.ndarray) -> tuple[float, float, float]:
        """(a, b, c) of y = a + b·x + c·t from a line's parameters."""
        if self.rate is None:
            return float(params[0]), float(params[1]), float(params[2])
        return float(params[0]), float(params[1]), float(params[1]) * self.rate

    def _boot_abc(self) -> np.ndarray:
        boot = self.fit_.boot_params_[~np.isnan(self.fit_.boot_params_).any(axis=1)]
        if self.rate is None:
            return boot[:, :3]
        return np.column_stack([boot[:, 0], boot[:, 1], boot[:, 1] * self.rate])

    def fit(self, data: pd.DataFrame) -> Forecast:
        """Fit on rows with ``error``, ``log10_compute``, ``year`` (undated rows are left out and
        counted in ``n_undated_``) and ``cluster``."""
        year = data["year"].to_numpy(float) if "year" in data else np.full(len(data), np.nan)
        dated = np.isfinite(year)
        self.n_undated_ = int((~dated).sum())
        rows = data[dated].sort_values("year", kind="mergesort").reset_index(drop=True)
        rows.attrs = data.attrs
        if len(rows) < MIN_FIT:
            raise ConfigError(f"{len(rows)} dated results are too few to fit error on compute "
                              f"and date (at least {MIN_FIT})")
        self.fit_ = self._fit_line(rows, self.n_boot)
        self.abc_ = self._abc(self.fit_.params_)
        self.scale_state_ = self._scale_state(self.fit_, rows)
        self.data_ = rows
        self.chance_ = self.fit_.chance_
        self.last_year_ = float(rows["year"].max())
        self.interval_used_ = self.interval
        self.score_scale_ = 1.0  # set by pool_calibration
        self.residuals_: _Residuals | None = None
        if self.interval == "conformal":
            self.residuals_ = self._calibration_residuals(rows)
            if self.residuals_ is None:
                self.interval_used_ = "bootstrap"
        if self.residuals_ is not None:
            self.calibrate([self.residuals_])
        return self

    def _origins(self, rows: pd.DataFrame) -> list[float]:
        """Inner cutoffs (decimal years) of the calibration: at ``n_origins`` evenly spaced
        row positions from the share 1 − ``calibration_share`` of the rows to 80% of them,
        each leaving at least :data:`MIN_FIT` rows before it and :data:`MIN_CALIBRATION`
        after it."""
        n = len(rows)
        year = rows["year"].to_numpy(float)
        lo = max(MIN_FIT, round((1 - self.calibration_share) * n))
        hi = min(n - MIN_CALIBRATION, max(lo, round(0.8 * n)))
        if hi < lo:
            return []
        pos = sorted({round(float(p)) for p in np.linspace(lo, hi, self.n_origins)})
        out = []
        for p in pos:
            cut = float(year[p])
            if (year < cut).sum() >= MIN_FIT and (year >= cut).sum() >= 1 and cut not in out:
                out.append(cut)
        return out

    def _inner_line(self, x: np.ndarray, t: np.ndarray, y: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """(params, residuals) of the line an inner refit without a bootstrap
        (``_fit_line(rows, 0)``) gives on these rows — the same least squares on the same
        design, from arrays (no table is built per inner cutoff); ConfigError where that
        fit refuses the rows."""
        from computelimits.scaling.fit import _ols_line

        X = self._rows_design(x, t)
        n, p = X.shape
        if n < p + 2:
            raise ConfigError(f"{n} results are too few to fit {p} coefficients")
        if np.ptp(X[:, 1]) == 0:
            raise ConfigError("all results have the same compute: no slope can be fitted")
        if np.linalg.matrix_rank(X) < p:
            raise ConfigError("the regressors are collinear")
        return _ols_line(X, y)

    def _calibration_residuals(self, rows: pd.DataFrame) -> _Residuals | None:
        """Out-of-sample scores of the model refitted before each inner cutoff
        (:meth:`_origins`) on every row on or after it, with their horizons (years from the
        inner fit's last result to the row's date)."""
        f = FORMS[self.form]
        year_all = rows["year"].to_numpy(float)
        x_all = rows["log10_compute"].to_numpy(float)
        t_all = year_all - YEAR0
        y_all = f.transform(rows["error"].to_numpy(float))
        fwd, inv, hor, n_fit, pos = [], [], [], [], []
        for cut in self._origins(rows):
            early = year_all < cut
            late = ~early  # year ≥ cut (every row is dated)
            try:
                params, resid = self._inner_line(x_all[early], t_all[early], y_all[early])
            except ConfigError:
                continue
            a, b, c = self._abc(params)
            x, t, y = x_all[late], t_all[late], y_all[late]
            # normalised by the inner fit's predictive scale (Lei et al. 2018: locally
            # weighted conformal), so that the calibrated multiple carries over to
            # predictions further from the data in compute and in time
            state = self._state(resid, x_all[early], t_all[early], b=self._abc(params)[1])
            scale = self._scale_xt(state, x, t)
            fwd.append((y - (a + b * x + c * t)) / scale)
            inv.append((x - (y - a - c * t) / b) / (scale / abs(b)) if b != 0
                       else np.full_like(x, np.inf))
            hor.append(year_all[late] - float(year_all[early].max()))
            pos.append(np.flatnonzero(late))
            n_fit.append(int(early.sum()))
        if not fwd:
            return None
        return _Residuals(forward=np.concatenate(fwd), inverse=np.concatenate(inv),
                          horizon=np.concatenate(hor), n_fit=min(n_fit),
                          rows=np.concatenate(pos))

    def calibrate(self, residuals: list[_Residuals]) -> None:
        """Set the half-width multiples per horizon from out-of-sample scores (this
        forecast's own, or those of several forecasts pooled: :func:`pool_calibration`)."""
        fwd = np.concatenate([r.forward for r in residuals])
        inv = np.concatenate([r.inverse for r in residuals])
        hor = np.concatenate([r.horizon for r in residuals])
        self.q_forward_ = HorizonQuantiles.from_scores(fwd, hor, self.alpha)
        self.q_inverse_ = HorizonQuantiles.from_scores(inv, hor, self.alpha)

    def uncalibrated_widening(self, year: float | np.ndarray) -> np.ndarray:
        """Factor applied to an in-sample (bootstrap or normal-theory) interval, which has
        no out-of-sample evidence at any horizon: 1 up to :data:`UNCALIBRATED_REACH` years
        after the last result, then in proportion to the horizon (the rule of
        :mod:`.horizon` beyond the evidence)."""
        return np.maximum(self.horizon(year) / UNCALIBRATED_REACH, 1.0)

    def horizon(self, year: float | np.ndarray) -> np.ndarray:
        """Years from the fit's last result to ``year`` (0 for dates before it)."""
        self._check()
        return np.maximum(np.asarray(year, float) - self.last_year_, 0.0)

    # -- results --------------------------------------------------------------------------
    def _check(self) -> None:
        if not hasattr(self, "fit_"):
            raise ConfigError("fit() first")

    @property
    def rate_(self) -> float:
        """Compute-equivalent algorithmic progress, orders of magnitude per year (c / b)."""
        self._check()
        if self.rate is not None:
            return float(self.rate)
        _, b, c = self.abc_
        return float(c / b) if b != 0 else math.nan

    def rate_draws(self) -> np.ndarray:
        """Draws of the rate (orders of magnitude per year): the cluster bootstrap of the
        benchmark's own rate, or the given draws of a fixed rate."""
        self._check()
        if self.rate is not None:
            return (np.asarray(self.rate_draws_in, float) if self.rate_draws_in is not None
                    else np.array([self.rate]))
        boot = self._boot_abc()
        boot = boot[boot[:, 1] < 0]
        return boot[:, 2] / boot[:, 1]

    def rate_conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Interval of the rate at level 1 − ``alpha`` (default: the forecast's ``alpha``).

        The benchmark's own rate c/b: Fieller's interval (Fieller 1954) from the line's
        cluster-robust covariance of (b, c) and the t quantile on G − 1 degrees of freedom —
        the ingredients of :attr:`rate_identified_`, so the interval printed lies above zero
        exactly when the rate is identified; (−inf, inf) where it is not bounded (the compute
        slope's own interval reaches zero). A fixed rate: percentiles of its draws."""
        self._check()
        alpha = self.alpha if alpha is None else alpha
        if self.rate is None:
            return self._fieller(alpha)
        r = self.rate_draws()
        if len(r) < 2:
            return (math.nan, math.nan)
        lo, hi = np.percentile(r, [100 * alpha / 2, 100 * (1 - alpha / 2)])
        return float(lo), float(hi)

    def _fieller(self, alpha: float) -> tuple[float, float]:
        """Fieller's interval of c/b: the ρ with (c − ρb)² ≤ t²·Var(c − ρb), i.e. the roots
        of (b² − t²V_bb)ρ² − 2(bc − t²V_bc)ρ + (c² − t²V_cc) = 0 where b² > t²V_bb."""
        from scipy import stats

        cov = np.asarray(getattr(self.fit_, "cov_cluster_", np.full((3, 3), np.nan)), float)
        if cov.shape[0] < 3 or not np.isfinite(cov[1:3, 1:3]).all():
            return (math.nan, math.nan)
        _, b, c = self.abc_
        t2 = float(stats.t.ppf(1 - alpha / 2, max(self.fit_.n_clusters_ - 1, 1))) ** 2
        v_bb, v_bc, v_cc = cov[1, 1], cov[1, 2], cov[2, 2]
        qa = b * b - t2 * v_bb
        qb = b * c - t2 * v_bc
        qc = c * c - t2 * v_cc
        disc = qb * qb - qa * qc
        if not qa > 0 or disc < 0:
            return (-math.inf, math.inf)
        root = math.sqrt(disc)
        return float((qb - root) / qa), float((qb + root) / qa)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Intervals indexed by quantity: the fitted line's coefficients (``intercept``,
        ``log10_compute`` and, with the benchmark's own rate, ``year``; cluster-robust t
        intervals) and ``rate`` (algorithmic progress, orders of magnitude per year: Fieller's
        interval of the benchmark's own rate, percentiles of a fixed rate's draws; see
        :meth:`rate_conf_int`). Columns ``ci_low`` and ``ci_high``."""
        self._check()
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must lie in (0, 1), got {alpha}")
        ci = self.fit_.conf_int(alpha)
        lo, hi = self.rate_conf_int(alpha)
        out = pd.concat([ci, pd.DataFrame({"ci_low": [lo], "ci_high": [hi]}, index=["rate"])])
        out.index.name = "quantity"
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per quantity of :meth:`conf_int`: ``estimate``, ``ci_low``, ``ci_high``
        (95%)."""
        self._check()
        out = self.conf_int()
        est = [*np.asarray(self.fit_.params_, float), self.rate_]
        out.insert(0, "estimate", est)
        return out

    @property
    def rate_identified_(self) -> bool:
        """True when the rate of algorithmic progress is identified: a fixed rate whose
        normal interval rate ± z·``rate_se`` lies above zero (any fixed rate given without a
        standard error), or the benchmark's own rate c/b where the intervals of the line's
        compute slope b and
        year coefficient c (:meth:`ScalingFit.conf_int`, cluster-robust t, level 1 − α) both
        exclude zero on the same side. That is exactly when Fieller's interval of the ratio
        c/b (Fieller 1954, "Some problems in interval estimation", JRSS B 16:175) is bounded
        (b²/Var b > t²) and lies wholly above zero (c²/Var c > t², sign c = sign b).
        Otherwise an answer at a date away from the data rests on noise in the year
        coefficient. The rule needs no bootstrap, so the rolling-origin evaluation applies
        the same one as an answer does (:func:`.evaluation.nested.as_answered`)."""
        self._check()
        if self.rate is not None:
            if not self.rate_se:
                return True
            from scipy import stats

            z = float(stats.norm.ppf(1 - self.alpha / 2))
            return bool(self.rate - z * self.rate_se > 0)
        ci = self.fit_.conf_int(self.alpha)
        (b_lo, b_hi), (c_lo, c_hi) = ci.iloc[1].to_numpy(), ci.iloc[2].to_numpy()
        return bool((b_hi < 0 and c_hi < 0) or (b_lo > 0 and c_lo > 0))

    @property
    def halving_months_(self) -> float:
        """Months for the compute needed at a fixed error to halve (inf when rate ≤ 0)."""
        r = self.rate_
        return float(12 * math.log10(2) / r) if r > 0 else math.inf

    @property
    def identified_(self) -> bool:
        """True when the compute slope's interval lies wholly below zero."""
        self._check()
        return self.fit_.identified_

    def _t(self, year: float) -> float:
        return float(year) - YEAR0

    def forward_transformed(self, log10_compute: np.ndarray, year: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Central value and interval of the transformed error y for each (log10 compute,
        decimal year) pair, uncapped (for evaluation)."""
        self._check()
        x = np.asarray(log10_compute, float)
        t = np.asarray(year, float) - YEAR0
        a, b, c = self.abc_
        y = a + b * x + c * t
        if self.interval_used_ == "conformal":
            q = self.q_forward_.at(self.horizon(np.asarray(year, float))) * self.score_scale_
            half = q * self._scale_xt(self.scale_state_, x, t)
            return y, y - half, y + half
        w = self.uncalibrated_widening(np.asarray(year, float))
        boot = self._boot_abc()
        if len(boot) == 0:  # no bootstrap: the normal-theory predictive interval
            half = self._t_quantile() * self._scale_xt(self.scale_state_, x, t)
            return y, y - half * w, y + half * w
        rng = np.random.default_rng(self.seed + 2)
        noise = rng.choice(self.fit_.resid_scaled_, size=len(boot))
        x, t = np.broadcast_arrays(np.atleast_1d(x), np.atleast_1d(t))
        lo, hi = np.empty(x.shape), np.empty(x.shape)
        step = max(1, BLOCK_CELLS // len(boot))  # bounded memory, whatever len(x)
        for s in range(0, len(x), step):
            sl = slice(s, s + step)
            # one row per result, its bootstrap lines along the row (percentiles_by_row):
            # a + b·x + c·t + noise, added in that order in place
            lines = boot[None, :, 1] * x[sl, None]
            np.add(boot[None, :, 0], lines, out=lines)
            lines += boot[None, :, 2] * t[sl, None]
            lines += noise[None, :]
            lo[sl], hi[sl] = percentiles_by_row(
                lines, [100 * self.alpha / 2, 100 * (1 - self.alpha / 2)])
        return y, y - (y - lo) * w, y + (hi - y) * w

    def forward(self, compute: float | np.ndarray, year: float) -> pd.DataFrame:
        """Error expected for models of ``compute`` FLOP released at decimal ``year``:
        columns compute, year, error, error_ci_low, error_ci_high (capped at the chance
        error)."""
        self._check()
        f = FORMS[self.form]
        x = np.log10(np.atleast_1d(np.asarray(compute, float)))
        y, lo, hi = self.forward_transformed(x, np.full(len(x), float(year)))
        cap = self.chance_
        with np.errstate(over="ignore"):
            out = pd.DataFrame({"compute": 10.0 ** x, "year": float(year),
                                "error": np.minimum(f.inverse(y), cap),
                                "error_ci_low": np.minimum(f.inverse(lo), cap),
                                "error_ci_high": np.minimum(f.inverse(hi), cap)})
        return out

    def inverse(self, error: float, year: float) -> dict[str, Any]:
        """log10 compute needed for ``error`` at decimal ``year``: central value
        (``log10_compute``) and interval (``log10_compute_ci_low`` / ``_ci_high``; infinite
        where the interval is open; ``interval`` says which method gave it)."""
        self._check()
        if not 0 < error < self.chance_:
            raise ConfigError(f"target error {error:g} must lie between 0 and the chance "
                              f"error {self.chance_:g}")
        a, b, c = self.abc_
        y = float(FORMS[self.form].transform(np.array([error]))[0])
        x = (y - a - c * self._t(year)) / b
        if self.interval_used_ == "conformal":
            s_y = float(self._scale_xt(self.scale_state_, np.array([x]),
                                       np.array([self._t(year)]))[0])
            h = float(self.horizon(year))
            half = float(self.q_inverse_.at(h)[0]) * self.score_scale_ * s_y / abs(b)
            return {"log10_compute": float(x), "log10_compute_ci_low": float(x - half),
                    "log10_compute_ci_high": float(x + half), "interval": "conformal",
                    "horizon_years": h, "interval_basis": self.q_inverse_.basis(h),
                    "horizon_evidence": self.q_inverse_.evidence(h)}
        h = float(self.horizon(year))
        w = float(self.uncalibrated_widening(year))
        basis = ("in-sample interval (no out-of-sample calibration)" if w == 1 else
                 f"in-sample interval with no out-of-sample calibration, {h:.1f} years "
                 f"beyond the data: widened ×{w:.2f} (in proportion to the horizon beyond "
                 f"{UNCALIBRATED_REACH:g} year)")
        extra = {"horizon_years": h, "interval_basis": basis, "horizon_evidence": False}
        if len(self._boot_abc()) == 0:
            s_y = float(self._scale_xt(self.scale_state_, np.array([x]),
                                       np.array([self._t(year)]))[0])
            half = self._t_quantile() * s_y / abs(b) * w
            return {"log10_compute": float(x), "log10_compute_ci_low": float(x - half),
                    "log10_compute_ci_high": float(x + half), "interval": "normal theory",
                    **extra}
        if self.rate is not None:
            # the line is fitted on x + rate·t: invert it there, then shift back
            r = self.fit_.log10_compute_for(error, alpha=self.alpha)
            shift = self.rate * self._t(year)
            lo = r.get("log10_compute_pred_ci_low", math.nan) - shift
            hi = r.get("log10_compute_pred_ci_high", math.nan) - shift
        else:
            r = self.fit_.log10_compute_for(error, year=year, alpha=self.alpha)
            lo = r.get("log10_compute_pred_ci_low", math.nan)
            hi = r.get("log10_compute_pred_ci_high", math.nan)
        return {"log10_compute": float(x), "log10_compute_ci_low": float(x - (x - lo) * w),
                "log10_compute_ci_high": float(x + (hi - x) * w), "interval": "bootstrap",
                **extra}

    def inverse_many(self, errors: np.ndarray, years: np.ndarray) -> dict[str, Any]:
        """:meth:`inverse` for many (error, decimal year) pairs at once, as arrays: the same
        numbers, element by element (``log10_compute``, ``log10_compute_ci_low`` /
        ``_ci_high``, ``horizon_years``, ``horizon_evidence``), and ``interval``, the method
        (one per forecast). The sentence ``interval_basis`` is left out (ask :meth:`inverse`
        for one answer's). Bootstrap draws are taken in blocks
        (:meth:`ScalingFit.log10_compute_for_many`): memory stays bounded however many
        pairs there are. Every error must lie between 0 and the chance error."""
        self._check()
        e = np.atleast_1d(np.asarray(errors, float))
        year = np.broadcast_to(np.asarray(years, float), e.shape).astype(float)
        if not np.all((e > 0) & (e < self.chance_)):
            bad = e[~((e > 0) & (e < self.chance_))][0]
            raise ConfigError(f"target error {bad:g} must lie between 0 and the chance "
                              f"error {self.chance_:g}")
        a, b, c = self.abc_
        y = FORMS[self.form].transform(e)
        t = year - YEAR0
        x = (y - a - c * t) / b
        h = self.horizon(year)
        out: dict[str, Any] = {"log10_compute": x, "horizon_years": h}
        if self.interval_used_ == "conformal":
            s_y = self._scale_xt(self.scale_state_, x, t)
            half = self.q_inverse_.at(h) * self.score_scale_ * s_y / abs(b)
            out.update(log10_compute_ci_low=x - half, log10_compute_ci_high=x + half,
                       interval="conformal", horizon_evidence=self.q_inverse_.within(h))
            return out
        w = self.uncalibrated_widening(year)
        out["horizon_evidence"] = np.zeros(len(e), bool)
        if len(self._boot_abc()) == 0:
            s_y = self._scale_xt(self.scale_state_, x, t)
            half = self._t_quantile() * s_y / abs(b) * w
            out.update(log10_compute_ci_low=x - half, log10_compute_ci_high=x + half,
                       interval="normal theory")
            return out
        if self.rate is not None:
            r = self.fit_.log10_compute_for_many(e, alpha=self.alpha, confidence=False)
            shift = self.rate * t
            lo = r["log10_compute_pred_ci_low"] - shift
            hi = r["log10_compute_pred_ci_high"] - shift
        else:
            r = self.fit_.log10_compute_for_many(e, years=year, alpha=self.alpha,
                                                 confidence=False)
            lo = r["log10_compute_pred_ci_low"]
            hi = r["log10_compute_pred_ci_high"]
        out.update(log10_compute_ci_low=x - (x - lo) * w, log10_compute_ci_high=x + (hi - x) * w,
                   interval="bootstrap")
        return out

    def frontier(self, year: float, growth: float, *, start_log10_compute: float | None = None,
                 start_year: float | None = None) -> dict[str, Any]:
        """Best error expected at ``year`` if the largest compute keeps growing at ``growth``
        orders of magnitude per year from the largest compute observed (or ``start_*``):
        ``error`` with ``error_ci_low`` / ``error_ci_high``."""
        self._check()
        x0 = float(self.data_["log10_compute"].max()) if start_log10_compute is None \
            else start_log10_compute
        t0 = self.last_year_ if start_year is None else start_year
        x = x0 + growth * max(0.0, float(year) - t0)
        row = self.forward(10.0 ** x, year).iloc[0]
        return {"year": float(year), "log10_compute": x, "error": float(row["error"]),
                "error_ci_low": float(row["error_ci_low"]),
                "error_ci_high": float(row["error_ci_high"]), "growth": growth,
                "start_log10_compute": x0, "start_year": t0}

    def to_dict(self) -> dict[str, Any]:
        self._check()
        lo, hi = self.rate_conf_int()
        d = {"form": self.form, "n": self.fit_.n_, "n_undated": self.n_undated_,
             "slope": self.fit_.slope_, "year_coef": self.abc_[2],
             "rate_source": "benchmark" if self.rate is None else "fixed (pooled)",
             "rate_oom_per_year": self.rate_, "rate_ci_low": lo, "rate_ci_high": hi,
             "halving_months": self.halving_months_, "identified": self.identified_,
             "rate_identified": self.rate_identified_,
             "interval": self.interval_used_, "alpha": self.alpha,
             "last_year": self.last_year_}
        if self.residuals_ is not None:
            d.update(q_forward=self.q_forward_.q[0], q_inverse=self.q_inverse_.q[0],
                     score_scale=self.score_scale_,
                     q_forward_by_horizon=self.q_forward_.to_dict(),
                     q_inverse_by_horizon=self.q_inverse_.to_dict(),
                     horizon_reach_years=self.q_inverse_.reach,
                     n_calibration=int(sum(self.q_forward_.n)))
        return d

    def summary(self) -> Summary:
        """The model, the rate of algorithmic progress and the intervals, in a few lines
        (``str()`` prints them; the table behind them is :meth:`to_frame`)."""
        from computelimits import formatting as fm

        d = self.to_dict()
        title = (f"Forecast ({self.form}): y = a + b·log10 C + c·(year − {YEAR0:g}); "
                 f"N = {d['n']} dated results ({d['n_undated']} undated left out)")
        halves = (f"halves every {d['halving_months']:.1f} months"
                  if math.isfinite(d["halving_months"]) else "does not halve with time here")
        lines = [f"compute slope b = {d['slope']:.4f}; algorithmic progress c/b = "
                 f"{d['rate_oom_per_year']:.3f} orders of magnitude per year "
                 f"{fm.bounds(d['rate_ci_low'], d['rate_ci_high'], 3)} — compute for a fixed "
                 f"error {halves}",
                 f"intervals: {d['interval']}"]
        if "q_forward" in d:
            per = ", ".join(f"{lab} {q:.2f}{'' if c else '*'}" for lab, q, c in zip(
                self.q_inverse_.to_dict()["bins"], self.q_inverse_.q,
                self.q_inverse_.calibrated, strict=True))
            lines.append(f"  conformal multiples of the predictive scale by horizon, from "
                         f"{d['n_calibration']} out-of-sample errors: {per} (* no evidence "
                         f"that far ahead: widened in proportion to the horizon beyond "
                         f"{self.q_inverse_.reach:.1f} years)")
        return Summary(title, lines, self.to_frame().reset_index())

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        if not hasattr(self, "fit_"):
            return [f"{self.form}, not fitted"]
        lo, hi = self.rate_conf_int()
        return [f"{self.form}, {self.interval_used_} intervals, N = {fm.count(self.fit_.n_)}",
                f"progress {fm.slope(self.rate_)} {fm.bounds(lo, hi, 3)} OOM/yr",
                f"halving {fm.plain(self.halving_months_, 3)} months"]

    def _repr_html_(self) -> str:
        if not hasattr(self, "fit_"):
            return "<p>Forecast, not fitted</p>"
        return self.summary()._repr_html_()


def pool_calibration(forecasts: list[Forecast]) -> None:
    """Give every conformal forecast the half-width multiples per horizon calibrated on the
    out-of-sample scores of all of them together (more scores: the conformal rank exists at
    95% in more horizon bins and the tails are seen).

    The scores are divided by a scale before they are pooled and the half-widths multiplied
    by it (``score_scale_``): the pool's root mean square score for every forecast, or, for
    forecasts made with ``local_scale=True``, the benchmark's own, shrunk towards the pool's
    by empirical Bayes (:func:`_shrunk_scales`) — benchmarks drift by different amounts,
    so one pooled quantile is too wide for the stable ones and too narrow for the drifting
    ones (a locally weighted conformal score, Lei et al. 2018 §5.2, with the local scale
    estimated on earlier out-of-sample errors). Which of the two holds better is for the
    rolling-origin evaluation to say (the ``time`` and ``time_local`` models)."""
    res = [f.residuals_ for f in forecasts if getattr(f, "residuals_", None) is not None]
    if not res:
        return
    n = sum(len(r.forward) for r in res)
    local = any(f.local_scale for f in forecasts)
    scales = _shrunk_scales([f.residuals_ for f in forecasts
                             if getattr(f, "residuals_", None) is not None], local=local)
    pooled_scale = scales.pop(None)
    scaled = []
    for f in forecasts:
        r = getattr(f, "residuals_", None)
        own = scales.get(id(r), pooled_scale) if r is not None else pooled_scale
        f.score_scale_ = own if f.local_scale else pooled_scale
        if r is not None:
            scaled.append(_Residuals(forward=r.forward / f.score_scale_,
                                     inverse=r.inverse / f.score_scale_, horizon=r.horizon,
                                     n_fit=r.n_fit, rows=r.rows))
    res = scaled
    done: dict[float, Forecast] = {}  # one calibration per alpha: the scores are the same
    for f in forecasts:
        if f.interval == "conformal":  # those too short for scores of their own too
            if f.alpha in done:
                f.q_forward_ = copy.deepcopy(done[f.alpha].q_forward_)
                f.q_inverse_ = copy.deepcopy(done[f.alpha].q_inverse_)
            else:
                f.calibrate(res)
                done[f.alpha] = f
            f.interval_used_ = "conformal"
            f.calibration_pooled_ = n


def _shrunk_scales(res: list[_Residuals], *, local: bool = True
                   ) -> dict[int | None, float]:
    """Each calibration set's out-of-sample scale (root mean square of its forward scores),
    shrunk on the log scale towards the pool's by empirical Bayes: the weight of its own
    scale is τ² / (τ² + v), where v = (κ − 1)/m is the sampling variance of a log mean
    square from m distinct scored results with kurtosis κ, and τ² the variance of the log
    scales between calibration sets beyond that noise (method of moments, floored at 0; as
    in DerSimonian & Laird 1986). Where the sets do not differ beyond noise (τ² = 0) every
    set takes the pooled scale. Key None: the pooled scale."""
    logs, var, keys = [], [], []
    allv = np.concatenate([r.forward[np.isfinite(r.forward)] for r in res]) if res else \
        np.array([])
    pooled = math.sqrt(float(np.mean(allv ** 2))) if len(allv) else 1.0
    for r in res:
        v = r.forward[np.isfinite(r.forward)]
        if len(v) < 2:
            continue
        m = len(np.unique(r.rows)) if r.rows is not None else len(v)
        ms = float(np.mean(v ** 2))
        kurt = float(np.mean(v ** 4) / ms ** 2) if ms > 0 else 3.0
        if ms <= 0:
            continue
        logs.append(math.log(ms))
        var.append(max(kurt - 1.0, 2.0) / max(m, 1))
        keys.append(id(r))
    out: dict[int | None, float] = {None: pooled}
    if len(logs) < 2 or not local:
        return out
    lg, vv = np.array(logs), np.array(var)
    tau2 = max(0.0, float(np.var(lg, ddof=1) - np.mean(vv)))
    centre = math.log(pooled ** 2)
    for key, x, v in zip(keys, lg, vv, strict=True):
        w = tau2 / (tau2 + v) if tau2 > 0 else 0.0
        out[key] = math.sqrt(math.exp(w * x + (1 - w) * centre))
    return out
