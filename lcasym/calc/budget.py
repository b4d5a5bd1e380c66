"""Resource checks before a Monte Carlo starts: memory for the draws, a reachable scheduler.

:func:`monte_carlo_bytes` is the one place that estimates the memory of a Monte Carlo run
(switch it to :func:`lcasym.calc.montecarlo.estimate_memory` once that exists). The
estimate is a lower bound: the per-exchange results kept for every draw, method and
exchange (float64), twice (draws and their summary), plus the sampled parameters.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

from lcasym.errors import LimitError, Problem, SchedulerError

#: Share of the machine's memory a Monte Carlo may plan to use.
MEMORY_SHARE = 0.5
#: Seconds to wait for a Dask scheduler to accept a connection.
SCHEDULER_TIMEOUT = 5.0
#: Default LCIA methods (EF v3.1's 25 categories + IPCC 2021 GWP100).
DEFAULT_METHOD_COUNT = 26


def monte_carlo_bytes(draws: int, exchanges: int, methods: int) -> int:
    """Lower bound of the memory (bytes) a Monte Carlo of ``draws`` needs.

    ``8 · draws · methods · (exchanges + 3) · 2  +  8 · draws · 5 · exchanges``: results per
    exchange plus the three totals, kept and summarised, and up to five sampled parameters
    per exchange (amount, ratio, displacement factor, distance, forgone ratio).
    """
    results = 8 * draws * methods * (exchanges + 3) * 2
    parameters = 8 * draws * 5 * exchanges
    return results + parameters


def machine_memory() -> int | None:
    """Physical memory of this machine in bytes (None if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


def check_draws(draws: int, exchanges: int, methods: int | None) -> None:
    """Raise :class:`LimitError` if ``draws`` cannot fit in memory on this machine."""
    memory = machine_memory()
    if not draws or memory is None:
        return
    methods = methods or DEFAULT_METHOD_COUNT
    need = monte_carlo_bytes(draws, exchanges, methods)
    budget = MEMORY_SHARE * memory
    if need > budget:
        per_draw = monte_carlo_bytes(1, exchanges, methods)
        most = max(int(budget // per_draw), 1)
        raise LimitError(
            [
                Problem(
                    f"{draws:,} draws for {exchanges:,} exchanges × {methods} methods need at "
                    f"least {need / 1e9:,.1f} GB, more than half of this machine's "
                    f"{memory / 1e9:,.1f} GB: use at most {most:,} draws, or fewer methods",
                    "--draws",
                )
            ],
            "options",
        )


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Raise :class:`SchedulerError` unless a Dask scheduler accepts a connection at ``address``.

    ``address`` is ``tcp://host:port`` (or ``host:port``; port 8786 if none). Only the TCP
    connection is tried, within ``timeout`` seconds.
    """
    text = address if "://" in address else f"tcp://{address}"
    parts = urlsplit(text)
    try:
        host, port = parts.hostname, parts.port or 8786
    except ValueError as exc:
        raise SchedulerError(f"--scheduler {address!r} is not an address ({exc})") from None
    if parts.scheme not in ("tcp", "tls") or not host:
        raise SchedulerError(
            f"--scheduler {address!r} is not a Dask scheduler address: write it as "
            "tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)"
        )
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({reason}): "
            "check that the scheduler runs, the address and port, and any firewall"
        ) from None
