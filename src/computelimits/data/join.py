"""Join benchmark results with training compute through explicit, tested rules.

Rules, tried in this order for every result row; the first that applies wins and is recorded
in ``match_rule``:

1. ``model-version``: the row carries an Epoch model-version id (Epoch benchmark files):
   the ECI table's compute for that version, else the Epoch models-table record of the model
   that ``model_versions.csv`` names for it.
2. ``same-source``: the source that published the score also gives the model's compute
   (Epoch's open-model-trends table), matched by model key within that source.
3. ``exact-key``: the result's model key (:func:`computelimits.data.names.model_key`) equals
   the key of exactly one model in the Epoch models table (or several with the same compute).
4. ``alias``: ``computelimits/data/aliases.csv`` names the Epoch model for this source's name.
5. ``imputed`` (ImageNet only): the model is a convnet-burden network; network operations =
   2 FLOP/MAC × MACs per image × 3 passes × training images × epochs, with the assumptions of
   :mod:`computelimits.assumptions` stated in ``match_note``.

Nothing else matches: no substring or similarity matching. Rows that match nothing keep NaN
compute and a reason in ``match_note``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.data.names import aliases, model_key

__all__ = ["RULES", "JoinResult", "join_compute"]

RULES = ("model-version", "same-source", "exact-key", "alias", "imputed")

COMPUTE_COLUMNS = ["training_flop", "training_flop_low", "training_flop_high", "compute_model",
                   "compute_method", "compute_confidence", "compute_source",
                   "compute_source_row", "match_rule", "match_note"]


@dataclass
class JoinResult:
    """``table``: results with compute columns; ``report``: per benchmark, how many results
    matched by each rule and how many did not."""

    table: pd.DataFrame
    report: pd.DataFrame

    @property
    def unmatched(self) -> pd.DataFrame:
        t = self.table
        return t[t["match_rule"].isna()][["benchmark", "model", "source", "source_row",
                                          "match_note"]]


def _record(row: pd.Series, rule: str, note: str) -> dict:
    return {
        "training_flop": row["training_flop"],
        "training_flop_low": row.get("training_flop_low", np.nan),
        "training_flop_high": row.get("training_flop_high", np.nan),
        "compute_model": row["model"],
        "compute_method": row.get("method"),
        "compute_confidence": row.get("confidence"),
        "compute_source": row["source"],
        "compute_source_row": row.get("source_row"),
        "match_rule": rule,
        "match_note": note,
    }


def _unique(rows: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """One compute record, or None with the reason (none / ambiguous)."""
    rows = rows[rows["training_flop"].notna()]
    if rows.empty:
        return None, "none"
    if rows["training_flop"].nunique() > 1:
        return None, f"ambiguous: {len(rows)} records with different compute"
    return rows.iloc[0], ""


def join_compute(results: pd.DataFrame, compute: pd.DataFrame, *,
                 model_versions: pd.DataFrame | None = None,
                 networks: pd.DataFrame | None = None,
                 impute: bool = True) -> JoinResult:
    """Attach training compute to each result row (see the module docstring for the rules).

    Args:
        results, compute: tidy tables (:func:`computelimits.data.tables.results` / ``compute``).
        model_versions: Epoch model-version ids → Epoch model names (columns ``model_version``,
            ``epoch_model``); loaded from the epoch-benchmarks source when None.
        networks: convnet-burden networks (``model_key``, ``flop_per_image``) for the ImageNet
            imputation; loaded when None and ``impute``.
        impute: allow rule 5.
    """
    if model_versions is None:
        from computelimits.data.loaders.epoch_benchmarks import model_versions as mv

        model_versions = mv()
    if networks is None and impute:
        from computelimits.data.loaders.convnet_burden import load_networks

        networks = load_networks()

    comp = compute[compute["training_flop"].notna()].copy()
    comp["model_key"] = comp["model_key"].fillna("")
    epoch = comp[comp["source"] == "epoch-ai-models"]
    epoch_by_key = {k: g for k, g in epoch.groupby("model_key")}
    by_source_key = {k: g for k, g in comp.groupby(["source", "model_key"])}
    eci_by_version: dict[str, pd.Series] = {}
    notes = comp["notes"].fillna("")
    for idx in comp.index[notes.str.contains("model_version=", regex=False)]:
        vid = notes[idx].split("model_version=", 1)[1].split(";")[0].strip()
        eci_by_version.setdefault(vid, comp.loc[idx])
    version_model = dict(zip(model_versions["model_version"], model_versions["epoch_model"],
                             strict=False))
    alias = aliases()
    imp = None
    if impute and networks is not None:
        nets = networks
        if "task" in nets.columns:  # only ImageNet classifiers (not detection/segmentation)
            nets = nets[nets["task"] == "image classification"]
        nets = nets[nets["flop_per_image"].notna()] if len(nets) else nets
        imp = {k: g.iloc[0] for k, g in nets.groupby("model_key")} if len(nets) else {}
    passes = assumptions.get("training_passes_per_example")
    images = assumptions.get("imagenet_train_images")
    epochs = assumptions.get("imagenet_epochs")

    out = []
    for _, r in results.iterrows():
        key = r["model_key"] or ""
        rec, why = None, []
        vid = r.get("model_version")
        if isinstance(vid, str) and vid:
            if vid in eci_by_version:
                rec = _record(eci_by_version[vid], "model-version",
                              f"Epoch model version {vid} (ECI table)")
            else:
                name = version_model.get(vid)
                if isinstance(name, str) and name:
                    hit, reason = _unique(epoch_by_key.get(model_key(name), epoch.iloc[:0]))
                    if hit is not None:
                        rec = _record(hit, "model-version",
                                      f"Epoch model version {vid} → model {name!r}")
                    else:
                        why.append(f"model version {vid} → {name!r}: {reason} in the models "
                                   "table")
                else:
                    why.append(f"model version {vid} names no Epoch model")
        if rec is None:
            hit, reason = _unique(by_source_key.get((r["source"], key), comp.iloc[:0]))
            if hit is not None:
                rec = _record(hit, "same-source", f"compute from {r['source']} itself")
        if rec is None and key:
            hit, reason = _unique(epoch_by_key.get(key, epoch.iloc[:0]))
            if hit is not None:
                rec = _record(hit, "exact-key", f"model key {key!r}")
            elif reason != "none":
                why.append(reason)
        if rec is None and (r["source"], key) in alias:
            target, note = alias[(r["source"], key)]
            hit, reason = _unique(epoch_by_key.get(model_key(target), epoch.iloc[:0]))
            if hit is not None:
                rec = _record(hit, "alias", f"alias {r['model']!r} → {target!r}: {note}")
            else:
                why.append(f"alias target {target!r}: {reason}")
        if rec is None and imp is not None and r["benchmark"] == "imagenet" and key in imp:
            net = imp[key]
            flop = float(net["flop_per_image"]) * passes.value * images.value * epochs.value
            rec = {
                "training_flop": flop, "training_flop_low": np.nan,
                "training_flop_high": np.nan, "compute_model": net["model"],
                "compute_method": "imputed", "compute_confidence": "imputed",
                "compute_source": "convnet-burden", "compute_source_row": net.get("source_row"),
                "match_rule": "imputed",
                "match_note": (f"network operations: {net['flop_per_image']:.3g} FLOP/image × "
                               f"{passes.value:g} passes × {images.value:,.0f} images × "
                               f"{epochs.value:g} epochs (assumed: {epochs.source})"),
            }
        if rec is None:
            rec = dict.fromkeys(COMPUTE_COLUMNS, None)
            rec["training_flop"] = np.nan
            if not why:
                why.append(f"no compute record with model key {key!r} in the Epoch models "
                           "table, its ECI table or the source itself, and no alias")
            rec["match_note"] = "; ".join(why)
        out.append(rec)

    extra = pd.DataFrame(out, index=results.index, columns=COMPUTE_COLUMNS)
    table = pd.concat([results, extra], axis=1)
    for col in ("training_flop", "training_flop_low", "training_flop_high"):
        table[col] = pd.to_numeric(table[col]).astype(float)
    table.attrs = dict(results.attrs)
    attribution = list(results.attrs.get("attribution", []))
    for line in compute.attrs.get("attribution", []):
        if line not in attribution:
            attribution.append(line)
    table.attrs["attribution"] = attribution
    return JoinResult(table, _report(table))


def _report(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for bench, g in table.groupby("benchmark", sort=True):
        row = {"benchmark": bench, "results": len(g),
               "with_compute": int(g["training_flop"].notna().sum())}
        for rule in RULES:
            row[rule] = int((g["match_rule"] == rule).sum())
        row["unmatched"] = int(g["match_rule"].isna().sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["benchmark", "results", "with_compute", *RULES,
                                       "unmatched"])
