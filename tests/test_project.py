"""lcasym.background.project: settings resolution and the one door to bw2data's global state."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest

from lcasym.background.project import (
    ProjectSettings,
    brightway_project,
    current_settings,
    project_exists,
    resolve_directory,
    resolve_project_name,
    resolve_settings,
)
from lcasym.errors import SetupError

# --- settings resolution ---------------------------------------------------------------


def test_project_name_argument_beats_env_beats_default(monkeypatch):
    monkeypatch.setenv("LCASYM_PROJECT", "from-env")
    assert resolve_project_name("from-arg") == "from-arg"
    assert resolve_project_name() == "from-env"
    monkeypatch.delenv("LCASYM_PROJECT")
    assert resolve_project_name() == "lcasym"


def test_directory_argument_beats_env_beats_bw2data(monkeypatch, tmp_path):
    monkeypatch.setenv("LCASYM_BRIGHTWAY_DIR", str(tmp_path / "env"))
    assert resolve_directory(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_directory(str(tmp_path / "arg")) == tmp_path / "arg"
    assert resolve_directory() == tmp_path / "env"
    monkeypatch.delenv("LCASYM_BRIGHTWAY_DIR")
    monkeypatch.setenv("BRIGHTWAY2_DIR", str(tmp_path / "bw2"))
    assert resolve_directory() == tmp_path / "bw2"  # bw2data's own rule
    assert resolve_settings("p", tmp_path) == ProjectSettings("p", tmp_path)


# --- the user's own project ------------------------------------------------------------


@pytest.fixture
def users_project(tmp_path):
    """A user's own project 'my-study' with a database, current in its own base dir.

    Set up the way a user's script would (bw2data directly); restored afterwards.
    """
    import bw2data
    from bw2data import projects

    before = current_settings()
    base = tmp_path / "users-brightway"
    base.mkdir()
    projects.change_base_directories(base, base_logs_dir=base, project_name="my-study")
    bw2data.Database("my-db").write(
        {
            ("my-db", "steel"): {"name": "steel", "unit": "kg", "exchanges": []},
            ("my-db", "car"): {
                "name": "car",
                "unit": "unit",
                "exchanges": [
                    {"input": ("my-db", "steel"), "amount": 900.0, "type": "technosphere"}
                ],
            },
        }
    )
    yield base
    projects.change_base_directories(before.directory, project_name=before.project, update=False)


def _snapshot():
    import bw2data

    return {
        "projects": sorted(p.name for p in bw2data.projects),
        "databases": {k: dict(v) for k, v in bw2data.databases.items()},
        "methods": sorted(bw2data.methods),
        "nodes": sorted(
            (n["code"], n["name"], tuple((e.input["code"], e["amount"]) for e in n.exchanges()))
            for n in bw2data.Database("my-db")
        ),
    }


def test_users_other_project_untouched(users_project):
    from bw2data import projects

    assert projects.current == "my-study"
    before = _snapshot()
    with brightway_project("lcasym-x", users_project) as settings:
        import bw2data

        assert projects.current == "lcasym-x"
        assert settings == ProjectSettings("lcasym-x", users_project)
        assert "my-db" not in bw2data.databases
        bw2data.Database("ours").write({("ours", "a"): {"name": "a", "exchanges": []}})
    assert projects.current == "my-study"
    after = _snapshot()
    assert after["projects"] == sorted([*before["projects"], "lcasym-x"])
    assert "default" not in after["projects"]
    for key in ("databases", "methods", "nodes"):
        assert after[key] == before[key], key


def test_other_base_directory_is_restored(users_project, tmp_path):
    from bw2data import projects

    elsewhere = tmp_path / "lcasym-dir"
    with brightway_project("lcasym-y", elsewhere):
        assert Path(projects.dir).parent == elsewhere
        assert project_exists("lcasym-y", elsewhere)
        assert not project_exists("my-study", elsewhere)
    assert current_settings() == ProjectSettings("my-study", users_project)
    assert "lcasym-y" not in {p.name for p in projects}  # never leaked into the user's dir
    assert not project_exists("default", elsewhere)  # no stray "default" project


def test_restored_after_exception(users_project, tmp_path):
    from bw2data import projects

    with pytest.raises(ZeroDivisionError), brightway_project("lcasym-z", tmp_path / "other"):
        assert projects.current == "lcasym-z"
        1 / 0  # noqa: B018
    assert current_settings() == ProjectSettings("my-study", users_project)


def test_missing_project_with_create_false_says_how_to_fix(users_project):
    from bw2data import projects

    with (
        pytest.raises(SetupError, match="lcasym setup"),
        brightway_project("lcasym-misspelt", users_project, create=False),
    ):
        pass
    assert "lcasym-misspelt" not in {p.name for p in projects}
    assert projects.current == "my-study"


def test_nested_contexts_restore_outer(users_project, tmp_path):
    from bw2data import projects

    with brightway_project("outer", tmp_path / "a"):
        with brightway_project("inner", tmp_path / "b"):
            assert current_settings() == ProjectSettings("inner", tmp_path / "b")
        assert current_settings() == ProjectSettings("outer", tmp_path / "a")
        with brightway_project("outer", tmp_path / "a"):  # same project: no switch needed
            assert projects.current == "outer"
    assert current_settings() == ProjectSettings("my-study", users_project)


def test_threads_take_turns(users_project, tmp_path):
    """Two threads (two Streamlit sessions) never see each other's project."""
    from bw2data import projects

    seen: dict[str, list[str]] = {"t1": [], "t2": []}
    spans: list[tuple[float, float]] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            for _ in range(2):
                with brightway_project(name, tmp_path / "shared"):
                    start = time.perf_counter()
                    for _ in range(5):
                        seen[name].append(projects.current)
                        time.sleep(0.002)
                    spans.append((start, time.perf_counter()))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in seen]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert seen == {"t1": ["t1"] * 10, "t2": ["t2"] * 10}
    spans.sort()
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert projects.current == "my-study"
