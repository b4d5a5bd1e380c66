"""The small benchmark runs end to end (a smoke test: no timing is checked)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_small_benchmark_runs(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_engine.py"),
            "--small",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in (
        "1. network",
        "2. ",
        "3. foreground MC",
        "4. background MC",
        "5. Dask",
        "6. peak memory",
    ):
        assert figure in result.stdout


def test_small_scale_benchmark_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--small", "--dir",
         str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    for line in ("contributions, 40 exchanges", "full table", "calculate's default",
                 "run      10 exchanges", "api      40 exchanges", "growth exponent"):  # fmt: skip
        assert line in result.stdout, result.stdout
