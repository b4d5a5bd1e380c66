"""Table layouts of a result, and the tables built from component scores (pure: no Brightway).

``score_tables`` turns :class:`~lcasym.calc.evaluate.ComponentScores` (central values) into
the ``totals``, ``exchanges`` and ``facilities`` tables; ``uncertainty_table`` turns Monte
Carlo draws into P5/P50/P95 statistics. Sign convention: ``avoided = baseline − symbiosis``,
positive = benefit, never clipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lcasym.background.methods import method_label
from lcasym.network.model import Exchange, SymbiosisNetwork
from lcasym.results.crediting import CreditShares, allocate

if TYPE_CHECKING:
    from lcasym.calc.evaluate import ComponentScores

#: Column layout of every table (empty tables keep these columns).
TABLE_COLUMNS: dict[str, list[str]] = {
    "totals": ["method", "unit", "baseline", "symbiosis", "avoided"],
    "exchanges": [
        "exchange", "supplier", "receiver", "kind", "flow", "method", "unit", "displaced",
        "treatment", "gross", "extra", "net", "supplier_credit", "receiver_credit",
        "extra_bearer",
    ],
    "facilities": [
        "facility", "name", "method", "unit", "credit", "rule", "own_baseline", "own_symbiosis",
    ],
    "contributions": [
        "exchange", "component", "target", "method", "unit", "rank", "activity", "database",
        "code", "score", "share",
    ],
    "indicators": ["indicator", "entity", "unit", "value", "exchanges", "description"],
    "sdg": [
        "id", "goal", "goal_name", "colour", "target", "un_indicator", "indicator_description",
        "basis", "indicator", "unit", "baseline", "symbiosis", "contribution", "statement",
        "status", "rationale", "source",
    ],
    "uncertainty": [
        "entity", "quantity", "method", "unit", "P5", "P50", "P95", "mean", "sd",
        "probability_better", "draws", "seed",
    ],
    "sensitivity": ["analysis", "method", "parameter", "measure", "value"],
}  # fmt: skip
TABLES = tuple(TABLE_COLUMNS)
LONG_COLUMNS = ["section", "entity", "method", "unit", "quantity", "value", "detail"]
FORMATS = ("json", "csv", "xlsx")


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``."""
    return pd.DataFrame(columns=TABLE_COLUMNS[name])


# --- tables from component scores (pure: no Brightway) -------------------------------------


def _ordered(network: SymbiosisNetwork, scores: ComponentScores) -> list[Exchange]:
    return [network.exchange(x) for x in scores.exchange_ids]


def allocate_scores(
    network: SymbiosisNetwork,
    scores: ComponentScores,
    rule: str,
    cff_defaults: Mapping[str, float] | None = None,
) -> CreditShares:
    """Apply a crediting rule to the components of ``scores`` (all draws)."""
    exchanges = _ordered(network, scores)
    facilities = [f.id for f in network.facilities]
    return allocate(
        rule,
        displaced=scores.displaced,
        treatment=scores.treatment,
        extra=scores.extra,
        suppliers=[e.supplier for e in exchanges],
        receivers=[e.receiver for e in exchanges],
        facility_ids=facilities,
        kinds=[e.kind.value for e in exchanges],
        cff_factors=[e.cff_factor for e in exchanges],
        cff_defaults=cff_defaults,
    )


