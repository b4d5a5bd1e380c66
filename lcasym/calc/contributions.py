"""Process contributions: which background activities drive the score of a product.

For one unit of product ``t``, the supply is ``s = A⁻¹ e_t`` and activity j contributes

    g_jm = s_j · d_jm,    d = Bᵀ C   (direct score of one unit of each activity, n × M)

to method m; the shares ``g_jm / Σ_j g_jm`` add up to one. Several products are solved
together (``batch`` right-hand sides in one call of the existing factorisation, no new
factorisation), and only the ``top`` activities by ``|g_jm|`` per method are kept
(``numpy.argpartition``, linear in the number of activities). The cost is one forward solve
per distinct product, whatever the number of exchanges that use it.

Before the selection an exact screen drops the activities that cannot be in any method's
top. Each method is put on a common scale first (``σ_m``, the 99th percentile of its
non-zero ``|d_jm|``: a ranking within one method does not change with its unit), then with
``b_j = |s_j| · max_m |d_jm| / σ_m`` (so ``|g_jm| / σ_m ≤ b_j`` for every m), the ``L``
activities of largest ``b_j`` give each method its ``top``-th largest ``|g_jm| / σ_m``,
``t_m``; an activity with ``b_j < τ = min_m t_m`` is beaten by ``top`` others in every
method. Methods with fewer than ``top`` non-zero contributions among those ``L`` keep all
their non-zero contributors. The selection then runs over the few activities left instead
of every supplied one (thousands on an ecoinvent-sized background).
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


#: Activities of largest bound ``b_j`` that set the screen's thresholds (at least 8 · top).
SCREEN_SIZE = 64


@dataclass(frozen=True)
class Screen:
    """What the exact screen needs of ``d = Bᵀ C``, prepared once per system.

    ``direct`` (n, M) = ``d_jm / σ_m``, row-major; ``largest`` (n,) = its ``max_m |·|``;
    ``nonzero[m]`` the activities with ``d_jm ≠ 0``; ``direct_t`` = ``dᵀ`` (M, n),
    row-major, unscaled (what the selection multiplies).
    """

    direct: np.ndarray
    largest: np.ndarray
    nonzero: tuple[np.ndarray, ...]
    direct_t: np.ndarray

    @classmethod
    def of(cls, direct: np.ndarray) -> Screen:
        """Prepare the screen of ``direct`` (n_activities, n_methods)."""
        direct = np.asarray(direct, dtype=float)
        size = np.abs(direct)
        nonzero = tuple(np.flatnonzero(size[:, m]) for m in range(size.shape[1]))
        scale = np.array([np.percentile(size[rows, m], 99) if len(rows) else 1.0
                          for m, rows in enumerate(nonzero)])  # fmt: skip
        largest = (size / scale).max(axis=1) if size.shape[1] else np.zeros(size.shape[0])
        return cls(np.ascontiguousarray(direct / scale), largest, nonzero,
                   np.ascontiguousarray(direct.T))  # fmt: skip


def candidates(supply: np.ndarray, screen: Screen, top: int) -> np.ndarray:
    """Sorted activities that can be among the ``top`` of some method (module docstring)."""
    supplied = np.flatnonzero(supply)
    size = min(len(supplied), max(SCREEN_SIZE, 8 * top))
    if top <= 0 or size >= len(supplied):
        return supplied
    amount = supply[supplied]
    bound = np.abs(amount) * screen.largest[supplied]  # ≥ |g_jm| for every method
    first = np.argpartition(bound, len(bound) - size)[len(bound) - size :]
    g = np.abs(screen.direct[supplied[first]] * amount[first, None])  # (size, M)
    kth = np.partition(g, size - top, axis=0)[size - top]  # t_m, (M,)
    positive = kth > 0
    keep = bound >= (kth[positive].min() if positive.any() else np.inf)  # τ
    if positive.all():
        return supplied[keep]
    cols = [supplied[keep]]
    for m in np.flatnonzero(~positive):  # fewer than ``top`` non-zero among the first
        rows = screen.nonzero[m]
        cols.append(rows[supply[rows] != 0])
    return np.unique(np.concatenate(cols))


def _top_of(
    supply: np.ndarray,
    direct_t: np.ndarray,
    top: int,
    total: np.ndarray,
    screen: Screen | None = None,
) -> TopContributions:
    """Top contributions for one supply vector (n,) and direct scores ``dᵀ`` (M, n).

    ``total`` (M,) is ``dᵀ s``, the unit score of the product (computed for a whole batch
    of products in one matrix product by the caller). With ``screen``, only the
    :func:`candidates` are ranked (the same result).

    Only activities with a non-zero supply can contribute; selecting among them first also
    keeps ``argpartition`` fast (many equal zeros make it slow).
    """
    m = direct_t.shape[0]
    cols = np.flatnonzero(supply) if screen is None else candidates(supply, screen, top)
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
    screen: Screen | None = None,
) -> list[TopContributions]:
    """Top contributions of one unit of each product row, solving ``batch`` at a time.

    ``solve(F)`` returns ``A⁻¹ F`` for a (n, b) block (the system's factorisation);
    ``direct`` is ``Bᵀ C`` (n_activities, n_methods); ``screen`` its :class:`Screen`
    (prepared here when not given).
    """
    n = direct.shape[0]
    screen = screen if screen is not None else Screen.of(direct)
    direct_t = screen.direct_t
    out: list[TopContributions] = []
    rows = list(rows)
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        demand = np.zeros((n, len(part)), order="F")  # PARDISO takes Fortran order: no copy
        demand[part, np.arange(len(part))] = 1.0
        supply = np.asarray(solve(demand)).reshape(n, len(part))
        totals = direct_t @ supply  # (M, b): Σ_j g_jm per product, one BLAS product
        out.extend(_top_of(supply[:, i], direct_t, top, totals[:, i], screen)
                   for i in range(len(part)))  # fmt: skip
    return out
