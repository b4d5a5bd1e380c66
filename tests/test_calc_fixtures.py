"""A tiny, hand-checkable Brightway project for the calculation engine's tests.

Import the fixtures from here (``from test_calc_fixtures import tiny, ...``).

Biosphere flows: co2 (kg), ch4 (kg), water (m3). Methods: GWP (co2 1, ch4 30) and
WATER (water 1). Background ``calc-bg`` (one column per activity; rows = products;
production on the diagonal, inputs negative)::

                 gas     el    gypsum  landfill  lorry
    gas  [MJ]     1     -2       0      -0.01     -1
    el   [kWh]  -0.05    1     -0.1       0        0
    gypsum [kg]   0      0       1        0        0
    landfill[kg]  0      0       0        1        0
    lorry [tkm]   0      0       0        0        1
    ---------------------------------------------------
    co2            0     0.5    0.02      0       0.07
    ch4           0.01    0       0      0.002     0
    water          0      2       1        0        0

gas and el form a loop. Unit scores λ = A⁻ᵀ Bᵀ c (λ_j = direct_j + Σ_i input_ij λ_i):

GWP:   λ_gas = 0.3 + 0.05 λ_el,  λ_el = 0.5 + 2 λ_gas  ⇒  λ_gas = 0.325/0.9 = 13/36,
       λ_el = 0.5 + 26/36 = 11/9;  λ_gypsum = 0.02 + 0.1·11/9;
       λ_landfill = 0.06 + 0.01·13/36;  λ_lorry = 0.07 + 13/36.
WATER: λ_el = 2 + 2 λ_gas, λ_gas = 0.05 λ_el  ⇒  λ_el = 2/0.9 = 20/9, λ_gas = 1/9;
       λ_gypsum = 1 + 0.1·20/9;  λ_landfill = 0.01/9;  λ_lorry = 1/9.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from lcasym.background.resolve import ActivityInfo, BackgroundIndex
from lcasym.inventory.plan import ForegroundPlan, plan_foreground
from lcasym.network.model import SymbiosisNetwork

BG = "calc-bg"
BIO = "calc-bio"
GWP = ("calc", "GWP")
WATER = ("calc", "WATER")
PROJECT = "lcasym-calc-tests"

LAMBDA = {  # hand-derived above: (GWP, WATER)
    "gas": (13 / 36, 1 / 9),
    "el": (11 / 9, 20 / 9),
    "gypsum": (0.02 + 0.1 * 11 / 9, 1 + 0.1 * 20 / 9),
    "landfill": (0.06 + 0.01 * 13 / 36, 0.01 / 9),
    "lorry": (0.07 + 13 / 36, 1 / 9),
}
UNITS = {
    "gas": "megajoule",
    "el": "kilowatt hour",
    "gypsum": "kilogram",
    "landfill": "kilogram",
    "lorry": "ton kilometer",
}


def background_index() -> BackgroundIndex:
    """The activities of ``calc-bg`` as lcasym.background.resolve sees them (no Brightway)."""
    return BackgroundIndex([ActivityInfo(BG, c, c, c, "GLO", u) for c, u in UNITS.items()])


def lognormal(amount: float, gsd: float = 1.1) -> dict:
    return {
        "uncertainty type": 2,
        "loc": math.log(abs(amount)),
        "scale": math.log(gsd),
        "negative": amount < 0,
    }


def write_background() -> None:
    import bw2data as bd

    bd.Database(BIO).write(
        {
            (BIO, f): {"name": f, "unit": u, "type": "emission", "categories": ("air",)}
            for f, u in (("co2", "kilogram"), ("ch4", "kilogram"), ("water", "cubic meter"))
        }
    )
    inputs = {
        "gas": [("el", 0.05), ("ch4", 0.01)],
        "el": [("gas", 2.0), ("co2", 0.5), ("water", 2.0)],
        "gypsum": [("el", 0.1), ("co2", 0.02), ("water", 1.0)],
        "landfill": [("gas", 0.01), ("ch4", 0.002)],
        "lorry": [("gas", 1.0), ("co2", 0.07)],
    }
    data = {}
    for code, items in inputs.items():
        exchanges = [{"input": (BG, code), "amount": 1.0, "type": "production"}]
        for other, amount in items:
            bio = other in ("co2", "ch4", "water")
            exchanges.append(
                {
                    "input": (BIO if bio else BG, other),
                    "amount": amount,
                    "type": "biosphere" if bio else "technosphere",
                    **lognormal(amount),
                }
            )
        data[(BG, code)] = {
            "name": code,
            "unit": UNITS[code],
            "location": "GLO",
            "reference product": code,
            "exchanges": exchanges,
        }
    bd.Database(BG).write(data)
    gwp = bd.Method(GWP)
    gwp.register(unit="kg CO2-eq")
    gwp.write([((BIO, "co2"), 1.0), ((BIO, "ch4"), 30.0)])
    water = bd.Method(WATER)
    water.register(unit="m3")
    water.write([((BIO, "water"), 1.0)])


def network(**gyp) -> SymbiosisNetwork:
    """Two facilities, two exchanges: gypsum (credit > extras) and slag (net burden)."""
    gypsum = {
        "id": "gyp",
        "supplier": "PP",
        "receiver": "PB",
        "kind": "material",
        "flow": "FGD gypsum",
        "amount": 100.0,
        "unit": "t",
        "displaces": {"activity": "gypsum", "ratio": 0.9, "displacement_factor": 0.5},
        "avoided_treatment": {"activity": "landfill"},
        "transport": [{"activity": "lorry", "distance": 20}],
        "extra_inputs": [
            {"activity": "el", "amount": 2.0, "unit": "kWh", "per": "unit_exchanged"},
            {"activity": "el", "amount": 1.0, "unit": "MWh", "per": "year"},
        ],
        "uncertainty": {
            "amount": {"distribution": "normal", "sd": 10.0},
            "ratio": {"distribution": "uniform", "min": 0.8, "max": 1.0},
            "displacement_factor": {"distribution": "triangular", "min": 0.2, "max": 0.8},
            "distance": {"distribution": "lognormal", "gsd": 1.3},
        },
    }
    gypsum.update(gyp)
    slag = {
        "id": "slag",
        "supplier": "PB",
        "receiver": "PP",
        "kind": "waste",
        "flow": "slag",
        "amount": 10.0,
        "unit": "t",
        "extra_burdens_borne_by": "supplier",
        "displaces": {"activity": "gypsum", "ratio": 0.1},
        "transport": [{"activity": "lorry", "distance": 500}],
    }
    return SymbiosisNetwork.model_validate(
        {
            "network": {
                "id": "t",
                "name": "T",
                "reporting_year": 2020,
                "background": {"database": BG},
            },
            "facilities": [
                {
                    "id": "PP",
                    "name": "power plant",
                    "sector": "energy",
                    "inventory": [{"activity": "gas", "amount": 10, "unit": "GJ"}],
                },
                {
                    "id": "PB",
                    "name": "plasterboard",
                    "sector": "building materials",
                    "inventory": [{"activity": "el", "amount": 5, "unit": "MWh"}],
                },
            ],
            "exchanges": [gypsum, slag],
        }
    )


def make_plan(**gyp) -> ForegroundPlan:
    return plan_foreground(network(**gyp), background_index())


@dataclass
class Tiny:
    directory: Path
    plan: ForegroundPlan
    system: object  # LcaSystem

    def project(self):
        from lcasym.background.project import brightway_project

        return brightway_project(PROJECT, self.directory)


def plain_score(key: tuple[str, str], method: tuple[str, ...]) -> float:
    """A plain bw2calc LCA of one unit of ``key`` (inside the project)."""
    import bw2calc as bc
    import bw2data as bd

    node = bd.get_node(database=key[0], code=key[1])
    demand, data_objs, _ = bd.prepare_lca_inputs({node: 1}, method=method)
    lca = bc.LCA(demand, data_objs=data_objs)
    lca.lci()
    lca.lcia()
    return float(lca.score)


@pytest.fixture(scope="session")
def tiny() -> Tiny:
    """The tiny project (written once per session), its plan and a loaded LcaSystem."""
    from lcasym.background.project import brightway_project
    from lcasym.calc import LcaSystem
    from lcasym.inventory.writer import write_foreground

    directory = Path(tempfile.mkdtemp(prefix="lcasym-calc-"))
    plan = make_plan()
    with brightway_project(PROJECT, directory):
        write_background()
        write_foreground(plan, network())
        system = LcaSystem.from_brightway(
            [plan.database("baseline"), plan.database("symbiosis")],
            methods=[GWP, WATER],
            use_distributions=True,
        )
    return Tiny(directory, plan, system)
