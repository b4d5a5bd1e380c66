"""Choose the best set of candidates: a mixed-integer linear programme solved by HiGHS.

For candidates c with potential x̄_c, delivered ratio δ_c, net per unit ``g_c`` (headline
climate method), cost effect per unit ``k_c`` and net per unit ``g_cm`` on method m:

    maximise    Σ_c w_c x_c          w = g (ghg), k (cost) or a·g + b·k (mix)
    subject to  0 ≤ x_c ≤ x̄_c y_c,   x_c ≥ lo_c y_c,   y_c ∈ {0, 1}
                Σ_{c of offer o} x_c ≤ a_o                    (what the supplier has)
                Σ_{c of need n} δ_c x_c ≤ a_n                  (what the receiver needs)
                Σ_{c of need n, one-supplier synergy} y_c ≤ 1   (one connection per need)
                Σ_{c of need n} δ_c x_c ≥ r_n                  (needs that must be met)
                Σ_c g_cm x_c ≥ b_m                             (a second category as a bound)

``lo_c`` is the larger of the synergy's minimum quantity and the need's ``min_amount``/δ_c.
Solved with ``scipy.optimize.milp`` (HiGHS). Candidates whose objective weight is unknown
(no cost known under ``cost`` or ``mix``) are left out and counted. An infeasible problem is
reported as an :class:`~lcasym.errors.InputError` naming the constraints, never a solver
traceback. ``pareto_front`` traces GHG against cost by the ε-constraint method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from lcasym.discovery.result import Opportunities
from lcasym.errors import InputError, Problem
from lcasym.units import conversion_factor

Objective = Literal["ghg", "cost", "mix"]
TOLERANCE = 1e-6  # relative MIP gap asked of HiGHS


@dataclass(frozen=True)
class Choice:
    """The chosen set: amounts per candidate, totals per method, what was left out."""

    opportunities: Opportunities
    rows: np.ndarray  # candidate rows chosen
    amounts: np.ndarray  # per chosen row, offer units per year
    objective: str
    objective_value: float
    considered: int
    left_out: int
    status: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self) -> pd.DataFrame:
        """One row per chosen candidate, best first (headline method)."""
        opps = self.opportunities
        table = opps.table().iloc[self.rows].reset_index(drop=True)
        share = self.amounts / np.where(table["potential"] > 0, table["potential"], 1.0)
        table.insert(table.columns.get_loc("potential") + 1, "amount", self.amounts)
        table.insert(table.columns.get_loc("amount") + 1, "share_of_potential", share)
        scale = np.asarray(share)
        for col in ("avoided", "displaced", "treatment", "extra", "forgone", "cost_savings"):
            table[col] = table[col] * scale
        return table.sort_values("avoided", ascending=False, kind="stable").reset_index(drop=True)

    def totals(self) -> pd.DataFrame:
        """Avoided burden of the chosen set on every method (Σ net per unit · amount)."""
        opps = self.opportunities
        net = opps.scored.net_per_unit[self.rows].T @ self.amounts if len(self.rows) else 0.0
        return pd.DataFrame(
            {
                "method": [opps.method_label(m) for m in range(len(opps.methods))],
                "unit": list(opps.method_units),
                "avoided": np.broadcast_to(net, (len(opps.methods),)),
            }
        )

    def cost_savings(self) -> float:
        """Cost effect of the chosen candidates whose cost is known (see ``cost_unknown``)."""
        cost = self.opportunities.scored.cost_per_unit[self.rows]
        return float(np.nansum(cost * self.amounts)) if len(self.rows) else 0.0

    def cost_unknown(self) -> int:
        """How many chosen candidates have no known cost (left out of ``cost_savings``)."""
        return int(np.isnan(self.opportunities.scored.cost_per_unit[self.rows]).sum())

    def exchanges(self):
        """The chosen candidates as lcasym exchanges (status planned)."""
        return [
            self.opportunities.exchange(int(k), float(x))
            for k, x in zip(self.rows, self.amounts, strict=True)
        ]


def _weights(opps: Opportunities, objective: str, weights: tuple[float, float]) -> np.ndarray:
    ghg = opps.scored.net_per_unit[:, opps.headline]
    cost = opps.scored.cost_per_unit
    if objective == "ghg":
        return ghg
    if objective == "cost":
        return cost
    return weights[0] * ghg + weights[1] * cost


def _check(objective: str, weights: tuple[float, float], top: int | None) -> None:
    problems = []
    if objective not in ("ghg", "cost", "mix"):
        problems.append(Problem(f"objective {objective!r} is not known: use ghg, cost or mix"))
    if objective == "mix" and not all(np.isfinite(w) for w in weights):
        problems.append(Problem(f"weights must be finite numbers, got {weights!r}"))
    if top is not None and top < 1:
        problems.append(Problem(f"top must be ≥ 1, got {top!r}"))
    if problems:
        raise InputError(problems, "options")


def _method_bounds(opps: Opportunities, constraints: Mapping[str, float] | None) -> list:
    """(method index, bound) for each constraint, methods given by label or key."""
    from lcasym.background.methods import method_label, parse_method
    from lcasym.io.problems import did_you_mean

    out, problems = [], []
    labels = [opps.method_label(m) for m in range(len(opps.methods))]
    for name, bound in (constraints or {}).items():
        label = method_label(parse_method(name))
        if label not in labels:
            guess = did_you_mean(label, labels)
            problems.append(
                Problem(
                    f"constraint on unknown method {label!r}"
                    + (f"; did you mean {guess!r}?" if guess else "; give a calculated method"),
                    "options",
                )
            )
            continue
        if not np.isfinite(bound):
            problems.append(Problem(f"the bound of {label!r} must be a finite number", "options"))
            continue
        out.append((labels.index(label), float(bound)))
    if problems:
        raise InputError(problems, "options")
    return out


def _lower(opps: Opportunities, rows: np.ndarray) -> np.ndarray:
    """lo_c: the synergy's minimum (offer units) and the need's minimum / δ."""
    c = opps.scored.candidates
    arrays = opps.matching.arrays
    kb = opps.kb
    lo = np.zeros(len(rows))
    for i, k in enumerate(rows):
        s = kb.synergies[int(c.synergy[k])]
        unit = arrays.offers.unit[int(c.offer[k])]
        lo[i] = s.conditions.min_amount * conversion_factor(kb.flows[s.supply].unit, unit)
        need_min = arrays.needs.min_amount[int(c.need[k])]
        if np.isfinite(need_min):
            lo[i] = max(lo[i], need_min / c.delivers[k])
    return np.minimum(lo, c.potential[rows])


def _required(opps: Opportunities) -> dict[int, float]:
    """Needs that must be met: need index -> required delivery (need units)."""
    out = {}
    for n, (_f, need) in enumerate(opps.inventory.needs()):
        if need.must_be_met:
            out[n] = need.min_amount if need.min_amount is not None else need.amount
    return out


def _need_location(opps: Opportunities, n: int) -> str:
    i = 0
    for fi, f in enumerate(opps.inventory.facilities):
        for j, _need in enumerate(f.needs):
            if i == n:
                locate = opps.locate or (lambda p: ".".join(map(str, p)))
                return locate(("facilities", fi, "needs", j, "must_be_met"))
            i += 1
    return ""


def _precheck(opps: Opportunities, rows: np.ndarray, required: dict[int, float]) -> None:
    c = opps.scored.candidates
    arrays = opps.matching.arrays
    problems = []
    for n, need_amount in required.items():
        mine = rows[c.need[rows] == n]
        capacity = float(np.sum(c.delivers[mine] * c.potential[mine]))
        if capacity < need_amount * (1 - 1e-9):
            unit = arrays.needs.unit[n]
            what = (
                f"its candidates can deliver at most {capacity:,.6g} {unit}/yr"
                if len(mine)
                else "no candidate can supply it (see the excluded pairs with --explain)"
            )
            problems.append(
                Problem(
                    f"the choice is infeasible: need {arrays.needs.ids[n]!r} must receive "
                    f"{need_amount:,.6g} {unit}/yr but {what}; lower its 'min_amount' or "
                    "drop 'must_be_met'",
                    _need_location(opps, n),
                )
            )
    if problems:
        raise InputError(problems, opps.source or "inventory")


def choose(
    opps: Opportunities,
    *,
    objective: Objective = "ghg",
    weights: tuple[float, float] = (1.0, 0.0),
    constraints: Mapping[str, float] | None = None,
    top: int | None = None,
    min_cost: float | None = None,
    time_limit: float | None = 60.0,
) -> Choice:
    """The set of candidates that maximises the objective under every facility's limits.

    Parameters
    ----------
    objective
        ``ghg`` (avoided headline climate burden), ``cost`` (cost savings) or ``mix``
        (``weights[0]·ghg + weights[1]·cost``, e.g. a carbon price in currency per kg).
    constraints
        Method label -> lower bound on the chosen set's avoided burden on that method
        (e.g. ``{"EF v3.1 | acidification | accumulated exceedance (AE)": 0}``: no worse).
    top
        Consider only the ``top`` candidates by objective weight × potential.
    min_cost
        A lower bound on the cost savings (used by :func:`pareto_front`).

    Raises
    ------
    InputError
        Bad options, or an infeasible problem (naming what cannot be met).
    """
    _check(objective, weights, top)
    bounds_m = _method_bounds(opps, constraints)
    w_all = _weights(opps, objective, weights)
    known = np.isfinite(w_all)
    if min_cost is not None:
        known &= np.isfinite(opps.scored.cost_per_unit)
    rows = np.nonzero(known)[0]
    left_out = int((~known).sum())
    if top is not None and len(rows) > top:
        value = w_all[rows] * opps.potential[rows]
        keep = np.lexsort((rows, -value))[:top]
        rows = np.sort(rows[keep])
    required = _required(opps)
    _precheck(opps, rows, required)
    notes = []
    if left_out:
        notes.append(f"{left_out} candidate(s) left out: their {objective} weight is unknown")
    if not len(rows):
        return Choice(opps, rows, np.zeros(0), objective, 0.0, 0, left_out, "nothing to choose",
                      tuple(notes))  # fmt: skip
    x, value, status = _solve(opps, rows, w_all[rows], bounds_m, required, min_cost, time_limit)
    chosen = x > 1e-9 * np.maximum(opps.potential[rows], 1.0)
    return Choice(
        opps, rows[chosen], x[chosen], objective, value, len(rows), left_out, status, tuple(notes)
    )


def _solve(opps, rows, w, bounds_m, required, min_cost, time_limit):
    """Solve the MILP of the module docstring for candidate ``rows``; ``x`` per row.

    Each amount is solved for as a share of its potential, ``z_c = x_c / x̄_c`` (HiGHS
    refuses semi-continuous variables with large bounds, and the shares are well scaled).
    A minimum quantity makes ``z_c`` semi-continuous (0 or in [lo_c/x̄_c, 1], no binary
    needed); binaries ``y_c`` (with ``z_c ≤ y_c``) only for one-supplier needs.
    """
    c = opps.scored.candidates
    n = len(rows)
    ub = c.potential[rows].astype(float)
    lo = _lower(opps, rows)
    delta = c.delivers[rows]
    one = np.array([opps.kb.synergies[int(s)].conditions.one_supplier_per_need
                    for s in c.synergy[rows]], dtype=bool)  # fmt: skip
    k = int(one.sum())  # binaries, one per candidate of a one-supplier need
    which = np.nonzero(one)[0]
    cols = sparse.diags(ub, format="csr")  # x = diag(x̄) z
    blocks, lower, upper = [], [], []

    def add(a_x, lb, ubound, a_y=None):
        a_y = sparse.csr_matrix((a_x.shape[0], k)) if a_y is None else a_y
        block = sparse.hstack([sparse.csr_matrix(a_x) @ cols, a_y], format="csr")
        blocks.append(block)
        lower.append(np.broadcast_to(np.asarray(lb, dtype=float), (block.shape[0],)))
        upper.append(np.broadcast_to(np.asarray(ubound, dtype=float), (block.shape[0],)))

    offers, o_inv = np.unique(c.offer[rows], return_inverse=True)
    a = sparse.csr_matrix((np.ones(n), (o_inv, np.arange(n))), shape=(len(offers), n))
    add(a, -np.inf, opps.matching.arrays.offers.amount[offers])
    needs, n_inv = np.unique(c.need[rows], return_inverse=True)
    a = sparse.csr_matrix((delta, (n_inv, np.arange(n))), shape=(len(needs), n))
    add(a, -np.inf, opps.matching.arrays.needs.amount[needs])
    if k:
        pick = sparse.csr_matrix((1.0 / ub[which], (np.arange(k), which)), shape=(k, n))
        add(pick, -np.inf, 0.0, -sparse.identity(k, format="csr"))  # z ≤ y
        groups, g_inv = np.unique(n_inv[which], return_inverse=True)
        a_y = sparse.csr_matrix((np.ones(k), (g_inv, np.arange(k))), shape=(len(groups), k))
        add(sparse.csr_matrix((len(groups), n)), -np.inf, 1.0, a_y)  # Σ y ≤ 1 per need
    for need, amount in required.items():
        add(np.where(c.need[rows] == need, delta, 0.0)[None, :], amount, np.inf)
    for m, bound in bounds_m:
        add(opps.scored.net_per_unit[rows, m][None, :], bound, np.inf)
    if min_cost is not None:
        add(opps.scored.cost_per_unit[rows][None, :], min_cost, np.inf)
    semi = lo > 0
    gain = w * ub
    scale = float(np.max(np.abs(gain))) or 1.0
    res = milp(
        c=np.concatenate([-gain / scale, np.zeros(k)]),
        integrality=np.concatenate([np.where(semi, 2, 0), np.ones(k)]),
        bounds=Bounds(np.concatenate([lo / ub, np.zeros(k)]), np.ones(n + k)),
        constraints=LinearConstraint(
            sparse.vstack(blocks, format="csr"), np.concatenate(lower), np.concatenate(upper)
        ),
        options={"mip_rel_gap": TOLERANCE, **({"time_limit": time_limit} if time_limit else {})},
    )
    if res.x is None:
        if res.status == 2:
            raise InputError([Problem(_infeasible(opps, bounds_m, required, min_cost), "options")],
                             "options")  # fmt: skip
        raise InputError(
            [Problem(f"the solver found no set ({res.message}); try a smaller --top", "options")],
            "options",
        )
    status = "optimal" if res.status == 0 else f"best found ({res.message})"
    gap = getattr(res, "mip_gap", None)
    if res.status != 0 and gap is not None and np.isfinite(gap):
        status += f", gap {gap:.2%}"
    x = np.clip(res.x[:n], 0.0, 1.0) * ub
    return x, float(w @ x), status


def _infeasible(opps, bounds_m, required, min_cost) -> str:
    parts = [f"avoided {opps.method_label(m)} ≥ {b:g}" for m, b in bounds_m]
    parts += [f"need {opps.matching.arrays.needs.ids[n]!r} gets ≥ {r:g}" for n, r in
              required.items()]  # fmt: skip
    parts += [f"cost savings ≥ {min_cost:g}"] if min_cost is not None else []
    return (
        "the choice is infeasible: no set of candidates meets all of: "
        + "; ".join(parts)
        + ". Relax a bound or drop a constraint"
    )


def pareto_front(
    opps: Opportunities,
    *,
    points: int = 5,
    top: int | None = None,
    constraints: Mapping[str, float] | None = None,
    time_limit: float | None = 60.0,
) -> pd.DataFrame:
    """GHG against cost savings: ``points`` optimal sets by the ε-constraint method.

    The ends are the set with the most avoided GHG and the set with the largest cost
    savings (candidates with a known cost only); in between, the most GHG for cost savings
    of at least ε, ε evenly spaced. Columns: point, avoided, unit, cost_savings, currency,
    chosen (number), candidates (ids).
    """
    if points < 2:
        raise InputError([Problem(f"points must be ≥ 2, got {points}", "options")], "options")
    known = np.isfinite(opps.scored.cost_per_unit)
    if not known.any():
        raise InputError(
            [Problem("no candidate has a known cost: give prices (need 'price', offer "
                     "'disposal_cost') for a Pareto front", "options")], "options",
        )  # fmt: skip
    by_cost = choose(opps, objective="cost", top=top, constraints=constraints,
                     time_limit=time_limit)  # fmt: skip
    by_ghg = choose(opps, objective="ghg", top=top, constraints=constraints, min_cost=-np.inf,
                    time_limit=time_limit)  # fmt: skip
    lo, hi = by_ghg.cost_savings(), by_cost.cost_savings()
    records, seen = [], set()
    for i, eps in enumerate(np.linspace(lo, hi, points)):
        # Step back from the bound by a hair so rounding in the solver cannot make it infeasible.
        bound = eps - 1e-9 * max(abs(eps), 1.0)
        pick = choose(opps, objective="ghg", top=top, constraints=constraints, min_cost=bound,
                      time_limit=time_limit)  # fmt: skip
        ids = tuple(opps.table()["candidate"].iloc[pick.rows])
        key = (ids, tuple(np.round(pick.amounts, 6)))
        if key in seen:
            continue
        seen.add(key)
        totals = pick.totals().iloc[opps.headline]
        records.append(
            {
                "point": i + 1,
                "avoided": float(totals["avoided"]),
                "unit": totals["unit"],
                "cost_savings": pick.cost_savings(),
                "currency": opps.inventory.park.currency,
                "chosen": len(ids),
                "candidates": "; ".join(ids),
            }
        )
    return pd.DataFrame.from_records(records)
