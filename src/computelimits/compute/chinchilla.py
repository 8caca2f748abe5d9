"""Compute-optimal model size and training tokens for a FLOP budget: Chinchilla's approach 3.

Hoffmann et al. ("Training Compute-Optimal Large Language Models", arXiv 2203.15556, 2022)
model the final pre-training loss of a dense transformer with N parameters trained on D tokens
as L(N, D) = E + A/N^α + B/D^β. Minimising L under a budget C = k·N·D FLOP (k = 6,
:func:`computelimits.formulas.transformer_training_flop`) gives

    N_opt = G·(C/k)^a,   D_opt = C / (k·N_opt),
    G = (α·A / (β·B))^(1/(α+β)),   a = β/(α+β).

E does not move the optimum. Two sets of constants (:mod:`computelimits.assumptions`):

* **Besiroglu et al. 2024** ("Chinchilla Scaling: A replication attempt", arXiv 2404.10102),
  the refit to 240 runs reconstructed from Hoffmann et al.'s Figure 4: E 1.8172 (SE 0.03),
  A 482.01 (124.58), B 2085.43 (1293.23), α 0.3478 (0.02), β 0.3658 (0.02). Central values
  use these estimates. Intervals come from draws of (log A, log B, α, β) from a multivariate
  normal centred on them whose standard deviations and correlations were measured by
  bootstrap refits of the same data with the same procedure
  (:mod:`computelimits.compute.chinchilla_refit`): the paper gives standard errors only, and
  log A ~ α and log B ~ β correlate at 0.999, so treating the published standard errors as
  independent would spread N_opt over four orders of magnitude. The draws' 95% intervals match
  those of the bootstrap refits themselves to within about 10% for N_opt and 25% for tokens
  per parameter at 10¹⁹–10²⁶ FLOP (the draws are centred on the published estimates, the
  refits on the slightly different refit).
* **Hoffmann et al. 2022** as printed: E 1.69, A 406.4, B 410.7, α 0.34, β 0.28, beside it for
  comparison, without an interval (their published interval for a, 0.454–0.455, is implausibly
  narrow per Besiroglu et al.).

The fits come from runs of 70M–16B parameters on 5–500B tokens (about 10¹⁸–10²² FLOP); larger
budgets are extrapolations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from computelimits import assumptions, formulas
from computelimits.compute._common import assumption_line
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin

if TYPE_CHECKING:
    import pandas as pd

    from computelimits.results import Summary

__all__ = ["ComputeOptimal", "compute_optimal", "optimal_allocation"]

_FITS = {"besiroglu": "Besiroglu et al. 2024 (arXiv 2404.10102), refit of approach 3",
         "hoffmann": "Hoffmann et al. 2022 (arXiv 2203.15556), approach 3 as printed"}
_CONSTANTS = ("E", "A", "B", "alpha", "beta")
_SAMPLED = ("log_A", "log_B", "alpha", "beta")
#: (quantity, unit, what it measures) of a :class:`ComputeOptimal`
QUANTITIES = (
    ("n_params", "parameters", "compute-optimal model size N_opt"),
    ("tokens", "tokens", "compute-optimal training tokens D_opt = C / (6·N_opt)"),
    ("tokens_per_param", "tokens per parameter", "D_opt / N_opt"),
    ("exponent_a", "exponent", "a in N_opt ∝ C^a (D_opt ∝ C^(1−a))"),
)
_LABELS = {"n_params": "parameters N_opt", "tokens": "tokens D_opt",
           "tokens_per_param": "tokens per parameter", "exponent_a": "a in N_opt ∝ C^a"}
DEFAULT_DRAWS = 20_000
DEFAULT_SEED = 2404


def _constants(fit: str) -> dict[str, float]:
    return {c: assumptions.get(f"chinchilla_{fit}_{c}").value for c in _CONSTANTS}


def optimal_allocation(flop: Any, A: Any, B: Any, alpha: Any, beta: Any) -> tuple[Any, Any]:
    """(N_opt, D_opt) minimising E + A/N^α + B/D^β subject to k·N·D = ``flop`` (k: the
    ``transformer_flop_per_param_token`` assumption, 6). Arrays broadcast."""
    k = assumptions.get("transformer_flop_per_param_token").value
    alpha, beta = np.asarray(alpha, float), np.asarray(beta, float)
    g = (alpha * np.asarray(A, float) / (beta * np.asarray(B, float))) ** (1.0 / (alpha + beta))
    n = g * (np.asarray(flop, float) / k) ** (beta / (alpha + beta))
    return n, np.asarray(flop, float) / formulas.transformer_training_flop(k, n, 1.0)


def _covariance() -> np.ndarray:
    """Covariance of (log A, log B, α, β) from the stored standard deviations and
    correlations."""
    sd = np.array([assumptions.get(f"chinchilla_besiroglu_sd_{p}").value for p in _SAMPLED])
    corr = np.eye(4)
    for i in range(4):
        for j in range(i + 1, 4):
            r = assumptions.get(f"chinchilla_besiroglu_corr_{_SAMPLED[i]}_{_SAMPLED[j]}").value
            corr[i, j] = corr[j, i] = r
    if np.linalg.eigvalsh(corr).min() <= 0:
        raise ConfigError("the chinchilla_besiroglu_corr_* assumptions do not form a valid "
                          "correlation matrix")
    return corr * np.outer(sd, sd)


@dataclass(repr=False)
class ComputeOptimal(ResultMixin):
    """Result of :func:`compute_optimal`: for a budget of ``flop`` FLOP, the compute-optimal
    parameters, tokens and tokens per parameter by Besiroglu et al.'s refit (``<quantity>``,
    with 95% intervals ``<quantity>_ci_low`` / ``_ci_high`` from the parameter uncertainty) and
    by Hoffmann et al.'s printed constants (``hoffmann_<quantity>``, no interval)."""

    flop: float
    n_params: float
    n_params_ci_low: float
    n_params_ci_high: float
    tokens: float
    tokens_ci_low: float
    tokens_ci_high: float
    tokens_per_param: float
    tokens_per_param_ci_low: float
    tokens_per_param_ci_high: float
    exponent_a: float
    exponent_a_ci_low: float
    exponent_a_ci_high: float
    hoffmann_n_params: float
    hoffmann_tokens: float
    hoffmann_tokens_per_param: float
    hoffmann_exponent_a: float
    ci_level: float = 0.95
    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _samples: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The figures, assumptions and notes (JSON-ready; the draws are left out)."""
        from dataclasses import fields

        out = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        out["measures"] = {q: what for q, _, what in QUANTITIES}
        return out

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Intervals of ``n_params``, ``tokens``, ``tokens_per_param`` and ``exponent_a`` at
        level 1 − ``alpha``: percentiles of the kept draws. Columns ``ci_low``, ``ci_high``."""
        import pandas as pd

        if not 0 < alpha < 1:
            raise ConfigError(f"alpha must lie between 0 and 1, got {alpha}")
        rows = {q: np.percentile(self._samples[q], [50 * alpha, 100 - 50 * alpha])
                for q, _, _ in QUANTITIES}
        return pd.DataFrame.from_dict(rows, orient="index", columns=["ci_low", "ci_high"])

    def to_frame(self) -> pd.DataFrame:
        """One row per fit and quantity: ``fit``, ``quantity``, ``value``, ``ci_low``,
        ``ci_high`` (NaN for Hoffmann et al.), ``unit``."""
        import pandas as pd

        rows = []
        for q, unit, _ in QUANTITIES:
            rows.append({"fit": "besiroglu", "quantity": q, "value": getattr(self, q),
                         "ci_low": getattr(self, f"{q}_ci_low"),
                         "ci_high": getattr(self, f"{q}_ci_high"), "unit": unit})
        for q, unit, _ in QUANTITIES:
            rows.append({"fit": "hoffmann", "quantity": q, "value": getattr(self, f"hoffmann_{q}"),
                         "ci_low": math.nan, "ci_high": math.nan, "unit": unit})
        return pd.DataFrame(rows, columns=["fit", "quantity", "value", "ci_low", "ci_high", "unit"])

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(quantity, Besiroglu et al. with its interval, interval, Hoffmann et al.) for
        display."""
        from computelimits import formatting as fm

        fmt = {"n_params": fm.count, "tokens": fm.count, "tokens_per_param": fm.plain,
               "exponent_a": "{:.3f}".format}
        out = []
        for q, _, _ in QUANTITIES:
            f = fmt[q]
            out.append((_LABELS[q], f(getattr(self, q)),
                        f"{f(getattr(self, q + '_ci_low'))}–{f(getattr(self, q + '_ci_high'))}",
                        f(getattr(self, f"hoffmann_{q}"))))
        return out

    def summary(self) -> Summary:
        """The allocation as text (``str()``): each quantity by Besiroglu et al. with its
        interval and by Hoffmann et al., the constants used, notes."""
        from computelimits import formatting as fm
        from computelimits.results import Summary

        lines = [f"  {what}: {c} ({self.ci_level:.0%} interval {rng}); Hoffmann et al. 2022: {h}"
                 for what, c, rng, h in self.rows()]
        lines.append("assumptions:")
        lines += [f"  {assumption_line(a)}" for a in self.assumptions]
        return Summary(title=f"compute-optimal allocation for {fm.flop_count(self.flop)} "
                             "(C = 6·N·D)",
                       lines=lines, table=self.to_frame(),
                       notes=[f"note: {n}" for n in self.notes])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        return [fm.flop_count(self.flop), f"{fm.count(self.n_params)} parameters",
                f"{fm.count(self.tokens)} tokens",
                f"{fm.plain(self.tokens_per_param, 3)} tokens per parameter"]

    def __str__(self) -> str:
        return str(self.summary())


def compute_optimal(flop: float, *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                    alpha: float = 0.05) -> ComputeOptimal:
    """The compute-optimal parameters N_opt and training tokens D_opt for a budget of ``flop``
    FLOP (module docstring), by Besiroglu et al.'s 2024 refit of Chinchilla's approach 3 with
    1 − ``alpha`` intervals from ``draws`` draws of its constants
    (``numpy.random.default_rng(seed)``), and by Hoffmann et al.'s 2022 printed constants.

    N_opt · D_opt · 6 = ``flop`` for every draw. Units: FLOP, parameters, tokens."""
    c = np.asarray(flop, float)
    if c.ndim != 0 or not np.isfinite(c) or c <= 0:
        raise ConfigError(f"--flop must be a positive number, got {flop}")
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must lie between 0 and 1, got {alpha}")
    if int(draws) < 100:
        raise ConfigError(f"draws must be at least 100, got {draws}")
    flop = float(c)
    bes, hof = _constants("besiroglu"), _constants("hoffmann")
    n, d = optimal_allocation(flop, bes["A"], bes["B"], bes["alpha"], bes["beta"])
    hn, hd = optimal_allocation(flop, hof["A"], hof["B"], hof["alpha"], hof["beta"])

    rng = np.random.default_rng(seed)
    mean = np.array([math.log(bes["A"]), math.log(bes["B"]), bes["alpha"], bes["beta"]])
    x = rng.multivariate_normal(mean, _covariance(), size=int(draws), method="eigh")
    ok = (x[:, 2] > 0) & (x[:, 3] > 0)
    x = x[ok]
    sn, sd = optimal_allocation(flop, np.exp(x[:, 0]), np.exp(x[:, 1]), x[:, 2], x[:, 3])
    samples = {"n_params": sn, "tokens": sd, "tokens_per_param": sd / sn,
               "exponent_a": x[:, 3] / (x[:, 2] + x[:, 3])}
    lo, hi = 50 * alpha, 100 - 50 * alpha
    ci = {q: (float(np.percentile(v, lo)), float(np.percentile(v, hi)))
          for q, v in samples.items()}

    used = [assumptions.get(f"chinchilla_besiroglu_{k}").to_dict() for k in _CONSTANTS]
    used.append({"name": "chinchilla_besiroglu_covariance", "value": float(x.shape[0]),
                 "unit": "draws", "low": None, "high": None,
                 "source": "multivariate normal of (log A, log B, α, β) with the bootstrap "
                           "standard deviations and correlations chinchilla_besiroglu_sd_* and "
                           "_corr_* (measured with computelimits.compute.chinchilla_refit), "
                           f"seed {seed}"})
    used += [assumptions.get(f"chinchilla_hoffmann_{k}").to_dict() for k in _CONSTANTS]
    used.append(assumptions.get("transformer_flop_per_param_token").to_dict())
    notes = [f"intervals: {1 - alpha:.0%} of {x.shape[0]:,} draws of Besiroglu et al.'s "
             "constants; they carry the fit's parameter uncertainty only, not the choice of "
             "the functional form or of the data",
             "Hoffmann et al.'s constants are rounded as printed; Besiroglu et al. show the "
             "rounding and an early-stopped optimizer bias them toward more tokens per "
             "parameter",
             "the laws were fitted to runs of 70M–16B parameters on 5–500B tokens (about "
             "10¹⁸–10²² FLOP); other budgets are extrapolations"]
    return ComputeOptimal(
        flop=flop, n_params=float(n), n_params_ci_low=ci["n_params"][0],
        n_params_ci_high=ci["n_params"][1], tokens=float(d), tokens_ci_low=ci["tokens"][0],
        tokens_ci_high=ci["tokens"][1], tokens_per_param=float(d / n),
        tokens_per_param_ci_low=ci["tokens_per_param"][0],
        tokens_per_param_ci_high=ci["tokens_per_param"][1],
        exponent_a=bes["beta"] / (bes["alpha"] + bes["beta"]),
        exponent_a_ci_low=ci["exponent_a"][0], exponent_a_ci_high=ci["exponent_a"][1],
        hoffmann_n_params=float(hn), hoffmann_tokens=float(hd),
        hoffmann_tokens_per_param=float(hd / hn),
        hoffmann_exponent_a=hof["beta"] / (hof["alpha"] + hof["beta"]),
        ci_level=1 - alpha, draws=int(x.shape[0]), seed=int(seed), assumptions=used,
        notes=notes, _samples=samples)
