"""Bytes in and out of the app: uploads, downloads, and the Brightway project status."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lcasym.background.resolve import ActivityInfo
from lcasym.errors import LcasymError
from lcasym.io import LoadedNetwork, load_network, write_network
from lcasym.network.model import SymbiosisNetwork

# --- files ---------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "network"
    return stem


def read_uploaded(name: str, data: bytes) -> LoadedNetwork:
    """Read an uploaded network file (YAML, JSON or Excel) from its bytes.

    Raises
    ------
    InputError
        Unsupported type or an invalid network, every problem located in that file.
    """
    with tempfile.TemporaryDirectory(prefix="lcasym-upload-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        return load_network(path)


def network_bytes(network: SymbiosisNetwork, fmt: str) -> bytes:
    """The network as a ``yaml``, ``json`` or ``xlsx`` file."""
    with tempfile.TemporaryDirectory(prefix="lcasym-net-") as tmp:
        path = Path(tmp) / f"{network.network.id}.{fmt}"
        write_network(network, path)
        return path.read_bytes()


def template_bytes(activities: Iterable[ActivityInfo] | None = None) -> bytes:
    """The blank Excel workbook users fill in.

    Its sheet ``background_activities`` lists ``activities`` (default: the shipped
    lcasym-open activities) and feeds the dropdowns of the activity-code columns.
    """
    from lcasym.io.template import write_template

    with tempfile.TemporaryDirectory(prefix="lcasym-tpl-") as tmp:
        path = Path(tmp) / "lcasym_network_template.xlsx"
        write_template(path, activities)
        return path.read_bytes()


def result_bytes(result: Any, fmt: str) -> bytes:
    """``result.export`` to a temporary file, as bytes (``xlsx``, ``json`` or ``csv``)."""
    with tempfile.TemporaryDirectory(prefix="lcasym-res-") as tmp:
        path = Path(tmp) / f"result.{fmt}"
        result.export(path, fmt)
        return path.read_bytes()


# --- the Brightway project ---------------------------------------------------------------


@dataclass(frozen=True)
class ProjectStatus:
    """Whether lcasym's Brightway project is ready, in words for the sidebar."""

    ready: bool
    project: str
    directory: str
    summary: str
    problems: tuple[str, ...] = ()


def project_status() -> ProjectStatus:
    """Check (never change) the Brightway project the app calculates in."""
    from lcasym.background.bootstrap import verify
    from lcasym.background.project import resolve_settings

    settings = resolve_settings(None, None)
    try:
        report = verify()
    except LcasymError as exc:
        return ProjectStatus(
            False, settings.project, str(settings.directory), "not set up", (str(exc),)
        )
    if report.ok:
        summary = (
            f"{report.method_count} LCIA methods; "
            f"{report.open_background or 'no open background'} "
            f"{report.open_background_version or ''} ({report.open_background_activities} "
            "activities)"
        )
        return ProjectStatus(True, report.project, str(report.directory), summary.strip())
    return ProjectStatus(
        False, report.project, str(report.directory), "incomplete", tuple(report.problems)
    )
