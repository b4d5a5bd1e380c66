"""Evaluate a foreground plan for many parameter vectors as small dense products.

Notation (``lcasym.inventory.plan``): for exchange k, ``D_k`` = displaced-product credit,
``W_k`` = avoided treatment, ``E_k`` = transport + extra inputs, ``F_k`` = the output the
supplier gives up (forgone); ``O_f`` = facility f's own inventory. Edge e has amount ``a_e =
constant_e · Π_{j∈J_e} x_j`` and target t(e); with
``λ`` the unit scores of the targets (``LcaSystem.scores_of``):

    D_k = Σ_{e: baseline, displaced, k}  sign_e a_e λ_t(e)     (W_k, E_k, O_f alike)
    baseline = ΣO + Σ(D + W),   symbiosis = ΣO + Σ(E + F),   avoided = Σ(D + W − E − F)

Edges sharing a parameter product ``J`` form a group g with ``p_g = Π_{j∈J} x_j``, so for
draws ``X`` (n_draws × n_params) every component is one matrix product

    S[d, slot, m] = Σ_g p_g(X_d) · K[g, slot, m],   K[g, slot, m] = Σ_{e∈g, slot} sign_e c_e λ_t(e)

with ``K`` tiny (groups ≈ 3 per exchange). The other scenario edges (the symbiosis
scenario's technosphere + substitution pairs, the own inventory repeated) cancel or repeat
by construction; ``compile_plan`` checks that they do, so these totals equal a bw2calc LCA
of each scenario's ``network`` activity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from lcasym.errors import CalculationError
from lcasym.inventory.plan import ForegroundPlan

Key = tuple[str, str]
SLOTS = ("displaced", "treatment", "extra", "transport", "forgone", "own")


class ScoreSource(Protocol):
    """Anything with ``methods`` and ``scores_of(keys) -> (n_keys, n_methods)``."""

    methods: tuple[tuple[str, ...], ...]

    def scores_of(self, keys: Sequence[Key]) -> np.ndarray:
        """Unit scores of these (database, code) keys, (n_keys, n_methods)."""
        ...


@dataclass(frozen=True)
class UnitScores:
    """Unit scores without a system: ``index`` (db, code) -> row of ``values`` (n, n_methods)."""

    index: Mapping[Key, int]
    values: np.ndarray
    methods: tuple[tuple[str, ...], ...] = ()

    def scores_of(self, keys: Sequence[Key]) -> np.ndarray:
        """Rows of ``values`` for these keys."""
        try:
            return self.values[[self.index[(k[0], k[1])] for k in keys]]
        except KeyError as exc:
            raise CalculationError(f"no unit score for activity {exc.args[0]}") from exc


@dataclass(frozen=True)
class ComponentScores:
    """Scores of every component, per draw and method.

    ``displaced``, ``treatment``, ``extra`` (transport + extra inputs), ``transport``
    (the transport part of ``extra``) and ``forgone`` (output the supplier gives up) are
    (n_draws, n_exchanges, n_methods); ``own`` is
    (n_draws, n_facilities, n_methods). ``extra_bearer[k]`` is the facility bearing
    exchange k's extra burdens; ``receivers``/``suppliers`` the facility of its displaced
    credit / avoided treatment (``None`` when the exchange has none).
    """

    methods: tuple[tuple[str, ...], ...]
    exchange_ids: tuple[str, ...]
    facility_ids: tuple[str, ...]
    extra_bearer: tuple[str | None, ...]
    receivers: tuple[str | None, ...]
    suppliers: tuple[str | None, ...]
    displaced: np.ndarray
    treatment: np.ndarray
    extra: np.ndarray
    transport: np.ndarray
    forgone: np.ndarray
    own: np.ndarray

    @property
    def n_draws(self) -> int:
        """Number of parameter vectors evaluated."""
        return self.own.shape[0]

    @property
    def exchange_gross(self) -> np.ndarray:
        """``D_k + W_k`` (n_draws, n_exchanges, n_methods)."""
        return self.displaced + self.treatment

    @property
    def exchange_net(self) -> np.ndarray:
        """``D_k + W_k − E_k − F_k`` (n_draws, n_exchanges, n_methods); negative = burden."""
        return self.displaced + self.treatment - self.extra - self.forgone

    @property
    def exchange_costs(self) -> np.ndarray:
        """``E_k + F_k``: what making the exchange costs (follows the displaced credit)."""
        return self.extra + self.forgone

    @property
    def baseline_total(self) -> np.ndarray:
        """``ΣO + Σ(D + W)`` (n_draws, n_methods)."""
        return self.own.sum(axis=1) + self.exchange_gross.sum(axis=1)

    @property
    def symbiosis_total(self) -> np.ndarray:
        """``ΣO + Σ(E + F)`` (n_draws, n_methods)."""
        return self.own.sum(axis=1) + self.exchange_costs.sum(axis=1)

    @property
    def avoided_total(self) -> np.ndarray:
        """``Σ(D + W − E − F)`` = baseline − symbiosis (n_draws, n_methods)."""
        return self.exchange_net.sum(axis=1)


@dataclass(frozen=True)
class CompiledPlan:
    """A plan reduced to index arrays: groups of parameter products and slots.

    Slot layout: ``[D_1..D_K, W_1..W_K, E_1..E_K, T_1..T_K, F_1..F_K, O_1..O_n]``.
    """

    parameter_names: tuple[str, ...]
    groups: tuple[tuple[int, ...], ...]
    targets: tuple[Key, ...]
    exchange_ids: tuple[str, ...]
    facility_ids: tuple[str, ...]
    extra_bearer: tuple[str | None, ...]
    receivers: tuple[str | None, ...]
    suppliers: tuple[str | None, ...]
    edge_group: np.ndarray
    edge_target: np.ndarray
    edge_slot: np.ndarray
    edge_coef: np.ndarray

    @property
    def n_slots(self) -> int:
        """Number of component slots (5 per exchange + 1 per facility)."""
        return 5 * len(self.exchange_ids) + len(self.facility_ids)

    def coefficients(self, target_scores: np.ndarray) -> np.ndarray:
        """``K`` (n_groups, n_slots, n_methods) from the targets' unit scores."""
        k = np.zeros((len(self.groups), self.n_slots, target_scores.shape[1]))
        np.add.at(
            k,
            (self.edge_group, self.edge_slot),
            self.edge_coef[:, None] * target_scores[self.edge_target],
        )
        return k

    def total_coefficients(self, k: np.ndarray) -> np.ndarray:
        """(n_groups, 3, n_methods): baseline, symbiosis, avoided coefficients from ``K``."""
        n = len(self.exchange_ids)
        d, w, e = k[:, :n].sum(1), k[:, n : 2 * n].sum(1), k[:, 2 * n : 3 * n].sum(1)
        f, o = k[:, 4 * n : 5 * n].sum(1), k[:, 5 * n :].sum(1)
        return np.stack([o + d + w, o + e + f, d + w - e - f], axis=1)

    def target_coefficients(self) -> np.ndarray:
        """(n_groups, n_targets, 3): demand on each target of baseline, symbiosis, avoided.

        For one draw the three demand vectors are ``p(x) · this``; with them a forward
        solve ``A s = F`` (3 right-hand sides) gives the totals of every method.
        """
        n = len(self.exchange_ids)
        out = np.zeros((len(self.groups), len(self.targets), 3))
        weights = np.zeros((self.n_slots, 3))
        weights[:n] = weights[n : 2 * n] = (1.0, 0.0, 1.0)  # D, W
        weights[2 * n : 3 * n] = (0.0, 1.0, -1.0)  # E
        weights[4 * n : 5 * n] = (0.0, 1.0, -1.0)  # F
        weights[5 * n :] = (1.0, 1.0, 0.0)  # own
        np.add.at(
            out,
            (self.edge_group, self.edge_target),
            self.edge_coef[:, None] * weights[self.edge_slot],
        )
        return out

    def products(self, values: np.ndarray) -> np.ndarray:
        """``p_g`` for every draw: (n_draws, n_groups)."""
        out = np.ones((values.shape[0], len(self.groups)))
        for g, idx in enumerate(self.groups):
            for j in idx:
                out[:, g] *= values[:, j]
        return out

    def components(
        self, values: np.ndarray, k: np.ndarray, methods: tuple[tuple[str, ...], ...]
    ) -> ComponentScores:
        """Every component for the draws ``values`` (n_draws, n_params)."""
        s = (self.products(values) @ k.reshape(k.shape[0], -1)).reshape(
            values.shape[0], self.n_slots, k.shape[2]
        )
        n = len(self.exchange_ids)
        return ComponentScores(
            methods,
            self.exchange_ids,
            self.facility_ids,
            self.extra_bearer,
            self.receivers,
            self.suppliers,
            s[:, :n],
            s[:, n : 2 * n],
            s[:, 2 * n : 3 * n],
            s[:, 3 * n : 4 * n],
            s[:, 4 * n : 5 * n],
            s[:, 5 * n :],
        )

    def totals(self, values: np.ndarray, kt: np.ndarray) -> np.ndarray:
        """(n_draws, 3, n_methods) baseline, symbiosis, avoided from ``total_coefficients``."""
        t = self.products(values) @ kt.reshape(kt.shape[0], -1)
        return t.reshape(values.shape[0], 3, kt.shape[2])


