"""Performance against compute: fits, extrapolation, forecasts, backtests and trends.

The public names are imported on first use (PEP 562), so ``import computelimits.scaling``
stays cheap (no pandas, statsmodels or matplotlib)::

    from computelimits.scaling import ScalingFit, benchmark_data, extrapolate, outlook

Modules: :mod:`.dataset` (regression rows), :mod:`.fit` (:class:`ScalingFit`),
:mod:`.extrapolation` (:func:`extrapolate`), :mod:`.forecast` (:class:`Forecast`),
:mod:`.outlooks` (:func:`outlook`), :mod:`.pooled` (:class:`PooledProgress`),
:mod:`.heterogeneity` (:class:`ProgressHeterogeneity`: how much benchmarks disagree about
that rate), :mod:`.costs`
(:func:`cost_over_time`), :mod:`.backtests` and :mod:`.evaluation` (out-of-sample checks),
:mod:`.sources` (do the data sources agree?), :mod:`.study` (the per-benchmark analysis of the
report). No module shares its name with a function the package exports (the modules once
named ``extrapolate``, ``outlook`` and ``backtest`` are ``extrapolation``, ``outlooks`` and
``backtests``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computelimits._lazy import lazy_exports

if TYPE_CHECKING:
    from computelimits.scaling.backtests import BacktestResult, backtest, calibration
    from computelimits.scaling.comparison import FormComparison, compare_forms
    from computelimits.scaling.compute_growth import compute_trend, era_fits, eras, select_models
    from computelimits.scaling.compute_vs_hardware import TrendReport, trend_report
    from computelimits.scaling.costs import CostOverTime, cost_over_time
    from computelimits.scaling.dataset import Selection, benchmark_data, frontier
    from computelimits.scaling.dates import decimal_year
    from computelimits.scaling.evaluation import (
        RollingEvaluation,
        cutoff_backtests,
        evaluate,
        rolling_evaluation,
        rolling_origin,
        summarize,
    )
    from computelimits.scaling.extrapolation import (
        Extrapolation,
        extrapolate,
        latest_price_year,
        price_performance_growth,
    )
    from computelimits.scaling.fit import ScalingFit, fit_forms
    from computelimits.scaling.forecast import Forecast
    from computelimits.scaling.forms import FORMS
    from computelimits.scaling.hardware_series import hardware_fits, hardware_trends
    from computelimits.scaling.heterogeneity import (
        ProgressHeterogeneity,
        progress_heterogeneity,
        reference_rows,
    )
    from computelimits.scaling.horizon import HorizonQuantiles
    from computelimits.scaling.loglinear import TrendFit, fit_trend, fits_table
    from computelimits.scaling.outlooks import Outlook, outlook, reference_datasets
    from computelimits.scaling.pooled import (
        PUBLISHED_RATES,
        PooledProgress,
        compare_published,
        per_benchmark_rates,
    )
    from computelimits.scaling.shift import level_shift
    from computelimits.scaling.sources import SourceCheck, source_check
    from computelimits.scaling.stats import doubling_months
    from computelimits.scaling.study import (
        BenchmarkFits,
        ForecastStudy,
        Study,
        fit_benchmarks,
        run_study,
    )

_EXPORTS = {
    # fits and their input
    "ScalingFit": "computelimits.scaling.fit",
    "fit_forms": "computelimits.scaling.fit",
    "FORMS": "computelimits.scaling.forms",
    "benchmark_data": "computelimits.scaling.dataset",
    "frontier": "computelimits.scaling.dataset",
    "Selection": "computelimits.scaling.dataset",
    "source_check": "computelimits.scaling.sources",
    "SourceCheck": "computelimits.scaling.sources",
    # what the next step costs
    "extrapolate": "computelimits.scaling.extrapolation",
    "Extrapolation": "computelimits.scaling.extrapolation",
    "latest_price_year": "computelimits.scaling.extrapolation",
    "price_performance_growth": "computelimits.scaling.extrapolation",
    "cost_over_time": "computelimits.scaling.costs",
    "CostOverTime": "computelimits.scaling.costs",
    # forecasts with time, checked out of sample
    "Forecast": "computelimits.scaling.forecast",
    "outlook": "computelimits.scaling.outlooks",
    "Outlook": "computelimits.scaling.outlooks",
    "reference_datasets": "computelimits.scaling.outlooks",
    "PooledProgress": "computelimits.scaling.pooled",
    "compare_published": "computelimits.scaling.pooled",
    "per_benchmark_rates": "computelimits.scaling.pooled",
    "PUBLISHED_RATES": "computelimits.scaling.pooled",
    "ProgressHeterogeneity": "computelimits.scaling.heterogeneity",
    "progress_heterogeneity": "computelimits.scaling.heterogeneity",
    "reference_rows": "computelimits.scaling.heterogeneity",
    "evaluate": "computelimits.scaling.evaluation",
    "rolling_origin": "computelimits.scaling.evaluation",
    "summarize": "computelimits.scaling.evaluation",
    "rolling_evaluation": "computelimits.scaling.evaluation",
    "RollingEvaluation": "computelimits.scaling.evaluation",
    "cutoff_backtests": "computelimits.scaling.evaluation",
    "level_shift": "computelimits.scaling.shift",
    "HorizonQuantiles": "computelimits.scaling.horizon",
    "compare_forms": "computelimits.scaling.comparison",
    "FormComparison": "computelimits.scaling.comparison",
    # backtests
    "backtest": "computelimits.scaling.backtests",
    "BacktestResult": "computelimits.scaling.backtests",
    "calibration": "computelimits.scaling.backtests",
    # the report's per-benchmark analysis
    "Study": "computelimits.scaling.study",
    "BenchmarkFits": "computelimits.scaling.study",
    "ForecastStudy": "computelimits.scaling.study",
    "fit_benchmarks": "computelimits.scaling.study",
    "run_study": "computelimits.scaling.study",
    # ---- trends (compute growth against hardware progress) ---------------------------------
    "TrendReport": "computelimits.scaling.compute_vs_hardware",
    "trend_report": "computelimits.scaling.compute_vs_hardware",
    "TrendFit": "computelimits.scaling.loglinear",
    "fit_trend": "computelimits.scaling.loglinear",
    "fits_table": "computelimits.scaling.loglinear",
    "compute_trend": "computelimits.scaling.compute_growth",
    "era_fits": "computelimits.scaling.compute_growth",
    "eras": "computelimits.scaling.compute_growth",
    "select_models": "computelimits.scaling.compute_growth",
    "hardware_fits": "computelimits.scaling.hardware_series",
    "hardware_trends": "computelimits.scaling.hardware_series",
    "doubling_months": "computelimits.scaling.stats",
    "decimal_year": "computelimits.scaling.dates",
}

__all__ = [
    "FORMS",
    "PUBLISHED_RATES",
    "BacktestResult",
    "BenchmarkFits",
    "CostOverTime",
    "Extrapolation",
    "Forecast",
    "ForecastStudy",
    "FormComparison",
    "HorizonQuantiles",
    "Outlook",
    "PooledProgress",
    "ProgressHeterogeneity",
    "RollingEvaluation",
    "ScalingFit",
    "Selection",
    "SourceCheck",
    "Study",
    "TrendFit",
    "TrendReport",
    "backtest",
    "benchmark_data",
    "calibration",
    "compare_forms",
    "compare_published",
    "compute_trend",
    "cost_over_time",
    "cutoff_backtests",
    "decimal_year",
    "doubling_months",
    "era_fits",
    "eras",
    "evaluate",
    "extrapolate",
    "fit_benchmarks",
    "fit_forms",
    "fit_trend",
    "fits_table",
    "frontier",
    "hardware_fits",
    "hardware_trends",
    "latest_price_year",
    "level_shift",
    "outlook",
    "per_benchmark_rates",
    "price_performance_growth",
    "progress_heterogeneity",
    "reference_datasets",
    "reference_rows",
    "rolling_evaluation",
    "rolling_origin",
    "run_study",
    "select_models",
    "source_check",
    "summarize",
    "trend_report",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
