"""CLI command ``lcasym years``: a park compared over reporting years."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcasym.cli import options as opt
from lcasym.cli.options import Crediting


def years(
    files: Annotated[
        list[Path],
        typer.Argument(help="One network file (with --year), or one file per reporting year."),
    ],
    year: Annotated[
        list[int] | None,
        typer.Option("--year", "-y", help="A reporting year (repeat); with one network file."),
    ] = None,
    method: opt.Methods = None,
    crediting: opt.CreditingRule = Crediting.receiver,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Folder for years_totals.csv, years_exchanges.csv and years_chart.svg.",
        ),
    ] = None,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Compare a park over reporting years: exchanges starting, stopping, changing.

    With one file and --year Y (repeat), the network is re-dated to each Y: exchanges with
    start_year <= Y (or operating, without start_year) count, and year-dependent background
    activities (grid electricity) use the vintage of Y.
    """
    from lcasym.atomic import check_folder
    from lcasym.calc.years import compare_years

    if output is not None:
        check_folder(output)  # before the long work
    comparison = compare_years(
        files if len(files) > 1 else files[0],
        year or None,
        methods=method or None,
        crediting=crediting.value,
        project=project,
        directory=directory,
    )
    totals = comparison.totals
    first = str(totals["method"].iloc[0])
    for row in totals[totals["method"] == first].itertuples():
        typer.echo(
            f"{row.year}: avoided {row.avoided:,.0f} {row.unit}/yr "
            f"({row.exchanges_counted} exchanges counted; reference: without the exchanges)"
        )
    if output is None:
        return
    _write(comparison, output, first)


def _write_text(path: Path, text: str) -> None:
    from lcasym.atomic import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _write(comparison, output: Path, method: str) -> None:
    output.mkdir(parents=True, exist_ok=True)
    _write_text(output / "years_totals.csv", comparison.totals.to_csv(index=False))
    _write_text(output / "years_exchanges.csv", comparison.exchanges.to_csv(index=False))
    written = ["years_totals.csv", "years_exchanges.csv"]
    try:
        from lcasym.presentation.figures import chart_svg, years_chart

        svg = chart_svg(years_chart(comparison.totals, method))
        _write_text(output / "years_chart.svg", svg)
        written.append("years_chart.svg")
    except ImportError as exc:  # the chart needs lcasym[report]
        typer.secho(f"no chart: {exc}", err=True, fg=typer.colors.YELLOW)
    typer.echo(f"wrote {', '.join(written)} in {output}")


def register(app: typer.Typer) -> None:
    """Add ``years`` to the CLI."""
    app.command("years")(years)