def score_tables(
    network: SymbiosisNetwork,
    scores: ComponentScores,
    *,
    units: Sequence[str],
    rule: str,
    cff_defaults: Mapping[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """``totals``, ``exchanges`` and ``facilities`` of the first draw of ``scores``.

    ``scores`` come from ``lcasym.calc.evaluate_plan`` (central values: one draw).
    """
    labels = [method_label(m) for m in scores.methods]
    base, sym, avoided = (
        scores.baseline_total[0],
        scores.symbiosis_total[0],
        scores.avoided_total[0],
    )
    totals = pd.DataFrame(
        {"method": labels, "unit": list(units), "baseline": base, "symbiosis": sym,
         "avoided": avoided}
    )  # fmt: skip
    shares = allocate_scores(network, scores, rule, cff_defaults)
    split = rule != "network"
    rows = []
    for k, ex in enumerate(_ordered(network, scores)):
        for m, label in enumerate(labels):
            d, w, e = (
                float(a[0, k, m]) for a in (scores.displaced, scores.treatment, scores.extra)
            )
            rows.append({
                "exchange": ex.id, "supplier": ex.supplier, "receiver": ex.receiver,
                "kind": ex.kind.value, "flow": ex.flow, "method": label, "unit": units[m],
                "displaced": d, "treatment": w, "gross": d + w, "extra": e, "net": d + w - e,
                "supplier_credit": float(shares.supplier[0, k, m]) if split else math.nan,
                "receiver_credit": float(shares.receiver[0, k, m]) if split else math.nan,
                "extra_bearer": scores.extra_bearer[k] or "",
            })  # fmt: skip
    exchanges = pd.DataFrame(rows, columns=TABLE_COLUMNS["exchanges"])
    own = {f: i for i, f in enumerate(scores.facility_ids)}
    rows = []
    for f in network.facilities:
        i = shares.facility_ids.index(f.id) if split else None
        for m, label in enumerate(labels):
            o = float(scores.own[0, own[f.id], m]) if f.id in own else 0.0
            credit = float(shares.credits[0, i, m]) if split else math.nan
            rows.append({
                "facility": f.id, "name": f.name, "method": label, "unit": units[m],
                "credit": credit, "rule": rule, "own_baseline": o, "own_symbiosis": o,
            })  # fmt: skip
    if not split:
        for m, label in enumerate(labels):
            o = float(scores.own[0, :, m].sum())
            rows.append({
                "facility": "network", "name": network.network.name, "method": label,
                "unit": units[m], "credit": float(shares.credits[0, 0, m]), "rule": rule,
                "own_baseline": o, "own_symbiosis": o,
            })  # fmt: skip
    facilities = pd.DataFrame(rows, columns=TABLE_COLUMNS["facilities"])
    return {"totals": totals, "exchanges": exchanges, "facilities": facilities}


def _stats(values: np.ndarray) -> dict[str, float]:
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    sd = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    better = float((values > 0).mean())
    return {"P5": p5, "P50": p50, "P95": p95, "mean": float(values.mean()), "sd": sd,
            "probability_better": better}  # fmt: skip


def uncertainty_table(
    *,
    methods: Sequence[Sequence[str]],
    units: Sequence[str],
    avoided: np.ndarray,
    seed: int,
    exchange_ids: Sequence[str] = (),
    exchange_net: np.ndarray | None = None,
    credits: CreditShares | None = None,
) -> pd.DataFrame:
    """Monte Carlo statistics of the network, exchanges and facilities.

    ``avoided`` is (draws, n_methods); ``exchange_net`` (draws, n_exchanges, n_methods) and
    the facility ``credits`` are added when given.

    ``probability_better`` = P(value > 0), the share of draws where the symbiosis is better.
    """
    labels = [method_label(m) for m in methods]
    draws = avoided.shape[0]
    series: list[tuple[str, str, np.ndarray]] = [("network", "avoided", avoided)]
    if exchange_net is not None:
        series += [(x, "net", exchange_net[:, k]) for k, x in enumerate(exchange_ids)]
    if credits is not None and credits.rule != "network":
        series += [(f, "credit", credits.credits[:, i]) for i, f in enumerate(credits.facility_ids)]
    rows = [
        {"entity": entity, "quantity": quantity, "method": label, "unit": units[m],
         **_stats(values[:, m]), "draws": draws, "seed": seed}
        for entity, quantity, values in series
        for m, label in enumerate(labels)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=TABLE_COLUMNS["uncertainty"])
