"""Every Python code block of the researcher docs runs, in order, as written.

Blocks of one file share a namespace and run in a temporary folder holding a copy of
``examples/``. The tutorial's licensed-database block runs against the synthetic ecospold2
fixture (``tests/fixtures/make_import_fixtures.py``) written to ``ecoinvent/datasets``.
README.md's blocks run too (``test_readme_code_blocks_run``), as written: the full
Kalundborg case with 5,000 draws, sensitivity, the exports and the PDF report, then the
engine session; the test then checks what the blocks' comments promise.
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


@pytest.mark.slow
def test_readme_code_blocks_run(project, tmp_path, monkeypatch):
    """README's Kalundborg blocks, as written, and what their comments say."""
    import numpy as np

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LCASYM_PROJECT", project)
    blocks = python_blocks(ROOT / "README.md")
    assert len(blocks) == 2
    namespace: dict = {"__name__": "__doc__"}
    exec(compile(blocks[0], "README.md[block 0]", "exec"), namespace)
    first = namespace["result"]
    assert namespace["report"].ok
    assert (tmp_path / "kalundborg.xlsx").stat().st_size > 0
    assert (tmp_path / "kalundborg.pdf").read_bytes()[:5] == b"%PDF-"
    # 5,000 draws: percentiles bracket the deterministic value of the headline total
    unc = first.uncertainty
    row = unc[(unc["quantity"] == "avoided") & (unc["entity"] == "network")].iloc[0]
    assert row["P5"] <= row["P50"] <= row["P95"]
    exec(compile(blocks[1], "README.md[block 1]", "exec"), namespace)
    # "= lcasym.calculate(..., crediting='supplier')": crediting moves credits between
    # firms, never the network totals
    np.testing.assert_allclose(
        namespace["result"].totals["avoided"], first.totals["avoided"], rtol=1e-9
    )
    # the edited full result equals the one-edit evaluate (same edit, deterministic values)
    edited, scores = namespace["edited"], namespace["scores"]
    np.testing.assert_allclose(edited.totals["avoided"], scores.avoided_total[0], rtol=1e-9)
    # 3 amounts x 2 displacement factors x 2 crediting rules = 12 variants
    assert namespace["grid"]["variant"].nunique() == 12
    assert set(namespace["table"]["variant"]) == {
        "as reported",
        "less gypsum, longer transport",
        "planned ones running",
        "supplier gets the credit",
    }
