"""JSON Schema of the operations-inventory format and the generated parts of its docs.

``docs/operations_inventory.schema.json`` is :func:`inventory_schema_text`; the field
tables and the synergy-type table of ``docs/opportunities.md`` (between the
``<!-- fields:start -->`` / ``<!-- synergies:start -->`` markers and their ends) are
:func:`field_reference_markdown` and :func:`synergy_table_markdown`. A test checks all three
are current; regenerate with ``python -m lcasym.discovery.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lcasym.discovery.model import INVENTORY_SCHEMA_VERSION, OperationsInventory

SCHEMA_ID = "https://lcasym.example/operations_inventory.schema.json"
ACTIVITY_REF = "#/$defs/ActivityRef"
SCHEMA_FILE = "operations_inventory.schema.json"
DOC_FILE = "opportunities.md"
MARKERS = {
    "fields": ("<!-- fields:start -->", "<!-- fields:end -->"),
    "synergies": ("<!-- synergies:start -->", "<!-- synergies:end -->"),
}


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


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def field_reference_markdown() -> str:
    """Markdown tables of every sheet / record of the inventory and its fields."""
    from lcasym.discovery.workbook import TABLES, column_docs

    paths = {"park": "park (and schema_version at the top)"}
    paths.update({t.sheet: ".".join(t.path) for t in TABLES})
    lines: list[str] = []
    for sheet, docs in column_docs().items():
        lines += [
            f"### Sheet `{sheet}` (YAML/JSON: `{paths[sheet]}`)",
            "",
            "| column / field | required | type | default | description |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{d.name}` | {d.required} | {_cell(d.type)} | {_cell(d.default)} | "
            f"{_cell(d.description)} |"
            for d in docs
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def synergy_table_markdown() -> str:
    """The shipped knowledge base as a table: one row per synergy type with its source."""
    from lcasym.discovery.knowledge import Delivers, load_knowledge_base

    kb = load_knowledge_base()
    lines = [
        "| synergy type | offer → need | displaced (per need unit) | delivers (need/offer "
        "unit) | conditions | source |",
        "|---|---|---|---|---|---|",
    ]
    for s in kb.synergies:
        c = s.conditions
        cond = [
            f"≤ {c.max_distance_km:g} km",
            f"≥ {c.min_amount:,.0f} {kb.flows[s.supply].unit}/yr",
        ]
        if c.min_temperature_margin_k is not None:
            cond.append(f"T ≥ need + {c.min_temperature_margin_k:g} K")
        if c.min_pressure_margin_bar is not None:
            cond.append("p ≥ need's")
        if c.min_quality:
            cond.append(f"grade ≥ {c.min_quality}")
        if c.one_supplier_per_need:
            cond.append("one supplier per need")
        d = s.delivers
        delivers = f"{d.property} × {d.factor:g} {d.unit}" if isinstance(d, Delivers) else f"{d:g}"
        displaced = s.displaced.activity
        if s.displaced.per_need_unit is not None:
            displaced += f" ({s.displaced.per_need_unit:g} {s.displaced.per_need_unit_unit})"
        extra = [f"treatment {s.treatment.activity}"] if s.treatment else []
        extra += [f"forgone {s.forgone_output}"] if s.forgone_output else []
        lines.append(
            f"| `{s.id}` | {s.supply} → {s.demand} | {displaced}"
            f"{'; ' + '; '.join(extra) if extra else ''} | {delivers} | {'; '.join(cond)} | "
            f"{_cell(s.source)} |"
        )
    return "\n".join(lines) + "\n"


def update_doc(path: str | Path) -> bool:
    """Refresh the generated parts of ``docs/opportunities.md``; True if it changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = text
    for name, body in (("fields", field_reference_markdown()),
                       ("synergies", synergy_table_markdown())):  # fmt: skip
        start, end = MARKERS[name]
        head, _, rest = new.partition(start)
        _, _, tail = rest.partition(end)
        new = f"{head}{start}\n{body}{end}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # regenerate the committed schema and docs
    docs = Path(__file__).resolve().parents[2] / "docs"
    write_inventory_schema(docs / SCHEMA_FILE)
    update_doc(docs / DOC_FILE)
