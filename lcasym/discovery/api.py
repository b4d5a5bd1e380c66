"""``discover(inventory) -> Opportunities``: the one chain behind every face of discovery.

read_inventory -> knowledge base -> arrays -> templates (located checks) -> engine: template
prices (factorised background, every method) -> per chunk of offers (in-process or Dask):
match + score -> merge (canonical order).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lcasym.discovery.knowledge import KnowledgeBase, load_knowledge_base
from lcasym.discovery.matching import Matching, ParkArrays, split_matching
from lcasym.discovery.model import OperationsInventory
from lcasym.discovery.pricing import price_templates
from lcasym.discovery.reading import LoadedInventory, load_inventory
from lcasym.discovery.result import Opportunities
from lcasym.discovery.scoring import (
    KEEP_EXCLUDED_LIMIT,
    build_templates,
    merge,
    score_chunk,
    shared_inputs,
)
from lcasym.io.locate import PathLocator

log = logging.getLogger(__name__)


def _loaded(
    inventory: OperationsInventory | LoadedInventory | str | Path, kb: KnowledgeBase
) -> LoadedInventory:
    if isinstance(inventory, LoadedInventory):
        return inventory
    if isinstance(inventory, OperationsInventory):
        from lcasym.discovery.checks import check_inventory
        from lcasym.errors import InputError

        locate = PathLocator(inventory.model_dump(mode="json"), "inventory")
        problems = check_inventory(inventory, kb, locate)
        if any(p.severity == "error" for p in problems):
            raise InputError(problems, "inventory")
        return LoadedInventory(inventory, locate, "inventory", tuple(problems))
    return load_inventory(inventory, knowledge_base=kb)


def discover(
    inventory: OperationsInventory | LoadedInventory | str | Path,
    *,
    methods: Sequence[tuple[str, ...] | str] | None = None,
    knowledge_base: KnowledgeBase | str | Path | None = None,
    system: Any = None,
    index: Any = None,
    chunks: int | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    keep_excluded: bool | None = None,
    project: str | None = None,
    directory: str | Path | None = None,
) -> Opportunities:
    """Find and price every candidate exchange of an operations inventory.

    Parameters
    ----------
    inventory
        An :class:`OperationsInventory`, or the path of an inventory file (YAML, JSON, Excel).
    methods
        LCIA methods (keys or labels); default all EF v3.1 categories + IPCC 2021 GWP100.
    knowledge_base
        A knowledge base or its file; default the shipped ``synergy_types.yaml``.
    system, index
        A score source (``LcaSystem`` or ``UnitScores``) and an activity index
        (``BackgroundIndex``) to price with; default: the park's background database
        loaded from the Brightway project (``project``, ``directory``).
    chunks, workers, scheduler
        Chunks of offers matched and scored in turn (default: one per worker, at least 1),
        on local Dask workers or an existing scheduler; same result for any choice.
    keep_excluded
        Keep every excluded pair with its reasons (default: when there are at most
        200,000 pairs to look at; the counts per reason are always kept).

    Raises
    ------
    InputError
        Bad inventory (every problem, located), unknown activities or methods.
    """
    from lcasym.background.methods import headline_method
    from lcasym.calc.distributed import map_chunks

    kb = (
        knowledge_base
        if isinstance(knowledge_base, KnowledgeBase)
        else load_knowledge_base(knowledge_base)
    )
    loaded = _loaded(inventory, kb)
    for warning in loaded.warnings:
        log.warning("%s", warning)
    inv = loaded.inventory
    arrays = ParkArrays.from_inventory(inv, kb)
    own_engine = system is None or index is None
    if own_engine:
        from lcasym.discovery.engine import load_engine

        engine = load_engine(
            inv.park.background.database, methods=methods, project=project, directory=directory
        )
        system, index = engine.system, engine.index
    templates, lookups = build_templates(inv, kb, arrays, index, loaded.locate)
    if own_engine:  # coverage reads the activities' metadata in the project
        from lcasym.background.project import brightway_project

        with brightway_project(project, directory):
            unit = price_templates(inv, templates, system, index)
    else:
        unit = price_templates(inv, templates, system, index)
    if keep_excluded is None:
        pairs = sum(
            int((arrays.offers.flow == s.supply).sum()) * int((arrays.needs.flow == s.demand).sum())
            for s in kb.synergies
        )
        keep_excluded = pairs <= KEEP_EXCLUDED_LIMIT
    n_chunks = chunks or max(1, workers or 1)
    shared = shared_inputs(inv, arrays, lookups, templates, unit, n_chunks, keep_excluded)
    parts, execution = map_chunks(
        score_chunk, n_chunks, shared=shared, workers=workers, scheduler=scheduler
    )
    scored = merge(parts, keep_excluded)
    empty = scored.candidates.select(scored.candidates.offer < 0)
    matching = Matching(arrays, scored.candidates, scored.excluded or empty)
    methods_ = tuple(tuple(m) for m in system.methods)
    units = tuple(getattr(system, "method_units", ("",) * len(methods_)))
    return Opportunities(
        inventory=inv,
        kb=kb,
        methods=methods_,
        method_units=units,
        headline=methods_.index(headline_method(methods_)),
        matching=matching,
        templates=tuple(templates),
        unit=unit,
        scored=scored,
        execution=execution,
        locate=loaded.locate,
        source=loaded.source,
    )


__all__ = ["discover", "split_matching"]
