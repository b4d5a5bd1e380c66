"""Write a foreground plan as ordinary Brightway databases (baseline, symbiosis, custom).

The databases are plain bw2data databases: a researcher can open them in Activity Browser
or compute them with bw2calc (``docs/brightway.md``): nodes named after the facilities and
activities, located where the facilities are, with their uncertainty and the network's
quantities as Brightway parameters (:mod:`lcasym.inventory.parameters`); the custom database
only when the network has custom activities. Writing is all-or-nothing: every dataset is
built in memory first; if a write fails, the previous versions of the databases are put back. A
rebuild with an unchanged plan is skipped (the plan's hash is stored in the metadata). A
database of the same name that lcasym did not write is never overwritten
(:mod:`lcasym.inventory.ownership`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from lcasym import __version__
from lcasym.background.project import quiet_brightway
from lcasym.errors import BackgroundError, InputError, Problem
from lcasym.inventory import naming
from lcasym.inventory.ownership import (
    BUILD_KEY,
    NETWORK_KEY,
    USED_KEY,
    now_text,
    refuse_foreign,
)
from lcasym.inventory.parameters import clear_parameters, write_parameters
from lcasym.inventory.plan import ForegroundPlan
from lcasym.network.model import CustomActivity, SymbiosisNetwork
from lcasym.units import UnitError, conversion_factor

log = logging.getLogger(__name__)
__all__ = [
    "BUILD_KEY",
    "foreground_tag",
    "plan_hash",
    "scenario_datasets",
    "write_foreground",
    "written_databases",
]


def plan_hash(plan: ForegroundPlan, network: SymbiosisNetwork) -> str:
    """A stable hash of everything written: the network, the tag and the lcasym version."""
    payload = json.dumps(
        {"network": network.model_dump(mode="json"), "lcasym": __version__, "tag": plan.tag},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def foreground_tag(network: SymbiosisNetwork, background: Mapping[str, object]) -> str:
    """The 8-hex-digit tag in a network's foreground database names.

    A hash of the network's content, lcasym's version and ``background`` (database name ->
    its ``modified`` time, so that a re-imported background gets fresh foregrounds).
    """
    payload = json.dumps(
        {
            "network": network.model_dump(mode="json"),
            "lcasym": __version__,
            "background": {k: str(v) for k, v in sorted(background.items())},
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:8]


def _biosphere_lookup(databases: set[str]) -> dict[tuple[str, str, tuple[str, ...]], tuple]:
    import bw2data as bd

    table: dict[tuple[str, str, tuple[str, ...]], tuple] = {}
    for name in databases:
        if name not in bd.databases:
            raise BackgroundError(
                f"biosphere database {name!r} is not in Brightway project "
                f"{bd.projects.current!r}; run `lcasym setup` first"
            )
        for flow in bd.Database(name):
            key = (name, flow["name"], tuple(flow.get("categories") or ()))
            table[key] = (flow["database"], flow["code"], flow.get("unit", ""))
    return table


def _custom_datasets(network: SymbiosisNetwork, plan: ForegroundPlan) -> dict:
    """Datasets of the network's custom activities, with every link resolved."""
    db = plan.custom_database
    problems: list[Problem] = []
    flows_needed = {
        x.flow.database for c in network.custom_activities for x in c.exchanges if x.flow
    }
    flows = _biosphere_lookup(flows_needed) if flows_needed else {}
    data: dict = {}
    for i, custom in enumerate(network.custom_activities):
        data[(db, custom.id)] = _custom_dataset(custom, db, plan, flows, problems, i)
    if problems:
        raise InputError(problems, source="custom_activities")
    return data


