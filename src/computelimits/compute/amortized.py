"""Epoch AI's amortized hardware + energy cost of a training run.

This is the method behind the ``Training compute cost (2023 USD)`` column of Epoch's models
table: Cottier, Rahman, Fattorini, Maslej, Besiroglu & Owen, *The rising costs of training
frontier AI models* (arXiv 2405.21015, 2024), "hardware CapEx + energy", as coded in
github.com/epoch-research/training-cost-trends (``training_cost_trends/cost_estimation.py``,
``pricing.py``, ``hardware.py``). A run is charged the part of its hardware's value that it
uses up, plus its electricity — not what renting the chips would cost:

* **acquisition cost per chip** A (nominal USD at the price's date): the earliest purchase
  price in Epoch's hardware price table for the chip's family — its model number, so every
  A100 variant for an A100, as Epoch matched prices; the chip's own name where it has no model
  number — a whole-server price (DGX, HGX: ``number_of_gpus`` > 1, given per accelerator)
  preferred to a single-chip price, which is multiplied by ``server_cost_overhead``. The
  hardware counts as bought at the price's date, but a GPU not before its release +
  ``gpu_availability_lag_days`` (a TPU, Google's own hardware, at its release date);
* **value at the start of training** V = A × 10^(−k × years since acquisition), never above A;
  k = ``hardware_depreciation_oom_per_year`` (hardware loses value as fast as newer hardware's
  price-performance improves);
* **hardware** = V × chip-hours × k·ln(10) / ``hours_per_year``: the value used up while
  training, at k·ln(10) ≈ 32% of the value per year (an effective life of 1/(k·ln 10) ≈ 3.1
  years);
* **interconnect** = hardware × f / (1 − f), f = ``cluster_interconnect_fraction``;
* **energy** = chip-hours × TDP × server power overhead × average power fraction × PUE / 1000
  kWh (GPUs: ``server_overhead`` and ``gpu_server_power_fraction``; TPUs:
  ``tpu_server_power_overhead`` and ``tpu_server_power_fraction``; PUE ``pue_hyperscaler`` for
  Google, DeepMind, Microsoft, Amazon and Meta, else ``pue_other``), at
  ``industrial_electricity_usd_per_kwh`` (2023 USD).

Hardware dollars are those of the price's year and energy dollars 2023's; both are converted
to ``dollars_year`` with the producer price index
(:func:`computelimits.compute.cost.to_year_dollars`). Every constant is a named assumption
(:mod:`computelimits.assumptions`; change one for the process with
:func:`computelimits.assumptions.override`). Ranges (``usd_ci_low`` / ``usd_ci_high``) put every
assumption that has a range at the end that lowers, then raises, the cost: they are ranges
propagated from the inputs, not statistical confidence intervals.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.compute._common import RecordResult, UnknownNameError
from computelimits.compute.cost import price_observations, to_year_dollars
from computelimits.compute.hardware import chip_index
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["AmortizedCost", "HardwarePrice", "acquisition_price", "amortized_cost",
           "amortized_hardware_usd", "chip_family", "depreciated_value",
           "interconnect_usd", "is_hyperscaler", "training_energy_kwh"]

_MEMO = "computelimits.compute.amortized"

#: a chip's model number (A100, V100, K40, H800, MI250), the family Epoch matches prices by
_FAMILY = re.compile(r"\b([A-Z]{1,2}\d{2,4})")

#: organisations whose data centres get ``pue_hyperscaler`` (lower-case substrings; Epoch AI
#: training-cost-trends ``hardware.py`` ``power_usage_effectiveness``)
HYPERSCALERS = ("google", "deepmind", "microsoft", "amazon", "meta", "facebook")

#: assumptions an amortized cost uses
USED = ("hardware_depreciation_oom_per_year", "hours_per_year", "server_cost_overhead",
        "cluster_interconnect_fraction", "gpu_availability_lag_days", "server_overhead",
        "gpu_server_power_fraction", "tpu_server_power_overhead", "tpu_server_power_fraction",
        "pue_hyperscaler", "pue_other", "industrial_electricity_usd_per_kwh")


def _value(name: str) -> float:
    return float(assumptions.get(name).value)


def chip_family(chip: str) -> str | None:
    """The chip's model number ("NVIDIA Tesla V100 DGXS 32 GB" → "V100"), or None."""
    m = _FAMILY.search(str(chip))
    return m.group(1) if m else None


