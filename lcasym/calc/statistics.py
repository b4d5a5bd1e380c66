"""Statistics of Monte Carlo draws, computed block by block so memory stays bounded.

For the draws ``y_1..y_n`` of one entity and method: ``P5, P50, P95`` (``numpy.percentile``,
linear interpolation between order statistics), ``mean``, ``sd`` (``ddof = 1``; 0 for one
draw) and ``probability_better = #{y_i > 0} / n``. Every statistic needs all draws of its
entity, so large runs compute them for a block of entities at a time
(``DrawStatistics.concat`` joins the blocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FIELDS = ("P5", "P50", "P95", "mean", "sd", "probability_better")


@dataclass(frozen=True)
class DrawStatistics:
    """Statistics per entity and method: every array is (n_entities, n_methods).

    ``quantity`` names what the entities' values are (``net`` for exchanges, ``credit`` for
    facilities); ``draws`` is the number of draws they summarise.
    """

    entities: tuple[str, ...]
    quantity: str
    draws: int
    P5: np.ndarray
    P50: np.ndarray
    P95: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    probability_better: np.ndarray

    @classmethod
    def of(
        cls, entities: Sequence[str], quantity: str, values: np.ndarray, *, axis: int = 0
    ) -> DrawStatistics:
        """Statistics of ``values`` whose draws run along ``axis``.

        ``values`` has the draws axis plus (n_entities, n_methods) in that order.
        """
        y = np.moveaxis(np.asarray(values, dtype=float), axis, -1)  # (entities, methods, draws)
        n = y.shape[-1]
        p5, p50, p95 = np.percentile(y, [5, 50, 95], axis=-1)
        sd = y.std(axis=-1, ddof=1) if n > 1 else np.zeros(y.shape[:-1])
        return cls(
            tuple(entities),
            quantity,
            n,
            p5,
            p50,
            p95,
            y.mean(axis=-1),
            sd,
            (y > 0).mean(axis=-1),
        )

    @classmethod
    def concat(cls, parts: Sequence[DrawStatistics]) -> DrawStatistics:
        """Join the statistics of consecutive blocks of entities."""
        first = parts[0]
        return cls(
            tuple(e for p in parts for e in p.entities),
            first.quantity,
            first.draws,
            *(np.concatenate([getattr(p, f) for p in parts]) for f in FIELDS),
        )
