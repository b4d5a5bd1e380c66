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


# --- unit text rules (hardening) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("kg**(9**9**9)", "exponent must be a plain number"),  # pint would compute 9**9**9
        ("kg^9^9^9", "exponent must be a plain number"),
        ("m**100", "exponent must be a plain number"),
        ("tons", "'tons' is ambiguous"),
        ("Tons/h", "'tons' is ambiguous"),
        ("k" * 65, "more than lcasym's limit of 64"),
    ],
)
def test_unit_texts_that_are_refused(text, words):
    from lcasym.units import UnitError, parse_unit

    with pytest.raises(UnitError, match=words):
        parse_unit(text)


def test_ton_is_the_tonne_alone_and_in_compounds():
    from lcasym.units import conversion_factor

    assert conversion_factor("ton", "kg") == pytest.approx(1000.0)
    assert conversion_factor("ton/h", "kg/h") == pytest.approx(1000.0)
    assert conversion_factor("short_ton", "kg") == pytest.approx(907.18474)  # 2,000 lb, explicit
    assert conversion_factor("m^2", "m**2") == 1.0 and conversion_factor("kg**-1", "1/g") == 1e-3
