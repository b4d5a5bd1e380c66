"""Set up, verify and repair lcasym's Brightway project, offline.

Three pieces, written in this order: ``biosphere3`` (bw2io's 4,709 ecoinvent-3.9 flows),
the LCIA methods of the requested families (:mod:`lcasym.background.lcia`) and lcasym's open
background database (:mod:`lcasym.background.open_data`).

A JSON marker in the project directory records the state: ``in_progress`` is written
before the first piece, ``complete`` (with the versions of lcasym, bw2data, bw2io and the
open background, and the families) after the last. A run that finds anything but a
complete, matching marker and intact pieces repairs what is missing or partial, so a
set-up killed half-way is never used half-built. A second run only checks and returns.

Repairs never delete what lcasym did not write. ``biosphere3`` is never deleted once it
holds flows: lcasym's flows that are missing are added back (existing flows keep their
ids, so every method and database linking to them stays valid) and flows a user added are
kept. Only methods lcasym wrote (metadata ``lcasym``) are rewritten; a user's method of
the same name is kept, or, if it is damaged, set-up refuses
(:class:`~lcasym.errors.ForeignDataError`). A damaged SQLite file is set aside (renamed,
not deleted, see :mod:`lcasym.background.health`); a user's database whose data was in it
is listed in the report's problems, so the command does not end with success.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from lcasym import __version__
from lcasym.background import health, lcia
from lcasym.background.project import (
    ProjectSettings,
    brightway_project,
    quiet_brightway,
    set_aside_files,
)
from lcasym.errors import DamagedProjectError, SetupError

log = logging.getLogger(__name__)

MARKER_FILE = "lcasym_setup.json"
VERSION_KEYS = ("lcasym", "bw2data", "bw2io", "open_background")
CODES_FILE = "lcasym_biosphere3_codes.txt"
BIOSPHERE_FLOWS = 4709
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class StepResult:
    """One set-up step: ``action`` is ``"written"``, ``"repaired"``, ``"kept"`` or ``"skipped"``."""

    name: str
    action: str
    seconds: float
    detail: str = ""


@dataclass(frozen=True)
class SetupReport:
    """What :func:`setup` or :func:`verify` found and did.

    Attributes
    ----------
    status
        ``"created"`` (first run), ``"verified"`` (nothing to do), ``"repaired"`` (an
        interrupted or outdated set-up was completed), ``"rebuilt"`` (``force``) or, from
        :func:`verify` only, ``"incomplete"`` (see ``problems``).
    problems
        What is wrong (from :func:`verify`), or what set-up could not put right (a user's
        database lost with a damaged file): ``ok`` is False then.
    notes
        What set-up did beyond the steps (damaged files set aside).
    """

    project: str
    directory: Path
    status: str
    steps: tuple[StepResult, ...] = ()
    biosphere_flows: int = 0
    method_count: int = 0
    families: tuple[str, ...] = ()
    open_background: str | None = None
    open_background_version: str | None = None
    open_background_activities: int = 0
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    elapsed: float = 0.0
    versions: dict[str, str | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the project is complete and usable."""
        return self.status != "incomplete" and not self.problems


# --- open background (another module; optional until it lands) --------------------------


def _open_background() -> Any | None:
    try:
        return importlib.import_module("lcasym.background.open_data")
    except ModuleNotFoundError as exc:
        if exc.name != "lcasym.background.open_data":
            raise
        return None


def _versions(families: Iterable[str]) -> dict[str, Any]:
    ob = _open_background()
    return {
        "lcasym": __version__,
        "bw2data": metadata.version("bw2data"),
        "bw2io": metadata.version("bw2io"),
        "open_background": ob.open_background_version() if ob else None,
        "families": sorted(set(families)),
    }


# --- marker ------------------------------------------------------------------------------


def _marker_path() -> Path:
    from bw2data import projects

    return Path(projects.dir) / MARKER_FILE


