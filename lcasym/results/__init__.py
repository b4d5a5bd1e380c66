"""Results and their interpretation: the result object, crediting, indicators, SDGs.

- :mod:`~lcasym.results.result`: :class:`SymbiosisResult`, the one immutable result;
- :mod:`~lcasym.results.tables`: table layouts and tables from component scores;
- :mod:`~lcasym.results.crediting`: who gets the credit (rules, PEF CFF);
- :mod:`~lcasym.results.indicators`: programme indicators from the inventory;
- :mod:`~lcasym.results.sdg`: SDG targets from LCIA totals and indicators.
"""

from lcasym.results.result import SymbiosisResult
from lcasym.results.tables import (
    TABLE_COLUMNS,
    TABLES,
    allocate_scores,
    empty_table,
    score_tables,
    uncertainty_table,
)

__all__ = [
    "TABLES",
    "TABLE_COLUMNS",
    "SymbiosisResult",
    "allocate_scores",
    "empty_table",
    "score_tables",
    "uncertainty_table",
]
