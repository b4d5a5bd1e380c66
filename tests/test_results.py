"""The result object, built from hand-made unit scores (no Brightway needed).

Network (per year):
    gyp   PP → PB  material  100 t FGD gypsum, displaces gypsum (kg) 1:1, avoids landfill (kg),
                              lorry 10 km
    heat  PP → FF  energy    10 MWh waste heat, displaces boiler heat (MJ)
    own   PB       5 GJ natural gas (identical in both scenarios)

Unit scores        GWP (kg CO2-Eq)   WATER (m3)
    gypsum / kg        0.01            0.001
    landfill / kg      0.005           0
    lorry / t·km       0.1             0.0001
    heat / MJ          0.07            0.0002
    gas / MJ           0.06            0.00005

GWP:   D_gyp = 100,000 kg · 0.01 = 1000;  W_gyp = 100,000 · 0.005 = 500;
       E_gyp = 100 t · 10 km · 0.1 = 100;  net_gyp = 1400
       D_heat = 10 MWh = 36,000 MJ · 0.07 = 2520;  net_heat = 2520
       O_PB = 5,000 MJ · 0.06 = 300
       baseline = 300 + 1000 + 500 + 2520 = 4320; symbiosis = 300 + 100 = 400; avoided = 3920
WATER: D_gyp = 100; E_gyp = 1000 · 0.0001 = 0.1; D_heat = 36,000 · 0.0002 = 7.2;
       O_PB = 5,000 · 0.00005 = 0.25; baseline = 107.45; symbiosis = 0.35; avoided = 107.1
"""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lcasym.background.resolve import ActivityInfo, BackgroundIndex
from lcasym.calc.evaluate import UnitScores, evaluate_plan
from lcasym.inventory.plan import plan_foreground
from lcasym.network.model import SymbiosisNetwork
from lcasym.results import TABLE_COLUMNS, SymbiosisResult
from lcasym.results.assemble import assemble_result

GWP, WATER = "test | gwp", "test | water"
UNITS = ["kg CO2-Eq", "m3"]


def stand_in_index() -> BackgroundIndex:
    """Five made-up background activities in database ``bg`` (no Brightway needed)."""
    return BackgroundIndex(
        [
            ActivityInfo("bg", "gypsum", "gypsum, mined", "gypsum", "GLO", "kilogram"),
            ActivityInfo("bg", "landfill", "landfill, inert", "landfill", "GLO", "kilogram"),
            ActivityInfo("bg", "lorry", "lorry", "transport", "GLO", "ton kilometer"),
            ActivityInfo("bg", "heat", "heat, natural gas boiler", "heat", "DK", "megajoule"),
            ActivityInfo("bg", "gas", "natural gas", "natural gas", "GLO", "megajoule"),
        ]
    )


UNIT_SCORES = UnitScores(
    index={("bg", c): i for i, c in enumerate(["gypsum", "landfill", "lorry", "heat", "gas"])},
    values=np.array([[0.01, 0.001], [0.005, 0.0], [0.1, 0.0001], [0.07, 0.0002], [0.06, 0.00005]]),
    methods=(("test", "gwp"), ("test", "water")),
)


def network() -> SymbiosisNetwork:
    return SymbiosisNetwork.model_validate(
        {
            "network": {
                "id": "hand",
                "name": "Hand network",
                "reporting_year": 2020,
                "background": {"database": "bg"},
            },
            "facilities": [
                {"id": "PP", "name": "power plant", "sector": "energy", "value_added": 1000},
                {
                    "id": "PB",
                    "name": "plasterboard",
                    "sector": "building",
                    "value_added": 1000,
                    "inventory": [{"activity": "gas", "amount": 5, "unit": "GJ"}],
                },
                {"id": "FF", "name": "fish farm", "sector": "food", "value_added": 2000},
            ],
            "exchanges": [
                {
                    "id": "gyp",
                    "supplier": "PP",
                    "receiver": "PB",
                    "kind": "material",
                    "flow": "FGD gypsum",
                    "amount": 100,
                    "unit": "t",
                    "displaces": {"activity": "gypsum"},
                    "avoided_treatment": {"activity": "landfill"},
                    "transport": [{"activity": "lorry", "distance": 10}],
                },
                {
                    "id": "heat",
                    "supplier": "PP",
                    "receiver": "FF",
                    "kind": "energy",
                    "flow": "waste heat",
                    "amount": 10,
                    "unit": "MWh",
                    "displaces": {"activity": "heat"},
                },
            ],
        }
    )


def build(rule="receiver", mc=None, **kw) -> SymbiosisResult:
    net = network()
    plan = plan_foreground(net, stand_in_index())
    scores = evaluate_plan(plan, UNIT_SCORES)
    return assemble_result(net, plan, scores, units=UNITS, crediting=rule, mc=mc, **kw)


