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
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lcasym.results.tables import TABLE_COLUMNS, TABLES, empty_table


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
        """Every LCIA number of totals, exchanges, facilities and uncertainty as one tidy table.

        Columns ``table, entity_type, entity, method, unit, quantity, statistic, value``;
        the key ``(entity_type, entity, method, quantity, statistic)`` is unique:
        ``quantity`` is the column the number is in (``avoided``, ``net``, ``credit`` ...),
        ``statistic`` is ``value`` for the calculation's number or a Monte Carlo statistic
        (``P5``, ``P50``, ``P95``, ``mean``, ``sd``, ``probability_better``). The other
        tables (contributions, indicators, SDG, ...) have keys of their own: see
        :func:`lcasym.results.export.tidy_tables`.
        """
        from lcasym.results.export import long_table

        return long_table(self)

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

        Keys: ``totals, exchanges, facilities, credits_by_rule, contributions, indicators,
        sdg, flags``, ``sensitivity`` (when not empty), ``uncertainty`` (when draws > 0),
        ``provenance``. NaN becomes ``null``. The raw draws (``samples``) are not included.
        """
        from lcasym.results.export.jsonfile import json_dict

        return json_dict(self)

    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write the result to ``path`` as ``json``, ``csv``, ``xlsx`` or ``tables``.

        ``csv`` is the tidy long table (:meth:`to_long_frame`); ``xlsx`` a workbook that
        opens on a formatted summary (tonnes, interval, top exchanges, credits, coverage)
        followed by the tables (a table over Excel's row limit keeps its first rows and the
        workbook says so); ``tables`` (or a path without suffix) a folder with every table
        as CSV and Parquet and a Frictionless ``datapackage.json`` (column types, units,
        keys, provenance). The format defaults to the suffix. Files are written to a
        temporary file and renamed, so a failed export never leaves a half-written file.
        Column contract: ``docs/results.md``; :func:`lcasym.results.export.export_result`
        also returns what a workbook left out.
        """
        from lcasym.results.export import export_result

        return export_result(self, path, format).path

    # --- notebooks -----------------------------------------------------------------------

    def _summary_items(self) -> list[tuple[str, str]]:
        from lcasym.presentation.formatting import display_scale, format_number

        prov = self.provenance
        items = [("network", f"{prov.get('network_name') or prov.get('network_id') or '?'} "
                             f"({prov.get('reporting_year', '?')})")]  # fmt: skip
        if self.totals.empty:
            return [*items, ("methods", "none")]
        head = self.headline()
        scale, unit = display_scale(str(head["unit"]))
        if head["coverage"] == "not covered":
            avoided = "not covered"
        else:
            avoided = f"{format_number(head['avoided'] * scale)} {unit}/yr"
            if head["P5"] is not None:
                avoided += (f" (P5–P95 {format_number(head['P5'] * scale)} to "
                            f"{format_number(head['P95'] * scale)})")  # fmt: skip
            else:
                avoided += " (no uncertainty data)"
        n_ex = self.exchanges["exchange"].nunique()
        items += [
            ("avoided", avoided),
            ("method", str(head["method"])),
            ("crediting", str(prov.get("crediting_rule", ""))),
            ("tables", f"{len(self.totals)} methods, {n_ex} exchanges, "
                       f"{self.facilities['facility'].nunique()} facilities, "
                       f"{len(self.flags)} flags, {self.draws} draws"),
        ]  # fmt: skip
        return items

    def __repr__(self) -> str:
        items = self._summary_items()
        return "SymbiosisResult(" + ", ".join(f"{k}: {v}" for k, v in items) + ")"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self._summary_items()
        )
        return f"<table><caption>lcasym SymbiosisResult</caption>{rows}</table>"
