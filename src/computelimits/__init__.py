"""computelimits: how much deep-learning progress depends on computing power.

After Thompson, Greenewald, Lee & Manso, *The Computational Limits of Deep Learning*
(arXiv 2007.05558). Subpackages: :mod:`computelimits.theory` (the sparse-linear-model
experiment), :mod:`computelimits.data` (open data through one door, a catalog),
:mod:`computelimits.compute` (training compute, dollars, energy, CO2),
:mod:`computelimits.scaling` (performance against compute), :mod:`computelimits.report` (the
HTML report) and :mod:`computelimits.cli` (the ``computelimits`` command line).

Importing the package is cheap: the subpackages are imported when used.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
