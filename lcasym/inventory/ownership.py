"""Which foreground databases are lcasym's, and clearing away the stale ones.

lcasym marks every foreground database it writes with metadata: ``lcasym_build`` (the
build hash), ``lcasym_network`` (the network id) and ``lcasym_used`` (when a calculation
last used it, UTC ISO time). A database without ``lcasym_build`` is a user's: lcasym never
writes over it, even when its name looks like a foreground's.

Stale foregrounds (lcasym's own, marked) are deleted when a foreground is built:

* another build of the same network not used for :data:`SAME_NETWORK_GRACE` (a newer
  build replaced it; another user still working on it within that time keeps it);
* any foreground not used for :data:`ANY_NETWORK_GRACE`.

Call these functions inside :func:`lcasym.background.project.brightway_project` (which
holds the project's inter-process lock, so no other process is reading what is deleted).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from lcasym.background.project import quiet_brightway
from lcasym.errors import ForeignDataError
from lcasym.inventory import naming

log = logging.getLogger(__name__)

BUILD_KEY = "lcasym_build"
NETWORK_KEY = "lcasym_network"
USED_KEY = "lcasym_used"
#: Other builds of the same network id are kept this long after their last use.
SAME_NETWORK_GRACE = timedelta(hours=1)
#: Any lcasym foreground is kept this long after its last use.
ANY_NETWORK_GRACE = timedelta(days=14)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def is_lcasym_foreground(meta: dict) -> bool:
    """True if database metadata carries lcasym's foreground marker."""
    return bool(meta.get(BUILD_KEY))


def refuse_foreign(names: Iterable[str], project: str) -> None:
    """Raise :class:`ForeignDataError` if a database of ``names`` exists and is not lcasym's."""
    import bw2data as bd

    for name in names:
        if name in bd.databases and not is_lcasym_foreground(dict(bd.databases[name])):
            raise ForeignDataError(
                f"database {name!r} in Brightway project {project!r} was not written by "
                "lcasym (it has no lcasym_build marker), and lcasym will not overwrite it: "
                f"rename it (bw2data.Database({name!r}).rename('new name')) or change the "
                "network id"
            )


def _last_used(meta: dict) -> datetime:
    text = meta.get(USED_KEY)
    try:
        used = datetime.fromisoformat(str(text)) if text else _EPOCH
    except ValueError:
        return _EPOCH
    return used if used.tzinfo else used.replace(tzinfo=UTC)


def now_text() -> str:
    """The current UTC time as lcasym stores it in ``lcasym_used``."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def stale_foregrounds(
    metadata: dict[str, dict], keep: Iterable[str], network_id: str, now: datetime
) -> list[str]:
    """Names of lcasym foreground databases to delete (pure: see the module docstring).

    Parameters
    ----------
    metadata
        Database name -> metadata (``bw2data.databases``).
    keep
        Databases in use now (never stale).
    network_id
        The network being built: its other builds go after :data:`SAME_NETWORK_GRACE`.
    now
        The current time (UTC).
    """
    kept = set(keep)
    stale = []
    for name, meta in metadata.items():
        if name in kept or not name.startswith(naming.PREFIX) or not is_lcasym_foreground(meta):
            continue
        idle = now - _last_used(meta)
        same = meta.get(NETWORK_KEY) == network_id
        if (same and idle > SAME_NETWORK_GRACE) or idle > ANY_NETWORK_GRACE:
            stale.append(name)
    return sorted(stale)


def remove_stale_foregrounds(keep: Iterable[str], network_id: str) -> list[str]:
    """Delete stale lcasym foregrounds from the active project; return their names."""
    import bw2data as bd

    names = stale_foregrounds(
        {n: dict(bd.databases[n]) for n in bd.databases}, keep, network_id, datetime.now(UTC)
    )
    from lcasym.inventory.parameters import clear_parameters

    for name in names:
        try:
            with quiet_brightway():
                clear_parameters(name)  # bw2data leaves the parameter groups behind
                del bd.databases[name]
            log.info("deleted stale foreground database %s", name)
        except Exception:  # housekeeping never fails a calculation
            log.warning("could not delete stale foreground database %s", name, exc_info=True)
    return names
