"""Generate a synthetic industrial park as an operations inventory (deterministic from a seed).

Facilities are drawn from archetypes (power plant, refinery, steel works, chemical plant,
fermentation plant, plasterboard plant, cement works, concrete plant, greenhouse, fish
farm, town district heating, farm, wastewater plant, data centre, paper mill), each with
the offers and needs typical of its sector; quantities are lognormal around round central
values; coordinates are spread over a square of ``--side`` km. Every quantity is
SYNTHETIC: it illustrates the format and exercises discovery, it describes no real firm.

    python examples/make_synthetic_park.py                       # examples/synthetic_park.yaml
    python examples/make_synthetic_park.py -n 1000 --side 200 -o /tmp/register.yaml

``park(n, seed, side_km, with_currently)`` returns the plain data (the benchmark uses it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import yaml

SOURCE = "SYNTHETIC (examples/make_synthetic_park.py, seed {seed}): not a real firm"
CENTRE = (55.5, 10.5)  # lat, lon of the square's centre (an arbitrary point in Denmark)

# archetype -> (sector, offers, needs); an item: (flow, central amount, unit, extras)
ARCHETYPES: dict[str, tuple[str, list, list]] = {
    "power": ("electricity and heat", [
        ("waste_heat", 300_000, "MWh", {"temperature": 95, "hours_per_year": 7000,
                                         "cogeneration": True}),
        ("steam", 200_000, "t", {"pressure_bar": 12, "cogeneration": True}),
        ("fgd_gypsum", 60_000, "t", {"quality": "plasterboard"}),
        ("fly_ash", 80_000, "t", {"quality": "en450"}),
        ("cooling_water", 2_000_000, "m3", {"quality": "cooling"}),
    ], [("process_water", 300_000, "m3", {"quality": "process"})]),
    "refinery": ("petroleum refining", [
        ("sulfur", 5_000, "t", {}),
        ("sour_gas", 3_000, "t", {}),
        ("co2", 50_000, "t", {"quality": "purified"}),
        ("waste_heat", 80_000, "MWh", {"temperature": 130, "hours_per_year": 8000}),
    ], [("steam", 150_000, "t", {"pressure_bar": 10, "currently":
                                 "steam_natural_gas_boiler_per_kg"}),
        ("cooling_water", 1_000_000, "m3", {"quality": "cooling"})]),
    "steel": ("iron and steel", [
        ("slag", 200_000, "t", {"quality": "granulated"}),
        ("waste_heat", 150_000, "MWh", {"temperature": 180, "hours_per_year": 8000}),
    ], [("process_water", 500_000, "m3", {"quality": "process"})]),
    "chemicals": ("chemicals", [
        ("spent_solvent", 2_000, "t", {"properties": {"heating_value_mj_per_kg": 28}}),
        ("waste_heat", 40_000, "MWh", {"temperature": 70, "hours_per_year": 8000}),
        ("treated_wastewater", 400_000, "m3", {"quality": "cooling"}),
    ], [("steam", 60_000, "t", {"pressure_bar": 8}),
        ("process_water", 200_000, "m3", {"quality": "process", "price": 1.2})]),
    "fermentation": ("food and fermentation", [
        ("biomass_residue", 40_000, "t", {"quality": "feed_grade", "properties":
            {"crude_protein_fraction": 0.05, "nitrogen_fraction": 0.006,
             "methane_yield_m3_per_t": 30}}),
        ("biosludge", 20_000, "t", {"properties": {"nitrogen_fraction": 0.004}}),
    ], [("process_heat", 30_000, "MWh", {"temperature": 80, "price": 35})]),
    "plasterboard": ("plasterboard", [], [
        ("gypsum", 100_000, "t", {"quality": "plasterboard", "price": 15}),
        ("drying_heat", 60_000, "MWh", {"price": 30}),
    ]),
    "cement": ("cement", [], [
        ("cement_constituent", 150_000, "t", {"quality": "en450", "price": 40}),
        ("cement_raw_material", 200_000, "t", {"price": 6}),
        ("gypsum", 20_000, "t", {"price": 15}),
        ("liquid_fuel", 500_000, "GJ", {"price": 9}),
    ]),
    "concrete": ("ready-mix concrete", [], [
        ("concrete_binder", 40_000, "t", {"price": 90}),
        ("aggregates", 200_000, "t", {"price": 8}),
    ]),
    "greenhouse": ("horticulture", [], [
        ("greenhouse_heat", 40_000, "MWh", {"hours_per_year": 5000, "price": 30}),
        ("co2", 3_000, "t", {"quality": "purified", "price": 80}),
    ]),
    "fish": ("aquaculture", [], [("aquaculture_heat", 5_000, "MWh", {})]),
    "town": ("district heating", [], [
        ("space_heating", 150_000, "MWh", {"hours_per_year": 5000, "price": 40,
                                           "currently": "heat_natural_gas_boiler"}),
    ]),
    "farm": ("agriculture", [], [
        ("nitrogen_fertiliser", 300, "t", {"price": 900}),
        ("feed_protein", 1_000, "t", {"quality": "feed_grade", "price": 450}),
    ]),
    "wastewater": ("wastewater treatment", [
        ("treated_wastewater", 3_000_000, "m3", {"quality": "cooling"}),
        ("biosludge", 15_000, "t", {"properties": {"nitrogen_fraction": 0.005}}),
    ], [("gas_fuel", 20_000, "GJ", {})]),
    "datacentre": ("data centre", [
        ("waste_heat", 50_000, "MWh", {"temperature": 35, "hours_per_year": 8700}),
    ], []),
    "paper": ("pulp and paper", [
        ("waste_heat", 60_000, "MWh", {"temperature": 60, "hours_per_year": 8000}),
        ("waste_oil", 500, "t", {"properties": {"heating_value_mj_per_kg": 40}}),
    ], [("process_heat", 120_000, "MWh", {"temperature": 150, "price": 32}),
        ("process_water", 1_500_000, "m3", {"quality": "process"})]),
}  # fmt: skip
WEIGHTS = {
    "power": 2, "refinery": 1, "steel": 1, "chemicals": 3, "fermentation": 2,
    "plasterboard": 1, "cement": 1, "concrete": 2, "greenhouse": 3, "fish": 1, "town": 2,
    "farm": 5, "wastewater": 2, "datacentre": 2, "paper": 2,
}  # fmt: skip


def _item(rng, fid: str, k: int, flow: str, amount: float, unit: str, extra: dict, seed: int,
          with_currently: bool) -> dict:  # fmt: skip
    item = {"id": f"{fid}-{flow.replace('_', '-')}-{k}", "flow": flow,
            "amount": float(f"{amount * rng.lognormal(0.0, 0.5):.3g}"), "unit": unit}  # fmt: skip
    for key, value in extra.items():
        if key == "currently" and not with_currently:
            continue
        if key == "price":
            value = round(float(value * rng.uniform(0.7, 1.3)), 2)
        item[key] = value
    item["source"] = SOURCE.format(seed=seed)
    return item


def park(n: int = 40, seed: int = 7, side_km: float = 30.0, with_currently: bool = True) -> dict:
    """Plain inventory data of a synthetic park of ``n`` facilities."""
    rng = np.random.default_rng(seed)
    names = list(ARCHETYPES)
    p = np.array([WEIGHTS[a] for a in names], dtype=float)
    kinds = rng.choice(names, size=n, p=p / p.sum())
    km_per_deg_lat = 111.19
    km_per_deg_lon = km_per_deg_lat * np.cos(np.radians(CENTRE[0]))
    facilities = []
    for i, kind in enumerate(kinds):
        sector, offers, needs = ARCHETYPES[kind]
        fid = f"{kind}-{i:04d}"
        x, y = rng.uniform(-side_km / 2, side_km / 2, 2)
        facilities.append(
            {
                "id": fid,
                "name": f"synthetic {sector} {i}",
                "sector": sector,
                "location": "DK",
                "coordinates": {
                    "lat": round(float(CENTRE[0] + y / km_per_deg_lat), 5),
                    "lon": round(float(CENTRE[1] + x / km_per_deg_lon), 5),
                },
                "offers": [_item(rng, fid, k, *o, seed, with_currently)
                           for k, o in enumerate(offers)],
                "needs": [_item(rng, fid, k, *o, seed, with_currently)
                          for k, o in enumerate(needs)],
            }
        )  # fmt: skip
    return {
        "schema_version": "1.0",
        "park": {
            "id": f"synthetic-{n}",
            "name": f"Synthetic park of {n} facilities (seed {seed})",
            "country": "DK",
            "year": 2023,
            "currency": "EUR",
            "transport_cost": 0.1,
            "description": "SYNTHETIC data for testing and demonstration; no real firm.",
            "sources": [SOURCE.format(seed=seed)],
        },
        "facilities": facilities,
    }


def main() -> None:
    """Write the park to a YAML file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="number of facilities")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--side", type=float, default=30.0, help="side of the square, km")
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(__file__).with_name("synthetic_park.yaml"))  # fmt: skip
    args = parser.parse_args()
    data = park(args.n, args.seed, args.side)
    header = (
        f"# SYNTHETIC park of {args.n} facilities, generated by examples/make_synthetic_park.py "
        f"-n {args.n} --seed {args.seed} --side {args.side:g}.\n# Regenerate, do not edit.\n"
    )
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    args.output.write_text(header + text, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
