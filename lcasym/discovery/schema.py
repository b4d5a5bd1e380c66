"""JSON Schema of the operations-inventory format, generated from the model.

``docs/operations_inventory.schema.json`` is :func:`inventory_schema_text`; a test checks
that it is current. Regenerate with ``python -m lcasym.discovery.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lcasym.discovery.model import INVENTORY_SCHEMA_VERSION, OperationsInventory

SCHEMA_ID = "https://lcasym.example/operations_inventory.schema.json"
ACTIVITY_REF = "#/$defs/ActivityRef"
SCHEMA_FILE = "operations_inventory.schema.json"


def _codes_as_text(node: Any) -> Any:
    """``currently`` also takes a plain code (``gypsum_mined``), ``temperature`` a text."""
    if isinstance(node, dict):
        out = {k: _codes_as_text(v) for k, v in node.items()}
        props = out.get("properties", {})
        current = props.get("currently")
        if isinstance(current, dict) and {"$ref": ACTIVITY_REF} in current.get("anyOf", []):
            current["anyOf"].insert(1, {"type": "string", "minLength": 1})
        temperature = props.get("temperature")
        if isinstance(temperature, dict) and "anyOf" in temperature:
            temperature["anyOf"].insert(1, {"type": "string", "description": "e.g. '363 K'"})
        return out
    if isinstance(node, list):
        return [_codes_as_text(v) for v in node]
    return node


def inventory_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of an operations inventory file."""
    schema = _codes_as_text(OperationsInventory.model_json_schema(mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"lcasym operations inventory (format {INVENTORY_SCHEMA_VERSION})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def inventory_schema_text() -> str:
    """The schema as written to files (stable key order, trailing newline)."""
    return json.dumps(inventory_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_inventory_schema(path: str | Path) -> None:
    """Write the schema to ``path`` (atomically)."""
    from lcasym.atomic import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(inventory_schema_text(), encoding="utf-8")


if __name__ == "__main__":  # regenerate the committed schema
    write_inventory_schema(Path(__file__).resolve().parents[2] / "docs" / SCHEMA_FILE)
