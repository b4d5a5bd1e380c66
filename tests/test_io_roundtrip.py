"""Reading and writing networks: lossless round-trips, located errors, the template, schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
import yaml

from lcasym.errors import InputError
from lcasym.io import load_network, network_from_dict, read_network, write_network
from lcasym.io.schema import END, START, field_reference_markdown, network_json_schema
from lcasym.io.template import write_template
from lcasym.network.model import SymbiosisNetwork

DOCS = Path(__file__).resolve().parents[1] / "docs"

RICH = {
    "network": {
        "id": "kal",
        "name": "Kalundborg",
        "reporting_year": 2023,
        "sources": ["a; b", "c"],
        "background": {"version": "2026.1"},
    },
    "facilities": [
        {
            "id": "123",  # an id that looks like a number
            "name": "Power",
            "sector": "energy",
            "coordinates": {"lat": 55.1, "lon": 11.0},
            "main_outputs": ["heat", "power"],
            "generates": [{"flow": "gypsum", "amount": 200.0, "unit": "t"}],
            "inventory": [{"activity": "coal", "amount": 5, "unit": "t"}],
        },
        {"id": "gyp", "name": "Gyproc", "sector": "board"},
    ],
    "exchanges": [
        {
            "id": "fgd",
            "supplier": "123",
            "receiver": "gyp",
            "kind": "material",
            "flow": "gypsum",
            "amount": 0.1 + 0.2,  # needs 17 significant digits
            "unit": "t",
            "displaces": {"activity": {"name": "gypsum mining", "location": "DK"}, "ratio": 1 / 3},
            "avoided_treatment": {"activity": "landfill"},
            "transport": [
                {"activity": "lorry", "distance": 15},
                {"activity": "ship", "distance": 100.5, "mass_per_unit": 1.2},
            ],
            "extra_inputs": [{"activity": "elec", "amount": 2, "unit": "kWh", "per": "year"}],
            "economics": {"price_paid": -3.5},
            "uncertainty": {"amount": {"distribution": "normal", "sd": 0.1}},
            "hazardous": True,
            "start_year": 1993,
            "status": "planned",
        }
    ],
    "custom_activities": [
        {
            "id": "grid",
            "name": "grid",
            "unit": "kWh",
            "exchanges": [
                {"flow": {"name": "CO2", "categories": ["air", "urban; x"]}, "amount": 0.15},
                {"activity": "coal", "amount": 0.2, "unit": "kg"},
            ],
        }
    ],
}


@pytest.fixture
def rich() -> SymbiosisNetwork:
    return SymbiosisNetwork.model_validate(copy.deepcopy(RICH))


@pytest.mark.parametrize("suffix", ["yaml", "yml", "json", "xlsx"])
def test_roundtrip_is_lossless(rich, tmp_path, suffix):
    path = tmp_path / f"net.{suffix}"
    write_network(rich, path)
    back = read_network(path)
    assert back.model_dump() == rich.model_dump()
    assert back.exchanges[0].amount == 0.1 + 0.2
    assert back.facilities[0].id == "123"
    assert back.facilities[1].location is None  # empty optional stays None
    assert back.exchanges[0].displaces.justification is None


def test_chain_yaml_json_excel_model(rich, tmp_path):
    write_network(rich, tmp_path / "a.yaml")
    write_network(read_network(tmp_path / "a.yaml"), tmp_path / "b.json")
    write_network(read_network(tmp_path / "b.json"), tmp_path / "c.xlsx")
    write_network(read_network(tmp_path / "c.xlsx"), tmp_path / "d.yaml")
    assert read_network(tmp_path / "d.yaml").model_dump() == rich.model_dump()
    assert (tmp_path / "a.yaml").read_text() == (tmp_path / "d.yaml").read_text()


def test_yaml_is_compact_and_quotes_numeric_ids(rich, tmp_path):
    write_network(rich, tmp_path / "n.yaml")
    text = (tmp_path / "n.yaml").read_text()
    assert "id: '123'" in text
    assert "activity: landfill" in text  # code-only activity written as a plain string
    assert "hazardous: true" in text and "groundwater" not in text  # defaults left out


def test_excel_layout(rich, tmp_path):
    write_network(rich, tmp_path / "n.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "n.xlsx")
    assert wb.sheetnames[:3] == ["README", "network", "facilities"]
    ws = wb["transport"]
    assert [c.value for c in ws[1]][:3] == ["exchange", "activity.code", "activity.database"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == ["fgd", "fgd"]
    assert wb["exchanges"].freeze_panes == "A2"
    sources = [r[1].value for r in wb["network"].iter_rows() if r[0].value == "sources"]
    assert sources == ["a; b", "c"]


def _edit(path: Path, sheet: str, column: str, row: int, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1).value = value
    wb.save(path)


def _problems(path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_network(path)
    return [str(p) for p in info.value.problems]


def test_excel_blank_required_cell_and_nan_are_located(rich, tmp_path):
    path = tmp_path / "kalundborg.xlsx"
    write_network(rich, path)
    _edit(path, "exchanges", "unit", 2, None)
    _edit(path, "exchanges", "amount", 2, "nan")
    _edit(path, "transport", "distance", 3, "#N/A")
    problems = _problems(path)
    assert (
        "kalundborg.xlsx, sheet 'exchanges', row 2 (id 'fgd'), field 'unit': "
        "required field 'unit' is missing: give a value"
    ) in problems
    nan = [p for p in problems if "field 'amount'" in p]
    assert len(nan) == 1 and "'nan' is not a number" in nan[0]  # no duplicate 'missing'
    assert any(
        "sheet 'transport', row 3 (exchange 'fgd'), field 'distance': the cell holds the "
        "Excel error #N/A" in p
        for p in problems
    )


def test_excel_wrong_sheet_column_key_and_parent(rich, tmp_path):
    path = tmp_path / "k.xlsx"
    write_network(rich, path)
    wb = openpyxl.load_workbook(path)
    wb["custom_activities"].title = "custom_activites"
    header = [c.value for c in wb["exchanges"][1]]
    wb["exchanges"].cell(row=1, column=header.index("notes") + 1).value = "amout"
    wb["network"].cell(row=4, column=1).value = "nmae"
    wb["transport"].cell(row=3, column=1).value = "fgdd"
    wb.save(path)
    problems = _problems(path)
    text = "\n".join(problems)
    assert (
        "sheet 'custom_activites': unknown sheet 'custom_activites': did you mean "
        "'custom_activities'?" in text
    )
    assert "sheet 'exchanges', row 1: unknown column 'amout': did you mean 'amount'?" in text
    assert "sheet 'network', row 4: unknown key 'nmae': did you mean 'name'?" in text
    assert (
        "sheet 'transport', row 3, field 'exchange': exchange 'fgdd' is not in sheet "
        "'exchanges': did you mean 'fgd'?" in text
    )
    assert "field 'name': required field 'name' is missing" in text  # all at once


def test_excel_formula_without_value_and_numeric_id(rich, tmp_path):
    path = tmp_path / "k.xlsx"
    write_network(rich, path)
    _edit(path, "exchanges", "displaces.ratio", 2, "=1/3")
    problems = _problems(path)
    assert any(
        "field 'displaces.ratio': the formula =1/3 has no computed value" in p for p in problems
    )
    _edit(path, "exchanges", "displaces.ratio", 2, 0.5)
    _edit(path, "facilities", "id", 3, 42)  # typed as a number in Excel
    _edit(path, "exchanges", "receiver", 2, 42)
    assert read_network(path).facilities[1].id == "42"


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a zip")
    assert "cannot open as an Excel .xlsx workbook" in _problems(path)[0]


def test_template_reads_back_with_only_missing_content(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    wb = openpyxl.load_workbook(path)
    assert "README" in wb.sheetnames and wb["exchanges"].data_validations.dataValidation
    problems = _problems(path)
    assert "t.xlsx, sheet 'facilities': no facilities given: add at least one" in problems
    assert "t.xlsx, sheet 'exchanges': no exchanges given: add at least one" in problems
    assert all("unknown" not in p for p in problems)
    assert len(problems) == 5  # network id, name, reporting_year + the two above


def test_template_lists_the_background_activities_in_a_dropdown(tmp_path):
    from openpyxl.utils import get_column_letter

    from lcasym.background.open_data import load_open_background

    path = tmp_path / "t.xlsx"
    listed = write_template(path)
    shipped = load_open_background().activities  # databases/open_background/activities.csv
    assert listed == len(shipped) > 0
    wb = openpyxl.load_workbook(path)
    ws = wb["background_activities"]
    header = [c.value for c in ws[1]]
    assert header == ["code", "database", "name", "reference product", "unit", "location",
                      "coverage"]  # fmt: skip
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(shipped)
    assert {r[0] for r in rows} == set(shipped["code"])
    gypsum = next(r for r in rows if r[0] == "gypsum_mined")
    csv = shipped.set_index("code").loc["gypsum_mined"]
    assert gypsum[1:6] == ("lcasym-open", csv["name"], csv["reference_product"], csv["unit"],
                           csv["location"])  # fmt: skip
    # the dropdowns of the activity-code columns refer to the code column, all rows
    exchanges = wb["exchanges"]
    columns = [c.value for c in exchanges[1]]
    source = f"=background_activities!$A$2:$A${len(rows) + 1}"
    by_source = [dv for dv in exchanges.data_validations.dataValidation if dv.formula1 == source]
    covered = {str(r).split(":")[0] for dv in by_source for r in dv.sqref.ranges}
    want = {"displaces.activity.code", "avoided_treatment.activity.code",
            "forgone_output.activity.code"}  # fmt: skip
    letters = {get_column_letter(columns.index(c) + 1) + "2" for c in want}
    assert covered == letters
    assert all(dv.type == "list" for dv in by_source)
    assert all(str(r).endswith("1000") for dv in by_source for r in dv.sqref.ranges)
    # values only: no formula anywhere in the activity sheet
    assert not any(isinstance(v, str) and v.startswith("=") for r in rows for v in r)


def test_template_activity_list_can_be_given(tmp_path):
    from lcasym.background.resolve import ActivityInfo

    mine = [
        ActivityInfo("my-db", "b_code", "Beta", "beta product", "kilogram", "DK"),
        ActivityInfo("my-db", "a_code", "=Alpha", None, "MJ", None, placeholder=True),
    ]
    path = tmp_path / "t.xlsx"
    assert write_template(path, mine) == 2
    wb = openpyxl.load_workbook(path)
    rows = list(wb["background_activities"].iter_rows(min_row=2, values_only=True))
    # sorted by name; a formula-like name is kept as text; coverage from the flags
    assert [r[0] for r in rows] == ["a_code", "b_code"]
    assert wb["background_activities"]["C2"].data_type == "s"
    assert rows[0][6] == "placeholder (zero burden)" and rows[1][6] == "not stated"


def test_yaml_typo_and_all_problems_at_once(tmp_path):
    data = copy.deepcopy(RICH)
    ex = data["exchanges"][0]
    ex["amout"] = ex.pop("amount")
    ex["kind"] = "materail"
    ex["displaces"]["ratio"] = -1
    data["facilities"][1]["id"] = 7
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(data))
    problems = _problems(path)
    assert (
        "net.yaml, exchanges[0] (id 'fgd').amout: unknown field 'amout': did you mean "
        "'amount'?" in problems
    )
    assert (
        "net.yaml, exchanges[0] (id 'fgd').amount: required field 'amount' is missing: "
        "give a value" in problems
    )
    assert any(
        "exchanges[0] (id 'fgd').kind: 'materail' is not allowed" in p
        and "did you mean 'material'" in p
        for p in problems
    )
    assert any("exchanges[0] (id 'fgd').displaces.ratio: ratio must be > 0" in p for p in problems)
    assert any(
        "facilities[1] (id '7').id: expected text, got the number 7: write it in quotes ('7')" in p
        for p in problems
    )


def test_yaml_syntax_error_and_duplicate_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("network:\n  id: a\n   name: b\n")
    assert "bad.yaml: YAML syntax error at line 3" in _problems(path)[0]
    path.write_text("network:\n  id: a\n  id: b\n")
    assert "the key 'id' is given twice" in _problems(path)[0]


def test_json_syntax_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"network": {"id": "a",}}')
    assert "JSON syntax error at line 1" in _problems(path)[0]


def test_unsupported_suffix_and_missing_file(rich, tmp_path):
    assert "unsupported file type '.txt'" in _problems(tmp_path / "a.txt")[0]
    assert "file not found" in _problems(tmp_path / "a.yaml")[0]
    with pytest.raises(InputError):
        write_network(rich, tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_nothing(rich, tmp_path, monkeypatch):
    import lcasym.io.yaml_json as yj

    def boom(network):
        raise RuntimeError("disk full")

    monkeypatch.setattr(yj, "dump_yaml", boom)
    with pytest.raises(RuntimeError):
        write_network(rich, tmp_path / "n.yaml")
    assert list(tmp_path.iterdir()) == []


def test_network_from_dict_top_level_not_mapping():
    with pytest.raises(InputError, match="expected a mapping"):
        network_from_dict(["a"], "x.yaml")


def test_read_network_runs_cross_record_rules(rich, tmp_path):
    data = rich.model_dump(mode="json")
    data["exchanges"][0]["receiver"] = "gyq"
    path = tmp_path / "n.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="receiver 'gyq' is not a facility: did you mean 'gyp'"):
        read_network(path)
    assert read_network(path, validate=False).exchanges[0].receiver == "gyq"


def test_schema_accepts_written_files_and_plain_codes(rich, tmp_path):
    schema = network_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    write_network(rich, tmp_path / "n.yaml")
    data = yaml.safe_load((tmp_path / "n.yaml").read_text())
    jsonschema.validate(data, schema)  # includes 'activity: landfill' (plain code)
    data["exchanges"][0]["amout"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_committed_docs_are_current():
    committed = json.loads((DOCS / "network.schema.json").read_text())
    assert committed == network_json_schema(), "run: python -m lcasym.io.schema"
    text = (DOCS / "network_format.md").read_text()
    generated = text.split(START, 1)[1].split(END, 1)[0]
    assert generated.strip() == field_reference_markdown().strip()


def test_docs_example_is_valid():
    from lcasym.background.resolve import BackgroundIndex
    from lcasym.network.validation import validate_network

    text = (DOCS / "network_format.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    network = network_from_dict(yaml.safe_load(example), "example")
    problems = validate_network(network, background=BackgroundIndex.from_open_background())
    assert [p for p in problems if p.severity == "error"] == []
