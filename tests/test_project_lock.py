"""The inter-process lock of a Brightway directory: a second holder waits, then gives up."""

from __future__ import annotations

import fcntl
import os

import pytest

from lcasym.background.project import LOCK_FILE, project_lock
from lcasym.errors import SetupError


def test_a_held_lock_makes_the_next_process_wait_then_give_up(tmp_path, monkeypatch):
    monkeypatch.setenv("LCASYM_LOCK_TIMEOUT", "0.3")
    with open(tmp_path / LOCK_FILE, "a+") as other:  # another open file: another holder
        other.write("4242")
        other.flush()
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with (
            pytest.raises(SetupError, match=r"another process \(pid 4242\)"),
            project_lock(tmp_path),
        ):
            pass
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    with project_lock(tmp_path), project_lock(tmp_path):  # re-entrant in one process
        assert (tmp_path / LOCK_FILE).read_text() == str(os.getpid())
