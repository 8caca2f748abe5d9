"""The ``time_recent`` model: an estimation window chosen by rolling validation on the rows
before the cutoff (Pesaran & Timmermann 2007) — it drops the rows from before a planted
break, keeps every row where the relation is stable, and never looks past its rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from _helpers import panel
from computelimits.scaling.evaluation.models.time_recent import (
    MIN_WINDOW_ROWS,
    WINDOWS,
    RecentForecast,
    choose_window,
    window_rows,
)
from computelimits.scaling.evaluation.registry import candidates, get_model


def _broken(rng: np.random.Generator, at: float = 2021.0, jump: float = 0.5) -> pd.DataFrame:
    """A stable panel whose results from ``at`` on sit ``jump`` log10 error lower (a new
    training recipe): the line through every row misses the new level."""
    d = panel(rng, n=120, start=2016.0, years=7.0)
    late = d["year"] >= at
    d.loc[late, "error"] = d.loc[late, "error"] * 10 ** (-jump)
    return d


def test_a_planted_break_is_left_out_of_the_window():
    d = _broken(np.random.default_rng(0))
    w, scores = choose_window(d)
    assert w < math.inf and scores[w] < scores[math.inf]  # the rows before the break go
    fc = RecentForecast(n_boot=0).fit(d)
    assert fc.window_years_ == w and fc.n_window_ + fc.n_before_window_ == len(d)
    assert fc.to_dict()["window_years"] == w
    # the window's line predicts the newest results better than the line through all rows
    from computelimits.scaling.forecast import Forecast

    train, test = d[d["year"] < 2022.5], d[d["year"] >= 2022.5]
    whole = Forecast(n_boot=0).fit(train)
    recent = RecentForecast(n_boot=0).fit(train)

    def err(f: Forecast) -> float:
        return float(np.median(np.abs(
            test["log10_compute"] - f.inverse_many(test["error"].to_numpy(float),
                                                   test["year"].to_numpy(float))[
                "log10_compute"])))

    assert err(recent) < err(whole)


def test_a_stable_relation_keeps_every_row():
    d = panel(np.random.default_rng(1), n=120, sd=0.03)
    w, scores = choose_window(d)
    assert w == math.inf or scores[w] <= scores[math.inf]
    assert set(scores) == set(WINDOWS)


def test_a_window_too_thin_takes_every_row_and_the_rule_sees_only_earlier_rows():
    year = np.array([2016.0, 2016.5, 2017, 2018, 2019, 2020, 2021, 2021.5, 2022, 2022.2, 2023])
    assert window_rows(year, 1.5).all()  # 1.5 years hold 4 rows < MIN_WINDOW_ROWS
    many = np.sort(np.random.default_rng(2).uniform(2016, 2023, 60))
    keep = window_rows(many, 2.0, end=2021.0)
    assert keep.sum() >= MIN_WINDOW_ROWS
    assert not (many[keep] >= 2021.0).any()  # nothing at or after the origin
    assert (many[keep] >= many[many < 2021.0].max() - 2.0).all()
    # the choice on rows before a cutoff does not depend on what comes after it
    d = _broken(np.random.default_rng(3))
    before = d[d["year"] < 2022.0]
    changed = pd.concat([before, d[d["year"] >= 2022.0].assign(error=0.999)])
    assert choose_window(before) == choose_window(changed[changed["year"] < 2022.0])


def test_registered_as_a_candidate_the_default_may_choose():
    assert "time_recent" in candidates()
    assert get_model("time_recent").calibrated_together


def test_a_given_window_is_used_as_given():
    d = panel(np.random.default_rng(4), n=120)
    fc = RecentForecast(n_boot=0, window=2.0).fit(d)
    assert fc.window_years_ == 2.0 and fc.window_scores_ == {}
    assert fc.n_window_ == int((d["year"] >= d["year"].max() - 2.0).sum())
    assert float(fc.data_["year"].min()) >= float(d["year"].max()) - 2.0


def test_an_answer_says_which_window_it_fitted(mirror, invoke):
    """The command line names the window the model fitted, beside what the fit rests on,
    and --json carries it."""
    import json

    res = invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.15", "--date",
                 "2024-06-30", "--model", "time-recent", "--n-boot", "200")
    assert res.returncode == 0, res.stderr
    text = " ".join(res.stdout.split())
    assert "model time_recent" in text
    assert "(fitted on the" in text and "results of the last" in text
    doc = json.loads(invoke("extrapolate", "--benchmark", "mmlu", "--target-error", "0.15",
                            "--date", "2024-06-30", "--model", "time-recent", "--n-boot",
                            "200", "--json").stdout)
    fc = doc["forecast"]
    assert fc["window_years"] in WINDOWS and fc["n_window"] == fc["n"]
    assert fc["n_before_window"] > 0 and f"last {fc['window_years']:g} years" in text
