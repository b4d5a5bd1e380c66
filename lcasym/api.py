"""The public entry point: ``calculate(network) -> SymbiosisResult``.

One chain for every face of lcasym (CLI, Streamlit app, report, scripts)::

    read_network -> ensure_ready -> build_foreground -> LcaSystem.from_brightway
      -> evaluate_plan -> crediting -> indicators -> SDG -> (Monte Carlo) -> (sensitivity)
      -> SymbiosisResult (with provenance)

Everything after the Brightway steps is pure (:func:`assemble_result`, and the table
builders of :mod:`lcasym.results`), so it can be tested with hand-made unit scores.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lcasym import __version__
from lcasym.crediting import check_rule, default_cff_factors
from lcasym.errors import CalculationError, InputError, Problem
from lcasym.indicators import compute_indicators
from lcasym.model import SymbiosisNetwork
from lcasym.results import (
    SymbiosisResult,
    allocate_scores,
    empty_table,
    score_tables,
    uncertainty_table,
)
from lcasym.sdg import load_mapping, method_label, sdg_table

if TYPE_CHECKING:
    from lcasym.calc.evaluate import ComponentScores
    from lcasym.calc.system import LcaSystem
    from lcasym.inventory.plan import ForegroundPlan

log = logging.getLogger(__name__)

#: Seed used when none is given (recorded in the provenance and printed in reports):
#: 1961, the year the Kalundborg Symbiosis is dated from (methodology.md §1).
DEFAULT_SEED = 1961
DEFAULT_FAMILY = "EF v3.1"
IPCC_GWP100 = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
EF_GWP100 = ("EF v3.1", "climate change", "global warming potential (GWP100)")
HEADLINE_PREFERENCE = (IPCC_GWP100, EF_GWP100)
Method = tuple[str, ...]


def parse_method(method: str | Sequence[str]) -> Method:
    """A method key from a tuple/list, or from a label ``"EF v3.1 | climate change | ..."``."""
    if isinstance(method, str):
        return tuple(part.strip() for part in method.split("|"))
    return tuple(str(p) for p in method)


def resolve_methods(
    requested: Iterable[str | Sequence[str]] | None, installed: Iterable[Method]
) -> list[Method]:
    """The methods to calculate, checked against the installed ones.

    Default (``requested=None``): every installed ``EF v3.1`` method (25 categories) and
    IPCC 2021 GWP100. Any installed method can be requested, by key or label.

    Raises
    ------
    InputError
        Naming each unknown method with its closest installed matches.
    """
    installed = [tuple(m) for m in installed]
    known = set(installed)
    if requested is None:
        chosen = [m for m in installed if m[0] == DEFAULT_FAMILY]
        chosen += [IPCC_GWP100] if IPCC_GWP100 in known else []
        if not chosen:
            raise InputError(
                [Problem("no EF v3.1 or IPCC 2021 method is installed; run `lcasym setup`")],
                source="methods",
            )
        return chosen
    chosen, problems = [], []
    labels = {method_label(m): m for m in installed}
    for item in requested:
        key = parse_method(item)
        if key in known:
            chosen.append(key)
            continue
        close = difflib.get_close_matches(method_label(key), list(labels), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        problems.append(Problem(f"unknown LCIA method {method_label(key)!r}{hint}"))
    if problems:
        raise InputError(problems, source="methods")
    return list(dict.fromkeys(chosen))


def headline_method(methods: Sequence[Method]) -> Method:
    """The climate method the summary leads with (IPCC 2021 GWP100, else EF 3.1 GWP100)."""
    for m in HEADLINE_PREFERENCE:
        if m in methods:
            return m
    return tuple(methods[0])


def _network(network: SymbiosisNetwork | str | Path) -> SymbiosisNetwork:
    if isinstance(network, SymbiosisNetwork):
        return network
    from lcasym.io import read_network

    return read_network(network)


def _check_options(crediting: str, draws: int, contributions_top: int, cff_defaults) -> None:
    check_rule(crediting)
    default_cff_factors(cff_defaults)
    problems = []
    if not isinstance(draws, int) or draws < 0:
        problems.append(Problem(f"draws must be an integer ≥ 0, got {draws!r}"))
    if not isinstance(contributions_top, int) or contributions_top < 0:
        problems.append(Problem(f"contributions_top must be ≥ 0, got {contributions_top!r}"))
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
    contributions_top: int = 5,
    sdg_mapping: str | Path | None = None,
    project: str | None = None,
    directory: str | Path | None = None,
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
        (:mod:`lcasym.crediting`).
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
        Background activities listed per exchange component (0 = none).
    sdg_mapping
        A user SDG mapping file (default: the shipped one).
    project, directory
        Brightway project and base directory (see :func:`lcasym.project.brightway_project`).

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
    from lcasym.bootstrap import ensure_ready
    from lcasym.calc.evaluate import evaluate_plan
    from lcasym.calc.system import LcaSystem
    from lcasym.inventory.build import build_foreground
    from lcasym.project import brightway_project

    _check_options(crediting, draws, contributions_top, cff_defaults)
    net = _network(network)
    seed = DEFAULT_SEED if seed is None else int(seed)
    mapping = load_mapping(sdg_mapping)
    ensure_ready(project, directory)
    with brightway_project(project, directory) as settings:
        import bw2data as bd

        method_keys = resolve_methods(methods, list(bd.methods))
        headline = headline_method(method_keys)
        plan = build_foreground(net)
        roots = sorted({db for db, _ in plan.targets})
        system = LcaSystem.from_brightway(
            roots, methods=method_keys, use_distributions=background_uncertainty
        )
        scores = evaluate_plan(plan, system)
        contributions = contribution_table(plan, system, top=contributions_top)
        mc = None
        if draws:
            keep = "components" if draws * scores.displaced[0].size <= 4_000_000 else "exchanges"
            mc = _run_mc(plan, system, draws, seed, background_uncertainty, workers, scheduler,
                         keep)  # fmt: skip
        sens = (
            sensitivity_table(plan, system, method_keys.index(headline), seed)
            if sensitivity
            else None
        )
        prov = provenance_of(net, plan, method_keys, project=settings.project)
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
        seed=seed, mapping=mapping, provenance=prov,
    )  # fmt: skip


def _run_mc(plan, system, draws, seed, background, workers, scheduler, keep):
    from lcasym.calc.montecarlo import run_monte_carlo

    return run_monte_carlo(
        plan, system, draws=draws, seed=seed, background=background, workers=workers,
        scheduler=scheduler, keep=keep,
    )  # fmt: skip


def displaced_text(plan: ForegroundPlan) -> dict[str, str]:
    """Name and reference product of each exchange's displaced activity (for indicators)."""
    out = {}
    for e in plan.edges:
        if e.component == "displaced" and e.exchange_id and e.target in plan.targets:
            info = plan.targets[e.target]
            out[e.exchange_id] = " | ".join(
                p for p in (info.name, info.reference_product, info.code) if p
            )
    return out


