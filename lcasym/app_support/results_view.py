"""Honest views of a result for the app, read from the result's own flags and coverage.

A category the background does not cover is ``not covered`` (never 0); a result without
uncertainty data shows "no uncertainty data" (never a zero-width interval); a value is
rounded to what its P5–P95 supports (2–3 significant figures), with the full value kept for
hover; kg CO2-eq is shown as t CO2-eq; a method name carries its family only where two
methods would otherwise read the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lcasym.presentation.formatting import (
    _is_missing,
    display_scale,
    format_supported,
    method_parts,
)

NOT_COVERED = "not covered"
NO_UNCERTAINTY = "no uncertainty data"


def short_method_name(label: str) -> str:
    """``"EF v3.1 | climate change | GWP100"`` -> ``"Climate change – GWP100"``."""
    _, category, indicator = method_parts(label)
    head = category[:1].upper() + category[1:] if category else str(label)
    return f"{head} – {indicator}" if indicator else head


def method_display_names(methods: Sequence[str]) -> dict[str, str]:
    """A readable name per method label; the family is added only where names clash.

    ``["EF v3.1 | climate change | GWP100", "IPCC 2021 | climate change | GWP100",
    "EF v3.1 | land use | soil quality index"]`` -> the first two end in ``" (EF v3.1)"`` and
    ``" (IPCC 2021)"``, the third is ``"Land use – soil quality index"``.
    """
    short = {m: short_method_name(m) for m in methods}
    counts: dict[str, int] = {}
    for name in short.values():
        counts[name] = counts.get(name, 0) + 1
    out = {}
    for m, name in short.items():
        family = method_parts(m)[0]
        out[m] = f"{name} ({family})" if counts[name] > 1 and family else name
    return out


def method_coverage(result: Any) -> dict[str, str]:
    """Coverage of each method over the network (``covered``, ``partly covered``, ...)."""
    totals = result.totals
    if "coverage" not in totals:
        return {m: "covered" for m in totals["method"]}
    return {
        str(m): (str(c) if not _is_missing(c) and str(c) else "covered")
        for m, c in zip(totals["method"], totals["coverage"], strict=True)
    }


def chart_methods(result: Any, *, include_not_covered: bool = False) -> list[str]:
    """Methods offered in the chart picker: ``not covered`` ones only when asked for."""
    cov = method_coverage(result)
    return [m for m in result.methods if include_not_covered or cov.get(m) != NOT_COVERED]


def has_uncertainty(result: Any) -> bool:
    """False when the result's flags say ``no uncertainty data`` or nothing was drawn."""
    flags = result.flags
    if not flags.empty and (flags["flag"] == NO_UNCERTAINTY).any():
        return False
    return not result.uncertainty.empty


@dataclass(frozen=True)
class Headline:
    """The avoided total of one method, as shown: rounded text, full value, P50, interval."""

    method: str
    unit: str  # display unit per year, e.g. "t CO2-eq/yr"
    value: float | None  # in the display unit; None when not covered
    text: str  # rounded to what the uncertainty supports, or "not covered"
    full: str  # the unrounded value, for hover
    p50: str | None
    interval: str | None  # "P5–P95: a to b" or None
    note: str  # what the reader must know (no uncertainty data, not covered)


def headline(result: Any, method: str | None = None) -> Headline:
    """The avoided total of ``method`` (default the headline method) as it is shown.

    ``value`` is reference − with_exchanges in the display unit; with Monte Carlo
    statistics the text is rounded to the P5–P95 width (two significant figures of the
    width), else to three significant figures.
    """
    method = method or result.provenance.get("headline_method") or result.methods[0]
    row = result.totals[result.totals["method"] == method].iloc[0]
    scale, unit = display_scale(str(row["unit"]))
    unit_yr = f"{unit}/yr"
    if method_coverage(result).get(method) == NOT_COVERED:
        return Headline(
            method,
            unit_yr,
            None,
            NOT_COVERED,
            "",
            None,
            None,
            "The background data do not cover this category.",
        )
    value = float(row["avoided"]) * scale
    full = f"{value:,.6g} {unit_yr} (full value {value!r})"
    unc = result.uncertainty
    hit = (
        unc[
            (unc["entity"] == "network")
            & (unc["quantity"] == "avoided")
            & (unc["method"] == method)
        ]
        if not unc.empty
        else unc
    )
    if hit.empty or not has_uncertainty(result):
        text, _, _ = format_supported(value)
        return Headline(method, unit_yr, value, text, full, None, None, NO_UNCERTAINTY)
    r = hit.iloc[0]
    p5, p50, p95 = (float(r[k]) * scale for k in ("P5", "P50", "P95"))
    text, low, high = format_supported(value, p5, p95)
    p50_text, _, _ = format_supported(p50, p5, p95)
    draws = int(r["draws"]) if "draws" in r and not _is_missing(r["draws"]) else result.draws
    return Headline(
        method,
        unit_yr,
        value,
        text,
        full,
        p50_text,
        f"P5–P95: {low} to {high}",
        f"{draws:,} Monte Carlo draws; P50 {p50_text}",
    )


