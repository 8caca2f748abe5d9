"""The paper's two measures of training compute, as plain arithmetic shared by the data layer
(which computes them from users' files and imputes them for ImageNet networks) and the compute
layer (which validates its arguments and adds costs). Nothing here reads data or checks input.

Thompson et al. (2020), §3:

* **hardware burden** = Σ over processors of count × peak rate × training time (FLOP/s × s =
  FLOP), with no utilization factor;
* **network operations** = FLOP per forward pass × passes per example (forward + backward ≈ 3)
  × examples × epochs; for dense transformers ≈ 6 × parameters × training tokens (Kaplan et
  al. 2020).

One multiply-add is 2 FLOP (:func:`macs_to_flop`). Arguments may be floats or numpy arrays.

And the two rates that turn FLOP performed into energy and dollars (used by the estimator,
the extrapolations and the cost Monte Carlo):

* **energy per FLOP** (kWh) = chip power (W) × server overhead × PUE ÷ (peak FLOP/s ×
  utilization) ÷ 3600 s/h ÷ 1000 W/kW (:func:`kwh_per_flop`);
* **dollars per FLOP** = price per chip-hour ÷ (peak FLOP/s × utilization × 3600 s/h)
  (:func:`usd_per_flop_performed`).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

__all__ = ["hardware_burden_flop", "kwh_per_flop", "macs_to_flop", "network_operations_flop",
           "transformer_training_flop", "usd_per_flop_performed"]

Num = TypeVar("Num", float, np.ndarray)


def hardware_burden_flop(chips: Num, peak_flop_per_s: Num, seconds: Num) -> Num:
    """Hardware burden, FLOP: ``chips`` × ``peak_flop_per_s`` (per chip) × ``seconds``."""
    return chips * peak_flop_per_s * seconds


def network_operations_flop(flop_per_forward: Num, passes: Num, examples: Num,
                            epochs: Num) -> Num:
    """Training FLOP from operation counts: FLOP per forward pass of one example × passes
    per example × examples × epochs."""
    return flop_per_forward * passes * examples * epochs


def transformer_training_flop(flop_per_param_token: Num, parameters: Num, tokens: Num) -> Num:
    """Dense-transformer training FLOP ≈ k × parameters × tokens (k = 6, Kaplan et al. 2020)."""
    return flop_per_param_token * parameters * tokens


def macs_to_flop(macs: Num, flop_per_mac: Num = 2.0) -> Num:
    """Multiply-accumulates → FLOP (2 FLOP per multiply-add)."""
    return flop_per_mac * macs


def kwh_per_flop(power_w: Num, overhead: Num, pue: Num, peak_flop_per_s: Num,
                 utilization: Num) -> Num:
    """Energy per FLOP performed, kWh: ``power_w`` (W per chip) × ``overhead`` (server
    power per chip power) × ``pue`` ÷ (``peak_flop_per_s`` × ``utilization``) ÷ 3600 ÷ 1000."""
    return power_w * overhead * pue / (peak_flop_per_s * utilization * 3600.0) / 1000.0


def usd_per_flop_performed(usd_per_chip_hour: Num, peak_flop_per_s: Num,
                           utilization: Num) -> Num:
    """Dollars per FLOP performed: ``usd_per_chip_hour`` ÷ (``peak_flop_per_s`` ×
    ``utilization`` × 3600 s/h)."""
    return usd_per_chip_hour / (peak_flop_per_s * utilization * 3600.0)
