"""Canonical benchmark ids, their metrics, and how a score becomes an error.

Error follows DESIGN.md: e = 1 − accuracy (or 1 − F1, 1 − exact match, 1 − AP for COCO's
average precision), e = error rate for metrics that are errors already, e = 1 − BLEU/100 for
BLEU (as Thompson et al. did).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computelimits.errors import ConfigError

__all__ = ["BENCHMARKS", "METRICS", "Benchmark", "error_of", "find_benchmark"]


@dataclass(frozen=True)
class Benchmark:
    id: str
    title: str
    aliases: tuple[str, ...] = ()


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


def find_benchmark(name: str) -> Benchmark:
    """Look a benchmark up by id or alias (case and separators ignored)."""
    def norm(s: str) -> str:
        return "".join(ch for ch in s.casefold() if ch.isalnum())

    want = norm(name)
    for b in BENCHMARKS.values():
        if want == norm(b.id) or want in {norm(a) for a in b.aliases}:
            return b
    from difflib import get_close_matches

    close = get_close_matches(name.casefold(), list(BENCHMARKS), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ConfigError(f"unknown benchmark {name!r}.{hint} Known: {', '.join(BENCHMARKS)}")


def error_of(value: np.ndarray, metric: str) -> np.ndarray:
    """Error in (0, 1) of scores of ``metric`` (NaN for metrics that are not shares)."""
    m = METRICS[metric]
    v = np.asarray(value, dtype=float)
    if m.unit == "bleu":
        return 1.0 - v / 100.0
    if m.unit != "fraction":
        return np.full_like(v, np.nan)
    return 1.0 - v if m.higher_is_better else v
