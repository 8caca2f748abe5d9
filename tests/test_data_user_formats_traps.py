"""Users' files: the data-quality traps of the Computer Progress tables (README of the
mirror's computer-progress folder) and the per-row provenance the join relies on.

All benchmark inputs are synthetic files in tmp_path; expected figures are computed by hand.
Only the hardware tables (gpu/cpu/tpu.csv) are read from the mirror, in one test.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from _helpers import write_rows
from computelimits.data.loaders.computer_progress import TPU_CHIPS_PER_UNIT, Peak, peak_table
from computelimits.data.loaders.user_formats import (
    SOURCE_COMPUTER_PROGRESS,
    load_computer_progress,
    load_generic,
)
from computelimits.errors import ConfigError, InputError

JOIN = ["source", "source_file", "source_row"]


def _joined(results, compute):
    """Results with the burden of their own file row (the integrator's join)."""
    return results.merge(compute[[*JOIN, "training_flop"]], on=JOIN, how="left")


# ------------------------------------------------- one model name, two papers, two burdens

IMAGENET_HEAD = "year,paper,url,method,gpu,#gpu,hw_gflops,time_sec,top1_error"
SENET_ROWS = [
    # the SENet paper: 8 GPUs x 1e4 GFLOP/s x 3600 s = 2.88e17 FLOP
    "2017,Squeeze-and-Excitation Networks,https://arxiv.org/abs/1709.01507,SENet,GPU-X,8,"
    "80000,3600,17.28",
    # the NASNet paper's SENet baseline, with NASNet's 500 GPUs x 96 h copied onto it:
    # 500 x 1e4 x 1e9 x 345600 = 1.728e21 FLOP
    "2017,Learning Transferable Architectures,,SENet,GPU-X,500,5000000,345600,17.3",
    # a baseline with hardware but no time: no compute of its own
    "2017,Learning Transferable Architectures,,Inception v3,GPU-X,500,5000000,,21.2",
]


@pytest.mark.parametrize("hardware", [None, {"GPU-X": 1e4}])
def test_same_model_name_two_papers_keep_their_own_burden(tmp_path, hardware):
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", IMAGENET_HEAD,
                                                         SENET_ROWS),
                                              benchmark="imagenet", hardware=hardware)
    # the model names (and keys) cannot tell the two SENet rows apart ...
    senet = results[results["model"] == "SENet"]
    assert senet["model_key"].nunique() == 1 and len(senet) == 2
    # ... the file rows can: one compute row per row with a burden, at its own source_row
    assert compute["model"].tolist() == ["SENet", "SENet"]
    assert compute["source_row"].tolist() == [1, 2]
    assert compute["training_flop"].tolist() == pytest.approx([2.88e17, 1.728e21])
    assert compute["source"].eq(SOURCE_COMPUTER_PROGRESS).all()
    joined = _joined(results, compute).set_index("source_row")
    assert joined.loc[1, "training_flop"] == pytest.approx(2.88e17)
    assert joined.loc[2, "training_flop"] == pytest.approx(1.728e21)
    assert math.isnan(joined.loc[3, "training_flop"])  # Inception v3: results, no compute
    assert joined.loc[1, "publication"] == "Squeeze-and-Excitation Networks"
    assert joined.loc[2, "publication"] == "Learning Transferable Architectures"
    assert compute.attrs["repairs"]["row without compute: no time_sec"] == 1


# --------------------------------------------------------------- TPU chips and conventions

TPU_HEAD = "year,title,method,gpu,#gpu,tpu,#tpu,cpu,#cpu,time_sec,F1,EM"
TPU_ROWS = [
    # BERT-like: 64 chips of a Cloud TPU v3 (420,000 GFLOP/s per 4-chip device), 1000 s
    "2018,Paper T,Net TPU,,,Cloud TPU v3,64,,,1000,90.9,84.1",
    # 8 V100 at 15,700 GFLOP/s FP32, 1000 s
    "2018,Paper G,Net GPU,Tesla V100,8,,,,,1000,81.1,72.1",
    # 8 TPU v3 chips plus 2 CPUs at 500 GFLOP/s FP32, 100 s: two precisions in one sum
    "2019,Paper M,Net Mixed,,,Cloud TPU v3,8,Xeon X,2,100,80.0,70.0",
]
TPU_HARDWARE = {"Cloud TPU v3": Peak(420_000, "bf16", 4), "Tesla V100": Peak(15_700, "fp32"),
                "Xeon X": 500.0}


