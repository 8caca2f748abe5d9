"""The rate of algorithmic progress across benchmarks: random effects, prediction interval,
leave-one-out and held-out checks (:mod:`computelimits.scaling.heterogeneity`) and the
``computelimits progress`` verb. Simulated panels with planted rates, then the mirror."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from _helpers import assert_one_line_error
from computelimits.errors import ConfigError
from computelimits.scaling.heterogeneity import (
    ProgressHeterogeneity,
    _random_effects,
    progress_heterogeneity,
)
from computelimits.scaling.pooled import compare_published

MU = 0.3  # planted mean rate, orders of magnitude of compute per year


def panel(seed: int, *, k: int = 10, n: int = 60, mu: float = MU, tau: float = 0.15,
          sigma: float = 0.04) -> tuple[pd.DataFrame, np.ndarray]:
    """Benchmarks k = 0..k−1 with rates γ_k ~ N(mu, tau²) and
    log10 e = a_k + b_k·(log10 C − 22 + γ_k·(year − 2015)) + N(0, sigma²); compute grows with
    the date; publications of two results each. Returns the rows and the planted rates."""
    rng = np.random.default_rng(seed)
    gam = mu + tau * rng.standard_normal(k)
    parts = []
    for j in range(k):
        t = rng.uniform(0, 8, n)
        x = 20 + 0.4 * t + rng.uniform(0, 4, n)
        b = rng.uniform(-0.25, -0.1)
        a = rng.uniform(-0.8, -0.6)
        y = a + b * (x - 22 + gam[j] * t) + sigma * rng.standard_normal(n)
        parts.append(pd.DataFrame({"benchmark": f"b{j}", "error": 10.0 ** y, "log10_compute": x,
                                   "year": 2015 + t,
                                   "cluster": [f"b{j}-{i // 2}" for i in range(n)]}))
    rows = pd.concat(parts, ignore_index=True)
    assert rows["error"].between(0, 1, inclusive="neither").all()
    return rows, gam


# ---------------------------------------------------------------------- random effects
def test_paule_mandel_and_dersimonian_laird_agree_with_equal_variances():
    # with equal variances v both estimators are max(0, sample variance − v), μ̂ the mean
    y = np.array([0.1, 0.5, 0.3, 0.9, -0.2])
    re = _random_effects(y, np.full(5, 0.1))
    assert re["tau2"] == pytest.approx(max(0.0, np.var(y, ddof=1) - 0.01), rel=1e-6)
    assert re["tau2_dl"] == pytest.approx(re["tau2"], rel=1e-6)
    assert re["mu"] == pytest.approx(y.mean())
    assert re["hk_scale"] == pytest.approx(1.0, rel=1e-6)  # Paule–Mandel: Q_gen = K − 1
    assert re["q_df"] == 4 and 0 < re["i2"] < 1
    # homogeneous estimates: τ² = 0 and the HKSJ interval is never narrower than the plain one
    calm = _random_effects(np.array([0.30, 0.31, 0.29, 0.30]), np.full(4, 0.1))
    assert calm["tau2"] == 0.0 and calm["i2"] == 0.0 and calm["se_hk"] == calm["se"]


def test_planted_heterogeneous_rates_are_recovered_and_detected():
    for seed in range(4):
        rows, gam = panel(seed)
        h = ProgressHeterogeneity(n_boot=300, seed=seed).fit(rows)
        lo, hi = h.gamma_re_ci_
        assert lo < MU < hi, (seed, h.gamma_re_, h.gamma_re_ci_)
        assert h.tau_ > 0.05 and h.tau_ci_[0] > 0
        assert h.q_pvalue_ < 0.05 and h.f_pvalue_ < 0.05 and h.i2_ > 0.5
        # each benchmark's own rate is near its planted one
        own = h.rates_.loc[[f"b{j}" for j in range(len(gam))], "gamma"].to_numpy()
        assert np.max(np.abs(own - gam)) < 0.15
        # held out, the others' prediction interval covers most benchmarks' rates
        assert h.heldout_checked_ == 10 and h.heldout_covered_ >= 8, h.heldout_covered_
        assert h.pi_[0] < h.gamma_re_ci_[0] and h.pi_[1] > h.gamma_re_ci_[1]
        assert not h.left_out_


def test_a_planted_common_rate_is_rarely_rejected():
    q_reject = f_reject = 0
    seeds = range(20)
    for seed in seeds:
        rows, _ = panel(100 + seed, tau=0.0)
        h = ProgressHeterogeneity(n_boot=300, seed=seed).fit(rows)
        q_reject += h.q_pvalue_ < 0.05
        f_reject += h.f_pvalue_ < 0.05
        assert h.gamma_re_ci_[0] - 0.05 < MU < h.gamma_re_ci_[1] + 0.05
        assert h.heldout_covered_ >= 7
    # nominal 5%; Cochran's Q with bootstrap standard errors runs somewhat above it
    assert q_reject / len(seeds) <= 0.2, q_reject
    assert f_reject / len(seeds) <= 0.2, f_reject


def test_benchmarks_without_an_own_rate_are_listed_not_dropped():
    rows, _ = panel(7, k=5)
    few = rows[rows["benchmark"] == "b4"].head(12)  # 12 dated results: too few
    flat = rows[rows["benchmark"] == "b3"].assign(year=2020.0)  # one date: no rate
    rows = pd.concat([rows[~rows["benchmark"].isin(["b3", "b4"])], few, flat])
    h = ProgressHeterogeneity(n_boot=200, seed=1, min_dated=20).fit(rows)
    assert set(h.left_out_) == {"b3", "b4"}
    assert "fewer than 20" in h.left_out_["b4"] and "one date" in h.left_out_["b3"]
    assert set(h.rates_.index) == {"b0", "b1", "b2", "b3", "b4"}
    assert not h.rates_.loc["b4", "included"] and h.rates_["included"].sum() == 3
    assert "left out of the random effects: b4" in h.summary()
    with pytest.raises(ConfigError, match="at least 2"):
        ProgressHeterogeneity(n_boot=200).fit(rows[rows["benchmark"].isin(["b0", "b4"])])
    with pytest.raises(ConfigError, match="n_boot"):
        ProgressHeterogeneity(n_boot=10)


def test_results_vocabulary():
    rows, _ = panel(3, k=6)
    h = ProgressHeterogeneity(n_boot=200, seed=0).fit(rows)
    ci = h.conf_int()
    assert list(ci.columns) == ["ci_low", "ci_high"]
    assert {"gamma_fixed", "gamma_random", "gamma_new_benchmark", "tau",
            "halving_months_random"} <= set(ci.index)
    wide = h.conf_int(0.01)
    assert wide.loc["gamma_random", "ci_low"] < ci.loc["gamma_random", "ci_low"]
    assert ci.loc["gamma_random", "ci_low"] == pytest.approx(h.gamma_re_ci_[0])
    d = h.to_dict()
    json.dumps(d, allow_nan=False)  # strict JSON
    assert d["random_effects"]["gamma"] == pytest.approx(h.gamma_re_)
    assert len(d["benchmarks"]) == 6 and d["heldout"]["checked"] == 6
    frame = h.to_frame()
    assert {"gamma", "gamma_se", "loo_gamma_re", "loo_gamma_fe", "heldout_covered",
            "influential"} <= set(frame.columns)
    assert "random effects" in str(h.summary()) and "<table" in h._repr_html_()
    assert "γ_RE" in repr(h) and "not fitted" in repr(ProgressHeterogeneity())
    # compare_published: the old call unchanged, the new rows on request
    old = compare_published(h.pooled_)
    assert old["name"].iloc[0] == "this fit (pooled γ)" and len(old) == 3
    new = compare_published(h.pooled_, heterogeneity=h)
    assert len(new) == 5 and "in_prediction_interval" in new
    assert new["in_prediction_interval"].iloc[:3].isna().all()


# ---------------------------------------------------------------------- the mirror
@pytest.fixture(scope="module")
def real(mirror):
    return progress_heterogeneity(n_boot=1000, seed=0)


def test_real_data_leave_one_out_rates_lie_inside_the_reported_intervals(real):
    h = real
    r = h.to_frame()
    lo, hi = h.gamma_re_ci_
    flo, fhi = h.gamma_fe_ci_
    assert len(r) == 13 and "triviaqa" in r.index
    loo_re = r["loo_gamma_re"].dropna()
    assert len(loo_re) == r["included"].sum() >= 10
    assert loo_re.between(lo, hi).all(), loo_re
    assert r["loo_gamma_fe"].dropna().between(flo, fhi).all()
    assert h.influential_ == []
    # the F test of one γ (clustered, heteroskedastic results) rejects; its df are stated
    assert h.f_df_[0] == 12 and 500 < h.f_df_[1] < 620 and h.f_ > 3
    print(f"\nheld-out coverage: {h.heldout_covered_} of {h.heldout_checked_} "
          f"(interval for a true rate: {h.heldout_true_covered_}); RE {h.gamma_re_:.3f} "
          f"[{lo:.3f}, {hi:.3f}], τ {h.tau_:.3f}, FE {h.gamma_fe_:.3f} [{flo:.3f}, {fhi:.3f}]")
    assert h.heldout_checked_ == 13 and h.heldout_covered_ >= 11
    # every benchmark left out says why
    for b, why in h.left_out_.items():
        assert why and not r.loc[b, "included"]
    # the published rates are set against the prediction interval (a finding, not a check)
    pub = h.compare_published().set_index("name")
    assert pub["in_prediction_interval"].isin([True, False]).all()
    assert pub.loc["Ho et al. 2024", "gamma"] == pytest.approx(12 * np.log10(2) / 8)


# ---------------------------------------------------------------------- the verb
def test_progress_verb_table_json_and_csv(mirror, invoke, tmp_path):
    out = tmp_path / "progress.csv"
    res = invoke("progress", "--n-boot", "500", "--out", str(out))
    assert res.returncode == 0, res.stderr
    for word in ("fixed effect", "random effects", "τ =", "I² =", "Cochran's Q",
                 "prediction interval", "held out:", "influential", "Ho et al. 2024",
                 "Erdil & Besiroglu 2022", "mmlu", "triviaqa", "sources: Epoch AI ("):
        assert word in res.stdout, word
    assert "method:" not in res.stdout  # method details only with --verbose
    assert len(res.stdout.splitlines()) < 50  # one screen
    table = pd.read_csv(out)
    assert {"benchmark", "gamma", "loo_gamma_re", "heldout_covered"} <= set(table.columns)
    js = invoke("progress", "--n-boot", "500", "--json", "--benchmark", "mmlu",
                "--benchmark", "gsm8k", "--benchmark", "hellaswag", "--benchmark", "piqa")
    assert js.returncode == 0, js.stderr
    d = json.loads(js.stdout)
    assert [b["benchmark"] for b in d["benchmarks"]] == ["mmlu", "gsm8k", "hellaswag", "piqa"]
    re = d["random_effects"]
    assert re["gamma_ci_low"] < re["gamma"] < re["gamma_ci_high"] and re["q_df"] == 3
    assert d["prediction"]["gamma_ci_low"] <= re["gamma_ci_low"]
    assert d["heldout"]["checked"] == 4 and d["sources"]
    assert d["methods"]["tau2"].startswith("Paule–Mandel")
    verbose = invoke("progress", "--n-boot", "200", "--verbose")
    assert verbose.returncode == 0 and "method: interval: Hartung–Knapp" in verbose.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--benchmark", "nosuch"], "unknown benchmark 'nosuch'"),
    (["--n-boot", "10"], "'--n-boot': 10 is out of range"),
])
def test_progress_bad_input_is_one_line(invoke, args, message):
    assert_one_line_error(invoke("progress", *args), message)


def test_unknown_benchmark_fails_before_the_data_are_read(monkeypatch):
    from computelimits.scaling import heterogeneity

    def boom(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("read the data")

    monkeypatch.setattr("computelimits.data.catalog.resolve_catalog", boom)
    with pytest.raises(ConfigError, match="unknown benchmark"):
        heterogeneity.reference_rows(None, ["nosuch"])
