"""The network editor: a network as editable tables and back, with located problems."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lcasym.errors import Problem
from lcasym.io import network_from_dict
from lcasym.io.tables import decode_list, encode_list
from lcasym.network.model import ActivityRef, SymbiosisNetwork
from lcasym.presentation.formatting import _is_missing

ROW_KEY = "_row"  # hidden column: position of the row in the network it came from

#: Editable columns of the facilities table: dotted path in a facility -> column label.
FACILITY_COLUMNS: dict[str, str] = {
    "id": "id",
    "name": "name",
    "sector": "sector",
    "location": "location",
    "value_added": "value added / yr",
    "main_outputs": "main outputs",
    "notes": "notes",
}
#: Editable columns of the exchanges table.
EXCHANGE_COLUMNS: dict[str, str] = {
    "id": "id",
    "supplier": "supplier",
    "receiver": "receiver",
    "kind": "kind",
    "flow": "flow",
    "amount": "amount / yr",
    "unit": "unit",
    "status": "status",
    "displaces.activity": "displaced product (activity)",
    "displaces.ratio": "substitution ratio",
    "displaces.ratio_unit": "ratio unit",
    "displaces.displacement_factor": "displacement factor",
    "avoided_treatment.activity": "avoided treatment (activity)",
    "avoided_treatment.ratio": "treatment ratio",
    "hazardous": "hazardous",
    "groundwater": "groundwater",
    "source": "source",
}
_LIST_FIELDS = {"main_outputs"}
_BOOL_FIELDS = {"hazardous", "groundwater"}
_NUMBER_FIELDS = {
    "value_added",
    "amount",
    "displaces.ratio",
    "displaces.displacement_factor",
    "avoided_treatment.ratio",
}
_TABLES = {"facilities": FACILITY_COLUMNS, "exchanges": EXCHANGE_COLUMNS}
_TABLE_TITLES = {"facilities": "Facilities table", "exchanges": "Exchanges table"}

#: Short name of each crediting rule (lcasym.results.crediting.RULES) ...
CREDITING_LABELS: dict[str, str] = {
    "receiver": "Receiver (cut-off)",
    "supplier": "Supplier (avoided burden)",
    "equal": "Equal split",
    "cff": "Circular Footprint Formula (PEF)",
    "network": "Network (not split)",
}
#: ... and what it does.
CREDITING_RULES: dict[str, str] = {
    "receiver": "the user of the by-product gets the credit of the product it replaces; the "
    "supplier keeps the avoided disposal",
    "supplier": "the supplier gets the whole net benefit of each exchange",
    "equal": "the net benefit of each exchange is split 50/50",
    "cff": "shares A (materials, water, waste) and B (energy) of the PEF Circular Footprint "
    "Formula",
    "network": "the benefit is not split between firms; one total for the whole network",
}


# --- the network editor -----------------------------------------------------------------


def _ref_text(ref: Mapping[str, Any] | None) -> str | None:
    if not ref:
        return None
    return ActivityRef.model_validate(ref).label()


def _parse_ref(text: str) -> dict[str, Any]:
    """A typed activity: ``code`` or ``database:code``; ``name | product | location``."""
    if "|" in text:
        parts = [p.strip() or None for p in text.split("|")]
        keys = ("name", "reference_product", "location")
        return {k: v for k, v in zip(keys, parts, strict=False) if v}
    if ":" in text:
        database, code = text.split(":", 1)
        return {"database": database.strip(), "code": code.strip()}
    return {"code": text}


def _cell(record: Mapping[str, Any], path: str) -> Any:
    node: Any = record
    for step in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(step)
    if path.endswith(".activity"):
        return _ref_text(node)
    if path in _LIST_FIELDS:
        return encode_list(node) if node else None
    return node


def network_tables(network: SymbiosisNetwork) -> dict[str, pd.DataFrame]:
    """The ``facilities`` and ``exchanges`` tables shown in the editor.

    Columns are the dotted paths of :data:`FACILITY_COLUMNS` / :data:`EXCHANGE_COLUMNS`
    (labels for the UI are their values) plus the hidden :data:`ROW_KEY`, the row's
    position in ``network`` (so fields not shown are kept when a row is edited).
    """
    data = network.model_dump(mode="json", exclude_none=True)
    out = {}
    for name, columns in _TABLES.items():
        rows = []
        for i, record in enumerate(data[name]):
            row = {path: _cell(record, path) for path in columns}
            row[ROW_KEY] = i
            rows.append(row)
        frame = pd.DataFrame(rows, columns=[*columns, ROW_KEY])
        for path in columns:
            if path in _NUMBER_FIELDS:
                frame[path] = pd.to_numeric(frame[path], errors="coerce").astype(float)
            elif path in _BOOL_FIELDS:
                frame[path] = frame[path].fillna(False).astype(bool)
            else:
                frame[path] = frame[path].astype(object)
        out[name] = frame
    return out


def _plain(value: Any) -> Any:
    """Editor cell -> plain Python (blank -> None, numpy scalars -> Python)."""
    if isinstance(value, np.generic):
        value = value.item()
    if _is_missing(value):
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _source_row(value: Any, n: int) -> int | None:
    value = _plain(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < n:
        return int(value)
    return None


def _apply_row(base: dict[str, Any], row: Mapping[str, Any], columns: Iterable[str]) -> dict:
    record = copy.deepcopy(base)
    groups: dict[str, dict[str, Any]] = {}
    for path in columns:
        value = _plain(row.get(path))
        if "." in path:
            group, key = path.split(".", 1)
            groups.setdefault(group, {})[key] = value
            continue
        if path in _LIST_FIELDS and value is not None:
            value = decode_list(str(value))
        if path in _BOOL_FIELDS:
            value = bool(value) if value is not None else False
        if value is None:
            record.pop(path, None)
        else:
            record[path] = value
    for group, values in groups.items():
        if all(v is None for v in values.values()):
            record.pop(group, None)  # the whole group left blank: it does not apply
            continue
        target = dict(record.get(group) or {})
        for key, value in values.items():
            if key == "activity":
                if value is None:
                    target.pop("activity", None)
                elif value != _ref_text(target.get("activity")):
                    target["activity"] = _parse_ref(str(value))
            elif value is None:
                target.pop(key, None)
            else:
                target[key] = value
        record[group] = target
    return record


class EditorLocator:
    """Locate problems in the editor's tables, by table, row and column.

    ``"Exchanges table, row 2 (id 'x'), column 'amount / yr'"``; fields not shown in the
    tables are named by their path.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def __call__(self, path: Sequence[str | int]) -> str:
        """Return the location of ``path`` in words."""
        path = tuple(path)
        if len(path) >= 2 and path[0] in _TABLES and isinstance(path[1], int):
            name, i = path[0], path[1]
            records = self.data.get(name) or []
            ident = records[i].get("id") if i < len(records) else None
            where = f"{_TABLE_TITLES[name]}, row {i + 1}"
            if ident:
                where += f" (id {ident!r})"
            rest = path[2:]
            if not rest:
                return where
            dotted = ".".join(str(p) for p in rest if not isinstance(p, int))
            columns = _TABLES[name]
            for cut in range(len(rest), 0, -1):
                key = ".".join(str(p) for p in rest[:cut] if not isinstance(p, int))
                if key in columns and not any(isinstance(p, int) for p in rest[:cut]):
                    return f"{where}, column {columns[key]!r}"
            text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)[1:]
            return f"{where}, {text or dotted} (not in the table: edit it in the file)"
        if path and path[0] == "network":
            return "network details, " + ".".join(str(p) for p in path[1:])
        return ".".join(str(p) for p in path)


