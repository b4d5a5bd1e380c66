"""The public entry point: ``calculate(network) -> SymbiosisResult``.

One chain for every face of lcasym (CLI, Streamlit app, report, scripts)::

    open_session:  read_network -> ensure_ready -> build_foreground -> cached LcaSystem
    .result:       evaluate -> crediting -> indicators -> SDG -> (Monte Carlo)
                   -> (sensitivity) -> SymbiosisResult (with provenance)

``calculate(network, ...)`` is ``open_session(network, ...).result(...)``: scripts that
compute many variants of one network open the session once
(:mod:`lcasym.calc.session`). Everything after the Brightway steps is pure
(:func:`assemble_result`, and the table builders of :mod:`lcasym.results`), so it can be
tested with hand-made unit scores.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from lcasym.calc.progress import Progress
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.assemble import DEFAULT_SEED, assemble_result
from lcasym.results.result import SymbiosisResult

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_SEED", "assemble_result", "calculate"]


def calculate(
    network: SymbiosisNetwork | str | Path,
    *,
    methods: Sequence[tuple[str, ...] | str] | None = None,
    crediting: str = "receiver",
    cff_defaults: Mapping[str, float] | None = None,
    draws: int = 0,
    seed: int | None = None,
    background_uncertainty: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    sensitivity: bool = False,
    contributions_top: int | None = None,
    sdg_mapping: str | Path | None = None,
    project: str | None = None,
    directory: str | Path | None = None,
    include_planned: bool = False,
    keep_draws: bool = False,
    progress: bool | Progress | None = None,
) -> SymbiosisResult:
    """Calculate what a symbiosis network is worth: LCIA, credits, indicators, SDGs.

    Parameters
    ----------
    network
        A :class:`SymbiosisNetwork` or the path of a network file (YAML, JSON, Excel).
    methods
        LCIA method keys or labels; default all 25 EF v3.1 categories + IPCC 2021 GWP100.
    crediting
        ``receiver`` (default), ``supplier``, ``equal``, ``cff`` or ``network``
        (:mod:`lcasym.results.crediting`).
    cff_defaults
        Overrides of the CFF factors, e.g. ``{"A": 0.2}`` or ``{"energy": 0.1}``.
    draws, seed
        Monte Carlo draws (0 = deterministic only) and seed (default
        :data:`DEFAULT_SEED`, recorded in the provenance). Without uncertainty data no
        Monte Carlo is run (flag ``no uncertainty data``).
    background_uncertainty
        Also sample the background matrices in the Monte Carlo (slower).
    workers, scheduler
        Parallel Monte Carlo: local worker processes, or a Dask scheduler address.
    sensitivity
        Add tornado and Sobol tables for the headline climate method.
    contributions_top
        Background activities listed per exchange component of every exchange (0 = none).
        Default: 5, for every exchange of a network of up to 200 exchanges; above, for the
        60 exchanges with the largest ``|net|`` under the headline method, with a flag.
    sdg_mapping
        A user SDG mapping file (default: the shipped one).
    project, directory
        Brightway project and base directory (see
        :func:`lcasym.background.project.brightway_project`).
    include_planned
        Count planned exchanges in the totals too (default: kept out, one
        ``planned excluded`` flag each).
    keep_draws
        Return the paired Monte Carlo draws as the ``samples`` table (refused above
        :data:`lcasym.results.samples.MAX_SAMPLE_ROWS` rows, before any work).
    progress
        ``progress(done, total, what)`` during contributions and Monte Carlo, or ``True``
        for ``tqdm`` bars (:mod:`lcasym.calc.progress`).

    Returns
    -------
    SymbiosisResult

    Raises
    ------
    InputError
        Bad network or options (unknown method or crediting rule...), listing each problem.
    SetupError
        The Brightway project is not set up (run ``lcasym setup``).
    """
    from lcasym.calc.session import check_options, check_resources, open_session, read_network

    check_options(crediting, draws, contributions_top, cff_defaults, include_planned, keep_draws)
    net = read_network(network)
    check_resources(net, draws, methods, scheduler, include_planned=include_planned,
                    keep_draws=keep_draws, background=background_uncertainty)  # fmt: skip
    session = open_session(
        net, methods=methods, project=project, directory=directory,
        background_uncertainty=background_uncertainty, sdg_mapping=sdg_mapping,
        source=network if isinstance(network, str | Path) else None,
    )  # fmt: skip
    return session.result(
        crediting=crediting, cff_defaults=cff_defaults, draws=draws, seed=seed,
        workers=workers, scheduler=scheduler, sensitivity=sensitivity,
        contributions_top=contributions_top, include_planned=include_planned,
        keep_draws=keep_draws, progress=progress,
    )  # fmt: skip
