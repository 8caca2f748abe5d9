"""The report's number formats: units always, two significant digits, and laws that hold for
every number (parse inverts format to its precision; formatting keeps the order)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelimits.report import formatting as fm

# dollars up to 10^30, CO2 up to 10^16 kg, FLOP as log10 in -5..60
USD = st.floats(min_value=1e-2, max_value=1e30, allow_nan=False)
KG = st.floats(min_value=1e-2, max_value=1e24, allow_nan=False)
LOG10 = st.floats(min_value=-5, max_value=60, allow_nan=False)
MULT = st.floats(min_value=1.0, max_value=1e60, allow_nan=False)


@pytest.mark.parametrize(("fn", "value", "text"), [
    (fm.usd, 4.43e9, "$4.4 billion"), (fm.usd, 940e6, "$940 million"),
    (fm.usd, 999.6e6, "$1.0 billion"), (fm.usd, 590, "$590"), (fm.usd, 5.9e5, "$590 thousand"),
    (fm.usd, 5.4e33, "$5.4×10^33"), (fm.usd, 12.3e12, "$12 trillion"),
    (fm.co2, 9.4e8, "940 kt CO2e"), (fm.co2, 2.2e9, "2.2 Mt CO2e"), (fm.co2, 131, "131 kg CO2e"),
    (fm.co2, 999.7e6, "1.0 Mt CO2e"), (fm.co2, 3.1e3, "3.1 t CO2e"),
    (fm.co2, 2.08e21, "2.1×10^9 Gt CO2e"), (fm.co2, 999e12, "999 Gt CO2e"),
    (fm.flop, 27.14, "10^27.1 FLOP"), (fm.flop, -0.04, "10^\u22120.0 FLOP"),
    (fm.multiple, 34.2, "34×"), (fm.multiple, 1871.2, "1,871×"), (fm.multiple, 1.2e5, "10^5.1×"),
    (fm.percent, 0.723, "72%"), (fm.error, 0.136, "13.6%"), (fm.error, 0.0485, "4.85%"),
    (fm.slope, -0.1962, "\u22120.196"), (fm.oom, 0.2846, "0.28 orders of magnitude"),
    (fm.number, -1.2e-7, "\u22121.2×10^\u22127"), (fm.number, 1234.5, "1,234"),
])
def test_examples(fn, value, text):
    assert fn(value) == text


@pytest.mark.parametrize("fn", [fm.usd, fm.co2, fm.flop, fm.multiple, fm.percent, fm.error,
                                fm.slope, fm.oom, fm.number])
def test_missing_and_unbounded_numbers_are_said_so(fn):
    assert fn(None) == fm.MISSING and fn(math.nan) == fm.MISSING and fn("x") == fm.MISSING
    if fn not in (fm.percent, fm.error, fm.slope, fm.oom):
        assert fn(math.inf) == "unbounded"


def test_interval_formats_both_ends_or_none():
    assert fm.interval(26.74, 28.91, fm.flop) == "[10^26.7 FLOP, 10^28.9 FLOP]"
    assert fm.interval(1.9e9, 2.64e11, fm.usd) == "[$1.9 billion, $264 billion]"
    assert fm.interval(None, 3.0, fm.flop) == fm.MISSING


@given(USD)
def test_dollars_round_trip_within_their_precision(x):
    text = fm.usd(x)
    assert text.startswith("$")
    assert fm.parse(text) == pytest.approx(x, rel=0.051)


@given(KG)
def test_co2_round_trips_within_its_precision(x):
    text = fm.co2(x)
    assert text.endswith(" CO2e")
    assert fm.parse(text) == pytest.approx(x, rel=0.051)


@given(LOG10)
def test_flop_round_trip_of_the_magnitude(v):
    text = fm.flop(v)
    assert text.startswith("10^") and text.endswith(" FLOP")
    assert math.log10(fm.parse(text)) == pytest.approx(v, abs=0.05 + 1e-9)


@given(MULT)
def test_multiples_round_trip(x):
    text = fm.multiple(x)
    assert text.endswith("×")
    got = fm.parse(text)
    if x < 9_000:
        assert got == pytest.approx(x, rel=0.051)
    else:
        assert math.log10(got) == pytest.approx(math.log10(x), abs=0.05 + 1e-9)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_plain_numbers_round_trip(x):
    assert fm.parse(fm.number(x)) == pytest.approx(x, rel=0.051, abs=1e-300)


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_percentages_round_trip(p):
    assert fm.parse(fm.percent(p)) == pytest.approx(p, abs=0.005 + 1e-12)


@pytest.mark.parametrize(("fn", "strategy"), [(fm.usd, USD), (fm.co2, KG), (fm.flop, LOG10),
                                              (fm.multiple, MULT)])
def test_formatting_keeps_the_order(fn, strategy):
    @given(strategy, strategy)
    def check(a, b):
        lo, hi = min(a, b), max(a, b)
        assert fm.parse(fn(lo)) <= fm.parse(fn(hi))

    check()


@pytest.mark.parametrize("text", ["", "abc", "$", "4.4 lightyears", "10^ FLOP", "3.1.2",
                                  "5.4 10^3"])
def test_parse_refuses_what_is_not_a_formatted_number(text):
    with pytest.raises(ValueError):
        fm.parse(text)


@pytest.mark.parametrize(("column", "fn"), [
    ("log10_compute", fm.flop), ("log10_compute_pred_ci_low", fm.flop), ("usd", fm.usd),
    ("usd_now_ci_high", fm.usd), ("paper_usd", fm.usd), ("co2_kg", fm.co2),
    ("paper_co2_kg", fm.co2), ("backtest_forward_coverage", fm.percent), ("share", fm.percent),
    ("best_error", fm.error), ("halving_multiple", fm.multiple), ("slope_ci_low", fm.slope),
    ("n", None), ("benchmark", None), ("rate_oom_per_year", None)])
def test_columns_get_the_format_of_their_unit(column, fn):
    assert fm.for_column(column) is fn
    assert fm.for_column("median_abs_error_oom")(0.284) == "0.28"
