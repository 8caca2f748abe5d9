"""Functional forms of error against training compute (Thompson et al. 2020, §3).

Each form is a straight line y = a + b·x in x = log10(compute) for a transform y of the error
e ∈ (0, 1):

* ``polynomial``: y = log10 e, so e ∝ C^b and C ∝ e^(1/b) — compute polynomial in 1/error
  with degree −1/b (the paper's main form);
* ``exponential``: y = e, so compute grows exponentially as error falls;
* ``site``: y = −log10 e, the companion site's axis (the polynomial form with the sign of y
  flipped: same fit, positive slope);
* ``logit``: y = ln(e / (1 − e)), which keeps predictions inside (0, 1).

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
    Form("site", lambda e: -np.log10(e), lambda y: 10.0 ** (-np.asarray(y, float)),
         lambda e: -np.log(np.asarray(e, float) * np.log(10.0)),
         "−log10(error) = a + b·log10(compute) (companion site)"),
    Form("logit", _logit, _expit,
         lambda e: -np.log(np.asarray(e, float) * (1.0 - np.asarray(e, float))),
         "logit(error) = a + b·log10(compute)"),
]}
