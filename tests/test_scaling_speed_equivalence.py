"""The fast paths give the numbers of the slow ones (issue 21, users' files that scale):
leave-one-publication-out slopes in closed form equal refits without the publication,
``Forecast.inverse_many`` equals ``Forecast.inverse`` element by element, the blockwise
bootstrap intervals equal the whole-array ones, and the rolling-origin evaluation predicts
what it predicted before the vectorisation (a summary computed with the old code, stored
here)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from computelimits.errors import ConfigError
from computelimits.scaling import fit as fit_module
from computelimits.scaling.evaluation import MODELS, rolling_origin
from computelimits.scaling.evaluation.models import compute_only
from computelimits.scaling.fit import YEAR0, ScalingFit
from computelimits.scaling.forecast import Forecast
from computelimits.scaling.horizon import HorizonQuantiles


# ------------------------------------------------------------------ influence in closed form
def refit_influence(fit: ScalingFit, by: str = "paper") -> pd.DataFrame:
    """The influence table as it was computed before issue 21: one full refit per group."""
    rows = []
    se = float(fit.bse_[1]) if np.isfinite(fit.bse_[1]) else float(fit.bse_hc3_[1])
    for g, idx in fit.data_.groupby(by).groups.items():
        rest = fit.data_.drop(index=idx)
        if len(rest) < len(fit.names_) + 2 or rest["log10_compute"].nunique() < 2:
            continue
        sub = ScalingFit(fit.form, cov="ols", control_year=fit.control_year,
                         n_boot=0).fit(rest)
        rows.append({by: g, "results": len(idx), "slope_without": sub.slope_,
                     "change": sub.slope_ - fit.slope_})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["flag"] = out["change"].abs() > se
    return out.reindex(out["change"].abs().sort_values(ascending=False).index).reset_index(
        drop=True)


def results(rng, n=240, papers=20) -> pd.DataFrame:
    """Errors falling with compute and date; papers of very different sizes (one holds a
    third of the rows), one result without a paper, one paper with a planted outlier."""
    year = rng.uniform(2014, 2023, n)
    x = 18 + 0.6 * (year - 2014) + rng.uniform(-1.5, 1.5, n)
    y = 0.8 - 0.07 * x - 0.02 * (year - 2014) + rng.normal(0, 0.05, n)
    paper = np.where(rng.uniform(size=n) < 0.33, "big",
                     np.array([f"p{i}" for i in rng.integers(0, papers, n)], dtype=object))
    paper = paper.astype(object)
    paper[0] = None
    y[paper == "p3"] += 0.3
    return pd.DataFrame({"error": 10 ** y, "log10_compute": x, "year": year, "paper": paper,
                         "cluster": [str(p) for p in paper]})


@pytest.mark.parametrize("form", ["polynomial", "exponential", "logit"])
@pytest.mark.parametrize("control_year", [False, True])
def test_closed_form_influence_equals_refits(form, control_year):
    data = results(np.random.default_rng(3))
    fit = ScalingFit(form, control_year=control_year, n_boot=0).fit(data)
    fast, slow = fit.influence(), refit_influence(fit)
    assert len(fast) == data["paper"].nunique()
    assert list(fast.columns) == list(slow.columns)
    assert list(fast["paper"]) == list(slow["paper"])
    assert list(fast["results"]) == list(slow["results"])
    assert list(fast["flag"]) == list(slow["flag"])
    np.testing.assert_allclose(fast["slope_without"], slow["slope_without"], rtol=1e-9,
                               atol=0)
    np.testing.assert_allclose(fast["change"], slow["change"], rtol=1e-9, atol=1e-12)
    by_model = fit.influence("cluster")
    np.testing.assert_allclose(by_model["slope_without"],
                               refit_influence(fit, "cluster")["slope_without"], rtol=1e-9)


def test_influence_skips_and_fails_as_the_refits_do():
    rng = np.random.default_rng(5)
    data = results(rng, n=60, papers=4)
    # a paper that holds every result but three: the rest is too small to fit
    data.loc[3:, "paper"] = "most"
    fit = ScalingFit(n_boot=0).fit(data)
    fast, slow = fit.influence(), refit_influence(fit)
    assert "most" not in set(fast["paper"]) and list(fast["paper"]) == list(slow["paper"])
    # a paper whose removal leaves one compute value only
    one = results(rng, n=40)
    one.loc[:, "log10_compute"] = 20.0
    one.loc[:4, "log10_compute"] = [21.0, 22.0, 23.0, 24.0, 25.0]
    one.loc[:4, "paper"] = "spread"
    fit = ScalingFit(n_boot=0).fit(one)
    assert "spread" not in set(fit.influence()["paper"])
    assert list(fit.influence()["paper"]) == list(refit_influence(fit)["paper"])
    # with the year controlled, removing the only paper of other dates leaves collinear
    # regressors: the refit refuses, and so does the closed form
    col = results(rng, n=40)
    col.loc[:, "year"] = 2020.0
    col.loc[:5, "year"] = 2016.0 + np.arange(6)
    col.loc[:5, "paper"] = "dated"
    fit = ScalingFit(control_year=True, n_boot=0).fit(col)
    with pytest.raises(ConfigError):
        refit_influence(fit)
    with pytest.raises(ConfigError):
        fit.influence()


# --------------------------------------------------------------------- inverse, many at once
def dated(rng, n=70, slope=-0.1, rate=0.4, sd=0.04, benchmark="b") -> pd.DataFrame:
    year = np.sort(rng.uniform(2016.0, 2023.0, n))
    x = 20 + 0.5 * (year - 2016) + rng.uniform(-1.5, 1.5, n)
    y = -0.3 + slope * (x - 22 + rate * (year - YEAR0)) + rng.normal(0, sd, n)
    return pd.DataFrame({"benchmark": benchmark, "error": 10 ** y, "log10_compute": x,
                         "year": year, "cluster": [f"p{i % 12}" for i in range(n)]})


def forecasts() -> dict[str, Forecast]:
    rng = np.random.default_rng(11)
    data = dated(rng)
    weak = dated(rng, slope=-0.01, sd=0.08)
    return {
        "conformal": Forecast(n_boot=0).fit(data),
        "conformal, fixed rate": Forecast(n_boot=0, rate=0.3).fit(data),
        "conformal, logit": Forecast("logit", n_boot=0).fit(data),
        "bootstrap": Forecast(interval="bootstrap", n_boot=300, seed=4).fit(data),
        "bootstrap, fixed rate": Forecast(interval="bootstrap", n_boot=300,
                                          rate=0.3).fit(data),
        "bootstrap, weak slope": Forecast(interval="bootstrap", n_boot=300).fit(weak),
        "normal theory": Forecast(interval="bootstrap", n_boot=0).fit(data),
    }


@pytest.mark.parametrize("name", list(forecasts()))
def test_inverse_many_equals_inverse_element_by_element(name):
    fc = forecasts()[name]
    rng = np.random.default_rng(2)
    errors = rng.uniform(0.05, 0.9, 40)
    # dates before the data, within it, and up to six years beyond (every horizon bin)
    years = rng.uniform(2015.0, fc.last_year_ + 6.0, 40)
    many = fc.inverse_many(errors, years)
    assert many["interval"] in ("conformal", "bootstrap", "normal theory")
    for i, (e, yr) in enumerate(zip(errors, years, strict=True)):
        one = fc.inverse(float(e), float(yr))
        assert one["interval"] == many["interval"]
        for key in ("log10_compute", "log10_compute_ci_low", "log10_compute_ci_high",
                    "horizon_years", "horizon_evidence"):
            a, b = one[key], many[key][i]
            assert a == b or (math.isnan(a) and math.isnan(b)), (name, key, i, a, b)
    with pytest.raises(ConfigError):
        fc.inverse_many(np.array([0.1, 1.5]), np.array([2020.0, 2020.0]))


def test_blocks_give_the_numbers_of_one_block(monkeypatch):
    """The bootstrap arrays are taken in blocks of results; blocks of any size give the same
    numbers."""
    rng = np.random.default_rng(8)
    data = dated(rng)
    fc = Forecast(interval="bootstrap", n_boot=200, seed=1).fit(data)
    co = ScalingFit(n_boot=200, seed=1).fit(data)
    x = rng.uniform(19, 25, 37)
    year = rng.uniform(2018, 2026, 37)
    e = rng.uniform(0.05, 0.6, 37)

    def run():
        return (fc.forward_transformed(x, year), fc.inverse_many(e, year),
                co.log10_compute_for_many(e), compute_only.bootstrap_forward(
                    co, x, year - YEAR0, 0.05, 3))

    whole = run()
    for cells in (200, 1000, 7 * 200 + 3):
        monkeypatch.setattr(fit_module, "BLOCK_CELLS", cells)
        monkeypatch.setattr("computelimits.scaling.forecast.BLOCK_CELLS", cells)
        monkeypatch.setattr(compute_only, "BLOCK_CELLS", cells)
        part = run()
        for a, b in zip(whole[0], part[0], strict=True):
            np.testing.assert_array_equal(a, b)
        for k in ("log10_compute_ci_low", "log10_compute_ci_high"):
            np.testing.assert_array_equal(whole[1][k], part[1][k])
        for k in whole[2]:
            np.testing.assert_array_equal(whole[2][k], part[2][k])
        for a, b in zip(whole[3], part[3], strict=True):
            np.testing.assert_array_equal(a, b)
    # and one-at-a-time gives the same as many-at-a-time
    many = co.log10_compute_for_many(e)
    one = co.log10_compute_for(float(e[5]))
    assert all(many[k][5] == v for k, v in one.items())
    assert set(co.log10_compute_for_many(e, confidence=False)) == set(many) - {
        "log10_compute_ci_low", "log10_compute_ci_high"}


def test_horizon_multiples_many_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(4)
    for n in (0, 1, 10, 25, 80):
        hq = HorizonQuantiles.from_scores(rng.normal(size=n), rng.uniform(0, 3.5, n), 0.05)
        h = np.concatenate([rng.uniform(0, 7, 50), [0.0, 1.0, 2.0, 3.0, np.nan]])
        many = hq.at(h)
        within = hq.within(h)
        for i, v in enumerate(h):
            one = hq.at(v)[0]
            assert one == many[i] or (math.isnan(one) and math.isnan(many[i]))
            if not math.isnan(v):
                assert within[i] == hq.evidence(v)


# ------------------------------------------------------- the rolling origin, before and after
def panel(rng, n=60, slope=-0.1, rate=0.4, sd=0.03, drift=0.02, start=2016.0, years=7.0,
          benchmark="b0", clusters=15) -> pd.DataFrame:
    year = np.sort(rng.uniform(start, start + years, n))
    x = 20 + 0.5 * (year - start) + rng.uniform(-1.5, 1.5, n)
    steps = rng.normal(0, drift * np.sqrt(np.diff(np.concatenate([[start], year]))))
    y = (-0.3 + slope * (x - 22 + rate * (year - YEAR0)) + np.cumsum(steps)
         + rng.normal(0, sd, n))
    dates = pd.to_datetime([f"{int(v)}-01-01" for v in year]) + pd.to_timedelta(
        (year % 1) * 365, "D")
    return pd.DataFrame({"benchmark": benchmark, "error": 10 ** y, "log10_compute": x,
                         "year": year, "date": dates,
                         "cluster": [f"p{i % clusters}" for i in range(n)],
                         "paper": [f"p{i % clusters}" for i in range(n)],
                         "model": [f"{benchmark}-m{i}" for i in range(n)],
                         "source_file": f"{benchmark}.csv", "source_row": np.arange(n) + 2})


#: Per model: rows, intervals that held (forward, inverse), and per prediction column
#: [sum, sum of squares of the finite values, infinite values, NaNs] — computed with the
#: code before issue 21's vectorisation (one ``Forecast.inverse`` call per later result).
EXPECTED = {
    "compute_only": {"rows": 717, "in_forward": 456, "in_inverse": 367,
        "predicted_transformed_error": [-322.7124060331742, 161.36515130764184, 0, 0],
        "transformed_error_pred_ci_low": [-396.9279517912129, 236.19085671100476, 0, 0],
        "transformed_error_pred_ci_high": [-253.69769230537688, 107.51922772516588, 0, 0],
        "predicted_log10_compute": [14484.751144311993, 331763.989504732, 0, 81],
        "log10_compute_pred_ci_low": [13156.711689201988, 283284.25383809325, 0, 83],
        "log10_compute_pred_ci_high": [16258.32785709337, 438792.3314672526, 0, 83]},
    "hybrid": {"rows": 717, "in_forward": 683, "in_inverse": 597,
        "predicted_transformed_error": [-390.64188182394076, 239.5413353311078, 0, 0],
        "transformed_error_pred_ci_low": [-561.2002792074709, 521.8043820341301, 0, 0],
        "transformed_error_pred_ci_high": [-220.0834844404107, 119.28572453785581, 0, 0],
        "predicted_log10_compute": [13751.53339387766, 299722.5841704734, 0, 81],
        "log10_compute_pred_ci_low": [11309.4325045339, 219371.95463186677, 0, 83],
        "log10_compute_pred_ci_high": [16116.20468446699, 421827.62490116374, 0, 83]},
    "naive": {"rows": 717, "in_forward": 0, "in_inverse": 0,
        "predicted_transformed_error": [-361.9037253749737, 193.53281584737772, 0, 0],
        "transformed_error_pred_ci_low": [0.0, 0.0, 0, 717],
        "transformed_error_pred_ci_high": [0.0, 0.0, 0, 717],
        "predicted_log10_compute": [17350.941223735266, 420763.49322226795, 0, 0],
        "log10_compute_pred_ci_low": [0.0, 0.0, 0, 717],
        "log10_compute_pred_ci_high": [0.0, 0.0, 0, 717]},
    "pooled": {"rows": 717, "in_forward": 683, "in_inverse": 598,
        "predicted_transformed_error": [-385.44375068269846, 231.82816590825138, 0, 0],
        "transformed_error_pred_ci_low": [-578.3173783181215, 581.3759952564626, 0, 0],
        "transformed_error_pred_ci_high": [-192.57012304727536, 123.44471250554949, 0, 0],
        "predicted_log10_compute": [13809.285136857952, 302218.20513309655, 0, 81],
        "log10_compute_pred_ci_low": [11197.366225699654, 216947.2430721741, 0, 83],
        "log10_compute_pred_ci_high": [16343.774449261817, 435493.3872527931, 0, 83]},
    "time": {"rows": 717, "in_forward": 673, "in_inverse": 521,
        "predicted_transformed_error": [-377.5892914471988, 226.3600119398801, 0, 0],
        "transformed_error_pred_ci_low": [-530.1367737057092, 450.1657410312424, 0, 0],
        "transformed_error_pred_ci_high": [-225.04180918868832, 130.38886582399363, 0, 0],
        "predicted_log10_compute": [12266.035948298835, 272735.0170813181, 0, 162],
        "log10_compute_pred_ci_low": [10765.058946481764, 220785.65316144828, 0, 164],
        "log10_compute_pred_ci_high": [13687.048475427417, 345314.6700312543, 0, 164]},
    "time_bootstrap": {"rows": 717, "in_forward": 675, "in_inverse": 515,
        "predicted_transformed_error": [-377.5892914471988, 226.3600119398801, 0, 0],
        "transformed_error_pred_ci_low": [-536.3212916746438, 459.03989080369826, 0, 0],
        "transformed_error_pred_ci_high": [-220.2084834838636, 129.63295854522505, 0, 0],
        "predicted_log10_compute": [12266.035948298835, 272735.0170813181, 0, 162],
        "log10_compute_pred_ci_low": [8752.786687946482, 348403.0135408545, 0, 164],
        "log10_compute_pred_ci_high": [14148.444069584144, 390409.5894475545, 0, 164]},
    "time_local": {"rows": 717, "in_forward": 673, "in_inverse": 521,
        "predicted_transformed_error": [-377.5892914471988, 226.3600119398801, 0, 0],
        "transformed_error_pred_ci_low": [-529.4859400063344, 449.28627459717586, 0, 0],
        "transformed_error_pred_ci_high": [-225.6926428880631, 130.85447816965862, 0, 0],
        "predicted_log10_compute": [12266.035948298835, 272735.0170813181, 0, 162],
        "log10_compute_pred_ci_low": [10771.4400213399, 221061.2225530627, 0, 164],
        "log10_compute_pred_ci_high": [13680.66740056928, 344999.2711001396, 0, 164]},
    "time_logit": {"rows": 717, "in_forward": 682, "in_inverse": 533,
        "predicted_transformed_error": [-929.3622729474796, 2095.516597477548, 0, 0],
        "transformed_error_pred_ci_low": [-2220.9190129434746, 12002.69810112665, 0, 0],
        "transformed_error_pred_ci_high": [362.1944670485154, 1832.80565755858, 0, 0],
        "predicted_log10_compute": [11722.725100260232, 248661.51863578282, 0, 162],
        "log10_compute_pred_ci_low": [9444.420456605421, 174400.80798916306, 0, 164],
        "log10_compute_pred_ci_high": [13922.282275397629, 357527.9098440296, 0, 164]},
    "time_shrunk": {"rows": 717, "in_forward": 678, "in_inverse": 593,
        "predicted_transformed_error": [-379.9869716586627, 227.75465427637158, 0, 0],
        "transformed_error_pred_ci_low": [-546.2191853341218, 491.0311400475897, 0, 0],
        "transformed_error_pred_ci_high": [-213.75475798320352, 122.11001275924828, 0, 0],
        "predicted_log10_compute": [13844.75610268677, 303880.2204478922, 0, 81],
        "log10_compute_pred_ci_low": [11439.674870156774, 225192.13286682335, 0, 83],
        "log10_compute_pred_ci_high": [16170.209614710959, 425046.6091565173, 0, 83]},
}


def digest(pred: pd.DataFrame) -> dict:
    out = {}
    for m, g in pred.groupby("model"):
        d = {"rows": len(g),
             "in_forward": int(g["in_forward"].fillna(False).astype(bool).sum()),
             "in_inverse": int(g["in_inverse"].fillna(False).astype(bool).sum())}
        for c in ("predicted_transformed_error", "transformed_error_pred_ci_low",
                  "transformed_error_pred_ci_high", "predicted_log10_compute",
                  "log10_compute_pred_ci_low", "log10_compute_pred_ci_high"):
            v = g[c].to_numpy(float)
            fin = np.isfinite(v)
            d[c] = [float(v[fin].sum()), float((v[fin] ** 2).sum()), int(np.isinf(v).sum()),
                    int(np.isnan(v).sum())]
        out[m] = d
    return out


def test_rolling_origin_predicts_what_it_predicted_before_the_vectorisation():
    """Three benchmarks (one with a weak slope, so that some fits are not identified; one
    with a chance error that some later results reach), every registered model."""
    rng = np.random.default_rng(21)
    data = {"b0": panel(rng, benchmark="b0"),
            "b1": panel(rng, benchmark="b1", slope=-0.015, sd=0.06),
            "b2": panel(rng, benchmark="b2").assign(chance_error=0.6)}
    got = digest(rolling_origin(data, n_boot=60, step_months=6, models=MODELS))
    # every model that existed before the vectorisation predicts as it did (a model added
    # since has no earlier predictions to match); hybrid, pooled and time_shrunk were
    # re-recorded when their intervals began to carry the borrowed rate's standard error and
    # the shared rate began to be borrowed only where identified (evaluation.borrowed)
    assert set(EXPECTED) <= set(got) and "time_recent" in got
    for m, want in EXPECTED.items():
        for key, v in want.items():
            if isinstance(v, list):
                assert got[m][key][2:] == v[2:], (m, key)
                np.testing.assert_allclose(got[m][key][:2], v[:2], rtol=1e-9, atol=1e-9,
                                           err_msg=f"{m} {key}")
            else:
                assert got[m][key] == v, (m, key)
