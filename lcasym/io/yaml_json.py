"""YAML and JSON files <-> plain network data.

Reading returns plain data (validated later by :func:`lcasym.io.network_from_dict`);
syntax errors and duplicate keys become located problems. Writing leaves out fields equal
to their default (they come back on reading), keeps ``schema_version`` and the background
first, and writes an activity given only by code as a plain string (``activity: heat``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from lcasym.errors import InputError, Problem
from lcasym.network.model import SymbiosisNetwork


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice in one mapping; keep one",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _syntax_error(source: str, message: str) -> InputError:
    return InputError([Problem(message, source)], source)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file (raises InputError with line and column on a syntax error)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise _syntax_error(
            path.name,
            f"YAML syntax error at {where}: {exc.problem}"
            + (f" ({exc.context})" if exc.context else "")
            + "; check the indentation (spaces, not tabs) and quotes",
        ) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(path.name, f"YAML syntax error: {exc}") from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice in one object; keep one")
        out[key] = value
    return out


def read_json(path: Path) -> Any:
    """Parse a JSON file (raises InputError with line and column on a syntax error)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as exc:
        raise _syntax_error(
            path.name,
            f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}; check "
            "commas, brackets and double quotes",
        ) from None
    except ValueError as exc:
        raise _syntax_error(path.name, str(exc)) from None


def _compact_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "activity" and isinstance(value, dict) and list(value) == ["code"]:
                out[key] = value["code"]
            else:
                out[key] = _compact_refs(value)
        return out
    if isinstance(node, list):
        return [_compact_refs(v) for v in node]
    return node


def network_to_data(network: SymbiosisNetwork) -> dict[str, Any]:
    """Plain, compact data of a network (what YAML and JSON files hold)."""
    full = network.model_dump(mode="json")
    data = network.model_dump(mode="json", exclude_defaults=True)
    info = data.setdefault("network", {})
    info["background"] = full["network"]["background"]
    ordered = {"schema_version": full["schema_version"]}
    ordered.update({k: v for k, v in data.items() if k != "schema_version"})
    return _compact_refs(ordered)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(network: SymbiosisNetwork) -> str:
    """YAML text of a network."""
    return yaml.dump(
        network_to_data(network),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def dump_json(network: SymbiosisNetwork) -> str:
    """JSON text of a network (floats exact, non-ASCII kept)."""
    return json.dumps(network_to_data(network), indent=2, ensure_ascii=False) + "\n"
