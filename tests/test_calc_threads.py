"""Background draws on one thread per core: same numbers, own factorisations, errors raised."""

import threading

import numpy as np
import pytest
from test_calc_fixtures import tiny  # noqa: F401

from lcasym.calc import distributed, run_monte_carlo
from lcasym.calc.system import _FACTORISATIONS, _factorisation
from lcasym.calc.threads import close_pool, draw_threads, in_draw_thread, map_threads

pytestmark = pytest.mark.slow


def test_threaded_background_draws_equal_the_serial_ones(tiny, monkeypatch):  # noqa: F811
    # 35 draws = 4 chunks of 10 (the last of 5): chunks run on 2 threads, each draw still
    # comes from (seed, chunk), so only PARDISO's rounding on 1 or 2 MKL threads may differ
    monkeypatch.setattr(distributed, "draw_threads", lambda: 1)
    serial = run_monte_carlo(tiny.plan, tiny.system, draws=35, seed=4, background=True,
                             keep="exchanges")  # fmt: skip
    monkeypatch.setattr(distributed, "draw_threads", lambda: 2)
    threaded = run_monte_carlo(tiny.plan, tiny.system, draws=35, seed=4, background=True,
                               keep="exchanges")  # fmt: skip
    again = run_monte_carlo(tiny.plan, tiny.system, draws=35, seed=4, background=True,
                            keep="exchanges")  # fmt: skip
    assert serial.workers == 1 and threaded.workers == 2
    assert threaded.execution == "in-process"
    np.testing.assert_allclose(threaded.avoided, serial.avoided, rtol=1e-12)
    np.testing.assert_allclose(threaded.exchange_net, serial.exchange_net, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(threaded.avoided, again.avoided)  # reproducible
    assert np.ptp(threaded.avoided[:, 0]) > 0  # the draws differ from one another


def test_each_draw_thread_analyses_its_own_factorisation(tiny):  # noqa: F811
    model = tiny.system.background
    main = _factorisation(model)
    assert in_draw_thread() is None and _FACTORISATIONS[model.token] is main

    def where(c, shared):
        fact = _factorisation(shared)
        assert _factorisation(shared) is fact  # kept for the thread's next chunk
        return threading.get_ident(), id(fact), in_draw_thread() is not None

    out = map_threads(where, 8, shared=model, threads=2)
    assert all(flag for _, _, flag in out)
    by_thread = {ident: fid for ident, fid, _ in out}
    assert len(set(by_thread.values())) == len(by_thread)  # one handle per thread
    assert id(main) not in by_thread.values()  # none is the system's own
    close_pool()


def test_a_failing_chunk_raises_and_progress_counts_every_chunk():
    seen: list[int] = []

    def square(c, shared):
        return c * c + shared

    assert map_threads(square, 6, shared=1, threads=2, progress=seen.append) == [
        1, 2, 5, 10, 17, 26
    ]  # fmt: skip
    assert sorted(seen) == list(range(6))

    def fail(c, shared):
        if c == 3:
            raise ValueError("chunk 3 is bad")
        return c

    with pytest.raises(ValueError, match="chunk 3 is bad"):
        map_threads(fail, 6, shared=None, threads=2)


def test_draw_threads_respects_the_users_mkl_limit(monkeypatch):
    monkeypatch.setenv("MKL_NUM_THREADS", "1")
    assert draw_threads() == 1
    monkeypatch.delenv("MKL_NUM_THREADS")
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    assert draw_threads() == 3
