"""Does the background cover what a result claims? Coverage per method and exchange, flags.

A category the data do not cover must read "not covered", never 0 or "100 % avoided".
:func:`assess_coverage` looks at the activities an exchange reaches (its displaced,
treatment, transport, extra and forgone activities and their whole supply chain) and at the
methods' characterisation factors, and says for every method and exchange:

``not covered``
    no activity reached has an elementary flow the method characterises: the score is a
    structural zero, not a measured one (also for every exchange when the method
    characterises none of the flows in the data);
``partial``
    some flows are characterised, but at least one activity reached says in its
    ``incomplete_for`` that its data miss this category (vocabulary:
    :mod:`lcasym.background.categories`);
``covered``
    flows are characterised and no activity reached is known to miss the category;
``not assessed``
    flows are characterised but some activity reached comes from a database without lcasym
    metadata (a user's own ecoinvent, ...): whether its data are complete cannot be known
    from the data, only that the method finds characterised flows in it.

A method's coverage over the network: ``not covered`` when every operating exchange is,
``covered`` when every one is, ``not assessed`` when the rest are ``not assessed``, else
``partial``. The network's own custom activities count as declared (nothing missing).

Flags (rows of the result's ``flags`` table): ``not covered`` (network-wide per method, and
per exchange for methods the network covers at least partly), ``placeholder`` (a placeholder
activity is reached by the exchange; detail: its codes), ``vintage mismatch`` (a
year-dependent activity of another year than the background year is reached; detail:
``code: wanted → used``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lcasym.results.tables import empty_table

if TYPE_CHECKING:
    from lcasym.inventory.plan import ForegroundPlan
    from lcasym.network.model import SymbiosisNetwork

COVERED, PARTIAL, NOT_COVERED, NOT_ASSESSED = "covered", "partial", "not covered", "not assessed"
Key = tuple[str, str]


@dataclass(frozen=True)
class Coverage:
    """Coverage of a result: per method label, per (exchange id, method label), and flags.

    ``vintages`` maps each year-dependent activity the exchanges use directly to its year;
    ``year`` is the background year wanted; ``basis`` says what coverage could be judged on.
    """

    methods: Mapping[str, str] = field(default_factory=dict)
    exchanges: Mapping[tuple[str, str], str] = field(default_factory=dict)
    flags: pd.DataFrame = field(default_factory=lambda: empty_table("flags"))
    year: int | None = None
    vintages: Mapping[str, int] = field(default_factory=dict)
    basis: str = ""

    def of_method(self, method: str) -> str:
        """Coverage of a method (``not assessed`` when unknown)."""
        return self.methods.get(method, NOT_ASSESSED)

    def of_exchange(self, exchange: str, method: str) -> str:
        """Coverage of one exchange for one method (``not assessed`` when unknown)."""
        return self.exchanges.get((exchange, method), NOT_ASSESSED)

    def restricted(self, exchanges: Sequence[str]) -> Coverage:
        """The coverage of a result that counts only ``exchanges`` (planned ones left out).

        Exchange statuses and their flags are kept for these exchanges; each method's
        status is the module rule over them, with the ``not covered`` flags redone the
        way :func:`assess_coverage` writes them.
        """
        keep = list(dict.fromkeys(exchanges))
        kept = set(keep)
        records = self.flags.to_dict("records")
        rows = [r for r in records if r["flag"] != "not covered" and r["entity"] in kept]
        network_rows = {
            r["method"]: r
            for r in records
            if r["flag"] == "not covered" and r["entity"] == "network"
        }
        methods: dict[str, str] = {}
        for label, before in self.methods.items():
            statuses = [self.exchanges[(x, label)] for x in keep if (x, label) in self.exchanges]
            methods[label] = NOT_COVERED if before == NOT_COVERED else network_status(statuses)
            if methods[label] == NOT_COVERED:
                rows.append(network_rows.get(label) or _flag(
                    "network", label, "not covered",
                    "no exchange reaches a flow this method characterises"))  # fmt: skip
                continue
            for x in keep:
                if self.exchanges.get((x, label)) == NOT_COVERED:
                    rows.append(_flag(x, label, "not covered",
                                      "no characterised flow in this exchange's data"))  # fmt: skip
        per_exchange = {k: v for k, v in self.exchanges.items() if k[0] in kept}
        flags = pd.DataFrame(rows, columns=list(empty_table("flags").columns))
        if flags.empty:
            flags = empty_table("flags")
        return Coverage(methods, per_exchange, flags, self.year, self.vintages, self.basis)

    def provenance(self) -> dict[str, Any]:
        """What the result's provenance records: background year, vintages used, basis."""
        return {
            "background_year": self.year,
            "background_vintages": dict(self.vintages),
            "coverage_basis": self.basis,
        }


@dataclass(frozen=True)
class ActivityMeta:
    """The lcasym attributes coverage needs (``incomplete_for`` None: not documented)."""

    incomplete_for: str | None
    placeholder: bool = False
    year: int | None = None


