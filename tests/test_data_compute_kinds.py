"""The compute-kinds table: valid kinds, real records, verbatim Epoch notes, and errors that name
the file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from _helpers import write_file
from computelimits.data import compute_kinds as K  # noqa: N812
from computelimits.data.names import model_key
from computelimits.errors import InputError

HEADER = "source,model,compute_kind,reason,epoch_note\n"

#: Records the Epoch notes show to be search totals or another dataset's run.
EXPECTED = {
    ("epoch-ai-models", "MnasNet-A3"): "includes_search",
    ("epoch-ai-models", "AmoebaNet-A (F=448)"): "includes_search",
    ("epoch-ai-models", "PNASNet-5"): "includes_search",
    ("epoch-ai-models", "Xception"): "other_dataset",
}


# --- the table itself (no data needed) ------------------------------------------------------

def test_kinds_and_fit_kinds():
    assert set(K.FIT_KINDS) == {"training", "hardware_burden", "imputed_operations"}
    assert set(K.FIT_KINDS) < set(K.KINDS)
    assert {"includes_search", "other_dataset", "other_purpose", "ensemble"} == set(
        K.KINDS) - set(K.FIT_KINDS)
    assert all(isinstance(v, str) and "FLOP" in v for v in K.KINDS.values())


def test_table_parses_and_every_row_is_a_non_fit_kind():
    t = K.overrides()
    assert list(t.columns) == ["source", "model", "model_key", "compute_kind", "reason",
                               "epoch_note"]
    assert len(t) >= len(EXPECTED)
    assert t["compute_kind"].isin(list(K.KINDS)).all()
    # the table only lists what is NOT a fittable training figure
    assert not t["compute_kind"].isin(list(K.FIT_KINDS)).any()
    assert (t["model_key"] == t["model"].map(model_key)).all()
    assert t["reason"].str.len().gt(20).all()
    assert not t.duplicated(["source", "model"]).any()


def test_overrides_returns_a_copy():
    t = K.overrides()
    t.loc[0, "compute_kind"] = "training"
    assert K.overrides().loc[0, "compute_kind"] != "training"


@pytest.mark.parametrize(("record", "kind"), sorted(EXPECTED.items()))
def test_search_totals_and_the_jft_xception_run_are_listed(record, kind):
    hit = K.kind_of(*record)
    assert hit is not None, record
    assert hit[0] == kind
    assert hit[1]


def test_kind_of_unlisted_record_is_none():
    assert K.kind_of("epoch-ai-models", "VGG16") is None
    assert K.kind_of("epoch-benchmarks", "Xception") is None


def test_note_excerpts_and_whitespace_normalisation():
    assert K.note_excerpts("") == [] and K.note_excerpts(None) == []
    assert K.note_excerpts("a  b … c\nd") == ["a b", "c d"]
    assert K.note_occurs("60 K80 GPUs  * 30 days … over one\nmonth",
                         "x 60 K80 GPUs * 30 days y\n\nover one month each")
    assert not K.note_occurs("30 days … JFT", "30 days on ImageNet")
    assert K.note_occurs("", "anything")


# --- malformed files --------------------------------------------------------------------------

def _kinds_file(tmp_path, body: str):
    return write_file(tmp_path / "kinds.csv", "# a comment\n# another\n" + HEADER + body)


@pytest.mark.parametrize(("body", "row", "column", "words"), [
    ("epoch-ai-models,A,training,ok reason,\nepoch-ai-models,B,search,why,\n",
     2, "compute_kind", "unknown compute kind 'search'"),
    ("epoch-ai-models, ,includes_search,why,\n", 1, "model", "blank model"),
    ("epoch-ai-models,A,other_dataset,why,\nepoch-ai-models,B,other_dataset,why,\n"
     "epoch-ai-models,A,other_purpose,why again,\n", 3, "model", "listed twice"),
    ("nowhere,A,other_dataset,why,\n", 1, "source", "unknown source"),
    ("epoch-ai-models,A,other_dataset,,\n", 1, "reason", "blank reason"),
])
def test_malformed_rows_name_file_row_and_column(tmp_path, body, row, column, words):
    p = _kinds_file(tmp_path, body)
    with pytest.raises(InputError) as exc:
        K.parse_overrides(p)
    err = exc.value
    assert err.row == row and err.column == column
    msg = str(err)
    assert str(p) in msg and f"row {row}" in msg and repr(column) in msg and words in msg
    # the physical line: two comments and the header come first
    assert f"(line {row + 3})" in msg


def test_missing_column_and_missing_file(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("source,model,reason,epoch_note\nepoch-ai-models,A,why,\n", encoding="utf-8")
    with pytest.raises(InputError, match="compute_kind"):
        K.parse_overrides(p)
    with pytest.raises(InputError, match="not found"):
        K.parse_overrides(tmp_path / "absent.csv")


def test_a_valid_tmp_file_parses(tmp_path):
    p = _kinds_file(tmp_path, 'epoch-ai-models,"Big, model",other_purpose,"why, in a sentence",\n')
    t = K.parse_overrides(p)
    assert t.loc[0, "model"] == "Big, model" and t.loc[0, "model_key"] == "bigmodel"
    assert t.loc[0, "epoch_note"] == ""


# --- against the data mirror ----------------------------------------------------------------

@pytest.fixture(scope="module")
def compute_table(mirror):
    from computelimits.data.catalog import resolve_catalog

    return resolve_catalog().compute()


@pytest.fixture(scope="module")
def epoch_notes(mirror):
    """{Epoch model name: its notes}, from the raw Epoch columns of all_ml_systems_full_view."""
    from computelimits.data.fetch import locate
    from computelimits.data.loaders.epoch_models import FILE, SOURCE
    from computelimits.data.parse import read_csv

    loc = locate(SOURCE, FILE)
    raw = read_csv(loc.path, required=("Model", K.EPOCH_NOTE_COLUMNS[0]))
    cols = [c for c in K.EPOCH_NOTE_COLUMNS if c in raw.columns]
    out: dict[str, str] = {}
    for _, r in raw.iterrows():
        text = "\n".join(str(r[c]) for c in cols if str(r[c]).strip())
        out[r["Model"].strip()] = (out.get(r["Model"].strip(), "") + "\n" + text).strip()
    return out


def test_every_listed_model_exists_in_its_sources_compute_table(compute_table):
    for _, row in K.overrides().iterrows():
        mine = compute_table[compute_table["source"] == row["source"]]
        hits = mine[mine["model"] == row["model"]]
        assert len(hits) == 1, f"{row['source']}: {row['model']!r} has {len(hits)} records"
        assert hits["training_flop"].notna().all()


def test_every_epoch_note_occurs_verbatim_in_the_records_notes(compute_table, epoch_notes):
    for _, row in K.overrides().iterrows():
        if not K.note_excerpts(row["epoch_note"]):
            continue
        mine = compute_table[(compute_table["source"] == row["source"])
                             & (compute_table["model"] == row["model"])]
        text = "\n".join(str(n) for n in mine["notes"].dropna())
        if row["source"] == "epoch-ai-models":
            text += "\n" + epoch_notes.get(row["model"], "")
        for part in K.note_excerpts(row["epoch_note"]):
            assert K.note_occurs(part, text), f"{row['model']!r}: {part!r} not in its notes"


def test_the_listed_records_are_the_ones_the_join_attaches(compute_table):
    """The table is about what the join uses: every listed record is attached to some result,
    and the ImageNet results of MnasNet-A3, AmoebaNet-A, PNASNet-5 and Xception get them."""
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.join import join_compute

    t = join_compute(resolve_catalog().results(), compute_table).table
    used = set(zip(t["compute_source"].dropna(), t.loc[t["compute_source"].notna(),
                                                          "compute_model"], strict=True))
    for _, row in K.overrides().iterrows():
        assert (row["source"], row["model"]) in used, row["model"]
    imagenet = t[(t["benchmark"] == "imagenet") & (t["source"] == "pwc-imagenet-2019")]
    for name in ("MnasNet-A3", "AmoebaNet-A", "PNASNet-5", "Xception"):
        rows = imagenet[imagenet["model"] == name]
        assert len(rows) > 0, name
        kinds = {K.kind_of(s, m) for s, m in zip(rows["compute_source"], rows["compute_model"],
                                                  strict=True)}
        assert None not in kinds, name


def test_overrides_frame_types():
    t = K.overrides()
    assert all(isinstance(t[c].dtype, pd.StringDtype) for c in t.columns)
