"""Climate (and a few other) scores of lcasym-open, recomputed by hand from the cited factors.

Every expected value below is written out from the numbers in exchanges.csv's sources
(DESNZ 2025, Ember 2025, IPCC 2006, EMEP/EEA, stoichiometry) and the characterisation
factors in bw2io's lcia_39_ecoinvent.zip: EF v3.1 / IPCC 2021 GWP100 CO2 fossil 1,
CH4 fossil 29.8, CH4 non-fossil 27, N2O 273, CO2 non-fossil 0.
"""

from __future__ import annotations

import pytest

EF_CC = ("EF v3.1", "climate change", "global warming potential (GWP100)")
IPCC = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
EF_ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
EF_FOSSIL = (
    "EF v3.1",
    "energy resources: non-renewable",
    "abiotic depletion potential (ADP): fossil fuels",
)
METHODS = (EF_CC, IPCC, EF_ACID, EF_FOSSIL)

CH4, CH4_BIO, N2O = 29.8, 27.0, 273.0
# Reused hand values (kg CO2e per unit)
NG_SUPPLY = 0.03347 / 3.6  # DESNZ WTT natural gas, per MJ NCV
NG_BURNT = 0.0561 + 1e-6 * CH4 + 1e-7 * N2O + NG_SUPPLY  # IPCC Table 2.3 + supply
COAL_BURNT_GHG = 0.0946 + 10e-6 * CH4 + 1.5e-6 * N2O  # IPCC Table 2.3 other bituminous coal
COAL_SUPPLY = 0.05925 / 3.6
EL_DK_2023 = 0.14980719
# the series activities (used inside lcasym-open) are the 2024 mixes (Ember 2025 release):
EL_DK_2024, EL_WORLD_2024, EL_EU27_2024 = 0.14330042, 0.4730065, 0.2133101
AGGREGATES = 7.79306 / 1000  # DESNZ 2025 aggregates, per kg (quarry proxy)
CLINKER = (
    0.52  # IPCC Tier 1 process CO2
    + 3.519 * (1 - 0.167) * (COAL_BURNT_GHG + COAL_SUPPLY)  # GNR kiln fuel, coal share
    + 0.074 * EL_WORLD_2024  # GNR 74 kWh/t clinker
    + 0.65 * 100.09 / 56.08 * AGGREGATES  # limestone for 65 % CaO
)
AMMONIA = 37.5 * 15.3 * 44 / 12 / 1000 + 37.5 * NG_SUPPLY  # IPCC Table 3.1 + gas supply


@pytest.fixture
def bw_open(in_bw_project):
    """The session test project (biosphere3, the default methods, lcasym-open), current."""
    return in_bw_project


def score(code: str, method=EF_CC, amount: float = 1.0) -> float:
    import bw2calc as bc
    import bw2data as bd

    lca = bc.LCA({bd.get_node(database="lcasym-open", code=code): amount}, method)
    lca.lci()
    lca.lcia()
    return lca.score


def test_install_and_metadata(bw_scratch_project):
    import bw2data as bd

    from lcasym.background.open_data import install_open_background, open_background_version

    n = install_open_background()  # again, in a throw-away copy of the project
    assert n == len(bd.Database("lcasym-open")) >= 40
    meta = bd.databases["lcasym-open"]
    assert meta["lcasym_version"] == open_background_version()
    assert "life-cycle" in meta["lcasym_electricity_accounting_basis"].lower()
    assert "OGL v3.0" in meta["lcasym_licences"]


def test_characterisation_factors_are_the_ones_assumed(bw_open):
    import bw2data as bd

    cfs = {bd.get_node(id=i)["name"]: v for i, v in bd.Method(EF_CC).load()}
    assert cfs["Methane, fossil"] == CH4
    assert cfs["Methane, non-fossil"] == CH4_BIO
    assert cfs["Dinitrogen monoxide"] == N2O
    assert "Carbon dioxide, non-fossil" not in cfs


