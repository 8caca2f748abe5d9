"""The one door to the data: Catalog settings, per-instance and on-disk parsed tables,
strictness on cache hits, attribution from rows, formulas shared by data and compute."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from computelimits import formulas
from computelimits.compute import burden
from computelimits.data import Catalog, attribution, resolve_catalog
from computelimits.data import fetch as F  # noqa: N812
from computelimits.data.registry import SOURCES
from computelimits.errors import ConfigError, InputError


@pytest.fixture()
def small_mirror(mirror, tmp_path):
    """A copy of the epoch-hardware source only (pinned files)."""
    root = tmp_path / "mirror"
    shutil.copytree(mirror / "epoch-hardware", root / "epoch-hardware")
    return root


def test_settings_are_read_once_and_arguments_win(monkeypatch, tmp_path, mirror):
    monkeypatch.setenv(F.ENV_MIRROR, str(mirror))
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "c1"))
    monkeypatch.setenv(F.ENV_STRICT, "1")
    cat = Catalog()
    assert cat.mirror == mirror and cat.cache == tmp_path / "c1" and cat.strict
    monkeypatch.setenv(F.ENV_MIRROR, str(tmp_path / "elsewhere"))
    assert cat.mirror == mirror  # read once, when made
    (tmp_path / "m").mkdir()
    other = Catalog(mirror=tmp_path / "m", cache=tmp_path / "c2", strict=False)
    assert (other.mirror, other.cache, other.strict) == (tmp_path / "m", tmp_path / "c2", False)
    assert "strict=False" in repr(other)


def test_tables_are_parsed_once_per_catalog_and_copies_are_returned(small_mirror, tmp_path,
                                                                    monkeypatch):
    cat = Catalog(mirror=small_mirror, cache=tmp_path / "cache", download=False)
    calls = []
    from computelimits.data.loaders import epoch_hardware

    real = epoch_hardware.load_chips
    monkeypatch.setattr(epoch_hardware, "load_chips",
                        lambda **kw: calls.append(1) or real(**kw))
    a = cat.chips()
    a.loc[0, "chip"] = "changed by the caller"
    b = cat.chips()
    assert len(calls) == 1 and b.loc[0, "chip"] != "changed by the caller"


def test_parsed_tables_persist_between_catalogs_keyed_by_checksums(small_mirror, tmp_path,
                                                                   monkeypatch):
    cache = tmp_path / "cache"
    first = Catalog(mirror=small_mirror, cache=cache, download=False).chips()
    assert list((cache / "parsed").glob("*.pkl"))
    from computelimits.data.loaders import epoch_hardware

    def boom(**kw):
        raise AssertionError("parsed again although nothing changed")

    monkeypatch.setattr(epoch_hardware, "load_chips", boom)
    again = Catalog(mirror=small_mirror, cache=cache, download=False).chips()
    assert again.equals(first)
    # a changed file parses afresh (and the changed file is noticed)
    monkeypatch.undo()
    path = small_mirror / "epoch-hardware" / "chip_dataset.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))
    notices: list[str] = []
    monkeypatch.setattr(F, "notice", notices.append)
    monkeypatch.setattr(F, "_notified", set())
    changed = Catalog(mirror=small_mirror, cache=cache, download=False).chips()
    assert len(changed) == len(first) and notices
    # only the newest entry of a table is kept
    assert len(list((cache / "parsed").glob("*.pkl"))) == 1


def test_a_cache_hit_still_refuses_a_modified_file_in_strict_mode(small_mirror, tmp_path,
                                                                  monkeypatch):
    cache = tmp_path / "cache"
    path = small_mirror / "epoch-hardware" / "chip_dataset.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    monkeypatch.setattr(F, "notice", lambda m: None)
    Catalog(mirror=small_mirror, cache=cache, download=False).chips()  # cached, lenient
    with pytest.raises(InputError, match="strict mode"):
        Catalog(mirror=small_mirror, cache=cache, strict=True, download=False).chips()


def test_a_corrupt_cache_entry_is_rebuilt(small_mirror, tmp_path):
    cache = tmp_path / "cache"
    first = Catalog(mirror=small_mirror, cache=cache, download=False).chips()
    for p in (cache / "parsed").glob("*.pkl"):
        p.write_bytes(b"not a pickle")
    assert Catalog(mirror=small_mirror, cache=cache, download=False).chips().equals(first)


def test_two_mirrors_in_one_process_give_their_own_tables(small_mirror, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(small_mirror, other)
    path = other / "epoch-hardware" / "chip_dataset.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:4]))  # header + 3 chips
    a = Catalog(mirror=small_mirror, cache=tmp_path / "c", download=False, persist=False)
    b = Catalog(mirror=other, cache=tmp_path / "c", download=False, persist=False)
    assert len(b.chips()) < len(a.chips())


def test_missing_files_are_listed_without_downloading(tmp_path):
    (tmp_path / "empty").mkdir()
    cat = Catalog(mirror=tmp_path / "empty", cache=tmp_path / "cache", download=False)
    lines = cat.missing()
    assert len(lines) == len(SOURCES)
    assert all("missing; supply with" in line for line in lines)
    status = cat.status()
    assert set(status["where"]) == {"missing"}
    assert len(status) == sum(len(s.files) for s in SOURCES.values())
    with pytest.raises(InputError, match=r"neither in the mirror .*empty nor in the cache"):
        cat.chips()


def test_status_of_the_shared_mirror(mirror, tmp_path):
    status = Catalog(mirror=mirror, cache=tmp_path / "c").status()
    assert set(status["where"]) == {"mirror"}
    assert status["pinned"].any() and not status["pinned"].all()  # the documented cuts


def test_resolve_catalog_follows_the_environment_and_file_changes(small_mirror, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv(F.ENV_MIRROR, str(small_mirror))
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    a = resolve_catalog()
    assert resolve_catalog() is a
    path = small_mirror / "epoch-hardware" / "chip_dataset.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    assert resolve_catalog() is not a
    monkeypatch.setenv(F.ENV_STRICT, "1")
    assert resolve_catalog().strict


def test_unknown_table_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="results, compute, hardware, grid"):
        Catalog(cache=tmp_path).table("nope")


def test_attribution_is_built_from_the_rows_sources(mirror, tmp_path):
    cat = Catalog(mirror=mirror, cache=tmp_path / "c")
    joined = cat.joined().table
    lines = attribution(joined)
    used = set(joined["source"]) | set(joined["compute_source"].dropna())
    assert len(lines) == len(used & set(SOURCES))
    assert all(line in {s.attribution for s in SOURCES.values()} for line in lines)
    mmlu = cat.results("mmlu")
    assert mmlu.attrs["attribution"] == attribution(mmlu)
    user = mmlu.head(2).assign(source="user-generic", source_file="mine.csv")
    assert attribution(user) == ["user file mine.csv"]
    assert attribution(["epoch-ai-models"]) == [SOURCES["epoch-ai-models"].attribution]


def test_formulas_are_shared_by_data_and_compute():
    assert burden.hardware_burden(8, 1e12, 3600.0) == formulas.hardware_burden_flop(8, 1e12,
                                                                                     3600.0)
    assert burden.network_operations(2e9, 1.28e6, 90) == formulas.network_operations_flop(
        2e9, 3.0, 1.28e6, 90)
    x = np.array([1.0, 2.0])
    assert np.array_equal(formulas.macs_to_flop(x), 2 * x)
