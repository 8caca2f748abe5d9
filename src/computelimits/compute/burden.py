"""Training compute: the paper's *hardware burden* and *network operations*.

Thompson et al. (2020) measure compute two ways (§3):

* **hardware burden** = Σ over processors of count × peak rate × training time: FLOP/s ×
  seconds = FLOP, with no utilization factor. The precision of the peak rate must be stated.
* **network operations** = FLOP per forward pass × passes (forward + backward ≈ 3) ×
  examples × epochs; for dense transformers ≈ 6 × parameters × training tokens.

*Effective compute* = burden × utilization (the FLOP actually done). One multiply-add is
2 FLOP everywhere; :func:`macs_to_flop` converts tools that report multiply-accumulates.
"""

from __future__ import annotations

import numpy as np

from computelimits import assumptions, formulas
from computelimits.errors import ConfigError

__all__ = [
    "chip_hours_for",
    "effective_compute",
    "hardware_burden",
    "macs_to_flop",
    "network_operations",
    "transformer_training_flop",
]


def _positive(name: str, value: float | np.ndarray, *, allow_zero: bool = False) -> None:
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if bad.any():
        raise ConfigError(f"{name} must be a positive number, got {value}")


def hardware_burden(chips: float, peak_flops: float, seconds: float):
    """Hardware burden, FLOP: ``chips`` × ``peak_flops`` (FLOP/s per chip) × ``seconds``."""
    _positive("chips", chips)
    _positive("peak FLOP/s", peak_flops)
    _positive("training time", seconds)
    return formulas.hardware_burden_flop(np.asarray(chips, float), np.asarray(peak_flops, float),
                                         np.asarray(seconds, float))


def effective_compute(burden_flop: float, utilization: float | None = None):
    """FLOP actually performed: burden × utilization (default: Epoch's 0.35, see
    :mod:`computelimits.assumptions`)."""
    u = assumptions.get("utilization").value if utilization is None else utilization
    arr = np.asarray(u, float)
    if np.any(~np.isfinite(arr) | (arr <= 0) | (arr > 1)):
        raise ConfigError(f"utilization must lie in (0, 1], got {u}")
    return np.asarray(burden_flop, float) * arr


def network_operations(flop_per_forward: float, examples: float, epochs: float = 1.0,
                       passes: float | None = None):
    """Training FLOP from operation counts: forward FLOP per example × passes (default 3:
    forward + backward) × examples × epochs."""
    p = assumptions.get("training_passes_per_example").value if passes is None else passes
    _positive("FLOP per forward pass", flop_per_forward)
    _positive("examples", examples)
    _positive("epochs", epochs)
    return formulas.network_operations_flop(np.asarray(flop_per_forward, float), p,
                                            np.asarray(examples, float),
                                            np.asarray(epochs, float))


def transformer_training_flop(parameters: float, tokens: float):
    """Dense-transformer training FLOP ≈ 6 × parameters × tokens (Kaplan et al. 2020)."""
    _positive("parameters", parameters)
    _positive("tokens", tokens)
    k = assumptions.get("transformer_flop_per_param_token").value
    return formulas.transformer_training_flop(k, np.asarray(parameters, float),
                                              np.asarray(tokens, float))


def macs_to_flop(macs: float):
    """Multiply-accumulates (as reported by e.g. ptflops, fvcore, convnet-burden) → FLOP."""
    _positive("MACs", macs, allow_zero=True)
    return formulas.macs_to_flop(np.asarray(macs, float), assumptions.get("flop_per_mac").value)


def chip_hours_for(flop: float, peak_flops: float, utilization: float | None = None):
    """Chip-hours needed to perform ``flop`` at ``peak_flops`` × utilization."""
    _positive("FLOP", flop)
    _positive("peak FLOP/s", peak_flops)
    return np.asarray(flop, float) / np.asarray(
        effective_compute(peak_flops, utilization), float) / 3600.0
