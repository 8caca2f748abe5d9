"""Users' own files as they are (issue 19): a benchmark of one's own, processors spelled as
papers spell them, a row's own hw_gflops where a processor is in no table, a blank model
name, rows of one model and paper with different scores, and messages that group rows and
name the column meant.

All inputs are synthetic files in tmp_path; expected figures are computed by hand from the
Computer Progress hardware tables (gpu.csv, tpu.csv), as the comments say.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from _helpers import assert_one_line_error, write_rows
from computelimits.data.benchmarks import find_benchmark, near_miss
from computelimits.data.loaders.computer_progress import Peak
from computelimits.data.userfiles import (
    load_computer_progress,
    load_generic,
    processor_key,
)
from computelimits.data.userfiles.processors import Processors, family_key
from computelimits.errors import ConfigError, InputError

# the Computer Progress peaks the tests rely on (gpu.csv, tpu.csv; GFLOP/s as written)
CP_TABLE = {
    "Tesla V100 SXM2 16 GB": Peak(15670.0), "Tesla V100 PCIe 16 GB": Peak(14130.0),
    "Tesla V100 SXM3 32 GB": Peak(15670.0), "Tesla V100 PCIe 32 GB": Peak(14130.0),
    "NVIDIA Tesla V100 FHHL": Peak(13210.0), "Tesla V100S PCIe 32 GB": Peak(16350.0),
    "Tesla P100 SXM2": Peak(10610.0), "Tesla P100 DGXS": Peak(10610.0),
    "Tesla P100 PCIe 16 GB": Peak(9526.0), "Tesla P100 PCIe 12 GB": Peak(9526.0),
    "GeForce GTX Titan X": Peak(6604.8), "GeForce Titan X": Peak(10974.2),
    "GeForce Titan Xp": Peak(11366.4), "GeForce GTX 1080 Ti": Peak(11339.7),
    "Tesla K80": Peak(5600.0), "Tesla M40": Peak(6844.0),
    "A100 SXM4": Peak(19490.0), "A100 PCIe": Peak(19490.0), "A100 SXM4 80 GB": Peak(19490.0),
    "Cloud TPU v2": Peak(180000.0, "bf16", 4), "Cloud TPU v3": Peak(420000.0, "bf16", 4),
    "Cloud TPU v4": Peak(float("nan"), "bf16", 1),
}


@pytest.fixture(autouse=True)
def _own_benchmarks_forgotten():
    """Benchmarks of one's own are known for the rest of a process once a file names them:
    each test here starts and ends with the process's registry as it was."""
    from computelimits.data import benchmarks

    saved = dict(benchmarks._OWN)
    yield
    benchmarks._OWN.clear()
    benchmarks._OWN.update(saved)


# ------------------------------------------------- processors as papers write them (COCO)

COCO_HEAD = "id,year,title,method,dataset,BOX_AP,AP50,gpu,#gpu,tpu,#tpu,hw_gflops,time_sec"
COCO_ROWS = [
    # 8 × "Tesla V100": hw_gflops 125,360 = 8 × 15,670 picks the SXM2 16 GB card
    "1,2019,Paper A,Det-A,COCO test-dev,45.1,64.0,Tesla V100,8,,,125360,86400",
    # 8 × "Tesla P100": 84,880 = 8 × 10,610 (the SXM2 card)
    "2,2018,Paper B,Det-B,COCO test-dev,41.0,61.0,Tesla P100,8,,,84880,172800",
    # 4 × "Titan X" at 26,419 = 4 × 6,604.8: the 2015 Maxwell card, not the Pascal one
    "3,2016,Paper C,Det-C,COCO test-dev,30.5,50.1,Titan X,4,,,26419,259200",
    # 32 TPU v3 chips: 105,000 GFLOP/s each (420,000 per 4-chip device), bf16
    "4,2019,Paper D,Det-D,COCO test-dev,48.4,67.0,,,TPUv3,32,3360000,43200",
    # the card named in full, in another spelling
    "5,2019,Paper E,Det-E,COCO test-dev,46.0,65.0,V100-SXM2-16GB,16,,,250720,50000",
    # "A100 40GB": the A100 variants share one FP32 peak, 19,490
    "6,2020,Paper F,Det-F,COCO test-dev,50.0,69.0,A100 40GB,8,,,,40000",
    # exact names, as before
    "7,2017,Paper G,Det-G,COCO test-dev,33.0,53.0,Tesla K80,8,,,44800,500000",
    "8,2017,Paper H,Det-H,COCO test-dev,36.2,56.0,Tesla M40,8,,,54752,400000",
]
# (row, training FLOP, precision, table name the processor was read as)
COCO_EXPECTED = [
    (1, 8 * 15670e9 * 86400, "fp32", "Tesla V100 SXM2 16 GB"),
    (2, 8 * 10610e9 * 172800, "fp32", "Tesla P100 SXM2"),
    (3, 4 * 6604.8e9 * 259200, "fp32", "GeForce GTX Titan X"),
    (4, 32 * 105000e9 * 43200, "bf16", "Cloud TPU v3"),
    (5, 16 * 15670e9 * 50000, "fp32", "Tesla V100 SXM2 16 GB"),
    (6, 8 * 19490e9 * 40000, "fp32", "A100 SXM4"),
    (7, 8 * 5600e9 * 500000, "fp32", None),
    (8, 8 * 6844e9 * 400000, "fp32", None),
]


