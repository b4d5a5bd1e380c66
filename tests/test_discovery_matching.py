"""Matching and pricing on a small park with hand-known candidates, exclusions and values.

Unit scores are hand-chosen (tests/discovery_helpers.py LAMBDA), distances come from the
distance table, so every expected number below is derived in its comment.
"""

from __future__ import annotations

import numpy as np
import pytest
from discovery_helpers import discover_data, facility, inventory

from lcasym.discovery import explain, load_knowledge_base
from lcasym.discovery.geo import EARTH_RADIUS_KM, haversine_km
from lcasym.discovery.reading import inventory_from_dict


def park() -> dict:
    heat90 = {"id": "heat90", "flow": "waste_heat", "amount": 20000, "unit": "MWh",
              "temperature": 90, "hours_per_year": 8000,
              "forgone_output": {"ratio": 150, "ratio_unit": "kWh/MWh",
                                 "activity": "electricity_grid_dk"}}  # fmt: skip
    return inventory(
        [
            facility(
                "plant",
                offers=[
                    heat90,
                    {
                        "id": "heat40",
                        "flow": "waste_heat",
                        "amount": 5000,
                        "unit": "MWh",
                        "temperature": 40,
                    },
                    {
                        "id": "gyp",
                        "flow": "fgd_gypsum",
                        "amount": 50000,
                        "unit": "t",
                        "quality": "plasterboard",
                        "disposal_cost": 20,
                    },
                    {
                        "id": "ash",
                        "flow": "fly_ash",
                        "amount": 30000,
                        "unit": "t",
                        "quality": "unclassified",
                    },
                    {
                        "id": "sludge",
                        "flow": "biosludge",
                        "amount": 10000,
                        "unit": "t",
                        "properties": {"nitrogen_fraction": 0.005},
                    },
                    {"id": "sludge2", "flow": "biosludge", "amount": 10000, "unit": "t"},
                ],
                needs=[
                    {
                        "id": "own-heat",
                        "flow": "process_heat",
                        "amount": 1000,
                        "unit": "MWh",
                        "temperature": 60,
                    }
                ],
            ),
            facility(
                "town",
                needs=[
                    {
                        "id": "dh",
                        "flow": "space_heating",
                        "amount": 15000,
                        "unit": "MWh",
                        "hours_per_year": 4000,
                        "currently": "heat_light_fuel_oil_household_furnace",
                    }
                ],
            ),
            facility(
                "board",
                needs=[
                    {
                        "id": "gyp-need",
                        "flow": "gypsum",
                        "amount": 40000,
                        "unit": "t",
                        "quality": "plasterboard",
                        "price": 12,
                    }
                ],
            ),
            facility(
                "far", needs=[{"id": "gyp-far", "flow": "gypsum", "amount": 10000, "unit": "t"}]
            ),
            facility(
                "cement",
                needs=[{"id": "clinker", "flow": "cement_constituent", "amount": 1e5, "unit": "t"}],
            ),
            facility(
                "fish",
                needs=[{"id": "pond", "flow": "aquaculture_heat", "amount": 2000, "unit": "MWh"}],
            ),
            facility(
                "farm",
                needs=[{"id": "n-fert", "flow": "nitrogen_fertiliser", "amount": 40, "unit": "t"}],
            ),
        ],
        [
            ("plant", "town", 3.0),
            ("plant", "board", 10.0),
            ("plant", "far", 400.0),
            ("plant", "cement", 200.0),
            ("plant", "fish", 1.0),
            ("plant", "farm", 20.0),
        ],
    )


@pytest.fixture(scope="module")
def opps():
    data = park()
    data["park"]["transport_cost"] = 0.08
    return discover_data(data)


def _row(opps, candidate):
    table = opps.table().set_index("candidate")
    return table.loc[candidate]


