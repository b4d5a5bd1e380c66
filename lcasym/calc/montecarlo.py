"""Paired Monte Carlo and scenario sweeps of a foreground plan.

Paired: in every iteration the baseline and the symbiosis are computed from the same
parameter vector (and, with ``background=True``, the same background matrices), so

    avoided_i = Σ_k (D_k + W_k − E_k − F_k)(x_i, Λ_i) = baseline_i − symbiosis_i

holds draw by draw (``avoided`` is computed directly, without cancellation).

Draws come in chunks of ``chunk_size``; chunk ``c`` uses
``sampling.chunk_rng(seed, c, FOREGROUND)`` for the parameters and
``chunk_rng(seed, c, BACKGROUND)`` for the matrices, and runs wherever
``distributed.map_chunks`` sends it. The same ``(seed, chunk_size)`` gives the same
numbers in-process and on any number of workers, whatever is kept; the foreground draws
of a background run equal those of a foreground-only run with the same seed and chunk size.

What a run keeps (``keep``), besides the per-draw totals:

- ``"exchanges"``: each exchange's net per draw; ``"components"``: every component per
  draw (``ComponentScores``); both also give the statistics below;
- ``"statistics"``: only statistics (``lcasym.calc.statistics``) of each exchange's net
  and, with ``credits``, of each facility's credit. Foreground-only runs keep ``p_g`` per
  draw (n_draws · n_groups floats) and evaluate the exchanges block by block, so the
  memory grows with the network, not with draws × exchanges × methods;
- ``"auto"``: ``components`` when they fit ``memory_budget``, else ``statistics`` (else,
  with background draws, only the totals and a note saying so).

``estimate_memory`` gives the bytes a run needs before it starts; a run that would need
more than the memory the machine has available raises ``MemoryLimitError`` up front.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
from scipy import sparse

from lcasym.calc.distributed import chunk_progress, map_chunks
from lcasym.calc.evaluate import (
    CompiledPlan,
    ComponentScores,
    SlotCoefficients,
    compile_plan,
    concat_components,
)
from lcasym.calc.progress import Progress, as_progress
from lcasym.calc.sampling import BACKGROUND, FOREGROUND, chunk_rng, sample_chunk
from lcasym.calc.statistics import DrawStatistics
from lcasym.calc.system import BackgroundModel, LcaSystem
from lcasym.errors import CalculationError, MemoryLimitError
from lcasym.inventory.plan import ForegroundPlan, Parameter

Keep = Literal["totals", "exchanges", "components", "statistics", "auto"]
KEEPS = ("totals", "exchanges", "components", "statistics", "auto")
FOREGROUND_CHUNK, BACKGROUND_CHUNK = 50_000, 10
#: What per-draw arrays may take with ``keep="auto"`` before statistics are computed in
#: blocks instead (bytes).
MEMORY_BUDGET = 2**30
#: Working memory of one block of component scores (bytes).
BLOCK_BYTES = 128 * 2**20
_FLOAT = 8


class CreditSplit(Protocol):
    """What a credit function returns: facility ids and credits (draws, n_fac, n_methods)."""

    facility_ids: tuple[str, ...]
    credits: np.ndarray


#: Splits the components of some exchanges into facility credits; must be additive over
#: exchanges (every rule of ``lcasym.results.crediting`` is). It may return only the
#: facilities those exchanges involve; an attribute ``facility_ids`` (all facilities, in
#: output order) then gives the others a credit of 0.
CreditFunction = Callable[[ComponentScores], CreditSplit]


def _all_credits(
    credits: CreditFunction, scores: ComponentScores, out: np.ndarray | None = None
) -> tuple[tuple[str, ...], np.ndarray]:
    """Credits of every facility, (n_fac, n_methods, draws), added to ``out`` if given.

    Draws last, so each facility's draws are contiguous for its statistics.
    """
    split = credits(scores)
    ids = tuple(getattr(credits, "facility_ids", None) or split.facility_ids)
    if out is None:
        out = np.zeros((len(ids), len(scores.methods), scores.n_draws))
    position = {f: i for i, f in enumerate(ids)}
    out[[position[f] for f in split.facility_ids]] += split.credits.transpose(1, 2, 0)
    return ids, out


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-draw totals of a paired Monte Carlo run, and what ``keep`` asked for.

    ``baseline``, ``symbiosis``, ``avoided``: (draws, n_methods). ``exchange_net``
    (draws, n_exchanges, n_methods) with ``keep="exchanges"`` or ``"components"``;
    ``components`` with ``keep="components"``; ``parameters`` (draws, n_params) with
    ``keep_parameters=True``. ``exchange_statistics`` / ``credit_statistics``: statistics
    of each exchange's net / facility's credit (all but ``keep="totals"``; credits need a
    credit function). ``kept`` is the mode used (``"auto"`` resolved), ``notes`` says what
    was left out and why, ``memory_bytes`` the estimate the choice was made on.
    ``workers`` and ``execution`` record where it ran.
    """

    methods: tuple[tuple[str, ...], ...]
    method_units: tuple[str, ...]
    seed: int
    draws: int
    chunk_size: int
    background: bool
    workers: int
    execution: str
    baseline: np.ndarray
    symbiosis: np.ndarray
    avoided: np.ndarray
    parameter_names: tuple[str, ...]
    exchange_ids: tuple[str, ...]
    parameters: np.ndarray | None = None
    exchange_net: np.ndarray | None = None
    components: ComponentScores | None = None
    exchange_statistics: DrawStatistics | None = None
    credit_statistics: DrawStatistics | None = None
    kept: str = "totals"
    notes: tuple[str, ...] = ()
    memory_bytes: int = 0

    def probability_better(self) -> np.ndarray:
        """``P(avoided > 0)`` per method: the share of draws where the symbiosis is better."""
        return (self.avoided > 0).mean(axis=0)

    def summary(self) -> pd.DataFrame:
        """Percentiles per method, one row each.

        Columns: method, unit, ``{baseline,symbiosis,avoided}_{p5,p50,p95}``, avoided_mean,
        avoided_sd and ``probability_better`` = P(avoided > 0).
        """
        rows = []
        better = self.probability_better()
        for m, method in enumerate(self.methods):
            row: dict[str, Any] = {"method": method, "unit": self.method_units[m]}
            for name in ("baseline", "symbiosis", "avoided"):
                p5, p50, p95 = np.percentile(getattr(self, name)[:, m], [5, 50, 95])
                row |= {f"{name}_p5": p5, f"{name}_p50": p50, f"{name}_p95": p95}
            row |= {
                "avoided_mean": self.avoided[:, m].mean(),
                "avoided_sd": self.avoided[:, m].std(ddof=1) if self.draws > 1 else 0.0,
                "probability_better": better[m],
            }
            rows.append(row)
        return pd.DataFrame.from_records(rows)


