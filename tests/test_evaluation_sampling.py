"""Issue 21, ``backtest --data`` on a large file: the rolling-origin evaluation scores a seeded
random sample of at most ``max_scored`` later results per benchmark and cutoff — the same
for every model, every new best kept besides, the figures over "all" later results those
of the sample — and says so; below the cap nothing changes. The fast paths behind it give
numpy's and pandas' own numbers (sorted-row percentiles, the prediction CSV)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from _helpers import panel
from computelimits.scaling.evaluation import nested_choice, rolling_origin, summarize
from computelimits.scaling.evaluation.rolling import (
    MAX_SCORED,
    sampling_note,
    write_predictions_csv,
)
from computelimits.scaling.fit import ScalingFit, percentiles_by_row

MODELS = ("time", "time_logit", "compute_only", "naive")
KEY = ["benchmark", "cutoff", "model", "result_id"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    return {f"b{k}": panel(rng, benchmark=f"b{k}") for k in range(2)}


def run(data, **kw):
    kw = {"n_boot": 100, "step_months": 12, "models": MODELS, **kw}
    return rolling_origin(data, **kw)


@pytest.fixture(scope="module")
def every(data):
    return run(data, max_scored=0)


@pytest.fixture(scope="module")
def sampled(data):
    return run(data, max_scored=60)


def test_the_cap_holds_and_every_model_is_scored_on_the_same_results(every, sampled):
    assert MAX_SCORED == 2000
    later = every[every["model"] == "naive"].groupby(["benchmark", "cutoff"],
                                                     observed=True).size()
    assert (later > 60).any() and (later <= 60).any()  # some cutoffs sampled, some not
    for (bench, cut), n_later in later.items():
        rows = sampled[(sampled["benchmark"] == bench) & (sampled["cutoff"] == cut)]
        ids = {m: set(g["result_id"]) for m, g in rows.groupby("model", observed=True)}
        first = ids["naive"]
        assert all(v == first for v in ids.values())  # one sample for every model
        one = rows[rows["model"] == "naive"]
        assert one["in_sample"].sum() == min(60, n_later)
        if n_later <= 60:
            assert one["in_sample"].all() and len(one) == n_later
        else:  # the sample, and the new bests outside it
            assert (one["in_sample"] | one["new_best"]).all()
        assert one["row"].is_unique and one["row"].max() < n_later


def test_every_new_best_is_kept_and_the_numbers_are_those_of_scoring_all(every, sampled):
    nb = every[every["new_best"]].set_index(KEY).index
    assert nb.isin(sampled[sampled["new_best"]].set_index(KEY).index).all()
    assert sampled["new_best"].sum() == every["new_best"].sum()
    # a sampled prediction is the prediction scoring every later result made of that result
    both = sampled.merge(every, on=KEY, suffixes=("", "_all"))
    assert len(both) == len(sampled)
    for c in ("row", "horizon_years", "predicted_transformed_error",
              "transformed_error_pred_ci_low", "log10_compute_pred_ci_high"):
        np.testing.assert_array_equal(both[c].to_numpy(float), both[f"{c}_all"].to_numpy(float))


def test_the_output_says_a_sample_was_scored(every, sampled):
    s = sampled.attrs["sampling"]
    assert s["max_scored"] == 60 and s["seed"] == 0 and 0 < s["sampled_cutoffs"] < s["cutoffs"]
    assert s["later"] == (every["model"] == "naive").sum()
    note = sampling_note(s)
    assert note.startswith("scored a random sample of 60 of up to ")
    assert "(seed 0;" in note and "every new best kept" in note
    assert every.attrs["sampling"]["sampled_cutoffs"] == 0
    assert sampling_note(every.attrs["sampling"]) is None


def test_below_the_cap_nothing_changes(data, every):
    same = run(data, max_scored=10_000)
    pd.testing.assert_frame_equal(same, every)
    assert every["in_sample"].all()
    with pytest.raises(Exception, match="max_scored"):
        run(data, max_scored=-1)


def test_the_sample_is_fixed_by_the_seed(data, sampled):
    again = run(data, max_scored=60)
    pd.testing.assert_frame_equal(again, sampled)
    other = run(data, max_scored=60, seed=1)
    assert set(other["result_id"]) != set(sampled["result_id"])


def test_all_means_the_sample_and_new_bests_are_scored_whole(sampled):
    s = summarize(sampled)
    one = s[(s["benchmark"] == "pooled") & (s["model"] == "time") & (s["horizon"] == "all")]
    rows = sampled[sampled["model"] == "time"]
    assert one[one["target"] == "all"]["predictions"].item() == rows["in_sample"].sum()
    assert one[one["target"] == "new_best"]["predictions"].item() == rows["new_best"].sum()


def test_the_nested_choice_reads_only_the_sample(sampled):
    """New bests outside the sample are kept for the new-best figures: spoiling them must not
    move the choice of the default."""
    cands = ("time", "time_logit")
    _, choices = nested_choice(sampled, cands)
    spoiled = sampled.copy()
    out = ~spoiled["in_sample"] & (spoiled["model"] == "time")
    assert out.any()
    spoiled.loc[out, "actual_log10_compute"] = 100.0
    spoiled.loc[out, "actual_transformed_error"] = 100.0
    _, again = nested_choice(spoiled, cands)
    pd.testing.assert_frame_equal(again, choices)


def test_the_bundled_evaluation_is_not_sampled(mirror):
    from computelimits.scaling.evaluation import rolling_evaluation

    ev = rolling_evaluation(n_boot=100)
    assert ev.sampling_note is None
    assert ev.predictions.attrs["sampling"]["sampled_cutoffs"] == 0
    assert ev.predictions.attrs["sampling"]["max_later"] <= MAX_SCORED
    whole = rolling_evaluation(n_boot=100, max_scored=0)
    pd.testing.assert_frame_equal(ev.scores, whole.scores, check_exact=True)
    pd.testing.assert_frame_equal(ev.choices, whole.choices, check_exact=True)


def _large_file(path, rows_per_benchmark=150):
    """A generic-layout file of two benchmarks over two years (few cutoffs, many later
    results each)."""
    rng = np.random.default_rng(9)
    lines = ["model,benchmark,metric,value,date,unit,training_flop,compute_kind,origin,"
             "publication"]
    for bench in ("mmlu", "hellaswag"):
        year = rng.uniform(2020.0, 2022.0, rows_per_benchmark)
        log10c = 20.0 + 0.5 * (year - 2020.0) + rng.uniform(-1.5, 1.5, rows_per_benchmark)
        err = np.clip(10 ** (np.log10(0.75) - 0.08 * (log10c - 20) - 0.03 * (year - 2020)
                             + rng.normal(0, 0.03, rows_per_benchmark)), 0.01, 0.7)
        for i in range(rows_per_benchmark):
            day = pd.Timestamp("2020-01-01") + pd.Timedelta(days=int((year[i] - 2020) * 365))
            pub = int(rng.integers(0, 40))
            lines.append(f"M{bench}{i},{bench},accuracy,{1 - err[i]:.5f},{day.date()},fraction,"
                         f"{10 ** log10c[i]:.4e},training,Paper {pub},Paper {pub}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_backtest_says_so_on_the_command_line_and_in_json(mirror, tmp_path, invoke):
    path = _large_file(tmp_path / "large.csv")
    res = invoke("backtest", "--data", str(path), "--max-scored", "25", "--n-boot", "100",
                 "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["sampling"]["max_scored"] == 25 and d["sampling"]["sampled_cutoffs"] > 0
    assert d["sampling"]["note"].startswith("scored a random sample of 25 of up to ")
    text = invoke("backtest", "--data", str(path), "--max-scored", "25", "--n-boot", "100",
                  "--out", str(tmp_path / "bt.csv"))
    assert text.returncode == 0, text.stderr
    flat = " ".join(text.stdout.split())
    assert "a random sample of the later results" in flat
    assert "scored a random sample of 25 of up to" in flat
    pred = pd.read_csv(tmp_path / "bt.csv.predictions.csv")
    assert "in_sample" in pred and not pred["in_sample"].all()
    every = invoke("backtest", "--data", str(path), "--max-scored", "0", "--n-boot", "100",
                   "--json")
    assert json.loads(every.stdout)["sampling"]["note"] is None
    bad = invoke("backtest", "--data", str(path), "--max-scored", "-3")
    assert bad.returncode != 0 and "--max-scored" in bad.stderr


# ------------------------------------------------------------------------------ fast paths
@pytest.mark.parametrize("q", [[2.5, 97.5], [0.5, 99.5], [50.0], [0.0, 100.0]])
def test_sorted_row_percentiles_are_numpys(q):
    rng = np.random.default_rng(0)
    for trial in range(60):
        v = rng.normal(size=(int(rng.integers(1, 20)), int(rng.integers(1, 900))))
        if trial % 3 == 0:
            v[rng.uniform(size=v.shape) < 0.05] = np.inf
        if trial % 4 == 0:
            v[rng.uniform(size=v.shape) < 0.05] = -np.inf
        if trial % 5 == 0:
            v[rng.uniform(size=v.shape) < 0.02] = np.nan
        if trial % 7 == 0:
            v = np.round(v)
        with np.errstate(invalid="ignore"):
            want = np.percentile(v, q, axis=1)
            got = percentiles_by_row(v.copy(), q)
        np.testing.assert_array_equal(got, want)


def test_resample_weights_are_reused_with_the_same_numbers():
    from computelimits.scaling import fit as fit_module

    rng = np.random.default_rng(2)
    d = pd.DataFrame({"error": 10 ** rng.uniform(-2, -0.5, 80),
                      "log10_compute": rng.uniform(18, 24, 80),
                      "cluster": [f"c{i}" for i in rng.integers(0, 12, 80)]})
    fit_module._weights_memo.clear()
    a = ScalingFit(n_boot=300, seed=7).fit(d)
    b = ScalingFit(n_boot=300, seed=7).fit(d)  # from the memo
    np.testing.assert_array_equal(a.boot_params_, b.boot_params_)
    G = d["cluster"].nunique()
    w = np.random.default_rng(7).multinomial(G, np.full(G, 1 / G), size=300).astype(float)
    np.testing.assert_array_equal(fit_module._resample_weights(7, G, 300), w)


def test_the_prediction_csv_is_what_pandas_writes(sampled, tmp_path):
    df = sampled.assign(note=np.where(np.arange(len(sampled)) % 3 == 0, 'a "quoted", text',
                                      None))
    df.loc[df.index[:5], "year"] = [0.0, -0.0, np.inf, -np.inf, 1e-7]
    write_predictions_csv(df, tmp_path / "p.csv")
    assert (tmp_path / "p.csv").read_text(encoding="utf-8") == df.to_csv(index=False)
