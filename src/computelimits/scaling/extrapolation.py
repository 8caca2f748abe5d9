"""What would the next step cost? Compute, dollars and CO2 to reach a target error.

The compute comes from a fitted line (:class:`~computelimits.scaling.fit.ScalingFit`) with a
cluster-bootstrap confidence interval (where the line crosses the target) and prediction
interval (where a single new result would). It is then priced two ways:

* **modern defaults**: dollars per FLOP performed at the cloud prices observed in the latest
  year with enough prices (:func:`computelimits.compute.cost.usd_per_flop`), and CO2 from the
  energy per FLOP of a modern accelerator (Epoch's chip data: TDP, peak, the utilization,
  server-overhead and PUE assumptions) at a grid's intensity;
* **paper conventions**: the companion site's $1 per 6.8741×10¹⁶ FLOP and 1 lb CO2 per
  3.4976×10¹⁷ FLOP, applied to the hardware burden (compute / utilization).

Compute on the x axis is of one kind (:func:`~computelimits.scaling.dataset.benchmark_data`
chooses it and says which, with N per kind): training compute as the data give it (Epoch's
estimates, FLOP performed), or hardware burden (peak × time, no utilization) for users'
files in the paper's layout. Dollars and CO2 are priced per FLOP performed, so a hardware
burden is first multiplied by the utilization assumption; the paper's conventions apply to
hardware burden, so training compute is first divided by it. Both conversions are stated in
every output.

**Not identified, no number**: when the slope's interval includes zero or has the wrong sign
(:attr:`ScalingFit.identified_`), compute does not explain the benchmark, and the result
carries no FLOP, dollar or CO2 figure (``identified=False``, the numbers None) — only the
statement and the fit. A target at or above the chance error is refused.

Intervals follow the results vocabulary (:mod:`computelimits.results`): confidence intervals
are ``<quantity>_ci_low`` / ``_ci_high``, prediction intervals (a single new result)
``<quantity>_pred_ci_low`` / ``_pred_ci_high``. The data, prices, chips and grid come from a
:class:`~computelimits.data.catalog.Catalog` (``catalog``; None: the environment's).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.formulas import kwh_per_flop
from computelimits.results import ResultMixin, Summary
from computelimits.scaling.dataset import benchmark_data
from computelimits.scaling.fit import ScalingFit

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["DEFAULT_CHIP", "GROWTH_SERIES", "Extrapolation", "extrapolate",
           "latest_price_year", "price_performance_growth"]

#: Accelerator used to turn FLOP into energy for the modern default (a named, overridable
#: choice: the most frequent training chip of frontier models — compute rank ≤ 10 when
#: published — released from 2023 on in Epoch's models table: 7 models, against 3 for the
#: next, the A100 and TPU v4).
DEFAULT_CHIP = "NVIDIA H100 SXM5 80GB"


#: The quantities with intervals (index of :meth:`Extrapolation.conf_int`).
QUANTITIES = ("log10_compute", "log10_compute_pred", "usd", "usd_pred", "co2_kg")


@dataclass(repr=False)
class Extrapolation(ResultMixin):
    """Compute, dollars and CO2 for a target error; every number None when ``identified`` is
    False (compute does not explain the benchmark), and the central compute and every dollar
    and CO2 figure None (the intervals kept) when the compute interval spans more than
    :data:`~computelimits.scaling.outlooks.MAX_INTERVAL_OOM` orders of magnitude (the data
    cannot size the run; the command line prints no figure either). ``selection``: what the
    fit used (compute kind, N per kind, what was left out and why, chance level).

    Intervals at level 1 − ``alpha``: ``log10_compute_ci_low``/``_ci_high`` (where the line
    crosses the target), ``log10_compute_pred_ci_low``/``_pred_ci_high`` (where a single new
    result would), and the same for ``usd`` (``usd_ci_*``, ``usd_pred_ci_*``) and ``co2_kg``
    (``co2_kg_ci_*``)."""

    benchmark: str
    form: str
    target_error: float
    best_observed_error: float
    identified: bool
    compute_kind: str
    log10_compute: float | None
    max_observed_log10_compute: float
    orders_beyond_data: float | None
    is_extrapolation: bool | None
    usd: float | None
    co2_kg: float | None
    paper_usd: float | None
    paper_co2_kg: float | None
    price_year: int | None
    log10_compute_ci_low: float | None = None
    log10_compute_ci_high: float | None = None
    log10_compute_pred_ci_low: float | None = None
    log10_compute_pred_ci_high: float | None = None
    usd_ci_low: float | None = None
    usd_ci_high: float | None = None
    usd_pred_ci_low: float | None = None
    usd_pred_ci_high: float | None = None
    co2_kg_ci_low: float | None = None
    co2_kg_ci_high: float | None = None
    alpha: float = 0.05
    selection: dict[str, Any] = field(default_factory=dict)
    selection_lines: list[str] = field(default_factory=list)
    affordable_year: float | None = None
    budget_usd: float | None = None
    marginal_usd_per_point: float | None = None
    marginal_co2_kg_per_point: float | None = None
    fit: dict[str, Any] = field(default_factory=dict)
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Intervals indexed by quantity (:data:`QUANTITIES`: ``log10_compute`` and
        ``log10_compute_pred`` in log10 FLOP, ``usd``, ``usd_pred``, ``co2_kg``), columns
        ``ci_low`` and ``ci_high`` (NaN when not identified). The intervals were computed at
        the ``alpha`` given to :func:`extrapolate`; another level raises ConfigError."""
        if not math.isclose(alpha, self.alpha):
            raise ConfigError(f"this extrapolation's intervals are at alpha={self.alpha:g}; "
                              f"run extrapolate(..., alpha={alpha:g}) for another level")

        def num(v: float | None) -> float:
            return math.nan if v is None else float(v)

        return pd.DataFrame(
            {"ci_low": [num(getattr(self, f"{q}_ci_low")) for q in QUANTITIES],
             "ci_high": [num(getattr(self, f"{q}_ci_high")) for q in QUANTITIES]},
            index=pd.Index(QUANTITIES, name="quantity"))

    def to_frame(self) -> pd.DataFrame:
        """One row: every number and label of the result (lists and dictionaries — the
        selection, the fit, assumptions, notes, sources — are left out)."""
        row = {f.name: getattr(self, f.name) for f in fields(self)
               if not isinstance(getattr(self, f.name), (list, dict))}
        return pd.DataFrame([row])

    def summary(self) -> Summary:
        """The answer in a few lines (``str()`` prints them; :meth:`to_frame` is the table)."""
        pct = f"{1 - self.alpha:.0%}"
        title = (f"Extrapolation: {self.benchmark} to error {self.target_error:g} ({self.form} "
                 f"fit on {self.compute_kind} compute; best observed "
                 f"{self.best_observed_error:.3g})")
        def e10(v: float | None) -> str:
            return "∞" if v is None or not math.isfinite(v) else f"10^{v:.2f}"

        if not self.identified:
            lines = ["compute does not explain this benchmark: no compute, dollar or CO2 "
                     "figure"]
        elif self.log10_compute is None:
            lines = [f"compute: {pct} confidence [{e10(self.log10_compute_ci_low)}, "
                     f"{e10(self.log10_compute_ci_high)}] FLOP — too wide to size the run: no "
                     "central compute, dollar or CO2 figure"]
        else:

            from computelimits import formatting as fm

            lines = [f"compute: {e10(self.log10_compute)} FLOP, {pct} confidence "
                     f"[{e10(self.log10_compute_ci_low)}, {e10(self.log10_compute_ci_high)}], "
                     f"prediction [{e10(self.log10_compute_pred_ci_low)}, "
                     f"{e10(self.log10_compute_pred_ci_high)}]; "
                     f"{self.orders_beyond_data:.2f} orders of magnitude beyond the data",
                     f"cost ({self.price_year} cloud prices): {fm.usd(self.usd)} "
                     f"{fm.interval(self.usd_ci_low, self.usd_ci_high, fm.usd)}; "
                     f"{fm.co2(self.co2_kg)} "
                     f"{fm.interval(self.co2_kg_ci_low, self.co2_kg_ci_high, fm.co2)}",
                     f"paper conventions: {fm.usd(self.paper_usd)}, "
                     f"{fm.co2(self.paper_co2_kg)}"]
            if self.affordable_year is not None:
                lines.append(f"affordable at {fm.usd(self.budget_usd)} in "
                             f"{self.affordable_year:.0f}")
        return Summary(title, [*self.selection_lines, *lines],
                       self.to_frame(), notes=[f"note: {n}" for n in self.notes])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        head = (f"{self.benchmark} to error {fm.error(self.target_error)} ({self.form}, "
                f"{self.compute_kind} compute)")
        if not self.identified:
            return [head, "compute does not explain this benchmark"]
        if self.log10_compute is None:
            return [head, "too wide to size the run: " + fm.span(
                self.log10_compute_ci_low, self.log10_compute_ci_high, fm.flop)]
        return [head, fm.flop(self.log10_compute), fm.usd(self.usd), fm.co2(self.co2_kg)]