def contribution_table(plan: ForegroundPlan, system: LcaSystem, *, top: int) -> pd.DataFrame:
    """Background activities behind each exchange component, from the central values.

    For each baseline displaced/treatment edge and each symbiosis transport/extra edge of
    exchange k with amount ``a`` and target t: the ``top`` activities j of
    ``system.contributions(t)``; ``share`` = share of j in the unit score of t, ``score`` =
    ``a · g_j`` (that part of the component, in the method's unit).
    """
    if top <= 0:
        return empty_table("contributions")
    units = dict(zip(system.methods, system.method_units, strict=True))
    amounts = plan.edge_amounts()
    cache: dict[tuple[str, str], pd.DataFrame] = {}
    rows = []
    for edge, amount in zip(plan.edges, amounts, strict=True):
        wanted = (edge.scenario == "baseline" and edge.component in ("displaced", "treatment")) or (
            edge.scenario == "symbiosis" and edge.component in ("transport", "extra")
        )
        if not wanted or edge.exchange_id is None:
            continue
        if edge.target not in cache:
            cache[edge.target] = system.contributions(edge.target, top=top)
        for rec in cache[edge.target].to_dict("records"):
            rows.append({
                "exchange": edge.exchange_id, "component": edge.component,
                "target": edge.label, "method": method_label(rec["method"]),
                "unit": units[tuple(rec["method"])], "rank": int(rec["rank"]),
                "activity": rec["name"], "database": rec["database"], "code": rec["code"],
                "score": amount * float(rec["score"]), "share": float(rec["share"]),
            })  # fmt: skip
    return pd.DataFrame(rows, columns=empty_table("contributions").columns)


