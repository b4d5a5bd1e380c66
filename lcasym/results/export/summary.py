"""The summary a manager reads first: headline, top exchanges, credits, coverage (pure).

Climate numbers are shown in tonnes (kg CO2-eq / 1000) and rounded to what their P5–P95
interval supports (:func:`lcasym.presentation.formatting.rounding_step`); without draws the
interval reads "no uncertainty data", never a zero-width range; a category the data do not
cover reads "not covered", never 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from lcasym.presentation.formatting import display_scale, round_to_step, rounding_step

if TYPE_CHECKING:
    from lcasym.results.result import SymbiosisResult

NO_UNCERTAINTY = "no uncertainty data"
NOT_COVERED = "not covered"


@dataclass(frozen=True)
class Number:
    """A rounded number and the decimals it is shown with."""

    value: float
    decimals: int


@dataclass
class Block:
    """A titled block of the summary: a header row and value rows."""

    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


def rounded(value: Any, low: Any = None, high: Any = None, scale: float = 1.0) -> Number | str:
    """``value · scale`` rounded to what ``[low, high] · scale`` supports ("–" if missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    v = float(value) * scale
    lo = None if low is None else float(low) * scale
    hi = None if high is None else float(high) * scale
    step = rounding_step(v, lo, hi)
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    return Number(round_to_step(v, step), decimals)


def _interval(lo: Any, hi: Any, scale: float) -> list[Any]:
    """P5 and P95, each rounded to what the interval's width supports."""
    return [rounded(lo, lo, hi, scale), rounded(hi, lo, hi, scale)]


def _stats(result: SymbiosisResult) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    unc = result.uncertainty
    return {
        (str(r.entity), str(r.quantity), str(r.method)): (r.P5, r.P50, r.P95)
        for r in unc.itertuples()
    }


def summary_blocks(result: SymbiosisResult, *, top: int = 10) -> list[Block]:
    """The blocks of the summary sheet, in order."""
    prov = result.provenance
    if result.totals.empty:
        return [Block("Headline", ["", "value"], [["Methods", "none calculated"]])]
    head = result.headline()
    method, unit = head["method"], str(head["unit"])
    scale, shown = display_scale(unit)
    per_year = f"{shown}/yr"
    stats = _stats(result)
    covered = head["coverage"] != NOT_COVERED
    p5, p50, p95 = head["P5"], head["P50"], head["P95"]
    rows: list[list[Any]] = [
        ["Method", method, ""],
        ["Avoided (reference − with the exchanges)",
         rounded(head["avoided"], p5, p95, scale) if covered else NOT_COVERED, per_year],
    ]  # fmt: skip
    if covered and p5 is None:
        rows.append(["P5–P95 interval", NO_UNCERTAINTY, ""])
    elif covered:
        lo, hi = _interval(p5, p95, scale)
        rows += [
            ["P5 (5th percentile)", lo, per_year],
            ["P50 (median)", rounded(p50, p5, p95, scale), per_year],
            ["P95 (95th percentile)", hi, per_year],
        ]
        if head.get("outside_interval"):
            rows.append(["Note", "the central value lies outside P5–P95: quote P50 too", ""])
    rows += [
        ["Reference: without the exchanges", rounded(head["reference"], scale=scale), per_year],
        ["With the exchanges", rounded(head["with_exchanges"], scale=scale), per_year],
        ["Coverage of this category", head["coverage"], ""],
        ["Crediting rule", prov.get("crediting_rule", ""), ""],
        ["Monte Carlo draws", result.draws or NO_UNCERTAINTY, ""],
        ["Seed", prov.get("seed", ""), ""],
        ["Background", f"{prov.get('background_database', '')} "
                       f"{prov.get('background_version') or ''}".strip(), ""],
        ["lcasym version", prov.get("lcasym_version", ""), ""],
    ]  # fmt: skip
    blocks = [
        Block(
            "Headline",
            ["", "value", "unit"],
            rows,
            "Avoided emissions are reported apart from scope 1–3 (WBCSD 2023); the reference "
            "is not the park's footprint unless every facility's own inventory is given.",
        )
    ]
    blocks.append(_top_exchanges(result, method, scale, per_year, stats, top, covered))
    blocks.append(_facilities(result, method, scale, per_year, stats, covered))
    blocks.append(_coverage(result))
    flags = result.flags
    counts = flags["flag"].value_counts() if not flags.empty else pd.Series(dtype=int)
    blocks.append(
        Block("Flags (what to know before quoting a number)", ["flag", "rows"],
              [[str(k), int(v)] for k, v in counts.items()], "Details: the 'flags' sheet.")
    )  # fmt: skip
    return blocks


def _p5_p95(stats, key, scale) -> list[Any]:
    hit = stats.get(key)
    if hit is None:
        return [NO_UNCERTAINTY, ""]
    return _interval(hit[0], hit[2], scale)


def _top_exchanges(result, method, scale, per_year, stats, top, covered) -> Block:
    block = Block(
        f"Top exchanges by |net| ({per_year})",
        ["exchange", "supplier", "receiver", "flow", "net", "P5", "P95"],
    )
    if not covered:
        block.note = "not covered: the background data hold no flow this method characterises"
        return block
    for r in result.top_exchanges(method, n=top).itertuples():
        hit = stats.get((str(r.exchange), "net", method))
        lo, hi = (hit[0], hit[2]) if hit else (None, None)
        block.rows.append(
            [r.exchange, r.supplier, r.receiver, r.flow, rounded(r.net, lo, hi, scale),
             *_p5_p95(stats, (str(r.exchange), "net", method), scale)]
        )  # fmt: skip
    return block


def _facilities(result, method, scale, per_year, stats, covered, top=25) -> Block:
    fac = result.facilities
    fac = fac[fac["method"] == method]
    rule = str(fac["rule"].iloc[0]) if not fac.empty else ""
    block = Block(
        f"Facilities' credits under the {rule} rule ({per_year})",
        ["facility", "name", "credit", "P5", "P95", "own inventory (kept apart)"],
    )
    if len(fac) > top:
        block.note = f"the {top} largest |credit| of {len(fac)} facilities: see 'facilities'"
        fac = fac.loc[fac["credit"].abs().sort_values(ascending=False).index[:top]]
    if not covered:
        block.note = "not covered: the background data hold no flow this method characterises"
        return block
    for r in fac.itertuples():
        hit = stats.get((str(r.facility), "credit", method))
        lo, hi = (hit[0], hit[2]) if hit else (None, None)
        block.rows.append(
            [r.facility, r.name, rounded(r.credit, lo, hi, scale),
             *_p5_p95(stats, (str(r.facility), "credit", method), scale),
             rounded(r.own_inventory, scale=scale)]
        )  # fmt: skip
    return block


def _coverage(result) -> Block:
    block = Block(
        "Every impact category",
        ["method", "unit", "avoided", "coverage"],
        note="'not covered': the background data hold no flow the method characterises; "
        "no value is given. 'partial': some data are known to miss this category.",
    )
    for r in result.totals.itertuples():
        scale, unit = display_scale(str(r.unit))
        value = NOT_COVERED if r.coverage == NOT_COVERED else rounded(r.avoided, scale=scale)
        block.rows.append([r.method, f"{unit}/yr", value, r.coverage])
    return block
