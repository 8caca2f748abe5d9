"""Join benchmark results with training compute through explicit, tested rules.

A figure a result row carries itself is never replaced: rule 0 comes first, and a name match
only fills compute that is missing. Rules, tried in this order for every result row; the first
that applies wins and is recorded in ``match_rule``:

0. ``own-row``: the compute table has a record from the same source, file and data row as the
   result (users' files, where a row carries its own hardware burden or training FLOP; a
   source table that gives score and compute on one line). Two rows of different papers that
   share a model name therefore keep their own figures.
1. ``model-version``: the row carries an Epoch model-version id (Epoch benchmark files):
   the ECI table's compute for that version, else the Epoch models-table record of the model
   that ``model_versions.csv`` names for it.
2. ``same-source``: the source that published the score also gives the model's compute
   (Epoch's open-model-trends table), matched by model key within that source. Never for
   users' files (``source`` starting ``user-``): there one paper's figure would land on
   another paper's row with the same model name.
3. ``exact-key``: the result's model key (:func:`computelimits.data.names.model_key`) equals
   the key of exactly one model in the Epoch models table (or several with the same compute).
4. ``alias``: ``computelimits/data/aliases.csv`` names the Epoch model for this source's name.
5. ``imputed`` (ImageNet only): the model is a convnet-burden network; network operations =
   2 FLOP/MAC × MACs per image × 3 passes × training images × epochs, with the assumptions of
   :mod:`computelimits.assumptions` stated in ``match_note``. On by default for the bundled
   sources, opt-in (``impute=True``) for users' files.

Nothing else matches: no substring or similarity matching. Rows that match nothing keep NaN
compute and a reason in ``match_note``. Rules 1–4 can be switched off (``fill=False``) so that
only rows' own figures are used.

Every matched row says what its figure measures and where it came from:

* ``compute_kind`` (:mod:`computelimits.data.compute_kinds`): the record's own kind where it
  has one (users' files: ``hardware_burden`` or what the file says), else the hand-checked
  override for Epoch records whose figure is not the evaluated model's training run
  (``includes_search``, ``other_dataset``, ``other_purpose``, with the reason in
  ``match_note``), else ``training``; ``imputed_operations`` for rule 5;
* ``compute_origin``: ``own`` (rule 0), ``joined`` (rules 1–4: found by name in another
  table) or ``imputed`` (rule 5);
* ``peak_precision``: for hardware burden, the precision of the peak rate used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits import assumptions
from computelimits.data.compute_kinds import KINDS
from computelimits.data.credits import attribution
from computelimits.data.names import aliases, model_key
from computelimits.formulas import network_operations_flop

__all__ = ["RULES", "JoinResult", "join_compute"]

RULES = ("own-row", "model-version", "same-source", "exact-key", "alias", "imputed")

COMPUTE_COLUMNS = ["training_flop", "training_flop_low", "training_flop_high", "compute_model",
                   "compute_method", "compute_confidence", "compute_source",
                   "compute_source_file", "compute_source_row", "compute_kind",
                   "compute_origin", "peak_precision", "match_rule", "match_note"]

#: ``source`` prefix of rows read from users' own files.
USER_PREFIX = "user-"


def _is_user(source: object) -> bool:
    return isinstance(source, str) and source.startswith(USER_PREFIX)


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


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or v == ""


def _record(row: pd.Series, rule: str, note: str,
            kinds: dict[tuple[str, str], tuple[str, str]] | None = None) -> dict:
    kind = row.get("compute_kind")
    if _blank(kind):
        kind = "training"
        over = (kinds or {}).get((str(row["source"]), str(row["model"])))
        if over is not None:
            kind = over[0]
            note = f"{note}; compute is {over[0]}: {over[1]}"
    precision = row.get("peak_precision")
    return {
        "training_flop": row["training_flop"],
        "training_flop_low": row.get("training_flop_low", np.nan),
        "training_flop_high": row.get("training_flop_high", np.nan),
        "compute_model": row["model"],
        "compute_method": row.get("method"),
        "compute_confidence": row.get("confidence"),
        "compute_source": row["source"],
        "compute_source_file": row.get("source_file"),
        "compute_source_row": row.get("source_row"),
        "compute_kind": kind,
        "compute_origin": "own" if rule == "own-row" else "joined",
        "peak_precision": None if _blank(precision) else precision,
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
                 impute: bool | None = None, fill: bool = True,
                 kinds: dict[tuple[str, str], tuple[str, str]] | None = None) -> JoinResult:
    """Attach training compute to each result row (see the module docstring for the rules).

    Args:
        results, compute: tidy tables (:func:`computelimits.data.tables.results` / ``compute``).
        model_versions: Epoch model-version ids → Epoch model names (columns ``model_version``,
            ``epoch_model``); loaded from the epoch-benchmarks source when None.
        networks: convnet-burden networks (``model_key``, ``flop_per_image``) for the ImageNet
            imputation; loaded when None and imputation is possible.
        impute: allow rule 5 — True: for every row; False: never; None (default): for the
            bundled sources but not for rows of users' files (imputation is opt-in there).
        fill: allow rules 1–4 (name matches) for rows without a figure of their own.
        kinds: (source, model) → (compute_kind, reason) of compute records that are not the
            evaluated model's training run; default: the hand-checked table
            :func:`computelimits.data.compute_kinds.overrides`.
    """
    if kinds is None:
        from computelimits.data.compute_kinds import overrides

        ov = overrides()
        kinds = {(s, m): (k, r) for s, m, k, r in zip(
            ov["source"], ov["model"], ov["compute_kind"], ov["reason"], strict=True)}
    if model_versions is None and fill:
        from computelimits.data.loaders.epoch_benchmarks import model_versions as mv

        model_versions = mv()
    if networks is None and impute is not False:
        from computelimits.data.loaders.convnet_burden import load_networks

        networks = load_networks()

    comp = compute[compute["training_flop"].notna()].copy()
    comp["model_key"] = comp["model_key"].fillna("")
    epoch = comp[comp["source"] == "epoch-ai-models"]
    epoch_by_key = {k: g for k, g in epoch.groupby("model_key")}
    by_source_key = {k: g for k, g in comp.groupby(["source", "model_key"])}
    own_rows: dict[tuple[str, str, int], pd.Series] = {}
    has_row = comp["source_row"].notna()
    for idx in comp.index[has_row]:
        rec = comp.loc[idx]
        own_rows.setdefault((str(rec["source"]), str(rec["source_file"]),
                             int(rec["source_row"])), rec)
    eci_by_version: dict[str, pd.Series] = {}
    notes = comp["notes"].fillna("")
    for idx in comp.index[notes.str.contains("model_version=", regex=False)]:
        vid = notes[idx].split("model_version=", 1)[1].split(";")[0].strip()
        eci_by_version.setdefault(vid, comp.loc[idx])
    version_model = ({} if model_versions is None else
                     dict(zip(model_versions["model_version"], model_versions["epoch_model"],
                              strict=False)))
    alias = aliases()
    imp = None
    if impute is not False and networks is not None:
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
        key = r["model_key"] if isinstance(r["model_key"], str) else ""
        rec, why = None, []
        user = _is_user(r["source"])
        if not _blank(r.get("source_row")):
            own = own_rows.get((str(r["source"]), str(r.get("source_file")),
                                int(r["source_row"])))
            if own is not None:
                rec = _record(own, "own-row", "the row's own figure"
                              + (f" ({own['notes']})" if not _blank(own.get("notes")) else ""),
                              kinds)
        vid = r.get("model_version")
        if rec is None and not fill:
            why.append("the row has no compute of its own and name matches are off")
        elif rec is None and isinstance(vid, str) and vid:
            if vid in eci_by_version:
                rec = _record(eci_by_version[vid], "model-version",
                              f"Epoch model version {vid} (ECI table)", kinds)
            else:
                name = version_model.get(vid)
                if isinstance(name, str) and name:
                    hit, reason = _unique(epoch_by_key.get(model_key(name), epoch.iloc[:0]))
                    if hit is not None:
                        rec = _record(hit, "model-version",
                                      f"Epoch model version {vid} → model {name!r}", kinds)
                    else:
                        why.append(f"model version {vid} → {name!r}: {reason} in the models "
                                   "table")
                else:
                    why.append(f"model version {vid} names no Epoch model")
        if rec is None and fill and not user:
            hit, reason = _unique(by_source_key.get((r["source"], key), comp.iloc[:0]))
            if hit is not None:
                rec = _record(hit, "same-source", f"compute from {r['source']} itself", kinds)
        if rec is None and fill and key:
            hit, reason = _unique(epoch_by_key.get(key, epoch.iloc[:0]))
            if hit is not None:
                rec = _record(hit, "exact-key", f"model key {key!r}", kinds)
            elif reason != "none":
                why.append(reason)
        if rec is None and fill and (r["source"], key) in alias:
            target, note = alias[(r["source"], key)]
            hit, reason = _unique(epoch_by_key.get(model_key(target), epoch.iloc[:0]))
            if hit is not None:
                rec = _record(hit, "alias", f"alias {r['model']!r} → {target!r}: {note}",
                              kinds)
            else:
                why.append(f"alias target {target!r}: {reason}")
        may_impute = impute is True or (impute is None and not user)
        if (rec is None and may_impute and imp is not None and r["benchmark"] == "imagenet"
                and key in imp):
            net = imp[key]
            flop = network_operations_flop(float(net["flop_per_image"]), passes.value,
                                           images.value, epochs.value)
            rec = {
                "training_flop": flop, "training_flop_low": np.nan,
                "training_flop_high": np.nan, "compute_model": net["model"],
                "compute_method": "imputed", "compute_confidence": "imputed",
                "compute_source": "convnet-burden",
                "compute_source_file": net.get("source_file"),
                "compute_source_row": net.get("source_row"),
                "compute_kind": "imputed_operations", "compute_origin": "imputed",
                "peak_precision": None,
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
            if (user and impute is None and imp is not None and r["benchmark"] == "imagenet"
                    and key in imp):
                why.append("network operations could be imputed (opt in with impute=True / "
                           "--impute)")
            rec["match_note"] = "; ".join(why)
        out.append(rec)

    extra = pd.DataFrame(out, index=results.index, columns=COMPUTE_COLUMNS)
    table = pd.concat([results, extra], axis=1)
    for col in ("training_flop", "training_flop_low", "training_flop_high"):
        table[col] = pd.to_numeric(table[col]).astype(float)
    table.attrs = dict(results.attrs)
    # attribution from the sources the rows name (computelimits.data.credits), for display
    table.attrs["attribution"] = attribution(table)
    return JoinResult(table, _report(table))


def _report(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for bench, g in table.groupby("benchmark", sort=True):
        row = {"benchmark": bench, "results": len(g),
               "with_compute": int(g["training_flop"].notna().sum())}
        for rule in RULES:
            row[rule] = int((g["match_rule"] == rule).sum())
        row["unmatched"] = int(g["match_rule"].isna().sum())
        for kind in KINDS:
            row[f"kind_{kind}"] = int((g["compute_kind"] == kind).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["benchmark", "results", "with_compute", *RULES,
                                       "unmatched", *(f"kind_{k}" for k in KINDS)])
