"""``time_recent``: the ``time`` model fitted on the most recent results only — those of the
last W years before the newest one — with the window W chosen at every fit by rolling
validation on the rows themselves, never on the results it will be scored on.

Why: the relation between compute, date and error drifts (new training recipes, new
evaluation harnesses), so the oldest results of a benchmark can pull a line fitted on all of
them away from where the next results land. Choosing an estimation window in the presence of
such breaks by out-of-sample performance on the data before the forecast origin is
Pesaran & Timmermann (2007), "Selection of estimation window in the presence of breaks",
Journal of Econometrics 137:134–161.

The rule (:func:`choose_window`): for each window in :data:`WINDOWS` (years; ``inf`` is every
row, i.e. the ``time`` model) and each inner origin — the dates of the rows at the shares
:data:`VALIDATION_SHARES` of the date-sorted rows, the newer part, where the choice of a
window matters (each with at least :data:`~computelimits.scaling.forecast.MIN_FIT` rows
before it) — the line y = a + b·log10 C + c·(year − 2015) is fitted by
least squares on the rows of the window before the origin (every row before it where the
window holds fewer than :data:`MIN_WINDOW_ROWS`, as the model itself does) and scores every
row on or after the origin by its inverse error |log10 C − (y − a − c·t)/b| in orders of
magnitude (infinite where the inner slope is not negative). The window with the smallest
median error wins; ties go to the longer window. The model is then fitted, with conformal
intervals per horizon like ``time``, on the rows of the chosen window.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from computelimits.scaling.evaluation.models._forecast import FittedForecast
from computelimits.scaling.evaluation.registry import CutoffContext, ForecastModel
from computelimits.scaling.evaluation.rolling import MIN_TRAIN
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forecast import MIN_FIT, Forecast
from computelimits.scaling.forms import FORMS

#: Candidate estimation windows, in years before the newest result: a design grid, not a
#: fitted figure; ``inf`` (every row) is among them, so the validation can always keep the
#: ``time`` model.
WINDOWS: tuple[float, ...] = (1.5, 2.0, 2.5, 3.0, 4.0, math.inf)
#: Fewest dated rows a window must hold to be fitted on its own; with fewer the fit takes
#: every row (the ``time`` model): the rolling evaluation's own least history for a fit
#: (:data:`~computelimits.scaling.evaluation.rolling.MIN_TRAIN`).
MIN_WINDOW_ROWS = MIN_TRAIN
#: Shares of the (dated, date-sorted) rows at which the inner validation origins lie.
VALIDATION_SHARES: tuple[float, ...] = (0.6, 0.7, 0.8, 0.9)


def window_rows(year: np.ndarray, window: float, end: float | None = None) -> np.ndarray:
    """Mask of the rows before ``end`` (None: every dated row) dated within ``window`` years
    of the newest of them, or of every row before ``end`` where that holds fewer than
    :data:`MIN_WINDOW_ROWS`."""
    before = np.isfinite(year) if end is None else year < end
    if not before.any():
        return before
    keep = before & (year >= float(np.max(year[before])) - window)
    return keep if keep.sum() >= MIN_WINDOW_ROWS else before


def window_errors(rows: pd.DataFrame, form: str = "polynomial") -> dict[float, np.ndarray]:
    """Inverse errors (orders of magnitude) of each window of :data:`WINDOWS` in rolling
    validation on ``rows`` alone (module docstring): every row on or after an inner origin,
    scored by the line fitted on the window before it."""
    d = rows[np.isfinite(rows["year"].to_numpy(float))].sort_values("year", kind="mergesort")
    year = d["year"].to_numpy(float)
    x = d["log10_compute"].to_numpy(float)
    y = FORMS[form].transform(d["error"].to_numpy(float))
    n = len(d)
    origins = sorted({float(year[min(n - 1, round(s * n))]) for s in VALIDATION_SHARES}) if n \
        else []
    origins = [o for o in origins if (year < o).sum() >= MIN_FIT and (year >= o).any()]
    out: dict[float, np.ndarray] = {}
    for w in WINDOWS:
        errs = [np.empty(0)]
        for o in origins:
            fit = window_rows(year, w, o)
            X = np.column_stack([np.ones(fit.sum()), x[fit], year[fit] - YEAR0])
            if np.linalg.matrix_rank(X) < 3:
                continue
            a, b, c = np.linalg.lstsq(X, y[fit], rcond=None)[0]
            late = year >= o
            if b < 0:
                errs.append(np.abs(x[late] - (y[late] - a - c * (year[late] - YEAR0)) / b))
            else:
                errs.append(np.full(int(late.sum()), np.inf))
        out[w] = np.concatenate(errs)
    return out


def best_window(errors: dict[float, np.ndarray]) -> tuple[float, dict[float, float]]:
    """(the window with the smallest median error — ties to the longer —, each window's
    median error); ``inf`` (every row) where no window has a finite one."""
    scores = {w: float(np.median(e)) if len(e) else math.inf for w, e in errors.items()}
    finite = {w: v for w, v in scores.items() if math.isfinite(v)}
    if not finite:
        return math.inf, scores
    low = min(finite.values())
    return max(w for w, v in finite.items() if v == low), scores


def choose_window(rows: pd.DataFrame, form: str = "polynomial"
                  ) -> tuple[float, dict[float, float]]:
    """(the chosen window in years, the median inverse error in orders of magnitude of each
    window) by rolling validation on ``rows`` alone (module docstring)."""
    return best_window(window_errors(rows, form))


class RecentForecast(Forecast):
    """A :class:`~computelimits.scaling.forecast.Forecast` fitted on the rows of a window
    chosen by :func:`choose_window`, or of ``window`` years where given (``window_years_``,
    ``window_scores_``, ``n_window_``, ``n_before_window_``)."""

    def __init__(self, *args: Any, window: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window = window

    def fit(self, data: pd.DataFrame) -> RecentForecast:
        """Choose the window on ``data``'s dated rows (or take ``window``), then fit on the
        rows inside it (undated rows are counted in ``n_undated_`` and left out, as by
        ``Forecast``)."""
        year = data["year"].to_numpy(float) if "year" in data else np.full(len(data), np.nan)
        dated = data[np.isfinite(year)]
        if self.window is None:
            self.window_years_, self.window_scores_ = choose_window(dated, self.form)
        else:
            self.window_years_, self.window_scores_ = self.window, {}
        keep = window_rows(dated["year"].to_numpy(float), self.window_years_)
        rows = dated[keep]
        rows.attrs = data.attrs
        super().fit(rows)
        self.n_undated_ = int((~np.isfinite(year)).sum())
        self.n_window_ = int(keep.sum())
        self.n_before_window_ = int((~keep).sum())
        return self

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(window_years=self.window_years_, n_window=self.n_window_,
                 n_before_window=self.n_before_window_)
        return d


class Model(ForecastModel):
    name = "time_recent"
    description = ("the time model on the most recent results only, the window chosen by "
                   "rolling validation on the rows before the cutoff")
    calibrated_together = True
    candidate = True

    def forecast(self, data: pd.DataFrame, context: CutoffContext) -> Forecast:
        return RecentForecast(context.form, alpha=context.alpha, n_boot=context.n_boot,
                              seed=context.seed).fit(data)

    def fit(self, train: pd.DataFrame, context: CutoffContext) -> FittedForecast:
        return FittedForecast(RecentForecast(context.form, alpha=context.alpha, n_boot=0,
                                             seed=context.seed).fit(train))
