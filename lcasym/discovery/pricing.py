"""Price the templates with lcasym's engine: unit components on every category.

The templates (:mod:`lcasym.discovery.templates`) become the exchanges of one lcasym
network (amount 1, δ = 1, distance 1 km), planned with :func:`lcasym.inventory.plan.
plan_foreground` and evaluated on the factorised background with
:func:`lcasym.calc.evaluate.evaluate_plan`, exactly like any network's exchanges. Their
components per unit are

    D₁ (displaced), W₁ (avoided treatment), X₁ = E − T (extra inputs), T₁ (transport per
    km), F₁ (forgone output)              each (n_templates, n_methods)

and a candidate's net per offer unit is ``δ·D₁ + W₁ − X₁ − d·T₁ − F₁``. Coverage flags come
from :func:`lcasym.results.coverage.assess_coverage` on the same plan, as for any exchange.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lcasym.discovery.model import OperationsInventory
from lcasym.discovery.templates import Template
from lcasym.network.model import (
    Facility,
    NetworkInfo,
    Status,
    SymbiosisNetwork,
)

if TYPE_CHECKING:
    from lcasym.background.resolve import BackgroundIndex
    from lcasym.calc.evaluate import ScoreSource

NOT_ASSESSED = "not assessed"


@dataclass(frozen=True)
class UnitComponents:
    """Components of one unit of each template (n_templates, n_methods)."""

    displaced: np.ndarray
    treatment: np.ndarray
    extra: np.ndarray
    transport_per_km: np.ndarray
    forgone: np.ndarray
    coverage: tuple[tuple[str, ...], ...]  # per template, per method
    #: per template: (method label or "" for every method, flag text), e.g. a placeholder
    flags: tuple[tuple[tuple[str, str], ...], ...] = ()

    def net_per_unit(self, t: np.ndarray, delivers: np.ndarray, km: np.ndarray) -> np.ndarray:
        """``δ·D₁ + W₁ − X₁ − d·T₁ − F₁`` for candidates of templates ``t`` (n, n_methods)."""
        return (
            delivers[:, None] * self.displaced[t]
            + self.treatment[t]
            - self.extra[t]
            - km[:, None] * self.transport_per_km[t]
            - self.forgone[t]
        )


def _facility_id(location: str | None) -> str:
    return f"supplier-{(location or 'none').lower()}"


def template_network(inv: OperationsInventory, templates: Sequence[Template]) -> SymbiosisNetwork:
    """One network holding every template as an exchange (amount 1, δ = 1, 1 km)."""
    park = inv.park
    locations = sorted({t.key.supplier_location or "" for t in templates})
    facilities = [
        Facility(id=_facility_id(loc or None), name=f"supplier in {loc or '-'}",
                 sector="template", location=loc or None)
        for loc in locations
    ]  # fmt: skip
    facilities.append(Facility(id="receiver", name="receiver", sector="template"))
    exchanges = [
        t.exchange(
            exchange_id=f"t{i}",
            supplier=_facility_id(t.key.supplier_location),
            receiver="receiver",
            amount=1.0,
            delivers=1.0,
            distance_km=1.0,
            flow=t.synergy.supply,
            status=Status.operating,
        )
        for i, t in enumerate(templates)
    ]
    return SymbiosisNetwork(
        network=NetworkInfo(
            id=f"{park.id}-templates"[:64],
            name=f"{park.name}: discovery templates",
            country=park.country,
            reporting_year=park.year,
            currency=park.currency,
            background=park.background,
        ),
        facilities=facilities,
        exchanges=exchanges,
    )


def price_templates(
    inv: OperationsInventory,
    templates: Sequence[Template],
    system: ScoreSource,
    index: BackgroundIndex,
) -> UnitComponents:
    """Unit components of every template, evaluated by lcasym's engine on ``system``."""
    from lcasym.background.methods import method_label
    from lcasym.background.resolve import network_index
    from lcasym.calc.evaluate import evaluate_plan
    from lcasym.inventory.plan import plan_foreground

    n_m = len(system.methods)
    if not templates:
        empty = np.zeros((0, n_m))
        return UnitComponents(empty, empty, empty, empty, empty, ())
    network = template_network(inv, templates)
    plan = plan_foreground(network, network_index(network, index))
    comps = evaluate_plan(plan, system)
    order = [comps.exchange_ids.index(f"t{i}") for i in range(len(templates))]
    coverage, flags = _coverage(plan, system, network)
    labels = [method_label(m) for m in system.methods]
    cov = tuple(tuple(coverage(f"t{i}", label) for label in labels) for i in range(len(templates)))
    return UnitComponents(
        displaced=comps.displaced[0, order],
        treatment=comps.treatment[0, order],
        extra=(comps.extra - comps.transport)[0, order],
        transport_per_km=comps.transport[0, order],
        forgone=comps.forgone[0, order],
        coverage=cov,
        flags=tuple(flags.get(f"t{i}", ()) for i in range(len(templates))),
    )


def _coverage(plan: Any, system: Any, network: SymbiosisNetwork):
    """``coverage(exchange, method_label)`` and the flags of each exchange.

    From lcasym's coverage assessment; it runs inside the system's Brightway project.
    """
    from lcasym.calc.system import LcaSystem

    if not isinstance(system, LcaSystem):  # hand-made unit scores: nothing to assess
        return (lambda _exchange, _label: NOT_ASSESSED), {}
    from lcasym.results.coverage import assess_coverage

    assessed = assess_coverage(plan, system, network)
    flags: dict[str, tuple[tuple[str, str], ...]] = {}
    for row in assessed.flags.itertuples():
        entry = (str(row.method or ""), f"{row.flag}: {row.detail}")
        flags[str(row.entity)] = (*flags.get(str(row.entity), ()), entry)
    return assessed.of_exchange, flags
