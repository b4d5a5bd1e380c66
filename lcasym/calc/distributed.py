"""Run independent chunks on Dask: in-process, on a local cluster, or on an existing one.

``map_chunks(func, n_chunks, shared=..., workers=None, scheduler=None)`` returns
``[func(c, shared) for c in range(n_chunks)]`` in chunk order:

- ``workers=None, scheduler=None``: in this process, one chunk after the other (no Dask);
- ``workers=N``: a ``distributed.LocalCluster`` of N single-threaded worker processes
  with ``MKL_NUM_THREADS=OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1``, closed afterwards;
- ``scheduler="tcp://host:port"`` (or a ``distributed.Client``): an existing cluster.

``shared`` is sent once to every worker (``Client.scatter(broadcast=True)``); each chunk
generates its own draws from ``(seed, chunk index)`` where it runs, so only small results
travel back, and the numbers do not depend on the number of workers.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
SINGLE_THREAD_ENV = {"MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Execution:
    """Where chunks ran: ``mode`` is 'in-process', 'local-cluster' or 'scheduler'."""

    mode: str
    workers: int
    address: str | None = None


@contextlib.contextmanager
def dask_client(
    *, workers: int | None = None, scheduler: Any = None
) -> Iterator[tuple[Any, Execution]]:
    """Yield ``(client, execution)``; ``client`` is None in-process.

    A local cluster started here is closed on exit; an existing cluster is left running.
    """
    if scheduler is not None and workers is not None:
        raise ValueError("give either workers=N (local cluster) or scheduler=..., not both")
    if scheduler is None and workers is None:
        yield None, Execution("in-process", 1)
        return
    from lcasym.extras import require

    Client, LocalCluster = require("distributed").Client, require("distributed").LocalCluster

    if scheduler is not None:
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
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env=dict(SINGLE_THREAD_ENV),
            silence_logs=logging.WARNING,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        yield client, Execution("local-cluster", workers, cluster.scheduler_address)


def map_chunks(
    func: Callable[[int, Any], Any],
    n_chunks: int,
    *,
    shared: Any,
    workers: int | None = None,
    scheduler: Any = None,
) -> tuple[list[Any], Execution]:
    """``[func(c, shared) for c in range(n_chunks)]``, run where the options say.

    Returns the results in chunk order and an ``Execution`` record.
    """
    with dask_client(workers=workers, scheduler=scheduler) as (client, execution):
        if client is None:
            return [func(c, shared) for c in range(n_chunks)], execution
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        futures = [
            client.submit(
                func, c, shared_future, pure=False, key=f"lcasym-chunk-{c}-{id(shared_future)}"
            )
            for c in range(n_chunks)
        ]
        results = client.gather(futures)
        log.info(
            "computed %d chunks on %s (%d workers)", n_chunks, execution.mode, execution.workers
        )
        return list(results), execution
