"""Assemble a :class:`SymbiosisResult` from component scores (pure: no Brightway).

Everything after the engine's array work: score tables, crediting, indicators, SDGs,
Monte Carlo statistics and provenance. Testable with hand-made unit scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lcasym.background.methods import method_label
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.coverage import Coverage
from lcasym.results.flags import concat_flags, outside_interval
from lcasym.results.indicators import compute_indicators
from lcasym.results.result import SymbiosisResult
from lcasym.results.samples import samples_table
from lcasym.results.sdg import sdg_table
from lcasym.results.tables import (
    TABLE_COLUMNS,
    allocate_scores,
    empty_table,
    score_tables,
    uncertainty_table,
)

if TYPE_CHECKING:
    from lcasym.calc.evaluate import ComponentScores
    from lcasym.inventory.plan import ForegroundPlan

#: Seed used when none is given (recorded in the provenance and printed in reports):
#: 1961, the year the Kalundborg Symbiosis is dated from (methodology.md §1).
DEFAULT_SEED = 1961


def displaced_activities(plan: ForegroundPlan) -> dict[str, Any]:
    """The background activity (ActivityInfo) each exchange displaces (for indicators)."""
    out = {}
    for e in plan.edges:
        if e.component == "displaced" and e.exchange_id and e.target in plan.targets:
            out[e.exchange_id] = plan.targets[e.target]
    return out


def displaced_text(plan: ForegroundPlan) -> dict[str, str]:
    """Name and reference product of each exchange's displaced activity (for indicators)."""
    out = {}
    for e in plan.edges:
        if e.component == "displaced" and e.exchange_id and e.target in plan.targets:
            info = plan.targets[e.target]
            out[e.exchange_id] = " | ".join(
                p for p in (info.name, info.reference_product, info.code) if p
            )
    return out


