"""Does the background cover what a result claims? Coverage per method and exchange, flags.

A category the data do not cover must read "not covered", never 0 or "100 % avoided".
:func:`assess_coverage` looks at the activities an exchange reaches and the methods'
characterisation factors and says, for every method and exchange, ``covered``, ``partial``
or ``not covered``; it also lists the placeholders (zero-burden activities) that
contribute and the year-dependent activities resolved to another year, as rows of the
result's ``flags`` table (see ``docs/results.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from lcasym.results.tables import empty_table

if TYPE_CHECKING:
    from lcasym.inventory.plan import ForegroundPlan
    from lcasym.network.model import SymbiosisNetwork

COVERED, PARTIAL, NOT_COVERED, NOT_ASSESSED = "covered", "partial", "not covered", "not assessed"


@dataclass(frozen=True)
class Coverage:
    """Coverage of a result: per method label, per (exchange id, method label), and flags."""

    methods: Mapping[str, str] = field(default_factory=dict)
    exchanges: Mapping[tuple[str, str], str] = field(default_factory=dict)
    flags: pd.DataFrame = field(default_factory=lambda: empty_table("flags"))

    def of_method(self, method: str) -> str:
        """Coverage of a method (``not assessed`` when unknown)."""
        return self.methods.get(method, NOT_ASSESSED)

    def of_exchange(self, exchange: str, method: str) -> str:
        """Coverage of one exchange for one method (``not assessed`` when unknown)."""
        return self.exchanges.get((exchange, method), NOT_ASSESSED)


def assess_coverage(plan: ForegroundPlan, system: Any, network: SymbiosisNetwork) -> Coverage:
    """Coverage of every method and exchange of ``plan`` over ``system`` (not yet assessed)."""
    return Coverage()
