# Point Brightway at a fresh temporary directory BEFORE anything imports bw2data, so the
# test suite never reads or writes a real user's Brightway data. Keep these lines first.
import os
import tempfile

_BW_TMP = tempfile.mkdtemp(prefix="lcasym-tests-bw-")
os.environ["BRIGHTWAY2_DIR"] = _BW_TMP
os.environ["LCASYM_BRIGHTWAY_DIR"] = _BW_TMP
os.environ["LCASYM_PROJECT"] = "lcasym-test"

"""Shared fixtures for lcasym's tests.

Brightway fixtures
------------------
``bw_project`` (session scope)
    Runs ``lcasym.background.bootstrap.setup(project="lcasym-test", directory=<temp dir>)`` once per
    test session (biosphere3, the default LCIA families, the open background) and yields
    its :class:`lcasym.background.project.ProjectSettings` (``.project``, ``.directory``).
    It does NOT
    leave the project active: bw2data's current project is process-wide, so each test
    activates it for itself. ``LCASYM_PROJECT`` and ``LCASYM_BRIGHTWAY_DIR`` point at it,
    so library code called with no project arguments (``ensure_ready()``,
    ``brightway_project()``) uses it too. Treat it as read-only: do not delete or
    rewrite biosphere3, methods or ``lcasym-open``; if you add databases, give them unique
    names and delete them, or use ``bw_scratch_project``.

``in_bw_project`` (function scope)
    The same project, made current for the duration of the test (inside
    ``lcasym.background.project.brightway_project``), yields the settings::

        def test_gwp(in_bw_project):
            import bw2data
            assert "biosphere3" in bw2data.databases

``bw_scratch_project`` (function scope)
    A throw-away copy of the set-up project (about 0.1 s to copy), current for the test
    and deleted afterwards: use it for tests that write, break or repair things.
"""

import atexit  # noqa: E402
import shutil  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

atexit.register(shutil.rmtree, _BW_TMP, True)

TEST_PROJECT = "lcasym-test"


@pytest.fixture(scope="session")
def bw_dir() -> Path:
    """The temporary Brightway base directory of this test session."""
    return Path(_BW_TMP)


@pytest.fixture(scope="session")
def bw_project(bw_dir: Path):
    """Set up the test project once per session; yields its ProjectSettings."""
    from lcasym.background.bootstrap import setup
    from lcasym.background.project import ProjectSettings

    report = setup(project=TEST_PROJECT, directory=bw_dir)
    assert report.ok, report.problems
    return ProjectSettings(report.project, report.directory)


@pytest.fixture
def in_bw_project(bw_project) -> Iterator:
    """The session test project, current for this test."""
    from lcasym.background.project import brightway_project

    with brightway_project(bw_project.project, bw_project.directory) as settings:
        yield settings


@pytest.fixture
def bw_scratch_project(bw_project) -> Iterator:
    """A throw-away copy of the set-up project, current for this test, deleted after."""
    from lcasym.background.project import brightway_project

    name = f"lcasym-scratch-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    try:
        with brightway_project(name, bw_project.directory, create=False) as settings:
            yield settings
    finally:
        with brightway_project(bw_project.project, bw_project.directory):
            import bw2data

            bw2data.projects.delete_project(name, delete_dir=True)


@pytest.fixture
def bw_project_copy(bw_project) -> Iterator:
    """A throw-away copy of the set-up project, *not* current and not locked: for tests that
    run the CLI in a subprocess (which takes the project lock itself). Deleted after."""
    from lcasym.background.project import ProjectSettings, brightway_project

    name = f"lcasym-copy-{uuid.uuid4().hex[:8]}"
    with brightway_project(bw_project.project, bw_project.directory):
        import bw2data

        bw2data.projects.copy_project(name, switch=False)
    try:
        yield ProjectSettings(project=name, directory=bw_project.directory)
    finally:
        with brightway_project(bw_project.project, bw_project.directory):
            import bw2data

            bw2data.projects.delete_project(name, delete_dir=True)