# ----------------------------------------------------------------------------- fuels
def test_fuels_natural_gas_burnt(bw_open):
    # 56 100 kg CO2/TJ, 1 kg CH4/TJ, 0.1 kg N2O/TJ -> 0.056157 per MJ, plus DESNZ WTT
    combustion = score("natural_gas_burnt_industrial") - score("natural_gas_supply")
    assert combustion == pytest.approx(0.056157, abs=1e-6)  # background_data.md check
    assert score("natural_gas_burnt_industrial") == pytest.approx(NG_BURNT, rel=1e-6)
    assert score("natural_gas_burnt_industrial", IPCC) == pytest.approx(NG_BURNT, rel=1e-6)


def test_fuels_natural_gas_supply_resource_and_acidification(bw_open):
    # 1 MJ / (2.06672 / 0.20270 × 3.6 MJ/m3) × 36 MJ/m3 (EF CF of 'Gas, natural')
    mj_per_m3 = 2.06672 / 0.20270 * 3.6
    assert score("natural_gas_supply", EF_FOSSIL) == pytest.approx(36 / mj_per_m3, rel=1e-6)
    # EMEP/EEA gaseous fuels: NOx 74 g/GJ × 0.74 + SOx 0.67 g/GJ × 1.31 (mol H+ eq/kg)
    assert score("natural_gas_burnt_industrial", EF_ACID) == pytest.approx(
        74e-6 * 0.74 + 0.67e-6 * 1.31, rel=1e-6
    )


# ------------------------------------------------------------------------------ heat
def test_heat_natural_gas_boiler(bw_open):
    assert score("heat_natural_gas_boiler") == pytest.approx(NG_BURNT / 0.9, rel=1e-6)


def test_heat_wood_chips_is_biogenic(bw_open):
    # CO2 non-fossil has no CF; CH4 non-fossil 30 kg/TJ × 27 + N2O 4 kg/TJ × 273, + WTT
    per_mj_fuel = 30e-6 * CH4_BIO + 4e-6 * N2O + 0.00792 / 3.6
    assert score("heat_wood_chips_boiler") == pytest.approx(per_mj_fuel / 0.85, rel=1e-6)


def test_heat_steam_desnz_and_per_kg(bw_open):
    # DESNZ heat & steam per kWh: CO2 0.17355, CH4 0.00122/28, N2O 0.00052/265, WTT 0.03341
    per_kwh = 0.17355 + 0.00122 / 28 * CH4 + 0.00052 / 265 * N2O + 0.03341
    assert score("steam_industrial") == pytest.approx(per_kwh / 3.6, rel=1e-6)
    # 1 kg of 10 bar steam = 2.6932 MJ of boiler heat
    assert score("steam_natural_gas_boiler_per_kg") == pytest.approx(
        2.6932 * NG_BURNT / 0.9, rel=1e-6
    )


def test_heat_household_oil_furnace(bw_open):
    # IPCC gas/diesel oil 74 100 / 3 / 0.6 kg/TJ + DESNZ WTT gas oil 0.06291/kWh, 80 %
    per_mj_fuel = 0.0741 + 3e-6 * CH4 + 0.6e-6 * N2O + 0.06291 / 3.6
    assert score("heat_light_fuel_oil_household_furnace") == pytest.approx(
        per_mj_fuel / 0.8, rel=1e-6
    )
    # acidification from EMEP/EEA 1.A.4.b.i Tier 2 Table 3-18 (gas oil <= 50 kWth):
    # NOx 69 g/GJ × 0.74 + SOx 79 g/GJ × 1.31 mol H+ eq/kg (EF v3.1 CFs), per MJ heat / 0.8
    acid = (69e-6 * 0.74 + 79e-6 * 1.31) / 0.8
    assert score("heat_light_fuel_oil_household_furnace", EF_ACID) == pytest.approx(acid, rel=1e-6)
    # (the industrial proxy it replaced, 1.A.2 'other liquid' NOx 513 / SOx 47 g/GJ, gave
    # (513 × 0.74 + 47 × 1.31) / (69 × 0.74 + 79 × 1.31) = 2.85 times more acidification)


