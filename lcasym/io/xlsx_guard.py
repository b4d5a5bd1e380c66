"""Check an .xlsx file against lcasym's limits before openpyxl unpacks it.

An .xlsx is a zip of XML parts. Before the workbook is loaded this module checks, in
bounded memory and time: the file size, the declared unpacked size of all parts (Python's
zipfile never unpacks more than a part declares, so a zip bomb is caught here), that no
part declares an XML ``DOCTYPE`` (entity expansion), and, streaming each sheet's XML and
stopping at the first excess, the rows, the highest column and the cells. A styled blank
cell far away (say at XFD1048576) counts: openpyxl would otherwise walk the whole
rectangle up to it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import XMLPullParser

from lcasym.errors import InputError, Problem
from lcasym.io import limits

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_CHUNK = 1 << 16


def column_index(letters: str) -> int:
    """1-based index of a column name (``A`` -> 1, ``XFD`` -> 16,384)."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _not_xlsx(source: str, exc: Exception) -> InputError:
    return InputError(
        [
            Problem(
                f"cannot open as an Excel .xlsx workbook ({exc}); save it as .xlsx "
                "(Excel Workbook) and try again",
                source,
            )
        ],
        source,
    )


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name (falls back to the part name)."""
    from xml.etree.ElementTree import fromstring

    names: dict[str, str] = {}
    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SyntaxError):
        return names
    targets = {
        rel.get("Id"): posixpath.normpath(posixpath.join("xl", rel.get("Target", "")))
        for rel in rels.iter(f"{_PKG_REL}Relationship")
    }
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"))
        if target:
            names[target.lstrip("/")] = str(sheet.get("name"))
    return names


def _events(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[str, Any]]:
    parser: XMLPullParser = XMLPullParser(events=("start", "end"))
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            parser.feed(chunk)
            yield from _pairs(parser)
    parser.close()
    yield from _pairs(parser)


def _pairs(parser: XMLPullParser) -> Iterator[tuple[str, Any]]:
    for event in parser.read_events():
        yield event[0], event[1] if len(event) > 1 else None


def _check_sheet(
    archive: zipfile.ZipFile, part: str, sheet: str, source: str, cells_so_far: int
) -> int:
    """Stream one worksheet; return the workbook's cell count after it."""
    rows = row_number = column = cells = 0
    where = f"sheet {sheet!r}"
    for event, element in _events(archive, part):
        tag = element.tag
        if event == "start" and tag == f"{_MAIN}row":
            rows += 1
            r = element.get("r")
            row_number = int(r) if r and r.isdigit() and len(r) < 9 else row_number + 1
            column = 0
            if rows > limits.MAX_SHEET_ROWS or row_number > limits.MAX_SHEET_ROWS:
                raise limits.limit_error(
                    source,
                    f"{where} reaches row {row_number:,}, more than lcasym's limit of "
                    f"{limits.MAX_SHEET_ROWS:,} rows: delete the empty rows below your data "
                    "(select them, Delete Row) and save",
                )
        elif event == "start" and tag == f"{_MAIN}c":
            cells += 1
            match = _REF.fullmatch(element.get("r") or "")
            column = column_index(match.group(1)) if match else column + 1
            if column > limits.MAX_SHEET_COLUMNS:
                ref = match.group(0) if match else f"column {column:,}"
                raise limits.limit_error(
                    source,
                    f"{where} has a cell at {ref}, beyond lcasym's limit of "
                    f"{limits.MAX_SHEET_COLUMNS} columns: delete the empty columns right of "
                    "your data (select them, Delete Column) and save",
                )
            if cells_so_far + cells > limits.MAX_WORKBOOK_CELLS:
                raise limits.limit_error(
                    source,
                    f"the workbook has more than lcasym's limit of "
                    f"{limits.MAX_WORKBOOK_CELLS:,} cells (reached in {where}): delete unused "
                    "cells or split the network",
                )
        elif event == "end" and tag == f"{_MAIN}row":
            element.clear()
    return cells_so_far + cells


def check_xlsx(path: Path) -> None:
    """Raise :class:`~lcasym.errors.LimitError` (or InputError) if ``path`` exceeds a limit.

    Checks, in order: file size, declared unpacked size, ``DOCTYPE`` declarations, then
    rows, columns and cells of each sheet (see :mod:`lcasym.io.limits`).
    """
    source = path.name
    limits.check_file_size(path, limits.MAX_XLSX_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(p.file_size for p in parts)
            if unpacked > limits.MAX_XLSX_UNPACKED:
                raise limits.limit_error(
                    source,
                    f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than lcasym's limit "
                    f"of {limits.MAX_XLSX_UNPACKED / 1e6:,.0f} MB: it is not an ordinary network "
                    "workbook (a zip bomb?); save your data into a new workbook",
                )
            for info in parts:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as stream:
                        head = stream.read(2048)
                    if b"<!DOCTYPE" in head.upper():
                        raise limits.limit_error(
                            source,
                            f"the part {info.filename} declares an XML DOCTYPE, which workbooks "
                            "never need: save the data into a new workbook",
                        )
            cells = 0
            for part, sheet in _sheet_parts(archive).items():
                if part in archive.NameToInfo:
                    cells = _check_sheet(archive, part, sheet, source, cells)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, SyntaxError) as exc:
        raise _not_xlsx(source, exc) from None
