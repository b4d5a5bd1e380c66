"""Validate a network against its background, plan its foreground and write it to Brightway."""

from __future__ import annotations

import logging

from lcasym.inventory.plan import ForegroundPlan, plan_foreground
from lcasym.inventory.writer import write_foreground
from lcasym.network.model import SymbiosisNetwork

log = logging.getLogger(__name__)


def build_foreground(network: SymbiosisNetwork, *, force: bool = False) -> ForegroundPlan:
    """Build the baseline, symbiosis and custom databases of ``network`` in the active project.

    Validates the network against the installed background first (raises
    ``InputError`` listing every problem, before anything is written), then writes the
    three databases (skipped when they are already current). Call inside
    ``lcasym.background.project.brightway_project()``.
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
    plan = plan_foreground(network, index)
    write_foreground(plan, network, force=force)
    return plan