def test_every_row_of_the_coco_file_keeps_its_compute(tmp_path):
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", COCO_HEAD,
                                                         COCO_ROWS),
                                              benchmark="coco", hardware=CP_TABLE)
    assert len(results) == 16 and results["benchmark"].eq("coco").all()
    c = compute.set_index("source_row")
    assert sorted(c.index) == list(range(1, 9))  # 8 of 8 rows keep compute
    assert compute["compute_kind"].eq("hardware_burden").all()
    assert compute["method"].eq("hardware").all()
    rep = compute.attrs["repairs"]
    for row, flop, precision, read_as in COCO_EXPECTED:
        assert c.loc[row, "training_flop"] == pytest.approx(flop), row
        assert c.loc[row, "peak_precision"] == precision, row
        if read_as is None:  # an exact name: no notice
            assert "read as" not in c.loc[row, "notes"]
            continue
        assert f"(read as {read_as!r})" in c.loc[row, "notes"], row
        # the variant and its precision are printed, naming the row
        notice = [k for k in rep if k.startswith("processor ") and f"(row {row})" in k]
        assert len(notice) == 1 and f"read as {read_as!r}" in notice[0], row
        assert f", {precision}" in notice[0]
    assert "the one the row's hw_gflops gives" in next(k for k in rep if "'Titan X'" in k)
    assert "variants share this peak" in next(k for k in rep if "'A100 40GB'" in k)
    # each result is linked to the burden of its own row
    assert set(results["source_row"]) == set(compute["source_row"])


