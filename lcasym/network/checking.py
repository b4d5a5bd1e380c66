"""Check a network before anything is built: which background to check against, and how.

One door for the CLI (``lcasym validate``), the app and researchers' scripts: the set-up
Brightway project when there is one, else the shipped open background files (enough for a
network that only uses ``lcasym-open``), else structural checks only, with a note saying
which checks were skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lcasym.background.open_data import OPEN_DB_NAME
from lcasym.background.resolve import BackgroundIndex
from lcasym.errors import LcasymError, Problem
from lcasym.inventory import naming
from lcasym.network.model import SymbiosisNetwork


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found: the network, every problem, and what it was checked against."""

    network: SymbiosisNetwork
    problems: tuple[Problem, ...]
    note: str
    source: str = ""

    @property
    def errors(self) -> list[Problem]:
        """Problems that block a run."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems reported but not blocking."""
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors


def background_databases(network: SymbiosisNetwork) -> list[str]:
    """Background databases a network refers to (its default one and any named in refs)."""
    from lcasym.network.background_rules import activity_refs

    custom = naming.custom_database(network.network.id)
    names = {network.network.background.database}
    names |= {r.database for _, r in activity_refs(network) if r.database}
    names |= {x.flow.database for c in network.custom_activities for x in c.exchanges if x.flow}
    return sorted(names - {custom})


def background_for(
    network: SymbiosisNetwork, project: str | None = None, directory: str | Path | None = None
) -> tuple[BackgroundIndex | None, str]:
    """The background to validate against, and a sentence saying which one (or why none)."""
    databases = background_databases(network)
    try:
        from lcasym.background.bootstrap import ensure_ready
        from lcasym.background.project import brightway_project

        settings = ensure_ready(project, directory)
        with brightway_project(settings.project, settings.directory, create=False):
            import bw2data

            present = [d for d in databases if d in bw2data.databases]
            index = BackgroundIndex.from_brightway(present)
        return index, f"checked against Brightway project {settings.project!r}"
    except (ImportError, LcasymError) as exc:
        reason = str(exc).splitlines()[0]
    if databases == [OPEN_DB_NAME]:
        try:
            index = BackgroundIndex.from_open_background()
        except (ImportError, LcasymError) as exc:
            reason += f"; the shipped {OPEN_DB_NAME} files could not be read ({exc})"
        else:
            return index, (
                f"checked against the shipped {OPEN_DB_NAME} files (Brightway project not "
                f"ready: {reason})"
            )
    return None, (
        "skipped: activity references, units against activities and background version "
        f"(no background available: {reason}). Run 'lcasym setup' to enable them"
    )


def validate(
    network: SymbiosisNetwork | str | Path,
    *,
    project: str | None = None,
    directory: str | Path | None = None,
) -> ValidationReport:
    """Check a network (object or file) and return every problem; never raises on bad content.

    A file that cannot be read into the model at all (syntax, unknown fields, wrong types)
    raises :class:`~lcasym.errors.InputError` listing every such problem with its location.
    """
    from lcasym.io import load_network
    from lcasym.network.validation import validate_network

    if isinstance(network, SymbiosisNetwork):
        net, locate, source = network, None, network.network.id
    else:
        loaded = load_network(network)
        net, locate, source = loaded.network, loaded.locate, loaded.source
    background, note = background_for(net, project, directory)
    problems = validate_network(net, background=background, source=source, locate=locate)
    return ValidationReport(net, tuple(problems), note, source)
