"""Analyses beyond the totals: contributions of background activities, sensitivity tables."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lcasym.background.methods import method_label
from lcasym.errors import CalculationError
from lcasym.presentation.selection import LISTED_EXCHANGES, largest
from lcasym.results.tables import empty_table

if TYPE_CHECKING:
    from lcasym.calc.progress import Progress
    from lcasym.calc.system import LcaSystem
    from lcasym.inventory.plan import ForegroundPlan

log = logging.getLogger(__name__)


#: Contributions cover every exchange by default up to this many exchanges.
CONTRIBUTIONS_AUTO_EXCHANGES = 200
#: Activities listed per exchange component when ``contributions_top`` is not given.
DEFAULT_CONTRIBUTIONS_TOP = 5
_WANTED = {("baseline", "displaced"), ("baseline", "treatment"), ("symbiosis", "transport"),
           ("symbiosis", "extra"), ("symbiosis", "forgone")}  # fmt: skip


def contributions_for(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    top: int | None,
    net: Mapping[str, float],
    headline: str = "",
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contribution table and its flags; ``top=None`` chooses by network size.

    ``top=N``: N activities per component of every exchange. ``None``:
    ``DEFAULT_CONTRIBUTIONS_TOP`` activities, for every exchange of a network of up to
    ``CONTRIBUTIONS_AUTO_EXCHANGES`` exchanges; above, for the ``LISTED_EXCHANGES`` with
    the largest ``|net|``, as the PDF lists them (:mod:`lcasym.presentation.selection`;
    ``net``: exchange id → net avoided under the ``headline`` method), with a flag naming
    how many exchanges have no contributions and how to ask for all.
    """
    flags = empty_table("flags")
    if top is not None:
        return contribution_table(plan, system, top=top, progress=progress), flags
    ids = list(dict.fromkeys(e.exchange_id for e in plan.edges if e.exchange_id))
    if len(ids) <= CONTRIBUTIONS_AUTO_EXCHANGES:
        table = contribution_table(plan, system, top=DEFAULT_CONTRIBUTIONS_TOP,
                                   progress=progress)  # fmt: skip
        return table, flags
    n = len(ids)
    chosen, _ = largest(ids, lambda i: net.get(i, np.nan), LISTED_EXCHANGES)
    flag = "contributions for the largest exchanges"
    detail = (
        f"{n:,} exchanges (over {CONTRIBUTIONS_AUTO_EXCHANGES}): contributions computed for the "
        f"{len(chosen):,} with the largest |net|"
        + (f" under {headline}" if headline else "")
        + f" (the exchanges the PDF lists); {n - len(chosen):,} have none; ask for every "
        "exchange with contributions_top=N (CLI: --contributions-top N)"
    )
    flags = pd.DataFrame(
        [{"entity": "network", "method": "", "flag": flag, "detail": detail}],
        columns=flags.columns,
    )
    table = contribution_table(plan, system, top=DEFAULT_CONTRIBUTIONS_TOP, progress=progress,
                               exchanges=chosen)  # fmt: skip
    return table, flags


def contribution_table(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    top: int,
    progress: Progress | None = None,
    exchanges: Collection[str] | None = None,
) -> pd.DataFrame:
    """Background activities behind each exchange component, from the central values.

    For each baseline displaced/treatment edge and each symbiosis transport/extra/forgone
    edge of exchange k with amount ``a`` and target t: the ``top`` activities j of one unit
    of t (``LcaSystem.top_contributions``: one forward solve per distinct target, cached);
    ``share`` = share of j in the unit score of t, ``score`` = ``a · g_j`` (that part of the
    component, in the method's unit). Activities that contribute nothing are left out.
    ``exchanges``: only these exchange ids (default every exchange).
    """
    columns = empty_table("contributions").columns
    keep = None if exchanges is None else set(exchanges)
    edges = [
        (e, a)
        for e, a in zip(plan.edges, plan.edge_amounts(), strict=True)
        if (e.scenario, e.component) in _WANTED
        and e.exchange_id is not None
        and (keep is None or e.exchange_id in keep)
    ]
    if top <= 0 or not edges:
        return empty_table("contributions")
    targets = list(dict.fromkeys((e.target[0], e.target[1]) for e, _ in edges))
    found = system.top_contributions(targets, top=top, progress=progress)
    position = {t: i for i, t in enumerate(targets)}
    activity = np.stack([found[t].activity for t in targets])  # (T, top, M)
    score = np.stack([found[t].score for t in targets])
    total = np.stack([found[t].total for t in targets])  # (T, M)
    which = np.array([position[(e.target[0], e.target[1])] for e, _ in edges])
    amount = np.array([a for _, a in edges], dtype=float)
    # grid (edge, method, rank), the order of the rows
    act = activity[which].transpose(0, 2, 1)
    unit_score = score[which].transpose(0, 2, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total[which][:, :, None] != 0, unit_score / total[which][:, :, None],
                         np.nan)  # fmt: skip
    edge_i, method_i, rank_i = np.nonzero(act >= 0)
    if not len(edge_i):
        return empty_table("contributions")
    keys = system.activity_keys()
    # names looked up once per distinct activity, then spread over the rows
    distinct, where = np.unique(act[edge_i, method_i, rank_i], return_inverse=True)
    named = [keys[j] for j in distinct]
    names = np.array([system.names.get(k, "") for k in named], dtype=object)[where]
    databases = np.array([k[0] for k in named], dtype=object)[where]
    codes = np.array([k[1] for k in named], dtype=object)[where]
    labels = np.array([method_label(m) for m in system.methods], dtype=object)
    units = np.array(system.method_units, dtype=object)

    def per_edge(values: list) -> np.ndarray:
        return np.array(values, dtype=object)[edge_i]

    frame = pd.DataFrame({
        "exchange": per_edge([e.exchange_id for e, _ in edges]),
        "component": per_edge([e.component for e, _ in edges]),
        "target": per_edge([e.label for e, _ in edges]),
        "method": labels[method_i], "unit": units[method_i], "rank": rank_i + 1,
        "activity": names, "database": databases, "code": codes,
        "score": amount[edge_i] * unit_score[edge_i, method_i, rank_i],
        "share": share[edge_i, method_i, rank_i],
    })  # fmt: skip
    return frame[list(columns)]


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
