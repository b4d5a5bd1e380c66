"""End to end: ``lcasym.calculate`` on a tiny synthetic network, against hand numbers.

Runs in a throw-away copy of the session test project (``bw_project``: biosphere3, the
default LCIA families and the shipped background lcasym-open 2026.1).

Method: ('IPCC 2021', 'climate change', 'global warming potential (GWP100)'), CO2 fossil
CF = 1. Unit scores λ (kg CO2-eq per unit) of the lcasym-open activities used, as derived
in tests/test_examples.py and examples/tiny.yaml:
    gypsum_mined                 0.00779306 /kg   (DESNZ 2025 aggregates 7.79306 kg/t)
    landfill_inert               0.00126338 /kg   (DESNZ 2025 inert landfill)
    transport_lorry_hgv_average  0.125266267 /tkm
    tap_water                    0.1913 /m3       (DESNZ 2025 water supply)
    electricity_grid_dk_2023     0.14980719 /kWh  (Ember, DK 2023)
and the network's own custom activity virgin_aggregate: 0.01 kg CO2 fossil per kg → 0.01.

Exchanges (per year):
  e-gyp   A → B material 1,000 t, displaces gypsum 1:1, avoids inert landfill, lorry 10 km
          D = 1,000,000 kg · 0.00779306 = 7,793.06
          W = 1,000,000 kg · 0.00126338 = 1,263.38
          E = 1,000 t · 10 km · 0.125266267 = 1,252.66267
          net = 7,803.77733
  e-agg   B → C waste 200 t, displaces virgin_aggregate at ratio 0.5
          D = 100,000 kg · 0.01 = 1,000;  net = 1,000
  e-water B → C water 10,000 m3 (groundwater), displaces tap water; 2 kWh/m3 polishing
          D = 10,000 · 0.1913 = 1,913;  E = 20,000 kWh · 0.14980719 = 2,996.1438
          net = −1,083.1438 (net burden, never clipped)
Own inventory: C uses 1,000 kWh grid electricity: O_C = 149.80719 in both scenarios.

baseline  = 149.80719 + 7,793.06 + 1,000 + 1,913 + 1,263.38 = 12,119.24719
symbiosis = 149.80719 + 1,252.66267 + 2,996.1438           =  4,398.61366
avoided   = 7,803.77733 + 1,000 − 1,083.1438                =  7,720.63353

Receiver rule credits: A = W_gyp = 1,263.38; B = D_gyp − E_gyp = 6,540.39733;
C = 1,000 + (1,913 − 2,996.1438) = −83.1438; sum = 7,720.63353.

Brightway stores matrix values as float32 (relative error ≤ 6e-8), hence rel=1e-6.
"""

from __future__ import annotations

import json
import uuid

import pytest
import yaml

from lcasym import SymbiosisResult, calculate
from lcasym.errors import InputError
from lcasym.network.model import SymbiosisNetwork

pytestmark = pytest.mark.slow

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
GWP_LABEL = " | ".join(GWP)
REL = 1e-6

D = {"e-gyp": 7793.06, "e-agg": 1000.0, "e-water": 1913.0}
W = {"e-gyp": 1263.38, "e-agg": 0.0, "e-water": 0.0}
E = {"e-gyp": 1252.66267, "e-agg": 0.0, "e-water": 2996.1438}
OWN_C = 149.80719
BASELINE, SYMBIOSIS, AVOIDED = 12119.24719, 4398.61366, 7720.63353


def network_dict() -> dict:
    return {
        "network": {
            "id": "e2e",
            "name": "End-to-end test network",
            "reporting_year": 2023,
            "currency": "EUR",
            "background": {"database": "lcasym-open"},
        },
        "facilities": [
            {"id": "A", "name": "power station", "sector": "energy", "value_added": 1e6},
            {"id": "B", "name": "board plant", "sector": "materials", "value_added": 5e5},
            {
                "id": "C",
                "name": "greenhouse",
                "sector": "horticulture",
                "value_added": 5e5,
                "inventory": [
                    {"activity": "electricity_grid_dk_2023", "amount": 1000, "unit": "kWh"}
                ],
            },
        ],
        "custom_activities": [
            {
                "id": "virgin_aggregate",
                "name": "virgin aggregate (test)",
                "unit": "kilogram",
                "exchanges": [
                    {
                        "flow": {"name": "Carbon dioxide, fossil", "categories": ["air"]},
                        "amount": 0.01,
                    }
                ],
            },
        ],
        "exchanges": [
            {
                "id": "e-gyp",
                "supplier": "A",
                "receiver": "B",
                "kind": "material",
                "flow": "FGD gypsum",
                "amount": 1000,
                "unit": "t",
                "displaces": {"activity": "gypsum_mined"},
                "avoided_treatment": {"activity": "landfill_inert"},
                "transport": [{"activity": "transport_lorry_hgv_average", "distance": 10}],
                "economics": {
                    "price_paid": 1,
                    "avoided_purchase_cost": 10000,
                    "avoided_disposal_fee": 5000,
                    "exchange_costs": 2000,
                },
            },
            {
                "id": "e-agg",
                "supplier": "B",
                "receiver": "C",
                "kind": "waste",
                "flow": "crushed board waste",
                "amount": 200,
                "unit": "t",
                "displaces": {"activity": "virgin_aggregate", "ratio": 0.5},
            },
            {
                "id": "e-water",
                "supplier": "B",
                "receiver": "C",
                "kind": "water",
                "flow": "process water",
                "amount": 10000,
                "unit": "m3",
                "groundwater": True,
                "displaces": {"activity": "tap_water"},
                "extra_inputs": [
                    {
                        "activity": "electricity_grid_dk_2023",
                        "amount": 2,
                        "unit": "kWh",
                        "per": "unit_exchanged",
                    }
                ],
            },
        ],
    }


