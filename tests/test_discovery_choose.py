"""Choosing a set with the MILP: hand-known optima, where greedy fails, infeasible problems.

Gypsum candidates all price as net = 12 − 0.1·d kg CO2-eq per t (D 10 + W 2 − 0.1 per km,
tests/discovery_helpers.py), acidification 0.1 − 0.01·d per t.
"""

from __future__ import annotations

import numpy as np
import pytest
from discovery_helpers import discover_data, facility, inventory

from lcasym.discovery import choose, chosen_exchanges_table, chosen_network, pareto_front
from lcasym.errors import InputError

ACID = "EF v3.1 | acidification | accumulated exceedance (AE)"


def gypsum(oid: str, amount: float) -> dict:
    return {"id": oid, "flow": "fgd_gypsum", "amount": amount, "unit": "t"}


def need(nid: str, amount: float, **extra) -> dict:
    return {"id": nid, "flow": "gypsum", "amount": amount, "unit": "t", **extra}


def greedy_park(price_a=None, price_b=None, transport_cost=None) -> dict:
    """S1 → A 10 km (11/t), S1 → B 20 km (10/t), S2 → A 30 km (9/t); S2 → B 400 km (too far)."""
    a = need("A", 1e5, **({"price": price_a} if price_a is not None else {}))
    b = need("B", 1e5, **({"price": price_b} if price_b is not None else {}))
    data = inventory(
        [
            facility("s1", offers=[gypsum("S1", 1e5)]),
            facility("s2", offers=[gypsum("S2", 1e5)]),
            facility("a", needs=[a]),
            facility("b", needs=[b]),
        ],
        [("s1", "a", 10), ("s1", "b", 20), ("s2", "a", 30), ("s2", "b", 400)],
    )
    if transport_cost is not None:
        data["park"]["transport_cost"] = transport_cost
    return data


def chosen(choice) -> dict[str, float]:
    table = choice.table()
    return dict(zip(table["candidate"], table["amount"], strict=True))


def greedy(opps) -> float:
    """Best candidates first, each at what is left of its supply and need (the baseline)."""
    table = opps.ranked()
    supply = {o: a for o, a in zip(opps.matching.arrays.offers.ids,
                                   opps.matching.arrays.offers.amount, strict=True)}  # fmt: skip
    demand = dict(zip(opps.matching.arrays.needs.ids, opps.matching.arrays.needs.amount,
                      strict=True))  # fmt: skip
    total = 0.0
    for r in table.itertuples():
        x = min(supply[r.offer], demand[r.need] / r.delivers)
        supply[r.offer] -= x
        demand[r.need] -= x * r.delivers
        total += x * r.net_per_unit
    return total


def test_greedy_is_not_optimal_the_milp_is():
    opps = discover_data(greedy_park())
    # Greedy takes S1 → A first (11/t × 100,000 t = 1.1e6), then nothing fits.
    assert greedy(opps) == pytest.approx(1.1e6)
    choice = choose(opps)
    # Optimal: S1 → B (10 × 1e5) + S2 → A (9 × 1e5) = 1.9e6 kg CO2-eq
    assert choice.status == "optimal"
    assert chosen(choice) == pytest.approx({"S1>B": 1e5, "S2>A": 1e5})
    totals = choice.totals().set_index("method")["avoided"]
    assert totals.iloc[0] == pytest.approx(1.9e6, rel=1e-6)
    # acidification: (0.1 − 0.2) × 1e5 + (0.1 − 0.3) × 1e5 = −3e4
    assert totals[ACID] == pytest.approx(-3e4, rel=1e-6)


def test_a_second_category_as_a_constraint():
    opps = discover_data(greedy_park())
    # Acidification ≥ 0 allows only S1 → A (0.1 − 0.1 = 0 per t): 1.1e6 kg CO2-eq
    choice = choose(opps, constraints={ACID: 0.0})
    assert chosen(choice) == pytest.approx({"S1>A": 1e5})
    assert choice.totals()["avoided"].iloc[0] == pytest.approx(1.1e6, rel=1e-6)
    with pytest.raises(InputError) as err:
        choose(opps, constraints={ACID: 1e6})
    assert "the choice is infeasible" in str(err.value)
    assert f"avoided {ACID} ≥ 1e+06" in str(err.value)
    with pytest.raises(InputError) as err:
        choose(opps, constraints={"EF v3.1 | acidificaton | accumulated exceedance (AE)": 0})
    assert f"did you mean {ACID!r}" in str(err.value)


def test_minimum_quantities_bind():
    # S (10,000 t) → A 10 km (11/t, 9,500 t) and → B 20 km (10/t, 10,000 t). Without the
    # 1,000 t minimum: A 9,500 + B 500 = 109,500. With it, B takes 1,000 t or nothing:
    # A 9,000 + B 1,000 = 99,000 + 10,000 = 109,000 > A alone 104,500.
    data = inventory(
        [
            facility("s", offers=[gypsum("S", 1e4)]),
            facility("a", needs=[need("A", 9500)]),
            facility("b", needs=[need("B", 1e4)]),
        ],
        [("s", "a", 10), ("s", "b", 20)],
    )
    choice = choose(discover_data(data))
    assert chosen(choice) == pytest.approx({"S>A": 9000, "S>B": 1000})
    assert choice.totals()["avoided"].iloc[0] == pytest.approx(109_000, rel=1e-6)


