"""Every reader of a text file refuses a bad one the same way (``csvfile.read_text``): a
missing file, a folder, bytes that are not its encoding — one InputError naming the file,
never a traceback."""

from __future__ import annotations

import pytest

from computelimits.data.csvfile import read_text
from computelimits.data.loaders import (
    epoch_hardware,
    green_algorithms,
    markdown,
    microprocessor,
    mlco2,
)
from computelimits.errors import InputError


def test_read_text_refuses_what_it_cannot_read(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(b"\xef\xbb\xbfa,b\r\n1,2\r\n")
    assert read_text(good, "good.csv") == "a,b\n1,2\n"  # the mark dropped, line ends as \n
    assert read_text(good, "good.csv", newline="") == "a,b\r\n1,2\r\n"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n\xff\xfe,2\n")
    with pytest.raises(InputError, match=r"bad\.csv.*not utf-8 text .* at byte 4"):
        read_text(bad, "bad.csv")
    with pytest.raises(InputError, match="file not found"):
        read_text(tmp_path / "none.csv", "none.csv")
    with pytest.raises(InputError, match="cannot be read"):
        read_text(tmp_path, "a folder")
    with pytest.raises(InputError, match="unknown text encoding"):
        read_text(good, "good.csv", encoding="no-such-codec")


READERS = [
    lambda p: markdown.read_tables(p),
    lambda p: microprocessor.parse_dat(p, series=next(iter(microprocessor.SERIES))),
    lambda p: epoch_hardware.parse_chips(p),
    lambda p: green_algorithms._read(p, ["a"]),
    lambda p: mlco2._parse_gpus(p),
]


@pytest.mark.parametrize("reader", READERS)
def test_every_loader_refuses_a_folder_and_foreign_bytes(tmp_path, reader):
    with pytest.raises(InputError, match="cannot be read"):
        reader(tmp_path)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(InputError, match="not utf-8 text"):
        reader(bad)
