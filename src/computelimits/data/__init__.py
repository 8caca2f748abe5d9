"""Open data: registry of pinned upstream files, loaders, and the four tidy tables
(results, compute, hardware, grid), all reached through one door, :class:`Catalog`.

Names are imported on first use (PEP 562), so ``import computelimits.data`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from computelimits._lazy import lazy_exports

if TYPE_CHECKING:
    from computelimits.data.catalog import Catalog, resolve_catalog
    from computelimits.data.credits import attribution
    from computelimits.data.fetch import DataSettings
    from computelimits.data.join import JoinResult, join_compute
    from computelimits.data.registry import SOURCES

_EXPORTS = {
    "Catalog": "computelimits.data.catalog",
    "resolve_catalog": "computelimits.data.catalog",
    "DataSettings": "computelimits.data.fetch",
    "JoinResult": "computelimits.data.join",
    "join_compute": "computelimits.data.join",
    "SOURCES": "computelimits.data.registry",
    "attribution": "computelimits.data.credits",
}

__all__ = ["SOURCES", "Catalog", "DataSettings", "JoinResult", "attribution", "join_compute",
           "resolve_catalog"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
