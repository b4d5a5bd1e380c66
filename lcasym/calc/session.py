"""The engine session: a network built once, then any number of results and what-ifs.

:func:`open_session` does every Brightway step once, in one Brightway block (one project
switch): it reads the network, checks the project is set up, resolves the methods, plans the
foreground with *all* exchanges (planned ones carry ``<id>.active = 0``), writes the
foreground databases through :func:`lcasym.inventory.build.build_foreground` (ordinary
Brightway databases, skipped when current), and takes the background system from the
process-wide cache (:mod:`lcasym.calc.system_cache`). It then factorises outside any lock.

Every later call is array work on the factorised system, with no Brightway read or write
and no lock but the background's own (contribution analysis and background Monte Carlo
share one factorisation):

- :meth:`EngineSession.result` — the full :class:`~lcasym.results.SymbiosisResult`, for
  edits (:mod:`lcasym.calc.edits`), a crediting rule, Monte Carlo, sensitivity;
  ``lcasym.calculate(network, ...)`` is ``open_session(network, ...).result(...)``;
- :meth:`EngineSession.evaluate` — component scores of one what-if (sub-millisecond);
- :meth:`EngineSession.variants` / :meth:`EngineSession.grid` — many what-ifs at once as
  one dense product, returned as a tidy table.

A session is immutable after opening and safe to share between threads.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from lcasym.calc.edits import Edit, EditsLike, edited_network, parameter_values, parse_edits
from lcasym.calc.evaluate import ComponentScores, compile_plan
from lcasym.calc.progress import Progress, as_progress
from lcasym.calc.variants import (
    BY,
    ParsedVariant,
    exchange_table,
    facility_table,
    grid_variants,
    network_table,
    parse_variants,
    select_exchanges,
)
from lcasym.errors import InputError, Problem
from lcasym.network.model import Status, SymbiosisNetwork
from lcasym.results.assemble import DEFAULT_SEED, assemble_result
from lcasym.results.crediting import RULES, check_rule, default_cff_factors
from lcasym.results.flags import concat_flags, no_uncertainty, planned_excluded
from lcasym.results.tables import credit_function

if TYPE_CHECKING:
    from lcasym.calc.system_cache import CachedSystem
    from lcasym.inventory.plan import ForegroundPlan
    from lcasym.results.coverage import Coverage
    from lcasym.results.result import SymbiosisResult

log = logging.getLogger(__name__)
By = Literal["network", "exchange", "facility"]
#: Variants evaluated per dense product, at most ...
VARIANT_CHUNK = 20_000
#: ... and no more than fit in this many bytes of intermediate arrays.
VARIANT_MEMORY = 256 * 2**20


def read_network(network: SymbiosisNetwork | str | Path) -> SymbiosisNetwork:
    """The network itself, or read (and checked) from a YAML, JSON or Excel file."""
    if isinstance(network, SymbiosisNetwork):
        return network
    from lcasym.io import read_network as read

    return read(network)


def check_resources(
    network: SymbiosisNetwork,
    draws: int,
    methods: Sequence[Any] | None,
    scheduler: Any = None,
    *,
    include_planned: bool = False,
    keep_draws: bool = False,
    background: bool = False,
) -> None:
    """Refuse, before any work, draws that cannot fit in memory and an unreachable scheduler.

    See :mod:`lcasym.calc.budget`; raises its ``LimitError`` / ``SchedulerError``, and
    ``InputError`` when ``keep_draws`` would give a ``samples`` table over its row limit.
    """
    from lcasym.calc.budget import DEFAULT_METHOD_COUNT, check_draws, check_scheduler
    from lcasym.results.samples import check_samples_size

    n = len(network.exchanges) if include_planned else len(network.operating_exchanges())
    check_draws(draws, n, len(methods) if methods else None,
                facilities=len(network.facilities), background=background,
                keep_draws=keep_draws)  # fmt: skip
    if keep_draws and draws:
        n_methods = len(methods) if methods else DEFAULT_METHOD_COUNT
        check_samples_size(draws, n, len(network.facilities), n_methods)
    if draws and isinstance(scheduler, str):
        check_scheduler(scheduler)


def check_options(
    crediting: str,
    draws: int,
    contributions_top: int | None,
    cff_defaults: Mapping[str, float] | None,
    include_planned: bool = False,
    keep_draws: bool = False,
) -> None:
    """Check a result's options before any work; raise ``InputError`` listing each problem."""
    check_rule(crediting)
    default_cff_factors(cff_defaults)
    problems = []
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        problems.append(Problem(f"draws must be an integer ≥ 0, got {draws!r}"))
    top = contributions_top
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        problems.append(Problem(f"contributions_top must be ≥ 0 or None, got {top!r}"))
    if keep_draws and not draws:
        problems.append(Problem("keep_draws needs Monte Carlo draws (draws > 0)"))
    if not isinstance(include_planned, bool):
        problems.append(Problem(f"include_planned must be True or False, got {include_planned!r}"))
    if problems:
        raise InputError(problems, source="options")