@pytest.fixture(scope="module")
def project(bw_project):
    """A module-wide copy of the session project (calculate writes foreground databases)."""
    from lcasym.background.project import brightway_project

    name = f"lcasym-e2e-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    yield {"project": name, "directory": bw_project.directory}
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.delete_project(name, delete_dir=True)


@pytest.fixture(scope="module")
def default_result(project) -> SymbiosisResult:
    return calculate(SymbiosisNetwork.model_validate(network_dict()), **project)


def row(frame, **where):
    for k, v in where.items():
        frame = frame[frame[k] == v]
    assert len(frame) == 1, where
    return frame.iloc[0]


def test_default_methods_are_ef31_and_ipcc(default_result):
    methods = default_result.methods
    assert len(methods) == 26  # 25 EF v3.1 categories + IPCC 2021 GWP100
    assert sum(m.startswith("EF v3.1 |") for m in methods) == 25
    assert GWP_LABEL in methods
    assert default_result.provenance["headline_method"] == GWP_LABEL


def test_totals_match_hand_derivation(default_result):
    t = row(default_result.totals, method=GWP_LABEL)
    assert t.reference == pytest.approx(BASELINE, rel=REL)
    assert t.with_exchanges == pytest.approx(SYMBIOSIS, rel=REL)
    assert t.avoided == pytest.approx(AVOIDED, rel=REL)
    assert t.unit == "kg CO2-Eq"


def test_exchanges_match_hand_derivation(default_result):
    ex = default_result.exchanges
    for xid in D:
        r = row(ex, exchange=xid, method=GWP_LABEL)
        assert r.displaced == pytest.approx(D[xid], rel=REL)
        assert r.treatment == pytest.approx(W[xid], rel=REL, abs=1e-9)
        assert r.extra == pytest.approx(E[xid], rel=REL, abs=1e-9)
        assert r.net == pytest.approx(D[xid] + W[xid] - E[xid], rel=REL)
    assert row(ex, exchange="e-water", method=GWP_LABEL).net < 0  # kept negative


def test_facility_credits_receiver_rule(default_result):
    fac = default_result.facilities
    assert row(fac, facility="A", method=GWP_LABEL).credit == pytest.approx(1263.38, rel=REL)
    assert row(fac, facility="B", method=GWP_LABEL).credit == pytest.approx(6540.39733, rel=REL)
    assert row(fac, facility="C", method=GWP_LABEL).credit == pytest.approx(-83.1438, rel=1e-5)
    c = row(fac, facility="C", method=GWP_LABEL)
    assert c.own_inventory == pytest.approx(OWN_C, rel=REL)
    for method in default_result.methods:  # shares add up for every method
        total = row(default_result.totals, method=method).avoided
        assert fac[fac.method == method].credit.sum() == pytest.approx(total, rel=1e-9, abs=1e-12)


def test_indicators_and_sdg(default_result):
    ind = default_result.indicators.set_index("indicator")
    net = ind[ind.entity == "network"]["value"]
    assert net["waste_diverted"] == pytest.approx(1000)  # e-gyp, 1,000 t no longer landfilled
    assert net["virgin_materials_avoided"] == pytest.approx(1100)  # 1,000 t gypsum + 100 t
    assert net["freshwater_withdrawal_avoided"] == pytest.approx(10000)
    assert net["groundwater_withdrawal_avoided"] == pytest.approx(10000)
    # 10,000 + 5,000 − 2,000 = 13,000 EUR (the 1,000 EUR paid for the gypsum is a transfer)
    assert net["cost_savings"] == pytest.approx(13000)
    sdg = default_result.sdg.set_index("id")
    gwp = sdg.loc["13.2-gwp"]  # EF v3.1 climate change is preferred by the mapping
    assert gwp.status == "ok" and gwp.indicator.startswith("EF v3.1 | climate change |")
    assert gwp.contribution == pytest.approx(gwp.reference - gwp.with_exchanges)
    assert gwp.statement == "contributes to target 13.2"
    # 9.4.1-style ratio: value added of all facilities = 2,000,000 EUR
    assert sdg.loc["9.4-co2-va"].unit.endswith("/ EUR")