def _custom_dataset(
    custom: CustomActivity,
    db: str,
    plan: ForegroundPlan,
    flows: Mapping,
    problems: list[Problem],
    index: int,
) -> dict:
    import bw2data as bd

    exchanges = [
        {"input": (db, custom.id), "amount": 1.0, "type": "production", "unit": custom.unit}
    ]
    for j, x in enumerate(custom.exchanges):
        where = f"custom_activities[{index}] (id {custom.id!r}).exchanges[{j}]"
        if x.flow is not None:
            if x.flow.code:
                node = bd.get_node(database=x.flow.database, code=x.flow.code)
                key, unit = (node["database"], node["code"]), node.get("unit", "")
            else:
                found = flows.get((x.flow.database, x.flow.name, tuple(x.flow.categories or ())))
                if found is None:
                    problems.append(
                        Problem(
                            f"biosphere flow {x.flow.label()} not found in {x.flow.database}; "
                            "check its name and categories, or give its code",
                            where,
                        )
                    )
                    continue
                key, unit = found[:2], found[2]
            kind = "biosphere"
        else:
            info = _resolved(plan, x.activity)
            key, unit, kind = (info.database, info.code), info.unit, "technosphere"
        try:
            factor = conversion_factor(x.unit, unit) if x.unit else 1.0
        except UnitError as exc:
            problems.append(Problem(str(exc), f"{where}.unit"))
            continue
        exchanges.append(
            {
                "input": key,
                "amount": x.amount * factor,
                "type": kind,
                "unit": unit,
                "comment": x.source or "",
            }
        )
    return {
        "name": custom.name,
        "reference product": custom.reference_product or custom.name,
        "unit": custom.unit,
        "location": custom.location,
        "type": "process",
        "comment": "; ".join(p for p in (custom.source, custom.notes) if p),
        "exchanges": exchanges,
    }


def _resolved(plan: ForegroundPlan, ref):
    key = plan.resolved.get(ref)
    if key is None:
        raise BackgroundError(
            f"activity {ref.label()} was not resolved when planning; validate the network first"
        )
    return plan.targets[key]


#: Components whose edge in the "with the exchanges" database is paired with a substitution.
PAIRED = ("displaced", "treatment")


def _location(network: SymbiosisNetwork, facility_id: str | None) -> str:
    facility = next((f for f in network.facilities if f.id == facility_id), None)
    return (facility.location if facility else None) or network.network.country or "GLO"


def _facility_name(network: SymbiosisNetwork, facility_id: str | None) -> str:
    facility = next((f for f in network.facilities if f.id == facility_id), None)
    return facility.name if facility else str(facility_id or "")


def _side_texts(plan: ForegroundPlan, network: SymbiosisNetwork, act: Any) -> tuple[str, str]:
    """Name and reference product of an exchange side, from the activities it links to."""
    ex = next(e for e in network.exchanges if e.id == act.exchange_id)
    side = act.code.rsplit(":", 1)[-1]
    supplier, receiver = (_facility_name(network, x) for x in (ex.supplier, ex.receiver))

    def target_name(component: str) -> str:
        hit = next((e for e in plan.edges if e.exchange_id == ex.id and e.component ==
                    component and e.scenario == act.scenario), None)  # fmt: skip
        return hit.label if hit else ""

    if side == "receiver":
        what = target_name("displaced")
        return (f"{receiver}: need for {what}, met by {ex.flow} from {supplier} "
                f"(exchange {ex.id})", what or ex.flow)  # fmt: skip
    if side == "supplier":
        parts = [p for p in (target_name("treatment"), target_name("forgone")) if p]
        return (f"{supplier}: {ex.flow} without the exchange ({'; '.join(parts)}) "
                f"(exchange {ex.id})", f"{ex.flow}, supplier side")  # fmt: skip
    return (f"{ex.flow} from {supplier} to {receiver} (exchange {ex.id}): substitution, "
            "transport and extra inputs", f"{ex.flow}, exchange")  # fmt: skip


