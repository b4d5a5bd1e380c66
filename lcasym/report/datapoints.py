"""ESRS and GRI datapoints a symbiosis network feeds, per firm, with basis and caveat.

The mapping lives in ``lcasym/data/esrs_gri_datapoints.yaml`` (one row per datapoint, its
paragraph, basis, caveat and sources). :func:`datapoints_table` computes, for every facility,
the quantities the mapping names and keeps a row only where the network gives that facility
a value (a datapoint the network does not feed is left out, never written as 0):

``own_inventory``
    The facility's own inventory score for the headline climate method (only when the
    facility declares an inventory in the network file), in t CO2-eq.
``avoided_credit``
    The facility's credit under the result's crediting rule for the headline climate method
    (not under the ``network`` rule, which does not split), in t CO2-eq.
``water_received`` / ``water_supplied`` / ``groundwater_avoided``
    Σ amount of the operating water exchanges it receives / supplies / receives and that
    are flagged ``groundwater``, in m3 (a mass is read as water: 1 t = 1 m3).
``secondary_received``
    Σ amount of the operating material and waste exchanges it receives, when a mass (t).
``diverted_non_hazardous`` / ``diverted_hazardous``
    Σ ``amount · treatment ratio`` of the operating exchanges it supplies that have an
    avoided treatment, when a mass (t), split by the exchange's ``hazardous`` flag.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lcasym.errors import DataFileError
from lcasym.network.model import Exchange, ExchangeKind, Status, SymbiosisNetwork
from lcasym.paths import package_data
from lcasym.presentation.formatting import display_scale, is_kg_co2
from lcasym.units import UnitError, can_convert, convert

DEFAULT_MAPPING = package_data("esrs_gri_datapoints.yaml")
QUANTITIES = (
    "own_inventory",
    "avoided_credit",
    "water_received",
    "water_supplied",
    "groundwater_avoided",
    "secondary_received",
    "diverted_non_hazardous",
    "diverted_hazardous",
)
_REQUIRED = (
    "id",
    "standard",
    "disclosure",
    "reference",
    "datapoint",
    "quantity",
    "unit",
    "basis",
    "caveat",
)
COLUMNS = [
    "facility",
    "name",
    "standard",
    "disclosure",
    "reference",
    "datapoint",
    "value",
    "unit",
    "basis",
    "caveat",
    "exchanges",
    "method",
    "rule",
    "reporting_year",
    "id",
]


@cache
def _default_mapping() -> dict[str, Any]:
    return _read(DEFAULT_MAPPING)


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"cannot read the datapoint mapping {path}: {exc}") from exc
    rows = raw.get("datapoints") if isinstance(raw, dict) else None
    if not isinstance(rows, list):
        raise DataFileError(f"{path}: needs a 'datapoints:' list")
    seen = set()
    for i, row in enumerate(rows):
        where = f"{path}, datapoints[{i}]"
        if not isinstance(row, dict):
            raise DataFileError(f"{where}: each datapoint must be a mapping")
        missing = [k for k in _REQUIRED if not row.get(k)]
        if missing:
            raise DataFileError(f"{where}: missing {', '.join(missing)}")
        if row["quantity"] not in QUANTITIES:
            raise DataFileError(f"{where}: quantity must be one of {', '.join(QUANTITIES)}")
        if row["id"] in seen:
            raise DataFileError(f"{where}: duplicate id {row['id']!r}")
        seen.add(row["id"])
    return raw


def load_datapoint_mapping(path: str | Path | None = None) -> dict[str, Any]:
    """The datapoint mapping, validated; default: the shipped file."""
    return _default_mapping() if path is None else _read(Path(path))


def _in(value: float, unit: str, target: str) -> float | None:
    try:
        return convert(value, unit, target) if can_convert(unit, target) else None
    except UnitError:
        return None


def _water_m3(ex: Exchange) -> float | None:
    volume = _in(ex.amount, ex.unit, "m3")
    if volume is None:
        mass = _in(ex.amount, ex.unit, "t")
        volume = mass  # water: 1 t = 1 m3
    return volume


def _treated_t(ex: Exchange) -> float | None:
    t = ex.avoided_treatment
    if t is None:
        return None
    if t.ratio_unit:
        return None  # a ratio bridging units is not a mass of the by-product
    mass = _in(ex.amount, ex.unit, "t")
    return None if mass is None else mass * t.ratio


def physical_quantities(network: SymbiosisNetwork) -> dict[str, dict[str, tuple[float, list[str]]]]:
    """Per facility: quantity name → (value, exchange ids), from the operating exchanges."""
    out: dict[str, dict[str, list[Any]]] = defaultdict(dict)

    def add(facility: str, name: str, value: float | None, ex_id: str) -> None:
        if value is None or not math.isfinite(value):
            return
        slot = out[facility].setdefault(name, [0.0, []])
        slot[0] += value
        slot[1].append(ex_id)

    for ex in network.exchanges:
        if ex.status != Status.operating:
            continue
        if ex.kind == ExchangeKind.water:
            m3 = _water_m3(ex)
            add(ex.receiver, "water_received", m3, ex.id)
            add(ex.supplier, "water_supplied", m3, ex.id)
            if ex.groundwater:
                add(ex.receiver, "groundwater_avoided", m3, ex.id)
        if ex.kind in (ExchangeKind.material, ExchangeKind.waste):
            add(ex.receiver, "secondary_received", _in(ex.amount, ex.unit, "t"), ex.id)
        name = "diverted_hazardous" if ex.hazardous else "diverted_non_hazardous"
        add(ex.supplier, name, _treated_t(ex), ex.id)
    return {f: {k: (float(v[0]), list(v[1])) for k, v in q.items()} for f, q in out.items()}


def climate_quantities(result: Any, network: SymbiosisNetwork, method: str) -> dict[str, dict]:
    """Per facility: ``own_inventory`` and ``avoided_credit`` (t CO2-eq) for ``method``."""
    fac = result.facilities
    fac = fac[fac["method"] == method]
    if fac.empty or not is_kg_co2(str(fac["unit"].iloc[0])):
        return {}
    scale, _ = display_scale(str(fac["unit"].iloc[0]))
    exchanges_of: dict[str, list[str]] = defaultdict(list)
    for ex in network.operating_exchanges():
        exchanges_of[ex.supplier].append(ex.id)
        exchanges_of[ex.receiver].append(ex.id)
    declares = {f.id for f in network.facilities if f.inventory}
    out: dict[str, dict] = defaultdict(dict)
    for row in fac.itertuples():
        fid = str(row.facility)
        if fid in declares and math.isfinite(float(row.own_inventory)):
            out[fid]["own_inventory"] = (float(row.own_inventory) * scale, [])
        credit = float(row.credit)
        if row.rule != "network" and fid in exchanges_of and math.isfinite(credit):
            out[fid]["avoided_credit"] = (credit * scale, exchanges_of[fid])
    return dict(out)


def datapoints_table(
    result: Any,
    network: SymbiosisNetwork,
    *,
    method: str | None = None,
    mapping: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per datapoint the network feeds, per facility (columns :data:`COLUMNS`).

    ``method`` is the climate method of the GHG rows (default: the result's headline
    method). Rows follow the facility order of the network, then the mapping's order.
    """
    mapping = mapping or load_datapoint_mapping()
    prov = result.provenance
    method = method or prov.get("headline_method") or result.methods[0]
    rule = str(prov.get("crediting_rule", ""))
    physical = physical_quantities(network)
    climate = climate_quantities(result, network, method)
    rows = []
    for facility in network.facilities:
        have = {**physical.get(facility.id, {}), **climate.get(facility.id, {})}
        for dp in mapping["datapoints"]:
            if dp["quantity"] not in have:
                continue
            value, exchanges = have[dp["quantity"]]
            ghg = dp["quantity"] in ("own_inventory", "avoided_credit")
            rows.append(
                {
                    "facility": facility.id,
                    "name": facility.name,
                    "standard": dp["standard"],
                    "disclosure": dp["disclosure"],
                    "reference": dp["reference"],
                    "datapoint": dp["datapoint"],
                    "value": value,
                    "unit": dp["unit"],
                    "basis": dp["basis"],
                    "caveat": dp["caveat"],
                    "exchanges": ", ".join(exchanges),
                    "method": method if ghg else "",
                    "rule": rule if dp["quantity"] == "avoided_credit" else "",
                    "reporting_year": network.network.reporting_year,
                    "id": dp["id"],
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula (leading = + - @ tab CR quoted)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def datapoints_csv(frame: pd.DataFrame) -> bytes:
    """The datapoints as CSV (UTF-8); text cells cannot start a spreadsheet formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rec in frame[COLUMNS].itertuples(index=False):
        writer.writerow([_cell(v) if not isinstance(v, float) else repr(v) for v in rec])
    return buffer.getvalue().encode("utf-8")


def datapoints_json(frame: pd.DataFrame, *, sources: Mapping[str, str] | None = None) -> bytes:
    """The datapoints as JSON: ``{"sources": {...}, "datapoints": [records]}``."""
    sources = sources if sources is not None else load_datapoint_mapping().get("sources", {})
    records = [
        {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
        for r in frame[COLUMNS].to_dict("records")
    ]
    return json.dumps(
        {"sources": dict(sources), "datapoints": records}, indent=2, ensure_ascii=False
    ).encode("utf-8")
