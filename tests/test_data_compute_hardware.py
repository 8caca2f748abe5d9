"""Loaders of compute and hardware sources: Epoch AI models, Epoch hardware/prices/PPI, Epoch
AI chip counts, Rupp's microprocessor trends, Computer Progress hardware tables.

Tests marked with ``mirror`` read the shared data mirror (COMPUTELIMITS_DATA) and check the
counts its READMEs state and values read from the files (the data row is cited). The others
build small synthetic files in ``tmp_path``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import write_rows
from computelimits.data.loaders import (
    chip_counts,
    computer_progress,
    epoch_hardware,
    epoch_models,
    microprocessor,
)
from computelimits.data.registry import SOURCES
from computelimits.data.schema import SCHEMAS
from computelimits.errors import InputError

# --------------------------------------------------------------------------------------------
# helpers


def _where(exc: pytest.ExceptionInfo, path, row=None, column=None):
    msg = str(exc.value)
    assert str(path) in msg
    if row is not None:
        assert f"row {row}" in msg, msg
    if column is not None:
        assert repr(column) in msg, msg


# --------------------------------------------------------------------------------------------
# Epoch AI models


@pytest.fixture(scope="module")
def compute(mirror):
    return epoch_models.load_compute()


@pytest.fixture(scope="module")
def models(mirror):
    return epoch_models.load_models()


_MODEL_HEADER = [
    "Model", "Publication date", "Training compute (FLOP)", "Training compute lower bound",
    "Training compute upper bound", "Training compute estimation method", "Confidence",
    "Parameters", "Training dataset size (datapoints)", "Training hardware",
    "Hardware quantity", "Training time (hours)", "Training compute cost (2023 USD)",
    "Training power draw (W)", "Last modified", "Hardware utilization (MFU)",
]


def _model_row(**kw):
    base = {
        "Model": "Net-A", "Publication date": "2020-05-28", "Training compute (FLOP)": "3.14e+23",
        "Training compute lower bound": "", "Training compute upper bound": "",
        "Training compute estimation method": "Operation counting,Hardware",
        "Confidence": "Confident", "Parameters": "175000000000.0",
        "Training dataset size (datapoints)": "", "Training hardware": "NVIDIA V100",
        "Hardware quantity": "8.0", "Training time (hours)": "10",
        "Training compute cost (2023 USD)": "$1,234.50", "Training power draw (W)": "2000.5",
        "Last modified": "2025-05-23 12:49", "Hardware utilization (MFU)": "0.4",
    }
    base.update(kw)
    return [base[h] for h in _MODEL_HEADER]


def _models_file(tmp_path, rows, header=_MODEL_HEADER):
    return write_rows(tmp_path / "models.csv", header, rows)


def test_models_counts(compute):
    c = compute
    # README: training compute present for 988 rows (684 before 2024), 40 .. 4.64e26 FLOP,
    # median 4.4e21.
    assert len(c) == 988
    assert (c["date"] < "2024-01-01").sum() == 684
    assert c["training_flop"].min() == 40
    assert c["training_flop"].max() == pytest.approx(4.64e26)
    assert c["training_flop"].median() == pytest.approx(4.4e21, rel=0.01)
    assert list(c.columns) == list(SCHEMAS["compute"])
    assert c.attrs["attribution"] == [SOURCES["epoch-ai-models"].attribution]
    rep = c.attrs["repairs"]
    assert rep["rows without training compute skipped"] == 1892 - 988 - 1
    assert rep["repeated model name: older record dropped"] == 1
    assert rep["Training compute cost (2023 USD): '$' removed"] == 160  # README: 160 rows
    assert (c["source"] == "epoch-ai-models").all()
    assert c["model_key"].notna().all()


def test_models_all_rows_and_duplicates(models):
    m = models
    assert len(m) == 1892 - 1  # P-LLama3 appears twice (README); one record kept
    pl = m[m["model"] == "P-LLama3"]
    # data row 371 (Last modified 2025-05-23, compute 7.2e23) is kept; row 374 dropped
    assert pl["source_row"].tolist() == [371]
    assert pl["training_flop"].iloc[0] == pytest.approx(7.20000786432e23)
    # README: Confident 989 (one of them the dropped P-LLama3 copy), Unknown 410, ...
    assert m["confidence"].value_counts().to_dict() == {
        "Confident": 988, "Unknown": 410, "Likely": 342, "Speculative": 151}
    # README: 75 of 165 finetune values are small integers (linked-record counts)
    key = ("Finetune compute (FLOP): values < 1e10 (linked-record counts) treated as "
           "missing")
    assert m.attrs["repairs"][key] == 75
    assert m["finetune_flop"].notna().sum() == 165 - 75 - 1  # less the dropped P-LLama3 copy
    assert (m["finetune_flop"].dropna() >= 1e10).all()
    assert m["date"].min() == pd.Timestamp("1950-07-02")
    assert m["date"].max() == pd.Timestamp("2025-06-10")
    assert m["notable"].sum() == 1892 - 1085  # README/file: 1,085 rows with no criterion


def test_models_specific_values(compute, models):
    c = compute
    # data row 1389: GPT-3 175B (davinci)
    g = c[c["model"] == "GPT-3 175B (davinci)"].iloc[0]
    assert g["source_row"] == 1389
    assert g["training_flop"] == 3.14e23  # FLOP, not PFLOP-days
    assert g["date"] == pd.Timestamp("2020-05-28")
    assert g["method"] == "reported"
    assert g["parameters"] == 175e9
    assert g["chip_count"] == 10000
    assert g["hours"] == 355.2
    assert g["utilization"] == pytest.approx(0.1968)
    assert g["cost_usd"] == pytest.approx(2056969.34)  # "$2056969.34"
    assert g["power_w"] == pytest.approx(5100759.605963441)
    # data row 1739: AlexNet, three methods kept comma-separated and lower-cased
    a = c[c["model"] == "AlexNet"].iloc[0]
    assert a["source_row"] == 1739
    assert a["training_flop"] == 4.7e17
    assert a["method"] == "operation counting,hardware,third-party estimation"
    # utilization is a fraction everywhere; row 911 (72.0) was a percent
    m = models
    assert m["utilization"].dropna().between(0, 1).all()
    fa = m[m["source_row"] == 911].iloc[0]
    assert fa["model"] == "GPT3-2.7B (FlashAttention-2)"
    assert fa["utilization"] == pytest.approx(0.72)
    # data row 1582: lower bound 5.65e19 above the estimate 5.64e19 -> noted, kept
    cs = c[c["source_row"] == 1582].iloc[0]
    assert cs["training_flop_low"] > cs["training_flop"]
    assert "lower bound above the estimate" in cs["notes"]


def test_models_include_missing(mirror):
    c = epoch_models.load_compute(include_missing=True)
    assert len(c) == 1891
    assert c["training_flop"].notna().sum() == 988


def test_models_synthetic_ok(tmp_path):
    p = _models_file(tmp_path, [
        _model_row(),
        _model_row(**{"Model": "Net-B", "Training compute (FLOP)": "",
                      "Hardware utilization (MFU)": "55%"}),
        _model_row(**{"Model": "Net-C", "Hardware utilization (MFU)": "72.0"}),
    ])
    c = epoch_models.parse_compute(p)
    assert c["model"].tolist() == ["Net-A", "Net-C"]
    assert c["cost_usd"].tolist() == [1234.5, 1234.5]
    assert c["method"].iloc[0] == "operation counting,hardware"
    assert c["utilization"].tolist() == [0.4, 0.72]
    assert c["source_row"].tolist() == [1, 3]
    rep = c.attrs["repairs"]
    assert rep["rows without training compute skipped"] == 1
    assert rep["Training compute cost (2023 USD): thousands separators removed"] == 3
    assert rep["Hardware utilization (MFU): values above 1 read as percent"] == 1
    assert rep["Hardware utilization (MFU): percent strings converted to fractions"] == 1
    full = epoch_models.parse_compute(p, include_missing=True)
    assert full["utilization"].tolist() == [0.4, 0.55, 0.72]


@pytest.mark.parametrize(("cell", "fragment"), [
    ("-3e20", "must be positive"),
    ("0", "must be positive"),
    ("3e20 FLOP", "cannot parse"),
])
def test_models_bad_compute(tmp_path, cell, fragment):
    p = _models_file(tmp_path, [_model_row(), _model_row(**{
        "Model": "Bad", "Training compute (FLOP)": cell})])
    with pytest.raises(InputError, match=fragment) as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, row=2, column="Training compute (FLOP)")


def test_models_bad_cells(tmp_path):
    p = _models_file(tmp_path, [_model_row(**{"Hardware utilization (MFU)": "150"})])
    with pytest.raises(InputError, match="over 100%") as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, row=1, column="Hardware utilization (MFU)")
    p = _models_file(tmp_path, [_model_row(**{"Publication date": "28/05/2020"})])
    with pytest.raises(InputError, match="cannot parse") as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, row=1, column="Publication date")
    p = _models_file(tmp_path, [_model_row(**{"Training compute cost (2023 USD)": "€12"})])
    with pytest.raises(InputError) as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, row=1, column="Training compute cost (2023 USD)")


def test_models_renamed_column(tmp_path):
    header = [("Training compute FLOP" if h == "Training compute (FLOP)" else h)
              for h in _MODEL_HEADER]
    p = _models_file(tmp_path, [_model_row()], header=header)
    with pytest.raises(InputError, match=r"missing column.*Training compute FLOP") as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, column="Training compute (FLOP)")
    # the MFU column under its pre-2025-08 name is accepted
    header = [("Hardware utilization" if h == "Hardware utilization (MFU)" else h)
              for h in _MODEL_HEADER]
    p = _models_file(tmp_path, [_model_row()], header=header)
    assert epoch_models.parse_compute(p)["utilization"].tolist() == [0.4]
    header = [h for h in _MODEL_HEADER if h != "Hardware utilization (MFU)"]
    p = _models_file(tmp_path, [_model_row()[:-1]], header=header)
    with pytest.raises(InputError, match="missing column") as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, column="Hardware utilization (MFU)")


def test_models_truncated(tmp_path):
    p = _models_file(tmp_path, [_model_row(), _model_row(Model="Net-B")])
    text = p.read_text()
    p.write_text(text[: text.rindex("Net-B") + 20])
    with pytest.raises(InputError, match="fields but the header has") as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, row=2)


def test_models_duplicates(tmp_path):
    p = _models_file(tmp_path, [
        _model_row(**{"Training compute (FLOP)": "", "Last modified": "2025-05-01 10:42"}),
        _model_row(**{"Last modified": "2025-05-23 12:49"}),
        _model_row(Model="Other"),
    ])
    m = epoch_models.parse_compute(p, include_missing=True)
    assert m["source_row"].tolist() == [2, 3]
    assert m.attrs["repairs"]["repeated model name: older record dropped"] == 1
    p = _models_file(tmp_path, [_model_row(), _model_row()])
    with pytest.raises(InputError, match="repeats row 1") as exc:
        epoch_models.parse_compute(p)
    _where(exc, p, row=2, column="Model")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(min_value=1.001, max_value=100.0, allow_nan=False), min_size=1,
                max_size=5))
def test_models_bare_percent_mfu_law(tmp_path_factory, values):
    """A bare MFU above 1 (and at most 100) reads as value / 100, the same as "value%"."""
    tmp = tmp_path_factory.mktemp("mfu")
    bare = [_model_row(Model=f"M{i}", **{"Hardware utilization (MFU)": repr(v)})
            for i, v in enumerate(values)]
    pct = [_model_row(Model=f"M{i}", **{"Hardware utilization (MFU)": f"{v!r}%"})
           for i, v in enumerate(values)]
    a = epoch_models.parse_compute(write_rows(tmp / "a.csv", _MODEL_HEADER, bare))
    b = epoch_models.parse_compute(write_rows(tmp / "b.csv", _MODEL_HEADER, pct))
    np.testing.assert_allclose(a["utilization"], np.array(values) / 100, rtol=1e-12)
    np.testing.assert_allclose(a["utilization"], b["utilization"], rtol=1e-12)


# --------------------------------------------------------------------------------------------
# Epoch hardware, prices, PPI


def test_chips_counts(mirror):
    chips = epoch_hardware.load_chips()
    rep = chips.attrs["repairs"]
    # README: 5,775 rows, counted by a line-based reader that splits the record holding a
    # stray carriage return (data row 955, "NVIDIA GeForce RTX 2080 Ti Founders Edition")
    assert rep["stray carriage return inside a cell removed"] == 1
    # README: 6 names repeat -> 6 rows dropped
    assert rep["repeated chip name: sparser row dropped"] == 6
    assert len(chips) == 5775 - 1 - 6
    assert chips["chip"].is_unique
    types = chips["type"].value_counts()
    assert types["CPU"] == 2698 and types["GPU"] == 2696  # README
    assert chips["ml_hardware"].sum() == 161  # README
    assert chips["release_date"].min() == pd.Timestamp("1999-01-01")
    assert chips["release_date"].max() == pd.Timestamp("2025-08-15")
    hw = epoch_hardware.load_hardware()
    assert list(hw.columns) == list(SCHEMAS["hardware"])
    assert len(hw) == len(chips)
    assert hw.attrs["attribution"] == [SOURCES["epoch-hardware"].attribution]
    ml = epoch_hardware.load_hardware(ml_only=True)
    assert len(ml) == 161


def test_chips_values(mirror):
    chips = epoch_hardware.load_chips().set_index("chip")
    # data row 157: NVIDIA H100 SXM5 80GB
    h = chips.loc["NVIDIA H100 SXM5 80GB"]
    assert h["source_row"] == 157
    assert h["fp32_flops"] == 66.91e12  # FLOP/s, not GFLOP/s or TFLOP/s
    assert h["fp64_flops"] == 33.45e12
    assert h["tf32_flops"] == 494.7e12
    assert h["fp16_flops"] == 989.4e12 and h["fp16_kind"] == "tensor"  # dense tensor BF16
    assert h["fp16_nontensor_flops"] == 133.8e12
    assert h["int8_ops"] == 1979e12
    assert h["tdp_w"] == 700
    assert h["price_usd"] == pytest.approx(44489.88)  # "$44489.88"
    # data row 94: AMD Radeon RX 7900 XTX, first of two rows with the name (second: stub)
    x = chips.loc["AMD Radeon RX 7900 XTX"]
    assert x["source_row"] == 94 and x["fp16_kind"] == "non-tensor"
    assert x["fp16_flops"] == 122.8e12 and x["price_usd"] == 999
    # data row 955: the name that held the stray carriage return is whole
    assert chips.loc["NVIDIA GeForce RTX 2080 Ti Founders Edition", "source_row"] == 955
    # every throughput in FLOP/s: the slowest FP32 figure is 1 GFLOP/s, none above 1e18
    for col in ("fp64_flops", "fp32_flops", "tf32_flops", "fp16_flops", "fp8_flops"):
        v = chips[col].dropna()
        assert v.between(1e9, 1e18).all(), col


def test_prices(mirror):
    p = epoch_hardware.load_prices()
    # README: 591 rows; one (data row 578) holds no price and no date
    assert p.attrs["repairs"]["price rows without any price skipped"] == 1
    assert len(p) == 591 - 1
    assert 578 not in set(p["source_row"])
    assert p["chip"].nunique() == 82  # README: 82 distinct hardware models
    assert p["date"].min() == pd.Timestamp("2010-11-09")
    assert p["date"].max() == pd.Timestamp("2025-03-17")
    assert p["purchase_price_usd"].notna().sum() == 122  # README: 122 purchase prices
    assert p["repeat"].sum() == 11
    # data row 26: DGX-1 price divided by 8 in the file itself
    r = p[p["source_row"] == 26].iloc[0]
    assert r["purchase_price_usd"] == 18625 and r["number_of_gpus"] == 8
    # data row 186 repeats data row 184 exactly (AWS T4 on-demand, 1.20 per chip-hour)
    r = p[p["source_row"] == 186].iloc[0]
    assert r["repeat"] and r["on_demand_usd_per_chip_hour"] == 1.2
    assert {c for c in p.columns if c.endswith("_usd_per_chip_hour")} == {
        "on_demand_usd_per_chip_hour", "cud_1y_usd_per_chip_hour", "cud_3y_usd_per_chip_hour"}


def test_ppi_and_deflator(mirror):
    ppi = epoch_hardware.load_ppi()
    assert len(ppi) == 295  # README: 295 monthly rows plus a trailing blank line
    assert ppi["date"].iloc[0] == pd.Timestamp("2000-12-01") and ppi["ppi"].iloc[0] == 100.0
    assert ppi["date"].iloc[-1] == pd.Timestamp("2025-06-01")
    assert ppi["ppi"].iloc[-1] == 123.659  # data row 295
    d = epoch_hardware.deflator(2023)
    assert d[2023] == 1.0
    assert d.attrs["partial_years"] == [2000, 2025]
    mean = ppi[ppi["date"].dt.year == 2020]["ppi"].mean()
    mean23 = ppi[ppi["date"].dt.year == 2023]["ppi"].mean()
    assert d[2020] == pytest.approx(mean / mean23)
    assert d[2000] == pytest.approx(100.0 / mean23)  # only December 2000
    with pytest.raises(InputError, match="no PPI data for 1990"):
        epoch_hardware.deflator(1990)


_CHIP_HEADER = ["Hardware name", "Manufacturer", "Type", "Release date", "Release price (USD)",
                "FP64 (double precision) performance (FLOP/s)",
                "FP32 (single precision) performance (FLOP/s)",
                "FP16 (half precision) performance (FLOP/s)",
                "TF32 (TensorFloat-32) performance (FLOP/s)",
                "Tensor-FP16/BF16 performance (FLOP/s)", "INT8 performance (OP/s)", "TDP (W)",
                "ML hardware", "FP8 performance (FLOP/s)"]


def _chip(name="Chip A", **kw):
    base = dict.fromkeys(_CHIP_HEADER, "")
    base.update({"Hardware name": name, "Manufacturer": "V", "Type": "GPU",
                 "Release date": "2020-01-01", "FP32 (single precision) performance (FLOP/s)":
                 "1.5e13", "FP16 (half precision) performance (FLOP/s)": "3e13",
                 "TDP (W)": "300", "Release price (USD)": "$1,999.00"})
    base.update(kw)
    return [base[h] for h in _CHIP_HEADER]


def test_chips_synthetic(tmp_path):
    p = write_rows(tmp_path / "chips.csv", _CHIP_HEADER, [
        _chip(**{"Tensor-FP16/BF16 performance (FLOP/s)": "1.2e14", "ML hardware": "checked"}),
        _chip("Chip B"),
        _chip("Chip B", **{"FP32 (single precision) performance (FLOP/s)": "",
                           "TDP (W)": "", "Release price (USD)": ""}),
    ])
    raw = p.read_bytes().replace(b"Chip B,", b"Chip B\r,", 1)
    p.write_bytes(raw)
    c = epoch_hardware.parse_chips(p)
    assert c["chip"].tolist() == ["Chip A", "Chip B"]
    assert c["fp16_flops"].tolist() == [1.2e14, 3e13]
    assert c["fp16_kind"].tolist() == ["tensor", "non-tensor"]
    assert c["price_usd"].tolist() == [1999.0, 1999.0]
    assert c["ml_hardware"].tolist() == [True, False]
    rep = c.attrs["repairs"]
    assert rep["stray carriage return inside a cell removed"] == 1
    assert rep["repeated chip name: sparser row dropped"] == 1


def test_chips_malformed(tmp_path):
    p = write_rows(tmp_path / "c.csv", _CHIP_HEADER, [
        _chip(), _chip("B", **{"FP32 (single precision) performance (FLOP/s)": "15 TFLOPS"})])
    with pytest.raises(InputError, match="cannot parse") as exc:
        epoch_hardware.parse_chips(p)
    _where(exc, p, row=2, column="FP32 (single precision) performance (FLOP/s)")
    p = write_rows(tmp_path / "c.csv", _CHIP_HEADER, [_chip(**{"TDP (W)": "-5"})])
    with pytest.raises(InputError, match="must be positive") as exc:
        epoch_hardware.parse_chips(p)
    _where(exc, p, row=1, column="TDP (W)")
    header = ["TDP" if h == "TDP (W)" else h for h in _CHIP_HEADER]
    p = write_rows(tmp_path / "c.csv", header, [_chip()])
    with pytest.raises(InputError, match="missing column") as exc:
        epoch_hardware.parse_chips(p)
    _where(exc, p, column="TDP (W)")
    p = write_rows(tmp_path / "c.csv", _CHIP_HEADER, [_chip(), _chip("B")])
    p.write_text(p.read_text()[:-30])
    with pytest.raises(InputError, match="truncated") as exc:
        epoch_hardware.parse_chips(p)
    _where(exc, p, row=2)


def test_prices_and_ppi_malformed(tmp_path):
    header = ["Price date", "Hardware model", "Price per chip-hour (on-demand)",
              "Price per chip-hour (1-year CUD)", "Price per chip-hour (3-year CUD)",
              "Price (hardware purchase)", "Number of GPUs"]
    p = write_rows(tmp_path / "prices.csv", header, [
        ["2023-01-01", "X", "1.10", "", "", "", "1"],
        ["2023-01-01", "X", "1.10", "", "", "", "1"],
        ["2023-02-01", "Y", "", "", "", "$12,000.00", "8"],
        ["", "Z", "", "", "", "", ""],
    ])
    pr = epoch_hardware.parse_prices(p)
    assert pr["repeat"].tolist() == [False, True, False]
    assert pr["purchase_price_usd"].iloc[2] == 12000.0
    assert pr.attrs["repairs"]["price rows without any price skipped"] == 1
    p = write_rows(tmp_path / "prices.csv", header, [["2023-01-01", "X", "1,1O", "", "", "",
                                                      ""]])
    with pytest.raises(InputError) as exc:
        epoch_hardware.parse_prices(p)
    _where(exc, p, row=1, column="Price per chip-hour (on-demand)")

    ppi = tmp_path / "ppi.csv"
    ppi.write_text("observation_date,PCU518210518210\n2000-12-01,100.000\n"
                   "2001-01-01,100.600\n\n")
    assert epoch_hardware.parse_ppi(ppi)["ppi"].tolist() == [100.0, 100.6]
    ppi.write_text("observation_date,PCU518210518210\n2000-12-01,100.000\n2001-13-01,100.6\n")
    with pytest.raises(InputError, match="cannot parse") as exc:
        epoch_hardware.parse_ppi(ppi)
    _where(exc, ppi, row=2, column="observation_date")
    ppi.write_text("observation_date,PCU518210518210\n2000-12-01,100.000\n2000-12-01,100.6\n")
    with pytest.raises(InputError, match="repeats") as exc:
        epoch_hardware.parse_ppi(ppi)
    _where(exc, ppi, row=2)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=1.0, max_value=1e3, allow_nan=False), min_size=13,
                max_size=40),
       st.floats(min_value=0.01, max_value=100.0), st.data())
def test_deflator_laws(values, scale, data):
    """The deflator is 1 at the base year, ignores the index's scale, and changing the base
    year only rescales it: d_a = d_b / d_b[a]."""
    dates = pd.date_range("2010-01-01", periods=len(values), freq="MS")
    ppi = pd.DataFrame({"date": dates, "ppi": values})
    years = sorted(set(dates.year))
    a, b = data.draw(st.sampled_from(years)), data.draw(st.sampled_from(years))
    da = epoch_hardware.deflator_from(ppi, a)
    assert da[a] == pytest.approx(1.0)
    scaled = epoch_hardware.deflator_from(ppi.assign(ppi=ppi["ppi"] * scale), a)
    np.testing.assert_allclose(scaled, da, rtol=1e-12)
    db = epoch_hardware.deflator_from(ppi, b)
    np.testing.assert_allclose(da, db / db[a], rtol=1e-12)


# --------------------------------------------------------------------------------------------
# Epoch AI chip counts

_README_ROWS = {
    "nvidia_cumulative_totals.csv": 17, "nvidia_cumulative_by_chip.csv": 78,
    "tpu_cumulative_totals.csv": 13, "tpu_cumulative_by_chip.csv": 59,
    "amd_cumulative_totals.csv": 8, "amd_cumulative_by_chip.csv": 34,
    "trainium_cumulative_totals.csv": 8, "trainium_cumulative_by_chip.csv": 16,
}


def test_stock_counts_and_values(mirror):
    s = chip_counts.load_stock()
    assert s.groupby("source_file").size().to_dict() == _README_ROWS
    assert list(s.columns) == list(chip_counts.COLUMNS)
    assert s.attrs["attribution"] == [SOURCES["epoch-ai-chip-counts"].attribution]
    assert set(s["vendor"]) == {"Nvidia", "Google", "AMD", "Amazon"}
    chips = set(s.loc[s["source_file"] == "nvidia_cumulative_by_chip.csv", "chip"])
    assert chips == {"A100", "H100", "A800", "H800", "H20", "B200", "B300"}  # README
    assert (s.loc[s["kind"] == "totals", "chip"] == "total").all()
    # nvidia_cumulative_totals.csv, data row 1 (Q1 2022)
    n = s[(s["source_file"] == "nvidia_cumulative_totals.csv") & (s["source_row"] == 1)].iloc[0]
    assert (n["start_date"], n["end_date"]) == (pd.Timestamp("2022-01-01"),
                                                pd.Timestamp("2022-03-31"))
    assert (n["units_p5"], n["units_p50"], n["units_p95"]) == (163481, 212120, 276445)
    assert (n["h100e_p5"], n["h100e_p50"], n["h100e_p95"]) == (51547, 66883, 87166)
    assert (n["power_mw_p5"], n["power_mw_p50"], n["power_mw_p95"]) == (65, 84, 110)
    assert not n["incomplete"]
    # trainium_cumulative_by_chip.csv, data row 1: median listed first, then 5th/95th
    t = s[(s["source_file"] == "trainium_cumulative_by_chip.csv")
          & (s["source_row"] == 1)].iloc[0]
    assert t["chip"] == "Trainium1"
    assert (t["h100e_p5"], t["h100e_p50"], t["h100e_p95"]) == (10611, 23345, 53057)
    assert (t["units_p5"], t["units_p50"], t["units_p95"]) == (50000, 110000, 250000)
    assert (t["power_mw_p5"], t["power_mw_p50"], t["power_mw_p95"]) == (14.9, 33.5, 75.1)
    assert pd.isna(t["incomplete"])
    # only the totals files and the Trainium by-chip file have power
    has_power = s.groupby("source_file")["power_mw_p50"].apply(lambda x: x.notna().all())
    assert {f for f, v in has_power.items() if v} == {
        "nvidia_cumulative_totals.csv", "tpu_cumulative_totals.csv",
        "amd_cumulative_totals.csv", "trainium_cumulative_totals.csv",
        "trainium_cumulative_by_chip.csv"}
    # laws that hold in the data: ordered percentiles, cumulative medians never fall
    assert (s["units_p5"] <= s["units_p50"]).all() and (s["units_p50"] <= s["units_p95"]).all()
    for _, g in s.groupby(["source_file", "chip"]):
        g = g.sort_values("end_date")
        assert (g["units_p50"].diff().dropna() >= 0).all()
        assert (g["h100e_p50"].diff().dropna() >= 0).all()
    assert s["incomplete"].sum() == 7 + 1 + 6 + 1


_STOCK_HEADER = ["Name", "Chip manufacturer", "Start date", "End date", "Chip type",
                 "Number of units (5th percentile)", "Number of units (median)",
                 "Number of units (95th percentile)",
                 "Compute estimate in H100e (5th percentile)",
                 "Compute estimate in H100e (median)",
                 "Compute estimate in H100e (95th percentile)", "Incomplete", "Notes"]
_STOCK_ROWS = [
    ["X Q1", "Acme", "1/1/2024", "3/31/2024", "X1", "10", "20", "30", "1", "2", "3", "", "n"],
    ["X Q2", "Acme", "1/1/2024", "6/30/2024", "X1", "15", "25", "35", "2", "3", "4", "checked",
     ""],
]


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(len(_STOCK_HEADER))))
def test_stock_columns_read_by_name(tmp_path_factory, order):
    """Any column order gives the same table (the files order their columns differently)."""
    tmp = tmp_path_factory.mktemp("stock")
    ref = chip_counts.parse_stock_file(
        write_rows(tmp / "ref.csv", _STOCK_HEADER, _STOCK_ROWS), kind="by_chip",
        source_file="x.csv")
    perm = write_rows(tmp / "perm.csv", [_STOCK_HEADER[i] for i in order],
                      [[r[i] for i in order] for r in _STOCK_ROWS])
    got = chip_counts.parse_stock_file(perm, kind="by_chip", source_file="x.csv")
    pd.testing.assert_frame_equal(got, ref)


def test_stock_synthetic(tmp_path):
    s = chip_counts.parse_stock_file(write_rows(tmp_path / "a.csv", _STOCK_HEADER, _STOCK_ROWS),
                                     kind="by_chip", source_file="a.csv")
    assert s["end_date"].tolist() == [pd.Timestamp("2024-03-31"), pd.Timestamp("2024-06-30")]
    assert s["units_p50"].tolist() == [20, 25]
    assert s["incomplete"].tolist() == [False, True]
    assert s["power_mw_p50"].isna().all()
    assert s.attrs["repairs"]["End date: M/D/YYYY dates read as YYYY-MM-DD"] == 2
    bad = [r[:] for r in _STOCK_ROWS]
    bad[1][6] = "40"  # median above the 95th percentile
    p = write_rows(tmp_path / "b.csv", _STOCK_HEADER, bad)
    with pytest.raises(InputError, match="not ordered") as exc:
        chip_counts.parse_stock_file(p, kind="by_chip", source_file="b.csv")
    _where(exc, p, row=2)
    bad = [r[:] for r in _STOCK_ROWS]
    bad[0][3] = "31.3.2024"
    p = write_rows(tmp_path / "b.csv", _STOCK_HEADER, bad)
    with pytest.raises(InputError, match="cannot parse") as exc:
        chip_counts.parse_stock_file(p, kind="by_chip", source_file="b.csv")
    _where(exc, p, row=1, column="End date")
    bad = [r[:] for r in _STOCK_ROWS]
    bad[0][5] = "ten"
    p = write_rows(tmp_path / "b.csv", _STOCK_HEADER, bad)
    with pytest.raises(InputError, match="cannot parse") as exc:
        chip_counts.parse_stock_file(p, kind="by_chip", source_file="b.csv")
    _where(exc, p, row=1, column="Number of units (5th percentile)")
    header = [h.replace("(median)", "(p50)") for h in _STOCK_HEADER]
    p = write_rows(tmp_path / "b.csv", header, _STOCK_ROWS)
    with pytest.raises(InputError, match="missing column") as exc:
        chip_counts.parse_stock_file(p, kind="by_chip", source_file="b.csv")
    _where(exc, p, column="Number of units (median)")


# --------------------------------------------------------------------------------------------
# Microprocessor trends


def test_trends_counts(mirror):
    t = microprocessor.load_trends()
    counts = t.groupby("series", sort=False).size().to_dict()
    assert counts == {"transistors": 99, "frequency": 101, "specint": 74, "watts": 101,
                      "cores": 90}  # README
    assert dict(zip(t["series"], t["unit"], strict=True)) == microprocessor.SERIES
    assert t["year"].min() == 1971.875 and t["year"].max() == 2021.9
    assert t.loc[t["series"] == "specint", "year"].min() == pytest.approx(1988.65384615)
    notes = t[t["note"].notna()]
    assert len(notes) == 5 and (notes["series"] == "specint").all()
    # raw/specint.dat line 52: "2009.3    36600   # Xeon W5580"
    x = notes[notes["source_row"] == 52].iloc[0]
    assert (x["year"], x["value"], x["note"]) == (2009.3, 36600.0, "Xeon W5580")
    # raw/transistors.dat line 1: "1971.875  2.30824152676" (thousands of transistors)
    first = t[(t["series"] == "transistors") & (t["source_row"] == 1)].iloc[0]
    assert first["value"] == 2.30824152676
    assert t.attrs["attribution"] == [SOURCES["microprocessor-trends"].attribution]


def test_trends_agree_with_mirror_conversion(mirror):
    """The mirror's own CSV conversion of the same files (not read by the package) agrees."""
    conv = pd.read_csv(mirror / "microprocessor-trends" / "trend_50yrs_long.csv")
    t = microprocessor.load_trends()
    assert len(conv) == len(t) == 465
    assert conv["series"].tolist() == t["series"].tolist()
    np.testing.assert_array_equal(conv["year"].to_numpy(), t["year"].to_numpy())
    np.testing.assert_array_equal(conv["value"].to_numpy(), t["value"].to_numpy())


