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
  baseline, over the predictions both made (above 0: better than the baseline). In the
  pooled rows it carries a 95% interval (``skill_vs_<baseline>_ci_low`` / ``_ci_high``): the
  percentile bootstrap over distinct later results (each drawn with all its predictions, as
  the predictions of one result from several cutoffs are not independent; :data:`SKILL_BOOT`
  draws, fewer for very many predictions, seed :data:`SKILL_SEED`) — an interval that
  includes 0 says the data cannot tell the model from the baseline.

:func:`summarize` gives one row per benchmark (and the pool) × target ("all" later results,
or the ``new_best`` ones) × model × ``horizon`` ("all" or a bin of
:data:`~computelimits.scaling.horizon.HORIZON_LABELS`). Where the rolling origin scored a
random sample of the later results (``in_sample``), "all" means the sample — the new bests
kept outside it count only in the ``new_best`` target, which has them all.
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


class _Columns:
    """The prediction columns the scores read, as arrays, computed once for the whole table
    (not once per group): result ids as integer codes (sorted), yes/no/none cells as
    1.0/0.0/NaN."""

    def __init__(self, pred: pd.DataFrame) -> None:
        self.ids, self.n_ids = self._result_codes(pred)
        self.cutoff, cuts = pd.factorize(pred["cutoff"])
        self.n_cutoffs = len(cuts)
        self.key = pred.groupby(["benchmark", "cutoff", "result_id"], sort=False,
                                dropna=False, observed=True).ngroup().to_numpy()
        self.n_keys = int(self.key.max()) + 1 if len(self.key) else 0
        self.identified = pred["identified"].astype(bool).to_numpy()
        self.inv = pred["inverse_error_oom"].astype(float).to_numpy()
        self.fwd = pred["forward_error"].to_numpy(float)
        self.width = pred["width_oom"].astype(float).to_numpy()
        self.cov_f = self._share(pred["in_forward"])
        self.cov_i = self._share(pred["in_inverse"])

    @staticmethod
    def _result_codes(pred: pd.DataFrame) -> tuple[np.ndarray, int]:
        """One code per distinct result, "benchmark|result_id", numbered in the sorted order
        of that text — the codes of ``pd.factorize(text, sort=True)``, with the text built
        only for the distinct (benchmark, result) pairs rather than for every row."""
        bench, res = pred["benchmark"], pred["result_id"]
        if bench.isna().any() or res.isna().any():
            text = bench.astype(str) + "|" + res.astype(str)
            codes, uniq = pd.factorize(text, sort=True)
            return codes, len(uniq)
        b, b_uniq = pd.factorize(bench)
        r, r_uniq = pd.factorize(res)
        pairs, inverse = np.unique(b.astype(np.int64) * len(r_uniq) + r, return_inverse=True)
        text = [f"{b_uniq[k // len(r_uniq)]}|{r_uniq[k % len(r_uniq)]}" for k in pairs.tolist()]
        rank = np.empty(len(text), np.int64)
        rank[sorted(range(len(text)), key=text.__getitem__)] = np.arange(len(text))
        return rank[inverse.ravel()], len(text)

    @staticmethod
    def _share(v: pd.Series) -> np.ndarray:
        miss = v.isna().to_numpy()
        out = np.where(miss, np.nan, 0.0)
        out[~miss] = v[~miss].astype(bool).to_numpy(float)
        return out


def _per_result(values: np.ndarray, ids: np.ndarray, n_ids: int) -> np.ndarray:
    """The mean of the non-missing values of each result (sorted by id), results with none
    left out."""
    ok = ~np.isnan(values)
    n = np.bincount(ids[ok], minlength=n_ids)
    s = np.bincount(ids[ok], weights=values[ok], minlength=n_ids)
    has = n > 0
    return s[has] / n[has]


def _mean(v: np.ndarray) -> float:
    return float(np.sum(v) / len(v)) if len(v) else math.nan


def _median(v: np.ndarray) -> float:
    return float(np.median(v)) if len(v) else math.nan