# --- memory -----------------------------------------------------------------------------


def estimate_memory(
    *,
    draws: int,
    n_exchanges: int,
    n_facilities: int,
    n_methods: int,
    keep: Keep = "auto",
    background: bool = False,
    n_groups: int | None = None,
    n_parameters: int | None = None,
    keep_parameters: bool = False,
    memory_budget: int = MEMORY_BUDGET,
) -> int:
    """Bytes a Monte Carlo run needs (its arrays; an estimate within a factor of ~2).

    Without a compiled plan, ``n_groups`` and ``n_parameters`` default to 4 per exchange
    plus one per facility (a network file is enough to call this before any Brightway
    work). ``keep="auto"`` is resolved as ``run_monte_carlo`` does.
    """
    _, need, _ = _choose(
        draws=draws,
        n_ex=n_exchanges,
        n_fac=n_facilities,
        n_m=n_methods,
        n_groups=4 * n_exchanges + n_facilities if n_groups is None else n_groups,
        n_params=4 * n_exchanges + n_facilities if n_parameters is None else n_parameters,
        keep=keep,
        background=background,
        keep_parameters=keep_parameters,
        budget=memory_budget,
    )
    return need


def _need(
    mode: str,
    *,
    draws: int,
    n_ex: int,
    n_fac: int,
    n_m: int,
    n_groups: int,
    n_params: int,
    background: bool,
    keep_p: bool,
) -> int:
    """Bytes of the arrays a run in ``mode`` holds at its peak."""
    f = _FLOAT
    base = 2 * draws * 3 * n_m * f + (2 * draws * n_params * f if keep_p else 0)
    base += BLOCK_BYTES if not background else 2 * (n_ex + n_fac) * n_m * f * BACKGROUND_CHUNK
    if mode == "totals":
        return base
    if mode == "exchanges":
        return base + 2 * draws * n_ex * n_m * f
    if mode == "components":
        return base + 2 * draws * (5 * n_ex + n_fac) * n_m * f
    # statistics
    credits = 2 * draws * n_fac * n_m * f
    if background:
        return base + 2 * draws * n_ex * n_m * f + credits
    return base + 3 * draws * n_groups * f + credits


