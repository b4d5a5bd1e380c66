"""The engine session: what-if edits equal ``calculate`` on the edited network file.

Network: the end-to-end network of ``tests/test_api_calc.py`` (hand derivation there:
e-gyp net 7,803.77733, e-agg 1,000, e-water −1,083.1438 kg CO2-eq under IPCC 2021 GWP100
over lcasym-open) plus

- ``e-heat`` A → C, 100 MWh of heat displacing the gas boiler heat, with a forgone output
  of 150 kWh of Danish grid electricity per MWh (a CHP supplier) and distributions on its
  amount and forgone ratio;
- ``e-ash`` B → A, planned (starts after the reporting year), 50 t displacing gravel.

For every kind of edit the session's result must equal ``calculate`` on a network file
edited by hand the same way (an independent route: the file is read, validated, planned
and written to Brightway again) to 1e-9 relative, Monte Carlo statistics included.
"""

from __future__ import annotations

import copy
import math
import threading
import uuid

import numpy as np
import pandas as pd
import pytest
import yaml

from lcasym import calculate, open_session
from lcasym.calc.edits import Edit
from lcasym.errors import InputError
from lcasym.network.model import SymbiosisNetwork

pytestmark = pytest.mark.slow

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
GWP_LABEL = " | ".join(GWP)
REL = 1e-9


def network_dict() -> dict:
    from test_api_calc import network_dict as e2e

    data = e2e()
    data["network"]["id"] = "sess"
    data["facilities"][0]["generates"] = [{"flow": "FGD gypsum", "amount": 1200, "unit": "t"}]
    data["exchanges"][0]["uncertainty"] = {
        "amount": {"distribution": "normal", "sd": 100},
        "distance": {"distribution": "uniform", "min": 5, "max": 20},
    }
    data["exchanges"] += [
        {
            "id": "e-heat",
            "supplier": "A",
            "receiver": "C",
            "kind": "energy",
            "flow": "district heat",
            "amount": 100,
            "unit": "MWh",
            "displaces": {"activity": "heat_natural_gas_boiler", "displacement_factor": 0.9},
            "forgone_output": {
                "activity": "electricity_grid_dk_2023",
                "ratio": 150,
                "ratio_unit": "kWh/MWh",
            },
            "uncertainty": {
                "amount": {"distribution": "triangular", "min": 80, "max": 110},
                "forgone_ratio": {"distribution": "uniform", "min": 100, "max": 200},
            },
        },
        {
            "id": "e-ash",
            "supplier": "B",
            "receiver": "A",
            "kind": "waste",
            "flow": "fly ash",
            "amount": 50,
            "unit": "t",
            "status": "planned",
            "start_year": 2030,
            "displaces": {"activity": "gravel_crushed"},
        },
    ]
    return data


@pytest.fixture(scope="module")
def project(bw_project):
    """A module-wide copy of the session project (sessions write foreground databases)."""
    from lcasym.background.project import brightway_project

    name = f"lcasym-sess-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    yield {"project": name, "directory": bw_project.directory}
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.delete_project(name, delete_dir=True)


@pytest.fixture(scope="module")
def session(project):
    return open_session(
        SymbiosisNetwork.model_validate(network_dict()), methods=[GWP, ACID], **project
    )


def assert_same(a, b, rel=REL):
    """Every table of two results equal: numbers to ``rel``, everything else exactly."""
    for name in ("totals", "exchanges", "facilities", "credits_by_rule", "indicators",
                 "uncertainty", "flags", "contributions", "sdg"):  # fmt: skip
        fa, fb = getattr(a, name), getattr(b, name)
        assert list(fa.columns) == list(fb.columns), name
        assert len(fa) == len(fb), name
        for col in fa.columns:
            x, y = fa[col], fb[col]
            if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
                np.testing.assert_allclose(
                    x.to_numpy(float), y.to_numpy(float), rtol=rel, atol=1e-9,
                    err_msg=f"{name}.{col}",
                )  # fmt: skip
            else:
                assert list(untagged(x)) == list(untagged(y)), f"{name}.{col}"


