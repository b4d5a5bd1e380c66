"""Read and write networks: YAML, JSON, Excel <-> :class:`~lcasym.network.model.SymbiosisNetwork`.

``read_network`` validates once, here: every problem (syntax, unknown fields, missing
values, cross-record rules) is collected, located (file, sheet, row, field) and raised
together as one :class:`~lcasym.errors.InputError`. ``write_network`` writes atomically
(temporary file, then rename), so an error never leaves a half-written file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from lcasym.atomic import atomic_path
from lcasym.errors import InputError, Problem
from lcasym.io.locate import Locate, PathLocator
from lcasym.io.problems import problems_from_validation_error
from lcasym.network.model import SymbiosisNetwork

if TYPE_CHECKING:
    from lcasym.background.resolve import BackgroundIndex

log = logging.getLogger(__name__)

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "excel"}

__all__ = [
    "LoadedNetwork",
    "atomic_path",
    "load_network",
    "network_from_dict",
    "read_network",
    "write_network",
]


@dataclass(frozen=True)
class LoadedNetwork:
    """A network read from a file, with the locator that names places in that file."""

    network: SymbiosisNetwork
    locate: Locate
    source: str
    warnings: tuple[Problem, ...] = ()


def file_format(path: Path) -> str:
    """``yaml``, ``json`` or ``excel`` from the file's suffix; ``InputError`` for any other."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            [
                Problem(
                    f"unsupported file type {path.suffix or '(none)'!r}: use .yaml, .yml, "
                    ".json or .xlsx",
                    path.name,
                )
            ],
            path.name,
        )
    return fmt


def network_from_dict(
    data: Any,
    source: str = "",
    *,
    locate: Locate | None = None,
    problems: Iterable[Problem] = (),
    skip: Iterable[tuple[str | int, ...]] = (),
) -> SymbiosisNetwork:
    """Validate plain data into a network; raise InputError listing every located problem.

    Parameters
    ----------
    data
        Plain data (from YAML, JSON, Excel or Python).
    source
        File name used in locations (and the error's title).
    locate
        Turns a path into a location; default: YAML-style paths
        (``exchanges[3] (id 'fly_ash').displaces.ratio``).
    problems
        Problems already found by a reader; raised together with the model's.
    skip
        Paths the reader already reported (their model errors are not repeated).
    """
    found = list(problems)
    locate = locate or PathLocator(data, source)
    if not isinstance(data, dict):
        found.append(
            Problem(
                f"expected a mapping with 'network', 'facilities' and 'exchanges' at the top, "
                f"got {type(data).__name__}",
                source,
            )
        )
        raise InputError(found, source)
    try:
        network = SymbiosisNetwork.model_validate(data)
    except ValidationError as exc:
        found += problems_from_validation_error(exc, locate, skip=skip)
        raise InputError(found, source) from None
    if any(p.severity == "error" for p in found):
        raise InputError(found, source)
    return network


def load_network(path: str | Path) -> LoadedNetwork:
    """Read a network file without the cross-record checks; keep its locator.

    Raises
    ------
    InputError
        If the file is missing, unreadable or does not match the model.
    """
    path = Path(path)
    fmt = file_format(path)
    if not path.is_file():
        raise InputError(
            [Problem(f"file not found: {path} (check the path and the file name)", path.name)],
            path.name,
        )
    if fmt == "excel":
        from lcasym.io.excel import read_excel

        read = read_excel(path)
        network = network_from_dict(
            read.data, path.name, locate=read.locate, problems=read.problems, skip=read.skip
        )
        return LoadedNetwork(network, read.locate, path.name)
    from lcasym.io.yaml_json import read_json, read_yaml

    try:
        data = read_yaml(path) if fmt == "yaml" else read_json(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(f"cannot read the file ({exc}); save it as UTF-8 text", path.name)],
            path.name,
        ) from None
    locate = PathLocator(data, path.name)
    return LoadedNetwork(network_from_dict(data, path.name, locate=locate), locate, path.name)


def read_network(
    path: str | Path,
    *,
    validate: bool = True,
    background: BackgroundIndex | None = None,
) -> SymbiosisNetwork:
    """Read a network from ``.yaml``/``.yml``, ``.json`` or ``.xlsx``.

    With ``validate`` (default) the cross-record rules of :mod:`lcasym.network.validation` run too
    (those needing a background only when ``background`` is given); warnings are logged.

    Raises
    ------
    InputError
        Listing every problem, located by file, sheet, row and field.
    """
    loaded = load_network(path)
    if validate:
        from lcasym.network.validation import check_network

        for warning in check_network(
            loaded.network, background=background, source=loaded.source, locate=loaded.locate
        ):
            log.warning("%s", warning)
    return loaded.network


def _writer(fmt: str) -> Callable[[SymbiosisNetwork, Path], None]:
    if fmt == "excel":
        from lcasym.io.excel import write_excel

        return write_excel
    from lcasym.io.yaml_json import dump_json, dump_yaml

    dump = dump_yaml if fmt == "yaml" else dump_json

    def write_text(network: SymbiosisNetwork, p: Path) -> None:
        p.write_text(dump(network), encoding="utf-8")

    return write_text


def write_network(network: SymbiosisNetwork, path: str | Path) -> None:
    """Write ``network`` to ``path`` (format from the suffix), atomically."""
    path = Path(path)
    write = _writer(file_format(path))
    with atomic_path(path) as tmp:
        write(network, tmp)
    log.info("wrote %s", path)
