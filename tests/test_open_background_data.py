"""The shipped lcasym-open files load, validate and follow the data rules (no LCA here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lcasym.background.open_data import (
    OPEN_DB_NAME,
    default_directory,
    load_open_background,
    open_background_version,
    to_brightway_data,
    validate_open_background,
)
from lcasym.errors import DataFileError

REQUIRED_GROUPS = {
    "heat",
    "fuels",
    "electricity",
    "transport",
    "minerals",
    "chemicals",
    "fertilisers",
    "feed",
    "water",
    "waste_treatment",
}


@pytest.fixture
def biosphere_codes(in_bw_project):
    """code -> (name, categories, unit) of biosphere3 in the session test project."""
    from lcasym.background.open_data import biosphere_codes_from_project

    return biosphere_codes_from_project()


@pytest.fixture(scope="module")
def data():
    return load_open_background()


def test_shipped_files_validate_against_biosphere3(data, biosphere_codes):
    assert len(biosphere_codes) > 4000
    assert validate_open_background(data, biosphere_codes) == []


def test_metadata_version_and_basis(data):
    assert data.metadata["name"] == OPEN_DB_NAME
    assert data.version == open_background_version() == str(data.metadata["version"])
    basis = data.metadata["electricity_accounting_basis"].lower()
    assert "life-cycle" in basis and "generat" in basis and "2023" in basis
    assert "28" in data.metadata["gwp_convention_for_splits"]


def test_at_least_40_activities_and_all_groups(data):
    assert len(data.activities) >= 40
    assert set(data.activities["group"]) >= REQUIRED_GROUPS
    assert data.activities["code"].is_unique


def test_every_exchange_has_a_source_with_a_licence(data):
    licences = dict(zip(data.sources["source_id"], data.sources["licence"], strict=True))
    for ids in data.exchanges["source_id"]:
        parts = [p.strip() for p in ids.split(";") if p.strip()]
        assert parts, "exchange without source"
        for sid in parts:
            assert licences.get(sid), f"source {sid!r} missing or without licence"


def test_every_flow_code_matches_its_name_and_categories(data, biosphere_codes):
    bio = data.exchanges[data.exchanges["type"] == "biosphere"]
    assert len(bio) > 50
    for row in bio.itertuples():
        name, cats, unit = biosphere_codes[row.target]
        assert (name, "::".join(cats), unit) == (
            row.target_name,
            row.target_categories,
            row.unit,
        )


def test_no_ecoinvent_or_iea_in_sources(data):
    text = " ".join(data.sources["citation"]) + " " + " ".join(data.sources["licence"])
    assert "ecoinvent" not in text.lower()
    assert not any(word.strip(".,;()'") == "IEA" for word in text.split())


def test_desnz_gas_columns_are_divided_by_ar5_gwps(data):
    # DESNZ gas columns are kg CO2e OF each gas: CH4 rows must be /28 and N2O rows /265,
    # otherwise the LCIA would characterise a CO2e a second time.
    ex = data.exchanges
    desnz = ex[ex["source_id"] == "DESNZ-2025"]
    for row in desnz[desnz["target_name"] == "Methane, fossil"].itertuples():
        assert "/ 28" in row.derivation, row
    for row in desnz[desnz["target_name"] == "Dinitrogen monoxide"].itertuples():
        assert "/ 265" in row.derivation, row
    # e.g. rail freight N2O: 0.00028 kg CO2e / 265 = 1.0566e-6 kg N2O per t·km
    rail = ex[
        (ex["activity"] == "transport_rail_freight") & (ex["target_name"] == "Dinitrogen monoxide")
    ]
    assert rail["amount"].iloc[0] == pytest.approx(0.00028 / 265, rel=1e-5)


def test_electricity_years_and_latest_common_alias(data):
    codes = set(data.activities["code"])
    for region in ("dk", "de", "eu27", "us", "cn", "world"):
        assert {f"electricity_grid_{region}", f"electricity_grid_{region}_2022"} <= codes
        assert f"electricity_grid_{region}_2023" in codes
    assert "electricity_grid_eu27_2024" not in codes  # no EU-27 2024 row in Ember 2025
    alias = data.exchanges[data.exchanges["activity"] == "electricity_grid_dk"]
    assert list(alias["target"]) == ["electricity_grid_dk_2023"]
    # Ember 2025 via OWID: Denmark 2023 = 149.80719 g CO2e/kWh -> 0.14980719 kg
    dk = data.exchanges[data.exchanges["activity"] == "electricity_grid_dk_2023"]
    assert dk["amount"].iloc[0] == pytest.approx(0.14980719)


def test_to_brightway_data_structure(data):
    db = to_brightway_data(data)
    assert len(db) == len(data.activities)
    act = db[(OPEN_DB_NAME, "clinker")]
    assert act["type"] == "process" and act["lcasym_group"] == "minerals"
    assert act["lcasym_version"] == data.version
    prod = [e for e in act["exchanges"] if e["type"] == "production"]
    assert prod == [
        {
            "input": (OPEN_DB_NAME, "clinker"),
            "amount": 1.0,
            "type": "production",
            "unit": "kilogram",
        }
    ]
    tri = [e for e in act["exchanges"] if e.get("uncertainty type") == 5]
    # IPCC clinker process CO2: mode 0.52, range 0.507-0.52
    assert [(e["loc"], e["minimum"], e["maximum"]) for e in tri] == [(0.52, 0.507, 0.52)]
    assert all(e["comment"].startswith(e["source_id"]) for e in act["exchanges"][1:])
    bio_inputs = {e["input"][0] for e in act["exchanges"] if e["type"] == "biosphere"}
    assert bio_inputs == {"biosphere3"}


# ----------------------------------------------------------------------- broken copies
def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "open_background"
    shutil.copytree(default_directory(), target)
    return target


def _edit(folder: Path, name: str, fn) -> None:
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    fn(frame)
    frame.to_csv(folder / name, index=False)


def _problems(folder: Path, biosphere_codes) -> list[str]:
    return validate_open_background(load_open_background(folder), biosphere_codes)


def test_validator_catches_dangling_link(tmp_path, biosphere_codes):
    folder = _copy(tmp_path)

    def fn(f):
        i = f.index[f["type"] == "technosphere"][0]
        f.loc[i, "target"] = "no_such_activity"

    _edit(folder, "exchanges.csv", fn)
    problems = _problems(folder, biosphere_codes)
    assert len(problems) == 1 and "dangling link" in problems[0]


def test_validator_catches_missing_source(tmp_path, biosphere_codes):
    folder = _copy(tmp_path)
    _edit(
        folder,
        "sources.csv",
        lambda f: f.drop(f.index[f["source_id"] == "EMBER-2025"], inplace=True),
    )
    problems = _problems(folder, biosphere_codes)
    assert problems and all("'EMBER-2025' is not in sources.csv" in p for p in problems)


def test_validator_catches_bad_flow_code(tmp_path, biosphere_codes):
    folder = _copy(tmp_path)

    def fn(f):
        i = f.index[f["type"] == "biosphere"][0]
        f.loc[i, "target"] = "00000000-0000-0000-0000-000000000000"
        j = f.index[f["type"] == "biosphere"][1]
        f.loc[j, "target_name"] = "Carbon dioxide, made up"

    _edit(folder, "exchanges.csv", fn)
    problems = _problems(folder, biosphere_codes)
    assert len(problems) == 2
    assert "is not in biosphere3" in problems[0]
    assert "not 'Carbon dioxide, made up'" in problems[1]


def test_validator_catches_bad_unit_and_amount(tmp_path, biosphere_codes):
    folder = _copy(tmp_path)
    _edit(folder, "activities.csv", lambda f: f.loc.__setitem__((0, "unit"), "bananas"))

    def fn(f):
        f.loc[1, "amount"] = "nan"

    _edit(folder, "exchanges.csv", fn)
    problems = _problems(folder, biosphere_codes)
    assert any("unknown unit 'bananas'" in p for p in problems)
    assert any("not a finite number" in p for p in problems)


def test_missing_file_raises(tmp_path):
    folder = _copy(tmp_path)
    (folder / "sources.csv").unlink()
    with pytest.raises(DataFileError, match=r"sources\.csv"):
        load_open_background(folder)
