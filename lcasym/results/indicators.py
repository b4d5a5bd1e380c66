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
    those suppliers ÷ that sum · 100 (only when declared).
``virgin_materials_avoided`` (t)
    Displaced quantity ``amount · ratio · DF`` of material and waste exchanges, when it is
    a mass and the displaced product is not a fossil fuel (those count below, once).
``freshwater_withdrawal_avoided`` (m3), ``groundwater_withdrawal_avoided`` (m3)
    Displaced quantity of water exchanges, as a volume; the groundwater row is the part of
    the exchanges flagged ``groundwater`` (a subset, not an addition).
``energy_recovered`` (MWh)
    Energy exchanges: the quantity exchanged if it is an energy, else the displaced
    quantity if that is an energy.
``fossil_fuel_avoided_energy`` (MJ), ``fossil_fuel_avoided_mass`` (t)
    Displaced quantity when the displaced activity is a fossil fuel or heat from one: its
    name, reference product or code contains a word of :data:`FOSSIL_WORDS` and none of
    :data:`NON_FOSSIL_WORDS`. Energy displaced (e.g. heat from a gas boiler) is counted as
    the useful energy displaced, in MJ (the fuel burnt for it is larger by the boiler's
    efficiency, which the network does not give); masses in t. Electricity is not counted
    (grid mixes are not fuels; the LCIA energy indicators cover it).
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

import pandas as pd

from lcasym.network.model import Exchange, ExchangeKind, SymbiosisNetwork
from lcasym.units import parse_unit, ureg

NETWORK = "network"
COLUMNS = ["indicator", "entity", "unit", "value", "exchanges", "description"]

FOSSIL_WORDS: tuple[str, ...] = (
    "natural gas", "fuel oil", "heating oil", "gas oil", "diesel", "petrol", "gasoline",
    "kerosene", "coal", "lignite", "petroleum", "liquefied petroleum gas", "lpg", "naphtha",
    "crude oil", "oil boiler", "oil furnace", "fossil",
)  # fmt: skip
NON_FOSSIL_WORDS: tuple[str, ...] = (
    "biogas", "biomethane", "biomass", "wood", "charcoal", "bio-", "biodiesel", "renewable",
    "electricity",
)  # fmt: skip


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


def is_fossil(text: str) -> bool:
    """Whether an activity description names a fossil fuel or fossil heat (see module docs)."""
    low = text.lower().replace("_", " ")
    return any(w in low for w in FOSSIL_WORDS) and not any(w in low for w in NON_FOSSIL_WORDS)


def _sum_rows(name: str, unit: str, items: Iterable[tuple[str, float | None]], desc: str):
    picked = [(i, v) for i, v in items if v is not None]
    if not picked:
        return []
    return [Row(name, NETWORK, unit, sum(v for _, v in picked), tuple(i for i, _ in picked), desc)]


def _mass(q) -> float | None:
    return None if q is None else _as(q, "t")


def material_rows(
    exchanges: list[Exchange], network: SymbiosisNetwork, displaced_text: Mapping[str, str]
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
    generators = {f.id: f for f in network.facilities if f.generates}
    generated = [
        (f.id, _as(_quantity(g.amount, g.unit), "t"))
        for f in generators.values()
        for g in f.generates
    ]
    gen_total = sum(v for _, v in generated if v is not None)
    if gen_total > 0:
        rows.append(
            Row(
                "waste_generated",
                NETWORK,
                "t",
                gen_total,
                (),
                "By-products and waste the facilities declare they generate",
            )
        )
        from_declared = [
            (i, v)
            for (i, v), e in zip(diverted, exchanges, strict=True)
            if v is not None and e.supplier in generators
        ]
        rows += [
            Row(
                "waste_diversion_rate",
                NETWORK,
                "%",
                100 * sum(v for _, v in from_declared) / gen_total,
                tuple(i for i, _ in from_declared),
                "Waste diverted ÷ waste generated (suppliers declaring generation)",
            )
        ]
    fossil = {
        e.id
        for e in exchanges
        if e.displaces is not None
        and is_fossil(displaced_text.get(e.id, e.displaces.activity.label()))
    }
    solid = [e for e in exchanges if e.kind in (ExchangeKind.material, ExchangeKind.waste)]
    rows += _sum_rows(
        "virgin_materials_avoided",
        "t",
        [(e.id, _mass(displaced_quantity(e))) for e in solid if e.id not in fossil],
        "Virgin (primary) materials no longer bought by the receivers",
    )
    fossil_ex = [e for e in exchanges if e.id in fossil]
    rows += _sum_rows(
        "fossil_fuel_avoided_energy",
        "MJ",
        [(e.id, _as(displaced_quantity(e), "MJ")) for e in fossil_ex],
        "Fossil fuel or fossil heat displaced (useful energy)",
    )
    rows += _sum_rows(
        "fossil_fuel_avoided_mass",
        "t",
        [(e.id, _mass(displaced_quantity(e))) for e in fossil_ex],
        "Fossil fuel displaced (mass)",
    )
    water = [e for e in exchanges if e.kind == ExchangeKind.water]
    volumes = [
        (e.id, _as(q, "m3") if (q := displaced_quantity(e)) is not None else None) for e in water
    ]
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
            value = _as(_quantity(e.amount, e.unit), "MWh")
            if value is None and (q := displaced_quantity(e)) is not None:
                value = _as(q, "MWh")
            energy.append((e.id, value))
    rows += _sum_rows(
        "energy_recovered", "MWh", energy, "Energy recovered and delivered through symbiosis"
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
    rows, tot_rec, tot_all, used = [], 0.0, 0.0, []
    for f in network.facilities:
        declared = [_as(_quantity(i.amount, i.unit), "t") for i in f.inventory]
        declared_mass = sum(v for v in declared if v is not None)
        if declared_mass <= 0:
            continue
        received = [
            (e.id, _as(_quantity(e.amount, e.unit), "t")) for e in exchanges if e.receiver == f.id
        ]
        received = [(i, v) for i, v in received if v is not None]
        mass = sum(v for _, v in received)
        ids = tuple(i for i, _ in received)
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
    network: SymbiosisNetwork, *, displaced_text: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """All programme indicators of ``network`` as a tidy table.

    Parameters
    ----------
    network
        The validated network; only operating exchanges count.
    displaced_text
        Optional description of each exchange's displaced activity (name and reference
        product from the background), by exchange id, used to recognise fossil fuels;
        default: the activity reference as written in the network.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, entity, unit, value, exchanges, description``; ``entity`` is
        ``"network"`` or a facility id; ``exchanges`` the comma-separated exchange ids.
    """
    exchanges = network.operating_exchanges()
    text = dict(displaced_text or {})
    rows = (
        material_rows(exchanges, network, text)
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
