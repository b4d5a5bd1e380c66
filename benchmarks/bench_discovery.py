"""Benchmark opportunity discovery on a regional register against one plain bw2calc LCA.

A synthetic register of 1,000 facilities (examples/make_synthetic_park.py, seed 11, a
40 km square: ~100,000 candidates after matching) is matched and scored on the 20k-activity
synthetic background (benchmarks/make_synthetic_background.py) with the shipped knowledge
base, its activities mapped onto synthetic ones. Each measurement runs in a fresh
subprocess; times exclude Python imports, memory is the process's peak RSS minus its RSS
after the imports (the work's own memory; totals are printed too). Printed:

1. one plain bw2calc LCA (prepare_lca_inputs + LCA + lci + lcia, one method): time, memory;
2. discovery scoring (load + factorise the background for 25 methods, price the templates,
   match and score every pair): time and memory, as ratios to (1);  target ≤ 100×
3. choosing the optimal set (MILP, HiGHS) over the top 10,000 candidates;  target ≤ 30 s
4. scoring on a 2-worker vs a 1-worker Dask LocalCluster (background loaded and clusters
   started before timing, one warm-up run), results compared with the in-process ones.

Usage: python benchmarks/bench_discovery.py [--small] [--dir /tmp/lcasym-bench-discovery]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))


def _rss_mb() -> float:
    """Peak RSS of this process image, MB (VmHWM: unlike ru_maxrss, not inherited)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_code(code: str, n: int, transport: bool) -> str:
    """A stable synthetic activity for an lcasym-open code (t·km ones for transport)."""
    import make_synthetic_background as synth

    h = zlib.crc32(code.encode())
    return f"a{h % synth.N_TRANSPORT}" if transport else f"a{synth.N_TRANSPORT + h % (n - 10)}"


def synthetic_kb(n: int):
    """The shipped knowledge base with every activity mapped onto the synthetic background.

    Synthetic activities are in kg (t·km for transport), so each displaced product is
    priced per need unit with ``per_need_unit = 1 kg``.
    """
    from lcasym.discovery.knowledge import KnowledgeBase, load_knowledge_base

    kb = load_knowledge_base()
    synergies = []
    for s in kb.synergies:
        unit = kb.flows[s.demand].unit
        update = {
            "displaced": s.displaced.model_copy(update={
                "activity": synthetic_code(s.displaced.activity, n, False),
                "per_need_unit": 1.0, "per_need_unit_unit": f"kg/{unit}"}),
            "treatment": s.treatment and s.treatment.model_copy(
                update={"activity": synthetic_code(s.treatment.activity, n, False)}),
            "transport": s.transport and s.transport.model_copy(
                update={"activity": synthetic_code(s.transport.activity, n, True)}),
            "forgone_output": None,
        }  # fmt: skip
        synergies.append(s.model_copy(update=update))
    return KnowledgeBase(kb.flows, tuple(synergies), "synthetic")


def register(n: int, seed: int = 11, side_km: float = 40.0):
    """The synthetic register as a loaded inventory on the synthetic background."""
    import make_synthetic_background as synth
    from make_synthetic_park import park

    from lcasym.discovery.reading import inventory_from_dict

    data = park(n, seed, side_km, with_currently=False)
    data["park"]["background"] = {"database": synth.BG}
    for f in data["facilities"]:
        for offer in f["offers"]:
            offer.pop("cogeneration", None)
    return inventory_from_dict(data, "register", knowledge_base=synthetic_kb(synth_size()))


def synth_size() -> int:
    import make_synthetic_background as synth

    return synth.N_ACT if SCALE == 1.0 else max(50, int(synth.N_ACT * SCALE))


def index(n: int):
    """A BackgroundIndex of the synthetic activities (built from their codes, no reads)."""
    import make_synthetic_background as synth

    from lcasym.background.resolve import ActivityInfo, BackgroundIndex

    return BackgroundIndex(
        ActivityInfo(synth.BG, f"a{i}", f"activity {i}", f"product {i}", "GLO", synth.unit_of(i))
        for i in range(n)
    )


SCALE = 1.0


