"""Raw draws, progress and uncertainty rows through ``calculate`` (the documented door).

The tiny end-to-end network of ``test_api_calc`` (hand numbers there), with a normal
distribution (sd 100 t) on the 1,000 t of e-gyp; and the Kalundborg example at 20,000 draws.
"""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from test_api_calc import GWP, GWP_LABEL, network_dict

from lcasym import calculate
from lcasym.errors import InputError
from lcasym.network.model import SymbiosisNetwork
from lcasym.paths import examples_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(bw_project):
    from lcasym.background.project import brightway_project

    name = f"lcasym-draws-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    yield {"project": name, "directory": bw_project.directory}
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.delete_project(name, delete_dir=True)


def uncertain_network() -> SymbiosisNetwork:
    data = network_dict()
    data["exchanges"][0]["uncertainty"] = {"amount": {"distribution": "normal", "sd": 100}}
    return SymbiosisNetwork.model_validate(data)


def test_kept_draws_reproduce_the_reported_percentiles(project):
    calls = []
    result = calculate(uncertain_network(), methods=[GWP], draws=400, seed=7, keep_draws=True,
                       crediting="receiver", progress=lambda *a: calls.append(a),
                       **project)  # fmt: skip
    s = result.samples
    assert list(s.columns) == ["draw", "entity", "quantity", "method", "value"]
    # network (3) + 3 exchanges × 6 quantities + 3 facilities (credit) = 24 series
    assert len(s) == 400 * 24
    unc = result.uncertainty.set_index(["entity", "quantity", "method"])
    for entity, quantity in (("network", "avoided"), ("e-gyp", "net"), ("B", "credit")):
        values = s[(s.entity == entity) & (s.quantity == quantity)].sort_values("draw")["value"]
        row = unc.loc[(entity, quantity, GWP_LABEL)]
        assert len(values) == 400
        expected = row[["P5", "P50", "P95"]].to_numpy(float)
        np.testing.assert_allclose(np.percentile(values, [5, 50, 95]), expected, rtol=1e-12)
    # paired: per draw, avoided = reference − with_exchanges and Σ exchange nets = avoided
    wide = s[s.entity == "network"].pivot(index="draw", columns="quantity", values="value")
    np.testing.assert_allclose(wide["avoided"], wide["reference"] - wide["with_exchanges"],
                               rtol=1e-9)  # fmt: skip
    nets = s[s.quantity == "net"].groupby("draw", observed=True)["value"].sum()
    np.testing.assert_allclose(nets.to_numpy(), wide["avoided"].to_numpy(), rtol=1e-9)
    # the only uncertain parameter is e-gyp's amount: D, W and E of e-gyp scale with it
    gyp = s[s.entity == "e-gyp"].pivot(index="draw", columns="quantity", values="value")
    assert gyp["displaced"].std() > 0 and gyp["transport"].std() > 0
    # reproducible by seed
    again = calculate(uncertain_network(), methods=[GWP], draws=400, seed=7, keep_draws=True,
                      **project)  # fmt: skip
    np.testing.assert_array_equal(again.samples["value"], s["value"])
    # progress: the draws were reported, the last call says all of them
    draws = [c for c in calls if c[2] == "Monte Carlo draws"]
    assert draws and draws[-1][:2] == (400, 400)
    # not in the exports (JSON here): they can be millions of rows
    assert "samples" not in result.to_json_dict()


def test_keep_draws_refused_above_the_limit_before_any_work(project, monkeypatch):
    import lcasym.results.samples as samples

    monkeypatch.setattr(samples, "MAX_SAMPLE_ROWS", 1_000)
    with pytest.raises(InputError, match="over the limit of 1,000 rows"):
        calculate(uncertain_network(), methods=[GWP], draws=400, keep_draws=True, **project)
    with pytest.raises(InputError, match="keep_draws needs Monte Carlo draws"):
        calculate(uncertain_network(), methods=[GWP], keep_draws=True, **project)


def test_no_samples_by_default(project):
    result = calculate(uncertain_network(), methods=[GWP], draws=50, seed=1, **project)
    assert result.samples.empty
    assert list(result.samples.columns) == ["draw", "entity", "quantity", "method", "value"]


def test_kalundborg_at_20000_draws_keeps_facility_rows(project):
    # formerly above 4,000,000 values (draws × exchanges × methods) the facility rows were
    # dropped; now they are computed for any size (here components are kept: 20,000 ×
    # 26 methods fit the memory budget)
    result = calculate(examples_dir() / "kalundborg.yaml", draws=20_000, seed=1,
                       contributions_top=0, **project)  # fmt: skip
    unc = result.uncertainty
    facilities = set(result.facilities["facility"])
    credit_rows = unc[unc.quantity == "credit"]
    assert set(credit_rows.entity) == facilities
    assert len(credit_rows) == len(facilities) * len(result.methods)
    assert (unc.draws == 20_000).all()


def test_cli_calc_reports_progress_as_plain_lines_off_a_terminal(project, tmp_path):
    import json

    import yaml
    from typer.testing import CliRunner

    from lcasym.cli.main import app

    data = network_dict()
    data["exchanges"][0]["uncertainty"] = {"amount": {"distribution": "normal", "sd": 100}}
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(data))
    args = ["calc", str(path), "-m", GWP_LABEL, "--draws", "120", "--project",
            project["project"], "--dir", str(project["directory"])]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "Monte Carlo draws: 120/120" in res.stderr
    assert json.loads(res.stdout)["provenance"]["draws"] == 120  # stdout: the JSON alone


def test_foreground_draws_run_in_process_whatever_the_workers(project):
    a = calculate(uncertain_network(), methods=[GWP], draws=200, seed=5, workers=2, **project)
    b = calculate(uncertain_network(), methods=[GWP], draws=200, seed=5, **project)
    assert a.provenance["execution"] == "in-process"
    u = "network", "avoided", GWP_LABEL
    ua, ub = (r.uncertainty.set_index(["entity", "quantity", "method"]).loc[u] for r in (a, b))
    assert ua["P5"] == ub["P5"] and ua["P95"] == ub["P95"]
