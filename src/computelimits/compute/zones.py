"""The same training run in several grid zones, side by side: what changes with the zone is the
grid's carbon intensity and so the operational CO2; energy, embodied CO2, water (its factors are
averages, not zone data) and dollars stay as they are.

    from computelimits.compute import compare_zones
    compare_zones(["FR", "DE", "US-CAL-CISO"], chip="H100 SXM5 80GB", chips=1024, hours=720)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computelimits.compute.energy import GridIntensity, co2_kg, grid_intensity
from computelimits.compute.estimates import Estimate, estimate
from computelimits.data.catalog import resolve_catalog
from computelimits.errors import ConfigError
from computelimits.results import ResultMixin

if TYPE_CHECKING:
    import pandas as pd

    from computelimits.data.catalog import Catalog
    from computelimits.results import Summary

__all__ = ["ZoneComparison", "compare_zones", "parse_zones"]

#: figures that do not depend on the zone, repeated on every row
_SAME = ("energy_kwh", "embodied_co2_kg", "water_onsite_l", "water_offsite_l", "cost_usd")


def parse_zones(zones: str | Sequence[str]) -> list[str]:
    """Zone names from a comma-separated string or a sequence, stripped, repeats (ignoring
    case) dropped; an empty name is an error."""
    items = zones.split(",") if isinstance(zones, str) else list(zones)
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        name = str(item).strip()
        if not name:
            raise ConfigError(f"--compare-zones has an empty zone name: {zones!r}")
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    if not out:
        raise ConfigError("--compare-zones needs at least one zone, e.g. FR,DE,US-CAL-CISO")
    return out


@dataclass(repr=False)
class ZoneComparison(ResultMixin):
    """Result of :func:`compare_zones`: ``estimate`` is the run in the first zone; ``table``
    has one row per zone (``zone``, ``name``, ``year``, ``basis``, ``gco2e_per_kwh``, then
    ``co2_kg``, ``co2_total_kg`` with ``_ci_low`` / ``_ci_high`` ranges, and the zone-free
    figures ``energy_kwh``, ``embodied_co2_kg``, ``water_onsite_l``, ``water_offsite_l``,
    ``cost_usd`` with theirs)."""

    estimate: Estimate
    table: pd.DataFrame
    lifecycle: bool = True
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The table (a copy)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the rows, the run's estimate, notes and sources."""
        from computelimits._json import json_safe

        return json_safe({"zones": self.table.to_dict(orient="records"),
                          "estimate": self.estimate.to_dict(), "notes": self.notes,
                          "sources": self.sources})

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Ranges of operational and total CO2e per zone, indexed ``co2_kg:<zone>`` and
        ``co2_total_kg:<zone>`` (ranges from the inputs, so only alpha = 0.05)."""
        import math

        import pandas as pd

        if not math.isclose(alpha, 0.05):
            raise ConfigError("the zone comparison's ranges come from the inputs' ranges: they "
                              "have no other level than alpha=0.05")
        rows = {}
        for r in self.table.to_dict(orient="records"):
            for q in ("co2_kg", "co2_total_kg"):
                if r.get(f"{q}_ci_low") is not None:
                    rows[f"{q}:{r['zone']}"] = (r[f"{q}_ci_low"], r[f"{q}_ci_high"])
        return pd.DataFrame.from_dict(rows, orient="index", columns=["ci_low", "ci_high"])

    def rows(self) -> list[tuple[str, ...]]:
        """Display rows: zone, grid intensity, operational CO2e (range), operational +
        embodied CO2e (range)."""
        from computelimits import formatting as fm

        out = []
        for r in self.table.to_dict(orient="records"):
            yr = f", {int(r['year'])}" if r.get("year") == r.get("year") and r.get("year") else ""
            lo, hi = fm.co2(r["co2_kg_ci_low"]), fm.co2(r["co2_kg_ci_high"])
            out.append((f"{r['zone']} ({r['name']})",
                        f"{fm.plain(r['gco2e_per_kwh'])} ({r['basis']}{yr})",
                        fm.co2(r["co2_kg"]),
                        "" if lo == hi else fm.span(r["co2_kg_ci_low"], r["co2_kg_ci_high"],
                                                    fm.co2),
                        fm.co2(r["co2_total_kg"])))
        return out

    def summary(self) -> Summary:
        from computelimits import formatting as fm
        from computelimits.results import Summary

        e = self.estimate
        lines = [f"  {z}: {g} gCO2e/kWh → operational {c}"
                 + (f" (range {rng})" if rng else "") + f"; with embodied {t}"
                 for z, g, c, rng, t in self.rows()]
        lines.append(f"  the same in every zone: energy {fm.energy(e.energy_kwh)}, embodied "
                     f"{fm.co2(e.embodied_co2_kg)}, water {fm.water(e.water_onsite_l)} on site "
                     f"+ {fm.water(e.water_offsite_l)} off site"
                     + (f", cost {fm.usd(e.cost_usd)}" if e.cost_usd is not None else ""))
        return Summary(title="the same run in several grid zones", lines=lines,
                       table=self.to_frame(), notes=[f"note: {n}" for n in self.notes]
                       + [f"source: {s}" for s in self.sources])

    def _repr_parts(self) -> list[str]:
        from computelimits import formatting as fm

        co2 = [float(v) for v in self.table["co2_kg"] if fm.as_number(v) is not None]
        parts = [f"{len(self.table)} grid zones"]
        if co2:
            parts.append(f"operational {fm.span(min(co2), max(co2), fm.co2)}")
        if self.estimate.energy_kwh is not None:
            parts.append(f"energy {fm.energy(self.estimate.energy_kwh)}")
        return parts


def compare_zones(zones: str | Sequence[str], *, lifecycle: bool = True,
                  catalog: Catalog | None = None, **run: Any) -> ZoneComparison:
    """The run described by ``run`` (keywords of :func:`~computelimits.compute.estimate`, with
    a chip) in each of ``zones`` (zone ids, countries or cloud regions; a comma-separated
    string works too). Unknown zones raise an error with the closest known names."""
    for key, flag in (("zone", "--zone"), ("gco2e_per_kwh", "--gco2-per-kwh")):
        if run.pop(key, None) is not None:
            raise ConfigError(f"give the zones to compare, not {flag} as well")
    if not run.get("chip"):
        raise ConfigError("--compare-zones has no effect without --chip: energy and CO2 need a "
                          "chip's power (TDP) and speed; add e.g. --chip 'H100 SXM5 80GB'")
    names = parse_zones(zones)
    cat = resolve_catalog(catalog)
    grids: list[GridIntensity] = [grid_intensity(z, lifecycle=lifecycle, catalog=cat)
                                  for z in names]
    for gi in grids:
        if not lifecycle and gi.basis != "direct":
            raise ConfigError(f"--direct has no effect for {gi.zone}: its source ({gi.source}) "
                              "gives one intensity, not direct and life-cycle apart")
    est = estimate(zone=names[0], lifecycle=lifecycle, catalog=cat, **run)
    if est.energy_kwh is None:
        raise ConfigError(f"--compare-zones has no effect: {est.chip} has no TDP in Epoch's "
                          "chip dataset, so there is no energy or CO2 to compare")
    import pandas as pd

    rows = []
    for gi in grids:
        row: dict[str, Any] = {"zone": gi.zone, "name": gi.name, "kind": gi.kind,
                               "year": gi.year, "basis": gi.basis,
                               "gco2e_per_kwh": gi.gco2e_per_kwh, "grid_source": gi.source}
        row["co2_kg"] = float(co2_kg(est.energy_kwh, gi.gco2e_per_kwh))
        row["co2_kg_ci_low"] = float(co2_kg(est.energy_kwh_ci_low, gi.gco2e_per_kwh))
        row["co2_kg_ci_high"] = float(co2_kg(est.energy_kwh_ci_high, gi.gco2e_per_kwh))
        row["co2_total_kg"] = row["co2_kg"] + est.embodied_co2_kg
        row["co2_total_kg_ci_low"] = row["co2_kg_ci_low"] + est.embodied_co2_kg_ci_low
        row["co2_total_kg_ci_high"] = row["co2_kg_ci_high"] + est.embodied_co2_kg_ci_high
        for q in _SAME:
            row[q] = getattr(est, q)
            row[f"{q}_ci_low"], row[f"{q}_ci_high"] = est.interval(q) or (None, None)
        rows.append(row)
    notes = ["only the operational CO2e depends on the zone here: energy, embodied CO2e, water "
             "(average factors, not zone data) and dollars are the same in every row",
             "grid intensities are yearly averages; the year and basis (life-cycle, direct or "
             "as given by the source) are on each row"]
    notes = [gi.choice for gi in grids if gi.choice] + notes
    names_src = ["electricity-maps-2024" if "electricity-maps" in g.source else
                 "green-algorithms" if "green-algorithms" in g.source else "mlco2-impact"
                 for g in grids]
    sources = list(dict.fromkeys([*est.sources, *cat.attribution(list(dict.fromkeys(names_src)))]))
    return ZoneComparison(est, pd.DataFrame(rows), lifecycle, notes, sources)
