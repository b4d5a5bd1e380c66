"""The generated parts of the docs are current (``python docs/generate.py`` rewrites them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _load(name: str):
    sys.path.insert(0, str(DOCS))
    try:
        spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(DOCS))


def test_results_md_column_contract_is_current():
    generate = _load("generate")
    text = (DOCS / "results.md").read_text(encoding="utf-8")
    assert generate.results_md(text) == text, "run: python docs/generate.py"


def test_api_md_is_current():
    reference = _load("api_reference")
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    assert reference.api_markdown() == text, "run: python docs/generate.py"
    # every public name is there
    import lcasym

    for name in lcasym.__all__:
        if name != "__version__":
            assert f"## `lcasym.{name}`" in text
