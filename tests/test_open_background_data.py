"""The shipped lcasym-open files load, validate and follow the data rules (no LCA here)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lcasym.background.open_data import (
    OPEN_DB_NAME,
    OpenBackground,
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
    assert "life-cycle" in basis and "generat" in basis and "2024" in basis
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


REGIONS = [
    "at",
    "be",
    "bg",
    "hr",
    "cy",
    "cz",
    "dk",
    "ee",
    "fi",
    "fr",
    "de",
    "gr",
    "hu",
    "ie",
    "it",
    "lv",
    "lt",
    "lu",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "si",
    "es",
    "se",
    "eu27",
    "no",
    "gb",
    "us",
    "cn",
    "in",
    "jp",
    "kr",
    "world",
]


def test_electricity_every_region_and_year_with_series(data):
    acts = data.activities.set_index("code")
    assert len(REGIONS) == 36  # 27 EU countries, EU-27, NO, GB, US, CN, IN, JP, KR, World
    for region in REGIONS:
        series = f"electricity_grid_{region}"
        assert acts.loc[series, "series"] == series and acts.loc[series, "year"] == ""
        for year in range(2000, 2025):
            row = acts.loc[f"{series}_{year}"]
            assert (row["series"], row["year"]) == (series, str(year))
    # the series activity (used inside lcasym-open) is 1 kWh of 2024, the latest year of all
    alias = data.exchanges[data.exchanges["activity"] == "electricity_grid_dk"]
    assert list(alias["target"]) == ["electricity_grid_dk_2024"]


@pytest.mark.parametrize(
    ("code", "g_per_kwh"),
    [
        # Ember 2025 release via OWID, carbon-intensity-electricity (values as published):
        ("electricity_grid_dk_2010", 540.3871),  # audit read of the same copy: 540.39
        ("electricity_grid_dk_2013", 472.40683),  # audit: 472.41
        ("electricity_grid_dk_2023", 149.80719),  # audit: 149.80719
        ("electricity_grid_de_2023", 371.31064),  # audit: 371.31
        ("electricity_grid_eu27_2024", 213.3101),  # entity "EU (Ember)"
        ("electricity_grid_no_2010", 42.878025),
        ("electricity_grid_world_2000", 527.2703),
    ],
)
def test_electricity_values_from_ember(data, code, g_per_kwh):
    row = data.exchanges[data.exchanges["activity"] == code]
    assert list(row["target_name"]) == ["Carbon dioxide, fossil"]
    assert row["amount"].iloc[0] == pytest.approx(g_per_kwh / 1000, rel=1e-9)


def test_flags_properties_and_vocabulary(data):
    from lcasym.background.categories import unknown_terms
    from lcasym.background.open_build import parse_flag, parse_properties

    acts = data.activities.set_index("code")
    for code, row in acts.iterrows():
        assert unknown_terms(row["incomplete_for"]) == [], code
        parse_flag(row["on_site"]), parse_flag(row["placeholder"])
        parse_properties(row["properties"])
    on_site = {c for c, r in acts.iterrows() if parse_flag(r["on_site"])}
    assert {"heat_natural_gas_boiler", "natural_gas_combustion_industrial"} <= on_site
    assert "natural_gas_supply" not in on_site
    placeholders = {c for c, r in acts.iterrows() if parse_flag(r["placeholder"])}
    assert placeholders == {
        "sulfur_recovered",
        "sulfuric_acid",
        "phosphate_fertiliser_ssp",
        "fertiliser_p_as_superphosphate",
    }
    # gas oil NCV: DESNZ 2025 gas oil 3226.57859 kg CO2e/t / 0.27288 kg/kWh NCV × 3.6 MJ/kWh
    props = parse_properties(acts.loc["heat_light_fuel_oil_household_furnace", "properties"])
    assert props["fuel_lhv_mj_per_kg"] == pytest.approx(3226.57859 / 0.27288 * 3.6 / 1000, rel=1e-4)
    assert props["fossil_fuel_mj"] == pytest.approx(1 / 0.8, rel=1e-6)


def test_heat_uses_combustion_only_and_supply(data):
    ex = data.exchanges
    rows = ex[ex["activity"] == "heat_natural_gas_boiler"]
    assert set(rows["target"]) == {"natural_gas_combustion_industrial", "natural_gas_supply"}
    comb = ex[ex["activity"] == "natural_gas_combustion_industrial"]
    assert set(comb["type"]) == {"biosphere"}  # emissions only, no supply chain


def test_bad_flags_years_and_terms_are_reported(data):
    acts = data.activities.copy()
    acts.loc[acts["code"] == "clinker", "on_site"] = "maybe"
    acts.loc[acts["code"] == "clinker", "incomplete_for"] = "smells"
    acts.loc[acts["code"] == "electricity_grid_dk_2010", "year"] = "1850"
    bad = OpenBackground(data.metadata, acts, data.exchanges, data.sources)
    text = "\n".join(validate_open_background(bad))
    assert "on_site 'maybe' is not true or false" in text
    assert "'smells'" in text and "1850" in text


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
