"""Rolling-origin evaluation: are the forecasts and their intervals right on results they have
not seen, at every horizon?

For every benchmark with enough dated results and every cutoff on a quarterly grid, each
registered model (:mod:`.registry`) is fitted on the results dated before the cutoff and
predicts **every** later result (no selection on the error: the check of the intervals) —
and, separately flagged, the later results that set a new best error (``new_best``: selected
to be lucky for their compute, so biased towards less compute than any trend). Two
predictions per result:

* **forward** — its error from its compute and date (in the form's transform: log10 error
  for the polynomial form), with a 95% interval;
* **inverse** — the log10 compute needed for its error at its date, with a 95% interval; the
  error is in orders of magnitude (predicted − actual: positive when the model asked for more
  compute than the result used). Only fits whose compute slope is identified (its interval
  wholly below zero) make inverse predictions; the others count in ``not_identified``.

**No look-ahead.** With the joined table (``joined``), every choice
:func:`~computelimits.scaling.dataset.benchmark_data` makes from the data — the compute kind,
the peak precision, the evaluation setting — is made at each cutoff from the rows dated
before it; the later results scored are those of the same kind, precision and setting. The
shared rate of algorithmic progress is refitted on every benchmark's results before each
cutoff. (With regression rows already selected, ``datasets`` only, the choices are those of
the whole table, and :attr:`RollingResult.lookahead_free` says so.)

Per-prediction columns (:data:`COLUMNS`): ``result_id`` (one later result, the same at every
cutoff: its source file and row), ``horizon_years`` (years from the last training result to
the later result's date) and ``horizon_bin`` (0-1y, 1-2y, 2-3y, 3y+), ``actual_y``,
``pred_y`` and its interval ``pred_y_ci_low`` / ``pred_y_ci_high`` (forward, transformed
error); ``actual_x``, ``pred_x`` and ``pred_x_ci_low`` / ``pred_x_ci_high`` (inverse, log10
compute).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError
from computelimits.scaling.backtests import split
from computelimits.scaling.evaluation.registry import (
    MODELS,
    CutoffContext,
    Predicted,
    get_model,
)
from computelimits.scaling.forecast import pool_calibration
from computelimits.scaling.forms import FORMS
from computelimits.scaling.horizon import HORIZON_LABELS, horizon_bin

__all__ = ["COLUMNS", "MIN_TRAIN", "cutoff_grid", "result_ids", "rolling_origin",
           "shared_rate_before"]

#: A cutoff is evaluated only with at least this many dated training results.
MIN_TRAIN = 12

COLUMNS = ["benchmark", "cutoff", "model", "n_train", "identified", "interval", "row",
           "result_id", "year", "horizon_years", "horizon_bin", "new_best", "compute_kind",
           "setting", "units", "actual_y", "pred_y", "pred_y_ci_low", "pred_y_ci_high",
           "in_forward", "actual_x", "pred_x", "pred_x_ci_low", "pred_x_ci_high", "in_inverse",
           "forward_error", "inverse_error_oom", "width_oom"]

#: The columns the evaluation reads (the rest of the regression rows is dropped before the
#: many splits, which copy what they keep).
_COLUMNS_USED = ("benchmark", "error", "log10_flop", "year", "date", "cluster", "chance_error",
                 "paper", "source", "model", "source_file", "source_row")


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


def result_ids(rows: pd.DataFrame) -> list[str]:
    """One id per result, the same whichever cutoff it is scored after: its source file and
    row where the rows carry them, else its model, date, compute and error."""
    def cell(col: str) -> pd.Series:
        if col in rows:
            return rows[col].astype("string").fillna("").astype(str)
        return pd.Series([""] * len(rows), index=rows.index)

    f, r = cell("source_file"), cell("source_row")
    fallback = (cell("model") + "|" + pd.to_datetime(rows["date"]).astype(str) + "|"
                + rows["log10_flop"].round(6).astype(str) + "|"
                + rows["error"].round(8).astype(str))
    has = (f != "") & (r != "")
    # a source row can carry several scores (metrics of one model): the error tells them apart
    own = f + ":" + r + "|" + rows["error"].round(8).astype(str)
    return list(own.where(has, fallback))


def shared_rate_before(trains: list[pd.DataFrame]) -> float | None:
    """The shared rate (orders of magnitude per year) of
    :class:`~computelimits.scaling.pooled.PooledProgress` fitted on the given training rows
    of every benchmark (None if it cannot be fitted, or lands on its search bound)."""
    from computelimits.scaling.pooled import PooledProgress

    parts = [t[t["year"].notna()] for t in trains if len(t)]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if rows.empty:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = PooledProgress(n_boot=0).fit(rows)
    except ConfigError:
        return None
    return None if fit.at_bound_ else float(fit.gamma_)


def _slim(data: pd.DataFrame) -> pd.DataFrame:
    out = data[[c for c in _COLUMNS_USED if c in data.columns]]
    out.attrs = data.attrs
    return out


class _Chooser:
    """Per benchmark, the regression rows whose kind, precision and setting were chosen from
    the rows dated before a cutoff (memoised per choice)."""

    def __init__(self, bench: str, joined: pd.DataFrame, select: dict[str, Any]) -> None:
        self.bench = bench
        self.rows = joined[(joined["benchmark"] == bench).to_numpy()]
        self.dates = pd.to_datetime(self.rows["date"])
        self.select = dict(select)
        self.memo: dict[tuple, pd.DataFrame] = {}

    def at(self, cutoff: pd.Timestamp) -> pd.DataFrame | None:
        from computelimits.scaling.dataset import benchmark_data

        pre = self.rows[(self.dates < cutoff).to_numpy()]
        try:
            sel = benchmark_data(self.bench, joined=pre, **self.select).attrs["selection"]
        except ConfigError:
            return None
        fixed = dict(self.select)
        fixed["kind"] = "all" if sel.mixed else sel.kind
        if sel.precision:
            fixed["precision"] = sel.precision
        if sel.setting:
            fixed["setting"] = sel.setting
        key = (fixed["kind"], fixed.get("precision"), fixed.get("setting"))
        if key not in self.memo:
            try:
                self.memo[key] = _slim(benchmark_data(self.bench, joined=self.rows, **fixed))
            except ConfigError:
                return None
        return self.memo[key]


class _Rows:
    """The prediction rows, kept by column (numbers as arrays, text and yes/no/none cells as
    lists) rather than as one dictionary per row: the same table at a fraction of the
    memory."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {c: [] for c in COLUMNS}
        self.n = 0

    def add(self, **cols: Any) -> None:
        for c, v in cols.items():
            self.cols[c].append(v)

    def frame(self) -> pd.DataFrame:
        if not self.n:
            return pd.DataFrame([], columns=COLUMNS)
        out = {}
        for c, parts in self.cols.items():
            if isinstance(parts[0], np.ndarray):
                out[c] = np.concatenate(parts)
            else:
                out[c] = [v for part in parts for v in part]
        return pd.DataFrame(out, columns=COLUMNS)


