"""`reproduce` reads its data through one catalog and checks them before anything runs."""

from __future__ import annotations

import pytest

from computelimits.errors import ComputeLimitsError


@pytest.fixture
def empty_data(tmp_path, monkeypatch):
    """An empty mirror and an empty download cache, named by the environment."""
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    mirror.mkdir()
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(mirror))
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(cache))
    return mirror, cache


@pytest.fixture
def no_theory(monkeypatch):
    """Fail loudly if the theory experiment starts."""
    import computelimits.theory as theory

    def refuse(*args, **kwargs):
        raise AssertionError("the theory experiment started")

    monkeypatch.setattr(theory, "simulate", refuse)


def test_reproduce_stops_before_the_theory_stage_when_data_are_missing(
        empty_data, no_theory, tmp_path):
    from computelimits.data.catalog import resolve_catalog
    from computelimits.report import reproduce

    stages = []
    out = tmp_path / "report"
    with pytest.raises(ComputeLimitsError) as info:
        reproduce(out, quick=True, progress=lambda stage, msg: stages.append(stage))
    message = str(info.value)
    assert stages == []
    assert "--allow-partial" in message and "missing" in message
    for line in resolve_catalog().missing():  # every missing source is named
        assert line.split(":")[0] in message
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report")]


def test_reproduce_uses_the_catalog_it_is_given(empty_data, no_theory, tmp_path, monkeypatch):
    from computelimits.data.catalog import Catalog
    from computelimits.report import reproduce

    mirror, cache = empty_data
    cat = Catalog(mirror=mirror, cache=cache, download=False, persist=False)
    assert cat.missing()
    # the environment names nothing: only the catalog given can have said what is missing
    monkeypatch.delenv("COMPUTELIMITS_DATA")
    with pytest.raises(ComputeLimitsError, match="files are missing"):
        reproduce(tmp_path / "r", quick=True, catalog=cat)
    assert not (tmp_path / "r").exists()
