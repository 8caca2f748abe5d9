"""The utilization Epoch AI's training compute implies against the paper's hardware burden.

For every model of Epoch's models table that gives training hardware, hardware quantity and
training time, :mod:`computelimits.data.burden` computes the paper's hardware burden (chips ×
peak FLOP/s × time, FP32 peaks for GPUs and CPUs, bf16 for TPUs). Where Epoch also gives
training compute, **implied utilization = training FLOP / hardware burden** — the share of
the peak the run would have used, had it run at that precision.

Only comparable ratios enter the distribution: the model has no base model (else Epoch's
compute includes a base model's training while the hardware is this model's own stage) and
its figure is a training run (not a record of ``compute_kinds.csv``). Ratios above 1 are
expected where the run used tensor cores: the paper's convention takes a GPU's FP32 peak,
while modern training runs at 16 bits, several times faster. Where Epoch derived the compute
from the same hardware and time (method "hardware" alone) the ratio only restates Epoch's
assumed utilization and the precision of its peak; the distribution is given for those and
for the others (operation counting, reported figures) apart.

Data: Epoch AI, 'Data on AI Models' and 'Data on Machine Learning Hardware', CC BY 4.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits.data.catalog import resolve_catalog
from computelimits.results import ResultMixin, Summary

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["ImpliedUtilization", "implied_utilization", "quartiles"]


def quartiles(values: pd.Series | np.ndarray) -> dict[str, float | int]:
    """``n``, ``q1``, ``median`` and ``q3`` of the finite values (NaN when there are none)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return {"n": 0, "q1": float("nan"), "median": float("nan"), "q3": float("nan")}
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return {"n": len(v), "q1": float(q1), "median": float(med), "q3": float(q3)}


@dataclass(repr=False)
class ImpliedUtilization(ResultMixin):
    """``models``: one row per Epoch model that gives hardware, quantity and time (the
    columns of :func:`computelimits.data.burden.burden_table`); ``distribution``: one row per
    group (all comparable ratios, then by peak precision, then by whether Epoch's compute
    came from the hardware alone) with ``n``, ``q1``, ``median``, ``q3``."""

    models: pd.DataFrame
    distribution: pd.DataFrame
    rule: str

    @property
    def n_models(self) -> int:
        """Models that give hardware, quantity and time."""
        return len(self.models)

    @property
    def n_burden(self) -> int:
        """Models with a hardware burden."""
        return int(self.models["hardware_burden_flop"].notna().sum())

    def to_dict(self) -> dict[str, Any]:
        from computelimits._json import json_safe

        dist = self.distribution.astype(object).where(self.distribution.notna(), None)
        return json_safe({"models_with_hardware_quantity_time": self.n_models,
                          "models_with_burden": self.n_burden,
                          "not_computed": self.models.loc[
                              self.models["hardware_burden_flop"].isna(), "status"
                          ].value_counts().to_dict(),
                          "rule": self.rule,
                          "distribution": dist.to_dict(orient="records")})

    def to_frame(self) -> pd.DataFrame:
        return self.models.copy()

    def lines(self) -> list[str]:
        """Text lines: how many models have a burden, then the distribution."""
        out = [f"hardware burden (the paper's measure) for {self.n_burden} of the "
               f"{self.n_models} Epoch models that give training hardware, quantity and time"]
        for reason, n in self.models.loc[self.models["hardware_burden_flop"].isna(),
                                         "status"].value_counts().items():
            out.append(f"  {n} × {reason}")
        for r in self.distribution.itertuples(index=False):
            if r.n:
                out.append(f"implied utilization (training FLOP / hardware burden), {r.group}: "
                           f"median {r.median:.2f}, quartiles {r.q1:.2f}–{r.q3:.2f} "
                           f"(N {r.n})")
        return out

    def summary(self) -> Summary:
        return Summary("Implied utilization of Epoch AI's training compute", self.lines(),
                       self.distribution.copy(), notes=[f"rule: {self.rule}"])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        parts = [f"hardware burden for {self.n_burden} of {self.n_models} models"]
        first = self.distribution[self.distribution["n"] > 0].head(1)
        for r in first.itertuples(index=False):
            parts.append(f"implied utilization: median {fm.plain(r.median, 2)}, quartiles "
                         f"{fm.plain(r.q1, 2)}–{fm.plain(r.q3, 2)} (N {r.n})")
        return parts


def _distribution(models: pd.DataFrame) -> pd.DataFrame:
    ok = models[models["comparable"].astype(bool)]
    hardware_only = ok["method"].fillna("").astype(str).str.strip().eq("hardware")
    groups = [("all comparable models", ok)]
    for prec, g in ok.groupby(ok["peak_precision"].astype(str), sort=True):
        groups.append((f"{prec} peaks", g))
    groups.append(("Epoch's compute not from the hardware alone", ok[~hardware_only]))
    groups.append(("Epoch's compute from the same hardware and time", ok[hardware_only]))
    rows = [{"group": name, **quartiles(g["implied_utilization"])} for name, g in groups]
    return pd.DataFrame(rows, columns=["group", "n", "q1", "median", "q3"])


def implied_utilization(*, catalog: Catalog | None = None) -> ImpliedUtilization:
    """Hardware burden and implied utilization for every Epoch model that allows it, with the
    distribution of the ratio (module docstring)."""
    from computelimits.data.burden import RULE

    models = resolve_catalog(catalog).hardware_burdens()
    return ImpliedUtilization(models, _distribution(models), RULE)
