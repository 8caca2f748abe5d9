"""Project exceptions. The CLI turns any of them into one line on stderr and exit code 2."""

from __future__ import annotations

__all__ = ["ComputeLimitsError", "ConfigError", "InputError"]


class ComputeLimitsError(Exception):
    """Base class of every error the package raises on purpose."""


class ConfigError(ComputeLimitsError, ValueError):
    """An option or configuration value is out of range or inconsistent."""


class InputError(ComputeLimitsError, ValueError):
    """A file could not be used; the message names the file, row and column."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        where = []
        if path is not None:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.path = path
        self.row = row
        self.column = column
