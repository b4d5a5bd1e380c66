"""Forgone output: the electricity a CHP supplier gives up to send heat, under every rule.

Same hand network as ``test_results.py`` plus a grid activity ``elec`` (kWh):

    elec / kWh   GWP 0.5 kg CO2-Eq   WATER 0.002 m3

The heat exchange (10 MWh from PP to FF) gets a forgone output of β = 0.15 kWh_e per kWh
of heat, replaced by ``elec``:

    F_heat = 10 MWh = 10,000 kWh · 0.15 · 0.5 = 750 kg CO2-Eq     (WATER: 1,500 · 0.002 = 3)
    net_heat = D_heat − F_heat = 2520 − 750 = 1770
    network avoided = 1400 + 1770 = 3170;  with_exchanges = 400 + 750 = 1150
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from test_results import UNITS, network, stand_in_index

from lcasym.background.resolve import ActivityInfo, BackgroundIndex
from lcasym.calc.evaluate import UnitScores, evaluate_plan
from lcasym.calc.montecarlo import run_monte_carlo
from lcasym.errors import InputError
from lcasym.inventory.plan import plan_foreground
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.assemble import assemble_result
from lcasym.results.crediting import RULES

GWP = "test | gwp"
CODES = ["gypsum", "landfill", "lorry", "heat", "gas", "elec"]
SCORES = UnitScores(
    index={("bg", c): i for i, c in enumerate(CODES)},
    values=np.array(
        [[0.01, 0.001], [0.005, 0.0], [0.1, 0.0001], [0.07, 0.0002], [0.06, 0.00005], [0.5, 0.002]]
    ),
    methods=(("test", "gwp"), ("test", "water")),
)


def index() -> BackgroundIndex:
    base = stand_in_index()
    grid = ActivityInfo("bg", "elec", "electricity, grid", "electricity", "DK", "kilowatt hour")
    return BackgroundIndex([*base.activities("bg"), grid])


def with_forgone(**forgone) -> SymbiosisNetwork:
    data = network().model_dump(mode="json", exclude_none=True)
    heat = next(x for x in data["exchanges"] if x["id"] == "heat")
    heat["forgone_output"] = {"activity": "elec", **forgone}
    return SymbiosisNetwork.model_validate(data)


def result(net: SymbiosisNetwork, rule: str = "receiver"):
    plan = plan_foreground(net, index())
    return assemble_result(net, plan, evaluate_plan(plan, SCORES), units=UNITS, crediting=rule)


def row(frame, **eq):
    for k, v in eq.items():
        frame = frame[frame[k] == v]
    assert len(frame) == 1
    return frame.iloc[0]


def test_forgone_component_and_totals():
    res = result(with_forgone(ratio=0.15, ratio_unit="kWh/kWh"))
    heat = row(res.exchanges, exchange="heat", method=GWP)
    assert heat.forgone == pytest.approx(750)
    assert heat.net == pytest.approx(1770)
    assert heat.gross == pytest.approx(2520)
    total = row(res.totals, method=GWP)
    assert total.avoided == pytest.approx(3170)
    assert total.with_exchanges == pytest.approx(1150)
    assert total.reference == pytest.approx(4320)
    water = row(res.exchanges, exchange="heat", method="test | water")
    assert water.forgone == pytest.approx(3.0)


def test_headline_shows_the_figure_without_forgone_output_next_to_the_net_one():
    """Only 'heat' has forgone output (750 kg, above): Σ F = 750, so the gross fuel-savings
    figure is avoided + F = 3170 + 750 = 3920; the net avoided total stays 3170."""
    from lcasym.cli.cmd_calc import summary_lines

    res = result(with_forgone(ratio=0.15, ratio_unit="kWh/kWh"))
    res.provenance["headline_method"] = GWP
    head = res.headline()
    assert head["avoided"] == pytest.approx(3170)
    assert head["forgone"] == pytest.approx(750)
    assert head["avoided_without_forgone"] == pytest.approx(3920)
    lines = "\n".join(summary_lines(res))
    assert "cogeneration power) 0.750 t" in lines and "accounting): 3.92 t" in lines  # kg → t
    no_debit = result(network())
    no_debit.provenance["headline_method"] = GWP
    assert no_debit.headline()["forgone"] == 0
    assert "forgone output" not in "\n".join(summary_lines(no_debit))


def test_dimensionless_ratio_converts_units():
    # No ratio_unit: 10 MWh · 0.15 = 1.5 MWh = 1,500 kWh of electricity, the same 750 kg.
    res = result(with_forgone(ratio=0.15))
    assert row(res.exchanges, exchange="heat", method=GWP).forgone == pytest.approx(750)


@pytest.mark.parametrize("rule", [r for r in RULES if r != "network"])
def test_forgone_follows_the_displaced_credit_and_shares_add_up(rule):
    res = result(with_forgone(ratio=0.15), rule)
    heat = row(res.exchanges, exchange="heat", method=GWP)
    # heat has no avoided treatment (W = 0): the supplier share under each rule is
    # receiver: 0; supplier: D − E − F; equal: net / 2; cff (energy, B = 0): D − E − F.
    expected_supplier = {"receiver": 0.0, "supplier": 1770.0, "equal": 885.0, "cff": 1770.0}
    assert heat.supplier_credit == pytest.approx(expected_supplier[rule])
    assert heat.supplier_credit + heat.receiver_credit == pytest.approx(heat.net)
    credits = res.facilities[res.facilities["method"] == GWP]["credit"].sum()
    assert credits == pytest.approx(3170)


def test_monte_carlo_samples_the_forgone_ratio_within_its_bounds():
    net = with_forgone(ratio=0.15)
    data = net.model_dump(mode="json", exclude_none=True)
    heat = next(x for x in data["exchanges"] if x["id"] == "heat")
    heat["uncertainty"] = {"forgone_ratio": {"distribution": "uniform", "min": 0.10, "max": 0.20}}
    net = SymbiosisNetwork.model_validate(data)
    plan = plan_foreground(net, index())
    system = SimpleNamespace(
        methods=SCORES.methods, method_units=tuple(UNITS), scores_of=SCORES.scores_of,
        background=None,
    )  # fmt: skip
    mc = run_monte_carlo(plan, system, draws=2_000, seed=7, keep="components")
    forgone = mc.components.forgone[:, 1, 0]
    # F = 10,000 kWh · β · 0.5 with β uniform on [0.10, 0.20]: F in [500, 1000], mean 750
    assert forgone.min() >= 500 - 1e-9 and forgone.max() <= 1000 + 1e-9
    assert forgone.mean() == pytest.approx(750, rel=0.02)


def test_unknown_default_is_a_located_input_error():
    with pytest.raises(InputError) as err:
        result(with_forgone(default="no_such_default"))
    assert "forgone_output.default" in str(err.value.problems[0])


def test_ratio_and_default_are_exclusive():
    with pytest.raises(ValueError):
        with_forgone(ratio=0.1, default="x")
    with pytest.raises(ValueError):
        with_forgone()
