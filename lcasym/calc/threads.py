"""Background draws on every core in-process: one thread per core, one PARDISO each.

One numerical factorisation of a 20,000-product background gains only ≈1.3× from a
second MKL thread (synthetic benchmark background, 2 cores: 565 ms on one thread,
≈430 ms on two), so half the draws on each core, every thread factorising its own copy
of ``A`` with single-threaded MKL, beats one factorisation at a time on all cores.

- ``draw_threads()``: how many threads (usable cores, at most ``MKL_NUM_THREADS`` when
  the user set it); 1 means one chunk after the other in the calling thread;
- ``map_threads(func, n_chunks, shared=...)``: ``[func(c, shared) for c in range(n)]`` on
  the kept pool, in chunk order;
- ``in_draw_thread()``: the cache of analysed factorisations of the current pool thread
  (``None`` outside the pool).

PARDISO keeps the thread count of its symbolic analysis: a handle analysed with two MKL
threads and factorised with one crashes the process. So a pool thread sets MKL to one
thread when it starts and only ever uses handles it analysed itself
(``lcasym.calc.system._factorisation``). PARDISO releases the GIL (``ctypes``), as do
NumPy's random generators and SciPy's sparse products, so the threads run in parallel.
Draws come from ``(seed, chunk)`` as before: the numbers do not depend on the threads,
except for rounding (PARDISO on one thread or on several: ≈1e-15 relative).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

_LOCAL = threading.local()
_POOL: list[tuple[int, ThreadPoolExecutor]] = []  # (threads, pool), at most one
_LOCK = threading.Lock()


def draw_threads() -> int:
    """Threads for background draws: usable cores, capped by a user's ``MKL_NUM_THREADS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    limit = os.environ.get("MKL_NUM_THREADS", "").strip()
    if limit.isdigit() and int(limit) > 0:
        cores = min(cores, int(limit))
    return max(1, cores)


def in_draw_thread() -> dict | None:
    """The calling pool thread's ``{token: Factorisation}``; ``None`` outside the pool."""
    return getattr(_LOCAL, "factorisations", None)


def _start_thread() -> None:
    from lcasym.calc.system import mkl_library

    library = mkl_library()
    if library is not None:
        library.MKL_Set_Num_Threads_Local(1)
    _LOCAL.factorisations = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    with _LOCK:
        if _POOL and _POOL[0][0] != threads:
            _POOL.pop()[1].shutdown(wait=True)
        if not _POOL:
            pool = ThreadPoolExecutor(
                threads, thread_name_prefix="lcasym-draws", initializer=_start_thread
            )
            _POOL.append((threads, pool))
        return _POOL[0][1]


def close_pool() -> None:
    """Stop the kept threads (and free their factorisations); also done at exit."""
    with _LOCK:
        while _POOL:
            _POOL.pop()[1].shutdown(wait=True, cancel_futures=True)


atexit.register(close_pool)


def map_threads(
    func: Callable[[int, Any], Any],
    n_chunks: int,
    *,
    shared: Any,
    threads: int,
    progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """``[func(c, shared) for c in range(n_chunks)]`` on a kept pool of ``threads`` threads.

    The pool (and each thread's factorisations) is kept while ``threads`` stays the same.

    ``progress(c)`` is called in the calling thread as chunks finish; the first error
    cancels the chunks not started and is raised.
    """
    pool = _pool(threads)
    futures: dict[Future, int] = {pool.submit(func, c, shared): c for c in range(n_chunks)}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # raises the chunk's error
                if progress is not None:
                    progress(futures[future])
    except BaseException:
        for future in futures:
            future.cancel()
        wait(futures)
        raise
    return [f.result() for f in futures]