def test_the_coco_file_end_to_end_with_the_mirror_tables(mirror, tmp_path, invoke):
    path = write_rows(tmp_path / "coco.csv", COCO_HEAD, COCO_ROWS)
    res = invoke("data", "check", str(path), "--format", "computer-progress", "--benchmark",
                 "coco", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["results"] == 16 and d["with_compute"] == 16  # 8 rows × 2 metrics
    assert d["peak_precision"] == {"fp32": 14, "bf16": 2}
    assert sum(n for k, n in d["repairs"].items() if k.startswith("processor ")) == 6


@pytest.mark.parametrize(("written", "key"), [
    ("Tesla V100", "v100"), ("NVIDIA V100", "v100"), ("V100-SXM2-16GB", "v100sxm2"),
    ("Tesla V100 SXM2 16 GB", "v100sxm2"), ("TPUv3", "tpuv3"), ("TPU v3", "tpuv3"),
    ("Cloud TPU v3", "tpuv3"), ("Google Cloud TPU-v3", "tpuv3"), ("GTX 1080 Ti", "gtx1080ti"),
    ("GeForce GTX 1080 Ti", "gtx1080ti"), ("K80", "k80"), ("Tesla K80", "k80"),
    ("A100 40GB", "a100"), ("TITAN Xp", "titanxp"), ("Titan X (Pascal)", "titanxpascal"),
])
def test_processor_keys(written, key):
    assert processor_key(written) == key


@pytest.mark.parametrize(("written", "table_name", "how"), [
    ("Tesla V100 SXM2 16 GB", "Tesla V100 SXM2 16 GB", "exact"),
    ("tesla v100 sxm2 16gb", "Tesla V100 SXM2 16 GB", "key"),
    ("Tesla V100", "Tesla V100 SXM2 16 GB", "family"),      # the documented default
    ("V100", "Tesla V100 SXM2 16 GB", "family"),
    ("Tesla P100", "Tesla P100 SXM2", "family"),
    ("Titan X", "GeForce GTX Titan X", "alias"),             # Maxwell unless hw_gflops says
    ("Titan X Pascal", "GeForce Titan X", "alias"),
    ("TITAN Xp", "GeForce Titan Xp", "key"),
    ("TPU v3", "Cloud TPU v3", "key"),
    ("Cloud TPU v3", "Cloud TPU v3", "exact"),
    ("1080 Ti", "GeForce GTX 1080 Ti", "alias"),
    ("K80", "Tesla K80", "key"),
    ("A100 40GB", "A100 SXM4", "family"),
])
def test_processor_spellings_match_the_tables(written, table_name, how):
    m = Processors(CP_TABLE).match(written)
    assert m.name == table_name and m.how == how
    assert (m.notice is None) == (how == "exact")


def test_a_variant_is_chosen_by_the_rows_hw_gflops():
    p = Processors(CP_TABLE)
    assert p.match("Titan X", 10974.2).name == "GeForce Titan X"  # the Pascal card's rate
    assert p.match("Titan X", 6604.8).name == "GeForce GTX Titan X"
    assert p.match("Tesla V100", 14130.0).name == "Tesla V100 PCIe 16 GB"
    assert p.match("Tesla V100", 99.0).name == "Tesla V100 SXM2 16 GB"  # no fit: the default
    assert family_key("Tesla V100 PCIe 32 GB") == "v100"
    # a family without a default and different peaks is ambiguous
    two = {"Chip Z SXM": Peak(100.0), "Chip Z PCIe": Peak(80.0)}
    assert "name the variant" in Processors(two).match("Chip Z")
    assert Processors(two).match("Chip Z", 80.0).name == "Chip Z PCIe"
    assert Processors(CP_TABLE).match("Mystery accelerator") == "not found"


def test_epoch_chip_table_covers_what_computer_progress_lacks():
    chips = pd.DataFrame({"chip": ["Google TPU v4", "NVIDIA H100 SXM5 80GB"],
                          "type": ["TPU", "GPU"], "vendor": ["Google", "NVIDIA"],
                          "fp32_flops": [np.nan, 6.691e13],
                          "fp16_flops": [2.75e14, 9.894e14]})
    p = Processors(CP_TABLE, chips)
    v4 = p.match("TPU v4")  # in the Computer Progress table without a rate
    assert v4.name == "Google TPU v4" and v4.table == "epoch"
    assert v4.peak == Peak(275000.0, "bf16", 1) and "Epoch AI's chip table" in v4.notice
    h100 = p.match("H100 SXM5")
    assert h100.peak == Peak(66910.0, "fp32", 1)


def test_tpu_v4_and_h100_rows_with_the_mirror_tables(mirror, tmp_path):
    from computelimits.data.user_data import load_user_file

    head = "year,title,method,gpu,#gpu,tpu,#tpu,hw_gflops,time_sec,F1,EM"
    rows = ["2021,Paper V4,Net V4,,,TPU v4,64,,1000,95.0,90.0",
            "2023,Paper H,Net H,H100 SXM5 80GB,8,,,,1000,96.0,91.0"]
    jr = load_user_file(write_rows(tmp_path / "file.csv", head, rows), fmt="computer-progress",
                        benchmark="squad1.1", fill=False)
    t = jr.table.drop_duplicates("source_row").set_index("source_row")
    # Epoch AI: TPU v4 2.75e14 FLOP/s bf16 per chip; H100 SXM5 6.691e13 FLOP/s FP32
    assert t.loc[1, "training_flop"] == pytest.approx(64 * 2.75e14 * 1000)
    assert t.loc[1, "peak_precision"] == "bf16"
    assert t.loc[2, "training_flop"] == pytest.approx(8 * 6.691e13 * 1000)
    assert t.loc[2, "peak_precision"] == "fp32"


# --------------------------------------------------- a processor in no table: hw_gflops

UNKNOWN_HEAD = "year,title,method,gpu,#gpu,cpu,#cpu,hw_gflops,time_sec,top1_error"


def test_a_processor_in_no_table_uses_the_rows_own_hw_gflops(tmp_path):
    rows = ["2019,Paper Q,Net Q,Ascend-Q 910,4,,,1024000,3600,20.0",       # in no table
            "2019,Paper R,Net R,Ascend-Q 910,4,,,,3600,21.0",              # and no hw_gflops
            "2018,Paper S,Net S,Tesla K80,2,Xeon Mystery,2,11400,7200,25.0"]  # one unknown
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", UNKNOWN_HEAD, rows),
                                              benchmark="imagenet", hardware=CP_TABLE)
    assert len(results) == 3
    c = compute.set_index("source_row")
    assert sorted(c.index) == [1, 3]
    assert c.loc[1, "training_flop"] == pytest.approx(1024000e9 * 3600)
    assert c.loc[1, "peak_precision"] == "as given" and "unchecked" in c.loc[1, "notes"]
    assert c.loc[1, "compute_kind"] == "hardware_burden"
    # the row's whole hw_gflops: its K80s cannot be added to an unknown CPU's rate
    assert c.loc[3, "training_flop"] == pytest.approx(11400e9 * 7200)
    assert c.loc[3, "peak_precision"] == "as given"
    rep = compute.attrs["repairs"]
    assert rep["gpu 'Ascend-Q 910' is in no hardware table: the row's own hw_gflops used "
               "(precision as given) (row 1)"] == 1
    assert rep["cpu 'Xeon Mystery' is in no hardware table: the row's own hw_gflops used "
               "(precision as given) (row 3)"] == 1
    assert rep["row without compute: no peak rate for 'Ascend-Q 910' in the hardware "
               "mapping"] == 1


