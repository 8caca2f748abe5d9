"""Helpers shared by the compute modules: errors whose message (with its close-name hint) is
built only when read, and the results vocabulary of small records (the ``catalog`` argument is
resolved by :func:`computelimits.data.catalog.resolve_catalog`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from computelimits.errors import ConfigError
from computelimits.results import ResultMixin

if TYPE_CHECKING:
    import pandas as pd

    from computelimits.results import Summary


class UnknownNameError(ConfigError):
    """A name (chip, grid zone, priced chip) that the data does not have. The message, with
    its closest-names hint, is built when it is first read (``str()``, ``args``), so the hint
    costs nothing when the caller handles the error and moves on.

    Pickles as a plain :class:`ConfigError` with the full message."""

    def __init__(self, build: Callable[[], str]) -> None:
        super().__init__()
        self._build: Callable[[], str] | None = build
        self._message: str | None = None

    @property
    def message(self) -> str:
        if self._message is None:
            assert self._build is not None
            self._message = self._build()
            self._build = None  # drop the references the builder holds
        return self._message

    @property  # type: ignore[override]
    def args(self) -> tuple[str]:
        return (self.message,)

    @args.setter
    def args(self, value: tuple[Any, ...]) -> None:
        if value:
            self._message, self._build = str(value[0]), None

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConfigError, (self.message,))


class RecordResult(ResultMixin):
    """``to_dict()``, ``to_frame()`` (one row), ``summary()``, ``_repr_html_`` and a one-line
    ``repr()`` (the record's ``line()``) for the frozen dataclasses that describe one
    looked-up or computed record (each passes ``repr=False``)."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    def _flat(self) -> dict[str, Any]:
        return self.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """The record as a one-row DataFrame."""
        import pandas as pd

        return pd.DataFrame([self._flat()])

    def _title(self) -> str:
        line = getattr(self, "line", None)
        return line() if callable(line) else type(self).__name__

    def summary(self) -> Summary:
        from computelimits.results import Summary

        return Summary(title=self._title(), lines=[], table=self.to_frame())

    def _repr_parts(self) -> list[str]:
        return [self._title()]


def assumption_line(a: dict[str, Any]) -> str:
    """``name = value unit (low–high) — source``, the value in the package's number format
    (:func:`computelimits.formatting.amount`: ``989 TFLOP/s``, ``10^16.8 FLOP per US
    dollar``, never e-notation)."""
    from computelimits import formatting as fm

    unit = a.get("unit") or ""
    rng = ""
    if a.get("low") is not None and a.get("high") is not None:
        rng = f" ({fm.plain(a['low'])}–{fm.plain(a['high'])})"
    return f"{a['name']} = {fm.amount(a['value'], unit)}{rng} — {a['source']}"
