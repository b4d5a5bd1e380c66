"""The one Jinja environment of the report: sandboxed, autoescaped, numbers by filters.

Every template (lcasym's and a user's) renders with autoescaping on, so user text (facility
names, flows, notes, sources) is always text, never markup. The only markup a template may
insert unescaped is SVG that :mod:`lcasym.presentation.figures` drew (filter ``svg``), whose
user text is escaped there. Templates get raw values; these filters format them:

``num(v)``            about 3 significant figures (:func:`format_supported`), "–" for NaN
``num_iv(v, lo, hi)`` ``v`` rounded to what its P5–P95 interval supports
``iv(lo, hi, v)``     the interval "lo to hi" rounded like ``num_iv``
``pct(v)``            a percentage
``amount(v)``         a physical amount as given (up to 6 significant figures)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from lcasym.presentation.formatting import (
    _is_missing,
    format_percent,
    format_supported,
)


def num(value: Any) -> str:
    """A number with about 3 significant figures; "–" when missing."""
    return format_supported(value)[0]


def num_iv(value: Any, low: Any = None, high: Any = None) -> str:
    """``value`` rounded to what its P5–P95 interval supports."""
    return format_supported(value, low, high)[0]


def iv(low: Any, high: Any, value: Any = None) -> str:
    """``"lo to hi"`` rounded to the interval's width; "" without an interval."""
    text = format_supported(value if not _is_missing(value) else low, low, high)
    if text[1] is None:
        return ""
    return f"{text[1]} to {text[2]}"


def amount(value: Any) -> str:
    """A physical quantity as the network file gives it (no rounding beyond 6 digits)."""
    if _is_missing(value):
        return "–"
    v = float(value)
    return f"{v:,.6g}" if abs(v) < 1e15 else f"{v:.6g}"


def svg(text: str | None) -> Markup:
    """SVG that lcasym's figures module drew (its user text is escaped there)."""
    if not text:
        return Markup("")
    start = text.find("<svg")
    return Markup(text[start:] if start >= 0 else "")


def is_missing(value: Any) -> bool:
    """True for None and NaN."""
    return _is_missing(value)


def make_environment(template_dirs: Sequence[Path]) -> SandboxedEnvironment:
    """The report environment: the user's folder first, then lcasym's ``reports/``.

    lcasym's templates are also reachable as ``lcasym/<name>`` so a user's template can
    ``{% extends "lcasym/report.html.j2" %}``.
    """
    *user, own = [str(p) for p in template_dirs]
    loader = ChoiceLoader(
        [FileSystemLoader(u) for u in user]
        + [PrefixLoader({"lcasym": FileSystemLoader(own)}), FileSystemLoader(own)]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=num, num_iv=num_iv, iv=iv, pct=format_percent, amount=amount, svg=svg)
    env.tests["missing"] = is_missing
    return env
