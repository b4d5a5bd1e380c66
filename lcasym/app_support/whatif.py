"""What-if controls for one exchange and their totals from the engine session.

A what-if is a list of edits (:mod:`lcasym.calc.edits`) evaluated on the session's
factorised system (``EngineSession.evaluate``): no Brightway read or write per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from lcasym.network.model import Status, SymbiosisNetwork
from lcasym.presentation.formatting import display_scale
from lcasym.units import conversion_factor


@dataclass(frozen=True)
class Controls:
    """The current values of an exchange's what-if fields (None: the exchange has none)."""

    exchange: str
    unit: str
    amount: float
    ratio: float | None
    distance: float | None  # total km over the transport legs
    active: bool


def exchange_controls(network: SymbiosisNetwork, exchange: str) -> Controls:
    """The editable values of ``exchange`` as the network file gives them."""
    x = next(e for e in network.exchanges if e.id == exchange)
    distance = (
        sum(conversion_factor(t.distance_unit, "km") * t.distance for t in x.transport)
        if x.transport
        else None
    )
    return Controls(
        exchange=x.id,
        unit=str(x.unit),
        amount=float(x.amount),
        ratio=float(x.displaces.ratio) if x.displaces is not None else None,
        distance=distance,
        active=x.status != Status.planned,
    )


def edits_for(base: Controls, *, amount: float, ratio: float | None, distance: float | None,
              active: bool) -> list[dict[str, Any]]:  # fmt: skip
    """The edits that turn ``base`` into the chosen values (unchanged fields are left out)."""
    edits: list[dict[str, Any]] = []
    x = base.exchange
    if amount != base.amount:
        edits.append({"exchange": x, "field": "amount", "value": float(amount)})
    if ratio is not None and base.ratio is not None and ratio != base.ratio:
        edits.append({"exchange": x, "field": "ratio", "value": float(ratio)})
    if distance is not None and base.distance is not None and distance != base.distance:
        edits.append({"exchange": x, "field": "distance", "value": float(distance)})
    if active != base.active:
        edits.append({"exchange": x, "field": "active", "value": bool(active)})
    return edits


def whatif_avoided(session: Any, edits: list[dict[str, Any]], method: str) -> float:
    """Avoided total of ``method`` (display unit, e.g. t CO2-eq/yr) after ``edits``.

    ``Σ_k (D_k + W_k − E_k − F_k)`` over the counted exchanges, one evaluation of the
    session's factorised system; an exchange an edit makes active is counted.
    """
    scores = session.evaluate(edits)  # an "active" edit counts a planned exchange
    i = list(session.labels).index(method)
    scale, _ = display_scale(str(session.units[i]))
    return float(scores.avoided_total[0, i]) * scale


def whatif_credits(
    session: Any,
    edits: list[dict[str, Any]],
    method: str,
    *,
    run_rule: str,
    rule: str,
    names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, str]:
    """Each firm's credit at the run and after ``edits`` under the crediting ``rule``.

    Two variants on the session's factorised system (no Brightway write): the run (no
    edits, ``run_rule``) and the what-if (``edits``, ``rule``). A firm's credit is its share
    ``s_k`` or ``r_k`` of each exchange's ``net_k`` summed over its exchanges
    (:mod:`lcasym.results.crediting`); under every rule the credits add up to
    ``Σ_k net_k``. Returns (table firm, "at the run", "what-if"; display unit) and the unit.
    """
    table = session.variants(
        {
            "run": {"edits": [], "crediting": run_rule},
            "what-if": {"edits": edits, "crediting": rule},
        },
        by="facility",
    )
    table = table[table["method"] == method]
    scale, unit = display_scale(str(session.units[list(session.labels).index(method)]))
    wide = table.pivot_table(index="facility", columns="variant", values="credit", aggfunc="sum")
    wide = wide.reindex(columns=["run", "what-if"]) * scale
    names = names or {}
    frame = pd.DataFrame(
        {
            "firm": [
                names.get(f, "whole network (not split)" if f == "network" else f)
                for f in wide.index
            ],
            "at the run": wide["run"].to_numpy(),
            "what-if": wide["what-if"].to_numpy(),
        }
    )
    return frame.sort_values("what-if", ascending=False, na_position="last"), unit
