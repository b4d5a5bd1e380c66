"""Honest result views (lcasym.app_support.results_view) and what-if (app_support.whatif).

Numbers are tiny.yaml's hand derivation (examples/tiny.yaml, header): net per exchange
gypsum 7,803.78, heat 25,432.69, water −1,083.14 kg CO2-eq/yr; total 32,153.33.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from lcasym.app_support import results_view, whatif
from lcasym.io import read_network
from lcasym.paths import examples_dir

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
LABEL = " | ".join(GWP)


@pytest.fixture(scope="module")
def tiny():
    return read_network(examples_dir() / "tiny.yaml")


@pytest.fixture(scope="module")
def hand_result(tiny):
    """tiny.yaml's result assembled from its hand-derived components (no Brightway)."""
    from lcasym.calc.evaluate import ComponentScores
    from lcasym.results.assemble import assemble_result

    ids = [e.id for e in tiny.exchanges]
    D = np.array([[[7793.06], [26181.73], [1913.00]]])
    W = np.array([[[1263.38], [0.0], [0.0]]])
    E = np.array([[[1252.66], [749.04], [2996.14]]])
    scores = ComponentScores(
        methods=(GWP,), exchange_ids=tuple(ids), facility_ids=("power", "board", "greenhouse"),
        extra_bearer=("board", "greenhouse", "greenhouse"),
        receivers=("board", "greenhouse", "greenhouse"), suppliers=("power", None, None),
        displaced=D, treatment=W, extra=E, transport=np.zeros_like(E), forgone=np.zeros_like(E),
        own=np.zeros((1, 3, 1)),
    )  # fmt: skip
    return assemble_result(
        tiny, None, scores, units=["kg CO2-Eq"], provenance={"headline_method": LABEL}
    )


def test_family_only_where_names_clash():
    names = results_view.method_display_names(
        [
            "EF v3.1 | climate change | GWP100",
            "IPCC 2021 | climate change | GWP100",
            "EF v3.1 | land use | soil quality index",
        ]
    )
    assert names["EF v3.1 | climate change | GWP100"] == "Climate change – GWP100 (EF v3.1)"
    assert names["IPCC 2021 | climate change | GWP100"] == "Climate change – GWP100 (IPCC 2021)"
    assert names["EF v3.1 | land use | soil quality index"] == "Land use – soil quality index"


def test_headline_without_uncertainty_says_so(hand_result):
    head = results_view.headline(hand_result)
    # 32,153.33 kg = 32.15333 t; 3 significant figures without an interval
    assert head.text == "32.2"
    assert head.unit == "t CO2-eq/yr"
    assert head.interval is None and head.p50 is None
    assert head.note == "no uncertainty data"
    assert "32.1533" in head.full  # the full value for hover


def test_headline_rounds_to_the_interval_and_gives_p50(hand_result):
    unc = pd.DataFrame(
        [{"entity": "network", "quantity": "avoided", "method": LABEL, "unit": "kg CO2-Eq",
          "deterministic": 32153.33, "P5": 20_000.0, "P50": 31_600.0, "P95": 45_000.0,
          "mean": 32_000.0, "sd": 7_000.0, "probability_better": 1.0,
          "outside_interval": False, "draws": 500, "seed": 1}]
    )  # fmt: skip
    res = dataclasses.replace(
        hand_result,
        uncertainty=unc,
        flags=hand_result.flags.iloc[0:0],
        provenance={**hand_result.provenance, "draws": 500},
    )
    head = results_view.headline(res)
    # width P95 − P5 = 25 t -> step 10^(floor(log10 25) − 1) = 1 t: 32.15 -> "32"
    assert head.text == "32"
    assert head.interval == "P5–P95: 20 to 45"
    assert head.p50 == "32"  # 31.6 rounded to the same 1 t step
    assert "500 Monte Carlo draws" in head.note


def test_not_covered_is_never_zero_and_leaves_the_picker(hand_result):
    totals = hand_result.totals.assign(coverage="not covered")
    res = dataclasses.replace(hand_result, totals=totals)
    frame = results_view.impact_frame(res)
    assert frame["coverage"].tolist() == ["not covered"]
    assert frame[["reference", "with exchanges", "avoided"]].isna().all(axis=None)
    assert results_view.chart_methods(res) == []
    assert results_view.chart_methods(res, include_not_covered=True) == [LABEL]
    assert results_view.headline(res).text == "not covered"
    styles = results_view.grey_not_covered(frame.iloc[0])
    assert all("color:#8a8f98" in s for s in styles)


def test_impact_frame_is_numeric_in_tonnes(hand_result):
    frame = results_view.impact_frame(hand_result)
    assert frame["avoided"].dtype.kind == "f"  # sorts by number, not by text
    assert math.isclose(frame["avoided"].iloc[0], 32.15333, rel_tol=1e-6)
    assert frame["unit"].iloc[0] == "t CO2-eq/yr"


