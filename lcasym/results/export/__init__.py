"""Exports of a result: tidy tables (CSV, Parquet, data package), JSON and Excel.

- :mod:`~lcasym.results.export.contract`: the column contract (types, units, keys);
- :mod:`~lcasym.results.export.tidy`: the exported tables, built once, column-wise;
- :mod:`~lcasym.results.export.datapackage`: CSV + Parquet + ``datapackage.json``;
- :mod:`~lcasym.results.export.workbook`: the manager-ready Excel workbook;
- :mod:`~lcasym.results.export.summary`: its first sheet (pure);
- :mod:`~lcasym.results.export.jsonfile`: JSON.

:func:`export_result` writes one of them and says what an Excel workbook left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lcasym.atomic import atomic_path
from lcasym.results.export.contract import CONTRACT_VERSION, EXPORT_TABLES, TABLE_SPECS
from lcasym.results.export.datapackage import read_datapackage, write_datapackage
from lcasym.results.export.tidy import long_table, tidy_table, tidy_tables
from lcasym.results.export.workbook import EXCEL_MAX_ROWS, LeftOut, workbook_left_out

if TYPE_CHECKING:
    from lcasym.results.result import SymbiosisResult

#: ``json``, ``csv`` (the long table), ``xlsx`` (workbook), ``tables`` (a data package folder).
FORMATS = ("json", "csv", "xlsx", "tables")

__all__ = [
    "CONTRACT_VERSION",
    "EXCEL_MAX_ROWS",
    "EXPORT_TABLES",
    "FORMATS",
    "TABLE_SPECS",
    "ExportReport",
    "LeftOut",
    "export_format",
    "export_result",
    "long_table",
    "read_datapackage",
    "tidy_table",
    "tidy_tables",
    "workbook_left_out",
    "write_datapackage",
]


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote, and what an Excel workbook left out."""

    path: Path
    files: tuple[Path, ...]
    left_out: tuple[LeftOut, ...] = field(default=())


def export_format(path: str | Path, format: str | None = None) -> str:
    """The format for ``path``: ``format``, else its suffix; no suffix means ``tables``."""
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "tables").lower()
    if fmt not in FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)} (a folder name "
            "without a suffix gets the tables as CSV and Parquet with datapackage.json)"
        )
    return fmt


def export_result(
    result: SymbiosisResult, path: str | Path, format: str | None = None
) -> ExportReport:
    """Write ``result`` to ``path`` as ``json``, ``csv``, ``xlsx`` or ``tables``.

    Single files are written to a temporary file beside ``path`` and renamed, so a failed
    export never leaves a half-written file; ``tables`` writes a data package folder
    (:func:`write_datapackage`).
    """
    from lcasym.results.export.jsonfile import write_json
    from lcasym.results.export.workbook import write_workbook

    path = Path(path)
    fmt = export_format(path, format)
    if fmt == "tables":
        files = write_datapackage(result, path)
        return ExportReport(path, tuple(files))
    left: list[LeftOut] = []
    with atomic_path(path) as tmp:
        if fmt == "json":
            write_json(result, tmp)
        elif fmt == "csv":
            long_table(result).to_csv(tmp, index=False, encoding="utf-8")
        else:
            left = write_workbook(result, tmp)
    return ExportReport(path, (path,), tuple(left))
