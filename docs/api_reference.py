"""The API reference (``docs/api.md``) from the docstrings of lcasym's public names.

Used by ``docs/generate.py``; ``tests/test_docs.py`` fails when ``docs/api.md`` is stale.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

#: Public names beyond ``lcasym.__all__``: (module, name), in the order documented.
EXTRA = [
    ("lcasym.calc.years", "YearsComparison"),
    ("lcasym.background.importing", "import_database"),
    ("lcasym.background.importing", "ImportReport"),
    ("lcasym.inventory.build", "build_foreground"),
    ("lcasym.results.export", "export_result"),
    ("lcasym.results.export.datapackage", "write_datapackage"),
    ("lcasym.results.export.datapackage", "read_datapackage"),
]
HEADER = """# API reference

Generated from the docstrings by `python docs/generate.py` (do not edit by hand; a test
fails when this file is out of date). The tutorial ([`tutorial.md`](tutorial.md)) shows
these in use; result tables and their columns: [`results.md`](results.md).
"""


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def _doc(obj: Any) -> str:
    return inspect.getdoc(obj) or "(no docstring)"


def _methods(cls: type) -> list[tuple[str, Any]]:
    out = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            out.append((name, member))
        elif inspect.isfunction(member):
            out.append((name, member))
    return out


def _entry(qualified: str, obj: Any) -> str:
    kind = "class" if inspect.isclass(obj) else "function"
    lines = [f"## `{qualified}`", ""]
    lines += [f"```python\n{kind} {qualified.rsplit('.', 1)[-1]}{_signature(obj)}\n```", ""]
    lines += [_doc(obj), ""]
    if inspect.isclass(obj):
        for name, member in _methods(obj):
            if isinstance(member, property):
                lines += [f"### `{name}` (property)", "", _doc(member), ""]
            else:
                lines += [f"### `{name}{_signature(member)}`", "", _doc(member), ""]
    return "\n".join(lines)


def api_markdown() -> str:
    """The text of ``docs/api.md``."""
    import lcasym

    entries = [
        _entry(f"lcasym.{name}", getattr(lcasym, name))
        for name in lcasym.__all__
        if name != "__version__"
    ]
    for module, name in EXTRA:
        entries.append(_entry(f"{module}.{name}", getattr(importlib.import_module(module), name)))
    return HEADER + "\n" + "\n".join(entries).rstrip() + "\n"
