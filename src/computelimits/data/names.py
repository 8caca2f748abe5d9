"""Model names: a normalized join key and the explicit alias table.

No fuzzy matching anywhere: a result joins a compute record only through a rule that a test
pins (see :mod:`computelimits.data.join`). The key removes what varies between sources without
changing meaning: Unicode compatibility forms, letter case, and separators (spaces, hyphens,
underscores, slashes, parentheses, commas). Dots and plus signs are kept, since "1.5B" and
"15B" or "RNMT" and "RNMT+" are different models.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["ALIAS_FILE", "aliases", "model_key"]

_DROP = re.compile(r"[^0-9a-z.+]")

#: The alias table shipped with the package.
ALIAS_FILE = "aliases.csv"


def model_key(name: str | None) -> str:
    """Normalized join key: NFKC, case-folded, keeping only letters, digits, ``.`` and ``+``.

    >>> model_key("VGG-19"), model_key("VGG19"), model_key(" ResNet 50 ")
    ('vgg19', 'vgg19', 'resnet50')
    """
    if name is None:
        return ""
    s = unicodedata.normalize("NFKC", str(name)).casefold()
    s = s.replace("ß", "ss")
    return _DROP.sub("", s)


@lru_cache(maxsize=1)
def aliases() -> dict[tuple[str, str], tuple[str, str]]:
    """{(source, model_key(name)): (target Epoch model name, note)} from ``aliases.csv``.

    Each row says that ``name`` as written in ``source`` is the model ``target`` of the Epoch
    AI models table, with a note saying why (e.g. a paper's naming of the same network).
    """
    out: dict[tuple[str, str], tuple[str, str]] = {}
    text = resources.files("computelimits.data").joinpath(ALIAS_FILE).read_text("utf-8")
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        out[(row["source"].strip(), model_key(row["name"]))] = (row["target"].strip(),
                                                                row["note"].strip())
    return out
