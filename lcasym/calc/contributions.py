"""Process contributions: which background activities drive the score of a product.

For one unit of product ``t``, the supply is ``s = A⁻¹ e_t`` and activity j contributes

    g_jm = s_j · d_jm,    d = Bᵀ C   (direct score of one unit of each activity, n × M)

to method m; the shares ``g_jm / Σ_j g_jm`` add up to one. Several products are solved
together (``batch`` right-hand sides in one call of the existing factorisation, no new
factorisation), and only the ``top`` activities by ``|g_jm|`` per method are kept
(``numpy.argpartition``, linear in the number of activities). The cost is one forward solve
per distinct product, whatever the number of exchanges that use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: Products solved in one call (memory: batch · n_activities · n_methods floats).
BATCH = 256


@dataclass(frozen=True)
class TopContributions:
    """The ``top`` activities behind one unit of a product, per method.

    ``activity`` (top, n_methods): column index of the activity, ranked by ``|score|``
    (ties by index), −1 where fewer activities contribute; ``amount`` its supply ``s_j``;
    ``score`` its contribution ``g_jm``; ``total`` (n_methods,) = ``Σ_j g_jm``, the unit
    score of the product.
    """

    activity: np.ndarray
    amount: np.ndarray
    score: np.ndarray
    total: np.ndarray


def _top_of(
    supply: np.ndarray, direct_t: np.ndarray, top: int, total: np.ndarray
) -> TopContributions:
    """Top contributions for one supply vector (n,) and direct scores ``dᵀ`` (M, n).

    ``total`` (M,) is ``dᵀ s``, the unit score of the product (computed for a whole batch
    of products in one matrix product by the caller).

    Only activities with a non-zero supply can contribute; selecting among them first also
    keeps ``argpartition`` fast (many equal zeros make it slow).
    """
    m = direct_t.shape[0]
    cols = np.flatnonzero(supply)
    # (M, n_supplied); when every activity is supplied, no copy of dᵀ is needed
    every = len(cols) == len(supply)
    contrib = direct_t * supply if every else direct_t[:, cols] * supply[cols]
    n = len(cols)
    k = min(top, n)
    size = np.abs(contrib)
    if k < n:
        pick = np.argpartition(size, n - k, axis=1)[:, n - k :]  # (M, k), unordered
    else:
        pick = np.broadcast_to(np.arange(n), (m, n)).copy()
    picked = np.take_along_axis(size, pick, axis=1)
    # rank by |g| descending, ties by activity index (as a stable sort would)
    order = np.lexsort((pick, -picked), axis=-1)
    pick = np.take_along_axis(pick, order, axis=1).T  # (k, M)
    score = np.take_along_axis(contrib.T, pick, axis=0)
    activity = np.where(score != 0, cols[pick], -1)
    amount = np.where(activity >= 0, supply[cols[pick]], 0.0)
    score = np.where(activity >= 0, score, 0.0)
    if k < top:  # fewer supplied activities than asked: pad to ``top`` rows (−1, 0)
        pad = ((0, top - k), (0, 0))
        activity = np.pad(activity, pad, constant_values=-1)
        amount, score = np.pad(amount, pad), np.pad(score, pad)
    return TopContributions(activity=activity, amount=amount, score=score, total=total)


def top_contributions(
    solve: Callable[[np.ndarray], np.ndarray],
    direct: np.ndarray,
    rows: Sequence[int],
    *,
    top: int,
    batch: int = BATCH,
) -> list[TopContributions]:
    """Top contributions of one unit of each product row, solving ``batch`` at a time.

    ``solve(F)`` returns ``A⁻¹ F`` for a (n, b) block (the system's factorisation);
    ``direct`` is ``Bᵀ C`` (n_activities, n_methods).
    """
    n = direct.shape[0]
    direct_t = np.ascontiguousarray(direct.T)
    out: list[TopContributions] = []
    rows = list(rows)
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        demand = np.zeros((n, len(part)))
        demand[part, np.arange(len(part))] = 1.0
        supply = np.asarray(solve(demand)).reshape(n, len(part))
        totals = direct_t @ supply  # (M, b): Σ_j g_jm per product, one BLAS product
        out.extend(_top_of(supply[:, i], direct_t, top, totals[:, i]) for i in range(len(part)))
    return out
