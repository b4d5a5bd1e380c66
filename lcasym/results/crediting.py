"""Who gets the credit: sharing each exchange's benefit between supplier and receiver.

Notation, per exchange *k* (arrays with a leading draws axis, shape
``(n_draws, n_exchanges, n_methods)``; positive = benefit for D and W, burden for E):

- ``D_k`` displaced-product credit (the receiver no longer buys the virgin product),
- ``W_k`` avoided treatment (the supplier no longer disposes of the by-product),
- ``E_k`` extras: transport and extra inputs of the exchange,
- ``net_k = D_k + W_k − E_k``; the network avoided total is ``Σ_k net_k``.

Rules (supplier share ``s_k``, receiver share ``r_k``; always ``s_k + r_k = net_k``):

==============  =================================  ==========================
rule            supplier ``s_k``                   receiver ``r_k``
==============  =================================  ==========================
``receiver``    ``W_k``                            ``D_k − E_k``
``supplier``    ``D_k + W_k − E_k``                ``0``
``equal``       ``net_k / 2``                      ``net_k / 2``
``cff``         ``W_k + (1 − F_k)(D_k − E_k)``     ``F_k (D_k − E_k)``
``network``     not split: one pseudo-facility ``"network"`` holds ``Σ_k net_k``
==============  =================================  ==========================

``receiver`` is the cut-off approach (the by-product enters burden-free; whoever uses it
gets the credit of the product it replaces); ``supplier`` is the avoided-burden
(end-of-life) approach; ``equal`` splits the net benefit 50/50.

Extras follow the displaced-product credit (``E_k`` below stands for all of an exchange's
costs: transport and extra inputs, and the output the supplier forgoes to make it). Transport and
processing exist only because
the by-product replaces a virgin product, so whoever takes the credit ``D_k`` carries
``E_k`` in the same proportion: no party can take a credit without its cost, and the
shares still add up to ``net_k``. Who physically pays them (``extra_burdens_borne_by``)
is reported with the exchange, not used for crediting.

``cff`` follows the PEF Circular Footprint Formula (Commission Recommendation (EU)
2021/2279). ``F_k = A`` for material, water and waste exchanges, ``F_k = B`` for energy
exchanges; an exchange's ``cff_factor`` overrides it. Why the receiver gets ``A``: in the
material formula the user of secondary material carries ``A·Erec + (1 − A)·Ev`` instead of
``Ev`` (with ``Qsin/Qp = 1``), so its benefit is ``Ev − A·Erec − (1 − A)·Ev =
A·(Ev − Erec)``, the share ``A`` of the net benefit ``Ev − Erec`` (here ``D_k − E_k``); the
end-of-life side gets the rest through ``(1 − A)·R2·(ErecEoL − E*v)``. In the energy
formula the sender to energy recovery gets ``(1 − B)`` of the credit, so the receiver of
the recovered energy gets ``B``. Avoided disposal ``W_k`` stays with the supplier, as the
disposal term ``(1 − R2 − R3)·ED`` is the supplier's.

Invariant (tested): for every rule, Σ over facilities of the credits = Σ_k net_k exactly
(up to floating-point rounding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import yaml
from scipy import sparse

from lcasym.errors import DataFileError, InputError, Problem
from lcasym.paths import package_data

Rule = Literal["receiver", "supplier", "equal", "cff", "network"]
RULES: tuple[str, ...] = ("receiver", "supplier", "equal", "cff", "network")
NETWORK = "network"
_DATA_FILE = package_data("crediting.yaml")


@cache
def crediting_data() -> dict:
    """The crediting defaults file (``lcasym/data/crediting.yaml``), validated."""
    try:
        raw = yaml.safe_load(_DATA_FILE.read_text(encoding="utf-8"))
        factors, kinds = raw["factors"], raw["kinds"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise DataFileError(f"{_DATA_FILE}: cannot read 'factors' and 'kinds': {exc}") from exc
    for name, entry in factors.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(value, int | float) or not 0 <= value <= 1 or not entry.get("source"):
            raise DataFileError(
                f"{_DATA_FILE}: factor {name!r} needs a value in [0, 1] and a source"
            )
    for kind, factor in kinds.items():
        if factor not in factors:
            raise DataFileError(f"{_DATA_FILE}: kind {kind!r} points to unknown factor {factor!r}")
    return raw


def default_cff_factors(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """CFF factor per exchange kind: file defaults, then ``overrides``.

    ``overrides`` may name factors (``{"A": 0.2, "B": 0.0}``) or kinds
    (``{"energy": 0.1}``); a kind override wins over a factor override.
    """
    data = crediting_data()
    factors = {name: float(entry["value"]) for name, entry in data["factors"].items()}
    overrides = dict(overrides or {})
    problems = []
    for key, value in overrides.items():
        if key not in factors and key not in data["kinds"]:
            known = sorted([*factors, *data["kinds"]])
            problems.append(Problem(f"unknown CFF default {key!r}; use one of {known}"))
        elif not isinstance(value, int | float) or not 0 <= value <= 1:
            problems.append(Problem(f"CFF default {key!r} = {value!r} must be in [0, 1]"))
    if problems:
        raise InputError(problems, source="cff_defaults")
    factors.update({k: float(v) for k, v in overrides.items() if k in factors})
    per_kind = {kind: factors[name] for kind, name in data["kinds"].items()}
    per_kind.update({k: float(v) for k, v in overrides.items() if k in data["kinds"]})
    return per_kind


def cff_factor_array(
    kinds: Sequence[str],
    overrides: Sequence[float | None] | None = None,
    defaults: Mapping[str, float] | None = None,
) -> np.ndarray:
    """``F_k`` per exchange: the exchange's ``cff_factor`` if set, else the kind's default."""
    defaults = default_cff_factors() if defaults is None else dict(defaults)
    overrides = [None] * len(kinds) if overrides is None else list(overrides)
    out = []
    for kind, override in zip(kinds, overrides, strict=True):
        out.append(float(override) if override is not None else defaults[str(kind)])
    return np.asarray(out, dtype=float)


def split_receiver(D: np.ndarray, W: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut-off: supplier ``s = W``, receiver ``r = D − E``."""
    return np.asarray(W, dtype=float).copy(), np.asarray(D, dtype=float) - E


