"""The Python API: ``partition`` with the reference's call shape, and ``split_file``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmake_cli import partition, split_file
from benchmake_cli.encode.characters import character_counts
from benchmake_cli.errors import DataError, ParameterError

from .conftest import SAMPLE, invoke


def _data(n: int = 60, d: int = 4, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).random((n, d)).round(4)


def test_numpy_pieces_and_indices_are_the_callers_rows() -> None:
    X, y = _data(), np.arange(60) * 10
    X_train, X_test, y_train, y_test = partition(X, y, test_size=0.2)
    train, test = partition(X, y, test_size=0.2, return_indices=True)
    assert isinstance(train, list) and all(type(i) is int for i in train + test)
    assert len(test) == 12 and len(train) == 48
    assert test == sorted(test) and sorted(train + test) == list(range(60))
    np.testing.assert_array_equal(X_test, X[test])
    np.testing.assert_array_equal(X_train, X[train])
    np.testing.assert_array_equal(y_test, y[test])
    np.testing.assert_array_equal(y_train, y[train])


def test_indices_follow_the_rows_not_their_order() -> None:
    """Shuffling the rows moves the test rows with them (the reference's indices do not)."""
    X = _data()
    _, test = partition(X, None, return_indices=True)
    permutation = np.random.default_rng(7).permutation(60)
    _, shuffled_test = partition(X[permutation], None, return_indices=True)
    assert sorted(permutation[shuffled_test].tolist()) == test


def test_pandas_keeps_index_and_columns() -> None:
    frame = pd.DataFrame(_data(), columns=[3, 1, 2, 0], index=[f"s{i}" for i in range(60)])
    labels = pd.Series(np.arange(60), index=frame.index, name="label")
    X_train, X_test, y_train, y_test = partition(frame, labels, test_size=0.25)
    _, test = partition(frame, labels, test_size=0.25, return_indices=True)
    assert isinstance(X_test, pd.DataFrame) and isinstance(y_test, pd.Series)
    assert list(y_train.index) == list(X_train.index) and y_train.name == "label"
    assert list(X_test.index) == [f"s{i}" for i in test] and list(y_test.index) == list(
        X_test.index
    )
    assert list(frame.columns) == [3, 1, 2, 0]  # the caller's frame is untouched
    assert list(X_train.columns) == [3, 1, 2, 0] and len(X_train) + len(X_test) == 60


def test_lists_in_lists_out() -> None:
    X = _data().tolist()
    y = [f"label{i}" for i in range(60)]
    X_train, X_test, y_train, y_test = partition(X, y)
    _, test = partition(X, y, return_indices=True)
    assert isinstance(X_test, list) and isinstance(y_test, list)
    assert X_test == [X[i] for i in test] and y_test == [y[i] for i in test]
    assert len(X_train) == len(y_train) == 48


def test_same_split_as_the_command_line(tmp_path: Path) -> None:
    frame = pd.read_parquet(SAMPLE / "alloys.parquet")
    features = frame.drop(columns=["alloy_id", "hardness_hv"])
    _, test = partition(features, frame["hardness_hv"], test_size=0.2, return_indices=True)
    result = split_file(
        SAMPLE / "alloys.csv", frac=0.2, target="hardness_hv", id_columns=["alloy_id"]
    )
    assert test == result.test.tolist()
    assert result.manifest["split"]["n_test"] == 60 and result.out is None


def test_split_file_detects_a_header_as_the_command_line_does(tmp_path: Path) -> None:
    """A CSV without a header line: ``split_file`` reads line 1 as data, as ``split`` does."""
    path = tmp_path / "headerless.csv"
    path.write_text("".join(",".join(map(str, row)) + "\n" for row in _data(40, 3)))
    result = split_file(path, frac=0.2, out=tmp_path / "api")
    assert result.manifest["input"]["read_options"]["header"] is False
    assert result.manifest["encoding"]["input_rows"] == 40
    invoke(CliRunner(), "split", path, "--frac", "0.2", "--out", tmp_path / "cli")
    assert (tmp_path / "cli" / "manifest.json").read_bytes() == (
        tmp_path / "api" / "manifest.json"
    ).read_bytes()


def test_split_file_writes_and_returns_the_manifest(tmp_path: Path) -> None:
    result = split_file(
        SAMPLE / "alloys.csv",
        frac=0.2,
        out=tmp_path / "s",
        target="hardness_hv",
        id_columns=["alloy_id"],
    )
    assert result.out == tmp_path / "s"
    assert result.manifest["files"]["test_indices.txt"]["sha256"]
    written = [int(i) for i in (tmp_path / "s" / "test_indices.txt").read_text().split()]
    assert written == result.test.tolist()


def test_images_and_signals_are_flattened_per_sample() -> None:
    images = np.random.default_rng(3).integers(0, 255, (40, 4, 4, 3)).astype(np.uint8)
    flat = images.reshape(40, -1)
    _, image_test = partition(images, None, data_type="image", return_indices=True)
    _, flat_test = partition(flat, None, return_indices=True)
    assert image_test == flat_test
    X_train, X_test, _, _ = partition(images, None, data_type="image")
    assert X_test.shape == (8, 4, 4, 3) and X_test.dtype == np.uint8
    assert X_train.shape == (32, 4, 4, 3)
    signal = np.sin(np.arange(50)[:, None] * np.linspace(0.1, 1, 16)[None, :])
    _, test = partition(signal[:, :, None], None, data_type="signal", return_indices=True)
    assert test == partition(signal, None, data_type="graph", return_indices=True)[1]


def test_sequences_are_character_counts() -> None:
    smiles = ["CCO", "CCN", "c1ccccc1", "CC(=O)O", "CCCC", "O=C=O", "N#N", "CCOCC", "C1CC1", "CS"]
    X_train, X_test, y_train, y_test = partition(smiles, list(range(10)), data_type="sequential")
    _, test = partition(smiles, None, data_type="sequential", return_indices=True)
    counts, alphabet = character_counts(smiles)
    assert alphabet == ["#", "(", ")", "1", "=", "C", "N", "O", "S", "c"]
    assert partition(counts, None, return_indices=True)[1] == test
    assert X_test == [smiles[i] for i in test] and y_test == test
    assert len(X_train) == len(y_train) == 8 and set(X_train).isdisjoint(X_test)
    series = pd.Series(smiles, index=range(100, 110))
    assert list(partition(series, None, data_type="sequential")[1].index) == [100 + i for i in test]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: partition(_data(), np.arange(5)),
            ParameterError,
            "y has 5 items but X has 60 rows; give one label per row",
        ),
        (
            lambda: partition(_data(), None, data_type="text"),
            ParameterError,
            "data_type 'text' is not one of tabular, image, sequential, signal, graph",
        ),
        (
            lambda: partition(["CC", 3], None, data_type="sequential"),
            DataError,
            "sequence 1 is a int, not a string; sequential data is a list or Series of strings",
        ),
        (
            lambda: partition(_data(), None, test_size=1.0),
            ParameterError,
            "test_size 1.0: must be between 0 and 1 (exclusive), e.g. 0.2",
        ),
        (
            lambda: partition(np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]]), None),
            DataError,
            "X: row 0, column '1': missing value; fill it in or pass --drop-missing",
        ),
    ],
)
def test_partition_errors(call, error: type, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message
