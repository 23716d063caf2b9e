"""``benchmake split`` end to end: the files it writes and how it treats the output folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from .conftest import SAMPLE, invoke

SAMPLE_ARGS = ("--target", "hardness_hv", "--id-col", "alloy_id")


def _split(runner: CliRunner, data: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "split", data, "--frac", "0.2", "--out", out, *extra)


def test_split_writes_the_contract(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "splits"
    result = _split(runner, SAMPLE / "alloys.csv", out, *SAMPLE_ARGS)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "README.md",
        "croissant.json",
        "manifest.json",
        "test.csv",
        "test_indices.txt",
        "train.csv",
        "train_indices.txt",
    ]
    test = [int(x) for x in (out / "test_indices.txt").read_text().split()]
    train = [int(x) for x in (out / "train_indices.txt").read_text().split()]
    assert len(test) == 60 and len(train) == 240
    assert sorted(test + train) == list(range(300)) and test == sorted(test)
    original = pd.read_csv(SAMPLE / "alloys.csv", dtype=str, keep_default_na=False)
    written = pd.read_csv(out / "test.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == list(original.columns)
    assert written.equals(original.iloc[test].reset_index(drop=True))

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"]["parameters"]["frac"] == 0.2
    assert manifest["method"]["parameters"]["k"] == 60
    assert manifest["split"]["n_test"] == 60 and manifest["split"]["n_train"] == 240
    assert manifest["encoding"]["one_hot"] == {"phase": ["bcc", "bcc+fcc", "fcc"]}
    assert manifest["encoding"]["options"]["target"] == "hardness_hv"
    assert "hardness_hv" not in manifest["encoding"]["columns_used"]
    assert set(manifest["files"]) == {
        "train_indices.txt",
        "test_indices.txt",
        "train.csv",
        "test.csv",
    }
    assert "device" in manifest["info"]
    assert "60 test" in result.stdout


def test_split_outputs_are_byte_identical_across_runs(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            _split(runner, SAMPLE / "alloys.parquet", tmp_path / name, *SAMPLE_ARGS).exit_code == 0
        )
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_parquet_in_parquet_out_with_schema(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p"
    assert _split(runner, SAMPLE / "alloys.parquet", out, *SAMPLE_ARGS).exit_code == 0
    source = pq.read_table(SAMPLE / "alloys.parquet")
    test = pq.read_table(out / "test.parquet")
    assert test.schema.equals(source.schema)
    rows = [int(x) for x in (out / "test_indices.txt").read_text().split()]
    assert test.equals(source.take(rows))


def test_npy_in_npy_out(runner: CliRunner, tmp_path: Path) -> None:
    data = np.random.default_rng(0).integers(0, 50, size=(80, 3)).astype(np.int32)
    np.save(tmp_path / "x.npy", data)
    out = tmp_path / "s"
    assert _split(runner, tmp_path / "x.npy", out).exit_code == 0
    rows = [int(x) for x in (out / "test_indices.txt").read_text().split()]
    test = np.load(out / "test.npy")
    assert test.dtype == np.int32 and np.array_equal(test, data[rows])


def test_non_empty_output_is_refused_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "s"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = _split(runner, SAMPLE / "alloys.csv", out, *SAMPLE_ARGS)
    assert result.exit_code == 6
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert (out / "keep.txt").read_text() == "mine"
    forced = _split(runner, SAMPLE / "alloys.csv", out, *SAMPLE_ARGS, "--force")
    assert forced.exit_code == 6  # --force replaces only a bundle: keep.txt is the user's
    assert "--force replaces only a benchmake bundle; it holds no benchmake manifest.json" in (
        forced.stderr
    )
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    (out / "keep.txt").unlink()
    assert _split(runner, SAMPLE / "alloys.csv", out, *SAMPLE_ARGS).exit_code == 0
    again = _split(runner, SAMPLE / "alloys.csv", out, *SAMPLE_ARGS, "--force")
    assert again.exit_code == 0 and (out / "manifest.json").exists()


def test_no_partial_folders_are_left_behind(runner: CliRunner, tmp_path: Path) -> None:
    _split(runner, SAMPLE / "alloys.csv", tmp_path / "s", *SAMPLE_ARGS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_json_output_for_scripts(runner: CliRunner, tmp_path: Path) -> None:
    result = _split(runner, SAMPLE / "alloys.csv", tmp_path / "s", *SAMPLE_ARGS, "--json", "-q")
    payload = json.loads(result.stdout)
    assert payload["n_test"] == 60 and payload["n_train"] == 240 and payload["ok"] is True
    assert result.stderr == ""


def test_progress_goes_to_stderr_as_plain_lines(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("benchmake_cli.cli.common.PLAIN_MIN_SECONDS", 0.0)
    result = _split(runner, SAMPLE / "alloys.csv", tmp_path / "s", *SAMPLE_ARGS)
    assert "benchmake: factorizing" in result.stderr
    assert "factorizing" not in result.stdout


def test_whitespace_file_without_header(runner: CliRunner, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    lines = ["".join(f"{v:5d}" for v in row) for row in rng.integers(0, 99, size=(60, 5))]
    (tmp_path / "w.data-numeric").write_text("\n".join(lines) + "\n")
    out = tmp_path / "s"
    result = _split(runner, tmp_path / "w.data-numeric", out, "--no-header", "--target", "4")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input"]["read_options"] == {"header": False, "sep": "whitespace"}
    assert manifest["encoding"]["columns_used"] == ["0", "1", "2", "3"]
    assert len((out / "test.csv").read_text().splitlines()) == 12


def test_drop_missing_is_recorded(runner: CliRunner, tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2, None, 4, 5, 6, 7, 8, 9, 10], "b": range(10)})
    frame.to_csv(tmp_path / "m.csv", index=False)
    out = tmp_path / "s"
    result = _split(runner, tmp_path / "m.csv", out, "--drop-missing")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["encoding"]["dropped_rows"] == [2]
    rows = (out / "test_indices.txt").read_text().split() + (
        out / "train_indices.txt"
    ).read_text().split()
    assert sorted(map(int, rows)) == [0, 1, 3, 4, 5, 6, 7, 8, 9]


def test_version_and_help(runner: CliRunner) -> None:
    assert invoke(runner, "--version").stdout.startswith("benchmake ")
    for command in ("split", "verify"):
        result = invoke(runner, command, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout
