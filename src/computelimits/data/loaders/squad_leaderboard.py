"""SQuAD 1.1 leaderboard: dated test-set exact match and F1 of reading-comprehension models.

Source ``squad-leaderboard`` (registry): two CSV conversions, made for the shared mirror, of
two independent exports of the official leaderboard (Rajpurkar et al. 2016, arXiv:1606.05250):

* ``squad_explorer_v1.1.csv`` — ``out-v1.1.json`` of github.com/rajpurkar/SQuAD-explorer @
  eee5fdb (its ``updated`` stamp 2021-09-05): 262 entries, 221 with scores. Licence MIT.
* ``pwc_sota_extractor_squad1.1.csv`` — dataset "SQuAD1.1" of ``data/tasks/squad.json`` in
  github.com/paperswithcode/sota-extractor @ e6374da: 217 rows. Licence Apache-2.0.

Neither has a pinnable upstream file in this layout (the upstreams are JSON), so both are
pinned by the mirror's checksum, as the registry does for the other conversions.

**Reconciliation** (:func:`reconcile`; counted in ``attrs["reconciliation"]``):

1. Entries without scores (the explorer's failed or withdrawn runs: 41) are left out and
   counted; so would be Papers with Code rows without scores (none).
2. A Papers with Code row and an explorer entry are the **same leaderboard entry** when all
   three agree: the **scores** (exact match and F1 within 0.0005 points: Papers with Code
   rounds the explorer's four decimals to three), the **date** (both missing, or at most
   :data:`DATE_DAYS` days apart: Papers with Code's dates are the submission's day, mostly
   one day earlier — a time-zone shift — and once a week earlier, BERTSP) and the
   **normalised name** (:func:`computelimits.data.names.model_key` of the text with links
   removed: equal, or one a prefix of the other — Papers with Code drops the organisation,
   sometimes the single/ensemble label, and in three rows the last letter — or one side
   blank). Each row pairs with at most one entry; an entry takes the candidate with the
   closest date, then the earliest row.
3. Where a pair disagrees the **explorer wins** (it is the leaderboard's own file): its
   scores (four decimals), its date (the Unix submission time in UTC) and its description.
   Papers with Code fills what the explorer lacks: a model name where the description is
   blank (BERTSP), a paper link where the description has none. Each is counted ("date
   differs: explorer's kept", "name from Papers with Code", ...).
4. One result per leaderboard entry: every scored explorer entry, and every Papers with Code
   row that matched none (none in the mirror: all 217 match). An entry named in neither
   export (33) is left out and counted: nothing names or joins it.

**Rows** (:func:`load_results`): benchmark ``squad1.1``, two metrics per entry, ``f1`` (the
headline, :data:`computelimits.scaling.dataset.MAIN_METRICS`) and ``exact_match``, as
fractions; error = 1 − F1 (1 − EM). ``model`` is the model name with the leaderboard's label
("BERT (single model)", "BiDAF (ensemble)"; unlabelled 2016 entries keep the bare name);
``model_key`` is the key of the name without the label, so a single model and its ensemble
reach the same compute record — whose verdict the hand-checked table
``computelimits/data/join_checks.csv`` gives per model (an ensemble's compute is several
training runs: compute kind ``ensemble``, never fitted by default). ``publication`` is
"arXiv:<id>" where the description or the Papers with Code link holds an arXiv link, else
the name with its organisation ("QANet (Google Brain & CMU)"). ``date`` is the submission
date — usually within weeks of the paper, some entries are resubmissions. ``setting_kind``
is "supervised" (trained on the SQuAD training set; pre-trained encoders are fine-tuned on
it); ``setting`` says single model or ensemble. ``extra_data`` is left unknown (Papers with
Code says False for every row, including BERT's TriviaQA-tuned entries). ``source_file`` /
``source_row`` name the explorer entry (data row = entry + 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of
from computelimits.data.fetch import locate
from computelimits.data.names import model_key
from computelimits.data.parse import Repairs, dates, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = ["DATE_DAYS", "EXPLORER", "PWC", "SCORE_TOLERANCE", "SOURCE", "Description",
           "load_leaderboard", "load_results", "parse_explorer", "parse_leaderboard",
           "parse_pwc", "reconcile", "results_from_board", "split_description"]

SOURCE = "squad-leaderboard"
EXPLORER = "squad_explorer_v1.1.csv"
PWC = "pwc_sota_extractor_squad1.1.csv"
ORIGIN = "SQuAD 1.1 leaderboard (test set)"

#: Scores of one entry in the two exports differ by at most this, in points (rounding).
SCORE_TOLERANCE = 0.0005
#: Dates of one entry in the two exports are at most this many days apart.
DATE_DAYS = 7

_EXPLORER_COLUMNS = ("entry", "submitted", "description", "exact_match", "f1", "public")
_PWC_COLUMNS = ("row", "model_name", "paper_date", "paper_title", "paper_url", "EM", "F1",
                "uses_additional_data")

_LABEL = re.compile(r"\s*\(\s*(?P<kind>single|ensemble)\b[^()]*\)", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.IGNORECASE)
_TRAILING_GROUP = re.compile(r"^(?P<name>.*\S)\s*\((?P<group>[^()]*)\)$")

SETTINGS = {
    "single": "test-set scores as submitted to the official leaderboard; single model",
    "ensemble": ("test-set scores as submitted to the official leaderboard; ensemble of "
                 "several models (their compute is several training runs)"),
    None: ("test-set scores as submitted to the official leaderboard; not labelled single "
           "model or ensemble"),
}


@dataclass(frozen=True)
class Description:
    """A leaderboard description taken apart: the model ``name``, its ``label`` ("single",
    "ensemble" or None when unlabelled), the ``organisation`` and the first ``url``."""

    name: str | None
    label: str | None
    organisation: str | None
    url: str | None

    @property
    def model(self) -> str | None:
        """The name with the leaderboard's label: "BERT (single model)", "BiDAF (ensemble)"."""
        if not self.name:
            return None
        tag = {"single": " (single model)", "ensemble": " (ensemble)"}.get(self.label or "", "")
        return self.name + tag

    @property
    def arxiv_id(self) -> str | None:
        m = _ARXIV.search(self.url or "")
        return m.group(1) if m else None


