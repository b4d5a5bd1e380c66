"""The foreground as ordinary Brightway databases: a researcher gets lcasym's numbers.

Uses the shipped tiny network (examples/tiny.yaml, hand derivation in its header): with
plain bw2data/bw2calc, baseline − symbiosis of the ``network`` activities must equal what
lcasym reports, and the build must be idempotent and all-or-nothing.
"""

from __future__ import annotations

import pytest

from lcasym.inventory import naming
from lcasym.io import read_network
from lcasym.network.model import ActivityRef
from lcasym.paths import examples_dir

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
# Hand total of examples/tiny.yaml (its header): 7,803.78 + 25,432.69 − 1,083.14
TINY_AVOIDED = 32_153.33


@pytest.fixture
def tiny():
    return read_network(examples_dir() / "tiny.yaml", validate=False)


def _plain_score(database: str, code: str, method=GWP) -> float:
    import bw2calc as bc
    import bw2data as bd

    lca = bc.LCA({bd.get_node(database=database, code=code): 1.0}, method=method)
    lca.lci()
    lca.lcia()
    return float(lca.score)


def test_plain_bw2calc_gives_the_reported_numbers(bw_scratch_project, tiny):
    from lcasym.api import calculate
    from lcasym.inventory.build import build_foreground

    plan = build_foreground(tiny)
    base = _plain_score(plan.database("baseline"), naming.NETWORK_CODE)
    sym = _plain_score(plan.database("symbiosis"), naming.NETWORK_CODE)
    # Brightway stores matrix values as float32, hence 1e-6 against the pencil figure.
    assert base - sym == pytest.approx(TINY_AVOIDED, rel=1e-6)

    result = calculate(tiny, methods=[GWP], project=bw_scratch_project.project)
    row = result.totals.set_index("method").iloc[0]
    # Same matrices, same numbers: lcasym's engine equals plain bw2calc to 1e-9.
    assert row["reference"] == pytest.approx(base, rel=1e-9)
    assert row["with_exchanges"] == pytest.approx(sym, rel=1e-9)

    # Per exchange: baseline − symbiosis of its sides equals lcasym's net for it.
    nets = result.exchanges.set_index("exchange")["net"]
    for ex in ("tiny-gypsum", "tiny-heat", "tiny-water"):
        diff = 0.0
        for side in ("receiver", "supplier", "extra"):
            code = naming.exchange_code(ex, side)
            for scenario, sign in (("baseline", 1.0), ("symbiosis", -1.0)):
                import bw2data as bd

                db = plan.database(scenario)
                if (db, code) in bd.Database(db):
                    diff += sign * _plain_score(db, code)
        assert diff == pytest.approx(nets[ex], rel=1e-9, abs=1e-6)
    # The water exchange's extras exceed its credit: it stays negative (never clipped).
    assert nets["tiny-water"] < 0


