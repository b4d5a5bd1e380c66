"""Time and peak memory of the whole job for 10 to 10,000 exchanges, and the growth exponent.

On the 20k-activity synthetic background (``make_synthetic_background.py``, set up once
for lcasym with ``lcasym setup``), for networks of N exchanges from
``make_synthetic_network.py``, each measured in a fresh process (peak memory = that
process's ``ru_maxrss``):

- ``run``: ``lcasym run NET --draws 1000`` as a user types it (set-up check, read,
  foreground databases written to Brightway, calculation with the default 26 methods,
  Monte Carlo, Excel + JSON + CSV exports). The default methods characterise no flow of
  the synthetic background, so the scores are 0: the work is the same, the numbers are not
  checked here (``bench_engine.py`` checks them).
- ``api``: the same path through ``lcasym.calculate`` with the background's 25 methods,
  split into read, calculate (build + load + factorise + evaluate + Monte Carlo) and
  exports; ``calc``: the same without the exports (the calculation's own peak memory).

The growth exponent b of ``time ∝ N^b`` is the least-squares slope of log time over log N
from 100 to the largest N (b ≤ 1: at most linear).

``--contributions N`` (default 1,000) also times the contribution tables of an N-exchange
network (top 5 per exchange component, 25 methods, cache empty, the system's
factorisation already built as in ``calculate``) against one factorisation of the
background (symbolic analysis + numerical factorisation, as ``LcaSystem`` builds it): the
full table (every exchange, ``contributions_top=5``) and the table ``calculate`` builds by
default (above 200 exchanges, the 60 with the largest ``|net|``).
``--only-contributions`` stops after that.

Usage: python benchmarks/bench_scale.py [--sizes 10 100 1000 10000] [--modes run api]
       [--draws 1000] [--dir .bench] [--repeat 1] [--contributions 1000] [--small]
       [--only-contributions]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import make_synthetic_background as synth  # noqa: E402
import make_synthetic_network as synth_net  # noqa: E402

API_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from lcasym import calculate
from lcasym.io import read_network
t1 = time.perf_counter()
net = read_network(NET, validate=False)
t2 = time.perf_counter()
methods = [tuple(m) for m in METHODS]
result = calculate(net, methods=methods, draws=DRAWS, seed=1, project=PROJECT, directory=DIR)
t3 = time.perf_counter()
for suffix in ("xlsx", "json", "csv") if EXPORTS else ():
    result.export(OUT + "." + suffix)
t4 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "read": t2 - t1, "calculate": t3 - t2, "exports": t4 - t3,
                  "uncertainty_rows": len(result.uncertainty),
                  "kept": [f for f in result.flags["flag"]]}))
"""