def split_description(text_: str | None, *, organisation: bool = True) -> Description:
    """Take a leaderboard description apart.

    The first "(single …)" / "(ensemble …)" group is the label; the text before it is the
    name, the text after it (links removed) the organisation. Without a label, a last
    parenthesised group is the organisation when ``organisation`` (explorer descriptions:
    "FastQAExt (German Research Center for Artificial Intelligence)"); Papers with Code names
    hold no organisation, so there it stays in the name ("KACTEIL-MRC (GF-Net+)").

    >>> d = split_description("BERT (single model) (Google AI Language) "
    ...                       "https://arxiv.org/abs/1810.04805")
    >>> d.name, d.label, d.organisation, d.arxiv_id
    ('BERT', 'single', 'Google AI Language', '1810.04805')
    >>> split_description("SLQA+ (single model) Alibaba iDST NLP").organisation
    'Alibaba iDST NLP'
    >>> split_description("Match-LSTM with Bi-Ans-Ptr (Boundary) (Singapore Management "
    ...                   "University)").name
    'Match-LSTM with Bi-Ans-Ptr (Boundary)'
    """
    raw = " ".join(text_.split()) if isinstance(text_, str) else ""
    if not raw:
        return Description(None, None, None, None)
    url_m = _URL.search(raw)
    url = url_m.group(0) if url_m else None
    m = _LABEL.search(raw)
    if m:
        name = raw[:m.start()].strip()
        label = m.group("kind").lower()
        rest = _URL.sub("", raw[m.end():]).strip()
        group = re.fullmatch(r"\((.*)\)", rest)
        org = (group.group(1) if group else rest).strip() or None
    else:
        label = None
        name = _URL.sub("", raw).strip()
        org = None
        g = _TRAILING_GROUP.match(name) if organisation else None
        if g:
            name, org = g.group("name").strip(), g.group("group").strip() or None
    return Description(name or None, label, org, url)


def _scores(df: pd.DataFrame, em: str, f1: str) -> tuple[np.ndarray, np.ndarray]:
    """(EM, F1) in percent points; both or neither (one alone is an error)."""
    a = numbers(df, em, nonnegative=True)
    b = numbers(df, f1, nonnegative=True)
    for col, v in ((em, a), (f1, b)):
        over = np.flatnonzero(np.nan_to_num(v) > 100)
        if len(over):
            i = int(over[0])
            raise InputError(f"score {df[col].iloc[i]!r} is over 100 (line "
                             f"{df.attrs['lines'][i]})", path=df.attrs.get("path"),
                             row=i + 1, column=col)
    one = np.isnan(a) != np.isnan(b)
    if one.any():
        i = int(np.flatnonzero(one)[0])
        col = em if np.isnan(a[i]) else f1
        raise InputError(f"one score of the pair is blank (line {df.attrs['lines'][i]})",
                         path=df.attrs.get("path"), row=i + 1, column=col)
    return a, b


