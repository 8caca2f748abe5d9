"""The question users bring: what will the next points of accuracy cost, and how far can the
answer be trusted?

:func:`outlook` fits a time-aware :class:`~.forecast.Forecast` to one benchmark — the model
(``model``: one of the candidates of :mod:`.evaluation.registry`; "auto", the default, is the
one the nested rolling-origin evaluation chooses on every outcome observed so far,
:func:`.evaluation.nested.choose_now`), conformal intervals calibrated per horizon on the
pooled out-of-sample errors of the reference benchmarks (:mod:`.horizon`) — and answers, each
with a 95% interval:

1. **inverse** — the compute needed for a target error at a date (today by default);
2. **forward** — the error a model of a given compute released at a date will reach;
3. **frontier** — the best error expected at a date if frontier compute keeps growing at its
   measured rate (Epoch AI's notable models since 2012, :func:`.trends.compute_trend`).

For the inverse question it prices the target bought at the date and one and two years later
(:func:`.costs.cost_over_time`: Monte Carlo through the fit's bootstrap draws, the draws of
its rate of algorithmic progress, the widening of its compute interval and every cost
assumption's range: :func:`_costs`), and attaches the rolling-origin
evaluation of the same model on the same benchmark, at the horizon of the question (coverage
of its intervals, median error of its inverse predictions), with a sentence on how far to
trust it; a benchmark that was never backtested says so (the pooled figures of other
benchmarks are not its trust). Where the compute slope is not identified, it gives no
compute, dollar or CO2 figure; where compute and date are too collinear on the benchmark's
results to be told apart (:data:`COLLINEAR_R`), it says so and gives the compute-only answer
beside, with its caveat.

Intervals are named ``<quantity>_ci_low`` / ``<quantity>_ci_high`` (:mod:`computelimits.results`):
``log10_compute_ci_low`` of the inverse answer, ``error_ci_low`` of the forward and frontier
answers, ``rate_ci_low`` of the forecast, ``usd_ci_low`` … of the costs. The data come from a
:class:`~computelimits.data.catalog.Catalog` (``catalog``; None: the environment's) unless
the caller passes them (``joined``, ``data``).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import asdict, dataclass, field
from datetime import date as _date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import formatting as fm
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.dataset import benchmark_data, decimal_year
from computelimits.scaling.evaluation.nested import FALLBACK, PRIOR_DEFAULT
from computelimits.scaling.evaluation.registry import CutoffContext, candidates, get_model
from computelimits.scaling.forecast import Forecast, pool_calibration
from computelimits.scaling.forms import FORMS
from computelimits.scaling.horizon import HORIZON_LABELS, horizon_bin
from computelimits.scaling.shift import shift_widening

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["COLLINEAR_R", "MAX_INTERVAL_OOM", "Outlook", "frontier_growth", "outlook",
           "reference_datasets", "trust_from", "trust_sentence"]

#: |correlation| of log10 compute and date at or above which the two are not separately
#: identified on a benchmark's results (a reporting threshold of this package: at 0.9 the
#: variance of each coefficient is inflated more than five-fold, VIF = 1/(1 − r²)).
COLLINEAR_R = 0.9

#: Reference benchmarks whose out-of-sample residuals calibrate the intervals together.
REFERENCE_MIN_RESULTS = 20

#: What "held" means in the trust sentence: the goals the project set for its forecasts
#: (issue 10): 95% intervals covering 88–99% of later results, and inverse predictions off by
#: at most 0.5 orders of magnitude (median).
TRUST_COVERAGE = (0.88, 0.99)
TRUST_MEDAE_OOM = 0.5

#: An inverse answer whose 95% interval spans more than this many orders of magnitude of
#: compute (a million-fold) does not size a training run: no central figure, dollars or CO2
#: are given for it, only the interval (a reporting choice of this package, overridable).
MAX_INTERVAL_OOM = 6.0


@dataclass(repr=False)
class Outlook(ResultMixin):
    """Answers for one benchmark at one date; numbers are None where not identified."""

    benchmark: str
    date: str
    year: float
    compute_kind: str
    identified: bool
    forecast: dict[str, Any]
    inverse: dict[str, Any] | None = None
    forward: dict[str, Any] | None = None
    frontier: dict[str, Any] | None = None
    costs: dict[str, Any] | None = None
    trust: dict[str, Any] | None = None
    selection_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    compute_only: dict[str, Any] | None = None
    choice: dict[str, Any] | None = None
    unanswered: list[str] = field(default_factory=list)  # why a question asked has no answer

    def to_dict(self) -> dict[str, Any]:
        from computelimits._json import json_safe

        return json_safe(asdict(self))

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """The 95% intervals of the answers, indexed by quantity: ``rate`` (algorithmic
        progress, orders of magnitude per year), ``log10_compute`` (inverse), ``error``
        (forward), ``frontier_error``, and per buy year ``log10_compute_<h>y``, ``usd_<h>y``,
        ``co2_kg_<h>y`` (costs); those not asked or not identified are left out. Columns
        ``ci_low`` and ``ci_high``. Only the computed level (alpha 0.05) is available."""
        if not math.isclose(alpha, float(self.forecast.get("alpha", 0.05))):
            raise ConfigError(f"the outlook's intervals are at alpha="
                              f"{self.forecast.get('alpha', 0.05):g}")
        rows: dict[str, tuple[Any, Any]] = {
            "rate": (self.forecast.get("rate_ci_low"), self.forecast.get("rate_ci_high"))}
        if self.inverse and self.inverse.get("log10_compute") is not None:
            rows["log10_compute"] = (self.inverse["log10_compute_ci_low"],
                                     self.inverse["log10_compute_ci_high"])
        if self.forward:
            rows["error"] = (self.forward["error_ci_low"], self.forward["error_ci_high"])
        if self.frontier:
            rows["frontier_error"] = (self.frontier["error_ci_low"],
                                      self.frontier["error_ci_high"])
        for r in (self.costs or {}).get("table", []):
            tag = f"{r['years_ahead']:g}y"
            for q in ("log10_compute", "usd", "co2_kg"):
                rows[f"{q}_{tag}"] = (r[f"{q}_ci_low"], r[f"{q}_ci_high"])

        def num(v: Any) -> float:
            return math.nan if v is None else float(v)

        return pd.DataFrame({"ci_low": [num(v[0]) for v in rows.values()],
                             "ci_high": [num(v[1]) for v in rows.values()]},
                            index=pd.Index(list(rows), name="quantity"))

    def to_frame(self) -> pd.DataFrame:
        """One row: the benchmark, date, the forecast's numbers (``rate_oom_per_year``,
        ``rate_ci_low`` …), the answers (prefixed ``inverse_``, ``forward_``, ``frontier_``),
        the costs per buy year (``usd_<h>y``, ``usd_<h>y_ci_low`` …) and the trust
        sentence."""
        row: dict[str, Any] = {"benchmark": self.benchmark, "date": self.date,
                               "year": self.year, "compute_kind": self.compute_kind,
                               "identified": self.identified}
        row.update({k: v for k, v in self.forecast.items()
                    if not isinstance(v, (list, dict))})
        for name in ("inverse", "forward", "frontier"):
            part = getattr(self, name) or {}
            row.update({f"{name}_{k}": v for k, v in part.items()
                        if not isinstance(v, (list, dict))})
        for r in (self.costs or {}).get("table", []):
            tag = f"{r['years_ahead']:g}y"
            for q in ("log10_compute", "usd", "co2_kg"):
                row[f"{q}_{tag}"] = r[f"{q}_median"]
                row[f"{q}_{tag}_ci_low"] = r[f"{q}_ci_low"]
                row[f"{q}_{tag}_ci_high"] = r[f"{q}_ci_high"]
        row["trust"] = (self.trust or {}).get("sentence")
        return pd.DataFrame([row])

    def summary(self) -> Summary:
        """The answers in a few lines (``str()`` prints them; :meth:`to_frame` is the
        table)."""
        from computelimits import formatting as fm

        fc = self.forecast
        title = (f"Outlook: {self.benchmark} at {self.date}, error on {self.compute_kind} "
                 "compute and date")
        lines = list(self.selection_lines)
        if not self.identified:
            lines.append(_not_identified_line(self.compute_only))
        else:
            months = fc["halving_months"]
            halves = (f"compute for a fixed error halves every {months:.1f} months"
                      if math.isfinite(months) else
                      "compute for a fixed error does not halve with time here")
            lines.append(f"algorithmic progress: {fm.plain(fc['rate_oom_per_year'], 2)} orders "
                         f"of magnitude per year "
                         f"{fm.bounds(fc['rate_ci_low'], fc['rate_ci_high'])}; {halves} "
                         f"({fc.get('model', 'time')} model)")
        if self.inverse:
            i = self.inverse
            central = (f"10^{i['log10_compute']:.1f} FLOP" if i.get("determined", True)
                       else "not determined")
            lines.append(f"compute for error {i['target_error']:g}: {central} "
                         f"[10^{i['log10_compute_ci_low']:.1f}, "
                         f"10^{i['log10_compute_ci_high']:.1f}]")
        if self.forward:
            f = self.forward
            lines.append(f"error of a {fm.flop_count(f['compute'])} model: {f['error']:.3g} "
                         f"[{f['error_ci_low']:.3g}, {f['error_ci_high']:.3g}]")
        if self.frontier:
            f = self.frontier
            lines.append(f"frontier error (10^{f['log10_compute']:.1f} FLOP): "
                         f"{f['error']:.3g} [{f['error_ci_low']:.3g}, "
                         f"{f['error_ci_high']:.3g}]")
        for r in (self.costs or {}).get("table", []):
            lines.append(f"bought {r['buy_year']:.1f}: {fm.flop(r['log10_compute_median'])}, "
                         f"{fm.usd(r['usd_median'])} "
                         f"{fm.interval(r['usd_ci_low'], r['usd_ci_high'], fm.usd)}, "
                         f"{fm.co2(r['co2_kg_median'])}")
        if self.compute_only and self.compute_only.get("log10_compute") is not None:
            c = self.compute_only
            lines.append(f"compute-only answer: 10^{c['log10_compute']:.1f} FLOP "
                         f"[10^{c['log10_compute_ci_low']:.1f}, "
                         f"10^{c['log10_compute_ci_high']:.1f}] — {c['caveat']}")
        if self.trust:
            lines.append(f"trust: {self.trust['sentence']}")
        return Summary(title, lines, self.to_frame(),
                       notes=[f"note: {n}" for n in self.notes])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        parts = [f"{self.benchmark} at {self.date} ({self.compute_kind} compute)"]
        if not self.identified:
            parts.append("compute and date do not explain this benchmark")
        else:
            parts.append(f"progress {fm.oom(self.forecast.get('rate_oom_per_year'))} per year")
        i = self.inverse or {}
        if i.get("log10_compute") is not None and i.get("determined", True):
            parts.append(f"error {fm.error(i.get('target_error'))}: "
                         f"{fm.flop(i['log10_compute'])}")
        f = self.forward or {}
        if f.get("error") is not None:
            parts.append(f"{fm.flop_count(f.get('compute'))}: error {fm.error(f['error'])}")
        return parts


def _year_of(when: str | _date | pd.Timestamp | None) -> tuple[str, float]:
    if when is None:
        ts = pd.Timestamp(_date.today())
    else:
        text = str(when)
        try:
            ts = pd.Timestamp(_date.fromisoformat(text)) if isinstance(when, str) else \
                pd.Timestamp(when)
        except ValueError:
            raise ConfigError(f"date must be YYYY-MM-DD, got {when!r}") from None
    return ts.date().isoformat(), float(decimal_year(pd.Series([ts]))[0])


def reference_datasets(joined: pd.DataFrame, *, exclude: str | None = None,
                       min_results: int = REFERENCE_MIN_RESULTS,
                       select: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Regression rows of every benchmark in ``joined`` with at least ``min_results`` dated
    results of one compute kind (the reference set for pooled calibration)."""
    from computelimits.scaling.evaluation import datasets_with_history

    return datasets_with_history(joined, select=select, min_results=min_results,
                                 exclude=exclude)


