"""Many what-if variants of one network as tidy tables (pure: arrays in, DataFrames out).

A variant is a list of edits (:mod:`lcasym.calc.edits`) and a crediting rule. For ``n``
variants the session builds one parameter matrix ``X`` (n × n_params) and evaluates all of
them at once as dense products of the factorised system (``lcasym.calc.evaluate``):

    totals = P(X) · K_total        components = P(X) · K

This module turns those arrays into long tables, one row per variant × method (and
exchange or facility).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lcasym.calc.edits import Edit, EditsLike, parse_edits
from lcasym.calc.evaluate import ComponentScores
from lcasym.errors import InputError, Problem
from lcasym.network.model import SymbiosisNetwork
from lcasym.results.crediting import NETWORK, RULES, check_rule

BY = ("network", "exchange", "facility")
#: Largest number of variants one call evaluates (a grid multiplies its axes).
MAX_VARIANTS = 200_000
NETWORK_COLUMNS = ["variant", "method", "unit", "reference", "with_exchanges", "avoided"]
EXCHANGE_COLUMNS = [
    "variant",
    "exchange",
    "status",
    "method",
    "unit",
    "displaced",
    "treatment",
    "extra",
    "forgone",
    "net",
]
FACILITY_COLUMNS = ["variant", "crediting", "facility", "method", "unit", "credit"]


@dataclass(frozen=True)
class Variant:
    """A named what-if: edits and, optionally, its own crediting rule."""

    name: str
    edits: EditsLike = ()
    crediting: str | None = None


@dataclass(frozen=True)
class ParsedVariant:
    """A checked variant: its name, edits and crediting rule."""

    name: str
    edits: tuple[Edit, ...]
    crediting: str


def _is_variant_mapping(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and bool(value)
        and set(value) <= {"name", "edits", "crediting"}
        and bool({"edits", "crediting"} & set(value))
    )


def parse_variants(
    variants: Mapping[str, Any] | Iterable[Any],
    network: SymbiosisNetwork,
    *,
    crediting: str,
) -> list[ParsedVariant]:
    """Check every variant (all problems at once) and return them in order.

    ``variants``: a mapping name → spec, or a sequence of specs (named ``"0"``, ``"1"``,
    ... unless a :class:`Variant`). A spec is a :class:`Variant`, a mapping with
    ``edits`` and/or ``crediting`` (and optionally ``name``), or edits alone.
    """
    check_rule(crediting)
    if isinstance(variants, Mapping):
        items = [(str(k), v) for k, v in variants.items()]
    else:
        items = []
        for i, v in enumerate(variants):
            name = v.name if isinstance(v, Variant) else None
            if _is_variant_mapping(v) and "name" in v:
                name = str(v["name"])
            items.append((name if name is not None else str(i), v))
    if len(items) > MAX_VARIANTS:
        raise InputError(
            [
                Problem(
                    f"{len(items):,} variants asked for; at most "
                    f"{MAX_VARIANTS:,} per call: split them"
                )
            ],
            source="what-if variants",
        )
    problems: list[Problem] = []
    out: list[ParsedVariant] = []
    seen: set[str] = set()
    for name, spec in items:
        where = f"variants[{name!r}]"
        if name in seen:
            problems.append(Problem("two variants have this name: give each its own", where))
            continue
        seen.add(name)
        if isinstance(spec, Variant):
            edits, rule = spec.edits, spec.crediting
        elif _is_variant_mapping(spec):
            edits, rule = spec.get("edits", ()), spec.get("crediting")
        else:
            edits, rule = spec, None
        rule = crediting if rule is None else str(rule)
        if rule not in RULES:
            problems.append(
                Problem(
                    f"unknown crediting rule {rule!r}; use one of {', '.join(RULES)}",
                    f"{where}.crediting",
                )
            )
            continue
        try:
            parsed = parse_edits(edits, network, where=f"{where}.edits")
        except InputError as exc:
            problems += exc.problems
            continue
        out.append(ParsedVariant(name, parsed, rule))
    if problems:
        raise InputError(problems, source="what-if variants")
    return out


def grid_variants(
    axes: Mapping[str, Sequence[Any]], rules: Sequence[str] | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The Cartesian product of ``axes`` (``"<exchange>.<field>"`` → values) and rules.

    Returns one mapping per variant (axis → value, and ``crediting`` when rules are an
    axis) and the axis column names. ``<exchange>__<field>`` is accepted for ``.``.
    """
    names = [k.replace("__", ".") if "." not in k else k for k in axes]
    values = [list(v) if not isinstance(v, str | bytes) else [v] for v in axes.values()]
    problems = [
        Problem("give at least one value", f"grid axis {n!r}")
        for n, v in zip(names, values, strict=True)
        if not v
    ]
    if rules is not None:
        names.append("crediting")
        values.append(list(rules))
        if not rules:
            problems.append(Problem("give at least one crediting rule", "grid axis 'crediting'"))
    if problems:
        raise InputError(problems, source="what-if grid")
    size = int(np.prod([len(v) for v in values])) if values else 1
    if size > MAX_VARIANTS:
        raise InputError(
            [
                Problem(
                    f"the grid has {size:,} variants; at most {MAX_VARIANTS:,}"
                    ": use fewer values per axis"
                )
            ],
            source="what-if grid",
        )
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)], names


