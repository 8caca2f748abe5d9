"""Loaders of markdown-table and leaderboard sources: convnet-burden, pwc-imagenet-2019,
nlp-progress, and the shared markdown-table parser.

Checks against the mirror use figures read in the files (rows cited in each test); the
mirror's CSV conversions (convnet-burden/*.csv, nlp-progress/leaderboards_wmt14_conll2003.csv)
serve only as a cross-check of the parsers, read from the mirror.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computelimits.data.loaders import convnet_burden, nlp_progress, pwc_imagenet
from computelimits.data.loaders.markdown import link_text, link_url, table_under, tables
from computelimits.data.registry import SOURCES
from computelimits.data.schema import SCHEMAS
from computelimits.errors import InputError

# ----------------------------------------------------------------------------- markdown

MD = """# Title

Intro text with a | pipe but no table.

## Section A

| model | score | paper |
|-------|:-----:|---|
| [alpha](reports/a.md) | 1.5 | [Paper A](https://arxiv.org/abs/1706.03762) |
| beta (X et al., 2019) | 2 | [Paper (B)](https://example.org/wiki/B_(thing)) |
 | gamma \\| delta | 3 | none

```
| not | a |
|-----|---|
| table | here |
```

### Section B ###

| a | b |
|---|---|
| 1 | 2 |
"""


def test_markdown_tables_headings_rows_lines():
    found = tables(MD, "x.md")
    assert [t.heading for t in found] == ["Section A", "Section B"]
    a = found[0]
    assert a.header == ("model", "score", "paper")
    assert a.lines == (9, 10, 11)
    assert a.header_line == 7
    assert a.rows[2] == ("gamma | delta", "3", "none")  # escaped pipe, no trailing pipe
    assert link_text(a.rows[0][0]) == "alpha"
    assert link_url(a.rows[0][0]) == "reports/a.md"
    assert link_text(a.rows[1][2]) == "Paper (B)"
    assert link_url(a.rows[1][2]) == "https://example.org/wiki/B_(thing)"
    assert link_url("none") is None
    df = a.to_frame()
    assert df.attrs["lines"] == [9, 10, 11] and list(df.columns) == list(a.header)
    assert table_under(found, "Section B", "x.md", ["a"]).rows == (("1", "2"),)


def test_markdown_strict_cell_count():
    bad = MD.replace("| beta (X et al., 2019) | 2 |", "| beta (X et al., 2019) |")
    with pytest.raises(InputError) as exc:
        tables(bad, "x.md")
    msg = str(exc.value)
    assert "x.md" in msg and "row 2" in msg and "line 10" in msg


def test_markdown_delimiter_mismatch_and_lookup_errors():
    with pytest.raises(InputError, match="delimiter line 2"):
        tables("| a | b |\n|---|\n| 1 | 2 |\n", "y.md")
    found = tables(MD, "x.md")
    with pytest.raises(InputError, match="no table under the heading 'Nope'"):
        table_under(found, "Nope", "x.md")
    with pytest.raises(InputError, match="column 'c'"):
        table_under(found, "Section B", "x.md", ["c"])


_cell = st.text(alphabet=st.characters(blacklist_characters="|\\\n\r`#[]()",
                                       blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
                min_size=1, max_size=8)


@given(st.integers(1, 4).flatmap(
    lambda w: st.tuples(st.lists(_cell, min_size=w, max_size=w),
                        st.lists(st.lists(_cell, min_size=w, max_size=w), max_size=5))))
def test_markdown_round_trip(table):
    header, rows = table
    text = "## H\n\n" + "\n".join(
        ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"
    found = tables(text, "p.md")
    assert len(found) == 1
    assert found[0].header == tuple(header)
    assert [list(r) for r in found[0].rows] == rows
    assert found[0].lines == tuple(range(5, 5 + len(rows)))


# ------------------------------------------------------------------------ convnet-burden


def test_convnet_networks(mirror):
    nets = convnet_burden.load_networks()
    cls = nets[nets["task"] == "image classification"]
    assert len(cls) == 35  # README: "35 rows"
    assert len(nets) - len(cls) == 13  # 6 detection + 5 segmentation + 2 keypoint
    assert nets["task"].value_counts().to_dict() == {
        "image classification": 35, "object detection": 6, "semantic segmentation": 5,
        "keypoint detection": 2}
    alex = cls.set_index("model").loc["alexnet"]  # raw/README.md line 13
    assert alex["macs_per_image"] == 727e6
    assert alex["flop_per_image"] == 2 * 727e6
    assert alex["param_mib"] == 233.0
    assert alex["approx_params"] == 233 * 1024**2 / 4  # ≈ 61.1 M
    assert alex["input_size"] == "227 x 227"
    assert alex["source_row"] == 13
    r50 = cls.set_index("model").loc["resnet-50"]  # line 29: 24.60 / 7.70, 4 GFLOPs
    assert r50["top1_error"] == pytest.approx(0.246)
    assert r50["top5_error"] == pytest.approx(0.077)
    assert r50["macs_per_image"] == 4e9
    atrous = cls.set_index("model").loc["vgg-vd-16-atrous"]  # "- / -", src N/A
    assert np.isnan(atrous["top1_error"]) and pd.isna(atrous["score_source"])
    mob = cls.set_index("model").loc["mcn-mobilenet"]  # "29.40 / -"
    assert mob["top1_error"] == pytest.approx(0.294) and np.isnan(mob["top5_error"])
    deeplab = nets.set_index("model").loc["deeplab-res101-v2"]  # "4 GB" feature memory
    assert deeplab["feat_mib"] == 4096.0 and deeplab["macs_per_image"] == 346e9
    assert nets["source"].eq("convnet-burden").all()
    assert nets.attrs["attribution"] == [SOURCES["convnet-burden"].attribution]


def test_convnet_cross_check_with_mirror_csv(mirror):
    nets = convnet_burden.load_networks().set_index("model")
    for name in ("imagenet_classification.csv", "other_tasks.csv"):
        with open(mirror / "convnet-burden" / name, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                mine = nets.loc[row["model"]]
                assert mine["macs_per_image"] == float(row["flops_per_image"])
                assert mine["param_mib"] == float(row["param_mem_mib"])
                assert mine["feat_mib"] == float(row["feat_mem_mib"])
                assert mine["approx_params"] == float(row["approx_params"])
                assert mine["report_path"] == row["report_path"]
                for metric in ("top1", "top5"):
                    pct = row.get(f"{metric}_error_pct")
                    if pct is None:
                        continue
                    if pct == "":
                        assert np.isnan(mine[f"{metric}_error"])
                    else:
                        assert mine[f"{metric}_error"] == pytest.approx(float(pct) / 100)


def test_convnet_results(mirror):
    res = convnet_burden.load_results()
    assert list(res.columns) == list(SCHEMAS["results"])
    assert res["metric"].value_counts().to_dict() == {"top1_error": 34, "top5_error": 33}
    assert (res["benchmark"] == "imagenet").all()
    assert res["date"].isna().all()  # the tables have no dates
    top1 = res[res["metric"] == "top1_error"]["value"]
    top5 = res[res["metric"] == "top5_error"]["value"]
    assert top1.min() == pytest.approx(0.1868) and top1.max() == pytest.approx(0.426)  # SENet,
    assert top5.min() == pytest.approx(0.0447) and top5.max() == pytest.approx(0.197)  # caffenet
    assert (res["error"] == res["value"]).all() and not res["higher_is_better"].any()
    row = res[(res["model"] == "resnet-50") & (res["metric"] == "top1_error")].iloc[0]
    assert row["setting"] == "single crop, source MCN"
    assert row["origin"] == "convnet-burden (MCN)"
    assert row["source_file"] == "raw/README.md" and row["source_row"] == 29
    assert res.attrs["attribution"] == [SOURCES["convnet-burden"].attribution]


CONVNET_MD = """### Image Classification Architectures

| model | input size | param mem | feat. mem | flops | src | performance |
|-------|------------|--------------|----------------|-------|-----|-------------|
| [a](reports/a.md) | 224 x 224 | 10 MB | 3 MB | 700 MFLOPs | MCN | 40.00 / 18.00 |
| [b](reports/b.md) | 224 x 224 | 20 MB | 4 MB | 2 GFLOPs | PT | 30.00 / - |

### Object Detection Architectures

| model | input size | param memory | feature memory | flops |
|-------|------------|--------------|----------------|-------|
| [d](reports/d.md) | 600 x 850 | 122 MB | 1 GB | 79 GFLOPS|

### Semantic Segmentation Architectures

| model | input size | param memory | feature memory | flops |
|-------|------------|--------------|----------------|-------|
| [s](reports/s.md) | 384 x 384 | 519 MB | 423 MB | 125 GFLOPS|

### Keypoint Detection Architectures

| model | input size | param memory | feature memory | flops |
|-------|------------|--------------|----------------|-------|
| [k](reports/k.md) | 368 x 368 | 196 MB | 245 MB | 134 GFLOPS|
"""


def _convnet(tmp_path, text):
    p = tmp_path / "README.md"
    p.write_text(text, encoding="utf-8")
    return convnet_burden.parse_readme(str(p))


def test_convnet_synthetic_ok(tmp_path):
    nets = _convnet(tmp_path, CONVNET_MD)
    assert len(nets) == 5
    b = nets.set_index("model").loc["b"]
    assert b["macs_per_image"] == 2e9 and np.isnan(b["top5_error"])
    assert nets.set_index("model").loc["d", "feat_mib"] == 1024.0


@pytest.mark.parametrize(("old", "new", "column", "row"), [
    ("700 MFLOPs", "7x0 MFLOPs", "flops", 1),              # unparseable number
    ("2 GFLOPs", "2 KFLOPs", "flops", 2),                  # unknown unit
    ("10 MB", "10", "param mem", 1),                       # missing unit
    ("20 MB", "-20 MB", "param mem", 2),                   # negative
    ("40.00 / 18.00", "140.00 / 18.00", "performance", 1),  # error over 100 %
    ("40.00 / 18.00", "40.00", "performance", 1),          # no top-5 part
    ("30.00 / -", "30,0 / -", "performance", 2),           # decimal comma
    ("| MCN |", "| XYZ |", "src", 1),                      # unknown source code
])
def test_convnet_malformed_cells(tmp_path, old, new, column, row):
    with pytest.raises(InputError) as exc:
        _convnet(tmp_path, CONVNET_MD.replace(old, new, 1))
    msg = str(exc.value)
    assert "README.md" in msg and f"row {row}" in msg and f"column {column!r}" in msg
    assert "line " in msg


def test_convnet_malformed_structure(tmp_path):
    with pytest.raises(InputError, match="row 2"):  # truncated row
        _convnet(tmp_path, CONVNET_MD.replace("| PT | 30.00 / - |", "| PT |"))
    with pytest.raises(InputError, match="column 'performance'"):  # renamed column
        _convnet(tmp_path, CONVNET_MD.replace("| performance |", "| perf |"))
    with pytest.raises(InputError, match="no table under the heading"):  # missing section
        _convnet(tmp_path, CONVNET_MD.replace("### Keypoint Detection", "### Keypoints"))
    with pytest.raises(InputError, match="file not found"):
        convnet_burden.parse_readme(str(tmp_path / "absent.md"))


# ------------------------------------------------------------------------------ pwc


def test_pwc_leaderboard(mirror):
    board = pwc_imagenet.load_leaderboard()
    assert len(board) == 115  # README: 115 rows
    assert board["top5_accuracy"].notna().sum() == 98
    assert board["parameters"].notna().sum() == 61
    assert board["extra_data"].sum() == 11
    assert board["date"].min() == pd.Timestamp("2012-12-01")
    assert board["date"].max() == pd.Timestamp("2019-11-11")
    assert board["top1_accuracy"].min() == pytest.approx(0.633)  # README: 63.3 % … 87.4 %
    assert board["top1_accuracy"].max() == pytest.approx(0.874)
    first = board.iloc[0]  # row 1: Noisy Student (EfficientNet-L2),87.4%,98.2%,480M,X
    assert first["model"] == "Noisy Student (EfficientNet-L2)"
    assert first["top1_accuracy"] == pytest.approx(0.874)
    assert first["parameters"] == 480e6 and first["extra_data"]
    eca = board[board["source_row"] == 56].iloc[0]  # row 56: ECA-Net (ResNet-152), 57.40M
    assert eca["parameters"] == 57_400_000
    assert (board["model"] == "ResNet-50").sum() == 2  # the README's duplicated name
    assert board.attrs["share_alike"] == ["pwc-imagenet-2019"]
    assert board.attrs["repairs"]["top1_accuracy: percent strings converted to fractions"] \
        == 115


def test_pwc_results(mirror):
    res = pwc_imagenet.load_results()
    assert list(res.columns) == list(SCHEMAS["results"])
    assert res["metric"].value_counts().to_dict() == {"top1_accuracy": 115,
                                                      "top5_accuracy": 98}
    assert np.allclose(res["error"], 1 - res["value"])
    assert res["extra_data"].sum() == 11 + 7  # 7 of the 11 "X" rows have a top-5 score
    assert res.attrs["attribution"] == [SOURCES["pwc-imagenet-2019"].attribution]
    assert res["source_row"].min() == 1 and res["source_row"].max() == 115


@pytest.mark.parametrize(("text", "value"), [
    ("480M", 480e6), ("25.6M", 25_600_000), ("57.40M", 57_400_000), ("9.2M", 9_200_000),
    ("500", 500.0), ("1.5K", 1500.0), ("1.2B", 1.2e9), (" 3.34M ", 3_340_000),
])
def test_parse_count(text, value):
    assert pwc_imagenet.parse_count(text) == value


@pytest.mark.parametrize("text", ["", "M", "480m", "480 MB", "-5M", "1e6", "4,800", "48OM"])
def test_parse_count_rejects(text):
    with pytest.raises(ValueError):
        pwc_imagenet.parse_count(text)


@given(st.integers(0, 10**6), st.integers(0, 2), st.sampled_from(["", "K", "M", "B"]))
def test_parse_count_round_trip(mantissa, decimals, suffix):
    text = f"{mantissa / 10**decimals:.{decimals}f}{suffix}"
    scale = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9}[suffix]
    assert pwc_imagenet.parse_count(text) == pytest.approx(mantissa * scale / 10**decimals,
                                                          rel=1e-15)


PWC_HEAD = ("pwc_rank,method,top1_accuracy,top5_accuracy,number_of_params,"
            "extra_training_data,year,date\n")
PWC_ROWS = ["1,Model A,87.4%,98.2%,480M,X,2019,2019-11-11",
            "2,Model B,80.1%,,25.6M,,2016,2016-02-23",
            "3,Model C,70.0%,89.5%,,,,2017-04-17"]


def _pwc(tmp_path, rows=PWC_ROWS, head=PWC_HEAD):
    p = tmp_path / "board.csv"
    p.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    return pwc_imagenet.parse_file(str(p))


def test_pwc_synthetic_ok_and_duplicates(tmp_path):
    out = _pwc(tmp_path)
    assert out["parameters"].tolist()[:2] == [480e6, 25.6e6] and np.isnan(out["parameters"][2])
    assert out["extra_data"].tolist() == [True, False, False]
    out = _pwc(tmp_path, [*PWC_ROWS, PWC_ROWS[1]])  # exact duplicate: dropped, counted
    assert len(out) == 3 and out.attrs["repairs"]["exact duplicate leaderboard rows dropped"] == 1
    with pytest.raises(InputError, match=r"row 4.*duplicate of row 2"):
        _pwc(tmp_path, [*PWC_ROWS, "4,Model B,80.5%,,25.6M,,2016,2016-02-23"])


@pytest.mark.parametrize(("index", "cell_old", "cell_new", "column"), [
    (0, "87.4%", "101%", "top1_accuracy"),       # accuracy over 100 %
    (0, "87.4%", "87.4", "top1_accuracy"),       # percent without % sign (over 1)
    (0, "87.4%", "high", "top1_accuracy"),       # unparseable
    (1, "25.6M", "25.6Q", "number_of_params"),   # unknown suffix
    (1, "25.6M", "0M", "number_of_params"),      # zero parameters
    (0, ",X,", ",Y,", "extra_training_data"),    # unknown flag
    (0, "2019-11-11", "2019-13-11", "date"),     # odd date
    (1, ",2016,", ",2015,", "year"),             # year does not match date
    (0, "1,Model A", ",Model A", "pwc_rank"),    # blank rank
])
def test_pwc_malformed(tmp_path, index, cell_old, cell_new, column):
    rows = list(PWC_ROWS)
    rows[index] = rows[index].replace(cell_old, cell_new, 1)
    with pytest.raises(InputError) as exc:
        _pwc(tmp_path, rows)
    msg = str(exc.value)
    assert "board.csv" in msg and f"row {index + 1}" in msg and f"column {column!r}" in msg


def test_pwc_malformed_structure(tmp_path):
    with pytest.raises(InputError, match=r"column 'top1_accuracy'.*closest found"):
        _pwc(tmp_path, head=PWC_HEAD.replace("top1_accuracy", "top_1_accuracy"))
    with pytest.raises(InputError, match=r"row 3.*truncated"):
        _pwc(tmp_path, [*PWC_ROWS[:2], "3,Model C,70.0%"])
    with pytest.raises(InputError, match="no data rows"):
        _pwc(tmp_path, [])


# ------------------------------------------------------------------------ nlp-progress


def test_nlp_counts_and_values(mirror):
    res = nlp_progress.load_results()
    assert list(res.columns) == list(SCHEMAS["results"])
    assert res.groupby("benchmark").size().to_dict() == {
        "wmt2014-en-de": 13, "wmt2014-en-fr": 12, "conll2003": 27}
    de = res[res["benchmark"] == "wmt2014-en-de"]["value"]
    fr = res[res["benchmark"] == "wmt2014-en-fr"]["value"]
    ner = res[res["benchmark"] == "conll2003"]["value"]
    assert (de.min(), de.max()) == (25.16, 35.0)  # README: BLEU 25.16 – 35.0
    assert (fr.min(), fr.max()) == (38.1, 45.9)
    assert ner.min() == pytest.approx(0.9094) and ner.max() == pytest.approx(0.946)
    bleu = res["metric"] == "bleu"
    assert np.allclose(res.loc[bleu, "error"], 1 - res.loc[bleu, "value"] / 100)
    assert np.allclose(res.loc[~bleu, "error"], 1 - res.loc[~bleu, "value"])
    # machine_translation.md line 23: RNMT+ (Chen et al., 2018) | 28.5*
    rnmt = res[(res["source_row"] == 23) & (res["benchmark"] == "wmt2014-en-de")].iloc[0]
    assert rnmt["model"] == "RNMT+ (Chen et al., 2018)" and rnmt["model_key"] == "rnmt+"
    assert rnmt["value"] == 28.5 and "asterisk:" in rnmt["setting"]
    assert rnmt["date"] == pd.Timestamp("2018-04-01")  # arXiv 1804.09849
    deepl = res[res["model"] == "DeepL"]
    assert len(deepl) == 2 and deepl["date"].isna().all()
    assert res.attrs["repairs"][nlp_progress.REPAIR_ARXIV] == 37
    assert res.attrs["repairs"][nlp_progress.REPAIR_YEAR] == 11
    assert res["date"].isna().sum() == 4
    assert res.attrs["attribution"] == [SOURCES["nlp-progress"].attribution]


def test_nlp_cross_check_with_mirror_csv(mirror):
    board = nlp_progress.load_leaderboards()
    names = {"WMT2014 EN-DE": "wmt2014-en-de", "WMT2014 EN-FR": "wmt2014-en-fr",
             "CoNLL-2003 English NER": "conll2003"}
    with open(mirror / "nlp-progress" / "leaderboards_wmt14_conll2003.csv", newline="",
              encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(board) == 52
    for ref, (_, mine) in zip(rows, board.iterrows(), strict=True):
        assert names[ref["benchmark"]] == mine["benchmark"]
        assert ref["model"] == mine["model"]
        score = float(ref["score"])
        assert mine["value"] == pytest.approx(score if ref["metric"] == "BLEU" else score / 100)
        assert ref["paper_title"] == mine["paper_title"]
        assert ref["paper_url"] == mine["paper_url"]
        year = int(ref["year_in_citation"]) if ref["year_in_citation"] else None
        assert year == (None if pd.isna(mine["year_in_citation"]) else mine["year_in_citation"])
        assert (ref["arxiv_id"] or None) == (mine["arxiv_id"] if isinstance(mine["arxiv_id"], str)
                                             else None)
        if ref["arxiv_year_month"]:
            assert mine["date"].strftime("%Y-%m") == ref["arxiv_year_month"]
        flag = ref["flags"].split(":")[0] if ref["flags"] else None
        assert flag == (mine["flags"] if isinstance(mine["flags"], str) else None)


def test_split_citation():
    assert nlp_progress.split_citation("Bi-LSTM-CRF + Lexical Features (Ghaddar and Langlais "
                                       "2018)") == ("Bi-LSTM-CRF + Lexical Features",
                                                    "Ghaddar and Langlais 2018", 2018)
    assert nlp_progress.split_citation("RNN-CRF+Flair") == ("RNN-CRF+Flair", None, None)
    assert nlp_progress.split_citation("DPN (320x320)") == ("DPN (320x320)", None, None)


NER_MD = """# NER

### CoNLL 2003 (English)

| Model           | F1  |  Paper / Source | Code |
| ------------- | :-----:| --- | --- |
| A (X et al., 2021) | 94.6 | [A](https://arxiv.org/pdf/2010.05006.pdf) | [Code](https://x) |
| B (Y et al., 2019)♦ | 93.43 | [Paper B](https://www.aclweb.org/anthology/D19-1519/) | |
| C | 90.0 | [Paper C](https://example.org/c) | |
"""


def _ner(tmp_path, text):
    p = tmp_path / "ner.md"
    p.write_text(text, encoding="utf-8")
    section = nlp_progress.SECTIONS[2]
    return nlp_progress.parse_section(
        table_under(tables(p.read_text(encoding="utf-8"), str(p)), section.heading, str(p)),
        section)


def test_nlp_synthetic_ok(tmp_path):
    out = _ner(tmp_path, NER_MD)
    assert out["date"].tolist()[:2] == [pd.Timestamp("2020-10-01"), pd.Timestamp("2019-07-01")]
    assert pd.isna(out["date"].iloc[2])
    assert out["flags"].tolist()[1] == "diamond"
    assert out["model"].tolist()[1] == "B (Y et al., 2019)"
    assert out["value"].tolist() == pytest.approx([0.946, 0.9343, 0.9])
    assert out.attrs["repairs"][nlp_progress.REPAIR_ARXIV] == 1


@pytest.mark.parametrize(("old", "new", "column", "row"), [
    ("| 94.6 |", "| 94,6 |", "F1", 1),                   # unparseable
    ("| 93.43 |", "| 193.43 |", "F1", 2),                # F1 over 100 %
    ("| 90.0 |", "| |", "F1", 3),                        # blank score
    ("arxiv.org/pdf/2010.05006", "arxiv.org/pdf/2013.05006", "Paper / Source", 1),  # month 13
    ("arxiv.org/pdf/2010.05006", "arxiv.org/abs/cs.CL", "Paper / Source", 1),
])
def test_nlp_malformed_cells(tmp_path, old, new, column, row):
    with pytest.raises(InputError) as exc:
        _ner(tmp_path, NER_MD.replace(old, new, 1))
    msg = str(exc.value)
    assert "ner.md" in msg and f"row {row}" in msg and f"column {column!r}" in msg


def test_nlp_malformed_structure(tmp_path):
    with pytest.raises(InputError, match="row 3"):  # a cell missing
        _ner(tmp_path, NER_MD.replace("| C | 90.0 |", "| C |"))
    with pytest.raises(InputError, match="column 'F1'"):  # renamed column
        _ner(tmp_path, NER_MD.replace("| F1  |", "| F-1 |"))
    with pytest.raises(InputError, match="no table under the heading"):
        _ner(tmp_path, NER_MD.replace("CoNLL 2003 (English)", "CoNLL 2003"))
    with pytest.raises(InputError, match="same model and paper"):
        _ner(tmp_path, NER_MD + "| C | 91.0 | [Paper C](https://example.org/c) | |\n")


def test_nlp_bleu_over_100(tmp_path):
    md = ("### WMT 2014 EN-DE\n\n| Model | BLEU | Paper / Source |\n|---|---|---|\n"
          "| A (X et al., 2017) | 128.4 | [P](https://arxiv.org/abs/1706.03762) |\n")
    found = tables(md, "mt.md")
    with pytest.raises(InputError, match=r"row 1.*column 'BLEU'"):
        nlp_progress.parse_section(table_under(found, "WMT 2014 EN-DE", "mt.md"),
                                   nlp_progress.SECTIONS[0])


# ----------------------------------------------------------------- setting kind, publication


def _filled(res):
    for col in ("publication", "setting_kind"):
        assert res[col].notna().all(), col
        assert (res[col].str.strip() != "").all(), col
    assert (res["setting_kind"] == "supervised").all()


def test_convnet_publication(mirror):
    res = convnet_burden.load_results()
    _filled(res)
    pub = dict(zip(res.model, res.publication, strict=False))
    # two ResNet depths (and both spellings, resnet18 / resnet-50): one paper
    assert pub["resnet18"] == pub["resnet-50"] == pub["resnet-152"] == convnet_burden.RESNET
    assert pub["SE-ResNet-50"] == pub["SENet"] == pub["SE-BN-Inception"] == convnet_burden.SENET
    assert pub["vgg-f"] == pub["vgg-m-128"] != pub["vgg-vd-16"]
    assert pub["alexnet"] == pub["caffenet"]
    assert res["publication"].nunique() == 11
    assert not res["publication"].str.contains("convnet-burden").any()
    # every classification network has an entry of the table (none falls back)
    titles = {t for _, t in convnet_burden.FAMILY_PAPERS}
    nets = convnet_burden.load_networks()
    cls = nets[nets.task == "image classification"]
    assert {convnet_burden.publication_of(m) for m in cls.model} <= titles


def test_convnet_publication_fallback():
    assert convnet_burden.publication_of("ResNet-200") == convnet_burden.RESNET
    assert convnet_burden.publication_of("xception-71") == "xception"
    assert convnet_burden.publication_of("nasnet") == "nasnet"


def test_pwc_publication(mirror):
    res = pwc_imagenet.load_results()
    _filled(res)
    board = pwc_imagenet.load_leaderboard()
    assert res["publication"].nunique() >= 60  # 65 papers (64 dates, one date split)
    assert not res["publication"].str.contains("Papers with Code").any()
    pub = dict(zip(res.model, res.publication, strict=False))
    effnet = "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks"
    assert {pub[f"EfficientNet-B{i}"] for i in range(8)} == {effnet}
    assert pub["EfficientNet-B7 (RandAugment)"] != effnet  # another paper, 2019-09-30
    assert pub["RandWire-WS"] != pub["Res2Net-DLA-60"]  # OWN_PAPER: same date, two papers
    assert pub["MobileNet-224"] != pub["MobileNet-224 (CGD)"]
    assert pub["ResNet-50"] != pub["ResNet-50 (CutMix)"]
    assert pub["ResNet-101"] == pub["ResNet-152"] == convnet_burden.RESNET
    assert pub["DenseNet-121"] == convnet_burden.DENSENET
    assert pub["DPN-92 (224x224)"] == pub["DPN-131 (320x320, Mean-Max Pooling)"] == (
        "DPN (2017-07-06)")
    # one publication per paper date (except the split date)
    per_date = res.groupby(res["date"].dt.strftime("%Y-%m-%d"))["publication"].nunique()
    assert per_date.drop("2019-04-02").eq(1).all() and per_date["2019-04-02"] == 2
    # the second ResNet-50 row (2019-10-09) is not the 2015 paper
    late = board[(board.model == "ResNet-50") & (board.date == "2019-10-09")]
    assert len(late) == 1
    got = res[(res.model == "ResNet-50") & (res.date == "2019-10-09")]["publication"]
    assert set(got) == {"ResNet (2019-10-09)"}


def test_pwc_publication_synthetic(tmp_path):
    import computelimits.data.loaders.epoch_benchmarks as eb

    rows = ["1,Net-B2,80.0%,,,,2019,2019-05-28", "2,Net-B1,79.0%,,,,2019,2019-05-28",
            "3,ResNet-50,76.0%,,,,2015,2015-12-10", "4,Other (X),70.0%,,,,2019,2019-01-01"]
    board = _pwc(tmp_path, rows)
    idx = eb.PublicationIndex.build(pd.DataFrame({"model": ["Net-B1"],
                                                  "reference": ["Net Paper."]}))
    assert pwc_imagenet.publications(board, idx) == [
        "Net Paper", "Net Paper", convnet_burden.RESNET, "Other (2019-01-01)"]


def test_nlp_publication(mirror):
    res = nlp_progress.load_results()
    _filled(res)
    pub = dict(zip(zip(res.benchmark, res.model, strict=True), res.publication, strict=True))
    vaswani = "Attention Is All You Need"
    assert pub[("wmt2014-en-de", "Transformer Big (Vaswani et al., 2017)")] == vaswani
    assert pub[("wmt2014-en-fr", "Transformer Base (Vaswani et al., 2017)")] == vaswani
    assert pub[("wmt2014-en-de", "DeepL")] == pub[("wmt2014-en-fr", "DeepL")] == "DeepL"
    assert (pub[("conll2003", "BERT Large (Devlin et al., 2018)")]
            == pub[("conll2003", "BERT Base (Devlin et al., 2018)")])
    # the XLNet-GCN / CL-KL slip: one linked title, two papers
    xlnet = pub[("conll2003", "XLNet-GCN (Tran et al., 2021)")]
    clkl = pub[("conll2003", "CL-KL (Wang et al., 2021)")]
    assert xlnet != clkl and xlnet.endswith("(Tran et al., 2021)")
    # one per linked title, plus the second paper behind the slipped title
    assert res["publication"].nunique() == res["origin"].nunique() + 1 == 38
