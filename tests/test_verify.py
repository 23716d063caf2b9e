"""``benchmake verify``: passes on the published data and split, fails naming what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file, verify_manifest
from benchmake_cli.errors import ExitCode

from .conftest import SAMPLE, invoke


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample data with its split written into a folder beside it."""
    data = tmp_path / "alloys.csv"
    shutil.copy(SAMPLE / "alloys.csv", data)
    out = tmp_path / "splits"
    split_file(data, frac=0.2, out=out, target="hardness_hv", id_columns=["alloy_id"])
    return data, out / "manifest.json"


def _verify(runner: CliRunner, manifest: Path, data: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "verify", manifest, "--data", data, *extra)


def test_verify_passes_on_the_published_split(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    result = _verify(runner, manifest, data)
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok    manifest",
        "ok    data",
        "ok    content",
        "ok    split",
        "ok    files",
    ]
    assert lines[-1] == "verified"


def test_verify_json(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    payload = json.loads(_verify(runner, manifest, data, "--json").stdout)
    assert payload["ok"] is True and len(payload["checks"]) == 5


def test_verify_accepts_reordered_rows_and_says_so(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    frame.iloc[::-1].to_csv(data, index=False)
    result = _verify(runner, manifest, data)
    assert result.exit_code == 0, result.stdout
    assert "bytes differ" in result.stdout
    assert "same rows by content, in another order" in result.stdout


def test_verify_accepts_the_same_data_as_parquet(
    runner: CliRunner, published, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _, manifest = published
    assert _verify(runner, manifest, SAMPLE / "alloys.parquet").exit_code == 0


def test_verify_fails_when_a_value_changes(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    text = data.read_text().replace("0.63861,", "0.63862,", 1)
    data.write_text(text)
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert "FAIL  content: encoded rows differ" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("NOT verified")


def test_verify_fails_when_a_row_is_removed(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    lines = data.read_text().splitlines(keepends=True)
    data.write_text("".join(lines[:-1]))
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert "found 299 rows × 10 features, recorded 300" in result.stdout


def test_verify_fails_when_a_split_file_is_edited(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    test_csv = manifest.parent / "test.csv"
    test_csv.write_text(test_csv.read_text() + "\n")
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert "FAIL  files: changed since the split: test.csv (SHA-256 differs)" in result.stdout


def test_verify_names_the_rows_when_the_index_file_is_edited(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    indices = manifest.parent / "test_indices.txt"
    rows = indices.read_text().split()
    train = (manifest.parent / "train_indices.txt").read_text().split()
    indices.write_text("\n".join([train[0], *rows[1:]]) + "\n")
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert (
        f"rows {train[0]} only in the file, rows {rows[0]} only in the recomputation"
        in result.stdout
    )


@pytest.mark.parametrize(("key", "value"), [("frac", 0.3), ("seed", 5), ("iterations", 7)])
def test_verify_fails_when_a_parameter_is_edited(
    runner: CliRunner, published, key: str, value: float
) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    content = json.loads(manifest.read_text())
    content["method"]["parameters"][key] = value
    manifest.write_text(json.dumps(content))
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert "FAIL  split: recomputed with" in result.stdout
    assert f"{key}={value}" in result.stdout


def test_manifest_that_is_not_json_or_of_unknown_schema(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    manifest.write_text('{"schema": "benchmake-manifest/99"}')
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert "unknown schema 'benchmake-manifest/99'" in result.stderr
    manifest.write_text("not json")
    result = _verify(runner, manifest, data)
    assert result.exit_code == ExitCode.BAD_MANIFEST and "not valid JSON" in result.stderr


def test_data_path_outside_the_manifest_folder_needs_data(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    _, manifest = published
    result = invoke(runner, "verify", manifest)
    assert result.exit_code == ExitCode.BAD_MANIFEST
    assert "outside the manifest's folder; pass --data PATH" in result.stderr


def test_data_copied_into_the_split_folder_is_found_without_data(
    runner: CliRunner,
    published,  # type: ignore[no-untyped-def]
) -> None:
    data, manifest = published
    shutil.copy(data, manifest.parent / data.name)  # a published bundle: data beside manifest
    result = invoke(runner, "verify", manifest.parent)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert verify_manifest(manifest).ok
