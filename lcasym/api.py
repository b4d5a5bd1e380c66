"""The public entry point: ``calculate(network) -> SymbiosisResult``.

One chain for every face of lcasym (CLI, Streamlit app, report, scripts)::

    read_network -> ensure_ready -> build_foreground -> LcaSystem.from_brightway
      -> evaluate_plan -> crediting -> indicators -> SDG -> (Monte Carlo) -> (sensitivity)
      -> SymbiosisResult (with provenance)

Everything after the Brightway steps is pure (:func:`assemble_result`, and the table
builders of :mod:`lcasym.results`), so it can be tested with hand-made unit scores.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from lcasym.background.methods import headline_method, method_label, resolve_methods
from lcasym.calc.progress import Progress, as_progress
from lcasym.errors import InputError, Problem
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.assemble import DEFAULT_SEED, assemble_result
from lcasym.results.crediting import check_rule, default_cff_factors
from lcasym.results.result import SymbiosisResult
from lcasym.results.samples import check_samples_size
from lcasym.results.sdg import load_mapping
from lcasym.results.tables import credit_function

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_SEED", "assemble_result", "calculate"]


def _network(network: SymbiosisNetwork | str | Path) -> SymbiosisNetwork:
    if isinstance(network, SymbiosisNetwork):
        return network
    from lcasym.io import read_network

    return read_network(network)


def _check_options(
    crediting: str, draws: int, contributions_top: int | None, cff_defaults, keep_draws: bool
) -> None:
    check_rule(crediting)
    default_cff_factors(cff_defaults)
    problems = []
    if not isinstance(draws, int) or draws < 0:
        problems.append(Problem(f"draws must be an integer ≥ 0, got {draws!r}"))
    top = contributions_top
    if top is not None and (not isinstance(top, int) or top < 0):
        problems.append(Problem(f"contributions_top must be ≥ 0 or None, got {top!r}"))
    if keep_draws and not draws:
        problems.append(Problem("keep_draws needs Monte Carlo draws (draws > 0)"))
    if problems:
        raise InputError(problems, source="options")


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
        :data:`DEFAULT_SEED`, recorded in the provenance).
    background_uncertainty
        Also sample the background matrices in the Monte Carlo (slower).
    workers, scheduler
        Parallel Monte Carlo: local worker processes, or a Dask scheduler address.
    sensitivity
        Add tornado and Sobol tables for the headline climate method.
    contributions_top
        Background activities listed per exchange component (0 = none; default: 5 for
        networks of up to 200 exchanges, none above, with a flag: ask with a number).
    sdg_mapping
        A user SDG mapping file (default: the shipped one).
    project, directory
        Brightway project and base directory (see
        :func:`lcasym.background.project.brightway_project`).
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
    from lcasym.background.bootstrap import ensure_ready
    from lcasym.background.project import brightway_project
    from lcasym.calc.analysis import contributions_for, sensitivity_table
    from lcasym.calc.evaluate import evaluate_plan
    from lcasym.calc.system import LcaSystem
    from lcasym.inventory.build import build_foreground
    from lcasym.results.coverage import assess_coverage
    from lcasym.results.provenance import provenance_of

    _check_options(crediting, draws, contributions_top, cff_defaults, keep_draws)
    net = _network(network)
    seed = DEFAULT_SEED if seed is None else int(seed)
    mapping = load_mapping(sdg_mapping)
    ensure_ready(project, directory)
    with brightway_project(project, directory) as settings:
        import bw2data as bd

        method_keys = resolve_methods(methods, list(bd.methods))
        if keep_draws:
            check_samples_size(draws, len(net.exchanges), len(net.facilities), len(method_keys))
        headline = headline_method(method_keys)
        plan = build_foreground(net)
        roots = sorted({db for db, _ in plan.targets})
        system = LcaSystem.from_brightway(
            roots, methods=method_keys, use_distributions=background_uncertainty
        )
        scores = evaluate_plan(plan, system)
        report = as_progress(progress)
        contributions, flags = contributions_for(
            plan, system, top=contributions_top, progress=report
        )
        mc = None
        if draws:
            mc = _run_mc(plan, system, draws, seed, background_uncertainty, workers, scheduler,
                         "components" if keep_draws else "auto",
                         credit_function(net, crediting, cff_defaults), report)  # fmt: skip
        sens = (
            sensitivity_table(plan, system, method_keys.index(headline), seed)
            if sensitivity
            else None
        )
        prov = provenance_of(net, plan, method_keys, project=settings.project)
        coverage = assess_coverage(plan, system, net)
    prov.update(
        crediting_rule=crediting,
        cff_factors=default_cff_factors(cff_defaults),
        seed=seed,
        draws=draws,
        background_uncertainty=background_uncertainty,
        workers=getattr(mc, "workers", workers),
        execution=getattr(mc, "execution", None),
        scheduler=str(scheduler) if scheduler else None,
        headline_method=method_label(headline),
        sdg_mapping=str(sdg_mapping) if sdg_mapping else "lcasym/data/sdg_mapping.yaml",
        sensitivity=bool(sensitivity),
    )
    return assemble_result(
        net, plan, scores, units=system.method_units, crediting=crediting,
        cff_defaults=cff_defaults, contributions=contributions, mc=mc, sensitivity=sens,
        seed=seed, mapping=mapping, provenance=prov, coverage=coverage, flags=flags,
        keep_draws=keep_draws,
    )  # fmt: skip


def _run_mc(plan, system, draws, seed, background, workers, scheduler, keep, credits, progress):
    from lcasym.calc.montecarlo import run_monte_carlo

    if workers is not None and not background:
        # foreground-only draws cost milliseconds: local worker processes only add start-up
        # and shipping (benchmarks/README.md), so they run here
        log.info("foreground-only Monte Carlo runs in-process (faster than %d workers)", workers)
        workers = None
    return run_monte_carlo(
        plan, system, draws=draws, seed=seed, background=background, workers=workers,
        scheduler=scheduler, keep=keep, credits=credits, progress=progress,
    )  # fmt: skip
