"""The compute layer reads its data through a catalog: strict mode and the mirror location
apply to every lookup (no process-wide cache), lookups are dictionary lookups, and an unknown
name still gets its closest known names."""

from __future__ import annotations

import ast
import csv
import pickle
import shutil
from pathlib import Path

import pytest

from computelimits.compute import (
    UnknownNameError,
    chip_hour_price,
    find_chip,
    to_year_dollars,
    usd_per_flop,
)
from computelimits.compute.hardware import ChipIndex, chip_index
from computelimits.data.catalog import Catalog
from computelimits.data.names import model_key
from computelimits.errors import ConfigError, InputError

H100 = "NVIDIA H100 SXM5 80GB"
HARDWARE_FILES = ("chip_dataset.csv", "hardware_prices.csv", "fred_ppi_PCU518210518210.csv")
COMPUTE_DIR = Path(__file__).resolve().parents[1] / "src" / "computelimits" / "compute"


def _copy_hardware(mirror: Path, dest: Path) -> Path:
    """A mirror holding only Epoch's hardware files."""
    (dest / "epoch-hardware").mkdir(parents=True)
    for name in HARDWARE_FILES:
        shutil.copyfile(mirror / "epoch-hardware" / name, dest / "epoch-hardware" / name)
    return dest


def _halve_h100_tdp(root: Path) -> None:
    path = root / "epoch-hardware" / "chip_dataset.csv"
    data = path.read_bytes()
    start = data.index(b"\n" + H100.encode() + b",") + 1
    end = data.index(b"\n", start)
    line = data[start:end]
    assert data.count(b"\n" + H100.encode() + b",") == 1 and b",814.0,700.0," in line
    path.write_bytes(data[:start] + line.replace(b",814.0,700.0,", b",814.0,350.0,")
                     + data[end:])


def _double_h100_prices(root: Path) -> None:
    path = root / "epoch-hardware" / "hardware_prices.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.lstrip("\ufeff") for h in rows[0]]
    model, price = header.index("Hardware model"), header.index("Price per chip-hour (on-demand)")
    n = 0
    for row in rows[1:]:
        if len(row) > price and row[model] == H100 and row[price].strip():
            row[price] = str(2 * float(row[price].replace("$", "").replace(",", "")))
            n += 1
    assert n > 5
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture()
def mirrors(mirror, tmp_path):
    """Two small mirrors: ``a`` as shared, ``b`` with the H100's TDP halved and its on-demand
    prices doubled."""
    a = _copy_hardware(mirror, tmp_path / "a")
    b = _copy_hardware(mirror, tmp_path / "b")
    _halve_h100_tdp(b)
    _double_h100_prices(b)
    return a, b


def _catalog(root: Path, tmp_path: Path, **kw) -> Catalog:
    kw.setdefault("persist", False)
    return Catalog(mirror=root, cache=tmp_path / "cache", download=False, **kw)


def test_strict_catalog_refuses_a_modified_mirror_file(mirrors, tmp_path):
    _, b = mirrors
    lenient = _catalog(b, tmp_path, strict=False, persist=True)
    assert find_chip(H100, catalog=lenient).tdp_w == 350.0
    # a process-wide cache filled by the lenient lookup would have answered here
    strict = _catalog(b, tmp_path, strict=True, persist=True)
    with pytest.raises(InputError, match="strict mode"):
        find_chip(H100, catalog=strict)
    with pytest.raises(InputError, match="strict mode"):
        chip_hour_price(H100, catalog=strict)
    with pytest.raises(InputError, match="strict mode"):  # refused every time, not once
        find_chip("H100 SXM5 80GB", catalog=strict)
    # an untouched file is fine in strict mode
    assert to_year_dollars(100.0, 2020, 2023, catalog=strict) > 0


def test_strict_mode_from_the_environment_applies_to_catalog_none(mirrors, tmp_path,
                                                                   monkeypatch):
    _, b = mirrors
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(b))
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path / "envcache"))
    monkeypatch.delenv("COMPUTELIMITS_STRICT", raising=False)
    assert find_chip(H100).tdp_w == 350.0
    monkeypatch.setenv("COMPUTELIMITS_STRICT", "1")
    with pytest.raises(InputError, match="strict mode"):
        find_chip(H100)
    with pytest.raises(InputError, match="strict mode"):
        chip_hour_price(H100)


