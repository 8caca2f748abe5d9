"""Large users' files for the scaling benchmarks (``fit --data``, ``backtest --data``).

Generic layout, three benchmarks (ImageNet top-1, MMLU, HellaSwag), about √N publications:
each model is scored on all three benchmarks on one date with one training compute, its
error falling with compute and with time (log10 error = log10 chance − 0.05·(log10 C − 17)
− 0.02·(year − 2012) + noise), so the fits are identified and the forecasts have something
to forecast. Kept apart so that benchmark scripts and profiling sessions share one file
format.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

#: (benchmark id, metric, chance error)
BENCHMARKS = (("imagenet", "top1_accuracy", 0.999), ("mmlu", "accuracy", 0.75),
              ("hellaswag", "accuracy", 0.75))


def make_scaling_file(path: str | Path, rows: int, seed: int = 0) -> Path:
    """Write a generic-layout file of ``rows`` data rows to ``path`` (see the module
    docstring)."""
    rng = np.random.default_rng(seed)
    k = len(BENCHMARKS)
    models = math.ceil(rows / k)
    n_pub = max(3, round(math.sqrt(rows)))
    year = rng.uniform(2012.0, 2024.0, models)
    log10c = 17.0 + 0.5 * (year - 2012.0) + rng.uniform(-1.5, 1.5, models)
    pub = rng.integers(0, n_pub, models)
    day = np.floor((year % 1) * 365).astype(int)
    dates = (np.datetime64("2012-01-01") + ((np.floor(year) - 2012) * 365.25).astype(int)
             .astype("timedelta64[D]") + day.astype("timedelta64[D]")).astype(str)
    path = Path(path)
    lines = ["model,benchmark,metric,value,date,unit,training_flop,compute_kind,origin,"
             "publication"]
    noise = rng.normal(0.0, 0.05, (models, k))
    for j, (bench, metric, chance) in enumerate(BENCHMARKS):
        log_e = (math.log10(chance) - 0.05 * (log10c - 17.0) - 0.02 * (year - 2012.0)
                 + noise[:, j])
        e = np.clip(10.0 ** log_e, 0.005, 0.98 * chance)
        acc = 1.0 - e
        for i in range(models):
            if i * k + j >= rows:
                continue
            lines.append(f"Model {i},{bench},{metric},{acc[i]:.5f},{dates[i]},fraction,"
                         f"{10.0 ** log10c[i]:.4e},training,Paper {pub[i]},Paper {pub[i]}")
    path.write_text("\n".join(lines[:1] + sorted(lines[1:], key=_model_key)) + "\n",
                    encoding="utf-8")
    return path


def _model_key(line: str) -> tuple[int, str]:
    name, rest = line.split(",", 1)
    return int(name.split()[1]), rest
