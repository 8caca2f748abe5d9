"""SQuAD 1.1 from the open leaderboard: the two exports reconciled by a stated rule, every join
to Epoch's compute checked by hand, ensembles their own compute kind, and the fit's N."""

from __future__ import annotations

import pandas as pd
import pytest

from computelimits.data import join_checks as JC  # noqa: N812
from computelimits.data.loaders import squad_leaderboard as S  # noqa: N812
from computelimits.errors import InputError

EXPLORER_HEAD = "entry,submitted,description,exact_match,f1,public\n"
PWC_HEAD = "row,model_name,paper_date,paper_title,paper_url,EM,F1,uses_additional_data\n"


def _files(tmp_path, explorer: list[str], pwc: list[str]):
    e, p = tmp_path / "explorer.csv", tmp_path / "pwc.csv"
    e.write_text(EXPLORER_HEAD + "\n".join(explorer) + "\n", encoding="utf-8")
    p.write_text(PWC_HEAD + "\n".join(pwc) + "\n", encoding="utf-8")
    return e, p


# --- the reconciliation rule, on a small synthetic pair of exports --------------------------

EXPLORER = [
    # in both, pwc one day earlier and rounded to three decimals
    '0,2019-01-02,"Model A (single model) (Org A) https://arxiv.org/abs/1810.04805",'
    '80.1234,88.5678,True',
    # blank description: Papers with Code names it (a week apart: still the same entry)
    "1,2019-02-01,,70.0001,79.0002,",
    # an ensemble, in both exports with the same date
    '2,2019-03-01,"Model C (ensemble) (Org C)",60.5000,70.5000,False',
    # unscored: a failed run, left out and counted
    '3,2019-03-05,"Model D (single model)",,,True',
    # scored but named in neither export: left out of the results, counted
    "4,2019-04-01,,50.0000,60.0000,",
    # same scores as a pwc row, but 30 days apart: not the same entry
    '5,2019-06-01,"Model G (single model)",40.0000,50.0000,True',
    # same scores and date as a pwc row, but another name: not the same entry
    '6,2019-07-01,"Model H (single model)",30.0000,40.0000,True',
]
PWC = [
    "0,Model A (single model),2019-01-01,,,80.123,88.568,False",
    "1,Model B (single model),2019-01-25,,https://arxiv.org/abs/1611.01603,70.000,79.000,False",
    "2,Model C (ensemble),2019-03-01,,,60.500,70.500,False",
    "3,,2019-04-01,,,50.000,60.000,False",
    "4,Model G (single model),2019-07-01,,,40.000,50.000,False",
    "5,Other Name,2019-07-01,,,30.000,40.000,False",
]


def test_reconciliation_rule_on_a_synthetic_pair(tmp_path):
    board = S.parse_leaderboard(*_files(tmp_path, EXPLORER, PWC))
    counts = board.attrs["reconciliation"]
    assert counts["explorer entries without scores (failed or withdrawn runs): left out"] == 1
    assert counts["matched in both exports"] == 4  # entries 0, 1, 2, 4
    assert counts["date differs between the exports: the explorer's kept"] == 2
    assert counts["scores differ in rounding: the explorer's four decimals kept"] == 2
    assert counts["blank explorer description: name from Papers with Code"] == 1
    assert counts["arXiv link from Papers with Code"] == 1
    assert counts["explorer entries only in the explorer"] == 2  # 5 (date), 6 (name)
    assert counts["Papers with Code rows that match no explorer entry: kept from Papers with "
                  "Code"] == 2
    # one result per entry: 6 scored explorer entries + 2 pwc rows that match none
    assert len(board) == 8 == counts["leaderboard entries with scores"]
    by = board.set_index("entry")
    a = by.loc[0]  # the explorer wins: its scores and its date
    assert a["em"] == 80.1234 and a["f1"] == 88.5678
    assert a["date"] == pd.Timestamp("2019-01-02") and a["pwc_row"] == 0
    assert a["model"] == "Model A (single model)" and a["arxiv_id"] == "1810.04805"
    assert a["organisation"] == "Org A"
    b = by.loc[1]
    assert b["model"] == "Model B (single model)" and b["arxiv_id"] == "1611.01603"
    assert by.loc[2, "label"] == "ensemble" and by.loc[2, "model"] == "Model C (ensemble)"
    assert pd.isna(by.loc[4, "name"]) and by.loc[4, "matched"]
    assert not by.loc[5, "matched"] and not by.loc[6, "matched"]
    alone = board[board["entry"].isna()]
    assert sorted(alone["pwc_row"].tolist()) == [4, 5]
    assert set(alone["source_file"]) == {S.PWC}

    results = S.results_from_board(board)
    assert results.attrs["repairs"]["scored entries named in neither export: left out"] == 1
    f1 = results[results["metric"] == "f1"].set_index("source_row")
    assert len(f1) == 7 and set(results["metric"]) == {"f1", "exact_match"}
    row = f1.loc[1]  # entry 0 is data row 1
    assert row["error"] == pytest.approx(1 - 0.885678)
    assert row["benchmark"] == "squad1.1" and row["setting_kind"] == "supervised"
    assert row["publication"] == "arXiv:1810.04805" and row["model_key"] == "modela"
    # a single model and its ensemble share the key; the setting says which it is
    assert f1.loc[3, "model_key"] == "modelc" and "ensemble" in f1.loc[3, "setting"]
    assert f1.loc[3, "publication"] == "Model C (Org C)"


