"""Non-UI logic of the Streamlit app: tables for the network editor, figures, file bytes.

Everything here is plain Python and pandas (no streamlit), so it is tested on its own and the
app pages stay a description of the UI. Three groups:

- the network editor: :func:`network_tables` turns a network into two editable tables
  (facilities, exchanges: the main fields) and :func:`network_from_tables` turns the edited
  tables back into a validated :class:`~lcasym.network.model.SymbiosisNetwork`; fields not shown in
  the tables (transport, extra inputs, economics, uncertainty...) are kept from the original
  row. Problems are located as ``"Exchanges table, row 2 (id 'x'), column 'amount'"``;
- results for people: :func:`headline_figures`, :func:`impact_table`,
  :func:`exchange_table`, :func:`waterfall_frame`, :func:`facility_table`,
  :func:`sdg_goals`, with numbers formatted by :func:`format_number`;
- files: uploaded bytes -> network, network / template / result -> bytes.
"""

from lcasym.app_support.editor import (  # noqa: F401
    CREDITING_LABELS,
    CREDITING_RULES,
    EXCHANGE_COLUMNS,
    FACILITY_COLUMNS,
    ROW_KEY,
    EditorLocator,
    check_edited,
    flagged_preview,
    network_from_tables,
    network_tables,
    problem_lines,
    split_problems,
)
from lcasym.app_support.files import (  # noqa: F401
    ProjectStatus,
    network_bytes,
    project_status,
    read_uploaded,
    result_bytes,
    template_bytes,
)
from lcasym.app_support.presentation import (  # noqa: F401
    Figure,
    SdgGoal,
    exchange_table,
    facility_table,
    filter_long,
    headline_figures,
    impact_table,
    network_summary,
    provenance_table,
    sdg_goals,
    sdg_tile_html,
    text_colour,
    waterfall_frame,
)
from lcasym.app_support.session_file import read_session, session_bytes  # noqa: F401
from lcasym.app_support.uploads import MAX_UPLOAD_MB, upload_refusal  # noqa: F401
from lcasym.presentation.formatting import (  # noqa: F401
    display_scale,
    format_number,
    format_quantity,
    is_kg_co2,
    method_name,
    method_parts,
)
