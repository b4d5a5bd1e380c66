"""The tidy tables of a result, as exported (column contract: :mod:`.contract`).

Each table is built once, column by column (no per-row Python loops over numbers), from
the result's own tables. Differences from the in-memory tables, so that a column means the
same thing in every table: ``entity_type`` is added wherever ``entity`` is; the method
parts of ``totals`` are ``method_family`` / ``method_category`` / ``method_indicator``;
``contributions.target`` is ``component_activity``; ``sdg.indicator`` is split into
``method`` (basis ``lcia``) and ``indicator`` (other bases); the comma-joined
``indicators.exchanges`` becomes the link table ``indicator_exchanges``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lcasym.results.export.contract import TABLE_SPECS

if TYPE_CHECKING:
    from lcasym.results.result import SymbiosisResult

NETWORK_QUANTITIES = ("reference", "with_exchanges", "avoided")
FACILITY_QUANTITIES = ("credit",)
STATISTICS = ("P5", "P50", "P95", "mean", "sd", "probability_better")


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with the contract's columns, in order, and their types."""
    spec = TABLE_SPECS[name]
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        values = frame[col.name] if col.name in frame else pd.Series(np.nan, index=frame.index)
        if col.type == "number":
            out[col.name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif col.type == "integer":
            out[col.name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif col.type == "boolean":
            out[col.name] = values.astype("boolean")
        elif isinstance(values.dtype, pd.CategoricalDtype):
            out[col.name] = values
        else:
            out[col.name] = values.astype("string").replace("", pd.NA)
    return out.reset_index(drop=True)


def entity_type_of_quantity(quantity: pd.Series) -> np.ndarray:
    """``network`` / ``exchange`` / ``facility`` from a quantity name (uncertainty, samples)."""
    q = quantity.astype(str).to_numpy()
    return np.where(
        np.isin(q, NETWORK_QUANTITIES),
        "network",
        np.where(np.isin(q, FACILITY_QUANTITIES), "facility", "exchange"),
    )


def _with_type(frame: pd.DataFrame, other: str) -> pd.DataFrame:
    """Add ``entity_type``: ``network`` where entity is 'network', else ``other``."""
    kind = np.where(frame["entity"].astype(str).to_numpy() == "network", "network", other)
    return frame.assign(entity_type=kind)


def totals(result: SymbiosisResult) -> pd.DataFrame:
    """The ``totals`` table."""
    frame = result.totals.rename(
        columns={"family": "method_family", "category": "method_category",
                 "indicator": "method_indicator"}
    )  # fmt: skip
    return _typed(frame, "totals")


def contributions(result: SymbiosisResult) -> pd.DataFrame:
    """The ``contributions`` table."""
    return _typed(result.contributions.rename(columns={"target": "component_activity"}),
                  "contributions")  # fmt: skip


def indicators(result: SymbiosisResult) -> pd.DataFrame:
    """The ``indicators`` table (without the comma-joined exchange list)."""
    return _typed(_with_type(result.indicators, "facility"), "indicators")


def indicator_exchanges(result: SymbiosisResult) -> pd.DataFrame:
    """One row per exchange an indicator value is made of.

    Built from the split id lists with ``numpy.repeat`` of the three key columns only: an
    ``explode`` of the whole frame copied every row's comma-joined list once per exchange
    (a network-wide indicator of 10,000 exchanges: 10,000 copies of an 80 kB string, 10 GiB
    for the synthetic 10,000-exchange network).
    """
    frame = _with_type(result.indicators, "facility")
    lists = [
        [x.strip() for x in str(text).split(",")] if isinstance(text, str) else []
        for text in frame["exchanges"].astype(object).to_numpy()
    ]
    counts = np.array([len(ids) for ids in lists], dtype=np.int64)
    keys = {c: np.repeat(frame[c].astype(object).to_numpy(), counts)
            for c in ("indicator", "entity_type", "entity")}  # fmt: skip
    exchange = np.array([x for ids in lists for x in ids], dtype=object)
    links = pd.DataFrame({**keys, "exchange": exchange})
    return _typed(links[links["exchange"] != ""], "indicator_exchanges")


def sdg(result: SymbiosisResult) -> pd.DataFrame:
    """The ``sdg`` table (``method`` or ``indicator`` by basis)."""
    frame = result.sdg
    lcia = frame["basis"].astype(str) == "lcia"
    frame = frame.assign(
        method=frame["indicator"].where(lcia, None), indicator=frame["indicator"].where(~lcia, None)
    )
    return _typed(frame, "sdg")


def uncertainty(result: SymbiosisResult) -> pd.DataFrame:
    """The ``uncertainty`` table."""
    frame = result.uncertainty
    return _typed(frame.assign(entity_type=entity_type_of_quantity(frame["quantity"])),
                  "uncertainty")  # fmt: skip


def flags(result: SymbiosisResult) -> pd.DataFrame:
    """The ``flags`` table (entity: the network or an exchange)."""
    return _typed(_with_type(result.flags, "exchange"), "flags")


def samples(result: SymbiosisResult) -> pd.DataFrame | None:
    """The raw Monte Carlo draws (None when the result kept none), with ``unit``."""
    frame = getattr(result, "samples", None)
    if frame is None or frame.empty:
        return None
    units = dict(zip(result.totals["method"], result.totals["unit"], strict=True))
    unit = frame["method"].map(units).astype("category")
    kind = entity_type_of_quantity(frame["quantity"])
    out = frame.assign(entity_type=pd.Categorical(kind), unit=unit)
    return _typed(out, "samples")


def long_table(result: SymbiosisResult) -> pd.DataFrame:
    """Every LCIA number of totals, exchanges, facilities and uncertainty, tidy.

    Key: ``(entity_type, entity, method, quantity, statistic)``, unique; ``statistic`` is
    ``value`` for the calculation's numbers and P5, P50, ... for Monte Carlo statistics.
    """
    parts = [
        _melt(result.totals.assign(entity_type="network", entity="network"), "totals",
              ["reference", "with_exchanges", "avoided", "relative_reduction"]),
        _melt(result.exchanges.rename(columns={"exchange": "entity"})
              .assign(entity_type="exchange"), "exchanges",
              ["displaced", "treatment", "gross", "extra", "forgone", "net", "direct",
               "upstream", "supplier_credit", "receiver_credit"]),
        _melt(result.facilities.rename(columns={"facility": "entity"})
              .assign(entity_type="facility"), "facilities", ["credit", "own_inventory"]),
    ]  # fmt: skip
    unc = result.uncertainty
    if not unc.empty:
        unc = unc.assign(entity_type=entity_type_of_quantity(unc["quantity"]))
        melted = unc.melt(
            id_vars=["entity_type", "entity", "method", "unit", "quantity"],
            value_vars=list(STATISTICS), var_name="statistic", value_name="value",
        )  # fmt: skip
        melted["unit"] = melted["unit"].where(melted["statistic"] != "probability_better", "1")
        parts.append(melted.assign(table="uncertainty"))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _typed(pd.DataFrame(columns=TABLE_SPECS["long"].names), "long")
    return _typed(pd.concat(parts, ignore_index=True), "long")


def _melt(frame: pd.DataFrame, table: str, values: list[str]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    melted = frame.melt(
        id_vars=["entity_type", "entity", "method", "unit"], value_vars=values,
        var_name="quantity", value_name="value",
    )  # fmt: skip
    if "relative_reduction" in values:
        melted["unit"] = melted["unit"].where(melted["quantity"] != "relative_reduction", "1")
    return melted.assign(table=table, statistic="value")


#: Builders of the exported tables; tables the result holds as they are use the default.
BUILDERS = {
    "totals": totals,
    "contributions": contributions,
    "indicators": indicators,
    "indicator_exchanges": indicator_exchanges,
    "sdg": sdg,
    "uncertainty": uncertainty,
    "flags": flags,
    "samples": samples,
    "long": long_table,
}


def tidy_table(result: SymbiosisResult, name: str) -> pd.DataFrame | None:
    """One exported table by name (None for ``samples`` when no draws were kept)."""
    build = BUILDERS.get(name)
    if build is not None:
        return build(result)
    return _typed(getattr(result, name), name)


def tidy_tables(result: SymbiosisResult) -> dict[str, pd.DataFrame]:
    """Every exported table of ``result``, in contract order (``samples`` when kept)."""
    out = {}
    for name in TABLE_SPECS:
        frame = tidy_table(result, name)
        if frame is not None:
            out[name] = frame
    return out
