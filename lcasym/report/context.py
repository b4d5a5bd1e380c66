"""Everything the report template prints, as plain data (raw numbers, no formatting).

:func:`build_context` turns a :class:`~lcasym.results.SymbiosisResult` and its network into
one dict of sections (cover, summary, method, network, avoided emissions, impacts, firms,
SDGs, data quality, annex). Numbers are floats in the display unit (kg CO2-eq as t
CO2-eq); NaN means "not assessed" and the template says so. Figures are SVG text drawn by
:mod:`lcasym.presentation.figures`. The template formats numbers with the environment's
filters (:mod:`lcasym.report.environment`).
"""

from __future__ import annotations

import datetime
import json
import math
import shlex
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lcasym import __version__
from lcasym.presentation import figures
from lcasym.presentation.formatting import display_scale, method_name, method_parts
from lcasym.presentation.selection import (
    LISTED_EXCHANGES,
    LISTED_FIRMS,
    ROWS_PER_CATEGORY,
    ROWS_PER_FIRM,
    largest,
)
from lcasym.report import annex, wording
from lcasym.report.datapoints import datapoints_table
from lcasym.report.exchanges import exchange_rows, flags_of
from lcasym.report.options import ReportOptions
from lcasym.report.source import ReportSource, lcasym_commit
from lcasym.results.crediting import RULES

SUMMARY_INDICATORS = (
    ("waste_diverted", "Waste and by-products diverted from disposal"),
    ("virgin_materials_avoided", "Virgin materials avoided"),
    ("freshwater_withdrawal_avoided", "Freshwater withdrawal avoided"),
    ("groundwater_withdrawal_avoided", "of which groundwater"),
    ("energy_recovered", "Energy recovered"),
    ("fossil_fuel_avoided_energy", "Fossil fuel or fossil heat displaced"),
    ("cost_savings", "Cost savings"),
)


def _f(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return math.nan
    return v


def headline(result: Any) -> dict[str, Any]:
    """The headline method's totals and interval, in its display unit."""
    head = result.headline()
    scale, unit = display_scale(str(head["unit"]))
    out = {
        "method": head["method"],
        "method_name": method_name(head["method"]),
        "unit": unit,
        "raw_unit": head["unit"],
        "scale": scale,
        "reference": _f(head["reference"]) * scale,
        "with_exchanges": _f(head["with_exchanges"]) * scale,
        "avoided": _f(head["avoided"]) * scale,
        "coverage": str(head["coverage"]),
        "draws": result.draws,
        "seed": result.provenance.get("seed"),
        "outside_interval": bool(head["outside_interval"]),
        "forgone": _f(head["forgone"]) * scale,
        "avoided_without_forgone": _f(head["avoided_without_forgone"]) * scale,
    }
    for q in ("P5", "P50", "P95"):
        out[q] = _f(head[q]) * scale if head[q] is not None else math.nan
    out["has_interval"] = bool(
        math.isfinite(out["P5"]) and math.isfinite(out["P95"]) and out["P95"] > out["P5"]
    )
    unc = result.uncertainty
    hit = unc[(unc["entity"] == "network") & (unc["method"] == head["method"])]
    out["probability_better"] = _f(hit["probability_better"].iloc[0]) if not hit.empty else math.nan
    return out


def provenance_block(result: Any, source: ReportSource, *, generated: str) -> dict[str, Any]:
    """The machine-readable provenance printed on the cover (and attached as JSON)."""
    prov = result.provenance
    family = sorted({method_parts(m)[0] for m in result.methods})
    return {
        "input_file": source.name,
        "input_sha256": source.sha256,
        "input_is_file": source.from_file,
        "network_id": source.network.network.id,
        "reporting_year": source.network.network.reporting_year,
        "lcasym_version": prov.get("lcasym_version"),
        "lcasym_commit": lcasym_commit(),
        "bw2data_version": prov.get("bw2data_version"),
        "bw2calc_version": prov.get("bw2calc_version"),
        "bw2io_version": prov.get("bw2io_version"),
        "python_version": prov.get("python_version"),
        "background_database": prov.get("background_database"),
        "background_version": prov.get("background_version"),
        "background_year": source.network.network.background.year
        or source.network.network.reporting_year,
        "databases": prov.get("databases"),
        "lcia_implementation": (
            f"{', '.join(family)} characterisation factors as shipped by bw2io "
            f"{prov.get('bw2io_version') or ''} (ecoinvent 3.9 LCIA implementation, "
            "lcia_39_ecoinvent)"
        ),
        "headline_method": prov.get("headline_method"),
        "crediting_rule": prov.get("crediting_rule"),
        "cff_factors": prov.get("cff_factors"),
        "seed": prov.get("seed"),
        "draws": prov.get("draws"),
        "background_uncertainty": prov.get("background_uncertainty"),
        "calculated": prov.get("date"),
        "report_generated": generated,
        "report_lcasym_version": __version__,
    }


def reproduce_command(result: Any, source: ReportSource, output: str) -> str:
    """The command line that calculates and writes this report again."""
    prov = result.provenance
    parts = ["lcasym", "report", source.name]
    methods = list(prov.get("method_keys") or [])
    default = (
        methods
        and all(m[0] == "EF v3.1" for m in methods[:-1])
        and methods[-1][0] in ("IPCC 2021", "EF v3.1")
    )
    if methods and not default:
        for m in prov.get("methods") or []:
            parts += ["--method", m]
    parts += ["--crediting", str(prov.get("crediting_rule", "receiver"))]
    parts += ["--draws", str(prov.get("draws") or 0), "--seed", str(prov.get("seed"))]
    if prov.get("background_uncertainty"):
        parts.append("--background-uncertainty")
    if prov.get("sensitivity"):
        parts.append("--sensitivity")
    parts += ["-o", output]
    return shlex.join(parts)


def summary_indicators(result: Any, currency: str) -> list[dict[str, Any]]:
    """The programme indicators of the summary (value None when no exchange feeds one)."""
    ind = result.indicators
    net = ind[ind["entity"] == "network"].set_index("indicator")
    rows = []
    for key, label in SUMMARY_INDICATORS:
        if key in net.index:
            hit = net.loc[key]
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "value": _f(hit["value"]),
                    "unit": str(hit["unit"]),
                    "exchanges": str(hit["exchanges"]),
                }
            )
        else:
            unit = currency if key == "cost_savings" else ""
            rows.append({"key": key, "label": label, "value": None, "unit": unit, "exchanges": ""})
    return rows


