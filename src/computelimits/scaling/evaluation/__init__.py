"""Out-of-sample evaluation of forecasts: one package, one registry of models.

* :mod:`.registry` — every forecast model defined once (:data:`MODELS`, :func:`get_model`);
  one module per model under :mod:`.models`;
* :mod:`.rolling` — the rolling-origin backtest (no look-ahead: every data-driven choice is
  made from the rows before each cutoff);
* :mod:`.scores` — coverage, error, sharpness and skill per horizon bin and per distinct
  result;
* :mod:`.nested` — the default model chosen on earlier cutoffs, scored on later ones;
* :mod:`.runs` — :func:`evaluate`, :func:`rolling_evaluation` (``computelimits backtest``) and
  the compute-only backtests at given cutoffs.

Names are imported on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computelimits._lazy import lazy_exports

if TYPE_CHECKING:
    from computelimits.scaling.evaluation.nested import choose_now, nested_choice
    from computelimits.scaling.evaluation.registry import (
        MODELS,
        CutoffContext,
        ForecastModel,
        candidates,
        get_model,
    )
    from computelimits.scaling.evaluation.rolling import cutoff_grid, rolling_origin
    from computelimits.scaling.evaluation.runs import (
        LANGUAGE_SOURCES,
        RollingEvaluation,
        cutoff_backtests,
        datasets_with_history,
        evaluate,
        rolling_evaluation,
    )
    from computelimits.scaling.evaluation.scores import interval_score, summarize

_EXPORTS = {
    "MODELS": "registry", "CutoffContext": "registry", "ForecastModel": "registry",
    "candidates": "registry", "get_model": "registry",
    "cutoff_grid": "rolling", "rolling_origin": "rolling",
    "interval_score": "scores", "summarize": "scores",
    "choose_now": "nested", "nested_choice": "nested",
    "LANGUAGE_SOURCES": "runs", "RollingEvaluation": "runs", "cutoff_backtests": "runs",
    "datasets_with_history": "runs", "evaluate": "runs", "rolling_evaluation": "runs",
}

__all__ = [
    "LANGUAGE_SOURCES",
    "MODELS",
    "CutoffContext",
    "ForecastModel",
    "RollingEvaluation",
    "candidates",
    "choose_now",
    "cutoff_backtests",
    "cutoff_grid",
    "datasets_with_history",
    "evaluate",
    "get_model",
    "interval_score",
    "nested_choice",
    "rolling_evaluation",
    "rolling_origin",
    "summarize",
]


__getattr__, __dir__ = lazy_exports(__name__, {k: f".{v}" for k, v in _EXPORTS.items()},
                                     globals())
