"""The activity list of a workbook: a sheet of background activities and its dropdowns.

The template (and any workbook lcasym writes for editing) gets a sheet
``background_activities`` listing the background's activities (code, database, name,
reference product, unit, location, coverage). The exchange sheet's activity-code columns
(displaced product, avoided treatment, forgone output) get a dropdown (Excel data
validation, a list taken from the sheet's code column): a user picks a code instead of
knowing it. The dropdown does not refuse other values (custom activities have their own
codes). The sheet holds values only, never formulas; the reader skips it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from lcasym.background.resolve import ActivityInfo

ACTIVITY_SHEET = "background_activities"
ACTIVITY_HEADER = ("code", "database", "name", "reference product", "unit", "location", "coverage")
#: Exchange-sheet columns whose dropdown lists the activity codes.
ACTIVITY_CODE_COLUMNS = (
    "displaces.activity.code",
    "avoided_treatment.activity.code",
    "forgone_output.activity.code",
)
MAX_DROPDOWN_ROWS = 1000  # exchange rows covered by the dropdowns (as the other dropdowns)
MAX_ACTIVITIES = 100_000  # a sheet row per activity; a bigger background is cut, and says so


def coverage_text(info: ActivityInfo) -> str:
    """What the background says about the impact categories an activity covers."""
    if info.placeholder:
        return "placeholder (zero burden)"
    if info.incomplete_for:
        return f"incomplete for {info.incomplete_for}"
    return "complete" if info.incomplete_for is not None else "not stated"


@cache
def open_background_activities() -> tuple[ActivityInfo, ...]:
    """The activities of the shipped lcasym-open files (no Brightway project needed)."""
    from lcasym.background.resolve import BackgroundIndex

    return tuple(BackgroundIndex.from_open_background().activities())


def add_activity_sheet(
    wb: Workbook, activities: Iterable[ActivityInfo], *, code_columns: dict[str, Sequence[int]]
) -> int:
    """Add the activity sheet to ``wb`` and the dropdowns that refer to it.

    ``code_columns`` maps a sheet name to the 1-based columns that get the dropdown. Returns
    the number of activities listed (sorted by name; at most ``MAX_ACTIVITIES``).
    """
    rows = sorted(activities, key=lambda a: (a.name.casefold(), a.location or "", a.code))
    rows = rows[:MAX_ACTIVITIES]
    ws = wb.create_sheet(ACTIVITY_SHEET)
    ws.append(list(ACTIVITY_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for a in rows:
        ws.append(
            [a.code, a.database, a.name, a.reference_product or "", a.unit, a.location or "",
             coverage_text(a)]
        )  # fmt: skip
    for letter, width in zip("ABCDEFG", (34, 16, 50, 50, 14, 12, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{len(rows) + 1}"
    if rows:
        source = f"={ACTIVITY_SHEET}!$A$2:$A${len(rows) + 1}"
        for sheet, columns in code_columns.items():
            for col in columns:
                _code_dropdown(wb[sheet], col, source)
    return len(rows)


def _code_dropdown(ws: Any, col: int, source: str) -> None:
    dv = DataValidation(type="list", formula1=source, allow_blank=True)
    dv.showErrorMessage = False  # custom activities have codes of their own
    dv.promptTitle = "Activity code"
    dv.prompt = f"Pick a code from the sheet '{ACTIVITY_SHEET}' (or a custom activity's id)."
    dv.showInputMessage = True
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{MAX_DROPDOWN_ROWS}")
    ws.add_data_validation(dv)
