"""Real data sets of the paper (skipped without ../shared/datasets): each is read and encoded
as its modality; the small ones also round-trip through split and verify. Split times and
the comparison with random splits are measured by benchmarks/real_data.py, not here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmake_cli import prepare
from benchmake_cli.encode import EncodeOptions
from benchmake_cli.formats import ReadOptions

from .conftest import invoke, shared_dataset

pytestmark = pytest.mark.shared

PNEUMONIA_KEYS = ("train_images", "val_images", "test_images")
PNEUMONIA_LABELS = ("train_labels", "val_labels", "test_labels")


def test_pneumoniamnist_three_keys_joined_in_order() -> None:
    path = shared_dataset("pneumoniamnist", "pneumoniamnist.npz")
    prepared = prepare(path, ReadOptions(key=PNEUMONIA_KEYS, target_key=PNEUMONIA_LABELS))
    table, encoded = prepared.table, prepared.encoded
    assert encoded.modality == "image" and encoded.X.shape == (5030, 784)
    assert [p["rows"] for p in table.info["parts"]] == [3882, 524, 624]
    with np.load(path) as archive:
        assert np.array_equal(encoded.X[3882], archive["val_images"][0].ravel())
        assert (
            table.labels is not None and table.labels.sum() == 3494 + 389 + 390
        )  # label 1 per part


@pytest.mark.slow
def test_fish_png_folder_at_64x64() -> None:
    root = shared_dataset("fish_png", "data")
    prepared = prepare(root, ReadOptions(image_size=(64, 64)))
    table = prepared.table
    assert prepared.encoded.X.shape == (1053, 64 * 64 * 3)
    assert table.labels is not None
    counts = dict(zip(*np.unique(table.labels, return_counts=True), strict=True))
    assert counts == {
        "bream": 202, "browntrout": 223, "burbot": 65, "chub": 216, "nase": 122,
        "perch": 77, "rainbowtrout": 148,
    }  # fmt: skip
    assert table.read_options == {"image_size": [64, 64], "mode": "RGB"}


@pytest.mark.parametrize(
    ("folder", "name", "column", "n", "chlorine"),
    [
        ("bace", "bace.csv", "mol", 1513, True),
        ("lipophilicity", "Lipophilicity.csv", "smiles", 4200, True),
        ("qm7", "qm7.csv", "smiles", 6830, False),
        ("hiv", "HIV.csv", "smiles", 41127, True),
    ],
)
def test_smiles_columns(folder: str, name: str, column: str, n: int, chlorine: bool) -> None:
    path = shared_dataset(folder, name)
    plain = prepare(path, encode_options=EncodeOptions(sequence_col=column)).encoded
    tokens = prepare(path, encode_options=EncodeOptions(sequence_col=column, tokens="smiles"))
    assert plain.modality == "sequence" and plain.n == n
    assert plain.X.sum() == sum(len(s) for s in tokens.table.frame[column].str.strip())
    # SMILES tokens count chlorine as one "Cl"; characters count its "C" and its "l"
    assert ("Cl" in tokens.encoded.feature_names) is chlorine
    assert ("l" in plain.feature_names) is chlorine
    assert "l" not in tokens.encoded.feature_names
    assert tokens.encoded.X.sum() < plain.X.sum()


def _round_trip(runner: CliRunner, tmp_path: Path, data: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / "out"
    result = invoke(runner, "split", data, "--frac", "0.2", "--out", out, "-q", *extra)
    assert result.exit_code == 0, result.stderr
    verified = invoke(runner, "verify", out, "--data", data)
    assert verified.exit_code == 0, verified.stdout
    return json.loads((out / "manifest.json").read_text())


@pytest.mark.slow
def test_bace_smiles_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    data = shared_dataset("bace", "bace.csv")
    manifest = _round_trip(runner, tmp_path, data, "--sequence-col", "mol", "--target", "Class")
    assert manifest["split"]["n_test"] == 303
    written = (tmp_path / "out" / "test.csv").read_bytes()
    assert written.count(b"\n") == 304


def test_nir_peach_spectra_as_signals(runner: CliRunner, tmp_path: Path) -> None:
    data = shared_dataset("nir_peach", "peach_spectra_brix.csv")
    manifest = _round_trip(runner, tmp_path, data, "--type", "signal", "--target", "Brix")
    assert manifest["encoding"]["modality"] == "signal"
    assert (manifest["encoding"]["n"], manifest["encoding"]["d"]) == (50, 600)


def test_german_credit(runner: CliRunner, tmp_path: Path) -> None:
    data = shared_dataset("german_credit", "german.data-numeric")
    manifest = _round_trip(runner, tmp_path, data, "--no-header", "--target", "24")
    assert (manifest["encoding"]["n"], manifest["encoding"]["d"]) == (1000, 24)
