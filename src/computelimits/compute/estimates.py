"""Pre-flight estimate of a training run: FLOP, chip-hours, energy, CO2 and dollars, with every
assumption and its source, and a range wherever an input is uncertain.

Give whichever you know:

* a chip, a chip count and hours (hardware burden; FLOP done = burden × utilization);
* total FLOP and a chip (chip-hours = FLOP / (peak × utilization));
* parameters and training tokens of a dense transformer (FLOP ≈ 6·N·D), and optionally a chip;
* (Python only) a PyTorch model, examples and epochs: :func:`computelimits.compute.torch_flops.
  training_flop` gives the FLOP to pass here.

Ranges come from the utilization range (Epoch AI's 30–40%) and the spread of observed prices;
they are named ``<quantity>_ci_low`` / ``<quantity>_ci_high`` like every interval of the
package (:mod:`computelimits.results`), but they are ranges propagated from the inputs' ranges,
not statistical confidence intervals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from computelimits import assumptions
from computelimits.compute import burden as B  # noqa: N812
from computelimits.compute._common import get_catalog
from computelimits.compute.cost import (
    chip_hour_price,
    paper_co2_kg,
    paper_usd,
    to_year_dollars,
    usd_per_flop,
)
from computelimits.compute.energy import co2_kg, default_pue, energy_kwh, grid_intensity
from computelimits.compute.hardware import find_chip
from computelimits.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from computelimits.data.catalog import Catalog
    from computelimits.results import Summary

__all__ = ["Estimate", "estimate"]

#: (quantity, unit) of every figure an :class:`Estimate` holds, in display order
QUANTITIES = (("training_flop", "FLOP"), ("hardware_burden_flop", "FLOP"),
              ("peak_flops", "FLOP/s"), ("chips", "chips"), ("chip_hours", "chip-hours"),
              ("hours", "hours"), ("implied_utilization", "fraction of peak"),
              ("energy_kwh", "kWh"), ("co2_kg", "kg CO2e"), ("cost_usd", "USD"),
              ("paper_cost_usd", "USD"), ("paper_co2_kg", "kg CO2"))


@dataclass
class Estimate:
    """Result of :func:`estimate`: central values, with ``<quantity>_ci_low`` /
    ``<quantity>_ci_high`` ranges (see the module docstring)."""

    training_flop: float
    training_flop_ci_low: float
    training_flop_ci_high: float
    hardware_burden_flop: float | None = None
    chip: str | None = None
    precision: str | None = None
    peak_flops: float | None = None
    chips: float | None = None
    hours: float | None = None
    hours_ci_low: float | None = None
    hours_ci_high: float | None = None
    chip_hours: float | None = None
    chip_hours_ci_low: float | None = None
    chip_hours_ci_high: float | None = None
    implied_utilization: float | None = None
    energy_kwh: float | None = None
    energy_kwh_ci_low: float | None = None
    energy_kwh_ci_high: float | None = None
    co2_kg: float | None = None
    co2_kg_ci_low: float | None = None
    co2_kg_ci_high: float | None = None
    grid: str | None = None
    cost_usd: float | None = None
    cost_usd_ci_low: float | None = None
    cost_usd_ci_high: float | None = None
    cost_basis: str | None = None
    paper_cost_usd: float | None = None
    paper_co2_kg: float | None = None
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def interval(self, quantity: str) -> tuple[float, float] | None:
        """(``<quantity>_ci_low``, ``<quantity>_ci_high``), or None where there is none."""
        lo = getattr(self, quantity + "_ci_low", None)
        hi = getattr(self, quantity + "_ci_high", None)
        return None if lo is None or hi is None else (lo, hi)

    def _set_interval(self, quantity: str, rng: tuple[float, float] | None) -> None:
        lo, hi = (None, None) if rng is None else rng
        setattr(self, quantity + "_ci_low", lo)
        setattr(self, quantity + "_ci_high", hi)

    def to_frame(self) -> pd.DataFrame:
        """One row per figure estimated: ``quantity``, ``value``, ``ci_low``, ``ci_high`` (NaN
        where there is no range) and ``unit``."""
        import pandas as pd

        rows = []
        for q, unit in QUANTITIES:
            v = getattr(self, q)
            if v is None:
                continue
            rng = self.interval(q) or (np.nan, np.nan)
            rows.append({"quantity": q, "value": float(v), "ci_low": float(rng[0]),
                         "ci_high": float(rng[1]), "unit": unit})
        return pd.DataFrame(rows, columns=["quantity", "value", "ci_low", "ci_high", "unit"])

    def summary(self) -> Summary:
        """The estimate as text (``str()``): figures with ranges, assumptions with their
        sources, notes and attribution; ``to_frame()`` gives the table behind it."""
        from computelimits.results import Summary

        lines = [f"  {q}: {c}" + (f" (range {r})" if r else "") for q, c, r in self.rows()]
        lines.append("assumptions:")
        for a in self.assumptions:
            rng = f" ({a['low']:g}–{a['high']:g})" if a.get("low") is not None else ""
            lines.append(f"  {a['name']} = {a['value']:g} {a['unit']}{rng} — {a['source']}")
        return Summary(title="training-run estimate", lines=lines, table=self.to_frame(),
                       notes=[f"note: {n}" for n in self.notes]
                       + [f"source: {s}" for s in self.sources])

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def rows(self) -> list[tuple[str, str, str]]:
        """(quantity, central value, range) lines for display."""
        def f(v, unit="", fmt="{:.3g}"):
            return "" if v is None else fmt.format(v) + unit

        def r(rng, unit="", fmt="{:.3g}"):
            if rng is None or fmt.format(rng[0]) == fmt.format(rng[1]):
                return ""
            return f"{fmt.format(rng[0])}–{fmt.format(rng[1])}{unit}"

        out = [("training compute", f(self.training_flop, " FLOP"),
                r(self.interval("training_flop"), " FLOP"))]
        if self.hardware_burden_flop is not None:
            out.append(("hardware burden (peak × time)", f(self.hardware_burden_flop, " FLOP"),
                        ""))
        if self.chip:
            out.append(("chip", f"{self.chip} ({self.precision}, {self.peak_flops:.3g} FLOP/s)",
                        ""))
        if self.chip_hours is not None:
            out.append(("chip-hours", f(self.chip_hours), r(self.interval("chip_hours"))))
        if self.hours is not None:
            out.append(("wall-clock hours", f(self.hours), r(self.interval("hours"))))
        if self.implied_utilization is not None:
            out.append(("implied utilization", f(self.implied_utilization), ""))
        if self.energy_kwh is not None:
            out.append(("energy", f(self.energy_kwh, " kWh"),
                        r(self.interval("energy_kwh"), " kWh")))
        if self.co2_kg is not None:
            out.append(("CO2e", f(self.co2_kg, " kg"), r(self.interval("co2_kg"), " kg")))
        if self.cost_usd is not None:
            out.append(("cost", f(self.cost_usd, "", "${:,.0f}"),
                        r(self.interval("cost_usd"), "", "${:,.0f}")))
        if self.paper_cost_usd is not None:
            out.append(("cost, paper convention", f(self.paper_cost_usd, "", "${:,.0f}"), ""))
        if self.paper_co2_kg is not None:
            out.append(("CO2, paper convention", f(self.paper_co2_kg, " kg"), ""))
        return out


def _u() -> tuple[float, float, float]:
    a = assumptions.get("utilization")
    return a.value, a.low, a.high


def estimate(*, chip: str | None = None, chips: float | None = None, hours: float | None = None,
             flop: float | None = None, parameters: float | None = None,
             tokens: float | None = None, precision: str | None = None,
             utilization: float | None = None, zone: str | None = None,
             gco2e_per_kwh: float | None = None, lifecycle: bool = True,
             pue: float | None = None, overhead: float | None = None,
             price_kind: str = "on-demand", usd_per_chip_hour: float | None = None,
             dollars_year: int | None = None, model: Any = None, example_inputs: Any = None,
             examples: float | None = None, epochs: float | None = None,
             catalog: Catalog | None = None) -> Estimate:
    """Estimate a training run from whichever inputs are known (see the module docstring).

    ``model`` (a PyTorch module), ``example_inputs`` (one batch), ``examples`` (training set
    size) and ``epochs``: the training FLOP are measured with
    :func:`computelimits.compute.torch_flops.training_flop` (needs the ``torch`` extra).
    ``catalog``: where chips, prices, PUE and grid intensities come from (None: the
    environment's :func:`~computelimits.data.catalog.default_catalog`).

    Units: hours of wall-clock time; FLOP (multiply-add = 2); gCO2e/kWh; US dollars.
    """
    used: list[dict[str, Any]] = []
    notes: list[str] = []
    if model is not None:
        if flop is not None or parameters is not None:
            raise ConfigError("give a model, or FLOP, or parameters and tokens — not several")
        if example_inputs is None or examples is None or epochs is None:
            raise ConfigError("a model needs example_inputs, examples and epochs")
        from computelimits.compute.torch_flops import training_flop

        flop = float(training_flop(model, example_inputs, examples=examples, epochs=epochs))
        used.append({"name": "training_flop_measured", "value": flop, "unit": "FLOP",
                     "low": None, "high": None,
                     "source": f"torch FlopCounterMode (+ analytic attention) per example × "
                               f"{examples:g} examples × {epochs:g} epochs"})
    if parameters is not None or tokens is not None:
        if parameters is None or tokens is None:
            raise ConfigError("give both --params and --tokens")
        if flop is not None:
            raise ConfigError("give either --flop or --params/--tokens, not both")
        flop = float(B.transformer_training_flop(parameters, tokens))
        used.append(assumptions.get("transformer_flop_per_param_token").to_dict())
    if flop is None and not (chip and chips and hours):
        raise ConfigError("give a chip with --chips and --hours, or --flop, or --params and "
                          "--tokens")
    cat = get_catalog(catalog)
    if utilization is not None:
        u, ulo, uhi = utilization, utilization, utilization
        used.append({"name": "utilization", "value": u, "unit": "fraction of peak FLOP/s",
                     "low": None, "high": None, "source": "given"})
    else:
        u, ulo, uhi = _u()
        used.append(assumptions.get("utilization").to_dict())

    spec = find_chip(chip, catalog=cat) if chip else None
    peak = prec = None
    if spec is not None:
        peak, prec = spec.peak(precision)
    est = Estimate(training_flop=float("nan"), training_flop_ci_low=np.nan,
                   training_flop_ci_high=np.nan)
    if spec is not None:
        est.chip, est.precision, est.peak_flops = spec.name, prec, peak

    chip_hours_rng: tuple[float, float] | None = None
    if flop is None:  # chips × hours × peak
        burden = float(B.hardware_burden(chips, peak, hours * 3600.0))
        est.hardware_burden_flop = burden
        est.training_flop = burden * u
        est._set_interval("training_flop", (burden * ulo, burden * uhi))
        est.chips, est.hours = float(chips), float(hours)
        est.chip_hours = float(chips) * float(hours)
        chip_hours_rng = (est.chip_hours, est.chip_hours)
    else:
        est.training_flop = float(flop)
        est._set_interval("training_flop", (float(flop), float(flop)))
        if spec is not None and chips and hours:
            burden = float(B.hardware_burden(chips, peak, hours * 3600.0))
            est.hardware_burden_flop = burden
            est.implied_utilization = float(flop) / burden
            est.chips, est.hours = float(chips), float(hours)
            est.chip_hours = float(chips) * float(hours)
            chip_hours_rng = (est.chip_hours, est.chip_hours)
            used = [a for a in used if a["name"] != "utilization"]
            if est.implied_utilization > 1:
                notes.append("the given FLOP exceed the chips' peak × hours: check the inputs")
        elif spec is not None:
            ch = float(B.chip_hours_for(flop, peak, u))
            est.chip_hours = ch
            chip_hours_rng = (float(B.chip_hours_for(flop, peak, uhi)),
                              float(B.chip_hours_for(flop, peak, ulo)))
            est.hardware_burden_flop = ch * 3600.0 * peak
            if chips:
                est.chips = float(chips)
                est.hours = ch / chips
                est._set_interval("hours", (chip_hours_rng[0] / chips,
                                            chip_hours_rng[1] / chips))
    est._set_interval("chip_hours", chip_hours_rng)

    # Energy and CO2 (needs a chip with a TDP)
    if spec is not None and est.chip_hours is not None:
        if spec.tdp_w is None:
            notes.append(f"{spec.name} has no TDP in Epoch's chip dataset: no energy or CO2")
        else:
            if pue is None:
                pue_v, pue_src = default_pue(catalog=cat)
            else:
                pue_v, pue_src = pue, "given"
            ov = assumptions.get("server_overhead")
            ov_v = ov.value if overhead is None else overhead
            used.append({"name": "chip_tdp", "value": spec.tdp_w, "unit": "W", "low": None,
                         "high": None,
                         "source": f"Epoch AI chip_dataset.csv, {spec.name} (row "
                                   f"{spec.source_row})"})
            used.append(ov.to_dict() if overhead is None else
                        {"name": "server_overhead", "value": ov_v, "unit": "× chip power",
                         "low": None, "high": None, "source": "given"})
            used.append({"name": "pue", "value": pue_v, "unit": "", "low": None, "high": None,
                         "source": pue_src})
            e = energy_kwh(est.chip_hours, spec.tdp_w, pue=pue_v, overhead=ov_v)
            lo, hi = chip_hours_rng
            est.energy_kwh = float(e)
            e_rng = (float(energy_kwh(lo, spec.tdp_w, pue=pue_v, overhead=ov_v)),
                     float(energy_kwh(hi, spec.tdp_w, pue=pue_v, overhead=ov_v)))
            est._set_interval("energy_kwh", e_rng)
            if gco2e_per_kwh is not None:
                intensity, grid_line = float(gco2e_per_kwh), f"{gco2e_per_kwh:g} gCO2e/kWh (given)"
            else:
                gi = grid_intensity(zone, lifecycle=lifecycle, catalog=cat)
                intensity, grid_line = gi.gco2e_per_kwh, gi.line()
            used.append({"name": "grid_intensity", "value": intensity, "unit": "gCO2e/kWh",
                         "low": None, "high": None, "source": grid_line})
            est.grid = grid_line
            est.co2_kg = float(co2_kg(est.energy_kwh, intensity))
            est._set_interval("co2_kg", (float(co2_kg(e_rng[0], intensity)),
                                         float(co2_kg(e_rng[1], intensity))))

    # Dollars
    if est.chip_hours is not None and spec is not None:
        if usd_per_chip_hour is not None:
            price, plo, phi, basis = usd_per_chip_hour, usd_per_chip_hour, usd_per_chip_hour, \
                f"${usd_per_chip_hour:g}/chip-hour (given)"
            year_obs = None
        else:
            try:
                cp = chip_hour_price(spec.name, price_kind, catalog=cat)
                price, plo, phi, basis = (cp.usd_per_chip_hour, cp.usd_per_chip_hour_ci_low,
                                          cp.usd_per_chip_hour_ci_high, cp.line())
                year_obs = int(cp.last.year)
            except ConfigError as exc:
                price = None
                notes.append(str(exc))
        if price is not None:
            lo, hi = chip_hours_rng
            est.cost_usd = est.chip_hours * price
            cost_rng = (lo * plo, hi * phi)
            est.cost_basis = basis
            if dollars_year is not None and year_obs is not None:
                k = to_year_dollars(1.0, year_obs, dollars_year, catalog=cat)
                est.cost_usd *= k
                cost_rng = (cost_rng[0] * k, cost_rng[1] * k)
                est.cost_basis += f"; converted from {year_obs} to {dollars_year} dollars (PPI)"
            est._set_interval("cost_usd", cost_rng)
            used.append({"name": "price_per_chip_hour", "value": price, "unit": "USD",
                         "low": plo, "high": phi, "source": basis})
    if est.cost_usd is None and dollars_year is not None:
        med, q1, q3, n = usd_per_flop(dollars_year, precision=precision, utilization=u,
                                      catalog=cat)
        est.cost_usd = est.training_flop * med
        est._set_interval("cost_usd", (est.training_flop * q1, est.training_flop * q3))
        est.cost_basis = (f"median of {n} cloud on-demand prices observed in {dollars_year} per "
                          "FLOP performed (interquartile range)")
        used.append({"name": "usd_per_flop", "value": med, "unit": "USD per FLOP", "low": q1,
                     "high": q3, "source": "Epoch AI hardware_prices.csv and chip_dataset.csv, "
                                          f"{dollars_year}"})
    elif est.cost_usd is None:
        notes.append("no dollar figure: name a chip with a known price, give "
                     "--usd-per-chip-hour, or give --dollars-year for a dollars-per-FLOP estimate")

    # Paper conventions (applied to hardware burden)
    burden_for_paper = est.hardware_burden_flop
    if burden_for_paper is None:
        burden_for_paper = est.training_flop / u
        notes.append("paper conventions applied to the hardware burden implied by the FLOP "
                     f"and utilization {u:g}")
    est.paper_cost_usd = paper_usd(burden_for_paper)
    est.paper_co2_kg = paper_co2_kg(burden_for_paper)
    for name in ("paper_flop_per_usd", "paper_flop_per_lb_co2"):
        used.append(assumptions.get(name).to_dict())
    est.assumptions = used
    est.notes = notes
    est.sources = cat.attribution(_source_names(used))
    return est


def _source_names(used: list[dict[str, Any]]) -> list[str]:
    """Names of the data sources the assumptions came from."""
    text = " ".join(str(a.get("source", "")) for a in used)
    names = []
    if "chip_dataset.csv" in text or "hardware_prices.csv" in text:
        names.append("epoch-hardware")
    for name in ("green-algorithms", "electricity-maps-2024", "mlco2-impact"):
        if name in text or (name == "green-algorithms" and "Green Algorithms" in text):
            names.append(name)
    return names
