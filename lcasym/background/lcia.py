"""Write LCIA methods from the data bw2io ships, fast, and only the families asked for.

``bw2io.bw2setup()`` fails with bw2data 4.8 because the characterisation factors (CFs) in
``bw2io/data/lcia/lcia_39_ecoinvent.zip`` are keyed by lists. Here each method name becomes
a tuple and each CF input ``['biosphere3', code]`` the integer id of that biosphere node
(one query maps every code of the database). Measured in one run on the default
families (87 methods, 23,234 CFs, loaded machine): ``LCIAImporter.write_methods`` with
tuple inputs 29.0 s (it processes each method twice), ``Method.write`` with tuple keys
15.0 s, with integer ids 8.9 s, with integer ids checked once here and a row processor
that trusts them 1.9 s (0.4 s on an idle machine; see
:class:`_CheckedIdMethod`). Call these functions inside
:func:`lcasym.background.project.brightway_project`.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import logging
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lcasym.errors import DataFileError, ForeignDataError, SetupError
from lcasym.paths import package_data

log = logging.getLogger(__name__)

BIOSPHERE = "biosphere3"
#: Metadata of every method lcasym writes: ``source`` (as older versions wrote it) and
#: ``lcasym`` (the version). A method without them is a user's and is never rewritten.
SOURCE = "bw2io lcia_39_ecoinvent.zip"
MARKER_KEY = "lcasym"
_FAMILIES_FILE = package_data("method_families.yaml")

MethodName = tuple[str, ...]


def lcia_zip_path() -> Path:
    """Path of bw2io's ``lcia_39_ecoinvent.zip`` (found without importing bw2io)."""
    spec = importlib.util.find_spec("bw2io")
    if spec is None or not spec.submodule_search_locations:
        raise SetupError("bw2io is not installed; install lcasym's dependencies.")
    path = Path(next(iter(spec.submodule_search_locations))) / "data/lcia/lcia_39_ecoinvent.zip"
    if not path.is_file():
        raise SetupError(f"bw2io's LCIA data file is missing: {path}; reinstall bw2io.")
    return path


@cache
def family_config() -> tuple[dict[str, Any], ...]:
    """Default families from ``lcasym/data/method_families.yaml``, validated.

    Returns
    -------
    tuple of dict
        One dict per family: ``family`` (str), ``methods`` (int), ``rationale`` (str).
    """
    try:
        raw = yaml.safe_load(_FAMILIES_FILE.read_text(encoding="utf-8"))
        entries = raw["defaults"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise DataFileError(f"{_FAMILIES_FILE}: cannot read 'defaults': {exc}") from exc
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"family", "methods", "rationale"}:
            raise DataFileError(
                f"{_FAMILIES_FILE}, entry {i}: expected keys family, methods, rationale"
            )
        if not isinstance(entry["methods"], int) or entry["methods"] < 1:
            raise DataFileError(f"{_FAMILIES_FILE}, entry {i}: 'methods' must be an integer")
        out.append(dict(entry))
    return tuple(out)


def default_families() -> list[str]:
    """Names of the families written by default, in file order."""
    return [entry["family"] for entry in family_config()]


def _read_zip() -> list[dict[str, Any]]:
    with zipfile.ZipFile(lcia_zip_path()) as archive:
        return json.loads(archive.read("data.json"))


@cache
def available_families() -> dict[str, int]:
    """Every family in bw2io's LCIA file with its number of methods (parses the file once)."""
    counts = Counter(method["name"][0] for method in _read_zip())
    return dict(sorted(counts.items()))


def _check_families(families: Iterable[str], known: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(families))
    known = list(known)
    unknown = [f for f in wanted if f not in known]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
            hints.append(
                f"{name!r}" + (f" (did you mean {', '.join(map(repr, close))}?)" if close else "")
            )
        raise SetupError(
            "Unknown LCIA method family: "
            + "; ".join(hints)
            + ". `lcasym setup --help` and lcasym.background.lcia.available_families() list them."
        )
    return wanted


def load_method_data(families: Iterable[str]) -> list[dict[str, Any]]:
    """Read the methods of ``families`` from bw2io's LCIA file.

    Parameters
    ----------
    families
        First elements of method names, e.g. ``"EF v3.1"``.

    Returns
    -------
    list of dict
        bw2io's method dicts (``name`` as a tuple, ``unit``, ``description``, ``filename``,
        ``exchanges`` with ``input`` ``['biosphere3', code]`` and ``amount``), file order.
    """
    data = _read_zip()
    wanted = set(_check_families(families, {m["name"][0] for m in data}))
    out = []
    for method in data:
        if method["name"][0] in wanted:
            method["name"] = tuple(method["name"])
            out.append(method)
    return out


def biosphere_ids(database: str = BIOSPHERE) -> dict[str, int]:
    """Map every code of ``database`` to its node id, in one query."""
    from bw2data.backends import ActivityDataset as Nodes

    query = Nodes.select(Nodes.code, Nodes.id).where(Nodes.database == database)
    return dict(query.tuples())


