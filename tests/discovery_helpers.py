"""Shared pieces of the discovery tests: small inventories and hand-chosen unit scores.

The unit scores replace the background: each activity of lcasym-open gets a round score
per unit of its own unit, so every expected number in the tests can be derived by hand.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import numpy as np

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")

# Score per unit of the activity's own unit (kg CO2-eq, and an acidification score).
LAMBDA = {
    "gypsum_mined": (0.01, 0.0001),  # per kg
    "landfill_inert": (0.002, 0.0),  # per kg
    "transport_lorry_hgv_average": (0.1, 0.01),  # per t·km
    "heat_natural_gas_boiler": (0.07, 0.00002),  # per MJ
    "heat_light_fuel_oil_household_furnace": (0.1, 0.0001),  # per MJ
    "heat_fish_pond": (0.09, 0.0),  # per MJ
    "clinker": (0.8, 0.001),  # per kg
    "cement_portland": (0.8, 0.001),  # per kg
    "gravel_crushed": (0.005, 0.0),  # per kg
    "water_groundwater_abstraction_dk": (0.3, 0.0),  # per m3
    "pipeline_water_pumping_dk": (0.05, 0.0),  # per t·km
    "electricity_grid_dk": (0.15, 0.0005),  # per kWh
    "fertiliser_n_as_ammonium_nitrate": (6.0, 0.01),  # per kg N
    "steam_natural_gas_boiler_per_kg": (0.2, 0.0),  # per kg
}


def unit_scores():
    """``(UnitScores, BackgroundIndex)`` over lcasym-open with the scores of LAMBDA (else 0)."""
    from lcasym.background.resolve import BackgroundIndex
    from lcasym.calc.evaluate import UnitScores

    index = BackgroundIndex.from_open_background()
    acts = index.activities()
    keys = {(a.database, a.code): i for i, a in enumerate(acts)}
    values = np.zeros((len(acts), 2))
    for a in acts:
        # A year-resolved series member (electricity_grid_dk_2023) scores as its series.
        code = re.sub(r"_\d{4}$", "", a.code) if a.code not in LAMBDA else a.code
        if code in LAMBDA:
            values[keys[(a.database, a.code)]] = LAMBDA[code]
    return UnitScores(keys, values, methods=(GWP, ACID)), index


BASE: dict[str, Any] = {
    "schema_version": "1.0",
    "park": {"id": "test-park", "name": "Test park", "country": "DK", "year": 2023},
    "facilities": [
        {"id": "plant", "name": "Power plant", "sector": "power", "location": "DK"},
        {"id": "board", "name": "Board plant", "sector": "plasterboard", "location": "DK"},
    ],
    "distances": [],
}


def inventory(facilities: list[dict], distances: list[tuple[str, str, float]]) -> dict:
    """Plain inventory data with these facilities and distance rows."""
    data = copy.deepcopy(BASE)
    data["facilities"] = facilities
    data["distances"] = [{"a": a, "b": b, "km": km} for a, b, km in distances]
    return data


def facility(fid: str, offers=(), needs=(), **extra) -> dict:
    """A facility record."""
    return {"id": fid, "name": fid, "sector": "industry", "location": "DK",
            "offers": list(offers), "needs": list(needs), **extra}  # fmt: skip


def discover_data(data: dict, **kwargs):
    """Run discovery on plain data with the hand-chosen unit scores."""
    from lcasym.discovery import discover
    from lcasym.discovery.reading import inventory_from_dict

    system, index = unit_scores()
    loaded = inventory_from_dict(data, "test.yaml")
    return discover(loaded, system=system, index=index, **kwargs)
