"""Cross-record rules of a network: each rule is a small named function.

The model (:mod:`lcasym.network.model`) checks each record alone; the rules here look across
records (facilities named by exchanges, duplicate ids, mass balance) and, when a
:class:`~lcasym.background.resolve.BackgroundIndex` is given, against the background (activities
exist, units convert, version). Every rule yields :class:`~lcasym.errors.Problem` s
located by a ``locate(path)`` hook (sheet/row for Excel, a path for YAML/JSON). The rules
and their severities are listed in ``docs/network_format.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from lcasym.background.resolve import ActivityInfo, BackgroundIndex, network_index
from lcasym.errors import InputError, Problem
from lcasym.inventory import naming
from lcasym.io.locate import Locate, PathLocator
from lcasym.io.problems import did_you_mean
from lcasym.network.background_rules import (
    activity_units,
    background_databases,
    background_version,
    biosphere_as_activity,
    custom_flows,
    custom_id_clashes,
    unit_or_none,
    unknown_activities,
)
from lcasym.network.data_rules import (
    forgone_defaults,
    forgone_ratio_bound,
    forgone_replacement,
    placeholder_displaced,
    vintages,
)
from lcasym.network.model import ActivityRef, SymbiosisNetwork
from lcasym.units import UnitError, parse_unit, ureg

#: A dimensionless substitution ratio outside this range gets a warning ...
RATIO_WARN_RANGE = (0.05, 5.0)
#: ... and above this an error (almost certainly a unit mistake).
RATIO_ERROR_ABOVE = 100.0
#: Tolerance of the mass balance (relative).
BALANCE_TOLERANCE = 1e-9

P = tuple[str | int, ...]


@dataclass
class Context:
    """What every rule sees: the network, the (optional) index and the locator."""

    network: SymbiosisNetwork
    index: BackgroundIndex | None
    locate: Locate

    @property
    def default_db(self) -> str:
        """The network's background database."""
        return self.network.network.background.database

    def problem(self, message: str, path: P, severity: str = "error") -> Problem:
        """A problem located at ``path``."""
        return Problem(message, self.locate(path), severity)

    def activity(self, ref: ActivityRef) -> ActivityInfo | None:
        """The activity ``ref`` points to, or None (no index, or not found)."""
        if self.index is None:
            return None
        try:
            return self.index.resolve(ref, default_database=self.default_db)
        except LookupError:
            return None


# -- structural rules (no background needed) -----------------------------------------------
def duplicate_ids(ctx: Context) -> Iterator[Problem]:
    """Error: two facilities, exchanges or custom activities with the same id."""
    net = ctx.network
    groups: tuple[tuple[str, Sequence[Any]], ...] = (
        ("facilities", net.facilities),
        ("exchanges", net.exchanges),
        ("custom_activities", net.custom_activities),
    )
    for name, records in groups:
        first: dict[str, int] = {}
        for i, rec in enumerate(records):
            if rec.id in first:
                where = ctx.locate((name, first[rec.id]))
                yield ctx.problem(
                    f"id {rec.id!r} is used twice (first at {where}): ids must "
                    "be unique; rename one",
                    (name, i, "id"),
                )
            first.setdefault(rec.id, i)


def unknown_facilities(ctx: Context) -> Iterator[Problem]:
    """Error: an exchange's supplier or receiver is not a facility."""
    ids = [f.id for f in ctx.network.facilities]
    for i, x in enumerate(ctx.network.exchanges):
        for role in ("supplier", "receiver"):
            value = getattr(x, role)
            if value not in ids:
                guess = did_you_mean(value, ids)
                fix = f"did you mean {guess!r}?" if guess else "add it to the facilities"
                yield ctx.problem(
                    f"{role} {value!r} is not a facility: {fix}", ("exchanges", i, role)
                )


def self_exchanges(ctx: Context) -> Iterator[Problem]:
    """Error: supplier and receiver are the same facility."""
    for i, x in enumerate(ctx.network.exchanges):
        if x.supplier == x.receiver:
            yield ctx.problem(
                f"supplier and receiver are both {x.supplier!r}: an exchange "
                "links two different facilities",
                ("exchanges", i, "receiver"),
            )


def start_after_reporting_year(ctx: Context) -> Iterator[Problem]:
    """Warning: an operating exchange starts after the reporting year (mixed vintages)."""
    year = ctx.network.network.reporting_year
    for i, x in enumerate(ctx.network.exchanges):
        if x.status == "operating" and x.start_year is not None and x.start_year > year:
            yield ctx.problem(
                f"exchange {x.id!r} starts in {x.start_year}, after the reporting year {year}, "
                "but is marked operating: set status 'planned' to keep it out of the totals, "
                "or change the reporting year",
                ("exchanges", i, "start_year"),
                severity="warning",
            )


def _floats(node: object, path: P) -> Iterator[tuple[P, float]]:
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _floats(getattr(node, name), (*path, name))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _floats(item, (*path, i))
    elif isinstance(node, float):
        yield path, node


