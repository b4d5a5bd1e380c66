"""Score every candidate: match a chunk of offers, price its candidates from the templates.

``score_candidates`` enumerates the templates a park can produce (one per synergy × offer
variant × need variant, :mod:`lcasym.discovery.templates`), prices them once with the
engine (:mod:`lcasym.discovery.pricing`) and then runs, per chunk of offers and like the
Monte Carlo (:func:`lcasym.calc.distributed.map_chunks`: in-process, ``workers=N`` or
``scheduler=...``), matching and the per-candidate arithmetic

    net per unit = δ·D₁ + W₁ − X₁ − d·T₁ − F₁                     (every method)
    cost per unit = δ·price(need) + disposal cost(offer) − c_t·m·d   (the known parts)

with c_t the park's transport cost per t·km and m the tonnes per offer unit. Chunks are
concatenated and put in one canonical order (synergy, offer, need), so the result is the
same for any number of chunks and workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lcasym.discovery.knowledge import KnowledgeBase
from lcasym.discovery.matching import PairBlock, ParkArrays, match_chunk
from lcasym.discovery.model import Need, Offer, OperationsInventory
from lcasym.discovery.pricing import UnitComponents
from lcasym.discovery.templates import Template, TemplateKey, resolve_template, template_key
from lcasym.errors import BackgroundError, InputError, Problem
from lcasym.units import UnitError, conversion_factor

PURCHASE, DISPOSAL, TRANSPORT = 1, 2, 4
#: Pairs above which excluded pairs are only counted, not kept one by one.
KEEP_EXCLUDED_LIMIT = 200_000


@dataclass(frozen=True)
class Lookup:
    """Per synergy: each offer's and need's variant (−1: other flow), variants -> template."""

    offer_variant: np.ndarray
    need_variant: np.ndarray
    table: np.ndarray


def _offer_paths(inv: OperationsInventory) -> list[tuple]:
    return [
        ("facilities", i, "offers", j) for i, f in enumerate(inv.facilities)
        for j in range(len(f.offers))
    ]  # fmt: skip


def _need_paths(inv: OperationsInventory) -> list[tuple]:
    return [
        ("facilities", i, "needs", j) for i, f in enumerate(inv.facilities)
        for j in range(len(f.needs))
    ]  # fmt: skip


def check_background(
    inv: OperationsInventory, kb: KnowledgeBase, index: Any, locate: Callable
) -> list[Problem]:
    """Located problems of the activities an inventory names (``currently``) and their units."""
    database = inv.park.background.database
    problems = []
    for side, paths, pairs in (
        ("offer", _offer_paths(inv), inv.offers()),
        ("need", _need_paths(inv), inv.needs()),
    ):
        for path, (_facility, item) in zip(paths, pairs, strict=True):
            current = item.currently if isinstance(item, Offer | Need) else None
            if current is None:
                continue
            where = locate((*path, "currently"))
            try:
                info = index.resolve(current, default_database=database)
                conversion_factor(item.unit, info.unit)
            except BackgroundError as exc:
                problems.append(Problem(str(exc), where))
            except UnitError:
                what = "treats one unit of the offer" if side == "offer" else "supplies one unit"
                problems.append(
                    Problem(
                        f"{info.label()} is in {info.unit!r}, which does not convert to the "
                        f"{side}'s unit {item.unit!r}: 'currently' must name an activity that "
                        f"{what} (e.g. a useful-heat activity for a heat need)",
                        where,
                    )
                )
    return problems


def build_templates(
    inv: OperationsInventory,
    kb: KnowledgeBase,
    arrays: ParkArrays,
    index: Any,
    locate: Callable,
) -> tuple[list[Template], dict[int, Lookup]]:
    """Every template the park can produce, resolved, and the lookup from pairs to them.

    Raises
    ------
    InputError
        Every located problem of the named activities, before any pricing.
    """
    problems = check_background(inv, kb, index, locate)
    if problems:
        raise InputError(problems, str(locate(())) or "inventory")
    offers, needs = inv.offers(), inv.needs()
    need_paths = _need_paths(inv)
    database = inv.park.background.database
    templates: list[Template] = []
    seen: dict[TemplateKey, int] = {}
    lookups: dict[int, Lookup] = {}
    for si, s in enumerate(kb.synergies):
        o_idx = np.nonzero(arrays.offers.flow == s.supply)[0]
        n_idx = np.nonzero(arrays.needs.flow == s.demand)[0]
        if not len(o_idx) or not len(n_idx):
            continue
        o_var = np.full(len(offers), -1, dtype=np.int64)
        n_var = np.full(len(needs), -1, dtype=np.int64)
        o_keys: dict[tuple, int] = {}
        n_keys: dict[tuple, int] = {}
        for o in o_idx:
            facility, offer = offers[o]
            key, _ = template_key(inv, kb, s, facility, offer, needs[n_idx[0]][1])
            part = (key.offer_unit, key.treatment, key.treatment_ratio, key.forgone,
                    key.supplier_location)  # fmt: skip
            o_var[o] = o_keys.setdefault(part, len(o_keys))
        for n in n_idx:
            need = needs[n][1]
            n_part = (need.unit, need.currently)
            n_var[n] = n_keys.setdefault(n_part, len(n_keys))
        # One example pair per (offer variant, need variant): the first of each.
        o_first = o_idx[np.unique(o_var[o_idx], return_index=True)[1]]
        n_first = n_idx[np.unique(n_var[n_idx], return_index=True)[1]]
        table = np.full((len(o_keys), len(n_keys)), -1, dtype=np.int64)
        for o in o_first:
            for n in n_first:
                ov, nv = int(o_var[o]), int(n_var[n])
                key, note = template_key(inv, kb, s, offers[o][0], offers[o][1], needs[n][1])
                if key not in seen:
                    where = f"{locate((*need_paths[n], 'flow'))} (synergy {s.id})"
                    templates.append(resolve_template(key, kb, index, database, where, note))
                    seen[key] = len(templates) - 1
                table[ov, nv] = seen[key]
        lookups[si] = Lookup(o_var, n_var, table)
    return templates, lookups


@dataclass(frozen=True)
class Shared:
    """What every chunk needs (sent once to each Dask worker)."""

    arrays: ParkArrays
    lookups: dict[int, Lookup]
    unit: UnitComponents
    mass_per_unit: np.ndarray  # per template, NaN without transport
    need_price: np.ndarray
    offer_disposal: np.ndarray
    transport_cost: float  # NaN when unknown
    chunks: tuple[np.ndarray, ...]
    keep_excluded: bool


@dataclass(frozen=True)
class Scored:
    """Candidates with their template, unit scores and unit cost; excluded pairs."""

    candidates: PairBlock
    template: np.ndarray
    net_per_unit: np.ndarray  # (n, n_methods), per offer unit
    cost_per_unit: np.ndarray  # NaN when no cost part is known
    cost_basis: np.ndarray  # bit set of PURCHASE, DISPOSAL, TRANSPORT
    excluded: PairBlock | None
    reason_bits: np.ndarray  # of every excluded pair (kept even when pairs are not)

    def select(self, order: np.ndarray) -> Scored:
        """The candidates in ``order`` (a permutation or subset)."""
        return Scored(
            self.candidates.select(order), self.template[order], self.net_per_unit[order],
            self.cost_per_unit[order], self.cost_basis[order], self.excluded, self.reason_bits,
        )  # fmt: skip


def _templates_of(shared: Shared, block: PairBlock) -> np.ndarray:
    out = np.full(len(block.offer), -1, dtype=np.int64)
    for si in np.unique(block.synergy):
        rows = block.synergy == si
        look = shared.lookups[int(si)]
        ov, nv = look.offer_variant[block.offer[rows]], look.need_variant[block.need[rows]]
        out[rows] = look.table[ov, nv]
    return out


def score_chunk(c: int, shared: Shared) -> Scored:
    """Match and score chunk ``c`` of the offers."""
    pairs = match_chunk(shared.arrays, shared.chunks[c])
    ok = pairs.reasons == 0
    cand = pairs.select(ok)
    t = _templates_of(shared, cand)
    net = shared.unit.net_per_unit(t, cand.delivers, cand.distance)
    purchase = cand.delivers * shared.need_price[cand.need]
    disposal = shared.offer_disposal[cand.offer]
    freight = shared.transport_cost * np.nan_to_num(shared.mass_per_unit[t]) * cand.distance
    has_freight = ~np.isnan(shared.mass_per_unit[t]) & (cand.distance > 0)
    if np.isnan(shared.transport_cost):
        has_freight &= False
    basis = (
        np.where(~np.isnan(purchase), PURCHASE, 0)
        | np.where(~np.isnan(disposal), DISPOSAL, 0)
        | np.where(has_freight, TRANSPORT, 0)
    )
    cost = np.nan_to_num(purchase) + np.nan_to_num(disposal) - np.where(has_freight, freight, 0)
    cost = np.where(basis & (PURCHASE | DISPOSAL), cost, np.nan)
    excluded = pairs.select(~ok)
    return Scored(
        cand, t, net, cost, basis,
        excluded if shared.keep_excluded else None, excluded.reasons,
    )  # fmt: skip


def merge(parts: list[Scored], keep_excluded: bool) -> Scored:
    """Concatenate chunk results and sort candidates by (synergy, offer, need)."""
    cand = PairBlock.concat([p.candidates for p in parts])
    n_m = parts[0].net_per_unit.shape[1] if parts else 0
    merged = Scored(
        cand,
        np.concatenate([p.template for p in parts]) if parts else np.zeros(0, np.int64),
        np.concatenate([p.net_per_unit for p in parts]) if parts else np.zeros((0, n_m)),
        np.concatenate([p.cost_per_unit for p in parts]) if parts else np.zeros(0),
        np.concatenate([p.cost_basis for p in parts]) if parts else np.zeros(0, np.int64),
        None,
        np.concatenate([p.reason_bits for p in parts]) if parts else np.zeros(0, np.int64),
    )
    order = np.lexsort((cand.need, cand.offer, cand.synergy))
    merged = merged.select(order)
    if keep_excluded:
        ex = PairBlock.concat([p.excluded for p in parts if p.excluded is not None])
        ex = ex.select(np.lexsort((ex.need, ex.offer, ex.synergy)))
        merged = replace(merged, excluded=ex)
    return merged


def shared_inputs(
    inv: OperationsInventory,
    arrays: ParkArrays,
    lookups: dict[int, Lookup],
    templates: list[Template],
    unit: UnitComponents,
    chunks: int,
    keep_excluded: bool,
) -> Shared:
    """Bundle the arrays every chunk reads."""
    offers = [o for _f, o in inv.offers()]
    needs = [n for _f, n in inv.needs()]
    cost = inv.park.transport_cost
    return Shared(
        arrays=arrays,
        lookups=lookups,
        unit=unit,
        mass_per_unit=np.array(
            [t.mass_per_unit if t.mass_per_unit is not None else np.nan for t in templates],
            dtype=float,
        ),
        need_price=np.array([n.price for n in needs], dtype=float),
        offer_disposal=np.array([o.disposal_cost for o in offers], dtype=float),
        transport_cost=float("nan") if cost is None else float(cost),
        chunks=tuple(np.array_split(np.arange(len(offers)), max(1, chunks))),
        keep_excluded=keep_excluded,
    )
