"""The Streamlit app (AppTest) and its library helpers (lcasym.app_support).

AppTest runs the real pages in this process; the Brightway project comes from the session
fixture ``bw_project`` (LCASYM_PROJECT / LCASYM_BRIGHTWAY_DIR point at it).
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from lcasym import app_support
from lcasym.errors import InputError, Problem
from lcasym.io import read_network
from lcasym.paths import examples_dir

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 60


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest leaves app.py installed as ``__main__``; put the real one back.

    Otherwise later tests that start worker processes (Dask LocalCluster, spawn) would
    re-run app.py in every worker.
    """
    saved = sys.modules.get("__main__")
    yield
    if saved is not None:
        sys.modules["__main__"] = saved


def _app(page: str | None = "app_pages/network.py"):
    """The app, run once and switched to ``page`` (None: the page it opens on)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return at if page is None else at.switch_page(page).run()


def _load_example(at, name: str):
    at.switch_page("app_pages/network.py").run()
    at.selectbox[0].set_value(name)
    next(b for b in at.button if b.label == "Load example").click()
    return at.run()


def _uploader(at, label: str = "Upload a network"):
    return next(u for u in at.file_uploader if u.label.startswith(label))


def _errors(at) -> str:
    """Text of every st.error, markdown escapes removed."""
    return "\n".join(e.value for e in at.error).replace("\\", "")


# --- the app ------------------------------------------------------------------------------------


def test_app_starts_without_exceptions():
    at = _app(None)
    assert not at.exception
    assert at.title[0].value == "Results"  # the app opens on the results
    assert "Open the Kalundborg demo" in [b.label for b in at.button]
    at.switch_page("app_pages/network.py").run()
    labels = [b.label for b in at.button]
    assert "Load example" in labels
    assert any(d.label == "Excel template" for d in at.get("download_button"))


def test_other_pages_without_network_say_what_to_do():
    at = _app()
    for page in ("app_pages/results.py", "app_pages/data.py", "app_pages/about.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    at.switch_page("app_pages/results.py").run()
    assert any("Kalundborg demo" in i.value for i in at.info)
    at.switch_page("app_pages/data.py").run()
    assert any("No results yet" in i.value for i in at.info)
    at.switch_page("app_pages/about.py").run()
    assert "Open Government Licence" in "\n".join(m.value for m in at.markdown)


def test_loading_kalundborg_shows_its_exchanges():
    at = _load_example(_app(), "kalundborg.yaml")
    assert not at.exception
    assert not at.error
    editors = at.data_editor
    ids = set(editors[0].value["id"])
    assert {"gypsum-asnaes-gyproc", "district-heat-asnaes-town"} <= ids
    assert "asnaes" in set(editors[1].value["id"])
    assert any("Kalundborg Symbiosis" in h.value for h in at.header)


def test_bad_upload_shows_located_error_not_traceback():
    at = _app()
    net = yaml.safe_load((examples_dir() / "tiny.yaml").read_text(encoding="utf-8"))
    net["exchanges"][1]["amount"] = -100
    net["exchanges"][2]["kindd"] = "water"
    _uploader(at).upload("broken.yaml", yaml.safe_dump(net).encode(), "application/x-yaml")
    at.run()
    assert not at.exception
    text = _errors(at)
    assert "broken.yaml" in text
    assert "exchanges[1] (id 'tiny-heat').amount" in text
    assert "amount must be > 0" in text
    assert "kindd" in text


def test_unsupported_upload_is_reported():
    at = _app()
    _uploader(at).upload("network.yaml", b"network: [unclosed", "application/x-yaml")
    at.run()
    assert not at.exception
    assert "network.yaml" in _errors(at)


def test_results_workbook_is_refused_in_one_sentence():
    import io

    at = _app()
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        for name in ("provenance", "totals", "exchanges"):
            pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name=name, index=False)
    _uploader(at).upload("results.xlsx", buf.getvalue(), "application/vnd.ms-excel")
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    assert _errors(at) == (
        "“results.xlsx” is an lcasym results workbook, not a network: expected a network file "
        "(YAML, JSON, or Excel made from lcasym's template)."
    )


def test_session_file_restores_network_and_options(tiny):
    at = _app()
    data = app_support.session_bytes(tiny, {"crediting": "equal", "draws": 50, "seed": 3})
    _uploader(at, "Restore a session").upload("tiny.lcasym-session.json", data, "application/json")
    at.run()
    assert not at.exception
    assert at.session_state["network"] == tiny
    assert at.session_state["app_options"] == {"crediting": "equal", "draws": 50, "seed": 3}
    at.run()
    assert any(d.label == "Save session" for d in at.get("download_button"))


def _apply_exchange_edits(at, edited_rows: dict) -> None:
    """Edit cells of the exchanges editor as a user would, then press Apply edits."""
    key = next(e.key for e in at.data_editor if e.key.startswith("exchanges_editor"))
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if b.label == "Apply edits").click()
    at.run()


def test_bad_edit_shows_located_error_and_keeps_network():
    at = _load_example(_app(), "tiny.yaml")
    _apply_exchange_edits(at, {1: {"amount": -5.0}, 2: {"supplier": "powr"}})
    assert not at.exception
    text = _errors(at)
    assert "Exchanges table, row 2 (id 'tiny-heat'), column 'amount / yr'" in text
    assert at.session_state["network"].exchange("tiny-heat").amount == 100
    # the offending cell is highlighted: row 2 (index 1), column 'amount / yr', and only it
    flagged = _flagged(at)
    cells = _styled_cells(flagged)
    columns = list(flagged.value.columns)
    amber = {(r, columns[c]) for r, c in cells.get(app_support.editor.PROBLEM_CELL_COLOUR, ())}
    assert amber == {(1, "amount / yr")}
    light = cells[app_support.editor.PROBLEM_ROW_COLOUR]
    assert {r for r, _ in light} == {1} and len(light) == len(columns) - 1
    assert flagged.value.iloc[1]["amount / yr"] == -5.0  # the user's edit, as typed


def _flagged(at):
    """The one table with highlighted cells (the facilities table has none here)."""
    colour = app_support.editor.PROBLEM_CELL_COLOUR
    found = [d for d in at.dataframe if colour in d.proto.arrow_data.styler.styles]
    assert len(found) == 1
    return found[0]


def _styled_cells(element) -> dict[str, set[tuple[int, int]]]:
    """colour -> (row, column) cells of a styled st.dataframe (its CSS rules)."""
    import re

    out: dict[str, set[tuple[int, int]]] = {}
    for selectors, body in re.findall(
        r"([^{}]+)\{([^}]*)\}", element.proto.arrow_data.styler.styles
    ):
        colour = re.search(r"background-color:\s*(#[0-9a-fA-F]{6})", body)
        for r, c in re.findall(r"_row(\d+)_col(\d+)", selectors):
            if colour:
                out.setdefault(colour.group(1), set()).add((int(r), int(c)))
    return out


def test_checked_problems_highlight_their_cells():
    at = _load_example(_app(), "tiny.yaml")
    # a valid model, but a supplier no facility has: a cross-record error, found when checked
    _apply_exchange_edits(at, {2: {"supplier": "powr"}})
    assert not at.exception
    assert "Exchanges table, row 3 (id 'tiny-water'), column 'supplier'" in _errors(at)
    flagged = _flagged(at)
    cells = _styled_cells(flagged)
    columns = list(flagged.value.columns)
    amber = {(r, columns[c]) for r, c in cells[app_support.editor.PROBLEM_CELL_COLOUR]}
    assert amber == {(2, "supplier")}
    assert "highlighted" in next(c.value for c in at.caption if c.value.startswith("**Exch"))


def test_edit_is_applied_and_checked():
    at = _load_example(_app(), "tiny.yaml")
    _apply_exchange_edits(at, {2: {"supplier": "powr"}})
    assert not at.exception
    assert at.session_state["network"].exchange("tiny-water").supplier == "powr"
    text = _errors(at)
    assert "row 3 (id 'tiny-water'), column 'supplier'" in text
    assert "did you mean 'power'" in text
    # unsaved edits: the sidebar says so and the page asks before the tab is left
    assert at.session_state["unsaved_edits"] is True
    at.run()
    assert any("Edits not saved" in c.value for c in at.caption)


def test_running_tiny_shows_the_avoided_total(bw_project):
    import streamlit as st

    st.cache_data.clear()  # the project status cached before bw_project was set up
    at = _load_example(_app(), "tiny.yaml")
    # the activity picker lists the background, searchable
    at.text_input(key="activity_search").set_value("gypsum mined").run()
    found = at.dataframe[0].value
    assert "lcasym-open:gypsum_mined" in set(found["reference"])
    assert all("gypsum" in n.casefold() for n in found["name"])
    # the template listing this background's activities (the project's lcasym-open)
    next(b for b in at.button if b.label.startswith("Prepare an Excel template")).click()
    at.run()
    database, data = at.session_state["background_template"]
    assert database == "lcasym-open"
    import io

    import openpyxl

    from lcasym.app_support.activities import index_activities
    from lcasym.network.checking import background_for

    index, _ = background_for(at.session_state["network"])
    listed = openpyxl.load_workbook(io.BytesIO(data))["background_activities"]
    codes = {row[0] for row in listed.iter_rows(min_row=2, values_only=True)}
    assert codes == {a.code for a in index_activities(index)} and "gypsum_mined" in codes
    assert any(d.label.startswith("Excel template (lcasym") for d in at.get("download_button"))
    at.switch_page("app_pages/results.py").run()
    at.number_input[0].set_value(0)  # draws
    next(b for b in at.button if b.label == "Run").click()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["result"]
    totals = result.totals
    row = totals[totals["method"] == result.provenance["headline_method"]].iloc[0]
    avoided_t = (row["reference"] - row["with_exchanges"]) / 1000
    assert math.isclose(avoided_t, 32.153327, rel_tol=1e-5)  # examples/tiny.yaml, by hand
    metric = at.metric[0]
    assert metric.label == "Avoided GHG"
    assert metric.value == app_support.format_number(avoided_t) == "32.2"
    assert "WBCSD 2023" in "\n".join(i.value for i in at.info)
    assert "no uncertainty data" in "\n".join(c.value for c in at.caption)  # draws = 0
    assert "32.1533" in metric.help  # the full value on hover
    # the impact table keeps its category in view when it scrolls sideways (narrow screens)
    impact = next(d for d in at.dataframe if "impact category" in d.value.columns)
    config = json.loads(impact.proto.columns)
    assert config["impact category"]["pinned"] is True
    # what-if: 20 km instead of 10 for the gypsum adds 10,000 tkm x 0.125266267 kg/tkm
    # = 1.25266 t of transport: 32.1533 − 1.2527 = 30.9007 t (tiny.yaml's header)
    at.selectbox(key="whatif_exchange").set_value("tiny-gypsum").run()
    what = next(m for m in at.metric if "(what-if)" in m.label)
    assert what.value == "32.2 t CO2-eq/yr"
    at.slider(key="whatif_distance_tiny-gypsum").set_value(20.0).run()
    what = next(m for m in at.metric if "(what-if)" in m.label)
    assert what.value == "30.9 t CO2-eq/yr"
    # the crediting rule as a what-if control: supplier rule with the 20 km gypsum.
    # power supplies gypsum (net 7,803.78 − 1,252.66 more transport = 6,551.12 kg) and heat
    # (25,432.69 kg): 31,983.81 kg = 32.0 t; board supplies the water (−1,083.14 kg); the
    # greenhouse supplies nothing: 0. At the run (receiver rule, 10 km): power keeps the
    # avoided landfill W = 1,263.38 kg; board D − E = 7,793.06 − 1,252.66 = 6,540.40 kg;
    # greenhouse 25,432.69 − 1,083.14 = 24,349.55 kg (tiny.yaml's header).
    at.selectbox(key="whatif_crediting").set_value("supplier").run()
    assert not at.exception
    credits = next(d.value for d in at.dataframe if "what-if" in d.value.columns)
    by_firm = credits.set_index("firm")
    assert by_firm.loc["Power station (synthetic)", "what-if"] == pytest.approx(32.0)
    assert by_firm.loc["Plasterboard plant (synthetic)", "what-if"] == pytest.approx(-1.08)
    assert by_firm.loc["Greenhouse (synthetic)", "what-if"] == 0
    assert by_firm.loc["Power station (synthetic)", "at the run"] == pytest.approx(1.26)
    assert by_firm.loc["Plasterboard plant (synthetic)", "at the run"] == pytest.approx(6.54)
    assert by_firm.loc["Greenhouse (synthetic)", "at the run"] == pytest.approx(24.3)
    # the rule splits, it does not change the total
    what = next(m for m in at.metric if "(what-if)" in m.label)
    assert what.value == "30.9 t CO2-eq/yr"
    assert at.session_state["result"] is result  # the run's result is unchanged
    # the data page offers the three exports and the provenance
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    labels = {d.label for d in at.get("download_button")}
    assert {"Excel workbook", "JSON", "CSV (long table)"} <= labels


# --- lcasym.app_support -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    return read_network(examples_dir() / "tiny.yaml")


@pytest.fixture(scope="module")
def kalundborg():
    return read_network(examples_dir() / "kalundborg.yaml")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (40394506.04, "40,394,506"),
        (-1083.14, "-1,083"),
        (32.153, "32.2"),
        (7.8037, "7.80"),
        (0.000271, "0.000271"),
        (2.5e-9, "2.50e-09"),
        (0, "0"),
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_format_number(value, text):
    assert app_support.format_number(value) == text


def test_display_scale_and_method_names():
    assert app_support.display_scale("kg CO2-Eq") == (1e-3, "t CO2-eq")
    assert app_support.display_scale("kg P-Eq") == (1.0, "kg P-Eq")
    label = "IPCC 2021 | climate change | global warming potential (GWP100)"
    assert app_support.method_name(label) == (
        "Climate change – global warming potential (GWP100) (IPCC 2021)"
    )


def test_tables_round_trip_unchanged(tiny, kalundborg):
    for net in (tiny, kalundborg):
        t = app_support.network_tables(net)
        assert list(t["exchanges"]["id"]) == [e.id for e in net.exchanges]
        assert app_support.network_from_tables(net, t["facilities"], t["exchanges"]) == net


def test_edits_keep_hidden_fields_and_rename(tiny):
    t = app_support.network_tables(tiny)
    ex = t["exchanges"].copy()
    ex.loc[0, "id"] = "gypsum"  # renamed: its transport leg must survive
    ex.loc[0, "amount"] = 2000.0
    ex.loc[1, "displaces.activity"] = "lcasym-open:heat_natural_gas_boiler"
    new = app_support.network_from_tables(tiny, t["facilities"], ex)
    gypsum = new.exchange("gypsum")
    assert gypsum.amount == 2000
    assert gypsum.transport == tiny.exchange("tiny-gypsum").transport
    heat = new.exchange("tiny-heat").displaces.activity
    assert (heat.database, heat.code) == ("lcasym-open", "heat_natural_gas_boiler")
    assert new.exchange("tiny-heat").extra_inputs == tiny.exchange("tiny-heat").extra_inputs


def test_added_and_deleted_rows(tiny):
    t = app_support.network_tables(tiny)
    ex = t["exchanges"].drop(index=2)
    new_row = {
        "id": "steam", "supplier": "power", "receiver": "board", "kind": "energy",
        "flow": "steam", "amount": 50.0, "unit": "MWh", "status": "operating",
        "displaces.activity": "heat_natural_gas_boiler", app_support.ROW_KEY: None,
    }  # fmt: skip
    blank = dict.fromkeys(ex.columns)
    ex = pd.concat([ex, pd.DataFrame([new_row, blank])], ignore_index=True)
    fac = t["facilities"].copy()
    fac.loc[0, "main_outputs"] = "electricity; heat"
    new = app_support.network_from_tables(tiny, fac, ex)
    assert [e.id for e in new.exchanges] == ["tiny-gypsum", "tiny-heat", "steam"]
    assert new.exchange("steam").displaces.ratio == 1.0  # blank cell: model default
    assert new.exchange("steam").hazardous is False
    assert new.facility("power").main_outputs == ["electricity", "heat"]
    assert new.facility("power").generates == tiny.facility("power").generates


def test_bad_edits_are_located_by_table_row_and_column(tiny):
    t = app_support.network_tables(tiny)
    ex = t["exchanges"].copy()
    ex.loc[1, "amount"] = -5.0
    for col in ("displaces.activity", "displaces.ratio", "displaces.displacement_factor"):
        ex.loc[2, col] = None
    with pytest.raises(InputError) as info:
        app_support.network_from_tables(tiny, t["facilities"], ex)
    where = {p.location for p in info.value.problems}
    assert "Exchanges table, row 2 (id 'tiny-heat'), column 'amount / yr'" in where
    assert "Exchanges table, row 3 (id 'tiny-water')" in where


def test_check_edited_uses_the_background(tiny):
    from lcasym.background.resolve import BackgroundIndex

    t = app_support.network_tables(tiny)
    ex = t["exchanges"].copy()
    ex.loc[0, "displaces.activity"] = "gypsum_minedx"
    new = app_support.network_from_tables(tiny, t["facilities"], ex)
    problems = app_support.check_edited(new, BackgroundIndex.from_open_background())
    errors, _ = app_support.split_problems(problems)
    assert len(errors) == 1
    assert errors[0].location == (
        "Exchanges table, row 1 (id 'tiny-gypsum'), column 'displaced product (activity)'"
    )
    assert "gypsum_mined" in errors[0].message


def test_problem_lines_escape_markdown():
    lines = app_support.problem_lines([Problem("bad *value*", "f.yaml, a[0]")])
    assert lines == ["- **f\\.yaml\\, a\\[0\\]**: bad \\*value\\*"]


def test_network_bytes_round_trip(tiny, tmp_path):
    for fmt in ("yaml", "xlsx", "json"):
        data = app_support.network_bytes(tiny, fmt)
        assert app_support.read_uploaded(f"tiny.{fmt}", data).network == tiny
    assert app_support.template_bytes()[:2] == b"PK"


def test_read_uploaded_rejects_other_types():
    with pytest.raises(InputError) as info:
        app_support.read_uploaded("notes.txt", b"hello")
    assert "unsupported file type" in str(info.value)


def test_sdg_tile_and_text_colour():
    assert app_support.text_colour("#FCC30B") == "#1a1a1a"  # yellow goal 7: dark text
    assert app_support.text_colour("#3F7E44") == "#ffffff"
    tile = app_support.sdg_tile_html(13, "Climate <action>", "#3F7E44")
    assert ">13<" in tile and "CLIMATE &LT;ACTION&GT;" in tile


def test_result_views_from_a_hand_made_result(tiny):
    """Figures, tables and waterfall from a result built without Brightway."""
    from lcasym.calc.evaluate import ComponentScores
    from lcasym.results.assemble import assemble_result

    ids = [e.id for e in tiny.exchanges]
    methods = [("IPCC 2021", "climate change", "global warming potential (GWP100)")]
    # displaced D, treatment W, extra E per exchange (kg CO2-eq): tiny.yaml's hand numbers
    D = np.array([[[7793.06], [26181.73], [1913.00]]])
    W = np.array([[[1263.38], [0.0], [0.0]]])
    E = np.array([[[1252.66], [749.04], [2996.14]]])
    scores = _component_scores(ComponentScores, ids, methods, D, W, E)
    res = assemble_result(tiny, None, scores, units=["kg CO2-Eq"], provenance={
        "headline_method": " | ".join(methods[0])})  # fmt: skip
    figs = {f.key: f for f in app_support.headline_figures(res)}
    assert math.isclose(figs["ghg"].value, 32.15333, rel_tol=1e-6)
    assert figs["ghg"].unit == "t CO2-eq/yr"
    assert figs["water"].value == 10000
    assert figs["energy"].value == 100
    label = " | ".join(methods[0])
    ex = app_support.exchange_table(res, label)
    assert list(ex["exchange"]) == ["tiny-heat", "tiny-gypsum", "tiny-water"]
    assert math.isclose(ex["net"].sum(), 32.15333, rel_tol=1e-6)
    wf = app_support.waterfall_frame(ex)
    assert wf["kind"].tolist() == ["benefit", "benefit", "burden", "total"]
    assert math.isclose(wf["end"].iloc[-1], wf["end"].iloc[-2])
    fac = app_support.facility_table(res, label)
    assert math.isclose(fac["credit"].sum(), 32.15333, rel_tol=1e-6)
    impact = app_support.impact_table(res)
    assert impact.loc[0, "avoided"] == "32,153"
    goals = app_support.sdg_goals(res)
    assert goals[0].goal < goals[-1].goal
    assert any("contributes to target 13.2" in s for g in goals for s in g.statements)
    long = res.to_long_frame()
    only = app_support.filter_long(long, sections=["exchanges"], search="tiny-water")
    assert set(only["entity"]) == {"tiny-water"}
    prov = app_support.provenance_table(res.provenance)
    assert "headline method" in set(prov["item"])
    for fmt in ("csv", "json", "xlsx"):
        assert app_support.result_bytes(res, fmt)


def _component_scores(cls, ids, methods, D, W, E):
    return cls(
        methods=tuple(methods), exchange_ids=tuple(ids),
        facility_ids=("power", "board", "greenhouse"),
        extra_bearer=("board", "greenhouse", "greenhouse"),
        receivers=("board", "greenhouse", "greenhouse"), suppliers=("power", None, None),
        displaced=D, treatment=W, extra=E, transport=np.zeros_like(E), forgone=np.zeros_like(E),
        own=np.zeros((1, 3, 1)),
    )  # fmt: skip


def test_project_status_of_the_test_project(bw_project):
    status = app_support.project_status()
    assert status.ready, status.problems
    assert status.project == bw_project.project


@pytest.mark.slow
def test_demo_opens_kalundborg_in_one_click(bw_project):
    import streamlit as st

    st.cache_data.clear()
    at = _app(None)
    next(b for b in at.button if b.label == "Open the Kalundborg demo").click()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at.run(timeout=600)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["result"]
    head = at.metric[0]
    assert head.label == "Avoided GHG"
    totals = result.totals.set_index("method")
    avoided_t = totals.at[result.provenance["headline_method"], "avoided"] / 1000
    assert head.value != "–" and float(head.value.replace(",", "")) == pytest.approx(
        avoided_t, rel=0.05
    )  # rounded to what the P5–P95 supports (at most 2 significant figures of the width)
    # options are kept across pages
    at.switch_page("app_pages/data.py").run()
    at.switch_page("app_pages/results.py").run()
    assert at.session_state["app_options"]["draws"] == 200


@pytest.mark.slow
def test_opportunities_page_ranks_chooses_and_opens_a_network(bw_project):
    import streamlit as st

    st.cache_data.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at = _app("app_pages/opportunities.py")
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    ranked = at.dataframe[0].value
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1)) and len(ranked) >= 3
    # the list is ranked by avoided GHG at potential, largest first
    values = list(ranked["avoided at potential"])
    assert values == sorted(values, reverse=True)
    chosen = next(m for m in at.metric if m.label.startswith("Avoided GHG of the chosen"))
    assert chosen.value.endswith("t CO2-eq/yr")
    next(b for b in at.button if b.label.startswith("Open the picked set")).click()
    at.run()
    assert not at.exception
    net = at.session_state["network"]
    assert net.exchanges and all(x.status == "planned" for x in net.exchanges)


@pytest.mark.slow
def test_opportunities_are_added_to_the_current_network(bw_project, tiny):
    import streamlit as st

    st.cache_data.clear()
    at = _load_example(_app(), "tiny.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at.switch_page("app_pages/opportunities.py").run()
    assert not at.exception
    picked = at.multiselect(key="opportunities_picked")
    chosen = list(picked.value)
    assert len(chosen) >= 2
    picked.set_value(chosen[:2]).run()  # take two of the chosen set
    add = next(b for b in at.button if b.label.startswith("Add to the current network"))
    assert "Tiny synthetic network" in add.label
    add.click()
    at.run()
    assert not at.exception
    net = at.session_state["network"]
    # tiny keeps its three exchanges and facilities; the two picked ones come after (no
    # Kalundborg firm is a tiny facility, so nothing is "already there")
    assert [x.id for x in net.exchanges] == [x.id for x in tiny.exchanges] + chosen[:2]
    assert net.exchanges[:3] == tiny.exchanges
    assert all(x.status == "planned" for x in net.exchanges[3:])
    assert [f.id for f in net.facilities][:3] == [f.id for f in tiny.facilities]
    ends = {x.supplier for x in net.exchanges[3:]} | {x.receiver for x in net.exchanges[3:]}
    assert ends <= {f.id for f in net.facilities}
    # visible on the network page: the merge note and the new rows in the editor
    assert at.session_state.get("network") is net
    assert any("Opportunities merged" in s.value for s in at.success)
    editor = next(e for e in at.data_editor if e.key.startswith("exchanges_editor"))
    assert list(editor.value["id"]) == [x.id for x in net.exchanges]


def test_flagged_preview_counts_rows_as_the_editor_does(tiny):
    from lcasym.app_support import editor

    t = app_support.network_tables(tiny)
    blank = pd.DataFrame([dict.fromkeys(t["exchanges"].columns)])
    ex = pd.concat([t["exchanges"].iloc[:1], blank, t["exchanges"].iloc[1:]], ignore_index=True)
    ex.loc[3, "amount"] = -1.0  # the 3rd record (tiny-water) sits in frame row 3
    with pytest.raises(InputError) as info:
        app_support.network_from_tables(tiny, t["facilities"], ex)
    assert editor.problem_cells(info.value.problems, "exchanges") == {2: {"amount"}}
    assert editor.problem_cells(info.value.problems, "facilities") == {}
    assert app_support.flagged_preview(t["facilities"], "facilities", info.value.problems) is None
    frame = app_support.flagged_preview(ex, "exchanges", info.value.problems)
    css = frame._compute().ctx  # (row, col) -> [(property, value)]
    amber = {k for k, v in css.items() if ("background-color", editor.PROBLEM_CELL_COLOUR) in v}
    assert amber == {(3, list(editor.EXCHANGE_COLUMNS).index("amount"))}


def _tiny_with_coordinates() -> dict:
    """tiny.yaml with coordinates for two of its three facilities (invented, synthetic)."""
    net = yaml.safe_load((examples_dir() / "tiny.yaml").read_text(encoding="utf-8"))
    net["facilities"][0]["coordinates"] = {"lat": 55.66, "lon": 11.08}  # power
    net["facilities"][1]["coordinates"] = {"lat": 55.67, "lon": 11.10}  # board
    return net


def test_network_page_maps_facilities_with_coordinates():
    at = _app()
    data = yaml.safe_dump(_tiny_with_coordinates()).encode()
    _uploader(at).upload("mapped.yaml", data, "application/x-yaml")
    at.run()
    assert not at.exception
    import pyarrow as pa

    chart = next(c for c in at.get("vega_lite_chart") if '"mercator"' in c.proto.spec)
    spec = json.loads(chart.proto.spec)
    assert spec["projection"]["type"] == "mercator"
    datasets = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
    # the two facilities with coordinates, the one exchange between them (power -> board);
    # heat and water end at the greenhouse, which has none
    points = next(d for d in datasets if "name" in d)
    assert set(zip(points["name"], points["lat"], points["lon"], strict=True)) == {
        ("Power station (synthetic)", 55.66, 11.08),
        ("Plasterboard plant (synthetic)", 55.67, 11.10),
    }
    lines = next(d for d in datasets if "lat2" in d)
    assert lines[["id", "lon", "lat", "lon2", "lat2"]].values.tolist() == [
        ["tiny-gypsum", 11.08, 55.66, 11.10, 55.67]
    ]
    assert "url" not in json.dumps(spec)  # drawn offline: no data or tiles fetched
    caption = "\n".join(c.value for c in at.caption)
    assert "Not placed (no coordinates): Greenhouse" in caption
    assert "2 exchange(s) not drawn" in caption


def test_network_page_says_no_coordinates_given():
    at = _load_example(_app(), "tiny.yaml")
    assert not at.exception
    assert any("No coordinates given" in i.value for i in at.info)
    assert not any('"mercator"' in c.proto.spec for c in at.get("vega_lite_chart"))


def test_park_map_renders_offline_with_the_firm_names():
    from lcasym.io import network_from_dict
    from lcasym.presentation import figures

    net = network_from_dict(_tiny_with_coordinates(), "mapped.yaml")
    frames = figures.map_frames(net)
    assert frames.without_coordinates == ("Greenhouse (synthetic)",)
    assert frames.exchanges_left_out == 2  # tiny-heat and tiny-water end at the greenhouse
    svg = figures.chart_svg(figures.park_map(frames))  # vl-convert: no data URL, no fetch
    assert "Power station (synthetic)" in svg and "Plasterboard plant (synthetic)" in svg
    assert figures.park_map(figures.map_frames(network_from_dict(
        yaml.safe_load((examples_dir() / "tiny.yaml").read_text(encoding="utf-8")), "t"
    ))) is None  # fmt: skip
