"""JSON Schema of the network format, and the generated field reference of its docs.

``docs/network.schema.json`` is :func:`network_json_schema` written by
:func:`write_schema`; the field tables of ``docs/network_format.md`` (between the
``<!-- fields:start -->`` / ``<!-- fields:end -->`` markers) are
:func:`field_reference_markdown`. A test checks both are current: regenerate with
``python -m lcasym.io.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lcasym.network.model import SCHEMA_VERSION, SymbiosisNetwork

SCHEMA_ID = "https://lcasym.example/network.schema.json"
START, END = "<!-- fields:start -->", "<!-- fields:end -->"
ACTIVITY_REF = "#/$defs/ActivityRef"


def _allow_code_strings(node: Any) -> Any:
    """Activity fields also accept a plain code string (``activity: heat_boiler``)."""
    if isinstance(node, dict):
        out = {k: _allow_code_strings(v) for k, v in node.items()}
        props = out.get("properties", {})
        activity = props.get("activity")
        if isinstance(activity, dict):
            code = {"type": "string", "minLength": 1, "description": "Activity code"}
            if activity.get("$ref") == ACTIVITY_REF:
                rest = {k: v for k, v in activity.items() if k != "$ref"}
                props["activity"] = {**rest, "anyOf": [{"$ref": ACTIVITY_REF}, code]}
            elif "anyOf" in activity and {"$ref": ACTIVITY_REF} in activity["anyOf"]:
                activity["anyOf"].insert(1, code)
        return out
    if isinstance(node, list):
        return [_allow_code_strings(v) for v in node]
    return node


def network_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a network file, generated from the model."""
    schema = _allow_code_strings(SymbiosisNetwork.model_json_schema(mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"lcasym industrial symbiosis network (format {SCHEMA_VERSION})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as the text written to files (stable key order, trailing newline)."""
    return json.dumps(network_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | Path) -> None:
    """Write the JSON Schema to ``path`` (atomically)."""
    from lcasym.io import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(schema_text(), encoding="utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_reference_markdown() -> str:
    """Markdown tables of every sheet / record and its fields (generated part of the docs)."""
    from lcasym.io.tables import TABLES
    from lcasym.io.template import column_docs

    yaml_path = {"network": "network (and schema_version at the top)"}
    yaml_path.update({t.sheet: ".".join(t.path) for t in TABLES})
    lines: list[str] = []
    for sheet, docs in column_docs().items():
        lines += [
            f"### Sheet `{sheet}` (YAML/JSON: `{yaml_path[sheet]}`)",
            "",
            "| column / field | required | type | default | description | example |",
            "|---|---|---|---|---|---|",
        ]
        for d in docs:
            lines.append(
                f"| `{d.name}` | {d.required} | {_cell(d.type)} | {_cell(d.default)} | "
                f"{_cell(d.description)} | {_cell(d.example)} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def update_format_doc(path: str | Path) -> bool:
    """Refresh the generated part of ``docs/network_format.md``; True if it changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = f"{head}{START}\n{field_reference_markdown()}{END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # regenerate the committed docs
    docs = Path(__file__).resolve().parents[2] / "docs"
    write_schema(docs / "network.schema.json")
    update_format_doc(docs / "network_format.md")
