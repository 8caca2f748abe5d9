"""Epoch AI's amortized hardware + energy cost, and the crosscheck that sets it beside cloud
prices against Epoch's reported training costs."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest

from _helpers import assert_one_line_error
from computelimits import assumptions
from computelimits.errors import ConfigError

# ---- the formulas, by hand -----------------------------------------------------------------


def test_formula_pieces_follow_the_cited_constants():
    from computelimits.compute.amortized import (
        amortized_hardware_usd,
        depreciated_value,
        interconnect_usd,
        training_energy_kwh,
    )

    # four years (1,461 whole days) at 0.14 orders of magnitude a year: 10^-0.56 is left
    assert depreciated_value(1000, "2020-01-01", "2024-01-01") == pytest.approx(
        1000 * 10 ** -0.56, rel=1e-12)
    # no appreciation when training starts before the hardware was bought
    assert depreciated_value(1000, "2021-01-01", "2020-01-01") == 1000
    # a year of chip-hours uses up k·ln(10) of the value (0.14 × 2.3026 = 32.2%)
    assert amortized_hardware_usd(1000, 8766) == pytest.approx(1000 * 0.14 * math.log(10))
    # interconnect is 19% of the whole cluster: 0.19 / 0.81 of the servers
    assert interconnect_usd(81.0) == pytest.approx(19.0)
    with pytest.raises(ConfigError, match="interconnect"):
        interconnect_usd(1.0, 1.0)
    # GPUs: TDP × 1.82 server power × 75% average draw × PUE; TPUs: × 1.56 × 43%
    assert training_energy_kwh(1000, 400, tpu=False, pue=1.25) == pytest.approx(
        1000 * 400 * 1.82 * 0.75 * 1.25 / 1000)
    assert training_energy_kwh(1000, 220, tpu=True, pue=1.1) == pytest.approx(
        1000 * 220 * 1.56 * 0.43 * 1.1 / 1000)


def _ppi_annual(mirror) -> pd.Series:
    ppi = pd.read_csv(mirror / "epoch-hardware" / "fred_ppi_PCU518210518210.csv",
                      parse_dates=["observation_date"]).dropna()
    return ppi.groupby(ppi["observation_date"].dt.year)["PCU518210518210"].mean()


def test_amortized_cost_of_meena_recomputed_by_hand(mirror):
    """Epoch's row for Meena (Google Brain, published 2020-01-28, Google TPU v3, 720 h,
    737,280 chip-hours, $206,760.38 in 2023 dollars), recomputed from the cited constants."""
    from computelimits.compute.amortized import amortized_cost
    from computelimits.data.catalog import resolve_catalog

    row = resolve_catalog().models().set_index("model").loc["Meena"]
    assert row["hardware"] == "Google TPU v3" and row["chip_hours"] == 737_280
    assert row["hours"] == 720 and row["date"] == pd.Timestamp("2020-01-28")
    assert row["cost_usd"] == pytest.approx(206_760.38)

    # training ended 60 days before publication and took 720 h: it began on 2019-10-30
    start = pd.Timestamp("2020-01-28") - pd.Timedelta(days=60 + 720 / 24)
    got = amortized_cost("Google TPU v3", chip_hours=737_280, start=start,
                         organization=row["organization"])

    acquisition = 5276.0 * 1.64  # hardware_prices.csv row 34, one chip, × server overhead
    years = (start - pd.Timestamp("2018-05-18")).days / 365.25  # TPU v3 released 2018-05-18
    value = acquisition * 10 ** (-0.14 * years)
    hardware = value * 737_280 * 0.14 * math.log(10) / 8766
    interconnect = hardware * 0.19 / (1 - 0.19)
    kwh = 737_280 * 220 * 1.56 * 0.43 * 1.1 / 1000  # 220 W TDP; Google's PUE 1.1
    energy_2023 = kwh * 0.0806
    ppi = _ppi_annual(mirror)
    expected = (hardware + interconnect) * ppi[2023] / ppi[2018] + energy_2023

    assert got.acquisition_usd_per_chip == pytest.approx(acquisition)
    assert got.value_usd_per_chip == pytest.approx(value, rel=1e-12)
    assert got.energy_kwh == pytest.approx(kwh, rel=1e-12)
    assert got.pue == 1.1
    assert got.usd == pytest.approx(expected, rel=1e-9)
    assert got.usd_ci_low < got.usd < got.usd_ci_high
    # ... and lands on Epoch's own figure (measured: 0.986 of it)
    assert got.usd / row["cost_usd"] == pytest.approx(1, abs=0.05)


def test_acquisition_price_takes_the_familys_earliest_server_price(mirror):
    """GPT-3's chip: the V100 family's first whole-server price (DGX-1, $149,000 / 8), bought
    90 days after the DGXS 32 GB's release, not before."""
    from computelimits.compute.amortized import acquisition_price, chip_family

    assert chip_family("NVIDIA Tesla V100 DGXS 32 GB") == "V100"
    assert chip_family("Google TPU v3") is None
    p = acquisition_price("NVIDIA Tesla V100 DGXS 32 GB")
    assert p.priced_chip == "NVIDIA V100" and p.server_included
    assert p.listed_usd == p.usd_per_chip == pytest.approx(18_625)
    assert p.date == pd.Timestamp("2017-07-01")
    assert p.acquired == pd.Timestamp("2018-03-27") + pd.Timedelta(days=90)
    frame = p.to_frame()
    assert len(frame) == 1 and "<table" in p._repr_html_()


