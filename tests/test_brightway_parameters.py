"""Foreground parameters as Brightway parameters: an edit in Brightway equals lcasym's what-if.

The tiny network (examples/tiny.yaml, hand derivation in its header) is written by
``calculate``; its parameters become bw2data database parameters of both foreground
databases and every edge amount a formula over them. A researcher who changes a parameter
in Brightway (``DatabaseParameter`` + ``bw2data.parameters.recalculate()``, what Activity
Browser does) and runs a plain bw2calc LCA must get what lcasym's session gives for the same
edit, to 1e-9 (both read the same amounts; only the summation order differs).
"""

from __future__ import annotations

import pytest

from lcasym.inventory import naming
from lcasym.io import read_network
from lcasym.paths import examples_dir

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
# Hand total of examples/tiny.yaml (its header): 7,803.78 + 25,432.69 − 1,083.14
TINY_AVOIDED = 32_153.33
# The gypsum exchange's displaced product: 1e6 kg × λ_gypsum (examples/tiny.yaml header)
GYPSUM_DISPLACED = 7_793.06


@pytest.fixture
def tiny():
    return read_network(examples_dir() / "tiny.yaml", validate=False)


def _plain_avoided(plan) -> tuple[float, float]:
    import bw2calc as bc
    import bw2data as bd

    scores = []
    for scenario in ("baseline", "symbiosis"):
        node = bd.get_node(database=plan.database(scenario), code=naming.NETWORK_CODE)
        lca = bc.LCA({node: 1.0}, method=GWP)
        lca.lci()
        lca.lcia()
        scores.append(float(lca.score))
    return scores[0], scores[1]


def _set_parameter(database: str, lcasym_name: str, value: float) -> None:
    """What a researcher does in Brightway: change the parameter, recalculate."""
    import bw2data as bd
    from bw2data.parameters import DatabaseParameter

    (param,) = [
        p
        for p in DatabaseParameter.select().where(DatabaseParameter.database == database)
        if p.data.get("lcasym_name") == lcasym_name
    ]
    param.amount = value
    param.save()
    bd.parameters.recalculate()


def _gypsum_receiver_edge(plan, scenario: str = "baseline"):
    import bw2data as bd

    node = bd.get_node(
        database=plan.database(scenario), code=naming.exchange_code("tiny-gypsum", "receiver")
    )
    (edge,) = [e for e in node.technosphere() if e.input["code"] == "gypsum_mined"]
    return edge


def test_parameters_and_formulas_are_written(bw_scratch_project, tiny):
    from bw2data.parameters import DatabaseParameter

    from lcasym.api import calculate
    from lcasym.inventory.build import build_foreground

    result = calculate(tiny, methods=[GWP], project=bw_scratch_project.project)
    # Unchanged numbers: the hand total of the header.
    assert result.totals["avoided"].iloc[0] == pytest.approx(TINY_AVOIDED, rel=1e-6)
    plan = build_foreground(tiny)
    for scenario in ("baseline", "symbiosis"):
        rows = {
            p.data["lcasym_name"]: p
            for p in DatabaseParameter.select().where(
                DatabaseParameter.database == plan.database(scenario)
            )
        }
        assert set(rows) == {p.name for p in plan.parameters}
        assert rows["tiny-gypsum.amount"].name == "tiny_gypsum_amount"
        assert rows["tiny-gypsum.amount"].amount == 1000.0  # t/yr, examples/tiny.yaml
        assert rows["tiny-gypsum.ratio"].amount == 1.0
    edge = _gypsum_receiver_edge(plan)
    # 1,000 t × 1,000 kg/t × ratio × DF × active, written as a formula over the parameters
    assert edge["formula"] == (
        "1000.0 * tiny_gypsum_amount * tiny_gypsum_ratio * tiny_gypsum_displacement_factor"
        " * tiny_gypsum_active"
    )
    assert edge["amount"] == pytest.approx(1e6)