def test_bad_exports_name_the_row_and_column(tmp_path):
    with pytest.raises(InputError, match=r"row 1, column 'f1'.*one score of the pair"):
        S.parse_leaderboard(*_files(tmp_path, ['0,2019-01-01,"X (single model)",80.0,,True'],
                                    PWC[:1]))
    with pytest.raises(InputError, match=r"column 'EM'.*over 100"):
        S.parse_leaderboard(*_files(tmp_path, EXPLORER[:1],
                                    ["0,X,2019-01-01,,,180.0,80.0,False"]))


def test_descriptions_are_taken_apart():
    d = S.split_description("KACTEIL-MRC(GF-Net+) (ensemble) (Kangwon National University)")
    assert (d.name, d.label, d.organisation) == ("KACTEIL-MRC(GF-Net+)", "ensemble",
                                                  "Kangwon National University")
    d = S.split_description("FastQAExt (German Research Center for Artificial Intelligence) "
                            "https://arxiv.org/abs/1703.04816")
    assert (d.name, d.label, d.arxiv_id) == ("FastQAExt", None, "1703.04816")
    assert S.split_description("KACTEIL-MRC (GF-Net+)", organisation=False).name == \
        "KACTEIL-MRC (GF-Net+)"
    assert S.split_description(None).name is None
    assert S.split_description(float("nan")).model is None


# --- the mirror ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog(mirror):
    from computelimits.data.catalog import Catalog

    return Catalog()


def test_the_mirror_reconciles_to_one_result_per_entry(catalog):
    board = catalog.source_table("squad-leaderboard")
    counts = board.attrs["reconciliation"]
    assert counts["explorer entries"] == 262 and counts["Papers with Code rows"] == 217
    assert counts["explorer entries without scores (failed or withdrawn runs): left out"] == 41
    assert counts["matched in both exports"] == 217  # every pwc row is an explorer entry
    assert len(board) == 221 and board["entry"].notna().all()
    res = catalog.results("squad1.1")
    f1 = res[res["metric"] == "f1"]
    assert len(f1) == 188 == len(res) / 2  # 33 scored entries are named in neither export
    luke = f1[f1["model"] == "LUKE (single model)"].iloc[0]
    assert luke["error"] == pytest.approx(1 - 0.953794)
    assert luke["date"] == pd.Timestamp("2020-04-11")


def _raw_join(catalog):
    """The SQuAD rows joined by the rules alone (no hand-checked verdicts)."""
    from computelimits.data.catalog import _arxiv_models
    from computelimits.data.join import join_compute

    with catalog.active():
        return join_compute(catalog.results("squad1.1"), catalog.compute(), checks={},
                            arxiv=_arxiv_models(catalog.models())).table


def test_every_join_is_checked_by_hand_and_holds(catalog):
    raw = _raw_join(catalog)
    joined = catalog.joined().table
    joined = joined[joined["benchmark"] == "squad1.1"]
    table = JC.checks()
    listed = table[table["source"] == "squad-leaderboard"]
    assert "squad-leaderboard" in JC.CHECKED_SOURCES
    # every join the rules make is listed ...
    matched = raw[raw["match_rule"].notna()]
    assert set(zip(matched["model"], matched["publication"], strict=True)) == set(
        zip(listed["model"], listed["publication"], strict=True))
    # ... and every listed verdict holds: the record the rules find is the one it names, and
    # the checked join carries the verdict's kind (or no compute for a wrong join)
    for r in listed.itertuples(index=False):
        mine = (raw["model"] == r.model) & (raw["publication"] == r.publication)
        assert set(raw.loc[mine, "compute_model"]) == {r.epoch_model}, r.model
        rows = joined[(joined["model"] == r.model) & (joined["publication"] == r.publication)]
        assert len(rows) >= 2  # f1 and exact match
        if r.verdict == "right":
            assert set(rows["compute_kind"]) == {r.compute_kind}, r.model
            assert rows["match_note"].str.contains("checked by hand").all()
        else:
            assert rows["training_flop"].isna().all()
    kinds = joined.drop_duplicates("model").set_index("model")["compute_kind"].dropna()
    assert kinds.to_dict() == {
        "LUKE (single model)": "training", "XLNet (single model)": "training",
        "BERT (ensemble)": "ensemble", "BERT (single model)": "training",
        "Original BERT Large Cased (single model)": "training",
        "BiDAF (ensemble)": "ensemble", "BiDAF (single model)": "other_dataset"}
    # every ensemble that has compute is of kind ensemble
    ens = joined[joined["setting"].str.contains("ensemble") & joined["training_flop"].notna()]
    assert set(ens["compute_kind"]) == {"ensemble"}


