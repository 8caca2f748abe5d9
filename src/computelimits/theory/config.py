"""Settings of the theory experiment (Thompson et al. 2020, §2: "Deep learning's
computational requirements in theory")."""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np

from computelimits.errors import ConfigError

__all__ = ["MODELS", "TheoryConfig", "log_grid"]

#: The four models, in the order the paper introduces them.
MODELS: tuple[str, ...] = ("oracle", "expert", "flexible", "regularized")


def log_grid(n_min: int, n_max: int, per_decade: int) -> tuple[int, ...]:
    """Sample sizes spaced evenly in log10 from ``n_min`` to ``n_max`` (both included),
    ``per_decade`` points per factor of ten, rounded to integers and de-duplicated."""
    if n_min < 1 or n_max < n_min:
        raise ConfigError(f"sample-size grid needs 1 <= n_min <= n_max, got {n_min}..{n_max}")
    if per_decade < 1:
        raise ConfigError(f"--per-decade must be at least 1, got {per_decade}")
    decades = math.log10(n_max / n_min)
    count = max(1, round(decades * per_decade)) + 1
    grid = np.unique(np.round(np.logspace(math.log10(n_min), math.log10(n_max), count)))
    return tuple(int(v) for v in grid)


@dataclass(frozen=True)
class TheoryConfig:
    """Everything that defines one run of the theory experiment.

    Generative model: rows ``x ~ N(0, I_p)``; ``k`` non-zero coefficients at random positions,
    random signs, magnitudes ``Uniform(magnitude_low, magnitude_high)``; ``y = x·β + ε``,
    ``ε ~ N(0, σ²)`` with ``σ² = ‖β‖² / snr`` (snr is the signal-to-noise ratio of the
    population: Var(x·β)/Var(ε)). Within a replication the samples are **nested**: the data at
    a larger n extend the data at the smaller n (a learning curve), and rows are assigned to
    the ``folds`` cross-validation folds round-robin.

    Attributes:
        p: candidate features (Flexible and Regularized see all of them).
        k: non-zero coefficients (Oracle sees exactly these).
        snr: signal-to-noise ratio ‖β‖²/σ² (> 0).
        magnitude_low, magnitude_high: bounds of the uniform coefficient magnitudes; the lower
            bound keeps every coefficient, so the Expert's omitted one, away from zero.
        n_grid: sample sizes, increasing.
        reps: independent replications (new β, new data) per sample size.
        seed: root of ``numpy.random.SeedSequence``; replication r uses child r.
        folds: K of K-fold cross-validation for the Regularized model's penalty.
        penalty: ``"cv"`` (K-fold cross-validation, as scikit-learn's LassoCV) or
            ``"universal"`` (α = σ·sqrt(2·ln p / n) with the true σ: the universal threshold of
            Donoho & Johnstone 1994, the rate of Bickel, Ritov & Tsybakov 2009; no folds).
        n_alphas, alpha_ratio: the penalty path, ``n_alphas`` values log-spaced from α_max
            (smallest penalty with all coefficients zero) down to ``alpha_ratio·α_max``
            (scikit-learn's defaults 100 and 1e-3).
        patience: cross-validation stops walking down the path once the mean validation error
            has not improved for this many consecutive penalties (0: walk the whole path).
        tol: coordinate-descent convergence threshold relative to yᵀy (glmnet's ``thresh``).
        max_sweeps: cap on coordinate-descent passes per penalty.
        materialize: draw the design matrix X and fit from it as a practitioner would
            (slow; measures real wall time). Otherwise draw each fold's sufficient statistics
            directly from their Wishart distribution (fast; same distribution of results).
    """

    p: int = 1000
    k: int = 10
    snr: float = 1.0
    magnitude_low: float = 0.5
    magnitude_high: float = 1.5
    n_grid: tuple[int, ...] = field(default_factory=lambda: log_grid(10, 100_000, 3))
    reps: int = 100
    seed: int = 0
    folds: int = 5
    penalty: Literal["cv", "universal"] = "cv"
    n_alphas: int = 100
    alpha_ratio: float = 1e-3
    patience: int = 10
    tol: float = 1e-7
    max_sweeps: int = 10_000
    materialize: bool = False

    def __post_init__(self) -> None:
        grid = tuple(int(v) for v in self.n_grid)
        object.__setattr__(self, "n_grid", grid)
        if self.p < 2:
            raise ConfigError(f"p must be at least 2, got {self.p}")
        if self.k < 1:
            raise ConfigError(f"k must be at least 1, got {self.k}")
        if self.k >= self.p:
            raise ConfigError(
                f"k must be smaller than p (the Expert needs a wrong feature), got k={self.k}, "
                f"p={self.p}")
        if not (math.isfinite(self.snr) and self.snr > 0):
            raise ConfigError(f"snr must be a positive number, got {self.snr}")
        if not (0 < self.magnitude_low <= self.magnitude_high < math.inf):
            raise ConfigError(
                "coefficient magnitudes need 0 < low <= high, got "
                f"{self.magnitude_low}..{self.magnitude_high}")
        if not grid:
            raise ConfigError("the sample-size grid is empty")
        if any(b <= a for a, b in itertools.pairwise(grid)):
            raise ConfigError(f"the sample-size grid must be strictly increasing, got {grid}")
        if self.reps < 1:
            raise ConfigError(f"reps must be at least 1, got {self.reps}")
        if self.seed < 0:
            raise ConfigError(f"seed must be non-negative, got {self.seed}")
        if self.penalty not in ("cv", "universal"):
            raise ConfigError(f"penalty must be 'cv' or 'universal', got {self.penalty!r}")
        if self.penalty == "cv":
            if self.folds < 2:
                raise ConfigError(f"folds must be at least 2, got {self.folds}")
            if grid[0] < self.folds:
                raise ConfigError(
                    f"the smallest sample size ({grid[0]}) must be at least the number of "
                    f"cross-validation folds ({self.folds})")
        if grid[0] < 1:
            raise ConfigError(f"sample sizes must be positive, got {grid[0]}")
        if self.n_alphas < 2:
            raise ConfigError(f"n_alphas must be at least 2, got {self.n_alphas}")
        if not 0 < self.alpha_ratio < 1:
            raise ConfigError(f"alpha_ratio must lie in (0, 1), got {self.alpha_ratio}")
        if self.patience < 0:
            raise ConfigError(f"patience must be non-negative, got {self.patience}")
        if not 0 < self.tol < 1:
            raise ConfigError(f"tol must lie in (0, 1), got {self.tol}")
        if self.max_sweeps < 1:
            raise ConfigError(f"max_sweeps must be at least 1, got {self.max_sweeps}")

    @classmethod
    def quick(cls, **overrides: Any) -> TheoryConfig:
        """A small setting that finishes in seconds: p = 100, k = 5, n from 10 to 10,000
        (2 per decade, so n = p is on the grid), 8 replications. Same qualitative picture."""
        base: dict[str, Any] = {"p": 100, "k": 5, "n_grid": log_grid(10, 10_000, 2), "reps": 8}
        base.update(overrides)
        return cls(**base)

    @property
    def sigma_over_norm(self) -> float:
        """σ/‖β‖ = 1/sqrt(snr)."""
        return 1.0 / math.sqrt(self.snr)

    def replace(self, **changes: Any) -> TheoryConfig:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form, for ``config.json`` next to the results."""
        d = asdict(self)
        d["n_grid"] = list(self.n_grid)
        return d