def compile_plan(plan: ForegroundPlan) -> CompiledPlan:
    """Group the plan's edges by parameter product and assign each to a component slot.

    Raises ``CalculationError`` if the plan's scenarios do not follow the contract
    (baseline = O + D + W, symbiosis = O + E + F edge by edge).
    """
    names = tuple(p.name for p in plan.parameters)
    pos = {n: i for i, n in enumerate(names)}
    unknown = {n for e in plan.edges for n in e.parameters if n not in pos}
    if unknown:
        raise CalculationError(f"edges use undeclared parameters: {sorted(unknown)}")
    exchanges = tuple(dict.fromkeys(e.exchange_id for e in plan.edges if e.exchange_id))
    facilities = tuple(
        dict.fromkeys(
            [a.facility_id for a in plan.activities if a.facility_id and not a.exchange_id]
            + [e.facility_id for e in plan.edges]
        )
    )
    ex_pos, fac_pos = (
        {x: i for i, x in enumerate(exchanges)},
        {f: i for i, f in enumerate(facilities)},
    )
    n = len(exchanges)
    groups: dict[tuple[int, ...], int] = {}
    targets: dict[Key, int] = {}
    rows: list[tuple[int, int, int, float]] = []
    bearer: dict[str, str] = {}
    receiver: dict[str, str] = {}
    supplier: dict[str, str] = {}
    check: dict[tuple[str, int, int], float] = defaultdict(float)
    for e in plan.edges:
        g = groups.setdefault(tuple(sorted(pos[p] for p in e.parameters)), len(groups))
        t = targets.setdefault((e.target[0], e.target[1]), len(targets))
        xid = e.exchange_id or ""  # set for every edge but the facilities' own ("own")
        coef = e.sign * e.constant
        check[(e.scenario, g, t)] += coef
        slots = []
        if e.component == "own" and e.scenario == "baseline":
            slots = [5 * n + fac_pos[e.facility_id]]
        elif e.scenario == "baseline" and e.component == "displaced":
            slots, receiver[xid] = [ex_pos[xid]], e.facility_id
        elif e.scenario == "baseline" and e.component == "treatment":
            slots, supplier[xid] = [n + ex_pos[xid]], e.facility_id
        elif e.scenario == "symbiosis" and e.component in ("transport", "extra"):
            slots = [2 * n + ex_pos[xid]]
            if e.component == "transport":
                slots.append(3 * n + ex_pos[xid])
            bearer[xid] = e.facility_id
        elif e.scenario == "symbiosis" and e.component == "forgone":
            slots = [4 * n + ex_pos[xid]]
        for slot in slots:
            rows.append((g, t, slot, coef))
            if 3 * n <= slot < 4 * n:  # transport: a part of E, already checked there
                continue
            scen = (
                ("baseline", "symbiosis")
                if slot >= 5 * n
                else (("symbiosis",) if 2 * n <= slot < 3 * n or slot >= 4 * n else ("baseline",))
            )
            for s in scen:
                check[(s, g, t)] -= coef
    scale = max((abs(e.constant) for e in plan.edges), default=1.0) or 1.0
    bad = [k for k, v in check.items() if abs(v) > 1e-12 * scale]
    if bad:
        raise CalculationError(
            "the plan's scenarios are not baseline = own + displaced + treatment and "
            f"symbiosis = own + extras + forgone (mismatch at {len(bad)} edge group(s))"
        )
    for a in plan.activities:  # bearer of exchanges without extra edges: the activity owner
        if a.exchange_id in ex_pos and a.code.endswith(":extra") and a.facility_id:
            bearer.setdefault(a.exchange_id, a.facility_id)
    g_arr = np.array([r[0] for r in rows], dtype=np.int64)
    return CompiledPlan(
        names,
        tuple(groups),
        tuple(targets),
        exchanges,
        facilities,
        tuple(bearer.get(x) for x in exchanges),
        tuple(receiver.get(x) for x in exchanges),
        tuple(supplier.get(x) for x in exchanges),
        g_arr,
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.int64),
        np.array([r[3] for r in rows], dtype=float),
    )


