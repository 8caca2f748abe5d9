"""Training compute (the paper's hardware burden and network operations), and what it costs
in dollars, energy, CO2 (operational and embodied) and water; a pre-flight estimator; the
compute-optimal model size and tokens for a budget (Chinchilla approach 3); FLOP counting for
PyTorch models.

Functions that read data take ``catalog=`` (a :class:`~computelimits.data.catalog.Catalog`;
None: the environment's). Names are imported on first use (PEP 562), so
``import computelimits.compute`` stays cheap (no pandas)::

    from computelimits.compute import estimate, find_chip, grid_intensity
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computelimits._lazy import lazy_exports

if TYPE_CHECKING:
    from computelimits.compute._common import UnknownNameError
    from computelimits.compute.amortized import (
        AmortizedCost,
        HardwarePrice,
        acquisition_price,
        amortized_cost,
    )
    from computelimits.compute.burden import (
        chip_hours_for,
        effective_compute,
        hardware_burden,
        macs_to_flop,
        network_operations,
        transformer_training_flop,
    )
    from computelimits.compute.chinchilla import (
        ComputeOptimal,
        compute_optimal,
        optimal_allocation,
    )
    from computelimits.compute.chinchilla_refit import (
        LossBootstrap,
        LossFit,
        bootstrap_refit,
        fit_parametric_loss,
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
    from computelimits.compute.footprint import (
        embodied_co2_kg,
        footprint_ranges,
        water_offsite_l,
        water_onsite_l,
    )
    from computelimits.compute.hardware import (
        PRECISIONS,
        Chip,
        ChipIndex,
        chip_index,
        chip_table,
        find_chip,
    )
    from computelimits.compute.torch_flops import FlopCount, count_flops, training_flop
    from computelimits.compute.zones import ZoneComparison, compare_zones, parse_zones

_MODULES = {
    "computelimits.compute._common": ("UnknownNameError",),
    "computelimits.compute.burden": ("chip_hours_for", "effective_compute", "hardware_burden",
                                     "macs_to_flop", "network_operations",
                                     "transformer_training_flop"),
    "computelimits.compute.amortized": ("AmortizedCost", "HardwarePrice", "acquisition_price",
                                        "amortized_cost"),
    "computelimits.compute.cost": ("PRICE_KINDS", "ChipPrice", "chip_hour_price",
                                   "paper_co2_kg", "paper_usd", "price_observations",
                                   "to_year_dollars", "usd_per_flop"),
    "computelimits.compute.chinchilla": ("ComputeOptimal", "compute_optimal",
                                         "optimal_allocation"),
    "computelimits.compute.chinchilla_refit": ("LossBootstrap", "LossFit", "bootstrap_refit",
                                               "fit_parametric_loss"),
    "computelimits.compute.crosschecks": ("CrossCheck", "crosscheck", "ratio_summary"),
    "computelimits.compute.energy": ("GridIntensity", "co2_kg", "default_pue", "energy_kwh",
                                     "grid_intensity"),
    "computelimits.compute.estimates": ("Estimate", "estimate"),
    "computelimits.compute.footprint": ("embodied_co2_kg", "footprint_ranges",
                                        "water_offsite_l", "water_onsite_l"),
    "computelimits.compute.hardware": ("PRECISIONS", "Chip", "ChipIndex", "chip_index",
                                       "chip_table", "find_chip"),
    "computelimits.compute.torch_flops": ("FlopCount", "count_flops", "training_flop"),
    "computelimits.compute.zones": ("ZoneComparison", "compare_zones", "parse_zones"),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}
_SUBMODULES = frozenset(m.rsplit(".", 1)[1] for m in _MODULES if "._" not in m)

__all__ = [
    "PRECISIONS",
    "PRICE_KINDS",
    "AmortizedCost",
    "Chip",
    "ChipIndex",
    "ChipPrice",
    "ComputeOptimal",
    "CrossCheck",
    "Estimate",
    "FlopCount",
    "GridIntensity",
    "HardwarePrice",
    "LossBootstrap",
    "LossFit",
    "UnknownNameError",
    "ZoneComparison",
    "acquisition_price",
    "amortized_cost",
    "bootstrap_refit",
    "chip_hour_price",
    "chip_hours_for",
    "chip_index",
    "chip_table",
    "co2_kg",
    "compare_zones",
    "compute_optimal",
    "count_flops",
    "crosscheck",
    "default_pue",
    "effective_compute",
    "embodied_co2_kg",
    "energy_kwh",
    "estimate",
    "find_chip",
    "fit_parametric_loss",
    "footprint_ranges",
    "grid_intensity",
    "hardware_burden",
    "macs_to_flop",
    "network_operations",
    "optimal_allocation",
    "paper_co2_kg",
    "paper_usd",
    "parse_zones",
    "price_observations",
    "ratio_summary",
    "to_year_dollars",
    "training_flop",
    "transformer_training_flop",
    "usd_per_flop",
    "water_offsite_l",
    "water_onsite_l",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), _SUBMODULES)

