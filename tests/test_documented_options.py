"""Every documented CLI flag and API option, driven once on the tiny example.

The sensitivity crash with pandas 3 lived in an untested combination: here each flag of
``lcasym calc`` and ``lcasym run`` (README's table) and each option of
``lcasym.calculate`` (README's example and its docstring) is used at least once, and the
avoided GWP100 must be the hand total of examples/tiny.yaml whatever the combination.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from lcasym.paths import examples_dir, package_data

pytestmark = pytest.mark.slow

GWP = "IPCC 2021|climate change|global warming potential (GWP100)"
GWP_LABEL = GWP.replace("|", " | ")
EF_CC = "EF v3.1|climate change|global warming potential (GWP100)"
TINY = examples_dir() / "tiny.yaml"
# Hand total of examples/tiny.yaml (its header): 7,803.78 + 25,432.69 − 1,083.14 kg CO2-eq;
# the network total does not depend on the crediting rule.
TINY_AVOIDED = 32_153.33


def lcasym(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "lcasym", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ},  # BRIGHTWAY2_DIR is set: bw2data would print to stdout
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def avoided_in(frame: pd.DataFrame) -> float:
    return float(frame.set_index("method").loc[GWP_LABEL, "avoided"])


def test_version_comes_from_the_package_metadata(tmp_path):
    import lcasym as package

    assert package.__version__ == metadata.version("lcasym")
    proc = lcasym("--version", cwd=tmp_path)
    assert proc.stdout.strip() == f"lcasym {metadata.version('lcasym')}"


def test_calc_flags(bw_project, tmp_path):
    where = ["-p", bw_project.project, "-d", str(bw_project.directory)]
    # JSON to stdout (nothing else there), equal split, -v logs only lcasym's loggers
    proc = lcasym("-v", "calc", str(TINY), "-m", GWP, "-c", "equal", "--contributions-top", "2",
                  *where, cwd=tmp_path)  # fmt: skip
    data = json.loads(proc.stdout)
    assert avoided_in(pd.DataFrame(data["totals"])) == pytest.approx(TINY_AVOIDED, rel=1e-6)
    # two activities at most per exchange component (the default lists five)
    ranks = pd.DataFrame(data["contributions"])["rank"]
    assert set(ranks) == {1, 2}
    logged = [ln.split()[1] for ln in proc.stderr.splitlines() if ln.startswith("INFO ")]
    assert logged and all(name.startswith("lcasym") for name in logged), logged

    # two methods, CFF, Monte Carlo with seed, sensitivity, CSV by -f
    mc = lcasym(
        "calc", str(TINY), "-m", GWP, "-m", EF_CC, "-c", "cff", "-n", "50", "-s", "7",
        "--sensitivity", "-f", "csv", "-o", "r.data", *where, cwd=tmp_path,
    )  # fmt: skip
    long = pd.read_csv(tmp_path / "r.data")  # the tidy long table (docs/results.md)
    total = long[(long.table == "totals") & (long.quantity == "avoided")]
    assert set(total.statistic) == {"value"}
    assert float(total.set_index("method").loc[GWP_LABEL, "value"]) == pytest.approx(
        TINY_AVOIDED, rel=1e-6
    )
    # tiny.yaml gives no distribution: no Monte Carlo, no interval, and the summary says why
    assert "uncertainty" not in set(long.table)
    assert "(no uncertainty data)" in mc.stderr
    # the sensitivity table is not part of the long table: the JSON export holds it
    mc_json = lcasym(
        "calc", str(TINY), "-m", GWP, "-c", "cff", "-n", "50", "-s", "7", "--sensitivity",
        *where, cwd=tmp_path,
    )  # fmt: skip
    sensitivity = pd.DataFrame(json.loads(mc_json.stdout)["sensitivity"])
    assert {"tornado", "sobol"} <= set(sensitivity["analysis"])

    # background uncertainty on two local workers, supplier rule, Excel by suffix
    lcasym(
        "calc", str(TINY), "-m", GWP, "-c", "supplier", "-n", "20", "-s", "3",
        "--background-uncertainty", "-w", "2", "-o", "r.xlsx", cwd=tmp_path,
    )  # fmt: skip
    assert avoided_in(pd.read_excel(tmp_path / "r.xlsx", "totals")) == pytest.approx(
        TINY_AVOIDED, rel=1e-6
    )
    prov = pd.read_excel(tmp_path / "r.xlsx", "provenance").set_index("key")["value"]
    assert prov["background_uncertainty"] and int(prov["workers"]) == 2

    # network rule, JSON by -f, an existing Dask scheduler
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        lcasym(
            "calc", str(TINY), "-m", GWP, "-c", "network", "-n", "10",
            "--background-uncertainty",  # tiny.yaml has no distribution of its own
            "--scheduler", cluster.scheduler_address, "-f", "json", "-o", "r.json",
            cwd=tmp_path,
        )  # fmt: skip
    data = json.loads((tmp_path / "r.json").read_text())
    assert avoided_in(pd.DataFrame(data["totals"])) == pytest.approx(TINY_AVOIDED, rel=1e-6)
    assert data["provenance"]["execution"] == "scheduler"


def test_run_takes_the_options_of_calc(bw_project, tmp_path):
    lcasym(
        "run", str(TINY), "-o", "out", "-f", "json", "-f", "csv", "-m", GWP, "-c", "receiver",
        "-n", "10", "-s", "1", "--sensitivity", "--contributions-top", "0",
        "-p", bw_project.project, "-d", str(bw_project.directory), cwd=tmp_path,
    )  # fmt: skip
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["tiny_results.csv", "tiny_results.json"]
    data = json.loads((tmp_path / "out" / "tiny_results.json").read_text())
    assert avoided_in(pd.DataFrame(data["totals"])) == pytest.approx(TINY_AVOIDED, rel=1e-6)
    assert data["sensitivity"] and data["provenance"]["seed"] == 1
    assert not data["contributions"]  # --contributions-top 0: none asked for


def test_api_options(bw_project):
    from lcasym import calculate

    result = calculate(
        TINY,
        methods=[GWP, tuple(EF_CC.split("|"))],
        crediting="cff",
        cff_defaults={"A": 0.2},
        draws=30,
        seed=5,
        background_uncertainty=True,
        sensitivity=True,
        contributions_top=2,
        sdg_mapping=package_data("sdg_mapping.yaml"),
        project=bw_project.project,
        directory=bw_project.directory,
    )
    assert avoided_in(result.totals) == pytest.approx(TINY_AVOIDED, rel=1e-6)
    assert set(result.sensitivity["analysis"]) == {"tornado", "sobol"}
    assert result.contributions["rank"].max() <= 2
    assert result.provenance["cff_factors"]["material"] == 0.2  # A applies to materials
    assert result.draws == 30 and result.provenance["seed"] == 5
    # facility credits add up to the network total under the CFF rule too
    credits = result.facilities[result.facilities["method"] == GWP_LABEL]["credit"].sum()
    assert credits == pytest.approx(TINY_AVOIDED, rel=1e-6)
