"""Paired Monte Carlo: pairing, reproducibility, worker independence, background draws."""

import numpy as np
import pytest
from test_calc_fixtures import tiny  # noqa: F401

from lcasym.calc import evaluate_plan, run_monte_carlo, run_scenarios, sample_parameters

pytestmark = pytest.mark.slow


def test_paired_draws_and_summary(tiny):  # noqa: F811
    r = run_monte_carlo(
        tiny.plan,
        tiny.system,
        draws=5_000,
        seed=42,
        keep="components",
        keep_parameters=True,
        chunk_size=1_000,
    )
    assert r.baseline.shape == (5_000, 2) and r.exchange_net.shape == (5_000, 2, 2)
    scale = np.abs(r.baseline).max()
    np.testing.assert_allclose(r.avoided, r.baseline - r.symbiosis, rtol=0, atol=1e-12 * scale)
    # per draw, the totals are those of evaluate_plan at the drawn parameters
    direct = evaluate_plan(tiny.plan, tiny.system, values=r.parameters[:50])
    np.testing.assert_allclose(r.avoided[:50], direct.avoided_total, rtol=1e-12)
    np.testing.assert_allclose(r.components.exchange_net, r.exchange_net)
    # the parameter draws are those of sample_parameters with the same seed and chunk
    np.testing.assert_array_equal(
        r.parameters, sample_parameters(tiny.plan, draws=5_000, seed=42, chunk=1_000)
    )
    s = r.summary()
    assert list(s["method"]) == list(tiny.system.methods)
    row = s.iloc[0]
    assert row["avoided_p5"] < row["avoided_p50"] < row["avoided_p95"]
    assert 0.0 <= row["probability_better"] <= 1.0
    # GWP: gypsum credit ≈ 10.4 t vs slag burden ≈ 2.0 t: the symbiosis is better in
    # (nearly) every draw
    assert row["probability_better"] > 0.95
    assert r.seed == 42 and r.draws == 5_000 and r.workers == 1


def test_reproducible_by_seed(tiny):  # noqa: F811
    a = run_monte_carlo(tiny.plan, tiny.system, draws=3_000, seed=1, chunk_size=700)
    b = run_monte_carlo(tiny.plan, tiny.system, draws=3_000, seed=1, chunk_size=700)
    c = run_monte_carlo(tiny.plan, tiny.system, draws=3_000, seed=2, chunk_size=700)
    np.testing.assert_array_equal(a.avoided, b.avoided)
    assert not np.array_equal(a.avoided, c.avoided)


def test_identical_across_worker_counts(tiny):  # noqa: F811
    local = run_monte_carlo(
        tiny.plan, tiny.system, draws=4_000, seed=11, chunk_size=1_000, keep="exchanges"
    )
    cluster = run_monte_carlo(
        tiny.plan, tiny.system, draws=4_000, seed=11, chunk_size=1_000, keep="exchanges", workers=2
    )
    assert cluster.workers == 2 and cluster.execution == "local-cluster"
    np.testing.assert_array_equal(local.baseline, cluster.baseline)
    np.testing.assert_array_equal(local.avoided, cluster.avoided)
    np.testing.assert_array_equal(local.exchange_net, cluster.exchange_net)


def test_background_monte_carlo_reproducible(tiny):  # noqa: F811
    a = run_monte_carlo(tiny.plan, tiny.system, draws=30, seed=5, background=True)
    b = run_monte_carlo(tiny.plan, tiny.system, draws=30, seed=5, background=True)
    fg = run_monte_carlo(
        tiny.plan, tiny.system, draws=30, seed=5, chunk_size=10, keep_parameters=True
    )
    np.testing.assert_array_equal(a.avoided, b.avoided)
    scale = np.abs(a.baseline).max()
    np.testing.assert_allclose(a.avoided, a.baseline - a.symbiosis, atol=1e-12 * scale)
    # background uncertainty adds spread on top of the same foreground draws
    assert not np.allclose(a.avoided, fg.avoided)
    assert a.background and a.chunk_size == 10


def test_scenario_sweep_equals_evaluate(tiny):  # noqa: F811
    values = sample_parameters(tiny.plan, draws=200, seed=3)
    sweep = run_scenarios(tiny.plan, tiny.system, values=values, chunk_size=64)
    direct = evaluate_plan(tiny.plan, tiny.system, values=values)
    np.testing.assert_allclose(sweep.avoided, direct.avoided_total, rtol=1e-12)
    np.testing.assert_allclose(sweep.baseline, direct.baseline_total, rtol=1e-12)


def test_background_totals_path_equals_component_path(tiny):  # noqa: F811
    # keep="totals" solves A s = F for 3 demand vectors; keep="exchanges" goes through
    # per-target unit scores Λ: the same draws must give the same totals
    a = run_monte_carlo(tiny.plan, tiny.system, draws=12, seed=8, background=True)
    b = run_monte_carlo(tiny.plan, tiny.system, draws=12, seed=8, background=True, keep="exchanges")
    np.testing.assert_allclose(a.avoided, b.avoided, rtol=1e-9)
    np.testing.assert_allclose(a.baseline, b.baseline, rtol=1e-9)
    np.testing.assert_allclose(b.exchange_net.sum(axis=1), b.avoided, rtol=1e-9)


def test_local_cluster_is_kept_between_calls_and_background_draws_agree(tiny):  # noqa: F811
    from lcasym.calc.distributed import _CLUSTERS, close_clusters, worker_env

    local = run_monte_carlo(tiny.plan, tiny.system, draws=12, seed=2, background=True)
    a = run_monte_carlo(tiny.plan, tiny.system, draws=12, seed=2, background=True, workers=2)
    cluster = _CLUSTERS[2][0]
    b = run_monte_carlo(tiny.plan, tiny.system, draws=12, seed=2, background=True, workers=2)
    assert _CLUSTERS[2][0] is cluster  # the second call started no cluster
    assert a.execution == b.execution == "local-cluster" and a.workers == 2
    # the same draws wherever they run (PARDISO may round differently on 1 or 2 threads)
    np.testing.assert_allclose(a.avoided, local.avoided, rtol=1e-9)
    np.testing.assert_array_equal(a.avoided, b.avoided)
    # the cores are shared out between the workers
    import os

    assert worker_env(2)["MKL_NUM_THREADS"] == str(max(1, (os.cpu_count() or 1) // 2))
    close_clusters()
    assert not _CLUSTERS