def test_two_mirrors_give_their_own_answers_in_one_process(mirrors, tmp_path, monkeypatch):
    a, b = mirrors
    cat_a, cat_b = _catalog(a, tmp_path), _catalog(b, tmp_path)
    assert find_chip(H100, catalog=cat_a).tdp_w == 700.0
    assert find_chip(H100, catalog=cat_b).tdp_w == 350.0
    assert find_chip("h100 sxm5 80gb", catalog=cat_a).tdp_w == 700.0
    pa, pb = chip_hour_price(H100, catalog=cat_a), chip_hour_price(H100, catalog=cat_b)
    assert pb.usd_per_chip_hour == pytest.approx(2 * pa.usd_per_chip_hour)
    assert pb.n == pa.n
    ua, ub = usd_per_flop(2024, catalog=cat_a), usd_per_flop(2024, catalog=cat_b)
    assert ua[3] == ub[3] and ua != ub
    # and back: nothing of b leaked into a
    assert find_chip(H100, catalog=cat_a).tdp_w == 700.0
    # catalog=None follows the environment's mirror
    monkeypatch.setenv("COMPUTELIMITS_CACHE", str(tmp_path / "envcache"))
    monkeypatch.delenv("COMPUTELIMITS_STRICT", raising=False)
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(a))
    assert find_chip(H100).tdp_w == 700.0
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(b))
    assert find_chip(H100).tdp_w == 350.0


def test_estimate_uses_the_catalog_it_is_given(mirrors, tmp_path):
    from computelimits.compute import estimate

    a, b = mirrors
    kw = dict(chip="H100 SXM5 80GB", chips=8, hours=10, gco2e_per_kwh=100.0, pue=1.2)
    ea = estimate(**kw, catalog=_catalog(a, tmp_path))
    eb = estimate(**kw, catalog=_catalog(b, tmp_path))
    assert eb.energy_kwh == pytest.approx(ea.energy_kwh / 2)
    assert eb.cost_usd == pytest.approx(ea.cost_usd * 2)
    assert any("Epoch AI" in s for s in ea.sources)


def test_unknown_chip_still_names_the_closest_known(mirrors, tmp_path):
    a, _ = mirrors
    cat = _catalog(a, tmp_path)
    with pytest.raises(ConfigError, match=r"Closest known: .*H100") as info:
        find_chip("H100", catalog=cat)
    assert isinstance(info.value, UnknownNameError)
    text = str(info.value)
    assert info.value.args == (text,)
    assert text.startswith("unknown chip 'H100'.") and str(info.value) == text
    assert repr(info.value).endswith(f"({text!r})")
    again = pickle.loads(pickle.dumps(info.value))
    assert isinstance(again, ConfigError) and str(again) == text
    with pytest.raises(ConfigError, match=r"unknown chip 'zzzz'\. \(names as in"):
        find_chip("zzzz", catalog=cat)
    with pytest.raises(ConfigError, match=r"no on-demand price for 'H100 SXM5'.*close: .*H100"):
        chip_hour_price("H100 SXM5", catalog=cat)


def test_unknown_grid_zone_names_the_closest_known(mirror):
    from computelimits.compute import grid_intensity

    with pytest.raises(ConfigError, match=r"Closest known: .*France"):
        grid_intensity("Frnace", catalog=Catalog(mirror=mirror, download=False))


def _scan(df, name):
    """The lookup by a scan of the table, as find_chip once did it."""
    exact = df[df["chip"] == name]
    if exact.empty:
        k = model_key(name)
        exact = df[(df["_key"] == k) | (df["_vkey"] == k)]
    return None if exact.empty else str(exact.iloc[0]["chip"])


def test_index_finds_what_a_scan_of_the_table_finds(mirror):
    index = chip_index(catalog=Catalog(mirror=mirror, download=False))
    df = index.table
    names = df["chip"].dropna().unique().tolist()
    queries = set(names[::3])
    for n in names[::7]:
        queries |= {n.lower(), n.upper(), n.replace(" ", "-"), n.split(" ", 1)[-1], n + " x"}
    assert len(queries) > 200
    for q in sorted(queries):
        chip = index.get(q)
        assert (chip.name if chip else None) == _scan(df, q), q


def test_index_is_built_once_per_catalog_and_records_are_not_shared(mirror):
    cat = Catalog(mirror=mirror, download=False)
    assert chip_index(catalog=cat) is chip_index(catalog=cat)
    c1 = find_chip(H100, catalog=cat)
    c1.peaks["fp16"] = -1.0
    assert find_chip(H100, catalog=cat).peaks["fp16"] > 0
    # a table given directly is searched as before
    small = chip_index(catalog=cat).table.head(50)
    assert find_chip(small["chip"].iloc[3], small).name == small["chip"].iloc[3]
    with pytest.raises(ConfigError, match="unknown chip"):
        find_chip(H100, small)


def test_usd_per_flop_resolves_each_chip_once(mirror, monkeypatch):
    cat = Catalog(mirror=mirror, download=False)
    chip_index(catalog=cat)
    calls: list[str] = []
    original = ChipIndex.get

    def counting(self, name):
        calls.append(name)
        return original(self, name)

    monkeypatch.setattr(ChipIndex, "get", counting)
    med, q1, q3, n = usd_per_flop(2024, catalog=cat)
    assert n > 20 and q1 <= med <= q3
    assert len(calls) == len(set(calls)) < n


def test_no_compute_module_imports_a_loader():
    banned = ("computelimits.data.loaders", "computelimits.data.tables")
    for path in sorted(COMPUTE_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            bad = [n for n in names if n.startswith(banned)]
            assert not bad, f"{path.name} imports {bad}"