def read_marker() -> dict[str, Any] | None:
    """The current project's set-up marker, or None (absent or unreadable)."""
    try:
        return json.loads(_marker_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(data: dict[str, Any]) -> None:
    path = _marker_path()
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old or the new marker, never half


# --- inspection ----------------------------------------------------------------------------


def _db_state(name: str) -> tuple[int, bool]:
    """Node count and whether a complete processed datapackage exists."""
    from bw2data import Database, databases

    if name not in databases:
        return 0, False
    db = Database(name)
    return len(db), health.zip_problem(db.filepath_processed(), name) is None


def _processed_problem(name: str) -> str | None:
    from bw2data import Database

    return health.zip_problem(Database(name).filepath_processed(), name)


@functools.cache
def _expected_flows() -> tuple[dict[str, Any], ...]:
    """bw2io's biosphere flows (the ones ``lcasym setup`` writes), parsed once."""
    from bw2io.importers import Ecospold2BiosphereImporter

    with quiet_brightway():
        importer = Ecospold2BiosphereImporter()
        importer.apply_strategies()
    return tuple(importer.data)


def _biosphere_codes() -> set[str]:
    from bw2data.backends import ActivityDataset as Nodes

    query = Nodes.select(Nodes.code).where(Nodes.database == lcia.BIOSPHERE)
    return {code for (code,) in query.tuples()}


def _missing_flows() -> list[dict[str, Any]]:
    have = _biosphere_codes()
    return [flow for flow in _expected_flows() if flow["code"] not in have]


def _codes_path() -> Path:
    from bw2data import projects

    return Path(projects.dir) / CODES_FILE


def _write_expected_codes() -> None:
    """Record the codes of lcasym's biosphere flows in the project (for quick checks)."""
    codes = sorted(flow["code"] for flow in _expected_flows())
    path = _codes_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(codes) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _expected_codes(*, parse: bool) -> set[str] | None:
    """The codes of lcasym's flows: the project's record, else (``parse``) bw2io's data."""
    try:
        codes = set(_codes_path().read_text(encoding="utf-8").split())
    except OSError:
        codes = set()
    if len(codes) == BIOSPHERE_FLOWS:
        return codes
    return {flow["code"] for flow in _expected_flows()} if parse else None


def _biosphere_problems(*, deep: bool = True) -> list[str]:
    """Problems of lcasym's part of biosphere3 (flows a user added are not problems).

    lcasym's 4,709 flow codes must all be there (compared with the list recorded in the
    project at set-up; without it, ``deep`` parses bw2io's list, about 0.5 s, else only the
    count is checked). The processed datapackage must be intact.
    """
    from bw2data import databases

    if lcia.BIOSPHERE not in databases:
        return [f"{lcia.BIOSPHERE} is missing"]
    count, _ = _db_state(lcia.BIOSPHERE)
    if count < BIOSPHERE_FLOWS:
        return [f"{lcia.BIOSPHERE} has {count} flows, lcasym's {BIOSPHERE_FLOWS} are not all there"]
    expected = _expected_codes(parse=deep)
    missing = sorted(expected - _biosphere_codes()) if expected else []
    if missing:
        return [f"{lcia.BIOSPHERE} lacks {len(missing)} of lcasym's flows (e.g. code {missing[0]})"]
    problem = _processed_problem(lcia.BIOSPHERE)
    return [problem] if problem else []


def _method_label(name: tuple[str, ...]) -> str:
    return " | ".join(name)


def _method_problems(expected: dict[str, int]) -> list[str]:
    problems = []
    for family, count in expected.items():
        names = lcia.installed_methods([family])
        broken = [n for n in names if not lcia.method_is_complete(n)]
        complete = len(names) - len(broken)
        if complete < count or broken:
            detail = (
                f" (damaged or incomplete: {', '.join(map(_method_label, broken[:3]))}"
                + (", ..." if len(broken) > 3 else "")
                + ")"
                if broken
                else ""
            )
            problems.append(f"methods {family!r}: {complete} complete of {count}{detail}")
    return problems


def _open_background_problems(ob: Any | None) -> list[str]:
    if ob is None:
        return []
    from bw2data import databases

    name = ob.OPEN_DB_NAME
    count, _ = _db_state(name)
    if not count:
        return [f"open background {name!r} is missing"]
    stored = databases[name].get("lcasym_version")
    if stored != ob.open_background_version():
        return [
            f"open background {name!r} is version {stored}, lcasym ships "
            f"{ob.open_background_version()}"
        ]
    problem = _processed_problem(name)
    return [f"open background {problem}"] if problem else []


def _summary(settings: ProjectSettings, status: str, **kw: Any) -> SetupReport:
    from bw2data import databases

    ob = _open_background()
    families = tuple(kw.pop("families", ()))
    ob_name = ob.OPEN_DB_NAME if ob else None
    ob_count = _db_state(ob_name)[0] if ob_name else 0
    return SetupReport(
        project=settings.project,
        directory=settings.directory,
        status=status,
        biosphere_flows=_db_state(lcia.BIOSPHERE)[0],
        method_count=len(lcia.installed_methods(families)),
        families=families,
        open_background=ob_name if ob_count else None,
        open_background_version=(databases[ob_name].get("lcasym_version") if ob_count else None),
        open_background_activities=ob_count,
        **kw,
    )


def _inspect(families: list[str], expected: dict[str, int], *, deep: bool = True) -> list[str]:
    marker = read_marker()
    problems: list[str] = []
    if marker is None:
        problems.append("no set-up marker: `lcasym setup` has not completed here")
    elif marker.get("status") != "complete":
        problems.append(f"set-up marker says {marker.get('status')!r} (interrupted run)")
    else:
        current = _versions(families)
        for key in ("lcasym", "bw2data", "bw2io", "open_background"):
            if marker.get(key) != current[key]:
                problems.append(f"set up with {key} {marker.get(key)}, now {current[key]}")
        missing = set(families) - set(marker.get("families", []))
        if missing:
            problems.append(f"method families not set up: {', '.join(sorted(missing))}")
    problems += _biosphere_problems(deep=deep)
    problems += _method_problems(expected)
    problems += _open_background_problems(_open_background())
    return problems


def _expected_counts(families: list[str], marker: dict[str, Any] | None) -> dict[str, int]:
    """Methods per family, from the YAML/marker when known, else by reading bw2io's file."""
    known = {e["family"]: e["methods"] for e in lcia.family_config()}
    known.update((marker or {}).get("method_counts", {}))
    if any(f not in known for f in families):
        available = lcia.available_families()
        lcia._check_families(families, available)
        known.update(available)
    return {f: known[f] for f in families}


# --- public API ------------------------------------------------------------------------


def verify(project: str | None = None, directory: str | Path | None = None) -> SetupReport:
    """Check the project without changing it; ``status`` is ``verified`` or ``incomplete``.

    Raises
    ------
    SetupError
        If the project does not exist.
    """
    start = time.perf_counter()
    with brightway_project(project, directory, create=False) as settings, quiet_brightway():
        marker = read_marker() or {}
        families = list(marker.get("families") or lcia.default_families())
        expected = _expected_counts(families, marker)
        problems = _inspect(families, expected)
        return _summary(
            settings,
            "incomplete" if problems else "verified",
            families=families,
            problems=tuple(problems),
            versions={k: marker.get(k) for k in ("lcasym", "bw2data", "bw2io", "open_background")},
            elapsed=time.perf_counter() - start,
        )


def ensure_ready(
    project: str | None = None, directory: str | Path | None = None
) -> ProjectSettings:
    """Quick check that set-up completed for this lcasym and its pieces are intact.

    Checks the marker, lcasym's flow count in biosphere3 and the processed datapackages of
    biosphere3, the open background and every installed method of the set-up families.

    Raises
    ------
    SetupError
        If the project is missing, or its set-up is not complete and current.
    DamagedProjectError
        If a piece is damaged (named in ``pieces``); ``lcasym setup`` repairs it.
    """
    with brightway_project(project, directory, create=False) as settings:
        marker = read_marker()
        current = _versions(marker.get("families", []) if marker else [])
        stale = (
            marker is None
            or marker.get("status") != "complete"
            or any(marker.get(k) != current[k] for k in ("lcasym", "bw2io", "open_background"))
        )
        fix = f"run `lcasym setup --project {settings.project} --dir {settings.directory}`"
        if stale:
            raise SetupError(
                f"Brightway project {settings.project!r} in {settings.directory} is not set up "
                f"(or was set up by another lcasym version, or interrupted): {fix}."
            )
        families = list(marker.get("families") or []) if marker else []
        expected = _expected_counts(families, marker)
        pieces = (
            _biosphere_problems(deep=False)
            + _method_problems(expected)
            + _open_background_problems(_open_background())
        )
        if pieces:
            raise DamagedProjectError(
                f"Brightway project {settings.project!r} in {settings.directory} is damaged: "
                + "; ".join(pieces)
                + f". To repair it, {fix}.",
                tuple(pieces),
            )
        return settings


def setup(
    project: str | None = None,
    directory: str | Path | None = None,
    *,
    families: Iterable[str] | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SetupReport:
    """Create, verify or repair lcasym's Brightway project.

    Parameters
    ----------
    project, directory
        See :func:`lcasym.background.project.brightway_project`.
    families
        LCIA method families to install (default: ``lcasym/data/method_families.yaml``).
        Families installed by earlier runs are kept and checked too.
    force
        Rewrite every piece even if it checks out.
    progress
        Called with ``(message, fraction done in [0, 1])``.

    Returns
    -------
    SetupReport
        ``status`` is ``created``, ``verified``, ``repaired`` or ``rebuilt``.
    """
    start = time.perf_counter()
    notify = _outside_quiet(progress)
    requested = list(families) if families is not None else lcia.default_families()
    already_aside = len(set_aside_files())
    with (
        brightway_project(project, directory, create=True, repair=True) as settings,
        quiet_brightway(),
    ):
        moved = set_aside_files()[already_aside:]
        notify("checking the Brightway project", 0.0)
        marker = read_marker()
        wanted = list(dict.fromkeys([*(marker or {}).get("families", []), *requested]))
        expected = _expected_counts(wanted, marker)
        problems = _inspect(wanted, expected)
        if not problems and not force and not moved:
            notify("already set up", 1.0)
            return _summary(
                settings,
                "verified",
                families=wanted,
                versions={k: (marker or {}).get(k) for k in VERSION_KEYS},
                elapsed=time.perf_counter() - start,
            )
        status = "rebuilt" if force else ("created" if marker is None else "repaired")
        log.info("Setting up %s (%s): %s", settings.project, status, "; ".join(problems))
        rebuild = force or (marker is not None and marker.get("bw2io") != metadata.version("bw2io"))
        versions = _versions(wanted)
        _write_marker({**versions, "status": "in_progress", "started": _now()})
        notes = [f"set aside the damaged file {p} (its data is not used any more)" for p in moved]
        if any(p.name.startswith("databases.db") for p in moved):
            notes += _forget_emptied_databases()
        steps, more = _run_steps(wanted, rebuild=rebuild, notify=notify)
        notes += more
        versions = _versions(wanted)
        _write_marker(
            {
                **versions,
                "status": "complete",
                "method_counts": expected,
                "completed": _now(),
            }
        )
        notify("done", 1.0)
        lost = tuple(n for n in notes if not n.startswith("set aside"))
        report = _summary(
            settings,
            status,
            families=wanted,
            steps=tuple(steps),
            problems=lost,
            notes=tuple(n for n in notes if n not in lost),
            versions={k: versions[k] for k in ("lcasym", "bw2data", "bw2io", "open_background")},
        )
        return replace(report, elapsed=time.perf_counter() - start)


def _forget_emptied_databases() -> list[str]:
    """After ``databases.db`` was set aside: drop the metadata of now-empty databases.

    lcasym's own (biosphere3, the open background, marked foregrounds) are rebuilt; a
    user's database is listed as lost (returned), its metadata kept so the user sees it.
    """
    from bw2data import Database, databases

    from lcasym.inventory.ownership import is_lcasym_foreground

    ob = _open_background()
    ours = {lcia.BIOSPHERE, ob.OPEN_DB_NAME if ob else ""}
    lost = []
    for name in list(databases):
        if len(Database(name)):
            continue
        if name in ours or is_lcasym_foreground(dict(databases[name])):
            del databases[name]
        else:
            lost.append(
                f"database {name!r} lost its data with the damaged databases.db (set aside): "
                "import it again"
            )
    return lost


def _outside_quiet(progress: Progress | None) -> Progress:
    """Wrap ``progress`` so it writes to the real stdout/stderr, not the capture buffer."""
    if progress is None:
        return lambda message, fraction: None
    out, err = sys.stdout, sys.stderr

    def notify(message: str, fraction: float) -> None:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            progress(message, fraction)

    return notify


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dependents(name: str) -> list[str]:
    from bw2data import databases

    return [n for n in databases if n != name and name in (databases[n].get("depends") or [])]


def _reprocess(names: Iterable[str]) -> list[str]:
    """Re-process databases (their node ids changed); return problems, never raise."""
    from bw2data import Database

    problems = []
    for name in names:
        try:
            Database(name).process()
        except Exception as exc:  # a user's database: report, do not fail the set-up
            problems.append(f"database {name!r} could not be re-processed ({exc}): check it")
    return problems


def _biosphere_step(notify: Progress) -> tuple[StepResult, bool, bool]:
    """Write or repair biosphere3 without deleting a flow.

    Returns the step, whether flows got new ids, and whether biosphere3 was written anew.
    """
    import bw2io
    from bw2data import Database, databases

    t = time.perf_counter()
    notify(f"{lcia.BIOSPHERE}: elementary flows", 0.02)
    if lcia.BIOSPHERE not in databases or not len(Database(lcia.BIOSPHERE)):
        existed = lcia.BIOSPHERE in databases
        if existed:  # registered but empty: nothing to lose
            del databases[lcia.BIOSPHERE]
        bw2io.create_default_biosphere3()
        # anew (foreign methods may point at the old ids) only when there was a biosphere3
        # before: a first write leaves no method of another database stale
        action, detail, changed, anew = ("repaired" if existed else "written"), "", True, existed
    else:
        missing = _missing_flows()
        db = Database(lcia.BIOSPHERE)
        for flow in missing:  # lcasym's flows only; existing ids are kept
            fields = {k: v for k, v in flow.items() if k not in ("database", "exchanges")}
            db.new_node(**fields).save()
        damaged = _processed_problem(lcia.BIOSPHERE)
        if missing or damaged:
            db.process()
        extra = len(_biosphere_codes()) - BIOSPHERE_FLOWS
        action = "repaired" if missing or damaged else "kept"
        detail = f"{len(missing)} flows added" if missing else ""
        if extra > 0:
            detail += f"{', ' if detail else ''}{extra} flows lcasym did not write kept"
        changed, anew = bool(missing), False
    _write_expected_codes()
    if problems := _biosphere_problems():
        raise SetupError(
            "; ".join(problems) + ": bw2io's biosphere data is not the expected"
            " ecoinvent 3.9 set; reinstall bw2io (see pyproject.toml)."
        )
    seconds = time.perf_counter() - t
    detail = f"{BIOSPHERE_FLOWS} flows" + (f" ({detail})" if detail else "")
    return StepResult(lcia.BIOSPHERE, action, seconds, detail), changed, anew


def _foreign_stale_methods() -> list[str]:
    """Methods lcasym did not write, which point at biosphere3 ids that changed."""
    from bw2data import methods

    return [
        f"method {_method_label(name)!r} (not written by lcasym) points at biosphere3 flows "
        "that were written anew: write it again"
        for name in methods
        if not lcia.is_lcasym_method(name)
    ]


def _run_steps(
    families: list[str], *, rebuild: bool, notify: Progress
) -> tuple[list[StepResult], list[str]]:
    from bw2data import Database, databases

    steps = []
    notes: list[str] = []

    # 1. biosphere3: never deleted once it holds flows
    step, ids_changed, anew = _biosphere_step(notify)
    steps.append(step)
    if anew:
        notes += _foreign_stale_methods()

    # 2. LCIA methods (lcasym's only; rewritten if biosphere3 flows got new ids)
    t = time.perf_counter()
    notify("LCIA methods: reading bw2io's data", 0.15)
    expected = _expected_counts(families, read_marker())
    written = 0
    if ids_changed or rebuild or _method_problems(expected):
        data = lcia.load_method_data(families)
        written = lcia.write_methods(
            families,
            skip_complete=not (ids_changed or rebuild),
            data=data,
            progress=lambda i, n: notify(f"LCIA methods: {i}/{n}", 0.2 + 0.5 * i / n),
        )
    total = len(lcia.installed_methods(families))
    steps.append(
        StepResult(
            "LCIA methods",
            "written" if written else "kept",
            time.perf_counter() - t,
            f"{written} written, {total} installed",
        )
    )

    # 3. open background (lcasym's own database)
    t = time.perf_counter()
    ob = _open_background()
    if ob is None:
        steps.append(
            StepResult(
                "open background", "skipped", 0.0, "lcasym.background.open_data is not available"
            )
        )
        return steps, notes
    name = ob.OPEN_DB_NAME
    notify(f"open background {name}", 0.75)
    count, _ = _db_state(name)
    outdated = count and databases[name].get("lcasym_version") != ob.open_background_version()
    if not count or outdated or rebuild:
        existed = name in databases
        if existed:
            del databases[name]
        count = ob.install_open_background(name)
        notes += _reprocess(_dependents(name))  # their links now point at new node ids
        action = "repaired" if existed else "written"
    elif ids_changed or _processed_problem(name):
        Database(name).process()
        count, action = len(Database(name)), "repaired"
    else:
        count, action = len(Database(name)), "kept"
    if problems := _open_background_problems(ob):
        raise SetupError("open background install failed: " + "; ".join(problems))
    steps.append(
        StepResult(
            "open background",
            action,
            time.perf_counter() - t,
            f"{name} {ob.open_background_version()}, {count} activities",
        )
    )

    # Other databases link to biosphere3 flows by id: re-process them if ids changed.
    if ids_changed:
        notes += _reprocess(n for n in _dependents(lcia.BIOSPHERE) if n != name)
    return steps, notes
