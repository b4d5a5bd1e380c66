"""CLI commands ``lcasym opportunities`` and ``lcasym opportunities-template``.

``opportunities FILE`` reads an operations inventory, ranks every candidate exchange by
the avoided headline climate burden at its potential (or by cost savings), and on request
chooses the optimal set (``--choose``, a MILP), traces the GHG/cost Pareto front
(``--pareto N``), explains why a pair is (not) a candidate (``--explain OFFER>NEED``) and
writes the chosen set as a network of planned exchanges (``--write-network OUT``). Bad
input: every problem, located, and exit code 2.
"""

from __future__ import annotations

import json
import math
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lcasym.cli import options as opt
from lcasym.errors import InputError, Problem

if TYPE_CHECKING:
    from lcasym.discovery import Choice, Opportunities

os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
OUTPUT_SUFFIXES = (".csv", ".json", ".xlsx")
NETWORK_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


class Objective(StrEnum):
    """What the chosen set maximises."""

    ghg = "ghg"
    cost = "cost"
    mix = "mix"


class RankBy(StrEnum):
    """What the ranked list is sorted by."""

    ghg = "ghg"
    cost = "cost"


def _sig(value: float, digits: int = 3) -> str:
    """About ``digits`` significant figures with thousands separators; NaN -> 'not known'."""
    if value is None or not math.isfinite(value):
        return "not known"
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits}g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 10 ** (digits - 1) else f"{rounded:,.{digits}g}"


def _fail(problems: list[Problem], source: str = "options") -> None:
    raise InputError(problems, source)


def _check_output(path: Path | None, suffixes: tuple[str, ...], force: bool, what: str) -> None:
    if path is None:
        return
    if path.suffix.lower() not in suffixes:
        _fail([Problem(f"{what}: use a file name ending in {' or '.join(suffixes)}", path.name)])
    if path.exists() and not force:
        _fail([Problem(f"{what}: the file exists; choose another name or add --force", path.name)])


def _constraints(items: list[str] | None) -> dict[str, float]:
    out, problems = {}, []
    for item in items or []:
        label, sep, bound = item.rpartition(">=")
        try:
            value = float(bound)
        except ValueError:
            value = math.nan
        if not sep or not label.strip() or not math.isfinite(value):
            problems.append(
                Problem(
                    f"cannot read the constraint {item!r}: write 'METHOD LABEL>=NUMBER', e.g. "
                    "'EF v3.1 | acidification | accumulated exceedance (AE)>=0'",
                    "--constraint",
                )
            )
            continue
        out[label.strip()] = value
    if problems:
        _fail(problems)
    return out


def _ranked_lines(opps: Opportunities, table: Any) -> list[str]:
    from lcasym.presentation.formatting import display_scale

    scale, unit = display_scale(opps.method_units[opps.headline])
    currency = opps.inventory.park.currency
    lines = [
        f"{opps.n_candidates} candidates; method {opps.method_label(opps.headline)} "
        f"(avoided per year at the potential, {unit}/yr; cost savings {currency}/yr)"
    ]
    for r in table.itertuples():
        lines.append(
            f"{r.rank:>4}. {r.supplier} → {r.receiver}: {r.synergy} ({r.offer} > {r.need}), "
            f"{_sig(r.potential)} {r.unit}/yr over {_sig(r.distance_km)} km: avoided "
            f"{_sig(r.avoided * scale)} {unit}/yr, cost savings {_sig(r.cost_savings)}"
            + (f" ({r.cost_basis})" if math.isfinite(r.cost_savings) else "")
            + f"; coverage {r.coverage}"
            + (f"; {r.notes}" if r.notes else "")
        )
    return lines