def row(frame, **where):
    mask = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        mask &= frame[k] == v
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_totals_hand_values():
    t = build().totals
    gwp, water = row(t, method=GWP), row(t, method=WATER)
    assert (gwp.reference, gwp.with_exchanges, gwp.avoided) == pytest.approx((4320, 400, 3920))
    assert (water.reference, water.with_exchanges, water.avoided) == pytest.approx(
        (107.45, 0.35, 107.1)
    )
    assert gwp.unit == "kg CO2-Eq"


def test_exchange_table_hand_values():
    ex = build().exchanges
    gyp = row(ex, exchange="gyp", method=GWP)
    assert (gyp.displaced, gyp.treatment, gyp.gross, gyp.extra, gyp.net) == pytest.approx(
        (1000, 500, 1500, 100, 1400)
    )
    # receiver rule: supplier gets W = 500, receiver D − E = 900
    assert (gyp.supplier_credit, gyp.receiver_credit) == pytest.approx((500, 900))
    assert (gyp.supplier, gyp.receiver, gyp.kind, gyp.extra_bearer) == (
        "PP",
        "PB",
        "material",
        "PB",
    )
    assert row(ex, exchange="heat", method=GWP).net == pytest.approx(2520)


@pytest.mark.parametrize("rule", ["receiver", "supplier", "equal", "cff", "network"])
def test_facility_credits_add_up_to_avoided(rule):
    result = build(rule)
    fac = result.facilities
    for method, avoided in zip(result.totals.method, result.totals.avoided, strict=True):
        assert fac[fac.method == method].credit.sum() == pytest.approx(avoided)


def test_facility_credits_kept_apart_from_own_inventory():
    fac = build("receiver").facilities
    pb = row(fac, facility="PB", method=GWP)
    # credit D − E = 900; own inventory 300 in both scenarios, not netted into the credit
    assert pb.credit == pytest.approx(900)
    assert pb.own_inventory == pytest.approx(300)
    assert row(fac, facility="PP", method=GWP).credit == pytest.approx(500)
    assert row(fac, facility="FF", method=GWP).credit == pytest.approx(2520)


def test_cff_rule_hand_values():
    fac = build("cff").facilities
    # gyp (material, A = 0.5): PB 0.5·(1000 − 100) = 450; PP 500 + 450 = 950
    # heat (energy, B = 0): FF 0; PP 2520 → PP 3470
    assert row(fac, facility="PB", method=GWP).credit == pytest.approx(450)
    assert row(fac, facility="PP", method=GWP).credit == pytest.approx(3470)
    assert row(fac, facility="FF", method=GWP).credit == pytest.approx(0)


def test_network_rule_has_one_pseudo_facility():
    fac = build("network").facilities
    net = row(fac, facility="network", method=GWP)
    assert net.credit == pytest.approx(3920)
    assert net.own_inventory == pytest.approx(300)
    assert fac[fac.facility == "PB"].credit.isna().all()


def test_sdg_and_indicators_are_filled():
    result = build(mapping=None)
    ind = result.indicators
    # 100 t diverted from landfill (gyp); 10 MWh recovered (heat)
    assert row(ind, indicator="waste_diverted").value == pytest.approx(100)
    assert row(ind, indicator="energy_recovered").value == pytest.approx(10)
    sdg = result.sdg
    # the test methods are not in the shipped mapping: LCIA rows are "not calculated"
    assert (sdg[sdg.basis == "lcia"].status != "ok").all()
    assert row(sdg, id="12.5-diverted").contribution == pytest.approx(100)
    assert row(sdg, id="12.5-diverted").statement == "contributes to target 12.5"


def test_frames_are_copies_and_result_is_frozen():
    result = build()
    frame = result.totals
    frame.loc[0, "avoided"] = -1.0
    assert result.totals.loc[0, "avoided"] == pytest.approx(3920)
    prov = result.provenance
    prov["seed"] = 0
    assert result.provenance["seed"] != 0
    with pytest.raises(AttributeError):
        result.totals = frame  # frozen dataclass


def test_missing_column_is_refused():
    with pytest.raises(ValueError, match="lacks columns"):
        SymbiosisResult(
            totals=pd.DataFrame({"method": []}),
            exchanges=pd.DataFrame(columns=TABLE_COLUMNS["exchanges"]),
            facilities=pd.DataFrame(columns=TABLE_COLUMNS["facilities"]),
        )


def test_long_frame_holds_every_number():
    result = build()
    long = result.to_long_frame()
    assert list(long.columns) == [
        "table",
        "entity_type",
        "entity",
        "method",
        "unit",
        "quantity",
        "statistic",
        "value",
    ]
    hit = long[(long.table == "totals") & (long.method == GWP) & (long.quantity == "avoided")]
    assert hit.value.iloc[0] == pytest.approx(3920)
    hit = long[
        (long.table == "facilities")
        & (long.entity == "PB")
        & (long.method == GWP)
        & (long.quantity == "credit")
    ]
    assert hit.value.iloc[0] == pytest.approx(900)
    # 2 methods × 4 totals + 2 exchanges × 2 methods × 10 columns + 3 facilities × 2 × 2
    assert (long.table == "totals").sum() == 8
    assert (long.table == "exchanges").sum() == 40
    assert (long.table == "facilities").sum() == 12