def assemble_result(
    network: SymbiosisNetwork,
    plan: ForegroundPlan | None,
    scores: ComponentScores,
    *,
    units: Sequence[str],
    crediting: str = "receiver",
    cff_defaults: Mapping[str, float] | None = None,
    contributions: pd.DataFrame | None = None,
    mc: Any = None,
    sensitivity: pd.DataFrame | None = None,
    seed: int = DEFAULT_SEED,
    mapping: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
    flags: pd.DataFrame | None = None,
    coverage: Coverage | None = None,
    keep_draws: bool = False,
    direct: np.ndarray | None = None,
    indicators_network: SymbiosisNetwork | None = None,
) -> SymbiosisResult:
    """Build the result from component scores (pure: no Brightway).

    ``mc`` is a ``lcasym.calc.montecarlo.MonteCarloResult`` (or None): its per-draw
    avoided totals and its exchange and credit statistics (or, when it has none, its
    exchange nets and, with ``keep="components"``, the facility credits under
    ``crediting``) feed the ``uncertainty`` table; its notes become flags, and an
    ``outside interval`` flag is added where the deterministic value lies outside P5–P95.
    With ``keep_draws`` the kept components become the ``samples`` table.

    ``direct`` (n_exchanges, n_methods, in ``scores.exchange_ids`` order) is the part of
    each exchange's gross credit ``D + W`` that occurs at the partners' own sites
    (:mod:`lcasym.calc.direct`); it fills ``direct`` and ``upstream = gross − direct``
    (NaN when None). ``indicators_network`` is the network whose operating exchanges the
    indicators count (default ``network``).
    """
    tables = score_tables(network, scores, units=units, rule=crediting, cff_defaults=cff_defaults)
    if direct is not None:
        apply_direct(tables["exchanges"], direct)
    if coverage is not None:
        apply_coverage(tables, coverage)
    indicators = compute_indicators(
        indicators_network or network, displaced=displaced_activities(plan) if plan else None
    )
    value_added = {f.id: f.value_added for f in network.facilities}
    sdg = sdg_table(tables["totals"], indicators, value_added=value_added,
                    currency=network.network.currency, mapping=mapping)  # fmt: skip
    uncertainty, samples = empty_table("uncertainty"), empty_table("samples")
    if mc is not None:
        comps = getattr(mc, "components", None)
        labels = [method_label(m) for m in scores.methods]
        credits = allocate_scores(network, comps, crediting, cff_defaults) if comps else None
        stats = [getattr(mc, "exchange_statistics", None), getattr(mc, "credit_statistics", None)]
        precomputed = [s for s in stats if s is not None]
        uncertainty = uncertainty_table(
            methods=scores.methods, units=units, avoided=mc.avoided, seed=mc.seed,
            exchange_ids=mc.exchange_ids,
            exchange_net=None if stats[0] is not None else mc.exchange_net,
            credits=None if stats[1] is not None else credits,
            central=central_values(tables), statistics=precomputed,
        )  # fmt: skip
        notes = pd.DataFrame(
            [{"entity": "network", "method": "", "flag": "uncertainty not computed",
              "detail": note} for note in getattr(mc, "notes", ())],
            columns=TABLE_COLUMNS["flags"],
        )  # fmt: skip
        flags = concat_flags(flags, notes, outside_interval(uncertainty))
        if keep_draws:
            if comps is None:
                raise ValueError("keep_draws needs a Monte Carlo run that kept its components")
            samples = samples_table(comps, credits, labels)
    if coverage is not None:
        flags = concat_flags(flags, coverage.flags)
    totals = tables["totals"]
    zero = totals[(totals["reference"] == 0) & (totals["with_exchanges"] == 0)]["method"]
    prov = {"crediting_rule": crediting, "seed": seed, "draws": 0 if mc is None else mc.draws,
            "methods_all_zero": list(zero)}  # fmt: skip
    prov.update(coverage.provenance() if coverage is not None else {})
    prov.update(provenance or {})
    return SymbiosisResult(
        **tables,
        flags=flags if flags is not None else empty_table("flags"),
        contributions=contributions if contributions is not None else empty_table("contributions"),
        indicators=indicators,
        sdg=sdg,
        uncertainty=uncertainty,
        sensitivity=sensitivity if sensitivity is not None else empty_table("sensitivity"),
        samples=samples,
        provenance=prov,
    )


def central_values(tables: Mapping[str, pd.DataFrame]) -> dict[tuple[str, str], list[float]]:
    """Deterministic values per ``(entity, quantity)``, one per method in table order."""
    out: dict[tuple[str, str], list[float]] = {}
    out[("network", "avoided")] = [float(v) for v in tables["totals"]["avoided"]]
    for xid, grp in tables["exchanges"].groupby("exchange", sort=False):
        out[(str(xid), "net")] = [float(v) for v in grp["net"]]
    for fid, grp in tables["facilities"].groupby("facility", sort=False):
        out[(str(fid), "credit")] = [float(v) for v in grp["credit"]]
    return out


def apply_direct(exchanges: pd.DataFrame, direct: np.ndarray) -> None:
    """Fill ``direct`` and ``upstream = gross − direct`` of the exchanges table (in place).

    The table has one row per exchange × method, exchanges in the order of ``direct``'s
    first axis and methods in the order of its second.
    """
    values = np.asarray(direct, dtype=float).reshape(-1)
    if len(values) != len(exchanges):
        raise ValueError(f"direct has {len(values)} values for {len(exchanges)} exchange rows")
    exchanges["direct"] = values
    exchanges["upstream"] = exchanges["gross"].to_numpy(dtype=float) - values


def apply_coverage(tables: dict[str, pd.DataFrame], coverage: Coverage) -> None:
    """Fill the ``coverage`` columns of the totals and exchanges tables (in place)."""
    totals, exchanges = tables["totals"], tables["exchanges"]
    totals["coverage"] = [coverage.of_method(m) for m in totals["method"]]
    exchanges["coverage"] = [
        coverage.of_exchange(x, m)
        for x, m in zip(exchanges["exchange"], exchanges["method"], strict=True)
    ]
