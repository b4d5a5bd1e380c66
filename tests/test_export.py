"""Tidy exports: the column contract, the data package round trip, the workbook, the caps.

The result is the hand-made network of ``test_results.py`` (no Brightway): GWP avoided
3920 kg CO2-eq (baseline 4320, symbiosis 400), exchange ``gyp`` net 1400, ``heat`` net
2520; the receiver rule gives PB 1400 − 500 = 900 and FF 2520, PP the treatment 500.
"""

from __future__ import annotations

import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from test_results import GWP, build, fake_mc, network, stand_in_index

from lcasym.inventory.plan import plan_foreground
from lcasym.results.export import (
    CONTRACT_VERSION,
    TABLE_SPECS,
    export_result,
    read_datapackage,
    tidy_tables,
    write_datapackage,
)
from lcasym.results.export import workbook as workbook_module

# Version 1 of the export contract, frozen: a column listed here may not go missing or
# change type without raising the major version (docs/results.md, "Exports").
CONTRACT_V1 = {
    "totals": "method method_family method_category method_indicator unit reference "
    "with_exchanges avoided relative_reduction coverage",
    "exchanges": "exchange supplier receiver kind flow status method unit displaced treatment "
    "gross extra forgone net direct upstream supplier_credit receiver_credit extra_bearer "
    "coverage",
    "facilities": "facility name method unit rule credit own_inventory",
    "credits_by_rule": "facility name method unit rule credit",
    "contributions": "exchange component component_activity method unit rank activity "
    "database code score share",
    "indicators": "indicator entity_type entity unit value description",
    "indicator_exchanges": "indicator entity_type entity exchange",
    "sdg": "id goal goal_name colour target un_indicator indicator_description basis method "
    "indicator unit reference with_exchanges contribution statement status rationale source",
    "uncertainty": "entity_type entity quantity method unit deterministic P5 P50 P95 mean sd "
    "probability_better outside_interval draws seed",
    "sensitivity": "analysis method parameter measure value",
    "flags": "entity_type entity method flag detail",
    "samples": "draw entity_type entity quantity method unit value",
    "long": "table entity_type entity method unit quantity statistic value",
}


def mc_result():
    """The hand result with three draws of the heat amount: 0, 10 and 20 MWh."""
    plan = plan_foreground(network(), stand_in_index())
    names = [p.name for p in plan.parameters]
    draws = np.repeat(np.array([p.value for p in plan.parameters])[None, :], 3, axis=0)
    draws[:, names.index("heat.amount")] = [0.0, 10.0, 20.0]
    return build(mc=fake_mc(draws), provenance={"draws": 3, "seed": 7, "network_id": "hand"})


def test_contract_v1_columns_are_kept():
    assert CONTRACT_VERSION.split(".")[0] == "1"
    for table, columns in CONTRACT_V1.items():
        assert table in TABLE_SPECS, f"table {table} left the contract"
        names = TABLE_SPECS[table].names
        missing = [c for c in columns.split() if c not in names]
        assert not missing, f"{table}: {missing} removed or renamed (a major version)"


def test_every_exported_column_is_in_the_spec_with_type_and_description():
    result = mc_result()
    for name, frame in tidy_tables(result).items():
        spec = TABLE_SPECS[name]
        assert list(frame.columns) == spec.names
        assert all(c.description and c.type for c in spec.columns)
        if spec.primary_key and not frame.empty:
            assert not frame.duplicated(list(spec.primary_key)).any(), name
            assert not frame[list(spec.primary_key)].isna().any().any(), name


def test_same_column_means_the_same_thing():
    # 'target' is an SDG target only; 'method' a method label wherever it appears.
    tables = tidy_tables(mc_result())
    for name, frame in tables.items():
        if "method" in frame:  # method labels "family | category | indicator" only
            assert frame["method"].dropna().str.contains(" | ", regex=False).all(), name
        if "entity_type" in frame:
            assert set(frame["entity_type"]) <= {"network", "exchange", "facility"}, name
    assert "target" not in tables["contributions"]
    sdg = tables["sdg"]
    lcia = sdg["basis"] == "lcia"
    assert sdg.loc[lcia, "indicator"].isna().all()
    assert sdg.loc[~lcia, "method"].isna().all()


def test_long_table_is_tidy_and_holds_the_hand_numbers():
    long = mc_result().to_long_frame()
    key = ["entity_type", "entity", "method", "quantity", "statistic"]
    assert not long.duplicated(key).any()

    def one(**where):
        mask = np.logical_and.reduce([long[k] == v for k, v in where.items()])
        assert mask.sum() == 1, where
        return long[mask]["value"].iloc[0]

    avoided = one(entity="network", method=GWP, quantity="avoided", statistic="value")
    assert avoided == pytest.approx(3920)
    assert one(entity="PB", method=GWP, quantity="credit", statistic="value") == pytest.approx(900)
    assert one(entity="gyp", method=GWP, quantity="net", statistic="value") == pytest.approx(1400)
    # avoided draws 1400, 3920, 6440: P5 = 1400 + 0.1 · 2520 = 1652 (test_results.py)
    p5 = one(entity_type="network", method=GWP, quantity="avoided", statistic="P5")
    assert p5 == pytest.approx(1652)
    # 2 methods × (4 totals + 2 exchanges × 10 + 3 facilities × 2) value rows
    assert (long["statistic"] == "value").sum() == 2 * (4 + 20 + 6)


