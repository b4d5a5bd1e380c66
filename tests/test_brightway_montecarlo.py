"""A Brightway Monte Carlo of lcasym's foreground reproduces lcasym's own distribution.

The tiny network (examples/tiny.yaml) with one uncertain parameter: the displacement factor
of the gypsum exchange, triangular(min 0.6, mode 0.9, max 1.0). Only the baseline's
receiver edge (1e6 kg mined gypsum × DF) depends on it, so

    avoided(DF) = 32,153.33 − 7,793.06 + 7,793.06 · DF        (kg CO2-eq/yr)

(hand figures from the header of examples/tiny.yaml; 7,793.06 = 1e6 kg × λ_gypsum). The
triangular quantiles follow from its CDF, F(x) = (x − a)² / ((b − a)(c − a)) below the mode
and 1 − (b − x)² / ((b − a)(b − c)) above it:

    P5  = 0.6 + √(0.05 · 0.12) = 0.677460
    P50 = 0.6 + √(0.50 · 0.12) = 0.844949
    P95 = 1.0 − √(0.05 · 0.04) = 0.955279

Both lcasym's draws and bw2calc's (``use_distributions=True`` on the foreground databases,
the background's own distributions left out) must match them within sampling error: the
standard error of a quantile is √(p(1 − p)/N) / f(x_p); we allow 4 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lcasym.inventory import naming
from lcasym.io import read_network
from lcasym.network.model import Distribution, Uncertainty
from lcasym.paths import examples_dir

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
TINY_AVOIDED = 32_153.33  # examples/tiny.yaml header
GYPSUM_DISPLACED = 7_793.06  # 1e6 kg × λ_gypsum, examples/tiny.yaml header
A, C, B = 0.6, 0.9, 1.0  # triangular min, mode, max
DRAWS = 2000
# (p, analytic p-quantile of DF)
QUANTILES = [
    (0.05, A + math.sqrt(0.05 * (B - A) * (C - A))),
    (0.50, A + math.sqrt(0.50 * (B - A) * (C - A))),
    (0.95, B - math.sqrt(0.05 * (B - A) * (B - C))),
]


def _density(x: float) -> float:
    if x <= C:
        return 2 * (x - A) / ((B - A) * (C - A))
    return 2 * (B - x) / ((B - A) * (B - C))


def _avoided(df: float) -> float:
    return TINY_AVOIDED - GYPSUM_DISPLACED + GYPSUM_DISPLACED * df


def _tolerance(p: float, x: float) -> float:
    """Four standard errors of the p-quantile of DRAWS draws, in kg CO2-eq."""
    return 4 * math.sqrt(p * (1 - p) / DRAWS) / _density(x) * GYPSUM_DISPLACED


@pytest.fixture
def uncertain_tiny():
    tiny = read_network(examples_dir() / "tiny.yaml", validate=False)
    gypsum = tiny.exchanges[0]
    assert gypsum.id == "tiny-gypsum" and gypsum.uncertainty is None
    assert all(e.uncertainty is None for e in tiny.exchanges)
    displaces = gypsum.displaces.model_copy(update={"displacement_factor": C})
    gypsum = gypsum.model_copy(
        update={
            "displaces": displaces,
            "uncertainty": Uncertainty(
                displacement_factor=Distribution(distribution="triangular", min=A, max=B)
            ),
        }
    )
    return tiny.model_copy(update={"exchanges": [gypsum, *tiny.exchanges[1:]]})


def _brightway_draws(plan, seed: int) -> np.ndarray:
    """bw2calc Monte Carlo of baseline − symbiosis, sampling the foreground's distributions."""
    import bw2calc as bc
    import bw2data as bd

    def lca_of(database: str, use_distributions: bool):
        demand = {bd.get_node(database=database, code=naming.NETWORK_CODE): 1.0}
        fu, objs, remapping = bd.prepare_lca_inputs(demand, method=GWP, remapping=True)
        foreground = set(plan.databases)
        assert database in {o.metadata.get("name") for o in objs}
        # keep the background deterministic: drop its distributions resources
        objs = [
            o if o.metadata.get("name") in foreground else o.exclude({"kind": "distributions"})
            for o in objs
        ]
        lca = bc.LCA(
            fu,
            data_objs=objs,
            remapping_dicts=remapping,
            use_distributions=use_distributions,
            seed_override=seed,
        )
        lca.lci()
        lca.lcia()
        return lca

    sym = lca_of(plan.database("symbiosis"), False).score
    lca = lca_of(plan.database("baseline"), True)
    base = np.empty(DRAWS)
    for i in range(DRAWS):
        next(lca)
        base[i] = lca.score
    return base - sym


def test_bw2calc_monte_carlo_reproduces_lcasym_percentiles(bw_scratch_project, uncertain_tiny):
    import bw2data as bd

    from lcasym.api import calculate
    from lcasym.inventory.build import build_foreground

    result = calculate(
        uncertain_tiny, methods=[GWP], draws=DRAWS, seed=7, project=bw_scratch_project.project
    )
    unc = result.uncertainty
    row = unc[(unc["quantity"] == "avoided") & (unc["entity"] == "network")].iloc[0]
    assert row["deterministic"] == pytest.approx(_avoided(C), rel=1e-6)

    plan = build_foreground(uncertain_tiny)
    node = bd.get_node(
        database=plan.database("baseline"), code=naming.exchange_code("tiny-gypsum", "receiver")
    )
    (edge,) = [e for e in node.technosphere() if e.input["code"] == "gypsum_mined"]
    # 1,000 t × SR 1 × DF: triangular(0.6, 0.9, 1.0) scaled by 1e6 kg
    assert edge["uncertainty type"] == 5
    assert (edge["minimum"], edge["loc"], edge["maximum"]) == pytest.approx((6e5, 9e5, 1e6))

    bw = _brightway_draws(plan, seed=11)
    for p, x in QUANTILES:
        expected = _avoided(x)
        tol = _tolerance(p, x)
        ours = row[f"P{round(p * 100)}"]
        theirs = float(np.quantile(bw, p))
        assert ours == pytest.approx(expected, abs=tol), (p, ours, expected)
        assert theirs == pytest.approx(expected, abs=tol), (p, theirs, expected)