# ------------------------------------------------------------------ a blank model name

def test_a_blank_method_takes_the_paper_title_or_the_link(tmp_path):
    head = "year,title,url,method,gpu,#gpu,hw_gflops,time_sec,F1,EM"
    rows = ["2018,Reading Paper,https://arxiv.org/abs/1,,Tesla K80,1,5600,3600,80.0,70.0",
            "2018,,https://arxiv.org/abs/2,,Tesla K80,1,5600,3600,81.0,71.0",
            "2018,Other Paper,,Net C,Tesla K80,1,5600,3600,82.0,72.0"]
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", head, rows),
                                              benchmark="squad1.1", hardware=CP_TABLE)
    by_row = results.drop_duplicates("source_row").set_index("source_row")
    assert by_row["model"].tolist() == ["Reading Paper", "https://arxiv.org/abs/2", "Net C"]
    assert len(compute) == 3  # every row keeps its compute
    rep = results.attrs["repairs"]
    assert rep["method: blank, the paper title used as the model name (row 1)"] == 1
    assert rep["method: blank, the link used as the model name (row 2)"] == 1


def test_a_blank_generic_model_takes_the_publication(tmp_path):
    head = "model,benchmark,metric,value,origin,publication"
    results, _ = load_generic(write_rows(tmp_path / "file.csv", head,
                                         [",mmlu,accuracy,0.5,Board,Paper P",
                                          ",mmlu,accuracy,0.6,Board 2,",
                                          "A,mmlu,accuracy,0.7,,"]))
    assert results["model"].tolist() == ["Paper P", "Board 2", "A"]
    rep = results.attrs["repairs"]
    assert rep["model: blank, the publication used as its name (rows 1, 2)"] == 2


# ----------------------------------------- rows of one model and paper, different scores

