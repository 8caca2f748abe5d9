"""Functional forms of error against training compute (Thompson et al. 2020, §3).

Each form is a straight line y = a + b·x in x = log10(compute) for a transform y of the error
e ∈ (0, 1), and each assumes something different about how error falls with compute:

* ``polynomial``: y = log10 e, so e ∝ C^b and C ∝ e^(1/b) — compute polynomial in 1/error
  with degree −1/b (the paper's main form). Assumes a constant *relative* gain: every
  10× of compute multiplies the error by the same factor 10^b, with no floor. The paper's
  companion site plots −log10 e against log10 C: that is this form with the sign of y flipped
  (same fit, same R², AIC and halving multiple), so it is not a separate form here.
* ``exponential``: y = e, so compute grows exponentially as error falls. Assumes a constant
  *absolute* gain: every 10× of compute lowers the error by the same b points, so the line
  reaches zero error at a finite compute and below it predicts nonsense.
* ``logit``: y = ln(e / (1 − e)). Assumes constant gains in log-odds: near-polynomial at low
  error and flattening towards an error of 1, so predictions stay inside (0, 1).

``dy_de`` gives the Jacobian used to put every form's likelihood on the common error scale,
so that AIC and BIC can be compared across forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["FORMS", "Form"]


@dataclass(frozen=True)
class Form:
    name: str
    transform: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]
    log_abs_dy_de: Callable[[np.ndarray], np.ndarray]
    description: str


def _logit(e):
    e = np.asarray(e, float)
    return np.log(e / (1.0 - e))


def _expit(y):
    return 1.0 / (1.0 + np.exp(-np.asarray(y, float)))


FORMS: dict[str, Form] = {f.name: f for f in [
    Form("polynomial", lambda e: np.log10(e), lambda y: 10.0 ** np.asarray(y, float),
         lambda e: -np.log(np.asarray(e, float) * np.log(10.0)),
         "log10(error) = a + b·log10(compute)"),
    Form("exponential", lambda e: np.asarray(e, float), lambda y: np.asarray(y, float),
         lambda e: np.zeros_like(np.asarray(e, float)),
         "error = a + b·log10(compute)"),
    Form("logit", _logit, _expit,
         lambda e: -np.log(np.asarray(e, float) * (1.0 - np.asarray(e, float))),
         "logit(error) = a + b·log10(compute)"),
]}
