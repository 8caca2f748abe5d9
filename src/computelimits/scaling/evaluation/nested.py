"""The default forecast model, chosen without seeing what it is scored on.

At each cutoff k of the rolling origin, :func:`nested_choice` chooses among the candidate
models (:func:`.registry.candidates`) the one whose earlier predictions scored best on
**outcomes already observed at k**: predictions made at cutoffs before k of results dated
before k. The score is the mean interval score of the 95% inverse interval (orders of
magnitude of compute; Gneiting & Raftery 2007, :func:`.scores.interval_score`) over the
predictions every candidate made; where fewer than :data:`MIN_MATURED` such predictions exist,
the forward interval's score is used (only among candidates whose forward predictions share
one unit: log10 error or logit error); where neither has enough, the prior default
(:data:`PRIOR_DEFAULT`) is kept and the choice says so. The ``nested`` model's predictions
at cutoff k are those of the model chosen at k — its coverage and errors are the honest
figures of "the default model", because the choice never saw the results it is scored on
(Varma & Simon 2006, "Bias in error estimation when using cross-validation for model
selection", BMC Bioinformatics 7:91; Tashman 2000, "Out-of-sample tests of forecasting
accuracy", Int. J. Forecasting 16:437).

:func:`choose_now` makes the same choice with every outcome observed so far: the default
:func:`~computelimits.scaling.outlooks.outlook` uses today.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from computelimits.scaling.dates import decimal_year
from computelimits.scaling.evaluation.scores import interval_score

__all__ = ["MIN_MATURED", "PRIOR_DEFAULT", "choose", "choose_now", "nested_choice"]

#: Fewest matured predictions (made by every candidate) to choose on.
MIN_MATURED = 30

#: The model kept while no evidence exists (the time model: the default of issue 10's
#: evaluation, before any nested choice).
PRIOR_DEFAULT = "time"


def _score(rows: pd.DataFrame, candidates: tuple[str, ...], alpha: float
           ) -> tuple[dict[str, float], str, int]:
    """Mean interval score per candidate on the predictions all of them made: (scores,
    which prediction was scored, how many)."""
    for what, lo, hi, actual in (("inverse", "pred_x_ci_low", "pred_x_ci_high", "actual_x"),
                                 ("forward", "pred_y_ci_low", "pred_y_ci_high", "actual_y")):
        r = rows[rows["model"].isin(candidates)]
        r = r[r[lo].notna() & r[hi].notna()]
        if what == "forward" and "units" in r and r["units"].nunique() > 1:
            continue  # forward errors in different units (forms, scales) do not compare
        key = ["benchmark", "cutoff", "result_id"]
        counts = r.groupby(key)["model"].nunique()
        common = counts[counts == len(candidates)].index
        r = r.set_index(key)
        r = r[r.index.isin(common)]
        n = len(common)
        if n >= MIN_MATURED:
            s = interval_score(r[lo], r[hi], r[actual], alpha)
            scores = pd.Series(s, index=r.index).groupby(r["model"].to_numpy()).mean()
            return {m: float(scores.get(m, math.inf)) for m in candidates}, what, n
    return {}, "none", 0


def choose(rows: pd.DataFrame, candidates: tuple[str, ...], alpha: float = 0.05
           ) -> dict[str, Any]:
    """The candidate with the lowest mean interval score on ``rows`` (see the module
    docstring): ``model``, ``scored`` ("inverse", "forward" or "none"), ``n``, ``scores``."""
    scores, what, n = _score(rows, candidates, alpha)
    finite = {m: s for m, s in scores.items() if math.isfinite(s)}
    if not finite:
        model = PRIOR_DEFAULT if PRIOR_DEFAULT in candidates else candidates[0]
        return {"model": model, "scored": "none", "n": n, "scores": scores,
                "reason": f"fewer than {MIN_MATURED} matured predictions: the prior default"}
    model = min(finite, key=lambda m: (finite[m], candidates.index(m)))
    return {"model": model, "scored": what, "n": n, "scores": scores,
            "reason": f"lowest mean {what} interval score over {n} matured predictions"}


def nested_choice(pred: pd.DataFrame, candidates: tuple[str, ...], *, alpha: float = 0.05,
                  pool: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the ``nested`` model's prediction rows, one row per cutoff with the model chosen
    there and why). The choice at cutoff k reads only predictions made before k of results
    dated before k, over the benchmarks in ``pool`` (default: all)."""
    cands = tuple(c for c in candidates if c in set(pred["model"]))
    if pred.empty or not cands:
        return pred.iloc[0:0].copy(), pd.DataFrame()
    scored_from = pred if pool is None else pred[pred["benchmark"].isin(pool)]
    cut_year = {c: float(decimal_year(pd.Series([pd.Timestamp(c)]))[0])
                for c in pred["cutoff"].unique()}
    made = scored_from["cutoff"].map(cut_year).to_numpy(float)
    seen = scored_from["year"].to_numpy(float)
    parts, choices = [], []
    for cut in sorted(cut_year):
        k = cut_year[cut]
        matured = scored_from[(made < k) & (seen < k)]
        ch = choose(matured, cands, alpha)
        choices.append({"cutoff": cut, "chosen_model": ch["model"], "scored": ch["scored"],
                        "matured_predictions": ch["n"], "reason": ch["reason"],
                        **{f"score_{m}": ch["scores"].get(m, np.nan) for m in cands}})
        rows = pred[(pred["cutoff"] == cut) & (pred["model"] == ch["model"])]
        parts.append(rows.assign(model="nested", chosen_model=ch["model"]))
    nested = pd.concat(parts, ignore_index=True) if parts else pred.iloc[0:0].copy()
    return nested, pd.DataFrame(choices)


def choose_now(pred: pd.DataFrame, candidates: tuple[str, ...], *, alpha: float = 0.05,
               pool: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The choice with every outcome observed so far (all of ``pred``)."""
    rows = pred if pool is None else pred[pred["benchmark"].isin(pool)]
    cands = tuple(c for c in candidates if c in set(rows["model"]))
    if not cands:
        return {"model": PRIOR_DEFAULT, "scored": "none", "n": 0, "scores": {},
                "reason": "no candidate evaluated: the prior default"}
    return choose(rows, cands, alpha)