def _emit(rows: _Rows, bench: str, cutoff: pd.Timestamp, model: str, train: pd.DataFrame,
          after: pd.DataFrame, p: Predicted, *, form: str, identified: bool,
          interval: str | None, ids: list[str], new_best: np.ndarray,
          sel: Any) -> None:
    n = len(after)
    x = after["log10_flop"].to_numpy(float)
    year = after["year"].to_numpy(float)
    y = p.y if p.y is not None else FORMS[form].transform(after["error"].to_numpy(float))
    y = np.asarray(y, float)
    last = float(train["year"].max())
    h = year - last
    hb = horizon_bin(h)
    px, lx, hx = (p.px, p.lx, p.hx) if identified else (np.full(len(x), np.nan),) * 3
    px, lx, hx = (np.asarray(v, float) for v in (px, lx, hx))
    py, ly, hy = (np.asarray(v, float) for v in (p.py, p.ly, p.hy))
    with np.errstate(invalid="ignore"):
        fwd_in = (ly <= y) & (y <= hy)
        inv_in = (lx <= x) & (x <= hx)
        width = hx - lx
    fwd_ok = np.isfinite(ly)
    inv_ok = ~(np.isnan(lx) | np.isnan(hx))
    rows.n += n
    rows.add(benchmark=[bench] * n, cutoff=[cutoff.date().isoformat()] * n, model=[model] * n,
             n_train=np.full(n, len(train), dtype=np.int64), identified=[identified] * n,
             interval=[interval] * n, row=np.arange(n, dtype=np.int64),
             result_id=list(ids[:n]), year=year.copy(), horizon_years=h,
             horizon_bin=[HORIZON_LABELS[b] if b >= 0 else None for b in hb],
             new_best=np.asarray(new_best, bool).copy(),
             compute_kind=[getattr(sel, "kind", None)] * n,
             setting=[getattr(sel, "setting", None)] * n, units=[p.units] * n,
             actual_y=y.copy(), pred_y=py.copy(), pred_y_ci_low=ly.copy(),
             pred_y_ci_high=hy.copy(),
             in_forward=[bool(v) if ok else None for v, ok in zip(fwd_in, fwd_ok, strict=True)],
             actual_x=x.copy(), pred_x=px.copy(), pred_x_ci_low=lx.copy(),
             pred_x_ci_high=hx.copy(),
             in_inverse=[bool(v) if ok else None for v, ok in zip(inv_in, inv_ok, strict=True)],
             forward_error=py - y, inverse_error_oom=px - x,
             width_oom=np.where(inv_ok, width, np.nan))


