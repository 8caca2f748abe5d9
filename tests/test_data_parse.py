"""Strict parsing: every bad cell is an error naming file, row and column, or a counted repair."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelimits.data import parse as P  # noqa: N812
from computelimits.data.names import model_key
from computelimits.errors import InputError


def _csv(text: str, **kw):
    return P.read_csv("t.csv", text_data=text, **kw)


def test_read_csv_keeps_text_and_line_numbers():
    df = _csv('a,b\n1,"x\ny"\n\n2,z\n')
    assert df["a"].tolist() == ["1", "2"]
    assert df.attrs["lines"].tolist() == [2, 5]


def test_stray_carriage_return_is_a_counted_repair_and_known_defects_can_be_fixed():
    df = _csv("name,x\nRTX\r,1\nok,2\r\n")
    assert df["name"].tolist() == ["RTX ", "ok"]
    assert df.attrs["repairs"]["stray carriage returns inside fields replaced by spaces"] == 1

    def fix(row, cells):
        return ([*cells[:1], "", *cells[1:]], "row 1: missing cell inserted") if row == 1 else None

    df = _csv("a,b,c\n1,3\n", repair_row=fix)
    assert df.iloc[0].tolist() == ["1", "", "3"]
    with pytest.raises(InputError, match="row 2: has 2 fields"):
        _csv("a,b,c\n1,2,3\n1,3\n", repair_row=fix)


def test_truncated_file_names_file_and_row():
    with pytest.raises(InputError, match=r"t\.csv, row 2: has 1 fields but the header has 3"):
        _csv("a,b,c\n1,2,3\n4\n")
    with pytest.raises(InputError, match=r"t\.csv, row 2: malformed CSV"):
        P.read_csv("t.csv", text_data='a,b\n1,2\n3,"unterminated\n')


def test_missing_or_renamed_column_suggests_the_closest_name():
    df = _csv("Modle,score\nx,1\n")
    with pytest.raises(InputError, match=r"column 'Model'.*closest found: \['Modle'\]"):
        P.require_columns(df, ["Model"])


def test_numbers_reject_text_and_nonpositive_values():
    df = _csv('flop,cost\n1e20,"$1,234.50"\nabc,$5\n')
    with pytest.raises(InputError, match=r"t\.csv, row 2, column 'flop': cannot parse 'abc'"):
        P.numbers(df, "flop")
    np.testing.assert_allclose(P.numbers(df, "cost", currency=True, thousands=True),
                               [1234.5, 5.0])
    assert sum(df.attrs["repairs"].values()) == 3
    neg = _csv("flop\n-5\n0\n")
    with pytest.raises(InputError, match="row 1, column 'flop': '-5' must be positive"):
        P.numbers(neg, "flop", positive=True)


def test_fractions_convert_percent_strings_and_refuse_over_100():
    df = _csv("acc,n\n77.0%,1\n0.5,2\n,3\n")
    np.testing.assert_allclose(P.fractions(df, "acc"), [0.77, 0.5, np.nan])
    assert df.attrs["repairs"]["acc: percent strings converted to fractions"] == 1
    with pytest.raises(InputError, match=r"row 1, column 'acc': '101%' is over 100%"):
        P.fractions(_csv("acc\n101%\n"), "acc")
    with pytest.raises(InputError, match="percent without a % sign"):
        P.fractions(_csv("acc\n77\n"), "acc")
    with pytest.raises(InputError, match="blank value"):
        P.fractions(_csv("acc,b\n,1\n"), "acc", blank_ok=False)


def test_dates_accept_documented_layouts_and_refuse_others():
    df = _csv("d\n2019-11-13\n2025/03/17\n7/30/2025\n23 October 2025 12:09pm\n2019-11\n2016\n")
    got = P.dates(df, "d")
    assert [x.strftime("%Y-%m-%d") for x in got] == [
        "2019-11-13", "2025-03-17", "2025-07-30", "2025-10-23", "2019-11-01", "2016-07-01"]
    assert df.attrs["repairs"]["d: year-only dates set to 1 July"] == 1
    with pytest.raises(InputError, match=r"row 1, column 'd': cannot parse '13.11.2019'"):
        P.dates(_csv("d\n13.11.2019\n"), "d")
    with pytest.raises(InputError, match="outside"):
        P.dates(_csv("d\n1066-10-14\n"), "d")


def test_duplicates_are_dropped_when_identical_and_refused_when_conflicting():
    df = _csv("model,score\na,1\na,1\nb,2\n")
    out = P.drop_duplicates(df, ["model"])
    assert out["model"].tolist() == ["a", "b"]
    assert out.attrs["repairs"]["exact duplicate rows dropped"] == 1
    with pytest.raises(InputError, match=r"row 3, column 'model': duplicate of row 1"):
        P.drop_duplicates(_csv("model,score\na,1\nb,2\na,3\n"), ["model"])


@given(st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3)))
def test_percent_strings_round_trip(x):
    df = _csv(f"acc\n{x}%\n")
    assert math.isclose(P.fractions(df, "acc")[0], x / 100, rel_tol=1e-12, abs_tol=1e-15)


@given(st.floats(1e-300, 1e300, allow_nan=False, allow_infinity=False))
def test_numbers_round_trip_repr(x):
    df = _csv(f"v\n{x!r}\n")
    assert P.numbers(df, "v")[0] == x


@given(st.text(max_size=40))
def test_model_key_is_idempotent_and_ignores_case_and_separators(name):
    k = model_key(name)
    assert model_key(k) == k
    assert model_key(name.upper()) == model_key(name.lower()) or not name.isascii()
    assert model_key(f" {name}-_ ") == k
    assert set(k) <= set("abcdefghijklmnopqrstuvwxyz0123456789.+") or not k.isascii()


def test_model_key_examples():
    assert model_key("VGG-19") == model_key("VGG19") == "vgg19"
    assert model_key("RNMT+") != model_key("RNMT")
    assert model_key("Llama 2 7B") != model_key("Llama 2 70B")
    assert model_key("GPT-3.5") != model_key("GPT-35")
