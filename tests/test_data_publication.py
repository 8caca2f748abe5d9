"""``publication`` and ``setting_kind`` of the results loaders, across sources.

``publication`` is the cluster unit of the intervals: the paper (or model family) of the
evaluated model, never the data source that collected the score, and one string per paper
whichever source reported the result. The checks read the shared mirror through the five
results loaders directly (not through ``tables.results``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from computelimits.data.loaders import (
    convnet_burden,
    epoch_benchmarks,
    nlp_progress,
    open_model_trends,
    pwc_imagenet,
)
from computelimits.data.schema import SCHEMAS

LLAMA = "LLaMA: Open and Efficient Foundation Language Models"
LLAMA2 = "Llama 2: Open Foundation and Fine-Tuned Chat Models"


@pytest.fixture(scope="module")
def index(mirror):
    return epoch_benchmarks.publication_index()


@pytest.fixture(scope="module")
def frames(index):
    return {
        "epoch-benchmarks": epoch_benchmarks.load_results(index=index),
        "epoch-open-model-trends": open_model_trends.load_results(index=index),
        "pwc-imagenet-2019": pwc_imagenet.load_results(index=index),
        "convnet-burden": convnet_burden.load_results(),
        "nlp-progress": nlp_progress.load_results(),
    }


@pytest.fixture(scope="module")
def results(frames):
    return pd.concat(frames.values(), ignore_index=True)


@pytest.mark.parametrize("source", ["epoch-benchmarks", "epoch-open-model-trends",
                                    "pwc-imagenet-2019", "convnet-burden", "nlp-progress"])
def test_every_row_has_a_publication_and_a_setting_kind(frames, source):
    df = frames[source]
    assert len(df) and list(df.columns) == list(SCHEMAS["results"])
    for col in ("publication", "setting_kind"):
        assert df[col].notna().all(), col
        assert (df[col].astype(str).str.strip() != "").all(), col
    assert set(df["setting_kind"]) <= set(epoch_benchmarks.SETTING_KINDS)
    # never the data source or leaderboard that collected the score
    assert not df["publication"].isin([source]).any()
    assert not df["publication"].str.contains(
        "Papers with Code|convnet-burden|HELM|leaderboard|Epoch AI", case=False).any()


def test_default_index_is_the_one_passed(mirror, frames):
    """Loading with the index built inside the loader gives the same publications."""
    for source, load in [("epoch-open-model-trends", open_model_trends.load_results),
                         ("pwc-imagenet-2019", pwc_imagenet.load_results)]:
        again = load()
        assert again["publication"].tolist() == frames[source]["publication"].tolist()


def test_publications_outnumber_the_reporting_sources(results):
    """Before, ImageNet's whole PwC leaderboard was one cluster (its ``origin``)."""
    for bench, at_least in [("imagenet", 60), ("mmlu", 40), ("gsm8k", 30)]:
        sub = results[results.benchmark == bench]
        assert sub["publication"].nunique() >= at_least, bench
        assert sub["publication"].nunique() > sub["origin"].nunique(), bench
    pwc = results[results.source == "pwc-imagenet-2019"]
    assert pwc["origin"].nunique() == 1 and pwc["publication"].nunique() >= 60


def test_classic_cnn_titles_are_the_epoch_models_titles(index):
    """The convnet-burden family table writes each title as the Epoch models table does, so
    a paper is one publication across convnet-burden, PwC and the Epoch tables."""
    for epoch_model, title in [
        ("AlexNet", convnet_burden.ALEXNET), ("VGG16", convnet_burden.VGG),
        ("VGG19", convnet_burden.VGG), ("GoogLeNet / InceptionV1", convnet_burden.GOOGLENET),
        ("Inception v3", convnet_burden.INCEPTION_V3),
        ("ResNet-152 (ImageNet)", convnet_burden.RESNET),
    ]:
        assert index.by_name[epoch_model] == title, epoch_model
    for _, _, title in pwc_imagenet.PAPERS:
        assert title in {t for _, t in convnet_burden.FAMILY_PAPERS}


def test_one_paper_one_publication_across_sources(results):
    imagenet = results[results.benchmark == "imagenet"]
    by = {(s, m): p for s, m, p in zip(imagenet.source, imagenet.model, imagenet.publication,
                                        strict=True)}
    resnet = {by[("convnet-burden", "resnet-50")], by[("convnet-burden", "resnet-101")],
              by[("pwc-imagenet-2019", "ResNet-101")], by[("pwc-imagenet-2019", "ResNet-152")]}
    assert resnet == {convnet_burden.RESNET}
    assert by[("convnet-burden", "densenet121")] == by[("pwc-imagenet-2019", "DenseNet-169")]
    assert by[("convnet-burden", "vgg-vd-16")] == by[("pwc-imagenet-2019", "VGG-19")]
    assert by[("convnet-burden", "SENet")] == by[("pwc-imagenet-2019", "SENet-154")]

    llm = results[results.source.isin(["epoch-benchmarks", "epoch-open-model-trends"])]
    pub = llm.groupby("model")["publication"].agg(set)
    # LLaMA 7B and 13B, however each source spells them, share the LLaMA paper
    for model in ("LLaMA 7B", "LLaMA 13B", "LLAMA 1 7B", "LLaMA-13B", "LLaMa-1 7B",
                  "LLaMa-1 13B", "LLaMA (7B)"):
        assert pub[model] == {LLAMA}, model
    for model in ("LLaMA-2 13B", "Llama 2-13B", "LLaMa-2 7B", "Llama-2-70b-hf"):
        assert pub[model] == {LLAMA2}, model
    # a family without a reference in the models table: one family name for every spelling
    assert pub["ChatGLM2 6B"] == pub["ChatGLM 2-6B (base)*"] == pub["ChatGLM2-6B-base"] == {
        "ChatGLM2"}


def test_setting_kinds(results):
    counts = pd.crosstab(results.benchmark, results.setting_kind)
    for bench in ("imagenet", "wmt2014-en-de", "wmt2014-en-fr", "conll2003"):
        assert set(results.loc[results.benchmark == bench, "setting_kind"]) == {"supervised"}
    assert counts.loc["mmlu", "few-shot"] > counts.loc["mmlu"].drop("few-shot").max()
    assert counts.loc["mmlu", "chain-of-thought"] >= 3  # Claude rows "5-shot CoT" + OMT note
    assert counts.loc["gsm8k", "chain-of-thought"] >= 2
    assert counts.loc["hellaswag", "zero-shot"] > 0
    assert "supervised" not in set(results.loc[results.source.str.startswith("epoch"),
                                               "setting_kind"])


@pytest.mark.parametrize(("text", "kind"), [("5-shot CoT", "chain-of-thought"),
                                            ("0-shot", "zero-shot"), ("5-shot", "few-shot"),
                                            ("fine-tuned", "fine-tuned"), ("", "unknown")])
def test_setting_text_rule(text, kind):
    assert epoch_benchmarks.setting_kind(text) == kind