def network_from_tables(
    network: SymbiosisNetwork,
    facilities: pd.DataFrame,
    exchanges: pd.DataFrame,
) -> SymbiosisNetwork:
    """Apply the edited tables to ``network`` and validate the result against the model.

    Rows keep the fields the tables do not show (found through :data:`ROW_KEY`); new rows
    start empty; deleted rows are gone. Blank cells take the model's default; a displaced
    product or avoided treatment whose cells are all blank is removed.

    Raises
    ------
    InputError
        Every problem, located by table, row and column (:class:`EditorLocator`).
    """
    data = network.model_dump(mode="json", exclude_none=True)
    for name, frame in (("facilities", facilities), ("exchanges", exchanges)):
        originals = data[name]
        columns = [c for c in _TABLES[name] if c in frame.columns]
        records = []
        for row in frame.to_dict("records"):
            if all(_plain(row.get(c)) in (None, False) for c in columns):
                continue  # an empty row added by mistake
            i = _source_row(row.get(ROW_KEY), len(originals))
            records.append(_apply_row(originals[i] if i is not None else {}, row, columns))
        data[name] = records
    return network_from_dict(data, "table editor", locate=EditorLocator(data))


def check_edited(
    network: SymbiosisNetwork, background: Any = None
) -> list[Problem]:  # background: BackgroundIndex | None
    """Cross-record rules on an edited network, located in the editor's tables."""
    from lcasym.network.validation import validate_network

    locate = EditorLocator(network.model_dump(mode="json", exclude_none=True))
    return validate_network(network, background=background, locate=locate)


