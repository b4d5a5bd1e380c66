"""CLI commands on network files: validate, template, schema, convert.

Bad input is reported as every problem at once (file, sheet, row, field) and exit code 2;
warnings are shown but do not fail the command; no traceback reaches the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lcasym.atomic import check_output
from lcasym.cli import options as opt
from lcasym.errors import InputError, Problem
from lcasym.io import SUFFIXES, load_network, write_network


def _fail(exc: InputError) -> NoReturn:
    """Print every problem and exit with code 2.

    ``SystemExit`` (not ``typer.Exit``): click returns, rather than raises, ``Exit`` codes
    when run with ``standalone_mode=False`` as ``lcasym.cli.main.run`` does.
    """
    typer.secho(str(exc), err=True, fg=typer.colors.RED)
    raise SystemExit(2)


def _show(problems: list[Problem]) -> None:
    for p in problems:
        colour = typer.colors.RED if p.severity == "error" else typer.colors.YELLOW
        typer.secho(f"{p.severity}: {p}", err=True, fg=colour)


def validate(
    file: opt.NetworkFile,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Check a network file and list every problem with its location."""
    from lcasym.network.checking import validate as check

    try:
        report = check(file, project=project, directory=directory)
    except InputError as exc:
        _fail(exc)
    if report.errors:
        _fail(InputError(list(report.problems), report.source))
    _show(list(report.problems))
    typer.echo(report.note)
    n = len(report.problems)
    warned = f" ({n} warning(s))" if n else ""
    net = report.network
    typer.echo(f"OK: {len(net.facilities)} facilities, {len(net.exchanges)} exchanges{warned}")


def _check_target(
    path: Path, force: bool, suffixes: tuple[str, ...], inputs: tuple[Path, ...] = ()
) -> None:
    if path.suffix.lower() not in suffixes:
        _fail(
            InputError(
                [Problem(f"use a file name ending in {' or '.join(suffixes)}", path.name)],
                path.name,
            )
        )
    if path.exists() and not force:
        _fail(
            InputError(
                [
                    Problem(
                        "the file exists; choose another name or add --force to overwrite it",
                        path.name,
                    )
                ],
                path.name,
            )
        )
    try:
        check_output(path, inputs=inputs)  # a folder, a device, the input, a read-only folder
    except InputError as exc:
        _fail(exc)


def template(
    out: Annotated[Path, typer.Argument(help="Workbook to create (.xlsx).")],
    force: opt.Force = False,
) -> None:
    """Write a blank Excel workbook to fill in (README sheet, dropdowns, activity list)."""
    from lcasym.io.template import write_template

    _check_target(out, force, (".xlsx",))
    listed = write_template(out)
    typer.echo(
        f"wrote {out} ({listed:,} lcasym-open activities listed in its sheet "
        f"'background_activities', offered as dropdowns): fill it in, then run "
        f"'lcasym validate {out}'"
    )


def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of network files."""
    from lcasym.io.schema import schema_text, write_schema

    if output is not None:
        try:
            check_output(output)
        except InputError as exc:
            _fail(exc)
    if output is None:
        typer.echo(schema_text(), nl=False)
    else:
        write_schema(output)
        typer.echo(f"wrote {output}")


def convert(
    source: Annotated[Path, typer.Argument(help="Network file to read.")],
    target: Annotated[Path, typer.Argument(help="File to write (.yaml, .yml, .json or .xlsx).")],
    force: opt.Force = False,
) -> None:
    """Convert a network between YAML, JSON and Excel (validated first)."""
    from lcasym.network.validation import check_network

    if target.resolve() == source.resolve():
        _fail(InputError([Problem("source and target are the same file", target.name)]))
    _check_target(target, force, tuple(SUFFIXES), (source,))
    try:
        loaded = load_network(source)
        warnings = check_network(loaded.network, source=loaded.source, locate=loaded.locate)
    except InputError as exc:
        _fail(exc)
    _show(warnings)
    write_network(loaded.network, target)
    typer.echo(f"wrote {target}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("validate")(validate)
    app.command("template")(template)
    app.command("schema")(schema)
    app.command("convert")(convert)