def test_tpu_per_chip_convention(tmp_path):
    _, compute = load_computer_progress(write_rows(tmp_path / "file.csv", TPU_HEAD, TPU_ROWS),
                                        benchmark="squad1.1", hardware=TPU_HARDWARE)
    c = compute.set_index("source_row")
    # 64 chips x (420,000 / 4 = 105,000 GFLOP/s per chip) x 1e9 x 1000 s = 6.72e18 FLOP
    assert c.loc[1, "training_flop"] == pytest.approx(64 * 105_000e9 * 1000)
    assert c.loc[1, "training_flop"] == pytest.approx(6.72e18)
    assert c.loc[1, "peak_precision"] == "bf16" and c.loc[1, "chip_count"] == 64
    assert "convention per-chip" in c.loc[1, "notes"]
    assert "64 × Cloud TPU v3 at 105000 GFLOP/s per chip (bf16; 420000 GFLOP/s per 4-chip " \
           "unit)" in c.loc[1, "notes"]
    # 8 x 15,700e9 x 1000 = 1.256e17 FLOP
    assert c.loc[2, "training_flop"] == pytest.approx(1.256e17)
    assert c.loc[2, "peak_precision"] == "fp32"
    # (8 x 105,000 + 2 x 500) x 1e9 x 100 = 8.41e16 FLOP
    assert c.loc[3, "training_flop"] == pytest.approx(8.41e16)
    assert c.loc[3, "peak_precision"] == "mixed" and c.loc[3, "chip_count"] == 8
    assert "(bf16" in c.loc[3, "notes"] and "(fp32)" in c.loc[3, "notes"]
    assert compute["compute_kind"].eq("hardware_burden").all()
    assert compute["method"].eq("hardware").all()


def test_tpu_paper_convention_is_four_times_per_chip(tmp_path):
    path = write_rows(tmp_path / "file.csv", TPU_HEAD, TPU_ROWS)
    _, chip = load_computer_progress(path, benchmark="squad1.1", hardware=TPU_HARDWARE)
    _, paper = load_computer_progress(path, benchmark="squad1.1", hardware=TPU_HARDWARE,
                                      convention="paper")
    p = paper.set_index("source_row")
    c = chip.set_index("source_row")
    # 64 x 420,000e9 x 1000 = 2.688e19 FLOP: the seeder's count x device rate
    assert p.loc[1, "training_flop"] == pytest.approx(64 * 420_000e9 * 1000)
    assert p.loc[1, "training_flop"] == pytest.approx(4 * c.loc[1, "training_flop"])
    assert p.loc[1, "chip_count"] == 256  # 64 devices of 4 chips
    assert p.loc[1, "peak_precision"] == "bf16"
    assert "convention paper" in p.loc[1, "notes"]
    assert "420000 GFLOP/s per unit (bf16; a 4-chip unit, 105000 GFLOP/s per chip)" \
        in p.loc[1, "notes"]
    assert p.loc[2, "training_flop"] == pytest.approx(c.loc[2, "training_flop"])  # GPUs
    # (8 x 420,000 + 2 x 500) x 1e9 x 100 = 3.361e17 FLOP
    assert p.loc[3, "training_flop"] == pytest.approx(3.361e17)


def test_tpu_pods_and_bare_numbers(tmp_path):
    rows = ["2019,P,Net Pod,,,Cloud TPU v2 Pod,256,,,10,90,80",
            "2019,P,Net Bare,,,TPU-B,16,,,10,90,80"]
    hw = {"Cloud TPU v2 Pod": Peak(1.15e7, "bf16", TPU_CHIPS_PER_UNIT["Cloud TPU v2 Pod"]),
          "TPU-B": 1000.0}
    _, compute = load_computer_progress(write_rows(tmp_path / "file.csv", TPU_HEAD, rows),
                                        benchmark="squad", hardware=hw)
    # a whole pod in chips: 256 x (1.15e7 / 256) x 1e9 x 10 = 1.15e17 FLOP
    assert compute["training_flop"].iloc[0] == pytest.approx(1.15e17)
    # a bare number is an FP32 rate of a single-chip unit (backward compatible)
    assert compute["training_flop"].iloc[1] == pytest.approx(16 * 1000e9 * 10)
    assert compute["peak_precision"].tolist() == ["bf16", "fp32"]


