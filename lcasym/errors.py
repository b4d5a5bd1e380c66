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
