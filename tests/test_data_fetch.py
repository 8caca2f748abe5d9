"""Registry, mirror, cache and pinned downloads (served from a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import http.server
import threading
from functools import partial
from pathlib import Path

import pytest

from computelimits.data import fetch as F  # noqa: N812
from computelimits.data.registry import SOURCES, DataFile, Source
from computelimits.errors import ConfigError, InputError


def test_every_registered_file_is_pinned_to_a_commit_or_says_why_not():
    for src in SOURCES.values():
        assert src.licence and src.attribution and src.provenance, src.name
        for f in src.files:
            if f.url is None:
                assert f.mirror_sha256 and "Supply it" in f.note, (src.name, f.path)
                continue
            assert f.url.startswith("https://raw.githubusercontent.com/")
            commit = f.url.split("/")[5]
            assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit), f.url
            assert len(f.sha256) == 64


def test_the_shared_mirror_matches_every_pin_or_is_a_documented_cut(mirror):
    for src in SOURCES.values():
        for f in src.files:
            path = mirror / src.name / f.path
            assert path.is_file(), path
            digest = F.sha256(path)
            assert digest in {f.sha256, f.mirror_sha256}, path
            if digest != f.sha256:
                assert f.note, path


def test_mirror_file_that_differs_is_used_with_one_notice_and_refused_in_strict_mode(
        mirror, monkeypatch):
    notices: list[str] = []
    monkeypatch.setattr(F, "notice", notices.append)
    monkeypatch.setattr(F, "_notified", set())
    loc = F.locate("epoch-benchmarks", "external_benchmark_mmlu.csv", strict=False)
    assert loc.where == "mirror" and not loc.pinned
    F.locate("epoch-benchmarks", "external_benchmark_mmlu.csv", strict=False)
    F.locate("epoch-open-model-trends", "gsm1k_with_model_accessibility.csv", strict=False)
    # the shared mirror's documented cut: one short line for the whole process
    assert len(notices) == 1 and "documented pre-2024 cut of 22 files" in notices[0]
    assert "\n" not in notices[0] and len(notices[0]) < 120
    with pytest.raises(InputError, match="strict mode"):
        F.locate("epoch-benchmarks", "external_benchmark_mmlu.csv", strict=True)
    monkeypatch.setenv(F.ENV_STRICT, "1")
    with pytest.raises(InputError, match="strict mode"):
        F.locate("epoch-benchmarks", "external_benchmark_mmlu.csv")
    # an identical file is fine in strict mode
    assert F.locate("epoch-ai-models", "all_ml_systems_full_view.csv", strict=True).pinned


def test_unknown_source_suggests_names():
    with pytest.raises(ConfigError, match="epoch-ai-models"):
        F.locate("epoch-ai-model", "x.csv")


@pytest.fixture()
def server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(www))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # pragma: no cover
            pass

    handler_cls = type("H", (http.server.SimpleHTTPRequestHandler,),
                       {"log_message": lambda *a, **k: None})
    httpd = Quiet(("127.0.0.1", 0), partial(handler_cls, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    del handler


def _fake_source(url: str, sha: str) -> Source:
    return Source(name="fake-source", title="t", licence="MIT", attribution="a", provenance="p",
                  files=(DataFile("table.csv", url, sha),))


def test_download_verifies_the_pin_and_caches(server, tmp_path, monkeypatch):
    www, base = server
    body = b"a,b\n1,2\n"
    (www / "table.csv").write_bytes(body)
    monkeypatch.delenv(F.ENV_MIRROR, raising=False)
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    src = _fake_source(f"{base}/table.csv", hashlib.sha256(body).hexdigest())
    loc = F.locate(src, "table.csv")
    assert loc.where == "download" and loc.path.read_bytes() == body
    (www / "table.csv").unlink()  # second call must not need the network
    again = F.locate(src, "table.csv")
    assert again.where == "cache" and again.pinned
    assert F.file_status(src, src.files[0])[0] == "cache"


def test_download_with_a_wrong_checksum_is_an_error_and_is_not_kept(server, tmp_path,
                                                                     monkeypatch):
    www, base = server
    (www / "table.csv").write_bytes(b"tampered\n")
    monkeypatch.delenv(F.ENV_MIRROR, raising=False)
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    src = _fake_source(f"{base}/table.csv", "0" * 64)
    with pytest.raises(InputError, match="does not match its pinned sha256"):
        F.locate(src, "table.csv")
    assert not (tmp_path / "cache" / "fake-source" / "table.csv").exists()


def test_offline_download_says_how_to_use_a_mirror(tmp_path, monkeypatch):
    monkeypatch.delenv(F.ENV_MIRROR, raising=False)
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    src = _fake_source("http://127.0.0.1:9/table.csv", "0" * 64)
    with pytest.raises(InputError, match="COMPUTELIMITS_DATA"):
        F.locate(src, "table.csv")


def test_unpinnable_file_says_how_to_supply_it(tmp_path, monkeypatch):
    (tmp_path / "empty-mirror").mkdir()
    monkeypatch.setenv(F.ENV_MIRROR, str(tmp_path / "empty-mirror"))
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    with pytest.raises(InputError, match=r"no pinnable upstream.*Supply it"):
        F.locate("pwc-imagenet-2019", "imagenet_leaderboard_2019-11.csv")


def test_fetch_all_from_the_mirror_finds_every_file(mirror, monkeypatch):
    monkeypatch.setattr(F, "notice", lambda m: None)
    located = F.fetch()
    assert len(located) == sum(len(s.files) for s in SOURCES.values())
    assert all(Path(x.path).is_file() for x in located)


def test_a_download_past_the_size_cap_is_refused_and_not_kept(server, tmp_path, monkeypatch):
    www, base = server
    body = b"x" * 5000
    (www / "table.csv").write_bytes(body)
    monkeypatch.delenv(F.ENV_MIRROR, raising=False)
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.setattr(F, "MAX_DOWNLOAD_BYTES", 1000)
    src = _fake_source(f"{base}/table.csv", hashlib.sha256(body).hexdigest())
    with pytest.raises(InputError, match=r"download refused: .*over the cap of 1,000 bytes"):
        F.locate(src, "table.csv")
    assert not (tmp_path / "cache" / "fake-source" / "table.csv").exists()
    monkeypatch.setattr(F, "MAX_DOWNLOAD_BYTES", 10_000)  # under the cap: fine
    assert F.locate(src, "table.csv").path.read_bytes() == body


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_mirror_variable_that_names_no_folder_is_an_error(tmp_path, monkeypatch, kind):
    target = tmp_path / "mirror"
    if kind == "file":
        target.write_text("not a folder")
    monkeypatch.setenv(F.ENV_MIRROR, str(target))
    expected = "is a file, not a folder" if kind == "file" else "does not exist"
    with pytest.raises(ConfigError, match=f"COMPUTELIMITS_DATA={target}.*{expected}"):
        F.DataSettings.from_env()
    with pytest.raises(ConfigError, match=expected):
        F.mirror_dir()


def _mirror_with(tmp_path, make):
    root = tmp_path / "m"
    folder = root / "epoch-hardware"
    folder.mkdir(parents=True)
    make(folder / "chip_dataset.csv")
    return root


@pytest.mark.parametrize("case, message", [
    ("folder", "is a folder, where a data file is expected"),
    ("loop", "symlink loop"),
])
def test_a_mirror_entry_that_is_not_a_file_is_named_as_such(tmp_path, monkeypatch, case,
                                                            message):
    def make(path):
        if case == "folder":
            path.mkdir()
        else:
            path.symlink_to(path.name)  # points at itself
    root = _mirror_with(tmp_path, make)
    monkeypatch.setenv(F.ENV_MIRROR, str(root))
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    with pytest.raises(InputError, match=message) as info:
        F.locate("epoch-hardware", "chip_dataset.csv", download=False)
    assert "chip_dataset.csv" in str(info.value) and "offline" not in str(info.value)


def test_an_unreadable_mirror_file_is_named(tmp_path, monkeypatch):
    root = _mirror_with(tmp_path, lambda p: p.write_text("a,b\n"))
    monkeypatch.setenv(F.ENV_MIRROR, str(root))

    def denied(path):  # what reading a chmod-0 file raises (root reads every file)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(F, "sha256", denied)
    with pytest.raises(InputError, match="cannot be read"):
        F.locate("epoch-hardware", "chip_dataset.csv", download=False)


def test_the_strict_refusal_and_the_notice_say_how_to_proceed(mirror, tmp_path, monkeypatch):
    # the same table with another final line break: another sha256 (issue 20: a file that is
    # not the same table is refused, see test_hardening_issue20.py)
    data = (mirror / "epoch-hardware" / "chip_dataset.csv").read_bytes()
    root = _mirror_with(tmp_path, lambda p: p.write_bytes(data + b"\n"))
    monkeypatch.setenv(F.ENV_MIRROR, str(root))
    with pytest.raises(InputError, match=r"remove it and run `computelimits data fetch "
                                         r"epoch-hardware`, or run without --strict"):
        F.locate("epoch-hardware", "chip_dataset.csv", strict=True, download=False)
    seen = []
    monkeypatch.setattr(F, "notice", seen.append)
    monkeypatch.setattr(F, "_notified", set())
    F.locate("epoch-hardware", "chip_dataset.csv", strict=False, download=False)
    assert "--strict or COMPUTELIMITS_STRICT=1 refuses them" in seen[0]
