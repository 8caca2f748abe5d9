"""The regression input for one benchmark: results joined with compute, chosen so that every
point measures what its label says.

:func:`benchmark_data` keeps one row per result that has an error, a compute figure of the
chosen kind, and an error below the benchmark's chance level. What it keeps and what it
leaves out (and why) travels with the rows as a :class:`Selection` in ``attrs["selection"]``,
so that every output can state N per kind and what was left out.

Choices, each overridable:

* **one kind of compute** (:mod:`computelimits.data.compute_kinds`): a fit of error on
  training FLOP and one on hardware burden are different regressions. By default the kind is
  the one the rows carry themselves (users' files), else ``training``, else
  ``hardware_burden``, else ``imputed_operations`` — the first with at least
  :data:`MIN_RESULTS` results (else the most numerous). ``includes_search``,
  ``other_dataset``, ``other_purpose`` and ``ensemble`` figures are never fitted unless asked
  for by name. ``kind="all"`` mixes the fittable kinds, and says so.
* **hardware burden beside training FLOP**: a result joined by name to an Epoch training
  figure also carries the paper's hardware burden of that model where Epoch gives its
  hardware, quantity and time (``hardware_burden_flop``, :mod:`computelimits.data.burden`).
  Such a result counts under both kinds in ``n_by_kind`` and is fitted once: on its
  training FLOP, or with ``kind="hardware_burden"`` on its burden (never both in one fit;
  ``kind="all"`` uses the row's own kind).
* **one precision of hardware burden**: burdens from FP32 and bf16 peaks are not mixed; by
  default the most common precision is kept (``precision="any"`` mixes them).
* **one evaluation setting** (``setting_kind``: supervised, zero-shot, few-shot,
  chain-of-thought, fine-tuned): by default the most common one is kept;
  ``setting="all"`` keeps every setting.
* **chance**: results at or above the benchmark's chance error
  (:func:`computelimits.data.chance.chance_error`) carry no information about compute and are
  left out; ``scale="above-chance"`` fits error / chance error instead of the error. A
  benchmark of the user's own takes the chance error its file gives (the rows'
  ``chance_error``); without one the selection says so, the error scale is used and only an
  error of 1 counts as at chance.
* **clusters are publications** (paper, arXiv id, or model family where no paper is known;
  :data:`CLUSTERS`), never the data source that collected the score.

The data come from a :class:`~computelimits.data.catalog.Catalog` (``catalog``; None: the
environment's), or from a joined table the caller passes (``joined``). The rows carry two
``attrs`` only: ``selection`` and ``attribution`` (built from the rows' ``source`` and
``compute_source`` columns, :func:`computelimits.data.credits.attribution`).
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import find_benchmark
from computelimits.data.date_checks import fitted_line
from computelimits.errors import ArgumentTypeError, ConfigError
from computelimits.scaling.dates import decimal_year
from computelimits.validate import frame

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["CLUSTERS", "KIND_PREFERENCE", "MAIN_METRICS", "MIN_RESULTS", "SCALES",
           "SHARE_CORRECT", "Choice", "Selection", "SelectionChoices",
           "benchmark_data", "decimal_year", "frontier"]

#: The headline metric family per benchmark where a source gives several.
MAIN_METRICS = {"imagenet": ("top1_accuracy", "top1_error"),
                "coco": ("box_ap",),
                "squad1.1": ("f1",)}

#: Metric ids that measure one quantity — the share of items answered correctly — under the
#: names different sources use (Epoch's hub says exact_match for MMLU and GSM8K, its
#: open-model table accuracy); where a benchmark has no headline family above, they are one.
SHARE_CORRECT = ("accuracy", "exact_match")

#: Fittable kinds in the order the default prefers them (after the rows' own kinds).
KIND_PREFERENCE = ("training", "hardware_burden", "imputed_operations")

#: A kind, precision or setting is chosen by default only if it has this many results.
MIN_RESULTS = 8

#: Cluster units: ``publication`` (default), ``model`` (the compute record), ``source`` (the
#: data source — for leave-one-source-out checks, not for intervals).
CLUSTERS = ("publication", "model", "source")

#: Error scales: the error itself, or error / chance error.
SCALES = ("error", "above-chance")


@dataclass
class Selection:
    """What :func:`benchmark_data` kept and left out, with reasons.

    ``n_by_kind``: usable results (error below chance, compute > 0) per compute kind, before
    the kind was chosen; ``left_out``: reason → count; ``kind``, ``precision``, ``setting``:
    what was kept ("all"/"any" when mixed); ``chance_error`` and ``chance_basis``: the chance
    level used (``chance_basis``: one sentence with its definition and source); ``scale``:
    "error" or "above-chance"; ``n``: rows kept; ``dates_checked``: a line naming the rows kept
    whose date is a hand-checked one (:func:`computelimits.data.date_checks.fitted_line`), or
    None.
    """

    benchmark: str
    kind: str
    precision: str | None
    setting: str | None
    scale: str
    chance_error: float
    chance_basis: str
    n: int
    n_by_kind: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    mixed: bool = False
    dates_checked: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Selection:
        # pandas deep-copies ``attrs`` in every operation: copy the two dictionaries (of
        # strings and numbers) directly instead of the generic, much slower deepcopy
        new = copy.copy(self)
        new.n_by_kind = dict(self.n_by_kind)
        new.left_out = dict(self.left_out)
        memo[id(self)] = new
        return new

    def kinds_line(self) -> str:
        """One line: N per kind and which was used."""
        per = ", ".join(f"{k} {n}" for k, n in self.n_by_kind.items()) or "none"
        what = self.kind if not self.mixed else f"{self.kind} (kinds mixed on request)"
        prec = f", peak precision {self.precision}" if self.precision else ""
        sett = f", setting {self.setting}" if self.setting else ""
        return (f"{self.n} results fitted: compute kind {what}{prec}{sett}; usable results "
                f"per kind: {per}")

    def lines(self) -> list[str]:
        """Human lines: the kinds line, the chance level, then one line per reason left out."""
        out = [self.kinds_line(),
               self.chance_basis
               + ("; fitted on error / chance error" if self.scale == "above-chance" else "")]
        out += [f"left out: {n} × {why}" for why, n in self.left_out.items()]
        if self.dates_checked:
            out.append(self.dates_checked)
        return out


def _joined_for(joined: pd.DataFrame | None, catalog: Catalog | None) -> pd.DataFrame:
    """``joined``, or the catalog's results joined with compute."""
    if joined is not None:
        return joined
    from computelimits.data.catalog import resolve_catalog

    return resolve_catalog(catalog).joined().table


