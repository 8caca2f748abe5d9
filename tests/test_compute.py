"""Compute, energy, CO2 and cost: hand-computed values, laws that must hold, and the estimator
against Epoch AI's reported figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import assert_one_line_error
from computelimits import assumptions
from computelimits.compute import burden as B  # noqa: N812
from computelimits.compute.cost import paper_co2_kg, paper_usd
from computelimits.compute.energy import co2_kg, energy_kwh
from computelimits.errors import ConfigError


def test_hardware_burden_and_effective_compute_by_hand():
    # 8 chips × 1.5e13 FLOP/s × 3600 s = 4.32e17 FLOP; at 35% utilization 1.512e17
    assert B.hardware_burden(8, 1.5e13, 3600) == pytest.approx(4.32e17)
    assert B.effective_compute(4.32e17) == pytest.approx(1.512e17)
    assert B.effective_compute(4.32e17, 0.5) == pytest.approx(2.16e17)
    with pytest.raises(ConfigError):
        B.effective_compute(1.0, 1.5)
    with pytest.raises(ConfigError):
        B.hardware_burden(-1, 1e12, 10)


def test_network_operations_transformer_rule_and_macs():
    # ResNet-50: 4.1e9 MACs → 8.2e9 FLOP per image; × 3 × 1.28e6 × 90
    assert B.macs_to_flop(4.1e9) == pytest.approx(8.2e9)
    assert B.network_operations(8.2e9, 1.28e6, 90) == pytest.approx(8.2e9 * 3 * 1.28e6 * 90)
    # 6 N D: 7e9 parameters × 2e12 tokens = 8.4e22
    assert B.transformer_training_flop(7e9, 2e12) == pytest.approx(8.4e22)
    # chip-hours for 1e21 FLOP at 1e14 FLOP/s and 50%: 1e21 / 5e13 / 3600
    assert B.chip_hours_for(1e21, 1e14, 0.5) == pytest.approx(1e21 / 5e13 / 3600)


def test_energy_and_co2_by_hand():
    # 100 chip-hours × 400 W × 1.82 × 1.2 / 1000 = 87.36 kWh; × 300 g/kWh = 26.208 kg
    e = energy_kwh(100, 400, pue=1.2, overhead=1.82)
    assert e == pytest.approx(87.36)
    assert co2_kg(e, 300) == pytest.approx(26.208)
    with pytest.raises(ConfigError, match="PUE"):
        energy_kwh(1, 1, pue=0.9, overhead=1)
    with pytest.raises(ConfigError):
        co2_kg(1.0, -5)


def test_paper_conventions():
    # $1 per 6.8741e16 FLOP; 1 lb CO2 per 3.4976e17 FLOP (Computer Progress site)
    assert paper_usd(6.8741e16 * 1000) == pytest.approx(1000)
    assert paper_co2_kg(3.4976e17) == pytest.approx(0.45359237)
    # the site's rate is a 14.13 TFLOP/s device at $0.74/hour
    assert pytest.approx(assumptions.get("paper_flop_per_usd").value,
                                                   rel=1e-4) == 14.13e12 * 3600 / 0.74


positive = st.floats(1e-3, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(positive, positive, positive, st.floats(1.0, 3.0), st.floats(0, 1000))
def test_doubling_chips_doubles_flop_energy_and_co2(chips, hours, tdp, pue, grid):
    f1 = B.hardware_burden(chips, 1e14, hours * 3600)
    f2 = B.hardware_burden(2 * chips, 1e14, hours * 3600)
    assert f2 == pytest.approx(2 * f1)
    e1 = energy_kwh(chips * hours, tdp, pue=pue, overhead=1.5)
    e2 = energy_kwh(2 * chips * hours, tdp, pue=pue, overhead=1.5)
    assert e2 == pytest.approx(2 * e1)
    assert co2_kg(e2, grid) == pytest.approx(2 * co2_kg(e1, grid))
    assert co2_kg(e1, grid) >= 0


@settings(max_examples=40, deadline=None)
@given(positive, st.floats(0.05, 1.0))
def test_chip_hours_fall_as_utilization_rises(flop_scale, u):
    flop = flop_scale * 1e20
    lo = B.chip_hours_for(flop, 1e14, u)
    assert B.chip_hours_for(flop, 1e14, min(1.0, u * 1.5)) <= lo * (1 + 1e-12)
    # units: FLOP = chip-hours × 3600 × peak × utilization
    assert lo * 3600 * 1e14 * u == pytest.approx(flop)


# ---- with the data ---------------------------------------------------------------------


def test_chip_lookup_and_closest_names(mirror):
    from computelimits.compute.hardware import find_chip

    chip = find_chip("H100 SXM5 80GB")
    assert chip.name == "NVIDIA H100 SXM5 80GB"
    peak, prec = chip.peak()
    assert prec == "fp16" and peak > 1e14
    assert chip.peak("fp32")[0] < peak
    with pytest.raises(ConfigError, match=r"Closest known: .*H100"):
        find_chip("H100")
    with pytest.raises(ConfigError, match="unknown precision"):
        chip.peak("fp7")


def test_grid_lookup(mirror):
    from computelimits.compute.energy import grid_intensity

    fr = grid_intensity("FR")
    assert fr.basis == "life-cycle" and 0 < fr.gco2e_per_kwh < 100
    assert grid_intensity("FR", lifecycle=False).gco2e_per_kwh < fr.gco2e_per_kwh
    assert grid_intensity("France").zone == "FR"
    assert grid_intensity("us-east-1").kind == "cloud-region"
    world = grid_intensity()
    assert world.zone == "WORLD" and world.source.startswith("green-algorithms")
    with pytest.raises(ConfigError, match="Closest known"):
        grid_intensity("Frnace")


def test_estimate_from_chips_and_hours(mirror):
    from computelimits.compute import estimate

    e = estimate(chip="NVIDIA A100 SXM4 80 GB", chips=64, hours=100, zone="FR",
                 usd_per_chip_hour=2.0)
    peak = e.peak_flops
    assert e.hardware_burden_flop == pytest.approx(64 * peak * 100 * 3600)
    assert e.training_flop == pytest.approx(e.hardware_burden_flop * 0.35)
    assert (e.training_flop_ci_low, e.training_flop_ci_high) == pytest.approx(
        (e.hardware_burden_flop * 0.30, e.hardware_burden_flop * 0.40))
    assert e.cost_usd == pytest.approx(64 * 100 * 2.0)
    names = {a["name"] for a in e.assumptions}
    assert {"utilization", "chip_tdp", "server_overhead", "pue", "grid_intensity"} <= names
    assert all(a["source"] for a in e.assumptions)
    assert any("Epoch AI" in s for s in e.sources)
    # energy = chip-hours × TDP × overhead × PUE
    tdp = next(a["value"] for a in e.assumptions if a["name"] == "chip_tdp")
    pue = next(a["value"] for a in e.assumptions if a["name"] == "pue")
    assert e.energy_kwh == pytest.approx(6400 * tdp * 1.82 * pue / 1000)


def test_estimate_from_params_and_tokens_gives_ranges(mirror):
    from computelimits.compute import estimate

    e = estimate(parameters=1e9, tokens=2e10, chip="NVIDIA H100 SXM5 80GB", chips=8)
    assert e.training_flop == pytest.approx(1.2e20)
    lo, hi = e.chip_hours_ci_low, e.chip_hours_ci_high
    assert lo < e.chip_hours < hi
    assert hi / lo == pytest.approx(0.40 / 0.30)
    assert e.cost_usd_ci_low < e.cost_usd < e.cost_usd_ci_high
    with pytest.raises(ConfigError, match="both --params and --tokens"):
        estimate(parameters=1e9)


def test_estimate_result_vocabulary(mirror):
    from computelimits.compute import estimate
    from computelimits.results import Summary

    e = estimate(parameters=1e9, tokens=2e10, chip="NVIDIA H100 SXM5 80GB", chips=8, zone="FR")
    d = e.to_dict()
    assert not [k for k in d if k.endswith(("_range", "_conf", "conf_low", "conf_high"))]
    for q in ("training_flop", "chip_hours", "hours", "energy_kwh", "co2_kg", "cost_usd"):
        assert d[f"{q}_ci_low"] <= d[q] <= d[f"{q}_ci_high"], q
    f = e.to_frame().set_index("quantity")
    assert list(f.columns) == ["value", "ci_low", "ci_high", "unit", "basis"]
    assert f.loc["cost_usd", "value"] == e.cost_usd and f.loc["cost_usd", "basis"] == "range"
    assert f.loc["cost_usd", "ci_high"] == e.cost_usd_ci_high
    assert np.isnan(f.loc["paper_cost_usd", "ci_low"])
    s = e.summary()
    assert isinstance(s, Summary) and "chip-hours" in s and "assumptions:" in s
    assert any(n.startswith("source: Epoch AI") for n in s.notes)
    assert s.to_frame().equals(f.reset_index())
    assert "<table" in e._repr_html_()


def test_figures_from_given_hours_are_exact_not_zero_width(mirror):
    """Chips and hours given: chip-hours is exact, and energy/CO2 from single-valued
    assumptions are points, never a zero-width interval."""
    from computelimits.compute import estimate

    f = estimate(chip="H100 SXM5 80GB", chips=1024, hours=720).to_frame().set_index("quantity")
    assert f.loc["chip_hours", "basis"] == "exact (given)"
    assert np.isnan(f.loc["chip_hours", "ci_low"]) and np.isnan(f.loc["chip_hours", "ci_high"])
    for q in ("energy_kwh", "co2_kg"):
        if f.loc[q, "basis"] != "range":
            assert np.isnan(f.loc[q, "ci_low"]), q
    assert not (f["ci_low"] == f["ci_high"]).any()


def test_lookup_records_have_the_results_vocabulary(mirror):
    from computelimits.compute import chip_hour_price, find_chip, grid_intensity
    from computelimits.results import Summary

    p = chip_hour_price("NVIDIA H100 SXM5 80GB")
    assert (p.usd_per_chip_hour_ci_low <= p.usd_per_chip_hour <= p.usd_per_chip_hour_ci_high)
    assert set(p.to_dict()) >= {"usd_per_chip_hour", "usd_per_chip_hour_ci_low",
                                "usd_per_chip_hour_ci_high", "n"}
    for rec in (p, grid_intensity("FR"), find_chip("H100 SXM5 80GB")):
        frame = rec.to_frame()
        assert len(frame) == 1
        s = rec.summary()
        assert isinstance(s, Summary) and s.to_frame().equals(frame)
        assert "<table" in rec._repr_html_()
    assert find_chip("H100 SXM5 80GB").to_frame()["peak_fp16_flops"].iloc[0] > 1e14


def test_crosscheck_result_vocabulary():
    import pandas as pd

    from computelimits.compute import CrossCheck
    from computelimits.results import Summary

    cc = CrossCheck(pd.DataFrame({"model": ["a", "b"], "ratio": [1.0, 4.0]}),
                    pd.DataFrame({"model": ["a"], "ratio": [1.5]}),
                    pd.DataFrame({"ratio": []}), {"no TDP": 1}, ["some source"])
    r = cc.ratios().set_index("check")
    assert r.loc["compute", "n"] == 2 and r.loc["compute", "within_2x"] == 0.5
    assert r.loc["power", "n"] == 0
    s = cc.summary()
    assert isinstance(s, Summary) and "power: no models" in s and "no TDP 1" in s
    assert s.to_frame().equals(cc.ratios())
    assert list(cc.to_frame()["check"]) == ["compute", "compute", "cost"]
    d = cc.to_dict()
    assert d["skipped"] == {"no TDP": 1} and d["summary"][0]["n"] == 2
    assert "<table" in cc._repr_html_()


def test_package_exports_lazily_and_stays_light():
    code = ("import sys, computelimits.compute as c\n"
            "heavy = [m for m in ('pandas', 'matplotlib', 'statsmodels', 'numba', 'torch')"
            " if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "from computelimits.compute import (estimate, crosscheck, find_chip, "
            "chip_hour_price, grid_intensity, usd_per_flop, default_pue, Estimate, "
            "CrossCheck, ChipPrice, GridIntensity, Chip, hardware_burden, burden)\n"
            "from computelimits.compute.estimates import estimate as e2\n"
            "from computelimits.compute.crosschecks import crosscheck as c2\n"
            "assert callable(estimate) and estimate.__module__.endswith('.estimates')\n"
            "assert c.estimate is estimate is e2 and c.crosscheck is crosscheck is c2\n"
            "assert sorted(c.__all__) == sorted(c._EXPORTS) and set(c.__all__) <= set(dir(c))\n"
            "for n in c.__all__:\n"
            "    if n not in ('FlopCount', 'count_flops', 'training_flop'):\n"
            "        getattr(c, n)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr


def test_no_compute_module_shares_its_name_with_a_function_in_it():
    import ast

    folder = Path(__file__).resolve().parents[1] / "src" / "computelimits" / "compute"
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body
                   if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
        assert path.stem not in defined, path.name


# ---- the estimator against Epoch's data ---------------------------------------------------


@pytest.fixture(scope="module")
def cross(mirror):
    from computelimits.compute import crosscheck

    return crosscheck()


def test_effective_compute_matches_reported_compute_for_most_models(cross):
    s = cross.ratios().set_index("check")
    assert s.loc["compute", "n"] > 200
    assert 0.7 < s.loc["compute", "median"] < 1.5
    assert s.loc["compute", "within_3x"] > 0.7


def test_power_matches_epochs_power_draw(cross):
    s = cross.ratios().set_index("check")
    assert s.loc["power", "n"] > 400
    assert s.loc["power", "within_2x"] > 0.95


def test_cloud_rental_cost_exceeds_epochs_amortized_cost(cross):
    # Epoch's 2023-dollar costs amortize hardware; on-demand cloud rental costs more.
    s = cross.ratios().set_index("check")
    assert s.loc["cost", "n"] > 50
    assert s.loc["cost", "median"] > 1


# ---- the CLI, as a user runs it ----------------------------------------------------------

_SCRIPT = Path(sys.executable).with_name("computelimits")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits"]


def _run(*args):
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, COLUMNS="140"))


def test_cli_estimate_json_and_errors(mirror):
    res = _run("estimate", "--chip", "H100 SXM5 80GB", "--chips", "16", "--hours", "24",
               "--zone", "US-CAL-CISO", "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["chip"] == "NVIDIA H100 SXM5 80GB" and d["chip_hours"] == 384
    assert d["co2_kg"] > 0 and d["cost_usd"] > 0 and d["assumptions"]
    text = _run("estimate", "--params", "7e9", "--tokens", "2e12", "--chip", "H100 SXM5 80GB",
                "--chips", "512", "--verbose")
    assert text.returncode == 0 and "assumptions:" in text.stdout and "source:" in text.stdout
    bad = _run("estimate", "--chip", "H100", "--chips", "8", "--hours", "1")
    assert bad.returncode == 2 and "Closest known" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    none = _run("estimate")
    assert none.returncode == 2 and "give a chip" in none.stderr
    assert np.isfinite(d["training_flop"])


def test_estimate_from_a_pytorch_model(mirror):
    torch = pytest.importorskip("torch")
    from computelimits.compute import estimate

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(32, 64, bias=False), torch.nn.ReLU(),
                                torch.nn.Linear(64, 10, bias=False))
    x = torch.randn(8, 32)
    e = estimate(model=model, example_inputs=x, examples=50_000, epochs=10,
                 chip="NVIDIA A100 SXM4 80 GB", chips=1)
    # forward 2·(32·64 + 64·10) per example; backward twice that except the first layer's
    # input gradient (the input needs none): 6·P − 2·32·64 per example
    per_example = 6 * (32 * 64 + 64 * 10) - 2 * 32 * 64
    assert e.training_flop == pytest.approx(per_example * 50_000 * 10)
    assert e.chip_hours > 0 and any(a["name"] == "training_flop_measured" for a in e.assumptions)
    with pytest.raises(ConfigError, match="needs example_inputs"):
        estimate(model=model, chip="NVIDIA A100 SXM4 80 GB")


# ---- options that would change nothing are refused, numbers are checked -------------------


@pytest.mark.parametrize("args, message", [
    (["--flop", "1e24", "--zone", "FR"], "--zone has no effect without --chip"),
    (["--flop", "1e24", "--gco2-per-kwh", "100"], "--gco2-per-kwh has no effect without --chip"),
    (["--flop", "1e24", "--pue", "1.2"], "--pue has no effect without --chip"),
    (["--flop", "1e24", "--overhead", "1.5"], "--overhead has no effect without --chip"),
    (["--flop", "1e24", "--direct"], "--direct has no effect without --chip"),
    (["--flop", "1e24", "--chips", "8"], "--chips has no effect without --chip"),
    (["--flop", "1e24", "--hours", "8"], "--hours has no effect without --chip"),
    (["--flop", "1e24", "--usd-per-chip-hour", "2"], "--usd-per-chip-hour has no effect"),
    (["--flop", "1e24", "--price-kind", "1y"], "--price-kind has no effect without --chip"),
    (["--flop", "1e24", "--precision", "fp32"], "--precision has no effect without --chip"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--usd-per-chip-hour", "2",
      "--price-kind", "3y"], "--price-kind has no effect with --usd-per-chip-hour"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--usd-per-chip-hour", "2",
      "--dollars-year", "2024"], "--dollars-year has no effect with --usd-per-chip-hour"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--zone", "FR", "--gco2-per-kwh", "50"],
     "not both"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--gco2-per-kwh", "50", "--direct"],
     "--direct has no effect with --gco2-per-kwh"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--direct"],
     "--direct has no effect for WORLD"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--chips", "8", "--hours", "9",
      "--utilization", "0.5"], "--utilization has no effect"),
    (["--chip", "H100 SXM5 80GB", "--flop", "1e24", "--price-kind", "5y"],
     "--price-kind must be one of"),
])
def test_cli_refuses_options_that_would_change_nothing(mirror, invoke, args, message):
    assert_one_line_error(invoke("estimate", *args), message)


@pytest.mark.parametrize("option, value, message", [
    ("--flop", "nan", "'--flop': nan is not a finite number"),
    ("--flop", "-1e24", "'--flop': -1e+24 is out of range: allowed 0 < x"),
    ("--flop", "inf", "'--flop': inf is not a finite number"),
    ("--chips", "0", "'--chips': 0 is out of range: allowed 0 < x"),
    ("--hours", "nan", "'--hours': nan is not a finite number"),
    ("--utilization", "1.5", "'--utilization': 1.5 is out of range: allowed 0 < x ≤ 1"),
    ("--utilization", "nan", "'--utilization': nan is not a finite number"),
    ("--pue", "0.9", "'--pue': 0.9 is out of range: allowed 1 ≤ x"),
    ("--overhead", "inf", "'--overhead': inf is not a finite number"),
    ("--gco2-per-kwh", "-5", "'--gco2-per-kwh': -5 is out of range: allowed 0 ≤ x"),
    ("--usd-per-chip-hour", "nan", "'--usd-per-chip-hour': nan is not a finite number"),
])
def test_cli_checks_every_number(mirror, invoke, option, value, message):
    base = ["--chip", "H100 SXM5 80GB", "--chips", "8", "--hours", "24"]
    if option in ("--chips", "--hours"):
        base = ["--chip", "H100 SXM5 80GB", "--flop", "1e22"]
    if option == "--utilization":
        base = ["--chip", "H100 SXM5 80GB", "--flop", "1e22"]
    if option == "--flop":
        base = ["--chip", "H100 SXM5 80GB"]
    assert_one_line_error(invoke("estimate", *base, option, value), message)


def test_refusals_hold_in_python_too(mirror):
    from computelimits.compute import estimate

    with pytest.raises(ConfigError, match="--zone has no effect without --chip"):
        estimate(flop=1e24, zone="FR")
    with pytest.raises(ConfigError, match="--params must be a positive number"):
        estimate(parameters=float("nan"), tokens=1e12)
    # the default price kind, named, is not an idle option
    e = estimate(flop=1e24, dollars_year=2024, price_kind="on-demand")
    assert "on-demand" in e.cost_basis
    assert "3y" in estimate(flop=1e24, dollars_year=2024, price_kind="3y").cost_basis


def test_flop_and_hours_give_the_chips(mirror):
    from computelimits.compute import estimate

    e = estimate(flop=1e23, chip="NVIDIA H100 SXM5 80GB", hours=240)
    assert e.chips == pytest.approx(e.chip_hours / 240)
    assert e.chips_ci_low < e.chips < e.chips_ci_high
    assert e.chips_ci_high / e.chips_ci_low == pytest.approx(0.40 / 0.30)
    assert any("round up" in n for n in e.notes)


def test_default_grid_year_agrees_in_data_help_and_readme(mirror, invoke):
    """With no zone the world average is used; README and --help state its year and value."""
    from computelimits.compute import grid_intensity

    world = grid_intensity()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Compute, cost and CO2", 1)[1].split("\n## ", 1)[0]
    said = f"{world.gco2e_per_kwh:g} gCO2e/kWh, which is\nIEA's figure for {world.year}"
    assert said in section
    flat = " ".join(invoke("estimate", "--help").stdout.replace("│", " ").split())
    assert f"{world.gco2e_per_kwh:g} gCO2e/kWh, IEA's {world.year} figure" in flat


def test_readme_compute_figures_are_what_the_code_computes(mirror):
    """The figures quoted in README's compute section, recomputed."""
    from computelimits.compute import compute_optimal, estimate

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("## Compute, cost and CO2", 1)[1].split("\n## ", 1)[0]
                       .split())
    r = compute_optimal(1e24)
    g = 1e9
    assert (f"{r.n_params / g:.0f}B parameters ({r.n_params_ci_low / g:.0f}–"
            f"{r.n_params_ci_high / g:.0f}B)") in section
    assert (f"{r.tokens_per_param:.0f} tokens per parameter ({r.tokens_per_param_ci_low:.2g}–"
            f"{r.tokens_per_param_ci_high:.2g})") in section
    assert f"{r.hoffmann_n_params / g:.0f}B and {r.hoffmann_tokens_per_param:.0f}" in section
    e = estimate(chip="H100 SXM5 80GB", chips=1024, hours=720, zone="US-CAL-CISO")
    assert f"{e.co2_kg / 1000:.0f} t of operational" in section
    assert (f"{e.embodied_co2_kg / 1000:.1f} t embodied ({e.embodied_co2_kg_ci_low / 1000:.1f}–"
            f"{e.embodied_co2_kg_ci_high / 1000:.1f})") in section
    assert (f"{e.water_offsite_l / 1e6:.1f} million off site ({e.water_offsite_l_ci_low / 1e6:.1f}–"
            f"{e.water_offsite_l_ci_high / 1e6:.1f})") in section
