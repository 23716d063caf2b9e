"""``benchmake verify`` on the published data and split (tampering: ``test_tamper.py``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmake_cli import split_file, verify_manifest

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
        "ok    record",
        "ok    files",
        "ok    card",
        "info  decision margins (recorded)",
    ]
    assert lines[-1] == "verified"


def test_verify_json(runner: CliRunner, published) -> None:  # type: ignore[no-untyped-def]
    data, manifest = published
    payload = json.loads(_verify(runner, manifest, data, "--json").stdout)
    assert payload["ok"] is True and len(payload["checks"]) == 7


def test_data_copied_into_the_split_folder_is_found_without_data(
    runner: CliRunner,
    published,  # type: ignore[no-untyped-def]
) -> None:
    data, manifest = published
    shutil.copy(data, manifest.parent / data.name)  # a published bundle: data beside manifest
    result = invoke(runner, "verify", manifest.parent)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert verify_manifest(manifest).ok
