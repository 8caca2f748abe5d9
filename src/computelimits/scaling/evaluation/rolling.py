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

**A random sample where there are many.** A large file has tens of thousands of later results
per cutoff, and every one of them predicted by every model at every cutoff would be millions
of predictions. Where a benchmark has more than ``max_scored`` (:data:`MAX_SCORED`, 2,000)
later results at a cutoff, a simple random sample of ``max_scored`` of them is scored — drawn
once per (benchmark, cutoff) from ``seed``, so every model is scored on the same results and
the nested choice compares like with like — and every new best is kept besides (they are few,
and the ``new_best`` target needs them all). A new best outside the random sample is scored
only among the new bests (``in_sample`` False), so the figures over "all" later results stay
those of a simple random sample: unbiased, with a binomial standard error of a 95% coverage
of √(0.95·0.05/2000) ≈ 0.005 per benchmark and cutoff, less over the many cutoffs pooled. With
no more later results than the cap (the bundled data: always) nothing is sampled and every
figure is what scoring all of them gives. ``attrs["sampling"]`` records what was done
(:func:`sampling_note` says it in one sentence).

**No look-ahead.** With the joined table (``joined``), every choice
:func:`~computelimits.scaling.dataset.benchmark_data` makes from the data — the compute kind,
the peak precision, the evaluation setting — is made at each cutoff from the rows dated
before it; the later results scored are those of the same kind, precision and setting. The
shared rate of algorithmic progress is refitted on every benchmark's results before each
cutoff. (With regression rows already selected, ``datasets`` only, the choices are those of
the whole table, and :attr:`RollingResult.lookahead_free` says so.)

