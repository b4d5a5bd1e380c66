"""LcaSystem: unit scores, contributions and background draws on the tiny project.

The matrix and the hand derivation of every λ are in test_calc_fixtures.py.
bw2data stores matrix values as float32, so hand-derived values match to ~1e-7 relative
and a plain bw2calc LCA (which reads the same float32 data) to 1e-9.
"""

import numpy as np
import pytest
from test_calc_fixtures import BG, GWP, LAMBDA, WATER, plain_score, tiny  # noqa: F401

pytestmark = pytest.mark.slow


def test_unit_scores_match_hand_derivation(tiny):  # noqa: F811
    for code, expected in LAMBDA.items():
        got = tiny.system.scores_of([(BG, code)])[0]
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_unit_scores_equal_plain_bw2calc_per_activity_and_method(tiny):  # noqa: F811
    keys = [k for k in tiny.system.index if k[0] in (BG, tiny.plan.database("baseline"))]
    assert len(keys) > 10
    with tiny.project():
        for key in keys:
            for m, method in enumerate((GWP, WATER)):
                expected = plain_score(key, method)
                got = tiny.system.scores_of([key])[0, m]
                assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), (key, method)


def test_contributions_shares_sum_to_one(tiny):  # noqa: F811
    # one kg gypsum, GWP: supply s = A⁻¹ e_gypsum: gypsum 1, el 0.1/0.9 = 1/9, gas 2/9;
    # direct GWP: gypsum 0.02, el 0.5·(1/9) = 0.0556, gas 0.3·(2/9) = 0.0667; total 0.1422
    frame = tiny.system.contributions((BG, "gypsum"), top=10)
    gwp = frame[frame["method"] == GWP].set_index("code")
    assert list(gwp.index[:3]) == ["gas", "el", "gypsum"]
    assert gwp.loc["gas", "amount"] == pytest.approx(2 / 9, rel=1e-6)
    assert gwp.loc["gas", "score"] == pytest.approx(0.3 * 2 / 9, rel=1e-6)
    assert gwp["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert gwp["score"].sum() == pytest.approx(LAMBDA["gypsum"][0], rel=1e-6)


def test_background_draws_reproducible_and_vary(tiny):  # noqa: F811
    keys = [(BG, "gypsum"), (BG, "lorry")]
    # 200 draws: the median of 20 can miss by 15 % (lorry, water) on an unlucky stream
    a = np.array(list(tiny.system.resampled(seed=7, draws=200, keys=keys)))
    b = np.array(list(tiny.system.resampled(seed=7, draws=200, keys=keys)))
    c = np.array(list(tiny.system.resampled(seed=8, draws=200, keys=keys)))
    assert a.shape == (200, 2, 2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # lognormal gsd 1.1 on every exchange: draws scatter around the central value
    central = tiny.system.scores_of(keys)
    assert np.all(np.abs(np.median(a, axis=0) / central - 1) < 0.1)
    assert a[:, 0, 0].std() > 0


def test_background_draw_equals_refactorised_matrix(tiny):  # noqa: F811
    # a draw = A, B resampled in place, then Aᵀλ = Bᵀc solved densely must agree
    from lcasym.calc.sampling import chunk_rng

    model = tiny.system.background
    rng = chunk_rng(3, 0, 1)
    rows = np.arange(model.technosphere.shape[0])
    lam = next(model.draws(rng, rows, 1))
    rng = chunk_rng(3, 0, 1)
    a = model.technosphere.copy()
    a.data = a.data + model.a_entries.delta(rng, a.nnz)
    b = model.biosphere.copy()
    b.data = b.data + model.b_entries.delta(rng, b.nnz)
    dense = np.linalg.solve(a.toarray().T, (b.T @ model.factors))
    np.testing.assert_allclose(lam, dense, rtol=1e-9, atol=1e-12)


def test_unknown_activity_raises(tiny):  # noqa: F811
    from lcasym.errors import CalculationError

    with pytest.raises(CalculationError):
        tiny.system.scores_of([(BG, "nope")])


def test_background_draws_share_the_systems_factorisation(tiny):  # noqa: F811
    # one analysed factorisation: the background Monte Carlo reuses the system's, and the
    # system's solves still see the original matrix afterwards
    from lcasym.calc import run_monte_carlo

    fact = tiny.system.factorisation
    run_monte_carlo(tiny.plan, tiny.system, draws=5, seed=1, background=True)
    assert fact.dirty  # the last draw's values are in it...
    e = np.zeros(tiny.system.technosphere.shape[0])
    e[tiny.system.rows([(BG, "gypsum")])[0]] = 1.0
    supply = tiny.system.factorisation.solve(e)  # ...until the system uses it again
    assert tiny.system.factorisation is fact and not fact.dirty
    np.testing.assert_allclose(tiny.system.technosphere @ supply, e, atol=1e-12)
