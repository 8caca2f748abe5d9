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
5. ``arxiv`` (sources whose every join is checked by hand,
   :data:`computelimits.data.join_checks.CHECKED_SOURCES`: the SQuAD leaderboard): the row's
   publication is "arXiv:<id>" and the ``Link`` of exactly one Epoch models-table record with
   compute (or several with the same compute) holds that id.
6. ``imputed`` (ImageNet only): the model is a convnet-burden network; network operations =
   2 FLOP/MAC × MACs per image × 3 passes × training images × epochs, with the assumptions of
   :mod:`computelimits.assumptions` stated in ``match_note``. On by default for the bundled
   sources, opt-in (``impute=True``) for users' files.

Nothing else matches: no substring or similarity matching. Rows that match nothing keep NaN
compute and a reason in ``match_note``. Rules 1–5 can be switched off (``fill=False``) so that
only rows' own figures are used.

**Checked joins.** A name or arXiv match (rules 3–5) of a (source, model, publication) listed
in ``join_checks.csv`` (:mod:`computelimits.data.join_checks`) takes the verdict of a reading by
hand, where the record found is the one the table names: ``wrong`` refuses the join (the row
keeps no compute, and the note says why); ``right`` sets the row's compute kind (``training``,
the record's own kind, or ``ensemble`` for an ensemble joined to one member's record).

**Hardware burden beside training FLOP.** With ``burdens`` (the paper's hardware burden per
Epoch model, :func:`computelimits.data.burden.burden_table`), a row joined by name (rules 1–5)
to a training figure also carries the burden of that Epoch model — the model-version's Epoch
model for rule 1, else the record's model, by model key — in ``hardware_burden_flop``,
``hardware_burden_precision`` and ``hardware_burden_note``. The row's own compute columns are
unchanged: a fit on ``kind="hardware_burden"``
(:func:`computelimits.scaling.dataset.benchmark_data`) uses the burden instead. A row's own
figure (rule 0) never gets one.

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
from computelimits.data.compute_kinds import FIT_KINDS, KINDS
from computelimits.data.credits import attribution
from computelimits.data.names import aliases, model_key
from computelimits.formulas import network_operations_flop

__all__ = ["RULES", "JoinResult", "join_compute"]

RULES = ("own-row", "model-version", "same-source", "exact-key", "alias", "arxiv", "imputed")

#: Rules that match by name or id (a hand-checked verdict may apply to them).
NAME_RULES = ("exact-key", "alias", "arxiv")

#: What an ``ensemble`` figure is, in the match note of every such row.
ENSEMBLE_NOTE = ("an ensemble's compute is several training runs; the figure is one "
                 "member's")

COMPUTE_COLUMNS = ["training_flop", "training_flop_low", "training_flop_high", "compute_model",
                   "compute_method", "compute_confidence", "compute_source",
                   "compute_source_file", "compute_source_row", "compute_kind",
                   "compute_origin", "peak_precision", "match_rule", "match_note",
                   "hardware_burden_flop", "hardware_burden_precision", "hardware_burden_note"]

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


def _scalars(frame: pd.DataFrame, col: str, default: object = None) -> np.ndarray:
    """The column's values as the scalars a row of the frame holds (numpy scalars for numpy
    columns, ``pd.NA`` in masked ones), in an object array; ``default`` everywhere when the
    column is missing (as ``row.get(col, default)``)."""
    n = len(frame)
    out = np.empty(n, dtype=object)
    if col not in frame.columns:
        out[:] = [default] * n
        return out
    s = frame[col]
    dtype = s.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and hasattr(dtype, "numpy_dtype") \
            and not isinstance(dtype, pd.StringDtype):
        mask = s.isna().to_numpy()
        fill = False if dtype.numpy_dtype.kind == "b" else 0
        out[:] = list(s.to_numpy(dtype=dtype.numpy_dtype, na_value=fill))
        out[mask] = pd.NA
    elif isinstance(dtype, np.dtype) and dtype.kind not in "OM":
        out[:] = list(s.to_numpy())
    elif isinstance(dtype, pd.StringDtype) or dtype.kind == "O":
        out[:] = s.to_numpy(dtype=object)  # the stored objects, with the dtype's NA
    else:
        out[:] = list(s.array)
    return out


