"""Import a licensed background database (ecoinvent, SimaPro, openLCA, Brightway Excel).

Through bw2io's importers, linked to the project's biosphere (``biosphere3``, written by
``lcasym setup``). The database is written only when every exchange is linked: otherwise
an :class:`~lcasym.errors.InputError` reports how many exchanges are unlinked, with
examples and how to fix them, and nothing is written. An existing database is never
overwritten. A network then uses the database by name (``background: database:``) and its
activities by name + reference product + location.

Formats (``detect_format``):

- ``ecospold2``: a folder of ``.spold`` files (ecoinvent's ``datasets`` folder);
- ``simapro``: a SimaPro CSV export (``.csv``);
- ``jsonld``: an openLCA JSON-LD export (a folder with ``processes/``, or its ``.zip``
  unpacked first);
- ``excel``: a Brightway Excel workbook (``.xlsx``), whose first sheet names its database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lcasym.background.project import quiet_brightway
from lcasym.errors import InputError, Problem

log = logging.getLogger(__name__)
__all__ = ["FORMATS", "ImportReport", "detect_format", "import_database"]

FORMATS = ("ecospold2", "simapro", "jsonld", "excel")
BIOSPHERE = "biosphere3"
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote (or would have written)."""

    database: str
    format: str
    source: str
    activities: int
    exchanges: int
    unlinked: int = 0
    examples: list[str] = field(default_factory=list)


def _fail(message: str, where: Path | str) -> InputError:
    return InputError([Problem(message, str(where))], str(where))


def detect_format(source: Path) -> str:
    """The format of ``source`` from what it is (see the module docstring)."""
    if source.is_dir():
        if any(source.glob("*.spold")):
            return "ecospold2"
        if (source / "processes").is_dir():
            return "jsonld"
        raise _fail(
            "the folder holds no .spold files (ecospold2) and no processes/ folder (openLCA "
            "JSON-LD); point to ecoinvent's 'datasets' folder or an unpacked JSON-LD export",
            source,
        )
    suffix = source.suffix.lower()
    if suffix == ".csv":
        return "simapro"
    if suffix in (".xlsx", ".xlsm"):
        return "excel"
    raise _fail(
        "not a known background format: give an ecospold2 or openLCA JSON-LD folder, a SimaPro "
        "CSV export (.csv) or a Brightway Excel workbook (.xlsx), or name it with --format",
        source,
    )


def _importer(source: Path, fmt: str, name: str | None) -> Any:
    if fmt == "ecospold2":
        from bw2io.importers.ecospold2 import SingleOutputEcospold2Importer

        return SingleOutputEcospold2Importer(
            str(source), str(name), use_mp=False, add_product_information=False
        )
    if fmt == "simapro":
        from bw2io.importers.simapro_csv import SimaProCSVImporter

        _ensure_core_migrations()
        return SimaProCSVImporter(str(source), name=name, biosphere_db=BIOSPHERE)
    if fmt == "jsonld":
        from bw2io.importers.json_ld import JSONLDImporter

        return JSONLDImporter(str(source), str(name))
    from bw2io.importers.excel import ExcelImporter

    return ExcelImporter(str(source))


def _ensure_core_migrations() -> None:
    """bw2io's unit and SimaPro water migrations, from the files bw2io ships (no download).

    The SimaPro importer's strategies need them; ``lcasym setup`` does not write them.
    """
    from bw2io import create_core_migrations, migrations

    if not all(name in migrations for name in ("default-units", "simapro-water")):
        create_core_migrations()


def _link(importer: Any, fmt: str) -> None:
    """Apply the format's strategies and link to the project's biosphere."""
    importer.apply_strategies()
    if fmt == "jsonld":
        _relink_jsonld_biosphere(importer)
    elif fmt == "simapro":
        importer.match_database(BIOSPHERE, fields=("name", "categories", "unit"), kind="biosphere")
    importer.match_database(fields=("name", "reference product", "unit", "location"))
    if fmt == "jsonld":
        _merge_jsonld_products(importer)


def _merge_jsonld_products(importer: Any) -> None:
    """Fold openLCA's product nodes into the processes that make them.

    bw2io writes each openLCA product flow as a node of its own (``type: product``) that the
    process produces; lcasym (and a network's ``name + reference product + location``
    lookup) expects Brightway's usual layout, where a process produces itself and carries its
    ``reference product``. Each product must have exactly one provider (after bw2io's
    allocation); otherwise an InputError names the product.
    """
    db = importer.db_name
    products = {ds["code"]: ds for ds in importer.data if ds.get("type") == "product"}
    if not products:
        return
    providers: dict[str, list[dict]] = {code: [] for code in products}
    for ds in importer.data:
        for exc in ds.get("exchanges", []):
            target = tuple(exc.get("input") or ())
            if exc.get("type") == "production" and target and target[1] in products:
                providers[target[1]].append(ds)
    used = {
        tuple(exc["input"])[1]
        for ds in importer.data
        for exc in ds.get("exchanges", [])
        if exc.get("type") != "production" and exc.get("input") and exc["input"][0] == db
    }
    bad = sorted(products[c]["name"] for c, made in providers.items() if len(made) > 1 or
                 (not made and c in used))  # fmt: skip
    if bad:
        raise _fail(
            f"openLCA product(s) {', '.join(bad[:MAX_EXAMPLES])} have no single provider "
            "process; lcasym needs one process per product: set the providers (or "
            "allocation) in openLCA and export again",
            importer.db_name,
        )
    provider = {code: made[0]["code"] for code, made in providers.items() if made}
    for ds in importer.data:
        for exc in ds.get("exchanges", []):
            target = tuple(exc.get("input") or ())
            if not target or target[0] != db or target[1] not in products:
                continue
            if exc.get("type") == "production":
                ds["reference product"] = products[target[1]]["name"]
                exc["input"] = (db, ds["code"])
            else:
                exc["input"] = (db, provider[target[1]])
    importer.data = [ds for ds in importer.data if ds.get("type") != "product"]


