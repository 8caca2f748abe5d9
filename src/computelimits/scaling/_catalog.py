"""The catalog a scaling function reads its data from (``catalog`` and ``strict`` arguments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog

__all__ = ["resolve_catalog"]


def resolve_catalog(catalog: Catalog | None, strict: bool | None = None) -> Catalog:
    """``catalog``, or :func:`~computelimits.data.catalog.default_catalog` when it is None;
    ``strict`` True/False asks for a catalog with that strictness (the same mirror and cache),
    None keeps the catalog's own setting."""
    from computelimits.data.catalog import Catalog, default_catalog

    if catalog is None:
        return default_catalog() if strict is None else Catalog(strict=strict)
    if strict is None or bool(strict) == catalog.strict:
        return catalog
    return Catalog(catalog.mirror, catalog.cache, strict=bool(strict),
                   download=catalog.settings.download, persist=catalog.persist)