def test_contributions_point_to_background_activities(default_result):
    c = default_result.contributions
    gyp = c[(c.exchange == "e-gyp") & (c.component == "displaced") & (c.method == GWP_LABEL)]
    assert not gyp.empty
    assert gyp.share.sum() == pytest.approx(1.0, rel=1e-6)  # one direct activity: 100 %
    assert (gyp.score.sum()) == pytest.approx(D["e-gyp"], rel=REL)


def test_provenance(default_result):
    prov = default_result.provenance
    for key in (
        "lcasym_version",
        "bw2data_version",
        "bw2calc_version",
        "bw2io_version",
        "background_database",
        "background_version",
        "methods",
        "crediting_rule",
        "seed",
        "draws",
        "date",
        "network_id",
        "reporting_year",
        "foreground_build_hash",
    ):
        assert key in prov, key
    assert prov["background_database"] == "lcasym-open"
    assert prov["background_version"]
    assert prov["seed"] == 1961 and prov["draws"] == 0
    assert json.dumps(default_result.to_json_dict())


def test_no_distributions_means_no_monte_carlo_and_a_flag(project):
    # No parameter has a distribution and background uncertainty is off: the 50 draws
    # asked for are not run (every draw would equal the deterministic result, a
    # zero-width "interval"); the result says so instead.
    result = calculate(
        SymbiosisNetwork.model_validate(network_dict()),
        methods=[GWP],
        crediting="cff",
        draws=50,
        seed=11,
        **project,
    )
    assert result.uncertainty.empty and result.draws == 0
    flags = result.flags[result.flags["flag"] == "no uncertainty data"]
    assert list(flags["entity"]) == ["network"]
    assert result.provenance["uncertainty"] == "no uncertainty data"
    assert result.provenance["draws_requested"] == 50
    assert result.headline()["P5"] is None
    # cff, A = 0.5 for material, waste and water exchanges:
    # B receives e-gyp: 0.5·(7,793.06 − 1,252.66267) = 3,270.198665
    # B supplies e-agg: 0 + 0.5·1,000 = 500, and e-water: 0.5·(1,913 − 2,996.1438) = −541.5719
    # B = 3,270.198665 + 500 − 541.5719 = 3,228.626765
    fac = result.facilities
    assert row(fac, facility="B", method=GWP_LABEL).credit == pytest.approx(3228.626765, rel=REL)


def test_monte_carlo_is_reproducible(project):
    data = network_dict()
    data["exchanges"][0]["uncertainty"] = {"amount": {"distribution": "normal", "sd": 100}}
    net = SymbiosisNetwork.model_validate(data)
    a = calculate(net, methods=[GWP], draws=64, seed=3, contributions_top=0, **project)
    b = calculate(net, methods=[GWP], draws=64, seed=3, contributions_top=0, **project)
    ua, ub = (row(r.uncertainty, entity="network", method=GWP_LABEL) for r in (a, b))
    assert ua["P5"] == ub["P5"] and ua["P95"] == ub["P95"]
    assert ua["P5"] < AVOIDED < ua["P95"]


def test_unknown_method_names_it_with_suggestion(project):
    with pytest.raises(InputError, match="did you mean") as info:
        calculate(
            SymbiosisNetwork.model_validate(network_dict()),
            methods=[("IPCC 2021", "climate change", "GWP100")],
            **project,
        )
    assert "IPCC 2021 | climate change | GWP100" in str(info.value)


def test_cli_calc_writes_xlsx_and_summary(project, tmp_path):
    from typer.testing import CliRunner

    from lcasym.cli.main import app

    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(network_dict()))
    out = tmp_path / "result.xlsx"
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "calc",
            str(path),
            "-m",
            GWP_LABEL,
            "-o",
            str(out),
            "--project",
            project["project"],
            "--dir",
            str(project["directory"]),
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.exists()
    # 7,720.63353 kg = 7.72 t CO2-eq/yr
    assert "avoided (reference − with the exchanges): 7.72 t CO2-eq/yr" in res.output


def test_cli_calc_json_to_stdout(project, tmp_path):
    from typer.testing import CliRunner

    from lcasym.cli.main import app

    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(network_dict()))
    args = ["calc", str(path), "-m", GWP_LABEL, "--crediting", "equal", "--project",
            project["project"], "--dir", str(project["directory"])]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)  # the summary goes to stderr, JSON alone to stdout
    assert data["provenance"]["crediting_rule"] == "equal"
    assert data["totals"][0]["avoided"] == pytest.approx(AVOIDED, rel=REL)
