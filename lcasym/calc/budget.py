"""Resource checks before a Monte Carlo starts: memory for the draws, a reachable scheduler.

:func:`monte_carlo_bytes` estimates the memory of a Monte Carlo run as
:func:`lcasym.calc.montecarlo.estimate_memory` does for the mode ``calculate`` runs
(``keep="auto"``: every component per draw when that fits the Monte Carlo's memory budget,
else statistics computed block by block; ``keep_draws``: every component per draw).
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


def monte_carlo_bytes(
    draws: int,
    exchanges: int,
    methods: int,
    *,
    facilities: int | None = None,
    background: bool = False,
    keep_draws: bool = False,
) -> int:
    """Memory (bytes) a Monte Carlo of ``draws`` needs, as ``calculate`` runs it.

    ``facilities`` defaults to ``exchanges + 1`` (a chain of exchanges: the most facilities
    a network of that many exchanges needs a credit for). See
    :func:`lcasym.calc.montecarlo.estimate_memory` for the formula of each mode.
    """
    from lcasym.calc.montecarlo import estimate_memory

    return estimate_memory(
        draws=draws,
        n_exchanges=exchanges,
        n_facilities=exchanges + 1 if facilities is None else facilities,
        n_methods=methods,
        keep="components" if keep_draws else "auto",
        background=background,
    )


def machine_memory() -> int | None:
    """Physical memory of this machine in bytes (None if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


def check_draws(
    draws: int,
    exchanges: int,
    methods: int | None,
    *,
    facilities: int | None = None,
    background: bool = False,
    keep_draws: bool = False,
) -> None:
    """Raise :class:`LimitError` if ``draws`` cannot fit in memory on this machine."""
    memory = machine_memory()
    if not draws or memory is None:
        return
    methods = methods or DEFAULT_METHOD_COUNT
    need = monte_carlo_bytes(draws, exchanges, methods, facilities=facilities,
                             background=background, keep_draws=keep_draws)  # fmt: skip
    budget = MEMORY_SHARE * memory
    if need > budget:
        most = max(int(budget // (need / draws)), 1)
        raise LimitError(
            [
                Problem(
                    f"{draws:,} draws for {exchanges:,} exchanges × {methods} methods need "
                    f"about {need / 1e9:,.1f} GB, more than half of this machine's "
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
