"""Hostile and oversized network files are refused early, in bounded memory, with a sentence
that names the file and the limit; workbooks lcasym writes never hold live formulas."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lcasym.errors import InputError, LimitError
from lcasym.io import limits, load_network, read_network, write_network
from lcasym.paths import examples_dir

#: Memory a refusal may take (tracemalloc peak): far below what the attack would need.
PEAK_BYTES = 150_000_000


def billion_laughs() -> str:
    """9 levels of 9 aliases: 9**9 = 387,420,489 strings once expanded (1 KB of YAML)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        name, prev = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _base_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "network"
    wb.save(path)
    return path


def zip_bomb(path: Path) -> Path:
    """A valid workbook plus one part of 1 GiB of spaces (about 1 MB packed)."""
    base = _base_workbook(path.with_name("base.xlsx"))
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        with out.open("xl/media/padding.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(1024):
                part.write(block)
    return path


def many_rows(path: Path, rows: int = 2_000_000) -> Path:
    """A workbook whose first sheet has ``rows`` rows (streamed, never held in memory)."""
    base = _base_workbook(path.with_name("base.xlsx"))
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info))
                continue
            with out.open(info.filename, "w", force_zip64=True) as part:
                part.write(head)
                for r in range(1, rows + 1):
                    part.write(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r))
                part.write(b"</sheetData></worksheet>")
    return path


def far_blank_cell(path: Path) -> Path:
    """One formatted, empty cell at XFD1048576 (the last cell of a sheet)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "network"
    ws["A1"] = "key"
    ws["XFD1048576"].number_format = "0.00"
    wb.save(path)
    return path


def big_file(path: Path) -> Path:
    with path.open("wb") as f:
        f.truncate(limits.MAX_TEXT_BYTES + 1)  # sparse: no disk used
    return path


# (name, file writer, expected words in the message)
HOSTILE = [
    ("bomb.yaml", lambda p: p.write_text(billion_laughs()), "2,000,000 values"),
    ("deep.yaml", lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "64 levels"),
    ("deep-block.yaml", lambda p: p.write_text("- " * 100_000 + "x"), "64 levels"),
    ("deep.json", lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "64 levels"),
    ("bigint.yaml", lambda p: p.write_text("network: {id: " + "9" * 5000 + "}\n"), "100 digits"),
    ("bigint.json", lambda p: p.write_text('{"network": ' + "9" * 5000 + "}"), "100 digits"),
    (
        "tag.yaml",
        lambda p: p.write_text('network: !!python/object/apply:os.system ["echo hi"]\n'),
        "such tags are not allowed",
    ),
    ("zipbomb.xlsx", zip_bomb, "200 MB"),
    ("rows.xlsx", many_rows, "100,000 rows"),
    ("far.xlsx", far_blank_cell, "100,000 rows"),
    ("huge.yaml", big_file, "50 MB"),
]


@pytest.mark.parametrize(("name", "make", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_refused_in_bounded_memory(tmp_path, name, make, words):
    path = tmp_path / name
    make(path)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            load_network(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert name in message and words in message, message
    assert "indentation" not in message
    assert peak < PEAK_BYTES, f"{peak / 1e6:.0f} MB"


def test_limits_are_errors_of_their_own_class(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 1000 + "]" * 1000)
    with pytest.raises(LimitError, match="nested more than 64 levels"):
        load_network(path)


def test_yaml_aliases_within_limits_still_work(tmp_path):
    from lcasym.io.yaml_json import read_yaml

    # An alias used a few times is fine: the expanded size counts, not the feature.
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert read_yaml(path) == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_hostile_files_exit_2_on_the_command_line(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs())
    for command in (["validate", str(bomb)], ["calc", str(bomb), "-o", str(tmp_path / "r.json")]):
        proc = subprocess.run(
            [sys.executable, "-m", "lcasym", *command],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ},
        )
        assert proc.returncode == 2, proc.stderr
        assert "bomb.yaml" in proc.stderr and "2,000,000 values" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "r.json").exists()


# --- formula injection: text stays text in every workbook lcasym writes --------------------

INJECTIONS = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\tTAB=1+1",
    "\rCR=1+1",
]


def _injected_network():
    net = read_network(examples_dir() / "tiny.yaml", validate=False)
    facilities = [
        f.model_copy(update={"name": text})
        for f, text in zip(net.facilities, INJECTIONS, strict=False)
    ]
    flows = [
        x.model_copy(update={"flow": text})
        for x, text in zip(net.exchanges, reversed(INJECTIONS), strict=False)
    ]
    return net.model_copy(update={"facilities": facilities, "exchanges": flows})


def _formula_cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)  # formulas as written, not computed values
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _text_cells(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value}


def test_converted_network_stores_formulas_as_text(tmp_path):
    net = _injected_network()
    path = tmp_path / "net.xlsx"
    write_network(net, path)
    assert _formula_cells(path) == []
    texts = _text_cells(path)
    assert INJECTIONS[0] in texts and INJECTIONS[1] in texts
    # ... and it reads back as the same text (lossless)
    back = read_network(path, validate=False)
    assert [f.name for f in back.facilities] == [f.name.strip() for f in net.facilities]


def test_template_has_no_formula_cells(tmp_path):
    from lcasym.io.template import write_template

    path = tmp_path / "template.xlsx"
    write_template(path)
    assert _formula_cells(path) == []


def test_results_workbook_stores_formulas_as_text(tmp_path):
    import pandas as pd

    from lcasym.results.result import SymbiosisResult
    from lcasym.results.tables import TABLES, empty_table

    tables = {name: empty_table(name) for name in TABLES}
    tables["indicators"] = pd.DataFrame(
        [{c: (INJECTIONS[0] if c == "entity" else None) for c in empty_table("indicators")}]
    )
    result = SymbiosisResult(**tables, provenance={"network_name": INJECTIONS[1]})
    path = tmp_path / "results.xlsx"
    result.export(path)
    assert _formula_cells(path) == []
    assert {INJECTIONS[0], INJECTIONS[1]} <= _text_cells(path)
