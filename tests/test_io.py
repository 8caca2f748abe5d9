"""Atomic output (computelimits._io): a target that cannot be written is an OutputError
naming the path, raised before any work is written, and no temporary file is left behind."""

from __future__ import annotations

import os
import stat

import pytest

from computelimits._io import atomic_path, atomic_write_text, ensure_folder
from computelimits.errors import ComputeLimitsError, OutputError


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_normal_write_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and _leftovers(tmp_path) == []


def test_a_failure_inside_the_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("case, message", [
    ("target is a folder", "is a folder, where a file is to be written"),
    ("parent is a file", "is a file, not a folder"),
    ("grandparent is a file", "a parent is a file, not a folder"),
])
def test_unwritable_targets_are_output_errors_naming_the_path(tmp_path, case, message):
    blocker = tmp_path / "blocker"
    if case == "target is a folder":
        blocker.mkdir()
        target = blocker
    else:
        blocker.write_text("a user's file")
        target = blocker / "out.csv" if case == "parent is a file" else blocker / "d" / "o.csv"
    with pytest.raises(OutputError, match=message) as info:
        atomic_write_text(target, "x")
    assert str(blocker) in str(info.value)
    assert isinstance(info.value, ComputeLimitsError)
    if blocker.is_file():
        assert blocker.read_text() == "a user's file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_an_output_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            atomic_write_text(folder / "out.txt", "x")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_virtual_file_system_is_an_output_error():
    with pytest.raises(OutputError, match="/proc"):
        atomic_write_text("/proc/computelimits-test/out.txt", "x")


def test_ensure_folder_names_what_is_in_the_way(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        ensure_folder(tmp_path / "f")
    assert ensure_folder(tmp_path / "a" / "b").is_dir()
