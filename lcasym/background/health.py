"""Find damaged files of a Brightway project without trusting bw2data to open them.

bw2data keeps its state in SQLite files (``projects.db`` in the base directory;
``lci/databases.db`` and ``parameters.db`` in each project folder) and one processed
datapackage (a zip) per database and method. A file overwritten with text makes bw2data
fail with "file is not a database" deep inside, even at import. These checks open the files
with the standard library only (read-only, one tiny query or the zip directory), name the
damaged piece, and can set a damaged SQLite file aside (renamed, never deleted) so that
``lcasym setup`` can rebuild the project.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

PROJECTS_FILE = "projects.db"
PROJECT_SQLITE_FILES = ("lci/databases.db", "parameters.db")


def sqlite_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable SQLite file, or None (absent files are fine)."""
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as c:
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return f"{path} is damaged ({exc})"
    return None


def zip_problem(path: Path, what: str) -> str | None:
    """Why the processed datapackage ``path`` of ``what`` is unusable, or None."""
    if not path.is_file():
        return f"{what}: processed datapackage {path.name} is missing"
    if not zipfile.is_zipfile(path):
        return f"{what}: processed datapackage {path.name} is damaged (not a complete zip)"
    return None


def project_directory(base: Path, project: str) -> Path | None:
    """Folder of ``project`` in base directory ``base`` (None if unknown or unreadable)."""
    from bw_processing import safe_filename

    db_path = base / PROJECTS_FILE
    if sqlite_problem(db_path) or not db_path.exists():
        return None
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        ) as conn:
            row = conn.execute(
                "SELECT full_hash FROM projectdataset WHERE name = ?", (project,)
            ).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    return base / safe_filename(project, full=bool(row[0]))


def damaged_files(base: Path, project: str | None = None) -> list[Path]:
    """Damaged SQLite files: ``projects.db`` of ``base`` and those of ``project``."""
    found = [p for p in (base / PROJECTS_FILE,) if sqlite_problem(p)]
    if found or project is None:
        return found
    folder = project_directory(base, project)
    if folder is not None:
        found += [folder / name for name in PROJECT_SQLITE_FILES if sqlite_problem(folder / name)]
    return found


def describe(path: Path) -> str:
    """A sentence naming a damaged file and what it holds."""
    holds = {
        PROJECTS_FILE: "the list of Brightway projects",
        "databases.db": "the project's databases (activities and exchanges)",
        "parameters.db": "the project's parameters",
    }.get(path.name, "Brightway data")
    return f"{path} ({holds}) is damaged: it is not an SQLite database"


def set_aside(path: Path) -> Path:
    """Rename a damaged file to ``<name>.damaged-<UTC time>`` beside it; return the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):  # SQLite side files belong to the old file
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target