SQUAD_HEAD = "year,title,method,gpu,#gpu,hw_gflops,time_sec,F1,EM"
SQUAD_ROWS = ["2017,DCN paper,DCN+ (ensemble),Tesla K80,1,5600,3600,85.996,78.8",
              "2017,DCN paper,DCN+ (ensemble),Tesla K80,1,5600,3600,82.806,75.1",
              "2016,Match paper,Match-LSTM,Tesla K80,1,5600,7200,77.0,67.9"]


@pytest.mark.parametrize(("policy", "kept"), [("all", [1, 2, 3]), ("first", [1, 3]),
                                              ("best", [1, 3])])
def test_one_model_and_paper_with_different_scores(tmp_path, policy, kept):
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", SQUAD_HEAD,
                                                         SQUAD_ROWS),
                                              benchmark="squad1.1", hardware=CP_TABLE,
                                              duplicates=policy)
    assert sorted(set(results["source_row"])) == kept
    assert compute["source_row"].tolist() == kept  # each kept row keeps its own compute
    notice = next(k for k in results.attrs["repairs"] if k.startswith("rows of one model"))
    assert "rows 1, 2 ('DCN+ (ensemble)', 'DCN paper')" in notice
    assert f"--duplicates {policy}" in notice


def test_best_keeps_the_best_score_and_error_refuses(tmp_path):
    rows = [SQUAD_ROWS[1], SQUAD_ROWS[0], SQUAD_ROWS[2]]  # the better score second
    results, _ = load_computer_progress(write_rows(tmp_path / "file.csv", SQUAD_HEAD, rows),
                                        benchmark="squad1.1", hardware=CP_TABLE,
                                        duplicates="best")
    f1 = results[results["metric"] == "f1"].set_index("source_row")["value"]
    assert f1.to_dict() == pytest.approx({2: 0.85996, 3: 0.77})
    with pytest.raises(InputError, match=r"row 2, column 'F1': same model and paper as row 1 "
                                         "but different scores"):
        load_computer_progress(write_rows(tmp_path / "file.csv", SQUAD_HEAD, SQUAD_ROWS),
                               benchmark="squad1.1", hardware=CP_TABLE, duplicates="error")
    with pytest.raises(ConfigError, match="duplicates must be one of"):
        load_computer_progress(write_rows(tmp_path / "file.csv", SQUAD_HEAD, SQUAD_ROWS),
                               benchmark="squad1.1", duplicates="some")


def test_generic_dev_and_test_scores_stay_separate(tmp_path):
    head = "model,benchmark,metric,value,origin,training_flop"
    rows = ["Net,imagenet,top1_accuracy,76.1%,Paper,1e18",
            "Net,imagenet,top1_accuracy,75.3%,Paper,1e18",
            "Other,imagenet,top1_accuracy,70.0%,Paper 2,5e17"]
    results, compute = load_generic(write_rows(tmp_path / "file.csv", head, rows))
    assert results["source_row"].tolist() == [1, 2, 3]
    assert compute["source_row"].tolist() == [1, 2, 3]
    best, _ = load_generic(write_rows(tmp_path / "file.csv", head, rows), duplicates="best")
    assert best["value"].tolist() == pytest.approx([0.761, 0.70])


# -------------------------------------------------------------- a benchmark of your own

OWN_HEAD = "model,benchmark,metric,value,date,training_flop,origin"


def _own_rows(bench: str = "my-reasoning-bench", n: int = 14) -> list[str]:
    """Error falling as compute grows (slope -0.12 in log-log), with small noise."""
    rng = np.random.default_rng(19)
    rows = []
    for i in range(n):
        flop = 10 ** (20 + 0.35 * i)
        err = 0.7 * (flop / 1e20) ** -0.12 * rng.uniform(0.95, 1.05)
        rows.append(f"M{i},{bench},accuracy,{1 - err:.4f},{2018 + i // 3}-0{1 + i % 9}-01,"
                    f"{flop:.4g},Paper {i}")
    return rows