def test_combustion_only_is_the_burnt_fuel_without_supply(bw_open):
    # natural gas: IPCC Table 2.3 only (no DESNZ WTT)
    only = 0.0561 + 1e-6 * CH4 + 1e-7 * N2O
    assert score("natural_gas_combustion_industrial") == pytest.approx(only, rel=1e-6)
    assert score("natural_gas_burnt_industrial") == pytest.approx(only + NG_SUPPLY, rel=1e-6)


# ----------------------------------------------------------------------- electricity
def test_electricity_grid(bw_open):
    assert score("electricity_grid_dk_2023") == pytest.approx(EL_DK_2023, rel=1e-6)
    assert score("electricity_grid_dk") == pytest.approx(EL_DK_2024, rel=1e-6)
    assert score("electricity_grid_dk_2010") == pytest.approx(0.5403871, rel=1e-6)
    assert score("electricity_grid_de_2024", IPCC) == pytest.approx(0.34413992, rel=1e-6)
    assert score("electricity_grid_cn_2022") == pytest.approx(0.5867002, rel=1e-6)


# ------------------------------------------------------------------------- transport
def test_transport_rail_and_lorry(bw_open):
    rail = 0.02749 + 0.00002 / 28 * CH4 + 0.00028 / 265 * N2O + 0.00691
    assert score("transport_rail_freight") == pytest.approx(rail, rel=1e-6)
    # DESNZ 2025 artic >33 t: CO2 0.07576, CH4 0.00001/28, N2O 0.00125/265, WTT 0.01799
    artic = 0.07576 + 0.00001 / 28 * CH4 + 0.00125 / 265 * N2O + 0.01799
    assert score("transport_lorry_artic_33t", amount=100) == pytest.approx(100 * artic, rel=1e-6)
    # rigid 7.5-17 t: CO2 0.35979, CH4 0.00008/28, N2O 0.00375/265, WTT 0.09246 (published)
    rigid = 0.35979 + 0.00008 / 28 * CH4 + 0.00375 / 265 * N2O + 0.09246
    assert score("transport_lorry_rigid_7_5_17t") == pytest.approx(rigid, rel=1e-6)


def test_transport_pipeline_physics(bw_open):
    head = 0.015 * (1000 / 0.5) * 1.5**2 / (2 * 9.81)  # Darcy-Weisbach, m per km
    kwh = 1000 * 9.81 * head / 0.7 / 3.6e6
    assert score("pipeline_water_pumping_dk") == pytest.approx(kwh * EL_DK_2024, rel=1e-6)


# -------------------------------------------------------------------------- minerals
def test_minerals_clinker_and_cement(bw_open):
    assert score("clinker") == pytest.approx(CLINKER, rel=1e-5)
    cem1 = 0.95 * CLINKER + 0.05 * AGGREGATES + 0.0475 * EL_EU27_2024
    assert score("cement_portland") == pytest.approx(cem1, rel=1e-5)
    assert score("gypsum_mined", amount=1000) == pytest.approx(7.79306, rel=1e-6)


def test_minerals_clinker_monte_carlo_stays_in_ipcc_range(bw_open):
    import bw2calc as bc
    import bw2data as bd

    # Only the process CO2 varies in clinker's climate score: triangular 0.507-0.52.
    lca = bc.LCA(
        {bd.get_node(database="lcasym-open", code="clinker"): 1}, EF_CC, use_distributions=True
    )
    lca.lci()
    lca.lcia()
    scores = [lca.score] + [(next(lca), lca.score)[1] for _ in range(20)]
    assert all(CLINKER - 0.013 - 1e-6 <= s <= CLINKER + 1e-6 for s in scores)
    assert len({round(s, 9) for s in scores}) > 1


# ------------------------------------------------------------------------- chemicals
def test_chemicals_ammonia_and_nitric_acid(bw_open):
    assert score("ammonia") == pytest.approx(AMMONIA, rel=1e-6)
    nitric = 17.031 / 63.013 * AMMONIA + 2.5e-3 * N2O
    assert score("nitric_acid") == pytest.approx(nitric, rel=1e-6)


