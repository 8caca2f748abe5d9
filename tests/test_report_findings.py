"""The findings are written from the computed tables: change a number, the sentence changes;
no cost figure where compute explains nothing or the data cannot size the run."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from computelimits.report import formatting as fm
from computelimits.report.findings import findings


def _poly(**alpha) -> pd.DataFrame:
    rows = [
        {"benchmark": "alpha", "compute_kind": "training", "n": 50,
         "n_by_kind": "training 60; imputed_operations 12", "slope": -0.2,
         "slope_ci_low": -0.25, "slope_ci_high": -0.15, "r2": 0.71, "identified": True,
         "halving_multiple": 2 ** 5, "halving_multiple_ci_low": 2 ** 4,
         "halving_multiple_ci_high": 2 ** (1 / 0.15)},
        {"benchmark": "beta", "compute_kind": "training", "n": 30, "n_by_kind": "training 30",
         "slope": -0.05, "slope_ci_low": -0.2, "slope_ci_high": 0.1, "r2": 0.04,
         "identified": False, "halving_multiple": None},
    ]
    rows[0].update(alpha)
    return pd.DataFrame(rows)


def _ext(**alpha) -> pd.DataFrame:
    rows = [
        {"benchmark": "alpha", "identified": True, "best_error": 0.2, "target_error": 0.1,
         "log10_compute": 27.3, "log10_compute_ci_low": 26.8, "log10_compute_ci_high": 28.0,
         "usd": 4.4e9, "usd_ci_low": 1.9e9, "usd_ci_high": 2.6e10, "co2_kg": 9.4e8,
         "price_year": 2025, "backtest_forward_coverage": 0.72,
         "backtest_inverse_medae_oom": 0.28},
        # a not-identified benchmark never gets a cost, even if a table had one
        {"benchmark": "beta", "identified": False, "best_error": 0.3, "target_error": 0.15,
         "log10_compute": 30.0, "log10_compute_ci_low": 29.0, "log10_compute_ci_high": 31.0,
         "usd": 1e12, "co2_kg": 1e10, "backtest_forward_coverage": 0.9},
    ]
    rows[0].update(alpha)
    return pd.DataFrame(rows)


def _outlooks(**alpha) -> pd.DataFrame:
    row = {"benchmark": "alpha", "identified": True, "determined": True, "model": "time",
           "rate_oom_per_year": 0.38, "log10_compute": 26.1, "log10_compute_ci_low": 24.0,
           "log10_compute_ci_high": 28.1, "usd_now": 2.6e8, "usd_now_ci_low": 9.6e6,
           "usd_now_ci_high": 7.5e9, "backtest_forward_coverage": 0.93}
    row.update(alpha)
    return pd.DataFrame([row])


MATCH = pd.DataFrame({"benchmark": ["alpha", "beta", "gamma", "eci"],
                      "results": [100, 50, 10, 30], "with_compute": [80, 40, 3, 28]})
USABLE = {"alpha": 60, "beta": 45, "gamma": 2}


def _found(poly=None, ext=None, out=None):
    return findings(_poly() if poly is None else poly, _ext() if ext is None else ext,
                    _outlooks() if out is None else out, MATCH, USABLE)


def _sentence(f, bench: str) -> str:
    return f.table.set_index("benchmark").loc[bench, "sentence"]


def test_groups_and_what_each_line_says():
    f = _found()
    groups = dict(zip(f.table["benchmark"], f.table["group"], strict=True))
    assert groups == {"alpha": "explained", "beta": "not_identified", "gamma": "too_few",
                      "eci": "too_few"}
    a = _sentence(f, "alpha")
    for part in ("error ∝ compute^−0.200 [−0.250, −0.150]", "R² 0.71", "N = 50",
                 "training compute", "imputed_operations 12", "32× the compute [16×, 102×]",
                 "(20% → 10%)", "10^27.3 FLOP [10^26.8 FLOP, 10^28.0 FLOP]",
                 "$4.4 billion [$1.9 billion, $26 billion]", "940 kt CO2e",
                 "2025 cloud prices", "covered 72%", "0.28 orders of magnitude",
                 "10^26.1 FLOP", "$260 million", "covered 93%"):
        assert part in a, part
    b = _sentence(f, "beta")
    assert "does not explain" in b and "includes zero" in b
    for cost in ("$", "FLOP", "CO2e", "×"):
        assert cost not in b
    assert "2 usable" in _sentence(f, "gamma") and "3 of 10" in _sentence(f, "gamma")
    assert "index in points" in _sentence(f, "eci")  # its reason, from data.chance
    assert "Compute explains the progress of 1 of the 2 benchmarks" in f.headline[0]
    assert "(beta)" in f.headline[0]
    assert "halving the error takes 32× the compute." in " ".join(f.headline)
    assert "1 of 1 benchmarks), it would cost $4.4 billion (alpha)." in " ".join(f.headline)


def test_the_numbers_in_a_sentence_are_the_tables():
    """Every quantity in the sentence parses back to the table's value within its
    precision."""
    f = _found()
    a = _sentence(f, "alpha")
    dollars = [fm.parse(m) for m in re.findall(r"\$[\d.,]+(?: [a-z]+)?", a)]
    assert dollars[0] == pytest.approx(4.4e9, rel=0.05)
    assert dollars[1:3] == [pytest.approx(1.9e9, rel=0.05), pytest.approx(2.6e10, rel=0.05)]
    flops = [math.log10(fm.parse(m)) for m in re.findall(r"10\^[\d.]+ FLOP", a)]
    assert flops[:3] == pytest.approx([27.3, 26.8, 28.0], abs=0.05)
    row = f.table.set_index("benchmark").loc["alpha"]
    assert row["usd"] == 4.4e9 and row["log10_compute"] == 27.3 and bool(row["sized"])


@pytest.mark.parametrize(("table", "change", "before", "after"), [
    ("poly", {"slope": -0.3}, "compute^−0.200", "compute^−0.300"),
    ("poly", {"n": 77}, "N = 50", "N = 77"),
    ("poly", {"r2": 0.33}, "R² 0.71", "R² 0.33"),
    ("ext", {"usd": 9.9e10}, "$4.4 billion", "$99 billion"),
    ("ext", {"co2_kg": 2.2e9}, "940 kt CO2e", "2.2 Mt CO2e"),
    ("ext", {"log10_compute": 27.9}, "10^27.3 FLOP", "10^27.9 FLOP"),
    ("ext", {"backtest_forward_coverage": 0.51}, "covered 72%", "covered 51%"),
    ("out", {"usd_now": 1.2e7}, "$260 million", "$12 million"),
])
def test_change_an_input_and_the_sentence_changes(table, change, before, after):
    old = _sentence(_found(), "alpha")
    args = {"poly": None, "ext": None, "out": None}
    args[table] = {"poly": _poly, "ext": _ext, "out": _outlooks}[table](**change)
    new = _sentence(_found(**args), "alpha")
    assert before in old and before not in new and after in new


def test_a_run_the_data_cannot_size_gets_no_central_figure_or_cost():
    f = _found(ext=_ext(log10_compute_ci_low=26.0, log10_compute_ci_high=39.0))
    a = _sentence(f, "alpha")
    assert "cannot size" in a and "13.0 orders of magnitude" in a
    assert "$" not in a.split("With algorithmic")[0] and "CO2e" not in a
    assert not bool(f.table.set_index("benchmark").loc["alpha", "sized"])
    # the headline gives no cost range when no benchmark's run can be sized
    assert not any("$" in line for line in f.headline)


def test_a_forecast_that_is_not_determined_is_left_out():
    a = _sentence(_found(out=_outlooks(determined=False)), "alpha")
    assert "algorithmic progress" not in a


def test_an_unbounded_interval_is_said_so_and_written_as_strict_json():
    from computelimits.report.build import table_json

    f = _found(poly=_poly(halving_multiple_ci_high=math.inf))
    assert "[16×, unbounded]" in _sentence(f, "alpha")

    def refuse(token):
        raise ValueError(token)

    rows = json.loads(table_json(f.table), parse_constant=refuse)
    alpha = next(r for r in rows if r["benchmark"] == "alpha")
    assert alpha["halving_multiple_ci_high"] is None
    assert alpha["halving_multiple_ci_high_unbounded"] == "+inf"


def test_summary_and_frame():
    f = _found()
    s = f.summary()
    assert s.title == "What the study found" and _sentence(f, "alpha") in s
    assert f.to_frame().equals(f.table) and len(f.group("too_few")) == 2
