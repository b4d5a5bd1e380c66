"""A result as a Frictionless tabular data package: CSV and Parquet tables, ``datapackage.json``.

The descriptor follows the Frictionless Data Package / Table Schema specifications
(https://specs.frictionlessdata.io): one resource per table and format, each with its
fields (name, type, description, and lcasym's ``unit``), its primary key and the missing
value marker (the empty string). lcasym adds ``lcasym`` to the descriptor: the contract
version (:data:`~lcasym.results.export.contract.CONTRACT_VERSION`) and the result's
provenance (versions, background, methods, seed, draws, input SHA-256 ...).

The files are written into a temporary folder beside the target and moved in only when all
are written, ``datapackage.json`` last; files an earlier lcasym export listed and this one
does not write are removed, any other file in the folder is left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lcasym.atomic import check_folder, check_output
from lcasym.results.export.contract import CONTRACT_VERSION, TABLE_SPECS, TableSpec
from lcasym.results.export.tidy import tidy_table

if TYPE_CHECKING:
    from lcasym.results.result import SymbiosisResult

DESCRIPTOR = "datapackage.json"
TABLE_FORMATS = ("csv", "parquet")
_MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
_DTYPES = {"string": "string", "number": "float64", "integer": "Int64", "boolean": "boolean"}


def _package_name(result: SymbiosisResult) -> str:
    raw = str(result.provenance.get("network_id") or "network").lower()
    return "lcasym-" + (re.sub(r"[^a-z0-9._-]+", "-", raw).strip("-") or "network") + "-results"


def table_schema(spec: TableSpec) -> dict[str, Any]:
    """The Table Schema of one exported table."""
    fields = []
    for col in spec.columns:
        field: dict[str, Any] = {"name": col.name, "type": col.type,
                                 "description": col.description}  # fmt: skip
        if col.unit:
            field["unit"] = col.unit
        if col.name in spec.primary_key:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    return schema


def resource(spec: TableSpec, fmt: str, rows: int) -> dict[str, Any]:
    """The descriptor of one table in one format."""
    out: dict[str, Any] = {
        "name": spec.name if fmt == "csv" else f"{spec.name}-{fmt}",
        "path": f"{spec.name}.{fmt}",
        "profile": "tabular-data-resource",
        "format": fmt,
        "mediatype": _MEDIA[fmt],
        "title": f"{spec.name}: one row per {spec.row}",
        "description": spec.description,
        "schema": table_schema(spec),
        "lcasym_rows": rows,
    }
    if fmt == "csv":
        out["encoding"] = "utf-8"
        out["dialect"] = {"delimiter": ",", "header": True, "quoteChar": '"'}
    return out


def descriptor(
    result: SymbiosisResult, tables: dict[str, pd.DataFrame], formats: Sequence[str]
) -> dict[str, Any]:
    """The ``datapackage.json`` content for ``tables`` written in ``formats``."""
    from lcasym.results.export.jsonfile import plain

    prov = plain(result.provenance)
    return {
        "profile": "tabular-data-package",
        "name": _package_name(result),
        "title": f"lcasym results: {prov.get('network_name') or prov.get('network_id') or ''}",
        "description": (
            "Avoided impacts of an industrial symbiosis network (avoided = reference − "
            "with_exchanges, positive = benefit), computed by lcasym. Column contract: "
            "docs/results.md of lcasym."
        ),
        "created": prov.get("date"),
        "resources": [
            resource(TABLE_SPECS[name], fmt, len(frame))
            for name, frame in tables.items()
            for fmt in formats
        ],
        "lcasym": {"contract_version": CONTRACT_VERSION, "provenance": prov},
    }


def _check_formats(formats: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(f).lower() for f in formats))
    bad = [f for f in chosen if f not in TABLE_FORMATS]
    if bad or not chosen:
        raise ValueError(f"table formats must be among {', '.join(TABLE_FORMATS)}, got {bad}")
    return chosen


def _check_tables(names: Iterable[str] | None) -> list[str] | None:
    if names is None:
        return None
    chosen = list(dict.fromkeys(names))
    bad = [n for n in chosen if n not in TABLE_SPECS]
    if bad:
        raise ValueError(f"unknown table(s) {bad}; exported tables: {', '.join(TABLE_SPECS)}")
    return chosen


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write one table as CSV (UTF-8, empty = missing) or Parquet."""
    if fmt == "csv":
        text = {  # Table Schema's canonical booleans
            c: frame[c].map({True: "true", False: "false"}).astype("string")
            for c in frame.columns
            if isinstance(frame[c].dtype, pd.BooleanDtype) or frame[c].dtype == bool
        }
        frame.assign(**text).to_csv(path, index=False, encoding="utf-8")
    else:
        try:
            frame.to_parquet(path, index=False)
        except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
            raise ImportError("Parquet export needs pyarrow: pip install pyarrow") from exc


