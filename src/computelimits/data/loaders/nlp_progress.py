"""NLP-progress leaderboards: WMT 2014 EN-DE / EN-FR (BLEU) and CoNLL-2003 English NER (F1).

Source ``nlp-progress`` (registry): the upstream markdown files
``english/machine_translation.md`` and ``english/named_entity_recognition.md`` of
github.com/sebastianruder/NLP-progress at commit 379f03f, byte for byte in the mirror under
``raw/``. Their tables are parsed here (the mirror's CSV conversion is not read). Licence:
MIT. Attribution: ``SOURCES["nlp-progress"].attribution``.

Tables (:mod:`computelimits.data.loaders.markdown`, strict cell counts):

* machine_translation.md, headings "WMT 2014 EN-DE" (13 rows) and "WMT 2014 EN-FR" (12):
  Model | BLEU | Paper / Source → benchmarks ``wmt2014-en-de`` / ``wmt2014-en-fr``, metric
  ``bleu`` in BLEU points (tokenised BLEU as each paper reports it, not SacreBLEU).
* named_entity_recognition.md, heading "CoNLL 2003 (English)" (27 rows):
  Model | F1 | Paper / Source | Code → benchmark ``conll2003``, metric ``f1`` (span-level F1 on
  the test set, percent in the file, stored as a fraction).

Columns and repairs:

* ``model``: the Model cell as written, with the "♦" marker removed, e.g.
  "Transformer Big (Vaswani et al., 2017)". The trailing parenthesised citation holding a
  year ("(Vaswani et al., 2017)", "(Ghaddar and Langlais 2018)", or a whole-cell citation
  such as "Ma and Hovy (2016)") gives ``citation`` and ``year_in_citation``; ``name`` is the
  text before it ("Transformer Big"; "Ma and Hovy" for a whole-cell citation), and
  ``model_key`` is computed from ``name``. Rows without a citation (DeepL, two NER systems)
  keep the whole text as ``name``.
* Score: a trailing "*" (RNMT+ rows) marks the Chen et al. (2018) protocol: the mean test
  score over the best window of 21 consecutive evaluations by average dev-set BLEU (stated
  at the top of machine_translation.md). "♦" marks NER models trained on the train and
  development splits (stated in the CoNLL section). Both go to ``flags`` and to ``setting``
  ("asterisk: …", "diamond: …"); ``extra_data`` is left empty (unknown: the lists do not
  record pre-training or back-translation data).
* ``origin``: the paper title (link text of Paper / Source); the link is ``paper_url``.
  "XLNet-GCN" and "CL-KL" share one title (a slip in the source table).
* ``publication`` (the cluster unit): the same paper title, with three explicit exceptions:
  a link text in :data:`NOT_A_PAPER` ("DeepL Press release": a commercial system without a
  paper) gives the model's name ("DeepL"); a title that rows with *different* citations
  link to (the XLNet-GCN / CL-KL slip) becomes "<title> (<citation>)" so the two papers stay
  apart; a blank title gives "arXiv:<id>" where the link is arXiv, else the model's name.
  Rows of one paper on several leaderboards (Transformer Big on EN-DE and EN-FR) share it.
* ``setting_kind`` is "supervised" for every row: systems trained on the benchmark's own
  training data (WMT 2014 parallel data, CoNLL-2003 train; pre-trained encoders such as BERT
  are fine-tuned on it, which is the supervised setting of these leaderboards).
* ``date``: from the arXiv id of the paper link (arxiv.org/abs|pdf/YYMM.NNNNN: the month of
  the first version) as the first day of that month — a counted repair; otherwise 1 July of
  the citation year — a counted repair; otherwise empty (DeepL and two uncited rows). The
  arXiv month is an approximate publication date and can precede the citation year
  (ACE: arXiv 2020-10, cited as 2021).
* ``source_row`` is the **line number in the markdown file** (each file holds many
  tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of
from computelimits.data.fetch import locate
from computelimits.data.loaders.markdown import (
    MarkdownTable,
    link_text,
    link_url,
    read_tables,
    table_under,
)
from computelimits.data.names import model_key
from computelimits.data.parse import Repairs, fractions, numbers
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = ["FLAGS", "NOT_A_PAPER", "SECTIONS", "SOURCE", "Section", "load_leaderboards",
           "load_results", "parse_section", "publications", "split_citation"]

SOURCE = "nlp-progress"

DIAMOND = "♦"

#: Notes for the score markers (wording after the two upstream files).
FLAGS = {
    "asterisk": ("asterisk: mean test score over the best window of 21 consecutive "
                 "evaluations by average dev-set BLEU (Chen et al. 2018 protocol)"),
    "diamond": "diamond: trained on the train and development splits",
}


@dataclass(frozen=True)
class Section:
    """One leaderboard: a table under ``heading`` in ``file``."""

    file: str
    heading: str
    benchmark: str
    metric: str
    score_column: str
    setting: str


SECTIONS = (
    Section("raw/machine_translation.md", "WMT 2014 EN-DE", "wmt2014-en-de", "bleu", "BLEU",
            "tokenised BLEU as reported by the paper"),
    Section("raw/machine_translation.md", "WMT 2014 EN-FR", "wmt2014-en-fr", "bleu", "BLEU",
            "tokenised BLEU as reported by the paper"),
    Section("raw/named_entity_recognition.md", "CoNLL 2003 (English)", "conll2003", "f1", "F1",
            "span-level F1, test set"),
)

_CITATION = re.compile(r"^(?P<name>.*?)\s*\((?P<cite>[^()]*?\b(?P<year>(?:19|20)\d\d)[a-z]?)\)$")
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>(?P<yy>\d\d)(?P<mm>\d\d)\.\d{4,5})"
                    r"(?:v\d+)?(?:\.pdf)?/?$")

#: Link texts of the Paper / Source column that are not a publication of the model.
NOT_A_PAPER = frozenset({"DeepL Press release"})

REPAIR_ARXIV = "date: arXiv id YYMM read as the first day of that month"
REPAIR_YEAR = "date: citation year set to 1 July"


def split_citation(model: str) -> tuple[str, str | None, int | None]:
    """(name, citation, year) of a Model cell without markers.

    >>> split_citation("Transformer Big (Vaswani et al., 2017)")
    ('Transformer Big', 'Vaswani et al., 2017', 2017)
    >>> split_citation("Ma and Hovy (2016)")
    ('Ma and Hovy', '2016', 2016)
    >>> split_citation("DeepL")
    ('DeepL', None, None)
    """
    m = _CITATION.match(model.strip())
    if not m or not m.group("name"):
        return model.strip(), None, None
    return m.group("name"), m.group("cite").strip(), int(m.group("year"))


def _arxiv(url: str | None, where: str) -> tuple[str | None, pd.Timestamp | None]:
    if not url or "arxiv.org" not in url:
        return None, None
    m = _ARXIV.search(url)
    if not m:
        raise ValueError(f"arXiv link {url!r} has no new-style id (YYMM.NNNNN){where}")
    month = int(m.group("mm"))
    if not 1 <= month <= 12:
        raise ValueError(f"arXiv id in {url!r} has month {month}{where}")
    return m.group("id"), pd.Timestamp(2000 + int(m.group("yy")), month, 1)


def parse_section(table: MarkdownTable, section: Section) -> pd.DataFrame:
    """Rows of one leaderboard table (see :func:`load_leaderboards` for the columns)."""
    for col in ("Model", section.score_column, "Paper / Source"):
        if col not in table.header:
            raise InputError(f"table under {section.heading!r} (line {table.header_line}) "
                             f"has no such column; its header is {list(table.header)}",
                             path=table.path, column=col)
    df = table.to_frame()
    path = df.attrs["path"]
    repairs: Repairs = df.attrs["repairs"]
    rows = []
    scores: list[str] = []
    for i, (cell, score, paper) in enumerate(zip(df["Model"], df[section.score_column],
                                                 df["Paper / Source"], strict=True)):
        where = f" (line {table.lines[i]})"
        flags = []
        model = link_text(cell)
        if DIAMOND in model:
            model = model.replace(DIAMOND, "").strip()
            flags.append("diamond")
        if not model:
            raise InputError("blank model name" + where, path=path, row=i + 1, column="Model")
        score = score.strip()
        if score.endswith("*"):
            score = score[:-1].strip()
            flags.append("asterisk")
        scores.append(score)
        name, cite, year = split_citation(model)
        url = link_url(paper)
        try:
            arxiv_id, arxiv_date = _arxiv(url, where)
        except ValueError as exc:
            raise InputError(str(exc), path=path, row=i + 1, column="Paper / Source") from None
        if arxiv_date is not None:
            date = arxiv_date
            repairs.note(REPAIR_ARXIV)
        elif year is not None:
            date = pd.Timestamp(year, 7, 1)
            repairs.note(REPAIR_YEAR)
        else:
            date = None
        title = link_text(paper) or None
        rows.append({
            "benchmark": section.benchmark, "metric": section.metric, "model": model,
            "name": name, "model_key": model_key(name), "citation": cite,
            "year_in_citation": year, "paper_title": title, "paper_url": url,
            "arxiv_id": arxiv_id, "date": date, "flags": ";".join(flags) or None,
            "source_file": section.file, "source_row": table.lines[i],
        })
    out = pd.DataFrame(rows)
    tmp = pd.DataFrame({section.score_column: scores}, dtype=object)
    tmp.attrs = df.attrs
    if METRICS[section.metric].unit == "bleu":
        value = numbers(tmp, section.score_column, blank_ok=False, nonnegative=True)
        over = np.flatnonzero(value > 100)
        if len(over):
            i = int(over[0])
            raise InputError(f"BLEU {scores[i]!r} is over 100 (line {table.lines[i]})",
                             path=path, row=i + 1, column=section.score_column)
    else:
        value = fractions(tmp, section.score_column, scale="percent", blank_ok=False)
    out["value"] = value
    out["date"] = pd.to_datetime(out["date"])
    out["year_in_citation"] = pd.array(out["year_in_citation"], dtype="Int64")
    out["source_row"] = pd.array(out["source_row"], dtype="Int64")
    dup = out.duplicated(subset=["model", "paper_url"], keep=False)
    if dup.any():
        lines = out.loc[dup, "source_row"].tolist()
        raise InputError(f"the same model and paper appear on lines {lines}", path=path,
                         column="Model")
    out.attrs["repairs"] = repairs
    return out


def load_leaderboards(*, strict: bool | None = None) -> pd.DataFrame:
    """The three leaderboards, one row per table row.

    Columns: benchmark, metric (canonical ids), model (as written, "♦" removed), name
    (model without its citation), model_key (of name), citation, year_in_citation,
    paper_title, paper_url, arxiv_id, date, flags ("asterisk", "diamond", ";"-joined),
    value (BLEU points, or F1 as a fraction), source, source_file, source_row (line in the
    markdown file).
    """
    parsed: dict[str, list[MarkdownTable]] = {}
    frames = []
    repairs = Repairs()
    for section in SECTIONS:
        if section.file not in parsed:
            loc = locate(SOURCE, section.file, strict=strict)
            parsed[section.file] = read_tables(loc.path, label=f"{SOURCE}/{section.file}")
        table = table_under(parsed[section.file], section.heading, f"{SOURCE}/{section.file}")
        part = parse_section(table, section)
        repairs.update(part.attrs["repairs"])
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out.insert(len(out.columns) - 2, "source", SOURCE)
    out.attrs = {"repairs": repairs, "attribution": [SOURCES[SOURCE].attribution]}
    return out


def publications(board: pd.DataFrame) -> list[str]:
    """The publication of each leaderboard row (rules in the module docstring); ``board`` has
    the columns of :func:`load_leaderboards`."""
    cited: dict[str, set[str]] = {}
    for title, cite in zip(board["paper_title"], board["citation"], strict=True):
        if isinstance(title, str) and isinstance(cite, str):
            cited.setdefault(title, set()).add(cite)
    out = []
    for title, cite, arxiv_id, name in zip(board["paper_title"], board["citation"],
                                           board["arxiv_id"], board["name"], strict=True):
        if not isinstance(title, str) or not title.strip():
            out.append(f"arXiv:{arxiv_id}" if isinstance(arxiv_id, str) else name)
        elif title in NOT_A_PAPER:
            out.append(name)
        elif len(cited.get(title, ())) > 1 and isinstance(cite, str):
            out.append(f"{title} ({cite})")
        else:
            out.append(title)
    return out


def load_results(*, strict: bool | None = None) -> pd.DataFrame:
    """The leaderboards as ``results`` rows: wmt2014-en-de / wmt2014-en-fr (bleu, BLEU
    points) and conll2003 (f1, fraction); setting = the metric's protocol plus any marker
    note; origin = paper title; publication = the paper (:func:`publications`);
    setting_kind "supervised"; date as described in the module docstring."""
    board = load_leaderboards(strict=strict)
    settings = []
    by_benchmark = {s.benchmark: s.setting for s in SECTIONS}
    for bench, flags in zip(board["benchmark"], board["flags"], strict=True):
        notes = [by_benchmark[bench]]
        if isinstance(flags, str):
            notes += [FLAGS[f] for f in flags.split(";")]
        settings.append("; ".join(notes))
    errors = np.empty(len(board))
    for metric in board["metric"].unique():
        sel = (board["metric"] == metric).to_numpy()
        errors[sel] = error_of(board.loc[sel, "value"].to_numpy(), metric)
    out = pd.DataFrame({
        "model": board["model"],
        "model_key": board["model_key"],
        "date": board["date"],
        "benchmark": board["benchmark"],
        "metric": board["metric"],
        "value": board["value"],
        "higher_is_better": [METRICS[m].higher_is_better for m in board["metric"]],
        "unit": [METRICS[m].unit for m in board["metric"]],
        "error": errors,
        "setting": settings,
        "origin": board["paper_title"],
        "publication": publications(board),
        "setting_kind": "supervised",
        "source": SOURCE,
        "source_file": board["source_file"],
        "source_row": board["source_row"],
    })
    out.attrs = dict(board.attrs)
    return conform(out, "results")
