"""Issue 20: never overwrite a user's file, never trust what was not verified — one test (or
table) per class of fault, each failing without its fix:

* data loss: the output rule of every ``--out`` (an existing file only with ``--force``;
  never the input, the mirror, the cache or a git-tracked file; folders replaced only when
  every file is the tool's; symlinks followed, never renamed; ``~`` expanded; dangling links
  refused up front) and the sidecar name;
* silent wrong numbers: modified mirror files proven to be what their name says, checksummed
  cache entries, ambiguous slash dates, fractions in percent columns, ``COLUMNS=0``, folder
  permissions, the Python API's argument checks, strict JSON, no silent option changes;
* tracebacks, hangs, unclear messages: absurd compute, streams that cannot be written or
  encode, FIFOs and devices, huge lines and headers, other delimiters and encodings.

In-process (typer's runner) where a subprocess adds nothing; a subprocess for exit codes and
streams."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _helpers import CLI_EXE, assert_one_line_error, output_folder_run, write_rows
from computelimits import _io
from computelimits.errors import (
    ArgumentTypeError,
    ConfigError,
    InputError,
    OutputError,
)
from computelimits.outfolder import MARKER

HEAD = "model,benchmark,metric,value,training_flop,date"
ROWS = [f"M{i},mmlu,accuracy,{0.30 + 0.05 * i:.2f},{10 ** (20 + i)}e0,20{10 + i}-01-01"
        for i in range(8)]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def _deadline(seconds: int):
    """Fail (instead of hanging the suite) if the block runs past ``seconds``."""
    def boom(*_a):
        raise TimeoutError(f"still running after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _cli(*args, env=None, **kw) -> subprocess.CompletedProcess:
    full = {**os.environ, "COLUMNS": "120", **(env or {})}
    return subprocess.run([*CLI_EXE, *args], capture_output=kw.pop("capture", True),
                          text=True, env=full, timeout=120, **kw)


@pytest.fixture
def private_mirror(mirror, tmp_path, monkeypatch):
    """A mirror of links to the shared one, with an empty cache; ``real(rel)`` makes one file
    a real copy, so that a failing test can never write into the shared mirror."""
    from computelimits.data import fetch

    copy = tmp_path / "mirror"
    for f in mirror.rglob("*"):
        if f.is_file():
            target = copy / f.relative_to(mirror)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(f.resolve())
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(copy))
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(fetch, "_notified", set())

    def real(rel: str) -> Path:
        target = copy / rel
        data = target.read_bytes()
        target.unlink()
        target.write_bytes(data)
        return target

    return copy, real


# =========================================================================== data loss
def test_the_input_file_is_never_the_output(invoke, mirror, tmp_path):
    victim = write_rows(tmp_path / "mine.csv", HEAD, ROWS)
    before = _sha(victim)
    for extra in ([], ["--force"]):
        res = invoke("data", "check", str(victim), "--out", str(victim), *extra)
        assert_one_line_error(res, "is this command's input file")
        res = invoke("backtest", "--data", str(victim), "--out", str(victim), *extra)
        assert_one_line_error(res, "is this command's input file")
    assert _sha(victim) == before
    # the Python API too
    from computelimits.data.check import check_file

    with pytest.raises(OutputError, match="input file"):
        check_file(victim, out=victim)
    assert _sha(victim) == before


def test_an_existing_file_needs_force_and_the_sidecar_takes_the_whole_name(invoke, mirror,
                                                                          tmp_path):
    keep = tmp_path / "keep.csv"
    keep.write_text("mine\n")
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", str(keep))
    assert_one_line_error(res, "exists; --force replaces it")
    assert keep.read_text() == "mine\n"
    side = tmp_path / "other.csv.attribution.txt"  # a sidecar in the way: refused up front
    side.write_text("mine\n")
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", str(tmp_path / "other.csv"))
    assert_one_line_error(res, "other.csv.attribution.txt: exists")
    assert not (tmp_path / "other.csv").exists() and side.read_text() == "mine\n"
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", str(keep), "--force")
    assert res.returncode == 0, res.stderr
    assert keep.read_text().startswith("model,") and (tmp_path / "keep.csv.attribution.txt"
                                                      ).is_file()
    assert not (tmp_path / "keep.attribution.txt").exists()


def test_mirror_cache_and_tracked_files_are_never_written(invoke, private_mirror, tmp_path,
                                                          monkeypatch):
    _copy, real = private_mirror
    target = real("epoch-benchmarks/external_benchmark_mmlu.csv")
    before = _sha(target)
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", str(target), "--force")
    assert_one_line_error(res, "is inside the data mirror")
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    res = invoke("crosscheck", "--out", str(cache / "x.csv"), "--force")
    assert_one_line_error(res, "is inside the cache folder")
    assert _sha(target) == before and not (cache / "x.csv").exists()
    if shutil.which("git") is None:
        pytest.skip("git is needed to make a checkout")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("project\n")
    (repo / "results").mkdir()
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "README.md"], check=True)
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", str(repo / "README.md"),
                 "--force")
    assert_one_line_error(res, "is tracked by the git checkout")
    assert (repo / "README.md").read_text() == "project\n"
    res = invoke("simulate", "--quick", "--out", str(repo), "--force")
    assert_one_line_error(res, "holds files tracked by the git checkout")
    # an untracked file of the checkout (results/) is an ordinary output
    from computelimits._tracked import tracked

    assert tracked(repo / "README.md") is not None and tracked(repo / "results" / "x") is None


def test_a_users_file_in_an_earlier_result_is_named_and_kept(tmp_path):
    out = output_folder_run(tmp_path / "report", "1")
    assert "a.txt" in (out / MARKER).read_text()  # the marker lists its files
    (out / "my_analysis.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"my_analysis\.txt"):
        output_folder_run(out, "2")
    (out / "my_analysis.txt").unlink()
    (out / "a.txt").write_text("edited")  # a result changed since: not the tool's any more
    with pytest.raises(OutputError, match=r"changed since \(a\.txt\)"):
        output_folder_run(out, "2")
    assert (out / "a.txt").read_text() == "edited"
    (out / MARKER).write_text("Written by computelimits; the next run replaces it whole.\n")
    with pytest.raises(OutputError, match="lists no files"):  # an older version's marker
        output_folder_run(out, "2")


def test_a_symlink_is_followed_never_renamed(tmp_path):
    target = output_folder_run(tmp_path / "real", "1")
    link = tmp_path / "link"
    link.symlink_to(target)
    output_folder_run(link, "2")
    assert link.is_symlink() and (target / "a.txt").read_text() == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]  # no .link.old-*
    dangling = tmp_path / "gone"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match="dangling"):
        output_folder_run(dangling, "1")
    file_link = tmp_path / "f.csv"
    file_link.symlink_to(tmp_path / "real.csv")
    (tmp_path / "real.csv").write_text("old")
    _io.write_csv(pd.DataFrame({"a": [1]}), file_link)  # the API: replaces, through the link
    assert file_link.is_symlink() and (tmp_path / "real.csv").read_text() == "a\n1\n"


def test_dangling_links_and_tilde_are_decided_before_any_work(invoke, mirror, tmp_path,
                                                              monkeypatch):
    from computelimits.data import export

    def never(*_a, **_k):
        raise AssertionError("the work started")

    monkeypatch.setattr(export, "export_results", never)
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "no" / "such.csv")
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", str(link))
    assert_one_line_error(res, "which does not exist")
    monkeypatch.undo()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    res = invoke("data", "results", "--benchmark", "mmlu", "--out", "~/mmlu.csv")
    assert res.returncode == 0, res.stderr
    assert (home / "mmlu.csv").is_file() and not (tmp_path / "~").exists()
    assert_one_line_error(invoke("data", "results", "--benchmark", "mmlu", "--out", "~"),
                          "is a folder")


def test_every_verb_with_out_has_force():
    import typer.main

    from computelimits import cli

    def commands(cmd, path=()):
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from commands(sub, (*path, name))
        if not hasattr(cmd, "commands"):
            yield path, cmd

    seen = 0
    for path, cmd in commands(typer.main.get_command(cli.app)):
        names = {p.name for p in cmd.params}
        if "out" in names:
            seen += 1
            assert "force" in names, " ".join(path)
    assert seen >= 8


def test_outputs_get_the_permissions_of_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out = output_folder_run(tmp_path / "report", "1")
        written = _io.write_csv(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    finally:
        os.umask(old)
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert oct(written.stat().st_mode & 0o777) == oct(0o644)


# =============================================================== silent wrong numbers
def test_a_mirror_file_that_is_another_table_is_refused(private_mirror):
    from computelimits.data import fetch

    copy, _real = private_mirror
    mmlu = copy / "epoch-benchmarks" / "external_benchmark_mmlu.csv"
    gsm8k = copy / "epoch-benchmarks" / "external_benchmark_gsm8k.csv"
    swapped = gsm8k.read_bytes()
    mmlu.unlink()
    mmlu.write_bytes(swapped)  # GSM8K's rows under MMLU's name
    with pytest.raises(InputError, match=r"not shown to be epoch-benchmarks/external_"
                                         r"benchmark_mmlu\.csv: its rows are not the pinned"):
        fetch.locate("epoch-benchmarks", "external_benchmark_mmlu.csv", download=False)
    # the same table cut to a few rows, or grown by new ones, is used (with the notice)
    rows = swapped.splitlines(keepends=True)
    gsm8k.unlink()  # a real file now: the shared mirror is never written
    gsm8k.write_bytes(b"".join(rows[:5]))
    assert fetch.locate("epoch-benchmarks", "external_benchmark_gsm8k.csv",
                        download=False).where == "mirror"
    gsm8k.write_bytes(b"".join(rows) + b"".join(rows[1:]).replace(b"rec", b"new"))
    assert fetch.locate("epoch-benchmarks", "external_benchmark_gsm8k.csv",
                        download=False).where == "mirror"
    chips = copy / "epoch-hardware" / "chip_dataset.csv"
    chips.unlink()
    chips.write_text("a,b\n1,2\n")  # another header
    with pytest.raises(InputError, match="header lacks the pinned file's columns"):
        fetch.locate("epoch-hardware", "chip_dataset.csv", download=False)


def test_the_packaged_identities_describe_the_shared_mirror(mirror):
    from computelimits.data.identity import _packaged, sketch_mirror, verify

    rows = sketch_mirror(mirror)
    assert {(r["source"], r["file"]) for r in rows} == set(_packaged()), (
        "a registered file has no packaged identity (or one too many): regenerate it with "
        "`python -m computelimits.data.identity $COMPUTELIMITS_DATA > "
        "src/computelimits/data/identities.csv`")
    for source, file in _packaged():
        assert verify(source, file, mirror / source / file) is None, file


def test_a_changed_theory_cache_entry_is_recomputed(tmp_path, monkeypatch):
    from computelimits.theory import TheoryConfig, simulate
    from computelimits.theory import cache as result_cache

    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path))
    cfg = TheoryConfig(p=12, k=3, n_grid=(10, 30), reps=2, seed=4, n_alphas=20)
    fresh = simulate(cfg, workers=1)
    path = result_cache.cache_file(cfg)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        blob = json.load(fh)
    blob["runs"]["performance"] = [v + 5 for v in blob["runs"]["performance"]]
    with gzip.open(path, "wt", encoding="utf-8") as fh:  # valid gzip, same key
        json.dump(blob, fh)
    again = simulate(cfg, workers=1)
    assert not again.from_cache
    pd.testing.assert_series_equal(fresh.runs["performance"], again.runs["performance"])
    path.unlink()
    os.mkfifo(path)  # a FIFO where the entry was: a miss, never a hang
    with _deadline(60):
        assert not simulate(cfg, workers=1).from_cache
    assert path.is_file() and simulate(cfg, workers=1).from_cache


def test_a_corrupted_parsed_table_is_rebuilt(mirror, tmp_path):
    from computelimits.data.catalog import Catalog, _read_entry
    from computelimits.data.join import JoinResult

    root = tmp_path / "mirror"
    shutil.copytree(mirror / "epoch-hardware", root / "epoch-hardware")
    cache = tmp_path / "cache"
    cat = Catalog(mirror=root, cache=cache, download=False)
    chips, prices = cat.chips(), cat.prices()
    files = sorted((cache / "parsed").glob("*.pkl"))
    assert len(files) == 2
    a, b = (f.read_bytes() for f in files)
    files[0].write_bytes(b)  # rotated: each holds the other's table
    files[1].write_bytes(a)
    again = Catalog(mirror=root, cache=cache, download=False)
    assert again.chips().equals(chips) and again.prices().equals(prices)
    for f in files:  # a bare pickle of an empty frame, then a FIFO: rebuilt
        f.write_bytes(__import__("pickle").dumps(pd.DataFrame()))
    assert Catalog(mirror=root, cache=cache, download=False).chips().equals(chips)
    for f in sorted((cache / "parsed").glob("*.pkl")):
        f.unlink()
        os.mkfifo(f)
    with _deadline(60):
        assert Catalog(mirror=root, cache=cache, download=False).chips().equals(chips)
    # an entry of the right key holding another kind of table (a frame where the joined
    # results go: once "AttributeError: 'DataFrame' object has no attribute 'table'")
    entries = [f for f in (cache / "parsed").glob("*.pkl")
               if _read_entry(f, "('chips',)", pd.DataFrame) is not None]
    assert len(entries) == 1
    assert _read_entry(entries[0], "('chips',)", JoinResult) is None
    assert _read_entry(entries[0], "('prices',)", pd.DataFrame) is None


def test_slash_dates_are_read_only_when_the_way_is_known(invoke, mirror, tmp_path):
    amb = write_rows(tmp_path / "amb.csv", HEAD,
                     [r.replace(f"20{10 + i}-01-01", f"0{i + 1}/0{i + 2}/20{10 + i}")
                      for i, r in enumerate(ROWS)])
    res = invoke("data", "check", str(amb))
    assert_one_line_error(res, "could be day/month or month/day")
    assert "--date-format" in res.stderr
    out = tmp_path / "dm.csv"
    res = invoke("data", "check", str(amb), "--date-format", "DD/MM/YYYY", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert pd.read_csv(out)["date"].iloc[0] == "2010-02-01"  # 01/02/2010, day first
    res = invoke("data", "check", str(amb), "--date-format", "MM/DD/YYYY", "--out",
                 str(tmp_path / "md.csv"))
    assert pd.read_csv(tmp_path / "md.csv")["date"].iloc[0] == "2010-01-02"
    decided = write_rows(tmp_path / "decided.csv", HEAD,
                         [*ROWS[:7], ROWS[7].replace("2017-01-01", "15/01/2017")])
    decided.write_text(decided.read_text().replace("2010-01-01", "03/04/2010"))
    res = invoke("data", "check", str(decided), "--out", str(tmp_path / "d.csv"))
    assert res.returncode == 0, res.stderr
    assert "day first, as '15/01/2017' shows" in res.stdout
    assert "2010-04-03" in pd.read_csv(tmp_path / "d.csv")["date"].tolist()
    from computelimits.data.inputs import results_input

    with pytest.raises(ConfigError, match="apply to --data files only"):
        results_input(None, "mmlu", date_format="DD/MM/YYYY")


CP_HEAD = "year,method,gpu,#gpu,hw_gflops,time_sec,top1_error"


def test_fractions_in_a_percent_column_are_refused(invoke, mirror, tmp_path):
    rows = [f"{2012 + i},Net{i},Own GPU,2,{1000 * (i + 1)},{3600 * (i + 1)},"
            f"{0.40 - 0.03 * i:.2f}" for i in range(6)]
    path = write_rows(tmp_path / "cp.csv", CP_HEAD, rows)
    base = ["data", "check", str(path), "--format", "computer-progress", "--benchmark",
            "imagenet"]
    assert_one_line_error(invoke(*base), "every score of this column is ≤ 1")
    res = invoke(*base, "--fraction", "--out", str(tmp_path / "f.csv"))
    assert res.returncode == 0, res.stderr
    assert pd.read_csv(tmp_path / "f.csv")["error"].iloc[0] == pytest.approx(0.40)
    res = invoke(*base, "--percent", "--out", str(tmp_path / "p.csv"))
    assert pd.read_csv(tmp_path / "p.csv")["error"].iloc[0] == pytest.approx(0.004)
    mine = write_rows(tmp_path / "mine.csv", HEAD, ROWS)
    assert_one_line_error(invoke("data", "check", str(mine), "--percent"), "computer-progress")


def test_columns_zero_still_prints():
    res = _cli("estimate", "--flop", "1e24", env={"COLUMNS": "0"})
    assert res.returncode == 0 and "FLOP" in res.stdout and len(res.stdout) > 200


API_CASES = [
    ("fit.predict(-1e24)", ConfigError, "positive finite number"),
    ("fit.predict(10**400)", ConfigError, "beyond the largest"),
    ("fit.predict('1e24')", ArgumentTypeError, "a number"),
    ("fit.conf_int(alpha=1.5)", ConfigError, "0 < alpha < 1"),
    ("fit.conf_int(alpha=float('nan'))", ConfigError, "finite"),
    ("fit.conf_int(method='magic')", ConfigError, "method must be one of"),
    ("fit.halving_multiple(-2.0)", ConfigError, "0 < error < 1"),
    ("fit.halving_multiple(1.5)", ConfigError, "0 < error < 1"),
    ("ScalingFit(n_boot=-5)", ConfigError, "0 ≤ n_boot ≤ 10,000,000"),
    ("ScalingFit(n_boot=2.5)", ArgumentTypeError, "whole number"),
    ("ScalingFit(seed=-1)", ConfigError, "seed"),
    ("ScalingFit().fit(pd.DataFrame())", InputError, "missing columns 'error', 'log10_compute'"),
    ("ScalingFit().fit(data.drop(columns='log10_compute'))", InputError, "'log10_compute'"),
    ("ScalingFit().fit(data.iloc[:0])", InputError, "has no rows"),
    ("ScalingFit().fit(data.to_dict('records'))", ArgumentTypeError, "DataFrame"),
    ("benchmark_data(None)", ArgumentTypeError, "benchmark id"),
    ("benchmark_data('mmlu', joined=[1, 2])", ArgumentTypeError, "DataFrame"),
    ("benchmark_data('mmlu', joined=pd.DataFrame({'benchmark': []}))", InputError,
     "'metric'"),
    ("extrapolate('mmlu', 0.15, n_boot=-5)", ConfigError, "n_boot"),
    ("extrapolate('mmlu', 1.5)", ConfigError, "target_error"),
    ("extrapolate('mmlu', 0.15, data=[1])", ArgumentTypeError, "DataFrame"),
    ("simulate('quick')", ArgumentTypeError, "TheoryConfig.quick()"),
    ("simulate(TheoryConfig.quick(), workers=0)", ConfigError, "workers"),
]


@pytest.mark.parametrize(("call", "error", "text"), API_CASES, ids=[c for c, _e, _t in API_CASES])
def test_the_api_checks_its_arguments(call, error, text):
    from computelimits.scaling import ScalingFit, benchmark_data, extrapolate
    from computelimits.theory import TheoryConfig, simulate

    rng = np.random.default_rng(0)
    data = pd.DataFrame({"error": rng.uniform(0.1, 0.5, 30),
                         "log10_compute": rng.uniform(20, 25, 30)})
    fit = ScalingFit(n_boot=100).fit(data)
    env = {"ScalingFit": ScalingFit, "benchmark_data": benchmark_data, "pd": pd,
           "extrapolate": extrapolate, "simulate": simulate, "TheoryConfig": TheoryConfig,
           "fit": fit, "data": data}
    with pytest.raises(error, match=text):
        eval(call, env)


def test_an_extrapolation_that_cannot_be_sized_gives_no_figure(mirror):
    from computelimits.scaling import extrapolate

    x = extrapolate("mmlu", 1e-300, n_boot=200)
    assert x.identified and x.log10_compute is None and x.usd is None
    assert x.log10_compute_ci_high - x.log10_compute_ci_low > 6
    assert "cannot size this run" in x.notes[-1] and "too wide" in str(x.summary())


def test_json_outputs_are_strict(invoke, mirror, monkeypatch):
    from computelimits.data import inventory

    real = inventory.describe_source

    def with_nan(*a, **k):
        info = real(*a, **k)
        info["files"][0]["note"] = float("nan")
        return info

    monkeypatch.setattr(inventory, "describe_source", with_nan)
    res = invoke("data", "info", "epoch-ai-models", "--json")
    assert res.returncode == 0, res.stderr
    json.loads(res.stdout, parse_constant=lambda c: pytest.fail(f"non-strict token {c}"))
    assert json.loads(res.stdout)["files"][0]["note"] is None


def test_a_capped_option_says_so(capsys):
    from computelimits.cli import _shared as ui

    assert ui.capped_boot(500, 4000, "x") == 500
    assert ui.capped_boot(10_000, 4000, "the time-aware models") == 4000
    assert "--n-boot 10,000 capped at 4,000" in capsys.readouterr().err


# ================================================== tracebacks, hangs, unclear messages
def test_absurd_compute_is_refused_and_never_overflows(invoke, mirror, tmp_path):
    rows = [ROWS[0].replace("100000000000000000000e0", "1e-300"), *ROWS[1:]]
    path = write_rows(tmp_path / "mine.csv", HEAD, rows)
    assert_one_line_error(invoke("data", "check", str(path)), "below 1 FLOP")
    assert_one_line_error(invoke("fit", "--data", str(path), "--n-boot", "100"),
                          "below 1 FLOP")
    from computelimits.scaling import ScalingFit

    data = pd.DataFrame({"error": [0.5, 0.45, 0.4, 0.35],
                         "log10_compute": [-300.0, 20.0, 21.0, 22.0]})
    for form in ("polynomial", "exponential", "logit"):
        multiple = ScalingFit(form, n_boot=0).fit(data).halving_multiple()
        assert multiple > 0  # infinite when the slope is next to zero, never an error


def _hostile_files(folder: Path) -> list[tuple[Path, str]]:
    text = HEAD + "\n" + "\n".join(ROWS) + "\n"
    cases = []

    def add(name, data, message):
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        cases.append((path, message))

    add("semicolon.csv", text.replace(",", ";"), "separated by ';'")
    add("european.csv", text.replace(",", ";").replace("0.3", "0,3"), "separated by ';'")
    add("tabs.csv", text.replace(",", "\t"), "separated by tabs")
    add("sep_semicolon.csv", "sep=;\n" + text.replace(",", ";"), "says the fields are "
        "separated by ';'")
    add("utf16.csv", text.encode("utf-16-le"), "UTF-16 text without a byte-order mark")
    add("utf16bom.csv", text.encode("utf-16"), "is UTF-16 text")
    add("wide.csv", ",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join(
        "1" for _ in range(10_000)) + "\n", "10,000 columns")
    add("longline.csv", "a," * 600_000 + "\n", "longer than 1,000,000 characters")
    fifo = folder / "fifo.csv"
    os.mkfifo(fifo)
    cases.append((fifo, "is a FIFO"))
    zero = folder / "zero.csv"
    zero.symlink_to("/dev/zero")
    cases.append((zero, "is a device"))
    return cases


def test_hostile_users_files_are_one_clear_line_fast(invoke, mirror, tmp_path):
    for path, message in _hostile_files(tmp_path):
        with _deadline(30):
            res = invoke("data", "check", str(path))
        line = assert_one_line_error(res, message)
        assert len(line) < 400, line  # capped (the 10,000-column file once gave 89 KB)


def test_sep_lines_and_classic_mac_line_ends_are_read(invoke, mirror, tmp_path):
    text = HEAD + "\n" + "\n".join(ROWS) + "\n"
    for name, data, repair in [("sep.csv", "sep=,\n" + text, "'sep=,' first line skipped"),
                               ("mac.csv", text.replace("\n", "\r"), "classic Mac OS")]:
        path = tmp_path / name
        path.write_text(data, newline="")
        res = invoke("data", "check", str(path))
        assert res.returncode == 0, res.stderr
        assert f"{len(ROWS)} valid results" in res.stdout and repair in res.stdout


def test_streams_that_cannot_be_written(tmp_path):
    with open(os.devnull, "w") as null, open("/dev/full", "w") as full:
        res = _cli("--help", stdout=full, capture=False, stderr=subprocess.PIPE)
        assert res.returncode == 2 and "no space left" in res.stderr
        assert "Traceback" not in res.stderr
        res = _cli("estimate", "--flop", "-1", stdout=null, stderr=full, capture=False)
        assert res.returncode == 2  # the error line is lost, not the code
        res = _cli("estimate", "--flop", "1e24", stdout=null, stderr=full, capture=False)
        assert res.returncode == 0
    res = _cli("estimate", "--flop", "1e24", capture=False, stderr=subprocess.PIPE,
               preexec_fn=lambda: os.close(1))
    assert res.returncode == 2 and "standard output is closed" in res.stderr
    proc = subprocess.Popen([*CLI_EXE, "--help"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader went away (`| head`)
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141 and b"Traceback" not in err


def test_an_ascii_terminal_gets_escapes_not_tracebacks(mirror, tmp_path):
    env = {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    res = _cli("estimate", "--flop", "1e24", env=env)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    out = tmp_path / "résultats" / "é.csv"
    res = _cli("data", "results", "--benchmark", "mmlu", "--out", str(out), env=env)
    assert res.returncode == 0, res.stderr
    assert out.is_file() and "\\xe9" in res.stdout
    assert _cli("--help", env=env).returncode == 0
