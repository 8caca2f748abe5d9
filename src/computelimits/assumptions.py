"""Named assumptions: every constant the package uses lives here once, with its unit and its
source, and can be overridden (by keyword where it is used, or for the whole process with
:func:`override`). Outputs list the assumptions they used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["ASSUMPTIONS", "Assumption", "get", "override"]


@dataclass(frozen=True)
class Assumption:
    name: str
    value: float
    unit: str
    source: str

    def line(self) -> str:
        return f"{self.name} = {self.value:g} {self.unit} ({self.source})"


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
]}


def get(name: str) -> Assumption:
    return ASSUMPTIONS[name]


def override(name: str, value: float, source: str = "set by the user") -> Assumption:
    """Replace an assumption's value for this process; returns the new assumption."""
    new = replace(ASSUMPTIONS[name], value=value, source=source)
    ASSUMPTIONS[name] = new
    return new
