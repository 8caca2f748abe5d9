"""Backtests: would a fit on the past have predicted the compute behind later records?

For one benchmark and a cutoff date, :func:`backtest` fits a :class:`~.fit.ScalingFit` on
the results dated before the cutoff and, for each later result that set a new best error,
inverts the fit (:meth:`~.fit.ScalingFit.log10_compute_for`) to predict the log10 training
compute needed to reach that error. The prediction is compared with the compute the result
actually used.

Definitions (all dates are the results' ``date`` column, compute in log10 FLOP):

* **undated results** (no date) can be placed on neither side of the cutoff: they are left
  out of both the training and the test set and counted in ``n_undated``;
* **training set**: dated results with ``date < cutoff``;
* **later results**: dated results with ``date >= cutoff``;
* **new bests** (the test set): the later results are put in the order date, then compute
  (ascending), then error (ascending) — same-day results of one paper count from the
  smallest model up, and of two same-day results with the same compute only the better can
  count. A later result is a new best when its error is strictly below the best (lowest)
  training error and below every later result before it in that order. Only rows of the
  regression data (results with both an error and a compute) take part, so a result without
  a known compute neither counts as a best nor raises the bar.
* per new best: ``actual_log10_compute`` = the log10 compute the result used;
  ``predicted_log10_compute`` = the central log10 compute of the pre-cutoff fit at that
  error (at that result's decimal year when the fit controls for year);
  ``log10_compute_ci_low/_ci_high`` and ``log10_compute_pred_ci_low/_pred_ci_high`` = the
  cluster-bootstrap confidence and prediction intervals of ``log10_compute_for``;
  ``in_ci`` / ``in_pi``: the actual log10 compute lies inside (ends
  included); ``error_oom`` = predicted − actual, in orders of magnitude (positive: the past
  trend asked for more compute than the record used).

* when more than α/2 of the bootstrap slopes have the wrong sign, ``log10_compute_for``
  returns NaN for the upper bounds (numpy interpolating between two infinities); the true
  bound is +inf and the table says so.

``targets="all"`` evaluates every later result instead of the new bests: with no selection
on the error it checks the intervals themselves, while new bests — the luckiest results for
their compute — are biased towards less compute than the trend (positive ``error_oom``) even
when the trend is stable. :func:`calibration` runs many (benchmark, cutoff) pairs and returns
one summary row each.

The data come from a :class:`~computelimits.data.catalog.Catalog` (``catalog``; None: the
environment's) unless the caller passes them (``joined``, ``data``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import find_benchmark
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.dataset import benchmark_data, decimal_year
from computelimits.scaling.fit import ScalingFit

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["DEFAULT_CUTOFFS", "LANGUAGE_BENCHMARKS", "MIN_TEST", "MIN_TRAIN", "BacktestResult",
           "backtest", "calibration", "new_bests", "split"]

#: Cutoffs for the language-model benchmarks, whose results end in 2023: before each of them
#: the fit sees the past, after it the new bests up to the end of the data.
DEFAULT_CUTOFFS: tuple[str, ...] = ("2021-01-01", "2022-01-01", "2023-01-01", "2023-07-01")

#: The language-model benchmarks the calibration is run on by default.
LANGUAGE_BENCHMARKS: tuple[str, ...] = ("mmlu", "gsm8k", "hellaswag", "arc-challenge",
                                        "winogrande")

#: :func:`calibration` skips pairs with fewer training results or new bests than these.
MIN_TRAIN = 8
MIN_TEST = 1

TABLE_COLUMNS = ["model", "date", "year", "paper", "cluster", "error", "actual_log10_compute",
                 "predicted_log10_compute", "log10_compute_ci_low", "log10_compute_ci_high",
                 "log10_compute_pred_ci_low", "log10_compute_pred_ci_high", "in_ci", "in_pi",
                 "error_oom", "share_wrong_sign", "beyond_train_oom"]


def _timestamp(cutoff: str | date | pd.Timestamp) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(cutoff)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"cutoff must be a date (YYYY-MM-DD), got {cutoff!r}") from exc
    if pd.isna(ts):
        raise ConfigError(f"cutoff must be a date (YYYY-MM-DD), got {cutoff!r}")
    return ts


def split(data: pd.DataFrame, cutoff: str | date | pd.Timestamp
          ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Regression rows → (training rows dated before ``cutoff``, rows dated on or after it,
    number of undated rows left out of both)."""
    ts = _timestamp(cutoff)
    dates = pd.to_datetime(data["date"])
    dated = dates.notna().to_numpy()
    before = dated & (dates < ts).to_numpy()
    after = dated & ~before
    return (data[before].reset_index(drop=True), data[after].reset_index(drop=True),
            int((~dated).sum()))


