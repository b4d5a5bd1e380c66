"""What-if edits of a network's exchanges: parsed, checked, and applied without Brightway.

An edit sets one field of one exchange (:class:`Edit`). The fields are the foreground
parameters of the plan (``lcasym.inventory.plan``) plus the exchange's status:

============================ ========================================================
``amount``                   quantity per year, in the exchange's unit (> 0)
``ratio``                    substitution ratio SR of the displaced product (> 0)
``displacement_factor``      market displacement factor DF, in [0, 1]
``distance``                 total transport distance in km (> 0); the legs keep their
                             shares of it
``forgone_ratio``            output the supplier gives up per unit exchanged (≥ 0), in
                             the unit of its ratio (or of the named default's)
``active``                   True: the exchange operates in the reporting year; False:
                             planned (kept out of the totals unless planned ones are
                             included)
============================ ========================================================

Edits are given as :class:`Edit` objects, as mappings ``{"exchange": ..., "field": ...,
"value": ...}`` or as one flat mapping ``{"<exchange>.<field>": value, ...}``. They are
checked before anything is computed, with located messages in the network file's style
(:class:`~lcasym.errors.InputError` of :class:`~lcasym.errors.Problem` s).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lcasym.errors import InputError, Problem
from lcasym.network.model import Exchange, Status, SymbiosisNetwork, Uncertainty

Field = Literal["amount", "ratio", "displacement_factor", "distance", "forgone_ratio", "active"]
FIELDS: tuple[Field, ...] = (
    "amount",
    "ratio",
    "displacement_factor",
    "distance",
    "forgone_ratio",
    "active",
)
#: Physical range of each numeric field: (low, high, low is allowed, text for messages).
RANGES: dict[str, tuple[float, float, bool, str]] = {
    "amount": (0.0, math.inf, False, "> 0"),
    "ratio": (0.0, math.inf, False, "> 0"),
    "displacement_factor": (0.0, 1.0, True, "in [0, 1]"),
    "distance": (0.0, math.inf, False, "> 0 km"),
    "forgone_ratio": (0.0, math.inf, True, "≥ 0"),
}


@dataclass(frozen=True)
class Edit:
    """Set ``field`` of exchange ``exchange`` to ``value`` (see the module docstring)."""

    exchange: str
    field: str
    value: float | bool

    @property
    def parameter(self) -> str:
        """Name of the plan parameter this edit sets (``<exchange>.<field>``)."""
        return f"{self.exchange}.{self.field}"


EditLike = Edit | Mapping[str, Any]
EditsLike = Iterable[EditLike] | Mapping[str, Any] | None


def _did_you_mean(text: str, choices: Iterable[str]) -> str:
    from lcasym.io.problems import did_you_mean

    guess = did_you_mean(text, choices)
    return f"; did you mean {guess!r}?" if guess else ""


def _items(edits: EditsLike, where: str) -> list[tuple[str, Any]]:
    """``(location, raw edit)`` pairs from any accepted form."""
    if edits is None:
        return []
    if isinstance(edits, Edit):
        return [(f"{where}[0]", edits)]
    if isinstance(edits, Mapping):
        if set(edits) == {"exchange", "field", "value"}:
            return [(f"{where}[0]", edits)]
        out = []
        for key, value in edits.items():
            exchange, _, field = str(key).rpartition(".")
            out.append(
                (
                    f"{where}[{key!r}]",
                    {"exchange": exchange, "field": field, "value": value, "_key": key},
                )
            )
        return out
    if isinstance(edits, str | bytes):
        return [(where, edits)]
    return [(f"{where}[{i}]", e) for i, e in enumerate(edits)]


def parse_edits(
    edits: EditsLike, network: SymbiosisNetwork, *, where: str = "edits"
) -> tuple[Edit, ...]:
    """Check ``edits`` against ``network`` and return them as :class:`Edit` objects.

    Raises
    ------
    InputError
        Listing every problem at once, each located (``edits[2] (exchange 'steam').amount``):
        an unknown exchange or field (with the closest known one), a field the exchange
        does not have (no displaced product, no transport, no forgone output), a value out
        of its range or not a number, the same field edited twice.
    """
    exchanges = {x.id: x for x in network.exchanges}
    problems: list[Problem] = []
    out: list[Edit] = []
    seen: dict[tuple[str, str], str] = {}
    for loc, raw in _items(edits, where):
        if isinstance(raw, Edit):
            exchange, field, value = raw.exchange, raw.field, raw.value
        elif isinstance(raw, Mapping) and {"exchange", "field", "value"} <= set(raw):
            exchange, field, value = str(raw["exchange"]), str(raw["field"]), raw["value"]
        else:
            problems.append(
                Problem(
                    "an edit is an Edit(exchange, field, value), a mapping with the keys "
                    "'exchange', 'field' and 'value', or an item '<exchange>.<field>': value of "
                    f"one mapping; got {raw!r}",
                    loc,
                )
            )
            continue
        flat = isinstance(raw, Mapping) and "_key" in raw
        if flat and not exchange:
            problems.append(
                Problem(
                    f"write the key as '<exchange>.<field>', e.g. '{next(iter(exchanges))}.amount'",
                    loc,
                )
            )
            continue
        x = exchanges.get(exchange)
        if x is None:
            problems.append(
                Problem(
                    f"unknown exchange {exchange!r}"
                    + _did_you_mean(exchange, exchanges)
                    + f" (the network {network.network.id!r} has {len(exchanges)} exchanges)",
                    loc,
                )
            )
            continue
        here = loc if flat else f"{loc} (exchange {exchange!r}).{field}"
        if field not in FIELDS:
            problems.append(
                Problem(
                    f"unknown field {field!r}"
                    + _did_you_mean(field, FIELDS)
                    + f"; editable fields: {', '.join(FIELDS)}",
                    here,
                )
            )
            continue
        missing = _missing_part(x, field)
        if missing:
            problems.append(Problem(f"exchange {exchange!r} has no {missing} to edit", here))
            continue
        checked = _check_value(field, value, here, problems)
        if checked is None:
            continue
        if (exchange, field) in seen:
            problems.append(
                Problem(
                    f"{exchange}.{field} is edited twice (also at "
                    f"{seen[(exchange, field)]}): give it once",
                    here,
                )
            )
            continue
        seen[(exchange, field)] = here
        out.append(Edit(exchange, field, checked))
    if not problems:
        problems = edited_problems(network, out, where)
    if problems:
        raise InputError(problems, source=f"what-if {where}")
    return tuple(out)


def edited_problems(
    network: SymbiosisNetwork, edits: Sequence[Edit], where: str = "edits"
) -> list[Problem]:
    """Errors of the network's own cross-record rules that the edits bring in.

    An edit can break the mass balance (a supplier sending more than it declares it
    generates: ``generation_balance``) or make a substitution ratio implausible
    (``ratio_ranges``), exactly as the same change in the network file would; other rules
    read fields no edit changes. Warnings are not reported (a file's warnings do not stop
    a calculation either).
    """
    balance = any(f.generates for f in network.facilities) and any(
        e.field in ("amount", "active") for e in edits
    )
    if not balance and not any(e.field == "ratio" for e in edits):
        return []
    from lcasym.io.locate import PathLocator
    from lcasym.network.validation import Context, generation_balance, ratio_ranges

    edited = edited_network(network, edits)

    def run(locate) -> list[Problem]:
        ctx = Context(edited, None, locate)
        found = [p for rule in (generation_balance, ratio_ranges) for p in rule(ctx)]
        return [p for p in found if p.severity == "error"]

    if not run(lambda path: ""):
        return []
    located = run(PathLocator(edited.model_dump(mode="json"), "network"))
    return [Problem(f"after the edits, {p.message}", f"{where}: {p.location}") for p in located]


def _missing_part(x: Exchange, field: str) -> str | None:
    if field in ("ratio", "displacement_factor") and x.displaces is None:
        return "displaced product ('displaces')"
    if field == "distance" and not x.transport:
        return "transport"
    if field == "forgone_ratio" and x.forgone_output is None:
        return "forgone output ('forgone_output')"
    return None


def _check_value(field: str, value: Any, where: str, problems: list[Problem]) -> Any:
    if field == "active":
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        problems.append(Problem(f"active must be True or False, got {value!r}", where))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(f"{field} must be a number, got {value!r}", where))
        return None
    value = float(value)
    low, high, closed, text = RANGES[field]
    ok = math.isfinite(value) and (value >= low if closed else value > low) and value <= high
    if not ok:
        problems.append(Problem(f"{field} must be {text}, got {value!r}", where))
        return None
    return value


def parameter_values(edits: Sequence[Edit]) -> dict[str, float]:
    """Plan parameter values set by the edits (``active`` is left to the caller)."""
    return {e.parameter: float(e.value) for e in edits if e.field != "active"}


def edited_network(network: SymbiosisNetwork, edits: Sequence[Edit]) -> SymbiosisNetwork:
    """The network as if its file had been edited: the same result as the edits.

    ``distance`` scales every transport leg by ``value / total km``; ``forgone_ratio`` on
    a named default writes the default's unit, source and distribution into the exchange.
    The values were checked by :func:`parse_edits`; the records are copied, not validated
    again (no model rule reads two of these fields together).
    """
    if not edits:
        return network
    by_exchange: dict[str, list[Edit]] = {}
    for e in edits:
        by_exchange.setdefault(e.exchange, []).append(e)
    exchanges = []
    for x in network.exchanges:
        for e in by_exchange.get(x.id, ()):
            x = _apply(x, e, network)
        exchanges.append(x)
    return network.model_copy(update={"exchanges": exchanges})


def _apply(x: Exchange, e: Edit, network: SymbiosisNetwork) -> Exchange:
    from lcasym.units import conversion_factor

    if e.field == "amount":
        return x.model_copy(update={"amount": float(e.value)})
    if e.field in ("ratio", "displacement_factor"):
        assert x.displaces is not None
        return x.model_copy(
            update={"displaces": x.displaces.model_copy(update={e.field: float(e.value)})}
        )
    if e.field == "distance":
        total = sum(conversion_factor(t.distance_unit, "km") * t.distance for t in x.transport)
        scale = float(e.value) / total
        legs = [t.model_copy(update={"distance": t.distance * scale}) for t in x.transport]
        return x.model_copy(update={"transport": legs})
    if e.field == "forgone_ratio":
        from lcasym.inventory.forgone import resolve_forgone

        assert x.forgone_output is not None
        spec = resolve_forgone(x, network)
        forgone = x.forgone_output.model_copy(
            update={"ratio": float(e.value), "ratio_unit": spec.ratio_unit, "default": None,
                    "source": x.forgone_output.source or spec.source}
        )  # fmt: skip
        update: dict[str, Any] = {"forgone_output": forgone}
        declared = x.uncertainty.forgone_ratio if x.uncertainty else None
        if declared is None and spec.distribution is not None:
            uncertainty = x.uncertainty or Uncertainty()
            update["uncertainty"] = uncertainty.model_copy(
                update={"forgone_ratio": spec.distribution}
            )
        return x.model_copy(update=update)
    if e.field == "active":
        return x.model_copy(update={"status": Status.operating if e.value else Status.planned})
    raise ValueError(f"unknown field {e.field!r}")
