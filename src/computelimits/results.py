"""One results vocabulary for the whole package, in the manner of statsmodels.

* Every result object's ``summary()`` returns a :class:`Summary`: printing it gives the text
  (``str(s)``, ``s.as_text()``), ``s.to_frame()`` the table behind it, and Jupyter renders
  it as an HTML table (``_repr_html_``).
* Result objects with estimated quantities offer ``conf_int(alpha=0.05)``: a DataFrame indexed
  by quantity with the columns ``ci_low`` and ``ci_high``; and ``to_frame()``: a tidy
  DataFrame of everything they estimated.
* Intervals the package computes (confidence, prediction, bootstrap, conformal) are named
  ``<quantity>_ci_low`` / ``<quantity>_ci_high`` in every column and key, with the level in
  ``ci_level`` where it is not 95%. Ranges that a data source states itself (Epoch's
  ``training_flop_low`` / ``_high``) keep ``_low`` / ``_high``: they are not our intervals.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["CI_HIGH", "CI_LOW", "Summary", "ci_columns"]

#: Suffixes of interval columns and keys.
CI_LOW = "_ci_low"
CI_HIGH = "_ci_high"


def ci_columns(quantity: str) -> tuple[str, str]:
    """(``quantity_ci_low``, ``quantity_ci_high``)."""
    return quantity + CI_LOW, quantity + CI_HIGH


@dataclass
class Summary:
    """What a result's ``summary()`` returns: a title, the text lines a terminal prints, and
    the table behind them."""

    title: str
    lines: list[str]
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return "\n".join([self.title, *self.lines, *self.notes]).rstrip()

    def __str__(self) -> str:
        return self.as_text()

    def __contains__(self, text: str) -> bool:
        return text in self.as_text()

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def as_html(self) -> str:
        parts = [f"<p><strong>{html.escape(self.title)}</strong></p>"]
        if not self.table.empty:
            parts.append(self.table.to_html(index=False, na_rep="–", border=0))
        else:
            parts += [f"<p>{html.escape(line)}</p>" for line in self.lines]
        parts += [f"<p><em>{html.escape(n)}</em></p>" for n in self.notes]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()