def default_setting(settings: pd.Series) -> str | None:
    """The evaluation setting a fit holds by default: the most common *known* setting with
    at least :data:`MIN_RESULTS` results, else the most common value (which may be
    ``unknown``). Rows of unknown setting are a mixture of set-ups (shots, chain-of-thought
    or not, harnesses) on one curve, so one known set-up with enough results is preferred to
    them, however many they are; ``unknown`` is held only where no known setting could be
    fitted alone."""
    v = settings.fillna("unknown").astype(str)
    if v.empty:
        return None
    counts = v.value_counts()
    known = counts[counts.index != "unknown"]
    if len(known) and int(known.iloc[0]) >= MIN_RESULTS:
        return str(known.index[0])
    return str(counts.index[0])


def _choose(values: pd.Series, want: str | None, what: str, left: Counter,
            reason: str) -> tuple[pd.Series, str | None]:
    """Mask of rows with the chosen value of ``values`` (most common unless ``want``; a
    setting by :func:`default_setting`)."""
    v = values.fillna("unknown").astype(str)
    if want is None and what == "setting":
        want = default_setting(v)
    if v.empty:
        return pd.Series(True, index=values.index), None
    if want in ("all", "any"):
        return pd.Series(True, index=values.index), want
    if want is None:
        counts = v.value_counts()
        want = str(counts.index[0])
    if want not in set(v):
        raise ConfigError(f"no results with {what} {want!r}; present: "
                          f"{', '.join(sorted(set(v)))}")
    keep = v == want
    for other, n in v[~keep].value_counts().items():
        left[reason.format(other=other, chosen=want)] += int(n)
    return keep, want


