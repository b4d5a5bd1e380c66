"""lcasym: life cycle assessment of industrial symbiosis networks with Brightway."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from lcasym.api import calculate  # noqa: E402
from lcasym.background.bootstrap import setup, verify  # noqa: E402
from lcasym.io import read_network, write_network  # noqa: E402
from lcasym.network.checking import ValidationReport, validate  # noqa: E402
from lcasym.results import SymbiosisResult  # noqa: E402

__all__ = [
    "Edit",
    "EngineSession",
    "SymbiosisResult",
    "ValidationReport",
    "Variant",
    "__version__",
    "calculate",
    "open_session",
    "read_network",
    "setup",
    "validate",
    "verify",
    "write_network",
]

#: Loaded on first use (the engine imports scipy and the sparse solver, ~0.5 s).
_LAZY = {
    "open_session": "lcasym.calc.session",
    "EngineSession": "lcasym.calc.session",
    "Edit": "lcasym.calc.edits",
    "Variant": "lcasym.calc.variants",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lcasym' has no attribute {name!r}")