def _not_identified_line(compute_only: dict[str, Any] | None) -> str:
    if compute_only and compute_only.get("collinear"):
        return (f"compute and date are not separately identified on these results "
                f"(correlation of log10 compute and date {compute_only['corr']:.2f}): no "
                "compute, dollar or CO2 figure from the time model")
    return "compute does not explain this benchmark: no compute, dollar or CO2 figure"


def trust_sentence(own: dict[str, Any] | None, pooled: dict[str, Any] | None = None, *,
                   horizon: str | None = None) -> str:
    """One sentence from the rolling-origin statistics of the model used on this benchmark
    (``own``; at the question's horizon bin when ``horizon`` names one). ``pooled`` is
    context only: a benchmark with no backtest of its own is said to be untested."""
    where = f" {horizon.replace('y', ' years').replace('-', '–')} ahead" if horizon else ""
    if not own:
        if pooled:
            return ("This benchmark was never backtested (too few dated results, or none "
                    f"that far ahead{where}): its intervals rest on the calibration pooled "
                    "over the reference benchmarks; treat them as untested here.")
        return ("not enough dated history to check this forecast out of sample: treat it as "
                "untested")
    cov = own.get("forward_coverage")
    med = own.get("inverse_medae_oom")
    def counted(n: Any, noun: str) -> str:
        return f"{int(n)} {noun}{'' if int(n) == 1 else 's'}"

    bits = [f"{counted(own['predictions'], 'out-of-sample prediction')} of "
            f"{counted(own.get('distinct_results', own['predictions']), 'later result')} over "
            f"{counted(own['cutoffs'], 'cutoff')}{where}"]
    if cov is not None and np.isfinite(cov):
        bits.append(f"95% intervals covered {cov:.0%} of them")
    if med is not None and np.isfinite(med):
        bits.append(f"inverse predictions were off by {med:.2f} orders of magnitude (median)")
    verdict = []
    lo, hi = TRUST_COVERAGE
    if cov is not None and np.isfinite(cov):
        if cov < lo:
            verdict.append("the intervals have been too narrow: read them as a lower bound on "
                           "the uncertainty")
        elif cov > hi:
            verdict.append("the intervals have been wider than they needed to be")
    if med is not None and np.isfinite(med) and med > TRUST_MEDAE_OOM:
        verdict.append(f"compute estimates have been off by more than "
                       f"{10 ** TRUST_MEDAE_OOM:.1f}× half the time")
    if not verdict and cov is not None and np.isfinite(cov) and med is not None \
            and np.isfinite(med):
        verdict.append("the intervals can be read at face value")
    return ("In backtests on this benchmark: " + ", ".join(bits)
            + "".join(f"; {v}" for v in verdict) + ".")