def impact_rows(result: Any) -> list[dict[str, Any]]:
    """Every impact category: reference, with exchanges, avoided, coverage (display unit)."""
    rows = []
    unc = result.uncertainty
    unc = unc[(unc["entity"] == "network") & (unc["quantity"] == "avoided")].set_index("method")
    for r in result.totals.itertuples():
        scale, unit = display_scale(str(r.unit))
        ref, wex = _f(r.reference) * scale, _f(r.with_exchanges) * scale
        coverage = str(r.coverage)
        row = {
            "method": r.method,
            "name": method_name(r.method),
            "family": r.family,
            "category": r.category,
            "indicator": r.indicator,
            "unit": unit,
            "reference": ref,
            "with_exchanges": wex,
            "avoided": _f(r.avoided) * scale,
            "relative_reduction": _f(r.relative_reduction),
            "coverage": coverage,
            "all_zero": ref == 0 and wex == 0,
            "P5": _f(unc.loc[r.method, "P5"]) * scale if r.method in unc.index else math.nan,
            "P95": _f(unc.loc[r.method, "P95"]) * scale if r.method in unc.index else math.nan,
        }
        row["claim"] = coverage != "not covered" and not row["all_zero"]
        rows.append(row)
    return rows


def credit_matrix(result: Any, network: Any, method: str) -> dict[str, Any]:
    """Each firm's credit under the chosen rule and under every splitting rule."""
    cbr = result.credits_by_rule
    cbr = cbr[cbr["method"] == method]
    fac = result.facilities
    fac = fac[fac["method"] == method]
    unit = str(fac["unit"].iloc[0]) if not fac.empty else ""
    scale, shown = display_scale(unit)
    rules = [r for r in RULES if r != "network"]
    unc = result.uncertainty
    unc = unc[(unc["method"] == method) & (unc["quantity"] == "credit")].set_index("entity")
    rows = []
    for f in network.facilities:
        by_rule = {r: math.nan for r in rules}
        for r in cbr[cbr["facility"] == f.id].itertuples():
            by_rule[str(r.rule)] = _f(r.credit) * scale
        hit = fac[fac["facility"] == f.id]
        credit = _f(hit["credit"].iloc[0]) * scale if not hit.empty else math.nan
        own = _f(hit["own_inventory"].iloc[0]) * scale if not hit.empty else math.nan
        finite = [v for v in by_rule.values() if math.isfinite(v)]
        rows.append(
            {
                "facility": f.id,
                "name": f.name,
                "credit": credit,
                "own_inventory": own,
                "declares_inventory": bool(f.inventory),
                "by_rule": by_rule,
                "low": min(finite) if finite else math.nan,
                "high": max(finite) if finite else math.nan,
                "P5": _f(unc.loc[f.id, "P5"]) * scale if f.id in unc.index else math.nan,
                "P95": _f(unc.loc[f.id, "P95"]) * scale if f.id in unc.index else math.nan,
            }
        )
    totals = {
        r: sum(row["by_rule"][r] for row in rows if math.isfinite(row["by_rule"][r])) for r in rules
    }
    listed, omitted = largest(rows, lambda row: max((abs(v) for v in row["by_rule"].values()
                                                     if math.isfinite(v)), default=math.nan),
                              LISTED_FIRMS)  # fmt: skip
    return {"rules": rules, "rows": rows, "listed": listed, "omitted": omitted,
            "totals": totals, "unit": shown}  # fmt: skip


