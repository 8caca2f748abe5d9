"""One results vocabulary for the whole package, in the manner of statsmodels.

* Every result object's ``summary()`` returns a :class:`Summary`: printing it gives the text
  (``str(s)``, ``s.as_text()``), ``s.to_frame()`` the table behind it, and Jupyter renders
  it as an HTML table (``_repr_html_``).
* Result objects with estimated quantities offer ``conf_int(alpha=0.05)``: a DataFrame indexed
  by quantity with the columns ``ci_low`` and ``ci_high``; and ``to_frame()``: a tidy
  DataFrame of everything they estimated.
* Every result object's ``repr()`` is one short line, ``<ClassName: a few key figures>``, its
  numbers written by :mod:`computelimits.formatting` (:class:`ResultMixin`, :func:`short_repr`).
* Intervals the package computes (confidence, prediction, bootstrap, conformal) are named
  ``<quantity>_ci_low`` / ``<quantity>_ci_high`` in every column and key, with the level in
  ``ci_level`` where it is not 95%. Ranges that a data source states itself (Epoch's
  ``training_flop_low`` / ``_high``) keep ``_low`` / ``_high``: they are not our intervals.
* Where a quantity has both, the prediction interval (for one new result: the line's
  uncertainty plus the scatter) is ``<quantity>_pred_ci_low`` / ``<quantity>_pred_ci_high``
  beside the confidence interval ``<quantity>_ci_low`` / ``_ci_high``; a prediction and the
  value it is checked against are ``predicted_<quantity>`` and ``actual_<quantity>``.
* log10 of compute — training FLOP or hardware burden (FLOP/s × s) — is ``log10_compute``
  everywhere (regression rows, extrapolations, forecasts, costs, backtests, evaluations).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported when a table is made: importing this module is light
    import pandas as pd

__all__ = ["CI_HIGH", "CI_LOW", "ResultMixin", "Summary", "ci_columns", "short_repr"]

#: The longest ``repr()`` of a result object, in characters.
REPR_WIDTH = 120

#: Suffixes of interval columns and keys.
CI_LOW = "_ci_low"
CI_HIGH = "_ci_high"


def ci_columns(quantity: str) -> tuple[str, str]:
    """(``quantity_ci_low``, ``quantity_ci_high``)."""
    return quantity + CI_LOW, quantity + CI_HIGH


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass
class Summary:
    """What a result's ``summary()`` returns: a title, the text lines a terminal prints, and
    the table behind them."""

    title: str
    lines: list[str]
    table: pd.DataFrame = field(default_factory=_empty_frame)
    notes: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return "\n".join([self.title, *self.lines, *self.notes]).rstrip()

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        # the text, as statsmodels' Summary: ``fit.summary()`` at a prompt reads as printed
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


def short_repr(name: str, *parts: object, width: int = REPR_WIDTH) -> str:
    """``<name: part; part; …>`` on one line of at most ``width`` characters: each part's
    whitespace (newlines included) collapsed, empty parts left out; where the line would be
    longer, the parts that do not fit are left out (the first, if none fits, cut at a space)
    and ``…`` says so."""
    texts = [" ".join(str(p).split()) for p in parts if p is not None and str(p).strip()]
    if not texts:
        return f"<{name}>"
    room = width - len(name) - 4  # "<", ": ", ">"
    body = "; ".join(texts)
    if len(body) > room:
        kept: list[str] = []
        for t in texts:
            if len("; ".join([*kept, t])) + 2 <= room:  # room left for " …"
                kept.append(t)
        body = "; ".join(kept) if kept else texts[0]
        if len(body) + 2 > room or not kept:
            cut = body[:max(room - 2, 1)]
            body = cut.rsplit(" ", 1)[0] if " " in cut else cut
        body = body.rstrip(" ;,") + " …"
    return f"<{name}: {body}>"


class ResultMixin:
    """The display half of the results vocabulary, given ``summary()``: the notebook's HTML
    table (``_repr_html_``, the summary's) and a one-line ``repr()`` (:func:`short_repr` of
    :meth:`_repr_parts`: a few key figures, already formatted). A dataclass that uses it
    passes ``repr=False`` so that its generated ``__repr__`` does not replace this one."""

    def summary(self) -> Summary:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def _repr_parts(self) -> list[str]:
        """What ``repr()`` shows after the class name (default: the summary's title)."""
        return [self.summary().title]

    def __repr__(self) -> str:
        try:
            parts = self._repr_parts()
        except Exception:  # a repr never raises (e.g. on a half-built object)
            parts = []
        return short_repr(type(self).__name__, *parts)

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()
