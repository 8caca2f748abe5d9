"""A training run's footprint beyond operational CO2: the embodied (manufacturing) emissions of
the chips prorated to the run, and the water it consumes on and off site.

    embodied CO2e (kg) = chip-hours × manufacturing CO2e per chip (with its share of the host
                         server) / (service life (years) × hours per year × share of the life
                         in use)
    water on site (L)  = IT energy (kWh) × on-site WUE (L/kWh),  IT energy = energy / PUE
    water off site (L) = energy drawn (kWh) × energy-water intensity factor (L/kWh)

*Embodied* counts what making the chips and servers emitted, spread over the hours of their
service life that run jobs (Luccioni et al. 2023 for BLOOM: 11.2 t for 1.08 million A100-hours).
*On-site water* is evaporated by the data centre's cooling; *off-site water* is consumed by the
power plants that generate the electricity (Li et al. 2023, "Making AI Less Thirsty"). Neither
water figure depends on the grid zone here: the factors are averages, not zone data. Every
constant is an overridable assumption with its source and range (:mod:`computelimits.
assumptions`: ``embodied_kg_co2e_per_accelerator``, ``accelerator_service_life_years``,
``accelerator_lifetime_use``, ``wue_onsite_l_per_kwh``, ``ewif_offsite_l_per_kwh``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from computelimits import assumptions
from computelimits.errors import ConfigError

__all__ = ["MEASURES", "embodied_co2_kg", "footprint_ranges", "water_offsite_l",
           "water_onsite_l"]

#: what each footprint figure measures
MEASURES = {
    "embodied_co2_kg": "CO2e emitted manufacturing the chips and their servers, prorated to "
                       "this run's chip-hours over the hardware's service life",
    "water_onsite_l": "water evaporated by the data centre's cooling (on site)",
    "water_offsite_l": "water consumed generating the electricity (off site, an average factor, "
                       "not the grid zone's)",
}


def _check(name: str, value: Any, *, minimum: float = 0.0, strict: bool = False) -> np.ndarray:
    arr = np.asarray(value, float)
    bad = ~np.isfinite(arr) | ((arr <= minimum) if strict else (arr < minimum))
    if np.any(bad):
        what = "positive" if strict and minimum == 0 else f"at least {minimum:g}"
        raise ConfigError(f"{name} must be a {what} number, got {value}")
    return arr


def _value(name: str, given: float | None) -> float:
    return assumptions.get(name).value if given is None else float(given)


def embodied_co2_kg(chip_hours: Any, *, kg_per_chip: float | None = None,
                    service_life_years: float | None = None,
                    lifetime_use: float | None = None) -> Any:
    """Embodied CO2e (kg) of ``chip_hours``: chip-hours × ``kg_per_chip`` / (``service_life_
    years`` × hours per year × ``lifetime_use``); None: the named assumptions."""
    kg = _check("embodied CO2e per chip", _value("embodied_kg_co2e_per_accelerator", kg_per_chip))
    life = _check("service life", _value("accelerator_service_life_years", service_life_years),
                  strict=True)
    use = _check("lifetime use", _value("accelerator_lifetime_use", lifetime_use), strict=True)
    if np.any(use > 1):
        raise ConfigError(f"lifetime use must lie in (0, 1], got {lifetime_use}")
    hours = _check("chip-hours", chip_hours)
    per_year = assumptions.get("hours_per_year").value
    return hours * kg / (life * per_year * use)


def water_onsite_l(it_energy_kwh: Any, *, wue: float | None = None) -> Any:
    """Water evaporated on site (L): IT energy (kWh, before PUE) × on-site WUE (L/kWh)."""
    return (_check("IT energy", it_energy_kwh)
            * _check("on-site WUE", _value("wue_onsite_l_per_kwh", wue)))


def water_offsite_l(energy_kwh: Any, *, ewif: float | None = None) -> Any:
    """Water consumed off site to generate the electricity (L): energy drawn (kWh, after PUE)
    × energy-water intensity factor (L/kWh)."""
    return (_check("energy", energy_kwh)
            * _check("off-site water factor", _value("ewif_offsite_l_per_kwh", ewif)))


def _span(name: str) -> tuple[float, float, float]:
    """(value, low, high) of an assumption; the range widens to hold an overridden value."""
    a = assumptions.get(name)
    if a.low is None or a.high is None:
        return a.value, a.value, a.value
    return a.value, min(a.low, a.value), max(a.high, a.value)


def footprint_ranges(chip_hours: tuple[float, float, float],
                     energy_kwh: tuple[float, float, float] | None = None,
                     pue: float | None = None
                     ) -> tuple[dict[str, tuple[float, float, float]], list[dict[str, Any]]]:
    """Embodied CO2e and, given the energy and PUE, on- and off-site water of a run, each as
    (central, low, high), and the assumptions used.

    ``chip_hours`` and ``energy_kwh`` are (central, low, high). The low end combines the low
    inputs with the favourable end of every assumption's range (least CO2e per chip, longest
    life, fullest use, lowest water factors), the high end the reverse: a range from the
    sources, not a confidence interval."""
    kg, kg_lo, kg_hi = _span("embodied_kg_co2e_per_accelerator")
    life, life_lo, life_hi = _span("accelerator_service_life_years")
    use, use_lo, use_hi = _span("accelerator_lifetime_use")
    ch, ch_lo, ch_hi = chip_hours
    out = {"embodied_co2_kg": (
        float(embodied_co2_kg(ch, kg_per_chip=kg, service_life_years=life, lifetime_use=use)),
        float(embodied_co2_kg(ch_lo, kg_per_chip=kg_lo, service_life_years=life_hi,
                              lifetime_use=use_hi)),
        float(embodied_co2_kg(ch_hi, kg_per_chip=kg_hi, service_life_years=life_lo,
                              lifetime_use=use_lo)))}
    used = [assumptions.get(n).to_dict() for n in
            ("embodied_kg_co2e_per_accelerator", "accelerator_service_life_years",
             "accelerator_lifetime_use", "hours_per_year")]
    if energy_kwh is not None:
        if pue is None:
            raise ConfigError("water on site needs the PUE that turns IT energy into energy drawn")
        p = float(_check("PUE", pue, minimum=1.0))
        wue, wue_lo, wue_hi = _span("wue_onsite_l_per_kwh")
        ewif, ewif_lo, ewif_hi = _span("ewif_offsite_l_per_kwh")
        e, e_lo, e_hi = energy_kwh
        out["water_onsite_l"] = tuple(float(water_onsite_l(x / p, wue=w)) for x, w in
                                      ((e, wue), (e_lo, wue_lo), (e_hi, wue_hi)))
        out["water_offsite_l"] = tuple(float(water_offsite_l(x, ewif=w)) for x, w in
                                       ((e, ewif), (e_lo, ewif_lo), (e_hi, ewif_hi)))
        used += [assumptions.get(n).to_dict() for n in
                 ("wue_onsite_l_per_kwh", "ewif_offsite_l_per_kwh")]
    return out, used
