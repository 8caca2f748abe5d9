"""How much memory a theory run will take, estimated from its settings before it starts.

One replication holds, with d = p + 1 (features and the response):

* the fold statistics: K fold Gram matrices, their total, the Bartlett factor and a work
  block (``sampling.FoldData``), and the cross-validation copies and eigendecompositions of
  the fits (``replication``, ``models``): about (2K + 8)·d² doubles;
* the kept rows: min(n_max, p) rows of d doubles with sufficient statistics, all n_max rows
  with ``materialize`` (then about three copies: rows, X and the least-squares workspace);
* about 16 MiB that does not depend on the sizes (solver paths, results, small arrays).

The coefficients were measured with ``tracemalloc`` (peak of numpy allocations of one
replication) on p = 200…2000, K = 5 and 10, n_max up to 50,000, both modes: the formula is
at least 0.95 and at most twice the measured peak (tests/test_resources.py measures it).
Each concurrent worker holds one replication; the parent holds the seeds and task tuples
(~490 bytes per replication, measured) and the runs table (~1 KB per row).
"""

from __future__ import annotations

from computelimits.theory.config import MODELS, TheoryConfig

__all__ = ["replication_bytes", "run_bytes"]

#: bytes of one replication that do not grow with p or n (measured remainder, rounded up)
FIXED_BYTES = 16 * 2**20
#: bytes the parent holds per replication before any result (seed + task tuple; measured)
SEED_BYTES = 490
#: bytes per row of the runs table while results are collected (Python tuples; rounded up)
ROW_BYTES = 1024


def replication_bytes(cfg: TheoryConfig) -> float:
    """Estimated peak bytes of one replication of ``cfg`` (see the module docstring)."""
    d = float(cfg.p) + 1.0
    n_max = float(max(cfg.n_grid))
    keep = n_max if cfg.materialize else min(n_max, float(cfg.p))
    copies = 3.0 if cfg.materialize else 1.0
    return 8.0 * ((2.0 * cfg.folds + 8.0) * d * d + copies * keep * d) + FIXED_BYTES


def run_bytes(cfg: TheoryConfig, workers: int = 1) -> float:
    """Estimated peak bytes of the whole run on ``workers`` concurrent processes."""
    concurrent = max(1, min(int(workers), int(cfg.reps)))
    rows = float(cfg.reps) * len(cfg.n_grid) * len(MODELS)
    return (concurrent * replication_bytes(cfg) + float(cfg.reps) * SEED_BYTES
            + rows * ROW_BYTES)
