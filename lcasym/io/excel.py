"""Excel workbooks <-> plain network data, one sheet per record type.

Layout (see :mod:`lcasym.io.tables`): a key/value ``network`` sheet, then ``facilities``,
``generation``, ``facility_inventory``, ``exchanges``, ``transport``, ``extra_inputs``,
``custom_activities``, ``custom_exchanges``. Row 1 holds the column names; child sheets
start with the parent's id (``facility``, ``exchange``, ``custom_activity``). A ``README``
sheet explains every column and is ignored on reading.
"""

from __future__ import annotations

import contextlib
import math
import threading
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import _writer as openpyxl_cell_writer
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from lcasym.errors import InputError, Problem
from lcasym.io.activity_sheet import ACTIVITY_SHEET
from lcasym.io.locate import Origin, TableLocator
from lcasym.io.locate import Path as DataPath
from lcasym.io.problems import did_you_mean
from lcasym.io.tables import (
    NETWORK_SHEET,
    SHEETS,
    TABLES,
    FlatField,
    TableSpec,
    cell_text,
    decode_list,
    flat_fields,
    get_in,
    is_text_field,
    network_fields,
    set_in,
    to_cell,
)
from lcasym.io.xlsx_guard import check_xlsx
from lcasym.io.xlsx_text import store_formulas_as_text
from lcasym.network.model import SymbiosisNetwork

