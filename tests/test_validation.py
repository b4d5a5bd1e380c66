"""Cross-record validation: one failing input per rule, with its location and hint."""

from __future__ import annotations

import copy

import pytest

from lcasym.background.resolve import ActivityInfo, BackgroundIndex, network_index
from lcasym.errors import InputError
from lcasym.io.locate import Origin, TableLocator
from lcasym.network.model import ActivityRef, SymbiosisNetwork
from lcasym.network.validation import check_network, validate_network

BG = BackgroundIndex(
    [
        ActivityInfo("bg", "gypsum_mined", "gypsum, mined", "gypsum", "DK", "kilogram"),
        ActivityInfo("bg", "landfill_inert", "landfill of inert waste", "waste", "DK", "kilogram"),
        ActivityInfo("bg", "lorry", "transport, lorry", "transport", "RER", "ton kilometer"),
        ActivityInfo(
            "bg", "elec_dk", "electricity, grid, DK", "electricity", "DK", "kilowatt hour"
        ),
        ActivityInfo("bg", "heat_gas", "heat, natural gas boiler", "heat", "DK", "megajoule"),
        ActivityInfo("bg", "heat_gas_de", "heat, natural gas boiler", "heat", "DE", "megajoule"),
        ActivityInfo("bg", "water_gw", "groundwater abstraction", "water", "DK", "cubic meter"),
    ],
    versions={"bg": "2.0"},
)

BASE = {
    "network": {"id": "kal", "name": "K", "reporting_year": 2023, "background": {"database": "bg"}},
    "facilities": [
        {
            "id": "asnaes",
            "name": "Asnæs",
            "sector": "power",
            "generates": [{"flow": "FGD gypsum", "amount": 150, "unit": "Gg"}],
        },
        {
            "id": "gyproc",
            "name": "Gyproc",
            "sector": "board",
            "inventory": [{"activity": "elec_dk", "amount": 5, "unit": "MWh"}],
        },
    ],
    "exchanges": [
        {
            "id": "fgd",
            "supplier": "asnaes",
            "receiver": "gyproc",
            "kind": "material",
            "flow": "FGD gypsum",
            "amount": 100000,
            "unit": "t",
            "displaces": {"activity": "gypsum_mined", "ratio": 1.0},
            "avoided_treatment": {"activity": "landfill_inert"},
            "transport": [{"activity": "lorry", "distance": 2}],
            "extra_inputs": [{"activity": "elec_dk", "amount": 0.5, "unit": "kWh"}],
        },
        {
            "id": "heat",
            "supplier": "asnaes",
            "receiver": "gyproc",
            "kind": "energy",
            "flow": "steam",
            "amount": 10,
            "unit": "GWh",
            "displaces": {
                "activity": {"name": "heat, natural gas boiler", "location": "DK"},
                "ratio": 1.1,
            },
        },
    ],
    "custom_activities": [
        {
            "id": "grid_mix",
            "name": "grid",
            "unit": "kWh",
            "exchanges": [{"activity": "elec_dk", "amount": 1.0, "unit": "kWh"}],
        },
    ],
}


def net(edit=None) -> SymbiosisNetwork:
    data = copy.deepcopy(BASE)
    if edit:
        edit(data)
    return SymbiosisNetwork.model_validate(data)


def problems(network, background=BG):
    return [
        (p.severity, str(p))
        for p in validate_network(network, background=background, source="n.yaml")
    ]


def only(network, background=BG):
    found = problems(network, background)
    assert len(found) == 1, found
    return found[0]


def test_base_network_is_clean():
    assert problems(net()) == []
    assert check_network(net(), background=BG) == []


def test_duplicate_ids():
    def edit(d):
        d["facilities"].append({"id": "asnaes", "name": "X", "sector": "s"})

    sev, msg = only(net(edit))
    assert sev == "error"
    assert msg.startswith(
        "n.yaml, facilities[2] (id 'asnaes').id: id 'asnaes' is used twice "
        "(first at n.yaml, facilities[0] (id 'asnaes'))"
    )
    assert "rename one" in msg


def test_unknown_facility_with_suggestion():
    sev, msg = only(net(lambda d: d["exchanges"][0].update(receiver="gyprok")))
    assert (sev, msg) == (
        "error",
        "n.yaml, exchanges[0] (id 'fgd').receiver: receiver 'gyprok' "
        "is not a facility: did you mean 'gyproc'?",
    )


