"""Pre-flight estimate of a training run: FLOP, chip-hours, energy, CO2 and dollars, with every
assumption and its source, and a range wherever an input is uncertain.

Give whichever you know:

* a chip, a chip count and hours (hardware burden; FLOP done = burden × utilization);
* total FLOP and a chip (chip-hours = FLOP / (peak × utilization));
* parameters and training tokens of a dense transformer (FLOP ≈ 6·N·D), and optionally a chip;
* (Python only) a PyTorch model, examples and epochs: :func:`computelimits.compute.torch_flops.
  training_flop` gives the FLOP to pass here.

Ranges come from the utilization range (Epoch AI's 30–40%) and the spread of observed prices.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from computelimits import assumptions
from computelimits.compute import burden as B  # noqa: N812
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

__all__ = ["Estimate", "estimate"]


@dataclass
class Estimate:
    """Result of :func:`estimate`; quantities are central values with (low, high) ranges."""

    training_flop: float
    training_flop_range: tuple[float, float]
    hardware_burden_flop: float | None = None
    chip: str | None = None
    precision: str | None = None
    peak_flops: float | None = None
    chips: float | None = None
    hours: float | None = None
    hours_range: tuple[float, float] | None = None
    chip_hours: float | None = None
    chip_hours_range: tuple[float, float] | None = None
    implied_utilization: float | None = None
    energy_kwh: float | None = None
    energy_kwh_range: tuple[float, float] | None = None
    co2_kg: float | None = None
    co2_kg_range: tuple[float, float] | None = None
    grid: str | None = None
    cost_usd: float | None = None
    cost_usd_range: tuple[float, float] | None = None
    cost_basis: str | None = None
    paper_cost_usd: float | None = None
    paper_co2_kg: float | None = None
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def rows(self) -> list[tuple[str, str, str]]:
        """(quantity, central value, range) lines for display."""
        def f(v, unit="", fmt="{:.3g}"):
            return "" if v is None else fmt.format(v) + unit

        def r(rng, unit="", fmt="{:.3g}"):
            if rng is None or fmt.format(rng[0]) == fmt.format(rng[1]):
                return ""
            return f"{fmt.format(rng[0])}–{fmt.format(rng[1])}{unit}"

        out = [("training compute", f(self.training_flop, " FLOP"),
                r(self.training_flop_range, " FLOP"))]
        if self.hardware_burden_flop is not None:
            out.append(("hardware burden (peak × time)", f(self.hardware_burden_flop, " FLOP"),
                        ""))
        if self.chip:
            out.append(("chip", f"{self.chip} ({self.precision}, {self.peak_flops:.3g} FLOP/s)",
                        ""))
        if self.chip_hours is not None:
            out.append(("chip-hours", f(self.chip_hours), r(self.chip_hours_range)))
        if self.hours is not None:
            out.append(("wall-clock hours", f(self.hours), r(self.hours_range)))
        if self.implied_utilization is not None:
            out.append(("implied utilization", f(self.implied_utilization), ""))
        if self.energy_kwh is not None:
            out.append(("energy", f(self.energy_kwh, " kWh"), r(self.energy_kwh_range, " kWh")))
        if self.co2_kg is not None:
            out.append(("CO2e", f(self.co2_kg, " kg"), r(self.co2_kg_range, " kg")))
        if self.cost_usd is not None:
            out.append(("cost", f(self.cost_usd, "", "${:,.0f}"),
                        r(self.cost_usd_range, "", "${:,.0f}")))
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
             examples: float | None = None, epochs: float | None = None) -> Estimate:
    """Estimate a training run from whichever inputs are known (see the module docstring).

    ``model`` (a PyTorch module), ``example_inputs`` (one batch), ``examples`` (training set
    size) and ``epochs``: the training FLOP are measured with
    :func:`computelimits.compute.torch_flops.training_flop` (needs the ``torch`` extra).

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
    if utilization is not None:
        u, ulo, uhi = utilization, utilization, utilization
        used.append({"name": "utilization", "value": u, "unit": "fraction of peak FLOP/s",
                     "low": None, "high": None, "source": "given"})
    else:
        u, ulo, uhi = _u()
        used.append(assumptions.get("utilization").to_dict())

    spec = find_chip(chip) if chip else None
    peak = prec = None
    if spec is not None:
        peak, prec = spec.peak(precision)
    est = Estimate(training_flop=float("nan"), training_flop_range=(np.nan, np.nan))
    if spec is not None:
        est.chip, est.precision, est.peak_flops = spec.name, prec, peak

    if flop is None:  # chips × hours × peak
        burden = float(B.hardware_burden(chips, peak, hours * 3600.0))
        est.hardware_burden_flop = burden
        est.training_flop = burden * u
        est.training_flop_range = (burden * ulo, burden * uhi)
        est.chips, est.hours = float(chips), float(hours)
        est.chip_hours = est.chip_hours_range = None
        est.chip_hours = float(chips) * float(hours)
        est.chip_hours_range = (est.chip_hours, est.chip_hours)
    else:
        est.training_flop = float(flop)
        est.training_flop_range = (float(flop), float(flop))
        if spec is not None and chips and hours:
            burden = float(B.hardware_burden(chips, peak, hours * 3600.0))
            est.hardware_burden_flop = burden
            est.implied_utilization = float(flop) / burden
            est.chips, est.hours = float(chips), float(hours)
            est.chip_hours = float(chips) * float(hours)
            est.chip_hours_range = (est.chip_hours, est.chip_hours)
            used = [a for a in used if a["name"] != "utilization"]
            if est.implied_utilization > 1:
                notes.append("the given FLOP exceed the chips' peak × hours: check the inputs")
        elif spec is not None:
            ch = float(B.chip_hours_for(flop, peak, u))
            est.chip_hours = ch
            est.chip_hours_range = (float(B.chip_hours_for(flop, peak, uhi)),
                                    float(B.chip_hours_for(flop, peak, ulo)))
            est.hardware_burden_flop = ch * 3600.0 * peak
            if chips:
                est.chips = float(chips)
                est.hours = ch / chips
                est.hours_range = (est.chip_hours_range[0] / chips,
                                   est.chip_hours_range[1] / chips)

    # Energy and CO2 (needs a chip with a TDP)
    if spec is not None and est.chip_hours is not None:
        if spec.tdp_w is None:
            notes.append(f"{spec.name} has no TDP in Epoch's chip dataset: no energy or CO2")
        else:
            if pue is None:
                pue_v, pue_src = default_pue()
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
            lo, hi = est.chip_hours_range
            est.energy_kwh = float(e)
            est.energy_kwh_range = (float(energy_kwh(lo, spec.tdp_w, pue=pue_v, overhead=ov_v)),
                                    float(energy_kwh(hi, spec.tdp_w, pue=pue_v, overhead=ov_v)))
            if gco2e_per_kwh is not None:
                intensity, grid_line = float(gco2e_per_kwh), f"{gco2e_per_kwh:g} gCO2e/kWh (given)"
            else:
                gi = grid_intensity(zone, lifecycle=lifecycle)
                intensity, grid_line = gi.gco2e_per_kwh, gi.line()
            used.append({"name": "grid_intensity", "value": intensity, "unit": "gCO2e/kWh",
                         "low": None, "high": None, "source": grid_line})
            est.grid = grid_line
            est.co2_kg = float(co2_kg(est.energy_kwh, intensity))
            est.co2_kg_range = (float(co2_kg(est.energy_kwh_range[0], intensity)),
                                float(co2_kg(est.energy_kwh_range[1], intensity)))

    # Dollars
    if est.chip_hours is not None and spec is not None:
        if usd_per_chip_hour is not None:
            price, plo, phi, basis = usd_per_chip_hour, usd_per_chip_hour, usd_per_chip_hour, \
                f"${usd_per_chip_hour:g}/chip-hour (given)"
            year_obs = None
        else:
            try:
                cp = chip_hour_price(spec.name, price_kind)
                price, plo, phi, basis = cp.median, cp.low, cp.high, cp.line()
                year_obs = int(cp.last.year)
            except ConfigError as exc:
                price = None
                notes.append(str(exc))
        if price is not None:
            lo, hi = est.chip_hours_range
            est.cost_usd = est.chip_hours * price
            est.cost_usd_range = (lo * plo, hi * phi)
            est.cost_basis = basis
            if dollars_year is not None and year_obs is not None:
                k = to_year_dollars(1.0, year_obs, dollars_year)
                est.cost_usd *= k
                est.cost_usd_range = (est.cost_usd_range[0] * k, est.cost_usd_range[1] * k)
                est.cost_basis += f"; converted from {year_obs} to {dollars_year} dollars (PPI)"
            used.append({"name": "price_per_chip_hour", "value": price, "unit": "USD",
                         "low": plo, "high": phi, "source": basis})
    if est.cost_usd is None and dollars_year is not None:
        med, q1, q3, n = usd_per_flop(dollars_year, precision=precision, utilization=u)
        est.cost_usd = est.training_flop * med
        est.cost_usd_range = (est.training_flop * q1, est.training_flop * q3)
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
    est.sources = _attribution(used)
    return est


def _attribution(used: list[dict[str, Any]]) -> list[str]:
    """Attribution lines of the data sources the assumptions came from."""
    from computelimits.data.registry import SOURCES

    text = " ".join(str(a.get("source", "")) for a in used)
    names = []
    if "chip_dataset.csv" in text or "hardware_prices.csv" in text:
        names.append("epoch-hardware")
    for name in ("green-algorithms", "electricity-maps-2024", "mlco2-impact"):
        if name in text or (name == "green-algorithms" and "Green Algorithms" in text):
            names.append(name)
    return [SOURCES[n].attribution for n in dict.fromkeys(names)]
