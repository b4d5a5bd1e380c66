"""All of bw2data's process-wide state behind one door.

bw2data keeps one current project and one base directory per process, and
``projects.set_current`` silently creates a project whose name was misspelt. Streamlit
serves every browser session from threads of one process, so one session switching
projects would switch them for all. lcasym therefore never calls ``set_current``
anywhere else: code that needs Brightway runs inside :func:`brightway_project`, which
holds a process-wide re-entrant lock, switches to lcasym's project and restores the
previous base directory and project on exit, even when the body raises.

bw2data is imported lazily (inside the functions), so ``import lcasym.background.project`` is cheap
and the first Brightway import can run inside :func:`quiet_brightway`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lcasym.errors import SetupError

log = logging.getLogger(__name__)

DEFAULT_PROJECT = "lcasym"
ENV_PROJECT = "LCASYM_PROJECT"
ENV_DIRECTORY = "LCASYM_BRIGHTWAY_DIR"

#: Held while a thread works inside a Brightway project (re-entrant: contexts nest).
_LOCK = threading.RLock()
#: Keep lcasym's project current after a block (see :func:`stay_in_project`).
_STAY = False
_quiet_depth = 0
_BW_FEEDBACK_LOGGER = "brightway-stdout-feedback"


@dataclass(frozen=True)
class ProjectSettings:
    """Where lcasym's Brightway data lives.

    Attributes
    ----------
    project
        Brightway project name.
    directory
        Brightway base directory (holds ``projects.db`` and one folder per project).
    """

    project: str
    directory: Path


def resolve_project_name(project: str | None = None) -> str:
    """Return the project name: argument > env ``LCASYM_PROJECT`` > ``"lcasym"``."""
    name = project or os.environ.get(ENV_PROJECT) or DEFAULT_PROJECT
    if not name.strip():
        raise SetupError("The Brightway project name is empty; pass --project NAME.")
    return name


def default_brightway_directory() -> Path:
    """Return bw2data's own base directory (``BRIGHTWAY2_DIR`` or the platform data dir)."""
    env = os.environ.get("BRIGHTWAY2_DIR")
    if env:
        return Path(env).expanduser().absolute()
    from platformdirs import PlatformDirs  # bw2data's own choice, same arguments

    return Path(PlatformDirs("Brightway3", "pylca").user_data_dir)


def resolve_directory(directory: str | Path | None = None) -> Path:
    """Return the base directory: argument > env ``LCASYM_BRIGHTWAY_DIR`` > bw2data's own."""
    chosen = directory or os.environ.get(ENV_DIRECTORY)
    if chosen:
        return Path(chosen).expanduser().absolute()
    return default_brightway_directory()


def resolve_settings(
    project: str | None = None, directory: str | Path | None = None
) -> ProjectSettings:
    """Resolve both settings (see :func:`resolve_project_name`, :func:`resolve_directory`)."""
    return ProjectSettings(resolve_project_name(project), resolve_directory(directory))


def project_exists(project: str, directory: Path) -> bool:
    """Tell whether ``project`` exists in base ``directory``, without creating anything.

    Reads ``projects.db`` read-only, so it never switches bw2data's current project.
    """
    db_path = directory / "projects.db"
    if not db_path.is_file():
        return False
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        ) as conn:
            row = conn.execute(
                "SELECT 1 FROM projectdataset WHERE name = ? LIMIT 1", (project,)
            ).fetchone()
    except sqlite3.Error as exc:
        raise SetupError(f"Cannot read the Brightway projects file {db_path}: {exc}") from exc
    return row is not None


class _QuietFilter(logging.Filter):
    """Drop bw2data's stdout feedback records while :func:`quiet_brightway` is active."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _quiet_depth == 0


# A filter on a third-party logger: configures nothing, only lets lcasym mute it on demand
# (bw2data uses this stdlib logger when BRIGHTWAY_NO_STRUCTLOG is set, e.g. by the CLI).
logging.getLogger(_BW_FEEDBACK_LOGGER).addFilter(_QuietFilter())


def _structlog_print_logger() -> Any | None:
    """Return the structlog ``PrintLogger`` behind bw2data's feedback logger, if any."""
    import sys

    logs = sys.modules.get("bw2data.logs")
    feedback = getattr(logs, "stdout_feedback_logger", None)
    if feedback is None or isinstance(feedback, logging.Logger):
        return None
    try:
        printer = feedback.bind()._logger
    except Exception:  # structlog internals changed: stay loud rather than fail
        return None
    return printer if hasattr(printer, "_file") else None


@contextlib.contextmanager
def quiet_brightway() -> Iterator[io.StringIO]:
    """Capture bw2data/bw2io chatter (prints, tqdm bars, feedback logger) while active.

    Yields the buffer that received it; its content is logged at DEBUG on exit. Holds the
    project lock, because ``sys.stdout`` is process-wide: other threads' prints made
    meanwhile are captured too.
    """
    global _quiet_depth
    buffer = io.StringIO()
    with _LOCK:
        _quiet_depth += 1
        printer = _structlog_print_logger()
        previous_file = printer._file if printer is not None else None
        if printer is not None:
            printer._file = buffer
        try:
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                yield buffer
        finally:
            if printer is not None:
                printer._file = previous_file
            _quiet_depth -= 1
            captured = buffer.getvalue().strip()
            if captured:
                log.debug("Brightway output (captured):\n%s", captured[-4000:])


