"""The one pint registry of lcasym, and conversions between user units and Brightway units.

Brightway (ecoinvent style) writes units as words ("kilogram", "megajoule",
"ton kilometer", "cubic meter"); users write symbols ("t", "MWh", "Nm3", "tkm").
Both are parsed here into the same pint quantities.
"""

from __future__ import annotations

import math
import re
from functools import cache

import pint

ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Normal cubic metre of gas (0 °C, 1 atm) and standard cubic metre: volumes, counted as m3.
ureg.define("normal_cubic_meter = meter ** 3 = Nm3 = Nm³")
ureg.define("standard_cubic_meter = meter ** 3 = Sm3 = Sm³")
ureg.define("tonne_kilometer = tonne * kilometer = tkm")
ureg.define("vehicle_kilometer = kilometer = vkm")
ureg.define("unit_item = [item] = unit = item = p")
ureg.define("hectare_year = hectare * year = ha_a")

# Brightway / ecoinvent unit words -> pint expressions.
_BRIGHTWAY_ALIASES: dict[str, str] = {
    "kilogram": "kg",
    "kg": "kg",
    "gram": "g",
    "ton": "tonne",
    "tonne": "tonne",
    "t": "tonne",
    "metric ton": "tonne",
    "megajoule": "MJ",
    "gigajoule": "GJ",
    "kilowatt hour": "kWh",
    "megawatt hour": "MWh",
    "gigawatt hour": "GWh",
    "cubic meter": "m**3",
    "cubic metre": "m**3",
    "m3": "m**3",
    "m³": "m**3",
    "litre": "liter",
    "liter": "liter",
    "normal cubic meter": "Nm3",
    "standard cubic meter": "Sm3",
    "ton kilometer": "tkm",
    "tonne kilometer": "tkm",
    "t*km": "tkm",
    "t km": "tkm",
    "tkm": "tkm",
    "kilometer": "km",
    "vehicle kilometer": "vkm",
    "square meter": "m**2",
    "square meter-year": "m**2 * year",
    "unit": "unit",
    "hour": "hour",
    "kilowatt": "kW",
}


_CUBIC = re.compile(r"(?<![A-Za-z_])m3(?![A-Za-z0-9_])")
_KILOTONNE = re.compile(r"(?<![A-Za-z_])kt(?![A-Za-z0-9_])")
# "ton" means the tonne in Brightway data and to most users; pint reads it as the US short
# ton (907.18 kg), and "tons" likewise: "ton" is rewritten to tonne, "tons" refused.
_TON = re.compile(r"(?<![A-Za-z_])ton(?![A-Za-z0-9_])")
_TONS = re.compile(r"(?<![A-Za-z_])tons(?![A-Za-z0-9_])", re.IGNORECASE)

#: Longest unit text accepted, and the largest exponent (pint would evaluate
#: ``kg**(9**9**9)``, a number with 370 million digits).
MAX_UNIT_LENGTH = 64
MAX_EXPONENT = 12
_POWER = re.compile(r"\*\*|\^")
_EXPONENT = re.compile(r"\s*([-+]?\d{1,2}(?:\.\d{1,3})?)(?!\s*(?:\*\*|\^|\d|\.))")


class UnitError(ValueError):
    """A unit could not be parsed or converted; the message says which and why."""


def check_unit_text(unit: str) -> str:
    """Return ``unit`` stripped, or raise :class:`UnitError` if it breaks lcasym's unit rules.

    Refused: empty text, more than :data:`MAX_UNIT_LENGTH` characters, an exponent that is
    not a plain number up to :data:`MAX_EXPONENT` (``kg**(9**9**9)``, ``m**2**3``), and
    ``tons`` (ambiguous: pint reads it as US short tons; write ``t`` for tonnes).
    """
    if not isinstance(unit, str) or not unit.strip():
        raise UnitError("unit is empty; give a unit such as 't', 'kg', 'MWh', 'GJ' or 'm3'")
    text = unit.strip()
    if len(text) > MAX_UNIT_LENGTH:
        raise UnitError(
            f"unit {text[:20]!r}... is {len(text)} characters long, more than lcasym's limit of "
            f"{MAX_UNIT_LENGTH}; give a unit such as 't', 'MWh' or 'MJ/m3'"
        )
    for power in _POWER.finditer(text):
        exponent = _EXPONENT.match(text, power.end())
        if exponent is None or abs(float(exponent.group(1))) > MAX_EXPONENT:
            raise UnitError(
                f"unit {text!r}: an exponent must be a plain number from -{MAX_EXPONENT} to "
                f"{MAX_EXPONENT} (for example 'm**3' or 'm^2')"
            )
    if _TONS.search(text):
        raise UnitError(
            f"unit {text!r}: 'tons' is ambiguous (pint reads it as US short tons of 907.18 kg); "
            "write 't' for metric tonnes, or 'short_ton' if you mean US tons"
        )
    return text


@cache
def parse_unit(unit: str) -> pint.Unit:
    """Parse a user or Brightway unit string into a pint unit (case-sensitive symbols).

    The text is checked first (:func:`check_unit_text`); ``ton`` means the metric tonne.
    """
    text = check_unit_text(unit)
    expr = _BRIGHTWAY_ALIASES.get(text, _BRIGHTWAY_ALIASES.get(text.lower(), text))
    # Inside compound units ("MJ/m3", "kWh/m³", "t/kt") rewrite the shorthand pint lacks.
    expr = _CUBIC.sub("m**3", expr.replace("m³", "m3"))
    expr = _KILOTONNE.sub("kilotonne", expr)
    expr = _TON.sub("tonne", expr)
    try:
        return ureg.parse_units(expr)
    except Exception as exc:  # pint raises several kinds
        raise UnitError(
            f"unknown unit {unit!r}; use a unit such as 't', 'kg', 'MWh', 'GJ', 'm3', 'Nm3', "
            "'tkm', 'km' or 'kWh'"
        ) from exc


def can_convert(from_unit: str, to_unit: str) -> bool:
    """Return True if a quantity in ``from_unit`` converts to ``to_unit``."""
    try:
        return parse_unit(from_unit).dimensionality == parse_unit(to_unit).dimensionality
    except UnitError:
        return False


@cache
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Return f such that ``x [from_unit] = x·f [to_unit]`` (cached per pair of units).

    Raises
    ------
    UnitError
        If either unit is unknown or their dimensions differ.
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            f"cannot convert {from_unit!r} ({src.dimensionality}) to {to_unit!r} "
            f"({dst.dimensionality}); give the quantity in a unit of the same kind, or set a "
            "ratio with a ratio_unit that bridges them (e.g. 'MJ/m3')"
        )
    factor = float(ureg.Quantity(1.0, src).to(dst).magnitude)
    if not math.isfinite(factor):
        raise UnitError(f"conversion from {from_unit!r} to {to_unit!r} is not finite")
    return factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from ``from_unit`` to ``to_unit`` (``value · conversion_factor``)."""
    return value * conversion_factor(from_unit, to_unit)
