"""`computelimits data ...` run as a user would, against the shared mirror."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

_SCRIPT = Path(sys.executable).with_name("computelimits")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, COLUMNS="160", **(env or {}))
    return subprocess.run([*EXE, *args], capture_output=True, text=True, env=full, timeout=600)


def test_data_help_has_examples():
    res = run("data", "--help")
    assert res.returncode == 0
    for verb in ("list", "info", "fetch", "results"):
        assert verb in res.stdout
        sub = run("data", verb, "--help")
        assert sub.returncode == 0 and "Example" in sub.stdout, verb


def test_data_list_json_covers_every_source(mirror):
    from computelimits.data.registry import SOURCES

    res = run("data", "list", "--json")
    assert res.returncode == 0, res.stderr
    rows = {r["source"]: r for r in json.loads(res.stdout)}
    assert set(rows) == set(SOURCES)
    for name, r in rows.items():
        assert r["where"].startswith("mirror"), name
        assert r["rows"] and r["rows"] > 0, name
    assert "modified" in rows["epoch-benchmarks"]["where"]
    assert rows["epoch-ai-models"]["dates"].startswith("1950")


def test_data_list_without_any_data_says_missing(tmp_path):
    res = run("data", "list", "--json", env={"COMPUTELIMITS_DATA": str(tmp_path / "none"),
                                             "COMPUTELIMITS_CACHE": str(tmp_path / "cache")})
    assert res.returncode == 0, res.stderr
    assert {r["where"] for r in json.loads(res.stdout)} == {"missing"}


def test_data_info_shows_provenance_and_attribution(mirror):
    res = run("data", "info", "epoch-ai-models")
    assert res.returncode == 0, res.stderr
    assert "CC BY 4.0" in res.stdout and "263c40a159307e917213d1dc433c617e47d55bfe" in res.stdout
    assert "training_flop" in res.stdout
    bad = run("data", "info", "epoch-ai-model")
    assert bad.returncode == 2 and "Did you mean epoch-ai-models" in bad.stderr


def test_data_fetch_strict_refuses_the_cut_mirror_files(mirror):
    ok = run("data", "fetch", "nlp-progress", "--strict")
    assert ok.returncode == 0, ok.stderr
    refused = run("data", "fetch", "epoch-benchmarks", "--strict")
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "strict" in refused.stderr


def test_data_results_with_compute_writes_csv_and_attribution(mirror, tmp_path):
    out = tmp_path / "imagenet.csv"
    res = run("data", "results", "--benchmark", "imagenet", "--with-compute", "--out", str(out),
              "--json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    df = pd.read_csv(out)
    assert len(df) == payload["rows"] > 100
    assert {"training_flop", "match_rule", "match_note", "error"} <= set(df.columns)
    assert (df["benchmark"] == "imagenet").all()
    side = Path(payload["attribution_file"])
    text = side.read_text()
    assert "Papers with Code" in text and "convnet-burden" in text
    assert payload["join"][0]["with_compute"] > 0


def test_data_results_unknown_benchmark_is_one_line(tmp_path):
    res = run("data", "results", "--benchmark", "imagenett", "--out", str(tmp_path / "x.csv"))
    assert res.returncode == 2
    assert "Did you mean imagenet" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("bench", ["mmlu", "wmt2014-en-de", "conll2003"])
def test_data_results_for_the_papers_benchmarks(mirror, tmp_path, bench):
    out = tmp_path / f"{bench}.csv"
    res = run("data", "results", "--benchmark", bench, "--with-compute", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "with compute:" in res.stdout
    assert len(pd.read_csv(out)) > 0


def test_data_check_validates_a_users_file(tmp_path):
    good = tmp_path / "mine.csv"
    good.write_text("model,benchmark,metric,value,date,training_flop\n"
                    "MyNet-S,imagenet,top1_accuracy,76.5%,2023-05-01,1.2e19\n"
                    "MyNet-L,imagenet,top1_accuracy,0.801,2023-05,4.0e19\n")
    out = tmp_path / "checked.csv"
    res = run("data", "check", str(good), "--out", str(out), "--json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["results"] == 2 and payload["with_compute"] == 2
    assert pd.read_csv(out)["value"].tolist() == [0.765, 0.801]
    bad = tmp_path / "bad.csv"
    bad.write_text("model,benchmark,metric,value\nX,imagenet,top1_accuracy,107%\n")
    res = run("data", "check", str(bad))
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {bad}, row 1, column 'value': '107%' is over 100% (line 2)"]


def test_data_check_computes_hardware_burden_for_the_computer_progress_layout(mirror, tmp_path):
    f = tmp_path / "wmt.csv"
    f.write_text("year,title,method,gpu,#gpu,time_sec,BLEU\n"
                 "2017,Attention,Transformer,Tesla P100 SXM2,8,302400,28.4\n")
    out = tmp_path / "checked.csv"
    res = run("data", "check", str(f), "--format", "computer-progress", "--benchmark",
              "wmt2014-en-de", "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["with_compute"] == 1 and payload["benchmarks"] == ["wmt2014-en-de"]
    # 8 GPUs × 10,610 GFLOP/s (gpu.csv, Tesla P100 SXM2) × 302,400 s = 2.567e19 FLOP
    flop = pd.read_csv(out)["training_flop"].iloc[0]
    assert flop == pytest.approx(8 * 10_610e9 * 302_400)
