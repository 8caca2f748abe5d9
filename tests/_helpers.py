"""Helpers the test modules import (``from _helpers import ...``): writing small input files,
running the command line, checking its one-line errors, synthetic dated results. Fixtures and
hooks stay in conftest.py, which pytest loads itself and which is not imported."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------------- files on disk


def write_file(path: Path, content: str | bytes, *, encoding: str = "utf-8",
               newline: str | None = None) -> Path:
    """Write ``content`` to ``path`` (its folder made if missing) and return ``path``: bytes as
    they are; text in ``encoding``, line breaks translated as ``open(newline=...)`` does
    (``None``, the default: ``\\n`` becomes the platform's; ``""``: written as they are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding, newline=newline)
    return path


def write_rows(path: Path, head: str | Sequence[str],
               rows: Iterable[str] | Iterable[Sequence[str]], *, newline: str = "\n") -> Path:
    """A CSV file at ``path`` (UTF-8), returned. Either as written — ``head`` the header line
    and ``rows`` lines, ``head + "\\n" + "\\n".join(rows) + "\\n"`` (no rows: the header and an
    empty line) — or as cells: ``head`` and ``rows`` lists quoted by :func:`csv.writer`, each
    line ended by ``newline`` (``"\\r\\n"`` for a spreadsheet's file)."""
    if isinstance(head, str):
        return write_file(path, head + "\n" + "\n".join(rows) + "\n")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(head)
    writer.writerows(rows)
    return write_file(path, buf.getvalue(), newline="")


def write_files(folder: Path, text: str, names: Iterable[str] = ("a.txt", "sub/b.txt")) -> None:
    """The same ``text`` in each of ``names`` (paths relative to ``folder``)."""
    for name in names:
        write_file(folder / name, text)


def output_folder_run(out: Path, text: str, **kw) -> Path:
    """One run of :class:`~computelimits.outfolder.OutputFolder` at ``out`` (``kw`` its
    options) that writes ``text`` into a.txt and sub/b.txt; returns what ``commit`` returns."""
    from computelimits.outfolder import OutputFolder

    with OutputFolder(out, **kw) as folder:
        write_files(folder.staging, text)
        return folder.commit()


# ------------------------------------------------------------------------ the command line
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


def cli_invoke(*args: str, env: dict[str, str] | None = None, columns: int = int(CLI_COLUMNS),
               markup: bool | None = None) -> CliResult:
    """The command in this process (typer's runner, standalone mode, so exit codes and
    error messages are those of the real entry point): the same code path without the
    interpreter's start-up and with the data the catalog already parsed. Unexpected
    exceptions propagate to the test. ``columns``: the terminal's width; ``markup``: rich
    markup on or off (``None``: as the package's consoles have it)."""
    from rich.console import Console
    from typer.testing import CliRunner

    from computelimits import cli
    from computelimits.cli import _shared

    saved = _shared.console, _shared.err_console
    out_markup = _shared.console._markup if markup is None else markup
    err_markup = _shared.err_console._markup if markup is None else markup
    _shared.console = Console(width=columns, markup=out_markup)
    _shared.err_console = Console(stderr=True, width=columns, markup=err_markup)
    try:
        res = CliRunner().invoke(cli.app, list(args), catch_exceptions=False,
                                 env={"COLUMNS": str(columns), **(env or {})},
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


# ------------------------------------------------------------------ synthetic dated results
def dated_results(seed: int = 0, n: int = 80, benchmark: str = "synthetic"):
    """Dated synthetic results, 20 papers: log10 error = −0.3 − 0.1·(log10 C − 22)
    − 0.04·(year − 2015) + noise (sd 0.03)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    year = np.sort(rng.uniform(2018.0, 2023.0, n))
    x = 20 + 0.5 * (year - 2018.0) + rng.uniform(-1.5, 1.5, n)
    y = -0.3 - 0.1 * (x - 22) - 0.04 * (year - 2015) + rng.normal(0, 0.03, n)
    dates = pd.to_datetime([f"{int(v)}-01-01" for v in year]) + pd.to_timedelta(
        (year % 1) * 365, "D")
    g = np.arange(n) % 20
    return pd.DataFrame({"benchmark": benchmark, "error": 10 ** y, "log10_compute": x,
                         "year": year, "date": dates, "cluster": [f"p{i}" for i in g],
                         "paper": [f"p{i}" for i in g], "model": [f"m{i}" for i in range(n)]})


def panel(rng, n=90, slope=-0.1, rate=0.4, sd=0.03, drift=0.0, start=2016.0, years=7.0,
          benchmark="b0"):
    """Results with log10 error = −0.3 + slope·(log10 C − 22 + rate·(year − 2015)) + w(year)
    + noise, one paper each, sorted by date, where w is a random walk of ``drift`` (log10
    error per √year): the relation drifts, so errors grow with the horizon."""
    import numpy as np
    import pandas as pd

    from computelimits.scaling.fit import YEAR0

    year = np.sort(rng.uniform(start, start + years, n))
    x = 20 + 0.5 * (year - start) + rng.uniform(-1.5, 1.5, n)
    steps = rng.normal(0, drift * np.sqrt(np.diff(np.concatenate([[start], year]))))
    w = np.cumsum(steps)
    y = -0.3 + slope * (x - 22 + rate * (year - YEAR0)) + w + rng.normal(0, sd, n)
    dates = pd.to_datetime([f"{int(v)}-01-01" for v in year]) + pd.to_timedelta(
        (year % 1) * 365, "D")
    return pd.DataFrame({"benchmark": benchmark, "error": 10 ** y, "log10_compute": x,
                         "year": year, "date": dates, "cluster": [f"p{i}" for i in range(n)],
                         "model": [f"{benchmark}-m{i}" for i in range(n)],
                         "source_file": f"{benchmark}.csv", "source_row": np.arange(n) + 2})
