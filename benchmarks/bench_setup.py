"""Time lcasym's offline Brightway set-up against the bw2setup-equivalent route, like for like.

Usage::

    python benchmarks/bench_setup.py [--skip-route] [--all-methods]

Each measurement runs in a fresh subprocess on a fresh temporary directory (so import-time
state and warm caches do not distort it) and reports the time inside that process,
Python imports excluded (they are shown separately). Both sides write the same methods:

1. lcasym first run: ``lcasym.background.bootstrap.setup()`` on an empty directory
   (biosphere3, the default method families, the open background).
2. lcasym re-run: the same call again (verifies only).
3. bw2setup-equivalent route for the same default families: ``bw2io.create_default_biosphere3()``
   then those methods of ``lcia_39_ecoinvent.zip`` with tuple names and ``('biosphere3',
   code)`` CF inputs, written by ``bw2io.importers.base_lcia.LCIAImporter(...).write_methods()``.
4. (``--all-methods``) all 762 methods on both sides: lcasym's writer (biosphere3 + every
   family) vs the route with every method.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

FIRST_RUN = """
import time; t0 = time.perf_counter()
import bw2data, bw2io  # imported here so the timing below excludes imports
from lcasym.background import bootstrap
t1 = time.perf_counter()
r = bootstrap.setup("bench", DIR)
t2 = time.perf_counter()
assert r.ok, r.problems
print(json.dumps({"imports": t1 - t0, "seconds": t2 - t1, "status": r.status,
                  "methods": r.method_count, "steps": [[s.name, s.seconds] for s in r.steps]}))
"""

ROUTE = """
import time; t0 = time.perf_counter()
import zipfile
from pathlib import Path
import bw2data, bw2io
from bw2io.importers.base_lcia import LCIAImporter
from lcasym.background.project import brightway_project, quiet_brightway
t1 = time.perf_counter()
with brightway_project("route", DIR), quiet_brightway():
    bw2io.create_default_biosphere3()
    t_bio = time.perf_counter() - t1
    fp = Path(bw2io.__file__).parent / "data" / "lcia" / "lcia_39_ecoinvent.zip"
    with zipfile.ZipFile(fp) as archive:
        data = json.load(archive.open("data.json"))
    if FAMILIES is not None:
        data = [m for m in data if m["name"][0] in FAMILIES]
    for method in data:
        method["name"] = tuple(method["name"])
        for cf in method["exchanges"]:
            cf["input"] = tuple(cf["input"])
    importer = LCIAImporter("lcia_39_ecoinvent.zip")
    importer.data = data
    importer.write_methods(overwrite=True)
    n = len(bw2data.methods)
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "seconds": t2 - t1, "methods": n, "biosphere": t_bio}))
"""

ALL_762 = """
import time; t0 = time.perf_counter()
import bw2io
from lcasym.background import lcia
from lcasym.background.project import brightway_project, quiet_brightway
t1 = time.perf_counter()
with brightway_project("all", DIR), quiet_brightway():
    bw2io.create_default_biosphere3()
    n = lcia.write_methods(lcia.available_families())
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "seconds": t2 - t1, "methods": n}))
"""


def run(code: str, directory: str, **variables) -> dict:
    """Run ``code`` in a fresh interpreter with Brightway pointed at ``directory``."""
    preamble = "".join(f"{k} = {v!r}\n" for k, v in variables.items())
    source = "import json\nDIR = " + repr(directory) + "\n" + preamble + textwrap.dedent(code)
    env = {"BRIGHTWAY2_DIR": directory, "LCASYM_BRIGHTWAY_DIR": directory}
    proc = subprocess.run(
        [sys.executable, "-c", source],
        env={**os.environ, **env, "BRIGHTWAY_NO_STRUCTLOG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"benchmark step failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-route", action="store_true", help="skip the slow route (3)")
    parser.add_argument("--all-methods", action="store_true", help="also time (4)")
    args = parser.parse_args()

    from lcasym.background import lcia

    defaults = lcia.default_families()
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        first = run(FIRST_RUN, d1)
        steps = ", ".join(f"{name} {sec:.2f} s" for name, sec in first["steps"])
        print(
            f"(1) lcasym first run  : {first['seconds']:6.2f} s  ({first['methods']} methods; "
            f"{steps}; imports {first['imports']:.2f} s)"
        )
        rerun = run(FIRST_RUN, d1)
        print(
            f"(2) lcasym re-run     : {rerun['seconds']:6.2f} s  (status {rerun['status']}; "
            f"imports {rerun['imports']:.2f} s)"
        )
        if not args.skip_route:
            route = run(ROUTE, d2, FAMILIES=defaults)
            print(
                f"(3) bw2setup route, same {route['methods']} methods: {route['seconds']:6.2f} s"
                f" (biosphere3 {route['biosphere']:.2f} s; imports {route['imports']:.2f} s)"
            )
            print(
                f"    ratio route / first run : {route['seconds'] / first['seconds']:6.1f}x "
                "(target >= 5x; lcasym also writes its open background)"
            )
        if args.all_methods:
            with tempfile.TemporaryDirectory() as d3, tempfile.TemporaryDirectory() as d4:
                every = run(ALL_762, d3)
                print(
                    f"(4) lcasym writer, all {every['methods']} methods (incl. biosphere3): "
                    f"{every['seconds']:6.2f} s"
                )
                if not args.skip_route:
                    full = run(ROUTE, d4, FAMILIES=None)
                    print(
                        f"    bw2setup route, all {full['methods']} methods: "
                        f"{full['seconds']:6.2f} s -> {full['seconds'] / every['seconds']:.1f}x"
                    )
        verdict = "OK" if first["seconds"] <= 20 else "OVER"
        print(f"first run target <= 20 s: {verdict}")


if __name__ == "__main__":
    main()
