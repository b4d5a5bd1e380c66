"""What the PDF lists row by row and what it only counts, so a report stays readable at any size.

A park of 10,000 exchanges would otherwise print hundreds of thousands of table rows (every
exchange in four sections, on every firm page and in every category of the annex). The
report lists the rows that matter most for the headline method (largest ``|net|`` or
``|credit|``) up to the limits below, keeps them in their usual order (exchange number,
firm order), and says how many rows were left out and what they add up to. Every row is in
the results JSON attached to the PDF and in the table exports (``lcasym run -f tables``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

#: Exchanges listed in the per-exchange sections (method, network, contributions, quality).
LISTED_EXCHANGES = 60
#: Firms with a page of their own, and rows of the firm credit table.
LISTED_FIRMS = 40
#: Exchange rows on one firm's page.
ROWS_PER_FIRM = 20
#: Exchange rows per impact category in the full-results annex.
ROWS_PER_CATEGORY = 20

Row = TypeVar("Row")


@dataclass(frozen=True)
class Omitted:
    """Rows left out of a listing: how many, and the sum of their values (NaN when none)."""

    count: int
    total: float

    def __bool__(self) -> bool:
        return self.count > 0


def _size(value: Any) -> float:
    try:
        v = abs(float(value))
    except (TypeError, ValueError):
        return -1.0
    return v if math.isfinite(v) else -1.0


def largest(
    rows: Sequence[Row], value: Callable[[Row], Any], limit: int
) -> tuple[list[Row], Omitted]:
    """The ``limit`` rows with the largest ``|value(row)|``, in their original order.

    Rows without a finite value come last. Ties keep the original order. The rest is
    summarised as :class:`Omitted` (count, Σ of their finite values).
    """
    if len(rows) <= limit:
        return list(rows), Omitted(0, math.nan)
    order = sorted(range(len(rows)), key=lambda i: (-_size(value(rows[i])), i))
    kept = sorted(order[:limit])
    rest = [value(rows[i]) for i in order[limit:]]
    finite = [float(v) for v in rest if _size(v) >= 0]
    return [rows[i] for i in kept], Omitted(len(rest), math.fsum(finite) if finite else math.nan)
