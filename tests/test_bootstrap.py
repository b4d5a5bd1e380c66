"""lcasym.background.bootstrap / .lcia: offline set-up, idempotence, repair, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcasym.background import bootstrap, lcia
from lcasym.errors import SetupError

EF_CC = ("EF v3.1", "climate change", "global warming potential (GWP100)")
GWP100 = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
CH4_FOSSIL_AIR = "0795345f-c7ae-410c-ad25-1845784c75f5"
N2O_AIR = "20185046-64bb-4c09-a8e7-e8a9e144ca98"
CO2_FOSSIL_AIR = "349b29d1-3e58-4c66-98b9-9d1a076efd2e"


def _cfs_by_code(name):
    """CFs of an installed method as {biosphere code: amount}."""
    import bw2data

    return {node["code"]: amount for node, amount in bw2data.Method(name)}


# --- what the session set-up installed -------------------------------------------------


def test_report_of_session_setup(bw_project):
    report = bootstrap.verify(bw_project.project, bw_project.directory)
    assert report.ok and report.status == "verified", report.problems
    assert report.biosphere_flows == 4709
    assert report.method_count == 25 + 32 + 18 + 12
    assert set(report.families) == set(lcia.default_families())
    assert report.versions["bw2io"] == "0.9.17"


def test_method_counts_per_family(in_bw_project):
    assert len(lcia.installed_methods(["EF v3.1"])) == 25
    assert len(lcia.installed_methods(["ReCiPe 2016 v1.03, midpoint (H)"])) == 18
    assert len(lcia.installed_methods(["Cumulative Energy Demand (CED)"])) == 12
    ipcc = lcia.installed_methods(["IPCC 2021"])
    assert GWP100 in ipcc and len(ipcc) == 32


def test_hand_checkable_cfs(in_bw_project):
    """AR6 values: CH4 fossil 29.8, N2O 273, CO2 1 kg CO2-eq/kg (EF v3.1 and IPCC 2021)."""
    import bw2data

    for name in (EF_CC, GWP100):
        cfs = _cfs_by_code(name)
        assert cfs[CH4_FOSSIL_AIR] == pytest.approx(29.8)
        assert cfs[N2O_AIR] == pytest.approx(273)
        assert cfs[CO2_FOSSIL_AIR] == pytest.approx(1)
    assert bw2data.methods[EF_CC]["unit"] == "kg CO2-Eq"


def test_cfs_match_bw2io_file(in_bw_project):
    """Every CF written equals the one in bw2io's file, flow by flow (checks the id mapping)."""
    (source,) = [m for m in lcia.load_method_data(["EF v3.1"]) if m["name"] == EF_CC]
    expected = {cf["input"][1]: cf["amount"] for cf in source["exchanges"]}
    assert _cfs_by_code(EF_CC) == pytest.approx(expected)
    assert expected[CH4_FOSSIL_AIR] == 29.8 and expected[N2O_AIR] == 273


def test_lca_score_with_installed_method(in_bw_project):
    """1 kg CO2 + 1e-3 kg CH4 + 1e-4 kg N2O (fossil, air) = 1 + 0.0298 + 0.0273 kg CO2-eq."""
    import bw2calc
    import bw2data

    db = bw2data.Database("test-bootstrap-lca")
    exchanges = [{"input": ("test-bootstrap-lca", "a"), "amount": 1, "type": "production"}]
    for code, amount in ((CO2_FOSSIL_AIR, 1), (CH4_FOSSIL_AIR, 1e-3), (N2O_AIR, 1e-4)):
        exchanges.append({"input": ("biosphere3", code), "amount": amount, "type": "biosphere"})
    db.write({("test-bootstrap-lca", "a"): {"name": "a", "unit": "kg", "exchanges": exchanges}})
    try:
        lca = bw2calc.LCA({db.get("a"): 1}, GWP100)
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(1 + 0.0298 + 0.0273, rel=1e-6)
    finally:
        del bw2data.databases["test-bootstrap-lca"]


def test_family_file_matches_bw2io_data():
    available = lcia.available_families()
    assert sum(available.values()) == 762
    for entry in lcia.family_config():
        assert available[entry["family"]] == entry["methods"], entry["family"]
        assert entry["rationale"].strip()


def test_unknown_family_suggests_close_names():
    with pytest.raises(SetupError, match=r"CML v4\.8 2016"):
        lcia.load_method_data(["CML v4.8"])


# --- idempotence -----------------------------------------------------------------------


