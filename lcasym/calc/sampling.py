"""Random draws: foreground parameters and background matrix entries.

Foreground parameters are drawn by inverse transform, ``x = Q(u)`` with ``u ~ U(0, 1)``,
so sampling, the tornado's P5/P95 and SALib's unit-hypercube designs share one quantile
function per ``Distribution``:

- normal (mean = value, ``sd``):   ``Q(u) = value + sd · Φ⁻¹(u)``
- lognormal (median = value, ``gsd``): ``Q(u) = value · gsd^Φ⁻¹(u)``
- uniform:    ``Q(u) = min + u (max − min)``
- triangular (mode = ``mode`` or value): the closed-form inverse CDF.

Normal and lognormal draws are truncated to the physical range of the parameter's kind
(amount, ratio, distance ≥ 0; displacement factor in [0, 1]) by mapping ``u`` into
``[F(lo), F(hi)]``. Parameters without a distribution stay at their value.

Reproducibility: the draws of chunk ``c`` come from
``Generator(PCG64(SeedSequence(seed, spawn_key=(c, stream))))``, which equals
``SeedSequence(seed).spawn(...)[c]``'s own child; a chunk's numbers depend only on
``(seed, c, chunk size)``, never on which worker computes it or how many there are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import ndtr, ndtri

from lcasym.inventory.plan import ForegroundPlan, Parameter

FOREGROUND, BACKGROUND = 0, 1
BOUNDS = {
    "amount": (0.0, math.inf),
    "ratio": (0.0, math.inf),
    "distance": (0.0, math.inf),
    "displacement_factor": (0.0, 1.0),
    "forgone_ratio": (0.0, math.inf),
    "active": (0.0, 1.0),
}


def chunk_rng(seed: int, chunk: int, stream: int = FOREGROUND) -> np.random.Generator:
    """Generator of one chunk: ``SeedSequence(seed, spawn_key=(chunk, stream))``."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk, stream)))
    )


def _std_bounds(p: Parameter) -> tuple[float, float]:
    """Bounds of the parameter's kind in the standard-normal space of its distribution."""
    lo, hi = BOUNDS.get(p.kind, (-math.inf, math.inf))
    d = p.distribution
    assert d is not None  # only called for parameters with a distribution
    if d.distribution == "normal":
        assert d.sd is not None  # the model requires sd for a normal distribution
        return (lo - p.value) / d.sd, (hi - p.value) / d.sd
    if p.value <= 0:  # lognormal of a non-positive median: no truncation
        return -math.inf, math.inf
    assert d.gsd is not None  # the model requires gsd for a lognormal distribution
    log_gsd = math.log(d.gsd)
    zlo = -math.inf if lo <= 0 else (math.log(lo) - math.log(p.value)) / log_gsd
    zhi = math.inf if hi == math.inf else (math.log(hi) - math.log(p.value)) / log_gsd
    return zlo, zhi


def quantile(p: Parameter, u: np.ndarray) -> np.ndarray:
    """Inverse CDF of a parameter's (truncated) distribution at probabilities ``u``."""
    u = np.asarray(u, dtype=float)
    d = p.distribution
    if d is None:
        return np.full(u.shape, p.value)
    if d.distribution in ("normal", "lognormal"):
        zlo, zhi = _std_bounds(p)
        flo, fhi = ndtr(zlo), ndtr(zhi)
        z = ndtri(np.clip(flo + u * (fhi - flo), 1e-300, 1 - 1e-16))
        z = np.clip(z, zlo, zhi)
        if d.distribution == "normal":
            return p.value + float(d.sd or 0.0) * z
        return p.value * np.exp(math.log(float(d.gsd or 1.0)) * z)
    assert d.min is not None and d.max is not None  # required by the model for these
    if d.distribution == "uniform":
        return d.min + u * (d.max - d.min)
    mode = p.value if d.mode is None else d.mode
    a, b = d.min, d.max
    c = min(max(mode, a), b)
    fc = (c - a) / (b - a)
    left = a + np.sqrt(u * (b - a) * (c - a))
    right = b - np.sqrt((1 - u) * (b - a) * (b - c))
    return np.where(u < fc, left, right)


def values_from_unit(parameters: Sequence[Parameter], u: np.ndarray) -> np.ndarray:
    """Map a (n, n_params) array of probabilities to parameter values column by column."""
    out = np.empty_like(np.asarray(u, dtype=float))
    for j, p in enumerate(parameters):
        out[:, j] = quantile(p, u[:, j])
    return out


