"""What the app's users wait for, on Kalundborg (examples/kalundborg.yaml), in one run.

1. Time to first result, cold: a fresh process opens the network's engine session
   (``lcasym.open_session``) and asks its result (the demo's click), imports timed apart.
2. The same, warm: a second network session in the same process (background system cached).
3. What-if latency: the app's what-if (``app_support.whatif.whatif_avoided``: one
   ``EngineSession.evaluate`` on the factorised system) against what a researcher would write
   without a session: edit the network and ``lcasym.calculate`` it again (same edit, same
   answer, checked). Target: the app's what-if ≤ 100 ms. 3b: the same with another
   crediting rule, each firm's credit (``whatif_credits``) against ``calculate(crediting=...)``.
4. Two concurrent Monte Carlo runs (two browser sessions, threads of one server process)
   against one, on a shared engine session: the ratio of wall times (1.0 = no waiting,
   2.0 = one waits for the other).
5. Memory: resident set size after opening the session and after one Monte Carlo result.

Run: ``LCASYM_BRIGHTWAY_DIR=$PWD/.bw python benchmarks/bench_app.py [--draws 200]`` after
``lcasym setup``. Machine load changes seconds more than ratios; report ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETWORK = ROOT / "examples" / "kalundborg.yaml"

COLD = """
import json, time
t0 = time.perf_counter()
import lcasym
from lcasym.calc.session import open_session
t1 = time.perf_counter()
s = open_session({path!r})
t2 = time.perf_counter()
r = s.result(draws=0)
t3 = time.perf_counter()
print(json.dumps({{"imports": t1 - t0, "open": t2 - t1, "result": t3 - t2}}))
"""


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=200, help="what-if evaluations")
    args = parser.parse_args()

    # 1. cold
    out = subprocess.run(
        [sys.executable, "-c", COLD.format(path=str(NETWORK))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cold = json.loads(out.strip().splitlines()[-1])
    cold_first = cold["open"] + cold["result"]
    print(
        f"1. cold first result: {cold_first:.2f} s (open {cold['open']:.2f} s + result "
        f"{cold['result']:.2f} s; imports {cold['imports']:.2f} s apart)"
    )

    # 2. warm
    from lcasym.api import calculate
    from lcasym.app_support.whatif import whatif_avoided
    from lcasym.calc.edits import edited_network, parse_edits
    from lcasym.calc.session import open_session
    from lcasym.io import read_network

    net = read_network(NETWORK)
    rss0 = _rss_mb()
    open_session(net).result(draws=0)  # warms the background cache
    t = time.perf_counter()
    session = open_session(net)
    first = session.result(draws=0)
    warm = time.perf_counter() - t
    rss_session = _rss_mb()
    print(f"2. warm first result: {warm:.3f} s; cold / warm = {cold_first / warm:.1f}x")

    # 3. what-if
    method = first.provenance["headline_method"]
    x = next(e for e in net.exchanges if e.status == "operating")
    edits = [{"exchange": x.id, "field": "amount", "value": float(x.amount) * 0.9}]
    times = []
    for i in range(args.repeats):
        e = [{**edits[0], "value": float(x.amount) * (0.5 + 0.5 * i / args.repeats)}]
        t = time.perf_counter()
        whatif_avoided(session, e, method)
        times.append(time.perf_counter() - t)
    app_ms = statistics.median(times) * 1e3
    app_value = whatif_avoided(session, edits, method)
    base_times = []
    for _ in range(3):
        t = time.perf_counter()
        res = calculate(edited_network(net, parse_edits(edits, net)), draws=0)
        base_times.append(time.perf_counter() - t)
    base_ms = statistics.median(base_times) * 1e3
    row = res.totals[res.totals["method"] == method].iloc[0]
    base_value = float(row["avoided"]) / 1000  # kg -> t CO2-eq, as the app shows
    assert abs(base_value - app_value) <= 1e-6 * max(1.0, abs(base_value)), (base_value, app_value)
    print(
        f"3. what-if: app {app_ms:.2f} ms (median of {args.repeats}; p95 "
        f"{sorted(times)[int(0.95 * len(times))] * 1e3:.2f} ms) vs edit + calculate "
        f"{base_ms:.0f} ms: {base_ms / app_ms:,.0f}x; same avoided total {app_value:.4f} t"
    )

    # 3b. what-if with another crediting rule: each firm's credit, as the what-if tab shows it
    from lcasym.app_support.whatif import whatif_credits

    times = []
    for i in range(args.repeats):
        e = [{**edits[0], "value": float(x.amount) * (0.5 + 0.5 * i / args.repeats)}]
        t = time.perf_counter()
        whatif_credits(session, e, method, run_rule="receiver", rule="supplier")
        times.append(time.perf_counter() - t)
    credit_ms = statistics.median(times) * 1e3
    app_credits, _ = whatif_credits(session, edits, method, run_rule="receiver", rule="supplier")
    t = time.perf_counter()
    res_s = calculate(edited_network(net, parse_edits(edits, net)), crediting="supplier", draws=0)
    base_s_ms = (time.perf_counter() - t) * 1e3
    fac = res_s.facilities[res_s.facilities["method"] == method].set_index("facility")["credit"]
    mine = app_credits.set_index("firm")["what-if"]
    for facility, credit in fac.items():
        assert abs(float(credit) / 1000 - float(mine.get(facility, 0.0))) <= 1e-6 * max(
            1.0, abs(float(credit) / 1000)
        ), (facility, credit, mine.get(facility))
    print(
        f"3b. what-if credits under another rule: app {credit_ms:.2f} ms (median of "
        f"{args.repeats}) vs edit + calculate(crediting=supplier) {base_s_ms:.0f} ms: "
        f"{base_s_ms / credit_ms:,.0f}x; same credit for each of {len(fac)} facilities"
    )

    # 4. concurrency
    def run() -> None:
        session.result(draws=args.draws, seed=1)

    t = time.perf_counter()
    run()
    one = time.perf_counter() - t
    threads = [threading.Thread(target=run) for _ in range(2)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    two = time.perf_counter() - t
    print(
        f"4. Monte Carlo ({args.draws} draws): one {one:.2f} s, two at once {two:.2f} s: "
        f"ratio {two / one:.2f} (1 = no waiting, 2 = fully serialised)"
    )
    rss_mc = _rss_mb()
    print(
        f"5. memory: {rss0:.0f} MB before, {rss_session:.0f} MB with the session, "
        f"{rss_mc:.0f} MB after the Monte Carlo runs"
    )


if __name__ == "__main__":
    main()
