"""One exception hierarchy for lcasym.

Every error says what went wrong, where (file, sheet, row, field) and how to fix it.
Errors subclass the matching builtin too (``ValueError``, ``LookupError``...) and pickle,
so they survive being sent back from Dask workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class LcasymError(Exception):
    """Base class of every error lcasym raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's input.

    Attributes
    ----------
    message
        What is wrong, and how to fix it.
    location
        Where it is: ``file``, ``sheet``, ``row`` and ``field`` parts joined, e.g.
        ``"kalundborg.xlsx, sheet 'exchanges', row 4, field 'unit'"``.
    severity
        ``"error"`` (blocks the run) or ``"warning"`` (reported, run continues).
    """

    message: str
    location: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"


@dataclass
class InputError(LcasymError, ValueError):
    """The user's input (network file, options) is invalid; ``problems`` lists every problem."""

    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in {self.source or 'the input'}"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)

    def __reduce__(self):  # pickle across processes
        return (self.__class__, (self.problems, self.source))


class SetupError(LcasymError, RuntimeError):
    """The Brightway project could not be created, verified or repaired."""


class BackgroundError(LcasymError, LookupError):
    """A background database or activity that lcasym needs is missing or inconsistent."""


class DataFileError(LcasymError, ValueError):
    """A shipped or user data file (background data, SDG mapping...) is malformed."""


class CalculationError(LcasymError, RuntimeError):
    """A calculation could not be carried out (singular matrix, missing method...)."""


class MemoryLimitError(CalculationError, MemoryError):
    """A calculation would need more memory than the machine has; refused before it starts."""


# --- input limits and outputs --------------------------------------------------------------


class LimitError(InputError):
    """An input exceeds one of lcasym's safety limits (file size, nesting, rows, draws...).

    The message names the file (or option) and the limit, so the user knows what to cut.
    """


class OutputError(InputError):
    """An output cannot be written where the user asked (a folder, a device, the input...).

    Raised before any long work starts; nothing is written.
    """


class WriteError(LcasymError, OSError):
    """Writing an output failed on the way (disk full, permissions changed); nothing was left.

    Built as ``WriteError(errno, message)``; ``str()`` is the message.
    """

    def __str__(self) -> str:
        return str(self.strerror or super().__str__())


# --- the Brightway project -------------------------------------------------------------------


class DamagedProjectError(SetupError):
    """A piece of the Brightway project is missing or damaged; ``lcasym setup`` repairs it.

    Attributes
    ----------
    pieces
        The damaged pieces, each named (``"biosphere3: processed datapackage missing"``).
    """

    def __init__(self, message: str, pieces: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.pieces = tuple(pieces)

    def __reduce__(self):  # pickle across processes
        return (self.__class__, (str(self), self.pieces))


class ForeignDataError(SetupError):
    """lcasym would have to change data it did not write (a user's database or method).

    lcasym refuses instead; the message says which piece and what the user can do.
    """


# --- calculations ----------------------------------------------------------------------------


class SingularSystemError(CalculationError):
    """The technosphere matrix is singular (or too badly conditioned to solve)."""


class OutsideSystemError(CalculationError, LookupError):
    """An activity is not part of the loaded calculation system."""


class MissingMethodError(CalculationError, LookupError):
    """An LCIA method is not installed in the Brightway project."""


class NoDistributionsError(CalculationError):
    """Monte Carlo or sensitivity was asked for, but nothing carries a distribution."""


class SchedulerError(CalculationError, ConnectionError):
    """The Dask scheduler given with ``--scheduler`` cannot be reached."""