def latest_price_year(min_prices: int = 10, *, catalog: Catalog | None = None) -> int:
    """The latest year with at least ``min_prices`` on-demand cloud prices in Epoch AI's
    price table ("today" for prices)."""
    from computelimits.compute.cost import price_observations

    cat = resolve_catalog(catalog)

    def build() -> int:
        p = price_observations(catalog=cat)
        counts = p[p["on_demand_usd_per_chip_hour"].notna()]["date"].dt.year.value_counts()
        years = sorted(int(y) for y, n in counts.items() if n >= min_prices)
        if not years:
            raise ConfigError("no year with enough cloud prices in Epoch's price table")
        return years[-1]

    return cat.memo(("scaling.latest_price_year", min_prices), build)



def _co2_per_flop(chip: str, zone: str | None, catalog: Catalog
                  ) -> tuple[float, list[dict[str, Any]]]:
    from computelimits import formatting as fm
    from computelimits.compute.energy import default_pue, grid_intensity
    from computelimits.compute.hardware import find_chip

    spec = find_chip(chip, catalog=catalog)
    peak, prec = spec.peak()
    u = assumptions.get("utilization")
    ov = assumptions.get("server_overhead")
    pue, pue_src = default_pue(catalog=catalog)
    grid = grid_intensity(zone, catalog=catalog)
    if spec.tdp_w is None:
        raise ConfigError(f"{spec.name} has no TDP in Epoch's chip dataset")
    kwh_flop = kwh_per_flop(spec.tdp_w, ov.value, pue, peak, u.value)
    used = [u.to_dict(), ov.to_dict(),
            {"name": "energy_chip", "value": spec.tdp_w, "unit": "W TDP",
             "source": f"{spec.name}, {prec} peak {fm.flop_rate(peak)} (Epoch AI chip "
                       "dataset)"},
            {"name": "pue", "value": pue, "unit": "", "source": pue_src},
            {"name": "grid_intensity", "value": grid.gco2e_per_kwh, "unit": "gCO2e/kWh",
             "source": grid.line()}]
    return kwh_flop * grid.gco2e_per_kwh / 1000.0, used


