"""Footprint beyond operational CO2: embodied emissions and water, against the published
estimates they come from, the laws they obey, and in `estimate`'s output."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import assert_one_line_error
from computelimits import assumptions
from computelimits.compute.footprint import (
    embodied_co2_kg,
    footprint_ranges,
    water_offsite_l,
    water_onsite_l,
)
from computelimits.errors import ConfigError


def test_embodied_reproduces_bloom_and_olmo():
    # Luccioni et al. 2023: 1,082,990 A100-hours; 150 kg per GPU + 2,500 kg per 8-GPU
    # server, 6-year life, 85% of it in use → 11.2 t CO2e embodied
    bloom = embodied_co2_kg(1_082_990, kg_per_chip=150 + 2500 / 8, service_life_years=6,
                            lifetime_use=0.85)
    assert round(float(bloom) / 1000, 1) == 11.2
    # Morrison et al. 2025: 3,700 kg per 8×H100 server over 4 years → ≈0.013 kg per GPU-hour
    olmo = embodied_co2_kg(1.0, kg_per_chip=3700 / 8, service_life_years=4, lifetime_use=1.0)
    assert round(float(olmo), 3) == 0.013
    # the defaults are those sources' figures
    assert assumptions.get("embodied_kg_co2e_per_accelerator").value == 150 + 2500 / 8


def test_water_reproduces_li_et_al_gpt3():
    # Li et al. 2023: GPT-3's 1,287 MWh of server energy in Microsoft's U.S. data centres,
    # PUE 1.17: ~700,000 L evaporated on site, ~5.4 million L with the electricity's water
    it = 1_287_000.0
    onsite = float(water_onsite_l(it))
    offsite = float(water_offsite_l(it * 1.17))
    assert round(onsite / 1e5) * 1e5 == 700_000
    assert round((onsite + offsite) / 1e6, 1) == 5.4


positive = st.floats(1e-3, 1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(positive, st.floats(0.01, 1e3), st.floats(1.0, 2.5))
def test_footprint_is_linear_in_chip_hours_and_energy(x, k, pue):
    assert embodied_co2_kg(k * x) == pytest.approx(k * embodied_co2_kg(x), rel=1e-12)
    assert water_onsite_l(k * x) == pytest.approx(k * water_onsite_l(x), rel=1e-12)
    assert water_offsite_l(k * x) == pytest.approx(k * water_offsite_l(x), rel=1e-12)
    figs, _ = footprint_ranges((x, x, x), (x, x, x), pue)
    for q, (central, lo, hi) in figs.items():
        assert 0 <= lo <= central <= hi, q
    # a longer life spreads the same emissions thinner
    assert embodied_co2_kg(x, service_life_years=6) < embodied_co2_kg(x, service_life_years=4)


def test_ranges_follow_the_sources_and_hold_an_override(monkeypatch):
    figs, used = footprint_ranges((1000.0, 900.0, 1100.0), (2000.0, 1800.0, 2200.0), 1.2)
    _, lo, hi = figs["embodied_co2_kg"]
    # low: 318 kg, 6 years, fully used; high: 462.5 kg, 4 years, 85% used
    per_year = assumptions.get("hours_per_year").value
    assert lo == pytest.approx(900 * 318 / (6 * per_year * 1.0))
    assert hi == pytest.approx(1100 * 462.5 / (4 * per_year * 0.85))
    assert figs["water_onsite_l"] == pytest.approx((2000 / 1.2 * 0.55, 0.0, 2200 / 1.2 * 1.65))
    assert figs["water_offsite_l"] == pytest.approx((2000 * 3.142, 1800 * 1.29, 2200 * 5.11))
    assert {a["name"] for a in used} >= {"embodied_kg_co2e_per_accelerator",
                                         "wue_onsite_l_per_kwh", "ewif_offsite_l_per_kwh"}
    assert all(a["source"] for a in used)
    monkeypatch.setitem(assumptions.ASSUMPTIONS, "wue_onsite_l_per_kwh",
                        assumptions.get("wue_onsite_l_per_kwh"))
    assumptions.override("wue_onsite_l_per_kwh", 2.0, "a site with evaporative cooling")
    figs, _ = footprint_ranges((1.0, 1.0, 1.0), (1.0, 1.0, 1.0), 1.0)
    assert figs["water_onsite_l"] == pytest.approx((2.0, 0.0, 2.0))


@pytest.mark.parametrize("call", [
    lambda: embodied_co2_kg(-1.0), lambda: embodied_co2_kg(float("nan")),
    lambda: embodied_co2_kg(1.0, lifetime_use=1.5), lambda: embodied_co2_kg(1.0, lifetime_use=0),
    lambda: embodied_co2_kg(1.0, service_life_years=float("inf")),
    lambda: water_onsite_l(1.0, wue=-0.1), lambda: water_offsite_l(float("inf")),
    lambda: footprint_ranges((1.0, 1.0, 1.0), (1.0, 1.0, 1.0), 0.5),
])
def test_bad_footprint_inputs_are_errors(call):
    with pytest.raises(ConfigError):
        call()


# ---- in the estimate ------------------------------------------------------------------------


def test_estimate_reports_embodied_and_water_with_what_they_measure(mirror):
    from computelimits.compute import estimate

    e = estimate(chip="NVIDIA A100 SXM4 80 GB", chips=64, hours=100, zone="FR",
                 usd_per_chip_hour=2.0)
    assert e.embodied_co2_kg == pytest.approx(float(embodied_co2_kg(6400)))
    assert e.water_onsite_l == pytest.approx(e.energy_kwh / e.pue * 0.55)
    assert e.water_offsite_l == pytest.approx(e.energy_kwh * 3.142)
    assert e.co2_total_kg == pytest.approx(e.co2_kg + e.embodied_co2_kg)
    for q in ("embodied_co2_kg", "water_onsite_l", "water_offsite_l", "co2_total_kg"):
        assert getattr(e, f"{q}_ci_low") <= getattr(e, q) <= getattr(e, f"{q}_ci_high"), q
    d = e.to_dict()
    assert "manufacturing" in d["measures"]["embodied_co2_kg"]
    assert "off site" in d["measures"]["water_offsite_l"]
    labels = [r[0] for r in e.rows()]
    assert any("embodied" in x for x in labels) and any("on site" in x for x in labels)
    f = e.to_frame().set_index("quantity")
    assert f.loc["water_offsite_l", "unit"] == "L"
    assert f.loc["embodied_co2_kg", "ci_high"] == e.embodied_co2_kg_ci_high
    ci = e.conf_int()
    assert ci.loc["embodied_co2_kg", "ci_low"] == e.embodied_co2_kg_ci_low
    with pytest.raises(ConfigError, match="no other level"):
        e.conf_int(0.1)


def test_a_chip_without_tdp_gets_embodied_but_no_water(mirror):
    from computelimits.compute import estimate

    e = estimate(chip="Google TPU v5p", chips=64, hours=100)
    assert e.embodied_co2_kg > 0 and e.energy_kwh is None
    assert e.water_onsite_l is None and e.co2_total_kg is None
    assert any("no TDP" in n for n in e.notes)


def test_cli_estimate_json_and_text_carry_the_footprint(mirror, invoke):
    res = invoke("estimate", "--chip", "H100 SXM5 80GB", "--chips", "16", "--hours", "24",
                 "--zone", "FR", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["embodied_co2_kg"] > 0 and d["water_onsite_l"] > 0 and d["water_offsite_l"] > 0
    assert set(d["measures"]) >= {"embodied_co2_kg", "water_onsite_l", "water_offsite_l"}
    text = invoke("estimate", "--chip", "H100 SXM5 80GB", "--chips", "16", "--hours", "24",
                  "--verbose")
    assert text.returncode == 0, text.stderr
    for words in ("embodied", "water, on site", "water, off site",
                  "embodied_kg_co2e_per_accelerator"):
        assert words in text.stdout, words
    assert_one_line_error(invoke("estimate", "--chip", "Google TPU v5p", "--chips", "8",
                                 "--hours", "1", "--zone", "FR"), "has no TDP")
