"""`computelimits data ...` against the shared mirror, in-process (``invoke``, see conftest)
with one run of the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from _helpers import assert_one_line_error


def test_data_help_has_examples(invoke):
    res = invoke("data", "--help")
    assert res.returncode == 0
    for verb in ("list", "info", "fetch", "results", "check"):
        assert verb in res.stdout
        sub = invoke("data", verb, "--help")
        assert sub.returncode == 0 and "Example" in sub.stdout, verb


def test_data_list_json_covers_every_source(mirror, invoke):
    from computelimits.data.registry import SOURCES

    res = invoke("data", "list", "--json")
    assert res.returncode == 0, res.stderr
    rows = {r["source"]: r for r in json.loads(res.stdout)}
    assert set(rows) == set(SOURCES)
    for name, r in rows.items():
        assert r["where"].startswith("mirror"), name
        assert r["rows"] and r["rows"] > 0, name
    assert "modified" in rows["epoch-benchmarks"]["where"]
    assert rows["epoch-ai-models"]["dates"].startswith("1950")


def test_data_list_without_any_data_says_missing(invoke, tmp_path):
    empty = tmp_path / "empty-mirror"  # a mirror folder that holds nothing
    empty.mkdir()
    res = invoke("data", "list", "--json", env={"COMPUTELIMITS_DATA": str(empty),
                                                "COMPUTELIMITS_CACHE": str(tmp_path / "cache")})
    assert res.returncode == 0, res.stderr
    assert {r["where"] for r in json.loads(res.stdout)} == {"missing"}


def test_data_info_shows_provenance_and_attribution(mirror, invoke):
    res = invoke("data", "info", "epoch-ai-models")
    assert res.returncode == 0, res.stderr
    assert "CC BY 4.0" in res.stdout and "263c40a159307e917213d1dc433c617e47d55bfe" in res.stdout
    assert "training_flop" in res.stdout
    assert_one_line_error(invoke("data", "info", "epoch-ai-model"),
                          "Did you mean epoch-ai-models")


def test_data_info_keeps_pins_notes_and_column_details_for_verbose(mirror, invoke):
    """The answer is short: files with where they were found, the columns by name; each
    file's pinned URL and sha256, the notes, what each column holds, the results per
    evaluation setting and the hardware burden under --verbose (and always in --json)."""
    pin = "74509130a942f476053447d26cd9a3805a03d48b8feffef714826c5e340c9ec2"
    short = invoke("data", "info", "epoch-ai-models")
    assert short.returncode == 0, short.stderr
    assert "all_ml_systems_full_view.csv  [mirror" in short.stdout
    assert "feeds table compute (22 columns): model, model_key" in short.stdout
    assert pin not in short.stdout and "implied utilization" not in short.stdout
    assert "--verbose adds each file's pinned URL and sha256" in short.stdout
    assert "hardware burden" in short.stdout and "full attribution" not in short.stdout
    full = invoke("data", "info", "epoch-ai-models", "--verbose")
    assert full.returncode == 0, full.stderr
    assert pin in full.stdout and "url:" in full.stdout and "raw.githubusercontent" in full.stdout
    assert "training_flop  (float64: total training compute" in full.stdout
    assert "implied utilization" in full.stdout and "--verbose adds" not in full.stdout
    assert len(full.stdout.splitlines()) > len(short.stdout.splitlines()) + 20
    js = json.loads(invoke("data", "info", "epoch-ai-models", "--json").stdout)
    assert js["files"][0]["sha256"] and js["hardware_burden"]["models_with_burden"] > 0
    settings = invoke("data", "info", "epoch-benchmarks")
    assert "results per evaluation setting" not in settings.stdout.split("--verbose adds")[0]
    assert "the results per evaluation setting" in settings.stdout
    assert "results per evaluation setting" in invoke("data", "info", "epoch-benchmarks",
                                                      "-v").stdout


def test_data_fetch_strict_refuses_the_cut_mirror_files(mirror, run):
    """The real entry point: exit codes 0 and 2, the refusal in one line."""
    ok = run("data", "fetch", "nlp-progress", "--strict")
    assert ok.returncode == 0, ok.stderr
    assert_one_line_error(run("data", "fetch", "epoch-benchmarks", "--strict"), "strict")


@pytest.mark.parametrize("args", [
    ["estimate", "--chip", "H100 SXM5 80GB", "--chips", "8", "--hours", "24"],
    ["crosscheck"],
    ["trends", "--n-boot", "100"],
    ["data", "fetch", "epoch-hardware"],
])
def test_strict_refuses_a_modified_mirror_file(modified_mirror, invoke, args):
    """Every verb that reads data takes --strict; it refuses a mirror file whose sha256
    differs from its pin, naming the file. Without --strict the file is used, with a
    notice."""
    line = assert_one_line_error(invoke(*args, "--strict"), "strict mode refuses")
    assert "chip_dataset.csv" in line
    if args[0] == "estimate":
        res = invoke(*args)
        assert res.returncode == 0, res.stderr
        assert "chip_dataset.csv" in res.stderr and "differ" in res.stderr


def test_every_data_reading_verb_takes_strict(invoke):
    for verb in (["data", "list"], ["data", "fetch"], ["data", "results"], ["data", "check"],
                 ["estimate"], ["crosscheck"], ["fit"], ["extrapolate"], ["trends"],
                 ["backtest"], ["reproduce"]):
        res = invoke(*verb, "--help")
        assert res.returncode == 0 and "--strict" in res.stdout, verb


def test_data_results_with_compute_writes_csv_and_attribution(mirror, invoke, tmp_path):
    out = tmp_path / "imagenet.csv"
    res = invoke("data", "results", "--benchmark", "imagenet", "--with-compute", "--out",
                 str(out), "--json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    df = pd.read_csv(out)
    assert len(df) == payload["rows"] > 100
    assert {"training_flop", "match_rule", "match_note", "error"} <= set(df.columns)
    assert (df["benchmark"] == "imagenet").all()
    side = Path(payload["attribution_file"])
    assert side == tmp_path / "imagenet.csv.attribution.txt"  # FILE.attribution.txt
    text = side.read_text()
    assert "Papers with Code" in text and "convnet-burden" in text
    assert text.splitlines() == payload["attribution"]
    assert payload["join"][0]["with_compute"] > 0


def test_data_results_unknown_benchmark_is_one_line(invoke, tmp_path):
    res = invoke("data", "results", "--benchmark", "imagenett", "--out", str(tmp_path / "x.csv"))
    assert_one_line_error(res, "Did you mean imagenet")
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("bench", ["mmlu", "wmt2014-en-de", "conll2003"])
def test_data_results_for_the_papers_benchmarks(mirror, invoke, tmp_path, bench):
    out = tmp_path / "results" / bench / f"{bench}.csv"  # folders created as needed
    res = invoke("data", "results", "--benchmark", bench, "--with-compute", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "with compute:" in res.stdout and "sources: " in res.stdout
    assert "source: " not in res.stdout and "unmatched" not in res.stdout
    assert len(pd.read_csv(out)) > 0
    # how each result was matched and the full attribution under --verbose
    res = invoke("data", "results", "--benchmark", bench, "--with-compute", "--out", str(out),
                 "--force", "--verbose")
    assert res.returncode == 0, res.stderr
    assert "unmatched" in res.stdout and "source: " in res.stdout


def test_data_check_validates_a_users_file(invoke, tmp_path):
    good = tmp_path / "mine.csv"
    good.write_text("model,benchmark,metric,value,date,training_flop\n"
                    "MyNet-S,imagenet,top1_accuracy,76.5%,2023-05-01,1.2e19\n"
                    "MyNet-L,imagenet,top1_accuracy,0.801,2023-05,4.0e19\n")
    out = tmp_path / "results" / "checked.csv"  # the folder is created
    res = invoke("data", "check", str(good), "--out", str(out), "--json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["results"] == 2 and payload["with_compute"] == 2
    assert payload["out"] == str(out)
    assert pd.read_csv(out)["value"].tolist() == [0.765, 0.801]
    bad = tmp_path / "bad.csv"
    bad.write_text("model,benchmark,metric,value\nX,imagenet,top1_accuracy,107%\n")
    res = invoke("data", "check", str(bad))
    assert assert_one_line_error(res) == (
        f"error: {bad}, row 1, column 'value': '107%' is over 100% (line 2)")


def test_data_check_computes_hardware_burden_for_the_computer_progress_layout(mirror, invoke,
                                                                            tmp_path):
    f = tmp_path / "wmt.csv"
    f.write_text("year,title,method,gpu,#gpu,time_sec,BLEU\n"
                 "2017,Attention,Transformer,Tesla P100 SXM2,8,302400,28.4\n")
    out = tmp_path / "checked.csv"
    res = invoke("data", "check", str(f), "--format", "computer-progress", "--benchmark",
                 "wmt2014-en-de", "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["with_compute"] == 1 and payload["benchmarks"] == ["wmt2014-en-de"]
    # 8 GPUs × 10,610 GFLOP/s (gpu.csv, Tesla P100 SXM2) × 302,400 s = 2.567e19 FLOP
    flop = pd.read_csv(out)["training_flop"].iloc[0]
    assert flop == pytest.approx(8 * 10_610e9 * 302_400)
