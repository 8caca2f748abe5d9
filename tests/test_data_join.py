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
    from computelimits.data.catalog import resolve_catalog

    res = resolve_catalog().results()
    comp = resolve_catalog().compute()
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


# --------------------------------------------- the same answers as the row-by-row join

#: The last commit with the row-by-row join and loaders (issue 13 replaced them).
BASELINE = "2cb1d29"


def _baseline(path: str, name: str):
    """A module of :data:`BASELINE`, read with ``git show`` (skips where git or the commit
    is not available, or the module no longer imports)."""
    import importlib.util
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    try:
        src = subprocess.run(["git", "-C", str(root), "show", f"{BASELINE}:{path}"],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip(f"git or commit {BASELINE} not available")
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    try:
        exec(compile(src, f"{name}.py", "exec"), module.__dict__)
    except ImportError as exc:
        pytest.skip(f"the baseline module no longer imports: {exc}")
    return module


#: What the join gained after the baseline (issue 19): the arXiv rule and the hand-checked
#: verdicts (compared switched off), the hardware-burden columns and the ensemble kind.
NEWER_COLUMNS = ["hardware_burden_flop", "hardware_burden_precision", "hardware_burden_note"]
NEWER_REPORT = ["arxiv"]


def _same_join(old: J.JoinResult, new: J.JoinResult) -> None:
    assert new.table[NEWER_COLUMNS].isna().all().all()
    assert (new.report[[*NEWER_REPORT, "kind_ensemble"]] == 0).all().all()
    new = J.JoinResult(new.table.drop(columns=NEWER_COLUMNS),
                       new.report.drop(columns=NEWER_REPORT))
    pd.testing.assert_frame_equal(old.table, new.table, check_exact=True)
    pd.testing.assert_frame_equal(old.report, new.report, check_exact=True)
    assert old.table.attrs == new.table.attrs
    for col in old.table.columns:  # object columns: the very same kinds of values
        if old.table[col].dtype == object:
            assert [type(v) for v in old.table[col]] == [type(v) for v in new.table[col]], col


@pytest.fixture(scope="module")
def catalog(mirror):
    from computelimits.data.catalog import Catalog

    return Catalog()


@pytest.mark.parametrize("kw", [{}, {"impute": True}, {"impute": False}, {"fill": False}])
def test_mirror_join_same_as_row_by_row(catalog, kw):
    old = _baseline("src/computelimits/data/join.py", "old_join")
    res, comp = catalog.results(), catalog.compute()
    with catalog.active():
        _same_join(old.join_compute(res, comp, **kw),
                   J.join_compute(res, comp, checks={}, arxiv={}, **kw))


GENERIC = """model,benchmark,metric,value,date,training_flop,compute_kind,setting,origin,publication
GPT-3 175B (davinci),mmlu,accuracy,43.9%,2020-05-28,3.14e23,,5-shot,Brown et al.,
GPT-3 175B (davinci),mmlu,accuracy,0.439,2020-05-28,,,0-shot,Leaderboard,
ResNet-50,imagenet,top1_accuracy,76.1%,2015-12-10,,,,,He et al.
VGG16,imagenet,top1_error,28.1%,2014,,,,,
Transformer,wmt14-en-de,bleu,28.4,2017-06,2.3e19,hardware_burden,,Vaswani,
Unknown Net,mmlu,accuracy,0.3,,,,,,
"""
COMPUTER_PROGRESS = """year,title,url,method,gpu,#gpu,tpu,#tpu,time_sec,top1_error,top5_error
2016,ResNet paper,https://arxiv.org/abs/1512.03385,ResNet-50,Tesla K80,8,,,86400,23.9,7.1
2017,Big paper,,AmoebaNet-A,,,Cloud TPU v2,100,172800,17.2,3.9
2014,VGG paper,,VGG16,GeForce GTX Titan Black,4,,,1209600,25.6,8.1
2012,AlexNet paper,,AlexNet,Unknown GPU,2,,,518400,36.7,15.4
"""


@pytest.mark.parametrize(("layout", "text"), [("generic", GENERIC),
                                              ("computer-progress", COMPUTER_PROGRESS)])
@pytest.mark.parametrize(("fill", "impute"), [(True, False), (False, False), (True, True)])
def test_users_file_join_same_as_row_by_row(catalog, tmp_path, layout, text, fill, impute):
    """A users' file read and joined as :func:`load_user_file` does, old and new."""
    from computelimits.data.user_data import load_user_file

    old_uf = _baseline("src/computelimits/data/loaders/user_formats.py", "old_user_formats")
    old_join = _baseline("src/computelimits/data/join.py", "old_join")
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    if layout == "generic":
        results, compute = old_uf.load_generic(path)
    else:
        rates = {k: v for k, v in catalog.peak_table().items() if v.gflops == v.gflops}
        results, compute = old_uf.load_computer_progress(path, benchmark="imagenet",
                                                         hardware=rates)
    if fill or impute:
        compute = pd.concat([compute, catalog.compute()], ignore_index=True)
    kw = {"model_versions": None if fill else pd.DataFrame({"model_version": [],
                                                             "epoch_model": []}),
          "networks": None if impute else pd.DataFrame({"model_key": [],
                                                         "flop_per_image": []})}
    with catalog.active():
        old = old_join.join_compute(results, compute, impute=impute, fill=fill, **kw)
    if layout == "generic":  # documented: a blank publication cell takes the origin
        old.table["publication"] = old.table["publication"].fillna(old.table["origin"])
    new = load_user_file(path, fmt=layout, benchmark="imagenet" if layout != "generic"
                         else None, fill=fill, impute=impute, catalog=catalog)
    _same_join(old, new)
    assert new.table["match_rule"].notna().any()
