"""The HTML report of the whole study (`computelimits reproduce`).

The public names are imported on first use (PEP 562), so ``import computelimits.report``
stays cheap (no pandas or matplotlib)::

    from computelimits.report import reproduce

    result = reproduce("results/report", quick=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computelimits._lazy import lazy_exports

if TYPE_CHECKING:
    from computelimits.report.build import STAGES, ReportResult, reproduce
    from computelimits.report.figures import benchmark_figure, plain_log_labels, save
    from computelimits.report.findings import Findings, findings
    from computelimits.report.interactive import benchmark_explorer
    from computelimits.report.render import fmt, render, table_html

_EXPORTS = {
    "reproduce": "computelimits.report.build",
    "ReportResult": "computelimits.report.build",
    "STAGES": "computelimits.report.build",
    "render": "computelimits.report.render",
    "table_html": "computelimits.report.render",
    "fmt": "computelimits.report.render",
    "benchmark_figure": "computelimits.report.figures",
    "plain_log_labels": "computelimits.report.figures",
    "save": "computelimits.report.figures",
    "findings": "computelimits.report.findings",
    "Findings": "computelimits.report.findings",
    "benchmark_explorer": "computelimits.report.interactive",
    # ---- trend figures: names of computelimits.report.trend_figures are added here by its
    # author, e.g. "plot_trends": "computelimits.report.trend_figures",
}

__all__ = [
    "STAGES",
    "Findings",
    "ReportResult",
    "benchmark_explorer",
    "benchmark_figure",
    "findings",
    "fmt",
    "plain_log_labels",
    "render",
    "reproduce",
    "save",
    "table_html",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
