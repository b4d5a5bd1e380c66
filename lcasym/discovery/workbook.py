"""Excel workbooks <-> plain operations-inventory data, one sheet per record type.

Layout: a README sheet (every column explained), a key/value ``park`` sheet, then
``facilities``, ``offers`` and ``needs`` (child sheets: the first column gives the
facility id) and ``distances``. Reading goes through lcasym.io's workbook reader (cell
checks, formulas without values, Excel errors, unknown columns with "did you mean"), so a
problem is located by file, sheet, row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lcasym.discovery.model import (
    Distance,
    Need,
    Offer,
    OperationsInventory,
    ParkFacility,
    ParkInfo,
)
from lcasym.io.excel import README_SHEET, ExcelRead, save_workbook
from lcasym.io.excel import _Reader as _NetworkReader
from lcasym.io.fielddoc import FieldDoc, document
from lcasym.io.problems import did_you_mean
from lcasym.io.tables import FlatField, TableSpec, flat_fields, get_in, to_cell

PARK_SHEET = "park"
TABLES: tuple[TableSpec, ...] = (
    TableSpec("facilities", ("facilities",), ParkFacility),
    TableSpec("offers", ("facilities", "offers"), Offer, "facility", "facilities"),
    TableSpec("needs", ("facilities", "needs"), Need, "facility", "facilities"),
    TableSpec("distances", ("distances",), Distance),
)
SHEETS = (PARK_SHEET, *(t.sheet for t in TABLES))
INTRO = (
    "lcasym operations inventory: what each facility of a park has (offers) and needs. "
    "One row per record; row 1 holds the column names (do not rename them).",
    "Sheet 'park': one value per key (repeat the 'sources' row for several sources).",
    "Sheets 'offers' and 'needs' start with the id of the facility the row belongs to.",
    "'flow' is a flow type of the knowledge base (lcasym/data/synergy_types.yaml), e.g. "
    "waste_heat, fgd_gypsum, process_heat, gypsum. Quantities are per year.",
    "Temperatures in °C (or a text with a unit: '363 K'); coordinates in decimal degrees.",
    "'currently' names the activity a need is met by today (or an offer's treatment today).",
    "Check and rank with:  lcasym opportunities this_file.xlsx   (docs/opportunities.md).",
)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEY_DOC = "Id of the facility (sheet 'facilities') this row belongs to"


def _park_fields() -> list[FlatField]:
    head = FlatField(
        "schema_version", ("schema_version",), str, False, OperationsInventory, "schema_version"
    )
    return [head, *flat_fields(ParkInfo)]


def column_docs() -> dict[str, list[FieldDoc]]:
    """Sheet -> documentation of each column (the park sheet: each key)."""
    docs = {
        PARK_SHEET: [
            document(OperationsInventory if ff.name == "schema_version" else ParkInfo, ff)
            for ff in _park_fields()
        ]
    }
    for spec in TABLES:
        rows = [FieldDoc(spec.key, "required", "text", "", _KEY_DOC, "")] if spec.key else []
        docs[spec.sheet] = rows + [document(spec.model, ff) for ff in flat_fields(spec.model)]
    return docs


# -- writing -------------------------------------------------------------------------------
def _header(ws: Any, columns: list[str], notes: dict[str, str]) -> None:
    for col, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font, cell.fill = Font(bold=True), _FILL
        if notes.get(name):
            cell.comment = Comment(notes[name], "lcasym", width=300, height=80)
        ws.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(name) + 2))
    ws.freeze_panes = "A2"


def _readme(wb: Any, docs: dict[str, list[FieldDoc]]) -> None:
    ws = wb.create_sheet(README_SHEET, 0)
    for line in INTRO:
        ws.append([line])
    ws.append([])
    ws.append(["sheet", "column", "required", "type", "default", "description", "example"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for sheet, rows in docs.items():
        for d in rows:
            ws.append([sheet, d.name, d.required, d.type, d.default, d.description, d.example])
    for col, width in {"A": 14, "B": 34, "C": 22, "D": 24, "E": 10, "F": 70, "G": 20}.items():
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=len(INTRO) + 3):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")


def write_inventory_workbook(inventory: OperationsInventory | None, path: str | Path) -> None:
    """Write ``inventory`` (None: a blank template) as a workbook with a README sheet."""
    docs = column_docs()
    notes = {
        sheet: {d.name: f"{d.required}. {d.description}" for d in rows}
        for sheet, rows in docs.items()
    }
    dump = inventory.model_dump(mode="json") if inventory is not None else {}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = PARK_SHEET
    _header(ws, ["key", "value"], {})
    ws.column_dimensions["B"].width = 50
    for ff in _park_fields():
        path_ = ff.path if ff.name == "schema_version" else ("park", *ff.path)
        value = get_in(dump, path_)
        if ff.name == "schema_version" and value is None:
            value = OperationsInventory.model_fields["schema_version"].default
        for item in (value or [None]) if ff.is_list else [value]:
            ws.append([ff.name, to_cell(item)])
    for spec in TABLES:
        ws = wb.create_sheet(spec.sheet)
        _header(ws, spec.columns, notes.get(spec.sheet, {}))
        fields = flat_fields(spec.model)
        for parent in dump.get(spec.path[0], []):
            records = [parent] if len(spec.path) == 1 else parent.get(spec.path[1], [])
            for record in records:
                cells = [to_cell(get_in(record, ff.path)) for ff in fields]
                ws.append(([parent["id"]] if spec.key else []) + cells)
    _readme(wb, docs)
    save_workbook(wb, Path(path))


# -- reading -------------------------------------------------------------------------------
class _InventoryReader(_NetworkReader):
    """lcasym.io's workbook reader with the inventory's sheets."""

    def park_sheet(self, data: dict[str, Any]) -> None:
        self.key_value_sheet(data, PARK_SHEET, "park", _park_fields())

    def read(self) -> ExcelRead:
        data: dict[str, Any] = {}
        names = self.values.sheetnames
        for name in names:
            if name not in SHEETS and name != README_SHEET:
                guess = did_you_mean(name, [s for s in SHEETS if s not in names])
                fix = f"did you mean {guess!r}? Rename it" if guess else "rename or delete it"
                self.error(
                    f"unknown sheet {name!r}: {fix} (sheets: {', '.join(SHEETS)})",
                    where=f"sheet {name!r}",
                )
        for required in (PARK_SHEET, "facilities"):
            if required not in names:
                self.error(
                    f"sheet {required!r} is missing: add it (start from 'lcasym "
                    "opportunities-template inventory.xlsx')",
                    where=f"sheet {required!r}",
                )
                self.skip.add((required,))
        if PARK_SHEET in names:
            self.park_sheet(data)
        ids: dict[str, dict[str, int]] = {}
        for spec in TABLES:
            if spec.sheet in names and (spec.parent_sheet is None or spec.parent_sheet in names):
                self.table(spec, data, ids)
        return ExcelRead(data, self.locate, self.problems, self.skip)


def read_inventory_workbook(path: str | Path) -> ExcelRead:
    """Read a workbook into plain data (not validated yet) with locations and problems."""
    return _InventoryReader(Path(path)).read()
