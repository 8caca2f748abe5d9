"""Epoch AI, "Data on AI Models" (All ML Systems, full view, snapshot of 2025-06-20).

Source ``epoch-ai-models``: the file ``all_ml_systems_full_view.csv`` (1,892 rows, 57 columns,
quoted multi-line text fields), from github.com/epoch-research/training-cost-trends. Licence:
CC BY 4.0; the attribution line is ``SOURCES[SOURCE].attribution`` (it travels with every
table in ``attrs["attribution"]``).

Units: compute in FLOP (one multiply-add = 2 FLOP, Epoch's convention, no precision
weighting); training time in hours; power in W (hardware only, before PUE); cost in 2023 US
dollars (Epoch's estimate); utilization as a fraction.

Repairs and assumptions (each counted in ``attrs["repairs"]``):

* The model name is the key, but ``P-LLama3`` appears twice (README). Rows that share a
  ``Model`` name are resolved explicitly: the record with training compute, then the most
  recently modified one (``Last modified``), is kept and the others are dropped (counted as
  "repeated model name: older record dropped"). For ``P-LLama3`` this keeps the record of
  2025-05-23 (data row 371, with compute 7.2e23 FLOP) and drops that of 2025-05-01 (row 374,
  no training compute). A repeated name whose records tie on both criteria is an error.
* ``Training compute cost (2023 USD)`` is a currency string ("$1234.00"): the ``$`` and any
  thousands separators are removed.
* ``Hardware utilization (MFU)`` (called ``Hardware utilization`` before 2025-08; either name
  is accepted) is a fraction 0-1. A value above 1 and at most 100 is read as a percent written
  without its sign and divided by 100 (counted: the file has one, 72.0 for
  "GPT3-2.7B (FlashAttention-2)", whose paper reports 72% MFU); above 100 is an error. A
  percent string ("55%") is converted to a fraction (counted).
* ``Finetune compute (FLOP)`` (``load_models`` only): values below 1e10 are Airtable
  linked-record counts, not FLOP (README), and are set to missing (counted).
* Rows without training compute are dropped by ``load_compute`` unless ``include_missing``
  (counted as "rows without training compute skipped").
* Bounds are kept as given; where a bound lies on the wrong side of the central estimate the
  ``notes`` column says so (e.g. "ConvS2S (ensemble of 8 models)": lower bound 5.65e19 above
  the estimate 5.64e19).

``method`` is ``Training compute estimation method`` lower-cased; several methods are kept
comma-separated as in the source (e.g. "operation counting,hardware").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.fetch import locate
from computelimits.data.names import model_key
from computelimits.data.parse import Repairs, dates, fractions, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = ["FILE", "SOURCE", "arxiv_ids", "load_compute", "load_models", "parse_compute",
           "parse_models"]

SOURCE = "epoch-ai-models"
FILE = "all_ml_systems_full_view.csv"

#: Below this, a "Finetune compute (FLOP)" value is a linked-record count, not FLOP (README).
FINETUNE_MIN_FLOP = 1e10

_UTILIZATION = ("Hardware utilization (MFU)", "Hardware utilization")

_REQUIRED = (
    "Model", "Publication date", "Training compute (FLOP)", "Training compute lower bound",
    "Training compute upper bound", "Training compute estimation method", "Confidence",
    "Parameters", "Training dataset size (datapoints)", "Training hardware",
    "Hardware quantity", "Training time (hours)", "Training compute cost (2023 USD)",
    "Training power draw (W)", "Last modified",
)


_WIDE = (
    "Finetune compute (FLOP)", "Notability criteria", "Domain", "Task", "Organization",
    "Organization categorization", "Country (of organization)", "Model accessibility",
    "Training code accessibility", "Foundation model", "Base model", "Epochs",
    "Post-training compute (FLOP)", "Training chip-hours", "Batch size", "Numerical format",
    "Citations", "Compute rank when published", "Training compute notes", "Link",
)

_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.IGNORECASE)


def arxiv_ids(link: object) -> str | None:
    """The arXiv ids (new style, YYMM.NNNNN) of a ``Link`` cell, ";"-joined in order, or None.

    >>> arxiv_ids("https://arxiv.org/abs/1810.04805v2")
    '1810.04805'
    """
    if not isinstance(link, str):
        return None
    ids = list(dict.fromkeys(_ARXIV.findall(link)))
    return ";".join(ids) or None


def _read(path: str | Path, label: str | None = None, wide: bool = False) -> pd.DataFrame:
    df = read_csv(path, required=_REQUIRED + (_WIDE if wide else ()), label=label)
    # pandas deep-copies attrs on every operation: an array copies far faster than a list
    df.attrs["lines"] = np.asarray(df.attrs["lines"], dtype=np.int64)
    if not any(c in df.columns for c in _UTILIZATION):
        read_csv(path, required=[_UTILIZATION[0]], label=label)  # raises, naming the column
    return df


def _duplicates(df: pd.DataFrame, has_compute: np.ndarray) -> np.ndarray:
    """Mask of the rows to keep: one record per ``Model`` name (see the module docstring)."""
    names = text(df, "Model", required=True)
    modified = dates(df, "Last modified")
    keep = np.ones(len(df), dtype=bool)
    dup = names.duplicated(keep=False)
    for _name, idx in names[dup].groupby(names[dup]).groups.items():
        def rank(i: int) -> tuple[bool, pd.Timestamp]:
            m = modified[i]
            return bool(has_compute[i]), (m if pd.notna(m) else pd.Timestamp.min)

        order = sorted(idx, key=rank)
        best, second = order[-1], order[-2]
        if rank(best) == rank(second):
            raise InputError(f"model name {names[best]!r} repeats row {int(second) + 1} and "
                             "neither record is newer or has more compute data",
                             path=df.attrs.get("path"), row=int(best) + 1, column="Model")
        keep[[int(i) for i in order[:-1]]] = False
    df.attrs["repairs"].note("repeated model name: older record dropped", int((~keep).sum()))
    return keep


def _column_view(df: pd.DataFrame, col: str, mask: np.ndarray) -> pd.DataFrame:
    """``df[[col]]`` with the cells outside ``mask`` blanked; same rows, same attrs (so the
    converters name the right file, row and line, and count into the same repairs)."""
    view = df[[col]].copy()
    view.loc[~mask, col] = ""
    view.attrs = df.attrs
    return view


def _utilization(df: pd.DataFrame) -> np.ndarray:
    """MFU as a fraction: "55%" and bare numbers above 1 (up to 100) are percents."""
    col = next(c for c in _UTILIZATION if c in df.columns)
    cells = text(df, col)
    pct = cells.fillna("").str.endswith("%").to_numpy()
    x = numbers(_column_view(df, col, ~pct), col, nonnegative=True)
    if pct.any():
        x[pct] = fractions(_column_view(df, col, pct), col, scale="auto")[pct]
    rep: Repairs = df.attrs["repairs"]
    over = np.nan_to_num(x, nan=0.0) > 1.0
    for i in np.flatnonzero(over):
        if x[i] > 100.0:
            lines = df.attrs.get("lines")
            at = f" (line {lines[i]})" if lines is not None and i < len(lines) else ""
            raise InputError(f"utilization {cells.iloc[i]!r} is over 100%{at}",
                             path=df.attrs.get("path"), row=int(i) + 1, column=col)
    if over.any():
        x[over] = x[over] / 100.0
        rep.note(f"{col}: values above 1 read as percent", int(over.sum()))
    return x


def _frame(df: pd.DataFrame, source_file: str, *, wide: bool) -> pd.DataFrame:
    """Convert the cells of ``df`` (every row, in file order) to the compute columns."""
    flop = numbers(df, "Training compute (FLOP)", positive=True)
    low = numbers(df, "Training compute lower bound", positive=True)
    high = numbers(df, "Training compute upper bound", positive=True)
    model = text(df, "Model", required=True)
    notes: list[str | None] = []
    for f, lo, hi in zip(flop, low, high, strict=True):
        parts = []
        if lo > f:  # NaN compares False
            parts.append("lower bound above the estimate")
        if hi < f:
            parts.append("upper bound below the estimate")
        if lo > hi:
            parts.append("lower bound above the upper bound")
        notes.append("; ".join(parts) or None)
    method = text(df, "Training compute estimation method")
    out = pd.DataFrame({
        "model": model,
        "model_key": [model_key(m) for m in model],
        "date": dates(df, "Publication date"),
        "training_flop": flop,
        "training_flop_low": low,
        "training_flop_high": high,
        "method": method.str.lower(),
        "confidence": text(df, "Confidence"),
        "parameters": numbers(df, "Parameters", positive=True),
        "dataset_size": numbers(df, "Training dataset size (datapoints)", nonnegative=True),
        "hardware": text(df, "Training hardware"),
        "chip_count": numbers(df, "Hardware quantity", positive=True),
        "hours": numbers(df, "Training time (hours)", positive=True),
        "utilization": _utilization(df),
        "cost_usd": numbers(df, "Training compute cost (2023 USD)", nonnegative=True,
                            currency=True, thousands=True),
        "power_w": numbers(df, "Training power draw (W)", positive=True),
        "notes": notes,
        "source": SOURCE,
        "source_file": source_file,
        "source_row": df.index + 1,
    }, index=df.index)
    if wide:
        ft = numbers(df, "Finetune compute (FLOP)", nonnegative=True)
        small = np.nan_to_num(ft, nan=np.inf) < FINETUNE_MIN_FLOP
        ft[small] = np.nan
        df.attrs["repairs"].note("Finetune compute (FLOP): values < 1e10 (linked-record counts) "
                                 "treated as missing", int(small.sum()))
        notability = text(df, "Notability criteria")
        extra = {
            "domain": text(df, "Domain"),
            "task": text(df, "Task"),
            "organization": text(df, "Organization"),
            "organization_category": text(df, "Organization categorization"),
            "country": text(df, "Country (of organization)"),
            "notability": notability,
            "notable": notability.notna(),
            "accessibility": text(df, "Model accessibility"),
            "code_accessibility": text(df, "Training code accessibility"),
            "foundation_model": text(df, "Foundation model").eq("checked"),
            "base_model": text(df, "Base model"),
            "epochs": numbers(df, "Epochs", positive=True),
            "finetune_flop": ft,
            "post_training_flop": numbers(df, "Post-training compute (FLOP)", positive=True),
            "chip_hours": numbers(df, "Training chip-hours", positive=True),
            "batch_size": numbers(df, "Batch size", positive=True),
            "numerical_format": text(df, "Numerical format"),
            "citations": numbers(df, "Citations", nonnegative=True),
            "compute_rank": numbers(df, "Compute rank when published", positive=True),
            "compute_notes": text(df, "Training compute notes"),
            "last_modified": dates(df, "Last modified"),
            "arxiv_ids": [arxiv_ids(x) for x in text(df, "Link")],
        }
        for k, v in extra.items():
            out[k] = v
        out["foundation_model"] = out["foundation_model"].astype("boolean")
        out["notable"] = out["notable"].astype("boolean")
    out.attrs = {"path": df.attrs.get("path"), "repairs": df.attrs["repairs"],
                 "attribution": [SOURCES[SOURCE].attribution]}
    return out


def _subset(df: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    out = df[keep]
    out.attrs = df.attrs
    return out


def parse_compute(path: str | Path, *, include_missing: bool = False,
                  source_file: str = FILE, label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``all_ml_systems_full_view.csv`` into the compute table.

    Compute in FLOP (> 0, else :class:`InputError`), ``cost_usd`` in 2023 US dollars,
    ``power_w`` in W, ``hours`` in hours, ``utilization`` a fraction.
    """
    df = _read(path, label)
    out = _frame(df, source_file, wide=False)
    keep = _duplicates(df, out["training_flop"].notna().to_numpy())
    if not include_missing:
        has = out["training_flop"].notna().to_numpy()
        out.attrs["repairs"].note("rows without training compute skipped",
                                  int((keep & ~has).sum()))
        keep &= has
    return conform(_subset(out, keep), "compute")