def _stats(c: _Columns, i: np.ndarray) -> dict:
    ids = c.ids[i]
    inv = c.inv[i]
    inv_ok = np.isfinite(inv)
    absinv = np.where(inv_ok, np.abs(inv), np.nan)
    cov_f, cov_i = c.cov_f[i], c.cov_i[i]
    width = c.width[i]
    per_result = _per_result(absinv, ids, c.n_ids)
    per_result = per_result[~np.isnan(per_result)]
    f_ok, i_ok = ~np.isnan(cov_f), ~np.isnan(cov_i)
    return {
        "predictions": len(i),
        "distinct_results": int(np.count_nonzero(np.bincount(ids, minlength=c.n_ids))),
        "cutoffs": int(np.count_nonzero(np.bincount(c.cutoff[i], minlength=c.n_cutoffs))),
        "not_identified": float((~c.identified[i]).mean()) if len(i) else math.nan,
        "forward_coverage": _mean(cov_f[f_ok]),
        "forward_coverage_distinct": _mean(_per_result(cov_f, ids, c.n_ids)),
        "inverse_predictions": int(i_ok.sum()),
        "inverse_coverage": _mean(cov_i[i_ok]),
        "inverse_coverage_distinct": _mean(_per_result(cov_i, ids, c.n_ids)),
        "forward_medae": _median(np.abs(c.fwd[i])),
        "inverse_medae_oom": _median(absinv[inv_ok]),
        "inverse_medae_oom_distinct": _median(per_result),
        "inverse_bias_oom": _median(inv[inv_ok]),
        "width_median_oom": _median(width[~np.isnan(width)]),
    }


#: Bootstrap draws and seed of the pooled skill's interval, and the draws weighed at once
#: (memory: this many × the predictions both models made). Where the predictions are many,
#: fewer draws (never below :data:`SKILL_BOOT_MIN`) keep draws × predictions within
#: :data:`SKILL_CELLS`: a large user's file is not held up by an interval's last digit.
SKILL_BOOT = 1000
SKILL_BOOT_MIN = 200
SKILL_CELLS = 20_000_000
SKILL_SEED = 0
SKILL_BLOCK = 50


