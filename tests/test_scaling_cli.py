"""`fit`, `extrapolate`, `trends` and `backtest` against the mirror, in-process (``invoke``,
see conftest), with one run of the real entry point."""

from __future__ import annotations

import json

import numpy as np
import pytest

from _helpers import assert_one_line_error


def test_fit_prints_every_form_influence_and_sources(mirror, invoke):
    res = invoke("fit", "--benchmark", "hellaswag", "--n-boot", "500")
    assert res.returncode == 0, res.stderr
    for word in ("polynomial", "exponential", "logit", "trust: without", "training compute",
                 "sources: Epoch AI (", "--verbose adds"):
        assert word in res.stdout, word
    # the selection, every influence line and the full attribution under --verbose
    res = invoke("fit", "--benchmark", "hellaswag", "--n-boot", "500", "--verbose")
    assert res.returncode == 0, res.stderr
    for word in ("influence:", "source: Epoch AI", "compute kind training",
                 "usable results per kind", "chance error", "AIC"):
        assert word in res.stdout, word
    js = invoke("fit", "--benchmark", "mmlu", "--form", "polynomial", "--control-year",
                "--n-boot", "500", "--json")
    assert js.returncode == 0, js.stderr
    d = json.loads(js.stdout)
    f = d["fits"][0]
    assert f["n"] == d["n"] > 60 and f["slope"] < 0 and f["control_year"]
    sel = d["selection"]  # one kind, one setting, what was left out and why
    assert sel["kind"] == "training" and sel["setting"] == "few-shot"
    assert sum(sel["left_out"].values()) > 0 and f["identified"]
    assert f["slope_ci_low"] < f["slope"] < f["slope_ci_high"]
    assert "year_gain_per_year" in f and d["attribution"]


def test_extrapolate_json_marks_extrapolations_and_prices_them(mirror, invoke):
    res = invoke("extrapolate", "--benchmark", "hellaswag", "--target-error", "0.02",
                 "--budget", "1e8", "--n-boot", "500", "--json", "--model", "compute-only")
    assert res.returncode == 0, res.stderr
    x = json.loads(res.stdout)
    assert x["is_extrapolation"] and x["orders_beyond_data"] > 0
    assert x["log10_compute_ci_low"] < x["log10_compute"] < x["log10_compute_ci_high"]
    assert x["log10_compute_pred_ci_low"] <= x["log10_compute_ci_low"]
    assert x["usd"] > 0 and x["co2_kg"] > 0 and x["paper_usd"] > 0
    assert x["affordable_year"] >= x["price_year"]
    assert x["sources"] and any(a["name"] == "usd_per_flop" for a in x["assumptions"])
    assert_one_line_error(invoke("extrapolate", "--benchmark", "hellaswag", "--target-error",
                                 "1.5"), "'--target-error': 1.5 is out of range")


def test_extrapolate_time_model_answers_three_questions(mirror, invoke):
    res = invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.15", "--compute",
                 "1e25", "--frontier", "--date", "2025-01-01", "--n-boot", "500", "--json")
    assert res.returncode == 0, res.stderr
    o = json.loads(res.stdout)
    assert o["date"] == "2025-01-01" and o["identified"]
    fc = o["forecast"]
    assert fc["rate_ci_low"] < fc["rate_oom_per_year"] < fc["rate_ci_high"]
    inv, fwd, fr = o["inverse"], o["forward"], o["frontier"]
    assert inv["log10_compute_ci_low"] < inv["log10_compute"] < inv["log10_compute_ci_high"]
    assert fwd["error_ci_low"] < fwd["error"] < fwd["error_ci_high"] <= 0.75  # below chance
    assert fr["error"] < fwd["error"] and fr["log10_compute"] > 25
    years = [r["buy_year"] for r in o["costs"]["table"]]
    assert years == sorted(years) and len(years) == 3
    usd = [r["usd_median"] for r in o["costs"]["table"]]
    assert usd[0] > usd[1] > usd[2] > 0  # algorithmic progress and cheaper hardware
    t = o["trust"]
    assert 0 <= t["pooled"]["forward_coverage"] <= 1 and "backtests" in t["sentence"]


@pytest.mark.parametrize(("args", "message"), [
    (["--target-error", "0.1", "--budget", "1e9"], "compute-only"),
    (["--target-error", "0.1", "--model", "bogus"],
     "'bogus' is not one of: auto, hybrid, pooled, time"),
    (["--compute", "1e25", "--model", "compute-only"], "answers --target-error only"),
    (["--target-error", "0.1", "--impute"], "apply to --data files only"),
])
def test_extrapolate_option_conflicts_are_one_line(invoke, args, message):
    assert_one_line_error(invoke("extrapolate", "--benchmark", "mmlu", *args), message)


def test_trends_json_and_backtest_table(mirror, invoke, tmp_path):
    # --out folders that do not exist yet are created
    res = invoke("trends", "--n-boot", "200", "--out", str(tmp_path / "results" / "t"))
    assert res.returncode == 0, res.stderr
    t = tmp_path / "results" / "t"
    assert "explains" in res.stdout and (t / "figure.png").is_file()
    assert {"trends.csv", "shares.csv"} <= {p.name for p in t.iterdir()}
    # the answer is short: what each series measures and leaves out, the settings, the
    # note on the rest of the growth and the full attribution under --verbose
    assert "--verbose adds what each series measures" in res.stdout
    assert "sources: Epoch AI" in res.stdout
    for hidden in ("data: compute_notable_period", "settings: ", "note: The rest",
                   "source: Epoch AI"):
        assert hidden not in res.stdout, hidden
    full = invoke("trends", "--n-boot", "200", "--verbose")
    assert full.returncode == 0, full.stderr
    for shown in ("data: compute_notable_period", "left out", "settings: ", "n_boot = 200",
                  "note: The rest", "source: Epoch AI", "explains"):
        assert shown in full.stdout, shown
    assert "--verbose adds" not in full.stdout
    js = json.loads(invoke("trends", "--n-boot", "200", "--json").stdout)
    assert js["notes"] and js["attribution"] and js["compute"]["notes"]
    bt_csv = tmp_path / "results" / "backtests" / "bt.csv"
    bt = invoke("backtest", "--benchmark", "hellaswag", "--cutoff", "2022-01-01", "--n-boot",
                "500", "--json", "--out", str(bt_csv))
    assert bt.returncode == 0, bt.stderr
    rows = json.loads(bt.stdout)
    assert len(rows) == 1 and rows[0]["benchmark"] == "hellaswag"
    assert rows[0]["n_test"] >= 1 and np.isfinite(rows[0]["median_abs_error_oom"])
    assert bt_csv.is_file()


@pytest.mark.parametrize("args", [["fit", "--benchmark", "imagenett"],
                                  ["fit", "--benchmark", "mmlu", "--form", "cubic"],
                                  ["fit"]])
def test_bad_scaling_options_are_one_line(invoke, args):
    assert_one_line_error(invoke(*args))


def test_the_entry_point_reports_a_bad_benchmark_in_one_line(run):
    assert_one_line_error(run("fit", "--benchmark", "imagenett"), "Did you mean imagenet")
