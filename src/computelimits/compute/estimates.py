"""Pre-flight estimate of a training run: FLOP, chip-hours, energy, CO2 (operational and
embodied), water and dollars, with every assumption and its source, and a range wherever an
input is uncertain.

Give whichever you know:

* a chip, a chip count and hours (hardware burden; FLOP done = burden × utilization);
* total FLOP and a chip (chip-hours = FLOP / (peak × utilization)), optionally with a chip
  count (→ hours) or hours (→ chips);
* parameters and training tokens of a dense transformer (FLOP ≈ 6·N·D), and optionally a chip;
* (Python only) a PyTorch model, examples and epochs: :func:`computelimits.compute.torch_flops.
  training_flop` gives the FLOP to pass here.

An option that would have no effect in the mode chosen (a grid zone without a chip to draw the
power, a price kind beside a given price, ...) is refused with a one-line error that names what
is missing, never ignored.

Ranges come from the utilization range (Epoch AI's 30–40%), the spread of observed prices and
the sources' ranges of the footprint assumptions (:mod:`computelimits.compute.footprint`); they
are named ``<quantity>_ci_low`` / ``<quantity>_ci_high`` like every interval of the package
(:mod:`computelimits.results`), but they are ranges propagated from the inputs' ranges, not
statistical confidence intervals.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from computelimits import assumptions
from computelimits.compute import burden as B  # noqa: N812
from computelimits.compute._common import assumption_line
from computelimits.compute.cost import (
    PRICE_KINDS,
    chip_hour_price,
    paper_co2_kg,
    paper_usd,
    to_year_dollars,
    usd_per_flop,
)
from computelimits.compute.energy import co2_kg, default_pue, energy_kwh, grid_intensity
from computelimits.compute.footprint import MEASURES as FOOTPRINT_MEASURES
from computelimits.compute.footprint import footprint_ranges
from computelimits.compute.hardware import find_chip
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin

if TYPE_CHECKING:
    import pandas as pd

    from computelimits.data.catalog import Catalog
    from computelimits.results import Summary

__all__ = ["Estimate", "estimate"]

#: (quantity, unit) of every figure an :class:`Estimate` holds, in display order
QUANTITIES = (("training_flop", "FLOP"), ("hardware_burden_flop", "FLOP"),
              ("peak_flops", "FLOP/s"), ("chips", "chips"), ("chip_hours", "chip-hours"),
              ("hours", "hours"), ("implied_utilization", "fraction of peak"),
              ("energy_kwh", "kWh"), ("co2_kg", "kg CO2e"), ("embodied_co2_kg", "kg CO2e"),
              ("co2_total_kg", "kg CO2e"), ("water_onsite_l", "L"),
              ("water_offsite_l", "L"), ("cost_usd", "USD"), ("paper_cost_usd", "USD"),
              ("paper_co2_kg", "kg CO2"))

#: what each figure measures (``to_dict()['measures']``, the text output's labels)
MEASURES = {
    "training_flop": "floating-point operations performed in training (multiply-add = 2)",
    "hardware_burden_flop": "chips × peak FLOP/s × seconds (the paper's hardware burden, no "
                            "utilization)",
    "peak_flops": "peak FLOP/s of one chip at the precision used",
    "chips": "accelerators running in parallel",
    "chip_hours": "accelerator-hours of training",
    "hours": "wall-clock hours of training",
    "implied_utilization": "given FLOP / hardware burden",
    "energy_kwh": "electricity drawn: chip TDP × server overhead × PUE × chip-hours",
    "co2_kg": "CO2e of generating that electricity (operational, grid intensity)",
    **FOOTPRINT_MEASURES,
    "co2_total_kg": "operational + embodied CO2e",
    "cost_usd": "dollars to rent the chip-hours (or FLOP at a year's prices per FLOP)",
    "paper_cost_usd": "the paper's companion-site dollars for the hardware burden",
    "paper_co2_kg": "the paper's companion-site CO2 for the hardware burden",
}


@dataclass(repr=False)
class Estimate(ResultMixin):
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
    chips_ci_low: float | None = None
    chips_ci_high: float | None = None
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
    pue: float | None = None
    embodied_co2_kg: float | None = None
    embodied_co2_kg_ci_low: float | None = None
    embodied_co2_kg_ci_high: float | None = None
    co2_total_kg: float | None = None
    co2_total_kg_ci_low: float | None = None
    co2_total_kg_ci_high: float | None = None
    water_onsite_l: float | None = None
    water_onsite_l_ci_low: float | None = None
    water_onsite_l_ci_high: float | None = None
    water_offsite_l: float | None = None
    water_offsite_l_ci_low: float | None = None
    water_offsite_l_ci_high: float | None = None
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
        """Every field, plus ``measures``: what each figure present measures."""
        out = asdict(self)
        out["measures"] = {q: MEASURES[q] for q, _ in QUANTITIES if out.get(q) is not None}
        return out

    def interval(self, quantity: str) -> tuple[float, float] | None:
        """(``<quantity>_ci_low``, ``<quantity>_ci_high``), or None where there is none."""
        lo = getattr(self, quantity + "_ci_low", None)
        hi = getattr(self, quantity + "_ci_high", None)
        return None if lo is None or hi is None else (lo, hi)

    def _set_interval(self, quantity: str, rng: tuple[float, float] | None) -> None:
        lo, hi = (None, None) if rng is None else rng
        setattr(self, quantity + "_ci_low", lo)
        setattr(self, quantity + "_ci_high", hi)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """The ranges, indexed by quantity, columns ``ci_low`` and ``ci_high``. They are
        propagated from the inputs' ranges (module docstring), so they have no level to choose:
        only the default ``alpha`` is accepted."""
        import pandas as pd

        if not math.isclose(alpha, 0.05):
            raise ConfigError("an estimate's ranges come from the inputs' ranges (utilization "
                              "30–40%, observed prices, the sources' footprint ranges), not from "
                              "a sampling distribution: they have no other level than alpha=0.05")
        rows = {q: self.interval(q) for q, _ in QUANTITIES if self.interval(q) is not None
                and getattr(self, q) is not None
                and not float(self.interval(q)[0]) == float(self.interval(q)[1])
                == float(getattr(self, q))}  # an exact (given) figure has no range
        return pd.DataFrame.from_dict(rows, orient="index", columns=["ci_low", "ci_high"])

    def to_frame(self) -> pd.DataFrame:
        """One row per figure estimated: ``quantity``, ``value``, ``ci_low``, ``ci_high`` (NaN
        where there is no range), ``unit`` and ``basis``: "exact (given)" for chip-hours from
        given chips and hours, "point (its assumptions carry no range)" for a figure whose
        inputs are all single values (energy and CO2 from given hours: no zero-width interval
        is shown), "range" where the inputs' ranges give one, "point" otherwise."""
        import pandas as pd

        rows = []
        for q, unit in QUANTITIES:
            v = getattr(self, q)
            if v is None:
                continue
            rng = self.interval(q)
            if rng is not None and float(rng[0]) == float(rng[1]) == float(v):
                basis = ("exact (given)" if q in ("chip_hours", "hours", "chips") else
                         "point (its assumptions carry no range)")
                rng = None
            else:
                basis = "range" if rng is not None else "point"
            lo, hi = rng or (np.nan, np.nan)
            rows.append({"quantity": q, "value": float(v), "ci_low": float(lo),
                         "ci_high": float(hi), "unit": unit, "basis": basis})
        return pd.DataFrame(rows, columns=["quantity", "value", "ci_low", "ci_high", "unit",
                                           "basis"])

    def summary(self) -> Summary:
        """The estimate as text (``str()``): figures with ranges, assumptions with their
        sources, notes and attribution; ``to_frame()`` gives the table behind it."""
        from computelimits.results import Summary

        lines = [f"  {q}: {c}" + (f" (range {r})" if r else "") for q, c, r in self.rows()]
        lines.append("assumptions:")
        lines += [f"  {assumption_line(a)}" for a in self.assumptions]
        return Summary(title="training-run estimate", lines=lines, table=self.to_frame(),
                       notes=[f"note: {n}" for n in self.notes]
                       + [f"source: {s}" for s in self.sources])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        figures = [(self.training_flop, fm.flop_count), (self.chip_hours, "{} chip-hours"),
                   (self.energy_kwh, fm.energy), (self.co2_kg, fm.co2),
                   (self.cost_usd, fm.usd)]
        parts = []
        for v, f in figures:
            if v is not None:
                parts.append(f.format(fm.count(v)) if isinstance(f, str) else f(v))
        if self.chip:
            parts.append(f"on {self.chip}")
        return parts

    def rows(self) -> list[tuple[str, str, str]]:
        """(quantity, central value, range) lines for display, in the package's number
        format (:mod:`computelimits.formatting`): ``10^24.0 FLOP``, ``1.5 GWh``, ``696 t
        CO2e``, ``$3.2 million``; no range where it would be one figure."""
        from computelimits import formatting as fm

        def r(q, fmt):
            rng = self.interval(q)
            if rng is None or fmt(rng[0]) == fmt(rng[1]):
                return ""
            return fm.span(rng[0], rng[1], fmt)

        def add(label, q, fmt):
            if getattr(self, q) is not None:
                out.append((label, fmt(getattr(self, q)), r(q, fmt)))

        out = [("training compute", fm.flop_count(self.training_flop),
                r("training_flop", fm.flop_count))]
        if self.hardware_burden_flop is not None:
            out.append(("hardware burden (peak × time)",
                        fm.flop_count(self.hardware_burden_flop), ""))
        if self.chip:
            out.append(("chip", f"{self.chip} ({self.precision}, "
                                f"{fm.flop_rate(self.peak_flops)})", ""))
        add("chips", "chips", fm.count)
        add("chip-hours", "chip_hours", fm.count)
        add("wall-clock hours", "hours", fm.count)
        add("implied utilization", "implied_utilization", fm.percent)
        add("energy drawn", "energy_kwh", fm.energy)
        add("CO2e, operational (electricity)", "co2_kg", fm.co2)
        add("CO2e, embodied (chip making, prorated)", "embodied_co2_kg", fm.co2)
        add("CO2e, operational + embodied", "co2_total_kg", fm.co2)
        add("water, on site (cooling)", "water_onsite_l", fm.water)
        add("water, off site (power generation)", "water_offsite_l", fm.water)
        add("cost", "cost_usd", fm.usd)
        if self.paper_cost_usd is not None:
            out.append(("cost, paper convention", fm.usd(self.paper_cost_usd), ""))
        if self.paper_co2_kg is not None:
            out.append(("CO2, paper convention", fm.co2(self.paper_co2_kg), ""))
        return out


