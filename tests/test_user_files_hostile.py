"""Users' files that are broken or hostile: each gives one InputError naming the file (and
the row and column where one applies), never a traceback; names are kept as data; a CSV
written for spreadsheets quotes formula-like text; many bad cells are listed up to a cap.

All inputs are synthetic files in tmp_path.
"""

from __future__ import annotations

import errno
import re
import time

import numpy as np
import pandas as pd
import pytest

from _helpers import assert_one_line_error, write_file, write_rows
from computelimits._io import FORMULA_TRIGGERS, spreadsheet_safe, write_csv
from computelimits.data import csvfile
from computelimits.data.check import check_file
from computelimits.data.loaders.user_formats import (
    MAX_ERRORS,
    load_computer_progress,
    load_generic,
)
from computelimits.errors import InputError

HEAD = "model,benchmark,metric,value"
CP_HEAD = "year,title,method,hw_gflops,time_sec,top1_error"
CP_ROW = "2016,Paper A,Net A,80000,3600,24.7"


def _error(path, **kw) -> str:
    """The one InputError of both layouts on ``path`` (generic unless ``benchmark``)."""
    with pytest.raises(InputError) as exc:
        if "benchmark" in kw:
            load_computer_progress(path, **kw)
        else:
            load_generic(path, **kw)
    msg = str(exc.value)
    assert "\n" not in msg and str(path) in msg
    return msg


# ----------------------------------------------------------------- files that cannot be read


def test_a_folder_given_as_the_file(tmp_path):
    folder = tmp_path / "results.csv"
    folder.mkdir()
    assert _error(folder) == f"{folder}: cannot be read: is a folder, not a file"
    assert "is a folder" in _error(folder, benchmark="imagenet")


def test_a_file_without_permission(tmp_path, monkeypatch):
    path = write_file(tmp_path / "file.csv", f"{HEAD}\nA,mmlu,accuracy,0.5\n")

    def refuse(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    # as root the file's mode would not stop the read; refuse at the open itself (issue 20:
    # files are opened by computelimits._io.open_regular, which refuses FIFOs and devices)
    from computelimits import _io

    monkeypatch.setattr(_io, "open_regular", refuse)
    assert _error(path) == f"{path}: cannot be read: permission denied"


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "file is empty"),
    (HEAD.encode() + b"\n", "no data rows"),
    (HEAD.encode() + b"\n\n  \n,,,\n", "no data rows"),  # blank lines only
    (HEAD.encode() + b"\nA\xff,mmlu,accuracy,0.5\n", "not utf-8-sig text (invalid start byte "
                                                      "at byte 30)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
     "not utf-8-sig text (invalid start byte at byte 0)"),
    (HEAD.encode() + b'\nA,"mmlu,accuracy,0.5\n', "malformed CSV"),
    (HEAD.encode() + b"\nA,mmlu\n", "row 1: has 2 fields but the header has 4 (line 2)"),
    (HEAD.encode() + b"\n" + b"x," * 50_000 + b"\n", "has 50001 fields"),
])
def test_unusable_files_name_the_file(tmp_path, content, expected):
    path = write_file(tmp_path / "file.csv", content)
    assert expected in _error(path)


def test_non_utf8_offset_counts_from_the_start_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "_CHUNK_BYTES", 16)
    body = "é,mmlu,accuracy,0.5\n" * 5
    raw = (HEAD + "\n" + body).encode() + b"\xe9x\n"
    path = write_file(tmp_path / "file.csv", b"\xef\xbb\xbf" + raw)  # with a byte-order mark
    assert f"at byte {len(raw) - 3})" in _error(path)


def test_a_very_long_field_is_an_input_error(tmp_path):
    path = write_file(tmp_path / "file.csv", f"{HEAD}\n{'A' * 200_000},mmlu,accuracy,0.5\n")
    msg = _error(path)
    assert "row 1" in msg and "field larger than field limit" in msg


def test_a_very_long_name_loads_and_is_shortened_in_messages(tmp_path):
    name = "N" * 50_000
    results, _ = load_generic(write_file(tmp_path / "file.csv",
                                         f"{HEAD}\n{name},mmlu,accuracy,0.5\n"))
    assert results["model"].iloc[0] == name
    msg = _error(write_file(tmp_path / "file.csv", f"{HEAD}\nA,mmlu,{name},0.5\n"))
    assert "(50,000 characters)" in msg and len(msg) < 2_000


# ------------------------------------------------------------- duplicated headers and rows


def test_duplicated_header_names(tmp_path):
    path = write_file(tmp_path / "file.csv", f"{HEAD},model\nA,mmlu,accuracy,0.5,B\n")
    assert _error(path) == f"{path}, column 'model': two columns are named 'model'"
    path = write_file(tmp_path / "file.csv", f"{CP_HEAD},Year\n{CP_ROW},2017\n")
    assert "two columns are named 'year' (ignoring case)" in _error(path, benchmark="imagenet")


