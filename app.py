"""lcasym's Streamlit app: load or edit a network, run it, explore and download the results.

Run with ``streamlit run app.py``. The pages live in ``app_pages/``; the logic lives in the
library (``lcasym.app_support`` and lcasym's public API).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import _shared
from lcasym import app_support
from lcasym.background.bootstrap import setup
from lcasym.presentation.markdown import plain_markdown

st.set_page_config(
    page_title="lcasym – industrial symbiosis LCA",
    page_icon=str(Path(__file__).parent / "app_assets" / "favicon.png"),  # served locally
    layout="wide",
)


def project_sidebar() -> None:
    """The Brightway project's status, and a button that sets it up on first use."""
    st.sidebar.markdown("#### Brightway project")
    status = _shared.project_status()
    if status.ready:
        st.sidebar.success(f"**{status.project}** is ready", icon=":material/check_circle:")
        st.sidebar.caption(f"{status.summary}  \nFolder: `{status.directory}`")
        return
    st.sidebar.warning(
        f"**{status.project}** is {status.summary}. Set it up once (offline, about 10 s) "
        "before running a network.",
        icon=":material/build:",
    )
    with st.sidebar.expander("What is missing"):
        for problem in status.problems:
            st.caption(problem)
        st.caption(f"Folder: `{status.directory}`")
    if st.sidebar.button("Set up", type="primary", icon=":material/build:"):
        bar = st.sidebar.progress(0.0, text="Starting…")
        with st.sidebar, _shared.guarded("Setting up the Brightway project"):
            report = setup(progress=lambda msg, frac: bar.progress(min(max(frac, 0.0), 1.0), msg))
            _shared.project_status.clear()
            st.sidebar.success(f"Set up ({report.status}, {report.elapsed:.0f} s)")
            st.rerun()


def session_sidebar() -> None:
    """Save the network and options to a session file, or restore one."""
    st.sidebar.markdown("#### Your work")
    net = _shared.network()
    if net is not None:
        st.sidebar.download_button(
            "Save session",
            app_support.session_bytes(net, _shared.options()),
            file_name=f"{net.network.id}.lcasym-session.json",
            mime="application/json",
            icon=":material/save:",
            help="The network and the run options in one file; restore it below.",
            on_click=lambda: st.session_state.update({_shared.UNSAVED: False}),
        )
        if st.session_state.get(_shared.UNSAVED):
            st.sidebar.caption(":material/warning: Edits not saved: save the session to keep them.")
    restore = st.sidebar.file_uploader("Restore a session file", type=["json"], key="restore")
    if restore is not None and st.session_state.get("restored_id") != restore.file_id:
        st.session_state["restored_id"] = restore.file_id
        with st.sidebar, _shared.guarded("Restoring the session"):
            refusal = app_support.upload_refusal(restore.name, restore.getvalue())
            if refusal:
                st.error(plain_markdown(refusal))
                return
            network, options = app_support.read_session(restore.name, restore.getvalue())
            _shared.set_network(network, restore.name, [])
            _shared.set_options(**options)
            st.session_state.pop(_shared.RESULT, None)
            st.success("Session restored: press **Run** on the Results page.")


pages = [
    st.Page("app_pages/results.py", title="Results", icon=":material/insights:", default=True),
    st.Page("app_pages/network.py", title="Network", icon=":material/hub:"),
    st.Page("app_pages/data.py", title="Data & downloads", icon=":material/table_view:"),
    st.Page("app_pages/opportunities.py", title="Opportunities", icon=":material/lightbulb:"),
    # The PDF report page (lcasym.report) goes here when it lands: st.Page("app_pages/report.py").
    st.Page("app_pages/about.py", title="About & method", icon=":material/info:"),
]
page = st.navigation(pages, position="top")  # top navigation: also on narrow screens
try:
    project_sidebar()
    session_sidebar()
    _shared.warn_before_leaving()
    page.run()
except Exception as exc:  # the last guard: a short message, never a bare traceback
    _shared.show_unexpected(exc, "This page")
