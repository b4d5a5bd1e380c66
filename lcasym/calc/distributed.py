"""Run independent chunks in-process, on a local Dask cluster, or on an existing one.

``map_chunks(func, n_chunks, shared=..., workers=None, scheduler=None)`` returns
``[func(c, shared) for c in range(n_chunks)]`` in chunk order:

- ``workers=None, scheduler=None``: in this process, one chunk after the other, or with
  ``threads=True`` (background draws) on one thread per core (``lcasym.calc.threads``);
- ``workers=N``: a ``distributed.LocalCluster`` of N worker processes with one thread each
  and ``MKL_NUM_THREADS = OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = max(1, cores // N)``
  (the cores are shared out, so 2 workers on 2 cores use one core each). The cluster is
  started on first use and kept for later calls with the same N (closed when the process
  exits, or with ``close_clusters()``): a second call pays no start-up;
- ``scheduler="tcp://host:port"`` (or a ``distributed.Client``): an existing cluster.

``shared`` is sent once to every worker (``Client.scatter(broadcast=True)``); each chunk
generates its own draws from ``(seed, chunk index)`` where it runs, so only small results
travel back, and the numbers do not depend on the number of workers.

When Dask pays: a chunk must cost much more than shipping it. Foreground-only Monte Carlo
(milliseconds per thousand draws) never does. Background Monte Carlo (one numerical
factorisation per draw) already runs a draw thread per core in-process, so on one machine
Dask's local workers only add start-up and shipping: they pay with more machines
(``scheduler=``) than this one, when the draws outlast the cluster's start-up and each
worker's first factorisation (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lcasym.calc.progress import Progress
from lcasym.calc.threads import draw_threads, map_threads

log = logging.getLogger(__name__)
_CLUSTERS: dict[int, tuple[Any, Any]] = {}


def worker_env(workers: int) -> dict[str, str]:
    """Thread settings of a local worker: the cores shared out between ``workers``."""
    threads = str(max(1, (os.cpu_count() or 1) // max(workers, 1)))
    return {"MKL_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads}


@dataclass(frozen=True)
class Execution:
    """Where chunks ran: ``mode`` is 'in-process', 'local-cluster' or 'scheduler'."""

    mode: str
    workers: int
    address: str | None = None


def close_clusters() -> None:
    """Close the local clusters kept by ``dask_client`` (also done at exit)."""
    while _CLUSTERS:
        _, (cluster, client) = _CLUSTERS.popitem()
        with contextlib.suppress(Exception):
            client.close()
        with contextlib.suppress(Exception):
            cluster.close()


atexit.register(close_clusters)


def _local_client(workers: int):
    """The kept local cluster of ``workers`` workers, started if needed."""
    from lcasym.extras import require

    dist = require("distributed")  # lcasym[dask]: a clear message when it is missing
    Client, LocalCluster = dist.Client, dist.LocalCluster

    kept = _CLUSTERS.get(workers)
    if kept is not None and kept[1].status == "running":
        return kept
    if kept is not None:
        close_clusters()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env=worker_env(workers),
        silence_logs=logging.WARNING,
    )
    client = Client(cluster)
    client.wait_for_workers(workers)
    _CLUSTERS[workers] = (cluster, client)
    return cluster, client


@contextlib.contextmanager
def dask_client(
    *, workers: int | None = None, scheduler: Any = None
) -> Iterator[tuple[Any, Execution]]:
    """Yield ``(client, execution)``; ``client`` is None in-process.

    A local cluster is kept for the next call (see the module docstring); a client made
    here for a scheduler address is closed on exit, the cluster behind it left running.
    """
    if scheduler is not None and workers is not None:
        raise ValueError("give either workers=N (local cluster) or scheduler=..., not both")
    if scheduler is None and workers is None:
        yield None, Execution("in-process", 1)
        return
    if scheduler is not None:
        from lcasym.extras import require

        Client = require("distributed").Client

        if isinstance(scheduler, Client):
            client, own = scheduler, False
        else:
            client, own = Client(scheduler), True
        try:
            n = len(client.scheduler_info().get("workers", {}))
            yield client, Execution("scheduler", n, client.scheduler.address)
        finally:
            if own:
                client.close()
        return
    assert workers is not None  # the other cases returned above
    if workers < 1:
        raise ValueError("workers must be ≥ 1")
    cluster, client = _local_client(workers)
    yield client, Execution("local-cluster", workers, cluster.scheduler_address)


def map_chunks(
    func: Callable[[int, Any], Any],
    n_chunks: int,
    *,
    shared: Any,
    workers: int | None = None,
    scheduler: Any = None,
    progress: Callable[[int], None] | None = None,
    threads: bool = False,
) -> tuple[list[Any], Execution]:
    """``[func(c, shared) for c in range(n_chunks)]``, run where the options say.

    Returns the results in chunk order and an ``Execution`` record. ``progress(c)`` is
    called with each chunk index as that chunk finishes (in-process or on a worker).
    ``threads=True`` (background draws): in-process chunks run on one thread per core
    (``lcasym.calc.threads``; ``Execution.workers`` is the number of threads).
    """
    with dask_client(workers=workers, scheduler=scheduler) as (client, execution):
        n_threads = draw_threads() if threads else 1
        if client is None and n_threads > 1 and n_chunks > 1:
            results = map_threads(func, n_chunks, shared=shared, threads=n_threads,
                                  progress=progress)  # fmt: skip
            return results, Execution("in-process", min(n_threads, n_chunks))
        if client is None:
            results = []
            for c in range(n_chunks):
                results.append(func(c, shared))
                if progress is not None:
                    progress(c)
            return results, execution
        from lcasym.extras import require

        as_completed = require("distributed").as_completed

        shared_future = client.scatter(shared, broadcast=True, hash=False)
        futures = [
            client.submit(
                func, c, shared_future, pure=False, key=f"lcasym-chunk-{c}-{id(shared_future)}"
            )
            for c in range(n_chunks)
        ]
        index = {f.key: c for c, f in enumerate(futures)}
        for future in as_completed(futures):
            if future.status == "error":
                break  # gather raises the worker's exception
            if progress is not None:
                progress(index[future.key])
        results = client.gather(futures)
        del shared_future
        log.info(
            "computed %d chunks on %s (%d workers)", n_chunks, execution.mode, execution.workers
        )
        return list(results), execution


def chunk_progress(
    progress: Progress | None, sizes: list[int], what: str
) -> Callable[[int], None] | None:
    """Adapt ``progress(done, total, what)`` to ``map_chunks``'s per-chunk calls."""
    if progress is None:
        return None
    total, state = sum(sizes), {"done": 0}

    def report(chunk: int) -> None:
        state["done"] += sizes[chunk]
        progress(state["done"], total, what)

    return report
