"""Programme indicators on a small network whose every figure is computed by hand."""

from __future__ import annotations

import pytest

from lcasym.network.model import SymbiosisNetwork
from lcasym.results.indicators import compute_indicators, indicator_value, is_fossil


def network() -> SymbiosisNetwork:
    return SymbiosisNetwork.model_validate(
        {
            "network": {"id": "hand", "name": "Hand", "reporting_year": 2020, "currency": "EUR"},
            "facilities": [
                {
                    "id": "PP",
                    "name": "power plant",
                    "sector": "energy",
                    "generates": [{"flow": "FGD gypsum", "amount": 200, "unit": "t"}],
                },
                {
                    "id": "PB",
                    "name": "plasterboard",
                    "sector": "building",
                    "inventory": [
                        {"activity": "gypsum_mined", "amount": 300, "unit": "t"},
                        {"activity": "electricity", "amount": 50, "unit": "MWh"},
                    ],
                },
                {"id": "FF", "name": "fish farm", "sector": "food"},
                {"id": "HH", "name": "district heating", "sector": "utility"},
            ],
            "exchanges": [
                {
                    "id": "gyp",
                    "supplier": "PP",
                    "receiver": "PB",
                    "kind": "material",
                    "flow": "FGD gypsum",
                    "amount": 150,
                    "unit": "t",
                    "displaces": {"activity": "gypsum_mined"},
                    "avoided_treatment": {"activity": "landfill"},
                    "economics": {
                        "price_paid": 2,
                        "avoided_purchase_cost": 1500,
                        "avoided_disposal_fee": 600,
                        "exchange_costs": 300,
                    },
                },
                {
                    "id": "sludge",
                    "supplier": "PB",
                    "receiver": "FF",
                    "kind": "waste",
                    "flow": "sludge",
                    "amount": 10000,
                    "unit": "kg",
                    "hazardous": True,
                    "avoided_treatment": {"activity": "hazardous_incineration"},
                },
                {
                    "id": "heat",
                    "supplier": "PP",
                    "receiver": "HH",
                    "kind": "energy",
                    "flow": "waste heat",
                    "amount": 2,
                    "unit": "GWh",
                    "displaces": {"activity": "heat_natural_gas_boiler"},
                },
                {
                    "id": "water",
                    "supplier": "PP",
                    "receiver": "FF",
                    "kind": "water",
                    "flow": "cooling water",
                    "amount": 1000,
                    "unit": "m3",
                    "groundwater": True,
                    "displaces": {"activity": "groundwater_pumping", "ratio": 0.9},
                },
                {
                    "id": "water2",
                    "supplier": "PB",
                    "receiver": "FF",
                    "kind": "water",
                    "flow": "process water",
                    "amount": 500,
                    "unit": "m3",
                    "displaces": {"activity": "tap_water"},
                },
                {
                    "id": "coal",
                    "supplier": "PB",
                    "receiver": "PP",
                    "kind": "material",
                    "flow": "paper reject",
                    "amount": 20,
                    "unit": "t",
                    "displaces": {"activity": "hard_coal", "ratio": 0.5},
                    "avoided_treatment": {"activity": "landfill"},
                },
                {
                    "id": "future",
                    "supplier": "PP",
                    "receiver": "FF",
                    "kind": "material",
                    "flow": "ash",
                    "amount": 99,
                    "unit": "t",
                    "status": "planned",
                    "avoided_treatment": {"activity": "landfill"},
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def frame():
    return compute_indicators(network())


def value(frame, name, entity="network"):
    return indicator_value(frame, name, entity)


def test_waste_and_hazardous_waste(frame):
    # gyp 150 t + sludge 10000 kg = 10 t + coal 20 t = 180 t (planned ash not counted)
    assert value(frame, "waste_diverted") == pytest.approx(180)
    assert value(frame, "hazardous_waste_diverted") == pytest.approx(10)  # sludge only
    # PP declares 200 t generated; diverted from PP (declaring): gyp 150 → 75 %
    assert value(frame, "waste_generated") == pytest.approx(200)
    assert value(frame, "waste_diversion_rate") == pytest.approx(75)


def test_virgin_materials_exclude_fossil_fuels(frame):
    # gyp: 150 t · 1 · 1 = 150 t; coal displaces hard coal → counted as fossil, not here
    assert value(frame, "virgin_materials_avoided") == pytest.approx(150)
    # coal: 20 t · 0.5 = 10 t of hard coal
    assert value(frame, "fossil_fuel_avoided_mass") == pytest.approx(10)
    # heat: 2 GWh = 2e6 kWh · 3.6 MJ/kWh = 7.2e6 MJ of gas-boiler heat
    assert value(frame, "fossil_fuel_avoided_energy") == pytest.approx(7.2e6)


def test_water_and_energy(frame):
    # water: 1000 m3 · 0.9 = 900 m3 (groundwater); water2: 500 m3 → 1400 m3 freshwater
    assert value(frame, "freshwater_withdrawal_avoided") == pytest.approx(1400)
    assert value(frame, "groundwater_withdrawal_avoided") == pytest.approx(900)
    assert value(frame, "energy_recovered") == pytest.approx(2000)  # 2 GWh = 2000 MWh


def test_counts(frame):
    assert value(frame, "exchanges") == 6
    assert value(frame, "exchanges_planned") == 1
    assert value(frame, "partners") == 4
    assert value(frame, "facilities") == 4


def test_symbiotic_input_share(frame):
    # PB declares 300 t of mass inputs (electricity is not a mass); receives gyp 150 t:
    # 150 / (150 + 300) = 33.33 %; no other facility declares inputs
    assert value(frame, "symbiotic_input_share", "PB") == pytest.approx(100 / 3)
    assert value(frame, "symbiotic_input_share") == pytest.approx(100 / 3)
    assert value(frame, "symbiotic_input_share", "FF") is None


def test_cost_savings(frame):
    # receiver PB: 1500 − 2 EUR/t · 150 t − 300 (costs borne by receiver) = 900
    # supplier PP: 600 + 300 = 900; network: 1500 + 600 − 300 = 1800 = 900 + 900
    assert value(frame, "cost_savings", "PB") == pytest.approx(900)
    assert value(frame, "cost_savings", "PP") == pytest.approx(900)
    assert value(frame, "cost_savings") == pytest.approx(1800)
    row = frame[(frame.indicator == "cost_savings") & (frame.entity == "network")].iloc[0]
    assert row["unit"] == "EUR"
    assert row["exchanges"] == "gyp"


def test_every_row_names_unit_and_sources(frame):
    assert list(frame.columns) == [
        "indicator",
        "entity",
        "unit",
        "value",
        "exchanges",
        "description",
    ]
    assert frame["unit"].str.len().gt(0).all()
    waste = frame[frame.indicator == "waste_diverted"].iloc[0]
    assert waste["exchanges"] == "gyp, sludge, coal"


def test_fossil_rule():
    assert is_fossil("heat, district or industrial, natural gas")
    assert is_fossil("heat_natural_gas_boiler")
    assert is_fossil("market for light fuel oil")
    assert not is_fossil("heat, from biogas")
    assert not is_fossil("wood chips")
    assert not is_fossil("electricity, high voltage, natural gas")  # electricity excluded
    assert not is_fossil("gypsum, mineral")
