"""Results page: run the network, then headline figures, impact categories, contribution by
exchange and by facility, SDG tiles."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _shared
from lcasym import app_support
from lcasym.presentation.markdown import plain_markdown
from lcasym.results.crediting import RULES

AXIS = {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#31333f", "labelLimit": 340}


def number_table(frame: pd.DataFrame, text_columns: tuple[str, ...], unit: str) -> None:
    """A table of figures formatted for reading; the unit is said above it."""
    st.caption(f"Values in {unit}.")
    shown = frame
    fmt = {c: app_support.format_number for c in shown.columns if c not in text_columns}
    fmt["share %"] = lambda v: "–" if pd.isna(v) else f"{v:,.1f} %"
    st.dataframe(
        shown.style.format(fmt), hide_index=True, width="stretch", height=38 + 35 * len(shown)
    )


st.title("Results")
net = _shared.need_network()
if net is None:
    st.stop()
st.caption(plain_markdown(app_support.network_summary(net)))

errors, _ = app_support.split_problems(st.session_state.get(_shared.PROBLEMS, []))
if errors:
    st.error(
        f"The network has {len(errors)} error(s): fix them on the Network page before running.",
        icon=":material/error:",
    )
    st.page_link("app_pages/network.py", label="Go to Network", icon=":material/hub:")
    st.stop()

# --- run ------------------------------------------------------------------------------------
with st.form("run_options"):
    c1, c2, c3 = st.columns([1.6, 1, 1])
    crediting = c1.selectbox(
        "Crediting rule (who gets the credit of each exchange)",
        RULES,
        format_func=app_support.CREDITING_LABELS.get,
        help="\n".join(
            f"- **{app_support.CREDITING_LABELS[r]}**: {app_support.CREDITING_RULES[r]}"
            for r in RULES
        ),
    )
    draws = c2.number_input(
        "Monte Carlo draws",
        min_value=0,
        max_value=10_000,
        value=200,
        step=100,
        help="0 = central values only. 200–1,000 draws give a stable P5–P95 range.",
    )
    seed = c3.number_input(
        "Random seed",
        min_value=0,
        max_value=2**31 - 1,
        value=1961,
        step=1,
        help="The same seed gives the same draws; it is recorded in the provenance.",
    )
    run = st.form_submit_button("Run", type="primary", icon=":material/play_arrow:")

if run:
    with _shared.guarded("The calculation"), st.spinner("Calculating…"):
        res = _shared.calculate(net.model_dump_json(), crediting, int(draws), int(seed))
        st.session_state[_shared.RESULT] = res
        st.session_state[_shared.RESULT_FOR] = net.model_dump_json()

res = _shared.result()
if res is None:
    st.info("Choose the options and press **Run**.", icon=":material/play_arrow:")
    st.stop()
if _shared.result_is_stale():
    st.warning(
        "The network changed since this run: press **Run** to update the results.",
        icon=":material/update:",
    )

prov = res.provenance
headline = prov.get("headline_method") or res.methods[0]
st.caption(
    f"Crediting rule: **{prov.get('crediting_rule')}** · Monte Carlo draws: "
    f"**{res.draws:,}** · seed **{prov.get('seed')}** · headline method: "
    f"{app_support.method_name(headline)} · background "
    + plain_markdown(f"{prov.get('background_database')} {prov.get('background_version') or ''}")
)

# --- headline figures ------------------------------------------------------------------------
figures = app_support.headline_figures(res)
for col, fig in zip(st.columns(len(figures)), figures, strict=True):
    with col, st.container(border=True):
        st.metric(fig.label, app_support.format_number(fig.value), help=fig.help or None)
        st.caption(f"{fig.unit}  \n{fig.note}")
st.info(
    "**Avoided emissions are reported separately from scope 1, 2 and 3 inventories and are "
    "never netted against them** (WBCSD 2023, *Guidance on Avoided Emissions*). They compare "
    "the network with its exchanges against a reference without them (the displaced products "
    "and treatments bought and done instead).",
    icon=":material/info:",
)

# --- detail ----------------------------------------------------------------------------------
methods = res.methods
method = st.selectbox(
    "Impact category for the charts",
    methods,
    index=methods.index(headline),
    format_func=app_support.method_name,
)
tab_cat, tab_ex, tab_fac, tab_sdg = st.tabs(
    ["By impact category", "By exchange", "By facility", "SDG contributions"]
)

with tab_cat:
    st.caption(
        "Avoided = reference (without the exchanges) − with the exchanges; positive = benefit. "
        f"{len(methods)} impact categories."
    )
    zero = set(prov.get("methods_all_zero") or [])
    table = app_support.impact_table(res)
    hide_zero = st.toggle(
        f"Hide the {len(zero)} categories that are zero in both scenarios", value=bool(zero)
    )
    if hide_zero:
        table = table[[m not in zero for m in methods]]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(table),
        column_config={
            "impact category": st.column_config.TextColumn(width="medium"),
            "indicator": st.column_config.TextColumn(width="large"),
        },
    )

with tab_ex:
    ex = app_support.exchange_table(res, method)
    if ex.empty:
        st.info("No exchange results for this category.")
    else:
        unit = ex["unit"].iloc[0]
        st.caption(
            f"Net benefit of each exchange ({unit}/yr) = displaced product + avoided "
            "treatment − extra burdens (transport, pumping…), largest first; the last bar "
            "is the network total."
        )
        wf = app_support.waterfall_frame(ex)
        order = list(wf["label"])
        base = alt.Chart(wf).encode(
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(**AXIS)),
        )
        bars = base.mark_bar(size=22).encode(
            x=alt.X(
                "start:Q", title=f"{unit}/yr", axis=alt.Axis(format=",~s", tickCount=8, **AXIS)
            ),
            x2="end:Q",
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=["benefit", "burden", "total"], range=["#3f7e44", "#c5192d", "#19486a"]
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="exchange"),
                alt.Tooltip("value_text:N", title=f"net, {unit}/yr"),
            ],
        )
        labels = (
            base.mark_text(align="left", dx=4, fontSize=12)
            .encode(x=alt.X("max_end:Q"), text="value_text:N")
            .transform_calculate(max_end="max(datum.start, datum.end)")
        )
        rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#888").encode(x="x:Q")
        st.altair_chart(
            (bars + labels + rule).properties(height=40 * len(wf) + 60), width="stretch"
        )
        shown = ex.drop(columns=["exchange", "unit"]).rename(columns={"label": "exchange"})
        number_table(shown, ("exchange", "kind"), f"{unit}/yr")
        if "P5" in ex:
            st.caption("P5 and P95 of each exchange's net benefit over the Monte Carlo draws.")

with tab_fac:
    fac = app_support.facility_table(res, method)
    rule = prov.get("crediting_rule")
    if fac.empty:
        st.info("No facility results for this category.")
    else:
        unit = fac["unit"].iloc[0]
        st.caption(
            f"Credit of each facility under the **{rule}** rule ({unit}/yr): "
            f"{app_support.CREDITING_RULES.get(rule, '')}. Credits add up to the network "
            "total. *Own inventory*: the facility's own inputs (the same with and without the "
            "exchanges), shown apart and never netted against "
            "its credit."
        )
        if rule == "network":
            st.info("Under the network rule the benefit is not split between firms.")
        else:
            chart_data = fac[fac["credit"].abs() > 0]
            chart = (
                alt.Chart(chart_data)
                .mark_bar()
                .encode(
                    y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(**AXIS)),
                    x=alt.X(
                        "credit:Q",
                        title=f"credit, {unit}/yr",
                        axis=alt.Axis(format=",~s", tickCount=8, **AXIS),
                    ),
                    color=alt.condition(
                        "datum.credit >= 0", alt.value("#3f7e44"), alt.value("#c5192d")
                    ),
                    tooltip=[
                        alt.Tooltip("name:N", title="facility"),
                        alt.Tooltip("credit:Q", format=",.4~r", title=f"credit, {unit}/yr"),
                    ],
                )
                .properties(height=36 * max(len(chart_data), 1) + 50)
            )
            st.altair_chart(chart, width="stretch")
        shown = fac.drop(columns=["facility", "unit", "rule"]).rename(columns={"name": "facility"})
        number_table(shown, ("facility",), f"{unit}/yr")

with tab_sdg:
    st.caption(
        "Each SDG target linked to a result, with the reference, with-exchanges value and "
        "difference. "
        "lcasym's mapping (lcasym/data/sdg_mapping.yaml) follows the UNEP Life Cycle SDG "
        "Screening idea; a contribution is not the achievement of a target."
    )
    goals = app_support.sdg_goals(res)
    for start in range(0, len(goals), 3):
        for col, goal in zip(st.columns(3), goals[start : start + 3], strict=False):
            with col, st.container(border=True):
                st.html(app_support.sdg_tile_html(goal.goal, goal.name, goal.colour))
                st.markdown("\n".join(f"- {s}" for s in goal.statements))
                if goal.not_assessed:
                    st.caption("Not assessed: " + "; ".join(goal.not_assessed))

# --- the auditor-ready PDF report --------------------------------------------------------------
st.subheader("Auditor-ready report")
st.caption(
    "A PDF/A-3b report of this run (method and boundary, WBCSD 2023 avoided emissions, one page "
    "per firm with its ESRS/GRI datapoints, SDG panel, data quality, annex), with the network and "
    "the results attached inside the PDF."
)
if st.button("Prepare the PDF report", icon=":material/picture_as_pdf:"):
    import tempfile
    from pathlib import Path

    from lcasym.report import write_report

    with (
        _shared.guarded("The report"),
        st.spinner("Rendering the report…"),
        tempfile.TemporaryDirectory() as tmp,
    ):
        files = write_report(res, Path(tmp) / "report.pdf", network=net)
        st.session_state["report_pdf"] = (id(res), files.pdf.read_bytes())
ready = st.session_state.get("report_pdf")
if ready and ready[0] == id(res):
    st.download_button(
        "Download the PDF report",
        ready[1],
        file_name=f"{net.network.id}_report.pdf",
        mime="application/pdf",
        icon=":material/download:",
    )
