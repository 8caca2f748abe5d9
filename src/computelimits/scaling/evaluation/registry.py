"""The forecast models the evaluation knows, each defined once.

A model is a :class:`ForecastModel`: ``fit(train, context)`` on the results dated before a
cutoff returns a :class:`FittedModel` whose ``predict(after)`` gives, for every later result,
the forward prediction (its transformed error from its compute and date, with a 95%
interval) and the inverse prediction (the log10 compute needed for its error at its date,
with a 95% interval). The rolling-origin evaluation (:mod:`.rolling`), the nested choice of
the default (:mod:`.nested`), :func:`computelimits.scaling.outlooks.outlook`, the report and
the CLI's ``--model`` choices all read :data:`MODELS` from here.

Adding a model is one module under :mod:`computelimits.scaling.evaluation.models` that
defines a :class:`ForecastModel` subclass called ``Model``, and one line in
:data:`MODEL_MODULES`; ``tests/test_evaluation.py`` runs every registered model through the
rolling-origin backtest.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from computelimits.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from computelimits.scaling.forecast import Forecast

__all__ = ["MODELS", "MODEL_MODULES", "CutoffContext", "FittedModel", "ForecastModel",
           "Predicted", "candidates", "get_model"]

#: One line per model: its name → the module that defines it (``Model``), in the order
#: tables list them.
MODEL_MODULES: dict[str, str] = {
    "hybrid": "computelimits.scaling.evaluation.models.hybrid",
    "pooled": "computelimits.scaling.evaluation.models.pooled",
    "time": "computelimits.scaling.evaluation.models.time",
    "time_local": "computelimits.scaling.evaluation.models.time_local",
    "time_logit": "computelimits.scaling.evaluation.models.time_logit",
    "time_shrunk": "computelimits.scaling.evaluation.models.time_shrunk",
    "time_recent": "computelimits.scaling.evaluation.models.time_recent",
    "time_bootstrap": "computelimits.scaling.evaluation.models.time_bootstrap",
    "compute_only": "computelimits.scaling.evaluation.models.compute_only",
    "naive": "computelimits.scaling.evaluation.models.naive",
}

#: Every registered model's name.
MODELS: tuple[str, ...] = tuple(MODEL_MODULES)


@dataclass
class CutoffContext:
    """What a model may know at a cutoff besides its own benchmark's training rows.

    ``shared_rate`` / ``shared_draws``: the rate of algorithmic progress shared by every
    benchmark, fitted on their results dated before the cutoff (orders of magnitude per year;
    None where it cannot be fitted or was not asked for), and its cluster-bootstrap draws
    (their spread enters the intervals of a forecast that borrows the rate:
    :mod:`.borrowed`)."""

    cutoff: pd.Timestamp | None = None
    form: str = "polynomial"
    alpha: float = 0.05
    n_boot: int = 300
    seed: int = 0
    shared_rate: float | None = None
    shared_draws: np.ndarray | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)  # set by prepare()


@dataclass
class Predicted:
    """Predictions of later results (arrays of one length): forward ``py`` with its interval
    ``ly``/``hy`` (transformed error), inverse ``px`` with ``lx``/``hx`` (log10 compute);
    NaN where the model gives none."""

    py: np.ndarray
    ly: np.ndarray
    hy: np.ndarray
    px: np.ndarray
    lx: np.ndarray
    hx: np.ndarray
    y: np.ndarray | None = None  # the actual transformed error in the model's own units
    units: str | None = None  # what py and y measure, e.g. "log10 error"


class FittedModel(Protocol):
    """A model fitted before one cutoff: ``identified`` (its compute slope), ``interval``
    (the method of its intervals) and, optionally, ``rate_identified`` (whether its own rate
    of algorithmic progress is identified, :attr:`Forecast.rate_identified_`; taken as True
    where absent: a model without an own rate)."""

    identified: bool
    interval: str | None

    def predict(self, after: pd.DataFrame) -> Predicted: ...


class ForecastModel:
    """Base of the registered models (see the module docstring).

    Class attributes: ``name``; ``description`` (one sentence, shown in tables and
    ``--help``); ``needs_shared_rate`` (the rolling origin fits the shared rate before each
    cutoff for it); ``calibrated_together`` (its conformal intervals are calibrated on the
    scores of every benchmark at the cutoff together); ``candidate`` (it can answer
    ``outlook``'s questions and so be chosen as the default by the nested evaluation)."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    needs_shared_rate: ClassVar[bool] = False
    calibrated_together: ClassVar[bool] = False
    candidate: ClassVar[bool] = False

    def prepare(self, trains: dict[str, pd.DataFrame], context: CutoffContext) -> None:
        """Called once per cutoff (and by ``outlook``) with every benchmark's training rows,
        before ``fit``: a model that borrows strength across benchmarks stores what it
        learns in ``context.extra`` (default: nothing)."""

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedModel:
        raise NotImplementedError

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        """The :class:`~computelimits.scaling.forecast.Forecast` behind a candidate model
        (for :func:`~computelimits.scaling.outlooks.outlook`)."""
        raise ConfigError(f"the {self.name} model does not answer outlook questions")


def get_model(name: str) -> ForecastModel:
    """The registered model called ``name`` (``compute-only`` is ``compute_only``)."""
    key = str(name).replace("-", "_")
    if key not in MODEL_MODULES:
        raise ConfigError(f"unknown forecast model {name!r}; known: {', '.join(MODELS)}")
    return importlib.import_module(MODEL_MODULES[key]).Model()


def candidates() -> tuple[str, ...]:
    """The models the nested evaluation may choose as the default."""
    return tuple(m for m in MODELS if get_model(m).candidate)

