"""A damaged Brightway project, and several processes at once, through the real command.

Each damage (a processed datapackage deleted or truncated, ``databases.db`` or
``projects.db`` overwritten with text): ``lcasym status`` names the damaged piece and exits
1, ``lcasym calc`` refuses with "run `lcasym setup`" (never "unexpected error"),
``lcasym setup`` repairs it, and the tiny example gives its reference number again.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lcasym.paths import examples_dir

pytestmark = pytest.mark.slow

GWP = "IPCC 2021|climate change|global warming potential (GWP100)"
TINY = examples_dir() / "tiny.yaml"
# Hand total of examples/tiny.yaml (its header): 7,803.78 + 25,432.69 − 1,083.14 kg CO2-eq
TINY_AVOIDED = 32_153.33


def lcasym(base: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BRIGHTWAY2_DIR": str(base), "LCASYM_BRIGHTWAY_DIR": str(base)}
    env["LCASYM_PROJECT"] = "lcasym"
    return subprocess.run(
        [sys.executable, "-m", "lcasym", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def avoided(proc: subprocess.CompletedProcess) -> float:
    totals = json.loads(proc.stdout)["totals"]
    (row,) = [t for t in totals if t["method"] == GWP.replace("|", " | ")]
    return row["avoided"]


@pytest.fixture(scope="module")
def clean_base(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("bw-clean")
    proc = lcasym(base, "setup")
    assert proc.returncode == 0, proc.stderr
    calc = lcasym(base, "calc", str(TINY), "-m", GWP)
    assert calc.returncode == 0, calc.stderr
    assert avoided(calc) == pytest.approx(TINY_AVOIDED, rel=1e-6)
    return base


def _one(pattern: str) -> Path:
    (found,) = glob.glob(pattern)
    return Path(found)


DAMAGES = [
    ("biosphere-deleted", lambda b: _one(f"{b}/lcasym.*/processed/biosphere3.*.zip").unlink(),
     "biosphere3: processed datapackage"),
    ("open-truncated", lambda b: os.truncate(_one(f"{b}/lcasym.*/processed/lcasym-op*.zip"), 100),
     "lcasym-open: processed datapackage"),
    ("ipcc-truncated",
     lambda b: [os.truncate(p, 50) for p in glob.glob(f"{b}/lcasym.*/processed/ipcc-2021*.zip")],
     "methods 'IPCC 2021'"),
    ("databases-db-text", lambda b: _one(f"{b}/lcasym.*/lci/databases.db").write_text("hello"),
     "databases.db"),
    ("projects-db-text", lambda b: (b / "projects.db").write_text("hello"), "projects.db"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "damage", "piece"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_damage_is_named_refused_and_repaired(clean_base, tmp_path, case, damage, piece):
    base = tmp_path / "bw"
    shutil.copytree(clean_base, base)
    damage(base)

    status = lcasym(base, "status")
    assert status.returncode == 1
    assert piece in status.stdout + status.stderr
    assert "Traceback" not in status.stderr

    refused = lcasym(base, "calc", str(TINY), "-m", GWP)
    assert refused.returncode == 1
    assert "lcasym setup" in refused.stderr and "unexpected error" not in refused.stderr
    assert refused.stdout == ""

    repaired = lcasym(base, "setup")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "repaired" in repaired.stdout
    again = lcasym(base, "calc", str(TINY), "-m", GWP)
    assert again.returncode == 0, again.stderr
    assert avoided(again) == pytest.approx(TINY_AVOIDED, rel=1e-6)


def test_a_users_database_lost_with_databases_db_fails_the_setup(clean_base, tmp_path):
    base = tmp_path / "bw"
    shutil.copytree(clean_base, base)
    script = (
        "from lcasym.background.project import brightway_project\n"
        "with brightway_project('lcasym'):\n"
        "    import bw2data as bd\n"
        "    bd.Database('my-study').write({('my-study', 'a'): "
        "{'name': 'a', 'unit': 'kg', 'exchanges': []}})\n"
    )
    env = {**os.environ, "BRIGHTWAY2_DIR": str(base), "LCASYM_BRIGHTWAY_DIR": str(base)}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300)
    damaged = _one(f"{base}/lcasym.*/lci/databases.db")
    damaged.write_text("hello")

    setup = lcasym(base, "setup")
    assert setup.returncode == 1  # never success after losing a user's data
    assert "'my-study' lost its data" in setup.stdout
    assert list(damaged.parent.glob("databases.db.damaged-*"))  # set aside, not deleted
    assert lcasym(base, "calc", str(TINY), "-m", GWP).returncode == 0  # lcasym's parts work


def test_two_setups_and_two_calcs_at_once(tmp_path):
    base = tmp_path / "bw"
    env = {**os.environ, "BRIGHTWAY2_DIR": str(base), "LCASYM_BRIGHTWAY_DIR": str(base)}
    env["LCASYM_PROJECT"] = "lcasym"

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "lcasym", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    setups = [start("setup"), start("setup")]
    outs = [p.communicate(timeout=600) for p in setups]
    assert [p.returncode for p in setups] == [0, 0], outs
    statuses = sorted(
        "created" if "created" in out else "verified" if "verified" in out else out
        for out, _ in outs
    )
    assert statuses == ["created", "verified"]  # the second waited, then found it done

    calcs = [start("calc", str(TINY), "-m", GWP), start("calc", str(TINY), "-m", GWP)]
    results = [p.communicate(timeout=600) for p in calcs]
    assert [p.returncode for p in calcs] == [0, 0], [err for _, err in results]
    values = [json.loads(out)["totals"] for out, _ in results]
    assert values[0] == values[1]
    assert lcasym(base, "status").returncode == 0
