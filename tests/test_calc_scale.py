"""The engine at scale, without Brightway: sparse coefficients, block-wise statistics, memory.

Networks of n exchanges on the tiny background's activities (``test_calc_fixtures``),
with the hand-derived unit scores ``LAMBDA`` (GWP, WATER), so every number here can be
checked against a direct evaluation of the formulas in ``lcasym.calc.evaluate``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from test_calc_fixtures import LAMBDA, background_index

from lcasym.calc import evaluate_plan, run_monte_carlo
from lcasym.calc.evaluate import SlotCoefficients, UnitScores, compile_plan
from lcasym.calc.montecarlo import check_memory, estimate_memory
from lcasym.calc.sampling import quantile, sample_chunk
from lcasym.errors import MemoryLimitError
from lcasym.inventory.plan import plan_foreground
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.assemble import assemble_result
from lcasym.results.tables import credit_function

CODES = list(LAMBDA)
METHODS = (("calc", "GWP"), ("calc", "WATER"))


def network(n: int, seed: int = 0) -> SymbiosisNetwork:
    """n exchanges between n // 4 + 2 facilities, each with distributions."""
    rng = np.random.default_rng(seed)
    n_fac = n // 4 + 2
    facilities = [
        {"id": f"F{f}", "name": f"f{f}", "sector": "x",
         "inventory": [{"activity": "gas", "amount": 1.0 + f, "unit": "GJ"}]}
        for f in range(n_fac)
    ]  # fmt: skip
    exchanges = []
    for k in range(n):
        s, r = rng.choice(n_fac, 2, replace=False)
        exchanges.append({
            "id": f"X{k}", "supplier": f"F{s}", "receiver": f"F{r}",
            "kind": ["material", "waste", "energy", "water"][k % 4], "flow": f"flow {k}",
            "amount": float(rng.uniform(10, 100)), "unit": "t",
            "displaces": {"activity": "gypsum", "ratio": float(rng.uniform(0.5, 1))},
            "avoided_treatment": {"activity": "landfill"},
            "transport": [{"activity": "lorry", "distance": float(rng.uniform(5, 50))}],
            "extra_inputs": [{"activity": "el", "amount": 2.0, "unit": "kWh",
                              "per": "unit_exchanged"}],
            "uncertainty": {
                "amount": {"distribution": "normal", "sd": 5.0},
                "ratio": {"distribution": "uniform", "min": 0.4, "max": 1.0},
                "distance": {"distribution": "lognormal", "gsd": 1.3},
            },
        })  # fmt: skip
    return SymbiosisNetwork.model_validate(
        {
            "network": {"id": f"s{n}", "name": "scale", "reporting_year": 2020,
                        "background": {"database": "calc-bg"}},
            "facilities": facilities,
            "exchanges": exchanges,
        }
    )  # fmt: skip


@dataclass
class System:
    """What the Monte Carlo needs of an LcaSystem, from the hand-derived unit scores."""

    scores: UnitScores
    methods: tuple = METHODS
    method_units: tuple = ("kg CO2-eq", "m3")
    background: None = None

    def scores_of(self, keys):
        return self.scores.scores_of(keys)


def system() -> System:
    keys = [("calc-bg", c) for c in CODES]
    values = np.array([LAMBDA[c] for c in CODES])
    return System(UnitScores({k: i for i, k in enumerate(keys)}, values, METHODS))


def dense_k(compiled, target_scores) -> np.ndarray:
    """K[g, slot, m] = Σ_{e∈g, slot} sign_e c_e λ_t(e),m, straight from the definition."""
    k = np.zeros((len(compiled.groups), compiled.n_slots, target_scores.shape[1]))
    for g, t, slot, c in zip(compiled.edge_group, compiled.edge_target, compiled.edge_slot,
                             compiled.edge_coef, strict=True):  # fmt: skip
        k[g, slot] += c * target_scores[t]
    return k


def test_sparse_coefficients_equal_the_definition():
    plan = plan_foreground(network(12), background_index())
    compiled = compile_plan(plan)
    lam = system().scores_of(compiled.targets)
    k = compiled.coefficients(lam)
    assert isinstance(k, SlotCoefficients)
    assert k.shape == (len(compiled.groups), compiled.n_slots, 2)
    reference = dense_k(compiled, lam)
    np.testing.assert_allclose(np.asarray(k), reference, rtol=1e-14, atol=0)
    # the totals from the sparse K equal the legacy dense formula
    np.testing.assert_allclose(
        compiled.total_coefficients(k), compiled.total_coefficients(reference), rtol=1e-13
    )
    # components from sparse and dense K agree draw by draw
    x = np.array([[p.value * (1 + 0.1 * d) for p in plan.parameters] for d in range(3)])
    sparse_c = compiled.components(x, k, METHODS)
    dense_c = compiled.components(x, reference, METHODS)
    for f in ("displaced", "treatment", "extra", "transport", "forgone", "own"):
        np.testing.assert_allclose(getattr(sparse_c, f), getattr(dense_c, f), rtol=1e-13)
    # demand on the targets · λ = the totals (the background Monte Carlo's route)
    tc = compiled.target_coefficients()
    demand = compiled.products(x) @ tc.reshape(len(compiled.groups), -1)
    via_demand = np.einsum("dts,tm->dsm", demand.reshape(3, -1, 3), lam)
    np.testing.assert_allclose(via_demand, compiled.totals(x, k.totals), rtol=1e-12)


