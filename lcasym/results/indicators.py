"""Programme indicators of a symbiosis network, from the inventory (not from LCIA).

What industrial symbiosis programmes report (UK NISP, Kalundborg; ESRS E3-4, E5-4, E5-5;
GRI 303/306), computed from the operating exchanges of a :class:`SymbiosisNetwork`.
Every row says its unit and the exchanges it came from. Quantities per year.

Rules
-----
``waste_diverted`` (t)
    Exchanges with an ``avoided_treatment`` whose treated quantity
    ``amount · treatment ratio`` is a mass: the by-products no longer sent to disposal.
``hazardous_waste_diverted`` (t)
    The same, for exchanges flagged ``hazardous``.
``waste_generated`` (t), ``waste_diversion_rate`` (%)
    Σ of the mass by-products suppliers declare (``generates``), and waste diverted from
    those suppliers ÷ that sum · 100 (only when declared). A declared flow that only
    planned exchanges take is left out of both (planned exchanges never enter
    reporting-year ratios).
``virgin_materials_avoided`` (t)
    Displaced quantity ``amount · ratio · DF`` of material and waste exchanges, when it is
    a mass and the displaced activity does not declare itself a fossil fuel (those count
    below, once).
``freshwater_withdrawal_avoided`` (m3), ``groundwater_withdrawal_avoided`` (m3)
    Displaced quantity of water exchanges as a volume; a mass of water counts at
    1,000 kg per m3 (ecoinvent's water activities are in kg). The groundwater row is the part
    of the exchanges flagged ``groundwater`` (a subset, not an addition).
``energy_recovered`` (MWh)
    Energy exchanges: ``amount ×`` the energy of one unit, from the unit itself (MWh, GJ),
    the declared ``energy_content`` or the ``steam`` conditions (IAPWS-IF97 enthalpy, see
    :mod:`lcasym.network.energy`); else the displaced quantity if it is an energy.
``fossil_fuel_avoided_energy`` (MJ, net calorific value), ``fossil_fuel_avoided_mass`` (t)
    From the displaced activity's declared properties, never from names:
    ``fossil_fuel_mj`` (MJ of fossil fuel per unit of its product, e.g. 1/0.9 for heat from
    a 90 % gas boiler) gives the energy ``displaced quantity × fossil_fuel_mj``, and
    ``fuel_lhv_mj_per_kg`` the mass ``energy / LHV``. Activities without these properties
    (a user's own database) are not counted; the row lists the exchanges it counts.
``exchanges``, ``exchanges_planned``, ``partners``, ``facilities`` (count)
    Operating exchanges, planned ones (kept out of every other figure), facilities that
    take part in an operating exchange, and all facilities.
``symbiotic_input_share`` (%)
    Per facility declaring mass inputs (``inventory`` in mass units): mass received through
    symbiosis ÷ (that + declared mass inputs) · 100; mass basis only.
``cost_savings`` (network currency)
    Per exchange with ``economics``: receiver ``avoided purchase − price paid · amount −
    its share of exchange costs``; supplier ``avoided disposal fee + price paid · amount −
    its share``; network ``Σ avoided purchases + Σ avoided disposal fees − Σ exchange
    costs`` (the price paid is a transfer and cancels out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lcasym.network.energy import energy_per_unit
from lcasym.network.model import Exchange, ExchangeKind, Status, SymbiosisNetwork
from lcasym.units import parse_unit, ureg

#: Density of water used to count a mass of water as a volume, kg per m3.
WATER_DENSITY = 1000.0

NETWORK = "network"
COLUMNS = ["indicator", "entity", "unit", "value", "exchanges", "description"]


@dataclass(frozen=True)
class Row:
    """One indicator value."""

    indicator: str
    entity: str
    unit: str
    value: float
    exchanges: tuple[str, ...]
    description: str


def _quantity(value: float, unit: str, ratio_unit: str | None = None):
    u = parse_unit(unit) * parse_unit(ratio_unit) if ratio_unit else parse_unit(unit)
    return ureg.Quantity(value, u)


def _as(quantity, target: str) -> float | None:
    """Magnitude of ``quantity`` in ``target``, or None if the dimensions differ."""
    dst = parse_unit(target)
    if quantity.dimensionality != dst.dimensionality:
        return None
    return float(quantity.to(dst).magnitude)


def treated_quantity(ex: Exchange):
    """``amount · treatment ratio`` as a pint quantity (None without avoided treatment)."""
    t = ex.avoided_treatment
    return None if t is None else _quantity(ex.amount * t.ratio, ex.unit, t.ratio_unit)


def displaced_quantity(ex: Exchange):
    """``amount · ratio · DF`` as a pint quantity (None without a displaced product)."""
    d = ex.displaces
    if d is None:
        return None
    return _quantity(ex.amount * d.ratio * d.displacement_factor, ex.unit, d.ratio_unit)


def _sum_rows(name: str, unit: str, items: Iterable[tuple[str, float | None]], desc: str):
    picked = [(i, v) for i, v in items if v is not None]
    if not picked:
        return []
    return [Row(name, NETWORK, unit, sum(v for _, v in picked), tuple(i for i, _ in picked), desc)]


def _mass(q) -> float | None:
    return None if q is None else _as(q, "t")


def _water_volume(q) -> float | None:
    """A volume of water in m3 (a mass counts at :data:`WATER_DENSITY`)."""
    if q is None:
        return None
    volume = _as(q, "m3")
    if volume is None and (mass := _as(q, "kg")) is not None:
        volume = mass / WATER_DENSITY
    return volume


def _fossil(ex: Exchange, info: Any) -> tuple[float | None, float | None]:
    """(fossil MJ, tonnes) an exchange displaces, from the activity's declared properties."""
    mj_per_unit = info.prop("fossil_fuel_mj") if info is not None else None
    q = displaced_quantity(ex)
    if mj_per_unit is None or q is None:
        return None, None
    amount = _as(q, info.unit)
    if amount is None:
        return None, None
    energy = amount * mj_per_unit
    lhv = info.prop("fuel_lhv_mj_per_kg")
    return energy, (energy / lhv / 1000.0 if lhv else None)


