"""Background activity lookup, shared by validation and the inventory builder.

A :class:`BackgroundIndex` holds light records (:class:`ActivityInfo`) of the activities a
network may link to: those of Brightway databases in the active project, of the shipped open
background files, and the network's own custom activities. References are resolved by code
(in ``ref.database`` or the default database) or by name + reference product + location;
failures say "did you mean ...?".

Year-dependent activities (grid electricity of lcasym-open) form a *series*: one activity per
year (``lcasym_series`` = the series code, ``lcasym_year`` = the year) and one activity that
stands for the series itself (code = series, no year). A reference that resolves to the
series activity is replaced by the member of the index's ``year`` (the network's
``background.year``, else its reporting year); when that year is missing, by the nearest year
(ties: the later one). A reference to a member (``electricity_grid_dk_2010``) and any
activity of a database without series (a user's own) keep the exact lookup.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from lcasym.errors import BackgroundError
from lcasym.inventory import naming
from lcasym.network.model import ActivityRef, SymbiosisNetwork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActivityInfo:
    """What lcasym needs to know about an activity it links to."""

    database: str
    code: str
    name: str
    reference_product: str | None
    location: str | None
    unit: str
    series: str | None = None
    year: int | None = None
    on_site: bool = False
    placeholder: bool = False
    #: ``incomplete_for`` text; None when the database does not say (no lcasym metadata).
    incomplete_for: str | None = None
    properties: tuple[tuple[str, float], ...] = field(default=())
    kind: str | None = None  # Brightway "type": "process", "emission", "natural resource"...

    def prop(self, key: str) -> float | None:
        """A declared property (e.g. ``fuel_lhv_mj_per_kg``), or None."""
        return dict(self.properties).get(key)

    @property
    def is_series(self) -> bool:
        """True for the activity that stands for a whole series (it has no year)."""
        return bool(self.series) and self.year is None

    def label(self) -> str:
        """Human-readable label: ``'code' (name | product | location, unit)``."""
        details = " | ".join(p for p in (self.name, self.reference_product, self.location) if p)
        return f"{self.code!r} ({details}, {self.unit})"


class BackgroundIndex:
    """Lookup of activities by code or by name, with fuzzy suggestions.

    Parameters
    ----------
    activities
        The activities to index (several databases may be mixed).
    versions
        Installed version of each database, when known (checked against
        ``network.background.version``).
    local_database
        A database whose codes win when a reference gives a code without a database (the
        network's custom activities; see :func:`network_index`).
    project_databases
        Every database of the Brightway project (named in "not available" messages).
    year
        Year that series references resolve to (None: series activities stay as they are).
    """

    def __init__(
        self,
        activities: Iterable[ActivityInfo],
        *,
        versions: Mapping[str, str | None] | None = None,
        local_database: str | None = None,
        project_databases: Iterable[str] = (),
        year: int | None = None,
    ) -> None:
        self._by_code: dict[str, dict[str, ActivityInfo]] = {}
        self._by_name: dict[tuple[str, str], list[ActivityInfo]] = {}
        self._series: dict[tuple[str, str], dict[int, ActivityInfo]] = {}
        self.year = year
        for info in activities:
            self._by_code.setdefault(info.database, {})[info.code] = info
            key = (info.database, info.name.strip().casefold())
            self._by_name.setdefault(key, []).append(info)
            if info.series and info.year is not None:
                self._series.setdefault((info.database, info.series), {})[info.year] = info
        self.versions: dict[str, str | None] = dict(versions or {})
        for db in self._by_code:
            self.versions.setdefault(db, None)
        self.local_database = local_database
        self.project_databases: tuple[str, ...] = tuple(project_databases)

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_brightway(cls, databases: Sequence[str]) -> BackgroundIndex:
        """Index databases of the ACTIVE Brightway project (the caller opens it).

        Raises
        ------
        BackgroundError
            If a database is not in the project; the message says how to add it.
        """
        import bw2data as bd

        missing = [db for db in databases if db not in bd.databases]
        if missing:
            have = ", ".join(sorted(bd.databases)) or "none"
            raise BackgroundError(
                f"database(s) {', '.join(map(repr, missing))} not found in Brightway project "
                f"{bd.projects.current!r} (it has: {have}). Run 'lcasym setup' to install "
                "the open background 'lcasym-open', or import your licensed database (e.g. "
                "ecoinvent) into this project with bw2io, or change network.background.database"
            )
        records: list[ActivityInfo] = []
        versions: dict[str, str | None] = {}
        for db in databases:
            meta = bd.databases[db]
            version = meta.get("version", meta.get("lcasym_version"))
            versions[db] = None if version is None else str(version)
            records += _database_records(db)
        log.info("indexed %d activities from %s", len(records), ", ".join(databases))
        available = sorted(n for n in bd.databases if not bd.databases[n].get("lcasym_build"))
        return cls(records, versions=versions, project_databases=available)

    @classmethod
    def from_open_background(cls) -> BackgroundIndex:
        """Index the shipped open background files (no Brightway needed)."""
        from lcasym.background.open_build import parse_flag, parse_properties
        from lcasym.background.open_data import OPEN_DB_NAME, load_open_background

        data = load_open_background()
        records = [
            ActivityInfo(
                database=OPEN_DB_NAME,
                code=str(row["code"]),
                name=str(row["name"]),
                reference_product=row.get("reference_product") or None,
                location=row.get("location") or None,
                unit=str(row["unit"]),
                series=row.get("series") or None,
                year=int(row["year"]) if row.get("year") else None,
                on_site=parse_flag(row.get("on_site")),
                placeholder=parse_flag(row.get("placeholder")),
                incomplete_for=str(row.get("incomplete_for") or ""),
                properties=tuple(sorted(parse_properties(row.get("properties")).items())),
            )
            for row in data.activities.to_dict("records")
        ]
        version = getattr(data, "version", None) or None
        return cls(records, versions={OPEN_DB_NAME: None if version is None else str(version)})

    # -- queries ------------------------------------------------------------------------
    @property
    def databases(self) -> list[str]:
        """Names of the indexed databases."""
        return list(self._by_code)

    def activities(self, database: str | None = None) -> list[ActivityInfo]:
        """All indexed activities (of one database if given)."""
        if database is not None:
            return list(self._by_code.get(database, {}).values())
        return [a for acts in self._by_code.values() for a in acts.values()]

    def get(self, database: str, code: str) -> ActivityInfo | None:
        """Return the activity with this code in this database, or None."""
        return self._by_code.get(database, {}).get(code)

    def resolve(self, ref: ActivityRef, *, default_database: str) -> ActivityInfo:
        """Return the activity ``ref`` points to.

        By code: in ``ref.database``, else in the local (custom) database if it has the code,
        else in ``default_database``. By name: name (case-insensitive), then
        ``reference_product`` and ``location`` if given, in ``ref.database`` or
        ``default_database`` (then the local database).

        Raises
        ------
        BackgroundError
            (a ``LookupError``) if nothing or several activities match, with suggestions.
        """
        info = (
            self._resolve_code(ref, default_database)
            if ref.code
            else self._resolve_name(ref, default_database)
        )
        return self.by_year(info)

    # -- year-dependent series ------------------------------------------------------------
    def series_years(self, info: ActivityInfo) -> list[int]:
        """Years available in the series of ``info`` (empty if it has none)."""
        if not info.series:
            return []
        return sorted(self._series.get((info.database, info.series), {}))

    def nearest_year(self, info: ActivityInfo, year: int) -> int | None:
        """The year of ``info``'s series closest to ``year`` (ties: the later), or None."""
        years = self.series_years(info)
        if not years:
            return None
        return min(years, key=lambda y: (abs(y - year), -y))

    def by_year(self, info: ActivityInfo, year: int | None = None) -> ActivityInfo:
        """The member of ``info``'s series for ``year`` (default: the index's year).

        Returns ``info`` unchanged when it is not a series activity or no year is set.
        """
        year = self.year if year is None else year
        if not info.is_series or year is None:
            return info
        used = self.nearest_year(info, year)
        if used is None:
            return info
        return self._series[(info.database, str(info.series))][used]

    def exact(self, ref: ActivityRef, *, default_database: str) -> ActivityInfo:
        """Like :meth:`resolve` but without the year step (the activity the ref names)."""
        if ref.code:
            return self._resolve_code(ref, default_database)
        return self._resolve_name(ref, default_database)

    def _resolve_code(self, ref: ActivityRef, default_database: str) -> ActivityInfo:
        code = str(ref.code)
        if ref.database is None and self.local_database:
            found = self.get(self.local_database, code)
            if found is not None:
                return found
        database = ref.database or default_database
        self._require_database(database, ref)
        found = self.get(database, code)
        if found is not None:
            return found
        raise BackgroundError(
            f"activity code {code!r} not found in database {database!r}"
            + self._did_you_mean(code, database)
        )

    def _resolve_name(self, ref: ActivityRef, default_database: str) -> ActivityInfo:
        name = str(ref.name).strip().casefold()
        dbs = [ref.database] if ref.database else [default_database]
        if not ref.database and self.local_database:
            dbs.append(self.local_database)
        self._require_database(dbs[0], ref)
        for database in dbs:
            candidates = [
                a
                for a in self._by_name.get((database, name), [])
                if _same(ref.reference_product, a.reference_product)
                and _same(ref.location, a.location)
            ]
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                listed = "; ".join(c.label() for c in candidates[:5])
                raise BackgroundError(
                    f"{len(candidates)} activities in {database!r} match {ref.label()!r}: "
                    f"{listed}. Add reference_product and location, or give the code"
                )
        raise BackgroundError(
            f"no activity named {ref.label()!r} in database {dbs[0]!r}"
            + self._did_you_mean(str(ref.name), dbs[0])
        )

    def _require_database(self, database: str, ref: ActivityRef) -> None:
        if database not in self._by_code:
            have = ", ".join(map(repr, self._by_code)) or "none"
            raise BackgroundError(
                f"activity {ref.label()!r} refers to database {database!r}, which is not "
                f"available (available: {have}); install it in the Brightway project or "
                "correct the database name"
            )

    def _did_you_mean(self, text: str, database: str) -> str:
        hits = self.suggest(text, database=database)
        if not hits:
            return "; check the spelling, or list the database's activities"
        labels = [self._by_code[database][c].label() for c in hits]
        return "; did you mean " + " or ".join(labels) + "?"

    def suggest(self, text: str, limit: int = 3, *, database: str | None = None) -> list[str]:
        """Codes of the activities whose code or name is closest to ``text``."""
        acts = self.activities(database)
        if not acts or not text:
            return []
        choices: dict[int, str] = {}
        owners: list[ActivityInfo] = []
        for a in acts:
            for choice in (a.code, a.name):
                choices[len(owners)] = choice
                owners.append(a)
        hits = process.extract(
            text,
            choices,
            scorer=fuzz.WRatio,
            limit=limit * 3,
            score_cutoff=60,
            processor=str.casefold,
        )
        out: list[str] = []
        for _choice, _score, key in hits:
            code = owners[key].code
            if code not in out:
                out.append(code)
        return out[:limit]


def _info_from_node(database: str, act) -> ActivityInfo:
    """An :class:`ActivityInfo` from a bw2data node (lcasym attributes when present)."""
    year = act.get("lcasym_year")
    props = act.get("lcasym_properties") or {}
    incomplete = act.get("incomplete_for")
    return ActivityInfo(
        database=database,
        code=str(act["code"]),
        name=str(act.get("name") or act["code"]),
        reference_product=act.get("reference product"),
        location=act.get("location"),
        unit=str(act.get("unit") or ""),
        series=act.get("lcasym_series") or None,
        year=int(year) if year is not None else None,
        on_site=bool(act.get("lcasym_on_site", False)),
        placeholder=bool(act.get("lcasym_placeholder", False)),
        incomplete_for=None if incomplete is None else str(incomplete),
        properties=tuple(sorted((str(k), float(v)) for k, v in dict(props).items())),
        kind=act.get("type"),
    )


def background_year(network: SymbiosisNetwork) -> int:
    """The year series references resolve to: ``background.year``, else the reporting year."""
    info = network.network
    return int(info.background.year if info.background.year is not None else info.reporting_year)


#: Records of recently indexed databases, by (project directory, database, change stamp).
_RECORDS: dict[tuple, tuple[ActivityInfo, ...]] = {}
_RECORDS_LOCK = threading.Lock()
_MAX_RECORDS = 8


def _database_records(database: str) -> tuple[ActivityInfo, ...]:
    """The activities of one database of the active project, read once per change.

    One SQL query over the node table (no bw2data proxy per activity); kept per process
    until the database's ``modified`` / ``processed`` stamp changes.
    """
    import bw2data as bd
    from bw2data.backends import ActivityDataset as Nodes

    meta = bd.databases[database]
    key = (str(bd.projects.dir), database, meta.get("modified"), meta.get("processed"))
    with _RECORDS_LOCK:
        hit = _RECORDS.get(key)
    if hit is not None:
        return hit
    query = Nodes.select(Nodes.code, Nodes.data).where(Nodes.database == database)
    records = tuple(
        _info_from_node(database, {**data, "code": code}) for code, data in query.tuples()
    )
    with _RECORDS_LOCK:
        _RECORDS[key] = records
        while len(_RECORDS) > _MAX_RECORDS:
            _RECORDS.pop(next(iter(_RECORDS)))
    return records


def _same(wanted: str | None, actual: str | None) -> bool:
    if not wanted:
        return True
    return (actual or "").strip().casefold() == wanted.strip().casefold()


def network_index(network: SymbiosisNetwork, background: BackgroundIndex) -> BackgroundIndex:
    """Return ``background`` plus the network's custom activities.

    Custom activities go in ``naming.custom_database(network.network.id)``; a plain string
    code refers to a custom activity when one has that id, else to the background database.
    Calling it on an index that already holds the custom database replaces those records.
    Series references resolve to :func:`background_year` of the network.
    """
    custom_db = naming.custom_database(network.network.id)
    records = [a for a in background.activities() if a.database != custom_db]
    records += [
        ActivityInfo(
            database=custom_db,
            code=c.id,
            name=c.name,
            reference_product=c.reference_product,
            location=c.location,
            unit=c.unit,
        )
        for c in network.custom_activities
    ]
    versions = {k: v for k, v in background.versions.items() if k != custom_db}
    return BackgroundIndex(
        records,
        versions=versions,
        local_database=custom_db,
        year=background_year(network),
        project_databases=background.project_databases,
    )
