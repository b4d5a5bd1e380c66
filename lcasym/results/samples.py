"""The raw Monte Carlo draws as one long table (``keep_draws=True``).

Columns ``draw, entity, quantity, method, value``; the draws are paired: row ``draw = i`` of
every entity comes from the same parameter vector (and background draw). Entities and
quantities:

- ``network``: ``reference``, ``with_exchanges``, ``avoided``;
- each exchange: ``net``, ``displaced``, ``treatment``, ``extra``, ``transport`` (the
  transport part of ``extra``), ``forgone``;
- each facility: ``credit`` under the crediting rule (not for the ``network`` rule).

``entity``, ``quantity`` and ``method`` are pandas categoricals (the table is long: a
category costs one byte or two per row instead of a string). The table is refused above
``MAX_SAMPLE_ROWS`` rows, before any calculation (``check_samples_size``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lcasym.errors import InputError, Problem
from lcasym.results.tables import TABLE_COLUMNS, empty_table

if TYPE_CHECKING:
    from lcasym.calc.evaluate import ComponentScores
    from lcasym.results.crediting import CreditShares

#: Largest samples table returned (rows; ~16 bytes each, so ~320 MB).
MAX_SAMPLE_ROWS = 20_000_000
EXCHANGE_QUANTITIES = ("net", "displaced", "treatment", "extra", "transport", "forgone")


def sample_rows(draws: int, n_exchanges: int, n_facilities: int, n_methods: int) -> int:
    """Rows of the samples table: ``draws · methods · (3 + 6 · exchanges + facilities)``."""
    return draws * n_methods * (3 + len(EXCHANGE_QUANTITIES) * n_exchanges + n_facilities)


def check_samples_size(draws: int, n_exchanges: int, n_facilities: int, n_methods: int) -> None:
    """Raise ``InputError`` (option ``keep_draws``) when the table would be too long."""
    rows = sample_rows(draws, n_exchanges, n_facilities, n_methods)
    if rows > MAX_SAMPLE_ROWS:
        raise InputError(
            [
                Problem(
                    f"keeping the draws would give {rows:,} rows ({draws:,} draws × "
                    f"{n_methods} methods × {rows // max(draws * n_methods, 1):,} "
                    f"series), over the limit of {MAX_SAMPLE_ROWS:,} rows (~"
                    f"{MAX_SAMPLE_ROWS * 16 / 1e6:,.0f} MB): use fewer draws or methods",
                    location="keep_draws",
                )
            ],
            source="options",
        )


def samples_table(
    components: ComponentScores,
    credits: CreditShares | None,
    method_labels: Sequence[str],
) -> pd.DataFrame:
    """The long table of every draw from kept components and the facility credits."""
    n_draws, n_m = components.n_draws, len(method_labels)
    if not n_draws:
        return empty_table("samples")
    series: list[tuple[Sequence[str], str, np.ndarray]] = [
        (["network"], "reference", components.baseline_total[:, None, :]),
        (["network"], "with_exchanges", components.symbiosis_total[:, None, :]),
        (["network"], "avoided", components.avoided_total[:, None, :]),
    ]
    ex = components.exchange_ids
    series += [
        (ex, "net", components.exchange_net),
        (ex, "displaced", components.displaced),
        (ex, "treatment", components.treatment),
        (ex, "extra", components.extra),
        (ex, "transport", components.transport),
        (ex, "forgone", components.forgone),
    ]
    if credits is not None and credits.rule != "network":
        series.append((credits.facility_ids, "credit", credits.credits))
    entities = list(dict.fromkeys(e for ids, _, _ in series for e in ids))
    entity_code = {e: i for i, e in enumerate(entities)}
    quantities = list(dict.fromkeys(q for _, q, _ in series))
    frames = []
    for ids, quantity, values in series:
        n = len(ids)
        if not n:
            continue
        codes = np.array([entity_code[e] for e in ids])
        # rows ordered draw, entity, method (values is (draws, n, methods))
        frames.append(
            pd.DataFrame(
                {
                    "draw": np.repeat(np.arange(n_draws, dtype=np.int32), n * n_m),
                    "entity": np.tile(np.repeat(codes, n_m), n_draws),
                    "quantity": quantities.index(quantity),
                    "method": np.tile(np.arange(n_m), n_draws * n),
                    "value": np.asarray(values, dtype=float).reshape(-1),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame["entity"] = pd.Categorical.from_codes(frame["entity"], categories=entities)
    frame["quantity"] = pd.Categorical.from_codes(frame["quantity"], categories=quantities)
    frame["method"] = pd.Categorical.from_codes(frame["method"], categories=list(method_labels))
    return frame[TABLE_COLUMNS["samples"]]