def test_candidates_and_exclusions_are_the_hand_known_ones(opps):
    assert sorted(opps.table()["candidate"]) == sorted(
        ["heat90>dh", "heat90>pond", "heat40>pond", "gyp>gyp-need", "sludge>n-fert"]
    )
    reasons = opps.excluded_table().set_index("candidate")["reasons"]
    # 40 °C < 80 °C (Lindal default for space heating) + 5 K margin
    assert (
        "temperature too low: the offer is at 40 °C, the need wants 80 °C + 5 K"
        in reasons["heat40>dh"]
    )
    assert "too far: 400.0 km > 300 km" in reasons["gyp>gyp-far"]
    assert "quality too low or unknown: the offer is 'unclassified'" in reasons["ash>clinker"]
    assert "'en450'" in reasons["ash>clinker"]
    assert "same facility" in reasons["heat90>own-heat"]
    assert "temperature too low" in reasons["heat40>own-heat"]  # 40 < 60 + 10
    assert "gives no 'nitrogen_fraction'" in reasons["sludge2>n-fert"]
    counts = opps.reason_counts()
    assert counts["too far"] == 1 and counts["same facility"] == 2


def test_potential_uses_hours_when_both_sides_give_them(opps):
    # heat90 > dh: 20,000 MWh over 8,000 h (2.5 MW) vs 15,000 MWh over 4,000 h (3.75 MW):
    # min(2.5, 3.75) MW × min(8,000, 4,000) h = 10,000 MWh
    assert _row(opps, "heat90>dh")["potential"] == pytest.approx(10_000)
    # heat40 > pond: no hours on the need: min(5,000, 2,000) = 2,000 MWh
    assert _row(opps, "heat40>pond")["potential"] == pytest.approx(2_000)
    # sludge > n-fert: δ = 0.005 t N/t; min(10,000 t, 40 t N / 0.005) = 8,000 t
    row = _row(opps, "sludge>n-fert")
    assert row["delivers"] == pytest.approx(0.005) and row["potential"] == pytest.approx(8_000)


def test_prices_are_the_hand_derived_ones(opps):
    # gyp > gyp-need, 10 km by lorry, per t: D = 1,000 kg × 0.01 = 10; W (inert landfill)
    # = 1,000 × 0.002 = 2; E = 1 t × 10 km × 0.1 = 1  ->  net 11 kg CO2-eq/t; × 40,000 t
    row = _row(opps, "gyp>gyp-need")
    assert row["net_per_unit"] == pytest.approx(11.0)
    assert row["avoided"] == pytest.approx(440_000)
    assert (row["displaced"], row["treatment"], row["extra"], row["forgone"]) == pytest.approx(
        (400_000, 80_000, 40_000, 0.0)
    )
    # cost per t: price 12 + disposal 20 − 0.08 /t·km × 1 t × 10 km = 31.2; × 40,000 t
    assert row["cost_per_unit"] == pytest.approx(31.2)
    assert row["cost_savings"] == pytest.approx(1_248_000)
    assert row["cost_basis"] == "avoided purchase + avoided disposal + transport cost"
    # heat90 > dh per MWh: D = 3,600 MJ × 0.1 (oil furnace) = 360; forgone 150 kWh × 0.15
    # = 22.5  ->  337.5 kg/MWh; × 10,000 MWh. No price: the cost is not known.
    row = _row(opps, "heat90>dh")
    assert row["net_per_unit"] == pytest.approx(337.5)
    assert row["forgone"] == pytest.approx(225_000)
    assert np.isnan(row["cost_savings"]) and row["cost_basis"] == "not known"
    # heat40 > pond: 3,600 MJ × 0.09 (fish-pond heat) = 324 kg/MWh, no forgone output
    assert _row(opps, "heat40>pond")["net_per_unit"] == pytest.approx(324.0)
    # sludge > n-fert per t: D = 5 kg N × 6 = 30; E = 1 t × 20 km × 0.1 = 2  ->  28
    assert _row(opps, "sludge>n-fert")["net_per_unit"] == pytest.approx(28.0)


def test_every_category_is_priced(opps):
    long = opps.long_table().set_index(["candidate", "method"])
    acid = "EF v3.1 | acidification | accumulated exceedance (AE)"
    # gyp > gyp-need acidification per t: D 1,000 × 0.0001 = 0.1; E 10 t·km × 0.01 = 0.1
    assert long.loc[("gyp>gyp-need", acid), "net_per_unit"] == pytest.approx(0.0, abs=1e-12)
    # heat90 > dh: 3,600 × 0.0001 − 150 × 0.0005 = 0.36 − 0.075 = 0.285 per MWh
    assert long.loc[("heat90>dh", acid), "net_per_unit"] == pytest.approx(0.285)