def test_an_edit_in_brightway_equals_the_session_variant(bw_scratch_project, tiny):
    from lcasym.api import calculate
    from lcasym.calc.session import open_session
    from lcasym.inventory.build import build_foreground

    project = bw_scratch_project.project
    calculate(tiny, methods=[GWP], project=project)
    plan = build_foreground(tiny)
    base0, sym0 = _plain_avoided(plan)
    assert base0 - sym0 == pytest.approx(TINY_AVOIDED, rel=1e-6)

    edits = {"tiny-gypsum.ratio": 0.7, "tiny-heat.amount": 60.0}
    for scenario in ("baseline", "symbiosis"):
        for name, value in edits.items():
            _set_parameter(plan.database(scenario), name, value)
    # 1,000 t × 1,000 kg/t × 0.7 = 7e5 kg of mined gypsum, in both scenarios
    assert _gypsum_receiver_edge(plan)["amount"] == pytest.approx(7e5)
    assert _gypsum_receiver_edge(plan, "symbiosis")["amount"] == pytest.approx(7e5)
    base, sym = _plain_avoided(plan)
    # the gypsum credit falls by 0.3 × 7,793.06 (plus the heat change): the edit reached bw2calc
    assert base - sym < TINY_AVOIDED - 0.3 * GYPSUM_DISPLACED + 1

    session = open_session(tiny, methods=[GWP], project=project)
    scores = session.evaluate(edits)
    assert float(scores.baseline_total[0, 0]) == pytest.approx(base, rel=1e-9)
    assert float(scores.symbiosis_total[0, 0]) == pytest.approx(sym, rel=1e-9)
    assert float(scores.avoided_total[0, 0]) == pytest.approx(base - sym, rel=1e-9)


def test_a_rebuild_replaces_the_parameters(bw_scratch_project, tiny):
    from bw2data.parameters import DatabaseParameter, ParameterizedExchange

    from lcasym.inventory.build import build_foreground
    from lcasym.inventory.parameters import group_name
    from lcasym.inventory.writer import write_foreground

    plan = build_foreground(tiny)
    db = plan.database("baseline")
    n_params = DatabaseParameter.select().where(DatabaseParameter.database == db).count()
    group = ParameterizedExchange.group == group_name(db)
    n_formulas = ParameterizedExchange.select().where(group).count()
    assert n_params == len(plan.parameters) and n_formulas > 0
    write_foreground(plan, tiny, force=True)
    assert DatabaseParameter.select().where(DatabaseParameter.database == db).count() == n_params
    assert ParameterizedExchange.select().where(group).count() == n_formulas
    # every parameterised exchange points at an exchange of the current database
    for pe in ParameterizedExchange.select().where(group):
        from bw2data.backends.schema import ExchangeDataset

        assert ExchangeDataset.get(id=pe.exchange).output_database == db


def test_removed_foregrounds_leave_no_parameter_groups(bw_scratch_project, tiny, monkeypatch):
    """A stale foreground deleted by lcasym takes its parameter groups along, so the user's
    next ``bw2data.parameters.recalculate()`` does not trip over an orphaned group."""
    from datetime import timedelta

    import bw2data as bd
    from bw2data.parameters import Group

    from lcasym.inventory import ownership
    from lcasym.inventory.build import build_foreground
    from lcasym.inventory.parameters import group_name

    plan = build_foreground(tiny)
    names = [plan.database("baseline"), plan.database("symbiosis")]
    monkeypatch.setattr(ownership, "SAME_NETWORK_GRACE", timedelta(seconds=-1))
    monkeypatch.setattr(ownership, "ANY_NETWORK_GRACE", timedelta(seconds=-1))
    removed = ownership.remove_stale_foregrounds(keep=(), network_id=tiny.network.id)
    assert set(names) <= set(removed)
    groups = {g.name for g in Group.select()}
    assert not groups & {*names, *(group_name(n) for n in names)}
    bd.parameters.recalculate()  # raised ActivityParameter.DoesNotExist with orphans left
