"""The options shared by lcasym's commands, defined once so that they read the same everywhere.

Short flags: ``-p`` project, ``-d`` Brightway directory, ``-m`` method, ``-c`` crediting
rule, ``-n`` draws, ``-s`` seed, ``-w`` workers, ``-f`` format, ``-o`` output. ``--force``
has no short flag (it overwrites). Help texts avoid square brackets (the help is plain text).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


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


NetworkFile = Annotated[
    Path,
    typer.Argument(
        dir_okay=False, metavar="FILE", help="Network file (.yaml, .yml, .json or .xlsx)."
    ),
]
Project = Annotated[
    str | None,
    typer.Option(
        "--project",
        "-p",
        metavar="NAME",
        help="Brightway project (env LCASYM_PROJECT, default 'lcasym').",
    ),
]
Directory = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        "-d",
        metavar="DIR",
        help="Brightway base directory (env LCASYM_BRIGHTWAY_DIR, default bw2data's own).",
    ),
]
Methods = Annotated[
    list[str] | None,
    typer.Option(
        "--method",
        "-m",
        metavar="LABEL",
        help="LCIA method label, parts joined by '|' (repeatable); default: EF v3.1 "
        "(25 categories) + IPCC 2021 GWP100.",
    ),
]
CreditingRule = Annotated[Crediting, typer.Option("--crediting", "-c", help="Who gets the credit.")]
Seed = Annotated[
    int | None,
    typer.Option("--seed", "-s", metavar="SEED", help="Random seed (default: lcasym's, recorded)."),
]
BackgroundUncertainty = Annotated[
    bool,
    typer.Option("--background-uncertainty", help="Also sample the background data (slower)."),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", "-w", min=1, metavar="N", help="Run on N local worker processes (Dask)."
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on an existing Dask cluster: its scheduler, e.g. tcp://10.0.0.5:8786.",
    ),
]
Sensitivity = Annotated[
    bool, typer.Option("--sensitivity", help="Add tornado and Sobol sensitivity tables.")
]
IncludePlanned = Annotated[
    bool,
    typer.Option(
        "--include-planned",
        help="Count planned exchanges in the totals too (default: left out, each flagged).",
    ),
]
ContributionsTop = Annotated[
    int | None,
    typer.Option(
        "--contributions-top",
        min=0,
        metavar="N",
        help="Background activities listed per exchange component, for every exchange "
        "(0 = none; default: 5, above 200 exchanges only for the 60 largest).",
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


def draws_option() -> Any:
    """The ``--draws/-n`` option (its default differs: 0 for calc, 1,000 for run)."""
    return typer.Option("--draws", "-n", min=0, metavar="N", help="Monte Carlo draws (0 = none).")
