"""Output folders written as a whole (computelimits.outfolder): a user's files are never
lost, an interrupted run leaves the earlier result, concurrent runs do not mix."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from _helpers import CLI_EXE, output_folder_run, write_files
from computelimits.errors import OutputError
from computelimits.outfolder import MARKER, OutputFolder


def _hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_folder_gets_the_files_and_the_marker(tmp_path):
    out = output_folder_run(tmp_path / "report", "1")
    assert (out / "a.txt").read_text() == "1" and (out / "sub" / "b.txt").read_text() == "1"
    assert (out / MARKER).is_file() and _hidden(tmp_path) == []


def test_a_folder_this_tool_wrote_is_replaced_whole(tmp_path):
    out = tmp_path / "report"
    with OutputFolder(out) as folder:
        write_files(folder.staging, "1", names=("a.txt", "sub/b.txt", "stale.txt"))
        folder.commit()
    output_folder_run(out, "2")  # a file of the first run that the second does not write: gone
    assert (out / "a.txt").read_text() == "2" and not (out / "stale.txt").exists()
    assert _hidden(tmp_path) == []
    # issue 20: a user's file added to it (or a result file changed) is never removed
    (out / "my_analysis.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"did not write \(my_analysis\.txt\)"):
        output_folder_run(out, "3")
    assert (out / "my_analysis.txt").read_text() == "mine"


def test_a_users_folder_is_refused_and_kept(tmp_path):
    user = tmp_path / "U"
    user.mkdir()
    (user / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match=r"holds files computelimits did not write "
                                          r"\(thesis\.tex\).*--force"):
        output_folder_run(user, "1")
    assert sorted(p.name for p in user.iterdir()) == ["thesis.tex"]
    assert _hidden(tmp_path) == []


def test_force_writes_into_a_users_folder_and_removes_nothing(tmp_path):
    user = tmp_path / "U"
    user.mkdir()
    (user / "thesis.tex").write_text("years of work")
    output_folder_run(user, "1", force=True)
    assert (user / "thesis.tex").read_text() == "years of work"
    assert (user / "a.txt").read_text() == "1" and not (user / MARKER).exists()
    assert [p.name for p in user.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(OutputError, match="did not write"):  # still not ours without --force
        output_folder_run(user, "2")


def test_a_file_is_never_an_output_folder(tmp_path):
    paper = tmp_path / "report.pdf"
    paper.write_bytes(b"%PDF")
    with pytest.raises(OutputError, match="is a file; --out names a folder"):
        output_folder_run(paper, "1")
    assert paper.read_bytes() == b"%PDF" and _hidden(tmp_path) == []


def test_a_failed_run_leaves_the_earlier_result_and_no_staging(tmp_path):
    out = output_folder_run(tmp_path / "report", "1")
    with pytest.raises(RuntimeError), OutputFolder(out) as folder:
        write_files(folder.staging, "half")
        raise RuntimeError("interrupted")
    assert (out / "a.txt").read_text() == "1" and _hidden(tmp_path) == []


def test_staging_left_by_a_killed_run_is_removed_by_the_next(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = tmp_path / f".report.staging-{dead}-abc"
    left.mkdir()
    (left / "big.bin").write_bytes(b"x" * 1000)
    alive = tmp_path / f".report.staging-{os.getppid()}-def"  # a live process: kept
    alive.mkdir()
    output_folder_run(tmp_path / "report", "1")
    assert not left.exists() and alive.exists()


def test_the_current_folder_is_written_in_place(tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    output_folder_run(".", "1")
    assert (here / "a.txt").read_text() == "1" and (here / MARKER).is_file()
    assert sorted(p.name for p in here.iterdir()) == [MARKER, "a.txt", "sub"]
    output_folder_run(".", "2")  # ours now: written again
    assert (here / "a.txt").read_text() == "2"
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.md").write_text("mine")
    monkeypatch.chdir(tmp_path / "busy")
    with pytest.raises(OutputError, match=r"notes\.md"):
        output_folder_run(".", "1")


def test_concurrent_runs_do_not_mix(tmp_path):
    out = tmp_path / "report"
    errors = []

    def one(run):
        try:
            with OutputFolder(out) as folder:
                write_files(folder.staging, run, names=[f"f{i}.txt" for i in range(50)])
                folder.commit()
        except Exception as exc:  # pragma: no cover - the test fails below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(str(i),)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    contents = {(out / f"f{i}.txt").read_text() for i in range(50)}
    assert len(contents) == 1  # one run's result, whole
    assert _hidden(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGKILL"])
def test_an_interrupted_simulate_keeps_the_earlier_result(tmp_path, signal_name):
    """The real command, stopped in the middle: the earlier result is intact; the next run
    leaves no hidden staging folder behind."""
    import signal
    import time

    out = tmp_path / "theory"
    env = {**os.environ, "COMPUTELIMITS_CACHE": str(tmp_path / "cache")}
    first = subprocess.run([*CLI_EXE, "simulate", "--quick", "--reps", "2", "--workers", "1",
                            "--out", str(out)], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = (out / "runs.csv").read_bytes()
    # a shell's background job ignores SIGINT, and children inherit that: restore it
    slow = subprocess.Popen([*CLI_EXE, "simulate", "--p", "400", "--reps", "400",
                             "--workers", "1", "--no-cache", "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
            p.name.startswith(".theory.staging-") for p in tmp_path.iterdir()):
        time.sleep(0.1)
    time.sleep(1.0)
    slow.send_signal(getattr(signal, signal_name))
    _, err = slow.communicate(timeout=60)
    if signal_name == "SIGINT":
        assert slow.returncode == 130 and "interrupted" in err and "Traceback" not in err
        assert not any(p.name.startswith(".theory.") for p in tmp_path.iterdir())
    assert (out / "runs.csv").read_bytes() == before
    again = subprocess.run([*CLI_EXE, "simulate", "--quick", "--reps", "2", "--workers", "1",
                            "--out", str(out)], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert not any(p.name.startswith(".theory.") for p in tmp_path.iterdir())
