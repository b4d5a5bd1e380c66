"""CLI command ``lcasym run``: the main job, from a network file to its results on disk.

Checks the network and the output folder, sets up (or verifies) the Brightway project
offline, calculates the network with the same options as ``lcasym calc`` (1,000 Monte Carlo
draws by default) and writes the results as Excel (one sheet per table), JSON and the long
CSV table into one output folder (``-f`` picks some of them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcasym.cli import options as opt
from lcasym.cli.cmd_calc import CalcOptions, calculate_network, summary_lines
from lcasym.cli.options import Crediting, Format
from lcasym.cli.preflight import check_resources, checked_network, run_outputs


def run_job(
    file: opt.NetworkFile,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the results.")
    ] = Path("out"),
    fmt: Annotated[
        list[Format] | None,
        typer.Option("--format", "-f", help="Write only this format (repeatable); default all."),
    ] = None,
    method: opt.Methods = None,
    crediting: opt.CreditingRule = Crediting.receiver,
    draws: Annotated[int, opt.draws_option()] = 1000,
    seed: opt.Seed = None,
    background_uncertainty: opt.BackgroundUncertainty = False,
    workers: opt.Workers = None,
    scheduler: opt.Scheduler = None,
    sensitivity: opt.Sensitivity = False,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Set up Brightway (offline, once), calculate FILE and write its results to a folder."""
    from lcasym.cli.cmd_setup import run_setup_with_progress
    from lcasym.io import load_network

    formats = [f.value for f in fmt] if fmt else ["xlsx", "json", "csv"]
    # The file and the folder are checked before the set-up and the calculation start.
    loaded = load_network(file)
    paths = run_outputs(file, output, loaded.network.network.id, list(dict.fromkeys(formats)))
    check_resources(loaded.network, draws, method, scheduler, workers)
    report = run_setup_with_progress(project, directory, None, False)
    typer.echo(f"Brightway project {report.project!r} in {report.directory}: {report.status}")
    if not report.ok:
        for problem in report.problems:
            typer.secho(f"problem: {problem}", err=True, fg=typer.colors.RED)
        raise SystemExit(1)
    network = checked_network(file, project, directory)  # now against the background too
    options = CalcOptions(
        method, crediting, draws, seed, background_uncertainty, workers, scheduler,
        sensitivity, project, directory,
    )  # fmt: skip
    result = calculate_network(network, options)
    written = [result.export(path) for path in paths]
    for line in summary_lines(result):
        typer.echo(line)
    typer.echo("written:")
    for path in written:
        typer.echo(f"  {path}")


def register(app: typer.Typer) -> None:
    """Add ``run`` to the app."""
    app.command("run")(run_job)