def test_second_run_only_verifies(bw_project):
    # A re-run checks and writes nothing: no step runs and no database or method file is
    # touched. (Its speed is measured in benchmarks/bench_setup.py, not in a timed test.)
    def stamps() -> dict[str, float]:
        root = Path(bw_project.directory)
        return {str(f): f.stat().st_mtime for f in root.rglob("*") if f.is_file()
                and "processed" in f.parts}  # fmt: skip

    before = stamps()
    report = bootstrap.setup(project=bw_project.project, directory=bw_project.directory)
    assert report.status == "verified"
    assert report.steps == ()
    assert before and stamps() == before


def test_ensure_ready(bw_project, tmp_path):
    assert bootstrap.ensure_ready() == bw_project  # env points at the test project
    with pytest.raises(SetupError, match="lcasym setup"):
        bootstrap.ensure_ready("never-set-up", tmp_path)


# --- repair ----------------------------------------------------------------------------


def test_in_progress_marker_and_broken_method_are_repaired(bw_scratch_project, capfd):
    import bw2data

    marker = Path(bw2data.projects.dir) / bootstrap.MARKER_FILE
    data = json.loads(marker.read_text())
    marker.write_text(json.dumps({**data, "status": "in_progress"}))
    broken = bw2data.Method(EF_CC).filepath_processed()
    broken.write_bytes(broken.read_bytes()[:100])  # a half-written datapackage
    with pytest.raises(SetupError, match="lcasym setup"):
        bootstrap.ensure_ready(bw_scratch_project.project)
    found = bootstrap.verify(bw_scratch_project.project)
    assert found.status == "incomplete"
    assert any("interrupted" in p for p in found.problems)
    assert any("EF v3.1" in p for p in found.problems)

    capfd.readouterr()
    report = bootstrap.setup(bw_scratch_project.project)
    out = capfd.readouterr()
    assert out.out == "" and out.err == "", "bw2data/bw2io chatter leaked"
    assert report.status == "repaired"
    steps = {s.name: s for s in report.steps}
    assert steps["biosphere3"].action == "kept"
    assert steps["LCIA methods"].detail.startswith("1 written")
    assert steps["open background"].action == "kept"
    assert _cfs_by_code(EF_CC)[CH4_FOSSIL_AIR] == pytest.approx(29.8)
    assert bootstrap.verify(bw_scratch_project.project).ok


@pytest.mark.slow
def test_partial_biosphere_is_rebuilt_with_everything_downstream(bw_scratch_project):
    import bw2data

    bio = bw2data.Database("biosphere3")
    for code in (CH4_FOSSIL_AIR, "fd7aa71c-508c-480d-81a6-8052aad92646"):
        bio.get(code).delete()
    assert bootstrap.verify(bw_scratch_project.project).status == "incomplete"

    report = bootstrap.setup(bw_scratch_project.project)
    assert report.status == "repaired"
    assert [s.action for s in report.steps] == ["repaired", "written", "repaired"]
    assert report.biosphere_flows == 4709 and report.method_count == 87
    assert _cfs_by_code(EF_CC)[CH4_FOSSIL_AIR] == pytest.approx(29.8)  # ids re-linked
    assert bootstrap.verify(bw_scratch_project.project).ok


