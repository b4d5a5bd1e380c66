"""Foreground parameters as Brightway parameters, exchange amounts as formulas over them.

Every parameter of a plan (an exchange's ``amount``, ``ratio``, ``displacement_factor``,
``distance``, ``forgone_ratio`` and ``active``) becomes a bw2data *database parameter* of
each foreground database, with its central value, unit and its own uncertainty dictionary
(stats_arrays, unscaled). Every edge ``amount = constant · Π parameters`` gets the matching
``formula`` (``"<constant> * p1 * p2"``), and its owner activity joins one activity group
per database (``lcasym <database>``), so that changing a parameter in Brightway (Activity
Browser's Parameters tab, or ``bw2data.parameters``) and recalculating updates every
exchange that depends on it::

    DatabaseParameter.update(amount=0.5).where(...).execute()   # or new_database_parameters
    bw2data.parameters.recalculate()

Brightway parameter names must be Python identifiers: ``tiny-gypsum.ratio`` is written as
``tiny_gypsum_ratio`` (see :func:`brightway_names`); the lcasym name is kept in the
parameter's ``lcasym_name`` field.
"""

from __future__ import annotations

import keyword
import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from lcasym.inventory.plan import Edge, ForegroundPlan, Parameter
from lcasym.inventory.uncertainty import scaled_uncertainty

log = logging.getLogger(__name__)
__all__ = [
    "brightway_names",
    "clear_parameters",
    "edge_formula",
    "group_name",
    "parameter_records",
    "write_parameters",
]


def group_name(database: str) -> str:
    """The activity parameter group holding a foreground database's formula exchanges."""
    return f"lcasym {database}"


def brightway_names(names: Iterable[str]) -> dict[str, str]:
    """Lcasym parameter name → a unique Python identifier (non-word characters → ``_``)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        ident = re.sub(r"\W", "_", name, flags=re.ASCII)
        if not ident.isidentifier() or keyword.iskeyword(ident) or ident.startswith("_"):
            ident = f"p_{ident}"
        base, i = ident, 2
        while ident in used:
            ident, i = f"{base}_{i}", i + 1
        used.add(ident)
        out[name] = ident
    return out


def edge_formula(edge: Edge, names: Mapping[str, str]) -> str | None:
    """``"<constant> * p1 * p2"`` (the edge's amount), or None for an edge without parameters.

    Evaluated left to right as :meth:`Edge.amount` multiplies, so the formula gives the
    written amount bit for bit.
    """
    if not edge.parameters:
        return None
    return " * ".join([repr(float(edge.constant)), *(names[p] for p in edge.parameters)])


def _own_uncertainty(p: Parameter) -> dict[str, Any]:
    """The parameter's own distribution as a stats_arrays dictionary (unscaled)."""
    if p.distribution is None or (p.distribution.distribution == "lognormal" and p.value <= 0):
        return {}
    return scaled_uncertainty(p, 1.0)


def parameter_records(plan: ForegroundPlan) -> list[dict[str, Any]]:
    """The database parameters of a plan (``new_database_parameters`` input)."""
    names = brightway_names(p.name for p in plan.parameters)
    records = []
    for p in plan.parameters:
        record: dict[str, Any] = {
            "name": names[p.name],
            "amount": float(p.value),
            "unit": p.unit,
            "lcasym_name": p.name,
            "lcasym_kind": p.kind,
            "lcasym_exchange": p.exchange_id,
            "comment": f"lcasym parameter {p.name} ({p.kind}) of exchange {p.exchange_id}",
        }
        record.update(_own_uncertainty(p))
        records.append({k: v for k, v in record.items() if not _is_nan(v)})
    return records


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def clear_parameters(database: str) -> None:
    """Remove the database, activity and exchange parameters of one database."""
    from bw2data.parameters import (
        ActivityParameter,
        DatabaseParameter,
        Group,
        GroupDependency,
        ParameterizedExchange,
    )

    groups = {
        row[0]
        for row in ActivityParameter.select(ActivityParameter.group)
        .where(ActivityParameter.database == database)
        .tuples()
    } | {group_name(database)}
    ParameterizedExchange.delete().where(ParameterizedExchange.group << tuple(groups)).execute()
    ActivityParameter.delete().where(ActivityParameter.database == database).execute()
    DatabaseParameter.delete().where(DatabaseParameter.database == database).execute()
    GroupDependency.delete().where(GroupDependency.group << (*groups, database)).execute()
    Group.delete().where(Group.name << (*groups, database)).execute()


def write_parameters(plan: ForegroundPlan, database: str, owners: Iterable[str]) -> int:
    """Write a plan's parameters to ``database`` and group the formula exchanges of ``owners``.

    ``owners`` are the codes of the activities whose exchanges carry a ``formula``. Returns
    the number of parameterised exchanges. Rows are inserted in bulk (one query per table,
    not one per row as ``new_database_parameters`` and ``add_exchanges_to_group`` do); the
    written amounts already equal the formulas' values, so both groups are left *expired*:
    the first ``bw2data.parameters.recalculate()`` evaluates every formula.
    """
    import uuid

    import bw2data as bd
    from bw2data.backends.schema import ExchangeDataset
    from bw2data.parameters import (
        ActivityParameter,
        DatabaseParameter,
        Group,
        ParameterizedExchange,
    )
    from bw2data.snowflake_ids import snowflake_id_generator

    clear_parameters(database)
    records = parameter_records(plan)
    if not records:
        return 0
    group = group_name(database)
    owners = sorted(set(owners))
    formulas = [
        (row["id"], row["data"]["formula"])
        for row in ExchangeDataset.select(ExchangeDataset.id, ExchangeDataset.data)
        .where(ExchangeDataset.output_database == database)
        .dicts()
        if "formula" in row["data"]
    ]
    with bd.parameters.db.atomic():
        params = [
            {"id": next(snowflake_id_generator), "database": database, "name": r["name"],
             "amount": r["amount"], "formula": None,
             "data": {k: v for k, v in r.items() if k not in ("name", "amount")}}
            for r in records
        ]  # fmt: skip
        for chunk in range(0, len(params), 500):
            DatabaseParameter.insert_many(params[chunk : chunk + 500]).execute()
        Group.get_or_create(name=database)[0].expire()
        dummies = [
            {"id": next(snowflake_id_generator), "group": group, "database": database,
             "code": code, "name": f"__dummy_{uuid.uuid4().hex}__", "amount": 0, "data": {}}
            for code in owners
        ]  # fmt: skip
        for chunk in range(0, len(dummies), 500):
            ActivityParameter.insert_many(dummies[chunk : chunk + 500]).execute()
        rows = [
            {"id": next(snowflake_id_generator), "group": group, "exchange": xid, "formula": f}
            for xid, f in formulas
        ]
        for chunk in range(0, len(rows), 500):
            ParameterizedExchange.insert_many(rows[chunk : chunk + 500]).execute()
        Group.get_or_create(name=group)[0].expire()
    log.info("wrote %d parameters and %d formula exchanges to %s", len(records), len(rows),
             database)  # fmt: skip
    return len(rows)
