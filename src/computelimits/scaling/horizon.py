"""Interval half-widths that depend on how far ahead a forecast reaches.

A forecast's *horizon* is the time, in years, between the last result its fit used and the
date it forecasts. Errors grow with the horizon (the relation drifts: new recipes, new
evaluation set-ups), so an interval calibrated on errors one step ahead is about right for
the next year and too narrow beyond it. :class:`HorizonQuantiles` keeps one conformal
quantile per horizon bin (:data:`HORIZON_EDGES`: 0–1, 1–2, 2–3 and 3+ years), each from the
out-of-sample scores observed that far ahead — split-conformal prediction calibrated
separately per horizon, as in Stankevičiūtė, Alaa & van der Schaar (2021), "Conformal
time-series forecasting", NeurIPS 34 (one calibration per forecast step), with scores
normalised by the predictive scale (Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018,
"Distribution-free predictive inference for regression", JASA 113:1094).

Rules (each stated in :meth:`HorizonQuantiles.basis`):

* a bin is **calibrated** when it holds at least ⌈(1 − α)/α⌉ scores (19 at α = 0.05: the
  conformal rank ⌈(m + 1)(1 − α)⌉ then exists); its half-width multiple is that rank's
  absolute score (:func:`computelimits.scaling.forecast.conformal_quantile`);
* the multiple **never falls with the horizon**: a bin's multiple is at least that of every
  nearer bin (a far forecast is never given a narrower interval than a near one);
* **beyond the evidence** (a bin with too few scores, or a horizon past the farthest score of
  the last calibrated bin) the multiple of the farthest calibrated horizon h₀ is widened in
  proportion to the horizon, q(h) = q(h₀)·h/h₀ — the growth of the error of a trend whose
  slope drifts (a drifting rate of progress moves the forecast linearly with time; a random
  walk in level would grow only as √h, so the linear rule is the cautious one);
* with no calibrated bin at all, the small-sample rule of ``conformal_quantile`` on every
  score (normal theory from their root mean square) stands at the farthest observed horizon
  (at least one year) and is widened the same way; with fewer than two scores the interval
  is unbounded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["HORIZON_EDGES", "HORIZON_LABELS", "HorizonQuantiles", "horizon_bin",
           "min_scores"]

#: Bin edges in years ahead (the last bin is open).
HORIZON_EDGES: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, math.inf)

#: One label per bin (used in tables and JSON).
HORIZON_LABELS: tuple[str, ...] = ("0-1y", "1-2y", "2-3y", "3y+")


def horizon_bin(h: np.ndarray | float) -> np.ndarray:
    """Index of the bin of each horizon (years; negative horizons count as 0)."""
    v = np.maximum(np.asarray(h, float), 0.0)
    idx = np.searchsorted(np.asarray(HORIZON_EDGES[1:-1]), v, side="right")
    return np.where(np.isnan(v), -1, idx)


def min_scores(alpha: float) -> int:
    """Fewest scores for the conformal rank ⌈(m + 1)(1 − α)⌉ ≤ m to exist."""
    return math.ceil((1 - alpha) / alpha - 1e-9)


@dataclass
class HorizonQuantiles:
    """Half-width multiples per horizon bin (see the module docstring).

    ``q``: the multiple of each bin as used (monotone, widened where not calibrated);
    ``n``: scores per bin; ``calibrated``: whether the bin had enough scores; ``reach``: the
    farthest horizon (years) with evidence, beyond which the linear rule applies;
    ``base``: the multiple at ``reach``."""

    alpha: float
    q: list[float]
    n: list[int]
    calibrated: list[bool]
    reach: float
    base: float
    edges: tuple[float, ...] = field(default=HORIZON_EDGES)

    @classmethod
    def from_scores(cls, scores: np.ndarray, horizons: np.ndarray,
                    alpha: float) -> HorizonQuantiles:
        """Calibrate on out-of-sample scores (normalised errors) and their horizons
        (years)."""
        from computelimits.scaling.forecast import conformal_quantile

        s = np.asarray(scores, float)
        h = np.asarray(horizons, float)
        ok = np.isfinite(s) & np.isfinite(h)
        s, h = s[ok], np.maximum(h[ok], 0.0)
        b = horizon_bin(h)
        k = len(HORIZON_EDGES) - 1
        need = min_scores(alpha)
        n = [int((b == j).sum()) for j in range(k)]
        cal = [m >= need for m in n]
        raw = [conformal_quantile(s[b == j], alpha) if cal[j] else math.nan
               for j in range(k)]
        q: list[float] = []
        reach, base = math.nan, math.nan
        running = 0.0
        for j in range(k):
            if cal[j]:
                running = max(running, raw[j])
                q.append(running)
                hi = HORIZON_EDGES[j + 1]
                reach = float(h[b == j].max()) if not math.isfinite(hi) else hi
                base = running
            else:
                q.append(math.nan)
        if not any(cal):
            base = conformal_quantile(s, alpha) if len(s) else math.inf
            reach = max(1.0, float(h.max())) if len(h) else 1.0
        out = cls(alpha=alpha, q=q, n=n, calibrated=cal, reach=float(reach),
                  base=float(base))
        # bins without enough scores show the multiple the rule gives at their far edge
        far = [e if math.isfinite(e) else HORIZON_EDGES[-2] + 1.0 for e in HORIZON_EDGES[1:]]
        out.q = [q[j] if cal[j] else float(out._beyond(far[j])) for j in range(k)]
        return out

    def _beyond(self, h: float | np.ndarray) -> float | np.ndarray:
        """The linear rule: base · h / reach (never below base)."""
        hh = np.maximum(np.asarray(h, float), self.reach)
        return self.base * hh / self.reach

    def at(self, horizon: np.ndarray | float) -> np.ndarray:
        """The half-width multiple at each horizon (years ahead)."""
        h = np.maximum(np.atleast_1d(np.asarray(horizon, float)), 0.0)
        b = horizon_bin(h)
        known = b >= 0
        inside = self.within(h)
        if math.isfinite(self.base):
            out = np.asarray(self._beyond(h), float).copy()
        else:
            out = np.full(len(h), math.inf)
        out[inside] = np.asarray(self.q, float)[b[inside]]
        out[~known] = math.nan
        return out

    def within(self, horizon: np.ndarray | float) -> np.ndarray:
        """:meth:`evidence` for many horizons at once (a boolean array)."""
        h = np.maximum(np.atleast_1d(np.asarray(horizon, float)), 0.0)
        b = horizon_bin(h)
        cal = np.asarray(self.calibrated, bool)
        return (b >= 0) & cal[np.maximum(b, 0)] & (h <= self.reach)

    def evidence(self, horizon: float) -> bool:
        """True when the horizon lies in a calibrated bin within the evidence's reach."""
        h = max(float(horizon), 0.0)
        j = int(horizon_bin(h))
        return bool(self.calibrated[j] and h <= self.reach)

    def basis(self, horizon: float) -> str:
        """One sentence: how the interval at ``horizon`` years ahead was calibrated."""
        h = max(float(horizon), 0.0)
        j = int(horizon_bin(h))
        if self.evidence(h):
            return (f"calibrated on {self.n[j]} out-of-sample errors {HORIZON_LABELS[j]} "
                    "ahead")
        if not math.isfinite(self.base):
            return "too few out-of-sample errors to calibrate: no bounded interval"
        return (f"no out-of-sample evidence {h:.1f} years ahead (the farthest is "
                f"{self.reach:.1f} years): widened in proportion to the horizon from there "
                f"(×{max(h, self.reach) / self.reach:.2f})")

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "bins": list(HORIZON_LABELS), "q": self.q,
                "n": self.n, "calibrated": self.calibrated, "reach_years": self.reach,
                "base": self.base}