def new_bests(after: pd.DataFrame, best_before: float) -> pd.DataFrame:
    """The later results that set a new best error (see the module docstring for the order
    and the tie rules), in that order."""
    order = after.assign(_d=pd.to_datetime(after["date"])).sort_values(
        ["_d", "log10_compute", "error"], kind="mergesort")
    e = order["error"].to_numpy(float)
    prev = np.minimum.accumulate(np.concatenate([[best_before], e]))[:-1]
    out = order[e < prev].drop(columns="_d")
    out.attrs = after.attrs
    return out.reset_index(drop=True)


def _finite_high(high: float, share_wrong: float, alpha: float) -> float:
    # log10_compute_for marks resamples whose slope has the wrong sign with +inf; when more
    # than alpha/2 of them do, the upper percentile lies between two infinities and numpy
    # returns NaN: the bound is then +inf.
    if math.isnan(high) and share_wrong >= alpha / 2:
        return math.inf
    return high


@dataclass(repr=False)
class BacktestResult(ResultMixin):
    """One backtest. ``table``: one row per new best (columns: see the module docstring;
    ``actual_log10_compute`` is the result's log10 compute, ``beyond_train_oom`` how far it
    lies beyond the largest training compute). ``fit``: the pre-cutoff fit."""

    benchmark: str
    cutoff: pd.Timestamp
    form: str
    alpha: float
    control_year: bool
    targets: str
    n_train: int
    n_after: int
    n_undated: int
    best_before: float
    fit: ScalingFit
    table: pd.DataFrame = field(repr=False)

    def _stats(self) -> dict:
        """Counts, interval coverage (share of new bests whose actual compute lies inside;
        NaN without new bests), absolute and signed errors in orders of magnitude."""
        t = self.table
        err = t["error_oom"].to_numpy(float)
        n = len(t)

        def share(col: str) -> float:
            return float(t[col].mean()) if n else math.nan

        def stat(f, v) -> float:
            return float(f(v)) if n else math.nan

        return {
            "benchmark": self.benchmark, "cutoff": self.cutoff.date().isoformat(),
            "form": self.form, "control_year": self.control_year, "targets": self.targets,
            "nominal": 1 - self.alpha,
            "n_train": self.n_train, "n_train_clusters": self.fit.n_clusters_,
            "n_after": self.n_after, "n_undated": self.n_undated, "n_test": n,
            "slope": self.fit.slope_, "best_before": self.best_before,
            "pi_coverage": share("in_pi"), "ci_coverage": share("in_ci"),
            "median_abs_error_oom": stat(np.median, np.abs(err)),
            "mean_abs_error_oom": stat(np.mean, np.abs(err)),
            "bias_oom": stat(np.mean, err), "median_error_oom": stat(np.median, err),
        }

    def to_dict(self) -> dict:
        """The summary statistics (counts, coverage of the intervals, errors in orders of
        magnitude: the row :func:`calibration` gives), then ``fit`` (the pre-cutoff fit) and
        ``table`` (one record per tested result), as plain Python values."""
        rows = self.table.astype(object).where(self.table.notna(), None)
        if "date" in rows:
            rows["date"] = [None if d is None else pd.Timestamp(d).date().isoformat()
                            for d in rows["date"]]
        return {**self._stats(), "fit": self.fit.to_dict(),
                "table": rows.to_dict(orient="records")}

    def summary(self) -> Summary:
        """The backtest in a few lines (``str()`` prints them; the table behind them is the
        one-row frame of the statistics :meth:`to_dict` starts with)."""
        s = self._stats()
        pct = f"{s['nominal']:.0%}"
        title = (f"Backtest: {self.benchmark}, {self.form} fit on {s['n_train']} results "
                 f"({s['n_train_clusters']} clusters) dated before {s['cutoff']}"
                 + (", controlling for year" if self.control_year else ""))
        what = "new bests" if self.targets == "new_bests" else "later results"
        lines = [f"{s['n_test']} {what} tested ({s['n_after']} later results, "
                 f"{s['n_undated']} undated left out); pre-cutoff slope {s['slope']:.4f}"]
        if s["n_test"]:
            lines.append(f"{pct} prediction intervals covered {s['pi_coverage']:.0%}, "
                         f"confidence intervals {s['ci_coverage']:.0%}; median |error| "
                         f"{s['median_abs_error_oom']:.2f} orders of magnitude, bias "
                         f"{s['bias_oom']:+.2f} (positive: the past asked for more compute)")
        return Summary(title, lines, pd.DataFrame([s]))

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """The pre-cutoff fit's coefficient intervals (:meth:`ScalingFit.conf_int`)."""
        return self.fit.conf_int(alpha)

    def to_frame(self) -> pd.DataFrame:
        """The per-result table (a copy): one row per tested result."""
        return self.table.copy()

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        s = self._stats()
        what = "new bests" if self.targets == "new_bests" else "later results"
        parts = [f"{self.benchmark}, {s['n_train']} results before {s['cutoff']}",
                 f"{s['n_test']} {what} tested"]
        if s["n_test"]:
            parts[-1] += (f", {fm.percent(s['pi_coverage'])} inside the "
                          f"{fm.percent(s['nominal'])} prediction intervals")
        return parts


