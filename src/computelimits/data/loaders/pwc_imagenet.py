"""Papers with Code "Image Classification on ImageNet" leaderboard, copy of November 2019.

Source ``pwc-imagenet-2019`` (registry): ``imagenet_leaderboard_2019-11.csv`` of the shared
mirror, a cleaned copy (8 columns, snake_case names) of ``imagenet_table.csv`` in
github.com/agataf/AIindex @ 1279668, which was copied by hand from paperswithcode.com on about
2019-11-13. There is no pinnable upstream file with this layout, so the file is pinned by the
mirror's checksum. Attribution: ``SOURCES["pwc-imagenet-2019"].attribution``.

**Licence: CC BY-SA 4.0 (share-alike).** Any table derived from this file must itself be
released under CC BY-SA 4.0: keep derived tables separate from the CC-BY tables (do not merge
these rows into a combined table you publish). The frames returned here carry
``attrs["share_alike"] = ["pwc-imagenet-2019"]`` so that writers can keep them apart.

Units and repairs:

* ``top1_accuracy``, ``top5_accuracy``: strings such as "87.4%" → fractions (0.874); each
  conversion is a counted repair ("percent strings converted to fractions"). 115 top-1 and 98
  top-5 values.
* ``number_of_params``: "480M", "25.6M", "57.40M" → parameter count via :func:`parse_count`
  (K = 10³, M = 10⁶, B = 10⁹; a bare number is a count); 61 rows have one.
* ``extra_training_data``: "X" → True (trained on data beyond ImageNet-1k, e.g. Instagram or
  JFT-300M), blank → False; anything else is an error.
* ``date``: the paper date on Papers with Code (YYYY-MM-DD). ``year`` is checked against it
  where both are present (one row, EfficientNet-B6, has no year).
* ``model`` = ``method`` as on the leaderboard. One name (ResNet-50) appears twice, with
  different dates and scores; both rows are kept. The leaderboard mixes single- and
  multi-crop evaluation and input resolutions without recording them, so ``setting`` only
  says where the score comes from. ``setting_kind`` is "supervised" for every row (ImageNet
  training set; rows with extra data are flagged by ``extra_data``).

Publication (the cluster unit; ``origin`` keeps naming the leaderboard):

* The file has **no paper title or link column** (only rank, method, accuracies, parameters,
  extra-data flag, year and date), so the paper is identified by its **date**: the leaderboard
  dates each result by its paper, and rows sharing a date are one paper (the EfficientNet,
  DPN, FixRes, MultiGrain … rows) — except the methods in :data:`OWN_PAPER`, different
  papers that share a date with another row (2019-04-02: RandWire-WS and Res2Net-DLA-60).
* The paper's title: the ``Reference`` of the Epoch models-table record a row joins by the
  join's exact rules (``model_key`` equal, or the alias table ``aliases.csv``), e.g.
  "ResNet-152" → "Deep Residual Learning for Image Recognition"; else :data:`PAPERS`, the
  classic-CNN papers of :mod:`.convnet_burden` at the dates the leaderboard gives them
  (checked by hand against the method names: "AlexNet - 7CNNs" 2012-12-01, "DenseNet-121"
  2016-08-25, …); one title found for any row of a paper is that paper's publication
  (several different titles: none is used).
* Otherwise "<family> (<date>)": the family of the paper's best-ranked method (its name
  without parenthesised parts, up to the first token holding a digit, e.g. "DPN", "MixNet",
  "SCARLET-A") and the paper date, which keeps apart papers whose methods share a family
  name ("MobileNet-224" 2017 and "MobileNet-224 (CGD)" 2019).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of
from computelimits.data.fetch import locate
from computelimits.data.loaders import convnet_burden as _cnn
from computelimits.data.loaders.epoch_benchmarks import PublicationIndex, publication_index
from computelimits.data.names import aliases, model_key
from computelimits.data.parse import (
    BLANKS,
    Repairs,
    dates,
    drop_duplicates,
    fractions,
    numbers,
    read_csv,
    text,
)
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError

__all__ = ["COUNT_SUFFIXES", "FILE", "OWN_PAPER", "PAPERS", "SOURCE", "load_leaderboard",
           "load_results", "parse_count", "parse_file", "publications"]

SOURCE = "pwc-imagenet-2019"
FILE = "imagenet_leaderboard_2019-11.csv"
ORIGIN = "Papers with Code, Image Classification on ImageNet (2019-11)"
SETTING = "Papers with Code leaderboard; crops and resolution not recorded"

REQUIRED = ["pwc_rank", "method", "top1_accuracy", "top5_accuracy", "number_of_params",
            "extra_training_data", "year", "date"]

#: Methods whose paper differs from that of other rows with the same date.
OWN_PAPER = frozenset({"RandWire-WS", "Res2Net-DLA-60"})

#: (paper date, method pattern matched whole, title): classic-CNN papers whose titles the
#: convnet-burden README cites, at the dates this leaderboard gives them.
PAPERS: tuple[tuple[str, str, str], ...] = (
    ("2012-12-01", r"AlexNet.*", _cnn.ALEXNET),
    ("2014-09-04", r"VGG-\d+", _cnn.VGG),
    ("2014-09-17", r"Inception V1", _cnn.GOOGLENET),
    ("2015-12-02", r"Inception V3", _cnn.INCEPTION_V3),
    ("2015-12-10", r"ResNet-\d+", _cnn.RESNET),
    ("2016-08-25", r"DenseNet-\d+", _cnn.DENSENET),
    ("2016-11-16", r"ResNeXt-\d+ \d+x\d+d?", _cnn.RESNEXT),
    ("2017-04-17", r"MobileNet-224", _cnn.MOBILENET),
    ("2017-09-05", r"SENet-154", _cnn.SENET),
)

#: Suffixes of :func:`parse_count` ("" = a bare count).
COUNT_SUFFIXES = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9}

_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMB]?)$")


def parse_count(cell: str) -> float:
    """A count written with an optional K/M/B suffix: "480M" → 4.8e8, "25.6M" → 2.56e7,
    "1.2B" → 1.2e9, "500" → 500.0. Raises ValueError for anything else (negative numbers,
    other suffixes, blanks, lower-case suffixes, exponents).
    """
    m = _COUNT.match(cell.strip())
    if not m:
        raise ValueError(f"cannot parse {cell!r} as a count with an optional K/M/B suffix")
    # decimal scaling keeps e.g. "25.6M" exactly 25600000
    digits, suffix = m.group(1), m.group(2)
    whole, _, frac = digits.partition(".")
    exp = {"": 0, "K": 3, "M": 6, "B": 9}[suffix]
    if len(frac) <= exp:
        return float(int(whole + frac.ljust(exp, "0")))
    return float(int(whole + frac)) / 10 ** (len(frac) - exp)


def _counts(df: pd.DataFrame, col: str) -> np.ndarray:
    """Column version of :func:`parse_count`: blanks → NaN; a bad or zero count is an
    InputError naming the file, row and column."""
    out = np.full(len(df), np.nan)
    for i, cell in enumerate(df[col].fillna("").astype(str).str.strip()):
        if cell in BLANKS:
            continue
        try:
            value = parse_count(cell)
        except ValueError as exc:
            raise InputError(f"{exc} (line {df.attrs['lines'][i]})", path=df.attrs["path"],
                             row=i + 1, column=col) from None
        if value <= 0:
            raise InputError(f"{cell!r} must be positive (line {df.attrs['lines'][i]})",
                             path=df.attrs["path"], row=i + 1, column=col)
        out[i] = value
    return out


def _flags(df: pd.DataFrame, col: str) -> list[bool]:
    out = []
    for i, cell in enumerate(df[col].fillna("").astype(str).str.strip()):
        if cell not in {"", "X"}:
            raise InputError(f"expected 'X' or blank, found {cell!r} "
                             f"(line {df.attrs['lines'][i]})", path=df.attrs["path"],
                             row=i + 1, column=col)
        out.append(cell == "X")
    return out


def parse_file(path: str, *, label: str | None = None) -> pd.DataFrame:
    """Parse a leaderboard file at ``path`` into the frame of :func:`load_leaderboard`
    (without ``source`` / ``source_file``)."""
    df = read_csv(path, required=REQUIRED, label=label)
    if df.empty:
        raise InputError("no data rows", path=df.attrs["path"])
    date = dates(df, "date")
    year = numbers(df, "year", positive=True)
    for i, (y, d) in enumerate(zip(year, date, strict=True)):
        if not np.isnan(y) and (y != int(y) or (pd.notna(d) and int(y) != d.year)):
            raise InputError(f"year {df['year'].iloc[i]!r} does not match date "
                             f"{df['date'].iloc[i]!r} (line {df.attrs['lines'][i]})",
                             path=df.attrs["path"], row=i + 1, column="year")
    model = text(df, "method", required=True)
    out = pd.DataFrame({
        "pwc_rank": numbers(df, "pwc_rank", blank_ok=False, positive=True),
        "model": model,
        "model_key": [model_key(m) for m in model],
        "top1_accuracy": fractions(df, "top1_accuracy", blank_ok=False),
        "top5_accuracy": fractions(df, "top5_accuracy"),
        "parameters": _counts(df, "number_of_params"),
        "extra_data": _flags(df, "extra_training_data"),
        "year": year,
        "date": date,
    })
    out.attrs = df.attrs
    out = drop_duplicates(out, key=["model", "date"], what="leaderboard rows")
    out["source_row"] = out.index + 1
    return out


def load_leaderboard(*, strict: bool | None = None) -> pd.DataFrame:
    """The 115 leaderboard rows, one per row of the file.

    Columns: pwc_rank, model, model_key, top1_accuracy, top5_accuracy (fractions),
    parameters (count, NaN where not given), extra_data (bool), year, date, source,
    source_file, source_row. CC BY-SA 4.0: keep derived tables separate.
    """
    loc = locate(SOURCE, FILE, strict=strict)
    out = parse_file(str(loc.path), label=f"{SOURCE}/{FILE}")
    repairs = out.attrs.get("repairs", Repairs())
    out = out.reset_index(drop=True)
    out["source"] = SOURCE
    out["source_file"] = FILE
    for col in ("source_row", "pwc_rank", "year"):
        out[col] = pd.array(out[col], dtype="Int64")
    out.attrs = {"path": f"{SOURCE}/{FILE}", "repairs": repairs,
                 "attribution": [SOURCES[SOURCE].attribution], "share_alike": [SOURCE]}
    return out


def _family(method: str) -> str:
    """Method name without parenthesised parts, up to its first token (after the first)
    holding a digit: "DPN-92 (320x320)" → "DPN", "AlexNet - 7CNNs" → "AlexNet"."""
    name = re.sub(r"\([^()]*\)", " ", method).strip() or method.strip()
    tokens = re.split(r"([\s-]+)", name)
    kept = tokens[:1]
    for i in range(1, len(tokens) - 1, 2):
        if re.search(r"\d", tokens[i + 1]):
            break
        kept += tokens[i:i + 2]
    return "".join(kept).strip(" -") or name


def publications(board: pd.DataFrame, index: PublicationIndex) -> list[str]:
    """The publication of each leaderboard row (see the module docstring): one string per
    paper, a paper being the rows of one date (methods in :data:`OWN_PAPER` apart)."""
    alias = aliases()
    papers: list[str] = []
    titles: list[str | None] = []
    for method, key, date in zip(board["model"], board["model_key"], board["date"],
                                 strict=True):
        day = date.strftime("%Y-%m-%d") if pd.notna(date) else ""
        papers.append(f"{day}|{method}" if method in OWN_PAPER or not day else day)
        title = index.by_key.get(key)
        if title is None and (SOURCE, key) in alias:
            target = alias[(SOURCE, key)][0]
            title = index.by_name.get(target) or index.by_key.get(model_key(target))
        if title is None:
            title = next((t for d, pattern, t in PAPERS
                          if d == day and re.fullmatch(pattern, method)), None)
        titles.append(title)
    found: dict[str, set[str]] = {}
    best: dict[str, tuple[float, str]] = {}
    for paper, title, method, rank in zip(papers, titles, board["model"], board["pwc_rank"],
                                          strict=True):
        if title is not None:
            found.setdefault(paper, set()).add(title)
        here = (float(rank) if pd.notna(rank) else np.inf, method)
        best[paper] = min(best.get(paper, here), here)
    label: dict[str, str] = {}
    for paper, (_, method) in best.items():
        if len(found.get(paper, ())) == 1:
            label[paper] = next(iter(found[paper]))
        else:
            day = paper.split("|", 1)[0]
            label[paper] = f"{_family(method)} ({day})" if day else _family(method)
    return [label[p] for p in papers]


def load_results(*, strict: bool | None = None,
                 index: PublicationIndex | None = None) -> pd.DataFrame:
    """Top-1 and top-5 accuracy as ``results`` rows (benchmark "imagenet", metrics
    top1_accuracy / top5_accuracy as fractions; a missing top-5 gives no row).

    ``extra_data`` is True for rows marked "X". ``publication``: the paper of the row (module
    docstring; ``index`` is built from the Epoch models table when None), ``setting_kind``
    "supervised". CC BY-SA 4.0: keep derived tables separate.
    """
    board = load_leaderboard(strict=strict)
    board["publication"] = publications(board, index or publication_index(strict))
    parts = []
    for metric in ("top1_accuracy", "top5_accuracy"):
        have = board[board[metric].notna()]
        m = METRICS[metric]
        parts.append(pd.DataFrame({
            "model": have["model"],
            "model_key": have["model_key"],
            "date": have["date"],
            "benchmark": "imagenet",
            "metric": metric,
            "value": have[metric],
            "higher_is_better": m.higher_is_better,
            "unit": m.unit,
            "error": error_of(have[metric].to_numpy(), metric),
            "setting": SETTING,
            "origin": ORIGIN,
            "publication": have["publication"],
            "setting_kind": "supervised",
            "extra_data": have["extra_data"],
            "source": SOURCE,
            "source_file": FILE,
            "source_row": have["source_row"],
        }))
    out = pd.concat(parts, ignore_index=True)
    out.attrs = {"attribution": [SOURCES[SOURCE].attribution],
                 "repairs": board.attrs["repairs"], "share_alike": [SOURCE]}
    return conform(out, "results")
