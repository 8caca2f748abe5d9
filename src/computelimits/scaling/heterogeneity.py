"""How much benchmarks disagree about the rate of algorithmic progress, and what rate a new
benchmark should expect.

The rate γ is the compute-equivalent algorithmic progress of
:mod:`computelimits.scaling.pooled`: in

    log10 e_i = a_k + b_k · (log10 C_i + γ_k · (year_i − year0)) + ε_i

(e the error, a share in (0, 1); C the training compute in FLOP; year a decimal year), γ_k is
benchmark k's rate in orders of magnitude (OOM) of compute per year: a result published one
year later reaches the error of 10^γ_k times more compute, so the compute needed for a fixed
error halves every 12·log10(2)/γ_k months (:func:`~computelimits.scaling.pooled.halving_months`).

:class:`ProgressHeterogeneity` sets four answers side by side:

1. **Fixed effect**: one γ shared by every benchmark
   (:class:`~computelimits.scaling.pooled.PooledProgress`: profiled least squares with a
   cluster-bootstrap interval). Its interval assumes the benchmarks share the rate.
2. **Each benchmark alone**: γ̂_k from the same model fitted to benchmark k, with a cluster
   bootstrap (publications resampled). Its standard error s_k is half the central 68.27%
   range of the bootstrap draws — the standard deviation for normal draws, robust to the
   heavy tails of a ratio of coefficients (γ = c/b) — times √(G/(G − 1)·(n − 1)/(n − 3)),
   the CR1 small-sample factor of cluster-robust variances (G publications, n results, 3
   coefficients; Cameron & Miller 2015, J Hum Resour 50:317), since the cluster bootstrap
   estimates the uncorrected (CR0) variance. A rate is *not estimable*, and left out
   with the reason, when the benchmark has fewer than ``min_dated`` dated results, cannot be
   fitted, has its γ̂_k at a bound of ``gamma_bounds``, or has more than 15.87% of its draws
   at a bound (the ±1 s.e. range then reaches the bound: the data do not limit the rate on
   that side, and s_k would be set by the bound, not the data).
3. **Random effects**: γ_k ~ N(μ, τ²), estimated from (γ̂_k, s_k) by inverse-variance
   weights 1/(s_k² + τ̂²) (τ̂² from ``statsmodels.stats.meta_analysis.combine_effects``,
   checked against its estimating equation; the intervals below are computed here, as
   statsmodels' HKSJ interval is the unmodified one):

   * τ² by **Paule–Mandel** (Paule & Mandel 1982, J Res Natl Bur Stand 87:377; the
     estimator recommended by Veroniki et al. 2016, Res Synth Methods 7:55, and Langan et
     al. 2019, Res Synth Methods 10:83, over DerSimonian & Laird 1986, Controlled Clinical
     Trials 7:177, whose value is reported beside it): the τ² at which the generalized Q
     statistic Σ w_k(γ̂_k − μ̂)² equals its expectation K − 1 (0 when Q(0) < K − 1);
   * the interval of μ by **Hartung–Knapp–Sidik–Jonkman** (Hartung & Knapp 2001, Stat Med
     20:3875; Sidik & Jonkman 2002, Stat Med 21:3153; IntHout, Ioannidis & Borm 2014, BMC
     Med Res Methodol 14:25): μ̂ ±
     t_{K−1}·SE·√max(1, q), q = Σ w_k(γ̂_k − μ̂)²/(K − 1), in the modified form that never
     narrows the standard interval (Knapp & Hartung 2003, Stat Med 22:2693; Röver, Knapp &
     Friede 2015, BMC
     Med Res Methodol 15:99). With Paule–Mandel q = 1 whenever τ̂² > 0;
   * τ's interval by the Q-profile method (Viechtbauer 2007, Stat Med 26:37);
   * Cochran's Q (χ² on K − 1 df) and I² = max(0, (Q − (K − 1))/Q) (Higgins & Thompson 2002,
     Stat Med 21:1539), both with the fixed-effect weights 1/s_k².

4. **A new benchmark's own rate**: the prediction interval of Higgins, Thompson &
   Spiegelhalter (2009, JRSS A 172:137), μ̂ ± t_{K−2}·√(τ̂² + SE(μ̂)²), with the HKSJ
   standard error (equal to the plain one under Paule–Mandel when τ̂² > 0).

Homogeneity is also tested on the fixed-effect fit's residuals: an F test of one γ against a
free rate per benchmark (every benchmark its own a + b·log10 C + c·(year − year0) by least
squares), F = ((SSR_common − SSR_free)/(p_free − p_common)) / (SSR_free/(n − p_free)) on
(p_free − p_common, n − p_free) df (K − 1 and n − 3K when every benchmark has dates and
compute to spare). It treats the results as independent with one residual variance: it
allows neither for results clustering by publication nor for residual variances that differ
between benchmarks (sixfold on the language-model benchmarks), which Cochran's Q, built on
the cluster bootstrap's standard errors, does.

The fixed-effect and random-effects rates weigh the benchmarks differently. The fixed-effect
fit's information on γ from benchmark k is b_k²·‖t off (1, log10 C + γ̂t)‖²/σ² with one σ²
for all (``weight_fe``: its share); the random-effects weight is 1/(s_k² + τ̂²)
(``weight_re``). Where the two rates differ beyond the random-effects interval, a note names
the benchmark that carries each.

Calibration (simulated in ``tests/test_progress.py``: 10 benchmarks of 60 results in 30
publications, γ_k planted): with τ = 0.15 OOM/yr the interval of μ covered μ, τ̂ > 0 and
both tests rejected in every panel tried; with one common rate, Q rejected at the 5% level in
3 of 20 panels and the F test in 3 of 20 — above the nominal 5%: standard errors estimated
from 20–30 publications are themselves noisy, and in simulations the bootstrap understates the
sampling variance of γ̂_k by about a quarter at 40–80 results per benchmark before the CR1
factor (by ~4% at 160).

Leave-one-benchmark-out. Each benchmark is removed in turn: the random-effects μ̂ and the
fixed-effect γ̂ are refitted without it. A benchmark is *influential* when its removal moves
the random-effects rate outside the reported random-effects interval, or the fixed-effect
rate outside the reported fixed-effect interval.

Held-out check. For each benchmark k, the random-effects fit *without k* predicts k's rate:
``heldout_covered`` asks whether μ̂₋ₖ ± t_{K₋ₖ−2}·√(τ̂²₋ₖ + SE₋ₖ² + s_k²) — the prediction
interval for k's *estimated* rate, which carries its own sampling error s_k (the
leave-one-out residual of Viechtbauer & Cheung 2010, Res Synth Methods 1:112;
``heldout_gamma_pred_ci_low`` / ``_pred_ci_high``) — covers γ̂_k; ``heldout_true_covered``
asks the same of the interval for a true rate (no s_k²;
``heldout_true_gamma_pred_ci_low`` / ``_pred_ci_high``), which a noisy estimate falls
outside more often than α. A benchmark without a standard error is checked against the
interval for a true rate.

Units: rates in orders of magnitude of compute per year (OOM/yr), τ in the same unit, halving
times in months. Intervals are ``<quantity>_ci_low`` / ``<quantity>_ci_high``
(:mod:`computelimits.results`).
"""