def test_hw_gflops_column_rate_is_as_given(tmp_path):
    # BERT in the SQuAD file: #tpu 64 but hw_gflops = one TPU v3 device; the file's own
    # product is used as written and labelled unchecked
    head = "year,title,method,tpu,#tpu,hw_gflops,time_sec,F1,EM"
    rows = ["2018,BERT paper,BERT,Cloud TPU v3,64,420000,1000,90.9,84.1"]
    _, compute = load_computer_progress(write_rows(tmp_path / "file.csv", head, rows),
                                        benchmark="squad1.1", convention="paper")
    assert compute["training_flop"].iloc[0] == pytest.approx(420_000e9 * 1000)
    assert compute["peak_precision"].iloc[0] == "as given"
    assert "unchecked" in compute["notes"].iloc[0]


def test_rate_unknown_or_missing_is_counted(tmp_path):
    rows = ["2019,P,Net V4,,,Cloud TPU v4,8,,,10,90,80",
            "2019,P,Net Q,,,TPU-Q,8,,,10,90,80"]
    hw = {"Cloud TPU v4": Peak(float("nan"), "bf16")}
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", TPU_HEAD, rows),
                                              benchmark="squad1.1", hardware=hw)
    assert len(results) == 4 and compute.empty
    rep = compute.attrs["repairs"]
    assert rep["row without compute: no peak rate for 'Cloud TPU v4' (in the hardware "
               "mapping without one)"] == 1
    assert rep["row without compute: no peak rate for 'TPU-Q' in the hardware mapping"] == 1


def test_conll_cpu_count_in_gpu_column_is_not_guessed(tmp_path):
    head = "year,title,model,gpu,#gpu,cpu,#cpu,hw_gflops,time_sec,F1,paper"
    rows = ["2009,CRF paper,CRF,,1,Xeon X,,76.8,3600,89.3,https://example.org/crf.pdf"]
    path = write_rows(tmp_path / "file.csv", head, rows)
    results, compute = load_computer_progress(path, benchmark="conll2003",
                                              hardware={"Xeon X": 76.8})
    assert len(results) == 1 and compute.empty
    rep = compute.attrs["repairs"]
    assert rep["row without compute: CPU count in #gpu? (#gpu without a gpu name and cpu "
               "'Xeon X' without #cpu; not guessed)"] == 1
    # the file's own hw_gflops (76.8, right for these rows) still gives a burden
    _, compute = load_computer_progress(path, benchmark="conll2003")
    assert compute["training_flop"].iloc[0] == pytest.approx(76.8e9 * 3600)
    assert results["publication"].iloc[0] == "CRF paper"  # title, not the link in paper


def test_bad_convention_and_bad_peaks(tmp_path):
    path = write_rows(tmp_path / "file.csv", TPU_HEAD, TPU_ROWS)
    for hardware in (None, TPU_HARDWARE):
        with pytest.raises(ConfigError, match=r"'per-chip', 'paper'.*'chips'"):
            load_computer_progress(path, benchmark="squad1.1", hardware=hardware,
                                   convention="chips")
    with pytest.raises(ConfigError, match="positive"):
        Peak(0.0, "fp32")
    with pytest.raises(ConfigError, match="precision"):
        Peak(1.0, "")
    with pytest.raises(ConfigError, match="chips"):
        Peak(1.0, "bf16", 0)
    with pytest.raises(ConfigError, match="chips"):
        Peak(1.0, "bf16", 2.5)
    assert Peak(420_000, "bf16", 4).per_chip_gflops == 105_000


def test_peak_table_from_mirror(mirror):
    table = peak_table()
    assert table["Cloud TPU v3"] == Peak(4.2e5, "bf16", 4)
    assert table["Cloud TPU v2"] == Peak(1.8e5, "bf16", 4)
    assert table["Cloud TPU v2 Pod"].chips == 256
    assert table["Cloud TPU v3 Pod"] == Peak(1e8, "bf16", 1024)
    assert table["Cloud TPU v3 Pod"].per_chip_gflops == pytest.approx(1e8 / 1024)
    assert math.isnan(table["Cloud TPU v4"].gflops)
    assert table["Tesla V100 SXM2 16 GB"] == Peak(15670.0, "fp32", 1)
    assert table["Intel Celeron N2805"].precision == "fp32"


# ----------------------------------------------------------------------- COCO and SQuAD

COCO_HEAD = ("id,year,title,method,dataset,url,BOX_AP,AP50,AP75,APS,APM,APL,gpu,#gpu,"
             "hw_gflops,time_sec,flops,hw time")
