"""Sensitivity of a plan's result to its foreground parameters.

``tornado``: one at a time, each parameter goes to its low and high value while the others
stay central; low/high are the P5/P95 of its distribution (``sampling.quantile``) or
``value · (1 ∓ relative)`` (default ±10 %) when it has none, kept in the physical range of
its kind. ``swing = |y(high) − y(low)|`` ranks the parameters.

``global_sensitivity``: variance-based Sobol indices (Saltelli/Sobol' design, Jansen
estimators through SALib) or the moment-independent delta measure for the ``top``
parameters of the tornado, the others held central. Designs are drawn in the unit
hypercube and mapped through each parameter's quantile function (uniform over the
tornado range for parameters without a distribution).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from lcasym.calc.evaluate import compile_plan
from lcasym.calc.sampling import BOUNDS, quantile
from lcasym.calc.system import LcaSystem
from lcasym.errors import CalculationError
from lcasym.inventory.plan import ForegroundPlan, Parameter

Output = Literal["avoided", "baseline", "symbiosis"]
_OUTPUT = {"baseline": 0, "symbiosis": 1, "avoided": 2}


def parameter_range(p: Parameter, *, relative: float = 0.1) -> tuple[float, float]:
    """(low, high): P5/P95 of the distribution, else ``value · (1 ∓ relative)`` in bounds."""
    if p.distribution is not None:
        low, high = quantile(p, np.array([0.05, 0.95]))
        return float(low), float(high)
    lo, hi = BOUNDS.get(p.kind, (-math.inf, math.inf))
    a, b = sorted((p.value * (1 - relative), p.value * (1 + relative)))
    return min(max(a, lo), hi), min(max(b, lo), hi)


class _Model:
    """``y(values)`` for one output and method: ``P(values) · K_total[:, output, m]``."""

    def __init__(
        self, plan: ForegroundPlan, system: LcaSystem, method_index: int, output: Output
    ) -> None:
        if not 0 <= method_index < len(system.methods):
            raise CalculationError(
                f"method_index {method_index} out of range (0..{len(system.methods) - 1})"
            )
        self.compiled = compile_plan(plan)
        k = self.compiled.coefficients(system.scores_of(self.compiled.targets))
        self.kt = self.compiled.total_coefficients(k)[:, _OUTPUT[output], method_index]
        self.central = np.array([p.value for p in plan.parameters])

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return self.compiled.products(values) @ self.kt


def tornado(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    method_index: int = 0,
    output: Output = "avoided",
    relative: float = 0.1,
) -> pd.DataFrame:
    """One-at-a-time ranges of every parameter, ranked by swing.

    Columns: parameter, exchange_id, kind, value, low, high, result_low, result_high,
    result_central, swing, rank (1 = largest swing).
    """
    model = _Model(plan, system, method_index, output)
    n = len(plan.parameters)
    ranges = [parameter_range(p, relative=relative) for p in plan.parameters]
    x = np.repeat(model.central[None, :], 2 * n + 1, axis=0)
    for j, (low, high) in enumerate(ranges):
        x[2 * j, j], x[2 * j + 1, j] = low, high
    y = model(x)
    frame = pd.DataFrame(
        {
            "parameter": [p.name for p in plan.parameters],
            "exchange_id": [p.exchange_id for p in plan.parameters],
            "kind": [p.kind for p in plan.parameters],
            "value": model.central,
            "low": [r[0] for r in ranges],
            "high": [r[1] for r in ranges],
            "result_low": y[0 : 2 * n : 2],
            "result_high": y[1 : 2 * n : 2],
            "result_central": np.full(n, y[-1]),
        }
    )
    frame["swing"] = (frame["result_high"] - frame["result_low"]).abs()
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = np.arange(1, n + 1)
    return frame


def global_sensitivity(
    plan: ForegroundPlan,
    system: LcaSystem,
    *,
    method_index: int = 0,
    draws: int = 1024,
    seed: int,
    top: int = 5,
    method: Literal["sobol", "delta"] = "sobol",
    output: Output = "avoided",
    relative: float = 0.1,
    resamples: int = 100,
) -> pd.DataFrame:
    """Sobol (S1, ST) or delta (delta, S1) indices of the ``top`` tornado parameters.

    ``delta`` is SALib's ``delta_balanced`` estimator (``delta`` before SALib 1.6).

    ``draws`` is the base sample size N: Sobol evaluates ``N · (top + 2)`` points (N a
    power of two), delta ``N`` Latin-hypercube points; ``resamples`` bootstrap resamples
    give the confidence intervals. Columns: parameter, then
    ``S1, S1_conf, ST, ST_conf`` (sobol) or ``delta, delta_conf, S1, S1_conf`` (delta).
    """
    from SALib.analyze import delta as delta_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import latin
    from SALib.sample import sobol as sobol_sample

    ranking = tornado(plan, system, method_index=method_index, output=output, relative=relative)
    chosen = [
        name
        for name, swing in zip(ranking["parameter"], ranking["swing"], strict=True)
        if swing > 0
    ][:top]
    if not chosen:
        raise CalculationError("no parameter changes the result: nothing to analyse")
    by_name = {p.name: (j, p) for j, p in enumerate(plan.parameters)}
    problem = {"num_vars": len(chosen), "names": chosen, "bounds": [[0.0, 1.0]] * len(chosen)}
    if method == "sobol":
        u = sobol_sample.sample(problem, draws, calc_second_order=False, seed=seed)
    elif method == "delta":
        u = latin.sample(problem, draws, seed=seed)
    else:
        raise CalculationError(f"method must be 'sobol' or 'delta', not {method!r}")
    model = _Model(plan, system, method_index, output)
    x = np.repeat(model.central[None, :], len(u), axis=0)
    for col, name in enumerate(chosen):
        j, p = by_name[name]
        if p.distribution is not None:
            x[:, j] = quantile(p, u[:, col])
        else:
            low, high = parameter_range(p, relative=relative)
            x[:, j] = low + u[:, col] * (high - low)
    y = model(x)
    if method == "sobol":
        res = sobol_analyze.analyze(
            problem, y, calc_second_order=False, num_resamples=resamples, seed=seed
        )
        cols = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        res = dict(delta_analyze.analyze(problem, u, y, num_resamples=resamples, seed=seed))
        # SALib ≥ 1.6 names the (bias-reduced) estimator delta_balanced; 1.5 called it delta
        for c in ("delta", "delta_conf"):
            res.setdefault(c, res.get(c.replace("delta", "delta_balanced")))
        cols = ("delta", "delta_conf", "S1", "S1_conf")
    frame = pd.DataFrame({"parameter": chosen, **{c: np.asarray(res[c]) for c in cols}})
    return frame