def network_status(statuses: Sequence[str]) -> str:
    """Coverage of a method over the network from its exchanges' statuses (module rule)."""
    if not statuses:
        return NOT_ASSESSED
    kinds = set(statuses)
    if kinds == {NOT_COVERED}:
        return NOT_COVERED
    if kinds == {COVERED}:
        return COVERED
    if kinds <= {COVERED, NOT_ASSESSED}:
        return NOT_ASSESSED
    return PARTIAL


def exchange_status(
    characterised: bool, metas: Sequence[ActivityMeta], method: Sequence[str]
) -> str:
    """Coverage of one exchange for one method (module rule)."""
    from lcasym.background.categories import parse_terms, term_covers

    if not characterised:
        return NOT_COVERED
    if any(
        m.incomplete_for is not None and term_covers(parse_terms(m.incomplete_for), method)
        for m in metas
    ):
        return PARTIAL
    if any(m.incomplete_for is None for m in metas):
        return NOT_ASSESSED
    return COVERED


def _reach_graph(system: Any) -> Any:
    """Supplier graph over activity columns: an edge j → i when activity j uses i's product."""
    from scipy import sparse

    index, cols = system.index, system.activity_index
    row_to_col = np.full(system.technosphere.shape[0], -1, dtype=np.int64)
    for key, row in index.items():
        if key in cols:
            row_to_col[row] = cols[key]
    coo = system.technosphere.tocoo()
    keep = (coo.data != 0) & (row_to_col[coo.row] >= 0) & (row_to_col[coo.row] != coo.col)
    n = system.technosphere.shape[1]
    return sparse.csr_matrix(
        (np.ones(int(keep.sum())), (coo.col[keep], row_to_col[coo.row[keep]])), shape=(n, n)
    )


def _reachable(graph: Any, column: int) -> np.ndarray:
    """Sorted activity columns reached from ``column`` through ``graph`` (incl. itself)."""
    from scipy.sparse.csgraph import breadth_first_order

    order = breadth_first_order(graph, column, directed=True, return_predecessors=False)
    return np.sort(order.astype(np.int32))


@dataclass(frozen=True)
class _Reached:
    """What coverage needs of a set of reached activities; unions add up (``|``).

    ``hit`` (n_methods,): some activity has a flow the method characterises; ``incomplete``:
    the distinct ``incomplete_for`` values met (None: undocumented); ``placeholders``: the
    columns of placeholder activities; ``years``: (code, year) of year-dependent ones.
    """

    empty: bool
    hit: np.ndarray
    incomplete: frozenset[str | None]
    placeholders: frozenset[int]
    years: frozenset[tuple[str, int]]

    def __or__(self, other: _Reached) -> _Reached:
        return _Reached(
            self.empty and other.empty,
            self.hit | other.hit,
            self.incomplete | other.incomplete,
            self.placeholders | other.placeholders,
            self.years | other.years,
        )


def _metadata(keys: Sequence[Key], custom_db: str) -> dict[Key, ActivityMeta]:
    from bw2data.backends import ActivityDataset as Nodes

    dbs = sorted({db for db, _ in keys})
    wanted = set(keys)
    out: dict[Key, ActivityMeta] = {}
    query = Nodes.select(Nodes.database, Nodes.code, Nodes.data).where(Nodes.database << dbs)
    for db, code, data in query.tuples():
        if (db, code) not in wanted:
            continue
        data = data or {}
        incomplete = data.get("incomplete_for")
        year = data.get("lcasym_year")
        out[(db, code)] = ActivityMeta(
            incomplete_for=""
            if db == custom_db
            else (None if incomplete is None else str(incomplete)),
            placeholder=bool(data.get("lcasym_placeholder", False)),
            year=int(year) if year is not None else None,
        )
    return out