def _generation_rows(network: SymbiosisNetwork, exchanges: list[Exchange], diverted) -> list[Row]:
    """Declared generation and the diversion rate, leaving out planned-only flows."""
    key = lambda f, flow: (f, flow.strip().casefold())  # noqa: E731
    operating = {key(e.supplier, e.flow) for e in exchanges}
    planned_only = {
        key(e.supplier, e.flow) for e in network.exchanges if e.status == Status.planned
    } - operating
    generated = [
        (f.id, _as(_quantity(g.amount, g.unit), "t"))
        for f in network.facilities
        for g in f.generates
        if key(f.id, g.flow) not in planned_only
    ]
    gen_total = sum(v for _, v in generated if v is not None)
    if gen_total <= 0:
        return []
    suppliers = {i for i, v in generated if v is not None}
    from_declared = [
        (i, v)
        for (i, v), e in zip(diverted, exchanges, strict=True)
        if v is not None and e.supplier in suppliers
    ]
    note = " (flows only planned exchanges take are left out)" if planned_only else ""
    return [
        Row("waste_generated", NETWORK, "t", gen_total, (),
            "By-products and waste the facilities declare they generate" + note),
        Row("waste_diversion_rate", NETWORK, "%",
            100 * sum(v for _, v in from_declared) / gen_total, tuple(i for i, _ in from_declared),
            "Waste diverted ÷ waste generated (suppliers declaring generation)" + note),
    ]  # fmt: skip


