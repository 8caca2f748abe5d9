"""The three-panel figure of the theory experiment (after Thompson et al. 2020, Figure 2):
performance against n, compute against n, and performance against compute."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from computelimits.theory.config import MODELS, TheoryConfig

__all__ = ["plot_summary"]

LABELS = {"oracle": "Oracle", "expert": "Expert", "flexible": "Flexible",
          "regularized": "Regularized"}
COLORS = {"oracle": "#1b9e77", "expert": "#d95f02", "flexible": "#7570b3",
          "regularized": "#e7298a"}
MARKERS = {"oracle": "o", "expert": "s", "flexible": "^", "regularized": "D"}
# Oracle and Expert run the same algorithm on as many features, so their FLOP coincide:
# the dashed Expert line lets the Oracle line show through.
STYLES = {"oracle": "-", "expert": "--", "flexible": "-", "regularized": "-"}


def plot_summary(summary: pd.DataFrame, config: TheoryConfig | None = None) -> Figure:
    """Draw the figure from a summary table (see :func:`.summary.summarize`)."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
    ax_perf, ax_flop, ax_pc = axes
    for model in MODELS:
        s = summary[summary["model"] == model].sort_values("n")
        if s.empty:
            continue
        kw = {"color": COLORS[model], "marker": MARKERS[model], "ms": 4, "lw": 1.6,
              "ls": STYLES[model], "label": LABELS[model]}
        ax_perf.plot(s["n"], s["performance_mean"], **kw)
        ax_perf.fill_between(s["n"], s["performance_ci_low"], s["performance_ci_high"],
                             color=COLORS[model], alpha=0.18, lw=0)
        ax_flop.plot(s["n"], s["flop_mean"], **kw)
        ax_pc.plot(s["flop_mean"], s["performance_mean"], **kw)
        ax_pc.fill_between(s["flop_mean"], s["performance_ci_low"], s["performance_ci_high"],
                           color=COLORS[model], alpha=0.18, lw=0)
    ax_perf.set(xscale="log", xlabel="number of data points n",
                ylabel="performance  −log10(nMSE)", title="Performance vs. data")
    ax_flop.set(xscale="log", yscale="log", xlabel="number of data points n",
                ylabel="FLOP per fit (from raw data)", title="Compute vs. data")
    ax_pc.set(xscale="log", xlabel="FLOP per fit", ylabel="performance  −log10(nMSE)",
              title="Performance vs. compute")
    for ax in axes:
        ax.grid(True, which="major", alpha=0.3)
    ax_perf.axhline(0.0, color="0.4", lw=0.8, ls=":")
    ax_perf.legend(loc="upper left", fontsize=9)
    if config is not None:
        reps = int(summary["reps"].max()) if not summary.empty else config.reps
        penalty = (f"{config.folds}-fold CV" if config.penalty == "cv"
                   else "universal penalty")
        fig.suptitle(
            f"Sparse linear model: p = {config.p} features, k = {config.k} non-zero, "
            f"SNR = {config.snr:g}; mean of {reps} replications with 95% CI; "
            f"Flexible = minimum-norm least squares for n ≤ p; Regularized = lasso ({penalty})",
            fontsize=10)
    return fig
