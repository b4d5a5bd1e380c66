"""Where lcasym's shipped files live: one door for ``databases/``, ``reports/``, ``examples/``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_SHIPPED = ("databases", "reports", "examples")


@cache
def shipped_path(name: str) -> Path:
    """Return the directory of a shipped folder (``databases``, ``reports`` or ``examples``).

    In a source checkout or editable install these sit beside the package; in a wheel they
    are copied into ``lcasym/_shipped/``.
    """
    if name not in _SHIPPED:
        raise ValueError(f"unknown shipped folder {name!r}; expected one of {_SHIPPED}")
    for candidate in (_PACKAGE_DIR / "_shipped" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"lcasym's shipped folder {name!r} was not found next to {_PACKAGE_DIR}; "
        "reinstall lcasym (pip install .) so its data files are present."
    )


def databases_dir() -> Path:
    """Directory of the shipped open background data."""
    return shipped_path("databases")


def reports_dir() -> Path:
    """Directory of the report templates and print CSS."""
    return shipped_path("reports")


def examples_dir() -> Path:
    """Directory of the example networks (Kalundborg, tiny hand-checkable network)."""
    return shipped_path("examples")


def package_data(name: str) -> Path:
    """A data file shipped inside the package (``lcasym/data/<name>``)."""
    return _PACKAGE_DIR / "data" / name