def measure(name: str, directory: Path, n_facilities: int) -> dict:
    """Run one measurement in this process (called in a fresh subprocess)."""
    import make_synthetic_background as synth

    import lcasym.discovery  # noqa: F401  (imports before the clock starts)
    from lcasym.background.project import brightway_project
    from lcasym.calc.system import LcaSystem

    project = synth.project_name(SCALE, 1)
    methods = synth.methods()
    with brightway_project(project, directory):
        import bw2calc as bc
        import bw2data as bd

        base = _rss_mb()
        t0 = time.perf_counter()
        if name == "plain":
            node = bd.get_node(database=synth.BG, code="a1234" if SCALE == 1 else "a20")
            demand, objs, _ = bd.prepare_lca_inputs({node: 1}, method=methods[0])
            lca = bc.LCA(demand, data_objs=objs)
            lca.lci()
            lca.lcia()
            return {"seconds": time.perf_counter() - t0, "mb": _rss_mb() - base,
                    "total_mb": _rss_mb()}  # fmt: skip
        system = LcaSystem.from_brightway([synth.BG], methods=methods)
        system.unit_scores()
    t_load = time.perf_counter() - t0
    from lcasym.discovery import choose, discover

    loaded = register(n_facilities)
    kb = synthetic_kb(synth_size())
    idx = index(synth_size())
    if name == "score":
        t1 = time.perf_counter()
        opps = discover(loaded, system=system, index=idx, knowledge_base=kb)
        t_score = time.perf_counter() - t1
        out = {"seconds": time.perf_counter() - t0, "load": t_load, "score": t_score,
               "candidates": opps.n_candidates, "pairs": int(len(opps.scored.reason_bits)
               + opps.n_candidates), "mb": _rss_mb() - base, "total_mb": _rss_mb()}  # fmt: skip
        t2 = time.perf_counter()
        choice = choose(opps, top=10_000, time_limit=300)
        out.update(choose=time.perf_counter() - t2, status=choice.status,
                   chosen=len(choice.rows), considered=choice.considered)  # fmt: skip
        return out
    # dask: the same scoring on local clusters of 1 and 2 workers (started before timing)
    from lcasym.calc.distributed import dask_client

    t1 = time.perf_counter()
    ref = discover(loaded, system=system, index=idx, knowledge_base=kb)
    times, same = {"in-process": time.perf_counter() - t1}, True
    for workers in (1, 2):
        with dask_client(workers=workers) as (client, _execution):
            discover(loaded, system=system, index=idx, knowledge_base=kb, scheduler=client,
                     chunks=8)  # warm-up  # fmt: skip
            t1 = time.perf_counter()
            opps = discover(loaded, system=system, index=idx, knowledge_base=kb,
                            scheduler=client, chunks=8)  # fmt: skip
            times[str(workers)] = time.perf_counter() - t1
        same &= bool(
            (opps.scored.net_per_unit == ref.scored.net_per_unit).all()
            and opps.table().equals(ref.table())
        )
    return {"in_process": times["in-process"], "one": times["1"], "two": times["2"],
            "identical": same}  # fmt: skip


def run(name: str, directory: Path, n: int, small: bool) -> dict:
    args = [sys.executable, __file__, "--measure", name, "--dir", str(directory), "-n", str(n)]
    out = subprocess.run(args + (["--small"] if small else []), capture_output=True, text=True,
                         check=False)  # fmt: skip
    if out.returncode:
        raise SystemExit(f"measurement {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    global SCALE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="smoke size (scale 0.05, 100)")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("-n", type=int, default=None, help="facilities in the register")
    parser.add_argument("--measure", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    SCALE = 0.05 if args.small else 1.0
    n = args.n or (100 if args.small else 1000)
    directory = args.dir or Path(f"/tmp/lcasym-bench-discovery{'-small' if args.small else ''}")
    if args.measure:
        print(json.dumps(measure(args.measure, directory, n)))
        return
    import make_synthetic_background as synth

    synth.build(directory, scale=SCALE, seed=1)
    run("plain", directory, n, args.small)  # warm the file caches for both sides
    plain = run("plain", directory, n, args.small)
    score = run("score", directory, n, args.small)
    dask = run("dask", directory, n, args.small)
    print(f"register: {n:,} facilities, {score['pairs']:,} pairs linked by a synergy type, "
          f"{score['candidates']:,} candidates")  # fmt: skip
    print(f"1. one plain bw2calc LCA: {plain['seconds']:.2f} s, {plain['mb']:.0f} MB "
          f"(process {plain['total_mb']:.0f} MB)")  # fmt: skip
    print(
        f"2. scoring: {score['seconds']:.2f} s (background load + factorisation "
        f"{score['load']:.2f} s, templates + matching + scoring {score['score']:.2f} s) = "
        f"{score['seconds'] / plain['seconds']:.1f}x one LCA (target <= 100x); memory "
        f"{score['mb']:.0f} MB = {score['mb'] / max(plain['mb'], 1):.1f}x (process "
        f"{score['total_mb']:.0f} MB)"
    )
    print(f"3. choosing over the top {score['considered']:,} candidates: {score['choose']:.2f} s "
          f"({score['status']}, {score['chosen']:,} chosen; target <= 30 s)")  # fmt: skip
    print(f"4. scoring (templates + matching + scoring) in-process {dask['in_process']:.2f} s; "
          f"Dask 1 worker {dask['one']:.2f} s vs 2 workers {dask['two']:.2f} s = "
          f"{dask['one'] / dask['two']:.2f}x; identical: {dask['identical']}")  # fmt: skip


if __name__ == "__main__":
    main()
