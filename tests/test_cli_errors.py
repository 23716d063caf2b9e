"""Command-line errors beyond the bad-input corpus (``tests/test_corpus.py``, which covers
malformed files of every reader): usage errors and one-hot defaults."""

from __future__ import annotations

import json
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
    encoding = json.loads((tmp_path / "o" / "manifest.json").read_text())["encoding"]
    assert encoding["columns_used"] == ["a", "kind"]
    assert encoding["one_hot"] == {"kind": ["x", "y", "z"]}
    assert encoding["d"] == 4  # a, then one column per category of kind
    # the same numbers as one-hot columns written by hand: the same content, the same split
    pd.DataFrame(
        {"a": range(10), **{f"k_{c}": [int(v == c) for v in "xyzxyzxyzx"] for c in "xyz"}}
    ).to_csv(tmp_path / "by_hand.csv", index=False)
    by_hand = invoke(
        runner, "split", tmp_path / "by_hand.csv", "--frac", "0.2", "--out", tmp_path / "h"
    )
    assert by_hand.exit_code == 0, by_hand.stderr
    assert (tmp_path / "o" / "test_indices.txt").read_text() == (
        tmp_path / "h" / "test_indices.txt"
    ).read_text()