def _text(values: np.ndarray) -> list[str]:
    """``str`` of each value (a string as it is)."""
    return [v if type(v) is str else str(v) for v in values]


def _blanks(frame: pd.DataFrame, col: str, values: np.ndarray) -> np.ndarray:
    """Which cells :func:`_blank` would call blank, without a call per row where the
    column's type allows."""
    if col in frame.columns and frame[col].dtype.kind in "iufb":
        return frame[col].isna().to_numpy()
    if col in frame.columns and isinstance(frame[col].dtype, pd.StringDtype):
        s = frame[col]
        return (s.isna() | (s == "")).to_numpy(dtype=bool, na_value=True)
    return np.fromiter((_blank(v) for v in values), dtype=bool, count=len(values))


@dataclass
class _Records:
    """The compute records (rows of ``comp``, by position) as the join reads them: the
    values it copies, and per record its compute_kind (its own, else the hand-checked
    override for (source, model) with the reason added to the match note, else "training"),
    peak precision and the notes an own-row match quotes."""

    comp: pd.DataFrame
    kinds: dict[tuple[str, str], tuple[str, str]]

    def __post_init__(self) -> None:
        c = self.comp
        n = len(c)
        self.cells = {
            "training_flop": _scalars(c, "training_flop"),
            "training_flop_low": _scalars(c, "training_flop_low", np.nan),
            "training_flop_high": _scalars(c, "training_flop_high", np.nan),
            "compute_model": _scalars(c, "model"),
            "compute_method": _scalars(c, "method"),
            "compute_confidence": _scalars(c, "confidence"),
            "compute_source": _scalars(c, "source"),
            "compute_source_file": _scalars(c, "source_file"),
            "compute_source_row": _scalars(c, "source_row"),
        }
        kind = _scalars(c, "compute_kind")
        self.kind = kind.copy()
        self.more = np.full(n, "", dtype=object)
        for p in np.flatnonzero(_blanks(c, "compute_kind", kind)):
            over = self.kinds.get((str(self.cells["compute_source"][p]),
                                   str(self.cells["compute_model"][p])))
            self.kind[p] = "training" if over is None else over[0]
            if over is not None:
                self.more[p] = f"; compute is {over[0]}: {over[1]}"
        self.precision = _scalars(c, "peak_precision")
        self.precision[_blanks(c, "peak_precision", self.precision)] = None
        notes = _scalars(c, "notes")
        given = ~_blanks(c, "notes", notes)
        self.own_note = np.full(n, "", dtype=object)
        self.own_note[given] = [f" ({x})" for x in notes[given]]


def _first_unique(frame: pd.DataFrame, by: list[str]) -> dict:
    """{group key: (position of its first record, records, distinct training_flop values)}
    of ``frame`` (rows with a figure) grouped by ``by``; positions are those of ``frame``."""
    if frame.empty:
        return {}
    stats = pd.DataFrame({"pos": frame["_pos"].to_numpy(),
                          "flop": frame["training_flop"].to_numpy()})
    for col in by:
        stats[col] = frame[col].to_numpy()
    g = stats.groupby(by if len(by) > 1 else by[0], sort=False)
    agg = pd.DataFrame({"first": g["pos"].first(), "n": g["pos"].size(),
                        "distinct": g["flop"].nunique()})
    return {k: (int(f), int(n), int(d)) for k, f, n, d in zip(
        agg.index, agg["first"], agg["n"], agg["distinct"], strict=True)}


def _unique(found: tuple[int, int, int] | None) -> tuple[int | None, str]:
    """One compute record (its position), or None with the reason (none / ambiguous)."""
    if found is None:
        return None, "none"
    first, n, distinct = found
    if distinct > 1:
        return None, f"ambiguous: {n} records with different compute"
    return first, ""


