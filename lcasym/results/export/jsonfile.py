"""A result as JSON: one list of records per table, plus the provenance."""

from __future__ import annotations

import functools
import io
import json
import math
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lcasym.results.tables import TABLES

if TYPE_CHECKING:
    from lcasym.results.result import SymbiosisResult

#: Tables that never go into the JSON (raw draws: millions of rows; Parquet holds them).
NOT_IN_JSON = ("samples",)


def plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready records (column by column: NaN becomes None)."""
    columns = {}
    for name in frame.columns:
        values = frame[name].astype(object).to_numpy()
        columns[name] = [plain(v) for v in values]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _parts(result: SymbiosisResult) -> Iterator[tuple[str, Callable[[], Any]]]:
    """(key, builder of its JSON-ready value) in output order; each built when needed."""
    for name in TABLES:
        if name in NOT_IN_JSON or (name == "uncertainty" and result.draws == 0):
            continue
        frame = getattr(result, name)
        if name == "sensitivity" and frame.empty:
            continue
        yield name, functools.partial(records, frame)
    yield "provenance", functools.partial(plain, result.provenance)


def json_dict(result: SymbiosisResult) -> dict[str, Any]:
    """The JSON content (see :meth:`SymbiosisResult.to_json_dict`)."""
    return {key: build() for key, build in _parts(result)}


def json_chunks(result: SymbiosisResult, indent: int) -> Iterator[str]:
    """``json.dumps(json_dict(result), indent=indent)`` in pieces, one table at a time.

    Only one table's records exist at a time (a 10,000-exchange result's records take
    gigabytes as one dict). The text is the same as ``json.dumps``'s: each value is dumped
    with ``indent`` and its lines shifted by one level, keys separated by a comma and a new line.
    """
    pad = " " * indent
    first = True
    for key, build in _parts(result):
        text = json.dumps(build(), indent=indent).replace("\n", "\n" + pad)
        yield ("{\n" if first else ",\n") + pad + json.dumps(key) + ": " + text
        first = False
    yield "{}" if first else "\n}"


def json_bytes(result: SymbiosisResult, indent: int = 1) -> bytes:
    """The result's JSON as UTF-8 bytes, built one table at a time (:func:`json_chunks`)."""
    buffer = io.BytesIO()
    for chunk in json_chunks(result, indent):
        buffer.write(chunk.encode("utf-8"))
    return buffer.getvalue()


def write_json(result: SymbiosisResult, path: Path) -> None:
    """Write the JSON to ``path``, one table at a time (:func:`json_chunks`)."""
    with path.open("w", encoding="utf-8") as handle:
        for chunk in json_chunks(result, 2):
            handle.write(chunk)
