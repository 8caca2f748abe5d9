"""Shared fixtures. Results of expensive runs are computed once per session. Helpers that
tests import are in _helpers.py (a test module does not import conftest)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from _helpers import cli_invoke, cli_run
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