def measured(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Run ``cmd``; wall seconds, peak RSS (GiB) of the child, its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read()[-3000:]}")
        return seconds, usage.ru_maxrss / 2**20, out.read()


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) over log(size)."""
    x, y = np.log(sizes), np.log(seconds)
    return float(np.polyfit(x, y, 1)[0])


def contributions_vs_factorisation(directory: Path, project: str, n: int, scale: float,
                                   repeat: int) -> None:  # fmt: skip
    """Print the contribution tables' times at ``n`` exchanges against one factorisation.

    Two tables: the full one (``contributions_top=5``: every exchange) and the one
    ``calculate`` builds by default (above 200 exchanges: the 60 with the largest ``|net|``
    under the first method; the nets come from the evaluation ``calculate`` has already
    done, outside the timing). Each timing starts from an empty contribution cache and
    no prepared screen (``contributions.Screen``).
    """
    import statistics

    from lcasym.background.project import brightway_project
    from lcasym.calc import LcaSystem, evaluate_plan
    from lcasym.calc.analysis import contribution_table, contributions_for
    from lcasym.calc.system import Factorisation
    from lcasym.inventory.plan import plan_foreground
    from lcasym.network.model import SymbiosisNetwork

    net = SymbiosisNetwork.model_validate(synth_net.network_dict(n, scale=scale))
    plan = plan_foreground(net, synth.StandInIndex())
    with brightway_project(project, directory):
        system = LcaSystem.from_brightway([synth.BG], methods=synth.methods())
    system.factorisation  # noqa: B018 - built as calculate builds it, before contributions
    scores = evaluate_plan(plan, system)
    nets = dict(zip(scores.exchange_ids, scores.exchange_net[0, :, 0], strict=True))
    t_fact, t_full, t_default, rows, shown = [], [], [], 0, 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        Factorisation(system.technosphere)
        t_fact.append(time.perf_counter() - t0)
        system._top.clear()  # no cached contributions, no prepared screen
        system._screen = None
        t0 = time.perf_counter()
        rows = len(contribution_table(plan, system, top=5))
        t_full.append(time.perf_counter() - t0)
        system._top.clear()
        system._screen = None
        t0 = time.perf_counter()
        table, _ = contributions_for(plan, system, top=None, net=nets)
        t_default.append(time.perf_counter() - t0)
        shown = table["exchange"].nunique()
    targets = len({e.target for e in plan.edges if e.component != "own"})
    fact = statistics.median(t_fact)
    print(
        f"contributions, {n:,} exchanges ({targets} distinct background activities), one "
        f"factorisation {min(t_fact):.2f} / {fact:.2f} s (min / median):\n"
        f"  full table (every exchange, {rows:,} rows): {min(t_full):.2f} / "
        f"{statistics.median(t_full):.2f} s -> {statistics.median(t_full) / fact:.2f}x\n"
        f"  calculate's default ({shown} largest exchanges, {len(table):,} rows): "
        f"{min(t_default):.2f} / {statistics.median(t_default):.2f} s -> "
        f"{statistics.median(t_default) / fact:.2f}x (target <= 1x)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument(
        "--modes", nargs="+", default=["run", "api"], choices=["run", "api", "calc"]
    )
    parser.add_argument("--draws", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--contributions", type=int, default=None)
    parser.add_argument("--only-contributions", action="store_true",
                        help="time the contribution tables only")  # fmt: skip
    parser.add_argument("--small", action="store_true", help="CI smoke size (scale 0.05)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/lcasym-bench"))
    args = parser.parse_args()
    scale = 0.05 if args.small else 1.0
    args.sizes = args.sizes or ([10, 40] if args.small else [10, 100, 1000, 10000])
    args.draws = args.draws or (50 if args.small else 1000)
    contributions = args.contributions or (40 if args.small else 1000)
    directory = args.dir.resolve()
    project = synth.build(directory, scale=scale, seed=1)
    env = {**os.environ, "BRIGHTWAY2_DIR": str(directory), "LCASYM_BRIGHTWAY_DIR": str(directory),
           "BRIGHTWAY_NO_STRUCTLOG": "1"}  # fmt: skip
    lcasym = [str(Path(sys.executable).with_name("lcasym"))]  # the venv's console script
    # lcasym's own set-up of the project, once (the measured runs only verify it)
    measured([*lcasym, "setup", "--project", project, "--dir", str(directory)], env)
    synth.ensure_methods(directory, scale=scale)
    contributions_vs_factorisation(directory, project, contributions, scale, max(3, args.repeat))
    if args.only_contributions:
        return
    work = Path(tempfile.mkdtemp(prefix="lcasym-scale-"))
    print(f"scale benchmark: {args.draws} draws, project {project}, {os.cpu_count()} CPUs")
    results: dict[str, dict[int, dict]] = {m: {} for m in args.modes}
    for n in args.sizes:
        net = work / f"net-{n}.json"
        net.write_text(json.dumps(synth_net.network_dict(n, scale=scale)))
        for mode in args.modes:
            runs = []
            for _ in range(args.repeat):
                if mode == "run":
                    out = str(work / f"out-{n}")
                    cmd = [*lcasym, "run", str(net), "--draws", str(args.draws), "-o", out,
                           "--project", project, "--dir", str(directory)]  # fmt: skip
                    seconds, peak, _ = measured(cmd, env)
                    runs.append({"seconds": seconds, "peak": peak})
                else:
                    code = (
                        f"NET = {str(net)!r}\nOUT = {str(work / f'api-{n}')!r}\n"
                        f"METHODS = {synth.methods()!r}\nDRAWS = {args.draws}\n"
                        f"PROJECT = {project!r}\nDIR = {str(directory)!r}\n"
                        f"EXPORTS = {mode == 'api'}\n" + API_CHILD
                    )
                    seconds, peak, out = measured([sys.executable, "-c", code], env)
                    runs.append({"seconds": seconds, "peak": peak,
                                 **json.loads(out.strip().splitlines()[-1])})  # fmt: skip
            best = min(runs, key=lambda r: r["seconds"])
            results[mode][n] = best
            extra = ""
            if mode in ("api", "calc"):
                extra = (f" (imports {best['imports']:.1f}, read {best['read']:.1f}, calculate "
                         f"{best['calculate']:.1f}, exports {best['exports']:.1f} s; "
                         f"{best['uncertainty_rows']:,} uncertainty rows)")  # fmt: skip
            print(f"{mode:4s} {n:>6,} exchanges: {best['seconds']:7.1f} s, peak "
                  f"{best['peak']:.2f} GiB{extra}", flush=True)  # fmt: skip
    for mode, by_n in results.items():
        sizes = [n for n in sorted(by_n) if n >= 100] or sorted(by_n)  # small: all sizes
        if len(sizes) >= 2:
            b = exponent(sizes, [by_n[n]["seconds"] for n in sizes])
            pairs = ", ".join(
                f"{a:,}→{c:,}: {exponent([a, c], [by_n[a]['seconds'], by_n[c]['seconds']]):.2f}"
                for a, c in itertools.pairwise(sizes)
            )
            print(f"{mode}: growth exponent {b:.2f} from {sizes[0]:,} to {sizes[-1]:,} ({pairs}); "
                  f"target <= 1")  # fmt: skip
        if max(by_n, default=0) >= 10_000:
            peak = by_n[max(by_n)]["peak"]
            print(f"{mode}: peak memory at {max(by_n):,} exchanges {peak:.2f} GiB (target <= 4 GB)")


if __name__ == "__main__":
    main()