def test_a_benchmark_of_your_own_flows_to_the_fit(tmp_path):
    from computelimits.data.join import join_compute
    from computelimits.scaling import ScalingFit
    from computelimits.scaling.dataset import benchmark_data

    rows = [r + (",0.75" if i == 0 else ",") for i, r in enumerate(_own_rows())]
    rows.append("Guess,my-reasoning-bench,accuracy,0.2,2019-01-01,1e19,Paper X,")  # at chance
    results, compute = load_generic(write_rows(tmp_path / "file.csv", OWN_HEAD + ",chance_error",
                                               rows))
    assert results["benchmark"].eq("my-reasoning-bench").all()
    assert results["chance_error"].eq(0.75).all()  # one level per benchmark and metric
    assert len(compute) == 15 and compute["compute_kind"].eq("training").all()
    assert find_benchmark("My Reasoning Bench").own  # known for the rest of the process
    notice = next(k for k in results.attrs["repairs"] if "benchmark of your own" in k)
    assert "chance error 0.75 from the chance_error column" in notice and "rows 1–15" in notice
    joined = join_compute(results, compute, fill=False, impute=False,
                          model_versions=pd.DataFrame({"model_version": [],
                                                       "epoch_model": []})).table
    data = benchmark_data("my-reasoning-bench", joined=joined)
    sel = data.attrs["selection"]
    assert sel.n == 14 and sel.chance_error == 0.75 and sel.kind == "training"
    assert sel.left_out == {"at or worse than chance (error ≥ 0.75)": 1}
    assert "chance error 0.75" in sel.lines()[1]
    fit = ScalingFit("polynomial", n_boot=0).fit(data)
    assert fit.identified_ and -0.14 < fit.params_[1] < -0.10
    assert fit.chance_ == 0.75


def test_without_a_chance_level_fits_say_so_and_use_the_error_scale(tmp_path):
    from computelimits.scaling.dataset import benchmark_data

    results, compute = load_generic(write_rows(tmp_path / "file.csv", OWN_HEAD,
                                               _own_rows("own-bench-b")))
    assert results["chance_error"].isna().all()
    assert any("no chance level" in k for k in results.attrs["repairs"])
    joined = results.merge(compute[["source_row", "training_flop", "compute_kind"]],
                           on="source_row", how="left")
    data = benchmark_data("own-bench-b", joined=joined, scale="above-chance")
    sel = data.attrs["selection"]
    assert sel.chance_error == 1.0 and sel.scale == "error" and sel.n == 14
    assert "no chance level given for your benchmark own-bench-b" in sel.chance_basis
    # a table read elsewhere (the registry does not know the id) still names its benchmark
    other = joined.assign(benchmark="never-registered-bench")
    assert benchmark_data("never-registered-bench", joined=other).attrs["selection"].n == 14


def test_chance_error_option_and_own_metric(tmp_path):
    head = "model,benchmark,metric,value,higher_is_better"
    rows = ["A,agent-arena,pass_rate,0.30,true", "B,agent-arena,pass_rate,0.55,true",
            "C,agent-arena,steps_wasted,0.20,false"]
    results, _ = load_generic(write_rows(tmp_path / "file.csv", head, rows), chance_error=0.9)
    assert results["chance_error"].tolist() == [0.9, 0.9, 0.9]
    assert results["error"].tolist() == pytest.approx([0.70, 0.45, 0.20])
    assert results["higher_is_better"].tolist() == [True, True, False]
    with pytest.raises(InputError, match="metric 'pass_rate' is one of your own: give "
                                         "higher_is_better"):
        load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,value",
                                ["A,agent-arena,pass_rate,0.3"]))
    with pytest.raises(ConfigError, match="--chance-error applies to benchmarks of your own"):
        load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,value",
                                ["A,mmlu,accuracy,0.5"]),
                     chance_error=0.5)


def test_chance_levels_must_agree_and_fit_package_benchmarks(tmp_path):
    head = "model,benchmark,metric,value,chance_error"
    with pytest.raises(InputError, match=r"row 2, column 'chance_error': chance_error 0\.5 "
                                         r"differs from 0\.25 on row 1"):
        load_generic(write_rows(tmp_path / "file.csv", head, ["A,quiz-x,accuracy,0.5,0.25",
                                                              "B,quiz-x,accuracy,0.6,0.5"]))
    with pytest.raises(InputError, match=r"mmlu accuracy has the chance error 0\.75 recorded"):
        load_generic(write_rows(tmp_path / "file.csv", head, ["A,mmlu,accuracy,0.5,0.5"]))
    results, _ = load_generic(write_rows(tmp_path / "file.csv", head, ["A,mmlu,accuracy,0.5,0.75"]))
    assert results["chance_error"].isna().all()  # the package's level is used
    with pytest.raises(InputError, match=r"outside \(0, 1\]"):
        load_generic(write_rows(tmp_path / "file.csv", head, ["A,quiz-x,accuracy,0.5,1.5"]))