def scope_split(ex_rows: list[dict[str, Any]]) -> dict[str, float]:
    """Σ gross, Σ direct and Σ upstream over the operating exchanges (NaN if any unknown)."""
    res = [r["results"] for r in ex_rows if r["results"] is not None]
    gross = sum(r["D"] + r["W"] for r in res)
    direct = [r["direct"] for r in res]
    upstream = [r["upstream"] for r in res]
    known = res and all(math.isfinite(v) for v in direct + upstream)
    return {
        "gross": gross,
        "direct": sum(direct) if known else math.nan,
        "upstream": sum(upstream) if known else math.nan,
    }


def sdg_goals(result: Any) -> list[dict[str, Any]]:
    """SDG links grouped by goal: claims ("contributes to target X.Y") and non-claims."""
    sdg = result.sdg
    goals: dict[int, dict[str, Any]] = {}
    for r in sdg.itertuples():
        goal = goals.setdefault(
            int(r.goal),
            {"goal": int(r.goal), "name": str(r.goal_name), "colour": str(r.colour), "links": []},
        )
        scale, unit = display_scale(str(r.unit))
        contribution = _f(r.contribution)
        claim = (
            str(r.status) == "ok"
            and math.isfinite(contribution)
            and str(r.statement).startswith("contributes to")
        )
        goal["links"].append(
            {
                "target": str(r.target),
                "un_indicator": str(r.un_indicator),
                "description": str(r.indicator_description),
                "statement": str(r.statement),
                "status": str(r.status),
                "claim": claim,
                "unit": unit,
                "reference": _f(r.reference) * scale,
                "with_exchanges": _f(r.with_exchanges) * scale,
                "contribution": contribution * scale,
                "rationale": str(r.rationale),
                "source": str(r.source),
                "basis": str(r.basis),
            }
        )
    out = sorted(goals.values(), key=lambda g: g["goal"])
    for g in out:
        g["claims"] = [link for link in g["links"] if link["claim"]]
    return out


def firm_pages(
    result: Any,
    network: Any,
    ex_rows: list[dict[str, Any]],
    credits: dict[str, Any],
    datapoints: pd.DataFrame,
) -> list[dict[str, Any]]:
    """One page per listed facility: its exchanges, credit, own inventory, datapoints.

    The firms of ``credits["listed"]`` (:mod:`lcasym.presentation.selection`), each with its
    ``ROWS_PER_FIRM`` largest exchanges (``omitted`` counts the others).
    """
    by_id = {r["facility"]: r for r in credits["rows"]}
    listed = {r["facility"] for r in credits["listed"]}
    roles: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for r in ex_rows:
        roles.setdefault(r["supplier_id"], []).append(("supplier", r))
        if r["receiver_id"] != r["supplier_id"]:
            roles.setdefault(r["receiver_id"], []).append(("receiver", r))
    by_facility = {k: g for k, g in datapoints.groupby("facility", sort=False)}
    pages = []
    for f in network.facilities:
        if f.id not in listed:
            continue
        mine = []
        for role, r in roles.get(f.id, []):
            res = r["results"]
            share = (
                (res["supplier_credit"] if role == "supplier" else res["receiver_credit"])
                if res
                else math.nan
            )
            partner = r["receiver"] if role == "supplier" else r["supplier"]
            mine.append(
                {
                    "number": r["number"],
                    "id": r["id"],
                    "role": role,
                    "flow": r["flow"],
                    "partner": partner,
                    "amount": r["amount"],
                    "unit": r["unit"],
                    "status": r["status"],
                    "net": res["net"] if res else math.nan,
                    "share": share,
                }
            )
        group = by_facility.get(f.id)
        dps = group.to_dict("records") if group is not None else []
        mine, omitted = largest(mine, lambda x: x["net"], ROWS_PER_FIRM)
        pages.append(
            {
                "id": f.id,
                "name": f.name,
                "sector": f.sector,
                "location": f.location or "",
                "notes": f.notes or "",
                "exchanges": mine,
                "omitted": omitted,
                "credit": by_id.get(f.id),
                "datapoints": dps,
            }
        )
    return pages