README_SHEET = "README"
EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"}
MAX_ROWS = 1000  # rows covered by the dropdowns
COMMON_UNITS = "t,kg,MWh,GJ,MJ,kWh,m3,Nm3,tkm,km,unit"
_CHOICES = {
    "kind": ("material", "energy", "water", "waste"),
    "status": ("operating", "planned"),
    "approach": ("attributional", "consequential"),
    "per": ("unit_exchanged", "year"),
    "extra_burdens_borne_by": ("receiver", "supplier"),
    "exchange_costs_borne_by": ("supplier", "receiver", "shared"),
    "distribution": ("normal", "lognormal", "uniform", "triangular"),
    "hazardous": ("TRUE", "FALSE"),
    "groundwater": ("TRUE", "FALSE"),
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class ExcelRead:
    """What reading a workbook gives: data, where each record came from, reader problems."""

    data: dict[str, Any]
    locate: TableLocator
    problems: list[Problem] = field(default_factory=list)
    skip: set[DataPath] = field(default_factory=set)


# -- writing -------------------------------------------------------------------------------
_SAVE_LOCK = threading.Lock()


def _exact_string(value: Any) -> str:
    """Openpyxl writes floats with 16 digits ('%.16g'), which loses some; use repr."""
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return _ORIGINAL_SAFE_STRING(value)


_ORIGINAL_SAFE_STRING = openpyxl_cell_writer.safe_string


@contextlib.contextmanager
def _exact_floats() -> Iterator[None]:
    with _SAVE_LOCK:
        openpyxl_cell_writer.safe_string = _exact_string
        try:
            yield
        finally:
            openpyxl_cell_writer.safe_string = _ORIGINAL_SAFE_STRING


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save with every float written exactly (17 significant digits when needed).

    Formula-like text (``=...``, ``+...``, ``@...``) is stored as text, never as a formula
    (:mod:`lcasym.io.xlsx_text`).
    """
    store_formulas_as_text(wb)
    with _exact_floats():
        wb.save(path)


def _cell_for(ff: FlatField, value: Any) -> Any:
    if ff.is_list and value is not None and len(value) == 0:
        info = ff.owner.model_fields[ff.field]
        if info.default_factory is not None:  # an empty default list is a blank cell
            return None
    return to_cell(value)


def _header(ws: Any, columns: list[str], docs: dict[str, str]) -> None:
    for col, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        if docs.get(name):
            cell.comment = Comment(docs[name], "lcasym", width=300, height=80)
        ws.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(name) + 2))
    ws.freeze_panes = "A2"


def _dropdown(ws: Any, col: int, formula: str, *, strict: bool) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.showErrorMessage = strict
    dv.error = "Pick a value from the list (see the README sheet)."
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.add_data_validation(dv)


def _validations(ws: Any, spec: TableSpec, columns: list[str]) -> None:
    for col, name in enumerate(columns, start=1):
        leaf = name.rsplit(".", 1)[-1]
        if leaf in _CHOICES:
            _dropdown(ws, col, '"' + ",".join(_CHOICES[leaf]) + '"', strict=True)
        elif leaf in ("unit", "ratio_unit") and name != "flow.unit":
            _dropdown(ws, col, f'"{COMMON_UNITS}"', strict=False)
        elif name in ("supplier", "receiver") or name == spec.key:
            parent = "facilities" if name in ("supplier", "receiver") else spec.parent_sheet
            _dropdown(ws, col, f"={parent}!$A$2:$A${MAX_ROWS}", strict=False)


def build_workbook(network: SymbiosisNetwork | None, docs: dict[str, dict[str, str]]) -> Workbook:
    """A workbook holding ``network`` (None: empty sheets, as in the template).

    ``docs`` maps sheet -> column -> note shown on the header cell.
    """
    dump = network.model_dump(mode="json") if network is not None else {}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = NETWORK_SHEET
    _header(ws, ["key", "value"], {})
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 24, 50
    row = 2
    for ff in network_fields():
        path = ff.path if ff.name == "schema_version" else ("network", *ff.path)
        value = get_in(dump, path)
        if ff.name == "schema_version" and value is None:
            value = SymbiosisNetwork.model_fields["schema_version"].default
        values = value if ff.is_list else [value]
        for item in values or [None]:
            key_cell = ws.cell(row=row, column=1, value=ff.name)
            key_cell.font = _HEADER_FONT
            if docs.get(NETWORK_SHEET, {}).get(ff.name):
                key_cell.comment = Comment(docs[NETWORK_SHEET][ff.name], "lcasym", width=300)
            ws.cell(row=row, column=2, value=to_cell(item))
            row += 1
    for spec in TABLES:
        ws = wb.create_sheet(spec.sheet)
        columns = spec.columns
        _header(ws, columns, docs.get(spec.sheet, {}))
        _validations(ws, spec, columns)
        for values in _rows(dump, spec):
            ws.append(values)
    return wb


def _rows(dump: dict[str, Any], spec: TableSpec) -> Iterator[list[Any]]:
    fields = flat_fields(spec.model)
    for parent in dump.get(spec.path[0], []):
        records = [parent] if len(spec.path) == 1 else parent.get(spec.path[1], [])
        for record in records:
            cells = [_cell_for(ff, get_in(record, ff.path)) for ff in fields]
            yield ([parent["id"]] if spec.key else []) + cells


# -- reading -------------------------------------------------------------------------------
class _Reader:
    def __init__(self, path: Path) -> None:
        self.source = path.name
        self.problems: list[Problem] = []
        self.skip: set[DataPath] = set()
        self.origins: dict[DataPath, Origin] = {}
        self.locate = TableLocator(self.source, self.origins)
        check_xlsx(path)  # limits first: openpyxl would unpack a zip bomb whole
        try:
            self.values = openpyxl.load_workbook(path, data_only=True, read_only=False)
            self.formulas = openpyxl.load_workbook(path, data_only=False, read_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise InputError(
                [
                    Problem(
                        f"cannot open as an Excel .xlsx workbook ({exc}); save it as .xlsx "
                        "(Excel Workbook) and try again",
                        self.source,
                    )
                ],
                self.source,
            ) from None

    def error(self, message: str, path: DataPath | None = None, where: str = "") -> None:
        location = self.locate(path) if path is not None else f"{self.source}, {where}"
        self.problems.append(Problem(message, location))
        if path is not None:
            self.skip.add(path)

    def cell(self, sheet: str, row: int, col: int, ff: FlatField, path: DataPath) -> Any:
        value = self.values[sheet].cell(row=row, column=col).value
        raw = self.formulas[sheet].cell(row=row, column=col).value
        if value is None and isinstance(raw, str) and raw.startswith("="):
            self.error(
                f"the formula {raw} has no computed value: open and save the file in "
                "Excel (or LibreOffice), or type the value",
                path,
            )
            return None
        if isinstance(value, str):
            value = value.strip()
            if value in EXCEL_ERRORS:
                self.error(
                    f"the cell holds the Excel error {value}: fix the formula or type the value",
                    path,
                )
                return None
            if value == "":
                return None
        if value is None:
            return None
        if ff.is_list:
            try:
                return decode_list(value)
            except ValueError as exc:
                self.error(f"cannot read the list {value!r} ({exc}): separate items with ';'", path)
                return None
        if is_text_field(ff.annotation):
            return cell_text(value)
        number = value
        if isinstance(value, str) and value.lower() in ("nan", "inf", "-inf", "infinity"):
            number = float(value)
        if isinstance(number, float) and not math.isfinite(number):
            self.error(
                f"{value!r} is not a number: type the value (or leave the cell empty "
                "if the field is optional)",
                path,
            )
            return None
        return value

    def header(self, sheet: str, expected: list[str]) -> dict[str, int]:
        ws = self.values[sheet]
        columns: dict[str, int] = {}
        for col in range(1, ws.max_column + 1):
            name = ws.cell(row=1, column=col).value
            if name is None or str(name).strip() == "":
                continue
            name = str(name).strip()
            if name in columns:
                self.error(
                    f"column {name!r} appears twice: delete one of them",
                    where=f"sheet {sheet!r}, row 1",
                )
            elif name not in expected:
                guess = did_you_mean(name, expected)
                fix = f"did you mean {guess!r}?" if guess else "delete or rename it"
                self.error(
                    f"unknown column {name!r}: {fix} (columns are listed in the README sheet)",
                    where=f"sheet {sheet!r}, row 1",
                )
            else:
                columns[name] = col
        return columns

    def rows(self, sheet: str, columns: dict[str, int]) -> Iterator[int]:
        ws = self.values[sheet]
        for row in range(2, ws.max_row + 1):
            if any(ws.cell(row=row, column=c).value not in (None, "") for c in columns.values()):
                yield row

    def record(
        self, sheet: str, row: int, columns: dict[str, int], fields: list[FlatField], base: DataPath
    ) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for ff in fields:
            if ff.name in columns:
                value = self.cell(sheet, row, columns[ff.name], ff, (*base, *ff.path))
                if value is not None:
                    set_in(record, ff.path, value)
        return record

    def network_sheet(self, data: dict[str, Any]) -> None:
        self.key_value_sheet(data, NETWORK_SHEET, "network", network_fields())

    def key_value_sheet(
        self, data: dict[str, Any], sheet: str, root: str, fields: Iterable[FlatField]
    ) -> None:
        """Read a two-column key/value sheet into ``data[root]`` (``schema_version`` at the top).

        Unknown keys get a did-you-mean, a key given twice an error; list fields may repeat.
        """
        ws = self.values[sheet]
        keys = {ff.name: ff for ff in fields}
        self.origins[(root,)] = Origin(sheet)
        info: dict[str, Any] = {}
        seen: set[str] = set()
        for row in range(1, ws.max_row + 1):
            key = ws.cell(row=row, column=1).value
            key = None if key is None else str(key).strip()
            if not key or (row == 1 and key == "key"):
                continue
            ff = keys.get(key)
            if ff is None:
                guess = did_you_mean(key, list(keys))
                fix = f"did you mean {guess!r}?" if guess else f"use one of {', '.join(keys)}"
                self.error(f"unknown key {key!r}: {fix}", where=f"sheet {sheet!r}, row {row}")
                continue
            path: DataPath = ff.path if key == "schema_version" else (root, *ff.path)
            if ff.is_list:
                path = (*path, len(get_in(info, ff.path) or []))
            elif key in seen:
                self.error(
                    f"key {key!r} is given twice: keep one row", where=f"sheet {sheet!r}, row {row}"
                )
                continue
            seen.add(key)
            self.origins[path] = Origin(sheet, row, f"key {key!r}", "value")
            single = FlatField(ff.name, ff.path, ff.annotation, False, ff.owner, ff.field)
            value = self.cell(sheet, row, 2, single, path)
            if value is None:
                continue
            if key == "schema_version":
                data["schema_version"] = value
            elif ff.is_list:
                info.setdefault(ff.path[0], []).append(value)
            else:
                set_in(info, ff.path, value)
        data[root] = info

    def table(self, spec: TableSpec, data: dict[str, Any], ids: dict[str, dict[str, int]]) -> None:
        fields = flat_fields(spec.model)
        columns = self.header(spec.sheet, spec.columns)
        top = spec.path[0]
        if spec.key is None:
            records = data.setdefault(top, [])
            self.origins[(top,)] = Origin(spec.sheet)
            index = ids.setdefault(spec.sheet, {})
            for row in self.rows(spec.sheet, columns):
                base = (top, len(records))
                ident = self.values[spec.sheet].cell(row=row, column=columns.get("id", 0) or 1)
                label = f"id {cell_text(ident.value)!r}" if ident.value is not None else ""
                self.origins[base] = Origin(spec.sheet, row, label)
                records.append(self.record(spec.sheet, row, columns, fields, base))
                if ident.value is not None:
                    index.setdefault(cell_text(ident.value), len(records) - 1)
            return
        if spec.key not in columns:
            self.error(
                f"column {spec.key!r} is missing: the first column must give the id "
                f"of the {spec.parent_sheet} row each row belongs to",
                where=f"sheet {spec.sheet!r}, row 1",
            )
            return
        parents = ids.get(spec.parent_sheet or "", {})
        for row in self.rows(spec.sheet, columns):
            owner = self.values[spec.sheet].cell(row=row, column=columns[spec.key]).value
            where = f"sheet {spec.sheet!r}, row {row}, field {spec.key!r}"
            if owner is None or str(owner).strip() == "":
                self.error(
                    f"no {spec.key} id given: fill in the id of the "
                    f"{spec.parent_sheet} row this row belongs to",
                    where=where,
                )
                continue
            owner = cell_text(owner).strip()
            if owner not in parents:
                guess = did_you_mean(owner, list(parents))
                fix = (
                    f"did you mean {guess!r}?"
                    if guess
                    else f"add it to sheet {spec.parent_sheet!r}"
                )
                self.error(
                    f"{spec.key} {owner!r} is not in sheet {spec.parent_sheet!r}: {fix}",
                    where=where,
                )
                continue
            children = data[top][parents[owner]].setdefault(spec.path[1], [])
            child: DataPath = (top, parents[owner], spec.path[1], len(children))
            self.origins[child] = Origin(spec.sheet, row, f"{spec.key} {owner!r}")
            children.append(self.record(spec.sheet, row, columns, fields, child))

    def read(self) -> ExcelRead:
        data: dict[str, Any] = {}
        names = self.values.sheetnames
        for name in names:
            if name not in SHEETS and name not in (README_SHEET, ACTIVITY_SHEET):
                guess = did_you_mean(name, [s for s in SHEETS if s not in names])
                fix = f"did you mean {guess!r}? Rename it" if guess else "rename or delete it"
                self.error(
                    f"unknown sheet {name!r}: {fix} (sheets: {', '.join(SHEETS)})",
                    where=f"sheet {name!r}",
                )
        for required in (NETWORK_SHEET, "facilities", "exchanges"):
            if required not in names:
                self.error(
                    f"sheet {required!r} is missing: add it (start from 'lcasym "
                    "template network.xlsx')",
                    where=f"sheet {required!r}",
                )
                self.skip.add((required,))
        if NETWORK_SHEET in names:
            self.network_sheet(data)
        ids: dict[str, dict[str, int]] = {}
        for spec in TABLES:
            if spec.sheet in names and (spec.parent_sheet is None or spec.parent_sheet in names):
                self.table(spec, data, ids)
        return ExcelRead(data, self.locate, self.problems, self.skip)


def read_excel(path: str | Path) -> ExcelRead:
    """Read a workbook into plain data (not validated yet) with locations and problems."""
    return _Reader(Path(path)).read()


def write_excel(network: SymbiosisNetwork | None, path: str | Path) -> None:
    """Write ``network`` (None: an empty template) as a workbook with a README sheet."""
    from lcasym.io.template import add_readme, header_notes

    wb = build_workbook(network, header_notes())
    add_readme(wb)
    save_workbook(wb, Path(path))
