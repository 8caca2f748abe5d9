"""The hand-checked date table (``date_checks.csv``): derivative models that a source dates with
their base model's release date. The table's rows against Epoch AI's models table, its
validation (errors naming the file, row and column), the correction applied by the
open-model-trends loaders only where the date as given still matches, and the report of it."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from _helpers import write_file
from computelimits.data import date_checks as D  # noqa: N812
from computelimits.data.loaders import open_model_trends as om
from computelimits.data.parse import Repairs
from computelimits.errors import InputError

HEADER = "source,file,model,date_given,date_corrected,epoch_model,evidence\n"
MAIN, GSM = om.MAIN_FILE, om.GSM1K_FILE
FLAN_T5 = ("Flan-T5-Small", "Flan-T5-Base", "Flan-T5-Large", "Flan-T5-XL", "Flan-T5-XXL")
T5 = ("T5-Small", "T5-Base", "T5-Large", "T5-XL", "T5-XXL")
#: "2019-10-23 is T5's date (Epoch record 'T5-11B')": the base model whose date was given
_BASE = re.compile(r"is [^()]+'s date \(Epoch record '([^']+)'\)")


# --- the table itself (no data needed) ------------------------------------------------------

def test_table_parses_with_later_dates_and_evidence():
    t = D.checks()
    assert list(t.columns) == ["source", "file", "model", "date_given", "date_corrected",
                               "epoch_model", "evidence"]
    assert all(isinstance(t[c].dtype, pd.StringDtype) for c in t.columns)
    assert not t.duplicated(["source", "file", "model"]).any()
    given = pd.to_datetime(t["date_given"])
    assert (pd.to_datetime(t["date_corrected"]) > given).all()
    # every row names an Epoch record or a paper's arXiv id, and whose date it was given
    for _, r in t.iterrows():
        assert r["epoch_model"] or "arXiv:" in r["evidence"], r["model"]
        assert _BASE.search(r["evidence"]), r["model"]
    assert set(FLAN_T5) <= set(t["model"])
    assert not set(T5) & set(t["model"])


def test_checks_returns_a_copy():
    t = D.checks()
    t.loc[0, "date_corrected"] = "1999-01-01"
    assert D.checks().loc[0, "date_corrected"] != "1999-01-01"


# --- malformed files --------------------------------------------------------------------------

_ROW = f"epoch-open-model-trends,{MAIN},A,2019-10-23,2022-10-20,Flan-T5 11B,why arXiv:2210.11416\n"


def _checks_file(tmp_path, body: str):
    return write_file(tmp_path / "dates.csv", "# a comment\n# another\n" + HEADER + body)


@pytest.mark.parametrize(("body", "row", "column", "words"), [
    (_ROW + f"epoch-open-model-trends,{MAIN},B,2022-10-20,2019-10-23,,arXiv:2210.11416\n",
     2, "date_corrected", "not later than the date given, 2022-10-20"),
    (f"epoch-open-model-trends,{MAIN},B,2022-10-20,2022-10-20,X,why\n",
     1, "date_corrected", "not later than"),
    (_ROW + _ROW.replace("2019-10-23", "2020-01-01"), 2, "model", "listed twice (first in row 1)"),
    (f"epoch-open-model-trends,{MAIN},B,23/10/2019,2022-10-20,X,why\n",
     1, "date_given", "must be a date YYYY-MM-DD"),
    (f"epoch-open-model-trends,{MAIN},B,2019-02-30,2022-10-20,X,why\n",
     1, "date_given", "not a calendar date"),
    ("epoch-open-model-trends,other.csv,B,2019-10-23,2022-10-20,X,why\n",
     1, "file", "is not a file of epoch-open-model-trends"),
    (f"nowhere,{MAIN},B,2019-10-23,2022-10-20,X,why\n", 1, "source", "unknown source"),
    (f"epoch-open-model-trends,{MAIN}, ,2019-10-23,2022-10-20,X,why\n", 1, "model",
     "blank model"),
    (f"epoch-open-model-trends,{MAIN},B,2019-10-23,2022-10-20,,a blog post\n", 1, "evidence",
     "neither an Epoch record"),
])
def test_malformed_rows_name_file_row_and_column(tmp_path, body, row, column, words):
    p = _checks_file(tmp_path, body)
    with pytest.raises(InputError) as exc:
        D.parse_checks(p)
    err = exc.value
    assert err.row == row and err.column == column
    msg = str(err)
    assert str(p) in msg and f"row {row}" in msg and repr(column) in msg and words in msg
    assert f"(line {row + 3})" in msg  # two comments and the header come first


def test_missing_column(tmp_path):
    p = write_file(tmp_path / "d.csv", "source,file,model,date_given,evidence\n")
    with pytest.raises(InputError, match="date_corrected"):
        D.parse_checks(p)


# --- applying it (no data needed) -------------------------------------------------------------

def _frame(*rows: tuple[str, str, str], notes: bool = False) -> pd.DataFrame:
    df = pd.DataFrame({"model": [m for m, _, _ in rows],
                       "date": pd.to_datetime([d for _, _, d in rows]),
                       "source_file": [f for _, f, _ in rows],
                       "source_row": range(1, len(rows) + 1)})
    if notes:
        df["notes"] = ["active_parameters=11000000000"] + [None] * (len(rows) - 1)
    return df


def test_only_a_row_with_the_date_as_given_is_corrected():
    df = _frame(("Flan-T5-XXL", MAIN, "2019-10-23"),   # as listed: corrected
                ("Flan-T5-XL", MAIN, "2022-10-20"),    # fixed upstream: left as it is
                ("Flan-T5-Base", MAIN, "2019-10-24"),  # another date: left as it is
                ("Flan-T5-Large", GSM, "2019-10-23"),  # another file: left as it is
                ("T5-XXL", MAIN, "2019-10-23"),        # the base model: never listed
                notes=True)
    repairs = Repairs()
    out = D.correct(df, om.SOURCE, repairs, note_column="notes")
    assert list(out["date"].dt.strftime("%Y-%m-%d")) == [
        "2022-10-20", "2022-10-20", "2019-10-24", "2019-10-23", "2019-10-23"]
    assert df.loc[0, "date"] == pd.Timestamp("2019-10-23")  # a copy
    assert out.loc[0, "notes"] == ("active_parameters=11000000000; date 2019-10-23 (its base "
                                   "model's) corrected to 2022-10-20 (date_checks.csv)")
    assert out["notes"].iloc[1:].isna().all()
    (what, n), = repairs.items()
    assert n == 1 and what.startswith(f"{MAIN}: Date 2019-10-23 is the base model's")
    assert "for Flan-T5-XXL;" in what and "Epoch record 'Flan-T5 11B'" in what
    assert "arXiv:2210.11416" in what


def test_other_sources_and_unmatched_frames_are_untouched():
    df = _frame(("Flan-T5-XXL", MAIN, "2019-10-23"))
    repairs = Repairs()
    assert D.correct(df, "epoch-benchmarks", repairs) is df
    assert D.correct(df.iloc[:0], om.SOURCE, repairs).empty
    other = _frame(("Flan-T5-XXL", MAIN, "2019-10-22"))
    assert D.correct(other, om.SOURCE, repairs) is other
    assert not repairs


def test_fitted_line_counts_rows_with_the_checked_date():
    df = _frame(("Flan-T5-XXL", MAIN, "2022-10-20"), ("Flan-T5-XXL", MAIN, "2022-10-20"),
                ("Flan-T5-XL", MAIN, "2019-10-23"), ("T5-XXL", MAIN, "2019-10-23"))
    df["source"] = om.SOURCE
    assert list(D.checked(df)) == [True, True, False, False]
    line = D.fitted_line(df)
    assert line is not None and line.startswith("dates checked by hand: 2 results")
    assert "(Flan-T5-XXL)" in line
    assert D.fitted_line(df.iloc[2:]) is None


# --- against the data mirror ----------------------------------------------------------------

@pytest.fixture(scope="module")
def epoch_dates(mirror):
    """{Epoch model name: publication date} from the package's loader of Epoch's models."""
    from computelimits.data.loaders.epoch_models import load_models

    models = load_models()
    return dict(zip(models["model"], models["date"], strict=True))


@pytest.fixture(scope="module")
def results(mirror):
    return om.load_results()


@pytest.fixture(scope="module")
def compute(mirror):
    return om.load_compute()


def test_every_named_epoch_record_has_the_corrected_date(epoch_dates):
    for _, r in D.checks().iterrows():
        if r["epoch_model"]:
            assert r["epoch_model"] in epoch_dates, r["epoch_model"]
            assert epoch_dates[r["epoch_model"]] == pd.Timestamp(r["date_corrected"]), r["model"]
        # the base model whose date the source gave
        base = _BASE.search(r["evidence"]).group(1)
        assert epoch_dates[base] == pd.Timestamp(r["date_given"]), (r["model"], base)


def test_every_listed_row_exists_in_its_file_with_the_date_given(mirror):
    from computelimits.data.fetch import locate
    from computelimits.data.parse import read_csv

    rows = {}
    for file in (MAIN, GSM):
        raw = read_csv(locate(om.SOURCE, file).path, required=("System", "Date"))
        rows[file] = dict(zip(raw["System"].str.strip(), raw["Date"].str.strip(), strict=True))
    for _, r in D.checks().iterrows():
        assert rows[r["file"]].get(r["model"]) == r["date_given"], r["model"]


@pytest.mark.parametrize("table", ["results", "compute"])
def test_flan_t5_dated_as_released_and_t5_kept(request, table):
    df = request.getfixturevalue(table)
    main = df[df.source_file == MAIN]
    flan = main[main.model.isin(FLAN_T5)]
    assert set(flan.model) == set(FLAN_T5)
    assert (flan.date >= pd.Timestamp("2022-10-20")).all()
    t5 = main[main.model.isin(T5)]
    assert set(t5.model) == set(T5)
    assert (t5.date == pd.Timestamp("2019-10-23")).all()
    # every listed row carries its corrected date
    for _, r in D.checks().iterrows():
        rows = df[(df.source_file == r["file"]) & (df.model == r["model"])]
        assert len(rows) and (rows.date == pd.Timestamp(r["date_corrected"])).all(), r["model"]


def test_the_correction_is_reported(results, compute):
    for df in (results, compute):
        rep = df.attrs["repairs"]
        flan = [k for k in rep if k.startswith(f"{MAIN}: Date 2019-10-23") and "Flan-T5-XXL" in k]
        assert len(flan) == 1 and rep[flan[0]] == 5
        assert "Epoch record 'Flan-T5 11B' (2022-10-20)" in flan[0]
        assert "arXiv:2210.11416" in flan[0]
        claude = [k for k in rep if k.startswith(f"{GSM}: Date 2023-07-11")]
        assert len(claude) == 1 and rep[claude[0]] == 1
        assert sum(n for k, n in rep.items() if D.FILE in k) == len(D.checks())
    xxl = compute[(compute.source_file == MAIN) & (compute.model == "Flan-T5-XXL")].iloc[0]
    assert "corrected to 2022-10-20 (date_checks.csv)" in xxl.notes


def test_data_info_verbose_prints_the_corrections(mirror, invoke):
    res = invoke("data", "info", om.SOURCE, "--verbose")
    assert res.returncode == 0, res.stderr
    text = " ".join(res.stdout.split())
    assert "repaired: 5 × benchmarks_with_model_accessibility.csv: Date 2019-10-23" in text
    assert "Flan-T5-XXL" in text and "arXiv:2210.11416" in text
    short = invoke("data", "info", om.SOURCE)
    assert "repaired:" not in short.stdout
    assert "the repairs made while parsing it" in " ".join(short.stdout.split())


def test_a_fit_says_which_results_have_checked_dates(mirror):
    from computelimits.scaling.dataset import benchmark_data

    # BBH's open-model-trends rows are of unknown setting: by default the fit holds the
    # few-shot ones, so ask for these
    df = benchmark_data("bbh", setting="unknown")
    lines = df.attrs["selection"].lines()
    line = next(x for x in lines if x.startswith("dates checked by hand"))
    assert "Flan-T5-XXL" in line and "text-davinci-001" in line
    flan = df[df.model == "Flan-T5-XXL"]
    assert len(flan) and (flan.date == pd.Timestamp("2022-10-20")).all()
