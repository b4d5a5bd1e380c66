"""Results for people: headline figures, tables, waterfall, SDG tiles, long table."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lcasym.app_support.editor import _md
from lcasym.network.model import SymbiosisNetwork
from lcasym.presentation.formatting import (
    _is_missing,
    display_scale,
    format_number,
    format_quantity,
    method_parts,
)

# --- results for people ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``value`` in ``unit`` and a short ``note``."""

    key: str
    label: str
    value: float | None
    unit: str
    note: str = ""
    help: str = ""

    @property
    def text(self) -> str:
        """Value and unit, formatted."""
        return format_quantity(self.value, self.unit)


def _indicator(result: Any, name: str) -> tuple[float | None, str]:
    ind = result.indicators
    hit = ind[(ind["indicator"] == name) & (ind["entity"] == "network")]
    if hit.empty:
        return None, ""
    return float(hit["value"].iloc[0]), str(hit["unit"].iloc[0])


def headline_figures(result: Any) -> list[Figure]:
    """The figures the results page leads with (avoided GHG first, with its P5–P95)."""
    head = result.headline()
    scale, unit = display_scale(str(head["unit"]))
    if head.get("P5") is not None:
        note = (
            f"P5–P95: {format_number(head['P5'] * scale)} to "
            f"{format_number(head['P95'] * scale)} ({result.draws:,} Monte Carlo draws)"
        )
    else:
        note = "No uncertainty range: run with Monte Carlo draws > 0"
    family, category, indicator = method_parts(head["method"])
    figures = [
        Figure(
            "ghg",
            "Avoided GHG",
            float(head["avoided"]) * scale,
            f"{unit}/yr",
            note,
            f"Reference (without the exchanges) − with the exchanges, {category} {indicator} "
            f"({family}).",
        )
    ]
    waste, wu = _indicator(result, "waste_diverted")
    figures.append(
        Figure(
            "waste",
            "Waste diverted",
            waste,
            f"{wu or 't'}/yr",
            "By-products no longer landfilled or incinerated",
        )
    )
    virgin, vu = _indicator(result, "virgin_materials_avoided")
    figures.append(
        Figure(
            "virgin",
            "Virgin materials saved",
            virgin,
            f"{vu or 't'}/yr",
            "Primary materials receivers no longer buy",
        )
    )
    water, wtu = _indicator(result, "freshwater_withdrawal_avoided")
    ground, gu = _indicator(result, "groundwater_withdrawal_avoided")
    gnote = (
        f"of which groundwater: {format_quantity(ground, gu or 'm3')}/yr"
        if ground is not None
        else "of which groundwater: none"
    )
    figures.append(
        Figure(
            "water",
            "Water saved",
            water,
            f"{wtu or 'm3'}/yr",
            gnote,
            "Freshwater withdrawal avoided (water displaced at the receivers).",
        )
    )
    energy, eu = _indicator(result, "energy_recovered")
    figures.append(
        Figure(
            "energy",
            "Energy recovered",
            energy,
            f"{eu or 'MWh'}/yr",
            "Waste heat, steam or gas delivered to a partner",
        )
    )
    cost, cu = _indicator(result, "cost_savings")
    if cost is not None:
        figures.append(Figure("cost", "Cost savings", cost, f"{cu}/yr", "Network, after payments"))
    return figures


def impact_table(result: Any) -> pd.DataFrame:
    """Reference, with-exchanges and avoided per impact category, formatted for reading."""
    rows = []
    for rec in result.totals.to_dict("records"):
        family, category, indicator = method_parts(rec["method"])
        base, sym, avoided = (float(rec[k]) for k in ("reference", "with_exchanges", "avoided"))
        change = 100 * avoided / base if base else math.nan
        rows.append(
            {
                "impact category": category[:1].upper() + category[1:],
                "unit": rec["unit"],
                "reference": format_number(base),
                "with exchanges": format_number(sym),
                "avoided": format_number(avoided),
                "avoided %": "–" if math.isnan(change) else f"{change:,.1f} %",
                "indicator": indicator,
                "method": family,
            }
        )
    return pd.DataFrame(rows)


