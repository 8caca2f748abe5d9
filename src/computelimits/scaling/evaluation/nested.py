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

Every candidate is scored as an answer runs it (:func:`as_answered`): where its own rate of
algorithmic progress is not identified on a benchmark at a cutoff
(:attr:`~computelimits.scaling.forecast.Forecast.rate_identified_`), an answer falls back to
the :data:`FALLBACK` model, and so do the predictions scored (column ``answered_by``). The
intervals scored are an answer's too: widened where the newest training results moved
(:func:`~computelimits.scaling.shift.shift_widening`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from computelimits.scaling.dates import decimal_year
from computelimits.scaling.evaluation.scores import interval_score

__all__ = ["FALLBACK", "MIN_MATURED", "PRIOR_DEFAULT", "as_answered", "choose", "choose_now",
           "nested_choice"]

#: Fewest matured predictions (made by every candidate) to choose on.
MIN_MATURED = 30

#: The model kept while no evidence exists (the time model: the default of issue 10's
#: evaluation, before any nested choice).
PRIOR_DEFAULT = "time"

#: The model that answers where the chosen model's own rate of algorithmic progress is not
#: identified (it takes the rate shared by the reference benchmarks), as
#: :func:`~computelimits.scaling.outlooks.outlook` does.
FALLBACK = "hybrid"


def as_answered(pred: pd.DataFrame, candidates: tuple[str, ...]) -> pd.DataFrame:
    """The predictions of each candidate as an answer would make them: on a benchmark and
    cutoff where the candidate's own rate is not identified (``rate_identified`` False) and
    the :data:`FALLBACK` model was fitted, the fallback's predictions stand in, under the
    candidate's name; column ``answered_by`` says whose they are. Other rows are left as
    they are (a table without ``rate_identified`` or without the fallback: all of them)."""
    names = pred["model"].astype(str).to_numpy()
    out = pred.assign(answered_by=pd.Categorical(names))
    if "rate_identified" not in pred or not len(pred):
        return out
    is_fb = names == FALLBACK
    cand = _index_of(pred["model"], tuple(c for c in candidates if c != FALLBACK))
    gone = (cand >= 0) & ~pred["rate_identified"].to_numpy(bool)
    if not is_fb.any() or not gone.any():
        return out
    # one code per (benchmark, cutoff); only where the fallback was fitted there
    key = pred.groupby(["benchmark", "cutoff"], sort=False, observed=True,
                       dropna=False).ngroup().to_numpy()
    has_fb = np.zeros(int(key.max()) + 1, bool)
    has_fb[key[is_fb]] = True
    gone &= has_fb[key]
    if not gone.any():
        return out
    fb_rows = np.flatnonzero(is_fb)
    fb_rows = fb_rows[np.argsort(key[fb_rows], kind="stable")]
    fb_keys = key[fb_rows]
    pairs = np.unique(np.column_stack([key[gone], cand[gone]]), axis=0)
    take, label = [], []
    own = tuple(c for c in candidates if c != FALLBACK)
    for k, c in pairs:
        lo, hi = np.searchsorted(fb_keys, [k, k + 1])
        take.append(fb_rows[lo:hi])
        label += [own[c]] * (hi - lo)
    take_idx = np.concatenate(take)
    repl = pred.iloc[take_idx].assign(answered_by=FALLBACK)
    repl["model"] = pd.Series(label, index=repl.index).astype(pred["model"].dtype)
    repl["answered_by"] = pd.Categorical(repl["answered_by"].to_numpy(),
                                         categories=out["answered_by"].cat.categories)
    return pd.concat([out[~gone], repl], ignore_index=True)


def _index_of(col: pd.Series, values: tuple) -> np.ndarray:
    """Per row, the position of its value in ``values`` (−1: none of them, or missing)."""
    idx = pd.Index(list(values))
    if isinstance(col.dtype, pd.CategoricalDtype):
        at = np.append(idx.get_indexer(col.cat.categories), -1)  # code −1 → the last: −1
        return at[col.cat.codes.to_numpy()]
    return idx.get_indexer(col.to_numpy(object))


class _Scorer:
    """The candidates' interval scores, computed once for a prediction table (as arrays),
    and :func:`choose`'s answer on the rows whose outcomes were observed before any date —
    the numbers :func:`choose` gives on those rows as a table, without a table per cutoff.

    ``use``: the rows that may be scored (default: all); ``observed``: per row, the decimal
    year from which its outcome counts as observed (a row counts before k when it is below
    k; NaN never; default: every row always)."""

    _WHAT = (("inverse", "log10_compute"), ("forward", "transformed_error"))

    def __init__(self, pred: pd.DataFrame, candidates: tuple[str, ...], alpha: float,
                 use: np.ndarray | None = None, observed: np.ndarray | None = None) -> None:
        self.cands = candidates
        n = len(pred)
        use = np.ones(n, bool) if use is None else np.asarray(use, bool)
        self.t = np.full(n, -np.inf) if observed is None else np.asarray(observed, float)
        cand = _index_of(pred["model"], candidates)
        use = use & (cand >= 0)
        # one code per (benchmark, cutoff, result) (−1 where a part is missing: never common)
        key = pred.groupby(["benchmark", "cutoff", "result_id"], sort=False,
                           dropna=True, observed=True).ngroup()
        key = key.fillna(-1).to_numpy(np.int64)
        n_keys = int(key.max()) + 1 if n else 0
        units = (pd.factorize(pred["units"])[0] if "units" in pred
                 else np.full(n, -1, np.int64))
        self.parts = {}
        for what, q in self._WHAT:
            lo = pred[f"{q}_pred_ci_low"]
            hi = pred[f"{q}_pred_ci_high"]
            ok = use & lo.notna().to_numpy() & hi.notna().to_numpy()
            # when each candidate first has a scored prediction of each result: the result
            # is common (scored by all of them) from the latest of these on
            pair = np.full((n_keys, len(candidates)), np.inf)
            k_ok = ok & (key >= 0)
            np.fmin.at(pair, (key[k_ok], cand[k_ok]), self.t[k_ok])  # NaN: never
            key_t = pair.max(axis=1) if len(candidates) else np.full(n_keys, np.inf)
            # when each unit of the forward predictions is first scored
            first_unit = np.full(int(units.max()) + 1 if n else 0, np.inf)
            u_ok = ok & (units >= 0)
            np.fmin.at(first_unit, units[u_ok], self.t[u_ok])
            s = interval_score(lo.to_numpy(float), hi.to_numpy(float),
                               pred[f"actual_{q}"].to_numpy(float), alpha)
            row_t = np.where(k_ok, key_t[np.maximum(key, 0)], np.inf)
            # a row counts once both it and its result's common date are before k
            self.parts[what] = (np.sort(key_t), first_unit, s,
                                np.where(ok, np.maximum(self.t, row_t), np.inf), cand)

    def score(self, k: float = math.inf) -> tuple[dict[str, float], str, int]:
        """Mean interval score per candidate on the predictions all of them made, of the
        rows observed before ``k``: (scores, which prediction was scored, how many)."""
        for what, _ in self._WHAT:
            key_t, first_unit, s, row_t, cand = self.parts[what]
            if what == "forward" and int(np.sum(first_unit < k)) > 1:
                continue  # forward errors in different units (forms, scales) do not compare
            n = int(np.searchsorted(key_t, k, side="left"))
            if n >= MIN_MATURED:
                sel = row_t < k
                scores = pd.Series(s[sel]).groupby(cand[sel]).mean()
                return ({m: float(scores.get(i, math.inf)) for i, m in enumerate(self.cands)},
                        what, n)
        return {}, "none", 0

    def choose(self, k: float = math.inf) -> dict[str, Any]:
        return _choice(*self.score(k), self.cands)


def choose(rows: pd.DataFrame, candidates: tuple[str, ...], alpha: float = 0.05
           ) -> dict[str, Any]:
    """The candidate with the lowest mean interval score on ``rows`` (see the module
    docstring): ``model``, ``scored`` ("inverse", "forward" or "none"), ``n``, ``scores``."""
    return _Scorer(rows, candidates, alpha).choose()


def _choice(scores: dict[str, float], what: str, n: int, candidates: tuple[str, ...]
            ) -> dict[str, Any]:
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
    pred = as_answered(pred, cands)
    cut_code, cuts = pd.factorize(pred["cutoff"])
    cut_year = np.array([float(decimal_year(pd.Series([pd.Timestamp(c)]))[0]) for c in cuts])
    made = np.where(cut_code >= 0, cut_year[np.maximum(cut_code, 0)], np.nan)
    seen = pred["year"].to_numpy(float)
    scorer = _Scorer(pred, cands, alpha, use=_scored_rows(pred, pool),
                     observed=np.maximum(made, seen))  # made before k of results before k
    model_code = _index_of(pred["model"], cands)
    chosen = np.full(len(cuts) + 1, -2)  # per cutoff code, the chosen candidate's position
    names = np.empty(len(cuts), object)
    choices = []
    for j in sorted(range(len(cuts)), key=lambda j: str(cuts[j])):
        cut, k = cuts[j], cut_year[j]
        ch = scorer.choose(k)
        choices.append({"cutoff": cut, "chosen_model": ch["model"], "scored": ch["scored"],
                        "matured_predictions": ch["n"], "reason": ch["reason"],
                        **{f"score_{m}": ch["scores"].get(m, np.nan) for m in cands}})
        chosen[j] = cands.index(ch["model"])
        names[j] = ch["model"]
    take = np.flatnonzero((model_code == chosen[cut_code]) & (model_code >= 0))
    # the cutoffs in the order of their choices, each one's rows in the table's order
    rank = np.empty(len(cuts), np.int64)
    rank[sorted(range(len(cuts)), key=lambda j: str(cuts[j]))] = np.arange(len(cuts))
    take = take[np.argsort(rank[cut_code[take]], kind="stable")]
    nested = pred.iloc[take].reset_index(drop=True)
    label: Any = "nested"
    if isinstance(pred["model"].dtype, pd.CategoricalDtype):  # stays categorical
        cats = list(pred["model"].cat.categories)
        cats += [] if "nested" in cats else ["nested"]
        label = pd.Categorical.from_codes(np.full(len(take), cats.index("nested")), cats)
    nested = nested.assign(model=label, chosen_model=names[cut_code[take]])
    fell = nested["answered_by"].astype(str).to_numpy() != nested["chosen_model"].to_numpy()
    per_cut = nested.loc[fell].groupby("cutoff", observed=True)["benchmark"].nunique()
    table = pd.DataFrame(choices)
    table["fallback_benchmarks"] = [int(per_cut.get(c, 0)) for c in table["cutoff"]]
    return nested, table


def _scored_rows(pred: pd.DataFrame, pool: tuple[str, ...] | None) -> np.ndarray:
    """The rows a choice reads: those of the ``pool``'s benchmarks (default: all) that count
    among "all" later results (``in_sample``, where the rolling origin scored a random
    sample: new bests outside it would tilt the choice towards them)."""
    use = np.ones(len(pred), bool)
    if pool is not None:
        use &= pred["benchmark"].isin(pool).to_numpy()
    if "in_sample" in pred:
        use &= pred["in_sample"].to_numpy(bool)
    return use


def choose_now(pred: pd.DataFrame, candidates: tuple[str, ...], *, alpha: float = 0.05,
               pool: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The choice with every outcome observed so far (all of ``pred``)."""
    use = _scored_rows(pred, pool)
    present = set(pred["model"][use]) if len(pred) else set()
    cands = tuple(c for c in candidates if c in present)
    if not cands:
        return {"model": PRIOR_DEFAULT, "scored": "none", "n": 0, "scores": {},
                "reason": "no candidate evaluated: the prior default"}
    answered = as_answered(pred, cands)
    return _Scorer(answered, cands, alpha, use=_scored_rows(answered, pool)).choose()
