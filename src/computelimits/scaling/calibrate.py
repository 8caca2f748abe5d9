"""Rolling-origin evaluation: are the forecasts and their intervals right on results they have
not seen?

For every benchmark with enough dated results and every cutoff on a quarterly grid, each
model is fitted on the results dated before the cutoff and predicts **every** later result
(``target = "all"``: no selection on the error, the check of the intervals) — and, separately
flagged, the later results that set a new best error (``"new_best"``: selected to be lucky for
their compute, so biased towards less compute than any trend). Two predictions per result:

* **forward** — its error from its compute and date (error measured in the form's transform,
  log10 error for the polynomial form), with a 95% interval;
* **inverse** — the log10 compute needed for its error at its date, with a 95% interval; the
  error is in orders of magnitude (predicted − actual: positive when the model asked for more
  compute than the result used).

Per-prediction columns (:data:`COLUMNS`): ``actual_y``, ``pred_y`` and its interval
``pred_y_ci_low`` / ``pred_y_ci_high`` (forward, transformed error); ``actual_x``, ``pred_x``
and ``pred_x_ci_low`` / ``pred_x_ci_high`` (inverse, log10 compute).

Models compared on the same splits:

* ``pooled`` — :class:`~.forecast.Forecast` with the rate of algorithmic progress shared by
  all benchmarks (:class:`~.pooled.PooledProgress`, fitted on every benchmark's results dated
  before the cutoff), split-conformal intervals on time-ordered residuals;
* ``time`` — the same with the benchmark's own rate;
* ``hybrid`` — the benchmark's own rate where its bootstrap interval lies above zero, else
  the shared rate (:func:`hybrid_forecast`);
* ``time_bootstrap`` — the same line with in-sample cluster-bootstrap intervals;
* ``compute_only`` — :class:`~.fit.ScalingFit` on compute alone (the paper's model) with
  its bootstrap intervals;
Inverse predictions are made only from fits whose compute slope is identified (its interval
wholly below zero); the others count in ``not_identified``. Skill scores compare a model and
a baseline on the predictions both made (same benchmark, cutoff and result).

* ``naive`` — the last record (best error before the cutoff) with its compute grown at the
  training results' own compute growth rate (orders of magnitude per year, OLS of log10
  compute on date, floored at 0) to the later result's date; its forward prediction is the
  record's error (persistence). No interval.

**The choice it made** (shared mirror, 13 language-model benchmarks with ≥ 20 dated results,
1,379 later results over 14 quarterly cutoffs, 2026-12): the ``time`` model with conformal
intervals calibrated on the pooled residuals covered 89% of later results (in-sample bootstrap
intervals of the same line 84%, the compute-only fit 83%, the shared-rate model 90% but on 9
cutoffs only), with a median inverse error of 0.50 orders of magnitude (compute-only 0.56,
shared rate 0.55, hybrid 0.53, naive 1.99). It is therefore the default of
:mod:`.outlook`, which falls back to the shared rate only where a benchmark's own rate is not
identified.

:func:`summarize` gives per benchmark and pooled: predictions, forward and inverse coverage,
median absolute errors, bias, and the skill score 1 − MedAE(model) / MedAE(baseline) of the
inverse prediction against ``compute_only`` and ``naive`` (above 0: better than the baseline).
"""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError
from computelimits.scaling.backtests import split
from computelimits.scaling.fit import YEAR0, ScalingFit
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.forms import FORMS

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["LANGUAGE_SOURCES", "MIN_TRAIN", "MODELS", "cutoff_grid", "datasets_with_history",
           "evaluate",
           "hybrid_forecast", "pool_calibration", "rolling_origin", "shared_rate_before",
           "summarize", "time_models"]

MODELS = ("hybrid", "pooled", "time", "time_bootstrap", "compute_only", "naive")

#: A cutoff is evaluated only with at least this many dated training results.
MIN_TRAIN = 12

COLUMNS = ["benchmark", "cutoff", "model", "n_train", "identified", "interval", "row", "year",
           "new_best", "actual_y", "pred_y", "pred_y_ci_low", "pred_y_ci_high", "in_forward",
           "actual_x", "pred_x", "pred_x_ci_low", "pred_x_ci_high", "in_inverse",
           "forward_error", "inverse_error_oom"]