def as_values(plan: ForegroundPlan, values: np.ndarray | None) -> np.ndarray:
    """Check/convert parameter values to (n_draws, n_params); ``None`` = central values."""
    central = np.array([[p.value for p in plan.parameters]])
    if values is None:
        return central
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[None, :]
    if values.ndim != 2 or values.shape[1] != central.shape[1]:
        raise CalculationError(
            f"values must be (n_draws, {central.shape[1]}) in "
            f"plan.parameters order, got {values.shape}"
        )
    return values


def evaluate_plan(
    plan: ForegroundPlan,
    scores: ScoreSource,
    *,
    values: np.ndarray | None = None,
    chunk_size: int = 20_000,
) -> ComponentScores:
    """Component scores of ``plan`` for parameter vectors ``values``.

    ``scores``: an ``LcaSystem`` or ``UnitScores``; ``values``: (n_draws, n_params) in
    ``plan.parameters`` order (``None``: one draw at the central values). Evaluated in
    chunks of ``chunk_size`` draws: ``S = P(X) K`` (see module docstring).
    """
    compiled = compile_plan(plan)
    x = as_values(plan, values)
    k = compiled.coefficients(scores.scores_of(compiled.targets))
    return concat_components(
        [
            compiled.components(x[i : i + chunk_size], k, tuple(scores.methods))
            for i in range(0, max(len(x), 1), chunk_size)
        ]
    )


def concat_components(parts: Sequence[ComponentScores]) -> ComponentScores:
    """Stack ``ComponentScores`` of consecutive draws."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return ComponentScores(
        *(
            getattr(first, f)
            for f in (
                "methods",
                "exchange_ids",
                "facility_ids",
                "extra_bearer",
                "receivers",
                "suppliers",
            )
        ),
        *(
            np.concatenate([getattr(p, f) for p in parts])
            for f in ("displaced", "treatment", "extra", "transport", "forgone", "own")
        ),
    )