def impact_frame(result: Any) -> pd.DataFrame:
    """Per method, numeric values (so tables sort by number).

    Columns: method, display name, unit, reference, with exchanges, avoided,
    avoided % (= 100 · avoided / reference) and coverage.

    Values are in the display unit (t CO2-eq for kg CO2-eq); ``not covered`` methods keep
    NaN values, never 0.
    """
    names = method_display_names(list(result.totals["method"]))
    cov = method_coverage(result)
    rows = []
    for rec in result.totals.to_dict("records"):
        m = str(rec["method"])
        scale, unit = display_scale(str(rec["unit"]))
        covered = cov.get(m) != NOT_COVERED
        base, sym, avoided = (
            float(rec[k]) * scale if covered else math.nan
            for k in ("reference", "with_exchanges", "avoided")
        )
        rows.append(
            {
                "method": m,
                "impact category": names[m],
                "unit": f"{unit}/yr",
                "reference": base,
                "with exchanges": sym,
                "avoided": avoided,
                "avoided %": 100 * avoided / base if base and math.isfinite(base) else math.nan,
                "coverage": cov.get(m, "covered"),
            }
        )
    return pd.DataFrame(rows)


def grey_not_covered(row: pd.Series) -> list[str]:
    """Styler rule: a ``not covered`` row in grey italics."""
    style = "color:#8a8f98;font-style:italic" if row.get("coverage") == NOT_COVERED else ""
    return [style] * len(row)


@dataclass(frozen=True)
class SdgTile:
    """One SDG goal: a single headline sentence and the rationale of its link."""

    goal: int
    name: str
    colour: str
    headline: str  # plain text: "Contributes to target 13.2: 32.2 t CO2-eq/yr avoided"
    rationale: str  # plain text
    others: tuple[str, ...] = ()  # the goal's other assessed targets, one line each


def _sdg_line(rec: Mapping[str, Any]) -> str:
    scale, unit = display_scale(str(rec["unit"]))
    value = rec["contribution"]
    if _is_missing(value):
        return f"{rec['statement']} (target {rec['target']})"
    text = format_sig(float(value) * scale)
    return f"{str(rec['statement'])[:1].upper()}{str(rec['statement'])[1:]}: {text} {unit}"


def sdg_tiles(result: Any) -> list[SdgTile]:
    """One tile per goal with an assessed link: the largest contribution is the headline."""
    sdg = result.sdg
    tiles: list[SdgTile] = []
    if sdg.empty:
        return tiles
    for goal, rows in sdg.groupby("goal", sort=True):
        done = [r for r in rows.to_dict("records") if r["status"] == "ok"]
        if not done:
            continue
        done.sort(key=lambda r: -abs(float(r["contribution"] or 0.0)))
        first = done[0]
        tiles.append(
            SdgTile(
                goal=int(goal),
                name=str(first["goal_name"]),
                colour=str(first["colour"]),
                headline=_sdg_line(first),
                rationale=str(first.get("rationale") or first.get("indicator_description") or ""),
                others=tuple(_sdg_line(r) for r in done[1:]),
            )
        )
    return tiles


def round_sig(value: Any, digits: int = 3) -> float:
    """``value`` to ``digits`` significant figures (NaN stays NaN): ``1036854.3 -> 1040000``."""
    if _is_missing(value):
        return math.nan
    v = float(value)
    if v == 0:
        return 0.0
    return round(v, digits - 1 - math.floor(math.log10(abs(v))))


def rounded(frame: pd.DataFrame, columns: Sequence[str], digits: int = 3) -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` rounded to ``digits`` significant figures.

    The values stay numbers, so a table sorts them by size.
    """
    out = frame.copy()
    for c in columns:
        if c in out:
            out[c] = [round_sig(v, digits) for v in out[c]]
    return out


def format_sig(value: Any, digits: int = 3) -> str:
    """A headline figure: ``digits`` significant figures, millions and billions in words.

    ``306123.4 -> "306,000"``, ``2_700_123 -> "2.70 million"``, ``7.8037 -> "7.80"``;
    None/NaN -> ``"–"``.
    """
    if _is_missing(value):
        return "–"
    v = round_sig(value, digits)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:.{digits - 1 - math.floor(math.log10(abs(v) / size))}f} {word}"
    if v == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(v))))
    return f"{v:,.{decimals}f}"