def is_tpu(chip: str) -> bool:
    """Google's TPUs, as Epoch tells them apart (the name contains "TPU")."""
    return "TPU" in str(chip)


def is_hyperscaler(organization: str | None) -> bool:
    """Whether ``organization`` (Epoch's comma-separated field) names a hyperscaler."""
    org = str(organization or "").casefold()
    return any(h in org for h in HYPERSCALERS)


# ------------------------------------------------------------------------------ formulas


def depreciated_value(usd: float, acquired: Any, start: Any, *,
                      oom_per_year: float | None = None) -> float:
    """Value at ``start`` of hardware bought for ``usd`` at ``acquired``: usd × 10^(−k ×
    years between them), k in orders of magnitude per year (default
    ``hardware_depreciation_oom_per_year``); no depreciation when ``start`` is not later."""
    k = _value("hardware_depreciation_oom_per_year") if oom_per_year is None else oom_per_year
    days = (pd.Timestamp(start) - pd.Timestamp(acquired)).days
    years = max(0.0, days / (_value("hours_per_year") / 24.0))
    return float(usd) * 10.0 ** (-k * years)


def amortized_hardware_usd(value_usd_per_chip: float, chip_hours: float, *,
                           oom_per_year: float | None = None,
                           hours_per_year: float | None = None) -> float:
    """Hardware value used up by ``chip_hours``: value × chip-hours × k·ln(10) / hours per
    year (USD of the value's year)."""
    k = _value("hardware_depreciation_oom_per_year") if oom_per_year is None else oom_per_year
    h = _value("hours_per_year") if hours_per_year is None else hours_per_year
    return float(value_usd_per_chip) * float(chip_hours) * k * math.log(10.0) / h


def interconnect_usd(hardware_usd: float, fraction: float | None = None) -> float:
    """Cluster interconnect for servers costing ``hardware_usd``: hardware × f / (1 − f)."""
    f = _value("cluster_interconnect_fraction") if fraction is None else fraction
    if not 0 <= f < 1:
        raise ConfigError(f"cluster interconnect fraction must be in [0, 1), got {f}")
    return float(hardware_usd) * f / (1.0 - f)


def training_energy_kwh(chip_hours: float, tdp_w: float, *, tpu: bool, pue: float,
                        server_power: float | None = None,
                        power_fraction: float | None = None) -> float:
    """kWh drawn from the grid: chip-hours × TDP × server power overhead × average power
    fraction × PUE / 1000 (defaults: the GPU or TPU assumptions)."""
    if server_power is None:
        server_power = _value("tpu_server_power_overhead" if tpu else "server_overhead")
    if power_fraction is None:
        power_fraction = _value("tpu_server_power_fraction" if tpu
                                else "gpu_server_power_fraction")
    return float(chip_hours) * float(tdp_w) * server_power * power_fraction * pue / 1000.0


# ------------------------------------------------------------------------- the price data


@dataclass(frozen=True, repr=False)
class HardwarePrice(RecordResult):
    """What one accelerator cost to acquire, server included (nominal USD at ``date``):
    ``listed_usd`` as Epoch's price table gives it per accelerator, ``usd_per_chip`` after the
    server overhead where the listed price was for the chip alone."""

    chip: str
    priced_chip: str
    family: str | None
    listed_usd: float
    server_included: bool
    usd_per_chip: float
    date: pd.Timestamp
    acquired: pd.Timestamp
    source: str

    def line(self) -> str:
        what = ("whole-server price per accelerator" if self.server_included else
                f"single-chip price × {_value('server_cost_overhead'):g} server overhead")
        return (f"${self.usd_per_chip:,.0f} per {self.chip} ({what}; {self.priced_chip}, "
                f"{self.date:%Y-%m-%d}, acquired {self.acquired:%Y-%m-%d}; {self.source})")


def _purchase_rows(cat: Catalog) -> pd.DataFrame:
    """Purchase-price observations sorted by date then table row, with each chip's family;
    once per catalog (shared: do not modify it)."""
    def build() -> pd.DataFrame:
        p = price_observations(catalog=cat)
        rows = p[p["purchase_price_usd"].notna() & (p["purchase_price_usd"] > 0)
                 & p["date"].notna()]
        rows = rows.assign(_family=rows["chip"].map(chip_family))
        return rows.sort_values(["date", "source_row"], kind="stable")

    return cat.memo((_MEMO, "purchases"), build)


