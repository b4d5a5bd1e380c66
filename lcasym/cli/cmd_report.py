"""CLI command ``lcasym report``: calculate a network and write its auditor-ready report.

The same calculation options as ``lcasym calc``; the theme and the output path are checked
before anything is calculated (exit code 2, nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcasym.atomic import check_output
from lcasym.cli import options as opt
from lcasym.cli.cmd_calc import Crediting, summary_lines
from lcasym.cli.preflight import check_resources, checked_network


def report(
    file: opt.NetworkFile,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Report file: report.pdf (or report.html)."
        ),
    ] = Path("report.pdf"),
    html: Annotated[
        bool, typer.Option("--html", help="Also write the same document as HTML.")
    ] = False,
    method: opt.Methods = None,
    crediting: opt.CreditingRule = Crediting.receiver,
    draws: Annotated[int, opt.draws_option()] = 1000,
    seed: opt.Seed = None,
    background_uncertainty: opt.BackgroundUncertainty = False,
    workers: opt.Workers = None,
    scheduler: opt.Scheduler = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Add the tornado (sensitivity) section.")
    ] = False,
    logo: Annotated[
        Path | None, typer.Option(help="Logo for the cover and header (PNG, JPEG or SVG).")
    ] = None,
    colours: Annotated[
        str | None,
        typer.Option(help="Theme colours 'primary,accent' as hex, e.g. '#19486A,#3F7E44'."),
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option("--template-dir", help="Folder with your own report.html.j2."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    datapoints: Annotated[
        bool,
        typer.Option("--datapoints/--no-datapoints", help="Write the ESRS/GRI datapoints."),
    ] = True,
    opportunities: Annotated[
        Path | None,
        typer.Option(
            "--opportunities",
            metavar="INVENTORY",
            exists=True,
            dir_okay=False,
            help="Add a section with the candidate exchanges discovery finds in this "
            "operations inventory (kept apart from the reported avoided emissions).",
        ),
    ] = None,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Calculate FILE and write its report (PDF/A-3b) with the ESRS/GRI datapoints."""
    from lcasym.report import (
        ReportOptions,
        ReportSource,
        check_report_options,
        parse_colours,
        write_report,
    )

    options = ReportOptions(
        logo=logo,
        colours=parse_colours(colours),
        template_dir=template_dir,
        html=html,
        datapoints=datapoints,
        title=title,
    )
    check_report_options(options, output, network_file=file)
    check_output(output, inputs=[file])
    network = checked_network(file, project, directory)  # located as `lcasym validate` does
    check_resources(network, draws, method, scheduler, workers, background_uncertainty)
    source = ReportSource.from_path(file, network)
    inventory = None
    if opportunities is not None:  # checked (located errors) before the calculation
        from lcasym.discovery import load_inventory

        inventory = load_inventory(opportunities)
    result = run_calculation(
        source,
        method,
        crediting,
        draws,
        seed,
        background_uncertainty,
        workers,
        scheduler,
        sensitivity,
        project,
        directory,
        file,
    )
    for line in summary_lines(result):
        typer.echo(line, err=True)
    found = None
    if inventory is not None:
        from lcasym.discovery import discover

        found = discover(inventory, methods=method or None, project=project, directory=directory)
    files = write_report(result, output, network=source, options=options, opportunities=found)
    typer.echo("written:", err=True)
    for path in files.written():
        typer.echo(f"  {path}", err=True)


def run_calculation(
    source,
    method,
    crediting,
    draws,
    seed,
    background,
    workers,
    scheduler,
    sensitivity,
    project,
    directory,
    file,
):
    """``calculate`` on the network already read, recording its input file and SHA-256."""
    from lcasym.api import calculate

    result = calculate(
        source.network,
        methods=method or None,
        crediting=crediting.value,
        draws=draws,
        seed=seed,
        background_uncertainty=background,
        workers=workers,
        scheduler=scheduler,
        sensitivity=sensitivity,
        project=project,
        directory=directory,
    )
    return with_input(result, file, source.sha256)


def with_input(result, file: Path, sha256: str):
    """The result with ``input_file`` / ``input_sha256`` in its provenance."""
    from dataclasses import replace

    prov = dict(result.provenance)
    prov.update(input_file=str(Path(file).resolve()), input_sha256=sha256)
    return replace(result, provenance=prov)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the app."""
    app.command("report")(report)