def test_memory_grows_with_the_edges():
    # nnz(K) = entries per edge × methods: 10× the exchanges, ~10× the memory; a dense K
    # (groups × slots × methods) would grow 100×
    sizes = {}
    for n in (40, 400):
        compiled = compile_plan(plan_foreground(network(n), background_index()))
        k = compiled.coefficients(system().scores_of(compiled.targets))
        assert k.matrix.nnz <= len(compiled.edge_group) * 2
        sizes[n] = (k.matrix.nnz, len(compiled.groups) * compiled.n_slots * 2)
    assert 9 <= sizes[400][0] / sizes[40][0] <= 11
    assert sizes[400][1] / sizes[40][1] > 90


def test_vectorised_sampler_equals_per_parameter_quantiles():
    plan = plan_foreground(network(30), background_index())
    a = sample_chunk(plan.parameters, size=200, rng=np.random.default_rng(5))
    rng = np.random.default_rng(5)  # the documented order: one block of draws per parameter
    b = np.column_stack([
        np.full(200, p.value) if p.distribution is None else quantile(p, rng.random(200))
        for p in plan.parameters
    ])  # fmt: skip
    np.testing.assert_array_equal(a, b)


def stats_frame(result):
    u = result.uncertainty
    return u.set_index(["entity", "quantity", "method"]).sort_index()


@pytest.mark.parametrize("rule", ["receiver", "cff", "network"])
def test_block_statistics_equal_statistics_of_kept_components(rule, monkeypatch):
    import lcasym.calc.montecarlo as mc_module

    net = network(60)
    plan = plan_foreground(net, background_index())
    sys_ = system()
    scores = evaluate_plan(plan, sys_)
    credits = credit_function(net, rule)
    kept = run_monte_carlo(plan, sys_, draws=500, seed=4, keep="components", credits=credits)
    # small blocks: the statistics come from 60 / 7 blocks of exchanges
    monkeypatch.setattr(mc_module, "BLOCK_BYTES", 7 * 3 * 5 * 2 * 500 * 8)
    blocks = run_monte_carlo(plan, sys_, draws=500, seed=4, keep="statistics", credits=credits)
    assert (kept.kept, blocks.kept) == ("components", "statistics")
    assert blocks.components is None and blocks.exchange_net is None
    np.testing.assert_array_equal(kept.avoided, blocks.avoided)
    a, b = (assemble_result(net, plan, scores, units=sys_.method_units, crediting=rule, mc=m)
            for m in (kept, blocks))  # fmt: skip
    fa, fb = stats_frame(a), stats_frame(b)
    assert list(fa.index) == list(fb.index)
    n_fac = 0 if rule == "network" else len(net.facilities)
    assert len(fa) == (1 + 60 + n_fac) * 2  # network, every exchange, every facility
    cols = ["P5", "P50", "P95", "mean", "sd", "probability_better"]
    np.testing.assert_allclose(fa[cols].to_numpy(float), fb[cols].to_numpy(float), rtol=1e-10,
                               atol=1e-9)  # fmt: skip
    # and both equal numpy's statistics of the kept draws
    net_draws = kept.exchange_net[:, 5, 0]
    row = fa.loc[("X5", "net", "calc | GWP")]
    assert row["P5"] == pytest.approx(np.percentile(net_draws, 5), rel=1e-12)
    assert row["sd"] == pytest.approx(net_draws.std(ddof=1), rel=1e-12)


def test_auto_keeps_components_within_the_budget_and_statistics_above():
    net = network(40)
    plan = plan_foreground(net, background_index())
    sys_ = system()
    credits = credit_function(net, "receiver")
    small = run_monte_carlo(plan, sys_, draws=300, seed=1, keep="auto", credits=credits,
                            memory_budget=10_000)  # fmt: skip
    large = run_monte_carlo(plan, sys_, draws=300, seed=1, keep="auto", credits=credits)
    assert (small.kept, large.kept) == ("statistics", "components")
    np.testing.assert_allclose(small.credit_statistics.P50, large.credit_statistics.P50,
                               rtol=1e-12)  # fmt: skip
    assert small.memory_bytes < large.memory_bytes


def test_estimate_memory_and_refusal():
    # components of 10,000 exchanges × 1,000 draws × 26 methods would be ~20 GB; auto
    # switches to statistics: p_g per draw (4 per exchange) and credits, well under 4 GB
    kw = {"draws": 1_000, "n_exchanges": 10_000, "n_facilities": 1_000, "n_methods": 26}
    comps = estimate_memory(keep="components", **kw)
    auto = estimate_memory(**kw)
    assert comps > 15 * 2**30 and auto < 2 * 2**30
    # linear in draws
    assert estimate_memory(**{**kw, "draws": 2_000}) < 2.1 * auto
    # 10⁹ draws keep 3 totals per method and draw alone: 624 GB, refused up front
    huge = estimate_memory(**{**kw, "draws": 10**9})
    assert huge > 600e9
    with pytest.raises(MemoryLimitError, match="needs ~"):
        check_memory(huge, "a Monte Carlo run", available=24 * 2**30)
    check_memory(auto, "a Monte Carlo run", available=24 * 2**30)  # fits: no error


def test_progress_reports_every_chunk():
    plan = plan_foreground(network(10), background_index())
    calls = []
    run_monte_carlo(plan, system(), draws=2_500, seed=1, chunk_size=1_000,
                    progress=lambda d, t, w: calls.append((d, t, w)))  # fmt: skip
    assert calls == [(1_000, 2_500, "Monte Carlo draws"), (2_000, 2_500, "Monte Carlo draws"),
                     (2_500, 2_500, "Monte Carlo draws")]  # fmt: skip


def test_progress_true_shows_tqdm_bars(capsys):
    plan = plan_foreground(network(5), background_index())
    run_monte_carlo(plan, system(), draws=300, seed=1, chunk_size=100, progress=True)
    err = capsys.readouterr().err
    assert "Monte Carlo draws" in err and "300/300" in err
