"""The chance-level table (src/computelimits/data/chance.csv) and its lookup."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelimits.data.benchmarks import BENCHMARKS, METRICS
from computelimits.data.chance import (
    COLUMNS,
    EXCLUDED,
    NO_ROW_BASIS,
    ChanceLevel,
    above_chance,
    chance_error,
    chance_errors,
    chance_levels,
    read_chance,
)
from computelimits.errors import ConfigError, InputError

HEADER = "# a comment\nbenchmark,metric,chance_error,basis,source\n"


def write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "chance.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_every_benchmark_has_a_row_or_is_documented_as_excluded():
    table = chance_levels()
    covered = set(table["benchmark"])
    assert covered | set(EXCLUDED) == set(BENCHMARKS)
    assert not covered & set(EXCLUDED)
    assert set(EXCLUDED) == {"eci"}
    assert "coco" in covered and "squad1.1" in covered


def test_table_shape_and_values():
    table = chance_levels()
    assert tuple(table.columns) == COLUMNS
    assert table["chance_error"].between(0.0, 1.0, inclusive="right").all()
    assert (table["basis"].str.len() > 0).all() and (table["source"].str.len() > 0).all()
    keys = list(zip(table["benchmark"], table["metric"].fillna(""), strict=True))
    assert len(keys) == len(set(keys))
    assert set(table["metric"].dropna()) <= set(METRICS)


def test_known_values():
    assert chance_error("mmlu").error == 0.75
    assert chance_error("winogrande").error == 0.5
    assert chance_error("imagenet", "top1_error").error == 0.999
    assert chance_error("imagenet", "top1_accuracy").error == 0.999
    assert chance_error("imagenet", "top5_error").error == 0.995
    assert chance_error("imagenet", "top5_accuracy").error == 0.995
    assert chance_error("anli").error == pytest.approx(2 / 3)
    assert chance_error("otis-mock-aime").error == 0.999
    assert chance_error("gsm8k").error == 1.0
    # aliases resolve to the canonical id
    assert chance_error("gpqa").benchmark == "gpqa-diamond"


def test_metric_row_applies_only_to_its_metric():
    # a benchmark-wide row answers for any metric; ImageNet has only metric rows
    level = chance_error("mmlu", "exact_match")
    assert level.metric is None and level.error == 0.75
    level = chance_error("imagenet")
    assert level.error == 1.0 and level.basis == NO_ROW_BASIS and level.source == ""


def test_metric_specific_row_takes_precedence(tmp_path):
    path = write(tmp_path, "mmlu,,0.75,4 options,Someone 2021\n"
                           "mmlu,exact_match,0.5,made-up test row,Nobody 2000\n")
    table = read_chance(path)
    assert chance_error("mmlu", "exact_match", table=table).error == 0.5
    assert chance_error("mmlu", "accuracy", table=table).error == 0.75
    assert chance_error("mmlu", table=table).error == 0.75
    # no row for this benchmark in the custom table
    assert chance_error("piqa", table=table).error == 1.0


def test_fallbacks_and_errors():
    level = chance_error("eci", "eci")
    assert level.error == 1.0 and level.basis.startswith(NO_ROW_BASIS) and "index" in level.basis
    with pytest.raises(ConfigError):
        chance_error("no-such-benchmark")
    with pytest.raises(ConfigError):
        chance_error("mmlu", "no-such-metric")


def test_line_is_one_sentence():
    level = chance_error("mmlu")
    text = level.line()
    assert text.startswith("chance error 0.75 (4 answer options")
    assert "Hendrycks et al. 2021" in text and "\n" not in text
    assert ChanceLevel("x", None, 1.0, "b", "").line() == "chance error 1 (b)"


def test_chance_levels_returns_a_copy():
    a = chance_levels()
    a.loc[:, "chance_error"] = 0.1
    assert chance_levels()["chance_error"].max() > 0.1


def test_chance_errors_vectorised():
    out = chance_errors(["mmlu", "imagenet", "imagenet", "eci"],
                        [None, "top1_error", "top5_accuracy", "eci"])
    np.testing.assert_allclose(out, [0.75, 0.999, 0.995, 1.0])
    np.testing.assert_allclose(chance_errors(["piqa", "boolq"]), [0.5, 0.3769])
    with pytest.raises(ConfigError):
        chance_errors(["mmlu"], [None, None])


@pytest.mark.parametrize(("body", "row", "column"), [
    ("mmlu,,0.75,4 options,src\nnot-a-benchmark,,0.5,b,s\n", 4, "benchmark"),
    ("arc,,0.75,b,s\n", 3, "benchmark"),                     # alias, not the id
    ("eci,,0.5,b,s\n", 3, "benchmark"),                      # excluded
    ("mmlu,f2,0.75,b,s\n", 3, "metric"),
    ("mmlu,eci,0.75,b,s\n", 3, "metric"),                    # not a share
    ("mmlu,,zero,b,s\n", 3, "chance_error"),
    ("mmlu,,0,b,s\n", 3, "chance_error"),
    ("mmlu,,1.5,b,s\n", 3, "chance_error"),
    ("mmlu,,nan,b,s\n", 3, "chance_error"),
    ("mmlu,,0.75,,s\n", 3, "basis"),
    ("mmlu,,0.75,b,\n", 3, "source"),
    ("mmlu,,0.75,b,s\n\n# note\nmmlu,,0.7,b2,s2\n", 6, "benchmark"),   # duplicate
    ("imagenet,top1_error,0.999,b,s\nimagenet,top1_error,0.9,b,s\n", 4, "metric"),
])
def test_malformed_csv_names_file_row_and_column(tmp_path, body, row, column):
    path = write(tmp_path, body)
    with pytest.raises(InputError) as info:
        read_chance(path)
    err = info.value
    assert err.row == row and err.column == column and err.path == str(path)
    message = str(err)
    assert str(path) in message and f"row {row}" in message and repr(column) in message


def test_malformed_header_and_field_count(tmp_path):
    path = write(tmp_path, "mmlu,,0.75,b\n")
    with pytest.raises(InputError, match="row 3"):
        read_chance(path)
    path = write(tmp_path, "", header="benchmark,metric,chance,basis,source\n")
    with pytest.raises(InputError) as info:
        read_chance(path)
    assert info.value.row == 1 and info.value.column == "chance_error"
    with pytest.raises(InputError):
        read_chance(tmp_path / "missing.csv")


def test_read_chance_matches_packaged_table():
    from importlib import resources

    with resources.as_file(resources.files("computelimits.data") / "chance.csv") as path:
        table = read_chance(path)
    pd.testing.assert_frame_equal(table, chance_levels())


def test_above_chance_basic():
    np.testing.assert_allclose(above_chance([0.0, 0.375, 0.75, 0.9], 0.75),
                               [0.0, 0.5, 1.0, 1.2])
    np.testing.assert_allclose(above_chance([0.5, 0.5], [0.5, 1.0]), [1.0, 0.5])
    assert np.isnan(above_chance(0.3, np.nan))
    for bad in (0.0, -0.1, 1.5):
        with pytest.raises(ConfigError):
            above_chance(0.1, bad)


@given(
    chance=st.floats(min_value=1e-6, max_value=1.0),
    u=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    v=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
def test_above_chance_maps_below_chance_into_unit_interval_monotonically(chance, u, v):
    lo, hi = sorted((u * chance, v * chance))
    if hi >= chance:  # rounding of the product can land on chance itself
        return
    a_lo, a_hi = above_chance(np.array([lo, hi]), chance)
    assert 0.0 <= a_lo <= a_hi < 1.0
    assert above_chance(chance, chance) == 1.0
