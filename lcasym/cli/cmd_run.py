"""CLI command ``lcasym run``: the main job, from a network file to its results on disk.

Checks the network and the output folder, sets up (or verifies) the Brightway project
offline, calculates the network with the same options as ``lcasym calc`` (1,000 Monte Carlo
draws by default) and writes into one output folder: the results as Excel (one sheet per
table, opening on a summary), JSON, the tidy long CSV table, every table as CSV and Parquet
with a Frictionless ``datapackage.json`` (``<id>_tables/``), and the PDF report with its
ESRS/GRI datapoints (``<id>_report.pdf``, ``<id>_report_datapoints.csv|json``). ``-f``
picks some of them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lcasym.atomic import check_folder
from lcasym.cli import options as opt
from lcasym.cli.cmd_calc import CalcOptions, calculate_network, summary_lines
from lcasym.cli.options import Crediting
from lcasym.cli.preflight import check_resources, checked_network, run_outputs


class RunFormat(StrEnum):
    """What ``run`` writes (default: all)."""

    xlsx = "xlsx"
    json = "json"
    csv = "csv"
    tables = "tables"
    pdf = "pdf"


def run_job(
    file: opt.NetworkFile,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the results.")
    ] = Path("out"),
    fmt: Annotated[
        list[RunFormat] | None,
        typer.Option(
            "--format",
            "-f",
            help="Write only this (repeatable; tables = CSV + Parquet + datapackage.json, "
            "pdf = the report); default all.",
        ),
    ] = None,
    method: opt.Methods = None,
    crediting: opt.CreditingRule = Crediting.receiver,
    draws: Annotated[int, opt.draws_option()] = 1000,
    seed: opt.Seed = None,
    background_uncertainty: opt.BackgroundUncertainty = False,
    workers: opt.Workers = None,
    scheduler: opt.Scheduler = None,
    sensitivity: opt.Sensitivity = False,
    include_planned: opt.IncludePlanned = False,
    contributions_top: opt.ContributionsTop = None,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Set up Brightway (offline, once), calculate FILE and write its results to a folder."""
    from lcasym.cli.cmd_report import with_input
    from lcasym.cli.cmd_setup import run_setup_with_progress
    from lcasym.io import load_network
    from lcasym.report import ReportSource, check_report_options, write_report
    from lcasym.report.options import ReportOptions
    from lcasym.results.export import export_result

    formats = list(dict.fromkeys(f.value for f in fmt)) if fmt else [f.value for f in RunFormat]
    files = [f for f in formats if f not in ("pdf", "tables")]
    # The file, the folder and the report options are checked before any long work.
    loaded = load_network(file)
    stem = loaded.network.network.id
    paths = run_outputs(file, output, stem, files)
    if "tables" in formats:
        paths.append(check_folder(output / f"{stem}_tables"))
    report_path = output / f"{stem}_report.pdf"
    if "pdf" in formats:
        check_report_options(ReportOptions(), report_path, network_file=file)
    check_resources(loaded.network, draws, method, scheduler, workers, background_uncertainty)
    report = run_setup_with_progress(project, directory, None, False)
    typer.echo(f"Brightway project {report.project!r} in {report.directory}: {report.status}")
    if not report.ok:
        for problem in report.problems:
            typer.secho(f"problem: {problem}", err=True, fg=typer.colors.RED)
        raise SystemExit(1)
    network = checked_network(file, project, directory)  # now against the background too
    source = ReportSource.from_path(file, network)
    options = CalcOptions(
        method, crediting, draws, seed, background_uncertainty, workers, scheduler,
        sensitivity, project, directory, include_planned, contributions_top,
    )  # fmt: skip
    result = with_input(calculate_network(network, options), file, source.sha256)
    written: list[Path] = []
    for path in paths:
        report_of_export = export_result(result, path, "tables" if path.suffix == "" else None)
        written.append(report_of_export.path)
        for item in report_of_export.left_out:
            typer.secho(f"note: {item.sentence()}", err=True, fg=typer.colors.YELLOW)
    if "pdf" in formats:
        written += write_report(result, report_path, network=source).written()
    for line in summary_lines(result):
        typer.echo(line)
    typer.echo("written:")
    for path in written:
        typer.echo(f"  {path}")


def register(app: typer.Typer) -> None:
    """Add ``run`` to the app."""
    app.command("run")(run_job)
