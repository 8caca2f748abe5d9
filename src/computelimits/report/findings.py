"""What the study found, in sentences written from its computed tables.

:func:`findings` reads the polynomial fits, the compute-only extrapolations, the time-aware
outlooks and the match rates, and writes one line per benchmark, in three groups:

* ``explained`` — the slope's 95% interval excludes zero: the slope, its interval, R², N and
  the compute kind; the compute multiple that halves the error; the compute, dollars and CO2
  of halving today's best error, with intervals, where the data can size it (an interval of
  at most :data:`~computelimits.scaling.outlooks.MAX_INTERVAL_OOM` orders of magnitude); how
  the compute-only fit's intervals held in the rolling-origin backtests; and, where it sizes
  the run, the forecast with algorithmic progress;
* ``not_identified`` — the slope's interval includes zero or has the wrong sign: the fit, and
  no cost figure;
* ``too_few`` — benchmarks with results but too few that carry compute to be fitted.

Every number in a sentence is also a column of the table (:meth:`Findings.to_frame`), and
every sentence is formatted by :mod:`computelimits.report.formatting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from computelimits.report import formatting as fm
from computelimits.results import ResultMixin, Summary

__all__ = ["GROUPS", "KIND_WORDS", "Findings", "findings"]

#: The groups, in the order the report lists them.
GROUPS = ("explained", "not_identified", "too_few")

#: What each compute kind measures, in words.
KIND_WORDS = {
    "training": "training compute",
    "hardware_burden": "hardware burden",
    "imputed_operations": "imputed network operations",
    "includes_search": "compute including architecture search",
    "other_dataset": "compute of a run on another dataset",
}

_COLUMNS = ["benchmark", "group", "sentence", "compute_kind", "n", "other_kinds", "slope",
            "slope_ci_low", "slope_ci_high", "r2", "halving_multiple",
            "halving_multiple_ci_low", "halving_multiple_ci_high", "best_error",
            "target_error", "sized", "log10_compute", "log10_compute_ci_low",
            "log10_compute_ci_high",
            "usd", "usd_ci_low", "usd_ci_high", "co2_kg", "price_year",
            "backtest_forward_coverage", "backtest_inverse_medae_oom", "forecast_model",
            "forecast_rate_oom_per_year", "forecast_log10_compute", "forecast_log10_compute_ci_low",
            "forecast_log10_compute_ci_high", "forecast_usd_now", "forecast_usd_now_ci_low",
            "forecast_usd_now_ci_high", "forecast_backtest_forward_coverage", "results",
            "with_compute", "usable"]


@dataclass(repr=False)
class Findings(ResultMixin):
    """``table``: one row per benchmark (group, sentence and every number it quotes);
    ``headline``: the sentences on all benchmarks together."""

    table: pd.DataFrame
    headline: list[str]

    def group(self, name: str) -> pd.DataFrame:
        """The rows of one group (:data:`GROUPS`)."""
        return self.table[self.table["group"] == name].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> Summary:
        return Summary("What the study found", [*self.headline,
                                                *self.table["sentence"].tolist()],
                       self.to_frame())

    def _repr_parts(self) -> list[str]:
        return [f"{len(self.table)} benchmarks", *self.headline[:1]]


def _num(x: Any) -> float | None:
    """``x`` as a float, None when missing (the formatter's rule)."""
    return fm.as_number(x)


def _yes(x: Any) -> bool:
    return x is True or (not isinstance(x, str) and _num(x) == 1.0) or str(x) == "True"


def _rows(df: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if df is None or len(df) == 0 or "benchmark" not in df:
        return {}
    return {str(r["benchmark"]): r for r in df.to_dict(orient="records")}


def _ci(row: Mapping[str, Any], quantity: str, fmt: Any) -> str:
    """The formatted 95% interval ``quantity_ci_low`` / ``_ci_high`` of ``row``."""
    return fm.interval(row.get(f"{quantity}_ci_low"), row.get(f"{quantity}_ci_high"), fmt)


def _other_kinds(n_by_kind: Any, kind: str) -> str:
    """``"imputed_operations 34"`` for the kinds not fitted (from ``"k n; k n"``)."""
    if isinstance(n_by_kind, Mapping):
        pairs = [(str(k), int(v)) for k, v in n_by_kind.items()]
    else:
        pairs = []
        for part in str(n_by_kind or "").split(";"):
            bits = part.strip().rsplit(" ", 1)
            if len(bits) == 2 and bits[1].isdigit():
                pairs.append((bits[0], int(bits[1])))
    return ", ".join(f"{k} {n}" for k, n in pairs if k != kind and n)


def _fit_clause(p: dict[str, Any], kind: str, others: str) -> str:
    text = (f"error ∝ compute^{fm.slope(p['slope'])} "
            f"{fm.interval(p['slope_ci_low'], p['slope_ci_high'], fm.slope)}, "
            f"R² {_num(p['r2']):.2f}, N = {int(p['n'])} results with "
            f"{KIND_WORDS.get(kind, kind + ' compute')}")
    if others:
        text += f" (other kinds, not pooled: {others})"
    return text


def findings(polynomial: pd.DataFrame, extrapolations: pd.DataFrame | None = None,
             outlooks: pd.DataFrame | None = None, match: pd.DataFrame | None = None,
             usable: Mapping[str, int] | None = None, *, min_results: int | None = None,
             max_interval_oom: float | None = None,
             excluded: Mapping[str, str] | None = None) -> Findings:
    """The findings of the study (see the module docstring).

    ``polynomial``: the polynomial fits (:attr:`~computelimits.scaling.study.BenchmarkFits.
    polynomial`); ``extrapolations``: the compute-only extrapolations with their backtest
    columns (:attr:`~computelimits.scaling.study.ForecastStudy.extrapolations`);
    ``outlooks``: the forecasts with algorithmic progress; ``match``: results and results
    with compute per benchmark (the match-rate table); ``usable``: per benchmark, the
    regression rows of the default selection. ``min_results`` (default
    :data:`~computelimits.scaling.study.MIN_RESULTS`), ``max_interval_oom`` (default
    :data:`~computelimits.scaling.outlooks.MAX_INTERVAL_OOM`) and ``excluded`` (default
    :data:`computelimits.data.chance.EXCLUDED`) are the rules the study applied."""
    if min_results is None:
        from computelimits.scaling import study

        min_results = study.MIN_RESULTS
    if max_interval_oom is None:
        from computelimits.scaling import outlooks as _outlooks

        max_interval_oom = _outlooks.MAX_INTERVAL_OOM
    if excluded is None:
        from computelimits.data import chance

        excluded = chance.EXCLUDED
    ext, out, counts = _rows(extrapolations), _rows(outlooks), _rows(match)
    usable = dict(usable or {})
    rows: list[dict[str, Any]] = []
    fitted = set()
    for p in polynomial.to_dict(orient="records"):
        bench = str(p["benchmark"])
        fitted.add(bench)
        kind = str(p.get("compute_kind") or "training")
        others = _other_kinds(p.get("n_by_kind"), kind)
        row = {c: p.get(c) for c in ("compute_kind", "n", "slope", "slope_ci_low",
                                     "slope_ci_high", "r2")}
        row.update(benchmark=bench, other_kinds=others)
        if not _yes(p.get("identified")):
            row["group"] = "not_identified"
            lo, hi = _num(p.get("slope_ci_low")), _num(p.get("slope_ci_high"))
            why = ("could not be computed" if lo is None or hi is None
                   else "lies above zero (the wrong sign)" if lo > 0 else "includes zero")
            row["sentence"] = (
                f"{bench}: compute does not explain its progress — the slope's 95% interval "
                f"{why} ({_fit_clause(p, kind, others)}); no compute, dollar or CO2 figure "
                "is given.")
            rows.append(row)
            continue
        row["group"] = "explained"
        parts = [f"{bench}: {_fit_clause(p, kind, others)}."]
        row.update({c: p.get(c) for c in ("halving_multiple", "halving_multiple_ci_low",
                                          "halving_multiple_ci_high")})
        if _num(p.get("halving_multiple")) is not None:
            ci = _ci(p, "halving_multiple", fm.multiple)
            parts.append(f"Halving the error takes {fm.multiple(p['halving_multiple'])} the "
                         f"compute {ci}.")
        x = ext.get(bench, {})
        parts.append(_next_halving(x, row, max_interval_oom))
        parts.append(_backtest(x, row))
        fc = _forecast(out.get(bench, {}), row)
        if fc:
            parts.append(fc)
        row["sentence"] = " ".join(part for part in parts if part)
        rows.append(row)
    for bench, c in sorted(counts.items()):
        if bench in fitted:
            continue
        n_res, n_comp = _num(c.get("results")), _num(c.get("with_compute"))
        if not n_res:
            continue
        n_use = int(usable.get(bench, 0))
        row = {"benchmark": bench, "group": "too_few", "results": int(n_res),
               "with_compute": int(n_comp or 0), "usable": n_use}
        if bench in excluded:
            row["sentence"] = f"{bench}: not fitted — {excluded[bench]}."
        else:
            row["sentence"] = (
                f"{bench}: {n_use} usable for a fit ({int(n_comp or 0)} of {int(n_res)} "
                "results carry compute).")
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in _COLUMNS:
        if col not in table:
            table[col] = None
    table = table[_COLUMNS]
    order = {g: i for i, g in enumerate(GROUPS)}
    table = (table.assign(_g=table["group"].map(order)).sort_values(["_g", "benchmark"],
                                                                     kind="stable")
             .drop(columns="_g").reset_index(drop=True))
    return Findings(table=table, headline=_headline(table, max_interval_oom, min_results))


def _next_halving(x: dict[str, Any], row: dict[str, Any], max_oom: float) -> str:
    best, target = _num(x.get("best_error")), _num(x.get("target_error"))
    if best is None or target is None:
        note = str(x.get("note") or "")
        return "No extrapolation of the next halving" + (f" ({note})." if note else ".")
    row.update(best_error=best, target_error=target)
    c, lo, hi = (_num(x.get(k)) for k in ("log10_compute", "log10_compute_ci_low",
                                          "log10_compute_ci_high"))
    head = f"Halving today's best error ({fm.error(best)} → {fm.error(target)})"
    if lo is None or hi is None or (c is None and hi - lo <= max_oom):
        row["sized"] = False
        return f"{head}: the fit gives no compute figure."
    span = hi - lo
    row["sized"] = bool(span <= max_oom)
    if not row["sized"]:
        return (f"{head}: the data cannot size it — the 95% interval of its compute, "
                f"{fm.interval(lo, hi, fm.flop)}, spans {span:.1f} orders of magnitude "
                f"(more than {max_oom:g}), so no central figure, dollars or CO2 are given.")
    row.update(log10_compute=c, log10_compute_ci_low=lo, log10_compute_ci_high=hi,
               usd=_num(x.get("usd")), usd_ci_low=_num(x.get("usd_ci_low")),
               usd_ci_high=_num(x.get("usd_ci_high")), co2_kg=_num(x.get("co2_kg")),
               price_year=_num(x.get("price_year")))
    text = f"{head} takes {fm.flop(c)} {fm.interval(lo, hi, fm.flop)}"
    if row["usd"] is not None:
        text += (f", about {fm.usd(row['usd'])} "
                 f"{fm.interval(row['usd_ci_low'], row['usd_ci_high'], fm.usd)}")
        if row["price_year"] is not None:
            text += f" at {row['price_year']:.0f} cloud prices"
    if row["co2_kg"] is not None:
        text += f" and {fm.co2(row['co2_kg'])}"
    return text + "."


def _backtest(x: dict[str, Any], row: dict[str, Any]) -> str:
    cov, medae = _num(x.get("backtest_forward_coverage")), _num(
        x.get("backtest_inverse_medae_oom"))
    row.update(backtest_forward_coverage=cov, backtest_inverse_medae_oom=medae)
    if cov is None:
        return "Not backtested (too few dated results for a rolling-origin evaluation)."
    text = (f"In backtests, the compute-only fit's 95% intervals covered {fm.percent(cov)} of "
            "later results")
    if medae is not None:
        text += f" and its compute was off by {fm.oom(medae)} (median)"
    return text + "."


def _forecast(o: dict[str, Any], row: dict[str, Any]) -> str:
    if not o or not _yes(o.get("identified")) or not _yes(o.get("determined")):
        return ""
    c = _num(o.get("log10_compute"))
    if c is None:
        return ""
    row.update(forecast_model=o.get("model"),
               forecast_rate_oom_per_year=_num(o.get("rate_oom_per_year")),
               forecast_log10_compute=c,
               forecast_log10_compute_ci_low=_num(o.get("log10_compute_ci_low")),
               forecast_log10_compute_ci_high=_num(o.get("log10_compute_ci_high")),
               forecast_usd_now=_num(o.get("usd_now")),
               forecast_usd_now_ci_low=_num(o.get("usd_now_ci_low")),
               forecast_usd_now_ci_high=_num(o.get("usd_now_ci_high")),
               forecast_backtest_forward_coverage=_num(o.get("backtest_forward_coverage")))
    text = "With algorithmic progress in the model"
    if row["forecast_rate_oom_per_year"] is not None:
        text += (f" ({row['forecast_rate_oom_per_year']:.2f} orders of magnitude of compute "
                 "per year)")
    text += f": {fm.flop(c)} {_ci(row, 'forecast_log10_compute', fm.flop)}"
    if row["forecast_usd_now"] is not None:
        text += (f", {fm.usd(row['forecast_usd_now'])} "
                 f"{_ci(row, 'forecast_usd_now', fm.usd)} bought now")
    if row["forecast_backtest_forward_coverage"] is not None:
        text += (f"; its backtest intervals covered "
                 f"{fm.percent(row['forecast_backtest_forward_coverage'])}")
    return text + "."


def _names(df: pd.DataFrame) -> str:
    return ", ".join(df["benchmark"].astype(str))


def _headline(table: pd.DataFrame, max_oom: float, min_results: int) -> list[str]:
    ex = table[table["group"] == "explained"]
    ni = table[table["group"] == "not_identified"]
    few = table[table["group"] == "too_few"]
    fitted = len(ex) + len(ni)
    lines = []
    if fitted:
        text = (f"Compute explains the progress of {len(ex)} of the {fitted} benchmarks "
                "fitted (the 95% interval of the slope of log error on log compute excludes "
                "zero)")
        text += f"; it does not on {len(ni)} ({_names(ni)})." if len(ni) else "."
        lines.append(text)
    if len(few):
        lines.append(f"{len(few)} more benchmarks have too few results with compute to be "
                     f"fitted ({_names(few)}): a fit needs {min_results} results with at least "
                     "3 distinct compute values, and none of them gets a figure.")
    mult = pd.to_numeric(ex["halving_multiple"], errors="coerce").dropna()
    if len(mult) == 1:
        lines.append(f"Where compute explains progress, halving the error takes "
                     f"{fm.multiple(mult.iloc[0])} the compute.")
    elif len(mult):
        lines.append(f"Where compute explains progress, halving the error takes between "
                     f"{fm.multiple(mult.min())} and {fm.multiple(mult.max())} the compute "
                     f"(median {fm.multiple(mult.median())}).")
    sized = ex[ex["sized"].map(_yes)] if len(ex) else ex
    usd = pd.to_numeric(sized["usd"], errors="coerce") if len(sized) else pd.Series(dtype=float)
    if usd.notna().any():
        lo, hi = sized.loc[usd.idxmin()], sized.loc[usd.idxmax()]
        cost = (f"it would cost {fm.usd(lo['usd'])} ({lo['benchmark']})" if len(sized) == 1
                else f"it would cost from {fm.usd(lo['usd'])} ({lo['benchmark']}) to "
                     f"{fm.usd(hi['usd'])} ({hi['benchmark']})")
        rest = len(ex) - len(sized)
        lines.append(f"Where the data can size the next halving of the best error (a compute "
                     f"interval of at most {max_oom:g} orders of magnitude: {len(sized)} of "
                     f"{len(ex)} benchmarks), {cost}"
                     + (f"; {rest} cannot be sized." if rest else "."))
    cov = pd.to_numeric(ex["backtest_forward_coverage"], errors="coerce").dropna()
    if len(cov):
        lines.append(f"In rolling-origin backtests of {len(cov)} of them, the compute-only "
                     f"fits' nominal 95% intervals covered a median {fm.percent(cov.median())} "
                     "of later results.")
    return lines
