"""CLI command ``lcasym run``: the main job, from a network file to its results on disk.

Sets up (or verifies) the Brightway project offline, calculates the network with the
chosen crediting rule and Monte Carlo draws, and writes the results as Excel (one sheet per
table), JSON and the long CSV table into one output folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcasym.cli.cmd_calc import Crediting, summary_lines


def run_job(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Network file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the results.")] = Path(
        "out"
    ),
    crediting: Annotated[Crediting, typer.Option(help="Crediting rule.")] = Crediting.receiver,
    draws: Annotated[
        int, typer.Option(min=0, help="Monte Carlo draws for the uncertainty range.")
    ] = 1000,
    seed: Annotated[int | None, typer.Option(help="Random seed (recorded).")] = None,
    project: Annotated[
        str | None, typer.Option("--project", "-p", help="Brightway project.")
    ] = None,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Brightway base directory.")
    ] = None,
) -> None:
    """Set up Brightway (offline, once), calculate FILE and write its results to a folder."""
    from lcasym.api import calculate
    from lcasym.cli.cmd_setup import run_setup_with_progress
    from lcasym.cli.progress import calculation_progress
    from lcasym.io import read_network

    network = read_network(file, validate=False)  # model checks; background checks follow
    report = run_setup_with_progress(project, directory, None, False)
    typer.echo(f"Brightway project {report.project!r} in {report.directory}: {report.status}")
    result = calculate(
        network,
        crediting=crediting.value,
        draws=draws,
        seed=seed,
        project=project,
        directory=directory,
        progress=calculation_progress(),
    )
    output.mkdir(parents=True, exist_ok=True)
    stem = network.network.id
    written = [
        result.export(output / f"{stem}_results.xlsx"),
        result.export(output / f"{stem}_results.json"),
        result.export(output / f"{stem}_results.csv"),
    ]
    for line in summary_lines(result):
        typer.echo(line)
    typer.echo("written:")
    for path in written:
        typer.echo(f"  {path}")


def register(app: typer.Typer) -> None:
    """Add ``run`` to the app."""
    app.command("run")(run_job)
