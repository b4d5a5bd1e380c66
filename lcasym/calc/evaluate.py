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

``K`` has one entry per edge and method (groups ≈ 3 per exchange, a few edges each), so it
is stored sparse (``SlotCoefficients``) and memory grows with the edges, not with groups ×
slots (a dense ``K`` of 10,000 exchanges would need ~166 GB). The other scenario edges
(the symbiosis scenario's technosphere + substitution pairs, the own inventory repeated)
cancel or repeat by construction; ``compile_plan`` checks that they do, so these totals
equal a bw2calc LCA of each scenario's ``network`` activity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from scipy import sparse

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


#: ``K`` is also kept dense (faster products) up to this size (bytes).
DENSE_K_BYTES = 32 * 2**20
#: Order of an exchange's components in the public slot layout and in ``SlotCoefficients``.
COMPONENTS = ("displaced", "treatment", "extra", "transport", "forgone")
#: Weights of each component in (baseline, symbiosis, avoided); transport is part of extra.
_TOTAL_WEIGHTS = {
    "displaced": (1.0, 0.0, 1.0),
    "treatment": (1.0, 0.0, 1.0),
    "extra": (0.0, 1.0, -1.0),
    "transport": (0.0, 0.0, 0.0),
    "forgone": (0.0, 1.0, -1.0),
    "own": (1.0, 1.0, 0.0),
}


@dataclass(frozen=True)
class SlotCoefficients:
    """``K`` for one set of unit scores, stored sparse so memory grows with the edges.

    ``matrix`` is (n_groups, n_columns · n_methods) in CSC form, its columns exchange-major:
    column ``5k + c`` holds component ``c`` (``COMPONENTS`` order) of exchange k and
    ``5K + f`` the own inventory of facility f, each repeated for every method:

        matrix[g, col · M + m] = Σ_{e ∈ g, col} sign_e c_e λ_t(e),m

    ``totals`` (n_groups, 3, n_methods) are the baseline, symbiosis and avoided
    coefficients (``CompiledPlan.total_coefficients``). A dense ``K`` with the public slot
    layout is ``dense()`` (or ``numpy.asarray(k)``); it needs n_groups · n_slots ·
    n_methods floats, so only for small plans.
    """

    matrix: sparse.csc_matrix
    totals: np.ndarray
    n_exchanges: int
    n_facilities: int
    n_methods: int
    dense_matrix: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int, int]:
        """Shape of the dense ``K``: (n_groups, n_slots, n_methods)."""
        return (self.matrix.shape[0], 5 * self.n_exchanges + self.n_facilities, self.n_methods)

    def all_scores(self, products: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Every slot of every draw, (n_draws, n_columns · n_methods), columns as ``matrix``.

        ``products`` are ``p_g`` (n_draws, n_groups) from ``CompiledPlan.products``; a
        small ``K`` is also kept dense (``dense_matrix``, one BLAS product), a large one
        is multiplied sparse. Written into ``out`` (C-contiguous) when given.
        """
        if self.dense_matrix is not None:
            return np.matmul(products, self.dense_matrix, out=out)
        scores = np.asarray(self.matrix.T @ products.T).T
        if out is None:
            return np.ascontiguousarray(scores)
        out[...] = scores
        return out

    def exchange_scores(
        self, products: np.ndarray, start: int = 0, stop: int | None = None
    ) -> np.ndarray:
        """Components of exchanges ``start..stop−1``: (n_draws, n, 5, n_methods).

        ``products`` are ``p_g`` (n_draws, n_groups) from ``CompiledPlan.products``.
        """
        stop = self.n_exchanges if stop is None else stop
        cols = self.matrix[:, 5 * start * self.n_methods : 5 * stop * self.n_methods]
        out = np.asarray(products @ cols)
        return out.reshape(len(products), stop - start, 5, self.n_methods)

    def own_scores(self, products: np.ndarray) -> np.ndarray:
        """Own-inventory scores of every facility: (n_draws, n_facilities, n_methods)."""
        cols = self.matrix[:, 5 * self.n_exchanges * self.n_methods :]
        out = np.asarray(products @ cols)
        return out.reshape(len(products), self.n_facilities, self.n_methods)

    def dense(self) -> np.ndarray:
        """``K`` (n_groups, n_slots, n_methods) in the public slot layout (small plans only)."""
        g, n, m = self.matrix.shape[0], self.n_exchanges, self.n_methods
        full = self.matrix.toarray()
        ex = full[:, : 5 * n * m].reshape(g, n, 5, m).transpose(0, 2, 1, 3).reshape(g, 5 * n, m)
        own = full[:, 5 * n * m :].reshape(g, self.n_facilities, m)
        return np.concatenate([ex, own], axis=1)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        dense = self.dense()
        return dense if dtype is None else dense.astype(dtype)


@dataclass(frozen=True)
class CompiledPlan:
    """A plan reduced to index arrays: groups of parameter products and slots.

    Slot layout: ``[D_1..D_K, W_1..W_K, E_1..E_K, T_1..T_K, F_1..F_K, O_1..O_n]``.
    Edge arrays (one entry per edge and slot it feeds): ``edge_group``, ``edge_target``
    (index into ``targets``), ``edge_slot`` and ``edge_coef`` (``sign · constant``).
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

    @cached_property
    def edge_column(self) -> np.ndarray:
        """Column of each edge in ``SlotCoefficients`` (exchange-major: ``5k + c``)."""
        n, slot = len(self.exchange_ids), self.edge_slot
        return np.where(slot < 5 * n, (slot % max(n, 1)) * 5 + slot // max(n, 1), slot)

    @cached_property
    def slot_weights(self) -> np.ndarray:
        """(n_slots, 3): weight of each slot in baseline, symbiosis and avoided."""
        n = len(self.exchange_ids)
        blocks = [np.tile(_TOTAL_WEIGHTS[c], (n, 1)) for c in COMPONENTS]
        blocks.append(np.tile(_TOTAL_WEIGHTS["own"], (len(self.facility_ids), 1)))
        return np.concatenate(blocks).reshape(-1, 3)

    def _group_sum(self, rows: np.ndarray) -> np.ndarray:
        """Σ over the edges of each group of per-edge rows (n_edges, ...) -> (n_groups, ...)."""
        n_edges = len(self.edge_group)
        indicator = sparse.csr_matrix(
            (np.ones(n_edges), (self.edge_group, np.arange(n_edges))),
            shape=(len(self.groups), n_edges),
        )
        flat = rows.reshape(n_edges, -1)
        return np.asarray(indicator @ flat).reshape((len(self.groups), *rows.shape[1:]))

    def coefficients(self, target_scores: np.ndarray) -> SlotCoefficients:
        """``K`` from the targets' unit scores (n_targets, n_methods), stored sparse.

        Memory: one entry per edge and method (``SlotCoefficients``); the dense
        (n_groups, n_slots, n_methods) array is ``numpy.asarray`` of the result.
        """
        target_scores = np.asarray(target_scores, dtype=float)
        m = target_scores.shape[1]
        n_cols = self.n_slots
        values = self.edge_coef[:, None] * target_scores[self.edge_target]  # (n_edges, M)
        rows = np.repeat(self.edge_group, m)
        cols = (self.edge_column[:, None] * m + np.arange(m)).ravel()
        matrix = sparse.csc_matrix(
            (values.ravel(), (rows, cols)), shape=(len(self.groups), n_cols * m)
        )
        weights = self.slot_weights[self.edge_slot]  # (n_edges, 3)
        totals = self._group_sum(weights[:, :, None] * values[:, None, :])
        small = len(self.groups) * n_cols * m * 8 <= DENSE_K_BYTES
        return SlotCoefficients(
            matrix,
            totals,
            len(self.exchange_ids),
            len(self.facility_ids),
            m,
            matrix.toarray() if small else None,
        )

    def total_coefficients(self, k: SlotCoefficients | np.ndarray) -> np.ndarray:
        """(n_groups, 3, n_methods): baseline, symbiosis, avoided coefficients from ``K``."""
        if isinstance(k, SlotCoefficients):
            return k.totals
        n = len(self.exchange_ids)
        d, w, e = k[:, :n].sum(1), k[:, n : 2 * n].sum(1), k[:, 2 * n : 3 * n].sum(1)
        f, o = k[:, 4 * n : 5 * n].sum(1), k[:, 5 * n :].sum(1)
        return np.stack([o + d + w, o + e + f, d + w - e - f], axis=1)

    def target_matrix(self) -> sparse.csr_matrix:
        """Sparse (n_groups, n_targets · 3): demand on target t of baseline, symbiosis, avoided.

        Entry ``(g, 3t + s)``; ``p(x) · this`` gives the three demand vectors of one draw.
        """
        weights = self.slot_weights[self.edge_slot] * self.edge_coef[:, None]
        rows = np.repeat(self.edge_group, 3)
        cols = (self.edge_target[:, None] * 3 + np.arange(3)).ravel()
        return sparse.csr_matrix(
            (weights.ravel(), (rows, cols)), shape=(len(self.groups), 3 * len(self.targets))
        )

    def target_coefficients(self) -> np.ndarray:
        """(n_groups, n_targets, 3): demand on each target of baseline, symbiosis, avoided.

        For one draw the three demand vectors are ``p(x) · this``; with them a forward
        solve ``A s = F`` (3 right-hand sides) gives the totals of every method. Dense:
        for large plans use the sparse ``target_matrix``.
        """
        return self.target_matrix().toarray().reshape(len(self.groups), len(self.targets), 3)

    @cached_property
    def _group_index(self) -> np.ndarray:
        """(n_groups, max group size) parameter indices, padded with ``n_params`` (= 1)."""
        width = max((len(g) for g in self.groups), default=0)
        out = np.full((len(self.groups), width), len(self.parameter_names), dtype=np.int64)
        for g, idx in enumerate(self.groups):
            out[g, : len(idx)] = idx
        return out

    def products_t(self, values: np.ndarray) -> np.ndarray:
        """``p_g`` for every draw, groups first: (n_groups, n_draws), C-contiguous."""
        values = np.asarray(values, dtype=float)
        padded = np.concatenate([values.T, np.ones((1, len(values)))])  # (n_params + 1, d)
        out = np.ones((len(self.groups), len(values)))
        for col in self._group_index.T:
            out *= padded[col]
        return out

    def products(self, values: np.ndarray) -> np.ndarray:
        """``p_g`` for every draw: (n_draws, n_groups) (a transposed view of ``products_t``)."""
        return self.products_t(values).T

    def components(
        self,
        values: np.ndarray,
        k: SlotCoefficients | np.ndarray,
        methods: tuple[tuple[str, ...], ...],
    ) -> ComponentScores:
        """Every component for the draws ``values`` (n_draws, n_params).

        Memory: n_draws · n_slots · n_methods floats; chunk large draw counts.
        """
        n = len(self.exchange_ids)
        if isinstance(k, SlotCoefficients):
            return self.components_of(k.all_scores(self.products(values)), k.n_methods, methods)
        s = (self.products(values) @ k.reshape(k.shape[0], -1)).reshape(
            values.shape[0], self.n_slots, k.shape[2]
        )
        parts = [s[:, c * n : (c + 1) * n] for c in range(5)]
        return self._scores(methods, parts, s[:, 5 * n :])

    def components_of(
        self, scores: np.ndarray, n_methods: int, methods: tuple[tuple[str, ...], ...]
    ) -> ComponentScores:
        """``ComponentScores`` viewing ``SlotCoefficients.all_scores`` output (no copy)."""
        n, d = len(self.exchange_ids), scores.shape[0]
        ex = scores[:, : 5 * n * n_methods].reshape(d, n, 5, n_methods)
        own = scores[:, 5 * n * n_methods :].reshape(d, len(self.facility_ids), n_methods)
        return self._scores(methods, [ex[:, :, c] for c in range(5)], own)

    def components_at(
        self, values: np.ndarray, target_scores: np.ndarray, methods: tuple[tuple[str, ...], ...]
    ) -> ComponentScores:
        """Components of one draw with its own unit scores (background Monte Carlo).

        ``values`` (n_params,), ``target_scores`` (n_targets, n_methods); costs one sparse
        product with the edges, no ``K``.
        """
        p = self.products(np.asarray(values, dtype=float)[None, :])[0]
        amounts = p[self.edge_group] * self.edge_coef
        per_column = sparse.csr_matrix(
            (amounts, (self.edge_column, self.edge_target)),
            shape=(self.n_slots, len(self.targets)),
        )
        s = np.asarray(per_column @ target_scores)
        n = len(self.exchange_ids)
        ex = s[: 5 * n].reshape(1, n, 5, -1)
        return self._scores(methods, [ex[:, :, c] for c in range(5)], s[None, 5 * n :])

    def _scores(self, methods, parts: list[np.ndarray], own: np.ndarray) -> ComponentScores:
        displaced, treatment, extra, transport, forgone = parts
        return ComponentScores(
            methods,
            self.exchange_ids,
            self.facility_ids,
            self.extra_bearer,
            self.receivers,
            self.suppliers,
            displaced,
            treatment,
            extra,
            transport,
            forgone,
            own,
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


#: Memory for one block of component scores in ``evaluate_plan`` (bytes).
EVALUATION_BLOCK_BYTES = 256 * 2**20


def evaluate_plan(
    plan: ForegroundPlan,
    scores: ScoreSource,
    *,
    values: np.ndarray | None = None,
    chunk_size: int | None = None,
) -> ComponentScores:
    """Component scores of ``plan`` for parameter vectors ``values``.

    ``scores``: an ``LcaSystem`` or ``UnitScores``; ``values``: (n_draws, n_params) in
    ``plan.parameters`` order (``None``: one draw at the central values). Evaluated in
    chunks of ``chunk_size`` draws (default: as many as fit in
    ``EVALUATION_BLOCK_BYTES``): ``S = P(X) K`` with ``K`` sparse (see module docstring).
    The result holds n_draws · n_slots · n_methods floats.
    """
    compiled = compile_plan(plan)
    x = as_values(plan, values)
    k = compiled.coefficients(scores.scores_of(compiled.targets))
    if chunk_size is None:
        per_draw = 16 * compiled.n_slots * max(k.n_methods, 1)
        chunk_size = max(1, EVALUATION_BLOCK_BYTES // per_draw)
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