def join_compute(results: pd.DataFrame, compute: pd.DataFrame, *,
                 model_versions: pd.DataFrame | None = None,
                 networks: pd.DataFrame | None = None,
                 impute: bool | None = None, fill: bool = True,
                 kinds: dict[tuple[str, str], tuple[str, str]] | None = None,
                 checks: dict[tuple[str, str, str], tuple[str, str, str, str]] | None = None,
                 arxiv: dict[str, tuple[str, ...]] | None = None,
                 burdens: pd.DataFrame | None = None) -> JoinResult:
    """Attach training compute to each result row (see the module docstring for the rules).

    Works on columns: a row's own figure is found by one lookup of (source, file, row), and
    the name rules are decided once per distinct (source, model key, model version, model
    name, ImageNet or not), so time grows linearly with the rows.

    Args:
        results, compute: tidy tables (``Catalog.results()`` / ``Catalog.compute()``).
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
        checks: (source, model, publication or "") → (epoch_model, verdict, compute_kind,
            reason) of joins checked by hand; default:
            :func:`computelimits.data.join_checks.index` ({} turns the verdicts off).
        arxiv: arXiv id → names of the Epoch models-table records whose link holds it (rule
            5); loaded from the Epoch models table when None and a row of a checked source
            has an arXiv publication.
        burdens: the hardware burden per Epoch model
            (:func:`computelimits.data.burden.burden_table`); None: no burden columns filled.
    """
    if kinds is None:
        from computelimits.data.compute_kinds import overrides

        ov = overrides()
        kinds = {(s, m): (k, r) for s, m, k, r in zip(
            ov["source"], ov["model"], ov["compute_kind"], ov["reason"], strict=True)}
    if model_versions is None and fill:
        from computelimits.data.loaders.epoch_benchmarks import model_versions as mv

        model_versions = mv()
    if checks is None:
        from computelimits.data.join_checks import index as check_index

        checks = check_index()
    from computelimits.data.join_checks import CHECKED_SOURCES, verdict

    publication = _scalars(results, "publication")
    if arxiv is None and fill and any(
            isinstance(src, str) and src in CHECKED_SOURCES and isinstance(pub, str)
            and pub.startswith("arXiv:")
            for src, pub in zip(_scalars(results, "source"), publication, strict=True)):
        from computelimits.data.loaders.epoch_models import load_models

        found: dict[str, list[str]] = {}
        m = load_models()
        for name, ids in zip(m["model"], m["arxiv_ids"], strict=True):
            for i in (ids.split(";") if isinstance(ids, str) else ()):
                found.setdefault(i, []).append(str(name))
        arxiv = {k: tuple(v) for k, v in found.items()}
    arxiv = arxiv or {}
    if networks is None and impute is not False:
        from computelimits.data.loaders.convnet_burden import load_networks

        networks = load_networks()

    comp = compute[compute["training_flop"].notna()].reset_index(drop=True)
    comp["model_key"] = comp["model_key"].fillna("")
    comp["_pos"] = np.arange(len(comp))
    records = _Records(comp, kinds)
    epoch = comp[comp["source"] == "epoch-ai-models"]
    epoch_by_key = _first_unique(epoch, ["model_key"])
    by_source_key = _first_unique(comp, ["source", "model_key"])
    has_row = np.flatnonzero(comp["source_row"].notna().to_numpy())
    own_keys = list(zip(_text(records.cells["compute_source"][has_row]),
                        _text(records.cells["compute_source_file"][has_row]),
                        [int(x) for x in records.cells["compute_source_row"][has_row]],
                        strict=True))
    own_rows = dict(zip(reversed(own_keys), reversed(has_row.tolist()), strict=True))  # first
    eci_by_version: dict[str, int] = {}
    notes = comp["notes"].fillna("")
    for pos in np.flatnonzero(notes.str.contains("model_version=", regex=False).to_numpy()):
        vid = notes.iloc[pos].split("model_version=", 1)[1].split(";")[0].strip()
        eci_by_version.setdefault(vid, int(pos))
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

    def by_name(source: object, key: str, vid: object, imagenet: bool, model: object,
                user: bool, pub: object) -> tuple:
        """Rules 1–6 for a row without a figure of its own: ("record", position, rule,
        note), ("imputed", model key) or ("none", reason)."""
        why: list[str] = []
        rec = None
        if not fill:
            why.append("the row has no compute of its own and name matches are off")
        elif isinstance(vid, str) and vid:
            if vid in eci_by_version:
                rec = (eci_by_version[vid], "model-version",
                       f"Epoch model version {vid} (ECI table)")
            else:
                name = version_model.get(vid)
                if isinstance(name, str) and name:
                    hit, reason = _unique(epoch_by_key.get(model_key(name)))
                    if hit is not None:
                        rec = (hit, "model-version",
                               f"Epoch model version {vid} → model {name!r}")
                    else:
                        why.append(f"model version {vid} → {name!r}: {reason} in the models "
                                   "table")
                else:
                    why.append(f"model version {vid} names no Epoch model")
        if rec is None and fill and not user:
            hit, _ = _unique(by_source_key.get((source, key)))
            if hit is not None:
                rec = (hit, "same-source", f"compute from {source} itself")
        if rec is None and fill and key:
            hit, reason = _unique(epoch_by_key.get(key))
            if hit is not None:
                rec = (hit, "exact-key", f"model key {key!r}")
            elif reason != "none":
                why.append(reason)
        if rec is None and fill and (source, key) in alias:
            target, note = alias[(source, key)]
            hit, reason = _unique(epoch_by_key.get(model_key(target)))
            if hit is not None:
                rec = (hit, "alias", f"alias {model!r} → {target!r}: {note}")
            else:
                why.append(f"alias target {target!r}: {reason}")
        if (rec is None and fill and source in CHECKED_SOURCES and isinstance(pub, str)
                and pub.startswith("arXiv:")):
            aid = pub.removeprefix("arXiv:")
            hits = {}
            for name in arxiv.get(aid, ()):
                h, _ = _unique(epoch_by_key.get(model_key(name)))
                if h is not None:
                    hits[h] = name
            flops = {float(comp["training_flop"].iat[h]) for h in hits}
            if len(flops) == 1:
                h, name = next(iter(hits.items()))
                rec = (h, "arxiv", f"arXiv {aid} is the link of Epoch's {name!r}")
            elif len(flops) > 1:
                why.append(f"arXiv {aid}: {len(hits)} Epoch records with different compute")
        if rec is not None:
            return ("record", *rec)
        imputable = imp is not None and imagenet and key in imp
        if imputable and (impute is True or (impute is None and not user)):
            return ("imputed", key)
        if not why:
            why.append(f"no compute record with model key {key!r} in the Epoch models "
                       "table, its ECI table or the source itself, and no alias")
        if user and impute is None and imputable:
            why.append("network operations could be imputed (opt in with impute=True / "
                       "--impute)")
        return ("none", "; ".join(why))

    n = len(results)
    source = _scalars(results, "source")
    keys = np.asarray([k if isinstance(k, str) else "" for k in
                       _scalars(results, "model_key")], dtype=object)
    rows_at = _scalars(results, "source_row")
    blank = _blanks(results, "source_row", rows_at)
    own = np.fromiter(
        (-1 if b else own_rows.get((s, f, int(r)), -1) for s, f, r, b in
         zip(_text(source), _text(_scalars(results, "source_file")), rows_at, blank,
             strict=True)), dtype=np.int64, count=n)
    # what each row gets: 0 nothing, 1 a record (at a position), 2 an imputation
    got = np.where(own >= 0, 1, 0)
    at = own.copy()
    rule = np.full(n, "own-row", dtype=object)
    note = np.full(n, "the row's own figure", dtype=object)
    imputed_key = np.full(n, None, dtype=object)
    checked_kind = np.full(n, None, dtype=object)  # a hand-checked kind; its note is in note
    rest = np.flatnonzero(own < 0)
    if len(rest):
        # the name rules depend on these alone: decide them once per distinct combination
        bench = _scalars(results, "benchmark")[rest]
        sig = [source[rest], keys[rest], _scalars(results, "model_version")[rest],
               np.fromiter((isinstance(b, str) and b == "imagenet" for b in bench),
                           dtype=bool, count=len(rest)),
               _scalars(results, "model")[rest], publication[rest]]
        code = np.zeros(len(rest), dtype=np.int64)
        for col in sig:
            c, u = pd.factorize(col)
            code = pd.factorize(code * (len(u) + 1) + (c + 1))[0]
        _, first = np.unique(code, return_index=True)  # codes are 0, 1, … by first row
        got_u = np.zeros(len(first), dtype=np.int64)
        at_u = np.full(len(first), -1, dtype=np.int64)
        rule_u = np.full(len(first), None, dtype=object)
        note_u = np.full(len(first), None, dtype=object)
        key_u = np.full(len(first), None, dtype=object)
        kind_u = np.full(len(first), None, dtype=object)
        for k, j in enumerate(first):
            src = sig[0][j]
            out = by_name(src, sig[1][j], sig[2][j], bool(sig[3][j]), sig[4][j],
                          _is_user(src), sig[5][j])
            if out[0] == "record" and out[2] in NAME_RULES:
                out, kind_u[k] = _checked(out, verdict(checks, src, sig[4][j], sig[5][j]),
                                          records, int(out[1]))
            if out[0] == "record":
                got_u[k], at_u[k], rule_u[k], note_u[k] = 1, out[1], out[2], out[3]
            elif out[0] == "imputed":
                got_u[k], key_u[k] = 2, out[1]
            else:
                note_u[k] = out[1]
        got[rest], at[rest], rule[rest] = got_u[code], at_u[code], rule_u[code]
        note[rest], imputed_key[rest] = note_u[code], key_u[code]
        checked_kind[rest] = kind_u[code]

    extra = {c: np.full(n, None, dtype=object) for c in COMPUTE_COLUMNS}
    rec = np.flatnonzero(got == 1)
    if len(rec):
        pos = at[rec]
        for col, cells in records.cells.items():
            extra[col][rec] = cells[pos]
        checked = checked_kind[rec]
        is_checked = np.fromiter((c is not None for c in checked), dtype=bool, count=len(rec))
        extra["compute_kind"][rec] = np.where(is_checked, checked, records.kind[pos])
        is_own = rule[rec] == "own-row"
        origin = np.full(len(rec), "joined", dtype=object)
        origin[is_own] = "own"
        extra["compute_origin"][rec] = origin
        extra["peak_precision"][rec] = records.precision[pos]
        extra["match_rule"][rec] = rule[rec]
        text = note[rec].copy()
        text[is_own] = text[is_own] + records.own_note[pos[is_own]]
        # a checked row's note already says what its figure is
        extra["match_note"][rec] = np.where(is_checked, text, text + records.more[pos])
        if burdens is not None:
            _attach_burdens(extra, rec, rule, results, burdens, version_model)
    for key in dict.fromkeys(imputed_key[got == 2]):
        net = imp[key]
        these = np.flatnonzero((got == 2) & (imputed_key == key))
        values = {
            "training_flop": network_operations_flop(float(net["flop_per_image"]),
                                                     passes.value, images.value,
                                                     epochs.value),
            "training_flop_low": np.nan, "training_flop_high": np.nan,
            "compute_model": net["model"], "compute_method": "imputed",
            "compute_confidence": "imputed", "compute_source": "convnet-burden",
            "compute_source_file": net.get("source_file"),
            "compute_source_row": net.get("source_row"),
            "compute_kind": "imputed_operations", "compute_origin": "imputed",
            "peak_precision": None, "match_rule": "imputed",
            "match_note": (f"network operations: {net['flop_per_image']:.3g} FLOP/image × "
                           f"{passes.value:g} passes × {images.value:,.0f} images × "
                           f"{epochs.value:g} epochs (assumed: {epochs.source})"),
        }
        for col, v in values.items():
            extra[col][these] = [v] * len(these)
    none = np.flatnonzero(got == 0)
    extra["training_flop"][none] = np.nan
    extra["match_note"][none] = note[none]

    # column by column from lists, so that each column's type is inferred from its values
    frame = pd.DataFrame(index=results.index)
    for col in COMPUTE_COLUMNS:
        frame[col] = pd.Series(extra.pop(col).tolist(), index=results.index, dtype=None)
    table = pd.concat([results, frame], axis=1)
    for col in ("training_flop", "training_flop_low", "training_flop_high",
                "hardware_burden_flop"):
        table[col] = pd.to_numeric(table[col]).astype(float)
    table.attrs = dict(results.attrs)
    # attribution from the sources the rows name (computelimits.data.credits), for display
    table.attrs["attribution"] = attribution(table)
    return JoinResult(table, _report(table))


