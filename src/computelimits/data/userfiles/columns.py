"""The columns of both layouts of users' files: name, whether required, meaning, and the
names users write instead (so that a missing column can be found under another name).

The same records are the ``computelimits data check --help`` text (:func:`columns_help`) and
drive the checks: :data:`GENERIC_COLUMNS` are the generic layout's only columns;
Computer-Progress-layout files may have any other columns, which are not read.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CP_SPECS", "DUPLICATES", "GENERIC_COLUMNS", "GENERIC_OPTIONAL", "GENERIC_REQUIRED",
           "GENERIC_SPECS", "SYNONYMS", "ColumnSpec", "columns_help", "suggest"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a layout."""

    name: str
    required: bool
    meaning: str
    synonyms: tuple[str, ...] = ()


GENERIC_SPECS: tuple[ColumnSpec, ...] = (
    ColumnSpec("model", True,
               "model name; a blank cell takes the publication, else the origin (a counted "
               "repair)", ("method", "name", "model_name", "model name", "system")),
    ColumnSpec("benchmark", True,
               "a benchmark id or alias of the package (imagenet, coco, squad1.1, "
               "wmt2014-en-de, conll2003, mmlu, gsm8k, …) or an id of your own (letters, "
               "digits, '.', '-', '_', '+'); an id one or two letters from a known one is "
               "refused as a likely typo unless a chance level is given (chance_error or "
               "--chance-error)", ("task", "dataset", "bench", "benchmark_id")),
    ColumnSpec("metric", True,
               "metric id: accuracy, top1_accuracy, top5_accuracy, top1_error, top5_error, "
               "exact_match, f1, bleu, eci, box_ap, ap50, ap75, ap_small, ap_medium, "
               "ap_large; for a benchmark of your own also a metric of your own (a share, "
               "with higher_is_better)", ("measure", "metric_name", "metric_id")),
    ColumnSpec("value", True,
               "the score: a share as a fraction (0.439) or with % (43.9%), BLEU in points; "
               "see unit", ("score", "result", "accuracy", "acc", "performance", "val",
                            "metric_value")),
    ColumnSpec("date", False,
               "model/paper date YYYY-MM-DD (YYYY-MM → day 1, YYYY → 1 July, counted)",
               ("year", "publication_date", "release_date", "published")),
    ColumnSpec("unit", False,
               "fraction (0–1), percent (0–100), bleu (points, metric bleu), index (metric "
               "eci); blank: a share is a fraction or has a % sign", ("units", "scale")),
    ColumnSpec("higher_is_better", False,
               "true/false: must agree with a known metric; gives the direction of a metric "
               "of your own", ("higher_better", "direction")),
    ColumnSpec("training_flop", False,
               "training compute behind this row, FLOP (> 0): the row's own compute",
               ("flop", "flops", "compute", "training_compute", "training_flops",
                "train_flop")),
    ColumnSpec("compute_kind", False,
               "what training_flop measures: training (default), hardware_burden, "
               "imputed_operations, includes_search, other_dataset, other_purpose",
               ("flop_kind", "kind")),
    ColumnSpec("setting", False,
               "free-text notes on how the score was obtained (shots, harness, crops); two "
               "rows differing only here are different results", ("notes", "eval_setting",
                                                                   "shots")),
    ColumnSpec("setting_kind", False,
               "the kind of evaluation, one of supervised, zero-shot, few-shot, "
               "chain-of-thought, fine-tuned, unknown (default): fits hold one kind at a "
               "time", ("setting_type", "eval_kind", "evaluation")),
    ColumnSpec("origin", False, "paper or leaderboard the score comes from",
               ("source", "reference", "url", "link", "paper")),
    ColumnSpec("publication", False,
               "the publication the model comes from (the cluster unit); blank: the origin",
               ("paper_title", "title")),
    ColumnSpec("chance_error", False,
               "the chance (guessing) error of a benchmark of your own, in (0, 1] (1: no "
               "chance level); one value per benchmark and metric; for a package benchmark "
               "it must equal its recorded level", ("chance", "chance_level",
                                                    "random_error")),
)

