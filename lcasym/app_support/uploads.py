"""Uploads refused in one sentence before any parsing.

Too large, not a workbook, a results workbook instead of a network. Anything else goes to
``lcasym.io.load_network``, which bounds YAML/JSON (aliases, depth, nodes) and checks
workbooks (``lcasym.io.xlsx_guard``).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

#: Largest upload the app accepts (also ``server.maxUploadSize`` in .streamlit/config.toml).
MAX_UPLOAD_MB = 20
#: Sheets of an lcasym results workbook (``SymbiosisResult.export``, docs/results.md).
RESULT_SHEETS = frozenset({"totals", "exchanges", "facilities", "flags", "provenance", "long"})
EXPECTED = "a network file (YAML, JSON, or Excel made from lcasym's template)"
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]{1,200})"')


def _sheet_names(data: bytes) -> list[str] | None:
    """Sheet names of an .xlsx (bounded read of xl/workbook.xml); None if not a workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 2**20:
                return None
            book = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return [m.decode("utf-8", "replace") for m in _SHEET.findall(book)]


def upload_refusal(name: str, data: bytes, *, max_mb: float = MAX_UPLOAD_MB) -> str | None:
    """One sentence saying what the upload is and what was expected.

    None if it may be a network file (then read it with ``read_uploaded``).
    """
    shown = PurePath(name).name[:80]
    size_mb = len(data) / 2**20
    if size_mb > max_mb:
        return (
            f"“{shown}” is {size_mb:,.1f} MB, larger than the {max_mb:g} MB the app accepts: "
            f"expected {EXPECTED}."
        )
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets = _sheet_names(data)
        if sheets is None:
            return f"“{shown}” is not an Excel .xlsx workbook: expected {EXPECTED}."
        lower = {s.lower() for s in sheets}
        if "network" not in lower and len(lower & RESULT_SHEETS) >= 2:
            return f"“{shown}” is an lcasym results workbook, not a network: expected {EXPECTED}."
    elif suffix not in (".yaml", ".yml", ".json"):
        return f"“{shown}” is a '{suffix or 'no extension'}' file: expected {EXPECTED}."
    return None
