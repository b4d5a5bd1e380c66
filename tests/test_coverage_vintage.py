"""Reporting-year background, coverage flags, placeholders and forgone defaults, end to end.

Hand network (lcasym-open 2026.2), reporting year 2010:

  grid    A → B energy 1,000 kWh, displaces ``electricity_grid_dk`` (the series): resolved
          to electricity_grid_dk_2010, Ember 2025 release 540.3871 g/kWh
          D = 1,000 · 0.5403871 = 540.3871 kg CO2-eq
  water   A → B water 1,000 m3, displaces water_groundwater_abstraction_dk
          water use: 1 m3 'Water' (air) per m3 × EF v3.1 AWARE CF 42.95 = 42,950 m3 world-eq
  sulfur  A → B material 10 t, displaces sulfur_recovered (a placeholder with no exchanges)
          climate change: no characterised flow reached → "not covered", flag "placeholder"
  heat    A → B energy 100 MWh district heat, displaces heat_natural_gas_boiler, forgone
          output default district_heat_extraction_chp (0.15 kWh/kWh, DEA Cv) replaced by
          the supplier's grid (DK, 2010): F = 100,000 kWh · 0.15 · 0.5403871 = 8,105.8065
"""

from __future__ import annotations

import pytest

from lcasym import calculate, validate
from lcasym.errors import InputError
from lcasym.network.model import SymbiosisNetwork

pytestmark = pytest.mark.slow

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
WATER = (
    "EF v3.1",
    "water use",
    "user deprivation potential (deprivation-weighted water consumption)",
)
GWP_L, WATER_L = " | ".join(GWP), " | ".join(WATER)
DK_2010 = 0.5403871


def net(year: int = 2010, **heat_forgone) -> SymbiosisNetwork:
    forgone = heat_forgone or {"default": "district_heat_extraction_chp"}
    ex = [
        {"id": "grid", "kind": "energy", "flow": "electricity", "amount": 1000, "unit": "kWh",
         "displaces": {"activity": "electricity_grid_dk"}},
        {"id": "water", "kind": "water", "flow": "water", "amount": 1000, "unit": "m3",
         "displaces": {"activity": "water_groundwater_abstraction_dk"}},
        {"id": "sulfur", "kind": "material", "flow": "sulfur", "amount": 10, "unit": "t",
         "displaces": {"activity": "sulfur_recovered"}},
        {"id": "heat", "kind": "energy", "flow": "district heat", "amount": 100, "unit": "MWh",
         "displaces": {"activity": "heat_natural_gas_boiler"}, "forgone_output": forgone},
    ]  # fmt: skip
    for x in ex:
        x.update(supplier="A", receiver="B")
    return SymbiosisNetwork.model_validate(
        {
            "network": {"id": f"cov{year}", "name": "coverage", "reporting_year": year},
            "facilities": [
                {"id": "A", "name": "plant", "sector": "energy", "location": "DK"},
                {"id": "B", "name": "user", "sector": "industry", "location": "DK"},
            ],
            "exchanges": ex,
        }
    )


@pytest.fixture(scope="module")
def result(bw_project):
    kw = {"project": bw_project.project, "directory": bw_project.directory}
    return calculate(net(), methods=[GWP, WATER], contributions_top=0, **kw)


def cell(frame, exchange, method, column):
    hit = frame[(frame["exchange"] == exchange) & (frame["method"] == method)]
    return hit[column].iloc[0]


def test_series_resolves_to_the_reporting_year(result):
    ex = result.exchanges
    assert cell(ex, "grid", GWP_L, "displaced") == pytest.approx(1000 * DK_2010, rel=1e-6)
    assert result.provenance["background_year"] == 2010
    assert result.provenance["background_vintages"]["electricity_grid_dk_2010"] == 2010


def test_forgone_default_uses_the_reporting_year_grid(result):
    f = cell(result.exchanges, "heat", GWP_L, "forgone")
    assert f == pytest.approx(100_000 * 0.15 * DK_2010, rel=1e-6)


def test_water_saving_exchange_has_a_water_use_score(result):
    d = cell(result.exchanges, "water", WATER_L, "displaced")
    assert d == pytest.approx(1000 * 42.95, rel=1e-6)
    assert cell(result.exchanges, "water", WATER_L, "coverage") in ("covered", "partial")


def test_placeholder_is_not_covered_and_flagged(result):
    assert cell(result.exchanges, "sulfur", GWP_L, "coverage") == "not covered"
    flags = result.flags
    hit = flags[(flags["entity"] == "sulfur") & (flags["flag"] == "placeholder")]
    assert list(hit["detail"]) == ["sulfur_recovered"]
    # the network has data for climate change but not all of it: partial
    assert result.totals.set_index("method").loc[GWP_L, "coverage"] == "partial"


def test_electricity_is_partial_for_water_use(result):
    # the grid mixes carry life-cycle CO2e only (incomplete_for "all except climate change"),
    # and the water activity's electricity is upstream: water use is characterised but partial
    assert cell(result.exchanges, "water", WATER_L, "coverage") == "partial"
    assert cell(result.exchanges, "grid", WATER_L, "coverage") == "not covered"


def test_upstream_vintage_is_flagged(result):
    # water_groundwater_abstraction_dk pumps with the series activity = the 2024 mix
    flags = result.flags
    hit = flags[(flags["entity"] == "water") & (flags["flag"] == "vintage mismatch")]
    assert "electricity_grid_dk_2024: wanted 2010 → used 2024" in set(hit["detail"])


def test_validation_warns_for_nearest_year_and_errors_far_away(bw_project):
    kw = {"project": bw_project.project, "directory": bw_project.directory}
    near = validate(net(2027), **kw)
    texts = [p.message for p in near.warnings]
    assert any("no data for 2027: the nearest year 2024 is used" in t for t in texts)
    far = validate(net(1990), **kw)
    assert any("has no data for 1990 (years available: 2000-2024)" in p.message for p in far.errors)
    placeholder = [p for p in near.warnings if "is a placeholder" in p.message]
    assert placeholder and "sulfur_recovered" in placeholder[0].message


def test_forgone_bad_input_is_located(bw_project):
    kw = {"project": bw_project.project, "directory": bw_project.directory}
    unknown = validate(net(default="district_heat_magic"), **kw)
    assert any("unknown forgone-output default 'district_heat_magic'" in p.message
               for p in unknown.errors)  # fmt: skip
    # 2,000 kWh per MWh = 2 kWh of electricity per kWh of heat: impossible for a CHP unit
    big = validate(net(ratio=2000, ratio_unit="kWh/MWh"), **kw)
    msgs = [(p.message, p.location) for p in big.errors]
    assert any("2 kWh of electricity per kWh of heat" in m and "forgone_output" in loc
               for m, loc in msgs)  # fmt: skip
    with pytest.raises(InputError):
        calculate(net(default="nope"), methods=[GWP], **kw, contributions_top=0)