def test_assumptions_can_be_overridden(mirror, monkeypatch):
    from computelimits.compute.amortized import acquisition_price, amortized_cost

    base = amortized_cost("Google TPU v3", chip_hours=1000, start="2020-01-01")
    a = assumptions.get("server_cost_overhead")
    monkeypatch.setitem(assumptions.ASSUMPTIONS, a.name, dataclasses.replace(a, value=2.0))
    assert acquisition_price("Google TPU v3").usd_per_chip == pytest.approx(5276 * 2.0)
    f = assumptions.get("cluster_interconnect_fraction")
    monkeypatch.setitem(assumptions.ASSUMPTIONS, f.name, dataclasses.replace(f, value=0.0))
    changed = amortized_cost("Google TPU v3", chip_hours=1000, start="2020-01-01")
    assert changed.interconnect_usd == 0
    assert changed.hardware_usd == pytest.approx(base.hardware_usd * 2.0 / 1.64)


def test_bad_input_is_a_config_error(mirror):
    from computelimits.compute.amortized import acquisition_price, amortized_cost

    with pytest.raises(ConfigError, match="chip-hours must be a positive number"):
        amortized_cost("Google TPU v3", chip_hours=-5)
    with pytest.raises(ConfigError, match="PUE must be at least 1"):
        amortized_cost("Google TPU v3", chip_hours=5, pue=0.5)
    with pytest.raises(ConfigError, match="no purchase price for 'AMD Radeon Instinct MI50'"):
        acquisition_price("AMD Radeon Instinct MI50")
    with pytest.raises(ConfigError, match="unknown chip"):
        amortized_cost("NVIDIA A10", chip_hours=5)


# ---- agreement figures -----------------------------------------------------------------------


