"""A result as JSON: one list of records per table, plus the provenance."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
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


def json_dict(result: SymbiosisResult) -> dict[str, Any]:
    """The JSON content (see :meth:`SymbiosisResult.to_json_dict`)."""
    out: dict[str, Any] = {}
    for name in TABLES:
        if name in NOT_IN_JSON or (name == "uncertainty" and result.draws == 0):
            continue
        frame = getattr(result, name)
        if name == "sensitivity" and frame.empty:
            continue
        out[name] = records(frame)
    out["provenance"] = plain(result.provenance)
    return out


def write_json(result: SymbiosisResult, path: Path) -> None:
    """Write the JSON to ``path`` (streamed to the file, not built as one string)."""
    with path.open("w", encoding="utf-8") as handle:
        json.dump(result.to_json_dict(), handle, indent=2)
