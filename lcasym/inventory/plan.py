"""Plan the foreground: every edge of both scenarios as plain, parameterised data.

For exchange *k* (supplier S → receiver R, ``m`` units per year) the plan holds:

baseline (each facility alone)
    ``exchange:k:receiver``  technosphere  P   amount m·SR·DF·K_P     (R buys virgin product)
    ``exchange:k:supplier``  technosphere  T   amount m·TR·K_T        (S treats the by-product)
symbiosis (the exchange happens)
    ``exchange:k:receiver``  technosphere  P   m·SR·DF·K_P  and  substitution P  m·SR·DF·K_P
    ``exchange:k:supplier``  technosphere  T   m·TR·K_T     and  substitution T  m·TR·K_T
    ``exchange:k:extra``     technosphere  transport m·w·d·K_t, extra inputs m·a·K_a or a·K_a
    ``exchange:k:supplier``  technosphere  G   m·β·K_G   (forgone output: the supplier's lost
                                                         output G, e.g. electricity, bought in)

so that ``score(baseline) − score(symbiosis) = m·SR·DF·λ_P + m·TR·λ_T − extras − m·β·λ_G``
exactly: the avoided burden less the extra burdens and the forgone output. K are unit-conversion
constants, λ the score of one
unit of a background activity. A facility's own inventory items appear identically in both
scenarios under ``facility:<id>``; each facility activity takes one unit of each of its
exchange sides, and ``network`` takes one unit of each facility.

Every exchange, operating or planned, is planned. Each of its edges is multiplied by its
``<id>.active`` parameter: 1 for an operating exchange, 0 for a planned one (kept out of the
reporting year's totals; its edges are written with amount 0). Switching a planned exchange
on is therefore a parameter edit; :meth:`ForegroundPlan.restricted` gives the plan of the
exchanges that count, without the ``active`` factors.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from lcasym.inventory import naming
from lcasym.inventory.forgone import resolve_forgone
from lcasym.network.model import ActivityRef, Distribution, Exchange, Status, SymbiosisNetwork
from lcasym.units import conversion_factor, parse_unit, ureg

if TYPE_CHECKING:
    from lcasym.background.resolve import ActivityInfo, BackgroundIndex

Component = Literal["displaced", "treatment", "transport", "extra", "forgone", "own"]
ParameterKind = Literal[
    "amount", "ratio", "displacement_factor", "distance", "forgone_ratio", "active"
]
ACTIVE: ParameterKind = "active"


@dataclass(frozen=True)
class Parameter:
    """An uncertain (or what-if) foreground parameter: the central value and its spread."""

    name: str
    exchange_id: str
    kind: ParameterKind
    value: float
    distribution: Distribution | None = None
    unit: str = ""


@dataclass(frozen=True)
class Edge:
    """One input of a foreground activity.

    ``amount = constant · Π parameter values`` (in the target activity's unit); a
    ``substitution`` edge enters the technosphere matrix with the opposite sign of a
    ``technosphere`` edge, i.e. it credits the target.
    """

    scenario: naming.Scenario
    owner: str
    target: tuple[str, str]
    edge_type: Literal["technosphere", "substitution"]
    constant: float
    parameters: tuple[str, ...]
    facility_id: str
    exchange_id: str | None
    component: Component
    unit: str
    label: str

    @property
    def sign(self) -> float:
        """+1 for a burden (technosphere input), −1 for a credit (substitution)."""
        return 1.0 if self.edge_type == "technosphere" else -1.0

    def amount(self, values: Mapping[str, float]) -> float:
        """Amount of the edge for the given parameter values: ``constant · Π values``."""
        result = self.constant
        for name in self.parameters:
            result *= values[name]
        return result


@dataclass(frozen=True)
class OwnerActivity:
    """A foreground activity lcasym writes (network, facility or exchange side)."""

    scenario: naming.Scenario
    code: str
    name: str
    facility_id: str | None
    exchange_id: str | None
    inputs: tuple[str, ...] = ()  # codes of foreground activities it takes one unit of


@dataclass(frozen=True)
class ForegroundPlan:
    """Both scenarios of a network as plain data; input of the writer and the engine."""

    network_id: str
    background_database: str
    edges: tuple[Edge, ...]
    parameters: tuple[Parameter, ...]
    activities: tuple[OwnerActivity, ...]
    targets: Mapping[tuple[str, str], ActivityInfo] = field(default_factory=dict)
    resolved: Mapping[ActivityRef, tuple[str, str]] = field(default_factory=dict)
    tag: str = ""  # set by lcasym.inventory.build: part of the database names
    has_custom: bool = True  # the network has custom activities (a custom database is written)

    def parameter_values(self) -> dict[str, float]:
        """Central values of all parameters, by name."""
        return {p.name: p.value for p in self.parameters}

    def edge_amounts(self, values: Mapping[str, float] | None = None) -> list[float]:
        """Amount of every edge (same order as ``edges``) for parameter values."""
        vals = self.parameter_values() if values is None else {**self.parameter_values(), **values}
        return [e.amount(vals) for e in self.edges]

    def database(self, scenario: naming.Scenario) -> str:
        """Brightway database name of a scenario."""
        return naming.scenario_database(self.network_id, scenario, self.tag)

    @property
    def custom_database(self) -> str:
        """Brightway database name of the network's custom activities."""
        return naming.custom_database(self.network_id, self.tag)

    @property
    def databases(self) -> tuple[str, ...]:
        """The foreground databases of this plan: baseline, symbiosis, and custom if any.

        No empty database: the custom one only when the network has custom activities.
        """
        names = naming.foreground_databases(self.network_id, self.tag)
        return names if self.has_custom else names[:2]

    def with_values(self, values: Mapping[str, float]) -> ForegroundPlan:
        """The same plan with other central values for the named parameters.

        Distributions are kept (a distribution is stated around the central value, see
        :class:`~lcasym.network.model.Distribution`), as in a network file edited the same way.
        """
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise KeyError(f"unknown parameters: {sorted(unknown)}")
        params = tuple(
            replace(p, value=float(values[p.name])) if p.name in values else p
            for p in self.parameters
        )
        return replace(self, parameters=params)

    def restricted(self, exchanges: Collection[str]) -> ForegroundPlan:
        """The plan of the given exchanges only, without the ``active`` factors.

        Edges, parameters and activities of the other exchanges are dropped; the facilities'
        own inventories stay. The result is the plan of a network in which exactly these
        exchanges are operating.
        """
        keep = set(exchanges)
        active = {p.name for p in self.parameters if p.kind == ACTIVE}
        edges = tuple(
            replace(e, parameters=tuple(n for n in e.parameters if n not in active))
            for e in self.edges
            if e.exchange_id is None or e.exchange_id in keep
        )
        params = tuple(p for p in self.parameters if p.kind != ACTIVE and p.exchange_id in keep)
        dropped = {a.code for a in self.activities if a.exchange_id and a.exchange_id not in keep}
        activities = tuple(
            replace(a, inputs=tuple(c for c in a.inputs if c not in dropped))
            for a in self.activities
            if not (a.exchange_id and a.exchange_id not in keep)
        )
        return replace(self, edges=edges, parameters=params, activities=activities)


def _param(exchange: Exchange, kind: ParameterKind, value: float, unit: str = "") -> Parameter:
    dist = getattr(exchange.uncertainty, kind, None) if exchange.uncertainty else None
    return Parameter(f"{exchange.id}.{kind}", exchange.id, kind, float(value), dist, unit)


def _ratio_constant(amount_unit: str, ratio_unit: str | None, target_unit: str) -> float:
    """K such that amount[amount_unit] · ratio[ratio_unit] · K = quantity in target_unit."""
    if not ratio_unit:
        return conversion_factor(amount_unit, target_unit)
    combined = ureg.Quantity(1.0, parse_unit(amount_unit) * parse_unit(ratio_unit))
    return float(combined.to(parse_unit(target_unit)).magnitude)


class _Builder:
    def __init__(self, network: SymbiosisNetwork, index: BackgroundIndex) -> None:
        self.network = network
        self.index = index
        self.default_db = network.network.background.database
        self.active: str | None = None  # the active parameter of the exchange being planned
        self.edges: list[Edge] = []
        self.parameters: list[Parameter] = []
        self.targets: dict[tuple[str, str], ActivityInfo] = {}
        self.resolved: dict[ActivityRef, tuple[str, str]] = {}

    def target(self, ref) -> ActivityInfo:
        info = self.index.resolve(ref, default_database=self.default_db)
        self.targets[(info.database, info.code)] = info
        self.resolved[ref] = (info.database, info.code)
        return info

    def edge(
        self, scenario, owner, info, edge_type, constant, params, facility, exchange, component
    ) -> None:
        self.edges.append(
            Edge(
                scenario=scenario,
                owner=owner,
                target=(info.database, info.code),
                edge_type=edge_type,
                constant=float(constant),
                parameters=tuple(params) + ((self.active,) if exchange and self.active else ()),
                facility_id=facility,
                exchange_id=exchange,
                component=component,
                unit=info.unit,
                label=info.name,
            )
        )

    def exchange(self, ex: Exchange) -> None:
        amount = _param(ex, "amount", ex.amount, ex.unit)
        self.parameters.append(amount)
        active = 1.0 if ex.status == Status.operating else 0.0
        self.active = f"{ex.id}.{ACTIVE}"
        self.parameters.append(Parameter(self.active, ex.id, ACTIVE, active))
        rec, sup, extra = (
            naming.exchange_code(ex.id, s) for s in ("receiver", "supplier", "extra")
        )
        if ex.displaces is not None:
            d = ex.displaces
            info = self.target(d.activity)
            ratio = _param(ex, "ratio", d.ratio, d.ratio_unit or "")
            df = _param(ex, "displacement_factor", d.displacement_factor)
            self.parameters += [ratio, df]
            k = _ratio_constant(ex.unit, d.ratio_unit, info.unit)
            names: tuple[str, ...] = (amount.name, ratio.name, df.name)
            for scenario in naming.SCENARIOS:
                self.edge(
                    scenario, rec, info, "technosphere", k, names, ex.receiver, ex.id, "displaced"
                )
            self.edge(
                "symbiosis", rec, info, "substitution", k, names, ex.receiver, ex.id, "displaced"
            )
        if ex.avoided_treatment is not None:
            t = ex.avoided_treatment
            info = self.target(t.activity)
            k = t.ratio * _ratio_constant(ex.unit, t.ratio_unit, info.unit)
            for scenario in naming.SCENARIOS:
                self.edge(
                    scenario,
                    sup,
                    info,
                    "technosphere",
                    k,
                    (amount.name,),
                    ex.supplier,
                    ex.id,
                    "treatment",
                )
            self.edge(
                "symbiosis",
                sup,
                info,
                "substitution",
                k,
                (amount.name,),
                ex.supplier,
                ex.id,
                "treatment",
            )
        bearer = ex.receiver if ex.extra_burdens_borne_by == "receiver" else ex.supplier
        total_distance = sum(
            conversion_factor(t.distance_unit, "km") * t.distance for t in ex.transport
        )
        if ex.transport:
            dist = _param(ex, "distance", total_distance, "km")
            self.parameters.append(dist)
        for leg in ex.transport:
            info = self.target(leg.activity)
            share = conversion_factor(leg.distance_unit, "km") * leg.distance / total_distance
            mass = leg.mass_per_unit if leg.mass_per_unit else conversion_factor(ex.unit, "t")
            k = mass * share * conversion_factor("t*km", info.unit)
            self.edge(
                "symbiosis",
                extra,
                info,
                "technosphere",
                k,
                (amount.name, dist.name),
                bearer,
                ex.id,
                "transport",
            )
        for item in ex.extra_inputs:
            info = self.target(item.activity)
            if item.per == "year":
                k, names = item.amount * conversion_factor(item.unit, info.unit), ()
            else:
                # amount given per one unit of the exchange's unit
                k, names = item.amount * conversion_factor(item.unit, info.unit), (amount.name,)
            self.edge("symbiosis", extra, info, "technosphere", k, names, bearer, ex.id, "extra")
        if ex.forgone_output is not None:
            self.forgone(ex, amount, sup)
        self.active = None

    def forgone(self, ex: Exchange, amount: Parameter, owner: str) -> None:
        """The supplier's lost output, bought in: ``m · β · K`` of the replacing activity."""
        spec = resolve_forgone(ex, self.network)
        info = self.target(spec.activity)
        ratio = Parameter(
            f"{ex.id}.forgone_ratio", ex.id, "forgone_ratio", float(spec.ratio),
            spec.distribution, spec.ratio_unit or "",
        )  # fmt: skip
        self.parameters.append(ratio)
        k = _ratio_constant(ex.unit, spec.ratio_unit, info.unit)
        names = (amount.name, ratio.name)
        self.edge("symbiosis", owner, info, "technosphere", k, names, ex.supplier, ex.id, "forgone")


def plan_foreground(network: SymbiosisNetwork, index: BackgroundIndex) -> ForegroundPlan:
    """Turn a validated network into the edges of its baseline and symbiosis foregrounds.

    ``index`` must resolve the network's background and custom activities (see
    ``lcasym.background.resolve.network_index``). Planned exchanges (status ``planned``) are
    planned with ``<id>.active = 0``: they are not part of the reporting year's network
    (their edges have amount 0) until that parameter is set to 1.
    """
    b = _Builder(network, index)
    for facility in network.facilities:
        for item in facility.inventory:
            info = b.target(item.activity)
            k = item.amount * conversion_factor(item.unit, info.unit)
            for scenario in naming.SCENARIOS:
                b.edge(
                    scenario,
                    naming.facility_code(facility.id),
                    info,
                    "technosphere",
                    k,
                    (),
                    facility.id,
                    None,
                    "own",
                )
    exchanges = network.exchanges
    for ex in exchanges:
        b.exchange(ex)
    for custom in network.custom_activities:
        for cx in custom.exchanges:
            if cx.activity is not None:
                b.target(cx.activity)

    activities: list[OwnerActivity] = []
    present = {(e.scenario, e.owner) for e in b.edges}
    for scenario in naming.SCENARIOS:
        facility_inputs: dict[str, list[str]] = {f.id: [] for f in network.facilities}
        for ex in exchanges:
            sides: tuple[tuple[naming.Side, str, str], ...] = (
                (
                    "receiver",
                    ex.receiver,
                    f"{ex.receiver} buys {ex.displaces.activity.label()}" if ex.displaces else "",
                ),
                ("supplier", ex.supplier, f"{ex.supplier} treats {ex.flow}"),
                (
                    "extra",
                    ex.receiver if ex.extra_burdens_borne_by == "receiver" else ex.supplier,
                    f"transport and processing of {ex.flow}",
                ),
            )
            for side, owner_facility, what in sides:
                code = naming.exchange_code(ex.id, side)
                if (scenario, code) not in present:
                    continue
                planned = (
                    " [planned: amount 0 in the reporting year]"
                    if ex.status == Status.planned
                    else ""
                )
                activities.append(
                    OwnerActivity(
                        scenario,
                        code,
                        f"{ex.id} ({side}, {scenario}): {what}{planned}",
                        owner_facility,
                        ex.id,
                    )
                )
                facility_inputs[owner_facility].append(code)
        for f in network.facilities:
            activities.append(
                OwnerActivity(
                    scenario,
                    naming.facility_code(f.id),
                    f"{f.name} ({scenario})",
                    f.id,
                    None,
                    tuple(facility_inputs[f.id]),
                )
            )
        activities.append(
            OwnerActivity(
                scenario,
                naming.NETWORK_CODE,
                f"{network.network.name} ({scenario})",
                None,
                None,
                tuple(naming.facility_code(f.id) for f in network.facilities),
            )
        )
    return ForegroundPlan(
        network_id=network.network.id,
        background_database=b.default_db,
        edges=tuple(b.edges),
        parameters=tuple(b.parameters),
        activities=tuple(activities),
        targets=dict(b.targets),
        resolved=dict(b.resolved),
        has_custom=bool(network.custom_activities),
    )
