"""lcasym-open: the shipped, openly licensed background database.

The database is kept as readable files in ``databases/open_background/``:

* ``metadata.yaml``  name, version, accounting basis, CO2e split rule, licence summary;
* ``activities.csv`` one row per activity (``code``, ``name``, ``reference_product``,
  ``location``, ``unit``, ``group``, ``series``, ``year``, ``on_site``, ``placeholder``,
  ``properties``, ``incomplete_for``, ``comment``);
* ``exchanges.csv``  one row per input or emission (``activity``, ``type``, ``target``,
  ``target_name``, ``target_categories``, ``amount``, ``unit``, ``source_id``,
  ``derivation``, ``uncertainty_type``, ``loc``, ``scale``, ``minimum``, ``maximum``);
* ``sources.csv``    ``source_id``, ``citation``, ``licence``, ``confidence``.

The production exchange is implied: every activity produces 1 unit of its reference product.
Loading and validation are pure (no Brightway); :func:`install_open_background` writes the
validated data into the active bw2data project.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lcasym.background.open_build import parse_flag, parse_properties, validate_open_background
from lcasym.errors import BackgroundError, DataFileError
from lcasym.paths import databases_dir

__all__ = [
    "BIOSPHERE_DB",
    "OPEN_DB_NAME",
    "OpenBackground",
    "biosphere_codes_from_project",
    "default_directory",
    "install_open_background",
    "load_open_background",
    "open_background_version",
    "to_brightway_data",
    "validate_open_background",
]

log = logging.getLogger(__name__)

OPEN_DB_NAME = "lcasym-open"
BIOSPHERE_DB = "biosphere3"
SUBDIR = "open_background"

ACTIVITY_COLUMNS = (
    "code",
    "name",
    "reference_product",
    "location",
    "unit",
    "group",
    "series",
    "year",
    "on_site",
    "placeholder",
    "properties",
    "incomplete_for",
    "comment",
)
EXCHANGE_COLUMNS = (
    "activity",
    "type",
    "target",
    "target_name",
    "target_categories",
    "amount",
    "unit",
    "source_id",
    "derivation",
    "uncertainty_type",
    "loc",
    "scale",
    "minimum",
    "maximum",
)
SOURCE_COLUMNS = ("source_id", "citation", "licence", "confidence")
NUMERIC_EXCHANGE_COLUMNS = ("amount", "loc", "scale", "minimum", "maximum")


@dataclass(frozen=True, eq=False)
class OpenBackground:
    """The open background data as read from its files (no Brightway objects).

    Attributes
    ----------
    metadata
        Contents of ``metadata.yaml``.
    activities, exchanges, sources
        The three CSV tables; text columns are ``str`` ("" when empty), numeric exchange
        columns are ``float`` (NaN when empty or not a number).
    directory
        Folder the files were read from.
    """

    metadata: dict[str, Any]
    activities: pd.DataFrame
    exchanges: pd.DataFrame
    sources: pd.DataFrame
    directory: Path | None = field(default=None)

    @property
    def version(self) -> str:
        """Database version from ``metadata.yaml`` (e.g. ``"2026.1"``)."""
        return str(self.metadata.get("version", ""))


def default_directory() -> Path:
    """Folder of the shipped lcasym-open files (``databases_dir()/open_background``)."""
    return databases_dir() / SUBDIR


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise DataFileError(
            f"{path}: file not found; lcasym-open needs it (see databases/README.md)"
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except Exception as exc:  # pandas raises several kinds
        raise DataFileError(f"{path}: cannot be read as CSV ({exc})") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {missing}; expected {list(columns)}")
    return frame.apply(lambda col: col.str.strip())


def load_open_background(directory: Path | None = None) -> OpenBackground:
    """Read the lcasym-open files (pure: no Brightway project is touched).

    Parameters
    ----------
    directory
        Folder holding ``metadata.yaml`` and the three CSV files; default
        ``databases_dir()/"open_background"``.

    Raises
    ------
    DataFileError
        If a file is missing, unreadable or lacks a required column.
    """
    folder = Path(directory) if directory is not None else default_directory()
    meta_path = folder / "metadata.yaml"
    if not meta_path.is_file():
        raise DataFileError(f"{meta_path}: file not found")
    try:
        metadata = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataFileError(f"{meta_path}: invalid YAML ({exc})") from exc
    if not isinstance(metadata, dict):
        raise DataFileError(f"{meta_path}: expected a mapping of keys to values")
    activities = _read_csv(folder / "activities.csv", ACTIVITY_COLUMNS)
    exchanges = _read_csv(folder / "exchanges.csv", EXCHANGE_COLUMNS)
    for col in NUMERIC_EXCHANGE_COLUMNS:
        exchanges[col] = pd.to_numeric(exchanges[col], errors="coerce").astype(float)
    sources = _read_csv(folder / "sources.csv", SOURCE_COLUMNS)
    return OpenBackground(metadata, activities, exchanges, sources, folder)


@cache
def _shipped_version() -> str:
    meta = yaml.safe_load((default_directory() / "metadata.yaml").read_text(encoding="utf-8"))
    return str(meta["version"])


def open_background_version() -> str:
    """Version of the shipped lcasym-open database (``metadata.yaml`` key ``version``)."""
    return _shipped_version()


def _uncertainty_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """Brightway uncertainty keys of one exchange row (stats_arrays ids)."""
    raw = str(row.get("uncertainty_type", "") or "").strip()
    kind = int(float(raw)) if raw else 0
    out: dict[str, Any] = {"uncertainty type": kind}
    amount = float(row["amount"])
    loc = row.get("loc")
    if kind == 2 and (loc is None or math.isnan(loc)):
        loc = math.log(abs(amount))  # lognormal: loc = ln(amount) when not given
    out["loc"] = amount if loc is None or math.isnan(loc) else float(loc)
    for key in ("scale", "minimum", "maximum"):
        value = row.get(key)
        if value is not None and not math.isnan(value):
            out[key] = float(value)
    return out


def to_brightway_data(
    data: OpenBackground, db_name: str = OPEN_DB_NAME
) -> dict[tuple[str, str], dict[str, Any]]:
    """Build the ``bw2data.Database.write()`` dictionary.

    Each activity gets a production exchange of 1 unit, its technosphere inputs
    (``input = (db_name, target)``) and biosphere flows (``input = ("biosphere3", code)``),
    and the attributes ``incomplete_for``, ``lcasym_series`` and ``lcasym_year`` (grid
    electricity by year), ``lcasym_on_site`` (runs at the site of the facility that uses its
    product: boilers, furnaces, combustion), ``lcasym_placeholder`` (a stand-in with no or
    partial burdens) and ``lcasym_properties`` (declared numbers such as a fuel's heating
    value).
    Every exchange carries ``source_id`` and a ``comment`` = ``"<source_id>: <derivation>"``.
    """
    db: dict[tuple[str, str], dict[str, Any]] = {}
    for act in data.activities.to_dict("records"):
        key = (db_name, act["code"])
        db[key] = {
            "name": act["name"],
            "reference product": act["reference_product"],
            "location": act["location"],
            "unit": act["unit"],
            "type": "process",
            "code": act["code"],
            "database": db_name,
            "comment": act["comment"],
            "lcasym_group": act["group"],
            "incomplete_for": act["incomplete_for"],
            "lcasym_series": act["series"] or None,
            "lcasym_year": int(act["year"]) if act["year"] else None,
            "lcasym_on_site": parse_flag(act["on_site"]),
            "lcasym_placeholder": parse_flag(act["placeholder"]),
            "lcasym_properties": parse_properties(act["properties"]),
            "lcasym_version": data.version,
            "exchanges": [{"input": key, "amount": 1.0, "type": "production", "unit": act["unit"]}],
        }
    for row in data.exchanges.to_dict("records"):
        key = (db_name, row["activity"])
        if key not in db:
            raise DataFileError(
                f"exchanges.csv: activity {row['activity']!r} is not in activities.csv"
            )
        source = BIOSPHERE_DB if row["type"] == "biosphere" else db_name
        exc = {
            "input": (source, row["target"]),
            "amount": float(row["amount"]),
            "type": row["type"],
            "unit": row["unit"],
            "source_id": row["source_id"],
            "comment": f"{row['source_id']}: {row['derivation']}",
        }
        if row["type"] == "biosphere":
            exc["name"] = row["target_name"]
        exc.update(_uncertainty_fields(row))
        db[key]["exchanges"].append(exc)
    return db


def biosphere_codes_from_project(
    name: str = BIOSPHERE_DB,
) -> dict[str, tuple[str, tuple[str, ...], str]]:
    """Map code → (name, categories, unit) for every flow of ``name`` in the active project."""
    import bw2data as bd

    if name not in bd.databases:
        raise BackgroundError(
            f"the active Brightway project {bd.projects.current!r} has no {name!r} database; "
            "run lcasym setup (bw2io.create_default_biosphere3()) first"
        )
    return {
        node["code"]: (node["name"], tuple(node.get("categories") or ()), node.get("unit", ""))
        for node in bd.Database(name)
    }


def _metadata_summary(data: OpenBackground) -> dict[str, Any]:
    meta = data.metadata
    sources = data.sources
    return {
        "lcasym_version": data.version,
        "lcasym_name": meta.get("name", OPEN_DB_NAME),
        "lcasym_date": str(meta.get("date", "")),
        "lcasym_description": meta.get("description", ""),
        "lcasym_electricity_accounting_basis": meta.get("electricity_accounting_basis", ""),
        "lcasym_co2e_split_rule": meta.get("co2e_split_rule", ""),
        "lcasym_gwp_convention": meta.get("gwp_convention_for_splits", ""),
        "lcasym_licence_summary": meta.get("licence_summary", ""),
        "lcasym_licences": sorted(set(sources["licence"])),
        "lcasym_sources": {
            r["source_id"]: {"citation": r["citation"], "licence": r["licence"]}
            for r in sources.to_dict("records")
        },
    }


def install_open_background(db_name: str = OPEN_DB_NAME, *, directory: Path | None = None) -> int:
    """Validate and write lcasym-open into the active bw2data project.

    The project must already hold ``biosphere3``. Metadata (``lcasym_version``, sources,
    licences, accounting basis) is stored in ``bw2data.databases[db_name]``.

    Returns
    -------
    int
        Number of activities written.

    Raises
    ------
    BackgroundError
        If the project has no ``biosphere3``.
    DataFileError
        If validation finds problems (all are listed in the message).
    """
    import bw2data as bd

    data = load_open_background(directory)
    problems = validate_open_background(data, biosphere_codes_from_project())
    if problems:
        raise DataFileError(
            f"{len(problems)} problem(s) in lcasym-open ({data.directory}):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    records = to_brightway_data(data, db_name)
    database = bd.Database(db_name)
    database.register(**_metadata_summary(data))
    database.write(records)
    bd.databases[db_name].update(_metadata_summary(data))
    bd.databases.flush()
    log.info(
        "installed %s version %s: %d activities in project %s",
        db_name,
        data.version,
        len(records),
        bd.projects.current,
    )
    return len(records)