def _no_purchase_message(chip: str, family: str | None, rows: pd.DataFrame) -> str:
    have = rows["chip"].dropna().unique().tolist()
    close = difflib.get_close_matches(chip, have, n=5, cutoff=0.4)
    fam = f" or any other {family} chip" if family else ""
    hint = f" Chips with purchase prices that are close: {'; '.join(close)}." if close else ""
    return f"no purchase price for {chip!r}{fam} in Epoch's hardware price table.{hint}"


def acquisition_price(chip: str, *, catalog: Catalog | None = None) -> HardwarePrice:
    """Acquisition cost of one ``chip`` with its share of a server (see the module
    docstring); an unknown chip or one without a purchase price is a
    :class:`~computelimits.errors.ConfigError`."""
    cat = resolve_catalog(catalog)
    spec = chip_index(catalog=cat).find(chip)

    def build() -> HardwarePrice | None:
        rows = _purchase_rows(cat)
        family = chip_family(spec.name)
        hits = rows[rows["_family"] == family] if family else rows[rows["chip"] == spec.name]
        if hits.empty:
            return None
        servers = hits[hits["number_of_gpus"].fillna(1) > 1]
        r = (servers if not servers.empty else hits).iloc[0]
        server = not servers.empty
        listed = float(r["purchase_price_usd"])
        usd = listed if server else listed * _value("server_cost_overhead")
        date = pd.Timestamp(r["date"])
        acquired = date
        if spec.release_date is not None:
            lag = 0.0 if is_tpu(spec.name) else _value("gpu_availability_lag_days")
            acquired = max(date, pd.Timestamp(spec.release_date) + pd.Timedelta(days=lag))
        return HardwarePrice(spec.name, str(r["chip"]), family, listed, server, usd, date,
                             acquired, f"Epoch AI hardware_prices.csv row {int(r['source_row'])}")

    key = (_MEMO, "acquisition", spec.name, _value("server_cost_overhead"),
           _value("gpu_availability_lag_days"))
    price = cat.memo(key, build)
    if price is None:
        rows = _purchase_rows(cat)
        raise UnknownNameError(lambda: _no_purchase_message(spec.name, chip_family(spec.name),
                                                            rows))
    return price


# ----------------------------------------------------------------------- the whole run


@dataclass(frozen=True, repr=False)
class AmortizedCost(RecordResult):
    """Amortized hardware + energy cost of a training run (module docstring). Dollar figures
    are in ``dollars_year`` dollars; ``usd`` = ``hardware_usd`` + ``interconnect_usd`` +
    ``energy_usd``, with the range ``usd_ci_low`` – ``usd_ci_high`` propagated from the
    assumptions' ranges (not a confidence interval)."""

    chip: str
    chip_hours: float
    acquisition_usd_per_chip: float
    acquired: pd.Timestamp
    training_start: pd.Timestamp | None
    value_usd_per_chip: float
    hardware_usd: float
    interconnect_usd: float
    energy_kwh: float
    energy_usd: float
    usd: float
    usd_ci_low: float
    usd_ci_high: float
    pue: float
    dollars_year: int
    price: str

    def line(self) -> str:
        return (f"${self.usd:,.0f} ({self.dollars_year} USD; range ${self.usd_ci_low:,.0f}–"
                f"${self.usd_ci_high:,.0f}) for {self.chip_hours:,.0f} {self.chip}-hours: "
                f"hardware ${self.hardware_usd:,.0f}, interconnect "
                f"${self.interconnect_usd:,.0f}, energy ${self.energy_usd:,.0f} "
                f"({self.energy_kwh:,.0f} kWh)")


def _check_positive(name: str, v: float) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a positive number, got {v!r}") from None
    if not np.isfinite(x) or x <= 0:
        raise ConfigError(f"{name} must be a positive number, got {v!r}")
    return x


