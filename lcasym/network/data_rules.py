"""Validation rules for background vintages, forgone outputs and placeholders.

Part of :mod:`lcasym.network.validation` (which registers them). Each rule is a small named
function of a :class:`~lcasym.network.validation.Context`:

- :func:`forgone_defaults` (error): a forgone-output ``default`` that is not a key of
  ``lcasym/data/forgone_output.yaml``;
- :func:`forgone_ratio_bound` (error): a forgone electricity ratio above 1 kWh per kWh of
  heat delivered (heat from the exchange's unit, ``energy_content`` or ``steam``): no CHP
  unit loses more electricity than the heat it extracts, so it is a unit mistake;
- :func:`forgone_replacement` (error): the activity replacing a forgone output does not
  exist (by default the grid of the supplier's country) or its unit does not convert;
- :func:`vintages` (warning / error): a year-dependent reference (e.g. ``electricity_grid_dk``)
  has no data for the network's year: the nearest year is used with a warning, or, more
  than :data:`MAX_VINTAGE_GAP` years away, it is an error;
- :func:`placeholder_displaced` (warning): the displaced product is a placeholder activity
  (zero or partial burdens), so its credit is not a measured value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lcasym.errors import BackgroundError, DataFileError, InputError, Problem
from lcasym.network.background_rules import _convertible, activity_refs
from lcasym.network.energy import energy_per_unit
from lcasym.network.model import ActivityRef, Exchange
from lcasym.units import UnitError, parse_unit, ureg

if TYPE_CHECKING:
    from lcasym.network.validation import Context, P

#: Largest gap (years) between the wanted year and the nearest year of a series that is
#: still used (with a warning); beyond it the reporting year has no data (an error).
MAX_VINTAGE_GAP = 5
#: Largest forgone electricity per unit of heat delivered (kWh/kWh).
MAX_FORGONE_PER_HEAT = 1.0


def _forgone_spec(ctx: Context, x: Exchange):
    from lcasym.inventory.forgone import resolve_forgone

    try:
        return resolve_forgone(x, ctx.network)
    except (InputError, DataFileError):
        return None


def forgone_defaults(ctx: Context) -> Iterator[Problem]:
    """Error: a forgone-output ``default`` that the defaults file does not know."""
    from lcasym.inventory.forgone import forgone_defaults as defaults

    known = defaults()
    for i, x in enumerate(ctx.network.exchanges):
        spec = x.forgone_output
        if spec is None or spec.default is None or spec.default in known:
            continue
        yield ctx.problem(
            f"unknown forgone-output default {spec.default!r}: use one of "
            f"{', '.join(sorted(known))} (lcasym/data/forgone_output.yaml) or give 'ratio' "
            "and 'ratio_unit' with your source",
            ("exchanges", i, "forgone_output", "default"),
        )


def forgone_per_heat(x: Exchange, ratio: float, ratio_unit: str | None) -> float | None:
    """Forgone electricity (kWh) per kWh of heat delivered, or None if not computable."""
    heat = energy_per_unit(x)
    if heat is None:
        return None
    try:
        unit = parse_unit(x.unit)
        lost = ureg.Quantity(1.0, unit) * ureg.Quantity(ratio, parse_unit(ratio_unit or ""))
        lost_kwh = lost.to("kWh").magnitude
    except (UnitError, Exception):  # pint raises DimensionalityError and others
        return None
    return float(lost_kwh / heat.to("kWh").magnitude)


def forgone_ratio_bound(ctx: Context) -> Iterator[Problem]:
    """Error: more than 1 kWh of electricity forgone per kWh of heat delivered."""
    for i, x in enumerate(ctx.network.exchanges):
        if x.forgone_output is None:
            continue
        spec = _forgone_spec(ctx, x)
        if spec is None:
            continue
        beta = forgone_per_heat(x, spec.ratio, spec.ratio_unit)
        if beta is None or beta <= MAX_FORGONE_PER_HEAT:
            continue
        field = "ratio" if x.forgone_output.ratio is not None else "default"
        yield ctx.problem(
            f"forgone output {beta:.3g} kWh of electricity per kWh of heat delivered: an "
            f"extraction unit loses at most about 0.15-0.35 (DEA technology data); above "
            f"{MAX_FORGONE_PER_HEAT:g} the ratio or its unit is wrong (check ratio_unit, e.g. "
            "'kWh/MWh' or 'kWh/t')",
            ("exchanges", i, "forgone_output", field),
        )


def forgone_replacement(ctx: Context) -> Iterator[Problem]:
    """Error: the activity that replaces a forgone output is missing or has the wrong unit."""
    if ctx.index is None:
        return
    from lcasym.inventory.forgone import default_replacement

    for i, x in enumerate(ctx.network.exchanges):
        spec = x.forgone_output
        if spec is None:
            continue
        path: P = ("exchanges", i, "forgone_output")
        ref = spec.activity or default_replacement(x, ctx.network)
        if spec.activity is None:
            try:
                ctx.index.resolve(ref, default_database=ctx.default_db)
            except BackgroundError as exc:
                country = ref.code.removeprefix("electricity_grid_") if ref.code else "?"
                yield ctx.problem(
                    f"the forgone output is replaced by default by the grid electricity of the "
                    f"supplier's country ({country!r}): {exc}. Give forgone_output.activity, or "
                    "set the supplier's location to a country lcasym-open covers",
                    path,
                )
                continue
        full = _forgone_spec(ctx, x)
        units = [x.unit, full.ratio_unit if full else spec.ratio_unit]
        yield from _convertible(ctx, ref, units, (*path, "ratio_unit"), "the replacing activity")


def _year_refs(ctx: Context) -> Iterator[tuple[P, ActivityRef]]:
    yield from activity_refs(ctx.network)
    from lcasym.inventory.forgone import default_replacement

    for i, x in enumerate(ctx.network.exchanges):
        if x.forgone_output is not None and x.forgone_output.activity is None:
            yield ("exchanges", i, "forgone_output"), default_replacement(x, ctx.network)


def vintages(ctx: Context) -> Iterator[Problem]:
    """Warning: a series reference uses the nearest year; error: no year near enough."""
    index = ctx.index
    if index is None or index.year is None:
        return
    wanted = index.year
    for path, ref in _year_refs(ctx):
        try:
            info = index.exact(ref, default_database=ctx.default_db)
        except BackgroundError:
            continue  # reported by unknown_activities / forgone_replacement
        if not info.is_series:
            continue
        years = index.series_years(info)
        used = index.nearest_year(info, wanted)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        if used is None or abs(used - wanted) > MAX_VINTAGE_GAP:
            yield ctx.problem(
                f"{info.code!r} has no data for {wanted} (years available: {span}): set "
                "network.background.year to a covered year, or name a year explicitly (e.g. "
                f"'{info.code}_{years[0] if years else 'YYYY'}') and say why in the notes",
                path,
            )
        elif used != wanted:
            yield ctx.problem(
                f"{info.code!r} has no data for {wanted}: the nearest year {used} is used "
                "(the result is flagged 'vintage mismatch'); set network.background.year to "
                "silence this only if that year is what you mean",
                path,
                "warning",
            )


def placeholder_displaced(ctx: Context) -> Iterator[Problem]:
    """Warning: the displaced product is a placeholder (its credit is not a measured value)."""
    for i, x in enumerate(ctx.network.exchanges):
        if x.displaces is None:
            continue
        info = ctx.activity(x.displaces.activity)
        if info is not None and info.placeholder:
            yield ctx.problem(
                f"the displaced activity {info.code!r} is a placeholder (zero or partial "
                "burdens, see its comment): the credit of this exchange is not a measured "
                "value and the result flags it 'placeholder'; displace a real inventory if "
                "you have one",
                ("exchanges", i, "displaces", "activity"),
                "warning",
            )