def _u() -> tuple[float, float, float]:
    a = assumptions.get("utilization")
    return a.value, a.low, a.high


# ---------------------------------------------------------------- input checks

def _check_numbers(**given: Any) -> None:
    """Every numeric input finite and in range; the message names the option."""
    rules = {  # option name, lowest allowed, lowest excluded?
        "chips": ("--chips", 0.0, True), "hours": ("--hours", 0.0, True),
        "flop": ("--flop", 0.0, True), "parameters": ("--params", 0.0, True),
        "tokens": ("--tokens", 0.0, True), "examples": ("examples", 0.0, True),
        "epochs": ("epochs", 0.0, True), "gco2e_per_kwh": ("--gco2-per-kwh", 0.0, False),
        "pue": ("--pue", 1.0, False), "overhead": ("--overhead", 1.0, False),
        "usd_per_chip_hour": ("--usd-per-chip-hour", 0.0, False),
    }
    for key, value in given.items():
        if value is None:
            continue
        if key == "utilization":
            v = _as_float("--utilization", value)
            if not (math.isfinite(v) and 0 < v <= 1):
                raise ConfigError(f"--utilization must lie in (0, 1], got {value}")
            continue
        if key == "dollars_year":
            if isinstance(value, bool) or not float(value).is_integer():
                raise ConfigError(f"--dollars-year must be a year such as 2024, got {value}")
            continue
        flag, low, strict = rules[key]
        v = _as_float(flag, value)
        if not math.isfinite(v) or (v <= low if strict else v < low):
            what = ("a positive number" if strict and low == 0 else
                    "a number ≥ 0" if low == 0 else f"a number ≥ {low:g}")
            raise ConfigError(f"{flag} must be {what}, got {value}")


