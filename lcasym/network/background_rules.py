"""Validation rules that need the background: activities exist, units convert, version.

Part of :mod:`lcasym.network.validation` (which runs them when a background index is given); kept
apart to keep each module small. Each rule is a small named function of a
:class:`~lcasym.network.validation.Context`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lcasym.errors import BackgroundError, Problem
from lcasym.inventory import naming
from lcasym.network.model import ActivityRef, SymbiosisNetwork
from lcasym.units import UnitError, parse_unit

if TYPE_CHECKING:
    from pint import Unit

    from lcasym.network.validation import Context, P


def activity_refs(network: SymbiosisNetwork) -> Iterator[tuple[P, ActivityRef]]:
    """Every activity reference of the network with its path."""
    for i, f in enumerate(network.facilities):
        for j, item in enumerate(f.inventory):
            yield ("facilities", i, "inventory", j, "activity"), item.activity
    for i, x in enumerate(network.exchanges):
        if x.displaces:
            yield ("exchanges", i, "displaces", "activity"), x.displaces.activity
        if x.avoided_treatment:
            yield ("exchanges", i, "avoided_treatment", "activity"), x.avoided_treatment.activity
        for j, t in enumerate(x.transport):
            yield ("exchanges", i, "transport", j, "activity"), t.activity
        for j, e in enumerate(x.extra_inputs):
            yield ("exchanges", i, "extra_inputs", j, "activity"), e.activity
        if x.forgone_output is not None and x.forgone_output.activity is not None:
            yield ("exchanges", i, "forgone_output", "activity"), x.forgone_output.activity
    for i, c in enumerate(network.custom_activities):
        for j, ce in enumerate(c.exchanges):
            if ce.activity is not None:
                yield ("custom_activities", i, "exchanges", j, "activity"), ce.activity


def unit_or_none(text: str | None) -> Unit | None:
    """The parsed unit, or None if blank or unknown (unknown units are reported elsewhere)."""
    try:
        return parse_unit(text) if text else None
    except UnitError:
        return None


def background_version(ctx: Context) -> Iterator[Problem]:
    """Error: ``network.background.version`` differs from the installed version.

    A warning when the installed version is unknown.
    """
    expected = ctx.network.network.background.version
    if ctx.index is None or not expected or ctx.default_db not in ctx.index.databases:
        return
    installed = ctx.index.versions.get(ctx.default_db)
    path = ("network", "background", "version")
    if installed is None:
        yield ctx.problem(
            f"the installed {ctx.default_db!r} has no version: cannot check that "
            f"it is {expected!r}",
            path,
            "warning",
        )
    elif str(installed) != str(expected):
        yield ctx.problem(
            f"the network expects {ctx.default_db!r} version {expected!r} but version "
            f"{installed!r} is installed: install version {expected!r} (lcasym setup), or set "
            f"background.version to {installed!r} after checking that results may change",
            path,
        )


def background_databases(ctx: Context) -> Iterator[Problem]:
    """Error: the network links to a database that is not available (reported once each)."""
    if ctx.index is None:
        return
    custom_db = naming.custom_database(ctx.network.network.id)
    first: dict[str, P] = {}
    for path, ref in activity_refs(ctx.network):
        db = ref.database or ctx.default_db
        if db not in ctx.index.databases and db != custom_db:
            first.setdefault(db, path)
    for db, path in first.items():
        known = ctx.index.project_databases or tuple(ctx.index.databases)
        have = ", ".join(map(repr, known)) or "none"
        yield ctx.problem(
            f"database {db!r} is not available (available: {have}): install it "
            "in the Brightway project ('lcasym setup' installs lcasym-open) or "
            "correct the database name",
            path,
        )


def unknown_activities(ctx: Context) -> Iterator[Problem]:
    """Error: an activity reference matches no (or several) activities; says "did you mean"."""
    if ctx.index is None:
        return
    for path, ref in activity_refs(ctx.network):
        db = ref.database or ctx.default_db
        if ref.database == ctx.index.local_database:
            continue  # checked by custom_references
        if db not in ctx.index.databases:
            continue  # reported once by background_databases
        try:
            ctx.index.resolve(ref, default_database=ctx.default_db)
        except BackgroundError as exc:
            yield ctx.problem(str(exc), path)


def custom_id_clashes(ctx: Context) -> Iterator[Problem]:
    """Warning: a custom activity id is also a code in the background database."""
    if ctx.index is None:
        return
    for i, c in enumerate(ctx.network.custom_activities):
        if ctx.index.get(ctx.default_db, c.id) is not None:
            yield ctx.problem(
                f"custom activity id {c.id!r} is also a code in {ctx.default_db!r}: a plain "
                f"code {c.id!r} now means the custom activity; write database: "
                f"{ctx.default_db!r} with the code to use the background one, or rename",
                ("custom_activities", i, "id"),
                "warning",
            )


def _convertible(
    ctx: Context, ref: ActivityRef, units: list[str | None], path: P, what: str
) -> Iterator[Problem]:
    info = ctx.activity(ref)
    maybe = [unit_or_none(u) for u in units if u]
    target = unit_or_none(info.unit) if info else None
    parsed = [u for u in maybe if u is not None]
    if info is None or target is None or len(parsed) != len(maybe):
        return  # unknown activity or unit: reported by other rules
    combined = parsed[0]
    for extra in parsed[1:]:
        combined = combined * extra
    if combined.dimensionality != target.dimensionality:
        given = " × ".join(repr(u) for u in units if u)
        fix = (
            f"set ratio_unit so that the product converts (e.g. '{info.unit}/{units[0]}')"
            if len(units) > 1
            else "use a unit of the same kind"
        )
        yield ctx.problem(
            f"{given} does not convert to the unit of {what} {info.code!r}, {info.unit!r}: " + fix,
            path,
        )


def activity_units(ctx: Context) -> Iterator[Problem]:
    """Error: a quantity whose unit does not convert to its activity's unit.

    Checked: amount × ratio of displacements and treatments, extra inputs, facility
    inventory, custom exchanges; transport activities must be in mass × distance.
    """
    if ctx.index is None:
        return
    for i, x in enumerate(ctx.network.exchanges):
        for part, what in (
            ("displaces", "the displaced activity"),
            ("avoided_treatment", "the treatment activity"),
        ):
            rec = getattr(x, part)
            if rec is not None:
                field = "ratio_unit" if rec.ratio_unit else "unit"
                path = ("exchanges", i, part, field) if rec.ratio_unit else ("exchanges", i, "unit")
                yield from _convertible(ctx, rec.activity, [x.unit, rec.ratio_unit], path, what)
        for j, t in enumerate(x.transport):
            yield from _convertible(
                ctx,
                t.activity,
                ["t", "km"],
                ("exchanges", i, "transport", j, "activity"),
                "the transport activity (needs t·km)",
            )
        for j, e in enumerate(x.extra_inputs):
            yield from _convertible(
                ctx,
                e.activity,
                [e.unit],
                ("exchanges", i, "extra_inputs", j, "unit"),
                "the activity",
            )
    for i, f in enumerate(ctx.network.facilities):
        for j, item in enumerate(f.inventory):
            yield from _convertible(
                ctx,
                item.activity,
                [item.unit],
                ("facilities", i, "inventory", j, "unit"),
                "the activity",
            )
    for i, c in enumerate(ctx.network.custom_activities):
        for j, ce in enumerate(c.exchanges):
            if ce.activity is not None and ce.unit:
                yield from _convertible(
                    ctx,
                    ce.activity,
                    [ce.unit],
                    ("custom_activities", i, "exchanges", j, "unit"),
                    "the activity",
                )


# --- biosphere mix-ups (hardening) ---------------------------------------------------------

#: Brightway node types of elementary flows (biosphere), not activities.
BIOSPHERE_KINDS = frozenset(
    {"emission", "natural resource", "inventory indicator", "economic", "social"}
)


def _is_biosphere_database(ctx: Context, database: str) -> bool:
    nodes = ctx.index.activities(database) if ctx.index is not None else []
    return bool(nodes) and all(a.kind in BIOSPHERE_KINDS for a in nodes)


def biosphere_as_activity(ctx: Context) -> Iterator[Problem]:
    """Error: the background, or an activity reference, is a biosphere database or flow.

    Elementary flows (biosphere3) are emissions and resources, not activities a firm can
    buy: a network naming them as its background or as a displaced/treatment/transport
    activity would fail in the calculation.
    """
    if ctx.index is None:
        return
    if _is_biosphere_database(ctx, ctx.default_db):
        yield ctx.problem(
            f"{ctx.default_db!r} holds elementary flows (emissions, resources), not "
            "activities: name a database of activities as background (e.g. 'lcasym-open' "
            "or your ecoinvent); biosphere flows belong in custom_activities exchanges "
            "('flow')",
            ("network", "background", "database"),
        )
        return
    for path, ref in activity_refs(ctx.network):
        try:
            info = ctx.index.resolve(ref, default_database=ctx.default_db)
        except BackgroundError:
            continue  # reported by unknown_activities
        if info.kind in BIOSPHERE_KINDS:
            yield ctx.problem(
                f"{info.label()} is an elementary flow ({info.kind}), not an activity: refer "
                "to an activity, or put the flow in a custom activity's exchanges ('flow')",
                path,
            )


def custom_flows(ctx: Context) -> Iterator[Problem]:
    """Error: a custom activity emits a biosphere flow that does not exist."""
    if ctx.index is None:
        return
    for i, c in enumerate(ctx.network.custom_activities):
        for j, e in enumerate(c.exchanges):
            flow = e.flow
            if flow is None:
                continue
            path: P = ("custom_activities", i, "exchanges", j, "flow")
            if flow.database not in ctx.index.databases:
                known = ctx.index.project_databases
                if not known or flow.database in known:
                    continue  # no project to check against (shipped files only), or not indexed
                yield ctx.problem(
                    f"biosphere database {flow.database!r} is not available (available: "
                    f"{', '.join(map(repr, known))}): run 'lcasym setup' "
                    "(it installs biosphere3) or correct the database name",
                    (*path, "database"),
                )
            elif flow.code and ctx.index.get(flow.database, flow.code) is None:
                yield ctx.problem(
                    f"no biosphere flow with code {flow.code!r} in {flow.database!r}: copy "
                    "the flow's code from the database, or give its name and categories",
                    (*path, "code"),
                )
            elif not flow.code and not any(
                a.name.casefold() == str(flow.name).casefold()
                for a in ctx.index.activities(flow.database)
            ):
                yield ctx.problem(
                    f"no biosphere flow named {flow.name!r} in {flow.database!r}: check the "
                    "name (as in the database, e.g. 'Carbon dioxide, fossil'), or give its code",
                    (*path, "name"),
                )
