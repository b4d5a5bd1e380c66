"""Translate pydantic validation errors into located :class:`~lcasym.errors.Problem` s.

Each pydantic error becomes one problem whose message says what is wrong and how to fix it
(``unknown field 'amout': did you mean 'amount'?``), located by a locator from
:mod:`lcasym.io.locate`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from lcasym.errors import Problem
from lcasym.io.locate import Locate, Path
from lcasym.network.model import SymbiosisNetwork


def did_you_mean(text: str, choices: Iterable[str], cutoff: float = 60) -> str | None:
    """Closest of ``choices`` to ``text`` (rapidfuzz), or None."""
    hit = process.extractOne(str(text), list(choices), scorer=fuzz.WRatio, score_cutoff=cutoff)
    return hit[0] if hit else None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Optional``/``Annotated``; return the inner type (item type for lists)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    if origin in (list, tuple):
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def model_at(path: Path, root: type[BaseModel] = SymbiosisNetwork) -> type[BaseModel] | None:
    """The model class that the record at ``path`` is validated against, if known."""
    current: Any = root
    for step in path:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(step)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def field_annotation(path: Path, root: type[BaseModel] = SymbiosisNetwork) -> Any:
    """Annotation (unwrapped) of the field at ``path``, or None."""
    names = [p for p in path if not isinstance(p, int)]
    if not names:
        return None
    parent = model_at(path[: max(i for i, p in enumerate(path) if p == names[-1])], root)
    if parent is None or names[-1] not in parent.model_fields:
        return None
    return _unwrap(parent.model_fields[names[-1]].annotation)


def _allowed_values(path: Path) -> list[str]:
    ann = field_annotation(path)
    if isinstance(ann, type) and issubclass(ann, Enum):
        return [str(m.value) for m in ann]
    if typing.get_origin(ann) is typing.Literal:
        return [str(a) for a in typing.get_args(ann)]
    return []


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_.-")
    return slug[:64] or "my_id"


def _fmt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def hint(error: dict[str, Any]) -> str:
    """A one-sentence message with a fix, for one pydantic error dict."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    names = [p for p in loc if not isinstance(p, int)]
    name = names[-1] if names else "value"
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        model = model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        guess = did_you_mean(str(name), allowed)
        if guess:
            return f"unknown field {name!r}: did you mean {guess!r}?"
        return f"unknown field {name!r}; allowed fields are: {', '.join(allowed)}"
    if kind == "missing":
        return f"required field {name!r} is missing: give a value"
    if kind in ("enum", "literal_error"):
        allowed = _allowed_values(loc)
        guess = did_you_mean(str(value), allowed) if allowed else None
        msg = f"{_fmt(value)} is not allowed; use one of {', '.join(map(repr, allowed))}"
        return msg + (f" (did you mean {guess!r}?)" if guess else "")
    if kind == "string_pattern_mismatch":
        return (
            f"{_fmt(value)} is not a valid id: use only letters, digits, '_', '-' and '.', "
            f"starting with a letter or digit (e.g. {_slug(str(value))!r})"
        )
    if kind == "string_type":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"expected text, got the number {value!r}: write it in quotes ('{value}')"
        return f"expected text, got {_fmt(value)}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"expected {what}, got {_fmt(value)}: write a plain number such as 12.5"
    if kind == "bool_parsing" or kind == "bool_type":
        return f"expected true or false, got {_fmt(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": ">",
            "greater_than_equal": ">=",
            "less_than": "<",
            "less_than_equal": "<=",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return f"{name} must be {op} {bound}, got {_fmt(value)}"
    if kind == "string_too_short":
        return f"{name} must not be empty"
    if kind == "string_too_long":
        return f"{name} is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_short" and names:
        return f"no {name} given: add at least one"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if name == "activity":
            return (
                f"activity must be a code (text) or a mapping with 'code' or 'name', "
                f"got {_fmt(value)}"
            )
        return f"{name} must be a mapping of fields, got {_fmt(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"{name} must be a list, got {_fmt(value)}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def problems_from_validation_error(
    exc: ValidationError, locate: Locate, *, skip: Iterable[Path] = ()
) -> list[Problem]:
    """One located problem per pydantic error.

    Errors at a path in ``skip`` are dropped: the reader already reported a problem there.
    """
    skipped = {tuple(p) for p in skip}
    out: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if loc in skipped:
            continue
        out.append(Problem(hint(dict(error)), locate(loc)))
    return out