def non_finite_numbers(ctx: Context) -> Iterator[Problem]:
    """Error: a number is NaN or infinite (e.g. an Excel '#N/A' turned into NaN)."""
    for path, value in _floats(ctx.network, ()):
        if not math.isfinite(value):
            yield ctx.problem(f"{path[-1]} is {value} (not a number): give a finite value", path)


def zero_quantities(ctx: Context) -> Iterator[Problem]:
    """Warning: a custom exchange of zero, or a displacement factor of 0 (credits nothing)."""
    for i, c in enumerate(ctx.network.custom_activities):
        for j, e in enumerate(c.exchanges):
            if e.amount == 0:
                yield ctx.problem(
                    "amount is 0: the row has no effect; delete it or give the amount",
                    ("custom_activities", i, "exchanges", j, "amount"),
                    "warning",
                )
    for i, x in enumerate(ctx.network.exchanges):
        if x.displaces and x.displaces.displacement_factor == 0:
            yield ctx.problem(
                "displacement_factor is 0: the exchange displaces nothing; check the value",
                ("exchanges", i, "displaces", "displacement_factor"),
                "warning",
            )


def _unit_fields(net: SymbiosisNetwork) -> Iterator[tuple[P, str | None]]:
    for i, f in enumerate(net.facilities):
        for j, g in enumerate(f.generates):
            yield ("facilities", i, "generates", j, "unit"), g.unit
        for j, item in enumerate(f.inventory):
            yield ("facilities", i, "inventory", j, "unit"), item.unit
    for i, x in enumerate(net.exchanges):
        yield ("exchanges", i, "unit"), x.unit
        if x.displaces:
            yield ("exchanges", i, "displaces", "ratio_unit"), x.displaces.ratio_unit
        if x.avoided_treatment:
            yield (
                ("exchanges", i, "avoided_treatment", "ratio_unit"),
                x.avoided_treatment.ratio_unit,
            )
        for j, t in enumerate(x.transport):
            yield ("exchanges", i, "transport", j, "distance_unit"), t.distance_unit
        for j, e in enumerate(x.extra_inputs):
            yield ("exchanges", i, "extra_inputs", j, "unit"), e.unit
    for i, c in enumerate(net.custom_activities):
        yield ("custom_activities", i, "unit"), c.unit
        for j, ce in enumerate(c.exchanges):
            yield ("custom_activities", i, "exchanges", j, "unit"), ce.unit


def unknown_units(ctx: Context) -> Iterator[Problem]:
    """Error: a unit that cannot be parsed (or a distance unit that is not a length)."""
    for path, text in _unit_fields(ctx.network):
        if text is None:
            continue
        try:
            unit = parse_unit(text)
        except UnitError as exc:
            yield ctx.problem(str(exc), path)
            continue
        if path[-1] == "distance_unit" and unit.dimensionality != parse_unit("km").dimensionality:
            yield ctx.problem(f"distance_unit {text!r} is not a length: use 'km' or 'm'", path)


def transport_mass(ctx: Context) -> Iterator[Problem]:
    """Error: transport of a flow that is not in mass units and has no ``mass_per_unit``."""
    tonne = parse_unit("t").dimensionality
    for i, x in enumerate(ctx.network.exchanges):
        unit = unit_or_none(x.unit)
        if unit is None or unit.dimensionality == tonne:
            continue
        for j, t in enumerate(x.transport):
            if t.mass_per_unit is None:
                yield ctx.problem(
                    f"the exchange is in {x.unit!r}, not a mass: give mass_per_unit (tonnes "
                    f"transported per {x.unit}, e.g. 1.0 t per m3 of water) or the amount in t",
                    ("exchanges", i, "transport", j, "mass_per_unit"),
                )


def generation_balance(ctx: Context) -> Iterator[Problem]:
    """Error: a supplier sends more of a flow than it declares it generates.

    Counted over operating exchanges; a warning when only planned ones tip it over.
    """
    net = ctx.network
    for i, f in enumerate(net.facilities):
        for j, g in enumerate(f.generates):
            key = g.flow.strip().casefold()
            sums = {"operating": 0.0, "all": 0.0}
            ids: list[str] = []
            for k, x in enumerate(net.exchanges):
                if x.supplier != f.id or x.flow.strip().casefold() != key:
                    continue
                src, dst = unit_or_none(x.unit), unit_or_none(g.unit)
                if src is None or dst is None:
                    continue  # reported by unknown_units
                if src.dimensionality != dst.dimensionality:
                    yield ctx.problem(
                        f"unit {x.unit!r} does not convert to {g.unit!r} of the "
                        f"supplier's 'generates' entry for {g.flow!r}: use units "
                        "of the same kind",
                        ("exchanges", k, "unit"),
                    )
                    continue
                amount = x.amount * ureg.Quantity(1.0, src).to(dst).magnitude
                ids.append(x.id)
                sums["all"] += amount
                if x.status == "operating":
                    sums["operating"] += amount
            limit = g.amount * (1 + BALANCE_TOLERANCE)
            path = ("facilities", i, "generates", j, "amount")
            for scope, severity in (("operating", "error"), ("all", "warning")):
                if sums[scope] > limit:
                    yield ctx.problem(
                        f"{f.id!r} sends {sums[scope]:g} {g.unit} of {g.flow!r} ({scope} "
                        f"exchanges {', '.join(ids)}) but declares it generates {g.amount:g} "
                        f"{g.unit}: correct the exchange amounts or this figure",
                        path,
                        severity,
                    )
                    break


