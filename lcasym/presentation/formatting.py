"""Numbers, units and method names formatted for people."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

# --- numbers for people -----------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    return False


def format_number(value: Any) -> str:
    """A number as people read it: thousands separators, about 3 significant digits.

    ``40394506.04 -> "40,394,506"``, ``12.345 -> "12.3"``, ``0.000271 -> "0.000271"``,
    ``2.5e-9 -> "2.5e-09"``; None/NaN -> ``"–"``.
    """
    if _is_missing(value):
        return "–"
    v = float(value)
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    if a >= 1:
        return f"{v:,.2f}"
    if a >= 1e-4:
        return f"{v:.3g}"
    return f"{v:.2e}"


def format_quantity(value: Any, unit: str) -> str:
    """``format_number(value)`` followed by the unit (counts: a whole number, no unit)."""
    if unit == "count" and not _is_missing(value):
        return f"{round(float(value)):,}"
    text = format_number(value)
    return text if text == "–" or not unit else f"{text} {unit}"


def is_kg_co2(unit: str) -> bool:
    """True for ``kg CO2-Eq`` style units (shown in tonnes)."""
    return bool(re.fullmatch(r"kg\s*co2[-\s]?eq\.?", unit.strip(), flags=re.IGNORECASE))


def display_scale(unit: str) -> tuple[float, str]:
    """Factor and unit to show a method's values in: kg CO2-eq becomes t CO2-eq."""
    if is_kg_co2(unit):
        return 1e-3, "t CO2-eq"
    return 1.0, unit


def method_parts(label: str) -> tuple[str, str, str]:
    """``"EF v3.1 | climate change | GWP100"`` -> (family, category, indicator)."""
    parts = [p.strip() for p in str(label).split("|")]
    family = parts[0] if parts else ""
    category = parts[1] if len(parts) > 1 else ""
    indicator = " | ".join(parts[2:])
    return family, category, indicator


def method_name(label: str) -> str:
    """A readable method name, e.g. ``"Climate change – GWP100 (IPCC 2021)"``."""
    family, category, indicator = method_parts(label)
    head = category[:1].upper() + category[1:] if category else label
    if indicator:
        head += f" – {indicator}"
    return f"{head} ({family})" if family else head
