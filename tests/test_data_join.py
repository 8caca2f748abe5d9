"""Each join rule, pinned on small hand-made tables, then the real join over the mirror."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computelimits import assumptions
from computelimits.data import join as J  # noqa: N812
from computelimits.data.names import model_key
from computelimits.data.schema import conform


def _results(rows):
    df = pd.DataFrame(rows)
    df["model_key"] = df["model"].map(model_key)
    if "model_version" not in df:
        df["model_version"] = None
    return conform(df, "results")


def _compute(rows):
    df = pd.DataFrame(rows)
    df["model_key"] = df["model"].map(model_key)
    return conform(df, "compute")


MV = pd.DataFrame({"model_version": ["gpt-4-0613", "llama-7b-v"],
                   "epoch_model": ["GPT-4", "LLaMA-7B"]})
NETS = pd.DataFrame({"model": ["resnet-50"], "model_key": ["resnet50"],
                     "flop_per_image": [8e9], "source_row": [17]})

COMPUTE = _compute([
    {"model": "GPT-4", "training_flop": 2e25, "source": "epoch-ai-models", "source_row": 1},
    {"model": "gpt-4 (ECI)", "training_flop": 2.1e25, "source": "epoch-benchmarks",
     "notes": "model_version=gpt-4-0613", "source_row": 2},
    {"model": "LLaMA-7B", "training_flop": 4e22, "source": "epoch-ai-models", "source_row": 3},
    {"model": "VGG19", "training_flop": 1e19, "source": "epoch-ai-models", "source_row": 4},
    {"model": "Twin", "training_flop": 1e20, "source": "epoch-ai-models", "source_row": 5},
    {"model": "Twin", "training_flop": 3e20, "source": "epoch-ai-models", "source_row": 6},
    {"model": "BLOOM-176B", "training_flop": 4.12e23, "source": "epoch-open-model-trends",
     "source_row": 7},
])


def _join(results, **kw):
    kw.setdefault("model_versions", MV)
    kw.setdefault("networks", NETS)
    return J.join_compute(results, COMPUTE, **kw)


def test_model_version_prefers_the_eci_table_then_the_models_table():
    res = _results([
        {"model": "GPT-4 (June)", "model_version": "gpt-4-0613", "benchmark": "mmlu",
         "source": "epoch-benchmarks"},
        {"model": "LLaMA 7B", "model_version": "llama-7b-v", "benchmark": "mmlu",
         "source": "epoch-benchmarks"},
    ])
    t = _join(res).table
    assert t["match_rule"].tolist() == ["model-version", "model-version"]
    assert t["training_flop"].tolist() == [2.1e25, 4e22]


def test_exact_key_same_source_and_ambiguity():
    res = _results([
        {"model": "VGG-19", "benchmark": "imagenet", "source": "pwc-imagenet-2019"},
        {"model": "BLOOM-176B", "benchmark": "mmlu", "source": "epoch-open-model-trends"},
        {"model": "twin", "benchmark": "mmlu", "source": "epoch-benchmarks"},
        {"model": "Unknown Net", "benchmark": "mmlu", "source": "epoch-benchmarks"},
    ])
    jr = _join(res)
    t = jr.table
    assert t.loc[0, "match_rule"] == "exact-key" and t.loc[0, "training_flop"] == 1e19
    assert t.loc[1, "match_rule"] == "same-source"
    assert pd.isna(t.loc[2, "match_rule"]) and "ambiguous" in t.loc[2, "match_note"]
    assert pd.isna(t.loc[3, "match_rule"]) and "no compute record" in t.loc[3, "match_note"]
    assert len(jr.unmatched) == 2
    rep = jr.report.set_index("benchmark")
    assert rep.loc["mmlu", "results"] == 3 and rep.loc["mmlu", "with_compute"] == 1


def test_no_fuzzy_matching():
    res = _results([{"model": "VGG-19-BN", "benchmark": "imagenet",
                     "source": "pwc-imagenet-2019"}])
    assert _join(res).table["training_flop"].isna().all()


def test_alias_rule(monkeypatch):
    monkeypatch.setattr(J, "aliases", lambda: {
        ("nlp-progress", model_key("Transformer Big")): ("VGG19", "test alias")})
    res = _results([{"model": "Transformer Big", "benchmark": "wmt2014-en-de",
                     "source": "nlp-progress"}])
    t = _join(res).table
    assert t.loc[0, "match_rule"] == "alias" and t.loc[0, "training_flop"] == 1e19


def test_imagenet_imputation_states_its_assumptions():
    res = _results([{"model": "ResNet-50", "benchmark": "imagenet",
                     "source": "pwc-imagenet-2019"},
                    {"model": "ResNet-50", "benchmark": "mmlu", "source": "epoch-benchmarks"}])
    t = _join(res).table
    images = assumptions.get("imagenet_train_images").value
    epochs = assumptions.get("imagenet_epochs").value
    assert t.loc[0, "match_rule"] == "imputed"
    assert t.loc[0, "training_flop"] == pytest.approx(8e9 * 3 * images * epochs)
    assert "epochs (assumed" in t.loc[0, "match_note"]
    assert pd.isna(t.loc[1, "match_rule"])  # imputation is for ImageNet only
    assert _join(res, impute=False).table["training_flop"].isna().all()


def test_real_join_over_the_mirror(mirror):
    from computelimits.data import tables

    res = tables.results()
    comp = tables.compute()
    jr = J.join_compute(res, comp)
    rep = jr.report.set_index("benchmark")
    for bench in ("imagenet", "mmlu", "wmt2014-en-de", "conll2003"):
        assert rep.loc[bench, "results"] > 0
    assert rep.loc["mmlu", "with_compute"] > 50
    assert rep.loc["imagenet", "with_compute"] > 10
    t = jr.table
    assert (t["training_flop"].dropna() > 0).all()
    assert np.array_equal(t["match_rule"].notna(), t["training_flop"].notna())
    assert t.attrs["attribution"]
