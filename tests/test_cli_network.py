"""The network commands: validate, template, schema, convert (exit codes, no tracebacks)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from lcasym.background.resolve import ActivityInfo, BackgroundIndex
from lcasym.cli.main import app

runner = CliRunner()

NET = {
    "network": {
        "id": "tiny",
        "name": "Tiny",
        "reporting_year": 2023,
        "background": {"database": "bg"},
    },
    "facilities": [
        {"id": "a", "name": "A", "sector": "s"},
        {"id": "b", "name": "B", "sector": "s"},
    ],
    "exchanges": [
        {
            "id": "x",
            "supplier": "a",
            "receiver": "b",
            "kind": "material",
            "flow": "slag",
            "amount": 10,
            "unit": "t",
            "displaces": {"activity": "sand", "ratio": 7},
        }
    ],
}
BG = BackgroundIndex([ActivityInfo("bg", "sand", "sand", "sand", "DK", "kilogram")])


@pytest.fixture
def stand_in_background(monkeypatch):
    import lcasym.network.checking

    monkeypatch.setattr(
        lcasym.network.checking,
        "background_for",
        lambda network, project, directory: (BG, "checked against a stand-in"),
    )


def write(tmp_path, data, name="net.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_validate_ok_with_warning(tmp_path, stand_in_background):
    result = runner.invoke(app, ["validate", str(write(tmp_path, NET))])
    assert result.exit_code == 0, result.output
    assert "OK: 2 facilities, 1 exchanges (1 warning(s))" in result.stdout
    assert "warning: net.yaml, exchanges[0] (id 'x').displaces.ratio: ratio 7" in result.stderr
    assert "checked against a stand-in" in result.stdout


def test_validate_errors_exit_2_with_every_problem(tmp_path, stand_in_background):
    data = copy.deepcopy(NET)
    data["exchanges"][0]["receiver"] = "c"
    data["exchanges"][0]["displaces"]["activity"] = "snd"
    result = runner.invoke(app, ["validate", str(write(tmp_path, data))])
    assert result.exit_code == 2
    assert "receiver 'c' is not a facility" in result.stderr
    assert "activity code 'snd' not found in database 'bg'; did you mean 'sand'" in result.stderr
    assert "Traceback" not in result.output


def test_validate_typo_exit_2(tmp_path):
    data = copy.deepcopy(NET)
    data["exchanges"][0]["amout"] = data["exchanges"][0].pop("amount")
    result = runner.invoke(app, ["validate", str(write(tmp_path, data))])
    assert result.exit_code == 2
    assert "unknown field 'amout': did you mean 'amount'?" in result.stderr


def test_validate_without_background_says_what_was_skipped(tmp_path, monkeypatch):
    def not_ready(*args, **kwargs):
        from lcasym.errors import SetupError

        raise SetupError("project 'nope' is not set up")

    import lcasym.background.bootstrap

    monkeypatch.setattr(lcasym.background.bootstrap, "ensure_ready", not_ready)
    result = runner.invoke(app, ["validate", str(write(tmp_path, NET))])
    assert result.exit_code == 0, result.output
    assert "skipped: activity references" in result.stdout
    assert "project 'nope' is not set up" in result.stdout


def test_validate_falls_back_to_shipped_open_background(tmp_path, monkeypatch):
    def not_ready(*args, **kwargs):
        from lcasym.errors import SetupError

        raise SetupError("not set up")

    import lcasym.background.bootstrap

    monkeypatch.setattr(lcasym.background.bootstrap, "ensure_ready", not_ready)
    data = copy.deepcopy(NET)
    data["network"]["background"] = {"database": "lcasym-open"}
    data["exchanges"][0]["displaces"] = {"activity": "gypsum_mind"}
    result = runner.invoke(app, ["validate", str(write(tmp_path, data))])
    assert result.exit_code == 2
    assert "did you mean 'gypsum_mined'" in result.stderr


def test_template_then_validate(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0 and out.is_file()
    import openpyxl

    from lcasym.background.open_data import load_open_background

    n = len(load_open_background().activities)  # databases/open_background/activities.csv
    assert f"({n:,} lcasym-open activities listed" in result.stdout
    assert openpyxl.load_workbook(out)["background_activities"].max_row == n + 1
    again = runner.invoke(app, ["template", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert runner.invoke(app, ["template", str(out), "--force"]).exit_code == 0
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 2
    assert "t.xlsx, sheet 'facilities': no facilities given: add at least one" in checked.stderr


def test_schema_stdout_and_file(tmp_path):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"].startswith("lcasym")
    assert runner.invoke(app, ["schema", "-o", str(tmp_path / "s.json")]).exit_code == 0
    assert json.loads((tmp_path / "s.json").read_text()) == json.loads(result.stdout)


def test_convert_roundtrip_and_refusals(tmp_path):
    src = write(tmp_path, NET)
    xlsx = tmp_path / "net.xlsx"
    result = runner.invoke(app, ["convert", str(src), str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "ratio 7" in result.stderr  # warnings shown
    back = tmp_path / "back.json"
    assert runner.invoke(app, ["convert", str(xlsx), str(back)]).exit_code == 0
    assert json.loads(back.read_text())["exchanges"][0]["displaces"]["ratio"] == 7.0
    assert runner.invoke(app, ["convert", str(src), str(xlsx)]).exit_code == 2  # exists
    assert runner.invoke(app, ["convert", str(src), str(tmp_path / "x.csv")]).exit_code == 2


def test_convert_invalid_writes_nothing(tmp_path):
    data = copy.deepcopy(NET)
    data["exchanges"][0]["supplier"] = "zz"
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["convert", str(write(tmp_path, data)), str(out)])
    assert result.exit_code == 2
    assert "supplier 'zz' is not a facility" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.yaml"]


def test_real_entry_point_exit_code_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("network: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "lcasym.cli.main", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "YAML syntax error" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