def _choose(
    *,
    keep: str,
    budget: int,
    draws: int,
    n_ex: int,
    n_fac: int,
    n_m: int,
    n_groups: int,
    n_params: int,
    background: bool,
    keep_parameters: bool,
) -> tuple[str, int, tuple[str, ...]]:
    """Resolve ``keep`` ("auto": the richest mode within ``budget``); bytes and notes."""
    need = {
        mode: _need(mode, draws=draws, n_ex=n_ex, n_fac=n_fac, n_m=n_m, n_groups=n_groups,
                    n_params=n_params, background=background, keep_p=keep_parameters)
        for mode in ("totals", "exchanges", "components", "statistics")
    }  # fmt: skip
    if keep != "auto":
        return keep, need[keep], ()
    if need["components"] <= budget:
        return "components", need["components"], ()
    if need["statistics"] <= budget or not background:
        return "statistics", need["statistics"], ()
    note = (
        f"per-exchange and per-facility uncertainty not computed: {draws:,} background draws "
        f"of {n_ex:,} exchanges need ~{_gb(need['statistics'])} (budget {_gb(budget)}); "
        "fewer draws or foreground-only draws give them"
    )
    return "totals", need["totals"], (note,)


def _gb(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**29 else f"{n / 2**20:.0f} MiB"


def available_memory() -> int | None:
    """Bytes this machine has available now (``psutil``), or None if unknown."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with distributed
        return None
    return int(psutil.virtual_memory().available)


# --- the chunk a worker computes --------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    compiled: CompiledPlan
    parameters: tuple[Parameter, ...]
    methods: tuple[tuple[str, ...], ...]
    seed: int
    draws: int
    chunk_size: int
    keep: str
    keep_parameters: bool
    k: SlotCoefficients | None = None  # foreground only: fixed coefficients
    model: BackgroundModel | None = None
    rows: np.ndarray | None = None
    demand: sparse.csr_matrix | None = None  # background totals: (n_groups, 2 · n_targets)
    credits: CreditFunction | None = None


def _sub_chunks(size: int, per_draw: int) -> list[slice]:
    step = max(1, BLOCK_BYTES // max(per_draw, 1))
    return [slice(i, min(i + step, size)) for i in range(0, size, step)]


def _chunk(c: int, job: _Job) -> dict:
    """Draws of chunk ``c``: totals (size, 3, n_methods) and what ``keep`` asks for."""
    size = min(job.chunk_size, job.draws - c * job.chunk_size)
    x = sample_chunk(job.parameters, size=size, rng=chunk_rng(job.seed, c, FOREGROUND))
    out: dict = {"x": x if job.keep_parameters else None}
    if job.model is None:
        assert job.k is not None
        pt = job.compiled.products_t(x)
        kt = job.k.totals
        out["totals"] = (pt.T @ kt.reshape(kt.shape[0], -1)).reshape(size, 3, kt.shape[2])
        if job.keep == "statistics":
            out["pt"] = pt
        elif job.keep in ("exchanges", "components"):
            m, n_ex = job.k.n_methods, len(job.compiled.exchange_ids)
            per_draw = 2 * _FLOAT * job.compiled.n_slots * m
            keep_all = job.keep == "components"
            kept = np.empty((size, job.compiled.n_slots * m)) if keep_all else None
            net = np.empty((size, n_ex, m))
            for s in _sub_chunks(size, per_draw):
                scores = job.k.all_scores(pt[:, s].T, out=None if kept is None else kept[s])
                net[s] = job.compiled.components_of(scores, m, job.methods).exchange_net
            out["net"] = net
            if kept is not None:
                out["components"] = job.compiled.components_of(kept, m, job.methods)
    elif job.keep == "totals":
        out["totals"] = _background_totals(c, job, x)
    else:
        totals, comps = np.empty((size, 3, len(job.methods))), []
        assert job.rows is not None
        draws = job.model.draws(chunk_rng(job.seed, c, BACKGROUND), job.rows, size)
        for i, lam in enumerate(draws):
            one = job.compiled.components_at(x[i], lam, job.methods)
            totals[i] = one.baseline_total[0], one.symbiosis_total[0], one.avoided_total[0]
            comps.append(one)
        out["totals"] = totals
        merged = concat_components(comps)
        out["net"] = merged.exchange_net
        out["components"] = merged if job.keep == "components" else None
        if job.keep == "statistics" and job.credits is not None:
            out["credit_ids"], out["credits"] = _all_credits(job.credits, merged)
    return out


def _background_totals(c: int, job: _Job, x: np.ndarray) -> np.ndarray:
    """Totals only: 2 forward solves per draw (baseline demand and avoided demand).

    The avoided demand (baseline − symbiosis) is formed before solving, so ``avoided`` has
    no cancellation; symbiosis = baseline − avoided. One column per call: PARDISO solves
    one right-hand side on all threads, two in one call no faster than one after the other
    (full-size benchmark, 2 threads: 4 ms per column vs 18 ms).
    """
    assert job.model is not None and job.demand is not None and job.rows is not None
    size = len(x)
    totals = np.empty((size, 3, len(job.methods)))
    targets = np.asarray(job.compiled.products(x) @ job.demand).reshape(size, -1, 2)
    demand = np.zeros((job.model.technosphere.shape[0], 2))
    states = job.model.states(chunk_rng(job.seed, c, BACKGROUND), size)
    for i, (fact, biosphere, factors) in enumerate(states):
        demand[job.rows] = targets[i]
        supply = np.column_stack([fact.solve(demand[:, 0]), fact.solve(demand[:, 1])])
        baseline, avoided = (factors.T @ (biosphere @ supply)).T
        totals[i] = baseline, baseline - avoided, avoided
    return totals


# --- statistics in blocks -------------------------------------------------------------


def _block_components(
    job: _Job, pt: np.ndarray, start: int, stop: int
) -> tuple[np.ndarray, ComponentScores]:
    """Net (n, n_methods, draws) and components of exchanges ``start..stop−1`` of all draws."""
    assert job.k is not None
    m, d = job.k.n_methods, pt.shape[1]
    rows = job.k.matrix.T[5 * start * m : 5 * stop * m]
    s = np.asarray(rows @ pt).reshape(stop - start, 5, m, d)
    net = s[:, 0] + s[:, 1] - s[:, 2] - s[:, 4]
    comp = job.compiled
    sl = slice(start, stop)
    displaced, treatment, extra, transport, forgone = (s[:, i].transpose(2, 0, 1) for i in range(5))
    scores = ComponentScores(
        job.methods,
        comp.exchange_ids[sl],
        comp.facility_ids,
        comp.extra_bearer[sl],
        comp.receivers[sl],
        comp.suppliers[sl],
        displaced,
        treatment,
        extra,
        transport,
        forgone,
        np.zeros((d, 0, m)),
    )
    return net, scores


def _foreground_statistics(
    job: _Job, pt: np.ndarray, progress: Progress | None
) -> tuple[DrawStatistics | None, DrawStatistics | None]:
    """Exchange-net and facility-credit statistics from ``p_g`` (n_groups, draws), in blocks."""
    assert job.k is not None
    n_ex, d = len(job.compiled.exchange_ids), pt.shape[1]
    if not n_ex:
        return None, None
    per_exchange = 3 * 5 * job.k.n_methods * d * _FLOAT
    step = max(1, BLOCK_BYTES // per_exchange)
    parts: list[DrawStatistics] = []
    credit_sum: np.ndarray | None = None
    facility_ids: tuple[str, ...] = ()
    for start in range(0, n_ex, step):
        stop = min(start + step, n_ex)
        net, scores = _block_components(job, pt, start, stop)
        parts.append(DrawStatistics.of(scores.exchange_ids, "net", net, axis=2))
        if job.credits is not None:
            facility_ids, credit_sum = _all_credits(job.credits, scores, credit_sum)
        if progress is not None:
            progress(stop, n_ex, "uncertainty statistics")
    credits = None
    if credit_sum is not None:
        credits = DrawStatistics.of(facility_ids, "credit", credit_sum, axis=2)
    return DrawStatistics.concat(parts), credits


# --- the public functions ---------------------------------------------------------------


def run_monte_carlo(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    draws: int,
    seed: int,
    background: bool = False,
    workers: int | None = None,
    scheduler=None,
    chunk_size: int | None = None,
    keep: Keep = "totals",
    keep_parameters: bool = False,
    credits: CreditFunction | None = None,
    memory_budget: int = MEMORY_BUDGET,
    progress: bool | Progress | None = None,
) -> MonteCarloResult:
    """Paired Monte Carlo of ``plan`` over foreground parameters (and the background).

    Parameters
    ----------
    draws, seed
        Number of iterations and the seed they are reproducible from.
    background
        Also resample the background matrices each draw (needs a system loaded with
        ``use_distributions=True``); each draw re-factorises ``A`` numerically.
    workers, scheduler
        Where to run (see ``lcasym.calc.distributed``); default in-process.
    chunk_size
        Draws per task (default 50,000 foreground-only, 10 with background). Part of the
        reproducibility key: the same seed and chunk size give the same numbers.
    keep
        ``"totals"``, ``"exchanges"``, ``"components"``, ``"statistics"`` or ``"auto"``
        (see the module docstring).
    credits
        Function splitting components into facility credits (e.g.
        ``lcasym.results.tables.credit_function``): adds ``credit_statistics``.
    memory_budget
        Bytes the per-draw arrays may take with ``keep="auto"``.
    progress
        ``progress(done, total, what)`` after each chunk of draws (and block of
        statistics), ``True`` for tqdm bars.

    Raises
    ------
    MemoryLimitError
        The run would need more memory than the machine has available.
    """
    if (
        not isinstance(draws, int | np.integer)
        or draws < 1
        or not isinstance(seed, int | np.integer)
    ):
        raise CalculationError("draws must be an integer ≥ 1 and seed an integer")
    if keep not in KEEPS:
        raise CalculationError(f"keep must be one of {', '.join(KEEPS)}, not {keep!r}")
    report = as_progress(progress)
    compiled = compile_plan(plan)
    n_fac = len(compiled.facility_ids)
    kept, need, notes = _choose(
        draws=int(draws), n_ex=len(compiled.exchange_ids), n_fac=n_fac,
        n_m=len(system.methods), n_groups=len(compiled.groups),
        n_params=len(compiled.parameter_names), keep=keep, background=background,
        keep_parameters=keep_parameters, budget=memory_budget,
    )  # fmt: skip
    check_memory(need, f"a Monte Carlo run of {draws:,} draws")
    chunk = chunk_size or (BACKGROUND_CHUNK if background else FOREGROUND_CHUNK)
    job = _Job(
        compiled, tuple(plan.parameters), tuple(system.methods), int(seed), int(draws), chunk,
        kept, keep_parameters, credits=credits if kept == "statistics" else None,
    )  # fmt: skip
    if background:
        if system.background is None:
            raise CalculationError(
                "background Monte Carlo needs LcaSystem.from_brightway(..., use_distributions=True)"
            )
        job = replace(job, model=system.background, rows=system.rows(compiled.targets))
        if kept == "totals":
            tm = compiled.target_matrix()
            t = np.arange(len(compiled.targets))
            job = replace(job, demand=tm[:, np.column_stack([3 * t, 3 * t + 2]).ravel()])
    else:
        job = replace(job, k=compiled.coefficients(system.scores_of(compiled.targets)))
    n_chunks = -(-draws // chunk)
    sizes = [min(chunk, draws - c * chunk) for c in range(n_chunks)]
    parts, execution = map_chunks(
        _chunk, n_chunks, shared=job, workers=workers, scheduler=scheduler,
        progress=chunk_progress(report, sizes, "Monte Carlo draws"), threads=background,
    )  # fmt: skip
    totals = np.concatenate([p["totals"] for p in parts])
    net = comps = ex_stats = credit_stats = None
    if kept in ("exchanges", "components"):
        net = np.concatenate([p["net"] for p in parts])
        ex_stats = DrawStatistics.of(compiled.exchange_ids, "net", net)
    if kept == "components":
        comps = concat_components([p["components"] for p in parts])
        if credits is not None:
            ids, all_credits = _all_credits(credits, comps)
            credit_stats = DrawStatistics.of(ids, "credit", all_credits, axis=2)
    if kept == "statistics" and background:
        ex_stats = DrawStatistics.of(
            compiled.exchange_ids, "net", np.concatenate([p["net"] for p in parts])
        )
        if credits is not None:
            credit_stats = DrawStatistics.of(
                parts[0]["credit_ids"],
                "credit",
                np.concatenate([p["credits"] for p in parts], axis=2),
                axis=2,
            )
    elif kept == "statistics":
        pt = np.concatenate([p.pop("pt") for p in parts], axis=1)
        ex_stats, credit_stats = _foreground_statistics(job, pt, report)
    return MonteCarloResult(
        methods=tuple(system.methods),
        method_units=tuple(system.method_units),
        seed=int(seed),
        draws=int(draws),
        chunk_size=chunk,
        background=background,
        workers=execution.workers,
        execution=execution.mode,
        baseline=totals[:, 0],
        symbiosis=totals[:, 1],
        avoided=totals[:, 2],
        parameter_names=compiled.parameter_names,
        exchange_ids=compiled.exchange_ids,
        parameters=np.concatenate([p["x"] for p in parts]) if keep_parameters else None,
        exchange_net=net,
        components=comps,
        exchange_statistics=ex_stats,
        credit_statistics=credit_stats,
        kept=kept,
        notes=notes,
        memory_bytes=need,
    )


def check_memory(need: int, what: str, available: int | None = None) -> None:
    """Raise ``MemoryLimitError`` when ``need`` bytes exceed 80 % of the available memory."""
    available = available_memory() if available is None else available
    if available is not None and need > 0.8 * available:
        raise MemoryLimitError(
            f"{what} needs ~{_gb(need)} of memory; this machine has {_gb(available)} "
            "available: use fewer draws or methods"
        )


@dataclass(frozen=True)
class ScenarioTotals:
    """Totals of a scenario sweep: ``baseline``, ``symbiosis``, ``avoided`` (n, n_methods)."""

    methods: tuple[tuple[str, ...], ...]
    baseline: np.ndarray
    symbiosis: np.ndarray
    avoided: np.ndarray


def _sweep_chunk(c: int, shared: tuple) -> np.ndarray:
    compiled, kt, values, size = shared
    return compiled.totals(values[c * size : (c + 1) * size], kt)


def run_scenarios(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    values: np.ndarray,
    workers: int | None = None,
    scheduler=None,
    chunk_size: int = 50_000,
) -> ScenarioTotals:
    """Totals for many what-if parameter vectors ``values`` (n, n_params), chunked.

    ``totals = P(values) · K_total`` (see ``lcasym.calc.evaluate``).
    """
    from lcasym.calc.evaluate import as_values

    compiled = compile_plan(plan)
    x = as_values(plan, values)
    kt = compiled.total_coefficients(compiled.coefficients(system.scores_of(compiled.targets)))
    parts, _ = map_chunks(
        _sweep_chunk,
        -(-len(x) // chunk_size),
        shared=(compiled, kt, x, chunk_size),
        workers=workers,
        scheduler=scheduler,
    )
    t = np.concatenate(parts)
    return ScenarioTotals(tuple(system.methods), t[:, 0], t[:, 1], t[:, 2])
