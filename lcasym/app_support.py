"""Non-UI logic of the Streamlit app: tables for the network editor, figures, file bytes.

Everything here is plain Python and pandas (no streamlit), so it is tested on its own and the
app pages stay a description of the UI. Three groups:

- the network editor: :func:`network_tables` turns a network into two editable tables
  (facilities, exchanges: the main fields) and :func:`network_from_tables` turns the edited
  tables back into a validated :class:`~lcasym.model.SymbiosisNetwork`; fields not shown in
  the tables (transport, extra inputs, economics, uncertainty...) are kept from the original
  row. Problems are located as ``"Exchanges table, row 2 (id 'x'), column 'amount'"``;
- results for people: :func:`headline_figures`, :func:`impact_table`,
  :func:`exchange_table`, :func:`waterfall_frame`, :func:`facility_table`,
  :func:`sdg_goals`, with numbers formatted by :func:`format_number`;
- files: uploaded bytes -> network, network / template / result -> bytes.
"""

from __future__ import annotations

import copy
import html
import math
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcasym.errors import LcasymError, Problem
from lcasym.io import LoadedNetwork, load_network, network_from_dict, write_network
from lcasym.io.tables import decode_list, encode_list
from lcasym.model import ActivityRef, SymbiosisNetwork

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

#: Short name of each crediting rule (lcasym.crediting.RULES) ...
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


# --- numbers for people -----------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    return False


def format_number(value: Any) -> str:
    """A number as people read it: thousands separators, about 3 significant digits.

    ``40394506.04 -> "40,394,506"``, ``12.345 -> "12.3"``, ``0.000271 -> "0.000271"``,
    ``2.5e-9 -> "2.5e-09"``; None/NaN -> ``"–"``.
    """
    if _is_missing(value):
        return "–"
    v = float(value)
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    if a >= 1:
        return f"{v:,.2f}"
    if a >= 1e-4:
        return f"{v:.3g}"
    return f"{v:.2e}"


def format_quantity(value: Any, unit: str) -> str:
    """``format_number(value)`` followed by the unit (counts: a whole number, no unit)."""
    if unit == "count" and not _is_missing(value):
        return f"{round(float(value)):,}"
    text = format_number(value)
    return text if text == "–" or not unit else f"{text} {unit}"


def is_kg_co2(unit: str) -> bool:
    """True for ``kg CO2-Eq`` style units (shown in tonnes)."""
    return bool(re.fullmatch(r"kg\s*co2[-\s]?eq\.?", unit.strip(), flags=re.IGNORECASE))


def display_scale(unit: str) -> tuple[float, str]:
    """Factor and unit to show a method's values in: kg CO2-eq becomes t CO2-eq."""
    if is_kg_co2(unit):
        return 1e-3, "t CO2-eq"
    return 1.0, unit


def method_parts(label: str) -> tuple[str, str, str]:
    """``"EF v3.1 | climate change | GWP100"`` -> (family, category, indicator)."""
    parts = [p.strip() for p in str(label).split("|")]
    family = parts[0] if parts else ""
    category = parts[1] if len(parts) > 1 else ""
    indicator = " | ".join(parts[2:])
    return family, category, indicator


def method_name(label: str) -> str:
    """A readable method name, e.g. ``"Climate change – GWP100 (IPCC 2021)"``."""
    family, category, indicator = method_parts(label)
    head = category[:1].upper() + category[1:] if category else label
    if indicator:
        head += f" – {indicator}"
    return f"{head} ({family})" if family else head


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
    from lcasym.validation import validate_network

    locate = EditorLocator(network.model_dump(mode="json", exclude_none=True))
    return validate_network(network, background=background, locate=locate)


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
    """Escape characters markdown would eat."""
    return re.sub(r"([\\`*_\[\]<>#|$~])", r"\\\1", str(text))


# --- background for validation ------------------------------------------------------------


