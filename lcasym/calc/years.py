"""A park's journey: the same network (or several files) compared over reporting years.

Two ways in:

- one network and a list of years: for each year ``Y`` the network is re-dated
  (``reporting_year = Y`` and the background year ``Y``, so year-dependent activities such
  as grid electricity resolve to the vintage of ``Y``, see
  :meth:`lcasym.background.resolve.BackgroundIndex.by_year`), and an exchange counts in
  ``Y`` when it has started by then: ``start_year ≤ Y``, or, without a ``start_year``,
  when its status is ``operating`` (a planned exchange without a start year never counts);
- several network files, one per reporting year (as written): each counts as it stands.

Each year is computed with the engine session (:func:`lcasym.calc.session.open_session`;
the background factorisation is shared through the system cache). The result is tidy:

``totals``
    year × method: ``reference`` (without the exchanges), ``with_exchanges``, ``avoided``,
    ``exchanges_counted``, ``unit``;
``exchanges``
    year × exchange × method: ``counted``, ``why`` (operating / started in S / starts in S /
    planned), ``net`` (NaN when not counted), ``change`` against the previous year
    (``started``, ``stopped``, ``changed`` when the net differs by more than 1e-9 relative,
    ``unchanged``; empty in the first year).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lcasym.errors import InputError, Problem
from lcasym.network.model import Status, SymbiosisNetwork

__all__ = ["YearsComparison", "compare_years", "network_in_year"]

TOTALS_COLUMNS = [
    "year", "method", "unit", "reference", "with_exchanges", "avoided", "exchanges_counted",
]  # fmt: skip
EXCHANGE_COLUMNS = ["year", "exchange", "method", "unit", "counted", "why", "net", "change"]


@dataclass(frozen=True)
class YearsComparison:
    """Totals and exchanges per reporting year (tidy tables, see the module docstring)."""

    totals: pd.DataFrame
    exchanges: pd.DataFrame

    def __repr__(self) -> str:
        years = sorted(set(self.totals["year"]))
        return (
            f"<YearsComparison {years[0]}–{years[-1]}: {len(years)} years>"
            if years
            else ("<YearsComparison: no years>")
        )


def _why(ex, year: int) -> tuple[bool, str]:
    if ex.start_year is not None:
        if ex.start_year <= year:
            return True, f"started in {ex.start_year}"
        return False, f"starts in {ex.start_year}"
    if ex.status == Status.operating:
        return True, "operating"
    return False, "planned"


def network_in_year(network: SymbiosisNetwork, year: int) -> SymbiosisNetwork:
    """``network`` re-dated to ``year``: exchanges started by then operate, others planned."""
    exchanges = [
        ex.model_copy(update={"status": Status.operating if _why(ex, year)[0] else Status.planned})
        for ex in network.exchanges
    ]
    background = network.network.background.model_copy(update={"year": year})
    info = network.network.model_copy(update={"reporting_year": year, "background": background})
    return network.model_copy(update={"network": info, "exchanges": exchanges})


def _read(item: SymbiosisNetwork | str | Path) -> SymbiosisNetwork:
    from lcasym.calc.session import read_network

    return read_network(item)


def compare_years(
    networks: SymbiosisNetwork | str | Path | Sequence[SymbiosisNetwork | str | Path],
    years: Sequence[int] | None = None,
    *,
    methods: Sequence[tuple[str, ...] | str] | None = None,
    crediting: str = "receiver",
    project: str | None = None,
    directory: str | Path | None = None,
) -> YearsComparison:
    """Compare a park over reporting years (see the module docstring).

    Parameters
    ----------
    networks
        One network (with ``years``) or several networks, one per reporting year.
    years
        The reporting years for one network; not allowed with several.
    methods, crediting, project, directory
        As in :func:`lcasym.calculate`.

    Raises
    ------
    InputError
        No years, years with several networks, or two networks with the same reporting
        year; and every error of :func:`lcasym.calc.session.open_session`.
    """
    from lcasym.calc.session import open_session

    items: list[SymbiosisNetwork | str | Path] = (
        [networks] if isinstance(networks, SymbiosisNetwork | str | Path) else list(networks)
    )
    if years is not None and len(items) > 1:
        raise InputError([Problem("give years with one network, or several networks")], "years")
    if years is not None:
        if not years:
            raise InputError([Problem("give at least one year")], "years")
        base = _read(items[0])
        dated = [(y, network_in_year(base, int(y))) for y in sorted(set(years))]
    else:
        nets = [_read(n) for n in items]
        seen = [n.network.reporting_year for n in nets]
        if len(set(seen)) != len(seen):
            raise InputError(
                [Problem("two networks have the same reporting_year; give one per year")],
                "networks",
            )
        dated = sorted(((n.network.reporting_year, n) for n in nets), key=lambda t: t[0])
    totals, rows = [], []
    for year, net in dated:
        session = open_session(net, methods=methods, project=project, directory=directory)
        result = session.result(crediting=crediting, contributions_top=0)
        counted = {
            ex.id: _why(ex, year)
            if years is not None
            else (ex.status == Status.operating, str(ex.status))
            for ex in net.exchanges
        }
        t = result.totals
        n_counted = sum(c for c, _ in counted.values())
        totals.append(t.assign(year=year, exchanges_counted=n_counted)[TOTALS_COLUMNS])
        nets = result.exchanges.set_index(["exchange", "method"])["net"]
        for ex in net.exchanges:
            is_counted, why = counted[ex.id]
            for method, unit in zip(t["method"], t["unit"], strict=True):
                net_value = float(nets.get((ex.id, method), math.nan)) if is_counted else math.nan
                rows.append((year, ex.id, method, unit, is_counted, why, net_value))
    table = pd.DataFrame(rows, columns=EXCHANGE_COLUMNS[:-1])
    table["change"] = _changes(table)
    return YearsComparison(
        totals=pd.concat(totals, ignore_index=True), exchanges=table[EXCHANGE_COLUMNS]
    )


def _changes(table: pd.DataFrame) -> list[str]:
    previous: dict[tuple[str, str], tuple[bool, float]] = {}
    first = table["year"].min() if not table.empty else None
    out = []
    for year, ex, method, counted, net in zip(
        table["year"], table["exchange"], table["method"], table["counted"], table["net"],
        strict=True,
    ):  # fmt: skip
        before = previous.get((ex, method))
        if year == first:
            change = ""
        elif before is None or not before[0]:
            change = "started" if counted else ""
        elif not counted:
            change = "stopped"
        elif math.isclose(net, before[1], rel_tol=1e-9, abs_tol=1e-12):
            change = "unchanged"
        else:
            change = "changed"
        out.append(change)
        previous[(ex, method)] = (bool(counted), float(net))
    return out
