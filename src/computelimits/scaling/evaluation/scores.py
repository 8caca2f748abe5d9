"""Scores of the rolling-origin predictions (:mod:`.rolling`): coverage, error, sharpness and
skill, per benchmark and pooled, per horizon bin, per prediction and per distinct result.

* **per prediction**: every (cutoff, later result) pair counts once — a result dated long
  after the data is predicted from many cutoffs and weighs as many times;
* **per distinct result** (``*_distinct``): each later result counts once, its predictions
  averaged first (coverage: the share of its intervals that held; error: the mean absolute
  error of its predictions), so that a few results seen from many cutoffs do not dominate;
* **sharpness**: ``width_median_oom``, the median width of the 95% inverse interval in orders
  of magnitude of compute (a wide interval covers easily: read it beside the coverage);
* **skill** against a baseline: 1 − median |inverse error| of the model / that of the
  baseline, over the predictions both made (above 0: better than the baseline).

:func:`summarize` gives one row per benchmark (and the pool) × target ("all" later results,
or the ``new_best`` ones) × model × ``horizon`` ("all" or a bin of
:data:`~computelimits.scaling.horizon.HORIZON_LABELS`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from computelimits.scaling.horizon import HORIZON_LABELS

__all__ = ["STAT_COLUMNS", "interval_score", "summarize"]

STAT_COLUMNS = ["predictions", "distinct_results", "cutoffs", "not_identified",
                "forward_coverage", "forward_coverage_distinct", "inverse_predictions",
                "inverse_coverage", "inverse_coverage_distinct", "forward_medae",
                "inverse_medae_oom", "inverse_medae_oom_distinct", "inverse_bias_oom",
                "width_median_oom"]


def interval_score(low: np.ndarray, high: np.ndarray, actual: np.ndarray,
                   alpha: float) -> np.ndarray:
    """The interval score of a central (1 − α) interval (Gneiting & Raftery 2007, "Strictly
    proper scoring rules, prediction, and estimation", JASA 102:359, eq. 43): its width plus
    2/α times the distance by which the actual value falls outside (lower is better; in the
    unit of the prediction)."""
    lo, hi, x = (np.asarray(v, float) for v in (low, high, actual))
    with np.errstate(invalid="ignore"):
        return ((hi - lo) + (2 / alpha) * np.maximum(lo - x, 0)
                + (2 / alpha) * np.maximum(x - hi, 0))


def _distinct_mean(values: pd.Series, ids: pd.Series) -> float:
    ok = values.notna()
    if not ok.any():
        return math.nan
    per = values[ok].astype(float).groupby(ids[ok]).mean()
    return float(per.mean())


def _stats(g: pd.DataFrame) -> dict:
    ids = g["benchmark"].astype(str) + "|" + g["result_id"].astype(str)
    inv = g["inverse_error_oom"].astype(float)
    inv_ok = np.isfinite(inv)
    absinv = inv.abs().where(inv_ok)
    fwd = g["forward_error"].to_numpy(float)
    cov_f = g["in_forward"].dropna()
    cov_i = g["in_inverse"].dropna()
    width = g["width_oom"].astype(float)
    per_result = absinv.groupby(ids).mean().dropna()
    return {
        "predictions": len(g), "distinct_results": int(ids.nunique()),
        "cutoffs": g["cutoff"].nunique(),
        "not_identified": (float((~g["identified"].astype(bool)).mean()) if len(g)
                           else math.nan),
        "forward_coverage": float(cov_f.astype(bool).mean()) if len(cov_f) else math.nan,
        "forward_coverage_distinct": _distinct_mean(
            g["in_forward"].map(lambda v: None if v is None or v != v else float(v)), ids),
        "inverse_predictions": len(cov_i),
        "inverse_coverage": float(cov_i.astype(bool).mean()) if len(cov_i) else math.nan,
        "inverse_coverage_distinct": _distinct_mean(
            g["in_inverse"].map(lambda v: None if v is None or v != v else float(v)), ids),
        "forward_medae": float(np.median(np.abs(fwd))) if len(fwd) else math.nan,
        "inverse_medae_oom": float(absinv.median()) if inv_ok.any() else math.nan,
        "inverse_medae_oom_distinct": (float(per_result.median()) if len(per_result)
                                       else math.nan),
        "inverse_bias_oom": float(inv[inv_ok].median()) if inv_ok.any() else math.nan,
        "width_median_oom": (float(width[width.notna()].median()) if width.notna().any()
                             else math.nan),
    }


def _skill(err: pd.DataFrame, model: str, base: str) -> float:
    """1 − median |error| of ``model`` / that of ``base``, over the predictions both made."""
    if model not in err or base not in err:
        return math.nan
    both = err[[model, base]].dropna()
    both = both[np.isfinite(both).all(axis=1)]
    if both.empty:
        return math.nan
    b = float(np.median(both[base]))
    return 1 - float(np.median(both[model])) / b if b > 0 else math.nan


def summarize(pred: pd.DataFrame, *, pooled_name: str = "pooled",
              pool: tuple[str, ...] | None = None,
              baselines: tuple[str, ...] = ("compute_only", "naive")) -> pd.DataFrame:
    """Per benchmark × target × model × horizon, and pooled over ``pool`` (default: every
    benchmark): :data:`STAT_COLUMNS` and ``skill_vs_<baseline>`` (see the module
    docstring)."""
    if pred.empty:
        return pd.DataFrame()
    rows = []
    groups = [(b, g) for b, g in pred.groupby("benchmark")]
    sel = pred if pool is None else pred[pred["benchmark"].isin(pool)]
    groups.append((pooled_name, sel))
    for bench, g in groups:
        for target, h in (("all", g), ("new_best", g[g["new_best"]])):
            parts = [("all", h)] + [(lab, h[h["horizon_bin"] == lab]) for lab in HORIZON_LABELS]
            for horizon, k in parts:
                if k.empty:
                    continue
                err = k.assign(abs_err=k["inverse_error_oom"].abs()).pivot_table(
                    index=["benchmark", "cutoff", "result_id"], columns="model",
                    values="abs_err", aggfunc="first")
                for model, m in k.groupby("model"):
                    row = {"benchmark": bench, "target": target, "model": model,
                           "horizon": horizon, **_stats(m)}
                    for base in baselines:
                        row[f"skill_vs_{base}"] = _skill(err, str(model), base)
                    rows.append(row)
    return pd.DataFrame(rows)
