"""Foreground uncertainty as Brightway exchange uncertainty (stats_arrays dictionaries).

An edge of the plan has ``amount = constant · Π parameters``. When exactly one of those
parameters carries a distribution, the amount's distribution is that distribution scaled by
``c = constant · Π (the other parameters' values)``, written exactly:

- normal (mean v, sd):          type 3, ``loc = c·v``, ``scale = c·sd``;
- lognormal (median v, gsd):    type 2, ``loc = ln(c·v)``, ``scale = ln(gsd)``;
- uniform (min, max):           type 4, ``minimum = c·min``, ``maximum = c·max``;
- triangular (min, mode, max):  type 5, ``loc = c·mode``, ``minimum``, ``maximum`` scaled;

with the physical bounds of the parameter's kind (amount, ratio, distance ≥ 0;
displacement factor ≤ 1) as ``minimum`` / ``maximum`` of normal and lognormal entries
(lcasym truncates its draws to them). With two or more uncertain parameters on one edge the
product is written as a lognormal with the product's median and the geometric standard
deviation ``exp(√Σ ln²(gsd_i))`` of its factors (exact for lognormal factors, an
approximation otherwise; ``lcasym_uncertainty`` says which).

Brightway samples every matrix entry independently (bw2calc ``use_distributions``), so its
Monte Carlo reproduces lcasym's distribution when each uncertain parameter sits on one edge
of a scenario; a parameter shared by several edges (an exchange's amount behind its
displaced product, treatment and transport) is correlated in lcasym's draws but not in
Brightway's (see ``docs/brightway.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from lcasym.inventory.plan import Edge, Parameter

#: Physical bounds of each parameter kind (as in lcasym.calc.sampling).
BOUNDS = {
    "amount": (0.0, math.inf),
    "ratio": (0.0, math.inf),
    "distance": (0.0, math.inf),
    "displacement_factor": (0.0, 1.0),
    "forgone_ratio": (0.0, math.inf),
}


def _scaled_bounds(p: Parameter, c: float) -> dict[str, float]:
    lo, hi = BOUNDS.get(p.kind, (-math.inf, math.inf))
    out = {}
    if math.isfinite(lo):
        out["minimum"] = c * lo
    if math.isfinite(hi):
        out["maximum"] = c * hi
    return out


def scaled_uncertainty(p: Parameter, c: float) -> dict[str, Any]:
    """The stats_arrays dictionary of ``c ·`` an uncertain parameter (see the module doc)."""
    d = p.distribution
    assert d is not None
    if d.distribution == "normal":
        assert d.sd is not None
        return {"uncertainty type": 3, "loc": c * p.value, "scale": c * d.sd,
                **_scaled_bounds(p, c)}  # fmt: skip
    if d.distribution == "lognormal":
        assert d.gsd is not None
        return {"uncertainty type": 2, "loc": math.log(c * p.value), "scale": math.log(d.gsd),
                **_scaled_bounds(p, c)}  # fmt: skip
    assert d.min is not None and d.max is not None
    if d.distribution == "uniform":
        return {"uncertainty type": 4, "loc": c * p.value, "minimum": c * d.min,
                "maximum": c * d.max}  # fmt: skip
    mode = p.value if d.mode is None else d.mode
    return {"uncertainty type": 5, "loc": c * mode, "minimum": c * d.min, "maximum": c * d.max}


def _log_sd(p: Parameter) -> float:
    """Ln of a geometric standard deviation matching the parameter's spread."""
    d = p.distribution
    assert d is not None
    if d.distribution == "lognormal":
        return math.log(float(d.gsd or 1.0))
    if d.distribution == "normal":
        return math.sqrt(math.log1p((float(d.sd or 0.0) / p.value) ** 2)) if p.value else 0.0
    lo, hi = float(d.min or 0.0), float(d.max or 0.0)
    mode = p.value if d.mode is None else float(d.mode)
    if d.distribution == "uniform":
        mean, var = (lo + hi) / 2, (hi - lo) ** 2 / 12
    else:
        mean = (lo + mode + hi) / 3
        var = (lo**2 + mode**2 + hi**2 - lo * mode - lo * hi - mode * hi) / 18
    return math.sqrt(math.log1p(var / mean**2)) if mean else 0.0


def edge_uncertainty(
    edge: Edge, parameters: Mapping[str, Parameter], amount: float
) -> dict[str, Any]:
    """The stats_arrays uncertainty of an edge's amount (``{}`` when it is certain)."""
    uncertain = [parameters[n] for n in edge.parameters if parameters[n].distribution]
    if not uncertain or amount <= 0:
        return {}
    if len(uncertain) == 1:
        p = uncertain[0]
        if p.value == 0:
            return {}
        out = scaled_uncertainty(p, amount / p.value)
        if out["uncertainty type"] == 2 and out["loc"] != out["loc"]:
            return {}
        out["lcasym_uncertainty"] = f"exact: {p.name}"
        return out
    scale = math.sqrt(sum(_log_sd(p) ** 2 for p in uncertain))
    names = ", ".join(p.name for p in uncertain)
    exact = all(p.distribution and p.distribution.distribution == "lognormal" for p in uncertain)
    return {
        "uncertainty type": 2,
        "loc": math.log(amount),
        "scale": scale,
        "minimum": 0.0,
        "lcasym_uncertainty": f"{'exact' if exact else 'approximate'}: product of {names}",
    }
