"""The calculation engine: one factorised background, many scenarios, methods and draws.

- ``system.LcaSystem``: matrices from Brightway, ``Λ = A⁻ᵀ Bᵀ C`` for all methods,
  contributions, background resampling;
- ``evaluate.evaluate_plan``: component scores of a ``ForegroundPlan`` for many parameter
  vectors (``ComponentScores``);
- ``sampling.sample_parameters``: reproducible foreground draws;
- ``montecarlo.run_monte_carlo``: paired Monte Carlo (``MonteCarloResult``), and
  ``run_scenarios`` for what-if sweeps;
- ``sensitivity.tornado`` / ``global_sensitivity``;
- ``distributed``: in-process, ``workers=N`` or ``scheduler=...`` execution on Dask;
- ``session.open_session`` / ``EngineSession``: a network built once (one Brightway block),
  then results, what-if ``edits``, ``variants`` and ``grid`` as array work;
  ``system_cache``: the process-wide cache of factorised backgrounds; ``direct``: the
  on-site (direct) part of unit scores.
"""

from lcasym.calc.evaluate import ComponentScores, UnitScores, compile_plan, evaluate_plan
from lcasym.calc.montecarlo import MonteCarloResult, ScenarioTotals, run_monte_carlo, run_scenarios
from lcasym.calc.sampling import sample_parameters
from lcasym.calc.sensitivity import global_sensitivity, tornado
from lcasym.calc.system import LcaSystem

__all__ = [
    "ComponentScores",
    "LcaSystem",
    "MonteCarloResult",
    "ScenarioTotals",
    "UnitScores",
    "compile_plan",
    "evaluate_plan",
    "global_sensitivity",
    "run_monte_carlo",
    "run_scenarios",
    "sample_parameters",
    "tornado",
]
