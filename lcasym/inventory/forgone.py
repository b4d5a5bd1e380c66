"""Forgone output of an exchange: what the supplier gives up, with sourced defaults.

A cogeneration (CHP) plant that extracts steam or district heat for a partner produces
less electricity; the ratio β (kWh of electricity lost per unit of heat or steam) and the
activity that replaces the lost output make the exchange's forgone-output burden
``F = amount · β · impact(activity)``. An exchange gives β itself (``ratio``) or names a
default (``default``), a row of ``lcasym/data/forgone_output.yaml`` with its value, unit,
distribution and source. The replacing activity defaults to the grid electricity of the
supplier's country (its ``location``, else the network's ``country``), resolved to the
reporting year like any year-dependent background activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from lcasym.errors import DataFileError, InputError, Problem
from lcasym.network.model import ActivityRef, Distribution, Exchange, SymbiosisNetwork
from lcasym.paths import package_data

DEFAULTS_FILE = "forgone_output.yaml"


@dataclass(frozen=True)
class ForgoneSpec:
    """A resolved forgone output: replacing activity, ratio, unit and distribution."""

    activity: ActivityRef
    ratio: float
    ratio_unit: str | None
    distribution: Distribution | None
    source: str | None


@cache
def forgone_defaults() -> dict[str, dict[str, Any]]:
    """The sourced defaults (``lcasym/data/forgone_output.yaml``), checked on load.

    Each entry has ``ratio`` (≥ 0), ``ratio_unit``, ``description``, ``source`` and
    optionally ``distribution`` (a :class:`~lcasym.network.model.Distribution` mapping).
    """
    path = package_data(DEFAULTS_FILE)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = raw.get("defaults") or {}
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        raise DataFileError(f"{path}: cannot read 'defaults': {exc}") from exc
    for key, entry in entries.items():
        ok = isinstance(entry, dict) and isinstance(entry.get("ratio"), int | float)
        if not ok or entry["ratio"] < 0 or not entry.get("source"):
            raise DataFileError(f"{path}: default {key!r} needs a ratio ≥ 0 and a source")
        if entry.get("distribution") is not None:
            Distribution.model_validate(entry["distribution"])
    return dict(entries)


def default_replacement(exchange: Exchange, network: SymbiosisNetwork) -> ActivityRef:
    """Grid electricity of the supplier's country (else the network's, else the world)."""
    supplier = network.facility(exchange.supplier)
    country = supplier.location or network.network.country or "world"
    return ActivityRef(code=f"electricity_grid_{country.strip().lower().replace('-', '')}")


def resolve_forgone(exchange: Exchange, network: SymbiosisNetwork) -> ForgoneSpec:
    """The forgone output of ``exchange``: its own ratio, or the named default's.

    Raises
    ------
    InputError
        When the default is unknown (with the known keys).
    """
    spec = exchange.forgone_output
    if spec is None:
        raise ValueError(f"exchange {exchange.id!r} has no forgone output")
    activity = spec.activity or default_replacement(exchange, network)
    declared = exchange.uncertainty.forgone_ratio if exchange.uncertainty else None
    if spec.ratio is not None:
        return ForgoneSpec(activity, spec.ratio, spec.ratio_unit, declared, spec.source)
    defaults = forgone_defaults()
    entry = defaults.get(str(spec.default))
    if entry is None:
        known = ", ".join(sorted(defaults)) or "none"
        raise InputError(
            [Problem(f"unknown forgone-output default {spec.default!r}; known: {known}",
                     f"exchanges (id {exchange.id!r}).forgone_output.default")],
            source="network",
        )  # fmt: skip
    dist = declared
    if dist is None and entry.get("distribution") is not None:
        dist = Distribution.model_validate(entry["distribution"])
    return ForgoneSpec(
        activity, float(entry["ratio"]), entry.get("ratio_unit"), dist, str(entry["source"])
    )