def _exchange_label(rec: Mapping[str, Any]) -> str:
    return f"{rec['flow']} ({rec['supplier']} → {rec['receiver']})"


def exchange_table(result: Any, method: str) -> pd.DataFrame:
    """Per exchange for one method, largest benefit first; values in the display unit.

    Columns: exchange, label, displaced, avoided treatment, extra burdens, net, share of
    the network total (%), and P5/P95 of the net when Monte Carlo draws were made.
    """
    ex = result.exchanges
    ex = ex[ex["method"] == method]
    if ex.empty:
        return pd.DataFrame()
    scale, unit = display_scale(str(ex["unit"].iloc[0]))
    total = float(ex["net"].sum())
    unc = result.uncertainty
    unc = unc[(unc["quantity"] == "net") & (unc["method"] == method)].set_index("entity")
    rows = []
    for rec in ex.sort_values("net", ascending=False).to_dict("records"):
        row = {
            "exchange": rec["exchange"],
            "label": _exchange_label(rec),
            "net": rec["net"] * scale,
            "share %": 100 * rec["net"] / total if total else math.nan,
        }
        if rec["exchange"] in unc.index:
            row["P5"] = float(unc.at[rec["exchange"], "P5"]) * scale
            row["P95"] = float(unc.at[rec["exchange"], "P95"]) * scale
        row.update(
            {
                "displaced": rec["displaced"] * scale,
                "avoided treatment": rec["treatment"] * scale,
                "extra burdens": rec["extra"] * scale,  # subtracted: net = D + W − E
                "kind": rec["kind"],
                "unit": unit,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def waterfall_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Bars of a waterfall chart from :func:`exchange_table`.

    Each exchange runs from the running total to the next, then the network total from 0
    (columns ``label, start, end, value, kind, order, value_text``).
    """
    rows, running = [], 0.0
    for i, rec in enumerate(table.to_dict("records")):
        start, end = running, running + float(rec["net"])
        rows.append(
            {
                "label": rec["label"],
                "start": start,
                "end": end,
                "value": rec["net"],
                "kind": "benefit" if rec["net"] >= 0 else "burden",
                "order": i,
            }
        )
        running = end
    rows.append(
        {
            "label": "Network total",
            "start": 0.0,
            "end": running,
            "value": running,
            "kind": "total",
            "order": len(rows),
        }
    )
    frame = pd.DataFrame(rows)
    frame["value_text"] = frame["value"].map(format_number)
    return frame


def facility_table(result: Any, method: str) -> pd.DataFrame:
    """Per facility for one method: its credit under the rule, in the display unit.

    The facility's own inventory is kept in its own columns, never netted with the credit.
    """
    fac = result.facilities
    fac = fac[fac["method"] == method]
    if fac.empty:
        return pd.DataFrame()
    scale, unit = display_scale(str(fac["unit"].iloc[0]))
    total = float(fac["credit"].sum(skipna=True))
    unc = result.uncertainty
    unc = unc[(unc["quantity"] == "credit") & (unc["method"] == method)].set_index("entity")
    rows = []
    for rec in fac.sort_values("credit", ascending=False, na_position="last").to_dict("records"):
        credit = rec["credit"]
        row = {
            "facility": rec["facility"],
            "name": rec["name"],
            "credit": credit * scale if not _is_missing(credit) else math.nan,
            "share %": 100 * credit / total if total and not _is_missing(credit) else math.nan,
        }
        if rec["facility"] in unc.index:
            row["P5"] = float(unc.at[rec["facility"], "P5"]) * scale
            row["P95"] = float(unc.at[rec["facility"], "P95"]) * scale
        row.update(
            {
                "own inventory": rec["own_inventory"] * scale,
                "unit": unit,
                "rule": rec["rule"],
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SdgGoal:
    """One SDG goal tile and the statements of its linked targets."""

    goal: int
    name: str
    colour: str
    statements: tuple[str, ...] = ()
    not_assessed: tuple[str, ...] = field(default=())


def _sdg_statement(rec: Mapping[str, Any]) -> str:
    scale, unit = display_scale(str(rec["unit"]))
    value = rec["contribution"]
    text = f"**{rec['statement']}**"
    what = _md(rec["indicator_description"])
    detail = format_quantity(float(value) * scale, unit)
    if not _is_missing(rec["reference"]) and not _is_missing(rec["with_exchanges"]):
        detail += (
            f" (reference {format_number(rec['reference'] * scale)} → with exchanges "
            f"{format_number(rec['with_exchanges'] * scale)})"
        )
    return f"{text} ({rec['un_indicator']} {what}): {_md(detail)}"


def sdg_goals(result: Any) -> list[SdgGoal]:
    """SDG goals with at least one assessed link, lowest goal number first.

    Statements are markdown: ``**contributes to target 13.2** (13.2.2 ...): value unit
    (reference → with exchanges)``.
    """
    sdg = result.sdg
    goals = []
    for goal, rows in sdg.groupby("goal", sort=True):
        recs = rows.to_dict("records")
        done = [r for r in recs if r["status"] == "ok"]
        if not done:
            continue
        goals.append(
            SdgGoal(
                goal=int(goal),
                name=str(recs[0]["goal_name"]),
                colour=str(recs[0]["colour"]),
                statements=tuple(_sdg_statement(r) for r in done),
                not_assessed=tuple(
                    f"Target {r['target']} ({r['un_indicator']}): {r['status']}"
                    for r in recs
                    if r["status"] != "ok"
                ),
            )
        )
    return goals


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the hex colour ``background``."""
    h = background.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1a1a1a" if luminance > 0.6 else "#ffffff"


def sdg_tile_html(goal: int, name: str, colour: str) -> str:
    """A coloured SDG tile drawn by lcasym (goal number + short name; not the UN icon)."""
    fg = text_colour(colour)
    return (
        f'<div style="background:{html.escape(colour)};color:{fg};border-radius:6px;'
        'padding:10px 12px;min-height:86px;display:flex;gap:10px;align-items:center;">'
        f'<div style="font-size:2.2rem;font-weight:800;line-height:1">{int(goal)}</div>'
        f'<div style="font-size:0.95rem;font-weight:700;line-height:1.2">'
        f"{html.escape(name).upper()}</div></div>"
    )


# --- the long table ---------------------------------------------------------------------


def filter_long(
    frame: pd.DataFrame,
    *,
    sections: Sequence[str] = (),
    methods: Sequence[str] = (),
    search: str = "",
) -> pd.DataFrame:
    """Filter the long table (:meth:`SymbiosisResult.to_long_frame`).

    Keeps rows in ``sections`` (the ``table`` column) and ``methods`` (all when empty)
    whose entity, quantity or statistic contains ``search`` (case-insensitive).
    """
    out = frame
    if sections:
        out = out[out["table"].isin(list(sections))]
    if methods:
        out = out[out["method"].isin(list(methods))]
    if search.strip():
        needle = search.strip().casefold()
        text = (
            out["entity"].astype(str)
            + " "
            + out["quantity"].astype(str)
            + " "
            + out["statistic"].astype(str)
        ).str.casefold()
        out = out[text.str.contains(needle, regex=False)]
    return out.reset_index(drop=True)


def provenance_table(provenance: Mapping[str, Any]) -> pd.DataFrame:
    """Provenance as two text columns (lists joined by ``"; "``)."""
    rows = []
    for key, value in provenance.items():
        if key == "method_keys":
            continue  # the same as "methods", as tuples
        if isinstance(value, list | tuple):
            text = "; ".join(str(v) for v in value) if value else "–"
        elif isinstance(value, Mapping):
            text = ", ".join(f"{k} = {v}" for k, v in value.items())
        else:
            text = "–" if value is None else str(value)
        rows.append({"item": key.replace("_", " "), "value": text})
    return pd.DataFrame(rows, columns=["item", "value"])


def network_summary(network: SymbiosisNetwork, *, name: bool = True) -> str:
    """One line about a network: name, year, facilities, exchanges (operating/planned)."""
    operating = len(network.operating_exchanges())
    planned = len(network.exchanges) - operating
    text = (
        (f"{network.network.name} · " if name else "")
        + f"reporting year {network.network.reporting_year} · "
        f"{len(network.facilities)} facilities · {operating} operating exchanges"
    )
    return text + (f" · {planned} planned (kept out of the totals)" if planned else "")