def to_id_cfs(method: dict[str, Any], ids: dict[str, int]) -> list[tuple[int, float]]:
    """Turn a method's CFs into ``(node id, amount)`` rows; unknown flows raise.

    Raises
    ------
    SetupError
        If a CF points to a flow that is not in the biosphere database.
    """
    rows, missing = [], []
    for cf in method["exchanges"]:
        database, code = cf["input"]
        node = ids.get(code) if database == BIOSPHERE else None
        if node is None:
            missing.append(code)
        else:
            rows.append((node, cf["amount"]))
    if missing:
        raise SetupError(
            f"Method {method['name']}: {len(missing)} CF(s) point to flows missing from "
            f"{BIOSPHERE} (e.g. {missing[0]}); run `lcasym setup --force` to rebuild it."
        )
    return rows


def _method_class() -> type:
    from bw2data import Method, config, geomapping
    from bw2data.utils import as_uncertainty_dict

    class _CheckedIdMethod(Method):
        """``Method`` whose rows hold node ids already checked against the biosphere.

        bw2data's ``process_row`` runs one query per CF to check the id exists; ids here
        come from :func:`biosphere_ids`, so that check is done once for all. The
        processed datapackage is the same as ``Method``'s.
        """

        _global = geomapping[config.global_location]

        def process_row(self, row: tuple) -> dict[str, Any]:
            if len(row) >= 3:
                return super().process_row(row)
            return {**as_uncertainty_dict(row[1]), "row": row[0], "col": self._global}

    return _CheckedIdMethod


def method_is_complete(name: MethodName, num_cfs: int | None = None) -> bool:
    """Tell whether a method is registered, written and processed (and has ``num_cfs``)."""
    from bw2data import Method, methods

    if name not in methods:
        return False
    meta = methods[name]
    if "num_cfs" not in meta or (num_cfs is not None and meta["num_cfs"] != num_cfs):
        return False
    path = Method(name).filepath_processed()
    return path.is_file() and zipfile.is_zipfile(path)


def is_lcasym_method(name: MethodName) -> bool:
    """True if the method ``name`` is registered and was written by lcasym."""
    from bw2data import methods

    meta = methods.get(name) or {}
    return bool(meta.get(MARKER_KEY)) or meta.get("source") == SOURCE


def delete_method(name: MethodName) -> None:
    """Remove a method's metadata and files (no error if absent)."""
    from bw2data import Method, methods, projects

    method = Method(name)
    for path in (
        method.filepath_processed(),
        projects.dir / "intermediate" / f"{method.filename}.pickle",
    ):
        path.unlink(missing_ok=True)
    if name in methods:
        del methods[name]


def write_methods(
    families: Iterable[str],
    *,
    skip_complete: bool = False,
    data: list[dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write every method of ``families`` into the current project.

    Parameters
    ----------
    families
        Families to write (see :func:`available_families`).
    skip_complete
        Keep methods that :func:`method_is_complete` accepts; rewrite the others.
    data
        Method dicts already read by :func:`load_method_data` (saves parsing the file).
    progress
        Called with ``(done, total)`` after each method.

    Returns
    -------
    int
        Number of methods written (skipped ones not counted).

    Raises
    ------
    ForeignDataError
        If a method of the same name that lcasym did not write is damaged (lcasym keeps a
        complete one and never rewrites it).
    """
    from bw2data import methods

    from lcasym import __version__

    families = list(families)
    data = load_method_data(families) if data is None else data
    ids = biosphere_ids()
    if not ids:
        raise SetupError(f"{BIOSPHERE} is empty or missing; run `lcasym setup`.")
    method_class = _method_class()
    written = 0
    for i, method in enumerate(data, start=1):
        name = tuple(method["name"])
        if name in methods and not is_lcasym_method(name):
            if not method_is_complete(name):
                raise ForeignDataError(
                    f"method {' | '.join(name)!r} was not written by lcasym and is damaged or "
                    "incomplete; lcasym will not overwrite it: repair or delete it "
                    f"(bw2data.Method({name!r}).deregister()), then run `lcasym setup`"
                )
            log.info("kept method %s: not written by lcasym", name)
            if progress is not None:
                progress(i, len(data))
            continue
        rows = to_id_cfs(method, ids)
        if not (skip_complete and method_is_complete(name, len(rows))):
            delete_method(name)
            obj = method_class(name)
            obj.register(
                unit=method["unit"],
                description=method.get("description", ""),
                filename=method.get("filename", ""),
                source=SOURCE,
                **{MARKER_KEY: __version__},
            )
            obj.write(rows)
            written += 1
        if progress is not None:
            progress(i, len(data))
    log.info("Wrote %d of %d LCIA methods (%s)", written, len(data), ", ".join(families))
    return written


def installed_methods(families: Iterable[str]) -> list[MethodName]:
    """Names of the methods of ``families`` registered in the current project, sorted."""
    from bw2data import methods

    wanted = set(families)
    return sorted(name for name in methods if name and name[0] in wanted)