def split_supplier(D: np.ndarray, W: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Avoided burden: supplier ``s = D + W − E``, receiver ``r = 0``."""
    net = np.asarray(D, dtype=float) + W - E
    return net, np.zeros_like(net)


def split_equal(D: np.ndarray, W: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """50/50: ``s = r = (D + W − E) / 2``."""
    half = (np.asarray(D, dtype=float) + W - E) / 2.0
    return half, half.copy()


def split_cff(
    D: np.ndarray, W: np.ndarray, E: np.ndarray, F: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """PEF CFF: ``s = W + (1 − F)(D − E)``, ``r = F (D − E)``.

    ``F`` has one value per exchange (shape ``(n_exchanges,)``), broadcast over draws and
    methods.
    """
    F = np.asarray(F, dtype=float)
    if F.ndim == 1:
        F = F[None, :, None]
    receiver = F * (np.asarray(D, dtype=float) - E)
    # supplier as net − receiver keeps s + r = net to the last bit
    supplier = (np.asarray(D, dtype=float) + W - E) - receiver
    return supplier, receiver


_SPLITS = {"receiver": split_receiver, "supplier": split_supplier, "equal": split_equal}


@dataclass(frozen=True)
class CreditShares:
    """The result of a crediting rule.

    Attributes
    ----------
    rule
        The rule applied.
    facility_ids
        Facilities the credits belong to (``("network",)`` for the ``network`` rule).
    credits
        Credit per facility, shape ``(n_draws, n_facilities, n_methods)``.
    supplier, receiver
        Share of each exchange that goes to its supplier / receiver, shape
        ``(n_draws, n_exchanges, n_methods)`` (zeros for the ``network`` rule).
    factors
        ``F_k`` per exchange under ``cff`` (NaN otherwise).
    """

    rule: str
    facility_ids: tuple[str, ...]
    credits: np.ndarray
    supplier: np.ndarray
    receiver: np.ndarray
    factors: np.ndarray


def check_rule(rule: str) -> str:
    """Return ``rule`` if known, else raise :class:`InputError` listing the rules."""
    if rule not in RULES:
        raise InputError(
            [Problem(f"unknown crediting rule {rule!r}; use one of {', '.join(RULES)}")],
            source="crediting",
        )
    return rule


def allocate(
    rule: str,
    *,
    displaced: np.ndarray,
    treatment: np.ndarray,
    extra: np.ndarray,
    suppliers: Sequence[str],
    receivers: Sequence[str],
    facility_ids: Sequence[str],
    kinds: Sequence[str] | None = None,
    cff_factors: Sequence[float | None] | None = None,
    cff_defaults: Mapping[str, float] | None = None,
) -> CreditShares:
    """Share every exchange's net benefit between facilities under ``rule``.

    Parameters
    ----------
    rule
        ``receiver``, ``supplier``, ``equal``, ``cff`` or ``network`` (see module docs).
    displaced, treatment, extra
        ``D``, ``W``, ``E``: shape ``(n_draws, n_exchanges, n_methods)``.
    suppliers, receivers
        Facility id of each exchange's supplier / receiver.
    facility_ids
        All facilities, in output order (facilities without exchanges get 0).
    kinds, cff_factors, cff_defaults
        For ``cff``: exchange kinds, per-exchange ``cff_factor`` (None = default) and
        overrides of the default factors (see :func:`default_cff_factors`).

    Returns
    -------
    CreditShares
        ``credits.sum(axis=1) == (D + W − E).sum(axis=1)`` for every rule.
    """
    check_rule(rule)
    D, W, E = (np.asarray(a, dtype=float) for a in (displaced, treatment, extra))
    if not D.shape == W.shape == E.shape or D.ndim != 3:
        raise ValueError(
            f"displaced, treatment and extra must share one 3-d shape (draws, exchanges, "
            f"methods); got {D.shape}, {W.shape}, {E.shape}"
        )
    n_ex = D.shape[1]
    if len(suppliers) != n_ex or len(receivers) != n_ex:
        raise ValueError(f"need {n_ex} suppliers and receivers, one per exchange")
    factors = np.full(n_ex, np.nan)
    if rule == NETWORK:
        net = (D + W - E).sum(axis=1, keepdims=True)
        zeros = np.zeros_like(D)
        return CreditShares(rule, (NETWORK,), net, zeros, zeros.copy(), factors)
    if rule == "cff":
        if kinds is None:
            raise ValueError("the cff rule needs the kind of every exchange")
        factors = cff_factor_array(kinds, cff_factors, default_cff_factors(cff_defaults))
        sup, rec = split_cff(D, W, E, factors)
    else:
        sup, rec = _SPLITS[rule](D, W, E)
    ids = tuple(facility_ids)
    position = {f: i for i, f in enumerate(ids)}
    missing = sorted({f for f in (*suppliers, *receivers) if f not in position})
    if missing:
        raise ValueError(f"exchange partners not among facility_ids: {missing}")
    credits = _sum_by_facility(sup, [position[f] for f in suppliers], len(ids))
    credits += _sum_by_facility(rec, [position[f] for f in receivers], len(ids))
    return CreditShares(rule, ids, credits, sup, rec, factors)


def _sum_by_facility(values: np.ndarray, positions: Sequence[int], n: int) -> np.ndarray:
    """Σ over exchanges of ``values`` (draws, exchanges, methods) into (draws, n, methods).

    ``out[:, f] = Σ_{k: positions[k] = f} values[:, k]``, as one sparse product (linear in
    the exchanges, unlike ``numpy.add.at``).
    """
    d, k, m = values.shape
    onehot = sparse.csr_matrix((np.ones(k), (np.asarray(positions, dtype=np.int64), np.arange(k))),
                               shape=(n, k))  # fmt: skip
    flat = np.ascontiguousarray(values.transpose(1, 0, 2)).reshape(k, d * m)
    return np.asarray(onehot @ flat).reshape(n, d, m).transpose(1, 0, 2).copy()


# --- PEF Circular Footprint Formula (Commission Recommendation (EU) 2021/2279) -----------


def _check_fractions(**values: float | np.ndarray) -> None:
    problems = [
        Problem(f"{name} must be in [0, 1], got {value!r}")
        for name, value in values.items()
        if np.any(np.asarray(value, dtype=float) < 0) or np.any(np.asarray(value, dtype=float) > 1)
    ]
    if problems:
        raise InputError(problems, source="Circular Footprint Formula parameters")


def circular_footprint_material(
    *,
    R1: float | np.ndarray,
    R2: float | np.ndarray,
    A: float | np.ndarray,
    Ev: float | np.ndarray,
    Erec: float | np.ndarray,
    ErecEoL: float | np.ndarray,
    Ev_star: float | np.ndarray,
    Qsin_Qp: float | np.ndarray = 1.0,
    Qsout_Qp: float | np.ndarray = 1.0,
) -> float | np.ndarray:
    """Material part of the PEF Circular Footprint Formula, per unit of material.

    ``(1 − R1)·Ev + R1·(A·Erec + (1 − A)·Ev·Qsin/Qp) + (1 − A)·R2·(ErecEoL − E*v·Qsout/Qp)``

    Parameters
    ----------
    R1
        Share of recycled (secondary) content in the input, in [0, 1].
    R2
        Share of the material recycled at end of life (output side), in [0, 1].
    A
        Allocation factor between supplier and user of recycled material, in [0, 1].
    Ev, Erec, ErecEoL, Ev_star
        Impact of virgin material, of recycling the input, of recycling at end of life, and
        of the virgin material the end-of-life recyclate replaces (``E*v``).
    Qsin_Qp, Qsout_Qp
        Quality ratios of the secondary input and output to the primary material (1 = same).
    """
    _check_fractions(R1=R1, R2=R2, A=A)
    return (
        (1 - R1) * Ev
        + R1 * (A * Erec + (1 - A) * Ev * Qsin_Qp)
        + (1 - A) * R2 * (ErecEoL - Ev_star * Qsout_Qp)
    )


def circular_footprint_energy(
    *,
    B: float | np.ndarray,
    R3: float | np.ndarray,
    EER: float | np.ndarray,
    LHV: float | np.ndarray,
    XER_heat: float | np.ndarray,
    XER_elec: float | np.ndarray,
    ESE_heat: float | np.ndarray,
    ESE_elec: float | np.ndarray,
) -> float | np.ndarray:
    """Energy part of the PEF Circular Footprint Formula, per unit of material.

    ``(1 − B)·R3·(EER − LHV·XER,heat·ESE,heat − LHV·XER,elec·ESE,elec)``

    Parameters
    ----------
    B
        Allocation factor of energy recovery, in [0, 1] (PEF default 0).
    R3
        Share of the material sent to energy recovery, in [0, 1].
    EER
        Impact of the energy recovery process, per unit of material.
    LHV
        Lower heating value of the material (energy per unit of material).
    XER_heat, XER_elec
        Efficiencies of heat and electricity recovery (energy out / energy in).
    ESE_heat, ESE_elec
        Impact per unit of the heat and electricity the recovered energy substitutes.
    """
    _check_fractions(B=B, R3=R3)
    return (1 - B) * R3 * (EER - LHV * XER_heat * ESE_heat - LHV * XER_elec * ESE_elec)


def circular_footprint_disposal(
    *, R2: float | np.ndarray, R3: float | np.ndarray, ED: float | np.ndarray
) -> float | np.ndarray:
    """Disposal part of the PEF Circular Footprint Formula: ``(1 − R2 − R3)·ED``.

    Parameters
    ----------
    R2, R3
        Shares recycled and sent to energy recovery at end of life (``R2 + R3 ≤ 1``).
    ED
        Impact of disposing of one unit of material (landfill, incineration without
        recovery...).
    """
    _check_fractions(R2=R2, R3=R3)
    if np.any(np.asarray(R2, dtype=float) + np.asarray(R3, dtype=float) > 1 + 1e-12):
        raise InputError([Problem("R2 + R3 must not exceed 1")], source="CFF parameters")
    return (1 - R2 - R3) * ED