def _choice_lines(choice: Choice) -> list[str]:
    from lcasym.presentation.formatting import display_scale

    opps = choice.opportunities
    scale, unit = display_scale(opps.method_units[opps.headline])
    total = choice.totals().iloc[opps.headline]["avoided"]
    n, unknown = len(choice.rows), choice.cost_unknown()
    cost = f"{_sig(choice.cost_savings())} {opps.inventory.park.currency}/yr"
    if unknown == n:
        cost = "not known"
    elif unknown:
        cost += f" (known for {n - unknown} of {n} exchanges)"
    lines = [
        f"chosen set ({choice.objective}, {choice.status}; {choice.considered} candidates "
        f"considered): {n} exchange(s), avoided {_sig(total * scale)} {unit}/yr, "
        f"cost savings {cost}"
    ]
    lines += [f"  note: {n}" for n in choice.notes]
    for r in choice.table().itertuples():
        lines.append(
            f"  {r.supplier} → {r.receiver}: {r.synergy}, {_sig(r.amount)} {r.unit}/yr "
            f"({_sig(100 * r.share_of_potential)} % of potential): avoided "
            f"{_sig(r.avoided * scale)} {unit}/yr"
        )
    return lines


def _write_output(path: Path, opps: Opportunities, choice: Choice | None, pareto: Any) -> None:
    import pandas as pd

    from lcasym.atomic import atomic_path

    ranked = opps.ranked()
    with atomic_path(path) as tmp:
        suffix = path.suffix.lower()
        if suffix == ".csv":
            ranked.to_csv(tmp, index=False)
        elif suffix == ".json":
            data = {
                "ranked": ranked.to_dict("records"),
                "excluded_counts": opps.reason_counts().to_dict(),
                "chosen": choice.table().to_dict("records") if choice else None,
                "chosen_totals": choice.totals().to_dict("records") if choice else None,
                "pareto": pareto.to_dict("records") if pareto is not None else None,
            }
            tmp.write_text(json.dumps(data, indent=2, default=str, allow_nan=True) + "\n")
        else:
            from lcasym.io.xlsx_text import XLSXWRITER_OPTIONS  # user text stays text

            with pd.ExcelWriter(
                tmp, engine="xlsxwriter", engine_kwargs={"options": XLSXWRITER_OPTIONS}
            ) as writer:
                ranked.to_excel(writer, sheet_name="ranked", index=False)
                opps.long_table().to_excel(writer, sheet_name="all methods", index=False)
                opps.excluded_table().to_excel(writer, sheet_name="excluded", index=False)
                if choice is not None:
                    choice.table().to_excel(writer, sheet_name="chosen", index=False)
                    choice.totals().to_excel(writer, sheet_name="chosen totals", index=False)
                if pareto is not None:
                    pareto.to_excel(writer, sheet_name="pareto", index=False)