def _metric_family(bench: str, metric: pd.Series,
                   metrics: tuple[str, ...] | None) -> tuple[str, ...]:
    """The metric ids kept: ``metrics``, else the benchmark's headline family, else the most
    common metric of ``metric`` (with :data:`SHARE_CORRECT` as one family)."""
    keep = metrics or MAIN_METRICS.get(bench)
    if keep is None:
        top = str(metric.value_counts().index[0])
        keep = SHARE_CORRECT if top in SHARE_CORRECT else (top,)
    return keep


def _kind_rows(kinds: pd.Series, origin: pd.Series, kind: str | None
               ) -> tuple[pd.Series, str]:
    """(which rows hold the compute kind fitted, its label): ``kind`` None takes
    :func:`_default_kind`; "all" every fittable kind together ("training+hardware_burden")."""
    from computelimits.data.compute_kinds import FIT_KINDS

    if kind is None:
        kind = _default_kind(kinds, origin)
    if kind == "all":
        sel = kinds.isin(FIT_KINDS)
        return sel, "+".join(k for k in KIND_PREFERENCE if k in set(kinds[sel]))
    return kinds == kind, kind


def _default_kind(kinds: pd.Series, origin: pd.Series) -> str:
    """The compute kind fitted by default: the rows' own kinds, then
    :data:`KIND_PREFERENCE` — the first with :data:`MIN_RESULTS` results — else the most
    numerous fittable kind, else the most numerous kind (``kinds`` and ``origin``: one cell
    per usable row, on the same index)."""
    from computelimits.data.compute_kinds import FIT_KINDS

    fittable = kinds[kinds.isin(FIT_KINDS)]
    own = fittable[origin == "own"].value_counts()
    order = [*own.index, *KIND_PREFERENCE]
    counts = fittable.value_counts()
    chosen = next((k for k in order if counts.get(k, 0) >= MIN_RESULTS), None)
    if chosen is None:
        chosen = str(counts.index[0]) if len(counts) else str(kinds.value_counts().index[0])
    return chosen


def _benchmark(name: str, joined: pd.DataFrame | None):
    """The benchmark ``name`` names: a known one, one of the user's own read in this process,
    or one of the user's own that the rows of a user's ``joined`` table name (a table read
    elsewhere)."""
    from computelimits.data.benchmarks import Benchmark

    try:
        return find_benchmark(name)
    except ConfigError:
        if joined is None or "source" not in joined.columns:
            raise
        bench = joined["benchmark"].astype("string")
        user = joined["source"].astype("string").str.startswith("user-").fillna(False)
        if bool(((bench == name) & user).any()):
            return Benchmark(name, f"{name} (a benchmark of your own)", own=True)
        raise


def _own_levels(bench: str, df: pd.DataFrame) -> dict:
    """Chance level per metric of a benchmark of the user's own, from its rows'
    ``chance_error`` (one value per metric), or error 1 with a basis saying there is none."""
    from computelimits.data.chance import ChanceLevel

    given = (df["chance_error"] if "chance_error" in df.columns
             else pd.Series(np.nan, index=df.index)).astype(float)
    files = sorted(set(df.get("source_file", pd.Series(dtype=object)).dropna().astype(str)))
    where = f"your file {', '.join(files)}" if files else "your file"
    out = {}
    for m, values in given.groupby(df["metric"].astype(str), sort=False):
        v = values.dropna()
        if len(v) and v.nunique() > 1:
            raise ConfigError(f"{bench} {m}: the rows give {v.nunique()} different chance "
                              "errors; one per benchmark and metric")
        if len(v):
            out[m] = ChanceLevel(bench, m, float(v.iloc[0]), "chance error of your own "
                                 "benchmark as given", where)
        else:
            out[m] = ChanceLevel(bench, m, 1.0, (
                f"no chance level given for your benchmark {bench} (a chance_error column or "
                "--chance-error): the error scale is used, and only an error of 1 counts as "
                "at chance"), "")
    return out