def material_rows(
    exchanges: list[Exchange], network: SymbiosisNetwork, displaced: Mapping[str, Any]
) -> list[Row]:
    """Waste, hazardous waste, virgin materials, fossil fuels, water and energy rows."""
    rows: list[Row] = []
    diverted = [(e.id, _mass(treated_quantity(e))) for e in exchanges]
    rows += _sum_rows(
        "waste_diverted",
        "t",
        diverted,
        "Waste and by-products diverted from disposal (avoided treatment)",
    )
    rows += _sum_rows(
        "hazardous_waste_diverted",
        "t",
        [(i, v) for (i, v), e in zip(diverted, exchanges, strict=True) if e.hazardous],
        "Hazardous waste diverted from disposal",
    )
    rows += _generation_rows(network, exchanges, diverted)
    fossil = {e.id: _fossil(e, displaced.get(e.id)) for e in exchanges if e.displaces}
    solid = [e for e in exchanges if e.kind in (ExchangeKind.material, ExchangeKind.waste)]
    rows += _sum_rows(
        "virgin_materials_avoided",
        "t",
        [
            (e.id, _mass(displaced_quantity(e)))
            for e in solid
            if fossil.get(e.id, (None,))[0] is None
        ],
        "Virgin (primary) materials no longer bought by the receivers",
    )
    rows += _sum_rows(
        "fossil_fuel_avoided_energy",
        "MJ",
        [(i, mj) for i, (mj, _) in fossil.items()],
        "Fossil fuel no longer burnt (net calorific value), from the displaced activity's "
        "declared fuel input",
    )
    rows += _sum_rows(
        "fossil_fuel_avoided_mass",
        "t",
        [(i, t) for i, (_, t) in fossil.items()],
        "Fossil fuel no longer burnt (mass), from the declared fuel input and heating value",
    )
    water = [e for e in exchanges if e.kind == ExchangeKind.water]
    volumes = [(e.id, _water_volume(displaced_quantity(e))) for e in water]
    rows += _sum_rows(
        "freshwater_withdrawal_avoided",
        "m3",
        volumes,
        "Freshwater withdrawal avoided (water displaced at the receivers)",
    )
    rows += _sum_rows(
        "groundwater_withdrawal_avoided",
        "m3",
        [(i, v) for (i, v), e in zip(volumes, water, strict=True) if e.groundwater],
        "Of which groundwater abstraction avoided",
    )
    energy = []
    for e in exchanges:
        if e.kind == ExchangeKind.energy:
            per = energy_per_unit(e)
            value = e.amount * per.to("MWh").magnitude if per is not None else None
            if value is None and (q := displaced_quantity(e)) is not None:
                value = _as(q, "MWh")
            energy.append((e.id, value))
    rows += _sum_rows(
        "energy_recovered",
        "MWh",
        energy,
        "Energy recovered and delivered through symbiosis (steam at its IAPWS-IF97 enthalpy)",
    )
    return rows


def count_rows(network: SymbiosisNetwork, exchanges: list[Exchange]) -> list[Row]:
    """Numbers of exchanges, planned exchanges, partners and facilities."""
    ids = tuple(e.id for e in exchanges)
    partners = {f for e in exchanges for f in (e.supplier, e.receiver)}
    planned = tuple(e.id for e in network.exchanges if e.status.value == "planned")
    return [
        Row("exchanges", NETWORK, "count", float(len(exchanges)), ids, "Operating exchanges"),
        Row(
            "exchanges_planned",
            NETWORK,
            "count",
            float(len(planned)),
            planned,
            "Planned exchanges (not in any other figure)",
        ),
        Row(
            "partners",
            NETWORK,
            "count",
            float(len(partners)),
            ids,
            "Facilities taking part in at least one operating exchange",
        ),
        Row(
            "facilities",
            NETWORK,
            "count",
            float(len(network.facilities)),
            (),
            "Facilities in the network",
        ),
    ]


