"""One way to get a catalog (issue 21): :func:`computelimits.data.catalog.resolve_catalog`,
used by every layer, and no import cycle between ``data/catalog.py`` and ``data/tables.py``."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import shutil
from pathlib import Path

import pytest

import computelimits
from computelimits.data import fetch as F  # noqa: N812
from computelimits.data.catalog import Catalog, resolve_catalog
from computelimits.errors import InputError

SRC = Path(computelimits.__file__).parent
DATA = SRC / "data"


# ---------------------------------------------------------------------------- one getter

@pytest.mark.parametrize(("module", "names"), [
    ("computelimits.compute._common", ["get_catalog"]),
    ("computelimits.cli._shared", ["catalog_for"]),
    ("computelimits.data.tables", ["_catalog", "results", "compute", "hardware", "grid",
                                   "source_table"]),
    ("computelimits.data.inventory", ["_catalog"]),
    ("computelimits.data.catalog", ["default_catalog"]),
])
def test_no_module_keeps_a_getter_of_its_own(module, names):
    mod = importlib.import_module(module)
    kept = [n for n in names if n in vars(mod)]
    assert not kept, f"{module} still defines {kept}"


def test_the_scaling_getter_module_is_gone_and_the_package_exports_the_one_getter():
    assert importlib.util.find_spec("computelimits.scaling._catalog") is None
    import computelimits.data as data

    assert data.resolve_catalog is resolve_catalog
    assert "resolve_catalog" in data.__all__ and "default_catalog" not in data.__all__
    with pytest.raises(AttributeError):
        data.default_catalog  # noqa: B018


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def test_no_other_function_returns_a_catalog_and_none_builds_one_inline():
    """A getter is a function annotated to return a Catalog; building ``Catalog(...)`` outside
    ``data/catalog.py`` is the inline form of one."""
    getters, built = [], []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(_tree(path)):
            if (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns
                    and ast.unparse(node.returns).strip("'\"") in ("Catalog", "Catalog | None")):
                getters.append(f"{rel}:{node.name}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Catalog" and rel != "data/catalog.py"):
                built.append(f"{rel}:{node.lineno}")
    assert getters == ["data/catalog.py:resolve_catalog"]
    assert built == []


# ---------------------------------------------------------------------------- no cycle

def _module_file(name: str) -> Path | None:
    base = SRC.parent / Path(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo += node.orelse
            continue
        yield node
        todo += list(ast.iter_child_nodes(node))


def _imports(name: str) -> set[str]:
    """The package modules ``name`` imports at run time, at module level or in a function
    body (``from computelimits.data import tables`` counts as ``computelimits.data.tables``)."""
    path = _module_file(name)
    assert path is not None, name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _runtime_nodes(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("computelimits") and _module_file(m)}


def _closure(name: str) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo += _imports(m)
    return seen


def test_tables_sits_below_the_catalog_and_never_imports_it():
    assert "computelimits.data.tables" in _imports("computelimits.data.catalog")
    assert "computelimits.data.catalog" not in _imports("computelimits.data.tables")
    # nor through another module (a loader, the parser, the schema …)
    assert "computelimits.data.catalog" not in _closure("computelimits.data.tables")


def test_the_catalog_imports_tables_at_module_level():
    """The one direction is plain: no function-body import of tables is left in catalog.py."""
    tree = _tree(DATA / "catalog.py")
    in_functions = [n for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                    for n in ast.walk(f) if isinstance(n, ast.ImportFrom)
                    and (n.module == "computelimits.data.tables"
                         or (n.module == "computelimits.data"
                             and any(a.name == "tables" for a in n.names)))]
    assert in_functions == []


# ---------------------------------------------------------------------------- behaviour

@pytest.fixture()
def env_mirror(mirror, tmp_path, monkeypatch):
    """A mirror of epoch-hardware only in the environment, its chip table differing from
    the pin (the same rows with one more line break), with an empty cache."""
    root = tmp_path / "mirror"
    shutil.copytree(mirror / "epoch-hardware", root / "epoch-hardware")
    path = root / "epoch-hardware" / "chip_dataset.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    monkeypatch.setenv(F.ENV_MIRROR, str(root))
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(F.ENV_STRICT, raising=False)
    monkeypatch.setattr(F, "notice", lambda message: None)
    return root


def test_none_is_the_environments_catalog_reused(env_mirror, tmp_path):
    cat = resolve_catalog()
    assert isinstance(cat, Catalog)
    assert (cat.mirror, cat.cache, cat.strict) == (env_mirror, tmp_path / "cache", False)
    assert resolve_catalog() is cat and resolve_catalog(None) is cat
    assert resolve_catalog(None, strict=None) is cat
    assert len(cat.chips())  # lenient: the modified file is used


def test_a_given_catalog_is_passed_through(env_mirror, tmp_path):
    cat = Catalog(mirror=env_mirror, cache=tmp_path / "other", download=False, persist=False)
    assert resolve_catalog(cat) is cat
    assert resolve_catalog(cat, strict=None) is cat
    assert resolve_catalog(cat, strict=False) is cat
    assert resolve_catalog(cat) is not resolve_catalog()


def test_strict_asks_for_that_strictness(env_mirror, tmp_path, monkeypatch):
    default = resolve_catalog()
    strict = resolve_catalog(strict=True)
    assert strict.strict and strict is not default
    assert (strict.mirror, strict.cache) == (default.mirror, default.cache)
    with pytest.raises(InputError, match="strict mode"):
        strict.chips()
    # a given catalog with the other strictness: a copy with its settings
    cat = Catalog(mirror=env_mirror, cache=tmp_path / "other", download=False, persist=False)
    copy = resolve_catalog(cat, strict=True)
    assert copy is not cat and copy.strict and not cat.strict
    assert (copy.mirror, copy.cache, copy.settings.download, copy.persist) == \
        (cat.mirror, cat.cache, False, False)
    assert resolve_catalog(copy, strict=True) is copy
    assert not resolve_catalog(copy, strict=False).strict
    # COMPUTELIMITS_STRICT decides when strict is None; False overrides it
    monkeypatch.setenv(F.ENV_STRICT, "1")
    assert resolve_catalog().strict
    with pytest.raises(InputError, match="strict mode"):
        resolve_catalog().chips()
    lenient = resolve_catalog(strict=False)
    assert not lenient.strict and len(lenient.chips())


def test_strict_is_keyword_only_and_documented():
    with pytest.raises(TypeError):
        resolve_catalog(None, True)  # type: ignore[misc]
    params = inspect.signature(resolve_catalog).parameters
    assert params["catalog"].default is None
    assert params["strict"].kind is inspect.Parameter.KEYWORD_ONLY
    doc = inspect.getdoc(resolve_catalog) or ""
    assert "COMPUTELIMITS_STRICT" in doc and "strict" in doc