def sensitivity_table(
    plan: ForegroundPlan, system: LcaSystem, method_index: int, seed: int
) -> pd.DataFrame:
    """Tornado (all parameters) and Sobol indices (top 5) of the avoided total, long form."""
    from lcasym.calc.sensitivity import global_sensitivity, tornado

    label = method_label(system.methods[method_index])
    measures = ["value", "low", "high", "result_low", "result_high", "swing", "rank"]
    frames = [_long_sens(tornado(plan, system, method_index=method_index), "tornado", label,
                         measures)]  # fmt: skip
    try:
        sobol = global_sensitivity(plan, system, method_index=method_index, seed=seed)
        frames.append(_long_sens(sobol, "sobol", label, ["S1", "S1_conf", "ST", "ST_conf"]))
    except CalculationError as exc:
        log.warning("global sensitivity skipped: %s", exc)
    return pd.concat(frames, ignore_index=True)


def _long_sens(frame: pd.DataFrame, analysis: str, method: str, measures: list[str]):
    long = frame.melt(id_vars=["parameter"], value_vars=measures, var_name="measure")
    return long.assign(analysis=analysis, method=method)[
        ["analysis", "method", "parameter", "measure", "value"]
    ]


def provenance_of(
    network: SymbiosisNetwork, plan: ForegroundPlan, methods: Sequence[Method], *, project: str
) -> dict[str, Any]:
    """What produced a result: versions, background, methods, network (inside a project)."""
    import datetime
    import platform
    from importlib import metadata

    import bw2data as bd

    from lcasym.naming import scenario_database

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    bg = plan.background_database
    bg_meta = bd.databases.get(bg, {}) if bg in bd.databases else {}
    build = bd.databases.get(scenario_database(plan.network_id, "baseline"), {})
    return {
        "lcasym_version": __version__,
        "bw2data_version": version("bw2data"),
        "bw2calc_version": version("bw2calc"),
        "bw2io_version": version("bw2io"),
        "python_version": platform.python_version(),
        "background_database": bg,
        "background_version": bg_meta.get("lcasym_version") or bg_meta.get("version"),
        "databases": sorted({db for db, _ in plan.targets}),
        "methods": [method_label(m) for m in methods],
        "method_keys": [list(m) for m in methods],
        "project": project,
        "network_id": network.network.id,
        "network_name": network.network.name,
        "reporting_year": network.network.reporting_year,
        "currency": network.network.currency,
        "foreground_build_hash": build.get("lcasym_build"),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def assemble_result(
    network: SymbiosisNetwork,
    plan: ForegroundPlan | None,
    scores: ComponentScores,
    *,
    units: Sequence[str],
    crediting: str = "receiver",
    cff_defaults: Mapping[str, float] | None = None,
    contributions: pd.DataFrame | None = None,
    mc: Any = None,
    sensitivity: pd.DataFrame | None = None,
    seed: int = DEFAULT_SEED,
    mapping: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> SymbiosisResult:
    """Build the result from component scores (pure: no Brightway).

    ``mc`` is a ``lcasym.calc.montecarlo.MonteCarloResult`` (or None): its per-draw
    avoided totals, exchange nets and (with ``keep="components"``) the facility credits
    under ``crediting`` feed the ``uncertainty`` table.
    """
    tables = score_tables(network, scores, units=units, rule=crediting, cff_defaults=cff_defaults)
    indicators = compute_indicators(network, displaced_text=displaced_text(plan) if plan else None)
    value_added = {f.id: f.value_added for f in network.facilities}
    sdg = sdg_table(tables["totals"], indicators, value_added=value_added,
                    currency=network.network.currency, mapping=mapping)  # fmt: skip
    uncertainty = empty_table("uncertainty")
    if mc is not None:
        comps = getattr(mc, "components", None)
        credits = allocate_scores(network, comps, crediting, cff_defaults) if comps else None
        uncertainty = uncertainty_table(
            methods=scores.methods, units=units, avoided=mc.avoided, seed=mc.seed,
            exchange_ids=mc.exchange_ids, exchange_net=mc.exchange_net, credits=credits,
        )  # fmt: skip
    totals = tables["totals"]
    zero = totals[(totals["baseline"] == 0) & (totals["symbiosis"] == 0)]["method"]
    prov = {"crediting_rule": crediting, "seed": seed, "draws": 0 if mc is None else mc.draws,
            "methods_all_zero": list(zero)}  # fmt: skip
    prov.update(provenance or {})
    return SymbiosisResult(
        **tables,
        contributions=contributions if contributions is not None else empty_table("contributions"),
        indicators=indicators,
        sdg=sdg,
        uncertainty=uncertainty,
        sensitivity=sensitivity if sensitivity is not None else empty_table("sensitivity"),
        provenance=prov,
    )