def test_one_supplier_per_need():
    # Two 90 °C heat offers of 3,000 MWh for one 5,000 MWh district-heating need (one
    # connection per need in the knowledge base): h1 gives up 150 kWh/MWh of electricity
    # (360 − 22.5 = 337.5 /MWh), h2 nothing (360 /MWh). Best single source: h2, 3,000 MWh.
    h1 = {"id": "h1", "flow": "waste_heat", "amount": 3000, "unit": "MWh", "temperature": 90,
          "forgone_output": {"ratio": 150, "ratio_unit": "kWh/MWh",
                             "activity": "electricity_grid_dk"}}  # fmt: skip
    h2 = {"id": "h2", "flow": "waste_heat", "amount": 3000, "unit": "MWh", "temperature": 90}
    dh = {"id": "dh", "flow": "space_heating", "amount": 5000, "unit": "MWh",
          "currently": "heat_light_fuel_oil_household_furnace"}  # fmt: skip
    data = inventory(
        [facility("p1", offers=[h1]), facility("p2", offers=[h2]), facility("t", needs=[dh])],
        [("p1", "t", 2), ("p2", "t", 3)],
    )
    choice = choose(discover_data(data))
    assert chosen(choice) == pytest.approx({"h2>dh": 3000})
    assert choice.totals()["avoided"].iloc[0] == pytest.approx(1.08e6, rel=1e-6)


def test_a_need_that_must_be_met_but_cannot_is_a_located_error():
    data = inventory(
        [
            facility("s", offers=[gypsum("S", 1e4)]),
            facility("c", needs=[need("C", 2e4, must_be_met=True)]),
        ],
        [("s", "c", 10)],
    )
    opps = discover_data(data)
    with pytest.raises(InputError) as err:
        choose(opps)
    text = str(err.value)
    assert "test.yaml, facilities[1] (id 'c').needs[0] (id 'C').must_be_met" in text
    assert "must receive 20,000 t/yr but its candidates can deliver at most 10,000 t/yr" in text
    # met when it can be: min_amount 8,000 t is delivered even if something else were better
    data["facilities"][1]["needs"][0]["min_amount"] = 8000
    choice = choose(discover_data(data))
    assert chosen(choice)["S>C"] >= 8000 - 1e-6


def test_cost_objective_mix_and_pareto_front():
    # Prices A 50, B 15 per t, transport 1 per t·km: cost per t S1>A 40, S1>B −5, S2>A 20.
    opps = discover_data(greedy_park(price_a=50, price_b=15, transport_cost=1.0))
    by_cost = choose(opps, objective="cost")
    assert chosen(by_cost) == pytest.approx({"S1>A": 1e5})
    assert by_cost.cost_savings() == pytest.approx(4e6, rel=1e-6)
    # mix: GHG + 0.5 × cost per t: S1>A 31, S1>B 7.5, S2>A 19 -> S1>A (3.1e6) beats
    # S1>B + S2>A (2.65e6)
    mix = choose(opps, objective="mix", weights=(1.0, 0.5))
    assert chosen(mix) == pytest.approx({"S1>A": 1e5})
    front = pareto_front(opps, points=3)
    # Ends: most GHG (S1>B + S2>A: 1.9e6 kg, cost 1.5e6) and most cost (S1>A: 1.1e6, 4e6).
    # Middle, cost ≥ 2.75e6: S1>A a, S1>B = S2>A = 1e5 − a; cost 1.5e6 + 25a ≥ 2.75e6 ->
    # a = 5e4, GHG 1.9e6 − 8a = 1.5e6.
    assert list(front["avoided"]) == pytest.approx([1.9e6, 1.5e6, 1.1e6], rel=1e-6)
    assert list(front["cost_savings"]) == pytest.approx([1.5e6, 2.75e6, 4e6], rel=1e-6)


def test_top_limits_what_the_solver_sees():
    opps = discover_data(greedy_park())
    choice = choose(opps, top=1)
    assert choice.considered == 1 and chosen(choice) == pytest.approx({"S1>A": 1e5})


def test_unknown_costs_are_left_out_and_said():
    opps = discover_data(greedy_park(price_a=50))  # B has no price: S1>B cost unknown
    choice = choose(opps, objective="cost")
    assert choice.left_out == 1 and "1 candidate(s) left out" in choice.notes[0]
    with pytest.raises(InputError, match="objective 'money' is not known"):
        choose(opps, objective="money")


def test_chosen_set_as_exchanges_and_network():
    opps = discover_data(greedy_park(price_a=50))
    choice = choose(opps)
    network = chosen_network(choice)
    assert [e.status.value for e in network.exchanges] == ["planned", "planned"]
    assert {e.id for e in network.exchanges} == {"S1-to-B", "S2-to-A"}
    by_id = {e.id: e for e in network.exchanges}
    s2a = by_id["S2-to-A"]
    assert s2a.amount == pytest.approx(1e5)
    assert s2a.transport[0].distance == pytest.approx(30)
    assert s2a.displaces.activity.code == "gypsum_mined"
    # 1 t -> 1,000 kg of natural gypsum
    assert s2a.displaces.ratio == pytest.approx(1000) and s2a.displaces.ratio_unit == "kg/t"
    assert s2a.economics.avoided_purchase_cost == pytest.approx(50 * 1e5)
    table = chosen_exchanges_table(choice)
    assert list(table["status"]) == ["planned", "planned"]
    row = table.set_index("exchange").loc["S1-to-B"]
    # net = D + W − E − F = 1e6 + 2e5 − 2e5 − 0 = 1e6
    assert (row["displaced"], row["treatment"], row["extra"], row["net"]) == pytest.approx(
        (1e6, 2e5, 2e5, 1e6)
    )
    assert np.isclose(row["gross"], row["displaced"] + row["treatment"])