#: price-performance series used for affordability: the fastest ≥16-bit rate per 2023 dollar
GROWTH_SERIES = "ml_max16_flops_per_usd_2023"


def price_performance_growth(*, catalog: Catalog | None = None) -> tuple[float, str]:
    """(orders of magnitude per year, source) of FLOP/s per dollar, measured from the data
    (:mod:`computelimits.scaling.hardware_series`, release prices in 2023 dollars)."""
    from computelimits.scaling.hardware_series import hardware_fits

    cat = resolve_catalog(catalog)

    def build() -> tuple[float, str]:
        f = hardware_fits(n_boot=0, moore=False, catalog=cat)[GROWTH_SERIES]
        return float(f.slope), (f"{f.label}: {f.doubling_months:.1f}-month doubling, "
                                f"{f.start:.0f}–{f.end:.0f} (computelimits trends)")

    return cat.memo(("scaling.price_performance_growth",), build)


def _sources(data: pd.DataFrame, zone: str | None) -> list[str]:
    """Attribution lines of every source behind the numbers."""
    from computelimits.data.credits import attribution

    lines = list(data.attrs.get("attribution") or attribution(data))
    names = ["epoch-hardware", "green-algorithms"]
    if zone is not None:
        names += ["electricity-maps-2024", "mlco2-impact"]
    for line in attribution(names):
        if line not in lines:
            lines.append(line)
    return lines