COCO_ROWS = [
    "1,2019,Detector Paper,Det-A,COCO test-dev,https://arxiv.org/abs/1,52.5,71.3,57.4,35.1,"
    "55.6,64.9,GPU-X,8,80000,36000,,10 hours",
    # no paper title: the link is the publication; APS..APL blank
    ",2019,,Det-B,COCO test-dev,https://arxiv.org/abs/2,40.0,60.0,43.0,,,,,,,,,",
    # neither title nor link: the model name is the publication
    "3,,,Det-C,COCO test-dev,,30.2,,,,,,,,,,,",
]


def test_coco_layout(tmp_path):
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", COCO_HEAD,
                                                         COCO_ROWS),
                                              benchmark="ms-coco")
    assert results["benchmark"].eq("coco").all()
    a = results[results["source_row"] == 1].set_index("metric")
    assert sorted(a.index) == ["ap50", "ap75", "ap_large", "ap_medium", "ap_small", "box_ap"]
    assert a.loc["box_ap", "value"] == pytest.approx(0.525)
    assert a.loc["box_ap", "error"] == pytest.approx(0.475)  # 1 - AP
    assert a.loc["ap_small", "value"] == pytest.approx(0.351)
    assert a.loc["ap_large", "error"] == pytest.approx(1 - 0.649)
    assert a["higher_is_better"].all() and a["unit"].eq("fraction").all()
    assert len(results) == 6 + 3 + 1
    pub = results.drop_duplicates("source_row").set_index("source_row")["publication"]
    assert pub.tolist() == ["Detector Paper", "https://arxiv.org/abs/2", "Det-C"]
    rep = results.attrs["repairs"]
    assert rep["publication: no paper title, link used"] == 1
    assert rep["publication: no paper title or link, model name used"] == 1
    # 8 x 1e4 GFLOP/s from hw_gflops x 36,000 s
    assert compute["source_row"].tolist() == [1]
    assert compute["training_flop"].iloc[0] == pytest.approx(80000e9 * 36000)


SQUAD_HEAD = "year,title,method,url,tpu,#tpu,gpu,#gpu,hw_gflops,time_sec,F1,EM,time"
SQUAD_ROWS = [
    "2018,BERT paper,BERT,https://arxiv.org/abs/1810.04805,Cloud TPU v3,64,,,420000,345600,"
    "93.2,87.4,4 days",
    # an at-chance-looking score still loads: chance filtering is done later
    "2016,Baseline paper,Sliding window,,,,,,,,2.0,0,",
]


def test_squad_layout(tmp_path):
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", SQUAD_HEAD,
                                                         SQUAD_ROWS),
                                              benchmark="squad_1_1",
                                              hardware={"Cloud TPU v3": Peak(4.2e5, "bf16", 4)})
    assert results["benchmark"].eq("squad1.1").all()
    r = results.set_index(["source_row", "metric"])
    assert r.loc[(1, "f1"), "value"] == pytest.approx(0.932)
    assert r.loc[(1, "f1"), "error"] == pytest.approx(0.068)  # 1 - F1
    assert r.loc[(1, "exact_match"), "error"] == pytest.approx(0.126)  # 1 - EM
    assert r.loc[(2, "f1"), "error"] == pytest.approx(0.98)
    assert r.loc[(2, "exact_match"), "value"] == 0 and r.loc[(2, "exact_match"), "error"] == 1
    assert results["setting_kind"].eq("supervised").all()
    assert compute["source_row"].tolist() == [1]
    # 64 chips x 105,000 GFLOP/s x 1e9 x 345,600 s
    assert compute["training_flop"].iloc[0] == pytest.approx(64 * 105_000e9 * 345_600)


def test_wrong_metric_for_benchmark(tmp_path):
    with pytest.raises(InputError, match=r"does not belong to benchmark squad1\.1"):
        load_computer_progress(write_rows(tmp_path / "file.csv", COCO_HEAD, COCO_ROWS),
                               benchmark="squad1.1")
    with pytest.raises(InputError, match=r"column 'F1'.*does not belong to benchmark coco"):
        load_computer_progress(write_rows(tmp_path / "file.csv", SQUAD_HEAD, SQUAD_ROWS),
                               benchmark="coco")
    bad = [COCO_ROWS[0].replace(",52.5,", ",152.5,")]
    with pytest.raises(InputError, match=r"row 1, column 'BOX_AP'.*over 100%"):
        load_computer_progress(write_rows(tmp_path / "file.csv", COCO_HEAD, bad), benchmark="coco")


