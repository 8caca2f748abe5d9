"""Loader of Epoch's "How far behind are open models?" tables (``epoch-open-model-trends``).

Counts are those the mirror's README states (``shared/data/epoch-open-model-trends/README.md``);
specific values are cited by file and data row. Malformed inputs are synthetic files in tmp_path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computelimits.data.loaders import open_model_trends as om
from computelimits.data.registry import SOURCES
from computelimits.data.schema import SCHEMAS
from computelimits.errors import InputError

MAIN, GSM = om.MAIN_FILE, om.GSM1K_FILE


@pytest.fixture(scope="module")
def results(mirror):
    return om.load_results()


@pytest.fixture(scope="module")
def compute(mirror):
    return om.load_compute()


def _rows(df, file, row):
    return df[(df.source_file == file) & (df.source_row == row)]


# --------------------------------------------------------------------------------- the mirror


def test_results_schema_and_attribution(results):
    assert list(results.columns) == list(SCHEMAS["results"])
    assert results.attrs["attribution"] == [SOURCES[om.SOURCE].attribution]
    assert (results.source == om.SOURCE).all()
    assert results["value"].between(0, 1).all()
    np.testing.assert_allclose(results["error"], 1 - results["value"])
    assert results["date"].notna().all()
    assert (results["date"] < pd.Timestamp("2024-01-01")).all()


def test_result_counts_match_the_readme(results):
    main = results[results.source_file == MAIN]
    # README: MMLU 65, BBH 58, GPQA 12, HELM MMLU 1 filled cells
    assert (main.benchmark == "bbh").sum() == 58
    assert (main.benchmark == "gpqa-diamond").sum() == 12
    mmlu = main[main.benchmark == "mmlu"]
    assert (mmlu.setting == "HELM").sum() == 1
    assert len(mmlu) == 65 + 1
    # README: gsm1k table has 32 rows; GSM8k and GSM1k filled in each
    gsm = results[results.source_file == GSM]
    assert (gsm.benchmark == "gsm8k").sum() == 32 and (gsm.benchmark == "gsm1k").sum() == 32
    assert set(results.benchmark) == {"mmlu", "bbh", "gpqa-diamond", "gsm8k", "gsm1k"}


def test_specific_results(results):
    # main table data row 1: BLOOM-176B, MMLU 0.3913, BBH 0.4491, Date 2022-07-11
    r = _rows(results, MAIN, 1).set_index("benchmark")
    assert r.loc["mmlu", "value"] == pytest.approx(0.3913)
    assert r.loc["bbh", "value"] == pytest.approx(0.4491)
    assert r.loc["mmlu", "model"] == "BLOOM-176B"
    assert r.loc["mmlu", "date"] == pd.Timestamp("2022-07-11")
    # HELM MMLU: gpt-4-0613, 0.824 (MMLU 0.813 from GPT-Fathom, per its MMLU Notes)
    helm = results[results.setting == "HELM"].iloc[0]
    assert helm["model"] == "gpt-4-0613" and helm["value"] == pytest.approx(0.824)
    assert helm["origin"] == "Stanford HELM"
    fathom = results[(results.model == "gpt-4-0613") & (results.benchmark == "mmlu")
                     & (results.setting != "HELM")].iloc[0]
    assert fathom["value"] == pytest.approx(0.813) and "GPT-Fathom" in fathom["setting"]
    # gsm1k table data row 1: claude-2.1, GSM8k 0.887, GSM1k 0.894
    g = _rows(results, GSM, 1).set_index("benchmark")
    assert g.loc["gsm8k", "value"] == pytest.approx(0.887)
    assert g.loc["gsm1k", "value"] == pytest.approx(0.894)
    gpqa = results[results.benchmark == "gpqa-diamond"]
    assert (gpqa.origin == "Epoch AI evaluation").all()


def test_compute_counts_and_values(compute, results):
    assert list(compute.columns) == list(SCHEMAS["compute"])
    assert compute.attrs["attribution"] == [SOURCES[om.SOURCE].attribution]
    assert (compute.training_flop > 0).all()
    by_file = compute.groupby("source_file").size()
    # README: gsm1k table has Training compute in 25 rows and Speculative Compute in 4
    assert by_file[GSM] == 25 + 4
    assert (compute.confidence == "speculative").sum() == 4
    # README: main-table compute is filled in 62 rows with MMLU, 54 with BBH, 5 with GPQA
    rows = set(compute.loc[compute.source_file == MAIN, "source_row"])
    main = results[results.source_file == MAIN]
    for benchmark, n in [("bbh", 54), ("gpqa-diamond", 5)]:
        assert main[main.benchmark == benchmark].source_row.isin(rows).sum() == n
    plain_mmlu = main[(main.benchmark == "mmlu") & (main.setting.fillna("") != "HELM")]
    assert plain_mmlu.source_row.isin(rows).sum() == 62
    # main data row 1: BLOOM-176B, 4.12E+23 FLOP, 176e9 parameters, 390e9 tokens
    b = _rows(compute, MAIN, 1).iloc[0]
    assert b.training_flop == pytest.approx(4.12e23)
    assert b.parameters == pytest.approx(176e9) and b.dataset_size == pytest.approx(390e9)
    assert b.notes == "active_parameters=176000000000"
    # gsm1k data row 17: gpt-3.5-turbo, only Speculative Compute 2.00E+24
    s = _rows(compute, GSM, 17).iloc[0]
    assert s.model == "gpt-3.5-turbo" and s.training_flop == pytest.approx(2e24)
    assert s.confidence == "speculative" and "Speculative Compute" in s.notes
    # models in both files keep one row per file
    both = compute[compute.model_key == "claude2.1"]
    assert set(both.source_file) == {GSM}  # the main table has no compute for Claude 2.1
    assert compute.attrs["repairs"][f"{MAIN}: Active Parameters: thousands separators "
                                    "removed"] > 0


# ----------------------------------------------------------------------------- malformed input

MAIN_COLS = ["System", "Model size (parameters)", "Active Parameters", "Dataset size", "Date",
             "Training compute (FLOP)", "Training compute notes", "BBH", "GPQA", "MMLU",
             "HELM MMLU", "BBH Notes", "GPQA Notes", "MMLU Notes", "HELM MMLU Notes", "LMSys Elo"]


def _main(tmp_path: Path, *rows: dict[str, str], drop: str | None = None,
          truncate: int = 0) -> Path:
    cols = [c for c in MAIN_COLS if c != drop]
    lines = [",".join(cols)]
    for r in rows:
        cells = [r.get(c, "") for c in cols]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    text = "\n".join(lines) + "\n"
    path = tmp_path / MAIN
    path.write_text(text[:len(text) - truncate] if truncate else text, encoding="utf-8")
    return path


def _base(**kw: str) -> dict[str, str]:
    row = {"System": "M", "Date": "2023-01-01", "MMLU": "0.5", "Training compute (FLOP)": "1e22",
           "Active Parameters": "7,000,000,000", "LMSys Elo": "1100"}
    row.update(kw)
    return row


def _results(path: Path, file: str = MAIN) -> pd.DataFrame:
    return om._results_of(om._read(path, file), file)


def _compute(path: Path, file: str = MAIN) -> pd.DataFrame:
    return om._compute_of(om._read(path, file), file)


def _error(fn, *args) -> str:
    with pytest.raises(InputError) as info:
        fn(*args)
    return str(info.value)


def test_score_over_one_is_an_error(tmp_path):
    path = _main(tmp_path, _base(), _base(System="N", BBH="45.0"))
    msg = _error(_results, path)
    assert str(path) in msg and "row 2" in msg and "'BBH'" in msg and "over 1" in msg


def test_percent_over_100_is_an_error(tmp_path):
    path = _main(tmp_path, _base(GPQA="101%"))
    msg = _error(_results, path)
    assert "row 1" in msg and "'GPQA'" in msg and "over 100%" in msg


def test_percent_string_is_a_counted_repair(tmp_path):
    path = _main(tmp_path, _base(MMLU="77.0%"))
    df = om._read(path, MAIN)
    out = om._results_of(df, MAIN)
    assert out["value"].iloc[0] == pytest.approx(0.77)
    assert df.attrs["repairs"]["MMLU: percent strings converted to fractions"] == 1


def test_unparseable_score_is_an_error(tmp_path):
    path = _main(tmp_path, _base(MMLU="n.a. (CoT)"))
    msg = _error(_results, path)
    assert "row 1" in msg and "'MMLU'" in msg and "cannot parse" in msg


def test_missing_column_is_an_error(tmp_path):
    path = _main(tmp_path, _base(), drop="MMLU")
    msg = _error(_results, path)
    assert str(path) in msg and "'MMLU'" in msg and "missing column" in msg


def test_truncated_file_is_an_error(tmp_path):
    path = _main(tmp_path, _base(), _base(System="N"), truncate=25)
    msg = _error(_results, path)
    assert "row 2" in msg and "truncated" in msg


def test_odd_date_is_an_error(tmp_path):
    path = _main(tmp_path, _base(Date="Q3 2023"))
    msg = _error(_results, path)
    assert "row 1" in msg and "'Date'" in msg


@pytest.mark.parametrize("flop", ["0", "-3e22"])
def test_nonpositive_compute_is_an_error(tmp_path, flop):
    path = _main(tmp_path, _base(), _base(System="N", **{"Training compute (FLOP)": flop}))
    msg = _error(_compute, path)
    assert "row 2" in msg and "'Training compute (FLOP)'" in msg and "positive" in msg


def test_bad_active_parameters_is_an_error(tmp_path):
    path = _main(tmp_path, _base(**{"Active Parameters": "7 bn"}))
    msg = _error(_compute, path)
    assert "row 1" in msg and "'Active Parameters'" in msg


def test_duplicates(tmp_path):
    path = _main(tmp_path, _base(), _base(), _base(System="N"))
    df = om._read(path, MAIN)
    out = om._results_of(df, MAIN)
    assert list(out["source_row"]) == [1, 3]
    assert df.attrs["repairs"]["exact duplicate rows dropped"] == 1
    path = _main(tmp_path, _base(), _base(MMLU="0.6"))
    msg = _error(_results, path)
    assert "row 2" in msg and "duplicate of row 1" in msg


def test_blank_cells_give_no_rows_and_notes_become_settings(tmp_path):
    path = _main(tmp_path, _base(MMLU="", BBH="0.4", **{"BBH Notes": "3-shot, CoT"}),
                 _base(System="N", **{"HELM MMLU": "0.7", "Training compute (FLOP)": ""}))
    out = _results(path)
    assert list(zip(out.benchmark, out.source_row, out.setting, strict=True)) == [
        ("mmlu", 2, None), ("bbh", 1, "3-shot, CoT"), ("mmlu", 2, "HELM")]
    comp = _compute(path)
    assert list(comp["source_row"]) == [1]


def test_gsm1k_speculative_compute(tmp_path):
    head = "System,Date,GSM8k,GSM1k,Training compute (FLOP),Speculative Compute,"
    head += "Active Parameters,Open/Closed\n"
    path = tmp_path / GSM
    path.write_text(head + "a,2023-01-01,0.5,0.4,1e22,2e22,,Open\n"
                    "b,2023-01-01,0.5,0.4,,3e22,\"1,500\",Open\n"
                    "c,2023-01-01,0.5,0.4,,,,Open\n", encoding="utf-8")
    comp = _compute(path, GSM)
    assert list(comp["training_flop"]) == [1e22, 3e22]
    assert comp["confidence"].isna().iloc[0] and comp["confidence"].iloc[1] == "speculative"
    assert comp["notes"].iloc[1].endswith("active_parameters=1500")
    path.write_text(head + "a,2023-01-01,0.5,0.4,,0,,Open\n", encoding="utf-8")
    assert "'Speculative Compute'" in _error(_compute, path, GSM)


# ---------------------------------------------------------------------------------- property


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1,
                max_size=10),
       st.lists(st.integers(min_value=1, max_value=10**13), min_size=10, max_size=10))
def test_fractions_and_separated_counts_round_trip(shares, counts):
    """Shares written with repr() read back exactly; "1,234,567" reads back as 1234567."""
    rows = [_base(System=f"M{i}", MMLU=repr(v), **{"Active Parameters": f"{counts[i]:,}"})
            for i, v in enumerate(shares)]
    with tempfile.TemporaryDirectory() as tmp:
        path = _main(Path(tmp), *rows)
        res = _results(path)
        comp = _compute(path)
    assert list(res["value"]) == list(shares)
    assert list(res["model"]) == [f"M{i}" for i in range(len(shares))]
    assert list(comp["notes"]) == [f"active_parameters={counts[i]}"
                                   for i in range(len(shares))]


# ----------------------------------------------------------------- setting kind, publication


def test_results_carry_publication_and_setting_kind(results):
    for col in ("publication", "setting_kind"):
        assert results[col].notna().all(), col
        assert (results[col].str.strip() != "").all(), col
    assert sum(results.attrs["publication_rules"].values()) == len(results)
    # the only per-row setting information: main-table row 8 (Claude 2) MMLU note "Actually CoT"
    cot = results[results.setting_kind == "chain-of-thought"]
    assert list(zip(cot.source_file, cot.source_row, cot.benchmark, strict=True)) == [
        (MAIN, 8, "mmlu")]
    assert set(results["setting_kind"]) == {"chain-of-thought", "unknown"}
    assert not results["publication"].isin(["Stanford HELM", "Epoch AI evaluation"]).any()


def test_publication_of_mirror_rows(results):
    llama = "LLaMA: Open and Efficient Foundation Language Models"
    # main rows 41-44: LLaMa-1 13B, 33B, 65B, 7B — one paper
    for row in (41, 42, 43, 44):
        got = _rows(results, MAIN, row)
        assert not got.empty and (got["publication"] == llama).all(), row
    # GSM1k-table ids that are Epoch model-version ids, and a family fallback
    llama2 = "Llama 2: Open Foundation and Fine-Tuned Chat Models"
    by_model = dict(zip(results.model, results.publication, strict=False))
    assert by_model["Llama-2-7b-hf"] == by_model["LLaMa-2 7B"] == llama2
    assert by_model["ChatGLM2-6B-base"] == by_model["ChatGLM2-12B-base"] == "ChatGLM2"


def test_setting_kind_from_notes(tmp_path):
    path = _main(tmp_path, _base(BBH="0.4", **{"MMLU Notes": "5-shot CoT", "BBH Notes": "0-shot"}),
                 _base(System="N", **{"HELM MMLU": "0.7"}))
    out = _results(path).set_index(["source_row", "benchmark", "setting"])
    kinds = out["setting_kind"].to_dict()
    assert kinds[(1, "mmlu", "5-shot CoT")] == "chain-of-thought"
    assert kinds[(1, "bbh", "0-shot")] == "zero-shot"
    assert kinds[(2, "mmlu", "HELM")] == "unknown"
