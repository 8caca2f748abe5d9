"""The theory result cache: an unchanged rerun is served from it, any change is not."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from computelimits.theory import TheoryConfig, simulate
from computelimits.theory import cache as result_cache

CFG = TheoryConfig(p=12, k=3, n_grid=(10, 30), reps=2, seed=4, n_alphas=20)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path))
    return tmp_path / "theory"


def test_an_unchanged_rerun_comes_from_the_cache(cache_dir):
    first = simulate(CFG, workers=1)
    assert not first.from_cache
    files = list(cache_dir.iterdir())
    assert len(files) == 1 and files[0] == result_cache.cache_file(CFG)
    assert not [f for f in files if f.name.startswith(".")]  # no temporary file left
    again = simulate(CFG, workers=1)
    assert again.from_cache
    pd.testing.assert_frame_equal(first.runs, again.runs, check_exact=True)
    pd.testing.assert_frame_equal(first.to_frame(), again.to_frame(), check_exact=True)
    assert again.config == CFG and again.elapsed_s == first.elapsed_s


@pytest.mark.parametrize("change", [{"seed": 5}, {"reps": 3}, {"snr": 2.0}, {"tol": 1e-8},
                                    {"patience": 0}, {"n_grid": (10, 31)}])
def test_a_changed_field_misses(cache_dir, change):
    simulate(CFG, workers=1)
    other = simulate(CFG.replace(**change), workers=1)
    assert not other.from_cache
    assert len(list(cache_dir.iterdir())) == 2


def test_the_key_covers_version_and_source(monkeypatch):
    key = result_cache.cache_key(CFG)
    monkeypatch.setattr(result_cache, "__version__", "0.0.0-other")
    assert result_cache.cache_key(CFG) != key
    monkeypatch.undo()
    monkeypatch.setattr(result_cache, "source_digest", lambda: "edited")
    assert result_cache.cache_key(CFG) != key


@pytest.mark.parametrize("garbage", [b"", b"not gzip at all", gzip.compress(b"{not json"),
                                     gzip.compress(b'{"key": "x"}'),
                                     gzip.compress(b"[1, 2, 3]")])
def test_a_corrupt_file_is_ignored_and_replaced(cache_dir, garbage, capsys):
    fresh = simulate(CFG, workers=1)
    path = result_cache.cache_file(CFG)
    path.write_bytes(garbage)
    again = simulate(CFG, workers=1)
    assert not again.from_cache
    pd.testing.assert_frame_equal(fresh.runs.drop(columns="seconds"),
                                  again.runs.drop(columns="seconds"), check_exact=True)
    assert "Traceback" not in capsys.readouterr().err
    assert simulate(CFG, workers=1).from_cache  # rewritten


def test_a_truncated_file_is_ignored(cache_dir):
    simulate(CFG, workers=1)
    path = result_cache.cache_file(CFG)
    path.write_bytes(path.read_bytes()[:40])
    assert not simulate(CFG, workers=1).from_cache


def test_cache_false_neither_reads_nor_writes(cache_dir):
    res = simulate(CFG, workers=1, cache=False)
    assert not res.from_cache
    assert not cache_dir.exists() or not list(cache_dir.iterdir())
    simulate(CFG, workers=1)
    assert not simulate(CFG, workers=1, cache=False).from_cache


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(blocker))
    assert not simulate(CFG, workers=1).from_cache
    assert not simulate(CFG, workers=1).from_cache
