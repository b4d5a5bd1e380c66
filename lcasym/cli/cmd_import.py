"""CLI command ``lcasym import-db``: a licensed background database into the project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcasym.cli import options as opt


def import_db(
    source: Annotated[
        Path,
        typer.Argument(
            help="ecospold2 folder (ecoinvent 'datasets'), SimaPro CSV export, openLCA "
            "JSON-LD folder or Brightway Excel workbook."
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Name of the new database (Excel: from the workbook)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="ecospold2, simapro, jsonld or excel (default: detected)."),
    ] = None,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Import a background database, linked to the project's biosphere, or write nothing.

    Unlinked exchanges are listed (count, examples, how to fix) and the database is not
    written (exit 2). A network then uses it by name: background: database: NAME.
    """
    from lcasym.background.importing import import_database
    from lcasym.background.project import brightway_project

    with brightway_project(project, directory, create=False):
        report = import_database(source, name, fmt)
    typer.echo(
        f"imported {report.database!r} ({report.format}): {report.activities} activities, "
        f"{report.exchanges} exchanges, all linked. Use it in a network file with "
        f"'background: database: {report.database}' and activities by name, reference "
        "product and location."
    )


def register(app: typer.Typer) -> None:
    """Add ``import-db`` to the CLI."""
    app.command("import-db")(import_db)