def test_conflicting_rows_with_a_blank_setting(tmp_path):
    # one key (model, benchmark, metric, blank setting, blank origin), two scores
    path = write_file(tmp_path / "file.csv",
                      f"{HEAD},setting\nA,mmlu,accuracy,0.5,\nA,mmlu,accuracy,0.6,\n")
    assert _error(path, duplicates="error") == (
        f"{path}, row 2, column 'model': duplicate of row 1 on ['model', 'benchmark', "
        "'metric', 'setting', 'origin'] with different values (line 3)")


def test_several_conflicts_are_all_named(tmp_path):
    rows = ["A,mmlu,accuracy,0.5", "B,mmlu,accuracy,0.5", "A,mmlu,accuracy,0.6",
            "B,mmlu,accuracy,0.7", "A,mmlu,accuracy,0.8"]
    msg = _error(write_rows(tmp_path / "file.csv", HEAD, rows), duplicates="error")
    assert msg.split(": ", 1)[1].startswith("2 errors: ")
    assert "row 4, column 'model': duplicate of row 2" in msg
    assert "row 5, column 'model': duplicate of row 1" in msg


def test_computer_progress_conflicting_scores(tmp_path):
    rows = [CP_ROW, CP_ROW.replace("24.7", "25.0"), CP_ROW.replace("24.7", "26.0")]
    msg = _error(write_rows(tmp_path / "file.csv", CP_HEAD, rows),
                 benchmark="imagenet", duplicates="error")
    # rows with one message are one group
    assert "rows 2, 3, column 'top1_error': same model and paper as row 1" in msg


# ------------------------------------------------------------------------- capped errors


def test_many_bad_cells_are_capped_and_counted(tmp_path):
    n = MAX_ERRORS + 7
    rows = [f"M{i},mmlu,accuracy,{i + 2}" for i in range(n)]  # every value over 1
    msg = _error(write_rows(tmp_path / "file.csv", HEAD, rows))
    assert msg.startswith(f"{tmp_path / 'file.csv'}: {n} errors: row 1, column 'value': "
                          "'2' is over 1 (percent without a % sign?) (line 2); row 2, ")
    assert msg.endswith("; … and 7 more")
    assert len(re.findall(r"row \d+, column", msg)) == MAX_ERRORS
    assert f"row {MAX_ERRORS}, column" in msg and f"row {MAX_ERRORS + 1}," not in msg


def test_errors_are_listed_by_row_across_columns(tmp_path):
    rows = ["A,mmlu,acc,0.5",          # row 1: metric
            "B,mmul,accuracy,0.5",     # row 2: benchmark (a typo of mmlu)
            "C,mmlu,accuracy,abc"]     # row 3: value
    msg = _error(write_rows(tmp_path / "file.csv", HEAD, rows))
    assert msg.index("row 1, column 'metric'") < msg.index("row 2, column 'benchmark'") \
        < msg.index("row 3, column 'value'")
    assert "3 errors" in msg


def test_a_row_with_an_unknown_metric_is_not_also_a_value_error(tmp_path):
    # the value cannot be judged without its metric: one problem, the old single message
    path = write_file(tmp_path / "file.csv", f"{HEAD}\nA,mmlu,acc,abc\n")
    assert _error(path).startswith(f"{path}, row 1, column 'metric': unknown metric 'acc'")


def test_data_check_prints_one_line(invoke, tmp_path):
    rows = [f"M{i},mmlu,accuracy,{i + 2}" for i in range(40)]
    bad = write_rows(tmp_path / "file.csv", HEAD, rows)
    line = assert_one_line_error(invoke("data", "check", str(bad)), "40 errors")
    assert line.endswith(f"… and {40 - MAX_ERRORS} more")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert_one_line_error(invoke("data", "check", str(folder)), "cannot be read")
    newline = write_file(tmp_path / "nl.csv", f'{HEAD}\n"A\nB",mmlu,"acc\nuracy",0.5\n')
    assert_one_line_error(invoke("data", "check", str(newline)), r"'acc\nuracy'")


# ------------------------------------------------------------------------- hostile names

HOSTILE = ["<script>alert(1)</script>", 'a "quoted" name', "it's", "tab\there",
           "bell\x07 and esc\x1b[31m", "\u202eright-to-left\u202c", "line\nbreak", "=1+2",
           "-x", "@SUM(A1)", "+cmd", " spaced "]


def test_hostile_names_are_kept_as_data(tmp_path):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["model", "benchmark", "metric", "value", "origin"])
    for i, name in enumerate(HOSTILE):
        w.writerow([name, "mmlu", "accuracy", f"0.{i + 10}", name])
    results, _ = load_generic(write_file(tmp_path / "file.csv", buf.getvalue()))
    assert results["model"].tolist() == [h.strip() for h in HOSTILE]
    assert results["origin"].tolist() == [h.strip() for h in HOSTILE]


