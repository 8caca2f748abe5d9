"""Names a package exports, imported on first use (PEP 562), so that importing the package
stays cheap: one helper for every subpackage's ``__getattr__`` and ``__dir__``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str], namespace: dict[str, Any],
                 submodules: Iterable[str] = ()) -> tuple[Callable[[str], Any],
                                                          Callable[[], list[str]]]:
    """(``__getattr__``, ``__dir__``) for ``package``: ``exports`` maps a public name to the
    module that defines it (absolute, or relative to the package when it starts with a dot);
    a name is imported on first use and kept in ``namespace`` (the package's ``globals()``);
    ``submodules`` may be reached as attributes too."""
    subs = frozenset(submodules)

    def __getattr__(name: str) -> Any:  # noqa: N807 (the module hook PEP 562 names)
        module = exports.get(name)
        if module is not None:
            path = package + module if module.startswith(".") else module
            value = getattr(importlib.import_module(path), name)
            namespace[name] = value
            return value
        if name in subs:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*namespace, *exports, *subs})

    return __getattr__, __dir__