def trust_from(summary: pd.DataFrame, bench: str, model: str = "time",
               horizon: str | None = None) -> dict[str, Any]:
    """The trust figures of ``model`` for ``bench`` and the pool, from a
    :func:`.evaluation.summarize` table — at the horizon bin ``horizon`` (a label of
    :data:`~.horizon.HORIZON_LABELS`) where the benchmark was backtested that far, else
    over every horizon with the bin named as missing."""
    s = summary[(summary["target"] == "all") & (summary["model"] == model)]
    if "horizon" in s:
        at = s[s["horizon"] == horizon] if horizon else s.iloc[0:0]
        every = s[s["horizon"] == "all"]
    else:
        at, every = s.iloc[0:0], s
    at, every = at.set_index("benchmark"), every.set_index("benchmark")
    pool = next((b for b in every.index if str(b).startswith("pooled")), None)
    pooled = every.loc[pool].to_dict() if pool is not None else None
    if bench in at.index:
        own = at.loc[bench].to_dict()
        return {"benchmark": own, "pooled": pooled, "horizon": horizon,
                "sentence": trust_sentence(own, pooled, horizon=horizon)}
    own = every.loc[bench].to_dict() if bench in every.index else None
    sentence = trust_sentence(own, pooled)
    if own and horizon:
        sentence += (f" No backtest of this benchmark reached {horizon} ahead: the figures "
                     "are for nearer horizons.")
    return {"benchmark": own, "pooled": pooled, "horizon": "all" if own else None,
            "sentence": sentence}


def _fits(d: pd.DataFrame) -> bool:
    return int(d["year"].notna().sum()) >= 8


def _shared(refs: dict[str, pd.DataFrame], data: pd.DataFrame, *, n_boot: int,
            seed: int) -> tuple[float, np.ndarray] | None:
    """(rate, bootstrap draws) of :class:`.pooled.PooledProgress` on the references and
    ``data``, by the rule the backtests apply (:func:`.evaluation.rolling.shared_rate_before`:
    None where it cannot be fitted, lands on its search bound or is not identified)."""
    from computelimits.scaling.evaluation.rolling import shared_rate_before

    if not refs or not n_boot:  # one benchmark alone has no rate to share
        return None
    got = shared_rate_before([*refs.values(), data], n_boot=n_boot, seed=seed)
    return None if got is None or got[1] is None else (got[0], got[1])


def frontier_growth(*, n_boot: int = 2000, seed: int = 0,
                    catalog: Catalog | None = None) -> tuple[float, np.ndarray, str]:
    """(orders of magnitude per year, bootstrap draws, source) of the training compute of
    notable models since 2012 (Epoch AI's models table, from ``catalog``)."""
    from computelimits.scaling.compute_growth import compute_trend

    t = compute_trend(subset="notable", start=2012, n_boot=n_boot, seed=seed,
                      catalog=resolve_catalog(catalog))
    return (float(t.slope), np.asarray(t.boot, float),
            f"{t.label}, {t.start:.0f}–{t.end:.0f}: {t.doubling_months:.1f}-month doubling "
            "(computelimits trends; Epoch AI models table)")


