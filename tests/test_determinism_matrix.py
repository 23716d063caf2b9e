"""The determinism matrix (``benchmarks/determinism_matrix.py``) on every ``sample_data/``
input at one fraction: shuffled rows, every other format and 2 threads give the reference
split, and the reference split is the pinned golden of ``tests/golden/splits/`` (so the
matrix does not only compare the tool with itself). The whole matrix, with the real data
sets and three fractions, is a benchmark run (its table is in docs/reliability.md)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "splits"


@pytest.mark.parametrize("method", ["benchmake-cli", "benchmake-hull"])
def test_every_sample_gives_the_same_split_in_every_variant(tmp_path: Path, method: str) -> None:
    report = tmp_path / "matrix.json"
    script = ROOT / "benchmarks" / "determinism_matrix.py"
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            "--no-shared",
            "--fracs",
            "0.2",
            "--json",
            str(report),
            "--method",
            method,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    runs = json.loads(report.read_text())["runs"]
    compared = [run for run in runs if run["status"] != "reference"]
    subjects = {run["subject"] for run in runs}
    assert len(subjects) == len(list((ROOT / "sample_data").iterdir())) - 1  # the maker script
    assert {run["kind"] for run in compared} == {"shuffled", "formats", "threads=2"}
    assert all(run["identical"] for run in compared)
    assert "| **total** | | 16/16 |" in done.stdout
    # the reference split of every input is the pinned golden, not only self-consistent
    references = {
        run["subject"]: run["test_sha256"] for run in runs if run["status"] == "reference"
    }
    goldens = {
        subject: hashlib.sha256((GOLDEN / f"{subject}__{method}.test.txt").read_bytes()).hexdigest()
        for subject in references
    }
    assert references == goldens
