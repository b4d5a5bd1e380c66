"""The blank Excel workbook users fill in, with a README sheet explaining every column."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook

from lcasym.background.resolve import ActivityInfo
from lcasym.io.activity_sheet import (
    ACTIVITY_CODE_COLUMNS,
    add_activity_sheet,
    open_background_activities,
)
from lcasym.io.fielddoc import FieldDoc, document
from lcasym.io.tables import NETWORK_SHEET, TABLES, flat_fields, network_fields
from lcasym.network.model import NetworkInfo, SymbiosisNetwork

INTRO = (
    "lcasym network workbook: one sheet per kind of record. Fill one row per record; the "
    "first row holds the column names (do not rename them).",
    "Sheet 'network': one value per key (repeat the 'sources' row for several sources).",
    "Sheets 'facilities' and 'exchanges': one row per facility / exchange; ids are short "
    "(letters, digits, '_', '-', '.').",
    "Child sheets (generation, facility_inventory, transport, extra_inputs, custom_exchanges) "
    "start with the id of the row they belong to.",
    "Dotted columns fill a group: 'displaces.activity.code' is the code of the displaced "
    "activity. Leave the whole group blank when it does not apply.",
    "Blank cell = default value (see 'default'). Lists go in one cell separated by ';'.",
    "An activity is given by its code (activity.code), or by activity.name + "
    "activity.reference_product + activity.location.",
    "Check the file with:  lcasym validate this_file.xlsx   (all problems are listed at once, "
    "with sheet, row and column).",
    "Sheet 'background_activities' lists the background's activities (code, name, product, "
    "unit, location, coverage); the activity-code columns of 'exchanges' offer its codes in "
    "a dropdown. lcasym does not read that sheet.",
    "Full reference: docs/network_format.md.",
)
README_COLUMNS = ("sheet", "column", "required", "type", "default", "description", "example")
_KEY_DOCS = {
    "facility": "Id of the facility (sheet 'facilities') this row belongs to",
    "exchange": "Id of the exchange (sheet 'exchanges') this row belongs to",
    "custom_activity": "Id of the custom activity (sheet 'custom_activities')",
}


def column_docs() -> dict[str, list[FieldDoc]]:
    """Documentation of every column of every sheet (network sheet: every key)."""
    docs: dict[str, list[FieldDoc]] = {
        NETWORK_SHEET: [
            document(SymbiosisNetwork, ff)
            if ff.name == "schema_version"
            else document(NetworkInfo, ff)
            for ff in network_fields()
        ]
    }
    for spec in TABLES:
        rows = []
        if spec.key:
            rows.append(FieldDoc(spec.key, "required", "text", "", _KEY_DOCS[spec.key], ""))
        rows += [document(spec.model, ff) for ff in flat_fields(spec.model)]
        docs[spec.sheet] = rows
    return docs


def header_notes() -> dict[str, dict[str, str]]:
    """Sheet -> column -> short note shown when hovering the header cell."""
    notes: dict[str, dict[str, str]] = {}
    for sheet, docs in column_docs().items():
        notes[sheet] = {
            d.name: f"{d.required}. {d.description}"
            + (f" Example: {d.example}" if d.example else "")
            for d in docs
        }
    return notes


def add_readme(wb: Workbook) -> None:
    """Add a first sheet 'README' describing every sheet and column."""
    ws = wb.create_sheet("README", 0)
    for line in INTRO:
        ws.append([line])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(list(README_COLUMNS))
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for sheet, docs in column_docs().items():
        for d in docs:
            ws.append([sheet, d.name, d.required, d.type, d.default, d.description, d.example])
    widths = {"A": 20, "B": 42, "C": 26, "D": 30, "E": 14, "F": 70, "G": 30}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{header_row + 1}"


def write_template(path: str | Path, activities: Iterable[ActivityInfo] | None = None) -> int:
    """Write a blank network workbook (all sheets, README, dropdowns, frozen headers).

    The sheet ``background_activities`` lists ``activities`` (default: the shipped
    lcasym-open background) and the exchange sheet's activity-code columns get a dropdown
    from it (:mod:`lcasym.io.activity_sheet`). Returns the number of activities listed.
    """
    from lcasym.io import atomic_path
    from lcasym.io.excel import build_workbook, save_workbook

    wb = build_workbook(None, header_notes())
    add_readme(wb)
    header = [c.value for c in wb["exchanges"][1]]
    columns = [header.index(name) + 1 for name in ACTIVITY_CODE_COLUMNS if name in header]
    listed = add_activity_sheet(
        wb,
        open_background_activities() if activities is None else activities,
        code_columns={"exchanges": columns},
    )
    with atomic_path(path) as tmp:
        save_workbook(wb, Path(tmp))
    return listed
