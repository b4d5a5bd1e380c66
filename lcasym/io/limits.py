"""Safety limits for network files: every hostile file is refused early, in bounded memory.

A network file is untrusted input. Before parsing, its size is checked; while parsing, its
nesting depth, node count (YAML aliases expanded), integer length, and (for Excel) the
unpacked size, rows, columns and cells. Each refusal is a :class:`~lcasym.errors.LimitError`
whose message names the file and the limit. The limits are far above what a real
industrial park needs (Kalundborg: 32 KB, depth 6, about 3,000 YAML nodes, 40 rows per
sheet); a network of 10,000 exchanges stays well inside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from lcasym.errors import LimitError, Problem

#: Largest YAML or JSON network file read (bytes).
MAX_TEXT_BYTES = 50_000_000
#: Largest .xlsx file read (bytes, compressed).
MAX_XLSX_BYTES = 50_000_000
#: Largest total unpacked size of the parts of an .xlsx (bytes): stops zip bombs.
MAX_XLSX_UNPACKED = 200_000_000
#: Most rows in one sheet, highest column, and most cells in a workbook.
MAX_SHEET_ROWS = 100_000
MAX_SHEET_COLUMNS = 200
MAX_WORKBOOK_CELLS = 1_000_000
#: Deepest nesting of mappings and lists in a YAML or JSON file.
MAX_DEPTH = 64
#: Most nodes in a YAML file once its aliases are expanded (stops "billion laughs").
MAX_NODES = 2_000_000
#: Most digits of an integer (Python refuses more than 4,300 anyway).
MAX_INT_DIGITS = 100


def limit_error(source: str, message: str) -> LimitError:
    """A :class:`LimitError` about file ``source`` (its name is in the message)."""
    return LimitError([Problem(message, source)], source)


def check_file_size(path: Path, limit: int) -> int:
    """Return the size of ``path`` in bytes; raise :class:`LimitError` above ``limit``."""
    size = path.stat().st_size
    if size > limit:
        raise limit_error(
            path.name,
            f"the file is {size / 1e6:,.1f} MB, more than lcasym's limit of {limit / 1e6:,.0f} MB "
            "for a network file: check that it is the right file, or split the network",
        )
    return size


def depth_error(source: str, limit: int = MAX_DEPTH) -> LimitError:
    """The error for a file nested deeper than ``limit`` levels."""
    return limit_error(
        source,
        f"the file is nested more than {limit:,} levels deep (lcasym's limit): a network "
        "file needs fewer than 10; check that it is a network file",
    )


def nodes_error(source: str, limit: int = MAX_NODES) -> LimitError:
    """The error for a YAML file that expands to more than ``limit`` nodes."""
    return limit_error(
        source,
        f"the file expands to more than {limit:,} values (lcasym's limit; YAML aliases such as "
        "*name count once per use): remove the aliases or split the network",
    )


def integer_error(source: str, where: str, digits: int, limit: int = MAX_INT_DIGITS) -> LimitError:
    """The error for an integer with more than ``limit`` digits."""
    return limit_error(
        source,
        f"{where}: an integer of {digits:,} digits, more than lcasym's limit of {limit} digits: "
        "give a realistic number (use 1.5e9 style for large values)",
    )


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_LONG_INT = re.compile(rf"(?<![\w.])-?\d{{{MAX_INT_DIGITS + 1},}}(?![\w.])")


def json_depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` in JSON text (strings skipped), in linear time."""
    bare = _JSON_STRING.sub('""', text).encode("utf-8", "replace")
    codes = np.frombuffer(bare, dtype=np.uint8)
    step = np.isin(codes, (ord("["), ord("{"))).astype(np.int64)
    step -= np.isin(codes, (ord("]"), ord("}"))).astype(np.int64)
    return int(np.cumsum(step).max(initial=0))


def check_json_text(text: str, source: str) -> None:
    """Raise :class:`LimitError` if JSON text nests too deep or holds an over-long integer."""
    if json_depth(text) > MAX_DEPTH:
        raise depth_error(source)
    bare = _JSON_STRING.sub('""', text)
    match = _LONG_INT.search(bare)
    if match:
        line = bare.count("\n", 0, match.start()) + 1
        raise integer_error(source, f"line {line}", len(match.group().lstrip("-")))