def validation_background(network: SymbiosisNetwork) -> tuple[Any, str]:
    """The background index to check activity references against, and a note saying which.

    The set-up Brightway project when there is one, else the shipped open background files
    (enough for networks that only use ``lcasym-open``), else None.
    """
    from lcasym import naming
    from lcasym.resolve import BackgroundIndex
    from lcasym.validation_background import activity_refs

    custom = naming.custom_database(network.network.id)
    wanted = {network.network.background.database}
    wanted |= {r.database for _, r in activity_refs(network) if r.database}
    wanted.discard(custom)
    try:
        from lcasym.bootstrap import ensure_ready
        from lcasym.project import brightway_project

        settings = ensure_ready()
        with brightway_project(settings.project, settings.directory, create=False):
            import bw2data

            present = [d for d in sorted(wanted) if d in bw2data.databases]
            index = BackgroundIndex.from_brightway(present)
        return index, f"checked against Brightway project {settings.project!r}"
    except (ImportError, LcasymError) as exc:
        reason = str(exc).splitlines()[0]
    if wanted == {"lcasym-open"}:
        try:
            return BackgroundIndex.from_open_background(), "checked against lcasym-open"
        except (ImportError, LcasymError) as exc:
            reason = str(exc)
    return None, f"activity references not checked ({reason})"


# --- files ---------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "network"
    return stem


