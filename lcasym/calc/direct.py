"""Direct vs upstream: the part of a score that occurs at the site of whoever uses a product.

A background activity with the Brightway attribute ``lcasym_on_site: true`` runs at the
site of the facility that uses its product (a boiler, a furnace, the combustion of a fuel).
Its *direct* unit score counts its own emissions and those of the on-site activities it
takes inputs from, recursively; a purchased product (an activity without the attribute)
contributes nothing direct:

    direct(t) = ( e_t + Σ_{i ∈ S, i ≠ t} a_it · direct(i) ) / A_tt    for t ∈ S
    direct(t) = 0                                                         for t ∉ S

with S the on-site activities, ``e = Bᵀ C`` (each activity's own characterised emissions,
per method) and ``a_it = −A_it`` the input of product i per unit of activity t. In matrix
form, restricted to S (rows: S's products, columns: S's activities):

    A_SSᵀ Λ_direct[S] = (Bᵀ C)[S]

one sparse solve for all methods. The exchange's ``direct`` credit is then ``D + W``
evaluated with ``Λ_direct`` instead of ``Λ`` (WBCSD 2023 *Guidance on Avoided Emissions*:
the part of an avoided emission that the partners' own scope 1 already shows); the rest of
the gross credit is ``upstream``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np

from lcasym.calc.system import LcaSystem
from lcasym.errors import CalculationError

ON_SITE = "lcasym_on_site"
Key = tuple[str, str]


def on_site_keys(databases: Iterable[str]) -> frozenset[Key] | None:
    """Activities marked ``lcasym_on_site: true`` in these databases (a Brightway read).

    Returns None when no activity of these databases carries the attribute at all (the
    background cannot tell direct from upstream). Call inside
    ``lcasym.background.project.brightway_project``.
    """
    from bw2data.backends import ActivityDataset as Nodes

    names = sorted(set(databases))
    found, keys = False, set()
    query = Nodes.select(Nodes.database, Nodes.code, Nodes.data).where(Nodes.database << names)
    for database, code, data in query.tuples():
        if isinstance(data, dict) and ON_SITE in data:
            found = True
            if data[ON_SITE] is True:
                keys.add((database, code))
    return frozenset(keys) if found else None


def direct_unit_scores(system: LcaSystem, on_site: Collection[Key]) -> np.ndarray:
    """``Λ_direct`` (n_products, n_methods): see the module docstring.

    Raises
    ------
    CalculationError
        When the on-site sub-system is singular.
    """
    from scipy.sparse.linalg import splu

    keys = sorted(k for k in on_site if k in system.index and k in system.activity_index)
    out = np.zeros((system.technosphere.shape[0], len(system.methods)))
    if not keys:
        return out
    rows = np.array([system.index[k] for k in keys], dtype=np.int64)
    cols = np.array([system.activity_index[k] for k in keys], dtype=np.int64)
    a_ss = system.technosphere[rows][:, cols]
    emissions = np.asarray(system.biosphere[:, cols].T @ system.factors)  # (|S|, n_methods)
    try:
        lu = splu(a_ss.T.tocsc())
    except RuntimeError as exc:
        raise CalculationError(f"the on-site activities form a singular system: {exc}") from exc
    out[rows] = lu.solve(np.ascontiguousarray(emissions))
    return out
