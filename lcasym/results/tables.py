"""Table layouts of a result, and the tables built from component scores (pure: no Brightway).

``score_tables`` turns :class:`~lcasym.calc.evaluate.ComponentScores` (central values) into
the ``totals``, ``exchanges`` and ``facilities`` tables; ``uncertainty_table`` turns Monte
Carlo draws into P5/P50/P95 statistics. Sign convention: ``avoided = reference −
with_exchanges``, positive = benefit, never clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lcasym.background.methods import method_label
from lcasym.network.model import Exchange, SymbiosisNetwork
from lcasym.results.crediting import NETWORK, RULES, CreditShares, allocate

if TYPE_CHECKING:
    from lcasym.calc.evaluate import ComponentScores
    from lcasym.calc.statistics import DrawStatistics

#: Column layout of every table (empty tables keep these columns).
TABLE_COLUMNS: dict[str, list[str]] = {
    "totals": [
        "method", "family", "category", "indicator", "unit", "reference", "with_exchanges",
        "avoided", "relative_reduction", "coverage",
    ],
    "exchanges": [
        "exchange", "supplier", "receiver", "kind", "flow", "status", "method", "unit",
        "displaced", "treatment", "gross", "extra", "forgone", "net", "direct", "upstream",
        "supplier_credit", "receiver_credit", "extra_bearer", "coverage",
    ],
    "facilities": ["facility", "name", "method", "unit", "credit", "rule", "own_inventory"],
    "credits_by_rule": ["facility", "name", "method", "unit", "rule", "credit"],
    "contributions": [
        "exchange", "component", "target", "method", "unit", "rank", "activity", "database",
        "code", "score", "share",
    ],
    "indicators": ["indicator", "entity", "unit", "value", "exchanges", "description"],
    "sdg": [
        "id", "goal", "goal_name", "colour", "target", "un_indicator", "indicator_description",
        "basis", "indicator", "unit", "reference", "with_exchanges", "contribution", "statement",
        "status", "rationale", "source",
    ],
    "uncertainty": [
        "entity", "quantity", "method", "unit", "deterministic", "P5", "P50", "P95", "mean",
        "sd", "probability_better", "outside_interval", "draws", "seed",
    ],
    "sensitivity": ["analysis", "method", "parameter", "measure", "value"],
    "flags": ["entity", "method", "flag", "detail"],
    "samples": ["draw", "entity", "quantity", "method", "value"],
}  # fmt: skip
TABLES = tuple(TABLE_COLUMNS)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``."""
    return pd.DataFrame(columns=TABLE_COLUMNS[name])


# --- tables from component scores (pure: no Brightway) -------------------------------------


def _ordered(network: SymbiosisNetwork, scores: ComponentScores) -> list[Exchange]:
    by_id = {e.id: e for e in network.exchanges}
    return [by_id[x] for x in scores.exchange_ids]


def allocate_scores(
    network: SymbiosisNetwork,
    scores: ComponentScores,
    rule: str,
    cff_defaults: Mapping[str, float] | None = None,
) -> CreditShares:
    """Apply a crediting rule to the components of ``scores`` (all draws).

    The exchange's costs ``E + F`` (extras and forgone output) follow the displaced-product
    credit under every rule.
    """
    exchanges = _ordered(network, scores)
    facilities = [f.id for f in network.facilities]
    return allocate(
        rule,
        displaced=scores.displaced,
        treatment=scores.treatment,
        extra=scores.exchange_costs,
        suppliers=[e.supplier for e in exchanges],
        receivers=[e.receiver for e in exchanges],
        facility_ids=facilities,
        kinds=[e.kind.value for e in exchanges],
        cff_factors=[e.cff_factor for e in exchanges],
        cff_defaults=cff_defaults,
    )


class FacilityCredits:
    """``components -> CreditShares`` under one rule, for Monte Carlo statistics.

    Called on the components of a block of exchanges, it returns the credits of the
    facilities those exchanges involve only (``facility_ids`` lists them all), so credits
    accumulated block by block cost time linear in the network.
    """

    def __init__(
        self,
        network: SymbiosisNetwork,
        rule: str,
        cff_defaults: Mapping[str, float] | None = None,
    ) -> None:
        self.rule, self.cff_defaults = rule, cff_defaults
        self.facility_ids = tuple(f.id for f in network.facilities)
        self._exchanges = {e.id: e for e in network.exchanges}

    def __call__(self, scores: ComponentScores) -> CreditShares:
        """Credits of the facilities involved in ``scores``' exchanges."""
        exchanges = [self._exchanges[x] for x in scores.exchange_ids]
        suppliers, receivers = [e.supplier for e in exchanges], [e.receiver for e in exchanges]
        return allocate(
            self.rule,
            displaced=scores.displaced,
            treatment=scores.treatment,
            extra=scores.exchange_costs,
            suppliers=suppliers,
            receivers=receivers,
            facility_ids=list(dict.fromkeys(suppliers + receivers)),
            kinds=[e.kind.value for e in exchanges],
            cff_factors=[e.cff_factor for e in exchanges],
            cff_defaults=self.cff_defaults,
        )


