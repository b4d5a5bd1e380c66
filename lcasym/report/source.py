"""The network a report describes, with the exact bytes it was read from (hashed, attached)."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lcasym.errors import InputError, Problem
from lcasym.network.model import SymbiosisNetwork

#: Largest network file attached to a report (the readers bound their input too).
MAX_NETWORK_BYTES = 50 * 1024 * 1024
MEDIA_TYPES = {
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportSource:
    """A network and the bytes behind it.

    ``name`` and ``data`` are the input file's name and content when the network came from
    a file (the report prints its SHA-256 and attaches it); a network built in memory (the
    app) is attached as its canonical JSON (``<id>.json``).
    """

    network: SymbiosisNetwork
    name: str
    data: bytes
    from_file: bool
    path: Path | None = None

    @property
    def sha256(self) -> str:
        """SHA-256 of :attr:`data` (hex)."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def media_type(self) -> str:
        """MIME type of the attachment."""
        return MEDIA_TYPES.get(Path(self.name).suffix.lower(), "application/octet-stream")

    @classmethod
    def from_path(cls, path: str | Path, network: SymbiosisNetwork | None = None) -> ReportSource:
        """Read ``path`` (bytes for the hash and the attachment; the model unless given)."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InputError(
                [Problem(f"cannot read the network file: {exc.strerror}", str(path))],
                source=str(path),
            ) from exc
        if size > MAX_NETWORK_BYTES:
            raise InputError(
                [Problem(f"larger than {MAX_NETWORK_BYTES // 2**20} MB", str(path))],
                source=str(path),
            )
        data = path.read_bytes()
        if network is None:
            from lcasym.io import read_network

            network = read_network(path)
        return cls(network, path.name, data, True, path)

    @classmethod
    def from_network(cls, network: SymbiosisNetwork) -> ReportSource:
        """A network held in memory, attached as its JSON."""
        data = network.model_dump_json(indent=2, exclude_none=True).encode("utf-8")
        return cls(network, f"{network.network.id}.json", data, False)


def resolve_source(network: Any, provenance: dict[str, Any]) -> ReportSource:
    """The report's source from ``network`` (a path, a model, a ReportSource) or provenance.

    Without ``network`` the provenance's ``input_file`` (written by ``calculate`` when it
    read a file) is read again; its SHA-256 must still equal ``input_sha256``, else the file
    changed since the calculation and the report would describe another network.
    """
    if isinstance(network, ReportSource):
        return network
    if isinstance(network, SymbiosisNetwork):
        return ReportSource.from_network(network)
    if network is not None:
        return ReportSource.from_path(network)
    path = provenance.get("input_file")
    if not path:
        raise InputError(
            [
                Problem(
                    "this result does not say which network file it came from; pass it: "
                    "result.report('report.pdf', network='network.yaml')"
                )
            ],
            source="report",
        )
    source = ReportSource.from_path(path)
    expected = provenance.get("input_sha256")
    if expected and expected != source.sha256:
        raise InputError(
            [
                Problem(
                    "the file changed since the calculation (SHA-256 differs): calculate again",
                    str(path),
                )
            ],
            source="report",
        )
    return source


@cache
def lcasym_commit() -> str | None:
    """The git commit of lcasym's source checkout, when it runs from one (else None)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if len(commit) == 40 else None
