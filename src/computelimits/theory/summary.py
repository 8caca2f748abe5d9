"""Per model × n averages of the replications, with 95% confidence intervals.

Averages are taken of the performance −log10(nMSE), i.e. the geometric mean of nMSE, not of
nMSE itself. Near n = p (Flexible) and n = k (Oracle, Expert) the minimum-norm least-squares
nMSE has an infinite expectation, because the smallest singular value of a (nearly) square
Gaussian matrix has a density that does not vanish at zero (Edelman 1988, SIAM J. Matrix Anal.
Appl. 9(4)); an arithmetic mean of nMSE there is dominated by single draws and a normal
interval for it is meaningless. Its logarithm has exponentially thin tails, so the mean
performance and its Student-t interval stay well defined at the interpolation peak.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from computelimits.theory.config import MODELS

__all__ = ["SUMMARY_COLUMNS", "summarize"]

SUMMARY_COLUMNS: tuple[str, ...] = (
    "model", "n", "reps", "performance_mean", "performance_ci_low", "performance_ci_high",
    "performance_sd", "performance_median", "nmse_geomean", "nmse_mean", "flop_mean",
    "seconds_mean", "method",
)


def _ci(x: np.ndarray, level: float) -> tuple[float, float]:
    m = x.size
    mean = float(np.mean(x))
    if m < 2:
        return mean, mean
    half = stats.t.ppf(0.5 + level / 2, m - 1) * float(np.std(x, ddof=1)) / np.sqrt(m)
    return mean - half, mean + half


def summarize(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per model × n: mean performance with a Student-t ``level`` interval over
    replications, its SD and median, geometric and arithmetic mean nMSE, mean FLOP, mean
    seconds, and the fitting method used (the most frequent one)."""
    rows = []
    order = {m: i for i, m in enumerate(MODELS)}
    for (model, n), g in runs.groupby(["model", "n"], sort=False):
        perf = g["performance"].to_numpy(dtype=float)
        lo, hi = _ci(perf, level)
        rows.append({
            "model": model,
            "n": int(n),
            "reps": int(perf.size),
            "performance_mean": float(perf.mean()),
            "performance_ci_low": lo,
            "performance_ci_high": hi,
            "performance_sd": float(perf.std(ddof=1)) if perf.size > 1 else 0.0,
            "performance_median": float(np.median(perf)),
            "nmse_geomean": float(10 ** (-perf.mean())),
            "nmse_mean": float(g["nmse"].mean()),
            "flop_mean": float(g["flop"].mean()),
            "seconds_mean": float(g["seconds"].mean()),
            "method": str(g["method"].mode().iloc[0]),
        })
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    out["_o"] = out["model"].map(order)
    return out.sort_values(["_o", "n"]).drop(columns="_o").reset_index(drop=True)
