"""Training compute (the paper's hardware burden and network operations), and what it costs
in dollars, energy and CO2; a pre-flight estimator; FLOP counting for PyTorch models.

Functions that read data take ``catalog=`` (a :class:`~computelimits.data.catalog.Catalog`;
None: the environment's). Names are imported on first use (PEP 562), so
``import computelimits.compute`` stays cheap (no pandas)::

    from computelimits.compute import estimate, find_chip, grid_intensity
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computelimits.compute._common import UnknownNameError
    from computelimits.compute.burden import (
        chip_hours_for,
        effective_compute,
        hardware_burden,
        macs_to_flop,
        network_operations,
        transformer_training_flop,
    )
    from computelimits.compute.cost import (
        PRICE_KINDS,
        ChipPrice,
        chip_hour_price,
        paper_co2_kg,
        paper_usd,
        price_observations,
        to_year_dollars,
        usd_per_flop,
    )
    from computelimits.compute.crosschecks import CrossCheck, crosscheck, ratio_summary
    from computelimits.compute.energy import (
        GridIntensity,
        co2_kg,
        default_pue,
        energy_kwh,
        grid_intensity,
    )
    from computelimits.compute.estimates import Estimate, estimate
    from computelimits.compute.hardware import (
        PRECISIONS,
        Chip,
        ChipIndex,
        chip_index,
        chip_table,
        find_chip,
    )
    from computelimits.compute.torch_flops import FlopCount, count_flops, training_flop

_MODULES = {
    "computelimits.compute._common": ("UnknownNameError",),
    "computelimits.compute.burden": ("chip_hours_for", "effective_compute", "hardware_burden",
                                     "macs_to_flop", "network_operations",
                                     "transformer_training_flop"),
    "computelimits.compute.cost": ("PRICE_KINDS", "ChipPrice", "chip_hour_price",
                                   "paper_co2_kg", "paper_usd", "price_observations",
                                   "to_year_dollars", "usd_per_flop"),
    "computelimits.compute.crosschecks": ("CrossCheck", "crosscheck", "ratio_summary"),
    "computelimits.compute.energy": ("GridIntensity", "co2_kg", "default_pue", "energy_kwh",
                                     "grid_intensity"),
    "computelimits.compute.estimates": ("Estimate", "estimate"),
    "computelimits.compute.hardware": ("PRECISIONS", "Chip", "ChipIndex", "chip_index",
                                       "chip_table", "find_chip"),
    "computelimits.compute.torch_flops": ("FlopCount", "count_flops", "training_flop"),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}
_SUBMODULES = frozenset(m.rsplit(".", 1)[1] for m in _MODULES if "._" not in m)

__all__ = ["PRECISIONS", "PRICE_KINDS", "Chip", "ChipIndex", "ChipPrice", "CrossCheck",
           "Estimate", "FlopCount", "GridIntensity", "UnknownNameError", "chip_hour_price",
           "chip_hours_for", "chip_index", "chip_table", "co2_kg", "count_flops", "crosscheck",
           "default_pue", "effective_compute", "energy_kwh", "estimate", "find_chip",
           "grid_intensity", "hardware_burden", "macs_to_flop", "network_operations",
           "paper_co2_kg", "paper_usd", "price_observations", "ratio_summary",
           "to_year_dollars", "training_flop", "transformer_training_flop", "usd_per_flop"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS, *_SUBMODULES])

