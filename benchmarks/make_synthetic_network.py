"""Generate a symbiosis network of any size on the synthetic background (deterministic).

``network_dict(n_exchanges, seed=1)`` returns a network (the dict of a network file) with
``n_exchanges`` exchanges between ``max(10, n_exchanges // 10)`` facilities, each exchange
like those of ``make_synthetic_background.network_dict``: a displaced product, an avoided
treatment, one transport leg, one extra input and distributions on amount, ratio,
displacement factor and distance (4 uncertain parameters, 5 edges per exchange), and three
own-inventory items per facility.

The activities come from fixed pools of the background, as in a real park: exchanges
displace common commodities, not a product of their own. Pools: 300 displaced products,
100 treatments, 100 extra inputs, the 10 transport activities, 300 inventory items (so at
most ~800 distinct background activities, whatever the number of exchanges).

Usage: python benchmarks/make_synthetic_network.py 1000 --out net-1000.json [--scale 1]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from make_synthetic_background import BG, N_ACT, N_TRANSPORT

POOLS = {"displaced": 300, "treatment": 100, "extra": 100, "inventory": 300}


def network_dict(n_exchanges: int, *, seed: int = 1, scale: float = 1.0) -> dict:
    """A network of ``n_exchanges`` exchanges on the synthetic background of ``scale``."""
    rng = np.random.default_rng(seed + 7)
    n_act = max(50, int(N_ACT * scale))
    pools = {
        name: rng.choice(np.arange(N_TRANSPORT, n_act), size=min(size, n_act - N_TRANSPORT),
                         replace=False)
        for name, size in POOLS.items()
    }  # fmt: skip

    def pick(pool: str) -> str:
        return f"a{int(rng.choice(pools[pool]))}"

    n_fac = max(10, n_exchanges // 10)
    facilities = [
        {
            "id": f"F{f}",
            "name": f"facility {f}",
            "sector": "industry",
            "inventory": [
                {"activity": pick("inventory"), "amount": float(rng.uniform(1, 50)), "unit": "t"}
                for _ in range(3)
            ],
        }
        for f in range(n_fac)
    ]
    exchanges = []
    for k in range(n_exchanges):
        s, r = rng.choice(n_fac, 2, replace=False)
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
                    "activity": pick("displaced"),
                    "ratio": float(rng.uniform(0.5, 1.0)),
                    "displacement_factor": float(rng.uniform(0.5, 1.0)),
                },
                "avoided_treatment": {"activity": pick("treatment")},
                "transport": [
                    {
                        "activity": f"a{int(rng.integers(0, N_TRANSPORT))}",
                        "distance": float(rng.uniform(5, 200)),
                    }
                ],
                "extra_inputs": [
                    {
                        "activity": pick("extra"),
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
            "id": f"scale{n_exchanges}",
            "name": f"synthetic network of {n_exchanges} exchanges",
            "reporting_year": 2025,
            "background": {"database": BG},
        },
        "facilities": facilities,
        "exchanges": exchanges,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exchanges", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    args.out.write_text(json.dumps(network_dict(args.exchanges, seed=args.seed, scale=args.scale)))
    print(args.out)


if __name__ == "__main__":
    main()
