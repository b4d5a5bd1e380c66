"""Matching: every (offer, need) pair a synergy type links, kept or excluded with reasons.

For a synergy type s linking offered flow ``s.supply`` to needed flow ``s.demand``, the
pair (offer o at facility i, need n at facility j) is a **candidate** when every condition
holds; otherwise each failed condition is a reason (:data:`REASONS`):

- i ≠ j (a facility's own heat integration is not an exchange);
- the distance d(i, j) is known and ``d ≤ max_distance_km``;
- heat: ``T_o ≥ T_n + margin`` (``T_n`` the need's temperature, else the flow's default);
- steam: ``p_o ≥ p_n + margin``; quality: the offer's grade at least the synergy's
  ``min_quality`` and the need's grade;
- the property the delivered quantity depends on is given;
- the potential ``x̄`` reaches the synergy's ``min_amount`` and the need's ``min_amount``.

Quantities: δ need units per offer unit (:mod:`lcasym.discovery.knowledge`); the potential
(offer units per year) is ``x̄ = min(a_o, a_n / δ)``, and when both sides give hours per
year ``x̄ = min(a_o / h_o, a_n / (δ h_n)) · min(h_o, h_n)`` (the smaller power over the
shorter period; the hours are assumed to overlap).

Offers are processed in chunks (:func:`match_chunk`) so that a register of thousands of
facilities can be matched on Dask; the result does not depend on the chunking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from lcasym.discovery.geo import Locations
from lcasym.discovery.knowledge import Delivers, KnowledgeBase, SynergyType
from lcasym.discovery.model import OperationsInventory, Properties
from lcasym.units import conversion_factor, parse_unit, ureg

SAME_FACILITY, NO_DISTANCE, TOO_FAR, TOO_COLD, PRESSURE, QUALITY = 1, 2, 4, 8, 16, 32
NO_PROPERTY, BELOW_MIN, BELOW_NEED_MIN = 64, 128, 256
REASONS = {
    SAME_FACILITY: "same facility",
    NO_DISTANCE: "distance unknown",
    TOO_FAR: "too far",
    TOO_COLD: "temperature too low",
    PRESSURE: "pressure too low or unknown",
    QUALITY: "quality too low or unknown",
    NO_PROPERTY: "property missing",
    BELOW_MIN: "below the synergy's minimum quantity",
    BELOW_NEED_MIN: "below the need's minimum quantity",
}
CANDIDATE_COLUMNS = (
    "candidate", "synergy", "offer", "need", "supplier", "receiver", "supply_flow",
    "demand_flow", "distance_km", "potential", "unit", "delivers", "need_unit",
)  # fmt: skip


@cache
def _factor(from_unit: str, to_unit: str) -> float:
    return conversion_factor(from_unit, to_unit)


@cache
def ratio_factor(unit: str, numerator: str, denominator: str) -> float:
    """``q [unit] = q · f [numerator / denominator]`` (e.g. MJ/t -> GJ/kg)."""
    target = parse_unit(numerator) / parse_unit(denominator)
    return float(ureg.Quantity(1.0, parse_unit(unit)).to(target).magnitude)


@dataclass(frozen=True)
class Side:
    """Flat arrays of the offers (or needs) of an inventory, in file order."""

    ids: tuple[str, ...]
    facility: np.ndarray
    flow: np.ndarray  # object array of flow-type names
    amount: np.ndarray
    unit: tuple[str, ...]
    temperature: np.ndarray
    pressure: np.ndarray
    quality: tuple[str | None, ...]
    hours: np.ndarray
    min_amount: np.ndarray
    properties: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class ParkArrays:
    """Everything matching needs, as plain arrays (picklable, sent once to Dask workers)."""

    facility_ids: tuple[str, ...]
    locations: Locations
    offers: Side
    needs: Side
    kb: KnowledgeBase

    @classmethod
    def from_inventory(cls, inv: OperationsInventory, kb: KnowledgeBase) -> ParkArrays:
        """Arrays of ``inv`` (checked beforehand against ``kb``)."""
        index = {f.id: i for i, f in enumerate(inv.facilities)}

        def side(pairs, is_need: bool) -> Side:
            items = [item for _f, item in pairs]
            temps = []
            for item in items:
                default = kb.flows[item.flow].default_temperature_c if is_need else None
                temps.append(item.temperature if item.temperature is not None else default)
            props = {
                name: np.array(
                    [
                        getattr(i.properties, name) if getattr(i, "properties", None) else None
                        for i in items
                    ],
                    dtype=float,
                )
                for name in Properties.model_fields
            }
            return Side(
                ids=tuple(i.id for i in items),
                facility=np.array([index[f.id] for f, _i in pairs], dtype=np.int64),
                flow=np.array([i.flow for i in items], dtype=object),
                amount=np.array([i.amount for i in items], dtype=float),
                unit=tuple(i.unit for i in items),
                temperature=np.array(temps, dtype=float),
                pressure=np.array([i.pressure_bar for i in items], dtype=float),
                quality=tuple(i.quality for i in items),
                hours=np.array([i.hours_per_year for i in items], dtype=float),
                min_amount=np.array([getattr(i, "min_amount", None) for i in items], dtype=float),
                properties=props,
            )

        return cls(
            tuple(f.id for f in inv.facilities),
            Locations.from_inventory(inv),
            side(inv.offers(), False),
            side(inv.needs(), True),
            kb,
        )


@dataclass(frozen=True)
class PairBlock:
    """Pairs of one chunk: indices, synergy, distance, δ, potential and reason bits."""

    offer: np.ndarray
    need: np.ndarray
    synergy: np.ndarray
    distance: np.ndarray
    delivers: np.ndarray
    potential: np.ndarray
    reasons: np.ndarray

    @classmethod
    def concat(cls, blocks: Sequence[PairBlock]) -> PairBlock:
        """Stack blocks in order."""
        names = ("offer", "need", "synergy", "distance", "delivers", "potential", "reasons")
        if not blocks:
            return cls(*(np.zeros(0, dtype=np.int64 if n in names[:3] else float) for n in names))
        return cls(*(np.concatenate([getattr(b, n) for b in blocks]) for n in names))

    def select(self, mask: np.ndarray) -> PairBlock:
        """The pairs where ``mask`` holds."""
        return PairBlock(*(getattr(self, n)[mask] for n in self.__dataclass_fields__))


def _ranks(ladder: Sequence[str], grades: Sequence[str | None]) -> np.ndarray:
    """Rank of each grade in the ladder (0 = lowest), −1 when not given or not in it."""
    return np.array([ladder.index(g) if g in ladder else -1 for g in grades], dtype=np.int64)


def _delivers(s: SynergyType, kb: KnowledgeBase, arrays: ParkArrays, o, n) -> np.ndarray:
    """δ (need units per offer unit), shape (len(o), len(n)); NaN where a property is missing."""
    supply, demand = kb.flows[s.supply], kb.flows[s.demand]
    c_o = np.array([_factor(arrays.offers.unit[i], supply.unit) for i in o])
    c_n = np.array([_factor(demand.unit, arrays.needs.unit[j]) for j in n])
    if isinstance(s.delivers, Delivers):
        prop = arrays.offers.properties[s.delivers.property][o]
        base = prop * s.delivers.factor * ratio_factor(s.delivers.unit, demand.unit, supply.unit)
    else:
        base = np.full(len(o), float(s.delivers))
    return (base * c_o)[:, None] * c_n[None, :]


def _synergy_pairs(arrays: ParkArrays, s_index: int, o: np.ndarray, n: np.ndarray) -> PairBlock:
    kb = arrays.kb
    s = kb.synergies[s_index]
    off, need = arrays.offers, arrays.needs
    shape = (len(o), len(n))
    reasons = np.zeros(shape, dtype=np.int64)
    fi, fj = off.facility[o][:, None], need.facility[n][None, :]
    reasons |= np.where(fi == fj, SAME_FACILITY, 0)
    dist = arrays.locations.distances(fi, fj)
    reasons |= np.where(np.isnan(dist), NO_DISTANCE, 0)
    reasons |= np.where(dist > s.conditions.max_distance_km, TOO_FAR, 0)
    cond = s.conditions
    if cond.min_temperature_margin_k is not None:
        t_o, t_n = off.temperature[o][:, None], need.temperature[n][None, :]
        ok = t_o >= t_n + cond.min_temperature_margin_k
        reasons |= np.where(ok, 0, TOO_COLD)
    if cond.min_pressure_margin_bar is not None:
        p_o, p_n = off.pressure[o][:, None], need.pressure[n][None, :]
        ok = p_o >= p_n + cond.min_pressure_margin_bar
        reasons |= np.where(ok, 0, PRESSURE)
    ladder = kb.flows[s.demand].qualities or kb.flows[s.supply].qualities
    if ladder:
        r_o = _ranks(ladder, [off.quality[i] for i in o])[:, None]
        required = _ranks(ladder, [need.quality[j] for j in n])[None, :]
        if cond.min_quality in ladder:
            required = np.maximum(required, ladder.index(cond.min_quality))
        reasons |= np.where((required >= 0) & (r_o < required), QUALITY, 0)
    delta = _delivers(s, kb, arrays, o, n)
    reasons |= np.where(np.isnan(delta), NO_PROPERTY, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a_o = off.amount[o][:, None]
        a_n = need.amount[n][None, :] / delta
        potential = np.minimum(a_o, a_n)
        h_o, h_n = off.hours[o][:, None], need.hours[n][None, :]
        hours = ~np.isnan(h_o) & ~np.isnan(h_n)
        by_power = np.minimum(a_o / h_o, a_n / h_n) * np.minimum(h_o, h_n)
        potential = np.where(hours, by_power, potential)
        min_o = cond.min_amount / np.array(
            [_factor(off.unit[i], kb.flows[s.supply].unit) for i in o]
        )
        reasons |= np.where(potential < min_o[:, None], BELOW_MIN, 0)
        need_min = need.min_amount[n][None, :]
        reasons |= np.where(~np.isnan(need_min) & (potential * delta < need_min), BELOW_NEED_MIN, 0)
    oo, nn = np.meshgrid(o, n, indexing="ij")
    return PairBlock(
        oo.ravel(),
        nn.ravel(),
        np.full(oo.size, s_index, dtype=np.int64),
        dist.ravel().astype(float),
        delta.ravel(),
        np.nan_to_num(potential, nan=0.0).ravel(),
        reasons.ravel(),
    )


def match_chunk(arrays: ParkArrays, offers: np.ndarray) -> PairBlock:
    """All pairs of the given offer indices with every need a synergy type links them to.

    Pairs come out ordered by synergy type, then offer, then need.
    """
    blocks = []
    flows = arrays.offers.flow
    for s_index, s in enumerate(arrays.kb.synergies):
        o = offers[flows[offers] == s.supply]
        n = np.nonzero(arrays.needs.flow == s.demand)[0]
        if len(o) and len(n):
            blocks.append(_synergy_pairs(arrays, s_index, o, n))
    return PairBlock.concat(blocks)


def _order(block: PairBlock) -> PairBlock:
    """A canonical order (synergy, offer, need), whatever the chunking."""
    order = np.lexsort((block.need, block.offer, block.synergy))
    return block.select(order)


@dataclass(frozen=True)
class Matching:
    """Candidates (pairs meeting every condition) and excluded pairs (with reason bits)."""

    arrays: ParkArrays
    candidates: PairBlock
    excluded: PairBlock

    def candidate_table(self) -> pd.DataFrame:
        """One row per candidate (columns :data:`CANDIDATE_COLUMNS`)."""
        return pair_table(self.arrays, self.candidates)

    def excluded_table(self, limit: int | None = None) -> pd.DataFrame:
        """One row per excluded pair with its reasons in words (first ``limit`` rows)."""
        block = (
            self.excluded
            if limit is None
            else self.excluded.select(np.arange(min(limit, len(self.excluded.offer))))
        )
        table = pair_table(self.arrays, block)
        table["reasons"] = [
            "; ".join(explain_bits(self.arrays, block, k)) for k in range(len(block.offer))
        ]
        return table

    def reason_counts(self) -> pd.Series:
        """How many excluded pairs failed each condition (a pair can fail several)."""
        bits = self.excluded.reasons
        return pd.Series({text: int(((bits & b) != 0).sum()) for b, text in REASONS.items()})


def pair_table(arrays: ParkArrays, block: PairBlock) -> pd.DataFrame:
    """Pairs as a table (ids, flows, distance, potential, δ)."""
    kb = arrays.kb
    off, need = arrays.offers, arrays.needs
    o, n, s = block.offer, block.need, block.synergy
    synergy_ids = np.array([x.id for x in kb.synergies], dtype=object)
    offer_ids, need_ids = np.array(off.ids, dtype=object), np.array(need.ids, dtype=object)
    fac = np.array(arrays.facility_ids, dtype=object)
    return pd.DataFrame(
        {
            "candidate": [f"{a}>{b}" for a, b in zip(offer_ids[o], need_ids[n], strict=True)],
            "synergy": synergy_ids[s],
            "offer": offer_ids[o],
            "need": need_ids[n],
            "supplier": fac[off.facility[o]],
            "receiver": fac[need.facility[n]],
            "supply_flow": off.flow[o],
            "demand_flow": need.flow[n],
            "distance_km": block.distance,
            "potential": block.potential,
            "unit": np.array(off.unit, dtype=object)[o],
            "delivers": block.delivers,
            "need_unit": np.array(need.unit, dtype=object)[n],
        },
        columns=list(CANDIDATE_COLUMNS),
    )


def explain_bits(arrays: ParkArrays, block: PairBlock, k: int) -> list[str]:
    """Why pair ``k`` of ``block`` is excluded, one sentence per failed condition."""
    kb = arrays.kb
    s = kb.synergies[int(block.synergy[k])]
    o, n = int(block.offer[k]), int(block.need[k])
    off, need = arrays.offers, arrays.needs
    bits, cond, out = int(block.reasons[k]), s.conditions, []
    if bits & SAME_FACILITY:
        out.append("offer and need are at the same facility (not an exchange between firms)")
    if bits & NO_DISTANCE:
        out.append("distance unknown: give both facilities coordinates or a row in 'distances'")
    if bits & TOO_FAR:
        out.append(
            f"too far: {block.distance[k]:.1f} km > {cond.max_distance_km:g} km (maximum "
            f"economic distance of {s.id})"
        )
    if bits & TOO_COLD:
        out.append(
            f"temperature too low: the offer is at {off.temperature[o]:g} °C, the need wants "
            f"{need.temperature[n]:g} °C + {cond.min_temperature_margin_k:g} K"
        )
    if bits & PRESSURE:
        out.append(
            f"pressure too low or unknown: offer {off.pressure[o]:g} bar, need "
            f"{need.pressure[n]:g} bar"
        )
    if bits & QUALITY:
        want = [g for g in (cond.min_quality, need.quality[n]) if g]
        out.append(
            f"quality too low or unknown: the offer is {off.quality[o] or 'not graded'!r}, "
            f"needed at least {' and '.join(map(repr, want))}"
        )
    if bits & NO_PROPERTY:
        out.append(
            f"the offer gives no '{s.property_name}' (properties), which {s.id} needs to "
            "know how much it delivers"
        )
    if bits & BELOW_MIN:
        out.append(
            f"below the minimum quantity: potential {block.potential[k]:,.4g} "
            f"{off.unit[o]}/yr < {cond.min_amount:,.4g} {kb.flows[s.supply].unit}/yr ({s.id})"
        )
    if bits & BELOW_NEED_MIN:
        out.append(
            f"below the need's minimum: {block.potential[k] * block.delivers[k]:,.4g} "
            f"< {need.min_amount[n]:,.4g} {need.unit[n]}/yr"
        )
    return out


def match(
    inventory: OperationsInventory,
    kb: KnowledgeBase,
    *,
    arrays: ParkArrays | None = None,
    chunks: int = 1,
) -> Matching:
    """Match every offer with every need (in ``chunks`` blocks of offers, same result)."""
    arrays = arrays or ParkArrays.from_inventory(inventory, kb)
    offers = np.arange(len(arrays.offers.ids))
    blocks = [match_chunk(arrays, part) for part in np.array_split(offers, max(chunks, 1))]
    return split_matching(arrays, PairBlock.concat(blocks))


def split_matching(arrays: ParkArrays, pairs: PairBlock) -> Matching:
    """Order pairs canonically and split them into candidates and excluded pairs."""
    pairs = _order(pairs)
    ok = pairs.reasons == 0
    return Matching(arrays, pairs.select(ok), pairs.select(~ok))


def explain(
    inventory: OperationsInventory, offer_id: str, need_id: str, kb: KnowledgeBase
) -> list[str]:
    """Why an offer and a need are (not) a candidate: one line per synergy type.

    Raises KeyError for an unknown id.
    """
    arrays = ParkArrays.from_inventory(inventory, kb)
    o = arrays.offers.ids.index(offer_id)
    n = arrays.needs.ids.index(need_id)
    block = match_chunk(arrays, np.array([o]))
    rows = np.nonzero(block.need == n)[0]
    if not len(rows):
        supply, demand = arrays.offers.flow[o], arrays.needs.flow[n]
        return [f"no synergy type links {supply!r} to {demand!r} (knowledge base: {kb.path})"]
    out = []
    for k in rows:
        s = kb.synergies[int(block.synergy[k])].id
        why = explain_bits(arrays, block, int(k))
        out.append(f"{s}: candidate" if not why else f"{s}: excluded: " + "; ".join(why))
    return out