def tornado(result: Any, head: dict[str, Any]) -> dict[str, Any]:
    """Tornado rows (parameter, result at low and high) and its figure, or empty."""
    frame = figures.tornado_frame(result.sensitivity, head["method"], top=15)
    if frame.empty:
        return {"rows": [], "svg": None}
    scale = head["scale"]
    rows = [
        {
            "parameter": str(r.parameter),
            "low": _f(getattr(r, "low", math.nan)),
            "high": _f(getattr(r, "high", math.nan)),
            "result_low": _f(r.result_low) * scale,
            "result_high": _f(r.result_high) * scale,
            "swing": abs(_f(r.result_high) - _f(r.result_low)) * scale,
        }
        for r in frame.itertuples()
    ]
    svg = figures.tornado_svg(
        result.sensitivity,
        head["method"],
        unit=head["raw_unit"],
        central=head["avoided"] / scale if scale else 0.0,
    )
    return {"rows": rows, "svg": svg}


def full_results(result: Any) -> list[dict[str, Any]]:
    """Every impact category with each exchange's net (display units), for the annex.

    One entry per category: ``name``, ``unit``, ``coverage`` and ``rows`` (exchange, net)
    of the exchanges whose components are not all zero; ``zero`` counts the others. The
    components D, W, E, F of every category are in the attached results JSON.
    """
    out = []
    ex = result.exchanges
    for method, grp in ex.groupby("method", sort=False):
        scale, unit = display_scale(str(grp["unit"].iloc[0]))
        comps = grp[["displaced", "treatment", "extra", "forgone"]].astype(float)
        nonzero = (comps != 0).any(axis=1)
        rows = [
            {"exchange": str(x), "net": _f(n) * scale, "coverage": str(c)}
            for x, n, c in zip(
                grp["exchange"][nonzero], grp["net"][nonzero], grp["coverage"][nonzero], strict=True
            )
        ]
        rows, omitted = largest(rows, lambda r: r["net"], ROWS_PER_CATEGORY)
        out.append(
            {
                "name": method_name(str(method)),
                "unit": unit,
                "rows": rows,
                "omitted": omitted,
                "zero": int((~nonzero).sum()),
                "coverage": ", ".join(sorted(set(map(str, grp["coverage"])))),
            }
        )
    return out


