"""Annex of the report: background activities and factors used, with source and licence.

For the shipped open background (``lcasym-open``) every activity the network refers to,
and every activity that the result's contribution table names for the headline method, is
listed with the citations and licences of its exchanges (``databases/open_background``);
the activities found behind the other methods are counted (they are in the attached
results JSON). Activities of
other databases (a user's licensed ecoinvent, custom activities) are listed with their
database: their licence is the user's.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import yaml

from lcasym.network.model import ActivityRef, SymbiosisNetwork
from lcasym.paths import package_data

OPEN_DB = "lcasym-open"


@cache
def _open_background() -> Any:
    from lcasym.background.open_data import load_open_background

    return load_open_background()


def open_activity_names() -> dict[tuple[str, str], str]:
    """``(lcasym-open, code) → name`` of every shipped open background activity."""
    data = _open_background()
    return {(OPEN_DB, str(r.code)): str(r.name) for r in data.activities.itertuples()}


def network_references(network: SymbiosisNetwork) -> list[tuple[str, ActivityRef]]:
    """Every activity the network file names, with where it is used."""
    refs: list[tuple[str, ActivityRef]] = []
    for ex in network.exchanges:
        if ex.displaces:
            refs.append((f"{ex.id}: displaced product", ex.displaces.activity))
        if ex.avoided_treatment:
            refs.append((f"{ex.id}: avoided treatment", ex.avoided_treatment.activity))
        refs += [(f"{ex.id}: transport", t.activity) for t in ex.transport]
        refs += [(f"{ex.id}: extra input", x.activity) for x in ex.extra_inputs]
        if ex.forgone_output and ex.forgone_output.activity:
            refs.append((f"{ex.id}: forgone output", ex.forgone_output.activity))
    for f in network.facilities:
        refs += [(f"{f.id}: own inventory", i.activity) for i in f.inventory]
    for c in network.custom_activities:
        refs += [(f"custom {c.id}: input", x.activity) for x in c.exchanges if x.activity]
    return refs


def background_rows(network: SymbiosisNetwork, contributions: Any) -> list[dict[str, Any]]:
    """One row per background activity used: database, code, name, unit, uses, sources."""
    bg = network.network.background.database
    custom = {c.id for c in network.custom_activities}
    uses: dict[tuple[str, str], list[str]] = {}
    named: dict[tuple[str, str], str] = {}
    for where, ref in network_references(network):
        if ref.code:
            key = (ref.database or ("custom" if ref.code in custom else bg), ref.code)
        else:
            key = (ref.database or bg, ref.label())
        uses.setdefault(key, []).append(where)
    if contributions is not None and not contributions.empty:
        for r in contributions.drop_duplicates(["database", "code"]).itertuples():
            key = (str(r.database), str(r.code))
            uses.setdefault(key, []).append("contributes to a result (supply chain)")
            named[key] = str(r.activity)
    data = _open_background()
    acts = data.activities.set_index("code")
    exch = data.exchanges
    sources = data.sources.set_index("source_id")
    rows = []
    for (db, code), places in sorted(uses.items()):
        row: dict[str, Any] = {
            "database": db,
            "code": code,
            "name": named.get((db, code), ""),
            "unit": "",
            "uses": sorted(set(places)),
            "sources": [],
            "licences": [],
            "incomplete_for": "",
        }
        if db == OPEN_DB and code in acts.index:
            act = acts.loc[code]
            row.update(
                name=str(act["name"]),
                unit=str(act["unit"]),
                incomplete_for=str(act["incomplete_for"]),
            )
            ids = [s for s in dict.fromkeys(exch.loc[exch["activity"] == code, "source_id"]) if s]
            for sid in ids:
                if sid in sources.index:
                    row["sources"].append(str(sid))
                    row["licences"].append(str(sources.loc[sid, "licence"]))
            row["licences"] = list(dict.fromkeys(row["licences"]))
        elif db == OPEN_DB:
            row["licences"] = ["see databases/ATTRIBUTION.md"]
        elif db == "custom":
            row["licences"] = ["defined in the network file (its source there)"]
        else:
            row["licences"] = [f"database {db!r}: the user's licence applies"]
        rows.append(row)
    return rows


def count_other_activities(contributions: Any, rows: list[dict[str, Any]]) -> int:
    """Activities of the contribution table (any method) that ``rows`` do not list."""
    if contributions is None or contributions.empty:
        return 0
    listed = {(str(r["database"]), str(r["code"])) for r in rows}
    found = contributions.drop_duplicates(["database", "code"])
    return sum((str(db), str(code)) not in listed
               for db, code in zip(found["database"], found["code"], strict=True))  # fmt: skip


def source_rows(background: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The citation and licence of every source id the background rows name, once each."""
    sources = _open_background().sources.set_index("source_id")
    ids = unique(sid for row in background for sid in row["sources"])
    return [
        {
            "id": sid,
            "citation": str(sources.loc[sid, "citation"]),
            "licence": str(sources.loc[sid, "licence"]),
        }
        for sid in ids
        if sid in sources.index
    ]


def factor_rows(result: Any, network: SymbiosisNetwork) -> list[dict[str, str]]:
    """The default factors behind the result, each with its value and source."""
    prov = result.provenance
    rows = []
    crediting = yaml.safe_load(package_data("crediting.yaml").read_text(encoding="utf-8"))
    if prov.get("crediting_rule") == "cff":
        used = prov.get("cff_factors") or {}
        for key, info in crediting.get("factors", {}).items():
            value = used.get(key, info.get("value"))
            rows.append(
                {
                    "factor": f"CFF factor {key}",
                    "value": f"{value}",
                    "meaning": str(info.get("meaning", "")),
                    "source": str(info.get("source", "")),
                    "status": str(info.get("status", "")),
                }
            )
    defaults = {
        e.forgone_output.default
        for e in network.exchanges
        if e.forgone_output and e.forgone_output.default
    }
    if defaults:
        data = yaml.safe_load(package_data("forgone_output.yaml").read_text(encoding="utf-8"))
        table = (data or {}).get("defaults") or {}
        for key in sorted(defaults):
            info = table.get(key, {}) if isinstance(table, dict) else {}
            rows.append(
                {
                    "factor": f"forgone output default {key!r}",
                    "value": f"{info.get('ratio', '')} {info.get('ratio_unit', '')}".strip(),
                    "meaning": str(info.get("description", "")),
                    "source": " ".join(str(info.get(k, "")) for k in ("source", "licence")),
                    "status": str(info.get("status", "")),
                }
            )
    rows.append(
        {
            "factor": "SDG mapping",
            "value": str(prov.get("sdg_mapping", "")),
            "meaning": "links of SDG targets to results (one row per link)",
            "source": "UNEP Life Cycle Initiative, Life Cycle SDG Screening; Sanyé-Mengual "
            "& Sala 2022; each link's own source in the SDG section",
            "status": "",
        }
    )
    return rows


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
