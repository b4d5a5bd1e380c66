"""The installed dependencies satisfy pyproject's pins, so the suite tests what the pins allow.

(CI installs from the pins; a pin that allows an untested major version, as pandas 3 once
was, shows up here as soon as that version is installed.)
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _requirements() -> list[Requirement]:
    data = tomllib.loads(PYPROJECT.read_text())
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    for group in data["project"]["optional-dependencies"].values():  # the test command: all
        reqs += [Requirement(r) for r in group]
    reqs = [r for r in reqs if r.name != "lcasym"]  # extras made of other extras
    return [r for r in reqs if r.marker is None or r.marker.evaluate()]


@pytest.mark.parametrize("req", _requirements(), ids=lambda r: r.name)
def test_installed_version_is_within_the_pin(req):
    version = metadata.version(req.name)
    assert req.specifier.contains(version, prereleases=True), f"{req.name} {version} vs {req}"
    assert req.specifier, f"{req.name} has no version range: pin what is tested"
