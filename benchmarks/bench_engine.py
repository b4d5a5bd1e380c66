"""Benchmark lcasym's calculation engine against plain bw2calc on a synthetic background.

Prints, measured side by side in one run:

1. network calculation (load + factorise + Λ for 25 methods + both scenarios) vs one plain
   bw2calc LCA (prepare_lca_inputs + LCA + lci + lcia, one method);   target ≤ 2×
2. 1,000 scenario variants × 25 methods vs a new bw2calc MultiLCA (25 methods, both
   scenarios as demand vectors) per variant, 5 timed and extrapolated;   target ≥ 300×
3. foreground Monte Carlo, paired draws per second;   target ≥ 5·10⁴
4. background Monte Carlo vs the bare numerical re-factorisation floor;   target ≥ 0.9×
5. Dask: 2 workers vs 1 (local clusters, started before timing);   target ≥ 1.5×
6. peak memory of this process (ru_maxrss);   target ≤ 1.5 GB

Usage: python benchmarks/bench_engine.py [--small] [--dir /tmp/lcasym-bench] [--only N ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import make_synthetic_background as synth


def timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t0


def demand_vectors(plan, values: np.ndarray) -> dict:
    """Per scenario, Σ sign · amount per background target (what the network demands)."""
    named = {p.name: v for p, v in zip(plan.parameters, values, strict=True)}
    out = {"baseline": {}, "symbiosis": {}}
    for edge in plan.edges:
        d = out[edge.scenario]
        d[edge.target] = d.get(edge.target, 0.0) + edge.sign * edge.amount(named)
    return out


def naive_variant(plan, values, methods, ids) -> np.ndarray:
    """A new bw2calc MultiLCA per variant: both scenarios × all methods, (2, n_methods)."""
    import bw2calc as bc
    import bw2data as bd

    demands = {
        s: {ids[k]: a for k, a in d.items()} for s, d in demand_vectors(plan, values).items()
    }
    objs = bd.get_multilca_data_objs(demands, {"impact_categories": methods})
    lca = bc.MultiLCA(demands=demands, method_config={"impact_categories": methods}, data_objs=objs)
    lca.lci()
    lca.lcia()
    return np.array([[lca.scores[(m, s)] for m in methods] for s in ("baseline", "symbiosis")])


def dask_speedup(plan, system, draws, chunk):
    from lcasym.calc import run_monte_carlo
    from lcasym.calc.distributed import dask_client

    times, results = {}, {}
    for n in (1, 2):
        with dask_client(workers=n) as (client, _):  # the cluster lcasym itself starts
            run_monte_carlo(
                plan, system, draws=n, seed=9, background=True, chunk_size=1, scheduler=client
            )  # warm-up: ship the model, analyse A
            results[n], times[n] = timed(
                run_monte_carlo,
                plan,
                system,
                draws=draws,
                seed=3,
                background=True,
                chunk_size=chunk,
                scheduler=client,
            )
    same = np.allclose(results[1].avoided, results[2].avoided, rtol=1e-9)
    return times, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI smoke size (scale 0.05)")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only", type=int, nargs="+", choices=range(1, 7), help="run only these figures"
    )
    args = parser.parse_args()
    wanted = set(args.only or range(1, 7))
    scale = 0.05 if args.small else 1.0
    directory = args.dir or Path(f"/tmp/lcasym-bench{'-small' if args.small else ''}")
    variants, naive_n = (200, 3) if args.small else (1_000, 5)
    fg_draws = 20_000 if args.small else 200_000
    bg_draws, dask_draws, dask_chunk = (6, 8, 2) if args.small else (20, 24, 3)

    import bw2calc as bc
    import bw2data as bd

    from lcasym.background.project import brightway_project
    from lcasym.calc import LcaSystem, evaluate_plan, run_monte_carlo, sample_parameters
    from lcasym.calc.system import Factorisation

    name = synth.build(directory, scale=scale, seed=args.seed)
    _network, plan = synth.load_network(directory)
    methods = synth.methods()
    print(f"lcasym engine benchmark: {'small' if args.small else 'full'} size, project {name}")
    with brightway_project(name, directory):
        dbs = [plan.database("baseline"), plan.database("symbiosis")]
        # 1. network calculation vs one plain bw2calc LCA
        node = bd.get_node(database=dbs[0], code="network")

        def plain():
            demand, objs, _ = bd.prepare_lca_inputs({node: 1}, method=methods[0])
            lca = bc.LCA(demand, data_objs=objs)
            lca.lci()
            lca.lcia()
            return lca.score

        plain()  # warm caches for both
        plain_score, t_plain = timed(plain)

        def engine():
            system = LcaSystem.from_brightway(dbs, methods=methods, use_distributions=True)
            return system, evaluate_plan(plan, system)

        (system, comps), t_engine = timed(engine)
        rel = abs(comps.baseline_total[0, 0] / plain_score - 1)
        n_act = system.technosphere.shape[0]
        print(
            f"  background: {n_act:,} activities, {system.technosphere.nnz:,} technosphere "
            f"and {system.biosphere.nnz:,} biosphere entries, {len(methods)} methods"
        )
        if 1 in wanted:
            print(
                f"1. network calculation ({len(methods)} methods, both scenarios): "
                f"{t_engine:.2f} s vs one plain bw2calc LCA (1 method): {t_plain:.2f} s -> "
                f"{t_engine / t_plain:.2f}x (target <= 2x); |rel diff| {rel:.1e}"
            )

        if 2 in wanted:
            # 2. scenario variants
            values = sample_parameters(plan, draws=variants, seed=args.seed)
            evaluate_plan(plan, system, values=values[:10])
            sweep, t_sweep = timed(evaluate_plan, plan, system, values=values)
            ids = {
                k: bd.get_node(database=k[0], code=k[1]).id for k in {e.target for e in plan.edges}
            }
            t0, diffs = time.perf_counter(), []
            for i in range(naive_n):
                ref = naive_variant(plan, values[i], methods, ids)
                mine = np.stack([sweep.baseline_total[i], sweep.symbiosis_total[i]])
                diffs.append(np.max(np.abs(mine / ref - 1)))
            t_naive = (time.perf_counter() - t0) / naive_n * variants
            print(
                f"2. {variants:,} variants x {len(methods)} methods: {t_sweep:.3f} s vs naive "
                f"(bw2calc MultiLCA per variant, {naive_n} timed, extrapolated) {t_naive:.0f} s "
                f"-> {t_naive / t_sweep:,.0f}x faster (target >= 300x); max |rel diff| "
                f"{max(diffs):.1e}"
            )

    if 3 in wanted:
        # 3. foreground Monte Carlo
        run_monte_carlo(plan, system, draws=1_000, seed=1)
        mc, t_mc = timed(run_monte_carlo, plan, system, draws=fg_draws, seed=1)
        print(
            f"3. foreground MC: {fg_draws:,} paired draws x {len(methods)} methods in "
            f"{t_mc:.2f} s -> {fg_draws / t_mc:,.0f} draws/s (target >= 50,000); "
            f"P(better) method 0 = {mc.probability_better()[0]:.3f}"
        )

    if 4 in wanted:
        # 4. background Monte Carlo vs re-factorisation floor
        run_monte_carlo(plan, system, draws=1, seed=2, background=True)  # analyse once
        _bgmc, t_bg = timed(run_monte_carlo, plan, system, draws=bg_draws, seed=2, background=True)
        fact = Factorisation(system.technosphere)
        rng = np.random.default_rng(0)
        model = system.background
        drawn = [
            model.technosphere.data + model.a_entries.delta(rng, model.technosphere.nnz)
            for _ in range(bg_draws)
        ]
        t0 = time.perf_counter()
        for data in drawn:
            fact.refactorise(data)
        t_floor = time.perf_counter() - t0
        print(
            f"4. background MC: {bg_draws / t_bg:.2f} draws/s vs bare numerical "
            f"re-factorisation {bg_draws / t_floor:.2f}/s -> {t_floor / t_bg:.2f}x of the floor "
            f"(target >= 0.9x)"
        )

    if 5 in wanted:
        # 5. Dask
        times, same = dask_speedup(plan, system, dask_draws, dask_chunk)
        print(
            f"5. Dask background MC ({dask_draws} draws): 1 worker {times[1]:.2f} s, 2 workers "
            f"{times[2]:.2f} s -> {times[1] / times[2]:.2f}x (target >= 1.5x; {os.cpu_count()} "
            f"CPUs); same numbers: {same}"
        )

    # 6. memory
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"6. peak memory (ru_maxrss, this process): {peak:.2f} GB (target <= 1.5 GB)")


if __name__ == "__main__":
    main()
