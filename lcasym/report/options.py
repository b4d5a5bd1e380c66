"""Report options (theme, outputs) and the checks that run BEFORE any calculation.

A user themes the report without editing lcasym: a logo (PNG, JPEG or SVG), two colours,
or a template folder of their own holding ``report.html.j2`` (it may extend lcasym's with
``{% extends "lcasym/report.html.j2" %}`` and override its blocks). A missing logo, an
unwritable output path or a template folder without the template is an
:class:`~lcasym.errors.InputError` from :func:`check_report_options`, which the CLI calls
before it calculates anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lcasym.errors import InputError, Problem

TEMPLATE = "report.html.j2"
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".svg")
MAX_LOGO_BYTES = 5 * 1024 * 1024
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
#: Default colours: SDG 13 green and SDG 17 navy (the UN's colour definitions).
DEFAULT_COLOURS = {"primary": "#19486A", "accent": "#3F7E44"}
OUTPUT_SUFFIXES = (".pdf", ".html")


@dataclass(frozen=True)
class ReportOptions:
    """How the report looks and what is written next to it.

    Attributes
    ----------
    logo
        A PNG, JPEG or SVG file printed on the cover and in the running header.
    colours
        ``{"primary": "#RRGGBB", "accent": "#RRGGBB"}`` (either may be left out).
    template_dir
        A folder with the user's ``report.html.j2`` (and any CSS or images it names).
    html
        Also write the same document as HTML next to the PDF.
    datapoints
        Write the ESRS/GRI datapoints (``<stem>_datapoints.csv`` and ``.json``) next to it.
    title
        Report title (default: "Avoided emissions and resource savings of <network>").
    """

    logo: Path | None = None
    colours: Mapping[str, str] = field(default_factory=dict)
    template_dir: Path | None = None
    html: bool = False
    datapoints: bool = True
    title: str | None = None

    def palette(self) -> dict[str, str]:
        """The colours to use: defaults overridden by the user's."""
        return {**DEFAULT_COLOURS, **{k: v for k, v in self.colours.items() if v}}


def parse_colours(text: str | None) -> dict[str, str]:
    """``"#112233,#445566"`` (primary, accent) or ``"primary=#112233"`` → dict."""
    if not text:
        return {}
    out: dict[str, str] = {}
    for i, part in enumerate(p.strip() for p in text.split(",") if p.strip()):
        key, _, value = part.partition("=") if "=" in part else ("", "", part)
        key = key.strip() or ("primary", "accent")[min(i, 1)]
        out[key] = value.strip()
    return out


def _check_output(output: Path, network_file: Path | None, problems: list[Problem]) -> None:
    where = f"output {output}"
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        problems.append(
            Problem("the report is written as .pdf (or .html): give -o report.pdf", where)
        )
    if output.is_dir():
        problems.append(Problem("is a folder; give a file name such as report.pdf", where))
        return
    if output.exists() and not output.is_file():
        problems.append(
            Problem("is not a regular file (a device or pipe); choose another path", where)
        )
        return
    if network_file is not None and output.exists() and output.resolve() == network_file.resolve():
        problems.append(Problem("is the network file itself; choose another name", where))
        return
    parent = output.parent if str(output.parent) else Path(".")
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        problems.append(Problem(f"cannot be created: {existing} is a file, not a folder", where))
    elif not os.access(existing, os.W_OK | os.X_OK):
        problems.append(Problem(f"folder {existing} is not writable", where))


def check_report_options(
    options: ReportOptions,
    output: str | Path | None = None,
    *,
    network_file: str | Path | None = None,
) -> None:
    """Check the theme and the output path; raise InputError listing every problem.

    Called before any calculation (CLI) and before rendering (library): a bad option costs
    nothing and writes nothing.
    """
    problems: list[Problem] = []
    if options.logo is not None:
        logo = Path(options.logo)
        where = f"logo {logo}"
        if not logo.is_file():
            problems.append(
                Problem("file not found; give an existing PNG, JPEG or SVG file", where)
            )
        elif logo.suffix.lower() not in LOGO_TYPES:
            problems.append(Problem(f"must be one of {', '.join(LOGO_TYPES)}", where))
        elif logo.stat().st_size > MAX_LOGO_BYTES:
            problems.append(Problem(f"is larger than {MAX_LOGO_BYTES // 2**20} MB", where))
    for key, value in options.colours.items():
        if key not in DEFAULT_COLOURS:
            problems.append(Problem(f"unknown colour {key!r}; use primary and accent", "colours"))
        elif not _COLOUR.match(str(value)):
            problems.append(Problem(f"{key} colour {value!r} must look like #1A2B3C", "colours"))
    if options.template_dir is not None:
        folder = Path(options.template_dir)
        where = f"template folder {folder}"
        if not folder.is_dir():
            problems.append(Problem("not found or not a folder", where))
        elif not (folder / TEMPLATE).is_file():
            problems.append(
                Problem(
                    f"has no {TEMPLATE}; copy lcasym's reports/{TEMPLATE} "
                    "there and edit it, or extend it",
                    where,
                )
            )
    if output is not None:
        _check_output(Path(output), Path(network_file) if network_file else None, problems)
    if problems:
        raise InputError(problems, source="report options")
