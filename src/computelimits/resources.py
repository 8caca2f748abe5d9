"""Memory checks before work: estimate what a run will allocate, compare it with what the
machine has free, and refuse with both numbers rather than fail half-way with a MemoryError
(or swap the machine to a standstill).

The free memory is the kernel's ``MemAvailable`` (``/proc/meminfo``: memory that can be
given to a new process without swapping), capped by the cgroup limit of a container
(``/sys/fs/cgroup/memory.max``, cgroup v2) where one is set; elsewhere the physical pages
reported by ``os.sysconf``.
"""

from __future__ import annotations

import os
from pathlib import Path

from computelimits.errors import ConfigError, ResourceError

__all__ = ["HEADROOM", "available_memory", "check_memory", "format_bytes"]

#: Share of the free memory a run may plan to use; the rest is left to the interpreter,
#: the libraries' workspaces and the rest of the machine. A setting, not a sourced constant.
HEADROOM = 0.8


def available_memory() -> int | None:
    """Bytes of memory a new allocation can get without swapping, or None if unknown."""
    free = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                free = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        free = None
    if free is None:
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit != "max":
            free = min(free, max(int(limit) - int(used), 0))
    except (OSError, ValueError):
        pass
    return free


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units: "512 B", "3.4 MiB", "373 GiB"."""
    if n != n or n < 0:
        raise ConfigError(f"not a size in bytes: {n}")
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" or n >= 100 else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def check_memory(need: float, what: str, *, force: bool = False,
                 how_to_shrink: str = "", force_hint: bool = True) -> None:
    """Raise :class:`ResourceError` when ``need`` bytes (an estimate of what ``what`` will
    allocate) exceed :data:`HEADROOM` of the free memory, unless ``force``.

    The message gives the estimate, the free memory, what to change (``how_to_shrink``)
    and (``force_hint``) that ``--force`` tries anyway.
    """
    if force:
        return
    free = available_memory()
    if free is None or need <= HEADROOM * free:
        return
    hint = f"; {how_to_shrink}" if how_to_shrink else ""
    tail = " (--force to try anyway)" if force_hint else ""
    raise ResourceError(f"{what} needs about {format_bytes(need)} of memory and "
                        f"{format_bytes(free)} is free{hint}{tail}")
