"""Project exceptions. The CLI turns any of them into one line on stderr and exit code 2."""

from __future__ import annotations

__all__ = ["ArgumentTypeError", "ComputeLimitsError", "ConfigError", "InputError",
           "OutputError", "ResourceError"]


class ComputeLimitsError(Exception):
    """Base class of every error the package raises on purpose."""


class ConfigError(ComputeLimitsError, ValueError):
    """An option or configuration value is out of range or inconsistent."""


class ArgumentTypeError(ComputeLimitsError, TypeError):
    """An argument of the Python API is of the wrong kind (a list where a DataFrame goes, a
    name where a configuration object goes, 2.5 resamples); the message says what it takes.
    (A value of the right kind out of its range is a :class:`ConfigError`; a table that
    lacks rows or columns is an :class:`InputError`.)"""


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


class OutputError(ComputeLimitsError, OSError):
    """A result cannot be written where it was asked to go; the message names the path and
    why (a folder where a file is expected, a parent that is a file, no permission …)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path is not None else message)
        self.path = path


class ResourceError(ComputeLimitsError, MemoryError):
    """A run would need more memory or time than the machine has; the message gives the
    estimate, what is available, and how to proceed."""
