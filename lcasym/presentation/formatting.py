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


# --- rounding to what the uncertainty supports ------------------------------------------------


#: A P5–P95 width below this share of the interval's magnitude is floating-point noise
#: (draws that do not vary, summed in another order), not uncertainty.
NOISE_WIDTH = 1e-9


def is_interval(low: Any, high: Any) -> bool:
    """True when ``[low, high]`` is a real interval: both given and ``high − low`` above noise.

    ``is_interval(1.0, 2.0) -> True``; ``is_interval(30065000.534057617, 30065000.534057625)
    -> False`` (a width of 8e-9 on 3e7 is 2.7e-16 of it: rounding noise, see NOISE_WIDTH).
    """
    if _is_missing(low) or _is_missing(high):
        return False
    lo, hi = float(low), float(high)
    return hi - lo > NOISE_WIDTH * max(abs(lo), abs(hi))


def rounding_step(value: Any, low: Any = None, high: Any = None, *, digits: int = 3) -> float:
    """The step a value is rounded to: set by its P5–P95 interval when there is one.

    With an interval of width ``w = high − low > 0`` the step is ``10^(floor(log10 w) − 1)``:
    the width keeps two significant figures, the value is rounded to the same decimal place
    (ISO/IEC Guide 98-3 (GUM) §7.2.6: the uncertainty to at most two significant digits, the
    value to match). The step never makes a non-zero value lose its first significant digit
    (it is at most ``10^floor(log10 |value|)``). Without an interval (or a zero width) the
    value keeps ``digits`` significant figures: ``10^(floor(log10 |value|) − digits + 1)``.
    Returns 0 for a missing or zero value without an interval (nothing to round).
    """
    if _is_missing(value):
        return 0.0
    v = abs(float(value))
    own = 10.0 ** (math.floor(math.log10(v)) - digits + 1) if v > 0 else 0.0
    if not is_interval(low, high):
        return own
    width_step = 10.0 ** (math.floor(math.log10(float(high) - float(low))) - 1)
    if v > 0:
        width_step = min(width_step, 10.0 ** math.floor(math.log10(v)))
    return width_step


def round_to_step(value: float, step: float) -> float:
    """``value`` rounded to a multiple of ``step`` (half away from zero); ``step`` 0: as is."""
    if step <= 0 or not math.isfinite(value):
        return value
    q = abs(value) / step
    rounded = math.floor(q + 0.5) * step
    # Remove binary noise (0.30000000000000004) by rounding to the step's decimals.
    rounded = round(rounded, max(0, -math.floor(math.log10(step))))
    return math.copysign(rounded, value) if rounded else 0.0


def format_stepped(value: Any, step: float) -> str:
    """``value`` rounded to ``step`` with thousands separators and the step's decimals.

    ``format_stepped(92528.49, 1000) -> "93,000"``, ``format_stepped(0.01234, 0.001) ->
    "0.012"``; None/NaN -> ``"–"``.
    """
    if _is_missing(value):
        return "–"
    v = float(value)
    if step <= 0:
        return format_number(v)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    v = round_to_step(v, step)
    if v != 0 and (abs(v) >= 1e9 or abs(v) < 1e-4):
        sig = max(1, math.floor(math.log10(abs(v))) - math.floor(math.log10(step)) + 1)
        return f"{v:.{sig - 1}e}"
    return f"{v:,.{decimals}f}"


def format_supported(
    value: Any, low: Any = None, high: Any = None, *, digits: int = 3
) -> tuple[str, str | None, str | None]:
    """``value`` and its P5/P95 as text, rounded to what the uncertainty supports.

    Returns ``(value, low, high)``; ``low`` and ``high`` are None without an interval (or
    with one of zero or noise width, :func:`is_interval`).
    ``format_supported(92528.5, 69957.3, 109117.9) -> ("93,000", "70,000", "109,000")``
    (width 39,160: step 1,000); ``format_supported(92528.5) -> ("92,500", None, None)``.
    """
    step = rounding_step(value, low, high, digits=digits)
    if not is_interval(low, high):
        return format_stepped(value, step), None, None
    return format_stepped(value, step), format_stepped(low, step), format_stepped(high, step)


def format_percent(value: Any) -> str:
    """A share in percent: 3 significant figures from 10 % up, else 2; NaN -> "–".

    ``46.72 -> "46.7 %"``, ``100.0 -> "100 %"``, ``0.0345 -> "0.035 %"``.
    """
    if _is_missing(value):
        return "–"
    v = float(value)
    if v == 0:
        return "0 %"
    digits = 3 if abs(v) >= 10 else 2
    return f"{format_stepped(v, 10.0 ** (math.floor(math.log10(abs(v))) - digits + 1))} %"
