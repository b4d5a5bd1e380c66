"""Provenance of a result: what produced it (versions, background, methods, network)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lcasym import __version__
from lcasym.background.methods import Method, method_label
from lcasym.network.model import SymbiosisNetwork

if TYPE_CHECKING:
    from lcasym.inventory.plan import ForegroundPlan


def provenance_of(
    network: SymbiosisNetwork, plan: ForegroundPlan, methods: Sequence[Method], *, project: str
) -> dict[str, Any]:
    """What produced a result: versions, background, methods, network (inside a project)."""
    import datetime
    import platform
    from importlib import metadata

    import bw2data as bd

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    bg = plan.background_database
    bg_meta = bd.databases.get(bg, {}) if bg in bd.databases else {}
    baseline = plan.database("baseline")
    build = bd.databases.get(baseline, {}) if baseline in bd.databases else {}
    return {
        "lcasym_version": __version__,
        "bw2data_version": version("bw2data"),
        "bw2calc_version": version("bw2calc"),
        "bw2io_version": version("bw2io"),
        "python_version": platform.python_version(),
        "background_database": bg,
        "background_version": bg_meta.get("lcasym_version") or bg_meta.get("version"),
        "databases": sorted({db for db, _ in plan.targets}),
        "methods": [method_label(m) for m in methods],
        "method_keys": [list(m) for m in methods],
        "project": project,
        "network_id": network.network.id,
        "network_name": network.network.name,
        "reporting_year": network.network.reporting_year,
        "currency": network.network.currency,
        "foreground_build_hash": build.get("lcasym_build"),
        "foreground_databases": [n for n in plan.databases if n in bd.databases],
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def input_provenance(path: str | Path) -> dict[str, Any]:
    """``input_file`` (absolute path) and ``input_sha256`` of a network file."""
    import hashlib

    path = Path(path).resolve()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"input_file": str(path), "input_sha256": digest.hexdigest()}