def test_a_wrong_verdict_refuses_the_join(catalog):
    from computelimits.data.catalog import _arxiv_models
    from computelimits.data.join import join_compute

    checks = {("squad-leaderboard", "BERT (single model)", "arXiv:1810.04805"):
              ("BERT-Large", "wrong", "", "a BERT-Base entry (made up for the test)")}
    with catalog.active():
        t = join_compute(catalog.results("squad1.1"), catalog.compute(), checks=checks,
                         arxiv=_arxiv_models(catalog.models())).table
    rows = t[(t["model"] == "BERT (single model)") & (t["publication"] == "arXiv:1810.04805")]
    assert len(rows) == 2
    assert rows["training_flop"].isna().all() and rows["match_rule"].isna().all()
    assert rows["match_note"].str.contains("arxiv match to 'BERT-Large' checked by hand and "
                                           "refused: a BERT-Base entry").all()
    # the ensemble of the same paper keeps its (unchecked here) join
    assert t.loc[t["model"] == "BERT (ensemble)", "training_flop"].notna().all()
    # a verdict naming another record than the one found does not apply
    checks = {("squad-leaderboard", "LUKE (single model)", ""): ("XLNet", "wrong", "", "stale")}
    with catalog.active():
        t = join_compute(catalog.results("squad1.1"), catalog.compute(), checks=checks,
                         arxiv=_arxiv_models(catalog.models())).table
    assert t.loc[t["model"] == "LUKE (single model)", "training_flop"].notna().all()


def test_the_checks_table_is_validated(tmp_path):
    head = "source,model,publication,epoch_model,verdict,compute_kind,reason\n"
    p = tmp_path / "c.csv"
    p.write_text(head + "squad-leaderboard,X,,Y,maybe,training,why\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 1, column 'verdict'"):
        JC.parse_checks(p)
    p.write_text(head + "squad-leaderboard,X,,Y,wrong,training,why\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"column 'compute_kind'.*no compute kind"):
        JC.parse_checks(p)
    p.write_text(head + "squad-leaderboard,X,P,Y,right,ensemble,why\n"
                 "squad-leaderboard,X,P,Y,right,ensemble,again\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'model'.*listed twice"):
        JC.parse_checks(p)
    # one name, two publications: two verdicts; a blank publication is any other one
    p.write_text(head + "squad-leaderboard,X,P,Y,right,training,why\n"
                 "squad-leaderboard,X,,Y,wrong,,other teams\n", encoding="utf-8")
    idx = JC.index(JC.parse_checks(p))
    assert JC.verdict(idx, "squad-leaderboard", "X", "P")[1] == "right"
    assert JC.verdict(idx, "squad-leaderboard", "X", "Q")[1] == "wrong"
    assert JC.verdict(idx, "squad-leaderboard", "Z", "P") is None


def test_squad_fit_rows_n_and_kind(catalog):
    from computelimits.scaling.dataset import benchmark_data

    joined = catalog.joined().table
    data = benchmark_data("squad1.1", joined=joined)
    sel = data.attrs["selection"]
    assert sel.kind == "training" and sel.n == len(data) == 4
    assert set(data["metric"]) == {"f1"} and sel.setting == "supervised"
    assert sorted(data["model"]) == ["BERT (single model)", "LUKE (single model)",
                                     "Original BERT Large Cased (single model)",
                                     "XLNet (single model)"]
    assert sel.n_by_kind == {"training": 4, "hardware_burden": 3, "ensemble": 2,
                             "other_dataset": 1}
    lines = "\n".join(sel.lines())
    assert "left out: 2 × compute kind ensemble: an ensemble's compute is several" in lines
    assert "compute kind other_dataset" in lines
    # the two BERT-Large entries cluster apart (different publications), the error is 1 − F1
    assert data["error"].between(0.04, 0.1).all()
    burden = benchmark_data("squad1.1", joined=joined, kind="hardware_burden",
                            precision="any")
    assert burden.attrs["selection"].kind == "hardware_burden" and len(burden) == 3
    assert set(burden["peak_precision"]) == {"bf16", "fp32"}
