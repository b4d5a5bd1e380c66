"""The foreground plan: edges, amounts and units, computed by hand on tiny networks."""

from __future__ import annotations

import pytest

from lcasym.background.resolve import ActivityInfo, BackgroundIndex
from lcasym.inventory.plan import plan_foreground
from lcasym.network.model import SymbiosisNetwork


def stand_in_index() -> BackgroundIndex:
    """A background index over a few made-up activities (no Brightway needed)."""
    return BackgroundIndex(
        [
            ActivityInfo("bg", "gypsum", "gypsum, mined", "gypsum", "GLO", "kilogram"),
            ActivityInfo("bg", "landfill", "landfill, inert", "landfill", "GLO", "kilogram"),
            ActivityInfo("bg", "lorry", "lorry", "transport", "GLO", "ton kilometer"),
            ActivityInfo("bg", "heat", "heat, gas boiler", "heat", "DK", "megajoule"),
            ActivityInfo("bg", "power", "electricity", "electricity", "DK", "kilowatt hour"),
            ActivityInfo("bg", "gas", "natural gas", "natural gas", "GLO", "megajoule"),
        ]
    )


def network(**exchange_overrides) -> SymbiosisNetwork:
    gypsum = {
        "id": "gyp",
        "supplier": "PP",
        "receiver": "PB",
        "kind": "material",
        "flow": "FGD gypsum",
        "amount": 100.0,
        "unit": "t",
        "displaces": {"activity": "gypsum", "ratio": 0.9, "displacement_factor": 0.5},
        "avoided_treatment": {"activity": "landfill"},
        "transport": [{"activity": "lorry", "distance": 20}],
        "extra_inputs": [
            {"activity": "power", "amount": 2.0, "unit": "kWh", "per": "unit_exchanged"},
            {"activity": "power", "amount": 1.0, "unit": "MWh", "per": "year"},
        ],
    }
    gypsum.update(exchange_overrides)
    heat = {
        "id": "steam",
        "supplier": "PP",
        "receiver": "PB",
        "kind": "energy",
        "flow": "steam",
        "amount": 2.0,
        "unit": "GWh",
        "displaces": {"activity": "heat"},
    }
    planned = {**heat, "id": "future", "status": "planned"}
    return SymbiosisNetwork.model_validate(
        {
            "network": {
                "id": "t",
                "name": "T",
                "reporting_year": 2020,
                "background": {"database": "bg"},
            },
            "facilities": [
                {"id": "PP", "name": "power plant", "sector": "energy"},
                {
                    "id": "PB",
                    "name": "plasterboard",
                    "sector": "building materials",
                    "inventory": [{"activity": "gas", "amount": 5, "unit": "GJ"}],
                },
            ],
            "exchanges": [gypsum, heat, planned],
        }
    )


def amounts(plan, scenario, owner):
    values = plan.parameter_values()
    rows = sorted(
        (e.target[1], e.edge_type, round(e.amount(values), 9))
        for e in plan.edges
        if e.scenario == scenario and e.owner == owner
    )
    return [(t, k, pytest.approx(a)) for t, k, a in rows]


def test_displaced_product_uses_ratio_factor_and_units():
    plan = plan_foreground(network(), stand_in_index())
    # 100 t × 0.9 (SR) × 0.5 (DF) × 1000 kg/t = 45,000 kg natural gypsum
    assert amounts(plan, "baseline", "exchange:gyp:receiver") == [
        ("gypsum", "technosphere", 45_000.0)
    ]
    # In the symbiosis the receiver's need stays and is met by the by-product (substitution).
    assert amounts(plan, "symbiosis", "exchange:gyp:receiver") == [
        ("gypsum", "substitution", 45_000.0),
        ("gypsum", "technosphere", 45_000.0),
    ]


def test_avoided_treatment_and_extras():
    plan = plan_foreground(network(), stand_in_index())
    # 100 t × 1000 kg/t = 100,000 kg no longer landfilled
    assert amounts(plan, "baseline", "exchange:gyp:supplier") == [
        ("landfill", "technosphere", 100_000.0)
    ]
    # transport 100 t × 20 km = 2,000 t·km; pumping 2 kWh/t × 100 t = 200 kWh;
    # fixed 1 MWh/yr = 1,000 kWh
    assert amounts(plan, "symbiosis", "exchange:gyp:extra") == [
        ("lorry", "technosphere", 2_000.0),
        ("power", "technosphere", 200.0),
        ("power", "technosphere", 1_000.0),
    ]
    assert amounts(plan, "baseline", "exchange:gyp:extra") == []


