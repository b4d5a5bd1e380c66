"""Benchmark lcasym's engine against the bw2calc code a researcher would write, like for like.

On the synthetic background (``make_synthetic_background.py``), in one process. Both
sides do the same work, with their load, factorisation and start-up inside the timing;
every measurement is repeated (``--repeat``, min and median printed, the ratio from the
medians). Figures:

1. network calculation, 25 methods × both scenarios: lcasym (``LcaSystem.from_brightway``
   + ``evaluate_plan``) vs one bw2calc ``MultiLCA`` of the two scenarios' ``network``
   activities (data objects + load + lci + lcia); results compared.
2. what-if variants × 25 methods, end to end: lcasym (load + factorise + Λ + one product
   for all variants) vs a bw2calc ``MultiLCA`` that keeps its factorisation (loaded and
   factorised once; per variant the two scenarios' demands are set and ``lci()`` +
   ``lcia()`` rerun, which reuses the loaded matrices and PARDISO's factorisation). Every
   variant is computed on both sides (nothing extrapolated); results compared.
3. foreground Monte Carlo as ``calculate`` runs it (``keep="auto"``: every component
   kept when it fits the memory budget, else block-wise statistics; with facility
   credits), and ``keep="totals"`` for reference: draws per second.
4. background Monte Carlo vs the floor of its work: the bare numerical re-factorisation
   (PARDISO phase 22, MKL on all cores) of the same number of pre-drawn matrices; lcasym
   timed with totals only (two forward solves a draw) and as ``calculate`` runs it
   (``keep="auto"``: the unit scores of every target a draw, with facility credits). lcasym
   runs its chunks of draws on one thread per core (``lcasym.calc.threads``); its first,
   untimed call (printed) includes each thread's symbolic analysis.
5. Dask as a user runs it: background Monte Carlo with ``workers=2`` (cluster start,
   model shipping and each worker's first factorisation included; then a second call on
   the kept cluster) vs in-process (one draw thread per core); the same numbers checked.
6. peak memory of this process (ru_maxrss).

Usage: python benchmarks/bench_engine.py [--small] [--dir /tmp/lcasym-bench] [--only N ...]
       [--repeat 3] [--variants 1000] [--bg-draws 20] [--dask-draws 100]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import make_synthetic_background as synth


def repeated(func, repeat: int):
    """Run ``func`` ``repeat`` times; its last result and the list of seconds."""
    seconds, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        seconds.append(time.perf_counter() - t0)
    return out, seconds


def fmt(seconds: list[float]) -> str:
    """'min / median s' of repeated timings."""
    return f"{min(seconds):.3g} / {statistics.median(seconds):.3g} s"


def demand_vectors(plan, values: np.ndarray) -> dict:
    """Per scenario, Σ sign · amount per background target (what the network demands)."""
    named = {p.name: v for p, v in zip(plan.parameters, values, strict=True)}
    out = {"baseline": {}, "symbiosis": {}}
    for edge in plan.edges:
        d = out[edge.scenario]
        d[edge.target] = d.get(edge.target, 0.0) + edge.sign * edge.amount(named)
    return out


def bw2calc_variants(plan, values: np.ndarray, methods, ids) -> np.ndarray:
    """A MultiLCA that keeps its factorisation: (n_variants, 2 scenarios, n_methods)."""
    import bw2calc as bc
    import bw2data as bd

    def demands(row):
        return {s: {ids[k]: a for k, a in d.items()} for s, d in demand_vectors(plan, row).items()}

    first = demands(values[0])
    config = {"impact_categories": methods}
    objs = bd.get_multilca_data_objs(first, config)
    lca = bc.MultiLCA(demands=first, method_config=config, data_objs=objs)
    out = np.empty((len(values), 2, len(methods)))
    for i, row in enumerate(values):
        lca.demands = demands(row)
        lca.lci()
        lca.lcia()
        out[i] = [[lca.scores[(m, s)] for m in methods] for s in ("baseline", "symbiosis")]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI smoke size (scale 0.05)")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per measurement")
    parser.add_argument("--variants", type=int, default=None)
    parser.add_argument("--bg-draws", type=int, default=None, help="draws of figure 4")
    parser.add_argument("--dask-draws", type=int, default=None)
    parser.add_argument(
        "--only", type=int, nargs="+", choices=range(1, 7), help="run only these figures"
    )
    args = parser.parse_args()
    wanted = set(args.only or range(1, 7))
    scale = 0.05 if args.small else 1.0
    directory = args.dir or Path(f"/tmp/lcasym-bench{'-small' if args.small else ''}")
    repeat = args.repeat or (2 if args.small else 3)
    variants = args.variants or (50 if args.small else 1_000)
    fg_draws = (2_000, 20_000) if args.small else (10_000, 100_000)
    bg_draws = args.bg_draws or (6 if args.small else 20)
    dask_draws = args.dask_draws or (8 if args.small else 100)

    import bw2calc as bc
    import bw2data as bd

    from lcasym.background.project import brightway_project
    from lcasym.calc import (
        LcaSystem,
        evaluate_plan,
        run_monte_carlo,
        run_scenarios,
        sample_parameters,
    )
    from lcasym.calc.distributed import close_clusters
    from lcasym.calc.system import Factorisation
    from lcasym.results.tables import credit_function

    name = synth.build(directory, scale=scale, seed=args.seed)
    network, plan = synth.load_network(directory)
    methods = synth.methods()
    print(
        f"lcasym engine benchmark: {'small' if args.small else 'full'} size, project {name}, "
        f"{os.cpu_count()} CPUs, {repeat} timed runs per measurement (min / median)"
    )
    with brightway_project(name, directory):
        dbs = [plan.database("baseline"), plan.database("symbiosis")]
        nodes = {s: bd.get_node(database=plan.database(s), code="network").id
                 for s in ("baseline", "symbiosis")}  # fmt: skip

        def lcasym_network():  # as calculate does without background uncertainty
            system = LcaSystem.from_brightway(dbs, methods=methods)
            return system, evaluate_plan(plan, system)

        def multilca_network():
            demands = {s: {i: 1.0} for s, i in nodes.items()}
            config = {"impact_categories": methods}
            objs = bd.get_multilca_data_objs(demands, config)
            lca = bc.MultiLCA(demands=demands, method_config=config, data_objs=objs)
            lca.lci()
            lca.lcia()
            return lca.scores

        lcasym_network(), multilca_network()  # warm imports and file caches on both sides
        (system, comps), t_engine = repeated(lcasym_network, repeat)
        n_act = system.technosphere.shape[0]
        print(
            f"  background: {n_act:,} activities, {system.technosphere.nnz:,} technosphere "
            f"and {system.biosphere.nnz:,} biosphere entries, {len(methods)} methods; network "
            f"of {len(network.exchanges)} exchanges"
        )
        if 1 in wanted:
            scores, t_multi = repeated(multilca_network, repeat)
            ref = np.array([[scores[(m, s)] for m in methods] for s in ("baseline", "symbiosis")])
            mine = np.stack([comps.baseline_total[0], comps.symbiosis_total[0]])
            rel = np.max(np.abs(mine / ref - 1))
            print(
                f"1. network calculation ({len(methods)} methods x 2 scenarios): lcasym "
                f"{fmt(t_engine)} vs one bw2calc MultiLCA {fmt(t_multi)} -> "
                f"{statistics.median(t_engine) / statistics.median(t_multi):.2f}x its time "
                f"(target <= 1x); max |rel diff| {rel:.1e}"
            )

        if 2 in wanted:
            values = sample_parameters(plan, draws=variants, seed=args.seed)
            ids = {k: bd.get_node(database=k[0], code=k[1]).id for k in plan.targets}

            def lcasym_variants():
                sys_ = LcaSystem.from_brightway(dbs, methods=methods)
                return run_scenarios(plan, sys_, values=values)

            sweep, t_sweep = repeated(lcasym_variants, repeat)
            ref, t_ref = repeated(lambda: bw2calc_variants(plan, values, methods, ids),
                                  max(1, repeat - 1))  # fmt: skip
            mine = np.stack([sweep.baseline, sweep.symbiosis], axis=1)
            rel = np.max(np.abs(mine / ref - 1))
            ratio = statistics.median(t_ref) / statistics.median(t_sweep)
            print(
                f"2. {variants:,} what-if variants x {len(methods)} methods, end to end: lcasym "
                f"{fmt(t_sweep)} vs bw2calc MultiLCA keeping its factorisation {fmt(t_ref)} "
                f"(every variant computed) -> {ratio:,.0f}x faster (target >= 100x); "
                f"max |rel diff| {rel:.1e}"
            )

        if wanted & {4, 5}:  # background draws need the matrices' distributions
            system = LcaSystem.from_brightway(dbs, methods=methods, use_distributions=True)

    if 3 in wanted:
        credits = credit_function(network, "receiver")
        run_monte_carlo(plan, system, draws=1_000, seed=1, keep="auto", credits=credits)
        for n in fg_draws:
            mc, t_mc = repeated(lambda n=n: run_monte_carlo(plan, system, draws=n, seed=1,
                                                            keep="auto", credits=credits),
                                repeat)  # fmt: skip
            _, t_tot = repeated(lambda n=n: run_monte_carlo(plan, system, draws=n, seed=1),
                                repeat)  # fmt: skip
            print(
                f"3. foreground MC, {n:,} draws x {len(methods)} methods as calculate runs it "
                f"(kept: {mc.kept}, ~{mc.memory_bytes / 2**20:,.0f} MiB): {fmt(t_mc)} -> "
                f"{n / statistics.median(t_mc):,.0f} draws/s; totals only {fmt(t_tot)} -> "
                f"{n / statistics.median(t_tot):,.0f} draws/s"
            )

    if 4 in wanted:
        credits = credit_function(network, "receiver")
        # first call: each draw thread (one per core) analyses its own copy of A; the
        # floor's handle below is analysed outside its timing too
        t0 = time.perf_counter()
        cold = run_monte_carlo(plan, system, draws=bg_draws, seed=2, background=True)
        t_cold = time.perf_counter() - t0
        _, t_bg = repeated(
            lambda: run_monte_carlo(plan, system, draws=bg_draws, seed=2, background=True),
            repeat,
        )
        # as calculate runs it: keep="auto" (components, facility credits), which needs the
        # unit scores of every target per draw instead of the two totals
        _, t_api = repeated(
            lambda: run_monte_carlo(plan, system, draws=bg_draws, seed=2, background=True,
                                    keep="auto", credits=credits),
            repeat,
        )  # fmt: skip
        fact = Factorisation(system.technosphere)
        rng = np.random.default_rng(0)
        model = system.background
        drawn = [
            model.technosphere.data + model.a_entries.delta(rng, model.technosphere.nnz)
            for _ in range(bg_draws)
        ]

        def floor():
            for data in drawn:
                fact.refactorise(data)

        _, t_floor = repeated(floor, repeat)
        ratio = statistics.median(t_floor) / statistics.median(t_bg)
        api = statistics.median(t_floor) / statistics.median(t_api)
        print(
            f"4. background MC, {bg_draws} draws: lcasym totals only {fmt(t_bg)}, as "
            f"calculate runs it (keep='auto') {fmt(t_api)} vs bare numerical "
            f"re-factorisation of pre-drawn matrices {fmt(t_floor)} -> {ratio:.2f}x / "
            f"{api:.2f}x of the floor's speed (target >= 0.95x); {cold.workers} draw "
            f"thread(s), first call with their analyses {t_cold:.3g} s"
        )

    if 5 in wanted:

        def background(**kw):
            return run_monte_carlo(plan, system, draws=dask_draws, seed=3, background=True, **kw)

        local, t_local = repeated(background, max(1, repeat - 1))
        close_clusters()
        t0 = time.perf_counter()
        first = background(workers=2)  # cluster start, shipping, first factorisations
        t_first = time.perf_counter() - t0
        second, t_second = repeated(lambda: background(workers=2), max(1, repeat - 1))
        close_clusters()
        # the same draws; PARDISO on 1 thread (worker) or 2 may round differently
        diff = max(np.max(np.abs(other.avoided / local.avoided - 1)) for other in (first, second))
        best = min(t_local)
        print(
            f"5. Dask background MC, {dask_draws} draws: in-process (a draw thread per core) "
            f"{fmt(t_local)}; 2 workers, first call incl. cluster start {t_first:.3g} s -> "
            f"{best / t_first:.2f}x, second call on the kept cluster {fmt(t_second)} -> "
            f"{best / min(t_second):.2f}x the best in-process run (target >= 1.3x, "
            f"{os.cpu_count()} CPUs); max |rel diff| in-process vs workers {diff:.1e}"
        )

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"6. peak memory (ru_maxrss, this process): {peak:.2f} GB")


if __name__ == "__main__":
    main()
