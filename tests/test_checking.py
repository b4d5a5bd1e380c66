"""lcasym.validate from Python: every problem at once, and what it was checked against."""

from __future__ import annotations

import pytest

import lcasym
from lcasym.errors import InputError
from lcasym.paths import examples_dir


def test_shipped_examples_are_valid_against_the_project(bw_project):
    for name in ("tiny.yaml", "kalundborg.yaml"):
        report = lcasym.validate(examples_dir() / name)
        assert report.ok, report.errors
        assert "checked against Brightway project 'lcasym-test'" in report.note


def test_typo_in_a_code_and_unknown_facility_are_both_reported(bw_project, tmp_path):
    text = (examples_dir() / "tiny.yaml").read_text()
    text = text.replace("activity: gypsum_mined", "activity: gypsum_mind", 1)
    text = text.replace("receiver: board", "receiver: bord", 1)
    path = tmp_path / "typos.yaml"
    path.write_text(text)
    report = lcasym.validate(path)
    messages = "\n".join(str(p) for p in report.errors)
    assert "did you mean" in messages and "gypsum_mined" in messages
    assert "'bord'" in messages and "board" in messages
    assert len(report.errors) >= 2  # all problems at once, not one per run


def test_model_errors_raise_with_locations(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        (examples_dir() / "tiny.yaml").read_text().replace("amount: 1000", "amout: 1000", 1)
    )
    with pytest.raises(InputError, match="did you mean 'amount'"):
        lcasym.validate(path)