def test_processors(mirror):
    p = microprocessor.load_processors()
    assert len(p) == 31  # README
    first = p.iloc[0]  # data row 1: Xeon X5690,2011.02,1.17,46.7,3.47,130,12
    assert (first["name"], first["year"], first["transistors_billion"],
            first["specint2006_equiv"], first["frequency_ghz"], first["tdp_w"],
            first["threads"]) == ("Xeon X5690", 2011.02, 1.17, 46.7, 3.47, 130, 12)
    assert p["specint2006_equiv"].isna().sum() == 12
    assert p["transistors_billion"].isna().sum() == 5
    mi = p[p["name"] == "Radeon MI250"].iloc[0]  # a GPU; 208 compute units as "threads"
    assert mi["threads"] == 208 and mi["note"] == "GPU; 208 compute units"


def test_dat_parsing(tmp_path):
    p = tmp_path / "specint.dat"
    p.write_text("# header comment\n1990.5  12.5\n\n####\n2009.3    36600   # Xeon W5580\n"
                 "2010 4.2e3")
    d = microprocessor.parse_dat(p, series="specint")
    assert d["year"].tolist() == [1990.5, 2009.3, 2010.0]
    assert d["value"].tolist() == [12.5, 36600.0, 4200.0]
    assert d["note"].tolist()[1] == "Xeon W5580" and pd.isna(d["note"].iloc[0])
    assert d["source_row"].tolist() == [2, 5, 6]
    for body, line, fragment, column in [
        ("1990.5 12\n1991 12 13\n", 2, "found 3 field", None),
        ("1990.5 12\n1991\n", 2, "found 1 field", None),
        ("1990.5 12\n\n1991 twelve # x\n", 3, "cannot parse", "value"),
        ("1990,5 12\n", 1, "cannot parse", "year"),
        ("1990.5 -3\n", 1, "positive", "value"),
        ("19905 3\n", 1, "outside", "year"),
    ]:
        p.write_text(body)
        with pytest.raises(InputError, match=fragment) as exc:
            microprocessor.parse_dat(p, series="specint")
        _where(exc, p, row=line, column=column)
    p.write_text("# only comments\n####\n")
    with pytest.raises(InputError, match="no data lines"):
        microprocessor.parse_dat(p, series="cores")


