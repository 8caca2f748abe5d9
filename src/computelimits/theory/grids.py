"""Sample-size grids from user input: a comma-separated list, or log-grid bounds that change
some of a base configuration's grid and keep the rest."""

from __future__ import annotations

import math

from computelimits.errors import ConfigError
from computelimits.theory.config import log_grid

__all__ = ["grid_bounds", "parse_grid", "resolve_grid"]


def parse_grid(text: str) -> tuple[int, ...]:
    """Sample sizes from ``"10,100,1e3"`` (commas, spaces ignored). Each must be a whole
    number (``10.7`` is refused, not truncated) between 1 and 10^12."""
    values = []
    for v in text.replace(" ", "").split(","):
        if not v:
            continue
        try:
            x = float(v)
        except ValueError:
            raise ConfigError(f"--n must be comma-separated integers, got {v!r} in "
                              f"{text!r}") from None
        if not (math.isfinite(x) and x.is_integer() and 1 <= x <= 1e12):
            raise ConfigError(f"--n: {v!r} is not a whole number of samples between 1 and "
                              "10^12")
        values.append(int(x))
    if not values:
        raise ConfigError("the sample-size grid is empty")
    return tuple(values)


def grid_bounds(grid: tuple[int, ...]) -> tuple[int, int, int]:
    """(n_min, n_max, per_decade) of a grid made by :func:`log_grid`."""
    lo, hi = min(grid), max(grid)
    decades = math.log10(hi / lo)
    per_decade = max(1, round((len(grid) - 1) / decades)) if decades > 0 else 1
    return lo, hi, per_decade


def resolve_grid(base: tuple[int, ...], *, n: str | None = None, n_min: int | None = None,
                 n_max: int | None = None, per_decade: int | None = None
                 ) -> tuple[int, ...] | None:
    """The grid asked for, or None to keep ``base``: ``n`` (a list, see :func:`parse_grid`)
    wins; otherwise any of ``n_min``, ``n_max``, ``per_decade`` given makes a log grid whose
    other bounds are ``base``'s."""
    if n is not None:
        return parse_grid(n)
    if n_min is None and n_max is None and per_decade is None:
        return None
    lo, hi, per = grid_bounds(base)
    return log_grid(lo if n_min is None else n_min, hi if n_max is None else n_max,
                    per if per_decade is None else per_decade)
