"""CLI commands: ``lcasym setup`` (create, verify, repair the project) and ``lcasym status``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lcasym.cli import options as opt

if TYPE_CHECKING:
    from lcasym.background.bootstrap import SetupReport


def _print_report(report: SetupReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    colour = {"verified": "green", "created": "green", "repaired": "yellow"}.get(
        report.status, "red"
    )
    console.print(
        f"[bold]{report.project}[/bold] in {report.directory}: "
        f"[{colour}]{report.status}[/{colour}] ({report.elapsed:.1f} s)"
    )
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("biosphere flows", str(report.biosphere_flows))
    table.add_row("LCIA methods", f"{report.method_count} ({', '.join(report.families)})")
    ob = (
        f"{report.open_background} {report.open_background_version}, "
        f"{report.open_background_activities} activities"
        if report.open_background
        else "not installed"
    )
    table.add_row("open background", ob)
    for step in report.steps:
        table.add_row(f"step {step.name}", f"{step.action} in {step.seconds:.2f} s  {step.detail}")
    console.print(table)
    for note in report.notes:
        console.print(f"  [yellow]note:[/yellow] {note}", markup=True, highlight=False)
    for problem in report.problems:
        console.print(f"  [red]problem:[/red] {problem}")


def run_setup_with_progress(
    project: str | None, directory: Path | None, methods: list[str] | None, force: bool
) -> SetupReport:
    """Run :func:`lcasym.background.bootstrap.setup` with a progress bar or plain lines."""
    from lcasym.background import bootstrap

    kwargs: dict[str, Any] = {"families": methods or None, "force": force}
    if not sys.stdout.isatty():
        seen: set[str] = set()

        def plain(message: str, fraction: float) -> None:
            step = message.split(":")[0]  # one line per step, not one per method
            if step not in seen:
                seen.add(step)
                typer.echo(f"[{fraction:4.0%}] {message}")

        return bootstrap.setup(project, directory, progress=plain, **kwargs)

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    # Bind the terminal now: set-up captures sys.stdout while Brightway works.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stdout),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task("Brightway set-up", total=1.0)

        def rich_progress(message: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=message)

        return bootstrap.setup(project, directory, progress=rich_progress, **kwargs)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("setup")
    def setup_cmd(
        project: opt.Project = None,
        directory: opt.Directory = None,
        methods: Annotated[
            list[str] | None,
            typer.Option(
                "--methods",
                "-m",
                metavar="FAMILY",
                help="LCIA method family to install (repeatable), e.g. 'CML v4.8 2016'. "
                "Default: EF v3.1, IPCC 2021, ReCiPe 2016 midpoint (H), CED.",
            ),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Rewrite every piece lcasym wrote.")
        ] = False,
    ) -> None:
        """Create, check or repair the offline Brightway project (biosphere, methods, data)."""
        report = run_setup_with_progress(project, directory, methods, force)
        _print_report(report)
        if not report.ok:  # e.g. a user's database lost with a damaged file
            typer.secho("set-up finished, but see the problems above", err=True, fg="yellow")
            raise SystemExit(1)

    @app.command("status")
    def status_cmd(project: opt.Project = None, directory: opt.Directory = None) -> None:
        """Check the Brightway project without changing it; exit 1 if it is incomplete."""
        from lcasym.background import bootstrap

        report = bootstrap.verify(project, directory)
        _print_report(report)
        if not report.ok:
            typer.secho("run `lcasym setup` to repair it", err=True, fg=typer.colors.YELLOW)
            raise typer.Exit(1)
