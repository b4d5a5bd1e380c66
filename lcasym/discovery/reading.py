"""Read and write operations inventories: YAML, JSON, Excel <-> OperationsInventory.

Like network files (:mod:`lcasym.io`): every problem (syntax, unknown fields, missing
values, the knowledge-base rules of :mod:`lcasym.discovery.checks`) is collected, located
(file, sheet, row, field) and raised together as one :class:`~lcasym.errors.InputError`;
files are parsed by lcasym.io's readers and written atomically.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from lcasym.atomic import atomic_path
from lcasym.discovery.checks import check_inventory
from lcasym.discovery.knowledge import KnowledgeBase, load_knowledge_base
from lcasym.discovery.model import OperationsInventory
from lcasym.errors import InputError, Problem
from lcasym.io import file_format
from lcasym.io.locate import Locate, PathLocator
from lcasym.io.problems import did_you_mean, hint, model_at

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedInventory:
    """An inventory read from a file, with its locator and the warnings found."""

    inventory: OperationsInventory
    locate: Locate
    source: str
    warnings: tuple[Problem, ...] = ()


def _hint(error: dict[str, Any]) -> str:
    """lcasym.io's message for a pydantic error, with fields looked up in this model."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        model = model_at(loc[:-1], OperationsInventory)
        allowed = list(model.model_fields) if model else []
        guess = did_you_mean(str(loc[-1]), allowed)
        if guess:
            return f"unknown field {loc[-1]!r}: did you mean {guess!r}?"
        return f"unknown field {loc[-1]!r}; allowed fields are: {', '.join(allowed)}"
    if error["type"] == "missing" and loc and loc[-1] == "amount":
        return "required field 'amount' is missing: give the quantity per year"
    return hint(error)


def _problems(exc: ValidationError, locate: Locate, skip: Iterable[tuple]) -> list[Problem]:
    skipped = {tuple(p) for p in skip}
    return [
        Problem(_hint(dict(e)), locate(tuple(e["loc"])))
        for e in exc.errors(include_url=False)
        if tuple(e["loc"]) not in skipped
    ]


def inventory_from_dict(
    data: Any,
    source: str = "",
    *,
    locate: Locate | None = None,
    problems: Iterable[Problem] = (),
    skip: Iterable[tuple] = (),
    knowledge_base: KnowledgeBase | None = None,
) -> LoadedInventory:
    """Validate plain data into an inventory (model and knowledge-base rules).

    Raises
    ------
    InputError
        Listing every located problem (errors; warnings ride along).
    """
    found = list(problems)
    locate = locate or PathLocator(data, source)
    if not isinstance(data, dict):
        found.append(
            Problem(
                "expected a mapping with 'park' and 'facilities' at the top, got "
                f"{type(data).__name__}",
                source,
            )
        )
        raise InputError(found, source)
    try:
        inventory = OperationsInventory.model_validate(data)
    except ValidationError as exc:
        raise InputError(found + _problems(exc, locate, skip), source) from None
    kb = knowledge_base or load_knowledge_base()
    found += check_inventory(inventory, kb, locate)
    if any(p.severity == "error" for p in found):
        raise InputError(found, source)
    return LoadedInventory(inventory, locate, source, tuple(found))


def load_inventory(
    path: str | Path, *, knowledge_base: KnowledgeBase | None = None
) -> LoadedInventory:
    """Read an operations inventory file (``.yaml``/``.yml``, ``.json``, ``.xlsx``).

    Raises
    ------
    InputError
        If the file is missing or unreadable, or any record is invalid (all problems).
    """
    path = Path(path)
    fmt = file_format(path)
    if not path.is_file():
        raise InputError(
            [Problem(f"file not found: {path} (check the path and the file name)", path.name)],
            path.name,
        )
    if fmt == "excel":
        from lcasym.discovery.workbook import read_inventory_workbook

        read = read_inventory_workbook(path)
        return inventory_from_dict(
            read.data,
            path.name,
            locate=read.locate,
            problems=read.problems,
            skip=read.skip,
            knowledge_base=knowledge_base,
        )
    from lcasym.io.yaml_json import read_json, read_yaml

    try:
        data = read_yaml(path) if fmt == "yaml" else read_json(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(f"cannot read the file ({exc}); save it as UTF-8 text", path.name)],
            path.name,
        ) from None
    return inventory_from_dict(data, path.name, knowledge_base=knowledge_base)


def read_inventory(
    path: str | Path, *, knowledge_base: KnowledgeBase | None = None
) -> OperationsInventory:
    """Read and check an operations inventory; warnings are logged."""
    loaded = load_inventory(path, knowledge_base=knowledge_base)
    for warning in loaded.warnings:
        log.warning("%s", warning)
    return loaded.inventory


def inventory_to_data(inventory: OperationsInventory) -> dict[str, Any]:
    """Plain, compact data (defaults left out; activities given by code as text)."""
    data = inventory.model_dump(mode="json", exclude_defaults=True)
    data["park"]["background"] = inventory.park.background.model_dump(mode="json")
    for facility in data.get("facilities", []):
        for side in ("offers", "needs"):
            for item in facility.get(side, []):
                current = item.get("currently")
                if isinstance(current, dict) and list(current) == ["code"]:
                    item["currently"] = current["code"]
    return {"schema_version": inventory.schema_version, **data}


def write_inventory(inventory: OperationsInventory, path: str | Path) -> None:
    """Write ``inventory`` to ``path`` (format from the suffix), atomically."""
    path = Path(path)
    fmt = file_format(path)
    with atomic_path(path) as tmp:
        if fmt == "excel":
            from lcasym.discovery.workbook import write_inventory_workbook

            write_inventory_workbook(inventory, tmp)
        elif fmt == "yaml":
            text = yaml.safe_dump(
                inventory_to_data(inventory), sort_keys=False, allow_unicode=True, width=100
            )
            tmp.write_text(text, encoding="utf-8")
        else:
            text = json.dumps(inventory_to_data(inventory), indent=2, ensure_ascii=False)
            tmp.write_text(text + "\n", encoding="utf-8")
    log.info("wrote %s", path)
