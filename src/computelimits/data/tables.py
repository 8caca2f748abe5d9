"""The four tidy tables, assembled from every source that feeds them.

Each table carries ``attrs["attribution"]`` (one line per source that contributed rows) and
``attrs["repairs"]`` (documented repairs, counted). Column definitions: :mod:`.schema`.

This module only parses (no caching); the tables are read through a
:class:`~computelimits.data.catalog.Catalog` (``resolve_catalog().results()``, …), which parses
once. It sits below the catalog and never imports it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from computelimits.data.parse import Repairs
from computelimits.data.schema import conform

__all__ = ["combine", "parse_source_table", "parse_table"]


def _loaders(table: str) -> list[tuple[str, Callable[..., pd.DataFrame]]]:
    from computelimits.data.loaders import (
        computer_progress,
        convnet_burden,
        electricity_maps,
        epoch_benchmarks,
        epoch_hardware,
        epoch_models,
        green_algorithms,
        mlco2,
        nlp_progress,
        open_model_trends,
        pwc_imagenet,
        squad_leaderboard,
    )

    def epoch_results(strict: bool | None = None) -> pd.DataFrame:
        # third date fallback of the epoch-benchmarks README: the model's publication date in
        # the Epoch models table, for model versions without a date of their own
        models = epoch_models.load_models(strict=strict)
        dates = dict(zip(models["model"], models["date"], strict=False))
        return epoch_benchmarks.load_results(strict=strict, model_dates=dates)

    return {
        "results": [
            ("epoch-benchmarks", epoch_results),
            ("epoch-open-model-trends", open_model_trends.load_results),
            ("pwc-imagenet-2019", pwc_imagenet.load_results),
            ("convnet-burden", convnet_burden.load_results),
            ("nlp-progress", nlp_progress.load_results),
            ("squad-leaderboard", squad_leaderboard.load_results),
        ],
        "compute": [
            ("epoch-ai-models", epoch_models.load_compute),
            ("epoch-benchmarks", epoch_benchmarks.load_compute),
            ("epoch-open-model-trends", open_model_trends.load_compute),
        ],
        "hardware": [
            ("epoch-hardware", epoch_hardware.load_hardware),
            ("computer-progress", computer_progress.load_hardware),
            ("mlco2-impact", mlco2.load_hardware),
            ("green-algorithms", green_algorithms.load_tdp),
        ],
        "grid": [
            ("electricity-maps-2024", electricity_maps.load_grid),
            ("green-algorithms", green_algorithms.load_grid),
            ("mlco2-impact", mlco2.load_grid),
        ],
    }[table]


def combine(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    """Concatenate conformed frames, merging repair counts; attribution lines come from the
    sources the rows name (:mod:`computelimits.data.credits`)."""
    repairs = Repairs()
    for f in frames:
        for what, n in dict(f.attrs.get("repairs", {})).items():
            repairs.note(f"{f.attrs.get('source', '')}: {what}".lstrip(": "), n)
    nonempty = [conform(f, table) for f in frames if len(f)]
    out = (pd.concat(nonempty, ignore_index=True) if nonempty
           else conform(pd.DataFrame(), table))
    from computelimits.data.credits import attribution

    out.attrs = {"attribution": attribution(out), "repairs": repairs}
    return out


def parse_table(table: str, *, only: set[str] | None = None) -> pd.DataFrame:
    """Parse the tidy table ``table`` from every source that feeds it (no caching: use a
    :class:`~computelimits.data.catalog.Catalog`, which parses once)."""
    frames = []
    for name, loader in _loaders(table):
        if only is not None and name not in only:
            continue
        df = loader()
        df.attrs["source"] = name
        frames.append(df)
    return combine(frames, table)


def parse_source_table(name: str) -> pd.DataFrame:
    """Parse the main table of one source (no caching)."""
    from computelimits.data.loaders import (
        chip_counts,
        computer_progress,
        convnet_burden,
        electricity_maps,
        epoch_benchmarks,
        epoch_hardware,
        epoch_models,
        green_algorithms,
        microprocessor,
        mlco2,
        nlp_progress,
        open_model_trends,
        pwc_imagenet,
        squad_leaderboard,
    )

    main: dict[str, Callable[..., pd.DataFrame]] = {
        "epoch-ai-models": epoch_models.load_models,
        "epoch-benchmarks": epoch_benchmarks.load_results,
        "epoch-open-model-trends": open_model_trends.load_results,
        "epoch-hardware": epoch_hardware.load_chips,
        "epoch-ai-chip-counts": chip_counts.load_stock,
        "microprocessor-trends": microprocessor.load_trends,
        "computer-progress": computer_progress.load_hardware,
        "convnet-burden": convnet_burden.load_networks,
        "pwc-imagenet-2019": pwc_imagenet.load_leaderboard,
        "nlp-progress": nlp_progress.load_results,
        "squad-leaderboard": squad_leaderboard.load_leaderboard,
        "mlco2-impact": mlco2.load_grid,
        "green-algorithms": green_algorithms.load_grid,
        "electricity-maps-2024": electricity_maps.load_grid,
    }
    return main[name]()
