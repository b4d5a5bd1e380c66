"""Every Python code block of the researcher docs runs, in order, as written.

Blocks of one file share a namespace and run in a temporary folder holding a copy of
``examples/``. The tutorial's licensed-database block runs against the synthetic ecospold2
fixture (``tests/fixtures/make_import_fixtures.py``) written to ``ecoinvent/datasets``.
README.md's blocks are not run here: they run the full Kalundborg case with 5,000 draws,
sensitivity and the PDF report (covered piecewise by test_documented_options.py and
test_report_kalundborg.py).
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
from test_import_db import FIX

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
DOCS = ["docs/tutorial.md", "docs/brightway.md"]


def python_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project(bw_project):
    from lcasym.background.project import brightway_project

    name = f"lcasym-docs-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    yield name
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.delete_project(name, delete_dir=True)


def test_every_doc_has_blocks():
    for doc in DOCS:
        assert python_blocks(ROOT / doc), doc


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS)
def test_doc_code_blocks_run(doc, project, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    FIX.write_ecospold2(tmp_path / "ecoinvent" / "datasets")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LCASYM_PROJECT", project)
    namespace: dict = {"__name__": "__doc__"}
    for i, code in enumerate(python_blocks(ROOT / doc)):
        try:
            exec(compile(code, f"{doc}[block {i}]", "exec"), namespace)
        except Exception as exc:  # name the block that failed
            raise AssertionError(f"{doc}, python block {i} failed: {exc!r}") from exc
