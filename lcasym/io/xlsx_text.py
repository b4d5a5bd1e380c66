"""Keep user text as text in every workbook lcasym writes (no formula injection).

A name such as ``=HYPERLINK("http://evil", "click")`` or ``=cmd|' /C calc'!A0`` must never
become a live formula when lcasym writes it into a workbook. openpyxl turns any string that
starts with ``=`` into a formula, and xlsxwriter also turns ``http://...`` into links and
numeric-looking strings into numbers; both are switched off here. Strings that start with a
character spreadsheet programs read as a formula (``= + - @``, tab, carriage return) are
stored as text cells with Excel's *quote prefix*, so that they stay text even when a user
edits the cell.
"""

from __future__ import annotations

from typing import Any

#: First characters that make spreadsheet programs read a typed value as a formula
#: (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: xlsxwriter ``Workbook`` options: write strings as strings, always.
XLSXWRITER_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def looks_like_formula(value: Any) -> bool:
    """True for a string a spreadsheet program could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def store_formulas_as_text(workbook: Any) -> int:
    """Make every formula-like string cell of an openpyxl workbook a quoted text cell.

    Returns the number of cells changed. lcasym writes no formulas of its own into cells
    (dropdown lists are data validations, not cells), so nothing of lcasym's is lost.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


def quote_prefixed_format(workbook: Any) -> Any:
    """An xlsxwriter cell format with the quote prefix (text stays text when edited)."""
    return workbook.add_format({"quote_prefix": True})
