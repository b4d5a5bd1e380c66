"""Energy carried by one unit of an exchange, from what the network declares.

Used by the indicators (energy recovered) and by validation (a forgone-output ratio per
unit of heat). Never guessed from names: an exchange states its energy by its unit (MWh,
GJ, ...), by ``energy_content`` (a fuel's heating value, a stated MJ/t of steam) or by its
``steam`` conditions, from which the heat per tonne is

    q = h_steam(p, T) − h_water(T_return)        [kJ/kg = MJ/t]

with ``h_steam`` the enthalpy of saturated steam at pressure p (or of superheated steam at
p and T) and ``h_water`` that of the returned condensate or make-up water.

Source of the values (facts, rounded to 0.1 kJ/kg): IAPWS Industrial Formulation 1997
(IAPWS-IF97, IAPWS R7-97(2012)) computed with the ``iapws`` 1.5.5 implementation and equal
to the printed steam tables (e.g. saturated steam at 10 bar: 179.89 °C, 2777.1 kJ/kg; liquid
water at 20 °C: 84.0 kJ/kg). Between table points the enthalpy is interpolated linearly in
temperature, then in pressure; the error is below 0.5 % for saturated steam.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from lcasym.network.model import Exchange, Steam
from lcasym.units import UnitError, parse_unit, ureg

__all__ = ["energy_per_unit", "liquid_enthalpy", "steam_enthalpy", "steam_heat"]

#: Saturated steam: (pressure bar, saturation temperature °C, enthalpy kJ/kg), IAPWS-IF97.
SATURATED: tuple[tuple[float, float, float], ...] = (
    (1, 99.61, 2674.9), (2, 120.21, 2706.2), (3, 133.53, 2724.9), (4, 143.61, 2738.1),
    (5, 151.84, 2748.1), (6, 158.83, 2756.1), (8, 170.41, 2768.3), (10, 179.89, 2777.1),
    (12, 187.96, 2783.8), (15, 198.30, 2791.0), (20, 212.38, 2798.4), (25, 223.96, 2802.0),
    (30, 233.86, 2803.3), (40, 250.36, 2800.9), (50, 263.94, 2794.2), (60, 275.59, 2784.6),
    (80, 295.01, 2758.6), (100, 311.00, 2725.5),
)  # fmt: skip
#: Superheated steam enthalpy, kJ/kg, by pressure (bar) then temperature (°C), IAPWS-IF97.
SUPERHEATED: dict[float, tuple[tuple[float, float], ...]] = {
    1: ((150, 2776.6), (200, 2875.5), (250, 2974.5), (300, 3074.5), (400, 3278.5), (500, 3488.7)),
    5: ((200, 2855.9), (250, 2961.1), (300, 3064.6), (400, 3272.3), (500, 3484.4)),
    10: ((200, 2828.3), (250, 2943.2), (300, 3051.7), (400, 3264.4), (500, 3479.0)),
    20: ((250, 2903.2), (300, 3024.3), (400, 3248.2), (500, 3468.1)),
    40: ((300, 2961.7), (350, 3093.3), (400, 3214.4), (500, 3445.8)),
    100: ((350, 2924.0), (400, 3097.4), (500, 3375.1)),
}
#: Liquid water at atmospheric pressure: (temperature °C, enthalpy kJ/kg), IAPWS-IF97.
LIQUID: tuple[tuple[float, float], ...] = (
    (0, 0.1), (10, 42.1), (20, 84.0), (30, 125.8), (40, 167.6), (50, 209.4), (60, 251.2),
    (70, 293.1), (80, 335.0), (90, 377.0), (99.61, 417.4),
)  # fmt: skip


def _interp(points: Sequence[tuple[float, float]], x: float) -> float:
    xs = [p[0] for p in points]
    if not xs[0] <= x <= xs[-1]:
        raise ValueError(f"{x:g} is outside the table range {xs[0]:g}–{xs[-1]:g}")
    i = min(max(bisect_left(xs, x), 1), len(xs) - 1)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def _saturation(pressure_bar: float) -> tuple[float, float]:
    temps = [(p, t) for p, t, _ in SATURATED]
    enth = [(p, h) for p, _, h in SATURATED]
    return _interp(temps, pressure_bar), _interp(enth, pressure_bar)


def _at_table_pressure(pressure_bar: float, temperature_c: float) -> float:
    t_sat, h_sat = _saturation(pressure_bar)
    points = ((t_sat, h_sat), *((t, h) for t, h in SUPERHEATED[pressure_bar] if t > t_sat))
    return _interp(points, temperature_c)


def steam_enthalpy(pressure_bar: float, temperature_c: float | None = None) -> float:
    """Specific enthalpy of steam, kJ/kg: saturated at ``pressure_bar`` or superheated.

    Raises
    ------
    ValueError
        Pressure outside 1–100 bar, a temperature below saturation (not steam) or above the
        table (500 °C; 400 °C at 100 bar).
    """
    t_sat, h_sat = _saturation(pressure_bar)
    if temperature_c is None or abs(temperature_c - t_sat) < 1e-9:
        return h_sat
    if temperature_c < t_sat:
        raise ValueError(
            f"{temperature_c:g} °C is below the saturation temperature {t_sat:.1f} °C at "
            f"{pressure_bar:g} bar: that is water, not steam"
        )
    table = sorted(SUPERHEATED)
    if not table[0] <= pressure_bar <= table[-1]:
        raise ValueError(f"superheated steam: {pressure_bar:g} bar outside {table[0]}–{table[-1]}")
    i = min(max(bisect_left(table, pressure_bar), 1), len(table) - 1)
    p0, p1 = table[i - 1], table[i]
    h0 = _at_table_pressure(p0, max(temperature_c, _saturation(p0)[0]))
    h1 = _at_table_pressure(p1, max(temperature_c, _saturation(p1)[0]))
    return h0 + (h1 - h0) * (pressure_bar - p0) / (p1 - p0)


def liquid_enthalpy(temperature_c: float) -> float:
    """Specific enthalpy of liquid water at ``temperature_c`` (0–99.6 °C), kJ/kg."""
    return _interp(LIQUID, temperature_c)


def steam_heat(steam: Steam) -> float:
    """Heat delivered per tonne of steam, MJ/t (= kJ/kg): h_steam − h_water(return)."""
    return steam_enthalpy(steam.pressure_bar, steam.temperature_c) - liquid_enthalpy(
        steam.return_temperature_c
    )


def energy_per_unit(exchange: Exchange):
    """Energy carried by one unit of the exchange, as a pint quantity in MJ, or None.

    Order: the unit itself is an energy (MWh, GJ ...); else the declared
    ``energy_content`` (value per unit exchanged); else the ``steam`` conditions (heat per
    tonne × tonnes per unit). None when the exchange declares none of these.
    """
    try:
        unit = parse_unit(exchange.unit)
    except UnitError:
        return None
    mj = parse_unit("MJ")
    if unit.dimensionality == mj.dimensionality:
        return ureg.Quantity(1.0, unit).to(mj)
    if exchange.energy_content is not None:
        per = ureg.Quantity(exchange.energy_content.value, parse_unit(exchange.energy_content.unit))
        total = (ureg.Quantity(1.0, unit) * per).to_base_units()
        if total.dimensionality == mj.dimensionality:
            return total.to(mj)
        return None
    if exchange.steam is not None:
        tonne = parse_unit("t")
        if unit.dimensionality != tonne.dimensionality:
            return None
        tonnes = ureg.Quantity(1.0, unit).to(tonne).magnitude
        return ureg.Quantity(tonnes * steam_heat(exchange.steam), mj)
    return None