def _new_bests(train: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    e = after["error"].to_numpy(float)
    order = np.argsort(after["date"].to_numpy(), kind="mergesort")
    best_before = float(train["error"].min())
    running = np.minimum.accumulate(np.concatenate([[best_before], e[order]]))[:-1]
    out = np.zeros(len(after), bool)
    out[order] = e[order] < running
    return out


def rolling_origin(datasets: dict[str, pd.DataFrame], *, form: str = "polynomial",
                   alpha: float = 0.05, n_boot: int = 300, seed: int = 0,
                   step_months: int = 3, min_train: int = MIN_TRAIN,
                   cutoffs: list[str] | None = None, pool_intervals: bool = True,
                   models: tuple[str, ...] = MODELS, joined: pd.DataFrame | None = None,
                   select: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per (benchmark, cutoff, model, later result) — see the module docstring.

    Args:
        datasets: benchmark → regression rows (:func:`.dataset.benchmark_data`): the cutoff
            grid and, without ``joined``, the rows themselves.
        cutoffs: fixed cutoff dates (default: :func:`cutoff_grid` per benchmark).
        pool_intervals: calibrate the conformal intervals of the models that are
            ``calibrated_together`` on the scores of every benchmark at the cutoff together.
        models: which registered models to evaluate (:data:`.registry.MODELS`).
        joined: the results joined with compute: the kind, precision and setting are then
            chosen at each cutoff from the rows before it (no look-ahead).
        select: keywords for :func:`.dataset.benchmark_data` with ``joined``.
    """
    from computelimits import validate as v

    alpha = v.share(alpha, "alpha")
    n_boot = v.boot_count(n_boot)
    seed = v.whole(seed, "seed", low=0)
    step_months = v.whole(step_months, "step_months", low=1, high=120)
    min_train = v.whole(min_train, "min_train", low=3)
    if not isinstance(datasets, dict):
        raise ConfigError(f"datasets must map benchmark ids to regression rows, got "
                          f"{type(datasets).__name__}")
    for b, d in datasets.items():
        v.frame(d, f"datasets[{b!r}]", ("error", "log10_flop", "year", "date"))
    specs = {m: get_model(m) for m in models}
    need_rate = form == "polynomial" and any(s.needs_shared_rate for s in specs.values())
    choosers = ({b: _Chooser(b, joined, select or {}) for b in datasets}
                if joined is not None else {})
    slim = {b: _slim(d) for b, d in datasets.items()}
    grids: dict[pd.Timestamp, list[str]] = {}
    for bench, data in slim.items():
        dated = data[data["year"].notna()]
        grid = ([pd.Timestamp(c) for c in cutoffs] if cutoffs is not None else
                cutoff_grid(dated, step_months=step_months, min_train=min_train))
        for cut in grid:
            grids.setdefault(cut, []).append(bench)
    rows = _Rows()
    for cut in sorted(grids):
        work = []
        trains_all = []
        trains_by = {}
        for bench in slim:
            data = choosers[bench].at(cut) if choosers else slim[bench]
            if data is None:
                continue
            dated = data[data["year"].notna()]
            train, after, _ = split(dated, cut)
            train.attrs = data.attrs
            trains_all.append(train)
            trains_by[bench] = train
            if bench in grids[cut] and len(train) >= min_train and not after.empty:
                work.append((bench, train, after, data.attrs.get("selection")))
        if not work:
            continue
        ctx = CutoffContext(cutoff=cut, form=form, alpha=alpha, n_boot=n_boot, seed=seed,
                            shared_rate=shared_rate_before(trains_all) if need_rate else None)
        for spec in specs.values():
            spec.prepare(trains_by, ctx)
        fitted: dict[str, dict[str, Any]] = {m: {} for m in specs}
        for bench, train, _, _ in work:
            for m, spec in specs.items():
                try:
                    fitted[m][bench] = spec.fit(train, ctx)
                except ConfigError:
                    continue
        if pool_intervals:
            for m, spec in specs.items():
                if spec.calibrated_together:
                    pool_calibration([f.forecast for f in fitted[m].values()])
        for bench, train, after, sel in work:
            ids = result_ids(after)
            nb = _new_bests(train, after)
            for m in specs:
                f = fitted[m].get(bench)
                if f is None:
                    continue
                _emit(rows, bench, cut, m, train, after, f.predict(after), form=form,
                      identified=f.identified, interval=f.interval, ids=ids, new_best=nb,
                      sel=sel)
    out = rows.frame()
    out.attrs["lookahead_free"] = joined is not None
    return out
