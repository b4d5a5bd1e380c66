"""The shipped example networks: they parse, they are documented, and tiny.yaml adds up.

tiny.yaml is built so that its IPCC 2021 GWP100 result can be derived with a pencil from the
lcasym-open factors; the derivation is written out below (and in examples/README.md and the
comment at the top of tiny.yaml). Three independent checks use it:

1. the factors the derivation quotes are still the shipped ones (exchanges.csv);
2. the foreground plan (lcasym.inventory.plan) times the unit scores of the shipped
   background, evaluated here in plain Python, gives the hand numbers;
3. the full Brightway calculation gives them too (skipped until lcasym.api exists).
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from collections import defaultdict
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lcasym.network.model import ActivityRef, ExchangeKind, Status, SymbiosisNetwork

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OPEN_BG = ROOT / "databases" / "open_background"
NETWORK_FILES = ("kalundborg.yaml", "tiny.yaml")
GWP100 = ("IPCC 2021", "climate change", "global warming potential (GWP100)")

# ---------------------------------------------------------------------------------------
# Hand derivation for examples/tiny.yaml (kg CO2-eq per year).
#
# IPCC 2021 GWP100 characterisation factors (bw2io's ecoinvent 3.9 LCIA data):
CF_CO2_FOSSIL = 1.0
CF_CH4_FOSSIL = 29.8
CF_N2O = 273.0
#
# Unit scores of the lcasym-open activities used (their exchanges.csv rows):
# gypsum_mined: DESNZ 2025 aggregates 7.79306 kg CO2e/t, as CO2 fossil, per kg
LAMBDA_GYPSUM = 0.00779306
# landfill_inert: DESNZ 2025 inert landfill 1.26338 kg CO2e/t, per kg
LAMBDA_LANDFILL = 0.00126338
# transport_lorry_hgv_average, per tkm: CO2 0.10012 + WTT 0.02359 (as CO2)
#   + CH4 (0.00002 / 28) x 29.8 + N2O (0.00149 / 265) x 273
LAMBDA_LORRY = (
    0.10012 + 0.02359 + 7.142857143e-07 * CF_CH4_FOSSIL + 5.622641509e-06 * CF_N2O
)  # = 0.125266267
# heat_natural_gas_boiler, per MJ useful heat: 1.111111111 MJ (1/0.9) natural gas burnt,
#   each 0.0561 CO2 + 1e-6 CH4 + 1e-7 N2O + 0.009297222222 supply chain (as CO2)
LAMBDA_GAS_HEAT = 1.111111111 * (
    0.0561 + 1e-06 * CF_CH4_FOSSIL + 1e-07 * CF_N2O + 0.009297222222
)  # = 0.072727025
# electricity_grid_dk_2023: Ember 2025 release, DK 2023, 149.80719 g CO2e/kWh
LAMBDA_GRID_DK = 0.14980719
# tap_water: DESNZ 2025 water supply 0.1913 kg CO2e/m3
LAMBDA_TAP_WATER = 0.1913
#
# tiny-gypsum: 1,000 t FGD gypsum = 1,000,000 kg, lorry 10 km
GYPSUM_DISPLACED = 1_000_000 * LAMBDA_GYPSUM  # 7,793.06
GYPSUM_TREATMENT = 1_000_000 * LAMBDA_LANDFILL  # 1,263.38
GYPSUM_TRANSPORT = 1_000 * 10 * LAMBDA_LORRY  # 1,252.66
GYPSUM_NET = GYPSUM_DISPLACED + GYPSUM_TREATMENT - GYPSUM_TRANSPORT  # 7,803.78
# tiny-heat: 100 MWh = 360,000 MJ; pumps 5,000 kWh per year
HEAT_DISPLACED = 360_000 * LAMBDA_GAS_HEAT  # 26,181.73
HEAT_EXTRA = 5_000 * LAMBDA_GRID_DK  # 749.04
HEAT_NET = HEAT_DISPLACED - HEAT_EXTRA  # 25,432.69
# tiny-water: 10,000 m3; polishing 2 kWh per m3 -> extras exceed the credit
WATER_DISPLACED = 10_000 * LAMBDA_TAP_WATER  # 1,913.00
WATER_EXTRA = 10_000 * 2 * LAMBDA_GRID_DK  # 2,996.14
WATER_NET = WATER_DISPLACED - WATER_EXTRA  # -1,083.14
TINY_NET = {"tiny-gypsum": GYPSUM_NET, "tiny-heat": HEAT_NET, "tiny-water": WATER_NET}
TINY_TOTAL = GYPSUM_NET + HEAT_NET + WATER_NET  # 32,153.33 kg CO2-eq/yr
# ---------------------------------------------------------------------------------------

# biosphere3 codes with an IPCC 2021 GWP100 factor that occur in lcasym-open
GWP_FACTORS = {
    "349b29d1-3e58-4c66-98b9-9d1a076efd2e": CF_CO2_FOSSIL,  # Carbon dioxide, fossil (air)
    "0795345f-c7ae-410c-ad25-1845784c75f5": CF_CH4_FOSSIL,  # Methane, fossil (air)
    "20185046-64bb-4c09-a8e7-e8a9e144ca98": CF_N2O,  # Dinitrogen monoxide (air)
    "da1157e2-7593-4dfd-80dd-a3449b37a4d8": 27.0,  # Methane, non-fossil (air)
}
# flows that IPCC 2021 GWP100 does not characterise (checked in bw2io's data.json)
NO_GWP = {
    "Carbon dioxide, non-fossil",
    "Particulate Matter, < 2.5 um",
    "Nitrogen oxides",
    "Sulfur dioxide",
    "Gypsum",
    "Gas, natural",
    "Oil, crude",
    "Water, unspecified natural origin",
    "Water, well, in ground",
    "Water, lake",
    "Water",
}


def load(name: str) -> SymbiosisNetwork:
    with open(EXAMPLES / name, encoding="utf-8") as fh:
        return SymbiosisNetwork.model_validate(yaml.safe_load(fh))


@cache
def background_exchanges() -> pd.DataFrame:
    frame = pd.read_csv(OPEN_BG / "exchanges.csv", dtype=str, keep_default_na=False)
    frame["amount"] = frame["amount"].astype(float)
    return frame


@cache
def background_codes() -> frozenset[str]:
    frame = pd.read_csv(OPEN_BG / "activities.csv", dtype=str, keep_default_na=False)
    return frozenset(frame["code"])


@cache
def unit_score(code: str) -> float:
    """IPCC 2021 GWP100 score of 1 unit of an lcasym-open activity, in plain Python."""
    rows = background_exchanges()
    rows = rows[rows["activity"] == code]
    total = 0.0
    for row in rows.to_dict("records"):
        if row["type"] == "technosphere":
            total += row["amount"] * unit_score(row["target"])
        elif row["target"] in GWP_FACTORS:
            total += row["amount"] * GWP_FACTORS[row["target"]]
        else:
            assert row["target_name"] in NO_GWP, (
                f"{code}: flow {row['target_name']!r} is not known to this test; add its "
                "IPCC 2021 GWP100 factor to GWP_FACTORS or its name to NO_GWP"
            )
    return total


def activity_refs(net: SymbiosisNetwork):
    """(where, ActivityRef) for every activity reference in a network."""
    for f in net.facilities:
        for item in f.inventory:
            yield f"facility {f.id} inventory", item.activity
    for x in net.exchanges:
        if x.displaces:
            yield f"{x.id}.displaces", x.displaces.activity
        if x.avoided_treatment:
            yield f"{x.id}.avoided_treatment", x.avoided_treatment.activity
        for t in x.transport:
            yield f"{x.id}.transport", t.activity
        for e in x.extra_inputs:
            yield f"{x.id}.extra_inputs", e.activity
    for c in net.custom_activities:
        for e in c.exchanges:
            if e.activity is not None:
                yield f"custom {c.id}", e.activity


# --- both files -------------------------------------------------------------------------
@pytest.mark.parametrize("name", NETWORK_FILES)
def test_example_parses_into_the_model(name):
    net = load(name)
    assert net.network.background.database == "lcasym-open"
    assert net.operating_exchanges()


@pytest.mark.parametrize("name", NETWORK_FILES)
def test_example_reads_through_lcasym_io(name):
    io = importlib.import_module("lcasym.io")
    assert io.read_network(EXAMPLES / name) == load(name)


@pytest.mark.parametrize("name", NETWORK_FILES)
def test_every_activity_code_exists(name):
    net = load(name)
    custom = {c.id for c in net.custom_activities}
    missing = []
    for where, ref in activity_refs(net):
        assert isinstance(ref, ActivityRef)
        assert ref.code, f"{where}: examples refer to activities by code"
        db = ref.database or net.network.background.database
        known = background_codes() if db == "lcasym-open" else frozenset()
        if ref.code not in custom and ref.code not in known:
            missing.append(f"{where}: {ref.code}")
    assert not missing, "activity codes not in lcasym-open or custom_activities: " + ", ".join(
        missing
    )


@pytest.mark.parametrize("name", NETWORK_FILES)
def test_example_passes_network_validation(name):
    validation = importlib.import_module("lcasym.network.validation")
    resolve = importlib.import_module("lcasym.background.resolve")
    net = load(name)
    index = resolve.network_index(net, resolve.BackgroundIndex.from_open_background())
    problems = validation.validate_network(net, background=index)
    assert not problems, problems


# --- Kalundborg -------------------------------------------------------------------------
def test_kalundborg_covers_ten_exchanges_of_all_kinds():
    net = load("kalundborg.yaml")
    assert len(net.exchanges) == 14
    assert {x.kind for x in net.exchanges} == set(ExchangeKind)
    assert {x.kind for x in net.operating_exchanges()} == set(ExchangeKind)
    assert net.network.reporting_year == 2010


def test_kalundborg_exchanges_are_documented():
    net = load("kalundborg.yaml")
    for x in net.exchanges:
        assert x.source and x.year_of_figure, f"{x.id}: needs source and year_of_figure"
        assert x.notes, f"{x.id}: needs notes (vintage, conflicts, derivations)"
        if x.displaces:
            assert x.displaces.justification, f"{x.id}: justify the substitution ratio"
        if x.status == Status.operating and x.year_of_figure != net.network.reporting_year:
            # a figure from another year must say so
            assert str(x.year_of_figure) in (x.notes + x.source), x.id
        if x.status == Status.planned:
            assert x.start_year and x.start_year > net.network.reporting_year, x.id


def test_kalundborg_conflicting_quantities_carry_uncertainty():
    net = load("kalundborg.yaml")
    gypsum = net.exchange("gypsum-asnaes-gyproc")
    assert gypsum.amount == 150_000 and gypsum.year_of_figure == 2010
    dist = gypsum.uncertainty.amount
    assert (dist.distribution, dist.min, dist.max) == ("triangular", 80_000, 200_000)
    for xid in (
        "flyash-asnaes-aalborg-portland",
        "district-heat-asnaes-town",
        "tisso-surface-water",
        "ats-refinery-farms",
        "steam-asnaes-novo",
        "yeast-slurry-novo-pig-farms",
        "novogro-nitrogen-farms",
        "novogro-phosphorus-farms",
    ):
        assert net.exchange(xid).uncertainty.amount is not None, xid


def test_kalundborg_derived_district_heat():
    # 3,500 oil furnaces x 18.1 MWh/yr per Danish 'standard house' (1980s-2024 definition)
    heat = load("kalundborg.yaml").exchange("district-heat-asnaes-town")
    assert heat.amount == pytest.approx(3_500 * 18.1, rel=1e-12)
    assert heat.uncertainty.amount.min == pytest.approx(3_500 * 14.0)  # 2025 standard house


def test_kalundborg_third_pass_exchanges():
    """Steam to Novo, yeast slurry and NovoGro (third pass): figures and derivations."""
    net = load("kalundborg.yaml")
    # NAE 1994 p. 121 table cells, row read as Novo Nordisk's (an inference, see notes)
    steam = net.exchange("steam-asnaes-novo")
    assert (steam.amount, steam.unit, steam.year_of_figure) == (215_000, "t", 1994)
    assert steam.displaces.activity.code == "steam_natural_gas_boiler_per_kg"
    assert "DERIVED" in steam.notes and "refinery" in steam.notes
    nitrogen = net.exchange("novogro-nitrogen-farms")
    phosphorus = net.exchange("novogro-phosphorus-farms")
    assert (nitrogen.amount, phosphorus.amount) == (310, 40)
    assert nitrogen.displaces.activity.code == "fertiliser_n_as_ammonium_nitrate"
    assert phosphorus.displaces.activity.code == "fertiliser_p_as_superphosphate"
    # yeast: 150,000 t/yr wet (joomag, c. 2015) x 11.2 % dry matter, 43.7 % crude protein of
    # dry matter (Videncenter for Svineproduktion, Erfaring 8601, 1986)
    yeast = net.exchange("yeast-slurry-novo-pig-farms")
    assert yeast.amount == pytest.approx(150_000 * 0.112, rel=1e-12)
    assert yeast.displaces.ratio == pytest.approx(0.437)
    assert yeast.displaces.activity.code == "pig_feed_protein"
    dist = yeast.uncertainty.amount
    assert dist.min == pytest.approx(5_000 * 0.112) and dist.max == pytest.approx(150_000 * 0.168)
    assert "DERIVED" in yeast.source
    for x in (steam, nitrogen, phosphorus, yeast):
        assert x.status == Status.operating and x.start_year <= net.network.reporting_year
    # no quantity found for these: they must stay out (documented in README and YAML)
    ids = {x.id for x in net.exchanges}
    assert not any("fish" in i for i in ids)
    assert not any(i.startswith("steam") and "refinery" in i for i in ids)


def test_kalundborg_excel_matches_yaml():
    xlsx = EXAMPLES / "kalundborg.xlsx"
    if not xlsx.exists():
        pytest.skip("examples/kalundborg.xlsx not generated yet")
    io = importlib.import_module("lcasym.io")
    assert io.read_network(xlsx) == load("kalundborg.yaml"), (
        "kalundborg.xlsx is stale: regenerate it with "
        "lcasym.io.write_network(lcasym.io.read_network('examples/kalundborg.yaml'), "
        "'examples/kalundborg.xlsx')"
    )


# --- tiny: the hand derivation ----------------------------------------------------------
def test_tiny_hand_numbers():
    assert pytest.approx(7_803.78, abs=0.005) == GYPSUM_NET
    assert pytest.approx(25_432.69, abs=0.005) == HEAT_NET
    assert pytest.approx(-1_083.14, abs=0.005) == WATER_NET
    assert pytest.approx(32_153.33, abs=0.005) == TINY_TOTAL
    assert WATER_NET < 0  # the exchange whose extras exceed its credit


def test_tiny_derivation_uses_the_shipped_factors():
    cases = {
        "gypsum_mined": LAMBDA_GYPSUM,
        "landfill_inert": LAMBDA_LANDFILL,
        "transport_lorry_hgv_average": LAMBDA_LORRY,
        "heat_natural_gas_boiler": LAMBDA_GAS_HEAT,
        "electricity_grid_dk_2023": LAMBDA_GRID_DK,
        "tap_water": LAMBDA_TAP_WATER,
    }
    for code, hand in cases.items():
        assert unit_score(code) == pytest.approx(hand, rel=1e-12), (
            f"lcasym-open changed {code}: update the tiny.yaml derivation "
            "(tests, YAML comment, examples/README.md)"
        )


def test_tiny_plan_reproduces_the_hand_derivation():
    plan_mod = importlib.import_module("lcasym.inventory.plan")
    resolve = importlib.import_module("lcasym.background.resolve")
    net = load("tiny.yaml")
    index = resolve.network_index(net, resolve.BackgroundIndex.from_open_background())
    plan = plan_mod.plan_foreground(net, index)
    score = defaultdict(float)  # (scenario, exchange) -> kg CO2-eq
    for edge, amount in zip(plan.edges, plan.edge_amounts(), strict=True):
        score[edge.scenario, edge.exchange_id] += edge.sign * amount * unit_score(edge.target[1])
    for xid, hand in TINY_NET.items():
        net_k = score["baseline", xid] - score["symbiosis", xid]
        assert math.isclose(net_k, hand, rel_tol=1e-9), (xid, net_k, hand)
    total = sum(score["baseline", x] - score["symbiosis", x] for x in TINY_NET)
    assert math.isclose(total, TINY_TOTAL, rel_tol=1e-9)


_HAS_API = importlib.util.find_spec("lcasym.api") is not None
# Brightway 2.5 stores matrix values at float32 precision (bw_processing.create_array), so
# every factor carries a relative rounding error up to 2**-24 (about 6e-8): the full
# calculation can match the float64 hand derivation only to about 1e-7. 1e-9 holds for the
# plan-level check above (test_tiny_plan_reproduces_the_hand_derivation).
BRIGHTWAY_REL_TOL = 1e-6


@pytest.mark.slow
@pytest.mark.skipif(not _HAS_API, reason="lcasym.api.calculate is not written yet")
def test_tiny_brightway_result_matches_hand_derivation(bw_project):
    from lcasym.api import calculate

    try:
        result = calculate(load("tiny.yaml"), methods=[GWP100])
    except ModuleNotFoundError as exc:  # the calculation chain is still being written
        pytest.skip(f"lcasym.api.calculate is not complete yet: {exc}")
    totals = result.totals
    assert len(totals) == 1
    avoided = float(totals["avoided"].iloc[0])
    assert math.isclose(avoided, TINY_TOTAL, rel_tol=BRIGHTWAY_REL_TOL), (avoided, TINY_TOTAL)
    nets = result.exchanges.set_index("exchange")["net"]
    for xid, hand in TINY_NET.items():
        assert math.isclose(float(nets[xid]), hand, rel_tol=BRIGHTWAY_REL_TOL), (xid, nets[xid])