def outlook(benchmark: str | None = None, *, target_error: float | None = None,
            date: str | _date | None = None, compute: float | None = None,
            frontier: bool = False, joined: pd.DataFrame | None = None,
            data: pd.DataFrame | None = None, select: dict[str, Any] | None = None,
            costs: bool = True, trust: bool = True, n_boot: int = 2000, seed: int = 0,
            chip: str | None = None, zone: str | None = None,
            years_ahead: tuple[float, ...] = (0, 1, 2),
            references: dict[str, pd.DataFrame] | None = None,
            evaluation: pd.DataFrame | None = None, n_draws: int = 4000,
            shared_rate: tuple[float, np.ndarray] | None = None,
            max_interval_oom: float = MAX_INTERVAL_OOM,
            reference_forecasts: dict[str, dict[str, Forecast]] | None = None,
            model: str = "auto", default_model: dict[str, Any] | None = None,
            catalog: Catalog | None = None) -> Outlook:
    """Answer the three questions for one benchmark (see the module docstring).

    Args:
        benchmark: benchmark id (a label only when ``data`` is given).
        target_error: inverse question: the error to reach (a fraction).
        date: the date of the questions, YYYY-MM-DD (default: today).
        compute: forward question: a model's training compute, FLOP.
        frontier: the frontier question.
        joined: results joined with compute (default: ``catalog``'s joined table);
            ``data``: the regression rows already built; ``select``: keywords for
            :func:`.dataset.benchmark_data`.
        costs: price the inverse answer now and ``years_ahead`` later.
        trust: attach the rolling-origin evaluation.
        references: regression rows of the benchmarks whose residuals calibrate the
            intervals together (default: :func:`reference_datasets` of ``joined``).
        evaluation: a :func:`.evaluation.summarize` table to take the trust figures from
            (default: run the rolling-origin evaluation of the candidate models).
        n_draws: Monte Carlo draws of the costs.
        shared_rate: (rate, bootstrap draws) shared by the reference benchmarks, used where
            the benchmark's own rate is not identified (default: fitted on the references
            and this benchmark with :class:`.pooled.PooledProgress`).
        max_interval_oom: widest inverse interval (orders of magnitude) still answered with
            a central figure and costs (:data:`MAX_INTERVAL_OOM`).
        reference_forecasts: forecasts of the references already fitted (without
            bootstrap), model name → benchmark → Forecast, e.g. when a report asks about
            many benchmarks (this benchmark's entry is skipped).
        model: a candidate model of :mod:`.evaluation.registry` ("time", "hybrid",
            "pooled"), or "auto": the one the nested rolling-origin evaluation chooses
            (``default_model``, else evaluated here). "time" falls back to "hybrid" where
            the benchmark's own rate is not identified, and says so.
        default_model: the choice of :func:`.evaluation.nested.choose_now` (a dict with
            ``model`` and ``reason``) already made, e.g. by a report.
        catalog: where the data, prices, chips and grid come from (None: the
            environment's).
    """
    from computelimits import validate as v

    if target_error is None and compute is None and not frontier:
        raise ConfigError("ask at least one question: a target error, a compute or the "
                          "frontier")
    if compute is not None:
        compute = float(v.positive_array(compute, "compute", "FLOP").ravel()[0])
    if target_error is not None:
        target_error = v.share(target_error, "target_error")
    n_boot = v.boot_count(n_boot)
    seed = v.whole(seed, "seed", low=0)
    n_draws = v.whole(n_draws, "n_draws", low=1, high=v.MAX_BOOT)
    max_interval_oom = v.finite(max_interval_oom, "max_interval_oom", low=0, low_open=True)
    years_ahead = tuple(v.finite(h, "years_ahead", low=0) for h in years_ahead)
    if data is not None:
        v.frame(data, "data", ("error", "log10_compute", "year"))
        if "selection" not in data.attrs:
            raise ConfigError("data must be regression rows from benchmark_data() (their "
                              "attrs carry the selection)")
    when, year = _year_of(date)
    cat = resolve_catalog(catalog)
    if joined is None and data is None:
        joined = cat.joined().table
    if data is None:
        if benchmark is None:
            raise ConfigError("give a benchmark")
        data = benchmark_data(benchmark, joined=joined, **(select or {}))
    sel = data.attrs["selection"]
    bench = sel.benchmark
    refs: dict[str, pd.DataFrame] = {}
    if references is not None:
        refs = {b: d for b, d in references.items() if b != bench}
    elif joined is not None:
        refs = reference_datasets(joined, exclude=bench,
                                  select={k: v for k, v in (select or {}).items()
                                          if k in ("scale",)})
    notes: list[str] = []
    choice = None
    run = None  # (summary, default) of the evaluation run here, when one is run
    if model == "auto":
        if default_model is None and (trust or evaluation is None):
            run = _evaluation(bench, refs, data, joined=joined, select=select, seed=seed)
            default_model = run[1] if run else None
        choice = default_model or {"model": PRIOR_DEFAULT, "scored": "none", "n": 0,
                                   "reason": "no evaluation: the prior default"}
        model = str(choice["model"])
        notes.append(f"model {model}: chosen by the nested rolling-origin evaluation "
                     f"({choice.get('reason', '')})")
    spec = get_model(model)
    model = spec.name  # one spelling ("time-logit" on the command line is time_logit)
    if choice is not None and spec.needs_shared_rate and shared_rate is None:
        shared_rate = _shared(refs, data, n_boot=min(n_boot, 2000), seed=seed)
        if shared_rate is None:
            notes.append(f"the {model} model needs a rate shared by other benchmarks and none "
                         f"is identified here: the {PRIOR_DEFAULT} model is used")
            model, spec = PRIOR_DEFAULT, get_model(PRIOR_DEFAULT)
    if not spec.candidate:
        raise ConfigError(f"the {model} model does not answer outlook questions; choose one "
                          f"of {', '.join(candidates())} or auto")
    if shared_rate is None and spec.needs_shared_rate:
        shared_rate = _shared(refs, data, n_boot=min(n_boot, 2000), seed=seed)
    ctx = CutoffContext(alpha=0.05, n_boot=n_boot, seed=seed,
                        shared_rate=shared_rate[0] if shared_rate else None,
                        shared_draws=shared_rate[1] if shared_rate else None)
    spec.prepare({**refs, bench: data}, ctx)
    fc = spec.forecast(data, ctx)
    fell_back = False
    if not fc.rate_identified_ and model != FALLBACK:
        # the model's rate is noise: the hybrid model (also evaluated, and substituted in its
        # backtests the same way: evaluation.nested.as_answered) takes the shared rate instead
        if fc.rate is None:
            lo, hi = fc.fit_.conf_int(fc.alpha).iloc[2].to_numpy()
            why = (f"this benchmark's own rate of algorithmic progress is not identified (the "
                   f"year coefficient's interval [{lo:.3g}, {hi:.3g}] does not exclude zero "
                   f"on the compute slope's side: Fieller's interval of the rate is not "
                   f"above zero)")
        else:
            lo, hi = fc.rate_conf_int()
            why = (f"the {model} model's rate of algorithmic progress, {fc.rate:.2f} "
                   f"{fm.bounds(lo, hi)} per year, is not identified (its interval is not "
                   f"above zero)")
        if shared_rate is None:
            shared_rate = _shared(refs, data, n_boot=min(n_boot, 2000), seed=seed)
        if shared_rate is not None:
            notes.append(f"{why}: instead of the {model} model, the hybrid model uses the rate "
                         f"shared by the reference benchmarks, {shared_rate[0]:.2f} per year")
            model, spec, fell_back = FALLBACK, get_model(FALLBACK), True
            ctx.shared_rate, ctx.shared_draws = shared_rate
            fc = spec.forecast(data, ctx)
    ref_ctx = CutoffContext(alpha=0.05, n_boot=0, seed=seed, shared_rate=ctx.shared_rate,
                            shared_draws=ctx.shared_draws, extra=ctx.extra)
    others = [f for b, f in (reference_forecasts or {}).get(model, {}).items() if b != bench]
    if not others:
        for d in refs.values():
            if _fits(d):
                with contextlib.suppress(ConfigError):
                    others.append(spec.fit(d, ref_ctx).forecast)
    if fc.interval == "conformal":
        pool_calibration([fc, *[o for o in others if o.interval == "conformal"]])
    shift, widen_y = shift_widening(fc.data_, fc.form)
    if widen_y:
        notes.append(f"the newest results ({shift['m']} dated after "
                     f"{shift['window']:.2f}) sit off the curve fitted to the earlier ones: "
                     f"shift {shift['shift']:+.3f} in {fc.form} units (Chow predictive test "
                     f"F = {shift['f']:.2f} on {shift['df'][0]:.3g} and {shift['df'][1]} df, "
                     f"p = {shift['pvalue']:.2g}); the intervals are widened by the shift")
    if math.isfinite(getattr(fc, "window_years_", math.inf)):
        notes.append(f"fitted on the {fc.n_window_} results of the last "
                     f"{fc.window_years_:g} years ({fc.n_before_window_} older ones left "
                     "out): the window with the smallest out-of-sample error on the earlier "
                     "results")
    if fc.n_undated_:
        notes.append(f"{fc.n_undated_} undated results left out (the model needs a date)")
    if fc.interval_used_ != "conformal":
        notes.append("too few dated results to calibrate out of sample: bootstrap intervals")
    out = Outlook(benchmark=bench, date=when, year=year, compute_kind=sel.kind,
                  identified=fc.identified_, forecast=fc.to_dict(),
                  selection_lines=sel.lines(), notes=notes,
                  sources=list(data.attrs.get("attribution", [])))
    if getattr(fc, "calibration_pooled_", None):
        notes.append(f"intervals calibrated per horizon on {fc.calibration_pooled_} "
                     f"out-of-sample errors of {len(others) + 1} benchmarks")
    out.choice = choice
    chance = sel.chance_error if sel.scale == "error" else 1.0
    scale = sel.chance_error if sel.scale == "above-chance" else 1.0
    horizon = max(year - fc.last_year_, 0.0)
    if year > fc.last_year_ + 0.01:
        notes.append(f"the date lies {horizon:.1f} years after the last result: the rate of "
                     "algorithmic progress is extrapolated that far")
    if not fc.identified_:
        out.compute_only = _compute_only(data, target_error, scale, n_boot=n_boot, seed=seed)
        notes.append(_not_identified_line(out.compute_only))
    out.forecast["level_shift"] = shift
    if compute is not None and fc.identified_:
        row = fc.forward(compute, year).iloc[0]
        lo_e, hi_e = float(row["error_ci_low"]), float(row["error_ci_high"])
        if widen_y:  # widen in the form's units, then back to errors (never above chance)
            f_ = FORMS[fc.form]
            _, ly, hy = fc.forward_transformed(np.array([math.log10(compute)]),
                                               np.array([year]))
            lo_e = float(min(f_.inverse(ly - widen_y)[0], fc.chance_))
            hi_e = float(min(f_.inverse(hy + widen_y)[0], fc.chance_))
        out.forward = {"compute": float(compute), "error": float(row["error"]) * scale,
                       "error_ci_low": lo_e * scale, "error_ci_high": hi_e * scale}
    if frontier and fc.identified_:
        g, _, gsrc = frontier_growth(n_boot=200, seed=seed, catalog=cat)
        fr = fc.frontier(year, g)
        fr.update(error=fr["error"] * scale, error_ci_low=fr["error_ci_low"] * scale,
                  error_ci_high=fr["error_ci_high"] * scale, growth_source=gsrc)
        out.frontier = fr
    if target_error is not None:
        if not 0 < target_error < chance:
            raise ConfigError(f"target error {target_error:g} must lie between 0 and the "
                              f"chance error {chance:g}")
        if fc.identified_:
            inv = fc.inverse(target_error / scale, year)
            # a level shift of the newest results: that much more uncertain (orders of
            # magnitude each side), in the compute and in the costs alike
            dx = widen_y / abs(fc.abc_[1]) if widen_y else 0.0
            if widen_y:
                inv.update(log10_compute_ci_low=inv["log10_compute_ci_low"] - dx,
                           log10_compute_ci_high=inv["log10_compute_ci_high"] + dx,
                           widened_for_shift_oom=dx)
            out.inverse = {"target_error": target_error, **inv,
                           "orders_beyond_data": inv["log10_compute"]
                           - float(data["log10_compute"].max()), "determined": True}
            width = inv["log10_compute_ci_high"] - inv["log10_compute_ci_low"]
            if not width <= max_interval_oom:
                out.inverse.update(log10_compute=None, orders_beyond_data=None,
                                   determined=False)
                spans = (f"spans {width:.1f} orders of magnitude" if math.isfinite(width)
                         else "is open-ended (some resamples never reach the target)")
                notes.append(f"the compute's 95% interval {spans} (more than "
                             f"{max_interval_oom:g} orders of magnitude): the data cannot "
                             "size this run, so no central figure, dollars or CO2 are given")
            elif costs:
                out.costs = _costs(fc, target_error / scale, year, sel.kind, chip=chip,
                                   zone=zone, seed=seed, years_ahead=years_ahead,
                                   n_draws=n_draws, catalog=cat, widen_oom=dx)
    if not fc.rate_identified_:
        why = ("no rate of algorithmic progress is identified: no answer away from the "
               "data's dates")
        notes.append(why)
        if out.inverse or out.frontier:
            out.unanswered.append(why)
        out.inverse = out.frontier = out.costs = None
    if not fc.identified_ and (target_error is not None or compute is not None or frontier):
        out.unanswered.append(_not_identified_line(out.compute_only))
    if out.costs:  # the dollars and CO2 rest on the price, chip and grid tables too
        from computelimits.data.credits import attribution

        grid = ["electricity-maps-2024"] if zone else []
        out.sources = list(dict.fromkeys([*out.sources, *attribution(
            ["epoch-hardware", "green-algorithms", *grid])]))
    hbin = HORIZON_LABELS[int(horizon_bin(horizon))]
    if trust:
        table = evaluation if evaluation is not None else (run[0] if run else None)
        if table is None:
            run = _evaluation(bench, refs, data, joined=joined, select=select, seed=seed)
            table = run[0] if run else None
        # the default ("auto") is scored as the nested evaluation scored it: the model chosen
        # at each cutoff from earlier outcomes, not the model chosen today in hindsight, with
        # its fallback where its own rate is not identified (evaluation.nested.as_answered)
        judged = ("nested" if choice is not None and table is not None and len(table)
                  and (table["model"] == "nested").any()
                  and (model == choice.get("model") or fell_back) else model)
        out.trust = (trust_from(table, bench, judged, horizon=hbin) if table is not None
                     and len(table) else
                     {"benchmark": None, "pooled": None, "horizon": None,
                      "sentence": trust_sentence(None, None)})
        out.trust["model"] = judged
        if judged == "nested":
            out.trust["sentence"] = out.trust["sentence"].replace(
                "In backtests on this benchmark", "In backtests of the default (the model "
                "chosen at each cutoff from earlier outcomes) on this benchmark", 1)
    out.forecast["model"] = model
    out.forecast["horizon_years"] = horizon
    return out


