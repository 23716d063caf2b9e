"""Conventions every command keeps: flags, output streams, progress, and no optional extras."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmake_cli.cli import app, common, docs

from .conftest import ROOT, SAMPLE, invoke


def test_every_command_keeps_the_conventions() -> None:
    root = docs.root_command()
    assert any("--version" in p.opts for p in root.params)
    for name, command in docs.commands().items():
        flags = {opt for param in command.params for opt in param.opts}
        for expected in ("--json", "--quiet", "-q", "--verbose", "-v"):
            assert expected in flags, f"benchmake {name} has no {expected}"
        short_help = CliRunner().invoke(app, [name, "-h"], prog_name="benchmake")
        assert short_help.exit_code == 0 and f"Usage: benchmake {name}" in short_help.stdout


@pytest.mark.parametrize(
    ("tty", "environment", "plain"),
    [
        (True, {}, False),
        (True, {"NO_COLOR": ""}, True),
        (True, {"TERM": "dumb"}, True),
        (False, {}, True),
    ],
)
def test_progress_is_plain_off_a_terminal_or_with_no_color(
    monkeypatch: pytest.MonkeyPatch, tty: bool, environment: dict[str, str], plain: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert common.plain_progress() is plain


def test_results_on_stdout_progress_on_stderr(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "PLAIN_MIN_SECONDS", 0.0)  # report even the short stages
    result = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", tmp_path / "s",
        "--target", "hardness_hv", "--id-col", "alloy_id", "--json", "--tol", "0",
        "--iterations", "20",
    )  # fmt: skip
    assert result.exit_code == 0
    assert json.loads(result.stdout)["n_test"] == 60  # stdout is the JSON document alone
    assert "benchmake: factorizing: done in" in result.stderr
    assert "benchmake: writing files: done in" in result.stderr
    quiet = invoke(
        runner, "split", SAMPLE / "alloys.csv", "--frac", "0.2", "--out", tmp_path / "q", "-q",
        "--id-col", "alloy_id",
    )  # fmt: skip
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


BLOCKED = ("cupy", "matplotlib", "dask", "h5py", "torch", "sklearn")

WITHOUT_EXTRAS = f"""
import importlib.abc, sys
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError(f"{{name}} is blocked for this test")
        return None
sys.meta_path.insert(0, Blocker())
from benchmake_cli.cli import app
from benchmake_cli.cli.docs import commands
for args in [["--help"], ["--version"]] + [[name, "--help"] for name in commands()] + [
    ["inspect", "sample_data/alloys.csv", "--id-col", "alloy_id", "--json", "-q"]
]:
    try:
        app(args, prog_name="benchmake")
    except SystemExit as exit:
        assert exit.code in (0, None), (args, exit.code)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {BLOCKED!r})
assert not loaded, loaded
print("ok")
"""


def test_cli_starts_without_optional_extras() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("ok")
    assert '"device": "cpu"' in done.stdout
