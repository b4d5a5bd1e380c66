"""Results page: run the network, then headline figures, impact categories, contribution by
exchange and by facility, SDG tiles."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _shared
from lcasym import app_support
from lcasym.app_support import results_view, whatif
from lcasym.presentation import figures
from lcasym.presentation.formatting import display_scale, format_supported
from lcasym.presentation.markdown import plain_markdown
from lcasym.results.crediting import RULES

#: Axis style of the app's bar charts. Long labels (exchange and firm names) are cut to at most
#: 42 % of the chart's container (340 px at most, 120 px at least; full text in the tooltip),
#: so that at 390 px the bars keep half of the width.
AXIS = {
    "labelFontSize": 12,
    "titleFontSize": 12,
    "labelColor": "#31333f",
    "labelLimit": alt.ExprRef("min(340, max(120, containerSize()[0] * 0.42))"),
}


def number_table(frame: pd.DataFrame, text_columns: tuple[str, ...], unit: str) -> None:
    """A table of figures rounded to 3 significant figures (still numbers: sorts by size)."""
    st.caption(f"Values in {unit}, rounded to 3 significant figures (full values: downloads).")
    numbers = [c for c in frame.columns if c not in text_columns]
    st.dataframe(
        results_view.rounded(frame, numbers),
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(frame),
        column_config={
            # the first column stays in view when a narrow screen scrolls the table sideways
            **{c: st.column_config.Column(width="medium", pinned=True) for c in text_columns[:1]},
            **{c: st.column_config.NumberColumn(format="localized") for c in numbers},
        },
    )


st.title("Results")


def guide(step_done: tuple[bool, bool, bool]) -> None:
    """The three steps: load a network, run it, download the results."""
    steps = ("1 · Load a network", "2 · Run", "3 · Download")
    for col, text, done in zip(st.columns(3), steps, step_done, strict=True):
        col.markdown(
            f"{':material/check_circle:' if done else ':material/radio_button_unchecked:'} {text}"
        )


def download_step() -> None:
    """Step 3: where the downloads are."""
    st.page_link(
        "app_pages/data.py",
        label="3 · Download: Excel, JSON, CSV (PDF below)",
        icon=":material/download:",
    )


status = _shared.project_status()
net = _shared.network()
res = _shared.result()
guide((net is not None, res is not None and not _shared.result_is_stale(), False))

if net is None:
    st.info(
        "Load the Kalundborg demo (a reference industrial symbiosis, Denmark) in one click, "
        "or load your own network on the Network page.",
        icon=":material/rocket_launch:",
    )
    demo = st.button(
        "Open the Kalundborg demo",
        type="primary",
        icon=":material/play_arrow:",
        disabled=not status.ready,
        help=None if status.ready else "Set up the Brightway project first (sidebar).",
    )
    if not status.ready:
        st.warning("Set up the Brightway project first: **Set up** in the sidebar (once, offline).")
    st.page_link("app_pages/network.py", label="Load your own network", icon=":material/hub:")
    if demo:
        with _shared.guarded("The demo"), st.spinner("Calculating Kalundborg…"):
            _shared.load_demo()
            st.rerun()
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
opts = _shared.options()
with st.form("run_options"):
    c1, c2, c3 = st.columns([1.6, 1, 1])
    crediting = c1.selectbox(
        "Crediting rule (who gets the credit of each exchange)",
        RULES,
        index=list(RULES).index(opts["crediting"]),
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
        value=int(opts["draws"]),
        step=100,
        help="0 = central values only. 200–1,000 draws give a stable P5–P95 range.",
    )
    seed = c3.number_input(
        "Random seed",
        min_value=0,
        max_value=2**31 - 1,
        value=int(opts["seed"]),
        step=1,
        help="The same seed gives the same draws; it is recorded in the provenance.",
    )
    run = st.form_submit_button(
        "Run",
        type="primary",
        icon=":material/play_arrow:",
        disabled=not status.ready,
    )
if not status.ready:
    st.warning(
        "Running needs the Brightway project: press **Set up** in the sidebar (once, offline).",
        icon=":material/build:",
    )

if run:
    _shared.set_options(crediting=crediting, draws=int(draws), seed=int(seed))
    with _shared.guarded("The calculation"), st.spinner("Calculating…"):
        _shared.run_current()

res = _shared.result()
if res is None:
    st.info("Choose the options and press **Run**.", icon=":material/play_arrow:")
    st.stop()
if _shared.result_is_stale():
    st.warning(
        "The network changed since this run: press **Run** to update the results.",
        icon=":material/update:",
    )
download_step()

prov = res.provenance
headline = prov.get("headline_method") or res.methods[0]
names = results_view.method_display_names(res.methods)
st.caption(
    f"Crediting rule: **{prov.get('crediting_rule')}** · Monte Carlo draws: "
    f"**{res.draws:,}** · seed **{prov.get('seed')}** · headline method: "
    f"{plain_markdown(names.get(headline, headline))} · background "
    + plain_markdown(f"{prov.get('background_database')} {prov.get('background_version') or ''}")
)

# --- headline figures ------------------------------------------------------------------------
head = results_view.headline(res, headline)
other_figures = app_support.headline_figures(res)[1:]
row1, row2 = st.columns(3), st.columns(3)
cols = [*row1, *row2]
with cols[0], st.container(border=True):
    st.metric(
        "Avoided GHG",
        head.text,
        help=f"{head.full}. Reference (without the exchanges) − with the exchanges, "
        f"{names.get(headline, headline)}.",
    )
    st.caption(
        f"{head.unit}  \n" + (f"{head.interval}  \n{head.note}" if head.interval else head.note)
    )
for col, fig in zip(cols[1:], other_figures, strict=False):
    with col, st.container(border=True):
        full = "–" if fig.value is None else f"{fig.value:,.6g} {fig.unit}"
        st.metric(
            fig.label,
            results_view.format_sig(fig.value),
            help=f"Full value: {full}. {fig.help}".strip(),
        )
        st.caption(f"{fig.unit}  \n{fig.note}")
st.info(
    "**Avoided emissions are reported separately from scope 1, 2 and 3 inventories and are "
    "never netted against them** (WBCSD 2023, *Guidance on Avoided Emissions*). They compare "
    "the network with its exchanges against a reference without them (the displaced products "
    "and treatments bought and done instead).",
    icon=":material/info:",
)

# --- detail ----------------------------------------------------------------------------------
coverage = results_view.method_coverage(res)
n_not = sum(c == results_view.NOT_COVERED for c in coverage.values())
show_all = st.toggle(
    f"Offer the {n_not} categories the background does not cover", value=False, disabled=not n_not
)
methods = results_view.chart_methods(res, include_not_covered=show_all)
method = st.selectbox(
    "Impact category for the charts",
    methods,
    index=methods.index(headline) if headline in methods else 0,
    format_func=lambda m: names.get(m, m),
)
tab_cat, tab_ex, tab_fac, tab_park, tab_whatif, tab_cmp, tab_sdg = st.tabs(
    [
        "By impact category",
        "By exchange",
        "By facility",
        "Picture of the park",
        "What-if",
        "Comparisons",
        "SDG contributions",
    ]
)

with tab_cat:
    st.caption(
        "Avoided = reference (without the exchanges) − with the exchanges; positive = benefit. "
        f"{len(res.methods)} impact categories; categories the background does not cover are "
        "greyed and read *not covered* (never 0). Hover a figure in the headline for its "
        "full value; sort by clicking a column header (numeric sort)."
    )
    table = results_view.impact_frame(res)
    zero = set(prov.get("methods_all_zero") or [])
    hide_zero = st.toggle(
        f"Hide the {len(zero)} categories that are zero in both scenarios", value=bool(zero)
    )
    if hide_zero:
        table = table[~table["method"].isin(zero)]
    numbers = ["reference", "with exchanges", "avoided", "avoided %"]
    shown = results_view.rounded(table.drop(columns=["method"]), numbers)
    st.dataframe(
        shown.style.apply(results_view.grey_not_covered, axis=1),
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(shown),
        column_config={
            "impact category": st.column_config.TextColumn(width="medium", pinned=True),
            **{c: st.column_config.NumberColumn(format="localized") for c in numbers},
        },
    )
    st.caption(
        "Figures rounded to 3 significant figures; the full values are in the downloads "
        "(Data & downloads). Scroll the table sideways for every column (the category "
        "stays in view)."
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
        wf["short_text"] = wf["value"].map(results_view.format_sig)  # 3 significant figures
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
            .encode(x=alt.X("max_end:Q"), text="short_text:N")
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

with tab_park:
    st.caption(
        "Each band is one exchange, from supplier (left) to receiver (right), as wide as its "
        "net benefit for the chosen category; green: benefit, red: burden, grey: no result."
    )
    facility_names = {f.id: f.name for f in net.facilities}
    legend = app_support.exchange_table(res, method)
    numbers = {x: str(i + 1) for i, x in enumerate(legend["exchange"])} if len(legend) else {}
    st.image(
        figures.flow_diagram_svg(
            res.exchanges, method, names=facility_names, numbers=numbers or None
        ),
        width="stretch",
    )
    if len(legend):
        st.caption("The numbers on the bands (for small screens: the same exchanges as a list).")
        number_table(
            legend.assign(no=[int(numbers[x]) for x in legend["exchange"]])[
                ["no", "label", "net"]
            ].rename(columns={"label": "exchange", "net": "net benefit"}),
            ("no", "exchange"),
            f"{legend['unit'].iloc[0]}/yr",
        )

with tab_whatif:
    st.caption(
        "Change one exchange and see the network's avoided total at once: recomputed on the "
        "factorised system of this network (no database write, no new run). The results "
        "above stay those of the last run."
    )
    ids = [x.id for x in net.exchanges]
    labels = {x.id: f"{x.id}: {x.flow} ({x.supplier or '–'} → {x.receiver})" for x in net.exchanges}
    which = st.selectbox("Exchange", ids, format_func=labels.get, key="whatif_exchange")
    base = whatif.exchange_controls(net, which)
    w1, w2 = st.columns(2)
    amount = w1.slider(
        f"Quantity ({base.unit}/yr)",
        min_value=0.0,
        max_value=float(base.amount) * 2,
        value=float(base.amount),
        format="%.0f" if base.amount >= 100 else "%.2f",  # t/yr, not 150000.00
        key=f"whatif_amount_{which}",
    )
    ratio = (
        w2.slider(
            "Substitution ratio",
            min_value=0.05,
            max_value=max(2.0, float(base.ratio) * 2),
            value=float(base.ratio),
            key=f"whatif_ratio_{which}",
        )
        if base.ratio is not None
        else None
    )
    distance = (
        w1.slider(
            "Transport distance (km)",
            min_value=0.1,
            max_value=max(10.0, float(base.distance) * 3),
            value=float(base.distance),
            key=f"whatif_distance_{which}",
        )
        if base.distance
        else None
    )
    active = w2.toggle(
        "Operating (off: planned, out of the totals)",
        value=base.active,
        key=f"whatif_active_{which}",
    )
    run_rule = str(prov.get("crediting_rule") or "receiver")
    what_rule = w1.selectbox(
        "Crediting rule (what-if: who gets the credit)",
        RULES,
        index=list(RULES).index(run_rule) if run_rule in RULES else 0,
        format_func=app_support.CREDITING_LABELS.get,
        key="whatif_crediting",
        help="Splits the same network total differently between the firms; "
        "the total above does not change with the rule.",
    )
    edits = whatif.edits_for(
        base,
        amount=amount if amount > 0 else base.amount * 1e-9,
        ratio=ratio,
        distance=distance,
        active=active,
    )
    with _shared.guarded("The what-if"):
        session = _shared.engine_session(_shared.result_network_json())
        before = whatif.whatif_avoided(session, [], method)
        after = whatif.whatif_avoided(session, edits, method)
        unit = results_view.headline(res, method).unit
        text, _, _ = format_supported(after)
        st.metric(
            f"Avoided, {names.get(method, method)} (what-if)",
            f"{text} {unit}",
            delta=f"{format_supported(after - before)[0]} vs the run",
            help=f"Full value {after!r} {unit}",
        )
        credits, credit_unit = whatif.whatif_credits(
            session,
            edits,
            method,
            run_rule=run_rule,
            rule=str(what_rule),
            names={f.id: f.name for f in net.facilities},
        )
        st.markdown(
            f"**Credit of each firm**: at the run ({app_support.CREDITING_LABELS.get(run_rule)}"
            f" rule) and what-if ({app_support.CREDITING_LABELS.get(what_rule)} rule, with the "
            "changes above)"
        )
        number_table(credits, ("firm",), f"{credit_unit}/yr")

with tab_cmp:
    st.caption(
        "Each firm's credit under every crediting rule, side by side (the rules split the same "
        "network total differently)."
    )
    cbr = res.credits_by_rule
    cbr = cbr[cbr["method"] == method] if not cbr.empty else cbr
    if cbr.empty:
        st.info("No per-firm credits for this category.")
    else:
        scale, unit = display_scale(str(cbr["unit"].iloc[0]))
        wide = cbr.assign(credit=cbr["credit"] * scale).pivot_table(
            index="name", columns="rule", values="credit", aggfunc="sum"
        )
        wide = wide.reset_index().rename(columns={"name": "firm", **app_support.CREDITING_LABELS})
        number_table(wide, ("firm",), f"{unit}/yr")
    st.markdown("**Monte Carlo distribution**")
    if not results_view.has_uncertainty(res):
        st.info("No uncertainty data: no distribution to show (no parameter has a distribution).")
    else:
        svg = figures.distribution_svg(
            res.uncertainty, method, labels={x.id: labels[x.id] for x in net.exchanges}
        )
        if svg is None:
            st.info("No Monte Carlo draws for this category.")
        else:
            st.image(svg, width="stretch")  # the same picture as the PDF report's

with tab_sdg:
    st.caption(
        "One headline per SDG goal (its largest linked contribution) and why the link is made. "
        "lcasym's mapping (lcasym/data/sdg_mapping.yaml) follows the UNEP Life Cycle SDG "
        "Screening idea; a contribution is not the achievement of a target."
    )
    tiles = results_view.sdg_tiles(res)
    if not tiles:
        st.info("No SDG target is assessed for this network.")
    for start in range(0, len(tiles), 3):
        for col, tile in zip(st.columns(3), tiles[start : start + 3], strict=False):
            with col, st.container(border=True):
                st.html(app_support.sdg_tile_html(tile.goal, tile.name, tile.colour))
                st.markdown("**" + plain_markdown(tile.headline) + "**")
                st.caption(plain_markdown(tile.rationale))
                if tile.others:
                    with st.expander(f"{len(tile.others)} more target(s)"):
                        for line in tile.others:
                            st.caption(plain_markdown(line))

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
