"""Checks the CLI makes before any long work: the network, the outputs, the resources.

Every user error found here exits with code 2 and a located message, before Brightway is
touched and before anything is written: a network with problems (located by file, sheet,
row and field exactly as ``lcasym validate`` reports them), an output that cannot be
written (unknown suffix, a folder, the input file, a read-only folder, a device), ``-f
csv`` without ``-o``, more Monte Carlo draws than memory allows, an unreachable Dask
scheduler.
"""

from __future__ import annotations

from pathlib import Path

import typer

from lcasym.atomic import check_folder, check_output
from lcasym.cli.options import Format
from lcasym.errors import InputError, OutputError, Problem
from lcasym.network.model import SymbiosisNetwork

#: Output suffixes ``calc -o`` understands (the PDF report is ``lcasym report``'s).
OUTPUT_SUFFIXES = {".json": "json", ".csv": "csv", ".xlsx": "xlsx"}


def _output_problem(output: Path | str, message: str) -> OutputError:
    return OutputError([Problem(message, str(output))], str(output))


def output_format(file: Path, output: Path | None, fmt: Format | None) -> str:
    """The format ``calc`` will write; raises OutputError for an impossible combination."""
    if output is None:
        if fmt not in (None, Format.json):
            raise _output_problem(
                "-f", f"without -o only JSON can go to the terminal: add -o FILE.{fmt.value}"
            )
        return "json"
    if output.is_dir():
        check_output(output)  # "is a folder: give a file name"
    chosen = fmt.value if fmt else OUTPUT_SUFFIXES.get(output.suffix.lower())
    if chosen is None and output.suffix.lower() in (".pdf", ".html"):
        raise _output_problem(
            output,
            f"calc writes results as .json, .csv or .xlsx; for the {output.suffix} report run "
            f"`lcasym report {file.name} -o {output.name}`",
        )
    if chosen is None:
        raise _output_problem(
            output,
            f"unknown output type {output.suffix or '(no suffix)'!r}: end the name in .json, "
            ".csv or .xlsx, or give -f json|csv|xlsx",
        )
    check_output(output, inputs=[file])
    return chosen


def run_outputs(file: Path, folder: Path, network_id: str, formats: list[str]) -> list[Path]:
    """The files ``run`` will write into ``folder``, each checked; raises OutputError."""
    check_folder(folder)
    paths = [folder / f"{network_id}_results.{fmt}" for fmt in formats]
    for path in paths:
        check_output(path, inputs=[file])
    return paths


def checked_network(file: Path, project: str | None, directory: Path | None) -> SymbiosisNetwork:
    """Read and validate ``file`` as ``lcasym validate`` does (same located messages).

    Raises
    ------
    InputError
        Listing every error, located by file, sheet, row and field.
    """
    from lcasym.network.checking import validate

    report = validate(file, project=project, directory=directory)
    if report.errors:
        raise InputError(list(report.problems), report.source)
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", err=True, fg=typer.colors.YELLOW)
    return report.network


def check_resources(
    network: SymbiosisNetwork,
    draws: int,
    methods: list[str] | None,
    scheduler: str | None,
    workers: int | None = None,
    background: bool = False,
) -> None:
    """Refuse draws that cannot fit in memory and an unreachable scheduler, up front."""
    from lcasym.calc.budget import check_draws, check_scheduler

    if workers is not None and scheduler:
        raise InputError(
            [Problem("give either -w/--workers (a local cluster) or --scheduler, not both")],
            "options",
        )
    check_draws(draws, len(network.operating_exchanges()), len(methods) if methods else None,
                facilities=len(network.facilities), background=background)  # fmt: skip
    if draws and (workers is not None or scheduler):
        from lcasym.extras import require

        require("distributed")  # lcasym[dask]: said before any long work
    if scheduler and draws:
        check_scheduler(scheduler)