CP_SPECS: tuple[ColumnSpec, ...] = (
    ColumnSpec("year", True, "publication year; the date is 15 June of it (counted)",
               ("date", "pub_year")),
    ColumnSpec("method or model", True,
               "the model (one of the two columns); a blank cell takes the paper title, "
               "else the link (a counted repair)", ("name", "model_name")),
    ColumnSpec("title, paper, url", False,
               "where the result comes from: a cell with no blanks that looks like a link is "
               "the link, any other the paper title"),
    ColumnSpec("gpu, tpu, cpu", False,
               "processor names, matched to the Computer Progress hardware tables and Epoch "
               "AI's chip table (common spellings: 'Tesla V100', 'TPUv3', 'Titan X', …; the "
               "variant chosen is printed)"),
    ColumnSpec("#gpu, #tpu, #cpu", False, "how many processors (whole numbers; chips)"),
    ColumnSpec("hw_gflops", False,
               "total peak throughput the collectors computed, GFLOP/s: used where a "
               "processor is in no table (precision 'as given'), and without a hardware "
               "table", ("gflops", "hardware_gflops")),
    ColumnSpec("time_sec", True, "training wall-clock time, seconds",
               ("time", "seconds", "time_s", "training_time_sec", "train_time_sec")),
    ColumnSpec("#epochs", False, "epochs (kept in the compute notes)"),
    ColumnSpec("#params, #param, params", False, "parameter count"),
    ColumnSpec("top1_error, top5_error", False, "ImageNet error rates, percent"),
    ColumnSpec("BOX_AP, AP50, AP75, APS, APM, APL", False,
               "MS COCO average precision, percent (error 1 − AP)"),
    ColumnSpec("F1, EM", False, "SQuAD 1.1 F1 and exact match, CoNLL 2003 F1, percent"),
    ColumnSpec("BLEU", False,
               "WMT 2014 BLEU points (error 1 − BLEU/100); SACREBLEU is recognised, not read"),
)

GENERIC_REQUIRED = tuple(c.name for c in GENERIC_SPECS if c.required)
GENERIC_OPTIONAL = tuple(c.name for c in GENERIC_SPECS if not c.required)
GENERIC_COLUMNS = GENERIC_REQUIRED + GENERIC_OPTIONAL

#: Column → names users write instead (both layouts).
SYNONYMS: dict[str, tuple[str, ...]] = {
    **{c.name: c.synonyms for c in GENERIC_SPECS if c.synonyms},
    "year": ("date", "pub_year"),
    "method": ("model", "name", "model_name"),
    "time_sec": ("time", "seconds", "time_s", "training_time_sec", "train_time_sec"),
    "hw_gflops": ("gflops", "hardware_gflops"),
}

#: What to do with rows of one model and paper (generic: one model, benchmark, metric,
#: setting and origin) that differ: keep them all as separate results (default), keep the
#: first, keep the best score, or refuse the file.
DUPLICATES = ("all", "first", "best", "error")


def suggest(name: str, allowed: tuple[str, ...]) -> str | None:
    """The column of ``allowed`` that a header cell ``name`` is a known synonym of, else
    the closest name (:mod:`difflib`), else None."""
    import difflib

    low = name.strip().casefold()
    for col, alts in SYNONYMS.items():
        if col in allowed and low in alts:
            return col
    close = difflib.get_close_matches(low, list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


def columns_help() -> str:
    """Every accepted column of both layouts with its meaning, for ``data check --help``."""
    def block(title: str, specs: tuple[ColumnSpec, ...]) -> list[str]:
        out = [title]
        for c in specs:
            req = " (required)" if c.required else ""
            out.append(f"• {c.name}{req}: {c.meaning}")
        return out

    lines = block("Generic layout (--format generic; exact lower-case names; no other "
                  "columns):", GENERIC_SPECS)
    lines.append("")
    lines += block("Computer-Progress layout (--format computer-progress --benchmark ID; "
                   "names in any case; other columns are not read):", CP_SPECS)
    return "\n".join(lines)