def _ratio_value(value: float, ratio_unit: str | None) -> float | None:
    """The ratio as a pure number, or None if it carries dimensions."""
    if not ratio_unit:
        return value
    unit = unit_or_none(ratio_unit)
    if unit is None or not unit.dimensionless:
        return None
    return value * ureg.Quantity(1.0, unit).to("dimensionless").magnitude


def ratio_ranges(ctx: Context) -> Iterator[Problem]:
    """Warn about implausible dimensionless ratios; error above 100.

    Substitution ratio: warning outside [0.05, 5]; treatment ratio: warning outside
    [0.05, 1]; either: error above 100 (a unit mistake, or a missing ratio_unit).
    """
    lo, hi = RATIO_WARN_RANGE
    for i, x in enumerate(ctx.network.exchanges):
        for part, low, high in (("displaces", lo, hi), ("avoided_treatment", lo, 1.0)):
            rec = getattr(x, part)
            value = _ratio_value(rec.ratio, rec.ratio_unit) if rec else None
            if value is None:
                continue
            path = ("exchanges", i, part, "ratio")
            if value > RATIO_ERROR_ABOVE:
                yield ctx.problem(
                    f"ratio {rec.ratio:g} is implausible (> {RATIO_ERROR_ABOVE:g}) "
                    "for a dimensionless ratio: if it converts between units, set "
                    "ratio_unit (e.g. 'MJ/t'); otherwise correct it",
                    path,
                )
            elif not low <= value <= high:
                yield ctx.problem(
                    f"ratio {rec.ratio:g} is outside the usual range "
                    f"[{low:g}, {high:g}]: check it and cite the source in "
                    "justification/notes",
                    path,
                    "warning",
                )


def custom_references(ctx: Context) -> Iterator[Problem]:
    """Error: a custom activity uses itself, or names an unknown activity of the custom db."""
    custom_db = naming.custom_database(ctx.network.network.id)
    ids = [c.id for c in ctx.network.custom_activities]
    for i, c in enumerate(ctx.network.custom_activities):
        for j, e in enumerate(c.exchanges):
            ref, path = e.activity, ("custom_activities", i, "exchanges", j, "activity")
            if ref is None or not ref.code or ref.database not in (None, custom_db):
                continue
            if ref.code == c.id:
                yield ctx.problem(
                    f"custom activity {c.id!r} uses itself as an input: remove "
                    "the row (loops through other activities are allowed)",
                    path,
                )
            elif ref.database == custom_db and ref.code not in ids:
                guess = did_you_mean(ref.code, ids)
                yield ctx.problem(
                    f"no custom activity {ref.code!r}"
                    + (f": did you mean {guess!r}?" if guess else ""),
                    path,
                )


Rule = Callable[[Context], Iterator[Problem]]
#: Rules that need no background.
STRUCTURAL_RULES: tuple[Rule, ...] = (
    duplicate_ids,
    unknown_facilities,
    self_exchanges,
    start_after_reporting_year,
    non_finite_numbers,
    zero_quantities,
    unknown_units,
    transport_mass,
    generation_balance,
    ratio_ranges,
    custom_references,
    forgone_defaults,
    forgone_ratio_bound,
)
#: Rules that run only when a background index is given (lcasym.network.background_rules).
BACKGROUND_RULES: tuple[Rule, ...] = (
    background_version,
    background_databases,
    biosphere_as_activity,
    unknown_activities,
    custom_id_clashes,
    activity_units,
    forgone_replacement,
    vintages,
    placeholder_displaced,
    custom_flows,
)


def validate_network(
    network: SymbiosisNetwork,
    *,
    background: BackgroundIndex | None = None,
    source: str = "",
    locate: Callable[[P], str] | None = None,
) -> list[Problem]:
    """Run every rule; return all problems (errors and warnings), located.

    Parameters
    ----------
    network
        The network (already valid against the model).
    background
        Background index; the network's custom activities are added to it. Without it the
        background rules (:data:`BACKGROUND_RULES`) are skipped.
    source
        File name for locations (used by the default locator).
    locate
        ``locate(path) -> str``; default: YAML-style paths.
    """
    locate = locate or PathLocator(network.model_dump(mode="json"), source)
    index = network_index(network, background) if background is not None else None
    ctx = Context(network, index, locate)
    rules = STRUCTURAL_RULES + (BACKGROUND_RULES if index is not None else ())
    return [problem for rule in rules for problem in rule(ctx)]


def check_network(
    network: SymbiosisNetwork,
    *,
    background: BackgroundIndex | None = None,
    source: str = "",
    locate: Callable[[P], str] | None = None,
) -> list[Problem]:
    """Like :func:`validate_network`, but raise InputError if any problem is an error.

    Returns the warnings when there is no error.
    """
    problems = validate_network(network, background=background, source=source, locate=locate)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems, source or network.network.id)
    return problems
