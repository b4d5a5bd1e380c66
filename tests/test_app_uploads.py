"""Uploads refused in one sentence (app_support.uploads) and the session file round trip."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from lcasym.app_support import read_session, session_bytes, upload_refusal
from lcasym.errors import InputError, LcasymError
from lcasym.io import read_network
from lcasym.paths import examples_dir


@pytest.fixture(scope="module")
def tiny():
    return read_network(examples_dir() / "tiny.yaml")


def _workbook(sheets: list[str]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        for name in sheets:
            pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()


def test_too_large_is_refused_before_reading():
    text = upload_refusal("park.yaml", b"#" * (2 * 2**20 + 1), max_mb=2)
    assert text == (
        "“park.yaml” is 2.0 MB, larger than the 2 MB the app accepts: expected a network file "
        "(YAML, JSON, or Excel made from lcasym's template)."
    )


def test_not_a_workbook_and_results_workbook():
    assert "is not an Excel .xlsx workbook" in upload_refusal("park.xlsx", b"PK no zip")
    results = _workbook(["provenance", "totals", "exchanges", "long"])
    assert "is an lcasym results workbook, not a network" in upload_refusal("out.xlsx", results)
    # a workbook with a network sheet goes on to the network reader
    assert upload_refusal("park.xlsx", _workbook(["network", "facilities"])) is None
    assert "'.png' file" in upload_refusal("photo.png", b"\x89PNG")


def test_yaml_bomb_is_refused_by_the_reader():
    from lcasym.app_support import read_uploaded

    levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i, name in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    bomb = "\n".join(levels).encode()  # 10^7 values from a few hundred bytes
    assert upload_refusal("bomb.yaml", bomb) is None  # small: the reader's limits decide
    with pytest.raises(LcasymError, match="expands to more than"):
        read_uploaded("bomb.yaml", bomb)


def test_session_file_round_trip(tiny):
    data = session_bytes(tiny, {"crediting": "equal", "draws": 300, "seed": 7, "other": 1})
    network, options = read_session("s.json", data)
    assert network == tiny
    assert options == {"crediting": "equal", "draws": 300, "seed": 7}


def test_session_file_refuses_other_json_and_bad_options(tiny):
    with pytest.raises(InputError, match="not an lcasym app session file"):
        read_session("s.json", b'{"network": {}}')
    with pytest.raises(InputError, match="not a JSON session file"):
        read_session("s.json", b"\xff\xfe")
    doc = json.loads(session_bytes(tiny, {}))
    doc["options"] = {"crediting": "nobody", "draws": -1, "seed": True}
    _, options = read_session("s.json", json.dumps(doc).encode())
    assert options == {}  # unknown rule, negative draws, a bool seed: left at the app's own


def test_activity_picker_searches_every_word():
    from lcasym.app_support.activities import activity_table
    from lcasym.background.resolve import ActivityInfo

    acts = [
        ActivityInfo("lcasym-open", "gypsum_mined", "gypsum, mined", "gypsum", "GLO", "kg",
                     incomplete_for=""),
        ActivityInfo("lcasym-open", "heat_dk", "heat, district, DK", "heat", "DK", "MJ",
                     incomplete_for="water use"),
        ActivityInfo("lcasym-open", "zero", "placeholder heat", "heat", "DK", "MJ",
                     placeholder=True),
    ]  # fmt: skip
    table = activity_table(acts)
    assert table["name"].tolist() == ["gypsum, mined", "heat, district, DK", "placeholder heat"]
    assert table["coverage"].tolist() == [
        "complete", "incomplete for water use", "placeholder (zero burden)"
    ]  # fmt: skip
    assert activity_table(acts, "HEAT dk")["reference"].tolist() == [
        "lcasym-open:heat_dk", "lcasym-open:zero"
    ]  # fmt: skip
    assert activity_table(acts, "heat gypsum").empty
