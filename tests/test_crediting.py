"""Crediting rules and the PEF Circular Footprint Formula, on arrays built by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lcasym.errors import InputError
from lcasym.results import crediting
from lcasym.results.crediting import (
    RULES,
    allocate,
    circular_footprint_disposal,
    circular_footprint_energy,
    circular_footprint_material,
    default_cff_factors,
)

# Two exchanges, one method, one draw:
#   k1: S → R, material: D = 10, W = 4, E = 2   -> net 12
#   k2: R → T, energy:   D = 3,  W = 0, E = 5   -> net −2 (net-negative exchange)
# network avoided = 12 − 2 = 10
D = np.array([[[10.0], [3.0]]])
W = np.array([[[4.0], [0.0]]])
E = np.array([[[2.0], [5.0]]])
SUPPLIERS = ["S", "R"]
RECEIVERS = ["R", "T"]
FACILITIES = ["S", "R", "T", "U"]  # U takes part in nothing
KINDS = ["material", "energy"]


def credits(rule: str, **kw) -> dict[str, float]:
    shares = allocate(
        rule,
        displaced=D,
        treatment=W,
        extra=E,
        suppliers=SUPPLIERS,
        receivers=RECEIVERS,
        facility_ids=FACILITIES,
        kinds=KINDS,
        **kw,
    )
    return dict(zip(shares.facility_ids, shares.credits[0, :, 0], strict=True))


def test_receiver_rule_hand_values():
    # S: W1 = 4; R: (D1 − E1) + W2 = 8 + 0 = 8; T: D2 − E2 = −2
    assert credits("receiver") == pytest.approx({"S": 4, "R": 8, "T": -2, "U": 0})


def test_supplier_rule_hand_values():
    # S: net1 = 12; R: net2 = −2; T receives burden-free: 0
    assert credits("supplier") == pytest.approx({"S": 12, "R": -2, "T": 0, "U": 0})


def test_equal_rule_hand_values():
    # S: 12/2 = 6; R: 12/2 + (−2)/2 = 5; T: −1
    assert credits("equal") == pytest.approx({"S": 6, "R": 5, "T": -1, "U": 0})


def test_cff_rule_hand_values_default_factors():
    # k1 material, A = 0.5: receiver R 0.5·(10 − 2) = 4; supplier S 4 + 0.5·8 = 8
    # k2 energy, B = 0: receiver T 0·(3 − 5) = 0; supplier R 0 + 1·(−2) = −2
    # R: 4 − 2 = 2
    assert credits("cff") == pytest.approx({"S": 8, "R": 2, "T": 0, "U": 0})


def test_cff_rule_per_exchange_override_and_network_defaults():
    # k1 cff_factor 0.2: R gets 0.2·8 = 1.6, S 4 + 6.4 = 10.4
    # k2 with B = 0.5 from cff_defaults: T gets 0.5·(−2) = −1, R gets −1; R: 1.6 − 1 = 0.6
    got = credits("cff", cff_factors=[0.2, None], cff_defaults={"B": 0.5})
    assert got == pytest.approx({"S": 10.4, "R": 0.6, "T": -1, "U": 0})


def test_network_rule_one_pseudo_facility():
    shares = allocate(
        "network",
        displaced=D,
        treatment=W,
        extra=E,
        suppliers=SUPPLIERS,
        receivers=RECEIVERS,
        facility_ids=FACILITIES,
    )
    assert shares.facility_ids == ("network",)
    assert shares.credits[0, 0, 0] == pytest.approx(10.0)


@pytest.mark.parametrize("rule", RULES)
def test_shares_add_up_to_network_total_hand_arrays(rule):
    total = sum(credits(rule).values())
    assert total == pytest.approx(10.0, abs=1e-12)


@pytest.mark.parametrize("rule", RULES)
def test_shares_add_up_random_arrays(rule):
    rng = np.random.default_rng(20240601)
    n_draws, n_ex, n_m = 7, 12, 4
    d, w, e = (rng.normal(0, 100, size=(n_draws, n_ex, n_m)) for _ in range(3))
    facilities = [f"f{i}" for i in range(6)]
    sup = [facilities[i] for i in rng.integers(0, 6, n_ex)]
    rec = [
        facilities[(facilities.index(s) + 1 + i) % 6]
        for s, i in zip(sup, rng.integers(0, 5, n_ex), strict=True)
    ]
    kinds = list(rng.choice(["material", "energy", "water", "waste"], n_ex))
    overrides = [None if i % 3 else float(rng.uniform()) for i in range(n_ex)]
    shares = allocate(
        rule,
        displaced=d,
        treatment=w,
        extra=e,
        suppliers=sup,
        receivers=rec,
        facility_ids=facilities,
        kinds=kinds,
        cff_factors=overrides,
    )
    expected = (d + w - e).sum(axis=1)
    np.testing.assert_allclose(shares.credits.sum(axis=1), expected, rtol=1e-12, atol=1e-9)
    if rule != "network":
        np.testing.assert_allclose(shares.supplier + shares.receiver, d + w - e, atol=1e-9)


def test_unknown_rule_and_bad_defaults():
    with pytest.raises(InputError, match="unknown crediting rule"):
        credits("both")
    with pytest.raises(InputError, match="unknown CFF default"):
        default_cff_factors({"C": 0.3})
    with pytest.raises(InputError, match=r"must be in \[0, 1\]"):
        default_cff_factors({"A": 1.5})


def test_default_factors_come_from_data_file_with_sources():
    data = crediting.crediting_data()
    assert all(entry["source"] for entry in data["factors"].values())
    # A = 0.5, B = 0 (methodology.md §3; Recommendation (EU) 2021/2279)
    assert default_cff_factors() == {"material": 0.5, "water": 0.5, "waste": 0.5, "energy": 0.0}
    assert default_cff_factors({"A": 0.2, "energy": 0.1})["material"] == 0.2
    assert default_cff_factors({"A": 0.2, "energy": 0.1})["energy"] == 0.1


# --- Circular Footprint Formula -----------------------------------------------------------


def test_cff_material_hand_value():
    # (1 − 0.5)·10 = 5; 0.5·(0.2·4 + 0.8·10·1) = 4.4; 0.8·0.6·(3 − 10·1) = −3.36 → 6.04
    value = circular_footprint_material(R1=0.5, R2=0.6, A=0.2, Ev=10, Erec=4, ErecEoL=3, Ev_star=10)
    assert value == pytest.approx(6.04)


def test_cff_material_quality_ratios():
    # R1 = 1, R2 = 0, A = 0.5, Ev = 10, Erec = 4, Qsin/Qp = 0.8: 0.5·4 + 0.5·10·0.8 = 6
    value = circular_footprint_material(
        R1=1, R2=0, A=0.5, Ev=10, Erec=4, ErecEoL=0, Ev_star=10, Qsin_Qp=0.8
    )
    assert value == pytest.approx(6.0)


def test_cff_receiver_share_is_factor_a():
    # all-recycled input vs all-virgin input: benefit Ev − (A·Erec + (1 − A)·Ev) = A·(Ev − Erec)
    A, Ev, Erec = 0.3, 10.0, 4.0
    virgin = circular_footprint_material(R1=0, R2=0, A=A, Ev=Ev, Erec=Erec, ErecEoL=0, Ev_star=Ev)
    recycled = circular_footprint_material(R1=1, R2=0, A=A, Ev=Ev, Erec=Erec, ErecEoL=0, Ev_star=Ev)
    assert virgin - recycled == pytest.approx(A * (Ev - Erec))  # 0.3·6 = 1.8


def test_cff_energy_hand_value():
    # 0.3·(2 − 10·0.5·0.1 − 10·0.2·0.5) = 0.3·(2 − 0.5 − 1) = 0.15
    value = circular_footprint_energy(
        B=0, R3=0.3, EER=2, LHV=10, XER_heat=0.5, XER_elec=0.2, ESE_heat=0.1, ESE_elec=0.5
    )
    assert value == pytest.approx(0.15)


def test_cff_disposal_hand_value_and_checks():
    # (1 − 0.6 − 0.3)·5 = 0.5
    assert circular_footprint_disposal(R2=0.6, R3=0.3, ED=5) == pytest.approx(0.5)
    with pytest.raises(InputError, match="R2 \\+ R3"):
        circular_footprint_disposal(R2=0.8, R3=0.3, ED=5)
    with pytest.raises(InputError, match="R1"):
        circular_footprint_material(R1=1.2, R2=0, A=0.5, Ev=1, Erec=1, ErecEoL=0, Ev_star=1)


def test_cff_functions_broadcast_over_arrays():
    values = circular_footprint_disposal(R2=np.array([0.0, 0.5]), R3=0.0, ED=np.array([2.0, 4.0]))
    np.testing.assert_allclose(values, [2.0, 2.0])
