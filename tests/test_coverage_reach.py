"""Coverage from reachability computed once per distinct target activity.

``assess_coverage`` walks the supply chain once per distinct target activity and unites
the summaries of an exchange's targets (a 10,000-exchange network reaches a few hundred
background activities; walking per exchange kept 10,000 lists of reached activities and
took 6 GiB). These tests build a 4-activity system by hand, so every status and flag below
follows from the chain drawn in ``_system``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy import sparse

from lcasym.results import coverage
from lcasym.results.coverage import COVERED, NOT_ASSESSED, NOT_COVERED, PARTIAL, ActivityMeta

DB = "bg"
KEYS = [(DB, "a"), (DB, "b"), (DB, "c"), (DB, "d")]
CLIMATE = ("EF v3.1", "climate change", "GWP100")
WATER = ("EF v3.1", "water use", "user deprivation potential")


def _system():
    """a uses b, b uses c; d stands alone. Only c emits, and only CO2 (climate).

    Technosphere (rows = products, cols = activities): diagonal 1, A[b, a] = -0.5,
    A[c, b] = -2. Biosphere: c emits flow 0. Factors: flow 0 characterised by climate only.
    """
    tech = sparse.csr_matrix(
        np.array([[1, 0, 0, 0], [-0.5, 1, 0, 0], [0, -2, 1, 0], [0, 0, 0, 1]], dtype=float)
    )
    bio = sparse.csr_matrix(np.array([[0, 0, 3.0, 0], [0, 0, 0, 0]]))
    factors = np.array([[1.0, 0.0], [0.0, 0.0]])  # (flows, methods)
    index = {k: i for i, k in enumerate(KEYS)}
    return SimpleNamespace(
        index=index, activity_index=dict(index), technosphere=tech, biosphere=bio,
        factors=factors, methods=[CLIMATE, WATER],
    )  # fmt: skip


def _plan(targets_by_exchange: dict[str, list[str]]):
    edges = [
        SimpleNamespace(exchange_id=x, target=(DB, code))
        for x, codes in targets_by_exchange.items()
        for code in codes
    ]
    return SimpleNamespace(edges=edges, targets={})


def _network():
    info = SimpleNamespace(id="net", background=SimpleNamespace(year=2024), reporting_year=2024)
    return SimpleNamespace(network=info)


def test_statuses_and_flags_follow_the_chain(monkeypatch):
    meta = {
        (DB, "a"): ActivityMeta("", year=2024),
        (DB, "b"): ActivityMeta("water use", year=2020),  # b's data miss water use
        (DB, "c"): ActivityMeta("", placeholder=True),
        (DB, "d"): ActivityMeta(None),  # undocumented
    }
    seen: list[list] = []

    def fake_metadata(keys, custom_db):
        seen.append(list(keys))
        return {k: meta[k] for k in keys}

    monkeypatch.setattr(coverage, "_metadata", fake_metadata)
    plan = _plan({"x1": ["a"], "x2": ["c"], "x3": ["d"], "x4": ["d", "b"]})
    got = coverage.assess_coverage(plan, _system(), _network())
    climate, water = (coverage_label(m) for m in (CLIMATE, WATER))
    # x1 reaches a, b, c: c emits CO2 -> climate characterised; b says "water use" missing,
    # but water is not characterised anywhere -> not covered
    assert got.of_exchange("x1", climate) == COVERED
    assert got.of_exchange("x1", water) == NOT_COVERED
    # x2 reaches only c (suppliers are walked downstream, not back up to a or b)
    assert got.of_exchange("x2", climate) == COVERED
    # x3 reaches only d: nothing emitted
    assert got.of_exchange("x3", climate) == NOT_COVERED
    # x4 = d ∪ (b, c): characterised via c, d undocumented -> not assessed
    assert got.of_exchange("x4", climate) == NOT_ASSESSED
    flags = got.flags
    placeholder = flags[flags["flag"] == "placeholder"]
    assert sorted(placeholder["entity"]) == ["x1", "x2", "x4"]  # all that reach c
    assert set(placeholder["detail"]) == {"c"}
    vintage = flags[flags["flag"] == "vintage mismatch"]
    assert sorted(vintage["entity"]) == ["x1", "x4"]  # b (2020) reached; a is 2024
    assert set(vintage["detail"]) == {"b: wanted 2024 → used 2020"}
    assert got.of_method(water) == NOT_COVERED
    # metadata read once, for the union of everything reached
    assert seen == [KEYS]


def test_partial_when_a_reached_activity_misses_the_category(monkeypatch):
    meta = {k: ActivityMeta("") for k in KEYS}
    meta[(DB, "b")] = ActivityMeta("climate change")
    monkeypatch.setattr(coverage, "_metadata", lambda keys, db: {k: meta[k] for k in keys})
    got = coverage.assess_coverage(_plan({"x1": ["a"], "x2": ["c"]}), _system(), _network())
    climate = coverage_label(CLIMATE)
    assert got.of_exchange("x1", climate) == PARTIAL  # reaches b
    assert got.of_exchange("x2", climate) == COVERED  # does not
    assert got.of_method(climate) == PARTIAL


def coverage_label(method):
    from lcasym.background.methods import method_label

    return method_label(method)
