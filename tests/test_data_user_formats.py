"""Users' own files: the Computer-Progress per-benchmark layout and the generic CSV.

All inputs are synthetic files in tmp_path; expected figures are computed by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

from _helpers import write_rows
from computelimits.data.loaders.user_formats import (
    SOURCE_COMPUTER_PROGRESS,
    SOURCE_GENERIC,
    load_computer_progress,
    load_generic,
)
from computelimits.data.schema import SCHEMAS
from computelimits.errors import ConfigError, InputError

# --------------------------------------------------------------- Computer-Progress layout

CP_HEAD = ("year,paper,method,gpu,#gpu,tpu,#tpu,cpu,#cpu,hw_gflops,time_sec,#epochs,#params,"
           "top1_error,top5_error,training_time,comments")
CP_ROWS = [
    # 8 GPUs x 1e4 GFLOP/s x 3600 s = 2.88e8 GFLOP = 2.88e17 FLOP
    "2016,Paper A,Net A,GPU-X,8,,,,,80000,3600,90,25600000,24.7,7.8,1 hour,",
    # 4 TPU devices x 1.8e5 GFLOP/s x 1000 s + 2 CPUs x 100 GFLOP/s x 1000 s
    "2018,Paper B,Net B,,,TPU-Y,4,CPU-Z,2,720200,1000,,,20.1,,,",
    # no time_sec: results but no compute
    "2017,Paper C,Net C,GPU-X,2,,,,,20000,,,,30,10,2~3 weeks,",
    # processor in no hardware table: the row's own hw_gflops is used (precision as given)
    "2019,Paper D,Net D,GPU-Q,1,,,,,5000,60,,,35.5,12.25,,",
]
HARDWARE = {"GPU-X": 1e4, "TPU-Y": 1.8e5, "CPU-Z": 100.0}


def test_computer_progress_with_hardware_mapping(tmp_path):
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", CP_HEAD, CP_ROWS),
                                              benchmark="imagenet", hardware=HARDWARE)
    assert list(results.columns) == list(SCHEMAS["results"])
    assert list(compute.columns) == list(SCHEMAS["compute"])
    assert len(results) == 4 + 3  # four top-1 and three top-5 cells
    a1 = results[(results["model"] == "Net A") & (results["metric"] == "top1_error")].iloc[0]
    assert a1["value"] == pytest.approx(0.247) and a1["error"] == pytest.approx(0.247)
    assert a1["date"] == pd.Timestamp("2016-06-15") and a1["origin"] == "Paper A"
    assert a1["benchmark"] == "imagenet" and a1["source"] == SOURCE_COMPUTER_PROGRESS
    assert a1["source_row"] == 1
    assert a1["publication"] == "Paper A" and a1["setting_kind"] == "supervised"
    assert results["setting_kind"].eq("supervised").all()
    assert compute["model"].tolist() == ["Net A", "Net B", "Net D"]
    assert compute["source_row"].tolist() == [1, 2, 4]  # the file's data rows, as in results
    assert compute["compute_kind"].eq("hardware_burden").all()
    a = compute.iloc[0]
    assert a["training_flop"] == pytest.approx(2.88e17)
    assert a["method"] == "hardware" and a["hours"] == 1.0 and a["chip_count"] == 8
    assert a["parameters"] == 25_600_000 and a["hardware"] == "8 × GPU-X"
    assert "hardware mapping" in a["notes"] and "#epochs 90" in a["notes"]
    assert "per-chip" in a["notes"] and "10000 GFLOP/s per chip (fp32)" in a["notes"]
    # bare numbers in the mapping are FP32 rates of single-chip units; Net D's rate is its own
    assert compute["peak_precision"].tolist() == ["fp32", "fp32", "as given"]
    d = compute.iloc[2]
    assert d["training_flop"] == pytest.approx(5000e9 * 60) and "unchecked" in d["notes"]
    b = compute.iloc[1]
    assert b["training_flop"] == pytest.approx((4 * 1.8e5 + 2 * 100) * 1e9 * 1000)
    assert b["chip_count"] == 4  # CPUs are not accelerator chips
    rep = compute.attrs["repairs"]
    assert rep["row without compute: no time_sec"] == 1
    assert rep["gpu 'GPU-Q' is in no hardware table: the row's own hw_gflops used (precision "
               "as given) (row 4)"] == 1
    assert rep["date: year set to 15 June (as the Computer Progress site did)"] == 4


def test_computer_progress_with_hw_gflops_column(tmp_path):
    _, compute = load_computer_progress(write_rows(tmp_path / "file.csv", CP_HEAD, CP_ROWS),
                                        benchmark="ImageNet-1k")
    assert compute["model"].tolist() == ["Net A", "Net B", "Net D"]
    assert compute["training_flop"].tolist() == pytest.approx(
        [80000 * 1e9 * 3600, 720200 * 1e9 * 1000, 5000 * 1e9 * 60])
    assert compute["notes"].str.contains("hw_gflops column").all()
    assert compute["notes"].str.contains("unchecked").all()
    assert compute["peak_precision"].eq("as given").all()
    assert compute["compute_kind"].eq("hardware_burden").all()
    assert compute["source_row"].tolist() == [1, 2, 4]


def test_computer_progress_wmt_layout(tmp_path):
    head = "year,title,model,gpu,#gpu,hw_gflops,time_sec,BLEU,SACREBLEU,,paper"
    rows = ["2017,Attention Is All You Need,Transformer big,P100,8,74000,302400,28.4,,TF,"
            "https://arxiv.org/abs/1706.03762",
            "2017,Attention Is All You Need,Transformer big,P100,8,74000,302400,28.4,,TF,"
            "https://arxiv.org/abs/1706.03762"]
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", head, rows),
                                              benchmark="wmt14-en-de")
    assert len(results) == 1 and results["value"].iloc[0] == 28.4
    assert results["error"].iloc[0] == pytest.approx(0.716)
    assert results["origin"].iloc[0] == "Attention Is All You Need"  # title, not the link
    assert results["publication"].iloc[0] == "Attention Is All You Need"
    assert compute["training_flop"].iloc[0] == pytest.approx(74000e9 * 302400)
    rep = results.attrs["repairs"]
    assert rep["exact duplicate rows dropped"] == 1
    assert any(k.startswith("column SACREBLEU not read") for k in rep)


def _cp_error(tmp_path, rows=CP_ROWS, head=CP_HEAD, **kw):
    kw.setdefault("benchmark", "imagenet")
    with pytest.raises(InputError) as exc:
        load_computer_progress(write_rows(tmp_path / "file.csv", head, rows), **kw)
    return str(exc.value)


@pytest.mark.parametrize(("index", "old", "new", "column"), [
    (0, ",3600,", ",3days,", "time_sec"),      # unparseable number (the seeder made NULL)
    (0, ",3600,", ",0,", "time_sec"),          # zero time
    (0, ",3600,", ",-3600,", "time_sec"),      # negative time
    (0, ",80000,", ",-1,", "hw_gflops"),       # negative rate
    (0, ",8,", ",8.5,", "#gpu"),               # fractional processor count
    (0, ",24.7,", ",124.7,", "top1_error"),    # error over 100 %
    (0, ",24.7,", ",24.7.1,", "top1_error"),   # unparseable score
    (0, "2016,", "2016.5,", "year"),           # odd year
    (0, "2016,", "16th,", "year"),
    (1, "Paper B,Net B", ",", "method"),       # blank model and no title or link to name it
])
def test_computer_progress_malformed_cells(tmp_path, index, old, new, column):
    rows = list(CP_ROWS)
    rows[index] = rows[index].replace(old, new, 1)
    msg = _cp_error(tmp_path, rows)
    assert "file.csv" in msg and f"row {index + 1}" in msg and f"column {column!r}" in msg


def test_computer_progress_malformed_structure(tmp_path):
    msg = _cp_error(tmp_path, head=CP_HEAD.replace("time_sec", "time_s"))
    assert "column 'time_sec'" in msg and "closest found" in msg  # renamed column
    msg = _cp_error(tmp_path, head=CP_HEAD.replace(",hw_gflops", ",hwgflops"))
    assert "column 'hw_gflops'" in msg  # needed without a hardware mapping
    msg = _cp_error(tmp_path, rows=[*CP_ROWS[:3], "2019,Paper D,Net D,GPU-Q"])
    assert "row 4" in msg and "truncated" in msg
    msg = _cp_error(tmp_path, head=CP_HEAD.replace("top1_error,top5_error", "acc1,acc5"))
    assert "no metric column" in msg
    msg = _cp_error(tmp_path, head=CP_HEAD.replace("method", "method,model"),
                    rows=[r.replace("Net A", "Net A,Net A") for r in CP_ROWS[:1]])
    assert "both 'method' and 'model'" in msg
    msg = _cp_error(tmp_path, benchmark="conll2003")
    assert "column 'top1_error'" in msg and "does not belong to benchmark conll2003" in msg
    msg = _cp_error(tmp_path, rows=[*CP_ROWS, CP_ROWS[0].replace(",24.7,", ",25.0,")],
                    duplicates="error")
    assert "row 5" in msg and "same model and paper as row 1" in msg  # conflicting duplicate
    assert "no data rows" in _cp_error(tmp_path, rows=[])


def test_computer_progress_bad_arguments(tmp_path):
    p = write_rows(tmp_path / "file.csv", CP_HEAD, CP_ROWS)
    with pytest.raises(ConfigError, match="unknown benchmark"):
        load_computer_progress(p, benchmark="pascal-voc")
    with pytest.raises(ConfigError, match=r"convention must be one of 'per-chip', 'paper'"):
        load_computer_progress(p, benchmark="imagenet", hardware=HARDWARE,
                               convention="per-device")
    with pytest.raises(ConfigError, match="GPU-X"):
        load_computer_progress(p, benchmark="imagenet", hardware={"GPU-X": 0})
    with pytest.raises(ConfigError, match="GPU-X"):
        load_computer_progress(p, benchmark="imagenet", hardware={"GPU-X": "fast"})


def test_computer_progress_incomplete_hardware_is_counted(tmp_path):
    rows = ["2016,P,Net A,GPU-X,,,,,,80000,3600,,,24.7,,,",   # name without a count
            "2016,P,Net B,,8,,,,,80000,3600,,,24.8,,,",       # count without a name
            "2016,P,Net C,,,,,,,,3600,,,24.9,,,"]             # no processor at all
    results, compute = load_computer_progress(write_rows(tmp_path / "file.csv", CP_HEAD, rows),
                                              benchmark="imagenet", hardware=HARDWARE)
    assert len(results) == 3 and compute.empty
    rep = compute.attrs["repairs"]
    assert rep["row without compute: gpu 'GPU-X' without #gpu"] == 1
    assert rep["row without compute: #gpu without a gpu name"] == 1
    assert rep["row without compute: no processor named"] == 1


# ---------------------------------------------------------------------------- generic CSV

G_HEAD = ("model,benchmark,metric,value,date,unit,higher_is_better,training_flop,setting,"
          "origin")
G_ROWS = [
    "GPT-3,MMLU,accuracy,43.9%,2020-05-28,,true,3.14e23,5-shot,Brown et al. 2020",
    "GPT-3,hellaswag,accuracy,0.789,2020-05-28,fraction,,3.14e23,0-shot,Brown et al. 2020",
    "Transformer,wmt14-en-de,bleu,28.4,2017,bleu,,,,",
    "ResNet-50,imagenet,top1_error,23.9,2015-12-10,percent,false,,,",
    "Some model,ImageNet,top5_accuracy,92.1%,2019-06,,,1e18,,",
]


def test_generic_ok(tmp_path):
    results, compute = load_generic(write_rows(tmp_path / "file.csv", G_HEAD, G_ROWS))
    assert list(results.columns) == list(SCHEMAS["results"])
    assert list(compute.columns) == list(SCHEMAS["compute"])
    assert results["value"].tolist() == pytest.approx([0.439, 0.789, 28.4, 0.239, 0.921])
    assert results["benchmark"].tolist() == ["mmlu", "hellaswag", "wmt2014-en-de", "imagenet",
                                             "imagenet"]
    assert results["error"].tolist() == pytest.approx([0.561, 0.211, 0.716, 0.239, 0.079])
    assert results["unit"].tolist() == ["fraction", "fraction", "bleu", "fraction", "fraction"]
    assert results["date"].tolist()[2] == pd.Timestamp("2017-07-01")
    assert results["source"].eq(SOURCE_GENERIC).all()
    assert results["source_row"].tolist() == [1, 2, 3, 4, 5]
    assert results["publication"].tolist()[:2] == ["Brown et al. 2020"] * 2  # from origin
    assert results["publication"].iloc[2:].isna().all()  # no origin: blank
    assert results["setting_kind"].eq("unknown").all()
    # one compute row per file row with training_flop, linked by source_row
    assert compute["model"].tolist() == ["GPT-3", "GPT-3", "Some model"]
    assert compute["source_row"].tolist() == [1, 2, 5]
    assert compute["training_flop"].tolist() == [3.14e23, 3.14e23, 1e18]
    assert compute["method"].eq("reported").all()
    assert compute["compute_kind"].eq("training").all()
    rep = results.attrs["repairs"]
    assert rep["value: percent strings converted to fractions"] == 2
    assert rep["date: year-only dates set to 1 July"] == 1
    assert rep["date: year-month dates set to day 1"] == 1


def test_generic_duplicates(tmp_path):
    results, _ = load_generic(write_rows(tmp_path / "file.csv", G_HEAD, [*G_ROWS, G_ROWS[0]]))
    assert len(results) == 5
    assert results.attrs["repairs"]["exact duplicate result rows dropped"] == 1
    # the same row written differently (alias, fraction instead of percent) is still a copy
    same = "GPT-3,mmlu,accuracy,0.439,2020-05-28,,,3.14e23,5-shot,Brown et al. 2020"
    results, _ = load_generic(write_rows(tmp_path / "file.csv", G_HEAD, [*G_ROWS, same]))
    assert len(results) == 5
    conflict = G_ROWS[0].replace("43.9%", "45.0%")
    with pytest.raises(InputError, match=r"row 6.*duplicate of row 1"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD, [*G_ROWS, conflict]),
                     duplicates="error")
    # by default both stay, as separate results, and a notice names them
    results, _ = load_generic(write_rows(tmp_path / "file.csv", G_HEAD, [*G_ROWS, conflict]))
    assert len(results) == 6
    assert any(k.startswith("rows of one model, benchmark, metric, setting and origin with "
                            "different values: kept as separate results") and "rows 1, 6" in k
               for k in results.attrs["repairs"])


@pytest.mark.parametrize(("index", "old", "new", "column", "text"), [
    (0, "MMLU", "MMUL", "benchmark", "did you mean mmlu?"),      # a typo of a known one
    (0, ",accuracy,", ",acc,", "metric", "known: accuracy"),     # unknown metric
    (0, "43.9%", "143.9%", "value", "over 100%"),                # accuracy over 100 %
    (1, "0.789", "78.9", "value", "over 1"),                     # percent as a fraction
    (0, "43.9%", "\"43,9%\"", "value", "cannot parse"),          # unparseable
    (1, "0.789", "78.9%", "value", "% sign"),                    # % with unit fraction
    (2, "28.4", "128.4", "value", "outside 0..100"),             # BLEU over 100
    (2, "28.4", "28.4%", "value", "cannot parse"),               # BLEU with %
    (3, ",percent,", ",percentage,", "unit", "unknown unit"),
    (2, ",bleu,,", ",fraction,,", "unit", "does not fit metric bleu"),
    (0, ",true,", ",false,", "higher_is_better", "higher_is_better = True"),
    (0, ",true,", ",maybe,", "higher_is_better", "expected true or false"),
    (0, "3.14e23", "-3.14e23", "training_flop", "must be positive"),  # negative compute
    (4, "1e18", "0", "training_flop", "must be positive"),              # zero compute
    (1, "3.14e23", "3.15e23", "training_flop", "has training_flop"),    # same model+origin
    (0, "2020-05-28", "28.05.2020", "date", "cannot parse"),           # odd date
    # (issue 20: 28/05/2020 is read day first, as the 28 shows; test_hardening_issue20.py)
    (3, "2015-12-10", "1815-12-10", "date", "outside"),
    (1, "2020-05-28", "2020-06-01", "date", "has date"),                # conflicting date
    (3, "ResNet-50", "", "model", "blank"),
    (3, "23.9", "", "value", "blank"),
])
def test_generic_malformed(tmp_path, index, old, new, column, text):
    rows = list(G_ROWS)
    rows[index] = rows[index].replace(old, new, 1)
    with pytest.raises(InputError) as exc:
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD, rows))
    msg = str(exc.value)
    assert "file.csv" in msg and f"row {index + 1}" in msg and f"column {column!r}" in msg
    assert text in msg


def test_generic_malformed_structure(tmp_path):
    with pytest.raises(InputError, match=r"column 'value'.*closest found"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD.replace(",value,", ",values,"),
                                G_ROWS))
    with pytest.raises(InputError, match="unknown columns"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD + ",notes",
                                [r + "," for r in G_ROWS]))
    with pytest.raises(InputError, match=r"row 3.*truncated"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD,
                                [*G_ROWS[:2], "Transformer,wmt14-en-de,bleu"]))
    with pytest.raises(InputError, match="truncated"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD,
                                [*G_ROWS[:2], 'Transformer,"wmt14-en-de']))
    with pytest.raises(InputError, match="no data rows"):
        load_generic(write_rows(tmp_path / "file.csv", G_HEAD, []))
    with pytest.raises(InputError, match="file not found"):
        load_generic(tmp_path / "absent.csv")


def test_generic_minimal_columns(tmp_path):
    results, compute = load_generic(write_rows(tmp_path / "file.csv",
                                               "model,benchmark,metric,value",
                                               ["A,conll2003,f1,92.4%", "A,conll2003,f1,92.4%"]))
    assert results["value"].tolist() == pytest.approx([0.924])
    assert results["date"].isna().all() and compute.empty
    assert results["error"].iloc[0] == pytest.approx(0.076)