_note = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                       blacklist_characters="#"), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=1950, max_value=2030, allow_nan=False),
                          st.floats(min_value=1e-6, max_value=1e12, allow_nan=False),
                          st.one_of(st.none(), _note),
                          st.sampled_from([" ", "  ", "\t", "    "])),
                min_size=1, max_size=30))
def test_dat_round_trip(points):
    """Writing points in the .dat layout and parsing them gives the same points back."""
    lines = []
    for year, value, note, sep in points:
        line = f"{year!r}{sep}{value!r}"
        if note is not None:
            line += f"   # {note}"
        lines.append(line)
    d = microprocessor.parse_dat("mem.dat", series="watts", text_data="\n".join(lines) + "\n")
    assert d["year"].tolist() == [p[0] for p in points]
    assert d["value"].tolist() == [p[1] for p in points]
    assert [None if pd.isna(n) else n for n in d["note"]] == [p[2] for p in points]
    assert d["source_row"].tolist() == list(range(1, len(points) + 1))


# --------------------------------------------------------------------------------------------
# Computer Progress hardware tables


def test_cp_counts_and_values(mirror):
    hw = computer_progress.load_hardware()
    rep = hw.attrs["repairs"]
    # README: 500 GPUs, 1,219 CPUs, 6 TPUs; 3 GPU and 4 CPU names repeat (first kept)
    assert rep["repeated gpu name: later row dropped"] == 3
    assert rep["repeated cpu name: later row dropped"] == 4
    counts = hw["type"].value_counts().to_dict()
    assert counts == {"GPU": 500 - 3, "CPU": 1219 - 4, "TPU": 6}
    assert rep["Year: year-only dates set to 1 July"] == 500 + (1219 - 295)  # 295 CPUs no year
    assert list(hw.columns) == list(SCHEMAS["hardware"])
    assert hw.attrs["attribution"] == [SOURCES["computer-progress"].attribution]
    g = hw[hw["type"] == "GPU"].set_index("chip")
    # gpu.csv data row 235: "Tesla V100 SXM2 16 GB", 15670 GFLOPS, 250 W; the repeat in data
    # row 242 (16,350 GFLOPS) is dropped
    v = g.loc["Tesla V100 SXM2 16 GB"]
    assert v["source_row"] == 235
    assert v["fp32_flops"] == 15670e9  # FLOP/s, not GFLOP/s
    assert v["tdp_w"] == 250 and v["release_date"] == pd.Timestamp("2017-07-01")
    assert g.loc["GeForce Titan X", "fp32_flops"] == pytest.approx(10974.2e9)  # Pascal, 2016
    assert g["fp32_flops"].between(14.4e9, 40000e9).all()  # README range of GFLOPS
    t = hw[hw["type"] == "TPU"].set_index("chip")
    # tpu.csv data row 4: "Cloud TPU v3", 4.20E+05 "GFLOPS (FP32)" = bf16 of a 4-chip device
    assert t.loc["Cloud TPU v3", "fp16_flops"] == 4.2e14
    assert t["fp32_flops"].isna().all()
    assert t.loc["Cloud TPU v3 Pod", "fp16_flops"] == 1e17
    assert pd.isna(t.loc["Cloud TPU v1", "fp16_flops"])
    c = hw[hw["type"] == "CPU"].set_index("chip")
    # cpu.csv data row 1: "Intel Celeron N2805", GFLOPS(FP32) 8.76, TDP 4.3
    assert c.loc["Intel Celeron N2805", "fp32_flops"] == pytest.approx(8.76e9)
    assert c["vendor"].eq("Intel").all()


