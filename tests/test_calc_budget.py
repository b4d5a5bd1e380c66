"""The up-front memory check of a Monte Carlo follows the mode ``calculate`` runs.

``calculate`` keeps statistics block by block when every component per draw would not fit
(``keep="auto"``), so a 10,000-exchange network with 1,000 draws needs ~1.5 GB, not the
~4.6 GB of keeping every exchange's draws; only ``keep_draws`` keeps them all.
"""

from __future__ import annotations

import pytest

from lcasym.calc import budget
from lcasym.errors import LimitError


def test_statistics_mode_bytes_by_hand():
    """10,000 exchanges, 1,000 facilities, 26 methods, 1,000 draws, ``keep="auto"``.

    Components would need 2·1000·(5·10000 + 1000)·26·8 B ≈ 21 GB > the 1 GiB budget, so
    statistics: totals 2·1000·3·26·8 = 1,248,000 B + one block 128 MiB (134,217,728 B) +
    p_g 3·1000·(4·10000 + 1000)·8 = 984,000,000 B + credits 2·1000·1000·26·8 =
    416,000,000 B = 1,535,465,728 B.
    """
    need = budget.monte_carlo_bytes(1000, 10_000, 26, facilities=1000)
    assert need == 1_248_000 + 134_217_728 + 984_000_000 + 416_000_000


def test_an_8_gb_machine_runs_10000_exchanges_unless_every_draw_is_kept(monkeypatch):
    monkeypatch.setattr(budget, "machine_memory", lambda: 8_000_000_000)  # budget 4 GB
    budget.check_draws(1000, 10_000, 26, facilities=1000)  # ~1.5 GB: accepted
    with pytest.raises(LimitError, match=r"need about 21\.4 GB"):
        budget.check_draws(1000, 10_000, 26, facilities=1000, keep_draws=True)
