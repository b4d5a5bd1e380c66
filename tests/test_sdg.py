"""SDG mapping file and SDG table, on hand-made totals and indicators."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from lcasym.background.methods import method_label
from lcasym.errors import DataFileError
from lcasym.results.sdg import goal_colours, load_mapping, sdg_table, statement

EF_GWP = "EF v3.1 | climate change | global warming potential (GWP100)"
EF_FOSSIL = "EF v3.1 | climate change: fossil | global warming potential (GWP100)"
IPCC = "IPCC 2021 | climate change | global warming potential (GWP100)"
EF_WATER = (
    "EF v3.1 | water use | user deprivation potential (deprivation-weighted water consumption)"
)


def totals(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["method", "unit", "reference", "with_exchanges"])


INDICATORS = pd.DataFrame(
    [
        ("waste_diverted", "network", "t", 180.0, "gyp", ""),
        ("freshwater_withdrawal_avoided", "network", "m3", 1400.0, "water", ""),
        ("groundwater_withdrawal_avoided", "network", "m3", 900.0, "water", ""),
        ("exchanges", "network", "count", 6.0, "", ""),
        ("cost_savings", "PB", "EUR", 900.0, "gyp", ""),
    ],
    columns=["indicator", "entity", "unit", "value", "exchanges", "description"],
)


def test_shipped_mapping_rows_have_rationale_source_and_colour():
    mapping = load_mapping()
    assert len(mapping["links"]) >= 13  # every row of sdg_mapping.md's table is covered
    targets = {row["target"] for row in mapping["links"]}
    for t in (
        "13.2",
        "9.4",
        "7.3",
        "6.4",
        "6.3",
        "12.2",
        "12.4",
        "12.5",
        "3.9",
        "14.1",
        "15.1",
        "17.17",
    ):
        assert t in targets
    for row in mapping["links"]:
        assert row["rationale"] and row["source"]
    colours = goal_colours()
    assert colours[13] == "#3F7E44" and colours[6] == "#26BDE2"  # sdg_mapping.md
    assert len(colours) == 17


def test_lcia_row_contribution_is_baseline_minus_symbiosis():
    t = totals((EF_GWP, "kg CO2-Eq", 4320.0, 400.0))
    table = sdg_table(t, INDICATORS)
    row = table[table["id"] == "13.2-gwp"].iloc[0]
    # 4320 − 400 = 3920 kg CO2-Eq
    assert (row.reference, row.with_exchanges, row.contribution) == (4320.0, 400.0, 3920.0)
    assert row.statement == "contributes to target 13.2"
    assert row.indicator == EF_GWP and row.unit == "kg CO2-Eq" and row.status == "ok"
    assert row.colour == "#3F7E44"


def test_alternative_method_is_used_when_ef_is_absent():
    # ReCiPe / IPCC keys can replace EF 3.1: the first available alternative is used
    table = sdg_table(totals((IPCC, "kg CO2-Eq", 100.0, 150.0)), INDICATORS)
    row = table[table["id"] == "13.2-gwp"].iloc[0]
    assert row.indicator == IPCC
    assert row.contribution == -50.0
    assert row.statement == "adds pressure on target 13.2"


def test_ratios_per_value_added():
    t = totals(
        (EF_FOSSIL, "kg CO2-Eq", 4000.0, 1000.0), (EF_WATER, "m3 world eq. deprived", 50.0, 40.0)
    )
    va = {"PP": 1000.0, "PB": 1000.0}  # Σ VA = 2000 EUR
    table = sdg_table(t, INDICATORS, value_added=va, currency="EUR").set_index("id")
    # 9.4.1-style: 4000/2000 = 2.0 and 1000/2000 = 0.5 kg CO2-Eq/EUR; contribution 1.5
    r = table.loc["9.4-co2-va"]
    assert (r.reference, r.with_exchanges, r.contribution) == pytest.approx((2.0, 0.5, 1.5))
    assert r.unit == "kg CO2-Eq / EUR"
    # 6.4.1-style: 2000/50 = 40 and 2000/40 = 50 EUR per m3 deprived; efficiency +10
    r = table.loc["6.4-water-va"]
    assert (r.reference, r.with_exchanges, r.contribution) == pytest.approx((40.0, 50.0, 10.0))
    assert r.unit == "EUR / m3 world eq. deprived"


def test_ratio_needs_value_added_of_every_facility():
    t = totals((EF_FOSSIL, "kg CO2-Eq", 4000.0, 1000.0))
    table = sdg_table(t, INDICATORS, value_added={"PP": 1000.0, "PB": None}).set_index("id")
    assert table.loc["9.4-co2-va"].status.startswith("not calculated")
    assert math.isnan(table.loc["9.4-co2-va"].contribution)


def test_programme_and_inventory_rows():
    table = sdg_table(totals(), INDICATORS).set_index("id")
    assert table.loc["6.4-withdrawal"].contribution == 1400.0
    assert table.loc["6.4-groundwater"].contribution == 900.0
    assert table.loc["12.5-diverted"].contribution == 180.0
    assert table.loc["17.17-exchanges"].contribution == 6.0
    assert table.loc["17.17-exchanges"].statement == "contributes to target 17.17"
    # hazardous_waste_diverted was not computed: not assessed, never "0"
    row = table.loc["12.4-hazardous"]
    assert row.status.startswith("not calculated")
    assert row.statement == "not assessed for target 12.4"


def test_recovered_energy_is_no_renewable_claim():
    links = load_mapping()["links"]
    assert not [r for r in links if str(r["target"]) == "7.2"]
    row = next(r for r in links if r.get("indicator") == "energy_recovered")
    assert row["target"] == "7.3"


def test_a_target_is_never_both_contributing_and_not_assessed():
    # 7.3 has an LCIA row with a value (avoided energy 500 MJ) and a ratio row without
    # value added: the second must not say "not assessed for target 7.3"
    energy = method_label(
        [
            "EF v3.1",
            "energy resources: non-renewable",
            "abiotic depletion potential (ADP): fossil fuels",
        ]
    )
    table = sdg_table(totals((energy, "MJ", 800.0, 300.0)), INDICATORS)
    rows = table[table["target"] == "7.3"]
    assert "contributes to target 7.3" in set(rows["statement"])
    assert "not assessed for target 7.3" not in set(rows["statement"])
    assert any(s.startswith("indicator not available") for s in rows["statement"])


def test_not_covered_category_has_no_value():
    t = totals((EF_WATER, "m3 world-eq", 0.0, 0.0))
    t["coverage"] = ["not covered"]
    table = sdg_table(t, INDICATORS).set_index("id")
    row = table.loc["6.4-aware"]
    assert math.isnan(row.contribution) and row.status.startswith("not covered")


def test_wording_never_achieves():
    assert statement("13.2", 1.0) == "contributes to target 13.2"
    assert statement("13.2", 0.0) == "no measurable contribution to target 13.2"
    assert "achiev" not in " ".join(statement("1.1", v) for v in (-1, 0, 1, math.nan))


def test_user_mapping_file(tmp_path):
    custom = {
        "goals": {"list": {13: {"name": "Climate action", "colour": "#3F7E44"}}},
        "links": [
            {
                "id": "mine",
                "goal": 13,
                "target": "13.2",
                "un_indicator": "13.2.2",
                "indicator_description": "GHG",
                "basis": "lcia",
                "method": [
                    "ReCiPe 2016 v1.03, midpoint (H)",
                    "climate change",
                    "global warming potential (GWP1000)",
                ],
                "unit": "kg CO2-Eq",
                "rationale": "r",
                "source": "s",
            },
        ],
    }
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(custom))
    mapping = load_mapping(path)
    label = method_label(custom["links"][0]["method"])
    table = sdg_table(totals((label, "kg CO2-Eq", 10.0, 4.0)), INDICATORS, mapping=mapping)
    assert table.iloc[0].contribution == 6.0


def test_bad_mapping_file_says_where(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "goals": {"list": {13: {"name": "x", "colour": "#000000"}}},
                "links": [
                    {
                        "id": "x",
                        "goal": 13,
                        "target": "13.2",
                        "un_indicator": "13.2.2",
                        "indicator_description": "d",
                        "basis": "lcia",
                        "unit": "u",
                        "rationale": "r",
                        "source": "s",
                    }
                ],
            }
        )
    )
    with pytest.raises(DataFileError, match=r"links\[0\].*needs 'method'"):
        load_mapping(path)
