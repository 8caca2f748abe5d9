"""The paper's hardware burden for every model of Epoch AI's models table that allows it.

Thompson et al. (arXiv 2007.05558) measure compute as the **hardware burden**: processors ×
peak rate × training time, with no utilization factor (:func:`computelimits.formulas.
hardware_burden_flop`). Epoch AI's models table (``epoch-ai-models``) gives, per model, the
training hardware (``Training hardware``), how many chips (``Hardware quantity``) and for how
long (``Training time (hours)``); Epoch's chip dataset (``epoch-hardware``,
``chip_dataset.csv``) gives each chip's peak rates by precision. :func:`burden_table`
combines them for every model that gives all three.

**Rule** (:data:`RULE`; each record says it in ``note``): burden = chips × peak FLOP/s × hours
× 3600. The peak is the paper's convention: **FP32** for GPUs and CPUs (the Computer Progress
GPU table the paper used lists FP32 peak GFLOPS), the **16-bit (bf16) peak** for TPUs (its TPU
table lists the Cloud TPUs' headline rates — 180 TFLOPS for a four-chip v2 device, 45 TFLOPS a
chip — which are their bfloat16 rates, although its column says FP32); a chip without that
figure takes the other one (H100 NVL and Ascend 910 have no FP32 figure in Epoch's dataset:
their 16-bit peak, said in the note and in ``peak_precision``). Fits never mix precisions by default
(:func:`computelimits.scaling.dataset.benchmark_data`), so GPU- and TPU-trained models are
separate regressions unless ``precision="any"`` mixes them as the paper did.

Chips are found in the chip dataset by exact name (Epoch's models table uses its names), else
by the normalized name key. Several chip types with one quantity (``NVIDIA A100,NVIDIA Tesla
V100 SXM2``) cannot be split: such a model gets a burden only when every listed chip has the
same peak at its precision (A100 SXM4 40 GB and 80 GB). Not computed, with the reason in
``status``: an unknown chip, a chip with neither peak (TPU v1: INT8 only), or unsplittable
mixed hardware.

Where Epoch records a ``Base model`` (a fine-tune or continued pre-training), the hardware and
time are the model's own stage while Epoch's training compute includes the base model's: the
burden is kept (it is what the paper's method gives from the reported run) and said so in the
note, and the **implied utilization** (training FLOP / hardware burden) is left out of its
distribution (``comparable`` False), as it is for records whose figure
``compute_kinds.csv`` marks as something else than the model's training run.

Data: Epoch AI, 'Data on AI Models' and 'Data on Machine Learning Hardware', CC BY 4.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from computelimits.data.names import model_key
from computelimits.formulas import hardware_burden_flop

__all__ = ["RULE", "burden_table", "peak_of"]

RULE = ("hardware burden = chips × peak FLOP/s × training hours × 3600 (Thompson et al.: no "
        "utilization), from Epoch AI's Training hardware, Hardware quantity and Training "
        "time; peak from Epoch's chip dataset at FP32 for GPUs and CPUs, at the 16-bit (bf16) "
        "rate for TPUs, as the paper's Computer Progress hardware tables; a chip without that "
        "figure takes the other")

#: chip-dataset ``type`` values whose peak is taken at 16 bits (bf16)
SIXTEEN_BIT_TYPES = frozenset({"TPU"})

COLUMNS = ["model", "model_key", "date", "hardware", "chips", "chip_count", "hours",
           "peak_precision", "peak_flops", "hardware_burden_flop", "training_flop",
           "implied_utilization", "comparable", "method", "base_model", "numerical_format",
           "status", "note", "source", "source_file", "source_row"]


def peak_of(chip: pd.Series) -> tuple[float, str, bool] | None:
    """(peak FLOP/s per chip, precision, whether it is the fallback) of one chip-dataset row by
    :data:`RULE`, or None when it has neither its preferred nor its fallback peak."""
    sixteen = str(chip.get("type") or "") in SIXTEEN_BIT_TYPES
    fp32 = chip.get("fp32_flops")
    fp16 = chip.get("fp16_flops")
    tag16 = "bf16" if sixteen else "fp16"
    order = [(fp16, tag16), (fp32, "fp32")] if sixteen else [(fp32, "fp32"), (fp16, tag16)]
    for i, (value, tag) in enumerate(order):
        if value is not None and pd.notna(value) and float(value) > 0:
            return float(value), tag, i > 0
    return None


class _Chips:
    def __init__(self, chips: pd.DataFrame) -> None:
        self.rows: dict[str, pd.Series] = {}
        by_key: dict[str, list[str]] = {}
        for _, r in chips.iterrows():
            name = r["chip"]
            if isinstance(name, str) and name not in self.rows:
                self.rows[name] = r
                by_key.setdefault(model_key(name), []).append(name)
        self.by_key = {k: v[0] for k, v in by_key.items() if len(v) == 1}

    def get(self, name: str) -> pd.Series | None:
        if name in self.rows:
            return self.rows[name]
        alt = self.by_key.get(model_key(name))
        return self.rows.get(alt) if alt else None


def burden_table(models: pd.DataFrame, chips: pd.DataFrame, *,
                 kinds: dict[tuple[str, str], tuple[str, str]] | None = None) -> pd.DataFrame:
    """One row per model of ``models`` (Epoch's wide models frame,
    :func:`computelimits.data.loaders.epoch_models.load_models`) that gives training hardware,
    hardware quantity and training time, with the burden where :data:`RULE` allows it.

    Columns: ``model``, ``model_key``, ``date``, ``hardware`` (as Epoch writes it), ``chips``
    (the chip-dataset name(s) used), ``chip_count``, ``hours``, ``peak_precision``,
    ``peak_flops`` (per chip, FLOP/s), ``hardware_burden_flop`` (FLOP; NaN where not
    computed), ``training_flop`` (Epoch's, FLOP), ``implied_utilization`` (training FLOP /
    burden), ``comparable`` (the ratio belongs in the utilization distribution: no base model,
    no non-training kind), ``method`` (Epoch's estimation method), ``base_model``,
    ``numerical_format`` (Epoch's record of the run's format, for information), ``status``
    ("computed" or why not), ``note`` (the rule with the numbers), ``source``,
    ``source_file``, ``source_row`` (of the models table).

    ``kinds``: (source, model) → (compute kind, reason) of records that are not the model's
    training run (default: :func:`computelimits.data.compute_kinds.overrides`).
    """
    if kinds is None:
        from computelimits.data.compute_kinds import overrides

        ov = overrides()
        kinds = {(s, m): (k, r) for s, m, k, r in zip(
            ov["source"], ov["model"], ov["compute_kind"], ov["reason"], strict=True)}
    index = _Chips(chips)
    have = models["hardware"].notna() & models["chip_count"].notna() & models["hours"].notna()
    rows = []
    for _, m in models[have].iterrows():
        names = [h.strip() for h in str(m["hardware"]).split(",") if h.strip()]
        found = [(n, index.get(n)) for n in names]
        status, peak, precision, used, fallback = "computed", np.nan, None, None, False
        missing = [n for n, r in found if r is None]
        if missing:
            status = f"not computed: chip {missing[0]!r} is not in Epoch's chip dataset"
        else:
            peaks = [(r["chip"], peak_of(r)) for _, r in found]
            none = [c for c, p in peaks if p is None]
            distinct = {p for _, p in peaks if p is not None}
            if none:
                status = f"not computed: {none[0]} has no FP32 or 16-bit peak in the dataset"
            elif len({p[:2] for p in distinct}) > 1:
                status = (f"not computed: {len(peaks)} chip types with one quantity and "
                          "different peaks (the quantity is not split by type)")
            else:
                peak, precision, fallback = next(iter(distinct))
                used = "; ".join(c for c, _ in peaks)
        chips_n, hours = float(m["chip_count"]), float(m["hours"])
        burden = (float(hardware_burden_flop(chips_n, peak, hours * 3600.0))
                  if status == "computed" else np.nan)
        flop = float(m["training_flop"]) if pd.notna(m["training_flop"]) else np.nan
        base = m.get("base_model")
        base = base if isinstance(base, str) and base.strip() else None
        other = kinds.get((str(m["source"]), str(m["model"])))
        ratio = flop / burden if np.isfinite(flop) and np.isfinite(burden) else np.nan
        note = None
        if status == "computed":
            other_peak = "16-bit" if precision == "fp32" else "FP32"
            why = (f" (no {other_peak} figure in the chip dataset: its {precision} peak)"
                   if fallback else "")
            note = (f"hardware burden: {chips_n:g} × {used} at {precision} peak "
                    f"{peak:.3g} FLOP/s{why} × {hours:g} h = {burden:.3g} FLOP (no "
                    "utilization; Epoch AI's Training hardware, Hardware quantity and "
                    "Training time)")
            if base:
                note += (f"; the hardware and time are this model's own stage: base model "
                         f"{base!r} not included")
        rows.append({
            "model": m["model"], "model_key": m["model_key"], "date": m["date"],
            "hardware": m["hardware"], "chips": used, "chip_count": chips_n, "hours": hours,
            "peak_precision": precision, "peak_flops": peak, "hardware_burden_flop": burden,
            "training_flop": flop, "implied_utilization": ratio,
            "comparable": bool(np.isfinite(ratio) and base is None and other is None),
            "method": m.get("method"), "base_model": base,
            "numerical_format": m.get("numerical_format"), "status": status, "note": note,
            "source": m["source"], "source_file": m["source_file"],
            "source_row": m["source_row"],
        })
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["source_row"] = pd.array(out["source_row"], dtype="Int64")
    out["comparable"] = out["comparable"].astype(bool)
    out.attrs = {"rule": RULE}
    return out.reset_index(drop=True)