def test_json_dict_keys_and_plain_values():
    result = build()
    data = result.to_json_dict()
    assert {"totals", "exchanges", "facilities", "indicators", "sdg", "provenance"} <= set(data)
    assert "uncertainty" not in data  # draws = 0
    text = json.dumps(data)  # no numpy types, NaN became null
    assert "NaN" not in text


def fake_mc(values: np.ndarray):
    """A Monte Carlo result from parameter vectors evaluated on the hand unit scores."""
    net = network()
    plan = plan_foreground(net, stand_in_index())
    comps = evaluate_plan(plan, UNIT_SCORES, values=values)
    return SimpleNamespace(
        draws=len(values),
        seed=7,
        avoided=comps.avoided_total,
        exchange_ids=comps.exchange_ids,
        exchange_net=comps.exchange_net,
        components=comps,
        workers=1,
        execution="in-process",
    )


def test_uncertainty_table_hand_values():
    plan = plan_foreground(network(), stand_in_index())
    names = [p.name for p in plan.parameters]
    central = np.array([p.value for p in plan.parameters])
    # three draws scaling the heat amount to 0, 10 and 20 MWh: heat net 0, 2520, 5040 (GWP)
    draws = np.repeat(central[None, :], 3, axis=0)
    draws[:, names.index("heat.amount")] = [0.0, 10.0, 20.0]
    result = build(mc=fake_mc(draws), provenance={"draws": 3, "seed": 7})
    unc = result.uncertainty
    net = row(unc, entity="network", method=GWP)
    # avoided = 1400 + heat net: 1400, 3920, 6440; P50 = 3920;
    # P5 = 1400 + 0.1·(3920 − 1400) = 1652 (numpy linear, position 0.05·2 = 0.1);
    # P95 = 3920 + 0.9·2520 = 6188; mean 3920; sd = 2520; all > 0 → probability 1
    assert [net["P5"], net["P50"], net["P95"]] == pytest.approx([1652, 3920, 6188])
    assert (net["mean"], net.sd, net.probability_better) == pytest.approx((3920, 2520, 1.0))
    assert (net.draws, net.seed) == (3, 7)
    heat = row(unc, entity="heat", quantity="net", method=GWP)
    assert heat.probability_better == pytest.approx(2 / 3)  # 0 is not better
    ff = row(unc, entity="FF", quantity="credit", method=GWP)  # receiver rule: FF gets D_heat
    assert ff["P50"] == pytest.approx(2520)
    assert "uncertainty" in result.to_json_dict()
    assert result.headline(GWP)["P95"] == pytest.approx(6188)


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_formats(tmp_path, fmt):
    result = build()
    path = result.export(tmp_path / f"out.{fmt}")
    assert path.exists()
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]  # no temp file left
    if fmt == "json":
        assert json.loads(path.read_text())["totals"][0]["avoided"] == pytest.approx(3920)
    elif fmt == "csv":
        assert len(pd.read_csv(path)) == len(result.to_long_frame())
    else:
        sheets = pd.read_excel(path, sheet_name=None)
        assert {"summary", "totals", "exchanges", "facilities", "provenance"} <= set(sheets)


def test_failed_export_leaves_no_file(tmp_path, monkeypatch):
    result = build()
    target = tmp_path / "out.json"
    target.write_text("previous")

    # The JSON is streamed one table at a time: fail on the second table, after the first
    # has been written, so a half-written file would show if the write were not atomic.
    from lcasym.results.export import jsonfile

    calls = {"n": 0}
    real_records = jsonfile.records

    def boom(frame):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_records(frame)

    monkeypatch.setattr(jsonfile, "records", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        result.export(target)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_unknown_export_format(tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        build().export(tmp_path / "out.parquet")


def test_replace_keeps_validation():
    result = build()
    again = replace(result, provenance={"draws": 0})
    assert again.provenance == {"draws": 0}


def test_excel_sheets_over_the_row_limit_are_capped_with_a_note(tmp_path, monkeypatch):
    import openpyxl

    import lcasym.results.export.workbook as workbook_module

    monkeypatch.setattr(workbook_module, "EXCEL_MAX_ROWS", 5)
    result = SymbiosisResult(
        totals=pd.DataFrame(columns=TABLE_COLUMNS["totals"]),
        exchanges=pd.DataFrame({c: range(8) for c in TABLE_COLUMNS["exchanges"]}),
        facilities=pd.DataFrame(columns=TABLE_COLUMNS["facilities"]),
    )
    path = result.export(tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book["exchanges"].max_row == 6  # header + the first 5 of 8 rows
    notes = [r[0] for r in book["notes"].iter_rows(min_row=2, values_only=True)]
    assert any("sheet 'exchanges' holds the first 5 of 8 rows" in n for n in notes)
    assert "long" not in book.sheetnames  # the long table goes to CSV/Parquet, not Excel