def test_ratio_summary_figures():
    from computelimits.compute.crosschecks import ratio_summary

    r = pd.Series([0.5, 1, 1, 2, 2, 4, 4, 8, 8, 16, np.nan])
    s = ratio_summary(r)
    assert s["n"] == 10 and s["median"] == 3
    # n = 10: P(Binomial(10, 1/2) <= 1) = 1.1% <= 2.5% < P(<= 2), so the 2nd and 9th values
    assert (s["median_ci_low"], s["median_ci_high"]) == (1, 8)
    assert s["spread_oom"] == pytest.approx(np.std(np.log10(r.dropna()), ddof=1))
    assert s["within_2x"] == 0.5 and s["within_3x"] == 0.5
    small = ratio_summary(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert math.isnan(small["median_ci_low"])  # 5 values cannot give a 95% interval
    assert ratio_summary(pd.Series([], dtype=float)) == {"n": 0}


@pytest.fixture(scope="module")
def cross(mirror):
    from computelimits.compute import crosscheck

    return crosscheck()


def test_amortized_method_agrees_with_epoch_better_than_cloud_prices(cross):
    """Measured on the mirror (Epoch's 2025-06 snapshot): amortized median ratio 1.02 (95% CI
    1.01–1.05, 137 models, 94% within 2×); cloud on-demand 6.84 (5.81–8.11, 131 models, 1%
    within 2×). Epoch's costs are made with the amortized method, so its median must sit at 1
    up to the constants that differ here (utilization 0.35 rather than Epoch's 0.375 where
    chip-hours come from FLOP, annual rather than monthly price index, one server overhead for
    every chip): each under 10%, hence the 25% margin. On-demand rental costs several times
    the amortized cost; 3× is far below the measured 6.8×."""
    s = cross.ratios().set_index("check")
    am, cl = s.loc["cost_amortized"], s.loc["cost"]
    assert am["n"] >= 100 and cl["n"] >= 100
    assert abs(np.log10(am["median"])) < np.log10(1.25)
    assert cl["median"] > 3
    assert am["median_ci_high"] < cl["median_ci_low"]
    assert am["within_2x"] > 0.85 and cl["within_2x"] < 0.2
    assert am["spread_oom"] < cl["spread_oom"]


def test_crosscheck_rows_use_the_amortized_formula(cross):
    from computelimits.compute.amortized import amortized_cost

    rows = cross.cost_amortized.set_index("model")
    meena = rows.loc["Meena"]
    assert meena["chip_hours_from"] == "reported chip-hours"
    again = amortized_cost("Google TPU v3", chip_hours=meena["chip_hours"],
                           start=meena["training_start"], organization="Google Brain")
    assert meena["estimated_usd_2023"] == pytest.approx(again.usd)
    assert meena["ratio"] == pytest.approx(again.usd / 206_760.38)
    # both cost checks price the same chip-hours
    cloud = cross.cost.set_index("model")
    shared = rows.index.intersection(cloud.index)
    assert len(shared) >= 100
    assert np.allclose(rows.loc[shared, "chip_hours"], cloud.loc[shared, "chip_hours"])


def test_crosscheck_result_vocabulary_and_explanation(cross):
    from computelimits.compute.crosschecks import WHY_CLOUD_COSTS_MORE
    from computelimits.results import Summary

    r = cross.ratios()
    assert list(r["check"]) == ["compute", "cost", "cost_amortized", "power"]
    assert {"median_ci_low", "median_ci_high", "spread_oom", "compares"} <= set(r.columns)
    s = cross.summary()
    assert isinstance(s, Summary) and s.to_frame().equals(r)
    assert "cost, amortized hardware + energy: n=" in s and WHY_CLOUD_COSTS_MORE in s
    assert "orders of magnitude" in s
    assert set(cross.to_frame()["check"]) == set(r["check"])
    d = cross.to_dict()
    assert d["note"] == WHY_CLOUD_COSTS_MORE and d["price_kind"] == "on-demand"
    json.dumps(d)
    assert "<table" in cross._repr_html_()


def test_one_cost_method_and_bad_values(mirror):
    from computelimits.compute import crosscheck
    from computelimits.compute.crosschecks import WHY_CLOUD_COSTS_MORE
    from computelimits.data.catalog import resolve_catalog

    models = resolve_catalog().models()
    few = models[models["model"].isin(["Meena", "GPT-3 175B (davinci)", "PaLM (540B)"])]
    only = crosscheck(few, cost_method="amortized")
    assert list(only.ratios()["check"]) == ["compute", "cost_amortized", "power"]
    assert only.cost is None and WHY_CLOUD_COSTS_MORE not in only.summary()
    cloud = crosscheck(few, cost_method="cloud", price_kind="3y")
    assert list(cloud.ratios()["check"]) == ["compute", "cost", "power"]
    assert "cost, cloud 3y prices" in cloud.summary()
    with pytest.raises(ConfigError, match="on-demand, 1y, 3y, got 'spot'"):
        crosscheck(few, price_kind="spot")
    with pytest.raises(ConfigError, match="both, cloud, amortized, got 'rental'"):
        crosscheck(few, cost_method="rental")
    with pytest.raises(ConfigError, match="utilization"):
        crosscheck(few, utilization=0)


# ---- the command line, in process ---------------------------------------------------------


def test_cli_crosscheck_shows_both_methods_and_why(mirror, invoke, tmp_path):
    out = tmp_path / "cc.csv"
    res = invoke("crosscheck", "--out", str(out), "--verbose")
    assert res.returncode == 0, res.stderr
    for text in ("cost, cloud on-demand", "cost, amortized", "spread (OOM)", "95% CI",
                 "why: Cloud prices run above Epoch's costs", "source: Epoch AI"):
        assert text in res.stdout, text
    frame = pd.read_csv(out)
    assert {"compute", "cost", "cost_amortized", "power"} == set(frame["check"])
    js = invoke("crosscheck", "--method", "amortized", "--json")
    assert js.returncode == 0, js.stderr
    d = json.loads(js.stdout)
    assert [s["check"] for s in d["summary"]] == ["compute", "cost_amortized", "power"]
    assert "note" not in d


@pytest.mark.parametrize(("args", "listed"), [
    (["--method", "bogus"], "both, cloud, amortized"),
    (["--price-kind", "spot"], "on-demand, 1y, 3y"),
    (["--utilization", "1.5"], "0 < x ≤ 1"),
])
def test_cli_crosscheck_bad_values_are_one_line(invoke, args, listed):
    assert_one_line_error(invoke("crosscheck", *args), listed)