def _booleans(df: pd.DataFrame, col: str) -> list[object]:
    out: list[object] = []
    for i, cell in enumerate(df[col].fillna("").astype(str).str.strip()):
        if cell not in {"", "True", "False"}:
            raise InputError(f"expected True, False or blank, found {cell!r} (line "
                             f"{df.attrs['lines'][i]})", path=df.attrs.get("path"),
                             row=i + 1, column=col)
        out.append(None if cell == "" else cell == "True")
    return out


def parse_explorer(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``squad_explorer_v1.1.csv``: one row per entry with
    ``entry``, ``date``, ``description``, ``name``, ``label``, ``organisation``, ``url``,
    ``arxiv_id``, ``em`` and ``f1`` (percent points; NaN when unscored), ``public`` and
    ``source_row`` (1-based data row)."""
    df = read_csv(path, required=_EXPLORER_COLUMNS, label=label)
    entry = numbers(df, "entry", blank_ok=False, nonnegative=True)
    em, f1 = _scores(df, "exact_match", "f1")
    desc = text(df, "description")
    parts = [split_description(d) for d in desc]
    out = pd.DataFrame({
        "entry": entry.astype(int),
        "date": dates(df, "submitted"),
        "description": desc,
        "name": [p.name for p in parts],
        "label": [p.label for p in parts],
        "organisation": [p.organisation for p in parts],
        "url": [p.url for p in parts],
        "arxiv_id": [p.arxiv_id for p in parts],
        "em": em, "f1": f1,
        "public": pd.array(_booleans(df, "public"), dtype="boolean"),
        "source_row": np.arange(1, len(df) + 1),
    })
    if out["entry"].duplicated().any():
        i = int(np.flatnonzero(out["entry"].duplicated().to_numpy())[0])
        raise InputError(f"entry {out['entry'].iloc[i]} repeats (line {df.attrs['lines'][i]})",
                         path=df.attrs.get("path"), row=i + 1, column="entry")
    out.attrs = {"path": df.attrs.get("path"), "repairs": df.attrs["repairs"]}
    return out


def parse_pwc(path: str | Path, *, label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``pwc_sota_extractor_squad1.1.csv``: ``row``, ``date``,
    ``model_name``, ``name``, ``label``, ``paper_title``, ``url`` (paper_url), ``arxiv_id``,
    ``em``, ``f1`` (percent points), ``uses_additional_data`` and ``source_row``."""
    df = read_csv(path, required=_PWC_COLUMNS, label=label)
    em, f1 = _scores(df, "EM", "F1")
    names = text(df, "model_name")
    parts = [split_description(n, organisation=False) for n in names]
    url = text(df, "paper_url")
    arxiv = [(_ARXIV.search(u).group(1) if isinstance(u, str) and _ARXIV.search(u) else None)
             for u in url]
    out = pd.DataFrame({
        "row": numbers(df, "row", blank_ok=False, nonnegative=True).astype(int),
        "date": dates(df, "paper_date"),
        "model_name": names,
        "name": [p.name for p in parts],
        "label": [p.label for p in parts],
        "paper_title": text(df, "paper_title"),
        "url": url,
        "arxiv_id": arxiv,
        "em": em, "f1": f1,
        "uses_additional_data": pd.array(_booleans(df, "uses_additional_data"),
                                         dtype="boolean"),
        "source_row": np.arange(1, len(df) + 1),
    })
    out.attrs = {"path": df.attrs.get("path"), "repairs": df.attrs["repairs"]}
    return out


def _str(v: object) -> str | None:
    """A non-blank string, else None (pandas may hold a missing text as None or NaN)."""
    return v if isinstance(v, str) and v.strip() else None


def _key(text_: object) -> str:
    return model_key(_URL.sub("", text_)) if isinstance(text_, str) else ""


def _names_agree(a: object, b: object) -> bool:
    ka, kb = _key(a), _key(b)
    return not ka or not kb or ka.startswith(kb) or kb.startswith(ka)


def _days(a: object, b: object) -> float | None:
    """Days between two dates; 0 when both are missing, None when one is."""
    na, nb = pd.isna(a), pd.isna(b)
    if na and nb:
        return 0.0
    if na or nb:
        return None
    return abs((pd.Timestamp(a) - pd.Timestamp(b)).days)


def reconcile(explorer: pd.DataFrame, pwc: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per scored leaderboard entry from the two parsed exports (rule in the module
    docstring), and the counts of what the rule did.

    Columns: ``entry`` (explorer entry, NA for a Papers with Code row alone), ``pwc_row``,
    ``matched``, ``date``, ``name``, ``label``, ``model`` (name with label), ``organisation``,
    ``url``, ``arxiv_id``, ``em``, ``f1`` (percent points), ``public``, ``source_file``,
    ``source_row``.
    """
    counts: dict[str, int] = {}

    def count(what: str, n: int = 1) -> None:
        if n:
            counts[what] = counts.get(what, 0) + n

    e_scored = explorer[explorer["f1"].notna()].reset_index(drop=True)
    p_scored = pwc[pwc["f1"].notna()].reset_index(drop=True)
    count("explorer entries", len(explorer))
    count("Papers with Code rows", len(pwc))
    count("explorer entries without scores (failed or withdrawn runs): left out",
          len(explorer) - len(e_scored))
    count("Papers with Code rows without scores: left out", len(pwc) - len(p_scored))

    p_em, p_f1 = p_scored["em"].to_numpy(float), p_scored["f1"].to_numpy(float)
    used = np.zeros(len(p_scored), dtype=bool)
    match = np.full(len(e_scored), -1, dtype=np.int64)
    tol = SCORE_TOLERANCE + 1e-9
    for i, r in enumerate(e_scored.itertuples(index=False)):
        close = np.flatnonzero(~used & (np.abs(p_em - r.em) <= tol) & (np.abs(p_f1 - r.f1) <= tol))
        best: tuple[float, int] | None = None
        for j in close:
            q = p_scored.iloc[j]
            days = _days(r.date, q["date"])
            if days is None or days > DATE_DAYS:
                continue
            if not _names_agree(r.description, q["model_name"]):
                continue
            cand = (days, int(j))
            best = cand if best is None or cand < best else best
        if best is not None:
            match[i] = best[1]
            used[best[1]] = True

    rows = []
    for i, r in enumerate(e_scored.itertuples(index=False)):
        j = int(match[i])
        q = p_scored.iloc[j] if j >= 0 else None
        name, label, org, url, arxiv = (_str(r.name), _str(r.label), _str(r.organisation),
                                        _str(r.url), _str(r.arxiv_id))
        if q is not None:
            count("matched in both exports")
            days = _days(r.date, q["date"])
            if days:
                count("date differs between the exports: the explorer's kept")
            if abs(r.em - q["em"]) > 1e-9 or abs(r.f1 - q["f1"]) > 1e-9:
                count("scores differ in rounding: the explorer's four decimals kept")
            if name is None and _str(q["name"]):
                name, label = _str(q["name"]), _str(q["label"])
                count("blank explorer description: name from Papers with Code")
            if arxiv is None and _str(q["arxiv_id"]):
                arxiv, url = _str(q["arxiv_id"]), _str(q["url"])
                count("arXiv link from Papers with Code")
            elif url is None and _str(q["url"]):
                url = _str(q["url"])
        else:
            count("explorer entries only in the explorer")
        d = Description(name, label, org, url)
        rows.append({"entry": int(r.entry), "pwc_row": (int(q["row"]) if q is not None
                                                          else None),
                     "matched": q is not None, "date": r.date, "name": name, "label": label,
                     "model": d.model, "organisation": org, "url": url, "arxiv_id": arxiv,
                     "em": float(r.em), "f1": float(r.f1), "public": r.public,
                     "source_file": EXPLORER, "source_row": int(r.source_row)})
    for j in np.flatnonzero(~used):
        q = p_scored.iloc[j]
        count("Papers with Code rows that match no explorer entry: kept from Papers with Code")
        d = Description(_str(q["name"]), _str(q["label"]), None, _str(q["url"]))
        rows.append({"entry": None, "pwc_row": int(q["row"]), "matched": False,
                     "date": q["date"], "name": d.name, "label": d.label,
                     "model": d.model, "organisation": None, "url": d.url,
                     "arxiv_id": _str(q["arxiv_id"]), "em": float(q["em"]), "f1": float(q["f1"]),
                     "public": None, "source_file": PWC, "source_row": int(q["source_row"])})
    board = pd.DataFrame(rows, columns=[
        "entry", "pwc_row", "matched", "date", "name", "label", "model", "organisation", "url",
        "arxiv_id", "em", "f1", "public", "source_file", "source_row"])
    board["date"] = pd.to_datetime(board["date"])
    for col in ("entry", "pwc_row", "source_row"):
        board[col] = pd.array(board[col], dtype="Int64")
    board["public"] = pd.array(board["public"], dtype="boolean")
    count("leaderboard entries with scores", len(board))
    return board, counts


def parse_leaderboard(explorer_path: str | Path, pwc_path: str | Path, *,
                      explorer_label: str | None = None,
                      pwc_label: str | None = None) -> pd.DataFrame:
    """The reconciled leaderboard from two files in the layouts of the mirror's exports (one
    row per scored entry, :func:`reconcile`); ``attrs["reconciliation"]`` holds the counts and
    ``attrs["repairs"]`` the parsers' repairs and the reconciliation's notes."""
    explorer = parse_explorer(explorer_path, label=explorer_label)
    pwc = parse_pwc(pwc_path, label=pwc_label)
    board, counts = reconcile(explorer, pwc)
    repairs = Repairs()
    repairs.update(explorer.attrs["repairs"])
    repairs.update(pwc.attrs["repairs"])
    for what, n in counts.items():
        if what.endswith("left out") or "kept" in what or "from Papers" in what:
            repairs.note(what, n)
    board.attrs = {"reconciliation": counts, "repairs": repairs,
                   "attribution": [SOURCES[SOURCE].attribution]}
    return board


def load_leaderboard(*, strict: bool | None = None) -> pd.DataFrame:
    """The reconciled leaderboard of the mirror's two exports (:func:`parse_leaderboard`):
    221 scored entries, 217 of them in both exports."""
    e = locate(SOURCE, EXPLORER, strict=strict)
    p = locate(SOURCE, PWC, strict=strict)
    return parse_leaderboard(e.path, p.path, explorer_label=f"{SOURCE}/{EXPLORER}",
                             pwc_label=f"{SOURCE}/{PWC}")


def _publication(name: str, org: object, arxiv: object) -> str:
    if isinstance(arxiv, str) and arxiv:
        return f"arXiv:{arxiv}"
    return f"{name} ({org})" if isinstance(org, str) and org else name


def results_from_board(board: pd.DataFrame) -> pd.DataFrame:
    """``results`` rows (f1 and exact_match per entry) of a reconciled leaderboard; entries
    named in neither export are left out and counted in ``attrs["repairs"]``."""
    repairs = Repairs()
    repairs.update(board.attrs.get("repairs", {}))
    named = board[board["name"].notna()].reset_index(drop=True)
    repairs.note("scored entries named in neither export: left out", len(board) - len(named))
    pubs = [_publication(n, o, a) for n, o, a in
            zip(named["name"], named["organisation"], named["arxiv_id"], strict=True)]
    settings = [SETTINGS[lb if isinstance(lb, str) else None] for lb in named["label"]]
    parts = []
    for metric, col in (("f1", "f1"), ("exact_match", "em")):
        m = METRICS[metric]
        value = named[col].to_numpy(float) / 100.0
        parts.append(pd.DataFrame({
            "model": named["model"],
            "model_key": [model_key(n) for n in named["name"]],
            "date": named["date"],
            "benchmark": "squad1.1",
            "metric": metric,
            "value": value,
            "higher_is_better": m.higher_is_better,
            "unit": m.unit,
            "error": error_of(value, metric),
            "setting": settings,
            "origin": ORIGIN,
            "publication": pubs,
            "setting_kind": "supervised",
            "source": SOURCE,
            "source_file": named["source_file"],
            "source_row": named["source_row"],
        }))
    out = pd.concat(parts, ignore_index=True)
    out.attrs = {"attribution": [SOURCES[SOURCE].attribution], "repairs": repairs,
                 "reconciliation": dict(board.attrs.get("reconciliation", {}))}
    return conform(out, "results")


def load_results(*, strict: bool | None = None) -> pd.DataFrame:
    """The leaderboard as ``results`` rows (module docstring): 188 named entries × (f1,
    exact_match)."""
    return results_from_board(load_leaderboard(strict=strict))

