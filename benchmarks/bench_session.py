"""Benchmark the engine session: first result, what-if latency, concurrency, many variants.

Prints, each measured in this run (no figure extrapolated):

1. time to first result for Kalundborg: a cold process (interpreter, imports, project
   switch, foreground check, background load and factorisation, result), measured from
   outside; and warm, in one process, with the background system cached;
2. what-if latency for Kalundborg, one edit -> new total: ``session.evaluate`` (component
   scores), ``session.variants`` (a totals table) and ``session.result`` (the full result,
   no contributions) vs ``calculate`` on the edited network;   target <= 100 ms
3. two app-style calculations at once (two threads, as Streamlit serves sessions; each
   opens a session on its own network and runs a Monte Carlo) vs one alone, and the same
   two with one process-wide lock held through each calculation (how the app ran before),
   with bw2data's project switched back after every Brightway block (the library's
   default) and with ``stay_in_project()`` (the CLI; for lcasym-only processes);
4. N what-if variants x 25 methods on the 20k-activity synthetic background: ``calculate``
   on each edited network (run first) vs one session (open + ``variants``), the SAME N
   variants on both sides, results compared;   target >= 1,000x
5. peak memory (ru_maxrss) of the process doing (4), after the session side and at the end.

Usage::

    python benchmarks/bench_session.py [--small] [--variants N] [--budget S] [--only 1 2 ...]

``--budget S`` stops the baseline of (4) after S seconds; the session side is then timed on
the variants the baseline finished (the same N on both sides).

Brightway data go to ``--dir`` (default ``.bw/bench-session`` in the working directory):
the Kalundborg project is set up there, and the synthetic background is built there by
``make_synthetic_background.py`` (~1 min at full size, once).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import make_synthetic_background as synth

ROOT = Path(__file__).resolve().parent.parent
KALUNDBORG = ROOT / "examples" / "kalundborg.yaml"
PROJECT = "lcasym-bench-session"


def timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t0


def median_ms(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        _, t = timed(func)
        times.append(t)
    return statistics.median(times) * 1e3


COLD = """
import time
t0 = time.perf_counter()
import lcasym
t1 = time.perf_counter()
result = lcasym.calculate({path!r}, project={project!r}, directory={directory!r})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, float(result.totals["avoided"].iloc[-1]))
"""


def cold_first_result(directory: Path) -> tuple[float, float, float]:
    """Wall time of a new process computing Kalundborg (imports, calculation)."""
    code = COLD.format(path=str(KALUNDBORG), project=PROJECT, directory=str(directory))
    env = {**os.environ, "BRIGHTWAY_NO_STRUCTLOG": "1"}
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - t0
    t_import, t_calc, _ = (float(v) for v in out.stdout.split()[-3:])
    return wall, t_import, t_calc


def renamed_network(network_id: str):
    from lcasym.io import read_network

    net = read_network(KALUNDBORG)
    info = net.network.model_copy(update={"id": network_id})
    return net.model_copy(update={"network": info})


def app_style(network, directory: Path, draws: int, lock: bool) -> float:
    """Open a session and run a Monte Carlo (what the app's Run button does)."""
    from lcasym import open_session
    from lcasym.background.project import brightway_project

    def run():
        session = open_session(network, project=PROJECT, directory=directory)
        return session.result(draws=draws, seed=1, contributions_top=5)

    t0 = time.perf_counter()
    if lock:  # the old app: one process-wide lock held through the whole calculation
        with brightway_project(PROJECT, directory):
            run()
    else:
        run()
    return time.perf_counter() - t0


def concurrent(nets, directory: Path, draws: int, lock: bool) -> float:
    t0 = time.perf_counter()
    threads = [threading.Thread(target=app_style, args=(n, directory, draws, lock)) for n in nets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def kalundborg_part(directory: Path, wanted: set[int], draws: int) -> None:
    from lcasym import calculate, open_session
    from lcasym.background.bootstrap import setup

    setup(project=PROJECT, directory=directory)
    calculate(KALUNDBORG, project=PROJECT, directory=directory)  # foreground written once
    if 1 in wanted:
        colds = [cold_first_result(directory) for _ in range(2)]
        wall, t_import, t_calc = min(colds)
        _, t_warm = timed(calculate, KALUNDBORG, project=PROJECT, directory=directory)
        session = open_session(KALUNDBORG, project=PROJECT, directory=directory)
        _, t_result = timed(session.result)
        print(
            f"1. first result, Kalundborg: cold process {wall:.2f} s (imports {t_import:.2f} s, "
            f"calculate {t_calc:.2f} s; best of 2); warm calculate {t_warm:.2f} s; "
            f"result of an open session {t_result * 1e3:.0f} ms"
        )
    if 2 in wanted:
        session = open_session(KALUNDBORG, project=PROJECT, directory=directory)
        x = session.network.exchanges[0]
        edit = {f"{x.id}.amount": x.amount * 0.9}
        m = session.methods.index(session.headline)
        new_total = session.evaluate(edit).avoided_total[0, m]
        t_eval = median_ms(lambda: session.evaluate(edit).avoided_total, 50)
        t_var = median_ms(lambda: session.variants({"edit": edit}), 50)
        t_res = median_ms(lambda: session.result(edit, contributions_top=0), 10)
        data = session.network.model_dump(mode="python")
        data["exchanges"][0]["amount"] = x.amount * 0.9
        from lcasym.network.model import SymbiosisNetwork

        edited = SymbiosisNetwork.model_validate(data)
        res, t_calc = timed(calculate, edited, project=PROJECT, directory=directory,
                            contributions_top=0)  # fmt: skip
        same = abs(res.totals["avoided"].iloc[m] / new_total - 1)
        print(
            f"2. what-if latency, Kalundborg, one edit -> new total (median): evaluate "
            f"{t_eval:.2f} ms, variants {t_var:.1f} ms, full result {t_res:.0f} ms vs calculate "
            f"on the edited network {t_calc * 1e3:.0f} ms -> {t_calc * 1e3 / t_res:.0f}x "
            f"(result), {t_calc * 1e3 / t_eval:,.0f}x (evaluate); target <= 100 ms; "
            f"|rel diff| {same:.1e}"
        )
    if 3 in wanted:
        from lcasym.background.project import stay_in_project

        nets = [renamed_network("kalundborg-user-a"), renamed_network("kalundborg-user-b")]
        for n in nets:  # foregrounds written and the system cached, as for a running app
            app_style(n, directory, 10, lock=False)
        for stay, mode in ((False, "library default: project switched back after each block"),
                           (True, "stay_in_project(), as the CLI does")):  # fmt: skip
            stay_in_project(stay)
            t_one = statistics.median(app_style(nets[0], directory, draws, False) for _ in range(3))
            t_two = statistics.median(concurrent(nets, directory, draws, False) for _ in range(3))
            t_locked = statistics.median(concurrent(nets, directory, draws, True) for _ in range(3))
            print(
                f"3. app-style runs ({draws:,} draws each, median of 3; {mode}): one alone "
                f"{t_one:.2f} s; two at once {t_two:.2f} s ({t_two / t_one:.2f}x one); two at "
                f"once with one lock held through each (the app before) {t_locked:.2f} s "
                f"({t_locked / t_one:.2f}x one); {os.cpu_count()} CPUs"
            )
        # A user's what-if while another user's Monte Carlo runs: does the first wait?
        stay_in_project(True)
        sessions = [open_session(n, project=PROJECT, directory=directory) for n in nets]
        x = sessions[0].network.exchanges[0]
        edit = {f"{x.id}.amount": x.amount * 0.9}
        alone = median_ms(lambda: sessions[0].result(edit, contributions_top=0), 5)
        waits = {}
        for lock in (False, True):
            waits[lock] = []
            for _ in range(3):
                waits[lock].append(whatif_during_monte_carlo(sessions, edit, draws * 5, lock))
        stay_in_project(False)
        print(
            f"   a what-if result while another session runs {draws * 5:,} Monte Carlo draws: "
            f"{statistics.median(waits[False]):.0f} ms (alone {alone:.0f} ms) vs "
            f"{statistics.median(waits[True]):.0f} ms with one lock held through each "
            f"calculation (the app before; median of 3)"
        )


def whatif_during_monte_carlo(sessions, edit, draws: int, lock: bool) -> float:
    """Latency (ms) of user A's what-if started while user B's Monte Carlo runs."""
    import threading as th

    from lcasym.background.project import _LOCK

    started = th.Event()

    def user_b():
        if lock:
            with _LOCK:  # the app before: one lock held through the whole calculation
                started.set()
                sessions[1].result(draws=draws, seed=2, contributions_top=0)
        else:
            started.set()
            sessions[1].result(draws=draws, seed=2, contributions_top=0)

    b = th.Thread(target=user_b)
    b.start()
    started.wait()
    time.sleep(0.05)
    t0 = time.perf_counter()
    if lock:
        with _LOCK:
            sessions[0].result(edit, contributions_top=0)
    else:
        sessions[0].result(edit, contributions_top=0)
    latency = (time.perf_counter() - t0) * 1e3
    b.join()
    return latency


def edited_network(data: dict, edits: dict) -> dict:
    out = json.loads(json.dumps(data))
    ex = {x["id"]: x for x in out["exchanges"]}
    for key, value in edits.items():
        xid, field = key.rsplit(".", 1)
        if field == "amount":
            ex[xid]["amount"] = value
        else:
            ex[xid]["displaces"][field] = value
    return out


def synthetic_part(
    directory: Path, scale: float, n_variants: int, n_baseline: int, budget: float | None
) -> None:
    """Figure 4 and 5, in their own process (peak memory of this work only).

    The baseline (``calculate`` on each edited network) runs first, over the first
    ``n_baseline`` variants or until ``budget`` seconds have passed, whichever comes first;
    the session side is then timed on exactly the variants the baseline finished (the same
    N on both sides, never extrapolated) and on all ``n_variants``.
    """
    from lcasym import calculate, open_session
    from lcasym.background.bootstrap import setup
    from lcasym.network.model import SymbiosisNetwork

    # lcasym's set-up first (biosphere3, its methods, lcasym-open), then the synthetic data
    # next to them: a set-up over existing methods would replace them.
    setup(project=synth.project_name(scale, 1), directory=directory)
    name = synth.build(directory, scale=scale, seed=1)
    data = json.loads((directory / "network.json").read_text())
    methods = synth.methods()
    rng = np.random.default_rng(7)
    ids = [x["id"] for x in data["exchanges"]]
    variants = {}
    for i in range(n_variants):
        a, b = rng.choice(len(ids), 2, replace=False)
        variants[f"v{i}"] = {
            f"{ids[a]}.amount": float(data["exchanges"][a]["amount"] * rng.uniform(0.5, 1.5)),
            f"{ids[b]}.ratio": float(rng.uniform(0.4, 1.0)),
        }
    network = SymbiosisNetwork.model_validate(data)
    calculate(network, methods=methods, project=name, directory=directory, contributions_top=0)
    # Baseline first: what a researcher would write without a session.
    t0, done, scores = time.perf_counter(), [], {}
    for key in list(variants)[:n_baseline]:
        if budget is not None and time.perf_counter() - t0 > budget:
            break
        edited = SymbiosisNetwork.model_validate(edited_network(data, variants[key]))
        res = calculate(edited, methods=methods, project=name, directory=directory,
                        contributions_top=0)  # fmt: skip
        scores[key] = res.totals["avoided"].to_numpy()
        done.append(key)
        if len(done) % 50 == 0:
            print(f"   baseline: {len(done)} variants in {time.perf_counter() - t0:.0f} s",
                  flush=True)  # fmt: skip
    t_base = time.perf_counter() - t0
    peak_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    # Session side: open + variants, for the same N, then for all variants.
    t0 = time.perf_counter()
    session = open_session(network, methods=methods, project=name, directory=directory)
    t_open = time.perf_counter() - t0
    table_n, t_session_n = timed(session.variants, {k: variants[k] for k in done})
    table, t_variants = timed(session.variants, variants)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    diffs = []
    for key in done:
        mine = table_n[table_n["variant"] == key]["avoided"].to_numpy()
        diffs.append(float(np.max(np.abs(mine / scores[key] - 1))))
    t_session_same = t_open + t_session_n
    n, n_act = len(done), session.system.technosphere.shape[0]
    cut = f" (stopped by the {budget:.0f} s budget)" if n < min(n_baseline, n_variants) else ""
    print(
        f"4. {n_variants:,} variants x {len(methods)} methods, {n_act:,} activities: "
        f"open_session {t_open:.2f} s + variants {t_variants:.3f} s ({len(table):,} rows)"
    )
    print(
        f"   same {n:,} variants on both sides{cut}: calculate on each edited network "
        f"{t_base:.1f} s ({t_base / n:.2f} s each) vs session {t_session_same:.2f} s (open "
        f"{t_open:.2f} s + variants {t_session_n * 1e3:.1f} ms) -> {t_base / t_session_same:,.0f}x "
        f"with the session's opening, {t_base / t_session_n:,.0f}x per variant once open "
        f"(target >= 1,000x); max |rel diff| {max(diffs):.1e}"
    )
    print(f"5. peak memory (ru_maxrss): {peak_base:.2f} GB after the baseline, {peak:.2f} GB "
          f"after the session side")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="smoke size (scale 0.05)")
    parser.add_argument("--dir", type=Path, default=Path(".bw/bench-session"))
    parser.add_argument("--variants", type=int, default=1_000)
    parser.add_argument("--baseline", type=int, default=None,
                        help="variants also run through calculate (default: all)")  # fmt: skip
    parser.add_argument("--budget", type=float, default=None,
                        help="stop the baseline after this many seconds")  # fmt: skip
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--only", type=int, nargs="+", choices=range(1, 6))
    parser.add_argument("--synthetic-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    directory = args.dir.absolute()
    directory.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    scale = 0.05 if args.small else 1.0
    baseline = args.baseline or args.variants
    if args.synthetic_only:
        synthetic_part(directory / "synthetic", scale, args.variants, baseline, args.budget)
        return
    wanted = set(args.only or range(1, 6))
    print(f"lcasym session benchmark ({'small' if args.small else 'full'} size), {directory}")
    if wanted & {1, 2, 3}:
        kalundborg_part(directory / "kalundborg", wanted, args.draws)
    if wanted & {4, 5}:
        cmd = [sys.executable, __file__, "--synthetic-only", "--dir", str(directory),
               "--variants", str(args.variants), "--baseline", str(baseline)]  # fmt: skip
        if args.budget is not None:
            cmd += ["--budget", str(args.budget)]
        subprocess.run(cmd + (["--small"] if args.small else []), check=True)


if __name__ == "__main__":
    main()