def test_indicator_exchanges_unpack_the_list():
    links = tidy_tables(build())["indicator_exchanges"]
    diverted = links[links["indicator"] == "waste_diverted"]
    assert list(diverted["exchange"]) == ["gyp"]  # the only exchange with a treatment
    counted = links[links["indicator"] == "exchanges"]
    assert sorted(counted["exchange"]) == ["gyp", "heat"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_data_package_round_trips_through_pandas(tmp_path, fmt):
    result = mc_result()
    files = write_datapackage(result, tmp_path / "pkg")
    assert files[-1].name == "datapackage.json"
    back = read_datapackage(tmp_path / "pkg", fmt=fmt)
    expected = tidy_tables(result)
    assert set(back) == set(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(back[name], frame, check_categorical=False, obj=name)
    totals = back["totals"]
    assert totals.loc[totals["method"] == GWP, "avoided"].iloc[0] == pytest.approx(3920)


def test_descriptor_is_a_tabular_data_package(tmp_path):
    result = mc_result()
    write_datapackage(result, tmp_path)
    desc = json.loads((tmp_path / "datapackage.json").read_text())
    assert desc["profile"] == "tabular-data-package"
    assert re.fullmatch(r"[a-z0-9._-]+", desc["name"])
    names = [r["name"] for r in desc["resources"]]
    assert len(names) == len(set(names))
    for res in desc["resources"]:
        assert re.fullmatch(r"[a-z0-9._-]+", res["name"])
        assert (tmp_path / res["path"]).is_file()
        fields = [f["name"] for f in res["schema"]["fields"]]
        assert set(res["schema"].get("primaryKey", [])) <= set(fields)
        types = {f["type"] for f in res["schema"]["fields"]}
        assert types <= {"string", "number", "integer", "boolean"}
    unc = next(r for r in desc["resources"] if r["name"] == "uncertainty")
    p5 = next(f for f in unc["schema"]["fields"] if f["name"] == "P5")
    assert p5["unit"].startswith("the row's unit") and p5["description"]
    assert desc["lcasym"]["contract_version"] == CONTRACT_VERSION
    assert desc["lcasym"]["provenance"]["seed"] == 7


def test_data_package_replaces_its_own_files_only(tmp_path):
    result = build()
    write_datapackage(result, tmp_path)
    (tmp_path / "my_notes.txt").write_text("mine")
    write_datapackage(result, tmp_path, tables=["totals"], formats=["csv"])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["datapackage.json", "my_notes.txt", "totals.csv"]


def test_text_that_looks_like_a_number_or_na_stays_text(tmp_path):
    result = build(provenance={"network_id": "hand"})
    flags = pd.DataFrame({"entity": ["NA"], "method": [""], "flag": ["placeholder"],
                          "detail": ["1e5"]})  # fmt: skip
    from dataclasses import replace

    write_datapackage(replace(result, flags=flags), tmp_path, formats=["csv"])
    back = read_datapackage(tmp_path)["flags"]
    assert back["entity"].iloc[0] == "NA" and back["detail"].iloc[0] == "1e5"
    assert back["method"].isna().iloc[0]  # empty = every method


def test_workbook_opens_on_a_summary_in_tonnes(tmp_path):
    path = tmp_path / "r.xlsx"
    report = export_result(build(provenance={"network_name": "Hand network"}), path)
    assert report.left_out == ()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "summary"
    assert {"totals", "exchanges", "facilities", "columns", "provenance"} <= set(wb.sheetnames)
    assert "long" not in wb.sheetnames
    rows = {r[0]: r[1:] for r in wb["summary"].iter_rows(values_only=True) if r[0]}
    # 3920 kg → 3.92 t (3 significant figures: no interval)
    avoided = rows["Avoided (reference − with the exchanges)"]
    assert avoided[:2] == (3.92, "t CO2-eq/yr")
    assert rows["P5–P95 interval"][0] == "no uncertainty data"
    assert rows["gyp"][3] == 1.4  # top exchange net, t
    ex = wb["exchanges"]
    assert ex.freeze_panes == "A2" and ex.auto_filter.ref == "A1:T5"


def test_workbook_interval_is_rounded_to_its_width(tmp_path):
    path = tmp_path / "r.xlsx"
    export_result(mc_result(), path)
    rows = {r[0]: r[1:] for r in openpyxl.load_workbook(path)["summary"].iter_rows(values_only=True)
            if r[0]}  # fmt: skip
    # P5–P95 = 1652 … 6188 kg: width 4.536 t → step 0.1 t; avoided 3.92 → 3.9
    assert rows["Avoided (reference − with the exchanges)"][0] == 3.9
    assert rows["P5 (5th percentile)"][0] == 1.7
    assert rows["P95 (95th percentile)"][0] == 6.2


def test_workbook_caps_a_sheet_at_the_row_limit_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_module, "EXCEL_MAX_ROWS", 3)
    path = tmp_path / "r.xlsx"
    report = export_result(build(), path)
    left = {x.table: x for x in report.left_out}
    # exchanges: 2 exchanges × 2 methods = 4 rows, 1 left out
    assert (left["exchanges"].rows, left["exchanges"].total) == (1, 4)
    wb = openpyxl.load_workbook(path)
    assert wb["exchanges"].max_row == 4  # header + 3
    notes = [r[0] for r in wb["notes"].iter_rows(min_row=2, values_only=True)]
    assert any("'exchanges' holds the first 3 of 4 rows" in n for n in notes)
    summary = [r[0] for r in wb["summary"].iter_rows(values_only=True) if r[0]]
    assert "Left out of this workbook" in summary


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        build().export(tmp_path / "out.parquet")


def test_folder_without_suffix_gets_the_data_package(tmp_path):
    path = build().export(tmp_path / "tables")
    assert (path / "datapackage.json").is_file() and (path / "totals.parquet").is_file()


def test_repr_is_short_and_html_is_escaped():
    result = build(provenance={"network_name": "<b>Hand</b>", "reporting_year": 2020})
    text = repr(result)
    assert "\n" not in text and len(text) < 400
    assert "3.92 t CO2-eq/yr" in text and "no uncertainty data" in text
    html = result._repr_html_()
    assert "<b>Hand</b>" not in html and "&lt;b&gt;Hand&lt;/b&gt;" in html


@pytest.mark.slow
def test_run_writes_the_data_package(bw_project, tmp_path):
    import os
    import subprocess
    import sys

    from lcasym.paths import examples_dir

    gwp = "IPCC 2021|climate change|global warming potential (GWP100)"
    proc = subprocess.run(
        [sys.executable, "-m", "lcasym", "run", str(examples_dir() / "tiny.yaml"), "-o", "out",
         "-f", "tables", "-f", "xlsx", "-m", gwp, "-n", "0"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ}, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["tiny_results.xlsx", "tiny_tables"]
    tables = read_datapackage(out / "tiny_tables", fmt="parquet")
    # examples/tiny.yaml's header: 7,803.78 + 25,432.69 − 1,083.14 = 32,153.33 kg CO2-eq
    assert tables["totals"]["avoided"].iloc[0] == pytest.approx(32_153.33, rel=1e-6)
    assert tables["exchanges"]["net"].sum() == pytest.approx(32_153.33, rel=1e-6)


def test_indicator_exchanges_from_long_lists_and_empty_cells():
    """One row per listed exchange; blank or missing lists give none; spaces are trimmed.

    ``n`` is a network-wide indicator over 2,000 exchanges (x0 … x1999): 2,000 rows, each
    with indicator n, entity network; ``f`` one facility row over "a, b"; the empty and the
    missing lists add nothing: 2,002 rows.
    """
    from types import SimpleNamespace

    from lcasym.results.export.tidy import indicator_exchanges

    many = ",".join(f"x{i}" for i in range(2000))
    frame = pd.DataFrame({
        "indicator": ["n", "f", "g", "h"], "entity": ["network", "F1", "F2", "F3"],
        "exchanges": [many, "a, b", "", None],
    })  # fmt: skip
    links = indicator_exchanges(SimpleNamespace(indicators=frame))
    assert len(links) == 2002
    assert list(links.columns) == ["indicator", "entity_type", "entity", "exchange"]
    net = links[links["indicator"] == "n"]
    assert set(net["entity_type"]) == {"network"} and list(net["exchange"])[-1] == "x1999"
    fac = links[links["indicator"] == "f"]
    assert list(fac["exchange"]) == ["a", "b"] and set(fac["entity_type"]) == {"facility"}


@pytest.mark.parametrize("indent", [1, 2])
def test_json_written_one_table_at_a_time_equals_one_dump(indent):
    """The streamed JSON (files and the report's attachment) is byte for byte
    ``json.dumps(result.to_json_dict(), indent=indent)``."""
    import json

    from lcasym.results.export.jsonfile import json_bytes

    for result in (build(), mc_result()):
        expected = json.dumps(result.to_json_dict(), indent=indent).encode("utf-8")
        assert json_bytes(result, indent) == expected
