"""The theory experiment: Oracle, Expert, Flexible and Regularized models learning a sparse
linear model, their accuracy and their compute as the data grow.

Importing this package is light (numpy only): :func:`simulate` and :class:`TheoryResult`
(which need pandas, scipy.stats and matplotlib) are loaded on first use, so that a worker
process that only runs replications (:mod:`.replication`) never imports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computelimits._lazy import lazy_exports
from computelimits.theory.config import MODELS, TheoryConfig, log_grid

if TYPE_CHECKING:  # pragma: no cover
    from computelimits.theory.experiment import TheoryResult, simulate

__all__ = ["MODELS", "TheoryConfig", "TheoryResult", "log_grid", "simulate"]

_LAZY = {"TheoryResult": "computelimits.theory.experiment",
         "simulate": "computelimits.theory.experiment"}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
