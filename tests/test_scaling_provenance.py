"""Every point measures what its label says: users' files with the traps of the Computer
Progress tables go through the join, the selection of one compute kind, chance levels and
publication clusters, and come out with every row's compute, kind and cluster as expected.

The files are synthetic (tmp_path); expected figures are computed by hand. Name matches with
Epoch's tables are switched off (``fill=False``) except where a test is about filling, so that
only the rows' own figures take part.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from computelimits.cli import app
from computelimits.data.join import join_compute
from computelimits.data.loaders.computer_progress import Peak
from computelimits.data.loaders.user_formats import load_computer_progress
from computelimits.data.names import model_key
from computelimits.data.schema import conform
from computelimits.errors import ConfigError
from computelimits.scaling.dataset import benchmark_data
from computelimits.scaling.extrapolation import extrapolate
from computelimits.scaling.fit import ScalingFit
from computelimits.scaling.sources import source_check

runner = CliRunner()

# An ImageNet file in the Computer Progress layout with the traps of the withdrawn tables:
# two papers with one model name and different burdens, rows with and without their own
# compute, a TPU row (64 chips of 4-chip Cloud TPU v3 devices), and an at-chance result.
HEAD = "year,paper,method,gpu,#gpu,tpu,#tpu,time_sec,top1_error"
ROWS = [
    # SENet paper: 8 × 1e4 GFLOP/s × 3600 s = 2.88e17 FLOP
    "2017,Squeeze-and-Excitation Networks,SENet,GPU-X,8,,,3600,17.28",
    # NASNet paper's SENet baseline with NASNet's hardware copied on: 500 × 1e4 × 345,600 s
    "2017,Learning Transferable Architectures,SENet,GPU-X,500,,,345600,17.3",
    # a row with hardware but no time: no compute of its own
    "2017,Learning Transferable Architectures,Inception v3,GPU-X,500,,,,21.2",
    # TPU: 64 chips × (420,000 / 4) GFLOP/s × 1000 s = 6.72e18 FLOP per chip convention
    "2018,TPU paper,TPUNet,,,Cloud TPU v3,64,1000,15.0",
    # an at-chance result (top-1 error 99.95% ≥ 0.999)
    "2016,Broken paper,Broken,GPU-X,1,,,10,99.95",
]
HARDWARE = {"GPU-X": Peak(1e4, "fp32", 1), "Cloud TPU v3": Peak(420_000, "bf16", 4)}


def _file(tmp_path, rows=ROWS, head=HEAD, name="imagenet.csv"):
    p = tmp_path / name
    p.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def _join(path, **kw):
    results, compute = load_computer_progress(path, benchmark="imagenet", hardware=HARDWARE,
                                              convention=kw.pop("convention", "per-chip"))
    kw.setdefault("fill", False)
    kw.setdefault("impute", False)
    nothing = pd.DataFrame({"model_version": [], "epoch_model": []})
    return join_compute(results, compute, model_versions=nothing,
                        networks=pd.DataFrame({"model_key": [], "flop_per_image": []}),
                        kinds={}, **kw).table


def test_every_row_keeps_its_own_compute_kind_and_precision(tmp_path):
    t = _join(_file(tmp_path)).set_index("source_row")
    assert t.loc[1, "training_flop"] == pytest.approx(8 * 1e4 * 1e9 * 3600)
    assert t.loc[2, "training_flop"] == pytest.approx(500 * 1e4 * 1e9 * 345_600)
    assert np.isnan(t.loc[3, "training_flop"])  # no time: no figure, and none borrowed
    assert t.loc[4, "training_flop"] == pytest.approx(64 * 105_000e9 * 1000)
    for row in (1, 2, 4, 5):
        assert t.loc[row, "match_rule"] == "own-row"
        assert t.loc[row, "compute_origin"] == "own"
        assert t.loc[row, "compute_kind"] == "hardware_burden"
    assert t.loc[1, "peak_precision"] == "fp32" and t.loc[4, "peak_precision"] == "bf16"
    assert t.loc[3, "match_rule"] is None or pd.isna(t.loc[3, "match_rule"])


def test_paper_convention_is_the_seeder_product(tmp_path):
    t = _join(_file(tmp_path), convention="paper").set_index("source_row")
    assert t.loc[4, "training_flop"] == pytest.approx(64 * 420_000e9 * 1000)


def test_a_name_match_never_replaces_a_rows_own_figure(tmp_path):
    """Epoch's tables know a 'SENet' with another figure: with fill on, the rows with their
    own burden keep it, and only the row without one is filled (marked joined)."""
    results, compute = load_computer_progress(_file(tmp_path), benchmark="imagenet",
                                              hardware=HARDWARE)
    epoch = conform(pd.DataFrame({
        "model": ["SENet", "Inception v3"], "model_key": [model_key("SENet"),
                                                          model_key("Inception v3")],
        "training_flop": [1e19, 2e19], "source": "epoch-ai-models", "source_row": [7, 8],
        "source_file": "all_ml_systems_full_view.csv"}), "compute")
    both = pd.concat([compute, epoch], ignore_index=True)
    t = join_compute(results, both, model_versions=pd.DataFrame(
        {"model_version": [], "epoch_model": []}), networks=pd.DataFrame(
        {"model_key": [], "flop_per_image": []}), kinds={}).table.set_index("source_row")
    assert t.loc[1, "training_flop"] == pytest.approx(2.88e17)
    assert t.loc[2, "training_flop"] == pytest.approx(1.728e21)
    assert t.loc[3, "training_flop"] == 2e19
    assert t.loc[3, "compute_origin"] == "joined" and t.loc[3, "match_rule"] == "exact-key"
    assert t.loc[3, "compute_kind"] == "training"
    # and the rows' own kind and Epoch's kind are different regressions
    data = benchmark_data("imagenet", joined=t.reset_index(), precision="any")
    sel = data.attrs["selection"]
    assert sel.kind == "hardware_burden"  # the rows' own kind comes first ...
    assert sel.n_by_kind == {"hardware_burden": 3, "training": 1}
    assert any("compute kind training" in k for k in sel.left_out)  # ... never mixed


def test_imputation_is_opt_in_for_users_files(tmp_path):
    results, compute = load_computer_progress(_file(tmp_path), benchmark="imagenet",
                                              hardware=HARDWARE)
    nets = pd.DataFrame({"model": ["inception-v3"], "model_key": [model_key("Inception v3")],
                         "flop_per_image": [1e10], "source_row": [3]})
    mv = pd.DataFrame({"model_version": [], "epoch_model": []})
    off = join_compute(results, compute, model_versions=mv, networks=nets, kinds={}).table
    row = off[off["source_row"] == 3].iloc[0]
    assert np.isnan(row["training_flop"]) and "--impute" in row["match_note"]
    on = join_compute(results, compute, model_versions=mv, networks=nets, kinds={},
                      impute=True).table
    row = on[on["source_row"] == 3].iloc[0]
    assert row["compute_kind"] == "imputed_operations" and row["compute_origin"] == "imputed"


def test_selection_chance_clusters_and_precision(tmp_path):
    t = _join(_file(tmp_path))
    data = benchmark_data("imagenet", joined=t)
    sel = data.attrs["selection"]
    # the at-chance row is left out and counted; fp32 burdens kept, the bf16 TPU row not
    assert sel.chance_error == pytest.approx(0.999)
    assert sel.left_out["at or worse than chance (error ≥ 0.999)"] == 1
    assert sel.precision == "fp32"
    assert any("bf16" in k for k in sel.left_out)
    assert sel.left_out["no compute figure"] == 1
    assert sorted(data["source_row"]) == [1, 2]
    # clusters are publications: the two SENet rows come from two papers
    assert sorted(data["cluster"]) == ["Learning Transferable Architectures",
                                       "Squeeze-and-Excitation Networks"]
    mixed = benchmark_data("imagenet", joined=t, precision="any")
    assert sorted(mixed["source_row"]) == [1, 2, 4]


def _synthetic(n=40, slope=-0.1, sources=("a", "b"), kinds=("training",), seed=0,
               chance=None, benchmark="mmlu", noise=0.02, level=0.3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(20, 24, n)
    err = level * 10 ** (slope * (x - 22) + rng.normal(0, noise, n))
    if chance is not None:
        err = np.minimum(err, chance * 1.05)
    return conform(pd.DataFrame({
        "model": [f"m{i}" for i in range(n)], "model_key": [f"m{i}" for i in range(n)],
        "benchmark": benchmark, "metric": "accuracy", "value": 1 - err, "error": err,
        "date": pd.to_datetime("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
        "source": [sources[i % len(sources)] for i in range(n)],
        "publication": [f"paper {i // 2}" for i in range(n)],
        "setting_kind": "few-shot",
    }), "results").assign(
        training_flop=10 ** x, compute_kind=[kinds[i % len(kinds)] for i in range(n)],
        compute_model=[f"m{i}" for i in range(n)], match_note="", compute_origin="joined",
        peak_precision=None)


def test_one_kind_at_a_time_and_all_on_request():
    j = _synthetic(kinds=("training", "training", "imputed_operations", "includes_search"))
    data = benchmark_data("mmlu", joined=j)
    sel = data.attrs["selection"]
    assert sel.kind == "training" and len(data) == 20
    assert sel.n_by_kind == {"training": 20, "imputed_operations": 10, "includes_search": 10}
    mixed = benchmark_data("mmlu", joined=j, kind="all")
    assert len(mixed) == 30 and mixed.attrs["selection"].mixed  # search totals never
    assert "kinds mixed on request" in mixed.attrs["selection"].kinds_line()
    assert len(benchmark_data("mmlu", joined=j, kind="includes_search")) == 10
    with pytest.raises(ConfigError, match="kind must be one of"):
        benchmark_data("mmlu", joined=j, kind="flops")


def test_settings_are_held_or_all():
    j = _synthetic()
    j["setting_kind"] = ["few-shot"] * 30 + ["chain-of-thought"] * 10
    data = benchmark_data("mmlu", joined=j)
    assert data.attrs["selection"].setting == "few-shot" and len(data) == 30
    assert len(benchmark_data("mmlu", joined=j, setting="all")) == 40
    assert len(benchmark_data("mmlu", joined=j, setting="chain-of-thought")) == 10


def test_chance_level_and_the_above_chance_scale():
    j = _synthetic(slope=-0.2, chance=0.75, level=0.6)  # some errors at or above 0.75
    at = int((j["error"] >= 0.75).sum())
    assert at > 0
    data = benchmark_data("mmlu", joined=j)
    assert data["error"].max() < 0.75
    assert data.attrs["selection"].left_out["at or worse than chance (error ≥ 0.75)"] == at
    above = benchmark_data("mmlu", joined=j, scale="above-chance")
    assert above["error"].to_numpy() == pytest.approx(above["error_raw"].to_numpy() / 0.75)
    f = ScalingFit("polynomial", n_boot=0).fit(above)
    assert f.chance_ == 1.0  # on the above-chance scale chance is 1
    plain = ScalingFit("polynomial", n_boot=0).fit(data)
    assert plain.chance_ == 0.75
    assert float(plain.predict(1.0)) <= 0.75  # never above chance


def test_not_identified_gives_no_number():
    j = _synthetic(slope=0.0, noise=0.2, seed=3)
    data = benchmark_data("mmlu", joined=j)
    fit = ScalingFit("polynomial", n_boot=200).fit(data)
    assert not fit.identified_
    d = fit.to_dict()
    assert d["identified"] is False and d["halving_multiple"] is None
    assert "compute does not explain this benchmark" in fit.summary()
    x = extrapolate("mmlu", 0.01, data=data, n_boot=200)
    assert x.identified is False
    assert x.log10_compute is None and x.usd is None and x.co2_kg is None
    assert any("does not explain" in n for n in x.notes)


def test_sources_that_disagree_are_said_to():
    a = _synthetic(n=30, slope=-0.2, sources=("leaderboard",), seed=1)
    b = _synthetic(n=30, slope=0.1, sources=("hub",), seed=2)
    b["publication"] = "other " + b["publication"].astype(str)
    data = benchmark_data("mmlu", joined=pd.concat([a, b], ignore_index=True))
    chk = source_check(data)
    assert chk.disagree and "disagree" in chk.statement
    assert set(chk.table["fit"]) == {"pooled", "only", "without"}
    same = benchmark_data("mmlu", joined=_synthetic(n=60, seed=4))
    assert not source_check(same).disagree


# ------------------------------------------------------------ the CLI on a user's file


def _generic(tmp_path, flat=False):
    rng = np.random.default_rng(11)
    rows = ["model,benchmark,metric,value,date,training_flop,origin"]
    for i in range(24):
        x = rng.uniform(20, 24)
        year = 2020 + i % 4
        # slope −0.08 per decade of compute and 0.4 orders of magnitude of algorithmic
        # progress per year (c = −0.08 × 0.4 per year)
        e = 0.5 * 10 ** ((0 if flat else -0.08) * (x - 20 + 0.4 * (year - 2020))
                         + rng.normal(0, 0.1 if flat else 0.01))
        rows.append(f"net{i},mmlu,accuracy,{1 - e:.4f},{year}-0{1 + i % 9}-01,"
                    f"{10 ** x:.4g},paper {i // 3}")
    # same model name, another paper, another figure: kept apart
    if not flat:
        rows.append(f"net0,mmlu,accuracy,0.5,2021-05-01,{1e21:.4g},other paper")
    p = tmp_path / "mine.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_cli_fit_extrapolate_backtest_on_a_users_file(tmp_path):
    path = _generic(tmp_path)
    res = runner.invoke(app, ["fit", "--data", str(path), "--no-fill", "--n-boot", "200",
                              "--json"])
    assert res.exit_code == 0, res.output
    js = json.loads(res.output)
    assert js["benchmark"] == "mmlu" and js["n"] == 25
    assert js["selection"]["n_by_kind"] == {"training": 25}
    assert js["fits"][0]["identified"] is True
    assert js["fits"][0]["clusters"] == 9  # 8 papers of three + the other paper
    res = runner.invoke(app, ["extrapolate", "--data", str(path), "--no-fill",
                              "--target-error", "0.1", "--n-boot", "200", "--json",
                              "--model", "compute-only"])
    assert res.exit_code == 0, res.output
    x = json.loads(res.output)
    assert x["identified"] and x["compute_kind"] == "training" and x["usd"] > 0
    # the default, time-aware model answers for a date, with costs by buy date
    res = runner.invoke(app, ["extrapolate", "--data", str(path), "--no-fill",
                              "--target-error", "0.1", "--date", "2024-06-30",
                              "--n-boot", "200", "--json"])
    assert res.exit_code == 0, res.output
    o = json.loads(res.output)
    assert o["date"] == "2024-06-30" and o["compute_kind"] == "training"
    inv = o["inverse"]
    assert inv["interval"] == "conformal" and inv["horizon_evidence"] is True
    if inv["determined"]:
        assert inv["log10_compute_ci_low"] < inv["log10_compute"] \
            < inv["log10_compute_ci_high"]
        assert len(o["costs"]["table"]) == 3 and o["costs"]["table"][0]["usd_median"] > 0
    else:  # the file's outlier (net0, "other paper") is scored out of sample: wide intervals
        assert inv["log10_compute_ci_high"] - inv["log10_compute_ci_low"] > 6
        assert o["costs"] is None and any("cannot size this run" in n for n in o["notes"])
    res = runner.invoke(app, ["backtest", "--data", str(path), "--no-fill",
                              "--cutoff", "2022-01-01", "--n-boot", "100", "--json"])
    assert res.exit_code == 0, res.output
    cal = json.loads(res.output)
    assert cal[0]["benchmark"] == "mmlu" and cal[0]["compute_kind"] == "training"


def test_cli_not_identified_prints_no_figure(tmp_path):
    path = _generic(tmp_path, flat=True)
    for model in ("time", "compute-only"):
        res = runner.invoke(app, ["extrapolate", "--data", str(path), "--no-fill",
                                  "--target-error", "0.05", "--n-boot", "200",
                                  "--model", model])
        assert res.exit_code == 0, res.output
        assert ("compute does not explain this benchmark" in res.output
                or "no rate of algorithmic progress is identified" in res.output)
        assert "$" not in res.output and "10^" not in res.output


def test_cli_refuses_file_options_without_a_file():
    res = runner.invoke(app, ["fit", "--benchmark", "mmlu", "--no-fill"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["fit", "--benchmark", "mmlu", "--form", "site"])
    assert res.exit_code == 2 and "sign flipped" in res.output


def test_cli_rolling_backtest_on_a_users_file(tmp_path):
    """Without --cutoff, backtest scores the time model, the compute-only fit and the naive
    baseline on every later result of the user's file over quarterly cutoffs."""
    path = _generic(tmp_path)
    out = tmp_path / "bt.csv"
    res = runner.invoke(app, ["backtest", "--data", str(path), "--no-fill", "--n-boot", "100",
                              "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    rows = [r for r in doc["summary"] if r["horizon"] == "all"]
    models = {r["model"] for r in rows if r["benchmark"] == "mmlu" and r["target"] == "all"}
    assert {"time", "compute_only", "naive", "nested"} <= models
    from computelimits.scaling.evaluation.registry import candidates

    assert doc["default_model"]["model"] in candidates()
    assert doc["lookahead_free"] is True
    bins = {r["horizon"] for r in doc["summary"] if r["benchmark"] == "mmlu"}
    assert "0-1y" in bins
    time = next(r for r in rows if r["benchmark"] == "mmlu" and r["model"] == "time"
                and r["target"] == "all")
    assert time["predictions"] > 0 and 0 <= time["forward_coverage"] <= 1
    assert out.is_file() and out.with_name("bt.csv.predictions.csv").is_file()


def test_cli_control_year_leaves_undated_results_out_and_says_so(tmp_path):
    lines = _generic(tmp_path).read_text(encoding="utf-8").splitlines()
    # blank the date of two rows
    for i in (1, 2):
        cells = lines[i].split(",")
        cells[4] = ""
        lines[i] = ",".join(cells)
    path = tmp_path / "undated.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["fit", "--data", str(path), "--no-fill", "--control-year",
                              "--n-boot", "100", "--json"])
    assert res.exit_code == 0, res.output
    js = json.loads(res.output)
    assert js["selection"]["left_out"]["undated (the year control needs a date)"] == 2
    assert js["fits"][0]["n"] == js["n"] == 23 and js["fits"][0]["control_year"]