def build_context(
    result: Any,
    source: ReportSource,
    options: ReportOptions,
    *,
    output_name: str = "report.pdf",
    assets: Mapping[str, str] | None = None,
    opportunities: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole report as data (see the module docstring).

    ``opportunities`` is the discovery section
    (:func:`lcasym.report.opportunities.opportunity_section`), printed when given.
    """
    network = source.network
    net = network.network
    generated = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    head = headline(result)
    method = head["method"]
    prov_block = provenance_block(result, source, generated=generated)
    contrib = result.contributions
    behind_headline = contrib[contrib["method"] == method] if not contrib.empty else contrib
    background = annex.background_rows(network, behind_headline)
    other_activities = annex.count_other_activities(contrib, background)
    names = annex.open_activity_names()
    for r in contrib.drop_duplicates(["database", "code"]).itertuples():
        names.setdefault((str(r.database), str(r.code)), str(r.activity))
    ex_rows = exchange_rows(result, network, method, activity_names=names)
    operating = [r for r in ex_rows if r["status"] == "operating"]
    planned = [r for r in ex_rows if r["status"] != "operating"]
    listed, omitted = largest(
        ex_rows, lambda r: r["results"]["net"] if r["results"] else math.nan, LISTED_EXCHANGES
    )
    listed_ids = {r["id"] for r in listed}
    numbers = {r["id"]: r["number"] for r in ex_rows}
    fac_names = {f.id: f.name for f in network.facilities}
    labels = {r["id"]: f"{r['number']}. {r['flow']}" for r in ex_rows}
    credits = credit_matrix(result, network, method)
    datapoints = datapoints_table(result, network, method=method)
    top = result.top_exchanges(method, n=5)
    top_rows = [
        {
            "number": numbers.get(r.exchange, ""),
            "id": r.exchange,
            "flow": r.flow,
            "supplier": fac_names.get(r.supplier, r.supplier),
            "receiver": fac_names.get(r.receiver, r.receiver),
            "net": _f(r.net) * head["scale"],
            "share": _f(r.net) / (head["avoided"] / head["scale"]) * 100
            if head["avoided"]
            else math.nan,
        }
        for r in top.itertuples()
    ]
    dist = figures.distribution_svg(
        result.uncertainty, method, samples=getattr(result, "samples", None), labels=labels
    )
    fac = result.facilities
    has_split = result.provenance.get("crediting_rule") != "network"
    title = options.title or f"Avoided emissions and resource savings of {net.name}"
    year_mismatch = [r for r in ex_rows if r["year"] and r["year"] != net.reporting_year]
    not_covered = [r for r in impact_rows(result) if r["coverage"] == "not covered"]
    return {
        "title": title,
        "network": {
            "id": net.id,
            "name": net.name,
            "place": net.place or "",
            "country": net.country or "",
            "year": net.reporting_year,
            "currency": net.currency,
            "description": net.description or "",
            "sources": list(net.sources),
            "facilities": len(network.facilities),
            "operating": len(operating),
            "planned": len(planned),
        },
        "theme": {**options.palette(), "logo": (assets or {}).get("logo")},
        "generated": generated,
        "provenance": prov_block,
        "provenance_json": json.dumps(prov_block, indent=1, ensure_ascii=False, default=str),
        "head": head,
        "rule": {
            "id": result.provenance.get("crediting_rule"),
            "name": wording.RULE_NAMES.get(str(result.provenance.get("crediting_rule")), ""),
            "text": wording.RULE_TEXT.get(str(result.provenance.get("crediting_rule")), ""),
            "all": [
                {"id": r, "name": wording.RULE_NAMES[r], "text": wording.RULE_TEXT[r]}
                for r in RULES
            ],
        },
        "summary": {"indicators": summary_indicators(result, net.currency), "top": top_rows},
        "wording": wording,
        "exchanges": listed,
        "operating": [r for r in listed if r["status"] == "operating"],
        "planned": planned[:LISTED_EXCHANGES],
        "omitted": {
            "exchanges": omitted,
            "planned": max(len(planned) - LISTED_EXCHANGES, 0),
            "limit": LISTED_EXCHANGES,
        },
        "flags": {
            k: flags_of(result, k).to_dict("records")
            for k in (
                "placeholder",
                "vintage mismatch",
                "not covered",
                "planned excluded",
                "outside interval",
                "no uncertainty data",
            )
        },
        "year_mismatch": year_mismatch[:LISTED_EXCHANGES],
        "not_covered": not_covered,
        "impacts": impact_rows(result),
        "credits": credits,
        "scope": scope_split(operating),
        "firms": firm_pages(result, network, ex_rows, credits, datapoints),
        "sdg": sdg_goals(result),
        "tornado": tornado(result, head),
        "figures": {
            "flow": figures.flow_diagram_svg(
                result.exchanges[result.exchanges["exchange"].isin(listed_ids)],
                method,
                names=fac_names,
                numbers=numbers,
            ),
            "waterfall": figures.waterfall_svg(result.exchanges, method, labels=labels),
            "firms": figures.facility_bars_svg(fac, method)
            if has_split and not fac.empty
            else None,
            "distribution": dist,
        },
        "annex": {
            "background": background,
            "background_other": other_activities,
            "sources": annex.source_rows(background),
            "factors": annex.factor_rows(result, network),
            "results": full_results(result),
            "command": reproduce_command(result, source, output_name),
        },
        "datapoint_count": len(datapoints),
        "datapoint_defs": datapoints.drop_duplicates("id")[
            ["standard", "disclosure", "reference", "datapoint", "basis"]
        ].to_dict("records"),
        "datapoints_frame": datapoints,
        "opportunities": opportunities,
    }
