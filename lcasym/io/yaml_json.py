"""YAML and JSON files <-> plain network data.

Reading returns plain data (validated later by :func:`lcasym.io.network_from_dict`);
syntax errors and duplicate keys become located problems. Writing leaves out fields equal
to their default (they come back on reading), keeps ``schema_version`` and the background
first, and writes an activity given only by code as a plain string (``activity: heat``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from lcasym.errors import InputError, Problem
from lcasym.io import limits
from lcasym.network.model import SymbiosisNetwork

_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed

#: Tags a network file may carry (YAML's core schema); anything else is refused.
_ALLOWED_TAGS = {
    None,
    "!",
    *(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")),
}
_INT_TEXT = re.compile(r"[-+]?[0-9_]+")
_INT_TAG = "tag:yaml.org,2002:int"


class _UniqueKeyLoader(_BASE_LOADER):
    """Safe loader (libyaml's when available) that refuses a key given twice in one mapping."""

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


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"


def check_yaml_events(text: str, source: str) -> None:
    """Walk the YAML events once (no objects built) and enforce lcasym's limits.

    Refuses tags outside YAML's core schema (``!!python/object`` ...), nesting deeper than
    :data:`~lcasym.io.limits.MAX_DEPTH`, more than :data:`~lcasym.io.limits.MAX_NODES`
    nodes once aliases are expanded (an alias counts the size of what it names), and
    integers longer than :data:`~lcasym.io.limits.MAX_INT_DIGITS` digits.

    Raises
    ------
    InputError
        (:class:`~lcasym.errors.LimitError` for a limit) naming the file and the place.
    """
    expanded = 0
    starts: list[tuple[str | None, int]] = []  # (anchor, expanded count at the start)
    sizes: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_BASE_LOADER):
        tag = getattr(event, "tag", None)
        if tag not in _ALLOWED_TAGS:
            raise _syntax_error(
                source,
                f"YAML tag {tag!r} at {_where(event.start_mark)}: such tags are not allowed "
                "in a network file (they could run code); remove the tag",
            )
        if isinstance(event, yaml.ScalarEvent):
            expanded += 1
            value = event.value
            plain_int = event.implicit[0] or tag == _INT_TAG
            if plain_int and len(value) > limits.MAX_INT_DIGITS and _INT_TEXT.fullmatch(value):
                digits = sum(c.isdigit() for c in value)
                raise limits.integer_error(source, _where(event.start_mark), digits)
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            expanded += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            expanded += 1
            starts.append((event.anchor, expanded))
            if len(starts) > limits.MAX_DEPTH:
                raise limits.depth_error(source)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            anchor, begin = starts.pop()
            if anchor:
                sizes[anchor] = expanded - begin + 1
        if expanded > limits.MAX_NODES:
            raise limits.nodes_error(source)


def _yaml_message(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        where = _where(exc.problem_mark)
        return (
            f"YAML syntax error at {where}: {exc.problem}"
            + (f" ({exc.context})" if exc.context else "")
            + "; check the indentation (spaces, not tabs) and quotes"
        )
    return f"YAML syntax error: {exc}"


def _read_text(path: Path) -> str:
    limits.check_file_size(path, limits.MAX_TEXT_BYTES)
    return path.read_text(encoding="utf-8-sig")


def read_yaml(path: Path) -> Any:
    """Parse a YAML file within lcasym's limits (InputError with line and column otherwise)."""
    text = _read_text(path)
    try:
        check_yaml_events(text, path.name)
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):
            raise limits.depth_error(path.name) from None  # libyaml's own bound (1,000)
        raise _syntax_error(path.name, _yaml_message(exc)) from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice in one object; keep one")
        out[key] = value
    return out


def read_json(path: Path) -> Any:
    """Parse a JSON file within lcasym's limits (InputError with line and column otherwise)."""
    text = _read_text(path)
    limits.check_json_text(text, path.name)
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as exc:
        raise _syntax_error(
            path.name,
            f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}; check "
            "commas, brackets and double quotes",
        ) from None
    except (ValueError, RecursionError) as exc:
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