def _compute_only(data: pd.DataFrame, target_error: float | None, scale: float, *,
                  n_boot: int, seed: int) -> dict[str, Any]:
    """Whether compute and date are collinear on the rows, and where they are, the
    compute-only answer (the paper's fit) with its caveat."""
    from computelimits.scaling.fit import ScalingFit

    d = data[data["year"].notna()]
    x, t = d["log10_compute"].to_numpy(float), d["year"].to_numpy(float)
    corr = (float(np.corrcoef(x, t)[0, 1]) if len(d) > 2 and np.ptp(x) > 0 and np.ptp(t) > 0
            else math.nan)
    out: dict[str, Any] = {"corr": corr, "collinear": bool(abs(corr) >= COLLINEAR_R)}
    if not out["collinear"] or target_error is None:
        return out
    try:
        co = ScalingFit(n_boot=min(n_boot, 2000), seed=seed).fit(data)
    except ConfigError:
        return out
    if not co.identified_ or not 0 < target_error / scale < co.chance_:
        return out
    r = co.log10_compute_for(target_error / scale)
    out.update(log10_compute=r["log10_compute"],
               log10_compute_ci_low=r.get("log10_compute_pred_ci_low", math.nan),
               log10_compute_ci_high=r.get("log10_compute_pred_ci_high", math.nan),
               caveat="the paper's fit on compute alone credits compute with the "
                      "algorithmic progress of the same years, so it overstates what "
                      "compute buys; its intervals are in-sample")
    return out