def test_operating_exchange_starting_after_the_reporting_year_is_warned():
    year = BASE["network"]["reporting_year"]
    sev, msg = only(net(lambda d: d["exchanges"][0].update(start_year=year + 1)))
    assert sev == "warning"
    assert "exchanges[0] (id 'fgd').start_year" in msg and "status 'planned'" in msg
    planned = net(lambda d: d["exchanges"][0].update(start_year=year + 1, status="planned"))
    assert problems(planned) == []


def test_self_exchange_is_caught_by_the_model_and_the_rule():
    data = copy.deepcopy(BASE)
    data["exchanges"][0]["receiver"] = "asnaes"
    from lcasym.io import network_from_dict

    with pytest.raises(
        InputError,
        match=r"exchanges\[0\] \(id 'fgd'\): supplier and receiver "
        "are both 'asnaes'",
    ):
        network_from_dict(data, "n.yaml")
    bad = net().model_copy(
        update={"exchanges": [net().exchanges[0].model_copy(update={"receiver": "asnaes"})]}
    )
    assert any(
        "exchanges[0] (id 'fgd').receiver: supplier and receiver are both" in m
        for _, m in problems(bad, None)
    )


def test_nan_is_caught_and_located():
    def edit(d):
        d["exchanges"][0]["economics"] = {"price_paid": float("nan")}

    sev, msg = only(net(edit))
    assert sev == "error"
    assert msg.startswith(
        "n.yaml, exchanges[0] (id 'fgd').economics.price_paid: price_paid is "
        "nan (not a number): give a finite value"
    )


def test_zero_quantities_are_warnings():
    def edit(d):
        d["custom_activities"][0]["exchanges"][0]["amount"] = 0
        d["exchanges"][1]["displaces"]["displacement_factor"] = 0

    found = problems(net(edit))
    assert [s for s, _ in found] == ["warning", "warning"]
    assert "custom_activities[0] (id 'grid_mix').exchanges[0].amount: amount is 0" in found[0][1]
    assert "displaces.displacement_factor: displacement_factor is 0" in found[1][1]


def test_unknown_unit_and_distance_unit():
    def edit(d):
        d["exchanges"][0]["extra_inputs"][0]["unit"] = "kwhh"
        d["exchanges"][0]["transport"][0]["distance_unit"] = "kg"

    found = problems(net(edit))
    assert (
        "error",
        "n.yaml, exchanges[0] (id 'fgd').extra_inputs[0].unit: unknown unit "
        "'kwhh'; use a unit such as 't', 'kg', 'MWh', 'GJ', 'm3', 'Nm3', 'tkm', 'km' or "
        "'kWh'",
    ) in found
    assert (
        "error",
        "n.yaml, exchanges[0] (id 'fgd').transport[0].distance_unit: "
        "distance_unit 'kg' is not a length: use 'km' or 'm'",
    ) in found


def test_transport_needs_mass():
    def edit(d):
        d["exchanges"][1]["transport"] = [{"activity": "lorry", "distance": 3}]

    sev, msg = only(net(edit))
    assert sev == "error"
    assert msg.startswith(
        "n.yaml, exchanges[1] (id 'heat').transport[0].mass_per_unit: the "
        "exchange is in 'GWh', not a mass: give mass_per_unit"
    )
    fixed = net(
        lambda d: d["exchanges"][1].update(
            transport=[{"activity": "lorry", "distance": 3, "mass_per_unit": 1.0}]
        )
    )
    assert problems(fixed) == []


def test_generation_balance_error_and_planned_warning():
    over = net(lambda d: d["exchanges"][0].update(amount=160000))  # 160 Gg > 150 Gg
    sev, msg = only(over)
    assert sev == "error"
    assert msg == (
        "n.yaml, facilities[0] (id 'asnaes').generates[0].amount: 'asnaes' sends "
        "160 Gg of 'FGD gypsum' (operating exchanges fgd) but declares it generates "
        "150 Gg: correct the exchange amounts or this figure"
    )

    def planned(d):
        d["exchanges"].append(
            {
                **copy.deepcopy(d["exchanges"][0]),
                "id": "fgd2",
                "status": "planned",
                "flow": "fgd gypsum ",
                "amount": 60000,
            }
        )

    sev, msg = only(net(planned))
    assert sev == "warning" and "(all exchanges fgd, fgd2)" in msg


def test_generation_balance_unit_mismatch():
    sev, msg = only(net(lambda d: d["facilities"][0]["generates"][0].update(unit="MWh")))
    assert sev == "error"
    assert "exchanges[0] (id 'fgd').unit: unit 't' does not convert to 'MWh'" in msg