def backtest(benchmark: str, cutoff: str | date | pd.Timestamp, *, form: str = "polynomial",
             joined: pd.DataFrame | None = None, data: pd.DataFrame | None = None,
             n_boot: int = 2000, seed: int = 0, alpha: float = 0.05,
             control_year: bool = False, cluster: str = "publication",
             targets: str = "new_bests", select: dict | None = None,
             catalog: Catalog | None = None) -> BacktestResult:
    """Fit on the results dated before ``cutoff`` and predict the compute of the later new
    bests.

    Args:
        benchmark: benchmark id or alias.
        cutoff: the date that splits past from future (a result dated on it is in the future).
        form: functional form (:mod:`.forms`).
        joined: results joined with compute (default: ``catalog``'s joined table).
        data: regression rows already built by :func:`.dataset.benchmark_data` (then
            ``joined`` and ``cluster`` are not used and ``benchmark`` is only a label).
        n_boot: cluster-bootstrap resamples behind the intervals (at least 1).
        seed: bootstrap seed.
        alpha: 1 − the nominal coverage of the intervals.
        control_year: fit y = a + b·log10 C + c·(year − 2015) and predict at each result's
            own year.
        cluster: resampling unit passed to :func:`.dataset.benchmark_data`.
        targets: "new_bests" (the backtest proper) or "all": every later result, with no
            selection on its error — the check that the intervals themselves are calibrated
            (new bests are selected for low error given compute, which biases them).
        select: keywords for :func:`.dataset.benchmark_data` (kind, precision, setting,
            scale) when ``data`` is None.
        catalog: where the data come from when neither ``data`` nor ``joined`` is given
            (None: the environment's).

    Raises:
        ConfigError: bad settings, or too few training results to fit.
    """
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must lie in (0, 1), got {alpha}")
    if targets not in ("new_bests", "all"):
        raise ConfigError(f"targets must be 'new_bests' or 'all', got {targets!r}")
    if n_boot < 1:
        raise ConfigError("the backtest's intervals come from the bootstrap: n_boot >= 1")
    ts = _timestamp(cutoff)
    if data is None:
        data = benchmark_data(benchmark, joined=joined, cluster=cluster, catalog=catalog,
                              **(select or {}))
    train, after, n_undated = split(data, ts)
    if train.empty:
        raise ConfigError(f"{benchmark}: no dated results before {ts.date()}")
    fit = ScalingFit(form, control_year=control_year, n_boot=n_boot, seed=seed).fit(train)
    best = float(train["error"].min())
    tests = new_bests(after, best) if targets == "new_bests" else after
    max_train = float(train["log10_compute"].max())
    rows = []
    for r in tests.itertuples(index=False):
        year = float(r.year) if "year" in tests else float(
            decimal_year(pd.Series([r.date]))[0])
        with np.errstate(invalid="ignore"):  # the NaN bounds that _finite_high repairs
            p = fit.log10_compute_for(float(r.error), year=year if control_year else None,
                                      alpha=alpha)
        share_wrong = p["share_wrong_sign"]
        conf_low, pred_low = p["log10_compute_ci_low"], p["log10_compute_pred_ci_low"]
        conf_high = _finite_high(p["log10_compute_ci_high"], share_wrong, alpha)
        pred_high = _finite_high(p["log10_compute_pred_ci_high"], share_wrong, alpha)
        actual = float(r.log10_compute)
        rows.append({
            "model": getattr(r, "model", None), "date": r.date, "year": year,
            "paper": getattr(r, "paper", None), "cluster": getattr(r, "cluster", None),
            "error": float(r.error), "actual_log10_compute": actual,
            "predicted_log10_compute": p["log10_compute"],
            "log10_compute_ci_low": conf_low, "log10_compute_ci_high": conf_high,
            "log10_compute_pred_ci_low": pred_low, "log10_compute_pred_ci_high": pred_high,
            "in_ci": bool(conf_low <= actual <= conf_high),
            "in_pi": bool(pred_low <= actual <= pred_high),
            "error_oom": p["log10_compute"] - actual, "share_wrong_sign": share_wrong,
            "beyond_train_oom": actual - max_train,
        })
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["in_ci"] = table["in_ci"].astype(bool)
    table["in_pi"] = table["in_pi"].astype(bool)
    return BacktestResult(benchmark=benchmark, cutoff=ts, form=form, alpha=alpha,
                          control_year=control_year, targets=targets, n_train=len(train),
                          n_after=len(after), n_undated=n_undated, best_before=best, fit=fit,
                          table=table)


