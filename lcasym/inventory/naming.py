"""Deterministic names and codes of the Brightway databases and activities lcasym writes.

Foreground databases of a network ``<id>``:
``lcasym-<id>-baseline``, ``lcasym-<id>-symbiosis`` (the two scenarios) and
``lcasym-<id>-custom`` (the network's own processes, shared by both scenarios).
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


def scenario_database(network_id: str, scenario: Scenario) -> str:
    """Name of the foreground database of one scenario of a network."""
    return f"{PREFIX}{network_id}-{scenario}"


def custom_database(network_id: str) -> str:
    """Name of the database holding a network's custom activities."""
    return f"{PREFIX}{network_id}-custom"


def foreground_databases(network_id: str) -> tuple[str, str, str]:
    """All databases lcasym writes for a network: baseline, symbiosis, custom."""
    return (
        scenario_database(network_id, "baseline"),
        scenario_database(network_id, "symbiosis"),
        custom_database(network_id),
    )


NETWORK_CODE = "network"


def facility_code(facility_id: str) -> str:
    """Code of a facility's activity in a scenario database."""
    return f"facility:{facility_id}"


def exchange_code(exchange_id: str, side: Side) -> str:
    """Code of one side of an exchange in a scenario database."""
    return f"exchange:{exchange_id}:{side}"