@pytest.mark.slow
def test_run_killed_half_way_is_detected_and_repaired(tmp_path):
    """A set-up process killed while writing methods leaves a project that is repaired."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from lcasym.background import bootstrap

        def progress(message, fraction):
            if message == "LCIA methods: 30/87":
                os.kill(os.getpid(), signal.SIGKILL)

        bootstrap.setup("killed", {str(tmp_path)!r}, progress=progress)
        """
    )
    env = {**os.environ, "BRIGHTWAY2_DIR": str(tmp_path), "LCASYM_BRIGHTWAY_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]

    found = bootstrap.verify("killed", tmp_path)
    assert found.status == "incomplete"
    assert any("interrupted" in p for p in found.problems)
    with pytest.raises(SetupError):
        bootstrap.ensure_ready("killed", tmp_path)

    report = bootstrap.setup("killed", tmp_path)
    assert report.status == "repaired"
    steps = {s.name: s for s in report.steps}
    assert steps["biosphere3"].action == "kept"
    assert steps["LCIA methods"].detail == "57 written, 87 installed"
    assert bootstrap.verify("killed", tmp_path).ok
    assert bootstrap.ensure_ready("killed", tmp_path).project == "killed"


def test_extra_family_is_added_and_kept(bw_scratch_project):
    report = bootstrap.setup(bw_scratch_project.project, families=["CML v4.8 2016"])
    assert report.status == "repaired"  # marker did not list the family
    assert "CML v4.8 2016" in report.families and "EF v3.1" in report.families
    assert len(lcia.installed_methods(["CML v4.8 2016"])) == 11
    again = bootstrap.setup(bw_scratch_project.project)  # defaults: CML stays, is checked
    assert again.status == "verified" and again.method_count == 87 + 11


# --- CLI -------------------------------------------------------------------------------


def test_cli_setup_and_status(bw_project):
    from lcasym.cli.main import app

    runner = CliRunner()
    args = ["--project", bw_project.project, "--dir", str(bw_project.directory)]
    result = runner.invoke(app, ["setup", *args])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and "4709" in result.output
    result = runner.invoke(app, ["status", *args])
    assert result.exit_code == 0, result.output
    assert "lcasym-open" in result.output and "87" in result.output


def test_cli_status_of_missing_project_is_a_clean_error(tmp_path):
    env = {**os.environ, "BRIGHTWAY2_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "lcasym.cli.main", "status", "-p", "nope", "--dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "lcasym setup" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


# --- never delete what lcasym did not write ------------------------------------------------


def _add_user_flow_database_and_method(bw2data):
    """A user's own flow in biosphere3, a database emitting it and a method scoring it."""
    flow = bw2data.Database("biosphere3").new_node(
        code="my-own-flow", name="my own pollutant", categories=("air",), unit="kilogram",
        type="emission",
    )  # fmt: skip
    flow.save()
    bw2data.Database("biosphere3").process()
    bw2data.Database("my-study").write(
        {
            ("my-study", "a"): {
                "name": "a", "unit": "kg",
                "exchanges": [
                    {"input": ("my-study", "a"), "amount": 1, "type": "production"},
                    {"input": ("biosphere3", "my-own-flow"), "amount": 2.0, "type": "biosphere"},
                    {"input": ("biosphere3", CO2_FOSSIL_AIR), "amount": 1.0, "type": "biosphere"},
                ],
            }
        }
    )  # fmt: skip
    mine = bw2data.Method(("my method", "pollutant"))
    mine.register(unit="points")
    mine.write([(("biosphere3", "my-own-flow"), 10.0)])


def _score(bw2data, method):
    import bw2calc

    lca = bw2calc.LCA({bw2data.get_node(database="my-study", code="a"): 1}, method)
    lca.lci()
    lca.lcia()
    return lca.score


def test_a_users_flow_database_and_method_survive_setup(bw_scratch_project):
    import bw2data

    _add_user_flow_database_and_method(bw2data)
    report = bootstrap.setup(bw_scratch_project.project)
    assert report.status == "verified" and report.ok  # a flow added is not a problem
    assert "my-own-flow" in {f["code"] for f in bw2data.Database("biosphere3")}
    # 2 kg × 10 points/kg; 1 kg CO2 × GWP 1
    assert _score(bw2data, ("my method", "pollutant")) == pytest.approx(20.0)
    assert _score(bw2data, GWP100) == pytest.approx(1.0)


def test_missing_lcasym_flow_is_added_back_and_user_data_kept(bw_scratch_project):
    import bw2data

    _add_user_flow_database_and_method(bw2data)
    bw2data.Database("biosphere3").get(N2O_AIR).delete()
    assert bootstrap.verify(bw_scratch_project.project).status == "incomplete"
    report = bootstrap.setup(bw_scratch_project.project)
    assert report.ok and report.status == "repaired", report.problems
    steps = {s.name: s for s in report.steps}
    assert steps["biosphere3"].action == "repaired"
    assert "1 flows added" in steps["biosphere3"].detail
    assert "1 flows lcasym did not write kept" in steps["biosphere3"].detail
    assert ("my method", "pollutant") in bw2data.methods  # the user's method is kept
    assert _score(bw2data, ("my method", "pollutant")) == pytest.approx(20.0)
    assert _cfs_by_code(GWP100)[N2O_AIR] == pytest.approx(273)  # re-linked to the new flow
    assert bootstrap.verify(bw_scratch_project.project).ok


def test_a_damaged_method_lcasym_did_not_write_is_refused(bw_scratch_project):
    import bw2data

    from lcasym.errors import ForeignDataError

    meta = dict(bw2data.methods[GWP100])
    meta.pop("source", None)
    meta.pop("lcasym", None)
    bw2data.methods[GWP100] = meta  # now it looks like the user's own method
    path = bw2data.Method(GWP100).filepath_processed()
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ForeignDataError, match="not written by lcasym"):
        bootstrap.setup(bw_scratch_project.project)
    assert GWP100 in bw2data.methods  # still there: lcasym does not delete it
