"""Batched, cached top-N contributions against a dense reference, and the size rule."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from lcasym.calc import LcaSystem
from lcasym.calc.analysis import CONTRIBUTIONS_AUTO_EXCHANGES, contributions_for


def random_system(n: int = 120, flows: int = 15, methods: int = 3, seed: int = 0) -> LcaSystem:
    """A productive random background: A = I − (sparse inputs, column sums < 0.5)."""
    rng = np.random.default_rng(seed)
    inputs = sparse.random(n, n, density=0.03, random_state=seed, data_rvs=rng.random).tocsc()
    inputs.setdiag(0)
    inputs.eliminate_zeros()
    inputs = inputs.multiply(0.5 / np.maximum(inputs.sum(axis=0).A.ravel(), 1))
    a = (sparse.identity(n) - inputs).tocsr()
    b = sparse.random(flows, n, density=0.2, random_state=seed + 1).tocsr()
    c = rng.lognormal(size=(flows, methods)) * (rng.random((flows, methods)) < 0.7)
    keys = [("bg", f"a{i}") for i in range(n)]
    index = {k: i for i, k in enumerate(keys)}
    return LcaSystem(a, b, c, index, dict(index), tuple(("m", str(j)) for j in range(methods)),
                     ("u",) * methods, names={k: f"activity {k[1]}" for k in keys})  # fmt: skip


def reference_top(system: LcaSystem, row: int, top: int):
    """Dense: s = A⁻¹ e, g = s · (Bᵀ C), ranked by |g| (stable), zeros left out."""
    e = np.zeros(system.technosphere.shape[0])
    e[row] = 1
    s = np.linalg.solve(system.technosphere.toarray(), e)
    g = s[:, None] * (system.biosphere.T @ system.factors)
    out = []
    for m in range(g.shape[1]):
        order = np.argsort(-np.abs(g[:, m]), kind="stable")[:top]
        out.append([(int(j), g[j, m]) for j in order if g[j, m] != 0])
    return out, g.sum(axis=0)


def test_top_contributions_equal_dense_reference():
    system = random_system()
    keys = [("bg", f"a{i}") for i in (0, 5, 17, 42, 99)]
    found = system.top_contributions(keys, top=4)
    for key in keys:
        expected, total = reference_top(system, system.index[key], 4)
        got = found[key]
        np.testing.assert_allclose(got.total, total, rtol=1e-10)
        for m, rows in enumerate(expected):
            picked = [int(j) for j in got.activity[:, m] if j >= 0]
            assert picked == [j for j, _ in rows]
            np.testing.assert_allclose(got.score[: len(rows), m], [g for _, g in rows],
                                       rtol=1e-10)  # fmt: skip
    # the table of one key lists the same, shares adding up to the covered part
    frame = system.contributions(keys[0], top=4)
    assert set(frame["rank"]) <= {1, 2, 3, 4} and (frame["score"] != 0).all()


def test_contributions_are_solved_once_per_key_in_batches(monkeypatch):
    import lcasym.calc.system as system_module

    monkeypatch.setattr(system_module, "BATCH", 64)
    system = random_system()
    calls = []
    solve = system.factorisation.solve
    system.factorisation.solve = lambda rhs, **kw: calls.append(rhs.shape) or solve(rhs, **kw)
    keys = [("bg", f"a{i}") for i in range(70)]
    system.top_contributions(keys, top=3)
    assert calls == [(120, 64), (120, 6)]  # 64 right-hand sides per call
    system.top_contributions(keys[:10], top=3)  # cached: no new solve
    assert len(calls) == 2


def _identity_system(keys: list[tuple[str, str]]) -> LcaSystem:
    """Each activity supplies only itself and emits flow i: one unit of activity i scores
    ``i + 1`` under the one method, all of it from activity i itself (share 1)."""
    n = len(keys)
    index = {k: i for i, k in enumerate(keys)}
    factors = np.arange(1.0, n + 1)[:, None]
    return LcaSystem(sparse.identity(n, format="csr"), sparse.identity(n, format="csr"),
                     factors, index, dict(index), (("m", "0"),), ("u",),
                     names={k: k[1] for k in keys})  # fmt: skip


def test_large_networks_get_contributions_of_their_largest_exchanges():
    # 201 exchanges (over the 200 of the size rule), net X_k = ±k: the 60 largest |net| are
    # X141 … X200 whatever the sign; every other exchange has no row, and a flag says so
    from test_calc_fixtures import background_index
    from test_calc_scale import network

    from lcasym.inventory.plan import plan_foreground

    n = CONTRIBUTIONS_AUTO_EXCHANGES + 1
    plan = plan_foreground(network(n), background_index())
    targets = sorted({(e.target[0], e.target[1]) for e in plan.edges})
    system = _identity_system(targets)
    net = {f"X{k}": float(k if k % 2 else -k) for k in range(n)}
    table, flags = contributions_for(plan, system, top=None, net=net, headline="GWP")
    assert set(table["exchange"]) == {f"X{k}" for k in range(141, 201)}
    assert list(flags["flag"]) == ["contributions for the largest exchanges"]
    detail = flags["detail"].iloc[0]
    assert f"{n} exchanges" in detail and "the 60 with the largest |net| under GWP" in detail
    assert "141 have none" in detail and "--contributions-top N" in detail
    # identity background: each component's only contributor is its own target, share 1,
    # at rank 1 (DEFAULT_CONTRIBUTIONS_TOP = 5 asked, one activity supplied)
    assert (table["rank"] == 1).all() and np.allclose(table["share"], 1.0)
    # asked explicitly: every exchange, no flag
    table, flags = contributions_for(plan, system, top=2, net=net)
    assert set(table["exchange"]) == set(net) and flags.empty


def test_large_network_choice_ranks_by_size_then_file_order():
    # the choice is the report's (presentation.selection.largest): |−5| = |5| are both
    # kept before 1; NaN (no result) comes last, after 0
    from lcasym.presentation.selection import largest

    net = {"a": 1.0, "b": -5.0, "c": float("nan"), "d": 5.0, "e": 0.0}
    assert set(largest(list(net), net.get, 3)[0]) == {"b", "d", "a"}
    assert set(largest(list(net), net.get, 4)[0]) == {"b", "d", "a", "e"}


def test_zero_top_gives_empty_table():
    from test_calc_fixtures import background_index
    from test_calc_scale import network

    from lcasym.inventory.plan import plan_foreground

    plan = plan_foreground(network(3), background_index())
    table, flags = contributions_for(plan, system=None, top=0, net={})
    assert table.empty and flags.empty


def test_fewer_supplied_activities_than_top_are_padded():
    """A product whose supply chain has 2 activities, asked for the top 5, gives 5 rows.

    Identity technosphere (each activity supplies only itself): one unit of activity 0
    supplies activity 0 only, so rank 1 is activity 0 with score d_0m and ranks 2–5 are
    empty (−1, 0). Two such products must stack into one (T, top, M) array.
    """
    from lcasym.calc.contributions import top_contributions

    direct = np.array([[2.0, -1.0], [0.5, 3.0], [1.0, 1.0]])  # (n=3 activities, M=2)
    found = top_contributions(lambda f: f, direct, [0, 1], top=5)
    assert all(t.activity.shape == (5, 2) for t in found)
    np.testing.assert_array_equal(found[0].activity[:, 0], [0, -1, -1, -1, -1])
    np.testing.assert_array_equal(found[0].score[0], [2.0, -1.0])
    np.testing.assert_array_equal(found[1].total, [0.5, 3.0])
    assert np.stack([t.activity for t in found]).shape == (2, 5, 2)


def test_products_in_one_batch_keep_their_own_supply_chains():
    """Several products share one batch of solves; each lists only the activities it supplies.

    A (3 activities): activity 0 uses 0.5 of product 1, activity 2 stands alone, so one
    unit of product 0 supplies s = (1, 0.5, 0) and one unit of product 2 supplies (0, 0, 1).
    With d = [[2, -1], [4, 1], [1, 1]]: product 0 → g = (2, 2) for method 0 (tie: activity
    0 first by index), (−1, 0.5) for method 1 (|−1| first); product 2 → only activity 2
    (g = 1, 1), the other ranks empty although activities 0 and 1 are supplied in the same
    batch. One product per solve (``batch=1``) must give the same arrays.
    """
    from lcasym.calc.contributions import top_contributions

    a = np.array([[1.0, 0, 0], [-0.5, 1, 0], [0, 0, 1]])
    direct = np.array([[2.0, -1.0], [4.0, 1.0], [1.0, 1.0]])

    def solve(f):
        return np.linalg.solve(a, f)

    together = top_contributions(solve, direct, [0, 2], top=3)
    np.testing.assert_array_equal(together[0].activity, [[0, 0], [1, 1], [-1, -1]])
    np.testing.assert_allclose(together[0].score, [[2.0, -1.0], [2.0, 0.5], [0, 0]])
    np.testing.assert_allclose(together[0].amount[:, 0], [1.0, 0.5, 0])
    np.testing.assert_allclose(together[0].total, [4.0, -0.5])
    np.testing.assert_array_equal(together[1].activity, [[2, 2], [-1, -1], [-1, -1]])
    np.testing.assert_allclose(together[1].total, [1.0, 1.0])
    alone = top_contributions(solve, direct, [0, 2], top=3, batch=1)
    for x, y in zip(together, alone, strict=True):
        for name in ("activity", "amount", "score", "total"):
            np.testing.assert_array_equal(getattr(x, name), getattr(y, name))


def test_the_screen_keeps_every_activity_that_can_be_in_a_top():
    """Screened and unscreened selection agree on 400 activities, 6 methods, top 5.

    The methods' units lie 12 orders of magnitude apart (the screen must compare them on a
    common scale to drop anything). Method 4 characterises only 2 activities (fewer
    non-zero contributions than the top 5: both must be kept, the rest of its rows empty);
    method 5 none at all (every row empty). Supplies are dense and spread over 6 orders of
    magnitude, so the screen (64 activities of largest bound) drops more than half of
    them; each kept list must also match the dense ranking |g_jm| = |s_j d_jm|.
    """
    from lcasym.calc.contributions import Screen, _top_of, candidates

    rng = np.random.default_rng(3)
    n, m, top = 400, 6, 5
    direct = rng.lognormal(size=(n, m)) * (rng.random((n, m)) < 0.6)
    direct *= [1.0, 1e-3, 1e3, 1e-9, 1.0, 1.0]  # methods in units 12 orders apart
    direct[:, 4] = 0.0
    direct[[7, 300], 4] = [2.0, -3.0]
    direct[:, 5] = 0.0
    direct_t = np.ascontiguousarray(direct.T)
    screen = Screen.of(direct)
    for _ in range(20):
        supply = 10.0 ** rng.uniform(-6, 0, n) * (rng.random(n) < 0.9)
        supply[[7, 300]] = 1e-6  # the sparse method's contributors are tiny otherwise
        total = direct_t @ supply
        plain = _top_of(supply, direct_t, top, total)
        fast = _top_of(supply, direct_t, top, total, screen)
        assert len(candidates(supply, screen, top)) < np.count_nonzero(supply) / 2
        for field in ("activity", "amount", "score"):
            np.testing.assert_array_equal(getattr(fast, field), getattr(plain, field))
        g = np.abs(supply[:, None] * direct)
        for j in range(m):
            ranked = [int(a) for a in np.argsort(-g[:, j], kind="stable")[:top] if g[a, j] > 0]
            assert [int(a) for a in fast.activity[:, j] if a >= 0] == ranked
    assert sorted(int(a) for a in fast.activity[:, 4] if a >= 0) == [7, 300]
    assert (fast.activity[:, 5] == -1).all()


def test_the_screen_uses_the_lowest_threshold_of_all_methods():
    """Method 1 characterises activities 0–4 a little (0.001) and 10–14 fully (1, nothing
    in the other methods). 0–4 are well supplied (1) and big in method 0, so they are among
    the 64 activities of largest bound and set method 1's 5th contribution low (0.001);
    10–14 are barely supplied (0.02: about 300 activities have a larger bound) yet they
    are method 1's top 5 (0.02 > 0.001). The screen's threshold must be the lowest of all
    methods' or they are lost; the result must equal the unscreened selection."""
    from lcasym.calc.contributions import Screen, _top_of

    rng = np.random.default_rng(11)
    n, top = 400, 5
    direct = rng.lognormal(size=(n, 3))
    direct[:, 1] = 0.0
    direct[0:5, 0] = 50.0
    direct[0:5, 1] = 0.001
    direct[10:15] = [0.0, 1.0, 0.0]
    direct_t = np.ascontiguousarray(direct.T)
    screen = Screen.of(direct)
    supply = 10.0 ** rng.uniform(-1, 0, n)
    supply[0:5] = 1.0
    supply[10:15] = 0.02 * np.arange(1, 6)
    total = direct_t @ supply
    assert not set(range(10, 15)) <= set(np.argsort(-supply * direct.max(axis=1))[:64])
    fast = _top_of(supply, direct_t, top, total, screen)
    plain = _top_of(supply, direct_t, top, total)
    np.testing.assert_array_equal(fast.activity, plain.activity)
    assert list(fast.activity[:, 1]) == [14, 13, 12, 11, 10]
