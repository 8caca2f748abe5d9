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
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

__all__ = ["hardware_burden_flop", "macs_to_flop", "network_operations_flop",
           "transformer_training_flop"]

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
