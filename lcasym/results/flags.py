"""Rows of a result's ``flags`` table that the engine knows of (pure: no Brightway).

A flag is something a reader must know before repeating a number (``docs/results.md``):
planned exchanges left out of the totals, no uncertainty data, a deterministic value outside
its P5–P95 interval. Coverage flags come from :mod:`lcasym.results.coverage`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import pandas as pd

from lcasym.network.model import Status, SymbiosisNetwork
from lcasym.results.tables import empty_table

PLANNED_EXCLUDED = "planned excluded"
NO_UNCERTAINTY = "no uncertainty data"
OUTSIDE_INTERVAL = "outside interval"


def flag_table(rows: Iterable[Mapping[str, str]]) -> pd.DataFrame:
    """A ``flags`` table from row mappings (entity, method, flag, detail)."""
    rows = list(rows)
    if not rows:
        return empty_table("flags")
    return pd.DataFrame(rows, columns=empty_table("flags").columns)


def concat_flags(*tables: pd.DataFrame | None) -> pd.DataFrame:
    """Join ``flags`` tables, skipping empty ones."""
    parts = [t for t in tables if t is not None and not t.empty]
    return pd.concat(parts, ignore_index=True) if parts else empty_table("flags")


def planned_excluded(network: SymbiosisNetwork, counted: Collection[str]) -> pd.DataFrame:
    """One row per planned exchange that is not counted in the totals."""
    return flag_table(
        {
            "entity": x.id,
            "method": "",
            "flag": PLANNED_EXCLUDED,
            "detail": f"{x.flow} ({x.supplier} → {x.receiver}) is planned"
            + (f" (start {x.start_year})" if x.start_year else "")
            + ": left out of the reporting year's totals; include_planned=True "
            "(CLI --include-planned) counts it",
        }
        for x in network.exchanges
        if x.status == Status.planned and x.id not in counted
    )


def no_uncertainty(draws_requested: int) -> pd.DataFrame:
    """The ``no uncertainty data`` row (entity ``network``)."""
    detail = "no parameter has a distribution and background uncertainty is off: no interval"
    if draws_requested:
        detail += f" is reported (the {draws_requested} Monte Carlo draws asked for were not run)"
    else:
        detail += " is reported"
    return flag_table(
        [{"entity": "network", "method": "", "flag": NO_UNCERTAINTY, "detail": detail}]
    )


def outside_interval(uncertainty: pd.DataFrame) -> pd.DataFrame:
    """One row per uncertainty row whose deterministic value lies outside P5–P95."""
    hits = uncertainty[uncertainty["outside_interval"].astype(bool)]
    return flag_table(
        {
            "entity": r.entity,
            "method": r.method,
            "flag": OUTSIDE_INTERVAL,
            "detail": f"{r.quantity}: deterministic {r.deterministic:.6g} outside "
            f"P5–P95 [{r.P5:.6g}, {r.P95:.6g}]; P50 {r.P50:.6g}",
        }
        for r in hits.itertuples()
    )