def untagged(column: pd.Series) -> pd.Series:
    """Text with each foreground database's build tag blanked.

    Every build writes its own tagged databases (``lcasym-<id>-<tag>-custom``, see
    lcasym.inventory.naming), so the session's and the edited file's contributions name
    different databases for the same custom activity.
    """
    return column.astype(str).str.replace(r"^(lcasym-.+)-[0-9a-f]{8}-", r"\1-<tag>-", regex=True)


def edited_file(tmp_path, edit) -> str:
    data = copy.deepcopy(network_dict())
    edit(data)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def exchange(data: dict, xid: str) -> dict:
    return next(x for x in data["exchanges"] if x["id"] == xid)


# (edits for the session, the same change made by hand in the file, crediting rule)
CASES = {
    "amount": ({"e-gyp.amount": 1100}, lambda d: exchange(d, "e-gyp").update(amount=1100),
               "receiver"),
    "ratio": ([Edit("e-agg", "ratio", 0.8)],
              lambda d: exchange(d, "e-agg")["displaces"].update(ratio=0.8), "supplier"),
    "displacement_factor": (
        [{"exchange": "e-heat", "field": "displacement_factor", "value": 0.5}],
        lambda d: exchange(d, "e-heat")["displaces"].update(displacement_factor=0.5), "equal"),
    "distance": ({"e-gyp.distance": 25.0},
                 lambda d: exchange(d, "e-gyp")["transport"][0].update(distance=25.0), "cff"),
    "forgone_ratio": ({"e-heat.forgone_ratio": 120},
                      lambda d: exchange(d, "e-heat")["forgone_output"].update(ratio=120),
                      "receiver"),
    "planned on": ({"e-ash.active": True},
                   lambda d: exchange(d, "e-ash").update(status="operating"), "supplier"),
    "operating off": ({"e-water.active": False},
                      lambda d: exchange(d, "e-water").update(status="planned"), "network"),
    "crediting rule only": ({}, lambda d: None, "cff"),
    "several at once": (
        {"e-gyp.amount": 800, "e-heat.amount": 90, "e-ash.active": True,
         "e-water.active": False},
        lambda d: (exchange(d, "e-gyp").update(amount=800),
                   exchange(d, "e-heat").update(amount=90),
                   exchange(d, "e-ash").update(status="operating"),
                   exchange(d, "e-water").update(status="planned")),
        "equal"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_edit_equals_calculate_on_the_edited_file(session, project, tmp_path, case):
    edits, by_hand, rule = CASES[case]
    options = dict(crediting=rule, draws=64, seed=5, contributions_top=2)
    ours = session.result(edits, **options)
    theirs = calculate(edited_file(tmp_path, by_hand), methods=[GWP, ACID], **options, **project)
    assert_same(ours, theirs)
    assert len(ours.provenance["edits"]) == len(edits) and theirs.provenance["edits"] == []


def test_edits_change_the_numbers_by_hand(session):
    m = session.methods.index(GWP)
    base = session.result(contributions_top=0)
    nets = base.exchanges[base.exchanges["method"] == GWP_LABEL].set_index("exchange")["net"]
    # e-gyp (test_api_calc): D 7,793.06 + W 1,263.38 − E 1,252.66267, all linear in the
    # amount: 1,100 t instead of 1,000 multiplies its net by 1.1.
    assert nets["e-gyp"] == pytest.approx(7803.77733, rel=1e-6)
    edited = session.evaluate({"e-gyp.amount": 1100})
    k = list(edited.exchange_ids).index("e-gyp")
    assert edited.exchange_net[0, k, m] == pytest.approx(1.1 * 7803.77733, rel=1e-6)
    # e-agg: D = 200 t · 0.5 · 0.01 kg/kg = 1,000; at ratio 0.8: 200,000 kg · 0.8 · 0.01 = 1,600
    edited = session.evaluate([Edit("e-agg", "ratio", 0.8)])
    k = list(edited.exchange_ids).index("e-agg")
    assert edited.exchange_net[0, k, m] == pytest.approx(1600.0, rel=1e-6)
    # e-heat: the forgone electricity is 100 MWh · 150 kWh/MWh · 0.14980719 = 2,247.10785;
    # at 0 kWh/MWh it is gone and the net grows by exactly that.
    heat = base.exchanges.set_index(["exchange", "method"]).loc[("e-heat", GWP_LABEL)]
    assert heat["forgone"] == pytest.approx(100 * 150 * 0.14980719, rel=1e-6)
    edited = session.evaluate({"e-heat.forgone_ratio": 0})
    k = list(edited.exchange_ids).index("e-heat")
    assert edited.exchange_net[0, k, m] == pytest.approx(heat["net"] + heat["forgone"], rel=1e-9)


def test_planned_exchanges_are_flagged_and_can_be_included(session):
    default = session.result(contributions_top=0)
    flags = default.flags[default.flags["flag"] == "planned excluded"]
    assert list(flags["entity"]) == ["e-ash"]
    assert "e-ash" not in set(default.exchanges["exchange"])
    included = session.result(contributions_top=0, include_planned=True)
    ex = included.exchanges[included.exchanges["method"] == GWP_LABEL].set_index("exchange")
    assert ex.loc["e-ash", "status"] == "planned"
    assert ex.loc["e-gyp", "status"] == "operating"
    assert included.flags[included.flags["flag"] == "planned excluded"].empty
    # The totals grow by exactly the planned exchange's net (50 t of gravel displaced).
    t0 = default.totals.set_index("method").loc[GWP_LABEL, "avoided"]
    t1 = included.totals.set_index("method").loc[GWP_LABEL, "avoided"]
    assert t1 - t0 == pytest.approx(ex.loc["e-ash", "net"], rel=1e-9)
    assert ex.loc["e-ash", "net"] > 0
    assert included.provenance["include_planned"] is True
    # include_planned=True equals switching the planned exchange on by an edit
    on = session.result({"e-ash.active": True}, contributions_top=0)
    assert on.totals["avoided"].tolist() == pytest.approx(included.totals["avoided"].tolist())


def test_variants_and_grid_equal_single_results(session):
    variants = {
        "as is": {},
        "more gypsum": {"e-gyp.amount": 1100},
        "ash on, supplier": {"edits": {"e-ash.active": True}, "crediting": "supplier"},
        "network rule": {"crediting": "network"},
    }
    for by in ("network", "exchange", "facility"):
        table = session.variants(variants, by=by)
        for name, spec in variants.items():
            spec = spec if "edits" in spec or "crediting" in spec else {"edits": spec}
            rule = spec.get("crediting") or "receiver"
            res = session.result(spec.get("edits", {}), crediting=rule, contributions_top=0)
            mine = table[table["variant"] == name]
            if by == "network":
                ref = res.totals
                cols = ["reference", "with_exchanges", "avoided"]
                keys = ["method"]
            elif by == "exchange":
                ref = res.exchanges
                cols = ["displaced", "treatment", "extra", "forgone", "net"]
                keys = ["exchange", "method"]
                assert list(mine["status"]) == list(ref["status"])
            else:
                # the network rule's credit is on its pseudo-facility "network" only
                ref = res.facilities.dropna(subset=["credit"])
                cols = ["credit"]
                keys = ["facility", "method"]
                assert set(mine["crediting"]) == {rule}
            assert list(mine[keys].itertuples(index=False)) == list(
                ref[keys].itertuples(index=False)
            )
            for col in cols:
                got = mine[col].to_numpy(float)
                np.testing.assert_allclose(got, ref[col].to_numpy(float), rtol=1e-12, atol=1e-9)
    # A grid is the Cartesian product of its axes (2 × 2 × 2 rules = 8 variants), with one
    # column per axis; each of its variants equals the same variant given by name.
    grid = session.grid(
        {"e-gyp.amount": [500, 1000], "e-heat.amount": [90, 100]},
        crediting=["receiver", "equal"],
        by="facility",
    )
    assert list(grid.columns[:4]) == ["variant", "e-gyp.amount", "e-heat.amount", "crediting"]
    assert grid["variant"].nunique() == 8
    one = grid[(grid["e-gyp.amount"] == 500) & (grid["e-heat.amount"] == 100)
               & (grid["crediting"] == "equal")]  # fmt: skip
    same = session.variants(
        [{"edits": {"e-gyp.amount": 500, "e-heat.amount": 100}, "crediting": "equal"}],
        by="facility",
    )
    np.testing.assert_allclose(one["credit"].to_numpy(float), same["credit"].to_numpy(float))


def test_variants_in_small_chunks_give_the_same_table(session, monkeypatch):
    from lcasym.calc import session as session_module

    variants = {f"v{i}": {"e-gyp.amount": 500 + 100 * i} for i in range(5)}
    whole = session.variants(variants, by="exchange")
    monkeypatch.setattr(session_module, "VARIANT_MEMORY", 1)  # one variant per product
    assert session._chunk_size("exchange") == 1
    pd.testing.assert_frame_equal(session.variants(variants, by="exchange"), whole)


def test_bad_edits_are_located_before_computing(session):
    with pytest.raises(InputError) as info:
        session.result(
            [
                {"exchange": "e-gip", "field": "amount", "value": 10},
                Edit("e-gyp", "amount", -5),
                Edit("e-gyp", "displacement_factor", 1.5),
                Edit("e-gyp", "amout", 3),
                Edit("e-water", "distance", 3),
                Edit("e-heat", "active", "yes"),
            ]
        )
    text = str(info.value)
    assert "6 problem(s) in what-if edits" in text
    assert "edits[0]: unknown exchange 'e-gip'; did you mean 'e-gyp'?" in text
    assert "edits[1] (exchange 'e-gyp').amount: amount must be > 0, got -5.0" in text
    assert (
        "edits[2] (exchange 'e-gyp').displacement_factor: displacement_factor must be in [0, 1]"
        in text
    )
    assert (
        "edits[3] (exchange 'e-gyp').amout: unknown field 'amout'; did you mean 'amount'?" in text
    )
    assert "edits[4] (exchange 'e-water').distance: exchange 'e-water' has no transport" in text
    assert "active must be True or False" in text
    # A supplier cannot send more than it declares it generates (A: 1,200 t of FGD gypsum),
    # whether the file or an edit says so: the network's own mass-balance rule.
    with pytest.raises(InputError, match=r"after the edits, 'A' sends 1500 t of 'FGD gypsum'"):
        session.evaluate({"e-gyp.amount": 1500})
    with pytest.raises(InputError, match="declares it generates 1200 t"):
        session.variants({"ok": {"e-gyp.amount": 1200}, "too much": {"e-gyp.amount": 1201}})
    with pytest.raises(
        InputError, match=r"variants\['b'\]\.edits\['e-gyp.ratio'\]: ratio must be > 0"
    ):
        session.variants({"a": {}, "b": {"e-gyp.ratio": 0}})
    with pytest.raises(InputError, match="unknown crediting rule 'fair'"):
        session.variants({"a": {"crediting": "fair"}})


def test_no_uncertainty_data_and_outside_interval(session, project):
    from typer.testing import CliRunner

    from lcasym.cli.main import app

    # No distributions at all: no Monte Carlo despite draws, a flag, and the CLI says so.
    data = network_dict()
    for x in data["exchanges"]:
        x.pop("uncertainty", None)
    plain = open_session(SymbiosisNetwork.model_validate(data), methods=[GWP], **project)
    res = plain.result(draws=100, contributions_top=0)
    assert res.uncertainty.empty
    assert res.flags[res.flags["flag"] == "no uncertainty data"]["entity"].tolist() == ["network"]
    from lcasym.cli.cmd_calc import summary_lines

    line = summary_lines(res)[1]
    assert "no uncertainty data" in line and "P5" not in line
    # With distributions: P50 next to the central value, and a flag where the central
    # value lies outside P5–P95. Make e-heat's amount triangular(min 99, mode 100, max 300)
    # and its forgone ratio fixed, so its net is the amount times a constant:
    # F(x) = 1 − (300 − x)² / (201 · 200) for x ≥ 100, F(100) = 1/201 ≈ 0.005, and
    # P5 = 300 − √(0.95 · 201 · 200) = 104.6 > 100: the deterministic net lies below P5.
    data = network_dict()
    exchange(data, "e-heat")["uncertainty"] = {
        "amount": {"distribution": "triangular", "min": 99, "max": 300}
    }
    skewed = open_session(SymbiosisNetwork.model_validate(data), methods=[GWP], **project)
    res = skewed.result(draws=400, seed=3, contributions_top=0)
    u = res.uncertainty.set_index(["entity", "quantity"]).loc[("e-heat", "net")]
    assert u["P5"] > u["deterministic"] and bool(u["outside_interval"])
    flagged = res.flags[res.flags["flag"] == "outside interval"]
    assert "e-heat" in set(flagged["entity"])
    line = summary_lines(res)[1]
    assert "P50" in line and "P5–P95" in line
    # The CLI: --include-planned counts e-ash; the summary names what is left out without it
    path = project["directory"] / f"sess-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(yaml.safe_dump(network_dict()), encoding="utf-8")
    args = ["calc", str(path), "-m", GWP_LABEL, "-p", project["project"], "--dir",
            str(project["directory"])]  # fmt: skip
    runner = CliRunner()
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "planned exchanges left out of the totals: 1 (e-ash)" in out.output
    out = runner.invoke(app, [*args, "--include-planned"])
    assert out.exit_code == 0, out.output
    assert "planned exchanges left out" not in out.output
    path.unlink()


def test_one_brightway_block_per_session_and_none_per_result(project, monkeypatch):
    import bw2data as bd

    # Each real project switch costs ~0.3 s (bw2data's gc.collect): count them.
    calls = []
    real = bd.projects.set_current

    def counted(name, *args, **kwargs):
        calls.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(bd.projects, "set_current", counted)
    sess = open_session(SymbiosisNetwork.model_validate(network_dict()), methods=[GWP], **project)
    # One entry (switch in) and one exit (switch back); nested blocks reuse the project.
    assert len(calls) == 2 and calls[0] == project["project"] != calls[1]
    calls.clear()
    sess.result({"e-gyp.amount": 10}, draws=20, contributions_top=3)
    sess.variants({"a": {}, "b": {"e-ash.active": True}}, by="facility")
    assert calls == []


def test_staying_in_the_project_saves_every_switch(project, monkeypatch):
    import bw2data as bd

    from lcasym.background import project as bwp

    net = SymbiosisNetwork.model_validate(network_dict())
    state = bwp._bw_state()
    calls = []
    real = bd.projects.set_current

    def counted(name, *args, **kwargs):
        calls.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(bd.projects, "set_current", counted)
    try:
        bwp.stay_in_project()
        open_session(net, methods=[GWP], **project)  # switches in, and stays
        assert calls == [project["project"]]
        open_session(net, methods=[GWP], **project)  # the project is current: no switch
        assert calls == [project["project"]] and bd.projects.current == project["project"]
    finally:
        bwp.stay_in_project(False)
        bwp._restore(*state)


def test_cache_shares_one_system_and_threads_agree(project):
    from lcasym.calc import system_cache

    net = SymbiosisNetwork.model_validate(network_dict())
    a = open_session(net, methods=[GWP], **project)
    b = open_session(net, methods=[GWP], **project)
    assert a.system is b.system  # loaded and factorised once
    expected = [a.result({"e-gyp.amount": v}, contributions_top=3).totals for v in (10, 20)]
    got: dict[int, pd.DataFrame] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            sess = open_session(net, methods=[GWP], **project)
            for _ in range(5):
                got[i] = sess.result({"e-gyp.amount": (10, 20)[i]}, contributions_top=3).totals
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i in (0, 1):
        pd.testing.assert_frame_equal(got[i], expected[i])
    assert system_cache.cache_size() <= system_cache.MAX_SYSTEMS


def test_a_changed_background_is_reloaded(bw_scratch_project):
    import bw2data as bd

    from lcasym.background.resolve import BackgroundIndex
    from lcasym.calc.system_cache import cached_system

    settings = bw_scratch_project
    first = cached_system(settings.directory, settings.project, ["lcasym-open"], [GWP])
    assert cached_system(settings.directory, settings.project, ["lcasym-open"], [GWP]) is first
    before = BackgroundIndex.from_brightway(["lcasym-open"]).get("lcasym-open", "gypsum_mined")
    node = bd.get_node(database="lcasym-open", code="gypsum_mined")
    node["name"] = "gypsum, renamed by a user"
    node.save()  # marks the database dirty and modified
    after = BackgroundIndex.from_brightway(["lcasym-open"]).get("lcasym-open", "gypsum_mined")
    assert before.name != after.name == "gypsum, renamed by a user"
    bd.Database("lcasym-open").process()
    again = cached_system(settings.directory, settings.project, ["lcasym-open"], [GWP])
    assert again is not first
    assert not math.isnan(again.system.scores_of([("lcasym-open", "gypsum_mined")])[0, 0])


def test_readme_scenarios_example_runs(bw_scratch_project, monkeypatch):
    """The README's "Scenarios and what-if" example, as printed, on Kalundborg."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("**Scenarios and what-if.**") :]
    code = re.search(r"```python\n(.*?)```", part, re.S).group(1)
    monkeypatch.chdir(root)
    monkeypatch.setenv("LCASYM_PROJECT", bw_scratch_project.project)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    table, grid, result = scope["table"], scope["grid"], scope["result"]
    assert set(table["variant"]) == {
        "as reported", "less gypsum, longer transport", "planned ones running",
        "supplier gets the credit",
    }  # fmt: skip
    assert grid["variant"].nunique() == 12
    # "as reported" under the receiver rule sums to the result's avoided total
    receiver = scope["session"].result()
    head = receiver.headline()["method"]
    mine = table[(table["variant"] == "as reported") & (table["method"] == head)]
    assert mine["credit"].sum() == pytest.approx(receiver.headline()["avoided"], rel=1e-9)
    assert result.provenance["crediting_rule"] == "supplier"


def test_session_repr_is_short_and_its_html_escaped(session):
    text = repr(session)
    assert "\n" not in text and len(text) < 200 and session.network.network.id in text
    page = session._repr_html_()
    assert page.startswith("<table><caption>lcasym EngineSession</caption>")
    planned = sum(x.status == "planned" for x in session.network.exchanges)
    assert f"{len(session.network.exchanges)} ({planned} planned)" in page
    # names are escaped: no raw markup from the network file reaches the notebook
    import html

    assert html.escape(session.network.network.name) in page


def test_a_large_network_gets_contributions_of_its_60_largest_exchanges(project):
    # 201 copies of the gypsum exchange with amounts 1 … 201 t: each one's net GWP is its
    # amount times the same net of one tonne (every term is linear in the amount), so the
    # 60 largest |net| are the copies of 142 … 201 t, g141 … g200; no other exchange has
    # contribution rows, and the flag names the 141 left out.
    from test_api_calc import network_dict as e2e

    data = e2e()
    data["network"]["id"] = "sess-large"
    gypsum = next(x for x in data["exchanges"] if x["id"] == "e-gyp")
    gypsum.pop("economics", None)
    data["exchanges"] = [dict(copy.deepcopy(gypsum), id=f"g{k}", amount=float(k + 1))
                         for k in range(201)]  # fmt: skip
    session = open_session(SymbiosisNetwork.model_validate(data), methods=[GWP], **project)
    result = session.result()
    net = result.exchanges.set_index("exchange")["net"]
    assert set(net.abs().nlargest(60).index) == {f"g{k}" for k in range(141, 201)}
    assert set(result.contributions["exchange"]) == {f"g{k}" for k in range(141, 201)}
    flag = result.flags[result.flags["flag"] == "contributions for the largest exchanges"]
    assert len(flag) == 1 and "141 have none" in flag["detail"].iloc[0]
    # asked for explicitly, every exchange gets its rows and there is no such flag
    every = session.result(contributions_top=1)
    assert set(every.contributions["exchange"]) == {f"g{k}" for k in range(201)}
    assert "contributions for the largest exchanges" not in set(every.flags["flag"])