def _weighted_medians(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per row of the weights ``w`` (draws × values), the weighted median of ``v`` (the lower
    one at an even split, as ``np.median`` averages: near enough for an interval)."""
    order = np.argsort(v, kind="stable")
    cw = np.cumsum(w[:, order], axis=1)
    half = cw[:, -1:] / 2
    at = np.minimum((cw < half).sum(axis=1), len(v) - 1)
    return v[order][at]


def _skill_ci(errors: dict[str, np.ndarray], model: str, base: str,
              result_of_key: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """Percentile bootstrap interval of :func:`_skill` over distinct results (module
    docstring); NaNs where fewer than 10 results are shared."""
    if model not in errors or base not in errors:
        return math.nan, math.nan
    a, b = errors[model], errors[base]
    both = np.flatnonzero(np.isfinite(a) & np.isfinite(b))
    res, code = np.unique(result_of_key[both], return_inverse=True)
    if len(res) < 10:
        return math.nan, math.nan
    rng = np.random.default_rng(SKILL_SEED)
    code = code.ravel()
    va, vb = a[both], b[both]
    n_boot = max(SKILL_BOOT_MIN, min(SKILL_BOOT, SKILL_CELLS // len(both)))
    parts = []
    for start in range(0, n_boot, SKILL_BLOCK):  # bounded memory however many results
        k = min(SKILL_BLOCK, n_boot - start)
        counts = rng.multinomial(len(res), np.full(len(res), 1 / len(res)), size=k)
        w = counts[:, code].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            parts.append(1 - _weighted_medians(va, w) / _weighted_medians(vb, w))
    s = np.concatenate(parts)
    s = s[np.isfinite(s)]
    if len(s) < 2:
        return math.nan, math.nan
    lo, hi = np.percentile(s, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lo), float(hi)


def _skill(errors: dict[str, np.ndarray], model: str, base: str) -> float:
    """1 − median |error| of ``model`` / that of ``base``, over the predictions both made
    (``errors``: model → |inverse error| per prediction key, NaN where none)."""
    if model not in errors or base not in errors:
        return math.nan
    a, b = errors[model], errors[base]
    both = np.isfinite(a) & np.isfinite(b)
    if not both.any():
        return math.nan
    m = float(np.median(b[both]))
    return 1 - float(np.median(a[both])) / m if m > 0 else math.nan


def _errors_by_model(c: _Columns, i: np.ndarray, models: np.ndarray, names: list[str]
                     ) -> dict[str, np.ndarray]:
    """Per model, the first non-missing |inverse error| of each prediction key (benchmark,
    cutoff, result) among rows ``i`` (as the pivot table of the first values did), NaN for
    the keys without one (every key of the table: those outside ``i`` are NaN for every
    model, so the medians over the keys both models have are the same); models without one
    left out. ``models``: per row, the model's position in ``names``."""
    out = {}
    mi = models[i]
    for m in np.unique(mi).tolist():
        rows = i[(mi == m) & ~np.isnan(c.inv[i])]
        if not len(rows):
            continue
        v = np.full(c.n_keys, np.nan)
        keys, first = np.unique(c.key[rows], return_index=True)  # each key's first row
        v[keys] = np.abs(c.inv[rows[first]])
        out[names[m]] = v
    return out


def summarize(pred: pd.DataFrame, *, pooled_name: str = "pooled",
              pool: tuple[str, ...] | None = None,
              baselines: tuple[str, ...] = ("compute_only", "naive"),
              interval_models: tuple[str, ...] | None = ("nested",)) -> pd.DataFrame:
    """Per benchmark × target × model × horizon, and pooled over ``pool`` (default: every
    benchmark): :data:`STAT_COLUMNS` and ``skill_vs_<baseline>`` (see the module
    docstring), with the skill's bootstrap interval in the pooled rows of
    ``interval_models`` (None: every model; the default, the one the report quotes, or every
    model where the table has no ``nested`` rows)."""
    if pred.empty:
        return pd.DataFrame()
    c = _Columns(pred)
    bench, bench_names = pd.factorize(pred["benchmark"])
    model = pred["model"]
    models, model_names = pd.factorize(model.astype(str) if model.isna().any() else model)
    model_names = [str(m) for m in model_names]
    new_best = pred["new_best"].to_numpy(bool)
    in_sample = (pred["in_sample"].to_numpy(bool) if "in_sample" in pred
                 else np.ones(len(pred), bool))
    hbin = pd.Index(HORIZON_LABELS).get_indexer(pred["horizon_bin"].astype(object))
    rows = []
    groups = [(b, bench == j) for j, b in sorted(enumerate(bench_names), key=lambda jb: jb[1])]
    groups.append((pooled_name, np.ones(len(pred), bool) if pool is None
                   else pred["benchmark"].isin(pool).to_numpy()))
    result_of_key = np.full(c.n_keys, -1, np.int64)
    result_of_key[c.key] = c.ids
    if interval_models is not None and not set(interval_models) & set(model_names):
        interval_models = None
    for name, g in groups:
        for target, t in (("all", g & in_sample), ("new_best", g & new_best)):
            parts = [("all", t)] + [(lab, t & (hbin == h))
                                    for h, lab in enumerate(HORIZON_LABELS)]
            for horizon, k in parts:
                i = np.flatnonzero(k)
                if not len(i):
                    continue
                errors = _errors_by_model(c, i, models, model_names)
                present = np.unique(models[i]).tolist()
                for m in sorted(present, key=model_names.__getitem__):
                    model = model_names[m]
                    mi = i[models[i] == m]
                    row = {"benchmark": name, "target": target, "model": model,
                           "horizon": horizon, **_stats(c, mi)}
                    for base in baselines:
                        row[f"skill_vs_{base}"] = _skill(errors, model, base)
                        lo = hi = math.nan
                        if (name == pooled_name and target == "all" and model != base
                                and (interval_models is None or model in interval_models)):
                            lo, hi = _skill_ci(errors, model, base, result_of_key)
                        row[f"skill_vs_{base}_ci_low"] = lo
                        row[f"skill_vs_{base}_ci_high"] = hi
                    rows.append(row)
    return pd.DataFrame(rows)
