"""A result as a manager-ready Excel workbook (xlsxwriter, formula-safe, row-capped).

Sheets: ``summary`` (formatted, in tonnes for climate: headline with its interval or "no
uncertainty data", top exchanges, facilities' credits, coverage of every category, flags,
and what this workbook leaves out), then the tidy tables of the export contract, each with
a frozen header row, a filter and number formats, then ``columns`` (what every column
means), ``provenance`` and, when needed, ``notes``. The long table and the raw Monte Carlo
draws are not in the workbook (CSV / Parquet hold them). A table longer than Excel's
1,048,576 rows keeps its first rows; the summary and ``notes`` say how many were left out.

Never a live formula: the workbook is written with
:data:`lcasym.io.xlsx_text.XLSXWRITER_OPTIONS` (strings stay strings) and text that starts
like a formula (``= + - @``) is stored with Excel's quote prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lcasym.io.xlsx_text import XLSXWRITER_OPTIONS, looks_like_formula
from lcasym.results.export.contract import TABLE_SPECS
from lcasym.results.export.summary import Block, Number, summary_blocks
from lcasym.results.export.tidy import tidy_table

if TYPE_CHECKING:
    from lcasym.results.result import SymbiosisResult

#: Data rows an Excel sheet holds (1,048,576 rows, one of them the header).
EXCEL_MAX_ROWS = 1_048_575
#: Tables not written to the workbook (their rows are in the CSV / Parquet exports).
NOT_IN_WORKBOOK = ("long", "samples")
_FRACTIONS = {"share", "probability_better", "relative_reduction"}


@dataclass(frozen=True)
class LeftOut:
    """Rows of one table the workbook does not hold."""

    table: str
    rows: int
    total: int
    reason: str

    def sentence(self) -> str:
        """The note printed in the workbook (and by the CLI)."""
        if self.rows == self.total:
            return (
                f"table '{self.table}' ({self.total:,} rows) is not in this workbook: {self.reason}"
            )
        return (
            f"sheet '{self.table}' holds the first {self.total - self.rows:,} of {self.total:,} "
            f"rows ({self.rows:,} left out): {self.reason}"
        )


def workbook_left_out(result: SymbiosisResult, max_rows: int | None = None) -> list[LeftOut]:
    """What a workbook of ``result`` leaves out (cheap: counts rows, writes nothing).

    ``max_rows`` defaults to :data:`EXCEL_MAX_ROWS` (data rows a sheet holds).
    """
    max_rows = max_rows or EXCEL_MAX_ROWS
    out = []
    full = "the CSV and Parquet tables (data package) hold every row"
    for name in TABLE_SPECS:
        if name == "samples":
            rows = len(getattr(result, "samples", ()))
            if rows:
                out.append(LeftOut(name, rows, rows, "the raw draws are in the data package"))
            continue
        if name in NOT_IN_WORKBOOK:
            continue
        rows = _row_count(result, name)
        if rows > max_rows:
            out.append(LeftOut(name, rows - max_rows, rows, f"Excel's row limit; {full}"))
    return out


def _row_count(result: SymbiosisResult, name: str) -> int:
    if name == "indicator_exchanges":
        return len(tidy_table(result, name))  # type: ignore[arg-type]
    return len(getattr(result, name))


class _Writer:
    def __init__(self, path: Path) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {**XLSXWRITER_OPTIONS, "constant_memory": True})
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.section = add({"bold": True, "font_size": 12, "font_color": "#1F4E79"})
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True})
        self.note = add({"italic": True, "font_color": "#555555"})
        self.quoted = add({"quote_prefix": True})
        self.percent = add({"num_format": "0.0%"})
        self.integer = add({"num_format": "0"})
        self._numbers: dict[int, Any] = {}

    def number_format(self, decimals: int) -> Any:
        if decimals not in self._numbers:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._numbers[decimals] = self.book.add_format({"num_format": pattern})
        return self._numbers[decimals]

    def cell(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        if isinstance(value, Number):
            ws.write_number(r, c, value.value, self.number_format(value.decimals))
        elif value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return
        elif isinstance(value, str):
            ws.write_string(r, c, value, self.quoted if looks_like_formula(value) else fmt)
        elif isinstance(value, bool | np.bool_):
            ws.write_boolean(r, c, bool(value), fmt)
        elif isinstance(value, int | float | np.integer | np.floating):
            if np.isfinite(value):
                ws.write_number(r, c, float(value), fmt)
        else:
            self.cell(ws, r, c, str(value), fmt)


def write_workbook(result: SymbiosisResult, path: str | Path) -> list[LeftOut]:
    """Write the workbook to ``path`` (not atomic by itself: use ``SymbiosisResult.export``).

    Returns what the workbook leaves out (also written on the summary and ``notes`` sheets).
    """
    left_out = workbook_left_out(result)
    w = _Writer(Path(path))
    try:
        _summary(w, result, left_out)
        for name in TABLE_SPECS:
            if name not in NOT_IN_WORKBOOK:
                _table(w, name, tidy_table(result, name))
        _columns(w)
        _provenance(w, result)
        if left_out:
            ws = w.book.add_worksheet("notes")
            ws.set_column(0, 0, 120)
            ws.write_string(0, 0, "note", w.header)
            for i, item in enumerate(left_out, start=1):
                ws.write_string(i, 0, item.sentence())
    finally:
        w.book.close()
    return left_out


def _summary(w: _Writer, result: SymbiosisResult, left_out: list[LeftOut]) -> None:
    ws = w.book.add_worksheet("summary")
    prov = result.provenance
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 6, 16)
    ws.freeze_panes(1, 0)
    title = f"lcasym results: {prov.get('network_name', '')} ({prov.get('reporting_year', '')})"
    ws.write_string(0, 0, title, w.title)
    r = 2
    blocks = summary_blocks(result)
    if left_out:
        blocks.append(Block("Left out of this workbook", ["note"],
                            [[x.sentence()] for x in left_out]))  # fmt: skip
    for block in blocks:
        ws.write_string(r, 0, block.title, w.section)
        r += 1
        if block.note:
            ws.write_string(r, 0, block.note, w.note)
            r += 1
        for c, name in enumerate(block.header):
            w.cell(ws, r, c, name, w.header)
        r += 1
        for row in block.rows:
            for c, value in enumerate(row):
                w.cell(ws, r, c, value)
            r += 1
        r += 1


def _table(w: _Writer, name: str, frame: pd.DataFrame | None) -> None:
    if frame is None:
        return
    spec = TABLE_SPECS[name]
    ws = w.book.add_worksheet(name)
    columns = list(frame.columns)
    for c, col in enumerate(spec.columns):
        fmt = w.percent if col.name in _FRACTIONS else w.integer if col.type == "integer" else None
        width = 14 if col.type in ("number", "integer", "boolean") else 22
        ws.set_column(c, c, width, fmt)
        ws.write_string(0, c, col.name, w.header)
    ws.freeze_panes(1, 0)
    rows = min(len(frame), EXCEL_MAX_ROWS)
    ws.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    data = [_cells(frame[c].iloc[:rows]) for c in columns]
    risky = [c for c, col in enumerate(data) if any(looks_like_formula(v) for v in col)]
    for i in range(rows):
        values = [col[i] for col in data]
        ws.write_row(i + 1, 0, values)
        for c in risky:  # rewritten with the quote prefix (constant memory: same row)
            if looks_like_formula(values[c]):
                ws.write_string(i + 1, c, values[c], w.quoted)


def _cells(series: pd.Series) -> list[Any]:
    """Cell values: numbers as floats, missing as None (a blank), the rest as text."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return [None if v is pd.NA else bool(v) for v in series.astype(object)]
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64").to_numpy()
        return [None if not np.isfinite(v) else float(v) for v in values]
    return [None if v is None or v is pd.NA or v != v else str(v) for v in series.astype(object)]


def _columns(w: _Writer) -> None:
    ws = w.book.add_worksheet("columns")
    ws.set_column(0, 1, 22)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 3, 40)
    ws.set_column(4, 4, 90)
    for c, name in enumerate(("table", "column", "type", "unit", "description")):
        ws.write_string(0, c, name, w.header)
    ws.freeze_panes(1, 0)
    r = 1
    for spec in TABLE_SPECS.values():
        for col in spec.columns:
            ws.write_row(r, 0, [spec.name, col.name, col.type, col.unit or "", col.description])
            r += 1
    ws.autofilter(0, 0, r - 1, 4)


def _provenance(w: _Writer, result: SymbiosisResult) -> None:
    from lcasym.results.export.jsonfile import plain

    ws = w.book.add_worksheet("provenance")
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "key", w.header)
    ws.write_string(0, 1, "value", w.header)
    ws.freeze_panes(1, 0)
    for r, (key, value) in enumerate(result.provenance.items(), start=1):
        value = plain(value)
        w.cell(ws, r, 0, str(key))
        w.cell(ws, r, 1, json.dumps(value) if isinstance(value, list | dict) else value)