def _evaluation(bench: str, refs: dict[str, pd.DataFrame], data: pd.DataFrame, *,
                joined: pd.DataFrame | None, select: dict[str, Any] | None, seed: int
                ) -> tuple[pd.DataFrame, dict[str, Any] | None] | None:
    """The rolling-origin evaluation of the candidate models on the references and this
    benchmark: (summary table, the default chosen on every outcome so far)."""
    from computelimits.scaling.evaluation import evaluate
    from computelimits.scaling.evaluation.runs import MIN_RESULTS_USER

    sets = dict(refs)
    sets[bench] = data
    rows = None
    if joined is not None and set(sets) <= set(joined["benchmark"].astype(str)):
        rows = joined  # choices made before each cutoff
    sel = {k: v for k, v in (select or {}).items() if v is not None}
    try:
        pred, summary = evaluate(rows, datasets=sets, select=sel, n_boot=100, seed=seed,
                                 models=candidates(), min_results=MIN_RESULTS_USER)
    except ConfigError:
        return None
    if pred.empty:
        return None
    return summary, pred.attrs.get("default_now")


#: Stream of the seeded generator that pairs draws of a fixed rate with the line's draws
#: (:func:`_fixed_rate_draws`; ``np.random.default_rng([seed, stream])``).
RATE_PAIRING_STREAM = 17

