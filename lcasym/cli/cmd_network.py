"""CLI commands on network files: validate, template, schema, convert.

Bad input is reported as every problem at once (file, sheet, row, field) and exit code 2;
warnings are shown but do not fail the command; no traceback reaches the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lcasym import naming
from lcasym.errors import InputError, LcasymError, Problem
from lcasym.io import SUFFIXES, load_network, write_network
from lcasym.model import SymbiosisNetwork
from lcasym.resolve import BackgroundIndex

OPEN_DB = "lcasym-open"


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


def _databases(network: SymbiosisNetwork) -> list[str]:
    from lcasym.validation_background import activity_refs

    custom = naming.custom_database(network.network.id)
    names = {network.network.background.database}
    names |= {r.database for _, r in activity_refs(network) if r.database}
    return sorted(names - {custom})


def background_for(
    network: SymbiosisNetwork, project: str | None, directory: Path | None
) -> tuple[BackgroundIndex | None, str]:
    """The background to validate against, and a sentence saying which one (or why none)."""
    databases = _databases(network)
    try:
        from lcasym.bootstrap import ensure_ready
        from lcasym.project import brightway_project

        settings = ensure_ready(project, directory)
        with brightway_project(settings.project, settings.directory, create=False):
            import bw2data

            present = [d for d in databases if d in bw2data.databases]
            index = BackgroundIndex.from_brightway(present)
        return index, f"checked against Brightway project {settings.project!r}"
    except (ImportError, LcasymError) as exc:
        reason = str(exc).splitlines()[0]
    if databases == [OPEN_DB]:
        try:
            index = BackgroundIndex.from_open_background()
        except (ImportError, LcasymError) as exc:
            reason += f"; the shipped {OPEN_DB} files could not be read ({exc})"
        else:
            return index, (
                f"checked against the shipped {OPEN_DB} files (Brightway project not ready: "
                f"{reason})"
            )
    return None, (
        "skipped: activity references, units against activities and background version "
        f"(no background available: {reason}). Run 'lcasym setup' to enable them"
    )


def validate(
    file: Annotated[Path, typer.Argument(help="Network file (.yaml, .yml, .json or .xlsx).")],
    project: Annotated[
        str | None, typer.Option("--project", help="Brightway project name.")
    ] = None,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Brightway base directory.")
    ] = None,
) -> None:
    """Check a network file and list every problem with its location."""
    from lcasym.validation import validate_network

    try:
        loaded = load_network(file)
    except InputError as exc:
        _fail(exc)
    network = loaded.network
    background, note = background_for(network, project, directory)
    problems = validate_network(
        network, background=background, source=loaded.source, locate=loaded.locate
    )
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _fail(InputError(problems, loaded.source))
    _show(problems)
    typer.echo(note)
    warned = f" ({len(problems)} warning(s))" if problems else ""
    typer.echo(
        f"OK: {len(network.facilities)} facilities, {len(network.exchanges)} exchanges{warned}"
    )


def _check_target(path: Path, force: bool, suffixes: tuple[str, ...]) -> None:
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


def template(
    out: Annotated[Path, typer.Argument(help="Workbook to create (.xlsx).")],
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite an existing file.")
    ] = False,
) -> None:
    """Write a blank Excel workbook to fill in (README sheet, dropdowns)."""
    from lcasym.io.template import write_template

    _check_target(out, force, (".xlsx",))
    write_template(out)
    typer.echo(f"wrote {out}: fill it in, then run 'lcasym validate {out}'")


def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of network files."""
    from lcasym.io.schema import schema_text, write_schema

    if output is None:
        typer.echo(schema_text(), nl=False)
    else:
        write_schema(output)
        typer.echo(f"wrote {output}")


def convert(
    source: Annotated[Path, typer.Argument(help="Network file to read.")],
    target: Annotated[Path, typer.Argument(help="File to write (.yaml, .yml, .json or .xlsx).")],
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite an existing file.")
    ] = False,
) -> None:
    """Convert a network between YAML, JSON and Excel (validated first)."""
    from lcasym.validation import check_network

    _check_target(target, force, tuple(SUFFIXES))
    if target.resolve() == source.resolve():
        _fail(InputError([Problem("source and target are the same file", target.name)]))
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