def test_cp_lookup(mirror):
    look = computer_progress.peak_gflops_lookup()
    assert len(look) == 497 + 1215 + 6
    assert look["Tesla V100 SXM2 16 GB"] == 15670.0  # first row of the name
    assert look["GeForce GTX Titan X"] == 6604.8  # Maxwell, 2015 (gpu.csv data row 106)
    assert look["Cloud TPU v2"] == 1.8e5
    assert math.isnan(look["Cloud TPU v4"])  # known name, no rate
    assert "Titan X Pascal" not in look  # README: not a name in gpu.csv


def _cp_files(tmp_path):
    gpu = write_rows(tmp_path / "gpu.csv",
                     ["Manufacturer", "Class", "GPU", "Year", "Transistors (mln)",
                      "Die size mm\u02c62", "Memory size", "Memory speed", "GFLOPS", "TDP"],
                     [["Nvidia", "Desktop", "G1", "2007", "210", "127", "512", "6.4", "14.4", "40"],
                      ["Nvidia", "Desktop", "G1", "2008", "754", "324", "768", "38.4", "264",
                       "105"],
                      ["AMD Radeon", "Desktop", "G2", "2010", "1", "1", "1", "1", "1.5E+03", ""]],
                     newline="\r\n")
    tpu = write_rows(tmp_path / "tpu.csv", ["Release Year", "TPU", "GFLOPS (FP32)"],
                     [["2016", "T1", ""], ["2017", "T2", "1.80E+05"]], newline="\r\n")
    return gpu, tpu


