"""The README works as written: every ```python block runs as a saved script (in a fresh
folder, with COMPUTELIMITS_DATA set as the set-up says), every command line it shows names
verbs and options that exist (parsed by the real command line, nothing run), the data
mirror is set once, and every output it writes lands in the git-ignored results/ folder."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _fenced(lang: str) -> list[str]:
    """The bodies of the README's ```lang blocks, in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```", TEXT, flags=re.M | re.S)


def _is_template(line: str) -> bool:
    """A command with a placeholder (``computelimits VERB --help``, ``--out DIR``) shows a
    shape, not a command to run."""
    return any(re.fullmatch(r"[A-Z]{3,}", word) for word in shlex.split(line, comments=True))


def _command_lines() -> list[str]:
    """Every ``computelimits ...`` command of the README: the lines of its ```bash blocks
    (continuation lines joined) and the inline code spans, placeholders left out."""
    found = []
    for block in _fenced("bash"):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("computelimits "):
                found.append(" ".join(line.split()))
    for span in re.findall(r"`(computelimits [^`]+)`", TEXT):
        found.append(" ".join(span.split()))
    lines = (shlex.join(shlex.split(line, comments=True)) for line in found)
    return [line for line in dict.fromkeys(lines) if not _is_template(line)]


PYTHON_BLOCKS = _fenced("python")
COMMAND_LINES = _command_lines()


def _block_id(block: str) -> str:
    first = next(ln for ln in block.splitlines()
                 if ln.strip() and not ln.startswith(("from ", "import ", " ")))
    return first.split("#")[0].strip()[:40]


def test_the_readme_has_what_these_tests_read():
    assert len(PYTHON_BLOCKS) >= 3
    assert len(COMMAND_LINES) >= 25
    verbs = {shlex.split(line)[1] for line in COMMAND_LINES}
    assert {"reproduce", "simulate", "data", "estimate", "crosscheck", "fit", "extrapolate",
            "trends", "backtest"} <= verbs


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[_block_id(b) for b in PYTHON_BLOCKS])
def test_python_block_runs_as_a_saved_script(block, mirror, tmp_path):
    """Saved as a file and run with ``python FILE`` in an empty folder: exit code 0, and
    anything it writes is under results/."""
    script = tmp_path / "snippet.py"
    script.write_text(block, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, COMPUTELIMITS_DATA=str(mirror), MPLBACKEND="Agg")
    res = subprocess.run([sys.executable, str(script)], cwd=work, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Traceback" not in res.stderr
    written = [f.relative_to(work) for f in work.rglob("*") if f.is_file()]
    assert all(f.parts[0] == "results" for f in written), written


def _parse(line: str) -> None:
    """Parse ``line`` with the real command line, as typing it would, without running the
    verb: an unknown verb or option, a missing required option, or a value of the wrong type
    raises click's usage error."""
    import typer.main

    from computelimits import cli

    words = shlex.split(line, comments=True)[1:]
    cmd = typer.main.get_command(cli.app)
    path = ["computelimits"]
    while getattr(cmd, "commands", None) is not None and words and not words[0].startswith("-"):
        name = words.pop(0)
        assert name in cmd.commands, f"no command {name!r} under {' '.join(path)}"
        cmd = cmd.commands[name]
        path.append(name)
    try:
        cmd.make_context(" ".join(path), words)
    except Exception as exc:  # --help and --version end parsing with an exit code
        if getattr(exc, "exit_code", None) != 0:
            raise


@pytest.mark.parametrize("line", COMMAND_LINES, ids=COMMAND_LINES)
def test_readme_command_line_parses(line, capsys):
    _parse(line)


def test_the_parse_check_fails_on_what_a_readme_could_get_wrong():
    for bad in ("computelimits fitt --benchmark mmlu",
                "computelimits fit --benchmark mmlu --no-such-option",
                "computelimits estimate --chips many",
                "computelimits data results --benchmark mmlu"):  # --out is required
        with pytest.raises(Exception, match=r"(?i)option|command|valid|missing|not a number"):
            _parse(bad)


def test_readme_outputs_go_under_results():
    """Every ``--out`` the README shows is under the git-ignored results/ folder."""
    outs = []
    for line in COMMAND_LINES:
        words = shlex.split(line, comments=True)
        outs += [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("--out", "-o")]
    assert len(outs) >= 5
    assert [o for o in outs if Path(o).parts[0] != "results"] == []


def test_the_data_mirror_is_set_once():
    """The set-up exports COMPUTELIMITS_DATA; no command after it repeats the setting."""
    settings = [ln for block in _fenced("bash") for ln in block.splitlines()
                if "COMPUTELIMITS_DATA=" in ln and not ln.lstrip().startswith("#")]
    assert len(settings) == 1 and settings[0].startswith("export COMPUTELIMITS_DATA=")
