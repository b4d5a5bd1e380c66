"""Direct vs upstream: the part of a credit that occurs at the partners' own sites.

A hand-made background ``direct-bg`` (biosphere ``direct-bio``: co2, ch4; method
``("direct", "GWP")``: co2 1, ch4 30). Activities, per unit of product; ``*`` = marked
``lcasym_on_site: true`` (runs at the user's site):

    gas_supply   [MJ]   co2 0.01                          (purchased fuel: upstream)
    gas_burned*  [MJ]   co2 0.056, input 1 MJ gas_supply  (combustion only)
    heat_boiler* [MJ]   ch4 0.0001, inputs 1.25 MJ gas_burned, 0.01 kWh electricity
    electricity  [kWh]  co2 0.5                           (purchased)
    incineration*[kg]   co2 1.0, input 0.1 kWh electricity
    lorry        [tkm]  co2 0.1

Unit scores λ (all of the supply chain):
    λ_el = 0.5, λ_gas_supply = 0.01, λ_gas_burned = 0.056 + 0.01 = 0.066,
    λ_heat = 1.25·0.066 + 0.01·0.5 + 0.0001·30 = 0.0825 + 0.005 + 0.003 = 0.0905,
    λ_incineration = 1.0 + 0.1·0.5 = 1.05, λ_lorry = 0.1
Direct unit scores (own emissions + on-site inputs' direct scores, purchased inputs 0):
    direct_gas_burned = 0.056, direct_heat = 0.003 + 1.25·0.056 = 0.073,
    direct_incineration = 1.0, all others 0

Network: S → R
    x-heat   1,000 MJ of waste heat displacing heat_boiler:
             gross = 1,000 · 0.0905 = 90.5, direct = 1,000 · 0.073 = 73, upstream = 17.5
    x-sludge 10 t of sludge R no longer incinerates at its own site (avoided treatment,
             incineration) and that displaces 0.2 kWh/kg of electricity at S:
             W = 10,000 kg · 1.05 = 10,500 (direct 10,000), D = 2,000 kWh · 0.5 = 1,000
             (direct 0): gross 11,500, direct 10,000, upstream 1,500; lorry 10 km:
             E = 10 t · 10 km · 0.1 = 10, net 11,490 (direct/upstream split the gross only)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from lcasym.calc.direct import direct_unit_scores
from lcasym.calc.system import LcaSystem

BG, BIO = "direct-bg", "direct-bio"
METHOD = ("direct", "GWP")
LABEL = "direct | GWP"

ACTIVITIES = {  # code: (unit, on site, [(input, amount)])
    "gas_supply": ("megajoule", False, [("co2", 0.01)]),
    "gas_burned": ("megajoule", True, [("co2", 0.056), ("gas_supply", 1.0)]),
    "heat_boiler": (
        "megajoule",
        True,
        [("ch4", 0.0001), ("gas_burned", 1.25), ("electricity", 0.01)],
    ),
    "electricity": ("kilowatt hour", False, [("co2", 0.5)]),
    "incineration": ("kilogram", True, [("co2", 1.0), ("electricity", 0.1)]),
    "lorry": ("ton kilometer", False, [("co2", 0.1)]),
}


def test_direct_scores_follow_on_site_inputs_through_loops():
    """Two on-site activities feeding each other, and a purchased input.

    a: own 1, takes 0.5 of b and 1 of c;  b: own 2, takes 0.2 of a;  c (purchased): own 10.
    direct_a = 1 + 0.5 direct_b, direct_b = 2 + 0.2 direct_a
      ⇒ direct_a = 2 + 0.1 direct_a = 20/9, direct_b = 2 + 4/9 = 22/9; direct_c = 0.
    """
    a = sparse.csr_matrix(np.array([[1.0, -0.2, 0.0], [-0.5, 1.0, 0.0], [-1.0, 0.0, 1.0]]))
    b = sparse.csr_matrix(np.array([[1.0, 2.0, 10.0]]))  # one flow, its amount per activity
    keys = [("t", "a"), ("t", "b"), ("t", "c")]
    system = LcaSystem(
        a, b, np.array([[1.0]]), {k: i for i, k in enumerate(keys)},
        {k: i for i, k in enumerate(keys)}, (("m",),), ("kg",),
    )  # fmt: skip
    direct = direct_unit_scores(system, {("t", "a"), ("t", "b")})
    assert direct[:, 0] == pytest.approx([20 / 9, 22 / 9, 0.0], rel=1e-12)
    # the total unit scores also count c: λ_a = 1 + 0.5 λ_b + 10, λ_b = 2 + 0.2 λ_a
    #   ⇒ λ_a = 12 + 0.1 λ_a = 40/3, λ_b = 2 + 8/3 = 14/3, λ_c = 10
    assert system.unit_scores()[:, 0] == pytest.approx([40 / 3, 14 / 3, 10.0], rel=1e-12)


def write_background(on_site: bool) -> None:
    import bw2data as bd

    bd.Database(BIO).write(
        {
            (BIO, f): {"name": f, "unit": "kilogram", "type": "emission", "categories": ("air",)}
            for f in ("co2", "ch4")
        }
    )
    data = {}
    for code, (unit, here, items) in ACTIVITIES.items():
        exchanges = [{"input": (BG, code), "amount": 1.0, "type": "production"}]
        for other, amount in items:
            bio = other in ("co2", "ch4")
            exchanges.append({"input": (BIO if bio else BG, other), "amount": amount,
                              "type": "biosphere" if bio else "technosphere"})  # fmt: skip
        data[(BG, code)] = {
            "name": code, "unit": unit, "location": "GLO", "reference product": code,
            "exchanges": exchanges, **({"lcasym_on_site": here} if on_site else {}),
        }  # fmt: skip
    bd.Database(BG).write(data)
    method = bd.Method(METHOD)
    method.register(unit="kg CO2-eq")
    method.write([((BIO, "co2"), 1.0), ((BIO, "ch4"), 30.0)])


def network():
    from lcasym.network.model import SymbiosisNetwork

    return SymbiosisNetwork.model_validate(
        {
            "network": {"id": "direct", "name": "direct test", "reporting_year": 2023,
                        "background": {"database": BG}},
            "facilities": [{"id": "S", "name": "supplier", "sector": "energy"},
                           {"id": "R", "name": "receiver", "sector": "industry"}],
            "exchanges": [
                {"id": "x-heat", "supplier": "S", "receiver": "R", "kind": "energy",
                 "flow": "waste heat", "amount": 1000, "unit": "MJ",
                 "displaces": {"activity": "heat_boiler"}},
                {"id": "x-sludge", "supplier": "R", "receiver": "S", "kind": "waste",
                 "flow": "sludge", "amount": 10, "unit": "t",
                 "displaces": {"activity": "electricity", "ratio": 0.2,
                               "ratio_unit": "kWh/kg"},
                 "avoided_treatment": {"activity": "incineration"},
                 "transport": [{"activity": "lorry", "distance": 10}]},
            ],
        }
    )  # fmt: skip


@pytest.mark.slow
def test_direct_and_upstream_of_each_exchange(bw_scratch_project):
    from lcasym import open_session

    write_background(on_site=True)
    result = open_session(network(), methods=[METHOD], project=bw_scratch_project.project).result()
    ex = result.exchanges.set_index("exchange")
    # hand numbers in the module docstring; Brightway stores float32, hence rel 1e-6
    assert ex.loc["x-heat", "gross"] == pytest.approx(90.5, rel=1e-6)
    assert ex.loc["x-heat", "direct"] == pytest.approx(73.0, rel=1e-6)
    assert ex.loc["x-heat", "upstream"] == pytest.approx(17.5, rel=1e-6)
    assert ex.loc["x-sludge", "gross"] == pytest.approx(11_500.0, rel=1e-6)
    assert ex.loc["x-sludge", "direct"] == pytest.approx(10_000.0, rel=1e-6)
    assert ex.loc["x-sludge", "upstream"] == pytest.approx(1_500.0, rel=1e-6)
    assert ex.loc["x-sludge", "net"] == pytest.approx(11_490.0, rel=1e-6)


@pytest.mark.slow
def test_no_attribute_means_not_known(bw_scratch_project):
    from lcasym import open_session

    write_background(on_site=False)
    result = open_session(network(), methods=[METHOD], project=bw_scratch_project.project).result()
    assert result.exchanges["direct"].isna().all()
    assert result.exchanges["upstream"].isna().all()
    assert not math.isnan(result.exchanges["gross"].iloc[0])
