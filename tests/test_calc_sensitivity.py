"""Tornado and global sensitivity on the tiny network."""

import numpy as np
import pytest
from test_calc_fixtures import make_plan, tiny  # noqa: F401

from lcasym.calc import global_sensitivity, tornado
from lcasym.calc.sampling import quantile

pytestmark = pytest.mark.slow


def test_tornado_ranks_dominant_parameter_first(tiny):  # noqa: F811
    # Avoided GWP ≈ 6,400 (gypsum credit, ∝ amount·ratio·DF) + 6,361 (landfill, ∝ amount)
    # − extras. The displacement factor's P5–P95 (triangular 0.2–0.8) moves the credit
    # by ≈ ±55 %: ~7,000 kg swing, more than the amount's ±16 t (≈ 3,400 kg) or others.
    frame = tornado(tiny.plan, tiny.system, method_index=0)
    assert frame.iloc[0]["parameter"] == "gyp.displacement_factor"
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    assert (frame["swing"].diff().dropna() <= 0).all()
    dist = {p.name: p for p in tiny.plan.parameters}["gyp.displacement_factor"]
    low, high = quantile(dist, np.array([0.05, 0.95]))
    assert frame.iloc[0]["low"] == pytest.approx(low) and frame.iloc[0]["high"] == pytest.approx(
        high
    )
    # triangular(0.2, 0.5, 0.8) P5 = 0.2 + sqrt(0.05·0.6·0.3)
    assert low == pytest.approx(0.2 + np.sqrt(0.05 * 0.6 * 0.3))
    # a parameter without a distribution gets ±10 %
    slag = frame.set_index("parameter").loc["slag.amount"]
    assert (slag["low"], slag["high"]) == pytest.approx((9.0, 11.0))


@pytest.mark.parametrize("method", ["sobol", "delta"])
def test_global_sensitivity_indices_in_range(tiny, method):  # noqa: F811
    frame = global_sensitivity(
        tiny.plan,
        tiny.system,
        method_index=0,
        draws=256,
        seed=4,
        top=4,
        method=method,
        resamples=20,
    )
    assert len(frame) == 4
    assert frame["S1"].between(-0.1, 1.1).all()
    s1 = frame.set_index("parameter")["S1"]
    assert s1.idxmax() == "gyp.displacement_factor"
