"""All of bw2data's process-wide state behind one door.

bw2data keeps one current project and one base directory per process, and
``projects.set_current`` silently creates a project whose name was misspelt. Streamlit
serves every browser session from threads of one process, so one session switching
projects would switch them for all. lcasym therefore never calls ``set_current``
anywhere else: code that needs Brightway runs inside :func:`brightway_project`, which
holds a process-wide re-entrant lock, switches to lcasym's project and restores the
previous base directory and project on exit, even when the body raises.

Other processes (a second ``lcasym calc`` or ``lcasym setup``, another app server) are kept
out by an inter-process lock: the file ``lcasym.lock`` in the Brightway base directory,
held (``flock``) for the whole block, so a second process waits until the first is done.
Before bw2data opens anything, the project's SQLite files are checked
(:mod:`lcasym.background.health`): a damaged one raises
:class:`~lcasym.errors.DamagedProjectError` naming it, or, with ``repair=True`` (``lcasym
setup``), is set aside so that bw2data starts a fresh one.

bw2data is imported lazily (inside the functions), so ``import lcasym.background.project`` is cheap
and the first Brightway import can run inside :func:`quiet_brightway`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lcasym.background import health
from lcasym.errors import DamagedProjectError, SetupError

log = logging.getLogger(__name__)

DEFAULT_PROJECT = "lcasym"
ENV_PROJECT = "LCASYM_PROJECT"
ENV_DIRECTORY = "LCASYM_BRIGHTWAY_DIR"

#: Held while a thread works inside a Brightway project (re-entrant: contexts nest).
_LOCK = threading.RLock()
#: Keep lcasym's project current after a block (see :func:`stay_in_project`).
_STAY = False
LOCK_FILE = "lcasym.lock"
ENV_LOCK_TIMEOUT = "LCASYM_LOCK_TIMEOUT"
#: Seconds a process waits for another one's project lock before giving up.
DEFAULT_LOCK_TIMEOUT = 3600.0
_file_locks: dict[Path, tuple[Any, int]] = {}  # directory -> (open lock file, depth)
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
        raise DamagedProjectError(
            f"{health.describe(db_path)} ({exc}): run `lcasym setup` to set it aside and "
            "rebuild the project list",
            (str(db_path),),
        ) from exc
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


def _try_lock(handle: Any) -> bool:
    """Take the lock without waiting: True if taken (or locks are unsupported), else False."""
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False  # another process holds it
        log.warning("file locks do not work in %s (%s): working without", handle.name, exc)
    return True


def _unlock(handle: Any) -> None:
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except ImportError:  # Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


@contextlib.contextmanager
def project_lock(directory: Path) -> Iterator[None]:
    """Hold the inter-process lock of a Brightway base directory (re-entrant in a process).

    The lock file ``lcasym.lock`` holds the process id of the holder. Waits up to
    ``LCASYM_LOCK_TIMEOUT`` seconds (default one hour) for another process, then raises
    :class:`~lcasym.errors.SetupError`. Call with the process-wide lock held.
    """
    directory = Path(directory)
    if directory in _file_locks:
        handle, depth = _file_locks[directory]
        _file_locks[directory] = (handle, depth + 1)
        try:
            yield
        finally:
            handle, depth = _file_locks[directory]
            _file_locks[directory] = (handle, depth - 1)
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / LOCK_FILE, "a+")  # noqa: SIM115 (held across the block)
    except OSError as exc:
        raise SetupError(
            f"cannot use the Brightway directory {directory} ({exc}): point --dir or "
            f"{ENV_DIRECTORY} at a writable directory"
        ) from exc
    timeout = float(os.environ.get(ENV_LOCK_TIMEOUT) or DEFAULT_LOCK_TIMEOUT)
    start = time.monotonic()
    told = False
    while not _try_lock(handle):
        if not told:
            log.info("waiting for another lcasym process working in %s", directory)
            told = True
        if time.monotonic() - start > timeout:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise SetupError(
                f"another process (pid {holder}) has been working in {directory} for more "
                f"than {timeout:.0f} s; wait for it to finish, or stop it"
            )
        time.sleep(0.1)
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _file_locks[directory] = (handle, 1)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            _unlock(handle)
        handle.close()
        del _file_locks[directory]


def _check_files(settings: ProjectSettings, *, repair: bool) -> None:
    """Raise DamagedProjectError for damaged SQLite files, or set them aside (``repair``)."""
    bases = [settings.directory]
    named = os.environ.get("BRIGHTWAY2_DIR")
    if named and "bw2data" not in sys.modules:  # bw2data opens this one when imported
        bases.append(Path(named).expanduser().absolute())
    for base in dict.fromkeys(bases):
        project = settings.project if base == settings.directory else None
        for path in health.damaged_files(base, project):
            if not repair:
                raise DamagedProjectError(
                    f"{health.describe(path)}: run `lcasym setup` to set it aside and rebuild",
                    (str(path),),
                )
            moved = health.set_aside(path)
            log.warning("set aside the damaged file %s as %s", path, moved.name)
            _set_aside.append(moved)


#: Damaged files set aside in this process (``lcasym setup`` reports them).
_set_aside: list[Path] = []


def set_aside_files() -> list[Path]:
    """Damaged files this process set aside (see :func:`brightway_project` ``repair``)."""
    return list(_set_aside)


@contextlib.contextmanager
def brightway_project(
    project: str | None = None,
    directory: str | Path | None = None,
    *,
    create: bool = True,
    repair: bool = False,
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
    repair
        Set damaged SQLite files aside (renamed ``*.damaged-<time>``) instead of raising
        :class:`~lcasym.errors.DamagedProjectError` (used by ``lcasym setup``).

    Yields
    ------
    ProjectSettings
        The resolved project name and directory, with that project current.

    Notes
    -----
    A process-wide re-entrant lock and the base directory's inter-process lock
    (:func:`project_lock`) are held for the whole block, so threads (Streamlit sessions)
    and processes take turns. On exit the previous base directory, logs directory, current
    project and read-only flag are restored, also when the block raises (unless
    :func:`stay_in_project` was called: then lcasym's project stays current, and the next
    block switches nothing). Other projects are never modified.
    """
    settings = resolve_settings(project, directory)
    with _LOCK, project_lock(settings.directory):
        _check_files(settings, repair=repair)
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
            except Exception as exc:
                with contextlib.suppress(Exception):
                    _restore(prev_base, prev_logs, prev_name, prev_read_only)
                if type(exc).__name__ == "DatabaseError":  # peewee's or sqlite3's
                    raise DamagedProjectError(
                        f"a file of Brightway project {settings.project!r} in "
                        f"{settings.directory} is damaged ({exc}): run `lcasym status` to "
                        "name it and `lcasym setup` to repair it"
                    ) from exc
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
