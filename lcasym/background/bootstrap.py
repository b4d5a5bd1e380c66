"""Set up, verify and repair lcasym's Brightway project, offline.

Three pieces, written in this order: ``biosphere3`` (bw2io's 4,709 ecoinvent-3.9 flows),
the LCIA methods of the requested families (:mod:`lcasym.background.lcia`) and lcasym's open
background database (:mod:`lcasym.background.open_data`).

A JSON marker in the project directory records the state: ``in_progress`` is written
before the first piece, ``complete`` (with the versions of lcasym, bw2data, bw2io and the
open background, and the families) after the last. A run that finds anything but a
complete, matching marker and intact pieces repairs what is missing or partial, so a
set-up killed half-way is never used half-built. A second run only checks (well under a
second) and returns.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from lcasym import __version__
from lcasym.background import lcia
from lcasym.background.project import ProjectSettings, brightway_project, quiet_brightway
from lcasym.errors import SetupError

log = logging.getLogger(__name__)

MARKER_FILE = "lcasym_setup.json"
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
    path = db.filepath_processed()
    return len(db), path.is_file() and zipfile.is_zipfile(path)


def _biosphere_problems() -> list[str]:
    count, processed = _db_state(lcia.BIOSPHERE)
    if count != BIOSPHERE_FLOWS:
        return [f"{lcia.BIOSPHERE} has {count} flows, expected {BIOSPHERE_FLOWS}"]
    if not processed:
        return [f"{lcia.BIOSPHERE} is not processed"]
    return []


def _method_problems(expected: dict[str, int]) -> list[str]:
    problems = []
    for family, count in expected.items():
        names = lcia.installed_methods([family])
        complete = sum(lcia.method_is_complete(n) for n in names)
        if complete != count:
            problems.append(f"methods {family!r}: {complete} complete of {count}")
    return problems


def _open_background_problems(ob: Any | None) -> list[str]:
    if ob is None:
        return []
    from bw2data import databases

    name = ob.OPEN_DB_NAME
    count, processed = _db_state(name)
    if not count or not processed:
        return [f"open background {name!r} missing or not processed"]
    stored = databases[name].get("lcasym_version")
    if stored != ob.open_background_version():
        return [
            f"open background {name!r} is version {stored}, lcasym ships "
            f"{ob.open_background_version()}"
        ]
    return []


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


def _inspect(families: list[str], expected: dict[str, int]) -> list[str]:
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
    problems += _biosphere_problems()
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
    """Cheap check that set-up completed for this lcasym; returns the settings.

    Raises
    ------
    SetupError
        If the project is missing, or its set-up is not complete and current.
    """
    with brightway_project(project, directory, create=False) as settings:
        marker = read_marker()
        current = _versions(marker.get("families", []) if marker else [])
        stale = (
            marker is None
            or marker.get("status") != "complete"
            or any(marker.get(k) != current[k] for k in ("lcasym", "bw2io", "open_background"))
        )
        from bw2data import databases

        if stale or lcia.BIOSPHERE not in databases:
            raise SetupError(
                f"Brightway project {settings.project!r} in {settings.directory} is not set up "
                f"(or was set up by another lcasym version, or interrupted): run `lcasym setup"
                f" --project {settings.project} --dir {settings.directory}`."
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
    with brightway_project(project, directory, create=True) as settings, quiet_brightway():
        notify("checking the Brightway project", 0.0)
        marker = read_marker()
        wanted = list(dict.fromkeys([*(marker or {}).get("families", []), *requested]))
        expected = _expected_counts(wanted, marker)
        problems = _inspect(wanted, expected)
        if not problems and not force:
            notify("already set up", 1.0)
            return _summary(
                settings,
                "verified",
                families=wanted,
                versions={k: marker[k] for k in ("lcasym", "bw2data", "bw2io", "open_background")},
                elapsed=time.perf_counter() - start,
            )
        status = "rebuilt" if force else ("created" if marker is None else "repaired")
        log.info("Setting up %s (%s): %s", settings.project, status, "; ".join(problems))
        rebuild = force or (marker is not None and marker.get("bw2io") != metadata.version("bw2io"))
        versions = _versions(wanted)
        _write_marker({**versions, "status": "in_progress", "started": _now()})
        steps = _run_steps(wanted, rebuild=rebuild, notify=notify)
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
        report = _summary(
            settings,
            status,
            families=wanted,
            steps=tuple(steps),
            versions={k: versions[k] for k in ("lcasym", "bw2data", "bw2io", "open_background")},
        )
        return replace(report, elapsed=time.perf_counter() - start)


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


def _run_steps(families: list[str], *, rebuild: bool, notify: Progress) -> list[StepResult]:
    import bw2io
    from bw2data import Database, databases

    steps = []

    # 1. biosphere3
    t = time.perf_counter()
    notify(f"{lcia.BIOSPHERE}: elementary flows", 0.02)
    biosphere_new = rebuild or bool(_biosphere_problems())
    if biosphere_new:
        existed = lcia.BIOSPHERE in databases
        if existed:
            del databases[lcia.BIOSPHERE]
        bw2io.create_default_biosphere3()
        if problems := _biosphere_problems():
            raise SetupError(
                "; ".join(problems) + ": bw2io's biosphere data is not the expected"
                " ecoinvent 3.9 set; reinstall bw2io (see pyproject.toml)."
            )
        action = "repaired" if existed else "written"
    else:
        action = "kept"
    steps.append(
        StepResult(lcia.BIOSPHERE, action, time.perf_counter() - t, f"{BIOSPHERE_FLOWS} flows")
    )

    # 2. LCIA methods (they store biosphere node ids: rewrite all if biosphere3 was rewritten)
    t = time.perf_counter()
    notify("LCIA methods: reading bw2io's data", 0.15)
    if biosphere_new:
        from bw2data import methods

        stale = [name for name in methods if name[0] not in families]
        if stale:
            log.warning(
                "Deleting %d other methods: they pointed to the old %s ids",
                len(stale),
                lcia.BIOSPHERE,
            )
        for name in list(methods):
            lcia.delete_method(name)
    expected = {f: n for f, n in _expected_counts(families, read_marker()).items()}
    written = 0
    if _method_problems(expected):
        data = lcia.load_method_data(families)
        written = lcia.write_methods(
            families,
            skip_complete=not biosphere_new,
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

    # 3. open background
    t = time.perf_counter()
    ob = _open_background()
    if ob is None:
        steps.append(
            StepResult(
                "open background", "skipped", 0.0, "lcasym.background.open_data is not available"
            )
        )
    else:
        notify(f"open background {ob.OPEN_DB_NAME}", 0.75)
        if biosphere_new or _open_background_problems(ob):
            existed = ob.OPEN_DB_NAME in databases
            if existed:
                del databases[ob.OPEN_DB_NAME]
            count = ob.install_open_background(ob.OPEN_DB_NAME)
            if problems := _open_background_problems(ob):
                raise SetupError("open background install failed: " + "; ".join(problems))
            action = "repaired" if existed else "written"
        else:
            count, action = len(Database(ob.OPEN_DB_NAME)), "kept"
        steps.append(
            StepResult(
                "open background",
                action,
                time.perf_counter() - t,
                f"{ob.OPEN_DB_NAME} {ob.open_background_version()}, {count} activities",
            )
        )

    # Other databases in this project link to biosphere3 by key: re-process them.
    if biosphere_new:
        skip = {lcia.BIOSPHERE, ob.OPEN_DB_NAME if ob else None}
        for name in [n for n in databases if n not in skip]:
            log.warning("Re-processing database %r after rewriting %s", name, lcia.BIOSPHERE)
            Database(name).process()
    return steps
