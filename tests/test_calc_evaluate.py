"""evaluate_plan: components and totals against bw2calc LCAs of the written foreground.

Amounts in the tiny network are exactly representable in float32 (bw2data stores matrix
values as float32), so the engine (float64 edge amounts) and bw2calc agree to 1e-9.
"""

import numpy as np
import pytest
from test_calc_fixtures import (  # noqa: F401
    BG,
    GWP,
    LAMBDA,
    PROJECT,
    WATER,
    make_plan,
    network,
    plain_score,
    tiny,
)

from lcasym.calc import UnitScores, evaluate_plan

pytestmark = pytest.mark.slow
G = {k: v[0] for k, v in LAMBDA.items()}  # GWP unit scores


def test_components_by_hand(tiny):  # noqa: F811
    c = evaluate_plan(tiny.plan, tiny.system)
    assert c.exchange_ids == ("gyp", "slag") and c.facility_ids == ("PP", "PB")
    assert c.receivers == ("PB", "PP") and c.suppliers == ("PP", None)
    assert c.extra_bearer == ("PB", "PB")  # gyp: receiver PB; slag: supplier PB
    d, w, e, o = c.displaced[0, :, 0], c.treatment[0, :, 0], c.extra[0, :, 0], c.own[0, :, 0]
    # gyp: D = 100 t·0.9·0.5·1000 kg/t = 45,000 kg gypsum; W = 100,000 kg landfill;
    # E = 100 t·20 km = 2,000 tkm lorry + (2 kWh/t·100 t + 1,000 kWh) = 1,200 kWh el
    assert d[0] == pytest.approx(45_000 * G["gypsum"], rel=1e-6)
    assert w[0] == pytest.approx(100_000 * G["landfill"], rel=1e-6)
    assert e[0] == pytest.approx(2_000 * G["lorry"] + 1_200 * G["el"], rel=1e-6)
    assert c.transport[0, 0, 0] == pytest.approx(2_000 * G["lorry"], rel=1e-6)
    # slag: D = 10 t·0.1·1000 = 1,000 kg gypsum (142 kg CO2-eq) but E = 10 t·500 km =
    # 5,000 tkm (2,156 kg CO2-eq): a net burden that must stay negative
    assert d[1] == pytest.approx(1_000 * G["gypsum"], rel=1e-6)
    assert e[1] == pytest.approx(5_000 * G["lorry"], rel=1e-6)
    assert c.exchange_net[0, 1, 0] < 0
    assert c.exchange_net[0, 1, 0] == pytest.approx(
        1_000 * G["gypsum"] - 5_000 * G["lorry"], rel=1e-6
    )
    # own: PP 10 GJ gas = 10,000 MJ, PB 5 MWh = 5,000 kWh el
    np.testing.assert_allclose(o, [10_000 * G["gas"], 5_000 * G["el"]], rtol=1e-6)
    np.testing.assert_allclose(c.avoided_total, c.baseline_total - c.symbiosis_total, rtol=1e-12)


def test_central_values_equal_bw2calc_of_network_activities(tiny):  # noqa: F811
    c = evaluate_plan(tiny.plan, tiny.system)
    with tiny.project():
        for m, method in enumerate((GWP, WATER)):
            base = plain_score((tiny.plan.database("baseline"), "network"), method)
            symb = plain_score((tiny.plan.database("symbiosis"), "network"), method)
            assert c.baseline_total[0, m] == pytest.approx(base, rel=1e-9)
            assert c.symbiosis_total[0, m] == pytest.approx(symb, rel=1e-9)
            assert c.avoided_total[0, m] == pytest.approx(base - symb, rel=1e-9)


def test_what_if_equals_rewritten_foreground(tiny):  # noqa: F811
    # what-if: 120 t instead of 100 t and ratio 0.8 instead of 0.9 (float32-exact amounts:
    # 120·0.8·0.5·1000 = 48,000 kg gypsum, 120,000 kg landfill, 2,400 tkm, 1,240 kWh)
    from lcasym.background.project import brightway_project
    from lcasym.calc import LcaSystem
    from lcasym.inventory.writer import write_foreground

    plan = tiny.plan
    values = np.array(
        [[{"gyp.amount": 120.0, "gyp.ratio": 0.8}.get(p.name, p.value) for p in plan.parameters]]
    )
    c = evaluate_plan(plan, tiny.system, values=values)
    variant = make_plan(
        amount=120.0, displaces={"activity": "gypsum", "ratio": 0.8, "displacement_factor": 0.5}
    )
    with brightway_project(PROJECT, tiny.directory):
        write_foreground(
            variant,
            network(
                amount=120.0,
                displaces={"activity": "gypsum", "ratio": 0.8, "displacement_factor": 0.5},
            ),
            force=True,
        )
        try:
            for m, method in enumerate((GWP, WATER)):
                base = plain_score((plan.database("baseline"), "network"), method)
                symb = plain_score((plan.database("symbiosis"), "network"), method)
                assert c.baseline_total[0, m] == pytest.approx(base, rel=1e-9)
                assert c.symbiosis_total[0, m] == pytest.approx(symb, rel=1e-9)
            fresh = LcaSystem.from_brightway([plan.database("symbiosis")], methods=[GWP])
            assert fresh.scores_of([(plan.database("symbiosis"), "network")])[
                0, 0
            ] == pytest.approx(c.symbiosis_total[0, 0], rel=1e-9)
        finally:
            write_foreground(plan, network(), force=True)


def test_many_draws_chunked_and_unit_scores_source(tiny):  # noqa: F811
    plan = tiny.plan
    central = np.array([p.value for p in plan.parameters])
    values = central * np.linspace(0.5, 1.5, 7)[:, None]
    keys = list(tiny.system.index)
    source = UnitScores(
        {k: i for i, k in enumerate(keys)}, tiny.system.scores_of(keys), tiny.system.methods
    )
    a = evaluate_plan(plan, tiny.system, values=values, chunk_size=3)
    b = evaluate_plan(plan, source, values=values)
    assert a.displaced.shape == (7, 2, 2) and a.own.shape == (7, 2, 2)
    np.testing.assert_allclose(a.avoided_total, b.avoided_total, rtol=1e-14)
    # row 3 is the central vector
    np.testing.assert_allclose(
        a.avoided_total[3], evaluate_plan(plan, source).avoided_total[0], rtol=1e-14
    )


def test_bad_values_shape_raises(tiny):  # noqa: F811
    from lcasym.errors import CalculationError

    with pytest.raises(CalculationError):
        evaluate_plan(tiny.plan, tiny.system, values=np.ones((2, 3)))