def credit_function(
    network: SymbiosisNetwork, rule: str, cff_defaults: Mapping[str, float] | None = None
) -> FacilityCredits | None:
    """The credit function of ``rule`` for ``run_monte_carlo(credits=...)``.

    None for the ``network`` rule (it does not split, so there are no facility credits).
    """
    return None if rule == NETWORK else FacilityCredits(network, rule, cff_defaults)


def method_parts(method: Sequence[str]) -> tuple[str, str, str]:
    """``(family, category, indicator)`` of a method key (extra parts join the indicator)."""
    parts = [str(p) for p in method]
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], " | ".join(parts[2:])


def relative_reduction(network: SymbiosisNetwork, reference: float, avoided: float) -> float:
    """``avoided / reference`` when every facility's own inventory is given, else NaN.

    Without facility inventories the reference holds only the displaced products and
    treatments, so a ratio would read as a cut of the park's emissions that it is not.
    """
    if not network.facilities or any(not f.inventory for f in network.facilities):
        return math.nan
    return avoided / reference if reference else math.nan


def score_tables(
    network: SymbiosisNetwork,
    scores: ComponentScores,
    *,
    units: Sequence[str],
    rule: str,
    cff_defaults: Mapping[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """``totals``, ``exchanges``, ``facilities`` and ``credits_by_rule`` of draw 0 of ``scores``.

    ``scores`` come from ``lcasym.calc.evaluate_plan`` (central values: one draw).
    ``reference`` = the foreground without the exchanges (own inventories + displaced
    products + avoided treatments), ``with_exchanges`` = own inventories + extras +
    forgone output, ``avoided = reference − with_exchanges``.
    """
    labels = [method_label(m) for m in scores.methods]
    ref, wex, avoided = (
        scores.baseline_total[0],
        scores.symbiosis_total[0],
        scores.avoided_total[0],
    )
    parts = [method_parts(m) for m in scores.methods]
    totals = pd.DataFrame(
        {"method": labels, "family": [p[0] for p in parts], "category": [p[1] for p in parts],
         "indicator": [p[2] for p in parts], "unit": list(units), "reference": ref,
         "with_exchanges": wex, "avoided": avoided,
         "relative_reduction": [relative_reduction(network, r, a) for r, a in zip(ref, avoided,
                                                                                 strict=True)],
         "coverage": "not assessed"},
        columns=TABLE_COLUMNS["totals"],
    )  # fmt: skip
    shares = allocate_scores(network, scores, rule, cff_defaults)
    split = rule != "network"
    forgone = getattr(scores, "forgone", None)
    rows = []
    for k, ex in enumerate(_ordered(network, scores)):
        for m, label in enumerate(labels):
            d, w, e = (
                float(a[0, k, m]) for a in (scores.displaced, scores.treatment, scores.extra)
            )
            f = float(forgone[0, k, m]) if forgone is not None else 0.0
            rows.append({
                "exchange": ex.id, "supplier": ex.supplier, "receiver": ex.receiver,
                "kind": ex.kind.value, "flow": ex.flow, "status": ex.status.value,
                "method": label, "unit": units[m], "displaced": d, "treatment": w,
                "gross": d + w, "extra": e, "forgone": f, "net": d + w - e - f,
                "direct": math.nan, "upstream": math.nan,
                "supplier_credit": float(shares.supplier[0, k, m]) if split else math.nan,
                "receiver_credit": float(shares.receiver[0, k, m]) if split else math.nan,
                "extra_bearer": scores.extra_bearer[k] or "", "coverage": "not assessed",
            })  # fmt: skip
    exchanges = pd.DataFrame(rows, columns=TABLE_COLUMNS["exchanges"])
    own = {f: i for i, f in enumerate(scores.facility_ids)}
    rows = []
    for facility in network.facilities:
        i = shares.facility_ids.index(facility.id) if split else 0
        for m, label in enumerate(labels):
            o = float(scores.own[0, own[facility.id], m]) if facility.id in own else 0.0
            credit = float(shares.credits[0, i, m]) if split else math.nan
            rows.append({
                "facility": facility.id, "name": facility.name, "method": label, "unit": units[m],
                "credit": credit, "rule": rule, "own_inventory": o,
            })  # fmt: skip
    if not split:
        for m, label in enumerate(labels):
            o = float(scores.own[0, :, m].sum())
            rows.append({
                "facility": "network", "name": network.network.name, "method": label,
                "unit": units[m], "credit": float(shares.credits[0, 0, m]), "rule": rule,
                "own_inventory": o,
            })  # fmt: skip
    facilities = pd.DataFrame(rows, columns=TABLE_COLUMNS["facilities"])
    return {
        "totals": totals,
        "exchanges": exchanges,
        "facilities": facilities,
        "credits_by_rule": credits_by_rule(network, scores, units=units, cff_defaults=cff_defaults),
    }


def credits_by_rule(
    network: SymbiosisNetwork,
    scores: ComponentScores,
    *,
    units: Sequence[str],
    cff_defaults: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Each facility's credit (draw 0) under every splitting rule, side by side (long form).

    The ``network`` rule does not split, so it is not listed; under every listed rule the
    facilities' credits add up to the network's avoided total.
    """
    labels = [method_label(m) for m in scores.methods]
    names = {f.id: f.name for f in network.facilities}
    rows = []
    for rule in RULES:
        if rule == NETWORK:
            continue
        shares = allocate_scores(network, scores, rule, cff_defaults)
        for i, fid in enumerate(shares.facility_ids):
            for m, label in enumerate(labels):
                rows.append({
                    "facility": fid, "name": names.get(fid, fid), "method": label,
                    "unit": units[m], "rule": rule, "credit": float(shares.credits[0, i, m]),
                })  # fmt: skip
    return pd.DataFrame(rows, columns=TABLE_COLUMNS["credits_by_rule"])


def uncertainty_table(
    *,
    methods: Sequence[Sequence[str]],
    units: Sequence[str],
    avoided: np.ndarray,
    seed: int,
    exchange_ids: Sequence[str] = (),
    exchange_net: np.ndarray | None = None,
    credits: CreditShares | None = None,
    central: Mapping[tuple[str, str], Sequence[float]] | None = None,
    statistics: Sequence[DrawStatistics] = (),
) -> pd.DataFrame:
    """Monte Carlo statistics of the network, exchanges and facilities.

    ``avoided`` is (draws, n_methods); ``exchange_net`` (draws, n_exchanges, n_methods) and
    the facility ``credits`` are added when given, or their ``statistics`` computed
    elsewhere (``lcasym.calc.statistics.DrawStatistics``, e.g. block by block by the Monte
    Carlo). ``central`` maps ``(entity, quantity)`` to the deterministic values (one per
    method): they fill ``deterministic``, and ``outside_interval`` is True where the
    deterministic value lies outside P5–P95 (a skewed or truncated distribution: report P50
    next to it).

    ``probability_better`` = P(value > 0), the share of draws where the symbiosis is better.
    """
    from lcasym.calc.statistics import DrawStatistics

    parts = [DrawStatistics.of(["network"], "avoided", avoided[:, None, :])]
    if exchange_net is not None:
        parts.append(DrawStatistics.of(exchange_ids, "net", exchange_net))
    if credits is not None and credits.rule != NETWORK:
        parts.append(DrawStatistics.of(credits.facility_ids, "credit", credits.credits))
    parts += [s for s in statistics if s is not None]
    labels = [method_label(m) for m in methods]
    central = central or {}
    frames = [_statistics_rows(s, labels, units, central, seed) for s in parts]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_table("uncertainty")
    return pd.concat(frames, ignore_index=True)[TABLE_COLUMNS["uncertainty"]]


def _statistics_rows(
    stats: DrawStatistics,
    labels: Sequence[str],
    units: Sequence[str],
    central: Mapping[tuple[str, str], Sequence[float]],
    seed: int,
) -> pd.DataFrame:
    """Rows (entity × method) of one set of statistics, vectorised."""
    n, m = len(stats.entities), len(labels)
    if not n:
        return empty_table("uncertainty")
    det = np.full((n, m), np.nan)
    for i, entity in enumerate(stats.entities):
        values = central.get((entity, stats.quantity))
        if values is not None:
            det[i] = [float(v) for v in values]
    cols: dict[str, Any] = {
        "entity": np.repeat(np.array(stats.entities, dtype=object), m),
        "quantity": stats.quantity,
        "method": np.tile(np.array(labels, dtype=object), n),
        "unit": np.tile(np.array(units, dtype=object), n),
        "deterministic": det.ravel(),
    }
    for f in ("P5", "P50", "P95", "mean", "sd", "probability_better"):
        cols[f] = np.asarray(getattr(stats, f), dtype=float).ravel()
    with np.errstate(invalid="ignore"):
        outside = np.isfinite(det) & ~((det >= stats.P5) & (det <= stats.P95))
    cols |= {"outside_interval": outside.ravel(), "draws": stats.draws, "seed": seed}
    return pd.DataFrame(cols)
