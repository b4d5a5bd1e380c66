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
    "SymbiosisResult",
    "ValidationReport",
    "__version__",
    "calculate",
    "read_network",
    "setup",
    "validate",
    "verify",
    "write_network",
]
