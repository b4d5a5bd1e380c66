"""Pure helpers for the faces (app page, report section): tables ready to show.

No Streamlit and no printing here: each function takes discovery's results and returns a
``pandas.DataFrame`` whose columns are labelled for people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lcasym.discovery.choice import Choice
from lcasym.discovery.result import Opportunities, RankBy, exchange_id_of

RANKED_COLUMNS = {
    "rank": "rank",
    "supplier": "supplier",
    "receiver": "receiver",
    "synergy": "synergy type",
    "distance_km": "distance (km)",
    "potential": "potential per year",
    "unit": "unit",
    "avoided": "avoided at potential",
    "method_unit": "impact unit",
    "cost_savings": "cost savings per year",
    "currency": "currency",
    "cost_basis": "cost basis",
    "coverage": "coverage",
    "notes": "notes",
    "candidate": "candidate",
}


def ranked_table(opps: Opportunities, *, by: RankBy = "ghg", top: int | None = 50) -> pd.DataFrame:
    """The ranked list for people: best first, labelled columns, unknown costs as "not known".

    ``avoided at potential`` is in the headline climate method's unit per year (positive
    = benefit); the method is in the table's ``attrs["method"]``.
    """
    table = opps.ranked(by=by, top=top)
    out = table[list(RANKED_COLUMNS)].rename(columns=RANKED_COLUMNS)
    out["cost savings per year"] = [
        "not known" if not np.isfinite(v) else v for v in table["cost_savings"]
    ]
    out.attrs["method"] = opps.method_label(opps.headline)
    return out


def chosen_exchanges_table(choice: Choice) -> pd.DataFrame:
    """The chosen set as rows of the result contract's ``exchanges`` table (headline method).

    Columns: exchange, supplier, receiver, kind, flow, status ("planned"), method, unit,
    displaced, treatment, gross, extra, forgone, net, amount, amount_unit, coverage; ready
    for the flow diagram of :mod:`lcasym.presentation`.
    """
    opps = choice.opportunities
    table = choice.table()
    exchanges = {e.id: e for e in choice.exchanges()}
    rows = []
    for r in table.itertuples():
        ex = exchanges[exchange_id_of(r.offer, r.need)]
        rows.append(
            {
                "exchange": ex.id,
                "supplier": r.supplier,
                "receiver": r.receiver,
                "kind": ex.kind.value,
                "flow": ex.flow,
                "status": ex.status.value,
                "method": r.method,
                "unit": r.method_unit,
                "displaced": r.displaced,
                "treatment": r.treatment,
                "gross": r.displaced + r.treatment,
                "extra": r.extra,
                "forgone": r.forgone,
                "net": r.avoided,
                "amount": r.amount,
                "amount_unit": r.unit,
                "coverage": r.coverage,
            }
        )
    out = pd.DataFrame.from_records(rows)
    out.attrs["method"] = opps.method_label(opps.headline)
    return out
