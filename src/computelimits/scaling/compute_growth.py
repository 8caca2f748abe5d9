"""Growth of the training compute of models, by subset and by era.

Thompson et al. (2020, arXiv 2007.05558) measure how fast the compute used to train deep
networks grows; Sevilla et al. (2022, "Compute Trends Across Three Eras of Machine Learning",
arXiv 2202.05924) split its history into eras. Data: Epoch AI's models database
(:meth:`computelimits.data.catalog.Catalog.models`), or any frame with its columns ``date``,
``training_flop``, ``notable`` and ``compute_rank``. Every trend is a
:class:`~computelimits.scaling.loglinear.TrendFit` of log10 FLOP on the decimal year.

Definitions (read them before quoting a number):

* ``notable``: models that meet at least one of Epoch's notability criteria (column
  ``Notability criteria`` non-blank: SOTA improvement, highly cited, historical significance,
  training cost, significant use); the loader's ``notable`` column.
* ``frontier``: ``compute_rank`` ≤ 10 (Epoch's "Compute rank when published": the rank of the
  model's training compute at its release, 1 = largest). In this snapshot the column is filled
  only for notable models published from December 2015 on, and only for ranks up to 20; it
  agrees closely with the rank among notable models published up to the same date. So the
  frontier series starts in December 2015 and is a "running top 10 of notable models".
* ``all``: every row with training compute and a date (Epoch's "full view", which includes
  many non-notable models added for specific studies; coverage is uneven).
* ``large_scale``: Sevilla et al. describe large-scale models as ones that break off the
  Deep-Learning trend from late 2015 with 10-100x more compute than other models of the same
  time, selected by a statistical threshold on compute relative to contemporaries (their
  results were robust to the threshold). The paper's exact cut is not reproduced here; we use
  a rule of the same form: a notable model published on or after ``LARGE_SCALE_START``
  (2015-09-01, "late 2015": AlphaGo Fan is dated 2015-10-01) is large-scale when its log10
  compute is at least ``large_scale_z`` (default 1.0) standard deviations above the mean of
  the other notable models published within ±``window`` years (default 1), with at least
  ``MIN_NEIGHBOURS`` such models.
* Eras (:func:`eras`): pre-Deep-Learning (notable models dated before 2010), Deep Learning
  (notable models from 2010-01-01, large-scale ones included), Deep Learning regular-scale
  (the same without the large-scale models) and Large-Scale (the large-scale models).

Periods (``start``, ``end``): see :mod:`computelimits.scaling.dates`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError, InputError
from computelimits.scaling.dates import Bound, decimal_year, describe_period, in_period
from computelimits.scaling.loglinear import TrendFit, fit_trend, fits_table

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = [
    "DEEP_LEARNING_START",
    "ERAS",
    "LARGE_SCALE_START",
    "MIN_NEIGHBOURS",
    "SUBSETS",
    "SUBSET_LABEL",
    "Subset",
    "compute_trend",
    "era_fits",
    "eras",
    "large_scale_mask",
    "select_models",
]

#: First day on which a model can count as large-scale ("late 2015", Sevilla et al. 2022).
LARGE_SCALE_START = "2015-09-01"

#: Fewest other notable models in the ±window that a large-scale z-score needs.
MIN_NEIGHBOURS = 5

#: First year of the Deep Learning era (Sevilla et al. 2022).
DEEP_LEARNING_START = 2010

Subset = Literal["notable", "frontier", "all", "large_scale"]
SUBSETS = ("notable", "frontier", "all", "large_scale")

#: subset -> words for labels and notes
SUBSET_LABEL = {
    "notable": "notable models",
    "frontier": "frontier models (compute rank <= 10 at publication)",
    "all": "all models",
    "large_scale": "large-scale models",
}

#: era -> label (``{split}``: the first year of the Deep-Learning era)
ERAS = {
    "pre_deep_learning": "Pre-Deep-Learning era (notable models before {split})",
    "deep_learning": "Deep-Learning era (notable models from {split})",
    "deep_learning_regular": "Deep-Learning era, regular-scale (large-scale models removed)",
    "large_scale": "Large-Scale era (large-scale models from late 2015)",
}


def _models(models: pd.DataFrame | None, strict: bool | None,
            catalog: Catalog | None) -> pd.DataFrame:
    """``models``, or the catalog's Epoch models table when it is None."""
    if models is not None:
        return models
    return resolve_catalog(catalog, strict=strict).models()