def _bw_state() -> tuple[Path, Path, str, bool]:
    from bw2data import projects

    return (
        Path(projects._base_data_dir),
        Path(projects._base_logs_dir),
        projects.current,
        bool(projects.read_only),
    )


def _switch(base: Path, logs: Path, name: str, *, update: bool) -> None:
    from bw2data import projects

    current_base = Path(projects._base_data_dir)
    if current_base == base and Path(projects._base_logs_dir) == logs:
        if projects.current != name:
            projects.set_current(name, update=update)
        return
    Path(logs).mkdir(parents=True, exist_ok=True)
    # change_base_directories needs a Path, and its default project_name="default" would
    # create a "default" project: always pass the name.
    projects.change_base_directories(
        Path(base), base_logs_dir=Path(logs), project_name=name, update=update
    )


def _prepare_bw2data_import() -> None:
    """Create the directory ``BRIGHTWAY2_DIR`` names (bw2data refuses to import without it)."""
    named = os.environ.get("BRIGHTWAY2_DIR")
    if named and "bw2data" not in sys.modules:
        try:
            Path(named).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SetupError(
                f"BRIGHTWAY2_DIR is {named!r}, which is not a directory and cannot be "
                f"created ({exc}); point it at a writable directory"
            ) from exc


@contextlib.contextmanager
def brightway_project(
    project: str | None = None,
    directory: str | Path | None = None,
    *,
    create: bool = True,
) -> Iterator[ProjectSettings]:
    """Work inside one Brightway project, then put bw2data back as it was.

    Parameters
    ----------
    project
        Project name; default ``LCASYM_PROJECT`` or ``"lcasym"``.
    directory
        Brightway base directory; default ``LCASYM_BRIGHTWAY_DIR`` or bw2data's own.
    create
        Create the project if it does not exist. With ``False`` a missing project raises
        :class:`~lcasym.errors.SetupError` (bw2data would silently create it).

    Yields
    ------
    ProjectSettings
        The resolved project name and directory, with that project current.

    Notes
    -----
    A process-wide re-entrant lock is held for the whole block, so threads (Streamlit
    sessions) take turns. On exit the previous base directory, logs directory, current
    project and read-only flag are restored, also when the block raises (unless
    :func:`stay_in_project` was called: then lcasym's project stays current, and the next
    block switches nothing). Other projects are never modified.
    """
    settings = resolve_settings(project, directory)
    with _LOCK:
        if not create and not project_exists(settings.project, settings.directory):
            raise SetupError(
                f"Brightway project {settings.project!r} does not exist in "
                f"{settings.directory}. Create it with `lcasym setup --project "
                f"{settings.project} --dir {settings.directory}`."
            )
        with quiet_brightway():
            _prepare_bw2data_import()
            import bw2data  # noqa: F401  (first import is noisy; runs quietly here)

            prev_base, prev_logs, prev_name, prev_read_only = _bw_state()
            logs = _logs_dir_for(settings.directory, prev_base, prev_logs)
            settings.directory.mkdir(parents=True, exist_ok=True)
            try:
                _switch(settings.directory, logs, settings.project, update=True)
            except Exception:
                _restore(prev_base, prev_logs, prev_name, prev_read_only)
                raise
        log.debug("Brightway project %s in %s is current", settings.project, settings.directory)
        try:
            yield settings
        finally:
            with quiet_brightway():
                if _STAY:
                    _restore_read_only(prev_read_only)
                else:
                    _restore(prev_base, prev_logs, prev_name, prev_read_only)


def _logs_dir_for(directory: Path, prev_base: Path, prev_logs: Path) -> Path:
    """Logs directory to use with base ``directory`` (bw2data's own rule for its default)."""
    if directory == prev_base:
        return prev_logs
    if directory == default_brightway_directory() and not os.environ.get("BRIGHTWAY2_DIR"):
        from platformdirs import PlatformDirs

        return Path(PlatformDirs("Brightway3", "pylca").user_log_dir)
    return directory / "logs"


def _restore(base: Path, logs: Path, name: str, read_only: bool) -> None:
    from bw2data import projects

    _switch(base, logs, name, update=False)
    projects.read_only = read_only


def _restore_read_only(read_only: bool) -> None:
    from bw2data import projects

    projects.read_only = read_only


def stay_in_project(stay: bool = True) -> None:
    """Leave lcasym's project current between Brightway blocks (process-wide).

    Each project switch costs bw2data a ``gc.collect()`` per SQLite file (0.2–0.5 s, more
    with a large heap), and a block switches twice: in, and back. In a process where only
    lcasym uses Brightway (the ``lcasym`` command, the app) nothing needs the previous
    project back, so after ``stay_in_project()`` the project stays current and the next
    block on it switches nothing. Off by default: a script that also uses bw2data gets its
    own project back after every lcasym call.
    """
    global _STAY
    _STAY = bool(stay)


def current_settings() -> ProjectSettings:
    """Return bw2data's current project and base directory (for reports and checks)."""
    base, _logs, name, _ro = _bw_state()
    return ProjectSettings(name, base)