def cutoff_grid(data: pd.DataFrame, *, step_months: int = 3,
                min_train: int = MIN_TRAIN) -> list[pd.Timestamp]:
    """Quarter starts (by default) from the first date with ``min_train`` dated results
    before it to the last date with a result after it."""
    dates = pd.to_datetime(data["date"]).dropna().sort_values()
    if len(dates) <= min_train:
        return []
    first = dates.iloc[min_train - 1]
    start = pd.Timestamp(first.year, 1 + 3 * ((first.month - 1) // 3), 1) + pd.DateOffset(
        months=step_months)
    last = dates.iloc[-1]
    out = []
    t = start
    while t <= last:
        out.append(pd.Timestamp(t))
        t = t + pd.DateOffset(months=step_months)
    return out


def _bootstrap_forward(fit: ScalingFit, x: np.ndarray, t: np.ndarray, alpha: float,
                       seed: int) -> tuple[np.ndarray, np.ndarray]:
    boot = fit.boot_params_[~np.isnan(fit.boot_params_).any(axis=1)]
    rng = np.random.default_rng(seed)
    noise = rng.choice(fit.resid_scaled_, size=len(boot))
    lines = boot[:, :1] + boot[:, 1:2] * x[None, :] + noise[:, None]
    if fit.control_year:
        lines = lines + boot[:, 2:3] * t[None, :]
    lo, hi = np.percentile(lines, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
    return lo, hi


def _growth(train: pd.DataFrame) -> float:
    year = train["year"].to_numpy(float)
    x = train["log10_flop"].to_numpy(float)
    ok = np.isfinite(year)
    if ok.sum() < 3 or np.ptp(year[ok]) == 0:
        return 0.0
    slope = np.polyfit(year[ok], x[ok], 1)[0]
    return float(max(slope, 0.0))


def time_models(train: pd.DataFrame, *, form: str, alpha: float, n_boot: int, seed: int,
                shared_rate: float | None,
                models: tuple[str, ...] = MODELS) -> dict[str, Forecast]:
    """The time models of one benchmark at one cutoff (those that can be fitted)."""
    specs = [("time", "conformal", None), ("time_bootstrap", "bootstrap", None)]
    if shared_rate is not None and math.isfinite(shared_rate):
        specs.insert(0, ("pooled", "conformal", shared_rate))
    specs = [sp for sp in specs if sp[0] in models]
    out = {}
    for model, interval, rate in specs:
        try:
            out[model] = Forecast(form, interval=interval, alpha=alpha, n_boot=n_boot,
                                  seed=seed, rate=rate).fit(train)
        except ConfigError:
            continue
    if "hybrid" in models:
        with contextlib.suppress(ConfigError):
            out["hybrid"] = hybrid_forecast(train, shared_rate, form=form, alpha=alpha,
                                            n_boot=n_boot, seed=seed)
    return out


def hybrid_forecast(train: pd.DataFrame, shared_rate: float | None, *,
                    shared_draws: np.ndarray | None = None, form: str = "polynomial",
                    alpha: float = 0.05, n_boot: int = 300, seed: int = 0) -> Forecast:
    """The benchmark's own rate of algorithmic progress where its bootstrap interval lies
    wholly above zero, else the rate shared by all benchmarks (conformal intervals either
    way). ``rate_source`` in ``to_dict()`` says which."""
    own = Forecast(form, alpha=alpha, n_boot=max(n_boot, 100), seed=seed).fit(train)
    lo, _ = own.rate_conf_int()
    if (own.identified_ and math.isfinite(lo) and lo > 0) or shared_rate is None \
            or not math.isfinite(shared_rate):
        own.rate_choice_ = "own (interval above zero)" if lo > 0 else "own (no shared rate)"
        return own
    fc = Forecast(form, alpha=alpha, n_boot=n_boot, seed=seed, rate=shared_rate,
                  rate_draws=shared_draws).fit(train)
    fc.rate_choice_ = "shared (the benchmark's own rate is not identified)"
    return fc


def pool_calibration(forecasts: list[Forecast]) -> None:
    """Give every conformal forecast the half-width multiples calibrated on the normalised
    out-of-sample residuals of all of them together (more residuals: the conformal rank
    exists at 95% and the tails are seen)."""
    fwd = [f.residuals_.forward for f in forecasts if f.residuals_ is not None]
    inv = [f.residuals_.inverse for f in forecasts if f.residuals_ is not None]
    if not fwd:
        return
    from computelimits.scaling.forecast import conformal_quantile

    qf = conformal_quantile(np.concatenate(fwd), forecasts[0].alpha)
    qi = conformal_quantile(np.concatenate(inv), forecasts[0].alpha)
    for f in forecasts:
        if f.residuals_ is not None:
            f.q_forward_, f.q_inverse_ = qf, qi
            f.calibration_pooled_ = sum(len(r) for r in fwd)


def _one_cutoff(bench: str, cutoff: pd.Timestamp, train: pd.DataFrame, after: pd.DataFrame,
                *, form: str, alpha: float, n_boot: int, seed: int,
                models: dict[str, Forecast], include: tuple[str, ...] = MODELS) -> list[dict]:
    f = FORMS[form]
    x = after["log10_flop"].to_numpy(float)
    year = after["year"].to_numpy(float)
    t = year - YEAR0
    e = after["error"].to_numpy(float)
    y = f.transform(e)
    best_before = float(train["error"].min())
    order = np.argsort(after["date"].to_numpy(), kind="mergesort")
    running = np.minimum.accumulate(np.concatenate([[best_before], e[order]]))[:-1]
    new_best = np.zeros(len(after), bool)
    new_best[order] = e[order] < running
    rows: list[dict] = []

    def emit(model: str, py, ly, hy, px, lx, hx, identified: bool = True,
             interval: str | None = None) -> None:
        if not identified:  # not identified: no inverse number (compute explains nothing)
            px, lx, hx = nan, nan, nan
        for i in range(len(after)):
            rows.append({
                "benchmark": bench, "cutoff": cutoff.date().isoformat(), "model": model,
                "n_train": len(train), "identified": identified, "interval": interval,
                "row": i, "year": float(year[i]),
                "new_best": bool(new_best[i]), "actual_y": float(y[i]), "pred_y": float(py[i]),
                "pred_y_ci_low": float(ly[i]), "pred_y_ci_high": float(hy[i]),
                "in_forward": bool(ly[i] <= y[i] <= hy[i]) if np.isfinite(ly[i]) else None,
                "actual_x": float(x[i]), "pred_x": float(px[i]),
                "pred_x_ci_low": float(lx[i]), "pred_x_ci_high": float(hx[i]),
                "in_inverse": (bool(lx[i] <= x[i] <= hx[i])
                               if not (math.isnan(lx[i]) or math.isnan(hx[i])) else None),
                "forward_error": float(py[i] - y[i]),
                "inverse_error_oom": float(px[i] - x[i]),
            })

    nan = np.full(len(after), np.nan)
    # time models: shared rate, own rate (conformal and bootstrap intervals)
    for model, fc in models.items():
        a, b, c = fc.abc_
        py, ly, hy = fc.forward_transformed(x, year)
        px = (y - a - c * t) / b
        lx, hx = nan.copy(), nan.copy()
        for i in range(len(after)):
            if not 0 < e[i] < fc.chance_:
                continue
            r = fc.inverse(float(e[i]), float(year[i]))
            lx[i], hx[i] = r["log10_compute_ci_low"], r["log10_compute_ci_high"]
        emit(model, py, ly, hy, px, lx, hx, fc.identified_, fc.interval_used_)
    # the paper's model: compute only
    try:
        if "compute_only" not in include:
            raise ConfigError("not evaluated")
        co = ScalingFit(form, n_boot=n_boot, seed=seed).fit(train)
        a, b = co.params_[:2]
        py = a + b * x
        ly, hy = _bootstrap_forward(co, x, t, alpha, seed + 2)
        px = (y - a) / b
        lx, hx = nan.copy(), nan.copy()
        ok = (e > 0) & (e < co.chance_)
        if ok.any():
            with np.errstate(invalid="ignore"):
                r = co.log10_compute_for_many(e[ok], alpha=alpha)
            if "log10_compute_pred_ci_low" in r:
                lx[ok] = r["log10_compute_pred_ci_low"]
                hx[ok] = r["log10_compute_pred_ci_high"]
                if r["share_wrong_sign"][0] >= alpha / 2:
                    hx[ok] = np.where(np.isnan(hx[ok]), math.inf, hx[ok])
        emit("compute_only", py, ly, hy, px, lx, hx, co.identified_, "bootstrap")
    except ConfigError:
        pass
    # naive: the last record's compute grown at the training results' compute growth
    if "naive" not in include:
        return rows
    rec = train.sort_values(["error", "year"], ascending=[True, False]).iloc[0]
    g = _growth(train)
    px = float(rec["log10_flop"]) + g * np.maximum(0.0, year - float(rec["year"]))
    py = np.full(len(after), float(f.transform(np.array([rec["error"]]))[0]))
    emit("naive", py, nan, nan, px, nan, nan)
    return rows


def shared_rate_before(datasets: dict[str, pd.DataFrame], cutoff: pd.Timestamp
                       ) -> float | None:
    """The shared rate (orders of magnitude per year) of :class:`~.pooled.PooledProgress`
    fitted on every benchmark's results dated before ``cutoff`` (None if it cannot be
    fitted)."""
    import warnings

    from computelimits.scaling.pooled import PooledProgress

    parts = []
    for data in datasets.values():
        d = pd.to_datetime(data["date"])
        parts.append(data[(d < cutoff).to_numpy() & data["year"].notna().to_numpy()])
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if rows.empty:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = PooledProgress(n_boot=0).fit(rows)
    except ConfigError:
        return None
    # a rate at the edge of the search is not an estimate (too little history)
    return None if fit.at_bound_ else float(fit.gamma_)


#: The columns the evaluation reads (the rest of the regression rows is dropped before the
#: many splits, which copy what they keep).
_COLUMNS_USED = ("benchmark", "error", "log10_flop", "year", "date", "cluster", "chance_error",
                 "paper", "source")


def _slim(data: pd.DataFrame) -> pd.DataFrame:
    out = data[[c for c in _COLUMNS_USED if c in data.columns]]
    out.attrs = data.attrs
    return out


def rolling_origin(datasets: dict[str, pd.DataFrame], *, form: str = "polynomial",
                   alpha: float = 0.05, n_boot: int = 300, seed: int = 0,
                   step_months: int = 3, min_train: int = MIN_TRAIN,
                   cutoffs: list[str] | None = None, pooled: bool = True,
                   pool_intervals: bool = True,
                   models: tuple[str, ...] = MODELS) -> pd.DataFrame:
    """One row per (benchmark, cutoff, model, later result) — see the module docstring.

    Args:
        datasets: benchmark → regression rows (:func:`.dataset.benchmark_data`).
        cutoffs: fixed cutoff dates (default: :func:`cutoff_grid` per benchmark).
        pooled: also evaluate the shared-rate model (the polynomial form only; the rate is
            refitted on all ``datasets`` before each cutoff).
        pool_intervals: calibrate the conformal intervals on the residuals of every
            benchmark at the cutoff together (:func:`pool_calibration`), else each on its own.
        models: which of :data:`MODELS` to evaluate.
    """
    rows: list[dict] = []
    rates: dict[pd.Timestamp, float | None] = {}
    work: dict[pd.Timestamp, list[tuple[str, pd.DataFrame, pd.DataFrame]]] = {}
    datasets = {b: _slim(d) for b, d in datasets.items()}
    for bench, data in datasets.items():
        dated = data[data["year"].notna()]
        grid = ([pd.Timestamp(c) for c in cutoffs] if cutoffs is not None else
                cutoff_grid(dated, step_months=step_months, min_train=min_train))
        for cut in grid:
            train, after, _ = split(dated, cut)
            if len(train) < min_train or after.empty:
                continue
            train.attrs = data.attrs
            work.setdefault(cut, []).append((bench, train, after))
    for cut in sorted(work):
        rate = (shared_rate_before(datasets, cut)
                if pooled and form == "polynomial"
                and ("pooled" in models or "hybrid" in models) else None)
        rates[cut] = rate
        fitted = {bench: time_models(train, form=form, alpha=alpha, n_boot=n_boot, seed=seed,
                                     shared_rate=rate, models=models)
                  for bench, train, _ in work[cut]}
        if pool_intervals:
            for model in ("pooled", "time", "hybrid"):
                pool_calibration([m[model] for m in fitted.values() if model in m])
        for bench, train, after in work[cut]:
            rows += _one_cutoff(bench, cut, train, after, form=form, alpha=alpha,
                                n_boot=n_boot, seed=seed, models=fitted[bench],
                                include=models)
    return pd.DataFrame(rows, columns=COLUMNS)


def _stats(g: pd.DataFrame) -> dict:
    inv = g["inverse_error_oom"].to_numpy(float)
    inv = inv[np.isfinite(inv)]
    fwd = g["forward_error"].to_numpy(float)
    cov_f = g["in_forward"].dropna()
    cov_i = g["in_inverse"].dropna()
    return {"predictions": len(g), "cutoffs": g["cutoff"].nunique(),
            "not_identified": float((~g["identified"].astype(bool)).mean()) if len(g) else
            math.nan,
            "forward_coverage": float(cov_f.astype(bool).mean()) if len(cov_f) else math.nan,
            "inverse_coverage": float(cov_i.astype(bool).mean()) if len(cov_i) else math.nan,
            "forward_medae": float(np.median(np.abs(fwd))) if len(fwd) else math.nan,
            "inverse_medae_oom": float(np.median(np.abs(inv))) if len(inv) else math.nan,
            "inverse_bias_oom": float(np.median(inv)) if len(inv) else math.nan}


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
              pool: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per benchmark × model × target ("all", "new_best"), and pooled over ``pool`` (default:
    every benchmark): the statistics of the module docstring and the inverse skill scores
    against ``compute_only`` and ``naive``."""
    if pred.empty:
        return pd.DataFrame()
    rows = []
    groups = [(b, g) for b, g in pred.groupby("benchmark")]
    sel = pred if pool is None else pred[pred["benchmark"].isin(pool)]
    groups.append((pooled_name, sel))
    for bench, g in groups:
        for target, h in (("all", g), ("new_best", g[g["new_best"]])):
            stats = {m: _stats(k) for m, k in h.groupby("model")}
            err = h.assign(abs_err=h["inverse_error_oom"].abs()).pivot_table(
                index=["benchmark", "cutoff", "row"], columns="model", values="abs_err",
                aggfunc="first")
            for model, s in stats.items():
                row = {"benchmark": bench, "target": target, "model": model, **s}
                for base in ("compute_only", "naive"):
                    row[f"skill_vs_{base}"] = _skill(err, model, base)
                rows.append(row)
    return pd.DataFrame(rows)


#: Sources of language-model results: the benchmarks they feed form the pool of the goals.
LANGUAGE_SOURCES = ("epoch-benchmarks", "epoch-open-model-trends")


def datasets_with_history(joined: pd.DataFrame, *, benchmarks: list[str] | None = None,
                          select: dict | None = None, min_results: int = 20,
                          exclude: str | None = None) -> dict[str, pd.DataFrame]:
    """Regression rows (:func:`.dataset.benchmark_data`) of every benchmark in ``joined``
    (or ``benchmarks``, but ``exclude``) with at least ``min_results`` dated results."""
    from computelimits.scaling.dataset import benchmark_data

    out = {}
    for b in benchmarks or sorted(set(joined["benchmark"].dropna())):
        if b == exclude:
            continue
        try:
            d = benchmark_data(b, joined=joined, **(select or {}))
        except ConfigError:
            continue
        if d["year"].notna().sum() >= min_results:
            out[b] = d
    return out


def evaluate(joined: pd.DataFrame | None = None, *, benchmarks: list[str] | None = None,
             select: dict | None = None, min_results: int = 20, n_boot: int = 300,
             seed: int = 0, form: str = "polynomial",
             models: tuple[str, ...] = MODELS,
             datasets: dict[str, pd.DataFrame] | None = None,
             catalog: Catalog | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin evaluation of every benchmark in ``joined`` (or ``benchmarks``) with at
    least ``min_results`` dated results: (per-prediction rows, :func:`summarize` table with
    ``pooled`` = the language-model benchmarks where there are any, else all).

    ``joined``: results joined with compute (default: ``catalog``'s joined table);
    ``datasets``: regression rows already built (benchmark → :func:`.dataset.benchmark_data`
    rows; then ``joined``, ``select`` and ``catalog`` are not used)."""
    if datasets is not None:
        datasets = {b: d for b, d in datasets.items()
                    if (benchmarks is None or b in benchmarks)
                    and d["year"].notna().sum() >= min_results}
    else:
        if joined is None:
            from computelimits.scaling._catalog import resolve_catalog

            joined = resolve_catalog(catalog).joined().table
        datasets = datasets_with_history(joined, benchmarks=benchmarks, select=select,
                                         min_results=min_results)
    if not datasets:
        raise ConfigError(f"no benchmark has {min_results} dated results to evaluate "
                          "forecasts on")
    pred = rolling_origin(datasets, n_boot=n_boot, seed=seed, form=form, models=models)
    lang = tuple(b for b, d in datasets.items()
                 if d["source"].astype(str).isin(LANGUAGE_SOURCES).any())
    return pred, summarize(pred, pool=lang or None,
                           pooled_name="pooled (language models)" if lang else "pooled")