def write_datapackage(
    result: SymbiosisResult,
    folder: str | Path,
    *,
    formats: Sequence[str] = TABLE_FORMATS,
    tables: Sequence[str] | None = None,
) -> list[Path]:
    """Write ``result``'s tidy tables and their ``datapackage.json`` into ``folder``.

    Parameters
    ----------
    folder
        Created when missing; other files in it are left alone.
    formats
        ``csv`` and/or ``parquet`` (default both).
    tables
        Names of the tables to write (default all; ``samples`` only when the result kept
        its draws). ``tables=["samples"]`` exports the raw Monte Carlo draws alone.

    Returns
    -------
    list of Path
        The files written, ``datapackage.json`` last.
    """
    chosen_formats = _check_formats(formats)
    names = _check_tables(tables) or list(TABLE_SPECS)
    folder = check_folder(folder)
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        frame = tidy_table(result, name)
        if frame is not None:
            frames[name] = frame
    files = [f"{name}.{fmt}" for name in frames for fmt in chosen_formats] + [DESCRIPTOR]
    for name in files:
        check_output(folder / name)
    stale = _previous_files(folder) - set(files)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, frame in frames.items():
            for fmt in chosen_formats:
                write_table(frame, tmp / f"{name}.{fmt}", fmt)
        text = json.dumps(descriptor(result, frames, chosen_formats), indent=2)
        (tmp / DESCRIPTOR).write_text(text, encoding="utf-8")
        for name in files:
            check_output(folder / name)
            os.replace(tmp / name, folder / name)
        for name in stale:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                (folder / name).unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [folder / name for name in files]


def _previous_files(folder: Path) -> set[str]:
    """Data files listed by an earlier lcasym ``datapackage.json`` in ``folder``."""
    try:
        old = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(old, dict) or "lcasym" not in old:
        return set()
    paths = {str(r.get("path", "")) for r in old.get("resources", []) if isinstance(r, dict)}
    return {p for p in paths if p and "/" not in p and "\\" not in p and not p.startswith(".")}


_TRUE, _FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")


def _from_text(column: pd.Series, dtype: str) -> pd.Series:
    if dtype == "boolean":
        mapping = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
        return column.map(mapping).astype("boolean")
    return column.astype(dtype)


def read_datapackage(
    folder: str | Path, *, fmt: str = "csv", tables: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Read an lcasym data package back into pandas, typed by its descriptor.

    ``fmt`` picks the CSV or the Parquet files. Each column gets the pandas type of its
    Table Schema type (string, float64, Int64, boolean); only the empty string is missing
    (an exchange called ``NA`` stays a string).
    """
    folder = Path(folder)
    desc = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    out: dict[str, pd.DataFrame] = {}
    for res in desc["resources"]:
        if res["format"] != fmt:
            continue
        name = res["path"].rsplit(".", 1)[0]
        if tables is not None and name not in tables:
            continue
        fields = res["schema"]["fields"]
        dtypes = {f["name"]: _DTYPES[f["type"]] for f in fields}
        if fmt == "csv":
            frame = pd.read_csv(
                folder / res["path"], dtype={k: "string" for k in dtypes},
                keep_default_na=False, na_values=[""],
            )  # fmt: skip
            frame = pd.DataFrame({c: _from_text(frame[c], dtypes[c]) for c in frame.columns})
        else:
            frame = pd.read_parquet(folder / res["path"])
        out[name] = frame[[f["name"] for f in fields]]
    return out
