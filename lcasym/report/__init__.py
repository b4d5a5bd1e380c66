"""The auditor-ready report of a symbiosis result: PDF/A-3b (or HTML) and ESRS/GRI datapoints.

``write_report(result, "report.pdf", network="network.yaml")`` (or ``result.report(...)``)
renders lcasym's Jinja2 templates in ``reports/`` (a user's own folder first, when given)
through one sandboxed, autoescaping environment, draws the charts with
:mod:`lcasym.presentation.figures`, prints with WeasyPrint (nothing is fetched: only
lcasym's own assets are served) and writes ``report.pdf`` with the network file and the
results JSON attached, plus ``report_datapoints.csv`` and ``.json``.
"""

import lcasym.report._extras  # noqa: F401  (first: names the extra when one is missing)
from lcasym.report.datapoints import datapoints_table, load_datapoint_mapping
from lcasym.report.options import ReportOptions, check_report_options, parse_colours
from lcasym.report.render import ReportFiles, render_html, write_report
from lcasym.report.source import ReportSource

__all__ = [
    "ReportFiles",
    "ReportOptions",
    "ReportSource",
    "check_report_options",
    "datapoints_table",
    "load_datapoint_mapping",
    "parse_colours",
    "render_html",
    "write_report",
]
