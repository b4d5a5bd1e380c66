"""``lcasym opportunities`` as a user meets it: outputs, exit codes, located messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest
import yaml
from discovery_helpers import facility, inventory

from lcasym.io import read_network

pytestmark = pytest.mark.slow


def lcasym(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lcasym.cli.main", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=cwd,
        timeout=300,
    )


def write(tmp_path, data, name="park.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def park(must_be_met: bool = False) -> dict:
    need = {"id": "A", "flow": "gypsum", "amount": 1e5, "unit": "t", "price": 12}
    if must_be_met:
        need["amount"] = 3e5
        need["must_be_met"] = True
    return inventory(
        [
            facility("s1", offers=[{"id": "S1", "flow": "fgd_gypsum", "amount": 1e5, "unit": "t"}]),
            facility("s2", offers=[{"id": "S2", "flow": "fgd_gypsum", "amount": 1e5, "unit": "t"}]),
            facility("a", needs=[need]),
            facility("b", needs=[{"id": "B", "flow": "gypsum", "amount": 1e5, "unit": "t"}]),
        ],
        [("s1", "a", 10), ("s1", "b", 20), ("s2", "a", 30), ("s2", "b", 400)],
    )


def test_rank_choose_write_network_and_tables(bw_project, tmp_path):
    path = write(tmp_path, park())
    out = lcasym(
        "opportunities", str(path), "--choose", "--write-network", "proposed.yaml",
        "-o", "opps.xlsx", "--method", "IPCC 2021 | climate change | global warming potential "
        "(GWP100)", cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "3 candidates" in out.stdout
    # Gypsum candidates differ only by their haul (net = a − b·d per t, b > 0), so the
    # greedy pick S1>A blocks both others; the optimum is S1>B + S2>A (as in
    # test_discovery_choose.py) whenever a − 20b > 0 and 2a − 50b > a − 10b.
    assert "chosen set (ghg, optimal" in out.stdout and "2 exchange(s)" in out.stdout
    assert "excluded pairs by reason: too far 1" in out.stdout
    network = read_network(tmp_path / "proposed.yaml")
    assert sorted(e.id for e in network.exchanges) == ["S1-to-B", "S2-to-A"]
    assert {e.status.value for e in network.exchanges} == {"planned"}
    wb = openpyxl.load_workbook(tmp_path / "opps.xlsx")
    assert wb.sheetnames == ["ranked", "all methods", "excluded", "chosen", "chosen totals"]
    # written files are not overwritten without --force
    again = lcasym("opportunities", str(path), "-o", "opps.xlsx", cwd=tmp_path)
    assert again.returncode == 2 and "add --force" in again.stderr


def test_json_output_and_pareto(bw_project, tmp_path):
    path = write(tmp_path, park())
    out = lcasym("opportunities", str(path), "--top", "0", "--pareto", "2", "-o", "o.json",
                 cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "o.json").read_text())
    assert len(data["ranked"]) == 3 and data["excluded_counts"]["too far"] == 1
    assert data["pareto"] and "Pareto front" in out.stdout


def test_explain_needs_no_background(tmp_path):
    path = write(tmp_path, park())
    out = lcasym("opportunities", str(path), "--explain", "S2>B")
    assert out.returncode == 0, out.stderr
    assert "fgd_gypsum_to_gypsum: excluded: too far: 400.0 km > 300 km" in out.stdout
    bad = lcasym("opportunities", str(path), "--explain", "S2>X")
    assert bad.returncode == 2 and "no offer 'S2' or no need 'X'" in bad.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["facilities"][0]["offers"][0].update(flow="fgd_gipsum"),
            "park.yaml, facilities[0] (id 's1').offers[0] (id 'S1').flow: unknown flow type "
            "'fgd_gipsum': did you mean 'fgd_gypsum'?",
        ),
        (
            lambda d: d["facilities"][2]["needs"][0].pop("amount"),
            "needs[0] (id 'A').amount: required field 'amount' is missing",
        ),
        (
            lambda d: d["facilities"][0].update(coordinates={"lat": 10, "lon": 200}),
            "coordinates.lon: lon must be <= 180",
        ),
    ],
)
def test_bad_inventory_exits_2_with_a_located_message(tmp_path, change, message):
    data = park()
    change(data)
    out = lcasym("opportunities", str(write(tmp_path, data)))
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_infeasible_choice_exits_2(bw_project, tmp_path):
    out = lcasym("opportunities", str(write(tmp_path, park(must_be_met=True))), "--choose")
    assert out.returncode == 2
    assert "facilities[2] (id 'a').needs[0] (id 'A').must_be_met" in out.stderr
    assert "the choice is infeasible" in out.stderr and "Traceback" not in out.stderr
    bad = lcasym("opportunities", str(write(tmp_path, park())), "--choose", "--constraint", "x")
    assert bad.returncode == 2 and "cannot read the constraint 'x'" in bad.stderr


def test_template(tmp_path):
    out = lcasym("opportunities-template", str(tmp_path / "inv.xlsx"))
    assert out.returncode == 0, out.stderr
    assert openpyxl.load_workbook(tmp_path / "inv.xlsx").sheetnames[0] == "README"
    again = lcasym("opportunities-template", str(tmp_path / "inv.xlsx"))
    assert again.returncode == 2 and "add --force" in again.stderr
