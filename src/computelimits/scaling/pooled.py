"""A pooled scaling model with one shared rate of algorithmic progress ("effective compute").

Model. For benchmark k and its results i,

    log10 e_i = a_k + b_k · (log10 C_i + γ · (year_i − year0)) + ε_i,

with a benchmark-specific intercept a_k and slope b_k (< 0: more compute, lower error) and ONE
rate γ shared by all benchmarks. Units: e is the error (a share, in (0, 1)), C the training
compute in FLOP, year a decimal year, γ in orders of magnitude of compute per year. The
bracket is the "effective compute" in log10 FLOP: a result published one year later reaches
the error of a result with 10^γ times more compute, so the compute needed for a fixed error
falls by 10^γ per year (``gain_per_year_``) and halves every 12·log10(2)/γ months
(``halving_months_``). With one benchmark the model is the polynomial fit with a year control
(:class:`computelimits.scaling.fit.ScalingFit` with ``control_year=True``): γ = c/b.

This is the augmented-scaling-law view of algorithmic progress of

* Ho, Besiroglu, Erdil, Owen, Rahman, Guo, Atkinson, Thompson & Sevilla (2024), "Algorithmic
  progress in language models", arXiv 2403.05812: the compute needed to reach a set
  performance halved about every 8 months (95% CI ≈ 5–14 months; the NeurIPS 2024 version
  states a 90% CI of ≈ 2–22 months), language models on WikiText and Penn Treebank, 2012–2023;
* Erdil & Besiroglu (2022), "Algorithmic progress in computer vision", arXiv 2212.05153:
  compute-augmenting progress on ImageNet halved compute requirements every 9 months (95% CI
  4–25 months).

Both are recorded in :data:`PUBLISHED_RATES`; :func:`compare_published` sets a fit beside them.
Their models differ from this one (they fit parameters and data as well as compute, with
exponential-decay terms, on perplexity or top-1 accuracy), so the comparison is of the rate
only.

Estimation. γ is profiled: for a fixed γ every benchmark is an ordinary least-squares line of
log10 e on u = log10 C + γ·(year − year0), in closed form, and γ̂ minimises the total residual
sum of squares (SSR) — a grid over ``gamma_bounds`` (:data:`GRID_STEP` apart), then
``scipy.optimize.minimize_scalar`` (bounded) between the neighbours of the best grid point.
Every fit uses per-cluster sufficient statistics (sums of 1, x, t, y, x², xt, t², xy, ty, y²
with x = log10 C, t = year − year0, y = log10 e, centred per benchmark for accuracy), so the
SSR at any γ costs a few arithmetic operations per benchmark.

Uncertainty.

* Cluster bootstrap (``conf_int(method="bootstrap")``, the default): publications (the
  ``cluster`` column) are resampled with replacement within each benchmark, as multinomial
  weights on the per-cluster statistics, for all ``n_boot`` draws at once; each draw's γ is
  found on a grid and refined by a vectorized golden-section search (no Python loop over
  draws). Percentile intervals; a resample in which some benchmark has no spread in compute
  is dropped (``n_boot_dropped_``). No small-sample widening is applied: with few clusters
  per benchmark the interval is somewhat too narrow.
* Profile likelihood (``method="profile"``): the γ whose SSR passes the F-test
  (SSR(γ) − SSR(γ̂)) / (SSR(γ̂)/(n − 2K − 1)) ≤ F(1, n − 2K − 1) quantile — the set of γ not
  rejected at level α, assuming independent normal errors (so it ignores clustering and is
  usually the narrower of the two).

Bounds. γ is searched only inside ``gamma_bounds``. A γ̂ at a bound is not an estimate: it is
reported in ``at_bound_`` ("lower" / "upper"), warned about (:class:`GammaAtBoundWarning`) and
stated in ``summary()``; an interval end that reaches a bound (bootstrap: more than α/2 of the
draws at that bound; profile: the F-test does not reject anywhere up to it) is returned as
−inf / +inf: the data do not limit γ on that side within the bounds.

Halving time. 12·log10(2)/γ months for γ > 0. For γ ≤ 0 it is ``inf``: the compute needed for
a given error never halves (γ < 0: later results needed *more* compute; read γ itself). An
interval for γ maps to one for the halving time with its ends swapped, ``inf`` where the γ
interval reaches 0 or below, and 0 where it is unbounded above.

Results vocabulary (:mod:`computelimits.results`): intervals are ``<quantity>_ci_low`` /
``<quantity>_ci_high`` (``gamma_ci_low``, ``halving_months_ci_low``, ``b_ci_low`` …);
``conf_int()`` has the columns ``ci_low`` and ``ci_high``; ``summary()`` returns a
:class:`~computelimits.results.Summary`.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import optimize, stats

from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary

if TYPE_CHECKING:
    from computelimits.scaling.heterogeneity import ProgressHeterogeneity

__all__ = ["GRID_STEP", "MIN_DATED", "PUBLISHED_RATES", "GammaAtBoundWarning",
           "PooledProgress", "PublishedRate", "compare_published", "halving_months",
           "per_benchmark_rates"]

#: A benchmark enters the pooled fit only with at least this many dated results.
MIN_DATED = 5

#: Spacing of the grid over γ (orders of magnitude per year) for the point estimate; the
#: bootstrap uses a grid four times coarser, each followed by a bounded refinement.
GRID_STEP = 0.0025

_LOG2 = math.log10(2.0)
# indices into the per-cluster statistics
_N, _X, _T, _Y, _XX, _XT, _TT, _XY, _TY, _YY = range(10)
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


class GammaAtBoundWarning(RuntimeWarning):
    """The SSR profile is smallest at an end of ``gamma_bounds``: γ is not estimated there."""


def halving_months(gamma: float | np.ndarray) -> float | np.ndarray:
    """Months for the compute needed at a fixed error to halve: 12·log10(2)/γ for γ > 0
    (γ in orders of magnitude per year); ``inf`` for γ ≤ 0 (it never halves); 0 for γ = +inf;
    NaN stays NaN."""
    g = np.asarray(gamma, float)
    with np.errstate(divide="ignore"):
        out = np.where(g > 0, 12.0 * _LOG2 / np.where(g > 0, g, 1.0), np.inf)
    out = np.where(np.isnan(g), np.nan, out)
    return float(out) if out.ndim == 0 else out


def _halving_interval(low: float, high: float) -> tuple[float, float]:
    return float(halving_months(high)), float(halving_months(low))


# -- closed-form profile ------------------------------------------------------------------
def _row_stats(x: np.ndarray, t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The ten sufficient statistics of each row, shape (n, 10)."""
    one = np.ones_like(x)
    return np.column_stack([one, x, t, y, x * x, x * t, t * t, x * y, t * y, y * y])


