"""Fits of error against compute, with uncertainty that respects the data.

:class:`ScalingFit` follows scikit-learn's conventions (settings in the constructor, ``fit``
returns ``self``, fitted values end in ``_``) and statsmodels' result objects (``summary()``,
``conf_int()``). Standard errors: classical OLS, heteroskedasticity-robust (HC3), and
cluster-robust by model or paper (computed as statsmodels does); a cluster bootstrap (whole
clusters resampled with replacement) gives percentile intervals and the distribution used for
extrapolation. The bootstrap is vectorized: per-cluster cross-products are summed with
multinomial weights for all resamples at once, so 10,000 resamples cost one small batched
solve.

Results vocabulary (:mod:`computelimits.results`): ``summary()`` returns a
:class:`~computelimits.results.Summary`; ``conf_int()`` has the columns ``ci_low`` and
``ci_high``; ``to_frame()`` gives one row per coefficient; intervals in dictionaries are
``<quantity>_ci_low`` / ``<quantity>_ci_high`` (a prediction interval for a single new result
is ``<quantity>_pred_ci_low`` / ``_pred_ci_high``).

With ``control_year`` the model is y = a + b·x + c·(year − 2015); the year coefficient is
expressed as a compute-equivalent gain per year, 10^(c/b)×: the multiple of compute that
would have bought the same improvement as one year of other progress (above 1: progress
other than compute lowers the error; below 1: later results needed more compute).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits import formatting as fm
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.forms import FORMS
from computelimits.validate import boot_count, finite, frame, positive_array, share, whole

__all__ = ["ScalingFit", "fit_forms"]

YEAR0 = 2015.0

#: Bootstrap values held at once by the many-at-a-time methods (``log10_compute_for_many``
#: and the evaluation's bootstrap intervals): 4 million, 32 MB of float64 per array.
BLOCK_CELLS = 4_000_000
_METHODS = ("cluster", "hc3", "ols", "bootstrap")


def percentiles_by_row(values: np.ndarray, q: list[float]) -> np.ndarray:
    """``np.percentile(values, q, axis=1)`` (the default, linear method) — the same numbers,
    several times faster: each row (one result's bootstrap draws, contiguous in memory) is
    sorted with numpy's vectorised sort, and the two order statistics around each percentile
    are read off and interpolated exactly as numpy does (virtual index (n − 1)·q/100, its
    floor and the next, numpy's ``_lerp``; a row holding NaN gives NaN). ``values`` (2-D,
    C-ordered) is overwritten. (np.percentile partitions the rows instead, which for a few
    thousand draws is slower than sorting them.)"""
    values.sort(axis=1)  # NaN last, as numpy's partition leaves it
    n = values.shape[1]
    quantiles = np.true_divide(np.asarray(q, float), 100)
    virtual = (n - 1) * quantiles
    prev = np.floor(virtual)
    nxt = prev + 1
    above = virtual >= n - 1
    prev[above] = -1
    nxt[above] = -1
    below = virtual < 0
    prev[below] = 0
    nxt[below] = 0
    prev, nxt = prev.astype(np.intp), nxt.astype(np.intp)
    gamma = np.asarray(virtual - prev, dtype=virtual.dtype)[:, None]
    a = values[:, prev].T
    b = values[:, nxt].T
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=np.broadcast_to(gamma >= 0.5, out.shape))
    last = values[:, -1]
    nan = np.isnan(last)
    if nan.any():
        out[:, nan] = last[nan]
    return out


def _power(base: float, exponent: float) -> float:
    """``base ** exponent``, infinite past the largest float (a slope near zero makes the
    compute multiple unbounded: never an OverflowError)."""
    try:
        return float(base ** exponent)
    except OverflowError:
        return math.inf


@dataclass
class _OLS:
    params: np.ndarray
    resid: np.ndarray
    hat_diag: np.ndarray
    rsquared: float
    bse: np.ndarray
    bse_hc3: np.ndarray
    bse_cluster: np.ndarray | None
    df_resid: float
    llf: float
    cov_cluster: np.ndarray | None = None


#: Cluster-bootstrap weights kept for reuse (:func:`_resample_weights`): entries, and the
#: largest one kept (8 MB: 2,000 resamples of 500 clusters).
_WEIGHTS_KEPT = 8
_WEIGHTS_MAX_CELLS = 1_000_000
_weights_memo: OrderedDict[tuple[int, int, int], np.ndarray] = OrderedDict()


def _resample_weights(seed: int, n_clusters: int, n_boot: int) -> np.ndarray:
    """How many times each cluster is drawn in each resample (n_boot × G, read-only): the
    first draws of ``default_rng(seed)``, so the same for every fit with the same seed, clusters
    and resamples — a rolling evaluation fits several models on the same clusters at every
    cutoff, and drawing them (G binomials per resample) costs more than the fits. Recent ones
    are kept (small ones only)."""
    key = (int(seed), int(n_clusters), int(n_boot))
    w = _weights_memo.get(key)
    if w is not None:
        _weights_memo.move_to_end(key)
        return w
    rng = np.random.default_rng(seed)
    w = rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters),
                        size=n_boot).astype(float)
    w.setflags(write=False)
    if w.size <= _WEIGHTS_MAX_CELLS:
        _weights_memo[key] = w
        while len(_weights_memo) > _WEIGHTS_KEPT:
            _weights_memo.popitem(last=False)
    return w


def _pinv(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pseudo-inverse of ``X``, its singular values), as statsmodels computes them."""
    u, sv, vt = np.linalg.svd(X, False)
    cutoff = 1e-15 * np.maximum.reduce(sv)
    inv = np.where(sv > cutoff, 1.0 / np.where(sv > cutoff, sv, 1.0), 0.0)
    return np.dot(np.transpose(vt), np.multiply(inv[:, np.newaxis], np.transpose(u))), sv


def _ols_line(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(params, residuals) of :func:`_ols` alone — the same numbers — for callers that read
    no standard error (the inner refits of the out-of-sample calibration)."""
    params = np.dot(_pinv(X)[0], y)
    return params, y - np.dot(X, params)


def _ols(X: np.ndarray, y: np.ndarray, groups: np.ndarray | None) -> _OLS:
    """Least squares with classical, HC3 and cluster-robust (CR1: G/(G − 1)·(n − 1)/(n − p))
    standard errors, computed as statsmodels' ``OLS(y, X).fit()`` (pseudo-inverse),
    ``get_robustcov_results("HC3" / "cluster")`` and ``get_influence()`` do, step for step,
    without their object overhead (a report fits thousands of small lines)."""
    n, p = X.shape
    pinv, sv = _pinv(X)
    ncov = np.dot(pinv, np.transpose(pinv))
    rank = int(np.linalg.matrix_rank(np.diag(sv)))
    params = np.dot(pinv, y)
    resid = y - np.dot(X, params)
    ssr = np.dot(resid, resid)
    df_resid = n - rank
    centered = y - y.mean()
    rsquared = 1 - ssr / np.dot(centered, centered)
    bse = np.sqrt(np.diag(ncov * (ssr / df_resid)))
    hat_diag = (X * pinv.T).sum(1)
    h = np.einsum("ij,ik,kj->i", X, X, ncov)
    het = (resid / (1 - h)) ** 2
    bse_hc3 = np.sqrt(np.diag(np.dot(pinv, het[:, None] * pinv.T)))
    bse_cluster = None
    if groups is not None:
        xu = X * resid[:, None]
        n_groups = len(np.unique(groups))
        sums = np.array([np.bincount(groups, weights=xu[:, c]) for c in range(p)]).T
        cov_c = np.dot(np.dot(ncov, np.dot(sums.T, sums)), ncov.T)
        cov_c *= n_groups / (n_groups - 1.0) * ((n - 1.0) / float(n - p))
        bse_cluster = np.sqrt(np.diag(cov_c))
    nobs2 = n / 2.0
    llf = (-nobs2 * np.log(2 * np.pi) - nobs2 * np.log(np.sum(resid ** 2) / float(n))
           - nobs2)
    return _OLS(params, resid, hat_diag, float(rsquared), bse, bse_hc3, bse_cluster,
                float(df_resid), float(llf), cov_c if groups is not None else None)


@dataclass
class _Design:
    X: np.ndarray
    y: np.ndarray
    e: np.ndarray
    groups: np.ndarray
    names: list[str]


class ScalingFit(ResultMixin):
    """Straight-line fit of a transform of the error on log10(compute).

    Args:
        form: "polynomial", "exponential" or "logit" (:mod:`.forms`, which says what each
            assumes).
        cov: standard errors reported by ``bse_`` / ``conf_int()``: "cluster" (default),
            "hc3" or "ols".
        control_year: add the decimal publication year as a regressor.
        n_boot: cluster-bootstrap resamples (0: none; at most 10,000,000).
        seed: bootstrap seed (a whole number ≥ 0).

    Arguments are checked as the command line checks its options
    (:mod:`computelimits.validate`): a value of the wrong kind raises
    :class:`~computelimits.errors.ArgumentTypeError`, one out of range
    :class:`~computelimits.errors.ConfigError` giving the range, a table without the columns
    a method needs :class:`~computelimits.errors.InputError`.
    """

    def __init__(self, form: str = "polynomial", *, cov: str = "cluster",
                 control_year: bool = False, n_boot: int = 10_000, seed: int = 0) -> None:
        if form == "site":
            raise ConfigError("the companion site's form (−log10 error on log10 compute) is the "
                              "polynomial form with the sign flipped — same fit; use "
                              "'polynomial'")
        if form not in FORMS:
            raise ConfigError(f"form must be one of {', '.join(FORMS)}, got {form!r}")
        if cov not in ("cluster", "hc3", "ols"):
            raise ConfigError(f"cov must be 'cluster', 'hc3' or 'ols', got {cov!r}")
        self.form = form
        self.cov = cov
        self.control_year = bool(control_year)
        self.n_boot = boot_count(n_boot)
        self.seed = whole(seed, "seed", low=0)

    # -- fitting -------------------------------------------------------------------------
    def _design(self, data: pd.DataFrame) -> _Design:
        frame(data, "data", ("error", "log10_compute", *(("year",) if self.control_year else ())))
        f = FORMS[self.form]
        e = data["error"].to_numpy(float)
        if np.any(~np.isfinite(e) | (e <= 0) | (e >= 1)):
            raise ConfigError("every error must be a number strictly between 0 and 1")
        x = data["log10_compute"].to_numpy(float)
        if np.any(~np.isfinite(x)):
            raise ConfigError("every result needs a finite, positive training compute")
        cols = [np.ones_like(x), x]
        names = ["intercept", "log10_compute"]
        if self.control_year:
            year = data["year"].to_numpy(float)
            if np.isnan(year).any():
                raise ConfigError("control_year needs a date for every result")
            cols.append(year - YEAR0)
            names.append("year")
        groups = pd.factorize(data["cluster"].astype(str))[0] if "cluster" in data else \
            np.arange(len(data))
        return _Design(np.column_stack(cols), f.transform(e), e, groups, names)

    def fit(self, data: pd.DataFrame) -> ScalingFit:
        """Fit on rows with ``error``, ``log10_compute`` (and ``year``, ``cluster``)."""
        d = self._design(data)
        n, p = d.X.shape
        if n < p + 2:
            raise ConfigError(f"{n} results are too few to fit {p} coefficients")
        if np.ptp(d.X[:, 1]) == 0:
            raise ConfigError("all results have the same compute: no slope can be fitted")
        if np.linalg.matrix_rank(d.X) < p:
            raise ConfigError("the regressors are collinear (e.g. every result from one date "
                              "when the year is controlled): the coefficients are not "
                              "identified")
        self.data_ = data.reset_index(drop=True)
        sel = data.attrs.get("selection")
        above = getattr(sel, "scale", "error") == "above-chance"
        # the error a fitted curve may never exceed: chance (1 on the above-chance scale)
        self.chance_ = (1.0 if above or "chance_error" not in data
                        else float(np.nanmin(data["chance_error"].to_numpy(float))))
        self.names_ = d.names
        self.n_ = n
        self.n_clusters_ = int(d.groups.max()) + 1
        ols = _ols(d.X, d.y, d.groups if self.n_clusters_ >= 2 else None)
        self.params_ = ols.params
        self.resid_ = ols.resid
        # leverage-adjusted residuals r_i / sqrt(1 − h_i) have the error variance σ², so
        # resampling them gives prediction intervals that cover for small samples too
        h = ols.hat_diag
        scaled = ols.resid / np.sqrt(np.clip(1.0 - h, 1e-12, None))
        # and the bootstrap of few clusters is too narrow by about (G − 1)/G: widen the noise
        # by sqrt(n / (n − p)), the usual small-sample degrees-of-freedom correction
        n_obs, n_par = d.X.shape
        self.resid_scaled_ = (scaled - scaled.mean()) * math.sqrt(n_obs / (n_obs - n_par))
        self.r2_ = float(ols.rsquared)
        self.bse_ols_ = ols.bse
        self.bse_hc3_ = ols.bse_hc3
        self.bse_cluster_ = ols.bse_cluster if ols.bse_cluster is not None else np.full(p, np.nan)
        self.cov_cluster_ = (ols.cov_cluster if ols.cov_cluster is not None
                             else np.full((p, p), np.nan))
        self.df_resid_ = float(ols.df_resid)
        # likelihood on the common error scale (change of variables y → e)
        ll_e = float(ols.llf) + float(np.sum(FORMS[self.form].log_abs_dy_de(d.e)))
        k = p + 1  # coefficients and the residual variance
        self.llf_ = ll_e
        self.aic_ = 2 * k - 2 * ll_e
        self.bic_ = k * math.log(n) - 2 * ll_e
        self.boot_params_ = self._bootstrap(d) if self.n_boot else np.empty((0, p))
        self._design_cache = d
        return self

    def _bootstrap(self, d: _Design) -> np.ndarray:
        """Cluster bootstrap, all resamples at once (no Python loop over resamples)."""
        G = int(d.groups.max()) + 1
        p = d.X.shape[1]
        from computelimits.resources import check_memory

        # weights (n_boot × G), cross-products (n_boot × p × p, twice with the solve), fits
        check_memory(8.0 * self.n_boot * (G + 3 * p * p + 3 * p),
                     f"{self.n_boot:,} cluster-bootstrap resamples of {G} clusters",
                     how_to_shrink="use fewer resamples (--n-boot)", force_hint=False)
        # per-cluster cross-products S_g = X_gᵀX_g and t_g = X_gᵀy_g
        # (sums by cluster in row order, as np.add.at would add them: the same numbers)
        S = np.empty((G, p, p))
        t = np.empty((G, p))
        for i in range(p):
            t[:, i] = np.bincount(d.groups, weights=d.X[:, i] * d.y, minlength=G)
            for j in range(p):
                S[:, i, j] = np.bincount(d.groups, weights=d.X[:, i] * d.X[:, j], minlength=G)
        W = _resample_weights(self.seed, G, self.n_boot)  # rng's first draws
        XtX = np.einsum("bg,gij->bij", W, S)
        Xty = W @ t
        # resamples that happen to have no spread in compute are singular: drop them
        det = np.linalg.det(XtX)
        ok = np.abs(det) > 1e-10 * np.abs(det).max()
        params = np.full((self.n_boot, p), np.nan)
        params[ok] = np.linalg.solve(XtX[ok], Xty[ok][..., None])[..., 0]
        return params

    # -- results -------------------------------------------------------------------------
    def _check(self) -> None:
        if not hasattr(self, "params_"):
            raise ConfigError("fit() first")

    @property
    def slope_(self) -> float:
        self._check()
        return float(self.params_[1])

    @property
    def identified_(self) -> bool:
        """True when the slope's interval (``conf_int()``, the fit's ``cov``) lies wholly below
        zero: more compute, lower error. Otherwise compute does not explain the benchmark and
        no compute, dollar or CO2 figure should be derived from the fit."""
        self._check()
        ci = self.conf_int()
        high = float(ci.iloc[1, 1])
        return bool(np.isfinite(high) and high < 0)

    @property
    def bse_(self) -> np.ndarray:
        self._check()
        return {"cluster": self.bse_cluster_, "hc3": self.bse_hc3_, "ols": self.bse_ols_}[self.cov]

    def conf_int(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        """Intervals (level 1 − ``alpha``) for the coefficients, indexed by their names
        (``intercept``, ``log10_compute``, ``year``), columns ``ci_low`` and ``ci_high``:
        "cluster", "hc3", "ols" (t intervals) or "bootstrap" (percentiles of the cluster
        bootstrap); the default (None) is the fit's ``cov``, "cluster" unless set."""
        self._check()
        alpha = share(alpha, "alpha")
        method = method or self.cov
        if method not in _METHODS:
            raise ConfigError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
        if method == "bootstrap":
            b = self.boot_params_[~np.isnan(self.boot_params_).any(axis=1)]
            if len(b) == 0:
                raise ConfigError("no bootstrap resamples (n_boot=0)")
            if self.n_clusters_ < 2:
                # every resample of a single cluster is the data itself: a zero-width
                # interval that says nothing; not identified
                lo = hi = np.full(len(self.params_), np.nan)
            else:
                lo, hi = np.percentile(b, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
        else:
            from scipy import stats

            se = {"cluster": self.bse_cluster_, "hc3": self.bse_hc3_, "ols": self.bse_ols_}[
                method]
            dof = (self.n_clusters_ - 1) if method == "cluster" else self.df_resid_
            q = stats.t.ppf(1 - alpha / 2, max(dof, 1))
            lo, hi = self.params_ - q * se, self.params_ + q * se
        return pd.DataFrame({"ci_low": lo, "ci_high": hi}, index=self.names_)

    def predict(self, compute: float | np.ndarray, year: float | None = None) -> np.ndarray:
        """Predicted error at ``compute`` FLOP (and ``year`` when the year is controlled)."""
        self._check()
        x = np.log10(positive_array(compute, "compute", "FLOP"))
        y = self.params_[0] + self.params_[1] * x
        if self.control_year:
            if year is None:
                raise ConfigError("this fit controls for year: give year=")
            year = finite(year, "year", low=1900, high=2200)
            y = y + self.params_[2] * (year - YEAR0)
        # never above the chance error: the curve carries no meaning there
        return np.minimum(FORMS[self.form].inverse(y), self.chance_)

    def log10_compute_for(self, error: float, *, year: float | None = None,
                          alpha: float = 0.05) -> dict[str, float]:
        """log10 compute at which the fitted line reaches ``error``: central value
        (``log10_compute``), a confidence interval (``log10_compute_ci_low`` / ``_ci_high``:
        line uncertainty, cluster bootstrap) and a prediction interval
        (``log10_compute_pred_ci_low`` / ``_pred_ci_high``: line uncertainty plus the
        residual scatter of single results); ``share_wrong_sign``: the share of bootstrap
        fits whose slope has the other sign."""
        self._check()
        error = share(error, "error")
        alpha = share(alpha, "alpha")
        if error >= self.chance_:
            raise ConfigError(f"target error {error:g} is not below the chance error "
                              f"{self.chance_:g}: no compute is needed to guess")
        y = float(FORMS[self.form].transform(np.array([error]))[0])
        shift = 0.0 if not self.control_year else None
        if self.control_year:
            if year is None:
                raise ConfigError("this fit controls for year: give year=")
            shift = self.params_[2] * (year - YEAR0)
        a, b = self.params_[0], self.params_[1]
        if b == 0:
            raise ConfigError("the fitted slope is zero: no compute reaches the target")
        central = (y - a - shift) / b
        out = {"log10_compute": float(central), "slope": float(b)}
        boot = self.boot_params_[~np.isnan(self.boot_params_).any(axis=1)]
        if len(boot):
            # the cluster bootstrap's spread is too small by about (G − 1)/G in variance
            G = self.n_clusters_
            if G > 1:
                boot = self.params_ + (boot - self.params_) * math.sqrt(G / (G - 1))
            bs = boot[:, 2] * (year - YEAR0) if self.control_year else 0.0
            with np.errstate(divide="ignore", invalid="ignore"):
                conf = (y - boot[:, 0] - bs) / boot[:, 1]
            rng = np.random.default_rng(self.seed + 1)
            noise = rng.choice(self.resid_scaled_, size=len(boot), replace=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                pred = (y - noise - boot[:, 0] - bs) / boot[:, 1]
            # a resample whose slope has the wrong sign never reaches the target
            wrong = np.sign(boot[:, 1]) != np.sign(b)
            conf[wrong] = np.inf
            pred[wrong] = np.inf
            q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
            with np.errstate(invalid="ignore"):  # inf − inf inside percentile's interpolation
                cq, pq = np.percentile(conf, q), np.percentile(pred, q)
            cq = np.where(np.isnan(cq), np.inf, cq)
            pq = np.where(np.isnan(pq), np.inf, pq)
            out["log10_compute_ci_low"], out["log10_compute_ci_high"] = (float(v) for v in cq)
            out["log10_compute_pred_ci_low"], out["log10_compute_pred_ci_high"] = (
                float(v) for v in pq)
            out["share_wrong_sign"] = float(wrong.mean())
        return out

    def log10_compute_for_many(self, errors: np.ndarray, *, years: np.ndarray | None = None,
                               alpha: float = 0.05, confidence: bool = True
                               ) -> dict[str, np.ndarray]:
        """:meth:`log10_compute_for` for many errors (and years) at once: the same keys, each
        an array with one value per error (the same bootstrap draws and residual noise for
        every error, as the one-at-a-time method uses, and the same numbers). The errors are
        taken in blocks, so memory stays bounded (:data:`BLOCK_CELLS` bootstrap values per
        block) however many there are. ``confidence=False`` leaves out the confidence
        interval (``log10_compute_ci_low`` / ``_ci_high``), for callers that read only the
        prediction interval."""
        self._check()
        alpha = share(alpha, "alpha")
        e = np.atleast_1d(np.asarray(errors, float))
        if np.any(~(e > 0) | ~(e < 1)):
            raise ConfigError("every target error must lie in (0, 1)")
        if np.any(e >= self.chance_):
            raise ConfigError(f"a target error is not below the chance error {self.chance_:g}:"
                              " no compute is needed to guess")
        y = FORMS[self.form].transform(e)
        t = 0.0
        if self.control_year:
            if years is None:
                raise ConfigError("this fit controls for year: give years=")
            t = np.atleast_1d(np.asarray(years, float)) - YEAR0
        a, b = self.params_[0], self.params_[1]
        if b == 0:
            raise ConfigError("the fitted slope is zero: no compute reaches the target")
        shift = self.params_[2] * t if self.control_year else 0.0
        central = (y - a - shift) / b
        n = len(e)
        out: dict[str, np.ndarray] = {"log10_compute": np.asarray(central, float) * np.ones(n),
                                      "slope": np.full(n, float(b))}
        boot = self.boot_params_[~np.isnan(self.boot_params_).any(axis=1)]
        if len(boot):
            G = self.n_clusters_
            if G > 1:
                boot = self.params_ + (boot - self.params_) * math.sqrt(G / (G - 1))
            rng = np.random.default_rng(self.seed + 1)
            noise = rng.choice(self.resid_scaled_, size=len(boot), replace=True)
            wrong = np.sign(boot[:, 1]) != np.sign(b)
            q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
            tt = np.broadcast_to(t, (n,)) if self.control_year else None
            cq = np.empty((2, n)) if confidence else None
            pq = np.empty((2, n))
            step = max(1, BLOCK_CELLS // len(boot))
            for s in range(0, n, step):
                sl = slice(s, min(n, s + step))
                bs = boot[None, :, 2] * tt[sl, None] if self.control_year else 0.0
                yb = y[sl, None]
                # (yb − noise − a − bs) / b, operation by operation in place (the same numbers)
                with np.errstate(divide="ignore", invalid="ignore"):
                    pred = yb - noise[None, :]
                    pred -= boot[None, :, 0]
                    if self.control_year:
                        pred -= bs
                    pred /= boot[None, :, 1]
                if wrong.any():
                    pred[:, wrong] = np.inf
                with np.errstate(invalid="ignore"):  # inf − inf inside the interpolation
                    pq[:, sl] = percentiles_by_row(pred, q)
                del pred
                if confidence:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        conf = yb - boot[None, :, 0]
                        if self.control_year:
                            conf -= bs
                        conf /= boot[None, :, 1]
                    if wrong.any():
                        conf[:, wrong] = np.inf
                    with np.errstate(invalid="ignore"):
                        cq[:, sl] = percentiles_by_row(conf, q)
                    del conf
            pq = np.where(np.isnan(pq), np.inf, pq)
            if confidence:
                cq = np.where(np.isnan(cq), np.inf, cq)
                out["log10_compute_ci_low"], out["log10_compute_ci_high"] = cq[0], cq[1]
            out["log10_compute_pred_ci_low"], out["log10_compute_pred_ci_high"] = pq[0], pq[1]
            out["share_wrong_sign"] = np.full(n, float(wrong.mean()))
        return out

    @property
    def polynomial_degree_(self) -> float:
        """For the polynomial form: compute ∝ error^(−1/b) — the degree −1/b."""
        self._check()
        if self.form != "polynomial":
            return float("nan")
        b = self.slope_
        return float(-1.0 / b) if b != 0 else float("inf")

    def halving_multiple(self, error: float | None = None) -> float:
        """Compute multiple that halves the error: 2^(−1/b) for the polynomial form; for the
        other forms it depends on the starting error (default: the best observed)."""
        self._check()
        e0 = float(self.data_["error"].min()) if error is None else share(error, "error")
        if self.form == "polynomial":
            return _power(2.0, self.polynomial_degree_)
        f = FORMS[self.form]
        dy = float(f.transform(np.array([e0 / 2]))[0] - f.transform(np.array([e0]))[0])
        return _power(10.0, dy / self.slope_) if self.slope_ != 0 else math.inf

    @property
    def year_gain_(self) -> float:
        """Compute-equivalent gain per year of the year control, as a multiple of compute."""
        self._check()
        if not self.control_year:
            return float("nan")
        # next year the same error needs compute × 10^(−c/b); the gain is the inverse
        return _power(10.0, self.params_[2] / self.params_[1])

    def influence(self, by: str = "paper") -> pd.DataFrame:
        """Leave-one-group-out: the slope without each paper (or model), largest change first;
        ``flag`` marks changes beyond one cluster-robust standard error.

        Every leave-one-out line comes from per-group sufficient statistics in closed form,
        (XᵀX − X_gᵀX_g)β = Xᵀy − X_gᵀy_g, on regressors centred at their means (the slope does
        not depend on the centring; centring keeps the subtraction exact to rounding): one
        pass over the rows, whatever the number of groups. It is the slope an ordinary least
        squares refit without the group gives (to rounding); groups whose remaining rows are
        too few, have a single compute, or are near-collinear are handled as the refit
        handles them (the last by refitting)."""
        self._check()
        se = float(self.bse_[1]) if np.isfinite(self.bse_[1]) else float(self.bse_hc3_[1])
        data = self.data_
        gb = data.groupby(by, sort=True)
        codes = gb.ngroup().fillna(-1).to_numpy().astype(np.intp)  # -1: no group (NaN)
        keys = list(gb.size().index)
        G = len(keys)
        d = getattr(self, "_design_cache", None) or self._design(data)
        X, y = d.X, d.y
        n, p = X.shape
        sizes = np.bincount(codes[codes >= 0], minlength=G)
        # centred regressors and response: the slope is the same, the sums stay small
        Xc = X.copy()
        Xc[:, 1:] -= X[:, 1:].mean(axis=0)
        yc = y - y.mean()
        ok_rows = codes >= 0
        cg = codes[ok_rows]
        S = Xc.T @ Xc
        t = Xc.T @ yc
        Sg = np.zeros((G, p, p))
        tg = np.zeros((G, p))
        for i in range(p):
            tg[:, i] = np.bincount(cg, weights=(Xc[:, i] * yc)[ok_rows], minlength=G)
            for j in range(i, p):
                Sg[:, i, j] = np.bincount(cg, weights=(Xc[:, i] * Xc[:, j])[ok_rows],
                                          minlength=G)
                Sg[:, j, i] = Sg[:, i, j]
        # a group whose removal leaves a single compute value (``nunique() < 2``): every row
        # off the smallest (or largest) compute lies in it
        x = X[:, 1]
        off_min, off_max = x != x.min(), x != x.max()
        in_off_min = np.bincount(cg, weights=off_min[ok_rows], minlength=G)
        in_off_max = np.bincount(cg, weights=off_max[ok_rows], minlength=G)
        single = (in_off_min == off_min.sum()) | (in_off_max == off_max.sum())
        keep = ((n - sizes) >= p + 2) & ~single
        A = S[None] - Sg
        B = t[None] - tg
        # near-collinear remainders (e.g. one date left with the year controlled), and those
        # where the subtraction could cost digits (a group holding most of the spread), are
        # refitted as before, so that they fail or not exactly as a refit does
        risky = np.zeros(G, bool)
        if keep.any():
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                amp = (np.linalg.cond(A[keep]) * np.linalg.norm(S)
                       / np.linalg.norm(A[keep], axis=(1, 2)))
            risky[np.flatnonzero(keep)[~(amp < 1e7)]] = True
        slopes = np.full(G, np.nan)
        good = keep & ~risky
        if good.any():
            slopes[good] = np.linalg.solve(A[good], B[good][..., None])[:, 1, 0]
        rows = []
        for k in np.flatnonzero(keep):
            if risky[k]:
                rest = data[codes != k]
                slopes[k] = ScalingFit(self.form, cov="ols", control_year=self.control_year,
                                       n_boot=0).fit(rest).slope_
            rows.append({by: keys[k], "results": int(sizes[k]),
                         "slope_without": float(slopes[k]),
                         "change": float(slopes[k]) - self.slope_})
        out = pd.DataFrame(rows)
        if out.empty:
            return out
        out["flag"] = out["change"].abs() > se
        return out.reindex(out["change"].abs().sort_values(ascending=False).index).reset_index(
            drop=True)

    def to_dict(self) -> dict:
        self._check()
        ci = self.conf_int()
        d = {"form": self.form, "n": self.n_, "clusters": self.n_clusters_,
             "papers": int(self.data_["paper"].nunique()) if "paper" in self.data_ else None,
             "slope": self.slope_, "slope_se": float(self.bse_[1]),
             "slope_ci_low": float(ci.iloc[1, 0]), "slope_ci_high": float(ci.iloc[1, 1]),
             "intercept": float(self.params_[0]), "r2": self.r2_, "aic": self.aic_,
             "bic": self.bic_, "cov": self.cov, "control_year": self.control_year}
        if self.n_boot:
            bci = self.conf_int(method="bootstrap")
            d["slope_boot_ci_low"], d["slope_boot_ci_high"] = (float(bci.iloc[1, 0]),
                                                               float(bci.iloc[1, 1]))
        d["slope_se_ols"] = float(self.bse_ols_[1])
        d["slope_se_hc3"] = float(self.bse_hc3_[1])
        d["identified"] = self.identified_
        d["chance_error"] = self.chance_
        # not identified: no compute multiple either (the slope may be zero or positive)
        d["polynomial_degree"] = self.polynomial_degree_ if self.identified_ else None
        d["halving_multiple"] = self.halving_multiple() if self.identified_ else None
        if self.control_year:
            d["year_coef"] = float(self.params_[2])
            d["year_gain_per_year"] = self.year_gain_
        return d

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient (index ``intercept``, ``log10_compute``, ``year``): ``coef``,
        ``se`` (the fit's ``cov``), ``ci_low`` / ``ci_high`` (95%, the fit's ``cov``) and,
        with a bootstrap, ``boot_ci_low`` / ``boot_ci_high`` (percentiles)."""
        self._check()
        ci = self.conf_int()
        out = pd.DataFrame({"coef": np.asarray(self.params_, float),
                            "se": np.asarray(self.bse_, float),
                            "ci_low": ci["ci_low"].to_numpy(float),
                            "ci_high": ci["ci_high"].to_numpy(float)},
                           index=pd.Index(self.names_, name="quantity"))
        if self.n_boot and not np.isnan(self.boot_params_).all():
            bci = self.conf_int(method="bootstrap")
            out["boot_ci_low"] = bci["ci_low"].to_numpy(float)
            out["boot_ci_high"] = bci["ci_high"].to_numpy(float)
        return out

    def summary(self) -> Summary:
        """A text table in the spirit of statsmodels' summary (``str()`` prints it; the table
        behind it is :meth:`to_frame`)."""
        self._check()
        d = self.to_dict()
        ci = self.conf_int()
        title = f"ScalingFit: {FORMS[self.form].description}"
        lines = [f"N = {fm.count(self.n_)} results, {fm.count(self.n_clusters_)} clusters; "
                 f"R² = {fm.plain(self.r2_, 3)}; AIC = {fm.plain(self.aic_)}, BIC = "
                 f"{fm.plain(self.bic_)} (error scale); SE: {self.cov}",
                 f"{'':16}{'coef':>11}{'se':>11}{'ci low':>11}{'ci high':>11}"]
        sel = self.data_.attrs.get("selection")
        if sel is not None:
            lines[0:0] = sel.lines()
        for i, name in enumerate(self.names_):
            cells = (self.params_[i], self.bse_[i], ci.iloc[i, 0], ci.iloc[i, 1])
            lines.append(f"{name:16}" + "".join(f"{fm.plain(v, 4):>11}" for v in cells))
        if "slope_boot_ci_low" in d:
            boot = fm.interval(d["slope_boot_ci_low"], d["slope_boot_ci_high"], fm.slope)
            lines.append(f"cluster bootstrap ({fm.count(self.n_boot)}) slope interval: {boot}")
        if not self.identified_ and not np.isfinite(ci.iloc[1].to_numpy(float)).all():
            lines.append("the slope is not identified: it has no interval (a cluster-robust "
                         "interval needs at least two clusters), so no compute multiple, "
                         "FLOP, dollar or CO2 figure follows from this fit")
        elif not self.identified_:
            lines.append("compute does not explain this benchmark: the slope's interval "
                         "includes zero or has the wrong sign, so no compute multiple, "
                         "FLOP, dollar or CO2 figure follows from this fit")
        elif self.form == "polynomial":
            deg = -self.polynomial_degree_
            lines.append(f"implied polynomial degree: compute ∝ error^{fm.plain(deg, 3)}; "
                         f"halving the error takes {fm.multiple(d['halving_multiple'])} compute")
        else:
            lines.append(f"halving the best error takes {fm.multiple(d['halving_multiple'])} "
                         "compute")
        if self.control_year:
            lines.append(f"year coefficient {fm.plain(self.params_[2], 4)}: one year of other "
                         f"progress ≈ {fm.multiple(self.year_gain_)} compute")
        return Summary(title, lines, self.to_frame().reset_index())

    def _repr_parts(self) -> list[str]:
        if not hasattr(self, "params_"):
            return [f"{self.form}, not fitted"]
        ci = self.conf_int()
        parts = [f"{self.form}, N = {fm.count(self.n_)} ({fm.count(self.n_clusters_)} "
                 f"clusters)",
                 f"slope {fm.slope(self.slope_)} "
                 f"{fm.interval(ci.iloc[1, 0], ci.iloc[1, 1], fm.slope)}",
                 f"R² {self.r2_:.2f}"]
        if self.identified_:
            parts.append(f"halving the error: {fm.multiple(self.halving_multiple())} compute")
        else:
            parts.append("compute does not explain it")
        return parts

    def _repr_html_(self) -> str:
        if not hasattr(self, "params_"):
            return f"<p>ScalingFit({self.form!r}), not fitted</p>"
        return self.summary()._repr_html_()


def fit_forms(data: pd.DataFrame, *, forms: tuple[str, ...] = tuple(FORMS), **kw) -> pd.DataFrame:
    """Fit every form on the same data; one row per form, side by side."""
    rows = []
    for form in forms:
        rows.append(ScalingFit(form, **kw).fit(data).to_dict())
    return pd.DataFrame(rows)
