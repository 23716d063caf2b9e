"""Command-line errors beyond the bad-input corpus (``tests/test_corpus.py``, which covers
malformed files of every reader): usage errors and one-hot defaults."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from benchmake_cli.errors import ExitCode

from .conftest import invoke


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "split", "x.csv", "--out", tmp_path / "o")  # --frac missing
    assert result.exit_code == ExitCode.USAGE


def test_one_hot_is_the_default_for_text_columns(tmp_path: Path, runner: CliRunner) -> None:
    pd.DataFrame({"a": range(10), "kind": list("xyzxyzxyzx")}).to_csv(
        tmp_path / "k.csv", index=False
    )
    result = invoke(runner, "split", tmp_path / "k.csv", "--frac", "0.2", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
