"""The table layout of a network (one sheet per record type), derived from the model.

Nested records become dotted columns (``displaces.activity.code``, ``economics.price_paid``,
``uncertainty.amount.sd``); lists of records become child sheets whose first column holds
the parent's id; lists of text become one cell, items separated by ``"; "`` (a JSON list
when an item itself holds ``;``). Everything here is derived from :mod:`lcasym.network.model`, so
the workbook, the template and its README follow the model.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from lcasym.network.model import (
    CustomActivity,
    CustomExchange,
    Exchange,
    ExtraInput,
    Facility,
    Generation,
    InventoryItem,
    NetworkInfo,
    Transport,
)

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class TableSpec:
    """One sheet: the records at ``path`` in the network (``("facilities", "generates")``)."""

    sheet: str
    path: tuple[str, ...]
    model: type[BaseModel]
    key: str | None = None
    parent_sheet: str | None = None

    @property
    def columns(self) -> list[str]:
        """Column headers: the key column (child sheets), then the model's flat fields."""
        cols = [self.key] if self.key else []
        return cols + [c.name for c in flat_fields(self.model)]


TABLES: tuple[TableSpec, ...] = (
    TableSpec("facilities", ("facilities",), Facility),
    TableSpec("generation", ("facilities", "generates"), Generation, "facility", "facilities"),
    TableSpec(
        "facility_inventory", ("facilities", "inventory"), InventoryItem, "facility", "facilities"
    ),
    TableSpec("exchanges", ("exchanges",), Exchange),
    TableSpec("transport", ("exchanges", "transport"), Transport, "exchange", "exchanges"),
    TableSpec("extra_inputs", ("exchanges", "extra_inputs"), ExtraInput, "exchange", "exchanges"),
    TableSpec("custom_activities", ("custom_activities",), CustomActivity),
    TableSpec(
        "custom_exchanges",
        ("custom_activities", "exchanges"),
        CustomExchange,
        "custom_activity",
        "custom_activities",
    ),
)
NETWORK_SHEET = "network"
SHEETS: tuple[str, ...] = (NETWORK_SHEET, *(t.sheet for t in TABLES))


@dataclass(frozen=True)
class FlatField:
    """One column: dotted ``name``, its path in the record, scalar type and model field."""

    name: str
    path: tuple[str, ...]
    annotation: Any
    is_list: bool
    owner: type[BaseModel]
    field: str


def strip_optional(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, ...]`` -> ``X``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return strip_optional(args[0])
    if origin is typing.Annotated:
        return strip_optional(typing.get_args(annotation)[0])
    return annotation


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def child_list_fields(model: type[BaseModel]) -> list[str]:
    """Fields of ``model`` holding lists of records (they go to child sheets)."""
    out = []
    for name, info in model.model_fields.items():
        tp = strip_optional(info.annotation)
        if typing.get_origin(tp) is list and _is_model(typing.get_args(tp)[0]):
            out.append(name)
    return out


def flat_fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[FlatField]:
    """Flatten ``model`` into columns (child-record lists excluded)."""
    skip = set(child_list_fields(model))
    out: list[FlatField] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        tp = strip_optional(info.annotation)
        path = (*prefix, name)
        if _is_model(tp):
            out.extend(flat_fields(tp, path))
            continue
        origin = typing.get_origin(tp)
        is_list = origin in (list, tuple)
        scalar = strip_optional(typing.get_args(tp)[0]) if is_list else tp
        out.append(FlatField(".".join(path), path, scalar, is_list, model, name))
    return out


def network_fields() -> list[FlatField]:
    """Keys of the key/value ``network`` sheet: ``schema_version`` then NetworkInfo's."""
    from lcasym.network.model import SymbiosisNetwork

    head = FlatField(
        "schema_version", ("schema_version",), str, False, SymbiosisNetwork, "schema_version"
    )
    return [head, *flat_fields(NetworkInfo)]


# -- cell encoding -------------------------------------------------------------------------
def encode_list(items: list[str] | tuple[str, ...] | None) -> str | None:
    """Text cell for a list of text: ``"a; b"``, or a JSON list when needed; None for None."""
    if items is None:
        return None
    items = list(items)
    plain = all(i and ";" not in i and i == i.strip() and not i.startswith("[") for i in items)
    if items and plain:
        return LIST_SEPARATOR.join(items)
    return json.dumps(items, ensure_ascii=False)


def decode_list(cell: Any) -> list[str] | None:
    """Inverse of :func:`encode_list` (blank cell -> None); raises ValueError on bad JSON."""
    if cell is None:
        return None
    text = cell_text(cell)
    if text.startswith("["):
        items = json.loads(text)
        if not isinstance(items, list):
            raise ValueError("expected a JSON list")
        return [str(i) for i in items]
    return [part.strip() for part in text.split(";") if part.strip()]


def cell_text(cell: Any) -> str:
    """Text of a cell for a text field (Excel turns typed ids like 123 into numbers)."""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, float):
        return repr(cell)
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell)


def to_cell(value: Any) -> Any:
    """Cell value for a model value (enums as their value, lists encoded)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return encode_list([str(v) for v in value])
    return value


def is_text_field(annotation: Any) -> bool:
    """True if the column holds text (numbers typed in it are read back as text)."""
    return annotation is str


def get_in(data: Any, path: tuple[str, ...]) -> Any:
    """``data[path[0]][path[1]]...`` with None when absent."""
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def set_in(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``data[path...] = value``, creating nested dicts."""
    for step in path[:-1]:
        data = data.setdefault(step, {})
    data[path[-1]] = value
