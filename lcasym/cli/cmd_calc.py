"""CLI command ``lcasym calc``: calculate a network and write the result.

A thin shell over :func:`lcasym.api.calculate`: a short human summary goes to stderr (so a
JSON result on stdout can be piped), the result goes to ``-o FILE`` or, without it, JSON
to stdout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lcasym.cli import options as opt
from lcasym.cli.options import Crediting, Format
from lcasym.cli.preflight import check_resources, checked_network, output_format
from lcasym.presentation.formatting import format_supported

if TYPE_CHECKING:
    from lcasym.network.model import SymbiosisNetwork
    from lcasym.results import SymbiosisResult

__all__ = ["CalcOptions", "Crediting", "Format", "calc", "calculate_network", "summary_lines"]


def _number(value: float) -> str:
    """About 3 significant figures (:func:`format_supported` without an interval)."""
    return format_supported(value)[0]


def _has_interval(result: SymbiosisResult, head: dict) -> bool:
    no_data = (result.flags["flag"] == "no uncertainty data").any()
    return not no_data and head["P5"] is not None and head["P95"] is not None


def headline_value(result: SymbiosisResult, head: dict, scale: float) -> str:
    """The avoided total, rounded to its P5–P95 width when it has one, else 3 figures."""
    if _has_interval(result, head):
        return format_supported(head["avoided"] * scale, head["P5"] * scale,
                                head["P95"] * scale)[0]  # fmt: skip
    return _number(head["avoided"] * scale)


def uncertainty_text(result: SymbiosisResult, head: dict, scale: float) -> str:
    """What follows the central value: P50 and P5–P95, or why there is no interval.

    P50 and P5–P95 are rounded to the interval's width (:func:`format_supported`).
    """
    flags = result.flags
    if (flags["flag"] == "no uncertainty data").any():
        return " (no uncertainty data)"
    if not _has_interval(result, head):
        return ""
    low, high = head["P5"] * scale, head["P95"] * scale
    _, p5, p95 = format_supported(head["avoided"] * scale, low, high)
    p50 = format_supported(head["P50"] * scale, low, high)[0]
    text = (
        f" (P50 {p50}; P5–P95 {p5} to {p95}, {result.draws} draws, seed "
        f"{result.provenance.get('seed')})"
    )
    if head["outside_interval"]:
        text += "; the central value lies outside P5–P95"
    return text


def summary_lines(result: SymbiosisResult, top: int = 3) -> list[str]:
    """A few lines for people: avoided GHG (t CO2-eq/yr, with P50 and P5–P95), top exchanges.

    Without uncertainty data the line says so instead of printing an interval; planned
    exchanges left out of the totals are counted on their own line.
    """
    prov = result.provenance
    head = result.headline()
    tonnes = head["unit"].lower().startswith("kg co2")
    scale, unit = (1e-3, "t CO2-eq/yr") if tonnes else (1.0, f"{head['unit']}/yr")
    coverage = str(head.get("coverage") or "")
    if coverage == "not covered":
        return [
            f"{prov.get('network_name', '')} ({prov.get('reporting_year', '')}), "
            f"method: {head['method']}",
            "avoided: not covered (the background data hold no flow this method "
            "characterises; no value is printed)",
        ]
    line = f"avoided (reference − with the exchanges): {headline_value(result, head, scale)} {unit}"
    line += uncertainty_text(result, head, scale)
    lines = [
        f"{prov.get('network_name', '')} ({prov.get('reporting_year', '')}), "
        f"crediting: {prov.get('crediting_rule')}, method: {head['method']}",
        line,
        f"reference (without the exchanges) {_number(head['reference'] * scale)}, "
        f"with the exchanges {_number(head['with_exchanges'] * scale)} {unit}; "
        "not the park's footprint unless every facility's own inventory is given",
    ]
    if head["forgone"]:
        lines.append(
            f"forgone output (what suppliers give up, e.g. cogeneration power) "
            f"{_number(head['forgone'] * scale)} {unit} is counted; without it (the gross "
            f"fuel-savings accounting): {_number(head['avoided_without_forgone'] * scale)} "
            f"{unit}, shown next to the net figure, never instead of it"
        )
    if coverage and coverage != "covered":
        lines.append(f"coverage of this category: {coverage} (see the flags table)")
    flags = result.flags
    if not flags.empty:
        counts = flags["flag"].value_counts()
        lines.append("flags: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    planned = flags[flags["flag"] == "planned excluded"]
    if not planned.empty:
        lines.append(
            f"planned exchanges left out of the totals: {len(planned)} "
            f"({', '.join(planned['entity'])}); --include-planned counts them"
        )
    best = result.top_exchanges(head["method"], n=top)
    if not best.empty:
        lines.append("top exchanges:")
        lines += [
            f"  {r.exchange} ({r.supplier} → {r.receiver}, {r.flow}): "
            f"{_number(r.net * scale)} {unit}"
            for r in best.itertuples()
        ]
    return lines


@dataclass(frozen=True)
class CalcOptions:
    """The calculation options ``calc`` and ``run`` share."""

    methods: list[str] | None
    crediting: Crediting
    draws: int
    seed: int | None
    background_uncertainty: bool
    workers: int | None
    scheduler: str | None
    sensitivity: bool
    project: str | None
    directory: Path | None
    include_planned: bool = False
    contributions_top: int | None = None


def calculate_network(network: SymbiosisNetwork, options: CalcOptions) -> SymbiosisResult:
    """Run :func:`lcasym.api.calculate` on a checked network with the CLI's options."""
    from lcasym.api import calculate
    from lcasym.cli.progress import calculation_progress

    return calculate(
        network,
        methods=options.methods or None,
        crediting=options.crediting.value,
        draws=options.draws,
        seed=options.seed,
        background_uncertainty=options.background_uncertainty,
        workers=options.workers,
        scheduler=options.scheduler,
        sensitivity=options.sensitivity,
        project=options.project,
        directory=options.directory,
        include_planned=options.include_planned,
        contributions_top=options.contributions_top,
        progress=calculation_progress(),
    )


def calc(
    file: opt.NetworkFile,
    method: opt.Methods = None,
    crediting: opt.CreditingRule = Crediting.receiver,
    draws: Annotated[int, opt.draws_option()] = 0,
    seed: opt.Seed = None,
    background_uncertainty: opt.BackgroundUncertainty = False,
    workers: opt.Workers = None,
    scheduler: opt.Scheduler = None,
    sensitivity: opt.Sensitivity = False,
    include_planned: opt.IncludePlanned = False,
    contributions_top: opt.ContributionsTop = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format", "-f", help="Output format (default: the suffix of -o, else JSON)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Output file (.json, .csv or .xlsx)."),
    ] = None,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Calculate avoided impacts, credits, indicators and SDG contributions of a network.

    Without -o the result goes to stdout as JSON (a short summary goes to stderr).
    """
    chosen = output_format(file, output, fmt)  # before any work: exit 2 on a bad output
    network = checked_network(file, project, directory)
    check_resources(network, draws, method, scheduler, workers, background_uncertainty)
    options = CalcOptions(
        method, crediting, draws, seed, background_uncertainty, workers, scheduler,
        sensitivity, project, directory, include_planned, contributions_top,
    )  # fmt: skip
    result = calculate_network(network, options)
    for line in summary_lines(result):
        typer.echo(line, err=True)
    if output is None:
        typer.echo(json.dumps(result.to_json_dict(), indent=2))
        return
    written = result.export(output, chosen)
    typer.echo(f"written: {written}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``calc`` to the app."""
    app.command("calc")(calc)
