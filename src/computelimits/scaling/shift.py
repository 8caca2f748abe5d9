"""Do the newest results still sit on the fitted curve? A level-shift test.

Results obtained under a new evaluation set-up (chain-of-thought prompting, more shots, a
new test split) can sit on a curve of their own; a forecast that extrapolates the old curve
through them is wrong by the shift. :func:`level_shift` refits the time model,
y = a + b·log10 C + c·(year − 2015) on the form's transform y of the error, on the results
dated before the newest window (default: the last quarter of dates) and tests the newest
results against it with Chow's predictive-failure test (Chow 1960, "Tests of equality
between sets of coefficients in two linear regressions", Econometrica 28:591, the second
test): F = ((SSR_all − SSR_early) / m) / (SSR_early / (n_early − p)) on (m, n_early − p)
degrees of freedom, with m newest results and p = 3 coefficients. It also gives the shift
itself — the mean residual of the newest results off the early fit, in the form's units —
and, per result, the standardized prediction errors.

Results of one paper (a model family evaluated together) share an offset, so the newest
window's m results carry less information than m independent ones. Where the rows name
their publication (``cluster``), the test's numerator degrees of freedom are the window's
effective number of results, m / deff, with the design effect deff = 1 + (m̄ − 1)·ρ (Kish
1965, *Survey Sampling*, §8.2), m̄ = Σ m_g² / m the size-weighted mean number of newest
results per publication and ρ the intra-publication correlation of the early fit's
residuals (one-way ANOVA estimator, floored at 0): a window filled by one paper of many
results is tested as about one result, not many (Satterthwaite's effective degrees of
freedom; the statistic itself is unchanged). Under no shift, with the newest window one
paper of eight results, it rejects about as often as ``alpha`` says where the test without
the correction rejects more (``tests/test_answers_as_scored.py``); read a detection as a warning
that the newest results may follow another curve, not as proof.

Where the test rejects at ``alpha`` (default 0.01), :func:`~.outlooks.outlook` says so and
widens its intervals by the shift (in compute: shift / |slope| orders of magnitude each
side): it does not extrapolate the old curve as if nothing had moved.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from computelimits.errors import ConfigError
from computelimits.scaling.fit import YEAR0
from computelimits.scaling.forms import FORMS

__all__ = ["MIN_EARLY", "level_shift", "shift_widening"]

#: Fewest results before the window for the test to be made.
MIN_EARLY = 8


def level_shift(data: pd.DataFrame, *, form: str = "polynomial", window_years: float = 0.25,
                alpha: float = 0.01) -> dict[str, Any]:
    """Chow's predictive test of the results in the newest ``window_years`` of dates against
    the time model fitted on the earlier ones (see the module docstring). Returns ``tested``
    (False with ``reason`` when there are too few results on either side), ``n_early``,
    ``m``, ``f``, ``df`` (numerator, denominator), ``pvalue``, ``shift`` (mean residual of
    the newest results, form units), ``shift_se``, ``detected`` (p < alpha) and ``window``
    (first date of the window, decimal year)."""
    from scipy import stats

    from computelimits import validate as v

    v.frame(data, "data", ("error", "log10_compute", "year"), rows=False)
    window_years = v.finite(window_years, "window_years", low=0, low_open=True)
    alpha = v.share(alpha, "alpha")
    if form not in FORMS:
        raise ConfigError(f"form must be one of {', '.join(FORMS)}, got {form!r}")
    d = data[np.isfinite(data["year"].to_numpy(float))]
    year = d["year"].to_numpy(float)
    if len(d) == 0:
        return {"tested": False, "reason": "no dated results"}
    start = float(year.max()) - window_years
    late = year > start
    m, n1 = int(late.sum()), int((~late).sum())
    p = 3
    if m < 1 or n1 < max(MIN_EARLY, p + 2):
        return {"tested": False, "reason": f"{n1} results before the newest "
                                           f"{window_years:g} years and {m} in it: too few"}
    y = FORMS[form].transform(d["error"].to_numpy(float))
    X = np.column_stack([np.ones(len(d)), d["log10_compute"].to_numpy(float), year - YEAR0])
    if np.linalg.matrix_rank(X[~late]) < p:
        return {"tested": False, "reason": "compute and date do not vary enough before the "
                                           "newest results"}
    beta1, *_ = np.linalg.lstsq(X[~late], y[~late], rcond=None)
    r1 = y[~late] - X[~late] @ beta1
    ssr1 = float(r1 @ r1)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ beta
    ssr = float(r @ r)
    df2 = n1 - p
    s2 = ssr1 / df2
    rho, deff = _design_effect(d, late, r1)
    f = ((ssr - ssr1) / m) / s2 if s2 > 0 else math.inf
    df1 = m / deff  # the newest results' effective number (module docstring)
    pval = float(stats.f.sf(f, df1, df2)) if math.isfinite(f) else 0.0
    pred_err = y[late] - X[late] @ beta1
    inv = np.linalg.pinv(X[~late].T @ X[~late])
    lev = np.einsum("ij,jk,ik->i", X[late], inv, X[late])
    z = pred_err / np.sqrt(s2 * (1 + lev)) if s2 > 0 else np.full(m, math.inf)
    shift = float(np.mean(pred_err))
    shift_se = float(np.sqrt(s2 * (deff / m + np.mean(lev)))) if s2 > 0 else 0.0
    return {"tested": True, "n_early": n1, "m": m, "f": float(f), "df": (df1, df2),
            "pvalue": pval, "icc": rho, "design_effect": deff, "shift": shift, "shift_se": shift_se,
            "standardized": [float(v) for v in z], "detected": bool(pval < alpha),
            "alpha": alpha, "window": start, "form": form}


def _design_effect(d: pd.DataFrame, late: np.ndarray, r1: np.ndarray) -> tuple[float, float]:
    """(ρ, deff): the intra-publication correlation of the early residuals ``r1`` (one-way
    ANOVA estimator, floored at 0) and the design effect 1 + (m̄ − 1)·ρ of the newest rows
    (module docstring); (0, 1) where the rows name no publication or too few repeat one."""
    if "cluster" not in d:
        return 0.0, 1.0
    cl = d["cluster"].astype(str).to_numpy()
    codes = np.unique(cl[~late], return_inverse=True)[1]
    sizes = np.bincount(codes)
    k, n = len(sizes), len(r1)
    if k < 2 or k == n:
        return 0.0, 1.0
    means = np.bincount(codes, weights=r1) / sizes
    ssb = float(np.sum(sizes * (means - r1.mean()) ** 2))
    ssw = float(np.sum((r1 - means[codes]) ** 2))
    msb, msw = ssb / (k - 1), ssw / (n - k)
    n0 = (n - float(np.sum(sizes ** 2)) / n) / (k - 1)
    denom = msb + (n0 - 1) * msw
    rho = max(0.0, (msb - msw) / denom) if denom > 0 else 0.0
    m_g = np.unique(cl[late], return_counts=True)[1]
    m_bar = float(np.sum(m_g ** 2) / np.sum(m_g))
    return float(rho), float(1 + (m_bar - 1) * rho)


def shift_widening(data: pd.DataFrame, form: str) -> tuple[dict[str, Any], float]:
    """(:func:`level_shift` of ``data`` in ``form``, the half-width to add to a forecast's
    intervals in the form's units: |shift| where a shift is detected, else 0). One rule for
    an answer (:func:`~computelimits.scaling.outlooks.outlook`) and for the rolling-origin
    evaluation that scores it (:mod:`computelimits.scaling.evaluation`): in compute, the
    widening is |shift| / |compute slope| orders of magnitude each side."""
    test = level_shift(data, form=form)
    return test, abs(test["shift"]) if test.get("detected") else 0.0
