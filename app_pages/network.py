"""Network page: load a network (example, upload, template), edit it in tables, check it,
download it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _shared
from lcasym import app_support
from lcasym.errors import InputError
from lcasym.network.checking import background_for
from lcasym.paths import examples_dir
from lcasym.presentation import figures
from lcasym.presentation.markdown import plain_markdown

EXAMPLES = {
    "kalundborg.yaml": "Kalundborg Symbiosis (Denmark, 2010)",
    "tiny.yaml": "Tiny synthetic network (checkable by hand)",
}


def load_file(loader, source: str) -> None:
    """Load a network with ``loader()``, check it against the background, make it current."""
    try:
        net, locate = loader()
    except InputError as exc:
        st.session_state["load_failed"] = (source, exc.problems)
        return
    background, note = background_for(net)
    from lcasym.network.validation import validate_network

    problems = validate_network(net, background=background, source=source, locate=locate)
    _shared.set_network(net, source, problems)
    st.session_state[_shared.CHECK_NOTE] = note
    st.session_state.pop("load_failed", None)
    st.session_state.pop(_shared.RESULT, None)


def example_loader(name: str):
    def load():
        from lcasym.io import load_network

        loaded = load_network(examples_dir() / name)
        return loaded.network, loaded.locate

    return load


def upload_loader(name: str, data: bytes):
    def load():
        loaded = app_support.read_uploaded(name, data)
        return loaded.network, loaded.locate

    return load


st.title("Network")
st.caption(
    "Describe the facilities of the industrial park and what they exchange: by-products, "
    "heat and water. Start from an example, upload your file, or fill in the Excel template."
)

# --- load ---------------------------------------------------------------------------------
left, middle, right = st.columns([1.1, 1.3, 0.9], gap="large")
with left:
    st.subheader("Example", divider="gray")
    choice = st.selectbox("Example network", list(EXAMPLES), format_func=EXAMPLES.get)
    if st.button("Load example", icon=":material/download_for_offline:"):
        with _shared.guarded("Loading the example"):
            load_file(example_loader(choice), choice)
with middle:
    st.subheader("Your file", divider="gray")
    upload = st.file_uploader(
        "Upload a network: YAML, JSON or Excel",
        type=["yaml", "yml", "json", "xlsx"],
        help="The format is described in docs/network_format.md and in the template's "
        "README sheet.",
    )
    if upload is not None and st.session_state.get("upload_id") != upload.file_id:
        st.session_state["upload_id"] = upload.file_id
        data = upload.getvalue()
        refusal = app_support.upload_refusal(upload.name, data)
        st.session_state["upload_refused"] = refusal
        if refusal is None:
            with _shared.guarded("Reading the uploaded file"):
                load_file(upload_loader(upload.name, data), upload.name)
    if upload is not None and st.session_state.get("upload_refused"):
        st.error(plain_markdown(st.session_state["upload_refused"]), icon=":material/block:")
with right:
    st.subheader("Template", divider="gray")
    st.caption(
        "A blank Excel workbook: one sheet per record type, a README sheet explaining "
        "every column, and the lcasym-open activities in a sheet of their own, offered as "
        "dropdowns in the exchanges' activity-code columns."
    )
    with _shared.guarded("Preparing the template"):
        st.download_button(
            "Excel template",
            _shared.template_bytes(),
            file_name="lcasym_network_template.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table:",
        )

failed = st.session_state.pop("load_failed", None)
net = _shared.network()
if failed:
    st.error(
        f"**{plain_markdown(failed[0])}** could not be loaded"
        + ("; the network below was kept." if net is not None else "."),
        icon=":material/block:",
    )
    _shared.show_problems(failed[1])
    if net is None:
        st.stop()
    st.divider()
if net is None:
    st.info("Load a network to see and edit it here.", icon=":material/arrow_upward:")
    st.stop()

# --- the loaded network -----------------------------------------------------------------
st.header(plain_markdown(net.network.name), divider="green")
st.markdown(plain_markdown(app_support.network_summary(net, name=False)))
st.caption(
    plain_markdown(
        " · ".join(
            part
            for part in (
                f"Source: {st.session_state.get(_shared.SOURCE, '?')}",
                f"background {net.network.background.database}",
                st.session_state.get(_shared.CHECK_NOTE, ""),
            )
            if part
        )
    )
)
if not failed:
    problems = st.session_state.get(_shared.PROBLEMS, [])
    errors, warnings = app_support.split_problems(problems)
    if not errors:
        st.success(
            "The network is valid"
            + (f" ({len(warnings)} warning(s) below)." if warnings else ".")
            + " Run it on the Results page.",
            icon=":material/task_alt:",
        )
    _shared.show_problems(problems)

merge_report = st.session_state.pop("merge_report", None)
if merge_report:
    st.success(
        "**Opportunities merged into this network.** " + plain_markdown(merge_report),
        icon=":material/merge:",
    )

# --- map ----------------------------------------------------------------------------------
st.subheader("Map", divider="gray")
frames = figures.map_frames(net)
park_map = figures.park_map(frames)
if park_map is None:
    st.info(
        "No coordinates given: add `coordinates: {lat: …, lon: …}` (decimal degrees) to the "
        "facilities to see them on a map.",
        icon=":material/location_off:",
    )
else:
    st.caption(
        "Facilities at their coordinates (Mercator projection, no base map: nothing is "
        "fetched), exchanges as straight lines coloured by kind."
        + (
            " Not placed (no coordinates): "
            + plain_markdown(", ".join(frames.without_coordinates))
            + "."
            if frames.without_coordinates
            else ""
        )
        + (
            f" {frames.exchanges_left_out} exchange(s) not drawn (an end without coordinates)."
            if frames.exchanges_left_out
            else ""
        )
    )
    st.altair_chart(park_map, width="stretch")

# --- editor -------------------------------------------------------------------------------
st.subheader("Edit", divider="gray")
st.caption(
    "Change cells, add rows at the bottom or delete rows, then press **Apply edits**. "
    "Transport legs, extra inputs, economics, uncertainty, generation and custom activities "
    "are kept as they are in the file (edit those in the Excel workbook). Activities are "
    "given by code (e.g. `gypsum_mined`) or `database:code`."
)
with st.expander("Find a background activity", icon=":material/search:"):
    from lcasym.app_support.activities import activity_table, index_activities
    from lcasym.app_support.files import _safe_name as safe_file_name

    index, _ = background_for(net)
    if index is None:
        st.caption("The background is not available: set up the Brightway project first.")
    else:
        words = st.text_input(
            "Search by name, product, location or code", key="activity_search",
            placeholder="e.g. gypsum, heat DK, tap water",
        )  # fmt: skip
        found = activity_table(index_activities(index), words)
        st.caption(
            f"{len(found):,} activities. Copy a *reference* into an activity cell of the "
            "tables below. Coverage says whether the background states which impact "
            "categories it covers for the activity."
        )
        st.dataframe(found.head(500), hide_index=True, width="stretch", height=300)
        database = net.network.background.database
        if st.button(
            f"Prepare an Excel template listing the {plain_markdown(database)} activities",
            icon=":material/table:",
            help="The blank workbook, with this background's activities in its sheet "
            "'background_activities' and as dropdowns in the exchanges' activity-code columns.",
        ):
            with _shared.guarded("Preparing the template"), st.spinner("Writing the template…"):
                st.session_state["background_template"] = (
                    database,
                    app_support.template_bytes(index_activities(index)),
                )
        ready = st.session_state.get("background_template")
        if ready and ready[0] == database:
            st.download_button(
                f"Excel template ({plain_markdown(database)} activities)",
                ready[1],
                file_name=safe_file_name(f"lcasym_network_template_{database}.xlsx"),
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/download:",
            )

tables = app_support.network_tables(net)
version = st.session_state.get(_shared.EDITOR, 0)


def show_flagged(frames: dict[str, pd.DataFrame], problems: list, note: str, key: str) -> None:
    """The tables with the cells the errors name highlighted (nothing when none is named)."""
    for name, frame in frames.items():
        preview = app_support.flagged_preview(frame, name, problems)
        if preview is not None:
            st.caption(
                f"**{name.capitalize()}**: the cells with an error, highlighted (row: light, "
                f"cell: amber). {note}"
            )
            st.dataframe(preview, hide_index=True, width="stretch", key=f"{key}_{name}")


if not failed:
    show_flagged(
        tables,
        st.session_state.get(_shared.PROBLEMS, []),
        "Correct them in the editor below.",
        "flagged_checked",
    )


def config(columns: dict[str, str]) -> dict:
    cfg: dict = {app_support.ROW_KEY: None}
    for path, label in columns.items():
        if path == "kind":
            cfg[path] = st.column_config.SelectboxColumn(
                label, options=["material", "energy", "water", "waste"], required=True
            )
        elif path == "status":
            cfg[path] = st.column_config.SelectboxColumn(
                label, options=["operating", "planned"], required=True
            )
        elif path in ("hazardous", "groundwater"):
            cfg[path] = st.column_config.CheckboxColumn(label)
        elif path in ("amount", "value_added"):
            cfg[path] = st.column_config.NumberColumn(label, min_value=0.0, format="localized")
        elif path.endswith(("ratio", "displacement_factor")):
            cfg[path] = st.column_config.NumberColumn(label, format="%.4g")
        else:
            cfg[path] = st.column_config.TextColumn(label)
    return cfg


with st.form(f"editor_form_{version}", border=False):
    tab_ex, tab_fac = st.tabs(
        [f"Exchanges ({len(net.exchanges)})", f"Facilities ({len(net.facilities)})"]
    )
    with tab_ex:
        edited_ex = st.data_editor(
            tables["exchanges"],
            key=f"exchanges_editor_{version}",
            num_rows="dynamic",
            hide_index=True,
            column_config=config(app_support.EXCHANGE_COLUMNS),
            width="stretch",
            height=min(38 + 35 * (len(tables["exchanges"]) + 1), 640),
        )
    with tab_fac:
        edited_fac = st.data_editor(
            tables["facilities"],
            key=f"facilities_editor_{version}",
            num_rows="dynamic",
            hide_index=True,
            column_config=config(app_support.FACILITY_COLUMNS),
            width="stretch",
            height=min(38 + 35 * (len(tables["facilities"]) + 1), 640),
        )
    applied = st.form_submit_button("Apply edits", type="primary", icon=":material/check:")

if applied:
    with _shared.guarded("Applying the edits"):
        try:
            new = app_support.network_from_tables(net, edited_fac, edited_ex)
        except InputError as exc:
            st.error(
                "**The edits were not applied**: fix the cells named below and press Apply "
                "edits again.",
                icon=":material/edit_off:",
            )
            _shared.show_input_error(exc)
            show_flagged(
                {"exchanges": edited_ex, "facilities": edited_fac},
                exc.problems,
                "Your edits are kept in the editor above.",
                "flagged_edits",
            )
        else:
            if new == net:
                st.toast("No changes to apply.")
            else:
                background, note = background_for(new)
                problems = app_support.check_edited(new, background)
                _shared.set_network(new, "table editor", problems)
                st.session_state[_shared.UNSAVED] = True
                st.session_state[_shared.CHECK_NOTE] = note
                st.rerun()

# --- download -------------------------------------------------------------------------------
st.subheader("Download this network", divider="gray")
errors, _ = app_support.split_problems(st.session_state.get(_shared.PROBLEMS, []))
if errors:
    st.caption(
        "Fix the errors above to download the network, or download it anyway to fix "
        "it in a text editor or Excel."
    )
net_json = net.model_dump_json()
cols = st.columns(3)
for col, (fmt, label, mime) in zip(
    cols,
    [
        ("yaml", "YAML", "application/x-yaml"),
        ("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "JSON", "application/json"),
    ],
    strict=True,
):
    with col, _shared.guarded(f"Writing the {label} file"):
        st.download_button(
            f"{label} file",
            _shared.network_bytes(net_json, fmt),
            file_name=f"{net.network.id}.{fmt}",
            mime=mime,
            icon=":material/download:",
            width="stretch",
        )
