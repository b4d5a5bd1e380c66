"""The report's discovery section: candidate exchanges found in an operations inventory.

Discovery (:mod:`lcasym.discovery`) prices candidate exchanges with template inventories;
these are screening estimates, kept apart from the reported avoided emissions (WBCSD 2023:
potential future avoided emissions are never added to the claimed ones). The section lists
the ``top`` candidates by avoided headline burden at their potential quantity, says which
of them are between partners that already exchange in the network, and, when an optimal set
was chosen, which candidates it contains.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from lcasym.presentation.formatting import display_scale, method_name

#: Candidates listed in the report by default.
DEFAULT_TOP = 15


def _float(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def opportunity_section(
    opportunities: Any,
    network: Any,
    *,
    chosen: Collection[str] = (),
    top: int = DEFAULT_TOP,
) -> dict[str, Any]:
    """The discovery section as plain data.

    Parameters
    ----------
    opportunities
        A :class:`lcasym.discovery.Opportunities` (``ranked()`` gives its table).
    network
        The reported :class:`~lcasym.network.model.SymbiosisNetwork`: a candidate whose
        supplier and receiver already exchange in it (same ids, any flow) is marked with
        the ids of those exchanges.
    chosen
        Candidate ids of an optimal set (``Choice``), marked "chosen".
    top
        Rows listed (the rest are counted).

    Returns
    -------
    dict
        ``method``, ``unit``, ``count`` (all candidates), ``rows`` (``rank``, ``candidate``,
        ``synergy``, ``supplier``, ``receiver``, ``flow``, ``potential``, ``potential_unit``,
        ``distance_km``, ``avoided`` in the display unit per year, ``coverage``, ``notes``,
        ``in_network`` (ids of the partners' exchanges in the network, or ""), ``chosen``),
        ``in_network`` (how many of all candidates are between partners that already
        exchange), ``source`` (the inventory file).
    """
    ranked = opportunities.ranked()
    method = opportunities.method_label(opportunities.headline)
    scale, unit = display_scale(str(opportunities.method_units[opportunities.headline]))
    names = {f.id: f.name for f in opportunities.inventory.facilities}
    pairs: dict[tuple[str, str], list[str]] = {}
    for x in network.exchanges:
        pairs.setdefault((x.supplier, x.receiver), []).append(x.id)
    chosen_ids = set(chosen)
    rows: list[dict[str, Any]] = []
    held = 0
    for r in ranked.to_dict("records"):
        existing = ", ".join(pairs.get((str(r["supplier"]), str(r["receiver"])), ()))
        held += bool(existing)
        if len(rows) >= top:
            continue
        rows.append({
            "rank": int(r["rank"]),
            "candidate": str(r["candidate"]),
            "synergy": str(r["synergy"]),
            "supplier": names.get(str(r["supplier"]), str(r["supplier"])),
            "receiver": names.get(str(r["receiver"]), str(r["receiver"])),
            "flow": f"{r['supply_flow']} → {r['demand_flow']}",
            "potential": _float(r["potential"]),
            "potential_unit": str(r["unit"]),
            "distance_km": _float(r["distance_km"]),
            "avoided": _float(r["avoided"]) * scale,
            "coverage": str(r.get("coverage") or ""),
            "notes": str(r.get("notes") or ""),
            "in_network": existing,
            "chosen": str(r["candidate"]) in chosen_ids,
        })  # fmt: skip
    return {
        "method": method,
        "method_name": method_name(method),
        "unit": unit,
        "count": len(ranked),
        "rows": rows,
        "in_network": held,
        "chosen": len(chosen_ids),
        "source": str(getattr(opportunities, "source", "") or ""),
    }
