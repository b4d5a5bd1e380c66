"""``lcasym import-db``: licensed backgrounds through bw2io, fully linked or not written.

Fixtures come from ``tests/fixtures/make_import_fixtures.py`` (synthetic data; derivation
there): 1 kg widget = 2.0 kg CO2 + 0.5 kg steel × 1.5 kg CO2/kg = 2.75 kg CO2-eq, in four
formats (ecospold2, Brightway Excel, SimaPro CSV, openLCA JSON-LD).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
HERE = Path(__file__).parent


def _fixtures_module():
    spec = importlib.util.spec_from_file_location(
        "make_import_fixtures", HERE / "fixtures" / "make_import_fixtures.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIX = _fixtures_module()


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    return FIX.write_all(tmp_path_factory.mktemp("import-fixtures"))


@pytest.fixture(scope="module")
def project(bw_project):
    """A module-wide copy of the session project (imports write databases)."""
    from lcasym.background.project import brightway_project

    name = f"lcasym-import-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    yield {"project": name, "directory": bw_project.directory}
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.delete_project(name, delete_dir=True)


def lcasym(*args: str, project: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "lcasym",
            *args,
            "-p",
            project["project"],
            "--dir",
            str(project["directory"]),
        ],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=300,
    )


def _databases(project: dict) -> dict:
    from lcasym.background.project import brightway_project

    with brightway_project(project["project"], project["directory"], create=False):
        import bw2data as bd

        return {n: len(bd.Database(n)) for n in bd.databases}


def _widget_scores(project: dict, database: str) -> tuple[float, float]:
    """Plain bw2calc score of 1 kg widget, and the hand figure from its two edges."""
    import bw2calc as bc

    from lcasym.background.project import brightway_project

    with brightway_project(project["project"], project["directory"], create=False):
        import bw2data as bd

        (widget,) = [
            a
            for a in bd.Database(database)
            if a.get("reference product") == "widget" and a["location"] == "DK"
        ]
        assert widget["name"] == WIDGET_NAME[database.split("-")[1]]
        lca = bc.LCA({widget: 1.0}, method=GWP)
        lca.lci()
        lca.lcia()
        return float(lca.score), FIX.WIDGET_SCORE


#: The widget activity's name after each importer (SimaPro names a process by its product).
WIDGET_NAME = {
    "ecospold2": "widget production",
    "excel": "widget production",
    "simapro": "widget",
    "jsonld": "widget production",
}


@pytest.mark.parametrize("kind", ["ecospold2", "excel", "simapro", "jsonld"])
def test_import_gives_the_plain_bw2calc_score(project, fixtures, kind):
    name = f"fixture-{kind}"
    args = ["import-db", str(fixtures[kind])] + (["--name", name] if kind != "excel" else [])
    out = lcasym(*args, project=project)
    assert out.returncode == 0, out.stderr
    assert f"imported '{name}'" in out.stdout and "2 activities" in out.stdout
    score, hand = _widget_scores(project, name)
    # float32 matrices: 1e-6
    assert score == pytest.approx(hand, rel=1e-6)

    # Importing again never overwrites: exit 2, a located message, the database unchanged.
    again = lcasym(*args, project=project)
    assert again.returncode == 2
    assert "exists already" in again.stderr and str(fixtures[kind].name) in again.stderr
    assert _databases(project)[name] == 2


def test_half_linked_database_is_not_written(project, fixtures):
    before = _databases(project)
    out = lcasym("import-db", str(fixtures["half_linked"]), "--name", "half", project=project)
    assert out.returncode == 2
    # the widget's unknown CO2 flow: one unlinked exchange, named, with how to fix it
    assert "1 exchange(s) could not be linked" in out.stderr
    assert "Carbon dioxide, fossil" in out.stderr and "Nothing was written" in out.stderr
    assert _databases(project) == before


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.mkdir(), "no .spold files"),
        (lambda p: (p.mkdir(), (p / "x.spold").write_text("not xml")), "could not be read"),
        (lambda p: p.with_suffix(".bin").write_bytes(b"\0\1"), "not a known background format"),
        (lambda p: p.with_suffix(".csv").write_text("a;b\n1;2\n"), "simapro"),
        (lambda p: (p.mkdir(), (p / "processes").mkdir()), "jsonld"),
    ],
    ids=["empty folder", "garbage spold", "unknown file", "garbage csv", "empty json-ld"],
)
def test_garbage_is_refused_and_the_project_unchanged(project, tmp_path, make, message):
    target = tmp_path / "source"
    make(target)
    if not target.exists():
        target = next(tmp_path.glob("source.*"))
    before = _databases(project)
    out = lcasym("import-db", str(target), "--name", "junk", project=project)
    assert out.returncode == 2, out.stderr
    assert message in out.stderr and target.name in out.stderr
    assert "Traceback" not in out.stderr
    assert _databases(project) == before


@pytest.mark.parametrize("kind", ["ecospold2", "simapro", "jsonld"])
def test_a_network_uses_the_imported_database_by_name_product_location(project, fixtures, kind):
    """1 t of by-product displacing 1 t widget (DK): 1,000 kg × 2.75 = 2,750 kg CO2-eq/yr."""
    from lcasym import calculate
    from lcasym.network.model import SymbiosisNetwork

    name = f"network-{kind}"
    out = lcasym("import-db", str(fixtures[kind]), "--name", name, project=project)
    assert out.returncode == 0, out.stderr
    widget_name = WIDGET_NAME[kind]
    network = SymbiosisNetwork.model_validate(
        {
            "network": {"id": "imported", "name": "Imported background", "country": "DK",
                        "reporting_year": 2020, "background": {"database": name}},
            "facilities": [
                {"id": "a", "name": "Supplier", "sector": "x", "location": "DK",
                 "generates": [{"flow": "scrap", "amount": 1, "unit": "t"}]},
                {"id": "b", "name": "Receiver", "sector": "y", "location": "DK"},
            ],
            "exchanges": [
                {"id": "scrap-a-b", "supplier": "a", "receiver": "b", "kind": "material",
                 "flow": "scrap", "amount": 1, "unit": "t",
                 "displaces": {
                     "activity": {"name": widget_name, "reference_product": "widget",
                                  "location": "DK"},
                     "ratio": 1.0, "justification": "synthetic test"}},
            ],
        }
    )  # fmt: skip
    result = calculate(network, methods=[GWP], **project)
    assert result.headline()["avoided"] == pytest.approx(1_000 * FIX.WIDGET_SCORE, rel=1e-6)
    # and the same as a plain bw2calc LCA of 1,000 kg widget in the imported database
    plain, _ = _widget_scores(project, name)
    assert result.headline()["avoided"] == pytest.approx(1_000 * plain, rel=1e-9)


def test_jsonld_product_with_two_providers_is_refused():
    """openLCA product flows fold into their one provider; two providers: a named error."""
    from types import SimpleNamespace

    from lcasym.background.importing import _merge_jsonld_products
    from lcasym.errors import InputError

    def process(code: str) -> dict:
        return {"code": code, "type": "process", "exchanges": [
            {"type": "production", "input": ("ld", "steel-flow"), "amount": 1.0}]}  # fmt: skip

    product = {"code": "steel-flow", "name": "steel", "type": "product", "exchanges": []}
    one = SimpleNamespace(db_name="ld", data=[product, process("mill")])
    _merge_jsonld_products(one)
    assert [ds["code"] for ds in one.data] == ["mill"]
    assert one.data[0]["reference product"] == "steel"
    assert one.data[0]["exchanges"][0]["input"] == ("ld", "mill")

    two = SimpleNamespace(db_name="ld", data=[dict(product), process("mill-a"), process("mill-b")])
    with pytest.raises(InputError, match="steel"):
        _merge_jsonld_products(two)
