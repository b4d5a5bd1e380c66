"""Validate a network against its background, plan its foreground and write it to Brightway."""

from __future__ import annotations

import dataclasses
import logging

from lcasym.inventory import naming
from lcasym.inventory.ownership import remove_stale_foregrounds
from lcasym.inventory.plan import ForegroundPlan, plan_foreground
from lcasym.inventory.writer import foreground_tag, write_foreground
from lcasym.network.model import SymbiosisNetwork

log = logging.getLogger(__name__)


def tagged(plan: ForegroundPlan, tag: str) -> ForegroundPlan:
    """``plan`` with database names carrying ``tag``.

    The custom activities, planned in the database a network file refers to
    (``lcasym-<id>-custom``), move to ``lcasym-<id>-<tag>-custom`` in every edge, target and
    resolved reference.
    """
    logical = naming.custom_database(plan.network_id)
    stored = naming.custom_database(plan.network_id, tag)

    def key(k: tuple[str, str]) -> tuple[str, str]:
        return (stored, k[1]) if k[0] == logical else k

    targets = {
        key(k): dataclasses.replace(v, database=stored) if v.database == logical else v
        for k, v in plan.targets.items()
    }
    edges = tuple(
        dataclasses.replace(e, target=key(e.target)) if e.target[0] == logical else e
        for e in plan.edges
    )
    resolved = {ref: key(k) for ref, k in plan.resolved.items()}
    return dataclasses.replace(plan, edges=edges, targets=targets, resolved=resolved, tag=tag)


def build_foreground(network: SymbiosisNetwork, *, force: bool = False) -> ForegroundPlan:
    """Build the baseline, symbiosis and custom databases of ``network`` in the active project.

    Validates the network against the installed background first (raises
    ``InputError`` listing every problem, before anything is written), then writes the
    three databases under names tagged with :func:`~lcasym.inventory.writer.foreground_tag`
    (skipped when they are already current), then deletes lcasym's stale foregrounds
    (:mod:`lcasym.inventory.ownership`). Call inside
    ``lcasym.background.project.brightway_project()``.

    Raises
    ------
    InputError
        The network does not fit its background.
    ForeignDataError
        A database with a foreground's name exists and was not written by lcasym.
    """
    import bw2data as bd

    from lcasym.background.resolve import BackgroundIndex, network_index
    from lcasym.network.checking import background_databases
    from lcasym.network.validation import check_network

    # Every database the network refers to; a missing one is reported by validation.
    present = [d for d in background_databases(network) if d in bd.databases]
    background = BackgroundIndex.from_brightway(present)
    index = network_index(network, background)
    check_network(network, background=index)
    state = {d: bd.databases[d].get("modified") for d in present}
    plan = tagged(plan_foreground(network, index), foreground_tag(network, state))
    write_foreground(plan, network, force=force)
    remove_stale_foregrounds(plan.databases, network.network.id)
    return plan