Per-prediction columns (:data:`COLUMNS`): ``identified`` (the fit's compute slope) and
``rate_identified`` (its own rate of algorithmic progress, Fieller's rule of
:attr:`~computelimits.scaling.forecast.Forecast.rate_identified_`; True for a model without
one: an answer falls back to the shared rate where it is False, and the nested evaluation
scores that fallback, :func:`.nested.as_answered`), ``row`` (the result's position among the
later results of its benchmark at the cutoff), ``result_id`` (one later result, the same at every
cutoff: its source file and row), ``in_sample`` (it counts among "all" later results: always,
unless a random sample was scored, see above), ``horizon_years`` (years from the last
training result to the later result's date) and ``horizon_bin`` (0-1y, 1-2y, 2-3y, 3y+), then
the two predictions
in the package's spelling (``<quantity>_pred_ci_low`` / ``_pred_ci_high`` for a 95% prediction
interval):

* forward, ``transformed_error``: the error in the form's transform (log10 error for the
  polynomial form, the error itself for the exponential, its logit for the logit; ``units``
  names it) — ``actual_transformed_error`` (the result's), ``predicted_transformed_error``
  and its interval ``transformed_error_pred_ci_low`` / ``transformed_error_pred_ci_high``;
  ``in_forward`` (the actual inside the interval) and ``forward_error`` (predicted − actual);
* inverse, ``log10_compute``: log10 of the compute (training FLOP or hardware burden, as
  ``compute_kind`` says) — ``actual_log10_compute`` (the result's),
  ``predicted_log10_compute`` and its interval ``log10_compute_pred_ci_low`` /
  ``log10_compute_pred_ci_high``; ``in_inverse``, ``inverse_error_oom`` (predicted − actual)
  and ``width_oom`` (the interval's width).

Text columns are categorical and the yes/no/none columns (``in_forward``, ``in_inverse``)
nullable booleans: the table of a large file stays a fraction of the memory.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from computelimits.errors import ConfigError
from computelimits.scaling.backtests import split
from computelimits.scaling.evaluation.borrowed import SHARED_BOOT
from computelimits.scaling.evaluation.registry import (
    MODELS,
    CutoffContext,
    Predicted,
    get_model,
)
from computelimits.scaling.forecast import pool_calibration
from computelimits.scaling.forms import FORMS
from computelimits.scaling.horizon import HORIZON_LABELS, horizon_bin

__all__ = ["COLUMNS", "MAX_SCORED", "MIN_TRAIN", "cutoff_grid", "result_ids", "rolling_origin",
           "sampling_note", "shared_rate_before"]

#: A cutoff is evaluated only with at least this many dated training results.
MIN_TRAIN = 12

#: Later results scored per benchmark and cutoff, at most (a seeded random sample beyond it,
#: every new best kept besides; see the module docstring). 2,000 draws give a 95% coverage
#: to ±0.005 (one binomial standard error) at each benchmark and cutoff, far below the
#: differences between models and between cutoffs, and keep the predictions of a 100,000-row
#: file to a few million.
MAX_SCORED = 2000

COLUMNS = ["benchmark", "cutoff", "model", "n_train", "identified", "rate_identified",
           "interval", "row",
           "result_id", "in_sample", "year", "horizon_years", "horizon_bin", "new_best",
           "compute_kind", "setting", "units", "actual_transformed_error",
           "predicted_transformed_error", "transformed_error_pred_ci_low",
           "transformed_error_pred_ci_high", "in_forward",
           "actual_log10_compute", "predicted_log10_compute", "log10_compute_pred_ci_low",
           "log10_compute_pred_ci_high", "in_inverse",
           "forward_error", "inverse_error_oom", "width_oom"]

#: The columns the evaluation reads (the rest of the regression rows is dropped before the
#: many splits, which copy what they keep).
_COLUMNS_USED = ("benchmark", "error", "log10_compute", "year", "date", "cluster", "chance_error",
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
                + rows["log10_compute"].round(6).astype(str) + "|"
                + rows["error"].round(8).astype(str))
    has = (f != "") & (r != "")
    # a source row can carry several scores (metrics of one model): the error tells them apart
    own = f + ":" + r + "|" + rows["error"].round(8).astype(str)
    return list(own.where(has, fallback))


def shared_rate_before(trains: list[pd.DataFrame], *, n_boot: int = 0, seed: int = 0
                       ) -> tuple[float, np.ndarray | None] | None:
    """(the shared rate in orders of magnitude per year, its ``n_boot`` cluster-bootstrap
    draws or None) of :class:`~computelimits.scaling.pooled.PooledProgress` fitted on the
    given training rows of every benchmark. None where it cannot be fitted, lands on its
    search bound, or — with draws — is not identified (its 95% bootstrap interval does not
    lie above zero): the one rule of answers (:func:`~..outlooks.outlook`) and backtests, so
    neither borrows a rate the data do not bound away from zero."""
    from computelimits.scaling.pooled import GammaAtBoundWarning, PooledProgress

    parts = [t[t["year"].notna()] for t in trains if len(t)]
    if parts and all("benchmark" in t.columns for t in parts):  # one order, whatever the
        parts.sort(key=lambda t: str(t["benchmark"].iloc[0]))  # caller's (its bootstrap)
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if rows.empty:
        return None
    try:
        with warnings.catch_warnings():
            # a rate at its search bound is checked below (at_bound_): only that warning
            warnings.simplefilter("ignore", GammaAtBoundWarning)
            fit = PooledProgress(n_boot=n_boot, seed=seed).fit(rows)
    except ConfigError:
        return None
    if fit.at_bound_:
        return None
    if not n_boot:
        return float(fit.gamma_), None
    if not float(fit.conf_int().loc["gamma", "ci_low"]) > 0:
        return None
    return float(fit.gamma_), np.asarray(fit.boot_gamma_, float)


def _slim(data: pd.DataFrame) -> pd.DataFrame:
    out = data[[c for c in _COLUMNS_USED if c in data.columns]]
    out.attrs = data.attrs
    return out


class _Chooser:
    """Per benchmark, the regression rows whose kind, precision and setting were chosen from
    the rows dated before a cutoff (memoised per choice). The choices are those
    :func:`~computelimits.scaling.dataset.benchmark_data` makes on the earlier rows, counted
    on the benchmark's rows prepared once
    (:class:`~computelimits.scaling.dataset.SelectionChoices`)."""

    def __init__(self, bench: str, joined: pd.DataFrame, select: dict[str, Any]) -> None:
        self.bench = bench
        self.rows = joined[(joined["benchmark"] == bench).to_numpy()]
        self.dates = pd.to_datetime(self.rows["date"])
        self.select = dict(select)
        self.memo: dict[tuple, pd.DataFrame] = {}
        self.choices: Any = None  # prepared at the first cutoff

    def at(self, cutoff: pd.Timestamp) -> pd.DataFrame | None:
        from computelimits.scaling.dataset import SelectionChoices, benchmark_data

        if self.choices is None:
            self.choices = SelectionChoices(self.bench, self.rows, **self.select)
        sel = self.choices.choice((self.dates < cutoff).to_numpy())
        if sel is None:
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


#: Text columns of the prediction table, kept as categorical codes.
_CATEGORICAL = ("benchmark", "cutoff", "model", "interval", "result_id", "horizon_bin",
                "compute_kind", "setting", "units")

#: Yes/no/none columns, kept as 1/0/−1 and given as nullable booleans.
_FLAGS = ("in_forward", "in_inverse")


class _Rows:
    """The prediction rows, kept by column as arrays — numbers as floats and integers, text
    as integer codes into one list of values per column, yes/no/none as 1/0/−1 — rather than
    as one dictionary per row: the same table at a fraction of the memory (and no Python
    object per cell)."""

    #: Rows after which the small arrays added are joined into one (memory given back to
    #: the system as a large file's table grows, not held as many small blocks).
    COMPACT_ROWS = 200_000

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}
        self.cats: dict[str, dict[Any, int]] = {c: {} for c in _CATEGORICAL}
        self.cats["horizon_bin"] = {lab: i for i, lab in enumerate(HORIZON_LABELS)}
        self.n = 0
        self._joined = 0  # leading parts of every column already joined
        self._since = 0  # rows added since

    def code(self, col: str, value: Any) -> int:
        """The code of ``value`` in a text column (−1: none)."""
        if value is None:
            return -1
        return self.cats[col].setdefault(value, len(self.cats[col]))

    def codes(self, col: str, values: list) -> np.ndarray:
        return np.fromiter((self.code(col, v) for v in values), np.int32, len(values))

    def add(self, n: int, **cols: Any) -> None:
        """``n`` rows: an array per column, or for a text column one value for all of them
        (or an array of codes)."""
        for c, v in cols.items():
            if c in self.cats and not isinstance(v, np.ndarray):
                v = np.full(n, self.code(c, v), np.int32)
            self.parts[c].append(v)
        self.n += n
        self._since += n
        if self._since >= self.COMPACT_ROWS:
            for parts in self.parts.values():
                parts[self._joined:] = [np.concatenate(parts[self._joined:])]
            self._joined += 1
            self._since = 0

    def frame(self) -> pd.DataFrame:
        if not self.n:
            return pd.DataFrame([], columns=COLUMNS)
        out: dict[str, Any] = {}
        for c in COLUMNS:
            v = np.concatenate(self.parts[c])
            self.parts[c] = []  # the table replaces the parts as it is built
            if c in self.cats:
                v = pd.Categorical.from_codes(v, categories=list(self.cats[c]))
            elif c in _FLAGS:
                v = pd.arrays.BooleanArray(v == 1, v < 0)
            out[c] = v
        return pd.DataFrame(out, columns=COLUMNS, copy=False)  # the arrays, not a copy


def _emit(rows: _Rows, bench: str, cutoff: pd.Timestamp, model: str, train: pd.DataFrame,
          after: pd.DataFrame, p: Predicted, *, form: str, identified: bool,
          rate_identified: bool, interval: str | None, ids: np.ndarray, new_best: np.ndarray,
          sel: Any, pos: np.ndarray, in_sample: np.ndarray) -> None:
    n = len(after)
    x = after["log10_compute"].to_numpy(float)
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
    rows.add(n, benchmark=bench, cutoff=cutoff.date().isoformat(), model=model,
             n_train=np.full(n, len(train), dtype=np.int64),
             identified=np.full(n, bool(identified)),
             rate_identified=np.full(n, bool(rate_identified)), interval=interval, row=pos,
             result_id=ids, in_sample=in_sample, year=year.copy(), horizon_years=h,
             horizon_bin=np.where(hb >= 0, hb, -1).astype(np.int32),
             new_best=np.asarray(new_best, bool).copy(),
             compute_kind=getattr(sel, "kind", None), setting=getattr(sel, "setting", None),
             units=p.units,
             actual_transformed_error=y.copy(), predicted_transformed_error=py.copy(),
             transformed_error_pred_ci_low=ly.copy(), transformed_error_pred_ci_high=hy.copy(),
             in_forward=np.where(fwd_ok, fwd_in, -1).astype(np.int8),
             actual_log10_compute=x.copy(), predicted_log10_compute=px.copy(),
             log10_compute_pred_ci_low=lx.copy(), log10_compute_pred_ci_high=hx.copy(),
             in_inverse=np.where(inv_ok, inv_in, -1).astype(np.int8),
             forward_error=py - y, inverse_error_oom=px - x,
             width_oom=np.where(inv_ok, width, np.nan))


def _sample(n: int, new_best: np.ndarray, max_scored: int, seed: int, bench: str,
            cutoff: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the later results scored, which of them belong to the random sample):
    all of them where there are no more than ``max_scored`` (0: no cap), else a simple random
    sample of ``max_scored`` drawn from ``seed`` and the (benchmark, cutoff) — the same
    whichever models are evaluated — with every new best added."""
    if not max_scored or n <= max_scored:
        return np.arange(n, dtype=np.int64), np.ones(n, bool)
    rng = np.random.default_rng([seed, zlib.crc32(str(bench).encode()), cutoff.toordinal()])
    drawn = np.zeros(n, bool)
    drawn[rng.choice(n, max_scored, replace=False)] = True
    keep = np.flatnonzero(drawn | np.asarray(new_best, bool))
    return keep, drawn[keep]


def sampling_note(sampling: dict[str, Any] | None) -> str | None:
    """One sentence saying that a random sample of the later results was scored (None where
    every later result was): ``sampling`` is a prediction table's ``attrs["sampling"]``."""
    if not sampling or not sampling.get("sampled_cutoffs"):
        return None
    s = sampling
    return (f"scored a random sample of {s['max_scored']:,} of up to {s['max_later']:,} later "
            f"results per benchmark and cutoff (seed {s['seed']}; at "
            f"{s['sampled_cutoffs']:,} of {s['cutoffs']:,} benchmark-cutoffs, "
            f"{s['scored']:,} of {s['later']:,} later results in all; every new best kept)")


def _new_bests(train: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    e = after["error"].to_numpy(float)
    order = np.argsort(after["date"].to_numpy(), kind="mergesort")
    best_before = float(train["error"].min())
    running = np.minimum.accumulate(np.concatenate([[best_before], e[order]]))[:-1]
    out = np.zeros(len(after), bool)
    out[order] = e[order] < running
    return out


# The fits are small least-squares problems (a few columns): BLAS threads only spin beside
# them (a fifth more CPU on a large file for the same wall time), so one thread it is.
@threadpool_limits.wrap(limits=1, user_api="blas")
def rolling_origin(datasets: dict[str, pd.DataFrame], *, form: str = "polynomial",
                   alpha: float = 0.05, n_boot: int = 300, seed: int = 0,
                   step_months: int = 3, min_train: int = MIN_TRAIN,
                   cutoffs: list[str] | None = None, pool_intervals: bool = True,
                   models: tuple[str, ...] = MODELS, joined: pd.DataFrame | None = None,
                   select: dict[str, Any] | None = None,
                   max_scored: int | None = MAX_SCORED) -> pd.DataFrame:
    """One row per (benchmark, cutoff, model, later result scored) — see the module
    docstring.

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
        max_scored: later results scored per benchmark and cutoff, at most: beyond it a
            random sample drawn from ``seed``, the same for every model, every new best kept
            besides (0 or None: every later result; see the module docstring).
            ``attrs["sampling"]`` says what was done.
    """
    from computelimits import validate as v

    alpha = v.share(alpha, "alpha")
    n_boot = v.boot_count(n_boot)
    seed = v.whole(seed, "seed", low=0)
    step_months = v.whole(step_months, "step_months", low=1, high=120)
    min_train = v.whole(min_train, "min_train", low=3)
    max_scored = 0 if max_scored is None else v.whole(max_scored, "max_scored", low=0)
    if not isinstance(datasets, dict):
        raise ConfigError(f"datasets must map benchmark ids to regression rows, got "
                          f"{type(datasets).__name__}")
    for b, d in datasets.items():
        v.frame(d, f"datasets[{b!r}]", ("error", "log10_compute", "year", "date"))
    specs = {m: get_model(m) for m in models}
    need_rate = form == "polynomial" and any(s.needs_shared_rate for s in specs.values())
    choosers = ({b: _Chooser(b, joined, select or {}) for b in datasets}
                if joined is not None else {})
    # one order of the benchmarks whatever the caller's: what is pooled across them (the
    # shared rate's bootstrap, the calibration) must not depend on which one was asked about
    slim = {b: _slim(datasets[b]) for b in sorted(datasets)}
    grids: dict[pd.Timestamp, list[str]] = {}
    for bench, data in slim.items():
        dated = data[data["year"].notna()]
        grid = ([pd.Timestamp(c) for c in cutoffs] if cutoffs is not None else
                cutoff_grid(dated, step_months=step_months, min_train=min_train))
        for cut in grid:
            grids.setdefault(cut, []).append(bench)
    rows = _Rows()
    sampling = {"max_scored": max_scored, "seed": seed, "cutoffs": 0, "sampled_cutoffs": 0,
                "later": 0, "scored": 0, "max_later": 0}
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
        shared = (shared_rate_before(trains_all, n_boot=SHARED_BOOT, seed=seed) if need_rate
                  else None)
        ctx = CutoffContext(cutoff=cut, form=form, alpha=alpha, n_boot=n_boot, seed=seed,
                            shared_rate=shared[0] if shared else None,
                            shared_draws=shared[1] if shared else None)
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
            nb = _new_bests(train, after)  # over every later result, before any sample
            n_later = len(after)
            pos, in_sample = _sample(n_later, nb, max_scored, seed, bench, cut)
            if len(pos) < n_later:
                after = after.iloc[pos].reset_index(drop=True)
                nb = nb[pos]
                sampling["sampled_cutoffs"] += 1
            sampling["cutoffs"] += 1
            sampling["later"] += n_later
            sampling["scored"] += int(in_sample.sum())
            sampling["max_later"] = max(sampling["max_later"], n_later)
            ids = rows.codes("result_id", result_ids(after))
            for m in specs:
                f = fitted[m].get(bench)
                if f is None:
                    continue
                _emit(rows, bench, cut, m, train, after, f.predict(after), form=form,
                      identified=f.identified,
                      rate_identified=getattr(f, "rate_identified", True),
                      interval=f.interval, ids=ids, new_best=nb, sel=sel, pos=pos,
                      in_sample=in_sample)
    out = rows.frame()
    out.attrs["lookahead_free"] = joined is not None
    out.attrs["sampling"] = sampling
    return out


#: Rows formatted and written at a time by :func:`write_predictions_csv`.
_CSV_CHUNK = 50_000


def _csv_text(v: str) -> str:
    """A text cell as the csv module writes it (quoted where it holds a comma, a quote or a
    line break)."""
    if any(ch in v for ch in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def _csv_cells(col: pd.Series) -> Callable[[int, int], list[str]]:
    """The cells of one column as :meth:`pandas.DataFrame.to_csv` writes them (floats as
    their shortest repr, missing values empty), rows ``start:stop`` at a time, built
    column-wise: text and yes/no columns through a lookup made once for the column, numbers
    formatted once per distinct value of the rows asked for."""
    dt = col.dtype
    if isinstance(dt, pd.CategoricalDtype):
        lut = np.array([_csv_text(str(v)) for v in col.cat.categories] + [""], dtype=object)
        codes = col.cat.codes.to_numpy()  # −1 (missing) → the last: ""
    elif isinstance(dt, pd.BooleanDtype):
        lut = np.array(["False", "True", ""], dtype=object)
        codes = np.where(col.isna().to_numpy(), 2, col.fillna(False).to_numpy(bool))
    elif dt.kind == "b":
        lut = np.array(["False", "True"], dtype=object)
        codes = col.to_numpy(bool).astype(np.int8)
    elif dt.kind in "iuf":
        x = col.to_numpy()

        def numbers(start: int, stop: int) -> list[str]:
            # a later result's date, compute and error repeat across the models: each
            # distinct number formatted once, missing values empty
            v = x[start:stop]
            codes, uniq = pd.factorize(v, use_na_sentinel=True)
            fmt = str if dt.kind in "iu" else repr
            cells = np.array([*map(fmt, uniq.tolist()), ""], dtype=object)[codes]
            if dt.kind == "f":  # −0.0 and 0.0 share a code: each keeps its own sign
                zero = np.flatnonzero(v == 0)
                cells[zero] = np.where(np.signbit(v[zero]), "-0.0", "0.0")
            return cells.tolist()

        return numbers
    else:  # text: each distinct value once
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        lut = np.array([*(_csv_text(str(v)) for v in uniq), ""], dtype=object)
    return lambda start, stop: lut[codes[start:stop]].tolist()


def write_predictions_csv(pred: pd.DataFrame, target: Any) -> Any:
    """Write the prediction rows as CSV to ``target`` under the output rule, atomically
    (:func:`computelimits._io.write_csv`'s guarantees), with the bytes
    :meth:`pandas.DataFrame.to_csv` would write (no index) — formatted column by column in
    chunks rather than cell by cell, several times faster on the millions of rows of a
    large file's evaluation."""
    from computelimits._io import atomic_path, expand_out, guard_output

    path = guard_output(target)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_csv_text(str(c)) for c in pred.columns) + "\n")
        columns = [_csv_cells(pred.iloc[:, j]) for j in range(pred.shape[1])]
        for s in range(0, len(pred), _CSV_CHUNK):
            cells = [col(s, s + _CSV_CHUNK) for col in columns]
            fh.write("\n".join(map(",".join, zip(*cells, strict=True))) + "\n")
    return expand_out(target)