def test_energy_units_convert_gwh_to_mj():
    plan = plan_foreground(network(), stand_in_index())
    # 2 GWh = 2 × 3.6e6 MJ = 7.2e6 MJ of boiler heat displaced
    assert amounts(plan, "baseline", "exchange:steam:receiver") == [("heat", "technosphere", 7.2e6)]


def test_ratio_unit_bridges_dimensions():
    plan = plan_foreground(
        network(
            unit="Nm3",
            amount=1000.0,
            displaces={"activity": "gas", "ratio": 36.0, "ratio_unit": "MJ/Nm3"},
            transport=[],
            extra_inputs=[],
            avoided_treatment=None,
        ),
        stand_in_index(),
    )
    # 1000 Nm3 × 36 MJ/Nm3 = 36,000 MJ natural gas displaced
    assert amounts(plan, "baseline", "exchange:gyp:receiver") == [("gas", "technosphere", 36_000.0)]


def test_planned_exchanges_are_switched_off_and_own_inventory_is_in_both_scenarios():
    plan = plan_foreground(network(), stand_in_index())
    active = {p.name: p.value for p in plan.parameters if p.kind == "active"}
    assert active == {"gyp.active": 1.0, "steam.active": 1.0, "future.active": 0.0}
    # Every edge of an exchange carries its active factor: the planned one's are 0 ...
    future = [e for e in plan.edges if e.exchange_id == "future"]
    assert future and all("future.active" in e.parameters for e in future)
    assert amounts(plan, "baseline", "exchange:future:receiver") == [("heat", "technosphere", 0.0)]
    # ... and switching it on is a parameter edit: 2 GWh = 7.2e6 MJ, like the steam exchange
    on = plan.with_values({"future.active": 1.0})
    assert amounts(on, "baseline", "exchange:future:receiver") == [("heat", "technosphere", 7.2e6)]
    # The plan of the operating exchanges has no trace of it, nor any active factor.
    counted = plan.restricted(["gyp", "steam"])
    assert not [e for e in counted.edges if e.exchange_id == "future"]
    assert not [p for p in counted.parameters if p.kind == "active" or p.exchange_id == "future"]
    assert all(not n.endswith(".active") for e in counted.edges for n in e.parameters)
    assert "exchange:future:receiver" not in {a.code for a in counted.activities}
    assert amounts(counted, "baseline", "exchange:steam:receiver") == [
        ("heat", "technosphere", 7.2e6)
    ]
    for scenario in ("baseline", "symbiosis"):
        # 5 GJ = 5,000 MJ natural gas, identical in both scenarios
        assert amounts(plan, scenario, "facility:PB") == [("gas", "technosphere", 5_000.0)]


def test_difference_is_avoided_minus_extras_per_target():
    """Σ baseline − Σ symbiosis, signed per target = displaced + treatment − extras."""
    plan = plan_foreground(network(), stand_in_index())
    values = plan.parameter_values()
    net: dict[str, float] = {}
    for e in plan.edges:
        s = 1.0 if e.scenario == "baseline" else -1.0
        net[e.target[1]] = net.get(e.target[1], 0.0) + s * e.sign * e.amount(values)
    assert net == pytest.approx(
        {
            "gypsum": 45_000.0,  # avoided virgin gypsum
            "landfill": 100_000.0,  # avoided landfill
            "heat": 7.2e6,  # avoided boiler heat
            "lorry": -2_000.0,  # extra transport
            "power": -1_200.0,  # extra electricity 200 + 1,000 kWh
            "gas": 0.0,  # own inventory cancels
        }
    )


def test_facility_and_network_structure():
    plan = plan_foreground(network(), stand_in_index())
    acts = {(a.scenario, a.code): a for a in plan.activities}
    pb = acts[("symbiosis", "facility:PB")]
    assert set(pb.inputs) == {
        "exchange:gyp:receiver",
        "exchange:gyp:extra",
        "exchange:steam:receiver",
        "exchange:future:receiver",  # planned: its edges have amount 0
    }
    assert acts[("baseline", "facility:PP")].inputs == ("exchange:gyp:supplier",)
    assert acts[("symbiosis", "network")].inputs == ("facility:PP", "facility:PB")


def test_extras_borne_by_supplier_when_asked():
    plan = plan_foreground(network(extra_burdens_borne_by="supplier"), stand_in_index())
    extras = {e.facility_id for e in plan.edges if e.component in ("transport", "extra")}
    assert extras == {"PP"}


def test_parameters_carry_distributions():
    plan = plan_foreground(
        network(uncertainty={"amount": {"distribution": "triangular", "min": 80, "max": 200}}),
        stand_in_index(),
    )
    p = {x.name: x for x in plan.parameters}
    assert p["gyp.amount"].distribution.max == 200
    assert p["gyp.ratio"].value == 0.9
    assert p["gyp.distance"].value == 20.0
