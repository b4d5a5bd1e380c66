"""The result of discovery: candidates priced on every category, ranked, explained.

``Opportunities.table()`` has one row per candidate (pairs meeting every condition) with the
headline climate method's components at the candidate's potential amount x̄ (per year):

    avoided = x̄ · net per unit,   net per unit = δ·D₁ + W₁ − X₁ − d·T₁ − F₁

(``displaced``, ``treatment``, ``extra`` (transport and extra inputs) and ``forgone`` are
the four terms times x̄), its cost effect where prices are known (``cost_savings`` =
x̄ · cost per unit, with ``cost_basis`` naming the parts included), the coverage of the
headline method for that candidate, and notes. ``long_table()`` gives every method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from lcasym.discovery.knowledge import KnowledgeBase
from lcasym.discovery.matching import REASONS, Matching, PairBlock, explain_bits, pair_table
from lcasym.discovery.model import OperationsInventory
from lcasym.discovery.pricing import UnitComponents
from lcasym.discovery.scoring import DISPOSAL, PURCHASE, TRANSPORT, Scored
from lcasym.discovery.templates import Template
from lcasym.network.model import Exchange, Status

RankBy = Literal["ghg", "cost"]


def basis_text(bits: int) -> str:
    """Words for a cost basis: which parts of the cost effect are known."""
    parts = [name for bit, name in ((PURCHASE, "avoided purchase"), (DISPOSAL, "avoided "
             "disposal"), (TRANSPORT, "transport cost")) if bits & bit]  # fmt: skip
    return " + ".join(parts) if parts else "not known"


@dataclass(frozen=True)
class Opportunities:
    """Every candidate of an operations inventory, priced; see the module docstring."""

    inventory: OperationsInventory
    kb: KnowledgeBase
    methods: tuple[tuple[str, ...], ...]
    method_units: tuple[str, ...]
    headline: int
    matching: Matching
    templates: tuple[Template, ...]
    unit: UnitComponents
    scored: Scored
    execution: Any = None
    locate: Any = None
    source: str = ""

    # -- candidates -----------------------------------------------------------------------
    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return len(self.scored.candidates.offer)

    @property
    def potential(self) -> np.ndarray:
        """Potential amount x̄ of each candidate (offer units per year)."""
        return self.scored.candidates.potential

    def avoided(self, method: int | None = None) -> np.ndarray:
        """Avoided burden at the potential amount, (n,) for one method or (n, n_methods)."""
        full = self.scored.net_per_unit * self.potential[:, None]
        return full if method is None else full[:, method]

    def method_label(self, m: int) -> str:
        """Label of method ``m``."""
        from lcasym.background.methods import method_label

        return method_label(self.methods[m])

    def components(self, method: int) -> dict[str, np.ndarray]:
        """D, W, E, F of every candidate at its potential for one method."""
        c, t = self.scored.candidates, self.scored.template
        u = self.unit
        x = self.potential
        return {
            "displaced": x * c.delivers * u.displaced[t, method],
            "treatment": x * u.treatment[t, method],
            "extra": x * (u.extra[t, method] + c.distance * u.transport_per_km[t, method]),
            "forgone": x * u.forgone[t, method],
        }

    def table(self) -> pd.DataFrame:
        """One row per candidate, in canonical order (synergy, offer, need)."""
        m = self.headline
        table = pair_table(self.matching.arrays, self.scored.candidates)
        table["method"] = self.method_label(m)
        table["method_unit"] = self.method_units[m]
        table["net_per_unit"] = self.scored.net_per_unit[:, m]
        table["avoided"] = self.avoided(m)
        for name, values in self.components(m).items():
            table[name] = values
        table["cost_per_unit"] = self.scored.cost_per_unit
        table["cost_savings"] = self.scored.cost_per_unit * self.potential
        table["currency"] = self.inventory.park.currency
        table["cost_basis"] = [basis_text(int(b)) for b in self.scored.cost_basis]
        t = self.scored.template
        table["coverage"] = [self.unit.coverage[i][m] if self.unit.coverage else "" for i in t]
        label = self.method_label(m)
        flags = [
            tuple(text for method, text in entries if method in ("", label))
            for entries in (self.unit.flags or ((),) * len(self.templates))
        ]
        table["notes"] = ["; ".join((*self.templates[i].notes, *flags[i])) for i in t]
        return table

    def ranked(self, by: RankBy = "ghg", top: int | None = None) -> pd.DataFrame:
        """Candidates best first (``ghg``: avoided headline burden; ``cost``: savings).

        Ties keep the canonical order; unknown costs rank last. Column ``rank`` from 1.
        """
        table = self.table()
        key = table["avoided"] if by == "ghg" else table["cost_savings"]
        order = np.lexsort((np.arange(len(table)), -key.fillna(-np.inf).to_numpy()))
        table = table.iloc[order].reset_index(drop=True)
        table.insert(0, "rank", np.arange(1, len(table) + 1))
        return table if top is None else table.head(top)

    def long_table(self) -> pd.DataFrame:
        """Candidate × method: avoided at the potential, per unit, the coverage."""
        c = self.scored.candidates
        ids = pair_table(self.matching.arrays, c)["candidate"].to_numpy()
        n, n_m = self.scored.net_per_unit.shape
        t = self.scored.template
        cov = np.array(
            [[self.unit.coverage[i][m] for m in range(n_m)] for i in t] if n and self.unit.
            coverage else np.full((n, n_m), ""), dtype=object,
        )  # fmt: skip
        return pd.DataFrame(
            {
                "candidate": np.repeat(ids, n_m),
                "method": np.tile([self.method_label(m) for m in range(n_m)], n),
                "unit": np.tile(self.method_units, n),
                "net_per_unit": self.scored.net_per_unit.ravel(),
                "avoided": self.avoided().ravel(),
                "coverage": cov.ravel() if n else [],
            }
        )

    def index_of(self, candidate: str) -> int:
        """Row of a candidate id (``offer>need``); KeyError with the closest ids."""
        ids = self.table()["candidate"].tolist()
        if candidate in ids:
            return ids.index(candidate)
        from lcasym.io.problems import did_you_mean

        guess = did_you_mean(candidate, ids)
        fix = f"; did you mean {guess!r}?" if guess else ""
        raise KeyError(f"no candidate {candidate!r}{fix}")

    # -- excluded pairs ---------------------------------------------------------------------
    def excluded_table(self, limit: int | None = 1000) -> pd.DataFrame:
        """Excluded pairs with their reasons in words (only when they were kept)."""
        block = self.scored.excluded
        if block is None:
            return pd.DataFrame(columns=["candidate", "synergy", "reasons"])
        if limit is not None:
            block = block.select(np.arange(min(limit, len(block.offer))))
        table = pair_table(self.matching.arrays, block)
        table["reasons"] = [
            "; ".join(explain_bits(self.matching.arrays, block, k)) for k in range(len(block.offer))
        ]
        return table

    def reason_counts(self) -> pd.Series:
        """How many excluded pairs failed each condition (a pair may fail several)."""
        bits = self.scored.reason_bits
        return pd.Series({text: int(((bits & b) != 0).sum()) for b, text in REASONS.items()})

    # -- exchanges ----------------------------------------------------------------------------
    def exchange(
        self,
        k: int,
        amount: float | None = None,
        *,
        exchange_id: str | None = None,
        status: Status = Status.planned,
    ) -> Exchange:
        """Candidate ``k`` as an lcasym exchange of ``amount`` (default: its potential)."""
        c: PairBlock = self.scored.candidates
        arrays = self.matching.arrays
        o, n = int(c.offer[k]), int(c.need[k])
        offer = [item for _f, item in self.inventory.offers()][o]
        need = [item for _f, item in self.inventory.needs()][n]
        template = self.templates[int(self.scored.template[k])]
        sources = [f"lcasym discovery, synergy type {template.synergy.id}"]
        sources += [f"offer: {offer.source}"] if offer.source else []
        sources += [f"need: {need.source}"] if need.source else []
        notes = [f"distance {c.distance[k]:.3g} km", *template.notes]
        return template.exchange(
            exchange_id=exchange_id or exchange_id_of(offer.id, need.id),
            supplier=arrays.facility_ids[arrays.offers.facility[o]],
            receiver=arrays.facility_ids[arrays.needs.facility[n]],
            amount=float(self.potential[k] if amount is None else amount),
            delivers=float(c.delivers[k]),
            distance_km=float(c.distance[k]),
            flow=offer.description or offer.flow.replace("_", " "),
            status=status,
            source="; ".join(sources),
            notes="; ".join(notes),
        )


def exchange_id_of(offer: str, need: str) -> str:
    """A network exchange id for a candidate (≤ 64 characters, stable)."""
    text = f"{offer}-to-{need}"
    if len(text) <= 64:
        return text
    import hashlib

    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{text[:55]}-{digest}"
