"""Cost of the next point bought today, in one year or in two (computelimits.scaling.costs)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from computelimits.errors import ConfigError
from computelimits.scaling.costs import CostOverTime, cost_over_time

#: every drawn input fixed, so no data are read
FIXED = {"price_year": 2025, "usd_per_peak_flop": 1e-18, "utilization": 0.35, "pue": 1.2,
         "grid_gco2e_per_kwh": 400.0, "chip_tdp_w": 700.0, "chip_peak_flop_per_s": 1e15,
         "growth": 0.0, "n_draws": 400}

#: kg CO2e per FLOP performed with FIXED: TDP × overhead × PUE / (peak × u × 3600) kWh / 1000
KG_PER_FLOP = 700.0 * 1.82 * 1.2 / (1e15 * 0.35 * 3600.0) / 1000.0 * 400.0 / 1000.0


def _spread(sd: float, n: int = 400, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).normal(25.0, sd, n)


def test_no_progress_no_growth_is_flat():
    r = cost_over_time(25.0, progress_rate=0.0, **FIXED)
    t = r.table
    assert list(t["years_ahead"]) == [0, 1, 2]
    assert list(t["buy_year"]) == [2025, 2026, 2027]
    assert np.allclose(t["usd_median"], 1e25 / 0.35 * 1e-18, rtol=1e-12)
    assert np.allclose(t["co2_kg_median"], 1e25 * KG_PER_FLOP, rtol=1e-12)
    for col in ("usd_ci_low", "usd_ci_high", "co2_kg_ci_low", "co2_kg_ci_high",
                "log10_compute_median"):
        assert np.allclose(t[col], t[col].iloc[0], rtol=1e-12)
    assert (t["share_cheaper"] == 0).all()
    assert np.allclose(t["usd_ratio_median"], 1.0)


def test_planted_rates_give_exact_yearly_falls():
    rate, g = 0.4, 0.13
    r = cost_over_time(_spread(0.3), progress_rate=rate, years_ahead=(0, 1, 2),
                       **{**FIXED, "growth": g})
    t = r.table
    for h in (1, 2):
        for q in ("median", "ci_low", "ci_high"):
            assert t[f"usd_{q}"].iloc[h] / t[f"usd_{q}"].iloc[0] == pytest.approx(
                10.0 ** (-(rate + g) * h), rel=1e-10)
            assert t[f"co2_kg_{q}"].iloc[h] / t[f"co2_kg_{q}"].iloc[0] == pytest.approx(
                10.0 ** (-rate * h), rel=1e-10)
        assert t["log10_compute_median"].iloc[h] == pytest.approx(
            t["log10_compute_median"].iloc[0] - rate * h, abs=1e-10)
        assert t["usd_ratio_median"].iloc[h] == pytest.approx(10.0 ** (-(rate + g) * h))
        assert t["share_cheaper"].iloc[h] == 1.0


def test_intervals_widen_with_spread_and_contain_the_median():
    narrow = cost_over_time(_spread(0.1), progress_rate=0.4, **FIXED).table
    wide = cost_over_time(_spread(0.5), progress_rate=0.4, **FIXED).table
    for col in ("log10_compute", "usd", "co2_kg"):
        lo, hi = f"{col}_ci_low", f"{col}_ci_high"
        width_n = np.log10(narrow[hi] / narrow[lo]) if col != "log10_compute" \
            else narrow[hi] - narrow[lo]
        width_w = np.log10(wide[hi] / wide[lo]) if col != "log10_compute" \
            else wide[hi] - wide[lo]
        assert (width_w > width_n).all()
    # a spread of prices widens dollars, not CO2
    prices = 10.0 ** np.random.default_rng(0).normal(-18.0, 0.3, 200)
    priced = cost_over_time(25.0, progress_rate=0.4, **{**FIXED, "usd_per_peak_flop": prices})
    fixed = cost_over_time(25.0, progress_rate=0.4, **FIXED)
    assert (priced.table["usd_ci_high"] > priced.table["usd_ci_low"] * 2).all()
    assert np.allclose(priced.table["co2_kg_ci_low"], fixed.table["co2_kg_ci_low"])
    # every input spread at once: low <= median <= high everywhere
    r = cost_over_time(_spread(0.3), progress_rate=np.random.default_rng(1).normal(0.4, 0.1, 97),
                       **{**FIXED, "usd_per_peak_flop": prices, "utilization": (0.3, 0.4),
                          "pue": (1.1, 1.6), "grid_gco2e_per_kwh": (300.0, 500.0),
                          "growth": np.random.default_rng(2).normal(0.13, 0.02, 50)})
    t = r.table
    for col in ("log10_compute", "usd", "co2_kg", "usd_ratio"):
        assert (t[f"{col}_ci_low"] <= t[f"{col}_median"]).all()
        assert (t[f"{col}_median"] <= t[f"{col}_ci_high"]).all()
    assert (t[["usd_ci_low", "co2_kg_ci_low"]].iloc[1:].to_numpy()
            < t[["usd_ci_high", "co2_kg_ci_high"]].iloc[1:].to_numpy()).all()


def test_json_safe_and_summary():
    r = cost_over_time([25.0, 400.0], progress_rate=0.4, **FIXED)  # 10^400 FLOP: infinite
    assert isinstance(r, CostOverTime)
    assert math.isinf(r.table["usd_ci_high"].iloc[0])
    d = r.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert "Infinity" not in text and "NaN" not in text
    assert d["table"][0]["usd_ci_high"] is None
    names = {a["name"] for a in d["assumptions"]}
    assert {"log10_compute_today", "progress_rate", "flop_per_usd_growth", "usd_per_peak_flop",
            "utilization", "chip_tdp", "chip_peak", "server_overhead", "pue",
            "grid_intensity", "energy_efficiency_growth"} <= names
    assert all({"name", "value", "unit", "source"} <= set(a) for a in d["assumptions"])
    assert any("energy efficiency is held" in n for n in r.notes)
    assert "2026 (+1 y)" in r.summary()
    assert r.to_frame().equals(r.table)


def test_summary_writes_numbers_as_a_person_would():
    """No e-notation and at most three significant figures: the assumptions' values and
    ranges by :func:`computelimits.formatting.plain`, dollars and CO2 in their words."""
    import re

    r = cost_over_time(_spread(0.3), progress_rate=0.34657,
                       **{**FIXED, "usd_per_peak_flop": 1.234e-18,
                          "grid_gco2e_per_kwh": (250.0, 475.5)})
    text = str(r.summary())
    assert not re.search(r"\de[+-]?\d", text), text
    lines = {ln.split(" = ")[0].strip(): ln for ln in text.splitlines() if " = " in ln}
    assert "progress_rate = 0.347 orders of magnitude" in lines["progress_rate"]
    assert "usd_per_peak_flop = 1.2×10^−18 USD" in lines["usd_per_peak_flop"]
    assert "grid_intensity = 363 (250–476) gCO2e/kWh" in lines["grid_intensity"]
    assert "chip_peak = 1.0×10^15 FLOP/s" in lines["chip_peak"]
    assert "utilization = 0.35 (0.35–0.35)" in lines["utilization"]
    row = next(ln for ln in text.splitlines() if ln.strip().startswith("2025 (+0 y)"))
    assert re.search(r"\$\d+ million \[\$[\d.]+ million, \$\d+ million\]", row), row
    assert " kt CO2e [" in row


def test_hardware_burden_multiplies_by_utilization():
    train = cost_over_time(25.0, progress_rate=0.4, **FIXED).table
    burden = cost_over_time(25.0, progress_rate=0.4, kind="hardware_burden", **FIXED).table
    for col in ("usd_median", "co2_kg_median", "usd_ci_low", "co2_kg_ci_high"):
        assert np.allclose(burden[col] / train[col], 0.35, rtol=1e-12)
    # a burden prices chip-time: its dollars do not depend on the utilization drawn
    spread = cost_over_time(25.0, progress_rate=0.0, kind="hardware_burden",
                            **{**FIXED, "utilization": (0.3, 0.4)}).table
    assert np.allclose(spread["usd_ci_low"], spread["usd_ci_high"], rtol=1e-12)
    assert np.allclose(spread["usd_median"], 1e25 * 1e-18, rtol=1e-12)


def test_joint_resampling_when_lengths_match():
    z = np.random.default_rng(4).normal(size=300)
    same = cost_over_time(25.0 + z, progress_rate=0.4 + 0.1 * z, **FIXED)
    d = same.draws
    assert same.settings["paired"]
    assert np.allclose(d["progress_rate"] - 0.4, 0.1 * (d["log10_compute_today"] - 25.0))
    other = cost_over_time(25.0 + z, progress_rate=0.4 + 0.1 * z[:299], **FIXED)
    assert not other.settings["paired"]
    assert abs(np.corrcoef(other.draws["progress_rate"],
                           other.draws["log10_compute_today"])[0, 1]) < 0.2
    with pytest.raises(ConfigError):
        cost_over_time(25.0 + z, progress_rate=z[:10], paired=True, **FIXED)
    again = cost_over_time(25.0 + z, progress_rate=0.4 + 0.1 * z, **FIXED)
    assert again.table.equals(same.table)


def test_bad_arguments():
    with pytest.raises(ConfigError):
        cost_over_time(25.0, progress_rate=0.4, kind="inference", **FIXED)
    with pytest.raises(ConfigError):
        cost_over_time(25.0, progress_rate=0.4, years_ahead=(0, -1), **FIXED)
    with pytest.raises(ConfigError):
        cost_over_time(25.0, progress_rate=0.4, alpha=1.5, **FIXED)
    with pytest.raises(ConfigError):
        cost_over_time(25.0, progress_rate=0.4, **{**FIXED, "pue": 0.9})


def test_real_price_table_and_trend_give_finite_intervals(mirror):
    r = cost_over_time(_spread(0.3, n=300), progress_rate=0.4, n_draws=500, growth_n_boot=200)
    t = r.table
    cols = [c for c in t.columns if c.endswith(("_median", "_ci_low", "_ci_high"))]
    assert np.isfinite(t[cols].to_numpy()).all()
    assert (t["usd_ci_low"] < t["usd_median"]).all() and (t["usd_median"] < t["usd_ci_high"]).all()
    assert (t["co2_kg_ci_low"] < t["co2_kg_ci_high"]).all()
    by = {a["name"]: a for a in r.assumptions}
    g = by["flop_per_usd_growth"]
    assert g["low"] is not None and 0 < g["low"] < g["value"] < g["high"]
    assert by["usd_per_peak_flop"]["low"] < by["usd_per_peak_flop"]["high"]
    assert by["pue"]["low"] < by["pue"]["high"]
    # the median price per FLOP performed is the one usd_per_flop reports
    from computelimits.compute.cost import usd_per_flop

    med = usd_per_flop(r.settings["price_year"])[0]
    assert by["usd_per_peak_flop"]["value"] / 0.35 == pytest.approx(med, rel=1e-9)
    json.dumps(r.to_dict(), allow_nan=False)
