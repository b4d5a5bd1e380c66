"""Lighter installs: the library and the CLI work without the extras; a missing extra is named.

Each test runs a fresh Python with the optional packages made unimportable
(``sys.modules[name] = None`` makes ``import name`` fail as if it were not installed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from lcasym.paths import examples_dir

OPTIONAL = ("streamlit", "weasyprint", "dask", "distributed", "altair", "jinja2", "vl_convert")
BLOCK = f"import sys\nfor _m in {OPTIONAL!r}:\n    sys.modules[_m] = None\n"
GWP = "IPCC 2021|climate change|global warming potential (GWP100)"


def python(code: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code)],
        capture_output=True, text=True, env={**os.environ}, cwd=cwd, timeout=600,
    )  # fmt: skip


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return python(f"from lcasym.cli.main import run\nsys.argv = ['lcasym', *{args!r}]\nrun()", cwd)


def test_library_imports_without_the_extras():
    out = python(
        """
        import lcasym, lcasym.api, lcasym.results.export, lcasym.cli.main
        from lcasym.results.export import tidy_tables
        assert lcasym.calculate and lcasym.SymbiosisResult
        print("ok")
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_a_missing_extra_is_named():
    out = python(
        """
        from lcasym.extras import MissingExtraError
        try:
            __import__("lcasym.report")
        except MissingExtraError as exc:
            print(exc)
        # the figures module imports without the extras (its SVG charts need none);
        # an Altair chart names the extra when it is asked for
        from lcasym.presentation import figures
        try:
            figures.years_chart(None, "m")
        except MissingExtraError as exc:
            print(exc)
        """
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and all("pip install 'lcasym[report]'" in line for line in lines)


def test_cli_help_and_version_without_the_extras(tmp_path):
    for args in (["--help"], ["--version"], ["run", "--help"]):
        out = cli(*args, cwd=tmp_path)
        assert out.returncode == 0, (args, out.stderr)


@pytest.mark.slow
def test_calculation_and_exports_without_the_extras(bw_project_copy, tmp_path, monkeypatch):
    # a copy of the project: the variant's foreground must not stay in the shared one
    monkeypatch.setenv("LCASYM_PROJECT", bw_project_copy.project)
    tiny = examples_dir() / "tiny.yaml"
    out = python(
        f"""
        import lcasym
        from lcasym.network.model import Distribution, Uncertainty
        net = lcasym.read_network({str(tiny)!r})
        # one distribution, so that the in-process Monte Carlo runs (tiny.yaml has none)
        gsd = Uncertainty(distance=Distribution(distribution="lognormal", gsd=1.2))
        net.exchanges[0] = net.exchanges[0].model_copy(update={{"uncertainty": gsd}})
        result = lcasym.calculate(net, methods=[{GWP!r}], draws=20)
        result.export("tables")
        result.export("r.xlsx")
        print(round(result.headline()["avoided"], 2), result.draws)
        """,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    # examples/tiny.yaml's header: 7,803.78 + 25,432.69 − 1,083.14 = 32,153.33 kg CO2-eq
    assert out.stdout.split() == ["32153.33", "20"]
    assert (tmp_path / "tables" / "datapackage.json").is_file()


def test_cli_names_the_extra_before_any_work(tmp_path):
    tiny = str(examples_dir() / "tiny.yaml")
    out = cli("run", tiny, "-o", "out", "-d", str(tmp_path / "bw"), cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "pip install 'lcasym[report]'" in out.stderr and "Traceback" not in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, no project set up
    out = cli("calc", tiny, "-n", "10", "-w", "2", "-d", str(tmp_path / "bw"), cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "pip install 'lcasym[dask]'" in out.stderr and "Traceback" not in out.stderr
