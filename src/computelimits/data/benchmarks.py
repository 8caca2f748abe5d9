"""Canonical benchmark ids, their metrics, and how a score becomes an error.

Error follows DESIGN.md: e = 1 − accuracy (or 1 − F1, 1 − exact match, 1 − AP for COCO's
average precision), e = error rate for metrics that are errors already, e = 1 − BLEU/100 for
BLEU (as Thompson et al. did).

**Benchmarks of a user's own.** A user's generic file may name a benchmark the package does
not know (``my-reasoning-bench``). Reading such a file registers the id
(:func:`own_benchmark`) for the rest of the process, so that :func:`find_benchmark` and
everything built on it (fits, extrapolations, backtests) know it; its chance level and the
direction of its metric travel with the file's rows (``chance_error``, ``higher_is_better``),
not with the registration. An id that is a likely typo of a known one (:func:`near_miss`:
one edit from a known id or alias of at most five letters, two from a longer one, ignoring
case and separators) is refused with a "did you mean" hint unless the user says the
benchmark is new by giving its chance level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computelimits.errors import ConfigError

__all__ = ["BENCHMARKS", "METRICS", "Benchmark", "error_of", "find_benchmark", "near_miss",
           "own_benchmark", "own_benchmarks"]


@dataclass(frozen=True)
class Benchmark:
    id: str
    title: str
    aliases: tuple[str, ...] = ()
    #: a benchmark of the user's own (named by a file the process read), not the package's
    own: bool = False


@dataclass(frozen=True)
class Metric:
    id: str
    higher_is_better: bool
    unit: str  # "fraction", "bleu" or "index"


METRICS: dict[str, Metric] = {m.id: m for m in [
    Metric("accuracy", True, "fraction"),
    Metric("top1_accuracy", True, "fraction"),
    Metric("top5_accuracy", True, "fraction"),
    Metric("top1_error", False, "fraction"),
    Metric("top5_error", False, "fraction"),
    Metric("exact_match", True, "fraction"),
    Metric("f1", True, "fraction"),
    Metric("bleu", True, "bleu"),
    Metric("eci", True, "index"),
    # MS COCO detection average precision (box mAP@[.5:.95] and its breakdowns), a share
    Metric("box_ap", True, "fraction"),
    Metric("ap50", True, "fraction"),
    Metric("ap75", True, "fraction"),
    Metric("ap_small", True, "fraction"),
    Metric("ap_medium", True, "fraction"),
    Metric("ap_large", True, "fraction"),
]}

BENCHMARKS: dict[str, Benchmark] = {b.id: b for b in [
    Benchmark("imagenet", "ImageNet-1k image classification (ILSVRC-2012 validation)",
              ("imagenet-1k", "ilsvrc2012", "ilsvrc-2012")),
    Benchmark("wmt2014-en-de", "WMT 2014 English-German translation", ("wmt14-en-de",)),
    Benchmark("wmt2014-en-fr", "WMT 2014 English-French translation", ("wmt14-en-fr",)),
    Benchmark("conll2003", "CoNLL-2003 English named-entity recognition", ("conll-2003",)),
    Benchmark("coco", "MS COCO object detection (test-dev, box AP)",
              ("ms-coco", "mscoco", "coco-test-dev")),
    Benchmark("squad1.1", "SQuAD 1.1 question answering (F1, exact match)",
              ("squad", "squad-1.1", "squad11", "squad_1_1")),
    Benchmark("mmlu", "MMLU"),
    Benchmark("gsm8k", "GSM8K"),
    Benchmark("gsm1k", "GSM1k (Zhang et al. 2024)"),
    Benchmark("hellaswag", "HellaSwag"),
    Benchmark("arc-challenge", "AI2 Reasoning Challenge, challenge set", ("arc", "arc_ai2")),
    Benchmark("arc-easy", "AI2 Reasoning Challenge, easy set"),
    Benchmark("winogrande", "WinoGrande"),
    Benchmark("piqa", "PIQA"),
    Benchmark("triviaqa", "TriviaQA"),
    Benchmark("bbh", "BIG-Bench Hard", ("big-bench-hard",)),
    Benchmark("lambada", "LAMBADA"),
    Benchmark("boolq", "BoolQ"),
    Benchmark("anli", "Adversarial NLI"),
    Benchmark("csqa2", "CommonsenseQA 2.0"),
    Benchmark("openbookqa", "OpenBookQA"),
    Benchmark("scienceqa", "ScienceQA"),
    Benchmark("superglue", "SuperGLUE"),
    Benchmark("os-world", "OSWorld"),
    Benchmark("videomme", "Video-MME"),
    Benchmark("weirdml", "WeirdML"),
    Benchmark("gpqa-diamond", "GPQA Diamond", ("gpqa",)),
    Benchmark("math-level-5", "MATH level 5"),
    Benchmark("otis-mock-aime", "OTIS Mock AIME 2024-2025"),
    Benchmark("eci", "Epoch Capabilities Index"),
]}


def _norm(s: str) -> str:
    return "".join(ch for ch in s.casefold() if ch.isalnum())


#: Benchmarks of the user's own read in this process: normalized id → Benchmark.
_OWN: dict[str, Benchmark] = {}


def _known(name: str) -> Benchmark | None:
    want = _norm(name)
    for b in BENCHMARKS.values():
        if want == _norm(b.id) or want in {_norm(a) for a in b.aliases}:
            return b
    return None


def find_benchmark(name: str) -> Benchmark:
    """Look a benchmark up by id or alias (case and separators ignored), then among the
    benchmarks of the user's own read in this process (:func:`own_benchmark`)."""
    b = _known(name)
    if b is not None:
        return b
    own = _OWN.get(_norm(name))
    if own is not None:
        return own
    from difflib import get_close_matches

    close = get_close_matches(name.casefold(), list(BENCHMARKS), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ConfigError(f"unknown benchmark {name!r}.{hint} Known: {', '.join(BENCHMARKS)}")


def own_benchmark(name: str) -> Benchmark:
    """Register ``name`` as a benchmark of the user's own (idempotent; the first spelling of
    a normalized id is kept) and return it. A known id or alias returns the known benchmark."""
    known = _known(name)
    if known is not None:
        return known
    key = _norm(name)
    if key not in _OWN:
        _OWN[key] = Benchmark(name, f"{name} (a benchmark of your own)", own=True)
    return _OWN[key]


def own_benchmarks() -> list[Benchmark]:
    """The benchmarks of the user's own registered in this process."""
    return list(_OWN.values())


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b`` (a transposition counts one),
    or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def near_miss(name: str) -> str | None:
    """The known benchmark id that ``name`` (not itself known) is a likely typo of: within
    one edit (insertion, deletion, substitution or swap of neighbours) of a known id or
    alias of at most five letters and digits, two of a longer one, case and separators
    ignored ("mmul" → "mmlu", "hellaswg" → "hellaswag"); else None."""
    want = _norm(name)
    if not want or _known(name) is not None:
        return None
    best: tuple[int, str] | None = None
    for b in BENCHMARKS.values():
        for spelling in (b.id, *b.aliases):
            known = _norm(spelling)
            limit = 1 if len(known) <= 5 else 2
            d = _distance(want, known, limit)
            if d <= limit and (best is None or d < best[0]):
                best = (d, b.id)
    return None if best is None else best[1]


def error_of(value: np.ndarray, metric: str) -> np.ndarray:
    """Error in (0, 1) of scores of ``metric`` (NaN for metrics that are not shares)."""
    m = METRICS[metric]
    v = np.asarray(value, dtype=float)
    if m.unit == "bleu":
        return 1.0 - v / 100.0
    if m.unit != "fraction":
        return np.full_like(v, np.nan)
    return 1.0 - v if m.higher_is_better else v
