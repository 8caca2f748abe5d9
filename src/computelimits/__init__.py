"""computelimits: how much deep-learning progress depends on computing power.

After Thompson, Greenewald, Lee & Manso, *The Computational Limits of Deep Learning*
(arXiv 2007.05558). Subpackages: :mod:`computelimits.theory` (the sparse-linear-model
experiment).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
