"""Foreground databases: a user's database is never overwritten, builds never collide,
lcasym's stale foregrounds are cleared away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lcasym.inventory.ownership import (
    BUILD_KEY,
    NETWORK_KEY,
    USED_KEY,
    stale_foregrounds,
)
from lcasym.io import read_network
from lcasym.paths import examples_dir

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def tiny():
    return read_network(examples_dir() / "tiny.yaml", validate=False)


def _meta(network: str | None, idle: timedelta | None) -> dict:
    meta: dict = {}
    if network is not None:
        meta = {BUILD_KEY: "0123456789abcdef", NETWORK_KEY: network}
    if idle is not None:
        meta[USED_KEY] = (NOW - idle).isoformat()
    return meta


def test_which_foregrounds_are_stale():
    metadata = {
        "lcasym-kal-aaaaaaaa-baseline": _meta("kal", timedelta(hours=2)),  # same id, old
        "lcasym-kal-bbbbbbbb-baseline": _meta("kal", timedelta(minutes=5)),  # same id, in use
        "lcasym-oth-cccccccc-baseline": _meta("oth", timedelta(days=2)),  # other id, recent
        "lcasym-oth-dddddddd-baseline": _meta("oth", timedelta(days=30)),  # other id, old
        "lcasym-kal-baseline": _meta("kal", None),  # an older lcasym's name, never stamped
        "lcasym-kal-eeeeeeee-custom": _meta(None, timedelta(days=99)),  # no marker: a user's
        "my-study": _meta("kal", timedelta(days=99)),  # not an lcasym- name
        "lcasym-kal-ffffffff-baseline": _meta("kal", timedelta(days=9)),  # kept: in use now
    }
    stale = stale_foregrounds(metadata, ["lcasym-kal-ffffffff-baseline"], "kal", NOW)
    assert stale == [
        "lcasym-kal-aaaaaaaa-baseline",
        "lcasym-kal-baseline",
        "lcasym-oth-dddddddd-baseline",
    ]


def test_same_id_different_content_get_different_databases(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground

    first = build_foreground(tiny)
    other = tiny.model_copy(
        update={"exchanges": [tiny.exchanges[0].model_copy(update={"amount": 500.0})]}
    )
    second = build_foreground(other)
    assert set(first.databases).isdisjoint(second.databases)
    # Both builds stay (the first was used seconds ago), each with its own content.
    assert all(name in bd.databases for name in first.databases + second.databases)
    assert first.database("baseline").startswith("lcasym-tiny-")
    assert first.database("baseline").endswith("-baseline")
    # The same network on the same background gets the same names again.
    assert build_foreground(tiny).databases == first.databases


def test_a_users_database_with_a_foreground_name_is_refused(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.errors import ForeignDataError
    from lcasym.inventory.build import build_foreground

    names = build_foreground(tiny).databases
    for name in names:
        del bd.databases[name]
    mine = bd.Database(names[0])  # the user's own study, by chance named like lcasym's
    mine.write({(names[0], "a"): {"name": "my process", "unit": "kg", "exchanges": []}})
    before = mine.load()
    with pytest.raises(ForeignDataError, match="was not written by lcasym"):
        build_foreground(tiny)
    assert bd.Database(names[0]).load() == before
    assert names[1] not in bd.databases  # nothing written beside the refused name


def test_stale_foregrounds_are_deleted_and_others_kept(bw_scratch_project, tiny):
    import bw2data as bd

    from lcasym.inventory.build import build_foreground

    now = datetime.now(UTC)

    def used(network: str, idle: timedelta) -> dict:
        return _meta(network, None) | {USED_KEY: (now - idle).isoformat()}

    fakes = {
        "lcasym-tiny-0badf00d-baseline": used("tiny", timedelta(hours=3)),
        "lcasym-other-0badf00d-baseline": used("other", timedelta(hours=3)),
        "lcasym-other-1badf00d-baseline": used("other", timedelta(days=60)),
        "lcasym-tiny-2badf00d-custom": {},  # a user's database with an lcasym-like name
    }
    for name, meta in fakes.items():
        bd.Database(name).write({(name, "x"): {"name": "x", "unit": "kg", "exchanges": []}})
        stored = bd.databases[name]
        stored.update(meta)
        bd.databases[name] = stored
    plan = build_foreground(tiny)
    present = set(bd.databases)
    assert "lcasym-tiny-0badf00d-baseline" not in present  # same network, idle 3 h
    assert "lcasym-other-1badf00d-baseline" not in present  # any network, idle 60 days
    assert "lcasym-other-0badf00d-baseline" in present  # another network, idle 3 h: kept
    assert "lcasym-tiny-2badf00d-custom" in present  # not lcasym's: never deleted
    assert set(plan.databases) <= present