def calibration(benchmarks: tuple[str, ...] | list[str] = LANGUAGE_BENCHMARKS,
                cutoffs: tuple[str, ...] | list[str] = DEFAULT_CUTOFFS, *,
                joined: pd.DataFrame | None = None, min_train: int = MIN_TRAIN,
                min_test: int = MIN_TEST, cluster: str = "publication",
                select: dict | None = None, catalog: Catalog | None = None,
                **kw) -> pd.DataFrame:
    """One row per (benchmark, cutoff): the statistics of :meth:`BacktestResult.to_dict`
    (what :meth:`BacktestResult.summary` prints), or, with the
    counts that are known, a ``reason`` why the pair was skipped (fewer than ``min_train``
    training results or ``min_test`` new bests, no data, or a fit that failed). ``reason``
    is None for pairs that ran. The skip rule counts new bests whatever ``targets`` says.
    ``select`` goes to :func:`.dataset.benchmark_data` (kind, precision, setting, scale);
    the compute kind each pair used is in ``compute_kind``. ``joined``: results joined with
    compute (default: ``catalog``'s joined table). Other keywords go to :func:`backtest`."""
    for b in benchmarks:  # a name that is no benchmark is the caller's error, not a row
        find_benchmark(b)
    if joined is None and benchmarks:
        joined = resolve_catalog(catalog).joined().table
    rows = []
    for b in benchmarks:
        try:
            data = benchmark_data(b, joined=joined, cluster=cluster, **(select or {}))
        except ConfigError as exc:
            rows += [{"benchmark": b, "cutoff": _timestamp(c).date().isoformat(),
                      "reason": str(exc)} for c in cutoffs]
            continue
        for c in cutoffs:
            ts = _timestamp(c)
            train, after, n_undated = split(data, ts)
            n_test = len(new_bests(after, float(train["error"].min()))) if len(train) else 0
            base = {"benchmark": b, "cutoff": ts.date().isoformat(),
                    "compute_kind": data.attrs["selection"].kind, "n_train": len(train),
                    "n_after": len(after), "n_undated": n_undated, "n_test": n_test}
            if len(train) < min_train:
                rows.append({**base, "reason": f"{len(train)} training results < {min_train}"})
                continue
            if n_test < min_test:
                rows.append({**base, "reason": f"{n_test} new bests < {min_test}"})
                continue
            try:
                res = backtest(b, ts, data=data, **kw)
            except ConfigError as exc:
                rows.append({**base, "reason": str(exc)})
                continue
            rows.append({**res._stats(), "compute_kind": data.attrs["selection"].kind,
                         "reason": None})
    out = pd.DataFrame(rows)
    reason = out["reason"] if "reason" in out else pd.Series(index=out.index, dtype=object)
    out["reason"] = reason.astype(object).where(reason.notna(), None)
    return out
