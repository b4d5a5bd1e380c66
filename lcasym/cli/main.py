"""Entry point of the ``lcasym`` command: builds the Typer app from the command modules.

Every command turns lcasym's own errors into a one-paragraph message and exit code 2 (bad
input) or 1 (failed run): no traceback reaches a user.
"""

from __future__ import annotations

import logging
import os
import sys

# Keep bw2data's import-time logger quiet on a terminal (lcasym shows its own progress).
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")

import typer

from lcasym import __version__
from lcasym.cli import cmd_calc, cmd_network, cmd_opportunities, cmd_report, cmd_run, cmd_setup
from lcasym.errors import InputError, LcasymError

app = typer.Typer(
    name="lcasym",
    help="Life cycle assessment of industrial symbiosis networks with Brightway.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lcasym {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details."),
) -> None:
    """Measure what industrial symbiosis is worth: avoided emissions, credits, SDGs."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for module in (cmd_setup, cmd_network, cmd_calc, cmd_run, cmd_report, cmd_opportunities):
    module.register(app)


def run() -> None:
    """Run the CLI, turning lcasym errors into clear messages without tracebacks."""
    try:
        sys.exit(app(standalone_mode=False) or 0)
    except InputError as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        sys.exit(2)
    except LcasymError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code or 0)
    except typer.Abort:
        typer.secho("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # usage errors, and bugs: never a bare traceback
        # Typer vendors click, so its usage errors are not click's classes: duck-type them.
        if callable(getattr(exc, "show", None)) and isinstance(
            getattr(exc, "exit_code", None), int
        ):
            exc.show()
            sys.exit(exc.exit_code)
        if logging.getLogger().isEnabledFor(logging.INFO):
            logging.getLogger("lcasym").exception("unexpected error")
        typer.secho(
            f"unexpected error: {type(exc).__name__}: {exc}\n"
            "Run again with --verbose to see where it happened, and please report it.",
            err=True,
            fg=typer.colors.RED,
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