def test_ranking_by_ghg_and_by_cost(opps):
    ranked = opps.ranked()
    # avoided: heat90>dh 3.375e6; heat40>pond 2,000 × 324 = 648,000; heat90>pond 2,000 ×
    # (324 − 22.5 forgone) = 603,000; gyp 440,000; sludge 224,000
    assert list(ranked["candidate"]) == [
        "heat90>dh", "heat40>pond", "heat90>pond", "gyp>gyp-need", "sludge>n-fert",
    ]  # fmt: skip
    assert list(ranked["avoided"]) == pytest.approx([3.375e6, 648e3, 603e3, 440e3, 224e3])
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]
    by_cost = opps.ranked(by="cost")
    assert by_cost["candidate"].iloc[0] == "gyp>gyp-need"  # the only known cost


def test_the_same_result_for_any_chunking():
    one = discover_data(park(), chunks=1)
    three = discover_data(park(), chunks=3)
    assert one.table().equals(three.table())
    assert np.array_equal(one.scored.net_per_unit, three.scored.net_per_unit)
    assert one.excluded_table().equals(three.excluded_table())


@pytest.mark.slow
def test_the_same_result_on_two_dask_workers():
    one = discover_data(park())
    two = discover_data(park(), workers=2)
    assert two.execution.mode == "local-cluster" and two.execution.workers == 2
    assert one.table().equals(two.table())
    assert np.array_equal(one.scored.net_per_unit, two.scored.net_per_unit)


def test_explain_says_why_for_any_pair():
    inv = inventory_from_dict(park(), "x").inventory
    kb = load_knowledge_base()
    assert explain(inv, "gyp", "gyp-need", kb) == ["fgd_gypsum_to_gypsum: candidate"]
    assert explain(inv, "gyp", "dh", kb)[0].startswith(
        "no synergy type links 'fgd_gypsum' to 'space_heating'"
    )
    (line,) = explain(inv, "heat40", "dh", kb)
    assert line.startswith("waste_heat_to_district_heating: excluded: temperature too low")


def test_below_the_minimum_quantity_is_excluded():
    data = inventory(
        [
            facility(
                "plant", offers=[{"id": "gyp", "flow": "fgd_gypsum", "amount": 800, "unit": "t"}]
            ),
            facility(
                "board",
                needs=[
                    {"id": "need", "flow": "gypsum", "amount": 4e4, "unit": "t", "min_amount": 500}
                ],
            ),
        ],
        [("plant", "board", 5.0)],
    )
    opps = discover_data(data)
    assert opps.n_candidates == 0
    (reason,) = opps.excluded_table()["reasons"]
    # 800 t < 1,000 t, the minimum of fgd_gypsum_to_gypsum; 800 t ≥ the need's 500 t
    assert reason.startswith("below the minimum quantity: potential 800 t/yr < 1,000 t/yr")


def test_haversine_and_coordinates():
    # One degree of latitude: 2π R / 360
    assert haversine_km(55.0, 11.0, 56.0, 11.0) == pytest.approx(2 * np.pi * EARTH_RADIUS_KM / 360)
    data = inventory(
        [
            facility(
                "plant",
                offers=[{"id": "gyp", "flow": "fgd_gypsum", "amount": 5e4, "unit": "t"}],
                coordinates={"lat": 55.0, "lon": 11.0},
            ),
            facility(
                "board",
                needs=[{"id": "need", "flow": "gypsum", "amount": 4e4, "unit": "t"}],
                coordinates={"lat": 56.0, "lon": 11.0},
            ),
        ],
        [],
    )
    data["park"]["detour_factor"] = 1.5
    opps = discover_data(data)
    d = 1.5 * 2 * np.pi * EARTH_RADIUS_KM / 360
    assert opps.table()["distance_km"].iloc[0] == pytest.approx(d)
    # net per t = 10 + 2 − 0.1 × d
    assert opps.table()["net_per_unit"].iloc[0] == pytest.approx(12 - 0.1 * d)
