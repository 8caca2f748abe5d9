"""Columns of the four tidy tables, with units; ``conform`` orders and types a frame.

Units are part of the column names (DESIGN.md): FLOP in ``*_flop``, FLOP/s in ``*_flops``,
watts in ``*_w``, dollars in ``*_usd``, grams CO2e per kWh in ``gco2e_per_kwh*``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SCHEMAS", "conform"]

# column -> (pandas dtype, description)
RESULTS = {
    "model": ("string", "model name as the source wrote it"),
    "model_key": ("string", "normalized model name used for joins (computelimits.data.names)"),
    "date": ("datetime64[ns]", "model release / paper date"),
    "benchmark": ("string", "canonical benchmark id, e.g. imagenet, mmlu, wmt2014-en-de"),
    "metric": ("string", "metric id, e.g. top1_accuracy, accuracy, bleu, f1"),
    "value": ("float64", "score: a fraction in [0, 1] for shares, BLEU points for bleu"),
    "higher_is_better": ("boolean", "True when larger values are better"),
    "unit": ("string", "fraction | bleu"),
    "error": ("float64", "error in (0, 1): 1 − accuracy, 1 − F1, 1 − BLEU/100"),
    "chance_error": ("float64", "chance error of a benchmark of the user's own as the user's "
                     "file gives it (column chance_error or --chance-error); blank: the "
                     "packaged table computelimits/data/chance.csv, or none given"),
    "setting": ("string", "shots, harness or other evaluation notes"),
    "origin": ("string", "paper, report or leaderboard the score comes from"),
    "publication": ("string", "the publication the evaluated model comes from (paper title, "
                    "arXiv id, or model family where no paper is known): the cluster unit, "
                    "never the data source that collected the score"),
    "setting_kind": ("string", "kind of evaluation setting: supervised (trained on the "
                     "benchmark's own training set) | zero-shot | few-shot | chain-of-thought | "
                     "fine-tuned | unknown"),
    "model_version": ("string", "Epoch model-version id where the source gives one"),
    "extra_data": ("boolean", "trained with data beyond the benchmark's training set"),
    "source": ("string", "computelimits data source name"),
    "source_file": ("string", "file within the source"),
    "source_row": ("Int64", "1-based data row in that file"),
}

COMPUTE = {
    "model": ("string", "model name as the source wrote it"),
    "model_key": ("string", "normalized model name"),
    "date": ("datetime64[ns]", "publication date"),
    "training_flop": ("float64", "total training compute, FLOP (multiply-add = 2)"),
    "training_flop_low": ("float64", "lower bound, FLOP, where given"),
    "training_flop_high": ("float64", "upper bound, FLOP, where given"),
    "method": ("string", "operation counting | hardware | reported | imputed | other (source's)"),
    "compute_kind": ("string", "what the figure measures (computelimits.data.compute_kinds): "
                     "training | hardware_burden | imputed_operations | includes_search | "
                     "other_dataset | other_purpose | ensemble"),
    "peak_precision": ("string", "precision of the peak rate behind a hardware burden: fp32 | "
                       "tf32 | fp16 | bf16 | mixed | as given (a file's own rate, unchecked)"),
    "confidence": ("string", "source's confidence label"),
    "parameters": ("float64", "trainable parameters"),
    "dataset_size": ("float64", "training datapoints (domain-specific unit)"),
    "hardware": ("string", "training accelerator(s)"),
    "chip_count": ("float64", "accelerator chips"),
    "hours": ("float64", "training wall-clock hours"),
    "utilization": ("float64", "model FLOP utilization, fraction"),
    "cost_usd": ("float64", "training cost, 2023 US dollars (Epoch's estimate)"),
    "power_w": ("float64", "training hardware power draw, W (before PUE)"),
    "notes": ("string", "assumptions, e.g. epochs assumed for an imputation"),
    "source": ("string", "computelimits data source name"),
    "source_file": ("string", "file within the source"),
    "source_row": ("Int64", "1-based data row"),
}

HARDWARE = {
    "chip": ("string", "chip name"),
    "vendor": ("string", "manufacturer"),
    "type": ("string", "GPU | CPU | TPU | ..."),
    "release_date": ("datetime64[ns]", "release date"),
    "fp64_flops": ("float64", "peak FP64, FLOP/s"),
    "fp32_flops": ("float64", "peak FP32 (non-tensor), FLOP/s"),
    "tf32_flops": ("float64", "peak TF32 tensor, FLOP/s"),
    "fp16_flops": ("float64", "peak FP16/BF16 (tensor where available), FLOP/s"),
    "fp8_flops": ("float64", "peak FP8, FLOP/s"),
    "int8_ops": ("float64", "peak INT8, OP/s"),
    "tdp_w": ("float64", "thermal design power, W"),
    "price_usd": ("float64", "release or list price, US dollars (nominal)"),
    "source": ("string", "computelimits data source name"),
    "source_file": ("string", "file within the source"),
    "source_row": ("Int64", "1-based data row"),
}

GRID = {
    "zone": ("string", "zone, country or region code (e.g. US-CAL-CISO, FR, us-east-1)"),
    "name": ("string", "zone or region name"),
    "country": ("string", "country"),
    "kind": ("string", "zone | country | region | world | cloud-region | pue-default"),
    "year": ("Int64", "year the intensity refers to, where known"),
    "gco2e_per_kwh": ("float64", "grid carbon intensity (direct or as given), gCO2e/kWh"),
    "gco2e_per_kwh_lifecycle": ("float64", "life-cycle intensity, gCO2e/kWh, where given"),
    "pue": ("float64", "data-centre power usage effectiveness, where given"),
    "source": ("string", "computelimits data source name"),
    "source_file": ("string", "file within the source"),
    "source_row": ("Int64", "1-based data row"),
}

SCHEMAS: dict[str, dict[str, tuple[str, str]]] = {
    "results": RESULTS, "compute": COMPUTE, "hardware": HARDWARE, "grid": GRID,
}


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``df`` with exactly the table's columns, in order and with their dtypes
    (absent columns are added empty). ``attrs`` are kept."""
    spec = SCHEMAS[table]
    out = pd.DataFrame(index=df.index)
    for col, (dtype, _) in spec.items():
        if col in df.columns:
            values = df[col]
        else:
            values = pd.Series([None] * len(df), index=df.index, dtype=object)
        if dtype.startswith("datetime"):
            out[col] = pd.to_datetime(values).astype(dtype)
        elif dtype == "float64":
            out[col] = pd.to_numeric(values).astype("float64")
        else:
            out[col] = values.astype(dtype)
    out.attrs = dict(df.attrs)
    return out.reset_index(drop=True)
