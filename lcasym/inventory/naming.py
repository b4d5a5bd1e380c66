"""Deterministic names and codes of the Brightway databases and activities lcasym writes.

Foreground databases of a network ``<id>`` built with tag ``<tag>``:
``lcasym-<id>-<tag>-baseline``, ``lcasym-<id>-<tag>-symbiosis`` (the two scenarios) and
``lcasym-<id>-<tag>-custom`` (the network's own processes, shared by both scenarios). The
tag is the first 8 hex digits of a hash of the network's content, lcasym's version and the
state of the background databases it links to (see
:func:`lcasym.inventory.writer.foreground_tag`): two users or processes calculating
different networks with the same id never write the same databases, and the same network
on the same background always gets the same names. ``result.provenance`` lists the names.

In a network file the custom activities are referred to by their id, or as database
``lcasym-<id>-custom`` (:func:`custom_database` without a tag): that name is mapped to the
tagged database when the foreground is built.

Activity codes inside the scenario databases are the same in both, so that a researcher can
pair them: ``network``, ``facility:<facility id>``, ``exchange:<exchange id>:receiver``,
``exchange:<exchange id>:supplier``, ``exchange:<exchange id>:extra``.
"""

from __future__ import annotations

from typing import Literal

Scenario = Literal["baseline", "symbiosis"]
Side = Literal["receiver", "supplier", "extra"]
SCENARIOS: tuple[Scenario, Scenario] = ("baseline", "symbiosis")
PREFIX = "lcasym-"


def _stem(network_id: str, tag: str) -> str:
    return f"{PREFIX}{network_id}-{tag}" if tag else f"{PREFIX}{network_id}"


def scenario_database(network_id: str, scenario: Scenario, tag: str = "") -> str:
    """Name of the foreground database of one scenario of a network (built with ``tag``)."""
    return f"{_stem(network_id, tag)}-{scenario}"


def custom_database(network_id: str, tag: str = "") -> str:
    """Name of the database of a network's custom activities.

    Without ``tag``: the name a network file uses to refer to its custom activities.
    """
    return f"{_stem(network_id, tag)}-custom"


def foreground_databases(network_id: str, tag: str = "") -> tuple[str, str, str]:
    """All databases lcasym writes for a network: baseline, symbiosis, custom."""
    return (
        scenario_database(network_id, "baseline", tag),
        scenario_database(network_id, "symbiosis", tag),
        custom_database(network_id, tag),
    )


NETWORK_CODE = "network"


def facility_code(facility_id: str) -> str:
    """Code of a facility's activity in a scenario database."""
    return f"facility:{facility_id}"


def exchange_code(exchange_id: str, side: Side) -> str:
    """Code of one side of an exchange in a scenario database."""
    return f"exchange:{exchange_id}:{side}"