def test_symbiosis_uses_substitution_edges(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground

    plan = build_foreground(tiny)
    node = bd.get_node(
        database=plan.database("symbiosis"),
        code=naming.exchange_code("tiny-gypsum", "receiver"),
    )
    kinds = sorted((e["type"], e.input["code"], e["amount"]) for e in node.exchanges())
    # 1,000 t FGD gypsum × SR 1 × DF 1 = 1e6 kg mined gypsum: the receiver still needs it ...
    assert ("technosphere", "gypsum_mined", pytest.approx(1e6)) in kinds
    assert "substitution" not in {k[0] for k in kinds}
    # ... and the exchange node substitutes it (no node lists a product as input and substitute)
    extra = bd.get_node(
        database=plan.database("symbiosis"),
        code=naming.exchange_code("tiny-gypsum", "extra"),
    )
    subs = [
        (e.input["code"], e["amount"]) for e in extra.exchanges() if e["type"] == "substitution"
    ]
    # (and the supplier's avoided landfill: 1,000 t × TR 1 = 1e6 kg)
    assert sorted(subs) == [
        ("gypsum_mined", pytest.approx(1e6)),
        ("landfill_inert", pytest.approx(1e6)),
    ]
    # Brightway-native texts: named after facilities, located where they are
    assert "tiny-gypsum" in node["name"] and node["location"] != "GLO"
    base = bd.get_node(
        database=plan.database("baseline"),
        code=naming.exchange_code("tiny-gypsum", "receiver"),
    )
    assert [e["type"] for e in base.exchanges() if e["type"] == "substitution"] == []


def test_rebuild_is_idempotent_with_deterministic_codes(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground
    from lcasym.inventory.writer import write_foreground

    plan = build_foreground(tiny)
    names = plan.databases
    codes = {n: sorted(a["code"] for a in bd.Database(n)) for n in names}
    assert write_foreground(plan, tiny) is False  # unchanged: nothing rewritten
    assert write_foreground(plan, tiny, force=True) is True
    assert {n: sorted(a["code"] for a in bd.Database(n)) for n in names} == codes
    assert "network" in codes[names[0]] and "facility:board" in codes[names[1]]


def test_failed_build_leaves_previous_databases_intact(bw_scratch_project, tiny, monkeypatch):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground

    plan = build_foreground(tiny)
    names = plan.databases
    before = {n: (bd.Database(n).load(), bd.databases[n]["lcasym_build"]) for n in names}
    before_score = _plain_score(names[0], naming.NETWORK_CODE)

    changed = tiny.model_copy(
        update={
            "exchanges": [
                tiny.exchanges[0].model_copy(update={"amount": 500.0}),
                *tiny.exchanges[1:],
            ]
        }
    )
    backend = type(bd.Database(names[1]))
    real_write = backend.write

    failures = []

    def failing_write(self, data, *args, **kwargs):
        # the new build's symbiosis write fails, once
        if self.name.endswith("-symbiosis") and self.name not in names and not failures:
            failures.append(self.name)
            raise RuntimeError("disk full")
        return real_write(self, data, *args, **kwargs)

    monkeypatch.setattr(backend, "write", failing_write)
    with pytest.raises(RuntimeError, match="disk full"):
        build_foreground(changed)
    monkeypatch.setattr(backend, "write", real_write)

    after = {n: (bd.Database(n).load(), bd.databases[n]["lcasym_build"]) for n in names}
    assert after == before
    # the half-written new build was removed again: only the old foreground is there
    assert sorted(n for n in bd.databases if n.startswith("lcasym-tiny-")) == sorted(names)
    assert _plain_score(names[0], naming.NETWORK_CODE) == pytest.approx(before_score, rel=1e-12)


def test_invalid_network_writes_nothing(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.errors import InputError
    from lcasym.inventory.build import build_foreground

    ex = tiny.exchanges[0]
    typo = ex.displaces.model_copy(
        update={"activity": ex.displaces.activity.model_copy(update={"code": "gypsum_mind"})}
    )
    bad = tiny.model_copy(
        update={"exchanges": [ex.model_copy(update={"displaces": typo}), *tiny.exchanges[1:]]}
    )
    before = {n: bd.Database(n).load() for n in bd.databases}
    with pytest.raises(InputError, match="gypsum_mined"):  # did you mean ...
        build_foreground(bad)
    # Nothing written: the databases are exactly as before (none added, none changed).
    assert {n: bd.Database(n).load() for n in bd.databases} == before


def test_reference_by_name_product_and_location(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground

    gypsum = bd.get_node(database="lcasym-open", code="gypsum_mined")
    ex = tiny.exchanges[0]
    by_name = ex.model_copy(
        update={
            "displaces": ex.displaces.model_copy(
                update={
                    "activity": ActivityRef(
                        name=gypsum["name"],
                        reference_product=gypsum["reference product"],
                        location=gypsum["location"],
                    )
                }
            )
        }
    )
    plan = build_foreground(tiny.model_copy(update={"exchanges": [by_name, *tiny.exchanges[1:]]}))
    assert ("lcasym-open", "gypsum_mined") in plan.targets


def test_other_databases_in_the_project_are_untouched(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground

    mine = bd.Database("my-own-study")
    mine.write({("my-own-study", "a"): {"name": "a", "unit": "kg", "exchanges": []}})
    before = mine.load()
    build_foreground(tiny)
    assert bd.Database("my-own-study").load() == before
    from lcasym.background.open_data import load_open_background

    assert len(bd.Database("lcasym-open")) == len(load_open_background().activities)


def test_a_users_own_background_database_is_used(bw_scratch_project, tiny):
    """A network can point at any Brightway database in the project (e.g. a licensed one)."""
    import bw2data as bd

    from lcasym.api import calculate

    co2 = bd.get_node(database="biosphere3", name="Carbon dioxide, fossil", categories=("air",))
    bd.Database("my-background").write(
        {
            ("my-background", "gypsum-x"): {
                "name": "gypsum, from my licensed database",
                "reference product": "gypsum",
                "location": "DK",
                "unit": "kilogram",
                "exchanges": [
                    {"input": ("my-background", "gypsum-x"), "amount": 1, "type": "production"},
                    {"input": co2.key, "amount": 0.01, "type": "biosphere"},
                ],
            }
        }
    )
    ex = tiny.exchanges[0]
    mine = ex.displaces.model_copy(
        update={"activity": ActivityRef(database="my-background", code="gypsum-x")}
    )
    net = tiny.model_copy(
        update={"exchanges": [ex.model_copy(update={"displaces": mine}), *tiny.exchanges[1:]]}
    )
    result = calculate(net, methods=[GWP], project=bw_scratch_project.project)
    row = result.exchanges.set_index("exchange").loc["tiny-gypsum"]
    # 1,000 t = 1e6 kg × 0.01 kg CO2/kg × GWP 1 = 10,000 kg CO2-eq displaced
    assert row["displaced"] == pytest.approx(10_000.0, rel=1e-6)
    assert "my-background" in result.provenance["databases"]
