"""What data there is: one record per source (licence, rows, dates, where its files are) and
the full provenance of one source — the records behind ``computelimits data list`` and
``computelimits data info``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from computelimits.data.catalog import Catalog, resolve_catalog
from computelimits.data.fetch import declared, file_status
from computelimits.data.registry import SOURCES, get_source
from computelimits.data.schema import SCHEMAS
from computelimits.errors import ComputeLimitsError

__all__ = ["SETTING_RULE", "date_range", "describe_source", "list_sources", "setting_counts",
           "source_repairs"]


def date_range(df: pd.DataFrame) -> str:
    """``"YYYY-MM-DD–YYYY-MM-DD"`` (or years) of a table's dates; "" when it has none."""
    if {"start_date", "end_date"} <= set(df.columns):
        start, end = pd.to_datetime(df["start_date"]), pd.to_datetime(df["end_date"])
        return f"{start.min():%Y-%m-%d}–{end.max():%Y-%m-%d}"
    for col in ("date", "release_date", "year"):
        if col in df.columns:
            values = df[col].dropna()
            if values.empty:
                continue
            if col == "year":
                return f"{values.min():g}–{values.max():g}"
            values = pd.to_datetime(values)
            return f"{values.min():%Y-%m-%d}–{values.max():%Y-%m-%d}"
    return ""


def list_sources(catalog: Catalog | None = None) -> list[dict[str, Any]]:
    """One record per registered source: ``source``, ``licence`` (short), ``files``,
    ``rows`` and ``dates`` of its main table (None and "" when files are missing) and
    ``where`` its files are ("mirror", "cache", "mirror/cache" or "missing", with the number
    of files that differ from their pins). A strict catalog refuses modified mirror files."""
    cat = resolve_catalog(catalog)
    records = []
    for src in SOURCES.values():
        with cat.active():
            status = [file_status(src, f) for f in src.files]
        wheres = {w for w, _, _ in status}
        modified = [(f, path) for f, (w, path, ok) in zip(src.files, status, strict=True)
                    if w != "missing" and not ok]
        where = "missing" if "missing" in wheres else "/".join(sorted(wheres))
        if modified:
            with cat.active():
                undeclared = sum(1 for f, path in modified
                                 if declared(src, f, path) is None)
            where += (f" ({len(modified)} modified, declared)" if not undeclared else
                      f" ({len(modified)} modified, {undeclared} undeclared)")
        rows, span = None, ""
        if "missing" not in wheres:
            df = cat.source_table(src.name)
            rows, span = len(df), date_range(df)
        records.append({"source": src.name, "licence": src.licence_short,
                        "files": len(src.files), "rows": rows, "dates": span, "where": where})
    return records


def describe_source(name: str, catalog: Catalog | None = None) -> dict[str, Any]:
    """Provenance of one source: title, licence, attribution, provenance, share-alike, notes,
    its files (pinned URL and sha256, where found locally, whether it matches the pin) and
    the columns of the tables it feeds ({table: {column: "dtype: meaning"}}), and the repairs
    made while parsing its main table (:func:`source_repairs`)."""
    src = get_source(name)
    cat = resolve_catalog(catalog)
    files = []
    for f in src.files:
        with cat.active():
            where, path, ok = file_status(src, f)
        files.append({"path": f.path, "url": f.url, "sha256": f.sha256,
                      "mirror_sha256": f.mirror_sha256, "note": f.note, "where": where,
                      "local_path": str(path) if path else None, "matches_pin": ok})
    tables = {t: {c: f"{d[0]}: {d[1]}" for c, d in SCHEMAS[t].items()}
              for t in src.feeds if t in SCHEMAS}
    return {"source": src.name, "title": src.title, "licence": src.licence,
            "attribution": src.attribution, "provenance": src.provenance,
            "share_alike": src.share_alike, "notes": src.notes, "files": files,
            "feeds": list(src.feeds), "columns": tables,
            "settings": setting_counts(name, cat) if "results" in src.feeds else None,
            "repairs": source_repairs(name, cat)}


def source_repairs(name: str, catalog: Catalog | None = None) -> dict[str, int] | None:
    """The documented repairs made while parsing a source's main table ({repair: count}, as
    its loader counts them, e.g. the hand-checked dates of
    :mod:`computelimits.data.date_checks`); None when its files are missing."""
    cat = resolve_catalog(catalog)
    try:
        df = cat.source_table(name)
    except ComputeLimitsError:
        return None
    return {str(k): int(v) for k, v in sorted(dict(df.attrs.get("repairs", {})).items())}


#: How ``setting_kind`` is read from a source's cells (the rule of
#: :func:`computelimits.data.loaders.epoch_benchmarks.epoch_setting_kind` and
#: :func:`~computelimits.data.loaders.epoch_benchmarks.setting_kind`, shared by the results
#: loaders); a fit holds one setting, by default the most common (``--setting``).
SETTING_RULE = ("setting_kind from every field the source gives (Epoch: Shots, Notes and the "
                "run table; others: their setting text), first rule that applies: CoT or "
                "chain-of-thought → chain-of-thought; fine-tuned → fine-tuned; Shots 0 → "
                "zero-shot; Shots n ≥ 1 or few → few-shot; text naming zero- or few-shot "
                "alone → that; anything else → unknown (its own level, never mixed in: a fit "
                "holds one setting, the most common unless --setting says which)")


def setting_counts(name: str, catalog: Catalog | None = None) -> dict[str, Any] | None:
    """Rows per benchmark and evaluation setting kind of a results source (None when its
    files are missing): ``{"rule": SETTING_RULE, "counts": {benchmark: {setting: n}}}``."""
    cat = resolve_catalog(catalog)
    try:
        df = cat.source_table(name)
    except ComputeLimitsError:
        return None
    if "setting_kind" not in df or "benchmark" not in df:
        return None
    kinds = df["setting_kind"].fillna("unknown").astype(str)
    table = pd.crosstab(df["benchmark"].astype(str), kinds)
    counts = {b: {k: int(v) for k, v in row.items() if v} for b, row in table.iterrows()}
    return {"rule": SETTING_RULE, "counts": counts}
