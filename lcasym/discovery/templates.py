"""Candidate exchanges as lcasym exchanges, and the unit templates that price them.

A candidate (offer o of supplier S -> need n of receiver R, synergy s) is the lcasym
exchange (:class:`~lcasym.network.model.Exchange`) built by :func:`exchange_for`:

- ``amount`` x [offer unit];
- ``displaces``: the need's ``currently`` (else the synergy's activity) with ratio
  ``δ · κ`` [activity unit / offer unit], δ need units per offer unit and κ activity
  units per need unit (the synergy's ``per_need_unit``, else the unit conversion);
- ``avoided_treatment``: the offer's ``currently`` (else the synergy's treatment);
- ``transport``: the synergy's t·km activity over the distance d, ``mass_per_unit`` t per
  offer unit (none for piped heat, or when d = 0);
- ``forgone_output``: the offer's own, or for a cogeneration offer the synergy's default.

Its net value on every category is linear in x, δ and d (:mod:`lcasym.inventory.plan`):

    net = x · (δ·D₁ + W₁ − X₁ − d·T₁ − F₁)

where D₁, W₁, X₁ (extra inputs), T₁ (transport per km) and F₁ (forgone output) are the
components of the same exchange with x = δ = d = 1. Candidates that share a synergy, the
offer's unit, treatment, forgone output and supplier location, and the need's unit and
displaced activity share one such **template**, priced once (:mod:`lcasym.discovery.pricing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lcasym.discovery.knowledge import KnowledgeBase, SynergyType
from lcasym.discovery.matching import ratio_factor
from lcasym.discovery.model import Need, Offer, OperationsInventory
from lcasym.errors import InputError, Problem
from lcasym.inventory.forgone import forgone_defaults
from lcasym.network.model import (
    ActivityRef,
    Displacement,
    Exchange,
    ExchangeKind,
    ForgoneOutput,
    Status,
    Transport,
    Treatment,
)
from lcasym.units import UnitError, conversion_factor, parse_unit

if TYPE_CHECKING:
    from lcasym.background.resolve import BackgroundIndex


@dataclass(frozen=True)
class TemplateKey:
    """What makes two candidates price alike (see the module docstring)."""

    synergy: str
    offer_unit: str
    treatment: ActivityRef | None
    treatment_ratio: float
    forgone: ForgoneOutput | None
    supplier_location: str | None
    need_unit: str
    displaced: ActivityRef
    displaced_from_need: bool


@dataclass(frozen=True)
class Template:
    """A template with its resolved conversion: κ and the displaced activity's unit."""

    key: TemplateKey
    synergy: SynergyType
    kappa: float
    activity_unit: str
    mass_per_unit: float | None
    notes: tuple[str, ...] = ()

    def exchange(
        self,
        *,
        exchange_id: str,
        supplier: str,
        receiver: str,
        amount: float,
        delivers: float,
        distance_km: float,
        flow: str,
        status: Status = Status.planned,
        source: str | None = None,
        notes: str | None = None,
    ) -> Exchange:
        """The lcasym exchange of a candidate of this template (see the module docstring)."""
        key, s = self.key, self.synergy
        symbol = format(parse_unit(self.activity_unit), "~").replace(" ** ", "**")
        ratio_unit = f"{symbol}/{key.offer_unit}"
        transport = []
        if s.transport is not None and distance_km > 0:
            transport.append(
                Transport(
                    activity=ActivityRef(code=s.transport.activity),
                    distance=distance_km,
                    mass_per_unit=self.mass_per_unit,
                )
            )
        treatment = None
        if key.treatment is not None:
            treatment = Treatment(activity=key.treatment, ratio=key.treatment_ratio)
        return Exchange(
            id=exchange_id,
            supplier=supplier,
            receiver=receiver,
            kind=ExchangeKind(s.kind),
            flow=flow,
            amount=amount,
            unit=key.offer_unit,
            displaces=Displacement(
                activity=key.displaced,
                ratio=delivers * self.kappa,
                ratio_unit=ratio_unit,
                displacement_factor=s.displaced.displacement_factor,
                justification=f"lcasym discovery, synergy type {s.id}: {s.source}",
            ),
            avoided_treatment=treatment,
            transport=transport,
            forgone_output=key.forgone,
            status=status,
            source=source,
            notes=notes,
        )


