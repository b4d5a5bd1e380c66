"""Turn a path inside a network (``("exchanges", 3, "displaces", "ratio")``) into words.

Two locators share one call signature, ``locate(path) -> str``:

- :class:`PathLocator` for YAML, JSON and Python input:
  ``"net.yaml, exchanges[3] (id 'fly_ash').displaces.ratio"``;
- :class:`TableLocator` for Excel workbooks:
  ``"net.xlsx, sheet 'exchanges', row 7 (id 'fly_ash'), field 'displaces.ratio'"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]
Locate = Callable[[Path], str]


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


class PathLocator:
    """Locate problems by their path in nested data (the ids of list items are shown).

    Parameters
    ----------
    data
        The plain data (dict from a YAML/JSON file or ``model_dump()``) the paths point into.
    source
        File name shown first, or ``""``.
    """

    def __init__(self, data: Any, source: str = "") -> None:
        self.data = data
        self.source = source

    def path_text(self, path: Path) -> str:
        """Return the path alone: ``exchanges[3] (id 'fly_ash').displaces.ratio``."""
        text = ""
        node: Any = self.data
        for step in path:
            if isinstance(step, int):
                text += f"[{step}]"
                node = node[step] if isinstance(node, Sequence) and step < len(node) else None
                ident = node.get("id") if isinstance(node, Mapping) else None
                if isinstance(ident, str | int) and not isinstance(ident, bool):
                    text += f" (id {str(ident)!r})"
            else:
                text += f".{step}" if text else str(step)
                node = node.get(step) if isinstance(node, Mapping) else None
        return text

    def __call__(self, path: Path) -> str:
        """Return ``"<source>, <path>"``."""
        return _join(self.source, self.path_text(path))


@dataclass(frozen=True)
class Origin:
    """Where a record came from in a workbook."""

    sheet: str
    row: int | None = None
    label: str = ""
    column: str | None = None


class TableLocator:
    """Locate problems by sheet, row and column of the workbook the data was read from.

    Parameters
    ----------
    source
        Workbook file name.
    origins
        For each data path of a record (a row) or a single value, where it came from.
        The longest registered prefix of a path gives sheet and row; the rest of the path,
        joined with dots, names the field (column).
    """

    def __init__(self, source: str, origins: Mapping[Path, Origin]) -> None:
        self.source = source
        self.origins = origins

    def __call__(self, path: Path) -> str:
        """Return ``"<source>, sheet 'x', row n (label), field 'a.b'"``."""
        for cut in range(len(path), -1, -1):
            origin = self.origins.get(tuple(path[:cut]))
            if origin is not None:
                rest = [str(p) for p in path[cut:] if not isinstance(p, int)]
                field = ".".join(rest) if rest else origin.column
                row = ""
                if origin.row is not None:
                    row = f"row {origin.row}" + (f" ({origin.label})" if origin.label else "")
                return _join(
                    self.source,
                    f"sheet {origin.sheet!r}",
                    row,
                    f"field {field!r}" if field else "",
                )
        return PathLocator(None, self.source)(path)