def open_session(
    network: SymbiosisNetwork | str | Path,
    *,
    methods: Sequence[tuple[str, ...] | str] | None = None,
    project: str | None = None,
    directory: str | Path | None = None,
    background_uncertainty: bool = False,
    sdg_mapping: str | Path | None = None,
    source: str | Path | None = None,
) -> EngineSession:
    """Build a network's engine session once (see the module docstring).

    Parameters
    ----------
    network
        A :class:`SymbiosisNetwork` or the path of a network file (YAML, JSON, Excel).
    methods
        LCIA method keys or labels; default all 25 EF v3.1 categories + IPCC 2021 GWP100.
    project, directory
        Brightway project and base directory (see
        :func:`lcasym.background.project.brightway_project`).
    background_uncertainty
        Load the background's distributions, so results can sample the background too.
    sdg_mapping
        A user SDG mapping file (default: the shipped one).
    source
        The file a network model was read from (default: ``network`` when it is a path);
        its path and SHA-256 go into every result's provenance.

    Raises
    ------
    InputError
        Bad network (every problem, located) or unknown methods.
    SetupError
        The Brightway project is missing or not set up (run ``lcasym setup``).
    """
    from lcasym.background.bootstrap import ensure_ready
    from lcasym.background.methods import resolve_methods
    from lcasym.background.project import brightway_project
    from lcasym.calc.system_cache import cached_system
    from lcasym.inventory.build import build_foreground
    from lcasym.results.coverage import assess_coverage
    from lcasym.results.provenance import input_provenance, provenance_of
    from lcasym.results.sdg import load_mapping

    net = read_network(network)
    if source is None and isinstance(network, str | Path):
        source = network
    mapping = load_mapping(sdg_mapping)
    # One Brightway block for every read and write: one project switch in, one out.
    with brightway_project(project, directory, create=False) as settings:
        import bw2data as bd

        ensure_ready(project, directory)  # nested: same project, no switch
        method_keys = resolve_methods(methods, list(bd.methods))
        plan = build_foreground(net)
        roots = sorted({db for db, _ in plan.targets})
        entry = cached_system(
            settings.directory,
            settings.project,
            roots,
            method_keys,
            use_distributions=bool(background_uncertainty),
        )
        provenance = provenance_of(net, plan, method_keys, project=settings.project)
        if source is not None:
            provenance.update(input_provenance(source))
        with entry.lock:
            coverage = assess_coverage(plan, entry.system, net)
    entry.prepare()  # factorisation and unit scores: array work, outside the Brightway lock
    return EngineSession(
        network=net,
        plan=plan,
        entry=entry,
        provenance=provenance,
        coverage=coverage,
        mapping=mapping,
        sdg_mapping=sdg_mapping,
        background_uncertainty=bool(background_uncertainty),
    )