def scenario_datasets(
    plan: ForegroundPlan,
    scenario: naming.Scenario,
    build: str,
    network: SymbiosisNetwork | None = None,
) -> dict:
    """Datasets of one scenario database from the plan (central parameter values).

    Brightway-native: node names say what a node is (facility and activity names, not
    codes); locations are the facilities' (else the network's country); the foreground
    nodes produce one reporting ``year`` of operation. In the "with the exchanges"
    (symbiosis) database the receiver's need for the displaced product and the supplier's
    treatment stay on their sides at the central value, and the exchange node
    (``exchange:<id>:extra``) holds the matching ``substitution`` edges, the transport and
    the extra inputs: so no node lists a product both as input and as substitute, and the
    scores are those of the plan. Uncertain amounts carry exchange uncertainty
    (:mod:`lcasym.inventory.uncertainty`); the paired need/substitution edges do not (they
    cancel in every draw).
    """
    from lcasym.inventory.parameters import brightway_names, edge_formula
    from lcasym.inventory.uncertainty import edge_uncertainty

    db = plan.database(scenario)
    bw_names = brightway_names(p.name for p in plan.parameters)
    values = plan.parameter_values()
    params = {p.name: p for p in plan.parameters}
    year = network.network.reporting_year if network else ""
    data: dict = {}
    activities = [a for a in plan.activities if a.scenario == scenario]
    inputs = {a.code: list(a.inputs) for a in activities}
    for act in activities:
        name, product = act.name, act.name
        if network is not None:
            if act.exchange_id:
                name, product = _side_texts(plan, network, act)
            elif act.facility_id:
                name = _facility_name(network, act.facility_id)
                product = f"{name}, operation in {year}"
            else:
                name, product = network.network.name, f"{network.network.name}, {year}"
        location = _location(network, act.facility_id) if network else "GLO"
        data[(db, act.code)] = _node(db, act.code, name, product, location, act, scenario)
    if scenario == "symbiosis" and network is not None:
        _add_exchange_nodes(plan, network, db, data, inputs)
    for code, codes in inputs.items():
        data[(db, code)]["exchanges"] += [
            {"input": (db, c), "amount": 1.0, "type": "technosphere", "unit": "year"} for c in codes
        ]
    for edge in (e for e in plan.edges if e.scenario == scenario):
        amount = edge.amount(values)
        paired = scenario == "symbiosis" and edge.component in PAIRED
        owner = edge.owner
        if paired and edge.edge_type == "substitution" and network is not None:
            owner = naming.exchange_code(str(edge.exchange_id), "extra")
        record = {
            "input": edge.target,
            "amount": amount,
            "type": edge.edge_type,
            "unit": edge.unit,
            "lcasym_component": edge.component,
            "lcasym_parameters": list(edge.parameters),
            "lcasym_constant": edge.constant,
            "comment": f"{edge.component}: {' × '.join(edge.parameters) or 'fixed'}"
            f" × {edge.constant:g}",
        }
        formula = edge_formula(edge, bw_names)
        if formula is not None:  # Brightway parameters (lcasym.inventory.parameters)
            record.update({"formula": formula, "original_amount": amount})
        if not paired:
            record.update(edge_uncertainty(edge, params, amount))
        data[(db, owner)]["exchanges"].append(record)
    return data


def _node(
    db: str, code: str, name: str, product: str, location: str, act: Any, scenario: str
) -> dict:
    return {
        "name": name,
        "reference product": product,
        "unit": "year",
        "location": location,
        "type": "process",
        "lcasym_facility": act.facility_id if act else None,
        "lcasym_exchange": act.exchange_id if act else None,
        "lcasym_scenario": scenario,
        "exchanges": [{"input": (db, code), "amount": 1.0, "type": "production", "unit": "year"}],
    }


def _add_exchange_nodes(
    plan: ForegroundPlan,
    network: SymbiosisNetwork,
    db: str,
    data: dict,
    inputs: dict[str, list[str]],
) -> None:
    """An exchange node for every exchange with a substitution but no transport or extras."""
    needed = {
        e.exchange_id
        for e in plan.edges
        if e.scenario == "symbiosis" and e.edge_type == "substitution" and e.exchange_id
    }
    by_id = {e.id: e for e in network.exchanges}
    for xid in sorted(needed):
        code = naming.exchange_code(xid, "extra")
        if (db, code) in data:
            continue
        ex = by_id[xid]
        bearer = ex.receiver if ex.extra_burdens_borne_by == "receiver" else ex.supplier
        act = SimpleNamespace(code=code, exchange_id=xid, facility_id=bearer,
                              scenario="symbiosis")  # fmt: skip
        name, product = _side_texts(plan, network, act)
        data[(db, code)] = _node(db, code, name, product, _location(network, bearer), act,
                                 "symbiosis")  # fmt: skip
        inputs.setdefault(naming.facility_code(bearer), []).append(code)