def _as_float(flag: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{flag} must be a number, got {value!r}") from None


_NEEDS_CHIP = {
    "--chips": "chips and hours are counted on a named chip",
    "--hours": "chips and hours are counted on a named chip",
    "--zone": "energy and CO2 need a chip's power (TDP) and speed",
    "--gco2-per-kwh": "energy and CO2 need a chip's power (TDP) and speed",
    "--direct": "energy and CO2 need a chip's power (TDP) and speed",
    "--pue": "energy and CO2 need a chip's power (TDP) and speed",
    "--overhead": "energy and CO2 need a chip's power (TDP) and speed",
    "--usd-per-chip-hour": "a price per chip-hour needs chip-hours (or give --dollars-year for "
                           "dollars per FLOP)",
}
_CHIP_EXAMPLE = "add e.g. --chip 'H100 SXM5 80GB'"


def _refuse_idle_options(*, chip, chips, hours, flop_given, zone, gco2e_per_kwh, lifecycle,
                         pue, overhead, price_kind, usd_per_chip_hour, dollars_year, precision,
                         utilization) -> None:
    """Options that would change nothing in the mode the other inputs choose: refused."""
    given = {"--chips": chips, "--hours": hours, "--zone": zone, "--gco2-per-kwh": gco2e_per_kwh,
             "--direct": None if lifecycle else True, "--pue": pue, "--overhead": overhead,
             "--usd-per-chip-hour": usd_per_chip_hour}
    if chip is None:
        for flag, value in given.items():
            if value is not None:
                raise ConfigError(f"{flag} has no effect without --chip: {_NEEDS_CHIP[flag]}; "
                                  f"{_CHIP_EXAMPLE}")
        if dollars_year is None:
            for flag, value in (("--price-kind", price_kind), ("--precision", precision)):
                if value is not None:
                    raise ConfigError(f"{flag} has no effect without --chip or --dollars-year: "
                                      "nothing is priced or run on a chip")
    if zone is not None and gco2e_per_kwh is not None:
        raise ConfigError("give --zone or --gco2-per-kwh, not both")
    if gco2e_per_kwh is not None and not lifecycle:
        raise ConfigError("--direct has no effect with --gco2-per-kwh: the given intensity is "
                          "used as it is")
    if usd_per_chip_hour is not None:
        if price_kind is not None:
            raise ConfigError("--price-kind has no effect with --usd-per-chip-hour: the given "
                              "price is used")
        if dollars_year is not None:
            raise ConfigError("--dollars-year has no effect with --usd-per-chip-hour: a given "
                              "price is used as it is (convert it to that year's dollars first)")
    if utilization is not None and flop_given and chips is not None and hours is not None:
        raise ConfigError("--utilization has no effect when the FLOP, --chips and --hours are "
                          "all given: the utilization is implied by them")


# ---------------------------------------------------------------- the estimate

def estimate(*, chip: str | None = None, chips: float | None = None, hours: float | None = None,
             flop: float | None = None, parameters: float | None = None,
             tokens: float | None = None, precision: str | None = None,
             utilization: float | None = None, zone: str | None = None,
             gco2e_per_kwh: float | None = None, lifecycle: bool = True,
             pue: float | None = None, overhead: float | None = None,
             price_kind: str | None = None, usd_per_chip_hour: float | None = None,
             dollars_year: int | None = None, model: Any = None, example_inputs: Any = None,
             examples: float | None = None, epochs: float | None = None,
             catalog: Catalog | None = None) -> Estimate:
    """Estimate a training run from whichever inputs are known (see the module docstring).

    ``model`` (a PyTorch module), ``example_inputs`` (one batch), ``examples`` (training set
    size) and ``epochs``: the training FLOP are measured with
    :func:`computelimits.compute.torch_flops.training_flop` (needs the ``torch`` extra).
    ``price_kind``: on-demand (None), 1y or 3y cloud prices. ``lifecycle=False``: direct
    (combustion) grid intensity. ``catalog``: where chips, prices, PUE and grid intensities
    come from (None: the environment's :func:`~computelimits.data.catalog.resolve_catalog`).

    Energy, operational CO2 and water need a chip with a TDP; embodied CO2 needs chip-hours.
    Units: hours of wall-clock time; FLOP (multiply-add = 2); gCO2e/kWh; US dollars; litres.
    """
    _check_numbers(chips=chips, hours=hours, flop=flop, parameters=parameters, tokens=tokens,
                   utilization=utilization, gco2e_per_kwh=gco2e_per_kwh, pue=pue,
                   overhead=overhead, usd_per_chip_hour=usd_per_chip_hour,
                   dollars_year=dollars_year, examples=examples, epochs=epochs)
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
    if price_kind is not None and price_kind not in PRICE_KINDS:
        raise ConfigError(f"--price-kind must be one of {', '.join(PRICE_KINDS)}, got "
                          f"{price_kind!r}")
    if price_kind == "on-demand" and usd_per_chip_hour is None and (chip or dollars_year):
        price_kind = None  # the default, named
    _refuse_idle_options(chip=chip, chips=chips, hours=hours, flop_given=flop is not None,
                         zone=zone, gco2e_per_kwh=gco2e_per_kwh, lifecycle=lifecycle, pue=pue,
                         overhead=overhead, price_kind=price_kind,
                         usd_per_chip_hour=usd_per_chip_hour, dollars_year=dollars_year,
                         precision=precision, utilization=utilization)
    kind = "on-demand" if price_kind is None else price_kind
    cat = resolve_catalog(catalog)
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
            elif hours:
                est.hours = float(hours)
                est.chips = ch / hours
                est._set_interval("chips", (chip_hours_rng[0] / hours,
                                            chip_hours_rng[1] / hours))
                notes.append(f"chips = chip-hours / {hours:g} hours (round up to whole chips)")
    est._set_interval("chip_hours", chip_hours_rng)

    # Energy and operational CO2 (needs a chip with a TDP)
    energy_rng: tuple[float, float, float] | None = None
    if spec is not None and est.chip_hours is not None:
        if spec.tdp_w is None:
            idle = [flag for flag, v in (("--zone", zone), ("--gco2-per-kwh", gco2e_per_kwh),
                                         ("--direct", None if lifecycle else True),
                                         ("--pue", pue), ("--overhead", overhead))
                    if v is not None]
            if idle:
                raise ConfigError(f"{idle[0]} has no effect: {spec.name} has no TDP in Epoch's "
                                  "chip dataset, so there is no energy or CO2 to estimate")
            notes.append(f"{spec.name} has no TDP in Epoch's chip dataset: no energy, "
                         "operational CO2 or water")
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
            est.energy_kwh, est.pue = float(e), float(pue_v)
            e_rng = (float(energy_kwh(lo, spec.tdp_w, pue=pue_v, overhead=ov_v)),
                     float(energy_kwh(hi, spec.tdp_w, pue=pue_v, overhead=ov_v)))
            est._set_interval("energy_kwh", e_rng)
            energy_rng = (est.energy_kwh, *e_rng)
            if gco2e_per_kwh is not None:
                intensity, grid_line = float(gco2e_per_kwh), f"{gco2e_per_kwh:g} gCO2e/kWh (given)"
            else:
                gi = grid_intensity(zone, lifecycle=lifecycle, catalog=cat)
                if not lifecycle and gi.basis != "direct":
                    raise ConfigError(f"--direct has no effect for {gi.zone}: its source "
                                      f"({gi.source}) gives one intensity, not direct and "
                                      "life-cycle apart (Electricity Maps zones such as FR or "
                                      "US-CAL-CISO have both)")
                intensity, grid_line = gi.gco2e_per_kwh, gi.line()
                if gi.choice:
                    notes.append(gi.choice)
            used.append({"name": "grid_intensity", "value": intensity, "unit": "gCO2e/kWh",
                         "low": None, "high": None, "source": grid_line})
            est.grid = grid_line
            est.co2_kg = float(co2_kg(est.energy_kwh, intensity))
            est._set_interval("co2_kg", (float(co2_kg(e_rng[0], intensity)),
                                         float(co2_kg(e_rng[1], intensity))))

    # Footprint beyond operational CO2: embodied emissions (chip-hours), water (energy)
    if est.chip_hours is not None and spec is not None:
        figures, fp_used = footprint_ranges((est.chip_hours, *chip_hours_rng), energy_rng,
                                            est.pue)
        for q, (v, lo, hi) in figures.items():
            setattr(est, q, v)
            est._set_interval(q, (lo, hi))
        used += fp_used
        if est.co2_kg is not None:
            est.co2_total_kg = est.co2_kg + est.embodied_co2_kg
            est._set_interval("co2_total_kg", (est.co2_kg_ci_low + est.embodied_co2_kg_ci_low,
                                               est.co2_kg_ci_high + est.embodied_co2_kg_ci_high))

    # Dollars
    if est.chip_hours is not None and spec is not None:
        if usd_per_chip_hour is not None:
            price, plo, phi, basis = usd_per_chip_hour, usd_per_chip_hour, usd_per_chip_hour, \
                f"${usd_per_chip_hour:g}/chip-hour (given)"
            year_obs = None
        else:
            try:
                cp = chip_hour_price(spec.name, kind, catalog=cat)
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
                                      kind=kind, catalog=cat)
        est.cost_usd = est.training_flop * med
        est._set_interval("cost_usd", (est.training_flop * q1, est.training_flop * q3))
        est.cost_basis = (f"median of {n} cloud {kind} prices observed in {dollars_year} per "
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