def _checked(out: tuple, check: tuple[str, str, str, str] | None, records: _Records,
             pos: int) -> tuple[tuple, str | None]:
    """A name match ``out`` = ("record", position, rule, note) after the hand-checked
    verdict ``check`` = (epoch_model, verdict, compute_kind, reason), which applies when the
    record found is the one it names: (the match or ("none", why), the row's compute kind or
    None when no verdict applied)."""
    if check is None:
        return out, None
    target, verdict, kind, reason = check
    found = str(records.cells["compute_model"][pos])
    if found != target:
        return out, None
    _, _, rule, note = out
    if verdict == "wrong":
        return ("none", f"{rule} match to {target!r} checked by hand and refused: {reason}"), None
    own_kind = str(records.kind[pos])
    text = f"{note}; checked by hand: {reason.rstrip('.')}"
    if kind == own_kind:
        text += records.more[pos]
    elif kind == "ensemble":
        text += f"; compute is ensemble: {ENSEMBLE_NOTE}"
    elif kind not in FIT_KINDS:
        text += f"; compute is {kind}: {reason}"
    return ("record", pos, rule, text), kind


def _attach_burdens(extra: dict[str, np.ndarray], rec: np.ndarray, rule: np.ndarray,
                    results: pd.DataFrame, burdens: pd.DataFrame, version_model: dict) -> None:
    """Fill the hardware-burden columns of rows joined by name to a training figure (the
    module docstring says which Epoch model's burden)."""
    ok = burdens[burdens["hardware_burden_flop"].notna()]
    by_key = {}
    for key, flop, prec, note, name in zip(ok["model_key"], ok["hardware_burden_flop"],
                                           ok["peak_precision"], ok["note"], ok["model"],
                                           strict=True):
        by_key.setdefault(key, (float(flop), prec, note, name))
    vids = _scalars(results, "model_version")
    for i in rec:
        if rule[i] == "own-row" or extra["compute_kind"][i] != "training":
            continue
        names = []
        if rule[i] == "model-version" and isinstance(vids[i], str):
            names.append(version_model.get(vids[i]))
        names.append(extra["compute_model"][i])
        hit = next((by_key[model_key(x)] for x in names
                    if isinstance(x, str) and model_key(x) in by_key), None)
        if hit is None:
            continue
        flop, prec, note, name = hit
        extra["hardware_burden_flop"][i] = flop
        extra["hardware_burden_precision"][i] = prec
        extra["hardware_burden_note"][i] = f"Epoch model {name!r}: {note}"


def _report(table: pd.DataFrame) -> pd.DataFrame:
    """Per benchmark (sorted): results, how many with compute, matched by each rule,
    unmatched, and per compute kind; counted by one grouped sum over flag columns."""
    flags = pd.DataFrame({"benchmark": table["benchmark"],
                          "results": np.ones(len(table), dtype=np.int64),
                          "with_compute": table["training_flop"].notna().to_numpy()})
    rule = table["match_rule"]
    for r in RULES:
        flags[r] = (rule == r).to_numpy(dtype=bool, na_value=False)
    flags["unmatched"] = rule.isna().to_numpy()
    for kind in KINDS:
        flags[f"kind_{kind}"] = (table["compute_kind"] == kind).to_numpy(dtype=bool,
                                                                         na_value=False)
    counts = flags.groupby("benchmark", sort=True).sum()
    rows = [{"benchmark": bench, **{c: int(v) for c, v in zip(counts.columns, values,
                                                               strict=True)}}
            for bench, values in zip(counts.index, counts.to_numpy(), strict=True)]
    return pd.DataFrame(rows, columns=["benchmark", "results", "with_compute", *RULES,
                                       "unmatched", *(f"kind_{k}" for k in KINDS)])