def assess_coverage(plan: ForegroundPlan, system: Any, network: SymbiosisNetwork) -> Coverage:
    """Coverage of every method and exchange of ``plan`` over ``system`` (module rules).

    Must run inside the Brightway project the system was loaded from (it reads the
    activities' ``incomplete_for``, ``lcasym_placeholder`` and ``lcasym_year``).
    """
    from lcasym.background.methods import method_label
    from lcasym.background.resolve import background_year
    from lcasym.inventory.naming import custom_database

    year = background_year(network)
    labels = [method_label(m) for m in system.methods]
    cols = {c: k for k, c in system.activity_index.items()}
    factors = np.abs(np.asarray(system.factors)) > 0
    characterised = (abs(system.biosphere).T @ factors.astype(float)) > 0  # (n_act, n_m)
    if hasattr(characterised, "toarray"):
        characterised = characterised.toarray()
    characterised = np.asarray(characterised)
    any_in_data = np.asarray(characterised.any(axis=0))

    targets: dict[str, list[Key]] = {}
    for edge in plan.edges:
        if edge.exchange_id is not None:
            targets.setdefault(edge.exchange_id, [])
            if edge.target not in targets[edge.exchange_id]:
                targets[edge.exchange_id].append(edge.target)
    # Reachability once per distinct target activity (not per exchange: a 10,000-exchange
    # network reaches the same few hundred background activities), kept as int32 arrays
    # and reduced to what the statuses and flags need.
    graph = _reach_graph(system)
    distinct = list(dict.fromkeys(k for keys in targets.values() for k in keys))
    columns = {k: _reachable(graph, system.activity_index[k]) for k in distinct
               if k in system.activity_index}  # fmt: skip
    reached = (np.unique(np.concatenate(list(columns.values())))
               if columns else np.zeros(0, dtype=np.int32))  # fmt: skip
    all_keys = sorted(cols[int(j)] for j in reached)
    meta = _metadata(all_keys, custom_database(network.network.id))
    undocumented = {
        k[0] for k in all_keys if meta.get(k, ActivityMeta(None)).incomplete_for is None
    }
    n_act = len(cols)
    values: list[str | None] = [None]
    value_of = np.zeros(n_act, dtype=np.int64)  # index into ``values`` (0: undocumented)
    placeholder = np.zeros(n_act, dtype=bool)
    year_of = np.zeros(n_act, dtype=np.int64)  # 0: no year
    for j in reached:
        mt = meta.get(cols[int(j)], ActivityMeta(None))
        if mt.incomplete_for is not None:
            if mt.incomplete_for not in values:
                values.append(mt.incomplete_for)
            value_of[j] = values.index(mt.incomplete_for)
        placeholder[j] = mt.placeholder
        year_of[j] = mt.year or 0
    n_m = len(labels)
    nothing = _Reached(True, np.zeros(n_m, dtype=bool), frozenset(), frozenset(), frozenset())
    summary: dict[Key, _Reached] = {}
    for key, js in columns.items():
        dated = js[year_of[js] != 0]
        summary[key] = _Reached(
            empty=not len(js),
            hit=characterised[js].any(axis=0) & any_in_data,
            incomplete=frozenset(values[int(v)] for v in np.unique(value_of[js])),
            placeholders=frozenset(int(j) for j in js[placeholder[js]]),
            years=frozenset((cols[int(j)][1], int(year_of[j])) for j in dated),
        )

    per_exchange: dict[tuple[str, str], str] = {}
    flag_rows: list[dict[str, str]] = []
    status_of: dict[tuple[bool, frozenset[str | None], int], str] = {}
    for xid, keys in targets.items():
        got = nothing
        for key in keys:
            got = got | summary.get(key, nothing)
        metas = [ActivityMeta(v) for v in got.incomplete]  # exchange_status reads only these
        for m, label in enumerate(labels):
            hit = bool(got.hit[m]) and not got.empty
            cached = (hit, got.incomplete, m)
            if cached not in status_of:
                status_of[cached] = exchange_status(hit, metas, system.methods[m])
            per_exchange[(xid, label)] = status_of[cached]
        placeholders = sorted(cols[j][1] for j in got.placeholders)
        if placeholders:
            flag_rows.append(_flag(xid, "", "placeholder", ", ".join(placeholders)))
        other_years = sorted(f"{c}: wanted {year} → used {y}" for c, y in got.years if y != year)
        for detail in other_years:
            flag_rows.append(_flag(xid, "", "vintage mismatch", detail))

    methods: dict[str, str] = {}
    for m, label in enumerate(labels):
        statuses = [per_exchange[(x, label)] for x in targets]
        methods[label] = NOT_COVERED if not any_in_data[m] else network_status(statuses)
        if methods[label] == NOT_COVERED:
            why = (
                "the method characterises none of the flows in the data"
                if not any_in_data[m]
                else "no exchange reaches a flow this method characterises"
            )
            flag_rows.append(_flag("network", label, "not covered", why))
            continue
        for x in targets:
            if per_exchange[(x, label)] == NOT_COVERED:
                flag_rows.append(
                    _flag(x, label, "not covered", "no characterised flow in this exchange's data")
                )
    vintages = {
        info.code: int(info.year) for info in plan.targets.values() if info.year is not None
    }
    basis = "characterisation factors and the incomplete_for of every activity reached"
    if undocumented:
        basis += (
            f"; {', '.join(sorted(undocumented))} carry no incomplete_for: for their activities "
            "only the presence of characterised flows is known, not completeness ('not assessed')"
        )
    flags = pd.DataFrame(flag_rows, columns=list(empty_table("flags").columns))
    if flags.empty:
        flags = empty_table("flags")
    return Coverage(methods, per_exchange, flags, year, vintages, basis)


def _flag(entity: str, method: str, flag: str, detail: str) -> dict[str, str]:
    return {"entity": entity, "method": method, "flag": flag, "detail": detail}