class EngineSession:
    """A network's foreground and factorised background, ready for results and what-ifs.

    Open with :func:`open_session`. Attributes: ``network`` (as read), ``plan`` (every
    exchange; planned ones with ``active = 0``), ``methods`` and ``units``.
    """

    def __init__(
        self,
        *,
        network: SymbiosisNetwork,
        plan: ForegroundPlan,
        entry: CachedSystem,
        provenance: Mapping[str, Any],
        coverage: Coverage,
        mapping: Mapping[str, Any],
        sdg_mapping: str | Path | None = None,
        background_uncertainty: bool = False,
    ) -> None:
        from lcasym.background.methods import headline_method, method_label

        self.network = network
        self.plan = plan
        self._entry = entry
        system = entry.system
        self.methods: tuple[tuple[str, ...], ...] = tuple(system.methods)
        self.units: tuple[str, ...] = tuple(system.method_units)
        self.labels = tuple(method_label(m) for m in self.methods)
        self.headline = headline_method(list(self.methods))
        self._provenance = dict(provenance)
        self._coverage = coverage
        self._mapping = mapping
        self._sdg_mapping = sdg_mapping
        self.background_uncertainty = background_uncertainty
        self.compiled = compile_plan(plan)
        rows = system.rows(self.compiled.targets)
        self._k = self.compiled.coefficients(system.unit_scores()[rows])
        self._kt = self.compiled.total_coefficients(self._k)
        direct = entry.direct_scores
        self._k_direct = None if direct is None else self.compiled.coefficients(direct[rows])
        self._central = np.array([p.value for p in plan.parameters], dtype=float)
        self._pos = {p.name: i for i, p in enumerate(plan.parameters)}
        self._active = np.array(
            [self._pos[f"{x}.active"] for x in self.compiled.exchange_ids], dtype=np.int64
        )
        self._order = {x: i for i, x in enumerate(self.compiled.exchange_ids)}
        status = {x.id: x.status for x in network.exchanges}
        self._operating = np.array(
            [status[x] == Status.operating for x in self.compiled.exchange_ids], dtype=bool
        )

    def __repr__(self) -> str:
        n = len(self.network.exchanges)
        return (
            f"EngineSession({self.network.network.id!r}: {n} exchanges, "
            f"{len(self.methods)} methods, project {self._provenance.get('project')!r})"
        )

    def _repr_html_(self) -> str:
        import html

        net = self.network
        planned = sum(x.status == Status.planned for x in net.exchanges)
        items = [
            ("network", f"{net.network.name} ({net.network.id}), {net.network.reporting_year}"),
            ("exchanges", f"{len(net.exchanges)} ({planned} planned)"),
            ("facilities", str(len(net.facilities))),
            ("methods", str(len(self.methods))),
            ("uncertain parameters", str(sum(p.distribution is not None
                                             for p in self.plan.parameters))),
            ("project", str(self._provenance.get("project"))),
        ]  # fmt: skip
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in items
        )
        return f"<table><caption>lcasym EngineSession</caption>{rows}</table>"

    @property
    def system(self):
        """The shared, factorised background :class:`~lcasym.calc.system.LcaSystem`."""
        return self._entry.system

    # --- one what-if -------------------------------------------------------------------

    def _vector(
        self, edits: Sequence[Edit], include_planned: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Parameter vector and, per exchange (plan order), operating and counted flags.

        ``operating``: status after the ``active`` edits; ``counted = operating`` or all
        with ``include_planned``. The ``active`` parameters are set to ``counted``.
        """
        x = self._central.copy()
        operating = self._operating.copy()
        for e in edits:
            if e.field == "active":
                operating[self._order[e.exchange]] = bool(e.value)
            else:
                x[self._pos[e.parameter]] = float(e.value)
        counted = np.ones_like(operating) if include_planned else operating
        x[self._active] = counted
        return x, operating, counted

    def _counted_ids(self, counted: np.ndarray) -> list[str]:
        return [x for x, c in zip(self.compiled.exchange_ids, counted, strict=True) if c]

    def evaluate(self, edits: EditsLike = (), *, include_planned: bool = False) -> ComponentScores:
        """Component scores (one draw) of the counted exchanges after ``edits``.

        No Brightway read or write: ``S = P(x) · K`` with the session's coefficients. The
        new totals are ``.baseline_total``, ``.symbiosis_total`` and ``.avoided_total``.
        """
        parsed = parse_edits(edits, self.network)
        x, _, counted = self._vector(parsed, include_planned)
        scores = self.compiled.components(x[None, :], self._k, self.methods)
        return select_exchanges(scores, np.flatnonzero(counted).tolist())

    def result(
        self,
        edits: EditsLike = (),
        *,
        crediting: str = "receiver",
        cff_defaults: Mapping[str, float] | None = None,
        draws: int = 0,
        seed: int | None = None,
        workers: int | None = None,
        scheduler: str | None = None,
        sensitivity: bool = False,
        contributions_top: int | None = None,
        include_planned: bool = False,
        keep_draws: bool = False,
        progress: bool | Progress | None = None,
    ) -> SymbiosisResult:
        """The full result of the network after ``edits`` (no Brightway write).

        Parameters
        ----------
        edits
            What-if edits (:mod:`lcasym.calc.edits`); the result equals ``calculate`` on the
            network file edited the same way.
        crediting, cff_defaults
            Crediting rule and CFF overrides (:mod:`lcasym.results.crediting`).
        draws, seed
            Monte Carlo draws and seed (default :data:`DEFAULT_SEED`). Without uncertainty
            data (no parameter distribution, no background uncertainty) no Monte Carlo is
            run: the ``uncertainty`` table stays empty and a ``no uncertainty data`` flag
            says why.
        workers, scheduler
            Parallel Monte Carlo (``lcasym.calc.distributed``).
        sensitivity
            Tornado and Sobol tables for the headline method.
        contributions_top
            Background activities listed per exchange component of every exchange (0 =
            none). None: 5, for every exchange of a network of up to 200 exchanges; above,
            for the 60 exchanges with the largest ``|net|`` under the headline method (the
            exchanges the PDF lists), with a flag.
        include_planned
            Count planned exchanges too (default: kept out of the reporting year's totals,
            with a ``planned excluded`` flag each).
        keep_draws
            Return the paired Monte Carlo draws as the ``samples`` table.
        progress
            ``progress(done, total, what)`` during contributions and Monte Carlo, or
            ``True`` for ``tqdm`` bars (:mod:`lcasym.calc.progress`).
        """
        from lcasym.background.methods import method_label
        from lcasym.calc.analysis import contributions_for, sensitivity_table

        check_options(crediting, draws, contributions_top, cff_defaults, include_planned,
                      keep_draws)  # fmt: skip
        check_resources(self.network, draws, self.methods, scheduler,
                        include_planned=include_planned, keep_draws=keep_draws,
                        background=self.background_uncertainty)  # fmt: skip
        report = as_progress(progress)
        parsed = parse_edits(edits, self.network)
        seed = DEFAULT_SEED if seed is None else int(seed)
        x, _, mask = self._vector(parsed, include_planned)
        counted = self._counted_ids(mask)
        net = edited_network(self.network, parsed)
        plan = self.plan.with_values(parameter_values(parsed)).restricted(counted)
        idx = np.flatnonzero(mask).tolist()
        scores = select_exchanges(self.compiled.components(x[None, :], self._k, self.methods), idx)
        direct = None
        if self._k_direct is not None:
            d = self.compiled.components(x[None, :], self._k_direct, self.methods)
            direct = (d.displaced + d.treatment)[0][idx]
        uncertain = self._uncertainty_sources(plan)
        mc = None
        if draws and uncertain:
            credits = credit_function(net, crediting, cff_defaults)
            mc = self._monte_carlo(plan, draws, seed, workers, scheduler, keep_draws, credits,
                                   report)  # fmt: skip
        sens = None
        if sensitivity:
            sens = sensitivity_table(plan, self.system, self.methods.index(self.headline), seed)
        with self._entry.lock:  # the contribution solves share the factorisation
            head = self.methods.index(self.headline)
            contributions, contribution_flags = contributions_for(
                plan, self.system, top=contributions_top, progress=report,
                net=dict(zip(scores.exchange_ids, scores.exchange_net[0, :, head], strict=True)),
                headline=method_label(self.headline),
            )  # fmt: skip
        flags = concat_flags(
            planned_excluded(net, counted),
            None if uncertain else no_uncertainty(draws),
            contribution_flags,
        )
        prov = dict(self._provenance)
        prov.update(
            crediting_rule=crediting,
            cff_factors=default_cff_factors(cff_defaults),
            seed=seed,
            draws=mc.draws if mc is not None else 0,
            draws_requested=draws,
            uncertainty=", ".join(uncertain) if uncertain else "no uncertainty data",
            background_uncertainty=self.background_uncertainty,
            workers=getattr(mc, "workers", workers),
            execution=getattr(mc, "execution", None),
            scheduler=str(scheduler) if scheduler else None,
            headline_method=method_label(self.headline),
            sdg_mapping=str(self._sdg_mapping)
            if self._sdg_mapping
            else "lcasym/data/sdg_mapping.yaml",
            sensitivity=bool(sensitivity),
            include_planned=include_planned,
            counted_exchanges=list(counted),
            edits=[asdict(e) for e in parsed],
            date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        )
        return assemble_result(
            net,
            plan,
            scores,
            units=self.units,
            crediting=crediting,
            cff_defaults=cff_defaults,
            contributions=contributions,
            mc=mc,
            sensitivity=sens,
            seed=seed,
            mapping=self._mapping,
            provenance=prov,
            flags=flags,
            coverage=self._coverage.restricted(counted),
            direct=direct,
            indicators_network=_counted_network(net, counted),
            keep_draws=keep_draws and mc is not None,
        )

    def _uncertainty_sources(self, plan: ForegroundPlan) -> list[str]:
        """What the Monte Carlo would sample: foreground distributions, the background."""
        out = []
        n = sum(p.distribution is not None for p in plan.parameters)
        if n:
            out.append(f"foreground distributions ({n} parameters)")
        model = self.system.background
        if self.background_uncertainty and model is not None:
            entries = sum(
                len(e.positions) for e in (model.a_entries, model.b_entries, model.c_entries)
            )
            if entries:
                out.append(f"background distributions ({entries:,} matrix entries)")
        return out

    def _monte_carlo(self, plan, draws, seed, workers, scheduler, keep_draws, credits, progress):
        from lcasym.calc.montecarlo import run_monte_carlo

        if workers is not None and not self.background_uncertainty:
            # foreground-only draws cost milliseconds: local worker processes only add
            # start-up and shipping (benchmarks/README.md), so they run here
            log.info("foreground-only Monte Carlo runs in-process (faster than %d workers)",
                     workers)  # fmt: skip
            workers = None
        kwargs = dict(
            draws=draws,
            seed=seed,
            background=self.background_uncertainty,
            workers=workers,
            scheduler=scheduler,
            keep="components" if keep_draws else "auto",
            credits=credits,
            progress=progress,
        )
        if self.background_uncertainty and not (workers or scheduler):
            # In-process background draws re-factorise a per-process (per draw thread)
            # copy of A; one background's draws at a time.
            with self._entry.lock:
                return run_monte_carlo(plan, self.system, **kwargs)
        return run_monte_carlo(plan, self.system, **kwargs)

    # --- many what-ifs -----------------------------------------------------------------

    def variants(
        self,
        variants: Mapping[str, Any] | Iterable[Any],
        *,
        crediting: str = "receiver",
        by: By = "network",
        include_planned: bool = False,
        cff_defaults: Mapping[str, float] | None = None,
    ) -> pd.DataFrame:
        """Many what-ifs as one tidy table, evaluated as dense products.

        Parameters
        ----------
        variants
            A mapping name → spec or a sequence of specs; a spec is edits, a
            :class:`~lcasym.calc.variants.Variant` or a mapping with ``edits`` and/or
            ``crediting`` (the variant's own crediting rule).
        crediting
            Default crediting rule (used by ``by="facility"``).
        by
            ``"network"``: variant, method, unit, reference, with_exchanges, avoided;
            ``"exchange"``: variant, exchange, status, method, unit, displaced, treatment,
            extra, forgone, net (counted exchanges only); ``"facility"``: variant,
            crediting, facility, method, unit, credit.
        include_planned, cff_defaults
            As in :meth:`result`.

        Every variant is checked before anything is computed (``InputError`` naming the
        variant, edit and field).
        """
        parsed = parse_variants(variants, self.network, crediting=crediting)
        return self._table(parsed, by, include_planned, cff_defaults)

    def grid(
        self,
        axes: Mapping[str, Sequence[Any]] | None = None,
        *,
        by: By = "network",
        crediting: str | Sequence[str] = "receiver",
        include_planned: bool = False,
        cff_defaults: Mapping[str, float] | None = None,
        **more_axes: Sequence[Any],
    ) -> pd.DataFrame:
        """The full grid of parameter values (Cartesian product), as :meth:`variants`.

        Axes are ``"<exchange>.<field>"`` → values, in ``axes`` or as keyword arguments
        (``**{"steam.amount": [...]}`` or ``steam__amount=[...]``); a sequence of rules as
        ``crediting`` is one more axis. The table gets one column per axis.
        """
        merged = {**(axes or {}), **more_axes}
        rules = None if isinstance(crediting, str) else list(crediting)
        combos, columns = grid_variants(merged, rules)
        specs = {}
        for combo in combos:
            name = ", ".join(f"{k}={v}" for k, v in combo.items())
            edits = {k: v for k, v in combo.items() if k != "crediting"}
            specs[name] = {"edits": edits, "crediting": combo.get("crediting")}
        default = crediting if isinstance(crediting, str) else (rules or ["receiver"])[0]
        parsed = parse_variants(specs, self.network, crediting=default)
        table = self._table(parsed, by, include_planned, cff_defaults)
        axis_values = pd.DataFrame(combos, columns=columns)
        axis_values.insert(0, "variant", list(specs))
        cols = [c for c in columns if c not in table.columns]
        return table.merge(axis_values[["variant", *cols]], on="variant", how="left")[
            ["variant", *cols, *[c for c in table.columns if c != "variant"]]
        ]

    def _chunk_size(self, by: str) -> int:
        """Variants per dense product: ``VARIANT_CHUNK``, fewer when each needs much memory.

        Per variant: the parameter vector and group products (n_params + n_groups floats),
        and for ``by="exchange"``/``"facility"`` the components (n_slots × n_methods).
        """
        per = len(self._central) + len(self.compiled.groups) + 3 * len(self.methods)
        if by != "network":
            per += 2 * self.compiled.n_slots * len(self.methods)
        return max(1, min(VARIANT_CHUNK, VARIANT_MEMORY // (8 * per)))

    def _table(
        self,
        parsed: list[ParsedVariant],
        by: str,
        include_planned: bool,
        cff_defaults: Mapping[str, float] | None,
    ) -> pd.DataFrame:
        if by not in BY:
            raise InputError(
                [Problem(f"by must be one of {', '.join(BY)}, got {by!r}")], source="options"
            )
        check_options(RULES[0], 0, 0, cff_defaults, include_planned)
        frames = []
        chunk = self._chunk_size(by)
        for start in range(0, max(len(parsed), 1), chunk):
            part = parsed[start : start + chunk]
            if not part:
                break
            x = np.empty((len(part), len(self._central)))
            counted = np.zeros((len(part), len(self.compiled.exchange_ids)), dtype=bool)
            operating = np.zeros(counted.shape, dtype=bool)
            for i, v in enumerate(part):
                x[i], operating[i], counted[i] = self._vector(v.edits, include_planned)
            status = np.where(operating, Status.operating.value, Status.planned.value)
            names_ = [v.name for v in part]
            if by == "network":
                frames.append(
                    network_table(
                        names_, self.compiled.totals(x, self._kt), self.labels, self.units
                    )
                )
                continue
            scores = self.compiled.components(x, self._k, self.methods)
            if by == "exchange":
                frames.append(
                    exchange_table(names_, scores, counted, status, self.labels, self.units)
                )
            else:
                frames.append(
                    facility_table(
                        names_,
                        [v.crediting for v in part],
                        scores,
                        self.network,
                        self.labels,
                        self.units,
                        cff_defaults,
                    )
                )
        if not frames:
            from lcasym.calc.variants import (
                EXCHANGE_COLUMNS,
                FACILITY_COLUMNS,
                NETWORK_COLUMNS,
            )

            cols = {"network": NETWORK_COLUMNS, "exchange": EXCHANGE_COLUMNS}.get(
                by, FACILITY_COLUMNS
            )
            return pd.DataFrame(columns=cols)
        return pd.concat(frames, ignore_index=True)


def _counted_network(net: SymbiosisNetwork, counted: Sequence[str]) -> SymbiosisNetwork:
    """``net`` with exactly the counted exchanges operating (what the indicators count)."""
    keep = set(counted)
    if all((x.status == Status.operating) == (x.id in keep) for x in net.exchanges):
        return net
    exchanges = [
        x.model_copy(update={"status": Status.operating if x.id in keep else Status.planned})
        for x in net.exchanges
    ]
    return net.model_copy(update={"exchanges": exchanges})
