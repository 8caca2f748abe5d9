"""The paper's hardware burden for Epoch's models (by hand for known models), the utilization
it implies, fits on it beside training FLOP, and ``computelimits paper``."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from _helpers import assert_one_line_error
from computelimits.data.burden import RULE, burden_table, peak_of

# --- the burden rule on a small synthetic table ---------------------------------------------

CHIPS = pd.DataFrame({
    "chip": ["GPU A", "GPU A 80 GB", "TPU X", "GPU B", "TPU Old", "GPU C"],
    "type": ["GPU", "GPU", "TPU", "GPU", "TPU", "GPU"],
    "fp32_flops": [10e12, 10e12, 3e12, np.nan, np.nan, 20e12],
    "fp16_flops": [100e12, 100e12, 40e12, 500e12, np.nan, 200e12],
})


def _models(rows):
    cols = ["model", "model_key", "date", "hardware", "chip_count", "hours", "training_flop",
            "method", "base_model", "numerical_format", "source", "source_file", "source_row"]
    out = pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols)
    out["date"] = pd.to_datetime(out["date"])
    return out


def test_burden_rule_by_precision_fallback_and_mixed_hardware():
    models = _models([
        ("g", "g", "2020-01-01", "GPU A", 8, 10, 1e19, "hardware", None, "FP16", "epoch-ai-models",
         "f", 1),
        ("t", "t", "2020-01-01", "TPU X", 4, 2, 1e18, "operation counting", None, None,
         "epoch-ai-models", "f", 2),
        ("b", "b", "2020-01-01", "GPU B", 2, 1, np.nan, None, None, None, "epoch-ai-models", "f",
         3),
        ("same", "same", "2020-01-01", "GPU A,GPU A 80 GB", 2, 1, 1e17, None, "Base", None,
         "epoch-ai-models", "f", 4),
        ("mixed", "mixed", "2020-01-01", "GPU A,GPU C", 2, 1, 1e17, None, None, None,
         "epoch-ai-models", "f", 5),
        ("old", "old", "2020-01-01", "TPU Old", 2, 1, 1e17, None, None, None,
         "epoch-ai-models", "f", 6),
        ("unknown", "unknown", "2020-01-01", "GPU Z", 2, 1, 1e17, None, None, None,
         "epoch-ai-models", "f", 7),
        ("no-time", "notime", "2020-01-01", "GPU A", 2, np.nan, 1e17, None, None, None,
         "epoch-ai-models", "f", 8),
    ])
    t = burden_table(models, CHIPS, kinds={}).set_index("model")
    assert "no-time" not in t.index  # hardware, quantity and time are all needed
    # a GPU at its FP32 peak: 8 × 10e12 FLOP/s × 10 h × 3600 s
    assert t.loc["g", "hardware_burden_flop"] == pytest.approx(8 * 10e12 * 10 * 3600)
    assert t.loc["g", "peak_precision"] == "fp32"
    assert t.loc["g", "implied_utilization"] == pytest.approx(1e19 / (8 * 10e12 * 36000))
    assert "8 × GPU A at fp32 peak 1e+13 FLOP/s × 10 h" in t.loc["g", "note"]
    # a TPU at its 16-bit (bf16) peak, as the paper's TPU table
    assert t.loc["t", "hardware_burden_flop"] == pytest.approx(4 * 40e12 * 2 * 3600)
    assert t.loc["t", "peak_precision"] == "bf16"
    # a GPU without an FP32 figure takes its 16-bit one, and says so
    assert t.loc["b", "peak_precision"] == "fp16" and "no FP32 figure" in t.loc["b", "note"]
    assert math.isnan(t.loc["b", "implied_utilization"])
    # two chip types with the same peak share one quantity; a base model is said and keeps
    # the ratio out of the distribution
    assert t.loc["same", "status"] == "computed" and not t.loc["same", "comparable"]
    assert "base model 'Base' not included" in t.loc["same", "note"]
    assert t.loc["mixed", "status"].startswith("not computed: 2 chip types")
    assert "no FP32 or 16-bit peak" in t.loc["old", "status"]
    assert "not in Epoch's chip dataset" in t.loc["unknown", "status"]
    assert t.loc["g", "comparable"] and t.loc["t", "comparable"]
    assert "no utilization" in RULE and peak_of(CHIPS.iloc[4]) is None


# --- the mirror -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog(mirror):
    from computelimits.data.catalog import Catalog

    return Catalog()


def test_hardware_burden_of_known_models_by_hand(catalog):
    chips = catalog.chips().set_index("chip")
    burdens = catalog.hardware_burdens().set_index("model")
    # BERT-Large: 64 TPU v2 chips for 96 hours (Epoch), at the TPU v2's bf16 peak, 45 TFLOP/s
    peak = chips.loc["Google TPU v2", "fp16_flops"]
    assert peak == 45e12
    bert = burdens.loc["BERT-Large"]
    assert (bert["chip_count"], bert["hours"]) == (64, 96)
    assert bert["hardware_burden_flop"] == pytest.approx(64 * 45e12 * 96 * 3600)  # 9.95e20
    assert bert["peak_precision"] == "bf16"
    assert bert["implied_utilization"] == pytest.approx(2.85e20 / (64 * 45e12 * 96 * 3600))
    # the Transformer: 8 P100 for 84 hours at the P100's FP32 peak, 9.3 TFLOP/s
    p100 = chips.loc["NVIDIA P100", "fp32_flops"]
    tr = burdens.loc["Transformer"]
    assert (tr["chip_count"], tr["hours"], p100) == (8, 84, 9.3e12)
    assert tr["hardware_burden_flop"] == pytest.approx(8 * 9.3e12 * 84 * 3600)
    assert tr["peak_precision"] == "fp32"
    # every model that gives hardware, quantity and time is in the table
    models = catalog.models()
    has = models["hardware"].notna() & models["chip_count"].notna() & models["hours"].notna()
    assert len(burdens) == int(has.sum()) == 300
    assert burdens["hardware_burden_flop"].notna().sum() == 294


def test_implied_utilization_distribution(catalog):
    from computelimits.compute.utilization import implied_utilization, quartiles

    u = implied_utilization(catalog=catalog)
    assert (u.n_models, u.n_burden) == (300, 294)
    d = u.distribution.set_index("group")
    allm = d.loc["all comparable models"]
    ok = u.models[u.models["comparable"]]["implied_utilization"]
    assert allm["n"] == len(ok) > 200
    assert allm["median"] == pytest.approx(float(np.median(ok)))
    assert allm["q1"] < allm["median"] < allm["q3"]
    # TPU runs (bf16 peaks) sit near Epoch's assumed 30–40%; FP32 peaks understate
    # tensor-core training, so their ratios exceed 1
    assert 0.2 < d.loc["bf16 peaks", "median"] < 0.5 < 1 < d.loc["fp32 peaks", "median"]
    js = u.to_dict()
    assert js["models_with_burden"] == 294 and js["distribution"][0]["n"] == allm["n"]
    assert any("implied utilization" in line and "median" in line for line in u.lines())
    empty = quartiles([])
    assert empty["n"] == 0 and math.isnan(empty["median"])


def test_fits_on_hardware_burden_beside_training_flop(catalog):
    from computelimits.scaling.dataset import benchmark_data

    joined = catalog.joined().table
    train = benchmark_data("imagenet", joined=joined)
    burden = benchmark_data("imagenet", joined=joined, kind="hardware_burden")
    tsel, bsel = train.attrs["selection"], burden.attrs["selection"]
    assert tsel.kind == "training" and bsel.kind == "hardware_burden"
    assert tsel.n_by_kind["hardware_burden"] == bsel.n_by_kind["hardware_burden"] == 5
    assert bsel.precision == "fp32" and len(burden) == 4
    # a result is fitted once: its burden twin is not "left out" of the training fit
    assert not any("hardware_burden" in k for k in tsel.left_out)
    assert (burden["compute_kind"] == "hardware_burden").all()
    assert burden["match_note"].str.contains("hardware burden:").all()
    # the burden stands in for Epoch's figure, never the row's own columns
    vgg = burden[burden["model"] == "VGG-16"].iloc[0]
    assert vgg["training_flop"] == pytest.approx(4 * 5.645e12 * 504 * 3600, rel=1e-3)
    row = joined[(joined["model"] == "VGG-16") & (joined["metric"] == "top1_accuracy")].iloc[0]
    assert row["training_flop"] != vgg["training_flop"]
    assert row["hardware_burden_flop"] == vgg["training_flop"]
    # kind="all" mixes each row's own kind and never counts a result twice
    mixed = benchmark_data("imagenet", joined=joined, kind="all", imputed=False)
    assert "hardware_burden" not in mixed.attrs["selection"].n_by_kind


# --- the paper's table ---------------------------------------------------------------------

def test_paper_table_columns_and_rows(catalog):
    from computelimits.scaling.paper_table import BENCHMARKS, COLUMNS, KINDS, paper_table

    t = paper_table(catalog=catalog)
    df = t.to_frame()
    assert list(df.columns) == COLUMNS
    assert list(zip(df["benchmark"], df["compute_kind"], strict=True)) == [
        (b, k) for b in BENCHMARKS for k in KINDS]
    rows = df.set_index(["benchmark", "compute_kind"])
    im = rows.loc[("imagenet", "training")]
    assert im["n"] == 18 and im["status"] == "fitted" and im["identified"]
    assert im["slope_ci_low"] < im["slope"] < im["slope_ci_high"] < 0
    assert im["halving_multiple"] == pytest.approx(2 ** (-1 / im["slope"]))
    fit = t.fits[("imagenet", "bundled", "training")]
    assert fit.halving_multiple() == pytest.approx(im["halving_multiple"])
    assert rows.loc[("imagenet", "hardware_burden"), "n"] == 4
    assert rows.loc[("squad1.1", "training"), "n"] == 4
    assert rows.loc[("squad1.1", "training"), "status"] == "too few to fit (8 needed)"
    assert "no open data" in rows.loc[("coco", "training"), "status"]
    # every published figure names its source; nothing without one
    assert (df["published_source"].str.len() > 0).all()
    assert all("arXiv:2007.05558" in c for c in t.citations())
    assert t.attribution and any("SQuAD" in a for a in t.attribution)


def _coco_file(tmp_path):
    rows = ["model,benchmark,metric,value,training_flop,compute_kind,setting_kind,origin,date"]
    rng = np.random.default_rng(1)
    for i in range(10):
        ap = 0.2 + 0.03 * i + rng.uniform(-0.01, 0.01)
        rows.append(f"Det-{i},coco,box_ap,{ap:.3f},{10 ** (18 + 0.4 * i):.3g},hardware_burden,"
                    f"supervised,Paper {i},2016-0{1 + i % 9}-01")
    path = tmp_path / "coco.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_paper_cli_json_out_and_a_coco_file(mirror, invoke, tmp_path):
    from computelimits.scaling.paper_table import COLUMNS

    out = tmp_path / "paper.csv"
    res = invoke("paper", "--data", str(_coco_file(tmp_path)), "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert set(doc) == {"rows", "citations", "attribution"}
    assert set(COLUMNS) <= set(doc["rows"][0])
    coco = [r for r in doc["rows"] if r["benchmark"] == "coco"]
    assert [(r["data"], r["compute_kind"]) for r in coco] == [("your file", "training"),
                                                              ("your file", "hardware_burden")]
    assert coco[1]["n"] == 10 and coco[1]["status"] == "fitted" and coco[1]["slope"] < 0
    assert coco[0]["n"] == 0 and coco[0]["slope"] is None  # strict JSON: no NaN
    assert any("user file" in a for a in doc["attribution"])
    written = pd.read_csv(out)
    assert list(written.columns) == COLUMNS and len(written) == len(doc["rows"])
    text = invoke("paper")
    assert text.returncode == 0, text.stderr
    for word in ("ImageNet", "SQuAD 1.1", "hardware_burden (fp32)", "too few to fit",
                 "[1] Thompson", "source: "):
        assert word in text.stdout, word


def test_paper_cli_bad_data(mirror, invoke, tmp_path):
    assert_one_line_error(invoke("paper", "--data", str(tmp_path / "missing.csv")),
                          "not found")
    bad = tmp_path / "bad.csv"
    bad.write_text("model,benchmark,metric,value\nX,imagenet,top1_accuracy,banana\n",
                   encoding="utf-8")
    assert_one_line_error(invoke("paper", "--data", str(bad)), "value")
    other = tmp_path / "other.csv"
    other.write_text("model,benchmark,metric,value\nX,mmlu,accuracy,0.5\n", encoding="utf-8")
    assert_one_line_error(invoke("paper", "--data", str(other)),
                          "none of the paper's benchmarks")
    assert_one_line_error(invoke("paper", "--format", "computer-progress"), "--data FILE")
    assert "Example: computelimits paper" in invoke("paper", "--help").stdout
