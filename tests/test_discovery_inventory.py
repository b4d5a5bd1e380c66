"""Operations inventories: YAML/JSON/Excel round trips, located errors, schema, template."""

from __future__ import annotations

import json

import jsonschema
import openpyxl
import pytest
import yaml
from discovery_helpers import facility, inventory

from lcasym.discovery.model import OperationsInventory
from lcasym.discovery.reading import (
    inventory_from_dict,
    load_inventory,
    read_inventory,
    write_inventory,
)
from lcasym.discovery.schema import (
    MARKERS,
    SCHEMA_FILE,
    field_reference_markdown,
    inventory_schema_text,
    synergy_table_markdown,
)
from lcasym.errors import InputError
from lcasym.paths import examples_dir


def rich_data() -> dict:
    data = inventory(
        [
            facility(
                "plant",
                offers=[
                    {
                        "id": "heat",
                        "flow": "waste_heat",
                        "amount": 20000,
                        "unit": "MWh",
                        "temperature": 90,
                        "hours_per_year": 8000,
                        "cogeneration": True,
                        "source": "operator, 2023",
                    },
                    {
                        "id": "gyp",
                        "flow": "fgd_gypsum",
                        "amount": 5e4,
                        "unit": "t",
                        "quality": "plasterboard",
                        "currently": "landfill_inert",
                        "disposal_cost": 20.5,
                    },
                    {
                        "id": "sludge",
                        "flow": "biosludge",
                        "amount": 9000,
                        "unit": "t",
                        "properties": {"nitrogen_fraction": 0.004},
                    },
                ],
                coordinates={"lat": 55.66, "lon": 11.09},
            ),
            facility(
                "board",
                needs=[
                    {
                        "id": "gyp-need",
                        "flow": "gypsum",
                        "amount": 4e4,
                        "unit": "t",
                        "quality": "plasterboard",
                        "price": 12.0,
                        "min_amount": 1000,
                        "must_be_met": True,
                    },
                    {
                        "id": "dry",
                        "flow": "drying_heat",
                        "amount": 3000,
                        "unit": "GJ",
                        "temperature": "373.15 K",
                    },
                ],
            ),
        ],
        [("plant", "board", 1.2)],
    )
    data["park"]["transport_cost"] = 0.08
    data["park"]["sources"] = ["a; b", "c"]
    return data


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_roundtrip_is_lossless(tmp_path, suffix):
    loaded = inventory_from_dict(rich_data(), "x.yaml")
    path = tmp_path / f"inventory{suffix}"
    write_inventory(loaded.inventory, path)
    again = read_inventory(path)
    assert again == loaded.inventory
    # A temperature given in kelvin is stored in °C: 373.15 K = 100 °C.
    assert again.facility("board").needs[1].temperature == pytest.approx(100.0)


