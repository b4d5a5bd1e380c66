"""Bad input, bad outputs and bad options on the command line: a table of cases.

Each case: the arguments, the exit code, words the message must hold (located: file, sheet,
row or field), and that nothing was written and the input is unchanged. All are found
before any calculation starts.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from lcasym.io import read_network, write_network
from lcasym.paths import examples_dir

GWP = "IPCC 2021|climate change|global warming potential (GWP100)"
TINY = examples_dir() / "tiny.yaml"


def lcasym(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lcasym", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ},
        timeout=300,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


def tiny_variant(folder: Path, name: str, change) -> Path:
    data = yaml.safe_load(TINY.read_text())
    change(data)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def make_network(folder: Path, variant) -> Path:
    """The tiny network as net.yaml (changed by ``variant``), or as net.json."""
    if variant == "json":
        path = folder / "net.json"
        write_network(read_network(TINY, validate=False), path)
        return path
    if variant is None:
        path = folder / "net.yaml"
        path.write_bytes(TINY.read_bytes())
        return path
    return tiny_variant(folder, "net.yaml", variant)


def _unit_tons(d):
    d["exchanges"][0]["unit"] = "tons"


def _missing_db(d):
    d["network"]["background"] = {"database": "my-ecoinvent"}


def _biosphere_background(d):
    d["network"]["background"] = {"database": "biosphere3"}


def _bad_flow(d):
    d["custom_activities"] = [
        {
            "id": "mix",
            "name": "grid mix",
            "unit": "kWh",
            "exchanges": [{"flow": {"code": "00000000-0000-0000-0000-000000000000"}, "amount": 1}],
        }
    ]


# (case id, arguments (FILE = the network), exit code, words in stderr, network variant)
CASES = [
    ("suffix-txt", ["calc", "FILE", "-o", "out.txt"], 2, ["out.txt", "unknown output type"], None),
    ("suffix-pdf", ["calc", "FILE", "-o", "out.pdf"], 2, ["out.pdf", "lcasym report"], None),
    ("csv-to-terminal", ["calc", "FILE", "-f", "csv"], 2, ["without -o only JSON"], None),
    ("output-is-folder", ["calc", "FILE", "-o", "folder"], 2, ["folder", "is a folder"], None),
    (
        "folder-is-a-file",
        ["calc", "FILE", "-o", "afile/out.json"],
        2,
        ["afile", "a folder is expected"],
        None,
    ),
    ("output-is-input", ["calc", "FILE", "-o", "FILE"], 2, ["is the input file"], "json"),
    (
        "device",
        ["calc", "FILE", "-o", "/dev/full", "-f", "json"],
        2,
        ["/dev/full", "not a regular file"],
        None,
    ),
    (
        "too-many-draws",
        ["calc", "FILE", "-n", "1000000000"],
        2,
        ["--draws", "1,000,000,000 draws", "GB"],
        None,
    ),
    (
        "no-scheduler",
        ["calc", "FILE", "-n", "10", "--scheduler", "tcp://127.0.0.1:PORT"],
        1,
        ["cannot reach the Dask scheduler", "127.0.0.1"],
        None,
    ),
    (
        "tons",
        ["calc", "FILE", "-m", GWP],
        2,
        ["net.yaml, exchanges[0] (id 'tiny-gypsum').unit", "'tons' is ambiguous"],
        _unit_tons,
    ),
    (
        "missing-database",
        ["calc", "FILE", "-m", GWP],
        2,
        ["database 'my-ecoinvent' is not available", "'biosphere3', 'lcasym-open'"],
        _missing_db,
    ),
    (
        "biosphere-background",
        ["calc", "FILE", "-m", GWP],
        2,
        ["network.background.database", "holds elementary flows"],
        _biosphere_background,
    ),
    (
        "missing-flow",
        ["calc", "FILE", "-m", GWP],
        2,
        ["custom_activities[0] (id 'mix').exchanges[0].flow.code", "no biosphere flow"],
        _bad_flow,
    ),
    ("run-into-a-file", ["run", "FILE", "-o", "afile"], 2, ["afile", "a folder is expected"], None),
    ("run-missing-file", ["run", "nowhere.yaml"], 2, ["file not found: nowhere.yaml"], None),
]


@pytest.mark.parametrize(
    ("case", "args", "code", "words", "variant"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_command_line(bw_project, tmp_path, case, args, code, words, variant):
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("not a folder")
    network = make_network(tmp_path, variant)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    port = str(closed_port())
    argv = [str(network) if a == "FILE" else a.replace("PORT", port) for a in args]
    proc = lcasym(*argv, cwd=tmp_path)
    assert proc.returncode == code, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "unexpected error" not in proc.stderr
    assert proc.stdout == ""
    # nothing written, the input unchanged, the device still a device
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) if Path("/dev/full").exists() else True


def test_excel_locations_are_the_same_in_validate_calc_and_run(bw_project, tmp_path):
    path = tmp_path / "net.xlsx"
    write_network(read_network(TINY, validate=False), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["exchanges"]
    unit_col = [c.value for c in ws[1]].index("unit") + 1
    ws.cell(row=3, column=unit_col, value="tons")
    wb.save(path)
    where = "net.xlsx, sheet 'exchanges', row 3"
    messages = []
    for command in (["validate"], ["calc", "-o", "r.json"], ["run", "-o", "out"]):
        proc = lcasym(command[0], str(path), *command[1:], cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        line = next(ln for ln in proc.stderr.splitlines() if "tons" in ln)
        assert where in line, line
        messages.append(line.strip())
    assert len(set(messages)) == 1
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "out").exists()


def test_read_only_folder_and_full_disk(tmp_path, monkeypatch):
    import errno

    from lcasym.atomic import atomic_path, check_output
    from lcasym.errors import OutputError, WriteError

    # As root, permissions do not stop a write: simulate a read-only folder.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode)
    )
    with pytest.raises(OutputError, match="read-only"):
        check_output(tmp_path / "out.json")
    monkeypatch.setattr(os, "access", real_access)

    target = tmp_path / "out.json"
    target.write_text("the previous result")
    with pytest.raises(WriteError, match="disk is full"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "the previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no partial file