def test_chemicals_sulfuric_acid_so2(bw_open):
    # EMEP/EEA 7 kg SO2/t H2SO4 × 1.31 mol H+ eq/kg; sulfur from Claus is burden-free
    assert score("sulfuric_acid", EF_ACID) == pytest.approx(7e-3 * 1.31, rel=1e-6)


# ----------------------------------------------------------------------- fertilisers
def test_fertilisers_nitrogen_as_ammonium_nitrate(bw_open):
    nitric = 17.031 / 63.013 * AMMONIA + 2.5e-3 * N2O
    an = 17.031 / 80.043 * AMMONIA + 63.013 / 80.043 * nitric + 0.5 * NG_BURNT
    assert score("ammonium_nitrate") == pytest.approx(an, rel=1e-6)
    assert score("fertiliser_n_as_ammonium_nitrate") == pytest.approx(
        an * 80.043 / 28.014, rel=1e-6
    )
    urea_per_n = 60.056 / 28.014 * 2 * 17.031 / 60.056 * AMMONIA
    assert score("fertiliser_n_as_urea") == pytest.approx(urea_per_n, rel=1e-6)


# ------------------------------------------------------------------------------ feed
def test_feed_soybean_meal_and_protein(bw_open):
    # 0.28 kg CO2 fossil (Escobar 2020 10th percentile) + 0.47 kg CO2 from soil or biomass
    # stock (90th percentile 0.75 − 0.28): CF 1 in both; only the 0.47 is LULUC
    assert score("soybean_meal") == pytest.approx(0.75, rel=1e-6)
    assert score("pig_feed_protein") == pytest.approx(0.75 / 0.44, rel=1e-6)
    luluc = ("EF v3.1", "climate change: land use and land use change", EF_CC[2])
    fossil = ("EF v3.1", "climate change: fossil", EF_CC[2])
    assert score("soybean_meal", luluc) == pytest.approx(0.47, rel=1e-6)
    assert score("soybean_meal", fossil) == pytest.approx(0.28, rel=1e-6)


# ----------------------------------------------------------------------------- water
def test_water_abstraction_and_tap_water(bw_open):
    assert score("water_groundwater_abstraction_dk") == pytest.approx(0.48 * EL_DK_2024)
    assert score("water_surface_abstraction_dk") == pytest.approx(0.37 * EL_DK_2024)
    # 1 m3 consumed, booked as 'Water' (air): EF v3.1 AWARE global CF 42.95 m3 world-eq/m3
    water = (
        "EF v3.1",
        "water use",
        "user deprivation potential (deprivation-weighted water consumption)",
    )
    assert score("water_groundwater_abstraction_dk", water) == pytest.approx(42.95, rel=1e-6)


def test_coal_resource_reads_one_mj_per_mj(bw_open):
    # 1/18.01 kg 'Coal, hard, unspecified' × its EF v3.1 CF 18.01 MJ/kg = 1 MJ ADP-fossil
    assert score("hard_coal_supply", EF_FOSSIL) == pytest.approx(1.0, rel=1e-6)
    assert score("tap_water", amount=1000) == pytest.approx(191.30, rel=1e-6)


# ------------------------------------------------------------------- waste treatment
def test_waste_landfill_and_incineration(bw_open):
    coll = 4.68568e-3
    non_haz = coll + (520.5327e-3 - coll) / 28 * CH4_BIO  # DESNZ total, CH4 split at AR5
    assert score("landfill_non_hazardous") == pytest.approx(non_haz, rel=1e-6)
    haz = coll + 0.01 * 0.5 * 1.0 * 0.5 * 16 / 12 * CH4_BIO  # IPCC Tier 1, derived
    assert score("landfill_hazardous") == pytest.approx(haz, rel=1e-6)
    inc = 0.5 * 0.9 * 44 / 12 + 1e-4 * N2O + coll
    assert score("incineration_industrial_waste") == pytest.approx(inc, rel=1e-6)
    assert score("wastewater_treatment") == pytest.approx(0.17088, rel=1e-6)
