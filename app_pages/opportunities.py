"""Opportunities page: find, price and choose the exchanges a park has not built yet
(lcasym.discovery), see the chosen set on the park's flow diagram, open it as a network."""

from __future__ import annotations

import hashlib

import streamlit as st

from app_pages import _shared
from lcasym import app_support
from lcasym.app_support import results_view
from lcasym.discovery import choose, chosen_exchanges_table, chosen_network, ranked_table
from lcasym.presentation import figures
from lcasym.presentation.formatting import display_scale
from lcasym.presentation.markdown import plain_markdown

EXAMPLE = "kalundborg_before.yaml"


@st.cache_resource(show_spinner=False, max_entries=4)
def discover_bytes(name: str, digest: str, data: bytes):
    """Every candidate of an inventory file, priced with the engine (cached per content)."""
    import tempfile
    from pathlib import Path

    from lcasym.app_support.files import _safe_name
    from lcasym.discovery import discover

    with tempfile.TemporaryDirectory(prefix="lcasym-inventory-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        return discover(path)


st.title("Opportunities")
st.caption(
    "Match what each firm has (by-products, surplus heat, water) with what others need, "
    "price every candidate with the same LCA engine, and choose the best set under each "
    "firm's limits. Start from an operations inventory: the Kalundborg firms before their "
    "exchanges existed, or your own file."
)
if not _shared.project_status().ready:
    st.warning("Pricing needs the Brightway project: press **Set up** in the sidebar.")
    st.stop()

source = st.radio("Operations inventory", ["Kalundborg before its exchanges", "Your file"],
                  horizontal=True)  # fmt: skip
if source == "Your file":
    up = st.file_uploader("Upload an operations inventory: YAML, JSON or Excel",
                          type=["yaml", "yml", "json", "xlsx"])  # fmt: skip
    if up is None:
        st.stop()
    name, data = up.name, up.getvalue()
    refusal = app_support.upload_refusal(name, data)
    if refusal:
        st.error(plain_markdown(refusal.replace("a network file", "an operations inventory")))
        st.stop()
else:
    from lcasym.paths import examples_dir

    name, data = EXAMPLE, (examples_dir() / EXAMPLE).read_bytes()

opps = None
with _shared.guarded("Finding opportunities"), st.spinner("Matching and pricing candidates…"):
    opps = discover_bytes(name, hashlib.sha256(data).hexdigest(), data)
if opps is None:
    st.stop()

c1, c2 = st.columns(2)
objective = c1.selectbox(
    "Choose the set that maximises",
    ["ghg", "cost", "mix"],
    format_func={"ghg": "avoided GHG", "cost": "cost savings", "mix": "a mix of both"}.get,
)
top = c2.number_input("Candidates listed", min_value=5, max_value=500, value=20, step=5)

ranked = ranked_table(opps, by="cost" if objective == "cost" else "ghg", top=int(top))
scale, unit = display_scale(str(ranked["impact unit"].iloc[0])) if len(ranked) else (1.0, "")
shown = ranked.assign(**{"avoided at potential": ranked["avoided at potential"] * scale,
                         "impact unit": f"{unit}/yr"})  # fmt: skip
st.subheader("Ranked candidates", divider="gray")
st.caption(
    "Avoided burden at each candidate's potential quantity, "
    f"{plain_markdown(app_support.method_name(ranked.attrs.get('method', '')))}"
    f" ({unit}/yr); cost savings *not known* where the inventory gives no prices."
)
numbers = ["distance (km)", "potential per year", "avoided at potential"]
st.dataframe(
    results_view.rounded(shown, numbers),
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="localized") for c in numbers},
)

st.subheader("The best set", divider="gray")
with _shared.guarded("Choosing the set"):
    choice = choose(opps, objective=objective)
    chosen = chosen_exchanges_table(choice)
    if chosen.empty:
        st.info("No candidate set improves the objective under the firms' limits.")
        st.stop()
    total = float(chosen["net"].sum())
    cs, cu = display_scale(str(chosen["unit"].iloc[0]))
    st.metric(
        f"Avoided GHG of the chosen {len(chosen)} exchanges",
        f"{results_view.format_sig(total * cs)} {cu}/yr",
        help=f"Full value {total * cs!r} {cu}/yr (sum of the chosen candidates' net benefit).",
    )
    names = {f.id: f.name for f in opps.inventory.facilities}
    st.image(
        figures.flow_diagram_svg(chosen, str(chosen["method"].iloc[0]), names=names),
        width="stretch",
    )
    current = _shared.network()
    labels = {
        str(r["exchange"]): f"{r['exchange']}: {r.get('flow', '')}"
        for r in chosen.to_dict("records")
    }
    picked = st.multiselect(
        "Exchanges of the chosen set to take",
        list(labels),
        default=list(labels),
        format_func=labels.get,
        key="opportunities_picked",
    )
    b1, b2 = st.columns(2)
    add = b1.button(
        "Add to the current network"
        + (f" ({current.network.name})" if current is not None else ""),
        type="primary",
        icon=":material/add_circle:",
        disabled=current is None or not picked,
        help="Merges the picked exchanges (status planned) into the network on the Network "
        "page: its facilities and exchanges stay; missing facilities are added; an exchange "
        "it already has (same supplier, receiver and flow or displaced product) is skipped."
        if current is not None
        else "Load a network on the Network page first.",
    )
    open_new = b2.button(
        "Open the picked set as a new network (planned exchanges)",
        icon=":material/open_in_new:",
        disabled=not picked,
    )
    if add or open_new:
        proposal = chosen_network(choice)
        proposal = proposal.model_copy(
            update={"exchanges": [x for x in proposal.exchanges if x.id in set(picked)]}
        )
        if add and current is not None:
            from lcasym.network.checking import background_for
            from lcasym.network.merge import merge_networks
            from lcasym.network.validation import validate_network

            merged = merge_networks(current, proposal)
            background, note = background_for(merged.network)
            problems = validate_network(merged.network, background=background)
            _shared.set_network(
                merged.network, f"{st.session_state.get(_shared.SOURCE, '?')} + opportunities",
                problems,
            )  # fmt: skip
            st.session_state[_shared.CHECK_NOTE] = note
            st.session_state[_shared.UNSAVED] = True
            st.session_state["merge_report"] = merged.summary()
        else:
            used = {x.supplier for x in proposal.exchanges} | {
                x.receiver for x in proposal.exchanges
            }
            proposal = proposal.model_copy(
                update={"facilities": [f for f in proposal.facilities if f.id in used]}
            )
            _shared.set_network(proposal, f"opportunities from {name}", [])
        st.session_state.pop(_shared.RESULT, None)
        st.switch_page("app_pages/network.py")
