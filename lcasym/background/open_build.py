"""Validation of the lcasym-open files (pure: no Brightway project needed).

Kept apart from :mod:`lcasym.background.open_data` to keep both modules short; import
:func:`validate_open_background` from either module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lcasym.background.categories import unknown_terms
from lcasym.units import UnitError, parse_unit

if TYPE_CHECKING:
    from lcasym.background.open_data import OpenBackground

__all__ = [
    "FORBIDDEN_SOURCES",
    "REQUIRED_METADATA",
    "parse_flag",
    "parse_properties",
    "split_ids",
    "validate_open_background",
]

#: Data whose licence forbids redistribution; no shipped source may cite them.
FORBIDDEN_SOURCES = re.compile(r"\b(ecoinvent|IEA|Agribalyse|ELCD)\b", re.IGNORECASE)
REQUIRED_METADATA = ("name", "version", "date", "description", "electricity_accounting_basis")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UNCERTAINTY_TYPES = {0, 1, 2, 3, 4, 5}

BiosphereCodes = Mapping[str, tuple[str, tuple[str, ...], str]]


def split_ids(value: str) -> list[str]:
    """Split a ``source_id`` cell (``"A;B"``) into its ids."""
    return [part.strip() for part in str(value).split(";") if part.strip()]


_FLAGS = {"true": True, "false": False, "": False}


def parse_flag(value: Any) -> bool:
    """``"true"``/``"false"`` (or empty) of a flag column as a bool; ValueError otherwise."""
    text = str(value or "").strip().casefold()
    if text not in _FLAGS:
        raise ValueError(f"{value!r} is not true or false")
    return _FLAGS[text]


def parse_properties(value: Any) -> dict[str, float]:
    """A ``properties`` cell (``"key=1.5; other=2"``) as a dict of floats.

    Raises
    ------
    ValueError
        For a part without ``=``, an empty key or a value that is not a finite number.
    """
    out: dict[str, float] = {}
    for part in str(value or "").split(";"):
        if not part.strip():
            continue
        key, sep, raw = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"{part.strip()!r} is not 'key=value'")
        number = float(raw)
        if not math.isfinite(number):
            raise ValueError(f"{key}: {raw.strip()!r} is not a finite number")
        out[key] = number
    return out


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _check_unit(unit: str, where: str, problems: list[str]) -> None:
    try:
        parse_unit(unit)
    except UnitError as exc:
        problems.append(f"{where}: {exc}")


def _check_uncertainty(row: Mapping[str, Any], where: str, problems: list[str]) -> None:
    """Check stats_arrays parameters: 2 lognormal, 3 normal, 4 uniform, 5 triangular."""
    raw = str(row.get("uncertainty_type", "") or "").strip()
    if not raw:
        return
    try:
        kind = int(float(raw))
    except ValueError:
        problems.append(f"{where}: uncertainty_type {raw!r} is not an integer")
        return
    if kind not in _UNCERTAINTY_TYPES:
        problems.append(f"{where}: uncertainty_type {kind} not supported (use 2, 3, 4 or 5)")
        return
    amount, lo, hi = row["amount"], row["minimum"], row["maximum"]
    if kind in (2, 3) and not (_finite(row["scale"]) and row["scale"] > 0):
        problems.append(f"{where}: uncertainty_type {kind} needs a positive 'scale'")
    if kind in (4, 5):
        if not (_finite(lo) and _finite(hi) and lo < hi):
            problems.append(f"{where}: uncertainty_type {kind} needs minimum < maximum")
        elif _finite(amount) and not lo <= amount <= hi:
            problems.append(f"{where}: amount {amount} outside [minimum, maximum] [{lo}, {hi}]")


def _check_metadata(data: OpenBackground, problems: list[str]) -> None:
    for key in REQUIRED_METADATA:
        if not str(data.metadata.get(key, "") or "").strip():
            problems.append(f"metadata.yaml: key {key!r} is missing or empty")


def _check_sources(data: OpenBackground, problems: list[str]) -> dict[str, str]:
    licences: dict[str, str] = {}
    for i, row in enumerate(data.sources.to_dict("records"), start=2):
        sid = row["source_id"]
        where = f"sources.csv line {i} ({sid!r})"
        if not sid:
            problems.append(f"sources.csv line {i}: empty source_id")
            continue
        if sid in licences:
            problems.append(f"{where}: duplicate source_id")
        if not row["licence"]:
            problems.append(f"{where}: no licence; every source needs one")
        if not row["citation"]:
            problems.append(f"{where}: no citation")
        text = f"{row['citation']} {row['licence']}"
        if FORBIDDEN_SOURCES.search(text):
            problems.append(f"{where}: cites non-redistributable data ({text[:80]!r})")
        licences[sid] = row["licence"]
    return licences


def _check_activities(data: OpenBackground, problems: list[str]) -> dict[str, str]:
    units: dict[str, str] = {}
    for i, row in enumerate(data.activities.to_dict("records"), start=2):
        code = row["code"]
        where = f"activities.csv line {i} ({code!r})"
        if not code:
            problems.append(f"activities.csv line {i}: empty code")
            continue
        if code in units:
            problems.append(f"{where}: duplicate activity code")
        for col in ("name", "reference_product", "location", "group"):
            if not row[col]:
                problems.append(f"{where}: empty {col}")
        _check_unit(row["unit"], where, problems)
        _check_extras(row, where, problems)
        units[code] = row["unit"]
    _check_series(data, problems)
    return units


def _check_extras(row: Mapping[str, Any], where: str, problems: list[str]) -> None:
    """Flags, year, properties and the ``incomplete_for`` vocabulary of one activity row."""
    for col in ("on_site", "placeholder"):
        try:
            parse_flag(row.get(col, ""))
        except ValueError as exc:
            problems.append(f"{where}: {col} {exc}")
    year = str(row.get("year", "") or "")
    if year:
        if not year.isdigit() or not 1900 <= int(year) <= 2100:
            problems.append(f"{where}: year {year!r} is not a year between 1900 and 2100")
        if not row.get("series"):
            problems.append(f"{where}: a year needs a series (the code without the year)")
    try:
        parse_properties(row.get("properties", ""))
    except ValueError as exc:
        problems.append(f"{where}: properties: {exc}")
    bad = unknown_terms(row.get("incomplete_for", ""))
    if bad:
        problems.append(
            f"{where}: incomplete_for term(s) {bad} not in the vocabulary of "
            "lcasym.background.categories (e.g. 'acidification', 'all except climate change')"
        )


def _check_series(data: OpenBackground, problems: list[str]) -> None:
    """Each series has one alias row (code = series, no year) and unique member years."""
    rows = [r for r in data.activities.to_dict("records") if r.get("series")]
    series = {r["series"] for r in rows}
    for name in sorted(series):
        members = [r for r in rows if r["series"] == name]
        aliases = [r for r in members if not r.get("year")]
        if len(aliases) != 1 or aliases[0]["code"] != name:
            problems.append(
                f"activities.csv: series {name!r} needs exactly one row with code {name!r} and "
                "an empty year (the series itself)"
            )
        years = [r["year"] for r in members if r.get("year")]
        if not years:
            problems.append(f"activities.csv: series {name!r} has no year")
        if len(years) != len(set(years)):
            problems.append(f"activities.csv: series {name!r} repeats a year")


def _check_exchange(
    i: int,
    row: Mapping[str, Any],
    units: Mapping[str, str],
    licences: Mapping[str, str],
    biosphere: BiosphereCodes | None,
    problems: list[str],
) -> None:
    where = f"exchanges.csv line {i} ({row['activity']} → {row['target']})"
    if row["activity"] not in units:
        problems.append(f"{where}: activity {row['activity']!r} is not in activities.csv")
    if not _finite(row["amount"]):
        problems.append(f"{where}: amount is not a finite number")
    _check_unit(row["unit"], where, problems)
    ids = split_ids(row["source_id"])
    if not ids:
        problems.append(f"{where}: no source_id")
    for sid in ids:
        if sid not in licences:
            problems.append(f"{where}: source_id {sid!r} is not in sources.csv")
        elif not licences[sid]:
            problems.append(f"{where}: source {sid!r} has no licence")
    if not row["derivation"]:
        problems.append(f"{where}: empty derivation")
    _check_uncertainty(row, where, problems)
    kind, target = row["type"], row["target"]
    if kind == "technosphere":
        if target not in units:
            problems.append(f"{where}: dangling link, no activity {target!r} in this database")
        elif units[target] != row["unit"]:
            problems.append(
                f"{where}: unit {row['unit']!r} differs from the target's unit {units[target]!r}"
            )
    elif kind == "biosphere":
        if not _UUID.match(target):
            problems.append(f"{where}: biosphere target {target!r} is not a flow code (UUID)")
            return
        if biosphere is None:
            return
        if target not in biosphere:
            problems.append(f"{where}: flow code {target} is not in biosphere3")
            return
        name, categories, unit = biosphere[target]
        cats = tuple(c for c in str(row["target_categories"]).split("::") if c)
        if name != row["target_name"] or tuple(categories) != cats:
            problems.append(
                f"{where}: flow {target} is {name!r} {'::'.join(categories)!r} in biosphere3, "
                f"not {row['target_name']!r} {row['target_categories']!r}"
            )
        if unit and unit != row["unit"]:
            problems.append(f"{where}: unit {row['unit']!r} differs from flow unit {unit!r}")
    else:
        problems.append(f"{where}: type {kind!r} must be 'biosphere' or 'technosphere'")


def validate_open_background(
    data: OpenBackground, biosphere_codes: BiosphereCodes | None = None
) -> list[str]:
    """Return every problem found in ``data`` (an empty list means valid).

    Checks: metadata keys; unique activity codes and source ids; units parse with
    :func:`lcasym.units.parse_unit`; every exchange names an existing activity, a finite
    amount, at least one source that exists and has a licence, a derivation, valid
    uncertainty parameters; technosphere targets exist with the same unit (no dangling
    links); biosphere targets are UUIDs and, when ``biosphere_codes`` (code → (name,
    categories, unit)) is given, exist in biosphere3 with the stated name, categories and
    unit; no source cites ecoinvent, IEA, Agribalyse or ELCD.
    """
    problems: list[str] = []
    _check_metadata(data, problems)
    licences = _check_sources(data, problems)
    units = _check_activities(data, problems)
    for i, row in enumerate(data.exchanges.to_dict("records"), start=2):
        _check_exchange(i, row, units, licences, biosphere_codes, problems)
    return problems
