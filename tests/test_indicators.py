"""Programme indicators on a small network whose every figure is computed by hand."""

from __future__ import annotations

import pytest

from lcasym.background.resolve import ActivityInfo
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.indicators import compute_indicators, indicator_value


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


#: What the background declares (lcasym-open style properties): heat from a 90 % gas boiler
#: burns 1/0.9 MJ of natural gas (LHV 45.741 MJ/kg) per MJ; hard coal 25.404 MJ/kg.
DISPLACED = {
    "heat": ActivityInfo(
        "bg", "heat_natural_gas_boiler", "heat, gas boiler", "heat", "RER", "megajoule",
        properties=(("fossil_fuel_mj", 1 / 0.9), ("fuel_lhv_mj_per_kg", 45.741)),
    ),
    "coal": ActivityInfo(
        "bg", "hard_coal", "hard coal", "hard coal", "GLO", "kilogram",
        properties=(("fossil_fuel_mj", 25.404), ("fuel_lhv_mj_per_kg", 25.404)),
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def frame():
    return compute_indicators(network(), displaced=DISPLACED)


def value(frame, name, entity="network"):
    return indicator_value(frame, name, entity)


def test_waste_and_hazardous_waste(frame):
    # gyp 150 t + sludge 10000 kg = 10 t + coal 20 t = 180 t (planned ash not counted)
    assert value(frame, "waste_diverted") == pytest.approx(180)
    assert value(frame, "hazardous_waste_diverted") == pytest.approx(10)  # sludge only
    # PP declares 200 t generated; diverted from PP (declaring): gyp 150 → 75 %
    assert value(frame, "waste_generated") == pytest.approx(200)
    assert value(frame, "waste_diversion_rate") == pytest.approx(75)


def test_virgin_materials_exclude_declared_fossil_fuels(frame):
    # gyp: 150 t · 1 · 1 = 150 t; coal displaces a declared fossil fuel → counted below
    assert value(frame, "virgin_materials_avoided") == pytest.approx(150)
    # coal: 20 t · 0.5 = 10 t = 10,000 kg · 25.404 MJ/kg = 254,040 MJ → 10 t
    # heat: 2 GWh = 7.2e6 MJ of heat · 1/0.9 = 8.0e6 MJ of gas → 8.0e6 / 45.741 / 1000 t
    assert value(frame, "fossil_fuel_avoided_energy") == pytest.approx(8.0e6 + 254_040)
    assert value(frame, "fossil_fuel_avoided_mass") == pytest.approx(10 + 8.0e6 / 45.741 / 1000)


def test_fossil_fuel_never_from_names():
    # the same network without declared properties: a displaced "hard_coal" or
    # "heat_natural_gas_boiler" is not a fossil fuel just because of its name
    frame = compute_indicators(network())
    assert value(frame, "fossil_fuel_avoided_mass") is None
    assert value(frame, "fossil_fuel_avoided_energy") is None
    assert value(frame, "virgin_materials_avoided") == pytest.approx(150 + 10)


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


def _with(extra_exchanges, generates=None):
    data = network().model_dump(mode="json", exclude_none=True)
    data["exchanges"] += extra_exchanges
    if generates:
        data["facilities"][0]["generates"] += generates
    return SymbiosisNetwork.model_validate(data)


def test_steam_counts_as_energy_at_its_enthalpy():
    steam = {
        "id": "steam", "supplier": "PP", "receiver": "HH", "kind": "energy",
        "flow": "process steam", "amount": 1000, "unit": "t",
        "steam": {"pressure_bar": 10}, "displaces": {"activity": "steam_boiler"},
    }  # fmt: skip
    frame = compute_indicators(_with([steam]))
    # IAPWS-IF97: saturated steam 10 bar 2777.1 kJ/kg − water 20 °C 84.0 kJ/kg = 2693.1 MJ/t
    # 1000 t · 2693.1 MJ/t / 3600 MJ/MWh = 748.08 MWh, plus the 2000 MWh of "heat"
    assert value(frame, "energy_recovered") == pytest.approx(2000 + 1000 * 2693.1 / 3600)


def test_water_in_kg_counts_like_m3():
    kg = {
        "id": "water3", "supplier": "PB", "receiver": "FF", "kind": "water",
        "flow": "rinse water", "amount": 250_000, "unit": "kg",
        "displaces": {"activity": "tap_water_kg"},
    }  # fmt: skip
    frame = compute_indicators(_with([kg]))
    # 250,000 kg / 1000 kg/m3 = 250 m3 on top of 1400 m3
    assert value(frame, "freshwater_withdrawal_avoided") == pytest.approx(1650)


def test_planned_only_flow_is_not_in_the_diversion_rate():
    # PP also declares 800 t of ash that only the planned exchange 'future' takes: it stays
    # out of both the generated total and the rate (still 150 / 200 = 75 %)
    frame = compute_indicators(_with([], generates=[{"flow": "ash", "amount": 800, "unit": "t"}]))
    assert value(frame, "waste_generated") == pytest.approx(200)
    assert value(frame, "waste_diversion_rate") == pytest.approx(75)
