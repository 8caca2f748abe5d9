"""Refit Chinchilla's parametric loss the way Besiroglu et al. (2024) did, and bootstrap it:
how the sampling covariance behind :func:`computelimits.compute.chinchilla.compute_optimal`'s
intervals was measured, so that anyone with the data can measure it again.

Besiroglu, Erdil, Barnett & You, "Chinchilla Scaling: A replication attempt" (arXiv 2404.10102)
fit Hoffmann et al.'s (2022) approach-3 law L(N, D) = E + A/N^α + B/D^β to the training runs
they reconstructed from Hoffmann et al.'s Figure 4:

* the law in log form, log L̂ = LSE(a − α·log N, b − β·log D, e), with A = eᵃ, B = eᵇ, E = eᵉ;
* the objective is the **sum** over runs of the Huber loss (δ = 10⁻³) of log L̂ − log L;
* BFGS from a grid of starting points, after dropping the 5 runs with the highest loss;
* standard errors from bootstrap refits (runs resampled with replacement; 4,000 in the paper).

The paper publishes the estimates and their standard errors, not their covariance. Because
log A and α (and log B and β) are almost perfectly correlated (the runs cover N and D far from
1), sampling the published standard errors as if independent gives allocations spread over four
orders of magnitude. The correlations stored in :mod:`computelimits.assumptions`
(``chinchilla_besiroglu_sd_*`` and ``chinchilla_besiroglu_corr_*``) were therefore measured with
:func:`bootstrap_refit` (4,000 resamples, ``seed=2404``) on their data file
(github.com/Besiroglu/data, ``svg_extracted_data.csv``, commit 02783ae: columns ``Model Size``,
``Training FLOP``, ``loss``; D = FLOP / (6·N)), which is not shipped with this package. That
refit gives E = 1.8172, A = 478, B = 2143, α = 0.3473, β = 0.3672 (published: 1.8172, 482.01,
2085.43, 0.3478, 0.3658) and bootstrap standard errors A 119, B 1327, E 0.026, α 0.015,
β 0.020, a = β/(α+β) 0.019 (published: 124.58, 1293.23, 0.03, 0.02, 0.02). It took
about 100 s on one core.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from computelimits.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LossBootstrap", "LossFit", "bootstrap_refit", "fit_parametric_loss"]

#: Besiroglu et al.'s grid of starting points: a, b, e, α, β (5,400 starts)
DEFAULT_GRID = (np.arange(0.0, 30.0, 5.0), np.arange(0.0, 30.0, 5.0),
                np.arange(-1.0, 2.0, 0.5), np.arange(0.0, 2.5, 0.5), np.arange(0.0, 2.5, 0.5))
PARAMS = ("log_A", "log_B", "log_E", "alpha", "beta")


def _objective(p: np.ndarray, log_n: np.ndarray, log_d: np.ndarray, log_loss: np.ndarray,
               delta: float) -> tuple[float, np.ndarray]:
    """Summed Huber loss of log L̂ − log L and its gradient in (a, b, e, α, β)."""
    a, b, e, alpha, beta = p
    terms = np.stack([a - alpha * log_n, b - beta * log_d, np.full(log_n.shape, e)])
    top = terms.max(axis=0)
    w = np.exp(terms - top)
    s = w.sum(axis=0)
    r = top + np.log(s) - log_loss
    small = np.abs(r) <= delta
    value = np.where(small, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)).sum()
    dr = np.where(small, r, delta * np.sign(r)) * (w / s)
    grad = np.array([dr[0].sum(), dr[1].sum(), dr[2].sum(), -(dr[0] * log_n).sum(),
                     -(dr[1] * log_d).sum()])
    return float(value), grad


def _logs(parameters: Any, tokens: Any, loss: Any,
          drop_highest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, d, ls = (np.asarray(x, float) for x in (parameters, tokens, loss))
    if not n.shape == d.shape == ls.shape or n.ndim != 1:
        raise ConfigError("parameters, tokens and loss must be 1-D and of the same length")
    if not np.all(np.isfinite(n) & np.isfinite(d) & np.isfinite(ls) & (n > 0) & (d > 0)
                  & (ls > 0)):
        raise ConfigError("parameters, tokens and loss must be positive finite numbers")
    if drop_highest < 0 or n.size - drop_highest < 10:
        raise ConfigError(f"need at least 10 runs after dropping {drop_highest}, have {n.size}")
    keep = np.argsort(ls, kind="stable")[:n.size - drop_highest]
    return np.log(n[keep]), np.log(d[keep]), np.log(ls[keep])


def _minimize(start: np.ndarray, logs: tuple[np.ndarray, ...], delta: float) -> Any:
    from scipy.optimize import minimize

    return minimize(_objective, start, args=(*logs, delta), jac=True, method="BFGS")


@dataclass(frozen=True)
class LossFit:
    """L(N, D) = E + A/N^α + B/D^β fitted to ``n_runs`` runs (``objective``: the summed Huber
    loss at the optimum)."""

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    n_runs: int
    objective: float

    @property
    def transformed(self) -> np.ndarray:
        """(log A, log B, log E, α, β), the space the fit and the bootstrap work in."""
        return np.array([np.log(self.A), np.log(self.B), np.log(self.E), self.alpha, self.beta])


def fit_parametric_loss(parameters: Any, tokens: Any, loss: Any, *, drop_highest: int = 5,
                        delta: float = 1e-3, grid: tuple[Any, ...] = DEFAULT_GRID) -> LossFit:
    """Fit the law to runs (``parameters`` N, training ``tokens`` D, final ``loss`` in nats
    per token) by Besiroglu et al.'s procedure (module docstring): BFGS from every point of
    ``grid`` (a, b, e, α, β values), the lowest objective kept."""
    logs = _logs(parameters, tokens, loss, drop_highest)
    best = None
    for start in itertools.product(*grid):
        res = _minimize(np.array(start, float), logs, delta)
        if np.all(np.isfinite(res.x)) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise ConfigError("the parametric loss fit did not converge from any starting point")
    a, b, e, alpha, beta = best.x
    return LossFit(float(np.exp(e)), float(np.exp(a)), float(np.exp(b)), float(alpha),
                   float(beta), int(logs[0].size), float(best.fun))


@dataclass
class LossBootstrap:
    """Bootstrap refits of :func:`fit_parametric_loss`: ``draws`` has one row per resample,
    columns (log A, log B, log E, α, β)."""

    fit: LossFit
    draws: np.ndarray = field(repr=False)
    seed: int

    def standard_errors(self) -> dict[str, float]:
        """Standard deviation over the resamples of A, B, E, α, β (as the paper reports them)
        and of a = β/(α+β), the exponent of N_opt ∝ C^a."""
        d = self.draws
        out = {k: float(np.std(v, ddof=1)) for k, v in
               (("A", np.exp(d[:, 0])), ("B", np.exp(d[:, 1])), ("E", np.exp(d[:, 2])),
                ("alpha", d[:, 3]), ("beta", d[:, 4]))}
        out["a"] = float(np.std(d[:, 4] / (d[:, 3] + d[:, 4]), ddof=1))
        return out

    def moments(self) -> tuple[pd.Series, pd.DataFrame]:
        """(standard deviations, correlation matrix) of (log A, log B, log E, α, β): what
        :mod:`computelimits.assumptions` stores for the sampling in
        :func:`~computelimits.compute.chinchilla.compute_optimal`."""
        import pandas as pd

        sd = pd.Series(np.std(self.draws, axis=0, ddof=1), index=list(PARAMS))
        corr = pd.DataFrame(np.corrcoef(self.draws.T), index=list(PARAMS), columns=list(PARAMS))
        return sd, corr


def bootstrap_refit(parameters: Any, tokens: Any, loss: Any, *, n_boot: int = 4000,
                    seed: int = 2404, drop_highest: int = 5, delta: float = 1e-3,
                    grid: tuple[Any, ...] = DEFAULT_GRID) -> LossBootstrap:
    """Fit on all runs, then refit ``n_boot`` resamples (with replacement) of the kept runs,
    each from the full-data optimum. Randomness: ``numpy.random.default_rng(seed)``."""
    if n_boot < 2:
        raise ConfigError(f"n_boot must be at least 2, got {n_boot}")
    fit = fit_parametric_loss(parameters, tokens, loss, drop_highest=drop_highest, delta=delta,
                              grid=grid)
    logs = _logs(parameters, tokens, loss, drop_highest)
    rng = np.random.default_rng(seed)
    start = np.array([np.log(fit.A), np.log(fit.B), np.log(fit.E), fit.alpha, fit.beta])
    draws = np.empty((n_boot, 5))
    n = logs[0].size
    for i in range(n_boot):
        idx = rng.integers(0, n, n)
        res = _minimize(start, tuple(x[idx] for x in logs), delta)
        draws[i] = res.x
    return LossBootstrap(fit, draws, seed)