from __future__ import annotations

import math
import warnings
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from computelimits._json import json_safe
from computelimits.errors import ConfigError
from computelimits.results import Summary
from computelimits.scaling.pooled import (
    PUBLISHED_RATES,
    GammaAtBoundWarning,
    PooledProgress,
    halving_months,
)

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["MIN_DATED", "ProgressHeterogeneity", "progress_heterogeneity", "reference_rows"]

#: A benchmark's own rate is estimated only with at least this many dated results (the
#: reference benchmarks of the forecasts have ≥ 20 dated results).
MIN_DATED = 20

#: The share of bootstrap draws below −1 s.e. (and above +1 s.e.) of a normal draw: more draws
#: than this at a bound of ``gamma_bounds`` means the ±1 s.e. range reaches the bound.
_ONE_SE_TAIL = float(stats.norm.sf(1.0))

TAU2_METHOD = "Paule–Mandel (Paule & Mandel 1982)"
CI_METHOD = ("Hartung–Knapp–Sidik–Jonkman, modified (t on K−1 df, scale max(1, q); IntHout "
             "et al. 2014)")
PI_METHOD = "Higgins, Thompson & Spiegelhalter 2009 (t on K−2 df)"


# -- random-effects meta-analysis ------------------------------------------------------------
def _gen_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Generalized Q: Σ w(y − μ̂_w)² with w = 1/(v + τ²)."""
    w = 1.0 / (v + tau2)
    mu = float(w @ y / w.sum())
    return float(w @ (y - mu) ** 2)


def _random_effects(y: np.ndarray, se: np.ndarray) -> dict[str, Any]:
    """Paule–Mandel random-effects meta-analysis of estimates ``y`` with standard errors
    ``se`` (same unit): μ̂, its plain and HKSJ standard errors, τ̂² (and DerSimonian–Laird's),
    Cochran's Q with df and p, I², the HKSJ scale q and the relative weights."""
    from statsmodels.stats.meta_analysis import combine_effects

    y = np.asarray(y, float)
    v = np.asarray(se, float) ** 2
    k = len(y)
    if k < 2:
        raise ConfigError(f"a random-effects estimate needs at least 2 benchmarks, got {k}")
    res = combine_effects(y, v, method_re="pm", maxiter=200, atol=1e-10)
    tau2 = max(float(res.tau2), 0.0)
    # statsmodels stops after maxiter without saying so; make sure the estimating equation
    # Q_gen(τ²) = K − 1 holds (or τ² = 0 where Q_gen(0) < K − 1)
    q0 = _gen_q(y, v, 0.0)
    if q0 <= k - 1:
        tau2 = 0.0
    elif abs(_gen_q(y, v, tau2) - (k - 1)) > 1e-6 * (k - 1):
        hi = max(tau2, float(np.var(y)), 1e-12)
        while _gen_q(y, v, hi) > k - 1:
            hi *= 4.0
        tau2 = optimize.brentq(lambda t: _gen_q(y, v, t) - (k - 1), 0.0, hi, xtol=1e-14)
    w = 1.0 / (v + tau2)
    mu = float(w @ y / w.sum())
    se_mu = float(math.sqrt(1.0 / w.sum()))
    scale = float(w @ (y - mu) ** 2 / (k - 1))
    se_hk = se_mu * math.sqrt(max(1.0, scale))
    wf = 1.0 / v
    q = float(wf @ (y - wf @ y / wf.sum()) ** 2)
    c = float(wf.sum() - (wf ** 2).sum() / wf.sum())
    tau2_dl = max((q - (k - 1)) / c, 0.0) if c > 0 else 0.0
    return {"k": k, "mu": mu, "se": se_mu, "se_hk": se_hk, "hk_scale": scale, "tau2": tau2,
            "tau2_dl": tau2_dl, "q": q, "q_df": k - 1,
            "q_pvalue": float(stats.chi2.sf(q, k - 1)),
            "i2": max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0,
            "weights": w / w.sum()}


def _mu_interval(re: dict[str, Any], alpha: float) -> tuple[float, float]:
    """HKSJ interval of μ: μ̂ ± t_{K−1}·SE_HK."""
    h = float(stats.t.ppf(1 - alpha / 2, re["k"] - 1)) * re["se_hk"]
    return re["mu"] - h, re["mu"] + h


def _prediction_interval(re: dict[str, Any], alpha: float, extra_var: float = 0.0
                         ) -> tuple[float, float]:
    """Higgins et al. (2009): μ̂ ± t_{K−2}·√(τ̂² + SE² + ``extra_var``); NaN for K < 3."""
    if re["k"] < 3:
        return math.nan, math.nan
    h = float(stats.t.ppf(1 - alpha / 2, re["k"] - 2)) * math.sqrt(
        re["tau2"] + re["se_hk"] ** 2 + extra_var)
    return re["mu"] - h, re["mu"] + h


def _tau2_interval(y: np.ndarray, se: np.ndarray, alpha: float) -> tuple[float, float]:
    """Q-profile interval of τ² (Viechtbauer 2007): the τ² at which the generalized Q equals
    the χ²_{K−1} quantiles 1 − α/2 (low end) and α/2 (high end), 0 where it cannot."""
    y = np.asarray(y, float)
    v = np.asarray(se, float) ** 2
    k = len(y)

    def solve(target: float) -> float:
        if _gen_q(y, v, 0.0) <= target:
            return 0.0
        hi = max(float(np.var(y)), float(v.max()), 1e-12)
        while _gen_q(y, v, hi) > target:
            hi *= 4.0
            if hi > 1e12:
                return math.inf
        return float(optimize.brentq(lambda t: _gen_q(y, v, t) - target, 0.0, hi,
                                     xtol=1e-14))

    return (solve(float(stats.chi2.ppf(1 - alpha / 2, k - 1))),
            solve(float(stats.chi2.ppf(alpha / 2, k - 1))))


def _halving_interval(low: float, high: float) -> tuple[float, float]:
    """A rate interval (OOM/yr) as a halving-time interval (months): ends swapped."""
    return float(halving_months(high)), float(halving_months(low))


def _seed_for(seed: int, name: str) -> np.random.SeedSequence:
    """Benchmark ``name``'s own child of ``SeedSequence(seed)`` (spawn key: the CRC-32 of the
    name), so that its draws do not depend on which other benchmarks are fitted."""
    return np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode("utf-8")),))