# --------------------------------------------------------------------- the typo rule

@pytest.mark.parametrize(("name", "known"), [
    ("mmul", "mmlu"), ("hellaswg", "hellaswag"), ("gsm8kk", "gsm8k"), ("Imagenett", "imagenet"),
    ("my-reasoning-bench", None), ("MMLU-Pro", None), ("swe-bench", None), ("mmlu", None),
])
def test_near_miss(name, known):
    assert near_miss(name) == known


def test_a_misspelled_known_id_is_refused_with_a_hint_unless_declared_new(tmp_path):
    rows = [f"M{i},mmul,accuracy,0.{50 + i}" for i in range(12)]
    path = write_rows(tmp_path / "file.csv", "model,benchmark,metric,value", rows)
    with pytest.raises(InputError) as exc:
        load_generic(path)
    assert str(exc.value) == (
        f"{path}: 12 errors: rows 1–12, column 'benchmark': unknown benchmark 'mmul' — did "
        "you mean mmlu? (if it is a benchmark of your own, give its chance level: a "
        "chance_error column or --chance-error, 1 where it has none) (from line 2)")
    results, _ = load_generic(path, chance_error=0.75)  # declared new
    assert results["benchmark"].eq("mmul").all()
    assert any("close to the package's mmlu" in k and "rows 1–12" in k
               for k in results.attrs["repairs"])
    # an id the package knows under another spelling is the package's
    results, _ = load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,value",
                                         ["A,MMLU,accuracy,0.5", "B,ImageNet-1k,top1_error,0.2"]))
    assert results["benchmark"].tolist() == ["mmlu", "imagenet"]
    assert results["chance_error"].isna().all()


@pytest.mark.parametrize("cell", ["2019", "12.5", "<script>", "a" * 65, "=cmd"])
def test_cells_that_cannot_be_an_own_id(tmp_path, cell):
    with pytest.raises(InputError, match="not an id of your own"):
        load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,value",
                                [f'A,"{cell}",accuracy,0.5']))


# ---------------------------------------------------------------------------- messages

def test_a_missing_column_names_the_column_meant(tmp_path):
    with pytest.raises(InputError, match=r"column 'value': missing column; closest found: "
                                         r"\['score'\] \(rename it 'value'\)"):
        load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,score",
                                ["A,mmlu,accuracy,0.5"]))
    with pytest.raises(InputError, match=r"unknown columns \['flops'\] \(did you mean 'flops' "
                                         r"→ 'training_flop'\?\)"):
        load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,value,flops",
                                ["A,mmlu,accuracy,0.5,1e20"]))
    with pytest.raises(InputError, match=r"column 'time_sec': missing column; closest found: "
                                         r"\['time'\]"):
        load_computer_progress(write_rows(tmp_path / "file.csv",
                                          "year,method,hw_gflops,time,top1_error",
                                          ["2019,A,100,3600,20"]), benchmark="imagenet")


def test_problems_in_many_rows_are_grouped(tmp_path):
    rows = [f"M{i},mmlu,accuracy,{'abc' if i % 2 else 1.5}" for i in range(30)]
    with pytest.raises(InputError) as exc:
        load_generic(write_rows(tmp_path / "file.csv", "model,benchmark,metric,value", rows))
    msg = str(exc.value)
    assert msg.count("column 'value'") == 2 and "30 errors:" in msg
    assert "rows 1, 3, 5, 7, 9, 11, 13, 15, … and 7 more, column 'value': '1.5' is over 1" in msg
    assert "… and" in msg and "\n" not in msg


# ------------------------------------------------------------------ the command line

