"""The one result object of a symbiosis calculation, shared by every face of lcasym.

:class:`SymbiosisResult` is immutable: a frozen dataclass of pandas DataFrames (copied on
the way in and on every access, so no caller can change another's view) and a provenance
dict. The PDF report, the Streamlit app, the CLI and researchers' scripts all read it.

Sign convention everywhere: ``avoided = reference − with_exchanges``; positive = benefit;
never clipped. ``reference`` is the foreground *without* the exchanges (what the displaced
products and treatments emit, plus the facilities' own inventories when given), not "each
firm's whole footprint". Facility credits (attribution of avoided emissions, WBCSD 2023)
are kept apart from each facility's own inventory (``own_inventory``) and never netted
against it. The column contract of every table is in ``docs/results.md``.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcasym.atomic import atomic_path
from lcasym.results.tables import FORMATS, LONG_COLUMNS, TABLE_COLUMNS, TABLES, empty_table


@dataclass(frozen=True)
class SymbiosisResult:
    """Everything a calculation produced, as tidy tables plus provenance.

    Attributes
    ----------
    totals
        Per method: ``reference`` (without the exchanges), ``with_exchanges``,
        ``avoided = reference − with_exchanges``, ``relative_reduction`` (only when every
        facility's own inventory is given, else NaN) and ``coverage`` (``covered``,
        ``partial``, ``not covered``: whether the background data cover the category).
    exchanges
        Per exchange and method: ``displaced`` (D), ``treatment`` (W), ``gross = D + W``,
        ``extra`` (E), ``forgone`` (F, output the supplier gives up), ``net = D + W − E −
        F``, ``direct`` / ``upstream`` (the part of the gross credit at the partners' own
        sites / elsewhere; NaN when the background cannot tell), the ``supplier_credit`` /
        ``receiver_credit`` under the crediting rule, and ``coverage``.
    facilities
        Per facility and method: ``credit`` under ``rule`` (NaN for the ``network`` rule,
        whose pseudo-facility ``"network"`` holds the total), and the facility's own
        inventory ``own_inventory`` (the same in both scenarios; kept apart, never netted).
    credits_by_rule
        Each facility's credit under every splitting rule, side by side.
    contributions
        Per exchange component: background activities driving its score (``share`` of the
        unit score of the ``target`` activity; ``score`` = that part of the component).
    indicators, sdg
        Programme indicators (:mod:`lcasym.results.indicators`) and SDG links
        (:mod:`lcasym.results.sdg`).
    uncertainty
        Monte Carlo statistics (empty when ``draws == 0``).
    sensitivity
        Tornado / global sensitivity results (empty unless asked for).
    samples
        The paired Monte Carlo draws, long (``draw``, ``entity``, ``quantity``, ``method``,
        ``value``; :mod:`lcasym.results.samples`); empty unless ``keep_draws=True``. Not
        part of the JSON, CSV or Excel exports (they can be millions of rows).
    flags
        What a reader must know before repeating a number: one row per flag (``entity``,
        ``method``, ``flag``, ``detail``), e.g. placeholders, categories not covered,
        data-vintage mismatches, no uncertainty data.
    provenance
        Versions, background, methods, crediting rule, seed, draws, date, network.
    """

    totals: pd.DataFrame
    exchanges: pd.DataFrame
    facilities: pd.DataFrame
    credits_by_rule: pd.DataFrame = field(default_factory=lambda: empty_table("credits_by_rule"))
    contributions: pd.DataFrame = field(default_factory=lambda: empty_table("contributions"))
    indicators: pd.DataFrame = field(default_factory=lambda: empty_table("indicators"))
    sdg: pd.DataFrame = field(default_factory=lambda: empty_table("sdg"))
    uncertainty: pd.DataFrame = field(default_factory=lambda: empty_table("uncertainty"))
    sensitivity: pd.DataFrame = field(default_factory=lambda: empty_table("sensitivity"))
    flags: pd.DataFrame = field(default_factory=lambda: empty_table("flags"))
    samples: pd.DataFrame = field(default_factory=lambda: empty_table("samples"))
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in TABLES:
            frame = object.__getattribute__(self, name)
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"SymbiosisResult.{name} must be a pandas DataFrame")
            missing = [c for c in TABLE_COLUMNS[name] if c not in frame.columns]
            if missing:
                raise ValueError(f"SymbiosisResult.{name} lacks columns {missing}")
            object.__setattr__(self, name, frame.reset_index(drop=True).copy(deep=True))
        object.__setattr__(self, "provenance", copy.deepcopy(dict(self.provenance)))

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if name in TABLE_COLUMNS:
            return value.copy(deep=True)
        if name == "provenance":
            return copy.deepcopy(value)
        return value

    # --- convenience ---------------------------------------------------------------------

    @property
    def draws(self) -> int:
        """Number of Monte Carlo draws (0 = deterministic only)."""
        return int(self.provenance.get("draws") or 0)

    @property
    def methods(self) -> list[str]:
        """Method labels, in calculation order."""
        return list(self.totals["method"])

    def headline(self, method: str | None = None) -> dict[str, Any]:
        """Avoided total of one method, with its P5/P50/P95 when there is uncertainty.

        The default method is the provenance's ``headline_method``. Keys: ``method``,
        ``unit``, ``reference``, ``with_exchanges``, ``avoided``, ``coverage``, ``P5``,
        ``P50``, ``P95`` (None without uncertainty data), ``outside_interval``, ``forgone``
        (Σ F: output the suppliers give up, over the counted exchanges) and
        ``avoided_without_forgone`` (= avoided + forgone: the "gross fuel-savings"
        accounting parks usually publish, to print next to ``avoided``, never instead).
        """
        method = method or self.provenance.get("headline_method") or self.methods[0]
        row = self.totals[self.totals["method"] == method]
        if row.empty:
            raise KeyError(f"method {method!r} not in this result")
        keys = ("method", "unit", "reference", "with_exchanges", "avoided", "coverage")
        out = {k: row.iloc[0][k] for k in keys}
        unc = self.uncertainty
        hit = unc[(unc["entity"] == "network") & (unc["method"] == method)]
        for q in ("P5", "P50", "P95"):
            out[q] = float(hit[q].iloc[0]) if not hit.empty else None
        out["outside_interval"] = bool(hit["outside_interval"].iloc[0]) if not hit.empty else False
        ex = self.exchanges
        out["forgone"] = float(ex.loc[ex["method"] == method, "forgone"].sum())
        out["avoided_without_forgone"] = float(out["avoided"]) + out["forgone"]
        return out

    def top_exchanges(self, method: str | None = None, n: int = 5) -> pd.DataFrame:
        """The ``n`` exchanges with the largest ``|net|`` for one method."""
        method = method or self.provenance.get("headline_method") or self.methods[0]
        ex = self.exchanges
        ex = ex[ex["method"] == method]
        return ex.loc[ex["net"].abs().sort_values(ascending=False).index[:n]]

    # --- one long table ---------------------------------------------------------------------

    def to_long_frame(self) -> pd.DataFrame:
        """The whole result as one long table.

        Columns ``section, entity, method, unit, quantity, value, detail``: one row per
        number (``section`` is the table it comes from, ``entity`` the network, exchange,
        facility, indicator or SDG target, ``quantity`` the column it was in).
        """
        parts = [
            _melt(self.totals, "totals", "network", ["reference", "with_exchanges", "avoided"]),
            _melt(self.exchanges, "exchanges", "exchange",
                  ["displaced", "treatment", "gross", "extra", "forgone", "net", "direct",
                   "upstream", "supplier_credit", "receiver_credit"],
                  detail=("supplier", "receiver", "kind")),
            _melt(self.facilities, "facilities", "facility",
                  ["credit", "own_inventory"], detail=("rule",)),
            _melt(self.contributions, "contributions", "exchange", ["score", "share"],
                  detail=("component", "target", "rank", "activity")),
            _melt(self.indicators.assign(method=""), "indicators", "entity", ["value"],
                  quantity_from="indicator", detail=("exchanges",)),
            _melt(self.sdg.rename(columns={"indicator": "method"}), "sdg", "target",
                  ["reference", "with_exchanges", "contribution"], detail=("id", "statement")),
            _melt(self.uncertainty, "uncertainty", "entity",
                  ["P5", "P50", "P95", "mean", "sd", "probability_better"],
                  detail=("quantity", "draws", "seed")),
            _melt(self.sensitivity.assign(unit=""), "sensitivity", "parameter", ["value"],
                  quantity_from="measure", detail=("analysis",)),
        ]  # fmt: skip
        parts = [p for p in parts if not p.empty]
        if not parts:
            return pd.DataFrame(columns=LONG_COLUMNS)
        return pd.concat(parts, ignore_index=True)[LONG_COLUMNS]

    # --- the report ------------------------------------------------------------------------

    def report(self, path: str | Path, *, network: Any = None, **options: Any) -> Any:
        """Write the auditor-ready report (PDF/A-3b, or ``.html``) and its ESRS/GRI datapoints.

        ``network`` is the network file (or model) the result came from; by default the
        ``input_file`` of the provenance, checked against its SHA-256. ``options`` are those
        of :class:`lcasym.report.ReportOptions` (``logo``, ``colours``, ``template_dir``,
        ``html``, ``datapoints``, ``title``). Returns :class:`lcasym.report.ReportFiles`.
        """
        from lcasym.report import ReportOptions, write_report

        return write_report(self, path, network=network, options=ReportOptions(**options))

    # --- JSON and files ------------------------------------------------------------------

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict: one list of records per table, plus ``provenance``.

        Keys: ``totals, exchanges, facilities, contributions, indicators, sdg,
        sensitivity`` (when not empty), ``uncertainty`` (when draws > 0), ``provenance``.
        NaN becomes ``null``.
        """
        out: dict[str, Any] = {}
        for name in TABLES:
            if name == "samples" or (name == "uncertainty" and self.draws == 0):
                continue
            frame = getattr(self, name)
            if name == "sensitivity" and frame.empty:
                continue
            out[name] = [{k: _plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")]
        out["provenance"] = _plain(self.provenance)
        return out

    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write the result to ``path`` as ``json``, ``csv`` or ``xlsx``.

        ``csv`` is the long table; ``xlsx`` has one sheet per table, the long table and the
        provenance (a sheet over Excel's 1,048,576 rows keeps its first rows, and a ``notes``
        sheet says so). The format defaults to the file suffix. The file is written to a
        temporary file in the same folder and renamed, so a failed export never leaves a
        half-written file.
        """
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".")).lower()
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        with atomic_path(path) as tmp:
            if fmt == "json":
                with tmp.open("w", encoding="utf-8") as handle:  # streamed, not one string
                    json.dump(self.to_json_dict(), handle, indent=2)
            elif fmt == "csv":
                self.to_long_frame().to_csv(tmp, index=False)
            else:
                self._write_xlsx(tmp)
        return path

    def _write_xlsx(self, target: Path) -> None:
        from lcasym.io.xlsx_text import XLSXWRITER_OPTIONS  # user text stays text

        with pd.ExcelWriter(
            target, engine="xlsxwriter", engine_kwargs={"options": XLSXWRITER_OPTIONS}
        ) as writer:
            prov = pd.DataFrame(
                [(k, json.dumps(_plain(v)) if isinstance(v, list | dict) else _plain(v))
                 for k, v in self.provenance.items()],
                columns=["key", "value"],
            )  # fmt: skip
            prov.to_excel(writer, sheet_name="provenance", index=False)
            notes: list[str] = []
            for name in TABLES:
                if name != "samples":
                    _capped(getattr(self, name), name, notes).to_excel(
                        writer, sheet_name=name, index=False
                    )
            _capped(self.to_long_frame(), "long", notes).to_excel(
                writer, sheet_name="long", index=False
            )
            if notes:
                pd.DataFrame({"note": notes}).to_excel(writer, sheet_name="notes", index=False)


#: Data rows an Excel sheet holds (1,048,576 rows including the header).
EXCEL_MAX_ROWS = 1_048_575


def _capped(frame: pd.DataFrame, sheet: str, notes: list[str]) -> pd.DataFrame:
    """The first ``EXCEL_MAX_ROWS`` rows of ``frame``, with a note when rows are left out."""
    if len(frame) <= EXCEL_MAX_ROWS:
        return frame
    notes.append(
        f"sheet '{sheet}' holds the first {EXCEL_MAX_ROWS:,} of {len(frame):,} rows (Excel's "
        "limit); the CSV export (the long table) and the JSON export hold every row"
    )
    return frame.iloc[:EXCEL_MAX_ROWS]


def _melt(
    frame: pd.DataFrame,
    section: str,
    entity_col: str,
    values: list[str],
    *,
    quantity_from: str | None = None,
    detail: tuple[str, ...] = (),
) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=LONG_COLUMNS)
    frame = frame.reset_index(drop=True)
    entity = pd.Series(["network"] * len(frame)) if entity_col == "network" else frame[entity_col]
    method = frame["method"] if "method" in frame else pd.Series([""] * len(frame))
    unit = frame["unit"] if "unit" in frame else pd.Series([""] * len(frame))
    parts = [d + "=" + frame[d].astype(object).map(str) for d in detail if d in frame]
    text = list(parts[0].str.cat(parts[1:], sep="; ")) if parts else [""] * len(frame)
    rows = []
    for col in values:
        quantity = frame[quantity_from] if quantity_from else pd.Series([col] * len(frame))
        rows.append(
            pd.DataFrame({
                "section": section, "entity": entity.astype(str), "method": method.astype(str),
                "unit": unit.astype(str), "quantity": quantity.astype(str),
                "value": pd.to_numeric(frame[col], errors="coerce").astype(float),
                "detail": text,
            })
        )  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, NaN/inf to None, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
