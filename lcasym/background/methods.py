"""LCIA methods: which installed methods a calculation uses, and how they are labelled."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from lcasym.errors import InputError, Problem

DEFAULT_FAMILY = "EF v3.1"
IPCC_GWP100 = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
EF_GWP100 = ("EF v3.1", "climate change", "global warming potential (GWP100)")
HEADLINE_PREFERENCE = (IPCC_GWP100, EF_GWP100)
Method = tuple[str, ...]


def method_label(method: Sequence[str]) -> str:
    """One-string label of a Brightway method key: parts joined by ``" | "``."""
    return " | ".join(str(p) for p in method)


def parse_method(method: str | Sequence[str]) -> Method:
    """A method key from a tuple/list, or from a label ``"EF v3.1 | climate change | ..."``."""
    if isinstance(method, str):
        return tuple(part.strip() for part in method.split("|"))
    return tuple(str(p) for p in method)


def resolve_methods(
    requested: Iterable[str | Sequence[str]] | None, installed: Iterable[Method]
) -> list[Method]:
    """The methods to calculate, checked against the installed ones.

    Default (``requested=None``): every installed ``EF v3.1`` method (25 categories) and
    IPCC 2021 GWP100. Any installed method can be requested, by key or label.

    Raises
    ------
    InputError
        Naming each unknown method with its closest installed matches.
    """
    installed = [tuple(m) for m in installed]
    known = set(installed)
    if requested is None:
        chosen = [m for m in installed if m[0] == DEFAULT_FAMILY]
        chosen += [IPCC_GWP100] if IPCC_GWP100 in known else []
        if not chosen:
            raise InputError(
                [Problem("no EF v3.1 or IPCC 2021 method is installed; run `lcasym setup`")],
                source="methods",
            )
        return chosen
    chosen, problems = [], []
    labels = {method_label(m): m for m in installed}
    for item in requested:
        key = parse_method(item)
        if key in known:
            chosen.append(key)
            continue
        close = difflib.get_close_matches(method_label(key), list(labels), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        problems.append(Problem(f"unknown LCIA method {method_label(key)!r}{hint}"))
    if problems:
        raise InputError(problems, source="methods")
    return list(dict.fromkeys(chosen))


def headline_method(methods: Sequence[Method]) -> Method:
    """The climate method the summary leads with (IPCC 2021 GWP100, else EF 3.1 GWP100)."""
    for m in HEADLINE_PREFERENCE:
        if m in methods:
            return m
    return tuple(methods[0])
