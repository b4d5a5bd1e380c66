"""Add the exchanges of one network (e.g. discovered opportunities) to another.

The current network keeps everything it has (its details, facilities, exchanges, custom
activities); the addition brings the facilities the current network lacks (matched by id)
and its exchanges, except those the current network already has: the same supplier and
receiver and the same flow (case and spacing ignored) or the same displaced activity. An
added exchange whose id is taken gets the first free id ``<id>-2``, ``<id>-3``, ...
"""

from __future__ import annotations

from dataclasses import dataclass

from lcasym.network.model import Exchange, SymbiosisNetwork


@dataclass(frozen=True)
class Merged:
    """The merged network and what happened to each exchange of the addition."""

    network: SymbiosisNetwork
    added: tuple[str, ...]  # ids in the merged network
    renamed: tuple[tuple[str, str], ...]  # (id in the addition, id given)
    already_there: tuple[tuple[str, str], ...]  # (id in the addition, the current one)
    facilities_added: tuple[str, ...]

    def summary(self) -> str:
        """One paragraph saying what the merge did (ids as given)."""
        parts = [f"{len(self.added)} exchange(s) added: {', '.join(self.added) or 'none'}."]
        if self.facilities_added:
            parts.append(f"Facilities added: {', '.join(self.facilities_added)}.")
        if self.renamed:
            parts.append(
                "Renamed (id taken): " + ", ".join(f"{a} → {b}" for a, b in self.renamed) + "."
            )
        if self.already_there:
            parts.append(
                "Already in the network, skipped: "
                + ", ".join(f"{a} (as {b})" for a, b in self.already_there)
                + "."
            )
        return " ".join(parts)


def _flow_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _displaced(x: Exchange) -> str | None:
    return x.displaces.activity.label() if x.displaces is not None else None


def _same(a: Exchange, b: Exchange) -> bool:
    """Same supplier and receiver, and the same flow or the same displaced activity."""
    if (a.supplier, a.receiver) != (b.supplier, b.receiver):
        return False
    da = _displaced(a)
    return _flow_key(a.flow) == _flow_key(b.flow) or (da is not None and da == _displaced(b))


def _free_id(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def merge_networks(current: SymbiosisNetwork, addition: SymbiosisNetwork) -> Merged:
    """``current`` with the exchanges (and missing facilities) of ``addition``.

    The result is validated again as a whole (``SymbiosisNetwork.model_validate``), so a
    merge that breaks a model rule raises pydantic's ``ValidationError``; cross-record rules
    (:func:`lcasym.network.validation.validate_network`) are for the caller to run.
    """
    have = {f.id for f in current.facilities}
    new_facilities = [f for f in addition.facilities if f.id not in have]
    taken = {x.id for x in current.exchanges}
    exchanges = list(current.exchanges)
    added, renamed, already = [], [], []
    for x in addition.exchanges:
        twin = next((c for c in current.exchanges if _same(c, x)), None)
        if twin is not None:
            already.append((x.id, twin.id))
            continue
        new_id = _free_id(x.id, taken)
        if new_id != x.id:
            renamed.append((x.id, new_id))
            x = x.model_copy(update={"id": new_id})
        taken.add(new_id)
        exchanges.append(x)
        added.append(new_id)
    custom = list(current.custom_activities)
    custom_ids = {c.id for c in custom}
    custom += [c for c in addition.custom_activities if c.id not in custom_ids]
    data = current.model_dump(mode="json")
    data["facilities"] = [f.model_dump(mode="json") for f in [*current.facilities, *new_facilities]]
    data["exchanges"] = [x.model_dump(mode="json") for x in exchanges]
    data["custom_activities"] = [c.model_dump(mode="json") for c in custom]
    return Merged(
        network=SymbiosisNetwork.model_validate(data),
        added=tuple(added),
        renamed=tuple(renamed),
        already_there=tuple(already),
        facilities_added=tuple(f.id for f in new_facilities),
    )
