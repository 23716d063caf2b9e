"""The core promise: exact sizes, disjoint covering sets, and the same split by content
whatever the row order, file format or thread count."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmake_cli import split_file
from benchmake_cli.method.split import SplitParameters, split_matrix

from .conftest import random_frame


def _content(X: np.ndarray, rows: np.ndarray) -> list[tuple[float, ...]]:
    return sorted(map(tuple, X[rows].tolist()))


@pytest.mark.parametrize(("n", "frac"), [(50, 0.1), (51, 0.2), (97, 0.3), (10, 0.5), (3, 0.34)])
def test_sizes_are_exact_and_sets_partition_the_rows(n: int, frac: float) -> None:
    X = np.random.default_rng(n).random((n, 4))
    split = split_matrix(X, SplitParameters(frac))
    k = int(np.ceil(round(n * frac, 9)))
    assert len(split.test) == k and len(split.train) == n - k
    assert np.intersect1d(split.test, split.train).size == 0
    assert np.array_equal(np.union1d(split.test, split.train), np.arange(n))
    assert np.all(np.diff(split.test) > 0) and np.all(np.diff(split.train) > 0)


def test_repeated_runs_agree() -> None:
    X = np.random.default_rng(5).random((300, 6))
    first = split_matrix(X, SplitParameters(0.2))
    assert all(
        np.array_equal(first.test, split_matrix(X, SplitParameters(0.2)).test) for _ in range(2)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_test_rows_by_content_for_any_row_order(seed: int) -> None:
    X = np.random.default_rng(0).random((400, 5))
    base = split_matrix(X, SplitParameters(0.2))
    perm = np.random.default_rng(seed).permutation(len(X))
    shuffled = split_matrix(X[perm], SplitParameters(0.2))
    assert np.array_equal(np.sort(perm[shuffled.test]), base.test)
    assert shuffled.content_sha256 == base.content_sha256
    assert shuffled.test_content_sha256 == base.test_content_sha256


def test_duplicate_rows_are_taken_deterministically_first_copy_first() -> None:
    rng = np.random.default_rng(9)
    core = rng.random((60, 3))
    X = np.vstack([core, core[:20], core[:20]])  # 20 rows appear three times
    split = split_matrix(X, SplitParameters(0.25))
    perm = rng.permutation(len(X))
    again = split_matrix(X[perm], SplitParameters(0.25))
    assert _content(X, split.test) == _content(X[perm], again.test)
    # among identical rows, the copies taken are the earliest input rows
    for i in range(20):
        copies = [i, 60 + i, 80 + i]
        taken = [c for c in copies if c in set(split.test.tolist())]
        assert taken == copies[: len(taken)]


def test_thread_count_does_not_change_the_split() -> None:
    X = np.random.default_rng(11).random((600, 8))
    one = split_matrix(X, SplitParameters(0.2), threads=1)
    two = split_matrix(X, SplitParameters(0.2), threads=2)
    assert np.array_equal(one.test, two.test)


def test_seed_and_iterations_are_parameters_of_the_result() -> None:
    X = np.random.default_rng(12).random((300, 6))
    base = split_matrix(X, SplitParameters(0.2, tol=0.0))
    other_seed = split_matrix(X, SplitParameters(0.2, tol=0.0, seed=1))
    assert not np.array_equal(base.test, other_seed.test)
    fewer = split_matrix(X, SplitParameters(0.2, tol=0.0, iterations=5))
    assert not np.array_equal(base.test, fewer.test)
    again = split_matrix(X, SplitParameters(0.2, tol=0.0, iterations=5))
    assert np.array_equal(fewer.test, again.test)


def _formats(tmp_path: Path, frame: pd.DataFrame) -> dict[str, Path]:
    paths = {
        "csv": tmp_path / "d.csv",
        "tsv": tmp_path / "d.tsv",
        "parquet": tmp_path / "d.parquet",
        "npy": tmp_path / "d.npy",
    }
    frame.to_csv(paths["csv"], index=False)
    frame.to_csv(paths["tsv"], index=False, sep="\t")
    frame.to_parquet(paths["parquet"], index=False)
    np.save(paths["npy"], frame.to_numpy(dtype=np.float64))
    return paths


def test_csv_tsv_parquet_and_npy_with_the_same_numbers_give_the_same_split(
    tmp_path: Path,
) -> None:
    frame = random_frame(n=150, d=6, seed=4).drop(columns="y")
    paths = _formats(tmp_path, frame)
    results = {fmt: split_file(path, frac=0.2) for fmt, path in paths.items()}
    expected = results["csv"].test
    for fmt, result in results.items():
        assert np.array_equal(result.test, expected), fmt
        assert (
            result.manifest["encoding"]["content_sha256"]
            == results["csv"].manifest["encoding"]["content_sha256"]
        )


def test_shuffled_file_gives_the_same_test_rows_by_content(tmp_path: Path) -> None:
    frame = random_frame(n=200, d=5, seed=8)
    frame.to_csv(tmp_path / "a.csv", index=False)
    perm = np.random.default_rng(0).permutation(len(frame))
    frame.iloc[perm].to_csv(tmp_path / "b.csv", index=False)
    a = split_file(tmp_path / "a.csv", frac=0.2, target="y")
    b = split_file(tmp_path / "b.csv", frac=0.2, target="y")
    assert np.array_equal(np.sort(perm[b.test]), a.test)


def test_target_and_id_columns_never_influence_the_split(tmp_path: Path) -> None:
    frame = random_frame(n=120, d=4, seed=2)
    frame["id"] = [f"s{i}" for i in range(len(frame))]
    frame.to_csv(tmp_path / "a.csv", index=False)
    frame.assign(y=frame["y"][::-1].to_numpy(), id="x").to_csv(tmp_path / "b.csv", index=False)
    a = split_file(tmp_path / "a.csv", frac=0.2, target="y", id_columns=["id"])
    b = split_file(tmp_path / "b.csv", frac=0.2, target="y", id_columns=["id"])
    assert np.array_equal(a.test, b.test)
