"""The `lcasym` command as a user meets it: exit codes and messages, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def lcasym(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lcasym.cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_version_and_help():
    out = lcasym("--version")
    assert out.returncode == 0 and out.stdout.startswith("lcasym ")
    helped = lcasym("--help")
    for command in ("setup", "status", "validate", "template", "convert", "calc", "run"):
        assert command in helped.stdout


def test_python_dash_m_lcasym_is_the_command():
    out = subprocess.run(
        [sys.executable, "-m", "lcasym", "--version"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0 and out.stdout == lcasym("--version").stdout


@pytest.mark.parametrize(
    "command", ["setup", "status", "validate", "calc", "run", "convert", "opportunities"]
)
def test_help_texts_render(command):
    out = lcasym(command, "--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())  # undo the line wrapping
    assert "<bool>" not in text  # flags take no value
    if command in ("setup", "status", "validate", "calc", "run", "opportunities"):
        # the text in parentheses is shown as written, not eaten as markup
        assert "(env LCASYM_PROJECT, default 'lcasym')" in text
        assert "-p, --project NAME" in text and "-d, --dir DIR" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calc", "missing.yaml"), "file not found: missing.yaml"),
        (("calc", "--crediting", "foo", "x.yaml"), "'foo' is not one of"),
        (("nonsense",), "No such command"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message, tmp_path):
    (tmp_path / "x.yaml").write_text("network: {}\n")
    out = subprocess.run(
        [sys.executable, "-m", "lcasym.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_bad_network_is_reported_with_locations(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "network: {id: t, name: T, reporting_year: 2020}\n"
        "facilities: [{id: A, name: a, sector: s}]\n"
        "exchanges: [{id: e, supplier: A, receiver: A, kind: material, flow: f,\n"
        "             amount: -1, unit: t, displaces: {activity: x}}]\n"
    )
    out = lcasym("validate", str(path))
    assert out.returncode == 2
    assert "exchanges[0] (id 'e').amount" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