def network_table(
    names: Sequence[str], totals: np.ndarray, labels: Sequence[str], units: Sequence[str]
) -> pd.DataFrame:
    """One row per variant × method from ``totals`` (n, 3, n_methods)."""
    n, m = len(names), len(labels)
    return pd.DataFrame(
        {
            "variant": np.repeat(np.asarray(names, dtype=object), m),
            "method": np.tile(np.asarray(labels, dtype=object), n),
            "unit": np.tile(np.asarray(units, dtype=object), n),
            "reference": totals[:, 0].reshape(-1),
            "with_exchanges": totals[:, 1].reshape(-1),
            "avoided": totals[:, 2].reshape(-1),
        },
        columns=NETWORK_COLUMNS,
    )


def exchange_table(
    names: Sequence[str],
    scores: ComponentScores,
    counted: np.ndarray,
    status: np.ndarray,
    labels: Sequence[str],
    units: Sequence[str],
) -> pd.DataFrame:
    """One row per variant × counted exchange × method.

    ``counted`` and ``status`` are (n, n_exchanges): whether exchange k counts in variant
    i, and its status there. Exchanges that do not count are left out (not shown as 0).
    """
    m = len(labels)
    vi, ki = np.nonzero(counted)
    ids = np.asarray(scores.exchange_ids, dtype=object)

    def values(a: np.ndarray) -> np.ndarray:
        return a[vi, ki].reshape(-1)

    net = scores.exchange_net
    return pd.DataFrame(
        {
            "variant": np.repeat(np.asarray(names, dtype=object)[vi], m),
            "exchange": np.repeat(ids[ki], m),
            "status": np.repeat(status[vi, ki], m),
            "method": np.tile(np.asarray(labels, dtype=object), len(vi)),
            "unit": np.tile(np.asarray(units, dtype=object), len(vi)),
            "displaced": values(scores.displaced),
            "treatment": values(scores.treatment),
            "extra": values(scores.extra),
            "forgone": values(scores.forgone),
            "net": values(net),
        },
        columns=EXCHANGE_COLUMNS,
    )


def facility_table(
    names: Sequence[str],
    rules: Sequence[str],
    scores: ComponentScores,
    network: SymbiosisNetwork,
    labels: Sequence[str],
    units: Sequence[str],
    cff_defaults: Mapping[str, float] | None,
) -> pd.DataFrame:
    """One row per variant × facility × method: the credit under the variant's rule.

    The ``network`` rule does not split: its one pseudo-facility ``network`` holds the
    avoided total.
    """
    from lcasym.results.tables import allocate_scores

    frames = []
    rules_arr = np.asarray(rules, dtype=object)
    m = len(labels)
    for rule in dict.fromkeys(rules):
        sel = np.flatnonzero(rules_arr == rule)
        part = _draws(scores, sel)
        shares = allocate_scores(network, part, rule, cff_defaults)
        credits = shares.credits  # (n_sel, n_facilities, n_methods)
        facilities = [NETWORK] if rule == NETWORK else list(shares.facility_ids)
        f = len(facilities)
        frames.append(
            pd.DataFrame(
                {
                    "variant": np.repeat(np.asarray(names, dtype=object)[sel], f * m),
                    "crediting": rule,
                    "facility": np.tile(
                        np.repeat(np.asarray(facilities, dtype=object), m), len(sel)
                    ),
                    "method": np.tile(np.asarray(labels, dtype=object), len(sel) * f),
                    "unit": np.tile(np.asarray(units, dtype=object), len(sel) * f),
                    "credit": credits.reshape(-1),
                },
                columns=FACILITY_COLUMNS,
            ).assign(_order=np.repeat(sel, f * m))
        )
    out = pd.concat(frames, ignore_index=True).sort_values("_order", kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def _draws(scores: ComponentScores, sel: np.ndarray) -> ComponentScores:
    """The draws ``sel`` of ``scores``."""
    return ComponentScores(
        scores.methods,
        scores.exchange_ids,
        scores.facility_ids,
        scores.extra_bearer,
        scores.receivers,
        scores.suppliers,
        scores.displaced[sel],
        scores.treatment[sel],
        scores.extra[sel],
        scores.transport[sel],
        scores.forgone[sel],
        scores.own[sel],
    )


def select_exchanges(scores: ComponentScores, idx: Sequence[int]) -> ComponentScores:
    """The exchanges ``idx`` (positions in ``scores.exchange_ids``) of ``scores``."""
    idx = list(idx)

    def pick(seq: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(seq[i] for i in idx)

    return ComponentScores(
        scores.methods,
        pick(scores.exchange_ids),
        scores.facility_ids,
        pick(scores.extra_bearer),
        pick(scores.receivers),
        pick(scores.suppliers),
        scores.displaced[:, idx],
        scores.treatment[:, idx],
        scores.extra[:, idx],
        scores.transport[:, idx],
        scores.forgone[:, idx],
        scores.own,
    )
