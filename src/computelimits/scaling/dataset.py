"""The regression input for one benchmark: results joined with training compute.

One row per result that has an error in (0, 1) and a training compute > 0, with the columns
the fits use: ``error``, ``training_flop``, ``log10_flop``, ``year`` (decimal), ``cluster``
(the unit that bootstrap and cluster-robust errors resample: by default the compute record's
model, since results of one model share one compute figure), ``paper`` (the score's origin),
and the provenance columns of the joined table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import find_benchmark
from computelimits.errors import ConfigError
from computelimits.scaling.trends import decimal_year

__all__ = ["MAIN_METRICS", "benchmark_data", "decimal_year", "frontier"]

#: The headline metric family per benchmark where a source gives several (ImageNet: top-1).
MAIN_METRICS = {"imagenet": ("top1_accuracy", "top1_error")}


def benchmark_data(benchmark: str, *, metrics: tuple[str, ...] | None = None,
                   cluster: str = "model", imputed: bool = True,
                   joined: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of one benchmark with error and compute.

    Args:
        benchmark: id or alias (``computelimits.data.benchmarks``).
        metrics: metric ids to keep (default: the benchmark's main metric family).
        cluster: "model" (the matched compute record) or "paper" (the score's origin, falling
            back to the model).
        imputed: keep results whose compute was imputed (ImageNet network operations).
        joined: a results table already joined with compute (default: built from the data).
    """
    b = find_benchmark(benchmark)
    if joined is None:
        from computelimits.data import tables
        from computelimits.data.join import join_compute

        joined = join_compute(tables.results(b.id), tables.compute()).table
    df = joined[joined["benchmark"] == b.id].copy()
    keep = metrics or MAIN_METRICS.get(b.id)
    if keep is not None:
        df = df[df["metric"].isin(keep)]
    df = df[df["error"].notna() & (df["error"] > 0) & (df["error"] < 1)]
    df = df[df["training_flop"].notna() & (df["training_flop"] > 0)]
    if not imputed:
        df = df[df["match_rule"] != "imputed"]
    if df.empty:
        raise ConfigError(f"no {b.id} results carry both an error and a training compute")
    df["log10_flop"] = np.log10(df["training_flop"].astype(float))
    df["year"] = decimal_year(df["date"])
    model = df["compute_model"].fillna(df["model_key"]).astype(str)
    paper = df["origin"].fillna("").astype(str)
    df["paper"] = paper.where(paper != "", model)
    if cluster == "model":
        df["cluster"] = model
    elif cluster == "paper":
        df["cluster"] = df["paper"]
    else:
        raise ConfigError(f"cluster must be 'model' or 'paper', got {cluster!r}")
    df.attrs = dict(joined.attrs)
    return df.reset_index(drop=True)


def frontier(df: pd.DataFrame) -> pd.DataFrame:
    """Results that beat every result with no more compute (the compute–error frontier)."""
    order = df.sort_values(["log10_flop", "error"]).reset_index(drop=True)
    best = np.minimum.accumulate(order["error"].to_numpy())
    prev = np.concatenate([[np.inf], best[:-1]])
    out = order[order["error"].to_numpy() < prev]
    out.attrs = df.attrs
    return out.reset_index(drop=True)
