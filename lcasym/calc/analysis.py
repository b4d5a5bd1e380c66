"""Analyses beyond the totals: contributions of background activities, sensitivity tables."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

import pandas as pd

from lcasym.background.methods import method_label
from lcasym.errors import CalculationError
from lcasym.results.tables import empty_table

if TYPE_CHECKING:
    from lcasym.calc.system import LcaSystem
    from lcasym.inventory.plan import ForegroundPlan

log = logging.getLogger(__name__)


def contribution_table(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    top: int,
    cache: MutableMapping[tuple, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Background activities behind each exchange component, from the central values.

    For each baseline displaced/treatment edge and each symbiosis transport/extra edge of
    exchange k with amount ``a`` and target t: the ``top`` activities j of
    ``system.contributions(t)``; ``share`` = share of j in the unit score of t, ``score`` =
    ``a · g_j`` (that part of the component, in the method's unit). ``cache`` keeps
    ``system.contributions`` per ``(target, top)`` between calls on the same system.
    """
    if top <= 0:
        return empty_table("contributions")
    units = dict(zip(system.methods, system.method_units, strict=True))
    amounts = plan.edge_amounts()
    # custom activities under the name the network file uses, not the build's tagged name
    from lcasym.inventory import naming

    stored_custom, logical_custom = plan.custom_database, naming.custom_database(plan.network_id)
    cache = {} if cache is None else cache
    rows = []
    for edge, amount in zip(plan.edges, amounts, strict=True):
        wanted = (edge.scenario == "baseline" and edge.component in ("displaced", "treatment")) or (
            edge.scenario == "symbiosis" and edge.component in ("transport", "extra", "forgone")
        )
        if not wanted or edge.exchange_id is None:
            continue
        key = (edge.target, top)
        if key not in cache:
            cache[key] = system.contributions(edge.target, top=top)
        for rec in cache[key].to_dict("records"):
            rows.append({
                "exchange": edge.exchange_id, "component": edge.component,
                "target": edge.label, "method": method_label(rec["method"]),
                "unit": units[tuple(rec["method"])], "rank": int(rec["rank"]),
                "activity": rec["name"], "code": rec["code"],
                "database": logical_custom if rec["database"] == stored_custom
                else rec["database"],
                "score": amount * float(rec["score"]), "share": float(rec["share"]),
            })  # fmt: skip
    return pd.DataFrame(rows, columns=empty_table("contributions").columns)


def sensitivity_table(
    plan: ForegroundPlan, system: LcaSystem, method_index: int, seed: int
) -> pd.DataFrame:
    """Tornado (all parameters) and Sobol indices (top 5) of the avoided total, long form."""
    from lcasym.calc.sensitivity import global_sensitivity, tornado

    label = method_label(system.methods[method_index])
    measures = ["value", "low", "high", "result_low", "result_high", "swing", "rank"]
    frames = [_long_sens(tornado(plan, system, method_index=method_index), "tornado", label,
                         measures)]  # fmt: skip
    try:
        sobol = global_sensitivity(plan, system, method_index=method_index, seed=seed)
        frames.append(_long_sens(sobol, "sobol", label, ["S1", "S1_conf", "ST", "ST_conf"]))
    except CalculationError as exc:
        log.warning("global sensitivity skipped: %s", exc)
    return pd.concat(frames, ignore_index=True)


def _long_sens(
    frame: pd.DataFrame, analysis: str, method: str, measures: list[str]
) -> pd.DataFrame:
    # The tornado frame has a column named "value" (the central value) among the measures:
    # melt into another name first (pandas 3 refuses a value_name equal to a column).
    long = frame.melt(
        id_vars=["parameter"], value_vars=measures, var_name="measure", value_name="_amount"
    )
    long = long.rename(columns={"_amount": "value"})
    return long.assign(analysis=analysis, method=method)[
        ["analysis", "method", "parameter", "measure", "value"]
    ]