def _relink_jsonld_biosphere(importer: Any) -> None:
    """Link openLCA's elementary flows by code: they carry ecoinvent's flow UUIDs."""
    import bw2data as bd

    codes = {flow["code"] for flow in bd.Database(BIOSPHERE)}
    for ds in importer.data:
        for exc in ds.get("exchanges", []):
            if exc.get("type") == "biosphere":
                code = (exc.get("input") or ("", exc.get("code") or exc.get("flow")))[1]
                if code in codes:
                    exc["input"] = (BIOSPHERE, code)
                else:
                    exc.pop("input", None)


def _unlinked_examples(importer: Any) -> tuple[int, list[str]]:
    unlinked = [
        exc
        for ds in importer.data
        for exc in ds.get("exchanges", [])
        if not exc.get("input") and exc.get("type") != "production"
    ]
    examples = []
    for exc in unlinked[:MAX_EXAMPLES]:
        cats = exc.get("categories")
        where = f" [{'/'.join(cats)}]" if cats else ""
        examples.append(
            f"{exc.get('type', '?')}: {exc.get('name', '?')}{where} ({exc.get('unit', '?')})"
        )
    return len(unlinked), examples


def import_database(
    source: str | Path, name: str | None = None, fmt: str | None = None
) -> ImportReport:
    """Import ``source`` as database ``name`` in the active project, fully linked or not at all.

    Call inside :func:`lcasym.background.project.brightway_project`.

    Parameters
    ----------
    source
        Folder or file (see the module docstring).
    name
        Database name; required except for Brightway Excel, whose workbook names it (a
        different ``name`` is refused: change the workbook's ``Database`` cell instead).
    fmt
        One of :data:`FORMATS`; default from ``source`` (:func:`detect_format`).

    Raises
    ------
    InputError
        Missing, empty or unreadable source; unknown format; a database of that name exists;
        no biosphere (run ``lcasym setup``); unlinked exchanges (count, examples, how to
        fix). The project is unchanged in every case.
    """
    import bw2data as bd

    path = Path(source)
    if not path.exists():
        raise _fail("no such file or folder", path)
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise _fail(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}", path)
    if fmt == "ecospold2" and not any(path.glob("*.spold")):
        raise _fail("the folder holds no .spold files", path)
    if fmt != "excel" and not name:
        raise _fail("give the new database a name (--name)", path)
    if BIOSPHERE not in bd.databases:
        raise _fail(f"the project has no {BIOSPHERE} database: run `lcasym setup` first", path)
    if name and name in bd.databases:
        raise _fail(
            f"a database named {name!r} exists already; it is never overwritten: choose "
            "another --name (or delete it in Brightway yourself)",
            path,
        )
    try:
        with quiet_brightway():
            importer = _importer(path, fmt, name)
            _link(importer, fmt)
    except InputError:
        raise
    except Exception as exc:  # the importers raise anything on unreadable input
        log.debug("import of %s failed", path, exc_info=True)
        raise _fail(f"could not be read as {fmt}: {type(exc).__name__}: {exc}", path) from None
    db_name = str(importer.db_name)
    if name and db_name != name:
        raise _fail(
            f"the workbook names its database {db_name!r}: change its 'Database' cell to "
            f"{name!r} or leave out --name",
            path,
        )
    if db_name in bd.databases:
        raise _fail(f"a database named {db_name!r} exists already; it is never overwritten", path)
    datasets = list(importer.data)
    if not datasets:
        raise _fail(f"no activities found: is this really a {fmt} export?", path)
    exchanges = sum(len(ds.get("exchanges", [])) for ds in datasets)
    count, examples = _unlinked_examples(importer)
    report = ImportReport(db_name, fmt, str(path), len(datasets), exchanges, count, examples)
    if count:
        lines = "; ".join(examples)
        raise _fail(
            f"{count} exchange(s) could not be linked to {BIOSPHERE} or to the database itself, "
            f"e.g. {lines}. Nothing was written. Fix: map these flows to {BIOSPHERE} names "
            "(bw2io migrations / randonneur), or import the database with Brightway and "
            "drop or link them yourself",
            path,
        )
    try:
        with quiet_brightway():
            importer.write_database()
    except Exception:
        if db_name in bd.databases:  # never leave it half written
            del bd.databases[db_name]
        raise
    log.info("imported %s (%s): %d activities", db_name, fmt, len(datasets))
    return report