def read_uploaded(name: str, data: bytes) -> LoadedNetwork:
    """Read an uploaded network file (YAML, JSON or Excel) from its bytes.

    Raises
    ------
    InputError
        Unsupported type or an invalid network, every problem located in that file.
    """
    with tempfile.TemporaryDirectory(prefix="lcasym-upload-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        return load_network(path)


def network_bytes(network: SymbiosisNetwork, fmt: str) -> bytes:
    """The network as a ``yaml``, ``json`` or ``xlsx`` file."""
    with tempfile.TemporaryDirectory(prefix="lcasym-net-") as tmp:
        path = Path(tmp) / f"{network.network.id}.{fmt}"
        write_network(network, path)
        return path.read_bytes()


def template_bytes() -> bytes:
    """The blank Excel workbook users fill in."""
    from lcasym.io.template import write_template

    with tempfile.TemporaryDirectory(prefix="lcasym-tpl-") as tmp:
        path = Path(tmp) / "lcasym_network_template.xlsx"
        write_template(path)
        return path.read_bytes()


def result_bytes(result: Any, fmt: str) -> bytes:
    """``result.export`` to a temporary file, as bytes (``xlsx``, ``json`` or ``csv``)."""
    with tempfile.TemporaryDirectory(prefix="lcasym-res-") as tmp:
        path = Path(tmp) / f"result.{fmt}"
        result.export(path, fmt)
        return path.read_bytes()


# --- the Brightway project ---------------------------------------------------------------


@dataclass(frozen=True)
class ProjectStatus:
    """Whether lcasym's Brightway project is ready, in words for the sidebar."""

    ready: bool
    project: str
    directory: str
    summary: str
    problems: tuple[str, ...] = ()


def project_status() -> ProjectStatus:
    """Check (never change) the Brightway project the app calculates in."""
    from lcasym.bootstrap import verify
    from lcasym.project import resolve_settings

    settings = resolve_settings(None, None)
    try:
        report = verify()
    except LcasymError as exc:
        return ProjectStatus(
            False, settings.project, str(settings.directory), "not set up", (str(exc),)
        )
    if report.ok:
        summary = (
            f"{report.method_count} LCIA methods; "
            f"{report.open_background or 'no open background'} "
            f"{report.open_background_version or ''} ({report.open_background_activities} "
            "activities)"
        )
        return ProjectStatus(True, report.project, str(report.directory), summary.strip())
    return ProjectStatus(
        False, report.project, str(report.directory), "incomplete", tuple(report.problems)
    )


# --- results for people ------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``value`` in ``unit`` and a short ``note``."""

    key: str
    label: str
    value: float | None
    unit: str
    note: str = ""
    help: str = ""

    @property
    def text(self) -> str:
        """Value and unit, formatted."""
        return format_quantity(self.value, self.unit)


def _indicator(result: Any, name: str) -> tuple[float | None, str]:
    ind = result.indicators
    hit = ind[(ind["indicator"] == name) & (ind["entity"] == "network")]
    if hit.empty:
        return None, ""
    return float(hit["value"].iloc[0]), str(hit["unit"].iloc[0])


def headline_figures(result: Any) -> list[Figure]:
    """The figures the results page leads with (avoided GHG first, with its P5–P95)."""
    head = result.headline()
    scale, unit = display_scale(str(head["unit"]))
    if head.get("P5") is not None:
        note = (
            f"P5–P95: {format_number(head['P5'] * scale)} to "
            f"{format_number(head['P95'] * scale)} ({result.draws:,} Monte Carlo draws)"
        )
    else:
        note = "No uncertainty range: run with Monte Carlo draws > 0"
    family, category, indicator = method_parts(head["method"])
    figures = [
        Figure(
            "ghg",
            "Avoided GHG",
            float(head["avoided"]) * scale,
            f"{unit}/yr",
            note,
            f"Baseline − symbiosis, {category} {indicator} ({family}).",
        )
    ]
    waste, wu = _indicator(result, "waste_diverted")
    figures.append(
        Figure(
            "waste",
            "Waste diverted",
            waste,
            f"{wu or 't'}/yr",
            "By-products no longer landfilled or incinerated",
        )
    )
    virgin, vu = _indicator(result, "virgin_materials_avoided")
    figures.append(
        Figure(
            "virgin",
            "Virgin materials saved",
            virgin,
            f"{vu or 't'}/yr",
            "Primary materials receivers no longer buy",
        )
    )
    water, wtu = _indicator(result, "freshwater_withdrawal_avoided")
    ground, gu = _indicator(result, "groundwater_withdrawal_avoided")
    gnote = (
        f"of which groundwater: {format_quantity(ground, gu or 'm3')}/yr"
        if ground is not None
        else "of which groundwater: none"
    )
    figures.append(
        Figure(
            "water",
            "Water saved",
            water,
            f"{wtu or 'm3'}/yr",
            gnote,
            "Freshwater withdrawal avoided (water displaced at the receivers).",
        )
    )
    energy, eu = _indicator(result, "energy_recovered")
    figures.append(
        Figure(
            "energy",
            "Energy recovered",
            energy,
            f"{eu or 'MWh'}/yr",
            "Waste heat, steam or gas delivered to a partner",
        )
    )
    cost, cu = _indicator(result, "cost_savings")
    if cost is not None:
        figures.append(Figure("cost", "Cost savings", cost, f"{cu}/yr", "Network, after payments"))
    return figures


def impact_table(result: Any) -> pd.DataFrame:
    """Baseline, symbiosis and avoided per impact category, formatted for reading."""
    rows = []
    for rec in result.totals.to_dict("records"):
        family, category, indicator = method_parts(rec["method"])
        base, sym, avoided = (float(rec[k]) for k in ("baseline", "symbiosis", "avoided"))
        change = 100 * avoided / base if base else math.nan
        rows.append(
            {
                "impact category": category[:1].upper() + category[1:],
                "unit": rec["unit"],
                "baseline": format_number(base),
                "symbiosis": format_number(sym),
                "avoided": format_number(avoided),
                "avoided %": "–" if math.isnan(change) else f"{change:,.1f} %",
                "indicator": indicator,
                "method": family,
            }
        )
    return pd.DataFrame(rows)


def _exchange_label(rec: Mapping[str, Any]) -> str:
    return f"{rec['flow']} ({rec['supplier']} → {rec['receiver']})"


def exchange_table(result: Any, method: str) -> pd.DataFrame:
    """Per exchange for one method, largest benefit first; values in the display unit.

    Columns: exchange, label, displaced, avoided treatment, extra burdens, net, share of
    the network total (%), and P5/P95 of the net when Monte Carlo draws were made.
    """
    ex = result.exchanges
    ex = ex[ex["method"] == method]
    if ex.empty:
        return pd.DataFrame()
    scale, unit = display_scale(str(ex["unit"].iloc[0]))
    total = float(ex["net"].sum())
    unc = result.uncertainty
    unc = unc[(unc["quantity"] == "net") & (unc["method"] == method)].set_index("entity")
    rows = []
    for rec in ex.sort_values("net", ascending=False).to_dict("records"):
        row = {
            "exchange": rec["exchange"],
            "label": _exchange_label(rec),
            "net": rec["net"] * scale,
            "share %": 100 * rec["net"] / total if total else math.nan,
        }
        if rec["exchange"] in unc.index:
            row["P5"] = float(unc.at[rec["exchange"], "P5"]) * scale
            row["P95"] = float(unc.at[rec["exchange"], "P95"]) * scale
        row.update(
            {
                "displaced": rec["displaced"] * scale,
                "avoided treatment": rec["treatment"] * scale,
                "extra burdens": -rec["extra"] * scale,
                "kind": rec["kind"],
                "unit": unit,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def waterfall_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Bars of a waterfall chart from :func:`exchange_table`.

    Each exchange runs from the running total to the next, then the network total from 0
    (columns ``label, start, end, value, kind, order, value_text``).
    """
    rows, running = [], 0.0
    for i, rec in enumerate(table.to_dict("records")):
        start, end = running, running + float(rec["net"])
        rows.append(
            {
                "label": rec["label"],
                "start": start,
                "end": end,
                "value": rec["net"],
                "kind": "benefit" if rec["net"] >= 0 else "burden",
                "order": i,
            }
        )
        running = end
    rows.append(
        {
            "label": "Network total",
            "start": 0.0,
            "end": running,
            "value": running,
            "kind": "total",
            "order": len(rows),
        }
    )
    frame = pd.DataFrame(rows)
    frame["value_text"] = frame["value"].map(format_number)
    return frame


def facility_table(result: Any, method: str) -> pd.DataFrame:
    """Per facility for one method: its credit under the rule, in the display unit.

    The facility's own inventory is kept in its own columns, never netted with the credit.
    """
    fac = result.facilities
    fac = fac[fac["method"] == method]
    if fac.empty:
        return pd.DataFrame()
    scale, unit = display_scale(str(fac["unit"].iloc[0]))
    total = float(fac["credit"].sum(skipna=True))
    unc = result.uncertainty
    unc = unc[(unc["quantity"] == "credit") & (unc["method"] == method)].set_index("entity")
    rows = []
    for rec in fac.sort_values("credit", ascending=False, na_position="last").to_dict("records"):
        credit = rec["credit"]
        row = {
            "facility": rec["facility"],
            "name": rec["name"],
            "credit": credit * scale if not _is_missing(credit) else math.nan,
            "share %": 100 * credit / total if total and not _is_missing(credit) else math.nan,
        }
        if rec["facility"] in unc.index:
            row["P5"] = float(unc.at[rec["facility"], "P5"]) * scale
            row["P95"] = float(unc.at[rec["facility"], "P95"]) * scale
        row.update(
            {
                "own baseline": rec["own_baseline"] * scale,
                "own symbiosis": rec["own_symbiosis"] * scale,
                "unit": unit,
                "rule": rec["rule"],
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SdgGoal:
    """One SDG goal tile and the statements of its linked targets."""

    goal: int
    name: str
    colour: str
    statements: tuple[str, ...] = ()
    not_assessed: tuple[str, ...] = field(default=())


def _sdg_statement(rec: Mapping[str, Any]) -> str:
    scale, unit = display_scale(str(rec["unit"]))
    value = rec["contribution"]
    text = f"**{rec['statement']}**"
    what = _md(rec["indicator_description"])
    detail = format_quantity(float(value) * scale, unit)
    if not _is_missing(rec["baseline"]) and not _is_missing(rec["symbiosis"]):
        detail += (
            f" (baseline {format_number(rec['baseline'] * scale)} → symbiosis "
            f"{format_number(rec['symbiosis'] * scale)})"
        )
    return f"{text} ({rec['un_indicator']} {what}): {_md(detail)}"


def sdg_goals(result: Any) -> list[SdgGoal]:
    """SDG goals with at least one assessed link, lowest goal number first.

    Statements are markdown: ``**contributes to target 13.2** (13.2.2 ...): value unit
    (baseline → symbiosis)``.
    """
    sdg = result.sdg
    goals = []
    for goal, rows in sdg.groupby("goal", sort=True):
        recs = rows.to_dict("records")
        done = [r for r in recs if r["status"] == "ok"]
        if not done:
            continue
        goals.append(
            SdgGoal(
                goal=int(goal),
                name=str(recs[0]["goal_name"]),
                colour=str(recs[0]["colour"]),
                statements=tuple(_sdg_statement(r) for r in done),
                not_assessed=tuple(
                    f"Target {r['target']} ({r['un_indicator']}): {r['status']}"
                    for r in recs
                    if r["status"] != "ok"
                ),
            )
        )
    return goals


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the hex colour ``background``."""
    h = background.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1a1a1a" if luminance > 0.6 else "#ffffff"


def sdg_tile_html(goal: int, name: str, colour: str) -> str:
    """A coloured SDG tile drawn by lcasym (goal number + short name; not the UN icon)."""
    fg = text_colour(colour)
    return (
        f'<div style="background:{html.escape(colour)};color:{fg};border-radius:6px;'
        'padding:10px 12px;min-height:86px;display:flex;gap:10px;align-items:center;">'
        f'<div style="font-size:2.2rem;font-weight:800;line-height:1">{int(goal)}</div>'
        f'<div style="font-size:0.95rem;font-weight:700;line-height:1.2">'
        f"{html.escape(name).upper()}</div></div>"
    )


# --- the long table ---------------------------------------------------------------------


def filter_long(
    frame: pd.DataFrame,
    *,
    sections: Sequence[str] = (),
    methods: Sequence[str] = (),
    search: str = "",
) -> pd.DataFrame:
    """Filter the long table (:meth:`SymbiosisResult.to_long_frame`).

    Keeps rows in ``sections`` and ``methods`` (all when empty) whose entity, quantity or
    detail contains ``search`` (case-insensitive).
    """
    out = frame
    if sections:
        out = out[out["section"].isin(list(sections))]
    if methods:
        out = out[out["method"].isin(list(methods))]
    if search.strip():
        needle = search.strip().casefold()
        text = (
            out["entity"].astype(str)
            + " "
            + out["quantity"].astype(str)
            + " "
            + out["detail"].astype(str)
        ).str.casefold()
        out = out[text.str.contains(needle, regex=False)]
    return out.reset_index(drop=True)


def provenance_table(provenance: Mapping[str, Any]) -> pd.DataFrame:
    """Provenance as two text columns (lists joined by ``"; "``)."""
    rows = []
    for key, value in provenance.items():
        if key == "method_keys":
            continue  # the same as "methods", as tuples
        if isinstance(value, list | tuple):
            text = "; ".join(str(v) for v in value) if value else "–"
        elif isinstance(value, Mapping):
            text = ", ".join(f"{k} = {v}" for k, v in value.items())
        else:
            text = "–" if value is None else str(value)
        rows.append({"item": key.replace("_", " "), "value": text})
    return pd.DataFrame(rows, columns=["item", "value"])


def network_summary(network: SymbiosisNetwork, *, name: bool = True) -> str:
    """One line about a network: name, year, facilities, exchanges (operating/planned)."""
    operating = len(network.operating_exchanges())
    planned = len(network.exchanges) - operating
    text = (
        (f"{network.network.name} · " if name else "")
        + f"reporting year {network.network.reporting_year} · "
        f"{len(network.facilities)} facilities · {operating} operating exchanges"
    )
    return text + (f" · {planned} planned (kept out of the totals)" if planned else "")