#: Most re-pricings per buy date that stretch the cost draws to the compute interval's width
#: (:func:`_costs`).
REPRICE_TRIES = 3


def _widths_oom(row: dict[str, Any]) -> tuple[float, float]:
    """Widths in orders of magnitude of a cost row's compute interval and dollar interval
    (NaN where an end is missing, i.e. unbounded in the JSON-safe row, or not positive)."""
    c_lo, c_hi = row.get("log10_compute_ci_low"), row.get("log10_compute_ci_high")
    lo, hi = row.get("usd_ci_low"), row.get("usd_ci_high")
    compute = c_hi - c_lo if c_lo is not None and c_hi is not None else math.nan
    usd = (math.log10(hi / lo) if lo is not None and hi is not None and lo > 0 and hi > 0
           else math.nan)
    return compute, usd


def _refit_compute(fc: Forecast, y: float, year: float, rates: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(log10 compute (FLOP) needed for the transformed error ``y`` at decimal ``year``,
    compute slope b) of the line refitted on the forecast's rows with each fixed rate of
    algorithmic progress in ``rates`` (orders of magnitude per year), one per rate.

    A fixed-rate :class:`~.forecast.Forecast` fits y = a + b·(x + r·t) by ordinary least
    squares (x = log10 C, t = year − 2015), so the fit has a closed form in the rate ρ: with
    the centred sums S_xx, S_xt, S_tt, S_xy, S_ty of its rows, b(ρ) = (S_xy + ρ·S_ty) /
    (S_xx + 2ρ·S_xt + ρ²·S_tt), the line passes through the rows' means (x̄ + ρ·t̄, ȳ), and
    the compute for y at time T is x̂(ρ) = x̄ + (y − ȳ)/b(ρ) − ρ·(T − t̄). Going from the
    fitted rate r to r' moves the answer by (y − ȳ)·(1/b(r') − 1/b(r)) − (r' − r)·(T − t̄):
    to first order, where the slope barely moves, −(r' − r)·(T − t̄) — the level is pinned
    where the data lie (their mean date t̄), so a faster rate lowers the compute needed
    after t̄. Effective compute: Ho et al. 2024, "Algorithmic progress in language models",
    arXiv 2403.05812."""
    from computelimits.scaling.fit import YEAR0

    d = fc.data_
    x = d["log10_compute"].to_numpy(float)
    t = d["year"].to_numpy(float) - YEAR0
    yy = FORMS[fc.form].transform(d["error"].to_numpy(float))
    xc, tc, yc = x - x.mean(), t - t.mean(), yy - yy.mean()
    sxx, sxt, stt = float(xc @ xc), float(xc @ tc), float(tc @ tc)
    sxy, sty = float(xc @ yc), float(tc @ yc)
    rho = np.asarray(rates, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = (sxy + rho * sty) / (sxx + 2 * rho * sxt + rho ** 2 * stt)
        x_hat = x.mean() + (y - yy.mean()) / b - rho * (float(year) - YEAR0 - t.mean())
    return x_hat, b


def _fixed_rate_draws(fc: Forecast, x_t: np.ndarray, y: float, year: float, seed: int
                      ) -> tuple[np.ndarray, np.ndarray, int, str]:
    """(log10 compute at ``year`` per line draw, the rate paired with it (orders of magnitude
    per year), draws of the rate used, what the note says) for a forecast with a fixed rate.

    The forecast's draws of its rate (:meth:`.Forecast.rate_draws`, which give its printed
    ``rate_ci_*``) are resampled with a seeded generator to the number of line draws, one
    paired with each; each line draw is moved by what refitting the line with its rate
    moves the central answer (:func:`_refit_compute`), ≈ −(r' − r)·(T − t̄) (the refit
    rather than that first-order rule: where compute and date are correlated in the rows,
    the refitted slope moves with the rate and the first-order rule would misstate the
    spread). A rate whose refit has no negative compute slope is left out with its line, as
    bootstrap lines with no negative slope are. Without draws (or all equal) the rate is the
    fixed one and adds no spread."""
    if fc.rate is None:
        raise ConfigError("the forecast has no fixed rate: its own rate's draws are c/b of "
                          "its bootstrap lines")
    r = float(fc.rate)
    given = np.asarray(fc.rate_draws(), float)
    given = given[np.isfinite(given)]
    if given.size < 2 or float(np.ptp(given)) == 0:
        return (x_t, np.full(len(x_t), r), 0,
                f"the fixed rate {r:.2f} (no draws of it: its uncertainty is not priced)")
    rng = np.random.default_rng([int(seed), RATE_PAIRING_STREAM])
    drawn = rng.choice(given, size=len(x_t), replace=True)
    x_new, slope = _refit_compute(fc, y, year, drawn)
    x_old = float(_refit_compute(fc, y, year, np.array([r]))[0][0])
    keep = (slope < 0) & np.isfinite(x_new)
    t_bar = float(fc.data_["year"].mean())
    text = (f"draws of the fixed rate {r:.2f} ({given.size:,} draws resampled and paired with "
            f"the line's bootstrap draws); each draw's compute at the date refitted with its "
            f"rate r′, which moves it by about −(r′ − {r:.2f})·(date − {t_bar:.1f}), "
            f"{t_bar:.1f} being the data's mean date")
    if not keep.all():
        text += (f"; {int((~keep).sum())} rate draw(s) whose refit has no negative compute "
                 "slope left out")
    return (x_t + (x_new - x_old))[keep], drawn[keep], int(given.size), text


def _costs(fc: Forecast, error: float, year: float, kind: str, *, chip: str | None,
           zone: str | None, seed: int, years_ahead: tuple[float, ...],
           n_draws: int = 4000, catalog: Catalog | None = None,
           widen_oom: float = 0.0) -> dict[str, Any]:
    """Price the inverse answer (``error`` in the forecast's units, a fraction) bought at
    decimal ``year`` + ``years_ahead`` (years): log10 FLOP, dollars of the price year and kg
    CO2e with 95% intervals (:func:`.costs.cost_over_time`, a Monte Carlo through draws of
    the compute needed at each buy date, each paired with a draw of the rate of algorithmic
    progress that moves it between dates; prices and trends as documented there).

    The draws carry every uncertainty the printed compute interval carries:

    * the line: the forecast's bootstrap lines with a negative compute slope;
    * the rate (orders of magnitude per year): the benchmark's own rate (``fc.rate`` None)
      is c/b of the same bootstrap lines (paired); a fixed rate r (shrunk, shared or
      pooled) is drawn from the forecast's draws of it, resampled and paired with the lines
      (:func:`_fixed_rate_draws`). A draw r' moves the compute at the date itself, not only
      its move to each buy date: the line, fitted on log10 C + r·(year − 2015), is refitted
      with r' in closed form (:func:`_refit_compute`), ≈ −(r' − r)·(date − t̄) with t̄ the
      data's mean date;
    * the calibration and the level shift: at each buy date the draws are widened about
      their median (never narrowed) until their 95% range is at least the forecast's
      interval at that date (:meth:`.Forecast.inverse`, calibrated at its horizon) plus
      ``widen_oom`` orders of magnitude on each side — the widening the printed compute
      interval gets where the newest results sit off the curve (:func:`.shift.shift_widening`:
      |shift| / |b|; Chow 1960). The target is met on the draws as the cost model
      resamples them, so the cost's compute interval (``log10_compute_ci_*`` of each row)
      at a buy date is at least the printed one there plus the shift's widening, and its
      dollar interval (log10 compute + log10 dollars per FLOP, drawn independently: price,
      utilization, price-performance growth) as wide or wider, up to Monte Carlo noise.
    """
    from computelimits.scaling.costs import cost_over_time
    from computelimits.scaling.extrapolation import DEFAULT_CHIP, latest_price_year
    from computelimits.scaling.fit import YEAR0

    cat = resolve_catalog(catalog)

    boot = fc._boot_abc()
    boot = boot[boot[:, 1] < 0]
    y = float(FORMS[fc.form].transform(np.array([error]))[0])
    t = year - YEAR0
    x_t = (y - boot[:, 0] - boot[:, 2] * t) / boot[:, 1]  # compute at the date, per line
    if fc.rate is None:
        rate = boot[:, 2] / boot[:, 1]
        n_rate = len(rate)
        how = ("the benchmark's own rate of algorithmic progress (c/b of the same bootstrap "
               "lines, paired)")
    else:
        x_t, rate, n_rate, how = _fixed_rate_draws(fc, x_t, y, year, seed)
    price_year = latest_price_year(catalog=cat)
    h0 = year - price_year  # buy dates are counted from the start of the price year
    before = h0 < 0
    if before:  # a date before the prices: price it at the observed prices, not backwards
        h0 = 0.0
    d: dict[str, Any] = {}
    widen = []
    for h in years_ahead:
        buy = year + h
        at = x_t - rate * h  # compute needed at the buy date, per draw
        lo_b, hi_b = np.percentile(at, [2.5, 97.5])
        inv = fc.inverse(error, buy)
        want = inv["log10_compute_ci_high"] - inv["log10_compute_ci_low"] + 2 * widen_oom
        k = float(want / (hi_b - lo_b)) if hi_b > lo_b and np.isfinite(want) else 1.0
        k = max(k, 1.0)
        mid = float(np.median(at))

        def price(k: float, at: np.ndarray = at, mid: float = mid, h: float = h
                  ) -> dict[str, Any]:
            # the cost model starts from the compute at the start of the price year and
            # moves it along each draw's rate: start each draw where that move lands on it,
            # widened, at the buy date
            return cost_over_time(
                mid + (at - mid) * k + rate * (h0 + h), progress_rate=rate,
                kind=kind if kind in ("training", "hardware_burden", "imputed_operations")
                else "training", years_ahead=(h0 + h,), price_year=price_year,
                chip=chip or DEFAULT_CHIP, zone=zone, seed=seed, n_draws=n_draws,
                catalog=cat, keep_draws=False).to_dict()

        part = price(k)
        # the cost model resamples the draws (the same rows whatever k: they depend on the
        # seed and the number of draws only) and the percentiles of compute commute with the
        # stretch: where the resampled range of compute, or of dollars (compute plus
        # independent draws), falls short of the target, stretch again — by the shortfall
        # (exact for compute), then along the secant of the last two tries (dollars)
        last: tuple[float, float] | None = None
        for _ in range(REPRICE_TRIES):
            w = min((v for v in _widths_oom(part["table"][0]) if math.isfinite(v)),
                    default=math.nan)
            if not (np.isfinite(want) and 0 < w < want):
                break
            k_next = k * want / w
            if last is not None and w > last[1]:
                k_next = max(k_next, k + (want - w) * (k - last[0]) / (w - last[1]))
            last = (k, w)
            k = k_next
            part = price(k)
        widen.append(k)
        if not d:
            d = part
        else:
            d["table"] = [*d["table"], *part["table"]]
    if before:
        for r in d["table"]:
            r["buy_year"] = year + r["years_ahead"]
    if fc.rate is not None:
        for a in d["assumptions"]:
            if a["name"] == "progress_rate":
                a["source"] = (f"{n_rate:,} draws of the fixed rate, resampled to the "
                               f"{len(rate):,} line draws and paired with them"
                               if n_rate else "the fixed rate, no draws of it")
    d["widening_by_buy_date"] = widen
    d["widened_for_shift_oom"] = float(widen_oom)
    d["rate_draws"] = int(n_rate)
    lead = "the date precedes the observed prices: its compute is priced at them; "
    shift = (f" plus the {widen_oom:.2f} orders of magnitude each side by which the newest "
             "results' level shift widens the compute interval" if widen_oom else "")
    d["note"] = (lead if before else "") + (
        f"prices observed in {price_year}, moved to each buy date along the measured "
        f"FLOP-per-dollar trend; compute moved along {how}; its spread widened at each buy "
        f"date to the interval calibrated at that horizon{shift} (×"
        + ", ×".join(f"{k:.2f}" for k in widen) + ")")
    return d
