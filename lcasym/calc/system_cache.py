"""One factorised background per process: loaded once, shared by every session and thread.

Loading the matrices of a background and factorising them is the expensive part of a
calculation (seconds for an ecoinvent-sized database); everything after is small dense
products. :func:`cached_system` keeps the loaded :class:`~lcasym.calc.system.LcaSystem`
in a process-wide, thread-safe cache keyed by

    (Brightway directory, project, every database the system reads with its change stamp,
     every method with its change stamp, use_distributions)

where a database's stamp is bw2data's ``modified`` / ``processed`` metadata and the size
and modification time of its processed datapackage (what bw2calc actually reads), and a
method's stamp is its datapackage's. Any write to a database or method gives a new key, so
a stale system is never served; the least recently used systems beyond
:data:`MAX_SYSTEMS` are dropped.

Locks: the Brightway reads (the key's stamps, the matrices, the on-site attribute) happen
inside ``lcasym.background.project.brightway_project``, whose process-wide lock they need
anyway. The array work (factorisation, unit scores, direct scores) runs in
:meth:`CachedSystem.prepare`, outside that lock, under the entry's own lock, so two
sessions on one background factorise it once and sessions on other backgrounds never wait.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lcasym.calc.direct import direct_unit_scores, on_site_keys
from lcasym.calc.system import LcaSystem

log = logging.getLogger(__name__)
Key = tuple[str, str]

#: Systems kept per process (each holds its matrices, factorisation and unit scores).
MAX_SYSTEMS = 4


@dataclass
class CachedSystem:
    """A loaded background system and what is derived from it once.

    Attributes
    ----------
    key
        The cache key (see the module docstring).
    system
        The matrices, factorised on :meth:`prepare`.
    on_site
        Activities marked ``lcasym_on_site: true``; None when no activity of the system's
        databases carries the attribute (direct/upstream cannot be told apart).
    lock
        Serialises every use of the shared factorisation (preparation, contribution
        analysis, background Monte Carlo): a PARDISO/SuperLU object is not thread-safe.
    contributions
        Contribution tables per (target, top), filled by ``contribution_table``.
    """

    key: Hashable
    system: LcaSystem
    on_site: frozenset[Key] | None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    contributions: dict = field(default_factory=dict, repr=False)
    _direct: np.ndarray | None = field(default=None, repr=False)
    _ready: bool = field(default=False, repr=False)

    def prepare(self) -> None:
        """Factorise, solve the unit scores ``Λ`` and the direct scores once (array work)."""
        if self._ready:
            return
        with self.lock:
            if self._ready:
                return
            self.system.unit_scores()
            if self.on_site is not None:
                self._direct = direct_unit_scores(self.system, self.on_site)
            self._ready = True

    @property
    def direct_scores(self) -> np.ndarray | None:
        """``Λ_direct`` (n_products, n_methods), None when the data cannot tell (prepared)."""
        self.prepare()
        return self._direct


_CACHE: OrderedDict[Hashable, CachedSystem] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def system_key(
    directory: Path | str,
    project: str,
    roots: Iterable[str],
    methods: Sequence[tuple[str, ...]],
    use_distributions: bool,
) -> tuple[Any, ...]:
    """The cache key of a system (a Brightway read: call inside ``brightway_project``)."""
    import bw2data as bd

    roots = [r for r in roots if r in bd.databases]
    names = sorted(set().union(*(bd.Database(n).find_graph_dependents() for n in roots)))
    dbs = tuple(
        (
            n,
            bd.databases[n].get("modified"),
            bd.databases[n].get("processed"),
            _file_stamp(bd.Database(n).filepath_processed()),
        )
        for n in names
        if n in bd.databases
    )
    ms = tuple(
        (tuple(m), _file_stamp(bd.Method(m).filepath_processed()) if m in bd.methods else None)
        for m in methods
    )
    return (str(directory), project, dbs, ms, bool(use_distributions))


def cached_system(
    directory: Path | str,
    project: str,
    roots: Iterable[str],
    methods: Sequence[tuple[str, ...]],
    *,
    use_distributions: bool = False,
) -> CachedSystem:
    """The system of ``roots`` and ``methods``: from the cache, or read from Brightway.

    Call inside ``lcasym.background.project.brightway_project`` (it reads bw2data); the
    returned entry is not yet factorised: call :meth:`CachedSystem.prepare` after leaving
    the Brightway block.
    """
    roots = sorted(set(roots))
    key = system_key(directory, project, roots, methods, use_distributions)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            log.debug("background system from the cache (%s)", ", ".join(roots))
            return hit
    system = LcaSystem.from_brightway(roots, methods=methods, use_distributions=use_distributions)
    entry = CachedSystem(key, system, on_site_keys({db for db, _ in system.index}))
    with _CACHE_LOCK:
        entry = _CACHE.setdefault(key, entry)
        _CACHE.move_to_end(key)
        while len(_CACHE) > MAX_SYSTEMS:
            _CACHE.popitem(last=False)
    return entry


def clear_system_cache() -> None:
    """Forget every cached system (they are reloaded on next use)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def cache_size() -> int:
    """Number of systems in the cache."""
    with _CACHE_LOCK:
        return len(_CACHE)