# -- the estimator -----------------------------------------------------------------------------
class ProgressHeterogeneity:
    """The rate of algorithmic progress pooled across benchmarks, with how much they disagree.

    See the module docstring for the model, the methods and their sources.

    Args:
        n_boot: cluster-bootstrap resamples for the fixed-effect interval and for each
            benchmark's own rate (≥ 100).
        seed: bootstrap seed; each benchmark draws from its own child of
            ``SeedSequence(seed)``, keyed by its name.
        alpha: 1 − the level of every reported interval (0.05: 95%).
        year0: reference year of year − year0 (moves intercepts only).
        min_dated: a benchmark enters with at least this many dated results.
        gamma_bounds: the range of γ searched (OOM/yr), for the pooled and each own rate.

    Fitted attributes (rates in OOM/yr, halving times in months):
        ``pooled_`` (the fixed-effect :class:`PooledProgress`), ``gamma_fe_``,
        ``gamma_fe_ci_`` (low, high); ``rates_`` (one row per benchmark: N, clusters, γ̂_k,
        its s.e. and bootstrap interval, halving time, whether it entered the random-effects
        fit and its weight, the leave-one-out rates, the held-out intervals and whether they
        cover γ̂_k, ``influential``); ``gamma_re_``, ``gamma_re_se_``, ``gamma_re_ci_``,
        ``tau2_``, ``tau_``, ``tau_ci_``, ``tau2_dl_``, ``i2_``, ``q_``, ``q_df_``,
        ``q_pvalue_``, ``hk_scale_``; ``pi_`` (a new benchmark's rate); ``f_``, ``f_df_``
        (numerator, denominator), ``f_pvalue_``; ``heldout_covered_``,
        ``heldout_true_covered_``, ``heldout_checked_``; ``influential_`` (names);
        ``left_out_`` (benchmark → why its own rate is not in the random-effects fit);
        ``notes_``.
    """

    def __init__(self, *, n_boot: int = 2000, seed: int = 0, alpha: float = 0.05,
                 year0: float = 2015.0, min_dated: int = MIN_DATED,
                 gamma_bounds: tuple[float, float] = (-1.0, 3.0)) -> None:
        if int(n_boot) < 100:
            raise ConfigError(f"n_boot must be ≥ 100 (a standard error from the bootstrap), "
                              f"got {n_boot}")
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must lie in (0, 1), got {alpha}")
        if int(min_dated) < 5:
            raise ConfigError(f"min_dated must be ≥ 5, got {min_dated}")
        if int(seed) < 0:
            raise ConfigError(f"seed must be ≥ 0, got {seed}")
        self.n_boot = int(n_boot)
        self.seed = int(seed)
        self.alpha = float(alpha)
        self.year0 = float(year0)
        self.min_dated = int(min_dated)
        self.gamma_bounds = (float(gamma_bounds[0]), float(gamma_bounds[1]))
        PooledProgress(n_boot=0, gamma_bounds=self.gamma_bounds)  # checks the bounds

    def __repr__(self) -> str:
        if not hasattr(self, "gamma_re_"):
            return (f"ProgressHeterogeneity(n_boot={self.n_boot}, seed={self.seed}, "
                    f"alpha={self.alpha:g}, min_dated={self.min_dated}), not fitted")
        return (f"ProgressHeterogeneity: {len(self.rates_)} benchmarks, γ_FE = "
                f"{self.gamma_fe_:.3f}, γ_RE = {self.gamma_re_:.3f}, τ = {self.tau_:.3f} "
                f"OOM/yr, I² = {100 * self.i2_:.0f}%")

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, rows: pd.DataFrame) -> ProgressHeterogeneity:
        """Fit on regression rows of several benchmarks: ``benchmark``, ``error`` (in (0, 1)),
        ``log10_compute`` (log10 compute), ``year`` (decimal year, NaN when undated) and
        optionally ``cluster`` (the publication). Benchmarks with fewer than ``min_dated``
        dated results, or whose own rate is not estimable, are listed in ``left_out_`` with
        the reason. Returns self."""
        for col in ("benchmark", "error", "log10_compute", "year"):
            if col not in rows:
                raise ConfigError(f"the rows need a {col!r} column")
        names = rows["benchmark"].astype(str)
        dated = names[np.isfinite(rows["year"].to_numpy(float))]
        counts = dated.value_counts().reindex(pd.unique(names), fill_value=0)
        self.left_out_: dict[str, str] = {}
        self.notes_: list[str] = []
        for name, n in counts.items():
            if n < self.min_dated:
                self.left_out_[str(name)] = (f"{n} dated result(s), fewer than "
                                             f"{self.min_dated}")
        keep = [str(b) for b in counts.index if str(b) not in self.left_out_]
        if len(keep) < 2:
            raise ConfigError(f"{len(keep)} benchmark(s) with at least {self.min_dated} dated "
                              "results: the disagreement between benchmarks needs at least 2 "
                              f"(left out: {self._left_text()})")
        data = rows[names.isin(keep)]
        names = data["benchmark"].astype(str)
        self._check_memory(data, len(keep))
        own = {b: self._own_rate(b, data[names == b]) for b in keep}
        for b, r in own.items():
            if r.get("reason"):
                self.left_out_[b] = r["reason"]
        est = [b for b in keep if not own[b].get("reason")]
        if len(est) < 2:
            raise ConfigError(f"{len(est)} benchmark(s) with an estimable rate of their own: "
                              f"the random-effects rate needs at least 2 (left out: "
                              f"{self._left_text()})")
        # 1. fixed effect: one γ for every benchmark that can enter it
        fe_names = [b for b in keep if own[b].get("fits", False)]
        fe_rows = data[names.isin(fe_names)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GammaAtBoundWarning)
            self.pooled_ = PooledProgress(n_boot=self.n_boot, seed=self.seed, year0=self.year0,
                                          gamma_bounds=self.gamma_bounds).fit(fe_rows)
        ci = self.pooled_.conf_int(self.alpha)
        self.gamma_fe_ = float(self.pooled_.gamma_)
        self.gamma_fe_ci_ = (float(ci.loc["gamma", "ci_low"]), float(ci.loc["gamma", "ci_high"]))
        if self.pooled_.at_bound_:
            self.notes_.append(f"the fixed-effect γ is at the {self.pooled_.at_bound_} bound of "
                               f"gamma_bounds {self.gamma_bounds}: not an estimate")
        self._f_test(fe_rows)
        # 2–4. random effects, prediction, leave-one-out, held-out
        y = np.array([own[b]["gamma"] for b in est])
        s = np.array([own[b]["gamma_se"] for b in est])
        re = _random_effects(y, s)
        self._set_random_effects(re, y, s)
        loo_fe = self._loo_fixed(data, fe_names)
        table = []
        for b in counts.index.astype(str):
            r = {"benchmark": b, **{k: v for k, v in own.get(b, {}).items()
                                    if k not in ("fits", "_se_at_bounds")}}
            r.setdefault("n", int(counts[b]))
            r["included"] = b in est
            r["weight_re"] = float(re["weights"][est.index(b)]) if b in est else math.nan
            r["weight_fe"] = self.weight_fe_.get(b, math.nan)
            r["loo_gamma_fe"] = loo_fe.get(b, math.nan)
            r.update(self._held_out(b, est, y, s, own.get(b, {})))
            table.append(r)
        self.rates_ = pd.DataFrame(table).set_index("benchmark")
        self._flag_influential()
        self._hold_out_counts()
        self._sensitivity(own, est)
        lo, hi = self.gamma_re_ci_
        if not lo <= self.gamma_fe_ <= hi:
            fe_top = max(self.weight_fe_, key=lambda b: self.weight_fe_[b])
            re_top = self.rates_["weight_re"].idxmax()
            self.notes_.append(
                f"the fixed-effect rate {self.gamma_fe_:.3f} lies outside the random-effects "
                f"interval: the fixed-effect fit gives every result one residual variance and "
                f"counts results, not publications (largest share of its information on γ: "
                f"{fe_top}, {100 * self.weight_fe_[fe_top]:.0f}%); the random-effects fit "
                f"weighs each benchmark's own rate by 1/(s_k² + τ²) with s_k from its cluster "
                f"bootstrap (largest weight: {re_top}, "
                f"{100 * self.rates_.loc[re_top, 'weight_re']:.0f}%)")
        if len(est) < 3:
            self.notes_.append("a prediction interval needs at least 3 benchmarks with an "
                               "estimable rate")
        return self

    def _check_memory(self, data: pd.DataFrame, k: int) -> None:
        """Refuse before the draws when the pooled bootstrap would not fit in memory: its
        per-draw statistics (n_boot × K × 10, about three copies) and multinomial weights
        (n_boot × publications of the largest benchmark)."""
        from computelimits.resources import check_memory

        g_max = (int(data.groupby(data["benchmark"].astype(str))["cluster"].nunique().max())
                 if "cluster" in data else int(data["benchmark"].value_counts().max()))
        check_memory(8.0 * self.n_boot * (30 * k + g_max),
                     f"{self.n_boot:,} cluster-bootstrap resamples of {k} benchmarks",
                     how_to_shrink="use fewer resamples (--n-boot)", force_hint=False)

    def _left_text(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.left_out_.items()) or "none"

    def _own_rate(self, name: str, part: pd.DataFrame) -> dict[str, Any]:
        """Benchmark ``name`` alone: γ̂_k, its bootstrap s.e. and interval, or the reason it
        is not estimable. ``fits``: whether it can enter the fixed-effect fit."""
        seed = int(_seed_for(self.seed, name).generate_state(1)[0])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GammaAtBoundWarning)
                f = PooledProgress(n_boot=self.n_boot, seed=seed, year0=self.year0,
                                   gamma_bounds=self.gamma_bounds).fit(part)
        except ConfigError as exc:
            return {"n": int(np.isfinite(part["year"].to_numpy(float)).sum()),
                    "reason": f"cannot be fitted: {exc}", "fits": False}
        p = f.params_.iloc[0]
        g = f.boot_gamma_
        lo, hi = self.gamma_bounds
        out: dict[str, Any] = {"n": int(p["n"]), "clusters": int(p["clusters"]),
                               "gamma": f.gamma_, "at_bound": f.at_bound_, "fits": True,
                               "year_min": float(p["year_min"]),
                               "year_max": float(p["year_max"])}
        ci = f.conf_int(self.alpha)
        out["gamma_ci_low"] = float(ci.loc["gamma", "ci_low"])
        out["gamma_ci_high"] = float(ci.loc["gamma", "ci_high"])
        out["halving_months"] = float(halving_months(f.gamma_))
        out["halving_months_ci_low"], out["halving_months_ci_high"] = _halving_interval(
            out["gamma_ci_low"], out["gamma_ci_high"])
        at_lo = float(np.mean(g <= lo)) if len(g) else 0.0
        at_hi = float(np.mean(g >= hi)) if len(g) else 0.0
        out["boot_share_at_bound"] = at_lo + at_hi
        if f.at_bound_:
            out["reason"] = (f"its rate is at the {f.at_bound_} bound of gamma_bounds "
                             f"({lo if f.at_bound_ == 'lower' else hi:g} OOM/yr): not estimated")
        elif not len(g):
            out["reason"] = "no bootstrap resample could be fitted: no standard error"
        elif max(at_lo, at_hi) > _ONE_SE_TAIL:
            side, share = ("upper", at_hi) if at_hi >= at_lo else ("lower", at_lo)
            out["reason"] = (f"{100 * share:.0f}% of its bootstrap rates sit at the {side} "
                             f"bound of gamma_bounds ({hi if side == 'upper' else lo:g} OOM/yr): "
                             f"the data do not limit its rate on that side (no standard error)")
        q16, q84 = np.percentile(g, [100 * _ONE_SE_TAIL, 100 * (1 - _ONE_SE_TAIL)]) if len(g) \
            else (math.nan, math.nan)
        # the cluster bootstrap estimates the CR0 sandwich variance; CR1's small-sample
        # factor G/(G − 1)·(n − 1)/(n − 3) (3 coefficients: a, b, c) corrects its downward bias
        g_n, n_k = int(p["clusters"]), int(p["n"])
        cr1 = (g_n / (g_n - 1) * (n_k - 1) / (n_k - 3)) if g_n > 1 and n_k > 3 else math.nan
        out["gamma_se"] = float((q84 - q16) / 2.0 * math.sqrt(cr1))
        if not out.get("reason") and not out["gamma_se"] > 0:
            out["reason"] = "its bootstrap rates do not vary: no standard error"
        if out.get("reason"):
            # kept for the sensitivity check only: a spread the bounds cut short
            out["_se_at_bounds"] = out["gamma_se"] if not f.at_bound_ else math.nan
            out["gamma_se"] = math.nan
        return out

    def _sensitivity(self, own: dict[str, dict[str, Any]], est: list[str]) -> None:
        """The random-effects fit with the benchmarks left out for bootstrap draws at a bound
        put back, at the s.e. the bounds cut short (``sensitivity_``; None if there are
        none)."""
        back = [b for b, r in own.items() if b not in est
                and math.isfinite(r.get("_se_at_bounds", math.nan)) and r["_se_at_bounds"] > 0
                and math.isfinite(r.get("gamma", math.nan))]
        self.sensitivity_: dict[str, Any] | None = None
        if not back:
            return
        names = est + back
        y = np.array([own[b]["gamma"] for b in names])
        s = np.array([own[b]["gamma_se"] if b in est else own[b]["_se_at_bounds"]
                      for b in names])
        re = _random_effects(y, s)
        lo, hi = _mu_interval(re, self.alpha)
        self.sensitivity_ = {"put_back": back, "gamma": re["mu"], "gamma_ci_low": lo,
                             "gamma_ci_high": hi, "tau": math.sqrt(re["tau2"]),
                             "i2": re["i2"], "q_pvalue": re["q_pvalue"]}
        self.notes_.append(
            f"sensitivity: with {', '.join(back)} put back at the standard error the bounds "
            f"cut short, the random-effects rate is {re['mu']:.3f} [{lo:.3f}, {hi:.3f}], τ = "
            f"{math.sqrt(re['tau2']):.3f}, I² = {100 * re['i2']:.0f}%")

    def _f_test(self, fe_rows: pd.DataFrame) -> None:
        """F test of one γ against a free year coefficient per benchmark (least squares on
        the fixed-effect fit's dated rows), and each benchmark's share of the fixed-effect
        fit's information on γ (``weight_fe_``)."""
        ssr_free, p_free, n = 0.0, 0, 0
        d = fe_rows[np.isfinite(fe_rows["year"].to_numpy(float))]
        info: dict[str, float] = {}
        for name, b_k in self.pooled_.params_["b"].items():
            part = d[d["benchmark"].astype(str) == name]
            x = part["log10_compute"].to_numpy(float)
            t = part["year"].to_numpy(float) - self.year0
            X = np.column_stack([np.ones(len(part)), x, t])
            yk = np.log10(part["error"].to_numpy(float))
            coef, _, rank, _ = np.linalg.lstsq(X, yk, rcond=None)
            ssr_free += float(np.sum((yk - X @ coef) ** 2))
            p_free += int(rank)
            n += len(part)
            # information on γ with a_k and b_k profiled out, one residual variance for all
            # benchmarks (it cancels in the shares): b_k²·‖t off (1, x + γ̂t)‖²
            U = np.column_stack([np.ones(len(part)), x + self.gamma_fe_ * t])
            r = t - U @ np.linalg.lstsq(U, t, rcond=None)[0]
            info[str(name)] = float(b_k) ** 2 * float(r @ r)
        total = sum(info.values())
        self.weight_fe_ = {k: (v / total if total > 0 else math.nan) for k, v in info.items()}
        df1 = p_free - self.pooled_.n_params_
        df2 = n - p_free
        self.f_df_ = (int(df1), int(df2))
        if df1 < 1 or df2 < 1 or ssr_free <= 0:
            self.f_, self.f_pvalue_ = math.nan, math.nan
            return
        self.f_ = float(max(self.pooled_.ssr_ - ssr_free, 0.0) / df1 / (ssr_free / df2))
        self.f_pvalue_ = float(stats.f.sf(self.f_, df1, df2))

    def _set_random_effects(self, re: dict[str, Any], y: np.ndarray, s: np.ndarray) -> None:
        self._re, self._y, self._s = re, y, s
        self.gamma_re_ = re["mu"]
        self.gamma_re_se_ = re["se_hk"]
        self.gamma_re_ci_ = _mu_interval(re, self.alpha)
        self.tau2_ = re["tau2"]
        self.tau_ = math.sqrt(re["tau2"])
        self.tau2_dl_ = re["tau2_dl"]
        t_lo, t_hi = _tau2_interval(y, s, self.alpha)
        self.tau_ci_ = (math.sqrt(t_lo), math.sqrt(t_hi))
        self.i2_, self.q_, self.q_df_, self.q_pvalue_ = (re["i2"], re["q"], re["q_df"],
                                                        re["q_pvalue"])
        self.hk_scale_ = re["hk_scale"]
        self.pi_ = _prediction_interval(re, self.alpha)

    def _loo_fixed(self, data: pd.DataFrame, fe_names: list[str]) -> dict[str, float]:
        """The fixed-effect γ̂ without each benchmark (point estimates)."""
        out: dict[str, float] = {}
        if len(fe_names) < 2:
            return out
        names = data["benchmark"].astype(str)
        for b in fe_names:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", GammaAtBoundWarning)
                    f = PooledProgress(n_boot=0, year0=self.year0,
                                       gamma_bounds=self.gamma_bounds).fit(
                        data[names.isin(fe_names) & (names != b)])
                out[b] = math.nan if f.at_bound_ else float(f.gamma_)
            except ConfigError:
                out[b] = math.nan
        return out

    def _held_out(self, name: str, est: list[str], y: np.ndarray, s: np.ndarray,
                  own: dict[str, Any]) -> dict[str, Any]:
        """The random-effects fit without ``name``: its μ̂ (the leave-one-out rate) and its
        prediction intervals for ``name``'s true and estimated rate."""
        nan = math.nan
        out: dict[str, Any] = {"loo_gamma_re": nan, "heldout_gamma_pred_ci_low": nan,
                               "heldout_gamma_pred_ci_high": nan,
                               "heldout_true_gamma_pred_ci_low": nan,
                               "heldout_true_gamma_pred_ci_high": nan, "heldout_covered": None,
                               "heldout_true_covered": None}
        if name in est:
            m = np.array([b != name for b in est])
            if m.sum() < 2:
                return out
            re = _random_effects(y[m], s[m])
            out["loo_gamma_re"] = re["mu"]
        else:
            re = self._re  # not in the fit: the full fit is already without it
        # a rate at a bound of gamma_bounds is not an estimate: nothing to check
        g = nan if own.get("at_bound") else own.get("gamma", nan)
        se = own.get("gamma_se", nan)
        lo, hi = _prediction_interval(re, self.alpha)
        out["heldout_true_gamma_pred_ci_low"], out["heldout_true_gamma_pred_ci_high"] = lo, hi
        ex = se ** 2 if math.isfinite(se) else 0.0
        plo, phi = _prediction_interval(re, self.alpha, ex)
        out["heldout_gamma_pred_ci_low"], out["heldout_gamma_pred_ci_high"] = plo, phi
        if math.isfinite(g) and math.isfinite(lo):
            out["heldout_true_covered"] = bool(lo <= g <= hi)
            out["heldout_covered"] = bool(plo <= g <= phi)
        return out

    def _flag_influential(self) -> None:
        r = self.rates_
        lo, hi = self.gamma_re_ci_
        flo, fhi = self.gamma_fe_ci_
        why = []
        for b, row in r.iterrows():
            parts = []
            g = row["loo_gamma_re"]
            if math.isfinite(g) and not lo <= g <= hi:
                parts.append(f"without it the random-effects rate is {g:.3f}, outside "
                             f"[{lo:.3f}, {hi:.3f}]")
            g = row["loo_gamma_fe"]
            if math.isfinite(g) and not flo <= g <= fhi:
                parts.append(f"without it the fixed-effect rate is {g:.3f}, outside "
                             f"[{flo:.3f}, {fhi:.3f}]")
            why.append("; ".join(parts) or None)
            if parts:
                self.notes_.append(f"influential {b}: {'; '.join(parts)}")
        r["influential"] = [w is not None for w in why]
        r["influential_why"] = why
        self.influential_ = [str(b) for b in r.index[r["influential"]]]

    def _hold_out_counts(self) -> None:
        c = self.rates_["heldout_covered"]
        checked = c.notna()
        self.heldout_checked_ = int(checked.sum())
        self.heldout_covered_ = int(c[checked].astype(bool).sum())
        t = self.rates_["heldout_true_covered"]
        self.heldout_true_covered_ = int(t[t.notna()].astype(bool).sum())

    # -- results ---------------------------------------------------------------------------
    def _check(self) -> None:
        if not hasattr(self, "gamma_re_"):
            raise ConfigError("fit() first")

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Intervals (level 1 − alpha; default the constructor's) of the fixed-effect rate
        (cluster bootstrap), the random-effects rate (HKSJ), a new benchmark's own rate
        (prediction interval), τ (Q-profile; OOM/yr) and the halving times (months) of the
        three rates. Columns ``ci_low`` and ``ci_high``."""
        self._check()
        a = self.alpha if alpha is None else float(alpha)
        if not 0 < a < 1:
            raise ConfigError(f"alpha must lie in (0, 1), got {alpha}")
        ci = self.pooled_.conf_int(a)
        fe = (float(ci.loc["gamma", "ci_low"]), float(ci.loc["gamma", "ci_high"]))
        re = _mu_interval(self._re, a)
        pi = _prediction_interval(self._re, a)
        t2 = _tau2_interval(self._y, self._s, a)
        rows = {"gamma_fixed": fe, "gamma_random": re, "gamma_new_benchmark": pi,
                "tau": (math.sqrt(t2[0]), math.sqrt(t2[1])),
                "halving_months_fixed": _halving_interval(*fe),
                "halving_months_random": _halving_interval(*re),
                "halving_months_new_benchmark": _halving_interval(*pi)}
        return pd.DataFrame(rows.values(), columns=["ci_low", "ci_high"],
                            index=pd.Index(list(rows), name="quantity"))

    def to_frame(self) -> pd.DataFrame:
        """One row per benchmark (``rates_``): N, clusters, γ̂_k with its s.e. (OOM/yr) and
        bootstrap interval, halving time (months) and interval, ``included`` (in the
        random-effects fit), ``weight_fe`` / ``weight_re`` (its share of the fixed-effect fit's
        information on γ, and its random-effects weight), ``loo_gamma_re`` / ``loo_gamma_fe`` (the
        pooled rates without it), the held-out prediction intervals with whether they cover
        γ̂_k, ``influential`` and ``reason`` (why it was left out)."""
        self._check()
        cols = ["n", "clusters", "gamma", "gamma_se", "gamma_ci_low", "gamma_ci_high",
                "halving_months", "halving_months_ci_low", "halving_months_ci_high",
                "included", "weight_fe", "weight_re", "loo_gamma_re", "loo_gamma_fe",
                "heldout_gamma_pred_ci_low", "heldout_gamma_pred_ci_high", "heldout_covered",
                "heldout_true_gamma_pred_ci_low", "heldout_true_gamma_pred_ci_high",
                "heldout_true_covered", "influential",
                "influential_why", "at_bound", "boot_share_at_bound", "reason"]
        return self.rates_.reindex(columns=cols)

    def compare_published(self) -> pd.DataFrame:
        """:data:`~computelimits.scaling.pooled.PUBLISHED_RATES` beside this fit: each
        published halving time (months) and rate (OOM/yr) with whether it lies inside the
        random-effects interval and the prediction interval for a new benchmark's rate."""
        self._check()
        lo, hi = self.gamma_re_ci_
        plo, phi = self.pi_
        rows = []
        for r in PUBLISHED_RATES:
            g = r.gamma
            rows.append({"name": r.name, "domain": r.domain,
                         "halving_months": r.halving_months,
                         "halving_months_ci_low": r.low, "halving_months_ci_high": r.high,
                         "gamma": g, "in_random_effects_ci": bool(lo <= g <= hi),
                         "in_prediction_interval": (bool(plo <= g <= phi)
                                                    if math.isfinite(plo) else None),
                         "interval_note": r.interval_note, "citation": r.citation})
        return pd.DataFrame(rows)

    def methods(self) -> dict[str, str]:
        """The methods used, as short sentences with their sources."""
        return {
            "fixed_effect": "one γ for all benchmarks, profiled least squares "
                            "(PooledProgress), cluster-bootstrap percentile interval",
            "own_rate_se": "half the central 68.27% range of each benchmark's cluster-"
                           "bootstrap rates, times the CR1 factor √(G/(G−1)·(n−1)/(n−3)) "
                           "(Cameron & Miller 2015)",
            "tau2": TAU2_METHOD, "interval": CI_METHOD, "prediction": PI_METHOD,
            "tau_interval": "Q-profile (Viechtbauer 2007)",
            "homogeneity": "Cochran's Q (χ², K−1 df, weights 1/s_k²) and I² (Higgins & "
                           "Thompson 2002); F test of one γ against a free year coefficient "
                           "per benchmark (independent errors, one residual variance)",
            "held_out": "prediction interval from the other benchmarks for the benchmark's "
                        "estimated rate (τ² + SE² + s_k²; Viechtbauer & Cheung 2010); also "
                        "for its true rate (τ² + SE²)",
            "influential": "the random-effects rate without it outside the random-effects "
                           "interval, or the fixed-effect rate without it outside the fixed-"
                           "effect interval",
        }

    def to_dict(self) -> dict[str, Any]:
        """Every result as JSON-safe values (intervals at 1 − ``alpha``): a missing number is
        None, an unbounded one None with ``"<key>_unbounded": "+inf"`` (or ``"-inf"``) beside
        it (a halving time of a rate ≤ 0 is unbounded: the compute never halves)."""
        self._check()
        ci = self.conf_int()

        def pair(q: str, key: str) -> dict[str, float]:
            return {f"{key}_ci_low": ci.loc[q, "ci_low"], f"{key}_ci_high": ci.loc[q, "ci_high"]}

        re_k = int(self.rates_["included"].sum())
        d: dict[str, Any] = {
            "alpha": self.alpha, "n_boot": self.n_boot, "seed": self.seed,
            "year0": self.year0, "min_dated": self.min_dated,
            "gamma_bounds": list(self.gamma_bounds), "unit": "orders of magnitude of compute "
                                                             "per year; halving in months",
            "fixed_effect": {"gamma": self.gamma_fe_, **pair("gamma_fixed", "gamma"),
                             "halving_months": halving_months(self.gamma_fe_),
                             **pair("halving_months_fixed", "halving_months"),
                             "benchmarks": len(self.pooled_.params_), "n": self.pooled_.n_,
                             "at_bound": self.pooled_.at_bound_},
            "random_effects": {"gamma": self.gamma_re_, "se": self.gamma_re_se_,
                               **pair("gamma_random", "gamma"),
                               "halving_months": halving_months(self.gamma_re_),
                               **pair("halving_months_random", "halving_months"),
                               "benchmarks": re_k, "tau2": self.tau2_, "tau": self.tau_,
                               **pair("tau", "tau"), "tau2_dersimonian_laird": self.tau2_dl_,
                               "i2": self.i2_, "q": self.q_, "q_df": self.q_df_,
                               "q_pvalue": self.q_pvalue_, "hksj_scale": self.hk_scale_},
            "prediction": {**pair("gamma_new_benchmark", "gamma"),
                           **pair("halving_months_new_benchmark", "halving_months"),
                           "df": re_k - 2},
            "homogeneity_f": {"f": self.f_, "df_num": self.f_df_[0], "df_den": self.f_df_[1],
                              "pvalue": self.f_pvalue_},
            "heldout": {"covered": self.heldout_covered_, "checked": self.heldout_checked_,
                        "covered_true_rate_interval": self.heldout_true_covered_},
            "influential": list(self.influential_),
            "left_out": dict(self.left_out_),
            "benchmarks": [{"benchmark": b, **row}
                           for b, row in self.to_frame().to_dict(orient="index").items()],
            "published": self.compare_published().to_dict(orient="records"),
            "sensitivity": self.sensitivity_,
            "methods": self.methods(),
            "notes": list(self.notes_),
        }
        return json_safe(_flag_unbounded(d))

    def summary(self) -> Summary:
        """The answer as text (``str()`` prints it; the per-benchmark table is
        :meth:`to_frame`)."""
        self._check()
        lev = f"{100 * (1 - self.alpha):g}%"

        def rate(g: float, lo: float, hi: float) -> str:
            h, hlo, hhi = halving_months(g), *_halving_interval(lo, hi)
            return (f"{g:.3f} [{lo:.3f}, {hi:.3f}] OOM/yr — halving {_months(h)} "
                    f"[{_months(hlo)}, {_months(hhi)}] months")

        k_re = int(self.rates_["included"].sum())
        lines = [
            f"fixed effect (one γ, {len(self.pooled_.params_)} benchmarks): "
            + rate(self.gamma_fe_, *self.gamma_fe_ci_),
            f"random effects ({k_re} benchmarks): " + rate(self.gamma_re_, *self.gamma_re_ci_),
            f"between benchmarks: τ = {self.tau_:.3f} [{self.tau_ci_[0]:.3f}, "
            f"{self.tau_ci_[1]:.3f}] OOM/yr, I² = {100 * self.i2_:.0f}%, Cochran's Q = "
            f"{self.q_:.1f} on {self.q_df_} df ({_p(self.q_pvalue_)}); F (one γ) = "
            f"{self.f_:.2f} on {self.f_df_[0]} and {self.f_df_[1]} df ({_p(self.f_pvalue_)})",
        ]
        if math.isfinite(self.pi_[0]):
            lo, hi = self.pi_
            h_lo, h_hi = _halving_interval(lo, hi)
            lines.append(f"a new benchmark's own rate ({lev} prediction): [{lo:.3f}, {hi:.3f}] "
                         f"OOM/yr — halving {_months(h_lo)} to {_months(h_hi)} months")
        lines.append(f"held out: the prediction from the other benchmarks covers a benchmark's "
                     f"estimated rate for {self.heldout_covered_} of {self.heldout_checked_} "
                     f"(the interval for a true rate covers {self.heldout_true_covered_})")
        lines.append("influential: " + (", ".join(self.influential_) or "none"))
        for b, why in self.left_out_.items():
            lines.append(f"left out of the random effects: {b}: {why}")
        notes = [f"method: {k}: {v}" for k, v in self.methods().items()]
        notes += [f"note: {n}" for n in self.notes_]
        return Summary(f"Rate of algorithmic progress across benchmarks ({lev} intervals)",
                       lines, self.to_frame().reset_index(), notes)

    def _repr_html_(self) -> str:
        if not hasattr(self, "gamma_re_"):
            return "<p>ProgressHeterogeneity, not fitted</p>"
        return self.summary()._repr_html_()


def _flag_unbounded(x: Any) -> Any:
    """``x`` with ``"<key>_unbounded": "+inf"`` / ``"-inf"`` beside every infinite number of
    its dicts (JSON writes the number itself as null, as it writes a missing one)."""
    if isinstance(x, dict):
        out: dict[str, Any] = {}
        for key, v in x.items():
            out[key] = _flag_unbounded(v)
            if isinstance(v, float | np.floating) and math.isinf(v):
                out[f"{key}_unbounded"] = "+inf" if v > 0 else "-inf"
        return out
    if isinstance(x, list | tuple):
        return [_flag_unbounded(v) for v in x]
    return x


def _months(m: float) -> str:
    """A halving time in months: "never" for +inf (a rate ≤ 0)."""
    if not math.isfinite(m):
        return "never" if m > 0 else "n/a"
    return f"{m:.3g}"


def _p(p: float) -> str:
    """"p = 0.249" or "p < 0.001"."""
    if not math.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


# -- data ------------------------------------------------------------------------------------
def reference_rows(joined: pd.DataFrame | None = None, benchmarks: list[str] | None = None,
                   *, min_dated: int = MIN_DATED, catalog: Catalog | None = None
                   ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Regression rows (:func:`~computelimits.scaling.dataset.benchmark_data`, the default
    selection) of ``benchmarks`` — by default the language-model benchmarks with at least
    ``min_dated`` dated results — and the benchmarks asked for that have no rows, with why.

    ``joined``: results joined with compute (default: ``catalog``'s joined table). An
    unknown benchmark name raises :class:`~computelimits.errors.ConfigError`."""
    from computelimits.data.benchmarks import find_benchmark
    from computelimits.scaling.dataset import benchmark_data
    from computelimits.scaling.evaluation import LANGUAGE_SOURCES, datasets_with_history

    names = None if not benchmarks else list(dict.fromkeys(find_benchmark(b).id
                                                           for b in benchmarks))
    if joined is None:
        from computelimits.data.catalog import resolve_catalog

        joined = resolve_catalog(catalog).joined().table
    missing: dict[str, str] = {}
    if names is None:
        ds = datasets_with_history(joined, min_results=min_dated)
        ds = {b: d for b, d in ds.items() if d["source"].astype(str).isin(LANGUAGE_SOURCES).any()}
        if not ds:
            raise ConfigError(f"no language-model benchmark has {min_dated} dated results "
                              "with compute in the data")
    else:
        ds = datasets_with_history(joined, benchmarks=names, min_results=0)
        for b in names:
            if b not in ds:
                try:
                    benchmark_data(b, joined=joined)
                    missing[b] = "no rows to fit"
                except ConfigError as exc:
                    missing[b] = str(exc)
        if not ds:
            raise ConfigError("no rows to fit for " + "; ".join(
                f"{b}: {why}" for b, why in missing.items()))
    return pd.concat(ds.values(), ignore_index=True), missing


def progress_heterogeneity(benchmarks: list[str] | None = None, *, n_boot: int = 2000,
                           seed: int = 0, alpha: float = 0.05, min_dated: int = MIN_DATED,
                           joined: pd.DataFrame | None = None,
                           catalog: Catalog | None = None) -> ProgressHeterogeneity:
    """:class:`ProgressHeterogeneity` fitted on :func:`reference_rows` (by default the
    language-model benchmarks with at least ``min_dated`` dated results); benchmarks asked for
    without rows are in ``left_out_`` too, and the attribution lines of the rows' sources in
    ``sources_``."""
    from computelimits.data.credits import attribution

    model = ProgressHeterogeneity(n_boot=n_boot, seed=seed, alpha=alpha, min_dated=min_dated)
    rows, missing = reference_rows(joined, benchmarks, min_dated=min_dated, catalog=catalog)
    try:
        model.fit(rows)
    except ConfigError as exc:
        if not missing:
            raise
        raise ConfigError(f"{exc}; without rows: " + "; ".join(
            f"{b}: {why}" for b, why in missing.items())) from None
    model.left_out_.update(missing)
    model.sources_ = attribution(rows)
    return model