def test_sdg_tiles_have_one_headline_and_a_rationale(hand_result):
    tiles = results_view.sdg_tiles(hand_result)
    assert tiles, "tiny.yaml has assessed SDG links"
    assert [t.goal for t in tiles] == sorted(t.goal for t in tiles)
    climate = next(t for t in tiles if t.goal == 13)
    assert "32.2 t CO2-eq" in climate.headline  # the avoided GHG, 3 significant figures
    assert climate.rationale


def test_whatif_edits_only_what_changed(tiny):
    base = whatif.exchange_controls(tiny, "tiny-gypsum")
    assert (base.amount, base.ratio, base.distance, base.active) == (1000.0, 1.0, 10.0, True)
    assert whatif.edits_for(base, amount=1000.0, ratio=1.0, distance=10.0, active=True) == []
    assert whatif.edits_for(base, amount=2000.0, ratio=1.0, distance=10.0, active=True) == [
        {"exchange": "tiny-gypsum", "field": "amount", "value": 2000.0}
    ]


@pytest.mark.slow
def test_whatif_changes_the_total_by_hand(bw_project, tiny):
    from lcasym.calc.session import open_session

    session = open_session(tiny)
    assert math.isclose(whatif.whatif_avoided(session, [], LABEL), 32.15333, rel_tol=1e-5)
    # half the gypsum: D, W and transport all halve, so −7,803.78 / 2 kg = −3.90189 t
    halved = [{"exchange": "tiny-gypsum", "field": "amount", "value": 500.0}]
    assert math.isclose(whatif.whatif_avoided(session, halved, LABEL), 28.25144, rel_tol=1e-5)
    # twice the distance: one more 10,000 tkm x 0.125266267 = 1.25266 t of transport
    farther = [{"exchange": "tiny-gypsum", "field": "distance", "value": 20.0}]
    assert math.isclose(whatif.whatif_avoided(session, farther, LABEL), 30.90067, rel_tol=1e-5)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (306123.4, "306,000"),
        (2_700_123, "2.70 million"),
        (1.5e9, "1.50 billion"),
        (7.8037, "7.80"),
        (-1083.14, "-1,080"),
        (0.000271, "0.000271"),
        (0, "0"),
        (float("nan"), "–"),
    ],
)
def test_headline_figures_keep_three_significant_figures(value, text):
    assert results_view.format_sig(value) == text


def test_rounded_tables_stay_numeric():
    frame = pd.DataFrame({"name": ["a", "b"], "v": [1036854.3, 96.6247]})
    out = results_view.rounded(frame, ["v"])
    assert out["v"].tolist() == [1040000.0, 96.6]
    assert out.sort_values("v")["name"].tolist() == ["b", "a"]  # by size, not by text
    assert frame["v"].iloc[0] == 1036854.3  # the input is left as it was


@pytest.mark.slow
def test_whatif_credits_follow_the_chosen_rule_by_hand(bw_project, tiny):
    from lcasym.calc.session import open_session

    session = open_session(tiny)
    half = [{"exchange": "tiny-gypsum", "field": "amount", "value": 500.0}]
    frame, unit = whatif.whatif_credits(
        session, half, LABEL, run_rule="receiver", rule="equal", names={"power": "P"}
    )
    assert unit == "t CO2-eq"
    got = frame.set_index("firm")
    # run, receiver rule (tiny.yaml's header, kg): power W = 1,263.38; board D − E =
    # 7,793.06 − 1,252.66 = 6,540.40; greenhouse 25,432.69 − 1,083.14 = 24,349.55
    assert got.loc["P", "at the run"] == pytest.approx(1.26338, rel=1e-4)
    assert got.loc["board", "at the run"] == pytest.approx(6.54040, rel=1e-4)
    assert got.loc["greenhouse", "at the run"] == pytest.approx(24.34955, rel=1e-4)
    # what-if, equal split, half the gypsum (gypsum net 7,803.78 / 2 = 3,901.89):
    # power (3,901.89 + 25,432.69) / 2 = 14,667.29; board (3,901.89 − 1,083.14) / 2 =
    # 1,409.375; greenhouse (25,432.69 − 1,083.14) / 2 = 12,174.775
    assert got.loc["P", "what-if"] == pytest.approx(14.66729, rel=1e-4)
    assert got.loc["board", "what-if"] == pytest.approx(1.409375, rel=1e-4)
    assert got.loc["greenhouse", "what-if"] == pytest.approx(12.174775, rel=1e-4)
    # every rule splits the same total: 28.25144 t (half the gypsum, above)
    assert got["what-if"].sum() == pytest.approx(28.25144, rel=1e-5)