def input_share_rows(network: SymbiosisNetwork, exchanges: list[Exchange]) -> list[Row]:
    """Share of mass inputs sourced through symbiosis, per declaring facility and network."""
    rows: list[Row] = []
    tot_rec, tot_all = 0.0, 0.0
    used: list[str] = []
    for f in network.facilities:
        declared = [_as(_quantity(i.amount, i.unit), "t") for i in f.inventory]
        declared_mass = sum(v for v in declared if v is not None)
        if declared_mass <= 0:
            continue
        received = [
            (e.id, _as(_quantity(e.amount, e.unit), "t")) for e in exchanges if e.receiver == f.id
        ]
        known = [(i, v) for i, v in received if v is not None]
        mass = sum(v for _, v in known)
        ids = tuple(i for i, _ in known)
        rows.append(
            Row(
                "symbiotic_input_share",
                f.id,
                "%",
                100 * mass / (mass + declared_mass),
                ids,
                "Mass inputs received through symbiosis ÷ all declared mass inputs",
            )
        )
        tot_rec, tot_all, used = tot_rec + mass, tot_all + mass + declared_mass, [*used, *ids]
    if rows:
        rows.append(
            Row(
                "symbiotic_input_share",
                NETWORK,
                "%",
                100 * tot_rec / tot_all,
                tuple(used),
                "Mass inputs received through symbiosis ÷ all declared "
                "mass inputs (facilities declaring inputs)",
            )
        )
    return rows


def cost_rows(network: SymbiosisNetwork, exchanges: list[Exchange]) -> list[Row]:
    """Cost savings per facility and for the network (see module docs)."""
    currency = network.network.currency
    per_facility: dict[str, float] = defaultdict(float)
    used: dict[str, list[str]] = defaultdict(list)
    network_total, ids = 0.0, []
    for e in exchanges:
        eco = e.economics
        if eco is None:
            continue
        purchase, fee = eco.avoided_purchase_cost or 0.0, eco.avoided_disposal_fee or 0.0
        costs, paid = eco.exchange_costs or 0.0, (eco.price_paid or 0.0) * e.amount
        share_r = {"receiver": 1.0, "supplier": 0.0, "shared": 0.5}[eco.exchange_costs_borne_by]
        per_facility[e.receiver] += purchase - paid - share_r * costs
        per_facility[e.supplier] += fee + paid - (1 - share_r) * costs
        for f in (e.receiver, e.supplier):
            used[f].append(e.id)
        network_total += purchase + fee - costs
        ids.append(e.id)
    if not ids:
        return []
    rows = [
        Row(
            "cost_savings",
            f,
            currency,
            per_facility[f],
            tuple(used[f]),
            "Avoided purchases and disposal fees, less exchange costs, after payments",
        )
        for f in (x.id for x in network.facilities)
        if f in per_facility
    ]
    rows.append(
        Row(
            "cost_savings",
            NETWORK,
            currency,
            network_total,
            tuple(ids),
            "Σ avoided purchases + Σ avoided disposal fees − Σ exchange costs",
        )
    )
    return rows


def compute_indicators(
    network: SymbiosisNetwork, *, displaced: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """All programme indicators of ``network`` as a tidy table.

    Parameters
    ----------
    network
        The validated network; only operating exchanges count.
    displaced
        The background activity each exchange displaces
        (:class:`lcasym.background.resolve.ActivityInfo`, by exchange id): its declared
        properties give the fossil fuel avoided. Without it no fossil-fuel row is computed.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, entity, unit, value, exchanges, description``; ``entity`` is
        ``"network"`` or a facility id; ``exchanges`` the comma-separated exchange ids.
    """
    exchanges = network.operating_exchanges()
    rows = (
        material_rows(exchanges, network, dict(displaced or {}))
        + count_rows(network, exchanges)
        + input_share_rows(network, exchanges)
        + cost_rows(network, exchanges)
    )
    frame = pd.DataFrame(
        [
            (r.indicator, r.entity, r.unit, float(r.value), ", ".join(r.exchanges), r.description)
            for r in rows
        ],
        columns=COLUMNS,
    )
    return frame


def indicator_value(frame: pd.DataFrame, name: str, entity: str = NETWORK) -> float | None:
    """Value of one indicator for one entity, or None if it was not computed."""
    hit = frame[(frame["indicator"] == name) & (frame["entity"] == entity)]
    return None if hit.empty else float(hit["value"].iloc[0])
