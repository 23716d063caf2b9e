"""Shared fixtures: paths, a CLI runner, and small data files written on demand."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
#: real data sets; BENCHMAKE_SHARED_DATASETS points elsewhere (e.g. from a git worktree)
SHARED = Path(os.environ.get("BENCHMAKE_SHARED_DATASETS", ROOT.parent / "shared" / "datasets"))


@pytest.fixture(autouse=True)
def _run_in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    """Run the CLI in-process, returning the click Result (stdout and stderr kept apart)."""
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def shared_dataset(*parts: str) -> Path:
    """A file under ../shared/datasets, or skip the test when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data set {path} is not available")
    return path


def assert_clean_failure(result, tmp_path: Path, out: Path, code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    """One ``benchmake: error:`` line holding ``message``, exit ``code``, no traceback and
    nothing written (neither ``out`` nor a staging folder)."""
    assert result.exit_code == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("benchmake: error: ")
    assert message in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
    assert not [p for p in tmp_path.rglob(".benchmake-partial*")]


def random_frame(n: int = 120, d: int = 5, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, d)).round(6), columns=[f"x{i}" for i in range(d)])
    frame["y"] = rng.integers(0, 2, n)
    return frame


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    random_frame().to_csv(path, index=False)
    return path


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    """What skipped and why, grouped: the ``shared`` and ``gpu`` markers, then the rest by
    reason, so a clean checkout's summary says plainly which checks did not run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    groups: dict[str, list[str]] = {}
    for report in skipped:
        keywords = getattr(report, "keywords", {})
        if "shared" in keywords:
            group = "needs ../shared/datasets (marker: shared)"
        elif "gpu" in keywords:
            group = "needs a CUDA device (marker: gpu)"
        else:
            group = _skip_reason(report)
        groups.setdefault(group, []).append(report.nodeid)
    terminalreporter.section("what skipped and why")
    for group, ids in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        terminalreporter.write_line(f"{len(ids):4d} skipped: {group}")