def test_messages_escape_control_characters(tmp_path):
    path = write_file(tmp_path / "file.csv", f'{HEAD}\nA,mmlu,"x\u202e\x1b\tz",0.5\n')
    msg = _error(path)
    assert r"'x\u202e\x1b\tz'" in msg and "\x1b" not in msg and "\u202e" not in msg


def test_checked_csv_is_safe_for_spreadsheets(tmp_path):
    rows = ["=HYPERLINK(x),mmlu,accuracy,0.5,@SUM(A1),1e20",
            "-2+3,mmlu,accuracy,0.6,+cmd,2e20",
            "-5,mmlu,accuracy,0.7,plain,3e20"]
    src = write_rows(tmp_path / "file.csv", "model,benchmark,metric,value,origin,training_flop",
                     rows)
    out = tmp_path / "checked.csv"
    check_file(src, out=out)
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back["model"].tolist() == ["'=HYPERLINK(x)", "'-2+3", "-5"]  # "-5" is a number
    assert back["origin"].tolist() == ["'@SUM(A1)", "'+cmd", "plain"]
    assert back["value"].tolist() == ["0.5", "0.6", "0.7"]
    assert pd.read_csv(out)["training_flop"].tolist() == [1e20, 2e20, 3e20]
    for col in back.columns:  # only the plain number "-5" may start with a trigger
        risky = back[col].str.startswith(FORMULA_TRIGGERS) & (back[col] != "-5")
        assert not risky.any(), col


def test_spreadsheet_safe_touches_text_only():
    df = pd.DataFrame({"n": [-1.5, 2.0, np.nan], "t": ["=1", "-2", None],
                       "s": pd.array(["@a", "\tb", pd.NA], dtype="string"),
                       "o": ["\0x", "", -4], "ok": ["a", "b", "c"]})
    out = spreadsheet_safe(df)
    assert out["n"].tolist()[:2] == [-1.5, 2.0] and out["n"].dtype == float
    assert out["t"].tolist()[:2] == ["'=1", "-2"] and out["t"].isna().iloc[2]
    assert out["s"].tolist()[:2] == ["'@a", "'\tb"]
    assert out["o"].tolist() == ["'\0x", "", -4]  # a number in a text column stays one
    clean = df[["n", "ok"]]
    assert spreadsheet_safe(clean) is clean  # nothing to quote: no copy
    assert df["t"].tolist()[0] == "=1"  # the input is not changed


def test_write_csv_for_spreadsheets(tmp_path):
    df = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "ok"], "x": [-3, 4]})
    write_csv(df, tmp_path / "a.csv", for_spreadsheets=True)
    write_csv(df, tmp_path / "b.csv")
    a = (tmp_path / "a.csv").read_text()
    assert "'=cmd" in a and "\n-3" not in a and ",-3" in a
    assert "'=cmd" not in (tmp_path / "b.csv").read_text()


# ------------------------------------------------------------------------- size and time


def _generic_rows(n: int) -> str:
    rows = [f"Model {i // 4},{['imagenet', 'mmlu', 'wmt14-en-de', 'squad1.1'][i % 4]},"
            f"{['top1_accuracy', 'accuracy', 'bleu', 'f1'][i % 4]},"
            f"{['76.5%', '0.5', '28.4', '0.9'][i % 4]},{2010 + i // 4 % 14}-0{1 + i // 4 % 9}-15,"
            f"{(1 + i // 4) * 1e18:g},Paper {i // 4}" for i in range(n)]
    return "model,benchmark,metric,value,date,training_flop,origin\n" + "\n".join(rows) + "\n"


def test_checking_grows_linearly(tmp_path):
    """20,000 rows in well under a few seconds (the per-cell reader took ~7 s), and ten
    times the rows take at most about ten times as long."""
    small = write_file(tmp_path / "small.csv", _generic_rows(2_000))
    large = write_file(tmp_path / "large.csv", _generic_rows(20_000))

    def cpu(path) -> float:
        best = float("inf")
        for _ in range(2):
            t0 = time.process_time()
            check_file(path)
            best = min(best, time.process_time() - t0)
        return best

    t_small, t_large = cpu(small), cpu(large)
    assert t_large < 4.0, t_large
    assert t_large < 10 * t_small * 1.5 + 0.3, (t_small, t_large)


def test_a_file_too_large_for_the_free_memory_is_refused_before_reading(tmp_path,
                                                                       monkeypatch):
    from computelimits import resources
    from computelimits.data.user_data import load_user_file
    from computelimits.errors import ResourceError

    path = tmp_path / "big.csv"
    path.write_text("model,benchmark,metric,value\n" + "m,mmlu,accuracy,0.5\n" * 1000)
    monkeypatch.setattr(resources, "available_memory", lambda: 100_000)
    with pytest.raises(ResourceError, match=r"reading .*big\.csv .* needs about .* free; "
                                            r"split the file"):
        load_user_file(path)