def parse_models(path: str | Path, *, source_file: str = FILE,
                 label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``all_ml_systems_full_view.csv`` into the wide frame of
    :func:`load_models` (every row, with or without compute)."""
    df = _read(path, label, wide=True)
    out = _frame(df, source_file, wide=True)
    out = _subset(out, _duplicates(df, out["training_flop"].notna().to_numpy()))
    compute = conform(out, "compute")
    extra = out.drop(columns=[c for c in compute.columns if c in out.columns])
    wide = pd.concat([compute, extra.reset_index(drop=True)], axis=1)
    wide.attrs = compute.attrs
    return wide


def load_compute(*, strict: bool | None = None, include_missing: bool = False) -> pd.DataFrame:
    """The compute table of Epoch's AI-models database (one row per model).

    ``training_flop`` is total training compute in FLOP (pre-training plus pretrained
    components; fine-tuning is separate, see :func:`load_models`). Rows without training
    compute are dropped (988 in the 2025-06-20 snapshot are kept) unless ``include_missing``.
    See the module docstring for the repairs.
    """
    loc = locate(SOURCE, FILE, strict=strict)
    return parse_compute(loc.path, include_missing=include_missing, label=str(loc.path))


def load_models(*, strict: bool | None = None) -> pd.DataFrame:
    """Every model (with or without compute): the compute-table columns followed by
    ``domain``, ``task``, ``organization``, ``organization_category``, ``country``,
    ``notability`` (Epoch's notability criteria, comma-separated), ``notable`` (any criterion
    met), ``accessibility``, ``code_accessibility``, ``foundation_model``, ``base_model``,
    ``epochs``, ``finetune_flop`` (FLOP; values < 1e10 set missing), ``post_training_flop``
    (FLOP), ``chip_hours``, ``batch_size``, ``numerical_format``, ``citations``,
    ``compute_rank``, ``compute_notes``, ``last_modified`` and ``arxiv_ids`` (the arXiv ids in
    ``Link``, ";"-joined: :func:`arxiv_ids`)."""
    loc = locate(SOURCE, FILE, strict=strict)
    return parse_models(loc.path, label=str(loc.path))