def benchmark_data(benchmark: str, *, metrics: tuple[str, ...] | None = None,
                   cluster: str = "publication", kind: str | None = None,
                   precision: str | None = None, setting: str | None = None,
                   scale: str = "error", imputed: bool = True,
                   joined: pd.DataFrame | None = None,
                   catalog: Catalog | None = None) -> pd.DataFrame:
    """Rows of one benchmark with error and compute of one kind (see the module docstring).

    Args:
        benchmark: id or alias (``computelimits.data.benchmarks``).
        metrics: metric ids to keep (default: the benchmark's main metric family, else the
            most common metric — with :data:`SHARE_CORRECT` as one family).
        cluster: one of :data:`CLUSTERS`.
        kind: compute kind to fit (default: chosen as the module docstring says), or "all".
        precision: peak precision of hardware burdens to keep (default: the most common), or
            "any".
        setting: evaluation setting kind to keep (default: the most common), or "all".
        scale: "error" or "above-chance" (``error`` becomes error / chance error; the raw
            error is kept in ``error_raw``).
        imputed: False leaves out imputed network operations whatever ``kind`` says.
        joined: a results table already joined with compute (default: ``catalog``'s
            :meth:`~computelimits.data.catalog.Catalog.joined` table).
        catalog: where the data come from when ``joined`` is None (None: the environment's
            :func:`~computelimits.data.catalog.resolve_catalog`).

    Returns:
        The rows, with ``log10_compute``, ``year`` (decimal), ``paper`` (the publication),
        ``cluster``, ``chance_error``, ``error_raw`` and the provenance columns of the join;
        ``attrs["selection"]`` is the :class:`Selection`, ``attrs["attribution"]`` the
        attribution lines of the rows' sources.

    Raises:
        ConfigError: no rows left, or an unknown kind, precision, setting, cluster or scale.
        ArgumentTypeError: ``benchmark`` is not a string or ``joined`` not a DataFrame.
        InputError: ``joined`` lacks a column (benchmark, metric, error, training_flop).
    """
    from computelimits.data.chance import chance_error
    from computelimits.data.compute_kinds import FIT_KINDS, KINDS

    if not isinstance(benchmark, str):
        raise ArgumentTypeError(f"benchmark must be a benchmark id such as 'mmlu' (a string), "
                                f"got {benchmark!r}")
    if joined is not None:
        frame(joined, "joined", ("benchmark", "metric", "error", "training_flop"), rows=False)
    if cluster not in CLUSTERS:
        raise ConfigError(f"cluster must be one of {', '.join(CLUSTERS)}, got {cluster!r}")
    if scale not in SCALES:
        raise ConfigError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
    if kind is not None and kind != "all" and kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)} or 'all', got {kind!r}")
    b = _benchmark(benchmark, joined)  # before the data are read: a bad name fails at once
    joined = _joined_for(joined, catalog)
    df = joined[(joined["benchmark"] == b.id).to_numpy()]
    # attrs are deep-copied by every pandas operation: carry none until the end
    df.attrs = {}
    if df.empty:
        raise ConfigError(f"no {b.id} results in the data")
    # the rows left out for a reason are counted in turn, each among those the earlier
    # reasons kept, and dropped together (one copy of the table, not one per reason)
    left: Counter = Counter()
    keep = _metric_family(b.id, df["metric"], metrics)
    ok = np.array(df["metric"].isin(keep), dtype=bool)
    if (~ok).any():
        left[f"metric other than {'/'.join(keep)}"] += int((~ok).sum())
    error = df["error"].to_numpy(dtype=float, na_value=np.nan)
    no_error = ok & np.isnan(error)
    left["no error (score is not a share)"] += int(no_error.sum())
    ok &= ~no_error
    if not ok.any():
        raise ConfigError(f"no {b.id} results with an error in the data")

    # chance level per metric (the metric family shares one)
    metric = df["metric"].astype(str)
    if b.own:
        levels = _own_levels(b.id, df[ok])
        if all(c.source == "" for c in levels.values()) and scale == "above-chance":
            scale = "error"  # no chance level to divide by: said in the basis
    else:
        levels = {m: chance_error(b.id, m) for m in metric[ok].unique()}
    chance = metric.map({m: c.error for m, c in levels.items()}).to_numpy(dtype=float,
                                                                         na_value=np.nan)
    level = min(levels.values(), key=lambda c: c.error)
    with np.errstate(invalid="ignore"):
        bad = ok & ((error <= 0) | (error > 1))
        left["error outside (0, 1]"] += int(bad.sum())
        ok &= ~bad
        at_chance = ok & (error >= chance)
    left[f"at or worse than chance (error ≥ {level.error:g})"] += int(at_chance.sum())
    ok &= ~at_chance
    flop = df["training_flop"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        no_compute = ok & ~(flop > 0)
    left["no compute figure"] += int(no_compute.sum())
    ok &= ~no_compute
    if not imputed:
        imp = ok & (df["compute_kind"] == "imputed_operations").fillna(False).to_numpy(
            dtype=bool) if "compute_kind" in df.columns else np.zeros(len(df), bool)
        left["imputed network operations (left out on request)"] += int(imp.sum())
        ok &= ~imp
    df = df[ok]
    for col in ("compute_kind", "peak_precision", "setting_kind", "publication",
                "compute_origin", "match_note", "origin", "source", "compute_model",
                "model_key", "date"):
        if col not in df.columns:
            df[col] = None
    df["chance_error"] = chance[ok]
    mixed = kind == "all"
    df = _with_burdens(df, add=not mixed)
    kinds = df["compute_kind"].fillna("training").astype(str)
    df["compute_kind"] = kinds
    n_by_kind = {k: int(n) for k, n in kinds.value_counts().items()}
    if df.empty:
        raise ConfigError(f"no {b.id} results carry both an error below chance and a "
                          "compute figure")
    sel, kind_label = _kind_rows(kinds, df["compute_origin"], kind)
    kind = kind_label if kind is None else kind
    # a result with a burden beside its training figure is fitted once: the twin of the
    # chosen row is not "left out"
    twin = _twins(df, sel)
    sel_left = ~sel & ~twin
    notes = df["match_note"].fillna("").astype(str)
    for k, n in kinds[sel_left].value_counts().items():
        if k in FIT_KINDS:
            left[f"compute kind {k} (a different regression from {kind_label})"] += int(n)
        else:
            reasons = Counter(
                note.split(f"compute is {k}: ", 1)[-1] if f"compute is {k}: " in note else k
                for note in notes[sel_left & (kinds == k)])
            for why, m in reasons.items():
                left[f"compute kind {k}: {why}"] += int(m)
    df = df[sel].drop(columns=["_alt", "_rid"])
    if df.empty:
        raise ConfigError(f"no {b.id} results with compute kind {kind_label}")

    chosen_precision = None
    burden = df["compute_kind"] == "hardware_burden"
    if burden.any():
        prec = df.loc[burden, "peak_precision"]
        mask, chosen_precision = _choose(
            prec, precision, "peak precision", left,
            "hardware burden at {other} peaks (the fit uses {chosen}; precision='any' mixes)")
        drop = burden.copy()
        drop[burden] = ~mask.to_numpy()
        df = df[~drop]

    set_kind = df["setting_kind"].fillna("unknown").astype(str)
    mask, chosen_setting = _choose(
        set_kind, setting, "setting", left,
        "evaluation setting {other} (the fit holds {chosen}; setting='all' keeps every one)")
    df = df[mask.to_numpy()]
    if df.empty:
        raise ConfigError(f"no {b.id} results left after choosing one kind, precision and "
                          "setting")

    df["error_raw"] = df["error"].astype(float)
    if scale == "above-chance":
        df["error"] = df["error_raw"] / df["chance_error"]
    df["log10_compute"] = np.log10(df["training_flop"].astype(float))
    df["year"] = decimal_year(df["date"])
    model = df["compute_model"].fillna(df["model_key"]).astype(str)
    pub = df["publication"].astype("string").fillna("").astype(str)
    origin = df["origin"].astype("string").fillna("").astype(str)
    # where no loader named the publication: the score's origin for users' files (a paper),
    # else the model
    user = df["source"].astype(str).str.startswith("user-")
    paper = pub.where(pub != "", origin.where(user & (origin != ""), model))
    df["paper"] = paper
    df["cluster"] = {"publication": paper, "model": model,
                     "source": df["source"].astype(str)}[cluster]
    from computelimits.data.credits import attribution

    df.attrs = {"attribution": attribution(df)}
    df.attrs["selection"] = Selection(
        benchmark=b.id, kind=kind_label, precision=chosen_precision,
        setting=chosen_setting, scale=scale, chance_error=level.error,
        chance_basis=level.line(), n=len(df), n_by_kind=n_by_kind,
        left_out={k: v for k, v in left.items() if v}, mixed=mixed,
        dates_checked=fitted_line(df))
    return df.reset_index(drop=True)


@dataclass(frozen=True)
class Choice:
    """What :func:`benchmark_data` chose from the data: the compute kind (its label when
    ``mixed``), the peak precision of hardware burdens and the evaluation setting (None where
    there was nothing to choose), as its :class:`Selection` says them."""

    kind: str
    precision: str | None
    setting: str | None
    mixed: bool


#: The columns the choices read, beside the metric, the error and the compute.
_CHOICE_COLUMNS = ("compute_kind", "peak_precision", "setting_kind", "compute_origin",
                   "match_note", "training_flop", "hardware_burden_flop",
                   "hardware_burden_precision", "hardware_burden_note")


class SelectionChoices:
    """The choices :func:`benchmark_data` makes from the data — compute kind, peak precision,
    evaluation setting — for any subset of one table's rows, with the rows prepared once.

    ``choice(mask)`` is ``benchmark_data(benchmark, joined=rows[mask], **select)``'s
    :class:`Selection` as a :class:`Choice` (None where that raises
    :class:`~computelimits.errors.ConfigError`), without building the regression rows: what a
    row contributes (its error against chance, its compute, its hardware-burden twin) is
    worked out once, and each subset only counts. The rolling evaluation makes the choices at
    every cutoff from the rows dated before it this way. ``select``: the keywords of
    :func:`benchmark_data` (``catalog`` is not used: the rows are given).
    """

    def __init__(self, benchmark: str, rows: pd.DataFrame, *,
                 metrics: tuple[str, ...] | None = None, cluster: str = "publication",
                 kind: str | None = None, precision: str | None = None,
                 setting: str | None = None, scale: str = "error", imputed: bool = True,
                 catalog: Catalog | None = None) -> None:
        from computelimits.data.compute_kinds import KINDS

        # the checks of benchmark_data, in its order: a ConfigError means no choice at all
        if not isinstance(benchmark, str):
            raise ArgumentTypeError(f"benchmark must be a benchmark id such as 'mmlu' (a "
                                    f"string), got {benchmark!r}")
        frame(rows, "joined", ("benchmark", "metric", "error", "training_flop"), rows=False)
        self.n_rows = len(rows)
        self.never = (cluster not in CLUSTERS or scale not in SCALES
                      or (kind is not None and kind != "all" and kind not in KINDS))
        self.metrics, self.kind = metrics, kind
        self.precision, self.setting, self.imputed = precision, setting, imputed
        self.own_rows: np.ndarray | None = None  # a user's benchmark known by its rows only
        if self.never:
            return
        try:
            self.bench = find_benchmark(benchmark)
        except ConfigError:
            from computelimits.data.benchmarks import Benchmark

            if "source" not in rows.columns:
                self.never = True
                return
            user = rows["source"].astype("string").str.startswith("user-").fillna(False)
            self.own_rows = np.asarray(
                ((rows["benchmark"].astype("string") == benchmark) & user).fillna(False),
                dtype=bool)
            self.bench = Benchmark(benchmark, f"{benchmark} (a benchmark of your own)",
                                   own=True)
        self.take = (rows["benchmark"] == self.bench.id).to_numpy(dtype=bool)
        df = rows[self.take].reset_index(drop=True)
        df.attrs = {}
        self.df = df
        self.metric = df["metric"]
        self.metric_text = df["metric"].astype(str)
        self.error = df["error"].to_numpy(dtype=float, na_value=np.nan)
        flop = df["training_flop"].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            self.usable = ~((self.error <= 0) | (self.error > 1)) & (flop > 0)
        if not imputed and "compute_kind" in df.columns:
            self.usable &= ~(df["compute_kind"] == "imputed_operations").fillna(False).to_numpy(
                dtype=bool)
        self.levels: dict[str, Any] = {}  # metric -> chance level, or the error it raised
        self.families: dict[tuple[str, ...], np.ndarray] = {}
        # one row per usable result, and a hardware-burden twin after them as benchmark_data
        # adds it (its _rid: the row it came from)
        slim = df[[c for c in _CHOICE_COLUMNS if c in df.columns]].copy()
        for col in _CHOICE_COLUMNS[:5]:
            if col not in slim.columns:
                slim[col] = None
        twins = _with_burdens(slim, add=kind != "all")
        twins["compute_kind"] = twins["compute_kind"].fillna("training").astype(str)
        self.twins = twins[["_rid", "compute_kind", "peak_precision", "setting_kind",
                            "compute_origin"]]
        self.rid = twins["_rid"].to_numpy()

    def _chance(self, ok: np.ndarray) -> np.ndarray | None:
        """The chance error of each row (NaN for a metric not among the ``ok`` rows'), or None
        where benchmark_data would raise."""
        if self.bench.own:
            try:
                levels = _own_levels(self.bench.id, self.df[ok])
            except ConfigError:
                return None
            by_metric = {m: c.error for m, c in levels.items()}
        else:
            from computelimits.data.chance import chance_error

            by_metric = {}
            for m in self.metric_text[ok].unique():
                if m not in self.levels:
                    try:
                        self.levels[m] = chance_error(self.bench.id, m).error
                    except ConfigError as exc:
                        self.levels[m] = exc
                if isinstance(self.levels[m], Exception):
                    return None
                by_metric[m] = self.levels[m]
        return self.metric_text.map(by_metric).to_numpy(dtype=float, na_value=np.nan)

    def choice(self, mask: np.ndarray) -> Choice | None:
        """The choices on the rows where ``mask`` (one flag per row of the table given) is
        true, or None where :func:`benchmark_data` would raise ConfigError on them."""
        mask = np.asarray(mask, dtype=bool)
        if len(mask) != self.n_rows:
            raise ConfigError(f"the mask has {len(mask)} flags for {self.n_rows} rows")
        if self.never or (self.own_rows is not None and not (mask & self.own_rows).any()):
            return None
        m = mask[self.take]
        if not m.any():
            return None
        keep = _metric_family(self.bench.id, self.metric[m], self.metrics)
        if keep not in self.families:
            self.families[keep] = np.array(self.metric.isin(keep), dtype=bool)
        ok = m & self.families[keep] & ~np.isnan(self.error)
        if not ok.any():
            return None
        chance = self._chance(ok)
        if chance is None:
            return None
        with np.errstate(invalid="ignore"):
            ok &= self.usable & ~(self.error >= chance)
        rows = self.twins[ok[self.rid]]
        if rows.empty:
            return None
        sel, kind = _kind_rows(rows["compute_kind"], rows["compute_origin"], self.kind)
        rows = rows[sel.to_numpy()]
        if rows.empty:
            return None
        left: Counter = Counter()  # what is left out: not needed for the choice
        precision = None
        try:
            burden = rows["compute_kind"] == "hardware_burden"
            if burden.any():
                keep_p, precision = _choose(rows.loc[burden, "peak_precision"],
                                            self.precision, "peak precision", left, "{other}")
                drop = burden.copy()
                drop[burden] = ~keep_p.to_numpy()
                rows = rows[~drop]
            keep_s, setting = _choose(rows["setting_kind"].fillna("unknown").astype(str),
                                      self.setting, "setting", left, "{other}")
        except ConfigError:
            return None
        if not keep_s.to_numpy().any():
            return None
        return Choice(kind=kind, precision=precision, setting=setting,
                      mixed=self.kind == "all")


def _with_burdens(df: pd.DataFrame, *, add: bool) -> pd.DataFrame:
    """``df`` with the helper columns ``_rid`` (the result's position) and ``_alt`` (a
    hardware-burden twin), and, with ``add``, one twin row per result joined to a training
    figure that also carries a hardware burden (kind ``hardware_burden``, its precision, the
    burden's rule appended to the match note)."""
    df = df.reset_index(drop=True)
    df["_rid"] = np.arange(len(df))
    df["_alt"] = False
    if not add or "hardware_burden_flop" not in df.columns:
        return df
    burden = pd.to_numeric(df["hardware_burden_flop"], errors="coerce")
    has = (burden > 0) & df["compute_kind"].fillna("training").eq("training")
    if not has.any():
        return df
    alt = df[has.to_numpy()].copy()
    alt["training_flop"] = burden[has].to_numpy(float)
    for col in ("training_flop_low", "training_flop_high"):
        if col in alt.columns:
            alt[col] = np.nan
    alt["compute_kind"] = "hardware_burden"
    alt["peak_precision"] = alt.get("hardware_burden_precision")
    if "compute_method" in alt.columns:
        alt["compute_method"] = "hardware burden"
    extra = alt.get("hardware_burden_note", pd.Series("", index=alt.index)).fillna("")
    alt["match_note"] = (alt["match_note"].fillna("").astype(str) + "; "
                         + extra.astype(str))
    alt["_alt"] = True
    return pd.concat([df, alt], ignore_index=True)


def _twins(df: pd.DataFrame, sel: pd.Series) -> pd.Series:
    """Rows not selected whose result is fitted through its other row (a burden twin and
    its training row)."""
    chosen = sel.to_numpy(dtype=bool)
    rid = df["_rid"].to_numpy()
    alt = df["_alt"].to_numpy(dtype=bool)
    fitted = np.isin(rid, rid[chosen])
    twins = ~chosen & fitted
    # a twin row that was not chosen, whatever was: never a separate result
    twins |= ~chosen & alt
    return pd.Series(twins, index=df.index)


def frontier(df: pd.DataFrame) -> pd.DataFrame:
    """Results that beat every result with no more compute (the compute–error frontier)."""
    order = df.sort_values(["log10_compute", "error"]).reset_index(drop=True)
    best = np.minimum.accumulate(order["error"].to_numpy())
    prev = np.concatenate([[np.inf], best[:-1]])
    out = order[order["error"].to_numpy() < prev]
    out.attrs = df.attrs
    return out.reset_index(drop=True)