#: Background of a cell an error names, and (lighter) of the other cells of its row.
PROBLEM_CELL_COLOUR = "#ffd166"
PROBLEM_ROW_COLOUR = "#fff3cd"
_COLUMN_AT_END = re.compile(r", column '([^']*)'$")


def problem_cells(problems: Iterable[Problem], table: str) -> dict[int, set[str | None]]:
    """The cells of ``table`` the problems name: record position -> column paths.

    Reads the locations :class:`EditorLocator` writes (``"Exchanges table, row 2 (id 'x'),
    column 'amount / yr'"``); a problem naming a row but no shown column gives ``None``
    (the whole row). Problems located elsewhere (a file, the network details) give nothing.
    """
    title = _TABLE_TITLES[table] + ", row "
    by_label = {label: path for path, label in _TABLES[table].items()}
    cells: dict[int, set[str | None]] = {}
    for p in problems:
        if p.severity != "error" or not p.location.startswith(title):
            continue
        digits = re.match(r"\d+", p.location[len(title) :])
        if digits is None:
            continue
        column = _COLUMN_AT_END.search(p.location)
        path = by_label.get(column.group(1)) if column else None
        cells.setdefault(int(digits.group()) - 1, set()).add(path)
    return cells


def flagged_preview(frame: pd.DataFrame, table: str, problems: Iterable[Problem]) -> Any:
    """``frame`` (an editor table) styled with the cells the errors name highlighted.

    A pandas ``Styler`` with the editor's column labels, or None when no error names a cell
    of this table. Rows are counted as :func:`network_from_tables` counts them (a row whose
    cells are all blank is skipped), so "row 2" is the second record of the table.
    """
    cells = problem_cells(problems, table)
    if not cells:
        return None
    columns = [c for c in _TABLES[table] if c in frame.columns]
    shown = frame[columns].reset_index(drop=True)
    position: dict[int, int] = {}  # record position -> frame row
    n = 0
    for i, row in enumerate(shown.to_dict("records")):
        if all(_plain(row.get(c)) in (None, False) for c in columns):
            continue
        position[n] = i
        n += 1
    styles = pd.DataFrame("", index=shown.index, columns=columns)
    for record, paths in cells.items():
        at = position.get(record)
        if at is None:
            continue
        styles.iloc[at, :] = f"background-color: {PROBLEM_ROW_COLOUR}"
        for path in paths:
            if path is not None:
                styles.at[at, path] = f"background-color: {PROBLEM_CELL_COLOUR}; font-weight: bold"
    labels = {c: _TABLES[table][c] for c in columns}
    return shown.rename(columns=labels).style.apply(
        lambda _: styles.rename(columns=labels), axis=None
    )


def split_problems(problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings)."""
    problems = list(problems)
    return (
        [p for p in problems if p.severity == "error"],
        [p for p in problems if p.severity != "error"],
    )


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    """One markdown line per problem: ``**location**: message``."""
    lines = []
    for p in problems:
        where = f"**{_md(p.location)}**: " if p.location else ""
        lines.append(f"- {where}{_md(p.message)}")
    return lines


def _md(text: str) -> str:
    """Escape user text for Markdown (no links, images, formulas)."""
    from lcasym.presentation.markdown import plain_markdown

    return plain_markdown(text)
