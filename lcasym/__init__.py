"""lcasym: life cycle assessment of industrial symbiosis networks with Brightway.

The public names are imported on first use, so that ``import lcasym`` (and the ``lcasym``
command's start-up) stays light.
"""

from __future__ import annotations

import importlib
import logging
from importlib import metadata
from typing import TYPE_CHECKING, Any

try:
    __version__ = metadata.version("lcasym")  # one source: pyproject.toml
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

_EXPORTS = {
    "calculate": "lcasym.api",
    "setup": "lcasym.background.bootstrap",
    "verify": "lcasym.background.bootstrap",
    "read_network": "lcasym.io",
    "write_network": "lcasym.io",
    "ValidationReport": "lcasym.network.checking",
    "validate": "lcasym.network.checking",
    "SymbiosisResult": "lcasym.results",
    "open_session": "lcasym.calc.session",
    "EngineSession": "lcasym.calc.session",
    "Edit": "lcasym.calc.edits",
    "Variant": "lcasym.calc.variants",
    "compare_years": "lcasym.calc.years",
}

if TYPE_CHECKING:
    from lcasym.api import calculate
    from lcasym.background.bootstrap import setup, verify
    from lcasym.calc.edits import Edit
    from lcasym.calc.session import EngineSession, open_session
    from lcasym.calc.variants import Variant
    from lcasym.calc.years import compare_years
    from lcasym.io import read_network, write_network
    from lcasym.network.checking import ValidationReport, validate
    from lcasym.results import SymbiosisResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lcasym' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "Edit",
    "EngineSession",
    "SymbiosisResult",
    "ValidationReport",
    "Variant",
    "__version__",
    "calculate",
    "compare_years",
    "open_session",
    "read_network",
    "setup",
    "validate",
    "verify",
    "write_network",
]