def _profile(S: np.ndarray, gamma: np.ndarray | float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SSR, slope b and intercept a' (on the centred scale) of the line of y on
    u = x + γ·t, from summed statistics ``S`` (..., 10) at ``gamma`` (broadcast against
    S[..., 0]). Where u has no spread the slope is 0 and the SSR that of the mean."""
    n = S[..., _N]
    g = np.asarray(gamma, float)
    su = S[..., _X] + g * S[..., _T]
    suu = S[..., _XX] + 2.0 * g * S[..., _XT] + g * g * S[..., _TT]
    suy = S[..., _XY] + g * S[..., _TY]
    sy = S[..., _Y]
    with np.errstate(divide="ignore", invalid="ignore"):
        cuu = suu - su * su / n
        cuy = suy - su * sy / n
        cyy = S[..., _YY] - sy * sy / n
        cxx = S[..., _XX] - S[..., _X] ** 2 / n
        ctt = S[..., _TT] - S[..., _T] ** 2 / n
        ok = cuu > 1e-12 * (cxx + g * g * ctt) + 1e-300
        b = np.where(ok, cuy / np.where(ok, cuu, 1.0), 0.0)
        ssr = np.maximum(cyy - b * cuy, 0.0)
        a = (sy - b * su) / n
    return ssr, b, a


def _golden(f, lo: np.ndarray, hi: np.ndarray, iters: int = 48) -> np.ndarray:
    """Vectorized golden-section search for the minimum of ``f`` on [lo, hi] (elementwise)."""
    a, b = lo.copy(), hi.copy()
    for _ in range(iters):
        c = b - _GOLDEN * (b - a)
        d = a + _GOLDEN * (b - a)
        left = f(c) < f(d)  # the minimum lies in [a, d], else in [c, b]
        a, b = np.where(left, a, c), np.where(left, d, b)
    x = (a + b) / 2.0
    # the ends themselves may be lower (a minimum at the bracket's edge)
    cand = np.stack([lo, x, hi])
    vals = np.stack([f(lo), f(x), f(hi)])
    return cand[np.argmin(vals, axis=0), np.arange(len(x))]


# -- the estimator ------------------------------------------------------------------------
@dataclass
class _Bench:
    name: str
    n: int
    n_undated: int
    clusters: int
    mean: np.ndarray  # means of x, t, y (centring)
    total: np.ndarray  # (10,) summed statistics, centred
    per_cluster: np.ndarray  # (G, 10)
    x_range: tuple[float, float]
    year_range: tuple[float, float]


class PooledProgress(ResultMixin):
    """Benchmark-specific scaling lines with one shared rate of algorithmic progress γ.

    See the module docstring for the model, the estimation and the units.

    Args:
        n_boot: cluster-bootstrap resamples (0: none; then only ``method="profile"``
            intervals).
        seed: bootstrap seed.
        year0: the reference year of t = year − year0 (decimal years); it moves the
            intercepts only.
        gamma_bounds: the range (orders of magnitude per year) searched for γ.

    Fitted attributes: ``gamma_`` (orders of magnitude per year), ``gain_per_year_`` (10^γ,
    a multiple of compute), ``halving_months_``, ``params_`` (per benchmark: results, clusters,
    undated rows left out, intercept ``a`` (log10 error at 1 FLOP in ``year0``), slope ``b``
    (log10 error per log10 FLOP of effective compute) with its 95% bootstrap interval
    ``b_ci_low`` / ``b_ci_high``,
    residual sd in log10 error), ``ssr_``, ``n_``, ``n_clusters_`` (benchmark × publication
    groups: the resampling units), ``n_undated_``, ``skipped_`` (benchmark → reason),
    ``at_bound_``, ``boot_gamma_``, ``boot_slopes_``, ``boot_seconds_``.
    """

    def __init__(self, *, n_boot: int = 2000, seed: int = 0, year0: float = 2015.0,
                 gamma_bounds: tuple[float, float] = (-1.0, 3.0)) -> None:
        lo, hi = (float(v) for v in gamma_bounds)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ConfigError(f"gamma_bounds must be two finite numbers, low < high; got "
                              f"{gamma_bounds!r}")
        if n_boot < 0:
            raise ConfigError(f"n_boot must be ≥ 0, got {n_boot}")
        self.n_boot = int(n_boot)
        self.seed = seed
        self.year0 = float(year0)
        self.gamma_bounds = (lo, hi)

    # -- data ----------------------------------------------------------------------------
    def _prepare(self, data: pd.DataFrame) -> list[_Bench]:
        for col in ("benchmark", "error", "log10_compute", "year"):
            if col not in data:
                raise ConfigError(f"the rows need a {col!r} column")
        e = data["error"].to_numpy(float)
        if np.any(~np.isfinite(e) | (e <= 0) | (e >= 1)):
            raise ConfigError("every error must be a number strictly between 0 and 1")
        x_all = data["log10_compute"].to_numpy(float)
        if np.any(~np.isfinite(x_all)):
            raise ConfigError("every result needs a finite, positive training compute")
        year = data["year"].to_numpy(float)
        dated = np.isfinite(year)
        self.n_undated_ = int((~dated).sum())
        if "cluster" in data:
            cl = data["cluster"].astype("string").fillna("").astype(str).to_numpy()
            # a result without a publication is its own cluster
            own = np.array([f"\x00row{i}" for i in range(len(data))])
            cl = np.where(cl == "", own, cl)
        else:
            cl = np.array([f"\x00row{i}" for i in range(len(data))])
        names = data["benchmark"].astype(str).to_numpy()
        self.skipped_: dict[str, str] = {}
        out: list[_Bench] = []
        for name in pd.unique(names):
            m = names == name
            md = m & dated
            nd = int(md.sum())
            und = int((m & ~dated).sum())
            if nd < MIN_DATED:
                self.skipped_[name] = (f"{nd} dated result(s), fewer than {MIN_DATED}"
                                       + (f" ({und} undated)" if und else ""))
                continue
            x, t = x_all[md], year[md] - self.year0
            if np.ptp(x) == 0:
                self.skipped_[name] = (f"no spread in compute: all {nd} dated results at "
                                       f"10^{x[0]:.2f} FLOP")
                continue
            y = np.log10(e[md])
            mean = np.array([x.mean(), t.mean(), y.mean()])
            rs = _row_stats(x - mean[0], t - mean[1], y - mean[2])
            groups, uniq = pd.factorize(cl[md])
            pc = np.zeros((len(uniq), 10))
            np.add.at(pc, groups, rs)
            out.append(_Bench(name, nd, und, len(uniq), mean, pc.sum(axis=0), pc,
                              (float(x.min()), float(x.max())),
                              (float(t.min() + self.year0), float(t.max() + self.year0))))
        if not out:
            raise ConfigError("no benchmark has enough dated results with a spread in compute "
                              f"to fit (skipped: {self.skipped_})")
        if all(b.year_range[0] == b.year_range[1] for b in out):
            raise ConfigError("no benchmark has results from more than one date: the rate of "
                              "progress γ is not identified")
        return out

    # -- fitting -------------------------------------------------------------------------
    def _grid(self, step: float) -> np.ndarray:
        lo, hi = self.gamma_bounds
        m = max(math.ceil((hi - lo) / step) + 1, 3)
        return np.linspace(lo, hi, m)

    def fit(self, data: pd.DataFrame) -> PooledProgress:
        """Fit on rows of several benchmarks with ``benchmark``, ``error`` (in (0, 1)),
        ``log10_compute`` (log10 of the compute), ``year`` (decimal year, NaN when undated)
        and optionally ``cluster`` (the publication; default: each row its own). Undated rows
        are left out and counted (``n_undated_``); benchmarks with fewer than
        :data:`MIN_DATED` dated results or no spread in compute are left out and listed in
        ``skipped_``. A benchmark whose results share one date fits its own line but says
        nothing about γ. Returns self."""
        benches = self._prepare(data)
        self._benches = benches
        S = np.stack([b.total for b in benches])  # (K, 10)
        K = len(benches)
        lo, hi = self.gamma_bounds

        def total_ssr(g: float) -> float:
            return float(_profile(S, g)[0].sum())

        grid = self._grid(GRID_STEP)
        prof = _profile(S[:, None, :], grid[None, :])[0].sum(axis=0)
        j = int(np.argmin(prof))
        a, b = grid[max(j - 1, 0)], grid[min(j + 1, len(grid) - 1)]
        res = optimize.minimize_scalar(total_ssr, bounds=(a, b), method="bounded",
                                       options={"xatol": 1e-10})
        g_hat = float(res.x)
        # the bounded search never returns its ends exactly: snap to a bound that is lower
        for end in (lo, hi):
            if a <= end <= b and total_ssr(end) <= total_ssr(g_hat) + 1e-12 * (1 + prof[j]):
                g_hat = end
        tol = 1e-6 * (hi - lo)
        self.at_bound_ = ("lower" if g_hat - lo <= tol else
                          "upper" if hi - g_hat <= tol else None)
        if self.at_bound_:
            warnings.warn(f"the SSR profile is smallest at the {self.at_bound_} bound "
                          f"γ = {g_hat:g} of gamma_bounds {self.gamma_bounds}: γ is not "
                          "estimated; widen gamma_bounds or read it as a bound",
                          GammaAtBoundWarning, stacklevel=2)
        self.gamma_ = g_hat
        self.gain_per_year_ = float(10.0 ** g_hat)
        self.halving_months_ = float(halving_months(g_hat))
        self.profile_ = pd.DataFrame({"gamma": grid, "ssr": prof})
        ssr_k, b_k, a_c = _profile(S, g_hat)
        self.ssr_ = float(ssr_k.sum())
        self.n_ = int(sum(bn.n for bn in benches))
        self.n_clusters_ = int(sum(bn.clusters for bn in benches))
        self.n_params_ = 2 * K + 1
        self.df_resid_ = self.n_ - self.n_params_
        if self.df_resid_ <= 0:
            raise ConfigError(f"{self.n_} results are too few for {self.n_params_} "
                              "coefficients")
        # intercept on the raw scale: y = a + b·(x + γ·t)
        means = np.stack([bn.mean for bn in benches])
        a_raw = means[:, 2] + a_c - b_k * (means[:, 0] + g_hat * means[:, 1])
        self._boot(S, benches)
        if len(self.boot_gamma_):
            b_lo, b_hi = np.percentile(self.boot_slopes_, [2.5, 97.5], axis=0)
        else:
            b_lo = b_hi = np.full(K, np.nan)
        dof = np.array([bn.n - 2 for bn in benches], float)
        self.params_ = pd.DataFrame({
            "n": [bn.n for bn in benches],
            "clusters": [bn.clusters for bn in benches],
            "undated": [bn.n_undated for bn in benches],
            "a": a_raw, "b": b_k, "b_ci_low": b_lo, "b_ci_high": b_hi,
            "resid_sd": np.sqrt(ssr_k / np.maximum(dof, 1.0)),
            "year_min": [bn.year_range[0] for bn in benches],
            "year_max": [bn.year_range[1] for bn in benches],
            "log10_compute_min": [bn.x_range[0] for bn in benches],
            "log10_compute_max": [bn.x_range[1] for bn in benches],
        }, index=pd.Index([bn.name for bn in benches], name="benchmark"))
        return self

    def _boot(self, S: np.ndarray, benches: list[_Bench]) -> None:
        """Cluster bootstrap of γ and the slopes, vectorized over draws."""
        t0 = time.perf_counter()
        K = len(benches)
        B = self.n_boot
        self.boot_gamma_ = np.empty(0)
        self.boot_slopes_ = np.empty((0, K))
        self.n_boot_dropped_ = 0
        self.boot_at_bound_ = 0.0
        if not B:
            self.boot_seconds_ = 0.0
            return
        rng = np.random.default_rng(self.seed)
        T = np.empty((B, K, 10))
        for k, bn in enumerate(benches):
            G = bn.clusters
            W = rng.multinomial(G, np.full(G, 1.0 / G), size=B).astype(float)
            T[:, k, :] = W @ bn.per_cluster
        # a resample in which a benchmark has no spread in compute cannot be fitted
        cxx = T[..., _XX] - T[..., _X] ** 2 / T[..., _N]
        valid = np.all(cxx > 1e-9 * np.maximum(S[:, _XX], 1e-300), axis=1)
        T = T[valid]
        grid = self._grid(4 * GRID_STEP)
        lo, hi = self.gamma_bounds
        gam = np.empty(len(T))
        chunk = max(1, 2_000_000 // (K * len(grid)))
        for s in range(0, len(T), chunk):
            Tc = T[s:s + chunk]
            prof = _profile(Tc[:, :, None, :], grid[None, None, :])[0].sum(axis=1)
            j = np.argmin(prof, axis=1)
            a = grid[np.maximum(j - 1, 0)]
            b = grid[np.minimum(j + 1, len(grid) - 1)]
            gam[s:s + chunk] = _golden(
                lambda g, Tc=Tc: _profile(Tc, g[:, None])[0].sum(axis=1), a, b)
        tol = 1e-6 * (hi - lo)
        gam = np.where(gam - lo <= tol, lo, np.where(hi - gam <= tol, hi, gam))
        self.boot_gamma_ = gam
        self.boot_slopes_ = _profile(T, gam[:, None])[1]
        self.n_boot_dropped_ = int((~valid).sum())
        self.boot_at_bound_ = float(np.mean((gam == lo) | (gam == hi))) if len(gam) else 0.0
        self.boot_seconds_ = time.perf_counter() - t0

    # -- results -------------------------------------------------------------------------
    def _check(self) -> None:
        if not hasattr(self, "gamma_"):
            raise ConfigError("fit() first")

    def ssr_at(self, gamma: float | np.ndarray) -> float | np.ndarray:
        """Total SSR (log10 error squared) at ``gamma`` (orders of magnitude per year)."""
        self._check()
        S = np.stack([b.total for b in self._benches])
        g = np.asarray(gamma, float)
        out = _profile(S[:, None, :], np.atleast_1d(g)[None, :])[0].sum(axis=0)
        return float(out[0]) if g.ndim == 0 else out

    def _gamma_interval(self, alpha: float, method: str) -> tuple[float, float]:
        lo, hi = self.gamma_bounds
        if method == "bootstrap":
            if not len(self.boot_gamma_):
                raise ConfigError("no bootstrap resamples (n_boot=0): use method='profile'")
            q_lo, q_hi = np.percentile(self.boot_gamma_, [100 * alpha / 2,
                                                          100 * (1 - alpha / 2)])
            return (-math.inf if q_lo <= lo else float(q_lo),
                    math.inf if q_hi >= hi else float(q_hi))
        if method == "profile":
            thr = self.ssr_ * (1.0 + stats.f.ppf(1 - alpha, 1, self.df_resid_) / self.df_resid_)
            g = self.profile_["gamma"].to_numpy()
            out = self.profile_["ssr"].to_numpy() > thr
            g_hat = self.gamma_

            def h(v: float) -> float:
                return self.ssr_at(v) - thr

            left = np.nonzero((g < g_hat) & out)[0]
            if len(left):
                i = left.max()
                low = optimize.brentq(h, g[i], min(g[i + 1], g_hat))
            else:
                low = -math.inf
            right = np.nonzero((g > g_hat) & out)[0]
            if len(right):
                i = right.min()
                high = optimize.brentq(h, max(g[i - 1], g_hat), g[i])
            else:
                high = math.inf
            return float(low), float(high)
        raise ConfigError(f"method must be 'bootstrap' or 'profile', got {method!r}")

    def conf_int(self, alpha: float = 0.05, method: str = "bootstrap") -> pd.DataFrame:
        """Interval (level 1 − alpha) for γ (orders of magnitude per year), and its images:
        the gain per year (10^γ, a multiple of compute) and the halving time (months).

        ``method``: "bootstrap" (cluster-bootstrap percentiles) or "profile" (F-test on the
        SSR profile). An end at ±inf: the interval reaches ``gamma_bounds`` on that side.
        Columns ``ci_low`` and ``ci_high``."""
        self._check()
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must lie in (0, 1), got {alpha}")
        low, high = self._gamma_interval(alpha, method)
        h_lo, h_hi = _halving_interval(low, high)
        return pd.DataFrame({"ci_low": [low, 10.0 ** low, h_lo],
                             "ci_high": [high, 10.0 ** high, h_hi]},
                            index=pd.Index(["gamma", "gain_per_year", "halving_months"],
                                           name="quantity"))

    def to_frame(self) -> pd.DataFrame:
        """One row per benchmark (``params_``) with the shared γ, its bootstrap (or, without
        resamples, profile) 95% interval (``gamma_ci_low`` / ``gamma_ci_high``) and the halving
        time in months (``halving_months_ci_low`` / ``_ci_high``) beside it."""
        self._check()
        ci = self.conf_int(method="bootstrap" if len(self.boot_gamma_) else "profile")
        out = self.params_.copy()
        out["gamma"] = self.gamma_
        out["gamma_ci_low"] = ci.loc["gamma", "ci_low"]
        out["gamma_ci_high"] = ci.loc["gamma", "ci_high"]
        out["halving_months"] = self.halving_months_
        out["halving_months_ci_low"] = ci.loc["halving_months", "ci_low"]
        out["halving_months_ci_high"] = ci.loc["halving_months", "ci_high"]
        return out

    def to_dict(self) -> dict:
        """The pooled results as plain Python values (intervals at 95%; ±inf where an end
        reaches ``gamma_bounds``)."""
        self._check()
        d: dict = {"gamma": self.gamma_, "gain_per_year": self.gain_per_year_,
                   "halving_months": self.halving_months_, "at_bound": self.at_bound_,
                   "gamma_bounds": list(self.gamma_bounds), "year0": self.year0,
                   "n": self.n_, "clusters": self.n_clusters_, "undated": self.n_undated_,
                   "ssr": self.ssr_, "n_boot": self.n_boot,
                   "n_boot_dropped": self.n_boot_dropped_,
                   "boot_share_at_bound": self.boot_at_bound_,
                   "skipped": dict(self.skipped_)}
        methods = ["profile"] + (["bootstrap"] if len(self.boot_gamma_) else [])
        for m in methods:
            ci = self.conf_int(method=m)
            for q in ("gamma", "halving_months"):
                d[f"{q}_{m}_ci_low"] = float(ci.loc[q, "ci_low"])
                d[f"{q}_{m}_ci_high"] = float(ci.loc[q, "ci_high"])
        d["benchmarks"] = [{"benchmark": k, **{c: (v.item() if hasattr(v, "item") else v)
                                               for c, v in row.items()}}
                           for k, row in self.params_.iterrows()]
        return d

    def summary(self) -> Summary:
        """A short text table: γ, gain per year and halving time with intervals, then the
        per-benchmark slopes (``str()`` prints it; the table behind it is
        :meth:`to_frame`)."""
        from computelimits import formatting as fm

        self._check()
        rows = [("gamma (OOM/yr)", self.gamma_, "{:.3f}"),
                ("gain per year (×)", self.gain_per_year_, "{:.3g}"),
                ("halving (months)", self.halving_months_, "{:.3g}")]
        cis = {m: self.conf_int(method=m) for m in
               (["bootstrap"] if len(self.boot_gamma_) else []) + ["profile"]}
        head = f"{'':20}{'estimate':>10}" + "".join(f"{m + ' 95%':>24}" for m in cis)
        lines = ["PooledProgress: log10 e = a_k + b_k·(log10 C + γ·(year − "
                 f"{self.year0:g})), one γ for all benchmarks",
                 f"N = {self.n_} dated results, {len(self.params_)} benchmarks, "
                 f"{self.n_clusters_} benchmark×publication clusters; {self.n_undated_} undated "
                 f"left out; SSR = {self.ssr_:.4g}", head]
        for (name, v, fmt), key in zip(rows, ["gamma", "gain_per_year", "halving_months"],
                                       strict=True):
            def cell(x: float, fmt: str = fmt) -> str:  # an infinite end in words
                return fmt.format(x) if math.isfinite(x) else fm.plain(x)

            ends = ["[" + cell(ci.loc[key, "ci_low"]) + ", " + cell(ci.loc[key, "ci_high"])
                    + "]" for ci in cis.values()]
            cells = "".join(f"{e:>24}" for e in ends)
            lines.append(f"{name:20}{cell(v):>10}{cells}")
        if self.at_bound_:
            lines.append(f"γ is at the {self.at_bound_} bound of gamma_bounds "
                         f"{self.gamma_bounds}: not an estimate — the data do not limit it")
        if len(self.boot_gamma_):
            lines.append(f"cluster bootstrap: {len(self.boot_gamma_)} resamples "
                         f"({self.n_boot_dropped_} dropped), {100 * self.boot_at_bound_:.1f}% "
                         "at a bound of gamma_bounds")
        lines.append(f"{'benchmark':20}{'n':>5}{'b':>9}{'b 95%':>20}{'resid sd':>10}")
        for k, r in self.params_.iterrows():
            ci = f"[{r['b_ci_low']:.3f}, {r['b_ci_high']:.3f}]"
            lines.append(f"{k!s:20}{int(r['n']):>5}{r['b']:9.3f}{ci:>20}{r['resid_sd']:10.3f}")
        for k, why in self.skipped_.items():
            lines.append(f"skipped {k}: {why}")
        return Summary(lines[0], lines[1:], self.to_frame().reset_index())

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        if not hasattr(self, "gamma_"):
            return [f"n_boot = {self.n_boot}, not fitted"]
        parts = [f"γ = {fm.slope(self.gamma_)} orders of magnitude per year",
                 f"halving {fm.plain(self.halving_months_, 3)} months",
                 f"{len(self.params_)} benchmarks, N = {fm.count(self.n_)}"]
        if self.at_bound_:
            parts.insert(1, f"at the {self.at_bound_} bound: not an estimate")
        return parts

    def _repr_html_(self) -> str:
        if not hasattr(self, "gamma_"):
            return "<p>PooledProgress, not fitted</p>"
        return self.summary()._repr_html_()


# -- per benchmark -------------------------------------------------------------------------
def per_benchmark_rates(data: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0,
                        year0: float = 2015.0, gamma_bounds: tuple[float, float] = (-1.0, 3.0),
                        alpha: float = 0.05) -> pd.DataFrame:
    """The same model fitted to each benchmark alone, each with its own γ_k (orders of
    magnitude per year): one row per benchmark with results, clusters, γ_k and its cluster-
    bootstrap interval (``gamma_ci_low`` / ``gamma_ci_high``), the halving time (months)
    with its interval (``halving_months_ci_low`` / ``_ci_high``), the slope b_k,
    ``gamma_ols`` (c/b of the unbounded OLS of log10 e on log10 C and year − year0, as
    :class:`~computelimits.scaling.fit.ScalingFit` with ``control_year`` gives it; equal to
    γ_k unless γ_k is at a bound), ``at_bound`` and, for benchmarks that cannot be fitted,
    ``skipped`` with the reason."""
    rows = []
    for name, part in data.groupby(data["benchmark"].astype(str), sort=False):
        row: dict = {"benchmark": name}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GammaAtBoundWarning)
                f = PooledProgress(n_boot=n_boot, seed=seed, year0=year0,
                                   gamma_bounds=gamma_bounds).fit(part)
        except ConfigError as exc:
            row["skipped"] = str(exc)
            rows.append(row)
            continue
        ci = f.conf_int(alpha, method="bootstrap" if len(f.boot_gamma_) else "profile")
        p = f.params_.iloc[0]
        d = part[np.isfinite(part["year"].to_numpy(float))]
        X = np.column_stack([np.ones(len(d)), d["log10_compute"].to_numpy(float),
                             d["year"].to_numpy(float) - year0])
        coef = np.linalg.lstsq(X, np.log10(d["error"].to_numpy(float)), rcond=None)[0]
        row.update(n=int(p["n"]), clusters=int(p["clusters"]), undated=int(p["undated"]),
                   gamma=f.gamma_, gamma_ci_low=ci.loc["gamma", "ci_low"],
                   gamma_ci_high=ci.loc["gamma", "ci_high"], halving_months=f.halving_months_,
                   halving_months_ci_low=ci.loc["halving_months", "ci_low"],
                   halving_months_ci_high=ci.loc["halving_months", "ci_high"],
                   b=float(p["b"]),
                   gamma_ols=float(coef[2] / coef[1]) if coef[1] != 0 else math.nan,
                   at_bound=f.at_bound_, skipped=None)
        rows.append(row)
    cols = ["benchmark", "n", "clusters", "undated", "gamma", "gamma_ci_low", "gamma_ci_high",
            "halving_months", "halving_months_ci_low", "halving_months_ci_high", "b",
            "gamma_ols", "at_bound", "skipped"]
    return pd.DataFrame(rows).reindex(columns=cols).set_index("benchmark")


# -- published rates -----------------------------------------------------------------------
@dataclass(frozen=True)
class PublishedRate:
    """A published halving time of the compute needed for a fixed performance (months)."""

    name: str
    domain: str
    halving_months: float
    low: float
    high: float
    interval_note: str
    citation: str

    @property
    def gamma(self) -> float:
        """The same rate in orders of magnitude of compute per year."""
        return 12.0 * _LOG2 / self.halving_months


PUBLISHED_RATES: tuple[PublishedRate, ...] = (
    PublishedRate(
        name="Ho et al. 2024", domain="language models (WikiText, Penn Treebank; 2012–2023)",
        halving_months=8.0, low=5.0, high=14.0,
        interval_note="95% CI ≈ 5–14 months (arXiv v1); the NeurIPS 2024 version states a "
                      "90% CI of ≈ 2–22 months",
        citation="Ho, Besiroglu, Erdil, Owen, Rahman, Guo, Atkinson, Thompson & Sevilla, "
                 "'Algorithmic progress in language models', arXiv 2403.05812 (2024)"),
    PublishedRate(
        name="Erdil & Besiroglu 2022", domain="image classification (ImageNet)",
        halving_months=9.0, low=4.0, high=25.0,
        interval_note="95% CI 4–25 months (compute-augmenting progress)",
        citation="Erdil & Besiroglu, 'Algorithmic progress in computer vision', "
                 "arXiv 2212.05153 (2022)"),
)


def compare_published(fit: PooledProgress, *, alpha: float = 0.05,
                      method: str = "bootstrap",
                      heterogeneity: ProgressHeterogeneity | None = None) -> pd.DataFrame:
    """This fit's halving time (months) and interval beside :data:`PUBLISHED_RATES`; columns
    name, domain, halving_months, halving_months_ci_low, halving_months_ci_high, gamma (orders
    of magnitude per year), interval_note, citation.

    ``heterogeneity``: a fitted
    :class:`~computelimits.scaling.heterogeneity.ProgressHeterogeneity` (intervals at its own
    level) adds two rows — its random-effects rate with its interval, and the prediction
    interval for a new benchmark's own rate — and a column ``in_prediction_interval``: whether
    a published rate lies inside that prediction interval (None on this package's rows)."""
    fit._check()
    if method == "bootstrap" and not len(fit.boot_gamma_):
        method = "profile"
    ci = fit.conf_int(alpha, method=method)
    what = {"bootstrap": "cluster-bootstrap percentile", "profile": "profile-likelihood (F)"}
    bound = f"; γ at the {fit.at_bound_} bound" if fit.at_bound_ else ""
    ours = {"name": "this fit (pooled γ)",
            "domain": ", ".join(map(str, fit.params_.index)),
            "halving_months": fit.halving_months_,
            "halving_months_ci_low": ci.loc["halving_months", "ci_low"],
            "halving_months_ci_high": ci.loc["halving_months", "ci_high"],
            "gamma": fit.gamma_,
            "interval_note": f"{100 * (1 - alpha):g}% {what[method]} interval{bound}",
            "citation": "computelimits.scaling.pooled.PooledProgress"}
    rows = [ours] + [{**asdict(r), "halving_months_ci_low": r.low,
                      "halving_months_ci_high": r.high, "gamma": r.gamma}
                     for r in PUBLISHED_RATES]
    cols = ["name", "domain", "halving_months", "halving_months_ci_low",
            "halving_months_ci_high", "gamma", "interval_note", "citation"]
    if heterogeneity is None:
        return pd.DataFrame(rows)[cols]
    h = heterogeneity
    level = f"{100 * (1 - h.alpha):g}%"
    re_lo, re_hi = h.gamma_re_ci_
    p_lo, p_hi = h.pi_
    where = "computelimits.scaling.heterogeneity.ProgressHeterogeneity"
    extra = [{"name": "random effects (mean rate)", "domain": ours["domain"],
              "halving_months": float(halving_months(h.gamma_re_)),
              "halving_months_ci_low": float(halving_months(re_hi)),
              "halving_months_ci_high": float(halving_months(re_lo)), "gamma": h.gamma_re_,
              "interval_note": f"{level} Hartung–Knapp interval, Paule–Mandel τ²",
              "citation": where},
             {"name": "a new benchmark's own rate", "domain": ours["domain"],
              "halving_months": float(halving_months(h.gamma_re_)),
              "halving_months_ci_low": float(halving_months(p_hi)),
              "halving_months_ci_high": float(halving_months(p_lo)), "gamma": h.gamma_re_,
              "interval_note": f"{level} prediction interval (Higgins, Thompson & "
                               "Spiegelhalter 2009)", "citation": where}]
    for r in rows[1:]:
        r["in_prediction_interval"] = (bool(p_lo <= r["gamma"] <= p_hi)
                                       if math.isfinite(p_lo) else None)
    return pd.DataFrame(rows[:1] + extra + rows[1:])[[*cols, "in_prediction_interval"]]