def test_wmt_zero_bleu_loads(tmp_path):
    head = "year,title,model,gpu,#gpu,hw_gflops,time_sec,BLEU,SACREBLEU,paper"
    rows = ["2016,Some paper,Tiny,GPU-X,1,10000,60,0.0,,https://example.org/x"]
    results, _ = load_computer_progress(write_rows(tmp_path / "file.csv", head, rows),
                                        benchmark="wmt14-en-fr")
    assert results["value"].iloc[0] == 0 and results["error"].iloc[0] == 1.0


# ---------------------------------------------------------------------------- generic CSV

G_HEAD = "model,benchmark,metric,value,training_flop,compute_kind,setting_kind,origin"


def test_generic_per_row_compute_and_origins(tmp_path):
    rows = [
        "SENet,imagenet,top1_error,17.28%,2.88e17,,,Squeeze-and-Excitation Networks",
        # the same model name in another paper, with another figure: both kept
        "SENet,imagenet,top1_error,17.3%,1.728e21,includes_search,,NASNet paper",
        "SENet,imagenet,top5_error,3.8%,2.88e17,,,Squeeze-and-Excitation Networks",
        "GPT-3,mmlu,accuracy,43.9%,,,few-shot,Brown et al. 2020",
        "BERT,squad1.1,f1,0.932,6.72e18,hardware_burden,fine-tuned,",
        "Det,coco,box_ap,52.5%,,,supervised,",
    ]
    results, compute = load_generic(write_rows(tmp_path / "file.csv", G_HEAD, rows))
    assert len(results) == 6
    assert compute["source_row"].tolist() == [1, 2, 3, 5]
    assert compute["training_flop"].tolist() == [2.88e17, 1.728e21, 2.88e17, 6.72e18]
    assert compute["compute_kind"].tolist() == ["training", "includes_search", "training",
                                                "hardware_burden"]
    assert compute["method"].tolist() == ["reported", "reported", "reported", "hardware"]
    joined = _joined(results, compute).set_index("source_row")
    assert joined.loc[1, "training_flop"] == 2.88e17
    assert joined.loc[2, "training_flop"] == 1.728e21
    assert math.isnan(joined.loc[4, "training_flop"])
    assert joined["setting_kind"].tolist() == ["unknown", "unknown", "unknown", "few-shot",
                                               "fine-tuned", "supervised"]
    assert joined.loc[1, "publication"] == "Squeeze-and-Excitation Networks"  # = origin
    assert pd.isna(joined.loc[5, "publication"])
    assert joined.loc[6, "error"] == pytest.approx(0.475)


def test_generic_same_model_same_origin_must_agree(tmp_path):
    rows = ["SENet,imagenet,top1_error,17.28%,2.88e17,,,Paper A",
            "SENet,imagenet,top5_error,3.8%,2.9e17,,,Paper A"]
    with pytest.raises(InputError, match=r"row 2, column 'training_flop'.*same model and "
                                         r"origin 'Paper A'"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD, rows))
    # two papers may report different scores for one model on one benchmark and metric
    rows = ["SENet,imagenet,top1_error,17.28%,,,,Paper A",
            "SENet,imagenet,top1_error,17.3%,,,,Paper B"]
    results, _ = load_generic(write_rows(tmp_path / "file.csv", G_HEAD, rows))
    assert results["origin"].tolist() == ["Paper A", "Paper B"]


def test_generic_publication_column_and_unused_kind(tmp_path):
    head = "model,benchmark,metric,value,compute_kind,origin,publication"
    rows = ["X,mmlu,accuracy,0.5,training,Leaderboard L,Paper P"]
    results, compute = load_generic(write_rows(tmp_path / "file.csv", head, rows))
    assert results["publication"].iloc[0] == "Paper P"
    assert results["origin"].iloc[0] == "Leaderboard L"
    assert compute.empty
    assert results.attrs["repairs"]["compute_kind without training_flop: ignored"] == 1


@pytest.mark.parametrize(("old", "new", "column", "text"), [
    (",includes_search,", ",search,", "compute_kind", "allowed: training, hardware_burden"),
    (",few-shot,", ",3-shot,", "setting_kind", "allowed: supervised, zero-shot"),
])
def test_generic_bad_kinds(tmp_path, old, new, column, text):
    rows = ["A,imagenet,top1_error,20%,1e18,includes_search,few-shot,P"]
    with pytest.raises(InputError) as exc:
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD, [rows[0].replace(old, new)]))
    msg = str(exc.value)
    assert "row 1" in msg and f"column {column!r}" in msg and text in msg
