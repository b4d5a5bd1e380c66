"""Paired Monte Carlo and scenario sweeps of a foreground plan.

Paired: in every iteration the baseline and the symbiosis are computed from the same
parameter vector (and, with ``background=True``, the same background matrices), so

    avoided_i = Σ_k (D_k + W_k − E_k)(x_i, Λ_i) = baseline_i − symbiosis_i

holds draw by draw (``avoided`` is computed directly, without cancellation).

Draws come in chunks of ``chunk_size``; chunk ``c`` uses
``sampling.chunk_rng(seed, c, FOREGROUND)`` for the parameters and
``chunk_rng(seed, c, BACKGROUND)`` for the matrices, and runs wherever
``distributed.map_chunks`` sends it. The same ``(seed, chunk_size)`` gives the same
numbers in-process and on any number of workers; the foreground draws of a background
run equal those of a foreground-only run with the same seed and chunk size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from lcasym.calc.distributed import map_chunks
from lcasym.calc.evaluate import CompiledPlan, ComponentScores, compile_plan, concat_components
from lcasym.calc.sampling import BACKGROUND, FOREGROUND, chunk_rng, sample_chunk
from lcasym.calc.system import BackgroundModel, LcaSystem
from lcasym.errors import CalculationError
from lcasym.inventory.plan import ForegroundPlan, Parameter

Keep = Literal["totals", "exchanges", "components"]
FOREGROUND_CHUNK, BACKGROUND_CHUNK = 50_000, 10


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-draw totals of a paired Monte Carlo run.

    ``baseline``, ``symbiosis``, ``avoided``: (draws, n_methods). ``exchange_net``
    (draws, n_exchanges, n_methods) with ``keep="exchanges"`` or ``"components"``;
    ``components`` with ``keep="components"``; ``parameters`` (draws, n_params) with
    ``keep_parameters=True``. ``workers`` and ``execution`` record where it ran.
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
    k: np.ndarray | None = None  # foreground only: fixed coefficients
    model: BackgroundModel | None = None
    rows: np.ndarray | None = None


def _chunk(c: int, job: _Job) -> dict:
    """Draws of chunk ``c``: totals (size, 3, n_methods) and what ``keep`` asks for."""
    size = min(job.chunk_size, job.draws - c * job.chunk_size)
    x = sample_chunk(job.parameters, size=size, rng=chunk_rng(job.seed, c, FOREGROUND))
    out: dict = {"x": x if job.keep_parameters else None}
    if job.model is None:
        assert job.k is not None  # foreground-only jobs carry fixed coefficients
        out["totals"] = job.compiled.totals(x, job.compiled.total_coefficients(job.k))
        comps = [job.compiled.components(x, job.k, job.methods)] if job.keep != "totals" else []
    elif job.keep == "totals":
        # 2 forward right-hand sides per draw: the baseline demand and the avoided demand
        # (baseline − symbiosis, formed before solving, so ``avoided`` has no
        # cancellation); symbiosis = baseline − avoided. One column per call: PARDISO
        # solves one right-hand side on all threads, two in one call no faster than
        # one after the other (full-size benchmark, 2 threads: 4 ms per column vs 18 ms).
        totals, comps = np.empty((size, 3, len(job.methods))), []
        kd = job.compiled.target_coefficients()[:, :, [0, 2]]
        targets = job.compiled.products(x) @ kd.reshape(kd.shape[0], -1)
        demand = np.zeros((job.model.technosphere.shape[0], 2))
        states = job.model.states(chunk_rng(job.seed, c, BACKGROUND), size)
        for i, (fact, biosphere, factors) in enumerate(states):
            demand[job.rows] = targets[i].reshape(-1, 2)
            supply = np.column_stack([fact.solve(demand[:, 0]), fact.solve(demand[:, 1])])
            baseline, avoided = (factors.T @ (biosphere @ supply)).T
            totals[i] = baseline, baseline - avoided, avoided
        out["totals"] = totals
    else:
        totals, comps = np.empty((size, 3, len(job.methods))), []
        assert job.rows is not None  # background jobs carry the target rows
        draws = job.model.draws(chunk_rng(job.seed, c, BACKGROUND), job.rows, size)
        for i, lam in enumerate(draws):
            k = job.compiled.coefficients(lam)
            totals[i] = job.compiled.totals(x[i : i + 1], job.compiled.total_coefficients(k))[0]
            comps.append(job.compiled.components(x[i : i + 1], k, job.methods))
        out["totals"] = totals
    if comps:
        merged = concat_components(comps)
        out["net"] = merged.exchange_net
        out["components"] = merged if job.keep == "components" else None
    return out


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
        ``"totals"``, ``"exchanges"`` (also per-exchange net) or ``"components"``.
    """
    if draws < 1 or not isinstance(seed, int | np.integer):
        raise CalculationError("draws must be ≥ 1 and seed an integer")
    if keep not in ("totals", "exchanges", "components"):
        raise CalculationError(f"keep must be totals, exchanges or components, not {keep!r}")
    compiled = compile_plan(plan)
    chunk = chunk_size or (BACKGROUND_CHUNK if background else FOREGROUND_CHUNK)
    job = _Job(
        compiled,
        tuple(plan.parameters),
        tuple(system.methods),
        int(seed),
        draws,
        chunk,
        keep,
        keep_parameters,
    )
    if background:
        if system.background is None:
            raise CalculationError(
                "background Monte Carlo needs LcaSystem.from_brightway(..., use_distributions=True)"
            )
        job = replace(job, model=system.background, rows=system.rows(compiled.targets))
    else:
        job = replace(job, k=compiled.coefficients(system.scores_of(compiled.targets)))
    n_chunks = -(-draws // chunk)
    parts, execution = map_chunks(
        _chunk, n_chunks, shared=job, workers=workers, scheduler=scheduler
    )
    totals = np.concatenate([p["totals"] for p in parts])
    return MonteCarloResult(
        methods=tuple(system.methods),
        method_units=tuple(system.method_units),
        seed=int(seed),
        draws=draws,
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
        exchange_net=np.concatenate([p["net"] for p in parts]) if keep != "totals" else None,
        components=(
            concat_components([p["components"] for p in parts]) if keep == "components" else None
        ),
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
