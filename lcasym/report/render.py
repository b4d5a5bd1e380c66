"""Render the report: context → HTML (Jinja2) → PDF/A-3b (WeasyPrint), files written last.

Everything is rendered in memory first; only then are the files written, each to a
temporary file beside its target and renamed, so a failure leaves no half-written report.
The PDF carries the network file, the results JSON and the datapoints JSON as PDF/A-3b
attachments. WeasyPrint loads resources only through :class:`AssetFetcher`.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import mimetypes
import os
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lcasym.errors import InputError, Problem
from lcasym.paths import reports_dir
from lcasym.report.context import build_context
from lcasym.report.datapoints import datapoints_csv, datapoints_json
from lcasym.report.environment import make_environment
from lcasym.report.fetcher import AssetFetcher
from lcasym.report.options import TEMPLATE, ReportOptions, check_report_options
from lcasym.report.source import ReportSource, resolve_source
from lcasym.results.export.jsonfile import json_bytes

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote (None for what it did not write)."""

    pdf: Path | None
    html: Path | None
    datapoints_csv: Path | None
    datapoints_json: Path | None
    pages: int
    refused: tuple[str, ...] = ()

    def written(self) -> list[Path]:
        """The paths written, in a stable order."""
        return [p for p in (self.pdf, self.html, self.datapoints_csv, self.datapoints_json) if p]


