"""The ``incomplete_for`` vocabulary: which impact categories an activity's data miss.

An activity of lcasym-open (and any Brightway activity carrying the attribute
``incomplete_for``) lists the categories its own data are known to miss, as terms separated
by ``;``; a parenthesis after a term explains it and is ignored here, e.g.
``"acidification (kiln SO2 not found); water use"``. The empty string means "nothing known
to be missing" (its inputs may still miss things: coverage follows the supply chain).

A term matches an LCIA method by the method's category (its second key part), so the same
words work for EF v3.1, ReCiPe 2016, IPCC 2021 and CED:

=====================  ======================================================
term                   categories it covers (prefix of the category, lower case)
=====================  ======================================================
climate change         ``climate change`` (all its sub-categories)
ozone depletion        ``ozone depletion``
ionising radiation     ``ionising radiation``
photochemical ozone    ``photochemical``
particulate matter     ``particulate matter``
toxicity               ``ecotoxicity``, ``human toxicity``
acidification          ``acidification``
eutrophication         ``eutrophication``
land use               ``land use`` (exactly; not the climate-change sub-category)
water use              ``water use``, ``water consumption``
energy resources       ``energy resources``, ``fossil``
material resources     ``material resources``, ``mineral``
resources              energy and material resources
all                    every category
all except X           every category but those of term X (e.g. ``all except climate change``)
=====================  ======================================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["TERMS", "parse_terms", "term_covers", "unknown_terms"]

_PREFIXES: dict[str, tuple[str, ...]] = {
    "climate change": ("climate change",),
    "ozone depletion": ("ozone depletion",),
    "ionising radiation": ("ionising radiation",),
    "photochemical ozone": ("photochemical",),
    "particulate matter": ("particulate matter",),
    "toxicity": ("ecotoxicity", "human toxicity"),
    "acidification": ("acidification",),
    "eutrophication": ("eutrophication",),
    "water use": ("water use", "water consumption"),
    "energy resources": ("energy resources", "fossil"),
    "material resources": ("material resources", "mineral"),
}
_PREFIXES["resources"] = _PREFIXES["energy resources"] + _PREFIXES["material resources"]
#: Every term of the vocabulary (``all except <term>`` is allowed for each of them).
TERMS: tuple[str, ...] = (*_PREFIXES, "land use", "all")
_PAREN = re.compile(r"\([^)]*\)")
_EXCEPT = re.compile(r"^all except (.+)$")


def parse_terms(text: str | None) -> list[str]:
    """The terms of an ``incomplete_for`` cell, lower case, explanations removed.

    ``"all except climate change and water use"`` is read as ``all except`` both terms.
    """
    out = []
    for part in str(text or "").split(";"):
        term = " ".join(_PAREN.sub(" ", part).split()).casefold()
        if term:
            out.append(term)
    return out


def _base_terms(term: str) -> list[str]:
    match = _EXCEPT.match(term)
    if match:
        return [t.strip() for t in match.group(1).split(" and ") if t.strip()]
    return [term]


def unknown_terms(text: str | None) -> list[str]:
    """Terms of ``text`` that are not in the vocabulary (empty list: all known)."""
    bad = []
    for term in parse_terms(text):
        bases = _base_terms(term)
        if term.startswith("all except"):
            bad += [b for b in bases if b not in TERMS or b == "all"]
        elif term not in TERMS:
            bad.append(term)
    return bad


def _matches(base: str, category: str) -> bool:
    if base == "all":
        return True
    if base == "land use":
        return category == "land use"
    return any(category.startswith(p) for p in _PREFIXES.get(base, ()))


def term_covers(terms: Sequence[str], method: Sequence[str]) -> bool:
    """True when one of ``terms`` says the data miss the category of ``method``."""
    category = str(method[1] if len(method) > 1 else method[0]).casefold()
    for term in terms:
        if term.startswith("all except"):
            if not any(_matches(b, category) for b in _base_terms(term)):
                return True
        elif _matches(term, category):
            return True
    return False
