"""Karl Rupp's 50 years of microprocessor trend data (1971-2021).

Source ``microprocessor-trends``: the upstream files ``raw/{transistors,frequency,specint,
watts,cores}.dat`` (github.com/karlrupp/microprocessor-trend-data, folder ``50yrs/``), parsed
directly, and ``processors_2011_2021.csv`` (the shared mirror's CSV conversion of
``newdata.txt``; it has no pinnable upstream file). Licence: CC BY 4.0. Attribution:
``SOURCES[SOURCE].attribution`` (carried in ``attrs["attribution"]``); data up to 2010 by
M. Horowitz, F. Labonte, O. Shacham, K. Olukotun, L. Hammond and C. Batten, later data by
K. Rupp.

``.dat`` format: one point per line, ``year value`` separated by whitespace; ``#`` starts a
comment, either a whole line (``####`` separates the digitised pre-2010 points from the newer
ones) or after the value (five SpecINT points of 2009-2010 name their processor there, kept
in ``note``). Any other line (a third field, a missing value, text that is not a number) is
an :class:`InputError` naming the file and the line number (``row``).

Units (``unit`` column): ``transistors_thousands`` (thousands of transistors),
``frequency_mhz`` (MHz), ``specint_x1000`` (SPECint x 1000, single-thread performance),
``typical_power_w`` (W), ``logical_cores`` (count; SMT threads counted). ``year`` is the
fractional year as written. Pre-2011 points were read off a plot (a few percent error).

``processors_2011_2021.csv``: blank cells were ``??`` (unknown) in ``newdata.txt`` and are
missing values here. ``specint2006_equiv`` is SPECint2006 up to 2017 and SPECint2017 x 9.0
after (the author's factor). Two GPUs are in the list (Quadro GV100, Radeon MI250), whose
``threads`` are 80 SMs / 208 compute units.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from computelimits.data.csvfile import read_text
from computelimits.data.fetch import locate
from computelimits.data.parse import Repairs, numbers, read_csv, text
from computelimits.data.registry import SOURCES
from computelimits.errors import InputError

__all__ = [
    "PROCESSORS",
    "SERIES",
    "SOURCE",
    "load_processors",
    "load_trends",
    "parse_dat",
    "parse_processors",
]

SOURCE = "microprocessor-trends"
PROCESSORS = "processors_2011_2021.csv"

#: series -> unit of its values
SERIES = {
    "transistors": "transistors_thousands",
    "frequency": "frequency_mhz",
    "specint": "specint_x1000",
    "watts": "typical_power_w",
    "cores": "logical_cores",
}

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_dat(path: str | Path, *, series: str, source_file: str | None = None,
              label: str | None = None, text_data: str | None = None) -> pd.DataFrame:
    """Parse one ``.dat`` file into rows ``series, unit, year, value, note, source,
    source_file, source_row`` (``source_row`` = line number in the file)."""
    if series not in SERIES:
        raise ValueError(f"unknown series {series!r}; known: {', '.join(SERIES)}")
    name = label or str(path)
    if text_data is None:
        text_data = read_text(path, name)
    rows: list[tuple[float, float, str | None, int]] = []
    for lineno, line in enumerate(text_data.splitlines(), start=1):
        body, hash_, comment = line.partition("#")
        fields = body.split()
        if not fields:
            continue  # blank or comment-only line
        if len(fields) != 2:
            raise InputError(f"expected 'year value' but found {len(fields)} field(s): "
                             f"{line.strip()!r}", path=name, row=lineno)
        for what, cell in zip(("year", "value"), fields, strict=True):
            if not _NUM.match(cell):
                raise InputError(f"cannot parse {cell!r} as a number", path=name,
                                 row=lineno, column=what)
        year, value = float(fields[0]), float(fields[1])
        if not 1900 <= year <= 2100:
            raise InputError(f"year {fields[0]!r} is outside 1900..2100", path=name,
                             row=lineno, column="year")
        if not (np.isfinite(value) and value > 0):
            raise InputError(f"value {fields[1]!r} must be a positive number", path=name,
                             row=lineno, column="value")
        note = comment.strip() if hash_ else ""
        rows.append((year, value, note or None, lineno))
    if not rows:
        raise InputError("no data lines", path=name)
    out = pd.DataFrame(rows, columns=["year", "value", "note", "source_row"])
    out.insert(0, "series", series)
    out.insert(1, "unit", SERIES[series])
    out["source"] = SOURCE
    out["source_file"] = source_file or f"raw/{series}.dat"
    for col in ("series", "unit", "note", "source", "source_file"):
        out[col] = out[col].astype("string")
    out["source_row"] = out["source_row"].astype("Int64")
    out.attrs = {"path": name, "repairs": Repairs()}
    return out


def load_trends(*, strict: bool | None = None) -> pd.DataFrame:
    """The five trend series in long format: ``series``, ``unit``, ``year`` (fractional),
    ``value`` (in ``unit``), ``note`` (the processor named in a trailing comment),
    ``source``, ``source_file`` (``raw/<series>.dat``) and ``source_row`` (line number).

    Points per series in the 2022 edition: transistors 99, frequency 101, specint 74,
    watts 101, cores 90.
    """
    frames = []
    for series in SERIES:
        file = f"raw/{series}.dat"
        loc = locate(SOURCE, file, strict=strict)
        frames.append(parse_dat(loc.path, series=series, source_file=file,
                                label=str(loc.path)))
    out = pd.concat(frames, ignore_index=True)
    out.attrs = {"repairs": Repairs(), "attribution": [SOURCES[SOURCE].attribution]}
    return out


_PROC_NUMBERS = ("transistors_billion", "specint2006_equiv", "frequency_ghz", "tdp_w")


def parse_processors(path: str | Path, *, source_file: str = PROCESSORS,
                     label: str | None = None) -> pd.DataFrame:
    """Parse a file in the layout of ``processors_2011_2021.csv`` (see
    :func:`load_processors`)."""
    df = read_csv(path, label=label,
                  required=("name", "year", *_PROC_NUMBERS, "threads", "note"))
    year = numbers(df, "year", blank_ok=False)
    bad = (year < 1900) | (year > 2100)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"year {year[i]!r} is outside 1900..2100", path=df.attrs["path"],
                         row=i + 1, column="year")
    out = pd.DataFrame({
        "name": text(df, "name", required=True).astype("string"),
        "year": year,
        **{c: numbers(df, c, positive=True) for c in _PROC_NUMBERS},
        "threads": numbers(df, "threads", positive=True),
        "note": text(df, "note").astype("string"),
        "source": SOURCE,
        "source_file": source_file,
        "source_row": pd.array(df.index + 1, dtype="Int64"),
    })
    out.attrs = {"repairs": df.attrs["repairs"], "attribution": [SOURCES[SOURCE].attribution]}
    return out


def load_processors(*, strict: bool | None = None) -> pd.DataFrame:
    """The 31 processors behind the 2011-2021 points: ``name``, ``year`` (fractional),
    ``transistors_billion`` (billions), ``specint2006_equiv`` (SPECint2006 scale),
    ``frequency_ghz`` (GHz, base clock), ``tdp_w`` (W), ``threads`` (logical cores),
    ``note``; blank (unknown in the source) cells are missing values."""
    loc = locate(SOURCE, PROCESSORS, strict=strict)
    return parse_processors(loc.path, label=str(loc.path))
