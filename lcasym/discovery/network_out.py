"""Chosen candidates -> a network file with ``planned`` exchanges, evaluated like any other.

The network holds the facilities of the chosen exchanges (name, sector, location,
coordinates from the inventory) and one exchange per chosen candidate
(:meth:`Opportunities.exchange`: displaced product, avoided treatment, transport over the
distance, forgone output), with status ``planned`` so that the reporting year's totals stay
those of what operates. ``lcasym calc`` includes planned exchanges on request.
"""

from __future__ import annotations

from pathlib import Path

from lcasym.discovery.choice import Choice
from lcasym.errors import InputError, Problem
from lcasym.network.model import (
    Economics,
    Facility,
    NetworkInfo,
    Status,
    SymbiosisNetwork,
)


def _economics(choice: Choice, k: int, amount: float) -> Economics | None:
    opps = choice.opportunities
    c = opps.scored.candidates
    need = [n for _f, n in opps.inventory.needs()][int(c.need[k])]
    offer = [o for _f, o in opps.inventory.offers()][int(c.offer[k])]
    purchase = need.price * c.delivers[k] * amount if need.price is not None else None
    disposal = offer.disposal_cost * amount if offer.disposal_cost is not None else None
    if purchase is None and disposal is None:
        return None
    return Economics(
        avoided_purchase_cost=purchase if purchase is not None and purchase >= 0 else None,
        avoided_disposal_fee=disposal if disposal is not None and disposal >= 0 else None,
    )


def chosen_network(choice: Choice, *, status: Status = Status.planned) -> SymbiosisNetwork:
    """The chosen set as a network (exchanges ``planned`` unless ``status`` says otherwise).

    Raises
    ------
    InputError
        When nothing was chosen (a network needs at least one exchange).
    """
    opps = choice.opportunities
    inv = opps.inventory
    if not len(choice.rows):
        raise InputError(
            [Problem("nothing was chosen, so there is no network to write", "options")],
            "options",
        )
    exchanges = []
    for k, amount in zip(choice.rows, choice.amounts, strict=True):
        exchange = opps.exchange(int(k), float(amount), status=status)
        economics = _economics(choice, int(k), float(amount))
        if economics is not None:
            exchange = exchange.model_copy(update={"economics": economics})
        exchanges.append(exchange)
    used = {e.supplier for e in exchanges} | {e.receiver for e in exchanges}
    facilities = [
        Facility(
            id=f.id,
            name=f.name,
            sector=f.sector,
            location=f.location or inv.park.country,
            coordinates=f.coordinates,
            notes=f.notes,
        )
        for f in inv.facilities
        if f.id in used
    ]
    park = inv.park
    return SymbiosisNetwork(
        network=NetworkInfo(
            id=park.id,
            name=park.name,
            country=park.country,
            reporting_year=park.year,
            currency=park.currency,
            background=park.background,
            description=(
                f"Exchanges proposed by lcasym discovery from the operations inventory "
                f"'{park.name}' (objective: {choice.objective}; {choice.status}). Status "
                f"'{status.value}': check each before it is reported."
            ),
            sources=list(park.sources),
        ),
        facilities=facilities,
        exchanges=exchanges,
    )


def write_chosen_network(choice: Choice, path: str | Path) -> SymbiosisNetwork:
    """Write :func:`chosen_network` to ``path`` (YAML, JSON or Excel, atomically)."""
    from lcasym.io import write_network

    network = chosen_network(choice)
    write_network(network, path)
    return network