def _data_uri(path: Path) -> str:
    mime = (
        "image/svg+xml"
        if path.suffix.lower() == ".svg"
        else (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    )
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def template_dirs(options: ReportOptions) -> list[Path]:
    """The template folders, the user's first."""
    dirs = [Path(options.template_dir)] if options.template_dir else []
    return [*dirs, reports_dir()]


def render_html(
    result: Any,
    source: ReportSource,
    options: ReportOptions,
    *,
    output_name: str = "report.pdf",
    opportunities: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The report as one self-contained HTML document, and the context it was built from."""
    assets = {"logo": _data_uri(Path(options.logo))} if options.logo else {}
    context = build_context(result, source, options, output_name=output_name, assets=assets,
                            opportunities=opportunities)  # fmt: skip
    env = make_environment(template_dirs(options))
    html = env.get_template(TEMPLATE).render(**context)
    return html, context


def render_pdf(
    html: str,
    *,
    options: ReportOptions,
    attachments: list[tuple[str, bytes, str, str]] = (),  # type: ignore[assignment]
) -> tuple[bytes, int, AssetFetcher]:
    """PDF/A-3b bytes of ``html``, its page count and the fetcher (what it refused).

    ``attachments``: ``(file name, bytes, description, relationship)``.
    """
    from weasyprint import HTML, Attachment

    dirs = template_dirs(options)
    fetcher = AssetFetcher(dirs)
    base_url = dirs[0].resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
    files = [
        Attachment(
            string=data,
            name=name,
            description=description,
            relationship=relation,
            url_fetcher=fetcher,
        )
        for name, data, description, relation in attachments
    ]
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=files)
    return bytes(pdf), len(document.pages), fetcher


def _commit(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary beside it, then rename them all (nothing half written)."""
    from lcasym.atomic import check_output

    temps: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            check_output(target)  # never over a folder, a device or a pipe
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent
            )
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(name, 0o666 & ~mask)
            temps[target] = Path(name)
        for target, tmp in temps.items():
            check_output(target)
            os.replace(tmp, target)
    finally:
        for tmp in temps.values():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def report_paths(output: Path, options: ReportOptions) -> dict[str, Path | None]:
    """Where each file of a report goes, from ``-o``.

    ``<stem>.pdf``, ``<stem>.html``, ``<stem>_datapoints.csv`` and ``<stem>_datapoints.json``.
    """
    pdf_wanted = output.suffix.lower() == ".pdf"
    html_wanted = options.html or output.suffix.lower() == ".html"
    stem = output.with_suffix("")
    return {
        "pdf": output if pdf_wanted else None,
        "html": stem.with_suffix(".html") if html_wanted else None,
        "csv": stem.parent / f"{stem.name}_datapoints.csv" if options.datapoints else None,
        "json": stem.parent / f"{stem.name}_datapoints.json" if options.datapoints else None,
    }


def write_report(
    result: Any,
    output: str | Path,
    *,
    network: Any = None,
    options: ReportOptions | None = None,
    opportunities: Any = None,
    chosen: Collection[str] = (),
) -> ReportFiles:
    """Write the report of ``result`` to ``output`` (``.pdf``, or ``.html``) and its datapoints.

    Parameters
    ----------
    result
        A :class:`~lcasym.results.SymbiosisResult`.
    output
        ``report.pdf`` (PDF/A-3b; with ``options.html`` also ``report.html``) or
        ``report.html`` (HTML only). The datapoints go to ``report_datapoints.csv`` and
        ``.json`` beside it.
    network
        The network the result was calculated from: a file path (hashed and attached), a
        :class:`~lcasym.network.model.SymbiosisNetwork` or a :class:`ReportSource`; default:
        the ``input_file`` the result's provenance names (its SHA-256 is checked).
    options
        Theme and outputs (:class:`ReportOptions`).
    opportunities, chosen
        Discovery's :class:`~lcasym.discovery.Opportunities` of the park's operations
        inventory, and the candidate ids of a chosen set: printed as section 9, apart from
        the reported avoided emissions (:mod:`lcasym.report.opportunities`).

    Raises
    ------
    InputError
        Bad options or output path (nothing is written), or a network that does not match
        the result.
    """
    options = options or ReportOptions()
    output = Path(output)
    source = resolve_source(network, result.provenance)
    check_report_options(options, output, network_file=source.path)
    _check_match(result, source)
    paths = report_paths(output, options)
    section = None
    if opportunities is not None:
        from lcasym.report.opportunities import opportunity_section

        section = opportunity_section(opportunities, source.network, chosen=chosen)
    html, context = render_html(result, source, options, output_name=output.name,
                                opportunities=section)  # fmt: skip
    frame = context["datapoints_frame"]
    dp_json = datapoints_json(frame)
    files: dict[Path, bytes] = {}
    pages = 0
    refused: tuple[str, ...] = ()
    if paths["pdf"] is not None:
        results_json = json_bytes(result, indent=1)  # one table at a time
        attachments = [
            (
                source.name,
                source.data,
                f"The network file this report was calculated from (SHA-256 {source.sha256})",
                "Source",
            ),
            (
                f"{source.network.network.id}_results.json",
                results_json,
                "The full results of lcasym (every table, provenance)",
                "Data",
            ),
            (
                f"{source.network.network.id}_datapoints.json",
                dp_json,
                "ESRS/GRI datapoints per firm, with basis and caveat",
                "Data",
            ),
        ]
        pdf, pages, fetcher = render_pdf(html, options=options, attachments=attachments)
        refused = tuple(fetcher.refused)
        files[paths["pdf"]] = pdf
    if paths["html"] is not None:
        files[paths["html"]] = html.encode("utf-8")
    if paths["csv"] is not None and paths["json"] is not None:
        files[paths["csv"]] = datapoints_csv(frame)
        files[paths["json"]] = dp_json
    _commit(files)
    return ReportFiles(paths["pdf"], paths["html"], paths["csv"], paths["json"], pages, refused)


def _check_match(result: Any, source: ReportSource) -> None:
    """The network must be the one the result describes (same id, same exchanges)."""
    prov_id = result.provenance.get("network_id")
    net_id = source.network.network.id
    problems = []
    if prov_id and prov_id != net_id:
        problems.append(
            Problem(f"the result is of network {prov_id!r}, the file of {net_id!r}", source.name)
        )
    known = {e.id for e in source.network.exchanges}
    unknown = sorted(set(result.exchanges["exchange"]) - known)
    if unknown:
        problems.append(
            Problem(
                f"exchanges {', '.join(unknown[:5])} of the result are not in the network",
                source.name,
            )
        )
    if problems:
        raise InputError(problems, source="report")
