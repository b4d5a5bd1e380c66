"""Per-exchange rows of the report: what each exchange is, what it gives, how good its data are.

Values are raw floats in the headline method's display unit (kg CO2-eq shown as t CO2-eq);
NaN stays NaN (the template prints "not assessed"). Nothing here formats text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lcasym.network.model import ActivityRef, Distribution, Exchange, SymbiosisNetwork
from lcasym.presentation.formatting import display_scale

_KIND_TAG = re.compile(r"\[(primary|secondary|derived)[^\]]*\]", re.IGNORECASE)


def source_kind(source: str | None) -> str:
    """Kind of source of an exchange's quantity: primary, secondary, derived or not stated.

    Read from the ``source`` text: a text starting with ``DERIVED`` is derived; otherwise
    the first ``[primary]`` / ``[secondary]`` / ``[derived]`` tag decides (lcasym's
    examples tag every source this way). No tag: ``not stated``.
    """
    if not source:
        return "not stated"
    text = source.strip()
    if text.upper().startswith("DERIVED"):
        return "derived"
    match = _KIND_TAG.search(text)
    return match.group(1).lower() if match else "not stated"


def _distribution_text(name: str, d: Distribution) -> str:
    if d.distribution == "normal":
        return f"{name}: normal, sd {d.sd:g}"
    if d.distribution == "lognormal":
        return f"{name}: lognormal, GSD {d.gsd:g}"
    mode = f", mode {d.mode:g}" if d.mode is not None else ""
    return f"{name}: {d.distribution} {d.min:g} to {d.max:g}{mode}"


def uncertainty_origin(ex: Exchange, background: bool) -> list[str]:
    """Where an exchange's uncertainty comes from: its distributions, the background's."""
    out = []
    if ex.uncertainty is not None:
        for name in type(ex.uncertainty).model_fields:
            d = getattr(ex.uncertainty, name)
            if d is not None:
                out.append(_distribution_text(name.replace("_", " "), d))
    if background:
        out.append("background data distributions (sampled)")
    return out


def _ref(ref: ActivityRef | None, names: Mapping[tuple[str, str], str], bg: str) -> str:
    if ref is None:
        return ""
    if ref.code:
        name = names.get((ref.database or bg, ref.code)) or names.get(("", ref.code))
        return f"{name} ({ref.label()})" if name else ref.label()
    return ref.label()


def exchange_rows(
    result: Any,
    network: SymbiosisNetwork,
    method: str,
    *,
    activity_names: Mapping[tuple[str, str], str] | None = None,
) -> list[dict[str, Any]]:
    """One dict per exchange of the network (operating first, in file order, then planned).

    Keys: ``number``, ``id``, ``supplier``/``receiver`` (names), ``kind``, ``flow``,
    ``amount``, ``unit``, ``status``, ``displaced``, ``ratio``, ``ratio_unit``, ``df``,
    ``approach``, ``justification``, ``treatment``, ``treatment_ratio``, ``transport``,
    ``extras``, ``forgone``, ``source``, ``source_kind``, ``year``, ``notes``,
    ``uncertainty`` (list), and for operating exchanges the results of ``method``:
    ``D, W, E, F, net, direct, upstream, supplier_credit, receiver_credit, P5, P95,
    coverage`` (display unit), else None.
    """
    names = {f.id: f.name for f in network.facilities}
    bg = network.network.background.database
    activity_names = activity_names or {}
    ex_table = result.exchanges
    ex_table = ex_table[ex_table["method"] == method].set_index("exchange")
    unit = str(ex_table["unit"].iloc[0]) if not ex_table.empty else ""
    scale, _ = display_scale(unit)
    unc = result.uncertainty
    unc = unc[(unc["method"] == method) & (unc["quantity"] == "net")].set_index("entity")
    background = bool(result.provenance.get("background_uncertainty"))
    ordered = [e for e in network.exchanges if e.status.value == "operating"]
    ordered += [e for e in network.exchanges if e.status.value != "operating"]
    rows = []
    for i, ex in enumerate(ordered, start=1):
        d, t = ex.displaces, ex.avoided_treatment
        row: dict[str, Any] = {
            "number": str(i),
            "id": ex.id,
            "supplier": names.get(ex.supplier, ex.supplier),
            "receiver": names.get(ex.receiver, ex.receiver),
            "supplier_id": ex.supplier,
            "receiver_id": ex.receiver,
            "kind": ex.kind.value,
            "flow": ex.flow,
            "amount": ex.amount,
            "unit": ex.unit,
            "status": ex.status.value,
            "start_year": ex.start_year,
            "displaced": _ref(d.activity, activity_names, bg) if d else "",
            "ratio": d.ratio if d else None,
            "ratio_unit": (d.ratio_unit or "") if d else "",
            "df": d.displacement_factor if d else None,
            "approach": d.approach.value if d else "",
            "justification": (d.justification or "") if d else "",
            "treatment": _ref(t.activity, activity_names, bg) if t else "",
            "treatment_ratio": t.ratio if t else None,
            "transport": [
                f"{_ref(tr.activity, activity_names, bg)}, {tr.distance:g} {tr.distance_unit}"
                for tr in ex.transport
            ],
            "extras": [
                f"{_ref(x.activity, activity_names, bg)}: {x.amount:g} {x.unit}"
                f"{' per year' if x.per == 'year' else ' per ' + ex.unit}"
                f"{' (' + x.purpose + ')' if x.purpose else ''}"
                for x in ex.extra_inputs
            ],
            "forgone": _forgone_text(ex, activity_names, bg),
            "source": ex.source or "",
            "source_kind": source_kind(ex.source),
            "year": ex.year_of_figure,
            "notes": ex.notes or "",
            "uncertainty": uncertainty_origin(ex, background),
            "hazardous": ex.hazardous,
            "groundwater": ex.groundwater,
        }
        row["results"] = None
        if ex.id in ex_table.index:
            r = ex_table.loc[ex.id]
            vals: dict[str, Any] = {
                k: float(r[c]) * scale
                for k, c in (
                    ("D", "displaced"),
                    ("W", "treatment"),
                    ("E", "extra"),
                    ("F", "forgone"),
                    ("net", "net"),
                    ("direct", "direct"),
                    ("upstream", "upstream"),
                    ("supplier_credit", "supplier_credit"),
                    ("receiver_credit", "receiver_credit"),
                )
            }
            vals["coverage"] = str(r["coverage"])
            hit = unc.loc[ex.id] if ex.id in unc.index else None
            vals["P5"] = float(hit["P5"]) * scale if hit is not None else math.nan
            vals["P95"] = float(hit["P95"]) * scale if hit is not None else math.nan
            row["results"] = vals
        rows.append(row)
    return rows


def _forgone_text(ex: Exchange, names: Mapping[tuple[str, str], str], bg: str) -> str:
    f = ex.forgone_output
    if f is None:
        return ""
    what = (
        _ref(f.activity, names, bg) if f.activity else "grid electricity of the supplier's country"
    )
    how = f"default '{f.default}'" if f.default else f"{f.ratio:g} {f.ratio_unit or ''}".strip()
    return f"{what}, {how}" + (f" ({f.source})" if f.source else "")


def flags_of(result: Any, kind: str) -> pd.DataFrame:
    """Rows of the result's flags table with ``flag == kind``."""
    flags = result.flags
    return flags[flags["flag"] == kind].reset_index(drop=True)
