"""The uncertainty of a rate of algorithmic progress a forecast borrows.

A forecast that holds its rate fixed at the rate shared by the benchmarks (the ``hybrid``
model where the benchmark's own rate is not identified, the ``pooled`` model) is off by as
much as the shared rate is: its standard error, the standard deviation of the shared rate's
cluster-bootstrap draws (:class:`~computelimits.scaling.pooled.PooledProgress`), widens the
forecast's predictive scale with the distance in time from its data
(:meth:`~computelimits.scaling.forecast.Forecast._scale_xt`), in the calibration and in every
interval alike, so that backtests score the intervals answers give. The spread of the
benchmarks' own rates about the shared one (τ of ``computelimits progress``, 0.04–0.06 orders
of magnitude a year on the mirror) is not added: it is small beside the shared rate's own
error at the backtests' cutoffs (0.15–0.47), and a shared rate is borrowed only where it is
identified (:func:`.rolling.shared_rate_before`).
"""

from __future__ import annotations

import numpy as np

from computelimits.scaling.evaluation.registry import CutoffContext

#: Cluster-bootstrap resamples of the shared rate in the rolling evaluation (their standard
#: deviation is the shared rate's standard error; answers use their own ``n_boot``).
SHARED_BOOT = 200


def borrowed_se(context: CutoffContext) -> float | None:
    """The standard deviation of ``context.shared_draws`` (orders of magnitude per year);
    None without at least two finite draws."""
    if context.shared_draws is None:
        return None
    d = np.asarray(context.shared_draws, float)
    d = d[np.isfinite(d)]
    return float(np.std(d, ddof=1)) if len(d) >= 2 else None