def test_data_check_help_lists_every_column_with_its_meaning(invoke):
    from computelimits.data.userfiles.columns import CP_SPECS, GENERIC_SPECS

    res = invoke("data", "check", "--help")
    assert res.returncode == 0
    text = " ".join(res.stdout.split())
    for spec in (*GENERIC_SPECS, *CP_SPECS):
        assert f"• {spec.name}" in text, spec.name
        assert " ".join(spec.meaning.split())[:40] in text, spec.name
    assert "• setting: free-text notes" in text
    assert "• setting_kind: the kind of evaluation" in text
    for option in ("--chance-error", "--duplicates"):
        assert option in text


def test_data_check_and_fit_a_benchmark_of_your_own(mirror, tmp_path, invoke):
    rows = [r + ",0.75" for r in _own_rows()]
    path = write_rows(tmp_path / "mine.csv", OWN_HEAD + ",chance_error", rows)
    res = invoke("data", "check", str(path))
    assert res.returncode == 0, res.stderr
    assert "14 valid results (my-reasoning-bench), 14 with compute of their own" in res.stdout
    assert "read as a benchmark of your own (chance error 0.75" in res.stdout
    fit = invoke("fit", "--data", str(path), "--benchmark", "my-reasoning-bench", "--form",
                 "polynomial", "--n-boot", "200", "--json")
    assert fit.returncode == 0, fit.stderr
    d = json.loads(fit.stdout)
    assert d["selection"]["benchmark"] == "my-reasoning-bench"
    assert d["selection"]["chance_error"] == 0.75 and d["fits"][0]["n"] == 14
    assert d["fits"][0]["slope"] < 0 and d["fits"][0]["identified"]
    text = invoke("fit", "--data", str(path), "--benchmark", "my-reasoning-bench", "--form",
                  "polynomial", "--n-boot", "200")
    assert "chance error 0.75 (chance error of your own benchmark as given" in text.stdout
    bt = invoke("backtest", "--data", str(path), "--cutoff", "2020-06-01", "--n-boot", "200",
                "--json")
    assert bt.returncode == 0, bt.stderr
    assert json.loads(bt.stdout)[0]["benchmark"] == "my-reasoning-bench"


def test_fit_without_a_chance_level_says_so(mirror, tmp_path, invoke):
    path = write_rows(tmp_path / "mine.csv", OWN_HEAD, _own_rows("own-bench-c"))
    res = invoke("fit", "--data", str(path), "--form", "polynomial", "--n-boot", "200")
    assert res.returncode == 0, res.stderr
    assert "no chance level given for your benchmark own-bench-c" in res.stdout


def test_the_typo_is_one_line_on_the_command_line(tmp_path, invoke):
    rows = [f"M{i},mmul,accuracy,0.{50 + i}" for i in range(12)]
    path = write_rows(tmp_path / "file.csv", "model,benchmark,metric,value", rows)
    assert_one_line_error(invoke("data", "check", str(path)),
                          "rows 1–12, column 'benchmark': unknown benchmark 'mmul' — did you "
                          "mean mmlu?")
    res = invoke("data", "check", str(path), "--chance-error", "0.75")
    assert res.returncode == 0, res.stderr
    assert_one_line_error(invoke("data", "check", str(path), "--chance-error", "1.5"),
                          "'--chance-error': 1.5 is out of range")


def test_extrapolate_a_benchmark_of_your_own(tmp_path):
    from computelimits.scaling import extrapolate

    rows = [r + ",0.75" for r in _own_rows("own-bench-d")]
    results, compute = load_generic(write_rows(tmp_path / "file.csv", OWN_HEAD + ",chance_error",
                                               rows))
    joined = results.merge(compute[["source_row", "training_flop", "compute_kind"]],
                           on="source_row", how="left")
    from computelimits.scaling.dataset import benchmark_data

    data = benchmark_data("own-bench-d", joined=joined)
    x = extrapolate("own-bench-d", 0.1, data=data, n_boot=200, seed=1)
    assert x.identified and math.isfinite(x.log10_compute)
    assert x.log10_compute > data["log10_compute"].max()  # beyond the data: more compute
    with pytest.raises(ConfigError, match="chance"):
        extrapolate("own-bench-d", 0.8, data=data, n_boot=200)  # above the chance error