def _flag(models: pd.DataFrame, col: str) -> np.ndarray:
    if col not in models.columns:
        raise InputError(f"the models table has no {col!r} column")
    return models[col].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _compute_points(models: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, flop, usable) for every row: usable = has a date and positive compute."""
    for col in ("date", "training_flop"):
        if col not in models.columns:
            raise InputError(f"the models table has no {col!r} column")
    t = decimal_year(models["date"])
    flop = pd.to_numeric(models["training_flop"]).to_numpy(dtype=float, na_value=np.nan)
    usable = np.isfinite(t) & np.isfinite(flop) & (flop > 0)
    return t, flop, usable


def large_scale_mask(models: pd.DataFrame, *, z: float = 1.0, window: float = 1.0,
                     start: Bound = LARGE_SCALE_START) -> np.ndarray:
    """Boolean mask (one entry per row of ``models``) of large-scale models.

    A row is large-scale when it is notable, has a date on or after ``start`` and positive
    compute, and its log10 compute is at least ``z`` standard deviations above the mean log10
    compute of the *other* notable models published within ±``window`` years (at least
    ``MIN_NEIGHBOURS`` of them). A reconstruction of Sevilla et al.'s (2022) selection, see the
    module docstring.
    """
    if window <= 0:
        raise ConfigError(f"window must be positive, not {window!r}")
    t, flop, usable = _compute_points(models)
    pool = usable & _flag(models, "notable")
    idx = np.flatnonzero(pool)
    out = np.zeros(len(models), dtype=bool)
    if idx.size == 0:
        return out
    tp, yp = t[idx], np.log10(flop[idx])
    near = np.abs(tp[:, None] - tp[None, :]) <= window
    np.fill_diagonal(near, False)
    k = near.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (near * yp[None, :]).sum(axis=1) / k
        var = (near * (yp[None, :] - mean[:, None]) ** 2).sum(axis=1) / (k - 1)
        score = (yp - mean) / np.sqrt(var)
    ok = (k >= MIN_NEIGHBOURS) & (var > 0) & in_period(tp, start, None)
    out[idx] = ok & (score >= z)
    return out


def select_models(models: pd.DataFrame | None = None, *, subset: Subset = "notable",
                  start: Bound = None, end: Bound = None, strict: bool | None = None,
                  large_scale_z: float = 1.0, window: float = 1.0,
                  catalog: Catalog | None = None) -> pd.DataFrame:
    """The rows a compute trend uses: ``subset`` (see the module docstring), dated within
    [start, end], with a date and positive ``training_flop``. Adds the column ``t``
    (decimal year); ``attrs["excluded"]`` counts the rows of the subset dropped for lack of
    compute or date. ``models`` defaults to ``catalog.models()`` (``catalog`` None: the
    default catalog; ``strict`` True/False: a catalog with that strictness)."""
    if subset not in SUBSETS:
        raise ConfigError(f"unknown subset {subset!r}; choose one of {', '.join(SUBSETS)}")
    models = _models(models, strict, catalog)
    t, _flop, usable = _compute_points(models)
    if subset == "notable":
        keep = _flag(models, "notable")
    elif subset == "frontier":
        if "compute_rank" not in models.columns:
            raise InputError("the models table has no 'compute_rank' column")
        rank = pd.to_numeric(models["compute_rank"]).to_numpy(dtype=float, na_value=np.nan)
        keep = rank <= 10
    elif subset == "large_scale":
        keep = large_scale_mask(models, z=large_scale_z, window=window)
    else:
        keep = np.ones(len(models), dtype=bool)
    period = in_period(t, start, end) | ~np.isfinite(t)
    excluded = int((keep & period & ~usable).sum())
    rows = keep & usable & in_period(t, start, end)
    out = models.loc[rows].copy()
    out["t"] = t[rows]
    out.attrs = {"excluded": excluded, "subset": subset}
    return out


def compute_trend(models: pd.DataFrame | None = None, *, subset: Subset = "notable",
                  start: Bound = None, end: Bound = None, n_boot: int = 2000, seed: int = 0,
                  conf: float = 0.95, name: str | None = None, label: str | None = None,
                  large_scale_z: float = 1.0, window: float = 1.0,
                  strict: bool | None = None, catalog: Catalog | None = None) -> TrendFit:
    """Growth of training compute (FLOP) of ``subset`` models between ``start`` and ``end``.

    ``models`` is a frame like :meth:`~computelimits.data.catalog.Catalog.models` returns
    (columns ``date``, ``training_flop``, ``notable``, ``compute_rank``); by default the
    catalog's Epoch database. Rows without compute or date are left out (counted in
    ``notes``). Returns the :class:`TrendFit` (slope in OOM/year, doubling time in months).
    """
    rows = select_models(models, subset=subset, start=start, end=end, strict=strict,
                         large_scale_z=large_scale_z, window=window, catalog=catalog)
    name = name or f"compute_{subset}"
    notes = f"{SUBSET_LABEL[subset]}, {describe_period(start, end)}"
    if rows.attrs["excluded"]:
        notes += f"; {rows.attrs['excluded']} rows without compute or date left out"
    return fit_trend(rows["t"].to_numpy(), rows["training_flop"].to_numpy(dtype=float),
                     name=name, label=label or f"training compute, {SUBSET_LABEL[subset]}",
                     unit="FLOP", n_boot=n_boot, seed=seed, conf=conf, notes=notes)


def era_fits(models: pd.DataFrame | None = None, *, end: Bound = None,
             split: int = DEEP_LEARNING_START, large_scale_z: float = 1.0,
             window: float = 1.0, large_scale_start: Bound = LARGE_SCALE_START,
             n_boot: int = 2000, seed: int = 0, conf: float = 0.95,
             strict: bool | None = None, catalog: Catalog | None = None
             ) -> dict[str, TrendFit]:
    """Piecewise compute trends after Sevilla et al. (2022): one :class:`TrendFit` per era
    (keys of ``ERAS``). Eras are split at 1 January of ``split``; ``end`` cuts all eras; the
    large-scale selection is :func:`large_scale_mask` with ``large_scale_z``, ``window`` and
    ``large_scale_start``. ``models`` defaults to the catalog's Epoch models table."""
    models = _models(models, strict, catalog)
    t, flop, usable = _compute_points(models)
    notable = _flag(models, "notable")
    big = large_scale_mask(models, z=large_scale_z, window=window, start=large_scale_start)
    t_end = in_period(t, None, end)
    after = in_period(t, split, end)
    masks = {
        "pre_deep_learning": notable & (t < split) & t_end,
        "deep_learning": notable & after,
        "deep_learning_regular": notable & after & ~big,
        "large_scale": big & t_end,
    }
    rule = (f"large-scale: notable, from {large_scale_start}, log10 compute >= "
            f"{large_scale_z:g} SD above other notable models within +/-{window:g} yr")
    out = {}
    for era, mask in masks.items():
        sel = mask & usable
        label = ERAS[era].format(split=split)
        notes = f"{label}; end {end if end is not None else 'of data'}"
        if era in ("deep_learning_regular", "large_scale"):
            notes += f"; {rule}"
        out[era] = fit_trend(t[sel], flop[sel], name=f"era_{era}", label=label, unit="FLOP",
                             n_boot=n_boot, seed=seed, conf=conf, notes=notes)
    return out


def eras(models: pd.DataFrame | None = None, **kwargs: Any) -> pd.DataFrame:
    """:func:`era_fits` as a table (:func:`~computelimits.scaling.loglinear.fits_table`),
    with an ``era`` column first."""
    fits = era_fits(models, **kwargs)
    table = fits_table(fits)
    table.insert(0, "era", list(fits))
    return table
