"""`computelimits data ...` against the shared mirror, in-process (``invoke``, see conftest)
with one run of the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import assert_one_line_error


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
    assert "with compute:" in res.stdout and "source: " in res.stdout
    assert len(pd.read_csv(out)) > 0


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
