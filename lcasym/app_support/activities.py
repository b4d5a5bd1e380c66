"""The activity picker: background activities as a searchable table for the editor."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lcasym.background.resolve import ActivityInfo, BackgroundIndex
from lcasym.io.activity_sheet import coverage_text

COLUMNS = ("reference", "name", "product", "unit", "location", "coverage")


def index_activities(index: BackgroundIndex) -> list[ActivityInfo]:
    """Every activity a background index holds (all its databases)."""
    return index.activities()


def activity_table(activities: Iterable[ActivityInfo], search: str = "") -> pd.DataFrame:
    """Activities as rows, sorted by name.

    Columns: reference (to type in the editor), name, product, unit, location, coverage.
    ``search`` keeps the rows whose text holds every word of it (case-insensitive).
    """
    rows = [
        {
            "reference": f"{a.database}:{a.code}",
            "name": a.name,
            "product": a.reference_product or "",
            "unit": a.unit,
            "location": a.location or "",
            "coverage": coverage_text(a),
        }
        for a in activities
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    words = search.casefold().split()
    if words:
        text = frame.astype(str).agg(" ".join, axis=1).str.casefold()
        keep = pd.Series(True, index=frame.index)
        for w in words:
            keep &= text.str.contains(w, regex=False)
        frame = frame[keep]
    return frame.sort_values("name", kind="stable").reset_index(drop=True)
