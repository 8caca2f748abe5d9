"""The same run in several grid zones: only the operational CO2e moves, by the ratio of the
zones' intensities; unknown zones get the closest names."""

from __future__ import annotations

import json

import pytest

from _helpers import assert_one_line_error
from computelimits.compute.zones import parse_zones
from computelimits.errors import ConfigError

RUN = {"chip": "H100 SXM5 80GB", "chips": 8, "hours": 24}


def test_parse_zones():
    assert parse_zones("FR, fr ,DE") == ["FR", "DE"]
    assert parse_zones(["US-CAL-CISO", "France"]) == ["US-CAL-CISO", "France"]
    for bad in ("FR,,DE", " ", ""):
        with pytest.raises(ConfigError, match=r"empty zone name|at least one"):
            parse_zones(bad)


def test_only_operational_co2_depends_on_the_zone(mirror):
    from computelimits.compute import compare_zones, estimate, grid_intensity

    z = compare_zones("FR,DE,us-east-1", **RUN)
    t = z.to_frame()
    assert list(t["zone"]) == ["FR", "DE", "us-east-1"]
    for q in ("energy_kwh", "embodied_co2_kg", "water_onsite_l", "water_offsite_l",
              "cost_usd"):
        assert t[q].nunique() == 1, q
    # CO2 = energy × intensity, so the zones' CO2 ratio is their intensity ratio
    fr, de = grid_intensity("FR"), grid_intensity("DE")
    assert t.loc[1, "co2_kg"] / t.loc[0, "co2_kg"] == pytest.approx(
        de.gco2e_per_kwh / fr.gco2e_per_kwh)
    assert t.loc[0, "co2_kg"] == pytest.approx(t.loc[0, "energy_kwh"] * fr.gco2e_per_kwh / 1000)
    assert t.loc[0, "co2_total_kg"] == pytest.approx(t.loc[0, "co2_kg"]
                                                     + t.loc[0, "embodied_co2_kg"])
    # the first zone is the run's own estimate
    assert z.estimate.co2_kg == pytest.approx(estimate(zone="FR", **RUN).co2_kg)
    assert (t["co2_kg_ci_low"] <= t["co2_kg"]).all() and (t["co2_kg"] <= t["co2_kg_ci_high"]).all()
    assert t.loc[2, "basis"] == "as given" and t.loc[0, "year"] == 2024
    s = z.summary()
    assert "the same in every zone" in s and "FR (France)" in s
    assert "<table" in z._repr_html_()
    ci = z.conf_int()
    assert "co2_kg:DE" in ci.index
    d = json.loads(json.dumps(z.to_dict()))
    assert len(d["zones"]) == 3 and d["estimate"]["chip"] == "NVIDIA H100 SXM5 80GB"


def test_zone_comparison_errors(mirror):
    from computelimits.compute import compare_zones

    with pytest.raises(ConfigError, match=r"Closest known: .*France"):
        compare_zones("FR,Frnace", **RUN)
    with pytest.raises(ConfigError, match="without --chip"):
        compare_zones("FR,DE", flop=1e24)
    with pytest.raises(ConfigError, match="not --zone"):
        compare_zones("FR,DE", zone="PL", **RUN)
    with pytest.raises(ConfigError, match="--direct has no effect for us-east-1"):
        compare_zones("FR,us-east-1", lifecycle=False, **RUN)
    with pytest.raises(ConfigError, match="no TDP"):
        compare_zones("FR,DE", chip="Google TPU v5p", chips=8, hours=24)


def test_unknown_zone_names_are_matched_without_case(mirror):
    from computelimits.compute import grid_intensity

    with pytest.raises(ConfigError, match="Closest known: France"):
        grid_intensity("FRANCEE")
    with pytest.raises(ConfigError, match="empty"):
        grid_intensity("  ")


def test_cli_compare_zones(mirror, invoke):
    res = invoke("estimate", "--chip", "H100 SXM5 80GB", "--chips", "8", "--hours", "24",
                 "--compare-zones", "FR,DE,US-CAL-CISO", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert [r["zone"] for r in d["zones"]] == ["FR", "DE", "US-CAL-CISO"]
    assert d["co2_kg"] == pytest.approx(d["zones"][0]["co2_kg"])
    text = invoke("estimate", "--chip", "H100 SXM5 80GB", "--chips", "8", "--hours", "24",
                  "--compare-zones", "FR,DE")
    assert text.returncode == 0, text.stderr
    assert "several grid zones" in text.stdout and "DE (Germany)" in text.stdout
    assert_one_line_error(invoke("estimate", "--chip", "H100 SXM5 80GB", "--chips", "8",
                                 "--hours", "24", "--compare-zones", "FR,Germny"),
                          "Closest known")
    assert_one_line_error(invoke("estimate", "--flop", "1e24", "--compare-zones", "FR,DE"),
                          "--compare-zones has no effect without --chip")
