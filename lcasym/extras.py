"""Optional parts of lcasym and the extras that install them.

The library (network files, calculation, exports, CLI) needs none of these; the PDF report
and charts need ``lcasym[report]`` (Jinja2, WeasyPrint, Altair, vl-convert), the Streamlit
app ``lcasym[app]``, local or remote Dask clusters ``lcasym[dask]``; ``lcasym[all]`` has
them all. :func:`require` imports an optional module or raises :class:`MissingExtraError`
saying which extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from lcasym.errors import LcasymError

#: Optional top-level module -> (extra, what needs it).
OPTIONAL = {
    "jinja2": ("report", "the PDF report"),
    "weasyprint": ("report", "the PDF report"),
    "altair": ("report", "charts (report, app, years)"),
    "vl_convert": ("report", "charts as SVG/PNG"),
    "streamlit": ("app", "the Streamlit app"),
    "dask": ("dask", "Monte Carlo on Dask workers (--workers, --scheduler)"),
    "distributed": ("dask", "Monte Carlo on Dask workers (--workers, --scheduler)"),
}


class MissingExtraError(LcasymError, ImportError):
    """An optional package is not installed; the message names the extra that installs it."""


def missing_message(module: str) -> str:
    """The sentence for a missing optional ``module``."""
    extra, purpose = OPTIONAL.get(module.split(".")[0], ("all", "this feature"))
    return (
        f"{purpose} needs the optional package {module!r}, which is not installed: "
        f"pip install 'lcasym[{extra}]' (or 'lcasym[all]')"
    )


def require(module: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(missing_message(module)) from exc


def available(module: str) -> bool:
    """True when ``module`` can be imported."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
