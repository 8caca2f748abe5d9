"""What a data file must hold to be the file its name says, when its checksum is not the pin.

A mirror file whose sha256 is neither its pin nor the documented checksum of the shared
mirror's copy (:class:`~computelimits.data.registry.DataFile`) may be a newer upstream
file, a local edit — or another file under this name (two benchmark files swapped would fit
GSM8K rows under the MMLU label). Such a file is used only when it is shown to be the same
table (:func:`verify`):

* its header holds every column of the pinned file's header (for a CSV file: the first of
  its first records with two or more named cells);
* its rows are the same rows, by their identity — the first cell of each CSV record (record
  ids, model, chip or zone names), each line of a text file. Two summaries of the pinned
  file's identities are packaged (``identities.csv``): a Bloom filter of all of them
  (about :data:`BLOOM_FALSE` false positives), and the :data:`SKETCH` smallest 32-bit
  prefixes of their sha256 (a bottom-k MinHash sketch). At least :data:`MIN_SHARED` of the
  file's identities must be among the pinned file's (a file cut to fewer rows passes), or
  of the sketch's among the file's (a file grown by new rows passes); another table under
  the name shares next to none.

A file that fails is refused with what failed; the packaged sketches are made from the shared
mirror by :func:`sketch_mirror` (``python -m computelimits.data.identity MIRROR``), and a
test checks that they describe it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["BLOOM_FALSE", "MIN_SHARED", "SKETCH", "Identity", "identity_of", "sketch_mirror",
           "verify"]

#: Identities kept per file (the smallest hash prefixes).
SKETCH = 64
#: False-positive rate of the Bloom filters (4 probes, about 6.2 bits per identity).
BLOOM_FALSE = 0.05
_PROBES = 4
#: Share of the identities in the sketch's range that the two files must have in common.
MIN_SHARED = 0.5
IDENTITY_FILE = "identities.csv"
_HEADER_RECORDS = 5


@dataclass(frozen=True)
class Identity:
    """A file's header columns, the sorted hash prefixes of its row identities (all of
    them, or the :data:`SKETCH` smallest), whether they are all, and a Bloom filter of all
    of them."""

    columns: tuple[str, ...]
    ids: tuple[int, ...]
    complete: bool
    bloom: bytes = b""
    digests: tuple[bytes, ...] = ()


def _digest(unit: str) -> bytes:
    return hashlib.sha256(unit.encode("utf-8", "surrogateescape")).digest()


def _hash(digest: bytes) -> int:
    return int.from_bytes(digest[:4], "big")


def _probes(digest: bytes, bits: int) -> list[int]:
    return [int.from_bytes(digest[4 + 4 * i:8 + 4 * i], "big") % bits for i in range(_PROBES)]


def _bloom(digests: list[bytes]) -> bytes:
    n = max(len(digests), 1)
    bits = max(64, math.ceil(-n * math.log(BLOOM_FALSE) / math.log(2) ** 2))
    bits = (bits + 7) // 8 * 8
    out = bytearray(bits // 8)
    for d in digests:
        for b in _probes(d, bits):
            out[b >> 3] |= 1 << (b & 7)
    return bytes(out)


def _in_bloom(bloom: bytes, digest: bytes) -> bool:
    bits = len(bloom) * 8
    return all(bloom[b >> 3] >> (b & 7) & 1 for b in _probes(digest, bits))


def _units(text: str, csv_file: bool) -> tuple[tuple[str, ...], set[str]]:
    """(header columns, row identities) of a file's text."""
    if csv_file:
        try:
            records = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            records = None
        if records is not None:
            header: tuple[str, ...] = ()
            at = -1
            for i, rec in enumerate(records[:_HEADER_RECORDS]):
                named = [c.strip() for c in rec if c.strip()]
                if len(named) >= 2:
                    header, at = tuple(named), i
                    break
            ids = {rec[0].strip() for rec in records[at + 1:] if rec and rec[0].strip()}
            return header, ids
    return (), {line.strip() for line in text.splitlines() if line.strip()}


def identity_of(path: str | Path, keep: int | None = SKETCH, *,
                name: str | None = None) -> Identity:
    """The :class:`Identity` of the file ``path`` (with ``keep``: its ``keep`` smallest
    identity hashes; None: all), read as a CSV file if ``name`` (default: ``path``) ends
    with ``.csv``."""
    from computelimits._io import open_regular

    with open_regular(path) as fh:
        data = fh.read()
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    columns, units = _units(text, str(name or path).lower().endswith(".csv"))
    digests = sorted({_digest(u) for u in units})
    ids = sorted({_hash(d) for d in digests})
    complete = keep is None or len(ids) <= keep
    return Identity(columns, tuple(ids if keep is None else ids[:keep]), complete,
                    _bloom(digests), tuple(digests))


@lru_cache(maxsize=1)
def _packaged() -> dict[tuple[str, str], Identity]:
    out = {}
    text = resources.files("computelimits.data").joinpath(IDENTITY_FILE).read_text("utf-8")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        ids = tuple(int(h, 16) for h in row["ids"].split())
        out[(row["source"], row["file"])] = Identity(
            tuple(json.loads(row["columns"])), ids, row["complete"] == "1",
            base64.b64decode(row["bloom"]))
    return out


def verify(source: str, file: str, path: str | Path) -> str | None:
    """None if ``path`` holds the table registered as ``source``/``file`` (module
    docstring), else what does not fit (one line)."""
    known = _packaged().get((source, file))
    if known is None:
        return None  # no sketch for it: the checksum notice is all there is
    return _compare(known, identity_of(path, keep=None, name=file))


def _compare(known: Identity, found: Identity) -> str | None:
    missing = [c for c in known.columns if c not in found.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        return f"its header lacks the pinned file's columns {shown}{more}"
    if not known.ids:
        return None
    if not found.digests:
        return "it has no rows"
    inside = sum(_in_bloom(known.bloom, d) for d in found.digests) if known.bloom else 0
    if inside >= MIN_SHARED * len(found.digests):
        return None  # its rows are (mostly) the pinned file's: cut, edited or reordered
    top = known.ids[-1]
    theirs = {h for h in found.ids if known.complete or h <= top}
    if len(theirs & set(known.ids)) >= MIN_SHARED * len(known.ids):
        return None  # the pinned file's rows are (mostly) among its own: grown
    return (f"its rows are not the pinned file's: {inside} of its {len(found.digests)} row "
            "identities (first cells) are among the pinned file's — another table under "
            "this name?")


def sketch_mirror(mirror: str | Path) -> list[dict[str, str]]:
    """Rows of ``identities.csv`` for every registered file present in ``mirror``."""
    from computelimits.data.registry import SOURCES

    rows = []
    for src in SOURCES.values():
        for f in src.files:
            path = Path(mirror) / src.name / f.path
            if not path.is_file():
                continue
            ident = identity_of(path)
            rows.append({"source": src.name, "file": f.path,
                         "columns": json.dumps(list(ident.columns), ensure_ascii=False),
                         "complete": "1" if ident.complete else "0",
                         "ids": " ".join(f"{h:08x}" for h in ident.ids),
                         "bloom": base64.b64encode(ident.bloom).decode("ascii")})
    return rows


def _write(rows: list[dict[str, str]], out: io.TextIOBase) -> None:
    w = csv.DictWriter(out, fieldnames=["source", "file", "columns", "complete", "ids", "bloom"],
                       lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


if __name__ == "__main__":  # pragma: no cover - regenerates the packaged sketches
    _write(sketch_mirror(sys.argv[1]), sys.stdout)