def _total(value: float, chip_hours: float, tdp_w: float, tpu: bool, pue: float,
           p: dict[str, float]) -> tuple[float, float, float, float]:
    """(hardware, interconnect, energy kWh, energy USD), before dollar-year conversion."""
    hw = amortized_hardware_usd(value * p["server"], chip_hours)
    ic = interconnect_usd(hw, p["interconnect"])
    kwh = training_energy_kwh(chip_hours, tdp_w, tpu=tpu, pue=pue,
                              server_power=p["server_power"],
                              power_fraction=p["power_fraction"])
    return hw, ic, kwh, kwh * p["electricity"]


def amortized_cost(chip: str, *, chip_hours: float, start: Any = None,
                   organization: str | None = None, pue: float | None = None,
                   dollars_year: int = 2023,
                   catalog: Catalog | None = None) -> AmortizedCost:
    """Epoch AI's amortized hardware + energy cost of ``chip_hours`` on ``chip`` (module
    docstring).

    ``start``: when training began (a date; None: as soon as the hardware was acquired, so no
    depreciation before training); ``organization``: who trained (sets the PUE unless
    ``pue`` is given); ``dollars_year``: the year whose dollars the result is in."""
    hours = _check_positive("chip-hours", chip_hours)
    if pue is not None and (not np.isfinite(pue) or pue < 1):
        raise ConfigError(f"PUE must be at least 1, got {pue}")
    cat = resolve_catalog(catalog)
    spec = chip_index(catalog=cat).find(chip)
    if spec.tdp_w is None:
        raise ConfigError(f"{spec.name} has no TDP in Epoch's chip dataset: its energy "
                          "cannot be estimated")
    price = acquisition_price(spec.name, catalog=cat)
    begin = None if start is None else pd.Timestamp(start)
    value = (price.usd_per_chip if begin is None
             else depreciated_value(price.usd_per_chip, price.acquired, begin))
    tpu = is_tpu(spec.name)
    pue_name = "pue_hyperscaler" if is_hyperscaler(organization) else "pue_other"
    central = {"server": 1.0, "interconnect": _value("cluster_interconnect_fraction"),
               "server_power": _value("tpu_server_power_overhead" if tpu
                                      else "server_overhead"),
               "power_fraction": _value("tpu_server_power_fraction" if tpu
                                        else "gpu_server_power_fraction"),
               "electricity": _value("industrial_electricity_usd_per_kwh")}
    names = {"interconnect": "cluster_interconnect_fraction",
             "power_fraction": "tpu_server_power_fraction" if tpu
             else "gpu_server_power_fraction",
             "electricity": "industrial_electricity_usd_per_kwh"}
    if tpu:
        names["server_power"] = "tpu_server_power_overhead"
    ends = []
    for end in ("low", "high"):
        p = dict(central)
        for key, name in names.items():
            a = assumptions.get(name)
            bound = getattr(a, end)
            if bound is not None:
                p[key] = float(bound)
        if not price.server_included:
            a = assumptions.get("server_cost_overhead")
            bound = getattr(a, end)
            if bound is not None:
                p["server"] = float(bound) / float(a.value)
        if pue is None:
            bound = getattr(assumptions.get(pue_name), end)
            ends.append((p, float(bound) if bound is not None else _value(pue_name)))
        else:
            ends.append((p, float(pue)))
    used_pue = _value(pue_name) if pue is None else float(pue)

    hw_year, to = int(price.date.year), int(dollars_year)
    hw_factor = to_year_dollars(1.0, hw_year, to, catalog=cat)
    energy_factor = 1.0 if to == 2023 else to_year_dollars(1.0, 2023, to, catalog=cat)

    def dollars(parts: tuple[float, float, float, float]) -> float:
        hw, ic, _, e = parts
        return (hw + ic) * hw_factor + e * energy_factor

    hw, ic, kwh, e = _total(value, hours, spec.tdp_w, tpu, used_pue, central)
    low = dollars(_total(value, hours, spec.tdp_w, tpu, ends[0][1], ends[0][0]))
    high = dollars(_total(value, hours, spec.tdp_w, tpu, ends[1][1], ends[1][0]))
    total = dollars((hw, ic, kwh, e))
    return AmortizedCost(spec.name, hours, price.usd_per_chip, price.acquired, begin, value,
                         hw * hw_factor, ic * hw_factor, kwh, e * energy_factor, total,
                         min(low, total), max(high, total), used_pue, to, price.line())
