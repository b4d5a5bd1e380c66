"""Regenerate the generated parts of the docs: ``python docs/generate.py``.

- ``docs/results.md``: the export column contract, between the ``export-contract`` markers,
  from :mod:`lcasym.results.export.contract`;
- ``docs/api.md``: the API reference, from the docstrings of lcasym's public names.

``tests/test_docs.py`` fails when a generated part is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
START = (
    "<!-- export-contract: generated from lcasym/results/export/contract.py by docs/generate.py -->"
)
END = "<!-- /export-contract -->"


def results_md(text: str) -> str:
    """``docs/results.md`` text with the contract section regenerated."""
    from lcasym.results.export.contract import contract_markdown

    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit("docs/results.md has no export-contract markers")
    return pattern.sub(lambda _: f"{START}\n{contract_markdown()}{END}", text)


def main() -> int:
    """Write the generated docs; return 0."""
    path = DOCS / "results.md"
    path.write_text(results_md(path.read_text(encoding="utf-8")), encoding="utf-8")
    try:
        from api_reference import api_markdown  # type: ignore[import-not-found]
    except ImportError:
        return 0
    (DOCS / "api.md").write_text(api_markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
