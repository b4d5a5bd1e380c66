"""Progress of a calculation on the terminal: a rich bar, or plain lines when not a terminal.

``calculation_progress()`` returns a callback ``progress(done, total, what)`` for
``lcasym.calculate(progress=...)``. On a terminal (stderr is a TTY) each step gets a rich
bar on stderr, shown from its first report until every step is done; otherwise (a pipe, a
log file, CI) a plain line per step at 0 %, every 25 % and 100 %. Stdout stays free for
results (``lcasym calc FILE | jq``).
"""

from __future__ import annotations

import atexit
import sys
from typing import Any

import typer

from lcasym.calc.progress import Progress


class _PlainLines:
    """A line on stderr per step at 0 %, 25 %, 50 %, 75 % and 100 %."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def __call__(self, done: int, total: int, what: str) -> None:
        quarter = 4 * done // max(total, 1)
        if self._last.get(what) != quarter:
            self._last[what] = quarter
            typer.echo(f"{what}: {done:,}/{total:,}", err=True)


class _RichBars:
    """Rich bars on stderr, started on the first report and stopped when all are done."""

    def __init__(self) -> None:
        self._bars: Any = None
        self._tasks: dict[str, Any] = {}
        self._open: set[str] = set()

    def __call__(self, done: int, total: int, what: str) -> None:
        if self._bars is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bars

            self._bars = Bars(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._bars.start()
            atexit.register(self.stop)
        if what not in self._tasks:
            self._tasks[what] = self._bars.add_task(what, total=total)
        self._bars.update(self._tasks[what], completed=done, total=total)
        (self._open.discard if done >= total else self._open.add)(what)
        if not self._open:
            self.stop()

    def stop(self) -> None:
        """Remove the bars from the terminal."""
        if self._bars is not None:
            self._bars.stop()
            self._bars, self._tasks = None, {}


def calculation_progress() -> Progress:
    """A progress callback for a calculation (see the module docstring)."""
    return _RichBars() if sys.stderr.isatty() else _PlainLines()
