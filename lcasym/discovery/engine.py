"""The one door from discovery to Brightway: the factorised background and its index.

Everything else in :mod:`lcasym.discovery` works on the returned arrays, so the pricing can
also run on hand-made unit scores (tests) or a researcher's own system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lcasym.background.resolve import BackgroundIndex
    from lcasym.calc.system import LcaSystem


@dataclass(frozen=True)
class Engine:
    """A loaded background: the factorised system, its activity index, the methods."""

    system: LcaSystem
    index: BackgroundIndex
    methods: tuple[tuple[str, ...], ...]


def load_engine(
    database: str,
    *,
    methods: Sequence[tuple[str, ...] | str] | None = None,
    project: str | None = None,
    directory: str | Path | None = None,
) -> Engine:
    """Load and factorise ``database`` (and what it links to) for ``methods``.

    Raises
    ------
    SetupError
        The Brightway project is not set up (run ``lcasym setup``).
    InputError
        An unknown method (with the closest installed ones).
    """
    from lcasym.background.bootstrap import ensure_ready
    from lcasym.background.methods import resolve_methods
    from lcasym.background.project import brightway_project
    from lcasym.background.resolve import BackgroundIndex
    from lcasym.calc.system import LcaSystem

    ensure_ready(project, directory)
    with brightway_project(project, directory):
        import bw2data as bd

        keys = resolve_methods(methods, list(bd.methods))
        index = BackgroundIndex.from_brightway([database])
        system = LcaSystem.from_brightway([database], methods=keys)
        system.unit_scores()  # factorise and solve once, inside the project
    return Engine(system, index, tuple(keys))
