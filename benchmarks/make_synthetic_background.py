"""Generate an ecoinvent-sized synthetic Brightway background and a 20-exchange network.

At ``--scale 1``: 20,000 activities, ~250,000 technosphere and ~500,000 biosphere
exchanges (lognormal uncertainty on all of them), 2,000 biosphere flows, 25 methods, all
written as an ordinary bw2data project (SQLite + processed datapackages), so a plain
bw2calc LCA and lcasym's engine read the same data. Deterministic from ``--seed``.

Structure, local like ecoinvent's (a random sparse graph would make LU fill-in explode):
activity j takes ~12 inputs, 30 % from 200 "hub" products (energy, transport; the hubs
buy from each other, with loops), the rest from nearby activities below j, plus ~4 %
back-edges inside blocks of 20 activities (more loops). Column sums of inputs stay below
0.8, so the system is productive. Activities 0-9 are transport (t·km), the rest kg.

Usage: python benchmarks/make_synthetic_background.py --dir /tmp/lcasym-bench [--scale 1]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

BG, BIO = "synthetic-bg", "synthetic-bio"
N_ACT, N_TECH, N_BIO, N_FLOWS, N_METHODS = 20_000, 250_000, 500_000, 2_000, 25
N_TRANSPORT = 10
VERSION = 2
N_HUBS = 200  # basic products (energy, transport...) everybody buys from


def project_name(scale: float, seed: int) -> str:
    return f"lcasym-bench-{scale:g}-{seed}"


def methods() -> list[tuple[str, str]]:
    return [("synthetic", f"method {m:02d}") for m in range(N_METHODS)]


def unit_of(i: int) -> str:
    return "ton kilometer" if i < N_TRANSPORT else "kilogram"


def _uncertainty(amounts: np.ndarray, gsd: np.ndarray) -> list[dict]:
    loc = np.log(np.abs(amounts))
    scale = np.log(gsd)
    return [
        {"uncertainty type": 2, "loc": float(a), "scale": float(b)}
        for a, b in zip(loc, scale, strict=True)
    ]


def background_data(scale: float, seed: int) -> tuple[dict, dict, dict]:
    rng = np.random.default_rng(seed)
    n = max(50, int(N_ACT * scale))
    n_flows = max(20, int(N_FLOWS * scale)) if scale < 1 else N_FLOWS
    per_tech = N_TECH / N_ACT
    per_bio = N_BIO / N_ACT
    bio = {
        (BIO, f"f{k}"): {
            "name": f"flow {k}",
            "unit": "kilogram",
            "type": "emission",
            "categories": ("air",),
        }
        for k in range(n_flows)
    }
    data = {}
    for j in range(n):
        k = rng.poisson(per_tech)
        hub = rng.random(k) < 0.3
        back = rng.random(k) < 0.04
        block = (j // 20) * 20  # loops stay inside blocks of 20, or among the hubs
        local = j - 1 - rng.geometric(1 / 30, k)
        inputs = np.where(hub | (j < N_HUBS), rng.integers(0, N_HUBS, k), local)
        inputs = np.where(back & (j >= N_HUBS), rng.integers(block, block + 20, k), inputs)
        inputs = np.clip(inputs, 0, n - 1)
        inputs = np.unique(inputs[inputs != j])
        amounts = rng.uniform(0.01, 1.0, len(inputs))
        amounts *= rng.uniform(0.3, 0.8) / max(amounts.sum(), 1e-9)
        flows = np.unique(rng.integers(0, n_flows, rng.poisson(per_bio)))
        emissions = rng.lognormal(-3, 1.5, len(flows))
        gsd_t, gsd_b = rng.uniform(1.05, 1.5, len(inputs)), rng.uniform(1.05, 1.5, len(flows))
        exchanges = [{"input": (BG, f"a{j}"), "amount": 1.0, "type": "production"}]
        exchanges += [
            {"input": (BG, f"a{i}"), "amount": float(a), "type": "technosphere", **u}
            for i, a, u in zip(inputs, amounts, _uncertainty(amounts, gsd_t), strict=True)
        ]
        exchanges += [
            {"input": (BIO, f"f{f}"), "amount": float(a), "type": "biosphere", **u}
            for f, a, u in zip(flows, emissions, _uncertainty(emissions, gsd_b), strict=True)
        ]
        data[(BG, f"a{j}")] = {
            "name": f"activity {j}",
            "unit": unit_of(j),
            "location": "GLO",
            "reference product": f"product {j}",
            "exchanges": exchanges,
        }
    cfs = {}
    for m in methods():
        chosen = rng.choice(n_flows, size=max(5, n_flows // 7), replace=False)
        cfs[m] = [
            ((BIO, f"f{f}"), float(v))
            for f, v in zip(chosen, rng.lognormal(0, 2, len(chosen)), strict=True)
        ]
    return bio, data, cfs


def network_dict(scale: float, seed: int) -> dict:
    """20 exchanges between 10 facilities, all targets in the synthetic background."""
    rng = np.random.default_rng(seed + 1)
    n = max(50, int(N_ACT * scale))
    pick = lambda: f"a{int(rng.integers(N_TRANSPORT, n))}"  # noqa: E731
    facilities = [
        {
            "id": f"F{f}",
            "name": f"facility {f}",
            "sector": "industry",
            "inventory": [
                {"activity": pick(), "amount": float(rng.uniform(1, 50)), "unit": "t"}
                for _ in range(3)
            ],
        }
        for f in range(10)
    ]
    exchanges = []
    for k in range(20):
        s, r = rng.choice(10, 2, replace=False)
        exchanges.append(
            {
                "id": f"X{k}",
                "supplier": f"F{s}",
                "receiver": f"F{r}",
                "kind": "material",
                "flow": f"by-product {k}",
                "amount": float(rng.uniform(100, 1000)),
                "unit": "t",
                "displaces": {
                    "activity": pick(),
                    "ratio": float(rng.uniform(0.5, 1.0)),
                    "displacement_factor": float(rng.uniform(0.5, 1.0)),
                },
                "avoided_treatment": {"activity": pick()},
                "transport": [
                    {
                        "activity": f"a{int(rng.integers(0, N_TRANSPORT))}",
                        "distance": float(rng.uniform(5, 200)),
                    }
                ],
                "extra_inputs": [
                    {
                        "activity": pick(),
                        "amount": float(rng.uniform(1, 20)),
                        "unit": "kg",
                        "per": "unit_exchanged",
                    }
                ],
                "uncertainty": {
                    "amount": {"distribution": "normal", "sd": float(rng.uniform(5, 50))},
                    "ratio": {"distribution": "uniform", "min": 0.4, "max": 1.0},
                    "displacement_factor": {"distribution": "triangular", "min": 0.3, "max": 1.0},
                    "distance": {"distribution": "lognormal", "gsd": 1.3},
                },
            }
        )
    return {
        "network": {
            "id": "bench",
            "name": "synthetic network",
            "reporting_year": 2025,
            "background": {"database": BG},
        },
        "facilities": facilities,
        "exchanges": exchanges,
    }


class StandInIndex:
    """Resolves codes of the synthetic background (unit from the code)."""

    def resolve(self, ref, *, default_database: str):
        from lcasym.background.resolve import ActivityInfo

        i = int(ref.code[1:])
        return ActivityInfo(BG, ref.code, f"activity {i}", f"product {i}", "GLO", unit_of(i))


def ensure_methods(directory: Path, *, scale: float = 1.0, seed: int = 1) -> int:
    """Write the 25 synthetic methods again if any is missing; return how many were written.

    ``lcasym setup`` on this project (which ``bench_scale.py`` needs) currently deletes every
    LCIA method it did not write when it (re)creates biosphere3.
    """
    import bw2data as bd

    from lcasym.background.project import brightway_project

    with brightway_project(project_name(scale, seed), directory):
        if all(m in bd.methods for m in methods()):
            return 0
        _bio, _data, cfs = background_data(scale, seed)
        for m, values in cfs.items():
            method = bd.Method(m)
            method.register(unit="points")
            method.write(values)
        return len(cfs)


def load_network(directory: Path):
    from lcasym.inventory.plan import plan_foreground
    from lcasym.network.model import SymbiosisNetwork

    network = SymbiosisNetwork.model_validate(json.loads((directory / "network.json").read_text()))
    return network, plan_foreground(network, StandInIndex())


def build(directory: Path, *, scale: float = 1.0, seed: int = 1) -> str:
    """Write the background, methods and network foreground; return the project name."""
    import bw2data as bd

    from lcasym.background.project import brightway_project
    from lcasym.inventory.writer import write_foreground

    directory.mkdir(parents=True, exist_ok=True)
    name = project_name(scale, seed)
    (directory / "network.json").write_text(json.dumps(network_dict(scale, seed)))
    with brightway_project(name, directory):
        stored = tuple(bd.databases[BG].get("bench_seed") or ()) if BG in bd.databases else ()
        if stored == (seed, VERSION):  # bw2data gives the stored tuple back as a list
            return name
        t0 = time.perf_counter()
        bio, data, cfs = background_data(scale, seed)
        t1 = time.perf_counter()
        bd.Database(BIO).write(bio)
        bd.Database(BG).write(data)
        for m, values in cfs.items():
            method = bd.Method(m)
            method.register(unit="points")
            method.write(values)
        network, plan = load_network(directory)
        write_foreground(plan, network, force=True)
        meta = bd.databases[BG]
        meta["bench_seed"] = (seed, VERSION)
        bd.databases[BG] = meta
        n_tech = sum(len(d["exchanges"]) for d in data.values()) - len(data)
        print(
            f"generated {len(data):,} activities, ~{n_tech:,} exchanges, {len(bio):,} flows, "
            f"{len(cfs)} methods in {t1 - t0:.1f} s; written in "
            f"{time.perf_counter() - t1:.1f} s"
        )
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/lcasym-bench"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(build(args.dir, scale=args.scale, seed=args.seed))


if __name__ == "__main__":
    main()
