"""Opportunity discovery: find, price and choose the symbioses a park has not built yet.

An operations inventory (what each facility has and needs, :mod:`.model`) is matched
against a knowledge base of synergy types (:mod:`.knowledge`, ``lcasym/data/
synergy_types.yaml``); every candidate is priced on every category with lcasym's engine
(:mod:`.pricing`), ranked (:mod:`.result`), and the best set is chosen with a MILP
(:mod:`.choice`) and written as planned exchanges of a network (:mod:`.network_out`)::

    from lcasym.discovery import discover, choose, write_chosen_network

    opps = discover("examples/kalundborg_before.yaml")
    opps.ranked(top=10)
    choice = choose(opps, objective="ghg")
    write_chosen_network(choice, "proposed.yaml")
"""

from lcasym.discovery.api import discover
from lcasym.discovery.choice import Choice, choose, pareto_front
from lcasym.discovery.faces import chosen_exchanges_table, ranked_table
from lcasym.discovery.knowledge import KnowledgeBase, load_knowledge_base
from lcasym.discovery.matching import explain
from lcasym.discovery.model import Need, Offer, OperationsInventory, ParkFacility
from lcasym.discovery.network_out import chosen_network, write_chosen_network
from lcasym.discovery.reading import load_inventory, read_inventory, write_inventory
from lcasym.discovery.result import Opportunities

__all__ = [
    "Choice",
    "KnowledgeBase",
    "Need",
    "Offer",
    "OperationsInventory",
    "Opportunities",
    "ParkFacility",
    "choose",
    "chosen_exchanges_table",
    "chosen_network",
    "discover",
    "explain",
    "load_inventory",
    "load_knowledge_base",
    "pareto_front",
    "ranked_table",
    "read_inventory",
    "write_chosen_network",
    "write_inventory",
]