def opportunities(
    file: Annotated[
        Path, typer.Argument(help="Operations inventory (.yaml, .yml, .json or .xlsx).")
    ],
    top: Annotated[int, typer.Option(min=0, help="Candidates to list (0 = none).")] = 20,
    rank_by: Annotated[RankBy, typer.Option(help="Rank by avoided GHG or cost.")] = RankBy.ghg,
    choose_set: Annotated[
        bool, typer.Option("--choose", help="Choose the optimal set (MILP, HiGHS).")
    ] = False,
    objective: Annotated[
        Objective, typer.Option(help="What the chosen set maximises.")
    ] = Objective.ghg,
    ghg_weight: Annotated[
        float, typer.Option(help="Weight of avoided GHG (kg) in the mix objective.")
    ] = 1.0,
    cost_weight: Annotated[
        float, typer.Option(help="Weight of cost savings (currency) in the mix objective.")
    ] = 0.0,
    constraint: Annotated[
        list[str] | None,
        typer.Option(help="Bound on a second category, 'METHOD LABEL>=NUMBER' (repeatable)."),
    ] = None,
    consider: Annotated[
        int | None,
        typer.Option(min=1, help="Let the solver consider only the best N candidates."),
    ] = None,
    pareto: Annotated[
        int | None, typer.Option(min=2, help="Pareto front GHG vs cost with N points.")
    ] = None,
    explain: Annotated[
        str | None, typer.Option(help="Why a pair is (not) a candidate: 'OFFER>NEED'.")
    ] = None,
    write_network: Annotated[
        Path | None,
        typer.Option(help="Write the chosen set as a network with planned exchanges."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Tables to .csv, .json or .xlsx.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite output files.")] = False,
    method: opt.Methods = None,
    knowledge_base: Annotated[
        Path | None, typer.Option(help="Your own knowledge base of synergy types (YAML).")
    ] = None,
    workers: opt.Workers = None,
    scheduler: opt.Scheduler = None,
    project: opt.Project = None,
    directory: opt.Directory = None,
) -> None:
    """Find, price and choose the symbioses a park has not built yet."""
    from lcasym.discovery import (
        choose,
        discover,
        load_inventory,
        load_knowledge_base,
        pareto_front,
        write_chosen_network,
    )
    from lcasym.discovery import (
        explain as explain_pair,
    )

    _check_output(write_network, NETWORK_SUFFIXES, force, "--write-network")
    _check_output(output, OUTPUT_SUFFIXES, force, "--output")
    if workers is not None and scheduler is not None:
        _fail([Problem("give --workers or --scheduler, not both")])
    bounds = _constraints(constraint)
    kb = load_knowledge_base(knowledge_base)
    loaded = load_inventory(file, knowledge_base=kb)
    for warning in loaded.warnings:
        typer.secho(f"warning: {warning}", err=True, fg=typer.colors.YELLOW)
    if explain is not None:
        offer, sep, need = explain.partition(">")
        if not sep:
            _fail([Problem("write --explain 'OFFER_ID>NEED_ID'", "--explain")])
        try:
            lines = explain_pair(loaded.inventory, offer.strip(), need.strip(), kb)
        except ValueError:
            _fail([Problem(f"no offer {offer!r} or no need {need!r} in {file.name}; write "
                           "'OFFER_ID>NEED_ID'", "--explain")])  # fmt: skip
        for line in lines:
            typer.echo(line)
        return
    opps = discover(
        loaded, methods=method or None, knowledge_base=kb, workers=workers,
        scheduler=scheduler, project=project, directory=directory,
    )  # fmt: skip
    if top:
        for line in _ranked_lines(opps, opps.ranked(by=rank_by.value, top=top)):
            typer.echo(line)
    counts = opps.reason_counts()
    if counts.sum():
        typer.echo(
            "excluded pairs by reason: "
            + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
            + " (see --explain OFFER>NEED)"
        )
    choice = None
    if choose_set or write_network is not None:
        choice = choose(
            opps,
            objective=objective.value,
            weights=(ghg_weight, cost_weight),
            constraints=bounds,
            top=consider,
        )
        for line in _choice_lines(choice):
            typer.echo(line)
    front = None
    if pareto is not None:
        front = pareto_front(opps, points=pareto, top=consider, constraints=bounds)
        typer.echo("Pareto front (most avoided GHG for at least the cost savings shown):")
        for r in front.itertuples():
            typer.echo(
                f"  {r.point}: avoided {_sig(r.avoided)} {r.unit}/yr, cost savings "
                f"{_sig(r.cost_savings)} {r.currency}/yr, {r.chosen} exchange(s)"
            )
    if write_network is not None and choice is not None:
        write_chosen_network(choice, write_network)
        typer.echo(
            f"wrote {write_network}: the chosen exchanges with status 'planned'; check it with "
            f"'lcasym validate {write_network}'"
        )
    if output is not None:
        _write_output(output, opps, choice, front)
        typer.echo(f"wrote {output}")


def opportunities_template(
    out: Annotated[Path, typer.Argument(help="Workbook to create (.xlsx).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a blank operations-inventory workbook (README sheet explains every column)."""
    from lcasym.atomic import atomic_path
    from lcasym.discovery.workbook import write_inventory_workbook

    _check_output(out, (".xlsx",), force, "template")
    with atomic_path(out) as tmp:
        write_inventory_workbook(None, tmp)
    typer.echo(f"wrote {out}: fill it in, then run 'lcasym opportunities {out}'")


def register(app: typer.Typer) -> None:
    """Add ``opportunities`` and ``opportunities-template`` to the app."""
    app.command("opportunities")(opportunities)
    app.command("opportunities-template")(opportunities_template)