def written_databases(plan: ForegroundPlan, network: SymbiosisNetwork) -> tuple[str, ...]:
    """The databases a plan writes: baseline, symbiosis, and custom only when it has any."""
    names = naming.foreground_databases(plan.network_id, plan.tag)
    return names if network.custom_activities else names[:2]


def write_foreground(
    plan: ForegroundPlan, network: SymbiosisNetwork, *, force: bool = False
) -> bool:
    """Write the custom, baseline and symbiosis databases of a plan in the active project.

    Returns True if the databases were (re)written, False if they were already current
    (their ``lcasym_used`` time is updated either way). On any failure the previous versions
    are restored and the error is raised.

    Raises
    ------
    ForeignDataError
        If a database of the same name exists and was not written by lcasym.
    """
    import bw2data as bd

    build = plan_hash(plan, network)
    names = written_databases(plan, network)
    refuse_foreign(names, bd.projects.current)
    if not force and all(bd.databases.get(n, {}).get(BUILD_KEY) == build for n in names):
        log.info("foreground of %s is current (build %s)", network.network.id, build)
        _mark_used(names)
        return False
    staged = {}
    if network.custom_activities:  # no empty database
        staged[plan.custom_database] = _custom_datasets(network, plan)
    staged[names[0]] = scenario_datasets(plan, "baseline", build, network)
    staged[names[1]] = scenario_datasets(plan, "symbiosis", build, network)
    previous = {
        n: (bd.Database(n).load(), dict(bd.databases[n])) for n in names if n in bd.databases
    }
    try:
        for name, data in staged.items():
            db = bd.Database(name)
            with quiet_brightway():
                if name not in bd.databases:
                    db.register()
                db.write(data)
            if name != plan.custom_database:
                write_parameters(plan, name, _formula_owners(data))
            meta = bd.databases[name]
            meta.update(
                {
                    BUILD_KEY: build,
                    NETWORK_KEY: network.network.id,
                    USED_KEY: now_text(),
                    "lcasym_version": __version__,
                    "background": network.network.background.database,
                }
            )
            bd.databases[name] = meta
        bd.databases.flush()
    except Exception:
        log.exception("writing the foreground failed; restoring the previous databases")
        _restore(names, previous)
        raise
    log.info("wrote foreground of %s (build %s)", network.network.id, build)
    return True


def _formula_owners(data: Mapping[tuple[str, str], dict]) -> list[str]:
    """Codes of the activities with at least one formula exchange."""
    return [code for (_, code), ds in data.items()
            if any("formula" in x for x in ds["exchanges"])]  # fmt: skip


def _mark_used(names: tuple[str, ...]) -> None:
    import bw2data as bd

    stamp = now_text()
    for name in names:
        meta = bd.databases[name]
        meta[USED_KEY] = stamp
        bd.databases[name] = meta
    bd.databases.flush()


def _restore(names: tuple[str, ...], previous: Mapping[str, tuple[dict, dict]]) -> None:
    """Put back each database as it was; one failure does not stop the others."""
    import bw2data as bd

    for name in names:
        try:
            with quiet_brightway():
                clear_parameters(name)  # the previous parameters are not kept
                if name in previous:
                    data, meta = previous[name]
                    bd.Database(name).write(data)
                    bd.databases[name] = meta
                elif name in bd.databases:
                    del bd.databases[name]
        except Exception:
            log.exception("could not restore database %s; rebuild the network", name)
    bd.databases.flush()