def quantiles(parameters: Sequence[Parameter], u: np.ndarray) -> np.ndarray:
    """``quantile`` of many parameters at once: row j of ``u`` (n, size) for parameter j.

    The same numbers as ``quantile`` row by row, computed per kind of distribution on
    whole arrays (a network of 10,000 exchanges has ~40,000 uncertain parameters).
    """
    u = np.asarray(u, dtype=float)
    out = np.empty_like(u)
    kinds: dict[str, list[int]] = {}
    for j, p in enumerate(parameters):
        kinds.setdefault("fixed" if p.distribution is None else p.distribution.distribution,
                         []).append(j)  # fmt: skip
    for kind, rows in kinds.items():
        ps = [parameters[j] for j in rows]
        uu = u[rows]

        def col(f, ps=ps) -> np.ndarray:
            return np.array([f(p) for p in ps], dtype=float)[:, None]

        if kind == "fixed":
            out[rows] = np.broadcast_to(col(lambda p: p.value), uu.shape)
        elif kind in ("normal", "lognormal"):
            bounds = [_std_bounds(p) for p in ps]
            zlo = np.array([b[0] for b in bounds])[:, None]
            zhi = np.array([b[1] for b in bounds])[:, None]
            flo, fhi = ndtr(zlo), ndtr(zhi)
            z = ndtri(np.clip(flo + uu * (fhi - flo), 1e-300, 1 - 1e-16))
            z = np.clip(z, zlo, zhi)
            value = col(lambda p: p.value)
            if kind == "normal":
                out[rows] = value + col(lambda p: p.distribution.sd) * z
            else:
                out[rows] = value * np.exp(col(lambda p: math.log(p.distribution.gsd)) * z)
        elif kind == "uniform":
            lo, hi = col(lambda p: p.distribution.min), col(lambda p: p.distribution.max)
            out[rows] = lo + uu * (hi - lo)
        else:
            a, b = col(lambda p: p.distribution.min), col(lambda p: p.distribution.max)
            mode = col(lambda p: p.value if p.distribution.mode is None else p.distribution.mode)
            c = np.minimum(np.maximum(mode, a), b)
            fc = (c - a) / (b - a)
            left = a + np.sqrt(uu * (b - a) * (c - a))
            right = b - np.sqrt((1 - uu) * (b - a) * (b - c))
            out[rows] = np.where(uu < fc, left, right)
    return out


def sample_chunk(
    parameters: Sequence[Parameter], *, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Draw ``size`` parameter vectors (size, n_params); fixed parameters stay central.

    The uncertain parameters take consecutive blocks of ``size`` uniform numbers from
    ``rng``, in parameter order (``rng.random((n_uncertain, size))``).
    """
    out = np.empty((size, len(parameters)))
    uncertain = [j for j, p in enumerate(parameters) if p.distribution is not None]
    for j, p in enumerate(parameters):
        if p.distribution is None:
            out[:, j] = p.value
    if uncertain:
        u = rng.random((len(uncertain), size))
        out[:, uncertain] = quantiles([parameters[j] for j in uncertain], u).T
    return out


def sample_parameters(
    plan: ForegroundPlan, *, draws: int, seed: int, chunk: int = 10_000
) -> np.ndarray:
    """Parameter draws (draws, n_params) in ``plan.parameters`` order.

    Chunk ``c`` (rows ``c·chunk … (c+1)·chunk − 1``) uses ``chunk_rng(seed, c)``; the
    Monte Carlo functions draw the same numbers for the same ``seed`` and chunk size.
    """
    if draws < 0 or chunk <= 0:
        raise ValueError("draws must be ≥ 0 and chunk > 0")
    parts = [
        sample_chunk(plan.parameters, size=min(chunk, draws - start), rng=chunk_rng(seed, c))
        for c, start in enumerate(range(0, draws, chunk))
    ]
    return np.vstack(parts) if parts else np.empty((0, len(plan.parameters)))


def type_groups(params: np.ndarray, original: np.ndarray | None = None) -> dict:
    """Per stats_arrays type (0 and 1 left out): indices and float64 parameters, prepared once.

    Values: ``(indices, loc, scale, minimum, maximum, negative)``; a missing ``loc`` is
    filled from ``original`` (``ln|value|`` for lognormal).
    """
    kind = params["uncertainty_type"]
    out = {}
    for t in np.unique(kind):
        if t in (0, 1):
            continue
        sel = np.flatnonzero(kind == t)
        p = params[sel]
        loc = p["loc"].astype(float)
        if original is not None:
            orig = original[sel]
            fill = np.log(np.abs(orig)) if t == 2 else orig
            loc = np.where(np.isnan(loc), fill, loc)
            negative = p["negative"] | (orig < 0)
        else:
            negative = p["negative"].copy()
        out[int(t)] = (
            sel,
            loc,
            p["scale"].astype(float),
            p["minimum"].astype(float),
            p["maximum"].astype(float),
            negative,
        )
    return out


def draw_stats_arrays(
    params: np.ndarray,
    original: np.ndarray,
    rng: np.random.Generator,
    groups: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """One draw of matrix entries described by a stats_arrays uncertainty array.

    Types 0/1 keep ``original``; lognormal (2) ``±exp(loc + scale·z)``; normal (3)
    ``loc + scale·z``; uniform (4); triangular (5, mode ``loc``); other types through
    stats_arrays with a seed taken from ``rng``. A missing ``loc`` falls back to the value.
    ``groups`` (from ``type_groups``) saves finding the types again at every draw.
    """
    groups = type_groups(params, original) if groups is None else groups
    out = original.astype(float, copy=True)
    for t, (sel, loc, scale, lo, hi, negative) in groups.items():
        if t == 2:
            # In place (same numbers as exp(loc + scale·z), fewer temporaries): this runs
            # for every matrix entry at every background draw.
            z = rng.standard_normal(len(sel))
            z *= scale
            z += loc
            np.exp(z, out=z)
            np.negative(z, out=z, where=negative)
            out[sel] = z
        elif t == 3:
            out[sel] = loc + scale * rng.standard_normal(len(sel))
        elif t == 4:
            out[sel] = lo + (hi - lo) * rng.random(len(sel))
        elif t == 5:
            out[sel] = rng.triangular(lo, np.clip(loc, lo, hi), hi)
        else:
            from stats_arrays import uncertainty_choices

            state = np.random.RandomState(int(rng.integers(2**31 - 1)))
            dist = uncertainty_choices[t]
            out[sel] = np.asarray(
                dist.random_variables(params[sel], 1, seeded_random=state)
            ).ravel()
    return out