@pytest.mark.parametrize(
    ("ratio", "severity", "text"),
    [
        (7.0, "warning", "outside the usual range [0.05, 5]"),
        (0.01, "warning", "outside the usual range [0.05, 5]"),
        (250.0, "error", "set ratio_unit (e.g. 'MJ/t')"),
    ],
)
def test_ratio_ranges(ratio, severity, text):
    sev, msg = only(net(lambda d: d["exchanges"][0]["displaces"].update(ratio=ratio)))
    assert sev == severity
    assert msg.startswith("n.yaml, exchanges[0] (id 'fgd').displaces.ratio: ")
    assert text in msg


def test_ratio_dimensionless_unit_is_converted_and_dimensioned_is_not_ranged():
    ok = net(lambda d: d["exchanges"][0]["displaces"].update(ratio=900, ratio_unit="kg/t"))
    assert problems(ok) == []  # 900 kg/t = 0.9
    sev, msg = only(net(lambda d: d["exchanges"][0]["avoided_treatment"].update(ratio=1.5)))
    assert (
        sev == "warning"
        and "avoided_treatment.ratio: ratio 1.5 is outside the usual range [0.05, 1]" in msg
    )


def test_custom_self_reference_and_unknown_custom():
    def edit(d):
        d["custom_activities"][0]["exchanges"].append({"activity": "grid_mix", "amount": 0.1})
        d["custom_activities"][0]["exchanges"].append(
            {"activity": {"code": "grid_mx", "database": "lcasym-kal-custom"}, "amount": 0.1}
        )

    found = problems(net(edit))
    assert (
        "error",
        "n.yaml, custom_activities[0] (id 'grid_mix').exchanges[1].activity: custom "
        "activity 'grid_mix' uses itself as an input: remove the row (loops through other "
        "activities are allowed)",
    ) in found
    assert (
        "error",
        "n.yaml, custom_activities[0] (id 'grid_mix').exchanges[2].activity: no "
        "custom activity 'grid_mx': did you mean 'grid_mix'?",
    ) in found
    assert len(found) == 2


def test_cycles_between_custom_activities_are_allowed():
    def edit(d):
        d["custom_activities"].append(
            {
                "id": "b",
                "name": "b",
                "unit": "kWh",
                "exchanges": [{"activity": "grid_mix", "amount": 0.1}],
            }
        )
        d["custom_activities"][0]["exchanges"].append({"activity": "b", "amount": 0.1})

    assert problems(net(edit)) == []


def test_background_version():
    sev, msg = only(net(lambda d: d["network"]["background"].update(version="1.0")))
    assert sev == "error"
    assert msg == (
        "n.yaml, network.background.version: the network expects 'bg' version '1.0' "
        "but version '2.0' is installed: install version '1.0' (lcasym setup), or "
        "set background.version to '2.0' after checking that results may change"
    )
    assert (
        only(net(lambda d: d["network"]["background"].update(version="2.0")), BG) is None
        if False
        else problems(net(lambda d: d["network"]["background"].update(version="2.0"))) == []
    )


def test_unknown_activity_with_did_you_mean():
    sev, msg = only(net(lambda d: d["exchanges"][0]["displaces"].update(activity="gypsum_mind")))
    assert sev == "error"
    assert msg.startswith(
        "n.yaml, exchanges[0] (id 'fgd').displaces.activity: activity code "
        "'gypsum_mind' not found in database 'bg'; did you mean 'gypsum_mined'"
    )


def test_ambiguous_name_and_unknown_database():
    def edit(d):
        d["exchanges"][1]["displaces"]["activity"] = {"name": "heat, natural gas boiler"}
        d["exchanges"][0]["extra_inputs"][0]["activity"] = {"code": "x", "database": "ecoinvent"}
        d["exchanges"][0]["transport"][0]["activity"] = {"code": "y", "database": "ecoinvent"}

    found = problems(net(edit))
    assert any(
        "displaces.activity: 2 activities in 'bg' match 'heat, natural gas boiler'" in m
        and "Add reference_product and location" in m
        for _, m in found
    )
    db = [m for _, m in found if "database 'ecoinvent' is not available" in m]
    assert len(db) == 1 and "transport[0].activity" in db[0]  # reported once


