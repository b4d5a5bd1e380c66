"""Entry point of the ``lcasym`` command (also ``python -m lcasym``): builds the Typer app.

Every command turns lcasym's own errors into a one-paragraph message and exit code 2 (bad
input or options, bad output path) or 1 (failed run, damaged project): no traceback reaches
a user. Only the result goes to stdout (``lcasym calc FILE | jq`` works): bw2data's
feedback lines are sent to lcasym's log instead, shown with ``-v``.
"""

from __future__ import annotations

import logging
import os
import sys

# Make bw2data's feedback logger a stdlib logger that lcasym can redirect (must be set
# before bw2data is imported).
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")

import typer

from lcasym.cli import (
    cmd_calc,
    cmd_import,
    cmd_network,
    cmd_opportunities,
    cmd_report,
    cmd_run,
    cmd_setup,
    cmd_years,
)
from lcasym.errors import InputError, LcasymError

BW_FEEDBACK_LOGGER = "brightway-stdout-feedback"

app = typer.Typer(
    name="lcasym",
    help="Life cycle assessment of industrial symbiosis networks with Brightway.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: square brackets in texts stay as written
)


def _version(value: bool) -> None:
    if value:
        from lcasym import __version__

        typer.echo(f"lcasym {__version__}")
        raise typer.Exit()


class _ToLcasymLog(logging.Filter):
    """Send bw2data's stdout feedback to lcasym's log (DEBUG) instead of stdout."""

    def filter(self, record: logging.LogRecord) -> bool:
        logging.getLogger("lcasym.brightway").debug("%s", record.getMessage())
        return False


def configure_logging(verbose: bool) -> None:
    """Warnings from everyone on stderr; with ``verbose``, lcasym's own INFO lines too."""
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("lcasym").setLevel(logging.INFO if verbose else logging.WARNING)
    feedback = logging.getLogger(BW_FEEDBACK_LOGGER)
    if not any(isinstance(f, _ToLcasymLog) for f in feedback.filters):
        feedback.addFilter(_ToLcasymLog())


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log lcasym's progress."),
) -> None:
    """Measure what industrial symbiosis is worth: avoided emissions, credits, SDGs."""
    configure_logging(verbose)


for module in (
    cmd_setup,
    cmd_network,
    cmd_calc,
    cmd_run,
    cmd_report,
    cmd_opportunities,
    cmd_import,
    cmd_years,
):
    module.register(app)


def _is_database_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "DatabaseError" and type(exc).__module__ in ("peewee", "sqlite3")


def run() -> None:
    """Run the CLI, turning lcasym errors into clear messages without tracebacks."""
    from lcasym.background.project import stay_in_project

    stay_in_project()  # only lcasym uses Brightway in this process: no switch back per block
    configure_logging(False)  # also before the callback: imports may log
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
    except KeyboardInterrupt:
        typer.secho("interrupted: nothing half-written was kept", err=True)
        sys.exit(130)
    except Exception as exc:  # usage errors, and bugs: never a bare traceback
        # Typer vendors click, so its usage errors are not click's classes: duck-type them.
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        if _is_database_error(exc):
            typer.secho(
                f"error: a Brightway file is damaged ({exc}): run `lcasym status` to name it "
                "and `lcasym setup` to repair it",
                err=True,
                fg=typer.colors.RED,
            )
            sys.exit(1)
        if logging.getLogger("lcasym").isEnabledFor(logging.INFO):
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
