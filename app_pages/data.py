"""Data page: the whole result as one long table with filters, file downloads, provenance."""

from __future__ import annotations

import streamlit as st

from app_pages import _shared
from lcasym import app_support

st.title("Data & downloads")
res = _shared.need_result()
if res is None:
    st.stop()
prov = res.provenance
if _shared.result_is_stale():
    st.warning(
        "The network changed since this run: these data are from the previous run.",
        icon=":material/update:",
    )
st.caption(
    f"{prov.get('network_name')} · reporting year {prov.get('reporting_year')} · crediting "
    f"rule {prov.get('crediting_rule')} · {res.draws:,} Monte Carlo draws · seed "
    f"{prov.get('seed')} · calculated {prov.get('date', '')}"
)

# --- downloads ---
st.subheader("Download the results", divider="gray")
files = [
    (
        "xlsx",
        "Excel workbook",
        "One sheet per table, the long table and the provenance",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("json", "JSON", "Every table as records, with the provenance", "application/json"),
    ("csv", "CSV (long table)", "One row per number", "text/csv"),
]
stem = f"lcasym_{prov.get('network_id', 'result')}_{prov.get('crediting_rule', '')}"
for col, (fmt, label, help_text, mime) in zip(st.columns(3), files, strict=True):
    with col, _shared.guarded(f"Writing the {label} file"):
        st.download_button(
            label,
            _shared.cached_result_bytes(fmt),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            help=help_text,
            icon=":material/download:",
            width="stretch",
        )
# The PDF report (lcasym.report, a later issue) gets its download button here.

# --- long table ---
st.subheader("All results, one row per number", divider="gray")
long = res.to_long_frame()
c1, c2, c3 = st.columns([1.2, 2, 1.2])
sections = c1.multiselect("Tables", sorted(long["table"].unique()), placeholder="All tables")
method_options = sorted(m for m in long["method"].unique() if m and "|" in m)
methods = c2.multiselect(
    "Impact categories",
    method_options,
    format_func=app_support.method_name,
    placeholder="All impact categories and indicators",
)
search = c3.text_input("Search (exchange, facility, quantity…)", placeholder="e.g. gypsum")
shown = app_support.filter_long(long, sections=sections, methods=methods, search=search)
st.caption(f"{len(shown):,} of {len(long):,} rows · values in the unit of their row")
view = shown.assign(shown=shown["value"].map(app_support.format_number))
st.dataframe(
    view[["table", "entity", "method", "quantity", "statistic", "shown", "unit", "value"]],
    hide_index=True,
    width="stretch",
    height=520,
    column_config={
        "shown": st.column_config.TextColumn("value"),
        "value": st.column_config.NumberColumn("exact value", format="%.10g"),
        "method": st.column_config.TextColumn("method / indicator", width="large"),
        "statistic": st.column_config.TextColumn("statistic", width="small"),
    },
)
st.download_button(
    "Download these rows (CSV)",
    shown.to_csv(index=False).encode("utf-8"),
    file_name=f"{stem}_filtered.csv",
    mime="text/csv",
    icon=":material/filter_alt:",
)

# --- provenance ---
st.subheader("Provenance", divider="gray")
st.caption("What produced these numbers: software, background data, methods, options.")
provenance = app_support.provenance_table(prov)
st.dataframe(
    provenance,
    hide_index=True,
    width="stretch",
    height=38 + 35 * len(provenance),
    column_config={"value": st.column_config.TextColumn("value", width="large")},
)
