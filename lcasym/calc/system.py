"""The background as matrices, factorised once and reused for every scenario and method.

``LcaSystem.from_brightway`` loads the technosphere ``A`` (products × activities),
biosphere ``B`` (flows × activities) and the characterisation factors of every method
with bw2calc's own machinery (``MultiLCA`` data objects, the same datapackages a plain
``bw2calc.LCA`` reads), factorises ``A`` once (PARDISO when installed, SuperLU otherwise)
and solves the transposed system for all methods at once:

    Aᵀ Λ = Bᵀ C,    C[:, m] = characterisation factors of method m    (flows × methods)

Row ``p`` of ``Λ`` (products × methods) is the score of one unit of product ``p``, so the
score of any demand ``f`` is ``fᵀ Λ``: a foreground scenario is a small dense product.
The same factorisation serves forward solves ``A s = f`` (contribution analysis).

Background Monte Carlo (``use_distributions=True``) keeps the sparsity pattern of ``A``
and ``B``: each draw writes new values into the same CSR data arrays, and ``A`` is
re-factorised numerically only (the symbolic analysis is done once). See
``BackgroundModel``.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from lcasym.calc.contributions import BATCH, Screen, TopContributions, top_contributions
from lcasym.calc.progress import Progress
from lcasym.calc.sampling import draw_stats_arrays, type_groups
from lcasym.calc.threads import in_draw_thread
from lcasym.errors import (
    CalculationError,
    MissingMethodError,
    NoDistributionsError,
    OutsideSystemError,
    SingularSystemError,
)

log = logging.getLogger(__name__)
Key = tuple[str, str]

try:  # pragma: no cover - depends on the platform
    from pypardiso.pardiso_wrapper import PyPardisoSolver

    PARDISO = True
except ImportError:  # pragma: no cover
    PyPardisoSolver = None
    PARDISO = False

_SOLVER_TEMPLATE: list = []


def new_pardiso_solver():
    """A fresh PARDISO handle; MKL is located and loaded once per process.

    ``PyPardisoSolver()`` searches for the MKL library on every call (``find_library``
    runs a subprocess: 0.2–0.6 s); later solvers copy the first one's library handle and
    get their own, empty PARDISO state (``pt``, ``iparm``, ``perm``).
    """
    if not _SOLVER_TEMPLATE:
        _SOLVER_TEMPLATE.append(PyPardisoSolver())
    solver = copy.copy(_SOLVER_TEMPLATE[0])
    solver.pt = np.zeros_like(solver.pt)
    solver.iparm = np.zeros_like(solver.iparm)
    solver.perm = np.zeros(0, dtype=np.int32)
    solver.factorized_A = sparse.csr_matrix((0, 0))
    solver.phase = 13
    return solver


def mkl_library():
    """The MKL library PARDISO runs in (``ctypes.CDLL``), or ``None`` without PARDISO."""
    return new_pardiso_solver().libmkl if PARDISO else None


class Factorisation:
    """LU factorisation of a square CSR matrix reused for ``A x = b`` and ``Aᵀ y = b``.

    ``refactorise(data)`` replaces the values (same sparsity pattern) and factorises
    numerically only, reusing the symbolic analysis (PARDISO phase 22).
    ``original`` holds the values it was built with: a factorisation shared between a
    system and its background Monte Carlo is put back to them (``dirty``) when the system
    next solves with it, not after every run of draws.
    """

    def __init__(self, matrix: sparse.csr_matrix) -> None:
        self.matrix = sparse.csr_matrix(matrix, dtype=np.float64, copy=True)
        self.shared = False
        self.dirty = False  # holds other values than ``original`` (a background draw)
        self.matrix.sort_indices()
        self.original = self.matrix.data.copy()
        if PARDISO:
            if not np.diff(self.matrix.indptr).all():
                raise SingularSystemError("technosphere matrix has an empty row: it is singular")
            self._solver = new_pardiso_solver()
            self._run(11, np.zeros((self.matrix.shape[0], 1)))
            # iparm[7] = 0: iterative refinement only after perturbed pivots. MKL's default
            # for mtype 11 (2 steps after every solve) triples the cost of a solve; the
            # residuals without it are at machine precision (2e-16 on the benchmark).
            self._solver.iparm[7] = 0
            self._run(22, np.zeros((self.matrix.shape[0], 1)))
        else:
            self._factor()

    def _factor(self) -> None:
        from scipy.sparse.linalg import splu

        try:
            self._lu = splu(self.matrix.tocsc())
        except RuntimeError as exc:
            raise SingularSystemError(f"technosphere matrix is singular: {exc}") from exc

    def _run(self, phase: int, rhs: np.ndarray, transposed: bool = False) -> np.ndarray:
        self._solver.set_phase(phase)
        self._solver.set_iparm(12, 2 if transposed else 0)
        try:
            return self._solver._call_pardiso(self.matrix, np.asfortranarray(rhs))
        except Exception as exc:
            raise CalculationError(f"PARDISO failed in phase {phase}: {exc}") from exc

    def refactorise(self, data: np.ndarray) -> None:
        """Put new values into the matrix (same pattern) and factorise numerically."""
        self.dirty = data is not self.original
        self.matrix.data[:] = data
        if PARDISO:
            self._run(22, np.zeros((self.matrix.shape[0], 1)))
        else:
            self._factor()

    def solve(self, rhs: np.ndarray, *, transposed: bool = False) -> np.ndarray:
        """Solve ``A x = rhs`` (or ``Aᵀ x = rhs``); ``rhs`` is (n,) or (n, k)."""
        rhs = np.asarray(rhs, dtype=np.float64)
        flat = rhs.ndim == 1
        block = rhs.reshape(rhs.shape[0], -1)
        if block.shape[1] == 0:
            return np.zeros_like(block)
        if PARDISO:
            x = self._run(33, block, transposed)
        else:
            x = self._lu.solve(np.asarray(block), trans="T" if transposed else "N")
        x = np.asarray(x).reshape(block.shape)
        return x[:, 0] if flat else x

    def __del__(self) -> None:  # release PARDISO memory
        solver = getattr(self, "_solver", None)
        if solver is not None:
            with contextlib.suppress(Exception):
                solver.free_memory(everything=True)

    def __getstate__(self):
        return {"matrix": self.matrix}

    def __setstate__(self, state) -> None:
        Factorisation.__init__(self, state["matrix"])


@dataclass
class UncertainEntries:
    """Matrix entries with a distribution, and where they go in the CSR data array.

    ``value = base + Σ factor · (draw − original)`` at ``positions`` (duplicates add up,
    as in bw2calc); ``factor`` is −1 for flipped (technosphere input) entries, times any
    rescale. For the characterisation matrices ``positions`` index ``flow · n_methods + m``.
    """

    positions: np.ndarray
    params: np.ndarray
    original: np.ndarray
    factor: np.ndarray

    @classmethod
    def concat(cls, parts: Sequence[UncertainEntries]) -> UncertainEntries:
        """Join several groups of entries."""
        if not parts:
            return cls(
                np.zeros(0, np.int64), np.zeros(0, _params_dtype()), np.zeros(0), np.zeros(0)
            )
        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("positions", "params", "original", "factor")
            )
        )

    def delta(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Change of the flat data array for one draw: ``bincount(positions, factor·Δ)``."""
        if not len(self.positions):
            return np.zeros(size)
        if getattr(self, "_groups", None) is None:
            self._groups = type_groups(self.params, self.original)
        draws = draw_stats_arrays(self.params, self.original, rng, groups=self._groups)
        return np.bincount(
            self.positions, weights=self.factor * (draws - self.original), minlength=size
        )


