"""CLI command ``lcasym calc``: calculate a network and write the result.

A thin shell over :func:`lcasym.api.calculate`: a short human summary goes to stderr (so a
JSON result on stdout can be piped), the result goes to ``-o FILE`` or, without it, JSON
to stdout.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from lcasym.results import SymbiosisResult

os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")


class Crediting(StrEnum):
    """Crediting rules (see lcasym.results.crediting)."""

    receiver = "receiver"
    supplier = "supplier"
    equal = "equal"
    cff = "cff"
    network = "network"


class Format(StrEnum):
    """Output formats."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _number(value: float) -> str:
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.3g}"


def summary_lines(result: SymbiosisResult, top: int = 3) -> list[str]:
    """A few lines for people: avoided GHG (t CO2-eq/yr, with P5–P95), top exchanges."""
    prov = result.provenance
    head = result.headline()
    tonnes = head["unit"].lower().startswith("kg co2")
    scale, unit = (1e-3, "t CO2-eq/yr") if tonnes else (1.0, f"{head['unit']}/yr")
    line = f"avoided: {_number(head['avoided'] * scale)} {unit}"
    if head["P5"] is not None:
        line += (
            f" (P5–P95 {_number(head['P5'] * scale)} to {_number(head['P95'] * scale)}, "
            f"{result.draws} draws, seed {prov.get('seed')})"
        )
    lines = [
        f"{prov.get('network_name', '')} ({prov.get('reporting_year', '')}), "
        f"crediting: {prov.get('crediting_rule')}, method: {head['method']}",
        line,
        f"reference (without the exchanges) {_number(head['reference'] * scale)}, "
        f"with the exchanges {_number(head['with_exchanges'] * scale)} {unit}",
    ]
    best = result.top_exchanges(head["method"], n=top)
    if not best.empty:
        lines.append("top exchanges:")
        lines += [
            f"  {r.exchange} ({r.supplier} → {r.receiver}, {r.flow}): "
            f"{_number(r.net * scale)} {unit}"
            for r in best.itertuples()
        ]
    return lines


def calc(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Network file.")],
    method: Annotated[
        list[str] | None,
        typer.Option(
            "--method",
            "-m",
            help="LCIA method label, parts joined by '|' (repeatable); default: EF v3.1 "
            "(25 categories) + IPCC 2021 GWP100.",
        ),
    ] = None,
    crediting: Annotated[Crediting, typer.Option(help="Crediting rule.")] = Crediting.receiver,
    draws: Annotated[int, typer.Option(min=0, help="Monte Carlo draws (0 = none).")] = 0,
    seed: Annotated[
        int | None, typer.Option(help="Random seed (default: lcasym's, recorded).")
    ] = None,
    background_uncertainty: Annotated[
        bool, typer.Option("--background-uncertainty", help="Also sample the background data.")
    ] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="Local worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address.")] = None,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Tornado + Sobol tables.")
    ] = False,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", "-f", help="Output format (default: -o's suffix, else JSON)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file.")] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", "-p", help="Brightway project (env LCASYM_PROJECT)."),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Brightway base directory (env LCASYM_BRIGHTWAY_DIR)."),
    ] = None,
) -> None:
    """Calculate avoided impacts, credits, indicators and SDG contributions of a network."""
    from lcasym.api import calculate
    from lcasym.cli.progress import calculation_progress

    result = calculate(
        file,
        methods=method or None,
        crediting=crediting.value,
        draws=draws,
        seed=seed,
        background_uncertainty=background_uncertainty,
        workers=workers,
        scheduler=scheduler,
        sensitivity=sensitivity,
        project=project,
        directory=directory,
        progress=calculation_progress(),
    )
    for line in summary_lines(result):
        typer.echo(line, err=True)
    if output is None:
        if fmt not in (None, Format.json):
            raise typer.BadParameter("without -o only JSON can go to stdout", param_hint="-f")
        typer.echo(json.dumps(result.to_json_dict(), indent=2))
        return
    written = result.export(output, fmt.value if fmt else None)
    typer.echo(f"written: {written}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``calc`` to the app."""
    app.command("calc")(calc)