def forgone_for(offer: Offer, s: SynergyType) -> tuple[ForgoneOutput | None, str | None]:
    """The forgone output of an offer under a synergy, and a note when it is not modelled."""
    if getattr(offer, "forgone_output", None) is not None:
        return offer.forgone_output, None
    if not offer.cogeneration or s.forgone_output is None:
        return None, None
    if s.forgone_output not in forgone_defaults():
        return None, (
            f"forgone output not modelled: default {s.forgone_output!r} is not in "
            "lcasym/data/forgone_output.yaml (the credit is an upper estimate)"
        )
    return ForgoneOutput(default=s.forgone_output), None


def template_key(
    inv: OperationsInventory, kb: KnowledgeBase, s: SynergyType, supplier, offer: Offer, need: Need
) -> tuple[TemplateKey, str | None]:
    """The template key of a pair, and a note (e.g. forgone output not modelled)."""
    forgone, note = forgone_for(offer, s)
    treatment, treatment_ratio = offer.currently, 1.0
    if treatment is None and s.treatment is not None:
        treatment, treatment_ratio = ActivityRef(code=s.treatment.activity), s.treatment.ratio
    location = (supplier.location or inv.park.country) if forgone is not None else None
    displaced = need.currently or ActivityRef(code=s.displaced.activity)
    return (
        TemplateKey(
            synergy=s.id,
            offer_unit=offer.unit,
            treatment=treatment,
            treatment_ratio=treatment_ratio,
            forgone=forgone,
            supplier_location=location,
            need_unit=need.unit,
            displaced=displaced,
            displaced_from_need=need.currently is not None,
        ),
        note,
    )


def resolve_template(
    key: TemplateKey,
    kb: KnowledgeBase,
    index: BackgroundIndex,
    database: str,
    where: str,
    note: str | None = None,
) -> Template:
    """Resolve a key against the background: κ, the activity unit, the transported mass.

    Raises
    ------
    InputError
        Located at ``where`` when an activity is unknown or its unit does not fit.
    """
    from lcasym.errors import BackgroundError

    s = kb.synergy(key.synergy)
    try:
        info = index.resolve(key.displaced, default_database=database)
        if key.treatment is not None:
            treat = index.resolve(key.treatment, default_database=database)
            conversion_factor(key.offer_unit, treat.unit)
    except BackgroundError as exc:
        raise InputError([Problem(str(exc), where)], where) from None
    except UnitError as exc:
        raise InputError(
            [Problem(f"the offer's treatment ('currently') does not fit its unit: {exc}", where)],
            where,
        ) from None
    try:
        if key.displaced_from_need or s.displaced.per_need_unit is None:
            kappa = conversion_factor(key.need_unit, info.unit)
        else:
            per = s.displaced.per_need_unit_unit or ""
            kappa = s.displaced.per_need_unit * ratio_factor(per, info.unit, key.need_unit)
    except UnitError as exc:
        raise InputError(
            [
                Problem(
                    f"{info.label()} is in {info.unit!r}, which does not fit the need's unit "
                    f"{key.need_unit!r}: 'currently' must supply one unit of the need ({exc})",
                    where,
                )
            ],
            where,
        ) from None
    mass = None
    if s.transport is not None:
        supply_unit = kb.flows[s.supply].unit
        mass = s.transport.mass_per_unit * conversion_factor(key.offer_unit, supply_unit)
    return Template(key, s, kappa, info.unit, mass, (note,) if note else ())