def test_custom_id_clash_is_a_warning_and_plain_code_means_custom():
    def edit(d):
        d["custom_activities"][0]["id"] = "elec_dk"
        d["custom_activities"][0]["exchanges"][0]["activity"] = {
            "code": "elec_dk",
            "database": "bg",
        }

    network = net(edit)
    sev, msg = only(network)
    assert sev == "warning" and "custom activity id 'elec_dk' is also a code in 'bg'" in msg
    index = network_index(network, BG)
    assert (
        index.resolve(ActivityRef(code="elec_dk"), default_database="bg").database
        == "lcasym-kal-custom"
    )


def test_displacement_units_with_ratio_unit():
    sev, msg = only(net(lambda d: d["exchanges"][1]["displaces"].update(ratio_unit="kg/MWh")))
    assert sev == "error"
    assert msg.startswith(
        "n.yaml, exchanges[1] (id 'heat').displaces.ratio_unit: 'GWh' × "
        "'kg/MWh' does not convert to the unit of the displaced activity "
        "'heat_gas', 'megajoule'"
    )
    ok = net(
        lambda d: d["exchanges"][0]["displaces"].update(
            activity="heat_gas", ratio=2.0, ratio_unit="MJ/kg"
        )
    )
    assert problems(ok) == []


def test_other_unit_rules():
    def edit(d):
        d["exchanges"][0]["avoided_treatment"]["activity"] = "heat_gas"
        d["exchanges"][0]["extra_inputs"][0]["unit"] = "kg"
        d["exchanges"][0]["transport"][0]["activity"] = "elec_dk"
        d["facilities"][1]["inventory"][0]["unit"] = "t"
        d["custom_activities"][0]["exchanges"][0]["unit"] = "m3"

    found = [m for _, m in problems(net(edit))]
    assert any(
        m.startswith(
            "n.yaml, exchanges[0] (id 'fgd').unit: 't' does not convert to the "
            "unit of the treatment activity 'heat_gas'"
        )
        for m in found
    )
    assert any("extra_inputs[0].unit: 'kg' does not convert" in m for m in found)
    assert any(
        "transport[0].activity: 't' × 'km' does not convert to the unit of the transport "
        "activity (needs t·km) 'elec_dk'" in m
        for m in found
    )
    assert any(
        "facilities[1] (id 'gyproc').inventory[0].unit: 't' does not convert" in m for m in found
    )
    assert any(
        "custom_activities[0] (id 'grid_mix').exchanges[0].unit: 'm3' does not convert" in m
        for m in found
    )
    assert len(found) == 5


def test_all_problems_at_once_and_check_raises():
    def edit(d):
        d["exchanges"][0]["receiver"] = "nobody"
        d["exchanges"][1]["displaces"]["ratio"] = 500
        d["exchanges"][0]["displaces"]["activity"] = "nothing"

    with pytest.raises(InputError) as info:
        check_network(net(edit), background=BG, source="n.yaml")
    assert len(info.value.problems) == 3
    assert "3 problem(s) in n.yaml" in str(info.value)


def test_background_rules_skipped_without_background():
    bad = net(lambda d: d["exchanges"][0]["displaces"].update(activity="nothing"))
    assert problems(bad, None) == []


def test_locate_hook_gives_sheet_and_row():
    origins = {
        ("exchanges",): Origin("exchanges"),
        ("exchanges", 0): Origin("exchanges", 7, "id 'fgd'"),
    }
    locate = TableLocator("kalundborg.xlsx", origins)
    found = validate_network(net(lambda d: d["exchanges"][0].update(receiver="x")), locate=locate)
    assert found[0].location == (
        "kalundborg.xlsx, sheet 'exchanges', row 7 (id 'fgd'), field 'receiver'"
    )


def test_index_resolves_by_name_and_suggests():
    info = BG.resolve(
        ActivityRef(name="Heat, natural gas boiler", location="de"), default_database="bg"
    )
    assert info.code == "heat_gas_de"
    assert BG.suggest("gypsum mined")[0] == "gypsum_mined"
    with pytest.raises(LookupError, match="did you mean 'lorry'"):
        BG.resolve(ActivityRef(code="lorri"), default_database="bg")


@pytest.mark.slow
def test_from_brightway_reads_the_active_project(in_bw_project):
    from lcasym.background.open_data import open_background_version
    from lcasym.errors import BackgroundError

    index = BackgroundIndex.from_brightway(["lcasym-open"])
    assert index.versions["lcasym-open"] == open_background_version()
    shipped = BackgroundIndex.from_open_background()
    assert {a.code for a in index.activities()} == {a.code for a in shipped.activities()}
    with pytest.raises(BackgroundError, match=r"'ecoinvent-3\.10' not found in Brightway project"):
        BackgroundIndex.from_brightway(["ecoinvent-3.10"])