def test_cp_synthetic(tmp_path):
    gpu, tpu = _cp_files(tmp_path)
    assert b"\r\n" in gpu.read_bytes() and "mmˆ2" in gpu.read_text("utf-8")
    g = computer_progress.parse_gpu(gpu)
    assert g["chip"].tolist() == ["G1", "G2"]
    assert g["fp32_flops"].tolist() == [14.4e9, 1.5e12]
    assert g.attrs["repairs"]["repeated gpu name: later row dropped"] == 1
    t = computer_progress.parse_tpu(tpu)
    assert t["fp16_flops"].iloc[1] == 1.8e14 and "fp32_flops" not in t.columns
    gpu.write_bytes(gpu.read_bytes().replace(b"1.5E+03", b"1.5 TFLOPS"))
    with pytest.raises(InputError, match="cannot parse") as exc:
        computer_progress.parse_gpu(gpu)
    _where(exc, gpu, row=3, column="GFLOPS")
    gpu.write_bytes(gpu.read_bytes().replace(b",GFLOPS,", b",GFLOP/s,"))
    with pytest.raises(InputError, match="missing column") as exc:
        computer_progress.parse_gpu(gpu)
    _where(exc, gpu, column="GFLOPS")
    tpu.write_bytes(tpu.read_bytes().replace(b"1.80E+05", b"-1"))
    with pytest.raises(InputError, match="positive") as exc:
        computer_progress.parse_tpu(tpu)
    _where(exc, tpu, row=2, column="GFLOPS (FP32)")
    tpu.write_bytes(tpu.read_bytes().replace(b"-1", b"1.80E+05").replace(b"2016", b"2016/17"))
    with pytest.raises(InputError, match="cannot parse") as exc:
        computer_progress.parse_tpu(tpu)
    _where(exc, tpu, row=1, column="Release Year")


def test_mirror_via_env(tmp_path, monkeypatch):
    """A mirror-shaped folder with a modified file is used (with a notice) and its errors
    name the file; strict mode refuses it."""
    folder = tmp_path / "computer-progress"
    folder.mkdir()
    write_rows(folder / "tpu.csv", ["Release Year", "TPU", "GFLOPS (FP32)"],
               [["2017", "Cloud TPU v2", "lots"]], newline="\r\n")
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(tmp_path))
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path / "cache"))
    with pytest.raises(InputError, match="cannot parse") as exc:
        computer_progress._tables(("tpu",), strict=False)
    _where(exc, folder / "tpu.csv", row=1, column="GFLOPS (FP32)")
    with pytest.raises(InputError, match="strict mode"):
        computer_progress._tables(("tpu",), strict=True)