def test_excel_has_a_readme_and_one_sheet_per_record_type(tmp_path):
    path = tmp_path / "inv.xlsx"
    write_inventory(inventory_from_dict(rich_data(), "x").inventory, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["README", "park", "facilities", "offers", "needs", "distances"]
    readme = [row[1] for row in wb["README"].iter_rows(values_only=True)]
    columns = ("flow", "temperature", "currently.code", "price", "properties.nitrogen_fraction")
    for column in columns:
        assert column in readme


def test_template_is_blank_and_reads_back_with_located_missing_content(tmp_path):
    from lcasym.discovery.workbook import write_inventory_workbook

    path = tmp_path / "t.xlsx"
    write_inventory_workbook(None, path)
    with pytest.raises(InputError) as err:
        load_inventory(path)
    text = str(err.value)
    assert "t.xlsx, sheet 'park'" in text and "'id' is missing" in text
    assert "no facilities given" in text


def test_excel_problems_are_located_by_sheet_row_and_column(tmp_path):
    path = tmp_path / "inv.xlsx"
    write_inventory(inventory_from_dict(rich_data(), "x").inventory, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["offers"]
    columns = [c.value for c in ws[1]]
    ws.cell(row=2, column=columns.index("flow") + 1, value="waste_heet")
    ws.cell(row=3, column=columns.index("amount") + 1).value = None
    wb.save(path)
    with pytest.raises(InputError) as err:
        load_inventory(path)
    text = str(err.value)
    assert "sheet 'offers', row 3 (facility 'plant'), field 'amount'" in text
    assert "give the quantity per year" in text
    # The knowledge-base rules run once every record is valid.
    ws.cell(row=3, column=columns.index("amount") + 1).value = 5e4
    wb.save(path)
    with pytest.raises(InputError) as err:
        load_inventory(path)
    text = str(err.value)
    assert "sheet 'offers', row 2 (facility 'plant'), field 'flow'" in text
    assert "did you mean 'waste_heat'?" in text


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        # unknown flow type: did you mean, against the knowledge base
        (
            lambda d: d["facilities"][0]["offers"][1].update(flow="fgd_gipsum"),
            "facilities[0] (id 'plant').offers[1] (id 'gyp').flow",
            "did you mean 'fgd_gypsum'?",
        ),
        # a flow on the wrong side
        (
            lambda d: d["facilities"][1]["needs"][0].update(flow="fgd_gypsum"),
            "needs[0] (id 'gyp-need').flow",
            "'fgd_gypsum' is not something a facility can need",
        ),
        # a need without quantity
        (
            lambda d: d["facilities"][1]["needs"][0].pop("amount"),
            "needs[0] (id 'gyp-need').amount",
            "give the quantity per year",
        ),
        # a temperature in the wrong unit
        (
            lambda d: d["facilities"][0]["offers"][0].update(temperature="90 bar"),
            "offers[0] (id 'heat').temperature",
            "'90 bar' is not a temperature",
        ),
        # a kelvin value typed as °C
        (
            lambda d: d["facilities"][0]["offers"][0].update(temperature=2363),
            "offers[0] (id 'heat').temperature",
            "is it in the wrong unit?",
        ),
        # coordinates out of range
        (
            lambda d: d["facilities"][0].update(coordinates={"lat": 95, "lon": 11}),
            "facilities[0] (id 'plant').coordinates.lat",
            "lat must be <= 90",
        ),
        # unit that does not fit the flow
        (
            lambda d: d["facilities"][0]["offers"][1].update(unit="MWh"),
            "offers[1] (id 'gyp').unit",
            "does not fit 'fgd_gypsum', which is measured as mass",
        ),
        # unknown quality grade
        (
            lambda d: d["facilities"][0]["offers"][1].update(quality="plasterbord"),
            "offers[1] (id 'gyp').quality",
            "did you mean 'plasterboard'?",
        ),
        # heat without temperature
        (
            lambda d: d["facilities"][0]["offers"][0].pop("temperature"),
            "offers[0] (id 'heat').temperature",
            "needs a temperature",
        ),
        # field typo
        (
            lambda d: d["facilities"][1]["needs"][0].update(prize=3),
            "needs[0] (id 'gyp-need').prize",
            "did you mean 'price'?",
        ),
        # unknown property
        (
            lambda d: d["facilities"][0]["offers"][2]["properties"].update(nitrogen=0.1),
            "properties.nitrogen",
            "did you mean 'nitrogen_fraction'?",
        ),
        # distance to an unknown facility
        (lambda d: d["distances"][0].update(b="bord"), "distances[0].b", "did you mean 'board'?"),
        # duplicate ids across the file
        (
            lambda d: d["facilities"][1]["needs"][1].update(id="gyp"),
            "needs[1] (id 'gyp').id",
            "is used twice",
        ),
        # min_amount above the amount
        (
            lambda d: d["facilities"][1]["needs"][0].update(min_amount=5e4),
            "needs[0] (id 'gyp-need')",
            "lower min_amount",
        ),
    ],
)
def test_bad_input_is_located(change, where, message):
    data = rich_data()
    change(data)
    with pytest.raises(InputError) as err:
        inventory_from_dict(data, "inv.yaml")
    text = str(err.value)
    assert f"inv.yaml, {where}" in text or where in text, text
    assert message in text, text


def test_every_problem_at_once():
    data = rich_data()
    data["facilities"][0]["offers"][0]["temperature"] = "hot"
    data["facilities"][0]["offers"][1]["flow"] = "gipsum"
    data["facilities"][1]["needs"][0]["amount"] = -1
    with pytest.raises(InputError) as err:
        inventory_from_dict(data, "inv.yaml")
    # The model's problems come first; the knowledge-base rules run once the model holds.
    assert len([p for p in err.value.problems if p.severity == "error"]) == 2
    data["facilities"][0]["offers"][0]["temperature"] = 90
    data["facilities"][1]["needs"][0]["amount"] = 1
    data["facilities"][1]["needs"][0]["min_amount"] = None
    with pytest.raises(InputError) as err:
        inventory_from_dict(data, "inv.yaml")
    assert "unknown flow type 'gipsum'" in str(err.value)


def test_warnings_do_not_block():
    data = rich_data()
    data["facilities"].append(facility("lonely", offers=[
        {"id": "steam", "flow": "steam", "amount": 5000, "unit": "t"}]))  # fmt: skip
    loaded = inventory_from_dict(data, "inv.yaml")
    texts = [str(p) for p in loaded.warnings]
    assert any("no coordinates and no distance row" in t for t in texts)
    assert any("steam without 'pressure_bar'" in t for t in texts)


def test_schema_is_current_and_accepts_files(tmp_path):
    from lcasym.paths import shipped_path

    docs = shipped_path("examples").parent / "docs"
    assert (docs / SCHEMA_FILE).read_text(encoding="utf-8") == inventory_schema_text(), (
        "regenerate with: python -m lcasym.discovery.schema"
    )
    text = (docs / "opportunities.md").read_text(encoding="utf-8")
    for name, body in (("fields", field_reference_markdown()),
                       ("synergies", synergy_table_markdown())):  # fmt: skip
        start, end = MARKERS[name]
        assert f"{start}\n{body}{end}" in text, "regenerate: python -m lcasym.discovery.schema"
    schema = json.loads(inventory_schema_text())
    jsonschema.validate(rich_data(), schema)
    path = tmp_path / "x.yaml"
    write_inventory(inventory_from_dict(rich_data(), "x").inventory, path)
    jsonschema.validate(yaml.safe_load(path.read_text()), schema)


@pytest.mark.parametrize("name", ["kalundborg_before.yaml", "synthetic_park.yaml"])
def test_shipped_inventories_read(name):
    inv = read_inventory(examples_dir() / name)
    assert isinstance(inv, OperationsInventory)
    for _f, item in inv.offers() + inv.needs():
        assert item.source, f"{item.id} has no source"
