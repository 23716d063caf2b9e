"""The README's Makefile rule and verify gate, run as a user would run them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("bash") is None, reason="needs make and bash"
)


def _readme_block(language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## In Makefiles and scripts\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)[0]


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder with the README's Makefile and data, and ``benchmake`` on the PATH."""
    (tmp_path / "Makefile").write_text(_readme_block("make"))
    (tmp_path / "data").mkdir()
    shutil.copy(SAMPLE / "alloys.csv", tmp_path / "data" / "alloys.csv")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "benchmake"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m benchmake_cli "$@"\n')
    program.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),  # this checkout's benchmake_cli, installed or not
    }
    env.pop("MAKEFLAGS", None)
    return tmp_path, env


def _make(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make"], cwd=folder, env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_makefile_rule_and_verify_gate(project) -> None:  # type: ignore[no-untyped-def]
    folder, env = project
    first = _make(folder, env)
    assert first.returncode == 0, first.stderr
    manifest = folder / "splits" / "manifest.json"
    written = manifest.read_bytes()
    stamp = manifest.stat().st_mtime_ns

    second = _make(folder, env)
    assert second.returncode == 0
    assert "is up to date" in second.stdout and "benchmake" not in second.stdout
    assert manifest.stat().st_mtime_ns == stamp

    data = folder / "data" / "alloys.csv"
    later = stamp + 10**9
    os.utime(data, ns=(later, later))  # the data changes: the rule runs again
    third = _make(folder, env)
    assert third.returncode == 0, third.stderr
    assert "split data/alloys.csv" in third.stdout
    assert manifest.read_bytes() == written  # same data, byte-identical manifest


@pytest.mark.slow
def test_verify_gate(project) -> None:  # type: ignore[no-untyped-def]
    folder, env = project
    made = _make(folder, env)
    assert made.returncode == 0, made.stderr
    gate = _readme_block("sh")
    passed = subprocess.run(
        ["bash", "-c", gate], cwd=folder, env=env, capture_output=True, text=True
    )
    assert (passed.returncode, passed.stdout) == (0, "split verified\n")
    indices = folder / "splits" / "test_indices.txt"
    rows = indices.read_text().splitlines()
    indices.write_text("\n".join(rows[:-1]) + "\n")  # one test row fewer
    failed = subprocess.run(
        ["bash", "-c", gate], cwd=folder, env=env, capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert failed.stderr == "the data or the split differs from the manifest\n"