def extrapolate(benchmark: str, target_error: float, *, form: str = "polynomial",
                budget_usd: float | None = None, zone: str | None = None,
                chip: str = DEFAULT_CHIP, joined: pd.DataFrame | None = None,
                n_boot: int = 10_000, seed: int = 0, alpha: float = 0.05,
                growth: float | None = None, select: dict[str, Any] | None = None,
                data: pd.DataFrame | None = None, fit: ScalingFit | None = None,
                catalog: Catalog | None = None) -> Extrapolation:
    """Compute, dollars and CO2 to reach ``target_error`` (a fraction, e.g. 0.05 for 5%).

    ``budget_usd`` adds the year the run becomes affordable if FLOP per dollar keeps its
    measured trend (``growth``, orders of magnitude per year, overrides the measured rate).
    ``select``: keywords for :func:`~computelimits.scaling.dataset.benchmark_data` (kind,
    precision, setting, scale, cluster); ``data``: regression rows already built by it;
    ``fit``: a :class:`ScalingFit` of ``form`` already fitted on ``data`` (with the
    ``n_boot`` and ``seed`` wanted), used instead of fitting again. ``catalog``: where the
    data, prices, chips and grid come from (None: the environment's).
    """
    from computelimits.compute.cost import paper_co2_kg, paper_usd, usd_per_flop
    from computelimits.scaling.outlooks import MAX_INTERVAL_OOM
    from computelimits.validate import boot_count, frame, share, whole

    target_error = share(target_error, "target_error")
    alpha = share(alpha, "alpha")
    n_boot = boot_count(n_boot)
    seed = whole(seed, "seed", low=0)
    if budget_usd is not None:
        from computelimits.validate import finite

        budget_usd = finite(budget_usd, "budget_usd", low=0, low_open=True)
    cat = resolve_catalog(catalog)
    if data is not None:
        frame(data, "data", ("error", "log10_compute"))
    if data is None:
        data = benchmark_data(benchmark, joined=joined, catalog=cat, **(select or {}))
    sel = data.attrs["selection"]
    raw = data["error_raw"] if "error_raw" in data else data["error"]
    best = float(raw.min())
    if not 0 < target_error < sel.chance_error:
        raise ConfigError(f"target error {target_error:g} must lie between 0 and the chance "
                          f"error {sel.chance_error:g} ({sel.chance_basis})")
    scale = sel.chance_error if sel.scale == "above-chance" else 1.0
    if fit is None:
        fit = ScalingFit(form, n_boot=n_boot, seed=seed).fit(data)
    elif fit.form != form:
        raise ConfigError(f"the fit given is of the {fit.form} form, not {form}")
    max_x = float(data["log10_compute"].max())
    notes: list[str] = []
    def no_figure(identified: bool, **intervals: Any) -> Extrapolation:
        """The answer without a central compute, dollar or CO2 figure (intervals kept)."""
        return Extrapolation(
            benchmark=data["benchmark"].iloc[0], form=form, target_error=target_error,
            best_observed_error=best, identified=identified, compute_kind=sel.kind,
            log10_compute=None, max_observed_log10_compute=max_x, orders_beyond_data=None,
            is_extrapolation=None, usd=None, co2_kg=None, paper_usd=None, paper_co2_kg=None,
            price_year=None, alpha=alpha, selection=sel.to_dict(),
            selection_lines=sel.lines(), fit=fit.to_dict(), notes=notes,
            sources=_sources(data, zone), **intervals)

    if not fit.identified_:
        ci = fit.conf_int()
        notes.append(f"compute does not explain this benchmark: the slope's 95% interval "
                     f"[{ci.iloc[1, 0]:.3g}, {ci.iloc[1, 1]:.3g}] includes zero or has the "
                     "wrong sign, so no compute, dollar or CO2 figure is given")
        return no_figure(False)
    r = fit.log10_compute_for(target_error / scale, alpha=alpha)
    width = (r.get("log10_compute_ci_high", math.nan) - r.get("log10_compute_ci_low", math.nan))
    if not width <= MAX_INTERVAL_OOM and "log10_compute_ci_low" in r:
        # as the command line: an interval this wide cannot size a run — its intervals only
        notes.append(f"the {1 - alpha:.0%} interval spans {width:.1f} orders of magnitude, "
                     f"more than {MAX_INTERVAL_OOM:g}: the data cannot size this run, so no "
                     "central compute, dollar or CO2 figure is given")
        return no_figure(True, log10_compute_ci_low=r["log10_compute_ci_low"],
                         log10_compute_ci_high=r["log10_compute_ci_high"],
                         log10_compute_pred_ci_low=r.get("log10_compute_pred_ci_low"),
                         log10_compute_pred_ci_high=r.get("log10_compute_pred_ci_high"))
    if r.get("share_wrong_sign", 0) > alpha / 2:
        notes.append(f"{r['share_wrong_sign']:.0%} of bootstrap fits have a slope of the wrong "
                     "sign: the interval is open-ended")
    beyond = r["log10_compute"] - max_x
    price_year = latest_price_year(catalog=cat)
    med, _, _, n_prices = usd_per_flop(price_year, catalog=cat)
    co2_flop, used = _co2_per_flop(chip, zone, cat)
    u = assumptions.get("utilization").value
    # dollars and CO2 are per FLOP performed: a hardware burden (peak × time) performs
    # burden × utilization FLOP
    performed = u if sel.kind == "hardware_burden" else 1.0

    def usd_of(x):
        with np.errstate(over="ignore"):  # beyond 10^308 FLOP: infinite, not an error
            return float(np.power(10.0, x) * performed * med)

    def co2_of(x):
        with np.errstate(over="ignore"):
            return float(np.power(10.0, x) * performed * co2_flop)

    c = r["log10_compute"]
    conf = (r.get("log10_compute_ci_low", np.nan), r.get("log10_compute_ci_high", np.nan))
    pred = (r.get("log10_compute_pred_ci_low", np.nan),
            r.get("log10_compute_pred_ci_high", np.nan))
    used.insert(0, {"name": "usd_per_flop", "value": med, "unit": "USD per FLOP performed",
                    "source": f"median over {n_prices} cloud on-demand prices observed in "
                              f"{price_year} (Epoch AI hardware prices and chip data)"})
    for name in ("paper_flop_per_usd", "paper_flop_per_lb_co2"):
        used.append(assumptions.get(name).to_dict())
    with np.errstate(over="ignore"):  # beyond 10^308 FLOP: infinite, as usd_of
        burden = float(np.power(10.0, c)) / (1.0 if sel.kind == "hardware_burden" else u)
    out = Extrapolation(
        benchmark=data["benchmark"].iloc[0], form=form, target_error=target_error,
        best_observed_error=best, identified=True, compute_kind=sel.kind,
        log10_compute=c, log10_compute_ci_low=conf[0], log10_compute_ci_high=conf[1],
        log10_compute_pred_ci_low=pred[0], log10_compute_pred_ci_high=pred[1],
        max_observed_log10_compute=max_x,
        orders_beyond_data=float(beyond), is_extrapolation=bool(beyond > 0),
        usd=usd_of(c), usd_ci_low=usd_of(conf[0]), usd_ci_high=usd_of(conf[1]),
        usd_pred_ci_low=usd_of(pred[0]), usd_pred_ci_high=usd_of(pred[1]), co2_kg=co2_of(c),
        co2_kg_ci_low=co2_of(conf[0]), co2_kg_ci_high=co2_of(conf[1]),
        paper_usd=paper_usd(burden), paper_co2_kg=paper_co2_kg(burden),
        price_year=price_year, alpha=alpha, selection=sel.to_dict(),
        selection_lines=sel.lines(),
        fit=fit.to_dict(), assumptions=used,
        notes=notes, sources=_sources(data, zone))
    if sel.kind == "hardware_burden":
        notes.append(f"compute is hardware burden (peak × time): priced as burden × "
                     f"utilization {u:g} FLOP performed; paper conventions applied to the "
                     "burden itself")
    else:
        notes.append(f"paper conventions applied to hardware burden = compute / utilization "
                     f"{u:g}")
    if target_error >= best:
        notes.append(f"target error {target_error:g} is not below the best observed "
                     f"{best:g}: this is an interpolation")
    # marginal cost at the frontier: one percentage point below the best observed error
    step = 0.01 if best > 0.02 else best / 2
    try:
        x1 = fit.log10_compute_for(best / scale, alpha=alpha)["log10_compute"]
        x2 = fit.log10_compute_for((best - step) / scale, alpha=alpha)["log10_compute"]
        per = 0.01 / step
        out.marginal_usd_per_point = (usd_of(x2) - usd_of(x1)) * per
        out.marginal_co2_kg_per_point = (co2_of(x2) - co2_of(x1)) * per
    except ConfigError as exc:
        notes.append(f"no marginal cost: {exc}")
    if budget_usd is not None:
        if budget_usd <= 0:
            raise ConfigError(f"budget must be positive, got {budget_usd}")
        if growth is None:
            growth, gsrc = price_performance_growth(catalog=cat)
        else:
            gsrc = "given"
        used.append({"name": "flop_per_usd_growth", "value": growth,
                     "unit": "orders of magnitude per year", "source": gsrc})
        out.budget_usd = budget_usd
        if out.usd <= budget_usd:
            out.affordable_year = float(price_year)
        elif growth > 0 and math.isfinite(out.usd):
            out.affordable_year = price_year + math.log10(out.usd / budget_usd) / growth
        else:
            notes.append("never affordable at this budget if price-performance does not grow")
    return out
