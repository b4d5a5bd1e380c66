"""Cross-record rules of an operations inventory, against the knowledge base.

Each rule returns located :class:`~lcasym.errors.Problem` s: unknown flow types (with
"did you mean"), a flow on the wrong side, a unit that does not fit the flow's dimension, an
unknown quality grade, heat without a temperature, duplicate ids, distance rows naming
unknown facilities. Errors block discovery; warnings are reported and discovery goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lcasym.discovery.knowledge import DIMENSIONS, KnowledgeBase
from lcasym.discovery.model import Flow, OperationsInventory
from lcasym.errors import Problem
from lcasym.io.locate import Path
from lcasym.io.problems import did_you_mean
from lcasym.units import UnitError, parse_unit

Locate = Callable[[Path], str]


def _flow_problems(
    item: Flow, side: str, path: Path, kb: KnowledgeBase, locate: Locate
) -> list[Problem]:
    out: list[Problem] = []
    names = kb.offer_flows() if side == "offers" else kb.need_flows()
    what = "offer" if side == "offers" else "need"
    flow = kb.flows.get(item.flow)
    if flow is None or what not in flow.sides:
        guess = did_you_mean(item.flow, names)
        if flow is not None:
            msg = f"{item.flow!r} is not something a facility can {what}"
        else:
            msg = f"unknown flow type {item.flow!r}"
        fix = f"did you mean {guess!r}?" if guess else f"use one of {', '.join(names)}"
        out.append(Problem(f"{msg}: {fix} (knowledge base: {kb.path})", locate((*path, "flow"))))
        return out
    try:
        unit = parse_unit(item.unit)
    except UnitError as exc:
        out.append(Problem(str(exc), locate((*path, "unit"))))
    else:
        if unit.dimensionality != parse_unit(DIMENSIONS[flow.dimension]).dimensionality:
            out.append(
                Problem(
                    f"unit {item.unit!r} does not fit {item.flow!r}, which is measured as "
                    f"{flow.dimension} (e.g. {flow.unit}): give the amount in such a unit",
                    locate((*path, "unit")),
                )
            )
    if item.quality is not None:
        if not flow.qualities:
            out.append(
                Problem(
                    f"{item.flow!r} has no quality grades: leave 'quality' empty",
                    locate((*path, "quality")),
                    "warning",
                )
            )
        elif item.quality not in flow.qualities:
            guess = did_you_mean(item.quality, flow.qualities)
            fix = f"did you mean {guess!r}?" if guess else ""
            out.append(
                Problem(
                    f"unknown quality {item.quality!r} for {item.flow!r} (grades from lowest "
                    f"to highest: {', '.join(flow.qualities)}) {fix}".strip(),
                    locate((*path, "quality")),
                )
            )
    missing = flow.needs_temperature and item.temperature is None
    if missing and (what == "offer" or flow.default_temperature_c is None):
        out.append(
            Problem(
                f"{item.flow!r} needs a temperature: give 'temperature' in °C "
                f"({'supply temperature' if what == 'offer' else 'required temperature'})",
                locate((*path, "temperature")),
            )
        )
    if item.flow == "steam" and item.pressure_bar is None:
        out.append(
            Problem(
                "steam without 'pressure_bar': its pressure cannot be compared with the "
                "other side's, so it is not matched; give the pressure in bar",
                locate((*path, "pressure_bar")),
                "warning",
            )
        )
    return out


def _ids(inv: OperationsInventory, locate: Locate) -> list[Problem]:
    out: list[Problem] = []
    facilities: dict[str, int] = {}
    flows: dict[str, Path] = {}
    for i, f in enumerate(inv.facilities):
        if f.id in facilities:
            out.append(
                Problem(
                    f"facility id {f.id!r} is used twice (also facilities[{facilities[f.id]}]): "
                    "make ids unique",
                    locate(("facilities", i, "id")),
                )
            )
        facilities.setdefault(f.id, i)
        for side in ("offers", "needs"):
            for j, item in enumerate(getattr(f, side)):
                path: Path = ("facilities", i, side, j, "id")
                if item.id in flows:
                    out.append(
                        Problem(
                            f"offer/need id {item.id!r} is used twice (also at "
                            f"{locate(flows[item.id])}): make ids unique across the file",
                            locate(path),
                        )
                    )
                flows.setdefault(item.id, path)
    return out


def _distances(inv: OperationsInventory, locate: Locate) -> list[Problem]:
    out: list[Problem] = []
    ids = [f.id for f in inv.facilities]
    seen: dict[frozenset[str], int] = {}
    for k, row in enumerate(inv.distances):
        for end in ("a", "b"):
            value = getattr(row, end)
            if value not in ids:
                guess = did_you_mean(value, ids)
                fix = f"did you mean {guess!r}?" if guess else "add it to the facilities"
                out.append(
                    Problem(f"unknown facility {value!r}: {fix}", locate(("distances", k, end)))
                )
        if row.a == row.b:
            out.append(
                Problem(
                    "a distance links two different facilities: change 'a' or 'b'",
                    locate(("distances", k, "b")),
                )
            )
        pair = frozenset((row.a, row.b))
        if pair in seen:
            out.append(
                Problem(
                    f"the distance between {row.a!r} and {row.b!r} is given twice (also "
                    f"distances[{seen[pair]}]): keep one row",
                    locate(("distances", k)),
                )
            )
        seen.setdefault(pair, k)
    named = {row.a for row in inv.distances} | {row.b for row in inv.distances}
    for i, f in enumerate(inv.facilities):
        if f.coordinates is None and f.id not in named and (f.offers or f.needs):
            out.append(
                Problem(
                    "no coordinates and no distance row: this facility is only matched "
                    "with nothing; give 'coordinates' or rows in 'distances'",
                    locate(("facilities", i, "coordinates")),
                    "warning",
                )
            )
    return out


def check_inventory(
    inv: OperationsInventory, kb: KnowledgeBase, locate: Locate | Any
) -> list[Problem]:
    """Every cross-record problem of ``inv`` (errors and warnings), located."""
    problems = _ids(inv, locate)
    for i, f in enumerate(inv.facilities):
        for side in ("offers", "needs"):
            for j, item in enumerate(getattr(f, side)):
                problems += _flow_problems(item, side, ("facilities", i, side, j), kb, locate)
    problems += _distances(inv, locate)
    return problems
