"""Hand-computed climate scores of activities added to lcasym-open for the Kalundborg example.

Sea freight by bulk carrier, from DESNZ 2025 'Freighting goods › Cargo ship › Bulk carrier'
and 'WTT- delivery vehs & freight › WTT- cargo ship › Bulk carrier' (kg CO2e per tonne.km;
gas columns at AR5 GWP100, CH4 28 and N2O 265, converted back to gas masses in
exchanges.csv). Expected values are IPCC 2021 GWP100: CO2 fossil 1, CH4 fossil 29.8, N2O 273.
"""

from __future__ import annotations

import pytest

IPCC = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
CH4, N2O = 29.8, 273.0

# DESNZ 2025, Cargo ship › Bulk carrier › Average: CO2 0.00349, CH4 0.000001 and
# N2O 0.00004 kg CO2e/tkm (direct), WTT 0.0008 kg CO2e/tkm
BULK_AVERAGE = 0.00349 + 0.000001 / 28 * CH4 + 0.00004 / 265 * N2O + 0.0008  # 0.004332272
# DESNZ 2025, Cargo ship › Bulk carrier › 0-9999 dwt: CO2 0.0292, CH4 0.00001,
# N2O 0.00035 kg CO2e/tkm (direct), WTT 0.0067 kg CO2e/tkm
BULK_SMALL = 0.0292 + 0.00001 / 28 * CH4 + 0.00035 / 265 * N2O + 0.0067  # 0.036271209


def _score(code: str, amount: float = 1.0) -> float:
    import bw2calc as bc
    import bw2data as bd

    lca = bc.LCA({bd.get_node(database="lcasym-open", code=code): amount}, IPCC)
    lca.lci()
    lca.lcia()
    return float(lca.score)


def test_hand_values():
    assert pytest.approx(0.004332272, abs=1e-9) == BULK_AVERAGE
    assert pytest.approx(0.036271209, abs=1e-9) == BULK_SMALL
    # DESNZ's own CO2e totals (0.00353 and 0.02956 direct) agree with the gas split at AR5
    assert pytest.approx(0.00353, abs=2e-6) == 0.00349 + 0.000001 + 0.00004
    assert pytest.approx(0.02956, abs=2e-6) == 0.0292 + 0.00001 + 0.00035


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("transport_ship_bulk_carrier_average", BULK_AVERAGE),
        ("transport_ship_bulk_carrier_0_9999dwt", BULK_SMALL),
    ],
)
def test_bulk_carrier_scores(in_bw_project, code, expected):
    assert _score(code) == pytest.approx(expected, rel=1e-6)
    assert _score(code, amount=1_000) == pytest.approx(1_000 * expected, rel=1e-6)


def test_bulk_carriers_are_cleaner_than_lorries(in_bw_project):
    lorry = _score("transport_lorry_hgv_average")
    assert (
        _score("transport_ship_bulk_carrier_average")
        < _score("transport_ship_bulk_carrier_0_9999dwt")
        < lorry
    )
