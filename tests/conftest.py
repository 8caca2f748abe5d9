"""Shared fixtures. Results of expensive runs are computed once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from computelimits.theory import TheoryConfig, simulate

#: Replications of the default-size run that the "what it must show" tests share.
DEFAULT_REPS = 24


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Every test session gets its own cache folder (parsed tables, theory results), so
    that no test reads what an earlier session or the user's own runs left behind;
    within the session the caches are shared, as a user's successive commands share them."""
    folder = tmp_path_factory.mktemp("cache")
    # the README's command sets a relative mirror (../shared/data); tests that change the
    # working folder must still find it
    data = os.environ.get("COMPUTELIMITS_DATA", "").strip()
    if data and Path(data).is_dir():
        os.environ["COMPUTELIMITS_DATA"] = str(Path(data).absolute())
    old = os.environ.get("COMPUTELIMITS_CACHE")
    os.environ["COMPUTELIMITS_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("COMPUTELIMITS_CACHE", None)
    else:
        os.environ["COMPUTELIMITS_CACHE"] = old


@pytest.fixture(scope="session")
def default_result():
    """The default experiment (p = 1000, k = 10, SNR 1, n = 10..100,000) with fewer
    replications, on two local processes."""
    return simulate(TheoryConfig(reps=DEFAULT_REPS, seed=2020), workers=2)


@pytest.fixture(scope="session")
def quick_result():
    return simulate(TheoryConfig.quick(seed=5), workers=1)


@pytest.fixture(scope="session")
def mirror():
    """The shared data mirror named by COMPUTELIMITS_DATA (the README's test command sets it)."""
    value = os.environ.get("COMPUTELIMITS_DATA")
    if not value or not Path(value).is_dir():
        pytest.skip("COMPUTELIMITS_DATA does not name the shared data mirror")
    return Path(value)


# ---------------------------------------------------------------------- the command line
# the console script installed beside this interpreter, as a user would type it
_SCRIPT = Path(sys.executable).with_name("computelimits")
CLI_EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "computelimits"]
CLI_COLUMNS = "160"


@dataclass
class CliResult:
    """What a command left: exit code, stdout and stderr (as ``subprocess`` names them)."""

    returncode: int
    stdout: str
    stderr: str


def cli_run(*args: str, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in a new process through the installed entry point, as a user runs it
    (``env`` adds to the environment)."""
    full = dict(os.environ, COLUMNS=CLI_COLUMNS, **(env or {}))
    return subprocess.run([*CLI_EXE, *args], capture_output=True, text=True, cwd=cwd,
                          env=full, timeout=600)


def cli_invoke(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """The command in this process (typer's runner, standalone mode, so exit codes and
    error messages are those of the real entry point): the same code path without the
    interpreter's start-up and with the data the catalog already parsed. Unexpected
    exceptions propagate to the test."""
    from rich.console import Console
    from typer.testing import CliRunner

    from computelimits import cli
    from computelimits.cli import _shared

    saved = _shared.console, _shared.err_console
    _shared.console = Console(width=int(CLI_COLUMNS), markup=_shared.console._markup)
    _shared.err_console = Console(stderr=True, width=int(CLI_COLUMNS),
                                  markup=_shared.err_console._markup)
    try:
        res = CliRunner().invoke(cli.app, list(args), catch_exceptions=False,
                                 env={"COLUMNS": CLI_COLUMNS, **(env or {})},
                                 prog_name="computelimits")
    finally:
        _shared.console, _shared.err_console = saved
    return CliResult(res.exit_code, res.stdout, res.stderr)


def assert_one_line_error(res: CliResult | subprocess.CompletedProcess,
                          message: str | None = None) -> str:
    """The command failed the way the package promises: exit code 2 and one line on stderr
    (containing ``message``), no traceback. Returns the line."""
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    if message is not None:
        assert message in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="session")
def run():
    """:func:`cli_run`: the command line in a new process."""
    return cli_run


@pytest.fixture(scope="session")
def invoke():
    """:func:`cli_invoke`: the command line in this process."""
    return cli_invoke


@pytest.fixture
def modified_mirror(mirror, tmp_path, monkeypatch):
    """A copy of the shared mirror (files linked, not copied) in which one pinned file,
    ``epoch-hardware/chip_dataset.csv``, differs from its pin, with an empty download cache
    so nothing else is found. Returns the path of the changed file."""
    copy = tmp_path / "mirror"
    for src in mirror.iterdir():
        if src.is_dir():
            (copy / src.name).mkdir(parents=True)
            for f in src.rglob("*"):
                if f.is_file():
                    target = copy / src.name / f.relative_to(src)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.symlink_to(f.resolve())
    changed = copy / "epoch-hardware" / "chip_dataset.csv"
    data = (mirror / "epoch-hardware" / "chip_dataset.csv").read_bytes()
    changed.unlink()
    # the same rows with or without a final line break: another sha256, the same table
    changed.write_bytes(data[:-1] if data.endswith(b"\n") else data + b"\n")
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(copy))
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPUTELIMITS_STRICT", raising=False)
    from computelimits.data import fetch

    monkeypatch.setattr(fetch, "_notified", set())  # the notice is once per process
    return changed
