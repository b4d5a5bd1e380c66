"""Benchmark the PDF report against the calculation it reports, in one run.

For the Kalundborg example and a 60-exchange synthetic network (Kalundborg's operating
exchanges repeated between 20 firms), both over lcasym-open:

1. ``lcasym.calculate(network, draws=1000)``: the calculation with a 1,000-draw Monte
   Carlo (first call in the process: Brightway loading and factorisation included);
2. ``write_report(result, "report.pdf")``: context, figures, HTML, WeasyPrint layout, the
   PDF/A-3b with its attachments, and the datapoints files (first call too: the Vega
   engine and the fonts are loaded in it).

Both run in the same process after the same imports; the ratio (2) / (1) is the figure
(target: ≤ 1, the PDF costs no more than the calculation). Brightway state goes to
``--dir`` (default: a temporary folder), never to the user's.

Usage: python benchmarks/bench_report.py [--dir DIR] [--repeat N] [--keep OUT]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def synthetic_network(n_exchanges: int = 60, n_groups: int = 3):
    """Kalundborg's operating exchanges repeated until ``n_exchanges``, between 3 firm groups."""
    import yaml

    from lcasym.network.model import SymbiosisNetwork
    from lcasym.paths import examples_dir

    data = yaml.safe_load((examples_dir() / "kalundborg.yaml").read_text(encoding="utf-8"))
    base = [e for e in data["exchanges"] if e.get("status", "operating") == "operating"]
    exchanges, used = [], set()
    copy = 0
    while len(exchanges) < n_exchanges:
        group = copy % n_groups
        for e in base:
            if len(exchanges) == n_exchanges:
                break
            e = dict(
                e,
                id=f"{e['id']}-{copy}",
                supplier=f"{e['supplier']}-{group}",
                receiver=f"{e['receiver']}-{group}",
            )
            used |= {e["supplier"], e["receiver"]}
            exchanges.append(e)
        copy += 1
    facilities = []
    for g in range(n_groups):
        for f in data["facilities"]:
            fid = f"{f['id']}-{g}"
            if fid in used:
                # no declared generation: the copies would break its mass balance
                facilities.append(dict(f, id=fid, name=f"{f['name']} ({g + 1})", generates=[]))
    data["network"] = dict(data["network"], id="synthetic60", name="Synthetic 60-exchange park")
    data.update(exchanges=exchanges, facilities=facilities)
    return SymbiosisNetwork.model_validate(data)


def timed(func, *args, **kwargs):
    """Result, wall seconds and CPU seconds of this process (the CPU time survives load)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="Brightway base directory")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the pair N times")
    parser.add_argument("--keep", type=Path, default=None, help="keep the PDFs in this folder")
    args = parser.parse_args()
    bw_dir = args.dir or Path(tempfile.mkdtemp(prefix="lcasym-bench-report-"))
    os.environ["LCASYM_BRIGHTWAY_DIR"] = os.environ["BRIGHTWAY2_DIR"] = str(bw_dir)
    os.environ.setdefault("LCASYM_PROJECT", "lcasym-bench-report")

    import weasyprint  # noqa: F401  (imports done before any timing, on both sides)

    import lcasym
    from lcasym.paths import examples_dir
    from lcasym.report import ReportSource, write_report

    lcasym.setup()
    out = args.keep or Path(tempfile.mkdtemp(prefix="lcasym-report-"))
    cases = [
        (
            "Kalundborg (11 operating exchanges)",
            ReportSource.from_path(examples_dir() / "kalundborg.yaml"),
        ),
        ("synthetic, 60 exchanges", ReportSource.from_network(synthetic_network())),
    ]
    print(f"{'network':36} {'calc 1,000 draws':>17} {'report':>14} {'ratio':>11} {'pages':>5}")
    print(f"{'':36} {'wall / CPU s':>17} {'wall / CPU s':>14} {'wall / CPU':>11}")
    for _ in range(args.repeat):
        for label, source in cases:
            result, calc_s, calc_c = timed(lcasym.calculate, source.network, draws=1000)
            files, rep_s, rep_c = timed(
                write_report, result, out / f"{source.network.network.id}.pdf", network=source
            )
            print(
                f"{label:36} {calc_s:8.2f} / {calc_c:6.2f} {rep_s:6.2f} / {rep_c:5.2f} "
                f"{rep_s / calc_s:5.2f} / {rep_c / calc_c:4.2f} {files.pages:5d}"
            )
    print(f"PDFs in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
