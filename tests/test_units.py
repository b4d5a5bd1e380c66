"""Unit conversions between user units and Brightway units (hand-checked factors)."""

import pytest

from lcasym.units import UnitError, can_convert, conversion_factor, convert


@pytest.mark.parametrize(
    ("src", "dst", "factor"),
    [
        ("t", "kilogram", 1000.0),  # 1 t = 1000 kg
        ("kt", "t", 1000.0),  # kilotonne, not knot
        ("MWh", "megajoule", 3600.0),  # 1 MWh = 3.6e9 J = 3600 MJ
        ("GJ", "kilowatt hour", 1e9 / 3.6e6),  # 1 GJ = 277.78 kWh
        ("Nm3", "cubic meter", 1.0),  # normal m3 counted as m3
        ("m³", "cubic meter", 1.0),
        ("tkm", "ton kilometer", 1.0),
        ("litre", "m3", 0.001),
        ("MJ/m3", "GJ/m3", 0.001),  # compound units with the m3 shorthand
    ],
)
def test_conversion_factors(src, dst, factor):
    assert conversion_factor(src, dst) == pytest.approx(factor, rel=1e-12)


def test_convert_and_dimension_errors():
    assert convert(2.5, "t", "kg") == pytest.approx(2500.0)
    assert not can_convert("t", "MJ")
    with pytest.raises(UnitError, match="cannot convert 't'"):
        conversion_factor("t", "MJ")
    with pytest.raises(UnitError, match="unknown unit 'tonnez'"):
        conversion_factor("tonnez", "kg")
