"""Loader of the Epoch benchmark-stitching data (source ``epoch-benchmarks``).

Counts are those the mirror's README states (``shared/data/epoch-benchmarks/README.md``);
specific values are cited by file and data row. Malformed inputs are synthetic files in tmp_path.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import write_file
from computelimits.data.benchmarks import BENCHMARKS, METRICS
from computelimits.data.loaders import epoch_benchmarks as eb
from computelimits.data.registry import SOURCES
from computelimits.data.schema import SCHEMAS
from computelimits.errors import InputError

# Rows per external file in the mirror (README, "Cut-off" table, column "rows here").
README_ROWS = {
    "anli": 10, "arc_ai2": 107, "bbh": 70, "boolq": 123, "csqa2": 5, "gsm8k": 138,
    "hellaswag": 90, "lambada": 53, "mmlu": 133, "openbookqa": 61, "os_world": 1, "piqa": 98,
    "scienceqa": 13, "superglue": 3, "triviaqa": 104, "videomme": 4, "weirdml": 2,
    "winogrande": 102,
}


@pytest.fixture(scope="module")
def results(mirror):
    return eb.load_results()


@pytest.fixture(scope="module")
def compute(mirror):
    return eb.load_compute()


# --------------------------------------------------------------------------------- mapping


def test_every_registered_external_file_has_a_headline_column():
    registered = {f.path for f in SOURCES[eb.SOURCE].files
                  if f.path.startswith("external_benchmark_")}
    files = eb.benchmark_files()
    assert registered == set(files)
    for benchmark, column, metric in files.values():
        assert benchmark in BENCHMARKS
        assert metric in METRICS
        assert column
    assert files["external_benchmark_os_world.csv"][0] == "os-world"
    assert files["external_benchmark_mmlu.csv"] == ("mmlu", "EM", "exact_match")
    assert set(eb.RUN_TASKS.values()) <= set(BENCHMARKS)


# --------------------------------------------------------------------------------- the mirror


def test_results_schema_and_attribution(results):
    assert list(results.columns) == list(SCHEMAS["results"])
    assert results.attrs["attribution"] == [SOURCES[eb.SOURCE].attribution]
    assert (results["source"] == eb.SOURCE).all()
    assert results["source_row"].min() >= 1
    assert set(results["benchmark"]) <= set(BENCHMARKS)
    assert results["model"].notna().all()
    assert (results["model_key"] != "").all()


def test_result_rows_per_file_match_the_readme(results):
    per_file = results.groupby("source_file").size()
    for name, rows in README_ROWS.items():
        file = f"external_benchmark_{name}.csv"
        # arc_ai2 gives an arc-challenge row per record plus an arc-easy row where filled
        got = (results[(results.source_file == file) & (results.benchmark != "arc-easy")]
               .shape[0])
        assert got == rows, file
        assert per_file[file] >= rows
    assert per_file["benchmarks_runs.csv"] == 27
    # README: 32 of the 97 ECI rows have an ECI score
    assert per_file[eb.ECI_FILE] == 32
    per_benchmark = results.groupby("benchmark").size()
    assert (per_benchmark > 0).all()
    assert set(per_benchmark.index) == {b for b, _, _ in eb.benchmark_files().values()} | {
        "arc-easy", "eci", *eb.RUN_TASKS.values()}


def test_value_ranges(results):
    shares = results[results.unit == "fraction"]
    assert shares["value"].between(0, 1).all()
    np.testing.assert_allclose(shares["error"], 1 - shares["value"])
    eci = results[results.benchmark == "eci"]
    assert (eci.metric == "eci").all() and (eci.unit == "index").all()
    assert eci["error"].isna().all()
    # README: ECI values range 75–150 in the full table
    assert eci["value"].between(75, 150).all()


def test_specific_values(results):
    # external_benchmark_mmlu.csv data row 1: Baichuan 1-7B, EM 42.3%, Baichuan-7B, 5-shot
    row = results[(results.source_file == "external_benchmark_mmlu.csv")
                  & (results.source_row == 1)].iloc[0]
    assert row["model"] == "Baichuan 1-7B" and row["model_version"] == "Baichuan-7B"
    assert row["value"] == pytest.approx(42.3 / 100)
    assert row["metric"] == "exact_match" and row["setting"] == "5-shot"
    assert row["origin"] == "Baichuan 2: Open Large-scale Language Models"
    # model_versions.csv: Baichuan-7B released 2023-06-01
    assert row["date"] == pd.Timestamp("2023-06-01")
    # external_benchmark_os_world.csv row 1: Score "7.690" is a bare percentage
    os_world = results[results.benchmark == "os-world"].iloc[0]
    assert os_world["value"] == pytest.approx(0.0769)
    # external_benchmark_arc_ai2.csv row 1: Yi-6B, challenge 50.3 %, no easy score
    arc = results[(results.source_file == "external_benchmark_arc_ai2.csv")
                  & (results.source_row == 1)]
    assert list(arc.benchmark) == ["arc-challenge"]
    assert arc["value"].iloc[0] == pytest.approx(0.503)
    # benchmarks_runs.csv row 1: OTIS Mock AIME, gpt-4-0613, best score 0.011
    run = results[(results.source_file == "benchmarks_runs.csv")
                  & (results.source_row == 1)].iloc[0]
    assert run["benchmark"] == "otis-mock-aime" and run["model_version"] == "gpt-4-0613"
    assert run["value"] == pytest.approx(0.011) and run["origin"] == "Epoch AI evaluation"
    # ECI row 1: gpt-4-0613, ECI 122.10983844787572, released 2023-06-13
    eci = results[(results.source_file == eb.ECI_FILE) & (results.source_row == 1)].iloc[0]
    assert eci["value"] == pytest.approx(122.10983844787572)
    assert eci["date"] == pd.Timestamp("2023-06-13") and eci["model"] == "GPT-4"


def test_arc_easy_rows(results):
    arc = results[results.source_file == "external_benchmark_arc_ai2.csv"]
    easy = arc[arc.benchmark == "arc-easy"]
    assert 0 < len(easy) < len(arc)
    # every easy row shares its record with a challenge row
    challenge_rows = set(arc.loc[arc.benchmark == "arc-challenge", "source_row"])
    assert set(easy["source_row"]) <= challenge_rows


def test_dates_resolved_for_most_rows(results):
    scored = results[results.benchmark != "eci"]
    share = scored["date"].notna().mean()
    how = results.attrs["date_resolution"]
    assert sum(how.values()) == len(scored)
    assert how.get("unresolved", 0) == scored["date"].isna().sum()
    assert share > 0.95
    # the mirror holds only models released before 2024 (README, "Cut-off")
    assert (results["date"].dropna() < pd.Timestamp("2024-01-01")).all()


def test_model_versions(mirror):
    mv = eb.model_versions()
    assert list(mv.columns) == ["model_version", "epoch_model", "release_date", "display_name"]
    # README: 574 rows, Model filled in 472, Version release date in 538
    assert len(mv) == 574
    assert mv["epoch_model"].notna().sum() == 472
    assert mv["release_date"].notna().sum() == 538
    assert mv["model_version"].is_unique
    assert mv.attrs["attribution"] == [SOURCES[eb.SOURCE].attribution]
    # the upstream id "Llama-2-70b-hf " (trailing blank) is stripped
    assert "Llama-2-70b-hf" in set(mv["model_version"])


def test_compute_from_the_eci_table(compute, results):
    assert list(compute.columns) == list(SCHEMAS["compute"])
    assert (compute["training_flop"] > 0).all()
    assert compute["notes"].str.fullmatch(r"model_version=\S.*").all()
    assert compute["method"].isna().all()
    versions = compute["notes"].str.removeprefix("model_version=")
    assert versions.is_unique
    eci_versions = set(results.loc[results.benchmark == "eci", "model_version"])
    # README: 28 of the 32 rows with an ECI score also have training compute
    assert len(set(versions) & eci_versions) == 28
    # ECI row 1: gpt-4-0613, 2.1e+25 FLOP, confidence "Likely"
    row = compute[compute.source_row == 1].iloc[0]
    assert row["training_flop"] == pytest.approx(2.1e25) and row["confidence"] == "Likely"
    assert row["notes"] == "model_version=gpt-4-0613"
    assert compute.attrs["attribution"] == [SOURCES[eb.SOURCE].attribution]


def test_load_eci_matches_results(results, mirror):
    eci = eb.load_eci()
    assert len(eci) == (results.benchmark == "eci").sum()
    assert list(eci.columns) == list(SCHEMAS["results"])


# ----------------------------------------------------------------------------- malformed input

MMLU = "external_benchmark_mmlu.csv"
HEADER = "id,Name,EM,Model version,Shots,Source,Source link,Notes\n"


def _mmlu(tmp_path: Path, *rows: str) -> Path:
    return write_file(tmp_path / MMLU, HEADER + "".join(r + "\n" for r in rows))


def _error(fn, *args, **kw) -> str:
    with pytest.raises(InputError) as info:
        fn(*args, **kw)
    return str(info.value)


def test_percent_over_100_is_an_error(tmp_path):
    path = _mmlu(tmp_path, "r1,A,50%,a,5,S,,", "r2,B,100.5%,b,5,S,,")
    msg = _error(eb._read_external, path, MMLU)
    assert str(path) in msg and "row 2" in msg and "'EM'" in msg and "over 100%" in msg


def test_bare_number_over_one_is_an_error(tmp_path):
    path = _mmlu(tmp_path, "r1,A,77.0,a,5,S,,")
    msg = _error(eb._read_external, path, MMLU)
    assert "row 1" in msg and "'EM'" in msg and "percent without a % sign" in msg


def test_unparseable_score_is_an_error(tmp_path):
    path = _mmlu(tmp_path, "r1,A,50%,a,5,S,,", "r2,B,about 60%,b,5,S,,")
    msg = _error(eb._read_external, path, MMLU)
    assert str(path) in msg and "row 2" in msg and "'EM'" in msg and "about 60%" in msg


def test_missing_headline_column_is_an_error(tmp_path):
    path = write_file(tmp_path / MMLU, HEADER.replace(",EM,", ",Exact match,") + "r1,A,50%,a,,,,\n")
    msg = _error(eb._read_external, path, MMLU)
    assert str(path) in msg and "'EM'" in msg and "missing column" in msg


def test_truncated_file_is_an_error(tmp_path):
    path = write_file(tmp_path / MMLU, HEADER + "r1,A,50%,a,5,S,,\nr2,B,60%")
    msg = _error(eb._read_external, path, MMLU)
    assert str(path) in msg and "row 2" in msg and "truncated" in msg
    path = write_file(tmp_path / MMLU, HEADER + 'r1,A,50%,a,5,"S, cut off')
    assert "truncated" in _error(eb._read_external, path, MMLU)


def test_unknown_file_is_an_error(tmp_path):
    path = write_file(tmp_path / "external_benchmark_new.csv", HEADER)
    assert "no headline score column" in _error(eb._read_external, path,
                                                 "external_benchmark_new.csv")


def test_percent_strings_blanks_and_duplicates_are_counted(tmp_path):
    path = _mmlu(tmp_path, 'r1,A ,50%,a ,"0\n",S,,', "r2,B,,b,5,S,,", 'r1,A ,50%,a ,"0\n",S,,',
                 "r3,C,0.25,c,few,S,,CoT")
    df = eb._read_external(path, MMLU)
    assert list(df["source_row"]) == [1, 4]
    assert list(df["value"]) == [0.5, 0.25]
    assert list(df["model_version"]) == ["a", "c"]
    assert list(df["setting"]) == ["0-shot", "few-shot; CoT"]
    rep = df.attrs["repairs"]
    assert rep["EM: percent strings converted to fractions"] == 2
    assert rep["EM: blank score dropped"] == 1
    assert rep["exact duplicate records dropped"] == 1


def test_same_id_with_different_values_is_an_error(tmp_path):
    path = _mmlu(tmp_path, "r1,A,50%,a,5,S,,", "r1,A,51%,a,5,S,,")
    msg = _error(eb._read_external, path, MMLU)
    assert "row 2" in msg and "duplicate of row 1" in msg


def test_os_world_reads_bare_percentages(tmp_path):
    name = "external_benchmark_os_world.csv"
    head = "Agent,Model version,Score,Source,Source link,Notes (details),Date added,Trajectories\n"
    path = write_file(tmp_path / name, head + 'X,m,7.690,S,,"t=1.0,\n\nlen = 32k",1/1/2024,\n')
    df = eb._read_external(path, name)
    assert df["value"].iloc[0] == pytest.approx(0.0769)
    assert df["setting"].iloc[0] == "agent: X; t=1.0, len = 32k"
    path = write_file(tmp_path / name, head + "X,m,150,S,,,,\n")
    assert "over 100%" in _error(eb._read_external, path, name)


def test_arc_easy_column_is_required_and_optional_cells(tmp_path):
    name = "external_benchmark_arc_ai2.csv"
    head = "id,Name,Challenge score,Easy score,Model version,Shots,Source,Source link,Notes\n"
    path = write_file(tmp_path / name, head + "r1,A,50%,,a,25-shot,S,,\nr2,B,40%,70%,b,,S,,\n")
    df = eb._read_external(path, name)
    assert list(zip(df.benchmark, df.source_row, strict=True)) == [
        ("arc-challenge", 1), ("arc-challenge", 2), ("arc-easy", 2)]
    assert df["setting"].iloc[0] == "25-shot"
    bad = write_file(tmp_path / name, head.replace("Easy score", "Easy") + "r1,A,50%,,a,,S,,\n")
    assert "'Easy score'" in _error(eb._read_external, bad, name)


RUNS_HEAD = "id,task,model,Best score (across scorers),task version\n"


def test_runs_blank_score_dropped_and_unknown_task_slugged(tmp_path):
    path = write_file(tmp_path / eb.RUNS_FILE, RUNS_HEAD + "a,GPQA diamond,m,0.3,1.0.0\n"
                      "b,MATH level 5,m,,1.0.0\nc,SWE-bench Verified (bash),m,0.1,\n")
    df = eb._read_runs(path)
    assert list(df["benchmark"]) == ["gpqa-diamond", "swe-bench-verified-bash"]
    assert list(df["source_row"]) == [1, 3]
    rep = df.attrs["repairs"]
    assert rep["Best score (across scorers): blank score dropped"] == 1
    assert any("slug 'swe-bench-verified-bash'" in k for k in rep)


def test_runs_score_over_one_is_an_error(tmp_path):
    path = write_file(tmp_path / eb.RUNS_FILE, RUNS_HEAD + "a,GPQA diamond,m,35.7,1.0.0\n")
    msg = _error(eb._read_runs, path)
    assert "row 1" in msg and "Best score (across scorers)" in msg


ECI_HEAD = ("Model version,ECI Score,Release date,Training compute (FLOP),Confidence,"
            "Model name,Display name\n")


@pytest.mark.parametrize(("flop", "what"), [("0", "must be positive"),
                                            ("-1e23", "must be positive"),
                                            ("2e23 FLOP", "cannot parse")])
def test_eci_bad_compute_is_an_error(tmp_path, flop, what):
    path = write_file(tmp_path / eb.ECI_FILE, ECI_HEAD + f"a,100,2023-01-01,1e22,Likely,A,\n"
                      f"b,,2023-01-01,{flop},Likely,B,\n")
    msg = _error(eb._read_eci, path)
    assert str(path) in msg and "row 2" in msg and "'Training compute (FLOP)'" in msg
    assert what in msg


def test_eci_odd_date_is_an_error(tmp_path):
    path = write_file(tmp_path / eb.ECI_FILE, ECI_HEAD + "a,100,13/45/2023,1e22,Likely,A,\n")
    msg = _error(eb._read_eci, path)
    assert "row 1" in msg and "'Release date'" in msg


def test_eci_model_name_fallbacks(tmp_path):
    path = write_file(tmp_path / eb.ECI_FILE, ECI_HEAD + "a,,2023-01-01,1e22,,,Shown A\n"
                      "b,,2023-01-01,,,,\n")
    df = eb._read_eci(path)
    assert list(df["model"]) == ["Shown A", "b"]


def test_model_versions_duplicate_id_is_an_error(tmp_path):
    head = "id,Model,Version release date,Display name\n"
    path = write_file(tmp_path / eb.VERSIONS_FILE, head + "a,A,2023-01-01,\na,A,2023-02-01,\n")
    assert "duplicate of row 1" in _error(eb._read_versions, path)
    path = write_file(tmp_path / eb.VERSIONS_FILE, head + "a,A,2023-01-01,\na ,A,2023-01-01,\n")
    msg = _error(eb._read_versions, path)
    assert "row 2" in msg and "repeats an earlier row" in msg


def test_date_resolution_order():
    nat = pd.NaT
    mv = {"a": pd.Timestamp("2020-01-01"), "b": nat, "c": nat, "d": nat}
    eci = {"b": pd.Timestamp("2021-01-01")}
    model = {"c": "Model C", "d": None}
    dates, how = eb._resolve_dates(pd.Series(["a", "b", "c", "d", None]), mv, eci, model,
                                   {"Model C": "2019-05-01"})
    assert list(dates) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01"),
                           pd.Timestamp("2019-05-01"), nat, nat]
    assert how == {"model_versions": 1, "eci": 1, "models table": 1, "unresolved": 2}
    dates, how = eb._resolve_dates(pd.Series(["c"]), mv, eci, model, None)
    assert dates.isna().all() and how == {"unresolved": 1}


def test_bad_mirror_file_names_file_row_and_column(mirror, tmp_path, monkeypatch):
    """load_results on a mirror whose MMLU file has a bad cell fails with the file named."""
    root = tmp_path / "mirror"
    shutil.copytree(mirror / eb.SOURCE, root / eb.SOURCE)
    target = root / eb.SOURCE / MMLU
    text = target.read_text(encoding="utf-8").replace("42.3%", "142.3%", 1)
    target.chmod(0o644)
    target.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(root))
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path / "cache"))
    msg = _error(eb.load_results)
    assert str(target) in msg and "row 1" in msg and "'EM'" in msg


# ---------------------------------------------------------------------------------- property

percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False,
                       allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(percents, min_size=1, max_size=12), st.booleans())
def test_percent_strings_round_trip(values, os_world):
    """A share written as "<p>%" (or a bare percentage in os_world) reads back as p/100."""
    with tempfile.TemporaryDirectory() as tmp:
        if os_world:
            name = "external_benchmark_os_world.csv"
            body = "Model version,Score,Source\n" + "".join(f"m{i},{v},S\n"
                                                          for i, v in enumerate(values))
        else:
            name = MMLU
            body = HEADER + "".join(f"r{i},M{i},{v}%,m{i},5,S,,\n"
                                    for i, v in enumerate(values))
        path = write_file(Path(tmp) / name, body)
        df = eb._read_external(path, name)
    np.testing.assert_allclose(df["value"], [float(v) / 100 for v in values], rtol=0,
                               atol=1e-12)
    assert list(df["source_row"]) == list(range(1, len(values) + 1))
    assert list(df["model_version"]) == [f"m{i}" for i in range(len(values))]


# ----------------------------------------------------------------- setting kind, publication


@pytest.mark.parametrize(("text", "kind"), [
    ("5-shot CoT", "chain-of-thought"), ("8-shot; CoT", "chain-of-thought"),
    ("zero-shot chain-of-thought", "chain-of-thought"), ("0-shot", "zero-shot"),
    ("zero-shot", "zero-shot"), ("5-shot", "few-shot"), ("25-shot", "few-shot"),
    ("few-shot", "few-shot"), ("fine-tuned on the task", "fine-tuned"), ("HELM", "unknown"),
    ("0-shot and 5-shot", "unknown"), ("Couldn't find shot count", "unknown"), (None, "unknown"),
    ("", "unknown"), ("Cotton", "unknown"),
])
def test_setting_kind_text_rule(text, kind):
    assert eb.setting_kind(text) == kind
    assert kind in eb.SETTING_KINDS


@pytest.mark.parametrize(("shots", "notes", "kind"), [
    ("0", None, "zero-shot"), ("0\n", None, "zero-shot"), ("5", None, "few-shot"),
    ("25-shot", None, "few-shot"), ("few", None, "few-shot"), ("5", "5-shot CoT",
                                                                "chain-of-thought"),
    (None, "3-shot; CoT", "chain-of-thought"), (None, "Couldn't find shot count", "unknown"),
    (None, None, "unknown"),
    # the Shots cell wins over notes that name other settings (mmlu row 112, phi-1.5)
    ("2", "We use the harness-eval zero-shot accuracy on PIQA, 2-shot performance on MMLU",
     "few-shot"),
])
def test_epoch_setting_kind_from_shots_and_notes(shots, notes, kind):
    assert eb.epoch_setting_kind(shots, notes) == kind


@pytest.mark.parametrize(("name", "family"), [
    ("LLaMA 13B", "LLaMA"), ("LLaMA-65B", "LLaMA"), ("LLaMA (7B)", "LLaMA"),
    ("Falcon 7B", "Falcon"), ("falcon-180B-chat", "falcon"), ("Llama 2 70B chat", "Llama 2"),
    ("Llama-2-13b-hf", "Llama-2"), ("LLaMA2-Chat 13B", "LLaMA2"), ("Qwen-1_8B", "Qwen"),
    ("Mixtral 8x7B", "Mixtral"), ("Mistral-7B-Instruct-v0.1", "Mistral"), ("T5-XXL", "T5"),
    ("PaLM 2-S", "PaLM 2"), ("gpt-4-0613", "gpt-4"), ("GPT-3.5-turbo-16k", "GPT-3.5-turbo"),
    ("deepseek-llm:67b-base", "deepseek-llm"), ("text-davinci-003", "text-davinci-003"),
    ("Claude 2.1", "Claude 2.1"), ("7B", "7B"), ("", ""),
])
def test_model_family_strips_size_and_variant_suffixes(name, family):
    assert eb.model_family(name) == family


def test_clean_title():
    assert eb.clean_title(" Gemma 3 Technical Report\n") == "Gemma 3 Technical Report"
    assert eb.clean_title('"Scaling Language Models"') == "Scaling Language Models"
    assert eb.clean_title("Rethinking the inception architecture.") == (
        "Rethinking the inception architecture")
    assert eb.clean_title("  ") is None and eb.clean_title(None) is None


MODELS = pd.DataFrame({
    "model": ["LLaMA-65B", "LLaMA-7B (protein-oriented instruction-tuned)", "PaLM (540B)",
              "Falcon-7B", "Falcon-40B", "GPT-3.5", "OnlyLink 1B", "Twin", "twin"],
    "reference": ["LLaMA: Open and Efficient Foundation Language Models", "Mol-Instructions",
                  "PaLM: Scaling Language Modeling with Pathways", "Falcon-7B ",
                  "Falcon LLM", "", "", "Paper A", "Paper B"],
    "link": ["", "", "", "", "", "https://openai.com", "https://arxiv.org/abs/2101.00001",
             "", ""],
})
VERSIONS = pd.DataFrame({"model_version": ["LLaMA-7B", "text-davinci-003", "falcon-40b-instruct"],
                         "epoch_model": ["LLaMA-7B", "GPT-3.5", "Falcon-40B"]})


def test_publication_index_rules():
    idx = eb.PublicationIndex.build(MODELS, VERSIONS)
    llama = "LLaMA: Open and Efficient Foundation Language Models"
    # the version names an Epoch model missing from the table: the family's title
    assert idx.resolve("LLaMA 7B", "LLaMA-7B") == (llama, "family-reference", "llama")
    assert idx.resolve("LLaMA 13B")[0] == llama  # no version: family of the name
    assert idx.resolve("LLaMA-65B")[:2] == (llama, "key")
    assert idx.resolve("LLAMA 1 33B")[0] == llama  # "LLaMA 1" is LLaMA (FAMILY_ALIASES)
    assert idx.resolve("PaLM 62B")[0] == "PaLM: Scaling Language Modeling with Pathways"
    assert idx.resolve("falcon 7b")[:2] == ("Falcon-7B", "key")
    # two Falcon titles: the family name, spelled as the models table spells it
    assert idx.resolve("falcon-180B-chat")[:2] == ("Falcon", "family")
    # version id → Epoch model without a title → the family (blank titles say nothing)
    assert idx.resolve("text-davinci-003", "text-davinci-003")[:2] == ("GPT-3.5", "family")
    # a name written as a model-version id
    assert idx.resolve("Falcon-40B-Instruct")[:2] == ("Falcon LLM", "version-key")
    assert idx.resolve("OnlyLink 1B")[0] == "arXiv:2101.00001"
    # records that disagree on the title are never used
    assert idx.resolve("TWIN")[:2] == ("Twin", "family")


def test_publications_spell_unknown_families_alike():
    idx = eb.PublicationIndex.build(MODELS, VERSIONS)
    pubs, rules = eb.publications(idx, ["ChatGLM2 6B", "ChatGLM 2-6B (base)*", "ChatGLM2",
                                        "LLaMA 7B"])
    assert pubs[:3] == ["ChatGLM2"] * 3
    assert rules == {"family": 3, "family-reference": 1}


def test_results_carry_publication_and_setting_kind(results):
    for col in ("publication", "setting_kind"):
        assert results[col].notna().all(), col
        assert (results[col].str.strip() != "").all(), col
    assert set(results["setting_kind"]) <= set(eb.SETTING_KINDS)
    assert sum(results.attrs["publication_rules"].values()) == len(results)
    # never the source that reported the score
    assert not results["publication"].str.contains("HELM|leaderboard|Epoch AI").any()


def _one(df, file, row, benchmark=None):
    hit = df[(df.source_file == file) & (df.source_row == row)]
    if benchmark:
        hit = hit[hit.benchmark == benchmark]
    assert len(hit) == 1
    return hit.iloc[0]


def test_setting_kind_of_mirror_rows(results):
    # mmlu row 12 (Claude 1.3): Shots 5, Notes "5-shot CoT"
    assert _one(results, MMLU, 12)["setting_kind"] == "chain-of-thought"
    # bbh row 28 (Phi-2): Shots 3, Notes "3-shot; CoT"; bbh row 4: "Couldn't find shot count"
    assert _one(results, "external_benchmark_bbh.csv", 28)["setting_kind"] == (
        "chain-of-thought")
    assert _one(results, "external_benchmark_bbh.csv", 4)["setting_kind"] == "unknown"
    # hellaswag row 2 (PaLM-540B, 0-shot); row 1 (GPT-4, no shots)
    assert _one(results, "external_benchmark_hellaswag.csv", 2)["setting_kind"] == "zero-shot"
    assert _one(results, "external_benchmark_hellaswag.csv", 1)["setting_kind"] == "unknown"
    assert _one(results, MMLU, 51)["setting_kind"] == "few-shot"
    assert (results.loc[results.benchmark == "eci", "setting_kind"] == "unknown").all()
    assert (results.loc[results.source_file == eb.RUNS_FILE, "setting_kind"] == "unknown").all()


def test_publication_of_mirror_rows(results):
    llama = "LLaMA: Open and Efficient Foundation Language Models"
    # mmlu rows 51/52 (LLAMA 1 7B / 13B, in the Llama 2 paper) and 70 (LLaMA 7B, Qwen report)
    for row in (51, 52, 70):
        got = _one(results, MMLU, row)
        assert got["publication"] == llama
        assert got["origin"] != llama
    # gsm8k rows 1-2: HELM scores of GPT-3.5 versions; the Epoch model has no reference
    for row in (1, 2):
        got = _one(results, "external_benchmark_gsm8k.csv", row)
        assert got["origin"] == "Standford HELM"
        assert got["publication"] == "GPT-3.5"