def _params_dtype():
    from bw_processing import UNCERTAINTY_DTYPE

    return np.dtype(UNCERTAINTY_DTYPE)


def _csr_positions(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Index into ``matrix.data`` of each (row, col) (the matrix must contain them all)."""
    ncols = np.int64(matrix.shape[1])
    row_of = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    keys = row_of * ncols + matrix.indices.astype(np.int64)
    wanted = rows.astype(np.int64) * ncols + cols.astype(np.int64)
    pos = np.searchsorted(keys, wanted)
    if len(wanted) and (pos.max() >= len(keys) or not np.array_equal(keys[pos], wanted)):
        raise CalculationError("uncertain entries do not match the matrix structure")
    return pos


def _uncertain_entries(mm, locate) -> UncertainEntries:
    """Collect the vector groups with distributions of a ``matrix_utils.MappedMatrix``."""
    parts, later_overwrites = [], np.zeros(0, np.int64)
    for group in reversed(mm.groups):
        if group.empty or not group.vector:
            continue
        pos = locate(group.row_masked, group.col_masked)
        overwrite = not group.package.metadata.get("sum_inter_duplicates", False)
        if group.has_distributions and group.is_vector():
            params = group.apply_masks(group.get_resource_by_suffix("distributions"))
            original = group.apply_masks(group.get_resource_by_suffix("data")).astype(float)
            factor = np.ones(len(pos))
            if group.has_flip:
                factor[group.flip] = -1.0
            if group.has_rescale:
                factor *= group.rescale
            keep = ~np.isin(pos, later_overwrites) & ~np.isnan(original)
            keep &= ~np.isin(params["uncertainty_type"], (0, 1))
            parts.append(UncertainEntries(pos[keep], params[keep], original[keep], factor[keep]))
        if overwrite:
            later_overwrites = np.union1d(later_overwrites, pos)
    return UncertainEntries.concat(parts)


@dataclass
class BackgroundModel:
    """Everything a worker needs for background draws: plain arrays, picklable.

    One draw: ``A.data = A₀.data + δA``, ``B.data = B₀.data + δB``, ``C = C₀ + δC``;
    ``A`` re-factorised numerically; then the scores of the ``rows`` products.
    """

    technosphere: sparse.csr_matrix
    biosphere: sparse.csr_matrix
    factors: np.ndarray  # (n_flows, n_methods)
    a_entries: UncertainEntries
    b_entries: UncertainEntries
    c_entries: UncertainEntries
    token: str = ""

    def sample(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One draw: new data of ``A`` and ``B`` and new ``C`` (in this order from ``rng``)."""
        a = self.technosphere.data + self.a_entries.delta(rng, self.technosphere.nnz)
        b = self.biosphere.data + self.b_entries.delta(rng, self.biosphere.nnz)
        delta_c = self.c_entries.delta(rng, self.factors.size)
        return a, b, self.factors + delta_c.reshape(self.factors.shape)

    def states(
        self, rng: np.random.Generator, n: int
    ) -> Iterator[tuple[Factorisation, sparse.csr_matrix, np.ndarray]]:
        """Yield ``n`` resampled ``(factorised A, B, C)``; valid until the next draw."""
        fact = _factorisation(self)
        biosphere = self.biosphere.copy()
        for _ in range(n):
            a, biosphere.data, factors = self.sample(rng)
            fact.refactorise(a)
            yield fact, biosphere, factors

    def draws(self, rng: np.random.Generator, rows: np.ndarray, n: int) -> Iterator[np.ndarray]:
        """Yield ``n`` resampled score blocks (len(rows), n_methods) of the given products."""
        for fact, biosphere, factors in self.states(rng, n):
            yield scores_for_rows(fact, biosphere, factors, rows)


_FACTORISATIONS: dict[str, Factorisation] = {}


def _factorisation(model: BackgroundModel) -> Factorisation:
    """One analysed factorisation per process (or draw thread) and background, by token.

    In the process that loaded the system it is the system's own factorisation
    (``LcaSystem.factorisation`` registers it), so a background Monte Carlo does not
    analyse ``A`` a second time. A thread of ``lcasym.calc.threads`` analyses its own:
    PARDISO must factorise with the thread count it analysed with.
    """
    cache = in_draw_thread()
    if cache is None:
        cache = _FACTORISATIONS
    fact = cache.get(model.token)
    if fact is None:
        cache.clear()
        fact = cache[model.token] = Factorisation(model.technosphere)
    return fact


def scores_for_rows(
    fact: Factorisation, biosphere: sparse.csr_matrix, factors: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Scores of one unit of the ``rows`` products, (len(rows), n_methods).

    Adjoint ``Λ = A⁻ᵀ Bᵀ C`` when there are more products than methods, else forward
    ``S = A⁻¹ I_rows`` and ``Cᵀ B S``: whichever needs fewer right-hand sides.
    """
    n_methods = factors.shape[1]
    if len(rows) > n_methods:
        return fact.solve(np.asarray(biosphere.T @ factors), transposed=True)[rows]
    demand = np.zeros((fact.matrix.shape[0], len(rows)))
    demand[rows, np.arange(len(rows))] = 1.0
    return np.asarray((biosphere @ fact.solve(demand)).T @ factors)


@dataclass
class LcaSystem:
    """A factorised background and its unit scores for several methods.

    Attributes
    ----------
    index
        ``(database, code) -> row`` of the product in ``A`` (and in ``unit_scores()``).
    keys
        ``(database, code)`` of every product row.
    methods, method_units
        The impact categories (columns of ``unit_scores()``) and their units.
    """

    technosphere: sparse.csr_matrix
    biosphere: sparse.csr_matrix
    factors: np.ndarray
    index: Mapping[Key, int]
    activity_index: Mapping[Key, int]
    methods: tuple[tuple[str, ...], ...]
    method_units: tuple[str, ...]
    background: BackgroundModel | None = None
    names: Mapping[Key, str] = field(default_factory=dict)
    _lambda: np.ndarray | None = field(default=None, repr=False)
    _fact: Factorisation | None = field(default=None, repr=False)
    _direct: np.ndarray | None = field(default=None, repr=False)
    _screen: Screen | None = field(default=None, repr=False)
    _top: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_brightway(
        cls,
        databases_or_roots: Iterable,
        *,
        methods: Sequence[tuple[str, ...]],
        use_distributions: bool = False,
        seed: int | None = None,
    ) -> LcaSystem:
        """Load the matrices of everything the given databases (or activities) link to.

        ``databases_or_roots``: database names, ``(database, code)`` keys or nodes; the
        system holds these databases and all their dependencies (``find_graph_dependents``).
        ``use_distributions`` keeps the uncertainty of the matrices for ``resampled``.
        ``seed`` is unused (kept for a stable signature; draws take their own seeds).
        """
        return _load(cls, databases_or_roots, tuple(tuple(m) for m in methods), use_distributions)

    @property
    def factorisation(self) -> Factorisation:
        """The one factorisation of ``A`` (built on first use)."""
        if self._fact is None:
            token = self.background.token if self.background is not None else None
            cached = _FACTORISATIONS.get(token) if token else None
            self._fact = cached or Factorisation(self.technosphere)
            if token:
                self._fact.shared = True
                _FACTORISATIONS.clear()
                _FACTORISATIONS[token] = self._fact
        if self._fact.dirty:  # background draws left their values in it
            self._fact.refactorise(self._fact.original)
        return self._fact

    def unit_scores(self) -> np.ndarray:
        """``Λ`` (n_products, n_methods): solves ``Aᵀ Λ = Bᵀ C`` once for all methods."""
        if self._lambda is None:
            rhs = np.asarray(self.biosphere.T @ self.factors)
            self._lambda = self.factorisation.solve(rhs, transposed=True)
            residual = self.technosphere.T @ self._lambda - rhs
            scale = np.abs(rhs).max(axis=0) + 1e-300
            if not np.all(np.abs(residual).max(axis=0) <= 1e-8 * scale):
                raise SingularSystemError(
                    "the technosphere matrix is singular or badly "
                    "conditioned: the solve did not converge"
                )
        return self._lambda

    def rows(self, keys: Iterable[Key]) -> np.ndarray:
        """Product rows of ``(database, code)`` keys; raises ``CalculationError`` if unknown."""
        keys = [(k[0], k[1]) for k in keys]
        missing = [k for k in keys if k not in self.index]
        if missing:
            raise OutsideSystemError(
                f"activities not in the calculation system: {missing[:5]}; "
                "load the system from the databases that hold them"
            )
        return np.array([self.index[k] for k in keys], dtype=np.int64)

    def scores_of(self, keys: Iterable[Key]) -> np.ndarray:
        """Rows of ``Λ`` for these keys: (n_keys, n_methods)."""
        return self.unit_scores()[self.rows(keys)]

    def direct_scores(self) -> np.ndarray:
        """``d = Bᵀ C`` (n_activities, n_methods): score of each activity's own emissions."""
        if self._direct is None:
            self._direct = np.asarray(self.biosphere.T @ self.factors)
        return self._direct

    def top_contributions(
        self, keys: Sequence[Key], *, top: int, progress: Progress | None = None
    ) -> dict[Key, TopContributions]:
        """Top ``top`` contributing activities of one unit of each key (cached per system).

        One forward solve per key not seen before, ``contributions.BATCH`` keys per call of
        the existing factorisation (see :mod:`lcasym.calc.contributions`).
        """
        wanted: list[Key] = list(dict.fromkeys((k[0], k[1]) for k in keys))
        todo = [k for k in wanted if (k, top) not in self._top]
        if todo:
            rows = [int(r) for r in self.rows(todo)]
            direct, solve = self.direct_scores(), self.factorisation.solve
            if self._screen is None:
                self._screen = Screen.of(direct)
            for start in range(0, len(todo), BATCH):
                part = todo[start : start + BATCH]
                found = top_contributions(solve, direct, rows[start : start + BATCH], top=top,
                                          screen=self._screen)  # fmt: skip
                self._top.update({(k, top): t for k, t in zip(part, found, strict=True)})
                if progress is not None:
                    progress(min(start + BATCH, len(todo)), len(todo), "contributions")
        return {k: self._top[(k, top)] for k in wanted}

    def contributions(self, key: Key, *, top: int = 10) -> pd.DataFrame:
        """Background activities that drive the score of one unit of ``key``.

        ``s = A⁻¹ e_key`` (supply), contribution of activity j to method m:
        ``g_jm = s_j Σ_f B_fj C_fm``; share ``g_jm / Σ_j g_jm``. The ``top`` activities by
        ``|g_jm|`` per method (activities that contribute nothing are left out), columns:
        method, rank, database, code, name, amount, score, share.
        """
        found = self.top_contributions([key], top=top)[(key[0], key[1])]
        cols = self.activity_keys()
        records = []
        for m, method in enumerate(self.methods):
            total = found.total[m]
            for rank, j in enumerate(found.activity[:, m], 1):
                if j < 0:
                    break
                db, code = cols[int(j)]
                records.append(
                    {
                        "method": method,
                        "rank": rank,
                        "database": db,
                        "code": code,
                        "name": self.names.get((db, code), ""),
                        "amount": found.amount[rank - 1, m],
                        "score": found.score[rank - 1, m],
                        "share": found.score[rank - 1, m] / total if total else np.nan,
                    }
                )
        return pd.DataFrame.from_records(
            records,
            columns=["method", "rank", "database", "code", "name", "amount", "score", "share"],
        )

    def activity_keys(self) -> list[Key]:
        """``(database, code)`` of every activity column, in column order."""
        cols = {i: k for k, i in self.activity_index.items()}
        return [cols[i] for i in range(len(cols))]

    def resampled(
        self, *, seed: int, draws: int, keys: Iterable[Key] | None = None
    ) -> Iterator[np.ndarray]:
        """Iterator over ``draws`` background samples of ``Λ`` rows (n_keys, n_methods).

        ``keys=None`` gives all products. Each draw resamples ``A``, ``B`` and ``C`` from
        their distributions and re-factorises ``A`` numerically. Reproducible from ``seed``
        (``numpy.random.default_rng(seed)``); needs ``use_distributions=True``.
        """
        if self.background is None:
            raise NoDistributionsError(
                "load the system with use_distributions=True for background Monte Carlo"
            )
        rows = np.arange(self.technosphere.shape[0]) if keys is None else self.rows(keys)
        return self.background.draws(np.random.default_rng(seed), rows, draws)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_fact"] = None
        state["_top"] = {}
        return state


def _load(
    cls, roots: Iterable, methods: tuple[tuple[str, ...], ...], use_distributions: bool
) -> LcaSystem:
    import uuid

    import bw2data as bd
    from bw2calc import MultiLCA
    from bw2data.backends import ActivityDataset as Nodes

    wanted = []
    for root in roots:
        name = (
            root
            if isinstance(root, str)
            else root[0]
            if isinstance(root, tuple)
            else root["database"]
        )
        if name not in bd.databases:
            raise CalculationError(
                f"database {name!r} is not in Brightway project {bd.projects.current!r}"
            )
        wanted.append(name)
    if not wanted or not methods:
        raise CalculationError("give at least one database and one method")
    unknown = [m for m in methods if m not in bd.methods]
    if unknown:
        raise MissingMethodError(
            f"methods not in project {bd.projects.current!r}: {unknown}; install them with "
            "`lcasym setup --methods FAMILY`"
        )
    names = sorted(set.union(*(bd.Database(n).find_graph_dependents() for n in wanted)))
    data_objs = [bd.Database(n).datapackage() for n in names]
    data_objs += [bd.Method(m).datapackage() for m in methods]
    any_id = Nodes.select(Nodes.id).where(Nodes.database == wanted[0]).limit(1).scalar()
    lca = MultiLCA(
        demands={"root": {any_id: 1.0}},
        method_config={"impact_categories": list(methods)},
        data_objs=data_objs,
    )
    lca.load_lci_data()
    with warnings.catch_warnings():
        # A method whose factors miss every flow of the data is reported by the results
        # layer (provenance "methods_all_zero"), not as a warning on the user's terminal.
        warnings.filterwarnings("ignore", message="All values in characterization matrix")
        lca.load_lcia_data()
    technosphere = sparse.csr_matrix(lca.technosphere_matrix, dtype=np.float64, copy=True)
    technosphere.sort_indices()
    biosphere = sparse.csr_matrix(lca.biosphere_matrix, dtype=np.float64, copy=True)
    biosphere.sort_indices()
    factors = np.column_stack([lca.characterization_matrices[m].diagonal() for m in methods])
    ids = {
        i: ((d, c), nm)
        for i, d, c, nm in Nodes.select(Nodes.id, Nodes.database, Nodes.code, Nodes.name)
        .where(Nodes.database << names)
        .tuples()
    }
    product = {ids[i][0]: r for i, r in lca.technosphere_mm.row_mapper.to_dict().items()}
    activity = {ids[i][0]: c for i, c in lca.technosphere_mm.col_mapper.to_dict().items()}
    units = tuple(bd.Method(m).metadata.get("unit", "") for m in methods)
    background = None
    if use_distributions:
        n_m = len(methods)
        c_parts = [
            _uncertain_entries(
                lca.characterization_mm_dict[m], lambda r, _c, m=j: r.astype(np.int64) * n_m + m
            )
            for j, m in enumerate(methods)
        ]
        background = BackgroundModel(
            technosphere,
            biosphere,
            factors,
            _uncertain_entries(
                lca.technosphere_mm, lambda r, c: _csr_positions(technosphere, r, c)
            ),
            _uncertain_entries(lca.biosphere_mm, lambda r, c: _csr_positions(biosphere, r, c)),
            UncertainEntries.concat(c_parts),
            token=uuid.uuid4().hex,
        )
    log.info(
        "loaded %d activities, %d flows, %d methods from %s",
        technosphere.shape[1],
        biosphere.shape[0],
        len(methods),
        ", ".join(names),
    )
    return cls(
        technosphere,
        biosphere,
        factors,
        product,
        activity,
        methods,
        units,
        background,
        {k: nm for k, nm in ids.values()},
    )
