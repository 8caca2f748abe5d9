"""Named assumptions: every constant the package uses lives here once, with its unit and its
source, and can be overridden (by keyword where it is used, or for the whole process with
:func:`override`). Outputs list the assumptions they used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["ASSUMPTIONS", "Assumption", "get", "override"]


@dataclass(frozen=True)
class Assumption:
    """A named constant: central ``value``, optional plausible range ``low``..``high``."""

    name: str
    value: float
    unit: str
    source: str
    low: float | None = None
    high: float | None = None

    def line(self) -> str:
        rng = f" (range {self.low:g}–{self.high:g})" if self.low is not None else ""
        return f"{self.name} = {self.value:g} {self.unit}{rng}: {self.source}"

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit,
                "low": self.low, "high": self.high, "source": self.source}


ASSUMPTIONS: dict[str, Assumption] = {a.name: a for a in [
    Assumption(
        "imagenet_train_images", 1_281_167, "images",
        "ILSVRC-2012 training set size: Russakovsky et al., 'ImageNet Large Scale Visual "
        "Recognition Challenge', IJCV 115 (2015), Table 2"),
    Assumption(
        "imagenet_epochs", 90, "epochs",
        "assumed when a model's schedule is unknown: the 90-epoch ImageNet schedule of "
        "Krizhevsky et al. 2012 ('roughly 90 cycles') and Goyal et al. 2017, arXiv 1706.02677"),
    Assumption(
        "training_passes_per_example", 3, "forward-pass equivalents",
        "forward + backward ≈ 3 forward passes per example (Thompson et al. 2020 'network "
        "operations'; Kaplan et al. 2020, arXiv 2001.08361, §2.1)"),
    Assumption(
        "flop_per_mac", 2, "FLOP per multiply-accumulate",
        "one multiply-add = 2 FLOP (Epoch AI convention; DESIGN.md)"),
    Assumption(
        "utilization", 0.35, "fraction of peak FLOP/s",
        "Epoch AI's hardware-based compute estimates assume 30–40% utilization when it is not "
        "reported (epoch.ai/data/ai-models-documentation, 'Estimation'); central value the "
        "midpoint", low=0.30, high=0.40),
    Assumption(
        "transformer_flop_per_param_token", 6, "FLOP per parameter per token",
        "dense transformer training ≈ 6·N·D (Kaplan et al. 2020, arXiv 2001.08361, §2.1)"),
    Assumption(
        "server_overhead", 1.82, "× chip power",
        "power of the non-accelerator parts of a server (CPUs, network, storage): Epoch AI's "
        "GPU-cluster estimates use 1.82 from NVIDIA DGX H100 specifications "
        "(epoch.ai/data/gpu-clusters-documentation/estimation)"),
    Assumption(
        "paper_flop_per_usd", 6.8741e16, "FLOP per US dollar",
        "Thompson et al.'s companion site (github.com/Computer-Progress/computerprogress.com, "
        "'Deep Learning's Diminishing Returns' charts): a 14.13 TFLOP/s device at $0.74 per "
        "hour, applied to hardware burden"),
    Assumption(
        "paper_flop_per_lb_co2", 3.4976e17, "FLOP per pound of CO2",
        "Thompson et al.'s companion site (github.com/Computer-Progress/computerprogress.com, "
        "'Deep Learning's Diminishing Returns' charts), applied to hardware burden"),
    Assumption(
        "kg_per_lb", 0.45359237, "kg per pound",
        "international avoirdupois pound (exact, 1959 definition)"),
]}


def get(name: str) -> Assumption:
    return ASSUMPTIONS[name]


def override(name: str, value: float, source: str = "set by the user") -> Assumption:
    """Replace an assumption's value for this process; returns the new assumption."""
    new = replace(ASSUMPTIONS[name], value=value, source=source)
    ASSUMPTIONS[name] = new
    return new
